// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The page allocator's retries before a global OOM: should_reclaim_retry()
 * checks each zone of the zonelist (oom:reclaim_retry_zone), and
 * should_compact_retry() says whether to compact again (oom:compact_retry).
 * Each task's last checks are kept, one entry per zone, and join its kill
 * record (kill.bpf.c) as the story of why the allocator gave up.
 */
#include "oomtrace.bpf.h"
#include <bpf/bpf_tracing.h>

static const struct oomt_alloc_retry zero_retry;

static __always_inline struct oomt_alloc_retry *task_retry(__u64 now)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct oomt_alloc_retry *r = bpf_map_lookup_elem(&alloc_retries, &tid);

	if (r && now - r->last_ns > OOMT_RETRY_GAP_NS)
		r = NULL;
	if (!r) {
		if (bpf_map_update_elem(&alloc_retries, &tid, &zero_retry, BPF_ANY))
			return NULL;
		r = bpf_map_lookup_elem(&alloc_retries, &tid);
		if (!r)
			return NULL;
		r->first_ns = now;
	}
	r->last_ns = now;
	return r;
}

SEC("raw_tp/reclaim_retry_zone")
int BPF_PROG(reclaim_retry_zone, struct zoneref *zoneref, int order, unsigned long reclaimable,
	     unsigned long available, unsigned long min_wmark, int no_progress_loops,
	     bool wmark_check)
{
	__u64 now = bpf_ktime_get_ns();
	struct oomt_alloc_retry *r = task_retry(now);
	struct zone *zone = BPF_CORE_READ(zoneref, zone);
	__u32 node = BPF_CORE_READ(zone, zone_pgdat, node_id);
	__u32 zone_idx = BPF_CORE_READ(zoneref, zone_idx);
	struct oomt_retry_zone *z = NULL;

	if (!r)
		return 0;
	r->checks++;
	r->order = order;
	for (int i = 0; i < OOMT_RETRY_ZONES; i++) {
		if (i == r->nr_zones) {
			r->nr_zones = i + 1;
			z = &r->zones[i];
			break;
		}
		if (r->zones[i].node == node && r->zones[i].zone_idx == zone_idx) {
			z = &r->zones[i];
			break;
		}
	}
	if (!z)
		return 0; /* more zones than kept: the first ones stay */
	z->node = node;
	z->zone_idx = zone_idx;
	z->reclaimable = reclaimable;
	z->available = available;
	z->min_wmark = min_wmark;
	z->no_progress_loops = no_progress_loops;
	z->wmark_check = wmark_check;
	return 0;
}

SEC("raw_tp/compact_retry")
int BPF_PROG(compact_retry, int order, int priority, int result, int retries, int max_retries,
	     bool ret)
{
	struct oomt_alloc_retry *r = task_retry(bpf_ktime_get_ns());

	if (!r)
		return 0;
	r->compactions++;
	r->compact_order = order;
	r->compact_retries = retries;
	r->compact_max_retries = max_retries;
	r->compact_ret = ret;
	return 0;
}
