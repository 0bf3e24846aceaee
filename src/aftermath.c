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
static size_t skip_list(const struct oom_event *ev, const struct marked_tids *marked, int *skip)
{
	size_t n = 0;

	skip[n++] = (int)ev->victim.pid;
	for (size_t i = 0; marked && i < marked->nr && n < MAX_SKIP; i++) {
		int tgid = procs__tgid((int)marked->tids[i]);

		/* gone already, or the kill's own victim: nothing to leave out */
		if (tgid > 0 && tgid != skip[0])
			skip[n++] = tgid;
	}
	return n;
}

void aftermath__read(struct oom_event *ev, struct cgroups *cg, const struct host_info *host,
		     const struct marked_tids *marked)
{
	static int skip[MAX_SKIP];
	char dir[8192];
	int *pids = NULL;
	size_t nr = 0, n;
	struct proc_info *ranked;
	struct procs_query q = {
		.totalpages = event__has(ev, EV_TOTALPAGES)
				  ? ev->totalpages
				  : host->totalram_pages + host->total_swap_pages,
		.page_size = host->page_size,
		.max = NEXT_VICTIMS,
		.skip = skip,
	};

	event__clear_next(ev);
	ev->known |= EV_NEXT; /* looked for: none found is an empty list */
	if (event__has(ev, EV_MEMCG) && cg) {
		if (cgroups__dir(cg, ev->memcg.path, dir, sizeof(dir)) < 0)
			return;
		if (!memcg_state__read(dir, cgroups__version(cg), &ev->memcg.state))
			ev->known |= EV_MEMCG_STATE;
		pids = procs__in_cgroup(dir, &nr, &ev->next_truncated);
		if (!pids)
			return;
	}
	q.pids = pids;
	q.nr_pids = nr;
	/* the victim left out: it may still be exiting */
	q.nr_skip = skip_list(ev, marked, skip);
	ranked = procs__rank(&q, &n, &ev->next_truncated);
	free(pids);
	if (!ranked)
		return;
	ev->next = ranked;
	ev->nr_next = n;
}
