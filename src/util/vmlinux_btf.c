// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include "vmlinux_btf.h"

#define SYSFS_BTF "/sys/kernel/btf/vmlinux"

/* The sysfs file mapped and copied once: NULL when the kernel maps it not (before 6.16). */
static struct btf *load_mapped(void)
{
	struct btf *btf = NULL;
	struct stat st;
	void *data;
	int fd = open(SYSFS_BTF, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return NULL;
	btf = btf__new(data, st.st_size);
	munmap(data, st.st_size);
	return btf;
}

/* a BTF loaded already, for the next load to take: see vmlinux_btf__keep() */
static struct btf *kept;

void vmlinux_btf__keep(struct btf *btf)
{
	btf__free(kept);
	kept = btf;
}

void vmlinux_btf__drop_kept(void)
{
	vmlinux_btf__keep(NULL);
}

struct btf *vmlinux_btf__load(void)
{
	/* where libbpf 1.1 looks, after sysfs: %1$s is the release */
	static const char *const on_disk[] = {
		"/boot/vmlinux-%1$s",
		"/lib/modules/%1$s/vmlinux-%1$s",
		"/lib/modules/%1$s/build/vmlinux",
		"/usr/lib/modules/%1$s/kernel/vmlinux",
		"/usr/lib/debug/boot/vmlinux-%1$s",
		"/usr/lib/debug/boot/vmlinux-%1$s.debug",
		"/usr/lib/debug/lib/modules/%1$s/vmlinux",
	};
	char path[PATH_MAX];
	struct utsname u;
	struct btf *btf = kept;

	if (btf) {
		kept = NULL; /* the caller owns it now */
		return btf;
	}
	btf = load_mapped();

	if (btf)
		return btf;
	if (!access(SYSFS_BTF, R_OK))
		return btf__parse_raw(SYSFS_BTF);
	if (uname(&u))
		return NULL;
	for (size_t i = 0; i < sizeof(on_disk) / sizeof(on_disk[0]); i++) {
		snprintf(path, sizeof(path), on_disk[i], u.release);
		if (access(path, R_OK))
			continue;
		btf = btf__parse(path, NULL);
		if (btf)
			return btf;
	}
	errno = ESRCH;
	return NULL;
}

/* The static binary's libbpf calls this instead of its own (-Wl,--wrap=). */
struct btf *__wrap_btf__load_vmlinux_btf(void);
struct btf *__wrap_btf__load_vmlinux_btf(void)
{
	return vmlinux_btf__load();
}
