// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "queue.h"

/*
 * Each record is a size header and its bytes, rounded up to 8, never split
 * by the buffer's end.  Unwrapped, the records lie in [head, tail) and the
 * room is [tail, end) and [0, head).  When a record does not fit before
 * the end, it goes to the start: the records then lie in [head, wrap_at)
 * and [0, tail), and the room is [tail, head).
 */
struct queue {
	unsigned char *buf;
	size_t cap, max_record;
	size_t head, tail, wrap_at;
	bool wrapped;
	size_t len, high_water;
};

#define HDR sizeof(size_t)

size_t queue__cost(size_t size)
{
	return HDR + ((size + 7) & ~(size_t)7);
}

struct queue *queue__new(size_t bytes, size_t max_record)
{
	struct queue *q;

	/* a quarter of the address space is no queue: refused before malloc is asked */
	if (!max_record || max_record > ((size_t)-1) / 4 || bytes > ((size_t)-1) / 4 ||
	    bytes < queue__cost(max_record)) {
		errno = EINVAL;
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->cap = bytes & ~(size_t)7;
	q->max_record = max_record;
	q->buf = malloc(q->cap);
	if (!q->buf) {
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	/*
	 * Touched now: a record under memory pressure never waits for a page.
	 * Not with zeroes, which the compiler may turn, with the malloc(), into
	 * a calloc() that leaves fresh pages untouched.
	 */
	memset(q->buf, 0xa5, q->cap);
	return q;
}

void queue__free(struct queue *q)
{
	if (!q)
		return;
	free(q->buf);
	free(q);
}

static void put(struct queue *q, size_t at, const void *data, size_t size)
{
	memcpy(q->buf + at, &size, HDR);
	memcpy(q->buf + at + HDR, data, size);
	q->tail = at + queue__cost(size);
	if (++q->len > q->high_water)
		q->high_water = q->len;
}

bool queue__push(struct queue *q, const void *data, size_t size)
{
	size_t need = queue__cost(size);

	if (size > q->max_record)
		return false;
	if (q->wrapped) {
		if (q->head - q->tail < need)
			return false;
		put(q, q->tail, data, size);
	} else if (q->cap - q->tail >= need) {
		put(q, q->tail, data, size);
	} else if (q->head >= need) {
		q->wrap_at = q->tail;
		q->wrapped = true;
		put(q, 0, data, size);
	} else {
		return false;
	}
	return true;
}

const void *queue__peek(const struct queue *q, size_t *size)
{
	if (!q->len)
		return NULL;
	memcpy(size, q->buf + q->head, HDR);
	return q->buf + q->head + HDR;
}

void queue__pop(struct queue *q)
{
	size_t size;

	if (!q->len)
		return;
	memcpy(&size, q->buf + q->head, HDR);
	q->head += queue__cost(size);
	if (q->wrapped && q->head == q->wrap_at) {
		q->head = 0;
		q->wrapped = false;
	}
	if (!--q->len) /* empty: start again at the start, the room whole */
		q->head = q->tail = 0, q->wrapped = false;
}

size_t queue__len(const struct queue *q)
{
	return q->len;
}

size_t queue__room(const struct queue *q)
{
	return q->wrapped ? q->head - q->tail : q->cap - q->tail + q->head;
}

size_t queue__high_water(const struct queue *q)
{
	return q->high_water;
}
