#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Privileges, BTF, --output safety, signals and broken outputs: a clear
# message, the documented exit code, nothing left attached, no crash.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"
make_memcg oomtrace-e2e-rb-$$ 64 || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR

if command -v setpriv >/dev/null; then
	expect_cmd "without privileges (--source bpf): says what is missing, exit 3" 3 \
		"needs CAP_BPF and CAP_PERFMON" \
		setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$OOMTRACE" --source bpf
	if [ "$(cat /proc/sys/kernel/dmesg_restrict 2>/dev/null)" = 1 ]; then
		expect_cmd "without privileges for BPF or the kernel log (auto): exit 3" 3 \
			"needs CAP_SYSLOG" \
			setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all "$OOMTRACE"
	else
		ok 0 "without privileges for the kernel log # SKIP kernel.dmesg_restrict is 0 here"
	fi
else
	ok 0 "without privileges # SKIP setpriv is not installed"
fi
expect_cmd "--btf on a missing file: exit 4" 4 "--btf '/no/such/btf': not a usable BTF file" \
	"$OOMTRACE" --btf /no/such/btf
expect_cmd "--btf on a file that is not BTF: exit 4" 4 "not a usable BTF file" "$OOMTRACE" --btf /etc/hostname
check "--btf with the kernel's own BTF file starts" start_oomtrace btf --btf /sys/kernel/btf/vmlinux
kill -TERM "$PID_btf"
wait "$PID_btf"
ok $? "SIGTERM: exit 0"
grep -q "OOM kills traced" "$WORK/btf.err"
ok $? "SIGTERM: the summary is printed"

ln -s "$WORK/target" "$WORK/link"
expect_cmd "--output through a symlink is refused: exit 2" 2 "is a symbolic link: refused" \
	"$OOMTRACE" --output "$WORK/link"
[ ! -e "$WORK/target" ]
ok $? "and nothing was created behind the link"
expect_cmd "--output on a directory is refused" 2 "Is a directory" "$OOMTRACE" --output "$WORK"
expect_cmd "--output on a device is refused" 2 "not a regular file" "$OOMTRACE" --output /dev/null
expect_cmd "--output in a missing directory" 2 "No such file or directory" "$OOMTRACE" --output /no/dir/f
expect_cmd "a closed stdout without --output: exit 1" 1 "standard output is closed" sh -c "exec '$OOMTRACE' >&-"

umask 022
check "--output FILE starts (stdout closed, which is fine then)" start_oomtrace out --json --output "$WORK/records.json"
ok $(([ "$(stat -c %a "$WORK/records.json")" = 640 ] && echo 0) || echo 1) "--output creates the file mode 0640 ($(stat -c %a "$WORK/records.json"))"
run_trigger "$CG"
P=$TRIGGER_PID
check "the kill lands in the --output file" wait_for "$WORK/records.json" ".type == \"oom_kill\" and .victim.pid == $P"
kill -HUP "$PID_out"
wait "$PID_out"
ok $? "SIGHUP: exit 0"
jq -e -s 'last | .type == "summary" and .kills == 1' "$WORK/records.json" >/dev/null
ok $? "SIGHUP: the summary record closes the file"

# a write that fails: stdout on a full device
"$OOMTRACE" --json >/dev/full 2>"$WORK/full.err" &
FULL=$!
PIDS="$PIDS $FULL"
for _ in $(seq 100); do grep -q '^Tracing' "$WORK/full.err" && break; sleep 0.1; done
run_trigger "$CG"
for _ in $(seq 50); do kill -0 "$FULL" 2>/dev/null || break; sleep 0.1; done
wait "$FULL"
RC=$?
[ "$RC" -eq 1 ] && grep -q "failed to write records: No space left on device" "$WORK/full.err"
ok $? "stdout on a full disk: the write error said, exit 1 (rc $RC)"

# and a tiny tmpfs under --output
mkdir "$WORK/tiny"
if mount -t tmpfs -o size=4k tmpfs "$WORK/tiny" 2>/dev/null; then
	dd if=/dev/zero of="$WORK/tiny/fill" bs=1k count=4 status=none 2>/dev/null
	start_oomtrace tiny --json --output "$WORK/tiny/records.json"
	run_trigger "$CG"
	for _ in $(seq 50); do kill -0 "$PID_tiny" 2>/dev/null || break; sleep 0.1; done
	wait "$PID_tiny"
	RC=$?
	[ "$RC" -eq 1 ] && grep -q "No space left on device" "$WORK/tiny.err"
	ok $? "--output on a full tmpfs: said, exit 1 (rc $RC)"
	umount "$WORK/tiny"
else
	ok 0 "--output on a full tmpfs # SKIP cannot mount a tmpfs here"
fi

done_testing
