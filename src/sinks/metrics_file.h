/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --metrics-file PATH: the exposition as a file for node_exporter's
 * textfile collector, replaced atomically (a temporary file in the same
 * directory, fsync, rename) so the collector never reads half of one.
 */
#ifndef __OOMTRACE_METRICS_FILE_H
#define __OOMTRACE_METRICS_FILE_H

#include <stdio.h>

struct metrics;
struct metrics_file;

/*
 * Checks that a file can be created beside PATH (by creating and removing
 * the temporary one) and that PATH is not a directory.  NULL after saying
 * why on err.
 */
struct metrics_file *metrics_file__open(const char *path, FILE *err);
/* Render m and replace the file with it: 0 or -errno. */
int metrics_file__write(struct metrics_file *mf, struct metrics *m);
const char *metrics_file__path(const struct metrics_file *mf);
void metrics_file__free(struct metrics_file *mf);

#endif
