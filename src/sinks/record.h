/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The --record file (docs/record-format.md): every record's fields, in
 * tagged fields of fixed units, with what user space knew of it when it
 * printed it (the time, the drops, the memcg state, the next victims, the
 * symbols of its stack), so that `oomtrace report` prints it again on any
 * machine.  It writes version 2 and reads versions 1 and 2.
 */
#ifndef __OOMTRACE_RECORD_H
#define __OOMTRACE_RECORD_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include "oomtrace.h"
#include "host.h"
#include "memcg_state.h"
#include "output.h"
#include "procs.h"
#include "event.h"

struct ksyms;
struct gfp_table;

#define RECORD_MAGIC	 "OOMTREC"  /* with its NUL, the first 8 bytes */
#define RECORD_VERSION	 2	    /* the version written; every older one is read */
#define RECORD_MAX_FRAME (1U << 20) /* a longer frame is damage, not data */
#define RECORD_MAX_NEXT	 32	    /* next victims a kill frame may name */
#define RECORD_PATH_LEN	 4096

enum frame_type {
	FRAME_HEADER = 1,  /* first in every session */
	FRAME_SYMBOLS = 2, /* kallsyms lines for the stacks of the frames after it */
	FRAME_KILL = 3,
	FRAME_STALL = 4,
	FRAME_REAPED = 5,
	FRAME_SUMMARY = 6,	/* last, at a clean end of the run */
	FRAME_UNRECONCILED = 7, /* the kills reported and the kernel's count differ */
	FRAME_NOT_GONE = 8,	/* a victim still there long after its kill */
};

/* The recording machine: what its records decode against. */
struct record_header {
	char version[32];	  /* oomtrace's */
	char kernel[65];	  /* uname -r */
	char hostname[65];	  /* uname -n */
	char hooks[128];	  /* as the ready line said */
	long long boot_offset_ns; /* CLOCK_REALTIME less CLOCK_MONOTONIC at the start */
	struct timespec started;
	struct host_info host;
	/* the writer's table; the reader's, owned by the reader */
	const struct gfp_table *gfp;
};

/* How a record was printed: its wall-clock time and the drops so far. */
struct record_ctx {
	struct timespec when;
	unsigned long long dropped;
};

struct recorder;

/* This machine's header: version, uname, clocks, and what the tracer chose. */
void record_header__init(struct record_header *h, const struct host_info *host,
			 const struct gfp_table *gfp, const char *hooks);

/*
 * Write the preamble and header to fd (the reader knows it as name in
 * messages).  The recorder owns fd from here, even on failure.
 */
struct recorder *recorder__new(int fd, const char *name, const struct record_header *h);
/*
 * One frame each, written whole with one write(2): a crash loses at most
 * the record being written.  The first failure is said on stderr, once;
 * it and every later call return -errno.  A NULL recorder records nothing.
 */
int recorder__kill(struct recorder *w, const struct oom_kill_record *raw,
		   const struct oom_event *ev, const struct ksyms *ks, const struct record_ctx *c);
int recorder__stall(struct recorder *w, const struct reclaim_stall_record *rec, const char *memcg,
		    const struct ksyms *ks, const struct record_ctx *c);
int recorder__reaped(struct recorder *w, const struct oom_reaped_record *rec,
		     const struct record_ctx *c);
/* A victim (thread tid, as the victims map held it in v) still there at look_ns, in /proc state state. */
int recorder__not_gone(struct recorder *w, __u32 tid, const struct victim_state *v, __u64 look_ns,
		       char state, const struct record_ctx *c);
int recorder__summary(struct recorder *w, const struct run_totals *s);
int recorder__unreconciled(struct recorder *w, const struct reconcile_diff *d,
			   const struct record_ctx *c);
/* The first write's -errno, or 0 (also for NULL). */
int recorder__error(const struct recorder *w);
void recorder__free(struct recorder *w);

/* One frame as read back. */
struct record_frame {
	enum frame_type type;
	long long offset; /* of the frame in the file */
	struct record_ctx ctx;
	union {
		struct oom_kill_record kill;
		struct reclaim_stall_record stall;
		struct oom_reaped_record reaped;
		/* the victims map's entry, when it was looked at, and its /proc state then */
		struct {
			__u32 tid;
			struct victim_state v;
			__u64 look_ns;
			unsigned int proc_state; /* a letter ('\0': not read): one-byte fields are flags */
		} not_gone;
	};
	/* kill: what user space read when it arrived */
	char memcg_path[EVENT_PATH_LEN];
	char cgroup_path[EVENT_PATH_LEN];
	bool have_state;
	struct memcg_state state;
	bool have_vm; /* the host's settings and commit (EV_HOST_VM) */
	struct vm_settings vm;
	long long committed_as_kb, commit_limit_kb;
	bool have_swap_hugetlb; /* read at arrival (tags 122-126) */
	struct swap_hugetlb swap_hugetlb;
	struct slab_cache slabs[SLAB_CACHES_MAX]; /* EV_SLABS when nr_slabs */
	unsigned int nr_slabs;
	struct proc_info next[RECORD_MAX_NEXT];
	size_t nr_next;
	bool next_truncated; /* older files: not truncated */
	bool have_enrich;    /* enrich was recorded (tag 117) */
	struct event_enrichment enrich;
	/* unreconciled: the difference, its memcg in memcg below */
	struct reconcile_diff unreconciled;
	/* stall: the task's memcg, if it was known; unreconciled: the memcg's path */
	bool have_memcg;
	char memcg[RECORD_PATH_LEN];
	/*
	 * summary: the run's totals (stats left NULL: they come from the
	 * records); kernel_why is NULL, and have_kernel_kills false in older files
	 */
	struct run_totals totals;
};

struct record_reader;

/* Read a recording from f; name is how messages call it. */
struct record_reader *record_reader__new(FILE *f, const char *name);
void record_reader__free(struct record_reader *rd);
/*
 * The next header, kill, stall, reaped or summary frame: 1, 0 at the
 * end, or -errno with record_reader__error() saying what is wrong and at
 * which byte.  Symbol frames are taken in here; unknown types skipped.
 */
int record_reader__next(struct record_reader *rd, struct record_frame *fr);
/* The header of the session being read. */
const struct record_header *record_reader__header(const struct record_reader *rd);
/* Symbols for the stacks read so far; NULL when there are none. */
const struct ksyms *record_reader__ksyms(struct record_reader *rd);
const char *record_reader__error(const struct record_reader *rd);
/*
 * Fields read so far whose tags this oomtrace does not know (a later one
 * wrote them): skipped.  And the tag revision that the writer of the
 * session being read names (0 for version 1, which names none).
 */
unsigned long long record_reader__unknown_fields(const struct record_reader *rd);
unsigned int record_reader__writer_tags(const struct record_reader *rd);

#endif
