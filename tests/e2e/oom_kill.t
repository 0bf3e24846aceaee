#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Real memcg OOM kills, traced: the records must name the real victim,
# memcg, stack and sizes.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"

LIMIT_MIB=64
CG_NAME=oomtrace-e2e-$$
make_memcg "$CG_NAME" $LIMIT_MIB || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR
# v1: swappiness 0, a memcg that OOMs rather than swap (a seed's case)
[ -e "$CG/memory.swappiness" ] && echo 0 >"$CG/memory.swappiness"

# a small bystander in the same memcg: the next victim, never this one
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 300' sh "$CG" &
SLEEPER=$!
PIDS="$PIDS $SLEEPER"

check "oomtrace --json starts and says Tracing" start_oomtrace json --json
check "oomtrace (text) starts alongside" start_oomtrace text
TIER=$(grep -o 'oom_kill_process: [a-z]*' "$WORK/json.err" | awk '{print $2}')
[ "$TIER" = none ] && TIER=tracepoint

# the BPF programs oomtrace holds, by the prog_id of each of its fds
PROG_IDS=$(cat /proc/"$PID_json"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" {print $2}' | sort -u)
check "oomtrace holds its BPF programs (ids: $(echo $PROG_IDS))" test -n "$PROG_IDS"
LOADED=0
for id in $PROG_IDS; do bpftool prog show id "$id" >/dev/null 2>&1 && LOADED=$((LOADED + 1)); done
ok $((LOADED == 0)) "bpftool shows them loaded ($LOADED)"

run_trigger "$CG"
FIRST=$TRIGGER_PID
ok $((TRIGGER_RC != 137)) "first trigger (pid $FIRST) was SIGKILLed (rc $TRIGGER_RC)"
check "a kill record for pid $FIRST arrives" wait_for "$WORK/json.out" ".type == \"oom_kill\" and .victim.pid == $FIRST"

rec() { jq -c "select(.type == \"oom_kill\" and .victim.pid == $FIRST)" "$WORK/json.out" | head -1; }
R=$(rec)
echo "$R" | jq . | diag
is() { # is DESC JQ-EXPR: the record satisfies the expression
	# jq -e succeeds on empty input: a missing record must fail
	[ -n "$R" ] && echo "$R" | jq -e "$2" >/dev/null
	ok $? "$1"
}
is "type is oom_kill" '.type == "oom_kill"'
is "victim pid and tid are the trigger's" ".victim.pid == $FIRST and .victim.tid == $FIRST"
is "victim comm is oom-trigger" '.victim.comm == "oom-trigger"'
is "invoker is the trigger itself (it faulted)" ".invoker.pid == $FIRST and .invoker.comm == \"oom-trigger\""
is "memcg.path is the test cgroup" ".memcg.path == \"$CG_REL/$CG_NAME\""
is "memcg limit is ${LIMIT_MIB} MiB" ".memcg.limit_kb == $((LIMIT_MIB * 1024))"
is "memcg usage is at the limit (within 1 MiB)" ".memcg.usage_kb >= $(((LIMIT_MIB - 1) * 1024))"
is "constraint is MEMCG" '.constraint == "MEMCG"'
is "hook is $TIER, as the ready line said" ".hook == \"$TIER\""
is "kstack passes through out_of_memory" 'any(.kstack[]; startswith("out_of_memory+"))'
is "kstack starts in the kernel's OOM path, not in BPF" '.kstack[0] | test("^(mark_oom_victim|__oom_kill_process)\\+")'
is "kstack reaches the page fault" 'any(.kstack[]; startswith("handle_mm_fault+"))'
is "points > 0" '.victim.points > 0'
is "anon_rss_kb is near the limit (>= 90%)" ".victim.anon_rss_kb >= $((LIMIT_MIB * 1024 * 9 / 10)) and .victim.anon_rss_kb <= $((LIMIT_MIB * 1024))"
is "totalpages is the memcg limit in pages" ".totalpages == $((LIMIT_MIB * 1024 * 1024 / $(getconf PAGESIZE)))"
is "points equal rss + swap + page tables in pages (adj 0)" \
	"((.victim.anon_rss_kb + .victim.file_rss_kb + .victim.shmem_rss_kb + .victim.swap_kb + .victim.pgtables_kb) / ($(getconf PAGESIZE) / 1024) | floor) as \$p | .victim.points == \$p"
is "gfp mask and order are present" '.gfp_mask != null and (.gfp_mask | test("GFP")) and .order >= 0'
# the kernel's own report of this kill: "... invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0"
# followed by "CPU: 1 UID: 0 PID: <pid> Comm: ..."; the log is shared, so match the pid
KLOG=$(dmesg 2>/dev/null | awk -v pid="$FIRST" '
	/invoked oom-killer: gfp_mask=/ { last = $0 }
	last != "" && $0 ~ ("PID: " pid " ") { print last; exit }')
if [ -n "$KLOG" ]; then
	KGFP=$(sed -n 's/.*gfp_mask=0x[0-9a-f]*(\([^)]*\)), order=\([0-9]*\).*/\1 \2/p' <<<"$KLOG")
	KRAW=$(sed -n 's/.*gfp_mask=\(0x[0-9a-f]*\).*/\1/p' <<<"$KLOG")
	SEEN=$(echo "$R" | jq -r '.gfp_mask_seen // empty')
	if [ -n "$SEEN" ]; then
		# memcg reclaim sees only GFP_RECLAIM_MASK: the rest of the request is unseen, and said so
		is "gfp mask (the bits reclaim sees, $SEEN) and order equal the kernel log's ($KRAW $KGFP)" \
			".gfp_mask_raw == $((KRAW & SEEN)) and .order == ${KGFP##* }"
		# and where the request had no bit reclaim cannot see, the very names the kernel printed
		[ $((KRAW & ~SEEN)) -eq 0 ] && is "gfp mask and order equal the kernel log's ($KGFP)" \
			"\"\(.gfp_mask) \(.order)\" == \"$KGFP\""
	else
		is "gfp mask and order equal the kernel log's ($KGFP)" \
			"\"\(.gfp_mask) \(.order)\" == \"$KGFP\""
	fi
	KADJ=$(sed -n 's/.*, oom_score_adj=\(-*[0-9]*\).*/\1/p' <<<"$KLOG")
	is "invoker oom_score_adj equals the kernel log's ($KADJ)" ".invoker.oom_score_adj == ${KADJ:-null}"
else
	ok 0 "gfp mask equals the kernel log's # SKIP the kernel log is not readable here"
	ok 0 "invoker oom_score_adj equals the kernel log's # SKIP the kernel log is not readable here"
fi
# "Killed process <pid> (comm) total-vm:NkB, anon-rss:NkB, file-rss:NkB, shmem-rss:NkB, UID:N
# pgtables:NkB oom_score_adj:N": every figure of it, exactly (6.17+ print exact sums)
KILLED=$(dmesg 2>/dev/null | grep "Killed process $FIRST (" | tail -1)
if [ -n "$KILLED" ]; then
	KV=$(sed -n 's/.*total-vm:\([0-9]*\)kB, anon-rss:\([0-9]*\)kB, file-rss:\([0-9]*\)kB, shmem-rss:\([0-9]*\)kB, UID:\([0-9]*\) pgtables:\([0-9]*\)kB oom_score_adj:\(-*[0-9]*\).*/\1 \2 \3 \4 \5 \6 \7/p' <<<"$KILLED")
	is "victim figures equal the kernel's Killed process line ($KV)" \
		"\"\(.victim.total_vm_kb) \(.victim.anon_rss_kb) \(.victim.file_rss_kb) \(.victim.shmem_rss_kb) \(.victim.uid) \(.victim.pgtables_kb) \(.victim.oom_score_adj)\" == \"$KV\""
else
	ok 0 "victim figures equal the kernel's # SKIP the kernel log is not readable here"
fi
is "time is RFC 3339 UTC with microseconds" '.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$")'
is "nothing dropped" '.dropped == 0'
is "reclaim story: the invoker's memcg reclaim passes before the kill" '.reclaim.passes >= 1 and .reclaim.stall_us > 0 and .reclaim.first_us_before_kill > 0'
is "an event id" '.event_id >= 1'
is "memcg state from cgroupfs: the limit, the oom_kill event counted" \
	".memcg.state.limit_kb == $((LIMIT_MIB * 1024)) and .memcg.state.events.oom_kill == 1 and .memcg.state.stat.anon_kb >= 0"
is "swap and the hugetlb pools as /proc/meminfo has them, at arrival" \
	".swap_hugetlb.read == \"at_arrival\" and .swap_hugetlb.swap_total_kb == $(awk '/^SwapTotal:/ {print $2}' /proc/meminfo)
	and .swap_hugetlb.hugetlb_total_kb >= 0 and .swap_hugetlb.hugetlb_free_kb <= .swap_hugetlb.hugetlb_total_kb"
is "a memcg OOM: no page allocator retries, no machine split" '.allocation_retries == null and .where_memory_went == null'
is "where the memcg's limit went: memory.stat's anon and page cache, shmem apart (v1 charges no tcp memory)" \
	".memcg.where_memory_went.limit_kb == $((LIMIT_MIB * 1024)) and .memcg.where_memory_went.read == \"at_arrival\"
	and .memcg.where_memory_went.anon_kb == (.memcg.state.stat.anon_kb)
	and .memcg.where_memory_went.page_cache_kb + .memcg.where_memory_went.shmem_kb == .memcg.state.stat.file_kb
	and .memcg.where_memory_went.reclaimable_kb >= .memcg.where_memory_went.page_cache_kb
	and (.memcg.cgroup_version == 2 or .memcg.where_memory_went.sock_kb == null)"
is "the host's OOM settings as /proc/sys/vm has them, and its commit" \
	".vm.overcommit_memory == $(cat /proc/sys/vm/overcommit_memory) and .vm.panic_on_oom == $(cat /proc/sys/vm/panic_on_oom)
	and .vm.oom_dump_tasks == $(cat /proc/sys/vm/oom_dump_tasks) and .vm.overcommit_ratio == $(cat /proc/sys/vm/overcommit_ratio)
	and .vm.committed_as_kb > 0 and .vm.commit_limit_kb > 0 and .vm.read == \"settings_at_start\""
# every memory.stat key the kernel keeps for it, as the file names them
STAT_KEYS=$(awk '{print $1}' "$CG/memory.stat" | jq -R -s -c 'split("\n") | map(select(. != "")) | sort')
is "memory.stat whole: the file's $(echo "$STAT_KEYS" | jq length) keys, with numbers" \
	".memcg.state.memory_stat_truncated == false and (.memcg.state.memory_stat | keys) == $STAT_KEYS
	and all(.memcg.state.memory_stat[]; type == \"number\")"
if [ "$CG_VERSION" = 1 ]; then
	is "v1: failcnt counted the failed charges" '.memcg.state.failcnt > 0'
	is "v1: memory.swappiness as the file says ($(cat "$CG/memory.swappiness")), and no v2 limits" \
		".memcg.state.swappiness == $(cat "$CG/memory.swappiness") and .memcg.state.high_kb == null and .memcg.state.events.oom_group_kill == null"
else
	is "v2: memory.events counted the limit hits" '.memcg.state.events.max > 0 and .memcg.state.events.oom == 1'
	is "v2: memory.low and memory.min as the files say, memory.high max, no v1 swappiness" \
		".memcg.state.low_kb == $(($(cat "$CG/memory.low") / 1024)) and .memcg.state.min_kb == $(($(cat "$CG/memory.min") / 1024))
		and .memcg.state.high_kb == null and .memcg.state.swappiness == null and .memcg.state.events.low >= 0"
fi
is "next victim: the sleeper in the same memcg, points > 0" \
	".next_victims[0].pid == $SLEEPER and .next_victims[0].comm == \"sleep\" and .next_victims[0].points > 0 and all(.next_victims[]; .pid != $FIRST)"
is "no container on this path, and no crash over it" 'has("container")'
# the host loads BPF iterators: the ranking reads no /proc, and agrees with it
is "next victims weighed by the BPF task iterator" '.enrichment.ranked_from == "task_iterator" and .enrichment.pids_us == 0'
proc_rss=$(awk '$1 == "RssAnon:" {a = $2} $1 == "RssFile:" {f = $2} $1 == "VmPTE:" {p = $2} END {print a, f, p}' /proc/$SLEEPER/status)
is "the sleeper's figures equal /proc's (anon, file, page tables: $proc_rss kB)" \
	"(.next_victims[0] | \"\(.anon_rss_kb) \(.file_rss_kb) \(.pgtables_kb)\") == \"$proc_rss\""

EVENT=$(echo "$R" | jq '.event_id')
check "an oom_reaped record follows for pid $FIRST" wait_for "$WORK/json.out" "select(.type == \"oom_reaped\") | .victim.pid == $FIRST"
X=$(jq -c "select(.type == \"oom_reaped\" and .victim.pid == $FIRST)" "$WORK/json.out" | head -1)
[ -n "$X" ] && echo "$X" | jq -e ".event_id == $EVENT and .victim.comm == \"oom-trigger\" and .reaper.exit_us > 0 and .reaper.exit_us < 10000000" >/dev/null
ok $? "oom_reaped: same event id, victim exited after the kill ($(echo "$X" | jq -c .reaper))"

run_trigger "$CG"
SECOND=$TRIGGER_PID
ok $((TRIGGER_RC != 137)) "second trigger (pid $SECOND) was SIGKILLed"
check "a second record, for pid $SECOND" wait_for "$WORK/json.out" ".type == \"oom_kill\" and .victim.pid == $SECOND"
N=$(jq -s 'map(select(.type == "oom_kill" and (.victim.pid == '"$FIRST"' or .victim.pid == '"$SECOND"'))) | length' "$WORK/json.out")
ok $((N != 2)) "two kills gave exactly two kill records (got $N)"
E=$(jq -s "[.[] | select(.type == \"oom_kill\" and (.victim.pid == $FIRST or .victim.pid == $SECOND)) | .event_id] | unique | length" "$WORK/json.out")
ok $((E != 2)) "two kills, two distinct event ids"
K=$(jq -c "select(.type == \"oom_kill\" and .victim.pid == $SECOND) | .memcg.state.events.oom_kill" "$WORK/json.out")
if [ "$CG_VERSION" = 1 ]; then
	KFS=$(awk '$1 == "oom_kill" {print $2}' "$CG/memory.oom_control")
else
	KFS=$(awk '$1 == "oom_kill" {print $2}' "$CG/memory.events")
fi
ok $((K != 2 || KFS != 2)) "the second record's oom_kill count is cgroupfs's ($K, $KFS)"

grep -q "victim   pid $FIRST tid $FIRST \"oom-trigger\"" "$WORK/text.out"
ok $? "text output names the victim"
grep -q "memcg    $CG_REL/$CG_NAME  usage" "$WORK/text.out"
ok $? "text output names the memcg"
grep -q "^           *out_of_memory+0x" "$WORK/text.out"
ok $? "text output prints the stack one frame a line"
if [ "$CG_VERSION" = 1 ]; then
	grep -q "^  limits   swappiness 0 (anon is never swapped out" "$WORK/text.out"
	ok $? "text output says the memcg's swappiness is 0"
fi

kill -INT "$PID_json" "$PID_text"
wait "$PID_json"
ok $? "SIGINT: --json instance exits 0"
wait "$PID_text"
ok $? "SIGINT: text instance exits 0"
# (the host may have OOMs of its own: count ours)
grep -q "OOM kills\? traced, 0 records dropped" "$WORK/json.err"
ok $? "exit summary: 0 drops"
grep -q "^$CG_REL/$CG_NAME  *2 " "$WORK/json.err"
ok $? "exit summary lists the test memcg with its 2 kills"
S=$(jq -c 'select(.type == "summary")' "$WORK/json.out")
[ -n "$S" ] && echo "$S" | jq -e ".kills >= 2 and .dropped == 0 and .memcgs[\"$CG_REL/$CG_NAME\"].kills == 2 and .memcgs[\"$CG_REL/$CG_NAME\"].passes >= 2" >/dev/null
ok $? "--json ends with a summary record: kills, drops, the memcg's kills and reclaim passes"
# the kernel frees a program after an RCU grace period: allow 2 s
for _ in $(seq 20); do
	LEFT=""
	for id in $PROG_IDS; do
		bpftool prog show id "$id" >/dev/null 2>&1 && LEFT="$LEFT $id"
	done
	[ -z "$LEFT" ] && break
	sleep 0.1
done
ok $((${#LEFT} != 0)) "no BPF program left loaded after exit (left:${LEFT:- none})"

# `oomtrace --json | head -1` ends on the broken pipe, exit 0
( "$OOMTRACE" --json --cgroup "$CG" 2>"$WORK/pipe.err" | head -1 >"$WORK/pipe.out"; echo "${PIPESTATUS[0]}" >"$WORK/pipe.rc" ) &
PIPE_JOB=$!
for _ in $(seq 100); do grep -q '^Tracing' "$WORK/pipe.err" 2>/dev/null && break; sleep 0.1; done
run_trigger "$CG"
THIRD=$TRIGGER_PID
for _ in $(seq 50); do [ -s "$WORK/pipe.rc" ] && break; sleep 0.1; done
[ -s "$WORK/pipe.rc" ] || pkill -INT -f "^$OOMTRACE --json --cgroup" 2>/dev/null
wait "$PIPE_JOB"
[ -s "$WORK/pipe.out" ] && jq -e ".type == \"oom_kill\" and .victim.pid == $THIRD" "$WORK/pipe.out" >/dev/null
ok $? "| head -1 got the third kill's record"
ok "$(cat "$WORK/pipe.rc" 2>/dev/null || echo 1)" "oomtrace exits 0 when head closes the pipe"

done_testing
