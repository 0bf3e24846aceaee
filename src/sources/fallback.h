/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --source auto: whether BPF can be loaded here, and if not, why, so that
 * main.c falls back to the kernel log (kmsg_source.c) with one warning.
 */
#ifndef __OOMTRACE_FALLBACK_H
#define __OOMTRACE_FALLBACK_H

#include <stdbool.h>
#include "options.h"

/*
 * Why BPF cannot be loaded here, as a phrase for the warning ("no kernel
 * BTF ..."), with the exit code that failure would have, or NULL when it
 * may well load: no privilege, no (usable) BTF, a lockdown forbidding it.
 */
const char *fallback__why_not_bpf(const struct options *opts, int *exit_code);
/* Whether a failed tracer__new() (its exit code) calls for the kernel log. */
bool fallback__after_failure(const struct options *opts, int exit_code);

#endif
