// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fallback.h"
#include "host.h"

/* lockdown=confidentiality keeps BPF from reading kernel memory */
static bool locked_down(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strstr(buf, "[confidentiality]") != NULL;
}

const char *fallback__why_not_bpf(const struct options *opts, int *exit_code)
{
	*exit_code = EXIT_NO_PRIVILEGE;
	if (!host__can_trace())
		return "not privileged to load BPF (needs CAP_BPF and CAP_PERFMON, or "
		       "CAP_SYS_ADMIN)";
	*exit_code = EXIT_FAILURE_RUNTIME;
	if (locked_down())
		return "the kernel is locked down (lockdown=confidentiality)";
	/* a --btf FILE that will not do is the user's to fix: the tracer says so */
	*exit_code = EXIT_NO_BTF;
	if (!opts->btf && access("/sys/kernel/btf/vmlinux", R_OK))
		return "no kernel BTF (/sys/kernel/btf/vmlinux)";
	return NULL;
}

bool fallback__after_failure(const struct options *opts, int exit_code)
{
	/* not a refused --output, a bad option or a bad --btf: the user's to fix */
	return (exit_code == EXIT_NO_BTF && !opts->btf) || exit_code == EXIT_NO_PRIVILEGE ||
	       exit_code == EXIT_NO_HOOK;
}
