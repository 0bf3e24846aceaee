/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Each memcg's reclaim totals, as the summary and the metrics count them:
 * what the BPF side folds as episodes close (the memcg_reclaim map and its
 * shared row past the map's size), plus the idle episodes user space closes
 * (sweep_idle_episodes() in tracer.c), which it keeps here: a read, add and
 * write of the map from user space would lose the kernel's adds made in
 * between.  A memcg's path is looked up when it is first seen, so that a
 * memcg removed afterwards keeps its name.
 */
#ifndef __OOMTRACE_RECLAIM_TOTALS_H
#define __OOMTRACE_RECLAIM_TOTALS_H

#include <stdbool.h>
#include "oomtrace.h"

struct cgroups;
struct reclaim_totals;

/*
 * map_fd: the memcg_reclaim map; other: the shared row; folded: the count
 * of episodes folded, which moves whenever the map does (all three the BPF
 * side's, valid as long as this is).  cg may be NULL: no paths then.
 */
struct reclaim_totals *reclaim_totals__new(int map_fd, const struct memcg_reclaim *other,
					   const volatile __u64 *folded, struct cgroups *cg);
void reclaim_totals__free(struct reclaim_totals *rt);
/* An episode user space closed (not one the kernel did). */
void reclaim_totals__add(struct reclaim_totals *rt, const struct reclaim_episode *ep);
/*
 * Reads the kernel's totals again if an episode was folded since, and the
 * last read is interval_ns old (0: now).  0 or -errno.
 */
int reclaim_totals__read(struct reclaim_totals *rt, unsigned long long interval_ns);

/*
 * memcg: the path, NULL if it could not be named; other: the row memcgs
 * past the map's size share (memcg NULL).
 */
typedef void (*reclaim_totals_fn)(void *ctx, const char *memcg, bool other,
				  const struct memcg_reclaim *r);
/* Every memcg's totals so far. */
void reclaim_totals__each(const struct reclaim_totals *rt, reclaim_totals_fn fn, void *ctx);
/*
 * What each memcg added since the previous call (counters only, no
 * histogram), for those that added any.
 */
void reclaim_totals__news(struct reclaim_totals *rt, reclaim_totals_fn fn, void *ctx);

#endif
