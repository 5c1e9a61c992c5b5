#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that building and testing LKL needs.
# Usage: scripts/install-deps.sh [build|test|cross|all]   (default: all)
# cross: the cross compilers and C libraries for arm64, arm (hard-float)
# and i386, and qemu-user to run their tests; then, for arm64, Debian's
# multiarch libcjson-dev and libfuse3-dev (dpkg --add-architecture),
# which give its cross build the JSON configuration and lklfuse.  armhf
# and i386 are not tried: their multiarch packages could not be
# installed where this was written (the mirror's bookworm-security
# indexes for them), so those builds were never verified with them, and
# CI should not be the first to (Documentation/lkl/building.rst).  An
# architecture whose packages cannot be installed is named with apt's
# reason and removed again; its cross build leaves those two out.
# Must run as root (it calls apt-get); prints what to install otherwise.
set -eu

what=${1:-all}

build_pkgs="make gcc libc6-dev binutils flex bison bc python3 ccache
	linux-source-6.12 xz-utils libfuse3-dev fuse3 libarchive-dev pkg-config
	libcjson-dev"
test_pkgs="procps e2fsprogs dosfstools btrfs-progs xfsprogs iproute2 iputils-ping
	musl-tools iperf3 curl socat nginx-light dnsmasq-base nftables mptcpd"

cross_pkgs="gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
	gcc-i686-linux-gnu libc6-dev-i386-cross qemu-user"
cross_arches="arm64"
cross_libs="libcjson-dev libfuse3-dev"

case "$what" in
build) pkgs=$build_pkgs ;;
test) pkgs="$build_pkgs $test_pkgs" ;;
cross) pkgs="$build_pkgs $cross_pkgs" ;;
all) pkgs="$build_pkgs $test_pkgs $cross_pkgs" ;;
*) echo "usage: $0 [build|test|cross|all]" >&2; exit 2 ;;
esac

# installed PKG: true when PKG (name[:arch]) is installed.
installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# multiarch ARCH: the cross libraries for ARCH; 1 when they are not there.
multiarch() {
	libs=""
	for p in $cross_libs; do
		installed "$p:$1" || libs="$libs $p:$1"
	done
	[ -z "$libs" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "Cross builds for $1 want:$libs (as root: dpkg --add-architecture $1; apt-get update; apt-get install --no-install-recommends$libs)" >&2
		return 1
	fi
	echo "Installing:$libs"
	log=$(mktemp)
	dpkg --add-architecture "$1"
	# shellcheck disable=SC2086  # words on purpose
	if apt-get update -q >"$log" 2>&1 &&
	   DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $libs >>"$log" 2>&1; then
		rm -f "$log"
		return 0
	fi
	echo "install-deps: cannot install$libs; cross builds for $1 leave out the JSON configuration and lklfuse. apt said:" >&2
	grep -E '^(E|W):' "$log" | head -5 >&2
	rm -f "$log"
	# Without $1 (nothing of it got installed), apt-get update works again.
	if ! dpkg --remove-architecture "$1" ||
	   ! apt-get update -q >/dev/null 2>&1; then
		echo "install-deps: $1 stays a dpkg architecture; apt-get update fails until its index downloads or dpkg --remove-architecture $1" >&2
	fi
	return 1
}

# cross_multiarch: multiarch for each cross architecture (cross, all).
cross_multiarch() {
	case "$what" in
	cross|all)
		for a in $cross_arches; do
			multiarch "$a" || :
		done ;;
	esac
}

missing=""
for p in $pkgs; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && { cross_multiarch; exit 0; }

if [ "$(id -u)" != 0 ]; then
	echo "LKL needs these Debian packages:$missing" >&2
	echo "Install them as root: apt-get install$missing" >&2
	exit 1
fi
echo "Installing:$missing"
# nginx-light starts its service when installed: tests run nginx of their
# own, and a service that cannot start (port 80 taken, no init in a
# container) would fail the install.  A policy-rc.d, which invoke-rc.d and
# deb-systemd-invoke obey, forbids starting any while apt-get runs (one
# the system has already is left as it is).
policy=/usr/sbin/policy-rc.d
if [ ! -e $policy ]; then
	trap 'rm -f $policy' EXIT
	printf '#!/bin/sh\nexit 101\n' >$policy
	chmod 755 $policy
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
cross_multiarch
