/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* oomtrace top: who the OOM killer would pick now, and why. */
#ifndef __OOMTRACE_TOP_H
#define __OOMTRACE_TOP_H

#include <signal.h>
#include "options.h"

/* Returns an enum exit_code. */
int top__run(const struct options *opts, volatile sig_atomic_t *stop);

#endif
