// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The kernel log parser against real OOM reports (tests/fixtures/kmsg/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "oomtrace.h"
#include "kmsg.h"

#define FIXTURES   "tests/fixtures/kmsg/"
#define MAX_EVENTS 16

struct parsed {
	struct kmsg_event ev[MAX_EVENTS];
	int n;
	unsigned long long incomplete, lost;
};

static void take(struct kmsg_parser *p, struct parsed *out)
{
	struct kmsg_event ev;

	while (kmsg_parser__next(p, &ev))
		if (out->n < MAX_EVENTS)
			out->ev[out->n++] = ev;
		else
			fail_msg("more than %d events", MAX_EVENTS);
}

static void parse_lines(const char *const *lines, int nr, struct parsed *out)
{
	struct kmsg_parser *p = kmsg_parser__new();

	assert_non_null(p);
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < nr; i++) {
		kmsg_parser__feed(p, lines[i], strlen(lines[i]));
		take(p, out);
	}
	kmsg_parser__finish(p);
	take(p, out);
	out->incomplete = kmsg_parser__incomplete(p);
	out->lost = kmsg_parser__lost(p);
	kmsg_parser__free(p);
}

#define PARSE_ARRAY(lines, out) parse_lines(lines, sizeof(lines) / sizeof(lines[0]), out)

/* the shortest report a test needs around the lines it is about: a header, a kill */
#define INVOKED(comm) comm " invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0"
#define KILLED(pid, comm)                                                                          \
	"Out of memory: Killed process " #pid " (" comm ") total-vm:8kB, anon-rss:4kB, "           \
	"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0"

static void parse_file(const char *name, struct parsed *out)
{
	static char text[1 << 16];
	char path[256], *lines[1024], *save = NULL, *l;
	size_t len;
	int nr = 0;
	FILE *f;

	snprintf(path, sizeof(path), FIXTURES "%s", name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	for (l = strtok_r(text, "\n", &save); l && nr < 1024; l = strtok_r(NULL, "\n", &save))
		lines[nr++] = l;
	parse_lines((const char *const *)lines, nr, out);
}

static const struct kmsg_kill *kill_of(const struct parsed *p, int i)
{
	assert_true(i < p->n);
	assert_int_equal(p->ev[i].type, KMSG_EVENT_KILL);
	return &p->ev[i].kill;
}

/* The victim of the 6.18 report of this host, as its kill line prints it. */
static void check_host_victim(const struct kmsg_kill *k)
{
	assert_int_equal(k->victim_pid, 20088);
	assert_string_equal(k->victim_comm, "oom-trigger");
	assert_int_equal(k->victim_uid, 0);
	assert_int_equal(k->oom_score_adj, 0);
	assert_int_equal(k->total_vm_kb, 68780);
	assert_int_equal(k->anon_kb, 65280);
	assert_int_equal(k->file_kb, 1372);
	assert_int_equal(k->shmem_kb, 0);
	assert_int_equal(k->pgtables_kb, 172);
}

/* The 6.18 report of this host, in any form of log text: all but its time. */
static void check_host_report_text(const struct kmsg_kill *k)
{
	static const char *const frames[] = {
		"dump_stack_lvl+0x59",
		"dump_header+0x43",
		"oom_kill_process.cold+0x8",
		"out_of_memory+0x214",
		"mem_cgroup_out_of_memory+0xe8",
		"try_charge_memcg+0x439",
		"charge_memcg+0x2f",
		"__mem_cgroup_charge+0x2c",
		"do_anonymous_page+0x220",
		"__handle_mm_fault+0xa64",
		"handle_mm_fault+0xd0",
		"exc_page_fault+0x176",
		"asm_exc_page_fault+0x22",
	};
	const char *cg = "/process_api/9a0e89ab8baed16cb11f3be6151e30ae/oomt-kmsg-fixture-6222";

	assert_int_equal(k->event, 1);
	assert_string_equal(k->invoker_comm, "oom-trigger");
	assert_true(k->have & KMSG_HAVE_INVOKER_PID);
	assert_int_equal(k->invoker_pid, 20088);
	assert_int_equal(k->gfp_mask, 0xcc0);
	assert_string_equal(k->gfp_names, "GFP_KERNEL");
	assert_int_equal(k->order, 0);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMCG);
	check_host_victim(k);
	assert_true(k->have & KMSG_HAVE_SWAP);
	assert_int_equal(k->swap_kb, 0);
	assert_string_equal(k->memcg, cg);
	assert_string_equal(k->task_memcg, cg);
	assert_true(k->have & KMSG_HAVE_USAGE);
	assert_int_equal(k->usage_kb, 65536);
	assert_int_equal(k->limit_kb, 65536);
	assert_int_equal(k->cgroup_version, 1);
	assert_int_equal(k->swap_limit_kb, 9007199254740988ULL);
	assert_int_equal(k->nr_frames, 13);
	for (int i = 0; i < 13; i++)
		assert_string_equal(k->frames[i], frames[i]);
}

/* The same report: raw records and dmesg's text say the same, with the same time. */
static void check_host_report(const struct kmsg_kill *k, unsigned long long ts_us)
{
	/* the OOM memcg's memory.stat, a line each, whole (v1: its total_ lines too) */
	assert_true(!strncmp(k->memcg_stat, "cache 0\nrss 66916352\nrss_huge 0\n", 32));
	assert_non_null(strstr(k->memcg_stat, "\ntotal_rss "));
	assert_true(k->have & KMSG_HAVE_TS);
	assert_int_equal(k->ts_us, ts_us);
	check_host_report_text(k);
}

static void host_raw_records(void **state)
{
	struct parsed p;

	parse_file("host-6.18-memcg-v1.kmsg", &p);
	assert_int_equal(p.n, 1);
	check_host_report(kill_of(&p, 0), 11826682087ULL);
	assert_int_equal(p.lost, 0);
	assert_int_equal(p.incomplete, 0);
}

static void host_dmesg_text(void **state)
{
	struct parsed p;

	parse_file("host-6.18-memcg-v1.dmesg", &p);
	assert_int_equal(p.n, 1);
	check_host_report(kill_of(&p, 0), 11826682087ULL);
}

/* /dev/kmsg joins memory.stat's lines in one record with "\x0a"; a line that is none ends it */
static void memcg_stat_in_one_record(void **state)
{
	static const char *const lines[] = {
		"4,1,100,-;oom-trigger invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"6,2,101,-;memory: usage 65536kB, limit 65536kB, failcnt 21",
		"6,3,102,-;Memory cgroup stats for /oomt:",
		"6,4,103,-;anon 66908160\\x0afile 0\\x0aworkingset_refault_anon -1\\x0apgfault 17",
		"6,5,104,-;Tasks state (memory values in pages):",
		"6,6,105,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/oomt,task_memcg=/oomt,task=oom-trigger,pid=9,uid=0",
		"3,7,106,-;Memory cgroup out of memory: Killed process 9 (oom-trigger) total-vm:67388kB, "
		"anon-rss:65148kB, file-rss:4kB, shmem-rss:704kB, UID:0 pgtables:168kB oom_score_adj:0",
	};
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 1);
	assert_string_equal(kill_of(&p, 0)->memcg_stat,
			    "anon 66908160\nfile 0\nworkingset_refault_anon -1\npgfault 17\n");
}

static void seed_5_14_v2_container(void **state)
{
	const char *cg =
	    "/kubepods.slice/kubepods-pod089f25ee_a41a_414c_a028_71a38dfb30d3.slice/"
	    "cri-containerd-c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139"
	    "c74f.scope";
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("seed-5.14-memcg-v2-dmesg-x.txt", &p);
	assert_int_equal(p.n, 1);
	k = kill_of(&p, 0);
	/* dmesg -T's wall-clock dates are not boot times */
	assert_false(k->have & KMSG_HAVE_TS);
	assert_string_equal(k->invoker_comm, "xray");
	assert_int_equal(k->invoker_pid, 1586622);
	assert_int_equal(k->gfp_mask, 0x100cca);
	assert_string_equal(k->gfp_names, "GFP_HIGHUSER_MOVABLE");
	assert_true(k->have & KMSG_HAVE_INVOKER_ADJ);
	assert_int_equal(k->invoker_adj, -997);
	assert_int_equal(k->victim_pid, 1586608);
	assert_string_equal(k->victim_comm, "xray");
	assert_int_equal(k->oom_score_adj, -997);
	assert_int_equal(k->total_vm_kb, 737128);
	assert_int_equal(k->anon_kb, 26372);
	assert_int_equal(k->pgtables_kb, 176);
	assert_string_equal(k->memcg, cg);
	assert_string_equal(k->task_memcg, cg);
	assert_int_equal(k->usage_kb, 208204);
	assert_int_equal(k->limit_kb, 204800);
	assert_int_equal(k->cgroup_version, 2);
	assert_true(k->have & KMSG_HAVE_SWAP_LIMIT);
	assert_int_equal(k->swap_limit_kb, 0);
	assert_int_equal(k->nr_frames, 20); /* the six "? " guesses left out */
	assert_string_equal(k->frames[3], "out_of_memory+0xed");
	assert_string_equal(k->frames[19], "asm_exc_page_fault+0x22");
}

static void seed_3_13_global(void **state)
{
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("seed-3.13-global.txt", &p);
	assert_int_equal(p.n, 1);
	k = kill_of(&p, 0);
	assert_string_equal(k->invoker_comm, "nginx");
	assert_int_equal(k->invoker_pid, 10242);
	assert_int_equal(k->gfp_mask, 0x200da);
	assert_false(k->have & KMSG_HAVE_GFP_NAMES);
	assert_int_equal(k->victim_pid, 10366);
	assert_string_equal(k->victim_comm, "nginx");
	assert_int_equal(k->total_vm_kb, 84784);
	assert_int_equal(k->anon_kb, 49156);
	assert_int_equal(k->file_kb, 520);
	assert_false(k->have & (KMSG_HAVE_SHMEM | KMSG_HAVE_PGTABLES | KMSG_HAVE_CONSTRAINT |
				KMSG_HAVE_STACK | KMSG_HAVE_USAGE | KMSG_HAVE_SWAP));
	assert_string_equal(k->memcg, "");
}

static void seed_3_10_syslog(void **state)
{
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("seed-3.10-syslog-global.txt", &p);
	assert_int_equal(p.n, 1);
	k = kill_of(&p, 0);
	assert_false(k->have & KMSG_HAVE_INVOKER);
	assert_int_equal(k->victim_pid, 19272);
	assert_string_equal(k->victim_comm, "nmap");
	assert_int_equal(k->anon_kb, 1690624);
	assert_int_equal(k->shmem_kb, 0);
	assert_true(k->have & KMSG_HAVE_SHMEM);
}

/* The host's report from /var/log/messages, each line behind its line number. */
static void paste_syslog_numbered(void **state)
{
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("paste-6.18-syslog-numbered.txt", &p);
	assert_int_equal(p.n, 1);
	k = kill_of(&p, 0);
	assert_true(k->have & KMSG_HAVE_INVOKER_COMM);
	check_host_report_text(k);
	assert_true(k->have & KMSG_HAVE_CONSTRAINT);
	/* syslog's wall-clock time is no printk time */
	assert_false(k->have & KMSG_HAVE_TS);
	assert_int_equal(p.incomplete, 0);
}

/*
 * The columns viewers and grep put before a prefix; none after it, and
 * none without one, where the digits may be the comm's.  A prefix not
 * known here makes no comm of itself: the line still gives its gfp.
 */
static void paste_columns(void **state)
{
	static const char *const lines[] = {
		"  12 [ 1234.567890] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
		"oom_score_adj=0",
		"13:[ 1234.567891] CPU: 0 PID: 42 Comm: a Not tainted 6.1.0 #1",
		"kern.log.1:14:[ 1234.567892] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),"
		"cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=a,pid=42,uid=1000",
		"node-3 | [ 1234.567893] Out of memory: Killed process 42 (a) total-vm:100kB, "
		"anon-rss:40kB, file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:8kB oom_score_adj:0",
		"[ 2000.000001] 12 b invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
		"oom_score_adj=0",
		"[ 2000.000002] Out of memory: Killed process 43 (12 b) total-vm:100kB, "
		"anon-rss:40kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0",
		"1681809121.123456 host kernel: oom-trigger invoked oom-killer: "
		"gfp_mask=0xcc0(GFP_KERNEL), order=1, oom_score_adj=0",
		"1681809121.123457 host kernel: Out of memory: Killed process 44 (oom-trigger) "
		"total-vm:100kB, anon-rss:40kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:8kB "
		"oom_score_adj:0",
	};
	const struct kmsg_kill *k;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 3);
	k = kill_of(&p, 0);
	assert_string_equal(k->invoker_comm, "a");
	assert_int_equal(k->invoker_pid, 42);
	assert_int_equal(k->gfp_mask, 0xcc0);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_NONE);
	assert_string_equal(k->task_memcg, "/user.slice");
	assert_int_equal(k->victim_pid, 42);
	assert_int_equal(k->victim_uid, 1000);
	assert_int_equal(k->anon_kb, 40);
	assert_int_equal(k->ts_us, 1234567893);
	k = kill_of(&p, 1);
	assert_string_equal(k->invoker_comm, "12 b");
	assert_string_equal(k->victim_comm, "12 b");
	k = kill_of(&p, 2);
	assert_false(k->have & KMSG_HAVE_INVOKER_COMM);
	assert_string_equal(k->invoker_comm, "");
	assert_true(k->have & KMSG_HAVE_INVOKER);
	assert_int_equal(k->gfp_mask, 0xcc0);
	assert_int_equal(k->order, 1);
	assert_int_equal(k->victim_pid, 44);
	assert_int_equal(k->anon_kb, 40);
	assert_false(k->have & (KMSG_HAVE_TS | KMSG_HAVE_INVOKER_PID | KMSG_HAVE_CONSTRAINT));
}

/* What a kill known from its kill lines alone leaves null. */
static void check_no_header(const struct kmsg_kill *k)
{
	assert_false(k->have & (KMSG_HAVE_TS | KMSG_HAVE_INVOKER | KMSG_HAVE_INVOKER_COMM |
				KMSG_HAVE_INVOKER_PID | KMSG_HAVE_INVOKER_ADJ |
				KMSG_HAVE_GFP_NAMES | KMSG_HAVE_STACK | KMSG_HAVE_USAGE |
				KMSG_HAVE_SWAP_LIMIT | KMSG_HAVE_VERSION | KMSG_HAVE_SWAP));
	assert_string_equal(k->invoker_comm, "");
	assert_int_equal(k->nr_frames, 0);
}

/*
 * Two OOMs of this host, grep -e oom-kill: -e "Killed process" out of its
 * journal: what those lines print is kept, the rest is null.
 */
static void paste_grep_filtered(void **state)
{
	const char *cg = "/process_api/9a0e89ab8baed16cb11f3be6151e30ae/oomt-kmsg-fixture-6222";
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("paste-6.18-grep-filtered.txt", &p);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.incomplete, 0);
	k = kill_of(&p, 0);
	check_no_header(k);
	assert_int_equal(k->event, 1);
	assert_true(k->have & KMSG_HAVE_CONSTRAINT);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMCG);
	assert_string_equal(k->memcg, cg);
	assert_string_equal(k->task_memcg, cg);
	check_host_victim(k);
	assert_true(k->have & KMSG_HAVE_KILLED_LINE);
	k = kill_of(&p, 1);
	check_no_header(k);
	assert_int_equal(k->event, 2);
	assert_true(k->have & KMSG_HAVE_CONSTRAINT);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_CPUSET);
	/* nodemask=(null),cpuset=oomt-node1,mems_allowed=1 */
	assert_true(k->have & KMSG_HAVE_NODEMASK);
	assert_string_equal(k->nodemask, "");
	assert_true(k->have & KMSG_HAVE_CPUSET);
	assert_string_equal(k->cpuset, "oomt-node1");
	assert_string_equal(k->mems_allowed, "1");
	assert_string_equal(k->memcg, "");
	assert_string_equal(k->task_memcg, "/oomt-node1");
	assert_int_equal(k->victim_pid, 31744);
	assert_int_equal(k->total_vm_kb, 3936256);
	assert_int_equal(k->anon_kb, 3932160);
	assert_int_equal(k->pgtables_kb, 7740);
}

/* grep oom-kill: alone: each line is an OOM of its own, its victim the one it names. */
static void paste_oom_kill_lines_only(void **state)
{
	static const char *const lines[] = {
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/a,task_memcg=/a/b,task=a,pid=7,uid=3",
		"oom-kill:constraint=CONSTRAINT_MEMORY_POLICY,nodemask=1,3-4,cpuset=a,b,"
		"mems_allowed=0-4,global_oom,task_memcg=/c,task=c,pid=8,uid=4",
	};
	const struct kmsg_kill *k;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 2);
	k = kill_of(&p, 0);
	assert_string_equal(k->nodemask, "");
	assert_string_equal(k->cpuset, "/");
	assert_string_equal(k->mems_allowed, "0");
	assert_int_equal(k->event, 1);
	assert_int_equal(k->victim_pid, 7);
	assert_int_equal(k->victim_uid, 3);
	assert_string_equal(k->memcg, "/a");
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMCG);
	assert_false(k->have & KMSG_HAVE_KILLED_LINE);
	k = kill_of(&p, 1);
	assert_int_equal(k->event, 2);
	assert_int_equal(k->victim_pid, 8);
	assert_string_equal(k->victim_comm, "c");
	assert_string_equal(k->memcg, "");
	assert_string_equal(k->task_memcg, "/c");
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMORY_POLICY);
	/* node lists and names hold commas: each ends at the key after it */
	assert_true(k->have & KMSG_HAVE_NODEMASK);
	assert_string_equal(k->nodemask, "1,3-4");
	assert_true(k->have & KMSG_HAVE_CPUSET);
	assert_string_equal(k->cpuset, "a,b");
	assert_string_equal(k->mems_allowed, "0-4");
	assert_int_equal(p.incomplete, 0);
}

/*
 * An oom-kill line cut short by the paste: a value whose next key is
 * gone may be cut too, so it is null.  The 5.14 seed's lines, as `dmesg
 * -Tx | egrep -i "killed process|oom-kill:"` gives them, then two cut in
 * a pid and a path.
 */
static void paste_cut_oom_kill_line(void **state)
{
	static const char *const lines[] = {
		"kern  :info  : [Thu Aug 17 17:29:27 2023] oom-kill:constraint=CONSTRAINT_MEMCG,"
		"nodemask=(null),cpuset=cri-containerd-c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af"
		"77f52b09d15225139c74f.scope,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-pod"
		"089f25ee_a41a_414c_a028_71a38dfb30d3.slice/cri-containerd-c3f1de0d0969e5d3c6758d2e"
		"59be98d4dc8ba0367af77f52b09d15225139c74f.scope,task_memcg=/kubepods.slice/kubepods"
		"-pod089f25ee_a41a_41",
		"kern  :err   : [Thu Aug 17 17:29:27 2023] Memory cgroup out of memory: Killed "
		"process 1586608 (xray) total-vm:737128kB, anon-rss:26372kB, file-rss:0kB, "
		"shmem-rss:0kB, UID:0 pgtables:176kB oom_score_adj:-997",
		"kern  :info  : [Thu Aug 17 18:02:41 2023] oom-kill:constraint=CONSTRAINT_NONE,"
		"nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/"
		"mysqld.service,task=mysqld,pid=28",
		"kern  :info  : [Thu Aug 17 18:40:05 2023] oom-kill:constraint=CONSTRAINT_MEMCG,"
		"nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-burst",
		"kern  :err   : [Thu Aug 17 18:40:05 2023] Memory cgroup out of memory: Killed "
		"process 4242 (java) total-vm:2048kB, anon-rss:1024kB, file-rss:0kB, "
		"shmem-rss:0kB, UID:1000 pgtables:64kB oom_score_adj:936",
	};
	const char *cg = "/kubepods.slice/kubepods-pod089f25ee_a41a_414c_a028_71a38dfb30d3.slice/"
			 "cri-containerd-c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d152"
			 "25139c74f.scope";
	const struct kmsg_kill *k;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 2);
	k = kill_of(&p, 0);
	check_no_header(k);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMCG);
	assert_string_equal(k->memcg, cg);
	assert_string_equal(k->task_memcg, "");
	assert_int_equal(k->victim_pid, 1586608);
	assert_string_equal(k->victim_comm, "xray");
	assert_int_equal(k->victim_uid, 0);
	assert_int_equal(k->oom_score_adj, -997);
	assert_int_equal(k->anon_kb, 26372);
	/* the mysqld OOM named no victim it could be sure of: counted, not reported */
	assert_int_equal(p.incomplete, 1);
	k = kill_of(&p, 1);
	assert_int_equal(k->event, 3);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMCG);
	assert_string_equal(k->memcg, "");
	assert_string_equal(k->task_memcg, "");
	assert_int_equal(k->victim_pid, 4242);
	assert_int_equal(k->victim_uid, 1000);
}

/*
 * The host's report mailed with its lines wrapped at 72 columns: the
 * header is one line again.  The kill line's sizes went to lines of their
 * own and the task table's columns apart: those are null, the victim the
 * oom-kill: line names.
 */
static void paste_mail_wrapped(void **state)
{
	const char *cg = "/process_api/9a0e89ab8baed16cb11f3be6151e30ae/oomt-kmsg-fixture-6222";
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("paste-6.18-mail-wrapped.txt", &p);
	assert_int_equal(p.n, 1);
	k = kill_of(&p, 0);
	assert_true(k->have & KMSG_HAVE_INVOKER_COMM);
	assert_string_equal(k->invoker_comm, "oom-trigger");
	assert_int_equal(k->invoker_pid, 20088);
	assert_true(k->have & KMSG_HAVE_INVOKER);
	assert_int_equal(k->gfp_mask, 0xcc0);
	assert_string_equal(k->gfp_names, "GFP_KERNEL");
	assert_int_equal(k->order, 0);
	assert_true(k->have & KMSG_HAVE_INVOKER_ADJ);
	assert_int_equal(k->invoker_adj, 0);
	/* the header's time: the kill line's went with its wrap */
	assert_int_equal(k->ts_us, 11826681881ULL);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMCG);
	assert_string_equal(k->memcg, cg);
	assert_string_equal(k->task_memcg, cg);
	assert_int_equal(k->usage_kb, 65536);
	assert_int_equal(k->limit_kb, 65536);
	assert_int_equal(k->swap_limit_kb, 9007199254740988ULL);
	assert_int_equal(k->cgroup_version, 1);
	assert_int_equal(k->nr_frames, 13);
	assert_int_equal(k->victim_pid, 20088);
	assert_string_equal(k->victim_comm, "oom-trigger");
	assert_int_equal(k->victim_uid, 0);
	assert_false(k->have &
		     (KMSG_HAVE_KILLED_LINE | KMSG_HAVE_VM | KMSG_HAVE_ANON | KMSG_HAVE_FILE |
		      KMSG_HAVE_SHMEM | KMSG_HAVE_PGTABLES | KMSG_HAVE_ADJ | KMSG_HAVE_SWAP));
}

/*
 * Headers broken elsewhere: before "oom-killer:" (a syslog line with a
 * long host name), twice, the rest with its own prefix.  A next line
 * that is not the rest leaves the header as it is: a comm, no gfp.
 */
static void paste_wrapped_headers(void **state)
{
	static const char *const lines[] = {
		"Apr 18 09:12:01 ip-10-0-12-34.eu-west-1.compute.internal kernel: mysqld invoked ",
		"oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
		"Apr 18 09:12:01 ip-10-0-12-34.eu-west-1.compute.internal kernel: Killed process "
		"2841 (mysqld) total-vm:9613988kB, anon-rss:7514048kB, file-rss:0kB",
		"[ 5000.000001] java invoked oom-killer: "
		"gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), ",
		"[ 5000.000001] nodemask=(null), order=0, ",
		"oom_score_adj=-998",
		"[ 5000.000002] CPU: 2 PID: 4242 Comm: java Not tainted 4.14.0 #1",
		"[ 5000.000003] Killed process 4242 (java) total-vm:2048kB, anon-rss:1024kB, "
		"file-rss:0kB, shmem-rss:0kB",
		"[ 6000.000001] b invoked oom-killer:",
		"[ 6000.000002] CPU: 0 PID: 9 Comm: b Not tainted 6.1.0 #1",
		"[ 6000.000003] Out of memory: Killed process 9 (b) total-vm:100kB, anon-rss:40kB, "
		"file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0",
		"[ 7000.000001] c invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL),",
		"gfp_mask=0x0, order=3",
		"[ 7000.000002] Out of memory: Killed process 10 (c) total-vm:100kB, "
		"anon-rss:40kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0",
		"[ 8000.000001] d invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0,",
	};
	const struct kmsg_kill *k;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 4);
	k = kill_of(&p, 0);
	assert_string_equal(k->invoker_comm, "mysqld");
	assert_int_equal(k->gfp_mask, 0x201da);
	assert_false(k->have & KMSG_HAVE_GFP_NAMES);
	assert_int_equal(k->order, 0);
	assert_int_equal(k->invoker_adj, 0);
	assert_int_equal(k->victim_pid, 2841);
	k = kill_of(&p, 1);
	assert_string_equal(k->invoker_comm, "java");
	assert_int_equal(k->invoker_pid, 4242);
	assert_int_equal(k->gfp_mask, 0x14200ca);
	assert_string_equal(k->gfp_names, "GFP_HIGHUSER_MOVABLE");
	assert_int_equal(k->order, 0);
	assert_true(k->have & KMSG_HAVE_INVOKER_ADJ);
	assert_int_equal(k->invoker_adj, -998);
	assert_int_equal(k->ts_us, 5000000003ULL);
	k = kill_of(&p, 2);
	assert_true(k->have & KMSG_HAVE_INVOKER_COMM);
	assert_string_equal(k->invoker_comm, "b");
	assert_int_equal(k->invoker_pid, 9);
	assert_false(k->have & (KMSG_HAVE_INVOKER | KMSG_HAVE_INVOKER_ADJ | KMSG_HAVE_GFP_NAMES));
	k = kill_of(&p, 3);
	assert_string_equal(k->invoker_comm, "c");
	assert_false(k->have & (KMSG_HAVE_INVOKER | KMSG_HAVE_INVOKER_ADJ));
	assert_int_equal(k->victim_pid, 10);
	/* d's header, held to the end of the input, opened a report that named no victim */
	assert_int_equal(p.incomplete, 1);
}

/* A 6.18 cpuset OOM as `dmesg -t` prints it, pasted with a four-space indent. */
static void paste_indented_cpuset(void **state)
{
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("paste-6.18-cpuset-indented.txt", &p);
	assert_int_equal(p.n, 2);
	k = kill_of(&p, 0);
	assert_false(k->have & KMSG_HAVE_TS);
	assert_string_equal(k->invoker_comm, "oom-trigger");
	assert_true(k->have & KMSG_HAVE_INVOKER_PID);
	assert_int_equal(k->invoker_pid, 31744);
	assert_int_equal(k->gfp_mask, 0x100dca);
	assert_string_equal(k->gfp_names, "GFP_HIGHUSER_MOVABLE|__GFP_ZERO");
	assert_int_equal(k->order, 0);
	assert_true(k->have & KMSG_HAVE_INVOKER_ADJ);
	assert_int_equal(k->invoker_adj, 0);
	assert_true(k->have & KMSG_HAVE_CONSTRAINT);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_CPUSET);
	assert_string_equal(k->memcg, "");
	assert_string_equal(k->task_memcg, "/oomt-node1");
	assert_int_equal(k->victim_pid, 31744);
	assert_string_equal(k->victim_comm, "oom-trigger");
	assert_int_equal(k->victim_uid, 0);
	assert_int_equal(k->oom_score_adj, 0);
	assert_int_equal(k->total_vm_kb, 3936256);
	assert_int_equal(k->anon_kb, 3932160);
	assert_int_equal(k->file_kb, 1372);
	assert_int_equal(k->shmem_kb, 0);
	assert_int_equal(k->pgtables_kb, 7740);
	assert_true(k->have & KMSG_HAVE_SWAP);
	assert_int_equal(k->swap_kb, 0);
	assert_false(k->have & (KMSG_HAVE_USAGE | KMSG_HAVE_SWAP_LIMIT | KMSG_HAVE_VERSION));
	assert_int_equal(k->nr_frames, 14);
	assert_string_equal(k->frames[4], "__alloc_pages_slowpath.constprop.0+0xbd6");
	assert_string_equal(k->frames[13], "asm_exc_page_fault+0x22");
	assert_int_equal(p.ev[1].type, KMSG_EVENT_REAP);
	assert_int_equal(p.ev[1].reap.pid, 31744);
	assert_true(p.ev[1].reap.have_kill);
}

/* A 4.14 cgroup-v1 container OOM, its Task in line's limit path cut by the paste. */
static void check_4_14_report(const struct parsed *p)
{
	static const char *const frames[] = {
		"dump_stack+0x66",
		"dump_header+0x94",
		"oom_kill_process+0x223",
		"out_of_memory+0x2af",
		"mem_cgroup_out_of_memory+0x49",
		"mem_cgroup_oom_synchronize+0x2ed",
		"pagefault_out_of_memory+0x2f",
		"__do_page_fault+0x4bd",
		"page_fault+0x45",
	};
	const char *cg = "/kubepods/burstable/pod089f25ee-a41a-414c-a028-71a38dfb30d3/"
			 "c3f1de0d0969e5d3c6758d2e59be98d4dc8ba0367af77f52b09d15225139c74f";
	const struct kmsg_kill *k;

	assert_int_equal(p->n, 2);
	k = kill_of(p, 0);
	assert_int_equal(k->ts_us, 4426375263912ULL);
	assert_string_equal(k->invoker_comm, "xray");
	assert_int_equal(k->invoker_pid, 1586622);
	assert_int_equal(k->gfp_mask, 0x14000c0);
	assert_string_equal(k->gfp_names, "GFP_KERNEL");
	assert_int_equal(k->order, 0);
	assert_int_equal(k->invoker_adj, -997);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_MEMCG);
	assert_string_equal(k->task_memcg, cg);
	assert_string_equal(k->memcg, cg);
	assert_int_equal(k->usage_kb, 204800);
	assert_int_equal(k->limit_kb, 204800);
	assert_int_equal(k->swap_limit_kb, 9007199254740988ULL);
	assert_int_equal(k->cgroup_version, 1);
	assert_int_equal(k->nr_frames, 9);
	for (int i = 0; i < 9; i++)
		assert_string_equal(k->frames[i], frames[i]);
	assert_int_equal(k->victim_pid, 1586608);
	assert_string_equal(k->victim_comm, "xray");
	assert_int_equal(k->total_vm_kb, 737128);
	assert_int_equal(k->anon_kb, 195084);
	assert_int_equal(k->file_kb, 8196);
	assert_int_equal(k->shmem_kb, 0);
	/* 4.14's kill line has no uid, adj or page tables: its row of the task table has */
	assert_int_equal(k->victim_uid, 0);
	assert_int_equal(k->oom_score_adj, -997);
	assert_int_equal(k->pgtables_kb, 688);
	assert_true(k->have & KMSG_HAVE_SWAP);
	assert_int_equal(k->swap_kb, 0);
	assert_int_equal(p->ev[1].type, KMSG_EVENT_REAP);
}

/* Copied from a 200-column terminal: the limit path broke at a slash, "/kubepods/burstable". */
static void paste_4_14_task_in_wrapped(void **state)
{
	struct parsed p;

	parse_file("paste-4.14-memcg-v1-wrapped.txt", &p);
	check_4_14_report(&p);
}

/* Seen through less -S, 195 columns: the rest of the line never came, "/kubepods/burs". */
static void paste_4_14_task_in_chopped(void **state)
{
	struct parsed p;

	parse_file("paste-4.14-memcg-v1-chopped.txt", &p);
	check_4_14_report(&p);
}

/*
 * The Task in line's limit path, where a paste left it, against the first
 * stats line's: the victim's memcg is the limit's or below it, and what
 * is left of a cut path starts the whole one.
 */
static void paste_task_in_paths(void **state)
{
	static const char *const lines[] = {
		/* cut inside a name, no stats line: nothing says which memcg */
		"Task in /a/bc killed as a result of limit of /a/b",
		"Memory cgroup out of memory: Killed process 1 (a) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB",
		/* wrapped whole to the next line */
		"Task in /docker/0123abcd killed as a result of limit of",
		"/docker/0123abcd",
		"memory: usage 1024kB, limit 1024kB, failcnt 3",
		"Memory cgroup stats for /docker/0123abcd: cache:0KB rss:1024KB",
		"Memory cgroup out of memory: Killed process 2 (b) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB",
		/* shortened by hand, the stats lines of the memcgs below it after the first */
		"Task in /docker/0123abcd/x killed as a result of limit of /docker/01\xe2\x80\xa6",
		"Memory cgroup stats for /docker/0123abcd: cache:0KB rss:1024KB",
		"Memory cgroup stats for /docker/0123abcd/x: cache:0KB rss:1024KB",
		"Memory cgroup out of memory: Killed process 3 (c) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB",
		/* the two disagree: one is not this report's */
		"Task in /a/b/c killed as a result of limit of /a/b",
		"Memory cgroup stats for /a:",
		"Memory cgroup out of memory: Killed process 4 (d) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB",
		/* 6.x: an oom-kill line cut in its oom_memcg, the stats line before it whole */
		INVOKED("e"),
		"Memory cgroup stats for /x/y:",
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/x/",
		"Memory cgroup out of memory: Killed process 5 (e) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
	};
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 5);
	assert_string_equal(kill_of(&p, 0)->task_memcg, "/a/bc");
	assert_string_equal(kill_of(&p, 0)->memcg, "");
	assert_int_equal(kill_of(&p, 0)->constraint, OOMT_CONSTRAINT_MEMCG);
	assert_string_equal(kill_of(&p, 1)->memcg, "/docker/0123abcd");
	assert_int_equal(kill_of(&p, 1)->limit_kb, 1024);
	assert_string_equal(kill_of(&p, 2)->memcg, "/docker/0123abcd");
	assert_string_equal(kill_of(&p, 2)->task_memcg, "/docker/0123abcd/x");
	assert_string_equal(kill_of(&p, 3)->memcg, "");
	assert_string_equal(kill_of(&p, 3)->task_memcg, "/a/b/c");
	assert_string_equal(kill_of(&p, 4)->memcg, "/x/y");
	assert_string_equal(kill_of(&p, 4)->task_memcg, "");
	assert_int_equal(kill_of(&p, 4)->constraint, OOMT_CONSTRAINT_MEMCG);
}

/* A WARN's dump between the lines of a report names another task: not the invoker. */
static void interleaved_dump_is_not_the_invoker(void **state)
{
	static const char *const lines[] = {
		"[ 10.000001] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
		"oom_score_adj=0",
		"[ 10.000002] CPU: 0 PID: 99 Comm: kworker/0:1 Not tainted 6.1.0 #1",
		"[ 10.000003] usb 1-1: new high-speed USB device number 2",
		"[ 10.000004] CPU: 1 PID: 42 Comm: a Not tainted 6.1.0 #1",
		"[ 10.000005] Call Trace:",
		"[ 10.000006]  <TASK>",
		"[ 10.000007]  ? show_regs+0x10/0x20",
		"[ 10.000008]  out_of_memory+0x214/0x5a0",
		"[ 10.000009]  foo_alloc+0x10/0x20 [foo]",
		"[ 10.000010]  </TASK>",
		"[ 10.000011] random: crng init done",
		"[ 10.000012]  not_a_frame+0x1/0x2",
		"[ 10.000013] Out of memory: Killed process 42 (a) total-vm:100kB, anon-rss:40kB, "
		"file-rss:4kB, shmem-rss:0kB, UID:1000 pgtables:8kB oom_score_adj:300",
	};
	const struct kmsg_kill *k;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 1);
	k = kill_of(&p, 0);
	assert_int_equal(k->invoker_pid, 42);
	assert_int_equal(k->nr_frames, 2);
	assert_string_equal(k->frames[0], "out_of_memory+0x214");
	assert_string_equal(k->frames[1], "foo_alloc+0x10 [foo]");
	assert_int_equal(k->victim_uid, 1000);
	assert_int_equal(k->oom_score_adj, 300);
	assert_int_equal(k->ts_us, 10000013);
	/* "Out of memory" alone does not say which constraint: no oom-kill line */
	assert_false(k->have & KMSG_HAVE_CONSTRAINT);
}

/*
 * Cut off before its kill line by the next report: completed with the
 * victim its oom-kill line named.  One with no victim at all is counted.
 */
static void cut_off_reports(void **state)
{
	static const char *const lines[] = {
		INVOKED("a"),
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/x,y,task_memcg=/x,y/z,task=a b,pid=7,uid=3",
		INVOKED("b"),
		"c invoked oom-killer: gfp_mask=0x0(), order=-1, oom_score_adj=0",
	};
	const struct kmsg_kill *k;
	struct parsed p;

	parse_lines(lines, 4, &p);
	assert_int_equal(p.n, 1);
	k = kill_of(&p, 0);
	assert_int_equal(k->event, 1);
	assert_int_equal(k->victim_pid, 7);
	assert_string_equal(k->victim_comm, "a b");
	assert_int_equal(k->victim_uid, 3);
	assert_string_equal(k->memcg, "/x,y");
	assert_string_equal(k->task_memcg, "/x,y/z");
	assert_false(k->have & KMSG_HAVE_KILLED_LINE);
	/* b's report and c's: no victim named before they ended */
	assert_int_equal(p.incomplete, 2);
}

/* memory.oom.group: one OOM, several victims under one header and event. */
static void oom_group_and_reaper(void **state)
{
	static const char *const lines[] = {
		"4,100,5000000,-;a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
		"oom_score_adj=0",
		"6,101,5000001,-;Task in /g/t killed as a result of limit of /g",
		"6,103,5000002,-;Tasks in /g are going to be killed due to memory.oom.group set",
		"3,104,5000003,-;Memory cgroup out of memory: Killed process 10 (a) total-vm:8kB, "
		"anon-rss:400kB, file-rss:40kB, shmem-rss:4kB",
		" SUBSYSTEM=memory",
		"3,105,5000004,-;Memory cgroup out of memory: Killed process 11 (b) total-vm:8kB, "
		"anon-rss:4kB, file-rss:0kB, shmem-rss:0kB",
		"6,106,5100004,-;oom_reaper: reaped process 10 (a), now anon-rss:0kB, "
		"file-rss:40kB, shmem-rss:0kB",
		"6,107,5100005,-;oom_reaper: unable to reap pid:99 (q)",
		"3,108,6000000,-;Memory cgroup out of memory: Killed process 12 (c) total-vm:8kB, "
		"anon-rss:4kB, file-rss:0kB, shmem-rss:0kB",
	};
	const struct kmsg_reap *r;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 5);
	assert_int_equal(kill_of(&p, 0)->event, 1);
	assert_int_equal(kill_of(&p, 1)->event, 1);
	assert_string_equal(kill_of(&p, 1)->memcg, "/g");
	assert_string_equal(kill_of(&p, 1)->invoker_comm, "a");
	assert_int_equal(kill_of(&p, 1)->victim_pid, 11);
	assert_int_equal(kill_of(&p, 1)->anon_kb, 4);
	r = &p.ev[2].reap;
	assert_int_equal(p.ev[2].type, KMSG_EVENT_REAP);
	assert_int_equal(r->state, KMSG_REAPED);
	assert_int_equal(r->pid, 10);
	assert_true(r->have_kill && r->have_kill_rss && r->have_rss);
	assert_int_equal(r->event, 1);
	assert_int_equal(r->kill_rss_kb, 444);
	assert_int_equal(r->rss_kb, 40);
	assert_int_equal(r->ts_us - r->kill_ts_us, 100001);
	assert_int_equal(p.ev[3].reap.state, KMSG_UNREAPED);
	assert_false(p.ev[3].reap.have_kill);
	/* a bare kill line later is the next OOM, with nothing but itself */
	assert_int_equal(kill_of(&p, 4)->event, 2);
	assert_false(kill_of(&p, 4)->have & KMSG_HAVE_INVOKER);
	/* record 102 was never read */
	assert_int_equal(p.lost, 1);
}

/* ---- show_mem(): the machine's memory, in every OOM's report but a memcg's ---- */

/* A node's counter as the parser read it; -1 when it read none. */
static long long node_kb(const struct kmsg_kill *k, int node, int counter)
{
	assert_true(node < k->nr_nodes);
	return k->nodes[node].known & (1u << counter) ? (long long)k->nodes[node].kb[counter] : -1;
}

struct zone_want {
	unsigned int node;
	const char *name;
	unsigned long long free, min, low, high;
	long long boost; /* -1: not printed */
	unsigned long long present, managed;
	int nr_reserve;
	long long reserve[EVENT_MAX_ZONE_TYPES];
};

static void check_zone(const struct kmsg_kill *k, int i, const struct zone_want *w)
{
	const struct event_zone *z;

	assert_true(i < k->nr_zones);
	z = &k->zones[i];
	assert_int_equal(z->node, w->node);
	assert_string_equal(z->name, w->name);
	assert_int_equal(z->free_kb, w->free);
	assert_int_equal(z->min_kb, w->min);
	assert_int_equal(z->low_kb, w->low);
	assert_int_equal(z->high_kb, w->high);
	assert_int_equal(z->have_boost, w->boost >= 0);
	assert_int_equal(z->boost_kb, w->boost >= 0 ? w->boost : 0);
	assert_int_equal(z->present_kb, w->present);
	assert_int_equal(z->managed_kb, w->managed);
	assert_int_equal(z->nr_reserve, w->nr_reserve);
	for (int t = 0; t < w->nr_reserve; t++)
		assert_int_equal(z->lowmem_reserve[t], w->reserve[t]);
}

/* The counters every Node line has had since 4.8 */
#define NODE_COUNTERS_4_8                                                                          \
	(1u << NODE_ACTIVE_ANON | 1u << NODE_INACTIVE_ANON | 1u << NODE_ACTIVE_FILE |              \
	 1u << NODE_INACTIVE_FILE | 1u << NODE_UNEVICTABLE | 1u << NODE_ISOLATED_ANON |            \
	 1u << NODE_ISOLATED_FILE | 1u << NODE_MAPPED | 1u << NODE_DIRTY | 1u << NODE_WRITEBACK |  \
	 1u << NODE_SHMEM)

/*
 * A 6.12 global OOM on two nodes, as /dev/kmsg records: both Node lines
 * (no slab on them), four zones with their lowmem_reserve[], and none of
 * the free lists ("Node 0 DMA32: 460*4kB ...") taken for a zone.
 */
static void show_mem_global_numa(void **state)
{
	/* one zone a line, as the report prints them */
	/* clang-format off */
	static const struct zone_want zones[] = {
		{ 0, "DMA", 13880, 60, 72, 84, 0, 15992, 15360, 5, { 0, 1912, 3843, 3843, 3843 } },
		{ 0, "DMA32", 9632, 7712, 9640, 11568, 0, 2080640, 1966432, 5, { 0, 0, 1931, 1931, 1931 } },
		{ 0, "Normal", 7620, 9828, 11776, 13724, 2048, 2097152, 1977596, 5, { 0 } },
		{ 1, "Normal", 19700, 19712, 24640, 29568, 0, 4194304, 4078504, 5, { 0 } },
	};
	/* clang-format on */
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("hand-6.12-global-numa.kmsg", &p);
	assert_int_equal(p.n, 2);
	k = kill_of(&p, 0);
	assert_int_equal(k->constraint, OOMT_CONSTRAINT_NONE);
	assert_true(k->have & KMSG_HAVE_NODE_MEM);
	assert_int_equal(k->nr_nodes, 2);
	assert_int_equal(k->nodes[0].node, 0);
	assert_int_equal(k->nodes[0].known,
			 NODE_COUNTERS_4_8 | 1u << NODE_KERNEL_STACK | 1u << NODE_PAGETABLES);
	assert_int_equal(node_kb(k, 0, NODE_ACTIVE_ANON), 1843212);
	assert_int_equal(node_kb(k, 0, NODE_INACTIVE_ANON), 2052);
	assert_int_equal(node_kb(k, 0, NODE_ACTIVE_FILE), 1208);
	assert_int_equal(node_kb(k, 0, NODE_INACTIVE_FILE), 2316);
	assert_int_equal(node_kb(k, 0, NODE_UNEVICTABLE), 15540);
	assert_int_equal(node_kb(k, 0, NODE_ISOLATED_ANON), 0);
	assert_int_equal(node_kb(k, 0, NODE_MAPPED), 3464);
	assert_int_equal(node_kb(k, 0, NODE_DIRTY), 4);
	assert_int_equal(node_kb(k, 0, NODE_SHMEM), 5112);
	assert_int_equal(node_kb(k, 0, NODE_KERNEL_STACK), 2112);
	assert_int_equal(node_kb(k, 0, NODE_PAGETABLES), 4876);
	assert_int_equal(node_kb(k, 0, NODE_SLAB_RECLAIMABLE), -1);
	assert_int_equal(k->nodes[1].node, 1);
	assert_int_equal(node_kb(k, 1, NODE_ACTIVE_ANON), 1984640);
	assert_int_equal(node_kb(k, 1, NODE_SHMEM), 1576);
	assert_int_equal(node_kb(k, 1, NODE_PAGETABLES), 4004);
	assert_int_equal(k->nr_zones, 4);
	for (int i = 0; i < 4; i++)
		check_zone(k, i, &zones[i]);
	assert_false(k->zones_truncated);
	assert_int_equal(p.ev[1].type, KMSG_EVENT_REAP);
}

/* A cpuset OOM's show_mem() prints only the nodes of the cpuset: here node 1 of two. */
static void show_mem_cpuset(void **state)
{
	static const struct zone_want normal = {
		1, "Normal", 22528, 22556, 28192, 33828, 0, 4194304, 4079216, 5, { 0 },
	};
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("paste-6.18-cpuset-indented.txt", &p);
	k = kill_of(&p, 0);
	assert_true(k->have & KMSG_HAVE_NODE_MEM);
	assert_int_equal(k->nr_nodes, 1);
	assert_int_equal(k->nodes[0].node, 1);
	assert_int_equal(node_kb(k, 0, NODE_INACTIVE_ANON), 3934676);
	assert_int_equal(node_kb(k, 0, NODE_PAGETABLES), 8016);
	assert_int_equal(k->nr_zones, 1);
	check_zone(k, 0, &normal);
}

/*
 * show_mem()'s swap lines and its hugetlb pools, summed over nodes and page
 * sizes; a line cut short is not taken, and another dump's Mem-Info drops them.
 */
static void swap_and_hugetlb(void **state)
{
	static const char *const lines[] = {
		INVOKED("a"),
		"Mem-Info:",
		"Node 0 hugepages_total=4 hugepages_free=1 hugepages_surp=0 hugepages_size=1048576kB",
		"Node 0 hugepages_total=512 hugepages_free=512 hugepages_surp=0 hugepages_size=2048kB",
		"Node 1 hugepages_total=10 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
		"Node 1 hugepages_total=7 hugepages_free=7 hugepages_surp=0 hugepages_size=20",
		"12345 total pagecache pages",
		"0 pages in swap cache",
		"Free swap  = 1024kB",
		"Total swap = 2097148kB",
		KILLED(7, "a"),
		/* a report that printed neither */
		INVOKED("b"),
		"Free swap  = 12kB (cut",
		KILLED(8, "b"),
	};
	struct parsed p;
	const struct kmsg_kill *k;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 2);
	k = &p.ev[0].kill;
	assert_true(k->have & KMSG_HAVE_SWAP_FREE);
	assert_true(k->have & KMSG_HAVE_SWAP_TOTAL);
	assert_int_equal(k->swap_free_kb, 1024);
	assert_int_equal(k->swap_total_kb, 2097148);
	assert_true(k->have & KMSG_HAVE_HUGETLB);
	assert_int_equal(k->hugetlb_total_kb, 4 * 1048576ULL + 522 * 2048ULL);
	assert_int_equal(k->hugetlb_free_kb, 1 * 1048576ULL + 512 * 2048ULL);
	k = &p.ev[1].kill;
	assert_false(k->have & (KMSG_HAVE_SWAP_FREE | KMSG_HAVE_SWAP_TOTAL | KMSG_HAVE_HUGETLB));
}

/*
 * Mem-Info's machine-wide slab, in pages, with the page's size from a
 * zone's free lists: on lines of their own (dmesg), in one /dev/kmsg
 * record joined by "\x0a", and 16 KiB pages; a zone line's slab in kB
 * (before 4.13) and a count cut short are not taken.
 */
static void mem_info_slab(void **state)
{
	static const char *const lines[] = {
		INVOKED("a"),
		"Mem-Info:",
		"active_anon:886 inactive_anon:50954 isolated_anon:0",
		" active_file:0 inactive_file:0 isolated_file:0",
		" slab_reclaimable:299 slab_unreclaimable:3086",
		"Node 0 DMA32: 3*4kB (U) 1*8kB (M) = 20kB",
		KILLED(7, "a"),
		INVOKED("b"),
		"Mem-Info:",
		"active_anon:47456 inactive_anon:0 isolated_anon:0\\x0a slab_reclaimable:10 "
		"slab_unreclaimable:20\\x0a mapped:1 shmem:2",
		"Normal: 0*16kB 0*32kB = 0kB",
		KILLED(8, "b"),
		INVOKED("c"),
		"Mem-Info:",
		"Node 0 Normal free:5000kB min:4000kB low:5000kB high:6000kB slab_reclaimable:12kB "
		"present:8000kB managed:7000kB",
		" slab_reclaimable:299 slab_unreclaim",
		KILLED(9, "c"),
	};
	struct parsed p;
	const struct kmsg_kill *k;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 3);
	k = &p.ev[0].kill;
	assert_true(k->have & KMSG_HAVE_SLAB);
	assert_int_equal(k->slab_pages[0], 299);
	assert_int_equal(k->slab_pages[1], 3086);
	assert_int_equal(k->page_kb, 4);
	k = &p.ev[1].kill;
	assert_true(k->have & KMSG_HAVE_SLAB);
	assert_int_equal(k->slab_pages[0], 10);
	assert_int_equal(k->slab_pages[1], 20);
	assert_int_equal(k->page_kb, 16);
	k = &p.ev[2].kill;
	assert_false(k->have & KMSG_HAVE_SLAB);
	assert_int_equal(k->page_kb, 0);
	assert_int_equal(k->nr_zones, 1);
}

/*
 * dump_unreclaimable_slab()'s list: the largest 10 by total, largest first,
 * whatever the kernel's order; a line of another shape ends it, and a
 * report without the list has none.
 */
static void unreclaimable_slab_list(void **state)
{
	static const char *const lines[] = {
		INVOKED("a"),
		"Mem-Info:",
		"Unreclaimable slab info:",
		"Name                      Used          Total",
		"c1                      100KB        110KB",
		"kmalloc-4k           2400000KB    2410000KB",
		"c3                      300KB        310KB",
		"c4                      400KB        410KB",
		"c5                      500KB        510KB",
		"c6                      600KB        610KB",
		"c7                      700KB        710KB",
		"c8                      800KB        810KB",
		"c9                      900KB        910KB",
		"c10                    1000KB       1010KB",
		"c11                      50KB         60KB",
		"task_struct            5000KB       5100KB",
		"Tasks state (memory values in pages):",
		"tail-after-the-list     7000KB       7100KB",
		KILLED(7, "a"),
		INVOKED("b"),
		KILLED(8, "b"),
	};
	struct parsed p;
	const struct kmsg_kill *k;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 2);
	k = &p.ev[0].kill;
	assert_int_equal(k->nr_slabs, 10);
	assert_string_equal(k->slabs[0].name, "kmalloc-4k");
	assert_int_equal(k->slabs[0].used_kb, 2400000);
	assert_int_equal(k->slabs[0].total_kb, 2410000);
	assert_string_equal(k->slabs[1].name, "task_struct");
	assert_string_equal(k->slabs[2].name, "c10");
	assert_string_equal(k->slabs[9].name, "c3");
	for (int i = 0; i < k->nr_slabs; i++) {
		assert_string_not_equal(k->slabs[i].name, "c1");
		assert_string_not_equal(k->slabs[i].name, "tail-after-the-list");
	}
	assert_int_equal(p.ev[1].kill.nr_slabs, 0);
}

/*
 * The Node and zone lines of other kernels, in dmesg's text: 5.10 (no
 * boost: printed, pagetables still on the zone line, the Mem-Info counters
 * on lines of their own), 4.19 (nor kernel_stack on the Node line;
 * "unstable:"), 7.x (keys after all_unreclaimable?, free_highatomic) and a
 * kernel without CONFIG_NUMA (no "Node N " before its zones).
 */
static void show_mem_kernel_shapes(void **state)
{
	static const char *const lines[] = {
		/* 5.10 */
		"[   26.423000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
		"oom_score_adj=0",
		"[   26.423903] Mem-Info:",
		"[   26.424125] active_anon:886 inactive_anon:50954 isolated_anon:0",
		"                active_file:0 inactive_file:0 isolated_file:0",
		"                free:48643 free_pcp:26 free_cma:0",
		"[   26.424341] Node 1 active_anon:1592kB inactive_anon:202972kB active_file:0kB "
		"inactive_file:0kB unevictable:784kB isolated(anon):0kB isolated(file):0kB "
		"mapped:2008kB dirty:0kB writeback:0kB shmem:3312kB shmem_thp: 0kB "
		"shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB kernel_stack:0kB "
		"all_unreclaimable? yes",
		"[   26.424507] Node 1 DMA32 free:1160kB min:1184kB low:1480kB high:1776kB "
		"reserved_highatomic:0KB active_anon:1592kB inactive_anon:202972kB active_file:0kB "
		"inactive_file:0kB unevictable:784kB writepending:0kB present:262016kB "
		"managed:212160kB mlocked:784kB pagetables:436kB bounce:0kB free_pcp:104kB "
		"local_pcp:104kB free_cma:0kB",
		"[   26.424696] lowmem_reserve[]: 0 0 0 0 0",
		"[   26.424822] Node 1 DMA32: 0*4kB 1*8kB (M) 0*16kB 0*32kB 2*64kB (UM) 0*128kB "
		"2*256kB (UM) 1*512kB (M) 0*1024kB 0*2048kB 0*4096kB = 1160kB",
		"[   26.425290] Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 "
		"hugepages_size=2048kB",
		"[   26.426000] Out of memory: Killed process 7 (a) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		/* 4.19 */
		"b invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), "
		"nodemask=(null), order=0, oom_score_adj=0",
		"Mem-Info:",
		"Node 0 active_anon:3619272kB inactive_anon:216kB active_file:556kB "
		"inactive_file:1516kB unevictable:0kB isolated(anon):0kB isolated(file):0kB "
		"mapped:324kB dirty:4kB writeback:0kB shmem:1008kB shmem_thp: 0kB "
		"shmem_pmdmapped: 0kB anon_thp: 0kB writeback_tmp:0kB unstable:0kB "
		"all_unreclaimable? no",
		"Node 0 DMA32 free:44464kB min:44696kB low:55868kB high:67040kB "
		"active_anon:3619272kB "
		"inactive_anon:216kB active_file:556kB inactive_file:1516kB unevictable:0kB "
		"writepending:4kB present:3915776kB managed:3836724kB mlocked:0kB "
		"kernel_stack:1792kB pagetables:14540kB bounce:0kB free_pcp:216kB local_pcp:0kB "
		"free_cma:0kB",
		"lowmem_reserve[]: 0 0 0 0",
		"Out of memory: Killed process 8 (b) total-vm:8kB, anon-rss:4kB, file-rss:0kB, "
		"shmem-rss:0kB",
		/* 7.x */
		INVOKED("c"),
		"Mem-Info:",
		"Node 1 active_anon:186284kB inactive_anon:0kB active_file:0kB inactive_file:0kB "
		"unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:1584kB dirty:0kB "
		"writeback:0kB shmem:1576kB shmem_thp:0kB shmem_pmdmapped:0kB anon_thp:0kB "
		"kernel_stack:32kB pagetables:416kB sec_pagetables:0kB all_unreclaimable? yes "
		"Balloon:0kB gpu_active:0kB gpu_reclaim:0kB",
		"Node 1 DMA32 free:12kB boost:0kB min:1092kB low:1364kB high:1636kB "
		"reserved_highatomic:0KB free_highatomic:0KB active_anon:186284kB "
		"inactive_anon:0kB "
		"active_file:0kB inactive_file:0kB unevictable:0kB writepending:0kB zspages:0kB "
		"present:262016kB managed:193660kB mlocked:0kB bounce:0kB free_pcp:2752kB "
		"local_pcp:2752kB free_cma:0kB",
		"lowmem_reserve[]: 0 0 0 0 0",
		"Out of memory: Killed process 9 (c) total-vm:8kB, anon-rss:4kB, file-rss:0kB, "
		"shmem-rss:0kB",
		/* no CONFIG_NUMA: show_node() prints nothing */
		INVOKED("d"),
		"Mem-Info:",
		"Node 0 active_anon:4096kB inactive_anon:380412kB active_file:64kB "
		"inactive_file:128kB unevictable:0kB isolated(anon):0kB isolated(file):0kB "
		"mapped:96kB dirty:0kB writeback:0kB shmem:0kB writeback_tmp:0kB "
		"kernel_stack:552kB pagetables:1236kB all_unreclaimable? yes",
		"Normal free:3364kB boost:0kB min:3452kB low:4312kB high:5172kB "
		"reserved_highatomic:0KB active_anon:4096kB inactive_anon:380412kB "
		"active_file:64kB "
		"inactive_file:128kB unevictable:0kB writepending:0kB present:524288kB "
		"managed:496012kB mlocked:0kB bounce:0kB free_pcp:120kB local_pcp:60kB "
		"free_cma:0kB",
		"lowmem_reserve[]: 0 0 0",
		"Normal: 1*4kB (U) 0*8kB 2*16kB (UM) = 3364kB",
		"Out of memory: Killed process 10 (d) total-vm:8kB, anon-rss:4kB, file-rss:0kB, "
		"shmem-rss:0kB",
	};
	static const struct zone_want z5_10 = {
		1, "DMA32", 1160, 1184, 1480, 1776, -1, 262016, 212160, 5, { 0 },
	};
	static const struct zone_want z4_19 = {
		0, "DMA32", 44464, 44696, 55868, 67040, -1, 3915776, 3836724, 4, { 0 },
	};
	static const struct zone_want z7 = {
		1, "DMA32", 12, 1092, 1364, 1636, 0, 262016, 193660, 5, { 0 },
	};
	static const struct zone_want z_flat = {
		0, "Normal", 3364, 3452, 4312, 5172, 0, 524288, 496012, 3, { 0 },
	};
	const struct kmsg_kill *k;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 4);
	k = kill_of(&p, 0);
	assert_int_equal(k->nr_nodes, 1);
	assert_int_equal(k->nodes[0].known, NODE_COUNTERS_4_8 | 1u << NODE_KERNEL_STACK);
	assert_int_equal(node_kb(k, 0, NODE_INACTIVE_ANON), 202972);
	assert_int_equal(node_kb(k, 0, NODE_UNEVICTABLE), 784);
	assert_int_equal(node_kb(k, 0, NODE_KERNEL_STACK), 0);
	assert_int_equal(k->nr_zones, 1);
	check_zone(k, 0, &z5_10);

	k = kill_of(&p, 1);
	assert_int_equal(k->nodes[0].known, NODE_COUNTERS_4_8);
	assert_int_equal(node_kb(k, 0, NODE_ACTIVE_ANON), 3619272);
	assert_int_equal(node_kb(k, 0, NODE_DIRTY), 4);
	assert_int_equal(k->nr_zones, 1);
	check_zone(k, 0, &z4_19);

	k = kill_of(&p, 2);
	assert_int_equal(k->nodes[0].known,
			 NODE_COUNTERS_4_8 | 1u << NODE_KERNEL_STACK | 1u << NODE_PAGETABLES);
	assert_int_equal(node_kb(k, 0, NODE_KERNEL_STACK), 32);
	check_zone(k, 0, &z7);

	k = kill_of(&p, 3);
	assert_int_equal(node_kb(k, 0, NODE_INACTIVE_ANON), 380412);
	assert_int_equal(k->nr_zones, 1);
	check_zone(k, 0, &z_flat);
}

/* 3.13: zone lines only, without boost; their node counters are left to the zones. */
static void show_mem_before_4_8(void **state)
{
	static const struct zone_want normal = {
		0, "Normal", 35640, 35748, 44684, 53620, -1, 4456448, 4322984, 4, { 0, 0, 0, 0 },
	};
	static const struct zone_want dma = {
		0, "DMA", 15908, 128, 160, 192, -1, 15992, 15908, 4, { 0, 3746, 7968, 7968 },
	};
	const struct kmsg_kill *k;
	struct parsed p;

	parse_file("seed-3.13-global.txt", &p);
	k = kill_of(&p, 0);
	assert_true(k->have & KMSG_HAVE_NODE_MEM);
	assert_int_equal(k->nr_nodes, 0);
	assert_int_equal(k->nr_zones, 3);
	check_zone(k, 0, &dma);
	assert_string_equal(k->zones[1].name, "DMA32");
	check_zone(k, 2, &normal);
}

/*
 * What is not the report's own show_mem(), or not whole, is not taken: a
 * memcg OOM's report has none (a dump's mixed into it is that dump's); a
 * second Mem-Info: or a node printed twice is another dump's, and which
 * lines are whose cannot be told; lines before any report belong to none,
 * and the next report starts with nothing.  A figure a paste cut, or a
 * lowmem_reserve[] not right after its zone, is not known.
 */
static void show_mem_not_taken(void **state)
{
	static const char *const zone =
	    "Node 0 Normal free:100kB boost:0kB min:200kB low:250kB high:300kB "
	    "present:4096kB managed:4000kB";
	static const char *const node =
	    "Node 0 active_anon:10kB inactive_anon:20kB active_file:30kB inactive_file:40kB "
	    "unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:5kB dirty:0kB "
	    "writeback:0kB shmem:0kB kernel_stack:16kB pagetables:48kB all_unreclaimable? yes";
	static const char *const killed =
	    "Out of memory: Killed process 1 (a) total-vm:8kB, anon-rss:4kB, file-rss:0kB, "
	    "shmem-rss:0kB";
	static const char *const header =
	    "a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0";
	const char *const lines[] = {
		/* before any report */
		"Mem-Info:",
		node,
		zone,
		"lowmem_reserve[]: 0 0 0",
		/* 1: a memcg OOM, with another dump's show_mem() inside */
		header,
		"memory: usage 65536kB, limit 65536kB, failcnt 23",
		"Mem-Info:",
		node,
		zone,
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/x,task_memcg=/x,task=a,pid=1,uid=0",
		"Memory cgroup out of memory: Killed process 1 (a) total-vm:8kB, anon-rss:4kB, "
		"file-rss:0kB, shmem-rss:0kB",
		/* 2: two Mem-Info: */
		header,
		"Mem-Info:",
		node,
		"Mem-Info:",
		zone,
		killed,
		/* 3: a node twice */
		header,
		"Mem-Info:",
		node,
		node,
		killed,
		/* 4: none of it: the earlier reports' figures are not carried over */
		header,
		killed,
		/* 5: cut by a paste; a reserve line after another, or of too many zone types */
		header,
		"Mem-Info:",
		"Node 0 active_anon:10kB inactive_anon:20kB active_file:3",
		"Node 1 active_anon:10kB inactive_anon:20kB pagetables:4",
		"Node 0 DMA32 free:100kB boost:0kB min:200kB low:250kB high:300kB present:4096kB",
		"lowmem_reserve[]: 0 0 0",
		zone,
		"random: crng init done",
		"lowmem_reserve[]: 0 0 0",
		"Node 1 Normal free:100kB boost:0kB min:200kB low:250kB high:300kB present:4096kB "
		"managed:4000kB",
		"lowmem_reserve[]: 0 0 0 0 0 0 0",
		killed,
		/* a page allocation failure's, after the kill: no report's */
		"Mem-Info:",
		node,
		zone,
	};
	const struct kmsg_kill *k;
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	assert_int_equal(p.n, 5);
	for (int i = 0; i < 4; i++) {
		k = kill_of(&p, i);
		assert_false(k->have & KMSG_HAVE_NODE_MEM);
		assert_int_equal(k->nr_nodes, 0);
		assert_int_equal(k->nr_zones, 0);
	}
	k = kill_of(&p, 4);
	assert_true(k->have & KMSG_HAVE_NODE_MEM);
	assert_int_equal(k->nr_nodes, 2);
	assert_int_equal(k->nodes[0].known, 1u << NODE_ACTIVE_ANON | 1u << NODE_INACTIVE_ANON);
	assert_int_equal(node_kb(k, 0, NODE_INACTIVE_ANON), 20);
	assert_int_equal(node_kb(k, 1, NODE_PAGETABLES), -1);
	/* the DMA32 line lacks managed: */
	assert_int_equal(k->nr_zones, 2);
	assert_string_equal(k->zones[0].name, "Normal");
	assert_int_equal(k->zones[0].free_kb, 100);
	assert_int_equal(k->zones[0].nr_reserve, 0);
	assert_int_equal(k->zones[1].node, 1);
	assert_int_equal(k->zones[1].nr_reserve, 0);
}

/* Anything at all: no crash, nothing past the buffers (run under ASan by make sanitize). */
static void garbage(void **state)
{
	static const char *const lines[] = {
		"",
		"[",
		"[ 1.2",
		"<",
		"1,2,3,",
		"1,2,3,-",
		"99999999999999999999999,1,1,-;Killed process 99999999999 (",
		"Killed process 1 (",
		"Killed process -5 (x)",
		"x invoked oom-killer: gfp_mask=0xfffffffffffffffffffff(, order=",
		"oom-kill:constraint=",
		"oom-kill:constraint=X,task=,pid=,uid=",
		"memory: usage ",
		"CPU: PID: ",
		"Call Trace:",
		" [<",
		" [<ffff>] ",
		" +0x1/0x2",
		"[  pid  ] uid name",
		"[1] 1 2 3 4 5 6 7 8",
		"oom_reaper: reaped process 1 (x",
		"Task in  killed as a result of limit of ",
		"Nov 22 kernel: ",
		"kern  :",
		"[Thu Aug 17 17:29:27 2023]",
		"1 ",
		"1:",
		"a:b: | [",
		"0123456789012345678901234567890123456789012345678901234567890123456789 [ 1.2] x",
		" invoked",
		"x invoked",
		"oom-killer:",
		"x invoked oom-killer:",
		"gfp_mask=0x",
		"order=, oom_score_adj=",
		"y invoked oom-killer: gfp_mask=0x1,",
		"nodemask=",
		"Task in / killed as a result of limit of ...",
		"Task in killed as a result of limit of",
		"Memory cgroup stats for ",
		"Memory cgroup stats for :",
		"Memory cgroup stats for /: ",
		"Mem-Info:",
		"Node ",
		"Node 1",
		"Node 1 ",
		"Node 99999999999999999999999 active_anon:1kB",
		"Node 1 active_anon:",
		"Node 1 active_anon:99999999999999999999999kB",
		"Node 1 X free:",
		"Node 1 X free:1kB min:1kB low:1kB high:1kB present:1kB managed:1kB",
		"lowmem_reserve[]:",
		"lowmem_reserve[]: 99999999999999999999999 -1 x",
		"Node 1 ZoneNameOfSixteen free:1kB min:1kB low:1kB high:1kB present:1kB "
		"managed:1kB",
		"Normal free:",
		"Normal: 1*4kB",
	};
	struct parsed p;

	PARSE_ARRAY(lines, &p);
	/* "Killed process -5 (x)" is a kill line in form: the rest are not */
	assert_true(p.n <= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_raw_records),
		cmocka_unit_test(host_dmesg_text),
		cmocka_unit_test(memcg_stat_in_one_record),
		cmocka_unit_test(seed_5_14_v2_container),
		cmocka_unit_test(seed_3_13_global),
		cmocka_unit_test(seed_3_10_syslog),
		cmocka_unit_test(paste_syslog_numbered),
		cmocka_unit_test(paste_columns),
		cmocka_unit_test(paste_indented_cpuset),
		cmocka_unit_test(paste_grep_filtered),
		cmocka_unit_test(paste_oom_kill_lines_only),
		cmocka_unit_test(paste_cut_oom_kill_line),
		cmocka_unit_test(paste_mail_wrapped),
		cmocka_unit_test(paste_wrapped_headers),
		cmocka_unit_test(paste_4_14_task_in_wrapped),
		cmocka_unit_test(paste_4_14_task_in_chopped),
		cmocka_unit_test(paste_task_in_paths),
		cmocka_unit_test(interleaved_dump_is_not_the_invoker),
		cmocka_unit_test(cut_off_reports),
		cmocka_unit_test(oom_group_and_reaper),
		cmocka_unit_test(show_mem_global_numa),
		cmocka_unit_test(show_mem_cpuset),
		cmocka_unit_test(show_mem_kernel_shapes),
		cmocka_unit_test(swap_and_hugetlb),
		cmocka_unit_test(mem_info_slab),
		cmocka_unit_test(unreclaimable_slab_list),
		cmocka_unit_test(show_mem_before_4_8),
		cmocka_unit_test(show_mem_not_taken),
		cmocka_unit_test(garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
