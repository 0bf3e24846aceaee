// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "cgroups.h"

static const char mountinfo_hybrid[] =
    "25 30 0:23 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
    "33 25 0:28 / /sys/fs/cgroup ro shared:9 - tmpfs tmpfs ro,mode=755\n"
    "34 33 0:29 / /sys/fs/cgroup/unified rw shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
    "35 33 0:30 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
    "39 33 0:34 / /sys/fs/cgroup/memory rw shared:15 - cgroup cgroup rw,memory\n";

static const char mountinfo_v2[] =
    "25 30 0:23 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
    "33 25 0:28 / /sys/fs/cgroup rw shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";

static void finds_the_memory_hierarchy(void **state)
{
	char mount[256];
	int version;
	FILE *f = fmemopen((void *)mountinfo_hybrid, strlen(mountinfo_hybrid), "r");

	assert_int_equal(cgroups__find_memory_mount(f, mount, sizeof(mount), &version), 0);
	assert_string_equal(mount, "/sys/fs/cgroup/memory");
	assert_int_equal(version, 1);
	fclose(f);
	f = fmemopen((void *)mountinfo_v2, strlen(mountinfo_v2), "r");
	assert_int_equal(cgroups__find_memory_mount(f, mount, sizeof(mount), &version), 0);
	assert_string_equal(mount, "/sys/fs/cgroup");
	assert_int_equal(version, 2);
	fclose(f);
	f = fmemopen("25 30 0:23 / /sys rw - sysfs sysfs rw\n", 38, "r");
	assert_int_equal(cgroups__find_memory_mount(f, mount, sizeof(mount), &version), -ENOENT);
	fclose(f);
}

/* a fake hierarchy in a temporary directory, with a second "mount" */
static char root[64], other[64];

static int make_tree(void **state)
{
	char path[256];

	strcpy(root, "/tmp/oomt-cg-XXXXXX");
	strcpy(other, "/tmp/oomt-un-XXXXXX");
	if (!mkdtemp(root) || !mkdtemp(other))
		return -1;
	snprintf(path, sizeof(path), "%s/kubepods.slice", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/kubepods.slice/pod a", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/memory.stat", root);
	fclose(fopen(path, "w"));
	return 0;
}

static int remove_tree(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, other);
	return system(cmd);
}

static void resolves_paths_in_every_form(void **state)
{
	const char *const others[] = { other, NULL };
	struct cgroups *cg = cgroups__open_at(root, 1, others);
	unsigned long long id, want;
	char rel[256], path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/kubepods.slice", root);
	stat(path, &st);
	want = st.st_ino;

	assert_int_equal(cgroups__resolve(cg, "/kubepods.slice", rel, sizeof(rel), &id), 0);
	assert_string_equal(rel, "/kubepods.slice");
	assert_int_equal(id, want);
	/* no leading slash, doubled and trailing ones */
	assert_int_equal(cgroups__resolve(cg, "kubepods.slice//", rel, sizeof(rel), &id), 0);
	assert_string_equal(rel, "/kubepods.slice");
	/* absolute under the memory mount, and under another cgroup mount */
	snprintf(path, sizeof(path), "%s/kubepods.slice", root);
	assert_int_equal(cgroups__resolve(cg, path, rel, sizeof(rel), &id), 0);
	assert_string_equal(rel, "/kubepods.slice");
	snprintf(path, sizeof(path), "%s/kubepods.slice", other);
	assert_int_equal(cgroups__resolve(cg, path, rel, sizeof(rel), &id), 0);
	assert_int_equal(id, want);
	/* the root, and a name with a space */
	assert_int_equal(cgroups__resolve(cg, root, rel, sizeof(rel), &id), 0);
	assert_string_equal(rel, "/");
	assert_int_equal(cgroups__resolve(cg, "/kubepods.slice/pod a", rel, sizeof(rel), &id), 0);

	assert_int_equal(cgroups__resolve(cg, "/nope", rel, sizeof(rel), &id), -ENOENT);
	assert_int_equal(cgroups__resolve(cg, "/memory.stat", rel, sizeof(rel), &id), -ENOTDIR);
	assert_int_equal(cgroups__resolve(cg, "/kubepods.slice/../x", rel, sizeof(rel), &id),
			 -EINVAL);
	assert_int_equal(cgroups__resolve(cg, "./x", rel, sizeof(rel), &id), -EINVAL);
	assert_int_equal(cgroups__resolve(cg, "", rel, sizeof(rel), &id), -EINVAL);
	cgroups__free(cg);
}

static void paths_by_id_rescan_on_miss(void **state)
{
	struct cgroups *cg = cgroups__open_at(root, 1, NULL);
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/kubepods.slice/pod a", root);
	stat(path, &st);
	assert_string_equal(cgroups__path(cg, st.st_ino), "/kubepods.slice/pod a");
	stat(root, &st);
	assert_string_equal(cgroups__path(cg, st.st_ino), "/");
	/* a miss within a second of the last scan does not rescan */
	assert_null(cgroups__path(cg, 1));
	cgroups__free(cg);
}

static unsigned long long ino_of(const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* A cgroup made after the last rescan is found by the next one the rate limit allows. */
static void new_cgroups_are_found_within_the_rate_limit(void **state)
{
	struct cgroups *cg = cgroups__open_at(root, 1, NULL);
	struct cgroups_stats st;
	char path[256];

	assert_string_equal(cgroups__path(cg, ino_of("/kubepods.slice")), "/kubepods.slice");
	snprintf(path, sizeof(path), "%s/kubepods.slice/pod b", root);
	assert_int_equal(mkdir(path, 0755), 0);
	/* held back: a second rescan within the interval */
	errno = 0;
	assert_null(cgroups__path(cg, ino_of("/kubepods.slice/pod b")));
	assert_int_equal(errno, EAGAIN);
	cgroups__stats(cg, &st);
	assert_int_equal(st.rescans, 1);
	assert_int_equal(st.rate_limited, 1);
	cgroups__set_rescan_ns(cg, 0);
	assert_string_equal(cgroups__path(cg, ino_of("/kubepods.slice/pod b")),
			    "/kubepods.slice/pod b");
	/* and kept: found again without a walk */
	assert_string_equal(cgroups__path(cg, ino_of("/kubepods.slice/pod a")),
			    "/kubepods.slice/pod a");
	cgroups__stats(cg, &st);
	assert_int_equal(st.rescans, 2);
	assert_int_equal(st.dirs, 4);
	cgroups__free(cg);
}

/* An id a rescan did not find is gone: asking again walks nothing. */
static void misses_are_remembered(void **state)
{
	struct cgroups *cg = cgroups__open_at(root, 1, NULL);
	struct cgroups_stats st;
	unsigned long long file = ino_of("/memory.stat");

	cgroups__set_rescan_ns(cg, 0);
	/* files are not cgroups: the walk opens directories only */
	errno = 0;
	assert_null(cgroups__path(cg, file));
	assert_int_equal(errno, ENOENT);
	for (int i = 0; i < 3; i++)
		assert_null(cgroups__path(cg, file));
	cgroups__stats(cg, &st);
	assert_int_equal(st.rescans, 1);
	assert_int_equal(st.misses, 4);
	assert_int_equal(st.lookups, 4);
	/* a different unknown id still gets its one rescan */
	assert_null(cgroups__path(cg, file + 1000000));
	cgroups__stats(cg, &st);
	assert_int_equal(st.rescans, 2);
	cgroups__free(cg);
}

/* On the real hierarchy, as root: a cgroup is opened by its id, with no walk at all. */
static void real_cgroups_open_by_id(void **state)
{
	struct cgroups *cg = cgroups__open();
	struct cgroups_stats st;
	struct stat sb;

	if (!cg || geteuid() || stat(cgroups__mount(cg), &sb)) {
		cgroups__free(cg);
		skip(); /* needs a memory cgroup hierarchy, and root */
	}
	assert_string_equal(cgroups__path(cg, sb.st_ino), "/");
	cgroups__stats(cg, &st);
	if (!st.by_handle) {
		cgroups__free(cg);
		skip(); /* no file handles here (no CAP_DAC_READ_SEARCH): the walk stands in */
	}
	assert_int_equal(st.rescans, 0);
	errno = 0;
	assert_null(cgroups__path(cg, 1ULL << 62));
	assert_int_equal(errno, ENOENT);
	cgroups__stats(cg, &st);
	assert_int_equal(st.rescans, 0);
	cgroups__free(cg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_memory_hierarchy),
		cmocka_unit_test_setup_teardown(resolves_paths_in_every_form, make_tree,
						remove_tree),
		cmocka_unit_test_setup_teardown(paths_by_id_rescan_on_miss, make_tree, remove_tree),
		cmocka_unit_test_setup_teardown(new_cgroups_are_found_within_the_rate_limit,
						make_tree, remove_tree),
		cmocka_unit_test_setup_teardown(misses_are_remembered, make_tree, remove_tree),
		cmocka_unit_test(real_cgroups_open_by_id),
	};

	return cmocka_run_group_tests_name("cgroups", tests, NULL, NULL);
}
