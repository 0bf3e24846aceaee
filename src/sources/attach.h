/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one place that decides how each probe point is hooked: fentry,
 * kprobe or tracepoints only, probed at run time, best first.
 */
#ifndef __OOMTRACE_ATTACH_H
#define __OOMTRACE_ATTACH_H

#include <stdbool.h>
#include "tp_layout.h"
#include "node_mem_layout.h"

struct btf;
struct oomtrace_bpf;

/* Settings the BPF programs are loaded with (their read-only data). */
struct attach_config {
	/* reclaim episodes stream, each with its first pass's stack (else only counted) */
	bool capture_stacks;
	const char *btf_path;	     /* NULL: the running kernel's */
	unsigned long ringbuf_bytes; /* each ring buffer's; 0: as compiled */
	/* --cgroup subtrees by memcg cgroup id; none: everything */
	const unsigned long long *filter_ids;
	int nr_filters;
};

struct attach_choice {
	unsigned int viable;	 /* plans the survey did not rule out */
	int oc_hook;		 /* enum hook_kind that reads oom_control */
	const char *victim_prog; /* "tp_btf" or "raw_tp" for oom:mark_victim */
	char why[512];		 /* why better tiers were passed over */
	struct tp_layout layout; /* where the vmscan tracepoints' arguments are */
	struct node_mem_layout node_mem; /* where the nodes' counters are */
	bool have_node_mem;
	/* the page allocator's retry tracepoints (oom:compact_retry needs CONFIG_COMPACTION) */
	bool have_retry_zone, have_compact_retry;
};

/* strerror() that also knows libbpf's own error numbers; err negative. */
const char *attach__strerror(int err);

/*
 * Rule out what this kernel cannot do, cheaply, from its BTF and symbols
 * (only `forced`, an enum hook_kind, when >= 0).  The reasons go into
 * choice->why.  vmlinux may be freed afterwards, before the load.
 */
void attach__survey(const struct btf *vmlinux, int forced, struct attach_choice *c);
/*
 * Open, load and attach the best plan the survey left.  Returns the
 * attached skeleton, or NULL with errno set and the reasons in choice->why.
 */
struct oomtrace_bpf *attach__best(const struct attach_config *cfg, struct attach_choice *choice);

#endif
