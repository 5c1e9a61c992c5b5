#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-install.sh [BINDIR] - `make install` into a DESTDIR, then build
# and run tools/lkl/examples/hello against what it installed.
#
# BINDIR (default $LKL_BINDIR, as run-tests.sh exports it) is the bin
# folder of a built target; its parent is the target's OUT folder, which
# `make install` is pointed at (CROSS_COMPILE is taken from $LKL_CC).
# Checks the headers, liblkl.a, liblkl.so.<version> with its SONAME link
# and liblkl.so link, the tools (cpfromfs a link to cptofs), lkl.pc;
# builds the example with pkg-config only (PKG_CONFIG_PATH and
# PKG_CONFIG_SYSROOT_DIR into the DESTDIR), shared and static, runs both;
# then `make uninstall` must leave no file behind.  For a cross target
# the programs run under $LKL_RUN (qemu-user), and lklfuse and fs2tar,
# which cross builds leave out, are not expected.  One "ok"/"FAIL" line
# per check, then "N passed, N failed".

set -u

bindir=${1:-${LKL_BINDIR:-}}
pass=0
fail=0
T=300			# seconds for any one step
TI=900			# for make install, which builds all programs

summary() {
	echo "$pass passed, $fail failed"
	[ $fail -eq 0 ]
	exit
}

ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1: $2"; fail=$((fail + 1)); }
check() {	# check NAME command...
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name" "check failed: $*"; fi
}

if [ -z "$bindir" ] || [ ! -d "$bindir" ]; then
	bad "built target" "no BINDIR ('${bindir}')"
	summary
fi
out=$(cd "$bindir/.." && pwd)
top=$(cd "$(dirname "$0")/../../.." && pwd)
cc=${LKL_CC:-gcc}
cross=${cc%gcc}
for tool in pkg-config readelf; do
	if ! command -v $tool >/dev/null; then
		bad "$tool" "not installed (scripts/install-deps.sh)"
		summary
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
dest=$tmp/root
prefix=/usr/local
log=$tmp/log

# ---- make install ---------------------------------------------------------
if timeout $TI make -s -C "$top" --no-print-directory OUT="$out" \
		CROSS_COMPILE="$cross" PREFIX=$prefix DESTDIR="$dest" install \
		>"$log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=$prefix"
else
	bad "make install" "failed: $(tail -n 5 "$log")"
	summary
fi

inc=$dest$prefix/include
lib=$dest$prefix/lib
bin=$dest$prefix/bin
check "headers lkl.h, lkl_host.h" test -f "$inc/lkl.h" -a -f "$inc/lkl_host.h"
check "headers lkl/linux/utsname.h" test -f "$inc/lkl/linux/utsname.h"
check "header count matches the build ($(cd "$out/include" && find . -name '*.h' | wc -l))" \
	test "$(cd "$out/include" && find . -name '*.h' | wc -l)" = \
	     "$(cd "$inc" && find . -name '*.h' | wc -l)"
check "liblkl.a" test -f "$lib/liblkl.a"

full=$(cd "$lib" && ls liblkl.so.*.*.* 2>/dev/null | head -n 1)
version=${full#liblkl.so.}
soname=$(readelf -d "$lib/$full" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ -n "$full" ] && [ -f "$lib/$full" ] && [ ! -L "$lib/$full" ]; then
	ok "$full is a file"
else
	bad "liblkl.so.<version>" "not found in $lib"
fi
if [ -n "$soname" ] && [ "$(readlink "$lib/$soname")" = "$full" ]; then
	ok "SONAME $soname -> $full"
else
	bad "SONAME link" "SONAME '$soname', link '$(readlink "$lib/$soname" 2>/dev/null)'"
fi
check "liblkl.so -> $full" test "$(readlink "$lib/liblkl.so")" = "$full"
tools="cptofs lkl-demo"
[ -z "$cross" ] && tools="$tools lklfuse fs2tar"
for p in $tools; do
	check "bin/$p" test -x "$bin/$p" -a ! -L "$bin/$p"
done
check "bin/cpfromfs -> cptofs" test "$(readlink "$bin/cpfromfs")" = cptofs

# ---- lkl.pc ---------------------------------------------------------------
export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
unset PKG_CONFIG_LIBDIR
check "lkl.pc installed" test -f "$lib/pkgconfig/lkl.pc"
check "pkg-config --modversion lkl = $version" \
	test "$(pkg-config --modversion lkl 2>&1)" = "$version"
check "pkg-config --cflags lkl = -I$inc" \
	test "$(pkg-config --cflags lkl 2>&1 | xargs)" = "-I$inc"
check "pkg-config --libs lkl = -L$lib -llkl" \
	test "$(pkg-config --libs lkl 2>&1 | xargs)" = "-L$lib -llkl"
check "pkg-config --static --libs lkl has -lpthread" \
	grep -q -- '-lpthread' <<<"$(pkg-config --static --libs lkl 2>&1)"

# ---- The example, both ways ------------------------------------------------
cp "$top/tools/lkl/examples/hello/hello.c" "$top/tools/lkl/examples/hello/Makefile" "$tmp/"
if timeout $T env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		make -C "$tmp" --no-print-directory CC="$cc" hello hello-static \
		>"$log" 2>&1; then
	ok "example builds with pkg-config (shared and static)"
else
	bad "example build" "$(tail -n 5 "$log")"
	summary
fi
check "hello needs $soname" grep -q "NEEDED.*\[$soname\]" <<<"$(readelf -d "$tmp/hello")"
check "hello-static needs no liblkl.so" \
	test -z "$(readelf -d "$tmp/hello-static" 2>/dev/null | grep liblkl)"

run() {	# run NAME command...
	local name=$1 rc
	shift
	timeout $T "$@" >"$log" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] && grep -qx "release: $version" "$log" &&
	   grep -qx "read back: hello from tmpfs" "$log" && grep -qx halted "$log"; then
		ok "$name runs: release $version, tmpfs file read back, halted"
	else
		bad "$name" "exit $rc; output: $(tr '\n' '|' <"$log") $(tail -n 3 "$tmp/err")"
	fi
}
# shellcheck disable=SC2086 # LKL_RUN is a command and its arguments
run hello env LD_LIBRARY_PATH="$lib" ${LKL_RUN:-} "$tmp/hello"
# shellcheck disable=SC2086
run hello-static ${LKL_RUN:-} "$tmp/hello-static"

# ---- make uninstall ---------------------------------------------------------
if timeout $T make -s -C "$top" --no-print-directory OUT="$out" \
		CROSS_COMPILE="$cross" PREFIX=$prefix DESTDIR="$dest" uninstall \
		>"$log" 2>&1; then
	left=$(find "$dest" ! -type d | head -n 3)
	if [ -z "$left" ]; then
		ok "make uninstall leaves no file"
	else
		bad "make uninstall" "left: $left"
	fi
else
	bad "make uninstall" "failed: $(tail -n 5 "$log")"
fi

summary
