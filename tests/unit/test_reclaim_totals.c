// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include "reclaim_totals.h"
#include "stats.h"

/* A map shaped as bpf/oomtrace.bpf.h's memcg_reclaim; -1 without BPF (not root). */
static int make_map(void)
{
	return bpf_map_create(BPF_MAP_TYPE_HASH, "test_reclaim", sizeof(__u64),
			      sizeof(struct memcg_reclaim), 16, NULL);
}

struct seen {
	int calls;
	bool other;
	struct memcg_reclaim r;
};

static void collect(void *ctx, const char *memcg, bool other, const struct memcg_reclaim *r)
{
	struct seen *s = ctx;

	assert_null(memcg); /* no hierarchy given: nothing named */
	s->calls++;
	s->other = other;
	s->r = *r;
}

static void kernel_and_user_totals_add_up(void **state)
{
	struct memcg_reclaim k = { .first_ns = 5, .episodes = 2, .passes = 7, .stall_ns = 3000,
				   .scanned = 40, .reclaimed = 4 };
	struct reclaim_episode ep = { .memcg_id = 42, .passes = 1, .stall_ns = 1000, .scanned = 2 };
	struct memcg_reclaim other = {};
	volatile __u64 folded = 0;
	struct reclaim_totals *rt;
	struct seen s = {};
	__u64 id = 42;
	int fd = make_map();

	if (fd < 0)
		skip(); /* needs CAP_BPF: run as root */
	k.hist[stats__stall_bucket(1000)] = 1;
	k.hist[stats__stall_bucket(2000)] = 1;
	assert_int_equal(bpf_map_update_elem(fd, &id, &k, BPF_ANY), 0);
	rt = reclaim_totals__new(fd, &other, &folded, NULL);
	assert_non_null(rt);
	/* nothing folded yet as far as the counter says: the map is not read */
	assert_int_equal(reclaim_totals__read(rt, 0), 0);
	reclaim_totals__each(rt, collect, &s);
	assert_int_equal(s.calls, 0);

	folded = 2;
	assert_int_equal(reclaim_totals__read(rt, 0), 0);
	reclaim_totals__add(rt, &ep);
	reclaim_totals__each(rt, collect, &s);
	assert_int_equal(s.calls, 1);
	assert_false(s.other);
	assert_int_equal(s.r.episodes, 3);
	assert_int_equal(s.r.passes, 8);
	assert_int_equal(s.r.stall_ns, 4000);
	assert_int_equal(s.r.scanned, 42);
	assert_int_equal(s.r.first_ns, 5); /* the kernel's came first */
	assert_int_equal(s.r.hist[stats__stall_bucket(1000)], 2);

	/* news: all of it once, then nothing until more comes */
	memset(&s, 0, sizeof(s));
	reclaim_totals__news(rt, collect, &s);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.r.episodes, 3);
	memset(&s, 0, sizeof(s));
	reclaim_totals__news(rt, collect, &s);
	assert_int_equal(s.calls, 0);

	/* the kernel adds passes to one more episode; rate-limited, then read */
	k.episodes = 3;
	k.passes = 10;
	assert_int_equal(bpf_map_update_elem(fd, &id, &k, BPF_ANY), 0);
	folded = 3;
	assert_int_equal(reclaim_totals__read(rt, 3600000000000ULL), 0);
	reclaim_totals__news(rt, collect, &s);
	assert_int_equal(s.calls, 0);
	assert_int_equal(reclaim_totals__read(rt, 0), 0);
	reclaim_totals__news(rt, collect, &s);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.r.episodes, 1);
	assert_int_equal(s.r.passes, 3);

	/* the row of memcgs past the map's size */
	other.episodes = 4;
	other.passes = 4;
	folded = 7;
	assert_int_equal(reclaim_totals__read(rt, 0), 0);
	memset(&s, 0, sizeof(s));
	reclaim_totals__news(rt, collect, &s);
	assert_int_equal(s.calls, 1);
	assert_true(s.other);
	assert_int_equal(s.r.episodes, 4);
	reclaim_totals__free(rt);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_and_user_totals_add_up),
	};

	return cmocka_run_group_tests_name("reclaim_totals", tests, NULL, NULL);
}
