#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# oomtrace report without root or BPF: a recording checked into the tree
# (a real memcg OOM kill on the development machine) prints; bad files
# and bad options get a message naming them and the documented exit code.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
command -v jq >/dev/null || skip_all "needs jq"
REC=$TOP/tests/fuzz/corpus/fuzz_record/memcg-kill
HDR=$TOP/tests/fuzz/corpus/fuzz_record/header-only

expect "report needs a FILE" 2 "report needs the FILE" report
expect "a missing FILE is named" 2 "report '/nonexistent.rec': No such file" report /nonexistent.rec
expect "a second FILE is refused" 2 "unexpected argument" report "$REC" "$REC"
expect "report refuses tracing options" 2 "not for 'oomtrace report'" report "$REC" --hooks kprobe
expect "report refuses --record" 2 "--record is for tracing" report "$REC" --record "$WORK/x"
expect "--summary-only is for report" 2 "is for 'oomtrace report'" top --summary-only
expect "report --cgroup takes the recording's path" 2 "as the recording names it" report "$REC" --cgroup kubepods
ln -s "$WORK/out" "$WORK/link"
expect "report --output refuses a symlink" 2 "is a symbolic link: refused" report "$REC" --output "$WORK/link"

printf 'ffffffff81000000 T _stext\n' >"$WORK/text"
expect "a text file is not a recording" 1 "'$WORK/text': not an oomtrace recording" report "$WORK/text"
: >"$WORK/empty"
expect "an empty file" 1 "'$WORK/empty': empty" report "$WORK/empty"
expect "a directory" 1 "read error at byte 0: Is a directory" report "$WORK"
{ head -c 8 "$REC"; printf '\143\000\000\000'; tail -c +13 "$REC"; } >"$WORK/v99"
expect "a newer format version" 1 "format version 99; this oomtrace" report "$WORK/v99"
SIZE=$(stat -c %s "$REC")
head -c $((SIZE / 2)) "$REC" >"$WORK/half"
expect "a file cut in half says where" 1 "truncated at byte $((SIZE / 2))" report "$WORK/half"
head -c 300 /dev/urandom >"$WORK/noise"
expect "random bytes" 1 "not an oomtrace recording" report "$WORK/noise"

"$OOMTRACE" report "$REC" >"$WORK/rep.txt" 2>"$WORK/rep.err"
ok $? "the checked-in recording prints (rc 0), with no privilege needed"
grep -q '^[0-9T:.-]*Z OOM kill  constraint MEMCG' "$WORK/rep.txt" && grep -q "^           out_of_memory+0x" "$WORK/rep.txt"
ok $? "as a kill block with its symbolized stack"
grep -q '^oomtrace: 1 OOM kill traced, 0 records dropped$' "$WORK/rep.txt"
ok $? "and the summary after it"
"$OOMTRACE" report "$REC" --json >"$WORK/rep.json" 2>/dev/null
jq -se 'length == 3 and .[0].type == "oom_kill" and .[1].type == "oom_reaped" and .[2].type == "summary" and .[0].event_id == .[1].event_id' "$WORK/rep.json" >/dev/null
ok $? "--json: the kill, its exit and the summary"
"$OOMTRACE" report - --json <"$REC" 2>/dev/null | cmp -s - "$WORK/rep.json"
ok $? "'-' reads the recording from stdin"
"$OOMTRACE" report "$REC" --json --output "$WORK/out.json" 2>/dev/null && cmp -s "$WORK/out.json" "$WORK/rep.json"
ok $? "--output writes the same"
"$OOMTRACE" report "$REC" --json --reclaim-stalls 0 2>/dev/null | jq -se 'map(select(.type == "reclaim_stall")) | length >= 1' >/dev/null
ok $? "--reclaim-stalls 0 brings out the recorded episodes"
"$OOMTRACE" report "$REC" --json 2>/dev/null | head -1 >/dev/null
ok "${PIPESTATUS[0]}" "| head -1 ends it with exit 0"
expect "a recording without a summary frame prints, and says so" 0 "has no summary frame: the run did not end cleanly" report "$HDR"

# one file for two of our outputs would corrupt both: refused before anything
cp "$REC" "$WORK/same.rec"
expect "report's --output onto its own FILE is refused" 2 "are the same file" report "$WORK/same.rec" --output "$WORK/same.rec"
cmp -s "$REC" "$WORK/same.rec"
ok $? "... and the recording is untouched"
ln -f "$WORK/same.rec" "$WORK/hardlink.rec"
expect "... also through a hard link" 2 "are the same file" report "$WORK/same.rec" --output "$WORK/hardlink.rec"
if [ "$(id -u)" -eq 0 ]; then
	expect "--record and --output as one file are refused" 2 "--record and --output are the same file" \
		--json --record "$WORK/both.out" --output "$WORK/both.out"
	expect "--metrics-file onto --output is refused" 2 "--metrics-file and --output are the same file" \
		--output "$WORK/m.out" --metrics-file "$WORK/m.out"
else
	ok 0 "--record and --output as one file # SKIP needs root (tracing)"
	ok 0 "--metrics-file onto --output # SKIP needs root (tracing)"
fi

done_testing
