/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where every source's kills go: enriched once per OOM event with what
 * only user space can read at arrival, counted, compared with the
 * kernel's counts, and written to every sink (--record, text or JSON,
 * metrics, the summary's per-memcg table).  One path for BPF, the kernel
 * log and replay alike; a source sets the sinks it has, NULL for the rest.
 */
#ifndef __OOMTRACE_PIPELINE_H
#define __OOMTRACE_PIPELINE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include "aftermath.h"
#include "event.h"
#include "host.h"
#include "options.h"
#include "output.h"

struct cgroups;
struct exporter;
struct ksyms;
struct oom_kill_record;
struct oom_reaped_record;
struct victim_state;
struct reclaim_stall_record;
struct procs_weigher;
struct reconcile;
struct recorder;
struct stats;

struct pipeline {
	/* sinks; NULL: none of that kind */
	FILE *out; /* text or JSON records, as fmt says */
	struct output_ctx fmt;
	bool quiet;	 /* count, but print nothing (report --summary) */
	bool flush_each; /* live: each record is flushed as it is written */
	long stall_ms;	 /* print reclaim stalls this long; -1: none */
	struct recorder *rec;
	struct exporter *exporter;
	struct stats *stats;
	struct reconcile *rc;
	/* enrichment at arrival: live sources only */
	bool enrich;
	struct cgroups *cgroups;
	const struct host_info *host;
	const struct procs_weigher *weigher; /* the next victims without /proc; NULL: none */
	/* what went through */
	unsigned long long kills, already_exiting;
	/* the last kill's event id, to tell a group's later victims; ids restart each session */
	unsigned long long last_event_id;
	bool have_last_event;
	int write_err; /* -errno of the first failed write of records to out */
};

/*
 * A pipeline writing records to out as opts ask (--json, --color), with
 * no other sink yet: the source adds the ones it has.
 */
void pipeline__init(struct pipeline *p, FILE *out, const struct options *opts);

/* How a kill arrived: its wall-clock time (NULL: not known) and the drops so far. */
struct kill_arrival {
	const struct timespec *when;
	unsigned long long dropped;
	const struct marked_tids *marked; /* victims not to rank next; NULL: none known */
	long long rank_budget_ns;	  /* the ranking's CPU time at most; 0: the default */
	/* the BPF record behind ev, for --record's version 1 frames */
	const struct oom_kill_record *raw;
	const struct ksyms *ksyms;
};

/*
 * One kill through every sink; ev gains its enrichment.  0, or -errno of
 * a failed write (recorder or out), which ends the run.
 */
int pipeline__kill(struct pipeline *p, struct oom_event *ev, const struct kill_arrival *a);
/* How a victim's end arrived. */
struct reap_arrival {
	const struct timespec *when; /* NULL: not known */
	unsigned long long dropped;
	const struct oom_reaped_record *raw; /* the BPF record behind ev, for --record */
	/* a late word (ev->not_gone): the victims map's entry behind it, for --record */
	const struct victim_state *late;
};

/* A victim's end through the sinks that tell it: --record, text or JSON. */
int pipeline__reaped(struct pipeline *p, const struct reap_event *ev,
		     const struct reap_arrival *a);
/* How a reclaim stall arrived. */
struct stall_arrival {
	const struct timespec *when; /* NULL: not known */
	unsigned long long dropped;
	const struct reclaim_stall_record *raw; /* the BPF record behind ev, for --record */
	const struct ksyms *ksyms;
};

/*
 * A closed reclaim episode through --record, and through text or JSON
 * when it stalled stall_ms or longer.  The summary and the metrics count
 * episodes apart (the kernel's totals live, the file's in a replay).
 */
int pipeline__stall(struct pipeline *p, const struct stall_event *ev,
		    const struct stall_arrival *a);
/* A new session of a recording: its event ids start again. */
void pipeline__new_session(struct pipeline *p);
/* Flush out after a record: a reader that went away stops the run. */
int pipeline__flush(struct pipeline *p);

#endif
