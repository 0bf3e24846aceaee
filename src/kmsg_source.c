// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include "aftermath.h"
#include "badness.h"
#include "cgpath.h"
#include "cgroups.h"
#include "color.h"
#include "exporter.h"
#include "host.h"
#include "kmsg.h"
#include "kmsg_source.h"
#include "outfile.h"
#include "output.h"
#include "reconcile.h"
#include "report.h"
#include "stats.h"

#define KMSG_PATH   "/dev/kmsg"
#define RECORD_LEN  8192 /* a /dev/kmsg record: LOG_LINE_MAX plus its dictionary */
#define INPUT_LINE  8192 /* longer lines of --input are cut: no report line is near it */
#define KEPT_EVENTS 64	 /* kills kept by --cgroup, for their reaper lines */
#define FILTER_PATH 4096

struct kmsg_source {
	const struct options *opts;
	FILE *out;
	struct kmsg_parser *parser;
	struct host_info host;
	struct output_ctx fmt;
	struct cgroups *cgroups; /* live only: the memcg state and next victims */
	struct stats *stats;
	struct exporter *exporter; /* --metrics, --metrics-file; live only */
	struct reconcile *rc;	   /* the kills against the kernel's counts; live only */
	bool live;
	char (*filters)[FILTER_PATH]; /* --cgroup paths, as the kernel prints them */
	int nr_filters;
	unsigned long long kills, warned_lost;
	unsigned long long kept[KEPT_EVENTS];
	unsigned int kept_next;
	int write_err;
	bool started; /* the input was opened: a summary is owed */
};

/* ---- records ---- */

/* --cgroup keeps a report whose memcg or victim's memcg is in a subtree */
static bool wanted(const struct kmsg_source *s, const struct kmsg_kill *k)
{
	if (!s->nr_filters)
		return true;
	for (int i = 0; i < s->nr_filters; i++)
		if ((k->memcg[0] && cgpath__under(k->memcg, s->filters[i])) ||
		    (k->task_memcg[0] && cgpath__under(k->task_memcg, s->filters[i])))
			return true;
	return false;
}

static bool kept(const struct kmsg_source *s, unsigned long long event)
{
	for (int i = 0; i < KEPT_EVENTS; i++)
		if (s->kept[i] == event)
			return true;
	return false;
}

static int flush_records(struct kmsg_source *s)
{
	if (!s->write_err) /* the first failure is the one to tell */
		s->write_err = outfile__flush(s->out);
	return s->write_err;
}

static unsigned int unknown_of(const struct kmsg_source *s, const struct kmsg_kill *k)
{
	static const struct {
		unsigned int have, unknown;
	} map[] = {
		{ KMSG_HAVE_TS, REPORT_NO_KTIME },
		{ KMSG_HAVE_INVOKER, REPORT_NO_INVOKER },
		{ KMSG_HAVE_INVOKER_PID, REPORT_NO_INVOKER_PID },
		{ KMSG_HAVE_GFP_NAMES, REPORT_NO_GFP_NAMES },
		{ KMSG_HAVE_UID, REPORT_NO_UID },
		{ KMSG_HAVE_ADJ, REPORT_NO_ADJ },
		{ KMSG_HAVE_VM, REPORT_NO_VM },
		{ KMSG_HAVE_ANON, REPORT_NO_ANON },
		{ KMSG_HAVE_FILE, REPORT_NO_FILE },
		{ KMSG_HAVE_SHMEM, REPORT_NO_SHMEM },
		{ KMSG_HAVE_SWAP, REPORT_NO_SWAP },
		{ KMSG_HAVE_PGTABLES, REPORT_NO_PGTABLES },
		{ KMSG_HAVE_USAGE, REPORT_NO_MEMCG_USAGE },
		{ KMSG_HAVE_VERSION, REPORT_NO_CGROUP_VERSION },
		{ KMSG_HAVE_STACK, REPORT_NO_STACK },
	};
	unsigned int unknown = s->live ? 0 : REPORT_NO_NEXT;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!(k->have & map[i].have))
			unknown |= map[i].unknown;
	/* a host without swap: nobody has any swapped out */
	if (s->live && !s->host.total_swap_pages)
		unknown &= ~REPORT_NO_SWAP;
	return unknown;
}

/*
 * The OOM domain, as mem_cgroup_get_max() or the global OOM reckon it.
 * Old text does not say how much swap its host had: only a memcg whose
 * swap limit is zero is known then.
 */
static void derive_totalpages(const struct kmsg_source *s, const struct kmsg_kill *k,
			      struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;
	unsigned long kbpp = s->host.page_size / 1024;
	unsigned long swap_limit = ~0UL / 2;

	if (r->have_memcg && (k->have & KMSG_HAVE_USAGE)) {
		if (k->have & KMSG_HAVE_SWAP_LIMIT)
			swap_limit = k->swap_limit_kb / kbpp;
		if (!s->live && !(k->have & KMSG_HAVE_SWAP_LIMIT))
			return;
		if (!s->live && (rec->memcg_is_v1 ? swap_limit > rec->memcg_max_pages : swap_limit))
			return;
		r->totalpages = memcg_totalpages(rec->memcg_max_pages, swap_limit, rec->memcg_is_v1,
						 s->host.total_swap_pages);
		r->have_totalpages = true;
	} else if (s->live && k->constraint == OOMT_CONSTRAINT_NONE) {
		r->totalpages = global_totalpages(s->host.totalram_pages, s->host.total_swap_pages);
		r->have_totalpages = true;
	}
}

static void derive_points(const struct kmsg_source *s, struct kill_report *r)
{
	const struct oom_kill_record *rec = r->rec;
	const unsigned int needed = REPORT_NO_ANON | REPORT_NO_FILE | REPORT_NO_SHMEM |
				    REPORT_NO_SWAP | REPORT_NO_PGTABLES | REPORT_NO_ADJ;
	struct badness_parts parts = {
		.rss_pages = rec->anon_pages + rec->file_pages + rec->shmem_pages,
		.swap_pages = rec->swap_pages,
		.pgtables_bytes = rec->pgtables_bytes,
		.oom_score_adj = rec->oom_score_adj,
	};

	if ((r->unknown & needed) || !r->have_totalpages)
		return;
	r->points = badness_points(&parts, r->totalpages, s->host.page_size);
	r->have_points = true;
}

static void fill_record(const struct kmsg_source *s, const struct kmsg_kill *k,
			struct oom_kill_record *rec)
{
	unsigned long kbpp = s->host.page_size / 1024;

	memset(rec, 0, sizeof(*rec));
	rec->type = RECORD_OOM_KILL;
	rec->ktime_ns = k->ts_us * 1000;
	rec->flags = KILL_HAVE_VICTIM;
	rec->constraint = k->constraint;
	rec->event_id = k->event;
	rec->invoker_pid = rec->invoker_tid = k->invoker_pid;
	memcpy(rec->invoker_comm, k->invoker_comm, sizeof(rec->invoker_comm));
	if (k->have & KMSG_HAVE_INVOKER_ADJ) {
		rec->invoker_oom_score_adj = k->invoker_adj;
		rec->flags |= KILL_HAVE_INVOKER_ADJ;
	}
	rec->gfp_mask = k->gfp_mask;
	rec->order = k->order;
	rec->victim_pid = rec->victim_tid = k->victim_pid;
	memcpy(rec->victim_comm, k->victim_comm, sizeof(rec->victim_comm));
	rec->victim_uid = k->victim_uid;
	rec->oom_score_adj = k->oom_score_adj;
	rec->total_vm_pages = k->total_vm_kb / kbpp;
	rec->anon_pages = k->anon_kb / kbpp;
	rec->file_pages = k->file_kb / kbpp;
	rec->shmem_pages = k->shmem_kb / kbpp;
	rec->swap_pages = k->swap_kb / kbpp;
	rec->pgtables_bytes = k->pgtables_kb * 1024;
	rec->memcg_usage_pages = k->usage_kb / kbpp;
	rec->memcg_max_pages = k->limit_kb / kbpp;
	rec->memcg_is_v1 = k->cgroup_version == 1;
}

static void build_report(const struct kmsg_source *s, const struct kmsg_kill *k,
			 struct oom_kill_record *rec, struct kill_report *r, const char **frames)
{
	fill_record(s, k, rec);
	memset(r, 0, sizeof(*r));
	r->rec = rec;
	r->source = r->hook = "kmsg";
	r->unknown = unknown_of(s, k);
	r->constraint = report__constraint_name(k->constraint);
	if (k->have & KMSG_HAVE_INVOKER) {
		r->have_gfp = true;
		r->gfp_mask = k->gfp_mask;
		r->gfp_source = "kernel_log";
		r->gfp_names = k->have & KMSG_HAVE_GFP_NAMES ? k->gfp_names : NULL;
	}
	if (k->memcg[0]) {
		r->have_memcg = true;
		snprintf(r->memcg_path, sizeof(r->memcg_path), "%s", k->memcg);
	}
	snprintf(r->cgroup_path, sizeof(r->cgroup_path), "%s", k->task_memcg);
	r->have_container = r->cgroup_path[0] && container__parse(r->cgroup_path, &r->container);
	for (int i = 0; i < k->nr_frames; i++)
		frames[i] = k->frames[i];
	r->frames = frames;
	r->nr_frames = k->nr_frames;
	derive_totalpages(s, k, r);
	derive_points(s, r);
}

/* Lost log records, said once per loss, and in every record's "dropped". */
static unsigned long long lost(struct kmsg_source *s)
{
	unsigned long long n = kmsg_parser__lost(s->parser);

	if (n > s->warned_lost) {
		fprintf(stderr,
			"oomtrace: warning: %llu kernel log records were overwritten before they "
			"could be read (%llu so far)\n",
			n - s->warned_lost, n);
		s->warned_lost = n;
	}
	return n;
}

static int handle_kill(struct kmsg_source *s, const struct kmsg_kill *k)
{
	struct oom_kill_record rec;
	struct kill_report r;
	struct aftermath am = { 0 };
	const char *frames[KMSG_MAX_FRAMES];
	struct timespec when;
	bool timed = s->live && (k->have & KMSG_HAVE_TS);

	if (!wanted(s, k))
		return 0;
	s->kept[s->kept_next++ % KEPT_EVENTS] = k->event;
	s->kills++;
	build_report(s, k, &rec, &r, frames);
	if (s->live)
		aftermath__read(&r, s->cgroups, &s->host, NULL, &am);
	stats__add_kill(s->stats, report__memcg_label(&r));
	/* the log prints "Killed process" for kills only: each one the kernel counted */
	reconcile__record(s->rc, k->task_memcg, true, host__monotonic_ns());
	if (timed)
		when = host__realtime_of(rec.ktime_ns);
	output__kill(s->out, &s->fmt, &r, &am, timed ? &when : NULL, lost(s));
	exporter__kill(s->exporter, &r);
	free(r.next);
	return flush_records(s);
}

static int handle_reap(struct kmsg_source *s, const struct kmsg_reap *k)
{
	struct oom_reaped_record rec = {
		.type = RECORD_OOM_REAPED,
		.reaper = k->state == KMSG_REAPED ? REAPER_FINISHED : REAPER_SKIPPED,
		.event_id = k->event,
		.kill_ns = k->kill_ts_us * 1000,
		.reap_end_ns = k->ts_us * 1000,
		.victim_pid = k->pid,
		.victim_tid = k->pid,
	};
	struct reaped_report rr = {
		.rec = &rec,
		.source = "kmsg",
		.no_event = !k->have_kill,
		.no_ktime = !k->have_ts,
		.no_reap_time = !k->have_ts || !k->have_kill_ts,
		.no_exit = true,
		.have_reaped_kb = k->have_rss && k->have_kill_rss,
		.reaped_kb = k->kill_rss_kb > k->rss_kb ? k->kill_rss_kb - k->rss_kb : 0,
	};
	struct timespec when;
	bool timed = s->live && k->have_ts;

	if (s->nr_filters && !(k->have_kill && kept(s, k->event)))
		return 0;
	memcpy(rec.victim_comm, k->comm, sizeof(rec.victim_comm));
	if (timed)
		when = host__realtime_of(rec.reap_end_ns);
	output__reaped_report(s->out, &s->fmt, &rr, timed ? &when : NULL, lost(s));
	return flush_records(s);
}

static int say_unreconciled(void *ctx, const struct reconcile_diff *d)
{
	struct kmsg_source *s = ctx;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	output__unreconciled(s->out, &s->fmt, d, &now);
	return flush_records(s);
}

/* Read dry: the kills against the kernel's counts, when the moment is quiet. */
static void reconcile_kills(struct kmsg_source *s, bool at_end)
{
	reconcile__check(s->rc, host__monotonic_ns(), kmsg_parser__lost(s->parser), at_end,
			 say_unreconciled, s);
	exporter__reconcile(s->exporter, s->rc);
}

static int drain(struct kmsg_source *s)
{
	struct kmsg_event ev;
	int err = 0;

	while (kmsg_parser__next(s->parser, &ev) && !err)
		err = ev.type == KMSG_EVENT_KILL ? handle_kill(s, &ev.kill)
						 : handle_reap(s, &ev.reap);
	/* the rest of a full queue is dropped with the run that is ending */
	return err;
}

static int feed(struct kmsg_source *s, const char *line, size_t len)
{
	kmsg_parser__feed(s->parser, line, len);
	return drain(s);
}

/* ---- input: live /dev/kmsg or a file ---- */

static int follow_kmsg(struct kmsg_source *s, volatile sig_atomic_t *stop)
{
	static char rec[RECORD_LEN];
	struct pollfd pfd = { .events = POLLIN };
	int fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		fprintf(stderr, "oomtrace: cannot read the kernel log %s: %s%s\n", KMSG_PATH,
			strerror(err),
			err == EPERM || err == EACCES
			    ? " (needs CAP_SYSLOG when kernel.dmesg_restrict is 1, or root)"
			    : "");
		return -err;
	}
	s->started = true;
	/* only kills from now on: older records are history, not this run's */
	lseek(fd, 0, SEEK_END);
	s->rc = reconcile__open(s->cgroups, !s->nr_filters);
	if (!s->rc) {
		close(fd);
		return -ENOMEM;
	}
	if (exporter__start(s->exporter, "kmsg")) {
		close(fd);
		return -EIO; /* said why */
	}
	pfd.fd = fd;
	fprintf(stderr,
		"Tracing OOM kills (source: kmsg, the kernel's OOM reports in %s)... Hit Ctrl-C "
		"to end.\n",
		KMSG_PATH);
	while (!*stop && !s->write_err) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n > 0) {
			/* the text ends at the first newline; the dictionary follows */
			feed(s, rec,
			     strcspn(rec, "\n") < (size_t)n ? strcspn(rec, "\n") : (size_t)n);
			continue;
		}
		if (n < 0 && errno == EPIPE)
			continue; /* overwritten: the sequence numbers count the loss */
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			reconcile_kills(s, false);
			exporter__tick_kmsg(s->exporter, kmsg_parser__lost(s->parser));
			poll(&pfd, 1, 100);
			continue;
		}
		fprintf(stderr, "oomtrace: failed to read %s: %s\n", KMSG_PATH,
			n ? strerror(errno) : "end of file");
		close(fd);
		return n ? -errno : -EIO;
	}
	close(fd);
	return 0;
}

/* One line into buf (cut to its size, the rest skipped); false at the end. */
static bool read_line(FILE *f, char *buf, size_t size, size_t *len, bool *nul)
{
	size_t n = 0;
	int c;

	while ((c = getc(f)) != EOF && c != '\n') {
		*nul |= c == '\0';
		if (n < size - 1)
			buf[n++] = (char)c;
	}
	*len = n;
	return c != EOF || n;
}

static int parse_input(struct kmsg_source *s, volatile sig_atomic_t *stop)
{
	static char line[INPUT_LINE];
	const char *name = s->opts->input;
	bool is_stdin = !strcmp(name, "-"), nul = false;
	FILE *f = is_stdin ? stdin : fopen(name, "re");
	unsigned long long nr = 0;
	struct stat st;
	size_t len;
	int err = 0;

	if (!f || fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
		err = f ? EISDIR : errno;
		fprintf(stderr, "oomtrace: --input '%s': %s\n", name, strerror(err));
		if (f && !is_stdin)
			fclose(f);
		return EXIT_USAGE;
	}
	s->started = true;
	while (!*stop && !s->write_err && read_line(f, line, sizeof(line), &len, &nul)) {
		nr++;
		if (nul)
			break;
		feed(s, line, len);
	}
	if (ferror(f))
		err = errno ?: EIO;
	if (!is_stdin)
		fclose(f);
	if (nul) {
		fprintf(stderr,
			"oomtrace: --input '%s': binary data (a NUL byte on line %llu), "
			"not kernel log text\n",
			name, nr);
		return EXIT_USAGE;
	}
	if (err) {
		fprintf(stderr, "oomtrace: --input '%s': %s\n", name, strerror(err));
		return EXIT_FAILURE_RUNTIME;
	}
	return EXIT_OK;
}

/* ---- setup and summary ---- */

/* Live, --cgroup names a memcg here; in saved text, a path as the kernel printed it. */
static int setup_filters(struct kmsg_source *s)
{
	const struct options *o = s->opts;

	s->filters = calloc(o->nr_cgroups ?: 1, sizeof(*s->filters));
	if (!s->filters)
		return -ENOMEM;
	for (int i = 0; i < o->nr_cgroups; i++) {
		unsigned long long id;

		if (!s->live) {
			if (o->cgroups[i][0] != '/') {
				fprintf(stderr,
					"oomtrace: --cgroup '%s': with --input, give the path as "
					"the kernel prints it (/a/b)\n",
					o->cgroups[i]);
				return -EINVAL;
			}
			snprintf(s->filters[i], FILTER_PATH, "%s", o->cgroups[i]);
		} else if (cgroups__resolve_arg(s->cgroups, o->cgroups[i], s->filters[i],
						FILTER_PATH, &id, stderr)) {
			return -EINVAL;
		}
	}
	s->nr_filters = o->nr_cgroups;
	return 0;
}

static void summary(const struct kmsg_source *s, FILE *f)
{
	unsigned long long lost = kmsg_parser__lost(s->parser);
	unsigned long long incomplete = kmsg_parser__incomplete(s->parser);
	struct run_totals t = {
		.source = "kmsg",
		.kills = s->kills,
		.log_lost = lost,
		.incomplete = incomplete,
		.stats = s->stats,
	};

	t.have_kernel_kills =
	    reconcile__summary(s->rc, s->nr_filters, &t.kernel_kills, &t.kernel_why);

	fprintf(f, "oomtrace: %llu OOM kill%s from the kernel log, %llu log record%s lost",
		s->kills, s->kills == 1 ? "" : "s", lost, lost == 1 ? "" : "s");
	if (incomplete)
		fprintf(f, ", %llu report%s cut off before naming a victim", incomplete,
			incomplete == 1 ? "" : "s");
	fputc('\n', f);
	output__summary_kernel(f, &t);
	stats__print(s->stats, f);
	if (!s->fmt.json || s->write_err)
		return;
	output__summary_json(s->out, &t);
}

static int setup(struct kmsg_source *s, const struct options *opts)
{
	int err;

	s->opts = opts;
	s->live = !opts->input;
	err = host__read(&s->host);
	if (err) {
		fprintf(stderr, "oomtrace: failed to read system memory sizes: %s\n",
			strerror(-err));
		return EXIT_FAILURE_RUNTIME;
	}
	if (s->live)
		s->cgroups = cgroups__open();
	if (setup_filters(s) || outfile__open(opts->output, &s->out))
		return EXIT_USAGE;
	if (s->live) { /* metrics of a saved log would only say what it says */
		err = exporter__new(opts, &s->exporter);
		if (err)
			return err;
	}
	s->parser = kmsg_parser__new();
	s->stats = stats__new();
	if (!s->parser || !s->stats)
		return EXIT_FAILURE_RUNTIME;
	s->fmt.json = opts->json;
	s->fmt.color = color__for(opts->color, opts->json, s->out);
	s->fmt.lost_to = "the kernel log's overwrites";
	s->fmt.page_size = s->host.page_size;
	return EXIT_OK;
}

static void teardown(struct kmsg_source *s)
{
	exporter__tick_kmsg(s->exporter, s->parser ? kmsg_parser__lost(s->parser) : 0);
	exporter__free(s->exporter);
	reconcile__free(s->rc);
	kmsg_parser__free(s->parser);
	stats__free(s->stats);
	cgroups__free(s->cgroups);
	free(s->filters);
	if (s->out && s->out != stdout)
		fclose(s->out);
}

int kmsg_source__run(const struct options *opts, volatile sig_atomic_t *stop, const char *why)
{
	struct kmsg_source s = { 0 };
	int ret = setup(&s, opts);

	if (why)
		fprintf(stderr,
			"oomtrace: warning: %s: falling back to the kernel's OOM reports in %s, "
			"which tell of kills only: no reclaim story%s, no stacks of paths that did "
			"not kill, fewer victim figures\n",
			why, KMSG_PATH,
			opts->reclaim_stalls_ms >= 0 || opts->hooks != HOOKS_AUTO ||
				opts->ringbuf_kib != 256
			    ? " (--reclaim-stalls, --hooks and --ringbuf-size are ignored)"
			    : "");
	if (ret == EXIT_OK && s.live) {
		int err = follow_kmsg(&s, stop);

		/* unprivileged for BPF and for the log alike: exit as not privileged */
		ret = err == -EPERM || err == -EACCES ? EXIT_NO_PRIVILEGE
		      : err			      ? EXIT_FAILURE_RUNTIME
						      : EXIT_OK;
	} else if (ret == EXIT_OK)
		ret = parse_input(&s, stop);
	if (ret != EXIT_USAGE && s.parser) {
		/* a report still open when the input ended or the signal came */
		kmsg_parser__finish(s.parser);
		drain(&s);
		if (!s.write_err)
			reconcile_kills(&s, true);
	}
	if (s.write_err && s.write_err != -EPIPE) {
		fprintf(stderr, "oomtrace: failed to write records: %s\n", strerror(-s.write_err));
		ret = EXIT_FAILURE_RUNTIME;
	}
	if (s.started && ret != EXIT_USAGE)
		summary(&s, stderr);
	teardown(&s);
	return ret;
}
