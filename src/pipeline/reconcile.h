/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The kernel is the oracle: the kills a run reported, compared with the
 * kernel's own counts of them.  Host-wide, the change in /proc/vmstat
 * oom_kill since the start; per memory cgroup, the change in the victim's
 * memcg's local oom_kill count (v2 memory.events.local, else
 * memory.events; v1 memory.oom_control), which the kernel bumps in the
 * victim's memcg for every kill (MEMCG_OOM_KILL).
 *
 * A memcg's baseline is taken lazily: its first kill record registers
 * it, and the first comparison after that takes baseline = count - kills
 * reported there.  So a memcg's first kills seed it and cannot disagree;
 * what that hides (a record lost before the seed), the host-wide count
 * still catches.  Comparisons happen only at quiet moments, when the
 * caller has drained its source and no kill arrived for QUIET_NS, so
 * that records still in flight are not taken for missing ones.
 *
 * Pure: the counters are read through callbacks, the time is passed in.
 */
#ifndef __OOMTRACE_RECONCILE_H
#define __OOMTRACE_RECONCILE_H

#include <stdbool.h>

#define RECONCILE_QUIET_NS    1000000000ULL /* no kill record for this long */
#define RECONCILE_INTERVAL_NS 1000000000ULL /* and at most one comparison a second */
#define RECONCILE_MAX_MEMCGS  256	    /* memcgs compared; the host count covers the rest */

struct reconcile_counters {
	/* /proc/vmstat oom_kill into *count: 0, or -errno */
	int (*host)(void *ctx, unsigned long long *count);
	/* the local oom_kill count of memcg path (as the kernel prints it): 0, or -errno */
	int (*memcg)(void *ctx, const char *path, unsigned long long *count);
	void *ctx;
};

/*
 * Kills the source saw that the kernel counts but no record stands for
 * (a memory.oom.group kill counts its chosen task twice, and marks it
 * once), since the start: path NULL for the host's, else that memcg's.
 * 0, or -errno (then taken as none).
 */
typedef int (*reconcile_unrecorded_fn)(void *ctx, const char *path, unsigned long long *count);

enum reconcile_scope {
	RECONCILE_HOST = 0,
	RECONCILE_MEMCG = 1,
};

/* One comparison whose difference is new or changed. */
struct reconcile_diff {
	enum reconcile_scope scope;
	const char *memcg;	   /* RECONCILE_MEMCG: its path; NULL for the host */
	unsigned long long kernel; /* kills the kernel counted since the baseline */
	unsigned long long reported;
	long long diff;			  /* kernel - reported; 0: they agree again */
	unsigned long long dropped_kills; /* kill records the source lost so far */
};

/* Called for each difference found; non-zero stops the check and is returned. */
typedef int (*reconcile_fn)(void *ctx, const struct reconcile_diff *d);

struct reconcile;

/*
 * host: compare the host-wide count (false with --cgroup: the run sees
 * only part of the host's kills).  Reads the host baseline now, so call
 * it once the source sees every kill.  NULL with errno ENOMEM.
 */
struct reconcile *reconcile__new(const struct reconcile_counters *c, bool host);
/* The source's count of unrecorded kills (none if never set). */
void reconcile__set_unrecorded(struct reconcile *rc, reconcile_unrecorded_fn fn, void *ctx);
void reconcile__free(struct reconcile *rc);
/*
 * One kill record at now_ns (CLOCK_MONOTONIC).  counted: a kill the
 * kernel counts (false for a victim marked while already exiting, which
 * still delays the next comparison).  memcg: the victim's memcg path;
 * NULL or "": counted host-wide only.
 */
void reconcile__record(struct reconcile *rc, const char *memcg, bool counted,
		       unsigned long long now_ns);
/*
 * A kill whose victim's memcg is known only to lie within subtree (the
 * kernel log names no memcg for the further victims of a memory.oom.group
 * kill): counted host-wide, and no memcg within subtree is compared from
 * now on, since its count may hold kills we cannot place.
 */
void reconcile__record_within(struct reconcile *rc, const char *subtree,
			      unsigned long long now_ns);
/*
 * Compare, if the moment is quiet (or at_end: the run is over and the
 * source drained) and a second has passed since the last comparison.
 * fn hears of every difference that is new or changed and was seen by two
 * comparisons in a row (or at_end): the kernel counts a kill just before
 * the record of it is made, so one comparison can fall between the two.
 */
int reconcile__check(struct reconcile *rc, unsigned long long now_ns,
		     unsigned long long dropped_kills, bool at_end, reconcile_fn fn, void *ctx);
/* The host's kills since the start, as of the last comparison; false if not compared. */
bool reconcile__host_kills(const struct reconcile *rc, unsigned long long *kernel);
/*
 * The same for a summary; without it, *why says why not, for people (NULL:
 * nothing to say).  rc NULL: the source has no live counts (a saved log).
 */
bool reconcile__summary(const struct reconcile *rc, bool filtered, unsigned long long *kernel,
			const char **why);
/* The host's difference, and the sum of the memcgs'; false where nothing is compared. */
bool reconcile__host_diff(const struct reconcile *rc, long long *diff);
bool reconcile__memcg_diff(const struct reconcile *rc, long long *diff);

struct cgroups;

/*
 * With the live counters: /proc/vmstat, and the memcgs of cg's hierarchy
 * (cg NULL: the host's count only).
 */
struct reconcile *reconcile__open(struct cgroups *cg, bool host);

/* The oom_kill line of /proc/vmstat, memory.events(.local) or memory.oom_control text. */
int reconcile__parse_oom_kill(const char *text, unsigned long long *count);

#endif
