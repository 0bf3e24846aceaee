// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "color.h"

int color__parse(const char *arg)
{
	if (!strcmp(arg, "auto"))
		return COLOR_AUTO;
	if (!strcmp(arg, "always"))
		return COLOR_ALWAYS;
	if (!strcmp(arg, "never"))
		return COLOR_NEVER;
	return -1;
}

bool color__enabled(enum color_mode mode, bool json, bool is_tty, const char *no_color,
		    const char *term)
{
	/* an escape inside a JSON string would be data, not colour */
	if (json || mode == COLOR_NEVER)
		return false;
	if (mode == COLOR_ALWAYS)
		return true;
	if (no_color && *no_color)
		return false;
	return is_tty && term && *term && strcmp(term, "dumb");
}

bool color__for(enum color_mode mode, bool json, FILE *f)
{
	return color__enabled(mode, json, isatty(fileno(f)), getenv("NO_COLOR"), getenv("TERM"));
}

const char *color__seq(bool on, enum color_role role)
{
	/* bold for structure, red for the kill and for loss: little else */
	static const char *const seqs[] = {
		[COLOR_RESET] = "\033[0m",
		[COLOR_HEADER] = "\033[1m",
		[COLOR_VICTIM] = "\033[1;31m",
		[COLOR_WARNING] = "\033[33m",
	};

	if (!on || (unsigned int)role >= sizeof(seqs) / sizeof(seqs[0]))
		return "";
	return seqs[role];
}
