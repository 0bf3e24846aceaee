// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Tracepoint argument positions from BTF prototypes, as kernels 6.x and 7.x have them. */
#include <stdarg.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "tp_layout.h"

struct types {
	int vp, i, ul, gfp, memcg_ptr, stat_ptr;
};

static void base_types(struct btf *btf, struct types *t)
{
	int memcg;

	t->vp = btf__add_ptr(btf, 0);
	t->i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	t->ul = btf__add_int(btf, "long unsigned int", 8, 0);
	t->gfp = btf__add_typedef(btf, "gfp_t", btf__add_int(btf, "unsigned int", 4, 0));
	memcg = btf__add_struct(btf, "mem_cgroup", 0);
	t->memcg_ptr = btf__add_ptr(btf, memcg);
	t->stat_ptr = btf__add_ptr(btf, btf__add_struct(btf, "reclaim_stat", 0));
}

/* typedef void (*btf_trace_NAME)(void *, args...) */
static void add_tp(struct btf *btf, const char *name, int vp, int n, const int *args)
{
	char buf[128];
	int proto = btf__add_func_proto(btf, 0);

	btf__add_func_param(btf, "", vp);
	for (int i = 0; i < n; i++)
		btf__add_func_param(btf, "", args[i]);
	snprintf(buf, sizeof(buf), "btf_trace_%s", name);
	btf__add_typedef(btf, buf, btf__add_ptr(btf, proto));
}

static struct btf *kernel_btf(bool v7)
{
	struct btf *btf = btf__new_empty();
	struct types t;

	base_types(btf, &t);
	if (v7) { /* 7.x: (gfp_t, int order, struct mem_cgroup *) */
		int begin[] = { t.gfp, t.i, t.memcg_ptr }, end[] = { t.ul, t.memcg_ptr };

		add_tp(btf, "mm_vmscan_memcg_reclaim_begin", t.vp, 3, begin);
		add_tp(btf, "mm_vmscan_direct_reclaim_begin", t.vp, 3, begin);
		add_tp(btf, "mm_vmscan_memcg_reclaim_end", t.vp, 2, end);
		add_tp(btf, "mm_vmscan_direct_reclaim_end", t.vp, 2, end);
	} else { /* 5.10 to 6.x: (int order, gfp_t) */
		int begin[] = { t.i, t.gfp }, end[] = { t.ul };

		add_tp(btf, "mm_vmscan_memcg_reclaim_begin", t.vp, 2, begin);
		add_tp(btf, "mm_vmscan_direct_reclaim_begin", t.vp, 2, begin);
		add_tp(btf, "mm_vmscan_memcg_reclaim_end", t.vp, 1, end);
		add_tp(btf, "mm_vmscan_direct_reclaim_end", t.vp, 1, end);
	}
	int shrink[] = { t.i, t.ul, t.ul, t.stat_ptr, t.i, t.i }, wake[] = { t.i, t.i, t.i };

	add_tp(btf, "mm_vmscan_lru_shrink_inactive", t.vp, 6, shrink);
	add_tp(btf, "mm_vmscan_kswapd_wake", t.vp, 3, wake);
	return btf;
}

static void classic_layout(void **state)
{
	struct btf *btf = kernel_btf(false);
	struct tp_layout l, want;
	char missing[128];

	tp_layout__classic(&want);
	assert_int_equal(tp_layout__read(btf, &l, missing, sizeof(missing)), 0);
	assert_memory_equal(&l, &want, sizeof(l));
	assert_string_equal(missing, "");
	btf__free(btf);
}

static void v7_moves_gfp_first(void **state)
{
	struct btf *btf = kernel_btf(true);
	struct tp_layout l;

	assert_int_equal(tp_layout__read(btf, &l, NULL, 0), 0);
	assert_int_equal(l.begin_gfp, 0);
	assert_int_equal(l.begin_order, 1);
	assert_int_equal(l.end_reclaimed, 0);
	assert_int_equal(l.shrink_reclaimed, 2);
	btf__free(btf);
}

/* a kernel without the prototype: nothing read, and said */
static void missing_prototypes_are_minus_one(void **state)
{
	struct btf *btf = btf__new_empty();
	struct types t;
	struct tp_layout l;
	char missing[512];

	base_types(btf, &t);
	assert_int_equal(tp_layout__read(btf, &l, missing, sizeof(missing)), -ENOENT);
	assert_int_equal(l.begin_order, -1);
	assert_int_equal(l.begin_gfp, -1);
	assert_int_equal(l.kswapd_nid, -1);
	assert_non_null(strstr(missing, "reclaim_begin gfp_flags"));
	assert_int_equal(tp_layout__arg(btf, "mm_vmscan_kswapd_wake", "int", 0), -1);
	btf__free(btf);
}

/* memcg and direct reclaim disagreeing: trust neither */
static void disagreeing_classes_are_not_trusted(void **state)
{
	struct btf *btf = btf__new_empty();
	struct types t;
	struct tp_layout l;

	base_types(btf, &t);
	int old_begin[] = { t.i, t.gfp }, new_begin[] = { t.gfp, t.i, t.memcg_ptr }, end[] = { t.ul };

	add_tp(btf, "mm_vmscan_memcg_reclaim_begin", t.vp, 3, new_begin);
	add_tp(btf, "mm_vmscan_direct_reclaim_begin", t.vp, 2, old_begin);
	add_tp(btf, "mm_vmscan_memcg_reclaim_end", t.vp, 1, end);
	add_tp(btf, "mm_vmscan_direct_reclaim_end", t.vp, 1, end);
	assert_int_equal(tp_layout__read(btf, &l, NULL, 0), -ENOENT);
	assert_int_equal(l.begin_gfp, -1);
	assert_int_equal(l.begin_order, -1);
	assert_int_equal(l.end_reclaimed, 0);
	btf__free(btf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classic_layout),
		cmocka_unit_test(v7_moves_gfp_first),
		cmocka_unit_test(missing_prototypes_are_minus_one),
		cmocka_unit_test(disagreeing_classes_are_not_trusted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
