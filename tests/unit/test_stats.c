// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quantiles_within_a_bucket),
		cmocka_unit_test(rows_are_bounded),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
