/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The little JSON output needs: strings escaped into valid UTF-8. */
#ifndef __OOMTRACE_JSON_H
#define __OOMTRACE_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write s (at most n bytes, stopping at NUL) as a quoted JSON string.
 * Control characters become \u00XX; bytes that are not valid UTF-8
 * (a comm may hold any) become U+FFFD, so the output always parses.
 */
void json_string(FILE *f, const char *s, size_t n);

#endif
