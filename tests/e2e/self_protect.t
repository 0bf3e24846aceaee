#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A live oomtrace, BPF or the kernel log, takes itself out of the OOM
# killer's reach (oom_score_adj -1000) and locks its memory (VmLck) by
# default; --no-self-protect leaves both alone, and so does a replay; what
# is refused is one warning and tracing goes on, as under the systemd
# unit's capabilities.  MCL_ONFAULT keeps the lock from adding resident
# memory: the diagnostics give VmRSS and VmHWM with and without it.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"
command -v setpriv >/dev/null && command -v prlimit >/dev/null ||
	skip_all "needs setpriv and prlimit (util-linux)"

kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; } # kb PID FIELD
adj() { cat "/proc/$1/oom_score_adj"; }
has_cap() { # has_cap N: capability N in this shell's effective set
	local eff
	eff=$(awk '$1 == "CapEff:" {print $2}' /proc/self/status)
	[ $(((0x$eff >> $1) & 1)) -eq 1 ]
}
warnings() { grep -c 'warning: a global OOM may not spare oomtrace' "$1"; }
# stop NAME: SIGINT, and its exit status
stop() {
	local pid
	pid=$(eval echo "\$PID_$1")
	kill -INT "$pid"
	wait "$pid"
}

# A sandbox can deny even root CAP_SYS_RESOURCE: then no process here
# goes below the oom_score_adj it inherited, and the check is the warning.
MY_ADJ=$(adj $$)
CAN_LOWER=0
sh -c 'echo -1000 >/proc/self/oom_score_adj' 2>/dev/null && CAN_LOWER=1
NO_LOWER="this host denies CAP_SYS_RESOURCE even to root: nothing here goes below oom_score_adj $MY_ADJ"
CAN_LOCK=0
{ has_cap 14 || [ "$(ulimit -l)" = unlimited ]; } && CAN_LOCK=1
NO_LOCK="no CAP_IPC_LOCK and RLIMIT_MEMLOCK $(ulimit -l) KiB"
# AddressSanitizer intercepts mlockall() and does nothing: make sanitize's build locks nothing
if ldd "$OOMTRACE" 2>/dev/null | grep -q libasan; then
	CAN_LOCK=0 NO_LOCK="a sanitizer build: ASan makes mlockall() a no-op"
fi

# expect_protected NAME WHAT: the instance NAME has -1000 and a lock, or says why not
expect_protected() {
	local name=$1 what=$2 pid
	pid=$(eval echo "\$PID_$name")
	if [ $CAN_LOWER = 1 ]; then
		[ "$(adj "$pid")" = -1000 ] && [ "$(warnings "$WORK/$name.err")" = 0 ]
		ok $? "$what: oom_score_adj -1000 ($(adj "$pid")), no warning"
	else
		ok 0 "$what: oom_score_adj -1000 # SKIP $NO_LOWER"
		[ "$(adj "$pid")" = "$MY_ADJ" ] && [ "$(warnings "$WORK/$name.err")" = 1 ] &&
			grep -q 'oom_score_adj stays .*CAP_SYS_RESOURCE' "$WORK/$name.err"
		ok $? "$what: refused, it says so in one warning and traces on"
	fi
	if [ $CAN_LOCK = 1 ]; then
		[ "$(kb "$pid" VmLck)" -gt 0 ]
		ok $? "$what: memory locked (VmLck $(kb "$pid" VmLck) kB)"
	else
		ok 0 "$what: memory locked # SKIP $NO_LOCK"
	fi
}
# expect_left_alone NAME WHAT
expect_left_alone() {
	local pid
	pid=$(eval echo "\$PID_$1")
	[ "$(adj "$pid")" = "$MY_ADJ" ] && [ "$(kb "$pid" VmLck)" = 0 ] &&
		[ "$(warnings "$WORK/$1.err")" = 0 ]
	ok $? "$2: oom_score_adj $(adj "$pid") as inherited, VmLck $(kb "$pid" VmLck) kB, no warning"
}

# --- by default: BPF, then the kernel log followed live ---
check "oomtrace -v (BPF) starts" start_oomtrace bpf -v --json
expect_protected bpf "BPF"
grep -q '^oomtrace: self-protection: oom_score_adj .*; memory locked as it is touched (mlockall MCL_CURRENT|MCL_FUTURE|MCL_ONFAULT)$' \
	"$WORK/bpf.err" || [ $CAN_LOCK = 0 ]
ok $? "-v says what was applied ($(grep -m1 'self-protection' "$WORK/bpf.err"))"
check "oomtrace --source kmsg starts" start_oomtrace kmsg --source kmsg --json
expect_protected kmsg "the kernel log"

# --- off, and a replay ---
check "oomtrace --no-self-protect -v starts" start_oomtrace off --no-self-protect -v --json
expect_left_alone off "--no-self-protect"
grep -q "^oomtrace: self-protection off (--no-self-protect): oom_score_adj $MY_ADJ, memory not locked$" \
	"$WORK/off.err"
ok $? "-v says it is off"
{ sleep 3; } | "$OOMTRACE" --input - -v >"$WORK/input.out" 2>"$WORK/input.err" &
PID_input=$!
PIDS="$PIDS $PID_input"
sleep 0.5
expect_left_alone input "--input - (a replay, still reading)"
wait "$PID_input"
ok $? "--input - ends with rc 0 at the end of its input"
! grep -q 'self-protection' "$WORK/input.err"
ok $? "... and -v says nothing of self-protection"

# --- the systemd unit's way: no CAP_SYS_RESOURCE, no CAP_IPC_LOCK ---
# With OOMScoreAdjust=-1000 set before it starts (the floor is then
# -1000) and LimitMEMLOCK=infinity, it needs neither.  (Raising the limit
# needs CAP_SYS_RESOURCE too, as systemd has it.)
UNIT_CAPS="--bounding-set=-all,+bpf,+perfmon,+syslog --inh-caps=-all"
# shellcheck disable=SC2016
printf '#!/bin/sh\n%s\nexec prlimit --memlock=unlimited -- setpriv %s -- "%s" "$@"\n' \
	"$([ $CAN_LOWER = 1 ] && echo 'echo -1000 >/proc/self/oom_score_adj')" "$UNIT_CAPS" "$OOMTRACE" \
	>"$WORK/as-unit"
# shellcheck disable=SC2016
printf '#!/bin/sh\nexec prlimit --memlock=8388608 -- setpriv %s -- "%s" "$@"\n' "$UNIT_CAPS" \
	"$OOMTRACE" >"$WORK/as-capped"
chmod +x "$WORK/as-unit" "$WORK/as-capped"
OOMTRACE_REAL=$OOMTRACE
STOP="bpf kmsg off capped"
if prlimit --memlock=unlimited true 2>/dev/null; then
	OOMTRACE=$WORK/as-unit
	check "as the unit runs it (CAP_BPF, CAP_PERFMON, CAP_SYSLOG; LimitMEMLOCK=infinity) it starts" \
		start_oomtrace unit -v --json
	STOP="$STOP unit"
	if [ $CAN_LOWER = 1 ]; then
		[ "$(adj "$PID_unit")" = -1000 ] && [ "$(warnings "$WORK/unit.err")" = 0 ]
		ok $? "the unit's way: -1000 ($(adj "$PID_unit")) without CAP_SYS_RESOURCE, no warning"
	else
		ok 0 "the unit's way: oom_score_adj -1000 # SKIP $NO_LOWER"
	fi
	[ "$(kb "$PID_unit" VmLck)" -gt 0 ]
	ok $? "the unit's way: locked without CAP_IPC_LOCK (VmLck $(kb "$PID_unit" VmLck) kB)"
else
	ok 0 "as the unit runs it # SKIP cannot raise RLIMIT_MEMLOCK to unlimited here ($NO_LOWER)"
fi
OOMTRACE=$WORK/as-capped
check "with RLIMIT_MEMLOCK 8 MiB and no CAP_IPC_LOCK it still starts" start_oomtrace capped -v --json
OOMTRACE=$OOMTRACE_REAL
[ "$(kb "$PID_capped" VmLck)" = 0 ] && [ "$(warnings "$WORK/capped.err")" = 1 ] &&
	grep -q 'memory not locked: RLIMIT_MEMLOCK is 8192 KiB and there is no CAP_IPC_LOCK' "$WORK/capped.err"
ok $? "a finite RLIMIT_MEMLOCK: nothing locked, and one warning says why"
grep 'warning' "$WORK/capped.err" | diag

# --- through a kill: all record it, and the lock costs no resident memory ---
make_memcg oomtrace-e2e-sp-$$ 64 || skip_all "cannot create a child memory cgroup"
run_trigger "$MEMCG_DIR"
ok $((TRIGGER_RC != 137)) "the trigger (pid $TRIGGER_PID) was SIGKILLed (rc $TRIGGER_RC)"
for name in bpf kmsg off; do
	check "$name: its kill record arrives" wait_for "$WORK/$name.out" \
		".type == \"oom_kill\" and .victim.pid == $TRIGGER_PID"
done
sleep 1
echo "after the kill, kB: locked VmRSS $(kb "$PID_bpf" VmRSS) VmHWM $(kb "$PID_bpf" VmHWM);" \
	"--no-self-protect VmRSS $(kb "$PID_off" VmRSS) VmHWM $(kb "$PID_off" VmHWM);" \
	"ps -o rss: $(ps -o rss= -p "$PID_bpf") vs $(ps -o rss= -p "$PID_off")" | diag
# locking every mapping whole (MCL_FUTURE without MCL_ONFAULT) would add tens of MB here
L=$(kb "$PID_bpf" VmRSS) U=$(kb "$PID_off" VmRSS)
[ "$L" -le $((U + U / 4 + 1024)) ]
ok $? "the lock adds no resident memory to speak of ($L kB locked, $U kB not)"

for name in $STOP; do
	stop $name
	ok $? "$name: SIGINT ends it with rc 0"
done

done_testing
