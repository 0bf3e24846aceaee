// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The largest unreclaimable slab caches from /proc/slabinfo and /sys/kernel/slab. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "slab_caches.h"

static const char slabinfo[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables "
	"<limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n"
	"dentry            1000   2048    192   21    1 : tunables    0    0    0 : slabdata     98     98      0\n"
	"kmalloc-64      500000 524288     64   64    1 : tunables    0    0    0 : slabdata   8192   8192      0\n"
	"task_struct        200    256   8192    4    8 : tunables    0    0    0 : slabdata     64     64      0\n"
	"empty                0      0    512    8    1 : tunables    0    0    0 : slabdata      0      0      0\n"
	"a_name_longer_than_the_sixty_four_bytes_a_cache_name_may_take_here 1 1 4096 1 1 : tunables 0 0 0 : slabdata 1 1 0\n";

static void mark(const char *dir, const char *cache, const char *value)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, cache);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/reclaim_account", dir, cache);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(value, f);
	fclose(f);
}

static void unmark(const char *dir, const char *cache)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/reclaim_account", dir, cache);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", dir, cache);
	rmdir(path);
}

/* largest first by all objects; the reclaimable and the empty left out; the kernel's kB */
static void largest_unreclaimable_first(void **state)
{
	char dir[] = "/tmp/oomt-slab-XXXXXX";
	struct slab_cache c[SLAB_CACHES_MAX];
	int n;

	assert_non_null(mkdtemp(dir));
	mark(dir, "dentry", "1\n");
	mark(dir, "kmalloc-64", "0\n");
	n = slab_caches__unreclaimable(slabinfo, dir, c, SLAB_CACHES_MAX);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].name, "kmalloc-64");
	assert_int_equal(c[0].total_kb, 524288ULL * 64 / 1024);
	assert_int_equal(c[0].used_kb, 500000ULL * 64 / 1024);
	assert_string_equal(c[1].name, "task_struct");
	assert_int_equal(c[1].total_kb, 2048);
	/* at most max */
	assert_int_equal(slab_caches__unreclaimable(slabinfo, dir, c, 1), 1);
	/* no sysfs (the SLAB allocator): none can be told reclaimable */
	assert_int_equal(slab_caches__unreclaimable(slabinfo, NULL, c, SLAB_CACHES_MAX), 3);
	assert_string_equal(c[2].name, "dentry");
	/* no caches at all */
	assert_int_equal(slab_caches__unreclaimable("slabinfo - version: 2.1\n", dir, c, 3), 0);
	unmark(dir, "dentry");
	unmark(dir, "kmalloc-64");
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(largest_unreclaimable_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
