/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where the vmscan tracepoints' arguments are on this kernel.  A raw
 * tracepoint program reads its arguments by position, and kernels reorder
 * them: 7.x passes (gfp_t, int order, struct mem_cgroup *) to
 * mm_vmscan_{memcg,direct}_reclaim_begin where earlier kernels pass
 * (int order, gfp_t).  Each position is found by type in the kernel's BTF
 * prototype of the tracepoint (typedef btf_trace_<name>).
 */
#ifndef __OOMTRACE_TP_LAYOUT_H
#define __OOMTRACE_TP_LAYOUT_H

struct btf;

/* Argument positions, after the tracepoint's data pointer; -1: not found. */
struct tp_layout {
	int begin_order;      /* mm_vmscan_{memcg,direct}_reclaim_begin: int order */
	int begin_gfp;	      /* ... gfp_t gfp_flags */
	int end_reclaimed;    /* mm_vmscan_{memcg,direct}_reclaim_end: nr_reclaimed */
	int shrink_nid;	      /* mm_vmscan_lru_shrink_inactive: int nid */
	int shrink_scanned;   /* ... unsigned long nr_scanned */
	int shrink_reclaimed; /* ... unsigned long nr_reclaimed */
	int kswapd_nid;	      /* mm_vmscan_kswapd_wake and _sleep: int nid */
};

/* The layout before any kernel changed it: what a kernel without BTF gets. */
void tp_layout__classic(struct tp_layout *l);
/*
 * Read the layout from vmlinux's BTF.  Returns 0, or -ENOENT when some
 * argument was not found (its position is then -1: the programs leave it
 * unread rather than read the wrong one); what was not found is named in
 * missing (a comma-separated list, may be NULL).
 */
int tp_layout__read(const struct btf *vmlinux, struct tp_layout *l, char *missing, size_t len);
/*
 * The position of the nth (0-based) argument of tracepoint tp whose type
 * is type_name (a typedef's or a base type's name, qualifiers skipped), or
 * -1.  Exposed for the unit tests.
 */
int tp_layout__arg(const struct btf *vmlinux, const char *tp, const char *type_name, int nth);

#endif
