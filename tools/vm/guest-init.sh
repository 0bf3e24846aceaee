#!/bin/busybox sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# /init of the matrix's guest: a busybox system in RAM that runs oomtrace
# in every tier at once through one memcg OOM and one global OOM, and
# streams what it saw to the host on the second serial port (/dev/ttyS1).
# The host checks it (tests/vm/check.sh); the guest only collects.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup

OUT=/dev/ttyS1
stty -F "$OUT" raw -echo 2>/dev/null
TIERS="fentry kprobe tracepoint"
kv() { echo "@@ KV $1 $2" >"$OUT"; }
dump() { # dump NAME FILE
	echo "@@ BEGIN $1" >"$OUT"
	cat "$2" >"$OUT" 2>/dev/null
	echo "@@ END $1" >"$OUT"
}

kv kernel "$(uname -r)"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control
/prog-ids >/tmp/ids.before

# every tier at once, so that their records describe the same kills
for tier in $TIERS; do
	/oomtrace --json --hooks "$tier" >/tmp/$tier.json 2>/tmp/$tier.err &
	echo $! >/tmp/$tier.pid
	echo -1000 >/proc/$!/oom_score_adj
done
# a fifth instance filtered to one memcg, created before it starts
mkdir /sys/fs/cgroup/oomt-vm
/oomtrace --json --cgroup /oomt-vm >/tmp/filtered.json 2>/tmp/filtered.err &
echo $! >/tmp/filtered.pid
echo -1000 >/proc/$!/oom_score_adj
for tier in $TIERS filtered; do
	i=0
	while [ $i -lt 600 ] && ! grep -q '^Tracing' /tmp/$tier.err; do
		kill -0 "$(cat /tmp/$tier.pid)" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	grep -q '^Tracing' /tmp/$tier.err && kv ready.$tier 1 || kv ready.$tier 0
done
cat /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" {print $2}' | sort -u >/tmp/ids.held

# a memcg OOM in a 64 MiB child, then a global OOM of the guest's own RAM
echo 64M >/sys/fs/cgroup/oomt-vm/memory.max
echo 0 >/sys/fs/cgroup/oomt-vm/memory.swap.max 2>/dev/null
sh -c 'echo $$ >/sys/fs/cgroup/oomt-vm/cgroup.procs && exec /oom-trigger --max 1024' >/dev/null 2>&1 &
kv memcg_pid $!
wait $!
kv memcg_rc $?
# memory.oom.group: the whole cgroup dies together, as one OOM event
mkdir /sys/fs/cgroup/oomt-group
echo 64M >/sys/fs/cgroup/oomt-group/memory.max
echo 0 >/sys/fs/cgroup/oomt-group/memory.swap.max 2>/dev/null
echo 1 >/sys/fs/cgroup/oomt-group/memory.oom.group
sh -c 'echo $$ >/sys/fs/cgroup/oomt-group/cgroup.procs && exec sleep 1000' &
kv group_sleeper $!
sleep 0.2
sh -c 'echo $$ >/sys/fs/cgroup/oomt-group/cgroup.procs && exec /oom-trigger --max 1024' >/dev/null 2>&1 &
kv group_pid $!
wait $!
kv group_rc $?
/oom-trigger --step 4 --max 4096 >/dev/null 2>&1 &
kv global_pid $!
wait $!
kv global_rc $?
sleep 1

for tier in $TIERS filtered; do
	pid=$(cat /tmp/$tier.pid)
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	kv exit.$tier $?
done
sleep 1 # programs are freed after an RCU grace period
/prog-ids >/tmp/ids.after
for tier in $TIERS filtered; do
	dump $tier.json /tmp/$tier.json
	dump $tier.err /tmp/$tier.err
done
dump ids.before /tmp/ids.before
dump ids.held /tmp/ids.held
dump ids.after /tmp/ids.after
echo "@@ DONE" >"$OUT"
sleep 3 # let the UART drain: poweroff -f does not wait for it
poweroff -f
