// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Cgroup paths from outside: the container/unit parser over a path, and
 * path joining over names as BPF collects them (16 levels of 128 bytes,
 * not necessarily NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cgpath.h"
#include "container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[8192], out[4096];
	static char names[OOMT_CG_DEPTH][OOMT_CG_NAME_LEN];
	struct container_info ci;
	size_t n = size < sizeof(path) - 1 ? size : sizeof(path) - 1;

	memcpy(path, data, n);
	path[n] = '\0';
	container__parse(path, &ci);

	memset(names, 0, sizeof(names));
	memcpy(names, data, size < sizeof(names) ? size : sizeof(names));
	for (unsigned int depth = 0; depth <= OOMT_CG_DEPTH; depth++) {
		cgpath__join((const char(*)[OOMT_CG_NAME_LEN])names, depth, size % (depth + 1),
			     size & 1, out, sizeof(out));
		cgpath__join((const char(*)[OOMT_CG_NAME_LEN])names, depth, 0, 0, out, 16);
	}
	return 0;
}
