// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Who dies next: the badness parts of every process in an OOM domain, read
 * in the kernel by a task iterator (5.8+) instead of two /proc files per
 * process.  User space runs it once per OOM event (src/sources/weigh_iter.c):
 * one struct task_weight per process with an mm, in the memcg
 * rank_memcg_id or below it, or anywhere when that is 0.  The kernel never
 * runs it on its own, so it costs nothing between OOMs.
 *
 * An iterator's task is a pointer the verifier knows the type of, so its
 * plain fields are read with plain loads (CO-RE relocated), not a helper
 * call each: a node's thousands of tasks are weighed in a few milliseconds.
 * Pointers are read with helpers: each plain load of a pointer costs the
 * load a millisecond on 6.x kernels, whose verifier looks the pointed-to
 * type up by name in the kernel's BTF to learn how far to trust it.
 */
#include "oomtrace.bpf.h"
#include "core_fixes.bpf.h"

/* include/linux/sched.h */
#define PF_EXITING 0x00000004
#define PF_KTHREAD 0x00200000

/*
 * Set by user space before each run; it runs one at a time.  The memcg's
 * cgroup id and its level: how many directories below its hierarchy's root.
 */
__u64 rank_memcg_id = 0;
__u32 rank_memcg_level = 0;

/* before 6.2 a cgroup kept the ids of its ancestors, not the cgroups */
struct cgroup___ancestor_ids {
	int level;
	__u64 ancestor_ids[];
} __attribute__((preserve_access_index));

struct cgroup___ancestors {
	int level;
	struct cgroup *ancestors[];
} __attribute__((preserve_access_index));

/*
 * Is memcg m the cgroup id at that level, or below it?  As
 * cgroup_is_descendant() tells: by the ancestor its cgroup keeps at that
 * level, not by a walk up, which the verifier would check level by level.
 * Helper reads: the index is a variable, which a typed pointer takes none of.
 */
static __always_inline bool memcg_within(struct mem_cgroup *m, __u64 id, __u32 level)
{
	struct cgroup___ancestors *cg = (void *)BPF_CORE_READ(m, css.cgroup);
	__u64 at = 0;

	if (!cg || BPF_CORE_READ(cg, level) < (int)level)
		return false;
	if (bpf_core_field_exists(struct cgroup___ancestor_ids, ancestor_ids)) {
		struct cgroup___ancestor_ids *old = (void *)cg;

		bpf_probe_read_kernel(&at, sizeof(at), &old->ancestor_ids[level]);
	} else {
		struct cgroup *a = NULL;

		bpf_probe_read_kernel(&a, sizeof(a), &cg->ancestors[level]);
		at = a ? BPF_CORE_READ(a, kn, id) : 0;
	}
	return at == id;
}

static __always_inline bool in_memcg(struct task_struct *t, __u64 id, __u32 level)
{
	struct mem_cgroup *m = task_memcg(t);

	return m && memcg_within(m, id, level);
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
	mm = BPF_CORE_READ(t, mm);
	sig = BPF_CORE_READ(t, signal);
	if (!mm || !sig)
		return 0;
	if (rank_memcg_id && !in_memcg(t, rank_memcg_id, rank_memcg_level))
		return 0;
	w.pid = t->tgid;
	w.oom_score_adj = BPF_CORE_READ(sig, oom_score_adj);
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
