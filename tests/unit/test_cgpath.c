// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cgpath.h"

/* leaf first, as the BPF walk fills them; the root's name is never printed */
static char names[OOMT_CG_DEPTH][OOMT_CG_NAME_LEN] = {
	"oomtrace-e2e",
	"eece8d3b",
	"process_api",
	"/",
};

static void assert_path(unsigned int depth, unsigned int level, int trunc, const char *want)
{
	char buf[512];

	assert_int_equal(cgpath__join((const char(*)[OOMT_CG_NAME_LEN])names, depth, level, trunc,
				      buf, sizeof(buf)),
			 strlen(want));
	assert_string_equal(buf, want);
}

static void paths_from_leaf_and_ancestors(void **state)
{
	assert_path(4, 0, 0, "/process_api/eece8d3b/oomtrace-e2e");
	assert_path(4, 1, 0, "/process_api/eece8d3b");
	assert_path(4, 2, 0, "/process_api");
	assert_path(4, 3, 0, "/");
	/* a task in the root cgroup */
	assert_path(1, 0, 0, "/");
}

static void truncated_walk_is_marked(void **state)
{
	/* the walk stopped before the root: every name is a real level */
	assert_path(3, 0, 1, ".../process_api/eece8d3b/oomtrace-e2e");
	assert_path(3, 2, 1, ".../process_api");
}

static void bad_level_and_short_buffer(void **state)
{
	char buf[12];

	assert_int_equal(
	    cgpath__join((const char(*)[OOMT_CG_NAME_LEN])names, 4, 4, 0, buf, sizeof(buf)),
	    -EINVAL);
	assert_int_equal(
	    cgpath__join((const char(*)[OOMT_CG_NAME_LEN])names, 0, 0, 0, buf, sizeof(buf)),
	    -EINVAL);
	assert_int_equal(
	    cgpath__join((const char(*)[OOMT_CG_NAME_LEN])names, 4, 0, 0, buf, sizeof(buf)),
	    -ENAMETOOLONG);
}

static void unterminated_name_is_bounded(void **state)
{
	static char longname[OOMT_CG_DEPTH][OOMT_CG_NAME_LEN];
	char buf[OOMT_CG_NAME_LEN * 2];

	memset(longname[0], 'x', OOMT_CG_NAME_LEN);
	strcpy(longname[1], "/");
	assert_int_equal(
	    cgpath__join((const char(*)[OOMT_CG_NAME_LEN])longname, 2, 0, 0, buf, sizeof(buf)),
	    OOMT_CG_NAME_LEN + 1);
}

static void under_a_subtree(void **state)
{
	assert_true(cgpath__under("/kubepods.slice/pod1", "/kubepods.slice"));
	assert_true(cgpath__under("/kubepods.slice/pod1", "/kubepods.slice/"));
	assert_true(cgpath__under("/kubepods.slice", "/kubepods.slice"));
	assert_true(cgpath__under("/anything", "/"));
	assert_false(cgpath__under("/kubepods.slicex", "/kubepods.slice"));
	assert_false(cgpath__under("/kube", "/kubepods.slice"));
	assert_false(cgpath__under("/system.slice", "/kubepods.slice/"));
}

static void levels_below_the_root(void **state)
{
	assert_int_equal(cgpath__level("/"), 0);
	assert_int_equal(cgpath__level("/a"), 1);
	assert_int_equal(cgpath__level("/kubepods.slice/pod1/ctr"), 3);
	assert_int_equal(cgpath__level("/a//b/"), 2);
	assert_int_equal(cgpath__level(".../b"), -1);
	assert_int_equal(cgpath__level(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths_from_leaf_and_ancestors),
		cmocka_unit_test(truncated_walk_is_marked),
		cmocka_unit_test(bad_level_and_short_buffer),
		cmocka_unit_test(unterminated_name_is_bounded),
		cmocka_unit_test(under_a_subtree),
		cmocka_unit_test(levels_below_the_root),
	};

	return cmocka_run_group_tests_name("cgpath", tests, NULL, NULL);
}
