// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Victims still there long after their kill: told once each, only when
 * /proc still has the same task, never for one that went.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "not_gone.h"
#include "procs.h"

static char root[64];

static unsigned long long clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ROOT/TID/stat as /proc writes it: a comm with a space and a parenthesis */
static void fake_stat(unsigned int tid, char state, unsigned long long start_ticks)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u", root, tid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%u/stat", root, tid);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%u (oom (trigger)) %c 1 %u %u 0 -1 4194624 22 0 0 0 5 7 0 0 20 0 1 0 %llu "
		   "2400256 151 18446744073709551615\n",
		tid, state, tid, tid, start_ticks);
	fclose(f);
}

static struct reap_event told[8];
static int nr_told;

static int keep(void *ctx, const struct reap_event *ev, const struct victim_state *v)
{
	assert_int_equal(v->event_id, ev->event_id);
	assert_true(nr_told < 8);
	told[nr_told++] = *ev;
	return 0;
}

static struct victim_entry entry(unsigned int tid, unsigned long long kill_ns)
{
	struct victim_entry e = { .tid = tid };

	e.v.event_id = tid * 10;
	e.v.kill_ns = kill_ns;
	e.v.pid = tid;
	e.v.reaper = REAPER_FINISHED;
	e.v.reap_end_ns = kill_ns + 2000000000ULL;
	snprintf(e.v.comm, sizeof(e.v.comm), "victim%u", tid);
	return e;
}

static void state_and_start_of_a_stat_line(void **state)
{
	char st;
	unsigned long long start;

	assert_true(procs__parse_state_start("16578 (a (b) c) t 16577 16569 28726 0 -1 4195400 22 0 "
					     "0 0 0 0 0 0 20 0 1 0 6503331 2400256 151",
					     &st, &start));
	assert_int_equal(st, 't');
	assert_int_equal(start, 6503331);
	/* cut before the start time: not read */
	assert_false(procs__parse_state_start("1 (init) S 0 1 1 0 -1 4194560 100", &st, &start));
	assert_false(procs__parse_state_start("no parenthesis", &st, &start));
}

static void told_once_and_only_while_there(void **state)
{
	unsigned long long now = clock_ns(CLOCK_MONOTONIC);
	unsigned long long boot_off = clock_ns(CLOCK_BOOTTIME) - now;
	unsigned long long tick = 1000000000ULL / sysconf(_SC_CLK_TCK);
	unsigned long long killed = now - NOT_GONE_NS - 1000000000ULL;
	struct victim_entry e[4] = {
		entry(100, killed),		      /* there, stopped by its tracer */
		entry(101, now - 5000000000ULL),      /* killed 5 s ago: not yet */
		entry(102, killed),		      /* gone from /proc */
		entry(103, killed),		      /* its tid is someone else's since */
	};
	struct not_gone *w;
	char cmd[96];

	strcpy(root, "/tmp/oomt-ng-XXXXXX");
	assert_non_null(mkdtemp(root));
	fake_stat(100, 't', 0);
	fake_stat(101, 'S', 0);
	fake_stat(103, 'S', (killed + boot_off) / tick + 5 * sysconf(_SC_CLK_TCK));
	w = not_gone__new(root);
	assert_non_null(w);

	nr_told = 0;
	assert_int_equal(not_gone__check(w, e, 4, now, keep, NULL), 0);
	assert_int_equal(nr_told, 1);
	assert_true(told[0].not_gone);
	assert_int_equal(told[0].tid, 100);
	assert_int_equal(told[0].event_id, 1000);
	assert_int_equal(told[0].state, 't');
	assert_true(told[0].since_ns == now - killed);
	assert_string_equal(told[0].reaper, "finished");
	assert_true(told[0].reaped && told[0].reap_ns == 2000000000ULL);
	assert_string_equal(told[0].comm, "victim100");

	/* the next look: nobody again */
	nr_told = 0;
	assert_int_equal(not_gone__check(w, e, 4, now + 1000000000ULL, keep, NULL), 0);
	assert_int_equal(nr_told, 0);

	/* 101 reaches 10 s */
	assert_int_equal(not_gone__check(w, e, 4, now + 6000000000ULL, keep, NULL), 0);
	assert_int_equal(nr_told, 1);
	assert_int_equal(told[0].tid, 101);

	/* 100 exited (out of the map), and its tid is marked again by a later kill */
	nr_told = 0;
	assert_int_equal(not_gone__check(w, e + 1, 3, now + 7000000000ULL, keep, NULL), 0);
	e[0] = entry(100, killed + 1000000ULL);
	assert_int_equal(not_gone__check(w, e, 4, now + 8000000000ULL, keep, NULL), 0);
	assert_int_equal(nr_told, 1);
	assert_int_equal(told[0].tid, 100);

	/* an entry the map walk gave twice: told once */
	{
		struct victim_entry twice[2] = { entry(104, killed), entry(104, killed) };

		fake_stat(104, 'D', 0);
		nr_told = 0;
		assert_int_equal(not_gone__check(w, twice, 2, now, keep, NULL), 0);
		assert_int_equal(nr_told, 1);
		assert_int_equal(told[0].tid, 104);
		assert_int_equal(told[0].state, 'D');
		nr_told = 0;
	}

	not_gone__free(w);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(state_and_start_of_a_stat_line),
		cmocka_unit_test(told_once_and_only_while_there),
	};

	return cmocka_run_group_tests_name("not_gone", tests, NULL, NULL);
}
