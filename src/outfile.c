// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "outfile.h"

int outfile__open(const char *path, FILE **out)
{
	struct stat st;
	int fd, err;

	*out = stdout;
	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0) {
		err = -errno;
		fprintf(stderr, "oomtrace: --output '%s': %s\n", path,
			err == -ELOOP ? "is a symbolic link: refused" : strerror(-err));
		return err;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "oomtrace: --output '%s': not a regular file: refused\n", path);
		close(fd);
		return -EINVAL;
	}
	*out = fdopen(fd, "a");
	if (!*out) {
		err = -errno;
		close(fd);
		return err;
	}
	return 0;
}
