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
#include "json.h"

static void assert_json(const char *in, size_t n, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_string(f, in, n);
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void plain_and_special_characters(void **state)
{
	assert_json("oom-trigger", 16, "\"oom-trigger\"");
	assert_json("", 16, "\"\"");
	assert_json("a\"b\\c", 16, "\"a\\\"b\\\\c\"");
	assert_json("tab\there\n", 16, "\"tab\\there\\n\"");
	assert_json("\x01\x1f\x7f", 16, "\"\\u0001\\u001f\\u007f\"");
}

static void stops_at_nul_or_length(void **state)
{
	/* a comm fills all 16 bytes with no NUL */
	assert_json("0123456789abcdefXYZ", 16, "\"0123456789abcdef\"");
	assert_json("ab\0cd", 5, "\"ab\"");
}

static void utf8_kept_invalid_bytes_replaced(void **state)
{
	assert_json("caf\xc3\xa9", 16, "\"caf\xc3\xa9\"");
	assert_json("\xe2\x82\xac\xf0\x9f\x90\xb3", 16, "\"\xe2\x82\xac\xf0\x9f\x90\xb3\"");
	/* stray continuation, overlong, surrogate, cut short by the length */
	assert_json("\x80x", 16, "\"\\ufffdx\"");
	assert_json("\xc0\xaf", 16, "\"\\ufffd\\ufffd\"");
	assert_json("\xed\xa0\x80", 16, "\"\\ufffd\\ufffd\\ufffd\"");
	assert_json("ab\xe2\x82\xac", 4, "\"ab\\ufffd\\ufffd\"");
	assert_json("\xff\xfe", 16, "\"\\ufffd\\ufffd\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_and_special_characters),
		cmocka_unit_test(stops_at_nul_or_length),
		cmocka_unit_test(utf8_kept_invalid_bytes_replaced),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
