#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Run each libFuzzer target (.output/fuzz/fuzz_*, built by make fuzz) for
# FUZZ_SECONDS from its corpus (tests/fuzz/corpus/NAME, which the inputs it
# finds do not grow: they go to a scratch copy).  A TAP line per target; a
# crash fails, leaving its input in .output/fuzz-logs.
set -u
secs=${FUZZ_SECONDS:-20}
top=$(cd "$(dirname "$0")/../.." && pwd)
set -- "$top"/.output/fuzz/fuzz_*
[ -x "$1" ] || { echo "1..0 # SKIP no fuzz targets built (make fuzz builds them)"; exit 0; }
mkdir -p "$top/.output/fuzz-logs"
n=0 failed=0
for target in "$@"; do
	name=$(basename "$target")
	n=$((n + 1))
	work=$(mktemp -d)
	cp -r "$top/tests/fuzz/corpus/$name/." "$work/" 2>/dev/null
	if "$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$top/.output/fuzz-logs/$name-" "$work" >"$top/.output/fuzz-logs/$name.log" 2>&1; then
		runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$top/.output/fuzz-logs/$name.log")
		echo "ok $n - $name: ${runs:-?} inputs in ${secs}s, no crash"
	else
		echo "not ok $n - $name: see .output/fuzz-logs/$name.log"
		tail -30 "$top/.output/fuzz-logs/$name.log" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
	rm -rf "$work"
done
echo "1..$n"
[ "$failed" -eq 0 ]
