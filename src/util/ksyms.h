/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel symbols from /proc/kallsyms: loaded once, looked up by address. */
#ifndef __OOMTRACE_KSYMS_H
#define __OOMTRACE_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct ksyms;
struct ksyms_loader;

struct ksym {
	unsigned long addr;
	const char *name;
	const char *module; /* NULL for the kernel image */
};

/* Returns NULL and sets errno; EPERM when every address reads as 0. */
struct ksyms *ksyms__load(const char *path);
struct ksyms *ksyms__load_file(FILE *f);
/* ksyms__load() on a thread of its own; wait returns its result and errno. */
struct ksyms_loader *ksyms__load_start(const char *path);
struct ksyms *ksyms__load_wait(struct ksyms_loader *l);
/* Would ksyms__load_wait() return at once? */
bool ksyms__load_done(struct ksyms_loader *l);
void ksyms__free(struct ksyms *ks);
size_t ksyms__count(const struct ksyms *ks);
/*
 * The symbol covering addr (the nearest at or below it, within 1 MiB), or
 * false: an address past the last symbol is not "_einittext+0x3c82fcea".
 */
bool ksyms__resolve(const struct ksyms *ks, unsigned long addr, struct ksym *out);
/*
 * How many leading frames of a kernel stack belong to BPF itself (the
 * program, its trampoline, bpf_trace_run*, __traceiter_*) rather than to the kernel
 * path that fired the hook.
 */
int ksyms__bpf_frames(const struct ksyms *ks, const unsigned long long *addrs, int n);
/* The first symbol named name, or false. */
bool ksyms__find(const struct ksyms *ks, const char *name, struct ksym *out);
/* "name+0xoff" or "name+0xoff [module]", or the address in hex. */
int ksyms__format(const struct ksyms *ks, unsigned long addr, char *buf, size_t size);

#endif
