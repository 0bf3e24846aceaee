#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Install what oomtrace needs to build and test, from the distribution's
# packages only.  Debian 12+ and Ubuntu 22.04+; run as root.
set -eu
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root (sudo $0)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	make gcc clang llvm libc6-dev pkg-config \
	libbpf-dev libelf-dev zlib1g-dev libzstd-dev \
	libcmocka-dev jq perl procps util-linux \
	valgrind libclang-rt-14-dev \
	libmicrohttpd-dev curl iproute2
# bpftool: its own package on Debian, part of linux-tools on Ubuntu
if apt-cache show bpftool >/dev/null 2>&1; then
	apt-get install -y -q --no-install-recommends bpftool
else
	apt-get install -y -q --no-install-recommends linux-tools-common "linux-tools-$(uname -r)" ||
		apt-get install -y -q --no-install-recommends linux-tools-generic
fi
# the kernel matrix (make vmtest) boots stock kernels under qemu; without
# these it reports a skip, so a failure here is not fatal
apt-get install -y -q --no-install-recommends qemu-system-x86 busybox-static cpio ||
	echo "install-deps: qemu/busybox-static not installed: the kernel matrix will skip" >&2
# make bench measures peers in the same run; without them it leaves them out
apt-get install -y -q --no-install-recommends bpftrace linux-perf ||
	echo "install-deps: bpftrace/perf not installed: make bench will show no peers" >&2
# promtool checks the --metrics exposition in tests/e2e/metrics.t, which
# reports a skip without it
apt-get install -y -q --no-install-recommends prometheus ||
	echo "install-deps: prometheus (promtool) not installed: metrics.t will skip its check" >&2
# the docs, completion, install and deploy tests: man page renderers and
# linter, bash-completion, systemd-analyze, a YAML parser; without them
# those checks skip
apt-get install -y -q --no-install-recommends groff-base man-db mandoc bash-completion \
	python3-yaml systemd ||
	echo "install-deps: man/mandoc/bash-completion/python3-yaml/systemd not installed: some doc checks will skip" >&2
command -v bpftool >/dev/null || [ -x /usr/sbin/bpftool ] || {
	echo "install-deps: bpftool did not install" >&2
	exit 1
}
echo "install-deps: done"
