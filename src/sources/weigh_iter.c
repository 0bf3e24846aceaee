// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "oomtrace.h"
#include "oomtrace.skel.h"
#include "weigh_iter.h"

/* what weigh() is given as its ctx: one tracer, one iterator */
static struct weigh_iter {
	struct oomtrace_bpf *skel;
	unsigned long page_kb;
	int per_pid; /* runs over one process: 1 yes, -1 no, 0 not tried yet */
} the_iter;

/*
 * A run over one process costs what a walk over this many of the node's
 * tasks does: 11 us against 0.8 us a task on 6.18 with 3,086 tasks
 * (rank_us of 1, 16 and 63 processes weighed one by one, and by a walk).
 */
#define PER_PID_COST 16
/* the most processes run one at a time: about 3 ms of runs */
#define PER_PID_MAX  256

static void cand_of_weight(struct procs_cand *c, const struct task_weight *w,
			   const struct weigh_iter *iter)
{
	memset(c, 0, sizeof(*c));
	c->pid = (int)w->pid;
	c->oom_score_adj = w->oom_score_adj;
	c->exiting = w->exiting ? 1 : 0;
	/* in kB, as /proc/PID/status gives them: the points come out the same */
	c->rss_anon_kb = w->anon_pages * iter->page_kb;
	c->rss_file_kb = w->file_pages * iter->page_kb;
	c->rss_shmem_kb = w->shmem_pages * iter->page_kb;
	c->swap_kb = w->swap_pages * iter->page_kb;
	c->pgtables_kb = w->pgtables_bytes / 1024;
	memcpy(c->comm, w->comm, OOMT_COMM_LEN);
	c->comm[OOMT_COMM_LEN - 1] = '\0';
}

/* One run of the iterator whose link is link_fd into rk: 0, or -errno. */
static int run_iter(const struct weigh_iter *iter, int link_fd, long long deadline,
		    struct procs_ranking *rk)
{
	static char buf[32 * 1024];
	size_t have = 0;
	int fd = bpf_iter_create(link_fd), err = 0;

	if (fd < 0)
		return -errno;
	/* its output is a stream of task_weight, read in chunks; a chunk may end inside one */
	for (;;) {
		ssize_t got = read(fd, buf + have, sizeof(buf) - have);
		size_t off = 0;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (got == 0)
			break;
		have += got;
		for (; have - off >= sizeof(struct task_weight); off += sizeof(struct task_weight)) {
			struct task_weight w;
			struct procs_cand c;

			memcpy(&w, buf + off, sizeof(w));
			cand_of_weight(&c, &w, iter);
			if (procs__ranking_add(rk, &c)) {
				rk->truncated = true;
				goto out;
			}
		}
		have -= off;
		memmove(buf, buf + off, have);
		if (rk->cnt >= PROCS_MAX_SCAN) {
			rk->truncated = true;
			break;
		}
		if (deadline && procs__cpu_ns() > deadline) {
			rk->timed_out = rk->truncated = true;
			break;
		}
	}
out:
	close(fd);
	return err;
}

/*
 * The iterator's run over the threads of process pid alone (6.1+): its
 * link, or -errno.  An older kernel refuses the pid, or ignores it.
 */
static int link_for_pid(const struct weigh_iter *iter, int pid)
{
	union bpf_iter_link_info linfo = { .task.pid = (__u32)pid };
	LIBBPF_OPTS(bpf_link_create_opts, opts, .iter_info = &linfo,
		    .iter_info_len = sizeof(linfo));
	int fd = bpf_link_create(bpf_program__fd(iter->skel->progs.rank_tasks), 0, BPF_TRACE_ITER,
				 &opts);

	return fd < 0 ? -errno : fd;
}

/*
 * Does the kernel run the iterator over one process when asked to?  Tried
 * once, on ourselves, with no memcg to filter by: exactly one process
 * weighed, and it is us.
 */
static bool weighs_one_pid(struct weigh_iter *iter)
{
	struct procs_ranking rk = {};
	int fd;

	if (iter->per_pid)
		return iter->per_pid > 0;
	iter->per_pid = -1;
	iter->skel->bss->rank_memcg_id = 0;
	iter->skel->bss->rank_memcg_level = 0;
	fd = link_for_pid(iter, getpid());
	if (fd >= 0) {
		if (!run_iter(iter, fd, 0, &rk) && rk.cnt == 1 && rk.cands[0].pid == getpid())
			iter->per_pid = 1;
		close(fd);
	}
	procs__ranking_clear(&rk);
	return iter->per_pid > 0;
}

static bool in_list(const int *list, size_t n, int pid)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == pid)
			return true;
	return false;
}

static int weigh(void *ctx, const struct procs_query *q, struct procs_ranking *rk)
{
	struct weigh_iter *iter = ctx;
	long long deadline = q->budget_ns ? procs__cpu_ns() + q->budget_ns : 0;
	/* a kernel that runs over no single process: the walk, filtered by the memcg, will do */
	bool walk = !q->pids || !weighs_one_pid(iter);
	int err = 0;

	iter->skel->bss->rank_memcg_id = q->memcg_id;
	iter->skel->bss->rank_memcg_level = q->memcg_level;
	if (walk) {
		err = run_iter(iter, bpf_link__fd(iter->skel->links.rank_tasks), deadline, rk);
		goto out;
	}
	for (size_t i = 0; i < q->nr_pids && !err && !rk->truncated; i++) {
		int fd;

		/* the victim is left out anyway, and may hold locks: not run for */
		if (in_list(q->skip, q->nr_skip, q->pids[i]))
			continue;
		fd = link_for_pid(iter, q->pids[i]);
		if (fd == -ESRCH)
			continue; /* gone since the listing, where a kernel checks */
		if (fd < 0) {
			err = fd;
			break;
		}
		err = run_iter(iter, fd, deadline, rk);
		close(fd);
	}
out:
	rk->reread_picked = true; /* the counters as the OOM killer reads them: see procs.h */
	return err;
}

/*
 * Up to how many processes one run each is cheaper than one walk of the
 * node's every task, where one run costs what a walk of PER_PID_COST tasks does.
 * The node's tasks are counted by /proc/loadavg's fourth field.
 */
static size_t max_pids(void *ctx)
{
	struct weigh_iter *iter = ctx;
	unsigned long tasks = 0;
	FILE *f;

	if (iter->per_pid < 0)
		return 0;
	f = fopen("/proc/loadavg", "re");
	if (!f)
		return 0;
	if (fscanf(f, "%*s %*s %*s %*u/%lu", &tasks) != 1)
		tasks = 0;
	fclose(f);
	tasks /= PER_PID_COST;
	return tasks < PER_PID_MAX ? tasks : PER_PID_MAX;
}

bool weigh_iter__init(struct procs_weigher *w, struct oomtrace_bpf *skel, unsigned long page_size)
{
	if (!skel || !skel->links.rank_tasks)
		return false;
	the_iter.skel = skel;
	the_iter.page_kb = page_size / 1024;
	w->weigh = weigh;
	w->max_pids = max_pids;
	w->ctx = &the_iter;
	return true;
}
