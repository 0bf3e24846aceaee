// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "gfp.h"

/* The single-bit flags, by the name the kernel gives them after ___GFP_. */
static const char *const base_names[] = {
	"DMA",
	"HIGHMEM",
	"DMA32",
	"MOVABLE",
	"RECLAIMABLE",
	"HIGH",
	"IO",
	"FS",
	"ZERO",
	"ATOMIC",
	"DIRECT_RECLAIM",
	"KSWAPD_RECLAIM",
	"WRITE",
	"NOWARN",
	"RETRY_MAYFAIL",
	"NOFAIL",
	"NORETRY",
	"MEMALLOC",
	"COMP",
	"NOMEMALLOC",
	"HARDWALL",
	"THISNODE",
	"ACCOUNT",
	"ZEROTAGS",
	"SKIP_ZERO",
	"SKIP_KASAN",
	"SKIP_KASAN_UNPOISON",
	"SKIP_KASAN_POISON",
	"NOLOCKDEP",
	"NO_OBJ_EXT",
};
#define NR_BASE (sizeof(base_names) / sizeof(base_names[0]))

/*
 * Values from include/linux/gfp_types.h before the flags became an enum
 * (6.3 to 6.9; 6.1/6.2 had the same values plus ___GFP_ATOMIC at 0x200).
 * The KASAN and lockdep bits depend on config options stock x86 kernels
 * leave off, so they stay 0 here.
 */
static const unsigned int classic_values[NR_BASE] = {
	0x1,	  0x2,	    0x4,      0x8,	0x10,	0x20,	0x40,	 0x80,	  0x100,   0x200,
	0x400,	  0x800,    0x1000,   0x2000,	0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000,
	0x100000, 0x200000, 0x400000, 0x800000, 0,	0,	0,	 0,	  0,	   0,
};

/*
 * The names a report prints, in the kernel's order: composites before
 * the bits they cover.  bits[] are ORed, clear[] removed afterwards.
 */
struct gfp_name_def {
	const char *name;
	const char *bits[16];
	const char *clear[3];
};

#define GFP_USER_BITS "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "IO", "FS", "HARDWALL"
#define GFP_HIGHUSER_MOVABLE_BITS                                                                  \
	GFP_USER_BITS, "HIGHMEM", "MOVABLE", "SKIP_KASAN", "SKIP_KASAN_UNPOISON",                  \
	    "SKIP_KASAN_POISON"

static const struct gfp_name_def name_defs[] = {
	{ "GFP_TRANSHUGE",
	  { GFP_HIGHUSER_MOVABLE_BITS, "COMP", "NOMEMALLOC", "NOWARN" },
	  { "KSWAPD_RECLAIM" } },
	{ "GFP_TRANSHUGE_LIGHT",
	  { GFP_HIGHUSER_MOVABLE_BITS, "COMP", "NOMEMALLOC", "NOWARN" },
	  { "DIRECT_RECLAIM", "KSWAPD_RECLAIM" } },
	{ "GFP_HIGHUSER_MOVABLE", { GFP_HIGHUSER_MOVABLE_BITS } },
	{ "GFP_HIGHUSER", { GFP_USER_BITS, "HIGHMEM" } },
	{ "GFP_USER", { GFP_USER_BITS } },
	{ "GFP_KERNEL_ACCOUNT", { "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "IO", "FS", "ACCOUNT" } },
	{ "GFP_KERNEL", { "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "IO", "FS" } },
	{ "GFP_NOFS", { "DIRECT_RECLAIM", "KSWAPD_RECLAIM", "IO" } },
	{ "GFP_ATOMIC", { "HIGH", "ATOMIC", "KSWAPD_RECLAIM" } },
	{ "GFP_NOIO", { "DIRECT_RECLAIM", "KSWAPD_RECLAIM" } },
	{ "GFP_NOWAIT", { "KSWAPD_RECLAIM" } },
	{ "GFP_DMA", { "DMA" } },
	{ "__GFP_HIGHMEM", { "HIGHMEM" } },
	{ "GFP_DMA32", { "DMA32" } },
	{ "__GFP_HIGH", { "HIGH" } },
	{ "__GFP_ATOMIC", { "ATOMIC" } },
	{ "__GFP_IO", { "IO" } },
	{ "__GFP_FS", { "FS" } },
	{ "__GFP_NOWARN", { "NOWARN" } },
	{ "__GFP_RETRY_MAYFAIL", { "RETRY_MAYFAIL" } },
	{ "__GFP_NOFAIL", { "NOFAIL" } },
	{ "__GFP_NORETRY", { "NORETRY" } },
	{ "__GFP_COMP", { "COMP" } },
	{ "__GFP_ZERO", { "ZERO" } },
	{ "__GFP_NOMEMALLOC", { "NOMEMALLOC" } },
	{ "__GFP_MEMALLOC", { "MEMALLOC" } },
	{ "__GFP_HARDWALL", { "HARDWALL" } },
	{ "__GFP_THISNODE", { "THISNODE" } },
	{ "__GFP_RECLAIMABLE", { "RECLAIMABLE" } },
	{ "__GFP_MOVABLE", { "MOVABLE" } },
	{ "__GFP_ACCOUNT", { "ACCOUNT" } },
	{ "__GFP_WRITE", { "WRITE" } },
	{ "__GFP_RECLAIM", { "DIRECT_RECLAIM", "KSWAPD_RECLAIM" } },
	{ "__GFP_DIRECT_RECLAIM", { "DIRECT_RECLAIM" } },
	{ "__GFP_KSWAPD_RECLAIM", { "KSWAPD_RECLAIM" } },
	{ "__GFP_ZEROTAGS", { "ZEROTAGS" } },
	{ "__GFP_SKIP_ZERO", { "SKIP_ZERO" } },
	{ "__GFP_SKIP_KASAN", { "SKIP_KASAN" } },
	{ "__GFP_SKIP_KASAN_UNPOISON", { "SKIP_KASAN_UNPOISON" } },
	{ "__GFP_SKIP_KASAN_POISON", { "SKIP_KASAN_POISON" } },
	{ "__GFP_NOLOCKDEP", { "NOLOCKDEP" } },
	{ "__GFP_NO_OBJ_EXT", { "NO_OBJ_EXT" } },
};
#define NR_NAMES (sizeof(name_defs) / sizeof(name_defs[0]))

static const char *const reclaim_bits[] = {
	"DIRECT_RECLAIM", "KSWAPD_RECLAIM", "HIGH",   "ATOMIC",	 "IO",	     "FS",
	"NOWARN",	  "RETRY_MAYFAIL",  "NOFAIL", "NORETRY", "MEMALLOC", "NOMEMALLOC",
	"NOLOCKDEP",
};

struct gfp_table {
	unsigned int values[NR_BASE]; /* the single-bit flags: what the kernel says */
	unsigned int mask[NR_NAMES];
	unsigned int reclaim_mask;
	int from_kernel;
};

static int base_index(const char *name)
{
	size_t i;

	for (i = 0; i < NR_BASE; i++)
		if (!strcmp(base_names[i], name))
			return i;
	return -1;
}

static unsigned int or_bits(const char *const *names, size_t n, const unsigned int *values)
{
	unsigned int m = 0;
	size_t i;

	for (i = 0; i < n && names[i]; i++) {
		int idx = base_index(names[i]);

		if (idx >= 0)
			m |= values[idx];
	}
	return m;
}

static struct gfp_table *table_from_values(const unsigned int *values, int from_kernel)
{
	struct gfp_table *t = calloc(1, sizeof(*t));
	size_t i;

	if (!t)
		return NULL;
	memcpy(t->values, values, sizeof(t->values));
	for (i = 0; i < NR_NAMES; i++) {
		const struct gfp_name_def *d = &name_defs[i];
		unsigned int set = or_bits(d->bits, 16, values);
		unsigned int clear = or_bits(d->clear, 3, values);

		t->mask[i] = set & ~clear;
	}
	t->reclaim_mask =
	    or_bits(reclaim_bits, sizeof(reclaim_bits) / sizeof(reclaim_bits[0]), values);
	t->from_kernel = from_kernel;
	return t;
}

struct gfp_table *gfp_table__classic(void)
{
	return table_from_values(classic_values, 0);
}

struct gfp_table *gfp_table__from_btf(const struct btf *btf)
{
	unsigned int values[NR_BASE] = {};
	int found = 0;
	__u32 id, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;
		__u16 i;

		if (!btf_is_enum(t))
			continue;
		e = btf_enum(t);
		for (i = 0; i < btf_vlen(t); i++, e++) {
			const char *name = btf__name_by_offset(btf, e->name_off);
			char base[64];
			size_t len;
			int idx;

			if (!name || strncmp(name, "___GFP_", 7))
				continue;
			len = strlen(name + 7);
			if (len < 5 || len >= sizeof(base) || strcmp(name + 7 + len - 4, "_BIT"))
				continue;
			memcpy(base, name + 7, len - 4);
			base[len - 4] = '\0';
			idx = base_index(base);
			if (idx >= 0 && e->val >= 0 && e->val < 32) {
				values[idx] = 1u << e->val;
				found++;
			}
		}
		if (found)
			break;
	}
	if (!found) {
		errno = ENOENT;
		return NULL;
	}
	return table_from_values(values, 1);
}

int gfp_table__flag(const struct gfp_table *t, size_t i, const char **name, unsigned int *value)
{
	if (i >= NR_BASE)
		return -ENOENT;
	*name = base_names[i];
	*value = t->values[i];
	return 0;
}

struct gfp_table *gfp_table__from_flags(const char *const *names, const unsigned int *values,
					size_t n, int from_kernel)
{
	unsigned int known[NR_BASE] = {};

	/* a flag this version does not know of has no name to print here */
	for (size_t i = 0; i < n; i++) {
		int idx = base_index(names[i]);

		if (idx >= 0)
			known[idx] = values[i];
	}
	return table_from_values(known, from_kernel);
}

void gfp_table__free(struct gfp_table *t)
{
	free(t);
}

unsigned int gfp_table__reclaim_mask(const struct gfp_table *t)
{
	return t->reclaim_mask;
}

int gfp_table__from_kernel(const struct gfp_table *t)
{
	return t->from_kernel;
}

/* snprintf() at *len, keeping *len the length a large enough buf would have */
static void append(char *buf, size_t size, int *len, const char *part)
{
	size_t at = (size_t)*len < size ? (size_t)*len : size;

	*len += snprintf(buf + at, size - at, "%s%s", *len ? "|" : "", part);
}

int gfp_table__format(const struct gfp_table *t, unsigned int gfp, char *buf, size_t size)
{
	unsigned int left = gfp;
	char hex[16];
	int len = 0;
	size_t i;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < NR_NAMES && left; i++) {
		unsigned int m = t->mask[i];

		if (!m || (left & m) != m)
			continue;
		append(buf, size, &len, name_defs[i].name);
		left &= ~m;
	}
	if (left || !gfp) {
		snprintf(hex, sizeof(hex), "%#x", left);
		append(buf, size, &len, hex);
	}
	return len;
}
