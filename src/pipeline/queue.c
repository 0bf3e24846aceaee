// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "queue.h"

struct queue {
	size_t nr, slot_size;
	size_t head, len, high_water;
	size_t *sizes;
	unsigned char *slots;
};

struct queue *queue__new(size_t nr, size_t slot_size)
{
	struct queue *q;

	if (!nr || !slot_size || nr > ((size_t)-1) / slot_size) {
		errno = EINVAL;
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->nr = nr;
	q->slot_size = slot_size;
	q->sizes = calloc(nr, sizeof(*q->sizes));
	q->slots = malloc(nr * slot_size);
	if (!q->sizes || !q->slots) {
		queue__free(q);
		errno = ENOMEM;
		return NULL;
	}
	/*
	 * Touched now: a record under memory pressure never waits for a page.
	 * Not with zeroes, which the compiler may turn, with the malloc(), into
	 * a calloc() that leaves fresh pages untouched.
	 */
	memset(q->slots, 0xa5, nr * slot_size);
	return q;
}

void queue__free(struct queue *q)
{
	if (!q)
		return;
	free(q->sizes);
	free(q->slots);
	free(q);
}

bool queue__push(struct queue *q, const void *data, size_t size)
{
	size_t tail;

	if (q->len == q->nr || size > q->slot_size)
		return false;
	tail = (q->head + q->len) % q->nr;
	memcpy(q->slots + tail * q->slot_size, data, size);
	q->sizes[tail] = size;
	if (++q->len > q->high_water)
		q->high_water = q->len;
	return true;
}

const void *queue__peek(const struct queue *q, size_t *size)
{
	if (!q->len)
		return NULL;
	*size = q->sizes[q->head];
	return q->slots + q->head * q->slot_size;
}

void queue__pop(struct queue *q)
{
	if (!q->len)
		return;
	q->head = (q->head + 1) % q->nr;
	q->len--;
}

size_t queue__len(const struct queue *q)
{
	return q->len;
}

size_t queue__high_water(const struct queue *q)
{
	return q->high_water;
}
