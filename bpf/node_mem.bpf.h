/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The machine's memory at the kill, read where the kernel's own report
 * reads it (show_mem()): each node's counters (pglist_data.vm_stat) and
 * each populated zone's free pages, watermarks and lowmem_reserve.  Only
 * kill.bpf.c includes it.
 *
 * A node's pglist_data is reached through a memcg's per-node info, whose
 * lruvec names its node: no kernel symbol is needed, which a kernel
 * without CONFIG_KALLSYMS_ALL would not give.  Structs are indexed by
 * their sizes in this kernel's BTF, never by this build's.
 */
#ifndef __OOMTRACE_NODE_MEM_BPF_H
#define __OOMTRACE_NODE_MEM_BPF_H

#include "oomtrace.bpf.h"

/* set by user space before load, from the kernel's BTF and sysfs */
const volatile __u32 nr_mem_nodes = 0;	/* node ids to read: nr_node_ids, at most OOMT_MAX_NODES */
const volatile __u32 nr_zone_types = 0; /* MAX_NR_ZONES */
/* each enum oomt_node_stat's index in pglist_data.vm_stat; -1: not a node counter here */
const volatile __s32 node_stat_index[OOMT_NODE_STATS] = {};
/* each one's unit, as a right shift to pages: kB or pages */
const volatile __u32 node_stat_shift[OOMT_NODE_STATS] = {};
const volatile __u32 node_stats_known = 0; /* bit 1 << enum oomt_node_stat */
/* NR_PAGETABLE's index in zone.vm_stat where it is a zone counter (before 5.11); -1 */
const volatile __s32 pagetable_zone_index = -1;
const volatile __s32 free_pages_index = -1; /* NR_FREE_PAGES in zone.vm_stat */

/* the kill's node memory is put together here, then copied into the record */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct oomt_node_memory);
} node_mem_scratch SEC(".maps");

static __always_inline __u64 vm_stat_at(void *counters, __s32 index)
{
	long v = 0;

	if (index < 0 || index > 255)
		return 0;
	bpf_probe_read_kernel(&v, sizeof(v), counters + index * sizeof(long));
	return v > 0 ? v : 0; /* a counter read between per-CPU folds can be below 0 */
}

static __always_inline void read_zone(struct oomt_zone_mem *zm, struct zone *z, __u32 node,
				      __u32 type)
{
	void *reserve = (void *)z + bpf_core_field_offset(struct zone, lowmem_reserve);

	zm->node = node;
	zm->zone = type;
	bpf_probe_read_kernel_str(zm->name, sizeof(zm->name), BPF_CORE_READ(z, name));
	zm->free = vm_stat_at((void *)z + bpf_core_field_offset(struct zone, vm_stat),
			      free_pages_index);
	zm->watermark[0] = BPF_CORE_READ(z, _watermark[0]);
	zm->watermark[1] = BPF_CORE_READ(z, _watermark[1]);
	zm->watermark[2] = BPF_CORE_READ(z, _watermark[2]);
	zm->boost = BPF_CORE_READ(z, watermark_boost);
	zm->present = BPF_CORE_READ(z, present_pages);
	zm->managed = BPF_CORE_READ(z, managed_pages.counter);
	for (__u32 i = 0; i < OOMT_MAX_ZONE_TYPES && i < nr_zone_types; i++)
		bpf_probe_read_kernel(&zm->lowmem_reserve[i], sizeof(zm->lowmem_reserve[i]),
				      reserve + i * sizeof(long));
}

/*
 * Fill the scratch's node memory from memcg (any memcg: each has every
 * node's info); 1 when it holds some.  A global function, checked by the
 * verifier once on its own, with plain integers in and out (5.10 takes no
 * pointers here).
 */
__noinline int oomt_read_node_memory(__u64 memcg)
{
	__u32 zero = 0, nz = 0, nn = 0;
	struct oomt_node_memory *nm = bpf_map_lookup_elem(&node_mem_scratch, &zero);
	void *nodeinfo = (void *)memcg + bpf_core_field_offset(struct mem_cgroup, nodeinfo);

	if (!nm || !memcg || !bpf_core_field_exists(struct lruvec, pgdat))
		return 0;
	nm->nr_nodes = 0;
	nm->nr_zones = 0;
	nm->zones_truncated = 0;
	nm->stats_known = node_stats_known;
	nm->nr_zone_types = nr_zone_types;
	for (__u32 n = 0; n < OOMT_MAX_NODES && n < nr_mem_nodes; n++) {
		struct mem_cgroup_per_node *pn = NULL;
		struct oomt_node_mem *node = &nm->nodes[n];
		struct pglist_data *pgdat;
		void *zones, *stats;

		node->node = n;
		node->present = 0;
		bpf_probe_read_kernel(&pn, sizeof(pn), nodeinfo + n * sizeof(void *));
		pgdat = pn ? BPF_CORE_READ(pn, lruvec.pgdat) : NULL;
		if (!pgdat)
			continue;
		node->present = 1;
		stats = (void *)pgdat + bpf_core_field_offset(struct pglist_data, vm_stat);
		zones = (void *)pgdat + bpf_core_field_offset(struct pglist_data, node_zones);
		for (__u32 s = 0; s < OOMT_NODE_STATS; s++)
			node->stat[s] = vm_stat_at(stats, node_stat_index[s]) >> (node_stat_shift[s] & 63);
		for (__u32 t = 0; t < OOMT_MAX_ZONE_TYPES && t < nr_zone_types; t++) {
			struct zone *z = zones + t * bpf_core_type_size(struct zone);

			if (!BPF_CORE_READ(z, present_pages))
				continue;
			if (pagetable_zone_index >= 0)
				node->stat[OOMT_NS_PAGETABLE] += vm_stat_at(
				    (void *)z + bpf_core_field_offset(struct zone, vm_stat),
				    pagetable_zone_index);
			if (nz >= OOMT_MAX_ZONES) {
				nm->zones_truncated = 1;
				continue;
			}
			read_zone(&nm->zones[nz & (OOMT_MAX_ZONES - 1)], z, n, t);
			nz++;
		}
		nn = n + 1;
	}
	nm->nr_nodes = nn;
	nm->nr_zones = nz;
	return nn > 0;
}

#endif /* __OOMTRACE_NODE_MEM_BPF_H */
