# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Sourced by the bench scripts.  wait_attached PID: return once the BPF
# programs and links PID holds stop changing in number (checked every
# 0.2 s, up to 10 s).  bpftrace prints "Attaching N probes..." before it
# attaches: its ready line alone would start the workload too soon.
wait_attached() {
	local pid=$1 n prev=-1
	for _ in $(seq 50); do
		n=$(cat /proc/"$pid"/fdinfo/* 2>/dev/null | grep -c '^prog_id:')
		[ "$n" -gt 0 ] && [ "$n" = "$prev" ] && return 0
		prev=$n
		sleep 0.2
	done
	return 1
}
