# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# make            build ./oomtrace (dynamic, against Debian's libbpf)
# make static     build ./oomtrace-static: one file to copy onto a node
# make test       unit tests, end-to-end tests, the kernel matrix (tests/run)
# make sanitize   unit and end-to-end tests under ASan+UBSan, one under valgrind
# make fuzz       every parser under libFuzzer, FUZZ_SECONDS each
# make check      all three, as CI runs them
# make install    PREFIX=/usr/local DESTDIR=: the binary, man page, completion, unit, docs
# make clean
OUTPUT := .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= gcc
V ?= 0

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ifeq ($(filter x86 arm64,$(ARCH)),)
$(error unsupported architecture '$(ARCH)': vmlinux/ has headers for x86 and arm64 only)
endif
VMLINUX_DIR := vmlinux/$(ARCH)
ifeq ($(wildcard $(VMLINUX_DIR)/vmlinux.h),)
$(error $(VMLINUX_DIR)/vmlinux.h is missing: run tools/gen-vmlinux.sh)
endif

VERSION := $(shell cat VERSION)
CFLAGS ?= -g -O2
CFLAGS += -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -std=gnu11
# make sanitize builds a second tree with these (see below)
CFLAGS += $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_CFLAGS)
OOMTRACE_BIN ?= oomtrace
CPPFLAGS += -I$(OUTPUT) $(addprefix -I,$(SRC_DIRS)) -Ibpf -DOOMTRACE_VERSION='"$(VERSION)"' -D_GNU_SOURCE
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	-I$(VMLINUX_DIR) -Ibpf
LIBS := -lbpf -lelf -lz -lm
# Debian's static libelf needs zstd
STATIC_LIBS := $(LIBS) -lzstd
# --metrics opens libmicrohttpd at run time (src/sinks/metrics_http.c): nothing
# to link.  The static build has no HTTP server at all: its
# libmicrohttpd.a would need a static p11-kit that Debian does not ship.

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# src/ reads the way data flows: sources/ (BPF, the kernel log, a recording)
# make one event each, pipeline/ enriches and counts it, sinks/ write it;
# util/ is what all of them use; main.c, options.c and top.c are the commands
SRC_DIRS := src src/sources src/pipeline src/sinks src/util
SRC_HDRS := $(wildcard $(addsuffix /*.h,$(SRC_DIRS)))
vpath %.c $(SRC_DIRS)
LIB_SRCS := $(filter-out src/main.c src/sinks/metrics_nohttp.c,$(wildcard $(addsuffix /*.c,$(SRC_DIRS))))
LIB_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(notdir $(LIB_SRCS)))
# libbpf's own load of the kernel's BTF comes to src/util/vmlinux_btf.c:
# libbpf.so's through an interposed btf__load_vmlinux_btf(), libbpf.a's
# through --wrap (an interposed one would clash with libbpf.a's own)
STATIC_OBJS := $(filter-out $(OUTPUT)/metrics_http.o $(OUTPUT)/vmlinux_btf_interpose.o,$(LIB_OBJS)) \
	       $(OUTPUT)/metrics_nohttp.o
STATIC_LDFLAGS := -static -Wl,--wrap=btf__load_vmlinux_btf
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: install uninstall
.PHONY: all clean test unit-tests tools static vmtest vm-artifacts sanitize fuzz check bench bench-smoke
.DELETE_ON_ERROR:

all: $(OOMTRACE_BIN) tools

$(OOMTRACE_BIN): $(OUTPUT)/main.o $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

static: oomtrace-static

oomtrace-static: $(OUTPUT)/main.o $(STATIC_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(STATIC_LDFLAGS) $^ $(STATIC_LIBS) -o $@

$(OUTPUT) $(OUTPUT)/tests:
	$(Q)mkdir -p $@

# one BPF object per concern, linked into one for the skeleton
BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.tmp.o,$(BPF_SRCS))

$(OUTPUT)/%.bpf.tmp.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(VMLINUX_DIR)/vmlinux.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUTPUT)/oomtrace.bpf.o: $(BPF_OBJS)
	$(call msg,BPF-LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(OUTPUT)/oomtrace.skel.h: $(OUTPUT)/oomtrace.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name oomtrace_bpf > $@

# every user object may include the skeleton or the shared header
$(OUTPUT)/%.o: %.c $(SRC_HDRS) bpf/oomtrace.h $(OUTPUT)/oomtrace.skel.h | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

tools: $(OUTPUT)/oom-trigger

$(OUTPUT)/oom-trigger: tools/oom-trigger.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -O0 $< -o $@

$(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ $(LIBS) -lcmocka -o $@

unit-tests: $(UNIT_TESTS)

# the guest of the kernel matrix runs static binaries only
$(OUTPUT)/oom-trigger-static: tools/oom-trigger.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -O0 -static $< -o $@

$(OUTPUT)/prog-ids: tools/vm/prog-ids.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -static $< $(STATIC_LIBS) -o $@

vm-artifacts: oomtrace-static $(OUTPUT)/oom-trigger-static $(OUTPUT)/prog-ids

vmtest: vm-artifacts
	$(Q)prove -v tests/vm/matrix.t

test: all unit-tests vm-artifacts
	$(Q)tests/run

# The unit and host end-to-end tests again, under ASan+UBSan, then one kill
# traced under valgrind.
SAN_DIR := .output/asan
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

sanitize: all
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(SAN_DIR) OOMTRACE_BIN=$(SAN_DIR)/oomtrace \
		EXTRA_CFLAGS="$(SAN_FLAGS)" $(SAN_DIR)/oomtrace unit-tests
	$(Q)OOMTRACE=$(CURDIR)/$(SAN_DIR)/oomtrace UNIT_DIR=$(SAN_DIR)/tests TESTS="unit e2e" \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 tests/run
	$(Q)prove -v tests/sanitize/valgrind.t

# libFuzzer targets for every parser of outside text; FUZZ_SECONDS each
FUZZ_SECONDS ?= 20
FUZZ_DIR := .output/fuzz
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SRCS := $(addprefix src/util/,ksyms.c cgpath.c gfp.c host.c) \
	$(addprefix src/pipeline/,container.c procs.c badness.c memcg_state.c cgroups.c \
		event.c pipeline.c aftermath.c reconcile.c verdict.c slab_caches.c) \
	$(addprefix src/sources/,kmsg.c replay.c decode.c) \
	$(addprefix src/sinks/,json.c record.c output.c stats.c exporter.c metrics.c \
		metrics_file.c metrics_http.c color.c outfile.c)

$(FUZZ_DIR):
	$(Q)mkdir -p $@

$(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_SRCS) $(SRC_HDRS) | $(FUZZ_DIR)
	$(call msg,FUZZ-CC,$@)
	$(Q)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined $(addprefix -I,$(SRC_DIRS)) -Ibpf -D_GNU_SOURCE \
		-DOOMTRACE_VERSION='"$(VERSION)"' $< $(FUZZ_SRCS) -lbpf -lm -o $@

fuzz: $(FUZZ_TARGETS)
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) prove -v tests/fuzz/fuzz.t

# benchmarks: a table in bench/results.md (BENCH_QUICK=1 for a smoke run)
$(OUTPUT)/bench-helper: tools/bench/stamp.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ $(LIBS)

bench: all static tools $(OUTPUT)/bench-helper
	$(Q)tools/bench/run.sh

# CI's smoke run of the harness: it prints figures and asserts none
bench-smoke: all static tools $(OUTPUT)/bench-helper
	$(Q)BENCH_QUICK=1 BENCH_OUT=$(OUTPUT)/bench-smoke.md tools/bench/run.sh

# everything CI runs
check: test sanitize fuzz bench-smoke

# make install PREFIX=/usr DESTDIR=/tmp/pkg; the unit's ExecStart follows SBINDIR
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/oomtrace
INSTALLED := $(SBINDIR)/oomtrace $(MANDIR)/man8/oomtrace.8 $(BASHCOMPDIR)/oomtrace \
	$(UNITDIR)/oomtrace.service $(DOCDIR)/records.md $(DOCDIR)/fleet.md

install: $(OOMTRACE_BIN)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	$(Q)install -m 0755 $(OOMTRACE_BIN) $(DESTDIR)$(SBINDIR)/oomtrace
	$(Q)install -m 0644 doc/oomtrace.8 $(DESTDIR)$(MANDIR)/man8/oomtrace.8
	$(Q)install -m 0644 completions/oomtrace.bash $(DESTDIR)$(BASHCOMPDIR)/oomtrace
	$(Q)sed 's|/usr/local/sbin/oomtrace|$(SBINDIR)/oomtrace|' dist/oomtrace.service \
		>$(OUTPUT)/oomtrace.service
	$(Q)install -m 0644 $(OUTPUT)/oomtrace.service $(DESTDIR)$(UNITDIR)/oomtrace.service
	$(Q)install -m 0644 docs/records.md docs/fleet.md $(DESTDIR)$(DOCDIR)/

uninstall:
	$(call msg,UNINSTALL,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	$(Q)rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

clean:
	$(call msg,CLEAN,)
	$(Q)rm -rf .output oomtrace oomtrace-static
