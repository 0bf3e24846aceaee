// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "json.h"
#include "oomtrace.h"
#include "stats.h"

/*
 * Stall times go into buckets four to an octave of nanoseconds, up to 2^40
 * ns (18 min): a quantile is known to within 19%, in fixed memory however
 * many episodes come.  The BPF side buckets them the same way, from
 * stats__bucket_floor().
 */
#define BUCKETS_PER_OCTAVE 4
#define NR_BUCKETS	   (40 * BUCKETS_PER_OCTAVE)
_Static_assert(NR_BUCKETS == OOMT_STALL_BUCKETS, "bpf/oomtrace.h buckets as stats.c does");
/*
 * Memcgs beyond this many share one row, so memory stays bounded on a node
 * that creates and removes cgroups all day (about 700 bytes a row).
 */
#define MAX_MEMCGS 256
#define OTHER	   STATS_OTHER
#define UNKNOWN	   "(unknown)"

struct memcg_stats {
	char *path;
	unsigned long long first_ns; /* CLOCK_MONOTONIC: rows are kept in this order */
	unsigned long long kills, episodes, passes, stall_ns, scanned, reclaimed;
	unsigned int hist[NR_BUCKETS];
};

struct stats {
	struct memcg_stats *m;
	size_t cnt, cap;
};

unsigned int stats__stall_bucket(unsigned long long ns)
{
	double b = ns ? log2((double)ns) * BUCKETS_PER_OCTAVE : 0;

	return b < NR_BUCKETS - 1 ? (unsigned int)b : NR_BUCKETS - 1;
}

unsigned long long stats__bucket_floor(unsigned int b)
{
	unsigned long long lo = 0, hi = 1ULL << 41; /* bucket_of(hi) is the last */

	/* the least ns whose bucket is b or later: bucket_of() only grows */
	while (lo < hi) {
		unsigned long long mid = lo + (hi - lo) / 2;

		if (stats__stall_bucket(mid) >= b)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The upper bound of a bucket, which a quantile reports. */
static unsigned long long bucket_top(unsigned int b)
{
	return (unsigned long long)exp2((double)(b + 1) / BUCKETS_PER_OCTAVE);
}

struct stats *stats__new(void)
{
	return calloc(1, sizeof(struct stats));
}

void stats__free(struct stats *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->cnt; i++)
		free(st->m[i].path);
	free(st->m);
	free(st);
}

static struct memcg_stats *find(const struct stats *st, const char *path)
{
	for (size_t i = 0; i < st->cnt; i++)
		if (!strcmp(st->m[i].path, path))
			return &st->m[i];
	return NULL;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The row of path, made if new and placed by when it was first seen:
 * rows made as records come are in the order they came, and a row first
 * seen in the kernel's totals goes where its first episode closed.
 */
static struct memcg_stats *get_at(struct stats *st, const char *path, unsigned long long first_ns)
{
	struct memcg_stats *m;
	size_t at;

	if (!path || !*path)
		path = UNKNOWN;
	m = find(st, path);
	if (m)
		return m;
	if (st->cnt >= MAX_MEMCGS)
		path = OTHER;
	if ((m = find(st, path)))
		return m;
	if (st->cnt == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 16;
		struct memcg_stats *p = realloc(st->m, cap * sizeof(*p));

		if (!p)
			return NULL;
		st->m = p;
		st->cap = cap;
	}
	for (at = st->cnt; at > 0 && st->m[at - 1].first_ns > first_ns; at--)
		;
	m = &st->m[at];
	memmove(m + 1, m, (st->cnt - at) * sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->first_ns = first_ns;
	m->path = strdup(path);
	if (!m->path) {
		memmove(m, m + 1, (st->cnt - at) * sizeof(*m));
		return NULL;
	}
	st->cnt++;
	return m;
}

static struct memcg_stats *get(struct stats *st, const char *path)
{
	return get_at(st, path, now_ns());
}

void stats__add_kill(struct stats *st, const char *memcg)
{
	struct memcg_stats *m = get(st, memcg);

	if (m)
		m->kills++;
}

void stats__add_episode(struct stats *st, const char *memcg, unsigned int passes,
			unsigned long long stall_ns, unsigned long long scanned,
			unsigned long long reclaimed)
{
	struct memcg_stats *m = get(st, memcg);

	if (!m)
		return;
	m->episodes++;
	m->passes += passes;
	m->stall_ns += stall_ns;
	m->scanned += scanned;
	m->reclaimed += reclaimed;
	m->hist[stats__stall_bucket(stall_ns)]++;
}

void stats__note_memcg(struct stats *st, const char *memcg)
{
	get(st, memcg);
}

void stats__add_episodes(struct stats *st, const char *memcg, const struct memcg_reclaim *r)
{
	struct memcg_stats *m;

	if (!r->episodes)
		return;
	m = get_at(st, memcg, r->first_ns);
	if (!m)
		return;
	m->episodes += r->episodes;
	m->passes += r->passes;
	m->stall_ns += r->stall_ns;
	m->scanned += r->scanned;
	m->reclaimed += r->reclaimed;
	for (unsigned int b = 0; b < NR_BUCKETS; b++)
		m->hist[b] += r->hist[b];
}

/* A row noted for a record whose episode never reached the totals says nothing. */
static bool empty(const struct memcg_stats *m)
{
	return !m->kills && !m->episodes;
}

static unsigned long long quantile(const struct memcg_stats *m, double q)
{
	unsigned long long want, seen = 0;

	if (!m->episodes)
		return 0;
	want = (unsigned long long)ceil(q * m->episodes);
	if (want < 1)
		want = 1;
	for (unsigned int b = 0; b < NR_BUCKETS; b++) {
		seen += m->hist[b];
		if (seen >= want)
			return bucket_top(b);
	}
	return bucket_top(NR_BUCKETS - 1);
}

unsigned long long stats__stall_quantile(const struct stats *st, const char *memcg, double q)
{
	const struct memcg_stats *m = find(st, memcg);

	return m ? quantile(m, q) : 0;
}

static bool any_row(const struct stats *st)
{
	for (size_t i = 0; i < st->cnt; i++)
		if (!empty(&st->m[i]))
			return true;
	return false;
}

void stats__print(const struct stats *st, FILE *f)
{
	if (!any_row(st))
		return;
	fprintf(f, "%-40s %6s %8s %8s %27s %12s %12s\n", "memcg", "kills", "stalls", "passes",
		"stall ms p50/p90/p99/max", "scanned", "reclaimed");
	for (size_t i = 0; i < st->cnt; i++) {
		const struct memcg_stats *m = &st->m[i];

		if (empty(m))
			continue;
		fprintf(f, "%-40s %6llu %8llu %8llu %6.1f/%6.1f/%6.1f/%6.1f %12llu %12llu\n",
			m->path, m->kills, m->episodes, m->passes, quantile(m, 0.5) / 1e6,
			quantile(m, 0.9) / 1e6, quantile(m, 0.99) / 1e6, quantile(m, 1.0) / 1e6,
			m->scanned, m->reclaimed);
	}
}

void stats__print_json(const struct stats *st, FILE *f)
{
	bool first = true;

	fputc('{', f);
	for (size_t i = 0; i < st->cnt; i++) {
		const struct memcg_stats *m = &st->m[i];

		if (empty(m))
			continue;
		if (!first)
			fputc(',', f);
		first = false;
		json_string(f, m->path, strlen(m->path));
		fprintf(
		    f,
		    ":{\"kills\":%llu,\"reclaim_stalls\":%llu,\"passes\":%llu,\"stall_us\":%llu,"
		    "\"stall_us_p50\":%llu,\"stall_us_p90\":%llu,\"stall_us_p99\":%llu,"
		    "\"stall_us_max\":%llu,\"scanned\":%llu,\"reclaimed\":%llu}",
		    m->kills, m->episodes, m->passes, m->stall_ns / 1000, quantile(m, 0.5) / 1000,
		    quantile(m, 0.9) / 1000, quantile(m, 0.99) / 1000, quantile(m, 1.0) / 1000,
		    m->scanned, m->reclaimed);
	}
	fputc('}', f);
}
