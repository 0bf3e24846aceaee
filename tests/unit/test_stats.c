// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <time.h>
#include "oomtrace.h"
#include "stats.h"

static void quantiles_within_a_bucket(void **state)
{
	struct stats *st = stats__new();

	/* 1..100 ms, one episode each */
	for (int i = 1; i <= 100; i++)
		stats__add_episode(st, "/a", 1, i * 1000000ULL, 0, 0);
	/* each quantile is its bucket's top: within 19% above the truth */
	unsigned long long p50 = stats__stall_quantile(st, "/a", 0.5);
	unsigned long long p99 = stats__stall_quantile(st, "/a", 0.99);
	unsigned long long max = stats__stall_quantile(st, "/a", 1.0);

	assert_true(p50 >= 50000000ULL && p50 <= 50000000ULL * 119 / 100);
	assert_true(p99 >= 99000000ULL && p99 <= 99000000ULL * 119 / 100);
	assert_true(max >= 100000000ULL && max <= 100000000ULL * 119 / 100);
	assert_int_equal(stats__stall_quantile(st, "/none", 0.5), 0);
	stats__free(st);
}

static void rows_are_bounded(void **state)
{
	struct stats *st = stats__new();
	char path[32], *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rows = 0;

	for (int i = 0; i < 1000; i++) {
		snprintf(path, sizeof(path), "/c%d", i);
		stats__add_kill(st, path);
	}
	stats__add_kill(st, NULL);
	f = open_memstream(&buf, &len);
	stats__print(st, f);
	fclose(f);
	for (char *p = buf; (p = strchr(p, '\n')); p++)
		rows++;
	/* a header, at most 256 rows, the rest under one */
	assert_true(rows <= 1 + 256 + 1); /* a header, 256 rows, one for the rest */
	assert_non_null(strstr(buf, "(other memcgs)"));
	assert_non_null(strstr(buf, "/c0 "));
	free(buf);
	stats__free(st);
}

/* What stats.c prints for st: the summary rows. */
static char *printed(const struct stats *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	stats__print(st, f);
	fputc('|', f);
	stats__print_json(st, f);
	fclose(f);
	return buf;
}

/* bpf/oomtrace.bpf.h's stall_bucket(), on the floors attach.c gives it */
#define GE(a, b) (1 - (((a) - (b)) >> 63))
static unsigned int bpf_bucket(const unsigned long long *floor, unsigned long long ns)
{
	unsigned long long x = ns, s, top = 0;
	unsigned int b;

	if (ns >= 1ULL << 40)
		return OOMT_STALL_BUCKETS - 1;
	s = GE(x, 1ULL << 32) << 5, x >>= s, top += s;
	s = GE(x, 1ULL << 16) << 4, x >>= s, top += s;
	s = GE(x, 1ULL << 8) << 3, x >>= s, top += s;
	s = GE(x, 1ULL << 4) << 2, x >>= s, top += s;
	s = GE(x, 1ULL << 2) << 1, x >>= s, top += s;
	top += GE(x, 2);
	b = top * 4;
	if (b > OOMT_STALL_BUCKETS - 4)
		return OOMT_STALL_BUCKETS - 1;
	return b + GE(ns, floor[b + 1]) + GE(ns, floor[b + 2]) + GE(ns, floor[b + 3]);
}

static void the_kernel_buckets_as_stats_does(void **state)
{
	unsigned long long floor[OOMT_STALL_BUCKETS], ns = 1;

	for (unsigned int b = 0; b < OOMT_STALL_BUCKETS; b++) {
		floor[b] = stats__bucket_floor(b);
		assert_true(stats__stall_bucket(floor[b]) >= b);
		if (floor[b])
			assert_true(stats__stall_bucket(floor[b] - 1) < b);
	}
	assert_int_equal(floor[0], 0);
	/* each floor and its neighbours, then a walk up past 2^40 ns */
	for (unsigned int b = 0; b < OOMT_STALL_BUCKETS; b++)
		for (unsigned long long x = floor[b] ? floor[b] - 1 : 0; x <= floor[b] + 1; x++)
			assert_int_equal(bpf_bucket(floor, x), stats__stall_bucket(x));
	for (int i = 0; i < 20000; i++, ns += ns / 97 + 1)
		assert_int_equal(bpf_bucket(floor, ns), stats__stall_bucket(ns));
	assert_int_equal(bpf_bucket(floor, ~0ULL), OOMT_STALL_BUCKETS - 1);
}

static void folded_totals_print_as_episodes_do(void **state)
{
	static const unsigned long long stalls[] = { 0, 1, 999, 5000000, 5000001, 2000000000ULL };
	struct stats *one = stats__new(), *folded = stats__new();
	struct memcg_reclaim r = { .first_ns = 1 };
	char *a, *b;

	for (size_t i = 0; i < sizeof(stalls) / sizeof(stalls[0]); i++) {
		stats__add_episode(one, "/a", 3, stalls[i], 10 + i, i);
		r.episodes++;
		r.passes += 3;
		r.stall_ns += stalls[i];
		r.scanned += 10 + i;
		r.reclaimed += i;
		r.hist[stats__stall_bucket(stalls[i])]++;
	}
	stats__add_episodes(folded, "/a", &r);
	a = printed(one);
	b = printed(folded);
	assert_string_equal(a, b);
	free(a);
	free(b);
	stats__free(one);
	stats__free(folded);
}

static void rows_keep_the_order_memcgs_came_in(void **state)
{
	struct stats *st = stats__new();
	struct timespec ts;
	struct memcg_reclaim early = { .episodes = 1, .passes = 1 }, late;
	char *buf, *a, *b, *c, *d;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	early.first_ns = 1; /* before every row made now */
	late = early;
	late.first_ns = (unsigned long long)(ts.tv_sec + 3600) * 1000000000ULL;
	stats__note_memcg(st, "/noted");
	stats__add_kill(st, "/killed");
	stats__note_memcg(st, "/never-counted");
	stats__add_episodes(st, "/noted", &late); /* counted later, listed where noted */
	stats__add_episodes(st, "/late", &late);
	stats__add_episodes(st, "/early", &early);
	buf = printed(st);
	a = strstr(buf, "/early ");
	b = strstr(buf, "/noted ");
	c = strstr(buf, "/killed ");
	d = strstr(buf, "/late ");
	assert_true(a && b && c && d && a < b && b < c && c < d);
	/* a noted row nothing was counted in is not printed */
	assert_null(strstr(buf, "/never-counted"));
	free(buf);
	stats__free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quantiles_within_a_bucket),
		cmocka_unit_test(rows_are_bounded),
		cmocka_unit_test(the_kernel_buckets_as_stats_does),
		cmocka_unit_test(folded_totals_print_as_episodes_do),
		cmocka_unit_test(rows_keep_the_order_memcgs_came_in),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
