/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where records go: stdout, or --output FILE opened safely. */
#ifndef __OOMTRACE_OUTFILE_H
#define __OOMTRACE_OUTFILE_H

#include <stdio.h>

/*
 * path NULL: stdout.  Otherwise appended to, created 0640; the last
 * component must not be a symlink, and only a regular file will do (not
 * a FIFO, not a device).  0, or -errno after saying why on stderr.
 */
int outfile__open(const char *path, FILE **out);

#endif
