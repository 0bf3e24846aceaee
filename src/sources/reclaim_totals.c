// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "cgroups.h"
#include "reclaim_totals.h"
#include "stats.h"

/*
 * memcgs whose reclaim is kept apart: the rest share the other row, so
 * that memory stays bounded (2 KiB a row: three copies of the kernel's
 * totals) on a node that creates and removes cgroups all day.
 */
#define MAX_MEMCGS 64

struct memcg_totals {
	__u64 id;
	char *path;		   /* NULL: not named (yet) */
	struct memcg_reclaim kern; /* the map's, as last read */
	struct memcg_reclaim user; /* the episodes user space closed */
	struct memcg_reclaim told; /* the sum as of the last reclaim_totals__news() */
};

struct reclaim_totals {
	int map_fd;
	const struct memcg_reclaim *other_kern;
	const volatile __u64 *folded;
	struct cgroups *cg;
	__u64 read_folded; /* *folded at the last read */
	unsigned long long read_ns;
	struct memcg_totals *v; /* sorted by id */
	size_t n, cap;
	struct memcg_totals other;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct reclaim_totals *reclaim_totals__new(int map_fd, const struct memcg_reclaim *other,
					   const volatile __u64 *folded, struct cgroups *cg)
{
	struct reclaim_totals *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->map_fd = map_fd;
	rt->other_kern = other;
	rt->folded = folded;
	rt->cg = cg;
	return rt;
}

void reclaim_totals__free(struct reclaim_totals *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n; i++)
		free(rt->v[i].path);
	free(rt->v);
	free(rt);
}

/* The index of id in rt->v, or where it would go (*found false). */
static size_t find(const struct reclaim_totals *rt, __u64 id, bool *found)
{
	size_t lo = 0, hi = rt->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rt->v[mid].id == id) {
			*found = true;
			return mid;
		}
		if (rt->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A memcg not named when first seen (just made, or no hierarchy) is tried again. */
static void name(struct reclaim_totals *rt, struct memcg_totals *m)
{
	const char *path;

	if (m->path || !m->id)
		return;
	path = cgroups__path(rt->cg, m->id);
	if (path)
		m->path = strdup(path);
}

/* id's totals, made if new; the other row once there are MAX_MEMCGS. */
static struct memcg_totals *get(struct reclaim_totals *rt, __u64 id)
{
	struct memcg_totals *m;
	bool found;
	size_t i = find(rt, id, &found);

	if (found)
		return &rt->v[i];
	if (rt->n >= MAX_MEMCGS)
		return &rt->other;
	if (rt->n == rt->cap) {
		size_t cap = rt->cap ? 2 * rt->cap : 16;
		struct memcg_totals *v = realloc(rt->v, cap * sizeof(*v));

		if (!v)
			return &rt->other; /* counted, if not under its name */
		rt->v = v;
		rt->cap = cap;
	}
	memmove(&rt->v[i + 1], &rt->v[i], (rt->n - i) * sizeof(*rt->v));
	m = &rt->v[i];
	memset(m, 0, sizeof(*m));
	m->id = id;
	rt->n++;
	name(rt, m);
	return m;
}

void reclaim_totals__add(struct reclaim_totals *rt, const struct reclaim_episode *ep)
{
	struct memcg_totals *m = get(rt, ep->memcg_id);
	struct memcg_reclaim *u = &m->user;

	if (!u->episodes)
		u->first_ns = now_ns();
	u->episodes++;
	u->passes += ep->passes;
	u->stall_ns += ep->stall_ns;
	u->scanned += ep->scanned;
	u->reclaimed += ep->reclaimed;
	u->hist[stats__stall_bucket(ep->stall_ns)]++;
}

int reclaim_totals__read(struct reclaim_totals *rt, unsigned long long interval_ns)
{
	__u64 folded = *rt->folded, key, *prev = NULL;
	unsigned long long now = now_ns();
	struct memcg_reclaim r;

	if (folded == rt->read_folded || (interval_ns && now - rt->read_ns < interval_ns))
		return 0;
	rt->read_folded = folded;
	rt->read_ns = now;
	while (!bpf_map_get_next_key(rt->map_fd, prev, &key)) {
		prev = &key;
		/* ENOENT: none are deleted; a failed read leaves the last one */
		if (!bpf_map_lookup_elem(rt->map_fd, &key, &r))
			get(rt, key)->kern = r;
	}
	if (errno != ENOENT)
		return -errno;
	memcpy(&rt->other.kern, rt->other_kern, sizeof(rt->other.kern));
	for (size_t i = 0; i < rt->n; i++)
		name(rt, &rt->v[i]);
	return 0;
}

/* The kernel's and user space's together; first_ns the earlier that has any. */
static void sum(const struct memcg_totals *m, struct memcg_reclaim *s)
{
	const struct memcg_reclaim *k = &m->kern, *u = &m->user;

	s->first_ns = !u->episodes || (k->episodes && k->first_ns < u->first_ns) ? k->first_ns
										  : u->first_ns;
	s->episodes = k->episodes + u->episodes;
	s->passes = k->passes + u->passes;
	s->stall_ns = k->stall_ns + u->stall_ns;
	s->scanned = k->scanned + u->scanned;
	s->reclaimed = k->reclaimed + u->reclaimed;
	for (unsigned int b = 0; b < OOMT_STALL_BUCKETS; b++)
		s->hist[b] = k->hist[b] + u->hist[b];
}

void reclaim_totals__each(const struct reclaim_totals *rt, reclaim_totals_fn fn, void *ctx)
{
	struct memcg_reclaim s;

	for (size_t i = 0; i < rt->n; i++) {
		sum(&rt->v[i], &s);
		if (s.episodes)
			fn(ctx, rt->v[i].path, false, &s);
	}
	sum(&rt->other, &s);
	if (s.episodes)
		fn(ctx, NULL, true, &s);
}

/* What m added since it was last told, and told now. */
static bool news_of(struct memcg_totals *m, struct memcg_reclaim *d)
{
	struct memcg_reclaim s;

	sum(m, &s);
	/* each field on its own: a read can fall between the kernel's adds */
	if (s.episodes == m->told.episodes && s.passes == m->told.passes &&
	    s.stall_ns == m->told.stall_ns && s.scanned == m->told.scanned &&
	    s.reclaimed == m->told.reclaimed)
		return false;
	memset(d, 0, sizeof(*d));
	d->first_ns = s.first_ns;
	d->episodes = s.episodes - m->told.episodes;
	d->passes = s.passes - m->told.passes;
	d->stall_ns = s.stall_ns - m->told.stall_ns;
	d->scanned = s.scanned - m->told.scanned;
	d->reclaimed = s.reclaimed - m->told.reclaimed;
	m->told = s;
	return true;
}

void reclaim_totals__news(struct reclaim_totals *rt, reclaim_totals_fn fn, void *ctx)
{
	struct memcg_reclaim d;

	for (size_t i = 0; i < rt->n; i++)
		if (news_of(&rt->v[i], &d))
			fn(ctx, rt->v[i].path, false, &d);
	if (news_of(&rt->other, &d))
		fn(ctx, NULL, true, &d);
}
