#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A kernel that will not load or attach a tier's programs (a verifier too
# old for them, a hook not built in) is what --source auto's kernel-log
# fallback is for: it follows /dev/kmsg and says why.  --source bpf does
# not fall back: it exits 1.  Here the forced tier is one this host's
# kernel cannot attach (kprobes or fentry, whichever it refuses).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root to load BPF"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "no kernel BTF"
tier=""
for t in kprobe fentry; do
	timeout 5 "$OOMTRACE" --source bpf --hooks "$t" >/dev/null 2>"$WORK/probe.err" </dev/null
	if grep -q "failed to attach any OOM hook" "$WORK/probe.err"; then
		tier=$t
		break
	fi
done
[ -n "$tier" ] || skip_all "this kernel attaches every tier: no refused tier to fall back from"

expect "--source bpf --hooks $tier: exit 1, no fallback" 1 "failed to attach any OOM hook" \
	--source bpf --hooks "$tier"
grep -q "falling back" <<<"$("$OOMTRACE" --source bpf --hooks "$tier" 2>&1)"
ok $((! $?)) "... and no word of falling back"

# --source auto (the default): the kernel log instead, with the reason
"$OOMTRACE" --hooks "$tier" --json >"$WORK/auto.out" 2>"$WORK/auto.err" &
pid=$!
PIDS="$PIDS $pid"
for _ in $(seq 100); do
	grep -q '^Tracing' "$WORK/auto.err" && break
	sleep 0.1
done
grep -q '^Tracing OOM kills (source: kmsg' "$WORK/auto.err"
ok $? "--hooks $tier with --source auto falls back to the kernel log"
grep -q "failed to attach any OOM hook: $tier" "$WORK/auto.err" &&
	grep -q "would not load or attach.*falling back" "$WORK/auto.err"
ok $? "... and the warning says why"
kill -INT "$pid"
wait "$pid"
ok $? "... and ends with rc 0 on SIGINT"
jq -e -s 'map(select(.type == "summary"))[0].source == "kmsg"' "$WORK/auto.out" >/dev/null
ok $? "... its summary says the kernel log was the source"
diag <"$WORK/auto.err"

# --record needs BPF: no fallback, exit 1 and a reason
expect "--record with a refused tier: no fallback, exit 1" 1 "needs BPF, so no fallback" \
	--hooks "$tier" --record "$WORK/rec.oomt"

done_testing
