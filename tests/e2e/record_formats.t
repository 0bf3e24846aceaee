#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Every --record format version still replays: each fixture in
# tests/fixtures/record (vN.oomtrec, real OOM kills recorded by the
# oomtrace that wrote version N; see make-fixture.sh there) prints, byte
# for byte, what that oomtrace printed for it (vN.report.txt/.err,
# vN.report.json, vN.stalls.json).  Sessions of both versions appended to
# one file read; a frame of a type this oomtrace does not know is
# skipped; a file cut short or damaged says where, and exits 1.
# No root, no BPF.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
command -v jq >/dev/null || skip_all "needs jq"
FIX=$TOP/tests/fixtures/record

# messages name the file as given: run from the fixtures' directory, as make-fixture.sh did
report() { (cd "$FIX" && "$OOMTRACE" report "$@"); }
same() { # same DESC GOLDEN GOT
	cmp -s "$2" "$3"
	local rc=$?
	ok $rc "$1"
	[ $rc -eq 0 ] || diff "$2" "$3" | head -20 | diag
}

for rec in "$FIX"/v*.oomtrec; do
	v=$(basename "$rec" .oomtrec)
	report "$v.oomtrec" >"$WORK/$v.txt" 2>"$WORK/$v.err.all"
	ok $? "$v: report exits 0"
	# the one line that names the printing oomtrace's version, if it differs
	grep -v '^oomtrace: report .*: printed by oomtrace ' "$WORK/$v.err.all" >"$WORK/$v.err"
	same "$v: report prints the golden text" "$FIX/$v.report.txt" "$WORK/$v.txt"
	same "$v: and the golden stderr" "$FIX/$v.report.err" "$WORK/$v.err"
	report "$v.oomtrec" --json >"$WORK/$v.json" 2>/dev/null
	ok $? "$v: report --json exits 0"
	same "$v: report --json prints the golden JSON" "$FIX/$v.report.json" "$WORK/$v.json"
	report "$v.oomtrec" --json --reclaim-stalls 0 >"$WORK/$v.stalls" 2>/dev/null
	same "$v: report --json --reclaim-stalls 0 prints every recorded episode as it did" \
		"$FIX/$v.stalls.json" "$WORK/$v.stalls"
	jq -se 'any(.[]; .type == "oom_kill") and any(.[]; .type == "oom_reaped") and
		any(.[]; .type == "reclaim_stall") and any(.[]; .type == "unreconciled") and
		any(.[]; .type == "oom_kill" and .kind == "already_exiting") and
		.[-1].type == "summary"' "$WORK/$v.stalls" >/dev/null
	ok $? "$v: the fixture holds kills, an already exiting victim, exits, stalls, unreconciled and a summary"
	N=$(grep -c '^oomtrace: report .*: recorded on ' "$WORK/$v.err")
	ok $((N != 2)) "$v: two sessions ($N)"
done
ok "$([ "$(head -c 12 "$FIX/v1.oomtrec" | tail -c 4 | od -An -tu4 | tr -d ' ')" = 1 ]; echo $?)" \
	"v1.oomtrec is a version 1 file"
ok "$([ "$(head -c 12 "$FIX/v2.oomtrec" | tail -c 4 | od -An -tu4 | tr -d ' ')" = 2 ]; echo $?)" \
	"v2.oomtrec is a version 2 file"

# a version 2 session appended to a version 1 file, as --record appends
cat "$FIX/v1.oomtrec" "$FIX/v2.oomtrec" >"$WORK/both.oomtrec"
"$OOMTRACE" report "$WORK/both.oomtrec" --json >"$WORK/both.json" 2>/dev/null
ok $? "v1 and v2 sessions in one file: exit 0"
{ grep -v '"type":"summary"' "$FIX/v1.report.json"; grep -v '"type":"summary"' "$FIX/v2.report.json"; } >"$WORK/both.want"
grep -v '"type":"summary"' "$WORK/both.json" >"$WORK/both.got"
same "... every record of both, in order" "$WORK/both.want" "$WORK/both.got"

# a frame of a later version's type after the header: skipped
u32() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))\\$(printf %03o $(($1 >> 16 & 255)))\\$(printf %03o $(($1 >> 24 & 255)))"; }
HLEN=$(head -c 24 "$FIX/v2.oomtrec" | tail -c 4 | od -An -tu4 | tr -d ' ')
{ head -c $((24 + HLEN)) "$FIX/v2.oomtrec"; u32 99; u32 5; printf 'later'; tail -c +$((25 + HLEN)) "$FIX/v2.oomtrec"; } >"$WORK/later.oomtrec"
"$OOMTRACE" report "$WORK/later.oomtrec" --json >"$WORK/later.json" 2>/dev/null
ok $? "a frame of an unknown type: exit 0"
same "... and the same records" "$FIX/v2.report.json" "$WORK/later.json"

# cut short, and damaged
SIZE=$(stat -c %s "$FIX/v2.oomtrec")
head -c $((SIZE - 5)) "$FIX/v2.oomtrec" >"$WORK/cut.oomtrec"
expect "a v2 file cut short exits 1 and says where" 1 "cut.oomtrec': truncated at byte $((SIZE - 5))" \
	report "$WORK/cut.oomtrec"
# the header's first field claims more bytes than the header has
{ head -c 28 "$FIX/v2.oomtrec"; u32 $((1 << 30)); tail -c +33 "$FIX/v2.oomtrec"; } >"$WORK/bad.oomtrec"
expect "a v2 field longer than its frame exits 1, naming the frame" 1 \
	"bad.oomtrec': damaged frame at byte 16 (type 1," report "$WORK/bad.oomtrec"
{ head -c 8 "$FIX/v2.oomtrec"; u32 3; tail -c +13 "$FIX/v2.oomtrec"; } >"$WORK/v3.oomtrec"
expect "a later format version is refused" 1 "format version 3; this oomtrace ($(cat "$TOP/VERSION")) reads version 2 and older" \
	report "$WORK/v3.oomtrec"

done_testing
