// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The kill path.  oom:mark_victim fires once per task the OOM killer marks,
 * on every kernel, in the invoker's context: it is where each record is
 * built.  Where the kernel allows fentry or kprobes, oom_kill_process()
 * first stashes its oom_control so the record carries the kernel's own
 * points, totalpages, constraint, gfp and memcg; otherwise they are derived
 * here (memcg) and in user space (points), and gfp/order come from the
 * invoker's last reclaim pass.  The invoker's reclaim episode
 * (reclaim.bpf.c) joins the record; the victim is handed to reaper.bpf.c.
 */
#define OOMT_DEFINE_MAPS /* this file defines the shared maps */
#include "oomtrace.bpf.h"
#include <bpf/bpf_tracing.h>
#include "core_fixes.bpf.h"
#include "node_mem.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* try_charge_memcg() charges in batches of this many pages */
#define MEMCG_CHARGE_BATCH 64

/* marks by one invoker this close together, with no reclaim between, are one OOM */
#define SAME_EVENT_NS 1000000000ULL

const volatile struct oom_kill_record zero_record = {};
const volatile bool filter_kills = false; /* --cgroup given */
/* PAGE_COUNTER_MAX (LONG_MAX / PAGE_SIZE): a memcg without a limit; set at load */
const volatile __u64 page_counter_max = 0x7fffffffffffffffULL / 4096;

/* the last OOM event id handed out */
__u64 last_event_id = 0;

/*
 * Every path that marks a victim runs under the kernel's oom_lock, so a
 * plain increment is enough.  (A fetch-and-add whose result is used is
 * BPF_ATOMIC|BPF_FETCH, which verifiers before 5.12 reject.)
 */
static __always_inline __u64 next_event_id(void)
{
	last_event_id += 1;
	return last_event_id;
}

/* oom_control as oom_kill_process() saw it, per invoking thread */
struct oc_snapshot {
	struct task_struct *chosen;
	struct mem_cgroup *memcg;
	__s64 chosen_points;
	__u64 totalpages;
	__u32 gfp_mask;
	__s32 order;
	__u32 constraint;
	__u32 hook;
	__u64 event_id;
	__u32 have_nodemask; /* oc->nodemask was read: 1, or 2 for NULL */
	__u32 pad;
	__u64 nodemask[OOMT_NODE_WORDS];
};

/* LRU: an invoker that exits leaves its snapshot behind */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct oc_snapshot);
} oom_ctx SEC(".maps");

/*
 * The task each thread last sent SIGKILL to, and when.  __oom_kill_process()
 * sends it just before mark_oom_victim(); the paths that mark a victim that
 * is already exiting send none.  So it tells a kill from a mark, and, on
 * kernels whose mark_victim passes only a pid, which task the pid names.
 */
struct sigkill {
	__u64 task;
	__u64 ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct sigkill);
} sigkill_target SEC(".maps");

/*
 * Kills the kernel counts that no record stands for.  A memory.oom.group
 * kill passes over every member of the group, the task it chose first
 * included: __oom_kill_process() kills that one again, counting it again
 * in /proc/vmstat oom_kill and its memcg's oom_kill and printing "Killed
 * process" twice, but mark_oom_victim() returns before its tracepoint.
 * The second SIGKILL, in the same OOM event, to a victim still marked is
 * that kill (another SEND_SIG_PRIV SIGKILL to a marked task, outside the
 * event, is none: the kernel counts no kill for it).  By the
 * victim's memcg id; the host's total in oom_rekills.
 */
__u64 oom_rekills = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} rekills SEC(".maps");

static __always_inline void count_rekill(struct task_struct *task)
{
	__u64 id = memcg_id(task_memcg(task)), one = 1, *n;

	oom_rekills += 1; /* under oom_lock, as every kill */
	n = bpf_map_lookup_elem(&rekills, &id);
	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&rekills, &id, &one, BPF_NOEXIST);
}

/* a SIGKILL this long before a mark is not the kill path's (TCG guests are slow) */
#define SIGKILL_TO_MARK_NS 100000000ULL

/* ---- oom_control capture (fentry or kprobe tier) ---- */

static __always_inline void stash_oc(struct oom_control *oc, __u32 hook)
{
	struct oc_snapshot s = {
		.chosen = BPF_CORE_READ(oc, chosen),
		.memcg = BPF_CORE_READ(oc, memcg),
		.chosen_points = BPF_CORE_READ(oc, chosen_points),
		.totalpages = BPF_CORE_READ(oc, totalpages),
		.gfp_mask = BPF_CORE_READ(oc, gfp_mask),
		.order = BPF_CORE_READ(oc, order),
		.constraint = BPF_CORE_READ(oc, constraint),
		.hook = hook,
		.event_id = next_event_id(),
	};
	__u32 tid = current_tid();
	nodemask_t *nm = BPF_CORE_READ(oc, nodemask);

	/* the allocator's nodemask lives on its stack: read it now */
	s.have_nodemask = nm ? 1 : 2;
	if (nm && bpf_probe_read_kernel(s.nodemask, sizeof(s.nodemask), nm))
		s.have_nodemask = 0;
	bpf_map_update_elem(&oom_ctx, &tid, &s, BPF_ANY);
}

static __always_inline void drop_oc(void)
{
	__u32 tid = current_tid();

	bpf_map_delete_elem(&oom_ctx, &tid);
}

SEC("fentry/oom_kill_process")
int BPF_PROG(fentry_oom_kill_process, struct oom_control *oc)
{
	stash_oc(oc, HOOK_FENTRY);
	return 0;
}

/*
 * A snapshot holds from oom_kill_process() until the thread's next
 * out_of_memory(), which may mark an exiting current without calling
 * oom_kill_process().  Dropped at that entry, not at oom_kill_process()'s
 * exit: a fexit trampoline or kretprobe on it takes the return address, and
 * 5.10's unwinder stops there, so every stack taken under it, by any tracer,
 * ends at oom_kill_process.
 */
SEC("fentry/out_of_memory")
int BPF_PROG(fentry_out_of_memory)
{
	drop_oc();
	return 0;
}

SEC("kprobe/oom_kill_process")
int BPF_KPROBE(kprobe_oom_kill_process, struct oom_control *oc)
{
	stash_oc(oc, HOOK_KPROBE);
	return 0;
}

SEC("kprobe/out_of_memory")
int BPF_KPROBE(kprobe_out_of_memory)
{
	drop_oc();
	return 0;
}

#define SIGKILL 9
#define SEND_SIG_PRIV ((struct kernel_siginfo *)1)

SEC("raw_tp/signal_generate")
int BPF_PROG(signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	struct sigkill k = { (__u64)task, 0 };
	struct victim_state *v;
	struct kill_event *ke;
	__u32 tid;

	/* the OOM killer's are SEND_SIG_PRIV; a kill(2) before an allocation is not one */
	if (sig != SIGKILL || info != SEND_SIG_PRIV)
		return 0;
	tid = BPF_CORE_READ(task, pid);
	v = bpf_map_lookup_elem(&victims, &tid);
	tid = current_tid();
	/* a victim of this thread's OOM event, killed again in the same event */
	ke = bpf_map_lookup_elem(&kill_events, &tid);
	if (v && ke && v->event_id == ke->event_id) {
		count_rekill(task);
		return 0;
	}
	k.ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&sigkill_target, &tid, &k, BPF_ANY);
	return 0;
}

/*
 * The task this thread just sent SIGKILL to, if it is the one marked: the
 * task itself (victim) or, with only a pid from mark_victim, its thread id.
 */
static __always_inline struct task_struct *sigkilled_task(__u32 tid, struct task_struct *victim,
							  __u32 victim_tid, __u64 now)
{
	struct sigkill *k = bpf_map_lookup_elem(&sigkill_target, &tid);
	struct task_struct *t;

	if (!k)
		return NULL;
	t = (struct task_struct *)k->task;
	if (now - k->ns > SIGKILL_TO_MARK_NS)
		t = NULL;
	bpf_map_delete_elem(&sigkill_target, &tid);
	if (!t)
		return NULL;
	if (victim)
		return t == victim ? t : NULL;
	return BPF_CORE_READ(t, pid) == victim_tid ? t : NULL;
}

/* ---- the record ---- */

static __always_inline void fill_memcg_state(struct oom_kill_record *rec, struct mem_cgroup *m,
					     __u32 level)
{
	rec->memcg_usage_pages = BPF_CORE_READ(m, memory.usage.counter);
	rec->memcg_max_pages = BPF_CORE_READ(m, memory.max);
	/* swap (v2) and memsw (v1) share storage in struct mem_cgroup */
	rec->memcg_swap_max_pages = BPF_CORE_READ(m, swap.max);
	/* the default (v2) hierarchy is hierarchy 0, as /proc/PID/cgroup shows */
	rec->memcg_is_v1 = BPF_CORE_READ(m, css.cgroup, root, hierarchy_id) != 0;
	rec->memcg_level = level;
	rec->memcg_id = memcg_id(m);
	rec->flags |= KILL_HAVE_MEMCG;
}

static __always_inline bool counter_at_limit(__u64 usage, __u64 max, __u64 slack)
{
	return max < page_counter_max && usage + slack >= max;
}

/* Within one charge of memory.max, or on v1 of memory.memsw.limit_in_bytes. */
static __always_inline bool memcg_at_limit(struct mem_cgroup *m, __u64 slack)
{
	if (counter_at_limit(BPF_CORE_READ(m, memory.usage.counter), BPF_CORE_READ(m, memory.max),
			     slack))
		return true;
	/* swap (v2) and memsw (v1) share storage; only v1's counts memory too */
	return BPF_CORE_READ(m, css.cgroup, root, hierarchy_id) != 0 &&
	       counter_at_limit(BPF_CORE_READ(m, swap.usage.counter), BPF_CORE_READ(m, swap.max),
				slack);
}

/* The charge the OOM was for can have been up to a batch, or the order's pages. */
static __always_inline __u64 charge_slack(const struct oom_kill_record *rec)
{
	if ((rec->flags & KILL_HAVE_GFP) && rec->order > 6 && rec->order < 20)
		return 1ULL << rec->order;
	return MEMCG_CHARGE_BATCH;
}

/*
 * The first memcg at its limit from memcg up: whose limit a charge in it
 * hit; 0 for none.  A global function, so the verifier checks it once on
 * its own rather than once for every path through the kill path that
 * calls it; so plain integers in and out (5.10 takes no pointers here).
 */
__noinline __u64 oomt_limit_hit_above(__u64 memcg, __u64 slack)
{
	struct mem_cgroup *m = (struct mem_cgroup *)memcg;

	for (int i = 0; i < OOMT_CG_DEPTH && m; i++) {
		if (memcg_at_limit(m, slack))
			return (__u64)m;
		m = css_memcg(BPF_CORE_READ(m, css.parent));
	}
	return 0;
}

static __always_inline struct mem_cgroup *limit_hit_above(struct mem_cgroup *m, __u64 slack)
{
	return (struct mem_cgroup *)oomt_limit_hit_above((__u64)m, slack);
}

/*
 * 1 if memcg or a memcg above it has memory.oom.group set: only then can a
 * kill mark more than one victim (mem_cgroup_get_oom_group() looks from
 * the victim's memcg up).  Global, as oomt_limit_hit_above() is.
 */
__noinline __u64 oomt_in_oom_group(__u64 memcg)
{
	struct mem_cgroup *m = (struct mem_cgroup *)memcg;

	if (!bpf_core_field_exists(m->oom_group))
		return 0;
	for (int i = 0; i < OOMT_CG_DEPTH && m; i++) {
		if (BPF_CORE_READ(m, oom_group))
			return 1;
		m = css_memcg(BPF_CORE_READ(m, css.parent));
	}
	return 0;
}

/*
 * Walk from the victim's memcg to the root, keeping each level's name, and
 * fill in the OOM memcg's state at its level.  The OOM memcg is the one
 * oom_control named; without oom_control, on a memcg OOM (the invoker's last
 * reclaim pass was memcg reclaim), the first memcg at its limit above the
 * invoker, or failing that above the victim: the victim lives in the subtree
 * whose limit was hit.  A global OOM has none.
 *
 * The OOM memcg is found before the walk, so that the walk only compares
 * pointers: a limit test on every level would have the verifier walk each
 * level once per outcome of the levels before it, most of the kill path's
 * verification time.
 */
/* the walk's level names are put together here, then copied into the record */
struct cg_names {
	char names[OOMT_CG_DEPTH][OOMT_CG_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cg_names);
} cg_names_scratch SEC(".maps");

#define WALK_DEPTH(w)	  ((w) & 0xff)
#define WALK_LEVEL(w)	  (((w) >> 8) & 0xff) /* the target's level + 1; 0: not on the path */
#define WALK_TRUNCATED(w) ((w) >> 16 & 1)

/*
 * Each level's name from memcg to the root, into cg_names_scratch, and
 * where target sits on that path.  Global, as oomt_limit_hit_above() is:
 * inline, the verifier walked the rest of the kill path once for each
 * level the loop could stop at, most of the program's verification time.
 */
__noinline __u64 oomt_walk_memcgs(__u64 memcg, __u64 target)
{
	struct mem_cgroup *m = (struct mem_cgroup *)memcg;
	__u32 zero = 0, i, level = 0;
	struct cg_names *out = bpf_map_lookup_elem(&cg_names_scratch, &zero);

	if (!out)
		return 0;
	for (i = 0; i < OOMT_CG_DEPTH && m; i++) {
		bpf_probe_read_kernel_str(out->names[i], OOMT_CG_NAME_LEN,
					  BPF_CORE_READ(m, css.cgroup, kn, name));
		if (target && (__u64)m == target)
			level = i + 1;
		m = css_memcg(BPF_CORE_READ(m, css.parent));
	}
	return i | level << 8 | (__u64)(m != NULL) << 16;
}

/*
 * Walk from the victim's memcg to the root, keeping each level's name, and
 * fill in the OOM memcg's state at its level.  The OOM memcg is the one
 * oom_control named; without oom_control, on a memcg OOM (the invoker's last
 * reclaim pass was memcg reclaim), the first memcg at its limit above the
 * invoker, or failing that above the victim: the victim lives in the subtree
 * whose limit was hit.  A global OOM has none.
 */
static __always_inline void walk_memcgs(struct oom_kill_record *rec, struct mem_cgroup *m,
					struct oc_snapshot *oc)
{
	__u64 slack = charge_slack(rec), walk;
	struct mem_cgroup *target = NULL;
	bool memcg_oom = rec->constraint == OOMT_CONSTRAINT_MEMCG;
	__u32 tid = rec->invoker_tid, zero = 0, level, depth;
	struct kill_event *ke = bpf_map_lookup_elem(&kill_events, &tid);
	struct cg_names *names;

	if (ke && ke->event_id != rec->event_id)
		ke = NULL;
	if (!memcg_oom)
		target = NULL;
	else if (oc)
		target = oc->memcg;
	else if (ke && ke->oom_memcg)
		target = (struct mem_cgroup *)ke->oom_memcg; /* the event's first record's */
	else
		target = limit_hit_above(task_memcg((void *)bpf_get_current_task()), slack);
	if (memcg_oom && !oc && !target)
		target = limit_hit_above(m, slack);

	walk = oomt_walk_memcgs((__u64)m, (__u64)target);
	depth = WALK_DEPTH(walk);
	if (depth > OOMT_CG_DEPTH)
		depth = OOMT_CG_DEPTH;
	rec->cg_depth = depth;
	/* only the levels walked: the scratch's others are an earlier kill's */
	names = bpf_map_lookup_elem(&cg_names_scratch, &zero);
	if (names && depth)
		bpf_probe_read_kernel(rec->cg_names, depth * OOMT_CG_NAME_LEN, names);
	if (WALK_TRUNCATED(walk))
		rec->flags |= KILL_CG_TRUNCATED;
	level = WALK_LEVEL(walk);
	if (!level)
		return;
	fill_memcg_state(rec, target, level - 1);
	if (ke && !ke->oom_memcg)
		ke->oom_memcg = (__u64)target;
}

static __always_inline void fill_victim(struct oom_kill_record *rec, struct task_struct *v)
{
	struct mm_struct *mm = BPF_CORE_READ(v, mm);

	rec->victim_pid = BPF_CORE_READ(v, tgid);
	rec->victim_tid = BPF_CORE_READ(v, pid);
	BPF_CORE_READ_STR_INTO(&rec->victim_comm, v, comm);
	rec->victim_uid = BPF_CORE_READ(v, cred, uid.val);
	rec->oom_score_adj = BPF_CORE_READ(v, signal, oom_score_adj);
	if (!mm)
		return;
	rec->total_vm_pages = BPF_CORE_READ(mm, total_vm);
	rec->file_pages = mm_counter(mm, MM_FILEPAGES);
	rec->anon_pages = mm_counter(mm, MM_ANONPAGES);
	rec->swap_pages = mm_counter(mm, MM_SWAPENTS);
	rec->shmem_pages = mm_counter(mm, MM_SHMEMPAGES);
	rec->pgtables_bytes = mm_pgtables_bytes(mm);
	rec->flags |= KILL_HAVE_VICTIM;
}

/*
 * Did the episode see the invoker's last reclaim pass?  7.x may skip a
 * program already running on the CPU: a pass whose begin it skipped is
 * not in the episode, whose last pass is then an older allocation's.
 * The page allocator checks its zones (reclaim_retry_zone) right after
 * each pass: a check later than the episode's last pass by more than the
 * episode gap followed a pass it did not see.  (pass_end() catches a
 * skipped begin whose end ran.)
 */
static __always_inline bool saw_last_pass(struct oom_kill_record *rec)
{
	__u32 tid = rec->invoker_tid;
	struct oomt_alloc_retry *r = bpf_map_lookup_elem(&alloc_retries, &tid);

	return !r || r->last_ns <= rec->episode.last_end_ns + OOMT_EPISODE_GAP_NS;
}

/*
 * What the OOM was for.  With oom_control, the kernel's own; its
 * chosen_points are oc->chosen's alone, not another group member's.
 * Without it, the invoker's last reclaim pass tells: memcg reclaim comes
 * before a memcg OOM, direct reclaim before a global one (whose cpuset or
 * mempolicy constraint only oom_control knows: user space says NONE only on
 * a machine with one memory node).
 */
static __always_inline void fill_request(struct oom_kill_record *rec, struct oc_snapshot *oc,
					 struct task_struct *victim)
{
	if (oc) {
		struct task_struct *chosen = oc->chosen;

		rec->hook = oc->hook;
		rec->chosen_points = oc->chosen_points;
		rec->totalpages = oc->totalpages;
		rec->constraint = oc->constraint;
		rec->gfp_mask = oc->gfp_mask;
		rec->order = oc->order;
		rec->flags |= KILL_HAVE_OC | KILL_HAVE_GFP;
		/* the same process: the kernel may mark another of its threads */
		if (victim && BPF_CORE_READ(victim, tgid) == BPF_CORE_READ(chosen, tgid))
			rec->flags |= KILL_POINTS_FROM_OC;
		return;
	}
	rec->hook = HOOK_TRACEPOINT;
	rec->constraint = OOMT_CONSTRAINT_UNKNOWN;
	if (!rec->have_episode || !saw_last_pass(rec))
		return;
	if (rec->episode.last_kind == RECLAIM_MEMCG)
		rec->constraint = OOMT_CONSTRAINT_MEMCG;
	else if (rec->episode.last_kind == RECLAIM_DIRECT)
		rec->flags |= KILL_AFTER_DIRECT_RECLAIM;
	if (rec->episode.no_gfp)
		return;
	rec->gfp_mask = rec->episode.gfp_mask;
	rec->order = rec->episode.order;
	rec->flags |= KILL_HAVE_GFP | KILL_GFP_FROM_RECLAIM;
	if (rec->episode.last_kind == RECLAIM_MEMCG)
		rec->flags |= KILL_GFP_FROM_MEMCG;
}

static const struct kill_event zero_kill_event;

static __always_inline void remember_event(__u32 tid, struct oom_kill_record *rec)
{
	struct kill_event *ke;

	if (bpf_map_update_elem(&kill_events, &tid, &zero_kill_event, BPF_ANY))
		return;
	ke = bpf_map_lookup_elem(&kill_events, &tid);
	if (!ke)
		return;
	ke->event_id = rec->event_id;
	ke->ns = rec->ktime_ns;
	ke->have_episode = rec->have_episode;
	bpf_probe_read_kernel(&ke->episode, sizeof(ke->episode), &rec->episode);
}

/*
 * The invoker's episode that user space closed while the invoker waited
 * for the OOM killer, if it ended after the invoker's last kill: still
 * this kill's story.  NULL if none.
 */
static __always_inline struct reclaim_episode *swept_episode(__u32 tid, struct kill_event *ke,
							     __u64 now)
{
	struct reclaim_episode *sw = bpf_map_lookup_elem(&swept_episodes, &tid);

	if (!sw || now - sw->last_end_ns > OOMT_SWEPT_KEEP_NS || (ke && sw->last_end_ns < ke->ns))
		return NULL;
	return sw;
}

/*
 * The invoker's reclaim episode joins the record and closes.  A further
 * mark by the same invoker, of a victim in a memory.oom.group memcg, with
 * no reclaim pass since is another victim of the same OOM: same event id,
 * same story.  Anything else is another OOM, even with its episode gone
 * (user space closed it, the map dropped it, or the kernel skipped the
 * program: 7.x can run a tracepoint's programs preemptibly, and a program
 * already running on the CPU is skipped): then a story it cannot find is
 * none, never the last OOM's.
 */
static __always_inline void join_reclaim(struct oom_kill_record *rec, struct oc_snapshot *oc,
					 struct mem_cgroup *victim_memcg)
{
	__u32 tid = rec->invoker_tid;
	struct reclaim_episode *ep = bpf_map_lookup_elem(&episodes, &tid);
	struct kill_event *ke = bpf_map_lookup_elem(&kill_events, &tid);
	struct reclaim_episode *sw = ep ? NULL : swept_episode(tid, ke, rec->ktime_ns);

	rec->kswapd_wakes = kswapd_wakes;
	if (!ep && !sw && ke && !ke->reclaimed_since && rec->ktime_ns - ke->ns < SAME_EVENT_NS &&
	    (!oc || oc->event_id == ke->event_id) && victim_memcg &&
	    oomt_in_oom_group((__u64)victim_memcg)) {
		rec->event_id = ke->event_id;
		rec->have_episode = ke->have_episode;
		bpf_probe_read_kernel(&rec->episode, sizeof(rec->episode), &ke->episode);
		ke->ns = rec->ktime_ns;
		return;
	}
	rec->event_id = oc ? oc->event_id : next_event_id();
	if (ep) {
		bpf_probe_read_kernel(&rec->episode, sizeof(rec->episode), ep);
		rec->have_episode = 1;
		close_episode(tid, ep, EPISODE_OOM_KILL, true);
	} else if (sw) {
		/* counted and streamed when user space closed it */
		bpf_probe_read_kernel(&rec->episode, sizeof(rec->episode), sw);
		rec->have_episode = 1;
	}
	bpf_map_delete_elem(&swept_episodes, &tid);
	remember_event(tid, rec);
}

/*
 * The invoker's allocation retries join a global OOM's record (retry.bpf.c):
 * why the page allocator gave up.  A memcg OOM is decided in the charge
 * path, which makes none; its invoker's are left over from elsewhere.
 */
static __always_inline void join_retry(struct oom_kill_record *rec)
{
	__u32 tid = rec->invoker_tid;
	struct oomt_alloc_retry *r = bpf_map_lookup_elem(&alloc_retries, &tid);

	if (!r)
		return;
	if (!(rec->flags & KILL_HAVE_MEMCG) && rec->ktime_ns - r->last_ns <= OOMT_RETRY_GAP_NS) {
		bpf_probe_read_kernel(&rec->retry, sizeof(rec->retry), r);
		rec->flags |= KILL_HAVE_RETRY;
	}
	bpf_map_delete_elem(&alloc_retries, &tid);
}

/* The nodes' and zones' memory at the kill, from any memcg's per-node info. */
static __always_inline void fill_node_memory(struct oom_kill_record *rec, struct mem_cgroup *m)
{
	__u32 zero = 0;
	struct oomt_node_memory *nm;

	if (!oomt_read_node_memory((__u64)m))
		return;
	nm = bpf_map_lookup_elem(&node_mem_scratch, &zero);
	if (!nm)
		return;
	bpf_probe_read_kernel(&rec->node_mem, sizeof(rec->node_mem), nm);
	rec->flags |= KILL_HAVE_NODE_MEM;
}

/*
 * The nodes of the kernel's oom-kill: line: oom_control's nodemask (fentry
 * and kprobe tiers), and the invoker's cpuset and mems_allowed, which
 * cpuset_print_current_mems_allowed() prints (every tier).
 */
static __always_inline void fill_nodes_allowed(struct oom_kill_record *rec, struct oc_snapshot *oc)
{
	struct task_struct *current = (void *)bpf_get_current_task();
	struct cgroup *cg;

	if (oc && oc->have_nodemask) {
		rec->flags |= KILL_HAVE_NODEMASK;
		if (oc->have_nodemask == 2)
			rec->flags |= KILL_NODEMASK_ANY;
		else
			__builtin_memcpy(rec->nodemask, oc->nodemask, sizeof(rec->nodemask));
	}
	/* a kernel without cpusets prints none */
	if (!bpf_core_enum_value_exists(enum cgroup_subsys_id, cpuset_cgrp_id))
		return;
	if (bpf_probe_read_kernel(rec->mems_allowed, sizeof(rec->mems_allowed),
				  &current->mems_allowed))
		return;
	cg = BPF_CORE_READ(task_css(current, bpf_core_enum_value(enum cgroup_subsys_id,
								 cpuset_cgrp_id)),
			   cgroup);
	if (!cg)
		return;
	if (!BPF_CORE_READ(cg, level))
		rec->flags |= KILL_CPUSET_ROOT;
	else if (bpf_probe_read_kernel_str(rec->cpuset, sizeof(rec->cpuset),
					   BPF_CORE_READ(cg, kn, name)) <= 0)
		return;
	rec->flags |= KILL_HAVE_CPUSET;
}

/* Hand the victim to reaper.bpf.c, which reports its exit. */
static __always_inline void track_victim(struct oom_kill_record *rec)
{
	struct victim_state v = {
		.event_id = rec->event_id,
		.kill_ns = rec->ktime_ns,
		.pid = rec->victim_pid,
	};
	__u32 tid = rec->victim_tid;

	__builtin_memcpy(v.comm, rec->victim_comm, sizeof(v.comm));
	bpf_map_update_elem(&victims, &tid, &v, BPF_ANY);
}

/*
 * victim is NULL on kernels whose mark_victim passes only a pid: then the
 * task is the one this thread just sent SIGKILL, or, for a victim marked
 * because it was already exiting, oom_control's chosen task or the invoker
 * itself (out_of_memory() marks an exiting current).
 */
static __always_inline int emit_kill(void *ctx, struct task_struct *victim, __u32 victim_tid)
{
	struct task_struct *current = (void *)bpf_get_current_task();
	struct oom_kill_record *rec;
	struct task_struct *killed;
	struct oc_snapshot *oc;
	struct mem_cgroup *memcg = NULL;
	__u64 id = bpf_get_current_pid_tgid(), now = bpf_ktime_get_ns();
	__u32 tid = (__u32)id;

	oc = bpf_map_lookup_elem(&oom_ctx, &tid);
	killed = sigkilled_task(tid, victim, victim_tid, now);
	if (!victim)
		victim = killed;
	if (!victim && oc) {
		struct task_struct *chosen = oc->chosen;

		if (BPF_CORE_READ(chosen, pid) == victim_tid)
			victim = chosen;
	}
	if (!victim && victim_tid == tid)
		victim = current;
	if (victim)
		memcg = task_memcg(victim);
	/*
	 * Outside every --cgroup (or unknowable): not this user's kill.  Decided
	 * before reserving, so that only records the user wanted count as dropped.
	 */
	if (filter_kills && !(memcg && memcg_in_filter(memcg)))
		return 0;

	rec = bpf_ringbuf_reserve(&kill_ring, sizeof(*rec), 0);
	if (!rec) {
		count_drop(RECORD_OOM_KILL);
		return 0;
	}
	/* too large for an inline memset: copy from a zeroed global instead */
	bpf_probe_read_kernel(rec, sizeof(*rec), (const void *)&zero_record);
	rec->type = RECORD_OOM_KILL;
	rec->ktime_ns = now;
	rec->invoker_pid = id >> 32;
	rec->invoker_tid = tid;
	bpf_get_current_comm(&rec->invoker_comm, sizeof(rec->invoker_comm));
	/* the kernel prints it in the report's first line */
	rec->invoker_oom_score_adj = BPF_CORE_READ(current, signal, oom_score_adj);
	rec->flags |= KILL_HAVE_INVOKER_ADJ;
	if (!killed)
		rec->flags |= KILL_ALREADY_EXITING;

	join_reclaim(rec, oc, memcg);
	fill_request(rec, oc, victim);
	if (victim) {
		fill_victim(rec, victim);
		walk_memcgs(rec, memcg, oc);
	}
	if (victim_tid)
		rec->victim_tid = victim_tid; /* the thread the kernel marked */
	fill_node_memory(rec, memcg ?: task_memcg(current));
	join_retry(rec);
	fill_nodes_allowed(rec, oc);
	track_victim(rec);

	rec->kstack_len = bpf_get_stack(ctx, rec->kstack, sizeof(rec->kstack), 0);
	bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	return 0;
}

static __always_inline int handle_mark_victim(void *ctx, __u64 arg0)
{
	if (mark_victim_passes_task())
		return emit_kill(ctx, (struct task_struct *)arg0, 0);
	return emit_kill(ctx, NULL, (__u32)arg0);
}

SEC("tp_btf/mark_victim")
int BPF_PROG(tp_btf_mark_victim)
{
	return handle_mark_victim(ctx, ctx[0]);
}

SEC("raw_tp/mark_victim")
int BPF_PROG(raw_tp_mark_victim)
{
	return handle_mark_victim(ctx, ctx[0]);
}
