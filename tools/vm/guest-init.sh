#!/bin/busybox sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# /init of the matrix's guest: a busybox system in RAM that runs oomtrace
# in every tier at once through a series of OOMs (memcg, memory.oom.group,
# threads, an already-exiting victim, cpuset, mempolicy, sysrq, global,
# global among 1,000 processes, a storm of 30 global OOMs among them, one
# of unreclaimable slab, cgroup v1), keeps the kernel's own log of
# them and its kill counters, and streams it all to the host on the second
# serial port (/dev/ttyS1).  The host checks it (tests/vm/check.sh,
# docs/kernel-matrix.md); the guest only collects.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
CG=/sys/fs/cgroup

OUT=/dev/ttyS1
stty -F "$OUT" raw -echo 2>/dev/null
TIERS="fentry kprobe tracepoint"
kv() { echo "@@ KV $1 $2" >"$OUT"; }
skip() { echo "@@ SKIP $1 $2" >"$OUT"; } # skip SCENARIO REASON...
dump() { # dump NAME FILE
	echo "@@ BEGIN $1" >"$OUT"
	cat "$2" >"$OUT" 2>/dev/null
	echo "@@ END $1" >"$OUT"
}
# dumpz NAME FILE: the same, gzipped and in base64: a fifth of the bytes,
# and the rt kernel's threaded 8250 IRQ was disabled ("nobody cared")
# after ~180 KB of plain text, which stalled the port for good
dumpz() {
	echo "@@ BEGIN $1.gz" >"$OUT"
	gzip -9 -c "$2" 2>/dev/null | base64 >"$OUT"
	echo "@@ END $1.gz" >"$OUT"
}
protect() { echo -1000 >/proc/$1/oom_score_adj; }
vmstat_kills() { awk '$1 == "oom_kill" {print $2}' /proc/vmstat; }
# in_cg DIR CMD...: CMD in the cgroup DIR, in the background ($! is its pid)
in_cg() {
	local dir=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$dir" "$@" >/dev/null 2>&1 &
}
# memcg_v2 NAME MIB: a child of the v2 root with a hard limit and no swap
memcg_v2() {
	mkdir $CG/$1
	echo "$2M" >$CG/$1/memory.max
	echo 0 >$CG/$1/memory.swap.max 2>/dev/null
}
# finished NAME: the background job just started, its pid and exit status as NAME_pid, NAME_rc
finished() {
	local pid=$!
	kv "$1_pid" $pid
	wait $pid
	kv "$1_rc" $?
}
# count_v2 NAME, count_v1 NAME: the kernel's own kill count of a test memcg
count_v2() { kv "v2:/$1" "$(awk '$1 == "oom_kill" {print $2}' $CG/$1/memory.events)"; }
count_v1() { kv "v1:/$1" "$(awk '$1 == "oom_kill" {print $2}' $V1/$1/memory.oom_control)"; }
rm_cg() { # a killed task can take a moment to leave its cgroup
	for _ in 1 2 3 4 5 6 7 8 9 10; do rmdir "$1" 2>/dev/null && return 0; sleep 0.2; done
	return 1
}
# wait_line FILE PATTERN [TRIES]: until FILE has a line matching PATTERN (TRIES tenths of a second, 200: 20 s)
wait_line() {
	local i=0
	while [ $i -lt "${3:-200}" ] && ! grep -q "$2" "$1" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "$2" "$1" 2>/dev/null
}

# The kernel's log, every record as it is written: the ring buffer is 128
# KiB on Debian's kernels, less than this run prints.  /dev/kmsg records
# carry sequence numbers, so the host can tell if any were lost.
cat /dev/kmsg >/tmp/kernel.log &
KMSG_PID=$!
protect $KMSG_PID

kv kernel "$(uname -r)"
uname -v | grep -q PREEMPT_RT && kv preempt_rt 1 || kv preempt_rt 0
kv nodes "$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)"
echo +memory >$CG/cgroup.subtree_control
/prog-ids >/tmp/ids.before

# every tier at once, so that their records describe the same kills.  Not
# protected from here: oomtrace takes itself to oom_score_adj -1000 and
# locks its memory, and the host checks that it did.
for tier in $TIERS; do
	/oomtrace --json --hooks "$tier" >/tmp/$tier.json 2>/tmp/$tier.err &
	echo $! >/tmp/$tier.pid
done
# a fifth instance filtered to one memcg, created before it starts
mkdir $CG/oomt-vm
/oomtrace --json --cgroup /oomt-vm >/tmp/filtered.json 2>/tmp/filtered.err &
echo $! >/tmp/filtered.pid
for tier in $TIERS filtered; do
	i=0
	while [ $i -lt 600 ] && ! grep -q '^Tracing' /tmp/$tier.err; do
		kill -0 "$(cat /tmp/$tier.pid)" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^Tracing' /tmp/$tier.err && kv ready.$tier 1 || kv ready.$tier 0
	pid=$(cat /tmp/$tier.pid)
	kv pid.$tier "$pid"
	kv adj.$tier "$(cat /proc/$pid/oom_score_adj 2>/dev/null)"
	kv vmlck_kb.$tier "$(awk '$1 == "VmLck:" {print $2}' /proc/$pid/status 2>/dev/null)"
done
cat /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" {print $2}' | sort -u >/tmp/ids.held
kv vmstat_before "$(vmstat_kills)"

# 1. a memcg OOM in a 64 MiB child
echo 64M >$CG/oomt-vm/memory.max
echo 0 >$CG/oomt-vm/memory.swap.max 2>/dev/null
in_cg $CG/oomt-vm /oom-trigger --max 1024
finished memcg
count_v2 oomt-vm

# 2. memory.oom.group: a sleeper, a holder with three threads and the
# trigger die together, as one OOM event
memcg_v2 oomt-group 64
echo 1 >$CG/oomt-group/memory.oom.group
in_cg $CG/oomt-group sleep 1000
kv group_sleeper $!
in_cg $CG/oomt-group /oom-trigger --threads 3 --max 6 --hold
GROUP_HOLDER=$!
kv group_holder $GROUP_HOLDER
i=0 # until all three threads hold their share
while [ $i -lt 100 ] && [ "$(awk '$1 == "VmRSS:" {print $2}' /proc/$GROUP_HOLDER/status)" -lt 6144 ]; do
	sleep 0.1
	i=$((i + 1))
done
kv group_holder_threads "$(awk '$1 == "Threads:" {print $2}' /proc/$GROUP_HOLDER/status)"
in_cg $CG/oomt-group /oom-trigger --max 1024
finished group
wait $GROUP_HOLDER
kv group_holder_rc $?
count_v2 oomt-group

# 3. a victim whose four threads all allocate
memcg_v2 oomt-threads 64
in_cg $CG/oomt-threads /oom-trigger --threads 4 --max 1024
finished threads
count_v2 oomt-threads

# 4. a victim that is already exiting: the kernel marks it and kills
# nobody (oom_kill_process() -> task_will_free_mem()).  A child of 40 MiB
# stops under ptrace in its exit, with its mm whole; then a second
# process allocates 40 MiB more; the reaper takes the child's memory and
# the allocator gets its 40 MiB without a kill.
memcg_v2 oomt-exiting 64
sh -c 'echo $$ >"$0/cgroup.procs" && exec /oom-trigger --exit-traced --max 40' \
	$CG/oomt-exiting >/tmp/exiting.out 2>&1 &
EXIT_TRACER=$!
if wait_line /tmp/exiting.out 'stopped in its exit'; then
	kv exiting_pid "$(awk '/stopped in its exit/ {print $3}' /tmp/exiting.out)"
	in_cg $CG/oomt-exiting /oom-trigger --max 40
	finished exiting_alloc
else
	kv exiting_pid 0
	cat /tmp/exiting.out >/dev/console
fi
count_v2 oomt-exiting
kv exiting_oom_events "$(awk '$1 == "oom" {print $2}' $CG/oomt-exiting/memory.events)"
kill $EXIT_TRACER
wait $EXIT_TRACER
# its tmpfs pages are charged to the memcg and would keep it alive (v1 below)
rm -f /tmp/exiting.out

# 5. a global OOM that a cpuset confines to node 1, then one that an
# MPOL_BIND policy confines to node 1
if [ ! -d /sys/devices/system/node/node1 ]; then
	skip cpuset "the guest has one NUMA node (qemu needs two -numa nodes)"
	skip mempolicy "the guest has one NUMA node (qemu needs two -numa nodes)"
elif ! echo +cpuset >$CG/cgroup.subtree_control 2>/dev/null; then
	skip cpuset "cannot enable the v2 cpuset controller"
else
	mkdir $CG/oomt-cpuset
	echo 0 >$CG/oomt-cpuset/cpuset.cpus
	echo 1 >$CG/oomt-cpuset/cpuset.mems
	kv cpuset_mems "$(cat $CG/oomt-cpuset/cpuset.mems.effective)"
	in_cg $CG/oomt-cpuset /oom-trigger --step 4 --max 4096
	finished cpuset
	count_v2 oomt-cpuset
fi
if [ -d /sys/devices/system/node/node1 ]; then
	/oom-trigger --bind-node 1 --step 4 --max 4096 >/dev/null 2>&1 &
	finished mempolicy
fi

# 6. a manual OOM (sysrq f): the victim is a sleeper at oom_score_adj 1000
if [ -w /proc/sysrq-trigger ]; then
	sleep 1000 &
	SYSRQ_SLEEPER=$!
	echo 1000 >/proc/$SYSRQ_SLEEPER/oom_score_adj
	kv sysrq_pid $SYSRQ_SLEEPER
	echo 1 >/proc/sys/kernel/sysrq
	echo f >/proc/sysrq-trigger
	wait $SYSRQ_SLEEPER
	kv sysrq_rc $?
else
	skip sysrq "no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ)"
fi

# 7. a global OOM of the guest's own RAM
/oom-trigger --step 4 --max 4096 >/dev/null 2>&1 &
finished global

# 8. a global OOM while 1,000 other processes are alive
SLEEPERS=""
i=0
while [ $i -lt 1000 ]; do
	sleep 1000 &
	SLEEPERS="$SLEEPERS $!"
	i=$((i + 1))
done
kv crowd_procs "$(ls -d /proc/[0-9]* | wc -l)"
/oom-trigger --step 4 --max 4096 >/dev/null 2>&1 &
finished crowd

# 9. a storm of 30 global OOMs, one after another, the 1,000 sleepers
# still alive.  A holder at oom_score_adj -1000 takes all but 64 MiB of
# what is free; then 30 triggers allocate at once, and each kill makes
# room for the others until the next OOM: the kills come faster than the
# kernel's rate limit on its reports (10 every 5 s) and cost the guest a
# few seconds, not 30 fillings of its RAM.
STORM=30
oom_records() { grep -c '"type":"oom_kill"' "$1" 2>/dev/null; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
for tier in $TIERS; do oom_records /tmp/$tier.json >/tmp/$tier.before; done
hold=$(($(awk '$1 == "MemAvailable:" {print int($2 / 1024)}' /proc/meminfo) - 64))
sh -c 'echo -1000 >/proc/self/oom_score_adj && exec /oom-trigger --step 4 --max "$0" --hold' \
	"$hold" >/tmp/holder.out 2>&1 &
STORM_HOLDER=$!
if [ "$hold" -lt 64 ] || ! wait_line /tmp/holder.out '^oom-trigger: holding'; then
	skip storm "no room for the holder ($hold MiB): $(cat /tmp/holder.out)"
else
	kv storm_held_mib "$hold"
	kv storm_free_mib "$(awk '$1 == "MemFree:" {print int($2 / 1024)}' /proc/meminfo)"
	v0=$(vmstat_kills)
	kv storm_vmstat_before "$v0"
	kv storm_t0 "$(uptime_s)"
	STORM_PIDS=""
	i=1
	while [ $i -le $STORM ]; do
		/oom-trigger --max 4096 >/dev/null 2>&1 &
		STORM_PIDS="$STORM_PIDS $!"
		i=$((i + 1))
	done
	for p in $STORM_PIDS; do
		wait $p
		echo "$p $?" >>/tmp/storm.rc
	done
	T1=$(uptime_s)
	kv storm_t1 "$T1"
	v1=$(vmstat_kills)
	kv storm_vmstat_after "$v1"
	i=1
	while read -r p rc; do
		kv storm${i}_pid "$p"
		kv storm${i}_rc "$rc"
		i=$((i + 1))
	done </tmp/storm.rc
	# each tier has every kill before the next scenario (60 s at most): how
	# long that took, in seconds after the last kill
	want=$((v1 - v0))
	for tier in $TIERS; do
		while [ $(($(oom_records /tmp/$tier.json) - $(cat /tmp/$tier.before))) -lt $want ] &&
			[ "$(awk -v a="$T1" -v b="$(uptime_s)" 'BEGIN {print (b - a < 60)}')" = 1 ]; do
			sleep 0.5
		done
		got=$(($(oom_records /tmp/$tier.json) - $(cat /tmp/$tier.before)))
		kv storm_drained.$tier "$got"
		kv storm_drain_s.$tier "$(awk -v a="$T1" -v b="$(uptime_s)" 'BEGIN {printf "%.1f", b - a}')"
		[ "$got" -ge $want ] || echo "guest: $tier recorded $got of the storm's $want kills" >/dev/console
	done
	for tier in $TIERS filtered; do
		pid=$(cat /tmp/$tier.pid)
		kill -0 "$pid" 2>/dev/null && kv storm_alive.$tier 1 || kv storm_alive.$tier 0
		kv storm_adj.$tier "$(cat /proc/$pid/oom_score_adj 2>/dev/null)"
	done
fi
kill $STORM_HOLDER
wait $STORM_HOLDER
kill $SLEEPERS
for p in $SLEEPERS; do wait $p; done

# the kernel prints at most 10 OOM reports in 5 s (dump_header()'s rate
# limit): the storm used them up, and the v1 scenarios' kills need their
# reports (the oom-kill: line names the memcg). 5 s without a report starts
# a new window.
sleep 5.5

# 9b. a global OOM of unreclaimable slab: a filler at oom_score_adj -1000
# writes into unix sockets until 64 MiB are left free, and holds them; an
# allocator's OOM then finds slab outweighing the LRUs, and the kernel's
# report lists the unreclaimable caches.  The filler is never the victim:
# a victim closes its files after its mm is gone, and the OOM killer
# would find nobody left to kill while they still held the slab (5.10
# panicked so).  Its end frees it; then a fresh window of the rate limit.
sh -c 'echo -1000 >/proc/self/oom_score_adj && exec /oom-trigger --slab 64' >/tmp/slab.out 2>&1 &
SLAB_FILLER=$!
if wait_line /tmp/slab.out '^oom-trigger: holding' 900; then
	kv slab_filler "$(cat /tmp/slab.out | tr ' ' _)"
	/oom-trigger --step 4 --max 4096 >/dev/null 2>&1 &
	finished slab
else
	skip slab "the filler did not fill: $(cat /tmp/slab.out)"
fi
kill $SLAB_FILLER
wait $SLAB_FILLER
sleep 5.5

# 10. the v1 memory controller: the v2 children go, memory leaves the v2
# root's subtree_control and is mounted as v1, with oomtrace still running
for d in oomt-vm oomt-group oomt-threads oomt-exiting oomt-cpuset; do
	[ -d $CG/$d ] && { rm_cg $CG/$d || echo "guest: cannot remove $CG/$d" >/dev/console; }
done
echo -memory >$CG/cgroup.subtree_control
V1=/mnt/memcg-v1
mkdir -p $V1
i=0 # busy while the removed memcgs' last pages go; EINVAL: no v1 at all
while ! mount -t cgroup -o memory memory $V1 2>/tmp/v1.err && grep -q busy /tmp/v1.err &&
	[ $i -lt 20 ]; do
	sleep 0.5
	i=$((i + 1))
done
if ! grep -q " $V1 cgroup " /proc/mounts; then
	if grep -q 'Invalid argument' /tmp/v1.err; then
		skip v1 "the kernel has no v1 memory controller (mount -t cgroup -o memory: EINVAL; CONFIG_MEMCG_V1 unset?)"
	else
		skip v1 "mount -t cgroup -o memory failed: $(cat /tmp/v1.err) ($(tr '\n' ' ' <$CG/cgroup.stat))"
	fi
	skip v1memsw "no v1 memory controller"
else
	mkdir $V1/oomt-v1
	echo 64M >$V1/oomt-v1/memory.limit_in_bytes
	in_cg $V1/oomt-v1 /oom-trigger --max 1024
	finished v1
	count_v1 oomt-v1
	kv v1_failcnt "$(cat $V1/oomt-v1/memory.failcnt)"
	if [ -e $V1/oomt-v1/memory.memsw.limit_in_bytes ]; then
		# memory+swap is charged first: with both at 64 MiB, memsw is hit
		mkdir $V1/oomt-v1sw
		echo 64M >$V1/oomt-v1sw/memory.limit_in_bytes
		echo 64M >$V1/oomt-v1sw/memory.memsw.limit_in_bytes
		in_cg $V1/oomt-v1sw /oom-trigger --max 1024
		finished v1memsw
		count_v1 oomt-v1sw
		kv v1memsw_failcnt "$(cat $V1/oomt-v1sw/memory.memsw.failcnt)"
		kv v1memsw_mem_failcnt "$(cat $V1/oomt-v1sw/memory.failcnt)"
	else
		skip v1memsw "no memory.memsw.limit_in_bytes (swap accounting off: swapaccount=1)"
	fi
fi
sleep 1
kv vmstat_after "$(vmstat_kills)"

for tier in $TIERS filtered; do
	pid=$(cat /tmp/$tier.pid)
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	kv exit.$tier $?
done
sleep 1 # programs are freed after an RCU grace period
/prog-ids >/tmp/ids.after
kill $KMSG_PID
for tier in $TIERS filtered; do
	dumpz $tier.json /tmp/$tier.json
	dump $tier.err /tmp/$tier.err
done
dumpz kernel.log /tmp/kernel.log
dump ids.before /tmp/ids.before
dump ids.held /tmp/ids.held
dump ids.after /tmp/ids.after
echo "@@ DONE" >"$OUT"
sleep 3 # let the UART drain: poweroff -f does not wait for it
poweroff -f
