// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "badness.h"
#include "procs.h"

/* include/linux/sched.h: the task is exiting */
#define PF_EXITING 0x00000004

static bool kb_field(const char *line, const char *key, unsigned long *val)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) || line[n] != ':')
		return false;
	*val = strtoul(line + n + 1, NULL, 10);
	return true;
}

bool procs__parse_status(const char *status, struct proc_info *p)
{
	const char *line = status;
	bool has_mm = false;

	while (line && *line) {
		unsigned long v;

		if (!strncmp(line, "Name:", 5)) {
			const char *s = line + 5 + strspn(line + 5, " \t");
			size_t n = strcspn(s, "\n");

			if (n >= sizeof(p->comm))
				n = sizeof(p->comm) - 1;
			memcpy(p->comm, s, n);
			p->comm[n] = '\0';
		} else if (kb_field(line, "RssAnon", &v)) {
			p->rss_anon_kb = v;
			has_mm = true;
		} else if (kb_field(line, "RssFile", &v)) {
			p->rss_file_kb = v;
		} else if (kb_field(line, "RssShmem", &v)) {
			p->rss_shmem_kb = v;
		} else if (kb_field(line, "VmSwap", &v)) {
			p->swap_kb = v;
		} else if (kb_field(line, "VmPTE", &v)) {
			p->pgtables_kb = v;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return has_mm;
}

static bool has_word(const char *list, const char *word)
{
	char buf[256], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, word))
			return true;
	return false;
}

/* v1: "4:memory:/a/b"; v2, where no v1 hierarchy has memory: "0::/a/b" */
bool procs__parse_cgroup(const char *text, char *memcg, size_t size)
{
	char buf[4096], *save, *line, v2[1024] = "";
	bool found = false;

	snprintf(buf, sizeof(buf), "%s", text);
	for (line = strtok_r(buf, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;

		if (!path)
			continue;
		*ctl++ = '\0';
		*path++ = '\0';
		if (has_word(ctl, "memory")) {
			snprintf(memcg, size, "%s", path);
			found = true;
		} else if (!strcmp(line, "0") && !*ctl) {
			snprintf(v2, sizeof(v2), "%s", path);
		}
	}
	if (!found && v2[0]) {
		snprintf(memcg, size, "%s", v2);
		found = true;
	}
	return found;
}

/*
 * /proc, opened once a call (procs__weigh(), procs__pick(), ...): each file
 * is then one openat() relative to it, a read and a close.  Not held
 * between calls, so that a long-running tracer's open files stay as many.
 */
static int proc_fd = -1, proc_users;

static void proc_enter(void)
{
	if (!proc_users++)
		proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void proc_leave(void)
{
	if (!--proc_users && proc_fd >= 0) {
		close(proc_fd);
		proc_fd = -1;
	}
}

/* The file name in directory dfd into buf: its length, or -errno. */
static ssize_t read_file_at(int dfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* one read: procfs makes these files whole on the first read of them */
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static ssize_t read_pid_file(int pid, const char *name, char *buf, size_t size)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%d/%s", pid, name);
	return read_file_at(proc_fd, rel, buf, size);
}

/* /proc/PID itself: its files are then opened without looking the pid up again */
static int open_pid_dir(int pid)
{
	char rel[16];

	snprintf(rel, sizeof(rel), "%d", pid);
	return openat(proc_fd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* this thread's CPU time: the budget bounds our cost, not the wait for a busy CPU */
long long procs__cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * What the ranking needs of pid: its status (the badness parts) and its
 * oom_score_adj, two files.  false when it is gone, has no mm, or is
 * unkillable (adj -1000): the kernel passes over those too.
 */
static bool weigh_one(int pid, struct proc_info *p)
{
	char buf[4096];
	int dfd = open_pid_dir(pid);
	bool ok;

	if (dfd < 0)
		return false;
	memset(p, 0, offsetof(struct proc_info, oom_score));
	p->pid = pid;
	ok = read_file_at(dfd, "oom_score_adj", buf, sizeof(buf)) > 0;
	if (ok)
		p->oom_score_adj = strtol(buf, NULL, 10);
	ok = ok && p->oom_score_adj != OOM_SCORE_ADJ_MIN &&
	     read_file_at(dfd, "status", buf, sizeof(buf)) > 0 && procs__parse_status(buf, p);
	close(dfd);
	return ok;
}

/* What only the printed few need: the kernel's own score and the memcg. */
static void read_extras(struct proc_info *p)
{
	char buf[4096];

	p->oom_score =
	    read_pid_file(p->pid, "oom_score", buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 10) : -1;
	p->memcg[0] = '\0';
	if (read_pid_file(p->pid, "cgroup", buf, sizeof(buf)) > 0)
		procs__parse_cgroup(buf, p->memcg, sizeof(p->memcg));
}

static int cmp_points(const void *a, const void *b)
{
	const struct procs_cand *x = a, *y = b;

	if (x->points != y->points)
		return x->points < y->points ? 1 : -1;
	return x->pid - y->pid;
}

static int *all_pids(size_t *n, bool *truncated)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int *pids = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (*n == PROCS_MAX_SCAN) {
			*truncated = true;
			break;
		}
		if (*n == cap) {
			int *p = realloc(pids, (cap = cap ? cap * 2 : 1024) * sizeof(*p));

			if (!p) {
				*truncated = true;
				break;
			}
			pids = p;
		}
		pids[(*n)++] = atoi(e->d_name);
	}
	closedir(d);
	return pids;
}

/* state is the field after "(comm) ", which may hold spaces and parentheses */
bool procs__parse_exiting(const char *stat)
{
	const char *p = strrchr(stat, ')');
	unsigned long flags = 0;
	char state;

	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) < 1)
		return false;
	return state == 'Z' || state == 'X' || (flags & PF_EXITING);
}

bool procs__parse_state_start(const char *stat, char *state, unsigned long long *start_ticks)
{
	const char *p = strrchr(stat, ')');

	/* state is field 3, starttime field 22 */
	return p && sscanf(p + 1,
			   " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
			   "%*d %llu",
			   state, start_ticks) == 2;
}

int procs__parse_tgid(const char *status)
{
	for (const char *l = status; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, "Tgid:", 5))
			return atoi(l + 5);
	return 0;
}

int procs__tgid(int tid)
{
	char buf[4096];
	int tgid;

	proc_enter();
	tgid = read_pid_file(tid, "status", buf, sizeof(buf)) > 0 ? procs__parse_tgid(buf) : 0;
	proc_leave();
	return tgid;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* A sorted copy of a skip list, for bsearch: a group kill's lists run to thousands. */
static int *sorted_skip(const int *skip, size_t n)
{
	int *s = malloc((n ? n : 1) * sizeof(*s));

	if (!s)
		return NULL;
	if (n)
		memcpy(s, skip, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_int);
	return s;
}

static bool skipped(const int *sorted, size_t n, int pid)
{
	/* the kernel never picks init (oom_unkillable_task): nor do we */
	return pid == 1 || (n && bsearch(&pid, sorted, n, sizeof(*sorted), cmp_int));
}

/* Gone, or exiting (zombie, dead, PF_EXITING): the kernel would not pick it. */
static bool gone_or_exiting(int pid)
{
	char buf[1024];

	return read_pid_file(pid, "stat", buf, sizeof(buf)) <= 0 || procs__parse_exiting(buf);
}

/* what a candidate keeps of a proc_info, and gives back to one */
#define CAND_FIELDS(X)                                                                             \
	X(pid)                                                                                     \
	X(points)                                                                                  \
	X(oom_score_adj) X(rss_anon_kb) X(rss_file_kb) X(rss_shmem_kb) X(swap_kb) X(pgtables_kb)
#define COPY_FIELD(f) dst->f = src->f;

static void cand_of(struct procs_cand *dst, const struct proc_info *src)
{
	CAND_FIELDS(COPY_FIELD)
	dst->exiting = -1; /* status does not say: procs__pick() reads stat */
	memcpy(dst->comm, src->comm, sizeof(dst->comm));
}

static void proc_of(struct proc_info *dst, const struct procs_cand *src)
{
	memset(dst, 0, sizeof(*dst));
	CAND_FIELDS(COPY_FIELD)
	memcpy(dst->comm, src->comm, sizeof(dst->comm));
}

static int cands_grow(struct procs_ranking *rk, size_t want)
{
	struct procs_cand *c;

	if (want <= rk->cap)
		return 0;
	c = realloc(rk->cands, want * sizeof(*c));
	if (!c)
		return -ENOMEM;
	rk->cands = c;
	rk->cap = want;
	return 0;
}

static long points_of(const struct procs_cand *p, const struct procs_query *q)
{
	struct badness_parts parts = {
		.rss_pages =
		    (p->rss_anon_kb + p->rss_file_kb + p->rss_shmem_kb) * 1024 / q->page_size,
		.swap_pages = p->swap_kb * 1024 / q->page_size,
		.pgtables_bytes = p->pgtables_kb * 1024,
		.oom_score_adj = p->oom_score_adj,
	};

	return badness_points(&parts, q->totalpages, q->page_size);
}

int procs__ranking_add(struct procs_ranking *rk, const struct procs_cand *c)
{
	if (rk->cnt == rk->cap && cands_grow(rk, rk->cap ? rk->cap * 2 : 1024))
		return -ENOMEM;
	rk->cands[rk->cnt++] = *c;
	return 0;
}

/*
 * The weigher's processes, less those /proc's reading leaves out too (the
 * skip list, init, the unkillable), with their points: 0, or its -errno.
 */
static int weigh_with(const struct procs_query *q, struct procs_ranking *rk, const int *skip)
{
	size_t kept = 0;
	int err = q->weigher->weigh(q->weigher->ctx, q, rk);

	if (err) {
		rk->cnt = 0;
		rk->truncated = rk->timed_out = rk->reread_picked = false;
		return err;
	}
	for (size_t i = 0; i < rk->cnt; i++) {
		struct procs_cand *c = &rk->cands[i];

		if (skipped(skip, q->nr_skip, c->pid) || c->oom_score_adj == OOM_SCORE_ADJ_MIN)
			continue;
		c->points = points_of(c, q);
		rk->cands[kept++] = *c;
	}
	rk->cnt = kept;
	return 0;
}

int procs__weigh(const struct procs_query *q, struct procs_ranking *rk)
{
	const int *pids = q->pids;
	size_t nr_pids = q->nr_pids;
	long long deadline = q->budget_ns ? procs__cpu_ns() + q->budget_ns : 0;
	int *own = NULL, *skip;
	int err = 0;

	rk->cnt = 0;
	rk->truncated = rk->timed_out = rk->reread_picked = false;
	rk->totalpages = q->totalpages;
	rk->page_size = q->page_size;
	skip = sorted_skip(q->skip, q->nr_skip);
	if (!skip)
		return -ENOMEM;
	if (q->weigher) {
		err = weigh_with(q, rk, skip);
		if (err)
			goto out;
		goto sort;
	}
	if (!pids) {
		pids = own = all_pids(&nr_pids, &rk->truncated);
		if (!pids) {
			free(skip);
			return -errno ?: -ENOENT;
		}
	}
	if (cands_grow(rk, nr_pids ? nr_pids : 1)) {
		err = -ENOMEM;
		goto out;
	}
	proc_enter();
	for (size_t i = 0; i < nr_pids; i++) {
		struct proc_info p;

		/* the clock read every 64 entries: its cost is not the point */
		if (deadline && !(i & 63) && i && procs__cpu_ns() > deadline) {
			rk->timed_out = rk->truncated = true;
			break;
		}
		if (skipped(skip, q->nr_skip, pids[i]) || !weigh_one(pids[i], &p))
			continue;
		cand_of(&rk->cands[rk->cnt], &p);
		rk->cands[rk->cnt].points = points_of(&rk->cands[rk->cnt], q);
		rk->cnt++;
	}
	proc_leave();
sort:
	if (rk->cnt) /* a weigher that found none may have left cands unallocated */
		qsort(rk->cands, rk->cnt, sizeof(*rk->cands), cmp_points);
out:
	free(skip);
	free(own);
	return err;
}

/* c read again from /proc into p, its points with it: false when it is gone since. */
static bool reread(const struct procs_ranking *rk, const struct procs_cand *c, struct proc_info *p)
{
	struct procs_query q = { .totalpages = rk->totalpages, .page_size = rk->page_size };
	struct procs_cand fresh;

	if (!weigh_one(c->pid, p))
		return false;
	cand_of(&fresh, p);
	p->points = points_of(&fresh, &q);
	p->oom_score = -1;
	return true;
}

struct proc_info *procs__pick(const struct procs_ranking *rk, const int *skip, size_t nr_skip,
			      size_t max, unsigned int flags, size_t *n)
{
	struct proc_info *out = calloc(max ? max : 1, sizeof(*out));
	int *sorted = sorted_skip(skip, nr_skip);

	*n = 0;
	if (!out || !sorted) {
		free(out);
		free(sorted);
		errno = ENOMEM;
		return NULL;
	}
	/* the stat read for those that would be printed only */
	proc_enter();
	for (size_t i = 0; i < rk->cnt && *n < max; i++) {
		const struct procs_cand *c = &rk->cands[i];

		if (skipped(sorted, nr_skip, c->pid) || c->exiting == 1 ||
		    (c->exiting < 0 && gone_or_exiting(c->pid)))
			continue;
		if (rk->reread_picked) {
			if (!reread(rk, c, &out[*n]))
				continue; /* gone since, or unkillable now */
		} else {
			proc_of(&out[*n], c);
		}
		if (flags & PICK_EXTRAS)
			read_extras(&out[*n]);
		else
			out[*n].oom_score = -1;
		(*n)++;
	}
	proc_leave();
	free(sorted);
	return out;
}

void procs__ranking_clear(struct procs_ranking *rk)
{
	free(rk->cands);
	memset(rk, 0, sizeof(*rk));
}

struct proc_info *procs__rank(const struct procs_query *q, size_t *n, bool *truncated)
{
	struct procs_ranking rk = {};
	struct proc_info *out = NULL;
	int err = procs__weigh(q, &rk);

	*n = 0;
	if (truncated)
		*truncated |= rk.truncated;
	if (!err)
		out = procs__pick(&rk, NULL, 0, q->max, PICK_EXTRAS, n);
	procs__ranking_clear(&rk);
	if (err)
		errno = -err;
	return out;
}

/* The pids listed in cgroup.procs of the directory fd dfd, appended to pl. */
struct pid_list {
	int *pids;
	size_t n, cap, max;
	size_t dirs, max_dirs;
	bool truncated;
};

static int pid_list_add(struct pid_list *pl, int pid)
{
	if (pl->n == pl->max) {
		pl->truncated = true;
		return -E2BIG;
	}
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? pl->cap * 2 : 256;
		int *p = realloc(pl->pids, cap * sizeof(*p));

		if (!p) {
			pl->truncated = true;
			return -ENOMEM;
		}
		pl->pids = p;
		pl->cap = cap;
	}
	pl->pids[pl->n++] = pid;
	return 0;
}

static int add_procs_of(struct pid_list *pl, int dfd)
{
	char buf[16384];
	size_t have = 0;
	int fd = openat(dfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return 0; /* removed under us: nothing of it to list */
	for (;;) {
		ssize_t got = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *line = buf, *nl;

		if (got <= 0)
			break;
		have += got;
		buf[have] = '\0';
		while (!err && (nl = strchr(line, '\n'))) {
			err = pid_list_add(pl, atoi(line));
			line = nl + 1;
		}
		/* a line cut by the buffer's end moves to its start */
		have -= line - buf;
		memmove(buf, line, have);
		if (err)
			break;
	}
	close(fd);
	return err;
}

/* dfd's processes, then its child cgroups' (directories only: no stat of each file) */
static int walk_cgroup(struct pid_list *pl, int dfd, int depth)
{
	struct dirent *e;
	DIR *d;
	int err = add_procs_of(pl, dfd);

	if (err || depth >= PROCS_MAX_DEPTH)
		return err;
	d = fdopendir(dup(dfd));
	if (!d)
		return 0;
	while (!err && (e = readdir(d))) {
		int child;

		if ((e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, ".."))
			continue;
		if (++pl->dirs > pl->max_dirs) {
			pl->truncated = true;
			err = -E2BIG;
			break;
		}
		child = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (child < 0)
			continue; /* removed since the readdir */
		err = walk_cgroup(pl, child, depth + 1);
		close(child);
	}
	closedir(d);
	return err;
}

int *procs__in_cgroup(const char *dir, size_t max, size_t *n, bool *truncated)
{
	struct pid_list pl = {
		.max = max < PROCS_MAX_SCAN ? max : PROCS_MAX_SCAN,
		.max_dirs = max < PROCS_MAX_DIRS ? max : PROCS_MAX_DIRS,
	};
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*n = 0;
	if (dfd < 0)
		return NULL;
	walk_cgroup(&pl, dfd, 0);
	close(dfd);
	*n = pl.n;
	if (truncated)
		*truncated |= pl.truncated;
	if (!pl.pids)
		errno = ENOENT;
	return pl.pids;
}
