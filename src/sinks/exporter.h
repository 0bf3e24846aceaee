/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the tracer tells Prometheus: the metrics registry, served over HTTP
 * (--metrics) and written to a file (--metrics-file).  Every function
 * takes NULL, meaning neither option was given.
 */
#ifndef __OOMTRACE_EXPORTER_H
#define __OOMTRACE_EXPORTER_H

#include <stdbool.h>
#include "oomtrace.h"
#include "options.h"

struct exporter;
struct oom_event;
struct reap_event;

/*
 * Checks --metrics-file and binds --metrics before anything is loaded.
 * Returns 0 (*out NULL if neither option is given) or an enum exit_code
 * after saying why on stderr.
 */
int exporter__new(const struct options *opts, struct exporter **out);
/* Hooks attached: serve, and write the file a first time.  0 or -errno. */
int exporter__start(struct exporter *e, const char *hooks);
struct reconcile;

/* A kill, or a victim already exiting, which counts apart. */
void exporter__kill(struct exporter *e, const struct oom_event *ev);
/* A victim's late word (ev->not_gone) or its end; only the first is counted. */
void exporter__reaped(struct exporter *e, const struct reap_event *ev);
/* The differences with the kernel's counts, after each comparison. */
void exporter__reconcile(struct exporter *e, const struct reconcile *rc);
/*
 * Reclaim episodes closed since the last call, of one memcg: memcg its
 * path, NULL if unknown; other: of memcgs past the kernel's count apart.
 */
void exporter__reclaim(struct exporter *e, const char *memcg, bool other,
		       const struct memcg_reclaim *added);
/*
 * From the poll loop: the BPF side's drop counts (indexed by enum
 * record_type), and the file rewritten if anything changed, once a
 * second at most.
 */
void exporter__tick(struct exporter *e, const __u64 dropped[OOMT_RECORD_TYPES]);
/* The same for the kernel-log source: its records overwritten unread. */
void exporter__tick_kmsg(struct exporter *e, unsigned long long log_lost);
/* Stops serving; the file written a last time, with oomtrace_up 0. */
/* Each BPF program's runs the kernel skipped so far; see metrics__set_missed_runs(). */
void exporter__missed_runs(struct exporter *e, const char *const *progs,
			   const unsigned long long *runs, size_t n);
void exporter__free(struct exporter *e);

#endif
