/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A tracer that a global OOM kills, or that stalls in reclaim faulting its
 * own pages back in, misses the kill it is there for: a live oomtrace
 * takes itself out of the OOM killer's reach and locks its memory.
 */
#ifndef __OOMTRACE_SELF_PROTECT_H
#define __OOMTRACE_SELF_PROTECT_H

#include <stdbool.h>

/*
 * Sets this process's oom_score_adj to -1000 and mlockall()s it where that
 * is allowed (CAP_IPC_LOCK, or an unlimited RLIMIT_MEMLOCK).  What is
 * refused is one warning on stderr, never an error; verbose says what was
 * applied.  Returns 0 when both were applied, else the first refusal's
 * negative errno.
 */
int self_protect__apply(bool verbose);

/* For --no-self-protect at -v: what this process keeps instead. */
void self_protect__report_off(void);

#endif
