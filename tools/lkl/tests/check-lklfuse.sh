#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-lklfuse.sh [BINDIR] - lklfuse on an ext4 image.
#
# BINDIR (default $LKL_BINDIR, as run-tests.sh exports it) holds lklfuse
# and cpfromfs.  A fresh ext4 image is mounted with lklfuse -f in the
# background; a tree (files, a directory, a symlink, a 4 MiB file) is
# written through the mount and read back, then renamed, truncated,
# chmod'ed, given extended attributes (python3) and listed; after fusermount3 -u and lklfuse's exit,
# cpfromfs must find the same bytes in the image and e2fsck -fn must
# find it clean.  A read-only mount must refuse writes, and a missing
# image or a wrong type must fail with a message.  Skipped (with the
# reason) when /dev/fuse or fusermount3 is missing.  One
# "ok"/"FAIL"/"skip" line per check, then "N passed, N failed[, N skipped]".

set -u

bindir=${1:-${LKL_BINDIR:-}}
. "$(dirname "$0")/harness.sh"
T=60			# seconds for any one step


if [ -z "$bindir" ] || [ ! -x "$bindir/lklfuse" ] || [ ! -e "$bindir/cpfromfs" ]; then
	bad "lklfuse and cpfromfs built" "not found in '${bindir}'"
	summary
fi
lklfuse=$bindir/lklfuse
cpfromfs=$bindir/cpfromfs
# A cross build's programs run under $LKL_RUN (qemu-user); empty natively.
read -ra run <<<"${LKL_RUN:-}"
PATH=$PATH:/sbin:/usr/sbin
if [ ! -c /dev/fuse ]; then
	echo "skip - lklfuse: /dev/fuse is missing"
	skip=1
	summary
fi
if ! command -v fusermount3 >/dev/null; then
	echo "skip - lklfuse: no fusermount3 (Debian package fuse3)"
	skip=1
	summary
fi
if ! command -v mkfs.ext4 >/dev/null; then
	echo "skip - lklfuse: no mkfs.ext4 (e2fsprogs)"
	skip=1
	summary
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-fuse-XXXXXX")
mnt=$tmp/mnt
img=$tmp/ext4.img
log=$tmp/log
pid=

cleanup() {
	if mountpoint -q "$mnt" 2>/dev/null; then
		fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" 2>/dev/null
	fi
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		sleep 1
		kill "$pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# check NAME WANT-STATUS [MESSAGE-PATTERN] -- command...
check() {
	local name=$1 want=$2 pat=$3 rc
	shift 4
	timeout $T "$@" >"$log" 2>&1
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

# Starts lklfuse -f in the background and waits for the mount.
mount_fuse() {
	local i
	"${run[@]}" "$lklfuse" "$img" "$mnt" -f -o "$1" >"$tmp/fuse.log" 2>&1 &
	pid=$!
	for i in $(seq $((T * 10))); do
		mountpoint -q "$mnt" && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	bad "lklfuse mounts ($1)" "not mounted: $(head -c 300 "$tmp/fuse.log")"
	return 1
}

# Unmounts and waits (bounded) for lklfuse to exit; its status must be 0.
umount_fuse() {
	local i rc
	if ! timeout $T fusermount3 -u "$mnt" >"$log" 2>&1; then
		bad "fusermount3 -u" "$(head -c 300 "$log")"
		return 1
	fi
	for i in $(seq $((T * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		bad "lklfuse exits after fusermount3 -u" "still running after ${T}s"
		return 1
	fi
	wait "$pid"
	rc=$?
	pid=
	if [ $rc -ne 0 ]; then
		bad "lklfuse exits after fusermount3 -u" "status $rc: $(head -c 300 "$tmp/fuse.log")"
		return 1
	fi
	ok "lklfuse exits cleanly after fusermount3 -u"
}

make_tree() {
	local s=$1
	mkdir -p "$s/dir/sub"
	echo "hello" >"$s/hello.txt"
	printf '#!/bin/sh\necho hi\n' >"$s/dir/script.sh"
	echo "nested" >"$s/dir/sub/nested"
	: >"$s/empty"
	head -c $((4 * 1024 * 1024)) /dev/urandom >"$s/dir/big.bin"
	ln -s dir/sub/nested "$s/link"
	chmod 0755 "$s/dir/script.sh"
	chmod 0600 "$s/dir/sub/nested"
}

mkdir -p "$mnt" "$tmp/src" "$tmp/out"
make_tree "$tmp/src"
truncate -s 64M "$img"
if ! mkfs.ext4 -q -F "$img" >"$log" 2>&1; then
	bad "ext4 image made" "$(head -c 300 "$log")"
	summary
fi
ok "ext4 image made"

# ---- Read-write ----
if mount_fuse type=ext4; then
	ok "lklfuse -f mounts the image"
	check "tree written through the mount" 0 "" -- \
		cp -a "$tmp/src/." "$mnt/"
	check "read back identical" 0 "" -- \
		diff -r -x lost+found "$tmp/src" "$mnt"
	check "symlink target" 0 "" -- \
		test "$(readlink "$mnt/link")" = dir/sub/nested
	check "modes kept" 0 "" -- \
		test "$(stat -c %a "$mnt/dir/script.sh" "$mnt/dir/sub/nested" | tr '\n' ' ')" = "755 600 "
	check "rename and rmdir" 0 "" -- sh -c \
		"mkdir '$mnt/gone' && rmdir '$mnt/gone' && echo moved >'$mnt/tmpfile' && mv '$mnt/tmpfile' '$mnt/moved'"
	check "truncate and append" 0 "" -- sh -c \
		"truncate -s 3 '$mnt/moved' && echo x >>'$mnt/moved' && test \"\$(cat '$mnt/moved')\" = 'movx'"
	check "unlink" 0 "" -- sh -c "echo 1 >'$mnt/del' && rm '$mnt/del' && test ! -e '$mnt/del'"
	check "chmod and touch -d" 0 "" -- sh -c \
		"chmod 0640 '$mnt/empty' && touch -d '2001-02-03 04:05:06' '$mnt/empty' && test \"\$(stat -c '%a %Y' '$mnt/empty')\" = '640 981173106'"
	check "statfs (df)" 0 "" -- df "$mnt"
	check "xattrs: set, get, list, remove" 0 "" -- python3 -c "
import os, sys
f = sys.argv[1]
os.setxattr(f, 'user.color', b'blue')
assert os.getxattr(f, 'user.color') == b'blue'
assert 'user.color' in os.listxattr(f)
os.removexattr(f, 'user.color')
assert 'user.color' not in os.listxattr(f)
os.setxattr(f, 'user.kept', b'yes')
" "$mnt/hello.txt"
	check "missing file is ENOENT" nonzero "No such file" -- cat "$mnt/not-there"
	umount_fuse
fi

# ---- In the image ----
check "cpfromfs reads the tree from the image" 0 "" -- \
	"${run[@]}" "$cpfromfs" -i "$img" -t ext4 /hello.txt /empty /dir /link /moved "$tmp/out"
check "image holds the same bytes" 0 "" -- sh -c \
	"diff -r '$tmp/src/dir' '$tmp/out/dir' && cmp '$tmp/src/hello.txt' '$tmp/out/hello.txt' && test -f '$tmp/out/empty' && test ! -s '$tmp/out/empty' && test \"\$(cat '$tmp/out/moved')\" = movx"
check "symlink in the image" 0 "" -- \
	test "$(readlink "$tmp/out/link")" = dir/sub/nested
if command -v e2fsck >/dev/null; then
	check "e2fsck -fn: image clean" 0 "" -- e2fsck -fn "$img"
else
	echo "skip - e2fsck: not installed"
	skip=$((skip + 1))
fi

# ---- Read-only ----
if mount_fuse type=ext4,ro; then
	ok "lklfuse -o ro mounts the image"
	check "read-only: reads work" 0 "" -- cmp "$tmp/src/hello.txt" "$mnt/hello.txt"
	check "xattr kept in the image" 0 "" -- python3 -c "
import os, sys
assert os.getxattr(sys.argv[1], 'user.kept') == b'yes'
" "$mnt/hello.txt"
	check "read-only: write refused" nonzero "Read-only" -- \
		sh -c "echo no >'$mnt/newfile'"
	check "read-only: mkdir refused" nonzero "Read-only" -- mkdir "$mnt/newdir"
	umount_fuse
fi

# ---- Errors ----
check "missing image: error" nonzero "No such file" -- \
	"${run[@]}" "$lklfuse" "$tmp/nope.img" "$mnt" -f -o type=ext4
truncate -s 8M "$tmp/blank.img"
check "no ext4 on it: error" nonzero "no ext4 filesystem" -- \
	"${run[@]}" "$lklfuse" "$tmp/blank.img" "$mnt" -f -o type=ext4
check "unknown type: error" nonzero "unknown filesystem type" -- \
	"${run[@]}" "$lklfuse" "$img" "$mnt" -f -o type=nosuchfs
check "no type: error" nonzero "type=TYPE" -- "${run[@]}" "$lklfuse" "$img" "$mnt" -f
check "--help" 0 "type=TYPE" -- "${run[@]}" "$lklfuse" --help
check "background mode: error reaches the caller" nonzero "No such file" -- \
	"${run[@]}" "$lklfuse" "$tmp/nope.img" "$mnt" -o type=ext4

summary
