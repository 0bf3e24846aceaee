/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A bounded FIFO of copied records, allocated and touched once at the
 * start: the ring buffer is emptied into it at once, and the slow work
 * (enrichment from /proc and cgroupfs, writing) takes records from it
 * behind.  Full is full: the caller counts what did not fit as dropped.
 */
#ifndef __OOMTRACE_QUEUE_H
#define __OOMTRACE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct queue;

/* nr slots of slot_size bytes each; NULL and errno on failure. */
struct queue *queue__new(size_t nr, size_t slot_size);
void queue__free(struct queue *q);
/* Copy size bytes in at the tail; false when full or size exceeds a slot. */
bool queue__push(struct queue *q, const void *data, size_t size);
/* The record at the head and its size; NULL when empty. */
const void *queue__peek(const struct queue *q, size_t *size);
void queue__pop(struct queue *q);
size_t queue__len(const struct queue *q);
/* The most records it held at once. */
size_t queue__high_water(const struct queue *q);

#endif
