// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include "tp_layout.h"

void tp_layout__classic(struct tp_layout *l)
{
	*l = (struct tp_layout){
		.begin_order = 0,
		.begin_gfp = 1,
		.end_reclaimed = 0,
		.shrink_nid = 0,
		.shrink_scanned = 1,
		.shrink_reclaimed = 2,
		.kswapd_nid = 0,
	};
}

/* The name a parameter's type is known by: a typedef's or a base type's. */
static const char *type_name_of(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_const(t) || btf_is_volatile(t) || btf_is_restrict(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !(btf_is_typedef(t) || btf_is_int(t)))
		return "";
	return btf__name_by_offset(btf, t->name_off) ?: "";
}

int tp_layout__arg(const struct btf *btf, const char *tp, const char *type_name, int nth)
{
	char name[128];
	const struct btf_type *t;
	const struct btf_param *p;
	int id, i;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return -1;
	/* typedef -> pointer -> function prototype (void *data, args...) */
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	p = btf_params(t);
	for (i = 1; i < btf_vlen(t); i++)
		if (!strcmp(type_name_of(btf, p[i].type), type_name) && nth-- == 0)
			return i - 1;
	return -1;
}

static void note_missing(char *missing, size_t len, const char *what, int pos)
{
	size_t used;

	if (pos >= 0 || !missing || !len)
		return;
	used = strlen(missing);
	snprintf(missing + used, len - used, "%s%s", used ? ", " : "", what);
}

int tp_layout__read(const struct btf *btf, struct tp_layout *l, char *missing, size_t len)
{
	/* a base type's BTF name is the compiler's: "long unsigned int" */
	static const char ulong[] = "long unsigned int";
	/* memcg and direct reclaim share an event class: one answers for both */
	static const char begin[] = "mm_vmscan_memcg_reclaim_begin";
	static const char end[] = "mm_vmscan_memcg_reclaim_end";
	static const char shrink[] = "mm_vmscan_lru_shrink_inactive";

	if (missing && len)
		missing[0] = '\0';
	l->begin_order = tp_layout__arg(btf, begin, "int", 0);
	l->begin_gfp = tp_layout__arg(btf, begin, "gfp_t", 0);
	l->end_reclaimed = tp_layout__arg(btf, end, ulong, 0);
	l->shrink_nid = tp_layout__arg(btf, shrink, "int", 0);
	l->shrink_scanned = tp_layout__arg(btf, shrink, ulong, 0);
	l->shrink_reclaimed = tp_layout__arg(btf, shrink, ulong, 1);
	l->kswapd_nid = tp_layout__arg(btf, "mm_vmscan_kswapd_wake", "int", 0);
	/* direct reclaim's events must agree, or neither position is trusted */
	if (tp_layout__arg(btf, "mm_vmscan_direct_reclaim_begin", "int", 0) != l->begin_order ||
	    tp_layout__arg(btf, "mm_vmscan_direct_reclaim_begin", "gfp_t", 0) != l->begin_gfp)
		l->begin_order = l->begin_gfp = -1;
	if (tp_layout__arg(btf, "mm_vmscan_direct_reclaim_end", ulong, 0) != l->end_reclaimed)
		l->end_reclaimed = -1;
	note_missing(missing, len, "reclaim_begin order", l->begin_order);
	note_missing(missing, len, "reclaim_begin gfp_flags", l->begin_gfp);
	note_missing(missing, len, "reclaim_end nr_reclaimed", l->end_reclaimed);
	note_missing(missing, len, "lru_shrink_inactive nid", l->shrink_nid);
	note_missing(missing, len, "lru_shrink_inactive nr_scanned", l->shrink_scanned);
	note_missing(missing, len, "lru_shrink_inactive nr_reclaimed", l->shrink_reclaimed);
	note_missing(missing, len, "kswapd_wake nid", l->kswapd_nid);
	return l->begin_order < 0 || l->begin_gfp < 0 || l->end_reclaimed < 0 || l->shrink_nid < 0 ||
		       l->shrink_scanned < 0 || l->shrink_reclaimed < 0 || l->kswapd_nid < 0
		   ? -ENOENT
		   : 0;
}
