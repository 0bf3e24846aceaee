// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The verdict's rules, each from the figures it needs, and what it says without them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "verdict.h"

static struct oom_event ev;
static struct verdict v;
static struct proc_info next[1];

/* A 64 MiB memcg OOM whose victim held most of it, as oom_kill.t causes one. */
static void memcg_kill(void)
{
	memset(&ev, 0, sizeof(ev));
	ev.known = EV_MEMCG | EV_MEMCG_USAGE | EV_MEMCG_SWAP | EV_VICTIM | EV_ANON | EV_FILE |
		   EV_SHMEM | EV_ADJ | EV_POINTS | EV_NEXT;
	strcpy(ev.memcg.path, "/oomt");
	ev.memcg.usage_kb = ev.memcg.limit_kb = 65536;
	ev.memcg.swap_limit_kb = 0;
	ev.victim.anon_kb = 63488;
	ev.victim.file_kb = 4;
	ev.victim.shmem_kb = 704;
	ev.points = 16505;
}

/* A global OOM on one node, zone Normal below min, with the node's counters. */
static void global_kill(void)
{
	memset(&ev, 0, sizeof(ev));
	ev.known = EV_NODE_MEM | EV_VICTIM | EV_ADJ | EV_POINTS | EV_NEXT;
	ev.constraint = "NONE";
	ev.points = 88306;
	ev.nr_nodes = 1;
	ev.nodes[0].known = (1u << NODE_COUNTERS) - 1;
	ev.nodes[0].kb[NODE_INACTIVE_ANON] = 800000;
	ev.nodes[0].kb[NODE_ACTIVE_FILE] = 10000;
	ev.nodes[0].kb[NODE_SHMEM] = 50000;
	ev.nodes[0].kb[NODE_SLAB_UNRECLAIMABLE] = 20000;
	ev.nr_zones = 2;
	ev.zones[0] = (struct event_zone){ .name = "DMA32", .free_kb = 5000, .min_kb = 4000,
					   .managed_kb = 200000 };
	ev.zones[1] = (struct event_zone){ .name = "Normal", .free_kb = 35640, .min_kb = 35748,
					   .managed_kb = 800000 };
	ev.nr_next = 1;
	next[0] = (struct proc_info){ .pid = 77, .comm = "sshd", .points = 900 };
	ev.next = next;
}

static void memcg_limit_and_the_victim_filled_it(void **state)
{
	memcg_kill();
	verdict__derive(&ev, &v);
	assert_int_equal(v.limit_rule, LIMIT_MEMCG);
	assert_string_equal(v.limit, "memcg /oomt at its limit (65536 of 65536 kB)");
	assert_int_equal(v.filled_rule, FILLED_VICTIM);
	assert_string_equal(v.filled,
			    "the victim's own anon memory, 96% of the limit, and no swap allowed");
	/* more anon than the limit: charged elsewhere too, so not said */
	ev.victim.anon_kb = 70000;
	verdict__derive(&ev, &v);
	assert_int_not_equal(v.filled_rule, FILLED_VICTIM);
}

static void memcg_state_when_the_victim_is_small(void **state)
{
	memcg_kill();
	ev.victim.anon_kb = 1000;
	ev.known |= EV_MEMCG_STATE;
	ev.memcg.state.anon = 10LL << 20;
	ev.memcg.state.file = 2LL << 20;
	ev.memcg.state.shmem = 40LL << 20;
	ev.memcg.state.kernel = 1LL << 20;
	ev.memcg.swap_limit_kb = 1 << 20; /* v2 swap.max: swap allowed */
	verdict__derive(&ev, &v);
	assert_int_equal(v.filled_rule, FILLED_MEMCG_STATE);
	assert_string_equal(v.filled, "shmem 62% of the limit (read at arrival)");
	ev.memcg.state_from_log = true;
	verdict__derive(&ev, &v);
	assert_string_equal(v.filled, "shmem 62% of the limit (at the kill, from the kernel log)");
	ev.memcg.state_from_log = false;
	/* v1: memsw no higher than the memory limit allows no swap */
	ev.memcg.is_v1 = true;
	ev.memcg.swap_limit_kb = ev.memcg.limit_kb;
	verdict__derive(&ev, &v);
	assert_string_equal(v.filled, "shmem 62% of the limit (read at arrival), and no swap allowed");
	/* v2 charges network buffers to the limit: they can be what filled it */
	ev.memcg.is_v1 = false;
	ev.memcg.state.sock = 50LL << 20;
	verdict__derive(&ev, &v);
	assert_string_equal(v.filled, "sock 78% of the limit (read at arrival)");
}

static void memcg_without_figures_says_so(void **state)
{
	memcg_kill();
	ev.known &= ~(EV_ANON | EV_MEMCG_USAGE);
	verdict__derive(&ev, &v);
	assert_int_equal(v.filled_rule, FILLED_UNKNOWN);
	assert_string_equal(v.limit, "memcg /oomt at its limit");
}

/* Where a memcg's limit went: memory.stat's kinds, shmem counted once, by version. */
static void memcg_split_by_kind(void **state)
{
	struct memcg_split m;
	struct memcg_state *st = &ev.memcg.state;

	memcg_kill();
	assert_false(event__memcg_split(&ev, &m)); /* no state read */
	ev.known |= EV_MEMCG_STATE;
	memset(st, 0xff, sizeof(*st));
	st->nr_lines = 1;
	strcpy(st->lines[0].key, "slab_reclaimable");
	st->lines[0].value = 2048 * 1024;
	st->anon = 40000 * 1024LL;
	st->file = 20000 * 1024LL; /* v2's file holds shmem */
	st->shmem = 5000 * 1024LL;
	st->kernel = 4000 * 1024LL;
	st->sock = 100 * 1024LL;
	assert_true(event__memcg_split(&ev, &m));
	assert_int_equal(m.limit_kb, 65536);
	assert_string_equal(m.read, "at_arrival");
	assert_int_equal(m.kb[MEMCG_PART_ANON], 40000);
	assert_int_equal(m.kb[MEMCG_PART_PAGE_CACHE], 15000);
	assert_int_equal(m.kb[MEMCG_PART_SHMEM], 5000);
	assert_int_equal(m.kb[MEMCG_PART_KERNEL], 4000);
	assert_int_equal(m.kb[MEMCG_PART_SOCK], 100);
	assert_int_equal(m.reclaimable_kb, 17048);
	assert_string_equal(event__memcg_part_name(MEMCG_PART_PAGE_CACHE), "page_cache");
	/* v1: tcp memory is not charged to the limit, and no slab line: page cache alone */
	ev.memcg.is_v1 = true;
	assert_true(event__memcg_split(&ev, &m));
	assert_int_equal(m.kb[MEMCG_PART_SOCK], -1);
	assert_int_equal(m.reclaimable_kb, 15000);
	/* a kind the file did not say is unknown, and so is what rests on it */
	st->shmem = -1;
	assert_true(event__memcg_split(&ev, &m));
	assert_int_equal(m.kb[MEMCG_PART_PAGE_CACHE], -1);
	assert_int_equal(m.reclaimable_kb, -1);
	ev.memcg.state_from_log = true;
	assert_true(event__memcg_split(&ev, &m));
	assert_string_equal(m.read, "kernel_log");
}

static void zone_below_min_and_the_largest_kind(void **state)
{
	global_kill();
	verdict__derive(&ev, &v);
	assert_int_equal(v.limit_rule, LIMIT_ZONE_MIN);
	assert_string_equal(v.limit, "the machine's memory: node 0 Normal below its min "
				     "watermark (free 35640 of 35748 kB)");
	assert_int_equal(v.filled_rule, FILLED_LARGEST);
	/* anon is the anon LRUs less shmem, which sits on them */
	assert_string_equal(v.filled, "anon 75% of RAM, the largest kind (free 4%)");
	assert_int_equal(v.victim_rule, VICTIM_HIGHEST);
	assert_string_equal(v.victim, "killed for the highest points (88306; next sshd, pid 77, 900)");
}

static void unreclaimable_slab_over_the_lrus(void **state)
{
	global_kill();
	ev.nodes[0].kb[NODE_SLAB_UNRECLAIMABLE] = 900000;
	verdict__derive(&ev, &v);
	assert_int_equal(v.filled_rule, FILLED_SLAB);
	assert_string_equal(v.filled, "unreclaimable slab 90% of RAM: kernel memory, not a process's");
}

static void constraint_and_machine(void **state)
{
	global_kill();
	ev.constraint = "CPUSET";
	verdict__derive(&ev, &v);
	assert_int_equal(v.limit_rule, LIMIT_CONSTRAINED);
	assert_string_equal(v.limit, "the nodes its cpuset allows: node 0 Normal below its min "
				     "watermark (free 35640 of 35748 kB)");
	/* with the oom-kill: line's nodes: the cpuset's, or the policy's mask */
	ev.nodes_allowed.have_cpuset = true;
	strcpy(ev.nodes_allowed.cpuset, "oomt-node1");
	strcpy(ev.nodes_allowed.mems_allowed, "1");
	verdict__derive(&ev, &v);
	assert_string_equal(v.limit, "the nodes its cpuset oomt-node1 (nodes 1) allows: node 0 "
				     "Normal below its min watermark (free 35640 of 35748 kB)");
	ev.constraint = "MEMORY_POLICY";
	verdict__derive(&ev, &v);
	assert_string_equal(v.limit, "the nodes its memory policy allows: node 0 Normal below its "
				     "min watermark (free 35640 of 35748 kB)");
	ev.nodes_allowed.have_nodemask = true;
	strcpy(ev.nodes_allowed.nodemask, "0,2");
	verdict__derive(&ev, &v);
	assert_string_equal(v.limit, "the nodes its memory policy (nodes 0,2) allows: node 0 Normal "
				     "below its min watermark (free 35640 of 35748 kB)");
	ev.nodes_allowed.have_nodemask = ev.nodes_allowed.have_cpuset = false;
	ev.constraint = "NONE";
	ev.zones[1].free_kb = 40000;
	verdict__derive(&ev, &v);
	assert_int_equal(v.limit_rule, LIMIT_MACHINE);
	ev.known &= ~EV_NODE_MEM;
	ev.constraint = NULL;
	verdict__derive(&ev, &v);
	assert_int_equal(v.limit_rule, LIMIT_UNKNOWN);
	assert_int_equal(v.filled_rule, FILLED_UNKNOWN);
}

/* sysrq f: the kernel's OOM killer with order -1 and no limit hit */
static void invoked_by_hand(void **state)
{
	global_kill();
	ev.known |= EV_GFP;
	ev.gfp.order = -1;
	verdict__derive(&ev, &v);
	assert_int_equal(v.limit_rule, LIMIT_MANUAL);
	ev.gfp.order = 0;
	verdict__derive(&ev, &v);
	assert_int_equal(v.limit_rule, LIMIT_ZONE_MIN);
}

static void why_this_victim(void **state)
{
	memcg_kill();
	ev.victim.oom_score_adj = 500;
	verdict__derive(&ev, &v);
	assert_int_equal(v.victim_rule, VICTIM_ONLY); /* nr_next 0 with EV_NEXT */
	ev.nr_next = 1;
	next[0] = (struct proc_info){ .pid = 9, .comm = "sh", .points = 3 };
	ev.next = next;
	verdict__derive(&ev, &v);
	assert_int_equal(v.victim_rule, VICTIM_ADJ);
	assert_string_equal(v.victim, "killed for the highest points (16505), raised by its "
				      "oom_score_adj 500");
	ev.later_in_event = true;
	verdict__derive(&ev, &v);
	assert_int_equal(v.victim_rule, VICTIM_GROUP);
	ev.already_exiting = true;
	verdict__derive(&ev, &v);
	assert_int_equal(v.victim_rule, VICTIM_EXITING);
	ev.already_exiting = ev.later_in_event = false;
	ev.known &= ~(EV_POINTS | EV_NEXT);
	verdict__derive(&ev, &v);
	assert_int_equal(v.victim_rule, VICTIM_UNKNOWN);
}

/* where a global OOM's memory went: each part once, shmem out of anon, the rest unaccounted */
static void memory_split_by_part(void **state)
{
	struct memory_split m;

	global_kill();
	assert_true(event__memory_split(&ev, &m));
	assert_int_equal(m.ram_kb, 1000000);
	assert_int_equal(m.kb[PART_FREE], 40640);
	assert_int_equal(m.kb[PART_ANON], 750000);
	assert_int_equal(m.kb[PART_PAGE_CACHE], 10000);
	assert_int_equal(m.kb[PART_SHMEM], 50000);
	assert_int_equal(m.kb[PART_SLAB_UNRECLAIMABLE], 20000);
	assert_int_equal(m.kb[PART_KERNEL], 0);
	assert_int_equal(m.kb[PART_UNACCOUNTED], 1000000 - 40640 - 750000 - 10000 - 50000 - 20000);
	assert_string_equal(event__memory_part_name(PART_PAGE_CACHE), "page_cache");
	/* hugetlb not read: null, and it stays in unaccounted */
	assert_int_equal(m.kb[PART_HUGETLB], -1);
	/* read: its own part, out of unaccounted, and the largest kind when it is */
	ev.swap_hugetlb.read = "at_arrival";
	ev.swap_hugetlb.kb.hugetlb_total_kb = 100000;
	assert_true(event__memory_split(&ev, &m));
	assert_string_equal(event__memory_part_name(PART_HUGETLB), "hugetlb");
	assert_int_equal(m.kb[PART_HUGETLB], 100000);
	assert_int_equal(m.kb[PART_UNACCOUNTED],
			 1000000 - 40640 - 750000 - 10000 - 50000 - 20000 - 100000);
	ev.swap_hugetlb.kb.hugetlb_total_kb = 800000;
	{
		struct verdict v;

		verdict__derive(&ev, &v);
		assert_int_equal(v.filled_rule, FILLED_LARGEST);
		assert_string_equal(v.filled, "the hugetlb pools 80% of RAM, the largest kind (free 4%)");
	}
	ev.swap_hugetlb.read = NULL;
	/* counters read while memory moves may sum past RAM: nothing is unaccounted then */
	ev.nodes[0].kb[NODE_ACTIVE_FILE] = 400000;
	assert_true(event__memory_split(&ev, &m));
	assert_int_equal(m.kb[PART_UNACCOUNTED], 0);
	/* a counter not read: its part and the rest unknown, the others still said */
	ev.nodes[0].known &= ~(1u << NODE_KERNEL_STACK);
	assert_true(event__memory_split(&ev, &m));
	assert_int_equal(m.kb[PART_KERNEL], -1);
	assert_int_equal(m.kb[PART_UNACCOUNTED], -1);
	assert_int_equal(m.kb[PART_SHMEM], 50000);
	/* a kernel log's Mem-Info slab stands in for the nodes' only where they have none */
	ev.have_machine_slab = true;
	ev.machine_slab_kb[0] = 3000;
	ev.machine_slab_kb[1] = 7000;
	assert_true(event__memory_split(&ev, &m));
	assert_int_equal(m.kb[PART_SLAB_UNRECLAIMABLE], 20000);
	ev.nodes[0].known &= ~(1u << NODE_SLAB_RECLAIMABLE | 1u << NODE_SLAB_UNRECLAIMABLE);
	assert_true(event__memory_split(&ev, &m));
	assert_int_equal(m.kb[PART_SLAB_RECLAIMABLE], 3000);
	assert_int_equal(m.kb[PART_SLAB_UNRECLAIMABLE], 7000);
	ev.have_machine_slab = false;
	assert_true(event__memory_split(&ev, &m));
	assert_int_equal(m.kb[PART_SLAB_UNRECLAIMABLE], -1);
	ev.known &= ~EV_NODE_MEM;
	assert_false(event__memory_split(&ev, &m));
}

static void one_line(void **state)
{
	char buf[3 * VERDICT_LEN + 8];

	memcg_kill();
	verdict__derive(&ev, &v);
	verdict__line(&v, buf, sizeof(buf));
	assert_string_equal(buf, "memcg /oomt at its limit (65536 of 65536 kB); the victim's own anon "
				 "memory, 96% of the limit, and no swap allowed; killed as the only "
				 "candidate left.");
}

/* What followed, from each shape of oom_reaped record the sources write. */
static void what_followed(void **state)
{
	struct reap_event r = { .known = REAP_EVENT | REAP_EXIT, .reaper = "none",
				.exit_ns = 3200000 };
	struct verdict_after a;

	verdict__followed(&r, &a);
	assert_int_equal(a.rule, FOLLOWED_EXITED);
	assert_string_equal(a.text, "it exited on its own 3.2 ms after the kill, before the "
				    "oom_reaper acted");
	assert_string_equal(verdict__followed_rule(a.rule), "exited");
	/* BPF: the reaper finished, then the exit */
	r = (struct reap_event){ .known = REAP_EVENT | REAP_EXIT | REAP_TIME, .reaper = "finished",
				 .reaped = true, .reap_ns = 12500000, .exit_ns = 14000000 };
	verdict__followed(&r, &a);
	assert_int_equal(a.rule, FOLLOWED_REAPED);
	assert_string_equal(a.text, "the oom_reaper freed its memory 12.5 ms after the kill; it "
				    "exited 14.0 ms after the kill");
	/* the kernel log: what it freed, and no exit */
	r = (struct reap_event){ .known = REAP_EVENT | REAP_KB, .reaper = "finished",
				 .reaped = true, .reaped_kb = 61440 };
	verdict__followed(&r, &a);
	assert_int_equal(a.rule, FOLLOWED_REAPED);
	assert_string_equal(a.text, "the oom_reaper freed its memory (61440 kB); its exit was not "
				    "seen");
	r.reaper = "skipped";
	verdict__followed(&r, &a);
	assert_int_equal(a.rule, FOLLOWED_REAPER_SKIPPED);
	assert_string_equal(a.text, "the oom_reaper could not take its mm lock and gave up on it; "
				    "its exit was not seen");
	r = (struct reap_event){ .known = REAP_EVENT, .reaper = "started" };
	verdict__followed(&r, &a);
	assert_int_equal(a.rule, FOLLOWED_REAPER_STARTED);
	/* no end and no exit: never a guess */
	r.reaper = "none";
	verdict__followed(&r, &a);
	assert_int_equal(a.rule, FOLLOWED_UNKNOWN);
	assert_string_equal(verdict__followed_rule(a.rule), "unknown");
}

/* Still there long after the kill: how long, its state, and what the reaper did by then */
static void still_not_gone(void **state)
{
	struct reap_event r = { .known = REAP_EVENT | REAP_TIME, .reaper = "finished",
				.reaped = true, .reap_ns = 2012000000ULL, .not_gone = true,
				.since_ns = 10000000000ULL, .state = 't' };
	struct verdict_after a;

	verdict__followed(&r, &a);
	assert_int_equal(a.rule, FOLLOWED_NOT_GONE);
	assert_string_equal(verdict__followed_rule(a.rule), "not_gone");
	assert_string_equal(a.text, "still not gone 10.0 s after the kill: it is stopped by its "
				    "tracer; the oom_reaper freed its memory 2012.0 ms after the kill");
	r = (struct reap_event){ .known = REAP_EVENT, .reaper = "none", .not_gone = true,
				 .since_ns = 31500000000ULL, .state = 'D' };
	verdict__followed(&r, &a);
	assert_string_equal(a.text, "still not gone 31.5 s after the kill: it is in uninterruptible "
				    "sleep (D); the oom_reaper has not acted on it");
	r.reaper = "skipped";
	r.state = '\0';
	verdict__followed(&r, &a);
	assert_string_equal(a.text, "still not gone 31.5 s after the kill: its state was not read; "
				    "the oom_reaper could not take its mm lock and gave up on it");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(still_not_gone),
		cmocka_unit_test(memcg_limit_and_the_victim_filled_it),
		cmocka_unit_test(memcg_state_when_the_victim_is_small),
		cmocka_unit_test(memcg_without_figures_says_so),
		cmocka_unit_test(memcg_split_by_kind),
		cmocka_unit_test(zone_below_min_and_the_largest_kind),
		cmocka_unit_test(unreclaimable_slab_over_the_lrus),
		cmocka_unit_test(constraint_and_machine),
		cmocka_unit_test(invoked_by_hand),
		cmocka_unit_test(why_this_victim),
		cmocka_unit_test(memory_split_by_part),
		cmocka_unit_test(one_line),
		cmocka_unit_test(what_followed),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
