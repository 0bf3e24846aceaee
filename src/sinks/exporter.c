// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "exporter.h"
#include "verdict.h"
#include "metrics.h"
#include "metrics_file.h"
#include "metrics_http.h"
#include "reconcile.h"
#include "event.h"

/* the textfile collector reads on each scrape: more often buys nothing */
#define FILE_INTERVAL_NS 1000000000ULL

struct exporter {
	struct metrics *metrics;
	struct metrics_http *http;
	struct metrics_file *file;
	unsigned long long written_gen; /* the generation in the file */
	unsigned long long written_ns;	/* when, CLOCK_MONOTONIC */
	int file_err;			/* the last write's -errno, said once */
	bool started;			/* hooks attached: the file is ours to write */
};

static unsigned long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int exporter__new(const struct options *opts, struct exporter **out)
{
	struct exporter *e;
	int code = EXIT_FAILURE_RUNTIME;

	*out = NULL;
	if (!opts->metrics && !opts->metrics_file)
		return 0;
	e = calloc(1, sizeof(*e));
	if (e)
		e->metrics = metrics__new(METRICS_MAX_SERIES, now_ns(CLOCK_REALTIME) / 1e9);
	if (!e || !e->metrics) {
		fprintf(stderr, "oomtrace: metrics: out of memory\n");
		goto err_free;
	}
	if (opts->metrics_file) {
		code = EXIT_USAGE;
		e->file = metrics_file__open(opts->metrics_file, stderr);
		if (!e->file)
			goto err_free;
	}
	if (opts->metrics) {
		e->http = metrics_http__listen(opts->metrics, stderr, &code);
		if (!e->http)
			goto err_free;
	}
	*out = e;
	return 0;

err_free:
	exporter__free(e);
	return code;
}

/* A failed write is said when it first fails and when it mends, not every second. */
static void write_file(struct exporter *e)
{
	unsigned long long gen = metrics__generation(e->metrics);
	int err = metrics_file__write(e->file, e->metrics);

	if (err && err != e->file_err)
		fprintf(stderr, "oomtrace: warning: --metrics-file '%s': cannot write: %s\n",
			metrics_file__path(e->file), strerror(-err));
	else if (!err && e->file_err)
		fprintf(stderr, "oomtrace: --metrics-file '%s': written again\n",
			metrics_file__path(e->file));
	e->file_err = err;
	e->written_ns = now_ns(CLOCK_MONOTONIC);
	if (!err)
		e->written_gen = gen;
}

int exporter__start(struct exporter *e, const char *hooks)
{
	int err;

	if (!e)
		return 0;
	err = metrics__set_info(e->metrics, OOMTRACE_VERSION, hooks);
	if (err) {
		fprintf(stderr, "oomtrace: metrics: %s\n", strerror(-err));
		return err;
	}
	if (e->http) {
		err = metrics_http__start(e->http, e->metrics);
		if (err) {
			fprintf(stderr,
				"oomtrace: --metrics: failed to start the HTTP server: %s\n",
				strerror(-err));
			return err;
		}
	}
	e->started = true;
	if (e->file)
		write_file(e);
	return 0;
}

void exporter__kill(struct exporter *e, const struct oom_event *ev)
{
	bool c = event__has(ev, EV_CONTAINER);
	struct verdict v;

	if (!e)
		return;
	if (ev->already_exiting) {
		metrics__add_already_exiting(e->metrics);
		return;
	}
	metrics__add_kill(e->metrics, event__memcg_label(ev), c ? ev->container.id : "",
			  c ? ev->container.pod_uid : "", ev->constraint);
	verdict__derive(ev, &v);
	metrics__add_verdict(e->metrics, v.limit_rule, v.filled_rule);
}

void exporter__reaped(struct exporter *e, const struct reap_event *ev)
{
	if (e && ev->not_gone)
		metrics__add_not_gone(e->metrics);
}

void exporter__missed_runs(struct exporter *e, const char *const *progs,
			   const unsigned long long *runs, size_t n)
{
	if (e)
		metrics__set_missed_runs(e->metrics, progs, runs, n);
}

void exporter__reconcile(struct exporter *e, const struct reconcile *rc)
{
	long long host, memcg;
	bool host_known, memcg_known;

	if (!e)
		return;
	host_known = reconcile__host_diff(rc, &host);
	memcg_known = reconcile__memcg_diff(rc, &memcg);
	metrics__set_unreconciled(e->metrics, host_known, host, memcg_known, memcg);
}

void exporter__reclaim(struct exporter *e, const char *memcg, bool other,
		       const struct memcg_reclaim *added)
{
	if (e)
		metrics__add_episodes(e->metrics, other ? METRICS_OTHER : memcg, added->episodes,
				      added->passes, added->stall_ns, added->scanned,
				      added->reclaimed);
}

static void tick(struct exporter *e, const unsigned long long dropped[METRICS_DROPPED_TYPES])
{
	if (!e)
		return;
	metrics__set_dropped(e->metrics, dropped);
	if (e->file && metrics__generation(e->metrics) != e->written_gen &&
	    now_ns(CLOCK_MONOTONIC) - e->written_ns >= FILE_INTERVAL_NS)
		write_file(e);
}

void exporter__tick(struct exporter *e, const __u64 dropped[OOMT_RECORD_TYPES])
{
	unsigned long long d[METRICS_DROPPED_TYPES] = {
		[METRICS_DROPPED_OOM_KILL] = dropped[RECORD_OOM_KILL],
		[METRICS_DROPPED_RECLAIM_STALL] = dropped[RECORD_RECLAIM_STALL],
		[METRICS_DROPPED_OOM_REAPED] = dropped[RECORD_OOM_REAPED],
	};

	tick(e, d);
}

void exporter__tick_kmsg(struct exporter *e, unsigned long long log_lost)
{
	unsigned long long d[METRICS_DROPPED_TYPES] = { [METRICS_DROPPED_KERNEL_LOG] = log_lost };

	tick(e, d);
}

void exporter__free(struct exporter *e)
{
	if (!e)
		return;
	metrics_http__free(e->http);
	if (e->file && e->started) {
		metrics__set_up(e->metrics, 0);
		write_file(e);
	}
	metrics_file__free(e->file);
	metrics__free(e->metrics);
	free(e);
}
