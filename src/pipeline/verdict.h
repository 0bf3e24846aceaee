/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Why the kill happened, in words: which limit was hit, what filled it and
 * why this victim; and, from its oom_reaped record, what followed.  Derived from the event's own figures alone, by the
 * rules docs/records.md lists ("The verdict"); where a figure is missing
 * the verdict says what it cannot tell, and never guesses.
 */
#ifndef __OOMTRACE_VERDICT_H
#define __OOMTRACE_VERDICT_H

#include "event.h"

#define VERDICT_LEN 192

/* Which rule gave each part: docs/records.md names them. */
enum verdict_limit {
	LIMIT_UNKNOWN = 0,
	LIMIT_MANUAL,	    /* order -1: sysrq-f or a write to /proc/sysrq-trigger, no limit hit */
	LIMIT_MEMCG,	    /* a memcg at its limit */
	LIMIT_ZONE_MIN,	    /* a zone below its min watermark */
	LIMIT_CONSTRAINED,  /* a cpuset's or mempolicy's nodes */
	LIMIT_MACHINE,	    /* the machine, no zone below min where the kill read them */
	VERDICT_LIMIT_RULES
};

enum verdict_filled {
	FILLED_UNKNOWN = 0,
	FILLED_VICTIM,	     /* the victim's anon memory is half the memcg's limit or more */
	FILLED_MEMCG_STATE,  /* the memcg's memory.stat, as read at arrival */
	FILLED_SLAB,	     /* unreclaimable slab outweighs the LRU pages (the kernel's own rule) */
	FILLED_LARGEST,	     /* the largest kind of memory, as a share of RAM */
	VERDICT_FILLED_RULES
};

enum verdict_victim {
	VICTIM_UNKNOWN = 0,
	VICTIM_EXITING,	    /* already exiting: marked, not killed */
	VICTIM_GROUP,	    /* a later victim of one OOM: memory.oom.group */
	VICTIM_ONLY,	    /* the only candidate left */
	VICTIM_ADJ,	    /* its oom_score_adj raised it */
	VICTIM_HIGHEST,	    /* the highest points */
};

struct verdict {
	enum verdict_limit limit_rule;
	enum verdict_filled filled_rule;
	enum verdict_victim victim_rule;
	char limit[VERDICT_LEN];  /* which limit was hit */
	char filled[VERDICT_LEN]; /* what filled it */
	char victim[VERDICT_LEN]; /* why this victim */
};

/* What followed a kill: its victim's oom_reaped record. */
enum verdict_followed {
	FOLLOWED_UNKNOWN = 0,
	FOLLOWED_REAPED,	 /* the oom_reaper freed its memory */
	FOLLOWED_REAPER_SKIPPED, /* the oom_reaper could not take its mm lock */
	FOLLOWED_EXITED,	 /* it exited before the oom_reaper acted */
	FOLLOWED_REAPER_STARTED, /* the oom_reaper began; no end or exit seen */
	FOLLOWED_NOT_GONE,	 /* still there a while after the kill */
};

struct verdict_after {
	enum verdict_followed rule;
	char text[VERDICT_LEN];
};

void verdict__derive(const struct oom_event *ev, struct verdict *v);
void verdict__followed(const struct reap_event *ev, struct verdict_after *v);
const char *verdict__followed_rule(enum verdict_followed r);
/* The verdict as one line: its three parts, each ending in a full stop. */
int verdict__line(const struct verdict *v, char *buf, size_t size);
const char *verdict__limit_rule(enum verdict_limit r);
const char *verdict__filled_rule(enum verdict_filled r);
const char *verdict__victim_rule(enum verdict_victim r);

#endif
