// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
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
} the_iter;

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

/*
 * One run of the iterator: its output is a stream of task_weight, read in
 * chunks; a chunk may end inside a record, which then carries over.
 */
static int weigh(void *ctx, const struct procs_query *q, struct procs_ranking *rk)
{
	static char buf[32 * 1024];
	long long deadline = q->budget_ns ? procs__cpu_ns() + q->budget_ns : 0;
	size_t have = 0;
	const struct weigh_iter *iter = ctx;
	int fd, err = 0;

	iter->skel->bss->rank_memcg_id = q->memcg_id;
	iter->skel->bss->rank_memcg_level = q->memcg_level;
	fd = bpf_iter_create(bpf_link__fd(iter->skel->links.rank_tasks));
	if (fd < 0)
		return -errno;
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
	rk->reread_picked = true; /* the counters as the OOM killer reads them: see procs.h */
	return err;
}

bool weigh_iter__init(struct procs_weigher *w, struct oomtrace_bpf *skel, unsigned long page_size)
{
	if (!skel || !skel->links.rank_tasks)
		return false;
	the_iter.skel = skel;
	the_iter.page_kb = page_size / 1024;
	w->weigh = weigh;
	w->ctx = &the_iter;
	return true;
}
