/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --source kmsg: kill records from the kernel's own OOM reports, read
 * live from /dev/kmsg or from saved log text (--input), for hosts where
 * BPF cannot be loaded.
 */
#ifndef __OOMTRACE_KMSG_SOURCE_H
#define __OOMTRACE_KMSG_SOURCE_H

#include <signal.h>
#include "options.h"

/*
 * Why BPF cannot be loaded here, as a phrase for the fallback warning
 * ("no kernel BTF ..."), or NULL when it may well load: no privilege, no
 * (usable) BTF, a lockdown that forbids it.
 */
const char *kmsg_source__why_not_bpf(const struct options *opts, int *exit_code);
/* Whether a failed tracer__new() (errno err, exit code) calls for the kernel log. */
bool kmsg_source__should_fall_back(int err, int exit_code);
/*
 * Follow /dev/kmsg from its end, or parse opts->input, until *stop, the
 * end of the input or a closed reader.  why: the fallback's reason,
 * warned once; NULL when the kernel log was asked for.  Returns an enum
 * exit_code.
 */
int kmsg_source__run(const struct options *opts, volatile sig_atomic_t *stop, const char *why);

#endif
