#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --metrics and --metrics-file through one real memcg OOM kill: both
# expositions pass promtool and count the kill and the reclaim before it
# under the test memcg; bad values are refused before anything loads.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"
command -v curl >/dev/null || skip_all "needs curl"
command -v ss >/dev/null || skip_all "needs ss (iproute2)"

# a port nothing listens on now
free_port() {
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		[ -z "$(ss -Hltn "sport = :$p")" ] && echo "$p" && return 0
	done
	return 1
}
PORT=$(free_port) || skip_all "found no free TCP port"
PROM=$WORK/oomtrace.prom
URL=http://127.0.0.1:$PORT

# refused before any BPF is loaded: expect checks there is no Tracing line
expect "--metrics 0 is a usage error" 2 "'0'.*port from 1 to 65535" --metrics 0
expect "--metrics 65536 is a usage error" 2 "'65536'" --metrics 65536
expect "--metrics with no port is a usage error" 2 "'127.0.0.1:'" --metrics 127.0.0.1:
expect "--metrics with a name for a port is a usage error" 2 "'127.0.0.1:http'" --metrics 127.0.0.1:http
expect "--metrics with a bare IPv6 address is a usage error" 2 "in brackets" --metrics ::1:9100
expect "--metrics with an unresolvable address is a usage error" 2 \
	"cannot resolve 'no-such-host.invalid'" --metrics no-such-host.invalid:9100
expect "--metrics-file in a missing directory is a usage error" 2 \
	"'$WORK/none/x.prom'.*No such file" --metrics-file "$WORK/none/x.prom"
expect "--metrics-file naming a directory is a usage error" 2 "not a directory" --metrics-file "$WORK"
expect "oomtrace top refuses --metrics" 2 "are for tracing" top --metrics 9100
expect "oomtrace report refuses --metrics" 2 "are for tracing" report /dev/null --metrics 9100
expect "--metrics with --input is refused, not ignored" 2 "follow a live source" --input /dev/null --metrics 9100

LIMIT_MIB=64
CG_NAME=oomtrace-metrics-$$
make_memcg "$CG_NAME" $LIMIT_MIB || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR
MEMCG="$CG_REL/$CG_NAME"

check "oomtrace --metrics 127.0.0.1:$PORT --metrics-file starts" \
	start_oomtrace m --json --metrics "127.0.0.1:$PORT" --metrics-file "$PROM"
expect "a second --metrics on the same port is a bind failure" 1 \
	"127.0.0.1 port $PORT: Address already in use" --metrics "127.0.0.1:$PORT"
check "the file is written once the hooks are attached" grep -q '^oomtrace_up 1$' "$PROM"
# the kernel-log source counts the same kill, where BPF could not load
KPROM=$WORK/kmsg.prom
check "oomtrace --source kmsg --metrics-file starts" \
	start_oomtrace k --json --source kmsg --metrics-file "$KPROM"

run_trigger "$CG"
ok $((TRIGGER_RC != 137)) "trigger (pid $TRIGGER_PID) was SIGKILLed (rc $TRIGGER_RC)"
check "its kill record arrives" wait_for "$WORK/m.out" \
	".type == \"oom_kill\" and .victim.pid == $TRIGGER_PID"
check "... and from the kernel log too" wait_for "$WORK/k.out" \
	".type == \"oom_kill\" and .victim.pid == $TRIGGER_PID"
# the file is rewritten at most once a second
for _ in $(seq 30); do
	grep -qF "oomtrace_oom_kills_total{memcg=\"$MEMCG\"," "$KPROM" && break
	sleep 0.1
done
grep -F "oomtrace_oom_kills_total{memcg=\"$MEMCG\"," "$KPROM" | grep -q 'constraint="MEMCG"} 1$'
ok $? "--source kmsg: the kill counted under its memcg, constraint MEMCG"
grep -q '^oomtrace_build_info{version="[^"]*",hooks="kmsg"} 1$' "$KPROM" &&
	grep -q '^oomtrace_dropped_records_total{type="kernel_log"} 0$' "$KPROM"
ok $? "--source kmsg: hooks=\"kmsg\", and kernel_log losses counted (0)"
grep -q '^oomtrace_oom_kill_verdicts_total{limit="memcg",filled="[a-z_]*"} 1$' "$KPROM"
ok $? "--source kmsg: the kill's verdict counted, limit memcg"
if command -v promtool >/dev/null; then
	promtool check metrics <"$KPROM" >"$WORK/kpromtool.out" 2>&1
	ok $? "--source kmsg: promtool check metrics passes on its file"
else
	ok 0 "--source kmsg: promtool # SKIP promtool is not installed"
fi

# the kill's series, and one reclaim counter, for the test memcg, in text
kills_of() { grep -F "oomtrace_oom_kills_total{memcg=\"$MEMCG\"," "$1"; }
counter() { # counter FILE NAME: the value for the test memcg, or nothing
	grep -F "$2{memcg=\"$MEMCG\"} " "$1" | awk '{print $2}'
}
# the file is rewritten within a second of the change (and the last
# reclaim episode may close a moment after the kill)
for _ in $(seq 50); do
	[ -n "$(kills_of "$PROM")" ] && [ -n "$(counter "$PROM" oomtrace_reclaim_passes_total)" ] && break
	sleep 0.1
done
curl -s -o "$WORK/scrape.txt" -D "$WORK/scrape.hdr" -w '%{http_code}' "$URL/metrics" >"$WORK/code"
ok $(($(cat "$WORK/code") != 200)) "GET /metrics is 200 ($(cat "$WORK/code"))"
check "with the exposition's content type" grep -qi '^content-type: text/plain; version=0.0.4' "$WORK/scrape.hdr"

for src in scrape:"$WORK/scrape.txt" file:"$PROM"; do
	name=${src%%:*} f=${src#*:}
	if command -v promtool >/dev/null; then
		out=$(promtool check metrics <"$f" 2>&1)
		ok $? "promtool check metrics passes on the $name"
		[ -z "$out" ] || diag <<<"$out"
	else
		ok 0 "promtool check metrics on the $name # SKIP promtool is not installed (Debian: prometheus)"
	fi
	K=$(kills_of "$f")
	[ "$(wc -l <<<"$K")" -eq 1 ] && grep -q 'constraint="MEMCG"} 1$' <<<"$K"
	ok $? "$name: oomtrace_oom_kills_total for $MEMCG is exactly 1, constraint MEMCG"
	[ -n "$K" ] || kills_of "$f" | diag
	# memcg reclaim passes stall the trigger and scan its LRUs before the kill
	for c in passes_total stall_seconds_total scanned_pages_total; do
		v=$(counter "$f" oomtrace_reclaim_$c)
		awk -v v="$v" 'BEGIN { exit !(v != "" && v + 0 > 0) }'
		ok $? "$name: oomtrace_reclaim_$c for $MEMCG is > 0 ($v)"
	done
	# anon pages without swap cannot be reclaimed: 0 is a true answer (in some runs here)
	v=$(counter "$f" oomtrace_reclaim_reclaimed_pages_total)
	awk -v v="$v" 'BEGIN { exit !(v ~ /^[0-9]+$/) }'
	ok $? "$name: oomtrace_reclaim_reclaimed_pages_total for $MEMCG is there ($v)"
	check "$name: build_info names the hooks" \
		grep -q '^oomtrace_build_info{version="[^"]*",hooks="oom_kill_process: [^"]*"} 1$' "$f"
	check "$name: nothing dropped" grep -q '^oomtrace_dropped_records_total{type="oom_kill"} 0$' "$f"
done

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
ok $(($(code "$URL/nope") != 404)) "another path is 404"
ok $(($(code "$URL/metrics/x") != 404)) "/metrics/x is 404"
ok $(($(code -X POST "$URL/metrics") != 405)) "POST is 405"
ok $(($(code -I "$URL/metrics") != 200)) "HEAD is 200"
check "/ points to /metrics" sh -c "curl -s '$URL/' | grep -q 'href=\"/metrics\"'"
LISTEN=$(ss -Hltn "sport = :$PORT" | awk '{print $4}')
ok $([ "$LISTEN" = "127.0.0.1:$PORT" ]; echo $?) "it listens on 127.0.0.1:$PORT only ($LISTEN)"

# a bare port binds loopback only too
PORT2=$(free_port)
check "oomtrace --metrics $PORT2 (a bare port) starts" start_oomtrace bare --metrics "$PORT2"
LISTEN=$(ss -Hltn "sport = :$PORT2" | awk '{print $4}')
ok $([ "$LISTEN" = "127.0.0.1:$PORT2" ]; echo $?) "a bare port listens on 127.0.0.1 only ($LISTEN)"
kill -INT "$PID_bare"
wait "$PID_bare"

kill -INT "$PID_m"
wait "$PID_m"
ok $? "oomtrace ends with 0 on SIGINT"
check "the last file written at exit says oomtrace_up 0" grep -q '^oomtrace_up 0$' "$PROM"
check "and still holds the kill" sh -c "grep -F 'oomtrace_oom_kills_total{memcg=\"$MEMCG\",' '$PROM' | grep -q ' 1\$'"
LEFT=$(ls "$PROM".tmp.* 2>/dev/null)
ok $([ -z "$LEFT" ]; echo $?) "no temporary file is left behind"
ok $([ "$(stat -c %a "$PROM")" = 644 ]; echo $?) "the file is mode 0644, for a node_exporter not run as root"
ok $([ -z "$(ss -Hltn "sport = :$PORT")" ]; echo $?) "the port is closed after exit"

# the static build has no HTTP server (docs/metrics.md), but writes the file
STATIC=${OOMTRACE_STATIC:-$TOP/oomtrace-static}
if [ -x "$STATIC" ]; then
	expect_cmd "oomtrace-static refuses --metrics, naming --metrics-file" 2 \
		"static build has no HTTP server.*--metrics-file" "$STATIC" --metrics "$PORT"
	OOMTRACE=$STATIC check "oomtrace-static --metrics-file starts" \
		start_oomtrace static --metrics-file "$WORK/static.prom"
	check "and writes the file" grep -q '^oomtrace_up 1$' "$WORK/static.prom"
	kill -INT "$PID_static"
	wait "$PID_static"
else
	ok 0 "oomtrace-static refuses --metrics # SKIP $STATIC is not built (make static)"
fi

done_testing
