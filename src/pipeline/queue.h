/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A bounded FIFO of copied records of any size up to a limit, in one
 * buffer allocated and touched once at the start: the ring buffers are
 * emptied into it at once, and the slow work (enrichment from the kernel
 * and cgroupfs, writing) takes records from it behind.  A record takes
 * its own size (plus a small header), so a victim's 100-byte exit record
 * does not cost a 3 KiB kill record's room.  Full is full: the caller
 * counts what did not fit as dropped.  Not locked: one thread pushes, one
 * pops, under the caller's lock.
 */
#ifndef __OOMTRACE_QUEUE_H
#define __OOMTRACE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

struct queue;

/* bytes of room, records of max_record bytes at most; NULL and errno on failure. */
struct queue *queue__new(size_t bytes, size_t max_record);
void queue__free(struct queue *q);
/* Copy size bytes in at the tail; false when there is no room or size exceeds max_record. */
bool queue__push(struct queue *q, const void *data, size_t size);
/*
 * The record at the head and its size; NULL when empty.  It stays where it
 * is, untouched by later pushes, until queue__pop().
 */
const void *queue__peek(const struct queue *q, size_t *size);
void queue__pop(struct queue *q);
/* Records held. */
size_t queue__len(const struct queue *q);
/* Bytes of room left, as queue__push() counts them (with headers). */
size_t queue__room(const struct queue *q);
/* What one record of size bytes takes of the room. */
size_t queue__cost(size_t size);
/* The most records it held at once. */
size_t queue__high_water(const struct queue *q);

#endif
