#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that building and testing LKL needs.
# Usage: scripts/install-deps.sh [build|test|cross|all]   (default: all)
# cross: the cross compilers and C libraries for arm64, arm (hard-float)
# and i386, and qemu-user to run their tests.
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

case "$what" in
build) pkgs=$build_pkgs ;;
test) pkgs="$build_pkgs $test_pkgs" ;;
cross) pkgs="$build_pkgs $cross_pkgs" ;;
all) pkgs="$build_pkgs $test_pkgs $cross_pkgs" ;;
*) echo "usage: $0 [build|test|cross|all]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

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
