#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A short soak (SOAK_SECONDS, 30 by default; tools/soak.sh 600 is the long
# one): RSS and fds stay flat through cgroup churn, records stay right.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
[ -z "${ASAN_OPTIONS:-}" ] || skip_all "under ASan the RSS is ASan's quarantine, not oomtrace's"
find_memcg || skip_all "no writable memory cgroup for this process"
"$TOP/tools/soak.sh" "${SOAK_SECONDS:-30}" "$OOMTRACE" >"$WORK/soak.out" 2>&1
RC=$?
diag <"$WORK/soak.out"
ok $RC "$(grep '^soak:' "$WORK/soak.out" | tr '\n' ' ')"
done_testing
