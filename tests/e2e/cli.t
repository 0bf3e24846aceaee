#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The command line: help, version and bad input, no privileges needed.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"

expect() { # expect DESC RC PATTERN ARGS...: exit code and a line on stdout+stderr
	local desc=$1 rc=$2 pat=$3 out got
	shift 3
	out=$("$OOMTRACE" "$@" 2>&1)
	got=$?
	[ "$got" -eq "$rc" ] && grep -q -- "$pat" <<<"$out"
	ok $? "$desc (rc $got)"
	[ "$got" -eq "$rc" ] || diag <<<"$out"
}

expect "--help exits 0 with usage and examples" 0 "Examples:" --help
expect "-h is --help" 0 "Usage: oomtrace" -h
expect "--version prints the version" 0 "^oomtrace $(cat "$TOP/VERSION")$" --version
expect "an unknown option is a usage error" 2 "unknown option '--bogus'" --bogus
expect "an unknown short option is a usage error" 2 "unknown option '-Z'" -Z
expect "--hooks needs a value" 2 "needs a value" --hooks
expect "--hooks rejects other kinds" 2 "fentry, kprobe or tracepoint, not 'uprobe'" --hooks uprobe
expect "a stray argument is a usage error" 2 "unexpected argument 'extra'" extra
"$OOMTRACE" --help | grep -q -- "--hooks KIND"
ok $? "--help lists every option"

done_testing
