#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-net-tap.sh [BINDIR] - LKL on a TAP device (lkl_netdev_add_tap())
# against the host's network stack, all inside two private network
# namespaces (netns-lib.sh).
#
# In LKL's namespace: a persistent TAP lkltap0 and lklv0, one end of a
# veth pair, both on a bridge (no address on the host side: 10.77.0.1/24
# and fd77::1/64 are LKL's, in LKL's kernel).  In the peer's: the veth's
# other end, 10.77.0.2/24 and fd77::2/64, and a native server (python3)
# for TCP and UDP.  BINDIR/net-tap (default $LKL_BINDIR) runs in LKL's
# namespace, once without offloads and once with all of them (0x9983):
# ICMP both ways, 256 MiB of TCP each way and 16 MiB over IPv6 checked by
# CRC-32, one UDP datagram each way, and the frame sizes LKL's device
# carried (over the MTU only with TSO/LRO: large segments).  Skipped,
# with the reason, when not root or without /dev/net/tun, ip, ping or
# python3.  One "ok"/"FAIL"/"skip" line per check, then "N passed,
# N failed[, N skipped]".

set -u

. "$(dirname "$0")/harness.sh"
. "$(dirname "$0")/netns-lib.sh"
OFFLOADS="0 0x9983"	# none; LKL_NETDEV_OFFLOAD_ALL

[ -c /dev/net/tun ] || { echo "skip - net-tap: no /dev/net/tun"; skip=1; summary; }
netns_init net-tap "${1:-${LKL_BINDIR:-}}"
netns_cleanup() { ip -n "$lns" link del lkltap0 2>/dev/null; }
netns_setup

if ! {
	ip -n "$lns" tuntap add dev lkltap0 mode tap &&
	ip -n "$lns" link add lklbr0 type bridge forward_delay 0 stp_state 0 &&
	ip -n "$lns" link set lkltap0 master lklbr0 &&
	ip -n "$lns" link set lklv0 master lklbr0 &&
	ip -n "$lns" link set lkltap0 up &&
	ip -n "$lns" link set lklbr0 up
} >"$tmp/tap.log" 2>&1; then
	bad "TAP and bridge set up" "$(tr '\n' ' ' <"$tmp/tap.log")"
	summary
fi
ok "TAP lkltap0 and lklv0 on bridge lklbr0"

netns_server
for offload in $OFFLOADS; do
	run_lkl tap lkltap0 "$offload"
done
netns_done
