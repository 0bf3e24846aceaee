// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * After the kill: what the oom_reaper did with each victim and when the
 * victim exited.  kill.bpf.c enters each victim in the victims map; its
 * exit streams an oom_reaped record, so that a kill record is never held
 * back waiting for it.  The reaper waits a while (2 s since 5.18) before
 * touching a victim that is exiting on its own, so most victims exit with
 * the reaper never acting.
 */
#include "oomtrace.bpf.h"
#include <bpf/bpf_tracing.h>

static __always_inline void note_reaper(int pid, __u32 state)
{
	__u32 tid = pid;
	struct victim_state *v = bpf_map_lookup_elem(&victims, &tid);

	if (!v)
		return;
	if (state == REAPER_STARTED)
		v->reap_start_ns = bpf_ktime_get_ns();
	else
		v->reap_end_ns = bpf_ktime_get_ns();
	v->reaper = state;
}

SEC("raw_tp/start_task_reaping")
int BPF_PROG(start_task_reaping, int pid)
{
	note_reaper(pid, REAPER_STARTED);
	return 0;
}

SEC("raw_tp/finish_task_reaping")
int BPF_PROG(finish_task_reaping, int pid)
{
	note_reaper(pid, REAPER_FINISHED);
	return 0;
}

SEC("raw_tp/skip_task_reaping")
int BPF_PROG(skip_task_reaping, int pid)
{
	note_reaper(pid, REAPER_SKIPPED);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(victim_exit)
{
	__u32 tid = current_tid();
	struct victim_state *v = bpf_map_lookup_elem(&victims, &tid);
	struct oom_reaped_record *rec;

	if (!v)
		return 0;
	rec = bpf_ringbuf_reserve(&kill_ring, sizeof(*rec), 0);
	if (rec) {
		rec->type = RECORD_OOM_REAPED;
		rec->reaper = v->reaper;
		rec->event_id = v->event_id;
		rec->kill_ns = v->kill_ns;
		rec->reap_start_ns = v->reap_start_ns;
		rec->reap_end_ns = v->reap_end_ns;
		rec->exit_ns = bpf_ktime_get_ns();
		rec->victim_pid = v->pid;
		rec->victim_tid = tid;
		__builtin_memcpy(rec->victim_comm, v->comm, sizeof(rec->victim_comm));
		bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP); /* see tracer__run() */
	} else {
		count_drop(RECORD_OOM_REAPED);
	}
	bpf_map_delete_elem(&victims, &tid);
	return 0;
}
