#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The man page agrees with --help, option for option, and renders without
# a warning; docs/records.md names every record type the code writes.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
MAN=$TOP/doc/oomtrace.8

# long options, one a line, sorted: from the usage of both modes...
help_opts() {
	{ "$OOMTRACE" --help; "$OOMTRACE" top --help; } | grep -o -- '--[a-z][a-z-]*' | sort -u
}
# ...from the man page's tagged paragraphs (.TP then the option's line)...
man_items() {
	sed 's/\\-/-/g' "$MAN" | awk 'tp { print } { tp = /^\.TP/ }' |
		grep -o -- '--[a-z][a-z-]*' | sort -u
}
# ...and anywhere in the man page's text
man_mentions() {
	sed 's/\\-/-/g' "$MAN" | grep -v '^\.\\"' | grep -o -- '--[a-z][a-z-]*' | sort -u
}
# report DESC A B: A and B are the same set; names what is in one only
same_set() {
	local desc=$1 only_a only_b
	only_a=$(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	only_b=$(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	[ -z "$only_a$only_b" ]
	ok $? "$desc"
	[ -z "$only_a" ] || echo "only in --help: $only_a" | diag
	[ -z "$only_b" ] || echo "only in the man page: $only_b" | diag
}

H=$(help_opts)
[ "$(echo "$H" | wc -l)" -ge 10 ]
ok $? "--help lists long options ($(echo $H | wc -w))"
same_set "every option of --help has its own paragraph in oomtrace.8, and no other" "$H" "$(man_items)"
EXTRA=$(comm -13 <(echo "$H") <(man_mentions) | tr '\n' ' ')
[ -z "$EXTRA" ]
ok $? "the man page mentions no option --help lacks${EXTRA:+ ($EXTRA)}"
for sec in NAME SYNOPSIS DESCRIPTION OPTIONS OUTPUT "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
	grep -q "^\.SH \"\?$sec\"\?$" "$MAN"
	ok $? "oomtrace.8 has the section $sec"
done
grep -q "^\.TH OOMTRACE 8 [0-9-]* \"oomtrace $(cat "$TOP/VERSION")\"" "$MAN"
ok $? "oomtrace.8 carries VERSION ($(cat "$TOP/VERSION"))"
# exit codes: the ones options.h defines, each with a paragraph
CODES=$(sed -n 's/^\s*EXIT_[A-Z_]* = \([0-9]\),.*/\1/p' "$TOP/src/options.h" | sort -u | tr '\n' ' ')
MANCODES=$(sed -n '/^\.SH "\?EXIT STATUS"\?$/,/^\.SH/p' "$MAN" | awk 'tp { print } { tp = /^\.TP/ }' |
	sed -n 's/^\.B \([0-9]\)$/\1/p' | sort -u | tr '\n' ' ')
[ -n "$CODES" ] && [ "$CODES" = "$MANCODES" ]
ok $? "EXIT STATUS lists the codes of src/options.h ($CODES; man: $MANCODES)"
grep -q 'cgroup /kubepods.slice' "$MAN"
ok $? "EXAMPLES shows the Kubernetes subtree"

# rendering: no warnings from groff, man or mandoc
if command -v groff >/dev/null; then
	W=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN" 2>&1)
	[ -z "$W" ]
	ok $? "groff -man -ww renders it without a warning"
	[ -z "$W" ] || diag <<<"$W"
else
	ok 0 "groff # SKIP groff is not installed (groff-base)"
fi
if command -v man >/dev/null; then
	W=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)
	[ -z "$W" ] && LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$MAN" 2>/dev/null | grep -q "oomtrace top"
	ok $? "man -l renders it without a warning"
	[ -z "$W" ] || diag <<<"$W"
else
	ok 0 "man -l # SKIP man-db is not installed"
fi
if command -v mandoc >/dev/null; then
	W=$(mandoc -T lint -W all "$MAN" 2>&1)
	[ -z "$W" ]
	ok $? "mandoc -T lint -W all finds nothing"
	[ -z "$W" ] || diag <<<"$W"
else
	ok 0 "mandoc -T lint # SKIP mandoc is not installed"
fi

# records.md: a section per type the code writes, and every type it names exists
RECORDS=$TOP/docs/records.md
CODE_TYPES=$(grep -ho '\\"type\\":\\"[a-z_]*\\"' "$TOP"/src/*.c "$TOP"/src/*/*.c | sed 's/.*:\\"\([a-z_]*\)\\"/\1/' | sort -u)
DOC_TYPES=$(sed -n 's/^## `\([a-z_]*\)`$/\1/p' "$RECORDS" | grep -v -- '^--' | sort -u)
[ "$(echo "$CODE_TYPES" | wc -w)" -ge 5 ]
ok $? "the code writes record types: $(echo $CODE_TYPES)"
same_set "docs/records.md has a section for each of them, and no other" "$CODE_TYPES" "$DOC_TYPES"

# every key the code writes is named in records.md (in backticks)
KEYS=$({
	grep -ho '\\"[a-z_0-9]*\\":' "$TOP"/src/*.c "$TOP"/src/*/*.c | tr -d '\\":'
	grep -ho '\(json_key_str\|json_opt\|num\)(f, "[a-z_0-9]*"' "$TOP"/src/*.c "$TOP"/src/*/*.c | sed 's/.*"\(.*\)"/\1/'
} | sort -u)
UNDOC=""
for k in $KEYS; do
	grep -qE "\`[^\`]*\b$k\b[^\`]*\`" "$RECORDS" || UNDOC="$UNDOC $k"
done
[ "$(echo $KEYS | wc -w)" -ge 60 ] && [ -z "$UNDOC" ]
ok $? "records.md names every one of the $(echo $KEYS | wc -w) keys the code writes${UNDOC:+ (missing:$UNDOC)}"

done_testing
