// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Linked into the dynamic binary only: libbpf.so calls
 * btf__load_vmlinux_btf() through its PLT, so this definition takes the
 * place of its own (vmlinux_btf.h says why).  The static binary gets the
 * same with -Wl,--wrap=btf__load_vmlinux_btf.
 */
#include <bpf/btf.h>
#include "vmlinux_btf.h"

struct btf *btf__load_vmlinux_btf(void)
{
	return vmlinux_btf__load();
}
