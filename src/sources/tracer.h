/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The live session: BPF attached, ring buffer polled, records written. */
#ifndef __OOMTRACE_TRACER_H
#define __OOMTRACE_TRACER_H

#include <signal.h>
#include <stdio.h>
#include "options.h"

struct tracer;

/*
 * Resolve --cgroup paths, load symbols, pick hooks, load and attach.  NULL
 * on failure, with *exit_code EXIT_USAGE for bad input (nothing attached).
 */
struct tracer *tracer__new(const struct options *opts, int *exit_code);
/* One line for the ready message: what the records stand on. */
const char *tracer__hooks(const struct tracer *t);
/* Poll until *stop is set or stdout goes away; returns an enum exit_code. */
int tracer__run(struct tracer *t, volatile sig_atomic_t *stop);
/*
 * Totals on f: kills seen, records dropped; with --json a summary record
 * too, and with --record a summary frame.  EXIT_FAILURE_RUNTIME if that
 * frame could not be written.
 */
int tracer__summary(const struct tracer *t, FILE *f);
void tracer__free(struct tracer *t);

#endif
