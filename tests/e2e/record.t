#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --record and `oomtrace report`: a real memcg OOM kill traced with
# --record, then printed again from the file, must give what the live run
# printed, byte for byte (JSON, text and the summary), also to a user with
# no privilege at all; and --record refuses what --output refuses, and
# ends the run when it cannot write.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"

LIMIT_MIB=64
CG_NAME=oomtrace-e2e-rec-$$
make_memcg "$CG_NAME" $LIMIT_MIB || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR
REC=$WORK/json.rec
TREC=$WORK/text.rec

# a bystander, so that the kill names a next victim the file must keep
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 300' sh "$CG" &
PIDS="$PIDS $!"

check "oomtrace --json --record starts" start_oomtrace json --json --record "$REC"
check "oomtrace --record (text) starts alongside" start_oomtrace text --record "$TREC"
ok "$([ "$(stat -c %a "$REC")" = 640 ]; echo $?)" "the record file is created mode 0640 ($(stat -c %a "$REC"))"

run_trigger "$CG"
VICTIM=$TRIGGER_PID
ok $((TRIGGER_RC != 137)) "the trigger (pid $VICTIM) was SIGKILLed (rc $TRIGGER_RC)"
check "the live run printed its kill" wait_for "$WORK/json.out" ".type == \"oom_kill\" and .victim.pid == $VICTIM"
check "and its exit" wait_for "$WORK/json.out" ".type == \"oom_reaped\" and .victim.pid == $VICTIM"
for _ in $(seq 50); do grep -q "pid $VICTIM .*event" "$WORK/text.out" 2>/dev/null && break; sleep 0.1; done
kill -INT "$PID_json" "$PID_text"
wait "$PID_json"
ok $? "the --json instance exits 0"
wait "$PID_text"
ok $? "the text instance exits 0"

V=$(head -c 12 "$REC" | tail -c 4 | od -An -tu4 | tr -d ' ')
ok $((V != 2)) "the file is format version 2, tagged fields (version $V)"

# --- JSON: the same bytes, summary and all ---
"$OOMTRACE" report "$REC" --json >"$WORK/rep.json" 2>"$WORK/rep.err"
ok $? "report --json exits 0"
diag <"$WORK/rep.err"
cmp -s "$WORK/json.out" "$WORK/rep.json"
RC=$?
ok $RC "report --json prints exactly what the live --json run printed ($(wc -l <"$WORK/rep.json") lines)"
[ $RC -eq 0 ] || diff "$WORK/json.out" "$WORK/rep.json" | head -20 | diag
same() { # same DESC JQ-FILTER: the filter gives the same non-empty result on both
	local a b
	a=$(jq -cS "$2" "$WORK/json.out")
	b=$(jq -cS "$2" "$WORK/rep.json")
	[ -n "$a" ] && [ "$a" = "$b" ]
	ok $? "$1"
}
same "the kill record, field by field" "select(.type == \"oom_kill\" and .victim.pid == $VICTIM)"
same "its oom_reaped record" "select(.type == \"oom_reaped\" and .victim.pid == $VICTIM)"
same "the summary record" 'select(.type == "summary")'
R=$(jq -c "select(.type == \"oom_kill\" and .victim.pid == $VICTIM)" "$WORK/rep.json")
[ -n "$R" ] && echo "$R" | jq -e '.next_victims[0].comm == "sleep" and .memcg.state != null and any(.kstack[]; startswith("out_of_memory+"))' >/dev/null
ok $? "the replayed kill keeps the aftermath (next victim, memcg state) and the symbolized stack"
grep -q "recorded on $(uname -n) (Linux $(uname -r)) by oomtrace" "$WORK/rep.err"
ok $? "report says where and by what the file was recorded"

# --- text: the same blocks, then the summary the live run put on stderr ---
"$OOMTRACE" report "$TREC" >"$WORK/rep.txt" 2>"$WORK/rep.err"
ok $? "report (text) exits 0"
# (what the live run said once attached: not its warnings before that)
{ cat "$WORK/text.out"; sed '1,/^Tracing/d' "$WORK/text.err"; } >"$WORK/live.txt"
cmp -s "$WORK/live.txt" "$WORK/rep.txt"
RC=$?
ok $RC "report prints the live text blocks and summary byte for byte"
[ $RC -eq 0 ] || diff "$WORK/live.txt" "$WORK/rep.txt" | head -20 | diag
grep -q "victim   pid $VICTIM tid $VICTIM \"oom-trigger\"" "$WORK/rep.txt"
ok $? "the text names the victim"
grep -q "^           *out_of_memory+0x" "$WORK/rep.txt"
ok $? "the text stack passes through out_of_memory"
"$OOMTRACE" report "$REC" >"$WORK/rep2.txt" 2>/dev/null
grep -q "victim   pid $VICTIM tid $VICTIM \"oom-trigger\"" "$WORK/rep2.txt"
ok $? "a file recorded under --json prints as text too"

# --- what report chooses later ---
"$OOMTRACE" report "$REC" --json --reclaim-stalls 0 >"$WORK/stalls.json" 2>/dev/null
S=$(jq -c "select(.type == \"reclaim_stall\" and .task.pid == $VICTIM)" "$WORK/stalls.json" | head -1)
[ -n "$S" ] && echo "$S" | jq -e ".memcg == \"$CG_REL/$CG_NAME\" and (.kstack | length) > 0" >/dev/null
ok $? "--reclaim-stalls 0 shows the trigger's reclaim episodes, recorded though the live run hid them"
N=$(jq -s 'map(select(.type == "reclaim_stall")) | length' "$WORK/stalls.json")
E=$(jq -s "map(select(.type == \"summary\")) | .[0].memcgs | map(.reclaim_stalls) | add" "$WORK/stalls.json")
ok $((N != E)) "as many reclaim_stall records as the summary counts episodes ($N, $E)"
"$OOMTRACE" report "$REC" --json --cgroup "$CG_REL/$CG_NAME" >"$WORK/cg.json" 2>/dev/null
jq -se "any(.[]; .type == \"oom_kill\" and .victim.pid == $VICTIM)" "$WORK/cg.json" >/dev/null &&
	jq -se "map(select(.type == \"oom_reaped\" and .victim.pid == $VICTIM)) | length == 1" "$WORK/cg.json" >/dev/null
RC=$?
ok $RC "--cgroup the test memcg keeps its kill and the kill's exit"
[ $RC -eq 0 ] || cut -c1-300 "$WORK/cg.json" | diag
"$OOMTRACE" report "$REC" --json --cgroup "$CG_REL/$CG_NAME-not" >"$WORK/nocg.json" 2>/dev/null
jq -se 'map(select(.type != "summary")) | length == 0' "$WORK/nocg.json" >/dev/null &&
	jq -se '.[-1].type == "summary" and .[-1].kills == 0' "$WORK/nocg.json" >/dev/null
ok $? "--cgroup a sibling's path (a string prefix, not a path prefix) keeps nothing"
"$OOMTRACE" report "$REC" --json --summary-only >"$WORK/sum.json" 2>/dev/null
[ "$(wc -l <"$WORK/sum.json")" -eq 1 ] && [ "$(cat "$WORK/sum.json")" = "$(jq -c 'select(.type == "summary")' "$WORK/json.out")" ]
ok $? "--summary-only prints the summary record alone, as the live run did"

# --- no privilege: a copy of the file, read by nobody ---
PUB=$(mktemp -d /tmp/oomtrace-rec-pub.XXXXXX)
cp "$REC" "$PUB/copy.rec"
chmod 755 "$PUB"
chmod 644 "$PUB/copy.rec"
if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$OOMTRACE"; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$OOMTRACE" report "$PUB/copy.rec" --json >"$WORK/nobody.json" 2>"$WORK/nobody.err"
	ok $? "report runs as uid 65534, without privilege or BPF"
	cmp -s "$WORK/json.out" "$WORK/nobody.json"
	ok $? "and prints the same bytes"
else
	ok 0 "report as an unprivileged user # SKIP uid 65534 cannot run $OOMTRACE"
	ok 0 "and prints the same bytes # SKIP as above"
fi
rm -rf "$PUB"

# --- a file cut short: what came before, then where it was cut ---
SIZE=$(stat -c %s "$REC")
head -c $((SIZE - 5)) "$REC" >"$WORK/cut.rec"
"$OOMTRACE" report "$WORK/cut.rec" --json >"$WORK/cut.json" 2>"$WORK/cut.err"
RC=$?
ok $((RC != 1)) "a truncated file exits 1 (rc $RC)"
grep -q "cut.rec': truncated at byte $((SIZE - 5))" "$WORK/cut.err"
ok $? "and says at which byte it was cut: $(cat "$WORK/cut.err" | tail -1)"
jq -se "any(.[]; .type == \"oom_kill\" and .victim.pid == $VICTIM)" "$WORK/cut.json" >/dev/null
RC=$?
ok $RC "the records before the cut still print"
[ $RC -eq 0 ] || cut -c1-300 "$WORK/cut.json" | diag

# --- the rules of --output, and a write error ---
ln -s "$WORK/json.rec" "$WORK/link.rec"
expect "--record refuses a symlink" 2 "is a symbolic link: refused" --record "$WORK/link.rec"
expect "--record refuses a directory" 2 "Is a directory" --record "$WORK"
expect "--record refuses a device" 2 "not a regular file: refused" --record /dev/null
mkfifo "$WORK/fifo"
expect "--record refuses a FIFO" 2 "not a regular file: refused" --record "$WORK/fifo"

FULL=$WORK/full
mkdir "$FULL"
if mount -t tmpfs -o size=4k oomtrace-e2e "$FULL" 2>/dev/null; then
	start_oomtrace full --json --record "$FULL/r.rec" --cgroup "$CG"
	ok $? "oomtrace --record on a 4 KiB filesystem starts"
	run_trigger "$CG"
	for _ in $(seq 50); do kill -0 "$PID_full" 2>/dev/null || break; sleep 0.1; done
	kill -INT "$PID_full" 2>/dev/null # still running: the test fails below
	wait "$PID_full"
	RC=$?
	ok $((RC != 1)) "a kill it cannot record ends the run with exit 1 (rc $RC)"
	N=$(grep -c "record '$FULL/r.rec': failed to write: No space left on device" "$WORK/full.err")
	ok $((N != 1)) "said once, naming the file ($N)"
	umount "$FULL"
else
	ok 0 "--record write error # SKIP cannot mount a small tmpfs"
	ok 0 "exit 1 # SKIP as above"
	ok 0 "said once # SKIP as above"
fi

done_testing
