// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The OOM report as mm/oom_kill.c and mm/memcontrol.c print it, from 3.x
 * to 6.x:
 *   X invoked oom-killer: gfp_mask=0x...(NAMES), order=N, oom_score_adj=N
 *   CPU: N [UID: N] PID: N Comm: X ...
 *   Call Trace: frames
 *   memory: usage NkB, limit NkB, failcnt N        (memcg OOMs)
 *   Mem-Info: ... Node N ... lowmem_reserve[]: ...  (all others: show_mem())
 *   [ pid ] uid tgid ... name                         (the task table)
 *   oom-kill:constraint=...,oom_memcg=...,task_memcg=...,task=X,pid=N,uid=N
 *   [Memory cgroup out of memory|Out of memory]: Killed process N (X) ...
 * Older kernels say "Task in /x killed as a result of limit of /y" and
 * "Kill process N (X) score N or sacrifice child".  dump_header() is rate
 * limited: a burst of kills leaves bare "Killed process" lines.
 *
 * Reports people paste come indented, behind a viewer's column, filtered
 * by grep, wrapped by a mail client or cut at a terminal's width.  What a
 * paste broke is left unread, never guessed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oomtrace.h"
#include "cgpath.h"
#include "kmsg.h"

#define LINE_MAX_LEN 2048
#define MAX_TASKS    4096 /* task table rows kept per report */
#define RECENT_KILLS 64	  /* kills remembered for the reaper's lines */
#define QUEUE_LEN    4	  /* a line readies two events, three with a held header */

struct task_row {
	int pid;
	int adj;
	unsigned int uid;
	unsigned long long swap_pages, pgtables_bytes;
	bool have_pgtables;
};

struct recent_kill {
	int pid;
	unsigned long long event, ts_us, rss_kb;
	bool have_ts, have_rss;
};

/* Columns of the task table header that oomtrace uses; -1 if absent. */
struct task_cols {
	int uid, swap, pgtables_bytes, nr_ptes, adj, count;
};

struct kmsg_parser {
	struct kmsg_kill cur;
	bool active;   /* cur holds a report (a header or a kill line was read) */
	bool emitted;  /* cur's kill went out; later lines only add oom.group victims */
	bool group;    /* "memory.oom.group": more victims of cur's OOM follow */
	bool in_trace; /* between "Call Trace:" and the first line that is no frame */
	bool no_kill;  /* "no killable processes": no victim is coming */
	bool summary;  /* cur's oom-kill (or "Task in") line: a report prints one */
	/* cur's first "Memory cgroup stats for" was read: the ones after it are below it */
	bool stats_seen;
	bool in_stats; /* right after the OOM memcg's header: its "key value" lines */
	bool in_slabs; /* after "Unreclaimable slab info:": its "name usedKB totalKB" lines */
	/* cur's "Mem-Info:" was read; another dump's show_mem() was mixed into cur's */
	bool mem_info, mem_mixed;
	/* the zone of cur's previous line: this one may be its lowmem_reserve[] */
	struct event_zone *reserve_zone;
	/* 4.x: the "limit of" path of cur's Task in line, as a paste left it */
	char limit[KMSG_PATH_LEN];
	bool have_limit;
	bool have_candidate;
	struct task_cols cols;
	struct task_row tasks[MAX_TASKS];
	size_t nr_tasks;
	struct recent_kill recent[RECENT_KILLS];
	unsigned int recent_next;
	unsigned long long events, incomplete, lost, last_seq;
	bool have_seq;
	struct kmsg_event queue[QUEUE_LEN];
	unsigned int q_head, q_len;
	/* the line being read, without its prefixes */
	char buf[LINE_MAX_LEN];
	bool have_ts;
	unsigned long long ts_us;
	/* an "invoked oom-killer" line broken by a paste, until its rest comes */
	char held[LINE_MAX_LEN];
	bool have_held, held_have_ts;
	unsigned long long held_ts_us;
};

struct kmsg_parser *kmsg_parser__new(void)
{
	return calloc(1, sizeof(struct kmsg_parser));
}

void kmsg_parser__free(struct kmsg_parser *p)
{
	free(p);
}

unsigned long long kmsg_parser__incomplete(const struct kmsg_parser *p)
{
	return p->incomplete;
}

unsigned long long kmsg_parser__lost(const struct kmsg_parser *p)
{
	return p->lost;
}

/* ---- small scanners: never past the NUL, saturating ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool scan_ull(const char **s, unsigned long long *v)
{
	const char *c = *s;
	unsigned long long n = 0;

	if (!is_digit(*c))
		return false;
	for (; is_digit(*c); c++)
		n = n > (~0ULL - 9) / 10 ? ~0ULL : n * 10 + (*c - '0');
	*v = n;
	*s = c;
	return true;
}

static bool scan_int(const char **s, int *v)
{
	const char *c = *s;
	unsigned long long n;
	bool neg = *c == '-';

	if (neg)
		c++;
	if (!scan_ull(&c, &n) || n > 0x7fffffffULL)
		return false;
	*v = neg ? -(int)n : (int)n;
	*s = c;
	return true;
}

static bool scan_hex(const char **s, unsigned long long *v)
{
	const char *c = *s;
	unsigned long long n = 0;
	int d, digits = 0;

	for (;; c++, digits++) {
		if (is_digit(*c))
			d = *c - '0';
		else if (*c >= 'a' && *c <= 'f')
			d = *c - 'a' + 10;
		else if (*c >= 'A' && *c <= 'F')
			d = *c - 'A' + 10;
		else
			break;
		n = n >> 60 ? ~0ULL : n << 4 | d;
	}
	if (!digits)
		return false;
	*v = n;
	*s = c;
	return true;
}

static bool skip(const char **s, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*s, lit, n))
		return false;
	*s += n;
	return true;
}

static bool starts(const char *s, const char *lit)
{
	return !strncmp(s, lit, strlen(lit));
}

/* Copy at most n bytes of src into dst of size size, always terminated. */
static void copy_n(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The length of s without its trailing blanks (format=flowed keeps a space at a break). */
static size_t trimmed_len(const char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* "key:NkB" after s, as the kill line prints its sizes. */
static bool find_kb(const char *s, const char *key, unsigned long long *v)
{
	const char *c = strstr(s, key);

	return c && (c += strlen(key), scan_ull(&c, v)) && starts(c, "kB");
}

/* ---- prefixes: /dev/kmsg, syslog, dmesg -x, timestamps ---- */

/* "PRI,SEQ,TS_US,FLAGS[,...];text": the record's sequence and time. */
static char *strip_kmsg_record(struct kmsg_parser *p, char *s)
{
	const char *c = s;
	unsigned long long pri, seq, ts;
	char *semi;

	if (!scan_ull(&c, &pri) || !skip(&c, ",") || !scan_ull(&c, &seq) || !skip(&c, ",") ||
	    !scan_ull(&c, &ts) || *c != ',')
		return s;
	semi = strchr(c, ';');
	if (!semi)
		return s;
	if (p->have_seq && seq > p->last_seq + 1)
		p->lost += seq - p->last_seq - 1;
	if (!p->have_seq || seq > p->last_seq)
		p->last_seq = seq;
	p->have_seq = true;
	p->have_ts = true;
	p->ts_us = ts;
	return semi + 1;
}

static bool is_month(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int i = 0; i < 36; i += 3)
		if (!strncmp(s, months + i, 3) && s[3] == ' ')
			return true;
	return false;
}

/* "Nov 22 11:09:03 host kernel: ", "2023-08-17T17:29:27+0000 host kernel: " */
static char *strip_syslog(char *s)
{
	char *k;

	if (!is_month(s) && !(is_digit(s[0]) && is_digit(s[3]) && s[4] == '-'))
		return s;
	k = strstr(s, " kernel: ");
	return k && k - s < 100 ? k + 9 : s;
}

/* "host kernel: " after a journal's "[ 123.456789] " */
static char *strip_host_kernel(char *s)
{
	char *sp = strchr(s, ' ');

	return sp && sp > s && starts(sp, " kernel: ") && !memchr(s, ':', sp - s) ? sp + 9 : s;
}

/* dmesg -x: "kern  :warn  : " */
static char *strip_facility(char *s)
{
	char *c = s;
	int colons = 0;

	while (colons < 2 && ((*c >= 'a' && *c <= 'z') || *c == ' ' || *c == ':'))
		colons += *c++ == ':';
	/* "kern  :" but not "kernel:" */
	return colons == 2 && *c == ' ' && c - s < 20 && (s[4] == ' ' || s[4] == ':') ? c + 1 : s;
}

/* "<4>" */
static char *strip_priority(char *s)
{
	const char *c = s + 1;
	unsigned long long v;

	return s[0] == '<' && scan_ull(&c, &v) && *c == '>' ? (char *)c + 1 : s;
}

/*
 * "[ 123.456789]" (boot time), "[  +0.000004]" (dmesg -d), "[Thu Aug 17
 * 17:29:27 2023]" (dmesg -T), "[ T1234]"/"[ C1]" (PRINTK_CALLER).  Not the
 * task table's "[  355]".
 */
static char *strip_bracket(struct kmsg_parser *p, char *s)
{
	const char *c = s + 1, *dot;
	char *end = s[0] == '[' ? strchr(s, ']') : NULL;
	unsigned long long sec, frac;

	if (!end || end - s > 40)
		return s;
	while (*c == ' ')
		c++;
	if (scan_ull(&c, &sec) && (dot = c, skip(&c, ".")) && scan_ull(&c, &frac) && c == end) {
		/* to microseconds, whatever the digits after the dot */
		for (long d = c - dot - 1; d < 6; d++)
			frac *= 10;
		for (long d = c - dot - 1; d > 6; d--)
			frac /= 10;
		if (!p->have_ts) {
			p->have_ts = true;
			p->ts_us = sec * 1000000ULL + frac;
		}
	} else if (!((*c == '+' || *c == 'T' || *c == 'C') && is_digit(c[1])) &&
		   !(end - c >= 24 && is_month(c + 4) && end[-5] == ' ' && end[-8] == ':')) {
		return s;
	}
	end++;
	return *end == ' ' ? end + 1 : end;
}

/* The log's own stamps: all prefixes but "host kernel: ", which follows one */
static char *strip_stamp(struct kmsg_parser *p, char *s)
{
	char *t = strip_kmsg_record(p, s);

	t = strip_syslog(t);
	t = strip_facility(t);
	t = strip_priority(t);
	return strip_bracket(p, t);
}

/*
 * A column a viewer or grep put before the log's own prefix: a line number
 * ("166233 ", "12:", grep's "12-" for a line of context), a file or host
 * name ("messages:", "node-3 | ").
 */
static char *skip_column(char *s)
{
	size_t n = strspn(s, "0123456789");
	char *c;

	if (!n || s[n] != '-')
		n = strcspn(s, " \t:|");
	if (!n || n > 64)
		return s;
	c = s + n;
	if (*c == ':' || *c == '-')
		c++;
	else if (c[strspn(c, " \t")] == '|')
		c += strspn(c, " \t") + 1;
	else if (*c != ' ' && *c != '\t')
		return s;
	return c + strspn(c, " \t");
}

/*
 * Columns are taken only when a stamp follows them: a comm may start with
 * digits.  A stamp read twice sets the same time and sequence.
 */
static char *strip_columns(struct kmsg_parser *p, char *s)
{
	char *c = s;

	if (strip_stamp(p, s) != s)
		return s;
	/* two at most: grep -Hn's file name, then its line number */
	for (int i = 0; i < 2; i++) {
		char *next = skip_column(c);

		if (next == c)
			break;
		c = next;
		if (strip_stamp(p, c) != c)
			return c;
	}
	return s;
}

static char *strip_prefixes(struct kmsg_parser *p, char *s)
{
	/*
	 * Text pasted with an indent, prefixes or none.  No line of the
	 * report needs its leading blanks: frames are told by their form.
	 */
	s = strip_columns(p, s + strspn(s, " \t"));
	for (int i = 0; i < 8; i++) {
		char *t = strip_host_kernel(strip_stamp(p, s));

		if (t == s)
			break;
		s = t;
	}
	return s;
}

/* ---- events ---- */

static struct kmsg_event *push(struct kmsg_parser *p, enum kmsg_event_type type)
{
	struct kmsg_event *ev;

	/* callers drain after each line: a full queue loses its oldest */
	if (p->q_len == QUEUE_LEN) {
		p->q_head = (p->q_head + 1) % QUEUE_LEN;
		p->q_len--;
	}
	ev = &p->queue[(p->q_head + p->q_len++) % QUEUE_LEN];
	ev->type = type;
	return ev;
}

bool kmsg_parser__next(struct kmsg_parser *p, struct kmsg_event *ev)
{
	if (!p->q_len)
		return false;
	*ev = p->queue[p->q_head];
	p->q_head = (p->q_head + 1) % QUEUE_LEN;
	p->q_len--;
	return true;
}

static const struct task_row *find_task(const struct kmsg_parser *p, int pid)
{
	for (size_t i = 0; i < p->nr_tasks; i++)
		if (p->tasks[i].pid == pid)
			return &p->tasks[i];
	return NULL;
}

/* What the task table says and the kill line does not (swap; older kernels' rest). */
static void fill_from_table(struct kmsg_parser *p, struct kmsg_kill *k)
{
	const struct task_row *t = find_task(p, k->victim_pid);

	if (!t)
		return;
	if (p->cols.swap >= 0) {
		/* the table counts pages; a 4 KiB page is the only size oomtrace assumes here */
		k->swap_kb = t->swap_pages * 4;
		k->have |= KMSG_HAVE_SWAP;
	}
	if (!(k->have & KMSG_HAVE_PGTABLES) && t->have_pgtables) {
		k->pgtables_kb = t->pgtables_bytes / 1024;
		k->have |= KMSG_HAVE_PGTABLES;
	}
	if (!(k->have & KMSG_HAVE_UID) && p->cols.uid >= 0) {
		k->victim_uid = t->uid;
		k->have |= KMSG_HAVE_UID;
	}
	if (!(k->have & KMSG_HAVE_ADJ) && p->cols.adj >= 0) {
		k->oom_score_adj = t->adj;
		k->have |= KMSG_HAVE_ADJ;
	}
}

static void remember_kill(struct kmsg_parser *p, const struct kmsg_kill *k)
{
	struct recent_kill *r = &p->recent[p->recent_next];

	p->recent_next = (p->recent_next + 1) % RECENT_KILLS;
	r->pid = k->victim_pid;
	r->event = k->event;
	r->ts_us = k->ts_us;
	r->have_ts = k->have & KMSG_HAVE_TS;
	r->have_rss = (k->have & (KMSG_HAVE_ANON | KMSG_HAVE_FILE | KMSG_HAVE_SHMEM)) ==
		      (KMSG_HAVE_ANON | KMSG_HAVE_FILE | KMSG_HAVE_SHMEM);
	r->rss_kb = k->anon_kb + k->file_kb + k->shmem_kb;
}

/*
 * None of show_mem()'s lines in cur is taken: some are another dump's (a
 * page allocation failure's), and which figures are whose cannot be told.
 */
static void mem_mixed(struct kmsg_parser *p)
{
	struct kmsg_kill *k = &p->cur;

	p->mem_mixed = true;
	p->reserve_zone = NULL;
	k->have &= ~(KMSG_HAVE_NODE_MEM | KMSG_HAVE_SWAP_FREE | KMSG_HAVE_SWAP_TOTAL |
		     KMSG_HAVE_HUGETLB);
	k->hugetlb_total_kb = k->hugetlb_free_kb = 0;
	k->nr_nodes = k->nr_zones = 0;
	k->zones_truncated = false;
}

/* dump_header() prints show_mem() for every OOM but a memcg's */
static bool is_memcg_report(const struct kmsg_kill *k)
{
	return k->memcg[0] || (k->have & KMSG_HAVE_USAGE) ||
	       ((k->have & KMSG_HAVE_CONSTRAINT) && k->constraint == OOMT_CONSTRAINT_MEMCG);
}

static void emit_kill(struct kmsg_parser *p)
{
	struct kmsg_event *ev;

	fill_from_table(p, &p->cur);
	if (is_memcg_report(&p->cur))
		mem_mixed(p);
	remember_kill(p, &p->cur);
	ev = push(p, KMSG_EVENT_KILL);
	ev->kill = p->cur;
	p->emitted = true;
	p->in_trace = false;
}

/* A report that ended before its "Killed process" line. */
static void flush_cut_off(struct kmsg_parser *p)
{
	if (!p->active || p->emitted)
		return;
	if (p->have_candidate)
		emit_kill(p);
	else if (!p->no_kill)
		p->incomplete++;
}

static void start_report(struct kmsg_parser *p)
{
	flush_cut_off(p);
	memset(&p->cur, 0, sizeof(p->cur));
	p->cur.constraint = OOMT_CONSTRAINT_UNKNOWN;
	p->cur.event = ++p->events;
	p->active = true;
	p->emitted = p->group = p->in_trace = p->no_kill = p->have_candidate = p->summary = false;
	p->stats_seen = p->have_limit = p->mem_info = p->mem_mixed = p->in_stats = false;
	p->in_slabs = false;
	p->reserve_zone = NULL;
	p->nr_tasks = 0;
	memset(&p->cols, -1, sizeof(p->cols));
}

static void set_ts(struct kmsg_parser *p)
{
	if (!p->have_ts)
		return;
	p->cur.ts_us = p->ts_us;
	p->cur.have |= KMSG_HAVE_TS;
}

/* ---- the report's lines ---- */

/* "X invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), [nodemask=..., ]order=0, ..." */
static bool parse_invoked(struct kmsg_parser *p, const char *s)
{
	const char *at = strstr(s, " invoked oom-killer:"), *c, *o, *close, *adj;
	unsigned long long mask;
	struct kmsg_kill *k = &p->cur;

	if (!at)
		return false;
	start_report(p);
	set_ts(p);
	/* a comm has 15 bytes at most: more is a prefix not known here, not a name */
	if (at > s && at - s < KMSG_COMM_LEN) {
		copy_n(k->invoker_comm, sizeof(k->invoker_comm), s, at - s);
		k->have |= KMSG_HAVE_INVOKER_COMM;
	}
	c = at + strlen(" invoked oom-killer:");
	o = strstr(c, "order=");
	/* a report all the same, without its gfp */
	if (!skip(&c, " gfp_mask=0x") || !scan_hex(&c, &mask) || !o ||
	    !(o += 6, scan_int(&o, &k->order)))
		return true;
	k->gfp_mask = (unsigned int)mask;
	k->have |= KMSG_HAVE_INVOKER;
	adj = strstr(o, ", oom_score_adj=");
	if (adj && (adj += strlen(", oom_score_adj="), scan_int(&adj, &k->invoker_adj)))
		k->have |= KMSG_HAVE_INVOKER_ADJ;
	close = *c == '(' ? strchr(c, ')') : NULL;
	if (close && close > c + 1) {
		copy_n(k->gfp_names, sizeof(k->gfp_names), c + 1, close - c - 1);
		k->have |= KMSG_HAVE_GFP_NAMES;
	}
	return true;
}

/* "CPU: 1 [UID: 0 ]PID: 5953 Comm: oom-trigger Not tainted ...": the invoker's pid */
static bool parse_cpu(struct kmsg_parser *p, const char *s)
{
	const char *c = strstr(s, " PID: "), *comm;
	struct kmsg_kill *k = &p->cur;
	int pid;
	size_t n = strlen(k->invoker_comm);

	if (!starts(s, "CPU: ") || !c)
		return false;
	c += 6;
	if (!p->active || p->emitted || (k->have & KMSG_HAVE_INVOKER_PID) || !scan_int(&c, &pid))
		return true;
	comm = c;
	/* another dump (a WARN) between the lines of this report is not the invoker's */
	if (skip(&comm, " Comm: ") && n && !strncmp(comm, k->invoker_comm, n)) {
		k->invoker_pid = pid;
		k->have |= KMSG_HAVE_INVOKER_PID;
	}
	return true;
}

static bool is_sym_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
	       c == '.' || c == '$';
}

/*
 * " out_of_memory+0x214/0x5a0", " [<ffffffff8172a3b4>] dump_stack+0x45/0x56",
 * " foo+0x10/0x20 [mod]" -> "out_of_memory+0x214", "foo+0x10 [mod]".
 * "? foo" frames are the unwinder's guesses, not the stack: left out.
 */
static bool parse_frame(struct kmsg_parser *p, const char *s)
{
	const char *c = s, *sym, *off, *mod;
	unsigned long long v;
	struct kmsg_kill *k = &p->cur;
	char frame[KMSG_FRAME_LEN];
	size_t n;

	while (*c == ' ' || *c == '\t')
		c++;
	if (starts(c, "<") && strchr(c, '>'))
		return true; /* <TASK>, </TASK>, <IRQ> */
	if (skip(&c, "? "))
		return strstr(c, "+0x") != NULL;
	if (skip(&c, "[<")) {
		if (!scan_hex(&c, &v) || !skip(&c, ">] "))
			return false;
		if (skip(&c, "? "))
			return true;
	}
	sym = c;
	while (is_sym_char(*c))
		c++;
	off = c;
	if (c == sym || !skip(&c, "+0x") || !scan_hex(&c, &v) || !skip(&c, "/0x") ||
	    !scan_hex(&c, &v))
		return false;
	n = (size_t)(strchr(off + 3, '/') - sym);
	copy_n(frame, sizeof(frame), sym, n);
	mod = c;
	if (skip(&mod, " [") && strchr(mod, ']')) {
		size_t len = strlen(frame);

		snprintf(frame + len, sizeof(frame) - len, " [%.*s]", (int)(strchr(mod, ']') - mod),
			 mod);
	}
	if (k->nr_frames < KMSG_MAX_FRAMES)
		memcpy(k->frames[k->nr_frames++], frame, sizeof(frame));
	k->have |= KMSG_HAVE_STACK;
	return true;
}

/* "memory: usage 65536kB, limit 65536kB, failcnt 23" and the swap lines after it */
static bool parse_usage(struct kmsg_parser *p, const char *s)
{
	struct kmsg_kill *k = &p->cur;
	unsigned long long usage, limit;
	const char *c = s;
	int version = 0;

	if (skip(&c, "memory: usage "))
		version = -1;
	else if (skip(&c, "memory+swap: usage "))
		version = 1;
	else if (skip(&c, "swap: usage "))
		version = 2;
	else if (starts(s, "kmem: usage "))
		version = 1, c = NULL;
	else
		return false;
	if (!p->active || p->emitted)
		return true;
	if (version > 0) {
		k->cgroup_version = version;
		k->have |= KMSG_HAVE_VERSION;
	}
	if (!c || !scan_ull(&c, &usage) || !skip(&c, "kB, limit ") || !scan_ull(&c, &limit))
		return true;
	if (version < 0) {
		k->usage_kb = usage;
		k->limit_kb = limit;
		k->have |= KMSG_HAVE_USAGE;
	} else {
		k->swap_limit_kb = limit;
		k->have |= KMSG_HAVE_SWAP_LIMIT;
	}
	return true;
}

static int constraint_of(const char *s)
{
	if (starts(s, "CONSTRAINT_NONE"))
		return OOMT_CONSTRAINT_NONE;
	if (starts(s, "CONSTRAINT_CPUSET"))
		return OOMT_CONSTRAINT_CPUSET;
	if (starts(s, "CONSTRAINT_MEMORY_POLICY"))
		return OOMT_CONSTRAINT_MEMORY_POLICY;
	if (starts(s, "CONSTRAINT_MEMCG"))
		return OOMT_CONSTRAINT_MEMCG;
	return OOMT_CONSTRAINT_UNKNOWN;
}

/* The last occurrence of key in s before end. */
static const char *rfind(const char *s, const char *end, const char *key)
{
	const char *hit = NULL, *c = s;

	while ((c = strstr(c, key)) && c < end)
		hit = c++;
	return hit;
}

/* A victim named before the kill line: by "oom-kill:" or "Kill process". */
static void set_candidate(struct kmsg_parser *p, int pid, const char *comm, size_t n)
{
	p->cur.victim_pid = pid;
	copy_n(p->cur.victim_comm, sizeof(p->cur.victim_comm), comm, n);
	p->have_candidate = true;
}

/*
 * "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,
 * oom_memcg=/a,task_memcg=/a/b,task=X,pid=N,uid=N" (global OOMs: "global_oom"
 * instead of oom_memcg).  Paths and names may hold commas: keys are found
 * from the end.  A value is only read up to the key the kernel prints
 * after it: a line cut short by a paste ends a path or pid anywhere.
 */
static bool parse_oom_kill(struct kmsg_parser *p, const char *s)
{
	const char *end = s + strlen(s), *pid, *uid, *task, *tmem, *omem, *c;
	const char *nodes, *cpuset, *mems, *scope;
	struct kmsg_kill *k = &p->cur;
	int v;

	if (!starts(s, "oom-kill:constraint="))
		return false;
	/* a second one is the next OOM's, its header filtered out like this one's */
	if (!p->active || p->emitted || p->summary)
		start_report(p);
	p->summary = true;
	k->constraint = constraint_of(s + strlen("oom-kill:constraint="));
	if (k->constraint != OOMT_CONSTRAINT_UNKNOWN)
		k->have |= KMSG_HAVE_CONSTRAINT;
	uid = rfind(s, end, ",uid=");
	pid = rfind(s, uid ?: end, ",pid=");
	task = rfind(s, pid ?: end, ",task=");
	tmem = rfind(s, task ?: end, ",task_memcg=");
	omem = rfind(s, tmem ?: end, ",oom_memcg=");
	c = uid ? uid + 5 : NULL;
	if (c && scan_int(&c, &v)) {
		k->victim_uid = (unsigned int)v;
		k->have |= KMSG_HAVE_UID;
	}
	c = pid ? pid + 5 : NULL;
	if (uid && task && c && scan_int(&c, &v))
		set_candidate(p, v, task + 6, pid - task - 6);
	if (tmem && task)
		copy_n(k->task_memcg, sizeof(k->task_memcg), tmem + 12, task - tmem - 12);
	if (omem && tmem)
		copy_n(k->memcg, sizeof(k->memcg), omem + 11, tmem - omem - 11);
	/* ",nodemask=L,cpuset=NAME,mems_allowed=L," and then oom_memcg= or global_oom */
	scope = omem ?: rfind(s, task ?: end, ",global_oom");
	mems = rfind(s, scope ?: end, ",mems_allowed=");
	cpuset = rfind(s, mems ?: end, ",cpuset=");
	nodes = rfind(s, cpuset ?: end, ",nodemask=");
	if (nodes && cpuset) {
		nodes += strlen(",nodemask=");
		if (cpuset - nodes != 6 || strncmp(nodes, "(null)", 6))
			copy_n(k->nodemask, sizeof(k->nodemask), nodes, cpuset - nodes);
		k->have |= KMSG_HAVE_NODEMASK;
	}
	if (cpuset && mems && scope) {
		copy_n(k->cpuset, sizeof(k->cpuset), cpuset + 8, mems - cpuset - 8);
		mems += strlen(",mems_allowed=");
		copy_n(k->mems_allowed, sizeof(k->mems_allowed), mems, scope - mems);
		k->have |= KMSG_HAVE_CPUSET;
	}
	return true;
}

/* A cgroup path as the kernel prints one: from the root, no trailing slash but the root's. */
static bool is_path(const char *s)
{
	size_t n = strlen(s);

	return s[0] == '/' && (n == 1 || s[n - 1] != '/');
}

/*
 * 4.x: "Task in /x killed as a result of limit of /y".  /y ends the line,
 * where a paste cuts or wraps it: it is taken only when it is /x or above
 * it, as the memcg whose limit the victim hit must be.  The stats line
 * after it, whose colon shows its path whole, has the last word
 * (parse_memcg_stats()).
 */
static bool parse_task_in(struct kmsg_parser *p, const char *s)
{
	const char *mid = strstr(s, " killed as a result of limit of"), *y;
	struct kmsg_kill *k = &p->cur;
	bool cut = false;
	size_t n;

	if (!starts(s, "Task in ") || !mid)
		return false;
	if (!p->active || p->emitted || p->summary)
		start_report(p);
	p->summary = true;
	copy_n(k->task_memcg, sizeof(k->task_memcg), s + 8, mid - s - 8);
	y = mid + strlen(" killed as a result of limit of");
	y += strspn(y, " ");
	n = trimmed_len(y);
	/* "..." or "\u2026": a path the one who pasted it shortened */
	if (n >= 3 && (!strncmp(y + n - 3, "...", 3) || !strncmp(y + n - 3, "\xe2\x80\xa6", 3)))
		n -= 3, cut = true;
	copy_n(p->limit, sizeof(p->limit), y, n);
	p->have_limit = true;
	if (!cut && is_path(p->limit) && is_path(k->task_memcg) &&
	    cgpath__under(k->task_memcg, p->limit))
		copy_n(k->memcg, sizeof(k->memcg), p->limit, strlen(p->limit));
	k->constraint = OOMT_CONSTRAINT_MEMCG;
	k->have |= KMSG_HAVE_CONSTRAINT;
	return true;
}

/*
 * "Memory cgroup stats for /y:", its stats after it on the same line (4.x)
 * or on lines of their own.  Printed for memcg OOMs only: the first names
 * the memcg whose limit was hit, any after it the memcgs below that one.
 */
static bool parse_memcg_stats(struct kmsg_parser *p, const char *s)
{
	const char *c = s, *end;
	struct kmsg_kill *k = &p->cur;
	char path[KMSG_PATH_LEN];
	size_t n;

	if (!skip(&c, "Memory cgroup stats for "))
		return false;
	if (!p->active || p->emitted || p->stats_seen)
		return true;
	p->stats_seen = true;
	n = trimmed_len(c);
	if (n && c[n - 1] == ':')
		end = c + n - 1;
	else if (!(end = strstr(c, ": ")))
		return true; /* cut before its colon, so maybe in its path */
	copy_n(path, sizeof(path), c, end - c);
	if (!is_path(path) || (k->task_memcg[0] && !cgpath__under(k->task_memcg, path)))
		return true;
	/*
	 * Its colon shows this path whole, where the Task in line's may end
	 * cut even at a slash: this one is taken if it starts as that one
	 * does.  If it does not, one of the two is another report's line.
	 */
	if (p->have_limit && !starts(path, p->limit)) {
		k->memcg[0] = '\0';
		return true;
	}
	copy_n(k->memcg, sizeof(k->memcg), path, strlen(path));
	/* its memory.stat follows, unless 4.x printed "key:NKB" on this line */
	p->in_stats = c + n - 1 == end;
	if (!(k->have & KMSG_HAVE_CONSTRAINT)) {
		k->constraint = OOMT_CONSTRAINT_MEMCG;
		k->have |= KMSG_HAVE_CONSTRAINT;
	}
	return true;
}

/* "key value": a memory.stat line; the key [a-z0-9_], the value a number */
static bool stat_line(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && (islower((unsigned char)s[k]) || isdigit((unsigned char)s[k]) || s[k] == '_'))
		k++;
	if (!k || k >= n || s[k] != ' ' || ++k >= n)
		return false;
	if (s[k] == '-')
		k++;
	if (k >= n)
		return false;
	while (k < n && isdigit((unsigned char)s[k]))
		k++;
	return k == n;
}

/*
 * The OOM memcg's memory.stat lines after its header: all of s ("\x0a"
 * joins them in a /dev/kmsg record), or s is no part of it.
 */
static bool parse_stat_lines(struct kmsg_parser *p, const char *s)
{
	struct kmsg_kill *k = &p->cur;
	const char *at = s, *next;
	size_t n, len = trimmed_len(s);

	for (const char *c = s; c < s + len; c = next) {
		next = strstr(c, "\\x0a");
		n = (next && next < s + len ? next : s + len) - c;
		next = next && next < s + len ? next + 4 : s + len;
		if (n && !stat_line(c, n))
			return at != s;
		if (n && k->memcg_stat_len + n + 2 <= sizeof(k->memcg_stat)) {
			memcpy(k->memcg_stat + k->memcg_stat_len, c, n);
			k->memcg_stat_len += n;
			k->memcg_stat[k->memcg_stat_len++] = '\n';
			k->memcg_stat[k->memcg_stat_len] = '\0';
		}
		at = next;
	}
	return true;
}

/*
 * "N (comm)" as the kill lines print a task; comm may hold ") ".  2.6.32
 * printed "N, UID N, (comm)": its uid is left to parse_victim_sizes().
 */
static bool scan_task(const char **s, const char *after, int *pid, const char **comm, size_t *n)
{
	const char *c = *s, *close;
	unsigned long long uid;

	if (!scan_int(&c, pid))
		return false;
	if (skip(&c, ", UID ") && !(scan_ull(&c, &uid) && skip(&c, ",")))
		return false;
	if (!skip(&c, " ("))
		return false;
	close = strstr(c, after);
	if (!close)
		return false;
	*comm = c;
	*n = close - c;
	*s = close + strlen(after);
	return true;
}

/* Old kernels: "Out of memory: Kill process N (X) score N or sacrifice child" */
static bool parse_kill_choice(struct kmsg_parser *p, const char *s)
{
	const char *c = strstr(s, "Kill process "), *comm;
	int pid;
	size_t n;

	if (!c || !strstr(c, " or sacrifice child"))
		return false;
	c += 13;
	if (!p->active || p->emitted)
		start_report(p);
	if (starts(s, "Memory cgroup out of memory")) {
		p->cur.constraint = OOMT_CONSTRAINT_MEMCG;
		p->cur.have |= KMSG_HAVE_CONSTRAINT;
	}
	if (scan_task(&c, ") score ", &pid, &comm, &n))
		set_candidate(p, pid, comm, n);
	return true;
}

static void parse_victim_sizes(struct kmsg_kill *k, const char *c)
{
	unsigned long long v;
	const char *u;
	int adj;

	if (find_kb(c, "total-vm:", &k->total_vm_kb))
		k->have |= KMSG_HAVE_VM;
	if (find_kb(c, "anon-rss:", &k->anon_kb))
		k->have |= KMSG_HAVE_ANON;
	if (find_kb(c, "file-rss:", &k->file_kb))
		k->have |= KMSG_HAVE_FILE;
	if (find_kb(c, "shmem-rss:", &k->shmem_kb))
		k->have |= KMSG_HAVE_SHMEM;
	if (find_kb(c, "pgtables:", &k->pgtables_kb))
		k->have |= KMSG_HAVE_PGTABLES;
	/* "UID:N" since 4.19; "UID N," in 2.6.32 to 3.x */
	u = strstr(c, "UID:") ?: strstr(c, "UID ");
	if (u && (u += 4, scan_ull(&u, &v)) && v <= 0xffffffffULL) {
		k->victim_uid = (unsigned int)v;
		k->have |= KMSG_HAVE_UID;
	}
	u = strstr(c, "oom_score_adj:");
	if (u && (u += 14, scan_int(&u, &adj))) {
		k->oom_score_adj = adj;
		k->have |= KMSG_HAVE_ADJ;
	}
}

/* The header of a report stays for the rest of a memory.oom.group kill. */
static void start_group_victim(struct kmsg_parser *p)
{
	struct kmsg_kill *k = &p->cur;

	k->have &= ~(KMSG_HAVE_VM | KMSG_HAVE_ANON | KMSG_HAVE_FILE | KMSG_HAVE_SHMEM |
		     KMSG_HAVE_UID | KMSG_HAVE_ADJ | KMSG_HAVE_PGTABLES | KMSG_HAVE_SWAP);
	k->task_memcg[0] = '\0';
	p->emitted = false;
}

/* "[Memory cgroup out of memory|Out of memory...]: Killed process N (X) total-vm:..." */
static bool parse_killed(struct kmsg_parser *p, const char *s)
{
	const char *c = strstr(s, "Killed process "), *comm;
	struct kmsg_kill *k = &p->cur;
	int pid;
	size_t n;

	if (!c)
		return false;
	c += 15;
	if (!scan_task(&c, ") ", &pid, &comm, &n) && !scan_task(&c, ")", &pid, &comm, &n))
		return false;
	if (p->active && p->emitted && p->group)
		start_group_victim(p);
	else if (!p->active || p->emitted)
		start_report(p);
	k->victim_pid = pid;
	copy_n(k->victim_comm, sizeof(k->victim_comm), comm, n);
	if (starts(s, "Memory cgroup out of memory") && !(k->have & KMSG_HAVE_CONSTRAINT)) {
		k->constraint = OOMT_CONSTRAINT_MEMCG;
		k->have |= KMSG_HAVE_CONSTRAINT;
	}
	parse_victim_sizes(k, strstr(s, "Killed process ") + 15);
	k->have |= KMSG_HAVE_KILLED_LINE;
	set_ts(p);
	emit_kill(p);
	return true;
}

static const struct recent_kill *recent_of(const struct kmsg_parser *p, int pid)
{
	/* newest first: pids are reused */
	for (unsigned int i = 1; i <= RECENT_KILLS; i++) {
		const struct recent_kill *r =
		    &p->recent[(p->recent_next + RECENT_KILLS - i) % RECENT_KILLS];

		if (r->pid == pid && r->event)
			return r;
	}
	return NULL;
}

/*
 * "oom_reaper: reaped process N (X), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"
 * "oom_reaper: unable to reap pid:N (X)"
 */
static bool parse_reaper(struct kmsg_parser *p, const char *s)
{
	const char *c = s, *comm;
	struct kmsg_kill sizes = { 0 };
	struct kmsg_reap r = { 0 };
	const struct recent_kill *kill;
	size_t n;

	if (skip(&c, "oom_reaper: reaped process "))
		r.state = KMSG_REAPED;
	else if (skip(&c, "oom_reaper: unable to reap pid:"))
		r.state = KMSG_UNREAPED;
	else
		return false;
	/* the group's kills come in one burst: the reaper comes after them */
	p->group = false;
	if (!scan_task(&c, r.state == KMSG_REAPED ? "), " : ")", &r.pid, &comm, &n))
		return true;
	copy_n(r.comm, sizeof(r.comm), comm, n);
	parse_victim_sizes(&sizes, c);
	r.have_rss = (sizes.have & (KMSG_HAVE_ANON | KMSG_HAVE_FILE | KMSG_HAVE_SHMEM)) ==
		     (KMSG_HAVE_ANON | KMSG_HAVE_FILE | KMSG_HAVE_SHMEM);
	r.rss_kb = sizes.anon_kb + sizes.file_kb + sizes.shmem_kb;
	r.have_ts = p->have_ts;
	r.ts_us = p->ts_us;
	kill = recent_of(p, r.pid);
	if (kill) {
		r.have_kill = true;
		r.event = kill->event;
		r.have_kill_ts = kill->have_ts;
		r.kill_ts_us = kill->ts_us;
		r.have_kill_rss = kill->have_rss;
		r.kill_rss_kb = kill->rss_kb;
	}
	push(p, KMSG_EVENT_REAP)->reap = r;
	return true;
}

/* "[  pid  ]   uid  tgid total_vm      rss ... swapents oom_score_adj name" */
static bool parse_table_header(struct kmsg_parser *p, const char *s)
{
	const char *c = strchr(s, ']');
	struct task_cols *cols = &p->cols;
	char word[32];
	int i = 0, len;

	if (!starts(s, "[") || !strstr(s, "pid") || !c || !strstr(c, " uid ") ||
	    !strstr(c, " name"))
		return false;
	if (!p->active || p->emitted)
		return true;
	memset(cols, -1, sizeof(*cols));
	p->nr_tasks = 0;
	for (c++; sscanf(c, " %31s%n", word, &len) == 1; c += len, i++) {
		if (!strcmp(word, "uid"))
			cols->uid = i;
		else if (!strcmp(word, "swapents"))
			cols->swap = i;
		else if (!strcmp(word, "pgtables_bytes"))
			cols->pgtables_bytes = i;
		else if (!strcmp(word, "nr_ptes"))
			cols->nr_ptes = i;
		else if (!strcmp(word, "oom_score_adj"))
			cols->adj = i;
	}
	cols->count = i;
	return true;
}

/* "[1586608]     0 1586608   184282     6593   180224        0          -997 xray" */
static bool parse_table_row(struct kmsg_parser *p, const char *s)
{
	const char *c = s + 1;
	const struct task_cols *cols = &p->cols;
	struct task_row row = { 0 };
	int i, v;

	while (*c == ' ')
		c++;
	if (s[0] != '[' || !scan_int(&c, &row.pid) || !skip(&c, "]"))
		return false;
	if (!p->active || p->emitted || cols->count <= 0 || p->nr_tasks == MAX_TASKS)
		return true;
	/* every column but the last (the name) is a number */
	for (i = 0; i < cols->count - 1; i++) {
		unsigned long long u = 0;

		while (*c == ' ')
			c++;
		if (*c == '-' ? !scan_int(&c, &v) : !(scan_ull(&c, &u) && (v = (int)u, true)))
			return true;
		if (i == cols->uid)
			row.uid = (unsigned int)u;
		else if (i == cols->swap)
			row.swap_pages = u;
		else if (i == cols->pgtables_bytes)
			row.pgtables_bytes = u, row.have_pgtables = true;
		else if (i == cols->nr_ptes)
			row.pgtables_bytes = u * 4096, row.have_pgtables = true;
		else if (i == cols->adj)
			row.adj = v;
	}
	p->tasks[p->nr_tasks++] = row;
	return true;
}

/* ---- show_mem(): the machine's memory, in the report of every OOM but a memcg's ---- */

/*
 * A Node line's counters, by the names show_free_areas() gives them since
 * 4.8, each with the blank before it (" active_anon:" is no part of
 * " inactive_anon:").  kernel_stack is on the Node line since 5.9 and
 * pagetables since 5.11, on the zone lines before (and every counter
 * before 4.8); the Node line has no slab.  What it lacks stays unknown:
 * a sum of zone lines would be short if one was lost.
 */
static const struct {
	const char *key;
	int counter; /* enum node_counter */
} node_keys[] = {
	{ " active_anon:", NODE_ACTIVE_ANON },
	{ " inactive_anon:", NODE_INACTIVE_ANON },
	{ " active_file:", NODE_ACTIVE_FILE },
	{ " inactive_file:", NODE_INACTIVE_FILE },
	{ " unevictable:", NODE_UNEVICTABLE },
	{ " isolated(anon):", NODE_ISOLATED_ANON },
	{ " isolated(file):", NODE_ISOLATED_FILE },
	{ " mapped:", NODE_MAPPED },
	{ " dirty:", NODE_DIRTY },
	{ " writeback:", NODE_WRITEBACK },
	{ " shmem:", NODE_SHMEM },
	{ " kernel_stack:", NODE_KERNEL_STACK },
	{ " pagetables:", NODE_PAGETABLES },
};

/* The names of the zones of every kernel since 2.6 (enum zone_type) */
static const char *const zone_names[] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device"
};

/* "Node 1 active_anon:1580kB inactive_anon:197976kB ... all_unreclaimable? yes" */
static void parse_node_counters(struct kmsg_parser *p, unsigned int node, const char *s)
{
	struct kmsg_kill *k = &p->cur;
	struct event_node n = { .node = node };
	unsigned long long v;

	for (int i = 0; i < k->nr_nodes; i++)
		if (k->nodes[i].node == node) {
			mem_mixed(p);
			return;
		}
	/* a counter is taken only with its "kB": a line cut short ends a number anywhere */
	for (size_t i = 0; i < sizeof(node_keys) / sizeof(node_keys[0]); i++)
		if (find_kb(s, node_keys[i].key, &v)) {
			n.kb[node_keys[i].counter] = v;
			n.known |= 1u << node_keys[i].counter;
		}
	if (!n.known || k->nr_nodes == EVENT_MAX_NODES)
		return;
	k->nodes[k->nr_nodes++] = n;
	k->have |= KMSG_HAVE_NODE_MEM;
}

/*
 * "Node 0 DMA32 free:135296kB boost:0kB min:1172kB low:1464kB high:1756kB
 * ... present:245760kB managed:203556kB ...": min, low and high with their
 * boost, as the kernel tests them.  A zone is taken whole or not at all:
 * its figures have no bits of their own.  A kernel without CONFIG_NUMA
 * prints no "Node N " before the zone (s is then the line).
 */
static void parse_zone(struct kmsg_parser *p, unsigned int node, const char *name, size_t len,
		       const char *s)
{
	struct kmsg_kill *k = &p->cur;
	struct event_zone z = { .node = node };

	copy_n(z.name, sizeof(z.name), name, len);
	if (!find_kb(s, " free:", &z.free_kb) || !find_kb(s, " min:", &z.min_kb) ||
	    !find_kb(s, " low:", &z.low_kb) || !find_kb(s, " high:", &z.high_kb) ||
	    !find_kb(s, " present:", &z.present_kb) || !find_kb(s, " managed:", &z.managed_kb))
		return;
	/* printed between free and min since 5.16: not cut off when min is here */
	z.have_boost = find_kb(s, " boost:", &z.boost_kb);
	if (!z.have_boost)
		z.boost_kb = 0;
	for (int i = 0; i < k->nr_zones; i++)
		if (k->zones[i].node == node && !strcmp(k->zones[i].name, z.name)) {
			mem_mixed(p);
			return;
		}
	if (k->nr_zones == EVENT_MAX_ZONES) {
		k->zones_truncated = true;
		return;
	}
	k->zones[k->nr_zones] = z;
	p->reserve_zone = &k->zones[k->nr_zones++];
	k->have |= KMSG_HAVE_NODE_MEM;
}

/* "lowmem_reserve[]: 0 191 191 191 191": the zone's, on the line after it, in pages */
static void parse_lowmem_reserve(struct event_zone *z, const char *s)
{
	long long reserve[EVENT_MAX_ZONE_TYPES];
	unsigned long long v;
	int n = 0;

	for (;;) {
		s += strspn(s, " ");
		if (!*s)
			break;
		/* a value past the kernel's zone types is not its line */
		if (n == EVENT_MAX_ZONE_TYPES || !scan_ull(&s, &v) || v > 0x7fffffffffffffffULL ||
		    (*s && *s != ' '))
			return;
		reserve[n++] = (long long)v;
	}
	memcpy(z->lowmem_reserve, reserve, n * sizeof(reserve[0]));
	z->nr_reserve = n;
}

/* show_swap_cache_info()'s "Free swap  = 0kB" and "Total swap = 0kB" */
static bool parse_swap_line(struct kmsg_parser *p, const char *s)
{
	struct kmsg_kill *k = &p->cur;
	unsigned long long *kb;
	unsigned int bit;
	const char *c = s;

	if (skip(&c, "Free swap  = ")) {
		kb = &k->swap_free_kb;
		bit = KMSG_HAVE_SWAP_FREE;
	} else if (skip(&c, "Total swap = ")) {
		kb = &k->swap_total_kb;
		bit = KMSG_HAVE_SWAP_TOTAL;
	} else {
		return false;
	}
	if (!p->active || p->emitted || p->mem_mixed || !scan_ull(&c, kb) || strcmp(c, "kB"))
		return true;
	k->have |= bit;
	return true;
}

/*
 * "hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
 * after "Node N ": one line per node and page size, summed.
 */
static void parse_hugepages(struct kmsg_parser *p, const char *c)
{
	struct kmsg_kill *k = &p->cur;
	unsigned long long total, free, surp, size;

	if (!p->active || p->emitted || p->mem_mixed)
		return;
	if (!(skip(&c, "hugepages_total=") && scan_ull(&c, &total) &&
	      skip(&c, " hugepages_free=") && scan_ull(&c, &free) &&
	      skip(&c, " hugepages_surp=") && scan_ull(&c, &surp) &&
	      skip(&c, " hugepages_size=") && scan_ull(&c, &size) && !strcmp(c, "kB")))
		return;
	k->hugetlb_total_kb += total * size;
	k->hugetlb_free_kb += free * size;
	k->have |= KMSG_HAVE_HUGETLB;
}

/* a count of pages: its digits end the text, or a space or "\x0a" follows them */
static bool scan_pages(const char **c, unsigned long long *v)
{
	return scan_ull(c, v) && (!**c || **c == ' ' || starts(*c, "\\x0a"));
}

/*
 * Mem-Info's own counters, for the whole machine and in pages (the Node
 * lines say each node's in kB, but not its slab): "slab_reclaimable:N
 * slab_unreclaimable:N", on a line of its own or in one record with the
 * rest.  Kernels before 4.13 print a zone's slab in kB on the zone's line:
 * not these (a count of pages has no "kB").
 */
static bool parse_mem_info_slab(struct kmsg_parser *p, const char *s)
{
	const char *c = strstr(s, "slab_reclaimable:");
	unsigned long long r, u;

	if (!c || starts(s, "Node "))
		return false;
	c += strlen("slab_reclaimable:");
	if (!(scan_pages(&c, &r) && skip(&c, " slab_unreclaimable:") && scan_pages(&c, &u)))
		return false;
	if (p->active && !p->emitted && !p->mem_mixed && p->mem_info) {
		p->cur.slab_pages[0] = r;
		p->cur.slab_pages[1] = u;
		p->cur.have |= KMSG_HAVE_SLAB;
	}
	return true;
}

/* "Node 0 DMA32: 3*4kB (U) 1*8kB ...": a zone's free lists, their first order one page */
static void parse_free_lists(struct kmsg_parser *p, const char *c)
{
	unsigned long long n, kb;

	if (p->cur.page_kb || !p->active || p->emitted || p->mem_mixed)
		return;
	if (skip(&c, ": ") && scan_ull(&c, &n) && skip(&c, "*") && scan_ull(&c, &kb) &&
	    starts(c, "kB") && kb >= 4 && kb <= 256 && !(kb & (kb - 1)))
		p->cur.page_kb = (unsigned int)kb;
}

/*
 * The lines of show_mem() that say a node's or a zone's memory.  A report
 * prints one show_mem(): a second "Mem-Info:", or a node or zone printed
 * twice, is another dump's mixed into this report.
 */
static bool parse_show_mem(struct kmsg_parser *p, const char *s, struct event_zone *prev_zone)
{
	const char *c = s, *name;
	unsigned long long node = 0;
	bool numa;
	size_t n;

	if (starts(s, "Mem-Info:")) {
		if (p->active && !p->emitted && p->mem_info)
			mem_mixed(p);
		else if (p->active && !p->emitted)
			p->mem_info = true;
		return true;
	}
	if (skip(&c, "lowmem_reserve[]:")) {
		if (prev_zone && p->active && !p->emitted && !p->mem_mixed)
			parse_lowmem_reserve(prev_zone, c);
		return true;
	}
	if (parse_swap_line(p, s) || parse_mem_info_slab(p, s))
		return true;
	numa = skip(&c, "Node ");
	if (numa && !(scan_ull(&c, &node) && skip(&c, " ") && node <= 0xffff))
		return false;
	if (numa && starts(c, "hugepages_total=")) {
		parse_hugepages(p, c);
		return true;
	}
	if (numa && starts(c, "active_anon:")) {
		if (p->active && !p->emitted && !p->mem_mixed)
			parse_node_counters(p, (unsigned int)node, s);
		return true;
	}
	/* a zone's name, then its free pages; "Node 0 DMA32: 2*4kB ..." is its free lists */
	name = c;
	while ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || is_digit(*c))
		c++;
	n = c - name;
	if (n && starts(c, ": "))
		parse_free_lists(p, c);
	if (!n || n >= sizeof(((struct event_zone *)0)->name) || !starts(c, " free:"))
		return false;
	if (!numa) {
		size_t i = 0;

		while (i < sizeof(zone_names) / sizeof(zone_names[0]) &&
		       (strlen(zone_names[i]) != n || strncmp(zone_names[i], name, n)))
			i++;
		if (i == sizeof(zone_names) / sizeof(zone_names[0]))
			return false;
	}
	if (p->active && !p->emitted && !p->mem_mixed)
		parse_zone(p, (unsigned int)node, name, n, s);
	return true;
}

/*
 * dump_unreclaimable_slab(): "Unreclaimable slab info:", a "Name Used
 * Total" header, then "%-17s %10luKB %10luKB" for each cache, in the
 * kernel's list order.  The largest SLAB_CACHES_MAX by total are kept; a
 * line of any other shape ends the list.
 */
static bool parse_slab_head(struct kmsg_parser *p, const char *s)
{
	if (strcmp(s, "Unreclaimable slab info:"))
		return false;
	p->in_slabs = p->active && !p->emitted && !p->cur.nr_slabs;
	return true;
}

static bool parse_slab_line(struct kmsg_parser *p, const char *s)
{
	struct kmsg_kill *k = &p->cur;
	struct slab_cache sc = { 0 };
	const char *c = s, *name = s;
	size_t n;

	if (starts(s, "Name ") && strstr(s, " Used ") && strstr(s, " Total"))
		return true;
	while (*c && *c != ' ')
		c++;
	n = c - name;
	while (*c == ' ')
		c++;
	if (!n || n >= sizeof(sc.name) || !scan_ull(&c, &sc.used_kb) || !skip(&c, "KB"))
		return false;
	while (*c == ' ')
		c++;
	if (!scan_ull(&c, &sc.total_kb) || strcmp(c, "KB"))
		return false;
	copy_n(sc.name, sizeof(sc.name), name, n);
	slab_caches__keep_largest(k->slabs, &k->nr_slabs, SLAB_CACHES_MAX, &sc);
	return true;
}

static void parse_misc(struct kmsg_parser *p, const char *s)
{
	if (!p->active)
		return;
	if (strstr(s, "due to memory.oom.group set"))
		p->group = true;
	else if (starts(s, "Out of memory and no killable processes"))
		p->no_kill = true;
	else if (!strcmp(s, "Call Trace:") || starts(s, "Call Trace:"))
		p->in_trace = !p->emitted && !(p->cur.have & KMSG_HAVE_STACK);
}

/* One line of log, its prefixes gone. */
static void parse_line(struct kmsg_parser *p, const char *s)
{
	struct event_zone *prev_zone = p->reserve_zone;

	/* a zone's lowmem_reserve[] is the line right after it, or unknown */
	p->reserve_zone = NULL;
	if (p->in_trace && parse_frame(p, s))
		return;
	p->in_trace = false;
	if (p->in_stats && !p->emitted && parse_stat_lines(p, s))
		return;
	p->in_stats = false;
	if (p->in_slabs && parse_slab_line(p, s))
		return;
	p->in_slabs = false;
	if (parse_slab_head(p, s))
		return;
	if (parse_invoked(p, s) || parse_cpu(p, s) || parse_usage(p, s) || parse_oom_kill(p, s) ||
	    parse_task_in(p, s) || parse_memcg_stats(p, s) || parse_kill_choice(p, s) ||
	    parse_killed(p, s) || parse_reaper(p, s) || parse_table_header(p, s) ||
	    parse_table_row(p, s) || parse_show_mem(p, s, prev_zone))
		return;
	parse_misc(p, s);
}

/* ---- a header a mail client broke at a space ---- */

/* Its fields, in the order the kernel prints them (nodemask 4.x, oom_adj 2.6.32 to 3.x). */
static const char *const head_keys[] = {
	"gfp_mask=0x", "nodemask=", "order=", "oom_adj=", "oom_score_adj=",
};

/* An "invoked oom-killer" line that ends in "invoked", "oom-killer:" or a field's ",". */
static bool is_cut_head(const char *s)
{
	const char *at = strstr(s, " invoked oom-killer:");
	size_t n = trimmed_len(s);

	if (!at)
		return n > 8 && n - 8 < KMSG_COMM_LEN && !strncmp(s + n - 8, " invoked", 8);
	return s[n - 1] == ',' || s + n == at + strlen(" invoked oom-killer:");
}

/* Whether s is the rest of the held header: a field it lacks, after all it has. */
static bool continues_head(const struct kmsg_parser *p, const char *s)
{
	const char *fields = strstr(p->held, " invoked oom-killer:");
	int last = -1;

	if (!p->have_held)
		return false;
	if (!fields)
		return starts(s, "oom-killer:");
	for (int i = 0; i < (int)(sizeof(head_keys) / sizeof(head_keys[0])); i++)
		if (strstr(fields, head_keys[i]))
			last = i;
	for (int i = last + 1; i < (int)(sizeof(head_keys) / sizeof(head_keys[0])); i++)
		if (starts(s, head_keys[i]))
			return true;
	return false;
}

static void hold(struct kmsg_parser *p, const char *s)
{
	copy_n(p->held, sizeof(p->held), s, trimmed_len(s));
	p->have_held = true;
	p->held_have_ts = p->have_ts;
	p->held_ts_us = p->ts_us;
}

/* The held header is read at last, whole or not, with its own line's time. */
static void release_held(struct kmsg_parser *p)
{
	bool have_ts = p->have_ts;
	unsigned long long ts_us = p->ts_us;

	if (!p->have_held)
		return;
	p->have_held = false;
	p->have_ts = p->held_have_ts;
	p->ts_us = p->held_ts_us;
	parse_line(p, p->held);
	p->have_ts = have_ts;
	p->ts_us = ts_us;
}

int kmsg_parser__feed(struct kmsg_parser *p, const char *line, size_t len)
{
	char *s;

	/* NUL bytes would hide the rest of the line from the scanners */
	if (len >= sizeof(p->buf))
		len = sizeof(p->buf) - 1;
	for (size_t i = 0; i < len; i++)
		p->buf[i] = line[i] ? line[i] : ' ';
	p->buf[len] = '\0';
	len = strcspn(p->buf, "\r\n");
	p->buf[len] = '\0';
	p->have_ts = false;
	s = strip_prefixes(p, p->buf);

	/*
	 * Only a line that cannot be the end of a header is held, so a log
	 * read live, whose records are whole, never waits for the next.
	 */
	if (continues_head(p, s)) {
		size_t n = strlen(p->held);

		snprintf(p->held + n, sizeof(p->held) - n, " %.*s", (int)trimmed_len(s), s);
		if (!is_cut_head(p->held))
			release_held(p);
		return p->q_len;
	}
	release_held(p);
	if (is_cut_head(s))
		hold(p, s);
	else
		parse_line(p, s);
	return p->q_len;
}

int kmsg_parser__finish(struct kmsg_parser *p)
{
	release_held(p);
	flush_cut_off(p);
	p->active = false;
	return p->q_len;
}
