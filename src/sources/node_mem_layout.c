// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "node_mem_layout.h"

/* Each counter's enumerators, newest first, with the unit each counts in. */
static const struct {
	const char *names[2];
	int units[2];
} stats[OOMT_NODE_STATS] = {
	[OOMT_NS_ACTIVE_ANON] = { { "NR_ACTIVE_ANON" } },
	[OOMT_NS_INACTIVE_ANON] = { { "NR_INACTIVE_ANON" } },
	[OOMT_NS_ACTIVE_FILE] = { { "NR_ACTIVE_FILE" } },
	[OOMT_NS_INACTIVE_FILE] = { { "NR_INACTIVE_FILE" } },
	[OOMT_NS_UNEVICTABLE] = { { "NR_UNEVICTABLE" } },
	[OOMT_NS_ISOLATED_ANON] = { { "NR_ISOLATED_ANON" } },
	[OOMT_NS_ISOLATED_FILE] = { { "NR_ISOLATED_FILE" } },
	[OOMT_NS_FILE_MAPPED] = { { "NR_FILE_MAPPED" } },
	[OOMT_NS_FILE_DIRTY] = { { "NR_FILE_DIRTY" } },
	[OOMT_NS_WRITEBACK] = { { "NR_WRITEBACK" } },
	[OOMT_NS_SHMEM] = { { "NR_SHMEM" } },
	/* named in bytes (5.9+), but a node keeps them in pages, as mm/vmstat.c says */
	[OOMT_NS_SLAB_RECLAIMABLE] = { { "NR_SLAB_RECLAIMABLE_B", "NR_SLAB_RECLAIMABLE" } },
	[OOMT_NS_SLAB_UNRECLAIMABLE] = { { "NR_SLAB_UNRECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE" } },
	[OOMT_NS_KERNEL_STACK] = { { "NR_KERNEL_STACK_KB" }, { NODE_STAT_KB } },
	[OOMT_NS_PAGETABLE] = { { "NR_PAGETABLE" } },
};

/* The value of enumerator name in enum enum_name, or -1. */
static int enum_value(const struct btf *btf, const char *enum_name, const char *name)
{
	int id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	const struct btf_type *t;
	const struct btf_enum *e;

	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++)
		if (!strcmp(btf__name_by_offset(btf, e->name_off), name))
			return e->val;
	return -1;
}

int node_mem_layout__read(const struct btf *vmlinux, struct node_mem_layout *l)
{
	for (int s = 0; s < OOMT_NODE_STATS; s++) {
		l->node_index[s] = -1;
		l->unit[s] = NODE_STAT_PAGES;
		for (int n = 0; n < 2 && stats[s].names[n]; n++) {
			int v = enum_value(vmlinux, "node_stat_item", stats[s].names[n]);

			if (v >= 0) {
				l->node_index[s] = v;
				l->unit[s] = stats[s].units[n];
				break;
			}
		}
	}
	l->pagetable_zone_index = l->node_index[OOMT_NS_PAGETABLE] < 0
					  ? enum_value(vmlinux, "zone_stat_item", "NR_PAGETABLE")
					  : -1;
	l->free_pages_index = enum_value(vmlinux, "zone_stat_item", "NR_FREE_PAGES");
	l->nr_zone_types = enum_value(vmlinux, "zone_type", "__MAX_NR_ZONES");
	if (l->nr_zone_types < 0 || l->nr_zone_types > OOMT_MAX_ZONE_TYPES)
		l->nr_zone_types = 0;
	return l->nr_zone_types && l->free_pages_index >= 0 ? 0 : -ENOENT;
}

int node_mem_layout__nr_node_ids(const char *list)
{
	int max = -1;

	for (const char *p = list; *p && *p != '\n';) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || v < 0 || v > 65535)
			return -EINVAL;
		if (v > max)
			max = v;
		p = end;
		if (*p == '-' || *p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return max + 1;
}

int node_mem_layout__possible_nodes(void)
{
	FILE *f = fopen("/sys/devices/system/node/possible", "re");
	char buf[256] = "";
	int n;

	if (!f)
		return 1; /* no NUMA support built in: node 0 alone */
	n = fgets(buf, sizeof(buf), f) ? node_mem_layout__nr_node_ids(buf) : -EINVAL;
	fclose(f);
	return n > 0 ? n : 1;
}
