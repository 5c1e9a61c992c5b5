#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-net-dhcp.sh [BINDIR] - LKL's DHCP client (lkl_dhcp_*()), SLAAC,
# and MPTCP endpoints following a leased address, against dnsmasq and
# the host kernel's MPTCP, inside two private network namespaces
# (netns-lib.sh).
#
# LKL's namespace has two TAPs, each on a bridge with one end of a veth
# pair: path A (lkltap0, lklv0 - lklv1: 10.77.0.2/24, fd77::2/64 in the
# peer namespace) and path B (lkltap1, lklv2 - lklv3: 10.78.0.2/24,
# fd78::2/64).  In the peer namespace one dnsmasq per path leases
# addresses (A: 10.77.0.50-60, B: 10.78.0.100-110; 2 minutes, T1 10 s,
# T2 20 s) and advertises the IPv6 prefix (SLAAC), and python3 echoes
# over MPTCP on 10.77.0.2:6000 and over TCP on [fd77::2]:6001.
# BINDIR/net-dhcp (net-dhcp.c) runs in LKL's namespace and makes the
# checks; through peer.sh it moves B's range twice (a new dnsmasq, which
# NAKs the old address), reads the server's MPJoinSynRx, and drops DHCP
# unicast to A's server for a while (nft), to see a lease rebound.
# Then dnsmasq's logs must show the renewals, the NAKs and B's release.
# Skipped, with the reason, when not root, without /dev/net/tun,
# dnsmasq, ip, python3, or MPTCP in the host kernel.

set -u

. "$(dirname "$0")/harness.sh"
. "$(dirname "$0")/netns-lib.sh"

[ -c /dev/net/tun ] || { echo "skip - net-dhcp: no /dev/net/tun"; skip=1; summary; }
netns_init net-dhcp "${1:-${LKL_BINDIR:-}}" dnsmasq
if [ ! -x "$bindir/net-dhcp" ]; then
	bad "net-dhcp built" "not found in '$bindir'"
	summary
fi
if [ "$(sysctl -n net.mptcp.enabled 2>/dev/null)" != 1 ]; then
	echo "skip - net-dhcp: the host kernel has no MPTCP (net.mptcp.enabled)"
	skip=1
	summary
fi
netns_cleanup() {
	local p
	for p in "$tmp"/dnsmasq-*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	ip -n "$lns" link del lkltap0 2>/dev/null
	ip -n "$lns" link del lkltap1 2>/dev/null
}
netns_setup

# Path B, and both TAPs on their bridges.
if ! {
	ip -n "$lns" link add lklv2 type veth peer name lklv3 &&
	ip -n "$lns" link set lklv3 netns "$pns" &&
	ip -n "$lns" link set lklv2 up &&
	ip -n "$pns" addr add 10.78.0.2/24 dev lklv3 &&
	ip -n "$pns" addr add fd78::2/64 dev lklv3 nodad &&
	ip -n "$pns" link set lklv3 up &&
	ip -n "$pns" mptcp limits set subflows 4 add_addr_accepted 0
} >"$tmp/paths.log" 2>&1; then
	bad "path B and the peer's MPTCP limits set up" "$(tr '\n' ' ' <"$tmp/paths.log")"
	summary
fi
ok "path B and the peer's MPTCP limits set up"
netns_tap "$lns" lkltap0 lklbr0 lklv0
netns_tap "$lns" lkltap1 lklbr1 lklv2

# dnsmasq NAME IFACE V4RANGE V6PREFIX: one DHCP server and router
# advertiser on IFACE, its lease file and log in $tmp.
dnsmasq_start() {
	rm -f "$tmp/dnsmasq-$1.leases"
	ip netns exec "$pns" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--port=0 --interface="$2" --bind-interfaces \
		--dhcp-range="$3,255.255.255.0,2m" \
		--dhcp-option=option:T1,10 --dhcp-option=option:T2,20 \
		--enable-ra --dhcp-range="$4,ra-only,64" \
		--dhcp-authoritative --log-dhcp \
		--dhcp-leasefile="$tmp/dnsmasq-$1.leases" \
		--log-facility="$tmp/dnsmasq-$1.log" \
		--pid-file="$tmp/dnsmasq-$1.pid" --user=root --group=root \
		>>"$tmp/dnsmasq-$1.out" 2>&1 &
	for _ in $(seq 50); do
		[ -s "$tmp/dnsmasq-$1.pid" ] && return 0
		kill -0 $! 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

dnsmasq_stop() {
	local pid
	pid=$(cat "$tmp/dnsmasq-$1.pid" 2>/dev/null) || return 1
	kill "$pid" && while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	rm -f "$tmp/dnsmasq-$1.pid"
}

if dnsmasq_start a lklv1 10.77.0.50,10.77.0.60 fd77:: &&
	dnsmasq_start b lklv3 10.78.0.100,10.78.0.110 fd78::; then
	ok "dnsmasq serving paths A and B"
else
	bad "dnsmasq serving paths A and B" "$(cat "$tmp"/dnsmasq-*.out | tr '\n' ' ')"
	summary
fi

# The native server: echo over MPTCP (IPv4) and over TCP (IPv6).
netns_server '
import socket, sys, threading
def serve(s):
    while True:
        c, _ = s.accept()
        threading.Thread(target=echo, args=(c,), daemon=True).start()
def echo(c):
    while True:
        d = c.recv(65536)
        if not d: break
        c.sendall(d)
    c.close()
m = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
m.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
m.bind(("10.77.0.2", 6000)); m.listen(4)
t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("fd77::2", 6001)); t.listen(4)
threading.Thread(target=serve, args=(t,), daemon=True).start()
open(sys.argv[1], "w").close()
serve(m)
'

# What net-dhcp asks of the peer's side.
cat >"$tmp/peer.sh" <<PEER
#!/bin/bash
pns=$pns tmp=$tmp
$(declare -f dnsmasq_start dnsmasq_stop)
case "\$1" in
range2) dnsmasq_stop b && dnsmasq_start b lklv3 10.78.0.150,10.78.0.160 fd78:: && echo 0 ;;
range3) dnsmasq_stop b && dnsmasq_start b lklv3 10.78.0.200,10.78.0.210 fd78:: && echo 0 ;;
block) ip netns exec "\$pns" nft -f - <<NFT && echo 0 ;;
table inet lkldhcp {
	chain input {
		type filter hook input priority 0;
		ip daddr 10.77.0.2 udp dport 67 drop
	}
}
NFT
unblock) ip netns exec "\$pns" nft delete table inet lkldhcp && echo 0 ;;
joins) ip netns exec "\$pns" awk '/^MPTcpExt:/ { if (!n) { for (i = 2; i <= NF; i++) if (\$i == "MPJoinSynRx") c = i; n = 1 } else print \$c }' /proc/net/netstat ;;
*) exit 2 ;;
esac
PEER

echo "# net-dhcp (about 2 minutes)"
timeout -k 10 $T ip netns exec "$lns" "$bindir/net-dhcp" lkltap0 lkltap1 \
	"bash $tmp/peer.sh" >"$tmp/lkl.log" 2>&1
rc=$?
f0=$fail
count_checks "$tmp/lkl.log"
if [ "$rc" -ne 0 ] && [ "$fail" -eq "$f0" ]; then
	bad "net-dhcp exits cleanly" "status $rc"
fi

# What dnsmasq saw: renewals of A's lease, NAKs on B, B's lease released.
n=$(grep -c 'DHCPACK(lklv1)' "$tmp/dnsmasq-a.log")
if [ "$n" -ge 2 ]; then
	ok "dnsmasq: A's lease granted then renewed ($n ACKs)"
else
	bad "dnsmasq: A's lease granted then renewed" "$n ACKs"
fi
if grep -q "DHCPRELEASE(lklv3)" "$tmp/dnsmasq-b.log"; then
	ok "dnsmasq: B's lease released at stop"
else
	bad "dnsmasq: B's lease released at stop" "no DHCPRELEASE"
fi
n=$(grep -c 'DHCPNAK(lklv3)' "$tmp"/dnsmasq-b.log)
if [ "$n" -ge 1 ]; then
	ok "dnsmasq: B's old address refused after the range moved ($n NAK)"
else
	bad "dnsmasq: B's old address refused after the range moved" "no NAK"
fi
grep -h 'DHCP[A-Z]*(' "$tmp"/dnsmasq-*.log | sed 's/^[^ ]* *[0-9]* *[0-9:]* *dnsmasq-dhcp\[[0-9]*\]: /# dnsmasq: /' | grep -v ' [0-9]* \(available\|vendor\|client\|requested\|tags\|broadcast\|sent\|next\)' | head -40
netns_done
