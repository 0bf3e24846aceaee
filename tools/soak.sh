#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Soak: SECONDS of cgroup churn (create a memcg, OOM it, remove it; hundreds
# of them) with reclaim stalls in between, under one oomtrace.  Prints
# oomtrace's RSS and open fds over time, then checks that both stayed flat
# and that every kill record names the memcg its victim really ran in
# (pids and cgroup ids get reused).  Exit 0 when all holds.
#   tools/soak.sh [SECONDS] [OOMTRACE]       (root; cgroups under our own)
set -u
secs=${1:-600}
top=$(cd "$(dirname "$0")/.." && pwd)
oomtrace=${2:-$top/oomtrace}
trigger=$top/.output/oom-trigger
work=$(mktemp -d /tmp/oomtrace-soak.XXXXXX)

. "$top/tools/memcg.sh"
memcg_locate || { echo "soak: no memory cgroup to work under" >&2; exit 1; }
own=$CG_REL limit=$CG_LIMIT
parent=$CG_BASE/oomtrace-soak-$$
mkdir "$parent" || exit 1
[ "$limit" = memory.max ] && echo +memory >"$parent/cgroup.subtree_control"
data=/var/tmp/oomtrace-soak-$$.dat
dd if=/dev/zero of="$data" bs=1M count=64 conv=fsync status=none

pid=""
cleanup() {
	[ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	for d in "$parent"/*/; do [ -d "$d" ] && rmdir "$d"; done
	rmdir "$parent"
	rm -rf "$work" "$data"
}
trap cleanup EXIT

"$oomtrace" --json --reclaim-stalls 0 --cgroup "$parent" >"$work/records" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q '^Tracing' "$work/err" && break; sleep 0.1; done

sample() { # seconds rss_kb fds records
	printf '%6d %8d %4d %8d\n' "$1" "$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)" \
		"$(ls /proc/$pid/fd | wc -l)" "$(wc -l <"$work/records")"
}

echo "     s   rss_kb  fds  records"
start=$(date +%s)
next=0 i=0
: >"$work/expected"
while [ $(($(date +%s) - start)) -lt "$secs" ]; do
	i=$((i + 1))
	cg=$parent/c$i
	mkdir "$cg" && echo 16M >"$cg/$limit"
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --step 2 --max 256' sh "$cg" "$trigger" >/dev/null 2>&1 &
	tp=$!
	wait $tp 2>/dev/null
	echo "$tp $own/oomtrace-soak-$$/c$i" >>"$work/expected"
	if [ $((i % 10)) -eq 0 ]; then
		dd if="$data" iflag=nocache count=0 status=none
		sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if="$2" of=/dev/null bs=1M status=none' sh "$cg" "$data"
	fi
	rmdir "$cg" 2>/dev/null || { sleep 0.2; rmdir "$cg"; }
	now=$(($(date +%s) - start))
	# the first sample once the first record is out: by then the symbols
	# are loaded (their file closed), which "Tracing" does not wait for
	[ "$i" -eq 1 ] && for _ in $(seq 100); do [ -s "$work/records" ] && break; sleep 0.1; done
	if [ "$now" -ge "$next" ]; then
		sample "$now" | tee -a "$work/curve"
		next=$((now + (secs >= 60 ? secs / 20 : 2)))
	fi
done
sleep 1
sample $(($(date +%s) - start)) | tee -a "$work/curve"
kill -INT "$pid"
wait "$pid"
rc=$?
pid=""

cgroups=$i
first_rss=$(awk 'NR == 2 {print $2}' "$work/curve")
last_rss=$(awk 'END {print $2}' "$work/curve")
first_fds=$(awk 'NR == 1 {print $3}' "$work/curve")
last_fds=$(awk 'END {print $3}' "$work/curve")
kills=$(jq -s 'map(select(.type == "oom_kill")) | length' "$work/records")
jq -r 'select(.type == "oom_kill") | "\(.victim.pid) \(.memcg.path)"' "$work/records" >"$work/got"
# every victim's record names the memcg it ran in, and nothing else was killed
wrong=$(sort "$work/expected" | comm -3 - <(sort "$work/got") | tee "$work/diff" | wc -l)
[ "$wrong" -eq 0 ] || sed 's/^/soak: mismatch: /' "$work/diff" >&2
dropped=$(jq -s 'last | .dropped' "$work/records")

echo "soak: $cgroups memcgs created, OOMed and removed in $secs s; $kills kill records, $wrong wrong, $dropped dropped"
echo "soak: rss ${first_rss} kB after the first sample, ${last_rss} kB at the end; fds $first_fds -> $last_fds"
fail=0
[ "$rc" -eq 0 ] || { echo "soak: oomtrace exited $rc" >&2; fail=1; }
[ "$kills" -eq "$cgroups" ] && [ "$wrong" -eq 0 ] && [ "$dropped" -eq 0 ] || fail=1
# flat: no more than 1 MiB of growth once started (caches are bounded)
[ "$last_rss" -le $((first_rss + 1024)) ] || { echo "soak: RSS grew" >&2; fail=1; }
[ "$last_fds" -eq "$first_fds" ] || { echo "soak: fds changed" >&2; fail=1; }
exit $fail
