// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Where the nodes' counters are, from BTF enums shaped as 5.10's and 6.x's are. */
#include <stdarg.h>
#include <errno.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "node_mem_layout.h"

static void add_enum(struct btf *btf, const char *name, const char *const *values)
{
	int n = 0;

	while (values[n])
		n++;
	btf__add_enum(btf, name, 4);
	for (int i = 0; i < n; i++)
		btf__add_enum_value(btf, values[i], i);
}

static const char *const zone_types[] = { "ZONE_DMA", "ZONE_DMA32", "ZONE_NORMAL",
					  "ZONE_MOVABLE", "__MAX_NR_ZONES", NULL };

/* 6.x: page tables are a node counter, slab named in bytes, kernel stacks in kB */
static void six_x(void **state)
{
	static const char *const node[] = { "NR_LRU_BASE", "NR_INACTIVE_ANON", "NR_ACTIVE_ANON",
		"NR_INACTIVE_FILE", "NR_ACTIVE_FILE", "NR_UNEVICTABLE", "NR_SLAB_RECLAIMABLE_B",
		"NR_SLAB_UNRECLAIMABLE_B", "NR_ISOLATED_ANON", "NR_ISOLATED_FILE", "NR_FILE_MAPPED",
		"NR_FILE_PAGES", "NR_FILE_DIRTY", "NR_WRITEBACK", "NR_SHMEM", "NR_KERNEL_STACK_KB",
		"NR_PAGETABLE", NULL };
	static const char *const zone[] = { "NR_FREE_PAGES", "NR_ZONE_LRU_BASE", NULL };
	struct btf *btf = btf__new_empty();
	struct node_mem_layout l;

	add_enum(btf, "node_stat_item", node);
	add_enum(btf, "zone_stat_item", zone);
	add_enum(btf, "zone_type", zone_types);
	assert_int_equal(node_mem_layout__read(btf, &l), 0);
	assert_int_equal(l.node_index[OOMT_NS_ACTIVE_ANON], 2);
	assert_int_equal(l.node_index[OOMT_NS_SLAB_RECLAIMABLE], 6);
	assert_int_equal(l.unit[OOMT_NS_SLAB_RECLAIMABLE], NODE_STAT_PAGES);
	assert_int_equal(l.unit[OOMT_NS_KERNEL_STACK], NODE_STAT_KB);
	assert_int_equal(l.node_index[OOMT_NS_PAGETABLE], 16);
	assert_int_equal(l.pagetable_zone_index, -1);
	assert_int_equal(l.free_pages_index, 0);
	assert_int_equal(l.nr_zone_types, 4);
	btf__free(btf);
}

/* 5.10: page tables a zone counter; a counter a kernel lacks stays unread */
static void five_ten(void **state)
{
	static const char *const node[] = { "NR_LRU_BASE", "NR_INACTIVE_ANON", "NR_ACTIVE_ANON",
		"NR_INACTIVE_FILE", "NR_ACTIVE_FILE", "NR_UNEVICTABLE", "NR_SLAB_RECLAIMABLE",
		"NR_ISOLATED_ANON", NULL };
	static const char *const zone[] = { "NR_FREE_PAGES", "NR_MLOCK", "NR_PAGETABLE", NULL };
	struct btf *btf = btf__new_empty();
	struct node_mem_layout l;

	add_enum(btf, "node_stat_item", node);
	add_enum(btf, "zone_stat_item", zone);
	add_enum(btf, "zone_type", zone_types);
	assert_int_equal(node_mem_layout__read(btf, &l), 0);
	assert_int_equal(l.node_index[OOMT_NS_SLAB_RECLAIMABLE], 6);
	assert_int_equal(l.unit[OOMT_NS_SLAB_RECLAIMABLE], NODE_STAT_PAGES);
	assert_int_equal(l.node_index[OOMT_NS_SLAB_UNRECLAIMABLE], -1);
	assert_int_equal(l.node_index[OOMT_NS_PAGETABLE], -1);
	assert_int_equal(l.pagetable_zone_index, 2);
	btf__free(btf);
}

static void no_zones_no_layout(void **state)
{
	struct btf *btf = btf__new_empty();
	struct node_mem_layout l;

	assert_int_equal(node_mem_layout__read(btf, &l), -ENOENT);
	assert_int_equal(l.node_index[OOMT_NS_ACTIVE_ANON], -1);
	btf__free(btf);
}

static void node_lists(void **state)
{
	assert_int_equal(node_mem_layout__nr_node_ids("0\n"), 1);
	assert_int_equal(node_mem_layout__nr_node_ids("0-1\n"), 2);
	assert_int_equal(node_mem_layout__nr_node_ids("0-3,6\n"), 7);
	assert_int_equal(node_mem_layout__nr_node_ids("0,2-3"), 4);
	assert_int_equal(node_mem_layout__nr_node_ids("x"), -EINVAL);
	assert_int_equal(node_mem_layout__nr_node_ids("0;1"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(six_x),
		cmocka_unit_test(five_ten),
		cmocka_unit_test(no_zones_no_layout),
		cmocka_unit_test(node_lists),
	};

	return cmocka_run_group_tests_name("node_mem_layout", tests, NULL, NULL);
}
