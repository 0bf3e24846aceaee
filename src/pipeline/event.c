// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "badness.h"
#include "event.h"

const char *event__kind(const struct oom_event *ev)
{
	return ev->already_exiting ? "already_exiting" : "kill";
}

const char *event__memcg_label(const struct oom_event *ev)
{
	if (event__has(ev, EV_MEMCG))
		return ev->memcg.path;
	return ev->constraint && strcmp(ev->constraint, "MEMCG") ? "(global)" : "(unknown)";
}

/*
 * mem_cgroup_get_max() for a memcg OOM, all of RAM and swap for a global
 * one.  A saved log of another machine does not say how much swap it had:
 * only a memcg that may use none is known then.
 */
static void derive_totalpages(struct oom_event *ev, const struct event_host *host)
{
	unsigned long kbpp = host->page_size / 1024;
	unsigned long max, swap_limit = ~0UL / 2; /* no swap limit given: unlimited */

	if (event__has(ev, EV_MEMCG_USAGE)) {
		max = ev->memcg.limit_kb / kbpp;
		if (event__has(ev, EV_MEMCG_SWAP))
			swap_limit = ev->memcg.swap_limit_kb / kbpp;
		else if (!host->known)
			return;
		if (!host->known && (ev->memcg.is_v1 ? swap_limit > max : swap_limit))
			return;
		ev->totalpages =
		    memcg_totalpages(max, swap_limit, ev->memcg.is_v1, host->total_swap_pages);
	} else if (host->known && ev->constraint && !strcmp(ev->constraint, "NONE")) {
		ev->totalpages = global_totalpages(host->totalram_pages, host->total_swap_pages);
	} else {
		return;
	}
	ev->known |= EV_TOTALPAGES;
	ev->totalpages_origin = ORIGIN_COMPUTED;
}

static void derive_points(struct oom_event *ev, const struct event_host *host)
{
	const unsigned int needed = EV_VICTIM | EV_ANON | EV_FILE | EV_SHMEM | EV_SWAP |
				    EV_PGTABLES | EV_ADJ | EV_TOTALPAGES;
	unsigned long kbpp = host->page_size / 1024;
	struct badness_parts parts = {
		.rss_pages = (ev->victim.anon_kb + ev->victim.file_kb + ev->victim.shmem_kb) / kbpp,
		.swap_pages = ev->victim.swap_kb / kbpp,
		.pgtables_bytes = ev->victim.pgtables_kb * 1024,
		.oom_score_adj = ev->victim.oom_score_adj,
	};

	if (!event__has(ev, needed))
		return;
	ev->points = badness_points(&parts, ev->totalpages, host->page_size);
	ev->points_origin = ORIGIN_COMPUTED;
	ev->known |= EV_POINTS;
}

void event__derive(struct oom_event *ev, const struct event_host *host)
{
	if (!event__has(ev, EV_TOTALPAGES))
		derive_totalpages(ev, host);
	if (!event__has(ev, EV_POINTS))
		derive_points(ev, host);
}

void event__clear_next(struct oom_event *ev)
{
	free(ev->next);
	ev->next = NULL;
	ev->nr_next = 0;
	ev->next_truncated = false;
	ev->known &= ~EV_NEXT;
}

static const char *const node_counter_names[NODE_COUNTERS] = {
	[NODE_ACTIVE_ANON] = "active_anon",
	[NODE_INACTIVE_ANON] = "inactive_anon",
	[NODE_ACTIVE_FILE] = "active_file",
	[NODE_INACTIVE_FILE] = "inactive_file",
	[NODE_UNEVICTABLE] = "unevictable",
	[NODE_ISOLATED_ANON] = "isolated_anon",
	[NODE_ISOLATED_FILE] = "isolated_file",
	[NODE_MAPPED] = "mapped",
	[NODE_DIRTY] = "dirty",
	[NODE_WRITEBACK] = "writeback",
	[NODE_SHMEM] = "shmem",
	[NODE_SLAB_RECLAIMABLE] = "slab_reclaimable",
	[NODE_SLAB_UNRECLAIMABLE] = "slab_unreclaimable",
	[NODE_KERNEL_STACK] = "kernel_stack",
	[NODE_PAGETABLES] = "pagetables",
};

const char *event__node_counter_name(int counter)
{
	return counter >= 0 && counter < NODE_COUNTERS ? node_counter_names[counter] : "unknown";
}

static const char *const memory_part_names[MEMORY_PARTS] = {
	[PART_FREE] = "free",
	[PART_ANON] = "anon",
	[PART_PAGE_CACHE] = "page_cache",
	[PART_SHMEM] = "shmem",
	[PART_SLAB_RECLAIMABLE] = "slab_reclaimable",
	[PART_SLAB_UNRECLAIMABLE] = "slab_unreclaimable",
	[PART_KERNEL] = "kernel_stacks_and_page_tables",
	[PART_UNEVICTABLE] = "unevictable",
	[PART_HUGETLB] = "hugetlb",
	[PART_UNACCOUNTED] = "unaccounted",
};

const char *event__memory_part_name(int part)
{
	return part >= 0 && part < MEMORY_PARTS ? memory_part_names[part] : "unknown";
}

const char *event__memcg_part_name(int part)
{
	static const char *const names[MEMCG_PARTS] = { "anon", "page_cache", "shmem", "kernel",
							"sock" };

	return part >= 0 && part < MEMCG_PARTS ? names[part] : "unknown";
}

/* a memory.stat line by its key, as the file says it; -1 when absent */
static long long stat_line(const struct memcg_state *st, const char *key)
{
	for (unsigned int i = 0; i < st->nr_lines; i++)
		if (!strcmp(st->lines[i].key, key))
			return st->lines[i].value;
	return -1;
}

static long long to_kb(long long bytes)
{
	return bytes >= 0 ? bytes / 1024 : -1;
}

bool event__memcg_split(const struct oom_event *ev, struct memcg_split *s)
{
	const struct memcg_state *st = &ev->memcg.state;
	long long slab_r;

	if (!event__has(ev, EV_MEMCG | EV_MEMCG_STATE | EV_MEMCG_USAGE) || !ev->memcg.limit_kb)
		return false;
	s->limit_kb = (long long)ev->memcg.limit_kb;
	s->read = ev->memcg.state_from_log ? "kernel_log" : "at_arrival";
	/* v2's anon and v1's total_rss leave shmem out; file and total_cache hold it */
	s->kb[MEMCG_PART_ANON] = to_kb(st->anon);
	s->kb[MEMCG_PART_SHMEM] = to_kb(st->shmem);
	s->kb[MEMCG_PART_PAGE_CACHE] =
	    st->file >= 0 && st->shmem >= 0 ? to_kb(st->file > st->shmem ? st->file - st->shmem : 0)
					    : -1;
	s->kb[MEMCG_PART_KERNEL] = to_kb(st->kernel);
	s->kb[MEMCG_PART_SOCK] = ev->memcg.is_v1 ? -1 : to_kb(st->sock);
	slab_r = ev->memcg.is_v1 ? 0 : stat_line(st, "slab_reclaimable");
	s->reclaimable_kb = s->kb[MEMCG_PART_PAGE_CACHE] >= 0 && slab_r >= 0
				? s->kb[MEMCG_PART_PAGE_CACHE] + slab_r / 1024
				: -1;
	return true;
}

/* the sum of counters over every node (-1 ends the list); -1 when one is unread */
static long long nodes_sum(const struct oom_event *ev, const int *counters)
{
	unsigned long long kb, sum = 0;

	for (int c = 0; c < 2 && counters[c] >= 0; c++) {
		if (!event__node_total_kb(ev, counters[c], &kb))
			return -1;
		sum += kb;
	}
	return (long long)sum;
}

bool event__memory_split(const struct oom_event *ev, struct memory_split *m)
{
	static const int counters[MEMORY_PARTS][2] = {
		[PART_FREE] = { -1, -1 },
		[PART_ANON] = { NODE_ACTIVE_ANON, NODE_INACTIVE_ANON },
		[PART_PAGE_CACHE] = { NODE_ACTIVE_FILE, NODE_INACTIVE_FILE },
		[PART_SHMEM] = { NODE_SHMEM, -1 },
		[PART_SLAB_RECLAIMABLE] = { NODE_SLAB_RECLAIMABLE, -1 },
		[PART_SLAB_UNRECLAIMABLE] = { NODE_SLAB_UNRECLAIMABLE, -1 },
		[PART_KERNEL] = { NODE_KERNEL_STACK, NODE_PAGETABLES },
		[PART_UNEVICTABLE] = { NODE_UNEVICTABLE, -1 },
		[PART_HUGETLB] = { -1, -1 },
		[PART_UNACCOUNTED] = { -1, -1 },
	};
	long long rest;

	if (!event__has(ev, EV_NODE_MEM))
		return false;
	m->ram_kb = ev->nr_zones ? 0 : -1;
	m->kb[PART_FREE] = ev->nr_zones ? 0 : -1;
	for (int i = 0; i < ev->nr_zones; i++) {
		m->ram_kb += ev->zones[i].managed_kb;
		m->kb[PART_FREE] += ev->zones[i].free_kb;
	}
	for (int p = PART_ANON; p < PART_HUGETLB; p++)
		m->kb[p] = nodes_sum(ev, counters[p]);
	m->kb[PART_HUGETLB] = ev->swap_hugetlb.read ? ev->swap_hugetlb.kb.hugetlb_total_kb : -1;
	if (ev->have_machine_slab && m->kb[PART_SLAB_RECLAIMABLE] < 0 &&
	    m->kb[PART_SLAB_UNRECLAIMABLE] < 0) {
		m->kb[PART_SLAB_RECLAIMABLE] = (long long)ev->machine_slab_kb[0];
		m->kb[PART_SLAB_UNRECLAIMABLE] = (long long)ev->machine_slab_kb[1];
	}
	/* shmem sits on the anon LRUs: counted apart from them */
	if (m->kb[PART_ANON] >= 0 && m->kb[PART_SHMEM] >= 0)
		m->kb[PART_ANON] = m->kb[PART_ANON] > m->kb[PART_SHMEM]
					   ? m->kb[PART_ANON] - m->kb[PART_SHMEM]
					   : 0;
	else
		m->kb[PART_ANON] = -1;
	m->kb[PART_UNACCOUNTED] = -1;
	if (m->ram_kb < 0)
		return true;
	rest = m->ram_kb;
	for (int p = PART_FREE; p < PART_UNACCOUNTED; p++) {
		if (m->kb[p] < 0 && p != PART_HUGETLB)
			return true;
		if (m->kb[p] > 0)
			rest -= m->kb[p];
	}
	/* the counters are read one by one while memory moves: never below 0 */
	m->kb[PART_UNACCOUNTED] = rest > 0 ? rest : 0;
	return true;
}

bool event__slab_over_lru(const struct oom_event *ev)
{
	static const int lru_parts[] = { PART_ANON, PART_SHMEM, PART_PAGE_CACHE, PART_UNEVICTABLE };
	unsigned long long lru = 0, kb;
	struct memory_split m;

	if (!event__memory_split(ev, &m) || m.kb[PART_SLAB_UNRECLAIMABLE] <= 0)
		return false;
	for (size_t i = 0; i < sizeof(lru_parts) / sizeof(lru_parts[0]); i++) {
		if (m.kb[lru_parts[i]] < 0)
			return false;
		lru += m.kb[lru_parts[i]];
	}
	if (event__node_total_kb(ev, NODE_ISOLATED_ANON, &kb))
		lru += kb;
	if (event__node_total_kb(ev, NODE_ISOLATED_FILE, &kb))
		lru += kb;
	return (unsigned long long)m.kb[PART_SLAB_UNRECLAIMABLE] > lru;
}

bool event__node_total_kb(const struct oom_event *ev, int counter, unsigned long long *kb)
{
	*kb = 0;
	for (int i = 0; i < ev->nr_nodes; i++) {
		if (!(ev->nodes[i].known & (1u << counter)))
			return false;
		*kb += ev->nodes[i].kb[counter];
	}
	return ev->nr_nodes > 0;
}
