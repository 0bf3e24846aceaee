#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Mean cost per invocation of each of oomtrace's BPF programs under a
# reclaim-heavy workload: a reader streams a file through a small memory
# cgroup (created under our own, removed afterwards), with the kernel's BPF
# run-time statistics on (kernel.bpf_stats_enabled=1, restored after).
#   tools/bench/prog-cost.sh [FILE_MIB] [LIMIT_MIB] [ROUNDS]
# Prints: program, invocations, total ns, mean ns.  Needs root.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
file_mib=${1:-512} limit_mib=${2:-64} rounds=${3:-3}
oomtrace=${OOMTRACE:-$top/oomtrace}

[ "$(id -u)" -eq 0 ] || { echo "prog-cost: needs root" >&2; exit 1; }
. "$top/tools/memcg.sh"
memcg_locate || { echo "prog-cost: no memory cgroup to work under" >&2; exit 1; }
cg=$CG_BASE/oomtrace-bench-$$ limit_file=$CG_LIMIT
data=/var/tmp/oomtrace-bench-$$.dat
errf=$(mktemp)
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
pid=""
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
	rmdir "$cg" 2>/dev/null || true
	rm -f "$data" "$errf"
}
trap cleanup EXIT

mkdir "$cg"
echo "${limit_mib}M" >"$cg/$limit_file"
dd if=/dev/zero of="$data" bs=1M count="$file_mib" conv=fsync status=none

sysctl -q -w kernel.bpf_stats_enabled=1
"$oomtrace" --json >/dev/null 2>"$errf" &
pid=$!
for _ in $(seq 100); do grep -q '^Tracing' "$errf" && break; sleep 0.1; done
ids=$(cat /proc/$pid/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" {print $2}' | sort -u)

for _ in $(seq "$rounds"); do
	dd if="$data" iflag=nocache count=0 status=none
	sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if="$2" of=/dev/null bs=1M status=none' sh "$cg" "$data"
done

printf '%-24s %12s %14s %10s\n' program run_cnt run_time_ns mean_ns
for id in $ids; do
	bpftool prog show id "$id" -j | jq -r '
		[.name, (.run_cnt // 0), (.run_time_ns // 0)] | @tsv'
done | sort | awk -F'\t' '{ printf "%-24s %12d %14d %10s\n", $1, $2, $3, ($2 ? sprintf("%.0f", $3 / $2) : "-") }'
