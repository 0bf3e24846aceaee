/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A memory cgroup's state from cgroupfs, v1 and v2 files mapped onto one
 * schema: counters, events, swap and the key memory.stat lines.
 */
#ifndef __OOMTRACE_MEMCG_STATE_H
#define __OOMTRACE_MEMCG_STATE_H

#include <stdbool.h>
#include <stdio.h>

#define MEMCG_STAT_LINES	 128 /* more than any kernel's memory.stat has */
#define MEMCG_STAT_KEY_LEN 40

/* one line of memory.stat, as the kernel wrote it */
struct memcg_stat_line {
	char key[MEMCG_STAT_KEY_LEN];
	long long value; /* bytes or a count, as the file says */
};

/* -1 marks what this cgroup version does not say */
struct memcg_state {
	long long usage, limit;		       /* bytes */
	long long swap, swap_limit;	       /* bytes of swap alone (v1: memsw less memory) */
	long long failcnt;		       /* v1 memory.failcnt */
	long long ev_max, ev_oom, ev_oom_kill; /* v2 memory.events; v1: oom_kill only */
	long long anon, file, kernel, sock, shmem, slab; /* bytes */
	long long pgscan, pgsteal;			 /* pages */
	long long high, low, min;			 /* v2 memory.high/.low/.min, bytes */
	long long memsw_limit;				 /* v1 memory.memsw.limit_in_bytes */
	long long swappiness;				 /* v1 memory.swappiness */
	long long ev_low, ev_high, ev_oom_group_kill;	 /* the rest of v2's memory.events */
	/* every memory.stat line, the ones the kernel's report prints */
	struct memcg_stat_line lines[MEMCG_STAT_LINES];
	unsigned int nr_lines;
	unsigned int lines_truncated; /* 1: the file had more lines than fit */
};

/* Read the cgroup directory dir; 0, or -errno when it is gone. */
int memcg_state__read(const char *dir, int version, struct memcg_state *st);
/* The same from memory.stat text alone (tests). */
void memcg_state__parse_stat(const char *text, int version, struct memcg_state *st);
/* read: "at_arrival" (cgroupfs) or "kernel_log" (the report's memory.stat) */
void memcg_state__json(FILE *f, const struct memcg_state *st, const char *read);

#endif
