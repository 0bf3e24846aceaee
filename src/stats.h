/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Running totals per memory cgroup, for the summary at exit. */
#ifndef __OOMTRACE_STATS_H
#define __OOMTRACE_STATS_H

#include <stdio.h>

struct stats;

struct stats *stats__new(void);
void stats__free(struct stats *st);
/* memcg NULL or "" counts under "(unknown)". */
void stats__add_kill(struct stats *st, const char *memcg);
void stats__add_episode(struct stats *st, const char *memcg, unsigned int passes,
			unsigned long long stall_ns, unsigned long long scanned,
			unsigned long long reclaimed);
/* The stall time at quantile q (0..1) of memcg's episodes, in ns; 0 if none. */
unsigned long long stats__stall_quantile(const struct stats *st, const char *memcg, double q);
/* One line per memcg: kills, episodes, passes, stall percentiles, pages. */
void stats__print(const struct stats *st, FILE *f);
/* The same as one JSON object: {"memcg path":{...}, ...}. */
void stats__print_json(const struct stats *st, FILE *f);

#endif
