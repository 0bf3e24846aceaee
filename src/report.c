// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "badness.h"
#include "cgpath.h"
#include "gfp.h"
#include "report.h"

const char *report__hook_name(unsigned int hook)
{
	switch (hook) {
	case HOOK_FENTRY: return "fentry";
	case HOOK_KPROBE: return "kprobe";
	case HOOK_TRACEPOINT: return "tracepoint";
	default: return "unknown";
	}
}

const char *report__constraint_name(unsigned int constraint)
{
	switch (constraint) {
	case OOMT_CONSTRAINT_NONE: return "NONE";
	case OOMT_CONSTRAINT_CPUSET: return "CPUSET";
	case OOMT_CONSTRAINT_MEMORY_POLICY: return "MEMORY_POLICY";
	case OOMT_CONSTRAINT_MEMCG: return "MEMCG";
	default: return NULL;
	}
}

/* Without oom_control: the OOM domain the kernel would have used. */
static void derive_totalpages(struct kill_report *r, const struct host_info *host)
{
	const struct oom_kill_record *rec = r->rec;

	if (rec->flags & KILL_HAVE_MEMCG) {
		r->totalpages = memcg_totalpages(rec->memcg_max_pages, rec->memcg_swap_max_pages,
						 rec->memcg_is_v1, host->total_swap_pages);
		r->have_totalpages = true;
	} else if (r->constraint && !strcmp(r->constraint, "NONE")) {
		r->totalpages = global_totalpages(host->totalram_pages, host->total_swap_pages);
		r->have_totalpages = true;
	}
}

static void derive_points(struct kill_report *r, const struct host_info *host)
{
	const struct oom_kill_record *rec = r->rec;
	struct badness_parts parts = {
		.rss_pages = rec->anon_pages + rec->file_pages + rec->shmem_pages,
		.swap_pages = rec->swap_pages,
		.pgtables_bytes = rec->pgtables_bytes,
		.oom_score_adj = rec->oom_score_adj,
	};

	if (!(rec->flags & KILL_HAVE_VICTIM) || !r->have_totalpages)
		return;
	r->points = badness_points(&parts, r->totalpages, host->page_size);
	r->have_points = true;
}

static void derive_paths(struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;
	int trunc = !!(rec->flags & KILL_CG_TRUNCATED);

	r->cgroup_path[0] = r->memcg_path[0] = '\0';
	if (!rec->cg_depth)
		return;
	cgpath__join(rec->cg_names, rec->cg_depth, 0, trunc, r->cgroup_path,
		     sizeof(r->cgroup_path));
	if (rec->flags & KILL_HAVE_MEMCG)
		r->have_memcg = cgpath__join(rec->cg_names, rec->cg_depth, rec->memcg_level, trunc,
					     r->memcg_path, sizeof(r->memcg_path)) >= 0;
}

const char *report__episode_end_name(unsigned int end)
{
	switch (end) {
	case EPISODE_IDLE: return "idle";
	case EPISODE_MAX_AGE: return "max_age";
	case EPISODE_OOM_KILL: return "oom_kill";
	case EPISODE_EXIT: return "exit";
	default: return "unknown";
	}
}

const char *report__reaper_name(unsigned int state)
{
	switch (state) {
	case REAPER_NONE: return "none";
	case REAPER_STARTED: return "started";
	case REAPER_FINISHED: return "finished";
	case REAPER_SKIPPED: return "skipped";
	default: return "unknown";
	}
}

/*
 * try_to_free_mem_cgroup_pages() rewrites the placement bits; what it keeps,
 * for a page-fault charge, is the GFP_KERNEL the kernel's report prints.
 */
unsigned int report__request_gfp(const struct gfp_table *gfp, unsigned int mask, bool memcg_reclaim)
{
	return memcg_reclaim ? mask & gfp_table__reclaim_mask(gfp) : mask;
}

static void derive_gfp(struct kill_report *r, const struct gfp_table *gfp)
{
	const struct oom_kill_record *rec = r->rec;

	if (!(rec->flags & KILL_HAVE_GFP))
		return;
	r->have_gfp = true;
	r->gfp_mask = rec->gfp_mask;
	if (!(rec->flags & KILL_GFP_FROM_RECLAIM)) {
		r->gfp_source = "oom_control";
	} else if (rec->flags & KILL_GFP_FROM_MEMCG) {
		r->gfp_source = "memcg_reclaim";
		r->gfp_mask = report__request_gfp(gfp, rec->gfp_mask, true);
	} else {
		r->gfp_source = "direct_reclaim";
	}
}

void report__build(struct kill_report *r, const struct oom_kill_record *rec,
		   const struct host_info *host, const struct gfp_table *gfp)
{
	memset(r, 0, sizeof(*r));
	r->rec = rec;
	r->constraint = report__constraint_name(rec->constraint);
	/*
	 * With one NUMA node only a memcg can constrain an OOM, and direct
	 * reclaim before it says none did; without that, it may have been a
	 * memcg OOM whose reclaim story was lost: say nothing.
	 */
	if (!r->constraint && host->single_node && (rec->flags & KILL_AFTER_DIRECT_RECLAIM))
		r->constraint = "NONE";
	derive_paths(r);
	r->have_container = r->cgroup_path[0] && container__parse(r->cgroup_path, &r->container);
	derive_gfp(r, gfp);

	if (rec->flags & KILL_HAVE_OC) {
		r->totalpages = rec->totalpages;
		r->have_totalpages = true;
	} else {
		derive_totalpages(r, host);
	}
	/* chosen_points are oc->chosen's: other group members' are computed */
	if (rec->flags & KILL_POINTS_FROM_OC) {
		r->points = rec->chosen_points;
		r->have_points = r->points_from_kernel = true;
	} else {
		derive_points(r, host);
	}
}

const char *report__memcg_label(const struct kill_report *r)
{
	if (r->have_memcg)
		return r->memcg_path;
	return r->constraint && strcmp(r->constraint, "MEMCG") ? "(global)" : "(unknown)";
}
