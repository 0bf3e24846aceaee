/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every kernel-version difference the BPF side depends on, as CO-RE
 * ___old/___new variants checked with bpf_core_field_exists().
 */
#ifndef __CORE_FIXES_BPF_H
#define __CORE_FIXES_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_core_read.h>

/*
 * mm->rss_stat became an array of percpu_counter in 6.2 (commit f1a7941243c1
 * "mm: convert mm's rss stats into percpu_counter"); before that it was a
 * struct mm_rss_stat holding atomic_long_t count[].  Both are read as the
 * kernel's get_mm_counter() reads them: the shared count, without summing
 * the per-CPU deltas.
 */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

struct mm_struct___new {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

static __always_inline __u64 mm_counter(struct mm_struct *mm, int member)
{
	long v;

	if (bpf_core_field_exists(((struct mm_struct___new *)0)->rss_stat[0].count)) {
		struct mm_struct___new *m = (void *)mm;

		v = BPF_CORE_READ(m, rss_stat[member].count);
	} else {
		struct mm_struct___old *m = (void *)mm;

		v = BPF_CORE_READ(m, rss_stat.count[member].counter);
	}
	return v > 0 ? v : 0; /* percpu_counter_read_positive() semantics */
}

/*
 * The oom:mark_victim tracepoint passes the victim's task_struct (and uid)
 * since the 6.9 layout that added total_vm, rss and oom_score_adj to its
 * record; older kernels pass only the victim's pid.
 */
struct trace_event_raw_mark_victim___new {
	unsigned long total_vm;
} __attribute__((preserve_access_index));

static __always_inline bool mark_victim_passes_task(void)
{
	return bpf_core_field_exists(struct trace_event_raw_mark_victim___new, total_vm);
}

/*
 * mm->pgtables_bytes exists since 4.19 (it replaced nr_ptes/nr_pmds); kernels
 * built without it report 0.
 */
static __always_inline __u64 mm_pgtables_bytes(struct mm_struct *mm)
{
	if (bpf_core_field_exists(mm->pgtables_bytes))
		return BPF_CORE_READ(mm, pgtables_bytes.counter);
	return 0;
}

#endif /* __CORE_FIXES_BPF_H */
