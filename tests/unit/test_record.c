// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The --record format: what is written reads back the same, and damage is named. */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "decode.h"
#include "gfp.h"
#include "ksyms.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "replay.h"
#include "stats.h"

static const struct host_info host = {
	.page_size = 4096,
	.totalram_pages = 6000000,
	.total_swap_pages = 0,
	.single_node = 1,
};

static const char kallsyms[] = "ffffffff81000000 T _stext\n"
			       "ffffffff81100000 T out_of_memory\n"
			       "ffffffff81100800 t oom_kill_process\n"
			       "ffffffff81200000 T handle_mm_fault\n"
			       "ffffffffc0100000 t xfs_alloc\t[xfs]\n";

struct fixture {
	char path[64];
	struct gfp_table *gfp;
	struct ksyms *ks;
	struct oom_kill_record kill;
	struct oom_event r;
	struct proc_info next[2];
	struct reclaim_stall_record stall;
	struct oom_reaped_record reaped;
	struct run_totals totals;
	struct reconcile_diff diff;
	unsigned char *bytes; /* the file written */
	size_t size;
};

static void make_kill(struct fixture *fx)
{
	struct oom_kill_record *k = &fx->kill;

	memset(k, 0, sizeof(*k));
	k->type = RECORD_OOM_KILL;
	k->hook = HOOK_TRACEPOINT;
	k->ktime_ns = 7920909214199ULL;
	k->event_id = 1;
	k->constraint = OOMT_CONSTRAINT_MEMCG;
	k->flags = KILL_HAVE_VICTIM | KILL_HAVE_MEMCG | KILL_HAVE_GFP;
	k->gfp_mask = 0xcc0;
	k->victim_pid = k->victim_tid = k->invoker_pid = k->invoker_tid = 4242;
	strcpy(k->victim_comm, "oom-trigger");
	strcpy(k->invoker_comm, "oom-trigger");
	k->anon_pages = 16320;
	k->memcg_usage_pages = k->memcg_max_pages = 16384;
	k->memcg_is_v1 = 1;
	k->cg_depth = 3;
	strcpy(k->cg_names[0], "oomt");
	strcpy(k->cg_names[1], "process_api");
	strcpy(k->cg_names[2], "/");
	k->kstack[0] = 0xffffffff81100810; /* oom_kill_process+0x10 */
	k->kstack[1] = 0xffffffff81100020; /* out_of_memory+0x20 */
	k->kstack[2] = 0xffffffff81200040; /* handle_mm_fault+0x40 */
	k->kstack[3] = 0xffffffffc0100004; /* xfs_alloc+0x4 [xfs] */
	k->kstack[4] = 0x1234;		   /* below every symbol: an address */
	k->kstack_len = 5 * sizeof(__u64);
	/* the machine's memory: two nodes, the second with no memory, and one zone */
	k->flags |= KILL_HAVE_NODE_MEM;
	k->node_mem.nr_nodes = 2;
	k->node_mem.nr_zones = 1;
	k->node_mem.stats_known = (1u << OOMT_NODE_STATS) - 1;
	k->node_mem.nr_zone_types = 5;
	k->node_mem.nodes[0].present = 1;
	for (int s = 0; s < OOMT_NODE_STATS; s++)
		k->node_mem.nodes[0].stat[s] = 100 + s;
	k->node_mem.nodes[1].node = 1;
	k->node_mem.zones[0] = (struct oomt_zone_mem){
		.zone = 2, .name = "Normal", .free = 8910, .watermark = { 8937, 11171, 13405 },
		.present = 262144, .managed = 250000, .lowmem_reserve = { 0, 0, 0, 1, 2 },
	};
	k->flags |= KILL_HAVE_RETRY;
	k->retry = (struct oomt_alloc_retry){ .first_ns = 5, .last_ns = 900, .checks = 17, .order = 0,
					      .nr_zones = 1, .compactions = 2, .compact_order = 0,
					      .compact_retries = 1, .compact_max_retries = 16,
					      .compact_ret = 1 };
	k->retry.zones[0] = (struct oomt_retry_zone){ .node = 0, .zone_idx = 2, .reclaimable = 7,
						     .available = 8917, .min_wmark = 8937,
						     .no_progress_loops = 16, .wmark_check = 0 };
	decode__kill(&fx->r, k, &host, fx->gfp);
	memset(&fx->r.memcg.state, 0xff, sizeof(fx->r.memcg.state));
	fx->r.known |= EV_MEMCG_STATE;
	fx->r.memcg.state.usage = 64 << 20;
	fx->r.memcg.state.ev_oom_kill = 1;
	memset(fx->r.memcg.state.lines, 0, sizeof(fx->r.memcg.state.lines));
	fx->r.memcg.state.lines_truncated = true;
	fx->r.memcg.state.nr_lines = 2;
	strcpy(fx->r.memcg.state.lines[0].key, "anon");
	fx->r.memcg.state.lines[0].value = 66908160;
	strcpy(fx->r.memcg.state.lines[1].key, "workingset_refault_file");
	fx->r.memcg.state.lines[1].value = -3;
	fx->r.known |= EV_SLABS | EV_HOST_VM;
	fx->r.nr_slabs = 2;
	fx->r.slabs_read = "at_arrival"; /* as aftermath reads them */
	fx->r.slabs[0] = (struct slab_cache){ .name = "kmalloc-64", .used_kb = 31250, .total_kb = 32768 };
	fx->r.slabs[1] = (struct slab_cache){ .name = "dentry", .used_kb = 1, .total_kb = 384 };
	fx->r.vm.settings = (struct vm_settings){ 2, 80, 0, 0, 1, 1 };
	fx->r.vm.committed_as_kb = 123456;
	fx->r.vm.commit_limit_kb = 100000;
	fx->next[0] = (struct proc_info){ .pid = 17, .comm = "sleep", .points = 459 };
	fx->next[1] = (struct proc_info){ .pid = 18, .comm = "b\xffsh", .points = -3 };
	fx->r.next = fx->next;
	fx->r.nr_next = 2;
	fx->r.next_truncated = true;
	fx->r.known |= EV_NEXT; /* as the tracer's aftermath__read() leaves it */
}

static void make_others(struct fixture *fx)
{
	memset(&fx->stall, 0, sizeof(fx->stall));
	fx->stall.type = RECORD_RECLAIM_STALL;
	fx->stall.end = EPISODE_OOM_KILL;
	fx->stall.ep.tid = fx->stall.ep.pid = 4242;
	fx->stall.ep.stall_ns = 5000000;
	fx->stall.ep.passes = 19;
	fx->stall.ep.kstack[0] = 0xffffffff81200010;
	fx->stall.ep.kstack_len = sizeof(__u64);
	memset(&fx->reaped, 0, sizeof(fx->reaped));
	fx->reaped.type = RECORD_OOM_REAPED;
	fx->reaped.event_id = 1;
	fx->reaped.victim_pid = 4242;
	memset(&fx->totals, 0, sizeof(fx->totals));
	fx->totals.kills = 1;
	fx->totals.dropped[RECORD_RECLAIM_STALL] = 3;
	fx->totals.nr_nodes = 1;
	fx->totals.nodes[0] = (struct node_totals){ .nid = 0, .wakes = 2, .scanned = 99 };
	fx->totals.have_kernel_kills = true;
	fx->totals.kernel_kills = 2;
	fx->diff = (struct reconcile_diff){ .scope = RECONCILE_MEMCG,
					    .memcg = "/process_api/oomt",
					    .kernel = 2,
					    .reported = 1,
					    .diff = 1,
					    .dropped_kills = 1 };
}

static const struct record_ctx ctx1 = { { 1763778623, 725669000 }, 0 };
static const struct record_ctx ctx2 = { { 1763778624, 1000 }, 7 };

/* A session: header, kill, stall (memcg known), stall (not), reaped, unreconciled, summary. */
static void write_session(struct fixture *fx, int fd)
{
	struct record_header h;
	struct recorder *w;

	record_header__init(&h, &host, fx->gfp, "oom_kill_process: fentry, mark_victim: tp_btf");
	w = recorder__new(fd, fx->path, &h);
	assert_non_null(w);
	assert_int_equal(recorder__kill(w, &fx->kill, &fx->r, fx->ks, &ctx1), 0);
	assert_int_equal(recorder__stall(w, &fx->stall, "/a/b", fx->ks, &ctx2), 0);
	assert_int_equal(recorder__stall(w, &fx->stall, NULL, fx->ks, &ctx2), 0);
	assert_int_equal(recorder__reaped(w, &fx->reaped, &ctx2), 0);
	assert_int_equal(recorder__unreconciled(w, &fx->diff, &ctx2), 0);
	assert_int_equal(recorder__summary(w, &fx->totals), 0);
	recorder__free(w);
}

static void slurp(struct fixture *fx)
{
	FILE *f = fopen(fx->path, "r");

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	fx->size = ftell(f);
	rewind(f);
	fx->bytes = malloc(fx->size);
	assert_int_equal(fread(fx->bytes, 1, fx->size, f), fx->size);
	fclose(f);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	FILE *f = fmemopen((void *)kallsyms, strlen(kallsyms), "r");
	int fd;

	strcpy(fx->path, "/tmp/test_record.XXXXXX");
	fd = mkstemp(fx->path);
	fx->gfp = gfp_table__classic();
	fx->ks = ksyms__load_file(f);
	fclose(f);
	make_kill(fx);
	make_others(fx);
	write_session(fx, fd);
	slurp(fx);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	gfp_table__free(fx->gfp);
	ksyms__free(fx->ks);
	free(fx->bytes);
	free(fx);
	return 0;
}

/* A reader over len bytes of buf (a copy: fmemopen() wants a writable size > 0). */
static FILE *open_bytes(const void *buf, size_t len)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	rewind(f);
	return f;
}

static void reads_back_what_was_written(void **state)
{
	struct fixture *fx = *state;
	FILE *f = open_bytes(fx->bytes, fx->size);
	struct record_reader *rd = record_reader__new(f, "t.rec");
	struct record_frame *fr = malloc(sizeof(*fr));
	const struct record_header *h;
	char a[256], b[256];

	assert_int_equal(record_reader__next(rd, fr), 1);
	assert_int_equal(fr->type, FRAME_HEADER);
	h = record_reader__header(rd);
	assert_string_equal(h->version, OOMTRACE_VERSION);
	assert_string_equal(h->hooks, "oom_kill_process: fentry, mark_victim: tp_btf");
	assert_memory_equal(&h->host, &host, sizeof(host));
	assert_true(h->started.tv_sec > 0);

	assert_int_equal(record_reader__next(rd, fr), 1);
	assert_int_equal(fr->type, FRAME_KILL);
	assert_memory_equal(&fr->kill, &fx->kill, sizeof(fx->kill));
	assert_memory_equal(&fr->ctx, &ctx1, sizeof(ctx1));
	assert_string_equal(fr->memcg_path, "/process_api/oomt");
	assert_string_equal(fr->cgroup_path, "/process_api/oomt");
	assert_true(fr->have_state);
	assert_memory_equal(&fr->state, &fx->r.memcg.state, sizeof(fr->state));
	assert_int_equal(fr->nr_slabs, 2);
	assert_memory_equal(fr->slabs, fx->r.slabs, 2 * sizeof(fr->slabs[0]));
	assert_true(fr->have_vm);
	assert_memory_equal(&fr->vm, &fx->r.vm.settings, sizeof(fr->vm));
	assert_int_equal(fr->committed_as_kb, 123456);
	assert_int_equal(fr->commit_limit_kb, 100000);
	assert_int_equal(fr->nr_next, 2);
	assert_memory_equal(&fr->next[1], &fx->next[1], sizeof(fx->next[1]));
	assert_true(fr->next_truncated);
	/* every stack address resolves as the live table resolved it */
	for (int i = 0; i < 5; i++) {
		ksyms__format(fx->ks, fx->kill.kstack[i], a, sizeof(a));
		ksyms__format(record_reader__ksyms(rd), fr->kill.kstack[i], b, sizeof(b));
		assert_string_equal(a, b);
	}
	assert_string_equal(b, "0x1234");
	/* the gfp flag values came along */
	gfp_table__format(fx->gfp, 0x100cca, a, sizeof(a));
	gfp_table__format(h->gfp, 0x100cca, b, sizeof(b));
	assert_string_equal(a, b);

	assert_int_equal(record_reader__next(rd, fr), 1);
	assert_int_equal(fr->type, FRAME_STALL);
	assert_memory_equal(&fr->stall, &fx->stall, sizeof(fx->stall));
	assert_true(fr->have_memcg);
	assert_string_equal(fr->memcg, "/a/b");
	assert_memory_equal(&fr->ctx, &ctx2, sizeof(ctx2));
	assert_int_equal(record_reader__next(rd, fr), 1);
	assert_false(fr->have_memcg);

	assert_int_equal(record_reader__next(rd, fr), 1);
	assert_int_equal(fr->type, FRAME_REAPED);
	assert_memory_equal(&fr->reaped, &fx->reaped, sizeof(fx->reaped));

	assert_int_equal(record_reader__next(rd, fr), 1);
	assert_int_equal(fr->type, FRAME_UNRECONCILED);
	assert_int_equal(fr->unreconciled.scope, RECONCILE_MEMCG);
	assert_string_equal(fr->unreconciled.memcg, "/process_api/oomt");
	assert_int_equal(fr->unreconciled.kernel, 2);
	assert_int_equal(fr->unreconciled.reported, 1);
	assert_int_equal(fr->unreconciled.diff, 1);
	assert_int_equal(fr->unreconciled.dropped_kills, 1);

	assert_int_equal(record_reader__next(rd, fr), 1);
	assert_int_equal(fr->type, FRAME_SUMMARY);
	assert_true(fr->totals.have_kernel_kills);
	assert_int_equal(fr->totals.kernel_kills, 2);
	assert_null(fr->totals.kernel_why);
	assert_int_equal(fr->totals.kills, 1);
	assert_int_equal(fr->totals.dropped[RECORD_RECLAIM_STALL], 3);
	assert_int_equal(fr->totals.nr_nodes, 1);
	assert_int_equal(fr->totals.nodes[0].scanned, 99);
	assert_int_equal(record_reader__next(rd, fr), 0);
	record_reader__free(rd);
	free(fr);
	fclose(f);
}

/* Frame ends in the file, from the header's on: where a cut leaves a clean (if short) file. */
static bool at_boundary(const unsigned char *b, size_t size, size_t len)
{
	size_t off = 0;

	while (off + 8 <= size) {
		uint32_t n;

		if (!memcmp(b + off, "OOMTREC", 8))
			off += 16; /* a session's preamble */
		memcpy(&n, b + off + 4, 4);
		off += 8 + n;
		if (off == len)
			return true;
	}
	return false;
}

/* A file cut at each byte: clean at a frame's end, else truncation said with its offset. */
static void check_every_cut(const unsigned char *b, size_t size)
{
	struct record_frame *fr = malloc(sizeof(*fr));

	for (size_t len = 0; len < size; len++) {
		FILE *f = len ? fmemopen((void *)b, len, "r") : open_bytes(b, len);
		struct record_reader *rd = record_reader__new(f, "cut.rec");
		int ret;

		while ((ret = record_reader__next(rd, fr)) > 0)
			;
		if (at_boundary(b, size, len)) {
			assert_int_equal(ret, 0);
		} else {
			assert_true(ret < 0);
			if (len == 0)
				assert_non_null(strstr(record_reader__error(rd), "empty"));
			else if (!strstr(record_reader__error(rd), "truncated at byte"))
				fail_msg("cut at %zu: %s", len, record_reader__error(rd));
		}
		record_reader__free(rd);
		fclose(f);
	}
	free(fr);
}

static void every_cut_is_clean_or_named(void **state)
{
	struct fixture *fx = *state;

	check_every_cut(fx->bytes, fx->size);
}

/* The same for the version 1 fixture: today's reader of yesterday's files. */
#define FIXTURES "tests/fixtures/record/"

static unsigned char *load_fixture(const char *name, size_t *size)
{
	FILE *f = fopen(name, "r");
	unsigned char *b;

	if (!f)
		fail_msg("%s: %m (run from the top of the tree)", name);
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	rewind(f);
	b = malloc(*size);
	assert_int_equal(fread(b, 1, *size, f), *size);
	fclose(f);
	return b;
}

static void every_cut_of_v1_is_clean_or_named(void **state)
{
	size_t size;
	unsigned char *b = load_fixture(FIXTURES "v1.oomtrec", &size);

	check_every_cut(b, size);
	free(b);
}

/* Read bytes (patched by the caller) to the end or the first error. */
static const char *read_error(const void *buf, size_t len, char *err, size_t size)
{
	FILE *f = open_bytes(buf, len);
	struct record_reader *rd = record_reader__new(f, "bad.rec");
	struct record_frame *fr = malloc(sizeof(*fr));
	int ret;

	while ((ret = record_reader__next(rd, fr)) > 0)
		;
	snprintf(err, size, "%s", ret < 0 ? record_reader__error(rd) : "");
	record_reader__free(rd);
	free(fr);
	fclose(f);
	return err;
}

static void damage_is_named(void **state)
{
	struct fixture *fx = *state;
	unsigned char *b = malloc(fx->size + 64);
	char err[512];
	uint32_t v;

	memcpy(b, fx->bytes, fx->size);
	memcpy(b, "NOTOOMT", 8);
	assert_non_null(strstr(read_error(b, fx->size, err, sizeof(err)), "not an oomtrace"));
	assert_non_null(strstr(err, "'bad.rec'"));

	memcpy(b, fx->bytes, fx->size);
	v = 99;
	memcpy(b + 8, &v, 4);
	assert_non_null(strstr(read_error(b, fx->size, err, sizeof(err)), "format version 99"));

	memcpy(b, fx->bytes, fx->size);
	v = 0x04030201;
	memcpy(b + 12, &v, 4);
	assert_non_null(strstr(read_error(b, fx->size, err, sizeof(err)), "other byte order"));

	/* the header frame's length, absurd */
	memcpy(b, fx->bytes, fx->size);
	v = 0xffffffff;
	memcpy(b + 20, &v, 4);
	assert_non_null(strstr(read_error(b, fx->size, err, sizeof(err)), "claims 4294967295"));

	/* a frame that is not the header first */
	memcpy(b, fx->bytes, fx->size);
	v = FRAME_KILL;
	memcpy(b + 16, &v, 4);
	assert_non_null(strstr(read_error(b, fx->size, err, sizeof(err)), "no header frame"));
	free(b);
}

/* A kill frame whose record says what no kernel could: refused, not printed. */
static void impossible_values_are_refused(void **state)
{
	struct fixture *fx = *state;
	char path[] = "/tmp/test_record_bad.XXXXXX", err[512];
	int fd = mkstemp(path);
	struct record_header h;
	struct recorder *w;
	FILE *f;
	char buf[65536];
	size_t n;

	record_header__init(&h, &host, fx->gfp, "x");
	w = recorder__new(fd, path, &h);
	fx->kill.oom_score_adj = 5000;
	assert_int_equal(recorder__kill(w, &fx->kill, &fx->r, NULL, &ctx1), 0);
	fx->kill.oom_score_adj = 0;
	recorder__free(w);
	f = fopen(path, "r");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	unlink(path);
	assert_non_null(strstr(read_error(buf, n, err, sizeof(err)), "damaged frame at byte"));
}

/* Frames of a later version are skipped; appended sessions both read. */
static void unknown_frames_and_sessions(void **state)
{
	struct fixture *fx = *state;
	size_t hdr_end, len = fx->size * 2 + 12;
	unsigned char *b = malloc(len);
	struct record_frame *fr = malloc(sizeof(*fr));
	uint32_t n, type = 99, flen = 4;
	int headers = 0, kills = 0, ret;
	FILE *f;
	struct record_reader *rd;

	memcpy(&n, fx->bytes + 20, 4);
	hdr_end = 16 + 8 + n;
	/* session 1, with an unknown frame after its header; session 2 */
	memcpy(b, fx->bytes, hdr_end);
	memcpy(b + hdr_end, &type, 4);
	memcpy(b + hdr_end + 4, &flen, 4);
	memcpy(b + hdr_end + 8, "abcd", 4);
	memcpy(b + hdr_end + 12, fx->bytes + hdr_end, fx->size - hdr_end);
	memcpy(b + fx->size + 12, fx->bytes, fx->size);
	f = open_bytes(b, len);
	rd = record_reader__new(f, "two.rec");
	while ((ret = record_reader__next(rd, fr)) > 0) {
		headers += fr->type == FRAME_HEADER;
		kills += fr->type == FRAME_KILL;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(headers, 2);
	assert_int_equal(kills, 2);
	record_reader__free(rd);
	fclose(f);
	free(fr);
	free(b);
}

/* The file less the last n bytes of its first frame of type: what an older writer wrote. */
static size_t drop_tail(unsigned char *b, size_t size, uint32_t type, uint32_t n)
{
	size_t off = 16; /* the preamble */

	while (off + 8 <= size) {
		uint32_t t, len;

		memcpy(&t, b + off, 4);
		memcpy(&len, b + off + 4, 4);
		if (t == type) {
			size_t end = off + 8 + len;

			len -= n;
			memcpy(b + off + 4, &len, 4);
			memmove(b + end - n, b + end, size - end);
			return size - n;
		}
		off += 8 + len;
	}
	fail_msg("no frame of type %u", type);
	return size;
}

/*
 * Version 1 files from before next_victims_truncated and the kernel's
 * count still read: the fixture with those fields cut off its first kill
 * and its first session's summary.
 */
static void older_frames_read(void **state)
{
	size_t size, len;

	unsigned char *b = load_fixture(FIXTURES "v1.oomtrec", &size);
	struct record_frame *fr = malloc(sizeof(*fr));
	int ret, kills = 0, summaries = 0;
	FILE *f;
	struct record_reader *rd;

	len = drop_tail(b, size, FRAME_KILL, 4);
	/* u64 already_exiting, u32 have, u64 kernel kills, string "" (u32 0), u64 repeat kills */
	len = drop_tail(b, len, FRAME_SUMMARY, 8 + 4 + 8 + 4 + 8);
	f = open_bytes(b, len);
	rd = record_reader__new(f, "old.rec");
	while ((ret = record_reader__next(rd, fr)) > 0) {
		if (fr->type == FRAME_KILL && kills++ == 0) {
			assert_false(fr->next_truncated);
			assert_int_equal(fr->nr_next, 1);
			assert_string_equal(fr->next[0].comm, "sleep");
			assert_true(fr->have_state);
		} else if (fr->type == FRAME_SUMMARY && summaries++ == 0) {
			assert_false(fr->totals.have_kernel_kills);
			/* the session had one; its frame no longer says so */
			assert_int_equal(fr->totals.already_exiting, 0);
			assert_null(fr->totals.kernel_why);
			assert_int_equal(fr->totals.repeat_kills, 0);
		} else if (fr->type == FRAME_SUMMARY) {
			/* the second session's, whole */
			assert_true(fr->totals.have_kernel_kills);
			assert_int_equal(fr->totals.kernel_kills, 3);
			assert_int_equal(fr->totals.dropped[RECORD_OOM_KILL], 2);
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(kills, 4);
	assert_int_equal(summaries, 2);
	record_reader__free(rd);
	fclose(f);
	free(fr);
	free(b);
}

/* What report prints of the n bytes of a recording, with opts. */
static char *replay_to_string(const void *bytes, size_t n, const struct options *opts)
{
	char *out = NULL;
	size_t len = 0;
	FILE *in = open_bytes(bytes, n), *f = open_memstream(&out, &len);

	assert_int_equal(replay__stream(in, "t.rec", opts, f), EXIT_OK);
	fclose(f);
	fclose(in);
	return out;
}

/* A victim marked while already exiting prints, says so, and is no kill. */
static void already_exiting_is_no_kill(void **state)
{
	struct fixture *fx = *state;
	struct options json = { .json = true, .reclaim_stalls_ms = -1 };
	struct options text = { .reclaim_stalls_ms = -1 };
	char *out;
	int fd;

	fx->kill.flags |= KILL_ALREADY_EXITING;
	fd = open(fx->path, O_WRONLY | O_TRUNC);
	write_session(fx, fd);
	free(fx->bytes);
	slurp(fx);
	out = replay_to_string(fx->bytes, fx->size, &json);
	assert_non_null(strstr(out, "{\"type\":\"oom_kill\""));
	assert_non_null(strstr(out, "\"kind\":\"already_exiting\""));
	assert_null(strstr(out, "\"kind\":\"kill\""));
	/* counted apart: no kill, in no memcg */
	assert_non_null(strstr(out, "\"kills\":0,\"already_exiting\":1,"));
	assert_non_null(strstr(out, "\"memcgs\":{\"/a/b\""));
	assert_null(strstr(out, "\"/process_api/oomt\":{"));
	free(out);
	out = replay_to_string(fx->bytes, fx->size, &text);
	assert_non_null(strstr(out, " OOM victim already exiting  constraint MEMCG"));
	assert_non_null(strstr(out, "  kind     already exiting: the kernel marked it"));
	assert_non_null(strstr(out, "oomtrace: 0 OOM kills traced"));
	assert_non_null(strstr(out, "oomtrace: 1 victim was already exiting"));
	/* the summary frame's kernel count, as the live run's text said it */
	assert_non_null(strstr(out, "oomtrace: the kernel counted 2 OOM kills (/proc/vmstat "
				    "oom_kill): +2 against those reported, unreconciled\n"));
	/* the next victims were read from a scan cut at its limit: a word under them */
	assert_non_null(strstr(out, "\n           scan truncated: the domain has more processes "
				    "than one scan reads\n"));
	free(out);
	fx->kill.flags &= ~KILL_ALREADY_EXITING;
}

/* report prints the kill with output.c as the live run did: the same bytes. */
static void replay_prints_what_live_printed(void **state)
{
	struct fixture *fx = *state;
	struct output_ctx fmt = {
		.json = true, .ksyms = fx->ks, .gfp = fx->gfp, .page_size = 4096
	};
	struct options opts = { .json = true, .reclaim_stalls_ms = 0 };
	char *live = NULL, *replayed = NULL;
	size_t live_len = 0, rep_len = 0;
	FILE *lf = open_memstream(&live, &live_len), *rf = open_memstream(&replayed, &rep_len);
	FILE *in = open_bytes(fx->bytes, fx->size);
	struct stats *st = stats__new();

	output__kill(lf, &fmt, &fx->r, &ctx1.when, ctx1.dropped);
	{
		struct stall_event sev;

		decode__stall(&sev, &fx->stall, "/a/b", fx->gfp);
		output__stall(lf, &fmt, &sev, &ctx2.when, ctx2.dropped);
		decode__stall(&sev, &fx->stall, NULL, fx->gfp);
		output__stall(lf, &fmt, &sev, &ctx2.when, ctx2.dropped);
	}
	{
		struct reap_event rev;

		decode__reaped(&rev, &fx->reaped);
		output__reaped(lf, &fmt, &rev, &ctx2.when, ctx2.dropped);
	}
	output__unreconciled(lf, &fmt, &fx->diff, &ctx2.when);
	stats__add_kill(st, "/process_api/oomt");
	stats__add_episode(st, "/a/b", 19, 5000000, 0, 0);
	stats__add_episode(st, NULL, 19, 5000000, 0, 0);
	fx->totals.stats = st;
	output__summary_json(lf, &fx->totals);
	fclose(lf);
	assert_int_equal(replay__stream(in, "t.rec", &opts, rf), EXIT_OK);
	fclose(rf);
	assert_string_equal(replayed, live);
	assert_non_null(strstr(live, "\"kstack\":[\"oom_kill_process+0x10\""));
	assert_non_null(strstr(live, "\"kind\":\"kill\""));
	assert_non_null(strstr(live, "\"next_victims_truncated\":true"));
	assert_non_null(strstr(live,
			       "{\"type\":\"unreconciled\",\"time\":\"2025-11-22T02:30:24."
			       "000001Z\",\"scope\":\"memcg\",\"memcg\":\"/process_api/oomt\","
			       "\"kernel_kills\":2,\"kills\":1,\"unreconciled_kills\":1,"
			       "\"dropped_kills\":1}\n"));
	assert_non_null(strstr(live, "\"kills\":1,\"already_exiting\":0,\"kernel_kills\":2,"
				     "\"repeat_kills\":0,\"unreconciled_kills\":1,"));
	fclose(in);
	stats__free(st);
	free(live);
	free(replayed);
}

/* The first frame of type in b (from its header on): its offset, or fails. */
static size_t frame_at(const unsigned char *b, size_t size, uint32_t type)
{
	size_t off = 16; /* the preamble */

	while (off + 8 <= size) {
		uint32_t t, len;

		memcpy(&t, b + off, 4);
		memcpy(&len, b + off + 4, 4);
		if (t == type)
			return off;
		off += 8 + len;
	}
	fail_msg("no frame of type %u", type);
	return 0;
}

static void add_to_len(unsigned char *p, int32_t n)
{
	uint32_t len;

	memcpy(&len, p, 4);
	len += n;
	memcpy(p, &len, 4);
}

/* b (of *size bytes, room for more) without the top-level field tag of the first frame of type. */
static void drop_field(unsigned char *b, size_t *size, uint32_t type, uint16_t tag)
{
	size_t frame = frame_at(b, *size, type), off = frame + 8, end;
	uint32_t len;

	memcpy(&len, b + frame + 4, 4);
	end = off + len;
	while (off + 8 <= end) {
		uint16_t t;
		uint32_t n;

		memcpy(&t, b + off, 2);
		memcpy(&n, b + off + 4, 4);
		if (t == tag) {
			memmove(b + off, b + off + 8 + n, *size - off - 8 - n);
			*size -= 8 + n;
			add_to_len(b + frame + 4, -(int32_t)(8 + n));
			return;
		}
		off += 8 + n;
	}
	fail_msg("no field %u in frame type %u", tag, type);
}

/* n bytes at offset at of b, which has room for them. */
static void insert(unsigned char *b, size_t *size, size_t at, const void *p, size_t n)
{
	memmove(b + at + n, b + at, *size - at);
	memcpy(b + at, p, n);
	*size += n;
}

/* Two recordings print the same, as text and as JSON, every reclaim episode too. */
static void assert_same_report(const unsigned char *a, size_t na, const unsigned char *b, size_t nb)
{
	for (int json = 0; json < 2; json++) {
		struct options opts = { .json = json, .reclaim_stalls_ms = 0 };
		char *want = replay_to_string(a, na, &opts), *got = replay_to_string(b, nb, &opts);

		assert_string_equal(got, want);
		free(want);
		free(got);
	}
}

/*
 * A newer oomtrace's file: a kill frame with fields of tags this one does
 * not know (one of a wire type it does not know either, one a group), a
 * frame of a type it does not know.  Skipped, counted, and the rest prints
 * as it did.
 */
static void unknown_tags_are_skipped(void **state)
{
	struct fixture *fx = *state;
	unsigned char *b = malloc(fx->size + 256);
	/* tag 900, a group holding tag 1; tag 901, wire type 77 */
	static const unsigned char fields[] = { 0x84, 0x03, 4, 0, 16, 0, 0,   0, /* group */
						1,    0,    1, 0, 8,  0, 0,   0, /* its u64 */
						9,    9,    9, 9, 9,  9, 9,   9,   0x85, 0x03,
						77,   0,    3, 0, 0,  0, 'a', 'b', 'c' };
	static const unsigned char frame[] = { 99, 0, 0, 0, 3, 0, 0, 0, 'x', 'y', 'z' };
	size_t size = fx->size, kill = frame_at(fx->bytes, size, FRAME_KILL);
	struct record_frame *fr = malloc(sizeof(*fr));
	struct record_reader *rd;
	FILE *f;
	int ret, kills = 0;

	memcpy(b, fx->bytes, size);
	insert(b, &size, kill + 8, fields, sizeof(fields));
	add_to_len(b + kill + 4, sizeof(fields));
	insert(b, &size, kill, frame, sizeof(frame));
	f = open_bytes(b, size);
	rd = record_reader__new(f, "newer.rec");
	while ((ret = record_reader__next(rd, fr)) > 0) {
		if (fr->type != FRAME_KILL)
			continue;
		kills++;
		assert_memory_equal(&fr->kill, &fx->kill, sizeof(fx->kill));
		assert_int_equal(fr->nr_next, 2);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(kills, 1);
	assert_int_equal(record_reader__unknown_fields(rd), 2);
	assert_int_equal(record_reader__writer_tags(rd), 6);
	record_reader__free(rd);
	fclose(f);
	assert_same_report(fx->bytes, fx->size, b, size);
	free(fr);
	free(b);
}

/* An older version 2 file, which lacks fields added since: they read as unknown. */
static void absent_tags_read_as_defaults(void **state)
{
	struct fixture *fx = *state;
	unsigned char *b = malloc(fx->size);
	struct record_frame *fr = malloc(sizeof(*fr));
	size_t size = fx->size;
	struct record_reader *rd;
	FILE *f;
	int ret;

	memcpy(b, fx->bytes, size);
	drop_field(b, &size, FRAME_KILL, 116);	 /* next_victims_truncated */
	drop_field(b, &size, FRAME_KILL, 114);	 /* the memcg's state */
	drop_field(b, &size, FRAME_KILL, 50);	 /* the victim's comm */
	drop_field(b, &size, FRAME_SUMMARY, 23); /* the kernel's count */
	f = open_bytes(b, size);
	rd = record_reader__new(f, "older.rec");
	while ((ret = record_reader__next(rd, fr)) > 0) {
		if (fr->type == FRAME_KILL) {
			assert_false(fr->next_truncated);
			assert_false(fr->have_state);
			assert_int_equal(fr->state.usage, -1);
			assert_int_equal(fr->state.pgsteal, -1);
			assert_string_equal(fr->kill.victim_comm, "");
			assert_int_equal(fr->kill.victim_pid, 4242);
			assert_int_equal(fr->nr_next, 2);
		} else if (fr->type == FRAME_SUMMARY) {
			assert_false(fr->totals.have_kernel_kills);
			assert_int_equal(fr->totals.dropped[RECORD_RECLAIM_STALL], 3);
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(record_reader__unknown_fields(rd), 0);
	record_reader__free(rd);
	fclose(f);
	free(fr);
	free(b);
}

/* A field that claims more bytes than its frame holds, or that is not its wire type: damage. */
static void damaged_fields_are_named(void **state)
{
	struct fixture *fx = *state;
	unsigned char *b = malloc(fx->size);
	size_t kill = frame_at(fx->bytes, fx->size, FRAME_KILL);
	uint32_t big = 1U << 20;
	uint16_t wire = 3;
	char err[512];

	memcpy(b, fx->bytes, fx->size);
	memcpy(b + kill + 8 + 4, &big, 4); /* the first field's length */
	assert_non_null(strstr(read_error(b, fx->size, err, sizeof(err)), "damaged frame at byte"));
	assert_non_null(strstr(err, "(type 3,"));
	memcpy(b, fx->bytes, fx->size);
	memcpy(b + kill + 8 + 2, &wire, 2); /* the time in seconds, as a string */
	assert_non_null(strstr(read_error(b, fx->size, err, sizeof(err)), "damaged frame at byte"));
	free(b);
}

/* A version 1 file whose records were laid out otherwise: refused, naming its oomtrace. */
static void v1_of_another_layout_is_refused(void **state)
{
	size_t size, off = 24; /* the preamble, the header frame's type and length */
	unsigned char *b = load_fixture(FIXTURES "v1.oomtrec", &size);
	uint32_t n, other = 3168;
	char err[512];

	for (int i = 0; i < 4; i++) { /* version, kernel, hostname, hooks */
		memcpy(&n, b + off, 4);
		off += 4 + n;
	}
	off += 8 + 8 + 4 + 3 * 8 + 4; /* clocks, page size, RAM, swap, one node */
	memcpy(&n, b + off, 4);
	assert_int_equal(n, 3160); /* the kill record's size */
	memcpy(b + off, &other, 4);
	assert_non_null(strstr(read_error(b, size, err, sizeof(err)),
			       "recorded by oomtrace 0.1.0, whose records are laid out otherwise"));
	free(b);
}

/* A version 1 fixture written again through the recorder: version 2, the same output. */
static void v1_rewritten_as_v2_prints_the_same(void **state)
{
	size_t size, n2;
	unsigned char *b = load_fixture(FIXTURES "v1.oomtrec", &size), *b2;
	char path[] = "/tmp/test_record_v2.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = open_bytes(b, size);
	struct record_reader *rd = record_reader__new(f, "v1.rec");
	struct record_frame *fr = malloc(sizeof(*fr));
	struct recorder *w = NULL;
	static struct oom_event r;
	int ret;

	while ((ret = record_reader__next(rd, fr)) > 0) {
		const struct record_header *h = record_reader__header(rd);
		const struct ksyms *ks = record_reader__ksyms(rd);

		switch (fr->type) {
		case FRAME_HEADER:
			recorder__free(w);
			w = recorder__new(dup(fd), path, h);
			assert_non_null(w);
			break;
		case FRAME_KILL:
			decode__kill(&r, &fr->kill, &h->host, h->gfp);
			if (fr->have_state)
				r.known |= EV_MEMCG_STATE;
			r.memcg.state = fr->state;
			r.next = fr->next;
			r.nr_next = fr->nr_next;
			r.next_truncated = fr->next_truncated;
			assert_int_equal(recorder__kill(w, &fr->kill, &r, ks, &fr->ctx), 0);
			break;
		case FRAME_STALL:
			assert_int_equal(recorder__stall(w, &fr->stall,
							 fr->have_memcg ? fr->memcg : NULL, ks,
							 &fr->ctx),
					 0);
			break;
		case FRAME_REAPED:
			assert_int_equal(recorder__reaped(w, &fr->reaped, &fr->ctx), 0);
			break;
		case FRAME_UNRECONCILED:
			assert_int_equal(recorder__unreconciled(w, &fr->unreconciled, &fr->ctx), 0);
			break;
		case FRAME_SUMMARY: assert_int_equal(recorder__summary(w, &fr->totals), 0); break;
		default: break;
		}
	}
	assert_int_equal(ret, 0);
	recorder__free(w);
	record_reader__free(rd);
	fclose(f);
	close(fd);
	f = fopen(path, "r");
	b2 = malloc(size * 2);
	n2 = fread(b2, 1, size * 2, f);
	fclose(f);
	unlink(path);
	assert_int_equal(b2[8], 2); /* the version written */
	assert_same_report(b, size, b2, n2);
	free(fr);
	free(b);
	free(b2);
}

/* Skipped program runs: a count where the kernel keeps one, null where it does not. */
static void missed_runs_are_said(void **state)
{
	struct stats *st = stats__new();
	struct run_totals t = { .kills = 1, .stats = st };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(st);
	output__summary_json(f, &t);
	fflush(f);
	assert_non_null(strstr(buf, ",\"bpf_missed_runs\":null,\"bpf_missed_runs_by_program\":null,"));
	rewind(f);
	t.have_missed_runs = true;
	t.missed_runs = 3;
	snprintf(t.missed[0].prog, sizeof(t.missed[0].prog), "lru_shrink_inactive");
	t.missed[0].runs = 3;
	t.nr_missed = 1;
	output__summary_json(f, &t);
	output__summary(f, &t);
	fflush(f);
	assert_non_null(strstr(buf, ",\"bpf_missed_runs\":3,"
				    "\"bpf_missed_runs_by_program\":{\"lru_shrink_inactive\":3},"));
	assert_non_null(strstr(buf, "the kernel skipped 3 runs of oomtrace's BPF programs"));
	fclose(f);
	free(buf);
	stats__free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missed_runs_are_said),
		cmocka_unit_test_setup_teardown(reads_back_what_was_written, setup, teardown),
		cmocka_unit_test(older_frames_read),
		cmocka_unit_test_setup_teardown(already_exiting_is_no_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(every_cut_is_clean_or_named, setup, teardown),
		cmocka_unit_test_setup_teardown(damage_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(impossible_values_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_frames_and_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(replay_prints_what_live_printed, setup, teardown),
		cmocka_unit_test(every_cut_of_v1_is_clean_or_named),
		cmocka_unit_test_setup_teardown(unknown_tags_are_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(absent_tags_read_as_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_fields_are_named, setup, teardown),
		cmocka_unit_test(v1_rewritten_as_v2_prints_the_same),
		cmocka_unit_test(v1_of_another_layout_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
