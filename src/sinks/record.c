// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The --record file (docs/record-format.md).  Version 2 frames hold tagged
 * fields: each tag names one fact in fixed units, so the file does not
 * change when a struct does.  Each frame type has one table below that
 * maps its tags to the fields of struct record_frame (or the header); the
 * writer and the reader both go through it.  Version 1 frames held the
 * BPF structs raw: their layouts are frozen here, and the reader turns
 * each version 1 frame into the tagged fields of version 2 before it
 * decodes it, so that one decoder fills every struct record_frame.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "gfp.h"
#include "ksyms.h"
#include "outfile.h"
#include "record.h"

#define BYTE_ORDER_MARK 0x01020304U
#define PREAMBLE_LEN	16 /* magic, version, byte order mark */
#define FRAME_HDR_LEN	8  /* type, length */
#define FIELD_HDR_LEN	8  /* tag, wire type, length */
#define MAX_GFP_FLAGS	64
#define MAX_STATE	64 /* version 1: state values a kill frame may hold */
#define MAX_NODE_TYPES	64 /* version 1: drop counts a summary frame may hold */
#define GFP_NAME_LEN	64
/* every symbol line a file may bring: far more than a kernel has */
#define MAX_SYMBOL_TEXT (64U << 20)
/* Counts no real machine has: refused before any arithmetic meets them. */
#define MAX_PAGES (1ULL << 52)

/* ---- buffers ---- */

struct buf {
	unsigned char *data;
	size_t len, cap;
	bool failed; /* out of memory: the frame is not written */
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->failed || !n)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		unsigned char *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put_u16(struct buf *b, uint16_t v)
{
	put(b, &v, sizeof(v));
}

static void put_u32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

/* Fill in a length written as 0 at at, now that the bytes after it are known. */
static void patch_len(struct buf *b, size_t at, size_t hdr)
{
	uint32_t len = b->len - at - hdr;

	if (!b->failed)
		memcpy(b->data + at + hdr - 4, &len, sizeof(len));
}

/* A frame's header now, its length when end_frame() knows it. */
static size_t begin_frame(struct buf *b, enum frame_type type)
{
	size_t at = b->len;

	put_u32(b, type);
	put_u32(b, 0);
	return at;
}

static void end_frame(struct buf *b, size_t at)
{
	patch_len(b, at, FRAME_HDR_LEN);
}

/* ---- tagged fields (version 2) ---- */

/* How a field's value is laid out in the file. */
enum wire {
	WIRE_UINT = 1,	/* u64 */
	WIRE_SINT = 2,	/* s64 */
	WIRE_BYTES = 3, /* a string, without NUL */
	WIRE_GROUP = 4, /* tagged fields of their own */
	WIRE_U64S = 5,	/* an array of u64 */
};

static void put_field_hdr(struct buf *b, uint16_t tag, enum wire wire, uint32_t len)
{
	put_u16(b, tag);
	put_u16(b, wire);
	put_u32(b, len);
}

static void put_int(struct buf *b, uint16_t tag, enum wire wire, uint64_t v)
{
	put_field_hdr(b, tag, wire, sizeof(v));
	put(b, &v, sizeof(v));
}

static void put_bytes(struct buf *b, uint16_t tag, const void *p, size_t n)
{
	put_field_hdr(b, tag, WIRE_BYTES, n);
	put(b, p, n);
}

static size_t begin_group(struct buf *b, uint16_t tag)
{
	size_t at = b->len;

	put_field_hdr(b, tag, WIRE_GROUP, 0);
	return at;
}

static void end_group(struct buf *b, size_t at)
{
	patch_len(b, at, FIELD_HDR_LEN);
}

/* What a table entry maps its tag to. */
enum field_kind {
	F_UINT,	     /* an unsigned integer of size bytes */
	F_SINT,	     /* a signed one */
	F_STR,	     /* a NUL-terminated char[size] */
	F_CHARS,     /* a char[size] that BPF filled: NUL-terminated unless full */
	F_NAMES,     /* char[max][size], one field each in order; as many as aux counts */
	F_STACK,     /* __u64[max] whose length in bytes is the __s32 at aux */
	F_STACK_ERR, /* that __s32 when it is -errno: bpf_get_stack() failed */
	F_GROUP,     /* a struct that sub describes */
	F_GROUPS,    /* an array of max of them, how many in the integer at aux */
};

struct fmap;

struct field {
	uint16_t tag;
	uint8_t kind;	  /* enum field_kind */
	uint8_t aux_size; /* of the integer at aux */
	uint32_t off;	  /* of the value in the struct the table describes */
	uint32_t size;	  /* of the value; of one element of an array */
	uint32_t max;	  /* elements of an array */
	/*
	 * F_GROUPS, F_NAMES: where the count is (the reader sets it for
	 * F_GROUPS only: F_NAMES's is a field of its own).  F_STACK: the
	 * length.  Other kinds: a flag that says the field is present
	 * (written only when it is set, set when the field is read).
	 * None when aux_size is 0.
	 */
	uint32_t aux;
	int64_t def; /* an integer a file does not hold reads as this */
	const struct fmap *sub;
};

/* The fields of one frame type, or of one group. */
struct fmap {
	const struct field *f;
	size_t n;
	size_t size; /* of the struct: the stride of an F_GROUPS array */
};

#define FSIZE(T, m) sizeof(((T *)0)->m)
#define F_INT(k, t, T, m, ...)                                                                     \
	{                                                                                          \
		.tag = (t), .kind = (k), .off = offsetof(T, m), .size = FSIZE(T, m), __VA_ARGS__   \
	}
#define U(t, T, m, ...) F_INT(F_UINT, t, T, m, __VA_ARGS__)
#define S(t, T, m, ...) F_INT(F_SINT, t, T, m, __VA_ARGS__)
/* present only when the flag m2 is set */
#define WITH(T, m2)	  .aux = offsetof(T, m2), .aux_size = FSIZE(T, m2)
#define STR(t, T, m, ...) F_INT(F_STR, t, T, m, __VA_ARGS__)
#define CHARS(t, T, m)	  F_INT(F_CHARS, t, T, m)
#define NAMES(t, T, m, count)                                                                      \
	{                                                                                          \
		.tag = (t), .kind = F_NAMES, .off = offsetof(T, m), .size = FSIZE(T, m[0]),        \
		.max = FSIZE(T, m) / FSIZE(T, m[0]), WITH(T, count)                                \
	}
#define STACK(t, T, m, len)                                                                        \
	{ .tag = (t),                                                                              \
	  .kind = F_STACK,                                                                         \
	  .off = offsetof(T, m),                                                                   \
	  .size = FSIZE(T, m[0]),                                                                  \
	  .max = FSIZE(T, m) / FSIZE(T, m[0]),                                                     \
	  WITH(T, len) },                                                                          \
	{                                                                                          \
		.tag = (t) + 1, .kind = F_STACK_ERR, .off = offsetof(T, len),                      \
		.size = FSIZE(T, len)                                                              \
	}
#define GROUP(t, T, m, map, ...)                                                                   \
	{                                                                                          \
		.tag = (t), .kind = F_GROUP, .off = offsetof(T, m), .size = FSIZE(T, m),           \
		.sub = &(map), __VA_ARGS__                                                         \
	}
#define GROUPS(t, T, m, map, count)                                                                \
	{                                                                                          \
		.tag = (t), .kind = F_GROUPS, .off = offsetof(T, m), .size = FSIZE(T, m[0]),       \
		.max = FSIZE(T, m) / FSIZE(T, m[0]), .sub = &(map), WITH(T, count)                 \
	}
#define FMAP(T, table)                                                                             \
	{                                                                                          \
		table, sizeof(table) / sizeof(table[0]), sizeof(T)                                 \
	}

static enum wire wire_of(const struct field *f)
{
	switch (f->kind) {
	case F_UINT: return WIRE_UINT;
	case F_SINT:
	case F_STACK_ERR: return WIRE_SINT;
	case F_STR:
	case F_CHARS:
	case F_NAMES: return WIRE_BYTES;
	case F_STACK: return WIRE_U64S;
	default: return WIRE_GROUP;
	}
}

static int64_t load_int(const void *p, unsigned int size, bool sign)
{
	switch (size) {
	case 1: return sign ? (int64_t) * (const int8_t *)p : (int64_t) * (const uint8_t *)p;
	case 2: return sign ? (int64_t) * (const int16_t *)p : (int64_t) * (const uint16_t *)p;
	case 4: return sign ? (int64_t) * (const int32_t *)p : (int64_t) * (const uint32_t *)p;
	default: return *(const int64_t *)p;
	}
}

/* v into an integer of size bytes; false when it does not fit. */
static bool store_int(void *p, unsigned int size, bool sign, uint64_t v)
{
	int64_t s = (int64_t)v;
	unsigned int bits = size * 8;

	if (size < 8 && (sign ? s < -(1LL << (bits - 1)) || s >= (1LL << (bits - 1)) : v >> bits))
		return false;
	switch (size) {
	case 1: *(uint8_t *)p = v; break;
	case 2: *(uint16_t *)p = v; break;
	case 4: *(uint32_t *)p = v; break;
	default: *(uint64_t *)p = v; break;
	}
	return true;
}

static bool flag_set(const struct field *f, const char *base)
{
	return !f->aux_size || load_int(base + f->aux, f->aux_size, false);
}

static void put_fields(struct buf *b, const struct fmap *m, const void *base);

static void put_field(struct buf *b, const struct field *f, const char *base)
{
	const char *p = base + f->off;
	int64_t v;
	size_t at;

	switch (f->kind) {
	case F_UINT:
	case F_SINT:
		v = load_int(p, f->size, f->kind == F_SINT);
		/* an absent integer reads as its default: no need to write it */
		if (flag_set(f, base) && (v != f->def || f->aux_size))
			put_int(b, f->tag, wire_of(f), v);
		break;
	case F_STR:
	case F_CHARS:
		if (flag_set(f, base) && (*p || f->aux_size))
			put_bytes(b, f->tag, p, strnlen(p, f->size));
		break;
	case F_NAMES:
		/* as many as the count at aux says, the empty too: their order is their level */
		v = load_int(base + f->aux, f->aux_size, false);
		for (int64_t i = 0; i < v && i < f->max; i++)
			put_bytes(b, f->tag, p + i * f->size, strnlen(p + i * f->size, f->size));
		break;
	case F_STACK:
		v = load_int(base + f->aux, f->aux_size, true);
		if (v > 0) {
			uint32_t n = v / f->size < f->max ? v / f->size : f->max;

			put_field_hdr(b, f->tag, WIRE_U64S, n * f->size);
			put(b, p, n * f->size);
		}
		break;
	case F_STACK_ERR:
		v = load_int(p, f->size, true);
		if (v < 0)
			put_int(b, f->tag, WIRE_SINT, v);
		break;
	case F_GROUP:
		if (!flag_set(f, base))
			break;
		at = begin_group(b, f->tag);
		put_fields(b, f->sub, p);
		end_group(b, at);
		break;
	case F_GROUPS:
		v = load_int(base + f->aux, f->aux_size, false);
		for (int64_t i = 0; i < v && i < f->max; i++) {
			at = begin_group(b, f->tag);
			put_fields(b, f->sub, p + i * f->size);
			end_group(b, at);
		}
		break;
	}
}

static void put_fields(struct buf *b, const struct fmap *m, const void *base)
{
	for (size_t i = 0; i < m->n; i++)
		put_field(b, &m->f[i], base);
}

struct cursor {
	const unsigned char *p;
	size_t len, off;
	bool bad;		     /* read past the end, or a value out of range */
	unsigned long long *unknown; /* fields whose tags this oomtrace does not know */
};

static void get(struct cursor *c, void *dst, size_t n)
{
	if (c->bad || n > c->len - c->off) {
		c->bad = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->p + c->off, n);
	c->off += n;
}

static uint16_t get_u16(struct cursor *c)
{
	uint16_t v;

	get(c, &v, sizeof(v));
	return v;
}

static uint32_t get_u32(struct cursor *c)
{
	uint32_t v;

	get(c, &v, sizeof(v));
	return v;
}

static uint64_t get_u64(struct cursor *c)
{
	uint64_t v;

	get(c, &v, sizeof(v));
	return v;
}

/* What the fields of m read as when a file does not hold them. */
static void set_defaults(const struct fmap *m, char *base)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct field *f = &m->f[i];

		if ((f->kind == F_UINT || f->kind == F_SINT) && f->def)
			store_int(base + f->off, f->size, true, f->def);
		else if (f->kind == F_GROUP)
			set_defaults(f->sub, base + f->off);
	}
}

static const struct field *field_of(const struct fmap *m, uint16_t tag)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->f[i].tag == tag)
			return &m->f[i];
	return NULL;
}

static void get_fields(struct cursor *c, const struct fmap *m, char *base);

static void set_flag(const struct field *f, char *base)
{
	if (f->aux_size)
		store_int(base + f->aux, f->aux_size, false, 1);
}

/* A string of v's bytes into dst[size]: NUL-terminated, unless full and may be. */
static void get_chars(struct cursor *v, char *dst, size_t size, bool may_fill)
{
	if (v->len > size || (v->len == size && !may_fill)) {
		v->bad = true;
		return;
	}
	get(v, dst, v->len);
	if (v->len < size)
		dst[v->len] = '\0';
}

/* The value v of field f, its nth in this group. */
static void get_field(struct cursor *v, const struct field *f, char *base, uint32_t nth)
{
	char *p = base + f->off;
	uint64_t x;

	switch (f->kind) {
	case F_UINT:
	case F_SINT:
	case F_STACK_ERR:
		x = get_u64(v);
		/* integers are 8 bytes; a one-byte field is a flag, 0 or 1 */
		if (v->len != sizeof(x) || !store_int(p, f->size, f->kind != F_UINT, x) ||
		    (f->size == 1 && x > 1) || (f->kind == F_STACK_ERR && (int64_t)x >= 0))
			v->bad = true;
		if (f->kind != F_STACK_ERR)
			set_flag(f, base);
		break;
	case F_STR:
	case F_CHARS:
		get_chars(v, p, f->size, f->kind == F_CHARS);
		set_flag(f, base);
		break;
	case F_NAMES:
		if (nth >= f->max)
			v->bad = true;
		else
			get_chars(v, p + (size_t)nth * f->size, f->size, true);
		break;
	case F_STACK:
		if (v->len % f->size || v->len / f->size > f->max)
			v->bad = true;
		get(v, p, v->bad ? 0 : v->len);
		store_int(base + f->aux, f->aux_size, true, v->len);
		break;
	case F_GROUP:
		get_fields(v, f->sub, p);
		set_flag(f, base);
		break;
	case F_GROUPS:
		if (nth >= f->max) {
			v->bad = true;
			break;
		}
		p += (size_t)nth * f->size;
		memset(p, 0, f->size);
		set_defaults(f->sub, p);
		get_fields(v, f->sub, p);
		store_int(base + f->aux, f->aux_size, false, nth + 1);
		break;
	}
}

/*
 * Every field of c into base, as m maps them.  A tag m does not know is
 * a later version's: skipped, and counted.  A known one twice (but for
 * the repeated kinds), or of another wire type, is damage.
 */
#define MAX_FIELDS 64 /* entries of one table, at most */

static void get_fields(struct cursor *c, const struct fmap *m, char *base)
{
	uint32_t seen[MAX_FIELDS] = { 0 };

	while (!c->bad && c->off < c->len) {
		uint16_t tag = get_u16(c), wire = get_u16(c);
		uint32_t len = get_u32(c);
		const struct field *f = field_of(m, tag);
		struct cursor v;
		size_t i;

		if (c->bad || len > c->len - c->off) {
			c->bad = true;
			break;
		}
		v = (struct cursor){ .p = c->p + c->off, .len = len, .unknown = c->unknown };
		c->off += len;
		if (!f) {
			(*c->unknown)++;
			continue;
		}
		i = f - m->f;
		if (wire != wire_of(f) ||
		    (seen[i]++ && f->kind != F_NAMES && f->kind != F_GROUPS)) {
			c->bad = true;
			break;
		}
		get_field(&v, f, base, seen[i] - 1);
		c->bad = v.bad;
	}
}

/* ---- the tags of each frame type (docs/record-format.md has them as tables) ---- */

/* a revision of the tables below: a reader names it when it meets tags it does not know */
#define RECORD_TAGS 6

#define FR struct record_frame
/* when a record was printed, the drops so far: frames 3, 4, 5, 7 and 8 */
#define CTX_FIELDS S(1, FR, ctx.when.tv_sec), S(2, FR, ctx.when.tv_nsec), U(3, FR, ctx.dropped)

static const struct field episode_fields[] = {
	U(1, struct reclaim_episode, first_ns),
	U(2, struct reclaim_episode, last_end_ns),
	U(3, struct reclaim_episode, begin_ns),
	U(4, struct reclaim_episode, stall_ns),
	U(5, struct reclaim_episode, scanned),
	U(6, struct reclaim_episode, reclaimed),
	U(7, struct reclaim_episode, memcg_id),
	U(8, struct reclaim_episode, kswapd_wakes),
	U(9, struct reclaim_episode, passes),
	U(10, struct reclaim_episode, kinds),
	U(11, struct reclaim_episode, gfp_mask),
	S(12, struct reclaim_episode, order),
	U(13, struct reclaim_episode, pid),
	U(14, struct reclaim_episode, tid),
	CHARS(15, struct reclaim_episode, comm),
	STACK(16, struct reclaim_episode, kstack, kstack_len), /* and 17 */
	U(18, struct reclaim_episode, last_kind),
	U(19, struct reclaim_episode, filtered),
	U(20, struct reclaim_episode, no_gfp),
};
static const struct fmap episode_map = FMAP(struct reclaim_episode, episode_fields);

static const struct field stat_line_fields[] = {
	STR(1, struct memcg_stat_line, key),
	S(2, struct memcg_stat_line, value),
};
static const struct fmap stat_line_map = FMAP(struct memcg_stat_line, stat_line_fields);

/* -1: what the memcg's cgroup version does not say */
static const struct field state_fields[] = {
	S(1, struct memcg_state, usage, .def = -1),
	S(2, struct memcg_state, limit, .def = -1),
	S(3, struct memcg_state, swap, .def = -1),
	S(4, struct memcg_state, swap_limit, .def = -1),
	S(5, struct memcg_state, failcnt, .def = -1),
	S(6, struct memcg_state, ev_max, .def = -1),
	S(7, struct memcg_state, ev_oom, .def = -1),
	S(8, struct memcg_state, ev_oom_kill, .def = -1),
	S(9, struct memcg_state, anon, .def = -1),
	S(10, struct memcg_state, file, .def = -1),
	S(11, struct memcg_state, kernel, .def = -1),
	S(12, struct memcg_state, sock, .def = -1),
	S(13, struct memcg_state, shmem, .def = -1),
	S(14, struct memcg_state, slab, .def = -1),
	S(15, struct memcg_state, pgscan, .def = -1),
	S(16, struct memcg_state, pgsteal, .def = -1),
	S(17, struct memcg_state, high, .def = -1),
	S(18, struct memcg_state, low, .def = -1),
	S(19, struct memcg_state, min, .def = -1),
	S(20, struct memcg_state, memsw_limit, .def = -1),
	S(21, struct memcg_state, swappiness, .def = -1),
	S(22, struct memcg_state, ev_low, .def = -1),
	S(23, struct memcg_state, ev_high, .def = -1),
	S(24, struct memcg_state, ev_oom_group_kill, .def = -1),
	GROUPS(25, struct memcg_state, lines, stat_line_map, nr_lines),
	U(26, struct memcg_state, lines_truncated),
};
static const struct fmap state_map = FMAP(struct memcg_state, state_fields);

static const struct field vm_fields[] = {
	S(1, struct vm_settings, overcommit_memory, .def = -1),
	S(2, struct vm_settings, overcommit_ratio, .def = -1),
	S(3, struct vm_settings, overcommit_kbytes, .def = -1),
	S(4, struct vm_settings, oom_kill_allocating_task, .def = -1),
	S(5, struct vm_settings, panic_on_oom, .def = -1),
	S(6, struct vm_settings, oom_dump_tasks, .def = -1),
};
static const struct fmap vm_map = FMAP(struct vm_settings, vm_fields);

static const struct field swap_hugetlb_fields[] = {
	S(1, struct swap_hugetlb, swap_total_kb, .def = -1),
	S(2, struct swap_hugetlb, swap_free_kb, .def = -1),
	S(3, struct swap_hugetlb, hugetlb_total_kb, .def = -1),
	S(4, struct swap_hugetlb, hugetlb_free_kb, .def = -1),
};
static const struct fmap swap_hugetlb_map = FMAP(struct swap_hugetlb, swap_hugetlb_fields);

static const struct field slab_fields[] = {
	STR(1, struct slab_cache, name),
	U(2, struct slab_cache, used_kb),
	U(3, struct slab_cache, total_kb),
};
static const struct fmap slab_map = FMAP(struct slab_cache, slab_fields);

static const struct field proc_fields[] = {
	S(1, struct proc_info, pid),
	STR(2, struct proc_info, comm),
	U(3, struct proc_info, rss_anon_kb),
	U(4, struct proc_info, rss_file_kb),
	U(5, struct proc_info, rss_shmem_kb),
	U(6, struct proc_info, swap_kb),
	U(7, struct proc_info, pgtables_kb),
	S(8, struct proc_info, oom_score_adj),
	S(9, struct proc_info, oom_score, .def = -1),
	S(10, struct proc_info, points),
	STR(11, struct proc_info, memcg),
};
static const struct fmap proc_map = FMAP(struct proc_info, proc_fields);

static const struct field enrich_fields[] = {
	U(1, struct event_enrichment, next_cached),
	U(2, struct event_enrichment, cut_short),
	U(3, struct event_enrichment, step_ns[ENRICH_STATE]),
	U(4, struct event_enrichment, step_ns[ENRICH_PIDS]),
	U(5, struct event_enrichment, step_ns[ENRICH_RANK]),
	U(6, struct event_enrichment, ranked_from),
	U(7, struct event_enrichment, ranked_rss_kb),
	U(8, struct event_enrichment, ranked_procs),
	U(9, struct event_enrichment, rss_summed),
};
static const struct fmap enrich_map = FMAP(struct event_enrichment, enrich_fields);

static const struct field retry_zone_fields[] = {
	U(1, struct oomt_retry_zone, node),
	U(2, struct oomt_retry_zone, zone_idx),
	U(3, struct oomt_retry_zone, reclaimable),
	U(4, struct oomt_retry_zone, available),
	U(5, struct oomt_retry_zone, min_wmark),
	S(6, struct oomt_retry_zone, no_progress_loops),
	U(7, struct oomt_retry_zone, wmark_check),
};
static const struct fmap retry_zone_map = FMAP(struct oomt_retry_zone, retry_zone_fields);

static const struct field retry_fields[] = {
	U(1, struct oomt_alloc_retry, first_ns),
	U(2, struct oomt_alloc_retry, last_ns),
	U(3, struct oomt_alloc_retry, checks),
	S(4, struct oomt_alloc_retry, order),
	GROUPS(5, struct oomt_alloc_retry, zones, retry_zone_map, nr_zones),
	U(6, struct oomt_alloc_retry, compactions),
	S(7, struct oomt_alloc_retry, compact_order),
	S(8, struct oomt_alloc_retry, compact_retries),
	S(9, struct oomt_alloc_retry, compact_max_retries),
	U(10, struct oomt_alloc_retry, compact_ret),
};
static const struct fmap retry_map = FMAP(struct oomt_alloc_retry, retry_fields);

#define NS(t, i) U(t, struct oomt_node_mem, stat[i])
static const struct field node_mem_fields[] = {
	U(1, struct oomt_node_mem, node),  U(2, struct oomt_node_mem, present),
	NS(3, 0),  NS(4, 1),  NS(5, 2),	 NS(6, 3),  NS(7, 4),  NS(8, 5),  NS(9, 6),  NS(10, 7),
	NS(11, 8), NS(12, 9), NS(13, 10), NS(14, 11), NS(15, 12), NS(16, 13), NS(17, 14),
};
#undef NS
_Static_assert(OOMT_NODE_STATS == 15, "a tag for each node counter");
static const struct fmap node_mem_map = FMAP(struct oomt_node_mem, node_mem_fields);

static const struct field zone_mem_fields[] = {
	U(1, struct oomt_zone_mem, node),
	U(2, struct oomt_zone_mem, zone),
	CHARS(3, struct oomt_zone_mem, name),
	U(4, struct oomt_zone_mem, free),
	U(5, struct oomt_zone_mem, watermark[0]),
	U(6, struct oomt_zone_mem, watermark[1]),
	U(7, struct oomt_zone_mem, watermark[2]),
	U(8, struct oomt_zone_mem, boost),
	U(9, struct oomt_zone_mem, present),
	U(10, struct oomt_zone_mem, managed),
	S(11, struct oomt_zone_mem, lowmem_reserve[0]),
	S(12, struct oomt_zone_mem, lowmem_reserve[1]),
	S(13, struct oomt_zone_mem, lowmem_reserve[2]),
	S(14, struct oomt_zone_mem, lowmem_reserve[3]),
	S(15, struct oomt_zone_mem, lowmem_reserve[4]),
	S(16, struct oomt_zone_mem, lowmem_reserve[5]),
};
_Static_assert(OOMT_MAX_ZONE_TYPES == 6, "a tag for each lowmem_reserve");
static const struct fmap zone_mem_map = FMAP(struct oomt_zone_mem, zone_mem_fields);

_Static_assert(OOMT_NODE_WORDS == 2, "a tag for each word of a node mask");

/* The kill frame: the kill as BPF saw it, then what user space read at its arrival. */
static const struct field kill_fields[] = {
	CTX_FIELDS,
	U(16, FR, kill.hook),
	U(17, FR, kill.ktime_ns),
	U(18, FR, kill.flags),
	U(19, FR, kill.constraint),
	U(20, FR, kill.event_id),
	U(32, FR, kill.invoker_pid),
	U(33, FR, kill.invoker_tid),
	CHARS(34, FR, kill.invoker_comm),
	U(35, FR, kill.gfp_mask),
	S(36, FR, kill.order),
	S(37, FR, kill.invoker_oom_score_adj),
	U(48, FR, kill.victim_pid),
	U(49, FR, kill.victim_tid),
	CHARS(50, FR, kill.victim_comm),
	U(51, FR, kill.victim_uid),
	S(52, FR, kill.oom_score_adj),
	U(53, FR, kill.total_vm_pages),
	U(54, FR, kill.anon_pages),
	U(55, FR, kill.file_pages),
	U(56, FR, kill.shmem_pages),
	U(57, FR, kill.swap_pages),
	U(58, FR, kill.pgtables_bytes),
	S(64, FR, kill.chosen_points),
	U(65, FR, kill.totalpages),
	U(80, FR, kill.memcg_usage_pages),
	U(81, FR, kill.memcg_max_pages),
	U(82, FR, kill.memcg_swap_max_pages),
	U(83, FR, kill.memcg_is_v1),
	U(84, FR, kill.memcg_level),
	U(85, FR, kill.memcg_id),
	U(86, FR, kill.cg_depth),
	NAMES(87, FR, kill.cg_names, kill.cg_depth),
	U(96, FR, kill.kswapd_wakes),
	STACK(97, FR, kill.kstack, kill.kstack_len), /* and 98 */
	GROUP(99, FR, kill.episode, episode_map, WITH(FR, kill.have_episode)),
	GROUPS(100, FR, kill.node_mem.nodes, node_mem_map, kill.node_mem.nr_nodes),
	GROUPS(101, FR, kill.node_mem.zones, zone_mem_map, kill.node_mem.nr_zones),
	U(102, FR, kill.node_mem.zones_truncated),
	U(103, FR, kill.node_mem.stats_known),
	U(104, FR, kill.node_mem.nr_zone_types),
	GROUP(105, FR, kill.retry, retry_map),
	U(106, FR, kill.nodemask[0]),
	U(107, FR, kill.nodemask[1]),
	U(108, FR, kill.mems_allowed[0]),
	U(109, FR, kill.mems_allowed[1]),
	CHARS(110, FR, kill.cpuset),
	STR(112, FR, memcg_path),
	STR(113, FR, cgroup_path),
	GROUP(114, FR, state, state_map, WITH(FR, have_state)),
	GROUP(118, FR, vm, vm_map, WITH(FR, have_vm)),
	S(119, FR, committed_as_kb, .def = -1),
	S(120, FR, commit_limit_kb, .def = -1),
	GROUP(122, FR, swap_hugetlb, swap_hugetlb_map, WITH(FR, have_swap_hugetlb)),
	GROUPS(115, FR, next, proc_map, nr_next),
	GROUPS(121, FR, slabs, slab_map, nr_slabs),
	U(116, FR, next_truncated),
	GROUP(117, FR, enrich, enrich_map, WITH(FR, have_enrich)),
};

_Static_assert(sizeof(kill_fields) / sizeof(kill_fields[0]) <= MAX_FIELDS,
	       "the largest table: get_fields() counts each entry's fields");

static const struct field stall_fields[] = {
	CTX_FIELDS,
	U(16, FR, stall.end),
	GROUP(17, FR, stall.ep, episode_map),
	STR(18, FR, memcg, WITH(FR, have_memcg)),
};

static const struct field reaped_fields[] = {
	CTX_FIELDS,
	U(16, FR, reaped.reaper),
	U(17, FR, reaped.event_id),
	U(18, FR, reaped.kill_ns),
	U(19, FR, reaped.reap_start_ns),
	U(20, FR, reaped.reap_end_ns),
	U(21, FR, reaped.exit_ns),
	U(22, FR, reaped.victim_pid),
	U(23, FR, reaped.victim_tid),
	CHARS(24, FR, reaped.victim_comm),
};

/* the reaped frame's tags, where they mean the same; 21 is when it was looked at */
static const struct field not_gone_fields[] = {
	CTX_FIELDS,
	U(16, FR, not_gone.v.reaper),
	U(17, FR, not_gone.v.event_id),
	U(18, FR, not_gone.v.kill_ns),
	U(19, FR, not_gone.v.reap_start_ns),
	U(20, FR, not_gone.v.reap_end_ns),
	U(21, FR, not_gone.look_ns),
	U(22, FR, not_gone.v.pid),
	U(23, FR, not_gone.tid),
	CHARS(24, FR, not_gone.v.comm),
	U(25, FR, not_gone.proc_state),
};

static const struct field node_fields[] = {
	U(1, struct node_totals, nid),	     U(2, struct node_totals, wakes),
	U(3, struct node_totals, run_ns),    U(4, struct node_totals, scanned),
	U(5, struct node_totals, reclaimed),
};
static const struct fmap node_map = FMAP(struct node_totals, node_fields);

static const struct field misses_fields[] = {
	STR(1, struct prog_misses, prog),
	U(2, struct prog_misses, runs),
};
static const struct fmap misses_map = FMAP(struct prog_misses, misses_fields);

/* kernel_why reads into memcg (see finish_summary()) */
static const struct field summary_fields[] = {
	U(16, FR, totals.kills),
	U(17, FR, totals.dropped[RECORD_OOM_KILL]),
	U(18, FR, totals.dropped[RECORD_RECLAIM_STALL]),
	U(19, FR, totals.dropped[RECORD_OOM_REAPED]),
	U(20, FR, totals.dropped[0]), /* of no record type: none so far */
	GROUPS(21, FR, totals.nodes, node_map, totals.nr_nodes),
	U(22, FR, totals.already_exiting),
	U(23, FR, totals.kernel_kills, WITH(FR, totals.have_kernel_kills)),
	STR(24, FR, memcg),
	U(25, FR, totals.repeat_kills),
	U(26, FR, totals.missed_runs, WITH(FR, totals.have_missed_runs)),
	GROUPS(27, FR, totals.missed, misses_map, totals.nr_missed),
};

/* the memcg's path reads into memcg (see finish_unreconciled()) */
static const struct field unreconciled_fields[] = {
	CTX_FIELDS,
	U(16, FR, unreconciled.scope),
	STR(17, FR, memcg),
	U(18, FR, unreconciled.kernel),
	U(19, FR, unreconciled.reported),
	U(20, FR, unreconciled.dropped_kills),
};

/* The header frame's fields, before the reader makes a gfp table of its flags. */
struct header_wire {
	struct record_header h;
	uint32_t tags; /* the writer's RECORD_TAGS */
	uint32_t from_kernel, nr_gfp;
	struct gfp_flag {
		char name[GFP_NAME_LEN];
		uint32_t value;
	} gfp[MAX_GFP_FLAGS];
};

static const struct field gfp_flag_fields[] = {
	STR(1, struct gfp_flag, name),
	U(2, struct gfp_flag, value),
};
static const struct fmap gfp_flag_map = FMAP(struct gfp_flag, gfp_flag_fields);

#define HW struct header_wire
static const struct field header_fields[] = {
	STR(1, HW, h.version),
	STR(2, HW, h.kernel),
	STR(3, HW, h.hostname),
	STR(4, HW, h.hooks),
	S(5, HW, h.boot_offset_ns),
	S(6, HW, h.started.tv_sec),
	S(7, HW, h.started.tv_nsec),
	U(8, HW, h.host.page_size),
	U(9, HW, h.host.totalram_pages),
	U(10, HW, h.host.total_swap_pages),
	S(11, HW, h.host.single_node),
	U(12, HW, from_kernel),
	GROUPS(13, HW, gfp, gfp_flag_map, nr_gfp),
	U(14, HW, tags),
	S(15, HW, h.host.possible_nodes),
};

static const struct fmap frame_maps[] = {
	[FRAME_HEADER] = FMAP(HW, header_fields),
	[FRAME_KILL] = FMAP(FR, kill_fields),
	[FRAME_STALL] = FMAP(FR, stall_fields),
	[FRAME_REAPED] = FMAP(FR, reaped_fields),
	[FRAME_SUMMARY] = FMAP(FR, summary_fields),
	[FRAME_UNRECONCILED] = FMAP(FR, unreconciled_fields),
	[FRAME_NOT_GONE] = FMAP(FR, not_gone_fields),
};
#undef HW
#undef FR

/* One frame of type: its payload, the fields of base. */
static void put_frame(struct buf *b, enum frame_type type, const void *base)
{
	size_t at = begin_frame(b, type);

	put_fields(b, &frame_maps[type], base);
	end_frame(b, at);
}

/* ---- the writer ---- */

struct recorder {
	int fd;
	char *name;
	int err; /* -errno of the first failed write */
	struct buf b;
	unsigned long *syms; /* symbol addresses already in the file, sorted */
	size_t nr_syms, cap_syms;
	struct record_frame *fr; /* each record as the tables see it */
};

static int write_all(struct recorder *w)
{
	if (w->err)
		return w->err;
	w->err = w->b.failed ? -ENOMEM : outfile__write_all(w->fd, w->b.data, w->b.len);
	w->b.len = 0;
	w->b.failed = false;
	if (w->err)
		fprintf(stderr, "oomtrace: --record '%s': failed to write: %s\n", w->name,
			strerror(-w->err));
	return w->err;
}

/* Where addr is, or should go, in the sorted list of written symbols. */
static size_t sym_slot(const struct recorder *w, unsigned long addr, bool *found)
{
	size_t lo = 0, hi = w->nr_syms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->syms[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < w->nr_syms && w->syms[lo] == addr;
	return lo;
}

static bool remember_sym(struct recorder *w, unsigned long addr)
{
	bool found;
	size_t at = sym_slot(w, addr, &found);

	if (found)
		return false;
	if (w->nr_syms == w->cap_syms) {
		size_t cap = w->cap_syms ? w->cap_syms * 2 : 256;
		unsigned long *p = realloc(w->syms, cap * sizeof(*p));

		if (!p)
			return true; /* written again later: harmless */
		w->syms = p;
		w->cap_syms = cap;
	}
	memmove(w->syms + at + 1, w->syms + at, (w->nr_syms - at) * sizeof(*w->syms));
	w->syms[at] = addr;
	w->nr_syms++;
	return true;
}

/*
 * The kallsyms lines of a stack's symbols that the file does not hold yet,
 * as a frame of their own: each symbol is written once a file.
 */
static void put_symbols(struct recorder *w, const struct ksyms *ks, const __u64 *addrs,
			int len_bytes)
{
	int n = len_bytes > 0 ? len_bytes / (int)sizeof(*addrs) : 0;
	size_t at = 0;
	bool begun = false;

	if (!ks)
		return;
	for (int i = 0; i < n && i < OOMT_MAX_STACK; i++) {
		struct ksym s;
		char line[640];
		int len;

		if (!ksyms__resolve(ks, addrs[i], &s) || !remember_sym(w, s.addr))
			continue;
		if (s.module)
			len = snprintf(line, sizeof(line), "%lx T %s\t[%s]\n", s.addr, s.name,
				       s.module);
		else
			len = snprintf(line, sizeof(line), "%lx T %s\n", s.addr, s.name);
		if (len < 0 || (size_t)len >= sizeof(line))
			continue;
		if (!begun)
			at = begin_frame(&w->b, FRAME_SYMBOLS);
		begun = true;
		put(&w->b, line, len);
	}
	if (begun)
		end_frame(&w->b, at);
}

static void put_header(struct buf *b, const struct record_header *h)
{
	struct header_wire *hw = calloc(1, sizeof(*hw));
	const char *name;
	uint32_t v;

	put(b, RECORD_MAGIC, 8);
	put_u32(b, RECORD_VERSION);
	put_u32(b, BYTE_ORDER_MARK);
	if (!hw) {
		b->failed = true;
		return;
	}
	hw->h = *h;
	hw->tags = RECORD_TAGS;
	hw->from_kernel = gfp_table__from_kernel(h->gfp);
	for (; hw->nr_gfp < MAX_GFP_FLAGS && !gfp_table__flag(h->gfp, hw->nr_gfp, &name, &v);
	     hw->nr_gfp++) {
		snprintf(hw->gfp[hw->nr_gfp].name, sizeof(hw->gfp[0].name), "%s", name);
		hw->gfp[hw->nr_gfp].value = v;
	}
	put_frame(b, FRAME_HEADER, hw);
	free(hw);
}

struct recorder *recorder__new(int fd, const char *name, const struct record_header *h)
{
	struct recorder *w = calloc(1, sizeof(*w));

	if (!w || !(w->name = strdup(name)) || !(w->fr = malloc(sizeof(*w->fr)))) {
		if (w)
			free(w->name);
		free(w);
		close(fd);
		return errno = ENOMEM, NULL;
	}
	w->fd = fd;
	put_header(&w->b, h);
	if (write_all(w)) {
		int err = w->err;

		recorder__free(w);
		errno = -err;
		return NULL;
	}
	return w;
}

/* The scratch frame, cleared, with the record's ctx. */
static struct record_frame *frame_of(struct recorder *w, const struct record_ctx *c)
{
	struct record_frame *fr = w->fr;

	memset(fr, 0, sizeof(*fr));
	if (c)
		fr->ctx = *c;
	return fr;
}

int recorder__kill(struct recorder *w, const struct oom_kill_record *raw,
		   const struct oom_event *ev, const struct ksyms *ks, const struct record_ctx *c)
{
	struct record_frame *fr;

	if (!w || w->err)
		return w ? w->err : 0;
	fr = frame_of(w, c);
	fr->kill = *raw;
	snprintf(fr->memcg_path, sizeof(fr->memcg_path), "%s",
		 event__has(ev, EV_MEMCG) ? ev->memcg.path : "");
	snprintf(fr->cgroup_path, sizeof(fr->cgroup_path), "%s", ev->cgroup_path);
	fr->have_state = event__has(ev, EV_MEMCG_STATE);
	fr->state = ev->memcg.state;
	fr->nr_slabs = event__has(ev, EV_SLABS) ? ev->nr_slabs : 0;
	memcpy(fr->slabs, ev->slabs, sizeof(fr->slabs));
	fr->have_vm = event__has(ev, EV_HOST_VM);
	fr->vm = ev->vm.settings;
	fr->committed_as_kb = ev->vm.committed_as_kb;
	fr->commit_limit_kb = ev->vm.commit_limit_kb;
	fr->have_swap_hugetlb = ev->swap_hugetlb.read && !strcmp(ev->swap_hugetlb.read, "at_arrival");
	fr->swap_hugetlb = ev->swap_hugetlb.kb;
	fr->nr_next = ev->nr_next < RECORD_MAX_NEXT ? ev->nr_next : RECORD_MAX_NEXT;
	memcpy(fr->next, ev->next, fr->nr_next * sizeof(*fr->next));
	fr->next_truncated = ev->next_truncated;
	fr->have_enrich = event__has(ev, EV_ENRICHED);
	fr->enrich = ev->enrich;
	put_symbols(w, ks, raw->kstack, raw->kstack_len);
	put_frame(&w->b, FRAME_KILL, fr);
	return write_all(w);
}

int recorder__stall(struct recorder *w, const struct reclaim_stall_record *rec, const char *memcg,
		    const struct ksyms *ks, const struct record_ctx *c)
{
	struct record_frame *fr;

	if (!w || w->err)
		return w ? w->err : 0;
	fr = frame_of(w, c);
	fr->stall = *rec;
	fr->have_memcg = memcg != NULL;
	snprintf(fr->memcg, sizeof(fr->memcg), "%s", memcg ?: "");
	put_symbols(w, ks, rec->ep.kstack, rec->ep.kstack_len);
	put_frame(&w->b, FRAME_STALL, fr);
	return write_all(w);
}

int recorder__reaped(struct recorder *w, const struct oom_reaped_record *rec,
		     const struct record_ctx *c)
{
	if (!w || w->err)
		return w ? w->err : 0;
	frame_of(w, c)->reaped = *rec;
	put_frame(&w->b, FRAME_REAPED, w->fr);
	return write_all(w);
}

int recorder__not_gone(struct recorder *w, __u32 tid, const struct victim_state *v, __u64 look_ns,
		       char state, const struct record_ctx *c)
{
	struct record_frame *fr;

	if (!w || w->err)
		return w ? w->err : 0;
	fr = frame_of(w, c);
	fr->not_gone.tid = tid;
	fr->not_gone.v = *v;
	fr->not_gone.look_ns = look_ns;
	fr->not_gone.proc_state = (unsigned char)state;
	put_frame(&w->b, FRAME_NOT_GONE, fr);
	return write_all(w);
}

int recorder__summary(struct recorder *w, const struct run_totals *s)
{
	struct record_frame *fr;

	if (!w || w->err)
		return w ? w->err : 0;
	fr = frame_of(w, NULL);
	fr->totals = *s;
	if (fr->totals.nr_nodes > OUTPUT_MAX_NODES)
		fr->totals.nr_nodes = OUTPUT_MAX_NODES;
	if (fr->totals.nr_missed > OUTPUT_MAX_MISSED)
		fr->totals.nr_missed = OUTPUT_MAX_MISSED;
	snprintf(fr->memcg, sizeof(fr->memcg), "%s", s->kernel_why ?: "");
	put_frame(&w->b, FRAME_SUMMARY, fr);
	return write_all(w);
}

int recorder__unreconciled(struct recorder *w, const struct reconcile_diff *d,
			   const struct record_ctx *c)
{
	struct record_frame *fr;

	if (!w || w->err)
		return w ? w->err : 0;
	fr = frame_of(w, c);
	fr->unreconciled = *d;
	snprintf(fr->memcg, sizeof(fr->memcg), "%s", d->memcg ?: "");
	put_frame(&w->b, FRAME_UNRECONCILED, fr);
	return write_all(w);
}

int recorder__error(const struct recorder *w)
{
	return w ? w->err : 0;
}

void record_header__init(struct record_header *h, const struct host_info *host,
			 const struct gfp_table *gfp, const char *hooks)
{
	struct timespec mono;
	struct utsname u;

	memset(h, 0, sizeof(*h));
	snprintf(h->version, sizeof(h->version), "%s", OOMTRACE_VERSION);
	if (!uname(&u)) {
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
		snprintf(h->hostname, sizeof(h->hostname), "%s", u.nodename);
	}
	snprintf(h->hooks, sizeof(h->hooks), "%s", hooks);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &h->started);
	h->boot_offset_ns =
	    (h->started.tv_sec - mono.tv_sec) * 1000000000LL + (h->started.tv_nsec - mono.tv_nsec);
	h->host = *host;
	h->gfp = gfp;
}

void recorder__free(struct recorder *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w->b.data);
	free(w->syms);
	free(w->fr);
	free(w->name);
	free(w);
}

/*
 * ---- version 1, read only ----
 *
 * A version 1 frame holds the BPF records raw, laid out as bpf/oomtrace.h
 * had them when version 2 replaced it.  Those layouts are frozen here:
 * bpf/oomtrace.h may change, these may not.  Each version 1 frame becomes
 * the tagged fields of its version 2 frame type, which the one decoder
 * then reads.
 */

struct v1_episode {
	__u64 first_ns, last_end_ns, begin_ns, stall_ns, scanned, reclaimed, memcg_id, kswapd_wakes;
	__u32 passes, kinds, gfp_mask;
	__s32 order;
	__u32 pid, tid;
	char comm[16];
	__s32 kstack_len;
	__u32 last_kind, filtered, no_gfp;
	__u64 kstack[48];
};

struct v1_stall {
	__u32 type, end;
	struct v1_episode ep;
};

struct v1_reaped {
	__u32 type, reaper;
	__u64 event_id, kill_ns, reap_start_ns, reap_end_ns, exit_ns;
	__u32 victim_pid, victim_tid;
	char victim_comm[16];
};

struct v1_kill {
	__u32 type, hook;
	__u64 ktime_ns;
	__u32 flags, constraint;
	__u32 invoker_pid, invoker_tid;
	char invoker_comm[16];
	__u32 gfp_mask;
	__s32 order;
	__u32 victim_pid, victim_tid;
	char victim_comm[16];
	__u32 victim_uid;
	__s32 oom_score_adj;
	__u64 total_vm_pages, anon_pages, file_pages, shmem_pages, swap_pages, pgtables_bytes;
	__s64 chosen_points;
	__u64 totalpages;
	__u64 memcg_usage_pages, memcg_max_pages, memcg_swap_max_pages;
	__u32 memcg_is_v1, memcg_level, cg_depth;
	__s32 kstack_len;
	__u64 event_id, memcg_id, kswapd_wakes;
	__u32 have_episode;
	__s32 invoker_oom_score_adj;
	struct v1_episode episode;
	__u64 kstack[48];
	char cg_names[16][128];
};

/* the sizes every version 1 header states */
_Static_assert(sizeof(struct v1_kill) == 3160, "version 1's kill record");
_Static_assert(sizeof(struct v1_stall) == 512, "version 1's reclaim_stall record");
_Static_assert(sizeof(struct v1_reaped) == 72, "version 1's oom_reaped record");

/* the same tags as episode_fields, from the frozen layout */
static const struct field v1_episode_fields[] = {
	U(1, struct v1_episode, first_ns),   U(2, struct v1_episode, last_end_ns),
	U(3, struct v1_episode, begin_ns),   U(4, struct v1_episode, stall_ns),
	U(5, struct v1_episode, scanned),    U(6, struct v1_episode, reclaimed),
	U(7, struct v1_episode, memcg_id),   U(8, struct v1_episode, kswapd_wakes),
	U(9, struct v1_episode, passes),     U(10, struct v1_episode, kinds),
	U(11, struct v1_episode, gfp_mask),  S(12, struct v1_episode, order),
	U(13, struct v1_episode, pid),	     U(14, struct v1_episode, tid),
	CHARS(15, struct v1_episode, comm),  STACK(16, struct v1_episode, kstack, kstack_len),
	U(18, struct v1_episode, last_kind), U(19, struct v1_episode, filtered),
	U(20, struct v1_episode, no_gfp),
};
static const struct fmap v1_episode_map = FMAP(struct v1_episode, v1_episode_fields);

static const struct field v1_stall_fields[] = {
	U(16, struct v1_stall, end),
	GROUP(17, struct v1_stall, ep, v1_episode_map),
};
static const struct fmap v1_stall_map = FMAP(struct v1_stall, v1_stall_fields);

static const struct field v1_reaped_fields[] = {
	U(16, struct v1_reaped, reaper),	  U(17, struct v1_reaped, event_id),
	U(18, struct v1_reaped, kill_ns),	  U(19, struct v1_reaped, reap_start_ns),
	U(20, struct v1_reaped, reap_end_ns),	  U(21, struct v1_reaped, exit_ns),
	U(22, struct v1_reaped, victim_pid),	  U(23, struct v1_reaped, victim_tid),
	CHARS(24, struct v1_reaped, victim_comm),
};
static const struct fmap v1_reaped_map = FMAP(struct v1_reaped, v1_reaped_fields);

/* the same tags as kill_fields' first part */
static const struct field v1_kill_fields[] = {
	U(16, struct v1_kill, hook),
	U(17, struct v1_kill, ktime_ns),
	U(18, struct v1_kill, flags),
	U(19, struct v1_kill, constraint),
	U(20, struct v1_kill, event_id),
	U(32, struct v1_kill, invoker_pid),
	U(33, struct v1_kill, invoker_tid),
	CHARS(34, struct v1_kill, invoker_comm),
	U(35, struct v1_kill, gfp_mask),
	S(36, struct v1_kill, order),
	S(37, struct v1_kill, invoker_oom_score_adj),
	U(48, struct v1_kill, victim_pid),
	U(49, struct v1_kill, victim_tid),
	CHARS(50, struct v1_kill, victim_comm),
	U(51, struct v1_kill, victim_uid),
	S(52, struct v1_kill, oom_score_adj),
	U(53, struct v1_kill, total_vm_pages),
	U(54, struct v1_kill, anon_pages),
	U(55, struct v1_kill, file_pages),
	U(56, struct v1_kill, shmem_pages),
	U(57, struct v1_kill, swap_pages),
	U(58, struct v1_kill, pgtables_bytes),
	S(64, struct v1_kill, chosen_points),
	U(65, struct v1_kill, totalpages),
	U(80, struct v1_kill, memcg_usage_pages),
	U(81, struct v1_kill, memcg_max_pages),
	U(82, struct v1_kill, memcg_swap_max_pages),
	U(83, struct v1_kill, memcg_is_v1),
	U(84, struct v1_kill, memcg_level),
	U(85, struct v1_kill, memcg_id),
	U(86, struct v1_kill, cg_depth),
	NAMES(87, struct v1_kill, cg_names, cg_depth),
	U(96, struct v1_kill, kswapd_wakes),
	STACK(97, struct v1_kill, kstack, kstack_len),
	GROUP(99, struct v1_kill, episode, v1_episode_map, WITH(struct v1_kill, have_episode)),
};
static const struct fmap v1_kill_map = FMAP(struct v1_kill, v1_kill_fields);

/* Version 1 frames that end before fields added later: a file written before them. */
static bool more(const struct cursor *c)
{
	return !c->bad && c->off < c->len;
}

/* A version 1 string (u32 length, bytes) as field tag; the decoder checks its length. */
static void v1_str(struct cursor *c, struct buf *o, uint16_t tag, bool keep)
{
	uint32_t n = get_u32(c);

	if (c->bad || n > c->len - c->off) {
		c->bad = true;
		return;
	}
	if (keep)
		put_bytes(o, tag, c->p + c->off, n);
	c->off += n;
}

static void v1_ctx(struct cursor *c, struct buf *o)
{
	put_int(o, 1, WIRE_SINT, get_u64(c));
	put_int(o, 2, WIRE_SINT, get_u32(c));
	put_int(o, 3, WIRE_UINT, get_u64(c));
}

/* "u32 size, the raw record": refused unless of version 1's size and type. */
static void v1_raw(struct cursor *c, struct buf *o, const struct fmap *m, enum record_type type)
{
	union {
		struct v1_kill kill;
		struct v1_stall stall;
		struct v1_reaped reaped;
		__u32 type;
	} raw;

	memset(&raw, 0, sizeof(raw));
	if (get_u32(c) != m->size)
		c->bad = true;
	get(c, &raw, c->bad ? 0 : m->size);
	if (raw.type != type)
		c->bad = true;
	put_fields(o, m, &raw);
}

static void v1_kill(struct cursor *c, struct buf *o)
{
	int64_t state[16];
	uint32_t have, n;
	size_t at;

	v1_ctx(c, o);
	v1_raw(c, o, &v1_kill_map, RECORD_OOM_KILL);
	v1_str(c, o, 112, true);
	v1_str(c, o, 113, true);
	have = get_u32(c);
	n = get_u32(c);
	if (n > MAX_STATE)
		c->bad = true;
	/* usage, limit, swap, swap_limit, failcnt, events, ..., pgsteal: tags 1 to 16 */
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		int64_t v = get_u64(c);

		if (i < 16)
			state[i] = v;
	}
	if (have && !c->bad) {
		at = begin_group(o, 114);
		for (uint32_t i = 0; i < n && i < 16; i++)
			put_int(o, i + 1, WIRE_SINT, state[i]);
		end_group(o, at);
	}
	n = get_u32(c);
	if (n > RECORD_MAX_NEXT)
		c->bad = true;
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		at = begin_group(o, 115);
		put_int(o, 1, WIRE_SINT, (int32_t)get_u32(c));
		v1_str(c, o, 2, true);
		for (int tag = 3; tag <= 7; tag++) /* anon, file, shmem, swap, pgtables kB */
			put_int(o, tag, WIRE_UINT, get_u64(c));
		for (int tag = 8; tag <= 10; tag++) /* oom_score_adj, oom_score, points */
			put_int(o, tag, WIRE_SINT, get_u64(c));
		v1_str(c, o, 11, true);
		end_group(o, at);
	}
	if (more(c))
		put_int(o, 116, WIRE_UINT, get_u32(c) != 0);
}

static void v1_stall(struct cursor *c, struct buf *o)
{
	uint32_t have;

	v1_ctx(c, o);
	v1_raw(c, o, &v1_stall_map, RECORD_RECLAIM_STALL);
	have = get_u32(c);
	v1_str(c, o, 18, have);
}

static void v1_reaped(struct cursor *c, struct buf *o)
{
	v1_ctx(c, o);
	v1_raw(c, o, &v1_reaped_map, RECORD_OOM_REAPED);
}

static void v1_summary(struct cursor *c, struct buf *o)
{
	/* drop counts by enum record_type: none, kill, stall, reaped */
	static const uint16_t dropped_tags[] = { 20, 17, 18, 19 };
	uint32_t n, have;
	uint64_t kernel;

	put_int(o, 16, WIRE_UINT, get_u64(c));
	n = get_u32(c);
	if (n > MAX_NODE_TYPES)
		c->bad = true;
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		uint64_t v = get_u64(c);

		if (i < 4)
			put_int(o, dropped_tags[i], WIRE_UINT, v);
	}
	n = get_u32(c);
	if (n > OUTPUT_MAX_NODES)
		c->bad = true;
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		size_t at = begin_group(o, 21);

		put_int(o, 1, WIRE_UINT, get_u32(c));
		for (int tag = 2; tag <= 5; tag++) /* kswapd wakes, run ns, scanned, reclaimed */
			put_int(o, tag, WIRE_UINT, get_u64(c));
		end_group(o, at);
	}
	if (!more(c))
		return;
	put_int(o, 22, WIRE_UINT, get_u64(c));
	have = get_u32(c);
	kernel = get_u64(c);
	if (have)
		put_int(o, 23, WIRE_UINT, kernel);
	v1_str(c, o, 24, true);
	if (more(c))
		put_int(o, 25, WIRE_UINT, get_u64(c));
}

static void v1_unreconciled(struct cursor *c, struct buf *o)
{
	v1_ctx(c, o);
	put_int(o, 16, WIRE_UINT, get_u32(c));
	v1_str(c, o, 17, true);
	for (int tag = 18; tag <= 20; tag++) /* the kernel's kills, reported, dropped */
		put_int(o, tag, WIRE_UINT, get_u64(c));
}

/* The header; -EPROTO (said) when its records are laid out otherwise than version 1's. */
static int v1_header(struct cursor *c, struct buf *o, char *version, size_t size)
{
	static const uint32_t sizes[] = { sizeof(struct v1_kill), sizeof(struct v1_stall),
					  sizeof(struct v1_reaped) };
	uint32_t n, at = c->off, len;
	bool layout_ok = true;

	len = get_u32(c);
	snprintf(version, size, "%.*s", (int)(c->bad || len > c->len - c->off ? 0 : len),
		 c->p + c->off);
	c->off = at;
	for (uint16_t tag = 1; tag <= 4; tag++) /* version, kernel, hostname, hooks */
		v1_str(c, o, tag, true);
	put_int(o, 5, WIRE_SINT, get_u64(c));
	put_int(o, 6, WIRE_SINT, get_u64(c));
	put_int(o, 7, WIRE_SINT, get_u32(c));
	for (uint16_t tag = 8; tag <= 10; tag++) /* page size, RAM and swap pages */
		put_int(o, tag, WIRE_UINT, get_u64(c));
	put_int(o, 11, WIRE_SINT, get_u32(c) != 0);
	for (int i = 0; i < 3; i++)
		layout_ok &= get_u32(c) == sizes[i];
	if (c->bad)
		return 0;
	if (!layout_ok)
		return -EPROTO;
	put_int(o, 12, WIRE_UINT, get_u32(c));
	n = get_u32(c);
	if (n > MAX_GFP_FLAGS)
		c->bad = true;
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		size_t g = begin_group(o, 13);

		v1_str(c, o, 1, true);
		put_int(o, 2, WIRE_UINT, get_u32(c));
		end_group(o, g);
	}
	return 0;
}

/* ---- the reader ---- */

struct record_reader {
	FILE *f;
	char *name;
	long long off; /* bytes consumed */
	bool in_session;
	bool want_header; /* a preamble was read: its header frame comes next */
	uint32_t version; /* the session's format version */
	struct record_header hdr;
	struct header_wire *hw;
	struct gfp_table *gfp;
	unsigned char *frame; /* the payload being decoded */
	size_t frame_cap;
	struct buf v1;		    /* a version 1 frame's payload, as tagged fields */
	unsigned long long unknown; /* fields of tags this oomtrace does not know */
	char *syms;		    /* every symbol line of the session */
	size_t syms_len, syms_cap;
	struct ksyms *ksyms;
	bool syms_dirty;
	char err[512];
};

static int fail(struct record_reader *rd, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct record_reader *rd, int err, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(rd->err, sizeof(rd->err), "'%s': ", rd->name);

	va_start(ap, fmt);
	vsnprintf(rd->err + n, sizeof(rd->err) - n, fmt, ap);
	va_end(ap);
	return err;
}

struct record_reader *record_reader__new(FILE *f, const char *name)
{
	struct record_reader *rd = calloc(1, sizeof(*rd));

	if (!rd || !(rd->name = strdup(name)) || !(rd->hw = malloc(sizeof(*rd->hw)))) {
		if (rd)
			free(rd->name);
		free(rd);
		return errno = ENOMEM, NULL;
	}
	rd->f = f;
	return rd;
}

void record_reader__free(struct record_reader *rd)
{
	if (!rd)
		return;
	gfp_table__free(rd->gfp);
	ksyms__free(rd->ksyms);
	free(rd->frame);
	free(rd->v1.data);
	free(rd->syms);
	free(rd->hw);
	free(rd->name);
	free(rd);
}

const struct record_header *record_reader__header(const struct record_reader *rd)
{
	return &rd->hdr;
}

const char *record_reader__error(const struct record_reader *rd)
{
	return rd->err;
}

unsigned long long record_reader__unknown_fields(const struct record_reader *rd)
{
	return rd->unknown;
}

unsigned int record_reader__writer_tags(const struct record_reader *rd)
{
	return rd->hw->tags;
}

const struct ksyms *record_reader__ksyms(struct record_reader *rd)
{
	FILE *f;

	if (!rd->syms_dirty)
		return rd->ksyms;
	rd->syms_dirty = false;
	ksyms__free(rd->ksyms);
	rd->ksyms = NULL;
	f = rd->syms_len ? fmemopen(rd->syms, rd->syms_len, "r") : NULL;
	if (f) {
		/* NULL without a code symbol: stacks print as addresses, as they did */
		rd->ksyms = ksyms__load_file(f);
		fclose(f);
	}
	return rd->ksyms;
}

/* Up to n bytes; how many there were. */
static size_t read_some(struct record_reader *rd, void *dst, size_t n)
{
	size_t got = fread(dst, 1, n, rd->f);

	rd->off += got;
	return got;
}

static int check_preamble(struct record_reader *rd, const unsigned char *p, size_t got)
{
	uint32_t version, bom;

	if (got < PREAMBLE_LEN && !memcmp(p, RECORD_MAGIC, got < 8 ? got : 8))
		return fail(rd, -EPIPE, "truncated at byte %lld, in the preamble there", rd->off);
	if (memcmp(p, RECORD_MAGIC, 8))
		return fail(rd, -EINVAL,
			    "not an oomtrace recording (it does not begin with OOMTREC)");
	memcpy(&version, p + 8, 4);
	memcpy(&bom, p + 12, 4);
	if (bom == __builtin_bswap32(BYTE_ORDER_MARK))
		return fail(rd, -EPROTO,
			    "recorded on a machine of the other byte order: replay it on one "
			    "like the recording machine");
	if (bom != BYTE_ORDER_MARK || version == 0)
		return fail(rd, -EINVAL, "damaged preamble at byte %lld", rd->off - PREAMBLE_LEN);
	if (version > RECORD_VERSION)
		return fail(rd, -EPROTO,
			    "format version %u; this oomtrace (%s) reads version %d and older",
			    version, OOMTRACE_VERSION, RECORD_VERSION);
	rd->version = version;
	return 0;
}

static bool ctx_ok(const struct record_ctx *c)
{
	return c->when.tv_nsec >= 0 && c->when.tv_nsec < 1000000000L;
}

static bool header_ok(const struct record_header *h)
{
	unsigned long ps = h->host.page_size;

	return ps >= 1024 && ps <= (1UL << 21) && !(ps & (ps - 1)) &&
	       h->host.totalram_pages <= MAX_PAGES && h->host.total_swap_pages <= MAX_PAGES &&
	       h->started.tv_nsec >= 0 && h->started.tv_nsec < 1000000000L;
}

/* The session's header from its fields: its gfp table replaces the last one's. */
static bool finish_header(struct record_reader *rd)
{
	struct header_wire *hw = rd->hw;
	const char *names[MAX_GFP_FLAGS];
	unsigned int values[MAX_GFP_FLAGS];

	if (!header_ok(&hw->h))
		return false;
	for (uint32_t i = 0; i < hw->nr_gfp; i++) {
		names[i] = hw->gfp[i].name;
		values[i] = hw->gfp[i].value;
	}
	gfp_table__free(rd->gfp);
	rd->gfp = gfp_table__from_flags(names, values, hw->nr_gfp, hw->from_kernel);
	rd->hdr = hw->h;
	rd->hdr.gfp = rd->gfp;
	return rd->gfp != NULL;
}

static bool counter_ok(__u64 pages)
{
	/* an mm counter may read a little below zero while CPUs race */
	return pages <= MAX_PAGES || pages >= -MAX_PAGES;
}

/* What badness and kB arithmetic may meet: values a kernel can hold. */
static bool kill_ok(const struct oom_kill_record *k)
{
	return k->oom_score_adj >= -1000 && k->oom_score_adj <= 1000 &&
	       counter_ok(k->total_vm_pages) && counter_ok(k->anon_pages) &&
	       counter_ok(k->file_pages) && counter_ok(k->shmem_pages) &&
	       counter_ok(k->swap_pages) && k->pgtables_bytes <= MAX_PAGES * 1024 &&
	       k->memcg_max_pages <= MAX_PAGES * 4 && k->memcg_swap_max_pages <= MAX_PAGES * 4;
}

/* What the fields leave to derive and to check, by frame type; false: damage. */
static bool finish_frame(uint32_t type, struct record_frame *fr)
{
	struct reconcile_diff *d = &fr->unreconciled;

	switch (type) {
	case FRAME_KILL:
		fr->kill.type = RECORD_OOM_KILL;
		return ctx_ok(&fr->ctx) && kill_ok(&fr->kill);
	case FRAME_STALL: fr->stall.type = RECORD_RECLAIM_STALL; return ctx_ok(&fr->ctx);
	case FRAME_REAPED: fr->reaped.type = RECORD_OOM_REAPED; return ctx_ok(&fr->ctx);
	case FRAME_NOT_GONE: return ctx_ok(&fr->ctx) && fr->not_gone.proc_state < 128;
	case FRAME_SUMMARY:
		/* why the live run did not compare, as its text summary said it */
		fr->totals.kernel_why = fr->memcg[0] ? fr->memcg : NULL;
		return true;
	case FRAME_UNRECONCILED:
		d->diff = (long long)(d->kernel - d->reported);
		fr->have_memcg = d->scope == RECONCILE_MEMCG;
		d->memcg = fr->have_memcg ? fr->memcg : NULL;
		return ctx_ok(&fr->ctx) && (d->scope == RECONCILE_HOST || fr->have_memcg);
	}
	return true;
}

/* A version 1 payload in c as version 2's fields in rd->v1; 0, or -errno said. */
static int v1_transcode(struct record_reader *rd, uint32_t type, struct cursor *c)
{
	struct buf *o = &rd->v1;
	char version[sizeof(rd->hdr.version)];

	o->len = 0;
	o->failed = false;
	switch (type) {
	case FRAME_HEADER:
		if (v1_header(c, o, version, sizeof(version)))
			return fail(
			    rd, -EPROTO,
			    "recorded by oomtrace %s, whose records are laid out otherwise: "
			    "replay it with that version",
			    version);
		break;
	case FRAME_KILL: v1_kill(c, o); break;
	case FRAME_STALL: v1_stall(c, o); break;
	case FRAME_REAPED: v1_reaped(c, o); break;
	case FRAME_SUMMARY: v1_summary(c, o); break;
	case FRAME_UNRECONCILED: v1_unreconciled(c, o); break;
	}
	return o->failed ? fail(rd, -ENOMEM, "out of memory") : 0;
}

static int add_symbols(struct record_reader *rd, const unsigned char *p, size_t n)
{
	size_t need = rd->syms_len + n + 1;

	if (need > MAX_SYMBOL_TEXT)
		return -EFBIG;
	if (need > rd->syms_cap) {
		size_t cap = rd->syms_cap ? rd->syms_cap : 65536;
		char *s;

		while (cap < need)
			cap *= 2;
		s = realloc(rd->syms, cap);
		if (!s)
			return -ENOMEM;
		rd->syms = s;
		rd->syms_cap = cap;
	}
	memcpy(rd->syms + rd->syms_len, p, n);
	rd->syms_len += n;
	/* a frame ends a line, whatever its bytes were */
	if (n && rd->syms[rd->syms_len - 1] != '\n')
		rd->syms[rd->syms_len++] = '\n';
	rd->syms_dirty = true;
	return 0;
}

/* A new session: its header frame must follow the preamble. */
static void start_session(struct record_reader *rd)
{
	rd->in_session = rd->want_header = true;
	rd->syms_len = 0;
	rd->syms_dirty = true;
}

/* The fields of a frame of a type this reader knows into fr (or the header). */
static int decode_fields(struct record_reader *rd, uint32_t type, uint32_t len,
			 struct record_frame *fr)
{
	struct cursor c = { .p = rd->frame, .len = len, .unknown = &rd->unknown };
	const struct fmap *m = &frame_maps[type];
	char *base = type == FRAME_HEADER ? (char *)rd->hw : (char *)fr;
	int err;

	if (rd->version == 1) {
		err = v1_transcode(rd, type, &c);
		if (err || c.bad)
			return err ?: -EINVAL;
		c = (struct cursor){ .p = rd->v1.data, .len = rd->v1.len, .unknown = &rd->unknown };
	}
	memset(base, 0, m->size);
	set_defaults(m, base);
	get_fields(&c, m, base);
	if (c.bad)
		return -EINVAL;
	if (type == FRAME_HEADER)
		return finish_header(rd) ? 0 : -EINVAL;
	return finish_frame(type, fr) ? 0 : -EINVAL;
}

/* Decode one frame's payload; 1 a frame for the caller, 0 taken here. */
static int decode(struct record_reader *rd, uint32_t type, uint32_t len, long long at,
		  struct record_frame *fr)
{
	int err;

	if ((type == FRAME_HEADER) != rd->want_header)
		return fail(rd, -EINVAL, "%s at byte %lld",
			    rd->want_header ? "no header frame" : "a second header frame", at);
	rd->want_header = false;
	if (type == FRAME_SYMBOLS) {
		err = add_symbols(rd, rd->frame, len);
		if (err)
			return fail(rd, err,
				    "symbol frame at byte %lld: more symbols than any "
				    "kernel has",
				    at);
		return 0;
	}
	if (type >= sizeof(frame_maps) / sizeof(frame_maps[0]) || !frame_maps[type].n)
		return 0; /* a later version's: not ours to read */
	err = decode_fields(rd, type, len, fr);
	if (err && err != -EINVAL)
		return err; /* said already */
	if (err)
		return fail(rd, -EINVAL,
			    "damaged frame at byte %lld (type %u, %u bytes): not as oomtrace "
			    "writes it",
			    at, type, len);
	fr->type = type;
	fr->offset = at;
	return 1;
}

static int read_frame(struct record_reader *rd, struct record_frame *fr)
{
	unsigned char hdr[PREAMBLE_LEN];
	long long at = rd->off;
	uint32_t type, len;
	size_t got = read_some(rd, hdr, FRAME_HDR_LEN);

	if (got == 0 && feof(rd->f))
		return rd->in_session ? 0 : fail(rd, -EINVAL, "empty: not an oomtrace recording");
	if (got == 0 || ferror(rd->f))
		return fail(rd, -EIO, "read error at byte %lld: %s", at, strerror(errno));
	/* a session's preamble; sessions follow each other when a file is appended to */
	if (!rd->in_session || (got == FRAME_HDR_LEN && !memcmp(hdr, RECORD_MAGIC, 8))) {
		int err;

		got += read_some(rd, hdr + got, PREAMBLE_LEN - got);
		err = check_preamble(rd, hdr, got);
		if (err)
			return err;
		start_session(rd);
		at = rd->off;
		got = read_some(rd, hdr, FRAME_HDR_LEN);
	}
	if (got < FRAME_HDR_LEN)
		return fail(rd, -EPIPE, "truncated at byte %lld, in the frame header there",
			    rd->off);
	memcpy(&type, hdr, 4);
	memcpy(&len, hdr + 4, 4);
	if (len > RECORD_MAX_FRAME)
		return fail(rd, -EINVAL,
			    "frame at byte %lld claims %u bytes (at most %u): damaged, or not "
			    "an oomtrace recording",
			    at, len, RECORD_MAX_FRAME);
	if (len > rd->frame_cap) {
		unsigned char *p = realloc(rd->frame, len);

		if (!p)
			return fail(rd, -ENOMEM, "out of memory");
		rd->frame = p;
		rd->frame_cap = len;
	}
	got = read_some(rd, rd->frame, len);
	if (got < len)
		return fail(rd, -EPIPE,
			    "truncated at byte %lld: the frame from byte %lld wants %u bytes, "
			    "%zu are there",
			    rd->off, at, len, got);
	return decode(rd, type, len, at, fr);
}

int record_reader__next(struct record_reader *rd, struct record_frame *fr)
{
	int ret;

	do
		ret = read_frame(rd, fr);
	while (ret == 0 && !feof(rd->f));
	return ret;
}
