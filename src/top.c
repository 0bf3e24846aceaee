// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Rank processes by badness points as oom_badness() computes them, with
 * the parts, beside the kernel's own /proc/PID/oom_score: the proper version
 * of the shell loop over /proc/ that people run in an incident.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "badness.h"
#include "cgroups.h"
#include "color.h"
#include "container.h"
#include "host.h"
#include "json.h"
#include "memcg_state.h"
#include "output.h"
#include "procs.h"
#include "top.h"

struct top {
	const struct options *opts;
	struct cgroups *cgroups;
	struct host_info host;
	char dirs[OOMT_MAX_FILTERS][4200]; /* the --cgroup directories */
	char domain[128];
	bool color; /* --color, decided once */
};

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Pids in every --cgroup subtree, each once; NULL pids means all. */
static int collect_pids(const struct top *t, int **pids, size_t *n)
{
	size_t total = 0;
	int *all = NULL;

	*pids = NULL;
	*n = 0;
	if (!t->opts->nr_cgroups)
		return 0;
	for (int i = 0; i < t->opts->nr_cgroups; i++) {
		size_t k;
		int *p = procs__in_cgroup(t->dirs[i], PROCS_MAX_SCAN, &k, NULL), *grown;

		if (!p)
			continue;
		grown = realloc(all, (total + k) * sizeof(*all));
		if (!grown) {
			free(p);
			free(all);
			return -ENOMEM;
		}
		all = grown;
		memcpy(all + total, p, k * sizeof(*p));
		total += k;
		free(p);
	}
	if (!all) /* nothing in those cgroups: rank nobody, not everybody */
		all = malloc(sizeof(*all));
	if (!all)
		return -ENOMEM;
	qsort(all, total, sizeof(*all), cmp_int);
	for (size_t i = 0; i < total; i++)
		if (!*n || all[*n - 1] != all[i])
			all[(*n)++] = all[i];
	*pids = all;
	return 0;
}

/* The OOM domain: one --cgroup with a limit is a memcg OOM's; else the host's. */
static unsigned long domain_pages(struct top *t)
{
	struct memcg_state st;
	unsigned long ps = t->host.page_size;

	if (t->opts->nr_cgroups == 1 &&
	    !memcg_state__read(t->dirs[0], cgroups__version(t->cgroups), &st) && st.limit >= 0) {
		unsigned long max = st.limit / ps;
		unsigned long swap =
		    st.swap_limit >= 0 ? st.swap_limit / ps : t->host.total_swap_pages;

		snprintf(t->domain, sizeof(t->domain), "memcg %s", t->opts->cgroups[0]);
		/* the swap limit here is swap alone, as on v2 */
		return memcg_totalpages(max, swap, 0, t->host.total_swap_pages);
	}
	snprintf(t->domain, sizeof(t->domain), "host RAM + swap");
	return global_totalpages(t->host.totalram_pages, t->host.total_swap_pages);
}

static void container_label(const char *memcg, char *buf, size_t size)
{
	struct container_info c;

	if (!container__parse(memcg, &c))
		snprintf(buf, size, "-");
	else if (c.id[0])
		snprintf(buf, size, "%s:%.12s", c.runtime[0] ? c.runtime : "?", c.id);
	else
		snprintf(buf, size, "%s", c.unit[0] ? c.unit : c.pod_uid);
}

static void print_text(const struct top *t, const struct proc_info *p, size_t n,
		       unsigned long total)
{
	char when[64], label[300];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	output__format_time(&now, when, sizeof(when));
	printf("%s  domain %lu pages (%s)\n", when, total, t->domain);
	printf("%s%8s %-16s %10s %9s %6s %10s %9s %8s  %-24s %s%s\n",
	       color__seq(t->color, COLOR_HEADER), "PID", "COMM", "POINTS", "OOM_SCORE", "ADJ",
	       "RSS_KB", "SWAP_KB", "PGT_KB", "CONTAINER", "MEMCG",
	       color__seq(t->color, COLOR_RESET));
	for (size_t i = 0; i < n; i++) {
		container_label(p[i].memcg, label, sizeof(label));
		printf("%8d %-16.16s %10ld %9ld %6ld %10lu %9lu %8lu  %-24s %s\n", p[i].pid,
		       p[i].comm, p[i].points, p[i].oom_score, p[i].oom_score_adj,
		       p[i].rss_anon_kb + p[i].rss_file_kb + p[i].rss_shmem_kb, p[i].swap_kb,
		       p[i].pgtables_kb, label, p[i].memcg);
	}
	putchar('\n');
}

static void print_json(const struct proc_info *p, size_t n, unsigned long total)
{
	char when[64];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	output__format_time(&now, when, sizeof(when));
	printf("{\"type\":\"top\",\"time\":\"%s\",\"totalpages\":%lu,\"processes\":[", when, total);
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"pid\":%d,\"comm\":", i ? "," : "", p[i].pid);
		json_string(stdout, p[i].comm, sizeof(p[i].comm));
		printf(",\"points\":%ld,\"oom_score\":", p[i].points);
		/* unknown is null, as in every record; the kernel's is never negative */
		if (p[i].oom_score >= 0)
			printf("%ld", p[i].oom_score);
		else
			fputs("null", stdout);
		printf(",\"oom_score_adj\":%ld,\"anon_rss_kb\":%lu,\"file_rss_kb\":%lu,"
		       "\"shmem_rss_kb\":%lu,\"swap_kb\":%lu,\"pgtables_kb\":%lu,\"memcg\":",
		       p[i].oom_score_adj, p[i].rss_anon_kb, p[i].rss_file_kb, p[i].rss_shmem_kb,
		       p[i].swap_kb, p[i].pgtables_kb);
		if (p[i].memcg[0])
			json_string(stdout, p[i].memcg, sizeof(p[i].memcg));
		else
			fputs("null", stdout);
		putchar('}');
	}
	printf("]}\n");
}

static int show_once(struct top *t)
{
	unsigned long total = domain_pages(t);
	struct proc_info *ranked;
	int *pids;
	size_t nr, n;
	int err = collect_pids(t, &pids, &nr);
	struct procs_query q = {
		.totalpages = total,
		.page_size = t->host.page_size,
		.max = t->opts->limit,
	};

	if (err)
		return err;
	q.pids = pids;
	q.nr_pids = pids ? nr : 0;
	ranked = procs__rank(&q, &n, NULL);
	free(pids);
	if (!ranked)
		return -errno ?: -ENOMEM;
	if (t->opts->json)
		print_json(ranked, n, total);
	else
		print_text(t, ranked, n, total);
	free(ranked);
	return fflush(stdout) ? -errno : 0;
}

static int setup(struct top *t, const struct options *opts)
{
	t->opts = opts;
	t->color = color__for(opts->color, opts->json, stdout);
	if (host__read(&t->host))
		return EXIT_FAILURE_RUNTIME;
	t->cgroups = cgroups__open();
	for (int i = 0; i < opts->nr_cgroups; i++) {
		char rel[4096];
		unsigned long long id;

		if (cgroups__resolve_arg(t->cgroups, opts->cgroups[i], rel, sizeof(rel), &id,
					 stderr))
			return EXIT_USAGE;
		snprintf(t->dirs[i], sizeof(t->dirs[i]), "%s%s", cgroups__mount(t->cgroups),
			 strcmp(rel, "/") ? rel : "");
	}
	return 0;
}

int top__run(const struct options *opts, volatile sig_atomic_t *stop)
{
	struct top *t = calloc(1, sizeof(*t));
	long shown = 0;
	int ret;

	if (!t)
		return EXIT_FAILURE_RUNTIME;
	ret = setup(t, opts);
	while (!ret && !*stop) {
		int err = show_once(t);

		if (err == -EPIPE)
			break;
		if (err) {
			fprintf(stderr, "oomtrace: top: %s\n", strerror(-err));
			ret = EXIT_FAILURE_RUNTIME;
			break;
		}
		if (!opts->interval_s || (opts->count && ++shown >= opts->count))
			break;
		struct timespec ts = { (time_t)opts->interval_s,
				       (long)((opts->interval_s - (time_t)opts->interval_s) *
					      1e9) };
		nanosleep(&ts, NULL);
	}
	cgroups__free(t->cgroups);
	free(t);
	return ret;
}
