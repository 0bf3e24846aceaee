// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The next victims of a kill, ranked once per OOM event: a memory.oom.group
 * kill's later records pick from the first one's ranking, each with its
 * own victim and marked left out, and get what a fresh ranking would give.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "aftermath.h"
#include "cgroups.h"

#define NR_CHILDREN 5

static pid_t children[NR_CHILDREN];
static char dir[64];
static struct cgroups *cg;
static const struct host_info host = { .page_size = 4096, .totalram_pages = 1 << 20 };

/* Children holding 1, 2, ... MiB of their own, so that they rank in reverse order. */
static int start_children(void **state)
{
	char path[128];
	FILE *f;

	strcpy(dir, "/tmp/oomt-am-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (int i = 0; i < NR_CHILDREN; i++) {
		int fds[2];
		char c;

		if (pipe(fds))
			return -1;
		children[i] = fork();
		if (children[i] == 0) {
			size_t size = (size_t)(i + 1) << 21;
			/* volatile: stores the compiler may not drop */
			volatile char *p = malloc(size);

			for (size_t off = 0; p && off < size; off += 4096)
				p[off] = 1;
			if (write(fds[1], "x", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			return -1;
		close(fds[0]);
		fprintf(f, "%d\n", children[i]);
	}
	fclose(f);
	/* a fake hierarchy: the OOM memcg "/" is dir, listing the children */
	cg = cgroups__open_at(dir, 2, NULL);
	return cg ? 0 : -1;
}

static void end_child(int i)
{
	if (children[i] > 0) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
		children[i] = 0;
	}
}

static int end_children(void **state)
{
	char cmd[128];

	for (int i = 0; i < NR_CHILDREN; i++)
		end_child(i);
	cgroups__free(cg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* The kill of child victim in OOM event, the children in marked left out too. */
static void read_kill(unsigned long long event, int victim, const int *marked, size_t nr,
		      struct oom_event *r)
{
	static unsigned int tids[NR_CHILDREN];
	struct marked_tids m = { tids, nr };

	for (size_t i = 0; i < nr; i++)
		tids[i] = children[marked[i]];
	memset(r, 0, sizeof(*r));
	r->event_id = event;
	r->victim.pid = children[victim];
	r->known = EV_MEMCG | EV_TOTALPAGES;
	strcpy(r->memcg.path, "/");
	r->totalpages = 1 << 20;
	aftermath__read(r, cg, &host, NULL, &m, 0);
}

static void assert_same_next(const struct oom_event *a, const struct oom_event *b)
{
	assert_int_equal(a->nr_next, b->nr_next);
	for (size_t i = 0; i < a->nr_next; i++) {
		assert_int_equal(a->next[i].pid, b->next[i].pid);
		assert_int_equal(a->next[i].points, b->next[i].points);
		assert_string_equal(a->next[i].comm, b->next[i].comm);
	}
}

static void group_kill_ranks_once(void **state)
{
	static struct oom_event r, fresh;
	int marked[] = { 4, 3 };

	/* the first record: a ranking of its own, the victim left out */
	read_kill(100, 4, NULL, 0, &r);
	assert_false(r.enrich.next_cached);
	assert_int_equal(r.nr_next, 3);
	assert_int_equal(r.next[0].pid, children[3]);
	assert_int_equal(r.next[1].pid, children[2]);
	assert_int_equal(r.next[2].pid, children[1]);
	assert_true(r.next[0].points > r.next[1].points);
	assert_true(r.enrich.step_ns[ENRICH_PIDS] > 0 && r.enrich.step_ns[ENRICH_RANK] > 0);
	assert_int_equal(r.enrich.cut_short, 0);
	free(r.next);

	/* the next member of that event: picked from it, its own marked left out */
	read_kill(100, 2, marked, 2, &r);
	assert_true(r.enrich.next_cached);
	assert_int_equal(r.enrich.step_ns[ENRICH_PIDS], 0);
	/* and the same as a ranking made afresh for it (another event) */
	read_kill(101, 2, marked, 2, &fresh);
	assert_false(fresh.enrich.next_cached);
	assert_same_next(&r, &fresh);
	assert_int_equal(r.nr_next, 2);
	assert_int_equal(r.next[0].pid, children[1]);
	assert_int_equal(r.next[1].pid, children[0]);
	free(r.next);
	free(fresh.next);

	/* a process gone since the ranking is no next victim */
	read_kill(102, 4, NULL, 0, &r);
	free(r.next);
	end_child(3);
	read_kill(102, 2, NULL, 0, &r);
	assert_true(r.enrich.next_cached);
	assert_int_equal(r.nr_next, 2);
	assert_int_equal(r.next[0].pid, children[1]);
	free(r.next);
}

/* Records without an event id (0) are never taken for one event. */
static void no_event_no_reuse(void **state)
{
	static struct oom_event r;

	read_kill(0, 0, NULL, 0, &r);
	free(r.next);
	read_kill(0, 0, NULL, 0, &r);
	assert_false(r.enrich.next_cached);
	free(r.next);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(group_kill_ranks_once),
		cmocka_unit_test(no_event_no_reuse),
	};

	return cmocka_run_group_tests_name("aftermath", tests, start_children, end_children);
}
