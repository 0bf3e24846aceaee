// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "oomtrace.h"
#include "oomtrace.skel.h"
#include "attach.h"
#include "gfp.h"
#include "host.h"
#include "ksyms.h"
#include "output.h"
#include "report.h"
#include "tracer.h"

struct tracer {
	struct oomtrace_bpf *skel;
	struct ring_buffer *rb;
	struct ksyms *ksyms;
	struct gfp_table *gfp;
	struct host_info host;
	struct output_ctx out;
	struct attach_choice choice;
	char hooks[128];
	unsigned long long kills;
	int write_err; /* -errno of the first failed write to stdout */
};

static bool verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* attach.c expects some tiers to fail: their noise only helps at -v */
	if (!verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* CLOCK_MONOTONIC (bpf_ktime_get_ns) to wall-clock time. */
static struct timespec ktime_to_realtime(__u64 ktime_ns)
{
	struct timespec mono, real, ts;
	long long delta;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	delta = (long long)mono.tv_sec * 1000000000LL + mono.tv_nsec - (long long)ktime_ns;
	delta = (long long)real.tv_sec * 1000000000LL + real.tv_nsec - delta;
	ts.tv_sec = delta / 1000000000LL;
	ts.tv_nsec = delta % 1000000000LL;
	return ts;
}

static int handle_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	const struct oom_kill_record *rec = data;
	struct kill_report r;
	struct timespec when;

	if (size < sizeof(*rec) || rec->type != RECORD_OOM_KILL)
		return 0;
	t->kills++;
	when = ktime_to_realtime(rec->ktime_ns);
	report__build(&r, rec, &t->host, t->gfp);
	output__kill(stdout, &t->out, &r, &when, t->skel->bss->dropped);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		t->write_err = -errno ?: -EIO;
		return t->write_err; /* stops ring_buffer__poll() */
	}
	return 0;
}

static int setup_symbols(struct tracer *t)
{
	t->ksyms = ksyms__load("/proc/kallsyms");
	if (!t->ksyms) {
		/* stacks still print, as addresses */
		fprintf(stderr,
			"oomtrace: warning: cannot read kernel symbols from /proc/kallsyms: %s\n",
			errno == EPERM ? "addresses are hidden (kptr_restrict)" : strerror(errno));
	}
	return 0;
}

static int setup_bpf(struct tracer *t, const struct options *opts)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int err;

	if (!vmlinux) {
		err = -errno;
		fprintf(stderr,
			"oomtrace: failed to load kernel BTF (/sys/kernel/btf/vmlinux): %s\n",
			strerror(-err));
		return err;
	}
	t->gfp = gfp_table__from_btf(vmlinux) ?: gfp_table__classic();
	t->skel = attach__best(vmlinux, t->ksyms, opts->hooks, &t->choice);
	btf__free(vmlinux);
	if (!t->gfp)
		return -ENOMEM;
	if (!t->skel) {
		err = -errno;
		fprintf(stderr, "oomtrace: failed to attach any OOM hook: %s\n", t->choice.why);
		if (err == -EPERM)
			fprintf(stderr, "oomtrace: run it as root (CAP_BPF and CAP_PERFMON)\n");
		return err;
	}
	snprintf(t->hooks, sizeof(t->hooks), "oom_kill_process: %s, mark_victim: %s",
		 t->choice.oc_hook == HOOK_TRACEPOINT ? "none (tracepoints only)"
						      : report__hook_name(t->choice.oc_hook),
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

static int setup_ringbuf(struct tracer *t)
{
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), handle_record, t, NULL);
	if (!t->rb) {
		int err = -errno;

		fprintf(stderr, "oomtrace: failed to create ring buffer: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

struct tracer *tracer__new(const struct options *opts)
{
	struct tracer *t = calloc(1, sizeof(*t));
	int err;

	if (!t)
		return NULL;
	verbose = opts->verbose;
	libbpf_set_print(print_libbpf);
	err = host__read(&t->host);
	if (err) {
		fprintf(stderr, "oomtrace: failed to read system memory sizes: %s\n",
			strerror(-err));
		goto err_free;
	}
	err = setup_symbols(t);
	if (!err)
		err = setup_bpf(t, opts);
	if (!err)
		err = setup_ringbuf(t);
	if (err)
		goto err_free;
	t->out.json = opts->json;
	t->out.ksyms = t->ksyms;
	t->out.gfp = t->gfp;
	t->out.page_size = t->host.page_size;
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

int tracer__run(struct tracer *t, volatile sig_atomic_t *stop)
{
	while (!*stop) {
		int err = ring_buffer__poll(t->rb, 100);

		if (t->write_err == -EPIPE)
			return EXIT_OK; /* the reader left, as `| head` does */
		if (t->write_err) {
			fprintf(stderr, "oomtrace: failed to write records: %s\n",
				strerror(-t->write_err));
			return EXIT_FAILURE_RUNTIME;
		}
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "oomtrace: failed to poll ring buffer: %s\n",
				strerror(-err));
			return EXIT_FAILURE_RUNTIME;
		}
	}
	/* records already in the buffer when the signal came */
	ring_buffer__consume(t->rb);
	return EXIT_OK;
}

void tracer__summary(const struct tracer *t, FILE *f)
{
	fprintf(f, "oomtrace: %llu OOM kill%s traced, %llu record%s dropped\n", t->kills,
		t->kills == 1 ? "" : "s", (unsigned long long)t->skel->bss->dropped,
		t->skel->bss->dropped == 1 ? "" : "s");
}

void tracer__free(struct tracer *t)
{
	if (!t)
		return;
	ring_buffer__free(t->rb);
	oomtrace_bpf__destroy(t->skel);
	gfp_table__free(t->gfp);
	ksyms__free(t->ksyms);
	free(t);
}
