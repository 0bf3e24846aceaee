#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Mean cost per invocation of a tracer's BPF programs, with the kernel's
# BPF run-time statistics on (kernel.bpf_stats_enabled=1, restored after),
# under two workloads in a memory cgroup made under our own (removed
# afterwards):
#   reclaim: a reader streams a file much larger than the limit, ROUNDS times;
#   kills:   KILLS OOM kills, one allocating process at a time.
#   tools/bench/prog-cost.sh [FILE_MIB] [LIMIT_MIB] [ROUNDS] [KILLS]
# The tracer is oomtrace --json, or TRACER (a command line) which is ready
# once its output shows READY.  Prints: program, invocations, total ns,
# mean ns.  Needs root.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
file_mib=${1:-512} limit_mib=${2:-64} rounds=${3:-3} kills=${4:-20}
tracer=${TRACER:-${OOMTRACE:-$top/oomtrace} --json}
ready=${READY:-^Tracing}
trigger=$top/.output/oom-trigger

[ "$(id -u)" -eq 0 ] || { echo "prog-cost: needs root" >&2; exit 1; }
[ -x "$trigger" ] || { echo "prog-cost: build $trigger first (make tools)" >&2; exit 1; }
. "$top/tools/memcg.sh"
. "$top/tools/bench/attached.sh"
memcg_locate || { echo "prog-cost: no memory cgroup to work under" >&2; exit 1; }
cg=$CG_BASE/oomtrace-bench-$$ limit_file=$CG_LIMIT
data=/var/tmp/oomtrace-bench-$$.dat
outf=$(mktemp)
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
	rmdir "$cg" 2>/dev/null || true
	rm -f "$data" "$outf"
}
trap cleanup EXIT

mkdir "$cg"
echo "${limit_mib}M" >"$cg/$limit_file"
dd if=/dev/zero of="$data" bs=1M count="$file_mib" conv=fsync status=none

sysctl -q -w kernel.bpf_stats_enabled=1
# shellcheck disable=SC2086 # TRACER is a command line
$tracer >"$outf" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "$ready" "$outf" && break; sleep 0.1; done
grep -q "$ready" "$outf" || { echo "prog-cost: tracer not ready: $(head -3 "$outf")" >&2; exit 1; }
wait_attached "$pid" || { echo "prog-cost: tracer holds no BPF programs: $(head -3 "$outf")" >&2; exit 1; }
ids=$(cat /proc/$pid/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" {print $2}' | sort -u)

for _ in $(seq "$rounds"); do
	dd if="$data" iflag=nocache count=0 status=none
	sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if="$2" of=/dev/null bs=1M status=none' sh "$cg" "$data"
done
for _ in $(seq "$kills"); do
	# in a subshell: its "Killed" notice goes to /dev/null too
	(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --step 2 --max 1024' sh "$cg" "$trigger" || true) >/dev/null 2>&1
done

printf '%-24s %12s %14s %10s\n' program run_cnt run_time_ns mean_ns
for id in $ids; do
	bpftool prog show id "$id" -j | jq -r '
		[.name, (.run_cnt // 0), (.run_time_ns // 0)] | @tsv'
done | sort | awk -F'\t' '{ printf "%-24s %12d %14d %10s\n", $1, $2, $3, ($2 ? sprintf("%.0f", $3 / $2) : "-") }'
