// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "ksyms.h"

/* no kernel function is this long: further than this is unresolved */
#define MAX_SYM_SPAN (1UL << 20)

/*
 * 16 bytes a symbol: a 6.x kernel has some 64000 code symbols once the
 * __pfx_ padding symbols are left out, so the table is about 1 MiB plus
 * the names.
 */
struct sym {
	unsigned long addr;
	uint32_t name;	 /* offset into strs */
	uint32_t module; /* offset into strs, plus one; 0: the kernel image */
};

struct ksyms {
	struct sym *syms;
	size_t cnt, cap;
	char *strs; /* names and module names, NUL-separated */
	size_t strs_len, strs_cap;
	size_t last_mod; /* module of the previous line, plus one: names are shared */
};

/* Offsets into strs while loading: strs moves as it grows. */
static int add_str(struct ksyms *ks, const char *s, size_t len, size_t *off)
{
	if (ks->strs_len + len + 1 > ks->strs_cap) {
		size_t cap = ks->strs_cap ? ks->strs_cap * 2 : 1 << 20;
		char *p;

		while (cap < ks->strs_len + len + 1)
			cap *= 2;
		p = realloc(ks->strs, cap);
		if (!p)
			return -ENOMEM;
		ks->strs = p;
		ks->strs_cap = cap;
	}
	memcpy(ks->strs + ks->strs_len, s, len);
	ks->strs[ks->strs_len + len] = '\0';
	*off = ks->strs_len;
	ks->strs_len += len + 1;
	return 0;
}

static int add_sym(struct ksyms *ks, unsigned long addr, size_t name_off, size_t mod_off)
{
	if (name_off > UINT32_MAX || mod_off > UINT32_MAX)
		return -E2BIG;
	if (ks->cnt == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 65536;
		struct sym *p = realloc(ks->syms, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ks->syms = p;
		ks->cap = cap;
	}
	ks->syms[ks->cnt].addr = addr;
	ks->syms[ks->cnt].name = name_off;
	ks->syms[ks->cnt].module = mod_off;
	ks->cnt++;
	return 0;
}

/* The module's name, stored once for the run of lines that share it. */
static int add_module(struct ksyms *ks, const char *mod, size_t *mod_off)
{
	size_t off;
	int err;

	if (ks->last_mod && !strcmp(ks->strs + ks->last_mod - 1, mod)) {
		*mod_off = ks->last_mod;
		return 0;
	}
	err = add_str(ks, mod, strlen(mod), &off);
	if (err)
		return err;
	*mod_off = ks->last_mod = off + 1;
	return 0;
}

static int is_text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

/*
 * One kallsyms line: "ffffffff81000000 T _stext" or
 * "ffffffffc0a01000 t fn\t[module]".  Only code symbols are kept: stacks
 * hold code addresses.  __pfx_fn marks the padding before fn (6.2+), where
 * no return address lands; it is nearly half the lines, and left out.
 * Returns 1 kept, 0 skipped, <0 error.
 */
static int parse_line(struct ksyms *ks, char *line, int *nonzero)
{
	char *p = line, *end, *name, *mod = NULL;
	unsigned long addr;
	size_t name_off, mod_off = 0;
	char type;
	int err;

	addr = strtoul(p, &end, 16);
	if (end == p || *end != ' ')
		return 0;
	p = end + 1;
	type = *p;
	if (!type || p[1] != ' ')
		return 0;
	if (addr)
		*nonzero = 1;
	if (!is_text_type(type) || !addr)
		return 0;
	name = p + 2;
	name[strcspn(name, "\n")] = '\0';
	end = strpbrk(name, " \t");
	if (end) {
		*end++ = '\0';
		end += strspn(end, " \t");
		if (*end == '[') {
			mod = end + 1;
			mod[strcspn(mod, "]")] = '\0';
		}
	}
	if (!*name || !strncmp(name, "__pfx_", 6))
		return 0;
	err = add_str(ks, name, strlen(name), &name_off);
	if (!err && mod)
		err = add_module(ks, mod, &mod_off);
	if (!err)
		err = add_sym(ks, addr, name_off, mod_off);
	return err ?: 1;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Loading grows by doubling: give the slack back. */
static void shrink_to_fit(struct ksyms *ks)
{
	struct sym *syms = realloc(ks->syms, ks->cnt * sizeof(*syms));
	char *strs = realloc(ks->strs, ks->strs_len);

	if (syms)
		ks->syms = syms;
	if (strs)
		ks->strs = strs;
}

static struct ksym to_ksym(const struct ksyms *ks, const struct sym *s)
{
	return (struct ksym){
		.addr = s->addr,
		.name = ks->strs + s->name,
		.module = s->module ? ks->strs + s->module - 1 : NULL,
	};
}

struct ksyms *ksyms__load_file(FILE *f)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char line[512];
	int nonzero = 0, err = 0;

	if (!ks)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		err = parse_line(ks, line, &nonzero);
		if (err < 0)
			goto err_free;
	}
	/* no symbols at all, or kptr_restrict hiding every address */
	if (!ks->cnt) {
		err = nonzero ? -ENODATA : -EPERM;
		goto err_free;
	}
	qsort(ks->syms, ks->cnt, sizeof(*ks->syms), cmp_addr);
	shrink_to_fit(ks);
	return ks;

err_free:
	ksyms__free(ks);
	errno = -err;
	return NULL;
}

struct ksyms *ksyms__load(const char *path)
{
	struct ksyms *ks;
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return NULL;
	ks = ksyms__load_file(f);
	err = errno;
	fclose(f);
	errno = err;
	return ks;
}

void ksyms__free(struct ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->strs);
	free(ks);
}

size_t ksyms__count(const struct ksyms *ks)
{
	return ks->cnt;
}

bool ksyms__resolve(const struct ksyms *ks, unsigned long addr, struct ksym *out)
{
	size_t lo = 0, hi = ks->cnt;

	if (!ks->cnt || addr < ks->syms[0].addr)
		return false;
	/* find the last symbol with sym.addr <= addr */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (addr - ks->syms[lo].addr >= MAX_SYM_SPAN)
		return false;
	*out = to_ksym(ks, &ks->syms[lo]);
	return true;
}

/* the hook's own machinery: the program, its trampoline, tracepoint glue */
static bool is_bpf_frame(const struct ksyms *ks, unsigned long addr)
{
	struct ksym s;

	if (!ksyms__resolve(ks, addr, &s))
		return true;
	return (s.module && !strcmp(s.module, "bpf")) || !strncmp(s.name, "bpf_trace_run", 13) ||
	       !strncmp(s.name, "__bpf_trace_", 12) || !strncmp(s.name, "bpf_prog_", 9) ||
	       !strncmp(s.name, "bpf_trampoline_", 15) || !strncmp(s.name, "__traceiter_", 12);
}

int ksyms__bpf_frames(const struct ksyms *ks, const unsigned long long *addrs, int n)
{
	int i;

	if (!ks)
		return 0;
	/* the prefix only: a BPF-looking frame below the kernel's is the kernel's */
	for (i = 0; i < n && is_bpf_frame(ks, addrs[i]); i++)
		;
	return i < n ? i : 0; /* nothing recognisable: show it all */
}

bool ksyms__find(const struct ksyms *ks, const char *name, struct ksym *out)
{
	for (size_t i = 0; i < ks->cnt; i++) {
		if (!strcmp(ks->strs + ks->syms[i].name, name)) {
			*out = to_ksym(ks, &ks->syms[i]);
			return true;
		}
	}
	return false;
}

int ksyms__format(const struct ksyms *ks, unsigned long addr, char *buf, size_t size)
{
	struct ksym s;

	if (!ks || !ksyms__resolve(ks, addr, &s))
		return snprintf(buf, size, "0x%lx", addr);
	if (s.module)
		return snprintf(buf, size, "%s+0x%lx [%s]", s.name, addr - s.addr, s.module);
	return snprintf(buf, size, "%s+0x%lx", s.name, addr - s.addr);
}

/*
 * Reading /proc/kallsyms is most of a cold start (the kernel formats every
 * line): it runs on a thread while the BPF programs load.
 */
struct ksyms_loader {
	pthread_t thread;
	bool started;
	atomic_bool done; /* the thread has its result */
	const char *path;
	struct ksyms *ks;
	int err;
};

static void *load_thread(void *arg)
{
	struct ksyms_loader *l = arg;

	l->ks = ksyms__load(l->path);
	l->err = l->ks ? 0 : errno;
	atomic_store(&l->done, true);
	return NULL;
}

struct ksyms_loader *ksyms__load_start(const char *path)
{
	struct ksyms_loader *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->path = path;
	/* no thread to be had: load in ksyms__load_wait() instead */
	l->started = !pthread_create(&l->thread, NULL, load_thread, l);
	return l;
}

bool ksyms__load_done(struct ksyms_loader *l)
{
	/* no thread, or no loader at all: waiting is what is left */
	return !l || !l->started || atomic_load(&l->done);
}

struct ksyms *ksyms__load_wait(struct ksyms_loader *l)
{
	struct ksyms *ks;
	int err;

	if (!l)
		return errno = ENOMEM, NULL;
	if (l->started)
		pthread_join(l->thread, NULL);
	else
		load_thread(l);
	ks = l->ks;
	err = l->err;
	free(l);
	errno = err;
	return ks;
}
