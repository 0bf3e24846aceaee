#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The scale benchmark: oomtrace on a busy node.  SCALE_PROCS cheap
# sleepers in the memory cgroup that OOMs, SCALE_MEMCGS other memory
# cgroups beside it, then SCALE_KILLS kills one after another there
# (oomtrace --json, each line stamped on arrival), and a storm of
# SCALE_STORM_CGROUPS x SCALE_STORM_PER kills across other memcgs on that
# same node.  Prints table rows ("| what | figure | target |") on stdout;
# the targets are printed beside, not asserted.
#   OOMTRACE, BENCH_HELPER, OOM_TRIGGER: the binaries (default: this tree's).
#   SCALE_KEEP=1 keeps the work directory (the stamped records) to look at.
# Needs root; every cgroup is made under our own memory cgroup and removed,
# every process it starts is ended by its pid.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
oomtrace=${OOMTRACE:-$top/oomtrace}
helper=${BENCH_HELPER:-$top/.output/bench-helper}
trigger=${OOM_TRIGGER:-$top/.output/oom-trigger}
nprocs=${SCALE_PROCS:-3000}
nmemcgs=${SCALE_MEMCGS:-10000}
kills=${SCALE_KILLS:-40}
storm_cgs=${SCALE_STORM_CGROUPS:-50}
storm_per=${SCALE_STORM_PER:-4}
. "$top/tools/memcg.sh"
memcg_locate || { echo "scale: no memory cgroup to work under" >&2; exit 1; }
work=$(mktemp -d /tmp/oomtrace-scale.XXXXXX)
base=$CG_BASE/oomtrace-scale-$$
sleepers_pid="" tracer_pid="" stamp_pid=""

row() { printf '| %-44s | %14s | %-24s |\n' "$1" "$2" "$3"; }
pct() { sort -n | awk -v p="$1" '{a[NR] = $1} END {i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i]}'; }
mb() { echo "$(($1 / 1024)).$((($1 % 1024) * 10 / 1024)) MB"; }

cleanup() {
	[ -n "$tracer_pid" ] && kill -INT "$tracer_pid" 2>/dev/null && wait "$stamp_pid" 2>/dev/null
	[ -n "$sleepers_pid" ] && kill -TERM "$sleepers_pid" 2>/dev/null && wait "$sleepers_pid" 2>/dev/null
	if [ -d "$base" ]; then
		(cd "$base/others" 2>/dev/null && ls -d m[0-9]* 2>/dev/null | xargs -r rmdir)
		rmdir "$base"/storm/s* "$base/storm" "$base/others" "$base/oom" "$base" 2>/dev/null
	fi
	[ -n "${SCALE_KEEP:-}" ] && echo "scale: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

# make_cg DIR: a memory cgroup whose children are memory cgroups too
make_cg() {
	mkdir "$1" || return 1
	[ "$CG_VERSION" = 2 ] && { echo +memory >"$1/cgroup.subtree_control" || return 1; }
	return 0
}
oom_kills() { # oom_kill events counted in memcg DIR itself
	local f=memory.oom_control
	[ "$CG_VERSION" = 2 ] && f=memory.events.local
	awk '$1 == "oom_kill" {n += $2} END {print n + 0}' "$1"/$f
}
usage_file=memory.usage_in_bytes
[ "$CG_VERSION" = 2 ] && usage_file=memory.current

make_cg "$base" && make_cg "$base/others" && make_cg "$base/storm" && mkdir "$base/oom" || exit 1
(cd "$base/others" && seq -f 'm%g' "$nmemcgs" | xargs mkdir) || exit 1
for i in $(seq "$storm_cgs"); do
	mkdir "$base/storm/s$i" && echo 16M >"$base/storm/s$i/$CG_LIMIT" || exit 1
done

# the crowd: small sleepers with the normal adj, ranked like anyone else
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" sleepers "$3"' sh "$base/oom" "$helper" "$nprocs" >"$work/sleepers" &
sleepers_pid=$!
for _ in $(seq 600); do grep -q '^ready' "$work/sleepers" 2>/dev/null && break; sleep 0.05; done
grep -q '^ready' "$work/sleepers" || { echo "scale: the $nprocs sleepers did not start" >&2; exit 1; }
# room for a 16 MiB allocator above what the crowd holds (page tables,
# stacks): the allocator is the biggest, and it is the one the kernel picks
echo $(($(cat "$base/oom/$usage_file") + (16 << 20))) >"$base/oom/$CG_LIMIT" || exit 1

# start_tracer NAME: oomtrace --json, stamped; sets tracer_pid
start_tracer() {
	"$oomtrace" --json 2>"$work/$1.err" | chrt -f 10 "$helper" stamp >"$work/$1.out" &
	stamp_pid=$!
	for _ in $(seq 600); do grep -q '^Tracing' "$work/$1.err" 2>/dev/null && break; sleep 0.05; done
	tracer_pid=$(pgrep -n -f "^$oomtrace --json$")
	[ -n "$tracer_pid" ] || { echo "scale: oomtrace did not start: $(tail -1 "$work/$1.err")" >&2; exit 1; }
	sleep 1 # the ready line comes before the symbol table is built
}
stop_tracer() { # the stamper ends when oomtrace, its writer, has
	kill -INT "$tracer_pid"
	wait "$stamp_pid"
	tracer_pid=""
}
summary_dropped() { # what the exit summary says was dropped, by type when any was
	cut -d' ' -f2- "$1" | jq -r -s 'map(select(.type == "summary")) | last
		| if . == null then "none" elif .dropped == 0 then "0"
		  else "\(.dropped) (" + (.dropped_by_type | to_entries | map(select(.value > 0) | "\(.key) \(.value)") | join(", ")) + ")" end'
}
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' /proc/"$1"/stat; }
# The kill records of our triggers, by victim pid: the node may have other
# OOMs, and a record's memcg may be null (the tracepoint tier infers it)
ours='def ours: .type == "oom_kill" and ([.victim.pid] | inside($pids));'
records() { # records FILE PIDS-FILE
	cut -d' ' -f2- "$1" | jq -c --slurpfile pids "$2" "$ours select(ours)" 2>/dev/null | wc -l
}
kill_in() { # kill_in DIR PIDS-FILE: one trigger in memcg DIR until it is killed, its pid kept
	(
		sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --step 2 --max 256' sh "$1" "$trigger" &
		echo $! >>"$2"
		wait $!
	) >/dev/null 2>&1
}
wait_records() { # wait_records FILE PIDS-FILE N: up to 60 s
	for _ in $(seq 600); do [ "$(records "$1" "$2")" -ge "$3" ] && return; sleep 0.1; done
}

# 1. kills one after another in the crowded memcg
: >"$work/seq.pids" && : >"$work/storm.pids"
start_tracer seq
k0=$(oom_kills "$base/oom")
c0=$(cpu_ticks "$tracer_pid")
for _ in $(seq "$kills"); do
	kill_in "$base/oom" "$work/seq.pids"
done
made=$(($(oom_kills "$base/oom") - k0))
wait_records "$work/seq.out" "$work/seq.pids" "$made"
c1=$(cpu_ticks "$tracer_pid")
peak=$(awk '/^VmHWM/ {print $2}' /proc/"$tracer_pid"/status)
stop_tracer
got=$(records "$work/seq.out" "$work/seq.pids")
lost=$(summary_dropped "$work/seq.out")
alive=$(($(wc -l <"$base/oom/cgroup.procs") - 1))
paste -d' ' <(cut -d' ' -f1 "$work/seq.out") <(cut -d' ' -f2- "$work/seq.out" | jq -r --slurpfile pids "$work/seq.pids" "$ours if ours then .ktime_ns else \"-\" end") |
	awk '$2 != "-" {printf "%.3f\n", ($1 - $2) / 1e6}' >"$work/lat"
tck=$(getconf CLK_TCK)
label="$nprocs procs in the memcg, $nmemcgs memcgs"
row "scale ($label): records" "$got of $made" "all of $kills"
row "scale: dropped" "$lost" "0"
row "scale: oomtrace CPU per kill" "$(awk -v t="$((c1 - c0))" -v h="$tck" -v n="$made" 'BEGIN {printf "%.1f ms", n ? t * 1000 / h / n : 0}')" "<= 10 ms"
row "scale: kill -> record, p50" "$(pct 50 <"$work/lat") ms" ""
row "scale: kill -> record, p99" "$(pct 99 <"$work/lat") ms" "<= 50 ms"
row "scale: peak RSS" "$(mb "$peak")" "<= 12 MB"
[ "$alive" -ge "$nprocs" ] || echo "scale: only $alive of the $nprocs sleepers are left" >&2

# 2. a storm across other memcgs of the same node, the memcgs in parallel
start_tracer storm
jobs=""
for i in $(seq "$storm_cgs"); do
	(
		for _ in $(seq "$storm_per"); do
			kill_in "$base/storm/s$i" "$work/storm.pids"
		done
	) &
	jobs="$jobs $!"
done
wait $jobs
made=0
for i in $(seq "$storm_cgs"); do made=$((made + $(oom_kills "$base/storm/s$i"))); done
wait_records "$work/storm.out" "$work/storm.pids" "$made"
stop_tracer
got=$(records "$work/storm.out" "$work/storm.pids")
lost=$(summary_dropped "$work/storm.out")
row "scale: storm across $storm_cgs memcgs, records" "$got of $made" "all of $((storm_cgs * storm_per))"
row "scale: storm, dropped" "$lost" "0"
