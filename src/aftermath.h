/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a kill record cannot carry, read live within milliseconds of the
 * kill: the OOM memcg's cgroupfs state and who is next in its domain.
 */
#ifndef __OOMTRACE_AFTERMATH_H
#define __OOMTRACE_AFTERMATH_H

#include <stdbool.h>
#include <stddef.h>
#include "host.h"
#include "report.h"

struct cgroups;

/* The steps of enrichment, each measured and capped (docs/records.md, Limits). */
enum aftermath_step {
	AFTERMATH_STATE, /* the OOM memcg's cgroupfs files */
	AFTERMATH_PIDS,	 /* its processes, from cgroup.procs down its subtree */
	AFTERMATH_RANK,	 /* weighing them from /proc, and picking the next victims */
	AFTERMATH_STEPS,
};

/* What the aftermath says beyond struct kill_report's fields. */
struct aftermath {
	bool next_truncated; /* the domain had more processes than one scan reads */
	/*
	 * The next victims were picked from the ranking made for an earlier
	 * record of the same OOM event (a memory.oom.group kill's members).
	 */
	bool next_cached;
	unsigned int cut_short;			     /* bits 1 << step: stopped at its limit */
	unsigned long long step_ns[AFTERMATH_STEPS]; /* what each step took; 0: not run */
};

/* Victims the kernel has marked and that have not exited: their thread ids. */
struct marked_tids {
	const unsigned int *tids;
	size_t nr;
};

/*
 * Fill r->state and r->next (to be freed), and am; cg and marked may be
 * NULL.  The next victims leave out the marked and the exiting: the
 * kernel passes over them too.  The domain is ranked once per OOM event:
 * later records of the same event (rec->event_id) pick from that ranking,
 * each leaving out its own victim and marked.
 */
void aftermath__read(struct kill_report *r, struct cgroups *cg, const struct host_info *host,
		     const struct marked_tids *marked, struct aftermath *am);

#endif
