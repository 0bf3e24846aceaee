/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Cgroup paths from the per-level names the BPF side collects. */
#ifndef __OOMTRACE_CGPATH_H
#define __OOMTRACE_CGPATH_H

#include <stdbool.h>
#include <stddef.h>
#include "oomtrace.h"

/*
 * names[0] is the leaf, names[depth - 1] the hierarchy's root unless
 * truncated (the walk stopped before the root).  Writes the path of the
 * cgroup at names[level] as the kernel prints it ("/" for the root,
 * "/a/b" below it, ".../b" when truncated).  Returns the length written,
 * or -EINVAL for a level outside the walk, -ENAMETOOLONG when buf is short.
 */
int cgpath__join(const char (*names)[OOMT_CG_NAME_LEN], unsigned int depth, unsigned int level,
		 int truncated, char *buf, size_t size);

/*
 * Whether path (as the kernel prints it) is root or below it: "/a/b" is
 * under "/a" and "/a/", not under "/ab"; everything is under "/".
 */
bool cgpath__under(const char *path, const char *root);

/*
 * A path's level (as the kernel prints it): how many directories below its
 * hierarchy's root, 0 for "/"; -1 for a path that is not absolute or was
 * truncated (".../b"), whose level is not known.
 */
int cgpath__level(const char *path);

#endif
