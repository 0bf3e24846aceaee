// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Allocate and touch anonymous memory until the OOM killer ends us.
 * Run it only inside a memory cgroup with a limit (or inside a VM).
 *   oom-trigger [--step MIB] [--max MIB] [--delay-ms MS] [--hold]
 *               [--threads N] [--bind-node NODE] [--exit-traced]
 *               [--slab LEAVE_MIB]
 * Exits 3 if --max MiB were touched and nobody killed it; with --hold it
 * keeps them and waits for a signal instead (a process of known size).
 * --threads N: N threads allocate at once, each up to its share of --max.
 * --bind-node NODE: an MPOL_BIND policy to that one NUMA node first.
 * --exit-traced: fork a child that touches --max MiB and exits, stop it
 * under ptrace at PTRACE_EVENT_EXIT (its mm still whole, its exit under
 * way), print its pid and wait for a signal: an OOM victim the kernel
 * marks without killing, because it is already exiting.
 * --slab LEAVE_MIB: fill the kernel's unreclaimable slab instead, one
 * byte a write into unix socket pairs (each write a socket buffer: a head
 * and its data, both kmalloc'd), until MemFree is down to LEAVE_MIB; then
 * print that it holds and wait for a signal: our end frees it all.  An
 * allocator's global OOM then has slab that outweighs the LRUs, which the
 * kernel's report lists cache by cache.  Exit 3 if no more files can be
 * opened first.  Not killed itself (run it at oom_score_adj -1000): a
 * victim's exit closes its files only after its mm is gone, and the OOM
 * killer would find nobody left to kill while they still hold the slab.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MPOL_BIND_MODE 2 /* MPOL_BIND in <linux/mempolicy.h> */
#define MAX_THREADS    64

/* the chunks stay reachable, so no compiler can drop the stores */
static char *volatile sink[65536];
static long sink_next;
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;

struct alloc_job {
	long step, max, delay_ms, done;
	int hold;
};

static long parse_num(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "oom-trigger: %s must be a number from %ld to %ld\n", what, lo,
			hi);
		exit(2);
	}
	return v;
}

static int keep(char *p)
{
	int ok;

	pthread_mutex_lock(&sink_lock);
	ok = sink_next < (long)(sizeof(sink) / sizeof(sink[0]));
	if (ok)
		sink[sink_next++] = p;
	pthread_mutex_unlock(&sink_lock);
	return ok;
}

static void *allocate(void *arg)
{
	struct alloc_job *job = arg;

	while (job->done < job->max) {
		char *p = malloc(job->step << 20);

		if (!p) {
			fprintf(stderr, "oom-trigger: malloc failed after %ld MiB\n", job->done);
			break;
		}
		memset(p, 0x5a, job->step << 20);
		if (!keep(p))
			break;
		job->done += job->step;
		if (job->delay_ms) {
			struct timespec ts = { job->delay_ms / 1000,
					       (job->delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	/* --hold: every thread stays, so the process keeps its thread count */
	while (job->hold)
		pause();
	return NULL;
}

/* every thread allocates its share; returns the MiB touched in all */
static long run_allocators(long threads, long step, long max, long delay_ms, int hold)
{
	struct alloc_job jobs[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	long done = 0, i;

	for (i = 0; i < threads; i++) {
		jobs[i] = (struct alloc_job){ step, max / threads + (i < max % threads), delay_ms, 0,
					      hold && i };
		if (i && pthread_create(&tids[i], NULL, allocate, &jobs[i])) {
			fprintf(stderr, "oom-trigger: cannot start thread %ld\n", i);
			exit(1);
		}
	}
	allocate(&jobs[0]);
	if (hold)
		return jobs[0].done; /* the others hold theirs, never joined */
	for (i = 1; i < threads; i++)
		pthread_join(tids[i], NULL);
	for (i = 0; i < threads; i++)
		done += jobs[i].done;
	return done;
}

static void bind_node(long node)
{
	unsigned long mask[16] = { 0 };

	mask[node / (8 * sizeof(long))] = 1UL << (node % (8 * sizeof(long)));
	/* no libnuma in the guest: the system call by number */
	if (syscall(SYS_set_mempolicy, MPOL_BIND_MODE, mask, 8 * sizeof(mask))) {
		fprintf(stderr, "oom-trigger: set_mempolicy(MPOL_BIND, node %ld): %s\n", node,
			strerror(errno));
		exit(1);
	}
}

static void *idle(void *arg)
{
	for (;;)
		pause();
	return arg;
}

/*
 * The child: stopped until the tracer has set its options, then it touches
 * its memory and exits.  A second thread makes exit_group() set
 * SIGNAL_GROUP_EXIT on every kernel (before 6.0 it did so only for a
 * process with more than one thread), which task_will_free_mem() wants.
 */
static void traced_child(long step, long max)
{
	pthread_t tid;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL)) {
		perror("oom-trigger: PTRACE_TRACEME");
		_exit(1);
	}
	raise(SIGSTOP);
	run_allocators(1, step, max, 0, 0);
	if (pthread_create(&tid, NULL, idle, NULL))
		_exit(1);
	exit(0);
}

static int exit_traced(long step, long max)
{
	int status;
	pid_t child = fork();

	if (child < 0) {
		perror("oom-trigger: fork");
		return 1;
	}
	if (!child)
		traced_child(step, max);
	if (waitpid(child, &status, 0) != child || !WIFSTOPPED(status)) {
		fprintf(stderr, "oom-trigger: child %d did not stop\n", child);
		return 1;
	}
	/* EXITKILL: should we die, the child finishes its exit, not stays */
	if (ptrace(PTRACE_SETOPTIONS, child, NULL,
		   (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)) ||
	    ptrace(PTRACE_CONT, child, NULL, NULL)) {
		perror("oom-trigger: ptrace");
		return 1;
	}
	for (;;) {
		if (waitpid(child, &status, __WALL) != child) {
			perror("oom-trigger: waitpid");
			return 1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			fprintf(stderr, "oom-trigger: child %d ended before its exit stop\n", child);
			return 1;
		}
		if (status >> 8 == (SIGTRAP | PTRACE_EVENT_EXIT << 8))
			break;
		/* any other stop: let it go on, passing its signal */
		ptrace(PTRACE_CONT, child, NULL, (void *)(long)WSTOPSIG(status));
	}
	printf("oom-trigger: child %d stopped in its exit with %ld MiB\n", child, max);
	for (;;)
		pause();
}

static long mem_free_mib(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

static int fill_slab(long leave_mib)
{
	struct rlimit nofile = { 1 << 20, 1 << 20 };
	long pairs = 0, writes = 0, free_mib;

	/* as many files as the kernel lets root have: each pair holds a socket buffer's worth */
	while (setrlimit(RLIMIT_NOFILE, &nofile) && nofile.rlim_cur > 1024)
		nofile.rlim_cur = nofile.rlim_max /= 2;
	printf("oom-trigger: pid %d filling slab through unix sockets (%lu files)\n", getpid(),
	       (unsigned long)nofile.rlim_cur);
	for (;;) {
		int sv[2];

		/* a pair holds about 200 KiB: looked at every 3 MiB or so */
		if (!(pairs % 16) && (free_mib = mem_free_mib()) >= 0 && free_mib <= leave_mib) {
			printf("oom-trigger: holding slab in %ld socket pairs, %ld MiB free\n", pairs,
			       free_mib);
			for (;;)
				pause();
		}
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
			fprintf(stderr, "oom-trigger: socketpair after %ld pairs, %ld writes: %s\n",
				pairs, writes, strerror(errno));
			return 3;
		}
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		while (write(sv[0], "x", 1) == 1)
			writes++;
		pairs++;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "step", required_argument, NULL, 's' },
		{ "max", required_argument, NULL, 'm' },
		{ "delay-ms", required_argument, NULL, 'd' },
		{ "hold", no_argument, NULL, 'H' },
		{ "threads", required_argument, NULL, 't' },
		{ "bind-node", required_argument, NULL, 'b' },
		{ "exit-traced", no_argument, NULL, 'x' },
		{ "slab", required_argument, NULL, 'S' },
		{},
	};
	long step = 1, max = 4096, delay_ms = 0, threads = 1, node = -1, done;
	long slab = -1;
	int c, hold = 0, traced = 0;

	while ((c = getopt_long(argc, argv, "s:m:d:Ht:b:xS:", opts, NULL)) != -1) {
		switch (c) {
		case 's': step = parse_num(optarg, "--step (MiB)", 1, 1 << 20); break;
		case 'm': max = parse_num(optarg, "--max (MiB)", 1, 1 << 20); break;
		case 'd': delay_ms = parse_num(optarg, "--delay-ms", 1, 1 << 20); break;
		case 'H': hold = 1; break;
		case 't': threads = parse_num(optarg, "--threads", 1, MAX_THREADS); break;
		case 'b': node = parse_num(optarg, "--bind-node", 0, 1023); break;
		case 'x': traced = 1; break;
		case 'S': slab = parse_num(optarg, "--slab (MiB left free)", 1, 1 << 20); break;
		default: return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (node >= 0)
		bind_node(node);
	if (traced)
		return exit_traced(step, max);
	if (slab >= 0)
		return fill_slab(slab);
	printf("oom-trigger: pid %d touching %ld MiB steps up to %ld MiB in %ld thread(s)\n",
	       getpid(), step, max, threads);
	done = run_allocators(threads, step, max, delay_ms, hold);
	if (hold) {
		printf("oom-trigger: holding %ld MiB (the main thread's share)\n", done);
		for (;;)
			pause();
	}
	fprintf(stderr, "oom-trigger: touched %ld MiB and was not killed\n", done);
	return 3;
}
