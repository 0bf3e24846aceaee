// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The reclaim path: how reclaim struggled before a kill, and stalls that
 * have not (yet) ended in one.  Each task's reclaim passes (direct and memcg)
 * are folded into one episode in the kernel: no record per pass, no string
 * work on these hot tracepoints.  An episode closes at the task's next
 * pass after the idle gap, when it grows older than the longest episode,
 * when the task exits, or at an OOM kill it invoked (kill.bpf.c); user
 * space closes episodes left idle by tasks that stopped reclaiming.  At
 * its close an episode is folded into its memcg's totals (close_episode(),
 * oomtrace.bpf.h), and streamed only if the user asked for episodes.
 */
#include "oomtrace.bpf.h"
#include <bpf/bpf_tracing.h>

/* set by user space before load (and stream_episodes, oomtrace.bpf.h) */
const volatile bool filter_cgroups = false; /* --cgroup given */

/*
 * Where each tracepoint's arguments are, by position after the tracepoint's
 * own data pointer: user space reads them from this kernel's BTF prototypes
 * (btf_trace_<name>), since kernels reorder and add arguments.  -1: this
 * kernel has no such argument, or its prototype could not be read.
 */
const volatile int begin_order_arg = 0;	 /* {memcg,direct}_reclaim_begin's int order */
const volatile int begin_gfp_arg = 1;	 /* ... and gfp_t gfp_flags */
const volatile int end_reclaimed_arg = 0; /* {memcg,direct}_reclaim_end's nr_reclaimed */
const volatile int shrink_nid_arg = 0;	 /* lru_shrink_inactive's int nid */
const volatile int shrink_scanned_arg = 1; /* ... unsigned long nr_scanned */
const volatile int shrink_reclaimed_arg = 2; /* ... unsigned long nr_reclaimed */
const volatile int kswapd_nid_arg = 0;	 /* kswapd_wake's and kswapd_sleep's int nid */

/* One load at a fixed offset from ctx: the verifier allows no other ctx access. */
#define CTX_LOAD(ctx, off)                                                          \
	({                                                                          \
		__u64 __v;                                                          \
		asm volatile("%0 = *(u64 *)(%1 + " #off ")" : "=r"(__v) : "r"(ctx)); \
		__v;                                                                \
	})

/*
 * The argument at index i.  The indexes are constants at load, so the
 * verifier keeps one branch: no access past the tracepoint's arguments.
 * (Plain ctx[i] lets the compiler fold the cases into pointer arithmetic.)
 */
static __always_inline __u64 tp_arg(const __u64 *ctx, int i)
{
	switch (i) {
	case 0: return CTX_LOAD(ctx, 0);
	case 1: return CTX_LOAD(ctx, 8);
	case 2: return CTX_LOAD(ctx, 16);
	case 3: return CTX_LOAD(ctx, 24);
	case 4: return CTX_LOAD(ctx, 32);
	case 5: return CTX_LOAD(ctx, 40);
	default: return 0;
	}
}

static const struct reclaim_episode zero_episode;

/* kswapd per NUMA node */
struct node_stats {
	__u64 wakes;
	__u64 run_ns;
	__u64 woke_ns; /* kswapd running since, 0 while asleep */
};

#define MAX_NODES 64

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_NODES);
	__type(key, __u32);
	__type(value, struct node_stats);
} node_kswapd SEC(".maps");

/* pages scanned and reclaimed on the inactive LRUs, per node and CPU */
struct node_lru {
	__u64 scanned;
	__u64 reclaimed;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_NODES);
	__type(key, __u32);
	__type(value, struct node_lru);
} node_lru SEC(".maps");

static __always_inline struct reclaim_episode *open_episode(void *ctx, __u32 tid, __u64 now)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	struct reclaim_episode *ep;
	struct mem_cgroup *memcg;

	if (bpf_map_update_elem(&episodes, &tid, &zero_episode, BPF_ANY))
		return NULL;
	ep = bpf_map_lookup_elem(&episodes, &tid);
	if (!ep)
		return NULL;
	ep->first_ns = now;
	ep->pid = id >> 32;
	ep->tid = tid;
	memcg = task_memcg(task);
	ep->memcg_id = memcg_id(memcg);
	/* decided once per episode, not on every pass */
	ep->filtered = filter_cgroups && !memcg_in_filter(memcg);
	ep->kswapd_wakes = kswapd_wakes;
	bpf_get_current_comm(&ep->comm, sizeof(ep->comm));
	if (stream_episodes && !ep->filtered)
		ep->kstack_len = bpf_get_stack(ctx, ep->kstack, sizeof(ep->kstack), 0);
	return ep;
}

static __always_inline void pass_begin(void *ctx, int order, gfp_t gfp, __u32 kind, bool no_gfp)
{
	__u32 tid = current_tid();
	__u64 now = bpf_ktime_get_ns();
	struct reclaim_episode *ep = bpf_map_lookup_elem(&episodes, &tid);
	struct kill_event *ke = bpf_map_lookup_elem(&kill_events, &tid);

	if (ke) /* a task that invoked a kill: its next mark is another OOM */
		ke->reclaimed_since = 1;
	if (ep && ep->last_end_ns && now - ep->last_end_ns > OOMT_EPISODE_GAP_NS) {
		close_episode(tid, ep, EPISODE_IDLE, false);
		ep = NULL;
	} else if (ep && now - ep->first_ns > OOMT_EPISODE_MAX_NS) {
		close_episode(tid, ep, EPISODE_MAX_AGE, false);
		ep = NULL;
	}
	if (!ep)
		ep = open_episode(ctx, tid, now);
	if (!ep)
		return;
	ep->begin_ns = now;
	ep->gfp_mask = gfp;
	ep->order = order;
	ep->no_gfp = no_gfp;
	ep->kinds |= kind;
	ep->last_kind = kind;
}

static __always_inline void pass_end(unsigned long nr_reclaimed, __u32 kind)
{
	__u32 tid = current_tid();
	__u64 now = bpf_ktime_get_ns();
	struct reclaim_episode *ep = bpf_map_lookup_elem(&episodes, &tid);

	if (!ep)
		return;
	/*
	 * An end with no begin: the kernel skipped this pass's begin (7.x
	 * skips a program already running on the CPU), so the episode's gfp
	 * and order are an earlier pass's: the latest pass's are unknown.
	 */
	if (!ep->begin_ns) {
		ep->no_gfp = 1;
		ep->kinds |= kind;
		ep->last_kind = kind;
		return;
	}
	ep->stall_ns += now - ep->begin_ns;
	ep->begin_ns = 0;
	ep->last_end_ns = now;
	ep->passes++;
	ep->reclaimed += nr_reclaimed;
}

static __always_inline void pass_begin_tp(const __u64 *ctx, __u32 kind)
{
	bool known = begin_order_arg >= 0 && begin_gfp_arg >= 0;

	pass_begin((void *)ctx, known ? (int)tp_arg(ctx, begin_order_arg) : 0,
		   known ? (gfp_t)tp_arg(ctx, begin_gfp_arg) : 0, kind, !known);
}

static __always_inline void pass_end_tp(const __u64 *ctx, __u32 kind)
{
	pass_end(end_reclaimed_arg >= 0 ? tp_arg(ctx, end_reclaimed_arg) : 0, kind);
}

SEC("raw_tp/mm_vmscan_memcg_reclaim_begin")
int memcg_reclaim_begin(const __u64 *ctx)
{
	pass_begin_tp(ctx, RECLAIM_MEMCG);
	return 0;
}

SEC("raw_tp/mm_vmscan_memcg_reclaim_end")
int memcg_reclaim_end(const __u64 *ctx)
{
	pass_end_tp(ctx, RECLAIM_MEMCG);
	return 0;
}

SEC("raw_tp/mm_vmscan_direct_reclaim_begin")
int direct_reclaim_begin(const __u64 *ctx)
{
	pass_begin_tp(ctx, RECLAIM_DIRECT);
	return 0;
}

SEC("raw_tp/mm_vmscan_direct_reclaim_end")
int direct_reclaim_end(const __u64 *ctx)
{
	pass_end_tp(ctx, RECLAIM_DIRECT);
	return 0;
}

/* The hottest: once per LRU list shrunk, by kswapd and reclaimers alike. */
SEC("raw_tp/mm_vmscan_lru_shrink_inactive")
int lru_shrink_inactive(const __u64 *ctx)
{
	__u32 node, tid = current_tid();
	unsigned long nr_scanned, nr_reclaimed;
	struct reclaim_episode *ep;
	struct node_lru *n;

	if (shrink_nid_arg < 0 || shrink_scanned_arg < 0 || shrink_reclaimed_arg < 0)
		return 0;
	node = (__u32)tp_arg(ctx, shrink_nid_arg);
	nr_scanned = tp_arg(ctx, shrink_scanned_arg);
	nr_reclaimed = tp_arg(ctx, shrink_reclaimed_arg);
	n = bpf_map_lookup_elem(&node_lru, &node);
	if (n) {
		n->scanned += nr_scanned;
		n->reclaimed += nr_reclaimed;
	}
	ep = bpf_map_lookup_elem(&episodes, &tid);
	if (ep && ep->begin_ns)
		ep->scanned += nr_scanned;
	return 0;
}

/* The node kswapd_wake or kswapd_sleep names; NULL where the nid is unreadable. */
static __always_inline struct node_stats *kswapd_node(const __u64 *ctx)
{
	__u32 node;

	if (kswapd_nid_arg < 0)
		return NULL;
	node = (__u32)tp_arg(ctx, kswapd_nid_arg);
	return bpf_map_lookup_elem(&node_kswapd, &node);
}

SEC("raw_tp/mm_vmscan_kswapd_wake")
int kswapd_wake(const __u64 *ctx)
{
	struct node_stats *n = kswapd_node(ctx);

	__sync_fetch_and_add(&kswapd_wakes, 1);
	if (n) {
		__sync_fetch_and_add(&n->wakes, 1);
		if (!n->woke_ns)
			n->woke_ns = bpf_ktime_get_ns();
	}
	return 0;
}

SEC("raw_tp/mm_vmscan_kswapd_sleep")
int kswapd_sleep(const __u64 *ctx)
{
	struct node_stats *n = kswapd_node(ctx);

	if (n && n->woke_ns) {
		n->run_ns += bpf_ktime_get_ns() - n->woke_ns;
		n->woke_ns = 0;
	}
	return 0;
}

/* A task that exits mid-episode takes its story with it: stream it. */
SEC("raw_tp/sched_process_exit")
int BPF_PROG(reclaimer_exit)
{
	__u32 tid = current_tid();
	struct reclaim_episode *ep = bpf_map_lookup_elem(&episodes, &tid);

	if (ep)
		close_episode(tid, ep, EPISODE_EXIT, false);
	return 0;
}
