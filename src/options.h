/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Command-line options. */
#ifndef __OOMTRACE_OPTIONS_H
#define __OOMTRACE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include "color.h"
#include "oomtrace.h"

/* Exit codes, documented in --help and docs/. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILURE_RUNTIME = 1, /* could not load, attach or write */
	EXIT_USAGE = 2,		  /* bad command line */
	EXIT_NO_PRIVILEGE = 3,	  /* neither CAP_BPF+CAP_PERFMON nor CAP_SYS_ADMIN */
	EXIT_NO_BTF = 4,	  /* no kernel BTF, and no usable --btf FILE */
	/*
	 * Never an exit status: tracer__new() found no OOM hook this kernel
	 * would load or attach.  --source auto falls back to the kernel log;
	 * otherwise oomtrace exits EXIT_FAILURE_RUNTIME.
	 */
	EXIT_NO_HOOK = 100,
};

enum hook_choice {
	HOOKS_AUTO = -1, /* otherwise an enum hook_kind */
};

enum mode {
	MODE_TRACE = 0,	 /* oomtrace [OPTIONS] */
	MODE_TOP = 1,	 /* oomtrace top [OPTIONS] */
	MODE_REPORT = 2, /* oomtrace report FILE [OPTIONS] */
};

/* --source: where kill records come from */
enum source {
	SOURCE_AUTO = 0, /* BPF, else the kernel log */
	SOURCE_BPF = 1,
	SOURCE_KMSG = 2, /* the kernel log's OOM reports (kmsg_source.c) */
};

struct options {
	enum mode mode;
	enum source source;
	const char *input; /* --input FILE: saved kernel log text to parse ("-": stdin) */
	bool json;
	bool verbose;
	bool help;
	bool version;
	int hooks;		/* HOOKS_AUTO or the enum hook_kind to force */
	long reclaim_stalls_ms; /* stream reclaim_stall records at least this long; -1: none */
	const char *output;	/* --output FILE, or NULL for stdout */
	const char *record;	/* --record FILE, or NULL */
	const char *btf;	/* --btf FILE, or NULL for the kernel's */
	long ringbuf_kib;	/* --ringbuf-size */
	enum color_mode color;	/* --color, for text output */
	const char *cgroups[OOMT_MAX_FILTERS]; /* --cgroup, as given */
	int nr_cgroups;
	const char *metrics;	  /* --metrics ADDR:PORT, or NULL */
	const char *metrics_file; /* --metrics-file PATH, or NULL */
	bool no_self_protect;	  /* leave oom_score_adj and memory locking alone */
	/* top only */
	double interval_s; /* refresh every this many seconds; 0: once */
	long count;	   /* refreshes before exiting; 0: until a signal */
	long limit;	   /* rows */
	/* report only */
	const char *report_file;
	bool summary_only;
};

/* Returns 0, or EXIT_USAGE after printing why to err. */
int options__parse(int argc, char **argv, struct options *opts, FILE *err);
void options__usage(FILE *f, const char *prog);

#endif
