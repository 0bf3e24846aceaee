// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "aftermath.h"
#include "cgpath.h"
#include "cgroups.h"
#include "procs.h"
#include "slab_caches.h"

/* how many next victims a kill record names */
#define NEXT_VICTIMS 3
/* marked victims left out by pid, at most: the BPF victims map holds 4096 */
#define MAX_SKIP 4097
/* the ranking's limit: /proc is read for no more CPU time than this per OOM event */
#define RANK_BUDGET_NS (1000 * 1000000LL)
/* a later record of the same OOM event picks from its ranking within this long */
#define REUSE_NS (1000 * 1000000LL)

/* A marked thread and its process, as resolved once per OOM event. */
struct tid_tgid {
	unsigned int tid;
	int tgid;
};

/*
 * The last OOM event's ranking, for its later records (a memory.oom.group
 * kill writes one per member): they pick from it with their own skip list.
 */
static struct {
	unsigned long long event_id; /* 0: nothing kept */
	char memcg[EVENT_PATH_LEN];
	bool have_memcg;
	unsigned long totalpages;
	long long ranked_ns;
	bool truncated;
	unsigned int cut_short;
	unsigned int ranked_from; /* enum rank_source */
	struct procs_ranking rk;
	struct tid_tgid tgids[MAX_SKIP]; /* sorted by tid */
	size_t nr_tgids;
} last;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_tid(const void *a, const void *b)
{
	const struct tid_tgid *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* tid's process: read from /proc once per event, however many records name it */
static int tgid_of(unsigned int tid, size_t sorted)
{
	struct tid_tgid key = { .tid = tid }, *e;

	e = sorted ? bsearch(&key, last.tgids, sorted, sizeof(key), cmp_tid) : NULL;
	if (e)
		return e->tgid;
	key.tgid = procs__tgid((int)tid);
	if (last.nr_tgids < MAX_SKIP)
		last.tgids[last.nr_tgids++] = key;
	return key.tgid;
}

/* The victim's pid, and the processes of the threads the kernel marked. */
static size_t skip_list(const struct oom_event *ev, const struct marked_tids *marked, int *skip)
{
	size_t n = 0, sorted = last.nr_tgids;

	skip[n++] = (int)ev->victim.pid;
	for (size_t i = 0; marked && i < marked->nr && n < MAX_SKIP; i++) {
		int known = marked->tgids ? marked->tgids[i] : 0;
		int tgid = known > 0 ? known : tgid_of(marked->tids[i], sorted);

		/* gone already, or the kill's own victim: nothing to leave out */
		if (tgid > 0 && tgid != skip[0])
			skip[n++] = tgid;
	}
	qsort(last.tgids, last.nr_tgids, sizeof(*last.tgids), cmp_tid);
	return n;
}

/* Is this record one more of the OOM event last ranked, in the same domain? */
static bool same_event(const struct oom_event *ev, unsigned long totalpages, long long now)
{
	bool memcg = event__has(ev, EV_MEMCG);

	return last.event_id && ev->event_id == last.event_id && last.have_memcg == memcg &&
	       last.totalpages == totalpages && (!memcg || !strcmp(last.memcg, ev->memcg.path)) &&
	       now - last.ranked_ns < REUSE_NS;
}

static void forget_event(void)
{
	last.event_id = 0;
	last.nr_tgids = 0;
	last.rk.cnt = 0;
	last.truncated = false;
	last.cut_short = 0;
}

/*
 * The weigher filters by the memcg's cgroup id, which is its directory's
 * inode, at the level of its path; false when it cannot be used for dir.
 */
static bool use_weigher(struct procs_query *q, const struct procs_weigher *w, const char *dir,
			const char *path)
{
	int level = dir ? cgpath__level(path) : 0;
	struct stat st;

	if (!w || level < 0 || (dir && stat(dir, &st)))
		return false;
	q->weigher = w;
	q->memcg_id = dir ? (unsigned long long)st.st_ino : 0;
	q->memcg_level = level;
	return true;
}

/* The OOM domain's processes weighed, into last: 0, or -1 when there is none to rank. */
static int rank_event(const struct oom_event *ev, struct procs_query *q, const char *dir,
		      const struct procs_weigher *w, struct event_enrichment *am)
{
	long long t0 = now_ns();
	int *pids = NULL;
	size_t nr = 0;
	bool trunc = false;
	int err = -1;
	static const int none[1];

	if (use_weigher(q, w, dir, ev->memcg.path)) {
		size_t small = dir && w->max_pids ? w->max_pids(w->ctx) : 0, nr_small = 0;
		bool more = false;
		/*
		 * A small memcg's processes weighed one by one, not the node's
		 * every task; one left with none has none to weigh.
		 */
		int *listed = small ? procs__in_cgroup(dir, small, &nr_small, &more) : NULL;

		if (small && !more) {
			q->pids = listed ? listed : none;
			q->nr_pids = nr_small;
		}
		err = procs__weigh(q, &last.rk);
		q->weigher = NULL; /* failed: /proc below */
		q->pids = NULL;
		q->nr_pids = 0;
		free(listed);
	}
	last.ranked_from = err ? RANKED_PROC : RANKED_ITER;
	if (!err)
		goto ranked;
	if (dir) {
		t0 = now_ns();
		pids = procs__in_cgroup(dir, PROCS_MAX_SCAN, &nr, &trunc);
		am->step_ns[ENRICH_PIDS] = now_ns() - t0;
		if (trunc)
			last.cut_short |= 1u << ENRICH_PIDS;
		last.truncated |= trunc;
		if (!pids)
			return -1;
	}
	q->pids = pids;
	q->nr_pids = nr;
	t0 = now_ns();
	err = procs__weigh(q, &last.rk);
	free(pids);
	if (err)
		return -1;
ranked:
	if (last.rk.truncated)
		last.cut_short |= 1u << ENRICH_RANK;
	last.truncated |= last.rk.truncated;
	am->step_ns[ENRICH_RANK] = now_ns() - t0;
	last.event_id = ev->event_id;
	last.have_memcg = event__has(ev, EV_MEMCG);
	snprintf(last.memcg, sizeof(last.memcg), "%s", last.have_memcg ? ev->memcg.path : "");
	last.totalpages = q->totalpages;
	last.ranked_ns = now_ns();
	return 0;
}

#define SLABINFO_MAX (1 << 20) /* /proc/slabinfo holds a few hundred lines */

/*
 * When unreclaimable slab outweighs the LRUs, the largest unreclaimable
 * caches, as the kernel's report lists them: read at arrival.
 */
static void read_slabs(struct oom_event *ev)
{
	char *text;
	size_t n;
	FILE *f;
	int nr;

	if (event__has(ev, EV_MEMCG) || !event__slab_over_lru(ev))
		return;
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return;
	text = malloc(SLABINFO_MAX);
	if (!text) {
		fclose(f);
		return;
	}
	n = fread(text, 1, SLABINFO_MAX - 1, f);
	fclose(f);
	text[n] = '\0';
	nr = slab_caches__unreclaimable(text, "/sys/kernel/slab", ev->slabs, SLAB_CACHES_MAX);
	free(text);
	if (nr > 0) {
		ev->nr_slabs = nr;
		ev->slabs_read = "at_arrival";
		ev->known |= EV_SLABS;
	}
}

void aftermath__read(struct oom_event *ev, struct cgroups *cg, const struct host_info *host,
		     const struct procs_weigher *weigher, const struct marked_tids *marked,
		     long long budget_ns)
{
	static int skip[MAX_SKIP];
	struct event_enrichment *am = &ev->enrich;
	char dir[8192];
	const char *scan_dir = NULL;
	size_t n, nr_skip;
	struct proc_info *ranked;
	long long t0 = now_ns();
	struct procs_query q = {
		.totalpages = event__has(ev, EV_TOTALPAGES)
				  ? ev->totalpages
				  : host->totalram_pages + host->total_swap_pages,
		.page_size = host->page_size,
		.max = NEXT_VICTIMS,
		.skip = skip,
		.budget_ns = budget_ns > 0 && budget_ns < RANK_BUDGET_NS ? budget_ns : RANK_BUDGET_NS,
	};

	event__clear_next(ev);
	memset(am, 0, sizeof(*am));
	ev->known |= EV_NEXT | EV_ENRICHED; /* looked for: none found is an empty list */
	ev->vm.settings = host->vm;
	host__read_commit(&ev->vm.committed_as_kb, &ev->vm.commit_limit_kb);
	host__read_swap_hugetlb(&ev->swap_hugetlb.kb);
	ev->swap_hugetlb.read = "at_arrival";
	ev->known |= EV_HOST_VM;
	read_slabs(ev);
	if (event__has(ev, EV_MEMCG) && cg) {
		if (cgroups__dir(cg, ev->memcg.path, dir, sizeof(dir)) < 0)
			return;
		/* the kernel log's memory.stat is the one at the kill: kept */
		if (!ev->memcg.state_from_log &&
		    !memcg_state__read(dir, cgroups__version(cg), &ev->memcg.state))
			ev->known |= EV_MEMCG_STATE;
		am->step_ns[ENRICH_STATE] = now_ns() - t0;
		scan_dir = dir;
	}
	if (same_event(ev, q.totalpages, now_ns())) {
		am->next_cached = true;
	} else {
		forget_event();
		/* the victim left out: it may still be exiting */
		q.nr_skip = skip_list(ev, marked, skip);
		if (rank_event(ev, &q, scan_dir, weigher, am)) {
			ev->next_truncated = last.truncated;
			am->cut_short = last.cut_short;
			forget_event();
			return;
		}
	}
	t0 = now_ns();
	nr_skip = am->next_cached ? skip_list(ev, marked, skip) : q.nr_skip;
	/* a kill record names no oom_score or memcg of its next victims: not read */
	ranked = procs__pick(&last.rk, skip, nr_skip, NEXT_VICTIMS, 0, &n);
	am->step_ns[ENRICH_RANK] += now_ns() - t0;
	ev->next_truncated = last.truncated;
	am->cut_short = last.cut_short;
	am->ranked_from = last.ranked_from;
	am->rss_summed = !last.truncated;
	for (size_t i = 0; i < last.rk.cnt && !last.truncated; i++) {
		const struct procs_cand *c = &last.rk.cands[i];

		am->ranked_rss_kb += c->rss_anon_kb + c->rss_file_kb + c->rss_shmem_kb;
		am->ranked_procs++;
	}
	if (!ranked)
		return;
	ev->next = ranked;
	ev->nr_next = n;
}
