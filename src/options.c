// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "color.h"
#include "oomtrace.h"
#include "options.h"

/* long options without a short one */
enum {
	OPT_METRICS = 0x100,
	OPT_METRICS_FILE,
	OPT_COLOR,
	OPT_RECORD,
	OPT_SUMMARY_ONLY,
	OPT_NO_SELF_PROTECT,
};

/* clang-format off: one option a line */
static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "cgroup", required_argument, NULL, 'c' },
	{ "hooks", required_argument, NULL, 'H' },
	{ "reclaim-stalls", required_argument, NULL, 'r' },
	{ "output", required_argument, NULL, 'o' },
	{ "btf", required_argument, NULL, 'B' },
	{ "ringbuf-size", required_argument, NULL, 'R' },
	{ "source", required_argument, NULL, 'S' },
	{ "input", required_argument, NULL, 'I' },
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'C' },
	{ "limit", required_argument, NULL, 'n' },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "metrics-file", required_argument, NULL, OPT_METRICS_FILE },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "summary-only", no_argument, NULL, OPT_SUMMARY_ONLY },
	{ "no-self-protect", no_argument, NULL, OPT_NO_SELF_PROTECT },
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
		"       %s top [--cgroup PATH]... [--json] [--interval S [--count N]] [--limit N]\n"
		"       %s report FILE [--json] [--reclaim-stalls MS] [--cgroup PATH]...\n"
		"                [--summary-only] [--output FILE]\n"
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
		"  -o, --output FILE   records to FILE (appended; created mode 0640; a symlink\n"
		"                      or anything but a regular file is refused)\n"
		"  -B, --btf FILE      kernel BTF from FILE (as BTFHub provides) for kernels\n"
		"                      without /sys/kernel/btf/vmlinux\n"
		"  -R, --ringbuf-size KIB\n"
		"                      each ring buffer's size (kills have one, streamed reclaim\n"
		"                      stalls the other), a power of two from 4 (at least a\n"
		"                      page) to 2097152 (default 256)\n"
		"      --metrics [ADDR:]PORT\n"
		"                      serve Prometheus metrics at http://ADDR:PORT/metrics;\n"
		"                      ADDR is 127.0.0.1 unless given (0.0.0.0:PORT for all\n"
		"                      IPv4 addresses, [::]:PORT for all); not in oomtrace-static\n"
		"      --metrics-file PATH\n"
		"                      the same metrics in PATH, for node_exporter's textfile\n"
		"                      collector (replaced atomically, at most once a second)\n"
		"  -S, --source SRC    bpf, kmsg (the kernel's OOM reports in /dev/kmsg) or auto:\n"
		"                      BPF, else the kernel log when BPF cannot be loaded\n"
		"                      (no privilege, no BTF, lockdown) (default auto)\n"
		"  -I, --input FILE    parse OOM reports from saved kernel log text (dmesg,\n"
		"                      journalctl -k, syslog, /dev/kmsg records; - for stdin),\n"
		"                      print their records and exit; implies --source kmsg\n"
		"      --record FILE   also keep every record, with what it was printed with, in\n"
		"                      FILE (appended; created 0640; the rules of --output),\n"
		"                      for 'oomtrace report' on any machine\n"
		"      --no-self-protect\n"
		"                      leave oom_score_adj and memory as they are; by default a\n"
		"                      live oomtrace sets its oom_score_adj to -1000 and locks\n"
		"                      its memory (mlockall) where allowed: a global OOM\n"
		"                      spares it and cannot page it out\n"
		"  -v, --verbose       diagnostics on stderr, including hook choices\n"
		"      --color WHEN    colour text output (every mode): auto (the default: on a\n"
		"                      terminal, unless NO_COLOR is set or TERM is dumb),\n"
		"                      always or never; JSON is never coloured\n"
		"\n"
		"oomtrace top: rank processes now by the OOM killer's badness points, with\n"
		"their parts, the kernel's oom_score, memcg and container; who dies next.\n"
		"  -c, --cgroup PATH   only processes in PATH or below it (their memcg's limit\n"
		"                      is the domain when one PATH has a limit)\n"
		"  -j, --json          one JSON object per refresh\n"
		"  -i, --interval S    refresh every S seconds (default: once)\n"
		"  -C, --count N       stop after N refreshes\n"
		"  -n, --limit N       show N processes (default 20)\n"
		"\n"
		"oomtrace report FILE: print a --record FILE again, as the live run printed it,\n"
		"then its summary; needs no privilege and no BPF.\n"
		"  -j, --json          JSON Lines, as --json printed them\n"
		"  -r, --reclaim-stalls MS\n"
		"                      also the reclaim episodes that stalled a task >= MS ms\n"
		"  -c, --cgroup PATH   only records of memory cgroup PATH or below it, as the\n"
		"                      recording names them (/kubepods.slice); repeatable\n"
		"      --summary-only  the summary alone\n"
		"  -o, --output FILE   to FILE (appended; the rules above)\n"
		"\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the version\n"
		"\n"
		"Examples:\n"
		"  sudo %s                       # human-readable blocks\n"
		"  sudo %s --json | jq .victim   # machine-readable\n"
		"  sudo %s --cgroup /kubepods.slice  # one subtree, filtered in the kernel\n"
		"  sudo %s -v --hooks tracepoint # force the tracepoint-only tier\n"
		"  sudo %s --reclaim-stalls 100  # and reclaim stalls of 100 ms or more\n"
		"  sudo %s top -i 2 -n 10        # the ten likeliest victims, every 2 s\n"
		"  sudo %s --record oom.rec      # print, and keep it for a post-mortem\n"
		"  %s report oom.rec --json      # print it again, anywhere\n"
		"  %s --input /var/log/kern.log --json  # kills in a saved log\n"
		"\n"
		"Exit status: 0 done (Ctrl-C, SIGTERM, SIGHUP or a closed pipe), 1 failed to\n"
		"load, attach, read /dev/kmsg, bind --metrics or write, 2 bad command line or\n"
		"an --input that is missing or not text, 3 not privileged (needs CAP_BPF and\n"
		"CAP_PERFMON, or CAP_SYS_ADMIN; the kernel log, CAP_SYSLOG), 4 no kernel BTF\n"
		"(see --btf).\n",
		prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog, prog);
}

/* A whole number from lo to hi; -1 if it is not one. */
static long parse_long(const char *arg, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < lo || v > hi)
		return -1;
	return v;
}

/* Seconds, 0.1 to a day; -1 if not. */
static double parse_seconds(const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0.1 && v <= 86400))
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

static int bad_value(FILE *err, const char *opt, const char *want, const char *got)
{
	fprintf(err, "oomtrace: %s takes %s, not '%s'\n", opt, want, got);
	return EXIT_USAGE;
}

/* Options that make sense in one mode only. */
static int check_mode(const struct options *o, FILE *err)
{
	if (o->mode == MODE_TOP && (o->hooks != HOOKS_AUTO || o->reclaim_stalls_ms >= 0 ||
				    o->output || o->btf || o->ringbuf_kib != 256)) {
		fprintf(err,
			"oomtrace: --hooks, --reclaim-stalls, --output, --btf and --ringbuf-size "
			"are for tracing, not top\n");
		return EXIT_USAGE;
	}
	if (o->mode != MODE_TRACE && (o->metrics || o->metrics_file)) {
		fprintf(err, "oomtrace: --metrics and --metrics-file are for tracing\n");
		return EXIT_USAGE;
	}
	if (o->mode == MODE_TRACE && (o->interval_s || o->count || o->limit != 20)) {
		fprintf(err, "oomtrace: --interval, --count and --limit are for 'oomtrace top'\n");
		return EXIT_USAGE;
	}
	if (o->mode == MODE_TOP && (o->source || o->input)) {
		fprintf(err, "oomtrace: --source and --input are for tracing, not top\n");
		return EXIT_USAGE;
	}
	if (o->source == SOURCE_KMSG && (o->hooks != HOOKS_AUTO || o->reclaim_stalls_ms >= 0 ||
					 o->btf || o->ringbuf_kib != 256)) {
		/* the kernel log tells of kills only: no reclaim, no hooks */
		fprintf(err, "oomtrace: --hooks, --reclaim-stalls, --btf and --ringbuf-size need "
			     "BPF, not --source kmsg or --input\n");
		return EXIT_USAGE;
	}
	if ((o->source == SOURCE_KMSG || o->input) && o->record) {
		/* a recording holds BPF records: refuse rather than ignore */
		fprintf(err, "oomtrace: --record needs the BPF source, not --source kmsg or "
			     "--input\n");
		return EXIT_USAGE;
	}
	if (o->input && (o->metrics || o->metrics_file)) {
		fprintf(err, "oomtrace: --metrics and --metrics-file follow a live source, not "
			     "--input\n");
		return EXIT_USAGE;
	}
	if (o->record && o->mode != MODE_TRACE) {
		fprintf(err, "oomtrace: --record is for tracing\n");
		return EXIT_USAGE;
	}
	if (o->no_self_protect && (o->mode != MODE_TRACE || o->input)) {
		/* refused rather than ignored, as for every option of another mode */
		fprintf(err, "oomtrace: --no-self-protect is for live tracing: top, report and "
			     "--input do not protect themselves\n");
		return EXIT_USAGE;
	}
	if (o->summary_only && o->mode != MODE_REPORT) {
		fprintf(err, "oomtrace: --summary-only is for 'oomtrace report'\n");
		return EXIT_USAGE;
	}
	if (o->mode == MODE_REPORT && (o->source || o->input)) {
		fprintf(err, "oomtrace: --source and --input are for tracing, not report\n");
		return EXIT_USAGE;
	}
	if (o->mode == MODE_REPORT && (o->hooks != HOOKS_AUTO || o->btf || o->ringbuf_kib != 256 ||
				       o->interval_s || o->count || o->limit != 20)) {
		fprintf(err, "oomtrace: --hooks, --btf, --ringbuf-size, --interval, --count and "
			     "--limit are not for 'oomtrace report'\n");
		return EXIT_USAGE;
	}
	if (o->count && !o->interval_s) {
		fprintf(err, "oomtrace: --count needs --interval\n");
		return EXIT_USAGE;
	}
	return 0;
}

int options__parse(int argc, char **argv, struct options *opts, FILE *err)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->hooks = HOOKS_AUTO;
	opts->reclaim_stalls_ms = -1;
	opts->limit = 20;
	opts->ringbuf_kib = 256;
	optind = 1;
	opterr = 0;
	if (argc > 1 && !strcmp(argv[1], "top")) {
		opts->mode = MODE_TOP;
		optind = 2;
	} else if (argc > 1 && !strcmp(argv[1], "report")) {
		opts->mode = MODE_REPORT;
		optind = 2;
	}
	while ((c = getopt_long(argc, argv, ":c:jH:r:o:B:R:S:I:i:C:n:vhV", long_opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'j': opts->json = true; break;
		case 'H':
			opts->hooks = parse_hooks(optarg);
			if (opts->hooks == -2) {
				fprintf(err,
					"oomtrace: --hooks takes fentry, kprobe or "
					"tracepoint, not "
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
		case 'o': opts->output = optarg; break;
		case 'B': opts->btf = optarg; break;
		case 'R':
			/* the map's size is a __u32 of bytes: 2 GiB is the largest power of two */
			opts->ringbuf_kib = parse_long(optarg, 4, 1L << 21);
			if (opts->ringbuf_kib < 0 || (opts->ringbuf_kib & (opts->ringbuf_kib - 1)))
				return bad_value(err, "--ringbuf-size",
						 "a power of two from 4 to 2097152 KiB", optarg);
			if (opts->ringbuf_kib * 1024 < sysconf(_SC_PAGESIZE)) {
				fprintf(err,
					"oomtrace: --ringbuf-size '%s': the ring buffer must hold at "
					"least one page (%ld KiB here)\n",
					optarg, sysconf(_SC_PAGESIZE) / 1024);
				return EXIT_USAGE;
			}
			break;
		case 'i':
			opts->interval_s = parse_seconds(optarg);
			if (opts->interval_s < 0)
				return bad_value(err, "--interval", "seconds from 0.1 to 86400",
						 optarg);
			break;
		case 'C':
			opts->count = parse_long(optarg, 1, 1000000000L);
			if (opts->count < 0)
				return bad_value(err, "--count", "a whole number from 1", optarg);
			break;
		case 'n':
			opts->limit = parse_long(optarg, 1, 100000);
			if (opts->limit < 0)
				return bad_value(err, "--limit", "a whole number from 1 to 100000",
						 optarg);
			break;
		case 'r':
			opts->reclaim_stalls_ms = parse_long(optarg, 0, 86400000L);
			if (opts->reclaim_stalls_ms < 0)
				return bad_value(err, "--reclaim-stalls",
						 "milliseconds from 0 to 86400000", optarg);
			break;
		case OPT_METRICS: opts->metrics = optarg; break;
		case OPT_METRICS_FILE: opts->metrics_file = optarg; break;
		case OPT_COLOR:
			if (color__parse(optarg) < 0)
				return bad_value(err, "--color", "auto, always or never", optarg);
			opts->color = color__parse(optarg);
			break;
		case 'S':
			if (!strcmp(optarg, "auto"))
				opts->source = SOURCE_AUTO;
			else if (!strcmp(optarg, "bpf"))
				opts->source = SOURCE_BPF;
			else if (!strcmp(optarg, "kmsg"))
				opts->source = SOURCE_KMSG;
			else
				return bad_value(err, "--source", "bpf, kmsg or auto", optarg);
			break;
		case 'I':
			if (!*optarg)
				return bad_value(err, "--input", "a file name or -", optarg);
			opts->input = optarg;
			break;
		case OPT_RECORD: opts->record = optarg; break;
		case OPT_SUMMARY_ONLY: opts->summary_only = true; break;
		case OPT_NO_SELF_PROTECT: opts->no_self_protect = true; break;
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
	if (opts->mode == MODE_REPORT && !opts->help && !opts->version) {
		if (optind == argc) {
			fprintf(err, "oomtrace: report needs the FILE that --record wrote\n");
			return EXIT_USAGE;
		}
		opts->report_file = argv[optind++];
	}
	if (optind < argc) {
		fprintf(err, "oomtrace: unexpected argument '%s' (see --help)\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (opts->input && opts->source == SOURCE_BPF) {
		fprintf(err, "oomtrace: --input FILE is read with --source kmsg, not bpf\n");
		return EXIT_USAGE;
	}
	if (opts->input)
		opts->source = SOURCE_KMSG;
	return check_mode(opts, err);
}
