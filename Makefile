# SPDX-License-Identifier: GPL-2.0
#
# LKL build driver: builds Linux 6.12 with our arch/lkl as a library.
#
#   make [ARCH=lkl] [CROSS_COMPILE=...] [KERNEL_SRC=/path] [DEBUG=1] [V=1]
#
# The kernel tree is never part of this repository: it is unpacked under
# $(BUILD)/src (or taken from KERNEL_SRC), and Kbuild builds into
# $(OUT)/kernel.  Every target gets its own $(OUT) folder.  Run `make help`.

ARCH ?= lkl
ifneq ($(ARCH),lkl)
$(error LKL builds only ARCH=lkl (got ARCH=$(ARCH)))
endif

CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
AR := $(CROSS_COMPILE)ar
OBJCOPY := $(CROSS_COMPILE)objcopy
NM := $(CROSS_COMPILE)nm
PYTHON ?= python3

TOP := $(CURDIR)
BUILD ?= $(TOP)/build
TARGET := $(shell $(CC) -dumpmachine 2>/dev/null | cut -d- -f1)
# `make deps` (and `make help`) must work before a compiler is installed.
ifeq ($(TARGET),)
ifeq ($(filter-out deps help,$(or $(MAKECMDGOALS),all)),)
TARGET := none
else
$(error cannot run $(CC); install it (make deps) or set CROSS_COMPILE)
endif
endif
OUT ?= $(BUILD)/$(TARGET)$(if $(filter 1,$(DEBUG)),-debug)
KOBJ := $(OUT)/kernel
INC := $(OUT)/include
LIBDIR := $(OUT)/lib
BINDIR := $(OUT)/bin
OBJDIR := $(OUT)/obj

# Use ccache when it is there: a rebuild after `make clean` is minutes.
CCACHE := $(shell command -v ccache 2>/dev/null)
KCC := $(if $(CCACHE),ccache $(CC),$(CC))

ifeq ($(V),1)
Q :=
else
Q := @
KBUILD_QUIET := -s
endif

# Kbuild runs one job per core unless make was given -j itself.
KJOBS ?= $(shell nproc 2>/dev/null || echo 2)
KMAKE_JOBS = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(KJOBS))

KMAKE = $(MAKE) $(KBUILD_QUIET) $(KMAKE_JOBS) -C $(KTREE) O=$(KOBJ) ARCH=lkl \
	CROSS_COMPILE=$(CROSS_COMPILE) CC="$(KCC)" HOSTCC="$(if $(CCACHE),ccache gcc,gcc)" \
	$(if $(filter 1,$(V)),V=1)

HOST_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -fPIC \
	-I$(INC) $(if $(filter 1,$(DEBUG)),-g -O0,-O2)
HOST_LDLIBS := -lpthread

# The JSON configuration (config_json.c) needs cJSON for the target
# (Debian's libcjson-dev, glibc only): a musl build, or a target without
# it, leaves the file and its functions out.  A cross build asks
# pkg-config about the target's Debian multiarch packages (e.g.
# libcjson-dev:arm64, which `scripts/install-deps.sh cross` installs).
MULTIARCH := $(if $(CROSS_COMPILE),$(shell $(CC) -print-multiarch 2>/dev/null))
PKG_CONFIG ?= $(if $(MULTIARCH),PKG_CONFIG_LIBDIR=/usr/lib/$(MULTIARCH)/pkgconfig:/usr/share/pkgconfig \
	PKG_CONFIG_SYSTEM_LIBRARY_PATH=/usr/lib/$(MULTIARCH) )pkg-config
HAVE_CJSON := $(if $(findstring musl,$(CC)),,$(shell $(PKG_CONFIG) --exists libcjson 2>/dev/null && echo 1))
CJSON_CFLAGS := $(if $(HAVE_CJSON),$(shell $(PKG_CONFIG) --cflags libcjson))
HOST_LDLIBS += $(if $(HAVE_CJSON),$(shell $(PKG_CONFIG) --libs libcjson))

# ---- Cross builds ----------------------------------------------------------
# CROSS_COMPILE=<triplet>- builds into $(BUILD)/<cpu>; `make test` runs the
# test programs with the target's C library (Debian's libc6-<arch>-cross,
# in /usr/<triplet>): arm64 and arm under qemu-user (Debian's qemu-user),
# named explicitly as binfmt_misc may not be set up (it is not on CI);
# i386 natively (an x86_64 kernel runs it) through that library's own
# dynamic loader.  Once Debian's multiarch C library for the target is
# installed (the multiarch libraries above bring libc6:arm64), qemu
# runs the programs with it and without -L: with -L, the loader of the
# cross package looks in /lib/<multiarch> first, finds that other libc
# there, and the pair hangs in pthread_create().  The i386 loader is
# told its own library's folder first, then the multiarch one's.
RUN_aarch64 := qemu-aarch64 $(if $(wildcard /lib/ld-linux-aarch64.so.1),,-L /usr/aarch64-linux-gnu)
RUN_arm := qemu-arm $(if $(wildcard /lib/ld-linux-armhf.so.3),,-L /usr/arm-linux-gnueabihf)
RUN_i686 := /usr/i686-linux-gnu/lib/ld-linux.so.2 \
	--library-path /usr/i686-linux-gnu/lib:/usr/lib/i386-linux-gnu
ifneq ($(CROSS_COMPILE),)
LKL_RUN ?= $(RUN_$(TARGET))
# The kernel's .rodata holds data written once at boot (ro_after_init):
# without this, aarch64's linker puts code and it in one RWX segment.
HOST_LDLIBS += -Wl,-z,separate-code
# The kernel is built with -fshort-wchar (its own wchar_t never reaches
# programs): arm's linker would warn about every program.
ifeq ($(TARGET),arm)
HOST_LDLIBS += -Wl,--no-wchar-size-warning
endif
endif
# What `make test` runs for a cross target: boot, host operations, disks,
# 64-bit arguments and time, the pipe-backend network tests, the JSON
# configuration (with the target's libcjson), the header checks
# (compiled by the cross compiler), and the hijack's tests that need no
# network.  The check-*.sh scripts that run the tools, and the
# TAP/raw/macvtap tests, are left out.
CROSS_TESTS := boot host-ops-test header-conflicts disk large-file \
	net-pipe net-config $(if $(HAVE_CJSON),config-json) \
	check-exports.sh check-headers.sh cross-hijack-loopback.sh
# The installed library and the example consumer, on arm64 too.
CROSS_TESTS += $(if $(filter aarch64,$(TARGET)),check-install.sh)

LIB_SRCS := $(filter-out $(if $(HAVE_CJSON),,tools/lkl/lib/config_json.c),\
	$(wildcard tools/lkl/lib/*.c))
LIB_OBJS := $(patsubst tools/lkl/lib/%.c,$(OBJDIR)/lib/%.o,$(LIB_SRCS))

# Kernel version of the tree, for the shared library's name.
KVERSION = $(shell $(MAKE) -s -C $(KTREE) kernelversion 2>/dev/null)
SONAME = liblkl.so.$(word 1,$(subst ., ,$(KVERSION))).$(word 2,$(subst ., ,$(KVERSION)))

PROGRAMS := boot host-ops-test large-file lkl-demo lkl-bench lkl-disk-bench header-conflicts disk cptofs net-pipe net-config net-tap net-dhcp mptcp-pipe mptcp-native net-gso \
	lkl-hijack-bench $(if $(HAVE_CJSON),config-json lkl-net-bench)

.PHONY: all lib kernel headers programs test test-musl test-kunit demo bench deps clean distclean help
.PHONY: install uninstall
all: lib programs

help:
	@echo 'LKL: Linux 6.12 as a library.'
	@echo
	@echo 'Targets:'
	@echo '  all (default) - kernel, headers, liblkl.a, liblkl.so, test and demo programs'
	@echo '  lib           - liblkl.a and liblkl.so with headers only'
	@echo '  demo          - build, then run the demo (boot, banner, files, TCP)'
	@echo '  test          - build, then run every test; ends with "N passed, N failed"'
	@echo '  test-musl     - build against musl (musl-tools) in $(BUILD)/$(TARGET)-musl and run its tests'
	@echo '  test-kunit    - build with KUnit in $(BUILD)/$(TARGET)-kunit and run the MPTCP KUnit suites'
	@echo '  bench         - build, then run the benchmark (prints figures)'
	@echo '  deps          - install the Debian packages the build and tests need (root)'
	@echo '  install       - install headers, libraries, lkl.pc and tools under $$(DESTDIR)$$(PREFIX)'
	@echo '  uninstall     - remove what install put there'
	@echo '  clean         - remove this target'"'"'s output folder ($(OUT))'
	@echo '  distclean     - remove $(BUILD) entirely, the unpacked kernel included'
	@echo
	@echo 'Variables:'
	@echo '  CROSS_COMPILE=aarch64-linux-gnu-  build for another host (one folder per target)'
	@echo '  KERNEL_SRC=/path  use this Linux 6.12 tree instead of Debian'"'"'s linux-source-6.12'
	@echo '  DEBUG=1           debug info in kernel and host code (own output folder)'
	@echo '  V=1               show every command'
	@echo '  BUILD=dir         where trees and outputs go (default ./build)'
	@echo '  PREFIX=/usr/local DESTDIR=  where install puts things'
	@echo
	@echo 'Output for this target: $(OUT)/{lib,include,bin}'

deps:
	$(Q)scripts/install-deps.sh all

# ---- The kernel tree -------------------------------------------------------

# Resolved once per make run: prepare-kernel.sh prints the tree's path.
KTREE = $(eval KTREE := $(shell scripts/prepare-kernel.sh $(TOP) $(BUILD)/src $(KERNEL_SRC) || echo FAILED))$(if $(filter FAILED,$(KTREE)),$(error cannot prepare the kernel tree (see above)))$(KTREE)

# KCONFIG_FRAGMENTS="name.config ...": arch/lkl/configs/ fragments merged
# over the defconfig (test builds in their own OUT, e.g. kunit.config).
KCONFIG_FRAGMENTS ?=
$(KOBJ)/.config: arch/lkl/configs/defconfig $(addprefix arch/lkl/configs/,$(KCONFIG_FRAGMENTS))
	@echo "  CONFIG  $(KOBJ)"
	$(Q)mkdir -p $(KOBJ)
	+$(Q)$(KMAKE) defconfig $(KCONFIG_FRAGMENTS)
ifeq ($(DEBUG),1)
	$(Q)$(KTREE)/scripts/config --file $@ -d DEBUG_INFO_NONE -e DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT
	+$(Q)$(KMAKE) olddefconfig
endif

# Kbuild knows what changed: always ask it.
kernel: $(KOBJ)/.config
	@echo "  KBUILD  $(KOBJ)/vmlinux"
	+$(Q)$(KMAKE) vmlinux

# One relocatable object; only the kernel's public API stays global.
$(OUT)/lkl.o: kernel arch/lkl/exports
	$(Q)if [ ! -e $@ ] || [ $(KOBJ)/vmlinux -nt $@ ] || [ arch/lkl/exports -nt $@ ]; then \
		echo "  OBJCOPY $@"; \
		$(OBJCOPY) --keep-global-symbols=arch/lkl/exports \
			--add-section .note.GNU-stack=/dev/null $(KOBJ)/vmlinux $@; \
	fi

# ---- Headers ---------------------------------------------------------------

$(INC)/.stamp: $(KOBJ)/.config scripts/lkl-install-headers.py \
		$(wildcard arch/lkl/include/uapi/asm/*) $(wildcard tools/lkl/include/*.h)
	@echo "  HEADERS $(INC)"
	$(Q)rm -rf $(OUT)/uapi $(INC)
	+$(Q)$(KMAKE) headers_install INSTALL_HDR_PATH=$(OUT)/uapi >/dev/null
	$(Q)$(PYTHON) scripts/lkl-install-headers.py $(OUT)/uapi/include $(KTREE) $(INC) --cc "$(CC)"
	$(Q)cp tools/lkl/include/*.h $(INC)/
	$(Q)touch $@

headers: $(INC)/.stamp

# ---- The libraries ---------------------------------------------------------

$(OBJDIR)/lib/%.o: tools/lkl/lib/%.c $(INC)/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(KCC) $(HOST_CFLAGS) -c $< -o $@

$(OBJDIR)/lib/config_json.o: HOST_CFLAGS += $(CJSON_CFLAGS)

$(LIBDIR)/liblkl.a: $(OUT)/lkl.o $(LIB_OBJS)
	@mkdir -p $(LIBDIR)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(LIBDIR)/.so-stamp: $(OUT)/lkl.o $(LIB_OBJS) tools/lkl/lib/liblkl.map
	@mkdir -p $(LIBDIR)
	@echo "  LD      $(LIBDIR)/liblkl.so.$(KVERSION)"
	$(Q)$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=tools/lkl/lib/liblkl.map \
		-Wl,-z,noexecstack -o $(LIBDIR)/liblkl.so.$(KVERSION) $(OUT)/lkl.o $(LIB_OBJS) $(HOST_LDLIBS)
	$(Q)ln -sf liblkl.so.$(KVERSION) $(LIBDIR)/$(SONAME)
	$(Q)ln -sf liblkl.so.$(KVERSION) $(LIBDIR)/liblkl.so
	$(Q)touch $@

lib: $(LIBDIR)/liblkl.a $(LIBDIR)/.so-stamp

# ---- Programs: tests, demo, benchmark --------------------------------------

$(BINDIR)/boot: tools/lkl/tests/boot.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/lkl-demo: tools/lkl/demo/demo.c $(LIBDIR)/liblkl.a
$(BINDIR)/lkl-bench: tools/lkl/bench/bench.c $(LIBDIR)/liblkl.a
$(BINDIR)/lkl-disk-bench: tools/lkl/bench/disk-bench.c $(LIBDIR)/liblkl.a
$(BINDIR)/lkl-net-bench: tools/lkl/bench/net-bench.c tools/lkl/bench/round-trip.h tools/lkl/tests/host-util.h tools/lkl/tests/lkl-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/lkl-hijack-bench: tools/lkl/bench/hijack-bench.c tools/lkl/bench/round-trip.h tools/lkl/tests/host-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/host-ops-test: tools/lkl/tests/host-ops-test.c $(LIBDIR)/liblkl.a
$(BINDIR)/header-conflicts: tools/lkl/tests/header-conflicts.c $(LIBDIR)/liblkl.a
$(BINDIR)/large-file: tools/lkl/tests/large-file.c tools/lkl/tests/test.h $(LIBDIR)/liblkl.a
$(BINDIR)/disk: tools/lkl/tests/disk.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/cptofs: tools/lkl/fs/cptofs.c $(LIBDIR)/liblkl.a
$(BINDIR)/net-pipe: tools/lkl/tests/net-pipe.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h tools/lkl/tests/lkl-util.h tools/lkl/tests/pair-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/mptcp-pipe: tools/lkl/tests/mptcp-pipe.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h tools/lkl/tests/lkl-util.h tools/lkl/tests/mptcp-util.h tools/lkl/tests/pair-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/net-config: tools/lkl/tests/net-config.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h tools/lkl/tests/lkl-util.h tools/lkl/tests/rtnl-dump.h $(LIBDIR)/liblkl.a
$(BINDIR)/mptcp-native: tools/lkl/tests/mptcp-native.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h tools/lkl/tests/lkl-util.h tools/lkl/tests/mptcp-util.h tools/lkl/tests/pair-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/net-tap: tools/lkl/tests/net-tap.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h tools/lkl/tests/lkl-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/net-dhcp: tools/lkl/tests/net-dhcp.c tools/lkl/tests/test.h tools/lkl/tests/host-util.h tools/lkl/tests/lkl-util.h $(LIBDIR)/liblkl.a
$(BINDIR)/net-dhcp: HOST_CFLAGS += $(if $(HAVE_CJSON),-DNET_DHCP_JSON)
$(BINDIR)/net-gso: tools/lkl/tests/net-gso.c tools/lkl/tests/test.h tools/lkl/lib/net_gso.h $(LIBDIR)/liblkl.a
$(BINDIR)/config-json: tools/lkl/tests/config-json.c tools/lkl/tests/test.h tools/lkl/tests/lkl-util.h tools/lkl/tests/rtnl-dump.h $(wildcard tools/lkl/tests/config/*.json) $(LIBDIR)/liblkl.a
$(BINDIR)/config-json: HOST_CFLAGS += -DCONFIG_DIR='"$(TOP)/tools/lkl/tests/config"'

$(addprefix $(BINDIR)/,$(PROGRAMS)):
	@mkdir -p $(BINDIR)
	@echo "  LINK    $@"
	$(Q)$(KCC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) $(LIBDIR)/liblkl.a $(HOST_LDLIBS)

# cpfromfs is cptofs under another name.
$(BINDIR)/cpfromfs: $(BINDIR)/cptofs
	$(Q)ln -sf cptofs $@

# The filesystem tools with other libraries: libfuse3, libarchive.
FS_IMAGE := tools/lkl/fs/image.c tools/lkl/fs/image.h
# A cross build has lklfuse when the target's libfuse3-dev (multiarch)
# is installed, and no fs2tar (libarchive-dev is not installed for it).
FS_TOOLS := $(if $(CROSS_COMPILE),$(if $(shell $(PKG_CONFIG) --exists fuse3 \
	2>/dev/null && echo 1),lklfuse),lklfuse fs2tar)
# FUSE works under qemu-user: check-lklfuse.sh runs for such a target.
CROSS_TESTS += $(if $(filter lklfuse,$(FS_TOOLS)),check-lklfuse.sh)
$(BINDIR)/lklfuse: tools/lkl/fs/lklfuse.c $(FS_IMAGE) $(LIBDIR)/liblkl.a
	@mkdir -p $(BINDIR)
	@echo "  LINK    $@"
	$(Q)$(KCC) $(HOST_CFLAGS) $(shell $(PKG_CONFIG) --cflags fuse3) -o $@ \
		$(filter %.c,$^) $(LIBDIR)/liblkl.a \
		$(shell $(PKG_CONFIG) --libs fuse3) $(HOST_LDLIBS)

$(BINDIR)/fs2tar: tools/lkl/fs/fs2tar.c $(FS_IMAGE) $(LIBDIR)/liblkl.a
	@mkdir -p $(BINDIR)
	@echo "  LINK    $@"
	$(Q)$(KCC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) $(LIBDIR)/liblkl.a \
		-larchive $(HOST_LDLIBS)

# The network benchmark's echo server: a plain host program, no LKL.
$(BINDIR)/lkl-net-echo: tools/lkl/bench/net-echo.c
	@mkdir -p $(BINDIR)
	@echo "  LINK    $@"
	$(Q)$(KCC) $(HOST_CFLAGS) -o $@ $<

programs: $(addprefix $(BINDIR)/,$(PROGRAMS)) $(BINDIR)/cpfromfs \
	$(addprefix $(BINDIR)/,$(FS_TOOLS)) $(BINDIR)/lkl-net-echo

# ---- The hijack library ----------------------------------------------------

# liblkl-hijack.so: LD_PRELOAD it (or use the lkl-hijack wrapper) and a
# program's sockets are LKL's.  It holds the kernel and the host library
# (liblkl.a) and exports only the calls it wraps (hijack.map).  The
# hijack-* test programs are plain host programs, run under it.
HIJACK_SRCS := $(wildcard tools/lkl/hijack/*.c)
HIJACK_OBJS := $(patsubst tools/lkl/hijack/%.c,$(OBJDIR)/hijack/%.o,$(HIJACK_SRCS))
HIJACK_TESTS := $(patsubst tools/lkl/tests/%.c,$(BINDIR)/%,$(wildcard tools/lkl/tests/hijack-*.c))

# Every lkl_sys_*() of the hijack goes through signal.c's wrapper.
$(HIJACK_OBJS): HOST_CFLAGS += $(if $(HAVE_CJSON),-DHIJACK_JSON) \
	-Dlkl_syscall=hijack_lkl_syscall
$(OBJDIR)/hijack/%.o: tools/lkl/hijack/%.c tools/lkl/hijack/hijack.h $(INC)/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(KCC) $(HOST_CFLAGS) -c $< -o $@

$(LIBDIR)/liblkl-hijack.so: $(HIJACK_OBJS) $(LIBDIR)/liblkl.a tools/lkl/hijack/hijack.map
	@echo "  LD      $@"
	$(Q)$(CC) -shared -Wl,-soname,liblkl-hijack.so \
		-Wl,--version-script=tools/lkl/hijack/hijack.map -Wl,-z,noexecstack \
		-o $@ $(HIJACK_OBJS) $(LIBDIR)/liblkl.a $(HOST_LDLIBS) -ldl

$(BINDIR)/lkl-hijack: tools/lkl/hijack/lkl-hijack.sh
	@mkdir -p $(BINDIR)
	$(Q)install -m 755 $< $@

$(HIJACK_TESTS): $(BINDIR)/%: tools/lkl/tests/%.c tools/lkl/tests/test.h tools/lkl/tests/hijack-pair.h
	@mkdir -p $(BINDIR)
	@echo "  LINK    $@"
	$(Q)$(KCC) $(HOST_CFLAGS) -o $@ $< -lpthread

programs: $(LIBDIR)/liblkl-hijack.so $(BINDIR)/lkl-hijack $(HIJACK_TESTS)

.PHONY: install-hijack uninstall-hijack
install: install-hijack
install-hijack: all
	$(Q)install -D -m 755 $(LIBDIR)/liblkl-hijack.so $(I_LIB)/liblkl-hijack.so
	$(Q)install -D -m 755 $(BINDIR)/lkl-hijack $(I_BIN)/lkl-hijack

uninstall: uninstall-hijack
uninstall-hijack:
	$(Q)rm -f $(I_LIB)/liblkl-hijack.so $(I_BIN)/lkl-hijack

# ---- Running ---------------------------------------------------------------

demo: all
	$(BINDIR)/lkl-demo

bench: all
	$(BINDIR)/lkl-bench
	$(BINDIR)/lkl-disk-bench $(OUT)
	tools/lkl/bench/net-bench.sh $(BINDIR)
	tools/lkl/bench/hijack-bench.sh $(BINDIR)
	tools/lkl/bench/mptcp-bench.sh $(BINDIR)

# A cross target builds what its tests need (the library and the
# programs of CROSS_TESTS), not all: a program that does not build for
# every target yet does not stop its tests.
test: $(if $(CROSS_COMPILE),lib $(addprefix $(BINDIR)/,$(filter-out %.sh,$(CROSS_TESTS))) \
	$(if $(filter cross-hijack-loopback.sh,$(CROSS_TESTS)),$(LIBDIR)/liblkl-hijack.so \
		$(BINDIR)/lkl-hijack $(HIJACK_TESTS)) \
	$(if $(filter check-lklfuse.sh,$(CROSS_TESTS)),$(BINDIR)/lklfuse $(BINDIR)/cpfromfs),all)
	$(Q)$(if $(CROSS_COMPILE),$(if $(LKL_RUN),,$(error no way known to run $(TARGET) programs: set LKL_RUN)))
	$(Q)LKL_LIBDIR=$(LIBDIR) LKL_INCDIR=$(INC) LKL_CC="$(CC)" NM="$(NM)" \
		LKL_RUN="$(LKL_RUN)" $(if $(CROSS_COMPILE),LKL_TESTS="$(CROSS_TESTS)") \
		tools/lkl/tests/run-tests.sh $(BINDIR)

# The kernel, host library, tests and cptofs built against musl (Debian's
# musl-tools) in their own folder, and their tests run: proof that LKL
# needs POSIX, not glibc.  lklfuse and fs2tar are left out: Debian has
# libfuse3 and libarchive for glibc only.
MUSL_OUT := $(BUILD)/$(TARGET)-musl
MUSL_PROGRAMS := boot host-ops-test lkl-demo disk net-pipe net-config \
	mptcp-pipe cptofs cpfromfs
MUSL_TESTS := boot host-ops-test disk net-pipe net-config mptcp-pipe \
	check-cptofs.sh

test-musl:
	$(Q)$(MAKE) --no-print-directory CC=musl-gcc OUT=$(MUSL_OUT) \
		$(addprefix $(MUSL_OUT)/bin/,$(MUSL_PROGRAMS))
	$(Q)LKL_TESTS="$(MUSL_TESTS)" tools/lkl/tests/run-tests.sh $(MUSL_OUT)/bin

# KUnit inside LKL: a test build of the kernel (the defconfig plus
# arch/lkl/configs/kunit.config) in its own folder, booted by a program
# that checks the MPTCP suites' KTAP results on the kernel log.
KUNIT_OUT := $(BUILD)/$(TARGET)-kunit

$(BINDIR)/mptcp-kunit: tools/lkl/tests/mptcp-kunit.c tools/lkl/tests/test.h $(LIBDIR)/liblkl.a
	@mkdir -p $(BINDIR)
	@echo "  LINK    $@"
	$(Q)$(KCC) $(HOST_CFLAGS) -o $@ $(filter %.c,$^) $(LIBDIR)/liblkl.a $(HOST_LDLIBS)

test-kunit:
	$(Q)$(MAKE) --no-print-directory OUT=$(KUNIT_OUT) \
		KCONFIG_FRAGMENTS=kunit.config $(KUNIT_OUT)/bin/mptcp-kunit
	$(Q)LKL_TESTS=mptcp-kunit tools/lkl/tests/run-tests.sh $(KUNIT_OUT)/bin

# ---- Installing ------------------------------------------------------------

PREFIX ?= /usr/local
# A static link of liblkl.a needs -lcjson only where a static libcjson
# exists: Debian has none, and -lcjson would then fail every -static
# program (those that call lkl_config_*() add it themselves).
PC_LIBS_PRIVATE := -lpthread $(if $(filter /%,$(if $(HAVE_CJSON),$(shell \
	$(CC) -print-file-name=libcjson.a))),-lcjson)
DESTDIR ?=
I_INC = $(DESTDIR)$(PREFIX)/include
I_LIB = $(DESTDIR)$(PREFIX)/lib
I_BIN = $(DESTDIR)$(PREFIX)/bin
INSTALL_PROGRAMS := cptofs $(FS_TOOLS) lkl-demo

install: all
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)cd $(INC) && find . -name '*.h' | sort | while read -r h; do \
		install -D -m 644 "$$h" "$(I_INC)/$$h" || exit 1; done
	$(Q)install -D -m 644 $(LIBDIR)/liblkl.a $(I_LIB)/liblkl.a
	$(Q)install -D -m 755 $(LIBDIR)/liblkl.so.$(KVERSION) $(I_LIB)/liblkl.so.$(KVERSION)
	$(Q)ln -sf liblkl.so.$(KVERSION) $(I_LIB)/$(SONAME)
	$(Q)ln -sf liblkl.so.$(KVERSION) $(I_LIB)/liblkl.so
	$(Q)for p in $(INSTALL_PROGRAMS); do \
		install -D -m 755 $(BINDIR)/$$p $(I_BIN)/$$p || exit 1; done
	$(Q)ln -sf cptofs $(I_BIN)/cpfromfs
	$(Q)mkdir -p $(I_LIB)/pkgconfig
	$(Q)printf '%s\n' '# SPDX-License-Identifier: GPL-2.0' 'prefix=$(PREFIX)' 'exec_prefix=$${prefix}' \
		'libdir=$${exec_prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: lkl' \
		'Description: Linux Kernel Library: the Linux kernel as a library' \
		'Version: $(KVERSION)' \
		'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -llkl' \
		'Libs.private: $(PC_LIBS_PRIVATE)' > $(OUT)/lkl.pc
	$(Q)install -D -m 644 $(OUT)/lkl.pc $(I_LIB)/pkgconfig/lkl.pc

uninstall:
	@echo "  UNINSTALL $(DESTDIR)$(PREFIX)"
	$(Q)rm -f $(I_INC)/lkl.h $(I_INC)/lkl_host.h $(I_INC)/lkl_config.h $(I_LIB)/liblkl.a \
		$(I_LIB)/liblkl.so.$(KVERSION) $(I_LIB)/$(SONAME) $(I_LIB)/liblkl.so \
		$(I_LIB)/pkgconfig/lkl.pc $(addprefix $(I_BIN)/,$(INSTALL_PROGRAMS) cpfromfs)
	$(Q)rm -rf $(I_INC)/lkl

clean:
	rm -rf $(OUT)

distclean:
	rm -rf $(BUILD)
