#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --color: escapes in text output when asked or on a terminal, never in
# JSON, never down a pipe, never with --color=never or NO_COLOR.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"

ESC=$'\033['
# has_esc FILE / no_esc FILE: ANSI escapes anywhere in FILE, raw or JSON-escaped
has_esc() { grep -qF "$ESC" "$1"; }
no_esc() { ! grep -qF "$ESC" "$1" && ! grep -qiF '\u001b' "$1"; }

expect "--color=bogus is a usage error" 2 "--color takes auto, always or never, not 'bogus'" --color=bogus
expect "--color with no value" 2 "option '--color' needs a value" --color
expect "top --color=bogus is a usage error" 2 "--color takes auto, always or never" top --color=bogus
expect "--color= (empty)" 2 "not ''" --color=

# on a terminal: script(1) gives oomtrace a pty as stdout
on_tty() { # on_tty OUT ENV... -- ARGS...: oomtrace ARGS with stdout on a pty
	local out=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env -u NO_COLOR "${envs[@]}" script -qefc "$(printf '%q ' "$OOMTRACE" "$@")" "$out" >/dev/null 2>&1
}

# top needs no BPF: its table header is coloured
"$OOMTRACE" top -n 1 --color=always >"$WORK/top.always" 2>&1
has_esc "$WORK/top.always" && grep -q "PID" "$WORK/top.always"
ok $? "top --color=always: escapes in the table header"
"$OOMTRACE" top -n 1 --color=auto | cat >"$WORK/top.pipe"
grep -q PID "$WORK/top.pipe" && no_esc "$WORK/top.pipe"
ok $? "top --color=auto down a pipe: none"
"$OOMTRACE" top -n 1 --json --color=always >"$WORK/top.json"
jq -e '.type == "top"' "$WORK/top.json" >/dev/null && no_esc "$WORK/top.json"
ok $? "top --json --color=always: valid JSON and no escapes"
if command -v script >/dev/null; then
	on_tty "$WORK/top.tty" TERM=xterm-256color -- top -n 1
	grep -q PID "$WORK/top.tty" && has_esc "$WORK/top.tty"
	ok $? "top on a terminal (TERM=xterm-256color): escapes"
	on_tty "$WORK/top.nocolor" TERM=xterm-256color NO_COLOR=1 -- top -n 1
	grep -q PID "$WORK/top.nocolor" && no_esc "$WORK/top.nocolor"
	ok $? "top on a terminal with NO_COLOR=1: none"
	on_tty "$WORK/top.dumb" TERM=dumb -- top -n 1
	grep -q PID "$WORK/top.dumb" && no_esc "$WORK/top.dumb"
	ok $? "top on a terminal with TERM=dumb: none"
	on_tty "$WORK/top.never" TERM=xterm-256color -- top -n 1 --color=never
	grep -q PID "$WORK/top.never" && no_esc "$WORK/top.never"
	ok $? "top on a terminal with --color=never: none"
else
	ok 0 "top on a terminal # SKIP needs script(1) from util-linux"
fi

# the trace path, through one real kill seen by six instances at once
can_trace() {
	[ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ] && [ -x "$TRIGGER" ] &&
		command -v jq >/dev/null && command -v script >/dev/null && find_memcg &&
		make_memcg "oomtrace-color-$$" 64
}
if ! can_trace; then
	ok 0 "colour through a real kill # SKIP needs root, BTF, the trigger, jq, script and a memory cgroup"
	done_testing
	exit
fi
CG=$MEMCG_DIR
check "--color=always starts" start_oomtrace always --color=always --cgroup "$CG"
check "--color=never starts" start_oomtrace never --color=never --cgroup "$CG"
check "--json --color=always starts" start_oomtrace json --json --color=always --cgroup "$CG"
# --color=auto with stdout a pipe; $! is oomtrace's pid, not the reader's
"$OOMTRACE" --color=auto --cgroup "$CG" > >(cat >"$WORK/pipe.out") 2>"$WORK/pipe.err" &
PID_pipe=$!
PIDS="$PIDS $PID_pipe"
# the default (auto) on a terminal, and the same with NO_COLOR
on_tty "$WORK/tty.out" TERM=xterm-256color -- --cgroup "$CG" &
TTY_JOBS="$!"
on_tty "$WORK/ttyno.out" TERM=xterm-256color NO_COLOR=1 -- --cgroup "$CG" &
TTY_JOBS="$TTY_JOBS $!"
PIDS="$PIDS $TTY_JOBS"
for _ in $(seq 100); do
	grep -q '^Tracing' "$WORK/pipe.err" && [ "$(grep -l '^Tracing' "$WORK"/tty*.out 2>/dev/null | wc -l)" = 2 ] && break
	sleep 0.1
done
# each script(1) runs oomtrace as its child
TTY_PIDS=$(for j in $TTY_JOBS; do pgrep -P "$j"; done)
PIDS="$PIDS $TTY_PIDS"
ok $(($(echo $TTY_PIDS | wc -w) != 2)) "two oomtrace instances on terminals are ready"

run_trigger "$CG"
check "the kill arrives as JSON" wait_for "$WORK/json.out" ".type == \"oom_kill\" and .victim.pid == $TRIGGER_PID"
for f in always never pipe tty ttyno; do
	for _ in $(seq 50); do grep -q "OOM kill" "$WORK/$f.out" && break; sleep 0.1; done
done
kill -INT $PID_always $PID_never $PID_json $PID_pipe $TTY_PIDS
for p in $PID_always $PID_never $PID_json $PID_pipe $TTY_JOBS; do wait "$p"; done

grep -F "${ESC}1m" "$WORK/always.out" | grep -q "OOM kill  constraint"
ok $? "--color=always: the kill's header line is coloured"
grep -F "victim   ${ESC}" "$WORK/always.out" | grep -q "pid $TRIGGER_PID "
ok $? "--color=always: the victim is coloured"
grep "victim" "$WORK/always.out" | grep -qF "${ESC}0m uid"
ok $? "--color=always: colour is reset after the victim's name"
grep -q "OOM kill" "$WORK/never.out" && no_esc "$WORK/never.out"
ok $? "--color=never: the kill block, no escapes"
grep -q "OOM kill" "$WORK/pipe.out" && no_esc "$WORK/pipe.out"
ok $? "--color=auto down a pipe: the kill block, no escapes"
jq -e . "$WORK/json.out" >/dev/null && no_esc "$WORK/json.out"
ok $? "--json --color=always: valid JSON Lines, no escapes"
grep -F "${ESC}1m" "$WORK/tty.out" | grep -q "OOM kill  constraint"
ok $? "the default on a terminal: the header is coloured"
grep -q "OOM kill" "$WORK/ttyno.out" && no_esc "$WORK/ttyno.out"
ok $? "on a terminal with NO_COLOR=1: no escapes"
[ "$T_FAILED" -eq 0 ] || for f in always tty ttyno; do cat -v "$WORK/$f.out" | head -5 | diag; done

# the other sources of text blocks honour it too: the kernel log and a replay
FIX=$TOP/tests/fixtures/kmsg/host-6.18-memcg-v1.dmesg
"$OOMTRACE" --input "$FIX" --color always 2>/dev/null | grep -F "${ESC}1m" | grep -q "OOM kill"
ok $? "--input --color=always: the header is coloured"
"$OOMTRACE" --input "$FIX" --color never 2>/dev/null >"$WORK/kmsg-never.out"
grep -q "OOM kill" "$WORK/kmsg-never.out" && no_esc "$WORK/kmsg-never.out"
ok $? "--input --color=never: no escapes"
REC=$TOP/tests/fuzz/corpus/fuzz_record/memcg-kill
"$OOMTRACE" report "$REC" --color always 2>/dev/null | grep -F "${ESC}1m" | grep -q "OOM kill"
ok $? "report --color=always: the header is coloured"
"$OOMTRACE" report "$REC" --color never 2>/dev/null >"$WORK/report-never.out"
grep -q "OOM kill" "$WORK/report-never.out" && no_esc "$WORK/report-never.out"
ok $? "report --color=never: no escapes"

done_testing
