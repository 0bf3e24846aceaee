#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# --input over every saved report in tests/fixtures/kmsg, the pasted ones
# too: what oomtrace reads of each, record by record, is what
# tests/fixtures/kmsg/golden/NAME.json says.  Only the fields the kernel's
# text gives are compared, not what the pipeline derives from them, so a
# new field elsewhere in the record changes no golden.  No root, no BPF,
# no OOM.  UPDATE_GOLDEN=1 writes the goldens anew: read their diff.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
command -v jq >/dev/null || skip_all "needs jq"
FIX=$TOP/tests/fixtures/kmsg

# shellcheck disable=SC2016
FIELDS='
if .type == "oom_kill" then
	{type, event_id, ktime_ns, constraint, gfp_mask, gfp_mask_raw, order, invoker,
	 victim: (.victim | {pid, comm, uid, oom_score_adj, total_vm_kb, anon_rss_kb,
			     file_rss_kb, shmem_rss_kb, swap_kb, pgtables_kb}),
	 memcg: (.memcg | if . == null then null else {path, usage_kb, limit_kb, cgroup_version} end),
	 cgroup,
	 node_memory: (.node_memory | if . == null then null else del(.zones[].below_min) end),
	 unreclaimable_slab, kstack}
elif .type == "oom_reaped" then
	{type, event_id, ktime_ns, victim, reaper: (.reaper | {state, reaped_kb})}
elif .type == "summary" then
	{type, kills, incomplete}
else . end'

for f in "$FIX"/*.txt "$FIX"/*.dmesg "$FIX"/*.kmsg; do
	name=$(basename "$f")
	golden=$FIX/golden/$name.json
	"$OOMTRACE" --input "$f" --json 2>"$WORK/$name.err" >"$WORK/$name.all"
	ok $? "$name: --input exits 0"
	jq -c "$FIELDS" "$WORK/$name.all" >"$WORK/$name.json"
	[ "${UPDATE_GOLDEN:-}" = 1 ] && cp "$WORK/$name.json" "$golden"
	cmp -s "$golden" "$WORK/$name.json"
	rc=$?
	ok $rc "$name: every record as its golden has it"
	[ $rc -eq 0 ] && continue
	diff "$golden" "$WORK/$name.json" | head -20 | diag
done

# the text of a global OOM says the machine's memory as its report printed
# it, and each zone below its min watermark (one boosted)
f=$FIX/hand-6.12-global-numa.kmsg
expect "a global OOM's memory line, from its Node and zone lines and Mem-Info's slab (4312 and 9871 pages)" 0 \
	'^  memory   RAM 8037892 kB: free 50832 kB (0%), anon 3824240 kB (47%), page cache 4032 kB (0%), shmem 6688 kB (0%), slab reclaimable 17248 kB (0%), slab unreclaimable 39484 kB (0%), kernel stacks and page tables 11088 kB (0%), unevictable 15540 kB (0%), unaccounted 4068740 kB (50%)$' \
	--input "$f"
expect "its zones below min" 0 \
	'^  zone     node 0 Normal: free 7620 kB below min 9828 kB (low 11776 kB, high 13724 kB)$' \
	--input "$f"

# a global OOM of kernel memory: Mem-Info's slab, the report's own list of
# the largest caches, and the verdict drawn from them
f=$FIX/hand-6.1-global-slab.dmesg
expect "slab from Mem-Info's pages, unaccounted the rest" 0 \
	'^  memory   RAM 415360 kB: .* slab reclaimable 6000 kB (1%), slab unreclaimable 370000 kB (89%), .* unaccounted 1160 kB (0%)$' \
	--input "$f"
expect "the report's unreclaimable caches, largest first" 0 \
	'^  slab     unreclaimable, largest first (from the kernel log): kmalloc-4k 361600 kB, task_struct 2180 kB, kmalloc-2k 1824 kB, kmalloc-512 416 kB$' \
	--input "$f"
expect "the verdict: kernel memory, not a process" 0 \
	'^  verdict  .*; unreclaimable slab 89% of RAM: kernel memory, not a process.s; ' \
	--input "$f"

done_testing
