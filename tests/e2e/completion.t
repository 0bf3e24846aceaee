#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# completions/oomtrace.bash: modes, options from --help, --hooks and
# --color values, files, memory cgroups in the kernel's form; with the
# bash-completion package and without it.
. "$(dirname "$0")/lib.sh"

[ -x "$OOMTRACE" ] || skip_all "$OOMTRACE is not built (run make)"
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
[ -r "$BASH_COMPLETION" ] || skip_all "bash-completion is not installed ($BASH_COMPLETION)"

# comp oomtrace WORD...: what completing the last WORD offers, sorted, one
# a line.  Words split as bash splits them: "--color=al" is "--color" "=" "al".
comp() {
	shift
	COMP_WORDS=("$OOMTRACE" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_LINE=${COMP_LINE// = /=}
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_oomtrace "$OOMTRACE" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}
# is DESC GOT WANT: the two lists are the same
is() {
	[ "$2" = "$3" ]
	ok $? "$1"
	[ "$2" = "$3" ] || printf 'got:  %s\nwant: %s\n' "$(echo $2)" "$(echo $3)" | diag
}
# has DESC GOT WORD...: every WORD is among GOT
has() {
	local desc=$1 got=$2 w missing=""
	shift 2
	for w; do grep -qxF -- "$w" <<<"$got" || missing="$missing $w"; done
	ok $((${#missing} != 0)) "$desc"
	[ -z "$missing" ] || echo "missing:$missing; got: $(echo $got)" | diag
}
lines() { printf '%s\n' "$@" | sort; }

HELP=$("$OOMTRACE" --help)
HELP_OPTS=$(grep -o -- '--[a-z][a-z-]*' <<<"$HELP" | sort -u)
WORKDIR=$WORK/files
mkdir -p "$WORKDIR/sub" && touch "$WORKDIR/btf.vmlinux" "$WORKDIR/out.jsonl"

suite() { # suite LABEL: the checks, in the shell as it is set up now
	local l=$1 trace top report
	has "$l: the mode words top and report, first" "$(comp oomtrace '')" top report
	is "$l: no mode word after an option" "$(comp oomtrace --json '')" ""
	trace=$(comp oomtrace --)
	top=$(comp oomtrace top --)
	report=$(comp oomtrace report --)
	has "$l: report's options" "$report" --json --reclaim-stalls --cgroup --summary-only --output
	! grep -qx -- '--summary-only' <<<"$trace"
	ok $? "$l: tracing does not offer report's --summary-only"
	has "$l: --source values" "$(comp oomtrace --source '')" auto bpf kmsg
	has "$l: tracing options" "$trace" --cgroup --json --hooks --reclaim-stalls --output --btf \
		--ringbuf-size --no-self-protect --verbose --color --help --version
	! printf '%s\n' "$top" "$report" | grep -qx -- '--no-self-protect'
	ok $? "$l: top and report do not offer --no-self-protect"
	! grep -qx -- '--interval' <<<"$trace"
	ok $? "$l: tracing does not offer top's --interval"
	has "$l: top's options" "$top" --cgroup --json --interval --count --limit --color --help --version
	! grep -qx -- '--hooks' <<<"$top"
	ok $? "$l: top does not offer --hooks"
	is "$l: between them, every long option --help names" \
		"$(printf '%s\n' "$trace" "$top" "$report" | sort -u)" "$HELP_OPTS"
	is "$l: --recl offers --reclaim-stalls" "$(comp oomtrace --recl)" --reclaim-stalls
	is "$l: --hooks values" "$(comp oomtrace --hooks '')" "$(lines fentry kprobe tracepoint)"
	is "$l: -H k" "$(comp oomtrace -H k)" kprobe
	is "$l: --color values" "$(comp oomtrace --color '')" "$(lines always auto never)"
	is "$l: --color=al (split at =)" "$(comp oomtrace --color = al)" always
	is "$l: nothing to offer for --limit" "$(comp oomtrace top --limit '')" ""
	has "$l: --output completes files" "$(comp oomtrace --output "$WORKDIR/")" \
		"$WORKDIR/out.jsonl" "$WORKDIR/btf.vmlinux" "$WORKDIR/sub"
	is "$l: --btf completes a file name" "$(comp oomtrace --btf "$WORKDIR/bt")" "$WORKDIR/btf.vmlinux"
	if [ -n "$CG_BASE" ]; then
		local parent=${CG_REL%/*}/
		has "$l: --cgroup '' offers the root" "$(comp oomtrace --cgroup '')" /
		has "$l: --cgroup $parent offers our memcg, as the kernel writes it" \
			"$(comp oomtrace --cgroup "$parent")" "$CG_REL/"
		has "$l: top -c ${CG_BASE%/*}/ completes under the mount" \
			"$(comp oomtrace top -c "${CG_BASE%/*}/")" "$CG_BASE/"
	else
		ok 0 "$l: --cgroup # SKIP no memory cgroup for this process"
	fi
}

# --help names the values this file offers
grep -q "fentry, kprobe or" <<<"$HELP" && grep -q "^ *tracepoint (default" <<<"$HELP"
ok $? "--help names fentry, kprobe and tracepoint for --hooks"
grep -A2 -- "--color WHEN" <<<"$HELP" | grep -q auto && grep -A2 -- "--color WHEN" <<<"$HELP" | grep -q "always or never"
ok $? "--help names auto, always and never for --color"

CG_BASE="" CG_REL=""
if find_memcg && [ -n "$CG_REL" ]; then :; else CG_BASE=""; fi

# first without bash-completion's helpers, then with them
(
	. "$TOP/completions/oomtrace.bash"
	! declare -F _init_completion >/dev/null
	ok $? "plain bash: no bash-completion helpers loaded"
	suite "plain bash"
	echo "T_NUM=$T_NUM T_FAILED=$T_FAILED" >"$WORK/counts"
)
. "$WORK/counts"
. "$BASH_COMPLETION"
. "$TOP/completions/oomtrace.bash"
declare -F _init_completion >/dev/null
ok $? "bash-completion loaded"
suite "bash-completion"
complete -p oomtrace | grep -q -- "-F _oomtrace"
ok $? "complete -p oomtrace names _oomtrace"

done_testing
