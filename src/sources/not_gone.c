// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "decode.h"
#include "not_gone.h"
#include "procs.h"

/* a victim told of, by its thread and its kill: a thread id is reused, a kill time is not */
struct told {
	__u32 tid;
	__u64 kill_ns;
};

struct not_gone {
	char proc_root[256];
	struct told *told, *kept; /* NOT_GONE_MAX each: kept is the next scan's told */
	size_t nr_told;
	struct victim_entry *entries; /* NOT_GONE_MAX: the map as a scan read it */
};

struct not_gone *not_gone__new(const char *proc_root)
{
	struct not_gone *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	snprintf(w->proc_root, sizeof(w->proc_root), "%s", proc_root);
	/* allocated whole at the start: a scan during an OOM allocates nothing */
	w->told = calloc(NOT_GONE_MAX, sizeof(*w->told));
	w->kept = calloc(NOT_GONE_MAX, sizeof(*w->kept));
	w->entries = calloc(NOT_GONE_MAX, sizeof(*w->entries));
	if (!w->told || !w->kept || !w->entries) {
		not_gone__free(w);
		return NULL;
	}
	return w;
}

void not_gone__free(struct not_gone *w)
{
	if (!w)
		return;
	free(w->told);
	free(w->kept);
	free(w->entries);
	free(w);
}

/* The victims map (its fd) into entries, at most max: how many. */
static size_t read_map(int fd, struct victim_entry *entries, size_t max)
{
	__u32 key, next;
	size_t n = 0;
	bool first = true;

	while (n < max && !bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		/* gone between the two calls: its exit record tells of it */
		if (bpf_map_lookup_elem(fd, &key, &entries[n].v))
			continue;
		entries[n++].tid = key;
	}
	return n;
}

static bool in_told(const struct told *list, size_t n, const struct victim_entry *e)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].tid == e->tid && list[i].kill_ns == e->v.kill_ns)
			return true;
	return false;
}

/* CLOCK_BOOTTIME less CLOCK_MONOTONIC: /proc's start times count from boot */
static unsigned long long boot_offset_ns(void)
{
	struct timespec b, m;

	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return (b.tv_sec - m.tv_sec) * 1000000000ULL + b.tv_nsec - m.tv_nsec;
}

/*
 * The victim's /proc state letter, when /proc has it and it is the same
 * task: started no later than its kill (to a clock tick).  false: gone.
 */
static bool still_there(const struct not_gone *w, const struct victim_entry *e,
			unsigned long long boot_off, char *state)
{
	char path[320], buf[1024];
	unsigned long long start_ticks, tick_ns = 1000000000ULL / sysconf(_SC_CLK_TCK);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%u/stat", w->proc_root, e->tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!procs__parse_state_start(buf, state, &start_ticks))
		return false;
	return start_ticks * tick_ns <= e->v.kill_ns + boot_off + tick_ns;
}

int not_gone__check(struct not_gone *w, const struct victim_entry *entries, size_t n,
		    unsigned long long now_ns,
		    int (*tell)(void *ctx, const struct reap_event *ev, const struct victim_state *v),
		    void *ctx)
{
	unsigned long long boot_off = boot_offset_ns();
	size_t kept = 0;
	struct told *swap;
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		const struct victim_entry *e = &entries[i];
		struct reap_event ev;
		char state;

		if (e->v.kill_ns > now_ns || now_ns - e->v.kill_ns < NOT_GONE_NS)
			continue;
		/*
		 * Told, or looked at and gone: kept, so that /proc is read once
		 * for each.  A map walked while entries go may yield one twice.
		 */
		if (in_told(w->kept, kept, e))
			continue;
		if (kept < NOT_GONE_MAX)
			w->kept[kept++] = (struct told){ e->tid, e->v.kill_ns };
		if (err || in_told(w->told, w->nr_told, e) || !still_there(w, e, boot_off, &state))
			continue;
		decode__not_gone(&ev, e->tid, &e->v, now_ns, state);
		err = tell(ctx, &ev, &e->v);
	}
	/* those no longer in the map have exited: forgotten */
	swap = w->told;
	w->told = w->kept;
	w->kept = swap;
	w->nr_told = kept;
	return err;
}

int not_gone__scan(struct not_gone *w, int map_fd, unsigned long long now_ns,
		   int (*tell)(void *ctx, const struct reap_event *ev, const struct victim_state *v),
		   void *ctx)
{
	size_t n = read_map(map_fd, w->entries, NOT_GONE_MAX);

	return not_gone__check(w, w->entries, n, now_ns, tell, ctx);
}
