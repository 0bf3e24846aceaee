// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "cgroups.h"

#define RESCAN_NS 1000000000LL

struct cg_entry {
	unsigned long long id;
	char *path;
};

#define MAX_MOUNTS 32

struct cgroups {
	char mount[4096];
	char *mounts[MAX_MOUNTS]; /* every cgroup and cgroup2 mount point */
	int nr_mounts;
	int version;
	struct cg_entry *entries; /* sorted by id after a scan */
	size_t cnt, cap;
	long long scanned_ns; /* CLOCK_MONOTONIC of the last scan, 0 never */
};

/* nftw() passes no context: the scan in progress */
static struct cgroups *scanning;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Does a comma-separated option list hold word? */
static int has_option(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
			return 1;
		p += n;
	}
	return 0;
}

static int v2_has_memory(const char *mount)
{
	char path[4200], buf[512] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " "))
		if (!strcmp(tok, "memory"))
			return 1;
	return 0;
}

/*
 * mountinfo lines: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS] - FSTYPE SRC SUPEROPTS".
 * A v1 hierarchy names its controllers in SUPEROPTS.
 */
int cgroups__find_memory_mount(FILE *mountinfo, char *mount, size_t size, int *version)
{
	char line[4096], v2[4096] = "";

	while (fgets(line, sizeof(line), mountinfo)) {
		char *sep = strstr(line, " - "), point[4096], fstype[64], superopts[1024];

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", point) != 1 ||
		    sscanf(sep + 3, "%63s %*s %1023s", fstype, superopts) != 2)
			continue;
		if (!strcmp(fstype, "cgroup") && has_option(superopts, "memory")) {
			snprintf(mount, size, "%s", point);
			*version = 1;
			return 0;
		}
		if (!strcmp(fstype, "cgroup2") && !v2[0])
			snprintf(v2, sizeof(v2), "%s", point);
	}
	if (v2[0]) {
		snprintf(mount, size, "%s", v2);
		*version = 2;
		return 0;
	}
	return -ENOENT;
}

static void add_mount(struct cgroups *cg, const char *point)
{
	if (cg->nr_mounts < MAX_MOUNTS && (cg->mounts[cg->nr_mounts] = strdup(point)))
		cg->nr_mounts++;
}

struct cgroups *cgroups__open_at(const char *mount, int version, const char *const *others)
{
	struct cgroups *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return NULL;
	snprintf(cg->mount, sizeof(cg->mount), "%s", mount);
	cg->version = version;
	add_mount(cg, mount);
	for (; others && *others; others++)
		add_mount(cg, *others);
	return cg;
}

/* Every cgroup mount point, for --cgroup paths given under one of them. */
static void read_mounts(struct cgroups *cg, FILE *mountinfo)
{
	char line[4096];

	rewind(mountinfo);
	while (fgets(line, sizeof(line), mountinfo)) {
		char *sep = strstr(line, " - "), point[4096], fstype[64];

		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1 &&
		    sscanf(sep + 3, "%63s", fstype) == 1 &&
		    (!strcmp(fstype, "cgroup") || !strcmp(fstype, "cgroup2")) &&
		    strcmp(point, cg->mount))
			add_mount(cg, point);
	}
}

struct cgroups *cgroups__open(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char mount[4096];
	struct cgroups *cg = NULL;
	int version, err;

	if (!f)
		return NULL;
	err = cgroups__find_memory_mount(f, mount, sizeof(mount), &version);
	if (!err && version == 2 && !v2_has_memory(mount))
		err = -ENOENT;
	if (!err) {
		cg = cgroups__open_at(mount, version, NULL);
		if (cg)
			read_mounts(cg, f);
		else
			err = -ENOMEM;
	}
	fclose(f);
	errno = -err;
	return cg;
}

static void clear_entries(struct cgroups *cg)
{
	for (size_t i = 0; i < cg->cnt; i++)
		free(cg->entries[i].path);
	cg->cnt = 0;
}

void cgroups__free(struct cgroups *cg)
{
	if (!cg)
		return;
	clear_entries(cg);
	free(cg->entries);
	for (int i = 0; i < cg->nr_mounts; i++)
		free(cg->mounts[i]);
	free(cg);
}

int cgroups__version(const struct cgroups *cg)
{
	return cg->version;
}

const char *cgroups__mount(const struct cgroups *cg)
{
	return cg->mount;
}

int cgroups__dir(const struct cgroups *cg, const char *path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", cg->mount, strcmp(path, "/") ? path : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : n;
}

static int add_dir(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	struct cgroups *cg = scanning;
	size_t mlen = strlen(cg->mount);
	const char *rel = fpath + mlen;

	if (type != FTW_D)
		return 0;
	if (cg->cnt == cg->cap) {
		size_t cap = cg->cap ? cg->cap * 2 : 256;
		struct cg_entry *p = realloc(cg->entries, cap * sizeof(*p));

		if (!p)
			return -1;
		cg->entries = p;
		cg->cap = cap;
	}
	cg->entries[cg->cnt].id = sb->st_ino;
	cg->entries[cg->cnt].path = strdup(*rel ? rel : "/");
	if (!cg->entries[cg->cnt].path)
		return -1;
	cg->cnt++;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void rescan(struct cgroups *cg)
{
	clear_entries(cg);
	scanning = cg;
	/* FTW_PHYS: cgroupfs has no links to follow; FTW_MOUNT: stay in it */
	nftw(cg->mount, add_dir, 16, FTW_PHYS | FTW_MOUNT);
	scanning = NULL;
	qsort(cg->entries, cg->cnt, sizeof(*cg->entries), cmp_id);
	cg->scanned_ns = now_ns();
}

static const char *lookup(const struct cgroups *cg, unsigned long long id)
{
	struct cg_entry key = { .id = id }, *e;

	if (!cg->cnt)
		return NULL;
	e = bsearch(&key, cg->entries, cg->cnt, sizeof(key), cmp_id);
	return e ? e->path : NULL;
}

const char *cgroups__path(struct cgroups *cg, unsigned long long id)
{
	const char *path;

	if (!cg || !id)
		return NULL;
	path = lookup(cg, id);
	if (path || (cg->scanned_ns && now_ns() - cg->scanned_ns < RESCAN_NS))
		return path;
	rescan(cg);
	return lookup(cg, id);
}

/* Is path mount or below it?  Returns the rest ("" or "/..."), or NULL. */
static const char *under(const char *path, const char *mount)
{
	size_t n = strlen(mount);

	while (n > 1 && mount[n - 1] == '/')
		n--;
	if (strncmp(path, mount, n) || (path[n] && path[n] != '/'))
		return NULL;
	return path + n;
}

/* "/a//b/" to "/a/b"; "" and "/" to "/"; -EINVAL for "." and ".." parts */
static int normalize(const char *in, char *out, size_t size)
{
	size_t len = 0;

	while (*in) {
		const char *c = in + strspn(in, "/");
		size_t n = strcspn(c, "/");

		if (!n)
			break;
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return -EINVAL;
		if (len + 1 + n + 1 > size)
			return -ENAMETOOLONG;
		out[len++] = '/';
		memcpy(out + len, c, n);
		len += n;
		in = c + n;
	}
	if (!len)
		out[len++] = '/';
	out[len] = '\0';
	return 0;
}

int cgroups__resolve(const struct cgroups *cg, const char *arg, char *rel, size_t size,
		     unsigned long long *id)
{
	const char *rest = NULL;
	size_t best = 0;
	char dir[8192];
	struct stat st;
	int err;

	if (!arg || !*arg)
		return -EINVAL;
	/* the longest cgroup mount the path lies under, if any */
	for (int i = 0; i < cg->nr_mounts; i++) {
		const char *r = under(arg, cg->mounts[i]);

		if (r && strlen(cg->mounts[i]) > best) {
			rest = r;
			best = strlen(cg->mounts[i]);
		}
	}
	err = normalize(rest ?: arg, rel, size);
	if (err)
		return err;
	snprintf(dir, sizeof(dir), "%s%s", cg->mount, strcmp(rel, "/") ? rel : "");
	if (stat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = st.st_ino;
	return 0;
}

int cgroups__resolve_arg(const struct cgroups *cg, const char *arg, char *rel, size_t size,
			 unsigned long long *id, FILE *err)
{
	int ret;

	if (!cg) {
		fprintf(err, "oomtrace: --cgroup '%s': no memory cgroup hierarchy is mounted\n",
			arg);
		return -ENOENT;
	}
	ret = cgroups__resolve(cg, arg, rel, size, id);
	if (ret == -EINVAL || ret == -ENAMETOOLONG)
		fprintf(err, "oomtrace: --cgroup '%s': not a cgroup path\n", arg);
	else if (ret == -ENOTDIR)
		fprintf(err, "oomtrace: --cgroup '%s': not a cgroup directory under %s\n", arg,
			cg->mount);
	else if (ret)
		fprintf(err, "oomtrace: --cgroup '%s': no such memory cgroup (%s%s: %s)\n", arg,
			cg->mount, rel, strerror(-ret));
	return ret;
}
