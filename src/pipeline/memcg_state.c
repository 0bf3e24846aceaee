// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "memcg_state.h"

/* page_counter's "max": v1 prints it as a huge byte count, v2 as "max" */
#define UNLIMITED (1LL << 60)

static int read_text(const char *dir, const char *name, char *buf, size_t size)
{
	char path[4200];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

static long long read_num(const char *dir, const char *name)
{
	char buf[64];
	long long v;

	if (read_text(dir, name, buf, sizeof(buf)))
		return -1;
	if (!strncmp(buf, "max", 3))
		return -1;
	v = strtoll(buf, NULL, 10);
	return v >= UNLIMITED ? -1 : v;
}

/* "key value" lines: the value of key, or -1 */
static long long keyed(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (!strncmp(l, key, n) && l[n] == ' ')
			return strtoll(l + n + 1, NULL, 10);
	return -1;
}

/* every "key value" line of memory.stat, in the file's order */
static void keep_lines(const char *text, struct memcg_state *st)
{
	st->nr_lines = 0;
	st->lines_truncated = 0;
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *sp = strchr(l, ' '), *nl = strchr(l, '\n');
		struct memcg_stat_line *line;
		char *end;
		long long v;

		if (!sp || (nl && sp > nl) || sp == l || (size_t)(sp - l) >= MEMCG_STAT_KEY_LEN)
			continue;
		v = strtoll(sp + 1, &end, 10);
		if (end == sp + 1)
			continue;
		if (st->nr_lines == MEMCG_STAT_LINES) {
			st->lines_truncated = 1;
			return;
		}
		line = &st->lines[st->nr_lines++];
		memcpy(line->key, l, sp - l);
		line->key[sp - l] = '\0';
		line->value = v;
	}
}

void memcg_state__parse_stat(const char *text, int version, struct memcg_state *st)
{
	keep_lines(text, st);
	if (version == 2) {
		st->anon = keyed(text, "anon");
		st->file = keyed(text, "file");
		st->kernel = keyed(text, "kernel");
		st->sock = keyed(text, "sock");
		st->shmem = keyed(text, "shmem");
		st->slab = keyed(text, "slab");
		st->pgscan = keyed(text, "pgscan");
		st->pgsteal = keyed(text, "pgsteal");
		return;
	}
	/* v1: the hierarchical total_* lines, since the limit is the subtree's */
	st->anon = keyed(text, "total_rss");
	st->file = keyed(text, "total_cache");
	st->shmem = keyed(text, "total_shmem");
	st->kernel = st->sock = st->slab = -1;
	/* v1 counts these in pages, and only on kernels that keep them */
	st->pgscan = keyed(text, "total_pgscan");
	st->pgsteal = keyed(text, "total_pgsteal");
}

int memcg_state__read(const char *dir, int version, struct memcg_state *st)
{
	char buf[8192];
	int err;

	memset(st, 0xff, sizeof(*st)); /* every field -1 */
	st->nr_lines = 0;
	st->lines_truncated = 0;
	err = read_text(dir, "memory.stat", buf, sizeof(buf));
	if (err)
		return err;
	memcg_state__parse_stat(buf, version, st);
	if (version == 2) {
		st->usage = read_num(dir, "memory.current");
		st->limit = read_num(dir, "memory.max");
		st->swap = read_num(dir, "memory.swap.current");
		st->swap_limit = read_num(dir, "memory.swap.max");
		st->high = read_num(dir, "memory.high");
		st->low = read_num(dir, "memory.low");
		st->min = read_num(dir, "memory.min");
		if (!read_text(dir, "memory.events", buf, sizeof(buf))) {
			st->ev_low = keyed(buf, "low");
			st->ev_high = keyed(buf, "high");
			st->ev_max = keyed(buf, "max");
			st->ev_oom = keyed(buf, "oom");
			st->ev_oom_kill = keyed(buf, "oom_kill");
			/* 5.17 and later */
			st->ev_oom_group_kill = keyed(buf, "oom_group_kill");
		}
		return 0;
	}
	st->usage = read_num(dir, "memory.usage_in_bytes");
	st->limit = read_num(dir, "memory.limit_in_bytes");
	st->failcnt = read_num(dir, "memory.failcnt");
	st->kernel = read_num(dir, "memory.kmem.usage_in_bytes");
	st->sock = read_num(dir, "memory.kmem.tcp.usage_in_bytes");
	/* 0 is a memcg that OOMs rather than swap its anon out */
	st->swappiness = read_num(dir, "memory.swappiness");
	st->memsw_limit = read_num(dir, "memory.memsw.limit_in_bytes");
	if (st->usage >= 0) {
		long long memsw = read_num(dir, "memory.memsw.usage_in_bytes");
		long long memsw_limit = st->memsw_limit;

		st->swap = memsw >= st->usage ? memsw - st->usage : -1;
		st->swap_limit = memsw_limit >= 0 && st->limit >= 0 && memsw_limit >= st->limit
				     ? memsw_limit - st->limit
				     : -1;
	}
	if (!read_text(dir, "memory.oom_control", buf, sizeof(buf)))
		st->ev_oom_kill = keyed(buf, "oom_kill");
	return 0;
}

static void num(FILE *f, const char *key, long long v, int shift, bool comma)
{
	fprintf(f, "%s\"%s\":", comma ? "," : "", key);
	if (v < 0)
		fputs("null", f);
	else
		fprintf(f, "%lld", v >> shift);
}

void memcg_state__json(FILE *f, const struct memcg_state *st, const char *read)
{
	fprintf(f, "{\"read\":\"%s\"", read);
	num(f, "usage_kb", st->usage, 10, true);
	num(f, "limit_kb", st->limit, 10, true);
	num(f, "swap_kb", st->swap, 10, true);
	num(f, "swap_limit_kb", st->swap_limit, 10, true);
	num(f, "failcnt", st->failcnt, 0, true);
	num(f, "high_kb", st->high, 10, true);
	num(f, "low_kb", st->low, 10, true);
	num(f, "min_kb", st->min, 10, true);
	num(f, "memsw_limit_kb", st->memsw_limit, 10, true);
	num(f, "swappiness", st->swappiness, 0, true);
	fputs(",\"events\":{", f);
	num(f, "low", st->ev_low, 0, false);
	num(f, "high", st->ev_high, 0, true);
	num(f, "max", st->ev_max, 0, true);
	num(f, "oom", st->ev_oom, 0, true);
	num(f, "oom_kill", st->ev_oom_kill, 0, true);
	num(f, "oom_group_kill", st->ev_oom_group_kill, 0, true);
	fputs("},\"stat\":{", f);
	num(f, "anon_kb", st->anon, 10, false);
	num(f, "file_kb", st->file, 10, true);
	num(f, "kernel_kb", st->kernel, 10, true);
	num(f, "sock_kb", st->sock, 10, true);
	num(f, "shmem_kb", st->shmem, 10, true);
	num(f, "slab_kb", st->slab, 10, true);
	num(f, "pgscan", st->pgscan, 0, true);
	num(f, "pgsteal", st->pgsteal, 0, true);
	/* the keys are the kernel's: [a-z0-9_]; anything else is left out */
	fputs("},\"memory_stat\":{", f);
	for (unsigned int i = 0, n = 0; i < st->nr_lines; i++) {
		const char *k = st->lines[i].key;

		if (k[strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_")])
			continue;
		fprintf(f, "%s\"%s\":%lld", n++ ? "," : "", k, st->lines[i].value);
	}
	fprintf(f, "},\"memory_stat_truncated\":%s}", st->lines_truncated ? "true" : "false");
}
