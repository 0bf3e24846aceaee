// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "gfp.h"

static void assert_gfp(const struct gfp_table *t, unsigned int gfp, const char *want)
{
	char buf[256];
	int len = gfp_table__format(t, gfp, buf, sizeof(buf));

	assert_string_equal(buf, want);
	assert_int_equal(len, strlen(want));
}

static void classic_composites(void **state)
{
	struct gfp_table *t = gfp_table__classic();

	assert_non_null(t);
	assert_gfp(t, 0xcc0, "GFP_KERNEL");
	assert_gfp(t, 0x400cc0, "GFP_KERNEL_ACCOUNT");
	assert_gfp(t, 0x100cca, "GFP_HIGHUSER_MOVABLE");
	assert_gfp(t, 0x140cca, "GFP_HIGHUSER_MOVABLE|__GFP_COMP");
	assert_gfp(t, 0xdc0, "GFP_KERNEL|__GFP_ZERO");
	assert_gfp(t, 0xa20, "GFP_ATOMIC");
	assert_gfp(t, 0xc40, "GFP_NOFS");
	assert_gfp(t, 0x800, "GFP_NOWAIT");
	/* THP faults: GFP_TRANSHUGE and its light form */
	assert_gfp(t, 0x1c24ca, "GFP_TRANSHUGE");
	assert_gfp(t, 0x1c20ca, "GFP_TRANSHUGE_LIGHT");
	gfp_table__free(t);
}

static void reclaim_mask_recovers_the_request(void **state)
{
	struct gfp_table *t = gfp_table__classic();
	unsigned int m = gfp_table__reclaim_mask(t);

	/* a GFP_KERNEL charge, as memcg reclaim rewrote it */
	assert_gfp(t, 0x100cca & m, "GFP_KERNEL");
	assert_gfp(t, 0x102c4a & m, "GFP_NOFS|__GFP_NOWARN");
	assert_int_equal(0x100000 & m, 0); /* __GFP_HARDWALL is placement */
	gfp_table__free(t);
}

static void unknown_bits_and_zero(void **state)
{
	struct gfp_table *t = gfp_table__classic();

	assert_gfp(t, 0, "0");
	assert_gfp(t, 0x80000000, "0x80000000");
	assert_gfp(t, 0x80000cc0, "GFP_KERNEL|0x80000000");
	gfp_table__free(t);
}

static void short_buffer_truncates(void **state)
{
	struct gfp_table *t = gfp_table__classic();
	char buf[8];
	int len = gfp_table__format(t, 0x140cca, buf, sizeof(buf));

	assert_int_equal(len, strlen("GFP_HIGHUSER_MOVABLE|__GFP_COMP"));
	assert_string_equal(buf, "GFP_HIG");
	gfp_table__free(t);
}

/* A BTF holding the 6.18 enum: bit 9 unused, ATOMIC gone, NO_OBJ_EXT at 24. */
static struct btf *btf_6_18(void)
{
	static const char *const names[] = {
		"DMA",
		"HIGHMEM",
		"DMA32",
		"MOVABLE",
		"RECLAIMABLE",
		"HIGH",
		"IO",
		"FS",
		"ZERO",
		"UNUSED",
		"DIRECT_RECLAIM",
		"KSWAPD_RECLAIM",
		"WRITE",
		"NOWARN",
		"RETRY_MAYFAIL",
		"NOFAIL",
		"NORETRY",
		"MEMALLOC",
		"COMP",
		"NOMEMALLOC",
		"HARDWALL",
		"THISNODE",
		"ACCOUNT",
		"ZEROTAGS",
		"NO_OBJ_EXT",
		"LAST",
	};
	struct btf *btf = btf__new_empty();
	size_t i;

	assert_non_null(btf);
	assert_true(btf__add_enum(btf, "", 4) > 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "___GFP_%s_BIT", names[i]);
		assert_int_equal(btf__add_enum_value(btf, name, i), 0);
	}
	return btf;
}

static void values_from_btf(void **state)
{
	struct btf *btf = btf_6_18();
	struct gfp_table *t = gfp_table__from_btf(btf);

	assert_non_null(t);
	assert_true(gfp_table__from_kernel(t));
	assert_gfp(t, 0xcc0, "GFP_KERNEL");
	assert_gfp(t, 0x820, "GFP_ATOMIC");
	/* 0x200 is no flag on this layout */
	assert_gfp(t, 0xa20, "GFP_ATOMIC|0x200");
	assert_gfp(t, 0x1000cc0, "GFP_KERNEL|__GFP_NO_OBJ_EXT");
	assert_gfp(t, 0x100cca & gfp_table__reclaim_mask(t), "GFP_KERNEL");
	gfp_table__free(t);
	btf__free(btf);
}

static void btf_without_gfp_enum(void **state)
{
	struct btf *btf = btf__new_empty();

	assert_true(btf__add_enum(btf, "other", 4) > 0);
	assert_int_equal(btf__add_enum_value(btf, "SOMETHING_BIT", 1), 0);
	assert_null(gfp_table__from_btf(btf));
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classic_composites),
		cmocka_unit_test(reclaim_mask_recovers_the_request),
		cmocka_unit_test(unknown_bits_and_zero),
		cmocka_unit_test(short_buffer_truncates),
		cmocka_unit_test(values_from_btf),
		cmocka_unit_test(btf_without_gfp_enum),
	};

	return cmocka_run_group_tests_name("gfp", tests, NULL, NULL);
}
