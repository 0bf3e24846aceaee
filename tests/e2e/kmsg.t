#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --source kmsg: real memcg OOM kills read from the kernel's own reports in
# /dev/kmsg, the auto fallback when BPF cannot be loaded, and --input over
# saved log text.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to create memory cgroups and read /dev/kmsg"
[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
[ -x "$TRIGGER" ] || skip_all "$TRIGGER is not built (run make)"
command -v jq >/dev/null || skip_all "needs jq"
[ -r /dev/kmsg ] || skip_all "/dev/kmsg is not readable here"
find_memcg || skip_all "no writable memory cgroup for this process"
FIX=$TOP/tests/fixtures/kmsg

# ---- (c) saved text: no privilege, no cgroup needed ----
OUT=$("$OOMTRACE" --input "$FIX/host-6.18-memcg-v1.dmesg" --json 2>"$WORK/input.err")
ok $? "--input parses a saved dmesg (rc 0)"
R=$(jq -c 'select(.type == "oom_kill")' <<<"$OUT")
is() { [ -n "$R" ] && jq -e "$2" <<<"$R" >/dev/null; ok $? "$1"; }
is "input: victim 20088 oom-trigger, source and hook kmsg" \
	'.victim.pid == 20088 and .victim.comm == "oom-trigger" and .source == "kmsg" and .hook == "kmsg"'
is "input: gfp GFP_KERNEL 0xcc0 order 0 from the kernel log" \
	'.gfp_mask == "GFP_KERNEL" and .gfp_mask_raw == 3264 and .order == 0 and .gfp_source == "kernel_log"'
is "input: memcg path, usage and limit 65536 kB, cgroup v1" \
	'.memcg.path == "/process_api/9a0e89ab8baed16cb11f3be6151e30ae/oomt-kmsg-fixture-6222" and .memcg.usage_kb == 65536 and .memcg.limit_kb == 65536 and .memcg.cgroup_version == 1'
is "input: what old text cannot say is null (time, next victims, reclaim)" \
	'.time == null and .next_victims == null and .reclaim == null'
is "input: memcg state is the report's memory.stat at the kill, all 42 v1 lines, the rest null" \
	'.memcg.state.read == "kernel_log" and (.memcg.state.memory_stat | length) == 42
	and .memcg.state.memory_stat.total_rss == 66916352 and .memcg.state.stat.anon_kb == 65348
	and .memcg.state.limit_kb == null and .memcg.state.events.oom_kill == null'
is "input: printk time as ktime_ns, frames as text" \
	'.ktime_ns == 11826682087000 and .kstack[3] == "out_of_memory+0x214" and (.kstack | length) == 13'
jq -e -s 'map(select(.type == "summary"))[0] | .kills == 1 and .source == "kmsg"' <<<"$OUT" >/dev/null
ok $? "input: a summary record counts 1 kill"
N=$("$OOMTRACE" --input "$FIX/seed-5.14-memcg-v2-dmesg-x.txt" --json 2>/dev/null |
	jq -r 'select(.type == "oom_kill") | "\(.victim.pid) \(.container.runtime) \(.victim.points)"')
ok $([ "$N" = "1586608 containerd -44210" ]; echo $?) "input: 5.14 seed: victim, container, points from a v2 memcg without swap ($N)"
N=$(cat "$FIX"/seed-3.13-global.txt | "$OOMTRACE" --input - 2>/dev/null | grep -c 'victim   pid 10366 tid 10366 "nginx"')
ok $((N != 1)) "input: stdin (-), text output, a 3.13 report"
expect "--input: a missing file is a usage error" 2 "No such file" --input "$WORK/none"
head -c 4096 /dev/urandom | tr -d '\n' | head -c 2000 >"$WORK/garbage"
printf '\0\0\0' >>"$WORK/garbage"
expect "--input: binary data is refused" 2 "binary data" --input "$WORK/garbage"
expect "--input: a directory is refused" 2 "Is a directory" --input "$WORK"
expect "--source kmsg --reclaim-stalls is a usage error" 2 "need BPF" --source kmsg --reclaim-stalls 0
expect "--source bogus is a usage error" 2 "bpf, kmsg or auto" --source bogus
expect "--input with --source bpf is a usage error" 2 "not bpf" --source bpf --input "$FIX/seed-3.13-global.txt"

# ---- (a) live, as root ----
LIMIT_MIB=64
CG_NAME=oomtrace-kmsg-$$
make_memcg "$CG_NAME" $LIMIT_MIB || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR
make_memcg "$CG_NAME-other" $LIMIT_MIB || skip_all "cannot create a child memory cgroup"
check "oomtrace --source kmsg --json starts" start_oomtrace live --source kmsg --json
check "oomtrace --source kmsg --cgroup (this memcg) starts" start_oomtrace mine --source kmsg --json --cgroup "$CG_REL/$CG_NAME"
check "oomtrace --source kmsg --cgroup (a sibling) starts" start_oomtrace other --source kmsg --json --cgroup "$CG_REL/$CG_NAME-other"

# (b) auto, unprivileged: nobody with CAP_SYSLOG alone may read /dev/kmsg but not load BPF
FALLBACK=0
if command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+syslog --ambient-caps=+syslog \
		test -x "$OOMTRACE" 2>/dev/null; then
	FALLBACK=1
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+syslog --ambient-caps=+syslog "%s" "$@"\n' \
		"$OOMTRACE" >"$WORK/as-nobody"
	chmod +x "$WORK/as-nobody"
	OOMTRACE_REAL=$OOMTRACE
	OOMTRACE=$WORK/as-nobody
	check "auto as nobody+CAP_SYSLOG starts on the kernel log" start_oomtrace auto --json
	OOMTRACE=$OOMTRACE_REAL
	expect_cmd "--source kmsg without CAP_SYSLOG: /dev/kmsg unreadable, not privileged, rc 3" 3 \
		"cannot read the kernel log" \
		setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$OOMTRACE" --source kmsg
fi

run_trigger "$CG"
VICTIM=$TRIGGER_PID
ok $((TRIGGER_RC != 137)) "the trigger (pid $VICTIM) was SIGKILLed (rc $TRIGGER_RC)"
check "a kmsg kill record for pid $VICTIM arrives" wait_for "$WORK/live.out" ".type == \"oom_kill\" and .victim.pid == $VICTIM"
R=$(jq -c "select(.type == \"oom_kill\" and .victim.pid == $VICTIM)" "$WORK/live.out" | head -1)
echo "$R" | jq . | diag
is "live: victim pid and comm are the killed trigger's" ".victim.comm == \"oom-trigger\" and .victim.tid == $VICTIM"
is "live: source and hook are kmsg" '.source == "kmsg" and .hook == "kmsg"'
is "live: memcg.path is the test memcg, limit ${LIMIT_MIB} MiB" ".memcg.path == \"$CG_REL/$CG_NAME\" and .memcg.limit_kb == $((LIMIT_MIB * 1024)) and .cgroup == \"$CG_REL/$CG_NAME\""
is "live: gfp_mask, order and the invoker (the trigger itself)" ".gfp_mask != null and .gfp_mask_raw != null and .order >= 0 and .invoker.pid == $VICTIM and .invoker.comm == \"oom-trigger\""
is "live: frames through out_of_memory to the page fault" 'any(.kstack[]; startswith("out_of_memory+")) and any(.kstack[]; startswith("handle_mm_fault+"))'
is "live: constraint MEMCG, wall-clock time, an event id" '.constraint == "MEMCG" and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")) and .event_id >= 1'
is "live: anon rss near the limit, points computed" ".victim.anon_rss_kb >= $((LIMIT_MIB * 1024 * 9 / 10)) and .victim.points > 0 and .victim.points_source == \"computed\""
STAT_KEYS=$(awk '{print $1}' "$CG/memory.stat" | jq -R -s -c 'split("\n") | map(select(. != "")) | sort')
is "live: memcg state is the report's memory.stat at the kill, with the keys of the memcg's file" \
	".memcg.state.read == \"kernel_log\" and (.memcg.state.memory_stat | keys) == $STAT_KEYS"
is "live: next_victims read (an array)" '.next_victims | type == "array"'
check "--cgroup this memcg: the kill is kept" wait_for "$WORK/mine.out" ".type == \"oom_kill\" and .victim.pid == $VICTIM"
sleep 0.5
N=$(jq -s 'map(select(.type == "oom_kill")) | length' "$WORK/other.out")
ok $((N != 0)) "--cgroup a sibling memcg: the kill is left out ($N records)"

if [ "$FALLBACK" = 1 ]; then
	check "auto fallback: the record still arrives for pid $VICTIM" wait_for "$WORK/auto.out" ".type == \"oom_kill\" and .victim.pid == $VICTIM and .source == \"kmsg\""
	W=$(grep -c 'warning:.*falling back' "$WORK/auto.err")
	grep -q 'not privileged to load BPF' "$WORK/auto.err"
	ok $((W != 1 || $? != 0)) "auto fallback: one warning saying why ($W)"
	diag <"$WORK/auto.err"
else
	ok 0 "auto fallback # SKIP setpriv cannot run oomtrace as nobody with CAP_SYSLOG here"
	ok 0 "auto fallback warning # SKIP as above"
fi

kill -INT "$PID_live"
wait "$PID_live"
ok $? "SIGINT ends the kmsg source with rc 0"
grep -q "OOM kill.* from the kernel log" "$WORK/live.err"
ok $? "the summary on stderr counts kills ($(grep 'from the kernel log' "$WORK/live.err"))"
jq -e -s 'map(select(.type == "summary"))[0].kills >= 1' "$WORK/live.out" >/dev/null
ok $? "a JSON summary record at the end"

# a refused --output (EPERM on an immutable file) is the user's to fix:
# one message, exit 2, and no "the kernel refused to load BPF" fallback
IMM=$WORK/immutable.out
touch "$IMM"
if chattr +i "$IMM" 2>/dev/null; then
	"$OOMTRACE" --output "$IMM" >/dev/null 2>"$WORK/imm.err"
	rc=$?
	chattr -i "$IMM"
	ok $((rc != 2 || $(grep -c . "$WORK/imm.err") != 1)) \
		"a refused --output: exit 2 with one message, no fallback (rc $rc)"
	grep -q "falling back" "$WORK/imm.err"
	ok $((! $?)) "... and no word of falling back"
else
	ok 0 "a refused --output does not fall back # SKIP chattr +i does not work in $WORK"
fi

done_testing
