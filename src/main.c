// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * oomtrace: explain every OOM kill on this host as it happens.
 *   BPF (bpf/oomtrace.bpf.c) -> ring buffer -> tracer.c -> report.c -> output.c
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "options.h"
#include "top.h"
#include "tracer.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed pipe shows up as EPIPE on write, and ends the run cleanly */
	signal(SIGPIPE, SIG_IGN);
}

int main(int argc, char **argv)
{
	struct options opts;
	struct tracer *t;
	int ret;

	ret = options__parse(argc, argv, &opts, stderr);
	if (ret)
		return ret;
	if (opts.help) {
		options__usage(stdout, "oomtrace");
		return EXIT_OK;
	}
	if (opts.version) {
		printf("oomtrace %s\n", OOMTRACE_VERSION);
		return EXIT_OK;
	}

	setup_signals();
	if (opts.mode == MODE_TOP)
		return top__run(&opts, &stop);
	t = tracer__new(&opts, &ret);
	if (!t)
		return ret;
	fprintf(stderr, "Tracing OOM kills (%s)... Hit Ctrl-C to end.\n", tracer__hooks(t));
	ret = tracer__run(t, &stop);
	tracer__summary(t, stderr);
	tracer__free(t);
	return ret;
}
