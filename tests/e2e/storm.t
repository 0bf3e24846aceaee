#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# An OOM storm: 200 memcg OOM kills in well under 10 s across 20 cgroups.
# Every kill is reported with its stack and nothing is dropped; with a ring
# buffer made tiny, what is lost is counted exactly.  The kernel log's own
# count (its OOM reports are rate-limited) is printed beside ours.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"
NCG=${STORM_CGROUPS:-20}
PER=${STORM_KILLS_PER_CGROUP:-10}
KILLS=$((NCG * PER))
make_memcg oomtrace-e2e-storm-$$ $((NCG * 32)) || skip_all "cannot create a memory cgroup"
PARENT=$MEMCG_DIR
[ "$CG_VERSION" = 2 ] && echo +memory >"$PARENT/cgroup.subtree_control"
for i in $(seq "$NCG"); do
	make_memcg "s$i" 16 "$PARENT" || skip_all "cannot create nested memory cgroups"
done

storm() { # storm: $PER kills in each of $NCG cgroups, the cgroups in parallel
	local i jobs=""
	for i in $(seq "$NCG"); do
		(
			for _ in $(seq "$PER"); do
				sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --step 2 --max 256' sh \
					"$PARENT/s$i" "$TRIGGER" >/dev/null 2>&1
			done
		) &
		jobs="$jobs $!"
	done
	# these only: a bare wait would wait for oomtrace too
	wait $jobs
}

count_kills() { # oom_kill events of the storm's cgroups, from cgroupfs
	local f=memory.oom_control
	[ "$CG_VERSION" = 2 ] && f=memory.events.local
	cat "$PARENT"/s*/$f | awk '$1 == "oom_kill" {n += $2} END {print n + 0}'
}

check "oomtrace --json --cgroup on the storm's parent starts" start_oomtrace storm --json --cgroup "$PARENT"
START_NS=$(date +%s%N)
storm
SECS=$((($(date +%s%N) - START_NS) / 1000000))
REAL=$(count_kills)
ok $((REAL != KILLS)) "the storm made $REAL kills (want $KILLS) in $SECS ms"
ok $((SECS >= 10000)) "in under 10 s"
for _ in $(seq 50); do
	[ "$(jq -s 'map(select(.type == "oom_kill")) | length' "$WORK/storm.out")" -ge "$REAL" ] && break
	sleep 0.1
done
kill -INT "$PID_storm"
wait "$PID_storm"
GOT=$(jq -s 'map(select(.type == "oom_kill")) | length' "$WORK/storm.out")
ok $((GOT != REAL)) "every kill reported ($GOT of $REAL)"
jq -e -s 'map(select(.type == "oom_kill")) | all(.[]; any(.kstack[]; startswith("out_of_memory+")) and .victim.comm == "oom-trigger")' \
	"$WORK/storm.out" >/dev/null
ok $? "every kill record has its stack"
jq -e -s 'last | .type == "summary" and .dropped == 0' "$WORK/storm.out" >/dev/null
ok $? "0 records dropped"
LOGGED=$(dmesg 2>/dev/null | grep -c "Killed process [0-9]* (oom-trigger)")
echo "kernel log: $LOGGED 'Killed process ... (oom-trigger)' lines in all (it is shared and rate-limited); oomtrace: $GOT kill records of $REAL kills" | diag

# the same storm through a 4 KiB ring buffer: one kill record fits at a time
BEFORE=$(count_kills)
check "oomtrace --ringbuf-size 4 starts" start_oomtrace tiny --json --ringbuf-size 4 --cgroup "$PARENT"
storm
sleep 0.5
kill -INT "$PID_tiny"
wait "$PID_tiny"
REAL=$(($(count_kills) - BEFORE))
GOT=$(jq -s 'map(select(.type == "oom_kill")) | length' "$WORK/tiny.out")
LOST=$(jq -s 'last | .dropped_by_type.oom_kill' "$WORK/tiny.out")
ok $((GOT + LOST != REAL)) "tiny ring buffer: $GOT kill records + $LOST dropped = $REAL kills, exactly"
ok $((LOST == 0)) "and it did drop some ($LOST)"
grep -q "dropped $LOST oom_kill" "$WORK/tiny.err"
ok $? "the exit summary on stderr says so"

done_testing
