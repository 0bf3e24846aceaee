// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "badness.h"
#include "procs.h"

/* a global OOM on a big node weighs every process; keep the scan bounded */
#define MAX_SCAN 65536
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

static char *read_small(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool read_proc(int pid, struct proc_info *p)
{
	char path[64], buf[4096];

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (!read_small(path, buf, sizeof(buf)) || !procs__parse_status(buf, p))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	if (!read_small(path, buf, sizeof(buf)))
		return false;
	p->oom_score_adj = strtol(buf, NULL, 10);
	snprintf(path, sizeof(path), "/proc/%d/oom_score", pid);
	p->oom_score = read_small(path, buf, sizeof(buf)) ? strtol(buf, NULL, 10) : -1;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	if (read_small(path, buf, sizeof(buf)))
		procs__parse_cgroup(buf, p->memcg, sizeof(p->memcg));
	return true;
}

static int cmp_points(const void *a, const void *b)
{
	const struct proc_info *x = a, *y = b;

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
		if (*n == MAX_SCAN) {
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

int procs__parse_tgid(const char *status)
{
	for (const char *l = status; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, "Tgid:", 5))
			return atoi(l + 5);
	return 0;
}

int procs__tgid(int tid)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	return read_small(path, buf, sizeof(buf)) ? procs__parse_tgid(buf) : 0;
}

static bool skipped(const struct procs_query *q, int pid)
{
	/* the kernel never picks init (oom_unkillable_task): nor do we */
	if (pid == 1)
		return true;
	for (size_t i = 0; i < q->nr_skip; i++)
		if (q->skip[i] == pid)
			return true;
	return false;
}

static bool exiting(int pid)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	return read_small(path, buf, sizeof(buf)) && procs__parse_exiting(buf);
}

/* The first max of the ranked that are not exiting, moved to the front: read for those only. */
static size_t keep_live(struct proc_info *ranked, size_t cnt, size_t max)
{
	size_t kept = 0;

	for (size_t i = 0; i < cnt && kept < max; i++) {
		if (exiting(ranked[i].pid))
			continue;
		if (kept != i)
			ranked[kept] = ranked[i];
		kept++;
	}
	return kept;
}

struct proc_info *procs__rank(const struct procs_query *q, size_t *n, bool *truncated)
{
	const int *pids = q->pids;
	size_t nr_pids = q->nr_pids, i, cnt = 0;
	bool trunc = false;
	int *own = NULL;
	struct proc_info *out;

	*n = 0;
	if (!pids) {
		pids = own = all_pids(&nr_pids, &trunc);
		if (!pids)
			return NULL;
	}
	if (truncated)
		*truncated |= trunc;
	out = calloc(nr_pids ? nr_pids : 1, sizeof(*out));
	for (i = 0; out && i < nr_pids; i++) {
		struct proc_info *p = &out[cnt];
		struct badness_parts parts;

		if (skipped(q, pids[i]) || !read_proc(pids[i], p) ||
		    p->oom_score_adj == OOM_SCORE_ADJ_MIN)
			continue;
		parts.rss_pages =
		    (p->rss_anon_kb + p->rss_file_kb + p->rss_shmem_kb) * 1024 / q->page_size;
		parts.swap_pages = p->swap_kb * 1024 / q->page_size;
		parts.pgtables_bytes = p->pgtables_kb * 1024;
		parts.oom_score_adj = p->oom_score_adj;
		p->points = badness_points(&parts, q->totalpages, q->page_size);
		cnt++;
	}
	free(own);
	if (!out)
		return NULL;
	qsort(out, cnt, sizeof(*out), cmp_points);
	*n = keep_live(out, cnt, q->max);
	return out;
}

/* nftw() passes no context: the collection in progress */
static struct {
	int *pids;
	size_t n, cap;
	bool truncated;
} collect;

static int add_procs(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	char path[4200], line[32];
	FILE *f;

	if (type != FTW_D)
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.procs", fpath);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (collect.n == MAX_SCAN) {
			collect.truncated = true;
			break;
		}
		if (collect.n == collect.cap) {
			size_t cap = collect.cap ? collect.cap * 2 : 256;
			int *p = realloc(collect.pids, cap * sizeof(*p));

			if (!p) {
				collect.truncated = true;
				break;
			}
			collect.pids = p;
			collect.cap = cap;
		}
		collect.pids[collect.n++] = atoi(line);
	}
	fclose(f);
	return 0;
}

int *procs__in_cgroup(const char *dir, size_t *n, bool *truncated)
{
	int *pids;

	memset(&collect, 0, sizeof(collect));
	nftw(dir, add_procs, 16, FTW_PHYS | FTW_MOUNT);
	pids = collect.pids;
	*n = collect.n;
	if (truncated)
		*truncated |= collect.truncated;
	memset(&collect, 0, sizeof(collect));
	if (!pids)
		errno = ENOENT;
	return pids;
}
