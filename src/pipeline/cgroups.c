// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "cgroups.h"
#include "host.h"

/* a miss rescans at most this often, by default */
#define RESCAN_NS 1000000000LL
/* ids a rescan did not find: they are gone for good (ids are not reused) */
#define MAX_MISSES 256
/* cgroup levels below the mount a rescan walks */
#define MAX_DEPTH 64

struct cg_entry {
	unsigned long long id;
	size_t off; /* of its path in names */
};

#define MAX_MOUNTS 32

struct cgroups {
	char mount[4096];
	char *mounts[MAX_MOUNTS]; /* every cgroup and cgroup2 mount point */
	int nr_mounts;
	int version;
	struct cg_entry *entries; /* sorted by id after a scan */
	size_t cnt, cap;
	char *names; /* every entry's path, NUL-terminated, one after another */
	size_t names_len, names_cap;
	unsigned long long misses[MAX_MISSES]; /* a ring of ids no rescan found */
	size_t nr_misses, next_miss;
	long long scanned_ns; /* CLOCK_MONOTONIC of the last scan, 0 never */
	long long rescan_ns;  /* the least time between two rescans */
	int mount_fd;	      /* for open_by_handle_at(); -1 none */
	int by_handle;	      /* 1 ids open as file handles, 0 not tried, -1 they do not */
	struct cgroups_stats stats;
};

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

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	if (!host__read_line(path, buf, sizeof(buf)))
		return 0;
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
	cg->rescan_ns = RESCAN_NS;
	/* held from the start: the open files of a long run stay as many */
	cg->mount_fd = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

void cgroups__free(struct cgroups *cg)
{
	if (!cg)
		return;
	if (cg->mount_fd >= 0)
		close(cg->mount_fd);
	free(cg->entries);
	free(cg->names);
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

static int add_entry(struct cgroups *cg, unsigned long long id, const char *rel, size_t len)
{
	if (cg->cnt == cg->cap) {
		size_t cap = cg->cap ? cg->cap * 2 : 256;
		struct cg_entry *p = realloc(cg->entries, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		cg->entries = p;
		cg->cap = cap;
	}
	if (cg->names_len + len + 1 > cg->names_cap) {
		size_t cap = cg->names_cap ? cg->names_cap * 2 : 16384;
		char *p;

		while (cap < cg->names_len + len + 1)
			cap *= 2;
		p = realloc(cg->names, cap);
		if (!p)
			return -ENOMEM;
		cg->names = p;
		cg->names_cap = cap;
	}
	memcpy(cg->names + cg->names_len, rel, len);
	cg->names[cg->names_len + len] = '\0';
	cg->entries[cg->cnt++] = (struct cg_entry){ id, cg->names_len };
	cg->names_len += len + 1;
	return 0;
}

/*
 * The directories below dfd (whose path is rel[0..len)), each with its
 * inode number, which is its cgroup id.  Only directories are opened: a
 * cgroup's files are never looked at, and the walk stays in one mount.
 */
static int walk_dirs(struct cgroups *cg, int dfd, dev_t dev, char *rel, size_t len, int depth)
{
	struct dirent *e;
	DIR *d = depth < MAX_DEPTH ? fdopendir(dup(dfd)) : NULL;
	int err = 0;

	while (d && !err && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct stat st;
		int child;

		if ((e->d_type != DT_DIR && e->d_type != DT_UNKNOWN) || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, "..") || len + 1 + n >= PATH_MAX)
			continue;
		child = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0)
			continue; /* removed since the readdir */
		if (!fstat(child, &st) && st.st_dev == dev) {
			rel[len] = '/';
			memcpy(rel + len + 1, e->d_name, n + 1);
			err = add_entry(cg, st.st_ino, rel, len + 1 + n)
				  ?: walk_dirs(cg, child, dev, rel, len + 1 + n, depth + 1);
			rel[len] = '\0';
		}
		close(child);
	}
	if (d)
		closedir(d);
	return err;
}

static int cmp_id(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void rescan(struct cgroups *cg)
{
	static char rel[PATH_MAX];
	long long t0 = now_ns(), took;
	int dfd = open(cg->mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	cg->cnt = cg->names_len = 0;
	if (dfd >= 0 && !fstat(dfd, &st)) {
		rel[0] = '\0';
		if (!add_entry(cg, st.st_ino, "/", 1))
			walk_dirs(cg, dfd, st.st_dev, rel, 0, 0);
	}
	if (dfd >= 0)
		close(dfd);
	qsort(cg->entries, cg->cnt, sizeof(*cg->entries), cmp_id);
	cg->scanned_ns = now_ns();
	took = cg->scanned_ns - t0;
	cg->stats.rescans++;
	cg->stats.rescan_last_ns = took;
	if (took > cg->stats.rescan_max_ns)
		cg->stats.rescan_max_ns = took;
	cg->stats.dirs = cg->cnt;
}

static const char *lookup(const struct cgroups *cg, unsigned long long id)
{
	struct cg_entry key = { .id = id }, *e;

	if (!cg->cnt)
		return NULL;
	e = bsearch(&key, cg->entries, cg->cnt, sizeof(key), cmp_id);
	return e ? cg->names + e->off : NULL;
}

/* kernfs: a cgroup's file handle is its 8-byte id (FILEID_KERNFS) */
#define FILEID_KERNFS 0xfe

struct cg_handle {
	struct file_handle h;
	unsigned long long id;
};

/* Does this hierarchy open its cgroups by id?  cgroupfs does, for CAP_DAC_READ_SEARCH. */
static bool handles_work(struct cgroups *cg)
{
	struct cg_handle fh = { .h.handle_bytes = sizeof(fh.id) };
	struct stat st;
	int mnt;

	if (cg->by_handle)
		return cg->by_handle > 0;
	cg->by_handle = -1;
	if (cg->mount_fd < 0 || fstat(cg->mount_fd, &st) ||
	    name_to_handle_at(cg->mount_fd, "", &fh.h, &mnt, AT_EMPTY_PATH) ||
	    fh.h.handle_type != FILEID_KERNFS || fh.h.handle_bytes != sizeof(fh.id) ||
	    fh.id != st.st_ino)
		return false;
	cg->by_handle = 1;
	return true;
}

/* A new entry, where the sorted order wants it. */
static const char *insert_entry(struct cgroups *cg, unsigned long long id, const char *rel)
{
	size_t at = 0, hi = cg->cnt;
	struct cg_entry e;

	if (add_entry(cg, id, rel, strlen(rel)))
		return NULL;
	e = cg->entries[--cg->cnt];
	while (at < hi) {
		size_t mid = (at + hi) / 2;

		if (cg->entries[mid].id < id)
			at = mid + 1;
		else
			hi = mid;
	}
	memmove(cg->entries + at + 1, cg->entries + at, (cg->cnt - at) * sizeof(e));
	cg->entries[at] = e;
	cg->cnt++;
	return cg->names + e.off;
}

/*
 * id opened as a file handle, its path read back from /proc/self/fd: one
 * cgroup looked up, none walked.  0 with *path set (NULL: no such id), or
 * -errno when this way cannot tell.
 */
static int path_by_handle(struct cgroups *cg, unsigned long long id, const char **path)
{
	struct cg_handle fh = { .h.handle_bytes = sizeof(fh.id),
				.h.handle_type = FILEID_KERNFS,
				.id = id };
	char link[64], target[PATH_MAX];
	const char *rel;
	size_t mlen = strlen(cg->mount);
	ssize_t n;
	int fd;

	*path = NULL;
	fd = open_by_handle_at(cg->mount_fd, &fh.h, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ESTALE || errno == ENOENT ? 0 : -errno;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	target[n] = '\0';
	while (mlen > 1 && cg->mount[mlen - 1] == '/')
		mlen--;
	/* another mount of it, or removed since it was opened: the walk can tell */
	if (strncmp(target, cg->mount, mlen) || (target[mlen] && target[mlen] != '/') ||
	    strstr(target, " (deleted)"))
		return -ENOENT;
	rel = target[mlen] ? target + mlen : "/";
	*path = insert_entry(cg, id, rel);
	return *path ? 0 : -ENOMEM;
}

static bool missed_before(const struct cgroups *cg, unsigned long long id)
{
	for (size_t i = 0; i < cg->nr_misses; i++)
		if (cg->misses[i] == id)
			return true;
	return false;
}

static void remember_miss(struct cgroups *cg, unsigned long long id)
{
	cg->misses[cg->next_miss] = id;
	cg->next_miss = (cg->next_miss + 1) % MAX_MISSES;
	if (cg->nr_misses < MAX_MISSES)
		cg->nr_misses++;
}

const char *cgroups__path(struct cgroups *cg, unsigned long long id)
{
	const char *path;

	if (!cg || !id) {
		errno = ENOENT;
		return NULL;
	}
	cg->stats.lookups++;
	path = lookup(cg, id);
	if (path)
		return path;
	cg->stats.misses++;
	/* asked for after its event, so it existed then; a rescan since missed it */
	if (missed_before(cg, id)) {
		errno = ENOENT;
		return NULL;
	}
	if (handles_work(cg) && !path_by_handle(cg, id, &path)) {
		cg->stats.by_handle++;
		if (!path) {
			remember_miss(cg, id);
			errno = ENOENT;
		}
		return path;
	}
	if (cg->scanned_ns && now_ns() - cg->scanned_ns < cg->rescan_ns) {
		cg->stats.rate_limited++;
		errno = EAGAIN;
		return NULL;
	}
	rescan(cg);
	path = lookup(cg, id);
	if (!path) {
		remember_miss(cg, id);
		errno = ENOENT;
	}
	return path;
}

void cgroups__set_rescan_ns(struct cgroups *cg, long long ns)
{
	cg->rescan_ns = ns;
}

void cgroups__stats(const struct cgroups *cg, struct cgroups_stats *st)
{
	*st = cg->stats;
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
