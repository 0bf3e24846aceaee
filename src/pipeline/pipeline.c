// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <string.h>
#include "color.h"
#include "exporter.h"
#include "host.h"
#include "outfile.h"
#include "pipeline.h"
#include "reconcile.h"
#include "record.h"
#include "stats.h"

void pipeline__init(struct pipeline *p, FILE *out, const struct options *opts)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->fmt.json = opts->json;
	p->fmt.color = color__for(opts->color, opts->json, out);
	p->stall_ms = opts->reclaim_stalls_ms;
}

void pipeline__new_session(struct pipeline *p)
{
	p->have_last_event = false;
}

int pipeline__flush(struct pipeline *p)
{
	if (!p->write_err && p->out) /* the first failure is the one to tell */
		p->write_err = outfile__flush(p->out);
	return p->write_err;
}

/*
 * The kernel counts a kill in the victim's memcg.  A source that could not
 * name it (a memory.oom.group member in the kernel log has no memcg line)
 * counts it somewhere under the OOM memcg.
 */
static void count_kill(struct pipeline *p, const struct oom_event *ev)
{
	bool kill = !ev->already_exiting;

	if (kill) {
		p->kills++;
		stats__add_kill(p->stats, event__memcg_label(ev));
	} else {
		p->already_exiting++;
	}
	if (!p->rc)
		return;
	if (!ev->cgroup_path[0] && event__has(ev, EV_MEMCG))
		reconcile__record_within(p->rc, ev->memcg.path, host__monotonic_ns());
	else
		reconcile__record(p->rc, ev->cgroup_path, kill, host__monotonic_ns());
}

/* How --record stamps a frame: the wall-clock time (zero: not known), the drops so far. */
static struct record_ctx record_ctx_of(const struct timespec *when, unsigned long long dropped)
{
	return (struct record_ctx){ when ? *when : (struct timespec){ 0 }, dropped };
}

int pipeline__kill(struct pipeline *p, struct oom_event *ev, const struct kill_arrival *a)
{
	struct record_ctx c = record_ctx_of(a->when, a->dropped);
	int err = 0;

	if (p->enrich)
		aftermath__read(ev, p->cgroups, p->host, p->weigher, a->marked, a->rank_budget_ns);
	/* a memory.oom.group kill's later victims follow its first, with its event id */
	ev->later_in_event = p->have_last_event && p->last_event_id == ev->event_id;
	p->last_event_id = ev->event_id;
	p->have_last_event = true;
	if (p->rec && a->raw)
		err = recorder__kill(p->rec, a->raw, ev, a->ksyms, &c);
	count_kill(p, ev);
	if (p->out && !p->quiet)
		output__kill(p->out, &p->fmt, ev, a->when, a->dropped);
	exporter__kill(p->exporter, ev);
	if (err || !p->flush_each)
		return err;
	return pipeline__flush(p);
}

int pipeline__stall(struct pipeline *p, const struct stall_event *ev,
		    const struct stall_arrival *a)
{
	int err = 0;

	if (p->rec && a->raw) {
		struct record_ctx c = record_ctx_of(a->when, a->dropped);

		err = recorder__stall(p->rec, a->raw, ev->memcg, a->ksyms, &c);
	}
	if (err || !p->out || p->quiet || p->stall_ms < 0 ||
	    ev->stall_ns < (unsigned long long)p->stall_ms * 1000000ULL)
		return err;
	output__stall(p->out, &p->fmt, ev, a->when, a->dropped);
	if (!p->flush_each)
		return 0;
	return pipeline__flush(p);
}

int pipeline__reaped(struct pipeline *p, const struct reap_event *ev,
		     const struct reap_arrival *a)
{
	int err = 0;

	if (p->rec && (a->raw || a->late)) {
		struct record_ctx c = record_ctx_of(a->when, a->dropped);

		err = a->raw ? recorder__reaped(p->rec, a->raw, &c)
			     : recorder__not_gone(p->rec, ev->tid, a->late, ev->ktime_ns, ev->state, &c);
	}
	exporter__reaped(p->exporter, ev);
	if (p->out && !p->quiet)
		output__reaped(p->out, &p->fmt, ev, a->when, a->dropped);
	if (err || !p->flush_each)
		return err;
	return pipeline__flush(p);
}
