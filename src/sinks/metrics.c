// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "metrics.h"
#include "verdict.h"

#define DEFAULT_HOST "127.0.0.1"

enum reclaim_value {
	RECLAIM_PASSES,
	RECLAIM_STALL_NS,
	RECLAIM_SCANNED,
	RECLAIM_RECLAIMED,
	RECLAIM_VALUES
};

/* One label set and its values; the labels are kept as rendered text. */
struct series {
	char *labels;
	unsigned long long val[RECLAIM_VALUES];
};

/* Series sorted by their label text, so a rendering is stable. */
struct table {
	struct series *v;
	size_t n, cap;
	size_t nr_other;	   /* series of folded updates: outside the cap */
	unsigned long long folded; /* updates counted in them */
};

struct metrics {
	pthread_mutex_t lock;
	size_t max_series;
	double start_time_s;
	char *info; /* build_info's label text */
	int up;
	unsigned long long gen;
	unsigned long long dropped[METRICS_DROPPED_TYPES];
	unsigned long long already_exiting;
	unsigned long long not_gone;
	bool unreconciled_known[2]; /* host, memcg */
	long long unreconciled[2];
	struct table kills, reclaim;
	unsigned long long verdicts[VERDICT_LIMIT_RULES][VERDICT_FILLED_RULES];
	bool have_missed;
	size_t nr_missed;
	char missed_prog[METRICS_MAX_PROGRAMS][48];
	unsigned long long missed_runs[METRICS_MAX_PROGRAMS];
};

static const char *const dropped_names[METRICS_DROPPED_TYPES] = {
	[METRICS_DROPPED_OOM_KILL] = "oom_kill",
	[METRICS_DROPPED_RECLAIM_STALL] = "reclaim_stall",
	[METRICS_DROPPED_OOM_REAPED] = "oom_reaped",
	[METRICS_DROPPED_KERNEL_LOG] = "kernel_log",
};

/*
 * Length of the valid UTF-8 sequence at p, or 0.  Prometheus refuses a
 * label value that is not UTF-8, and a cgroup name can be any bytes.
 */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* no overlong forms, no surrogates, nothing above U+10FFFF */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Backslash, quote and newline escaped; a byte that is not UTF-8 becomes U+FFFD. */
int metrics__escape(const char *value, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)value;
	size_t o = 0;

	while (*p) {
		const char *put;
		char one[5] = {};
		size_t len = utf8_len(p), plen;

		if (*p == '\\')
			put = "\\\\";
		else if (*p == '"')
			put = "\\\"";
		else if (*p == '\n')
			put = "\\n";
		else if (!len)
			put = "\xef\xbf\xbd";
		else
			put = memcpy(one, p, len);
		plen = strlen(put);
		if (o + plen >= n)
			return -ENOSPC;
		memcpy(out + o, put, plen);
		o += plen;
		p += len ?: 1;
	}
	if (o >= n)
		return -ENOSPC;
	out[o] = '\0';
	return 0;
}

/* name="value",... for nr pairs, malloc'ed; NULL if out of memory. */
static char *labels_new(const char *const *pairs, int nr)
{
	size_t cap = 1;
	char *s, *o;

	for (int i = 0; i < nr; i++)
		cap += strlen(pairs[2 * i]) + 4 + 3 * strlen(pairs[2 * i + 1]);
	s = o = malloc(cap);
	if (!s)
		return NULL;
	for (int i = 0; i < nr; i++) {
		o += sprintf(o, "%s%s=\"", i ? "," : "", pairs[2 * i]);
		/* 3 bytes a byte at most (U+FFFD), counted above */
		metrics__escape(pairs[2 * i + 1], o, cap - (o - s));
		o += strlen(o);
		*o++ = '"';
	}
	*o = '\0';
	return s;
}

/* The index of labels in t, or where they would go (*found false). */
static size_t table_find(const struct table *t, const char *labels, bool *found)
{
	size_t lo = 0, hi = t->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].labels, labels);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The series of labels (taken over), added if new; NULL without memory. */
static struct series *table_get(struct table *t, char *labels, bool other)
{
	bool found;
	size_t i = table_find(t, labels, &found);

	if (found) {
		free(labels);
		return &t->v[i];
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct series *v = realloc(t->v, cap * sizeof(*v));

		if (!v) {
			free(labels);
			return NULL;
		}
		t->v = v;
		t->cap = cap;
	}
	memmove(&t->v[i + 1], &t->v[i], (t->n - i) * sizeof(*t->v));
	memset(&t->v[i], 0, sizeof(t->v[i]));
	t->v[i].labels = labels;
	t->n++;
	t->nr_other += other;
	return &t->v[i];
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].labels);
	free(t->v);
}

/*
 * The series for pairs; once the table has its cap of series, a new label
 * set counts under memcg (pairs[1]) "(other)" with only its constraint
 * kept: container and pod ids are as unbounded as memcgs.  So does memcg
 * "(other)" itself, which the caller folded already.  updates: how many
 * the caller adds, for the count of those folded.  NULL only without
 * memory.
 */
static struct series *series_of(struct metrics *m, struct table *t, const char **pairs, int nr,
				unsigned long long updates)
{
	char *labels = labels_new(pairs, nr);
	struct series *s;
	bool found;

	if (!labels)
		return NULL;
	table_find(t, labels, &found);
	if (strcmp(pairs[1], METRICS_OTHER) && (found || t->n - t->nr_other < m->max_series))
		return table_get(t, labels, false);
	free(labels);
	pairs[1] = METRICS_OTHER;
	for (int i = 1; i < nr; i++)
		if (strcmp(pairs[2 * i], "constraint"))
			pairs[2 * i + 1] = "";
	labels = labels_new(pairs, nr);
	if (!labels)
		return NULL;
	s = table_get(t, labels, true);
	if (s)
		t->folded += updates;
	return s;
}

struct metrics *metrics__new(size_t max_series, double start_time_s)
{
	struct metrics *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->max_series = max_series;
	m->start_time_s = start_time_s;
	m->up = 1;
	return m;
}

void metrics__free(struct metrics *m)
{
	if (!m)
		return;
	table_free(&m->kills);
	table_free(&m->reclaim);
	free(m->info);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

int metrics__set_info(struct metrics *m, const char *version, const char *hooks)
{
	const char *pairs[] = { "version", version, "hooks", hooks };
	char *info = labels_new(pairs, 2);

	if (!info)
		return -ENOMEM;
	pthread_mutex_lock(&m->lock);
	free(m->info);
	m->info = info;
	m->gen++;
	pthread_mutex_unlock(&m->lock);
	return 0;
}

void metrics__set_up(struct metrics *m, int up)
{
	pthread_mutex_lock(&m->lock);
	m->gen += m->up != up;
	m->up = up;
	pthread_mutex_unlock(&m->lock);
}

static const char *constraint_label(const char *c)
{
	static const char *const known[] = { "MEMCG", "NONE", "CPUSET", "MEMORY_POLICY" };

	for (size_t i = 0; c && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(c, known[i]))
			return known[i];
	return "unknown";
}

int metrics__add_kill(struct metrics *m, const char *memcg, const char *container,
		      const char *pod_uid, const char *constraint)
{
	const char *pairs[] = {
		"memcg",      memcg && *memcg ? memcg : "(global)",
		"container",  container ?: "",
		"pod_uid",    pod_uid ?: "",
		"constraint", constraint_label(constraint),
	};
	struct series *s;

	pthread_mutex_lock(&m->lock);
	s = series_of(m, &m->kills, pairs, 4, 1);
	if (s) {
		s->val[0]++;
		m->gen++;
	}
	pthread_mutex_unlock(&m->lock);
	return s ? 0 : -ENOMEM;
}

void metrics__add_already_exiting(struct metrics *m)
{
	pthread_mutex_lock(&m->lock);
	m->already_exiting++;
	m->gen++;
	pthread_mutex_unlock(&m->lock);
}

void metrics__add_not_gone(struct metrics *m)
{
	pthread_mutex_lock(&m->lock);
	m->not_gone++;
	m->gen++;
	pthread_mutex_unlock(&m->lock);
}

void metrics__set_unreconciled(struct metrics *m, bool host_known, long long host, bool memcg_known,
			       long long memcg)
{
	bool known[2] = { host_known, memcg_known };
	long long v[2] = { host_known ? host : 0, memcg_known ? memcg : 0 };

	pthread_mutex_lock(&m->lock);
	if (memcmp(known, m->unreconciled_known, sizeof(known)) ||
	    memcmp(v, m->unreconciled, sizeof(v))) {
		memcpy(m->unreconciled_known, known, sizeof(known));
		memcpy(m->unreconciled, v, sizeof(v));
		m->gen++;
	}
	pthread_mutex_unlock(&m->lock);
}

int metrics__add_episodes(struct metrics *m, const char *memcg, unsigned long long episodes,
			  unsigned long long passes, unsigned long long stall_ns,
			  unsigned long long scanned, unsigned long long reclaimed)
{
	const char *pairs[] = { "memcg", memcg && *memcg ? memcg : "(unknown)" };
	struct series *s;

	pthread_mutex_lock(&m->lock);
	s = series_of(m, &m->reclaim, pairs, 1, episodes);
	if (s) {
		s->val[RECLAIM_PASSES] += passes;
		s->val[RECLAIM_STALL_NS] += stall_ns;
		s->val[RECLAIM_SCANNED] += scanned;
		s->val[RECLAIM_RECLAIMED] += reclaimed;
		m->gen++;
	}
	pthread_mutex_unlock(&m->lock);
	return s ? 0 : -ENOMEM;
}

void metrics__set_dropped(struct metrics *m,
			  const unsigned long long dropped[METRICS_DROPPED_TYPES])
{
	pthread_mutex_lock(&m->lock);
	if (memcmp(m->dropped, dropped, sizeof(m->dropped))) {
		memcpy(m->dropped, dropped, sizeof(m->dropped));
		m->gen++;
	}
	pthread_mutex_unlock(&m->lock);
}

void metrics__add_verdict(struct metrics *m, unsigned int limit_rule, unsigned int filled_rule)
{
	if (limit_rule >= VERDICT_LIMIT_RULES || filled_rule >= VERDICT_FILLED_RULES)
		limit_rule = filled_rule = 0; /* unknown, unknown */
	pthread_mutex_lock(&m->lock);
	m->verdicts[limit_rule][filled_rule]++;
	m->gen++;
	pthread_mutex_unlock(&m->lock);
}

void metrics__set_missed_runs(struct metrics *m, const char *const *progs,
			      const unsigned long long *runs, size_t n)
{
	if (n > METRICS_MAX_PROGRAMS)
		n = METRICS_MAX_PROGRAMS;
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < n; i++) {
		if (m->have_missed && i < m->nr_missed && m->missed_runs[i] == runs[i] &&
		    !strcmp(m->missed_prog[i], progs[i]))
			continue;
		snprintf(m->missed_prog[i], sizeof(m->missed_prog[i]), "%s", progs[i]);
		m->missed_runs[i] = runs[i];
		m->gen++;
	}
	m->gen += !m->have_missed || m->nr_missed != n;
	m->nr_missed = n;
	m->have_missed = true;
	pthread_mutex_unlock(&m->lock);
}

unsigned long long metrics__generation(struct metrics *m)
{
	unsigned long long gen;

	pthread_mutex_lock(&m->lock);
	gen = m->gen;
	pthread_mutex_unlock(&m->lock);
	return gen;
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One reclaim family: value v of every reclaim series. */
static void render_reclaim(FILE *f, const struct table *t, const char *name, const char *help,
			   enum reclaim_value v)
{
	family(f, name, "counter", help);
	for (size_t i = 0; i < t->n; i++) {
		unsigned long long x = t->v[i].val[v];

		if (v == RECLAIM_STALL_NS)
			fprintf(f, "%s{%s} %llu.%09llu\n", name, t->v[i].labels, x / 1000000000ULL,
				x % 1000000000ULL);
		else
			fprintf(f, "%s{%s} %llu\n", name, t->v[i].labels, x);
	}
}

static void render_locked(const struct metrics *m, FILE *f)
{
	family(
	    f, "oomtrace_build_info", "gauge",
	    "oomtrace's version and the hooks it attached (the attach tier), as labels; always 1.");
	fprintf(f, "oomtrace_build_info{%s} 1\n", m->info ?: "version=\"\",hooks=\"\"");
	family(f, "oomtrace_up", "gauge",
	       "1 while oomtrace traces; 0 in the last --metrics-file it writes at exit.");
	fprintf(f, "oomtrace_up %d\n", m->up);
	family(f, "oomtrace_start_time_seconds", "gauge",
	       "When oomtrace started, in seconds since the Unix epoch.");
	fprintf(f, "oomtrace_start_time_seconds %.3f\n", m->start_time_s);

	family(f, "oomtrace_oom_kills_total", "counter",
	       "OOM kills, by the memory cgroup whose limit was hit ((global) for the whole "
	       "machine), the victim's container and pod, and the OOM constraint.");
	for (size_t i = 0; i < m->kills.n; i++)
		fprintf(f, "oomtrace_oom_kills_total{%s} %llu\n", m->kills.v[i].labels,
			m->kills.v[i].val[0]);
	family(f, "oomtrace_oom_kill_verdicts_total", "counter",
	       "OOM kills by their verdict's rules (docs/records.md, \"The verdict\"): which "
	       "limit was hit, and what filled it; only rule pairs that happened.");
	for (unsigned int l = 0; l < VERDICT_LIMIT_RULES; l++)
		for (unsigned int k = 0; k < VERDICT_FILLED_RULES; k++)
			if (m->verdicts[l][k])
				fprintf(f,
					"oomtrace_oom_kill_verdicts_total{limit=\"%s\",filled=\"%s\"} "
					"%llu\n",
					verdict__limit_rule(l), verdict__filled_rule(k), m->verdicts[l][k]);
	family(f, "oomtrace_oom_already_exiting_total", "counter",
	       "Victims the OOM killer marked while they were already exiting: not killed, not "
	       "in oomtrace_oom_kills_total.");
	fprintf(f, "oomtrace_oom_already_exiting_total %llu\n", m->already_exiting);
	family(f, "oomtrace_oom_victims_not_gone_total", "counter",
	       "Victims still not exited 10 s after their kill (each an oom_not_gone record).");
	fprintf(f, "oomtrace_oom_victims_not_gone_total %llu\n", m->not_gone);
	family(f, "oomtrace_unreconciled_kills", "gauge",
	       "OOM kills the kernel counted less those oomtrace reported: host-wide "
	       "(/proc/vmstat oom_kill) and summed over the memcgs compared; 0 when they agree.");
	for (int i = 0; i < 2; i++)
		if (m->unreconciled_known[i])
			fprintf(f, "oomtrace_unreconciled_kills{scope=\"%s\"} %lld\n",
				i ? "memcg" : "host", m->unreconciled[i]);
	render_reclaim(f, &m->reclaim, "oomtrace_reclaim_passes_total",
		       "Reclaim passes (direct or memcg) in closed reclaim episodes, by memcg.",
		       RECLAIM_PASSES);
	render_reclaim(f, &m->reclaim, "oomtrace_reclaim_stall_seconds_total",
		       "Time tasks spent stalled in reclaim, in closed reclaim episodes, by memcg.",
		       RECLAIM_STALL_NS);
	render_reclaim(f, &m->reclaim, "oomtrace_reclaim_scanned_pages_total",
		       "Pages scanned by reclaim in closed reclaim episodes, by memcg.",
		       RECLAIM_SCANNED);
	render_reclaim(f, &m->reclaim, "oomtrace_reclaim_reclaimed_pages_total",
		       "Pages reclaimed in closed reclaim episodes, by memcg.", RECLAIM_RECLAIMED);

	family(f, "oomtrace_dropped_records_total", "counter",
	       "Records lost before oomtrace read them, by type: the BPF side's (ring buffer "
	       "full) or the kernel log's (overwritten, --source kmsg).");
	for (int i = 0; i < METRICS_DROPPED_TYPES; i++)
		fprintf(f, "oomtrace_dropped_records_total{type=\"%s\"} %llu\n", dropped_names[i],
			m->dropped[i]);
	if (m->have_missed) {
		family(f, "oomtrace_bpf_missed_runs_total", "counter",
		       "Runs of oomtrace's BPF programs the kernel skipped, by program: a program "
		       "already running on the CPU is not run again (7.x runs tracepoint programs "
		       "preemptibly); a record they would have fed may lack part of its story.");
		for (size_t i = 0; i < m->nr_missed; i++)
			fprintf(f, "oomtrace_bpf_missed_runs_total{program=\"%s\"} %llu\n",
				m->missed_prog[i], m->missed_runs[i]);
	}
	family(f, "oomtrace_folded_updates_total", "counter",
	       "Updates counted under memcg=\"(other)\" because the family already had its "
	       "maximum number of memcg series, by family.");
	fprintf(f, "oomtrace_folded_updates_total{family=\"oom_kills\"} %llu\n", m->kills.folded);
	fprintf(f, "oomtrace_folded_updates_total{family=\"reclaim\"} %llu\n", m->reclaim.folded);
}

char *metrics__render(struct metrics *m, size_t *len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	bool failed;

	if (!f)
		return NULL;
	pthread_mutex_lock(&m->lock);
	render_locked(m, f);
	pthread_mutex_unlock(&m->lock);
	failed = ferror(f);
	if (fclose(f) || failed) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	*len = size;
	return buf;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int metrics__parse_listen(const char *spec, char *host, size_t host_len, unsigned int *port,
			  const char **why)
{
	const char *addr = DEFAULT_HOST, *num = spec, *colon;
	size_t addr_len = strlen(DEFAULT_HOST);

	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');

		if (!close || close[1] != ':') {
			*why = "an IPv6 address in brackets, then ':' and a port ([::1]:9477)";
			return -EINVAL;
		}
		addr = spec + 1;
		addr_len = close - addr;
		num = close + 2;
	} else if ((colon = strrchr(spec, ':'))) {
		if (memchr(spec, ':', colon - spec)) {
			*why = "an IPv6 address in brackets ([::1]:9477)";
			return -EINVAL;
		}
		if (colon > spec) {
			addr = spec;
			addr_len = colon - spec;
		}
		num = colon + 1;
	}
	if (!addr_len) {
		*why = "an address in the brackets";
		return -EINVAL;
	}
	if (addr_len >= host_len) {
		*why = "a shorter address";
		return -EINVAL;
	}
	/* five digits at most: strtoul must not wrap a long run of them */
	if (!all_digits(num) || strlen(num) > 5 || !(*port = strtoul(num, NULL, 10)) ||
	    *port > 65535) {
		*why = "a port from 1 to 65535";
		return -EINVAL;
	}
	memcpy(host, addr, addr_len);
	host[addr_len] = '\0';
	return 0;
}
