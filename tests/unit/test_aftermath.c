// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The next victims of a kill, ranked once per OOM event: a memory.oom.group
 * kill's later records pick from the first one's ranking, each with its
 * own victim and marked left out, and get what a fresh ranking would give.
 */
#include <errno.h>
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
#include "procs.h"

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
static const struct procs_weigher *weigher; /* NULL: /proc */

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
	aftermath__read(r, cg, &host, weigher, &m, 0);
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

/*
 * A weigher as the task iterator is one: what it was asked for kept, and
 * the children weighed in reverse (child i holds 10 - i MiB), so that its
 * ranking is told apart from /proc's.
 */
static struct fake_weigher {
	size_t max_pids;
	int err;
	int calls, walks;
	int pids[NR_CHILDREN + 1];
	size_t nr_pids;
} fake;

static void add_weighed(struct procs_ranking *rk, int i)
{
	struct procs_cand c = { .pid = children[i], .rss_anon_kb = (10 - i) << 10 };

	snprintf(c.comm, sizeof(c.comm), "child%d", i);
	assert_int_equal(procs__ranking_add(rk, &c), 0);
}

static int fake_weigh(void *ctx, const struct procs_query *q, struct procs_ranking *rk)
{
	fake.calls++;
	if (fake.err)
		return fake.err;
	if (!q->pids) {
		fake.walks++;
		for (int i = 0; i < NR_CHILDREN; i++)
			if (children[i])
				add_weighed(rk, i);
		return 0;
	}
	assert_true(q->nr_pids <= fake.max_pids);
	fake.nr_pids = q->nr_pids;
	memcpy(fake.pids, q->pids, q->nr_pids * sizeof(*q->pids));
	for (size_t k = 0; k < q->nr_pids; k++)
		for (int i = 0; i < NR_CHILDREN; i++)
			if (children[i] && children[i] == q->pids[k])
				add_weighed(rk, i);
	return 0;
}

static size_t fake_max_pids(void *ctx)
{
	return fake.max_pids;
}

static const struct procs_weigher fake_weigher = { fake_weigh, NULL, fake_max_pids };

/* A memcg of no more processes than the weigher takes one at a time: given its pids */
static void a_small_memcg_is_weighed_by_its_pids(void **state)
{
	static struct oom_event r;

	memset(&fake, 0, sizeof(fake));
	fake.max_pids = NR_CHILDREN;
	weigher = &fake_weigher;
	read_kill(200, 0, NULL, 0, &r);
	weigher = NULL;
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.walks, 0);
	/* the memcg's every process, the victim among them (the weigher leaves it out) */
	assert_int_equal(fake.nr_pids, NR_CHILDREN);
	for (int i = 0; i < NR_CHILDREN; i++)
		assert_int_equal(fake.pids[i], children[i]);
	assert_int_equal(r.enrich.ranked_from, RANKED_ITER);
	/* the weigher's figures: child 1 outweighs child 2, the victim child 0 left out */
	assert_int_equal(r.nr_next, 3);
	assert_int_equal(r.next[0].pid, children[1]);
	assert_int_equal(r.next[1].pid, children[2]);
	free(r.next);
}

/* More processes than that: one walk of the node, no pids */
static void a_bigger_memcg_is_walked(void **state)
{
	static struct oom_event r;

	memset(&fake, 0, sizeof(fake));
	fake.max_pids = NR_CHILDREN - 1;
	weigher = &fake_weigher;
	read_kill(201, 0, NULL, 0, &r);
	weigher = NULL;
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.walks, 1);
	assert_int_equal(r.enrich.ranked_from, RANKED_ITER);
	assert_int_equal(r.next[0].pid, children[1]);
	free(r.next);
}

/* A weigher that fails: /proc, and only the memcg's processes, said so */
static void a_failed_weigher_falls_back_to_the_memcg_in_proc(void **state)
{
	static struct oom_event r;

	memset(&fake, 0, sizeof(fake));
	fake.err = -EOPNOTSUPP;
	weigher = &fake_weigher;
	read_kill(202, 4, NULL, 0, &r);
	weigher = NULL;
	assert_int_equal(fake.calls, 1);
	assert_int_equal(r.enrich.ranked_from, RANKED_PROC);
	assert_true(r.enrich.step_ns[ENRICH_PIDS] > 0);
	/* /proc's figures: child 3 holds the most after the victim */
	assert_int_equal(r.nr_next, 3);
	assert_int_equal(r.next[0].pid, children[3]);
	for (size_t i = 0; i < r.nr_next; i++)
		assert_true(r.next[i].pid == children[1] || r.next[i].pid == children[2] ||
			    r.next[i].pid == children[3]);
	free(r.next);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_small_memcg_is_weighed_by_its_pids),
		cmocka_unit_test(a_bigger_memcg_is_walked),
		cmocka_unit_test(a_failed_weigher_falls_back_to_the_memcg_in_proc),
		cmocka_unit_test(group_kill_ranks_once),
		cmocka_unit_test(no_event_no_reuse),
	};

	return cmocka_run_group_tests_name("aftermath", tests, start_children, end_children);
}
