# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Host-side checks of what a guest of the kernel matrix recorded
# (tools/vm/guest-init.sh streams it on its second serial port), against
# the kernel's own report of every kill (docs/kernel-matrix.md).
# Needs lib.sh's ok/diag and TOP.

TIERS="fentry kprobe tracepoint"

# extract DIR NAME: the block the guest dumped as NAME, or as NAME.gz
# (gzipped, in base64)
block() { awk -v n="$2" '$0 == "@@ END " n {p = 0} p {print} $0 == "@@ BEGIN " n {p = 1}' "$1/results.txt" | tr -d '\r'; }
extract() {
	if awk -v n="@@ BEGIN $2.gz" '{sub(/\r$/, "")} $0 == n {f = 1} END {exit !f}' "$1/results.txt"; then
		block "$1" "$2.gz" | base64 -d | gzip -d -c 2>/dev/null
	else
		block "$1" "$2"
	fi
}
kv() { awk -v k="$2" '$1 == "@@" && $2 == "KV" && $3 == k {print $4}' "$1/results.txt" | tr -d '\r'; }

# vm_rec FILE PID: the record whose victim is PID (empty if none; note that
# jq -e succeeds on empty input, so callers test for emptiness first)
vm_rec() { jq -c "select(.type == \"oom_kill\" and .victim.pid == $2)" "$1" 2>/dev/null | head -1; }

# "fentry pass, kprobe pass, tracepoint FAIL" for the summary
TIER_RESULTS=""

check_tier() { # check_tier NAME DIR TIER
	local name=$1 dir=$2 tier=$3 json=$2/$3.json m g c p
	local mpid gpid
	mpid=$(kv "$dir" memcg_pid) gpid=$(kv "$dir" global_pid)
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

	# on more than one NUMA node the tracepoint tier cannot tell a global
	# OOM from a cpuset's or a policy's: constraint, totalpages and points
	# are null there (docs/records.md), never another value
	g=$(vm_rec "$json" "$gpid")
	[ -n "$g" ] && echo "$g" | jq -e --arg tier "$tier" --argjson nodes "$(kv "$dir" nodes)" '
		($tier == "tracepoint" and $nodes > 1) as $blind
		| .hook == $tier and (.constraint == "NONE" or ($blind and .constraint == null)) and .memcg == null
		and any(.kstack[]; startswith("out_of_memory+"))
		and any(.kstack[]; test("^__alloc_pages"))
		and (.victim.points > 0 or ($blind and .victim.points == null and .totalpages == null))
		and .reclaim.passes >= 1' >/dev/null
	ok $? "[$name] $tier: global OOM record (pid $gpid, NONE, no memcg, stack from the page allocator, direct reclaim passes)"
	[ -n "$g" ] && echo "$g" | jq -c '{hook,constraint,gfp_mask,order,points:.victim.points,totalpages}' | diag

	# the machine's memory at the kill, and a verdict from it (docs/records.md)
	[ -n "$g" ] && echo "$g" | jq -e '.node_memory != null and (.node_memory.zones | length) > 0
		and .vm.overcommit_memory == 0 and .vm.oom_dump_tasks == 1 and .vm.commit_limit_kb > 0
		and .where_memory_went.unaccounted_kb != null and .where_memory_went.anon_kb > 0
		and .where_memory_went.processes.count >= 0
		and .allocation_retries.checks > 0 and (.allocation_retries.zones | length) > 0
		and all(.allocation_retries.zones[]; .min_kb > 0 and .available_kb >= .reclaimable_kb)
		and (.verdict.limit_rule | IN("zone_min", "machine", "constrained"))
		and (.verdict.filled_rule | IN("largest", "unreclaimable_slab"))
		and .verdict.victim_rule != "unknown"' >/dev/null
	ok $? "[$name] $tier: the global OOM's record has the nodes' memory, where it went, the allocator's retries, the guest's vm settings and a verdict on it"
	[ -n "$g" ] && echo "$g" | jq -r '"verdict: \(.verdict.text)"' | diag
	[ -n "$g" ] && echo "$g" | jq -c '{retries: .allocation_retries, went: .where_memory_went}' | diag
	[ -n "$m" ] && echo "$m" | jq -e '.verdict.limit_rule == "memcg" and .verdict.filled_rule != "unknown"
		and .verdict.victim_rule != "unknown" and .allocation_retries == null and .where_memory_went == null' >/dev/null
	ok $? "[$name] $tier: the memcg OOM's verdict names its memcg and what filled it (and no page allocator retries)"

	# the oom-kill: line's nodes: the invoker's cpuset on every tier, the
	# policy's nodemask where oom_control is read (docs/records.md); the
	# verdict names them where the constraint is known
	if [ -z "$(skipped "$dir" cpuset)" ] && [ -z "$(skipped "$dir" mempolicy)" ]; then
		c=$(vm_rec "$json" "$(kv "$dir" cpuset_pid)")
		p=$(vm_rec "$json" "$(kv "$dir" mempolicy_pid)")
		jq -e -n --argjson c "${c:-null}" --argjson p "${p:-null}" --arg tier "$tier" \
			--arg mems "$(kv "$dir" cpuset_mems)" '
			$c.cpuset == "oomt-cpuset" and $c.mems_allowed == $mems and $c.nodemask == null
			and ($c.constraint == null or ($c.verdict.limit | startswith("the nodes its cpuset oomt-cpuset (nodes \($mems)) allows")))
			and $p.cpuset != null and $p.mems_allowed != null
			and (if $tier == "tracepoint" then $p.nodemask == null
			     else $p.nodemask == $mems and ($p.verdict.limit | startswith("the nodes its memory policy (nodes \($mems)) allows")) end)' >/dev/null
		ok $? "[$name] $tier: the cpuset kill names the cpuset and its nodes, the mempolicy kill its nodemask$([ "$tier" = tracepoint ] && echo " (null: no oom_control on this tier)")"
	fi

	for pid in "$mpid" "$gpid"; do
		jq -e -s --argjson p "$pid" '
			(map(select(.type == "oom_kill" and .victim.pid == $p)) | .[0].event_id) as $e
			| any(.[]; .type == "oom_reaped" and .victim.pid == $p and .event_id == $e
				and .reaper.exit_us > 0)' "$json" >/dev/null
		ok $? "[$name] $tier: oom_reaped record for pid $pid, with the kill's event id"
	done

	local gp gs gh
	gp=$(kv "$dir" group_pid) gs=$(kv "$dir" group_sleeper) gh=$(kv "$dir" group_holder)
	jq -e -s --argjson t "$gp" --argjson s "$gs" --argjson h "$gh" --argjson m "$mpid" '
		map(select(.type == "oom_kill")) as $k
		| ($k | map(select(.victim.pid == $t)) | .[0]) as $a
		| ($k | map(select(.victim.pid == $s)) | .[0]) as $b
		| ($k | map(select(.victim.pid == $h)) | .[0]) as $d
		| ($k | map(select(.victim.pid == $m)) | .[0]) as $c
		| $a != null and $b != null and $d != null
		  and $a.event_id == $b.event_id and $a.event_id == $d.event_id
		  and $a.event_id != $c.event_id and $b.memcg.path == "/oomt-group"
		  and ($k | map(select(.event_id == $a.event_id)) | map(.victim.pid) | unique | length) == 3' "$json" >/dev/null
	# three processes: the kernel may kill one of the holder's threads too, and print it (6.12)
	ok $? "[$name] $tier: memory.oom.group kills trigger $gp, sleeper $gs and 3-thread holder $gh as one event of three processes"

	ok $(($(kv "$dir" "exit.$tier") != 0)) "[$name] $tier: exits 0 on SIGINT"
}

# same_kill NAME DIR PID WHAT: the tracepoint tier agrees with fentry's oom_control
# (a global OOM on more than one NUMA node: the tracepoint's points and
# totalpages may be null, as check_tier says, but not different)
same_kill() {
	local name=$1 dir=$2 pid=$3 what=$4 f t blind=false
	f=$(vm_rec "$dir/fentry.json" "$pid")
	t=$(vm_rec "$dir/tracepoint.json" "$pid")
	[ "$(kv "$dir" nodes)" -gt 1 ] && [ "$what" = "global OOM" ] && blind=true
	jq -e -n --argjson f "${f:-null}" --argjson t "${t:-null}" --argjson blind $blind '
		$f != null and $t != null and $f.victim.points > 0
		and (if $blind and $t.victim.points == null and $t.totalpages == null then true
		     else (($t.victim.points - $f.victim.points) | fabs) <= $f.victim.points / 100 end)' >/dev/null
	ok $? "[$name] $what: tracepoint points within 1% of fentry's chosen_points ($(jq -n -r --argjson f "${f:-null}" --argjson t "${t:-null}" '"\($t.victim.points) vs \($f.victim.points)"'))"
	jq -e -n --argjson f "${f:-null}" --argjson t "${t:-null}" --argjson blind $blind '
		$f != null and $t != null and $t.gfp_mask == $f.gfp_mask and $t.order == $f.order
		and ($t.totalpages == $f.totalpages or ($blind and $t.totalpages == null))
		and ($t.memcg | del(.state?, .where_memory_went?)) == ($f.memcg | del(.state?, .where_memory_went?))' >/dev/null
	local same=$?
	# (memcg.state, and where_memory_went drawn from it, are read by each
	# instance when its record arrives: they may differ by a page or two; the
	# values at the kill must not)
	ok $same "[$name] $what: tracepoint gfp, order, totalpages and memcg equal fentry's"
	if [ $same -ne 0 ]; then
		local r
		for r in "$f" "$t"; do
			jq -c -n --argjson r "${r:-null}" '$r | {hook, gfp_mask, order, totalpages,
				memcg: (.memcg | del(.state?, .where_memory_went?))}' | diag
		done
	fi
}

# --cgroup /oomt-vm on cgroup v2: its kill only, with v2's memory.events
check_filtered() { # check_filtered NAME DIR
	local name=$1 dir=$2 json=$2/filtered.json mpid
	mpid=$(kv "$dir" memcg_pid)
	extract "$dir" filtered.json >"$json"
	ok $(($(kv "$dir" ready.filtered) != 1)) "[$name] --cgroup /oomt-vm: attaches"
	# memory.stat has "kernel" from 5.18 on: before, null is the right value
	local old=false
	printf '%s\n5.18\n' "$(kv "$dir" kernel)" | sort -V -C && old=true
	jq -e -s --argjson m "$mpid" --argjson old $old '
		map(select(.type == "oom_kill")) | length == 1 and .[0].victim.pid == $m
		and .[0].memcg.state.limit_kb == 65536 and .[0].memcg.state.events.oom_kill == 1
		and .[0].memcg.state.events.oom >= 1 and .[0].memcg.state.events.max > 0
		and .[0].memcg.state.stat.anon_kb != null and (.[0].memcg.state.stat.kernel_kb != null or $old)' \
		"$json" >/dev/null
	ok $? "[$name] --cgroup /oomt-vm: only that memcg's kill, with its v2 memory.events and memory.stat"
	# the whole of memory.stat, the v2 limits below max, oom_group_kill from 5.17
	local group=true
	printf '%s\n5.17\n' "$(kv "$dir" kernel)" | sort -V -C && [ "$(kv "$dir" kernel)" != 5.17 ] && group=false
	jq -e -s --argjson m "$mpid" --argjson group $group '
		map(select(.type == "oom_kill" and .victim.pid == $m)) | .[0].memcg.state
		| (.memory_stat | has("anon") and has("file") and has("pgfault") and length >= 20)
		and .memory_stat_truncated == false
		and .high_kb == null and .low_kb == 0 and .min_kb == 0 and .swappiness == null
		and (if $group then .events.oom_group_kill == 0 else .events.oom_group_kill == null end)' \
		"$json" >/dev/null
	ok $? "[$name] --cgroup /oomt-vm: every memory.stat line ($(jq -s --argjson m "$mpid" 'map(select(.type == "oom_kill" and .victim.pid == $m)) | .[0].memcg.state.memory_stat | length' "$json")), memory.high/low/min, events.oom_group_kill"
	# the kernel's report printed the same file's lines at the kill: each of its keys is one
	jq -e -n --argjson m "$mpid" --slurpfile k "$dir/kmsg.json" --slurpfile r "$json" '
		($k | map(select(.type == "oom_kill" and .victim.pid == $m)) | .[0].memcg.state) as $ks
		| ($r | map(select(.type == "oom_kill" and .victim.pid == $m)) | .[0].memcg.state) as $rs
		| $ks.read == "kernel_log" and ($ks.memory_stat | length) >= 20
		and ($ks.memory_stat | keys) - ($rs.memory_stat | keys) == []' >/dev/null
	ok $? "[$name] --cgroup /oomt-vm: the report's memory.stat ($(jq -s --argjson m "$mpid" 'map(select(.type == "oom_kill" and .victim.pid == $m)) | .[0].memcg.state.memory_stat | length' "$dir/kmsg.json") keys) has no key the record lacks"
	check_memcg_stat_values "$name" "$dir" "$json" "$mpid"

	ok $(($(kv "$dir" exit.filtered) != 0)) "[$name] --cgroup /oomt-vm: exits 0"
}

# report_memcg_stat KERNEL_LOG MEMCG: the memory.stat lines the kernel's report
# printed under "Memory cgroup stats for MEMCG:", as one JSON object (older
# kernels print the block as one record, its lines joined by \x0a)
report_memcg_stat() {
	awk -v head="Memory cgroup stats for $2:" '
		{ sub(/\r$/, ""); t = $0; sub(/^[^;]*;/, "", t); gsub(/\\x0a/, "\n", t)
		  n = split(t, l, "\n")
		  for (i = 1; i <= n; i++) {
			if (l[i] == head && !done) { on = 1; continue }
			if (on && l[i] ~ /^[a-z_0-9]+ [0-9]+$/) { print l[i]; continue }
			if (on) { on = 0; done = 1 }
		  } }' "$1" |
		jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | {(.[0]): (.[1] | tonumber)}) | add // {}'
}

# check_memcg_stat_values NAME DIR JSON PID: the memcg OOM's memory.stat,
# value by value, against the kernel's "Memory cgroup stats for" block.
# The kernel log source must give the report's values exactly. The BPF
# record read the file at arrival, a little after the kill: each value is
# within 2% of the kernel's (or 64 updates, rstat's flush batch on one CPU:
# 64 pages, or 64 events), or it is a size that shrank by no more than the
# victim's rss and page tables, which its exit freed in between.
check_memcg_stat_values() {
	local name=$1 dir=$2 json=$3 mpid=$4 kernel
	kernel=$(report_memcg_stat "$dir/kernel.log" /oomt-vm)
	jq -e -n --argjson m "$mpid" --argjson kern "$kernel" --slurpfile k "$dir/kmsg.json" '
		($k | map(select(.type == "oom_kill" and .victim.pid == $m)) | .[0].memcg.state.memory_stat) as $ks
		| ($kern | length) >= 20 and $ks == $kern' >/dev/null
	ok $? "[$name] --cgroup /oomt-vm: the kernel log source gives each of the report's $(echo "$kernel" | jq length) memory.stat values exactly"
	local verdict
	verdict=$(jq -c -n --argjson m "$mpid" --argjson kern "$kernel" --slurpfile r "$json" '
		($r | map(select(.type == "oom_kill" and .victim.pid == $m)) | .[0]) as $rec
		| ($rec.memcg.state.memory_stat // {}) as $v
		| (($rec.victim.anon_rss_kb // 0) + ($rec.victim.file_rss_kb // 0) + ($rec.victim.shmem_rss_kb // 0)
		   + ($rec.victim.pgtables_kb // 0)) as $victim_kb | ($victim_kb * 1024) as $freed
		| [$kern | to_entries[] | .key as $key | .value as $want | ($v[$key]) as $got
		   | (($key | test("^(pg|pswp|thp_|workingset_|zswp|numa_|swpin|swpout)")) | not) as $size
		   | (if $size then 64 * 4096 else 64 end) as $batch
		   | {key: $key, want: $want, got: $got,
		      how: (if $got == null then "missing"
			    elif (($got - $want) | fabs) <= ([$want / 50, $batch] | max) then "close"
			    elif $size and $got < $want and $want - $got <= $freed + $batch then "freed"
			    else "differs" end)}]
		| {n: length, close: map(select(.how == "close")) | length,
		   freed: map(select(.how == "freed") | .key),
		   bad: map(select(.how == "missing" or .how == "differs"))}')
	[ -n "$verdict" ] && echo "$verdict" | jq -e '.n >= 20 and (.bad | length) == 0' >/dev/null
	ok $? "[$name] --cgroup /oomt-vm: memory.stat at arrival agrees with the report's value by value ($(echo "$verdict" | jq -r '"\(.close) of \(.n) within 2%, \(.freed | length) shrunk as the victim exited \(.freed), disagreeing \(.bad)"'))"
}

check_guest() { # check_guest NAME DIR
	local name=$1 dir=$2 tier failed
	TIER_RESULTS=""
	# kept for every kernel, whether the guest passed or not
	for tier in $TIERS; do
		extract "$dir" "$tier.json" >"$dir/$tier.json"
	done
	grep -q '^@@ DONE' "$dir/results.txt" 2>/dev/null
	ok $? "[$name] guest ran to the end (qemu rc $(cat "$dir/qemu.rc"))"
	if ! grep -q '^@@ DONE' "$dir/results.txt" 2>/dev/null; then
		extract "$dir" kernel.log >"$dir/kernel.log"
		tail -30 "$dir/console.log" | diag
		return
	fi
	echo "kernel $(kv "$dir" kernel), $(kv "$dir" nodes) NUMA node(s)" | diag
	ok $(($(kv "$dir" memcg_rc) != 137)) "[$name] memcg trigger was SIGKILLed"
	ok $(($(kv "$dir" global_rc) != 137)) "[$name] global trigger was SIGKILLed"
	ok $(($(kv "$dir" group_rc) != 137)) "[$name] oom.group trigger was SIGKILLed"
	check_kernel_log "$name" "$dir"
	check_scenarios "$name" "$dir"
	check_storm "$name" "$dir"
	check_slab "$name" "$dir"
	ORACLE_TOTAL=0 ORACLE_NULLS=0
	for tier in $TIERS; do
		failed=$T_FAILED
		check_tier "$name" "$dir" "$tier"
		check_oracle "$name" "$dir" "$tier"
		check_exiting "$name" "$dir" "$tier"
		check_counts "$name" "$dir" "$tier"
		check_survival "$name" "$dir" "$tier"
		[ "$T_FAILED" -eq "$failed" ] && failed=pass || failed=FAIL
		TIER_RESULTS="${TIER_RESULTS:+$TIER_RESULTS, }$tier $failed"
	done
	echo "fields compared with the kernel's report: $ORACLE_TOTAL (all tiers; $ORACLE_NULLS more were null in a record)" | diag
	same_kill "$name" "$dir" "$(kv "$dir" memcg_pid)" "memcg OOM"
	same_kill "$name" "$dir" "$(kv "$dir" global_pid)" "global OOM"
	check_filtered "$name" "$dir"
	check_protected "$name" "$dir" filtered "--cgroup /oomt-vm"
	extract "$dir" ids.before >"$dir/ids.before"
	extract "$dir" ids.held >"$dir/ids.held"
	extract "$dir" ids.after >"$dir/ids.after"
	[ -s "$dir/ids.held" ] && cmp -s "$dir/ids.before" "$dir/ids.after"
	ok $? "[$name] every BPF program is gone after oomtrace exits"
}

# ---- the oracle: the kernel's own report of every kill ----

# One row per field the kernel prints about a kill: the tier record's path,
# the path in oomtrace's parse of the kernel log (--source kmsg --input;
# "raw." are what that parser does not keep, read by raw_fields below),
# and, where the kernel may read the value at another moment than the
# tracer, the tolerance by case (0 otherwise; docs/kernel-matrix.md says
# why each is what it is):
#   group: a memory.oom.group victim after the first; "freed_before" is
#          what the victims killed before it in that OOM held
#   rt:    a PREEMPT_RT kernel before 6.2, where the victim can run between
#          its mark and the printk, and fold its threads' cached RSS in, or
#          finish the mmap it was in, or fault in the page tables of what
#          it touched meanwhile
# The kernel prints thread ids: the record's tid fields hold them.
ORACLE_FIELDS='[
	["victim.tid",            "victim.pid"],
	["victim.comm",           "victim.comm"],
	["victim.uid",            "victim.uid"],
	["victim.oom_score_adj",  "victim.oom_score_adj"],
	["victim.total_vm_kb",    "victim.total_vm_kb",    {"rt": 4096}],
	["victim.anon_rss_kb",    "victim.anon_rss_kb",    {"rt": 4096}],
	["victim.file_rss_kb",    "victim.file_rss_kb",    {"rt": 4096}],
	["victim.shmem_rss_kb",   "victim.shmem_rss_kb",   {"rt": 4096}],
	["victim.swap_kb",        "victim.swap_kb"],
	["victim.pgtables_kb",    "victim.pgtables_kb",    {"rt": 16}],
	["invoker.tid",           "invoker.pid"],
	["invoker.comm",          "invoker.comm"],
	["invoker.oom_score_adj", "raw.invoker_adj"],
	["gfp_mask_raw",          "gfp_mask_raw"],
	["order",                 "order"],
	["constraint",            "constraint"],
	["nodemask",              "raw.nodemask"],
	["cpuset",                "raw.cpuset"],
	["mems_allowed",          "raw.mems_allowed"],
	["memcg.path",            "memcg.path"],
	["cgroup",                "cgroup"],
	["memcg.usage_kb",        "memcg.usage_kb",        {"group": "freed_before"}],
	["memcg.limit_kb",        "memcg.limit_kb"],
	["memcg.cgroup_version",  "memcg.cgroup_version"]
]'

# raw_fields LOG: what the report prints and oomtrace's parser does not keep,
# one object per oom-kill: line, keyed by the victim's pid: the cpuset
# fields, the invoker's oom_score_adj (from the "invoked" line before it)
# and the machine's memory (show_mem(): the Mem-Info totals in pages, each
# Node line's counters and each zone line's figures in kB), keyed as
# rec_memory names the record's
raw_fields() {
	jq -R -n '
		def nul: if . == "(null)" then null else . end;
		def name: sub("^isolated\\((?<k>anon|file)\\)$"; "isolated_\(.k)");
		def counters($l; $suffix):
			[$l | scan("(?<k>[a-z_()]+):(?<v>[0-9]+)" + $suffix) | {key: (.[0] | name), value: (.[1] | tonumber)}];
		reduce (inputs | sub("\r$"; "") | sub("^[0-9]+,[0-9]+,[0-9]+,[^;]*;"; "")) as $l
			({adj: null, mem: {}, by_pid: {}};
			if ($l | test(" invoked oom-killer: ")) then
				.adj = ($l | capture("oom_score_adj=(?<a>-?[0-9]+)").a | tonumber) | .mem = {}
			elif ($l | test("^active_anon:[0-9]+ ")) then
				.mem += (counters($l | gsub("\\\\x0a"; " "); "(?![0-9]*kB)") | map(.key = "total \(.key)_kb" | .value *= 4) | from_entries)
			elif ($l | test("^Node [0-9]+ active_anon:")) then
				($l | capture("^Node (?<n>[0-9]+) ").n) as $n
				| .mem += (counters($l; "kB") | map(.key = "node \($n) \(.key)_kb") | from_entries)
			elif ($l | test("^Node [0-9]+ [A-Za-z0-9]+ free:[0-9]+kB")) then
				($l | capture("^Node (?<n>[0-9]+) (?<z>[A-Za-z0-9]+) ")) as $z
				| .mem += (counters($l; "kB") | map(select(.key | IN("free", "boost", "min", "low", "high", "present", "managed")))
					| map(.key = "zone \($z.n) \($z.z) \(.key)_kb") | from_entries)
			elif ($l | test("^(Free|Total) swap += [0-9]+kB$")) then
				($l | capture("^(?<w>Free|Total) swap += (?<v>[0-9]+)kB")) as $s
				| .mem["swap \($s.w | ascii_downcase)_kb"] = ($s.v | tonumber)
			elif ($l | test("^Node [0-9]+ hugepages_total=[0-9]+ hugepages_free=[0-9]+ hugepages_surp=[0-9]+ hugepages_size=[0-9]+kB$")) then
				($l | capture("hugepages_total=(?<t>[0-9]+) hugepages_free=(?<f>[0-9]+) .*hugepages_size=(?<s>[0-9]+)kB")
					| map_values(tonumber)) as $h
				| .mem["hugetlb total_kb"] += $h.t * $h.s | .mem["hugetlb free_kb"] += $h.f * $h.s
			elif ($l | test("oom-kill:constraint=")) then
				($l | capture("nodemask=(?<n>.*?),cpuset=(?<c>.*?),mems_allowed=(?<m>.*?),(oom_memcg=|global_oom).*,pid=(?<p>[0-9]+),uid=")) as $c
				| .by_pid[$c.p] = {nodemask: ($c.n | nul), cpuset: ($c.c | nul),
					mems_allowed: ($c.m | nul), invoker_adj: .adj, mem: .mem}
			else . end)
		| .by_pid' "$1"
}

# kernel_kills DIR: the kernel's kills as oomtrace parses its log, once each
# (5.10 to 6.12 print "Killed process" twice for the first victim of a
# memory.oom.group kill), with the raw fields of their report
# (through files: a report's figures outgrow what one argument may hold)
kernel_kills() {
	local dir=$1
	raw_fields "$dir/kernel.log" >"$dir/raw.json" || return
	jq -c -s --slurpfile raw "$dir/raw.json" '
		$raw[0] as $raw
		| map(select(.type == "oom_kill"))
		| reduce .[] as $k ({}; ("\($k.event_id) \($k.victim.pid)") as $key
			| if has($key) then . else .[$key] = $k end)
		| [.[]] as $k
		# a later victim of a memory.oom.group kill has no oom-kill: line of its own: it takes those of the first
		| ($k | map({key: "\(.event_id)", value: $raw["\(.victim.pid)"]})
			| map(select(.value != null)) | from_entries) as $by_event
		| $k | map(.raw = ($raw["\(.victim.pid)"] // $by_event["\(.event_id)"]))' \
		"$dir/kmsg.json"
}

# oracle DIR TIER: every kernel kill against the tier's record of it, one
# JSON object a kill, then one with what the tier has that the kernel lacks
oracle() {
	local dir=$1 tier=$2
	local rt=false
	# PREEMPT_RT before 6.2 (when the mm's RSS counters were still split per thread)
	[ "$(kv "$dir" preempt_rt)" = 1 ] && printf '%s\n6.2\n' "$(kv "$dir" kernel)" | sort -V -C && rt=true
	# a preemptible kernel (as the report's dump_stack line says) lets other
	# tasks run between the report and the mark: memory moves meanwhile
	# memory moves meanwhile; in the storm by tens of MB, as earlier victims
	# exit and a thousand tasks allocate: its kills' memory is not compared there
	local moving=$rt nomem='[]'
	grep -a -q -E 'PREEMPT\((full|lazy)\)|PREEMPT_RT' "$dir/kernel.log" && moving=true
	$moving && nomem=$(awk '$1 == "@@" && $2 == "KV" && $3 ~ /^storm[0-9]*_pid$/ { print $4 }' \
		"$dir/results.txt" | tr -d '\r' | jq -s -c .)
	kernel_kills "$dir" >"$dir/kernel_kills.json" || return
	jq -c -n --argjson fields "$ORACLE_FIELDS" --slurpfile recs "$dir/$tier.json" \
		--slurpfile k "$dir/kernel_kills.json" --argjson rt $rt --argjson moving $moving \
		--argjson nomem "$nomem" '
		$k[0] as $k
		| def at($p): getpath($p | split("."));
		# jq has no bitwise and
		def band($a; $b): reduce range(0; 32) as $i ({a: $a, b: $b, r: 0, bit: 1};
			(if (.a % 2) == 1 and (.b % 2) == 1 then .r += .bit else . end)
			| .a = (.a / 2 | floor) | .b = (.b / 2 | floor) | .bit *= 2) | .r;
		# the request as the record could see it: memcg reclaim sees only GFP_RECLAIM_MASK
		def as_seen($f; $want; $rec):
			if $f == "gfp_mask_raw" and $want != null and ($rec.gfp_mask_seen // null) != null
			then band($want; $rec.gfp_mask_seen) else $want end;
		# the node memory of the record, keyed as raw_fields keys the report
		def rec_memory($rec):
			($rec.node_memory // null) as $m
			| if $m == null then {} else
				([$m.zones[] as $z | ("free", "boost", "min", "low", "high", "present", "managed") as $f
					| {key: "zone \($z.node) \($z.zone) \($f)_kb", value: $z["\($f)_kb"]}]
				+ [$m.nodes[] as $n | $n | to_entries[] | select(.key != "node")
					| {key: "node \($n.node) \(.key)", value: .value}]
				+ [$m.nodes[0] // {} | keys[] | select(. != "node") as $c
					| {key: "total \($c)", value: ([$m.nodes[][$c]] | if any(. == null) then null else add end)}]
				+ [{key: "total free_kb", value: ([$m.zones[].free_kb] | add)}]
				# at arrival: swap and the hugetlb pools, which the guest does not resize
				+ (($rec.swap_hugetlb // null) as $sh | if $sh == null then [] else
					[{key: "swap free_kb", value: $sh.swap_free_kb}, {key: "swap total_kb", value: $sh.swap_total_kb},
					 {key: "hugetlb total_kb", value: $sh.hugetlb_total_kb},
					 {key: "hugetlb free_kb", value: $sh.hugetlb_free_kb}] end)) | from_entries end;
		# every figure of the report that the record has a field for, within 2%
		# or 1 MB: other tasks run where the report yields the CPU, between it
		# and the mark; on a preemptible kernel within 8 MB: they run anywhere
		# there (see docs/records.md)
		def memory_rows($kk; $rec):
			if $nomem | index($kk.victim.pid) then [] else
			rec_memory($rec) as $got
			| ($kk.raw.mem // {}) | to_entries
			| map(.key as $key | select(($rec.node_memory // null) == null or ($got | has($key))))
			| map({field: "node_memory \(.key)", want: .value, got: $got[.key],
				tol: ([.value * 0.02, if $moving then 8192 else 1024 end] | max)}) end;
		def differs($got; $want; $tol):
			if ($got | type) == "number" and ($want | type) == "number"
			then (($got - $want) | fabs) > $tol else $got != $want end;
		($recs | map(select(.type == "oom_kill"))) as $r
		| ($k | map(.victim.pid)) as $kpids
		| ($k[] | . as $kk
			| ($r | map(select((.victim.tid // .victim.pid) == $kk.victim.pid)) | .[0]) as $rec
			| ([$k[] | select(.event_id == $kk.event_id)] | .[: map(.victim.pid) | index($kk.victim.pid)])
			  as $before
			# what they held by their kill lines, and 256 kB each for kernel stacks and tables
			| ($before | map(.victim | .anon_rss_kb + .file_rss_kb + .shmem_rss_kb + .pgtables_kb + 256)
			   | add // 0) as $freed
			| ($before != []) as $later
			| {pid: $kk.victim.pid, event: $kk.event_id, rec_event: $rec.event_id,
			   kind: $rec.kind, missed: ($rec == null)}
			+ if $rec == null then {compared: 0, nulls: 0, bad: []} else
				($fields | map(. as [$f, $kf, $cases]
						| {field: $f,
						   tol: ([0, if $later then ($cases.group // 0
								| if . == "freed_before" then $freed else . end) else 0 end,
							if $rt then $cases.rt // 0 else 0 end] | max),
						   want: as_seen($f; $kk | at($kf); $rec), got: ($rec | at($f))})
				 | map(select(.want != null)) + memory_rows($kk; $rec)) as $rows
				| {compared: ($rows | map(select(.got != null)) | length),
				   nulls: ($rows | map(select(.got == null) | .field)),
				   bad: ($rows | map(select(.got != null and differs(.got; .want; .tol))))}
			  end),
		{extra: ($r | map(select(((.victim.tid // .victim.pid) as $p | $kpids | index($p) | not)
				and .kind != "already_exiting")
			| {pid: .victim.pid, tid: .victim.tid, kind, event_id, comm: .victim.comm}))}'
}

# scenario_of DIR PID: the scenario whose KV names PID
scenario_of() {
	awk -v p="$2" '$1 == "@@" && $2 == "KV" && $3 ~ /_(pid|sleeper|holder)$/ && $4 == p {
		sub(/_(pid|sleeper|holder)$/, "", $3); print $3; exit }' "$1/results.txt"
}

ORACLE_TOTAL=0
ORACLE_NULLS=0
check_oracle() { # check_oracle NAME DIR TIER
	local name=$1 dir=$2 tier=$3 out line pid what
	# a failed comparison is a failed test, not a shorter list of passes
	out=$(oracle "$dir" "$tier")
	ok $? "[$name] $tier: the kernel's report and the records compared"
	while read -r line; do
		if [ "$(jq -r 'has("extra")' <<<"$line")" = true ]; then
			jq -e '.extra == []' <<<"$line" >/dev/null
			ok $? "[$name] $tier: no kill record for a kill the kernel did not report"
			jq -e '.extra == []' <<<"$line" >/dev/null || jq -c '.extra[]' <<<"$line" | diag
			continue
		fi
		pid=$(jq -r .pid <<<"$line")
		what=$(scenario_of "$dir" "$pid")
		ORACLE_TOTAL=$((ORACLE_TOTAL + $(jq .compared <<<"$line")))
		ORACLE_NULLS=$((ORACLE_NULLS + $(jq '.nulls | length' <<<"$line")))
		# the summary names what disagreed: a CI log may keep only its tail
		jq -e '.missed == false and .bad == []' <<<"$line" >/dev/null ||
			ORACLE_FAILS="${ORACLE_FAILS:+$ORACLE_FAILS; }$tier ${what:-unexpected} pid $pid: $(jq -c 'if .missed then "no record" else [.bad[] | {field, kernel: .want, record: .got}] end' <<<"$line")"
		jq -e '.missed == false and .bad == []' <<<"$line" >/dev/null
		ok $? "[$name] $tier: ${what:-unexpected} kill of pid $pid agrees with the kernel's report ($(jq -r '"\(.compared) fields equal, \(.nulls | length) null"' <<<"$line"))"
		jq -e '.missed' <<<"$line" >/dev/null && echo "$tier has no record of the kernel's kill of pid $pid" | diag
		jq -c '.bad[] | {field, kernel: .want, record: .got, tol}' <<<"$line" | diag
	done <<<"$out"
	jq -r -s 'map(select(has("nulls")) | .nulls[]) | group_by(.) | map("\(.[0]) (\(length))") | join(", ")
		| select(. != "") | "null in the record where the kernel printed a value: \(.)"' <<<"$out" | diag
	# one kernel OOM, one event: the same grouping of victims
	jq -e -s 'map(select(has("pid") and .missed == false))
		| (group_by(.event) | all(map(.rec_event) | unique | length == 1))
		and (map([.event, .rec_event]) | unique | map(.[1]) | (unique | length) == length)' \
		<<<"$out" >/dev/null
	ok $? "[$name] $tier: victims share an event_id exactly when the kernel killed them in one OOM"
	jq -e -s 'map(select(has("pid") and .missed == false)) | all(.kind == "kill")' <<<"$out" >/dev/null
	ok $? "[$name] $tier: every kill the kernel reported has kind \"kill\" ($(jq -r -s '[.[] | select(has("pid")) | .kind] | unique | map(tostring) | join(",")' <<<"$out"))"
}

# ---- counts that reconcile, and the scenarios themselves ----

skip_test() { # skip_test DESCRIPTION REASON
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM - $1 # SKIP $2"
}
skipped() { awk -v s="$2" '$1 == "@@" && $2 == "SKIP" && $3 == s {$1 = $2 = $3 = ""; sub(/^ +/, ""); print; exit}' "$1/results.txt" | tr -d '\r'; }

# repeats DIR [MEMCG]: "Killed process" lines that name a victim already
# killed in the same OOM (5.10 to 6.12 kill the first victim of a
# memory.oom.group kill again with the group), in MEMCG's subtree if given; the
# kernel's counters count every such line
repeats() {
	jq -s --arg m "${2:-}" '
		map(select(.type == "oom_kill")) | group_by([.event_id, .victim.pid])
		| map(select(length > 1 and ($m == ""
			or ((.[0].cgroup // .[0].memcg.path // "") as $c | $c == $m or ($c | startswith($m + "/"))))))
		| map(length - 1) | add // 0' "$1/kmsg.json"
}

# kernel_lines DIR [MEMCG]: the kernel log's kill lines, in MEMCG's subtree
kernel_lines() {
	jq -s --arg m "${2:-}" '
		map(select(.type == "oom_kill")) | group_by([.event_id, .victim.pid])
		| map((.[0].cgroup // .[0].memcg.path // "") as $c
			| select($m == "" or $c == $m or ($c | startswith($m + "/"))) | length)
		| add // 0' "$1/kmsg.json"
}

check_counts() { # check_counts NAME DIR TIER
	local name=$1 dir=$2 tier=$3 json=$2/$3.json delta rep n line m want
	delta=$(($(kv "$dir" vmstat_after) - $(kv "$dir" vmstat_before)))
	rep=$(repeats "$dir")
	n=$(jq -s 'map(select(.type == "oom_kill" and .kind == "kill")) | length' "$json")
	[ "$n" -eq $((delta - rep)) ]
	ok $? "[$name] $tier: $n records of kind \"kill\" = /proc/vmstat oom_kill delta $delta less the kernel's $rep repeated kill line(s)"
	jq -e -s 'map(select(.type == "oom_kill")) | all(has("kind"))' "$json" >/dev/null ||
		echo "$tier's oom_kill records have no \"kind\" field" | diag
	while read -r line; do
		[ -n "$line" ] || continue
		m=${line%% *} want=${line#* }
		rep=$(repeats "$dir" "$m")
		n=$(jq -s --arg m "$m" 'map(select(.type == "oom_kill" and .kind == "kill"
			and (.cgroup == $m or (.cgroup // "" | startswith($m + "/"))))) | length' "$json")
		[ "$n" -eq $((want - rep)) ]
		ok $? "[$name] $tier: $n kill records in $m = its memcg's oom_kill count $want less $rep repeated line(s)"
	done < <(awk '$1 == "@@" && $2 == "KV" && $3 ~ /^v[12]:/ {sub(/^v[12]:/, "", $3); print $3, $4}' \
		"$dir/results.txt" | tr -d '\r')
	jq -e -s --argjson d "$delta" 'map(select(.type == "summary")) | .[0]
		| has("unreconciled_kills") and .unreconciled_kills == 0 and .kernel_kills == $d' "$json" >/dev/null
	ok $? "[$name] $tier: summary has kernel_kills $delta and unreconciled_kills 0 ($(jq -r -s 'map(select(.type == "summary")) | .[0]
		| if has("unreconciled_kills") then "kernel_kills \(.kernel_kills), unreconciled_kills \(.unreconciled_kills)"
		  else "the summary has no unreconciled_kills field" end' "$json"))"
	# a figure, not asserted: a skipped run can only leave a story out (docs/records.md)
	echo "$tier: the kernel skipped $(jq -r -s 'map(select(.type == "summary")) | .[0] | "\(.bpf_missed_runs) run(s) of its BPF programs \(.bpf_missed_runs_by_program | tojson)"' "$json")" | diag
}

# kernel_kill DIR PID: the kernel's report of PID's kill, with its raw fields
kernel_kill() { kernel_kills "$1" | jq -c --argjson p "$2" '.[] | select(.victim.pid == $p)' | head -1; }

# expect_scenario NAME DIR SCENARIO DESCRIPTION JQ: the kernel's report of
# the scenario's kill (input .k, with $kv the guest's KV pairs) satisfies JQ
expect_scenario() {
	local name=$1 dir=$2 scen=$3 desc=$4 expr=$5 pid reason k
	reason=$(skipped "$dir" "$scen")
	if [ -n "$reason" ]; then
		skip_test "[$name] $scen: $desc" "$reason"
		return
	fi
	pid=$(kv "$dir" "${scen}_pid")
	k=$([ -n "$pid" ] && kernel_kill "$dir" "$pid")
	jq -e -n --argjson k "${k:-null}" --argjson kv "$(kv_json "$dir")" \
		"\$k != null and (\$k | $expr)" >/dev/null
	ok $? "[$name] $scen: $desc (pid ${pid:-none})"
	[ -n "$k" ] || echo "the kernel's log has no kill of pid ${pid:-none}" | diag
}
kv_json() {
	awk '$1 == "@@" && $2 == "KV" {print $3, $4}' "$1/results.txt" | tr -d '\r' |
		jq -R -n '[inputs | split(" ") | {key: .[0], value: (.[1] | tonumber? // .)}] | from_entries'
}

check_scenarios() { # check_scenarios NAME DIR: the kernel did what each scenario meant
	local name=$1 dir=$2 p
	expect_scenario "$name" "$dir" memcg "memcg OOM at /oomt-vm's 64 MiB" \
		'.constraint == "MEMCG" and .memcg.path == "/oomt-vm" and .memcg.limit_kb == 65536'
	expect_scenario "$name" "$dir" group "memory.oom.group kills all three members in one OOM, one with 3 threads" \
		'.event_id as $e | .memcg.path == "/oomt-group" and $kv.group_holder_threads == 3
		and $kv.group_rc == 137 and $kv.group_holder_rc == 137'
	for p in group_sleeper group_holder; do
		jq -e -n --argjson a "$(kernel_kill "$dir" "$(kv "$dir" group_pid)" | jq .event_id)" \
			--argjson b "$(kernel_kill "$dir" "$(kv "$dir" $p)" | jq .event_id)" '$a == $b' >/dev/null 2>&1
		ok $? "[$name] group: the kernel killed the $p ($(kv "$dir" $p)) in the trigger's OOM"
	done
	expect_scenario "$name" "$dir" threads "a four-thread victim whose threads all allocate" \
		'.constraint == "MEMCG" and .memcg.path == "/oomt-threads" and $kv.threads_rc == 137'
	expect_scenario "$name" "$dir" cpuset "a cpuset on node 1 OOMs with CONSTRAINT_CPUSET" \
		'.constraint == "CPUSET" and .raw.cpuset == "oomt-cpuset" and .raw.mems_allowed == "\($kv.cpuset_mems)" and .memcg == null'
	expect_scenario "$name" "$dir" mempolicy "an MPOL_BIND to node 1 OOMs with CONSTRAINT_MEMORY_POLICY" \
		'.constraint == "MEMORY_POLICY" and .raw.nodemask == "1"'
	expect_scenario "$name" "$dir" sysrq "sysrq f kills the oom_score_adj 1000 sleeper, order -1, from a kworker" \
		'.order == -1 and (.invoker.comm | startswith("kworker")) and .victim.oom_score_adj == 1000 and .constraint == "NONE"'
	expect_scenario "$name" "$dir" global "a global OOM" '.constraint == "NONE" and .memcg == null'
	expect_scenario "$name" "$dir" crowd "a global OOM with $(kv "$dir" crowd_procs) processes alive" \
		'.constraint == "NONE" and $kv.crowd_procs >= 1000'
	expect_scenario "$name" "$dir" v1 "a v1 memcg OOM at memory.limit_in_bytes" \
		'.memcg.cgroup_version == 1 and .memcg.path == "/oomt-v1" and .memcg.limit_kb == 65536 and $kv.v1_failcnt > 0'
	expect_scenario "$name" "$dir" v1memsw "a v1 memcg OOM at memory.memsw.limit_in_bytes" \
		'.memcg.cgroup_version == 1 and .memcg.path == "/oomt-v1sw" and $kv.v1memsw_failcnt > 0 and $kv.v1memsw_mem_failcnt == 0'
	# the already-exiting victim: marked (the reaper reaped it), never killed
	p=$(kv "$dir" exiting_pid)
	jq -e -s --argjson p "${p:-0}" --argjson kv "$(kv_json "$dir")" '$p > 0
		and (map(select(.type == "oom_kill" and .victim.pid == $p)) == [])
		and any(.[]; .type == "oom_reaped" and .victim.pid == $p)
		and $kv.exiting_alloc_rc == 3 and $kv["v2:/oomt-exiting"] == 0
		and $kv.exiting_oom_events > 0' "$dir/kmsg.json" >/dev/null
	ok $? "[$name] exiting: the memcg OOMed ($(kv "$dir" exiting_oom_events) memory.events oom) and the kernel marked pid ${p:-none} without a kill line (the reaper took it, no oom_kill, the allocator lived)"
}

# check_exiting NAME DIR TIER: the tier saw the mark of the exiting victim
check_exiting() {
	local name=$1 dir=$2 tier=$3 p
	p=$(kv "$dir" exiting_pid)
	jq -e -s --argjson p "${p:-0}" 'map(select(.type == "oom_kill" and .victim.pid == $p))
		| length == 1 and .[0].kind == "already_exiting"' "$dir/$tier.json" >/dev/null
	ok $? "[$name] $tier: one record of kind \"already_exiting\" for exiting pid ${p:-none} ($(jq -r -s --argjson p "${p:-0}" '[.[] | select(.type == "oom_kill" and .victim.pid == $p) | .kind] | map(tostring) | join(",") | if . == "" then "none" else "kind \(.)" end' "$dir/$tier.json"))"
}

# check_kernel_log NAME DIR: the guest's whole kernel log, parsed by oomtrace
check_kernel_log() {
	local name=$1 dir=$2 delta lines m want
	extract "$dir" kernel.log >"$dir/kernel.log"
	"$TOP/oomtrace" --source kmsg --input "$dir/kernel.log" --json >"$dir/kmsg.json" 2>"$dir/kmsg.err"
	jq -e -s 'map(select(.type == "summary")) | .[0] | .dropped == 0 and .incomplete == 0' \
		"$dir/kmsg.json" >/dev/null && [ "$(wc -l <"$dir/kernel.log")" -gt 100 ]
	ok $? "[$name] the kernel log came whole ($(wc -l <"$dir/kernel.log") lines; $(jq -r -s 'map(select(.type == "summary")) | .[0] | "\(.kills) kill lines, \(.dropped) records lost, \(.incomplete) reports incomplete"' "$dir/kmsg.json" 2>/dev/null))"
	delta=$(($(kv "$dir" vmstat_after) - $(kv "$dir" vmstat_before)))
	lines=$(kernel_lines "$dir")
	[ "$lines" -eq "$delta" ]
	ok $? "[$name] the kernel's log has a kill line for each of the $delta kills /proc/vmstat counted ($lines)"
	while read -r m want; do
		[ -n "$m" ] || continue
		lines=$(kernel_lines "$dir" "$m")
		[ "$lines" -eq "$want" ]
		ok $? "[$name] the kernel's log has a kill line for each of the $want kills $m's memcg counted ($lines)"
	done < <(awk '$1 == "@@" && $2 == "KV" && $3 ~ /^v[12]:/ {sub(/^v[12]:/, "", $3); print $3, $4}' \
		"$dir/results.txt" | tr -d '\r')
}

# ---- surviving the OOM it watches ----

# storm_pids DIR: the storm's 30 trigger pids, as a JSON array
storm_pids() {
	awk '$1 == "@@" && $2 == "KV" && $3 ~ /^storm[0-9]+_pid$/ {print $4}' "$1/results.txt" | tr -d '\r' |
		jq -s -c .
}
# oomtrace_pids DIR: the pids of the guest's oomtrace instances
oomtrace_pids() {
	awk '$1 == "@@" && $2 == "KV" && $3 ~ /^pid\./ {print $4}' "$1/results.txt" | tr -d '\r' | jq -s -c .
}

# check_protected NAME DIR INSTANCE WHAT: it took itself to -1000 and locked
# its memory (the guest no longer does it for oomtrace), and still had
# -1000 after the storm
check_protected() {
	local name=$1 dir=$2 inst=$3 what=$4 adj lck
	adj=$(kv "$dir" "adj.$inst") lck=$(kv "$dir" "vmlck_kb.$inst")
	[ "$adj" = -1000 ] && [ "${lck:-0}" -gt 0 ]
	ok $? "[$name] $what: oomtrace set its own oom_score_adj -1000 ($adj) and locked its memory (VmLck ${lck:-none} kB)"
	[ -n "$(skipped "$dir" storm)" ] && return
	[ "$(kv "$dir" "storm_alive.$inst")" = 1 ] && [ "$(kv "$dir" "storm_adj.$inst")" = -1000 ]
	ok $? "[$name] $what: alive after the storm, still at -1000 ($(kv "$dir" "storm_adj.$inst"))"
}

# check_storm NAME DIR: the kernel's side of the storm, and oomtrace was
# never its victim
# report_slab_list KERNEL_LOG PID: the "Unreclaimable slab info:" list of
# the report that ends in PID's kill, as JSON [{name, used_kb, total_kb}]
report_slab_list() {
	awk -v pid="$2" '
		{ sub(/\r$/, ""); t = $0; sub(/^[^;]*;/, "", t); gsub(/\\x0a/, "\n", t)
		  n = split(t, l, "\n")
		  for (i = 1; i <= n; i++) {
			if (l[i] ~ /invoked oom-killer/) { list = ""; on = 0 }
			else if (l[i] == "Unreclaimable slab info:") on = 1
			else if (on && l[i] ~ /^Name +Used +Total$/) continue
			else if (on && l[i] ~ /^[^ ]+ +[0-9]+KB +[0-9]+KB$/) list = list l[i] "\n"
			else on = 0
			if (l[i] ~ ("(^|: )Killed process " pid " ")) { printf "%s", list; exit }
		  } }' "$1" |
		jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | map(select(length > 0))
			| {name: .[0], used_kb: (.[1] | rtrimstr("KB") | tonumber), total_kb: (.[2] | rtrimstr("KB") | tonumber)})'
}

# The slab scenario: a filler holds most of RAM in unreclaimable slab, and
# the kernel's report of an allocator's kill lists the caches (its own
# test: slab over the LRUs).  The kernel-log
# tier's record keeps the 10 largest as the report has them; each BPF
# tier, from its figures at the kill, finds slab over the LRUs too, lists
# the caches (read at arrival: the filler still holds them) and gives the
# same verdict.
check_slab() { # check_slab NAME DIR
	local name=$1 dir=$2 pid reason kernel nk r tier
	reason=$(skipped "$dir" slab)
	if [ -z "$(kv "$dir" slab_pid)" ]; then
		skip_test "[$name] slab: a global OOM of unreclaimable slab" "${reason:-the guest ran no slab scenario}"
		return
	fi
	pid=$(kv "$dir" slab_pid)
	ok $(($(kv "$dir" slab_rc) != 137)) "[$name] slab: the allocator (pid $pid) beside the filler ($(kv "$dir" slab_filler | tr _ ' ' | sed 's/^oom-trigger: //')) was SIGKILLed (rc $(kv "$dir" slab_rc))"
	kernel=$(report_slab_list "$dir/kernel.log" "$pid")
	nk=$(echo "$kernel" | jq length)
	[ "$nk" -gt 0 ]
	ok $? "[$name] slab: the kernel's report of its kill lists $nk unreclaimable caches ($(echo "$kernel" | jq -r 'sort_by(-.total_kb) | .[0] | "\(.name) \(.total_kb) kB"' 2>/dev/null) the largest)"
	r=$(vm_rec "$dir/kmsg.json" "$pid")
	[ -n "$r" ] && echo "$r" | jq -e --argjson k "$kernel" '
		($k | sort_by(-.total_kb)) as $ks
		| .unreclaimable_slab.read == "kernel_log"
		and (.unreclaimable_slab.caches | length) == ([$ks | length, 10] | min)
		and all(.unreclaimable_slab.caches[]; . as $c | $k | index([$c | {name, used_kb, total_kb}]) != null)
		and (.unreclaimable_slab.caches | map(.total_kb) | min) >= $ks[([$ks | length, 10] | min) - 1].total_kb
		and .verdict.filled_rule == "unreclaimable_slab"' >/dev/null
	ok $? "[$name] slab: the kernel log's record lists the report's 10 largest caches, value for value, and says unreclaimable slab filled it"
	[ -n "$r" ] && echo "$r" | jq -c '{caches: [.unreclaimable_slab.caches[]? | "\(.name) \(.total_kb)"], verdict: .verdict.text}' | diag
	for tier in $TIERS; do
		r=$(vm_rec "$dir/$tier.json" "$pid")
		[ -n "$r" ] && echo "$r" | jq -e '.verdict.filled_rule == "unreclaimable_slab"
			and .unreclaimable_slab.read == "at_arrival" and (.unreclaimable_slab.caches | length) > 0' >/dev/null
		ok $? "[$name] slab: $tier: slab over the LRUs at the kill, the caches listed (at arrival) and the same verdict"
		[ -n "$r" ] && echo "$r" | jq -c '{went: .where_memory_went | {slab_unreclaimable_kb, ram_kb}, caches: [.unreclaimable_slab.caches[]? | "\(.name) \(.total_kb)"][:3], verdict: .verdict.filled}' | diag
	done
}

check_storm() {
	local name=$1 dir=$2 reason pids delta full secs
	reason=$(skipped "$dir" storm)
	if [ -n "$reason" ]; then
		skip_test "[$name] storm: 30 global OOMs among 1,000 processes" "$reason"
		return
	fi
	pids=$(storm_pids "$dir")
	delta=$(($(kv "$dir" storm_vmstat_after) - $(kv "$dir" storm_vmstat_before)))
	jq -e -n --argjson p "$pids" --argjson d "$delta" --argjson kv "$(kv_json "$dir")" '
		($p | length) == 30 and $d >= 30
		and ([range(1; 31) | $kv["storm\(.)_rc"]] | all(. == 137))' >/dev/null
	# a slow guest (6.1-rt) can OOM once more before the last victims' memory
	# is back, and kill a sleeper: the oracle checks that kill as any other
	ok $? "[$name] storm: 30 triggers SIGKILLed in 30 global OOMs (/proc/vmstat oom_kill +$delta$([ "$delta" -gt 30 ] && echo ", $((delta - 30)) more of another process"), $(jq -n --argjson p "$pids" '$p | length') pids)"
	# the kill lines are all in the log; their reports, rate-limited (dump_header:
	# 10 every 5 s), need not be, so their number is a figure, not a check
	jq -e -s --argjson p "$pids" '
		map(select(.type == "oom_kill" and (.victim.pid as $v | $p | index($v))))
		| (map(.victim.pid) | unique | length) == 30
		and all(.[]; .constraint == "NONE" or .constraint == null)' "$dir/kmsg.json" >/dev/null
	ok $? "[$name] storm: the kernel's log has a kill line for each of the 30"
	full=$(jq -s --argjson p "$pids" 'map(select(.type == "oom_kill" and (.victim.pid as $v | $p | index($v))
		and .gfp_mask_raw != null)) | length' "$dir/kmsg.json")
	secs=$(awk -v a="$(kv "$dir" storm_t0)" -v b="$(kv "$dir" storm_t1)" 'BEGIN {printf "%.1f", b - a}')
	STORM_FIGURE="storm of 30 in ${secs}s, kernel kept $full of 30 reports whole"
	echo "storm: 30 kills in $secs s among $(kv "$dir" crowd_procs) processes; the kernel's log kept $full of the 30 reports whole, $((30 - full)) as a bare kill line (rate limit); each tier's records of it, by when the guest stopped waiting: $(for t in $TIERS; do printf '%s %s of 30 at +%s s, ' "$t" "$(kv "$dir" "storm_drained.$t")" "$(kv "$dir" "storm_drain_s.$t")"; done | sed 's/, $//')" | diag
	jq -e -s --argjson o "$(oomtrace_pids "$dir")" '
		map(select(.type == "oom_kill" and (.victim.comm == "oomtrace" or (.victim.pid as $v | $o | index($v))))) == []' \
		"$dir/kmsg.json" >/dev/null && ! grep -q 'Killed process [0-9]* (oomtrace)' "$dir/kernel.log"
	ok $? "[$name] no kernel kill line names oomtrace, in the storm or anywhere in the run"
}

# check_survival NAME DIR TIER: 30 of 30 storm kills recorded, nothing
# dropped in the whole run, oomtrace never a victim, and protected
check_survival() {
	local name=$1 dir=$2 tier=$3 json=$2/$3.json pids n
	check_protected "$name" "$dir" "$tier" "$tier"
	jq -e -s 'map(select(.type == "summary")) | .[0] | .dropped == 0
		and (.dropped_by_type | type == "object" and all(.[]; . == 0))' "$json" >/dev/null
	ok $? "[$name] $tier: nothing dropped in the whole run ($(jq -r -s -c 'map(select(.type == "summary")) | .[0] | "dropped \(.dropped), \(.dropped_by_type)"' "$json"))"
	jq -e -s --argjson o "$(oomtrace_pids "$dir")" '
		map(select(.type == "oom_kill" and (.victim.comm == "oomtrace" or (.victim.pid as $v | $o | index($v))))) == []' \
		"$json" >/dev/null
	ok $? "[$name] $tier: no record has an oomtrace for its victim"
	# every kernel of the matrix (5.8 and later) loads the ranking iterator
	jq -e -s 'map(select(.type == "oom_kill" and .enrichment.ranked_from != null))
		| length > 0 and all(.enrichment.ranked_from == "task_iterator")' "$json" >/dev/null
	ok $? "[$name] $tier: next victims ranked by the BPF task iterator ($(jq -r -s -c 'map(select(.type == "oom_kill") | .enrichment.ranked_from) | group_by(.) | map("\(.[0]) \(length)") | join(", ")' "$json"))"
	[ -n "$(skipped "$dir" storm)" ] && return
	pids=$(storm_pids "$dir")
	n=$(jq -s --argjson p "$pids" 'map(select(.type == "oom_kill" and .kind == "kill"
		and (.victim.pid as $v | $p | index($v)))) | map(.victim.pid) | unique | length' "$json")
	[ "$n" -eq 30 ] && [ "$(jq -n --argjson p "$pids" '$p | length')" -eq 30 ]
	ok $? "[$name] $tier: recorded $n of the storm's 30 kills"
}
