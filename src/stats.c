// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "stats.h"

/*
 * Stall times go into buckets four to an octave of nanoseconds, up to 2^40
 * ns (18 min): a quantile is known to within 19%, in fixed memory however
 * many episodes come.
 */
#define BUCKETS_PER_OCTAVE 4
#define NR_BUCKETS	   (40 * BUCKETS_PER_OCTAVE)
/*
 * Memcgs beyond this many share one row, so memory stays bounded on a node
 * that creates and removes cgroups all day (about 700 bytes a row).
 */
#define MAX_MEMCGS 256
#define OTHER	   "(other memcgs)"
#define UNKNOWN	   "(unknown)"

struct memcg_stats {
	char *path;
	unsigned long long kills, episodes, passes, stall_ns, scanned, reclaimed;
	unsigned int hist[NR_BUCKETS];
};

struct stats {
	struct memcg_stats *m;
	size_t cnt, cap;
};

static unsigned int bucket_of(unsigned long long ns)
{
	double b = ns ? log2((double)ns) * BUCKETS_PER_OCTAVE : 0;

	return b < NR_BUCKETS - 1 ? (unsigned int)b : NR_BUCKETS - 1;
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

static struct memcg_stats *get(struct stats *st, const char *path)
{
	struct memcg_stats *m;

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
	m = &st->m[st->cnt];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	if (!m->path)
		return NULL;
	st->cnt++;
	return m;
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
	m->hist[bucket_of(stall_ns)]++;
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

void stats__print(const struct stats *st, FILE *f)
{
	if (!st->cnt)
		return;
	fprintf(f, "%-40s %6s %8s %8s %27s %12s %12s\n", "memcg", "kills", "stalls", "passes",
		"stall ms p50/p90/p99/max", "scanned", "reclaimed");
	for (size_t i = 0; i < st->cnt; i++) {
		const struct memcg_stats *m = &st->m[i];

		fprintf(f, "%-40s %6llu %8llu %8llu %6.1f/%6.1f/%6.1f/%6.1f %12llu %12llu\n",
			m->path, m->kills, m->episodes, m->passes, quantile(m, 0.5) / 1e6,
			quantile(m, 0.9) / 1e6, quantile(m, 0.99) / 1e6, quantile(m, 1.0) / 1e6,
			m->scanned, m->reclaimed);
	}
}

void stats__print_json(const struct stats *st, FILE *f)
{
	fputc('{', f);
	for (size_t i = 0; i < st->cnt; i++) {
		const struct memcg_stats *m = &st->m[i];

		if (i)
			fputc(',', f);
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
