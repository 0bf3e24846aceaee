#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Pack the matrix's guest: busybox, the static oomtrace, the OOM trigger,
# prog-ids and the guest's /init, as a gzipped newc cpio.
#   tools/vm/mkinitramfs.sh OUT OOMTRACE TRIGGER PROG_IDS
set -eu
out=$1 oomtrace=$2 trigger=$3 progids=$4
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox
dpkg -s busybox-static >/dev/null 2>&1 && [ -x "$busybox" ] || {
	echo "mkinitramfs: needs a static busybox (apt-get install busybox-static)" >&2
	exit 1
}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/bin "$root"/proc "$root"/sys "$root"/dev "$root"/tmp
cp "$busybox" "$root/bin/busybox"
cp "$oomtrace" "$root/oomtrace"
cp "$trigger" "$root/oom-trigger"
cp "$progids" "$root/prog-ids"
cp "$here/guest-init.sh" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$out"
