#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The kernel matrix: Debian's own kernel images, the newest build of each
# series and flavour the package registry offers, downloaded once into a
# cache directory (git ignores it) through a private apt configuration
# (tools/vm/apt.sh).  Prints "NAME VMLINUZ" lines; a kernel that cannot be
# had is a "SKIP NAME-OR-PATTERN REASON" line, for the caller to report.
#   tools/vm/kernels.sh CACHE_DIR [PATTERN...]
# PATTERNs are extended regexes over package names; the default matrix is
# one kernel of every series from 5.10 to 7.x, cloud flavour, plus the
# generic and rt flavours of 6.1, for amd64.
set -eu
cache=$1
shift
[ $# -gt 0 ] || set -- \
	'linux-image-5\.10\.0-[0-9]+-cloud-amd64-unsigned' \
	'linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned' \
	'linux-image-6\.1\.0-[0-9]+-amd64-unsigned' \
	'linux-image-6\.1\.0-[0-9]+-rt-amd64-unsigned' \
	'linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned' \
	'linux-image-6\.12\.[0-9]+\+deb13-cloud-amd64-unsigned' \
	'linux-binary-7\.[0-9]+\.[0-9]+\+deb13-cloud-amd64' \
	'linux-binary-7\.[0-9]+\.[0-9]+\+deb14-cloud-amd64'
mkdir -p "$cache"
here=$(cd "$(dirname "$0")" && pwd)
if ! APT_CONFIG=$("$here/apt.sh" "$cache/apt"); then
	for pattern in "$@"; do
		echo "SKIP $pattern no private apt configuration (tools/vm/apt.sh failed)"
	done
	exit 0
fi
export APT_CONFIG

# the newest builds first: a suite's index can name a build its pool no
# longer holds (seen: bullseye-security's newest 5.10, 404)
names=$(mktemp)
trap 'rm -f "$names"' EXIT
# (a saved package cache, which images that clean apt's caches turn off)
apt_cache() { apt-cache -o Dir::Cache::pkgcache=pkgcache.bin "$@"; }
{ apt_cache pkgnames linux-image-; apt_cache pkgnames linux-binary-; } >"$names" 2>/dev/null || true
candidates() {
	grep -E "^$1\$" "$names" | sort -V -r | head -12
}

# The image: ./boot/vmlinuz-* in linux-image packages; from 7.x on
# linux-image is a metapackage and linux-binary holds
# ./usr/lib/modules/VERSION/vmlinuz.
unpack() { # unpack DEB DIR
	member=$(dpkg-deb --fsys-tarfile "$1" | tar -t | grep -E '^\./(boot/vmlinuz-|usr/lib/modules/[^/]+/vmlinuz$)' | head -1)
	[ -n "$member" ] && dpkg-deb --fsys-tarfile "$1" | tar -x -O "$member" >"$2/vmlinuz.tmp" &&
		mv "$2/vmlinuz.tmp" "$2/vmlinuz"
}

# fetch PKG: its vmlinuz into the cache, or false with the reason in $why
fetch() {
	dir=$cache/$1
	[ -f "$dir/vmlinuz" ] && return 0
	mkdir -p "$dir"
	tmp=$(mktemp -d "$cache/.dl.XXXXXX")
	why=""
	if ! (cd "$tmp" && apt-get -o Dir::Cache::pkgcache=pkgcache.bin download -q "$1" >"$tmp/log" 2>&1); then
		why="apt-get download failed: $(tail -1 "$tmp/log")"
	elif ! unpack "$tmp"/*.deb "$dir"; then
		why="holds no vmlinuz"
	fi
	rm -rf "$tmp"
	[ -z "$why" ] || rmdir "$dir" 2>/dev/null
	[ -z "$why" ]
}

for pattern in "$@"; do
	found="" why="no package of the registry matches"
	# one already in the cache first: the newest builds may be the ones that 404
	for pkg in $(candidates "$pattern"); do
		[ -f "$cache/$pkg/vmlinuz" ] && found=$pkg && break
	done
	for pkg in $([ -z "$found" ] && candidates "$pattern"); do
		if fetch "$pkg"; then
			found=$pkg
			break
		fi
	done
	if [ -n "$found" ]; then
		echo "$found $cache/$found/vmlinuz"
	else
		echo "SKIP $pattern ${why}"
	fi
done
exit 0
