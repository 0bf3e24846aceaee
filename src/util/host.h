/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Facts about this machine that records are decoded against. */
#ifndef __OOMTRACE_HOST_H
#define __OOMTRACE_HOST_H

#include <stdbool.h>
#include <time.h>

struct host_info {
	unsigned long page_size;
	unsigned long totalram_pages;
	unsigned long total_swap_pages;
	int single_node; /* one NUMA node: no cpuset/mempolicy constraint */
};

int host__read(struct host_info *h);
/* CLOCK_MONOTONIC now, in ns: the clock of bpf_ktime_get_ns(). */
unsigned long long host__monotonic_ns(void);
/* CLOCK_MONOTONIC (bpf_ktime_get_ns, printk times) to wall-clock time. */
struct timespec host__realtime_of(unsigned long long ktime_ns);
/* May this process load and attach tracing BPF: CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN? */
bool host__can_trace(void);
/* Is capability number CAP in the effective set?  true when capget() fails. */
bool host__has_cap(int cap);

#endif
