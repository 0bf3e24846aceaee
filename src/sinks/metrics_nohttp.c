// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * metrics_http for the static build.  Debian's libmicrohttpd.a is built
 * with HTTPS and needs GnuTLS, whose static archive needs p11-kit, which
 * Debian ships as a shared library only: oomtrace-static cannot hold the
 * HTTP server, and says so when asked for it.  --metrics-file still works.
 */
#include <errno.h>
#include "metrics_http.h"
#include "options.h"

struct metrics_http *metrics_http__listen(const char *spec, FILE *err, int *exit_code)
{
	fprintf(err,
		"oomtrace: --metrics '%s': this static build has no HTTP server (libmicrohttpd "
		"cannot be linked statically on Debian); use --metrics-file PATH with "
		"node_exporter's textfile collector, or the dynamically linked oomtrace\n",
		spec);
	*exit_code = EXIT_USAGE;
	errno = ENOTSUP;
	return NULL;
}

int metrics_http__start(struct metrics_http *h, struct metrics *m)
{
	return -ENOTSUP;
}

void metrics_http__free(struct metrics_http *h)
{
}
