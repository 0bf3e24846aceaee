// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Allocate and touch anonymous memory until the OOM killer ends us.
 * Run it only inside a memory cgroup with a limit.
 *   oom-trigger [--step MIB] [--max MIB] [--delay-ms MS] [--hold]
 * Exits 3 if --max MiB were touched and nobody killed it; with --hold it
 * keeps them and waits for a signal instead (a process of known size).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* the chunks stay reachable, so no compiler can drop the stores */
static char *volatile sink[65536];

static long parse_mib(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v <= 0 || v > 1 << 20) {
		fprintf(stderr, "oom-trigger: %s must be a number of MiB from 1 to 1048576\n",
			what);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "step", required_argument, NULL, 's' },
		{ "max", required_argument, NULL, 'm' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "hold", no_argument, NULL, 'H' },
		{},
	};
	long step = 1, max = 4096, delay_ms = 0, done = 0, i = 0;
	int c, hold = 0;

	while ((c = getopt_long(argc, argv, "s:m:d:H", opts, NULL)) != -1) {
		switch (c) {
		case 's': step = parse_mib(optarg, "--step"); break;
		case 'm': max = parse_mib(optarg, "--max"); break;
		case 'd': delay_ms = parse_mib(optarg, "--delay-ms"); break;
		case 'H': hold = 1; break;
		default: return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("oom-trigger: pid %d touching %ld MiB steps up to %ld MiB\n", getpid(), step, max);
	while (done < max && i < (long)(sizeof(sink) / sizeof(sink[0]))) {
		char *p = malloc(step << 20);

		if (!p) {
			fprintf(stderr, "oom-trigger: malloc failed after %ld MiB\n", done);
			return 1;
		}
		memset(p, 0x5a, step << 20);
		sink[i++] = p;
		done += step;
		if (delay_ms) {
			struct timespec ts = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	if (hold) {
		printf("oom-trigger: holding %ld MiB\n", done);
		for (;;)
			pause();
	}
	fprintf(stderr, "oom-trigger: touched %ld MiB and was not killed\n", done);
	return 3;
}
