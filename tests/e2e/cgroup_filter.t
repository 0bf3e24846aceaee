#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --cgroup filters in the kernel: two sibling memcgs under a test parent
# both OOM; --cgroup on one reports only its kills, --cgroup on the parent
# (given as an absolute path under the mount) reports both.  Bad --cgroup
# values are refused before anything is loaded.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"

PARENT_NAME=oomtrace-e2e-f-$$
make_memcg "$PARENT_NAME" 512 || skip_all "cannot create a child memory cgroup"
PARENT=$MEMCG_DIR
[ "$CG_VERSION" = 2 ] && echo +memory >"$PARENT/cgroup.subtree_control"
make_memcg a 64 "$PARENT" && A=$MEMCG_DIR && make_memcg b 64 "$PARENT" && B=$MEMCG_DIR ||
	skip_all "cannot create nested memory cgroups"

check "--cgroup on sibling a (kernel's form) starts" start_oomtrace only_a --json --cgroup "$CG_REL/$PARENT_NAME/a"
check "--cgroup on the parent (absolute path) starts" start_oomtrace parent --json --cgroup "$PARENT"
run_trigger "$A"
PA=$TRIGGER_PID
run_trigger "$B"
PB=$TRIGGER_PID
ok $((TRIGGER_RC != 137)) "both triggers were killed (a: $PA, b: $PB)"
check "the parent's instance sees a's kill" wait_for "$WORK/parent.out" ".type == \"oom_kill\" and .victim.pid == $PA"
check "the parent's instance sees b's kill" wait_for "$WORK/parent.out" ".type == \"oom_kill\" and .victim.pid == $PB"
check "a's instance sees a's kill" wait_for "$WORK/only_a.out" ".type == \"oom_kill\" and .victim.pid == $PA"
kill -INT "$PID_only_a" "$PID_parent"
wait "$PID_only_a"
ok $? "a's instance exits 0"
wait "$PID_parent"
N=$(jq -s "map(select(.type == \"oom_kill\" and .victim.pid == $PB)) | length" "$WORK/only_a.out")
ok $((N != 0)) "a's instance reports nothing of b's kill ($N)"
N=$(jq -s "map(select(.type == \"oom_kill\" or .type == \"oom_reaped\")) | map(.victim.pid) | unique | length" "$WORK/only_a.out")
ok $((N != 1)) "a's instance reports one victim in all ($N)"
N=$(jq -s "map(select(.type == \"oom_kill\")) | map(.memcg.path) | unique" "$WORK/parent.out")
[ "$N" = "$(jq -n --arg a "$CG_REL/$PARENT_NAME/a" --arg b "$CG_REL/$PARENT_NAME/b" '[$a, $b]')" ]
ok $? "the parent's instance names both memcgs: $(echo $N)"

expect_refused() { # DESC PATTERN ARGS...: exit 2, said, nothing attached
	local desc=$1 pat=$2
	shift 2
	expect "$desc" 2 "$pat" "$@"
}
expect_refused "a nonexistent path" "--cgroup '/no/such/cg': no such memory cgroup" --cgroup /no/such/cg
expect_refused "a regular file in cgroupfs" "not a cgroup directory" --cgroup "$A/cgroup.procs"
expect_refused "a path outside any cgroup mount" "--cgroup '/etc': no such memory cgroup" --cgroup /etc
expect_refused "dot-dot parts" "not a cgroup path" --cgroup "$CG_REL/../x"
expect_refused "spaces and unicode" "no such memory cgroup" --cgroup "/kube pods/ünï"
expect_refused "an empty path" "needs a path" --cgroup ""
expect_refused "one good and one bad --cgroup" "--cgroup '/no-such': no such memory cgroup" \
	--cgroup "$CG_REL/$PARENT_NAME/a" --cgroup /no-such

done_testing
