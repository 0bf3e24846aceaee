// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Benchmark helpers, one binary:
 *   stamp               prefix each stdin line with CLOCK_MONOTONIC ns on arrival
 *   ready TEXT CMD...   run CMD, print ms from exec to its first output line
 *                       (stdout or stderr) that contains TEXT, then SIGINT
 *                       it; "timeout" after 30 s
 *   floor [--clock|--stack|--wakeup] TP...
 *                       attach a raw_tp program to each tracepoint TP, print
 *                       "ready", hold them until SIGINT.  Bare, it does
 *                       nothing: the cost of any program at all on that
 *                       tracepoint.  With an option it does only that one
 *                       thing our programs cannot do without: read the
 *                       clock (a reclaim pass's start), take a 48-frame
 *                       kernel stack (a kill's), or submit an 8-byte record
 *                       with a wakeup to a reader waiting in epoll (a
 *                       kill's record arriving at once).
 *   sleepers N          fork N children that sleep in pause(), print
 *                       "ready N", and on SIGINT or SIGTERM end them, each
 *                       by its pid, and reap them: a crowd of cheap
 *                       processes in whatever memcg this one was put in.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

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

static int sleepers(long n)
{
	pid_t *pids = calloc(n, sizeof(*pids));
	sigset_t set;
	long i;

	if (!pids || n < 1) {
		fprintf(stderr, "sleepers: bad count %ld\n", n);
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	/* blocked before the forks, so that no child is left out of the ending */
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("sleepers: fork");
			break;
		}
		if (pids[i] == 0) {
			sigprocmask(SIG_UNBLOCK, &set, NULL);
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			for (;;)
				pause();
		}
	}
	if (i == n) {
		printf("ready %ld\n", n);
		fflush(stdout);
		while (sigwaitinfo(&set, NULL) < 0 && errno == EINTR)
			;
	}
	for (long j = 0; j < i; j++)
		kill(pids[j], SIGKILL);
	for (long j = 0; j < i; j++)
		waitpid(pids[j], NULL, 0);
	free(pids);
	return i == n ? 0 : 1;
}

/* raw instructions: the helper needs no BPF object of its own */
#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_IMM(d, i)	 INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_REG(d, s)	 INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD_IMM(d, i)	 INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define CALL(f)		 INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define EXIT()		 INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define FLOOR_STACK_BYTES (48 * 8) /* oomtrace's OOMT_MAX_STACK frames */

static int floor_insns(const char *kind, int rb_fd, struct bpf_insn *p)
{
	struct bpf_insn *start = p;

	if (!strcmp(kind, "--clock")) {
		*p++ = CALL(BPF_FUNC_ktime_get_ns);
	} else if (!strcmp(kind, "--stack")) {
		/* r1 is the context already */
		*p++ = MOV_REG(BPF_REG_2, BPF_REG_10);
		*p++ = ADD_IMM(BPF_REG_2, -FLOOR_STACK_BYTES);
		*p++ = MOV_IMM(BPF_REG_3, FLOOR_STACK_BYTES);
		*p++ = MOV_IMM(BPF_REG_4, 0);
		*p++ = CALL(BPF_FUNC_get_stack);
	} else if (!strcmp(kind, "--wakeup")) {
		*p++ = INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_FD, 0, rb_fd);
		*p++ = INSN(0, 0, 0, 0, 0);
		*p++ = MOV_IMM(BPF_REG_2, 8);
		*p++ = MOV_IMM(BPF_REG_3, 0);
		*p++ = CALL(BPF_FUNC_ringbuf_reserve);
		*p++ = JEQ_IMM(BPF_REG_0, 0, 3);
		*p++ = MOV_REG(BPF_REG_1, BPF_REG_0);
		*p++ = MOV_IMM(BPF_REG_2, BPF_RB_FORCE_WAKEUP);
		*p++ = CALL(BPF_FUNC_ringbuf_submit);
	} else if (kind[0]) {
		return -1;
	}
	*p++ = MOV_IMM(BPF_REG_0, 0);
	*p++ = EXIT();
	return p - start;
}

static int discard(void *ctx, void *data, size_t size)
{
	return 0;
}

static int floor_progs(const char *kind, char **tps, int n)
{
	struct ring_buffer *rb = NULL;
	struct bpf_insn insns[16];
	struct timespec now = { 0 };
	int nr_insns, rb_fd = -1;
	sigset_t set;

	if (!strcmp(kind, "--wakeup")) {
		rb_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "floor_rb", 0, 0, 64 * 1024, NULL);
		rb = rb_fd < 0 ? NULL : ring_buffer__new(rb_fd, discard, NULL, NULL);
		if (!rb) {
			perror("ring buffer");
			return 1;
		}
	}
	nr_insns = floor_insns(kind, rb_fd, insns);
	if (nr_insns < 0) {
		fprintf(stderr, "floor: unknown option %s\n", kind);
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < n; i++) {
		char name[16];
		int prog;

		/* named as bpftrace names its programs: the tracepoint, cut to 15 */
		snprintf(name, sizeof(name), "%s", tps[i]);
		prog =
		    bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, name, "GPL", insns, nr_insns, NULL);
		if (prog < 0 || bpf_raw_tracepoint_open(tps[i], prog) < 0) {
			perror(tps[i]);
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	if (!rb) {
		while (sigwaitinfo(&set, NULL) < 0 && errno == EINTR)
			; /* stopped and continued: keep holding the programs */
		return 0;
	}
	/* the reader waits in epoll, as oomtrace's does, until a signal */
	while (sigtimedwait(&set, NULL, &now) < 0) {
		int err = ring_buffer__poll(rb, 100);

		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "floor: ring buffer poll: %s\n", strerror(-err));
			ring_buffer__free(rb);
			return 1;
		}
	}
	ring_buffer__free(rb);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "stamp"))
		return stamp();
	if (argc == 3 && !strcmp(argv[1], "sleepers"))
		return sleepers(strtol(argv[2], NULL, 10));
	if (argc >= 4 && !strcmp(argv[1], "ready"))
		return ready(argv[2], argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "floor") && argv[2][0] == '-')
		return floor_progs(argv[2], argv + 3, argc - 3);
	if (argc >= 3 && !strcmp(argv[1], "floor") && argv[2][0] != '-')
		return floor_progs("", argv + 2, argc - 2);
	fprintf(stderr,
		"usage: %s stamp | sleepers N | ready PATTERN CMD... | floor "
		"[--clock|--stack|--wakeup] "
		"TRACEPOINT...\n",
		argv[0]);
	return 2;
}
