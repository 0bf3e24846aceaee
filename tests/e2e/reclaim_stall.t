#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Reclaim that hurts but does not kill: a reader streams a file four times
# the size of its memcg's limit through the page cache, so memcg reclaim
# runs all along.  --reclaim-stalls 0 must report the reader's episodes,
# with pages reclaimed, and no kill.
. "$(dirname "$0")/lib.sh"

need_root_and_bpf
find_memcg || skip_all "no writable memory cgroup for this process"

LIMIT_MIB=32
FILE_MIB=128
CG_NAME=oomtrace-e2e-rd-$$
make_memcg "$CG_NAME" $LIMIT_MIB || skip_all "cannot create a child memory cgroup"
CG=$MEMCG_DIR
DATA=/var/tmp/oomtrace-e2e-$$.dat
dd if=/dev/zero of="$DATA" bs=1M count=$FILE_MIB conv=fsync status=none ||
	skip_all "cannot write a $FILE_MIB MiB file in /var/tmp"
# drop the file's pages from the cache (its own pages only), so the reader
# charges every page it reads to its memcg
dd if="$DATA" iflag=nocache count=0 status=none
trap 'rm -f "$DATA"; cleanup' EXIT

# --cgroup too: the host's own OOMs and stalls stay out, and the filter is
# exercised on reclaim episodes
check "oomtrace --json --reclaim-stalls 0 --cgroup starts" start_oomtrace stall --json --reclaim-stalls 0 --cgroup "$CG"
sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if="$2" of=/dev/null bs=1M status=none' sh "$CG" "$DATA" &
READER=$!
PIDS="$PIDS $READER"
wait $READER
ok $? "the reader (pid $READER) read $FILE_MIB MiB through a $LIMIT_MIB MiB memcg and was not killed"
check "a reclaim_stall record for the reader arrives" \
	wait_for "$WORK/stall.out" ".type == \"reclaim_stall\" and .task.pid == $READER"
kill -INT "$PID_stall"
wait "$PID_stall"
ok $? "oomtrace exits 0 on SIGINT"

ALL=$(jq -c "select(.type == \"reclaim_stall\" and .task.pid == $READER)" "$WORK/stall.out")
echo "$ALL" | head -3 | jq -c 'del(.kstack)' | diag
R=$(echo "$ALL" | head -1)
is() { [ -n "$R" ] && echo "$R" | jq -e "$2" >/dev/null; ok $? "$1"; }
is "comm is dd, tid is the reader's" ".task.comm == \"dd\" and .task.tid == $READER"
is "memcg is the test cgroup" ".memcg == \"$CG_REL/$CG_NAME\""
is "kind is memcg reclaim" '.kind == "memcg"'
is "passes, stall time and a duration" '.passes >= 1 and .stall_us > 0 and .duration_us >= 0'
is "the stack of its first pass passes through memcg reclaim" 'any(.kstack[]; test("^(try_to_free_mem_cgroup_pages|try_charge_memcg)\\+"))'
is "gfp and order of the request" '.gfp_mask != null and .order == 0'
RECLAIMED=$(echo "$ALL" | jq -s 'map(.reclaimed) | add')
ok $((RECLAIMED <= 0)) "the reader's episodes reclaimed pages ($RECLAIMED)"
SCANNED=$(echo "$ALL" | jq -s 'map(.scanned) | add')
ok $((SCANNED < RECLAIMED / 2)) "and scanned them on the inactive LRUs ($SCANNED)"
MIB=$((RECLAIMED * $(getconf PAGESIZE) / 1048576))
ok $((MIB < FILE_MIB - 2 * LIMIT_MIB)) "reclaimed about what did not fit ($MIB MiB of $FILE_MIB through $LIMIT_MIB)"
N=$(jq -s 'map(select(.type == "oom_kill")) | length' "$WORK/stall.out")
ok $((N != 0)) "no kill record ($N)"
N=$(jq -s "map(select(.type == \"reclaim_stall\" and .memcg != \"$CG_REL/$CG_NAME\")) | length" "$WORK/stall.out")
ok $((N != 0)) "no stall record from outside the --cgroup ($N)"
S=$(jq -c 'select(.type == "summary")' "$WORK/stall.out")
[ -n "$S" ] && echo "$S" | jq -e ".memcgs[\"$CG_REL/$CG_NAME\"].reclaim_stalls >= 1 and .memcgs[\"$CG_REL/$CG_NAME\"].reclaimed == $RECLAIMED" >/dev/null
ok $? "the summary counts the memcg's stalls and pages"

done_testing
