#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-cptofs.sh [BINDIR] - cptofs and cpfromfs on an ext4 image.
#
# BINDIR (default $LKL_BINDIR, as run-tests.sh exports it) holds cptofs
# and cpfromfs.  A tree (files of various modes, an empty one, a 5 MiB
# one, a name with spaces, a symlink, nested directories) goes into a
# fresh ext4 image with cptofs -p and back out with cpfromfs -p; the copy
# must be byte-identical (diff -r) with the same types, modes, owners,
# mtimes and link targets (a find listing).  Then the error cases: each
# must exit non-zero and say why.  Needs mkfs.ext4 (e2fsprogs); without it
# everything is skipped.  One "ok"/"FAIL"/"skip" line per check, then
# "N passed, N failed[, N skipped]".

set -u

bindir=${1:-${LKL_BINDIR:-}}
. "$(dirname "$0")/harness.sh"


if [ -z "$bindir" ] || [ ! -x "$bindir/cptofs" ] || [ ! -e "$bindir/cpfromfs" ]; then
	bad "cptofs and cpfromfs built" "not found in '${bindir}'"
	summary
fi
cptofs=$bindir/cptofs
cpfromfs=$bindir/cpfromfs
PATH=$PATH:/sbin:/usr/sbin
mkfs=$(command -v mkfs.ext4)
fsck=$(command -v e2fsck)
if [ -z "$mkfs" ]; then
	echo "skip - cptofs round trip: no mkfs.ext4 (e2fsprogs)"
	skip=1
	summary
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-cptofs-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
img=$tmp/ext4.img
log=$tmp/log

# check NAME WANT-STATUS [MESSAGE-PATTERN] -- command...
# WANT-STATUS "0" or "nonzero"; the pattern is looked for in stderr.
check() {
	local name=$1 want=$2 pat=$3 rc
	shift 4
	"$@" >"$log" 2>&1
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

# The tree to copy.
make_tree() {
	local s=$1
	mkdir -p "$s/dir/sub/deeper" "$s/empty-dir" "$s/ro-dir"
	echo "plain" >"$s/plain.txt"
	printf '#!/bin/sh\necho hi\n' >"$s/dir/script.sh"
	echo "secret" >"$s/dir/sub/private"
	echo "read only" >"$s/dir/sub/deeper/readonly"
	echo "in a read-only dir" >"$s/ro-dir/inside"
	: >"$s/empty"
	echo "spaces" >"$s/name with spaces"
	head -c $((5 * 1024 * 1024)) /dev/urandom >"$s/dir/big.bin"
	ln -s dir/sub/private "$s/link-to-file"
	ln -s ../.. "$s/dir/sub/link-up"
	ln -s nowhere "$s/dangling"
	chmod 0644 "$s/plain.txt"
	chmod 0755 "$s/dir/script.sh"
	chmod 0600 "$s/dir/sub/private"
	chmod 0444 "$s/dir/sub/deeper/readonly"
	chmod 0640 "$s/dir/big.bin"
	chmod 0750 "$s/dir/sub"
	chmod 0555 "$s/ro-dir"
	chmod 1777 "$s/empty-dir"
	touch -h -d '2001-02-03 04:05:06.123456789' "$s/link-to-file"
	touch -d '1999-12-31 23:59:59' "$s/plain.txt" "$s/dir/sub/deeper"
	touch -d '2010-06-01 12:00:00.5' "$s/dir"
}

# Type, mode, owner, mtime (ns) and link target of everything under $1.
listing() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %T@ %l\n' | sort)
}

mkdir -p "$tmp/src/tree" "$tmp/out"
make_tree "$tmp/src/tree"
truncate -s 64M "$img"
if ! "$mkfs" -q -F "$img" >"$log" 2>&1; then
	bad "ext4 image made" "$(head -c 300 "$log")"
	summary
fi
ok "ext4 image made"

# ---- Round trip ----
check "cptofs -p: tree into the image" 0 "" -- \
	"$cptofs" -i "$img" -t ext4 -p "$tmp/src/tree" /
if [ -n "$fsck" ]; then
	check "e2fsck -fn: image clean after cptofs" 0 "" -- \
		"$fsck" -fn "$img"
fi
check "cpfromfs -p: tree out of the image" 0 "" -- \
	"$cpfromfs" -i "$img" -t ext4 -p /tree "$tmp/out"
if diff -r --no-dereference "$tmp/src/tree" "$tmp/out/tree" >"$log" 2>&1; then
	ok "round trip: contents identical (diff -r)"
else
	bad "round trip: contents identical (diff -r)" "$(head -c 500 "$log")"
fi
if diff <(listing "$tmp/src/tree") <(listing "$tmp/out/tree") >"$log"; then
	ok "round trip: types, modes, owners, mtimes and links identical"
else
	bad "round trip: types, modes, owners, mtimes and links identical" \
		"$(head -c 800 "$log")"
fi
if cmp -s "$tmp/src/tree/dir/big.bin" "$tmp/out/tree/dir/big.bin"; then
	ok "5 MiB file byte-identical"
else
	bad "5 MiB file byte-identical" "differs"
fi
if [ -L "$tmp/out/tree/link-to-file" ] &&
   [ "$(readlink "$tmp/out/tree/link-to-file")" = dir/sub/private ]; then
	ok "symlink copied as a symlink"
else
	bad "symlink copied as a symlink" "not a symlink, or wrong target"
fi
check "cptofs: second source into an existing directory" 0 "" -- \
	"$cptofs" -i "$img" -t ext4 "$tmp/src/tree/plain.txt" /tree/dir
check "cptofs: one file to a new name" 0 "" -- \
	"$cptofs" -i "$img" -t ext4 "$tmp/src/tree/plain.txt" /renamed.txt
mkdir -p "$tmp/out2"
check "cpfromfs: several sources into a directory" 0 "" -- \
	"$cpfromfs" -i "$img" -t ext4 /renamed.txt /tree/dir/plain.txt "$tmp/out2"
if cmp -s "$tmp/src/tree/plain.txt" "$tmp/out2/renamed.txt" &&
   cmp -s "$tmp/src/tree/plain.txt" "$tmp/out2/plain.txt"; then
	ok "cpfromfs: files copied under their names"
else
	bad "cpfromfs: files copied under their names" "missing or different"
fi

# ---- Errors ----
check "missing image: non-zero, path named" nonzero "$tmp/no.img" -- \
	"$cptofs" -i "$tmp/no.img" -t ext4 "$tmp/src/tree" /
check "wrong filesystem type: non-zero, says so" nonzero "no vfat filesystem" -- \
	"$cptofs" -i "$img" -t vfat "$tmp/src/tree" /
check "unknown filesystem type: non-zero" nonzero "unknown filesystem type" -- \
	"$cpfromfs" -i "$img" -t nosuchfs /tree "$tmp/out"
check "cptofs: missing source: non-zero, named" nonzero "no-such-file" -- \
	"$cptofs" -i "$img" -t ext4 "$tmp/no-such-file" /
check "cpfromfs: missing source: non-zero, named" nonzero "no-such-file" -- \
	"$cpfromfs" -i "$img" -t ext4 /no-such-file "$tmp/out"
check "several sources, target not a directory: non-zero" nonzero "not a directory" -- \
	"$cptofs" -i "$img" -t ext4 "$tmp/src/tree/plain.txt" "$tmp/src/tree/empty" /renamed.txt
check "no partition 2: non-zero" nonzero "no partition" -- \
	"$cptofs" -i "$img" -t ext4 -P 2 "$tmp/src/tree/plain.txt" /
check "bad partition number: non-zero" nonzero "partition" -- \
	"$cptofs" -i "$img" -t ext4 -P 0 "$tmp/src/tree/plain.txt" /
check "no image option: non-zero" nonzero "-i" -- \
	"$cptofs" -t ext4 "$tmp/src/tree" /
check "no destination: non-zero" nonzero "DST" -- \
	"$cptofs" -i "$img" -t ext4 "$tmp/src/tree"
check "--help: usage, status 0" 0 "Usage: cptofs" -- "$cptofs" --help
check "cpfromfs --help: its own usage" 0 "Usage: cpfromfs" -- "$cpfromfs" --help
if [ -n "$fsck" ]; then
	check "e2fsck -fn: image clean after everything" 0 "" -- \
		"$fsck" -fn "$img"
fi

# ---- No root needed ----
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir "$tmp/user"
	cp "$img" "$tmp/user/ext4.img"
	echo "from an unprivileged user" >"$tmp/user/file.txt"
	chown -R 65534:65534 "$tmp/user"
	chmod 0755 "$tmp"
	check "as an unprivileged user: cptofs and cpfromfs" 0 "" -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c "'$cptofs' -i '$tmp/user/ext4.img' -t ext4 '$tmp/user/file.txt' /user.txt &&
		       '$cpfromfs' -i '$tmp/user/ext4.img' -t ext4 /user.txt '$tmp/user/back.txt' &&
		       cmp '$tmp/user/file.txt' '$tmp/user/back.txt'"
else
	[ "$(id -u)" = 0 ] && { echo "skip - as an unprivileged user: no setpriv"; skip=$((skip + 1)); }
	[ "$(id -u)" != 0 ] && ok "run without root (this whole test)"
fi

summary
