#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-exports.sh LIBDIR [NM]
#
# liblkl is linked into programs that have their own symbols and libc's:
# everything it exports must start with lkl_, or it could clash (a
# kernel's printk, memcpy, jiffies, ...).  Checks
#   LIBDIR/liblkl.so  the dynamic symbols it defines (nm -D --defined-only)
#   LIBDIR/liblkl.a   the global symbols its objects define (nm -g
#                     --defined-only)
# One line per check, the offending symbols under a FAIL, then
# "N passed, N failed"; non-zero exit on failure.  A library that is not
# there fails its check: the build was to make it.

set -u

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 LIBDIR [NM]" >&2
	exit 2
fi
libdir=$1
nm=${2:-${NM:-nm}}
pass=0
fail=0

# Symbols that are not the library's own and may stay: linker and
# toolchain markers a shared object always defines, and i386's -fPIC
# helpers, which gcc puts hidden in a section group of every object
# (a link keeps one; they are never exported).
allowed='^(_init|_fini|_edata|_end|__bss_start|_DYNAMIC|_GLOBAL_OFFSET_TABLE_|__dso_handle|__TMC_END__|_IO_stdin_used|__x86\.get_pc_thunk\.[a-z]+)$'

check() { # what file nm-flags...
	local what=$1 file=$2 bad
	shift 2
	if [ ! -f "$file" ]; then
		echo "FAIL  $what: $file does not exist"
		fail=$((fail + 1))
		return
	fi
	# nm prints "value type name" (no value for some types); archives
	# add "member:" headers and blank lines.
	if ! bad=$("$nm" "$@" "$file" 2>&1 >"$tmp"); then
		echo "FAIL  $what: $nm $* $file: $bad"
		fail=$((fail + 1))
		return
	fi
	bad=$(awk 'NF >= 2 { print $NF }' "$tmp" | grep -v -E '^lkl_' |
	      grep -v -E "$allowed" | sort -u)
	if [ -z "$(awk 'NF >= 2' "$tmp")" ]; then
		echo "FAIL  $what: no symbols defined at all"
		fail=$((fail + 1))
	elif [ -n "$bad" ]; then
		echo "FAIL  $what: $(echo "$bad" | wc -l) symbols without lkl_ prefix"
		echo "$bad" | head -n 50 | sed 's/^/      /'
		fail=$((fail + 1))
	else
		echo "ok    $what: $(awk 'NF >= 2' "$tmp" | wc -l) symbols, all lkl_"
		pass=$((pass + 1))
	fi
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

check "liblkl.so exports" "$libdir/liblkl.so" -D --defined-only
check "liblkl.a globals" "$libdir/liblkl.a" -g --defined-only

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
