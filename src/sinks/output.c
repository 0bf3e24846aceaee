// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "decode.h"
#include "gfp.h"
#include "json.h"
#include "ksyms.h"
#include "output.h"
#include "procs.h"
#include "stats.h"
#include "verdict.h"

#define SYM_LEN 256
#define GFP_LEN 512

int output__format_time(const struct timespec *ts, char *buf, size_t size)
{
	struct tm tm;
	char base[32];

	if (!gmtime_r(&ts->tv_sec, &tm) || !strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm))
		return snprintf(buf, size, "%lld", (long long)ts->tv_sec);
	return snprintf(buf, size, "%s.%06ldZ", base, ts->tv_nsec / 1000);
}

/* A kernel stack of addresses: nr frames, and the capture's -errno or 0. */
struct stack {
	const unsigned long long *addrs;
	int nr, err;
};

static struct stack event_stack(const struct oom_event *ev)
{
	return (struct stack){ .addrs = ev->stack, .nr = ev->nr_stack, .err = ev->stack_error };
}

/* The frames worth printing: the kernel's, not BPF's own on top of them. */
static int stack_start(const struct output_ctx *ctx, struct stack st)
{
	return ksyms__bpf_frames(ctx->ksyms, st.addrs, st.nr);
}

static const char *gfp_name(const struct output_ctx *ctx, unsigned int mask, char *buf)
{
	gfp_table__format(ctx->gfp, mask, buf, GFP_LEN);
	return buf;
}

/* An escape sequence for text output, "" when colour is off. */
static const char *C(const struct output_ctx *ctx, enum color_role role)
{
	return color__seq(ctx->color, role);
}

static double ms(unsigned long long ns)
{
	return ns / 1e6;
}

/* ---- JSON Lines ---- */

/* ,"key":v, or null for what the record's source could not learn */
static void json_ull(FILE *f, const char *key, bool known, unsigned long long v)
{
	if (known)
		fprintf(f, ",\"%s\":%llu", key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

/* ,"key_kb":v, or null */
static void json_ull_kb(FILE *f, const char *key, bool known, unsigned long long v)
{
	if (known)
		fprintf(f, ",\"%s_kb\":%llu", key, v);
	else
		fprintf(f, ",\"%s_kb\":null", key);
}

static bool known(const struct oom_event *ev, unsigned int what)
{
	return event__has(ev, what);
}

static void json_key_str(FILE *f, const char *key, const char *val, size_t n)
{
	fprintf(f, ",\"%s\":", key);
	if (val)
		json_string(f, val, n);
	else
		fputs("null", f);
}

static void json_opt(FILE *f, const char *key, const char *val, bool first)
{
	fprintf(f, "%s\"%s\":", first ? "" : ",", key);
	if (val && *val)
		json_string(f, val, strlen(val));
	else
		fputs("null", f);
}

static void json_container(FILE *f, const struct container_info *c)
{
	fputs(",\"container\":", f);
	if (!c) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	json_opt(f, "runtime", c->runtime, true);
	json_opt(f, "id", c->id, false);
	json_opt(f, "pod_uid", c->pod_uid, false);
	json_opt(f, "qos", c->qos, false);
	json_opt(f, "unit", c->unit, false);
	fputc('}', f);
}

static void json_victim(FILE *f, const struct oom_event *ev)
{
	bool mm = known(ev, EV_VICTIM);

	fputs(",\"victim\":{\"pid\":", f);
	if (ev->victim.pid)
		fprintf(f, "%u", ev->victim.pid);
	else
		fputs("null", f);
	fprintf(f, ",\"tid\":%u", ev->victim.tid);
	json_key_str(f, "comm", mm ? ev->victim.comm : NULL, sizeof(ev->victim.comm));
	if (!mm) {
		fputs(",\"uid\":null,\"oom_score_adj\":null,\"points\":null,\"points_source\":null,"
		      "\"total_vm_kb\":null,"
		      "\"anon_rss_kb\":null,\"file_rss_kb\":null,\"shmem_rss_kb\":null,"
		      "\"swap_kb\":null,\"pgtables_kb\":null}",
		      f);
		return;
	}
	json_ull(f, "uid", known(ev, EV_UID), ev->victim.uid);
	if (known(ev, EV_ADJ))
		fprintf(f, ",\"oom_score_adj\":%d", ev->victim.oom_score_adj);
	else
		fputs(",\"oom_score_adj\":null", f);
	if (known(ev, EV_POINTS))
		fprintf(f, ",\"points\":%ld,\"points_source\":\"%s\"", ev->points,
			ev->points_origin == ORIGIN_KERNEL ? "oom_control" : "computed");
	else
		fputs(",\"points\":null,\"points_source\":null", f); /* no points, no source */
	json_ull(f, "total_vm_kb", known(ev, EV_VM), ev->victim.total_vm_kb);
	json_ull(f, "anon_rss_kb", known(ev, EV_ANON), ev->victim.anon_kb);
	json_ull(f, "file_rss_kb", known(ev, EV_FILE), ev->victim.file_kb);
	json_ull(f, "shmem_rss_kb", known(ev, EV_SHMEM), ev->victim.shmem_kb);
	json_ull(f, "swap_kb", known(ev, EV_SWAP), ev->victim.swap_kb);
	json_ull(f, "pgtables_kb", known(ev, EV_PGTABLES), ev->victim.pgtables_kb);
	fputc('}', f);
}

static void json_ll(FILE *f, const char *key, long long v)
{
	json_ull(f, key, v >= 0, (unsigned long long)v);
}

/* A memcg OOM: what was charged against its limit, kind by kind. */
static void json_memcg_went(FILE *f, const struct oom_event *ev)
{
	struct memcg_split m;

	if (!event__memcg_split(ev, &m)) {
		fputs(",\"where_memory_went\":null", f);
		return;
	}
	fprintf(f, ",\"where_memory_went\":{\"read\":\"%s\"", m.read);
	json_ll(f, "limit_kb", m.limit_kb);
	for (int p = 0; p < MEMCG_PARTS; p++) {
		char key[64];

		snprintf(key, sizeof(key), "%s_kb", event__memcg_part_name(p));
		json_ll(f, key, m.kb[p]);
	}
	json_ll(f, "reclaimable_kb", m.reclaimable_kb);
	fputc('}', f);
}

static void json_memcg(FILE *f, const struct oom_event *ev)
{
	fputs(",\"memcg\":", f);
	if (!known(ev, EV_MEMCG)) {
		fputs("null", f);
	} else {
		fputs("{\"path\":", f);
		json_string(f, ev->memcg.path, sizeof(ev->memcg.path));
		json_ull(f, "usage_kb", known(ev, EV_MEMCG_USAGE), ev->memcg.usage_kb);
		json_ull(f, "limit_kb", known(ev, EV_MEMCG_USAGE), ev->memcg.limit_kb);
		json_ull(f, "cgroup_version", known(ev, EV_CGROUP_VERSION), ev->memcg.is_v1 ? 1 : 2);
		fputs(",\"state\":", f);
		if (known(ev, EV_MEMCG_STATE))
			memcg_state__json(f, &ev->memcg.state,
					  ev->memcg.state_from_log ? "kernel_log" : "at_arrival");
		else
			fputs("null", f);
		json_memcg_went(f, ev);
		fputc('}', f);
	}
	json_key_str(f, "cgroup", ev->cgroup_path[0] ? ev->cgroup_path : NULL,
		     sizeof(ev->cgroup_path));
	json_container(f, known(ev, EV_CONTAINER) ? &ev->container : NULL);
}

static void json_next(FILE *f, const struct oom_event *ev)
{
	if (!known(ev, EV_NEXT)) {
		fputs(",\"next_victims\":null,\"next_victims_truncated\":null", f);
		return;
	}
	fputs(",\"next_victims\":[", f);
	for (size_t i = 0; i < ev->nr_next; i++) {
		const struct proc_info *p = &ev->next[i];

		fprintf(f, "%s{\"pid\":%d", i ? "," : "", p->pid);
		json_key_str(f, "comm", p->comm, sizeof(p->comm));
		fprintf(
		    f,
		    ",\"points\":%ld,\"anon_rss_kb\":%lu,\"file_rss_kb\":%lu,\"shmem_rss_kb\":%lu,"
		    "\"swap_kb\":%lu,\"pgtables_kb\":%lu,\"oom_score_adj\":%ld}",
		    p->points, p->rss_anon_kb, p->rss_file_kb, p->rss_shmem_kb, p->swap_kb,
		    p->pgtables_kb, p->oom_score_adj);
	}
	fprintf(f, "],\"next_victims_truncated\":%s", ev->next_truncated ? "true" : "false");
}

/* What enrichment at arrival cost, step by step, and which step stopped at its limit. */
static void json_enrichment(FILE *f, const struct oom_event *ev)
{
	static const char *const steps[ENRICH_STEPS] = { "state", "pids", "rank" };
	static const char *const sources[] = { [RANKED_PROC] = "proc", [RANKED_ITER] = "task_iterator" };
	const struct event_enrichment *e = &ev->enrich;
	bool first = true;

	if (!known(ev, EV_ENRICHED)) {
		fputs(",\"enrichment\":null", f);
		return;
	}
	fprintf(f, ",\"enrichment\":{\"next_from_event_ranking\":%s,\"ranked_from\":",
		e->next_cached ? "true" : "false");
	if (e->ranked_from == RANKED_PROC || e->ranked_from == RANKED_ITER)
		fprintf(f, "\"%s\"", sources[e->ranked_from]);
	else
		fputs("null", f);
	fputs(",\"cut_short\":[", f);
	for (int i = 0; i < ENRICH_STEPS; i++) {
		if (!(e->cut_short & (1u << i)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", steps[i]);
		first = false;
	}
	fprintf(f, "],\"state_us\":%llu,\"pids_us\":%llu,\"rank_us\":%llu}",
		e->step_ns[ENRICH_STATE] / 1000, e->step_ns[ENRICH_PIDS] / 1000,
		e->step_ns[ENRICH_RANK] / 1000);
}

static void json_stack(FILE *f, const struct output_ctx *ctx, struct stack st)
{
	char sym[SYM_LEN];
	int i, first = stack_start(ctx, st);

	fputs(",\"kstack\":[", f);
	for (i = first; i < st.nr; i++) {
		ksyms__format(ctx->ksyms, st.addrs[i], sym, sizeof(sym));
		if (i > first)
			fputc(',', f);
		json_string(f, sym, sizeof(sym));
	}
	fputc(']', f);
	if (st.err)
		fprintf(f, ",\"kstack_error\":%d", st.err);
}

/* The invoker's reclaim episode that ended in this kill. */
static void json_reclaim(FILE *f, const struct oom_event *ev)
{
	const struct event_reclaim *rc = &ev->reclaim;

	if (!ev->have_reclaim) {
		fputs(",\"reclaim\":null", f);
		return;
	}
	fprintf(f,
		",\"reclaim\":{\"passes\":%u,\"stall_us\":%llu,\"scanned\":%llu,\"reclaimed\":%llu,"
		"\"first_us_before_kill\":%llu,\"kswapd_wakes\":%llu}",
		rc->passes, rc->stall_ns / 1000, rc->scanned, rc->reclaimed,
		rc->first_ns_before_kill / 1000, rc->kswapd_wakes);
}

/* ,"key":v, or null for -1 (unread) */
/* A global OOM: where the machine's memory was at the kill, part by part. */
static void json_memory_went(FILE *f, const struct oom_event *ev)
{
	const struct event_enrichment *e = &ev->enrich;
	struct memory_split m;

	if (known(ev, EV_MEMCG) || !event__memory_split(ev, &m)) {
		fputs(",\"where_memory_went\":null", f);
		return;
	}
	fputs(",\"where_memory_went\":{", f);
	json_opt(f, "read", ev->node_mem_read, true);
	json_ll(f, "ram_kb", m.ram_kb);
	for (int p = 0; p < MEMORY_PARTS; p++) {
		char key[64];

		snprintf(key, sizeof(key), "%s_kb", event__memory_part_name(p));
		json_ll(f, key, m.kb[p]);
	}
	/* from the ranking at arrival: its processes' RSS overlaps anon, page cache and shmem */
	if (known(ev, EV_ENRICHED) && e->rss_summed)
		fprintf(f, ",\"processes\":{\"read\":\"at_arrival\",\"count\":%llu,\"rss_kb\":%llu}",
			e->ranked_procs, e->ranked_rss_kb);
	else
		fputs(",\"processes\":null", f);
	fputc('}', f);
}

/* The page allocator's last checks before it gave up: per zone, and compaction's. */
static void json_retry(FILE *f, const struct oom_event *ev)
{
	const struct event_retry *r = &ev->retry;

	if (!known(ev, EV_RETRY)) {
		fputs(",\"allocation_retries\":null", f);
		return;
	}
	fprintf(f, ",\"allocation_retries\":{\"checks\":%u,\"order\":%d,\"span_us\":%llu,\"zones\":[",
		r->checks, r->order, r->span_us);
	for (int i = 0; i < r->nr_zones; i++) {
		const struct event_retry_zone *z = &r->zones[i];

		fprintf(f, "%s{\"node\":%u,\"zone\":", i ? "," : "", z->node);
		json_string(f, z->zone, strlen(z->zone));
		fprintf(f,
			",\"reclaimable_kb\":%llu,\"available_kb\":%llu,\"min_kb\":%llu,"
			"\"no_progress_loops\":%d,\"above_min\":%s}",
			z->reclaimable_kb, z->available_kb, z->min_kb, z->no_progress_loops,
			z->above_min ? "true" : "false");
	}
	fputs("],\"compaction\":", f);
	if (r->compactions)
		fprintf(f, "{\"checks\":%u,\"retries\":%d,\"max_retries\":%d,\"would_retry\":%s}}",
			r->compactions, r->compact_retries, r->compact_max_retries,
			r->compact_would_retry ? "true" : "false");
	else
		fputs("null}", f);
}

/* The largest unreclaimable slab caches, when they outweighed the LRUs. */
static void json_slabs(FILE *f, const struct oom_event *ev)
{
	if (!known(ev, EV_SLABS)) {
		fputs(",\"unreclaimable_slab\":null", f);
		return;
	}
	fprintf(f, ",\"unreclaimable_slab\":{\"read\":\"%s\",\"caches\":[", ev->slabs_read);
	for (int i = 0; i < ev->nr_slabs; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		json_string(f, ev->slabs[i].name, strlen(ev->slabs[i].name));
		fprintf(f, ",\"used_kb\":%llu,\"total_kb\":%llu}", ev->slabs[i].used_kb,
			ev->slabs[i].total_kb);
	}
	fputs("]}", f);
}

/* The live host's OOM settings at the start, and its commit at arrival. */
static void json_vm(FILE *f, const struct oom_event *ev)
{
	const struct vm_settings *s = &ev->vm.settings;

	if (!known(ev, EV_HOST_VM)) {
		fputs(",\"vm\":null", f);
		return;
	}
	fputs(",\"vm\":{\"read\":\"settings_at_start\"", f);
	json_ll(f, "overcommit_memory", s->overcommit_memory);
	json_ll(f, "overcommit_ratio", s->overcommit_ratio);
	json_ll(f, "overcommit_kbytes", s->overcommit_kbytes);
	json_ll(f, "oom_kill_allocating_task", s->oom_kill_allocating_task);
	json_ll(f, "panic_on_oom", s->panic_on_oom);
	json_ll(f, "oom_dump_tasks", s->oom_dump_tasks);
	fputs(",\"commit_read\":\"at_arrival\"", f);
	json_ll(f, "committed_as_kb", ev->vm.committed_as_kb);
	json_ll(f, "commit_limit_kb", ev->vm.commit_limit_kb);
	fputc('}', f);
}

/* Swap and the hugetlb pools: at arrival, or as the kernel's report printed them. */
static void json_swap_hugetlb(FILE *f, const struct oom_event *ev)
{
	const struct swap_hugetlb *k = &ev->swap_hugetlb.kb;

	if (!ev->swap_hugetlb.read) {
		fputs(",\"swap_hugetlb\":null", f);
		return;
	}
	fprintf(f, ",\"swap_hugetlb\":{\"read\":\"%s\"", ev->swap_hugetlb.read);
	json_ll(f, "swap_total_kb", k->swap_total_kb);
	json_ll(f, "swap_free_kb", k->swap_free_kb);
	json_ll(f, "hugetlb_total_kb", k->hugetlb_total_kb);
	json_ll(f, "hugetlb_free_kb", k->hugetlb_free_kb);
	fputc('}', f);
}

/* The machine's memory at the kill: every node's counters and every populated zone. */
static void json_node_memory(FILE *f, const struct oom_event *ev)
{
	if (!known(ev, EV_NODE_MEM)) {
		fputs(",\"node_memory\":null", f);
		return;
	}
	fputs(",\"node_memory\":{", f);
	/* BPF reads them at the kill; the kernel log has what its report printed before the kill */
	json_opt(f, "read", ev->node_mem_read, true);
	fputs(",\"nodes\":[", f);
	for (int i = 0; i < ev->nr_nodes; i++) {
		const struct event_node *n = &ev->nodes[i];

		fprintf(f, "%s{\"node\":%u", i ? "," : "", n->node);
		for (int c = 0; c < NODE_COUNTERS; c++)
			json_ull_kb(f, event__node_counter_name(c), n->known & (1u << c), n->kb[c]);
		fputc('}', f);
	}
	fputs("],\"zones\":[", f);
	for (int i = 0; i < ev->nr_zones; i++) {
		const struct event_zone *z = &ev->zones[i];

		fprintf(f, "%s{\"node\":%u", i ? "," : "", z->node);
		json_key_str(f, "zone", z->name, sizeof(z->name));
		fprintf(f, ",\"free_kb\":%llu,\"min_kb\":%llu,\"low_kb\":%llu,\"high_kb\":%llu",
			z->free_kb, z->min_kb, z->low_kb, z->high_kb);
		json_ull_kb(f, "boost", z->have_boost, z->boost_kb);
		fprintf(f, ",\"present_kb\":%llu,\"managed_kb\":%llu,\"below_min\":%s",
			z->present_kb, z->managed_kb, z->free_kb < z->min_kb ? "true" : "false");
		/* every kernel has a zone type: none is a reserve not read, not an empty one */
		if (!z->nr_reserve) {
			fputs(",\"lowmem_reserve\":null}", f);
			continue;
		}
		fputs(",\"lowmem_reserve\":[", f);
		for (int t = 0; t < z->nr_reserve; t++)
			fprintf(f, "%s%lld", t ? "," : "", z->lowmem_reserve[t]);
		fputs("]}", f);
	}
	fprintf(f, "],\"zones_truncated\":%s}", ev->zones_truncated ? "true" : "false");
}

/* Why the kill happened, by the rules of verdict.c: each part, its rule, and the line. */
static void json_verdict(FILE *f, const struct oom_event *ev)
{
	struct verdict v;
	char line[3 * VERDICT_LEN + 8];

	verdict__derive(ev, &v);
	verdict__line(&v, line, sizeof(line));
	fputs(",\"verdict\":{", f);
	fprintf(f, "\"limit_rule\":\"%s\"", verdict__limit_rule(v.limit_rule));
	json_key_str(f, "limit", v.limit, sizeof(v.limit));
	fprintf(f, ",\"filled_rule\":\"%s\"", verdict__filled_rule(v.filled_rule));
	json_key_str(f, "filled", v.filled, sizeof(v.filled));
	fprintf(f, ",\"victim_rule\":\"%s\"", verdict__victim_rule(v.victim_rule));
	json_key_str(f, "victim", v.victim, sizeof(v.victim));
	json_key_str(f, "text", line, sizeof(line));
	fputc('}', f);
}

/* The stack as its source gave it: text frames, or addresses to resolve. */
static void json_frames(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev)
{
	if (!known(ev, EV_STACK)) {
		fputs(",\"kstack\":null", f);
		return;
	}
	if (!ev->nr_frames) {
		json_stack(f, ctx, event_stack(ev));
		return;
	}
	fputs(",\"kstack\":[", f);
	for (int i = 0; i < ev->nr_frames; i++) {
		if (i)
			fputc(',', f);
		json_string(f, ev->frames[i], sizeof(ev->frames[i]));
	}
	fputc(']', f);
}

static const char *gfp_text(const struct output_ctx *ctx, const struct oom_event *ev, char *buf)
{
	if (!known(ev, EV_GFP | EV_GFP_NAMES))
		return NULL;
	return ev->gfp.names[0] ? ev->gfp.names : gfp_name(ctx, ev->gfp.mask, buf);
}

static void output_kill_json(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev,
			     const char *time, unsigned long long dropped)
{
	char buf[GFP_LEN];

	fputs("{\"type\":\"oom_kill\"", f);
	json_key_str(f, "time", time, 64);
	json_ull(f, "ktime_ns", known(ev, EV_KTIME), ev->ktime_ns);
	fprintf(f, ",\"event_id\":%llu,\"kind\":\"%s\",\"hook\":\"%s\",\"source\":\"%s\"",
		ev->event_id, event__kind(ev), ev->hook, ev->source);
	json_key_str(f, "constraint", ev->constraint, 32);
	json_key_str(f, "nodemask",
		     ev->nodes_allowed.have_nodemask && !ev->nodes_allowed.nodemask_any
			     ? ev->nodes_allowed.nodemask
			     : NULL,
		     sizeof(ev->nodes_allowed.nodemask));
	json_key_str(f, "cpuset", ev->nodes_allowed.have_cpuset ? ev->nodes_allowed.cpuset : NULL,
		     sizeof(ev->nodes_allowed.cpuset));
	json_key_str(f, "mems_allowed",
		     ev->nodes_allowed.have_cpuset ? ev->nodes_allowed.mems_allowed : NULL,
		     sizeof(ev->nodes_allowed.mems_allowed));
	json_key_str(f, "gfp_mask", gfp_text(ctx, ev, buf), sizeof(buf));
	if (known(ev, EV_GFP))
		fprintf(f, ",\"gfp_mask_raw\":%u,\"order\":%d,\"gfp_source\":\"%s\"", ev->gfp.mask,
			ev->gfp.order, ev->gfp.source);
	else
		fputs(",\"gfp_mask_raw\":null,\"order\":null,\"gfp_source\":null", f);
	if (known(ev, EV_GFP) && ev->gfp.seen != ~0u)
		fprintf(f, ",\"gfp_mask_seen\":%u", ev->gfp.seen);
	else
		fputs(",\"gfp_mask_seen\":null", f);
	if (known(ev, EV_INVOKER | EV_INVOKER_PID))
		fprintf(f, ",\"invoker\":{\"pid\":%u,\"tid\":%u", ev->invoker.pid, ev->invoker.tid);
	else
		fputs(",\"invoker\":{\"pid\":null,\"tid\":null", f);
	json_key_str(f, "comm", known(ev, EV_INVOKER) ? ev->invoker.comm : NULL,
		     sizeof(ev->invoker.comm));
	if (known(ev, EV_INVOKER_ADJ))
		fprintf(f, ",\"oom_score_adj\":%d}", ev->invoker.oom_score_adj);
	else
		fputs(",\"oom_score_adj\":null}", f);
	json_victim(f, ev);
	if (known(ev, EV_TOTALPAGES))
		fprintf(f, ",\"totalpages\":%lu", ev->totalpages);
	else
		fputs(",\"totalpages\":null", f);
	json_memcg(f, ev);
	json_next(f, ev);
	json_enrichment(f, ev);
	json_reclaim(f, ev);
	json_retry(f, ev);
	json_node_memory(f, ev);
	json_memory_went(f, ev);
	json_slabs(f, ev);
	json_vm(f, ev);
	json_swap_hugetlb(f, ev);
	json_verdict(f, ev);
	json_frames(f, ctx, ev);
	fprintf(f, ",\"dropped\":%llu}\n", dropped);
}

/* ---- text, for people ---- */

static void text_comm(FILE *f, const char *comm, size_t n)
{
	/* the JSON escaper already makes any comm printable */
	json_string(f, comm, n);
}

static void text_stack(FILE *f, const struct output_ctx *ctx, struct stack st)
{
	int i, first = stack_start(ctx, st);

	for (i = first; i < st.nr; i++) {
		char sym[SYM_LEN];

		ksyms__format(ctx->ksyms, st.addrs[i], sym, sizeof(sym));
		fprintf(f, "  %-8s %s\n", i > first ? "" : "stack", sym);
	}
	if (st.err)
		fprintf(f, "  %sstack    unavailable (%d)%s\n", C(ctx, COLOR_WARNING), st.err,
			C(ctx, COLOR_RESET));
}

static void text_dropped(FILE *f, const struct output_ctx *ctx, unsigned long long dropped)
{
	if (dropped)
		fprintf(f, "  %sdropped  %llu records lost to %s so far%s\n", C(ctx, COLOR_WARNING),
			dropped, ctx->lost_to ?: "a full ring buffer", C(ctx, COLOR_RESET));
}

static void text_state(FILE *f, const struct oom_event *ev)
{
	const struct memcg_state *s = &ev->memcg.state;

	if (!known(ev, EV_MEMCG_STATE))
		return;
	fprintf(f, "  state    anon %lld kB file %lld kB shmem %lld kB", s->anon >> 10,
		s->file >> 10, s->shmem >> 10);
	if (s->kernel >= 0)
		fprintf(f, " kernel %lld kB", s->kernel >> 10);
	if (s->swap >= 0)
		fprintf(f, " swap %lld kB", s->swap >> 10);
	if (s->ev_oom_kill >= 0)
		fprintf(f, "; oom_kill events %lld", s->ev_oom_kill);
	if (s->failcnt >= 0)
		fprintf(f, ", failcnt %lld", s->failcnt);
	if (s->ev_oom_group_kill > 0)
		fprintf(f, ", oom_group_kill events %lld", s->ev_oom_group_kill);
	fputc('\n', f);
	/* what shapes reclaim before the limit, when it is set */
	if (s->high < 0 && s->low <= 0 && s->min <= 0 && s->swappiness != 0)
		return;
	fputs("  limits  ", f);
	if (s->high >= 0)
		fprintf(f, " memory.high %lld kB", s->high >> 10);
	if (s->low > 0)
		fprintf(f, " memory.low %lld kB", s->low >> 10);
	if (s->min > 0)
		fprintf(f, " memory.min %lld kB", s->min >> 10);
	if (s->swappiness == 0)
		fputs(" swappiness 0 (anon is never swapped out: the memcg OOMs instead)", f);
	fputc('\n', f);
}

/* Why the page allocator gave up: each zone's last check, on one line. */
static void text_retry(FILE *f, const struct oom_event *ev)
{
	const struct event_retry *r = &ev->retry;

	if (!known(ev, EV_RETRY))
		return;
	fprintf(f, "  retries  %u zone checks over %llu ms:", r->checks, r->span_us / 1000);
	for (int i = 0; i < r->nr_zones; i++) {
		const struct event_retry_zone *z = &r->zones[i];

		fprintf(f, "%s node %u %s available %llu kB %s min %llu kB (reclaimable %llu kB, %d loops without progress)",
			i ? "," : "", z->node, z->zone, z->available_kb, z->above_min ? "above" : "below",
			z->min_kb, z->reclaimable_kb, z->no_progress_loops);
	}
	if (r->compactions)
		fprintf(f, "; compaction %d of %d retries, %s", r->compact_retries,
			r->compact_max_retries, r->compact_would_retry ? "would retry" : "gave up");
	fputc('\n', f);
}

/* A figure's "read" in words: the report's, or read when the record arrived. */
static const char *read_in_words(const char *read)
{
	return !strcmp(read, "kernel_log") ? "from the kernel log" : "at arrival";
}

/* The largest unreclaimable slab caches, on one line. */
static void text_slabs(FILE *f, const struct oom_event *ev)
{
	if (!known(ev, EV_SLABS))
		return;
	fprintf(f, "  slab     unreclaimable, largest first (%s):", read_in_words(ev->slabs_read));
	for (int i = 0; i < ev->nr_slabs; i++)
		fprintf(f, "%s %s %llu kB", i ? "," : "", ev->slabs[i].name, ev->slabs[i].total_kb);
	fputc('\n', f);
}

/* A global OOM: how the host lets memory be promised, and how much it has promised. */
static void text_vm(FILE *f, const struct oom_event *ev)
{
	static const char *const modes[] = { "heuristic", "always", "never (strict)" };
	const struct vm_settings *s = &ev->vm.settings;

	const struct swap_hugetlb *k = &ev->swap_hugetlb.kb;
	const char *sep = " ";

	if (known(ev, EV_MEMCG) || (!known(ev, EV_HOST_VM) && !ev->swap_hugetlb.read))
		return;
	fputs("  vm      ", f);
	if (known(ev, EV_HOST_VM)) {
		if (s->overcommit_memory >= 0 && s->overcommit_memory <= 2)
			fprintf(f, " overcommit_memory %lld (%s)", s->overcommit_memory,
				modes[s->overcommit_memory]);
		if (ev->vm.committed_as_kb >= 0 && ev->vm.commit_limit_kb > 0)
			fprintf(f, ", Committed_AS %lld kB is %lld%% of CommitLimit %lld kB (at arrival)",
				ev->vm.committed_as_kb,
				ev->vm.committed_as_kb * 100 / ev->vm.commit_limit_kb,
				ev->vm.commit_limit_kb);
		if (s->panic_on_oom > 0)
			fprintf(f, ", panic_on_oom %lld", s->panic_on_oom);
		if (s->oom_kill_allocating_task > 0)
			fputs(", oom_kill_allocating_task 1 (the invoker is killed, not the largest)", f);
		sep = ", ";
	}
	if (ev->swap_hugetlb.read) {
		bool said = true;

		if (k->swap_total_kb == 0)
			fprintf(f, "%sno swap", sep);
		else if (k->swap_total_kb > 0 && k->swap_free_kb >= 0)
			fprintf(f, "%sswap %lld of %lld kB free", sep, k->swap_free_kb,
				k->swap_total_kb);
		else
			said = false;
		if (k->hugetlb_total_kb > 0) {
			fprintf(f, "%shugetlb pools %lld kB (%lld kB free)", said ? ", " : sep,
				k->hugetlb_total_kb, k->hugetlb_free_kb);
			said = true;
		}
		if (said)
			fprintf(f, " (%s)", read_in_words(ev->swap_hugetlb.read));
	}
	fputc('\n', f);
}

static void text_container(FILE *f, const struct oom_event *ev)
{
	const struct container_info *c = &ev->container;

	if (!known(ev, EV_CONTAINER))
		return;
	fprintf(f, "  container %s%s%.12s", c->runtime[0] ? c->runtime : "",
		c->runtime[0] && c->id[0] ? " " : "", c->id);
	if (c->pod_uid[0])
		fprintf(f, " pod %s (%s)", c->pod_uid, c->qos);
	if (c->unit[0])
		fprintf(f, " unit %s", c->unit);
	fputc('\n', f);
}

static void text_next(FILE *f, const struct oom_event *ev)
{
	for (size_t i = 0; i < ev->nr_next; i++) {
		const struct proc_info *p = &ev->next[i];

		fprintf(f, "  %-8s pid %d ", i ? "" : "next", p->pid);
		text_comm(f, p->comm, sizeof(p->comm));
		fprintf(f, " points %ld (rss %lu kB swap %lu kB pgtables %lu kB adj %ld)\n",
			p->points, p->rss_anon_kb + p->rss_file_kb + p->rss_shmem_kb, p->swap_kb,
			p->pgtables_kb, p->oom_score_adj);
	}
	if (ev->next_truncated)
		fprintf(
		    f, "  %-8s scan truncated: the domain has more processes than one scan reads\n",
		    ev->nr_next ? "" : "next");
}

static void text_reclaim(FILE *f, const struct oom_event *ev)
{
	const struct event_reclaim *rc = &ev->reclaim;

	if (!known(ev, EV_RECLAIM)) {
		fputs("  reclaim  not in the kernel log\n", f);
		return;
	}
	if (!ev->have_reclaim) {
		fputs("  reclaim  none by the invoker before the kill\n", f);
		return;
	}
	fprintf(f,
		"  reclaim  %u passes from %.1f ms before the kill, stalled %.1f ms, "
		"scanned %llu reclaimed %llu pages, kswapd woke %llu times\n",
		rc->passes, ms(rc->first_ns_before_kill), ms(rc->stall_ns), rc->scanned,
		rc->reclaimed, rc->kswapd_wakes);
}

/* " label N kB", or " label ? kB" for what the source could not learn */
static void text_kb(FILE *f, const char *label, bool known, unsigned long long v)
{
	if (known)
		fprintf(f, "%s %llu kB", label, v);
	else
		fprintf(f, "%s ? kB", label);
}

static void text_victim(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev)
{
	fprintf(f, "  victim   %spid %u tid %u ", C(ctx, COLOR_VICTIM), ev->victim.pid,
		ev->victim.tid);
	if (!known(ev, EV_VICTIM)) {
		fprintf(f, "%s(task not readable on this kernel)\n", C(ctx, COLOR_RESET));
		return;
	}
	text_comm(f, ev->victim.comm, sizeof(ev->victim.comm));
	fputs(C(ctx, COLOR_RESET), f);
	if (known(ev, EV_UID))
		fprintf(f, " uid %u", ev->victim.uid);
	if (known(ev, EV_ADJ))
		fprintf(f, " oom_score_adj %d", ev->victim.oom_score_adj);
	if (known(ev, EV_POINTS))
		fprintf(f, " points %ld%s\n", ev->points,
			ev->points_origin == ORIGIN_KERNEL ? "" : " (computed)");
	else
		fputs(" points unknown\n", f);
	text_kb(f, "           rss anon", known(ev, EV_ANON), ev->victim.anon_kb);
	text_kb(f, " file", known(ev, EV_FILE), ev->victim.file_kb);
	text_kb(f, " shmem", known(ev, EV_SHMEM), ev->victim.shmem_kb);
	text_kb(f, "  swap", known(ev, EV_SWAP), ev->victim.swap_kb);
	text_kb(f, "  pgtables", known(ev, EV_PGTABLES), ev->victim.pgtables_kb);
	text_kb(f, "  vm", known(ev, EV_VM), ev->victim.total_vm_kb);
	fputc('\n', f);
}

static void text_invoker(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev)
{
	const char *gfp;
	char buf[GFP_LEN];

	if (!known(ev, EV_INVOKER)) {
		fputs("  invoker  unknown\n", f);
		return;
	}
	if (known(ev, EV_INVOKER_PID))
		fprintf(f, "  invoker  pid %u tid %u ", ev->invoker.pid, ev->invoker.tid);
	else
		fputs("  invoker  pid ? ", f);
	text_comm(f, ev->invoker.comm, sizeof(ev->invoker.comm));
	gfp = gfp_text(ctx, ev, buf);
	if (known(ev, EV_GFP) && !gfp)
		snprintf(buf, sizeof(buf), "%#x", ev->gfp.mask), gfp = buf;
	if (known(ev, EV_GFP))
		fprintf(f, " gfp %s order %d%s", gfp, ev->gfp.order,
			ev->gfp.of_reclaim ? " (of its last reclaim)" : "");
	else
		fputs(" gfp unknown", f);
	if (known(ev, EV_INVOKER_ADJ))
		fprintf(f, " adj %d", ev->invoker.oom_score_adj);
	fputc('\n', f);
}

static void text_memcg(FILE *f, const struct oom_event *ev)
{
	unsigned long long max = ev->memcg.limit_kb;

	if (!known(ev, EV_MEMCG))
		fputs("  memcg    none at its limit (global OOM)\n", f);
	else if (!known(ev, EV_MEMCG_USAGE))
		fprintf(f, "  memcg    %s  usage unknown\n", ev->memcg.path);
	else
		fprintf(f, "  memcg    %s  usage %llu kB of %llu kB (%llu%%)\n", ev->memcg.path,
			ev->memcg.usage_kb, max, max ? ev->memcg.usage_kb * 100 / max : 0);
	if (ev->cgroup_path[0] && strcmp(ev->cgroup_path, ev->memcg.path))
		fprintf(f, "  cgroup   %s (victim's)\n", ev->cgroup_path);
}

/* A cpuset or mempolicy OOM: the nodes it was confined to, as the kernel names them. */
static void text_nodes_allowed(FILE *f, const struct oom_event *ev)
{
	const typeof(ev->nodes_allowed) *n = &ev->nodes_allowed;

	if (!ev->constraint || (strcmp(ev->constraint, "CPUSET") && strcmp(ev->constraint,
									 "MEMORY_POLICY")))
		return;
	if (!n->have_nodemask && !n->have_cpuset)
		return;
	fputs("  nodes   ", f);
	if (n->have_nodemask)
		fprintf(f, " nodemask %s", n->nodemask_any ? "any" : n->nodemask);
	if (n->have_cpuset)
		fprintf(f, "%s cpuset %s  mems_allowed %s", n->have_nodemask ? " " : "", n->cpuset,
			n->mems_allowed);
	fputc('\n', f);
}

static void text_frames(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev)
{
	if (!known(ev, EV_STACK)) {
		fputs("  stack    not in the log\n", f);
		return;
	}
	if (!ev->nr_frames) {
		text_stack(f, ctx, event_stack(ev));
		return;
	}
	for (int i = 0; i < ev->nr_frames; i++)
		fprintf(f, "  %-8s %s\n", i ? "" : "stack", ev->frames[i]);
}

/* A memcg OOM's limit in one line, kind by kind, with each one's share. */
static void text_memcg_went(FILE *f, const struct oom_event *ev)
{
	struct memcg_split m;
	const char *sep = "";

	if (!event__memcg_split(ev, &m))
		return;
	fprintf(f, "  memory   of the %lld kB limit: ", m.limit_kb);
	for (int p = 0; p < MEMCG_PARTS; p++) {
		char label[64], *c;

		if (m.kb[p] < 0)
			continue;
		snprintf(label, sizeof(label), "%s", event__memcg_part_name(p));
		for (c = label; (c = strchr(c, '_'));)
			*c = ' ';
		fprintf(f, "%s%s %lld kB (%lld%%)", sep, label, m.kb[p], m.kb[p] * 100 / m.limit_kb);
		sep = ", ";
	}
	if (m.reclaimable_kb >= 0)
		fprintf(f, "; reclaimable %lld kB (%lld%%)", m.reclaimable_kb,
			m.reclaimable_kb * 100 / m.limit_kb);
	fprintf(f, " (%s)\n", !strcmp(m.read, "kernel_log") ? "at the kill, from the kernel log"
							       : "read at arrival");
}

/*
 * A global OOM's memory at the kill in one line, part by part, and each
 * zone below its min watermark in one more (the kernel's own test: free
 * below min).
 */
static void text_node_memory(FILE *f, const struct oom_event *ev)
{
	const struct event_enrichment *e = &ev->enrich;
	struct memory_split m;
	const char *sep = "";

	if (known(ev, EV_MEMCG))
		text_memcg_went(f, ev);
	if (!event__memory_split(ev, &m))
		return;
	if (!known(ev, EV_MEMCG)) {
		fputs("  memory   ", f);
		if (m.ram_kb > 0)
			fprintf(f, "RAM %lld kB: ", m.ram_kb);
		/* a part whole or not at all: a log line cut short gives only some counters */
		for (int p = 0; p < MEMORY_PARTS; p++) {
			/* most machines have no hugetlb pool: JSON says 0, the line nothing */
			if (m.kb[p] < 0 || (p == PART_HUGETLB && !m.kb[p]))
				continue;
			char label[64], *c;

			/* JSON's key in words: page_cache, page cache */
			snprintf(label, sizeof(label), "%s", event__memory_part_name(p));
			for (c = label; (c = strchr(c, '_')); )
				*c = ' ';
			fprintf(f, "%s%s %lld kB", sep, label, m.kb[p]);
			if (m.ram_kb > 0)
				fprintf(f, " (%lld%%)", m.kb[p] * 100 / m.ram_kb);
			sep = ", ";
		}
		if (known(ev, EV_ENRICHED) && e->rss_summed)
			fprintf(f, "; processes' RSS %llu kB (%llu processes, at arrival)",
				e->ranked_rss_kb, e->ranked_procs);
		fputc('\n', f);
	}
	for (int i = 0; i < ev->nr_zones; i++) {
		const struct event_zone *z = &ev->zones[i];

		if (z->free_kb >= z->min_kb)
			continue;
		fprintf(f,
			"  zone     node %u %s: free %llu kB below min %llu kB (low %llu kB, high %llu "
			"kB)\n",
			z->node, z->name, z->free_kb, z->min_kb, z->low_kb, z->high_kb);
	}
}

static void text_verdict(FILE *f, const struct oom_event *ev)
{
	struct verdict v;
	char line[3 * VERDICT_LEN + 8];

	verdict__derive(ev, &v);
	verdict__line(&v, line, sizeof(line));
	fprintf(f, "  verdict  %s\n", line);
}

static void output_kill_text(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev,
			     const char *time, unsigned long long dropped)
{
	bool exiting = ev->already_exiting;

	fprintf(f, "%s%s OOM %s  constraint %s  event %llu  (via %s)%s\n", C(ctx, COLOR_HEADER),
		time ?: "(time unknown)", exiting ? "victim already exiting" : "kill",
		ev->constraint ?: "unknown", ev->event_id, ev->hook, C(ctx, COLOR_RESET));
	if (exiting)
		fputs("  kind     already exiting: the kernel marked it as the victim, it did not "
		      "kill "
		      "it (no SIGKILL, not counted as a kill)\n",
		      f);
	text_victim(f, ctx, ev);
	text_invoker(f, ctx, ev);
	text_memcg(f, ev);
	text_nodes_allowed(f, ev);
	text_node_memory(f, ev);
	text_slabs(f, ev);
	text_vm(f, ev);
	text_state(f, ev);
	text_container(f, ev);
	text_next(f, ev);
	text_reclaim(f, ev);
	text_retry(f, ev);
	text_verdict(f, ev);
	text_frames(f, ctx, ev);
	text_dropped(f, ctx, dropped);
	fputc('\n', f);
}

void output__kill(FILE *f, const struct output_ctx *ctx, const struct oom_event *ev,
		  const struct timespec *realtime, unsigned long long dropped)
{
	char time[64];

	if (realtime)
		output__format_time(realtime, time, sizeof(time));
	if (ctx->json)
		output_kill_json(f, ctx, ev, realtime ? time : NULL, dropped);
	else
		output_kill_text(f, ctx, ev, realtime ? time : NULL, dropped);
}

/* ---- the kernel's count ---- */

void output__unreconciled(FILE *f, const struct output_ctx *ctx, const struct reconcile_diff *d,
			  const struct timespec *realtime)
{
	bool host = d->scope == RECONCILE_HOST;
	char time[64];

	if (!ctx->json) {
		if (!d->diff)
			fprintf(stderr,
				"oomtrace: kills reconciled again (%s%s): the kernel counted "
				"%llu, oomtrace reported %llu\n",
				host ? "host" : "memcg ", host ? "" : d->memcg, d->kernel,
				d->reported);
		else
			fprintf(
			    stderr,
			    "oomtrace: warning: unreconciled kills (%s%s): the kernel counted %llu "
			    "%s, oomtrace reported %llu: %+lld; %llu kill record%s lost so far\n",
			    host ? "host" : "memcg ", host ? "" : d->memcg, d->kernel,
			    host ? "since the start (/proc/vmstat oom_kill)"
				 : "since its first kill here (its oom_kill count)",
			    d->reported, d->diff, d->dropped_kills,
			    d->dropped_kills == 1 ? "" : "s");
		return;
	}
	output__format_time(realtime, time, sizeof(time));
	fprintf(f, "{\"type\":\"unreconciled\",\"time\":\"%s\",\"scope\":\"%s\"", time,
		host ? "host" : "memcg");
	json_key_str(f, "memcg", d->memcg, EVENT_PATH_LEN);
	fprintf(f,
		",\"kernel_kills\":%llu,\"kills\":%llu,\"unreconciled_kills\":%lld,"
		"\"dropped_kills\":%llu}\n",
		d->kernel, d->reported, d->diff, d->dropped_kills);
}

/* ---- reclaim stalls ---- */

static struct stack stall_stack(const struct stall_event *ev)
{
	return (struct stack){ .addrs = ev->stack, .nr = ev->nr_stack, .err = ev->stack_error };
}

void output__stall(FILE *f, const struct output_ctx *ctx, const struct stall_event *ev,
		   const struct timespec *realtime, unsigned long long dropped)
{
	char time[64], buf[GFP_LEN];

	output__format_time(realtime, time, sizeof(time));
	gfp_name(ctx, ev->gfp_mask, buf);
	if (!ctx->json) {
		fprintf(f, "%s reclaim stall  pid %u tid %u ", time, ev->pid, ev->tid);
		text_comm(f, ev->comm, sizeof(ev->comm));
		fprintf(f,
			"  %s reclaim in %s\n"
			"  stalled  %.1f ms in %u passes over %.1f ms, scanned %llu reclaimed %llu "
			"pages\n"
			"  request  gfp %s order %d; episode ended: %s\n",
			ev->kind, ev->memcg ?: "(memcg unknown)", ms(ev->stall_ns), ev->passes,
			ms(ev->span_ns), ev->scanned, ev->reclaimed, buf, ev->order, ev->ended);
		text_stack(f, ctx, stall_stack(ev));
		text_dropped(f, ctx, dropped);
		fputc('\n', f);
		return;
	}
	fprintf(f, "{\"type\":\"reclaim_stall\",\"time\":\"%s\",\"ktime_ns\":%llu", time,
		ev->first_ns);
	fprintf(f, ",\"task\":{\"pid\":%u,\"tid\":%u", ev->pid, ev->tid);
	json_key_str(f, "comm", ev->comm, sizeof(ev->comm));
	fputc('}', f);
	json_key_str(f, "memcg", ev->memcg, 4096);
	{
		struct container_info c;

		json_container(f, ev->memcg && container__parse(ev->memcg, &c) ? &c : NULL);
	}
	fprintf(f,
		",\"memcg_id\":%llu,\"kind\":\"%s\",\"duration_us\":%llu,\"stall_us\":%llu,"
		"\"passes\":%u,\"scanned\":%llu,\"reclaimed\":%llu,\"order\":%d",
		ev->memcg_id, ev->kind, ev->span_ns / 1000, ev->stall_ns / 1000, ev->passes,
		ev->scanned, ev->reclaimed, ev->order);
	json_key_str(f, "gfp_mask", buf, sizeof(buf));
	fprintf(f, ",\"ended\":\"%s\"", ev->ended);
	if (ev->nr_stack || ev->stack_error)
		json_stack(f, ctx, stall_stack(ev));
	else
		fputs(",\"kstack\":null", f);
	fprintf(f, ",\"dropped\":%llu}\n", dropped);
}

/* ---- after the kill ---- */

static void text_reaped(FILE *f, const struct reap_event *ev, const char *time)
{
	bool exited = ev->known & REAP_EXIT;
	struct verdict_after after;

	fprintf(f, "%s OOM victim %s  pid %u tid %u ", time ?: "(time unknown)",
		ev->not_gone ? "not gone" : exited ? "exited" : "reaped", ev->pid, ev->tid);
	text_comm(f, ev->comm, sizeof(ev->comm));
	if (!(ev->known & REAP_EVENT))
		fputs("  event unknown\n  after    ", f);
	else
		fprintf(f, "  event %llu\n  after    ", ev->event_id);
	if (exited)
		fprintf(f, "exit %.1f ms after the kill; ", ms(ev->exit_ns));
	if (ev->not_gone)
		fprintf(f, "no exit %.1f s after the kill, state %c; ", ev->since_ns / 1e9,
			ev->state ?: '?');
	fprintf(f, "oom_reaper: %s", ev->reaper);
	if (ev->reaped && (ev->known & REAP_TIME))
		fprintf(f, " at %.1f ms", ms(ev->reap_ns));
	if (ev->known & REAP_KB)
		fprintf(f, ", %llu kB freed", ev->reaped_kb);
	verdict__followed(ev, &after);
	fprintf(f, "\n  verdict  %s.\n", after.text);
}

void output__reaped(FILE *f, const struct output_ctx *ctx, const struct reap_event *ev,
		    const struct timespec *realtime, unsigned long long dropped)
{
	struct verdict_after after;
	char time[64];

	if (realtime)
		output__format_time(realtime, time, sizeof(time));
	if (!ctx->json) {
		text_reaped(f, ev, realtime ? time : NULL);
		text_dropped(f, ctx, dropped);
		fputc('\n', f);
		return;
	}
	fputs(ev->not_gone ? "{\"type\":\"oom_not_gone\"" : "{\"type\":\"oom_reaped\"", f);
	json_key_str(f, "time", realtime ? time : NULL, sizeof(time));
	json_ull(f, "ktime_ns", ev->known & REAP_KTIME, ev->ktime_ns);
	json_ull(f, "event_id", ev->known & REAP_EVENT, ev->event_id);
	fprintf(f, ",\"source\":\"%s\",\"victim\":{\"pid\":%u,\"tid\":%u", ev->source, ev->pid,
		ev->tid);
	json_key_str(f, "comm", ev->comm, sizeof(ev->comm));
	/* a late word: the victim's /proc state, and how long after the kill */
	if (ev->not_gone)
		json_key_str(f, "state", ev->state ? (char[]){ ev->state, '\0' } : NULL, 2);
	fputc('}', f);
	if (ev->not_gone)
		fprintf(f, ",\"since_kill_us\":%llu", ev->since_ns / 1000);
	fprintf(f, ",\"reaper\":{\"state\":\"%s\"", ev->reaper);
	if (!ev->not_gone)
		json_ull(f, "reaped_kb", ev->known & REAP_KB, ev->reaped_kb);
	json_ull(f, "reap_us", ev->reaped && (ev->known & REAP_TIME), ev->reap_ns / 1000);
	if (!ev->not_gone)
		json_ull(f, "exit_us", ev->known & REAP_EXIT, ev->exit_ns / 1000);
	verdict__followed(ev, &after);
	fprintf(f, "},\"verdict\":{\"followed_rule\":\"%s\"", verdict__followed_rule(after.rule));
	json_key_str(f, "followed", after.text, sizeof(after.text));
	fputc('}', f);
	fprintf(f, ",\"dropped\":%llu}\n", dropped);
}

/* ---- at the end of a run ---- */

static unsigned long long dropped_total(const struct run_totals *s)
{
	unsigned long long n = 0;

	for (int i = 0; i < OOMT_RECORD_TYPES; i++)
		n += s->dropped[i];
	return n;
}

/* The kernel's kills less the reported ones and those it counted twice. */
static long long unreconciled(const struct run_totals *s)
{
	return (long long)(s->kernel_kills - s->kills - s->repeat_kills);
}

void output__summary_kernel(FILE *f, const struct run_totals *s)
{
	long long diff = unreconciled(s);

	if (s->already_exiting)
		fprintf(f,
			"oomtrace: %llu victim%s already exiting: marked by the OOM killer, not "
			"killed, not counted as kills\n",
			s->already_exiting, s->already_exiting == 1 ? " was" : "s were");
	if (!s->have_kernel_kills) {
		if (s->kernel_why)
			fprintf(f, "oomtrace: kills not compared with /proc/vmstat oom_kill: %s\n",
				s->kernel_why);
		return;
	}
	fprintf(f, "oomtrace: the kernel counted %llu OOM kill%s (/proc/vmstat oom_kill",
		s->kernel_kills, s->kernel_kills == 1 ? "" : "s");
	if (s->repeat_kills)
		fprintf(f, "; %llu of them a memory.oom.group victim killed again", s->repeat_kills);
	fputs("): ", f);
	if (!diff)
		fputs("all reported\n", f);
	else
		fprintf(f, "%+lld against those reported, unreconciled\n", diff);
}

void output__summary(FILE *f, const struct run_totals *s)
{
	unsigned long long dropped = dropped_total(s);

	fprintf(f, "oomtrace: %llu OOM kill%s traced, %llu record%s dropped\n", s->kills,
		s->kills == 1 ? "" : "s", dropped, dropped == 1 ? "" : "s");
	if (dropped)
		fprintf(f, "oomtrace: dropped %llu oom_kill, %llu reclaim_stall, %llu oom_reaped\n",
			s->dropped[RECORD_OOM_KILL], s->dropped[RECORD_RECLAIM_STALL],
			s->dropped[RECORD_OOM_REAPED]);
	if (s->have_missed_runs && s->missed_runs)
		fprintf(f,
			"oomtrace: the kernel skipped %llu run%s of oomtrace's BPF programs (the same "
			"program already running on that CPU): a record may lack its reclaim story\n",
			s->missed_runs, s->missed_runs == 1 ? "" : "s");
	output__summary_kernel(f, s);
	stats__print(s->stats, f);
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		const struct node_totals *n = &s->nodes[i];

		fprintf(f,
			"node %u: kswapd woke %llu times, ran %.1f ms; inactive LRUs scanned "
			"%llu, reclaimed %llu pages\n",
			n->nid, n->wakes, n->run_ns / 1e6, n->scanned, n->reclaimed);
	}
}

void output__summary_json(FILE *f, const struct run_totals *s)
{
	fprintf(f,
		"{\"type\":\"summary\",\"source\":\"%s\",\"kills\":%llu,\"already_exiting\":%llu",
		s->source ?: "bpf", s->kills, s->already_exiting);
	if (s->have_kernel_kills)
		fprintf(f, ",\"kernel_kills\":%llu,\"repeat_kills\":%llu,\"unreconciled_kills\":%lld",
			s->kernel_kills, s->repeat_kills, unreconciled(s));
	else
		fputs(",\"kernel_kills\":null,\"repeat_kills\":null,\"unreconciled_kills\":null", f);
	fprintf(f, ",\"dropped\":%llu,", s->source ? s->log_lost : dropped_total(s));
	if (s->source) /* the kernel log's losses have no record type */
		fprintf(f, "\"dropped_by_type\":null,\"incomplete\":%llu", s->incomplete);
	else
		fprintf(f,
			"\"dropped_by_type\":{\"oom_kill\":%llu,\"reclaim_stall\":%llu,"
			"\"oom_reaped\":%llu}",
			s->dropped[RECORD_OOM_KILL], s->dropped[RECORD_RECLAIM_STALL],
			s->dropped[RECORD_OOM_REAPED]);
	if (s->have_missed_runs) {
		fprintf(f, ",\"bpf_missed_runs\":%llu,\"bpf_missed_runs_by_program\":{",
			s->missed_runs);
		for (unsigned int i = 0; i < s->nr_missed; i++)
			fprintf(f, "%s\"%s\":%llu", i ? "," : "", s->missed[i].prog,
				s->missed[i].runs);
		fputc('}', f);
	} else {
		fputs(",\"bpf_missed_runs\":null,\"bpf_missed_runs_by_program\":null", f);
	}
	fputs(",\"memcgs\":", f);
	stats__print_json(s->stats, f);
	fputs(",\"nodes\":[", f);
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		const struct node_totals *n = &s->nodes[i];

		fprintf(f,
			"%s{\"node\":%u,\"kswapd_wakes\":%llu,\"kswapd_run_us\":%llu,"
			"\"scanned\":%llu,\"reclaimed\":%llu}",
			i ? "," : "", n->nid, n->wakes, n->run_ns / 1000, n->scanned, n->reclaimed);
	}
	fputs("]}\n", f);
	fflush(f);
}
