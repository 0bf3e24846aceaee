/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * --metrics ADDR:PORT: GET /metrics over HTTP, served by libmicrohttpd on
 * its own thread.  The socket is bound before any BPF is loaded, so a bad
 * address or a port in use stops the run early; the server starts once
 * the hooks are attached.
 */
#ifndef __OOMTRACE_METRICS_HTTP_H
#define __OOMTRACE_METRICS_HTTP_H

#include <stdio.h>

struct metrics;
struct metrics_http;

/*
 * Bind and listen as spec says (see metrics__parse_listen).  NULL after
 * saying why on err, with *exit_code EXIT_USAGE (a bad or unresolvable
 * spec) or EXIT_FAILURE_RUNTIME (the bind failed: port in use, address
 * not on this host, a privileged port).
 */
struct metrics_http *metrics_http__listen(const char *spec, FILE *err, int *exit_code);
/* Serve m from now on; -errno if the server thread would not start. */
int metrics_http__start(struct metrics_http *h, struct metrics *m);
/* Stops the server thread, closes the socket; NULL is fine. */
void metrics_http__free(struct metrics_http *h);

#endif
