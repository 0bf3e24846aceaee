/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a kill record cannot carry, read live within milliseconds of the
 * kill: the OOM memcg's cgroupfs state and who is next in its domain.
 */
#ifndef __OOMTRACE_AFTERMATH_H
#define __OOMTRACE_AFTERMATH_H

#include <stdbool.h>
#include <stddef.h>
#include "event.h"
#include "host.h"

struct cgroups;
struct procs_weigher;

/* Victims the kernel has marked and that have not exited: their thread ids. */
struct marked_tids {
	const unsigned int *tids;
	size_t nr;
	/* each one's process, where the source knows it (0: not known, /proc is asked); may be NULL */
	const int *tgids;
};

/*
 * Fill ev's memcg state, next victims (to be freed with
 * event__clear_next()) and ev->enrich (each step's time, and which stopped
 * at its limit: docs/records.md, Limits); cg and marked may be NULL.  The
 * next victims leave out the marked and the exiting: the kernel passes
 * over them too.  The domain is ranked once per OOM event: later records
 * of the same event pick from that ranking, each leaving out its own
 * victim and marked.  budget_ns (0: the default, 1 s) caps the ranking's
 * CPU time: the source lowers it when more kills wait behind this one.
 * weigher (may be NULL) is tried before /proc for the ranking.
 */
void aftermath__read(struct oom_event *ev, struct cgroups *cg, const struct host_info *host,
		     const struct procs_weigher *weigher, const struct marked_tids *marked,
		     long long budget_ns);

#endif
