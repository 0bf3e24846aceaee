// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysinfo.h>
#include "host.h"

/* /sys/devices/system/node/online reads "0" on a single-node machine. */
static int read_single_node(void)
{
	FILE *f = fopen("/sys/devices/system/node/online", "re");
	char buf[64] = "";
	int single;

	if (!f)
		return 1; /* no NUMA support built in */
	single = fgets(buf, sizeof(buf), f) && !strcmp(buf, "0\n");
	fclose(f);
	return single;
}

int host__read(struct host_info *h)
{
	struct sysinfo si;
	long ps = sysconf(_SC_PAGESIZE);

	if (ps <= 0 || sysinfo(&si))
		return -errno;
	h->page_size = ps;
	/* sysinfo reports totalram_pages() and total_swap_pages in mem_units */
	h->totalram_pages = (unsigned long)((unsigned long long)si.totalram * si.mem_unit / ps);
	h->total_swap_pages = (unsigned long)((unsigned long long)si.totalswap * si.mem_unit / ps);
	h->single_node = read_single_node();
	return 0;
}
