#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-headers.sh OUT_INCLUDE_DIR [CC]
#
# Compile-checks every installed header OUT_INCLUDE_DIR/lkl/**.h (from
# scripts/lkl-install-headers.py):
#   alone   - the header on its own
#   libc<   - after a set of common libc headers
#   libc>   - before the same libc headers
#   names   - every macro it (and what it includes of lkl/) defines is
#             prefixed, so nothing leaks into the program's namespace
# and lkl.h, if OUT_INCLUDE_DIR has it, the same way.  One line per check,
# then "N passed, N failed"; exits non-zero if any check failed.

set -u

if [ $# -lt 1 ] || [ ! -d "$1/lkl" ]; then
	echo "usage: $0 OUT_INCLUDE_DIR [CC]  (OUT_INCLUDE_DIR/lkl must exist)" >&2
	exit 2
fi
out=$(cd "$1" && pwd)
cc=${2:-${CC:-cc}}
# lkl.h lives in tools/lkl/include; take it from there when OUT lacks it.
here=$(cd "$(dirname "$0")" && pwd)
extra_inc="$here/../include"

# Headers that upstream does not make self-contained: they need what the
# program includes first.  Checked only after the libc headers.
declare -A not_alone=(
	[linux/coda.h]="takes int64_t from libc's <stdint.h>"
	[linux/omapfb.h]="takes size_t from libc"
	[linux/patchkey.h]="is only to be included by linux/soundcard.h (#error)"
	[linux/phonet.h]="takes struct sockaddr from libc's <sys/socket.h>"
	[linux/sctp.h]="takes MSG_FIN from libc's <sys/socket.h>"
	[linux/sysctl.h]="takes size_t from libc"
	[linux/usb/audio.h]="takes NULL from libc"
	[xen/evtchn.h]="needs domid_t of Xen's own headers"
	[xen/gntdev.h]="needs grant_ref_t of Xen's own headers"
	[xen/privcmd.h]="includes <xen/interface/xen.h>, not a uapi header"
)
# Headers that #warning that they are obsolete: checked without -Werror
# for that warning.
declare -A obsolete=(
	[linux/cyclades.h]="warns that its features are gone"
)
# Headers that cannot be used at all as the libc set is: skipped.
declare -A never=(
	[linux/patchkey.h]="is only to be included by linux/soundcard.h (#error)"
	[xen/evtchn.h]="needs domid_t of Xen's own headers"
	[xen/gntdev.h]="needs grant_ref_t of Xen's own headers"
	[xen/privcmd.h]="includes <xen/interface/xen.h>, not a uapi header"
)

libc_headers='
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <net/if.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/epoll.h>
#include <sys/sysmacros.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <endian.h>
#include <poll.h>
#include <time.h>
#include <termios.h>
#include <unistd.h>
'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
skip=0

result() { # status what detail
	case $1 in
	ok) pass=$((pass + 1)); echo "ok    $2" ;;
	skip) skip=$((skip + 1)); echo "skip  $2: $3" ;;
	*) fail=$((fail + 1)); echo "FAIL  $2"; sed 's/^/      /' "$tmp/err" | head -n 8 ;;
	esac
}

compile() { # file with the source
	$cc -std=gnu11 -D_GNU_SOURCE -Wall -Werror $cflags -fsyntax-only \
		-I"$out" -I"$extra_inc" "$1" >"$tmp/err" 2>&1
}

# Macros defined by files under $out/lkl that are not prefixed.
leaks() { # source file
	$cc -std=gnu11 -w -E -dD -I"$out" -I"$extra_inc" "$1" 2>"$tmp/err" |
	awk -v dir="$out/lkl/" '
		/^# [0-9]+ "/ {
			f = $3; gsub(/"/, "", f)
			ours = (index(f, dir) == 1 || f ~ /\/lkl\.h$/)
			next
		}
		ours && /^#define / {
			n = $2; sub(/\(.*/, "", n)
			if (n !~ /^(lkl_|LKL_|__lkl|_LKL|_lkl)/) print f ": " n
		}'
}

check() { # header path relative to $out (lkl/... or lkl.h)
	local h=$1 rel=${1#lkl/}
	printf '#include <%s>\n' "$h" >"$tmp/alone.c"
	printf '%s\n#include <%s>\n' "$libc_headers" "$h" >"$tmp/after.c"
	printf '#include <%s>\n%s\n' "$h" "$libc_headers" >"$tmp/before.c"

	if [ -n "${never[$rel]:-}" ]; then
		result skip "$h" "${never[$rel]}"
		return
	fi
	cflags=
	if [ -n "${obsolete[$rel]:-}" ]; then
		echo "note  $h ${obsolete[$rel]}: built with -Wno-cpp"
		cflags=-Wno-cpp
	fi
	if [ -n "${not_alone[$rel]:-}" ]; then
		result skip "alone $h" "${not_alone[$rel]}"
	elif compile "$tmp/alone.c"; then
		result ok "alone $h"
	else
		result FAIL "alone $h"
	fi
	if compile "$tmp/after.c"; then
		result ok "libc< $h"
	else
		result FAIL "libc< $h"
	fi
	if [ -n "${not_alone[$rel]:-}" ]; then
		result skip "libc> $h" "${not_alone[$rel]}"
	elif compile "$tmp/before.c"; then
		result ok "libc> $h"
	else
		result FAIL "libc> $h"
	fi
	local l
	l=$(leaks "$tmp/after.c")
	if [ -z "$l" ] && [ ! -s "$tmp/err" ]; then
		result ok "names $h"
	else
		echo "$l" >>"$tmp/err"
		result FAIL "names $h"
	fi
}

for h in $(cd "$out" && find lkl -name '*.h' | LC_ALL=C sort); do
	check "$h"
done
if [ -f "$out/lkl.h" ] || [ -f "$extra_inc/lkl.h" ]; then
	check lkl.h
fi

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
