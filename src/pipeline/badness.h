/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The OOM killer's arithmetic, for kernels where oomtrace cannot read it. */
#ifndef __OOMTRACE_BADNESS_H
#define __OOMTRACE_BADNESS_H

struct badness_parts {
	unsigned long rss_pages; /* anon + file + shmem */
	unsigned long swap_pages;
	unsigned long pgtables_bytes;
	long oom_score_adj;
};

#define OOM_SCORE_ADJ_MIN (-1000)

/* oom_badness(): rss + swap + page tables in pages + adj * (totalpages / 1000). */
long badness_points(const struct badness_parts *p, unsigned long totalpages,
		    unsigned long page_size);
/* The adj term alone, as oom_badness() scales it. */
long badness_adj_points(long oom_score_adj, unsigned long totalpages);

/*
 * mem_cgroup_get_max(): the memcg's memory limit plus the swap it may use,
 * capped by the swap the machine has.  swap_limit is memsw.max on cgroup
 * v1 (memory+swap) and swap.max on v2.
 */
unsigned long memcg_totalpages(unsigned long max, unsigned long swap_limit, int is_v1,
			       unsigned long total_swap_pages);
/* A global OOM's domain: all RAM and swap. */
unsigned long global_totalpages(unsigned long totalram_pages, unsigned long total_swap_pages);

#endif
