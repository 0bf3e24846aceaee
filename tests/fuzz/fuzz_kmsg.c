// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Kernel log text, one line per newline, through the OOM report parser. */
#include <stdint.h>
#include <string.h>
#include "kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kmsg_event ev;
	struct kmsg_parser *p = kmsg_parser__new();
	const char *s = (const char *)data, *end = s + size;

	if (!p)
		return 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s);
		size_t len = (nl ? nl : end) - s;

		kmsg_parser__feed(p, s, len);
		while (kmsg_parser__next(p, &ev))
			;
		s += len + 1;
	}
	kmsg_parser__finish(p);
	while (kmsg_parser__next(p, &ev))
		;
	kmsg_parser__free(p);
	return 0;
}
