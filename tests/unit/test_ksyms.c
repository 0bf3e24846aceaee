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
#include <cmocka.h>
#include "ksyms.h"

static const char kallsyms[] = "ffffffff81000000 T _stext\n"
			       "ffffffff81000100 t do_one\n"
			       "ffffffff81200000 D some_data\n"
			       "ffffffff81100000 T out_of_memory\n"
			       "ffffffff811003f0 t __pfx_oom_kill_process\n"
			       "ffffffff81100400 t oom_kill_process\n"
			       "ffffffff81100800 T bpf_trace_run2\n"
			       "ffffffff81100900 T __traceiter_mark_victim\n"
			       "ffffffffc0100000 t xfs_alloc\t[xfs]\n"
			       "ffffffffc0100800 t xfs_free\t[xfs]\n"
			       "ffffffffc0200000 t bpf_prog_1234_handler\t[bpf]\n"
			       "garbage line\n"
			       "0000000000000000 A fixed_percpu_data\n";

static struct ksyms *load(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct ksyms *ks;

	assert_non_null(f);
	ks = ksyms__load_file(f);
	fclose(f);
	return ks;
}

static void keeps_code_symbols_only(void **state)
{
	struct ksyms *ks = load(kallsyms);
	struct ksym s;

	assert_non_null(ks);
	/* not the data symbol, not the __pfx_ padding */
	assert_int_equal(ksyms__count(ks), 9);
	assert_false(ksyms__find(ks, "some_data", &s));
	assert_false(ksyms__find(ks, "__pfx_oom_kill_process", &s));
	assert_true(ksyms__find(ks, "oom_kill_process", &s));
	assert_int_equal(s.addr, 0xffffffff81100400);
	assert_null(s.module);
	/* one module name, shared by its symbols */
	assert_true(ksyms__find(ks, "xfs_free", &s));
	assert_string_equal(s.module, "xfs");
	ksyms__free(ks);
}

static void resolves_nearest_below(void **state)
{
	struct ksyms *ks = load(kallsyms);
	struct ksym s;
	char buf[128];

	assert_true(ksyms__resolve(ks, 0xffffffff81100400, &s));
	assert_string_equal(s.name, "oom_kill_process");
	/* the padding before a function belongs to the one before it */
	assert_true(ksyms__resolve(ks, 0xffffffff811003f8, &s));
	assert_string_equal(s.name, "out_of_memory");
	assert_false(ksyms__resolve(ks, 0xffffffff80000000, &s));
	/* far past the last symbol is unresolved, not a huge offset */
	assert_false(ksyms__resolve(ks, 0xffffffffd0000000, &s));

	ksyms__format(ks, 0xffffffff81100214, buf, sizeof(buf));
	assert_string_equal(buf, "out_of_memory+0x214");
	ksyms__format(ks, 0xffffffffc0100010, buf, sizeof(buf));
	assert_string_equal(buf, "xfs_alloc+0x10 [xfs]");
	ksyms__format(ks, 0xffffffffc0100810, buf, sizeof(buf));
	assert_string_equal(buf, "xfs_free+0x10 [xfs]");
	ksyms__format(ks, 0xffffffff80000000, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffff80000000");
	ksyms__free(ks);
}

static void skips_bpf_frames_on_top(void **state)
{
	struct ksyms *ks = load(kallsyms);
	unsigned long long stack[] = {
		0xffffffffd0000000, /* unresolved: the running program */
		0xffffffff81100810, /* bpf_trace_run2 */
		0xffffffff81100410, /* oom_kill_process */
		0xffffffff81100010,
	};
	unsigned long long plain[] = { 0xffffffff81100410, 0xffffffff81100810 };

	assert_int_equal(ksyms__bpf_frames(ks, stack, 4), 2);
	assert_int_equal(ksyms__bpf_frames(ks, plain, 2), 0);
	stack[0] = 0xffffffffc0200010; /* bpf_prog_... [bpf] */
	assert_int_equal(ksyms__bpf_frames(ks, stack, 4), 2);
	stack[1] = 0xffffffff81100910; /* __traceiter_mark_victim */
	assert_int_equal(ksyms__bpf_frames(ks, stack, 4), 2);
	/* nothing but unresolved frames: keep them all */
	stack[0] = stack[1] = stack[2] = stack[3] = 0xffffffffd0000000;
	assert_int_equal(ksyms__bpf_frames(ks, stack, 4), 0);
	ksyms__free(ks);
}

static void hidden_addresses_are_eperm(void **state)
{
	const char hidden[] = "0000000000000000 T _stext\n0000000000000000 t do_one\n";

	errno = 0;
	assert_null(load(hidden));
	assert_int_equal(errno, EPERM);
	errno = 0;
	assert_null(load(""));
	assert_int_equal(errno, EPERM);
}

static void loads_on_a_thread(void **state)
{
	char path[] = "/tmp/oomtrace-ksyms-XXXXXX";
	int fd = mkstemp(path);
	struct ksyms *ks;
	struct ksym s;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, kallsyms, strlen(kallsyms)), (ssize_t)strlen(kallsyms));
	close(fd);
	ks = ksyms__load_wait(ksyms__load_start(path));
	unlink(path);
	assert_non_null(ks);
	assert_true(ksyms__find(ks, "out_of_memory", &s));
	ksyms__free(ks);

	errno = 0;
	assert_null(ksyms__load_wait(ksyms__load_start("/nonexistent/kallsyms")));
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keeps_code_symbols_only),
		cmocka_unit_test(resolves_nearest_below),
		cmocka_unit_test(skips_bpf_frames_on_top),
		cmocka_unit_test(hidden_addresses_are_eperm),
		cmocka_unit_test(loads_on_a_thread),
	};

	return cmocka_run_group_tests_name("ksyms", tests, NULL, NULL);
}
