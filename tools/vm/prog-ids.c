// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Print the id of every BPF program loaded in the kernel, one a line: the
 * guest has no bpftool, and the matrix checks that oomtrace leaves none.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

int main(void)
{
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id))
		printf("%u\n", id);
	if (errno != ENOENT) {
		fprintf(stderr, "prog-ids: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
