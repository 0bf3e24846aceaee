// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aftermath.h"
#include "cgroups.h"
#include "procs.h"

/* how many next victims a kill record names */
#define NEXT_VICTIMS 3

void aftermath__read(struct kill_report *r, struct cgroups *cg, const struct host_info *host)
{
	char dir[8192];
	int *pids = NULL;
	size_t nr = 0, n;
	struct proc_info *ranked;
	unsigned long total =
	    r->have_totalpages ? r->totalpages : host->totalram_pages + host->total_swap_pages;

	if (r->have_memcg && cg) {
		snprintf(dir, sizeof(dir), "%s%s", cgroups__mount(cg),
			 strcmp(r->memcg_path, "/") ? r->memcg_path : "");
		r->have_state = !memcg_state__read(dir, cgroups__version(cg), &r->state);
		pids = procs__in_cgroup(dir, &nr);
		if (!pids)
			return;
	}
	/* the victim left out: it may still be exiting */
	ranked = procs__rank(pids, nr, (int)r->rec->victim_pid, total, host->page_size,
			     NEXT_VICTIMS, &n);
	free(pids);
	if (!ranked)
		return;
	r->next = ranked;
	r->nr_next = n;
}
