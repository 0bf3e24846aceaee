// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
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
#define MAX_GFP_FLAGS	64
#define MAX_STATE	64
#define MAX_NODE_TYPES	64
/* every symbol line a file may bring: far more than a kernel has */
#define MAX_SYMBOL_TEXT (64U << 20)

/* memcg_state's fields in file order; a field left out reads back as -1 */
static const size_t state_fields[] = {
	offsetof(struct memcg_state, usage),   offsetof(struct memcg_state, limit),
	offsetof(struct memcg_state, swap),    offsetof(struct memcg_state, swap_limit),
	offsetof(struct memcg_state, failcnt), offsetof(struct memcg_state, ev_max),
	offsetof(struct memcg_state, ev_oom),  offsetof(struct memcg_state, ev_oom_kill),
	offsetof(struct memcg_state, anon),    offsetof(struct memcg_state, file),
	offsetof(struct memcg_state, kernel),  offsetof(struct memcg_state, sock),
	offsetof(struct memcg_state, shmem),   offsetof(struct memcg_state, slab),
	offsetof(struct memcg_state, pgscan),  offsetof(struct memcg_state, pgsteal),
};
#define NR_STATE (sizeof(state_fields) / sizeof(state_fields[0]))

/* ---- encoding ---- */

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

static void put_u32(struct buf *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

static void put_u64(struct buf *b, uint64_t v)
{
	put(b, &v, sizeof(v));
}

static void put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_u32(b, n);
	put(b, s, n);
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
	uint32_t len = b->len - at - FRAME_HDR_LEN;

	if (!b->failed)
		memcpy(b->data + at + 4, &len, sizeof(len));
}

static void put_ctx(struct buf *b, const struct record_ctx *c)
{
	put_u64(b, c->when.tv_sec);
	put_u32(b, c->when.tv_nsec);
	put_u64(b, c->dropped);
}

static void put_raw(struct buf *b, const void *rec, size_t size)
{
	put_u32(b, size);
	put(b, rec, size);
}

/* ---- the writer ---- */

struct recorder {
	int fd;
	char *name;
	int err; /* -errno of the first failed write */
	struct buf b;
	unsigned long *syms; /* symbol addresses already in the file, sorted */
	size_t nr_syms, cap_syms;
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
	size_t at;
	uint32_t nr = 0, v;
	const char *name;

	put(b, RECORD_MAGIC, 8);
	put_u32(b, RECORD_VERSION);
	put_u32(b, BYTE_ORDER_MARK);
	at = begin_frame(b, FRAME_HEADER);
	put_str(b, h->version);
	put_str(b, h->kernel);
	put_str(b, h->hostname);
	put_str(b, h->hooks);
	put_u64(b, h->boot_offset_ns);
	put_u64(b, h->started.tv_sec);
	put_u32(b, h->started.tv_nsec);
	put_u64(b, h->host.page_size);
	put_u64(b, h->host.totalram_pages);
	put_u64(b, h->host.total_swap_pages);
	put_u32(b, h->host.single_node);
	/* a reader refuses records laid out otherwise than it knows them */
	put_u32(b, sizeof(struct oom_kill_record));
	put_u32(b, sizeof(struct reclaim_stall_record));
	put_u32(b, sizeof(struct oom_reaped_record));
	put_u32(b, gfp_table__from_kernel(h->gfp));
	while (!gfp_table__flag(h->gfp, nr, &name, &v))
		nr++;
	put_u32(b, nr);
	for (uint32_t i = 0; i < nr; i++) {
		gfp_table__flag(h->gfp, i, &name, &v);
		put_str(b, name);
		put_u32(b, v);
	}
	end_frame(b, at);
}

struct recorder *recorder__new(int fd, const char *name, const struct record_header *h)
{
	struct recorder *w = calloc(1, sizeof(*w));

	if (!w || !(w->name = strdup(name))) {
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

static void put_proc(struct buf *b, const struct proc_info *p)
{
	put_u32(b, p->pid);
	put_str(b, p->comm);
	put_u64(b, p->rss_anon_kb);
	put_u64(b, p->rss_file_kb);
	put_u64(b, p->rss_shmem_kb);
	put_u64(b, p->swap_kb);
	put_u64(b, p->pgtables_kb);
	put_u64(b, p->oom_score_adj);
	put_u64(b, p->oom_score);
	put_u64(b, p->points);
	put_str(b, p->memcg);
}

int recorder__kill(struct recorder *w, const struct oom_kill_record *raw,
		   const struct oom_event *ev, const struct ksyms *ks, const struct record_ctx *c)
{
	size_t at, nr_next = ev->nr_next < RECORD_MAX_NEXT ? ev->nr_next : RECORD_MAX_NEXT;

	if (!w || w->err)
		return w ? w->err : 0;
	put_symbols(w, ks, raw->kstack, raw->kstack_len);
	at = begin_frame(&w->b, FRAME_KILL);
	put_ctx(&w->b, c);
	put_raw(&w->b, raw, sizeof(*raw));
	put_str(&w->b, event__has(ev, EV_MEMCG) ? ev->memcg.path : "");
	put_str(&w->b, ev->cgroup_path);
	put_u32(&w->b, event__has(ev, EV_MEMCG_STATE));
	put_u32(&w->b, NR_STATE);
	for (size_t i = 0; i < NR_STATE; i++)
		put_u64(&w->b,
			*(const long long *)((const char *)&ev->memcg.state + state_fields[i]));
	put_u32(&w->b, nr_next);
	for (size_t i = 0; i < nr_next; i++)
		put_proc(&w->b, &ev->next[i]);
	/* added after version 1's first files: their readers stop before it */
	put_u32(&w->b, ev->next_truncated);
	end_frame(&w->b, at);
	return write_all(w);
}

int recorder__stall(struct recorder *w, const struct reclaim_stall_record *rec, const char *memcg,
		    const struct ksyms *ks, const struct record_ctx *c)
{
	size_t at;

	if (!w || w->err)
		return w ? w->err : 0;
	put_symbols(w, ks, rec->ep.kstack, rec->ep.kstack_len);
	at = begin_frame(&w->b, FRAME_STALL);
	put_ctx(&w->b, c);
	put_raw(&w->b, rec, sizeof(*rec));
	put_u32(&w->b, memcg != NULL);
	put_str(&w->b, memcg);
	end_frame(&w->b, at);
	return write_all(w);
}

int recorder__reaped(struct recorder *w, const struct oom_reaped_record *rec,
		     const struct record_ctx *c)
{
	size_t at;

	if (!w || w->err)
		return w ? w->err : 0;
	at = begin_frame(&w->b, FRAME_REAPED);
	put_ctx(&w->b, c);
	put_raw(&w->b, rec, sizeof(*rec));
	end_frame(&w->b, at);
	return write_all(w);
}

int recorder__summary(struct recorder *w, const struct run_totals *s)
{
	size_t at;

	if (!w || w->err)
		return w ? w->err : 0;
	at = begin_frame(&w->b, FRAME_SUMMARY);
	put_u64(&w->b, s->kills);
	put_u32(&w->b, OOMT_RECORD_TYPES);
	for (int i = 0; i < OOMT_RECORD_TYPES; i++)
		put_u64(&w->b, s->dropped[i]);
	put_u32(&w->b, s->nr_nodes);
	for (unsigned int i = 0; i < s->nr_nodes; i++) {
		put_u32(&w->b, s->nodes[i].nid);
		put_u64(&w->b, s->nodes[i].wakes);
		put_u64(&w->b, s->nodes[i].run_ns);
		put_u64(&w->b, s->nodes[i].scanned);
		put_u64(&w->b, s->nodes[i].reclaimed);
	}
	/* added later; older readers stop before it */
	put_u64(&w->b, s->already_exiting);
	put_u32(&w->b, s->have_kernel_kills);
	put_u64(&w->b, s->kernel_kills);
	put_str(&w->b, s->kernel_why);
	put_u64(&w->b, s->repeat_kills); /* added later still */
	end_frame(&w->b, at);
	return write_all(w);
}

int recorder__unreconciled(struct recorder *w, const struct reconcile_diff *d,
			   const struct record_ctx *c)
{
	size_t at;

	if (!w || w->err)
		return w ? w->err : 0;
	at = begin_frame(&w->b, FRAME_UNRECONCILED);
	put_ctx(&w->b, c);
	put_u32(&w->b, d->scope);
	put_str(&w->b, d->memcg);
	put_u64(&w->b, d->kernel);
	put_u64(&w->b, d->reported);
	put_u64(&w->b, d->dropped_kills);
	end_frame(&w->b, at);
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
	free(w->name);
	free(w);
}

/* ---- decoding ---- */

struct cursor {
	const unsigned char *p;
	size_t len, off;
	bool bad; /* read past the end, or a value out of range */
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

/* Fields added at a frame's end: a file written before them stops short. */
static bool more(const struct cursor *c)
{
	return !c->bad && c->off < c->len;
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

/* A string into dst of size bytes, NUL-terminated; longer is damage. */
static void get_str(struct cursor *c, char *dst, size_t size)
{
	uint32_t n = get_u32(c);

	if (n >= size)
		c->bad = true;
	get(c, dst, c->bad ? 0 : n);
	dst[c->bad ? 0 : n] = '\0';
}

static void get_ctx(struct cursor *c, struct record_ctx *ctx)
{
	ctx->when.tv_sec = (time_t)get_u64(c);
	ctx->when.tv_nsec = get_u32(c);
	ctx->dropped = get_u64(c);
	if (ctx->when.tv_nsec >= 1000000000L)
		c->bad = true;
}

static void get_raw(struct cursor *c, void *rec, size_t size, enum record_type type)
{
	memset(rec, 0, size);
	if (get_u32(c) != size)
		c->bad = true;
	get(c, rec, c->bad ? 0 : size);
	if (*(const enum record_type *)rec != type)
		c->bad = true;
}

/* ---- the reader ---- */

struct record_reader {
	FILE *f;
	char *name;
	long long off; /* bytes consumed */
	bool in_session;
	bool want_header; /* a preamble was read: its header frame comes next */
	struct record_header hdr;
	struct gfp_table *gfp;
	unsigned char *frame; /* the payload being decoded */
	size_t frame_cap;
	char *syms; /* every symbol line of the session */
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

	if (!rd || !(rd->name = strdup(name))) {
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
	free(rd->syms);
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
	return 0;
}

static void decode_gfp(struct record_reader *rd, struct cursor *c)
{
	char names[MAX_GFP_FLAGS][64];
	const char *ptrs[MAX_GFP_FLAGS];
	unsigned int values[MAX_GFP_FLAGS];
	uint32_t from_kernel = get_u32(c), n = get_u32(c);

	if (n > MAX_GFP_FLAGS)
		c->bad = true;
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		get_str(c, names[i], sizeof(names[i]));
		values[i] = get_u32(c);
		ptrs[i] = names[i];
	}
	if (c->bad)
		return;
	gfp_table__free(rd->gfp);
	rd->gfp = gfp_table__from_flags(ptrs, values, n, from_kernel);
	rd->hdr.gfp = rd->gfp;
	if (!rd->gfp)
		c->bad = true;
}

/* Counts no real machine has: refused before any arithmetic meets them. */
#define MAX_PAGES (1ULL << 52)

static int decode_header(struct record_reader *rd, struct cursor *c)
{
	struct record_header *h = &rd->hdr;
	uint32_t sizes[3];
	unsigned long ps;

	get_str(c, h->version, sizeof(h->version));
	get_str(c, h->kernel, sizeof(h->kernel));
	get_str(c, h->hostname, sizeof(h->hostname));
	get_str(c, h->hooks, sizeof(h->hooks));
	h->boot_offset_ns = get_u64(c);
	h->started.tv_sec = (time_t)get_u64(c);
	h->started.tv_nsec = get_u32(c);
	h->host.page_size = ps = get_u64(c);
	h->host.totalram_pages = get_u64(c);
	h->host.total_swap_pages = get_u64(c);
	h->host.single_node = !!get_u32(c);
	for (int i = 0; i < 3; i++)
		sizes[i] = get_u32(c);
	if (c->bad)
		return -EINVAL;
	if (sizes[0] != sizeof(struct oom_kill_record) ||
	    sizes[1] != sizeof(struct reclaim_stall_record) ||
	    sizes[2] != sizeof(struct oom_reaped_record))
		return fail(rd, -EPROTO,
			    "recorded by oomtrace %s, whose records are laid out otherwise: "
			    "replay it with that version",
			    h->version);
	if (ps < 1024 || ps > (1UL << 21) || (ps & (ps - 1)) ||
	    h->host.totalram_pages > MAX_PAGES || h->host.total_swap_pages > MAX_PAGES ||
	    h->started.tv_nsec >= 1000000000L)
		c->bad = true;
	decode_gfp(rd, c);
	return c->bad ? -EINVAL : 0;
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

static void get_proc(struct cursor *c, struct proc_info *p)
{
	memset(p, 0, sizeof(*p));
	p->pid = (int)get_u32(c);
	get_str(c, p->comm, sizeof(p->comm));
	p->rss_anon_kb = get_u64(c);
	p->rss_file_kb = get_u64(c);
	p->rss_shmem_kb = get_u64(c);
	p->swap_kb = get_u64(c);
	p->pgtables_kb = get_u64(c);
	p->oom_score_adj = (long)get_u64(c);
	p->oom_score = (long)get_u64(c);
	p->points = (long)get_u64(c);
	get_str(c, p->memcg, sizeof(p->memcg));
}

static void decode_kill(struct cursor *c, struct record_frame *fr)
{
	uint32_t n;

	get_ctx(c, &fr->ctx);
	get_raw(c, &fr->kill, sizeof(fr->kill), RECORD_OOM_KILL);
	if (!c->bad && !kill_ok(&fr->kill))
		c->bad = true;
	get_str(c, fr->memcg_path, sizeof(fr->memcg_path));
	get_str(c, fr->cgroup_path, sizeof(fr->cgroup_path));
	fr->have_state = get_u32(c);
	n = get_u32(c);
	if (n > MAX_STATE)
		c->bad = true;
	/* -1: what this file does not say */
	memset(&fr->state, 0xff, sizeof(fr->state));
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		long long v = (long long)get_u64(c);

		if (i < NR_STATE)
			*(long long *)((char *)&fr->state + state_fields[i]) = v;
	}
	n = get_u32(c);
	if (n > RECORD_MAX_NEXT)
		c->bad = true;
	for (fr->nr_next = 0; fr->nr_next < n && !c->bad; fr->nr_next++)
		get_proc(c, &fr->next[fr->nr_next]);
	fr->next_truncated = false;
	if (more(c))
		fr->next_truncated = get_u32(c);
}

static void decode_stall(struct cursor *c, struct record_frame *fr)
{
	get_ctx(c, &fr->ctx);
	get_raw(c, &fr->stall, sizeof(fr->stall), RECORD_RECLAIM_STALL);
	fr->have_memcg = get_u32(c);
	get_str(c, fr->memcg, sizeof(fr->memcg));
}

static void decode_summary(struct cursor *c, struct record_frame *fr)
{
	struct run_totals *s = &fr->totals;
	uint32_t n;

	memset(s, 0, sizeof(*s));
	s->kills = get_u64(c);
	n = get_u32(c);
	if (n > MAX_NODE_TYPES)
		c->bad = true;
	for (uint32_t i = 0; i < n && !c->bad; i++) {
		uint64_t v = get_u64(c);

		if (i < OOMT_RECORD_TYPES)
			s->dropped[i] = v;
	}
	s->nr_nodes = get_u32(c);
	if (s->nr_nodes > OUTPUT_MAX_NODES)
		c->bad = true;
	for (unsigned int i = 0; i < s->nr_nodes && !c->bad; i++) {
		struct node_totals *nt = &s->nodes[i];

		nt->nid = get_u32(c);
		nt->wakes = get_u64(c);
		nt->run_ns = get_u64(c);
		nt->scanned = get_u64(c);
		nt->reclaimed = get_u64(c);
	}
	if (!more(c))
		return;
	s->already_exiting = get_u64(c);
	s->have_kernel_kills = get_u32(c);
	s->kernel_kills = get_u64(c);
	/* why the live run did not compare, as its text summary said it */
	get_str(c, fr->memcg, sizeof(fr->memcg));
	s->kernel_why = fr->memcg[0] ? fr->memcg : NULL;
	if (more(c))
		s->repeat_kills = get_u64(c);
}

static void decode_unreconciled(struct cursor *c, struct record_frame *fr)
{
	struct reconcile_diff *d = &fr->unreconciled;

	get_ctx(c, &fr->ctx);
	memset(d, 0, sizeof(*d));
	d->scope = get_u32(c);
	get_str(c, fr->memcg, sizeof(fr->memcg));
	d->kernel = get_u64(c);
	d->reported = get_u64(c);
	d->dropped_kills = get_u64(c);
	d->diff = (long long)(d->kernel - d->reported);
	if (d->scope != RECONCILE_HOST && d->scope != RECONCILE_MEMCG)
		c->bad = true;
	fr->have_memcg = d->scope == RECONCILE_MEMCG;
	d->memcg = fr->have_memcg ? fr->memcg : NULL;
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

/* Decode one frame's payload; 1 a frame for the caller, 0 taken here. */
static int decode(struct record_reader *rd, uint32_t type, uint32_t len, long long at,
		  struct record_frame *fr)
{
	struct cursor c = { .p = rd->frame, .len = len };
	int err = 0;

	if ((type == FRAME_HEADER) != rd->want_header)
		return fail(rd, -EINVAL, "%s at byte %lld",
			    rd->want_header ? "no header frame" : "a second header frame", at);
	rd->want_header = false;
	switch (type) {
	case FRAME_HEADER: err = decode_header(rd, &c); break;
	case FRAME_SYMBOLS:
		err = add_symbols(rd, rd->frame, len);
		if (err)
			return fail(rd, err,
				    "symbol frame at byte %lld: more symbols than any "
				    "kernel has",
				    at);
		return 0;
	case FRAME_KILL: decode_kill(&c, fr); break;
	case FRAME_STALL: decode_stall(&c, fr); break;
	case FRAME_REAPED:
		get_ctx(&c, &fr->ctx);
		get_raw(&c, &fr->reaped, sizeof(fr->reaped), RECORD_OOM_REAPED);
		break;
	case FRAME_SUMMARY: decode_summary(&c, fr); break;
	case FRAME_UNRECONCILED: decode_unreconciled(&c, fr); break;
	default: return 0; /* a later version's: not ours to read */
	}
	if (err && err != -EINVAL)
		return err; /* said already */
	if (err || c.bad)
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
