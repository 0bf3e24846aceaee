// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "badness.h"

static void points_are_rss_swap_pgtables(void **state)
{
	struct badness_parts p = {
		.rss_pages = 16320 + 344,
		.swap_pages = 10,
		.pgtables_bytes = 176128,
	};

	/* 176128 bytes of page tables are 43 pages */
	assert_int_equal(badness_points(&p, 16384, 4096), 16664 + 10 + 43);
}

static void adj_scales_by_thousandths_rounded_down(void **state)
{
	struct badness_parts p = { .rss_pages = 1000, .oom_score_adj = 500 };

	/* the kernel divides first: 16384 / 1000 = 16, times 500 */
	assert_int_equal(badness_adj_points(500, 16384), 8000);
	assert_int_equal(badness_points(&p, 16384, 4096), 9000);
	p.oom_score_adj = -999;
	assert_int_equal(badness_points(&p, 16384, 4096), 1000 - 999 * 16);
	/* a domain under 1000 pages leaves adj no weight at all */
	assert_int_equal(badness_adj_points(1000, 999), 0);
}

static void memcg_domain_adds_usable_swap(void **state)
{
	/* no swap on the machine: the memory limit alone */
	assert_int_equal(memcg_totalpages(16384, 32768, 1, 0), 16384);
	assert_int_equal(memcg_totalpages(16384, 0x7ffffffffffff, 0, 0), 16384);
	/* v1: memsw.max counts memory too */
	assert_int_equal(memcg_totalpages(16384, 20480, 1, 100000), 20480);
	assert_int_equal(memcg_totalpages(16384, 16384, 1, 100000), 16384);
	/* v2: swap.max is swap alone, capped by the swap there is */
	assert_int_equal(memcg_totalpages(16384, 4096, 0, 100000), 20480);
	assert_int_equal(memcg_totalpages(16384, 0x7ffffffffffff, 0, 1000), 17384);
	/* the kernel never divides by a zero domain */
	assert_int_equal(memcg_totalpages(0, 0, 0, 0), 1);
}

static void global_domain_is_ram_and_swap(void **state)
{
	assert_int_equal(global_totalpages(6000000, 0), 6000000);
	assert_int_equal(global_totalpages(6000000, 500000), 6500000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(points_are_rss_swap_pgtables),
		cmocka_unit_test(adj_scales_by_thousandths_rounded_down),
		cmocka_unit_test(memcg_domain_adds_usable_swap),
		cmocka_unit_test(global_domain_is_ram_and_swap),
	};

	return cmocka_run_group_tests_name("badness", tests, NULL, NULL);
}
