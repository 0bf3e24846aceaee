# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Host-side checks of what a guest of the kernel matrix recorded
# (tools/vm/guest-init.sh streams it on its second serial port).
# Needs lib.sh's ok/diag.

TIERS="fentry kprobe tracepoint"

# extract DIR NAME: the block the guest dumped as NAME
extract() {
	awk -v n="$2" '$0 == "@@ END " n {p = 0} p {print} $0 == "@@ BEGIN " n {p = 1}' "$1/results.txt" | tr -d '\r'
}
kv() { awk -v k="$2" '$1 == "@@" && $2 == "KV" && $3 == k {print $4}' "$1/results.txt" | tr -d '\r'; }

# vm_rec FILE PID: the record whose victim is PID (empty if none; note that
# jq -e succeeds on empty input, so callers test for emptiness first)
vm_rec() { jq -c "select(.type == \"oom_kill\" and .victim.pid == $2)" "$1" 2>/dev/null | head -1; }

# "fentry pass, kprobe pass, tracepoint FAIL" for the summary
TIER_RESULTS=""

check_tier() { # check_tier NAME DIR TIER
	local name=$1 dir=$2 tier=$3 json=$2/$3.json m g
	local mpid gpid failed=$T_FAILED
	mpid=$(kv "$dir" memcg_pid) gpid=$(kv "$dir" global_pid)
	extract "$dir" "$tier.json" >"$json"
	ok $(($(kv "$dir" "ready.$tier") != 1)) "[$name] $tier: attaches and says Tracing"
	[ "$(kv "$dir" "ready.$tier")" = 1 ] || extract "$dir" "$tier.err" | diag

	m=$(vm_rec "$json" "$mpid")
	[ -n "$m" ] && echo "$m" | jq -e --arg tier "$tier" '
		.hook == $tier and .victim.comm == "oom-trigger" and .memcg.path == "/oomt-vm"
		and .constraint == "MEMCG" and .memcg.cgroup_version == 2
		and any(.kstack[]; startswith("out_of_memory+"))
		and .gfp_mask != null and .order != null and .victim.points > 0
		and .reclaim.passes >= 1 and .reclaim.stall_us > 0' >/dev/null
	ok $? "[$name] $tier: memcg OOM record (pid $mpid, /oomt-vm, MEMCG, stack, gfp, points, reclaim passes)"
	[ -n "$m" ] && echo "$m" | jq -c '{hook,constraint,gfp_mask,order,points:.victim.points,memcg:.memcg.path,top:.kstack[0]}' | diag

	g=$(vm_rec "$json" "$gpid")
	[ -n "$g" ] && echo "$g" | jq -e --arg tier "$tier" '
		.hook == $tier and .constraint == "NONE" and .memcg == null
		and any(.kstack[]; startswith("out_of_memory+"))
		and any(.kstack[]; test("^__alloc_pages"))
		and .victim.points > 0
		and .reclaim.passes >= 1' >/dev/null
	ok $? "[$name] $tier: global OOM record (pid $gpid, NONE, no memcg, stack from the page allocator, direct reclaim passes)"
	[ -n "$g" ] && echo "$g" | jq -c '{hook,constraint,gfp_mask,order,points:.victim.points,totalpages}' | diag

	for pid in "$mpid" "$gpid"; do
		jq -e -s --argjson p "$pid" '
			(map(select(.type == "oom_kill" and .victim.pid == $p)) | .[0].event_id) as $e
			| any(.[]; .type == "oom_reaped" and .victim.pid == $p and .event_id == $e
				and .reaper.exit_us > 0)' "$json" >/dev/null
		ok $? "[$name] $tier: oom_reaped record for pid $pid, with the kill's event id"
	done

	local gp gs
	gp=$(kv "$dir" group_pid) gs=$(kv "$dir" group_sleeper)
	jq -e -s --argjson t "$gp" --argjson s "$gs" --argjson m "$mpid" '
		map(select(.type == "oom_kill")) as $k
		| ($k | map(select(.victim.pid == $t)) | .[0]) as $a
		| ($k | map(select(.victim.pid == $s)) | .[0]) as $b
		| ($k | map(select(.victim.pid == $m)) | .[0]) as $c
		| $a != null and $b != null and $a.event_id == $b.event_id
		  and $a.event_id != $c.event_id and $b.memcg.path == "/oomt-group"' "$json" >/dev/null
	ok $? "[$name] $tier: memory.oom.group kills trigger $gp and sleeper $gs as one event"

	ok $(($(kv "$dir" "exit.$tier") != 0)) "[$name] $tier: exits 0 on SIGINT"
	[ "$T_FAILED" -eq "$failed" ] && failed=pass || failed=FAIL
	TIER_RESULTS="${TIER_RESULTS:+$TIER_RESULTS, }$tier $failed"
}

# same_kill NAME DIR PID WHAT: the tracepoint tier agrees with fentry's oom_control
same_kill() {
	local name=$1 dir=$2 pid=$3 what=$4 f t
	f=$(vm_rec "$dir/fentry.json" "$pid")
	t=$(vm_rec "$dir/tracepoint.json" "$pid")
	jq -e -n --argjson f "${f:-null}" --argjson t "${t:-null}" '
		$f != null and $t != null and $f.victim.points > 0
		and (($t.victim.points - $f.victim.points) | fabs) <= $f.victim.points / 100' >/dev/null
	ok $? "[$name] $what: tracepoint points within 1% of fentry's chosen_points ($(jq -n -r --argjson f "${f:-null}" --argjson t "${t:-null}" '"\($t.victim.points) vs \($f.victim.points)"'))"
	jq -e -n --argjson f "${f:-null}" --argjson t "${t:-null}" '
		$f != null and $t != null and $t.gfp_mask == $f.gfp_mask and $t.order == $f.order
		and $t.totalpages == $f.totalpages
		and ($t.memcg | del(.state?)) == ($f.memcg | del(.state?))' >/dev/null
	# (memcg.state is read by each instance when its record arrives: it may
	# differ by a page or two; the values at the kill must not)
	ok $? "[$name] $what: tracepoint gfp, order, totalpages and memcg equal fentry's"
}

# --cgroup /oomt-vm on cgroup v2: its kill only, with v2's memory.events
check_filtered() { # check_filtered NAME DIR
	local name=$1 dir=$2 json=$2/filtered.json mpid
	mpid=$(kv "$dir" memcg_pid)
	extract "$dir" filtered.json >"$json"
	ok $(($(kv "$dir" ready.filtered) != 1)) "[$name] --cgroup /oomt-vm: attaches"
	jq -e -s --argjson m "$mpid" '
		map(select(.type == "oom_kill")) | length == 1 and .[0].victim.pid == $m
		and .[0].memcg.state.limit_kb == 65536 and .[0].memcg.state.events.oom_kill == 1
		and .[0].memcg.state.events.oom >= 1 and .[0].memcg.state.events.max > 0
		and .[0].memcg.state.stat.anon_kb != null and .[0].memcg.state.stat.kernel_kb != null' \
		"$json" >/dev/null
	ok $? "[$name] --cgroup /oomt-vm: only that memcg's kill, with its v2 memory.events and memory.stat"
	ok $(($(kv "$dir" exit.filtered) != 0)) "[$name] --cgroup /oomt-vm: exits 0"
}

check_guest() { # check_guest NAME DIR
	local name=$1 dir=$2 tier
	TIER_RESULTS=""
	grep -q '^@@ DONE' "$dir/results.txt" 2>/dev/null
	ok $? "[$name] guest ran to the end (qemu rc $(cat "$dir/qemu.rc"))"
	if ! grep -q '^@@ DONE' "$dir/results.txt" 2>/dev/null; then
		tail -30 "$dir/console.log" | diag
		return
	fi
	echo "kernel $(kv "$dir" kernel)" | diag
	ok $(($(kv "$dir" memcg_rc) != 137)) "[$name] memcg trigger was SIGKILLed"
	ok $(($(kv "$dir" global_rc) != 137)) "[$name] global trigger was SIGKILLed"
	ok $(($(kv "$dir" group_rc) != 137)) "[$name] oom.group trigger was SIGKILLed"
	for tier in $TIERS; do
		check_tier "$name" "$dir" "$tier"
	done
	same_kill "$name" "$dir" "$(kv "$dir" memcg_pid)" "memcg OOM"
	same_kill "$name" "$dir" "$(kv "$dir" global_pid)" "global OOM"
	check_filtered "$name" "$dir"
	extract "$dir" ids.before >"$dir/ids.before"
	extract "$dir" ids.held >"$dir/ids.held"
	extract "$dir" ids.after >"$dir/ids.after"
	[ -s "$dir/ids.held" ] && cmp -s "$dir/ids.before" "$dir/ids.after"
	ok $? "[$name] every BPF program is gone after oomtrace exits"
}
