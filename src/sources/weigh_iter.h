/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The next victims' badness parts from the kernel itself: the rank_tasks
 * task iterator (bpf/rank.bpf.c), run once per OOM event, in place of two
 * /proc files per process.
 */
#ifndef __OOMTRACE_WEIGH_ITER_H
#define __OOMTRACE_WEIGH_ITER_H

#include "procs.h"

struct oomtrace_bpf;

/*
 * A weigher that runs skel's iterator; false (and w untouched) when the
 * iterator did not load or attach on this kernel: /proc is read then.
 */
bool weigh_iter__init(struct procs_weigher *w, struct oomtrace_bpf *skel, unsigned long page_size);

#endif
