# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Helpers for end-to-end tests written as TAP scripts (run by prove).
# OOMs are caused only inside child memory cgroups created here, under the
# test's own memory cgroup, with a limit; they are removed on exit.

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OOMTRACE=${OOMTRACE:-$TOP/oomtrace}
TRIGGER=${TRIGGER:-$TOP/.output/oom-trigger}
WORK=$(mktemp -d /tmp/oomtrace-e2e.XXXXXX)
T_NUM=0
T_FAILED=0
CGROUPS=""
PIDS=""

ok() { # ok COND-EXIT-STATUS DESCRIPTION
	T_NUM=$((T_NUM + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_NUM - $2"
	else
		echo "not ok $T_NUM - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

check() { # check DESCRIPTION COMMAND...: ok when the command succeeds
	local desc=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$desc"
}

diag() { sed 's/^/# /' >&2; }

# expect_cmd DESC RC PATTERN CMD...: CMD exits RC and says PATTERN (stdout or
# stderr); a refused command (RC != 0) must not have got as far as Tracing
expect_cmd() {
	local desc=$1 rc=$2 pat=$3 out got
	shift 3
	out=$("$@" 2>&1)
	got=$?
	[ "$got" -eq "$rc" ] && grep -q -- "$pat" <<<"$out" &&
		{ [ "$rc" -eq 0 ] || ! grep -q '^Tracing' <<<"$out"; }
	ok $? "$desc (rc $got)"
	[ "$got" -eq "$rc" ] || diag <<<"$out"
}

# expect DESC RC PATTERN ARGS...: the same for oomtrace ARGS
expect() {
	local desc=$1 rc=$2 pat=$3
	shift 3
	expect_cmd "$desc" "$rc" "$pat" "$OOMTRACE" "$@"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$T_NUM"
	[ "$T_FAILED" -eq 0 ]
}

cleanup() {
	local p cg
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	for cg in $CGROUPS; do
		# a killed task can take a moment to leave its cgroup
		for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$cg" 2>/dev/null && break; sleep 0.2; done
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

need_root_and_bpf() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (CAP_BPF, CAP_PERFMON) to load BPF"
	[ -r /sys/kernel/btf/vmlinux ] || skip_all "kernel has no BTF at /sys/kernel/btf/vmlinux"
	[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
	[ -x "$TRIGGER" ] || skip_all "$TRIGGER is not built (run make)"
	command -v jq >/dev/null || skip_all "needs jq"
}

. "$TOP/tools/memcg.sh"

# Where this process's memory cgroup lives: CG_VERSION, CG_BASE, CG_REL.
find_memcg() {
	memcg_locate
}

# make_memcg NAME MIB [PARENT_DIR]: a child memory cgroup with a limit, in
# MEMCG_DIR.  Not in a $(subshell): cleanup must learn of it to remove it.
make_memcg() {
	local dir=${3:-$CG_BASE}/$1
	MEMCG_DIR=$dir
	mkdir "$dir" || return 1
	CGROUPS="$dir $CGROUPS"
	echo "$2M" >"$dir/$CG_LIMIT" || return 1
	if [ "$CG_VERSION" = 2 ]; then
		echo 0 >"$dir/memory.swap.max" 2>/dev/null
	fi
	return 0
}

# start_oomtrace NAME ARGS...: runs oomtrace in the background, stdout to
# $WORK/NAME.out, stderr to $WORK/NAME.err; waits for its ready line.
start_oomtrace() {
	local name=$1
	shift
	"$OOMTRACE" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	eval "PID_$name=$!"
	PIDS="$PIDS $!"
	for _ in $(seq 100); do
		grep -q '^Tracing' "$WORK/$name.err" && return 0
		kill -0 "$(eval echo "\$PID_$name")" 2>/dev/null || break
		sleep 0.1
	done
	diag <"$WORK/$name.err"
	return 1
}

# run_trigger CGDIR: the OOM trigger inside CGDIR, in the foreground;
# sets TRIGGER_PID and TRIGGER_RC
run_trigger() {
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --max 1024' sh "$1" "$TRIGGER" \
		>"$WORK/trigger.out" 2>&1 &
	TRIGGER_PID=$!
	PIDS="$PIDS $TRIGGER_PID"
	wait "$TRIGGER_PID"
	TRIGGER_RC=$?
}

# wait_for FILE JQ-FILTER: until some line of FILE matches (5 s at most)
wait_for() {
	for _ in $(seq 50); do
		[ -n "$(jq -c "select($2)" "$1" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}
