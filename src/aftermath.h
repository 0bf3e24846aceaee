/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a kill record cannot carry, read live within milliseconds of the
 * kill: the OOM memcg's cgroupfs state and who is next in its domain.
 */
#ifndef __OOMTRACE_AFTERMATH_H
#define __OOMTRACE_AFTERMATH_H

#include "host.h"
#include "report.h"

struct cgroups;

/* Fill r->state and r->next (to be freed); cg may be NULL. */
void aftermath__read(struct kill_report *r, struct cgroups *cg, const struct host_info *host);

#endif
