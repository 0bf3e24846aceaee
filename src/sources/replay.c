// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The frames of a --record file through the output code that printed them
 * live (output.c), with the recording machine's facts from its header:
 * page size, RAM and swap, gfp flag values, the symbols of every stack.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgpath.h"
#include "color.h"
#include "outfile.h"
#include "output.h"
#include "record.h"
#include "replay.h"
#include "decode.h"
#include "pipeline.h"
#include "stats.h"

struct replay {
	const struct options *opts;
	const char *name;
	FILE *out;
	struct record_reader *rd;
	struct record_frame *fr;
	struct pipeline pipe; /* kills go through it to out and stats */
	struct stats *stats;
	struct run_totals totals;
	int sessions;
	bool session_ended; /* the session's summary frame was read */
	unsigned long long last_dropped;
	int kernel_sessions; /* sessions whose summary gave the kernel's count */
	char kernel_why[128];
	int write_err;		    /* errno of the first failed write to out */
	unsigned long long *events; /* event ids of the kills --cgroup kept */
	size_t nr_events, cap_events;
};

/* Is path memory cgroup prefix or below it: "/a" holds "/a" and "/a/b", not "/ab". */
static bool wanted(const struct replay *rp, const char *path)
{
	if (!rp->opts->nr_cgroups)
		return true;
	if (!path || !*path)
		return false;
	for (int i = 0; i < rp->opts->nr_cgroups; i++)
		if (cgpath__under(path, rp->opts->cgroups[i]))
			return true;
	return false;
}

/* A victim's exit has no memcg of its own: it goes with its kill. */
static int keep_event(struct replay *rp, unsigned long long id)
{
	if (rp->nr_events == rp->cap_events) {
		size_t cap = rp->cap_events ? rp->cap_events * 2 : 64;
		unsigned long long *p = realloc(rp->events, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rp->events = p;
		rp->cap_events = cap;
	}
	rp->events[rp->nr_events++] = id;
	return 0;
}

static bool event_kept(const struct replay *rp, unsigned long long id)
{
	if (!rp->opts->nr_cgroups)
		return true;
	for (size_t i = rp->nr_events; i-- > 0;)
		if (rp->events[i] == id)
			return true;
	return false;
}

static bool printing(const struct replay *rp)
{
	return !rp->opts->summary_only;
}

static void end_session(struct replay *rp)
{
	if (rp->sessions && !rp->session_ended)
		fprintf(stderr,
			"oomtrace: report '%s': session %d has no summary frame: the run did not "
			"end cleanly (%llu records dropped by its last record)\n",
			rp->name, rp->sessions, rp->last_dropped);
}

static void start_session(struct replay *rp)
{
	const struct record_header *h = record_reader__header(rp->rd);
	char when[64];

	end_session(rp);
	pipeline__new_session(&rp->pipe);
	rp->sessions++;
	rp->session_ended = false;
	rp->last_dropped = 0;
	rp->pipe.fmt.gfp = h->gfp;
	rp->pipe.fmt.page_size = h->host.page_size;
	output__format_time(&h->started, when, sizeof(when));
	fprintf(stderr,
		"oomtrace: report '%s': recorded on %s (Linux %s) by oomtrace %s from %s; "
		"hooks: %s\n",
		rp->name, h->hostname, h->kernel, h->version, when, h->hooks);
	if (strcmp(h->version, OOMTRACE_VERSION))
		fprintf(stderr,
			"oomtrace: report '%s': printed by oomtrace %s: fields may differ from "
			"what it printed\n",
			rp->name, OOMTRACE_VERSION);
}

static int replay_kill(struct replay *rp, const struct record_frame *fr)
{
	static struct oom_event ev; /* large: one, not one per call on the stack */
	const struct record_header *h = record_reader__header(rp->rd);
	struct kill_arrival a = { .when = &fr->ctx.when, .dropped = fr->ctx.dropped };

	if (!wanted(rp, fr->cgroup_path[0] ? fr->cgroup_path : fr->memcg_path))
		return 0;
	if (rp->opts->nr_cgroups && keep_event(rp, fr->kill.event_id))
		return -ENOMEM;
	decode__kill(&ev, &fr->kill, &h->host, h->gfp);
	/* what the tracer read at the kill */
	ev.known |= EV_NEXT | (fr->have_state ? EV_MEMCG_STATE : 0);
	ev.memcg.state = fr->state;
	if (fr->nr_slabs) {
		ev.known |= EV_SLABS;
		ev.slabs_read = "at_arrival"; /* recordings are of BPF's records */
		ev.nr_slabs = fr->nr_slabs;
		memcpy(ev.slabs, fr->slabs, sizeof(ev.slabs));
	}
	if (fr->have_vm) {
		ev.known |= EV_HOST_VM;
		ev.vm.settings = fr->vm;
		ev.vm.committed_as_kb = fr->committed_as_kb;
		ev.vm.commit_limit_kb = fr->commit_limit_kb;
	}
	if (fr->have_swap_hugetlb) {
		ev.swap_hugetlb.read = "at_arrival";
		ev.swap_hugetlb.kb = fr->swap_hugetlb;
	}
	ev.next = (struct proc_info *)fr->next; /* the frame's: not freed here */
	ev.nr_next = fr->nr_next;
	ev.next_truncated = fr->next_truncated;
	if (fr->have_enrich) {
		ev.known |= EV_ENRICHED;
		ev.enrich = fr->enrich;
	}
	return pipeline__kill(&rp->pipe, &ev, &a);
}

static void replay_stall(struct replay *rp, const struct record_frame *fr)
{
	const struct reclaim_episode *ep = &fr->stall.ep;
	struct stall_arrival a = { .when = &fr->ctx.when, .dropped = fr->ctx.dropped };
	struct stall_event ev;

	decode__stall(&ev, &fr->stall, fr->have_memcg ? fr->memcg : NULL, rp->pipe.fmt.gfp);
	if (!wanted(rp, ev.memcg))
		return;
	stats__add_episode(rp->stats, ev.memcg, ep->passes, ep->stall_ns, ep->scanned,
			   ep->reclaimed);
	pipeline__stall(&rp->pipe, &ev, &a);
}

/* The host's difference says nothing of the part --cgroup keeps. */
static void replay_unreconciled(struct replay *rp, const struct record_frame *fr)
{
	const struct reconcile_diff *d = &fr->unreconciled;

	if (d->scope == RECONCILE_HOST ? rp->opts->nr_cgroups > 0 : !wanted(rp, d->memcg))
		return;
	if (printing(rp))
		output__unreconciled(rp->out, &rp->pipe.fmt, d, &fr->ctx.when);
}

/* Sessions appended to one file add up; so do the NUMA nodes' totals. */
static void add_totals(struct replay *rp, const struct run_totals *s)
{
	struct run_totals *t = &rp->totals;

	for (int i = 0; i < OOMT_RECORD_TYPES; i++)
		t->dropped[i] += s->dropped[i];
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		const struct node_totals *n = &s->nodes[i];
		unsigned int j;

		for (j = 0; j < t->nr_nodes && t->nodes[j].nid != n->nid; j++)
			;
		if (j == t->nr_nodes) {
			if (t->nr_nodes == OUTPUT_MAX_NODES)
				continue;
			t->nodes[t->nr_nodes++] = (struct node_totals){ .nid = n->nid };
		}
		t->nodes[j].wakes += n->wakes;
		t->nodes[j].run_ns += n->run_ns;
		t->nodes[j].scanned += n->scanned;
		t->nodes[j].reclaimed += n->reclaimed;
	}
	if (s->have_missed_runs) {
		t->have_missed_runs = true;
		t->missed_runs += s->missed_runs;
	}
	for (unsigned int i = 0; i < s->nr_missed; i++) {
		const struct prog_misses *m = &s->missed[i];
		unsigned int j;

		for (j = 0; j < t->nr_missed && strcmp(t->missed[j].prog, m->prog); j++)
			;
		if (j == t->nr_missed) {
			if (t->nr_missed == OUTPUT_MAX_MISSED)
				continue;
			t->missed[t->nr_missed++] = (struct prog_misses){ .runs = 0 };
			memcpy(t->missed[j].prog, m->prog, sizeof(m->prog));
		}
		t->missed[j].runs += m->runs;
	}
	if (s->have_kernel_kills) {
		t->kernel_kills += s->kernel_kills;
		t->repeat_kills += s->repeat_kills;
		rp->kernel_sessions++;
	}
	snprintf(rp->kernel_why, sizeof(rp->kernel_why), "%s", s->kernel_why ?: "");
	rp->session_ended = true;
}

static int replay_frame(struct replay *rp, const struct record_frame *fr)
{
	if (fr->type != FRAME_HEADER && fr->type != FRAME_SUMMARY)
		rp->last_dropped = fr->ctx.dropped;
	rp->pipe.fmt.ksyms = record_reader__ksyms(rp->rd);
	switch (fr->type) {
	case FRAME_HEADER: start_session(rp); break;
	case FRAME_KILL: return replay_kill(rp, fr);
	case FRAME_STALL: replay_stall(rp, fr); break;
	case FRAME_REAPED:
		if (event_kept(rp, fr->reaped.event_id)) {
			struct reap_arrival a = { .when = &fr->ctx.when, .dropped = fr->ctx.dropped };
			struct reap_event ev;

			decode__reaped(&ev, &fr->reaped);
			return pipeline__reaped(&rp->pipe, &ev, &a);
		}
		break;
	case FRAME_NOT_GONE:
		if (event_kept(rp, fr->not_gone.v.event_id)) {
			struct reap_arrival a = { .when = &fr->ctx.when, .dropped = fr->ctx.dropped };
			struct reap_event ev;

			decode__not_gone(&ev, fr->not_gone.tid, &fr->not_gone.v, fr->not_gone.look_ns,
					 (char)fr->not_gone.proc_state);
			return pipeline__reaped(&rp->pipe, &ev, &a);
		}
		break;
	case FRAME_SUMMARY: add_totals(rp, &fr->totals); break;
	case FRAME_UNRECONCILED: replay_unreconciled(rp, fr); break;
	default: break;
	}
	return 0;
}

static int replay_frames(struct replay *rp)
{
	int err;

	while ((err = record_reader__next(rp->rd, rp->fr)) > 0) {
		err = replay_frame(rp, rp->fr);
		if (err)
			return err;
		/* a reader that went away: nothing more to print */
		if (ferror(rp->out)) {
			rp->write_err = errno ?: EIO;
			return 0;
		}
	}
	return err;
}

static int finish(struct replay *rp, int err)
{
	int ret = err ? EXIT_FAILURE_RUNTIME : EXIT_OK;

	if (!err)
		end_session(rp);
	/* what was read before any damage still adds up to a summary */
	if (rp->sessions && !ferror(rp->out)) {
		rp->totals.stats = rp->stats;
		rp->totals.kills = rp->pipe.kills;
		rp->totals.already_exiting = rp->pipe.already_exiting;
		/* every session compared, and all of each one's kills kept */
		rp->totals.have_kernel_kills =
		    rp->kernel_sessions == rp->sessions && !rp->opts->nr_cgroups;
		if (rp->opts->nr_cgroups)
			rp->totals.kernel_why = "report --cgroup keeps part of the kills";
		else if (rp->sessions == 1 && rp->kernel_why[0])
			rp->totals.kernel_why = rp->kernel_why;
		if (rp->pipe.fmt.json)
			output__summary_json(rp->out, &rp->totals);
		else
			output__summary(rp->out, &rp->totals);
	}
	if (record_reader__unknown_fields(rp->rd))
		fprintf(stderr,
			"oomtrace: report '%s': %llu fields of a later oomtrace's records were "
			"skipped: this one does not know their tags\n",
			rp->name, record_reader__unknown_fields(rp->rd));
	if ((fflush(rp->out) == EOF || ferror(rp->out)) && !rp->write_err)
		rp->write_err = errno ?: EIO;
	if (err == -ENOMEM)
		fprintf(stderr, "oomtrace: report '%s': out of memory\n", rp->name);
	else if (err)
		fprintf(stderr, "oomtrace: report %s\n", record_reader__error(rp->rd));
	if (rp->write_err == EPIPE)
		return ret; /* the reader left, as `| head` does */
	if (rp->write_err) {
		fprintf(stderr, "oomtrace: report '%s': failed to write: %s\n", rp->name,
			strerror(rp->write_err));
		return EXIT_FAILURE_RUNTIME;
	}
	return ret;
}

int replay__stream(FILE *f, const char *name, const struct options *opts, FILE *out)
{
	struct replay rp = {
		.opts = opts,
		.name = name,
		.out = out,
	};
	int ret = EXIT_FAILURE_RUNTIME;

	rp.rd = record_reader__new(f, name);
	rp.fr = malloc(sizeof(*rp.fr));
	rp.stats = stats__new();
	pipeline__init(&rp.pipe, out, opts);
	rp.pipe.quiet = opts->summary_only;
	rp.pipe.stats = rp.stats;
	if (rp.rd && rp.fr && rp.stats)
		ret = finish(&rp, replay_frames(&rp));
	else
		fprintf(stderr, "oomtrace: report '%s': out of memory\n", name);
	record_reader__free(rp.rd);
	stats__free(rp.stats);
	free(rp.fr);
	free(rp.events);
	return ret;
}

/* --cgroup here names paths in the recording, which this machine may not have. */
static int check_cgroups(const struct options *opts)
{
	for (int i = 0; i < opts->nr_cgroups; i++) {
		if (opts->cgroups[i][0] != '/') {
			fprintf(stderr,
				"oomtrace: report --cgroup '%s': give the path as the recording "
				"names it, from the hierarchy's root (/kubepods.slice)\n",
				opts->cgroups[i]);
			return EXIT_USAGE;
		}
	}
	return 0;
}

int replay__run(const struct options *opts)
{
	const char *path = opts->report_file;
	bool stdin_ = !strcmp(path, "-");
	FILE *in, *out = stdout;
	int ret = check_cgroups(opts);

	if (ret)
		return ret;
	in = stdin_ ? stdin : fopen(path, "re");
	if (!in) {
		fprintf(stderr, "oomtrace: report '%s': %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (outfile__open(opts->output, &out) ||
	    outfile__check_apart(fileno(in), "the report's FILE", fileno(out), "--output")) {
		if (out != stdout)
			fclose(out);
		if (!stdin_)
			fclose(in);
		return EXIT_USAGE;
	}
	ret = replay__stream(in, stdin_ ? "(stdin)" : path, opts, out);
	if (out != stdout)
		fclose(out);
	if (!stdin_)
		fclose(in);
	return ret;
}
