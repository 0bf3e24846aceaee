/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one header shared by the BPF programs and user space: ring-buffer
 * record layouts and the constants both sides agree on.
 */
#ifndef __OOMTRACE_H
#define __OOMTRACE_H

#ifndef __VMLINUX_H__ /* user space; BPF gets these types from vmlinux.h */
#include <linux/types.h>
#endif

#define OOMT_COMM_LEN  16
#define OOMT_MAX_STACK 48
/* memcg levels walked from the victim's memcg towards the root */
#define OOMT_CG_DEPTH	 16
#define OOMT_CG_NAME_LEN 128
/* --cgroup subtrees, at most */
#define OOMT_MAX_FILTERS 64

enum record_type {
	RECORD_OOM_KILL = 1,
	RECORD_RECLAIM_STALL = 2,
	RECORD_OOM_REAPED = 3,
};
#define OOMT_RECORD_TYPES 4 /* the largest record_type, plus one */

/* What produced the oom_control part of a record; see attach.c. */
enum hook_kind {
	HOOK_TRACEPOINT = 0,
	HOOK_KPROBE = 1,
	HOOK_FENTRY = 2,
};

/* Mirrors the kernel's enum oom_constraint, plus "we could not tell". */
enum oomt_constraint {
	OOMT_CONSTRAINT_NONE = 0,
	OOMT_CONSTRAINT_CPUSET = 1,
	OOMT_CONSTRAINT_MEMORY_POLICY = 2,
	OOMT_CONSTRAINT_MEMCG = 3,
	OOMT_CONSTRAINT_UNKNOWN = 255,
};

/* Which parts of an oom_kill_record hold real values. */
enum kill_flags {
	KILL_HAVE_OC = 1 << 0,		/* oom_control read at oom_kill_process */
	KILL_HAVE_GFP = 1 << 1,		/* gfp_mask and order are known */
	KILL_HAVE_VICTIM = 1 << 2,	/* victim task_struct and mm were read */
	KILL_HAVE_MEMCG = 1 << 3,	/* memcg_* fields describe the OOM memcg */
	KILL_CG_TRUNCATED = 1 << 4,	/* deeper than OOMT_CG_DEPTH levels */
	KILL_GFP_FROM_RECLAIM = 1 << 5, /* gfp/order from the last reclaim */
	KILL_GFP_FROM_MEMCG = 1 << 6,	/* ... and that was memcg reclaim */
	/*
	 * The kernel marked a victim that was already exiting (task_will_free_mem()
	 * in oom_kill_process() or out_of_memory()): no SIGKILL, no "Killed
	 * process" line, not counted in /proc/vmstat oom_kill.  Not a kill.
	 */
	KILL_ALREADY_EXITING = 1 << 7,
	/* chosen_points is this victim's own: it is oom_control's chosen task */
	KILL_POINTS_FROM_OC = 1 << 8,
	KILL_HAVE_INVOKER_ADJ = 1 << 9, /* invoker_oom_score_adj was read */
	/* without oom_control: the invoker's last reclaim pass was direct reclaim (a global OOM) */
	KILL_AFTER_DIRECT_RECLAIM = 1 << 10,
	KILL_HAVE_NODE_MEM = 1 << 11, /* node_mem holds the nodes' and zones' memory at the kill */
	KILL_HAVE_RETRY = 1 << 12,    /* retry holds the invoker's allocation retries before it */
	KILL_HAVE_NODEMASK = 1 << 13, /* nodemask holds oom_control's (fentry, kprobe tiers) */
	KILL_NODEMASK_ANY = 1 << 14,  /* ... which was NULL: the request named no nodes */
	KILL_HAVE_CPUSET = 1 << 15,   /* cpuset and mems_allowed hold the invoker's */
	KILL_CPUSET_ROOT = 1 << 16,   /* ... its cpuset is the root cgroup's ("/") */
};

/* node masks as records keep them: the first 64 x OOMT_NODE_WORDS nodes */
#define OOMT_NODE_WORDS 2

/*
 * The page allocator's last checks before a global OOM, per zone of the
 * zonelist (oom:reclaim_retry_zone, should_reclaim_retry()): whether
 * reclaim could still free enough to get above the min watermark.
 */
#define OOMT_RETRY_ZONES 8
/* a pause this long between checks starts the story again: another allocation */
#define OOMT_RETRY_GAP_NS 1000000000ULL
struct oomt_retry_zone {
	__u32 node;
	__u32 zone_idx;	     /* enum zone_type */
	__u64 reclaimable;   /* pages the zone could still reclaim */
	__u64 available;     /* those plus its free pages */
	__u64 min_wmark;     /* pages: the watermark the allocation must stay above */
	__s32 no_progress_loops; /* reclaim rounds in a row that freed nothing */
	__u32 wmark_check;   /* 1: available was above min: the allocator would retry */
};

/* One task's allocation retries, from its first check in a row to its last. */
struct oomt_alloc_retry {
	__u64 first_ns, last_ns;
	__u32 checks; /* reclaim_retry_zone events */
	__s32 order;
	__u32 nr_zones;
	__u32 compactions; /* compact_retry events; the last one's figures below */
	struct oomt_retry_zone zones[OOMT_RETRY_ZONES]; /* each zone's last check, by first seen */
	__s32 compact_order;
	__s32 compact_retries, compact_max_retries;
	__u32 compact_ret; /* 1: the allocator would compact again */
};

enum reclaim_kind {
	RECLAIM_DIRECT = 1 << 0, /* page allocator, try_to_free_pages() */
	RECLAIM_MEMCG = 1 << 1,	 /* memcg limit, try_to_free_mem_cgroup_pages() */
};

/*
 * An episode ends after this long without a pass, or when it grows this
 * old.  Compile-time constants: the hot programs load no settings.
 */
#define OOMT_EPISODE_GAP_NS 100000000ULL  /* 100 ms */
#define OOMT_EPISODE_MAX_NS 1000000000ULL /* 1 s */
/*
 * User space closes an episode left idle only after this long: between the
 * invoker's last pass and its kill the OOM killer picks a victim and prints
 * its report, which on a slow console takes far longer than the gap, and the
 * kill must still find the episode (on the tracepoint tier its gfp and
 * order come from it).
 */
#define OOMT_EPISODE_SWEEP_NS 2000000000ULL /* 2 s */
/*
 * A task waiting for the oom_lock behind a storm of other OOMs can wait
 * longer still: user space keeps each episode it closed (swept_episodes),
 * and a kill its task invokes within this long takes its story from it.
 * Every OOM an allocating task invokes follows a reclaim pass of its own.
 */
#define OOMT_SWEPT_KEEP_NS 60000000000ULL /* 60 s */

/* Why an episode was closed and streamed. */
enum episode_end {
	EPISODE_IDLE = 1,     /* no pass for the idle gap (closed by the next pass or user space) */
	EPISODE_MAX_AGE = 2,  /* reclaiming for longer than the longest episode */
	EPISODE_OOM_KILL = 3, /* the task invoked the OOM killer */
	EPISODE_EXIT = 4,     /* the task exited */
};

/*
 * One task's reclaim effort: consecutive reclaim passes with less than the
 * idle gap between them.  Aggregated in the kernel, streamed when closed.
 */
struct reclaim_episode {
	__u64 first_ns;	    /* begin of the first pass */
	__u64 last_end_ns;  /* end of the last finished pass */
	__u64 begin_ns;	    /* begin of the pass in progress, 0 between passes */
	__u64 stall_ns;	    /* time inside passes */
	__u64 scanned;	    /* pages scanned on the inactive LRUs */
	__u64 reclaimed;    /* pages the passes reported reclaimed */
	__u64 memcg_id;	    /* the task's memcg, as a cgroup id */
	__u64 kswapd_wakes; /* kswapd wakeups on all nodes when it began */
	__u32 passes;
	__u32 kinds;	/* enum reclaim_kind bits */
	__u32 gfp_mask; /* of the latest pass */
	__s32 order;
	__u32 pid;
	__u32 tid;
	char comm[OOMT_COMM_LEN];
	__s32 kstack_len; /* of the first pass; 0 when not captured */
	__u32 last_kind;  /* enum reclaim_kind of the latest pass */
	__u32 filtered;	  /* outside every --cgroup: counted, never streamed */
	/*
	 * the latest pass's gfp/order are unknown: this kernel's reclaim
	 * tracepoints' could not be read, or the kernel skipped its begin
	 */
	__u32 no_gfp;
	__u64 kstack[OOMT_MAX_STACK];
};

/*
 * Stall times in a histogram four buckets to an octave of nanoseconds, up
 * to 2^40 ns: stats__stall_bucket() in src/sinks/stats.c says which, and gives
 * the BPF side each bucket's floor before load.
 */
#define OOMT_STALL_BUCKETS 160
/* memcgs folded apart; the episodes of any more share one row */
#define OOMT_RECLAIM_MEMCGS 1024

/*
 * What the summary and the metrics need of one memcg's closed reclaim
 * episodes, folded in the kernel as each closes (the memcg_reclaim map,
 * by memcg cgroup id), so that episodes need not stream to be counted.
 */
struct memcg_reclaim {
	__u64 first_ns; /* when the first episode folded here closed */
	__u64 episodes;
	__u64 passes;
	__u64 stall_ns;
	__u64 scanned;
	__u64 reclaimed;
	__u32 hist[OOMT_STALL_BUCKETS]; /* episodes by stall time */
};

struct reclaim_stall_record {
	enum record_type type;
	__u32 end; /* enum episode_end */
	struct reclaim_episode ep;
};

enum reaper_state {
	REAPER_NONE = 0, /* the victim exited before the oom_reaper acted */
	REAPER_STARTED = 1,
	REAPER_FINISHED = 2,
	REAPER_SKIPPED = 3,
};

/*
 * A victim from its kill to its exit: the victims map's value, by the tid
 * the kernel marked.  User space reads pid to leave the marked out of the
 * next victims.
 */
struct victim_state {
	__u64 event_id;
	__u64 kill_ns;
	__u64 reap_start_ns;
	__u64 reap_end_ns;
	__u32 reaper; /* enum reaper_state */
	__u32 pid;    /* its process */
	char comm[OOMT_COMM_LEN];
};

/* What happened to a victim after the kill: streamed at its exit. */
struct oom_reaped_record {
	enum record_type type;
	__u32 reaper; /* enum reaper_state */
	__u64 event_id;
	__u64 kill_ns;
	__u64 reap_start_ns;
	__u64 reap_end_ns;
	__u64 exit_ns;
	__u32 victim_pid;
	__u32 victim_tid;
	char victim_comm[OOMT_COMM_LEN];
};

/*
 * The machine's memory at the kill, as the kernel's report prints it
 * (show_mem()): each node's page counters and each populated zone's free
 * pages against its watermarks.  All in pages, whatever unit the kernel
 * counts in; user space picks the counters' indexes and units from the
 * kernel's BTF (enum node_stat_item, zone_stat_item).
 */
#define OOMT_MAX_NODES	    8
#define OOMT_MAX_ZONES	    16 /* populated zones, of all nodes */
#define OOMT_MAX_ZONE_TYPES 6  /* MAX_NR_ZONES: lowmem_reserve's length */

enum oomt_node_stat {
	OOMT_NS_ACTIVE_ANON,
	OOMT_NS_INACTIVE_ANON,
	OOMT_NS_ACTIVE_FILE,
	OOMT_NS_INACTIVE_FILE,
	OOMT_NS_UNEVICTABLE,
	OOMT_NS_ISOLATED_ANON,
	OOMT_NS_ISOLATED_FILE,
	OOMT_NS_FILE_MAPPED,
	OOMT_NS_FILE_DIRTY,
	OOMT_NS_WRITEBACK,
	OOMT_NS_SHMEM,
	OOMT_NS_SLAB_RECLAIMABLE,
	OOMT_NS_SLAB_UNRECLAIMABLE,
	OOMT_NS_KERNEL_STACK,
	OOMT_NS_PAGETABLE,	    /* a zone counter before 5.11: summed over the node's zones */
	OOMT_NODE_STATS,
};

struct oomt_node_mem {
	__u32 node;
	__u32 present; /* 0: this node id has no memory to read */
	__u64 stat[OOMT_NODE_STATS]; /* as enum oomt_node_stat says; 0 where unknown */
};

struct oomt_zone_mem {
	__u32 node;
	__u32 zone; /* its index in the node: enum zone_type */
	char name[8];
	__u64 free;
	__u64 watermark[3]; /* min, low, high, without boost */
	__u64 boost;
	__u64 present;
	__u64 managed;
	__s64 lowmem_reserve[OOMT_MAX_ZONE_TYPES];
};

struct oomt_node_memory {
	__u32 nr_nodes; /* node ids read, 0 to nr_nodes - 1 */
	__u32 nr_zones;
	__u32 zones_truncated; /* more populated zones than OOMT_MAX_ZONES */
	__u32 stats_known;     /* bit 1 << enum oomt_node_stat: this kernel keeps it */
	__u32 nr_zone_types;   /* the kernel's MAX_NR_ZONES: lowmem_reserve's length */
	__u32 pad;
	struct oomt_node_mem nodes[OOMT_MAX_NODES];
	struct oomt_zone_mem zones[OOMT_MAX_ZONES];
};

struct oom_kill_record {
	enum record_type type;
	__u32 hook; /* enum hook_kind */
	__u64 ktime_ns;
	__u32 flags;	  /* enum kill_flags */
	__u32 constraint; /* enum oomt_constraint */

	__u32 invoker_pid;
	__u32 invoker_tid;
	char invoker_comm[OOMT_COMM_LEN];
	__u32 gfp_mask;
	__s32 order;

	__u32 victim_pid;
	__u32 victim_tid;
	char victim_comm[OOMT_COMM_LEN];
	__u32 victim_uid;
	__s32 oom_score_adj;
	/* mm counters in pages, page tables in bytes, as oom_badness() reads them */
	__u64 total_vm_pages;
	__u64 anon_pages;
	__u64 file_pages;
	__u64 shmem_pages;
	__u64 swap_pages;
	__u64 pgtables_bytes;

	/* from oom_control, valid with KILL_HAVE_OC */
	__s64 chosen_points;
	__u64 totalpages;

	/* the memcg whose limit was hit, valid with KILL_HAVE_MEMCG */
	__u64 memcg_usage_pages;
	__u64 memcg_max_pages;
	__u64 memcg_swap_max_pages; /* v2 swap.max or v1 memsw.max */
	__u32 memcg_is_v1;
	/* index into cg_names of the OOM memcg; cg_names[0] is the victim's */
	__u32 memcg_level;
	__u32 cg_depth;	  /* names filled in cg_names, leaf first */
	__s32 kstack_len; /* bytes from bpf_get_stack(), or -errno */

	/* all records of one OOM (memory.oom.group kills) share it */
	__u64 event_id;
	__u64 memcg_id;	    /* cgroup id of the OOM memcg, with KILL_HAVE_MEMCG */
	__u64 kswapd_wakes; /* kswapd wakeups on all nodes at the kill */
	__u32 have_episode; /* episode holds the invoker's reclaim story */
	__s32 invoker_oom_score_adj; /* with KILL_HAVE_INVOKER_ADJ */
	struct reclaim_episode episode;

	__u64 kstack[OOMT_MAX_STACK];
	char cg_names[OOMT_CG_DEPTH][OOMT_CG_NAME_LEN];
	struct oomt_node_memory node_mem; /* with KILL_HAVE_NODE_MEM */
	struct oomt_alloc_retry retry;	  /* with KILL_HAVE_RETRY */
	/* what the kernel's oom-kill: line prints as nodemask=, cpuset= and mems_allowed= */
	__u64 nodemask[OOMT_NODE_WORDS];     /* with KILL_HAVE_NODEMASK */
	__u64 mems_allowed[OOMT_NODE_WORDS]; /* with KILL_HAVE_CPUSET */
	char cpuset[OOMT_CG_NAME_LEN];	     /* with KILL_HAVE_CPUSET: its cgroup's name */
};

/*
 * One process as the OOM killer weighs it, written by the rank_tasks
 * iterator (bpf/rank.bpf.c) for the next victims: mm counters in pages and
 * page tables in bytes, read as the kill record's victim is.
 */
struct task_weight {
	__u32 pid;
	__s32 oom_score_adj;
	__u32 exiting; /* PF_EXITING, or a zombie: the kernel would not pick it */
	__u32 pad;
	__u64 anon_pages;
	__u64 file_pages;
	__u64 shmem_pages;
	__u64 swap_pages;
	__u64 pgtables_bytes;
	char comm[OOMT_COMM_LEN];
};

#endif /* __OOMTRACE_H */
