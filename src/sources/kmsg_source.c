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
#include "decode.h"
#include "pipeline.h"
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
	struct pipeline pipe; /* every kill goes through it to the sinks */
	struct cgroups *cgroups; /* live only: the memcg state and next victims */
	struct stats *stats;
	struct exporter *exporter; /* --metrics, --metrics-file; live only */
	struct reconcile *rc;	   /* the kills against the kernel's counts; live only */
	bool live;
	char (*filters)[FILTER_PATH]; /* --cgroup paths, as the kernel prints them */
	int nr_filters;
	unsigned long long warned_lost;
	unsigned long long kept[KEPT_EVENTS];
	unsigned int kept_next;
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
	return pipeline__flush(&s->pipe);
}

/* What the log said of the victim, and what follows when this is the host it ran on. */
static void build_victim(const struct kmsg_source *s, const struct kmsg_kill *k,
			 struct oom_event *ev)
{
	static const struct {
		unsigned int have, field;
	} map[] = {
		{ KMSG_HAVE_UID, EV_UID },	     { KMSG_HAVE_ADJ, EV_ADJ },
		{ KMSG_HAVE_VM, EV_VM },	     { KMSG_HAVE_ANON, EV_ANON },
		{ KMSG_HAVE_FILE, EV_FILE },	     { KMSG_HAVE_SHMEM, EV_SHMEM },
		{ KMSG_HAVE_SWAP, EV_SWAP },	     { KMSG_HAVE_PGTABLES, EV_PGTABLES },
	};

	ev->known |= EV_VICTIM;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (k->have & map[i].have)
			ev->known |= map[i].field;
	/* a host without swap: nobody has any swapped out */
	if (s->live && !s->host.total_swap_pages)
		ev->known |= EV_SWAP;
	ev->victim.pid = ev->victim.tid = k->victim_pid;
	snprintf(ev->victim.comm, sizeof(ev->victim.comm), "%s", k->victim_comm);
	ev->victim.uid = k->victim_uid;
	ev->victim.oom_score_adj = k->oom_score_adj;
	ev->victim.total_vm_kb = k->total_vm_kb;
	ev->victim.anon_kb = k->anon_kb;
	ev->victim.file_kb = k->file_kb;
	ev->victim.shmem_kb = k->shmem_kb;
	ev->victim.swap_kb = k->swap_kb;
	ev->victim.pgtables_kb = k->pgtables_kb;
}

static void build_invoker(const struct kmsg_kill *k, struct oom_event *ev)
{
	if (k->have & KMSG_HAVE_INVOKER_COMM) {
		ev->known |= EV_INVOKER;
		snprintf(ev->invoker.comm, sizeof(ev->invoker.comm), "%s", k->invoker_comm);
	}
	if (k->have & KMSG_HAVE_INVOKER_PID) {
		ev->known |= EV_INVOKER_PID;
		ev->invoker.pid = ev->invoker.tid = k->invoker_pid;
	}
	if (k->have & KMSG_HAVE_INVOKER_ADJ) {
		ev->known |= EV_INVOKER_ADJ;
		ev->invoker.oom_score_adj = k->invoker_adj;
	}
	if (!(k->have & KMSG_HAVE_INVOKER))
		return;
	ev->known |= EV_GFP;
	ev->gfp.mask = k->gfp_mask;
	ev->gfp.order = k->order;
	ev->gfp.source = "kernel_log";
	ev->gfp.seen = ~0u;
	if (k->have & KMSG_HAVE_GFP_NAMES) {
		ev->known |= EV_GFP_NAMES;
		snprintf(ev->gfp.names, sizeof(ev->gfp.names), "%s", k->gfp_names);
	}
}

static void build_memcg(const struct kmsg_kill *k, struct oom_event *ev)
{
	ev->memcg.is_v1 = k->cgroup_version == 1;
	if (k->have & KMSG_HAVE_VERSION)
		ev->known |= EV_CGROUP_VERSION;
	if (k->memcg[0]) {
		ev->known |= EV_MEMCG;
		snprintf(ev->memcg.path, sizeof(ev->memcg.path), "%s", k->memcg);
		if (k->have & KMSG_HAVE_USAGE)
			ev->known |= EV_MEMCG_USAGE;
		if (k->have & KMSG_HAVE_SWAP_LIMIT)
			ev->known |= EV_MEMCG_SWAP;
	}
	ev->memcg.usage_kb = k->usage_kb;
	ev->memcg.limit_kb = k->limit_kb;
	ev->memcg.swap_limit_kb = k->swap_limit_kb;
	/* the report's memory.stat, at the kill: the v1 file's keys say v1's mapping */
	if (k->memcg[0] && k->memcg_stat_len) {
		struct memcg_state *st = &ev->memcg.state;

		memset(st, 0xff, sizeof(*st)); /* every field -1: the log says only memory.stat */
		memcg_state__parse_stat(k->memcg_stat, strstr(k->memcg_stat, "total_rss ") ? 1 : 2, st);
		ev->memcg.state_from_log = true;
		ev->known |= EV_MEMCG_STATE;
	}
	snprintf(ev->cgroup_path, sizeof(ev->cgroup_path), "%s", k->task_memcg);
	if (ev->cgroup_path[0] && container__parse(ev->cgroup_path, &ev->container))
		ev->known |= EV_CONTAINER;
}

/*
 * The nodes and zones the report's show_mem() printed, as it printed them:
 * for a cpuset or mempolicy OOM only the nodes it was confined to.
 */
static void build_node_mem(const struct kmsg_kill *k, struct oom_event *ev)
{
	if (k->have & (KMSG_HAVE_SWAP_FREE | KMSG_HAVE_SWAP_TOTAL | KMSG_HAVE_HUGETLB)) {
		struct swap_hugetlb *sh = &ev->swap_hugetlb.kb;

		ev->swap_hugetlb.read = "kernel_log";
		sh->swap_free_kb = k->have & KMSG_HAVE_SWAP_FREE ? (long long)k->swap_free_kb : -1;
		sh->swap_total_kb = k->have & KMSG_HAVE_SWAP_TOTAL ? (long long)k->swap_total_kb : -1;
		sh->hugetlb_total_kb = k->have & KMSG_HAVE_HUGETLB ? (long long)k->hugetlb_total_kb : -1;
		sh->hugetlb_free_kb = k->have & KMSG_HAVE_HUGETLB ? (long long)k->hugetlb_free_kb : -1;
	}
	if (k->nr_slabs) {
		memcpy(ev->slabs, k->slabs, sizeof(ev->slabs));
		ev->nr_slabs = k->nr_slabs;
		ev->slabs_read = "kernel_log";
		ev->known |= EV_SLABS;
	}
	if (!(k->have & KMSG_HAVE_NODE_MEM))
		return;
	ev->known |= EV_NODE_MEM;
	ev->node_mem_read = "kernel_log";
	memcpy(ev->nodes, k->nodes, sizeof(ev->nodes));
	ev->nr_nodes = k->nr_nodes;
	memcpy(ev->zones, k->zones, sizeof(ev->zones));
	ev->nr_zones = k->nr_zones;
	ev->zones_truncated = k->zones_truncated;
	/*
	 * Mem-Info's slab is the whole machine's: it goes with the nodes only
	 * when show_mem() printed every node, as for an OOM of the machine.
	 * A cpuset's or a policy's prints only the nodes it was confined to.
	 */
	if ((k->have & KMSG_HAVE_SLAB) && k->page_kb && (k->have & KMSG_HAVE_CONSTRAINT) &&
	    k->constraint == OOMT_CONSTRAINT_NONE) {
		ev->have_machine_slab = true;
		ev->machine_slab_kb[0] = k->slab_pages[0] * k->page_kb;
		ev->machine_slab_kb[1] = k->slab_pages[1] * k->page_kb;
	}
}

/* One victim of the kernel's report as an event: what it printed, nothing it did not. */
static void build_event(const struct kmsg_source *s, const struct kmsg_kill *k,
			struct oom_event *ev)
{
	struct event_host eh = decode__event_host(&s->host);

	memset(ev, 0, sizeof(*ev));
	ev->source = ev->hook = "kmsg";
	ev->event_id = k->event;
	if (k->have & KMSG_HAVE_TS) {
		ev->known |= EV_KTIME;
		ev->ktime_ns = k->ts_us * 1000;
	}
	ev->constraint = decode__constraint_name(k->constraint);
	if (k->have & KMSG_HAVE_NODEMASK) {
		ev->nodes_allowed.have_nodemask = true;
		ev->nodes_allowed.nodemask_any = !k->nodemask[0];
		snprintf(ev->nodes_allowed.nodemask, sizeof(ev->nodes_allowed.nodemask), "%s",
			 k->nodemask);
	}
	if (k->have & KMSG_HAVE_CPUSET) {
		ev->nodes_allowed.have_cpuset = true;
		snprintf(ev->nodes_allowed.cpuset, sizeof(ev->nodes_allowed.cpuset), "%s",
			 k->cpuset);
		snprintf(ev->nodes_allowed.mems_allowed, sizeof(ev->nodes_allowed.mems_allowed),
			 "%s", k->mems_allowed);
	}
	build_invoker(k, ev);
	build_victim(s, k, ev);
	build_memcg(k, ev);
	build_node_mem(k, ev);
	if (k->have & KMSG_HAVE_STACK) {
		ev->known |= EV_STACK;
		ev->nr_frames = k->nr_frames < EVENT_MAX_FRAMES ? k->nr_frames : EVENT_MAX_FRAMES;
		for (int i = 0; i < ev->nr_frames; i++)
			snprintf(ev->frames[i], sizeof(ev->frames[i]), "%s", k->frames[i]);
	}
	/* a saved log's machine is not this one: its RAM and swap are unknown */
	eh.known = s->live;
	event__derive(ev, &eh);
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
	static struct oom_event ev; /* large: one, not one per call on the stack */
	struct timespec when;
	struct kill_arrival a = { 0 };
	int err;

	if (!wanted(s, k))
		return 0;
	s->kept[s->kept_next++ % KEPT_EVENTS] = k->event;
	build_event(s, k, &ev);
	if (s->live && (k->have & KMSG_HAVE_TS)) {
		when = host__realtime_of(ev.ktime_ns);
		a.when = &when;
	}
	a.dropped = lost(s);
	err = pipeline__kill(&s->pipe, &ev, &a);
	event__clear_next(&ev);
	return err;
}

/* The reaper's word on a victim: it said nothing of the exit. */
static void build_reap(const struct kmsg_reap *k, struct reap_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->source = "kmsg";
	ev->reaper = k->state == KMSG_REAPED ? "finished" : "skipped";
	ev->reaped = true;
	ev->pid = ev->tid = k->pid;
	snprintf(ev->comm, sizeof(ev->comm), "%s", k->comm);
	if (k->have_kill) {
		ev->known |= REAP_EVENT;
		ev->event_id = k->event;
	}
	if (k->have_ts) {
		ev->known |= REAP_KTIME;
		ev->ktime_ns = k->ts_us * 1000;
	}
	if (k->have_ts && k->have_kill_ts) {
		ev->known |= REAP_TIME;
		ev->reap_ns = (k->ts_us - k->kill_ts_us) * 1000;
	}
	if (k->have_rss && k->have_kill_rss) {
		ev->known |= REAP_KB;
		ev->reaped_kb = k->kill_rss_kb > k->rss_kb ? k->kill_rss_kb - k->rss_kb : 0;
	}
}

static int handle_reap(struct kmsg_source *s, const struct kmsg_reap *k)
{
	struct reap_event ev;
	struct timespec when;
	struct reap_arrival a = { 0 };

	if (s->nr_filters && !(k->have_kill && kept(s, k->event)))
		return 0;
	build_reap(k, &ev);
	if (s->live && k->have_ts) {
		when = host__realtime_of(ev.ktime_ns);
		a.when = &when;
	}
	a.dropped = lost(s);
	return pipeline__reaped(&s->pipe, &ev, &a);
}

static int say_unreconciled(void *ctx, const struct reconcile_diff *d)
{
	struct kmsg_source *s = ctx;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	output__unreconciled(s->out, &s->pipe.fmt, d, &now);
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
	s->pipe.rc = s->rc;
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
	while (!*stop && !s->pipe.write_err) {
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
	while (!*stop && !s->pipe.write_err && read_line(f, line, sizeof(line), &len, &nul)) {
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
		.kills = s->pipe.kills,
		.log_lost = lost,
		.incomplete = incomplete,
		.stats = s->stats,
	};

	t.have_kernel_kills =
	    reconcile__summary(s->rc, s->nr_filters, &t.kernel_kills, &t.kernel_why);

	fprintf(f, "oomtrace: %llu OOM kill%s from the kernel log, %llu log record%s lost",
		s->pipe.kills, s->pipe.kills == 1 ? "" : "s", lost, lost == 1 ? "" : "s");
	if (incomplete)
		fprintf(f, ", %llu report%s cut off before naming a victim", incomplete,
			incomplete == 1 ? "" : "s");
	fputc('\n', f);
	output__summary_kernel(f, &t);
	stats__print(s->stats, f);
	if (!s->pipe.fmt.json || s->pipe.write_err)
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
	pipeline__init(&s->pipe, s->out, opts);
	s->pipe.fmt.lost_to = "the kernel log's overwrites";
	s->pipe.fmt.page_size = s->host.page_size;
	s->pipe.flush_each = true;
	s->pipe.stats = s->stats;
	s->pipe.exporter = s->exporter;
	s->pipe.enrich = s->live;
	s->pipe.cgroups = s->cgroups;
	s->pipe.host = &s->host;
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
		if (!s.pipe.write_err)
			reconcile_kills(&s, true);
	}
	if (s.pipe.write_err && s.pipe.write_err != -EPIPE) {
		fprintf(stderr, "oomtrace: failed to write records: %s\n", strerror(-s.pipe.write_err));
		ret = EXIT_FAILURE_RUNTIME;
	}
	if (s.started && ret != EXIT_USAGE)
		summary(&s, stderr);
	teardown(&s);
	return ret;
}
