/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Processes as the OOM killer weighs them, read from /proc: for the next
 * victims at a kill, and for `oomtrace top`.
 */
#ifndef __OOMTRACE_PROCS_H
#define __OOMTRACE_PROCS_H

#include <stdbool.h>
#include <stddef.h>

struct proc_info {
	int pid;
	char comm[64];
	unsigned long rss_anon_kb, rss_file_kb, rss_shmem_kb, swap_kb, pgtables_kb;
	long oom_score_adj;
	long oom_score;	 /* the kernel's /proc/PID/oom_score, -1 unknown */
	long points;	 /* badness points for the domain it was scanned in */
	char memcg[512]; /* its memory cgroup, as the kernel prints it */
};

/*
 * Fill p from /proc/PID/status text.  false for tasks the OOM killer
 * never picks: kernel threads (no mm) and oom_score_adj -1000 is checked
 * by the caller.
 */
bool procs__parse_status(const char *status, struct proc_info *p);
/* The memory controller's line of /proc/PID/cgroup text, into memcg. */
bool procs__parse_cgroup(const char *text, char *memcg, size_t size);

/*
 * Read pids (all of /proc when pids is NULL), score each against
 * totalpages and return them best first; *n holds how many.  At most max
 * are kept.  skip_pid (0: none) is left unread: a victim that is exiting
 * holds the locks its /proc files take.  Free with free().
 */
struct proc_info *procs__rank(const int *pids, size_t nr_pids, int skip_pid,
			      unsigned long totalpages, unsigned long page_size, size_t max,
			      size_t *n);
/* Every pid in memory cgroup dir and below it (cgroup.procs). */
int *procs__in_cgroup(const char *dir, size_t *n);

#endif
