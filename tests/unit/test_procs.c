// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* every line kept, in the file's order; a line that is no "key value" is not one */
static void memcg_stat_keeps_every_line(void **state)
{
	char text[128 * 16 + 64] = "anon 1048576\nbroken\n x 1\nworkingset_refault_anon 3\n";
	struct memcg_state st;
	size_t n = strlen(text);

	memset(&st, 0xff, sizeof(st));
	memcg_state__parse_stat(text, 2, &st);
	assert_int_equal(st.nr_lines, 2);
	assert_string_equal(st.lines[0].key, "anon");
	assert_int_equal(st.lines[0].value, 1048576);
	assert_string_equal(st.lines[1].key, "workingset_refault_anon");
	assert_int_equal(st.lines[1].value, 3);
	assert_false(st.lines_truncated);
	/* more lines than fit: cut, and said */
	for (int i = 0; i < 130; i++)
		n += snprintf(text + n, sizeof(text) - n, "k%d %d\n", i, i);
	memcg_state__parse_stat(text, 2, &st);
	assert_int_equal(st.nr_lines, MEMCG_STAT_LINES);
	assert_string_equal(st.lines[MEMCG_STAT_LINES - 1].key, "k125");
	assert_true(st.lines_truncated);
}

static void write_file(const char *path, const char *text);

static void cg_file(const char *dir, const char *name, const char *text)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, text);
}

/* a v2 memcg's limits and events, and a v1 one's swappiness and memsw limit */
static void memcg_files_of_both_versions(void **state)
{
	char v2[] = "/tmp/oomt-memcg-v2-XXXXXX", v1[] = "/tmp/oomt-memcg-v1-XXXXXX";
	struct memcg_state st;

	assert_non_null(mkdtemp(v2));
	cg_file(v2, "memory.stat", "anon 4096\nfile 8192\n");
	cg_file(v2, "memory.current", "67108864\n");
	cg_file(v2, "memory.max", "67108864\n");
	cg_file(v2, "memory.high", "max\n");
	cg_file(v2, "memory.low", "1048576\n");
	cg_file(v2, "memory.min", "0\n");
	cg_file(v2, "memory.events", "low 2\nhigh 0\nmax 40\noom 1\noom_kill 1\noom_group_kill 1\n");
	assert_int_equal(memcg_state__read(v2, 2, &st), 0);
	assert_int_equal(st.high, -1); /* max: no limit */
	assert_int_equal(st.low, 1048576);
	assert_int_equal(st.min, 0);
	assert_int_equal(st.ev_low, 2);
	assert_int_equal(st.ev_max, 40);
	assert_int_equal(st.ev_oom_group_kill, 1);
	assert_int_equal(st.swappiness, -1);
	assert_int_equal(st.nr_lines, 2);

	assert_non_null(mkdtemp(v1));
	cg_file(v1, "memory.stat", "cache 0\nrss 4096\ntotal_rss 4096\n");
	cg_file(v1, "memory.usage_in_bytes", "67108864\n");
	cg_file(v1, "memory.limit_in_bytes", "67108864\n");
	cg_file(v1, "memory.memsw.usage_in_bytes", "67108864\n");
	cg_file(v1, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
	cg_file(v1, "memory.swappiness", "0\n");
	assert_int_equal(memcg_state__read(v1, 1, &st), 0);
	assert_int_equal(st.swappiness, 0);
	assert_int_equal(st.memsw_limit, -1); /* the page counter's max */
	assert_int_equal(st.high, -1);
	assert_int_equal(st.ev_oom_group_kill, -1);
	assert_int_equal(st.nr_lines, 3);
	assert_string_equal(st.lines[2].key, "total_rss");
	{
		static const char *const names[] = { "memory.stat", "memory.current", "memory.max",
						     "memory.high", "memory.low", "memory.min",
						     "memory.events", "memory.usage_in_bytes",
						     "memory.limit_in_bytes", "memory.memsw.usage_in_bytes",
						     "memory.memsw.limit_in_bytes", "memory.swappiness" };
		char path[512];

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", v2, names[i]);
			unlink(path);
			snprintf(path, sizeof(path), "%s/%s", v1, names[i]);
			unlink(path);
		}
	}
	assert_int_equal(rmdir(v2), 0);
	assert_int_equal(rmdir(v1), 0);
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

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int cmp_pid(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Every cgroup.procs down the subtree, directories only; past the cap, truncated. */
static void pids_of_a_cgroup_subtree(void **state)
{
	char root[] = "/tmp/oomt-procs-XXXXXX", path[256];
	size_t n;
	bool truncated = false;
	int *pids;
	FILE *f;

	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/cgroup.procs", root);
	write_file(path, "10\n11\n");
	snprintf(path, sizeof(path), "%s/a", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/cgroup.procs", root);
	write_file(path, "30\n");
	snprintf(path, sizeof(path), "%s/a/b", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/a/b/cgroup.procs", root);
	write_file(path, "20\n");
	/* a file is no cgroup, whatever it holds */
	snprintf(path, sizeof(path), "%s/memory.stat", root);
	write_file(path, "anon 0\n");
	pids = procs__in_cgroup(root, PROCS_MAX_SCAN, &n, &truncated);
	assert_non_null(pids);
	assert_int_equal(n, 4);
	qsort(pids, n, sizeof(*pids), cmp_pid);
	assert_int_equal(pids[0], 10);
	assert_int_equal(pids[1], 11);
	assert_int_equal(pids[2], 20);
	assert_int_equal(pids[3], 30);
	assert_false(truncated);
	free(pids);

	/* at most max: the rest is not listed, and the list says so */
	pids = procs__in_cgroup(root, 3, &n, &truncated);
	assert_non_null(pids);
	assert_int_equal(n, 3);
	assert_true(truncated);
	free(pids);
	truncated = false;

	/* more than one scan reads, over many reads of the file */
	snprintf(path, sizeof(path), "%s/a/b/cgroup.procs", root);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < PROCS_MAX_SCAN + 10; i++)
		fprintf(f, "%d\n", 100000 + i);
	fclose(f);
	pids = procs__in_cgroup(root, PROCS_MAX_SCAN, &n, &truncated);
	assert_non_null(pids);
	assert_int_equal(n, PROCS_MAX_SCAN);
	assert_true(truncated);
	free(pids);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	assert_int_equal(system(path), 0);
}

/* One weighing, picked from twice with different skip lists; the gone are left out. */
static void one_ranking_picked_twice(void **state)
{
	int self = getpid(), child = fork(), pids[2];
	struct procs_query q = { .totalpages = 1 << 20, .page_size = 4096 };
	struct procs_ranking rk = {};
	struct proc_info *p;
	size_t n;

	if (child == 0) {
		pause();
		_exit(0);
	}
	pids[0] = self;
	pids[1] = child;
	q.pids = pids;
	q.nr_pids = 2;
	assert_int_equal(procs__weigh(&q, &rk), 0);
	assert_int_equal(rk.cnt, 2);
	assert_false(rk.truncated);
	p = procs__pick(&rk, NULL, 0, 3, PICK_EXTRAS, &n);
	assert_int_equal(n, 2);
	assert_true(p[0].points >= p[1].points);
	/* the printed few have the kernel's own score read */
	assert_true(p[0].oom_score >= 0 && p[1].oom_score >= 0);
	free(p);
	p = procs__pick(&rk, &self, 1, 3, PICK_EXTRAS, &n);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].pid, child);
	free(p);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	p = procs__pick(&rk, NULL, 0, 3, PICK_EXTRAS, &n);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].pid, self);
	free(p);
	procs__ranking_clear(&rk);
}

/* Out of time: the rest is left unread, and the ranking says so. */
static void the_budget_cuts_a_ranking_short(void **state)
{
	static int pids[1000];
	struct procs_query q = {
		.pids = pids,
		.nr_pids = 1000,
		.totalpages = 1 << 20,
		.page_size = 4096,
		.budget_ns = 1,
	};
	struct procs_ranking rk = {};

	for (int i = 0; i < 1000; i++)
		pids[i] = getpid();
	assert_int_equal(procs__weigh(&q, &rk), 0);
	/* the clock is read every 64 processes */
	assert_int_equal(rk.cnt, 64);
	assert_true(rk.timed_out);
	assert_true(rk.truncated);
	q.budget_ns = 0;
	assert_int_equal(procs__weigh(&q, &rk), 0);
	assert_int_equal(rk.cnt, 1000);
	assert_false(rk.timed_out || rk.truncated);
	procs__ranking_clear(&rk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_of_a_process),
		cmocka_unit_test(kernel_threads_have_no_mm),
		cmocka_unit_test(memcg_from_proc_cgroup),
		cmocka_unit_test(memcg_stat_v1_and_v2_to_one_schema),
		cmocka_unit_test(memcg_stat_keeps_every_line),
		cmocka_unit_test(memcg_files_of_both_versions),
		cmocka_unit_test(exiting_tasks_from_stat),
		cmocka_unit_test(tgid_from_status),
		cmocka_unit_test(skipped_processes_are_left_out),
		cmocka_unit_test(pids_of_a_cgroup_subtree),
		cmocka_unit_test(one_ranking_picked_twice),
		cmocka_unit_test(the_budget_cuts_a_ranking_short),
	};

	return cmocka_run_group_tests_name("procs", tests, NULL, NULL);
}
