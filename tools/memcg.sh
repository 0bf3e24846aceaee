# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Sourced by the tests, the soak and the benchmarks: where this process's
# memory cgroup lives, so that test cgroups go under it.
#   memcg_locate: sets CG_VERSION (1 or 2), CG_BASE (its directory),
#   CG_REL (its path as the kernel prints it, "" for the root) and
#   CG_LIMIT (the limit file's name); returns 1 if there is none.
memcg_locate() {
	local v1 v2 mnt
	# mountinfo: the filesystem type follows the "-" that ends a variable
	# number of optional fields
	local fstype='{ fs = ""; for (i = 7; i < NF; i++) if ($i == "-") { fs = $(i + 1); break } }'
	v1=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
	if [ -n "$v1" ]; then
		mnt=$(awk "$fstype"' fs == "cgroup" && $NF ~ /(^|,)memory(,|$)/ {print $5; exit}' /proc/self/mountinfo)
		[ -n "$mnt" ] || return 1
		CG_VERSION=1 CG_BASE=$mnt$v1 CG_REL=$v1 CG_LIMIT=memory.limit_in_bytes
	else
		v2=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
		mnt=$(awk "$fstype"' fs == "cgroup2" {print $5; exit}' /proc/self/mountinfo)
		[ -n "$mnt" ] && grep -qw memory "$mnt$v2/cgroup.controllers" 2>/dev/null || return 1
		CG_VERSION=2 CG_BASE=$mnt$v2 CG_REL=$v2 CG_LIMIT=memory.max
		# children get the memory controller only if the parent hands it down
		grep -qw memory "$CG_BASE/cgroup.subtree_control" ||
			echo +memory >"$CG_BASE/cgroup.subtree_control" 2>/dev/null || return 1
	fi
	[ "$CG_REL" = / ] && CG_REL=""
	CG_BASE=${CG_BASE%/}
	return 0
}
