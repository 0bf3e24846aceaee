/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* oomtrace report FILE: a --record file printed again, on any machine. */
#ifndef __OOMTRACE_REPLAY_H
#define __OOMTRACE_REPLAY_H

#include <stdio.h>
#include "options.h"

/* Open opts->report_file (and --output) and replay it; an enum exit_code. */
int replay__run(const struct options *opts);
/* The recording in f, which messages call name, to out (tests, fuzzing). */
int replay__stream(FILE *f, const char *name, const struct options *opts, FILE *out);

#endif
