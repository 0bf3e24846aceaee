// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include "verdict.h"

static unsigned int pct(unsigned long long part, unsigned long long whole)
{
	return whole ? (unsigned int)(part * 100 / whole) : 0;
}

/* a part of the memory split, 0 when it was not read */
static unsigned long long known_kb(long long kb)
{
	return kb > 0 ? (unsigned long long)kb : 0;
}

/* The zone furthest below its min watermark, and how many are below it. */
static const struct event_zone *lowest_zone(const struct oom_event *ev, int *below)
{
	const struct event_zone *worst = NULL;

	*below = 0;
	for (int i = 0; i < ev->nr_zones; i++) {
		const struct event_zone *z = &ev->zones[i];

		if (z->free_kb >= z->min_kb)
			continue;
		(*below)++;
		/* free/min smallest: compared as products, no division */
		if (!worst || z->free_kb * worst->min_kb < worst->free_kb * z->min_kb)
			worst = z;
	}
	return worst;
}

static void derive_limit(const struct oom_event *ev, struct verdict *v)
{
	const char *c = ev->constraint;
	bool constrained = c && (!strcmp(c, "CPUSET") || !strcmp(c, "MEMORY_POLICY"));
	const struct event_zone *z = NULL;
	char zone[96] = "";
	int below = 0;

	/* the kernel's own OOM killer, asked for by hand (moom_callback() passes order -1) */
	if (event__has(ev, EV_GFP) && ev->gfp.order == -1 && !event__has(ev, EV_MEMCG)) {
		v->limit_rule = LIMIT_MANUAL;
		snprintf(v->limit, sizeof(v->limit),
			 "no limit: the OOM killer was invoked by hand (sysrq f, order -1)");
		return;
	}
	if (event__has(ev, EV_MEMCG)) {
		v->limit_rule = LIMIT_MEMCG;
		if (event__has(ev, EV_MEMCG_USAGE))
			snprintf(v->limit, sizeof(v->limit), "memcg %.100s at its limit (%llu of %llu kB)",
				 ev->memcg.path, ev->memcg.usage_kb, ev->memcg.limit_kb);
		else
			snprintf(v->limit, sizeof(v->limit), "memcg %.140s at its limit",
				 ev->memcg.path);
		return;
	}
	if (event__has(ev, EV_NODE_MEM))
		z = lowest_zone(ev, &below);
	if (z)
		snprintf(zone, sizeof(zone), "node %u %s below its min watermark (free %llu of %llu kB)%s",
			 z->node, z->name, z->free_kb, z->min_kb, below > 1 ? ", and more" : "");
	if (constrained) {
		const typeof(ev->nodes_allowed) *n = &ev->nodes_allowed;
		bool cpuset = !strcmp(c, "CPUSET");
		char which[EVENT_CPUSET_LEN + EVENT_NODES_LEN + 32] = "";

		/* the nodes, where the record has them: the cpuset's, or the policy's mask */
		if (cpuset && n->have_cpuset)
			snprintf(which, sizeof(which), " %.100s (nodes %.60s)", n->cpuset,
				 n->mems_allowed);
		else if (!cpuset && n->have_nodemask && !n->nodemask_any)
			snprintf(which, sizeof(which), " (nodes %.60s)", n->nodemask);
		v->limit_rule = LIMIT_CONSTRAINED;
		snprintf(v->limit, sizeof(v->limit), "the nodes its %s%s allows%s%s",
			 cpuset ? "cpuset" : "memory policy", which, z ? ": " : "", zone);
	} else if (z) {
		v->limit_rule = LIMIT_ZONE_MIN;
		snprintf(v->limit, sizeof(v->limit), "the machine's memory: %s", zone);
	} else if (event__has(ev, EV_NODE_MEM) || (c && !strcmp(c, "NONE"))) {
		v->limit_rule = LIMIT_MACHINE;
		snprintf(v->limit, sizeof(v->limit), "the machine's memory, no memcg at its limit");
	} else {
		v->limit_rule = LIMIT_UNKNOWN;
		snprintf(v->limit, sizeof(v->limit),
			 "which limit was hit is not known: no memcg at its limit, and the machine's "
			 "memory not read");
	}
}

/* The memcg allowed no swap: v2 swap.max 0, or v1 memsw's limit no more than memory's. */
static bool memcg_without_swap(const struct oom_event *ev)
{
	if (!event__has(ev, EV_MEMCG_SWAP | EV_MEMCG_USAGE))
		return false;
	return ev->memcg.is_v1 ? ev->memcg.swap_limit_kb <= ev->memcg.limit_kb
			       : ev->memcg.swap_limit_kb == 0;
}

static void derive_filled_memcg(const struct oom_event *ev, struct verdict *v)
{
	unsigned long long limit = ev->memcg.limit_kb;
	const char *swap = memcg_without_swap(ev) ? ", and no swap allowed" : "";
	struct memcg_split m;

	/*
	 * Its anon memory only: it is charged where it was faulted, this
	 * memcg, where file pages it maps may be charged to another.
	 */
	if (event__has(ev, EV_MEMCG_USAGE | EV_VICTIM | EV_ANON) && limit &&
	    ev->victim.anon_kb * 2 >= limit && ev->victim.anon_kb <= limit) {
		v->filled_rule = FILLED_VICTIM;
		snprintf(v->filled, sizeof(v->filled), "the victim's own anon memory, %u%% of the limit%s",
			 pct(ev->victim.anon_kb, limit), swap);
		return;
	}
	if (event__memcg_split(ev, &m) && m.kb[MEMCG_PART_ANON] >= 0) {
		int best = 0;
		char kind[32], *c;

		/* sock too: a v2 memcg's network buffers count against its limit */
		for (int i = 1; i < MEMCG_PARTS; i++)
			if (m.kb[i] > m.kb[best])
				best = i;
		snprintf(kind, sizeof(kind), "%s", event__memcg_part_name(best));
		for (c = kind; (c = strchr(c, '_'));)
			*c = ' ';
		v->filled_rule = FILLED_MEMCG_STATE;
		snprintf(v->filled, sizeof(v->filled), "%s %u%% of the limit (%s)%s", kind,
			 pct(m.kb[best], limit),
			 ev->memcg.state_from_log ? "at the kill, from the kernel log" : "read at arrival",
			 swap);
		return;
	}
	v->filled_rule = FILLED_UNKNOWN;
	snprintf(v->filled, sizeof(v->filled),
		 "what filled it is not known: neither the victim's memory nor the memcg's state "
		 "was read");
}

static void derive_filled_machine(const struct oom_event *ev, struct verdict *v)
{
	static const struct {
		const char *name;
		int parts[2];
	} kinds[] = {
		{ "anon", { PART_ANON, -1 } },
		{ "page cache", { PART_PAGE_CACHE, -1 } },
		{ "shmem/tmpfs", { PART_SHMEM, -1 } },
		{ "slab", { PART_SLAB_RECLAIMABLE, PART_SLAB_UNRECLAIMABLE } },
		{ "kernel stacks and page tables", { PART_KERNEL, -1 } },
		{ "the hugetlb pools", { PART_HUGETLB, -1 } },
	};
	unsigned long long size[6] = { 0 }, ram;
	struct memory_split m;
	int best = 0;

	if (!event__memory_split(ev, &m) || m.ram_kb <= 0 || m.kb[PART_ANON] < 0) {
		v->filled_rule = FILLED_UNKNOWN;
		snprintf(v->filled, sizeof(v->filled),
			 "what filled it is not known: the machine's memory was not read");
		return;
	}
	ram = m.ram_kb;
	if (event__slab_over_lru(ev)) {
		v->filled_rule = FILLED_SLAB;
		snprintf(v->filled, sizeof(v->filled),
			 "unreclaimable slab %u%% of RAM: kernel memory, not a process's",
			 pct(m.kb[PART_SLAB_UNRECLAIMABLE], ram));
		return;
	}
	for (int i = 0; i < 6; i++) {
		for (int c = 0; c < 2 && kinds[i].parts[c] >= 0; c++)
			size[i] += known_kb(m.kb[kinds[i].parts[c]]);
		if (size[i] > size[best])
			best = i;
	}
	v->filled_rule = FILLED_LARGEST;
	snprintf(v->filled, sizeof(v->filled), "%s %u%% of RAM, the largest kind (free %u%%)",
		 kinds[best].name, pct(size[best], ram), pct(known_kb(m.kb[PART_FREE]), ram));
}

static void derive_victim(const struct oom_event *ev, struct verdict *v)
{
	if (ev->already_exiting) {
		v->victim_rule = VICTIM_EXITING;
		snprintf(v->victim, sizeof(v->victim),
			 "the victim was already exiting: marked, not killed");
	} else if (ev->later_in_event) {
		v->victim_rule = VICTIM_GROUP;
		snprintf(v->victim, sizeof(v->victim),
			 "killed with the rest of its memory.oom.group, after the OOM's first victim");
	} else if (event__has(ev, EV_NEXT) && ev->nr_next == 0) {
		v->victim_rule = VICTIM_ONLY;
		snprintf(v->victim, sizeof(v->victim), "killed as the only candidate left");
	} else if (event__has(ev, EV_ADJ | EV_POINTS) && ev->victim.oom_score_adj > 0) {
		v->victim_rule = VICTIM_ADJ;
		snprintf(v->victim, sizeof(v->victim),
			 "killed for the highest points (%ld), raised by its oom_score_adj %d",
			 ev->points, ev->victim.oom_score_adj);
	} else if (event__has(ev, EV_POINTS)) {
		v->victim_rule = VICTIM_HIGHEST;
		if (event__has(ev, EV_NEXT) && ev->nr_next)
			snprintf(v->victim, sizeof(v->victim),
				 "killed for the highest points (%ld; next %.32s, pid %d, %ld)",
				 ev->points, ev->next[0].comm, ev->next[0].pid, ev->next[0].points);
		else
			snprintf(v->victim, sizeof(v->victim), "killed for the highest points (%ld)",
				 ev->points);
	} else {
		v->victim_rule = VICTIM_UNKNOWN;
		snprintf(v->victim, sizeof(v->victim),
			 "why this victim is not known: its points were not read");
	}
}

void verdict__derive(const struct oom_event *ev, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	derive_limit(ev, v);
	if (event__has(ev, EV_MEMCG))
		derive_filled_memcg(ev, v);
	else
		derive_filled_machine(ev, v);
	derive_victim(ev, v);
}

/* ", and it exited N ms after the kill", where the exit was seen */
static void exit_clause(const struct reap_event *ev, char *buf, size_t size)
{
	if (ev->known & REAP_EXIT)
		snprintf(buf, size, "; it exited %.1f ms after the kill", ev->exit_ns / 1e6);
	else
		snprintf(buf, size, "; its exit was not seen");
}

/* /proc's state letters (fs/proc/array.c) in words */
static const char *state_words(char state)
{
	switch (state) {
	case 'R':
		return "it is running";
	case 'S':
		return "it is sleeping";
	case 'D':
		return "it is in uninterruptible sleep (D)";
	case 'T':
		return "it is stopped";
	case 't':
		return "it is stopped by its tracer";
	case 'Z':
		return "it is a zombie";
	case '\0':
		return "its state was not read";
	default:
		return "it is in another state";
	}
}

/* Still there: how long after the kill, in what state, and what the reaper had done by then */
static void not_gone(const struct reap_event *ev, struct verdict_after *v)
{
	const char *reaper = ev->reaper ?: "";
	char did[96];

	if (!strcmp(reaper, "finished") && (ev->known & REAP_TIME))
		snprintf(did, sizeof(did), "the oom_reaper freed its memory %.1f ms after the kill",
			 ev->reap_ns / 1e6);
	else if (!strcmp(reaper, "finished"))
		snprintf(did, sizeof(did), "the oom_reaper freed its memory");
	else if (!strcmp(reaper, "skipped"))
		snprintf(did, sizeof(did), "the oom_reaper could not take its mm lock and gave up on it");
	else if (!strcmp(reaper, "started"))
		snprintf(did, sizeof(did), "the oom_reaper started on it");
	else
		snprintf(did, sizeof(did), "the oom_reaper has not acted on it");
	v->rule = FOLLOWED_NOT_GONE;
	snprintf(v->text, sizeof(v->text), "still not gone %.1f s after the kill: %s; %s",
		 ev->since_ns / 1e9, state_words(ev->state), did);
}

void verdict__followed(const struct reap_event *ev, struct verdict_after *v)
{
	bool exited = ev->known & REAP_EXIT, timed = ev->reaped && (ev->known & REAP_TIME);
	const char *reaper = ev->reaper ?: "";
	char freed[48] = "", exit[64];

	memset(v, 0, sizeof(*v));
	if (ev->not_gone) {
		not_gone(ev, v);
		return;
	}
	exit_clause(ev, exit, sizeof(exit));
	if (ev->known & REAP_KB)
		snprintf(freed, sizeof(freed), " (%llu kB)", ev->reaped_kb);
	if (!strcmp(reaper, "finished")) {
		v->rule = FOLLOWED_REAPED;
		if (timed)
			snprintf(v->text, sizeof(v->text),
				 "the oom_reaper freed its memory%s %.1f ms after the kill%s", freed,
				 ev->reap_ns / 1e6, exit);
		else
			snprintf(v->text, sizeof(v->text), "the oom_reaper freed its memory%s%s",
				 freed, exit);
	} else if (!strcmp(reaper, "skipped")) {
		v->rule = FOLLOWED_REAPER_SKIPPED;
		snprintf(v->text, sizeof(v->text),
			 "the oom_reaper could not take its mm lock and gave up on it%s", exit);
	} else if (!strcmp(reaper, "none") && exited) {
		v->rule = FOLLOWED_EXITED;
		snprintf(v->text, sizeof(v->text),
			 "it exited on its own %.1f ms after the kill, before the oom_reaper acted",
			 ev->exit_ns / 1e6);
	} else if (!strcmp(reaper, "started")) {
		v->rule = FOLLOWED_REAPER_STARTED;
		snprintf(v->text, sizeof(v->text), "the oom_reaper started on it%s", exit);
	} else {
		v->rule = FOLLOWED_UNKNOWN;
		snprintf(v->text, sizeof(v->text),
			 "what followed is not known: neither the oom_reaper's end nor the exit was "
			 "seen");
	}
}

const char *verdict__followed_rule(enum verdict_followed r)
{
	static const char *const names[] = { "unknown", "reaped", "reaper_skipped", "exited",
					     "reaper_started", "not_gone" };

	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

int verdict__line(const struct verdict *v, char *buf, size_t size)
{
	return snprintf(buf, size, "%s; %s; %s.", v->limit, v->filled, v->victim);
}

const char *verdict__limit_rule(enum verdict_limit r)
{
	static const char *const names[] = { "unknown",	    "manual",  "memcg",
					     "zone_min",    "constrained", "machine" };

	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

const char *verdict__filled_rule(enum verdict_filled r)
{
	static const char *const names[] = { "unknown", "victim", "memcg_state",
					     "unreclaimable_slab", "largest" };

	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

const char *verdict__victim_rule(enum verdict_victim r)
{
	static const char *const names[] = { "unknown",	      "already_exiting", "group",
					     "only_candidate", "oom_score_adj",	  "highest_points" };

	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}
