#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel matrix: boot each of Debian's stock kernels under qemu (TCG),
# run oomtrace in every tier through a memcg OOM and a global OOM inside the
# guest, and check what each tier recorded.  See tools/vm/.
#   VMTEST_KERNELS="regex ..." narrows the matrix (tools/vm/kernels.sh).
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/check.sh"

CACHE=${VMTEST_CACHE:-$TOP/.cache}
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed (tools/install-deps.sh installs it where it can)"
dpkg -s busybox-static >/dev/null 2>&1 || skip_all "busybox-static is not installed"
for f in "$TOP/oomtrace-static" "$TOP/.output/oom-trigger-static" "$TOP/.output/prog-ids"; do
	[ -x "$f" ] || skip_all "$f is not built (make vmtest builds it)"
done
[ "$TOP/oomtrace-static" -ot "$TOP/.output/oomtrace.bpf.o" ] &&
	skip_all "oomtrace-static is older than the BPF object: make vmtest rebuilds it"

INITRD=$WORK/initrd.gz
"$TOP/tools/vm/mkinitramfs.sh" "$INITRD" "$TOP/oomtrace-static" "$TOP/.output/oom-trigger-static" \
	"$TOP/.output/prog-ids" || skip_all "cannot build the guest's initramfs"
# shellcheck disable=SC2086
KERNELS=$("$TOP/tools/vm/kernels.sh" "$CACHE/kernels" ${VMTEST_KERNELS:-})
[ -n "$KERNELS" ] || skip_all "no kernel of the matrix could be downloaded (apt-get update; network to the package registry?)"

START=$(date +%s)
SUMMARY=$WORK/summary
while read -r name vmlinuz; do
	dir=$CACHE/vmtest/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	t0=$(date +%s)
	timeout "${VMTEST_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 512 \
		-display none -monitor none -no-reboot \
		-serial "file:$dir/console.log" -serial "file:$dir/results.txt" \
		-kernel "$vmlinuz" -initrd "$INITRD" \
		-append "console=ttyS0 panic=-1 loglevel=4" </dev/null >"$dir/qemu.log" 2>&1
	echo "$?" >"$dir/qemu.rc"
	before=$T_FAILED
	check_guest "$name" "$dir"
	secs=$(($(date +%s) - t0))
	if [ "$T_FAILED" -eq "$before" ]; then
		echo "$name: pass (${secs}s; $TIER_RESULTS)" >>"$SUMMARY"
		rm -f "$dir/console.log"
	else
		echo "$name: FAIL (${secs}s; ${TIER_RESULTS:-guest did not finish}; console kept in $dir/console.log)" >>"$SUMMARY"
	fi
done <<<"$KERNELS"

echo "# kernel matrix, $(($(date +%s) - START)) s wall time:"
sed 's/^/#   /' "$SUMMARY"
done_testing
