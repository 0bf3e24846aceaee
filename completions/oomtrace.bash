# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# bash completion for oomtrace(8).  Installed as
# share/bash-completion/completions/oomtrace; works better with the
# bash-completion package (quoting of file names), and without it too.
#
# The long options come from the binary's own --help, so that a new option
# completes without touching this file; the values of --hooks and --color
# are the ones --help names (tests/e2e/completion.t checks both).

# Long options of a mode, as `oomtrace --help` lists them.  The usage has a
# block of tracing options ("Options:"), one for top ("oomtrace top:"), one
# for report ("oomtrace report FILE:"), then -h and -V for all; an option
# of the first block marked "(every mode)" belongs to the others as well.
_oomtrace_options()
{
	local prog=$1 mode=$2
	"$prog" --help 2>/dev/null | awk -v mode="$mode" '
		/^Options:/ { block = "trace"; next }
		/^oomtrace top:/ { block = "top"; next }
		/^oomtrace report/ { block = "report"; next }
		/^Examples:/ { exit }
		/^  *-/ {
			want = block == mode || block == "" || /\(every mode\)/
			if (!want)
				next
			for (i = 1; i <= NF; i++)
				if ($i ~ /^--[a-z]/) {
					sub(/[^a-z-].*/, "", $i)
					print $i
				}
		}
		/^$/ { if (block == "top" || block == "report") block = "" }'
}

# Where the memory controller is mounted: cgroup v1's memory hierarchy if
# there is one (hybrid hosts), else the cgroup2 mount.  Paths under it are
# what the kernel prints and what --cgroup takes.
_oomtrace_memcg_mount()
{
	awk '{
		for (i = 7; i <= NF && $i != "-"; i++)
			;
		if ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)memory(,|$)/)
			v1 = $5
		else if ($(i + 1) == "cgroup2" && v2 == "")
			v2 = $5
	}
	END { print (v1 != "" ? v1 : v2 != "" ? v2 : "/sys/fs/cgroup") }' /proc/self/mountinfo 2>/dev/null
}

# Memory cgroups for --cgroup: the kernel's form (/kubepods.slice/) unless
# the word already starts with a path under /sys.
_oomtrace_cgroups()
{
	local cur=$1 mnt d
	if [[ $cur == /sys/* ]]; then
		compgen -d -S / -- "$cur"
		return
	fi
	mnt=$(_oomtrace_memcg_mount)
	[[ $cur == /* ]] || cur=/$cur
	[[ $cur == / ]] && echo /
	while IFS= read -r d; do
		printf '%s/\n' "${d#"$mnt"}"
	done < <(compgen -d -- "$mnt$cur")
}

_oomtrace()
{
	local cur prev words cword split=false mode=trace i
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return
	else
		# without bash-completion: split --opt=value by hand
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		if [[ $cur == = ]]; then
			cur="" split=true
		elif [[ $prev == = && $cword -ge 2 ]]; then
			prev=${COMP_WORDS[COMP_CWORD - 2]} split=true
		fi
	fi
	[[ $cword -gt 1 && ${words[1]} == top ]] && mode=top
	[[ $cword -gt 1 && ${words[1]} == report ]] && mode=report

	case $prev in
	--hooks | -H)
		COMPREPLY=($(compgen -W "fentry kprobe tracepoint" -- "$cur"))
		return
		;;
	--color)
		COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
		return
		;;
	--output | -o | --btf | -B | --record | --input | -I | --metrics-file)
		if declare -F _filedir >/dev/null; then
			_filedir
		else
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return
		;;
	--cgroup | -c)
		compopt -o nospace 2>/dev/null # outside a completion (tests), say nothing
		COMPREPLY=($(_oomtrace_cgroups "$cur"))
		return
		;;
	--source | -S)
		COMPREPLY=($(compgen -W "auto bpf kmsg" -- "$cur"))
		return
		;;
	--reclaim-stalls | -r | --ringbuf-size | -R | --interval | -i | --count | -C | --limit | -n | --metrics)
		return # a number: nothing to offer
		;;
	esac
	$split && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_oomtrace_options "${words[0]}" "$mode")" -- "$cur"))
		return
	fi
	# the mode word comes first, before any option; report's FILE after it
	if [[ $cword -eq 1 ]]; then
		COMPREPLY=($(compgen -W "top report" -- "$cur"))
	elif [[ $mode == report ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
	fi
} &&
	complete -F _oomtrace oomtrace oomtrace-static
