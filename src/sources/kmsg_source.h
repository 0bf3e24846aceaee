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
 * Follow /dev/kmsg from its end, or parse opts->input, until *stop, the
 * end of the input or a closed reader.  why: the fallback's reason,
 * warned once; NULL when the kernel log was asked for.  Returns an enum
 * exit_code.
 */
int kmsg_source__run(const struct options *opts, volatile sig_atomic_t *stop, const char *why);

#endif
