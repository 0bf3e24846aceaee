// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark helpers, one binary:
 *   stamp               prefix each stdin line with CLOCK_MONOTONIC ns on arrival
 *   ready TEXT CMD...   run CMD, print ms from exec to its first output line
 *                       (stdout or stderr) that contains TEXT, then SIGINT
 *                       it; "timeout" after 30 s
 *   floor TP...         attach a do-nothing raw_tp program to each tracepoint
 *                       TP, print "ready", hold them until SIGINT: the cost
 *                       of any program at all on that tracepoint
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int stamp(void)
{
	char line[65536];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin))
		printf("%lld %s", now_ns(), line);
	return 0;
}

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	timed_out = 1;
}

static int ready(const char *pattern, char **cmd)
{
	int fds[2], status;
	long long t0;
	char line[4096];
	FILE *f;
	pid_t pid;

	if (pipe(fds))
		return 1;
	t0 = now_ns();
	pid = fork();
	if (pid == 0) {
		/* a shell's background jobs ignore SIGINT: the tracer must not */
		signal(SIGINT, SIG_DFL);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(fds[1]);
	/* a tracer that never gets ready must not hang the benchmark */
	signal(SIGALRM, SIG_IGN);
	alarm(0);
	f = fdopen(fds[0], "r");
	if (f) {
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: fgets returns */
		alarm(30);
	}
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, pattern)) {
			printf("%.3f\n", (now_ns() - t0) / 1e6);
			break;
		}
	}
	alarm(0);
	if (timed_out)
		printf("timeout\n");
	kill(pid, SIGINT);
	/* drain, so that the child never blocks on a full pipe while exiting;
	 * one that will not exit in 10 s is killed */
	alarm(10);
	while (f && !feof(f) && fgets(line, sizeof(line), f))
		;
	alarm(0);
	if (waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	return 0;
}

static int floor_progs(char **tps, int n)
{
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < n; i++) {
		char name[16];
		int prog;

		/* named as bpftrace names its programs: the tracepoint, cut to 15 */
		snprintf(name, sizeof(name), "%s", tps[i]);
		prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, name, "GPL", ret0, 2, NULL);
		if (prog < 0 || bpf_raw_tracepoint_open(tps[i], prog) < 0) {
			perror(tps[i]);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "stamp"))
		return stamp();
	if (argc >= 4 && !strcmp(argv[1], "ready"))
		return ready(argv[2], argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "floor"))
		return floor_progs(argv + 2, argc - 2);
	fprintf(stderr, "usage: %s stamp | ready PATTERN CMD... | floor TRACEPOINT...\n", argv[0]);
	return 2;
}
