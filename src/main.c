// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * oomtrace: explain every OOM kill on this host as it happens.
 *   BPF (bpf/oomtrace.bpf.c) -> ring buffer -> tracer.c -> report.c -> output.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "host.h"
#include "fallback.h"
#include "kmsg_source.h"
#include "options.h"
#include "replay.h"
#include "self_protect.h"
#include "top.h"
#include "tracer.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/*
 * A closed 0, 1 or 2 would be handed to the next file opened, and records
 * or diagnostics would land in it: hold them with /dev/null.  Says whether
 * stdout was closed.
 */
static bool guard_std_fds(void)
{
	bool stdout_closed = false;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) != fd)
			continue;
		stdout_closed |= fd == 1;
	}
	return stdout_closed;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* a closed pipe shows up as EPIPE on write, and ends the run cleanly */
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Once a live source is about to run: after the tracer's setup, so that a
 * refused load or --output is one message, not a warning and a message.
 * A replay (--input, report) watches no OOM and is left as it is.
 */
static void setup_self_protect(const struct options *opts)
{
	if (opts->input)
		return;
	if (opts->no_self_protect) {
		if (opts->verbose)
			self_protect__report_off();
		return;
	}
	self_protect__apply(opts->verbose);
}

/*
 * --source auto without BPF.  The kernel-log source keeps no --record file:
 * no fallback rather than a silent loss of it.
 */
static int fall_back(const struct options *opts, const char *why, int exit_code)
{
	if (opts->record) {
		fprintf(stderr,
			"oomtrace: %s; --record needs BPF, so no fallback to the kernel log\n",
			why);
		return exit_code;
	}
	setup_self_protect(opts);
	return kmsg_source__run(opts, &stop, why);
}

int main(int argc, char **argv)
{
	bool stdout_closed = guard_std_fds();
	struct options opts;
	struct tracer *t;
	const char *why;
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
	if (stdout_closed && !opts.output) {
		fprintf(stderr, "oomtrace: standard output is closed: records would be lost "
				"(give --output FILE)\n");
		return EXIT_FAILURE_RUNTIME;
	}
	if (opts.mode == MODE_REPORT)
		return replay__run(&opts);
	if (opts.source == SOURCE_KMSG) {
		setup_self_protect(&opts);
		return kmsg_source__run(&opts, &stop, NULL);
	}
	if (opts.source == SOURCE_AUTO && (why = fallback__why_not_bpf(&opts, &ret)))
		return fall_back(&opts, why, ret);
	if (!host__can_trace()) {
		fprintf(stderr,
			"oomtrace: needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN) to load "
			"BPF programs: run it as root, e.g. sudo oomtrace\n");
		return EXIT_NO_PRIVILEGE;
	}
	t = tracer__new(&opts, &ret);
	if (!t && opts.source == SOURCE_AUTO && fallback__after_failure(&opts, ret))
		return fall_back(&opts,
				 ret == EXIT_NO_HOOK
				     ? "the kernel would not load or attach any tier's BPF programs "
				       "(why: the line above)"
				     : "the kernel refused to load BPF",
				 ret == EXIT_NO_HOOK ? EXIT_FAILURE_RUNTIME : ret);
	if (!t)
		return ret == EXIT_NO_HOOK ? EXIT_FAILURE_RUNTIME : ret;
	setup_self_protect(&opts);
	fprintf(stderr, "Tracing OOM kills (%s)... Hit Ctrl-C to end.\n", tracer__hooks(t));
	ret = tracer__run(t, &stop);
	if (tracer__summary(t, stderr) && ret == EXIT_OK)
		ret = EXIT_FAILURE_RUNTIME;
	tracer__free(t);
	return ret;
}
