/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Prometheus metrics: a registry of counter series and its rendering in
 * the text exposition format (version 0.0.4).  Thread-safe: the tracer
 * counts on its thread while the HTTP server renders on its own.
 */
#ifndef __OOMTRACE_METRICS_H
#define __OOMTRACE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

/* memcg label series per family, before the rest fold into "(other)" */
#define METRICS_MAX_SERIES 1024
#define METRICS_OTHER	   "(other)"

enum metrics_dropped {
	METRICS_DROPPED_OOM_KILL,
	METRICS_DROPPED_RECLAIM_STALL,
	METRICS_DROPPED_OOM_REAPED,
	METRICS_DROPPED_KERNEL_LOG, /* --source kmsg: log records overwritten unread */
	METRICS_DROPPED_TYPES,
};

struct metrics;

/*
 * max_series: kill series and reclaim series each hold at most this many
 * (METRICS_MAX_SERIES in use; tests pass less).  start_time_s: when the
 * process started, in seconds since the epoch.
 */
struct metrics *metrics__new(size_t max_series, double start_time_s);
void metrics__free(struct metrics *m);
/* The build_info labels; until set, hooks="". */
int metrics__set_info(struct metrics *m, const char *version, const char *hooks);
/* up: 1 while tracing, 0 for the last file written at exit. */
void metrics__set_up(struct metrics *m, int up);
/*
 * One kill.  memcg: the OOM memcg's path, or "(global)"; container and
 * pod_uid "" when none; constraint NULL or unknown: "unknown".
 */
int metrics__add_kill(struct metrics *m, const char *memcg, const char *container,
		      const char *pod_uid, const char *constraint);
/* One victim the kernel marked while it was already exiting: not a kill. */
void metrics__add_already_exiting(struct metrics *m);
/* One more victim still there 10 s after its kill. */
void metrics__add_not_gone(struct metrics *m);
/*
 * The kernel's kills less those reported, host-wide and summed over the
 * memcgs compared (see reconcile.h); known false: the series is left out.
 */
void metrics__set_unreconciled(struct metrics *m, bool host_known, long long host, bool memcg_known,
			       long long memcg);
/*
 * Closed reclaim episodes, episodes of them, and their sums; memcg NULL or
 * "": "(unknown)"; METRICS_OTHER: memcgs already folded by the caller,
 * counted as folded updates.
 */
int metrics__add_episodes(struct metrics *m, const char *memcg, unsigned long long episodes,
			  unsigned long long passes, unsigned long long stall_ns,
			  unsigned long long scanned, unsigned long long reclaimed);
/* The BPF side's running drop counts, by type. */
void metrics__set_dropped(struct metrics *m,
			  const unsigned long long dropped[METRICS_DROPPED_TYPES]);
/* One kill's verdict: the rules that named its limit and what filled it (verdict.h). */
void metrics__add_verdict(struct metrics *m, unsigned int limit_rule, unsigned int filled_rule);
/*
 * The runs of each BPF program the kernel skipped so far (bpf_prog_info's
 * recursion_misses, 5.12+), at most METRICS_MAX_PROGRAMS of them; never
 * called on a kernel that does not count them: no series then.
 */
#define METRICS_MAX_PROGRAMS 32
void metrics__set_missed_runs(struct metrics *m, const char *const *progs,
			      const unsigned long long *runs, size_t n);
/* Bumped by every change that alters the rendering: a writer's cue. */
unsigned long long metrics__generation(struct metrics *m);
/* The exposition text, malloc'ed and NUL-terminated; NULL with errno. */
char *metrics__render(struct metrics *m, size_t *len);

/* A label value escaped per the exposition format, into out (size n); -ENOSPC if short. */
int metrics__escape(const char *value, char *out, size_t n);
/*
 * --metrics: PORT, :PORT, ADDR:PORT or [V6ADDR]:PORT.  host gets the
 * address ("127.0.0.1" when none is given), *port the port (1..65535).
 * -EINVAL with a reason in *why if spec is none of them.
 */
int metrics__parse_listen(const char *spec, char *host, size_t host_len, unsigned int *port,
			  const char **why);

#endif
