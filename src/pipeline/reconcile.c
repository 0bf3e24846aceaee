// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroups.h"
#include "reconcile.h"

#define RECONCILE_MAX_BLIND 16

struct memcg_count {
	char *path;
	unsigned long long reported; /* kills reported in it */
	unsigned long long baseline; /* the kernel's count less what it had of ours */
	unsigned long long kernel;   /* since the baseline, at the last comparison */
	long long said;		     /* the difference last told */
	long long seen;		     /* the difference the last comparison found */
	bool seeded;
	bool gone; /* its count could not be read: no longer compared */
};

struct reconcile {
	struct reconcile_counters c;
	bool host, have_host;
	unsigned long long host_base, host_kernel, reported;
	long long host_said, host_seen;
	reconcile_unrecorded_fn unrecorded;
	void *unrecorded_ctx;
	unsigned long long last_record_ns, last_check_ns;
	bool recorded, checked;
	struct memcg_count *m;
	size_t nr, cap;
	char *blind[RECONCILE_MAX_BLIND]; /* subtrees holding kills we cannot place */
	size_t nr_blind;
	bool all_blind; /* more such subtrees than kept: no memcg is compared */
};

int reconcile__parse_oom_kill(const char *text, unsigned long long *count)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *end;

		if (strncmp(l, "oom_kill ", 9))
			continue;
		*count = strtoull(l + 9, &end, 10);
		return end == l + 9 ? -EINVAL : 0;
	}
	return -ENOENT;
}

struct reconcile *reconcile__new(const struct reconcile_counters *c, bool host)
{
	struct reconcile *rc = calloc(1, sizeof(*rc));

	if (!rc)
		return NULL;
	rc->c = *c;
	rc->host = host;
	/* no baseline (no /proc/vmstat oom_kill before 4.13): never compared */
	rc->have_host = host && c->host && !c->host(c->ctx, &rc->host_base);
	return rc;
}

void reconcile__set_unrecorded(struct reconcile *rc, reconcile_unrecorded_fn fn, void *ctx)
{
	if (!rc)
		return;
	rc->unrecorded = fn;
	rc->unrecorded_ctx = ctx;
}

/* Kills the source saw with no record of their own; path NULL: the host's. */
static unsigned long long unrecorded(const struct reconcile *rc, const char *path)
{
	unsigned long long n = 0;

	if (rc->unrecorded && rc->unrecorded(rc->unrecorded_ctx, path, &n))
		n = 0;
	return n;
}

void reconcile__free(struct reconcile *rc)
{
	if (!rc)
		return;
	for (size_t i = 0; i < rc->nr; i++)
		free(rc->m[i].path);
	for (size_t i = 0; i < rc->nr_blind; i++)
		free(rc->blind[i]);
	free(rc->m);
	free(rc);
}

/* path is subtree or lies below it */
static bool within(const char *path, const char *subtree)
{
	size_t n = strlen(subtree);

	if (n == 1 && subtree[0] == '/')
		return true;
	return !strncmp(path, subtree, n) && (path[n] == '\0' || path[n] == '/');
}

static bool blind_to(const struct reconcile *rc, const char *path)
{
	if (rc->all_blind)
		return true;
	for (size_t i = 0; i < rc->nr_blind; i++)
		if (within(path, rc->blind[i]))
			return true;
	return false;
}

static struct memcg_count *memcg_of(struct reconcile *rc, const char *path)
{
	struct memcg_count *m;

	for (size_t i = 0; i < rc->nr; i++)
		if (!strcmp(rc->m[i].path, path))
			return &rc->m[i];
	if (rc->nr == RECONCILE_MAX_MEMCGS)
		return NULL;
	if (rc->nr == rc->cap) {
		size_t cap = rc->cap ? rc->cap * 2 : 16;

		m = realloc(rc->m, cap * sizeof(*m));
		if (!m)
			return NULL;
		rc->m = m;
		rc->cap = cap;
	}
	m = &rc->m[rc->nr];
	memset(m, 0, sizeof(*m));
	m->path = strdup(path);
	if (!m->path)
		return NULL;
	m->gone = blind_to(rc, path);
	rc->nr++;
	return m;
}

void reconcile__record(struct reconcile *rc, const char *memcg, bool counted,
		       unsigned long long now_ns)
{
	struct memcg_count *m;

	if (!rc)
		return;
	rc->last_record_ns = now_ns;
	rc->recorded = true;
	if (!counted)
		return;
	rc->reported++;
	if (memcg && *memcg && rc->c.memcg && (m = memcg_of(rc, memcg)))
		m->reported++;
}

void reconcile__record_within(struct reconcile *rc, const char *subtree,
			      unsigned long long now_ns)
{
	if (!rc)
		return;
	reconcile__record(rc, NULL, true, now_ns);
	if (!subtree || !*subtree || blind_to(rc, subtree))
		return;
	if (rc->nr_blind == RECONCILE_MAX_BLIND || !(rc->blind[rc->nr_blind] = strdup(subtree)))
		rc->all_blind = true;
	else
		rc->nr_blind++;
	for (size_t i = 0; i < rc->nr; i++)
		if (blind_to(rc, rc->m[i].path))
			rc->m[i].gone = true;
}

static int tell(long long *said, long long *seen, bool at_end, struct reconcile_diff *d,
		reconcile_fn fn, void *ctx)
{
	bool twice;

	d->diff = (long long)(d->kernel - d->reported);
	twice = d->diff == *seen;
	*seen = d->diff;
	if (d->diff == *said || (!twice && !at_end))
		return 0;
	*said = d->diff;
	return fn ? fn(ctx, d) : 0;
}

static int check_host(struct reconcile *rc, unsigned long long dropped, bool at_end,
		      reconcile_fn fn, void *ctx)
{
	struct reconcile_diff d = { .scope = RECONCILE_HOST, .dropped_kills = dropped };
	unsigned long long now;

	if (!rc->have_host || rc->c.host(rc->c.ctx, &now))
		return 0;
	/* a counter that went back is not the one the baseline came from */
	rc->host_kernel = now >= rc->host_base ? now - rc->host_base : 0;
	d.kernel = rc->host_kernel;
	d.reported = rc->reported + unrecorded(rc, NULL);
	return tell(&rc->host_said, &rc->host_seen, at_end, &d, fn, ctx);
}

static int check_memcg(struct reconcile *rc, struct memcg_count *m, unsigned long long dropped,
		       bool at_end, reconcile_fn fn, void *ctx)
{
	struct reconcile_diff d = { .scope = RECONCILE_MEMCG,
				    .memcg = m->path,
				    .dropped_kills = dropped };
	unsigned long long now;

	if (m->gone)
		return 0;
	if (rc->c.memcg(rc->c.ctx, m->path, &now)) {
		/* removed, or renamed: what it said last stays said */
		m->gone = true;
		return 0;
	}
	d.reported = m->reported + unrecorded(rc, m->path);
	/*
	 * A count below the kills we saw there, or below what it was, is
	 * another memcg's under the same path (removed and made again, as
	 * systemd does with a unit it restarts): no longer compared.
	 */
	if ((!m->seeded && now < d.reported) || (m->seeded && now < m->baseline + m->kernel)) {
		m->gone = true;
		return 0;
	}
	if (!m->seeded) {
		m->baseline = now - d.reported;
		m->seeded = true;
	}
	m->kernel = now - m->baseline;
	d.kernel = m->kernel;
	return tell(&m->said, &m->seen, at_end, &d, fn, ctx);
}

int reconcile__check(struct reconcile *rc, unsigned long long now_ns,
		     unsigned long long dropped_kills, bool at_end, reconcile_fn fn, void *ctx)
{
	int err;

	if (!rc)
		return 0;
	if (!at_end) {
		if (rc->recorded && now_ns - rc->last_record_ns < RECONCILE_QUIET_NS)
			return 0;
		if (rc->checked && now_ns - rc->last_check_ns < RECONCILE_INTERVAL_NS)
			return 0;
	}
	rc->checked = true;
	rc->last_check_ns = now_ns;
	err = check_host(rc, dropped_kills, at_end, fn, ctx);
	for (size_t i = 0; i < rc->nr && !err; i++)
		err = check_memcg(rc, &rc->m[i], dropped_kills, at_end, fn, ctx);
	return err;
}

bool reconcile__host_kills(const struct reconcile *rc, unsigned long long *kernel)
{
	if (!rc || !rc->have_host || !rc->checked)
		return false;
	*kernel = rc->host_kernel;
	return true;
}

bool reconcile__summary(const struct reconcile *rc, bool filtered, unsigned long long *kernel,
			const char **why)
{
	*why = NULL;
	if (reconcile__host_kills(rc, kernel))
		return true;
	if (!rc)
		*why = "a saved log has no count to compare with";
	else if (filtered)
		*why = "--cgroup sees part of the host's kills (compared per memcg only)";
	else if (!rc->have_host)
		*why = "/proc/vmstat has no oom_kill count here";
	return false;
}

bool reconcile__host_diff(const struct reconcile *rc, long long *diff)
{
	unsigned long long k;

	if (!reconcile__host_kills(rc, &k))
		return false;
	*diff = rc->host_said; /* what was told: seen twice, or at the end */
	return true;
}

bool reconcile__memcg_diff(const struct reconcile *rc, long long *diff)
{
	bool any = false;

	*diff = 0;
	/* by size: one memcg's kill too many does not hide another's too few */
	for (size_t i = 0; rc && i < rc->nr; i++) {
		if (!rc->m[i].seeded || rc->m[i].gone)
			continue;
		*diff += rc->m[i].said < 0 ? -rc->m[i].said : rc->m[i].said;
		any = true;
	}
	return any;
}

/* ---- the live counters: /proc/vmstat and cgroupfs ---- */

static int read_oom_kill(const char *path, unsigned long long *count)
{
	char buf[8192];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return reconcile__parse_oom_kill(buf, count);
}

static int host_count(void *ctx, unsigned long long *count)
{
	(void)ctx;
	return read_oom_kill("/proc/vmstat", count);
}

/* v2: the local count, where the kernel has one (5.7+); v1 counts only locally */
static int memcg_count(void *ctx, const char *path, unsigned long long *count)
{
	static const char *const v2[] = { "memory.events.local", "memory.events" };
	struct cgroups *cg = ctx;
	char dir[8192], file[8300];
	int err = -ENOENT;

	if (cgroups__dir(cg, path, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	if (cgroups__version(cg) == 1) {
		snprintf(file, sizeof(file), "%s/memory.oom_control", dir);
		return read_oom_kill(file, count);
	}
	for (size_t i = 0; i < sizeof(v2) / sizeof(v2[0]) && err; i++) {
		snprintf(file, sizeof(file), "%s/%s", dir, v2[i]);
		err = read_oom_kill(file, count);
	}
	return err;
}

struct reconcile *reconcile__open(struct cgroups *cg, bool host)
{
	struct reconcile_counters c = {
		.host = host_count,
		.memcg = cg ? memcg_count : NULL,
		.ctx = cg,
	};

	return reconcile__new(&c, host);
}
