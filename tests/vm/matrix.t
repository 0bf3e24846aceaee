#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel matrix: boot each of Debian's stock kernels under qemu (TCG),
# run oomtrace in every tier through the guest's OOM scenarios, and check
# each tier's records against the guest kernel's own OOM report.  See
# tools/vm/.  Guests run VMTEST_JOBS (2) at a time, each on one vCPU with
# two NUMA nodes; the checks run after them, in the matrix's order.
#   VMTEST_KERNELS="regex ..." narrows the matrix (tools/vm/kernels.sh).
#   VMTEST_CACHE (.cache) holds kernels, apt lists and each guest's files:
#   $VMTEST_CACHE/vmtest/<package>/ keeps kernel.log and <tier>.json.
. "$(dirname "$0")/../e2e/lib.sh"
. "$(dirname "$0")/check.sh"

CACHE=${VMTEST_CACHE:-$TOP/.cache}
JOBS=${VMTEST_JOBS:-2}
command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed (tools/install-deps.sh installs it where it can)"
dpkg -s busybox-static >/dev/null 2>&1 || skip_all "busybox-static is not installed"
for f in "$TOP/oomtrace-static" "$TOP/.output/oom-trigger-static" "$TOP/.output/prog-ids"; do
	[ -x "$f" ] || skip_all "$f is not built (make vmtest builds it)"
done
[ "$TOP/oomtrace-static" -ot "$TOP/.output/oomtrace.bpf.o" ] &&
	skip_all "oomtrace-static is older than the BPF object: make vmtest rebuilds it"
[ -x "$TOP/oomtrace" ] || skip_all "$TOP/oomtrace is not built: the host parses the guests' kernel logs with it"

INITRD=$WORK/initrd.gz
"$TOP/tools/vm/mkinitramfs.sh" "$INITRD" "$TOP/oomtrace-static" "$TOP/.output/oom-trigger-static" \
	"$TOP/.output/prog-ids" || skip_all "cannot build the guest's initramfs"
START=$(date +%s)
# shellcheck disable=SC2086
"$TOP/tools/vm/kernels.sh" "$CACHE/kernels" ${VMTEST_KERNELS:-} >"$WORK/kernels"
grep -v '^SKIP ' "$WORK/kernels" >"$WORK/boot" || true
SUMMARY=$WORK/summary
while read -r _ what why; do
	ok 0 "kernel $what # SKIP $why"
	echo "$what: SKIP ($why)" >>"$SUMMARY"
done < <(grep '^SKIP ' "$WORK/kernels")
if [ ! -s "$WORK/boot" ]; then # each kernel's skip is said above
	echo "# no kernel of the matrix could be downloaded"
	done_testing
	exit 0
fi

# boot NAME VMLINUZ: one guest, its serial ports into the cache
boot() {
	local name=$1 vmlinuz=$2 dir=$CACHE/vmtest/$1 t0
	rm -rf "$dir"
	mkdir -p "$dir"
	t0=$(date +%s)
	# two NUMA nodes of 256 MiB, the second without CPUs, for cpuset and
	# mempolicy OOMs; swapaccount=1 gives v1 its memsw files where needed;
	# a 4 MiB log buffer (not 128 KiB) holds the storm's ten reports of
	# 1,000 tasks each while the guest's reader is starved of the vCPU
	timeout "${VMTEST_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -cpu max -smp 1 -m 512 \
		-object memory-backend-ram,id=m0,size=256M -object memory-backend-ram,id=m1,size=256M \
		-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,memdev=m1 \
		-display none -monitor none -no-reboot \
		-serial "file:$dir/console.log" -serial "file:$dir/results.txt" \
		-kernel "$vmlinuz" -initrd "$INITRD" \
		-append "console=ttyS0 panic=-1 loglevel=4 swapaccount=1 log_buf_len=4M" </dev/null >"$dir/qemu.log" 2>&1
	echo "$?" >"$dir/qemu.rc"
	echo $(($(date +%s) - t0)) >"$dir/seconds"
}

running=0
while read -r name vmlinuz; do
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	boot "$name" "$vmlinuz" &
	running=$((running + 1))
done <"$WORK/boot"
wait

FIELDS=0
while read -r name _; do
	dir=$CACHE/vmtest/$name
	before=$T_FAILED
	ORACLE_TOTAL=0 STORM_FIGURE="no storm" ORACLE_FAILS=""
	check_guest "$name" "$dir"
	FIELDS=$((FIELDS + ORACLE_TOTAL))
	secs=$(cat "$dir/seconds" 2>/dev/null)
	if [ "$T_FAILED" -eq "$before" ]; then
		echo "$name: pass (${secs}s; $TIER_RESULTS; $ORACLE_TOTAL fields equal the kernel's; $STORM_FIGURE)" >>"$SUMMARY"
	else
		echo "$name: FAIL (${secs}s; ${TIER_RESULTS:-guest did not finish}; console in $dir/console.log${ORACLE_FAILS:+; disagreed with the kernel: $ORACLE_FAILS})" >>"$SUMMARY"
	fi
done <"$WORK/boot"

echo "# kernel matrix, $(($(date +%s) - START)) s wall time, $JOBS guests at a time, $FIELDS fields compared with the kernels' own reports:"
sed 's/^/#   /' "$SUMMARY"
done_testing
