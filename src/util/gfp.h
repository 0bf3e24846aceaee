/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Decode gfp masks into the flag names the kernel's own reports print. */
#ifndef __OOMTRACE_GFP_H
#define __OOMTRACE_GFP_H

#include <stddef.h>

struct btf;
struct gfp_table;

/* Flag values from the kernel's BTF (6.10+ declares them as ___GFP_*_BIT). */
struct gfp_table *gfp_table__from_btf(const struct btf *btf);
/* Flag values as kernels 6.3 to 6.9 define them (no BTF enum to read). */
struct gfp_table *gfp_table__classic(void);
void gfp_table__free(struct gfp_table *t);
/*
 * The single-bit flags a table was built from, by index: the name after
 * ___GFP_ ("DIRECT_RECLAIM") and its value here (0: not in this kernel).
 * -ENOENT past the last.  A --record file keeps them, and
 * gfp_table__from_flags() builds the same table from them elsewhere.
 */
int gfp_table__flag(const struct gfp_table *t, size_t i, const char **name, unsigned int *value);
struct gfp_table *gfp_table__from_flags(const char *const *names, const unsigned int *values,
					size_t n, int from_kernel);
/* Whether the values came from the kernel's BTF. */
int gfp_table__from_kernel(const struct gfp_table *t);

/*
 * GFP_RECLAIM_MASK (mm/internal.h): the bits of a request that reclaim
 * keeps.  Memcg reclaim replaces all others with GFP_HIGHUSER_MOVABLE's.
 */
unsigned int gfp_table__reclaim_mask(const struct gfp_table *t);

/*
 * Write e.g. "GFP_HIGHUSER_MOVABLE|__GFP_COMP" into buf, composite names
 * first as the kernel's __def_gfpflag_names does, unknown bits as hex.
 * Returns the length snprintf() would have written.
 */
int gfp_table__format(const struct gfp_table *t, unsigned int gfp, char *buf, size_t size);

#endif
