/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Running totals per memory cgroup, for the summary at exit. */
#ifndef __OOMTRACE_STATS_H
#define __OOMTRACE_STATS_H

#include <stdio.h>

/* the row memcgs past the cap share */
#define STATS_OTHER "(other memcgs)"

struct stats;
struct memcg_reclaim;

struct stats *stats__new(void);
void stats__free(struct stats *st);
/* memcg NULL or "" counts under "(unknown)". */
void stats__add_kill(struct stats *st, const char *memcg);
void stats__add_episode(struct stats *st, const char *memcg, unsigned int passes,
			unsigned long long stall_ns, unsigned long long scanned,
			unsigned long long reclaimed);
/*
 * The kernel's totals of memcg's episodes (bpf/oomtrace.h), added; a memcg
 * first seen here is listed where its first episode closed (first_ns).
 */
void stats__add_episodes(struct stats *st, const char *memcg, const struct memcg_reclaim *r);
/*
 * memcg gets its row now, if it has none, without counting anything: the
 * rows stay in the order records named them, as a replay of them lists
 * them, though the figures come later from the kernel's totals.  A row
 * that never counts anything is not printed.
 */
void stats__note_memcg(struct stats *st, const char *memcg);
/* The histogram bucket of a stall time (OOMT_STALL_BUCKETS of them). */
unsigned int stats__stall_bucket(unsigned long long ns);
/* The least stall time in bucket b, for the BPF side to bucket alike. */
unsigned long long stats__bucket_floor(unsigned int b);
/* The stall time at quantile q (0..1) of memcg's episodes, in ns; 0 if none. */
unsigned long long stats__stall_quantile(const struct stats *st, const char *memcg, double q);
/* One line per memcg: kills, episodes, passes, stall percentiles, pages. */
void stats__print(const struct stats *st, FILE *f);
/* The same as one JSON object: {"memcg path":{...}, ...}. */
void stats__print_json(const struct stats *st, FILE *f);

#endif
