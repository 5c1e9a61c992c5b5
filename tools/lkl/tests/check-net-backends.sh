#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-net-backends.sh [BINDIR] - LKL on the raw (lkl_netdev_add_raw())
# and macvtap (lkl_netdev_add_macvtap()) backends against the host's
# network stack, all inside two private network namespaces
# (netns-lib.sh): LKL's holds lklv0, one end of a veth pair whose other
# end, lklv1, is the peer's (10.77.0.2/24, fd77::2/64, a native python3
# server).  BINDIR/net-tap (default $LKL_BINDIR) runs in LKL's namespace,
# as 10.77.0.1/24 and fd77::1/64, with each backend once without offloads
# and once with all of them (0x9983): the checks of an interface from
# before boot (bad names and paths), ICMP both ways, 256 MiB of TCP each
# way and 16 MiB over IPv6 checked by CRC-32, one UDP datagram each way,
# and the frame sizes LKL's device carried (over the MTU only with
# TSO/LRO).
#
#   raw      an AF_PACKET socket on lklv0 itself.  The host hands a
#            packet socket frames as it has them: the peer's TSO segments
#            of up to 64 KiB with partial checksums, which the backend
#            cuts (and the device checksums) in the run without offloads.
#   macvtap  lklmvt0, a macvtap on lklv0 (mode bridge): first by name
#            (/dev/tap<ifindex>, when that node is this namespace's), then
#            through a node made here from its sysfs device number.
#
# Skipped, with the reason, when not root or without ip, ping or python3;
# the macvtap runs are skipped when the host cannot make a macvtap.  One "ok"/"FAIL"/"skip" line per check, then "N passed,
# N failed[, N skipped]".

set -u

. "$(dirname "$0")/harness.sh"
. "$(dirname "$0")/netns-lib.sh"
ALL=0x9983		# LKL_NETDEV_OFFLOAD_ALL

netns_init net-backends "${1:-${LKL_BINDIR:-}}"
netns_setup
netns_server

# ---- raw ----
run_lkl raw lklv0 0
run_lkl raw lklv0 $ALL

# ---- macvtap ----
if ! ip -n "$lns" link add link lklv0 name lklmvt0 type macvtap mode bridge \
	>"$tmp/macvtap.log" 2>&1; then
	echo "skip - macvtap: the host cannot make one: $(tr '\n' ' ' <"$tmp/macvtap.log")"
	skip=$((skip + 1))
	netns_done
fi
ip -n "$lns" link set lklmvt0 up
ifindex=$(ip netns exec "$lns" cat /sys/class/net/lklmvt0/ifindex)
devno=$(ip netns exec "$lns" cat "/sys/class/net/lklmvt0/macvtap/tap$ifindex/dev")
if [ -z "$devno" ]; then
	bad "macvtap lklmvt0's device number in sysfs" "none"
	netns_done
fi
ok "macvtap lklmvt0 on lklv0, device $devno"

# By name: the library opens /dev/tap<ifindex>, which is ours unless a
# macvtap of that ifindex in another namespace made it first.
node_dev=$(stat -c '%t:%T' "/dev/tap$ifindex" 2>/dev/null)
if [ "$node_dev" = "$(printf '%x:%x' "${devno%:*}" "${devno#*:}")" ]; then
	run_lkl macvtap lklmvt0 0
else
	echo "skip - macvtap by name: /dev/tap$ifindex is not lklmvt0's (${node_dev:-missing})"
	skip=$((skip + 1))
	mknod "$tmp/tap" c "${devno%:*}" "${devno#*:}"
	run_lkl macvtap "$tmp/tap" 0
fi
[ -e "$tmp/tap" ] || mknod "$tmp/tap" c "${devno%:*}" "${devno#*:}"
run_lkl macvtap "$tmp/tap" $ALL

netns_done
