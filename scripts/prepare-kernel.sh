#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Obtain a Linux 6.12 tree and place LKL's arch/lkl in it.
# Usage: scripts/prepare-kernel.sh LKL_TOP SRC_DIR [KERNEL_SRC]
#
# With KERNEL_SRC, that tree is used in place (an arch/lkl symlink is
# added to it).  Otherwise Debian's linux-source-6.12 tarball is unpacked
# into SRC_DIR (installed with apt-get first when missing and root).
# Patches in LKL_TOP/patches/*.patch are applied once, in name order.
# Prints the path of the prepared tree on stdout.
set -eu

top=$1
srcdir=$2
ksrc=${3:-}
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n 1 || true)

die() {
	echo "prepare-kernel: $*" >&2
	exit 1
}

check_version() {
	v=$(sed -n 's/^VERSION = //p' "$1/Makefile")
	p=$(sed -n 's/^PATCHLEVEL = //p' "$1/Makefile")
	[ "$v.$p" = "6.12" ] || die "$1 is Linux $v.$p, LKL needs 6.12"
}

if [ -n "$ksrc" ]; then
	[ -f "$ksrc/Makefile" ] || die "KERNEL_SRC=$ksrc is not a kernel tree"
	tree=$(cd "$ksrc" && pwd)
else
	if [ -z "$tarball" ]; then
		"$top/scripts/install-deps.sh" build >&2 ||
			die "no /usr/src/linux-source-6.12.tar.xz; install the Debian package linux-source-6.12 (as root: apt-get install linux-source-6.12) or give KERNEL_SRC=/path/to/linux-6.12"
		tarball=$(ls /usr/src/linux-source-6.12.tar.* | head -n 1)
	fi
	tree=$srcdir/linux-source-6.12
	if [ ! -f "$tree/.lkl-unpacked" ] || [ "$tarball" -nt "$tree/.lkl-unpacked" ]; then
		echo "Unpacking $tarball into $srcdir" >&2
		rm -rf "$tree"
		mkdir -p "$srcdir"
		tar -xf "$tarball" -C "$srcdir"
		touch "$tree/.lkl-unpacked"
	fi
fi

check_version "$tree"

# Our arch: a link, so edits in the LKL tree are built at once.
if [ -L "$tree/arch/lkl" ]; then
	[ "$(readlink "$tree/arch/lkl")" = "$top/arch/lkl" ] ||
		ln -sfn "$top/arch/lkl" "$tree/arch/lkl"
elif [ -e "$tree/arch/lkl" ]; then
	die "$tree/arch/lkl exists and is not LKL's link; remove it"
else
	ln -s "$top/arch/lkl" "$tree/arch/lkl"
fi

# Generic kernel changes, each documented in patches/README.
for p in "$top"/patches/*.patch; do
	[ -e "$p" ] || continue
	stamp="$tree/.lkl-applied-$(basename "$p")"
	[ -e "$stamp" ] && continue
	patch -d "$tree" -p1 -N -s < "$p" || die "cannot apply $p"
	touch "$stamp"
done

echo "$tree"
