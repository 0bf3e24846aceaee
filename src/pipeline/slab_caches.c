// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "slab_caches.h"

#define MAX_CACHES 4096 /* more than any kernel has */

static int by_total_desc(const void *a, const void *b)
{
	const struct slab_cache *x = a, *y = b;

	return x->total_kb < y->total_kb ? 1 : x->total_kb > y->total_kb ? -1 : 0;
}

void slab_caches__keep_largest(struct slab_cache *kept, int *nr, int max,
			       const struct slab_cache *sc)
{
	int i;

	for (i = *nr; i > 0 && kept[i - 1].total_kb < sc->total_kb; i--)
		if (i < max)
			kept[i] = kept[i - 1];
	if (i < max) {
		kept[i] = *sc;
		if (*nr < max)
			(*nr)++;
	}
}

/* 1: sysfs_dir says the cache is reclaimable; 0: it says not, or cannot say */
static int reclaimable(const char *sysfs_dir, const char *name)
{
	char path[512], buf[8] = "";

	if (!sysfs_dir)
		return 0;
	snprintf(path, sizeof(path), "%s/%s/reclaim_account", sysfs_dir, name);
	return host__read_line(path, buf, sizeof(buf)) && buf[0] == '1';
}

int slab_caches__unreclaimable(const char *slabinfo, const char *sysfs_dir, struct slab_cache *out,
			       int max)
{
	struct slab_cache *all = calloc(MAX_CACHES, sizeof(*all));
	const char *l = slabinfo;
	int n = 0, kept = 0;

	if (!all)
		return -ENOMEM;
	/* "name active_objs num_objs objsize ..."; the version and "# name" lines are no caches */
	for (; l && *l && n < MAX_CACHES; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char name[SLAB_CACHE_NAME_LEN];
		unsigned long long active, num, size;

		_Static_assert(SLAB_CACHE_NAME_LEN == 64, "the width below");
		if (sscanf(l, "%63s %llu %llu %llu", name, &active, &num, &size) != 4 || !num)
			continue;
		snprintf(all[n].name, sizeof(all[n].name), "%s", name);
		all[n].used_kb = active * size / 1024;
		all[n].total_kb = num * size / 1024;
		n++;
	}
	qsort(all, n, sizeof(*all), by_total_desc);
	/* the largest first: only as many reclaim_account reads as it takes */
	for (int i = 0; i < n && kept < max; i++)
		if (!reclaimable(sysfs_dir, all[i].name))
			out[kept++] = all[i];
	free(all);
	return kept;
}
