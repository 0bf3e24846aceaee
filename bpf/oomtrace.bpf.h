/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the BPF files share: the ring buffers, the per-task reclaim
 * episodes and their per-memcg totals, counters, settings, and the helpers
 * more than one of them needs.  Each map and global is defined in
 * kill.bpf.c (OOMT_DEFINE_MAPS) and declared extern in the others; bpftool
 * links the objects into one.
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

/*
 * Two rings, so that a storm of reclaim stalls cannot crowd out a kill.
 * kill_ring: kill records, and the few that belong to a kill (the reaper's,
 * the invoker's episode closed by its kill), each kept in order with its
 * kill.  stall_ring: every other closed episode, streamed only with
 * --reclaim-stalls or --record.  A failed reserve counts in dropped.
 * Sized by user space (--ringbuf-size) before load.
 */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} kill_ring SEC(".maps");

OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} stall_ring SEC(".maps");

/* the reclaim episode in progress, per thread */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct reclaim_episode);
} episodes SEC(".maps");

/*
 * Each invoker's latest OOM event, with the reclaim story that led to it:
 * a memory.oom.group kill marks several victims, and every record of the
 * event carries the same story and event id.
 */
struct kill_event {
	__u64 event_id;
	__u64 ns;
	__u32 have_episode;
	/*
	 * The invoker began a reclaim pass since (reclaim.bpf.c): its next mark
	 * is another OOM, whether or not its episode is still in the map.
	 */
	__u32 reclaimed_since;
	struct reclaim_episode episode;
	/*
	 * The memcg the event's first record found at its limit: the later
	 * members of a memory.oom.group kill are marked while the oom_reaper
	 * may already be emptying the first, below the limit again.
	 */
	__u64 oom_memcg;
};

OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct kill_event);
} kill_events SEC(".maps");

/*
 * Episodes user space closed while idle (sweep_idle_episodes()), kept for
 * the kill their task may still invoke: a task waiting for the oom_lock
 * behind other OOMs reclaims no more, and its episode looks idle.  Already
 * counted and streamed: a kill takes its story only (join_reclaim()).
 */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct reclaim_episode);
} swept_episodes SEC(".maps");

/* each task's allocation retries in the page allocator, until its kill or 1 s without one */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct oomt_alloc_retry);
} alloc_retries SEC(".maps");

/* victims since their kill, by the tid the kernel marked, until they exit (struct victim_state) */
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

/* each memcg's closed episodes, by memcg cgroup id (struct memcg_reclaim) */
OOMT_SHARED struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OOMT_RECLAIM_MEMCGS);
	__type(key, __u64);
	__type(value, struct memcg_reclaim);
} memcg_reclaim SEC(".maps");

/* records lost to a full ring buffer, by enum record_type */
OOMT_SHARED __u64 dropped[OOMT_RECORD_TYPES] OOMT_ZEROS;
OOMT_SHARED __u64 kswapd_wakes OOMT_ZERO; /* on all nodes since load */
/* the episodes of memcgs past the map's OOMT_RECLAIM_MEMCGS */
OOMT_SHARED struct memcg_reclaim memcg_reclaim_other OOMT_ZEROS;
/* episodes folded so far: user space reads the map again when it moves */
OOMT_SHARED __u64 episodes_folded OOMT_ZERO;

/* set by user space before load */
OOMT_SHARED const volatile bool stream_episodes OOMT_ZERO; /* --reclaim-stalls or --record */
/* the least stall time of each histogram bucket, from src/sinks/stats.c */
OOMT_SHARED const volatile __u64 stall_bucket_floor[OOMT_STALL_BUCKETS] OOMT_ZEROS;

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

/* Task t's css of controller id (a relocated enum cgroup_subsys_id); NULL if unreadable. */
static __always_inline struct cgroup_subsys_state *task_css(struct task_struct *t, int id)
{
	struct css_set *cset = BPF_CORE_READ(t, cgroups);
	struct cgroup_subsys_state *css = NULL;

	if (id < 0 || id >= 16)
		return NULL;
	bpf_probe_read_kernel(&css, sizeof(css), &cset->subsys[id]);
	return css;
}

static __always_inline struct mem_cgroup *task_memcg(struct task_struct *t)
{
	return css_memcg(task_css(t, bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id)));
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

/* 1 if a >= b, for a and b below 2^63; no branch */
#define GE(a, b) (1 - (((a) - (b)) >> 63))

/*
 * The bucket of a stall time: the last whose floor it reaches.  Without
 * branches: a search that branched on every step would have the verifier
 * walk each path through it, and older verifiers (5.10, 6.1) walk the rest
 * of the kill path once per path too.  Four buckets to an octave: the
 * octave is the top bit's place, the quarter three compares with floors.
 */
static __always_inline __u64 stall_bucket(__u64 ns)
{
	__u64 x = ns, s, top = 0, b; /* all 64-bit: no truncation between check and index */

	if (ns >= 1ULL << 40) /* beyond the last octave: its last bucket */
		return OOMT_STALL_BUCKETS - 1;
	s = GE(x, 1ULL << 32) << 5, x >>= s, top += s;
	s = GE(x, 1ULL << 16) << 4, x >>= s, top += s;
	s = GE(x, 1ULL << 8) << 3, x >>= s, top += s;
	s = GE(x, 1ULL << 4) << 2, x >>= s, top += s;
	s = GE(x, 1ULL << 2) << 1, x >>= s, top += s;
	top += GE(x, 2);
	b = top << 2;
	if (b > OOMT_STALL_BUCKETS - 4)
		return OOMT_STALL_BUCKETS - 1;
	return b + GE(ns, stall_bucket_floor[b + 1]) + GE(ns, stall_bucket_floor[b + 2]) +
	       GE(ns, stall_bucket_floor[b + 3]);
}

static const struct memcg_reclaim zero_memcg_reclaim;

/* The memcg's totals, made on its first episode; the shared row once the map is full. */
static __always_inline struct memcg_reclaim *memcg_totals(__u64 memcg, __u64 now)
{
	struct memcg_reclaim *m = bpf_map_lookup_elem(&memcg_reclaim, &memcg);

	if (m)
		return m;
	/* NOEXIST: another CPU may make it first, and then it is that one's */
	if (!bpf_map_update_elem(&memcg_reclaim, &memcg, &zero_memcg_reclaim, BPF_NOEXIST)) {
		m = bpf_map_lookup_elem(&memcg_reclaim, &memcg);
		if (m)
			m->first_ns = now;
	}
	if (!m)
		m = bpf_map_lookup_elem(&memcg_reclaim, &memcg);
	if (!m) {
		m = &memcg_reclaim_other;
		if (!m->first_ns) /* a race here only orders the summary's rows */
			m->first_ns = now;
	}
	return m;
}

/*
 * What the summary and the metrics count of a closed episode, folded
 * into its memcg's totals.  Tasks of one memcg close episodes on several
 * CPUs at once: every field is an atomic add (BPF_XADD, which 5.10 has;
 * only fetching the old value needs 5.12).
 */
static __always_inline void fold_episode(__u64 memcg, __u32 passes, __u64 stall_ns, __u64 scanned,
					 __u64 reclaimed)
{
	struct memcg_reclaim *m = memcg_totals(memcg, bpf_ktime_get_ns());
	__u64 b = stall_bucket(stall_ns);

	/* the compiler proves b in range and drops the check; older verifiers need it */
	asm volatile("" : "+r"(b));

	__sync_fetch_and_add(&m->episodes, 1);
	__sync_fetch_and_add(&m->passes, passes);
	__sync_fetch_and_add(&m->stall_ns, stall_ns);
	__sync_fetch_and_add(&m->scanned, scanned);
	__sync_fetch_and_add(&m->reclaimed, reclaimed);
	if (b < OOMT_STALL_BUCKETS)
		__sync_fetch_and_add(&m->hist[b], 1);
	__sync_fetch_and_add(&episodes_folded, 1);
}

/*
 * Close a finished episode: fold it into its memcg's totals and, when
 * episodes stream, stream it.  User space closes idle episodes too
 * (sweep_idle_episodes() in src/sources/tracer.c), by deleting them: whichever side
 * deletes the episode closes it, so it is counted and streamed once.
 * at_kill: the OOM kill its task invoked closes it, and the record goes
 * with the kill's, ahead of it.
 */
static __always_inline void close_episode(__u32 tid, struct reclaim_episode *ep, __u32 end,
					  bool at_kill)
{
	struct reclaim_stall_record *rec = NULL;
	bool counted = !ep->filtered; /* outside every --cgroup: neither counted nor streamed */
	__u64 memcg = ep->memcg_id, stall_ns = ep->stall_ns, scanned = ep->scanned;
	__u64 reclaimed = ep->reclaimed;
	__u32 passes = ep->passes;

	if (counted && stream_episodes) {
		if (at_kill)
			rec = bpf_ringbuf_reserve(&kill_ring, sizeof(*rec), 0);
		else
			rec = bpf_ringbuf_reserve(&stall_ring, sizeof(*rec), 0);
		if (rec) {
			rec->type = RECORD_RECLAIM_STALL;
			rec->end = end;
			bpf_probe_read_kernel(&rec->ep, sizeof(rec->ep), ep);
		}
	}
	/* deleted already: user space closed it */
	if (bpf_map_delete_elem(&episodes, &tid)) {
		if (rec)
			bpf_ringbuf_discard(rec, BPF_RB_NO_WAKEUP);
		return;
	}
	if (!counted)
		return;
	fold_episode(memcg, passes, stall_ns, scanned, reclaimed);
	if (rec)
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP); /* see tracer__run() */
	else if (stream_episodes)
		count_drop(RECORD_RECLAIM_STALL);
}

#endif /* __OOMTRACE_BPF_H */
