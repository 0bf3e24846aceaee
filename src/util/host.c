// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include "host.h"

bool host__read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
	return true;
}

/* /sys/devices/system/node/online reads "0" on a single-node machine. */
static int read_single_node(void)
{
	char buf[64] = "";

	if (!host__read_line("/sys/devices/system/node/online", buf, sizeof(buf)))
		return 1; /* no NUMA support built in */
	return !strcmp(buf, "0\n");
}

/* /sys/devices/system/node/possible: "0-1023", "0"; its last id + 1, 0 unknown. */
static int read_possible_nodes(void)
{
	char buf[256] = "";
	const char *last;
	int id;

	if (!host__read_line("/sys/devices/system/node/possible", buf, sizeof(buf)))
		return 0;
	last = strrchr(buf, '-');
	if (!last || strrchr(buf, ',') > last)
		last = strrchr(buf, ',');
	last = last ? last + 1 : buf;
	return sscanf(last, "%d", &id) == 1 && id >= 0 ? id + 1 : 0;
}

static long long read_sysctl(const char *name)
{
	char path[128], buf[64];
	long long v;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	if (!host__read_line(path, buf, sizeof(buf)) || sscanf(buf, "%lld", &v) != 1)
		return -1;
	return v;
}

void host__read_vm_settings(struct vm_settings *vm)
{
	vm->overcommit_memory = read_sysctl("overcommit_memory");
	vm->overcommit_ratio = read_sysctl("overcommit_ratio");
	vm->overcommit_kbytes = read_sysctl("overcommit_kbytes");
	vm->oom_kill_allocating_task = read_sysctl("oom_kill_allocating_task");
	vm->panic_on_oom = read_sysctl("panic_on_oom");
	vm->oom_dump_tasks = read_sysctl("oom_dump_tasks");
}

void host__read_commit(long long *committed_as_kb, long long *commit_limit_kb)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	long long v;

	*committed_as_kb = *commit_limit_kb = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Committed_AS: %lld kB", &v) == 1)
			*committed_as_kb = v;
		else if (sscanf(line, "CommitLimit: %lld kB", &v) == 1)
			*commit_limit_kb = v;
	}
	fclose(f);
}

/* A hugetlb pool's pages: nr_hugepages and free_hugepages; -1 unread. */
static long long pool_pages(const char *pool, const char *file)
{
	char path[512], line[64];
	long long v;

	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%s/%s", pool, file);
	if (!host__read_line(path, line, sizeof(line)) || sscanf(line, "%lld", &v) != 1)
		return -1;
	return v;
}

void host__read_swap_hugetlb(struct swap_hugetlb *sh)
{
	FILE *f = fopen("/proc/meminfo", "re");
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *de;
	char line[256];
	long long v;

	sh->swap_total_kb = sh->swap_free_kb = sh->hugetlb_total_kb = sh->hugetlb_free_kb = -1;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "SwapTotal: %lld kB", &v) == 1)
			sh->swap_total_kb = v;
		else if (sscanf(line, "SwapFree: %lld kB", &v) == 1)
			sh->swap_free_kb = v;
	}
	if (f)
		fclose(f);
	/* one directory per page size, hugepages-2048kB: a kernel without hugetlb has none */
	if (!d)
		return;
	sh->hugetlb_total_kb = sh->hugetlb_free_kb = 0;
	while ((de = readdir(d))) {
		long long size_kb, total, free;

		if (sscanf(de->d_name, "hugepages-%lldkB", &size_kb) != 1)
			continue;
		total = pool_pages(de->d_name, "nr_hugepages");
		free = pool_pages(de->d_name, "free_hugepages");
		if (total < 0 || free < 0) {
			sh->hugetlb_total_kb = sh->hugetlb_free_kb = -1;
			break;
		}
		sh->hugetlb_total_kb += total * size_kb;
		sh->hugetlb_free_kb += free * size_kb;
	}
	closedir(d);
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
	h->possible_nodes = read_possible_nodes();
	host__read_vm_settings(&h->vm);
	return 0;
}

struct timespec host__realtime_of(unsigned long long ktime_ns)
{
	struct timespec mono, real, ts;
	long long delta;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	delta = (long long)mono.tv_sec * 1000000000LL + mono.tv_nsec - (long long)ktime_ns;
	delta = (long long)real.tv_sec * 1000000000LL + real.tv_nsec - delta;
	ts.tv_sec = delta / 1000000000LL;
	ts.tv_nsec = delta % 1000000000LL;
	return ts;
}

/* capability numbers, for headers older than 5.8 */
#define OOMT_CAP_SYS_ADMIN 21
#define OOMT_CAP_PERFMON   38
#define OOMT_CAP_BPF	   39

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

bool host__has_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return true; /* cannot tell: let the call that needs it say */
	return has_cap(data, cap);
}

bool host__can_trace(void)
{
	return host__has_cap(OOMT_CAP_SYS_ADMIN) ||
	       (host__has_cap(OOMT_CAP_BPF) && host__has_cap(OOMT_CAP_PERFMON));
}

unsigned long long host__monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}
