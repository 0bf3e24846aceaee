/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The largest unreclaimable slab caches, as the kernel's report lists them
 * ("Unreclaimable slab info:") when unreclaimable slab outweighs the LRU
 * pages: /proc/slabinfo for their sizes, /sys/kernel/slab for which are
 * reclaimable (SLAB_RECLAIM_ACCOUNT).
 */
#ifndef __OOMTRACE_SLAB_CACHES_H
#define __OOMTRACE_SLAB_CACHES_H

#define SLAB_CACHE_NAME_LEN 64
#define SLAB_CACHES_MAX	    10 /* the largest this many */

struct slab_cache {
	char name[SLAB_CACHE_NAME_LEN];
	unsigned long long used_kb, total_kb; /* active objects, all objects, times the object size */
};

/*
 * The largest caches of slabinfo (a /proc/slabinfo text) that sysfs_dir
 * (/sys/kernel/slab; NULL: not asked) does not mark reclaimable, largest
 * first, at most max of them.  The count, or -errno.
 */
int slab_caches__unreclaimable(const char *slabinfo, const char *sysfs_dir, struct slab_cache *out,
			       int max);

/*
 * One more cache into kept (*nr of them, at most max, largest total
 * first): in its place, or left out when max larger ones are kept.
 */
void slab_caches__keep_largest(struct slab_cache *kept, int *nr, int max,
			       const struct slab_cache *sc);

#endif
