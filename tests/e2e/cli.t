#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The command line: help, version and bad input, no privileges needed.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"

expect "--help exits 0 with usage and examples" 0 "Examples:" --help
expect "-h is --help" 0 "Usage: oomtrace" -h
expect "--version prints the version" 0 "^oomtrace $(cat "$TOP/VERSION")$" --version
expect "an unknown option is a usage error" 2 "unknown option '--bogus'" --bogus
expect "an unknown short option is a usage error" 2 "unknown option '-Z'" -Z
expect "--hooks needs a value" 2 "needs a value" --hooks
expect "--hooks rejects other kinds" 2 "fentry, kprobe or tracepoint, not 'uprobe'" --hooks uprobe
expect "a stray argument is a usage error" 2 "unexpected argument 'extra'" extra
# numbers: not numbers, out of range, not powers of two
expect "--reclaim-stalls not a number" 2 "--reclaim-stalls takes milliseconds" --reclaim-stalls abc
expect "--reclaim-stalls negative" 2 "not '-1'" --reclaim-stalls -1
expect "--reclaim-stalls too large" 2 "not '99999999999999999999'" --reclaim-stalls 99999999999999999999
expect "--reclaim-stalls with trailing junk" 2 "not '10ms'" --reclaim-stalls 10ms
expect "--ringbuf-size not a power of two" 2 "power of two" --ringbuf-size 12
expect "--ringbuf-size too small" 2 "power of two" --ringbuf-size 2
expect "--ringbuf-size empty" 2 "power of two" --ringbuf-size ""
# 4 GiB would wrap the map's 32-bit size to 0
expect "--ringbuf-size 4 GiB is past a map's size" 2 "to 2097152 KiB" --ringbuf-size 4194304
PAGE_KIB=$(($(getconf PAGESIZE) / 1024))
if [ "$PAGE_KIB" -gt 4 ]; then
	expect "--ringbuf-size below the page size" 2 "at least one page" --ringbuf-size 4
else
	ok 0 "--ringbuf-size below the page size # SKIP pages here are 4 KiB, the smallest size anyway"
fi
expect "top --interval 0" 2 "--interval takes seconds" top --interval 0
expect "top --interval not a number" 2 "--interval takes seconds" top --interval soon
expect "top --limit 0" 2 "--limit takes" top --limit 0
# missing values
expect "--cgroup needs a value" 2 "option '--cgroup' needs a value" --cgroup
expect "--output needs a value" 2 "needs a value" --output
expect "--reclaim-stalls needs a value" 2 "needs a value" --reclaim-stalls
# options of the other mode
expect "top refuses --hooks" 2 "are for tracing, not top" top --hooks kprobe
expect "top refuses --output" 2 "are for tracing, not top" top --output /tmp/x
expect "tracing refuses --interval" 2 "are for 'oomtrace top'" --interval 2
expect "--count needs --interval" 2 "--count needs --interval" top --count 3
expect "a second mode word is an argument" 2 "unexpected argument 'top'" top top
expect "an empty --cgroup" 2 "needs a path" --cgroup ""
# only a live source protects itself: the option elsewhere is refused, not ignored
expect "top refuses --no-self-protect" 2 "is for live tracing" top --no-self-protect
expect "report refuses --no-self-protect" 2 "is for live tracing" report /dev/null --no-self-protect
expect "--input refuses --no-self-protect" 2 "is for live tracing" --input /dev/null --no-self-protect
expect "--no-self-protect takes no value" 2 "unknown option '--no-self-protect=1'" --no-self-protect=1
LONG=$(printf '/%0250d' 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19)
if [ "$(id -u)" -eq 0 ]; then
	expect "a very long --cgroup path" 2 "no such memory cgroup\|not a cgroup path" --cgroup "$LONG"
	expect "a --cgroup with spaces and unicode" 2 "no such memory cgroup" --cgroup "/päth with spaces/ü"
else
	ok 0 "long and odd --cgroup paths # SKIP need root to get past the privilege check"
	ok 0 "a --cgroup with spaces and unicode # SKIP need root"
fi
"$OOMTRACE" --help | grep -q -- "--hooks KIND"
ok $? "--help lists every option"
for opt in $(sed -n 's/.*{ "\([a-z-]*\)", .*/\1/p' "$TOP/src/options.c"); do
	"$OOMTRACE" --help | grep -q -- "--$opt"
	ok $? "--help mentions --$opt"
done

done_testing
