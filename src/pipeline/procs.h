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

struct procs_query;
struct procs_ranking;

/*
 * A cheaper source of the badness parts than /proc, where the kernel has
 * one (the BPF task iterator, src/sources/weigh_iter.c).  weigh() adds the
 * processes of the memcg q->memcg_id (at q->memcg_level) and below it (0:
 * every process) to
 * rk with procs__ranking_add(), each with its parts and comm, and sets
 * rk->truncated and rk->timed_out as procs__weigh() would; it leaves the
 * skip list, the unkillable and the order to procs__weigh().  Given
 * q->pids (never more than max_pids of them), it weighs those of them that
 * are in the memcg, one process at a time, rather than walk every task on
 * the node.  0, or -errno: procs__weigh() returns it, and the caller
 * reads /proc instead.
 */
struct procs_weigher {
	int (*weigh)(void *ctx, const struct procs_query *q, struct procs_ranking *rk);
	void *ctx;
	/* how many pids weigh() takes one at a time; 0: it walks the node */
	size_t (*max_pids)(void *ctx);
};

/* Who procs__rank() weighs, and against what. */
struct procs_query {
	const int *pids; /* NULL: all of /proc */
	size_t nr_pids;
	/*
	 * Tried before /proc, with memcg_id (the memcg directory's inode; 0:
	 * all) and memcg_level (its depth below the hierarchy's root); NULL: none.
	 */
	const struct procs_weigher *weigher;
	unsigned long long memcg_id;
	unsigned int memcg_level;
	/*
	 * Left unread: the victim (it may be exiting, and holds the locks its
	 * /proc files take) and those the kernel has marked already.
	 */
	const int *skip;
	size_t nr_skip;
	unsigned long totalpages, page_size;
	size_t max; /* kept, at most */
	/* stop reading /proc after this much CPU time (0: no limit); the rest is left out */
	long long budget_ns;
};

/* Limits of one scan: a global OOM on a big node weighs every process. */
#define PROCS_MAX_SCAN	65536 /* processes read */
#define PROCS_MAX_DIRS	65536 /* cgroup directories walked for their processes */
#define PROCS_MAX_DEPTH 64    /* levels of cgroups below the OOM memcg */

/* A weighed process, as little of it as printing it needs. */
struct procs_cand {
	int pid;
	long points, oom_score_adj;
	unsigned long rss_anon_kb, rss_file_kb, rss_shmem_kb, swap_kb, pgtables_kb;
	/* exiting (zombie, dead, PF_EXITING) when weighed: 1 or 0; -1 not known, /proc is asked */
	int exiting;
	char comm[64];
};

/* Every process of a query, weighed, best first: kept to pick from again. */
struct procs_ranking {
	struct procs_cand *cands;
	size_t cnt, cap;
	bool truncated; /* more processes than one scan reads, or out of time */
	bool timed_out; /* the budget ran out before every process was read */
	/*
	 * Set by a weigher whose figures are the OOM killer's own reading of
	 * the mm counters (without the per-CPU deltas /proc adds since 6.16):
	 * the few procs__pick() picks are read again from /proc, so that what
	 * is printed is what /proc says, their points with it.
	 */
	bool reread_picked;
	unsigned long totalpages, page_size; /* the query's, for the points of those read again */
};

/*
 * Score the query's processes, best first; *n holds how many.  Tasks that
 * are exiting (zombie, dead, or PF_EXITING) are left out: the kernel does
 * not pick them either.  *truncated (may be NULL) is set when /proc had
 * more processes than one scan reads, or q->budget_ns ran out.  Free with
 * free().  procs__weigh() and procs__pick() in one.
 */
struct proc_info *procs__rank(const struct procs_query *q, size_t *n, bool *truncated);
/*
 * Weigh the query's processes into rk (reused: clear it with
 * procs__ranking_clear()), reading each with two small /proc files, or
 * with q->weigher when there is one; q->max is not used.  0, or -errno (the
 * weigher's, when it failed: /proc is not read then).
 */
int procs__weigh(const struct procs_query *q, struct procs_ranking *rk);
/* What procs__pick() reads of each process it picks, besides the ranking. */
enum procs_pick_flags {
	PICK_EXTRAS = 1 << 0, /* the kernel's oom_score and the memcg, from /proc */
};

/*
 * The first max of rk not in skip and neither gone nor exiting (asked of
 * /proc where the weighing did not tell), with what flags ask read now;
 * *n holds how many.  Free with free().
 */
struct proc_info *procs__pick(const struct procs_ranking *rk, const int *skip, size_t nr_skip,
			      size_t max, unsigned int flags, size_t *n);
void procs__ranking_clear(struct procs_ranking *rk);
/* One more weighed process (points are left to procs__weigh()): 0, or -ENOMEM. */
int procs__ranking_add(struct procs_ranking *rk, const struct procs_cand *c);
/* this thread's CPU time, user and system, in ns: what the budgets count */
long long procs__cpu_ns(void);
/*
 * Every pid in memory cgroup dir and below it (cgroup.procs), at most max
 * of them from at most max directories below dir (PROCS_MAX_SCAN: one
 * scan's limits); *truncated (may be NULL) is set when there were more.
 */
int *procs__in_cgroup(const char *dir, size_t max, size_t *n, bool *truncated);
/* /proc/PID/stat text: its state letter and start time (clock ticks after boot); false: unreadable */
bool procs__parse_state_start(const char *stat, char *state, unsigned long long *start_ticks);
/* /proc/PID/stat text: is the task exiting (state Z or X, or PF_EXITING)? */
bool procs__parse_exiting(const char *stat);
/* The process (thread group) of thread tid, from /proc; 0 when it is gone. */
int procs__tgid(int tid);
/* The Tgid: line of /proc/PID/status text; 0 when there is none. */
int procs__parse_tgid(const char *status);

#endif
