#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# One real kill traced by oomtrace running under valgrind's memcheck: no
# invalid access, no definite leak, the record right.
. "$(dirname "$0")/../e2e/lib.sh"

need_root_and_bpf
command -v valgrind >/dev/null || skip_all "valgrind is not installed"
find_memcg || skip_all "no writable memory cgroup for this process"
make_memcg oomtrace-vg-$$ 64 || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR

valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--suppressions="$(dirname "$0")/valgrind.supp" \
	--log-file="${VALGRIND_LOG:-$WORK/valgrind.log}" "$OOMTRACE" --json --reclaim-stalls 0 \
	>"$WORK/vg.out" 2>"$WORK/vg.err" &
VG=$!
PIDS="$PIDS $VG"
for _ in $(seq 600); do grep -q '^Tracing' "$WORK/vg.err" && break; sleep 0.1; done
grep -q '^Tracing' "$WORK/vg.err"
ok $? "oomtrace starts under valgrind"
run_trigger "$CG"
P=$TRIGGER_PID
check "the kill record arrives" wait_for "$WORK/vg.out" ".type == \"oom_kill\" and .victim.pid == $P"
check "its exit too" wait_for "$WORK/vg.out" ".type == \"oom_reaped\" and .victim.pid == $P"
kill -INT "$VG"
wait "$VG"
RC=$?
ok $((RC != 0)) "exits 0 under valgrind (rc $RC; 99 would be an error found)"
VLOG=${VALGRIND_LOG:-$WORK/valgrind.log}
grep -q "ERROR SUMMARY: 0 errors" "$VLOG"
ok $? "memcheck: $(grep -o 'ERROR SUMMARY: [0-9]* errors' "$VLOG")"
grep "definitely lost\|ERROR SUMMARY" "$VLOG" | diag
[ "$RC" -eq 0 ] || tail -40 "$VLOG" | diag

done_testing
