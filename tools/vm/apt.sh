#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# A private apt configuration for the kernel matrix: Debian's suites from
# bullseye to sid, amd64 and arm64, with lists and cache of its own under
# DIR.  The machine's own apt sources are never touched.  Prints the path
# of the config to use as APT_CONFIG; refreshes its lists once a day.
#   tools/vm/apt.sh DIR
set -eu
dir=$(mkdir -p "$1" && cd "$1" && pwd)
conf=$dir/apt.conf

# the mirror this machine already uses: the first URIs: of its deb822
# sources (or the first deb line of a classic sources.list)
mirror_of() { # mirror_of PATTERN: the first URI whose path matches
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '$1 == "URIs:" {print $2}'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}'
	} | grep -E "$1" | head -1
}
main=$(mirror_of '/debian/?$')
security=$(mirror_of '/debian-security/?$')
if [ -z "$main" ]; then
	echo "apt: no Debian mirror in this machine's apt sources to copy" >&2
	exit 1
fi

mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/sources.list.d"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
{
	for suite in bullseye bookworm bookworm-backports trixie trixie-backports sid; do
		echo "deb [signed-by=$keyring] $main $suite main"
	done
	[ -z "$security" ] || for suite in bullseye-security bookworm-security trixie-security; do
		echo "deb [signed-by=$keyring] $security $suite main"
	done
} >"$dir/sources.list"
cat >"$conf" <<EOF
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/sources.list.d";
Dir::State::Lists "$dir/lists";
Dir::Cache "$dir/cache";
APT::Architectures { "amd64"; "arm64"; };
Acquire::Languages "none";
EOF

stamp=$dir/lists/.updated
if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
	# a suite that does not answer is a skip for its kernels, not a failure;
	# the next run tries again
	if APT_CONFIG=$conf apt-get update -q >"$dir/update.log" 2>&1; then
		touch "$stamp"
	else
		echo "apt: apt-get update reported errors (see $dir/update.log)" >&2
	fi
fi
echo "$conf"
