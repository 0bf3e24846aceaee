/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A kill record decoded for output: the raw BPF record plus what user
 * space derives from it (points, OOM domain, constraint, cgroup paths).
 */
#ifndef __OOMTRACE_REPORT_H
#define __OOMTRACE_REPORT_H

#include <stdbool.h>
#include "oomtrace.h"
#include "container.h"
#include "host.h"
#include "memcg_state.h"
#include "procs.h"

struct gfp_table;

#define REPORT_PATH_LEN (OOMT_CG_DEPTH * OOMT_CG_NAME_LEN + 8)

/* What a source other than BPF (the kernel log) could not learn: printed as null. */
enum report_unknown {
	REPORT_NO_KTIME = 1 << 0,
	REPORT_NO_INVOKER = 1 << 1,	/* its pid, tid and comm */
	REPORT_NO_INVOKER_PID = 1 << 2, /* its pid and tid */
	REPORT_NO_GFP_NAMES = 1 << 3,	/* gfp_mask; gfp_mask_raw is known */
	REPORT_NO_UID = 1 << 4,
	REPORT_NO_ADJ = 1 << 5,
	REPORT_NO_VM = 1 << 6,
	REPORT_NO_ANON = 1 << 7,
	REPORT_NO_FILE = 1 << 8,
	REPORT_NO_SHMEM = 1 << 9,
	REPORT_NO_SWAP = 1 << 10,
	REPORT_NO_PGTABLES = 1 << 11,
	REPORT_NO_MEMCG_USAGE = 1 << 12, /* memcg.usage_kb and .limit_kb */
	REPORT_NO_CGROUP_VERSION = 1 << 13,
	REPORT_NO_STACK = 1 << 14,
	REPORT_NO_NEXT = 1 << 15, /* next_victims were not read */
};

struct kill_report {
	const struct oom_kill_record *rec;
	bool have_points;
	bool points_from_kernel; /* oom_control's chosen_points, not computed */
	long points;
	bool have_totalpages;
	unsigned long totalpages;
	const char *constraint; /* NULL when it cannot be told */
	bool have_gfp;
	unsigned int gfp_mask;
	const char *gfp_source; /* oom_control, direct_reclaim, memcg_reclaim */
	bool have_memcg;
	char memcg_path[REPORT_PATH_LEN];  /* the memcg whose limit was hit */
	char cgroup_path[REPORT_PATH_LEN]; /* the victim's memcg */
	bool have_container;
	struct container_info container; /* parsed from cgroup_path */

	/* read from cgroupfs and /proc by the tracer when the record arrives */
	bool have_state;
	struct memcg_state state; /* of the OOM memcg */
	struct proc_info *next;	  /* who the same formula ranks next */
	size_t nr_next;

	/* set by sources other than BPF (the kernel log); zero for BPF records */
	const char *source;	   /* "bpf" when NULL */
	const char *hook;	   /* instead of rec->hook's name */
	const char *gfp_names;	   /* the flags as the source named them */
	const char *const *frames; /* the stack as text, instead of rec->kstack */
	int nr_frames;
	unsigned int unknown; /* enum report_unknown */
};

void report__build(struct kill_report *r, const struct oom_kill_record *rec,
		   const struct host_info *host, const struct gfp_table *gfp);
/*
 * The request's gfp as a reclaim pass saw it.  Memcg reclaim rewrites the
 * placement bits to GFP_HIGHUSER_MOVABLE's: keep only those it took from
 * the request.
 */
unsigned int report__request_gfp(const struct gfp_table *gfp, unsigned int mask,
				 bool memcg_reclaim);
const char *report__episode_end_name(unsigned int end);
const char *report__reaper_name(unsigned int state);
const char *report__hook_name(unsigned int hook);
const char *report__constraint_name(unsigned int constraint);
/*
 * What a kill counts under, in the summary and the metrics alike: the OOM
 * memcg's path; "(global)" for a kill no memcg's limit caused;
 * "(unknown)" when a memcg caused it (or may have) but cannot be named.
 */
const char *report__memcg_label(const struct kill_report *r);

#endif
