// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Who dies next: the badness parts of every process in an OOM domain, read
 * in the kernel by a task iterator (5.8+) instead of two /proc files per
 * process.  User space runs it once per OOM event (src/sources/weigh_iter.c):
 * one struct task_weight per process with an mm, in the memcg
 * rank_memcg_id or below it, or anywhere when that is 0.  The kernel never
 * runs it on its own, so it costs nothing between OOMs.
 *
 * An iterator's task is a pointer the verifier knows the type of, so most
 * of its fields are read with plain loads (CO-RE relocated), not a helper
 * call each: a node's thousands of tasks are weighed in a few milliseconds.
 */
#include "oomtrace.bpf.h"
#include "core_fixes.bpf.h"

/* include/linux/sched.h */
#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000

/* set by user space before each run; it runs one at a time */
__u64 rank_memcg_id = 0;

/* Is css (a memory cgroup's) the cgroup id, or below it? */
static __always_inline bool css_within(struct cgroup_subsys_state *css, __u64 id)
{
	for (int i = 0; i < OOMT_RANK_CG_DEPTH && css; i++) {
		struct cgroup *cg = css->cgroup;

		if (cg && cg->kn && cg->kn->id == id)
			return true;
		css = css->parent;
	}
	return false;
}

/*
 * cset->subsys[memory_cgrp_id], with a constant index: the id is known only
 * at load (it depends on the controllers built in), and before 6.x the
 * verifier refuses arithmetic on a typed pointer that a variable index
 * would need.  It knows the relocated id, and walks only its case.
 */
struct css_set___any {
	/* as many as any kernel has: a case past this kernel's count is never reached */
	struct cgroup_subsys_state *subsys[16];
} __attribute__((preserve_access_index));

#define SUBSYS_CASE(n)                                                                             \
	case n:                                                                                    \
		return cset->subsys[n];

static __always_inline struct cgroup_subsys_state *memory_css(struct css_set___any *cset)
{
	switch (bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id)) {
		SUBSYS_CASE(0) SUBSYS_CASE(1) SUBSYS_CASE(2) SUBSYS_CASE(3)
		SUBSYS_CASE(4) SUBSYS_CASE(5) SUBSYS_CASE(6) SUBSYS_CASE(7)
		SUBSYS_CASE(8) SUBSYS_CASE(9) SUBSYS_CASE(10) SUBSYS_CASE(11)
		SUBSYS_CASE(12) SUBSYS_CASE(13) SUBSYS_CASE(14) SUBSYS_CASE(15)
	}
	return NULL;
}

static __always_inline bool in_memcg(struct task_struct *t, __u64 id)
{
	struct css_set *cset = t->cgroups;

	return cset && css_within(memory_css((struct css_set___any *)cset), id);
}

SEC("iter/task")
int rank_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *t = ctx->task;
	struct task_weight w = {};
	struct signal_struct *sig;
	struct mm_struct *mm;

	/* processes, as the OOM killer walks them: thread-group leaders, no kernel threads */
	if (!t || t->pid != t->tgid || (t->flags & PF_KTHREAD))
		return 0;
	/* a leader that has exited: /proc shows no memory for it either */
	mm = t->mm;
	sig = t->signal;
	if (!mm || !sig)
		return 0;
	if (rank_memcg_id && !in_memcg(t, rank_memcg_id))
		return 0;
	w.pid = t->tgid;
	w.oom_score_adj = sig->oom_score_adj;
	w.exiting = (t->flags & PF_EXITING) || t->exit_state;
	/* helper reads: before 6.x the verifier walks no array of atomic_long_t */
	w.anon_pages = mm_counter(mm, MM_ANONPAGES);
	w.file_pages = mm_counter(mm, MM_FILEPAGES);
	w.shmem_pages = mm_counter(mm, MM_SHMEMPAGES);
	w.swap_pages = mm_counter(mm, MM_SWAPENTS);
	w.pgtables_bytes = mm_pgtables_bytes(mm);
	__builtin_memcpy(w.comm, t->comm, sizeof(w.comm));
	bpf_seq_write(ctx->meta->seq, &w, sizeof(w));
	return 0;
}
