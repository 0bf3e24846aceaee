/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Render decoded records for people (text blocks) or machines (JSON Lines). */
#ifndef __OOMTRACE_OUTPUT_H
#define __OOMTRACE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include "oomtrace.h"
#include "color.h"
#include "event.h"
#include "reconcile.h"

struct ksyms;
struct gfp_table;
struct stats;

struct output_ctx {
	bool json;
	bool color;		   /* text only: see color__enabled() */
	const struct ksyms *ksyms; /* NULL: stacks print as addresses */
	const struct gfp_table *gfp;
	unsigned long page_size;
	const char *lost_to; /* what dropped records were lost to; NULL: a full ring buffer */
};

/* Write one kill; realtime is the wall-clock time of the kill, NULL if not known. */
void output__kill(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev,
		  const struct timespec *realtime, unsigned long long dropped);
/*
 * A difference between the kills reported and the kernel's count: an
 * "unreconciled" record on f with --json, else a warning on stderr.
 */
void output__unreconciled(FILE *f, const struct output_ctx *ctx, const struct reconcile_diff *d,
			  const struct timespec *realtime);
/* A closed reclaim episode; realtime is the wall-clock time of its begin, NULL if not known. */
void output__stall(FILE *f, const struct output_ctx *ctx, const struct stall_event *ev,
		   const struct timespec *realtime, unsigned long long dropped);
/* A victim's end, with what the oom_reaper did before it; realtime NULL: not known. */
void output__reaped(FILE *f, const struct output_ctx *ctx, const struct reap_event *ev,
		    const struct timespec *realtime, unsigned long long dropped);

#define OUTPUT_MAX_NODES 64 /* NUMA nodes, as reclaim.bpf.c sizes its maps */

/* kswapd and LRU totals of one NUMA node, over the run */
struct node_totals {
	unsigned int nid;
	unsigned long long wakes, run_ns, scanned, reclaimed;
};

/* What the summary at exit says: live from the BPF maps, or from a --record file. */
#define OUTPUT_MAX_MISSED 32

/* runs of one BPF program the kernel skipped */
struct prog_misses {
	char prog[40]; /* its name in bpf/ */
	unsigned long long runs;
};

struct run_totals {
	const char *source; /* "kmsg", or NULL for BPF */
	unsigned long long kills;
	unsigned long long already_exiting; /* victims marked while exiting: not kills */
	/* the kernel's kills over the run (/proc/vmstat oom_kill), if compared */
	bool have_kernel_kills;
	unsigned long long kernel_kills;
	/*
	 * Kills the kernel counted twice: a memory.oom.group kill kills the
	 * task it chose again, with no second mark, so no second record
	 */
	unsigned long long repeat_kills;
	const char *kernel_why; /* why not compared, for the text; NULL: nothing to say */
	unsigned long long dropped[OOMT_RECORD_TYPES]; /* BPF: by enum record_type */
	/* kmsg: log records overwritten unread, reports cut off before a victim */
	unsigned long long log_lost, incomplete;
	/*
	 * BPF: runs of its programs the kernel skipped, because the same
	 * program was already running on that CPU (bpf_prog_info's
	 * recursion_misses, 5.12+); unknown without have_missed_runs
	 */
	bool have_missed_runs;
	unsigned long long missed_runs;
	/* the programs with skipped runs (the first OUTPUT_MAX_MISSED) */
	struct prog_misses missed[OUTPUT_MAX_MISSED];
	unsigned int nr_missed;
	struct node_totals nodes[OUTPUT_MAX_NODES]; /* the nodes that saw any */
	unsigned int nr_nodes;
	const struct stats *stats; /* per memcg */
};

/* The summary for people (stderr at the end of a run) and as a "summary" record. */
void output__summary(FILE *f, const struct run_totals *s);
void output__summary_json(FILE *f, const struct run_totals *s);
/* Its lines on the victims already exiting and the kernel's count (in output__summary()). */
void output__summary_kernel(FILE *f, const struct run_totals *s);

/* "2026-11-21T23:51:02.123456Z" */
int output__format_time(const struct timespec *ts, char *buf, size_t size);

#endif
