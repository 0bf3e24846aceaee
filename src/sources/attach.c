// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "oomtrace.h"
#include "oomtrace.skel.h"
#include "attach.h"
#include "decode.h"
#include "stats.h"

#define KILL_FUNC "oom_kill_process"

struct plan {
	int oc_hook;
	bool tp_btf;
};

/* Best first: oom_control straight from the kernel, then tracepoints only. */
static const struct plan plans[] = {
	{ HOOK_FENTRY, true },
	{ HOOK_KPROBE, true },
	{ HOOK_TRACEPOINT, true },
	{ HOOK_TRACEPOINT, false },
};

const char *attach__strerror(int err)
{
	static char buf[128];

	libbpf_strerror(err, buf, sizeof(buf));
	return buf;
}

static void add_why(struct attach_choice *c, const char *fmt, ...)
{
	size_t len = strlen(c->why);
	va_list ap;

	if (len + 3 >= sizeof(c->why))
		return;
	if (len)
		len += snprintf(c->why + len, sizeof(c->why) - len, "; ");
	va_start(ap, fmt);
	vsnprintf(c->why + len, sizeof(c->why) - len, fmt, ap);
	va_end(ap);
}

/* Load and attach a do-nothing fentry program: the cheap way to learn the answer. */
static int probe_fentry(const struct btf *vmlinux)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	int id, prog_fd, link_fd, err = 0;

	id = btf__find_by_name_kind(vmlinux, KILL_FUNC, BTF_KIND_FUNC);
	if (id <= 0)
		return -ENOENT;
	opts.attach_btf_id = id;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "oomt_probe", "GPL", insns, 2, &opts);
	if (prog_fd < 0)
		return -errno;
	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_FENTRY, NULL);
	if (link_fd < 0)
		err = -errno;
	else
		close(link_fd);
	close(prog_fd);
	return err;
}

/*
 * Kprobes need the kprobe PMU or tracefs's kprobe_events, and the function
 * (the BTF says whether it was built; the attach itself has the last word).
 */
static int probe_kprobe(const struct btf *vmlinux)
{
	static const char *const paths[] = {
		"/sys/bus/event_source/devices/kprobe/type",
		"/sys/kernel/tracing/kprobe_events",
		"/sys/kernel/debug/tracing/kprobe_events",
	};
	size_t i;

	if (btf__find_by_name_kind(vmlinux, KILL_FUNC, BTF_KIND_FUNC) <= 0)
		return -ENOENT;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (!access(paths[i], F_OK))
			return 0;
	return -EOPNOTSUPP;
}

static bool plan_wanted(const struct plan *p, int forced)
{
	return forced < 0 || p->oc_hook == forced;
}

static void set_autoload(struct oomtrace_bpf *skel, const struct plan *p, bool rank_iter)
{
	bool fentry = p->oc_hook == HOOK_FENTRY, kprobe = p->oc_hook == HOOK_KPROBE;

	bpf_program__set_autoload(skel->progs.fentry_oom_kill_process, fentry);
	bpf_program__set_autoload(skel->progs.fentry_out_of_memory, fentry);
	bpf_program__set_autoload(skel->progs.kprobe_oom_kill_process, kprobe);
	bpf_program__set_autoload(skel->progs.kprobe_out_of_memory, kprobe);
	/*
	 * every tier: the SIGKILL before a mark tells a kill from an exiting
	 * victim, and names the victim where mark_victim passes only a pid
	 */
	bpf_program__set_autoload(skel->progs.signal_generate, true);
	bpf_program__set_autoload(skel->progs.tp_btf_mark_victim, p->tp_btf);
	bpf_program__set_autoload(skel->progs.raw_tp_mark_victim, !p->tp_btf);
	/* the next victims' ranking: run by user space, never by the kernel's hooks */
	bpf_program__set_autoload(skel->progs.rank_tasks, rank_iter);
}

/*
 * Kernels from 7.0 print, and score with, exact RSS sums (see
 * core_fixes.bpf.h); nothing but the kernel's version tells.  (The change
 * was marked for stable: a 6.x stable kernel that takes it will differ by
 * up to a batch of pages per CPU; 6.12.118 and 6.18.44 have not.)
 */
static bool reports_exact_rss(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return false;
	return major >= 7;
}

/* What the programs must know of this kernel and machine before they load. */
static void set_layout(struct oomtrace_bpf *skel, const struct tp_layout *l)
{
	long page = sysconf(_SC_PAGESIZE);

	skel->rodata->begin_order_arg = l->begin_order;
	skel->rodata->begin_gfp_arg = l->begin_gfp;
	skel->rodata->end_reclaimed_arg = l->end_reclaimed;
	skel->rodata->shrink_nid_arg = l->shrink_nid;
	skel->rodata->shrink_scanned_arg = l->shrink_scanned;
	skel->rodata->shrink_reclaimed_arg = l->shrink_reclaimed;
	skel->rodata->kswapd_nid_arg = l->kswapd_nid;
	skel->rodata->exact_rss = reports_exact_rss();
	skel->rodata->nr_cpus = libbpf_num_possible_cpus() > 0 ? libbpf_num_possible_cpus() : 1;
	/* the kernel's PAGE_COUNTER_MAX is LONG_MAX / PAGE_SIZE on 64-bit */
	skel->rodata->page_counter_max = 0x7fffffffffffffffULL / (page > 0 ? page : 4096);
}

/* Where the nodes' counters are, and how many nodes; none read when not known. */
static void set_node_mem(struct oomtrace_bpf *skel, const struct attach_choice *c)
{
	const struct node_mem_layout *l = &c->node_mem;
	long page = sysconf(_SC_PAGESIZE);
	int shift = 0, nodes = node_mem_layout__possible_nodes();

	if (!c->have_node_mem)
		return;
	while (page > 1 && (1L << shift) < page)
		shift++;
	skel->rodata->nr_mem_nodes = nodes < OOMT_MAX_NODES ? nodes : OOMT_MAX_NODES;
	skel->rodata->nr_zone_types = l->nr_zone_types;
	skel->rodata->pagetable_zone_index = l->pagetable_zone_index;
	skel->rodata->free_pages_index = l->free_pages_index;
	for (int s = 0; s < OOMT_NODE_STATS; s++) {
		bool known = l->node_index[s] >= 0 ||
			     (s == OOMT_NS_PAGETABLE && l->pagetable_zone_index >= 0);

		skel->rodata->node_stat_index[s] = l->node_index[s];
		skel->rodata->node_stat_shift[s] = l->unit[s] == NODE_STAT_KB ? shift - 10 : 0;
		if (known)
			skel->rodata->node_stats_known |= 1u << s;
	}
}

/*
 * --ringbuf-size sizes each ring.  Without streamed episodes nothing goes
 * into the stall ring: one page, the least a ring can be, will do.
 */
static int size_rings(struct oomtrace_bpf *skel, const struct attach_config *cfg)
{
	unsigned long page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
	unsigned long stalls = cfg->capture_stacks ? cfg->ringbuf_bytes : page;
	int err = 0;

	if (cfg->ringbuf_bytes)
		err = bpf_map__set_max_entries(skel->maps.kill_ring, cfg->ringbuf_bytes);
	if (!err && stalls)
		err = bpf_map__set_max_entries(skel->maps.stall_ring, stalls);
	return err;
}

/* Episodes stream, or are only counted; counted, they go into the same buckets as stats.c's. */
static void set_episodes(struct oomtrace_bpf *skel, const struct attach_config *cfg)
{
	skel->rodata->stream_episodes = cfg->capture_stacks;
	for (unsigned int b = 0; b < OOMT_STALL_BUCKETS; b++)
		skel->rodata->stall_bucket_floor[b] = stats__bucket_floor(b);
}

/* Before attaching: a filter filled later would drop the first records. */
static int fill_filter(struct oomtrace_bpf *skel, const struct attach_config *cfg)
{
	__u8 one = 1;

	for (int i = 0; i < cfg->nr_filters; i++) {
		__u64 id = cfg->filter_ids[i];
		int err = bpf_map__update_elem(skel->maps.cgroup_filter, &id, sizeof(id), &one,
					       sizeof(one), BPF_ANY);

		if (err)
			return err;
	}
	return 0;
}

static struct oomtrace_bpf *try_plan(const struct plan *p, const struct attach_config *cfg,
				     struct attach_choice *c, bool rank_iter)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = cfg->btf_path);
	struct oomtrace_bpf *skel = oomtrace_bpf__open_opts(&open_opts);
	const char *step = "open";
	int err;

	if (!skel) {
		err = -errno;
		goto fail;
	}
	step = "size the ring buffers";
	err = size_rings(skel, cfg);
	if (err)
		goto fail;
	set_autoload(skel, p, rank_iter);
	bpf_program__set_autoload(skel->progs.reclaim_retry_zone, c->have_retry_zone);
	bpf_program__set_autoload(skel->progs.compact_retry, c->have_compact_retry);
	set_layout(skel, &c->layout);
	set_node_mem(skel, c);
	set_episodes(skel, cfg);
	skel->rodata->filter_kills = cfg->nr_filters > 0;
	skel->rodata->filter_cgroups = cfg->nr_filters > 0;
	step = "load";
	err = oomtrace_bpf__load(skel);
	if (!err) {
		step = "set the --cgroup filter";
		err = fill_filter(skel, cfg);
	}
	if (!err) {
		step = "attach";
		err = oomtrace_bpf__attach(skel);
	}
	if (!err)
		return skel;
fail:
	add_why(c, "%s%s%s: failed to %s: %s", decode__hook_name(p->oc_hook),
		p->tp_btf ? "" : " (raw_tp)", rank_iter ? "" : " without the task iterator", step,
		attach__strerror(err));
	oomtrace_bpf__destroy(skel);
	errno = -err;
	return NULL;
}

/*
 * Whether this kernel has tracepoint name, with the prototype the programs
 * read by position: its typedef btf_trace_<name> takes argc arguments.
 */
static bool has_tracepoint(const struct btf *vmlinux, const char *name, __u16 argc)
{
	char typedef_name[128];
	const struct btf_type *t;
	int id;

	snprintf(typedef_name, sizeof(typedef_name), "btf_trace_%s", name);
	id = btf__find_by_name_kind(vmlinux, typedef_name, BTF_KIND_TYPEDEF);
	if (id <= 0)
		return false;
	t = btf__type_by_id(vmlinux, btf__resolve_type(vmlinux, id));
	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(vmlinux, t->type);
	return t && btf_is_func_proto(t) && btf_vlen(t) == argc;
}

/* A cheap test that rules a plan out before a full load; 0 if it may work. */
static const char *precheck(const struct plan *p, const struct btf *vmlinux)
{
	int err = 0;

	if (p->tp_btf &&
	    btf__find_by_name_kind(vmlinux, "btf_trace_mark_victim", BTF_KIND_TYPEDEF) <= 0)
		return "no BTF for tp_btf/mark_victim";
	if (p->oc_hook == HOOK_FENTRY)
		err = probe_fentry(vmlinux);
	else if (p->oc_hook == HOOK_KPROBE)
		err = probe_kprobe(vmlinux);
	if (err == -ENOENT)
		return KILL_FUNC " is not in this kernel";
	if (err == -EOPNOTSUPP)
		return "kprobes are not built into this kernel";
	return err ? attach__strerror(err) : NULL;
}

void attach__survey(const struct btf *vmlinux, int forced, struct attach_choice *c)
{
	char missing[256];

	memset(c, 0, sizeof(*c));
	c->have_node_mem = !node_mem_layout__read(vmlinux, &c->node_mem);
	/* the data pointer, then (zoneref, order, reclaimable, available, min_wmark, loops, check) */
	c->have_retry_zone = has_tracepoint(vmlinux, "reclaim_retry_zone", 8);
	/* ... (order, priority, result, retries, max_retries, ret) */
	c->have_compact_retry = has_tracepoint(vmlinux, "compact_retry", 7);
	if (!c->have_node_mem)
		fprintf(stderr, "oomtrace: warning: this kernel's BTF has no zone counters that "
				"oomtrace can find: records leave the nodes' memory null\n");
	if (tp_layout__read(vmlinux, &c->layout, missing, sizeof(missing)))
		fprintf(stderr,
			"oomtrace: warning: this kernel's vmscan tracepoints have no %s that "
			"oomtrace can find: it leaves them unread (gfp and order null; pages "
			"scanned and reclaimed, and kswapd's node, not counted)\n",
			missing);
	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		const struct plan *p = &plans[i];
		const char *why;

		if (!plan_wanted(p, forced))
			continue;
		why = precheck(p, vmlinux);
		if (why)
			add_why(c, "%s%s: %s", decode__hook_name(p->oc_hook),
				p->tp_btf ? "" : " (raw_tp)", why);
		else
			c->viable |= 1u << i;
	}
}

struct oomtrace_bpf *attach__best(const struct attach_config *cfg, struct attach_choice *c)
{
	int err = -EOPNOTSUPP;

	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++) {
		const struct plan *p = &plans[i];
		struct oomtrace_bpf *skel;

		if (!(c->viable & (1u << i)))
			continue;
		/* a kernel that refuses the iterator still gets the tier: /proc ranks then */
		skel = try_plan(p, cfg, c, true);
		if (!skel)
			skel = try_plan(p, cfg, c, false);
		if (skel) {
			c->oc_hook = p->oc_hook;
			c->victim_prog = p->tp_btf ? "tp_btf" : "raw_tp";
			return skel;
		}
		err = -errno;
	}
	errno = -err;
	return NULL;
}
