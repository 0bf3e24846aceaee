#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel matrix: Debian's own unsigned kernel images, newest build of
# each series and flavour the package registry offers, downloaded once
# into a cache directory (git ignores it).  Prints "NAME VMLINUZ" lines.
#   tools/vm/kernels.sh CACHE_DIR [PATTERN...]
# PATTERNs are extended regexes over package names; the default matrix is
# every 6.1 and 6.12 flavour (cloud, generic, rt) for amd64.
set -eu
cache=$1
shift
[ $# -gt 0 ] || set -- \
	'linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned' \
	'linux-image-6\.1\.0-[0-9]+-amd64-unsigned' \
	'linux-image-6\.1\.0-[0-9]+-rt-amd64-unsigned' \
	'linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned' \
	'linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned' \
	'linux-image-6\.12\.[0-9]+\+deb12-rt-amd64-unsigned'
mkdir -p "$cache"

newest() {
	apt-cache search --names-only "^$1\$" | awk '{print $1}' | sort -V | tail -1
}

for pattern in "$@"; do
	pkg=$(newest "$pattern")
	if [ -z "$pkg" ]; then
		echo "kernels: no package matches $pattern (apt-get update?)" >&2
		continue
	fi
	dir=$cache/$pkg
	if [ ! -f "$dir/vmlinuz" ]; then
		tmp=$(mktemp -d "$cache/.dl.XXXXXX")
		if (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>&1) &&
			dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards './boot/vmlinuz-*'; then
			mkdir -p "$dir"
			mv "$tmp"/boot/vmlinuz-* "$dir/vmlinuz"
		else
			echo "kernels: failed to download or unpack $pkg" >&2
		fi
		rm -rf "$tmp"
	fi
	[ -f "$dir/vmlinuz" ] && echo "$pkg $dir/vmlinuz"
done
exit 0
