// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Text from /proc and cgroupfs: /proc/PID/status, /proc/PID/cgroup,
 * /proc/PID/stat, memory.stat (v1 and v2), /proc/self/mountinfo, and the
 * oom_kill line of /proc/vmstat, memory.events(.local) and
 * memory.oom_control.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cgroups.h"
#include "memcg_state.h"
#include "procs.h"
#include "reconcile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[16384], memcg[512], mount[4096];
	struct proc_info p;
	struct memcg_state st;
	unsigned long long kills;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	int version;
	FILE *f;

	memcpy(text, data, n);
	text[n] = '\0';
	memset(&p, 0, sizeof(p));
	procs__parse_status(text, &p);
	procs__parse_cgroup(text, memcg, sizeof(memcg));
	procs__parse_exiting(text);
	procs__parse_tgid(text);
	/* the reconciler tells a missing count from a damaged one: nothing else */
	switch (reconcile__parse_oom_kill(text, &kills)) {
	case 0:
	case -EINVAL:
	case -ENOENT: break;
	default: __builtin_trap();
	}
	memcg_state__parse_stat(text, 1, &st);
	memcg_state__parse_stat(text, 2, &st);
	f = fmemopen((void *)data, size ? size : 1, "r");
	if (f) {
		cgroups__find_memory_mount(f, mount, sizeof(mount), &version);
		fclose(f);
	}
	return 0;
}
