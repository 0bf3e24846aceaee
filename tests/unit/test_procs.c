// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "memcg_state.h"
#include "procs.h"

static const char status[] = "Name:\toom-trigger\n"
			     "Umask:\t0022\n"
			     "State:\tR (running)\n"
			     "Tgid:\t4995\n"
			     "VmRSS:\t   66640 kB\n"
			     "RssAnon:\t   65280 kB\n"
			     "RssFile:\t    1360 kB\n"
			     "RssShmem:\t       0 kB\n"
			     "VmPTE:\t     168 kB\n"
			     "VmSwap:\t      12 kB\n"
			     "Threads:\t1\n";

static void status_of_a_process(void **state)
{
	struct proc_info p = {};

	assert_true(procs__parse_status(status, &p));
	assert_string_equal(p.comm, "oom-trigger");
	assert_int_equal(p.rss_anon_kb, 65280);
	assert_int_equal(p.rss_file_kb, 1360);
	assert_int_equal(p.rss_shmem_kb, 0);
	assert_int_equal(p.pgtables_kb, 168);
	assert_int_equal(p.swap_kb, 12);
}

static void kernel_threads_have_no_mm(void **state)
{
	struct proc_info p = {};

	assert_false(procs__parse_status("Name:\tkswapd0\nState:\tS (sleeping)\nTgid:\t52\n", &p));
	assert_string_equal(p.comm, "kswapd0");
}

static void memcg_from_proc_cgroup(void **state)
{
	char memcg[256];

	/* hybrid: the v1 memory line wins over the unified one */
	assert_true(procs__parse_cgroup("9:name=systemd:/\n4:memory:/process_api/x\n0::/\n", memcg,
					sizeof(memcg)));
	assert_string_equal(memcg, "/process_api/x");
	/* controllers listed together */
	assert_true(procs__parse_cgroup("3:cpu,memory:/a\n", memcg, sizeof(memcg)));
	assert_string_equal(memcg, "/a");
	/* pure v2 */
	assert_true(procs__parse_cgroup("0::/kubepods.slice/x.scope\n", memcg, sizeof(memcg)));
	assert_string_equal(memcg, "/kubepods.slice/x.scope");
	/* a name that only contains "memory" is not the controller */
	assert_false(procs__parse_cgroup("5:memory_tiers:/a\n", memcg, sizeof(memcg)));
	assert_false(procs__parse_cgroup("", memcg, sizeof(memcg)));
}

static void memcg_stat_v1_and_v2_to_one_schema(void **state)
{
	struct memcg_state st;

	memset(&st, 0xff, sizeof(st));
	memcg_state__parse_stat("anon 1048576\nfile 4096\nkernel 8192\nsock 0\nshmem 0\n"
				"slab 12288\npgscan 10\npgsteal 7\nanon_thp 0\n",
				2, &st);
	assert_int_equal(st.anon, 1048576);
	assert_int_equal(st.file, 4096);
	assert_int_equal(st.kernel, 8192);
	assert_int_equal(st.slab, 12288);
	assert_int_equal(st.pgscan, 10);
	assert_int_equal(st.pgsteal, 7);

	memset(&st, 0xff, sizeof(st));
	memcg_state__parse_stat("cache 4096\nrss 65536\nshmem 0\ntotal_cache 8192\n"
				"total_rss 131072\ntotal_shmem 4096\n",
				1, &st);
	/* the hierarchical totals, not the cgroup's own */
	assert_int_equal(st.anon, 131072);
	assert_int_equal(st.file, 8192);
	assert_int_equal(st.shmem, 4096);
	/* what v1 does not say stays unknown */
	assert_int_equal(st.kernel, -1);
	assert_int_equal(st.slab, -1);
	assert_int_equal(st.pgscan, -1);
}

/* /proc/PID/stat: the state after the last ')', the flags six fields on */
static void exiting_tasks_from_stat(void **state)
{
	/* a comm may hold spaces and parentheses */
	assert_false(procs__parse_exiting("42 (a) b) S 1 42 42 0 -1 4194560 100 0 0 0"));
	assert_true(procs__parse_exiting("42 (sleep) Z 1 42 42 0 -1 4194308 100 0 0 0"));
	assert_true(procs__parse_exiting("42 (sleep) X 1 42 42 0 -1 0 100 0 0 0"));
	/* PF_EXITING (0x4) in flags: still running its exit */
	assert_true(procs__parse_exiting("42 (oom-trigger) D 1 42 42 0 -1 4194564 9 0 0 0"));
	assert_false(procs__parse_exiting("42 (oom-trigger) R 1 42 42 0 -1 4194560 9 0 0 0"));
	assert_false(procs__parse_exiting("garbage"));
	assert_false(procs__parse_exiting(""));
}

static void tgid_from_status(void **state)
{
	assert_int_equal(
	    procs__parse_tgid("Name:\tx\nUmask:\t0022\nState:\tS\nTgid:\t4242\nNgid:\t0\n"), 4242);
	assert_int_equal(procs__parse_tgid("Tgid:\t7\n"), 7);
	assert_int_equal(procs__parse_tgid("Name:\tx\nNgid:\t3\n"), 0);
}

/* The skip list leaves a live process out of the ranking; without it, it is in. */
static void skipped_processes_are_left_out(void **state)
{
	int self = getpid(), pids[] = { self };
	struct procs_query q = {
		.pids = pids,
		.nr_pids = 1,
		.totalpages = 1 << 20,
		.page_size = 4096,
		.max = 3,
	};
	struct proc_info *p;
	size_t n;
	bool truncated = false;

	p = procs__rank(&q, &n, &truncated);
	assert_non_null(p);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].pid, self);
	assert_false(truncated);
	free(p);
	q.skip = pids;
	q.nr_skip = 1;
	p = procs__rank(&q, &n, &truncated);
	assert_non_null(p);
	assert_int_equal(n, 0);
	free(p);
	assert_int_equal(procs__tgid(self), self);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_of_a_process),
		cmocka_unit_test(kernel_threads_have_no_mm),
		cmocka_unit_test(memcg_from_proc_cgroup),
		cmocka_unit_test(memcg_stat_v1_and_v2_to_one_schema),
		cmocka_unit_test(exiting_tasks_from_stat),
		cmocka_unit_test(tgid_from_status),
		cmocka_unit_test(skipped_processes_are_left_out),
	};

	return cmocka_run_group_tests_name("procs", tests, NULL, NULL);
}
