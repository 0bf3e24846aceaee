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

/*
 * Give a BTF that vmlinux_btf__load() returned to the next call, which
 * takes it as its own: libbpf's, inside bpf_object__load(), which frees it.
 * Parsing the kernel's BTF once rather than twice saves about 6 ms of
 * startup.  vmlinux_btf__drop_kept() frees one that no load took.
 */
void vmlinux_btf__keep(struct btf *btf);
void vmlinux_btf__drop_kept(void);

#endif
