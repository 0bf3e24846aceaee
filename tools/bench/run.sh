#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make bench: oomtrace's costs, measured, beside the tools people would
# otherwise use (bpftrace, perf) in the same run.  Prints a table and
# writes it, with a description of the machine, to bench/results.md.
#   BENCH_QUICK=1 for a smoke run (fewer repeats, smaller workloads);
#   BENCH_OUT=FILE to write the table elsewhere.
# Needs root; cgroups are made under our own memory cgroup and removed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
oomtrace=${OOMTRACE:-$top/oomtrace}
helper=$top/.output/bench-helper
trigger=$top/.output/oom-trigger
quick=${BENCH_QUICK:-0}
out=${BENCH_OUT:-$top/bench/results.md}
if [ "$quick" = 1 ]; then
	starts=5 pairs=3 kills=20 file_mib=128 rounds=1 cost_kills=5 readers=200
	scale="SCALE_MEMCGS=2000 SCALE_KILLS=10 SCALE_STORM_PER=2"
else
	starts=20 pairs=15 kills=100 file_mib=512 rounds=4 cost_kills=20 readers=2000
	scale=""
fi
work=$(mktemp -d /tmp/oomtrace-bench.XXXXXX)
. "$top/tools/memcg.sh"
. "$top/tools/bench/attached.sh"
memcg_locate || { echo "bench: no memory cgroup to work under" >&2; exit 1; }
limit=$CG_LIMIT
cg=$CG_BASE/oomtrace-bench-$$
data=/var/tmp/oomtrace-bench-$$.dat
cleanup() {
	rmdir "$cg" 2>/dev/null
	rm -rf "$work" "$data"
}
trap cleanup EXIT
mkdir "$cg" && echo 32M >"$cg/$limit" || exit 1
dd if=/dev/zero of="$data" bs=1M count="$file_mib" conv=fsync status=none

median() { sort -n | awk '{a[NR] = $1} END {if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
pct() { sort -n | awk -v p="$1" '{a[NR] = $1} END {i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i]}'; }
row() { printf '| %-44s | %14s | %-24s |\n' "$1" "$2" "$3" | tee -a "$work/table"; }

# the reclaim-heavy workload: stream the file through the 32 MiB memcg
# (rounds times: one read of 512 MiB is 0.3 s here, and its run-to-run
# noise of a few percent would swamp a 1% target)
workload() {
	dd if="$data" iflag=nocache count=0 status=none
	local t0=$(date +%s%N)
	sh -c 'echo $$ >"$1/cgroup.procs" && for _ in $(seq "$3"); do
		dd if="$2" of=/dev/null bs=1M iflag=nocache status=none; done' sh "$cg" "$data" "$rounds"
	echo $((($(date +%s%N) - t0) / 1000))
}

# start a tracer, wait until it is ready, echo its pid
start_tracer() { # start_tracer READY-PATTERN CMD...
	local pat=$1 out=$work/tracer.out
	shift
	"$@" >"$out" 2>&1 &
	local p=$!
	if [ -z "$pat" ]; then
		sleep 1 # perf record says nothing when it is ready
	else
		for _ in $(seq 300); do grep -q "$pat" "$out" 2>/dev/null && break; sleep 0.05; done
		wait_attached "$p" || echo "bench: $1 holds no BPF programs" >&2
	fi
	echo "$p"
}
stop_tracer() { kill -INT "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

: >"$work/table"
row "what" "figure" "target / peer"
row "---" "---" "---"

# 1. per-invocation cost of each program under the reclaim and kill
# workloads; beside it, in the same run, the floor (a program that does
# nothing, on the same tracepoint), the floor of the one thing a program
# there cannot do without (a clock read at a pass's start; a kill's stack
# and its wakeup), each alone, and bpftrace's programs
prog_cost() { # prog_cost OUT [TRACER READY [ROUNDS KILLS FILE_MIB]]
	local out=$1
	TRACER=${2:-} READY=${3:-} OOMTRACE=$oomtrace \
		"$top/tools/bench/prog-cost.sh" "${6:-$file_mib}" 32 "${4:-$rounds}" "${5:-$cost_kills}" >"$out" 2>&1 ||
		{ echo "bench: prog-cost failed: $(tail -1 "$out")" >&2; : >"$out"; }
}
mean_of() { awk -v n="$1" '$1 == n && $2 > 0 {print $4}' "$2"; }
prog_cost "$work/progs"
prog_cost "$work/floor" "$helper floor mm_vmscan_memcg_reclaim_begin mm_vmscan_memcg_reclaim_end mm_vmscan_lru_shrink_inactive mark_victim" ready
# one at a time, alone on their tracepoint: a stack taken at reclaim too
# would find the unwinder's tables warm at the kill (4 us here, not 15-28)
prog_cost "$work/floor_clock" "$helper floor --clock mm_vmscan_memcg_reclaim_begin" ready "$rounds" 0
prog_cost "$work/floor_stack" "$helper floor --stack mark_victim" ready 0 "$cost_kills" 16
prog_cost "$work/floor_wakeup" "$helper floor --wakeup mark_victim" ready 0 "$cost_kills" 16
: >"$work/bt"
command -v bpftrace >/dev/null && prog_cost "$work/bt" "bpftrace -B line $top/tools/bench/oom-reclaim.bt" Attaching
# the names the floor and bpftrace give their programs: the tracepoint, cut to 15
peer_name() {
	case $1 in
	memcg_reclaim_begin) echo mm_vmscan_memcg ;;
	lru_shrink_inactive) echo mm_vmscan_lru_s ;;
	*mark_victim) echo mark_victim ;;
	esac
}
while read -r name cnt _ mean; do
	[ "$name" = program ] && continue
	[ "$cnt" -gt 0 ] 2>/dev/null || continue
	case $name in
	*mark_victim) target="<= 2 us" ;;
	*exit | *reaping) target="" ;;
	*) target="<= 100 ns" ;;
	esac
	peer=$(peer_name "$name")
	# the floor's begin and end share a cut name: the first is begin
	floor=$([ "$name" = memcg_reclaim_end ] && awk '$1 == "mm_vmscan_memcg" && $2 > 0 {m = $4} END {print m}' "$work/floor" ||
		{ [ -n "$peer" ] && mean_of "$peer" "$work/floor" | head -1; })
	bt=$([ -n "$peer" ] && [ "$name" != memcg_reclaim_end ] && mean_of "$peer" "$work/bt")
	note=$target
	[ -n "$floor" ] && note="$note; empty prog ${floor} ns"
	case $name in
	memcg_reclaim_begin) alone=$(mean_of mm_vmscan_memcg "$work/floor_clock") &&
		[ -n "$alone" ] && note="$note; clock read alone ${alone} ns" ;;
	*mark_victim)
		alone=$(mean_of mark_victim "$work/floor_stack") && [ -n "$alone" ] && note="$note; stack alone ${alone} ns"
		alone=$(mean_of mark_victim "$work/floor_wakeup") && [ -n "$alone" ] && note="$note; wakeup alone ${alone} ns" ;;
	esac
	[ -n "$bt" ] && note="$note; bpftrace ${bt} ns (x$(awk -v a="$mean" -v b="$bt" 'BEGIN {printf "%.2f", a / b}'))"
	# a peer that failed is said in the table, not left out of it
	case $name in
	memcg_reclaim_begin | *mark_victim)
		[ -n "$bt" ] || ! command -v bpftrace >/dev/null || note="$note; bpftrace: no figure, see stderr" ;;
	esac
	row "cost: $name (${cnt} runs)" "${mean} ns" "${note#; }"
done <"$work/progs"

# 2. workload slowdown, interleaved A/B pairs, median ratio
slowdown() { # slowdown NAME READY-PATTERN CMD...
	local name=$1 pat=$2
	shift 2
	: >"$work/ratios"
	for _ in $(seq "$pairs"); do
		local a b p
		a=$(workload)
		p=$(start_tracer "$pat" "$@")
		b=$(workload)
		stop_tracer "$p"
		echo "$a $b" | awk '{printf "%.4f\n", $2 / $1}' >>"$work/ratios"
	done
	median <"$work/ratios"
}
r_oom=$(slowdown oomtrace '^Tracing' "$oomtrace" --json)
row "workload slowdown, oomtrace (median of $pairs pairs, ${rounds}x ${file_mib} MiB)" "x$r_oom" "<= 1.01"
if command -v bpftrace >/dev/null; then
	r_bt=$(slowdown bpftrace 'Attaching' bpftrace -B line "$top/tools/bench/oom-reclaim.bt")
	row "workload slowdown, bpftrace script" "x$r_bt" "peer"
fi
if command -v perf >/dev/null && perf list 2>/dev/null | grep -q 'vmscan:'; then
	r_perf=$(slowdown perf '' perf record -q -o "$work/perf.data" -e 'vmscan:*' -g -a)
	row "workload slowdown, perf record -e vmscan:* -g" "x$r_perf" "peer"
fi

# 3. startup: exec to the ready line
for _ in $(seq "$starts"); do "$helper" ready 'Tracing' "$oomtrace"; done | grep -v timeout | median >"$work/start"
row "startup, exec to ready (median of $starts)" "$(cat "$work/start") ms" "<= 50 ms"
if command -v bpftrace >/dev/null; then
	for _ in $(seq "$starts"); do "$helper" ready 'Attaching' bpftrace -B line "$top/tools/bench/oom-reclaim.bt"; done |
		grep -v timeout | median >"$work/start_bt"
	row "startup, bpftrace script" "$(cat "$work/start_bt") ms" "peer ($(awk -v a="$(cat "$work/start")" '{printf "x%.1f oomtrace", $1 / a}' "$work/start_bt"))"
fi

# 4 and 5. footprint and latency: $kills kills, each record stamped on arrival
# the stamper runs real-time so that its own wakeup is not what is measured
"$oomtrace" --json 2>"$work/lat.err" | chrt -f 10 "$helper" stamp >"$work/lat.out" &
for _ in $(seq 300); do grep -q '^Tracing' "$work/lat.err" && break; sleep 0.05; done
opid=$(pgrep -n -f "^$oomtrace --json$")
# the ready line comes before the symbol table is built: let it settle
sleep 1
steady=$(awk '/^VmRSS/ {print $2}' /proc/"$opid"/status)
echo 16M >"$cg/$limit"
for _ in $(seq "$kills"); do
	# in a subshell: its "Killed" notice goes to /dev/null too
	(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --step 2 --max 256' sh "$cg" "$trigger" || true) >/dev/null 2>&1
done
sleep 0.5
peak=$(awk '/^VmHWM/ {print $2}' /proc/"$opid"/status)
kill -INT "$opid"
wait
awk '{ sub(/^[0-9]+ /, ""); print }' "$work/lat.out" >/dev/null
paste -d' ' <(awk '{print $1}' "$work/lat.out") <(cut -d' ' -f2- "$work/lat.out" | jq -r 'if .type == "oom_kill" then .ktime_ns else "-" end') |
	awk '$2 != "-" {printf "%.3f\n", ($1 - $2) / 1e6}' >"$work/lat"
row "steady RSS after startup" "$((steady / 1024)).$(((steady % 1024) * 10 / 1024)) MB" "<= 8 MB"
row "peak RSS over $kills kills" "$((peak / 1024)).$(((peak % 1024) * 10 / 1024)) MB" "<= 16 MB"
row "latency kill -> record on stdout, p50 ($(wc -l <"$work/lat") kills)" "$(pct 50 <"$work/lat") ms" ""
row "latency kill -> record on stdout, p99" "$(pct 99 <"$work/lat") ms" "<= 5 ms"
row "binary size, dynamic" "$(($(stat -c %s "$oomtrace") / 1024)) KiB" ""
[ -x "$top/oomtrace-static" ] && row "binary size, static" "$(($(stat -c %s "$top/oomtrace-static") / 1024)) KiB" ""

# 6. storm throughput with 0 drops: the storm test's figures
if STORM_CGROUPS=20 STORM_KILLS_PER_CGROUP=10 prove -v "$top/tests/e2e/storm.t" >"$work/storm" 2>&1; then
	ms=$(sed -n 's/.*made \([0-9]*\) kills.* in \([0-9]*\) ms.*/\2/p' "$work/storm")
	n=$(sed -n 's/.*made \([0-9]*\) kills.*/\1/p' "$work/storm")
	row "storm: kills/s with 0 drops (20 memcgs)" "$((n * 1000 / ms))/s" "all reported"
fi

# 6b. reclaim_stall records: short readers, 4 at a time, each reading 2 MiB
# of the file not yet cached into the full 16 MiB memcg: one episode each,
# closed at its exit, all printed (--reclaim-stalls 0)
echo 16M >"$cg/$limit"
dd if="$data" iflag=nocache count=0 status=none
sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if="$2" of=/dev/null bs=1M count=32 status=none' sh "$cg" "$data"
"$oomtrace" --json --reclaim-stalls 0 >"$work/stalls.out" 2>"$work/stalls.err" &
spid=$!
for _ in $(seq 300); do grep -q '^Tracing' "$work/stalls.err" && break; sleep 0.05; done
t0=$(date +%s%N)
seq 16 "$readers" | xargs -P4 -I{} sh -c \
	'echo $$ >"$1/cgroup.procs" && exec dd if="$2" of=/dev/null bs=1M count=2 skip=$(($3 * 2 % $4)) status=none' \
	sh "$cg" "$data" {} "$file_mib"
ms=$((($(date +%s%N) - t0) / 1000000))
sleep 0.3
kill -INT "$spid"
wait "$spid"
got=$(jq -s '[.[] | select(.type == "reclaim_stall")] | length' "$work/stalls.out")
lost=$(jq -s 'last | .dropped_by_type.reclaim_stall' "$work/stalls.out")
row "storm: reclaim_stall records/s ($got, $((readers - 15)) readers)" "$((got * 1000 / ms))/s" "$lost dropped"

# 7. the busy node: 3,000 processes in the memcg that OOMs, 10,000 other
# memcgs, kills one after another and a storm (tools/bench/scale.sh)
env $scale OOMTRACE="$oomtrace" BENCH_HELPER="$helper" OOM_TRIGGER="$trigger" \
	"$top/tools/bench/scale.sh" 2>"$work/scale.err" | tee -a "$work/table"
[ -s "$work/scale.err" ] && echo "bench: scale: $(tail -1 "$work/scale.err")" >&2

{
	echo "# oomtrace benchmarks"
	echo
	echo "Measured by \`make bench\` ($( [ "$quick" = 1 ] && echo "quick smoke run" || echo "full run")) on $(date -u +%Y-%m-%d):"
	echo "kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM,"
	echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); hooks: $(grep -o 'oom_kill_process: [^)]*)' "$work/lat.err" | head -1)."
	echo "Medians over repeats; slowdowns are interleaved A/B pairs, with and without the tracer."
	echo
	cat "$work/table"
} >"$out"
echo "wrote $out"
