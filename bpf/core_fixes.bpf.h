/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Every kernel-version difference the BPF side depends on, as CO-RE
 * ___old/___new variants checked with bpf_core_field_exists().
 */
#ifndef __CORE_FIXES_BPF_H
#define __CORE_FIXES_BPF_H

#include "oomtrace.bpf.h" /* OOMT_SHARED: its globals are defined in kill.bpf.c */

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

/*
 * From 7.0 ("mm: Fix OOM killer inaccuracy on large many-core systems",
 * January 2026) the OOM killer's report and oom_badness() add the per-CPU
 * deltas of the mm's RSS counters (get_mm_counter_sum()); the shared count
 * alone is off by up to a batch per CPU.  User space sets exact_rss on
 * those kernels.
 *
 * A per-CPU delta of CPU c lives at counters + (CPU c's per-CPU offset).
 * That offset is also the distance between a per-CPU array map's value on
 * CPU c (bpf_map_lookup_percpu_elem(), 5.19+) and the map's per-CPU base
 * (struct bpf_array's pptrs[0]): no kernel symbol needed, which a kernel
 * without CONFIG_KALLSYMS_ALL would not give.
 */
OOMT_SHARED const volatile bool exact_rss OOMT_ZERO;
OOMT_SHARED const volatile __u32 nr_cpus OOMT_ZERO; /* possible CPUs, set by user space */
#define OOMT_MAX_CPUS 1024

OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cpu_offsets SEC(".maps");

/* a pointer as a plain number: the verifier allows no arithmetic on it */
static __always_inline __u64 address_of(const void *p)
{
	__u64 a = 0;

	bpf_probe_read_kernel(&a, sizeof(a), &p);
	return a;
}

static __always_inline long percpu_deltas(const s32 *counters)
{
	__u64 pptrs = address_of(&cpu_offsets) + bpf_core_field_offset(struct bpf_array, pptrs);
	__u64 base = 0, counters_less_base;
	__u32 zero = 0;
	long sum = 0;

	bpf_probe_read_kernel(&base, sizeof(base), (const void *)pptrs);
	if (!base || !counters)
		return 0;
	/* CPU c's delta: counters + (copy on c - base) */
	counters_less_base = address_of(counters) - base;
	for (__u32 cpu = 0; cpu < OOMT_MAX_CPUS && cpu < nr_cpus; cpu++) {
		const void *copy = bpf_map_lookup_percpu_elem(&cpu_offsets, &zero, cpu);
		s32 v = 0;

		if (!copy)
			break;
		bpf_probe_read_kernel(&v, sizeof(v),
				      (const void *)(counters_less_base + address_of(copy)));
		sum += v;
	}
	return sum;
}

static __always_inline __u64 mm_counter(struct mm_struct *mm, int member)
{
	long v;

	if (bpf_core_field_exists(((struct mm_struct___new *)0)->rss_stat[0].count)) {
		struct mm_struct___new *m = (void *)mm;

		v = BPF_CORE_READ(m, rss_stat[member].count);
		if (exact_rss)
			v += percpu_deltas(BPF_CORE_READ(m, rss_stat[member].counters));
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
