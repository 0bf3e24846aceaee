/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Where this kernel keeps the counters the kernel's report prints of each
 * node (bpf/node_mem.bpf.h reads them at the kill): each counter's index
 * in pglist_data.vm_stat or zone.vm_stat, by its enumerator's name in the
 * kernel's BTF, and its unit.  Kernels move counters between the two
 * arrays and rename them: NR_PAGETABLE was a zone counter before 5.11,
 * and slab's counters are NR_SLAB_RECLAIMABLE_B since 5.9 (in bytes for a
 * memcg, still in pages for a node).  Kernel stacks count in kB.
 */
#ifndef __OOMTRACE_NODE_MEM_LAYOUT_H
#define __OOMTRACE_NODE_MEM_LAYOUT_H

#include "oomtrace.h"

struct btf;

enum node_stat_unit {
	NODE_STAT_PAGES = 0,
	NODE_STAT_KB = 1,
};

struct node_mem_layout {
	int node_index[OOMT_NODE_STATS]; /* in pglist_data.vm_stat; -1: not there */
	int unit[OOMT_NODE_STATS];	 /* enum node_stat_unit */
	int pagetable_zone_index;	 /* NR_PAGETABLE in zone.vm_stat, when a zone counter; -1 */
	int free_pages_index;		 /* NR_FREE_PAGES in zone.vm_stat; -1 */
	int nr_zone_types;		 /* MAX_NR_ZONES; 0: not known */
};

/*
 * Read the layout from vmlinux's BTF.  Counters not found stay -1 (left
 * unread: null in the record, never another counter); 0, or -ENOENT when
 * the zones cannot be read at all.
 */
int node_mem_layout__read(const struct btf *vmlinux, struct node_mem_layout *l);
/* One more than the highest node id of a sysfs node list ("0-3,6"), or -EINVAL. */
int node_mem_layout__nr_node_ids(const char *list);
/* The node ids to read, from /sys/devices/system/node/possible: 1 without NUMA. */
int node_mem_layout__possible_nodes(void);

#endif
