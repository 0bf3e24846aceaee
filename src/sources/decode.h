/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The BPF source's records (bpf/oomtrace.h) into source-neutral events
 * (event.h): the one place outside bpf/ that reads their layout.
 */
#ifndef __OOMTRACE_DECODE_H
#define __OOMTRACE_DECODE_H

#include <stdbool.h>
#include "oomtrace.h"
#include "event.h"
#include "host.h"

struct gfp_table;

/*
 * rec, from a kernel whose machine is host, into ev: what BPF read, what
 * the record's flags say of it, and what follows from both (points,
 * totalpages, the constraint on one NUMA node).
 */
void decode__kill(struct oom_event *ev, const struct oom_kill_record *rec,
		  const struct host_info *host, const struct gfp_table *gfp);
/* A closed reclaim episode into ev; memcg is its memcg's path (NULL: not known). */
void decode__stall(struct stall_event *ev, const struct reclaim_stall_record *rec,
		   const char *memcg, const struct gfp_table *gfp);
/* A victim's exit record into ev. */
void decode__reaped(struct reap_event *ev, const struct oom_reaped_record *rec);
/*
 * A victim the kernel marked (tid, in the victims map as v) and that had
 * not exited at now_ns, when /proc gave state ('\0': not read), into ev.
 */
void decode__not_gone(struct reap_event *ev, __u32 tid, const struct victim_state *v,
		      __u64 now_ns, char state);
/* The facts event__derive() takes, from a host_info. */
struct event_host decode__event_host(const struct host_info *host);
/*
 * The request's gfp as a reclaim pass saw it.  Memcg reclaim rewrites the
 * placement bits to GFP_HIGHUSER_MOVABLE's: keep only those it took from
 * the request.
 */
unsigned int decode__request_gfp(const struct gfp_table *gfp, unsigned int mask,
				 bool memcg_reclaim);
const char *decode__episode_end_name(unsigned int end);
const char *decode__reaper_name(unsigned int state);
const char *decode__hook_name(unsigned int hook);
const char *decode__constraint_name(unsigned int constraint);
/* A node mask as the kernel prints one (%*pbl): "0-1,3", "" for none set. */
void decode__node_list(const unsigned long long *words, int nwords, char *buf, size_t size);

#endif
