/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Facts about this machine that records are decoded against. */
#ifndef __OOMTRACE_HOST_H
#define __OOMTRACE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The kernel's OOM and overcommit settings (/proc/sys/vm); -1 unread. */
struct vm_settings {
	long long overcommit_memory, overcommit_ratio, overcommit_kbytes;
	long long oom_kill_allocating_task, panic_on_oom, oom_dump_tasks;
};

/* Swap and the hugetlb pools, kB; -1 unread. */
struct swap_hugetlb {
	long long swap_total_kb, swap_free_kb;
	long long hugetlb_total_kb, hugetlb_free_kb; /* every page size's pool */
};

struct host_info {
	unsigned long page_size;
	unsigned long totalram_pages;
	unsigned long total_swap_pages;
	int single_node; /* one NUMA node: no cpuset/mempolicy constraint */
	int possible_nodes; /* the highest possible node id + 1; 0 unknown */
	struct vm_settings vm; /* as they were at the start */
};

int host__read(struct host_info *h);
/* The first line of a small file (sysfs, procfs), "" when empty; false when it cannot be read. */
bool host__read_line(const char *path, char *buf, size_t size);
/* /proc/sys/vm's OOM settings now. */
void host__read_vm_settings(struct vm_settings *vm);
/* Committed_AS and CommitLimit of /proc/meminfo now, kB; -1 unread. */
void host__read_commit(long long *committed_as_kb, long long *commit_limit_kb);
/* /proc/meminfo's swap, and every hugetlb pool (/sys/kernel/mm/hugepages), now. */
void host__read_swap_hugetlb(struct swap_hugetlb *sh);
/* CLOCK_MONOTONIC now, in ns: the clock of bpf_ktime_get_ns(). */
unsigned long long host__monotonic_ns(void);
/* CLOCK_MONOTONIC (bpf_ktime_get_ns, printk times) to wall-clock time. */
struct timespec host__realtime_of(unsigned long long ktime_ns);
/* May this process load and attach tracing BPF: CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN? */
bool host__can_trace(void);
/* Is capability number CAP in the effective set?  true when capget() fails. */
bool host__has_cap(int cap);

#endif
