// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "oomtrace.h"
#include "oomtrace.skel.h"
#include "vmlinux_btf.h"
#include "not_gone.h"
#include "weigh_iter.h"
#include "aftermath.h"
#include "attach.h"
#include "cgroups.h"
#include "exporter.h"
#include "gfp.h"
#include "host.h"
#include "ksyms.h"
#include "outfile.h"
#include "output.h"
#include "reclaim_totals.h"
#include "reconcile.h"
#include "record.h"
#include "decode.h"
#include "pipeline.h"
#include "queue.h"
#include "stats.h"
#include "tracer.h"

/* the kernel's reclaim totals are read again at most this often (and at exit) */
#define RECLAIM_READ_NS 1000000000ULL
/* the victims map's size: every victim marked and not yet exited */
#define MAX_MARKED 4096
/*
 * Records drained from the ring buffers and waiting for enrichment: a
 * storm's worth, about 300 kill records (3 KiB each) or many more of the
 * small ones, on top of what the rings hold.
 */
#define QUEUE_BYTES (1024 * 1024)
/* of it, kept for kill and reaped records: about 64 kills */
#define QUEUE_KILL_RESERVE (64 * queue__cost(sizeof(struct oom_kill_record)))
/* the thread that empties the ring buffers needs little stack: it only copies */
#define DRAIN_STACK (256 * 1024)
/* next victims are ranked for no more CPU time than this while records queue behind */
#define RANK_BUDGET_BACKLOG_NS (50 * 1000000LL)
#define QUEUE_SLOT                                                                                \
	(sizeof(struct oom_kill_record) > sizeof(struct reclaim_stall_record)                     \
	     ? sizeof(struct oom_kill_record)                                                     \
	     : sizeof(struct reclaim_stall_record))

struct tracer {
	FILE *out; /* records: stdout or --output */
	struct oomtrace_bpf *skel;
	struct procs_weigher weigher; /* the next victims from the task iterator */
	struct ring_buffer *rb;
	struct ksyms *ksyms;
	struct ksyms_loader *ksyms_loading; /* joined before the first record is read */
	bool ksyms_pending;		    /* ksyms_loading not joined yet (NULL: out of memory) */
	struct gfp_table *gfp;
	struct host_info host;
	struct pipeline pipe; /* every kill goes through it to the sinks below */
	struct queue *queue;  /* records drained from the ring buffer, not yet handled */
	/*
	 * The drain thread empties the rings into the queue as records come,
	 * however long the main thread spends enriching one: the queue, its
	 * drop counts and the wakeup are under lock.
	 */
	pthread_t drain;
	bool draining;		 /* the drain thread was started and not joined */
	volatile int drain_stop; /* set by the main thread: the drain thread ends */
	int drain_err;		 /* why the drain thread ended early, -errno */
	bool lock_ready; /* lock and queued are initialised */
	pthread_mutex_t lock;
	pthread_cond_t queued;
	struct oom_event *ev; /* the kill being handled: allocated and touched at the start */
	unsigned long long queue_dropped[OOMT_RECORD_TYPES]; /* that found it full */
	struct attach_choice choice;
	struct cgroups *cgroups; /* NULL: no memory hierarchy found */
	struct stats *stats;
	struct recorder *rec; /* --record FILE, or NULL */
	int rec_fd;	      /* opened with the other files, before the header is known */
	unsigned long long filter_ids[OOMT_MAX_FILTERS];
	int nr_filters;
	char hooks[128];
	struct reconcile *rc; /* the kills against the kernel's counts */
	bool no_btf;
	bool no_hook; /* the kernel refused every tier's programs */
	struct exporter *exporter; /* --metrics, --metrics-file; NULL: neither */
	unsigned long long missed_read_ns; /* when the skipped runs were last read for it */
	struct reclaim_totals *reclaim; /* each memcg's closed episodes */
	struct not_gone *not_gone;	/* victims still there long after their kill */
	unsigned long long victims_read_ns;
};

static bool verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* attach.c expects some tiers to fail: their noise only helps at -v */
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* After each record: a reader that went away stops the run. */
static int flush_records(struct tracer *t)
{
	return pipeline__flush(&t->pipe); /* non-zero stops ring_buffer__poll() */
}

/* Records in the queue, this one among them. */
static size_t records_waiting(struct tracer *t)
{
	size_t n;

	pthread_mutex_lock(&t->lock);
	n = queue__len(t->queue);
	pthread_mutex_unlock(&t->lock);
	return n;
}

/* Records of a type lost so far: to a full ring buffer, or to a full queue. */
static unsigned long long dropped_of(const struct tracer *t, enum record_type type)
{
	return t->skel->bss->dropped[type] + __atomic_load_n(&t->queue_dropped[type], __ATOMIC_RELAXED);
}

/* every record lost so far, of every type */
static unsigned long long dropped(const struct tracer *t)
{
	unsigned long long n = 0;

	for (int i = 0; i < OOMT_RECORD_TYPES; i++)
		n += dropped_of(t, i);
	return n;
}

static void dropped_by_type(const struct tracer *t, unsigned long long *n)
{
	for (int i = 0; i < OOMT_RECORD_TYPES; i++)
		n[i] = dropped_of(t, i);
}

/* The threads the kernel has marked and that have not exited (the victims map). */
static void marked_victims(const struct tracer *t, struct marked_tids *m)
{
	static unsigned int tids[MAX_MARKED];
	static int tgids[MAX_MARKED];
	int fd = bpf_map__fd(t->skel->maps.victims);
	unsigned int *prev = NULL;
	size_t n = 0;

	while (n < MAX_MARKED && !bpf_map_get_next_key(fd, prev, &tids[n]))
		prev = &tids[n++];
	/* each one's process, as the kill record named it: no /proc read of a dying task */
	for (size_t i = 0; i < n; i++) {
		struct victim_state v;

		tgids[i] = bpf_map_lookup_elem(fd, &tids[i], &v) ? 0 : (int)v.pid;
	}
	m->tids = tids;
	m->nr = n;
	m->tgids = tgids;
}

/* A kill record, decoded once, through the one pipeline every source feeds. */
static int handle_kill(struct tracer *t, const struct oom_kill_record *rec)
{
	struct oom_event *ev = t->ev;
	struct marked_tids marked;
	struct timespec when = host__realtime_of(rec->ktime_ns);
	struct kill_arrival a = {
		.when = &when,
		.dropped = dropped(t),
		.marked = &marked,
		/* a storm: the records behind this one wait for its ranking */
		.rank_budget_ns = records_waiting(t) > 1 ? RANK_BUDGET_BACKLOG_NS : 0,
		.raw = rec,
		.ksyms = t->ksyms,
	};
	int err;

	decode__kill(ev, rec, &t->host, t->gfp);
	marked_victims(t, &marked);
	err = pipeline__kill(&t->pipe, ev, &a);
	event__clear_next(ev);
	return err;
}

static int say_unreconciled(void *ctx, const struct reconcile_diff *d)
{
	struct tracer *t = ctx;
	struct timespec now;
	struct record_ctx c;
	int err;

	clock_gettime(CLOCK_REALTIME, &now);
	c = (struct record_ctx){ now, dropped(t) };
	err = recorder__unreconciled(t->rec, d, &c);
	output__unreconciled(t->out, &t->pipe.fmt, d, &now);
	return err ?: flush_records(t);
}

/*
 * memory.oom.group kills the kernel counts twice and BPF sees marked once
 * (bpf/kill.bpf.c, rekills): the host's, or a memcg's by its id, which is
 * its cgroupfs directory's inode number.
 */
static int count_rekills(void *ctx, const char *path, unsigned long long *count)
{
	struct tracer *t = ctx;
	char dir[8192];
	struct stat st;
	__u64 id, n = 0;

	if (!path) {
		*count = t->skel->bss->oom_rekills;
		return 0;
	}
	if (cgroups__dir(t->cgroups, path, dir, sizeof(dir)) < 0 || stat(dir, &st))
		return -ENOENT;
	id = st.st_ino;
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.rekills), &id, &n))
		n = 0; /* none there */
	*count = n;
	return 0;
}

static int handle_queued(struct tracer *t);

/*
 * The kills against the kernel's counts, when the moment is quiet.  The
 * ring buffer is drained first: a kill read late is not a kill missed.
 */
static void reconcile_kills(struct tracer *t, bool at_end)
{
	if (handle_queued(t) < 0)
		return;
	reconcile__check(t->rc, host__monotonic_ns(), dropped_of(t, RECORD_OOM_KILL), at_end,
			 say_unreconciled, t);
	exporter__reconcile(t->exporter, t->rc);
}

/*
 * A streamed episode is recorded (report --reclaim-stalls chooses later);
 * long enough ones print.  The summary and the metrics count it from the
 * kernel's totals instead (reclaim_totals.h): here it only takes its
 * place among the summary's rows.
 */
static int report_stall(struct tracer *t, const struct reclaim_stall_record *rec)
{
	struct timespec when = host__realtime_of(rec->ep.first_ns);
	struct stall_arrival a = { .when = &when, .dropped = dropped(t), .raw = rec,
				   .ksyms = t->ksyms };
	struct stall_event ev;

	decode__stall(&ev, rec, cgroups__path(t->cgroups, rec->ep.memcg_id), t->pipe.fmt.gfp);
	stats__note_memcg(t->stats, ev.memcg);
	return pipeline__stall(&t->pipe, &ev, &a);
}

static int tell_not_gone(void *ctx, const struct reap_event *ev, const struct victim_state *v)
{
	struct tracer *t = ctx;
	struct timespec when = host__realtime_of(ev->ktime_ns);
	struct reap_arrival a = { .when = &when, .dropped = dropped(t), .late = v };

	return pipeline__reaped(&t->pipe, ev, &a);
}

/* Once a second: the victims still there NOT_GONE_NS after their kill, each told once. */
static int watch_victims(struct tracer *t)
{
	unsigned long long now = host__monotonic_ns();

	if (!t->not_gone || now - t->victims_read_ns < 1000000000ULL)
		return 0;
	t->victims_read_ns = now;
	return not_gone__scan(t->not_gone, bpf_map__fd(t->skel->maps.victims), now, tell_not_gone,
			      t);
}

static int handle_reaped(struct tracer *t, const struct oom_reaped_record *rec)
{
	struct timespec when = host__realtime_of(rec->exit_ns);
	struct reap_arrival a = { .when = &when, .dropped = dropped(t), .raw = rec };
	struct reap_event ev;

	decode__reaped(&ev, rec);
	return pipeline__reaped(&t->pipe, &ev, &a);
}

static int handle_record(struct tracer *t, const void *data, size_t size)
{
	enum record_type type = *(const enum record_type *)data;

	if (type == RECORD_OOM_KILL && size >= sizeof(struct oom_kill_record))
		return handle_kill(t, data);
	if (type == RECORD_RECLAIM_STALL && size >= sizeof(struct reclaim_stall_record))
		return report_stall(t, data);
	if (type == RECORD_OOM_REAPED && size >= sizeof(struct oom_reaped_record))
		return handle_reaped(t, data);
	return 0;
}

static void tell_exporter(void *ctx, const char *memcg, bool other, const struct memcg_reclaim *r)
{
	exporter__reclaim(ctx, memcg, other, r);
}

/*
 * The ring buffer's callback: copy the record into the queue and return,
 * so that the ring is emptied at the speed of memcpy, whatever /proc costs.
 */
static int queue_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	enum record_type type = *(enum record_type *)data;
	bool room;

	pthread_mutex_lock(&t->lock);
	/* the last of the room is the kill ring's: a reclaim storm cannot take it */
	room = type != RECORD_RECLAIM_STALL ||
	       queue__room(t->queue) >= QUEUE_KILL_RESERVE + queue__cost(size);
	if ((!room || !queue__push(t->queue, data, size)) && type > 0 && type < OOMT_RECORD_TYPES)
		__atomic_fetch_add(&t->queue_dropped[type], 1, __ATOMIC_RELAXED);
	else
		pthread_cond_signal(&t->queued);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/*
 * The drain thread: the rings emptied into the queue as records come.
 * Only kill records wake it: a wakeup is an interrupt (a VM exit in a
 * guest), too dear for stall and reaper records, which are read here
 * within 100 ms.
 */
static void *drain_rings(void *ctx)
{
	struct tracer *t = ctx;

	while (!t->drain_stop) {
		int n = ring_buffer__poll(t->rb, 100);

		if (n == 0)
			n = ring_buffer__consume(t->rb);
		if (n < 0 && n != -EINTR) {
			t->drain_err = n;
			break;
		}
	}
	pthread_mutex_lock(&t->lock);
	pthread_cond_signal(&t->queued); /* the main thread hears of it now */
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Signals are the main thread's: the drain thread blocks them all. */
static int start_draining(struct tracer *t)
{
	sigset_t all, old;
	pthread_attr_t attr;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, DRAIN_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t->drain, &attr, drain_rings, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	t->draining = true;
	return 0;
}

/* The drain thread joined, and what it left in the rings drained here. */
static void stop_draining(struct tracer *t)
{
	if (!t->draining)
		return;
	t->drain_stop = 1;
	pthread_join(t->drain, NULL);
	t->draining = false;
	ring_buffer__consume(t->rb);
}

/* Until a record is queued, the drain thread fails, or timeout_ms pass. */
static void wait_queued(struct tracer *t, long timeout_ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += timeout_ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&t->lock);
	while (!queue__len(t->queue) && !t->drain_err && t->draining &&
	       pthread_cond_timedwait(&t->queued, &t->lock, &until) == 0)
		;
	pthread_mutex_unlock(&t->lock);
}

/*
 * Handle what was queued, oldest first, while the drain thread goes on
 * filling the queue behind: a slow enrichment delays the records behind
 * it, and never leaves the kernel without room for new ones.  The record
 * at the head is handled outside the lock: pushes never touch it.
 */
static int handle_queued(struct tracer *t)
{
	const void *rec;
	size_t size;
	int err;

	for (;;) {
		pthread_mutex_lock(&t->lock);
		rec = queue__peek(t->queue, &size);
		pthread_mutex_unlock(&t->lock);
		if (!rec)
			return 0;
		err = handle_record(t, rec, size);
		pthread_mutex_lock(&t->lock);
		queue__pop(t->queue);
		pthread_mutex_unlock(&t->lock);
		if (err)
			return err;
	}
}

/*
 * Close the episodes of tasks that stopped reclaiming and did not exit:
 * the BPF side only closes an episode on that task's own next event.
 * Then the metrics take what the episodes closed lately added.
 */
static int sweep_idle_episodes(struct tracer *t, __u64 gap_ns)
{
	static __u32 keys[8192]; /* the episodes map's size */
	int fd = bpf_map__fd(t->skel->maps.episodes);
	struct reclaim_stall_record rec = { .type = RECORD_RECLAIM_STALL, .end = EPISODE_IDLE };
	__u32 *prev = NULL;
	size_t n = 0, i;
	__u64 now = host__monotonic_ns();
	int err = 0;

	while (n < sizeof(keys) / sizeof(keys[0]) && !bpf_map_get_next_key(fd, prev, &keys[n]))
		prev = &keys[n++];
	for (i = 0; i < n && !err; i++) {
		/* (a pass may have ended since now was read: not idle) */
		if (bpf_map_lookup_elem(fd, &keys[i], &rec.ep) || rec.ep.begin_ns ||
		    !rec.ep.last_end_ns ||
		    (gap_ns && (rec.ep.last_end_ns >= now || now - rec.ep.last_end_ns <= gap_ns)))
			continue;
		/*
		 * Atomic: a pass beginning now finds no episode and opens one.
		 * What is deleted may be newer than what was read, if the task
		 * reclaimed meanwhile: ours all the same, and its kill still
		 * finds it in swept_episodes (kill.bpf.c, join_reclaim()).
		 */
		if (bpf_map_lookup_and_delete_elem(fd, &keys[i], &rec.ep)) {
			/* ENOENT: BPF closed it meanwhile; otherwise a kernel before 5.14 */
			if (errno == ENOENT || bpf_map_delete_elem(fd, &keys[i]))
				continue;
		}
		/* deleted here, so ours to close and BPF's no more (close_episode()) */
		if (gap_ns) /* the task may be waiting for the OOM killer: its kill's story */
			bpf_map_update_elem(bpf_map__fd(t->skel->maps.swept_episodes), &keys[i],
					    &rec.ep, BPF_ANY);
		if (rec.ep.filtered)
			continue;
		reclaim_totals__add(t->reclaim, &rec.ep);
		if (t->skel->rodata->stream_episodes)
			err = report_stall(t, &rec);
	}
	reclaim_totals__read(t->reclaim, gap_ns ? RECLAIM_READ_NS : 0);
	reclaim_totals__news(t->reclaim, tell_exporter, t->exporter);
	return err;
}

static void wait_symbols(struct tracer *t)
{
	if (!t->ksyms_pending)
		return;
	t->ksyms = ksyms__load_wait(t->ksyms_loading);
	t->ksyms_loading = NULL;
	t->ksyms_pending = false;
	t->pipe.fmt.ksyms = t->ksyms;
	/* what the loader freed, and libbpf's copy of the BTF: give it back */
	malloc_trim(0);
	if (!t->ksyms) {
		/* stacks still print, as addresses */
		fprintf(stderr,
			"oomtrace: warning: cannot read kernel symbols from /proc/kallsyms: %s\n",
			errno == EPERM ? "addresses are hidden (kptr_restrict)" : strerror(errno));
	}
}

static int setup_bpf(struct tracer *t, const struct options *opts)
{
	struct attach_config cfg = {
		/* a recording keeps every episode, stack and all */
		.capture_stacks = opts->reclaim_stalls_ms >= 0 || opts->record,
		.btf_path = opts->btf,
		.ringbuf_bytes = (unsigned long)opts->ringbuf_kib * 1024,
		.filter_ids = t->filter_ids,
		.nr_filters = t->nr_filters,
	};
	struct btf *vmlinux = opts->btf ? btf__parse(opts->btf, NULL) : vmlinux_btf__load();
	int err;

	if (!vmlinux) {
		err = -errno;
		if (opts->btf)
			fprintf(stderr, "oomtrace: --btf '%s': not a usable BTF file: %s\n",
				opts->btf, attach__strerror(err));
		else
			fprintf(
			    stderr,
			    "oomtrace: no kernel BTF (/sys/kernel/btf/vmlinux: %s): this kernel "
			    "was built without CONFIG_DEBUG_INFO_BTF; give its BTF with --btf FILE "
			    "(BTFHub has them for many distribution kernels)\n",
			    strerror(-err));
		t->no_btf = true;
		return err;
	}
	t->gfp = gfp_table__from_btf(vmlinux) ?: gfp_table__classic();
	attach__survey(vmlinux, opts->hooks, &t->choice);
	/* libbpf's load takes this one rather than parse the file again */
	if (opts->btf)
		btf__free(vmlinux);
	else
		vmlinux_btf__keep(vmlinux);
	t->skel = attach__best(&cfg, &t->choice);
	vmlinux_btf__drop_kept();
	if (!t->gfp)
		return -ENOMEM;
	if (!t->skel) {
		err = -errno;
		fprintf(stderr, "oomtrace: failed to attach any OOM hook: %s\n", t->choice.why);
		t->no_hook = true;
		if (err == -EPERM)
			fprintf(stderr, "oomtrace: run it as root (CAP_BPF and CAP_PERFMON)\n");
		return err;
	}
	snprintf(t->hooks, sizeof(t->hooks), "oom_kill_process: %s, mark_victim: %s",
		 t->choice.oc_hook == HOOK_TRACEPOINT ? "none (tracepoints only)"
						      : decode__hook_name(t->choice.oc_hook),
		 t->choice.victim_prog);
	if (opts->verbose) {
		fprintf(stderr, "oomtrace: hooks: %s\n", t->hooks);
		if (t->choice.why[0])
			fprintf(stderr, "oomtrace: passed over: %s\n", t->choice.why);
		fprintf(stderr, "oomtrace: gfp flag values from %s\n",
			gfp_table__from_kernel(t->gfp) ? "kernel BTF" : "the built-in table");
	}
	return 0;
}

/* The queue's lock, and its wakeup on the clock wait_queued() counts by. */
static int init_lock(struct tracer *t)
{
	pthread_condattr_t attr;
	int err = pthread_mutex_init(&t->lock, NULL);

	if (err)
		return -err;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	err = pthread_cond_init(&t->queued, &attr);
	pthread_condattr_destroy(&attr);
	if (err) {
		pthread_mutex_destroy(&t->lock);
		return -err;
	}
	t->lock_ready = true;
	return 0;
}

/*
 * One ring_buffer reads both rings: kills (ring 0), then stalls, which
 * only --reclaim-stalls and --record stream.  And the kernel's reclaim
 * totals, which episodes are counted in whether they stream or not.
 */
static int setup_ringbuf(struct tracer *t)
{
	struct oomtrace_bpf *skel = t->skel;
	int err = 0;

	t->queue = queue__new(QUEUE_BYTES, QUEUE_SLOT);
	err = init_lock(t);
	if (err)
		return err;
	t->ev = malloc(sizeof(*t->ev));
	if (t->ev)
		memset(t->ev, 0, sizeof(*t->ev));
	if (!t->queue || !t->ev) {
		err = -errno;
		fprintf(stderr, "oomtrace: failed to allocate the record queue: %s\n",
			strerror(-err));
		return err;
	}

	t->rb = ring_buffer__new(bpf_map__fd(skel->maps.kill_ring), queue_record, t, NULL);
	if (!t->rb)
		err = -errno;
	else if (skel->rodata->stream_episodes)
		err = ring_buffer__add(t->rb, bpf_map__fd(skel->maps.stall_ring), queue_record, t);
	if (err) {
		fprintf(stderr, "oomtrace: failed to create ring buffer: %s\n", strerror(-err));
		return err;
	}
	t->reclaim = reclaim_totals__new(bpf_map__fd(skel->maps.memcg_reclaim),
					 &skel->bss->memcg_reclaim_other,
					 &skel->bss->episodes_folded, t->cgroups);
	return t->reclaim ? 0 : -ENOMEM;
}

/* --output FILE and --record FILE: see outfile__open_fd() for the rules. */
static int setup_output(struct tracer *t, const struct options *opts)
{
	int err;

	if (opts->record) {
		t->rec_fd = outfile__open_fd("--record", opts->record);
		if (t->rec_fd < 0)
			return t->rec_fd;
	}
	err = outfile__open(opts->output, &t->out);
	if (!err && t->rec_fd >= 0)
		err = outfile__check_apart(t->rec_fd, "--record", fileno(t->out), "--output");
	return err;
}

/* --metrics-file renamed over --output or --record would cut them off */
static int check_metrics_file(struct tracer *t, const char *path)
{
	int fd, err;

	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0; /* not there: not one of ours either */
	err = outfile__check_apart(fd, "--metrics-file", fileno(t->out), "--output");
	if (!err && t->rec_fd >= 0)
		err = outfile__check_apart(fd, "--metrics-file", t->rec_fd, "--record");
	close(fd);
	return err;
}

/* --cgroup paths to memcg ids, before anything is loaded: bad input stops here. */
static int setup_filters(struct tracer *t, const struct options *opts)
{
	for (int i = 0; i < opts->nr_cgroups; i++) {
		char rel[4096];
		int err = cgroups__resolve_arg(t->cgroups, opts->cgroups[i], rel, sizeof(rel),
					       &t->filter_ids[i], stderr);

		if (err)
			return err;
		if (opts->verbose)
			fprintf(stderr, "oomtrace: --cgroup '%s' is memory cgroup %s (id %llu)\n",
				opts->cgroups[i], rel, t->filter_ids[i]);
	}
	t->nr_filters = opts->nr_cgroups;
	return 0;
}

/* The --record header, now that hooks and gfp table are known. */
static int setup_record(struct tracer *t, const struct options *opts)
{
	struct record_header h;
	int fd = t->rec_fd;

	if (fd < 0)
		return 0;
	t->rec_fd = -1; /* the recorder's now */
	record_header__init(&h, &t->host, t->gfp, t->hooks);
	t->rec = recorder__new(fd, opts->record, &h);
	return t->rec ? 0 : -errno;
}

struct tracer *tracer__new(const struct options *opts, int *exit_code)
{
	struct tracer *t = calloc(1, sizeof(*t));
	int err;

	*exit_code = EXIT_FAILURE_RUNTIME;
	if (!t)
		return NULL;
	/*
	 * The kernel's BTF is parsed twice (our survey, then libbpf), 5.5 MB
	 * each time on 6.x (and a copy where the kernel cannot map it:
	 * vmlinux_btf.h).  glibc raises its mmap threshold to
	 * the size of any mapped block freed, so after the survey libbpf's
	 * copies would come from the heap, where freed memory stays ours.  A
	 * fixed threshold keeps each in a mapping of its own, unmapped when
	 * freed: about 1 MB off the peak and 0.35 MB off the steady RSS here.
	 */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	t->rec_fd = -1;
	/* without it, stall records name no memcg: worth a word, not a failure */
	t->cgroups = cgroups__open();
	if (!t->cgroups && opts->verbose)
		fprintf(stderr, "oomtrace: no memory cgroup hierarchy mounted: %s\n",
			strerror(errno));
	err = setup_filters(t, opts);
	if (!err)
		err = setup_output(t, opts);
	if (!err)
		err = check_metrics_file(t, opts->metrics_file);
	if (err) {
		*exit_code = EXIT_USAGE;
		goto err_free;
	}
	*exit_code = exporter__new(opts, &t->exporter);
	if (*exit_code) {
		err = -EINVAL;
		goto err_free;
	}
	*exit_code = EXIT_FAILURE_RUNTIME;
	verbose = opts->verbose;
	libbpf_set_print(print_libbpf);
	err = host__read(&t->host);
	if (err) {
		fprintf(stderr, "oomtrace: failed to read system memory sizes: %s\n",
			strerror(-err));
		goto err_free;
	}
	/*
	 * Symbols load on a thread once the programs are loaded, and are
	 * waited for in tracer__run(): the programs record from the moment
	 * they attach, so the caller can say we are tracing before then.
	 * Not while the programs load: with libbpf's copy of the kernel's BTF
	 * that would make the peak RSS 1 MB higher.
	 */
	err = setup_bpf(t, opts);
	if (!err) {
		t->ksyms_loading = ksyms__load_start("/proc/kallsyms");
		t->ksyms_pending = true;
		err = setup_ringbuf(t);
	}
	if (err) {
		if (t->no_btf)
			*exit_code = EXIT_NO_BTF;
		else if (err == -EPERM || err == -EACCES)
			*exit_code = EXIT_NO_PRIVILEGE; /* the kernel refused the programs */
		else if (t->no_hook)
			*exit_code = EXIT_NO_HOOK; /* a verifier or attach failure */
		goto err_free;
	}
	t->stats = stats__new();
	if (!t->stats) {
		err = -ENOMEM;
		goto err_free;
	}
	/* attached: from here the ring buffer holds every kill the kernel counts */
	t->rc = reconcile__open(t->cgroups, !t->nr_filters);
	if (!t->rc) {
		err = -ENOMEM;
		goto err_free;
	}
	reconcile__set_unrecorded(t->rc, count_rekills, t);
	err = exporter__start(t->exporter, t->hooks);
	if (err)
		goto err_free;
	pipeline__init(&t->pipe, t->out, opts);
	t->pipe.fmt.gfp = t->gfp;
	t->pipe.fmt.page_size = t->host.page_size;
	t->pipe.flush_each = true;
	t->pipe.exporter = t->exporter;
	t->pipe.stats = t->stats;
	t->pipe.rc = t->rc;
	t->pipe.enrich = true;
	t->pipe.cgroups = t->cgroups;
	t->pipe.host = &t->host;
	if (weigh_iter__init(&t->weigher, t->skel, t->host.page_size))
		t->pipe.weigher = &t->weigher;
	t->not_gone = not_gone__new("/proc");
	if (!t->not_gone) {
		err = -ENOMEM;
		goto err_free;
	}
	err = setup_record(t, opts);
	if (err)
		goto err_free;
	t->pipe.rec = t->rec;
	return t;

err_free:
	tracer__free(t);
	errno = -err;
	return NULL;
}

const char *tracer__hooks(const struct tracer *t)
{
	return t->hooks;
}

static bool write_failed(const struct tracer *t)
{
	return recorder__error(t->rec) || t->pipe.write_err;
}

/* The exit status for a failed write, said once. */
static int write_status(const struct tracer *t)
{
	if (recorder__error(t->rec))
		return EXIT_FAILURE_RUNTIME; /* the recorder said where it failed */
	if (t->pipe.write_err == -EPIPE)
		return EXIT_OK; /* the reader left, as `| head` does */
	fprintf(stderr, "oomtrace: failed to write records: %s\n", strerror(-t->pipe.write_err));
	return EXIT_FAILURE_RUNTIME;
}

static void tick_exporter(struct tracer *t);

/*
 * Until the symbols are loaded (a second or more on a busy node), records
 * are only drained into the queue: a storm in the first second is kept,
 * not lost to a full ring buffer.
 */
static void queue_while_loading(struct tracer *t, volatile sig_atomic_t *stop)
{
	while (t->ksyms_pending && !*stop && !ksyms__load_done(t->ksyms_loading))
		usleep(10 * 1000);
	wait_symbols(t);
}

int tracer__run(struct tracer *t, volatile sig_atomic_t *stop)
{
	int err = start_draining(t);

	if (err) {
		fprintf(stderr, "oomtrace: failed to start reading the ring buffers: %s\n",
			strerror(-err));
		return EXIT_FAILURE_RUNTIME;
	}
	queue_while_loading(t, stop);
	while (!*stop) {
		wait_queued(t, 100);
		err = t->drain_err;
		if (!err)
			err = handle_queued(t);
		if (!err || err == -EINTR) {
			sweep_idle_episodes(t, OOMT_EPISODE_SWEEP_NS);
			reconcile_kills(t, false);
			watch_victims(t);
		}
		tick_exporter(t);
		if (write_failed(t))
			return write_status(t);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "oomtrace: failed to poll ring buffer: %s\n",
				strerror(-err));
			return EXIT_FAILURE_RUNTIME;
		}
	}
	/* records already in the buffer when the signal came, and the stories
	 * of tasks between two passes, so that the summary holds them */
	stop_draining(t);
	handle_queued(t);
	sweep_idle_episodes(t, 0);
	reconcile_kills(t, true);
	tick_exporter(t);
	return write_failed(t) ? write_status(t) : EXIT_OK;
}

/* kswapd and LRU totals of NUMA node nid; false if the node saw nothing */
static bool node_totals(const struct tracer *t, __u32 nid, struct node_totals *n)
{
	int ncpu = libbpf_num_possible_cpus();
	struct {
		__u64 wakes, run_ns, woke_ns;
	} k = {};
	struct {
		__u64 scanned, reclaimed;
	} lru[ncpu > 0 ? ncpu : 1];

	memset(n, 0, sizeof(*n));
	n->nid = nid;
	/* valgrind does not see the kernel fill per-CPU values: start defined */
	memset(lru, 0, sizeof(lru));
	if (!bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.node_kswapd), &nid, &k)) {
		n->wakes = k.wakes;
		n->run_ns = k.run_ns;
	}
	if (ncpu > 0 && !bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.node_lru), &nid, lru)) {
		for (int c = 0; c < ncpu; c++) {
			n->scanned += lru[c].scanned;
			n->reclaimed += lru[c].reclaimed;
		}
	}
	return n->wakes || n->scanned || n->reclaimed;
}

static void add_to_stats(void *ctx, const char *memcg, bool other, const struct memcg_reclaim *r)
{
	stats__add_episodes(ctx, other ? STATS_OTHER : memcg, r);
}

/* The runs of this tracer's programs the kernel skipped; false where it does not count them. */
static bool missed_runs(const struct tracer *t, struct run_totals *s)
{
	struct bpf_program *prog;
	bool known = false;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		memset(&info, 0, sizeof(info));
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		/* a kernel before 5.12 writes back less than the field */
		if (len < offsetof(struct bpf_prog_info, recursion_misses) + sizeof(info.recursion_misses))
			return false;
		known = true;
		s->missed_runs += info.recursion_misses;
		if (info.recursion_misses && s->nr_missed < OUTPUT_MAX_MISSED) {
			struct prog_misses *m = &s->missed[s->nr_missed++];

			snprintf(m->prog, sizeof(m->prog), "%s", bpf_program__name(prog));
			m->runs = info.recursion_misses;
		}
	}
	return known;
}

/*
 * The metrics' drops at every tick; the programs' skipped runs once a
 * second (a syscall per program).
 */
static void tick_exporter(struct tracer *t)
{
	static struct run_totals skipped;
	unsigned long long n[OOMT_RECORD_TYPES], now = host__monotonic_ns();

	dropped_by_type(t, n);
	if (t->exporter && now - t->missed_read_ns >= 1000000000ULL) {
		const char *progs[OUTPUT_MAX_MISSED];
		unsigned long long runs[OUTPUT_MAX_MISSED];

		t->missed_read_ns = now;
		memset(&skipped, 0, sizeof(skipped));
		if (missed_runs(t, &skipped)) {
			for (unsigned int i = 0; i < skipped.nr_missed; i++) {
				progs[i] = skipped.missed[i].prog;
				runs[i] = skipped.missed[i].runs;
			}
			exporter__missed_runs(t->exporter, progs, runs, skipped.nr_missed);
		}
	}
	exporter__tick(t->exporter, n);
}

static void run_totals(const struct tracer *t, struct run_totals *s)
{
	memset(s, 0, sizeof(*s));
	s->kills = t->pipe.kills;
	s->already_exiting = t->pipe.already_exiting;
	s->have_kernel_kills =
	    reconcile__summary(t->rc, t->nr_filters, &s->kernel_kills, &s->kernel_why);
	s->repeat_kills = t->skel->bss->oom_rekills;
	s->have_missed_runs = missed_runs(t, s);
	dropped_by_type(t, s->dropped);
	for (__u32 nid = 0; nid < OUTPUT_MAX_NODES; nid++)
		if (node_totals(t, nid, &s->nodes[s->nr_nodes]))
			s->nr_nodes++;
	s->stats = t->stats;
}

int tracer__summary(const struct tracer *t, FILE *f)
{
	struct run_totals s;

	/* once, at exit: what the kernel folded joins the kills */
	reclaim_totals__read(t->reclaim, 0);
	reclaim_totals__each(t->reclaim, add_to_stats, t->stats);
	run_totals(t, &s);
	output__summary(f, &s);
	if (t->pipe.fmt.json && !t->pipe.write_err)
		output__summary_json(t->out, &s);
	/* a recording that ends without it was cut short */
	return recorder__summary(t->rec, &s) ? EXIT_FAILURE_RUNTIME : EXIT_OK;
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	if (t->ksyms_pending) /* its thread must end before we do */
		t->ksyms = ksyms__load_wait(t->ksyms_loading);
	stop_draining(t);
	if (t->lock_ready) {
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->queued);
	}
	ring_buffer__free(t->rb);
	queue__free(t->queue);
	free(t->ev);
	reclaim_totals__free(t->reclaim);
	not_gone__free(t->not_gone);
	oomtrace_bpf__destroy(t->skel);
	cgroups__free(t->cgroups);
	stats__free(t->stats);
	reconcile__free(t->rc);
	exporter__free(t->exporter);
	recorder__free(t->rec);
	if (t->rec_fd >= 0)
		close(t->rec_fd);
	if (t->out && t->out != stdout)
		fclose(t->out);
	gfp_table__free(t->gfp);
	ksyms__free(t->ksyms);
	free(t);
}
