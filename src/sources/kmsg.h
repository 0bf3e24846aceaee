/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel's own OOM reports, parsed from its log one line at a time:
 * raw /dev/kmsg records ("6,1234,5678901,-;text") or saved dmesg, journal
 * and syslog text.  For hosts where BPF cannot be loaded.  Pure and
 * bounded: no I/O, no allocation after kmsg_parser__new().
 */
#ifndef __OOMTRACE_KMSG_H
#define __OOMTRACE_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include "event.h" /* struct event_node, struct event_zone: what show_mem() prints */

#define KMSG_COMM_LEN	16
#define KMSG_PATH_LEN	2048
#define KMSG_GFP_LEN	256
#define KMSG_MAX_FRAMES 64
#define KMSG_FRAME_LEN	128

/* Which fields of a kmsg_kill the log gave. */
enum kmsg_have {
	KMSG_HAVE_TS = 1 << 0,		/* ts_us */
	KMSG_HAVE_INVOKER = 1 << 1,	/* gfp_mask, order ("invoked oom-killer") */
	KMSG_HAVE_INVOKER_PID = 1 << 2, /* invoker_pid (the dump's "CPU: N PID: N Comm:") */
	KMSG_HAVE_GFP_NAMES = 1 << 3,	/* gfp_names (kernels since 4.10 print them) */
	KMSG_HAVE_CONSTRAINT = 1 << 4,	/* constraint */
	KMSG_HAVE_VM = 1 << 5,		/* total_vm_kb */
	KMSG_HAVE_ANON = 1 << 6,	/* anon_kb */
	KMSG_HAVE_FILE = 1 << 7,	/* file_kb */
	KMSG_HAVE_SHMEM = 1 << 8,	/* shmem_kb */
	KMSG_HAVE_UID = 1 << 9,		/* victim_uid */
	KMSG_HAVE_ADJ = 1 << 10,	/* oom_score_adj */
	KMSG_HAVE_PGTABLES = 1 << 11,	/* pgtables_kb */
	KMSG_HAVE_SWAP = 1 << 12,	/* swap_kb, from the victim's row of the task table */
	KMSG_HAVE_USAGE = 1 << 13,	/* usage_kb, limit_kb ("memory: usage") */
	KMSG_HAVE_SWAP_LIMIT = 1 << 14, /* swap_limit_kb ("memory+swap:" v1, "swap:" v2) */
	KMSG_HAVE_VERSION = 1 << 15,	/* cgroup_version */
	KMSG_HAVE_STACK = 1 << 16,	/* frames ("Call Trace:") */
	KMSG_HAVE_KILLED_LINE =
	    1 << 17, /* "Killed process": the kill itself, not just the choice */
	KMSG_HAVE_INVOKER_ADJ = 1 << 18, /* invoker_adj ("invoked oom-killer: ..., oom_score_adj=N") */
	KMSG_HAVE_INVOKER_COMM = 1 << 19, /* invoker_comm ("X invoked oom-killer") */
	KMSG_HAVE_NODE_MEM = 1 << 20,	  /* nodes, zones: show_mem()'s "Node N" lines */
	KMSG_HAVE_NODEMASK = 1 << 21,	  /* nodemask, "" for "(null)" (the oom-kill: line) */
	KMSG_HAVE_CPUSET = 1 << 22,	  /* cpuset, mems_allowed (the oom-kill: line) */
	KMSG_HAVE_SWAP_FREE = 1 << 23,	  /* swap_free_kb ("Free swap  = NkB") */
	KMSG_HAVE_SWAP_TOTAL = 1 << 24,	  /* swap_total_kb ("Total swap = NkB") */
	KMSG_HAVE_HUGETLB = 1 << 25,	  /* hugetlb_*: "Node N hugepages_total=..." lines */
	KMSG_HAVE_SLAB = 1 << 26,	  /* slab_pages: Mem-Info's machine-wide slab, in pages */
};

/* One victim of one OOM. */
#define KMSG_STAT_TEXT 8192 /* a memory.stat, as memory_stat_format() fills a page */

struct kmsg_kill {
	unsigned int have;	  /* enum kmsg_have */
	unsigned long long event; /* counted per OOM; oom.group victims share it */
	unsigned long long ts_us; /* the printk time of the kill, us since boot */
	char invoker_comm[KMSG_COMM_LEN];
	int invoker_pid; /* the task's pid as printed: a thread id */
	int invoker_adj; /* the invoker's oom_score_adj */
	unsigned int gfp_mask;
	int order;
	char gfp_names[KMSG_GFP_LEN];
	int constraint; /* enum oomt_constraint */
	int victim_pid; /* as printed: the victim thread's pid */
	char victim_comm[KMSG_COMM_LEN];
	unsigned int victim_uid;
	int oom_score_adj;
	unsigned long long total_vm_kb, anon_kb, file_kb, shmem_kb, swap_kb, pgtables_kb;
	char nodemask[EVENT_NODES_LEN]; /* as printed; "" for "(null)" */
	char cpuset[EVENT_CPUSET_LEN];
	char mems_allowed[EVENT_NODES_LEN];
	char memcg[KMSG_PATH_LEN];	/* oom_memcg: whose limit was hit; "" for none */
	char task_memcg[KMSG_PATH_LEN]; /* the victim's; "" when not printed */
	unsigned long long usage_kb, limit_kb, swap_limit_kb;
	int cgroup_version;			      /* 1 or 2 */
	char frames[KMSG_MAX_FRAMES][KMSG_FRAME_LEN]; /* "out_of_memory+0x214", innermost first */
	int nr_frames;
	/*
	 * The nodes and zones the report's show_mem() printed, in its order:
	 * each "Node N" line's counters (a bit in known for each it printed),
	 * each "Node N Zone free:" line with its "lowmem_reserve[]:" line.
	 */
	struct event_node nodes[EVENT_MAX_NODES];
	int nr_nodes;
	/* show_mem()'s swap lines, and its hugetlb pools summed over nodes and page sizes */
	unsigned long long swap_free_kb, swap_total_kb;
	unsigned long long hugetlb_total_kb, hugetlb_free_kb;
	/*
	 * Mem-Info's "slab_reclaimable:N slab_unreclaimable:N": pages, for the
	 * whole machine (no Node line prints slab), and the page's size in kB
	 * as the first order of a zone's free lists says it ("0*4kB"); 0 unread.
	 */
	unsigned long long slab_pages[2];
	unsigned int page_kb;
	/* "Unreclaimable slab info:": the largest caches it listed, largest first */
	struct slab_cache slabs[SLAB_CACHES_MAX];
	int nr_slabs;
	struct event_zone zones[EVENT_MAX_ZONES];
	int nr_zones;
	bool zones_truncated;
	/*
	 * The OOM memcg's memory.stat as the report printed it after "Memory
	 * cgroup stats for": "key value" lines, one record of them joined by
	 * "\x0a" (/dev/kmsg) or a line each (dmesg, pastes).
	 */
	char memcg_stat[KMSG_STAT_TEXT];
	size_t memcg_stat_len;
};

enum kmsg_reap_state {
	KMSG_REAPED = 1,   /* "oom_reaper: reaped process" */
	KMSG_UNREAPED = 2, /* "oom_reaper: unable to reap pid" */
};

/* What the oom_reaper said about a victim. */
struct kmsg_reap {
	int state;		 /* enum kmsg_reap_state */
	bool have_ts, have_kill; /* have_kill: its kill was seen (event, kill_ts_us, rss) */
	bool have_kill_ts;
	bool have_rss;		  /* rss_kb (after the reaper) */
	bool have_kill_rss;	  /* kill_rss_kb */
	unsigned long long ts_us; /* when the reaper finished */
	unsigned long long event, kill_ts_us;
	int pid;
	char comm[KMSG_COMM_LEN];
	unsigned long long rss_kb, kill_rss_kb; /* anon + file + shmem */
};

enum kmsg_event_type {
	KMSG_EVENT_KILL = 1,
	KMSG_EVENT_REAP = 2,
};

struct kmsg_event {
	enum kmsg_event_type type;
	union {
		struct kmsg_kill kill;
		struct kmsg_reap reap;
	};
};

struct kmsg_parser;

struct kmsg_parser *kmsg_parser__new(void);
void kmsg_parser__free(struct kmsg_parser *p);
/*
 * One line of log, without its newline; any bytes, any length.  A kill
 * is ready as soon as its "Killed process" line is read.  Returns the
 * number of events ready; take them with kmsg_parser__next() before the
 * next line.  An "invoked oom-killer" line that a paste broke waits for
 * its rest, on the next line.
 */
int kmsg_parser__feed(struct kmsg_parser *p, const char *line, size_t len);
/* The end of the input: a report cut off mid-way is completed with what it said. */
int kmsg_parser__finish(struct kmsg_parser *p);
/* The oldest ready event into ev; false when none is left. */
bool kmsg_parser__next(struct kmsg_parser *p, struct kmsg_event *ev);
/* OOM reports that named no victim before they were cut off: counted, not reported. */
unsigned long long kmsg_parser__incomplete(const struct kmsg_parser *p);
/* /dev/kmsg records missing between the sequence numbers of those fed. */
unsigned long long kmsg_parser__lost(const struct kmsg_parser *p);

#endif
