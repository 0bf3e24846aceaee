/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --color: whether text output gets ANSI colour, and the few colours it uses. */
#ifndef __OOMTRACE_COLOR_H
#define __OOMTRACE_COLOR_H

#include <stdbool.h>
#include <stdio.h>

enum color_mode {
	COLOR_AUTO = 0, /* the default */
	COLOR_ALWAYS,
	COLOR_NEVER,
};

/* What colour means, not which colour: output.c names roles only. */
enum color_role {
	COLOR_RESET,
	COLOR_HEADER,  /* a record's first line */
	COLOR_VICTIM,  /* who was killed */
	COLOR_WARNING, /* records lost, stacks unavailable */
};

/* "auto", "always" or "never"; -1 for anything else. */
int color__parse(const char *arg);

/*
 * Colour or not.  JSON never; always and never as told; auto only on a
 * terminal that is not "dumb" (an unset TERM counts as dumb, as systemd
 * counts it) and when NO_COLOR is unset or empty (https://no-color.org).
 * no_color and term are the environment's values, NULL when unset.
 */
bool color__enabled(enum color_mode mode, bool json, bool is_tty, const char *no_color,
		    const char *term);

/* The escape sequence of a role when on, else "". */
const char *color__seq(bool on, enum color_role role);
/* color__enabled() for output to f, with this process's environment */
bool color__for(enum color_mode mode, bool json, FILE *f);

#endif
