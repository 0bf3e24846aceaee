// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "gfp.h"
#include "json.h"
#include "ksyms.h"
#include "output.h"
#include "stats.h"

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

static unsigned long long kb(const struct output_ctx *ctx, unsigned long long pages)
{
	return pages * (ctx->page_size / 1024);
}

/* A kernel stack as bpf_get_stack() left it: len bytes, or -errno. */
struct stack {
	const __u64 *addrs;
	int len;
};

#define STACK_OF(s) ((struct stack){ .addrs = (s)->kstack, .len = (s)->kstack_len })

static int stack_depth(struct stack st)
{
	int n = st.len > 0 ? st.len / (int)sizeof(st.addrs[0]) : 0;

	return n < OOMT_MAX_STACK ? n : OOMT_MAX_STACK;
}

/* The frames worth printing: the kernel's, not BPF's own on top of them. */
static int stack_start(const struct output_ctx *ctx, struct stack st)
{
	return ksyms__bpf_frames(ctx->ksyms, (const unsigned long long *)st.addrs, stack_depth(st));
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

static bool known(const struct kill_report *r, unsigned int what)
{
	return !(r->unknown & what);
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

static void json_victim(FILE *f, const struct output_ctx *ctx, const struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;
	bool mm = rec->flags & KILL_HAVE_VICTIM;

	fputs(",\"victim\":{\"pid\":", f);
	if (rec->victim_pid)
		fprintf(f, "%u", rec->victim_pid);
	else
		fputs("null", f);
	fprintf(f, ",\"tid\":%u", rec->victim_tid);
	json_key_str(f, "comm", mm ? rec->victim_comm : NULL, sizeof(rec->victim_comm));
	if (!mm) {
		fputs(",\"uid\":null,\"oom_score_adj\":null,\"points\":null,\"points_source\":null,"
		      "\"total_vm_kb\":null,"
		      "\"anon_rss_kb\":null,\"file_rss_kb\":null,\"shmem_rss_kb\":null,"
		      "\"swap_kb\":null,\"pgtables_kb\":null}",
		      f);
		return;
	}
	json_ull(f, "uid", known(r, REPORT_NO_UID), rec->victim_uid);
	if (known(r, REPORT_NO_ADJ))
		fprintf(f, ",\"oom_score_adj\":%d", rec->oom_score_adj);
	else
		fputs(",\"oom_score_adj\":null", f);
	if (r->have_points)
		fprintf(f, ",\"points\":%ld,\"points_source\":\"%s\"", r->points,
			r->points_from_kernel ? "oom_control" : "computed");
	else
		fputs(",\"points\":null,\"points_source\":null", f); /* no points, no source */
	json_ull(f, "total_vm_kb", known(r, REPORT_NO_VM), kb(ctx, rec->total_vm_pages));
	json_ull(f, "anon_rss_kb", known(r, REPORT_NO_ANON), kb(ctx, rec->anon_pages));
	json_ull(f, "file_rss_kb", known(r, REPORT_NO_FILE), kb(ctx, rec->file_pages));
	json_ull(f, "shmem_rss_kb", known(r, REPORT_NO_SHMEM), kb(ctx, rec->shmem_pages));
	json_ull(f, "swap_kb", known(r, REPORT_NO_SWAP), kb(ctx, rec->swap_pages));
	json_ull(f, "pgtables_kb", known(r, REPORT_NO_PGTABLES), rec->pgtables_bytes / 1024);
	fputc('}', f);
}

static void json_memcg(FILE *f, const struct output_ctx *ctx, const struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;

	fputs(",\"memcg\":", f);
	if (!r->have_memcg) {
		fputs("null", f);
	} else {
		fputs("{\"path\":", f);
		json_string(f, r->memcg_path, sizeof(r->memcg_path));
		json_ull(f, "usage_kb", known(r, REPORT_NO_MEMCG_USAGE),
			 kb(ctx, rec->memcg_usage_pages));
		json_ull(f, "limit_kb", known(r, REPORT_NO_MEMCG_USAGE),
			 kb(ctx, rec->memcg_max_pages));
		json_ull(f, "cgroup_version", known(r, REPORT_NO_CGROUP_VERSION),
			 rec->memcg_is_v1 ? 1 : 2);
		fputs(",\"state\":", f);
		if (r->have_state)
			memcg_state__json(f, &r->state);
		else
			fputs("null", f);
		fputc('}', f);
	}
	json_key_str(f, "cgroup", r->cgroup_path[0] ? r->cgroup_path : NULL,
		     sizeof(r->cgroup_path));
	json_container(f, r->have_container ? &r->container : NULL);
}

static void json_next(FILE *f, const struct kill_report *r, const struct aftermath *am)
{
	if (!known(r, REPORT_NO_NEXT)) {
		fputs(",\"next_victims\":null,\"next_victims_truncated\":null", f);
		return;
	}
	fputs(",\"next_victims\":[", f);
	for (size_t i = 0; i < r->nr_next; i++) {
		const struct proc_info *p = &r->next[i];

		fprintf(f, "%s{\"pid\":%d", i ? "," : "", p->pid);
		json_key_str(f, "comm", p->comm, sizeof(p->comm));
		fprintf(
		    f,
		    ",\"points\":%ld,\"anon_rss_kb\":%lu,\"file_rss_kb\":%lu,\"shmem_rss_kb\":%lu,"
		    "\"swap_kb\":%lu,\"pgtables_kb\":%lu,\"oom_score_adj\":%ld}",
		    p->points, p->rss_anon_kb, p->rss_file_kb, p->rss_shmem_kb, p->swap_kb,
		    p->pgtables_kb, p->oom_score_adj);
	}
	fprintf(f, "],\"next_victims_truncated\":%s", am && am->next_truncated ? "true" : "false");
}

static void json_stack(FILE *f, const struct output_ctx *ctx, struct stack st)
{
	char sym[SYM_LEN];
	int i, first = stack_start(ctx, st), n = stack_depth(st);

	fputs(",\"kstack\":[", f);
	for (i = first; i < n; i++) {
		ksyms__format(ctx->ksyms, st.addrs[i], sym, sizeof(sym));
		if (i > first)
			fputc(',', f);
		json_string(f, sym, sizeof(sym));
	}
	fputc(']', f);
	if (st.len < 0)
		fprintf(f, ",\"kstack_error\":%d", st.len);
}

/* The invoker's reclaim episode that ended in this kill. */
static void json_reclaim(FILE *f, const struct oom_kill_record *rec)
{
	const struct reclaim_episode *ep = &rec->episode;

	if (!rec->have_episode) {
		fputs(",\"reclaim\":null", f);
		return;
	}
	fprintf(f,
		",\"reclaim\":{\"passes\":%u,\"stall_us\":%llu,\"scanned\":%llu,\"reclaimed\":%llu,"
		"\"first_us_before_kill\":%llu,\"kswapd_wakes\":%llu}",
		ep->passes, (unsigned long long)ep->stall_ns / 1000,
		(unsigned long long)ep->scanned, (unsigned long long)ep->reclaimed,
		(unsigned long long)(rec->ktime_ns - ep->first_ns) / 1000,
		(unsigned long long)(rec->kswapd_wakes - ep->kswapd_wakes));
}

/* The stack as its source gave it: text frames, or addresses to resolve. */
static void json_frames(FILE *f, const struct output_ctx *ctx, const struct kill_report *r)
{
	if (!known(r, REPORT_NO_STACK)) {
		fputs(",\"kstack\":null", f);
		return;
	}
	if (!r->frames) {
		json_stack(f, ctx, STACK_OF(r->rec));
		return;
	}
	fputs(",\"kstack\":[", f);
	for (int i = 0; i < r->nr_frames; i++) {
		if (i)
			fputc(',', f);
		json_string(f, r->frames[i], SYM_LEN);
	}
	fputc(']', f);
}

static const char *gfp_text(const struct output_ctx *ctx, const struct kill_report *r, char *buf)
{
	if (!r->have_gfp || !known(r, REPORT_NO_GFP_NAMES))
		return NULL;
	return r->gfp_names ?: gfp_name(ctx, r->gfp_mask, buf);
}

const char *output__kill_kind(const struct kill_report *r)
{
	return r->rec->flags & KILL_ALREADY_EXITING ? "already_exiting" : "kill";
}

static void output_kill_json(FILE *f, const struct output_ctx *ctx, const struct kill_report *r,
			     const struct aftermath *am, const char *time,
			     unsigned long long dropped)
{
	const struct oom_kill_record *rec = r->rec;
	char buf[GFP_LEN];

	fputs("{\"type\":\"oom_kill\"", f);
	json_key_str(f, "time", time, 64);
	json_ull(f, "ktime_ns", known(r, REPORT_NO_KTIME), rec->ktime_ns);
	fprintf(f, ",\"event_id\":%llu,\"kind\":\"%s\",\"hook\":\"%s\",\"source\":\"%s\"",
		(unsigned long long)rec->event_id, output__kill_kind(r),
		r->hook ?: report__hook_name(rec->hook), r->source ?: "bpf");
	json_key_str(f, "constraint", r->constraint, 32);
	json_key_str(f, "gfp_mask", gfp_text(ctx, r, buf), sizeof(buf));
	if (r->have_gfp)
		fprintf(f, ",\"gfp_mask_raw\":%u,\"order\":%d,\"gfp_source\":\"%s\"", r->gfp_mask,
			rec->order, r->gfp_source);
	else
		fputs(",\"gfp_mask_raw\":null,\"order\":null,\"gfp_source\":null", f);
	if (known(r, REPORT_NO_INVOKER | REPORT_NO_INVOKER_PID))
		fprintf(f, ",\"invoker\":{\"pid\":%u,\"tid\":%u", rec->invoker_pid,
			rec->invoker_tid);
	else
		fputs(",\"invoker\":{\"pid\":null,\"tid\":null", f);
	json_key_str(f, "comm", known(r, REPORT_NO_INVOKER) ? rec->invoker_comm : NULL,
		     sizeof(rec->invoker_comm));
	if (rec->flags & KILL_HAVE_INVOKER_ADJ)
		fprintf(f, ",\"oom_score_adj\":%d}", rec->invoker_oom_score_adj);
	else
		fputs(",\"oom_score_adj\":null}", f);
	json_victim(f, ctx, r);
	if (r->have_totalpages)
		fprintf(f, ",\"totalpages\":%lu", r->totalpages);
	else
		fputs(",\"totalpages\":null", f);
	json_memcg(f, ctx, r);
	json_next(f, r, am);
	json_reclaim(f, rec);
	json_frames(f, ctx, r);
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
	int i, first = stack_start(ctx, st), n = stack_depth(st);

	for (i = first; i < n; i++) {
		char sym[SYM_LEN];

		ksyms__format(ctx->ksyms, st.addrs[i], sym, sizeof(sym));
		fprintf(f, "  %-8s %s\n", i > first ? "" : "stack", sym);
	}
	if (st.len < 0)
		fprintf(f, "  %sstack    unavailable (%d)%s\n", C(ctx, COLOR_WARNING), st.len,
			C(ctx, COLOR_RESET));
}

static void text_dropped(FILE *f, const struct output_ctx *ctx, unsigned long long dropped)
{
	if (dropped)
		fprintf(f, "  %sdropped  %llu records lost to %s so far%s\n", C(ctx, COLOR_WARNING),
			dropped, ctx->lost_to ?: "a full ring buffer", C(ctx, COLOR_RESET));
}

static void text_state(FILE *f, const struct kill_report *r)
{
	const struct memcg_state *s = &r->state;

	if (!r->have_state)
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
	fputc('\n', f);
}

static void text_container(FILE *f, const struct kill_report *r)
{
	const struct container_info *c = &r->container;

	if (!r->have_container)
		return;
	fprintf(f, "  container %s%s%.12s", c->runtime[0] ? c->runtime : "",
		c->runtime[0] && c->id[0] ? " " : "", c->id);
	if (c->pod_uid[0])
		fprintf(f, " pod %s (%s)", c->pod_uid, c->qos);
	if (c->unit[0])
		fprintf(f, " unit %s", c->unit);
	fputc('\n', f);
}

static void text_next(FILE *f, const struct kill_report *r, const struct aftermath *am)
{
	for (size_t i = 0; i < r->nr_next; i++) {
		const struct proc_info *p = &r->next[i];

		fprintf(f, "  %-8s pid %d ", i ? "" : "next", p->pid);
		text_comm(f, p->comm, sizeof(p->comm));
		fprintf(f, " points %ld (rss %lu kB swap %lu kB pgtables %lu kB adj %ld)\n",
			p->points, p->rss_anon_kb + p->rss_file_kb + p->rss_shmem_kb, p->swap_kb,
			p->pgtables_kb, p->oom_score_adj);
	}
	if (am && am->next_truncated)
		fprintf(
		    f, "  %-8s scan truncated: the domain has more processes than one scan reads\n",
		    r->nr_next ? "" : "next");
}

static void text_reclaim(FILE *f, const struct oom_kill_record *rec)
{
	const struct reclaim_episode *ep = &rec->episode;

	if (!rec->have_episode) {
		fputs("  reclaim  none by the invoker before the kill\n", f);
		return;
	}
	fprintf(f,
		"  reclaim  %u passes from %.1f ms before the kill, stalled %.1f ms, "
		"scanned %llu reclaimed %llu pages, kswapd woke %llu times\n",
		ep->passes, ms(rec->ktime_ns - ep->first_ns), ms(ep->stall_ns),
		(unsigned long long)ep->scanned, (unsigned long long)ep->reclaimed,
		(unsigned long long)(rec->kswapd_wakes - ep->kswapd_wakes));
}

/* " label N kB", or " label ? kB" for what the source could not learn */
static void text_kb(FILE *f, const char *label, bool known, unsigned long long v)
{
	if (known)
		fprintf(f, "%s %llu kB", label, v);
	else
		fprintf(f, "%s ? kB", label);
}

static void text_victim(FILE *f, const struct output_ctx *ctx, const struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;

	fprintf(f, "  victim   %spid %u tid %u ", C(ctx, COLOR_VICTIM), rec->victim_pid,
		rec->victim_tid);
	if (!(rec->flags & KILL_HAVE_VICTIM)) {
		fprintf(f, "%s(task not readable on this kernel)\n", C(ctx, COLOR_RESET));
		return;
	}
	text_comm(f, rec->victim_comm, sizeof(rec->victim_comm));
	fputs(C(ctx, COLOR_RESET), f);
	if (known(r, REPORT_NO_UID))
		fprintf(f, " uid %u", rec->victim_uid);
	if (known(r, REPORT_NO_ADJ))
		fprintf(f, " oom_score_adj %d", rec->oom_score_adj);
	if (r->have_points)
		fprintf(f, " points %ld%s\n", r->points,
			r->points_from_kernel ? "" : " (computed)");
	else
		fputs(" points unknown\n", f);
	text_kb(f, "           rss anon", known(r, REPORT_NO_ANON), kb(ctx, rec->anon_pages));
	text_kb(f, " file", known(r, REPORT_NO_FILE), kb(ctx, rec->file_pages));
	text_kb(f, " shmem", known(r, REPORT_NO_SHMEM), kb(ctx, rec->shmem_pages));
	text_kb(f, "  swap", known(r, REPORT_NO_SWAP), kb(ctx, rec->swap_pages));
	text_kb(f, "  pgtables", known(r, REPORT_NO_PGTABLES), rec->pgtables_bytes / 1024);
	text_kb(f, "  vm", known(r, REPORT_NO_VM), kb(ctx, rec->total_vm_pages));
	fputc('\n', f);
}

static void text_invoker(FILE *f, const struct output_ctx *ctx, const struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;
	const char *gfp;
	char buf[GFP_LEN];

	if (!known(r, REPORT_NO_INVOKER)) {
		fputs("  invoker  unknown\n", f);
		return;
	}
	if (known(r, REPORT_NO_INVOKER_PID))
		fprintf(f, "  invoker  pid %u tid %u ", rec->invoker_pid, rec->invoker_tid);
	else
		fputs("  invoker  pid ? ", f);
	text_comm(f, rec->invoker_comm, sizeof(rec->invoker_comm));
	gfp = gfp_text(ctx, r, buf);
	if (r->have_gfp && !gfp)
		snprintf(buf, sizeof(buf), "%#x", r->gfp_mask), gfp = buf;
	if (r->have_gfp)
		fprintf(f, " gfp %s order %d%s", gfp, rec->order,
			rec->flags & KILL_GFP_FROM_RECLAIM ? " (of its last reclaim)" : "");
	else
		fputs(" gfp unknown", f);
	if (rec->flags & KILL_HAVE_INVOKER_ADJ)
		fprintf(f, " adj %d", rec->invoker_oom_score_adj);
	fputc('\n', f);
}

static void text_memcg(FILE *f, const struct output_ctx *ctx, const struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;
	unsigned long long max = rec->memcg_max_pages;

	if (!r->have_memcg)
		fputs("  memcg    none at its limit (global OOM)\n", f);
	else if (!known(r, REPORT_NO_MEMCG_USAGE))
		fprintf(f, "  memcg    %s  usage unknown\n", r->memcg_path);
	else
		fprintf(f, "  memcg    %s  usage %llu kB of %llu kB (%llu%%)\n", r->memcg_path,
			kb(ctx, rec->memcg_usage_pages), kb(ctx, max),
			max ? rec->memcg_usage_pages * 100 / max : 0);
	if (r->cgroup_path[0] && strcmp(r->cgroup_path, r->memcg_path))
		fprintf(f, "  cgroup   %s (victim's)\n", r->cgroup_path);
}

static void text_frames(FILE *f, const struct output_ctx *ctx, const struct kill_report *r)
{
	if (!known(r, REPORT_NO_STACK)) {
		fputs("  stack    not in the log\n", f);
		return;
	}
	if (!r->frames) {
		text_stack(f, ctx, STACK_OF(r->rec));
		return;
	}
	for (int i = 0; i < r->nr_frames; i++)
		fprintf(f, "  %-8s %s\n", i ? "" : "stack", r->frames[i]);
}

static void output_kill_text(FILE *f, const struct output_ctx *ctx, const struct kill_report *r,
			     const struct aftermath *am, const char *time,
			     unsigned long long dropped)
{
	const struct oom_kill_record *rec = r->rec;
	bool exiting = rec->flags & KILL_ALREADY_EXITING;

	fprintf(f, "%s%s OOM %s  constraint %s  event %llu  (via %s)%s\n", C(ctx, COLOR_HEADER),
		time ?: "(time unknown)", exiting ? "victim already exiting" : "kill",
		r->constraint ?: "unknown", (unsigned long long)rec->event_id,
		r->hook ?: report__hook_name(rec->hook), C(ctx, COLOR_RESET));
	if (exiting)
		fputs("  kind     already exiting: the kernel marked it as the victim, it did not "
		      "kill "
		      "it (no SIGKILL, not counted as a kill)\n",
		      f);
	text_victim(f, ctx, r);
	text_invoker(f, ctx, r);
	text_memcg(f, ctx, r);
	text_state(f, r);
	text_container(f, r);
	text_next(f, r, am);
	if (r->source)
		fputs("  reclaim  not in the kernel log\n", f);
	else
		text_reclaim(f, rec);
	text_frames(f, ctx, r);
	text_dropped(f, ctx, dropped);
	fputc('\n', f);
}

void output__kill(FILE *f, const struct output_ctx *ctx, const struct kill_report *r,
		  const struct aftermath *am, const struct timespec *realtime,
		  unsigned long long dropped)
{
	char time[64];

	if (realtime)
		output__format_time(realtime, time, sizeof(time));
	if (ctx->json)
		output_kill_json(f, ctx, r, am, realtime ? time : NULL, dropped);
	else
		output_kill_text(f, ctx, r, am, realtime ? time : NULL, dropped);
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
	json_key_str(f, "memcg", d->memcg, REPORT_PATH_LEN);
	fprintf(f,
		",\"kernel_kills\":%llu,\"kills\":%llu,\"unreconciled_kills\":%lld,"
		"\"dropped_kills\":%llu}\n",
		d->kernel, d->reported, d->diff, d->dropped_kills);
}

/* ---- reclaim stalls ---- */

static const char *kinds_name(unsigned int kinds)
{
	switch (kinds & (RECLAIM_DIRECT | RECLAIM_MEMCG)) {
	case RECLAIM_DIRECT: return "direct";
	case RECLAIM_MEMCG: return "memcg";
	case RECLAIM_DIRECT | RECLAIM_MEMCG: return "direct+memcg";
	default: return "none";
	}
}

void output__stall(FILE *f, const struct output_ctx *ctx, const struct reclaim_stall_record *r,
		   const char *memcg, const struct timespec *realtime, unsigned long long dropped)
{
	const struct reclaim_episode *ep = &r->ep;
	unsigned long long span =
	    ep->last_end_ns > ep->first_ns ? ep->last_end_ns - ep->first_ns : 0;
	unsigned int gfp =
	    report__request_gfp(ctx->gfp, ep->gfp_mask, ep->last_kind == RECLAIM_MEMCG);
	char time[64], buf[GFP_LEN];

	output__format_time(realtime, time, sizeof(time));
	gfp_name(ctx, gfp, buf);
	if (!ctx->json) {
		fprintf(f, "%s reclaim stall  pid %u tid %u ", time, ep->pid, ep->tid);
		text_comm(f, ep->comm, sizeof(ep->comm));
		fprintf(f,
			"  %s reclaim in %s\n"
			"  stalled  %.1f ms in %u passes over %.1f ms, scanned %llu reclaimed %llu "
			"pages\n"
			"  request  gfp %s order %d; episode ended: %s\n",
			kinds_name(ep->kinds), memcg ?: "(memcg unknown)", ms(ep->stall_ns),
			ep->passes, ms(span), (unsigned long long)ep->scanned,
			(unsigned long long)ep->reclaimed, buf, ep->order,
			report__episode_end_name(r->end));
		text_stack(f, ctx, STACK_OF(ep));
		text_dropped(f, ctx, dropped);
		fputc('\n', f);
		return;
	}
	fprintf(f, "{\"type\":\"reclaim_stall\",\"time\":\"%s\",\"ktime_ns\":%llu", time,
		(unsigned long long)ep->first_ns);
	fprintf(f, ",\"task\":{\"pid\":%u,\"tid\":%u", ep->pid, ep->tid);
	json_key_str(f, "comm", ep->comm, sizeof(ep->comm));
	fputc('}', f);
	json_key_str(f, "memcg", memcg, 4096);
	{
		struct container_info c;

		json_container(f, memcg && container__parse(memcg, &c) ? &c : NULL);
	}
	fprintf(f,
		",\"memcg_id\":%llu,\"kind\":\"%s\",\"duration_us\":%llu,\"stall_us\":%llu,"
		"\"passes\":%u,\"scanned\":%llu,\"reclaimed\":%llu,\"order\":%d",
		(unsigned long long)ep->memcg_id, kinds_name(ep->kinds), span / 1000,
		(unsigned long long)ep->stall_ns / 1000, ep->passes,
		(unsigned long long)ep->scanned, (unsigned long long)ep->reclaimed, ep->order);
	json_key_str(f, "gfp_mask", buf, sizeof(buf));
	fprintf(f, ",\"ended\":\"%s\"", report__episode_end_name(r->end));
	if (ep->kstack_len)
		json_stack(f, ctx, STACK_OF(ep));
	else
		fputs(",\"kstack\":null", f);
	fprintf(f, ",\"dropped\":%llu}\n", dropped);
}

/* ---- after the kill ---- */

void output__reaped(FILE *f, const struct output_ctx *ctx, const struct oom_reaped_record *r,
		    const struct timespec *realtime, unsigned long long dropped)
{
	struct reaped_report rr = { .rec = r };

	output__reaped_report(f, ctx, &rr, realtime, dropped);
}

static void text_reaped(FILE *f, const struct reaped_report *rr, const char *time,
			unsigned long long reap_ns, unsigned long long exit_ns)
{
	const struct oom_reaped_record *r = rr->rec;
	bool reaped = r->reaper == REAPER_FINISHED || r->reaper == REAPER_SKIPPED;

	fprintf(f, "%s OOM victim %s  pid %u tid %u ", time ?: "(time unknown)",
		rr->no_exit ? "reaped" : "exited", r->victim_pid, r->victim_tid);
	text_comm(f, r->victim_comm, sizeof(r->victim_comm));
	if (rr->no_event)
		fputs("  event unknown\n  after    ", f);
	else
		fprintf(f, "  event %llu\n  after    ", (unsigned long long)r->event_id);
	if (!rr->no_exit)
		fprintf(f, "exit %.1f ms after the kill; ", ms(exit_ns));
	fprintf(f, "oom_reaper: %s", report__reaper_name(r->reaper));
	if (reaped && !rr->no_reap_time)
		fprintf(f, " at %.1f ms", ms(reap_ns));
	if (rr->have_reaped_kb)
		fprintf(f, ", %llu kB freed", rr->reaped_kb);
	fputs("\n", f);
}

void output__reaped_report(FILE *f, const struct output_ctx *ctx, const struct reaped_report *rr,
			   const struct timespec *realtime, unsigned long long dropped)
{
	const struct oom_reaped_record *r = rr->rec;
	bool reaped = r->reaper == REAPER_FINISHED || r->reaper == REAPER_SKIPPED;
	unsigned long long reap_ns = reaped ? r->reap_end_ns - r->kill_ns : 0;
	unsigned long long exit_ns = r->exit_ns - r->kill_ns;
	char time[64];

	if (realtime)
		output__format_time(realtime, time, sizeof(time));
	if (!ctx->json) {
		text_reaped(f, rr, realtime ? time : NULL, reap_ns, exit_ns);
		text_dropped(f, ctx, dropped);
		fputc('\n', f);
		return;
	}
	fputs("{\"type\":\"oom_reaped\"", f);
	json_key_str(f, "time", realtime ? time : NULL, sizeof(time));
	/* BPF: the exit; the kernel log: the reaper's word */
	json_ull(f, "ktime_ns", !rr->no_ktime, rr->no_exit ? r->reap_end_ns : r->exit_ns);
	json_ull(f, "event_id", !rr->no_event, r->event_id);
	fprintf(f, ",\"source\":\"%s\",\"victim\":{\"pid\":%u,\"tid\":%u", rr->source ?: "bpf",
		r->victim_pid, r->victim_tid);
	json_key_str(f, "comm", r->victim_comm, sizeof(r->victim_comm));
	fprintf(f, "},\"reaper\":{\"state\":\"%s\"", report__reaper_name(r->reaper));
	json_ull(f, "reaped_kb", rr->have_reaped_kb, rr->reaped_kb);
	json_ull(f, "reap_us", reaped && !rr->no_reap_time, reap_ns / 1000);
	json_ull(f, "exit_us", !rr->no_exit, exit_ns / 1000);
	fprintf(f, "},\"dropped\":%llu}\n", dropped);
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
