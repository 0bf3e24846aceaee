/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Where records go: stdout, or --output FILE opened safely. */
#ifndef __OOMTRACE_OUTFILE_H
#define __OOMTRACE_OUTFILE_H

#include <stdio.h>

/*
 * A file records are appended to (--output, --record): created 0640; the
 * last component must not be a symlink, and only a regular file will do
 * (not a FIFO, not a device).  The fd, or -errno after saying why on
 * stderr, naming the option opt.
 */
int outfile__open_fd(const char *opt, const char *path);
/* --output: path NULL is stdout.  0, or -errno after saying why. */
int outfile__open(const char *path, FILE **out);
/* All of buf to fd, through short writes and EINTR: 0, or -errno (-EIO for none). */
int outfile__write_all(int fd, const void *buf, size_t len);
/* Push records out now: 0, or -errno (-EIO if the stream set none). */
int outfile__flush(FILE *f);
/*
 * Two of our files that are one file (--record and --output, a report's
 * input and its --output) would corrupt each other: -EINVAL after saying
 * so, naming options a and b; 0 otherwise.
 */
int outfile__check_apart(int fd_a, const char *a, int fd_b, const char *b);

#endif
