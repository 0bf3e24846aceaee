// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <string.h>
#include <cmocka.h>
#include "color.h"

static void parse_takes_three_words(void **state)
{
	assert_int_equal(color__parse("auto"), COLOR_AUTO);
	assert_int_equal(color__parse("always"), COLOR_ALWAYS);
	assert_int_equal(color__parse("never"), COLOR_NEVER);
	assert_int_equal(color__parse(""), -1);
	assert_int_equal(color__parse("Always"), -1);
	assert_int_equal(color__parse("yes"), -1);
	assert_int_equal(color__parse("auto "), -1);
}

/*
 * Every combination of mode, JSON, a terminal, NO_COLOR (unset, empty,
 * set) and TERM (unset, empty, dumb, xterm) against the rule written out
 * independently of color.c.
 */
static void every_combination(void **state)
{
	const enum color_mode modes[] = { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
	const char *no_colors[] = { NULL, "", "1" };
	const char *terms[] = { NULL, "", "dumb", "xterm-256color" };
	int on = 0, total = 0;

	for (size_t m = 0; m < 3; m++)
		for (int json = 0; json <= 1; json++)
			for (int tty = 0; tty <= 1; tty++)
				for (size_t n = 0; n < 3; n++)
					for (size_t t = 0; t < 4; t++) {
						bool want, got;

						if (json || modes[m] == COLOR_NEVER)
							want = false;
						else if (modes[m] == COLOR_ALWAYS)
							want = true;
						else
							want = tty && n != 2 && t == 3;
						got = color__enabled(modes[m], json, tty,
								     no_colors[n], terms[t]);
						assert_int_equal(got, want);
						on += got;
						total++;
					}
	assert_int_equal(total, 144);
	/* always: 2 ttys x 3 x 4 without JSON; auto: tty, NO_COLOR unset or empty, xterm */
	assert_int_equal(on, 24 + 2);
}

static void auto_cases_by_name(void **state)
{
	assert_true(color__enabled(COLOR_AUTO, false, true, NULL, "xterm"));
	assert_false(color__enabled(COLOR_AUTO, false, false, NULL, "xterm")); /* a pipe */
	assert_false(color__enabled(COLOR_AUTO, false, true, "1", "xterm"));
	assert_false(color__enabled(COLOR_AUTO, false, true, NULL, "dumb"));
	assert_false(color__enabled(COLOR_AUTO, false, true, NULL, NULL));
	assert_false(color__enabled(COLOR_AUTO, true, true, NULL, "xterm")); /* JSON */
	assert_true(color__enabled(COLOR_ALWAYS, false, false, "1", "dumb"));
	assert_false(color__enabled(COLOR_ALWAYS, true, true, NULL, "xterm"));
	assert_false(color__enabled(COLOR_NEVER, false, true, NULL, "xterm"));
}

static void sequences_only_when_on(void **state)
{
	assert_string_equal(color__seq(false, COLOR_HEADER), "");
	assert_string_equal(color__seq(false, COLOR_RESET), "");
	assert_string_equal(color__seq(true, COLOR_RESET), "\033[0m");
	for (int r = COLOR_HEADER; r <= COLOR_WARNING; r++) {
		const char *s = color__seq(true, r);

		assert_true(s[0] == '\033' && s[1] == '[' && s[strlen(s) - 1] == 'm');
	}
	assert_string_equal(color__seq(true, (enum color_role)99), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_takes_three_words),
		cmocka_unit_test(every_combination),
		cmocka_unit_test(auto_cases_by_name),
		cmocka_unit_test(sequences_only_when_on),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
