// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "metrics.h"
#include "metrics_file.h"
#include "outfile.h"

struct metrics_file {
	char *path;
	char *tmp; /* PATH.tmp.<pid>: not *.prom, so the collector skips it */
	char *dir;
};

void metrics_file__free(struct metrics_file *mf)
{
	if (!mf)
		return;
	free(mf->path);
	free(mf->tmp);
	free(mf->dir);
	free(mf);
}

static int create_tmp(const struct metrics_file *mf)
{
	int fd = open(mf->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);

	/* node_exporter seldom runs as root: readable whatever the umask */
	if (fd >= 0 && fchmod(fd, 0644)) {
		int err = errno;

		close(fd);
		unlink(mf->tmp);
		errno = err;
		return -1;
	}
	return fd;
}

struct metrics_file *metrics_file__open(const char *path, FILE *err)
{
	struct metrics_file *mf = calloc(1, sizeof(*mf));
	struct stat st;
	char *copy = strdup(path);
	int fd;

	if (!mf || !copy)
		goto err_nomem;
	if (asprintf(&mf->tmp, "%s.tmp.%d", path, (int)getpid()) < 0) {
		mf->tmp = NULL;
		goto err_nomem;
	}
	mf->path = strdup(path);
	mf->dir = strdup(dirname(copy));
	if (!mf->path || !mf->dir)
		goto err_nomem;
	free(copy);
	if (!*path || path[strlen(path) - 1] == '/' || (!stat(path, &st) && S_ISDIR(st.st_mode))) {
		fprintf(err, "oomtrace: --metrics-file '%s': needs a file name, not a directory\n",
			path);
		goto err_free;
	}
	if (stat(mf->dir, &st)) {
		fprintf(err, "oomtrace: --metrics-file '%s': directory '%s': %s\n", path, mf->dir,
			strerror(errno));
		goto err_free;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(err, "oomtrace: --metrics-file '%s': '%s' is not a directory\n", path,
			mf->dir);
		goto err_free;
	}
	fd = create_tmp(mf);
	if (fd < 0) {
		fprintf(err, "oomtrace: --metrics-file '%s': cannot create a file in '%s': %s\n",
			path, mf->dir, strerror(errno));
		goto err_free;
	}
	close(fd);
	unlink(mf->tmp);
	return mf;

err_nomem:
	fprintf(err, "oomtrace: --metrics-file: out of memory\n");
	free(copy);
err_free:
	metrics_file__free(mf);
	return NULL;
}

const char *metrics_file__path(const struct metrics_file *mf)
{
	return mf->path;
}

/* A crash after rename must not leave an empty file: fsync the data, then the name. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int metrics_file__write(struct metrics_file *mf, struct metrics *m)
{
	size_t len;
	char *buf = metrics__render(m, &len);
	int fd, err;

	if (!buf)
		return -ENOMEM;
	fd = create_tmp(mf);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	err = outfile__write_all(fd, buf, len);
	free(buf);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(mf->tmp, mf->path))
		err = -errno;
	if (err) {
		unlink(mf->tmp);
		return err;
	}
	sync_dir(mf->dir);
	return 0;
}
