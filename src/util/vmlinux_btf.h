/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The running kernel's BTF, loaded at half the memory libbpf 1.1 takes.
 * libbpf reads /sys/kernel/btf/vmlinux (5.5 MB on 6.x) into a buffer and
 * copies it into the struct btf: two copies at once, most of oomtrace's
 * peak RSS.  From 6.16 the kernel lets the file be mapped, straight onto
 * the kernel's own pages, which count in no process's RSS: the struct
 * btf's copy is then the only one.  libbpf's own load of it (in
 * bpf_object__load()) comes here too: the static binary links with
 * --wrap=btf__load_vmlinux_btf, the dynamic one with
 * vmlinux_btf_interpose.c, whose btf__load_vmlinux_btf() takes the place
 * of libbpf.so's.
 */
#ifndef __OOMTRACE_VMLINUX_BTF_H
#define __OOMTRACE_VMLINUX_BTF_H

struct btf;

/*
 * The kernel's BTF: mapped where the kernel allows it, else read as
 * libbpf reads it (sysfs, then the vmlinux files on disk).  NULL and
 * errno when there is none.
 */
struct btf *vmlinux_btf__load(void);

#endif
