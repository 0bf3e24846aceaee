// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include "host.h"
#include "self_protect.h"

/* Linux 4.4; glibc's <sys/mman.h> names it from 2.27 on */
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

#define ADJ_PATH	  "/proc/self/oom_score_adj"
#define OOM_SCORE_ADJ_MIN (-1000) /* oom_badness() never picks such a task */
#define OOMT_CAP_IPC_LOCK 14	  /* <linux/capability.h> */

/* What self_protect__apply() did, and why not where it did not. */
struct protection {
	int old_adj;
	int adj_err; /* 0, or negative errno of the write */
	int lock;    /* the mlockall() flags that held, or 0 */
	int lock_err;
	char lock_why[96];
};

static int read_adj(int *adj)
{
	FILE *f = fopen(ADJ_PATH, "re");
	int n, err = 0;

	if (!f)
		return -errno;
	n = fscanf(f, "%d", adj);
	if (n != 1)
		err = n == EOF && ferror(f) ? -errno : -EINVAL;
	fclose(f);
	return err;
}

static void set_adj(struct protection *p)
{
	int fd, err = read_adj(&p->old_adj);

	if (err)
		p->old_adj = 0; /* unknown: the write below says whether it took */
	else if (p->old_adj == OOM_SCORE_ADJ_MIN)
		return; /* OOMScoreAdjust=-1000, or a parent's */
	fd = open(ADJ_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "-1000", 5) != 5)
		p->adj_err = -errno;
	if (fd >= 0)
		close(fd);
}

/*
 * Locked is what it must be only as far as it cannot starve the tracer:
 * under a finite RLIMIT_MEMLOCK without CAP_IPC_LOCK, MCL_FUTURE counts
 * every later mapping whole against the limit, touched or not, and a
 * thread's stack or a BPF map's mmap() would fail.  Better unlocked.
 */
static void lock_memory(struct protection *p)
{
	struct rlimit rl;

	if (!host__has_cap(OOMT_CAP_IPC_LOCK) && !getrlimit(RLIMIT_MEMLOCK, &rl) &&
	    rl.rlim_cur != RLIM_INFINITY) {
		p->lock_err = -EPERM;
		snprintf(p->lock_why, sizeof(p->lock_why),
			 "RLIMIT_MEMLOCK is %llu KiB and there is no CAP_IPC_LOCK",
			 (unsigned long long)rl.rlim_cur / 1024);
		return;
	}
	/* MCL_ONFAULT: resident pages stay, untouched ones (stacks, reservations) cost nothing */
	if (!mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) {
		p->lock = MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT;
		return;
	}
	/*
	 * Before 4.4 (EINVAL): MCL_FUTURE alone would fault in every later
	 * mapping whole, each thread's 8 MiB stack with it; lock what is
	 * mapped now and no more.
	 */
	if (errno == EINVAL && !mlockall(MCL_CURRENT)) {
		p->lock = MCL_CURRENT;
		return;
	}
	p->lock_err = -errno;
	snprintf(p->lock_why, sizeof(p->lock_why), "mlockall: %s", strerror(errno));
}

/* "oom_score_adj stays 0 (...)", for the warning */
static void adj_refusal(const struct protection *p, char *buf, size_t size)
{
	snprintf(buf, size, "oom_score_adj stays %d (%s%s)", p->old_adj,
		 p->adj_err == -EACCES ? "lowering it needs CAP_SYS_RESOURCE or the unit's "
					 "OOMScoreAdjust=-1000: "
				       : "",
		 strerror(-p->adj_err));
}

static void warn_refused(const struct protection *p)
{
	char adj[160] = "";

	if (p->adj_err)
		adj_refusal(p, adj, sizeof(adj));
	fprintf(stderr, "oomtrace: warning: a global OOM may not spare oomtrace: %s%s%s%s\n", adj,
		p->adj_err && p->lock_err ? "; " : "", p->lock_err ? "memory not locked: " : "",
		p->lock_err ? p->lock_why : "");
}

static void say_applied(const struct protection *p)
{
	char adj[48];
	const char *lock = "memory not locked";

	if (p->adj_err)
		snprintf(adj, sizeof(adj), "oom_score_adj %d (not lowered)", p->old_adj);
	else if (p->old_adj == OOM_SCORE_ADJ_MIN)
		snprintf(adj, sizeof(adj), "oom_score_adj -1000 (already)");
	else
		snprintf(adj, sizeof(adj), "oom_score_adj %d -> -1000", p->old_adj);
	if (p->lock & MCL_ONFAULT)
		lock =
		    "memory locked as it is touched (mlockall MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT)";
	else if (p->lock)
		lock = "memory mapped now locked, later mappings not (mlockall MCL_CURRENT: the "
		       "kernel refused MCL_ONFAULT, which came in Linux 4.4)";
	fprintf(stderr, "oomtrace: self-protection: %s; %s\n", adj, lock);
}

int self_protect__apply(bool verbose)
{
	struct protection p = {};

	set_adj(&p);
	lock_memory(&p);
	if (p.adj_err || p.lock_err)
		warn_refused(&p);
	if (verbose)
		say_applied(&p);
	return p.adj_err ? p.adj_err : p.lock_err;
}

void self_protect__report_off(void)
{
	int adj;

	if (read_adj(&adj))
		fprintf(stderr, "oomtrace: self-protection off (--no-self-protect)\n");
	else
		fprintf(stderr,
			"oomtrace: self-protection off (--no-self-protect): oom_score_adj %d, "
			"memory not locked\n",
			adj);
}
