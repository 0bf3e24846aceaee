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

struct cgroups {
	char mount[4096];
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

struct cgroups *cgroups__open_at(const char *mount, int version)
{
	struct cgroups *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return NULL;
	snprintf(cg->mount, sizeof(cg->mount), "%s", mount);
	cg->version = version;
	return cg;
}

struct cgroups *cgroups__open(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char mount[4096];
	int version, err;

	if (!f)
		return NULL;
	err = cgroups__find_memory_mount(f, mount, sizeof(mount), &version);
	fclose(f);
	if (!err && version == 2 && !v2_has_memory(mount))
		err = -ENOENT;
	if (err) {
		errno = -err;
		return NULL;
	}
	return cgroups__open_at(mount, version);
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
