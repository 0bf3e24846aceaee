/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The memory controller's cgroup hierarchy as mounted here (v1, v2 or
 * hybrid): paths of memory cgroups by their cgroup id.
 */
#ifndef __OOMTRACE_CGROUPS_H
#define __OOMTRACE_CGROUPS_H

#include <stddef.h>
#include <stdio.h>

struct cgroups;

/* NULL with errno ENOENT when no hierarchy carries the memory controller. */
struct cgroups *cgroups__open(void);
/* As cgroups__open(), over a given mount point (tests); others may be NULL. */
struct cgroups *cgroups__open_at(const char *mount, int version, const char *const *others);
void cgroups__free(struct cgroups *cg);
int cgroups__version(const struct cgroups *cg);
const char *cgroups__mount(const struct cgroups *cg);
/* The directory of memcg path (as the kernel prints it) into buf: its length, or -ENAMETOOLONG. */
int cgroups__dir(const struct cgroups *cg, const char *path, char *buf, size_t size);

/*
 * The path of memory cgroup id as the kernel prints it ("/" or "/a/b"), or
 * NULL: errno ENOENT when it is not (or no longer) there, EAGAIN when the
 * rescan that could find it was held back by the rate limit.  Paths are
 * cached.  A miss opens the id as a file handle (cgroupfs, as root) and
 * reads its path back; where that cannot be done, it rescans the
 * hierarchy's directories (never its files), at most once a second
 * (cgroups__set_rescan_ns()).  An id found missing is remembered as gone
 * and costs nothing again.  Valid until the next call.
 */
const char *cgroups__path(struct cgroups *cg, unsigned long long id);
/* The least time between two rescans, in ns (tests; 0: every new miss rescans). */
void cgroups__set_rescan_ns(struct cgroups *cg, long long ns);

/* What cgroups__path() has cost so far. */
struct cgroups_stats {
	unsigned long long lookups, misses;
	unsigned long long rescans;	 /* walks of the hierarchy */
	unsigned long long rate_limited; /* misses answered EAGAIN, not rescanned */
	unsigned long long by_handle;	 /* misses answered by opening the id */
	long long rescan_last_ns, rescan_max_ns;
	size_t dirs; /* cgroups the last rescan found */
};
void cgroups__stats(const struct cgroups *cg, struct cgroups_stats *st);

/*
 * A --cgroup argument to the memory cgroup it names: a path as the kernel
 * prints it ("/kubepods.slice"), or one under any cgroup mount
 * ("/sys/fs/cgroup/unified/kubepods.slice" on a hybrid host maps to the
 * memory hierarchy's "/kubepods.slice").  Fills rel with the kernel's form
 * and id with its cgroup id.  0, -EINVAL (".." or empty), -ENOENT (no
 * such memory cgroup), -ENOTDIR (a file, not a cgroup).
 */
int cgroups__resolve(const struct cgroups *cg, const char *arg, char *rel, size_t size,
		     unsigned long long *id);

/* cgroups__resolve(), saying on err what is wrong with arg; cg may be NULL. */
int cgroups__resolve_arg(const struct cgroups *cg, const char *arg, char *rel, size_t size,
			 unsigned long long *id, FILE *err);

/*
 * From a /proc/self/mountinfo stream: the mount point of the hierarchy with
 * the memory controller and its version (1 or 2).  0, or -ENOENT.
 */
int cgroups__find_memory_mount(FILE *mountinfo, char *mount, size_t size, int *version);

#endif
