#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# oomtrace top: processes of known sizes ranked as the kernel ranks them.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
[ -x "$TRIGGER" ] || skip_all "$TRIGGER is not built (run make)"
command -v jq >/dev/null || skip_all "needs jq"
[ "$(id -u)" -eq 0 ] || skip_all "needs root to create a memory cgroup"
find_memcg || skip_all "no writable memory cgroup for this process"
make_memcg oomtrace-e2e-top-$$ 1024 || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR

# three holders of 32, 96 and 160 MiB in one memcg, and no OOM anywhere
HOLDERS=""
for mib in 32 96 160; do
	sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --step 8 --max "$3" --hold' sh "$CG" "$TRIGGER" "$mib" \
		>"$WORK/hold.$mib" 2>&1 &
	HOLDERS="$HOLDERS $!"
	PIDS="$PIDS $!"
done
for mib in 32 96 160; do
	for _ in $(seq 100); do grep -q holding "$WORK/hold.$mib" && break; sleep 0.1; done
done
read -r SMALL MID BIG <<<"$HOLDERS"

"$OOMTRACE" top --cgroup "$CG" --json >"$WORK/top.json"
ok $? "top --cgroup --json exits 0"
ORDER=$(jq -r '[.processes[].pid] | join(" ")' "$WORK/top.json")
ok $(([ "$ORDER" = "$BIG $MID $SMALL" ] && echo 0) || echo 1) "ranks the holders biggest first ($ORDER)"
jq -e '.processes | map(.points) | . == (sort | reverse) and all(.[]; . > 0)' "$WORK/top.json" >/dev/null
ok $? "points fall as the list goes down"
jq -e '.processes | all(.[]; .anon_rss_kb > 0 and .oom_score > 0 and .memcg != null)' "$WORK/top.json" >/dev/null
ok $? "each row has its parts, the kernel's oom_score and its memcg"
for p in $BIG $MID $SMALL; do cat "/proc/$p/oom_score"; done >"$WORK/kernel"
sort -rn -c "$WORK/kernel" 2>/dev/null && [ "$(sort -un "$WORK/kernel" | wc -l)" -eq 3 ]
ok $? "the kernel's own /proc/PID/oom_score orders them the same ($(echo $(cat "$WORK/kernel")))"

# over the whole host, points scaled as proc_oom_score() scales them
# (1000 + points * 1000 / totalpages) * 2 / 3 must equal the kernel's oom_score
"$OOMTRACE" top --json --limit 100000 >"$WORK/all.json"
for p in $BIG $MID $SMALL; do
	jq -e --argjson p "$p" --argjson k "$(cat /proc/$p/oom_score)" '
		.totalpages as $t | .processes[] | select(.pid == $p)
		| ((1000 + ((.points * 1000 / $t) | floor)) * 2 / 3 | floor) as $mine
		| ($mine - $k | fabs) <= 1' "$WORK/all.json" >/dev/null
	ok $? "pid $p: points agree with the kernel's oom_score"
done

"$OOMTRACE" top --cgroup "$CG" --limit 2 | grep -c "oom-trigger" | grep -qx 2
ok $? "text output with --limit 2 shows two rows"
"$OOMTRACE" top --interval 0.2 --count 2 --json --limit 1 | jq -s 'length' | grep -qx 2
ok $? "--interval 0.2 --count 2 refreshes twice"
# the whole host: init is never a candidate, as the kernel never picks it
"$OOMTRACE" top --json --limit 100000 | jq -e '.processes | length > 1 and all(.[]; .pid != 1)' >/dev/null
ok $? "pid 1 is never ranked (the kernel's oom_unkillable_task)"
"$OOMTRACE" top --cgroup /no/such/cgroup >/dev/null 2>&1
ok $(($? != 2)) "a bad --cgroup is a usage error"

done_testing
