/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the BPF files share: the ring buffer, the per-task reclaim
 * episodes, counters, and the helpers more than one of them needs.  Each
 * map is defined in kill.bpf.c (OOMT_DEFINE_MAPS) and declared extern in
 * the others; bpftool links the objects into one.
 */
#ifndef __OOMTRACE_BPF_H
#define __OOMTRACE_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "oomtrace.h"

#ifdef OOMT_DEFINE_MAPS
#define OOMT_SHARED
#define OOMT_ZERO  = 0
#define OOMT_ZEROS = {}
#else
#define OOMT_SHARED extern
#define OOMT_ZERO
#define OOMT_ZEROS
#endif

/* every record goes through here; a failed reserve counts in dropped */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* the reclaim episode in progress, per thread */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct reclaim_episode);
} episodes SEC(".maps");

/* victims since their kill, by the tid the kernel marked, until they exit */
struct victim_state {
	__u64 event_id;
	__u64 kill_ns;
	__u64 reap_start_ns;
	__u64 reap_end_ns;
	__u32 reaper; /* enum reaper_state */
	__u32 pid;
	char comm[OOMT_COMM_LEN];
};

OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct victim_state);
} victims SEC(".maps");

/* the --cgroup subtrees, by memcg cgroup id; empty: everything */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OOMT_MAX_FILTERS);
	__type(key, __u64);
	__type(value, __u8);
} cgroup_filter SEC(".maps");

/* records lost to a full ring buffer, by enum record_type */
OOMT_SHARED __u64 dropped[OOMT_RECORD_TYPES] OOMT_ZEROS;
OOMT_SHARED __u64 kswapd_wakes OOMT_ZERO; /* on all nodes since load */

static __always_inline __u32 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline void count_drop(enum record_type type)
{
	__sync_fetch_and_add(&dropped[type], 1);
}

static __always_inline struct mem_cgroup *css_memcg(struct cgroup_subsys_state *css)
{
	/* css is the first member of struct mem_cgroup; keep CO-RE honest */
	return css ? (void *)css - bpf_core_field_offset(struct mem_cgroup, css) : NULL;
}

static __always_inline struct mem_cgroup *task_memcg(struct task_struct *t)
{
	int id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct css_set *cset = BPF_CORE_READ(t, cgroups);
	struct cgroup_subsys_state *css = NULL;

	if (id < 0 || id >= 16)
		return NULL;
	bpf_probe_read_kernel(&css, sizeof(css), &cset->subsys[id]);
	return css_memcg(css);
}

/* The id user space sees as the cgroup directory's inode number. */
static __always_inline __u64 memcg_id(struct mem_cgroup *m)
{
	return m ? BPF_CORE_READ(m, css.cgroup, kn, id) : 0;
}

/* Is memcg m, or one of the ancestors above it, a --cgroup subtree? */
static __always_inline bool memcg_in_filter(struct mem_cgroup *m)
{
	for (int i = 0; i < OOMT_CG_DEPTH && m; i++) {
		__u64 id = memcg_id(m);

		if (bpf_map_lookup_elem(&cgroup_filter, &id))
			return true;
		m = css_memcg(BPF_CORE_READ(m, css.parent));
	}
	return false;
}

/* Stream a finished episode and forget it. */
static __always_inline void close_episode(__u32 tid, struct reclaim_episode *ep, __u32 end)
{
	struct reclaim_stall_record *rec;

	if (ep->filtered) {
		bpf_map_delete_elem(&episodes, &tid);
		return;
	}
	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (rec) {
		rec->type = RECORD_RECLAIM_STALL;
		rec->end = end;
		bpf_probe_read_kernel(&rec->ep, sizeof(rec->ep), ep);
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP); /* see tracer__run() */
	} else {
		count_drop(RECORD_RECLAIM_STALL);
	}
	bpf_map_delete_elem(&episodes, &tid);
}

#endif /* __OOMTRACE_BPF_H */
