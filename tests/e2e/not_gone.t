#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A victim that does not go: killed by a real memcg OOM, then held in its
# exit by its tracer (ptrace's exit stop).  oomtrace tells of it once, 10 s
# after the kill, as an oom_not_gone record whose /proc state the test
# reads itself; its exit, when the tracer lets go, streams oom_reaped.  A
# victim that exits at once is never told of.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"
make_memcg "oomtrace-e2e-ng-$$" 48 || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR

check "oomtrace --json starts" start_oomtrace json --json
check "oomtrace (text) starts alongside" start_oomtrace text
check "oomtrace --metrics-file starts alongside" start_oomtrace prom --metrics-file "$WORK/m.prom"
check "oomtrace --json --record starts alongside" start_oomtrace rec --json --record "$WORK/ng.rec"

# a victim that goes at once
run_trigger "$CG"
QUICK=$TRIGGER_PID
check "a kill record for the quick victim $QUICK" wait_for "$WORK/json.out" ".type == \"oom_kill\" and .victim.pid == $QUICK"

# the tracer holds its child in the exit the OOM kill sends it to
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --exit-traced --max 1024' sh "$CG" "$TRIGGER" >"$WORK/traced.out" 2>&1 &
TRACER=$!
PIDS="$PIDS $TRACER"
for _ in $(seq 100); do grep -q 'stopped in its exit' "$WORK/traced.out" && break; sleep 0.1; done
STUCK=$(sed -n 's/.*child \([0-9]*\) stopped in its exit.*/\1/p' "$WORK/traced.out")
check "the traced child was killed and stopped in its exit (pid ${STUCK:-none})" test -n "$STUCK"
STUCK=${STUCK:-0}
check "a kill record for it" wait_for "$WORK/json.out" ".type == \"oom_kill\" and .victim.pid == $STUCK"
EVENT=$(jq -c "select(.type == \"oom_kill\" and .victim.pid == $STUCK) | .event_id" "$WORK/json.out" | head -1)

# told 10 s after the kill, read once a second
for _ in $(seq 150); do
	[ -n "$(jq -c "select(.type == \"oom_not_gone\" and .victim.pid == $STUCK)" "$WORK/json.out" 2>/dev/null)" ] && break
	sleep 0.1
done
STATE=$(awk '{sub(/.*\) /, ""); print $1}' /proc/"$STUCK"/stat 2>/dev/null)
R=$(jq -c "select(.type == \"oom_not_gone\" and .victim.pid == $STUCK)" "$WORK/json.out" | head -1)
echo "$R" | diag
is() {
	[ -n "$R" ] && echo "$R" | jq -e "$2" >/dev/null
	ok $? "$1"
}
is "an oom_not_gone record for pid $STUCK, of the kill's event ($EVENT)" ".event_id == ${EVENT:-0} and .victim.tid == $STUCK and .victim.comm == \"oom-trigger\""
is "its state is /proc's ($STATE: stopped by its tracer)" ".victim.state == \"$STATE\" and .victim.state == \"t\""
is "told 10 s after the kill, at a look once a second (under 15 s even on a loaded machine)" '.since_kill_us >= 10000000 and .since_kill_us < 15000000'
is "the verdict: still not gone, in the tracer's stop" '.verdict.followed_rule == "not_gone" and (.verdict.followed | startswith("still not gone ") and contains("stopped by its tracer"))'
is "what the reaper did by then, in words that agree" '(.reaper.state == "finished" and (.verdict.followed | contains("oom_reaper freed its memory")) and .reaper.reap_us > 0)
	or (.reaper.state == "none" and (.verdict.followed | contains("has not acted")) and .reaper.reap_us == null)
	or (.reaper.state == "started" or .reaper.state == "skipped")'
check "the text instance says it in words" grep -q "OOM victim not gone  pid $STUCK tid $STUCK" "$WORK/text.out"
sleep 2.2
n=$(jq -c "select(.type == \"oom_not_gone\" and .victim.pid == $STUCK)" "$WORK/json.out" | wc -l)
ok $((n != 1)) "told once, not at every look ($n records)"
n=$(jq -c "select(.type == \"oom_not_gone\" and .victim.pid == $QUICK)" "$WORK/json.out" | wc -l)
ok $((n != 0)) "the quick victim, gone at once, is never told of ($n records)"
check "the metrics count it once" grep -qx 'oomtrace_oom_victims_not_gone_total 1' "$WORK/m.prom"

# the tracer lets go (it is ended: EXITKILL), and the exit streams
kill -KILL "$TRACER"
wait "$TRACER" 2>/dev/null
check "its exit streams an oom_reaped record" wait_for "$WORK/json.out" ".type == \"oom_reaped\" and .victim.pid == $STUCK"
R=$(jq -c "select(.type == \"oom_reaped\" and .victim.pid == $STUCK)" "$WORK/json.out" | head -1)
is "the oom_reaped record's exit is after the late word" '.reaper.exit_us > 12000000 and .verdict.followed_rule != "not_gone"'

# --record keeps the late word: report prints what the live run printed, byte for byte
kill -INT "$PID_rec"
wait "$PID_rec"
"$OOMTRACE" report --json "$WORK/ng.rec" >"$WORK/replay.out" 2>"$WORK/replay.err"
n=$(grep -c '"type":"oom_not_gone"' "$WORK/replay.out")
cmp -s "$WORK/rec.out" "$WORK/replay.out" && [ "$n" -ge 1 ]
ok $? "report --json of the recording prints the live run's records, the oom_not_gone among them ($n)"
cmp "$WORK/rec.out" "$WORK/replay.out" 2>&1 | diag

done_testing
