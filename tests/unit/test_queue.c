// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "queue.h"

static void first_in_first_out_across_the_wrap(void **state)
{
	/* room for three records of up to 8 bytes */
	struct queue *q = queue__new(3 * queue__cost(8), 8);
	const char *rec;
	size_t size;

	assert_non_null(q);
	assert_null(queue__peek(q, &size));
	/* go round the ring twice: every record comes out whole, in order */
	for (int round = 0; round < 2; round++) {
		assert_true(queue__push(q, "one", 4));
		assert_true(queue__push(q, "two!", 5));
		assert_true(queue__push(q, "three", 6));
		assert_false(queue__push(q, "four", 5)); /* full: the caller drops it */
		assert_int_equal(queue__len(q), 3);
		rec = queue__peek(q, &size);
		assert_string_equal(rec, "one");
		assert_int_equal(size, 4);
		queue__pop(q);
		assert_true(queue__push(q, "four", 5));
		rec = queue__peek(q, &size);
		assert_string_equal(rec, "two!");
		queue__pop(q);
		rec = queue__peek(q, &size);
		assert_string_equal(rec, "three");
		queue__pop(q);
		rec = queue__peek(q, &size);
		assert_string_equal(rec, "four");
		queue__pop(q);
		assert_null(queue__peek(q, &size));
	}
	assert_int_equal(queue__high_water(q), 3);
	queue__pop(q); /* empty: nothing happens */
	assert_int_equal(queue__len(q), 0);
	queue__free(q);
}

static void a_record_larger_than_the_limit_is_refused(void **state)
{
	struct queue *q = queue__new(1024, 4);
	char big[5] = "abcd";

	assert_false(queue__push(q, big, sizeof(big)));
	assert_true(queue__push(q, big, 4));
	queue__free(q);
}

/* A small record takes its own size: many fit where one big one would. */
static void records_take_their_own_size(void **state)
{
	char big[256], small[8] = "exit", got[16];
	struct queue *q = queue__new(2 * queue__cost(sizeof(big)), sizeof(big));
	size_t size, room, n = 0;
	const char *rec;

	assert_non_null(q);
	memset(big, 'k', sizeof(big));
	assert_true(queue__push(q, big, sizeof(big)));
	room = queue__room(q);
	assert_int_equal(room, queue__cost(sizeof(big)));
	while (queue__push(q, small, sizeof(small)))
		n++;
	assert_int_equal(n, room / queue__cost(sizeof(small)));
	assert_true(queue__room(q) < queue__cost(sizeof(small)));
	assert_false(queue__push(q, big, sizeof(big)));
	/* the big one out: its room is at the start, and the next big one wraps to it */
	rec = queue__peek(q, &size);
	assert_int_equal(size, sizeof(big));
	assert_int_equal(rec[0], 'k');
	queue__pop(q);
	assert_true(queue__push(q, big, sizeof(big)));
	for (size_t i = 0; i < n; i++) {
		rec = queue__peek(q, &size);
		assert_int_equal(size, sizeof(small));
		memcpy(got, rec, size);
		assert_string_equal(got, "exit");
		queue__pop(q);
	}
	rec = queue__peek(q, &size);
	assert_int_equal(size, sizeof(big));
	queue__pop(q);
	assert_int_equal(queue__len(q), 0);
	assert_int_equal(queue__room(q), 2 * queue__cost(sizeof(big)));
	queue__free(q);
}

static void impossible_sizes_are_refused(void **state)
{
	errno = 0;
	assert_null(queue__new(0, 8));
	assert_int_equal(errno, EINVAL);
	assert_null(queue__new(1024, 0));
	/* no room for even one record of the limit */
	assert_null(queue__new(queue__cost(64) - 1, 64));
	assert_null(queue__new((size_t)-1 / 2, 4)); /* no such memory: refused, not asked for */
	assert_int_equal(errno, EINVAL);
	queue__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_in_first_out_across_the_wrap),
		cmocka_unit_test(a_record_larger_than_the_limit_is_refused),
		cmocka_unit_test(records_take_their_own_size),
		cmocka_unit_test(impossible_sizes_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
