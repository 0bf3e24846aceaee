// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* /proc/kallsyms text: load, then resolve and format a few addresses. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "ksyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct ksyms *ks;
	char buf[256];

	if (!f)
		return 0;
	ks = ksyms__load_file(f);
	fclose(f);
	if (!ks)
		return 0;
	/* addresses taken from the input itself, so that hits happen */
	for (size_t i = 0; i + 8 <= size && i < 64; i += 8) {
		unsigned long long addr;

		memcpy(&addr, data + i, sizeof(addr));
		ksyms__format(ks, addr, buf, sizeof(buf));
		ksyms__bpf_frames(ks, &addr, 1);
	}
	struct ksym s;

	if (ksyms__find(ks, "out_of_memory", &s) && !s.name[0])
		__builtin_trap(); /* a found symbol has its name */
	ksyms__free(ks);
	return 0;
}
