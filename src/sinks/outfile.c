// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "outfile.h"

int outfile__open_fd(const char *opt, const char *path)
{
	struct stat st;
	int fd, err;

	/* O_NONBLOCK: a FIFO without a reader fails (ENXIO) instead of hanging here */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0640);
	if (fd < 0 && errno != ENXIO) {
		err = -errno;
		fprintf(stderr, "oomtrace: %s '%s': %s\n", opt, path,
			err == -ELOOP ? "is a symbolic link: refused" : strerror(-err));
		return err;
	}
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, O_APPEND) < 0) {
		fprintf(stderr, "oomtrace: %s '%s': not a regular file: refused\n", opt, path);
		if (fd >= 0)
			close(fd);
		return -EINVAL;
	}
	return fd;
}

int outfile__check_apart(int fd_a, const char *a, int fd_b, const char *b)
{
	struct stat sa, sb;

	if (fstat(fd_a, &sa) || fstat(fd_b, &sb) || !S_ISREG(sa.st_mode) ||
	    sa.st_dev != sb.st_dev || sa.st_ino != sb.st_ino)
		return 0;
	fprintf(stderr, "oomtrace: %s and %s are the same file: refused\n", a, b);
	return -EINVAL;
}

int outfile__write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= n;
	}
	return 0;
}

int outfile__flush(FILE *f)
{
	if (fflush(f) == EOF || ferror(f))
		return -errno ?: -EIO;
	return 0;
}

int outfile__open(const char *path, FILE **out)
{
	int fd, err;

	*out = stdout;
	if (!path)
		return 0;
	fd = outfile__open_fd("--output", path);
	if (fd < 0)
		return fd;
	*out = fdopen(fd, "a");
	if (!*out) {
		err = -errno;
		close(fd);
		*out = stdout;
		return err;
	}
	return 0;
}
