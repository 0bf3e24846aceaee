/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Victims that are still there long after their kill: the kernel marked
 * them (BPF's victims map holds each until its exit), and no exit came.
 * A victim stopped by a tracer, stuck in uninterruptible sleep or pinned
 * by a thread that cannot die keeps its memcg charged, or the machine
 * short, while the OOM killer waits on it.  Each one is told once, as an
 * oom_not_gone record, NOT_GONE_NS after its kill; its exit, if it comes,
 * still streams its oom_reaped record.
 */
#ifndef __OOMTRACE_NOT_GONE_H
#define __OOMTRACE_NOT_GONE_H

#include <stddef.h>
#include "oomtrace.h"
#include "event.h"

/* how long after its kill a victim still there is told of */
#define NOT_GONE_NS (10ULL * 1000000000ULL)
/*
 * The most victims watched at once, of the victims map's 4096: a node with
 * more left unexited at once has the first this many (in the map's order)
 * watched.
 */
#define NOT_GONE_MAX 256

struct victim_entry {
	__u32 tid; /* the thread the kernel marked */
	struct victim_state v;
};

struct not_gone;

/* A watch reading /proc under proc_root ("/proc" but in tests); NULL: out of memory. */
struct not_gone *not_gone__new(const char *proc_root);
void not_gone__free(struct not_gone *w);

/*
 * The victims map (its fd) read at now_ns, CLOCK_MONOTONIC, into the
 * watch's own buffer, then not_gone__check() of it.
 */
int not_gone__scan(struct not_gone *w, int map_fd, unsigned long long now_ns,
		   int (*tell)(void *ctx, const struct reap_event *ev, const struct victim_state *v),
		   void *ctx);

/*
 * Of entries (the victims map as read at now_ns, CLOCK_MONOTONIC), each
 * victim killed NOT_GONE_NS or longer ago, not told of yet and still in
 * /proc (the same task: it started before its kill), to tell(), with its
 * entry (what --record keeps); the
 * first non-zero tell() returns ends it.  A victim /proc no longer has,
 * or has for a task started since, is not told of: its exit record was
 * lost, or it is someone else.
 */
int not_gone__check(struct not_gone *w, const struct victim_entry *entries, size_t n,
		    unsigned long long now_ns,
		    int (*tell)(void *ctx, const struct reap_event *ev, const struct victim_state *v),
		    void *ctx);

#endif
