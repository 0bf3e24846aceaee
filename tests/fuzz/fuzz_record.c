// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Any bytes as a --record file, through `oomtrace report` as a whole:
 * the reader, then report.c and output.c on whatever it let through, as
 * JSON and as text, with and without a --cgroup filter.
 */
#include <stdint.h>
#include <stdio.h>
#include "options.h"
#include "replay.h"

static FILE *sink;

static void replay(const uint8_t *data, size_t size, const struct options *opts)
{
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return;
	replay__stream(f, "fuzz.rec", opts, sink);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *cg = "/process_api";
	struct options json = { .json = true, .reclaim_stalls_ms = 0 };
	struct options text = { .reclaim_stalls_ms = 0, .cgroups = { cg }, .nr_cgroups = 1 };

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink || !size)
		return 0;
	replay(data, size, &json);
	replay(data, size, &text);
	return 0;
}
