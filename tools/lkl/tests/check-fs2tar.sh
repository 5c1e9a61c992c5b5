#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-fs2tar.sh [BINDIR] - fs2tar on an ext4 image.
#
# BINDIR (default $LKL_BINDIR, as run-tests.sh exports it) holds fs2tar
# and cptofs.  A known tree (modes, owners when run as root, times, a
# symlink, an empty file, a 3 MiB file, a name with spaces) goes into a
# fresh ext4 image with cptofs -p; fs2tar writes it out; tar -tvf must
# list the right names, modes, owners and link targets, and the
# extracted tree must equal the source (diff -r, and a find listing of
# types, modes, owners, mtimes and link targets).  Then the error cases.
# Needs mkfs.ext4 and tar; without them everything is skipped.  One
# "ok"/"FAIL"/"skip" line per check, then "N passed, N failed[, N skipped]".

set -u

bindir=${1:-${LKL_BINDIR:-}}
. "$(dirname "$0")/harness.sh"
T=120			# seconds for any one step


if [ -z "$bindir" ] || [ ! -x "$bindir/fs2tar" ] || [ ! -x "$bindir/cptofs" ]; then
	bad "fs2tar and cptofs built" "not found in '${bindir}'"
	summary
fi
fs2tar=$bindir/fs2tar
cptofs=$bindir/cptofs
PATH=$PATH:/sbin:/usr/sbin
for tool in mkfs.ext4 tar; do
	if ! command -v $tool >/dev/null; then
		echo "skip - fs2tar: no $tool"
		skip=1
		summary
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-fs2tar-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
img=$tmp/ext4.img
log=$tmp/log
root=0
[ "$(id -u)" = 0 ] && root=1

# check NAME WANT-STATUS [MESSAGE-PATTERN] -- command...
check() {
	local name=$1 want=$2 pat=$3 rc
	shift 4
	if declare -F "$1" >/dev/null; then
		"$@" >"$log" 2>&1
	else
		timeout $T "$@" >"$log" 2>&1
	fi
	rc=$?
	if [ "$want" = 0 ] && [ $rc -ne 0 ]; then
		bad "$name" "exit status $rc: $(head -c 300 "$log")"
	elif [ "$want" != 0 ] && [ $rc -eq 0 ]; then
		bad "$name" "exit status 0, want non-zero"
	elif [ -n "$pat" ] && ! grep -qi -- "$pat" "$log"; then
		bad "$name" "no '$pat' in: $(head -c 300 "$log")"
	else
		ok "$name"
	fi
}

make_tree() {
	local s=$1
	mkdir -p "$s/dir/sub" "$s/empty-dir"
	echo "plain" >"$s/plain.txt"
	printf '#!/bin/sh\necho hi\n' >"$s/dir/script.sh"
	echo "secret" >"$s/dir/sub/private"
	: >"$s/empty"
	echo "spaces" >"$s/name with spaces"
	head -c $((3 * 1024 * 1024)) /dev/urandom >"$s/dir/big.bin"
	ln -s dir/sub/private "$s/link"
	ln -s nowhere "$s/dangling"
	chmod 0644 "$s/plain.txt"
	chmod 0755 "$s/dir/script.sh"
	chmod 0600 "$s/dir/sub/private"
	chmod 0750 "$s/dir/sub"
	chmod 1777 "$s/empty-dir"
	if [ $root = 1 ]; then
		chown 1234:5678 "$s/dir/script.sh"
		chown -h 42:43 "$s/link"
	fi
	touch -d '1999-12-31 23:59:59' "$s/plain.txt"
	touch -h -d '2001-02-03 04:05:06.5' "$s/link"
	touch -d '2010-06-01 12:00:00' "$s/dir/sub"
}

# Type, mode, owner, mtime and link target of everything under $1.
listing() {
	(cd "$1" && find . -path ./lost+found -prune -o \
		-printf '%p %y %m %U:%G %T@ %l\n' | grep -v '^\. ' | sort)
}

# One entry of tar -tvf: "MODE OWNER NAME[ -> TARGET]".
tv_line() {
	tar -tvf "$tmp/out.tar" | awk '{ o = $1 " " $2; for (i = 6; i <= NF; i++) o = o " " $i; print o }' |
		grep -Fx -- "$1"
}

mkdir -p "$tmp/src" "$tmp/ex"
make_tree "$tmp/src"
truncate -s 64M "$img"
if ! mkfs.ext4 -q -F "$img" >"$log" 2>&1 ||
   ! timeout $T "$cptofs" -i "$img" -t ext4 -p "$tmp/src/." / >"$log" 2>&1; then
	bad "ext4 image with the tree (cptofs -p)" "$(head -c 300 "$log")"
	summary
fi
ok "ext4 image with the tree (cptofs -p)"

check "fs2tar writes the archive" 0 "" -- \
	"$fs2tar" -t ext4 "$img" "$tmp/out.tar"
check "tar -tf reads it" 0 "" -- tar -tf "$tmp/out.tar"
names=$(tar -tf "$tmp/out.tar" 2>/dev/null | sed 's:/$::' | grep -v '^lost+found' | sort)
want=$(cd "$tmp/src" && find . -mindepth 1 | sed 's:^\./::' | sort)
if [ "$names" = "$want" ]; then
	ok "archive has every file, and only those"
else
	bad "archive has every file, and only those" \
		"$(diff <(echo "$want") <(echo "$names") | head -c 300)"
fi
if [ $root = 1 ]; then
	own_script=1234/5678 own_link=42/43
else
	own_script=$(id -u)/$(id -g) own_link=$own_script
fi
check "tar -tv: mode and owner of a script" 0 "" -- \
	tv_line "-rwxr-xr-x $own_script dir/script.sh"
check "tar -tv: private file" 0 "" -- \
	tv_line "-rw------- $(id -u)/$(id -g) dir/sub/private"
check "tar -tv: sticky directory" 0 "" -- \
	tv_line "drwxrwxrwt $(id -u)/$(id -g) empty-dir/"
check "tar -tv: symlink target and owner" 0 "" -- \
	tv_line "lrwxrwxrwx $own_link link -> dir/sub/private"
check "tar -tv: dangling symlink" 0 "" -- \
	tv_line "lrwxrwxrwx $(id -u)/$(id -g) dangling -> nowhere"

check "tar -x extracts it" 0 "" -- \
	tar -xpf "$tmp/out.tar" --numeric-owner -C "$tmp/ex"
check "extracted tree equals the source (diff -r)" 0 "" -- \
	diff -r --no-dereference -x lost+found "$tmp/src" "$tmp/ex"
if [ "$(listing "$tmp/src")" = "$(listing "$tmp/ex")" ]; then
	ok "types, modes, owners, mtimes and link targets kept"
else
	bad "types, modes, owners, mtimes and link targets kept" \
		"$(diff <(listing "$tmp/src") <(listing "$tmp/ex") | head -c 400)"
fi
check "fs2tar to standard output (-)" 0 "" -- sh -c \
	"'$fs2tar' -t ext4 '$img' - | tar -tf - | grep -qx 'dir/big.bin'"

# ---- Errors ----
check "missing image: error" nonzero "No such file" -- \
	"$fs2tar" -t ext4 "$tmp/nope.img" "$tmp/e1.tar"
check "missing image: no archive left" 0 "" -- test ! -e "$tmp/e1.tar"
truncate -s 8M "$tmp/blank.img"
check "no ext4 on it: error" nonzero "no ext4 filesystem" -- \
	"$fs2tar" -t ext4 "$tmp/blank.img" "$tmp/e2.tar"
check "unknown type: error" nonzero "unknown filesystem type" -- \
	"$fs2tar" -t nosuchfs "$img" "$tmp/e3.tar"
check "no partition 3: error" nonzero "no partition" -- \
	"$fs2tar" -t ext4 -P 3 "$img" "$tmp/e4.tar"
check "bad partition number: error" nonzero "bad partition" -- \
	"$fs2tar" -t ext4 -P x "$img" "$tmp/e5.tar"
check "no -t: error" nonzero "no filesystem type" -- \
	"$fs2tar" "$img" "$tmp/e6.tar"
check "unwritable output: error" nonzero "No such file" -- \
	"$fs2tar" -t ext4 "$img" "$tmp/no/such/dir/out.tar"
check "--help" 0 "Usage" -- "$fs2tar" --help

summary
