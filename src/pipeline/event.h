/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * One OOM kill as every source tells it: BPF, the kernel log (live or
 * --input) and a --record file all fill this, and the pipeline and every
 * sink read nothing else.  Sizes are in kB, times in ns of CLOCK_MONOTONIC;
 * a field holds a value only when its bit is in `known`, and a field a
 * source inferred rather than read says where it came from.
 */
#ifndef __OOMTRACE_EVENT_H
#define __OOMTRACE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include "container.h"
#include "host.h"
#include "memcg_state.h"
#include "procs.h"
#include "slab_caches.h"

#define EVENT_COMM_LEN	16
#define EVENT_MAX_STACK 48 /* frames; as many as BPF takes */
#define EVENT_PATH_LEN	(16 * 128 + 8)
#define EVENT_NODES_LEN	 128 /* a node list, "0-1,3" */
#define EVENT_CPUSET_LEN 128 /* a cgroup's name */
#define EVENT_MAX_FRAMES 64 /* text frames, from the kernel log */
#define EVENT_FRAME_LEN	 128
#define EVENT_GFP_LEN	 256

/* Which optional fields of struct oom_event hold values. */
enum event_field {
	EV_KTIME = 1 << 0,
	EV_INVOKER = 1 << 1,	 /* invoker.comm */
	EV_INVOKER_PID = 1 << 2, /* invoker.pid and .tid */
	EV_INVOKER_ADJ = 1 << 3,
	EV_GFP = 1 << 4,	/* gfp.mask and .order */
	EV_GFP_NAMES = 1 << 5,	/* gfp.mask can be named (from the source, or the flag table) */
	EV_VICTIM = 1 << 6,	/* the victim's task was read: its comm at least */
	EV_UID = 1 << 7,
	EV_ADJ = 1 << 8,
	EV_VM = 1 << 9,
	EV_ANON = 1 << 10,
	EV_FILE = 1 << 11,
	EV_SHMEM = 1 << 12,
	EV_SWAP = 1 << 13,
	EV_PGTABLES = 1 << 14,
	EV_TOTALPAGES = 1 << 15,
	EV_POINTS = 1 << 16,
	EV_MEMCG = 1 << 17,	   /* memcg.path: a memcg's limit was hit */
	EV_MEMCG_USAGE = 1 << 18,  /* memcg.usage_kb and .limit_kb of the memcg whose limit was hit */
	EV_MEMCG_SWAP = 1 << 19,   /* memcg.swap_limit_kb */
	EV_CGROUP_VERSION = 1 << 20,
	EV_STACK = 1 << 21,	/* stack or frames */
	EV_RECLAIM = 1 << 22,	/* the source can tell the invoker's reclaim story */
	EV_NEXT = 1 << 23,	/* next victims were read */
	EV_MEMCG_STATE = 1 << 24,
	EV_CONTAINER = 1 << 25,
	EV_ENRICHED = 1 << 26, /* enrich holds what enrichment at arrival did */
	EV_NODE_MEM = 1 << 27, /* nodes and zones: the machine's memory at the kill */
	EV_HOST_VM = 1 << 28,  /* vm: the host's settings at the start, its commit at arrival */
	EV_SLABS = 1 << 29,    /* slabs: the largest unreclaimable caches, read at arrival */
	EV_RETRY = 1u << 30,   /* retry: the page allocator's last checks before a global OOM */
};

#define EVENT_MAX_NODES	     8
#define EVENT_MAX_ZONES	     16
#define EVENT_MAX_ZONE_TYPES 6

/* A node's counters, as the kernel's report prints them (show_mem()). */
enum node_counter {
	NODE_ACTIVE_ANON,
	NODE_INACTIVE_ANON,
	NODE_ACTIVE_FILE,
	NODE_INACTIVE_FILE,
	NODE_UNEVICTABLE,
	NODE_ISOLATED_ANON,
	NODE_ISOLATED_FILE,
	NODE_MAPPED,
	NODE_DIRTY,
	NODE_WRITEBACK,
	NODE_SHMEM,
	NODE_SLAB_RECLAIMABLE,
	NODE_SLAB_UNRECLAIMABLE,
	NODE_KERNEL_STACK,
	NODE_PAGETABLES,
	NODE_COUNTERS,
};

struct event_node {
	unsigned int node;
	unsigned int known; /* bit 1 << enum node_counter */
	unsigned long long kb[NODE_COUNTERS];
};

/* A populated zone: its free memory against its watermarks (boost included, as the kernel prints them). */
struct event_zone {
	unsigned int node;
	char name[16];
	unsigned long long free_kb, min_kb, low_kb, high_kb, boost_kb, present_kb, managed_kb;
	/* boost_kb was read: kernels boost watermarks since 5.0, but print it only since 5.16 */
	bool have_boost;
	long long lowmem_reserve[EVENT_MAX_ZONE_TYPES]; /* pages, as the kernel prints them */
	int nr_reserve; /* 0: not known */
};

/* The steps of enrichment at arrival, each measured and capped. */
enum enrich_step {
	ENRICH_STATE, /* the OOM memcg's cgroupfs files */
	ENRICH_PIDS,  /* its processes, from cgroup.procs down its subtree */
	ENRICH_RANK,  /* weighing them (/proc or the task iterator), and picking the next victims */
	ENRICH_STEPS,
};

/* What the next victims were weighed from. */
enum rank_source {
	RANKED_UNKNOWN = 0, /* not ranked, or a recording that did not say */
	RANKED_PROC = 1,    /* two /proc files per process */
	RANKED_ITER = 2,    /* the BPF task iterator, in one pass over the kernel's tasks */
};

struct event_enrichment {
	/* picked from the ranking of an earlier record of the same OOM event */
	bool next_cached;
	unsigned int ranked_from; /* enum rank_source */
	unsigned int cut_short;			    /* bits 1 << step: stopped at its limit */
	unsigned long long step_ns[ENRICH_STEPS]; /* what each step took; 0: not run */
	/* with rss_summed: the RSS (anon, file, shmem) of every process ranked, and how many */
	bool rss_summed;
	unsigned long long ranked_rss_kb;
	unsigned long long ranked_procs;
};

/* One zone's last check in should_reclaim_retry() (oom:reclaim_retry_zone). */
struct event_retry_zone {
	unsigned int node;
	char zone[16];
	unsigned long long reclaimable_kb, available_kb, min_kb;
	int no_progress_loops;
	bool above_min; /* available above min: the allocator would have retried for this zone */
};

#define EVENT_RETRY_ZONES 8

/* How the page allocator tried before it gave up and invoked the OOM killer. */
struct event_retry {
	unsigned int checks; /* zone checks, over span_us */
	int order;
	unsigned long long span_us;
	struct event_retry_zone zones[EVENT_RETRY_ZONES];
	int nr_zones;
	unsigned int compactions; /* oom:compact_retry events; 0: none, the rest unknown */
	int compact_retries, compact_max_retries;
	bool compact_would_retry;
};

/* Where an inferred value came from. */
enum event_origin {
	ORIGIN_KERNEL = 0,   /* the kernel's own figure (oom_control, the log) */
	ORIGIN_COMPUTED = 1, /* the kernel's formula, applied to the record's figures */
};

/* The invoker's reclaim effort before the kill. */
struct event_reclaim {
	unsigned int passes;
	unsigned long long stall_ns, scanned, reclaimed;
	unsigned long long first_ns_before_kill; /* its first pass, before the kill */
	unsigned long long kswapd_wakes;	 /* kswapd wakeups from its first pass to the kill */
};

struct oom_event {
	unsigned int known; /* enum event_field */
	const char *source; /* "bpf", "kmsg" */
	const char *hook;   /* "fentry", "kprobe", "tracepoint", "kmsg" */
	unsigned long long event_id; /* shared by every victim of one OOM */
	unsigned long long ktime_ns;
	bool already_exiting; /* the kernel marked a victim that was exiting: not a kill */
	bool later_in_event;  /* set by the pipeline: an earlier kill had this event id (a group kill) */
	const char *constraint; /* "NONE", "CPUSET", "MEMORY_POLICY", "MEMCG"; NULL unknown */

	struct {
		unsigned int pid, tid;
		char comm[EVENT_COMM_LEN];
		int oom_score_adj;
	} invoker;
	struct {
		unsigned int mask;
		int order;
		const char *source;	 /* oom_control, direct_reclaim, memcg_reclaim, kernel_log */
		bool of_reclaim;	 /* of the invoker's last reclaim pass, not the request */
		/*
		 * The bits of the request the source could see; others are not
		 * known to be clear.  ~0u: all (memcg reclaim sees GFP_RECLAIM_MASK).
		 */
		unsigned int seen;
		char names[EVENT_GFP_LEN]; /* as the source named the flags; "" to name them here */
	} gfp;
	struct {
		unsigned int pid, tid, uid;
		char comm[EVENT_COMM_LEN];
		int oom_score_adj;
		unsigned long long total_vm_kb, anon_kb, file_kb, shmem_kb, swap_kb, pgtables_kb;
	} victim;
	long points;
	enum event_origin points_origin;
	unsigned long totalpages; /* the OOM domain, in pages */
	enum event_origin totalpages_origin;

	struct {
		char path[EVENT_PATH_LEN]; /* whose limit was hit */
		unsigned long long id;	   /* its cgroup id, 0 unknown */
		unsigned long long usage_kb, limit_kb, swap_limit_kb;
		bool is_v1;
		struct memcg_state state; /* read at arrival, with EV_MEMCG_STATE */
		bool state_from_log;	  /* no: state is the report's memory.stat, at the kill */
	} memcg;
	char cgroup_path[EVENT_PATH_LEN]; /* the victim's memcg; "" unknown */
	/*
	 * The kernel's oom-kill: line's nodemask=, cpuset= and mems_allowed=:
	 * the nodes the request named, and the invoker's cpuset and the nodes
	 * it may use.  Node lists as the kernel prints them ("0-1,3").
	 */
	struct {
		bool have_nodemask; /* known: nodemask, or none named (any) */
		bool nodemask_any;  /* the kernel's "(null)" */
		char nodemask[EVENT_NODES_LEN];
		bool have_cpuset; /* cpuset and mems_allowed */
		char cpuset[EVENT_CPUSET_LEN];
		char mems_allowed[EVENT_NODES_LEN];
	} nodes_allowed;
	struct container_info container;

	/* with EV_RETRY */
	struct event_retry retry;

	/* with EV_SLABS: when unreclaimable slab outweighed the LRUs, largest first */
	const char *slabs_read; /* "at_arrival" (/proc/slabinfo) or "kernel_log" (the report's list) */
	struct slab_cache slabs[SLAB_CACHES_MAX];
	int nr_slabs;

	/* with EV_HOST_VM: the live host's, never a saved log's; -1 unread */
	struct {
		struct vm_settings settings; /* at the start */
		long long committed_as_kb, commit_limit_kb; /* /proc/meminfo at arrival */
	} vm;

	/* swap and the hugetlb pools: -1 unread */
	struct {
		const char *read; /* "at_arrival", "kernel_log"; NULL: none read */
		struct swap_hugetlb kb;
	} swap_hugetlb;

	/* with EV_RECLAIM: have_reclaim false is "none before the kill" */
	bool have_reclaim;
	struct event_reclaim reclaim;

	/* with EV_NODE_MEM: the machine's memory at the kill, each node and zone */
	const char *node_mem_read; /* "at_kill" (BPF), "kernel_log" (the report's show_mem()) */
	struct event_node nodes[EVENT_MAX_NODES];
	int nr_nodes;
	struct event_zone zones[EVENT_MAX_ZONES];
	int nr_zones;
	bool zones_truncated;
	/*
	 * The report's machine-wide slab (Mem-Info), where no node's is known:
	 * the kernel log of a report that printed every node
	 */
	bool have_machine_slab;
	unsigned long long machine_slab_kb[2]; /* reclaimable, unreclaimable */

	/* the kernel stack: addresses to resolve, or the source's text */
	unsigned long long stack[EVENT_MAX_STACK];
	int nr_stack;
	int stack_error; /* -errno of the capture, 0 */
	char frames[EVENT_MAX_FRAMES][EVENT_FRAME_LEN]; /* innermost first */
	int nr_frames;			      /* 0: the stack is addresses */

	/* read at arrival, with EV_NEXT */
	struct proc_info *next; /* the next victims, best first; owned by the event */
	size_t nr_next;
	bool next_truncated; /* the domain held more processes than one scan reads */
	struct event_enrichment enrich; /* with EV_ENRICHED */
};

/* Which optional fields of struct reap_event hold values. */
enum reap_field {
	REAP_EVENT = 1 << 0, /* event_id: the kill was seen */
	REAP_KTIME = 1 << 1,
	REAP_TIME = 1 << 2, /* reap_ns */
	REAP_EXIT = 1 << 3, /* exit_ns: the exit was seen */
	REAP_KB = 1 << 4,   /* reaped_kb */
};

/* A victim's end: what the oom_reaper did, and its exit. */
struct reap_event {
	unsigned int known; /* enum reap_field */
	const char *source; /* "bpf", "kmsg" */
	unsigned long long event_id;
	unsigned long long ktime_ns; /* the exit; without it, the reaper's word */
	unsigned int pid, tid;
	char comm[EVENT_COMM_LEN];
	const char *reaper;	      /* "none", "started", "finished", "skipped" */
	bool reaped;		      /* finished or skipped: the reaper is done with it */
	unsigned long long reap_ns;   /* from the kill to the reaper's end */
	unsigned long long exit_ns;   /* from the kill to the exit */
	unsigned long long reaped_kb; /* what the reaper freed */
	/*
	 * A late word, not an end: the victim was still there since_ns after
	 * its kill (ktime_ns: when it was looked at), in /proc state state
	 * ('\0': not read).  What the reaper had done by then is as above.
	 */
	bool not_gone;
	unsigned long long since_ns;
	char state;
};

/*
 * A task's reclaim episode, closed: how long it stalled in reclaim, and
 * for what.  Streamed with --reclaim-stalls or --record.
 */
struct stall_event {
	const char *source; /* "bpf" */
	unsigned long long first_ns; /* the begin of its first pass */
	unsigned long long span_ns;  /* from then to the end of its last finished pass */
	unsigned long long stall_ns; /* the time inside passes */
	unsigned int passes;
	unsigned long long scanned, reclaimed; /* pages */
	unsigned int pid, tid;
	char comm[EVENT_COMM_LEN];
	unsigned long long memcg_id; /* the task's memcg, as a cgroup id */
	const char *memcg;	     /* its path; NULL: not known */
	const char *kind;	     /* "direct", "memcg", "direct+memcg", "none" */
	unsigned int gfp_mask;	     /* the request's, as far as the latest pass saw it */
	int order;
	const char *ended; /* "idle", "max_age", "oom_kill", "exit" */
	unsigned long long stack[EVENT_MAX_STACK]; /* of the first pass */
	int nr_stack;
	int stack_error; /* -errno of the capture, 0 */
};

static inline bool event__has(const struct oom_event *ev, unsigned int fields)
{
	return (ev->known & fields) == fields;
}

/* A node counter's name in records ("active_anon", ...). */
const char *event__node_counter_name(int counter);

/*
 * Where a global OOM's memory was at the kill, summed over the nodes: the
 * parts the kernel counts apart, and what is left of RAM after them.
 */
enum memory_part {
	PART_FREE,
	PART_ANON,	 /* the anon LRUs less shmem: processes' private memory */
	PART_PAGE_CACHE, /* the file LRUs */
	PART_SHMEM,	 /* tmpfs, shared anon, SysV shm: on the anon LRUs */
	PART_SLAB_RECLAIMABLE,
	PART_SLAB_UNRECLAIMABLE,
	PART_KERNEL,	  /* kernel stacks and page tables */
	PART_UNEVICTABLE, /* mlocked, ramfs */
	/*
	 * The hugetlb pools, used and free: never on an LRU, never free to
	 * the page allocator.  From swap_hugetlb (at arrival, or the kernel
	 * log's): -1 there leaves them in unaccounted.
	 */
	PART_HUGETLB,
	PART_UNACCOUNTED, /* RAM less the rest: vmalloc, percpu, drivers, isolated pages */
	MEMORY_PARTS,
};

struct memory_split {
	long long ram_kb;		/* the zones' managed pages; -1 unknown */
	long long kb[MEMORY_PARTS];	/* -1: a counter it sums was not read */
};

/* The split of ev's node memory (EV_NODE_MEM); false without it. */
bool event__memory_split(const struct oom_event *ev, struct memory_split *m);
/*
 * The kernel's own test before its report lists slab caches: unreclaimable
 * slab over the LRU pages (isolated ones included).  False when a figure is
 * not known.
 */
bool event__slab_over_lru(const struct oom_event *ev);
/* "page_cache", ...: JSON's keys, without _kb */
const char *event__memory_part_name(int part);
/*
 * Where a memcg OOM's limit went: memory.stat's kinds of memory charged
 * against it, from the record's memcg.state (at arrival, or the kernel
 * log's memory.stat at the kill).
 */
enum memcg_part {
	MEMCG_PART_ANON,       /* anon pages, shmem not among them */
	MEMCG_PART_PAGE_CACHE, /* file pages less shmem */
	MEMCG_PART_SHMEM,      /* tmpfs, shared anon */
	MEMCG_PART_KERNEL,     /* slab, stacks, page tables, percpu (v2 kernel; v1 kmem) */
	MEMCG_PART_SOCK,       /* network buffers (v2 only: v1's tcp memory has a limit of its own) */
	MEMCG_PARTS,
};

struct memcg_split {
	long long limit_kb;	     /* at the kill */
	long long kb[MEMCG_PARTS];   /* -1: not in this version's memory.stat, or not read */
	long long reclaimable_kb;    /* page cache plus reclaimable slab; -1 unknown */
	const char *read;	     /* "at_arrival" or "kernel_log" */
};

/* The split of ev's memcg (EV_MEMCG_STATE, EV_MEMCG_USAGE); false without it. */
bool event__memcg_split(const struct oom_event *ev, struct memcg_split *s);
/* "anon", "page_cache", ...: JSON's keys, without _kb */
const char *event__memcg_part_name(int part);
/* The sum of a counter over the nodes; false unless every node knows it. */
bool event__node_total_kb(const struct oom_event *ev, int counter, unsigned long long *kb);

/* "kill", or "already_exiting" for a victim the kernel marked but did not kill. */
const char *event__kind(const struct oom_event *ev);
/*
 * What a kill counts under, in the summary and the metrics alike: the OOM
 * memcg's path; "(global)" for a kill no memcg's limit caused;
 * "(unknown)" when a memcg caused it (or may have) but cannot be named.
 */
const char *event__memcg_label(const struct oom_event *ev);

/* The facts of the machine an event happened on, for what is derived. */
struct event_host {
	bool known; /* false: a saved log of some other machine */
	unsigned long page_size, totalram_pages, total_swap_pages;
};

/*
 * The OOM domain and the victim's points, where the source did not give
 * them: by the kernel's formulas (mem_cgroup_get_max(), oom_badness()),
 * one rule for every source.
 */
void event__derive(struct oom_event *ev, const struct event_host *host);
/* Free what an event owns (its next victims), and forget it. */
void event__clear_next(struct oom_event *ev);

#endif
