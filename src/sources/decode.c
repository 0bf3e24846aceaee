// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "cgpath.h"
#include "decode.h"
#include "gfp.h"

const char *decode__hook_name(unsigned int hook)
{
	switch (hook) {
	case HOOK_FENTRY: return "fentry";
	case HOOK_KPROBE: return "kprobe";
	case HOOK_TRACEPOINT: return "tracepoint";
	default: return "unknown";
	}
}

const char *decode__constraint_name(unsigned int constraint)
{
	switch (constraint) {
	case OOMT_CONSTRAINT_NONE: return "NONE";
	case OOMT_CONSTRAINT_CPUSET: return "CPUSET";
	case OOMT_CONSTRAINT_MEMORY_POLICY: return "MEMORY_POLICY";
	case OOMT_CONSTRAINT_MEMCG: return "MEMCG";
	default: return NULL;
	}
}

const char *decode__episode_end_name(unsigned int end)
{
	switch (end) {
	case EPISODE_IDLE: return "idle";
	case EPISODE_MAX_AGE: return "max_age";
	case EPISODE_OOM_KILL: return "oom_kill";
	case EPISODE_EXIT: return "exit";
	default: return "unknown";
	}
}

const char *decode__reaper_name(unsigned int state)
{
	switch (state) {
	case REAPER_NONE: return "none";
	case REAPER_STARTED: return "started";
	case REAPER_FINISHED: return "finished";
	case REAPER_SKIPPED: return "skipped";
	default: return "unknown";
	}
}

/*
 * try_to_free_mem_cgroup_pages() rewrites the placement bits; what it keeps,
 * for a page-fault charge, is the GFP_KERNEL the kernel's report prints.
 */
unsigned int decode__request_gfp(const struct gfp_table *gfp, unsigned int mask, bool memcg_reclaim)
{
	return memcg_reclaim ? mask & gfp_table__reclaim_mask(gfp) : mask;
}

struct event_host decode__event_host(const struct host_info *host)
{
	return (struct event_host){
		.known = true,
		.page_size = host->page_size,
		.totalram_pages = host->totalram_pages,
		.total_swap_pages = host->total_swap_pages,
	};
}

static void decode_paths(struct oom_event *ev, const struct oom_kill_record *rec)
{
	int trunc = !!(rec->flags & KILL_CG_TRUNCATED);

	if (!rec->cg_depth)
		return;
	cgpath__join(rec->cg_names, rec->cg_depth, 0, trunc, ev->cgroup_path,
		     sizeof(ev->cgroup_path));
	if ((rec->flags & KILL_HAVE_MEMCG) &&
	    cgpath__join(rec->cg_names, rec->cg_depth, rec->memcg_level, trunc, ev->memcg.path,
			 sizeof(ev->memcg.path)) >= 0)
		ev->known |= EV_MEMCG;
}

static void decode_gfp(struct oom_event *ev, const struct oom_kill_record *rec,
		       const struct gfp_table *gfp)
{
	if (!(rec->flags & KILL_HAVE_GFP))
		return;
	ev->known |= EV_GFP | EV_GFP_NAMES;
	ev->gfp.mask = rec->gfp_mask;
	ev->gfp.order = rec->order;
	ev->gfp.of_reclaim = rec->flags & KILL_GFP_FROM_RECLAIM;
	ev->gfp.seen = ~0u;
	if (!ev->gfp.of_reclaim) {
		ev->gfp.source = "oom_control";
	} else if (rec->flags & KILL_GFP_FROM_MEMCG) {
		ev->gfp.source = "memcg_reclaim";
		ev->gfp.mask = decode__request_gfp(gfp, rec->gfp_mask, true);
		/* a page-table charge's __GFP_ACCOUNT|__GFP_ZERO never reach reclaim */
		ev->gfp.seen = gfp_table__reclaim_mask(gfp);
	} else {
		ev->gfp.source = "direct_reclaim";
	}
}

static void decode_victim(struct oom_event *ev, const struct oom_kill_record *rec,
			  unsigned long kbpp)
{
	ev->victim.pid = rec->victim_pid;
	ev->victim.tid = rec->victim_tid;
	if (!(rec->flags & KILL_HAVE_VICTIM))
		return;
	ev->known |= EV_VICTIM | EV_UID | EV_ADJ | EV_VM | EV_ANON | EV_FILE | EV_SHMEM | EV_SWAP |
		     EV_PGTABLES;
	memcpy(ev->victim.comm, rec->victim_comm, sizeof(ev->victim.comm));
	ev->victim.comm[sizeof(ev->victim.comm) - 1] = '\0';
	ev->victim.uid = rec->victim_uid;
	ev->victim.oom_score_adj = rec->oom_score_adj;
	ev->victim.total_vm_kb = rec->total_vm_pages * kbpp;
	ev->victim.anon_kb = rec->anon_pages * kbpp;
	ev->victim.file_kb = rec->file_pages * kbpp;
	ev->victim.shmem_kb = rec->shmem_pages * kbpp;
	ev->victim.swap_kb = rec->swap_pages * kbpp;
	ev->victim.pgtables_kb = rec->pgtables_bytes / 1024;
}

static void decode_invoker(struct oom_event *ev, const struct oom_kill_record *rec)
{
	ev->known |= EV_INVOKER | EV_INVOKER_PID;
	ev->invoker.pid = rec->invoker_pid;
	ev->invoker.tid = rec->invoker_tid;
	memcpy(ev->invoker.comm, rec->invoker_comm, sizeof(ev->invoker.comm));
	ev->invoker.comm[sizeof(ev->invoker.comm) - 1] = '\0';
	if (rec->flags & KILL_HAVE_INVOKER_ADJ) {
		ev->known |= EV_INVOKER_ADJ;
		ev->invoker.oom_score_adj = rec->invoker_oom_score_adj;
	}
}

static void decode_memcg(struct oom_event *ev, const struct oom_kill_record *rec,
			 unsigned long kbpp)
{
	if (!(rec->flags & KILL_HAVE_MEMCG))
		return;
	ev->known |= EV_MEMCG_USAGE | EV_MEMCG_SWAP | EV_CGROUP_VERSION;
	ev->memcg.id = rec->memcg_id;
	ev->memcg.usage_kb = rec->memcg_usage_pages * kbpp;
	ev->memcg.limit_kb = rec->memcg_max_pages * kbpp;
	ev->memcg.swap_limit_kb = rec->memcg_swap_max_pages * kbpp;
	ev->memcg.is_v1 = rec->memcg_is_v1;
}

static void decode_reclaim(struct oom_event *ev, const struct oom_kill_record *rec)
{
	const struct reclaim_episode *ep = &rec->episode;

	ev->known |= EV_RECLAIM;
	ev->have_reclaim = rec->have_episode;
	if (!ev->have_reclaim)
		return;
	ev->reclaim = (struct event_reclaim){
		.passes = ep->passes,
		.stall_ns = ep->stall_ns,
		.scanned = ep->scanned,
		.reclaimed = ep->reclaimed,
		.first_ns_before_kill = rec->ktime_ns - ep->first_ns,
		.kswapd_wakes = rec->kswapd_wakes - ep->kswapd_wakes,
	};
}

_Static_assert((int)NODE_COUNTERS == (int)OOMT_NODE_STATS, "one event counter for each BPF one");
_Static_assert(EVENT_MAX_NODES >= OOMT_MAX_NODES && EVENT_MAX_ZONES >= OOMT_MAX_ZONES &&
		       EVENT_MAX_ZONE_TYPES >= OOMT_MAX_ZONE_TYPES,
	       "room for every node and zone BPF reads");

/* The nodes' and zones' memory at the kill; watermarks with their boost, as the kernel prints them. */
static void decode_node_mem(struct oom_event *ev, const struct oom_kill_record *rec,
			    unsigned long kbpp)
{
	const struct oomt_node_memory *nm = &rec->node_mem;

	if (!(rec->flags & KILL_HAVE_NODE_MEM))
		return;
	ev->known |= EV_NODE_MEM;
	ev->node_mem_read = "at_kill";
	for (unsigned int i = 0; i < nm->nr_nodes && i < OOMT_MAX_NODES; i++) {
		struct event_node *n = &ev->nodes[ev->nr_nodes];

		if (!nm->nodes[i].present)
			continue;
		n->node = nm->nodes[i].node;
		n->known = nm->stats_known;
		for (int s = 0; s < NODE_COUNTERS; s++)
			n->kb[s] = nm->nodes[i].stat[s] * kbpp;
		ev->nr_nodes++;
	}
	for (unsigned int i = 0; i < nm->nr_zones && i < OOMT_MAX_ZONES; i++) {
		const struct oomt_zone_mem *zm = &nm->zones[i];
		struct event_zone *z = &ev->zones[ev->nr_zones++];

		z->node = zm->node;
		memcpy(z->name, zm->name, sizeof(zm->name));
		z->name[sizeof(zm->name) - 1] = '\0';
		z->free_kb = zm->free * kbpp;
		z->min_kb = (zm->watermark[0] + zm->boost) * kbpp;
		z->low_kb = (zm->watermark[1] + zm->boost) * kbpp;
		z->high_kb = (zm->watermark[2] + zm->boost) * kbpp;
		z->boost_kb = zm->boost * kbpp;
		z->have_boost = true;
		z->present_kb = zm->present * kbpp;
		z->managed_kb = zm->managed * kbpp;
		z->nr_reserve = nm->nr_zone_types < OOMT_MAX_ZONE_TYPES ? nm->nr_zone_types
								       : OOMT_MAX_ZONE_TYPES;
		for (int t = 0; t < OOMT_MAX_ZONE_TYPES; t++)
			z->lowmem_reserve[t] = zm->lowmem_reserve[t];
	}
	ev->zones_truncated = nm->zones_truncated;
}

/* A zone's name as the record's zones name it, by node and zone index */
static void retry_zone_name(const struct oom_kill_record *rec, const struct oomt_retry_zone *rz,
			    char *name, size_t size)
{
	const struct oomt_node_memory *nm = &rec->node_mem;

	snprintf(name, size, "zone %u", rz->zone_idx);
	if (!(rec->flags & KILL_HAVE_NODE_MEM))
		return;
	/* any node's zone of that index has its name */
	for (unsigned int i = 0; i < nm->nr_zones && i < OOMT_MAX_ZONES; i++)
		if (nm->zones[i].zone == rz->zone_idx) {
			snprintf(name, size, "%.*s", (int)sizeof(nm->zones[i].name), nm->zones[i].name);
			return;
		}
}

static void decode_retry(struct oom_event *ev, const struct oom_kill_record *rec,
			 unsigned long kbpp)
{
	const struct oomt_alloc_retry *r = &rec->retry;
	struct event_retry *er = &ev->retry;

	if (!(rec->flags & KILL_HAVE_RETRY) || !r->checks)
		return;
	ev->known |= EV_RETRY;
	er->checks = r->checks;
	er->order = r->order;
	er->span_us = r->last_ns > r->first_ns ? (r->last_ns - r->first_ns) / 1000 : 0;
	er->nr_zones = 0;
	for (unsigned int i = 0; i < r->nr_zones && i < OOMT_RETRY_ZONES && i < EVENT_RETRY_ZONES; i++) {
		const struct oomt_retry_zone *rz = &r->zones[i];
		struct event_retry_zone *z = &er->zones[er->nr_zones++];

		z->node = rz->node;
		retry_zone_name(rec, rz, z->zone, sizeof(z->zone));
		z->reclaimable_kb = rz->reclaimable * kbpp;
		z->available_kb = rz->available * kbpp;
		z->min_kb = rz->min_wmark * kbpp;
		z->no_progress_loops = rz->no_progress_loops;
		z->above_min = rz->wmark_check;
	}
	er->compactions = r->compactions;
	er->compact_retries = r->compact_retries;
	er->compact_max_retries = r->compact_max_retries;
	er->compact_would_retry = r->compact_ret;
}

static void decode_stack(struct oom_event *ev, const struct oom_kill_record *rec)
{
	int n = rec->kstack_len > 0 ? rec->kstack_len / (int)sizeof(rec->kstack[0]) : 0;

	ev->known |= EV_STACK;
	ev->nr_stack = n < EVENT_MAX_STACK ? n : EVENT_MAX_STACK;
	ev->stack_error = rec->kstack_len < 0 ? rec->kstack_len : 0;
	for (int i = 0; i < ev->nr_stack; i++)
		ev->stack[i] = rec->kstack[i];
}

void decode__node_list(const unsigned long long *words, int nwords, char *buf, size_t size)
{
	int nbits = nwords * 64, n = 0;

	buf[0] = '\0';
	for (int b = 0; b < nbits; b++) {
		int e = b;

		if (!(words[b / 64] >> (b % 64) & 1))
			continue;
		while (e + 1 < nbits && (words[(e + 1) / 64] >> ((e + 1) % 64) & 1))
			e++;
		if (n >= 0 && (size_t)n < size)
			n += e > b ? snprintf(buf + n, size - n, "%s%d-%d", n ? "," : "", b, e)
				   : snprintf(buf + n, size - n, "%s%d", n ? "," : "", b);
		b = e;
	}
}

/*
 * The oom-kill: line's nodes.  A mask holds the first 64 x OOMT_NODE_WORDS
 * nodes: on a machine with more possible nodes it could leave some out,
 * so there it says nothing.
 */
static void decode_nodes_allowed(struct oom_event *ev, const struct oom_kill_record *rec,
				 const struct host_info *host)
{
	const unsigned long long *w;

	if (host->possible_nodes > 64 * OOMT_NODE_WORDS)
		return;
	if (rec->flags & KILL_HAVE_NODEMASK) {
		ev->nodes_allowed.have_nodemask = true;
		ev->nodes_allowed.nodemask_any = rec->flags & KILL_NODEMASK_ANY;
		w = (const unsigned long long *)rec->nodemask;
		if (!ev->nodes_allowed.nodemask_any)
			decode__node_list(w, OOMT_NODE_WORDS, ev->nodes_allowed.nodemask,
					  sizeof(ev->nodes_allowed.nodemask));
	}
	if (rec->flags & KILL_HAVE_CPUSET) {
		ev->nodes_allowed.have_cpuset = true;
		if (rec->flags & KILL_CPUSET_ROOT)
			snprintf(ev->nodes_allowed.cpuset, sizeof(ev->nodes_allowed.cpuset), "/");
		else
			snprintf(ev->nodes_allowed.cpuset, sizeof(ev->nodes_allowed.cpuset), "%.*s",
				 (int)sizeof(rec->cpuset), rec->cpuset);
		w = (const unsigned long long *)rec->mems_allowed;
		decode__node_list(w, OOMT_NODE_WORDS, ev->nodes_allowed.mems_allowed,
				  sizeof(ev->nodes_allowed.mems_allowed));
	}
}

void decode__kill(struct oom_event *ev, const struct oom_kill_record *rec,
		  const struct host_info *host, const struct gfp_table *gfp)
{
	unsigned long kbpp = host->page_size / 1024;
	struct event_host eh = decode__event_host(host);

	memset(ev, 0, sizeof(*ev));
	ev->source = "bpf";
	ev->hook = decode__hook_name(rec->hook);
	ev->known = EV_KTIME;
	ev->ktime_ns = rec->ktime_ns;
	ev->event_id = rec->event_id;
	ev->already_exiting = rec->flags & KILL_ALREADY_EXITING;
	ev->constraint = decode__constraint_name(rec->constraint);
	/*
	 * With one NUMA node only a memcg can constrain an OOM, and direct
	 * reclaim before it says none did; without that, it may have been a
	 * memcg OOM whose reclaim story was lost: say nothing.
	 */
	if (!ev->constraint && host->single_node && (rec->flags & KILL_AFTER_DIRECT_RECLAIM))
		ev->constraint = "NONE";
	decode_invoker(ev, rec);
	decode_gfp(ev, rec, gfp);
	decode_victim(ev, rec, kbpp);
	decode_paths(ev, rec);
	decode_memcg(ev, rec, kbpp);
	if (ev->cgroup_path[0] && container__parse(ev->cgroup_path, &ev->container))
		ev->known |= EV_CONTAINER;
	decode_reclaim(ev, rec);
	decode_stack(ev, rec);
	decode_node_mem(ev, rec, kbpp);
	decode_retry(ev, rec, kbpp);
	decode_nodes_allowed(ev, rec, host);
	if (rec->flags & KILL_HAVE_OC) {
		ev->totalpages = rec->totalpages;
		ev->totalpages_origin = ORIGIN_KERNEL;
		ev->known |= EV_TOTALPAGES;
	}
	/* chosen_points are oc->chosen's: other group members' are computed */
	if (rec->flags & KILL_POINTS_FROM_OC) {
		ev->points = rec->chosen_points;
		ev->points_origin = ORIGIN_KERNEL;
		ev->known |= EV_POINTS;
	}
	event__derive(ev, &eh);
}

static const char *reclaim_kinds_name(unsigned int kinds)
{
	switch (kinds & (RECLAIM_DIRECT | RECLAIM_MEMCG)) {
	case RECLAIM_DIRECT: return "direct";
	case RECLAIM_MEMCG: return "memcg";
	case RECLAIM_DIRECT | RECLAIM_MEMCG: return "direct+memcg";
	default: return "none";
	}
}

void decode__stall(struct stall_event *ev, const struct reclaim_stall_record *rec,
		   const char *memcg, const struct gfp_table *gfp)
{
	const struct reclaim_episode *ep = &rec->ep;
	int n = ep->kstack_len > 0 ? ep->kstack_len / (int)sizeof(ep->kstack[0]) : 0;

	memset(ev, 0, sizeof(*ev));
	ev->source = "bpf";
	ev->first_ns = ep->first_ns;
	ev->span_ns = ep->last_end_ns > ep->first_ns ? ep->last_end_ns - ep->first_ns : 0;
	ev->stall_ns = ep->stall_ns;
	ev->passes = ep->passes;
	ev->scanned = ep->scanned;
	ev->reclaimed = ep->reclaimed;
	ev->pid = ep->pid;
	ev->tid = ep->tid;
	memcpy(ev->comm, ep->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	ev->memcg_id = ep->memcg_id;
	ev->memcg = memcg;
	ev->kind = reclaim_kinds_name(ep->kinds);
	ev->gfp_mask = decode__request_gfp(gfp, ep->gfp_mask, ep->last_kind == RECLAIM_MEMCG);
	ev->order = ep->order;
	ev->ended = decode__episode_end_name(rec->end);
	ev->nr_stack = n < EVENT_MAX_STACK ? n : EVENT_MAX_STACK;
	ev->stack_error = ep->kstack_len < 0 ? ep->kstack_len : 0;
	for (int i = 0; i < ev->nr_stack; i++)
		ev->stack[i] = ep->kstack[i];
}

void decode__not_gone(struct reap_event *ev, __u32 tid, const struct victim_state *v,
		      __u64 now_ns, char state)
{
	memset(ev, 0, sizeof(*ev));
	ev->known = REAP_EVENT | REAP_KTIME | REAP_TIME;
	ev->source = "bpf";
	ev->event_id = v->event_id;
	ev->ktime_ns = now_ns;
	ev->pid = v->pid;
	ev->tid = tid;
	memcpy(ev->comm, v->comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	ev->reaper = decode__reaper_name(v->reaper);
	ev->reaped = v->reaper == REAPER_FINISHED || v->reaper == REAPER_SKIPPED;
	ev->reap_ns = ev->reaped && v->reap_end_ns > v->kill_ns ? v->reap_end_ns - v->kill_ns : 0;
	ev->not_gone = true;
	ev->since_ns = now_ns > v->kill_ns ? now_ns - v->kill_ns : 0;
	ev->state = state;
}

void decode__reaped(struct reap_event *ev, const struct oom_reaped_record *rec)
{
	memset(ev, 0, sizeof(*ev));
	ev->known = REAP_EVENT | REAP_KTIME | REAP_EXIT | REAP_TIME;
	ev->source = "bpf";
	ev->event_id = rec->event_id;
	ev->ktime_ns = rec->exit_ns;
	ev->pid = rec->victim_pid;
	ev->tid = rec->victim_tid;
	memcpy(ev->comm, rec->victim_comm, sizeof(ev->comm));
	ev->comm[sizeof(ev->comm) - 1] = '\0';
	ev->reaper = decode__reaper_name(rec->reaper);
	ev->reaped = rec->reaper == REAPER_FINISHED || rec->reaper == REAPER_SKIPPED;
	ev->reap_ns = ev->reaped ? rec->reap_end_ns - rec->kill_ns : 0;
	ev->exit_ns = rec->exit_ns - rec->kill_ns;
}
