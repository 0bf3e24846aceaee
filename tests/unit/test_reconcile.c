// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "cgroups.h"
#include "reconcile.h"

#define S 1000000000ULL /* a second, in ns */

/* Counters the test sets, as the kernel would bump them. */
struct fake {
	int host_err;
	unsigned long long host;
	struct {
		const char *path;
		unsigned long long count;
		int err;
	} memcg[4];
	int memcg_reads;
	/* what the check told */
	struct {
		enum reconcile_scope scope;
		char memcg[64];
		unsigned long long kernel, reported, dropped;
		long long diff;
	} told[16];
	int nr_told;
};

static int fake_host(void *ctx, unsigned long long *count)
{
	struct fake *f = ctx;

	*count = f->host;
	return f->host_err;
}

static int fake_memcg(void *ctx, const char *path, unsigned long long *count)
{
	struct fake *f = ctx;

	f->memcg_reads++;
	for (int i = 0; i < 4; i++) {
		if (f->memcg[i].path && !strcmp(f->memcg[i].path, path)) {
			*count = f->memcg[i].count;
			return f->memcg[i].err;
		}
	}
	return -ENOENT;
}

static int told(void *ctx, const struct reconcile_diff *d)
{
	struct fake *f = ctx;

	assert_true(f->nr_told < 16);
	f->told[f->nr_told].scope = d->scope;
	snprintf(f->told[f->nr_told].memcg, 64, "%s", d->memcg ?: "");
	f->told[f->nr_told].kernel = d->kernel;
	f->told[f->nr_told].reported = d->reported;
	f->told[f->nr_told].dropped = d->dropped_kills;
	f->told[f->nr_told].diff = d->diff;
	f->nr_told++;
	return 0;
}

static struct reconcile *open_fake(struct fake *f, bool host)
{
	struct reconcile_counters c = { fake_host, fake_memcg, f };

	return reconcile__new(&c, host);
}

/* Every kill the kernel counted was reported: nothing to tell, and the summary's figure. */
static void agreeing_counts_tell_nothing(void **state)
{
	struct fake f = { .host = 100, .memcg = { { "/a", 7 } } };
	struct reconcile *rc = open_fake(&f, true);
	unsigned long long k;
	const char *why;
	long long d;

	f.host = 103;
	f.memcg[0].count = 10;
	reconcile__record(rc, "/a", true, 10 * S);
	reconcile__record(rc, "/a", true, 10 * S);
	reconcile__record(rc, "/b", true, 10 * S);
	assert_false(reconcile__host_kills(rc, &k)); /* not compared yet */
	assert_int_equal(reconcile__check(rc, 12 * S, 0, false, told, &f), 0);
	assert_int_equal(f.nr_told, 0);
	assert_true(reconcile__host_kills(rc, &k));
	assert_int_equal(k, 3);
	assert_true(reconcile__host_diff(rc, &d));
	assert_int_equal(d, 0);
	assert_true(reconcile__memcg_diff(rc, &d));
	assert_int_equal(d, 0);
	k = 0;
	assert_true(reconcile__summary(rc, false, &k, &why));
	assert_int_equal(k, 3);
	assert_null(why);
	reconcile__free(rc);
}

/* Records in flight are not missing ones: no comparison within a second of a kill. */
static void waits_for_a_quiet_moment(void **state)
{
	struct fake f = { .host = 5 };
	struct reconcile *rc = open_fake(&f, true);
	unsigned long long k;

	f.host = 7; /* two kills, one record so far */
	reconcile__record(rc, NULL, true, 10 * S);
	reconcile__check(rc, 10 * S + S / 2, 0, false, told, &f);
	assert_int_equal(f.nr_told, 0);
	assert_false(reconcile__host_kills(rc, &k));
	reconcile__record(rc, NULL, true, 10 * S + S / 2);
	reconcile__check(rc, 12 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 0);
	assert_true(reconcile__host_kills(rc, &k));
	assert_int_equal(k, 2);
	/* a victim already exiting is no kill, but it is OOM activity: it delays too */
	f.host = 8;
	reconcile__record(rc, NULL, false, 13 * S);
	reconcile__check(rc, 13 * S + S / 2, 0, false, told, &f);
	assert_int_equal(f.nr_told, 0);
	/* at the end the moment need not be quiet */
	reconcile__check(rc, 13 * S + S / 2, 0, true, told, &f);
	assert_int_equal(f.nr_told, 1);
	assert_int_equal(f.told[0].kernel, 3);
	assert_int_equal(f.told[0].reported, 2);
	reconcile__free(rc);
}

/* A kill the kernel counted and no record told of: said once, with the drops, until it changes. */
static void a_missing_kill_is_told_once(void **state)
{
	struct fake f = { .host = 0 };
	struct reconcile *rc = open_fake(&f, true);

	f.host = 2;
	reconcile__record(rc, NULL, true, 1 * S);
	reconcile__check(rc, 3 * S, 1, false, told, &f);
	assert_int_equal(f.nr_told, 1);
	assert_int_equal(f.told[0].scope, RECONCILE_HOST);
	assert_string_equal(f.told[0].memcg, "");
	assert_int_equal(f.told[0].kernel, 2);
	assert_int_equal(f.told[0].reported, 1);
	assert_int_equal(f.told[0].diff, 1);
	assert_int_equal(f.told[0].dropped, 1);
	reconcile__check(rc, 5 * S, 1, false, told, &f);
	assert_int_equal(f.nr_told, 1); /* unchanged: not said again */
	/* at most once a second */
	f.host = 3;
	reconcile__check(rc, 5 * S + S / 2, 1, false, told, &f);
	assert_int_equal(f.nr_told, 1);
	reconcile__check(rc, 6 * S, 1, false, told, &f);
	assert_int_equal(f.nr_told, 2);
	assert_int_equal(f.told[1].diff, 2);
	/* the late record came after all (say): agreeing again is news too */
	reconcile__record(rc, NULL, true, 7 * S);
	reconcile__record(rc, NULL, true, 7 * S);
	reconcile__check(rc, 9 * S, 1, false, told, &f);
	assert_int_equal(f.nr_told, 3);
	assert_int_equal(f.told[2].diff, 0);
	reconcile__free(rc);
}

/*
 * A memcg's first comparison seeds it from the kills reported there; a
 * kill counted later and not reported shows, in the memcg and the host.
 */
static void memcgs_seed_lazily(void **state)
{
	struct fake f = { .host = 50, .memcg = { { "/a", 40 }, { "/b", 0 } } };
	struct reconcile *rc = open_fake(&f, true);
	long long d;

	assert_false(reconcile__memcg_diff(rc, &d));
	f.host = 51;
	f.memcg[0].count = 41; /* its 41st kill, and the run's first */
	reconcile__record(rc, "/a", true, 1 * S);
	reconcile__check(rc, 3 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 0);
	assert_true(reconcile__memcg_diff(rc, &d));
	assert_int_equal(d, 0);
	/* two more kills in /a, one reported */
	f.host = 53;
	f.memcg[0].count = 43;
	reconcile__record(rc, "/a", true, 4 * S);
	reconcile__check(rc, 6 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 2);
	assert_int_equal(f.told[0].scope, RECONCILE_HOST);
	assert_int_equal(f.told[0].diff, 1);
	assert_int_equal(f.told[1].scope, RECONCILE_MEMCG);
	assert_string_equal(f.told[1].memcg, "/a");
	assert_int_equal(f.told[1].kernel, 3);
	assert_int_equal(f.told[1].reported, 2);
	assert_int_equal(f.told[1].diff, 1);
	assert_true(reconcile__memcg_diff(rc, &d));
	assert_int_equal(d, 1);
	reconcile__free(rc);
}

/* With --cgroup only the memcgs compare; a memcg that goes away stops comparing. */
static void filtered_runs_compare_memcgs_only(void **state)
{
	struct fake f = { .host = 9, .memcg = { { "/k/pod", 0 } } };
	struct reconcile *rc = open_fake(&f, false);
	unsigned long long k;
	const char *why;
	long long d;

	f.host = 20; /* kills elsewhere on the host: none of ours */
	f.memcg[0].count = 1;
	reconcile__record(rc, "/k/pod", true, 1 * S);
	reconcile__check(rc, 3 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 0);
	assert_false(reconcile__host_kills(rc, &k));
	assert_false(reconcile__host_diff(rc, &d));
	f.memcg[0].err = -ENOENT; /* removed */
	f.memcg[0].count = 5;
	reconcile__check(rc, 5 * S, 0, false, told, &f);
	reconcile__check(rc, 7 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 0);
	assert_true(reconcile__memcg_diff(rc, &d));
	assert_int_equal(d, 0);
	assert_false(reconcile__summary(rc, true, &k, &why));
	assert_non_null(strstr(why, "--cgroup"));
	reconcile__free(rc);
	/* no live counts at all: a saved log */
	assert_false(reconcile__summary(NULL, false, &k, &why));
	assert_non_null(strstr(why, "saved log"));
}

/* No oom_kill in /proc/vmstat (before 4.13): the host is never compared. */
static void no_host_counter(void **state)
{
	struct fake f = { .host_err = -ENOENT };
	struct reconcile *rc = open_fake(&f, true);
	unsigned long long k;
	const char *why;

	reconcile__record(rc, NULL, true, 1 * S);
	reconcile__check(rc, 3 * S, 0, true, told, &f);
	assert_false(reconcile__host_kills(rc, &k));
	assert_int_equal(f.nr_told, 0);
	assert_false(reconcile__summary(rc, false, &k, &why));
	assert_non_null(strstr(why, "/proc/vmstat"));
	reconcile__free(rc);
}

/* Memcgs past the cap are left to the host's count: reads stay bounded. */
static void memcgs_are_bounded(void **state)
{
	struct fake f = { 0 };
	struct reconcile *rc = open_fake(&f, true);
	char path[32];

	for (int i = 0; i < RECONCILE_MAX_MEMCGS + 50; i++) {
		snprintf(path, sizeof(path), "/c%d", i);
		reconcile__record(rc, path, true, 1 * S);
	}
	reconcile__check(rc, 3 * S, 0, false, NULL, NULL);
	assert_int_equal(f.memcg_reads, RECONCILE_MAX_MEMCGS);
	reconcile__free(rc);
}

static void parses_oom_kill_lines(void **state)
{
	unsigned long long v = 0;

	assert_int_equal(reconcile__parse_oom_kill("pgfault 5\noom_kill 17\nthp 0\n", &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(reconcile__parse_oom_kill("oom_kill_disable 0\nunder_oom 0\n"
						   "oom_kill 3\n",
						   &v),
			 0);
	assert_int_equal(v, 3);
	assert_int_equal(reconcile__parse_oom_kill("low 0\nmax 4\noom 2\noom_group_kill 0\n", &v),
			 -ENOENT);
	assert_int_equal(reconcile__parse_oom_kill("oom_kill x\n", &v), -EINVAL);
	assert_int_equal(reconcile__parse_oom_kill("", &v), -ENOENT);
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * The live reader over a cgroupfs made of files: v2 prefers the local
 * count (memory.events is the subtree's), falls back to memory.events; v1
 * reads memory.oom_control.
 */
static void reads_the_memcg_files(void **state)
{
	char root[] = "/tmp/test_reconcile.XXXXXX", dir[256];
	const char *const names[] = { "local", "events", "v1" };
	struct cgroups *v2, *v1;
	struct reconcile *rc;
	struct fake f = { 0 };

	assert_non_null(mkdtemp(root));
	for (int i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", root, names[i]);
		assert_int_equal(mkdir(dir, 0755), 0);
	}
	snprintf(dir, sizeof(dir), "%s/local", root);
	put_file(dir, "memory.events.local", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n");
	put_file(dir, "memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 7\n");
	snprintf(dir, sizeof(dir), "%s/events", root);
	put_file(dir, "memory.events", "oom 1\noom_kill 1\n");
	snprintf(dir, sizeof(dir), "%s/v1", root);
	put_file(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
	v2 = cgroups__open_at(root, 2, NULL);
	v1 = cgroups__open_at(root, 1, NULL);
	assert_non_null(v2);
	assert_non_null(v1);

	rc = reconcile__open(v2, false);
	reconcile__record(rc, "/local", true, 1 * S);
	reconcile__record(rc, "/events", true, 1 * S);
	reconcile__check(rc, 3 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 0);
	/* one more kill in each, none reported */
	snprintf(dir, sizeof(dir), "%s/local", root);
	put_file(dir, "memory.events.local", "oom_kill 2\n");
	put_file(dir, "memory.events", "oom_kill 100\n"); /* the subtree's: not read */
	snprintf(dir, sizeof(dir), "%s/events", root);
	put_file(dir, "memory.events", "oom_kill 2\n");
	reconcile__check(rc, 5 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 2);
	assert_string_equal(f.told[0].memcg, "/local");
	assert_int_equal(f.told[0].kernel, 2);
	assert_int_equal(f.told[0].diff, 1);
	assert_string_equal(f.told[1].memcg, "/events");
	assert_int_equal(f.told[1].diff, 1);
	reconcile__free(rc);

	f.nr_told = 0;
	rc = reconcile__open(v1, false);
	reconcile__record(rc, "/v1", true, 1 * S);
	reconcile__check(rc, 3 * S, 0, false, told, &f);
	snprintf(dir, sizeof(dir), "%s/v1", root);
	put_file(dir, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
	reconcile__check(rc, 5 * S, 0, false, told, &f);
	assert_int_equal(f.nr_told, 1);
	assert_int_equal(f.told[0].kernel, 3);
	assert_int_equal(f.told[0].diff, 2);
	reconcile__free(rc);

	cgroups__free(v2);
	cgroups__free(v1);
	snprintf(dir, sizeof(dir), "rm -rf '%s'", root);
	assert_int_equal(system(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agreeing_counts_tell_nothing),
		cmocka_unit_test(waits_for_a_quiet_moment),
		cmocka_unit_test(a_missing_kill_is_told_once),
		cmocka_unit_test(memcgs_seed_lazily),
		cmocka_unit_test(filtered_runs_compare_memcgs_only),
		cmocka_unit_test(no_host_counter),
		cmocka_unit_test(memcgs_are_bounded),
		cmocka_unit_test(parses_oom_kill_lines),
		cmocka_unit_test(reads_the_memcg_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
