#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make install / uninstall with DESTDIR and PREFIX: the file list, modes,
# the unit's ExecStart, and systemd-analyze verify of the installed unit.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
DEST=$WORK/dest
# make with the binary under test taken as it is: never relinked (make
# sanitize points OOMTRACE at its ASan build)
mk() { make -s -C "$TOP" OOMTRACE_BIN="$OOMTRACE" -o "$OOMTRACE" "$@"; }

mk install DESTDIR="$DEST" PREFIX=/usr >"$WORK/install.out" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr"
diag <"$WORK/install.out"
WANT="0755 usr/sbin/oomtrace
0644 usr/lib/systemd/system/oomtrace.service
0644 usr/share/bash-completion/completions/oomtrace
0644 usr/share/doc/oomtrace/fleet.md
0644 usr/share/doc/oomtrace/records.md
0644 usr/share/man/man8/oomtrace.8"
WANT=$(sort -k2 <<<"$WANT")
GOT=$(cd "$DEST" && find . -type f -printf '%m %P\n' | sed 's/^\([0-7]\{3\}\) /0\1 /' | sort -k2)
[ "$GOT" = "$WANT" ]
ok $? "exactly these files, with these modes"
[ "$GOT" = "$WANT" ] || diag <<<"$GOT"
cmp -s "$OOMTRACE" "$DEST/usr/sbin/oomtrace"
ok $? "the installed binary is the built one"
"$DEST/usr/sbin/oomtrace" --version | grep -q "^oomtrace $(cat "$TOP/VERSION")$"
ok $? "and it runs"
UNIT=$DEST/usr/lib/systemd/system/oomtrace.service
grep -qx 'ExecStart=/usr/sbin/oomtrace --json' "$UNIT"
ok $? "the unit's ExecStart follows PREFIX (/usr/sbin)"
[ "$(grep -v '^ExecStart=' "$UNIT")" = "$(grep -v '^ExecStart=' "$TOP/dist/oomtrace.service")" ]
ok $? "and nothing else in the unit changed"
MANPATH=$DEST/usr/share/man man -w oomtrace 2>/dev/null | grep -qx "$DEST/usr/share/man/man8/oomtrace.8"
ok $? "man finds the installed page under share/man"

# the default PREFIX is /usr/local
mk install DESTDIR="$WORK/dest2" >/dev/null 2>&1
[ -x "$WORK/dest2/usr/local/sbin/oomtrace" ] && grep -qx 'ExecStart=/usr/local/sbin/oomtrace --json' \
	"$WORK/dest2/usr/local/lib/systemd/system/oomtrace.service"
ok $? "without PREFIX: /usr/local, and the unit says so"

# the unit as systemd reads it
if command -v systemd-analyze >/dev/null; then
	# ExecStart must exist: verify a copy that points at the installed binary
	mkdir -p "$WORK/unit"
	sed "s|^ExecStart=/usr/sbin/oomtrace|ExecStart=$DEST/usr/sbin/oomtrace|" "$UNIT" \
		>"$WORK/unit/oomtrace.service"
	OUT=$(MANPATH=$DEST/usr/share/man SYSTEMD_LOG_LEVEL=notice \
		systemd-analyze verify "$WORK/unit/oomtrace.service" 2>&1)
	RC=$?
	# verify also loads the units it names (multi-user.target) from this host
	MINE=$(grep -i 'oomtrace' <<<"$OUT")
	[ "$RC" -eq 0 ] && [ -z "$MINE" ]
	ok $? "systemd-analyze verify: no complaint about oomtrace.service (rc $RC)"
	[ -z "$MINE" ] || diag <<<"$OUT"
	grep -q '^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$UNIT" &&
		grep -q '^Restart=on-failure$' "$UNIT" && grep -q '^Type=simple$' "$UNIT" &&
		! grep -q '^ProtectKernelLogs=yes' "$UNIT"
	ok $? "the unit keeps the capabilities oomtrace needs, CAP_SYSLOG included"
else
	ok 0 "systemd-analyze verify # SKIP systemd-analyze is not installed"
fi

# those capabilities, and no more, are enough to trace (uid 0, as the unit runs)
if [ "$(id -u)" -eq 0 ] && [ -r /sys/kernel/btf/vmlinux ] && command -v setpriv >/dev/null; then
	timeout -s INT 3 setpriv --bounding-set=-all,+bpf,+perfmon,+syslog --inh-caps=-all -- \
		"$OOMTRACE" -v >/dev/null 2>"$WORK/caps.err"
	grep -q '^Tracing' "$WORK/caps.err" && ! grep -q 'kallsyms' "$WORK/caps.err"
	ok $? "CAP_BPF CAP_PERFMON CAP_SYSLOG alone: it attaches and reads kernel symbols"
	grep -q '^Tracing' "$WORK/caps.err" || diag <"$WORK/caps.err"
	timeout -s INT 3 setpriv --bounding-set=-all,+bpf,+perfmon --inh-caps=-all -- \
		"$OOMTRACE" -v >/dev/null 2>"$WORK/nosyslog.err"
	grep -q 'kallsyms' "$WORK/nosyslog.err"
	ok $? "without CAP_SYSLOG it warns that stacks will not be named"
else
	ok 0 "capability set # SKIP needs root, BTF and setpriv"
fi

mk uninstall DESTDIR="$DEST" PREFIX=/usr >/dev/null 2>&1
ok $? "make uninstall"
LEFT=$(find "$DEST" -type f)
[ -z "$LEFT" ]
ok $? "uninstall removes every installed file${LEFT:+ (left: $LEFT)}"
[ ! -e "$DEST/usr/share/doc/oomtrace" ]
ok $? "and the doc directory"

done_testing
