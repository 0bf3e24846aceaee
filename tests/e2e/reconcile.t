#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel is the oracle: over a run with several real memcg OOM kills,
# the kills oomtrace reports must equal the change in /proc/vmstat
# oom_kill, exactly, from BPF and from the kernel log alike; per memcg,
# the memcg's own oom_kill count.  And when records are lost (a ring
# buffer too small for a burst), the difference must be told and must
# equal the kill records dropped.
#
# /proc/vmstat oom_kill is host-wide: an OOM kill anywhere else on the
# host during this test would count too.  The e2e tests run one after
# another (tests/run, prove without -j) and cause OOMs only in their own
# child memcgs, so here nothing else kills; on a busy host the exact
# comparisons below could fail for that reason alone.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"
grep -q '^oom_kill ' /proc/vmstat || skip_all "/proc/vmstat has no oom_kill count (kernel before 4.13)"

LIMIT_MIB=64
CG_NAME=oomtrace-e2e-rc-$$
make_memcg "$CG_NAME" $LIMIT_MIB || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR
KILLS=3

vmstat_kills() { awk '$1 == "oom_kill" {print $2}' /proc/vmstat; }
memcg_kills() { # the memcg's local count, as the kernel keeps it
	if [ "$CG_VERSION" = 1 ]; then
		awk '$1 == "oom_kill" {print $2}' "$CG/memory.oom_control"
	elif [ -r "$CG/memory.events.local" ]; then
		awk '$1 == "oom_kill" {print $2}' "$CG/memory.events.local"
	else
		awk '$1 == "oom_kill" {print $2}' "$CG/memory.events"
	fi
}
summary() { jq -c 'select(.type == "summary")' "$WORK/$1.out"; }
is() { # is DESC NAME JQ-EXPR: NAME's summary satisfies the expression
	local s
	s=$(summary "$2")
	[ -n "$s" ] && echo "$s" | jq -e "$3" >/dev/null
	ok $? "$1"
	[ -n "$s" ] || diag <"$WORK/$2.err"
}

check "oomtrace --json (every kill on the host) starts" start_oomtrace host --json
check "oomtrace --json --cgroup (the test memcg only) starts" start_oomtrace sub --json --cgroup "$CG"
check "oomtrace (text) starts" start_oomtrace text
HAVE_KMSG=0
if [ -r /dev/kmsg ]; then
	check "oomtrace --source kmsg --json starts" start_oomtrace kmsg --source kmsg --json
	HAVE_KMSG=1
fi
# all are attached (or reading the log): from here they see every kill
V0=$(vmstat_kills)
M0=$(memcg_kills)

PIDS_KILLED=""
for i in $(seq $KILLS); do
	run_trigger "$CG"
	ok $((TRIGGER_RC != 137)) "trigger $i (pid $TRIGGER_PID) was SIGKILLed (rc $TRIGGER_RC)"
	PIDS_KILLED="$PIDS_KILLED $TRIGGER_PID"
done
for p in $PIDS_KILLED; do
	wait_for "$WORK/host.out" ".type == \"oom_kill\" and .victim.pid == $p" || break
done
[ "$HAVE_KMSG" = 1 ] && for p in $PIDS_KILLED; do
	wait_for "$WORK/kmsg.out" ".type == \"oom_kill\" and .victim.pid == $p" || break
done
V1=$(vmstat_kills)
M1=$(memcg_kills)
DV=$((V1 - V0))
DM=$((M1 - M0))
ok $((DM != KILLS)) "the kernel counted $KILLS kills in the test memcg ($M0 -> $M1)"

# a second and more without a kill: the periodic comparison has its quiet moment
sleep 1.5
kill -INT "$PID_host" "$PID_sub" "$PID_text" ${PID_kmsg:+"$PID_kmsg"}
for n in host sub text ${PID_kmsg:+kmsg}; do
	wait "$(eval echo "\$PID_$n")"
	ok $? "SIGINT: the $n instance exits 0"
done

is "host: kernel_kills is the vmstat delta ($DV)" host ".kernel_kills == $DV"
is "host: unreconciled_kills is 0" host '.unreconciled_kills == 0'
is "host: kills equal the kernel's count, none dropped" host \
	".kills == $DV and .dropped_by_type.oom_kill == 0 and .already_exiting >= 0"
is "host: the memcg's kills in the summary are the memcg's count ($DM)" host \
	".memcgs[\"$CG_REL/$CG_NAME\"].kills == $DM"
N=$(jq -s 'map(select(.type == "unreconciled")) | length' "$WORK/host.out")
ok $((N != 0)) "host: no unreconciled record ($N)"
N=$(jq -s "map(select(.type == \"oom_kill\" and .kind == \"kill\" and .cgroup == \"$CG_REL/$CG_NAME\")) | length" "$WORK/host.out")
ok $((N != KILLS)) "host: $KILLS kill records of kind \"kill\" in the memcg ($N)"
N=$(jq -s 'map(select(.type == "oom_kill" and (.next_victims_truncated | type) != "boolean")) | length' "$WORK/host.out")
ok $((N != 0)) "every kill record says whether its next-victims scan was truncated"

is "--cgroup: the host's count is not compared (null)" sub \
	'.kernel_kills == null and .unreconciled_kills == null'
is "--cgroup: its $KILLS kills" sub ".kills == $KILLS"
N=$(jq -s 'map(select(.type == "unreconciled")) | length' "$WORK/sub.out")
ok $((N != 0)) "--cgroup: the memcg's count agrees: no unreconciled record ($N)"

grep -q "^oomtrace: the kernel counted $DV OOM kills\? (/proc/vmstat oom_kill): all reported$" "$WORK/text.err"
ok $? "text: the summary says the kernel's count and that all were reported"
! grep -q "unreconciled" "$WORK/text.err"
ok $? "text: no unreconciled warning"

if [ "$HAVE_KMSG" = 1 ]; then
	is "kmsg: kernel_kills is the vmstat delta ($DV), unreconciled_kills 0" kmsg \
		".source == \"kmsg\" and .kernel_kills == $DV and .unreconciled_kills == 0 and .kills == $DV"
	N=$(jq -s 'map(select(.type == "oom_kill" and .kind != "kill")) | length' "$WORK/kmsg.out")
	ok $((N != 0)) "kmsg: every record is of kind \"kill\" ($N others)"
else
	ok 0 "kmsg reconciles # SKIP /dev/kmsg is not readable here"
	ok 0 "kmsg kinds # SKIP /dev/kmsg is not readable here"
fi

# --- a difference the kernel can show: a burst into a ring buffer too small for it ---
# stopped, oomtrace reads nothing; its 4 KiB ring holds one kill record at most
check "oomtrace --json --ringbuf-size 4 starts" start_oomtrace small --json --ringbuf-size 4 \
	--metrics-file "$WORK/small.prom"
V0=$(vmstat_kills)
kill -STOP "$PID_small"
for i in $(seq $KILLS); do run_trigger "$CG"; done
V1=$(vmstat_kills)
kill -CONT "$PID_small"
wait_for "$WORK/small.out" '.type == "unreconciled"'
ok $? "the difference is told by an unreconciled record"
kill -INT "$PID_small"
wait "$PID_small"
ok $? "SIGINT: the small instance exits 0"
DV=$((V1 - V0))
S=$(summary small)
echo "$S" | jq -c '{kills, kernel_kills, unreconciled_kills, dropped_by_type}' | diag
is "small: kernel_kills is the vmstat delta ($DV)" small ".kernel_kills == $DV"
is "small: some kill records were dropped" small '.dropped_by_type.oom_kill > 0'
is "small: unreconciled_kills is kernel_kills - kills, and equals the kill records dropped" small \
	'.unreconciled_kills == .kernel_kills - .kills and .unreconciled_kills == .dropped_by_type.oom_kill'
U=$(jq -c 'select(.type == "unreconciled")' "$WORK/small.out" | tail -1)
[ -n "$U" ] && echo "$U" | jq -e --argjson s "$S" \
	'.scope == "host" and .memcg == null and .kernel_kills == $s.kernel_kills and
	 .kills == $s.kills and .unreconciled_kills == $s.unreconciled_kills and
	 .dropped_kills == $s.dropped_by_type.oom_kill' >/dev/null
ok $? "the last unreconciled record agrees with the summary ($U)"
D=$(echo "$S" | jq .unreconciled_kills)
grep -q "^oomtrace_unreconciled_kills{scope=\"host\"} $D$" "$WORK/small.prom"
ok $? "the metric oomtrace_unreconciled_kills{scope=\"host\"} is $D"

done_testing
