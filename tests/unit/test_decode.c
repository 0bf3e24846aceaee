// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "gfp.h"
#include "decode.h"

static const struct host_info host = {
	.page_size = 4096,
	.totalram_pages = 6000000,
	.total_swap_pages = 0,
	.single_node = 1,
};

/* What the tracepoint tier sent for a 64 MiB v1 memcg OOM on this host. */
static void tracepoint_memcg_record(struct oom_kill_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = RECORD_OOM_KILL;
	rec->hook = HOOK_TRACEPOINT;
	rec->constraint = OOMT_CONSTRAINT_MEMCG;
	rec->flags = KILL_HAVE_VICTIM | KILL_HAVE_MEMCG | KILL_HAVE_GFP | KILL_GFP_FROM_RECLAIM |
		     KILL_GFP_FROM_MEMCG;
	rec->gfp_mask = 0x100cca;
	rec->anon_pages = 16320;
	rec->file_pages = 346;
	rec->pgtables_bytes = 180224;
	rec->memcg_usage_pages = rec->memcg_max_pages = 16384;
	rec->memcg_swap_max_pages = 0x7ffffffffffff;
	rec->memcg_is_v1 = 1;
	rec->memcg_level = 0;
	rec->cg_depth = 4;
	strcpy(rec->cg_names[0], "oomt-manual");
	strcpy(rec->cg_names[1], "eece8d3b");
	strcpy(rec->cg_names[2], "process_api");
	strcpy(rec->cg_names[3], "/");
}

static void memcg_kill_matches_kernel_report(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	struct oom_kill_record rec;
	static struct oom_event r;

	tracepoint_memcg_record(&rec);
	decode__kill(&r, &rec, &host, gfp);
	/* the kernel's log for this kill: rss 16666, pgtables_bytes 180224 */
	assert_true(event__has(&r, EV_POINTS));
	assert_int_equal(r.points_origin, ORIGIN_COMPUTED);
	assert_int_equal(r.points, 16666 + 44);
	assert_int_equal(r.totalpages, 16384);
	assert_string_equal(r.constraint, "MEMCG");
	assert_string_equal(r.memcg.path, "/process_api/eece8d3b/oomt-manual");
	assert_string_equal(r.cgroup_path, "/process_api/eece8d3b/oomt-manual");
	/* ... and gfp_mask=0xcc0(GFP_KERNEL) */
	assert_string_equal(r.gfp.source, "memcg_reclaim");
	assert_int_equal(r.gfp.mask, 0xcc0);
	gfp_table__free(gfp);
}

static void oom_control_wins_when_present(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	struct oom_kill_record rec;
	static struct oom_event r;

	tracepoint_memcg_record(&rec);
	rec.hook = HOOK_FENTRY;
	rec.flags = KILL_HAVE_VICTIM | KILL_HAVE_MEMCG | KILL_HAVE_GFP | KILL_HAVE_OC |
		    KILL_POINTS_FROM_OC;
	rec.chosen_points = 16711;
	rec.totalpages = 16384;
	rec.gfp_mask = 0xcc0;
	rec.memcg_level = 1; /* the parent's limit was hit */
	decode__kill(&r, &rec, &host, gfp);
	assert_int_equal(r.points_origin, ORIGIN_KERNEL);
	assert_int_equal(r.points, 16711);
	assert_string_equal(r.gfp.source, "oom_control");
	assert_string_equal(r.memcg.path, "/process_api/eece8d3b");
	assert_string_equal(r.cgroup_path, "/process_api/eece8d3b/oomt-manual");
	gfp_table__free(gfp);
}

/* memory.oom.group: chosen_points are the chosen task's, not every member's */
static void group_member_points_are_computed(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	struct oom_kill_record rec;
	static struct oom_event r;

	tracepoint_memcg_record(&rec);
	rec.hook = HOOK_FENTRY;
	rec.flags = KILL_HAVE_VICTIM | KILL_HAVE_MEMCG | KILL_HAVE_GFP | KILL_HAVE_OC;
	rec.chosen_points = 16493; /* the chosen trigger's, not this sleeper's */
	rec.totalpages = 16384;
	rec.anon_pages = 0;
	rec.file_pages = 1;
	rec.shmem_pages = 0;
	rec.swap_pages = 0;
	rec.pgtables_bytes = 28672;
	rec.oom_score_adj = 0;
	decode__kill(&r, &rec, &host, gfp);
	assert_int_equal(r.points_origin, ORIGIN_COMPUTED);
	assert_true(event__has(&r, EV_POINTS));
	assert_int_equal(r.totalpages, 16384);
	assert_int_equal(r.points, 1 + 28672 / 4096);
	gfp_table__free(gfp);
}

static void global_oom_domain_depends_on_nodes(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	struct host_info numa = host;
	struct oom_kill_record rec;
	static struct oom_event r;

	tracepoint_memcg_record(&rec);
	rec.flags = KILL_HAVE_VICTIM;
	rec.constraint = OOMT_CONSTRAINT_UNKNOWN;
	rec.oom_score_adj = 100;
	/* no reclaim story: a memcg OOM whose episode was lost looks the same */
	decode__kill(&r, &rec, &host, gfp);
	assert_null(r.constraint);
	assert_false(event__has(&r, EV_POINTS));

	rec.flags = KILL_HAVE_VICTIM | KILL_HAVE_GFP | KILL_GFP_FROM_RECLAIM | KILL_AFTER_DIRECT_RECLAIM;
	decode__kill(&r, &rec, &host, gfp);
	assert_false(event__has(&r, EV_MEMCG));
	assert_string_equal(r.constraint, "NONE");
	assert_string_equal(r.gfp.source, "direct_reclaim");
	assert_int_equal(r.gfp.mask, 0x100cca);
	assert_int_equal(r.totalpages, 6000000);
	assert_int_equal(r.points, 16710 + 100 * 6000);

	/* with several nodes a cpuset or mempolicy may have constrained it */
	numa.single_node = 0;
	decode__kill(&r, &rec, &numa, gfp);
	assert_null(r.constraint);
	assert_false(event__has(&r, EV_TOTALPAGES));
	assert_false(event__has(&r, EV_POINTS));
	gfp_table__free(gfp);
}

static void victim_unreadable_has_no_points(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	struct oom_kill_record rec;
	static struct oom_event r;

	tracepoint_memcg_record(&rec);
	rec.flags = 0;
	rec.cg_depth = 0;
	decode__kill(&r, &rec, &host, gfp);
	assert_false(event__has(&r, EV_POINTS));
	assert_false(event__has(&r, EV_GFP));
	assert_false(event__has(&r, EV_MEMCG));
	assert_string_equal(r.cgroup_path, "");
	gfp_table__free(gfp);
}

/*
 * A global OOM's node memory, as the kernel's report printed it for the
 * same kill: "Node 0 Normal free:35640kB boost:0kB min:35748kB low:44684kB
 * high:53620kB", the watermarks with their boost.  A node id with no
 * memory is left out; a counter this kernel lacks is not known.
 */
static void node_memory_is_in_kB_with_boost(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	static struct oom_kill_record rec;
	static struct oom_event r;
	struct oomt_node_memory *nm = &rec.node_mem;

	tracepoint_memcg_record(&rec);
	rec.flags |= KILL_HAVE_NODE_MEM;
	nm->nr_nodes = 2;
	nm->nr_zone_types = 4;
	nm->stats_known = ~(1u << OOMT_NS_KERNEL_STACK);
	nm->nodes[0] = (struct oomt_node_mem){ .node = 0, .present = 1 };
	nm->nodes[0].stat[OOMT_NS_ACTIVE_ANON] = 1000;
	nm->nodes[1] = (struct oomt_node_mem){ .node = 1, .present = 0 };
	nm->nr_zones = 1;
	nm->zones[0] = (struct oomt_zone_mem){
		.node = 0, .zone = 2, .name = "Normal", .free = 8910,
		.watermark = { 8937 - 100, 11171 - 100, 13405 - 100 }, .boost = 100,
		.present = 262144, .managed = 250000, .lowmem_reserve = { 0, 0, 0, 0 },
	};
	decode__kill(&r, &rec, &host, gfp);
	assert_true(event__has(&r, EV_NODE_MEM));
	assert_string_equal(r.node_mem_read, "at_kill");
	assert_int_equal(r.nr_nodes, 1);
	assert_int_equal(r.nodes[0].kb[NODE_ACTIVE_ANON], 4000);
	assert_false(r.nodes[0].known & (1u << NODE_KERNEL_STACK));
	assert_int_equal(r.nr_zones, 1);
	assert_string_equal(r.zones[0].name, "Normal");
	assert_int_equal(r.zones[0].free_kb, 35640);
	assert_int_equal(r.zones[0].min_kb, 35748);
	assert_int_equal(r.zones[0].low_kb, 44684);
	assert_int_equal(r.zones[0].high_kb, 53620);
	assert_int_equal(r.zones[0].boost_kb, 400);
	assert_int_equal(r.zones[0].nr_reserve, 4);
	rec.flags &= ~KILL_HAVE_NODE_MEM;
	decode__kill(&r, &rec, &host, gfp);
	assert_false(event__has(&r, EV_NODE_MEM));
	assert_int_equal(r.nr_zones, 0);
	gfp_table__free(gfp);
}

/* the allocator's retries: pages to kB, zones named by the record's zones, nothing without the flag */
static void allocation_retries_in_kB_with_zone_names(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	static struct oom_kill_record rec;
	static struct oom_event r;

	tracepoint_memcg_record(&rec);
	rec.flags = KILL_HAVE_VICTIM | KILL_HAVE_NODE_MEM | KILL_HAVE_RETRY;
	rec.node_mem.nr_zones = 1;
	rec.node_mem.zones[0] = (struct oomt_zone_mem){ .node = 0, .zone = 1, .name = "DMA32" };
	rec.retry = (struct oomt_alloc_retry){
		.first_ns = 1000000, .last_ns = 251000000, .checks = 34, .order = 0, .nr_zones = 2,
		.compactions = 1, .compact_retries = 3, .compact_max_retries = 16, .compact_ret = 0,
	};
	rec.retry.zones[0] = (struct oomt_retry_zone){ .node = 0, .zone_idx = 1, .reclaimable = 30,
						      .available = 800, .min_wmark = 951,
						      .no_progress_loops = 16 };
	rec.retry.zones[1] = (struct oomt_retry_zone){ .node = 1, .zone_idx = 2, .available = 2000,
						      .min_wmark = 1000, .wmark_check = 1 };
	decode__kill(&r, &rec, &host, gfp);
	assert_true(event__has(&r, EV_RETRY));
	assert_int_equal(r.retry.checks, 34);
	assert_int_equal(r.retry.span_us, 250000);
	assert_int_equal(r.retry.nr_zones, 2);
	assert_string_equal(r.retry.zones[0].zone, "DMA32");
	assert_int_equal(r.retry.zones[0].available_kb, 3200);
	assert_int_equal(r.retry.zones[0].min_kb, 3804);
	assert_int_equal(r.retry.zones[0].reclaimable_kb, 120);
	assert_int_equal(r.retry.zones[0].no_progress_loops, 16);
	assert_false(r.retry.zones[0].above_min);
	/* a zone the record's memory does not name */
	assert_string_equal(r.retry.zones[1].zone, "zone 2");
	assert_true(r.retry.zones[1].above_min);
	assert_int_equal(r.retry.compact_max_retries, 16);
	assert_false(r.retry.compact_would_retry);
	rec.flags &= ~KILL_HAVE_RETRY;
	decode__kill(&r, &rec, &host, gfp);
	assert_false(event__has(&r, EV_RETRY));
	gfp_table__free(gfp);
}

/* Node lists as the kernel's %*pbl prints them. */
static void node_lists_print_as_the_kernel_does(void **state)
{
	unsigned long long w[2];
	char buf[64];

	(void)state;
	w[0] = 0x3, w[1] = 0;
	decode__node_list(w, 2, buf, sizeof(buf));
	assert_string_equal(buf, "0-1");
	w[0] = 0xb;
	decode__node_list(w, 2, buf, sizeof(buf));
	assert_string_equal(buf, "0-1,3");
	w[0] = 1ULL << 63, w[1] = 0x1;
	decode__node_list(w, 2, buf, sizeof(buf));
	assert_string_equal(buf, "63-64");
	w[0] = 0, w[1] = 1ULL << 63;
	decode__node_list(w, 2, buf, sizeof(buf));
	assert_string_equal(buf, "127");
	w[0] = w[1] = 0;
	decode__node_list(w, 2, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* too small a buffer ends the list, never overruns it */
	w[0] = 0x5555;
	decode__node_list(w, 2, buf, 6);
	assert_string_equal(buf, "0,2,4");
}

/* The oom-kill: line's nodes: read at the kill, said only where the masks hold every node. */
static void nodes_allowed_as_the_kill_line_says(void **state)
{
	struct gfp_table *gfp = gfp_table__classic();
	static struct oom_kill_record rec;
	static struct oom_event r;
	struct host_info big = host;

	(void)state;
	tracepoint_memcg_record(&rec);
	rec.flags |= KILL_HAVE_NODEMASK | KILL_HAVE_CPUSET;
	rec.nodemask[0] = 0x2;
	rec.mems_allowed[0] = 0x3;
	strcpy(rec.cpuset, "oomt-cpuset");
	decode__kill(&r, &rec, &host, gfp);
	assert_true(r.nodes_allowed.have_nodemask);
	assert_false(r.nodes_allowed.nodemask_any);
	assert_string_equal(r.nodes_allowed.nodemask, "1");
	assert_true(r.nodes_allowed.have_cpuset);
	assert_string_equal(r.nodes_allowed.cpuset, "oomt-cpuset");
	assert_string_equal(r.nodes_allowed.mems_allowed, "0-1");
	rec.flags |= KILL_NODEMASK_ANY | KILL_CPUSET_ROOT;
	rec.cpuset[0] = '\0';
	decode__kill(&r, &rec, &host, gfp);
	assert_true(r.nodes_allowed.nodemask_any);
	assert_string_equal(r.nodes_allowed.cpuset, "/");
	big.possible_nodes = 1024;
	decode__kill(&r, &rec, &big, gfp);
	assert_false(r.nodes_allowed.have_nodemask);
	assert_false(r.nodes_allowed.have_cpuset);
	rec.flags &= ~(KILL_HAVE_NODEMASK | KILL_HAVE_CPUSET);
	decode__kill(&r, &rec, &host, gfp);
	assert_false(r.nodes_allowed.have_nodemask);
	assert_false(r.nodes_allowed.have_cpuset);
	gfp_table__free(gfp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_lists_print_as_the_kernel_does),
		cmocka_unit_test(nodes_allowed_as_the_kill_line_says),
		cmocka_unit_test(memcg_kill_matches_kernel_report),
		cmocka_unit_test(oom_control_wins_when_present),
		cmocka_unit_test(group_member_points_are_computed),
		cmocka_unit_test(global_oom_domain_depends_on_nodes),
		cmocka_unit_test(victim_unreadable_has_no_points),
		cmocka_unit_test(node_memory_is_in_kB_with_boost),
		cmocka_unit_test(allocation_retries_in_kB_with_zone_names),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
