// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aftermath.h"
#include "cgroups.h"
#include "procs.h"

/* how many next victims a kill record names */
#define NEXT_VICTIMS 3
/* marked victims left out by pid, at most: the BPF victims map holds 4096 */
#define MAX_SKIP 4097

/* The victim's pid, and the processes of the threads the kernel marked. */
static size_t skip_list(const struct kill_report *r, const struct marked_tids *marked, int *skip)
{
	size_t n = 0;

	skip[n++] = (int)r->rec->victim_pid;
	for (size_t i = 0; marked && i < marked->nr && n < MAX_SKIP; i++) {
		int tgid = procs__tgid((int)marked->tids[i]);

		/* gone already, or the kill's own victim: nothing to leave out */
		if (tgid > 0 && tgid != skip[0])
			skip[n++] = tgid;
	}
	return n;
}

void aftermath__read(struct kill_report *r, struct cgroups *cg, const struct host_info *host,
		     const struct marked_tids *marked, struct aftermath *am)
{
	static int skip[MAX_SKIP];
	char dir[8192];
	int *pids = NULL;
	size_t nr = 0, n;
	struct proc_info *ranked;
	struct procs_query q = {
		.totalpages = r->have_totalpages ? r->totalpages
						 : host->totalram_pages + host->total_swap_pages,
		.page_size = host->page_size,
		.max = NEXT_VICTIMS,
		.skip = skip,
	};

	memset(am, 0, sizeof(*am));
	if (r->have_memcg && cg) {
		if (cgroups__dir(cg, r->memcg_path, dir, sizeof(dir)) < 0)
			return;
		r->have_state = !memcg_state__read(dir, cgroups__version(cg), &r->state);
		pids = procs__in_cgroup(dir, &nr, &am->next_truncated);
		if (!pids)
			return;
	}
	q.pids = pids;
	q.nr_pids = nr;
	/* the victim left out: it may still be exiting */
	q.nr_skip = skip_list(r, marked, skip);
	ranked = procs__rank(&q, &n, &am->next_truncated);
	free(pids);
	if (!ranked)
		return;
	r->next = ranked;
	r->nr_next = n;
}
