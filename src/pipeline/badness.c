// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include "badness.h"

long badness_adj_points(long oom_score_adj, unsigned long totalpages)
{
	/* the kernel divides first: adj *= totalpages / 1000 */
	return oom_score_adj * (long)(totalpages / 1000);
}

long badness_points(const struct badness_parts *p, unsigned long totalpages,
		    unsigned long page_size)
{
	long points = p->rss_pages + p->swap_pages + p->pgtables_bytes / page_size;

	return points + badness_adj_points(p->oom_score_adj, totalpages);
}

unsigned long memcg_totalpages(unsigned long max, unsigned long swap_limit, int is_v1,
			       unsigned long total_swap_pages)
{
	unsigned long swap = swap_limit;
	unsigned long total;

	if (is_v1)
		swap = swap_limit > max ? swap_limit - max : 0;
	total = max + (swap < total_swap_pages ? swap : total_swap_pages);
	return total ?: 1;
}

unsigned long global_totalpages(unsigned long totalram_pages, unsigned long total_swap_pages)
{
	return totalram_pages + total_swap_pages;
}
