/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The memory controller's cgroup hierarchy as mounted here (v1, v2 or
 * hybrid): paths of memory cgroups by their cgroup id.
 */
#ifndef __OOMTRACE_CGROUPS_H
#define __OOMTRACE_CGROUPS_H

#include <stdio.h>

struct cgroups;

/* NULL with errno ENOENT when no hierarchy carries the memory controller. */
struct cgroups *cgroups__open(void);
/* As cgroups__open(), over a given mount point (tests). */
struct cgroups *cgroups__open_at(const char *mount, int version);
void cgroups__free(struct cgroups *cg);
int cgroups__version(const struct cgroups *cg);
const char *cgroups__mount(const struct cgroups *cg);

/*
 * The path of memory cgroup id as the kernel prints it ("/" or "/a/b"), or
 * NULL if it is not (or no longer) there.  A miss rescans the hierarchy,
 * at most once a second.  The string is valid until the next call.
 */
const char *cgroups__path(struct cgroups *cg, unsigned long long id);

/*
 * From a /proc/self/mountinfo stream: the mount point of the hierarchy with
 * the memory controller and its version (1 or 2).  0, or -ENOENT.
 */
int cgroups__find_memory_mount(FILE *mountinfo, char *mount, size_t size, int *version);

#endif
