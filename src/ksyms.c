// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ksyms.h"

/* no kernel function is this long: further than this is unresolved */
#define MAX_SYM_SPAN (1UL << 20)

struct ksyms {
	struct ksym *syms;
	size_t cnt, cap;
	char *strs; /* names and module names, NUL-separated */
	size_t strs_len, strs_cap;
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
	if (ks->cnt == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 65536;
		struct ksym *p = realloc(ks->syms, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ks->syms = p;
		ks->cap = cap;
	}
	/* names stay offsets until loading ends; see fix_names() */
	ks->syms[ks->cnt].addr = addr;
	ks->syms[ks->cnt].name = (const char *)name_off;
	ks->syms[ks->cnt].module = (const char *)mod_off;
	ks->cnt++;
	return 0;
}

static int is_text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

/*
 * One kallsyms line: "ffffffff81000000 T _stext" or
 * "ffffffffc0a01000 t fn\t[module]".  Only code symbols are kept: stacks
 * hold code addresses.  Returns 1 kept, 0 skipped, <0 error.
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
	if (!*name)
		return 0;
	err = add_str(ks, name, strlen(name), &name_off);
	if (!err && mod)
		err = add_str(ks, mod, strlen(mod), &mod_off);
	if (!err)
		err = add_sym(ks, addr, name_off + 1, mod ? mod_off + 1 : 0);
	return err ?: 1;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Offsets were stored +1 so that 0 can mean "no module". */
static void fix_names(struct ksyms *ks)
{
	size_t i;

	for (i = 0; i < ks->cnt; i++) {
		struct ksym *s = &ks->syms[i];

		s->name = ks->strs + ((size_t)s->name - 1);
		s->module = s->module ? ks->strs + ((size_t)s->module - 1) : NULL;
	}
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
	fix_names(ks);
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

const struct ksym *ksyms__resolve(const struct ksyms *ks, unsigned long addr)
{
	size_t lo = 0, hi = ks->cnt;

	if (!ks->cnt || addr < ks->syms[0].addr)
		return NULL;
	/* find the last symbol with sym.addr <= addr */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (addr - ks->syms[lo].addr >= MAX_SYM_SPAN)
		return NULL;
	return &ks->syms[lo];
}

/* the hook's own machinery: the program, its trampoline, tracepoint glue */
static int is_bpf_frame(const struct ksym *s)
{
	return !s || (s->module && !strcmp(s->module, "bpf")) ||
	       !strncmp(s->name, "bpf_trace_run", 13) || !strncmp(s->name, "__bpf_trace_", 12) ||
	       !strncmp(s->name, "bpf_prog_", 9) || !strncmp(s->name, "bpf_trampoline_", 15) ||
	       !strncmp(s->name, "__traceiter_", 12);
}

int ksyms__bpf_frames(const struct ksyms *ks, const unsigned long long *addrs, int n)
{
	int i;

	if (!ks)
		return 0;
	/* the prefix only: a BPF-looking frame below the kernel's is the kernel's */
	for (i = 0; i < n && is_bpf_frame(ksyms__resolve(ks, addrs[i])); i++)
		;
	return i < n ? i : 0; /* nothing recognisable: show it all */
}

const struct ksym *ksyms__find(const struct ksyms *ks, const char *name)
{
	size_t i;

	for (i = 0; i < ks->cnt; i++)
		if (!strcmp(ks->syms[i].name, name))
			return &ks->syms[i];
	return NULL;
}

int ksyms__format(const struct ksyms *ks, unsigned long addr, char *buf, size_t size)
{
	const struct ksym *s = ks ? ksyms__resolve(ks, addr) : NULL;

	if (!s)
		return snprintf(buf, size, "0x%lx", addr);
	if (s->module)
		return snprintf(buf, size, "%s+0x%lx [%s]", s->name, addr - s->addr, s->module);
	return snprintf(buf, size, "%s+0x%lx", s->name, addr - s->addr);
}
