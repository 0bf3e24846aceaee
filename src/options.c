// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "oomtrace.h"
#include "options.h"

/* clang-format off: one option a line */
static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "cgroup", required_argument, NULL, 'c' },
	{ "hooks", required_argument, NULL, 'H' },
	{ "reclaim-stalls", required_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{},
};
/* clang-format on */

void options__usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"Trace every OOM kill on this host as it happens: victim, badness points,\n"
		"invoker, gfp mask and order, the memory cgroup that hit its limit, and the\n"
		"kernel stack that led there.\n"
		"\n"
		"Options:\n"
		"  -c, --cgroup PATH   only kills and reclaim in memory cgroup PATH or below it;\n"
		"                      PATH as the kernel prints it (/kubepods.slice) or\n"
		"                      under a cgroup mount (/sys/fs/cgroup/kubepods.slice);\n"
		"                      repeat it for several subtrees\n"
		"  -j, --json          JSON Lines on stdout, one object per record\n"
		"  -H, --hooks KIND    capture oom_control with KIND only: fentry, kprobe or\n"
		"                      tracepoint (default: the best this kernel allows)\n"
		"  -r, --reclaim-stalls MS\n"
		"                      also stream reclaim episodes (direct or memcg) that\n"
		"                      stalled their task for at least MS ms (0: all)\n"
		"  -v, --verbose       diagnostics on stderr, including hook choices\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the version\n"
		"\n"
		"Examples:\n"
		"  sudo %s                       # human-readable blocks\n"
		"  sudo %s --json | jq .victim   # machine-readable\n"
		"  sudo %s --cgroup /kubepods.slice  # one subtree, filtered in the kernel\n"
		"  sudo %s -v --hooks tracepoint # force the tracepoint-only tier\n"
		"  sudo %s --reclaim-stalls 100  # and reclaim stalls of 100 ms or more\n"
		"\n"
		"Exit status: 0 done (Ctrl-C, SIGTERM or a closed pipe), 1 failed to load,\n"
		"attach or write, 2 bad command line.\n",
		prog, prog, prog, prog, prog, prog);
}

/* A whole number of milliseconds from 0 to a day; -1 if it is not one. */
static long parse_ms(const char *arg)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 86400000L)
		return -1;
	return v;
}

static int parse_hooks(const char *arg)
{
	if (!strcmp(arg, "fentry"))
		return HOOK_FENTRY;
	if (!strcmp(arg, "kprobe"))
		return HOOK_KPROBE;
	if (!strcmp(arg, "tracepoint"))
		return HOOK_TRACEPOINT;
	return -2;
}

int options__parse(int argc, char **argv, struct options *opts, FILE *err)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->hooks = HOOKS_AUTO;
	opts->reclaim_stalls_ms = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:jH:r:vhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j': opts->json = true; break;
		case 'H':
			opts->hooks = parse_hooks(optarg);
			if (opts->hooks == -2) {
				fprintf(err,
					"oomtrace: --hooks takes fentry, kprobe or tracepoint, not "
					"'%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			if (opts->nr_cgroups == OOMT_MAX_FILTERS) {
				fprintf(err, "oomtrace: at most %d --cgroup options\n",
					OOMT_MAX_FILTERS);
				return EXIT_USAGE;
			}
			if (!*optarg) {
				fprintf(err, "oomtrace: --cgroup needs a path, not ''\n");
				return EXIT_USAGE;
			}
			opts->cgroups[opts->nr_cgroups++] = optarg;
			break;
		case 'r':
			opts->reclaim_stalls_ms = parse_ms(optarg);
			if (opts->reclaim_stalls_ms < 0) {
				fprintf(err,
					"oomtrace: --reclaim-stalls takes milliseconds from 0 to "
					"86400000, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'v': opts->verbose = true; break;
		case 'h': opts->help = true; break;
		case 'V': opts->version = true; break;
		case ':':
			fprintf(err, "oomtrace: option '%s' needs a value\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(err, "oomtrace: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(err, "oomtrace: unexpected argument '%s' (see --help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}
