#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-net-tap.sh [BINDIR] - LKL on a TAP device (lkl_netdev_add_tap())
# against the host's network stack, all inside two private network
# namespaces.
#
# As root, makes namespaces lkltest-lkl-PID and lkltest-peer-PID.  In the
# first: a persistent TAP lkltap0 and one end of a veth pair, both on a
# bridge (no address on the host side: 10.77.0.1/24 and fd77::1/64 are
# LKL's, in LKL's kernel).  In the second: the veth's other end,
# 10.77.0.2/24 and fd77::2/64, and a native server (python3) for TCP and
# UDP.  BINDIR/net-tap (default $LKL_BINDIR) runs in the first namespace,
# once without offloads and once with all of them (0x9983): ICMP both
# ways, 256 MiB of TCP each way and 16 MiB over IPv6 checked by CRC-32,
# one UDP datagram each way, and the frame sizes LKL's device carried
# (over the MTU only with TSO/LRO: large segments).  A trap deletes
# the namespaces (and with them TAP, bridge and veth) whatever happens;
# nothing is sent outside them.  Skipped, with the reason, when not root
# or without /dev/net/tun, ip, ping or python3.  One "ok"/"FAIL"/"skip"
# line per check, then "N passed, N failed[, N skipped]".

set -u

bindir=${1:-${LKL_BINDIR:-}}
. "$(dirname "$0")/harness.sh"
T=300			# seconds for each run of the LKL program
OFFLOADS="0 0x9983"	# none; LKL_NETDEV_OFFLOAD_ALL

skip_all() { echo "skip - net-tap: $1"; skip=1; summary; }

PATH=$PATH:/sbin:/usr/sbin
[ "$(id -u)" = 0 ] || skip_all "not root (needs network namespaces and a TAP)"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
for tool in ip ping python3 timeout; do
	command -v $tool >/dev/null || skip_all "no $tool"
done
if [ -z "$bindir" ] || [ ! -x "$bindir/net-tap" ]; then
	bad "net-tap built" "not found in '${bindir}'"
	summary
fi

lns=lkltest-lkl-$$
pns=lkltest-peer-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-net-tap-XXXXXX")
server_pid=

cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	ip -n "$lns" link del lkltap0 2>/dev/null
	ip netns del "$lns" 2>/dev/null
	ip netns del "$pns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# setup: the namespaces, the TAP, the bridge and the veth pair.
setup() {
	ip netns add "$lns" && ip netns add "$pns" &&
	ip -n "$lns" link set lo up && ip -n "$pns" link set lo up &&
	ip -n "$lns" tuntap add dev lkltap0 mode tap &&
	ip -n "$lns" link add lklbr0 type bridge forward_delay 0 stp_state 0 &&
	ip -n "$lns" link add lklv0 type veth peer name lklv1 &&
	ip -n "$lns" link set lklv1 netns "$pns" &&
	ip -n "$lns" link set lkltap0 master lklbr0 &&
	ip -n "$lns" link set lklv0 master lklbr0 &&
	ip -n "$lns" link set lkltap0 up &&
	ip -n "$lns" link set lklv0 up &&
	ip -n "$lns" link set lklbr0 up &&
	ip -n "$pns" addr add 10.77.0.2/24 dev lklv1 &&
	ip -n "$pns" addr add fd77::2/64 dev lklv1 nodad &&
	ip -n "$pns" link set lklv1 up
}

# The native side, serving any number of runs: TCP 5000 and 5003 (IPv6)
# receive and answer length and CRC-32; TCP 5001 sends CRC-32 then
# 256 MiB; UDP 5002 echoes with "native:".
SERVER='
import os, socket, struct, sys, threading, zlib
block = os.urandom(4 << 20); reps = 64; crc = 0
for _ in range(reps): crc = zlib.crc32(block, crc)
def tcp(family, addr, port):
    s = socket.socket(family); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(4); return s
def sink(c):
    n = 0; k = 0
    while True:
        d = c.recv(1 << 20)
        if not d: break
        n += len(d); k = zlib.crc32(d, k)
    c.sendall(b"%d %08x\n" % (n, k))
    print("# native: received %d bytes over TCP" % n, flush=True)
def source(c):
    c.sendall(struct.pack(">I", crc))
    for _ in range(reps): c.sendall(block)
def serve(s, fn):
    while True:
        c, _ = s.accept(); c.settimeout(60)
        try: fn(c)
        except OSError as e: print("native: %s" % e, flush=True)
        c.close()
def udp(u):
    while True:
        d, peer = u.recvfrom(2048); u.sendto(b"native:" + d, peer)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.77.0.2", 5002))
for s, fn in ((tcp(socket.AF_INET, "10.77.0.2", 5000), sink),
              (tcp(socket.AF_INET, "10.77.0.2", 5001), source),
              (tcp(socket.AF_INET6, "fd77::2", 5003), sink)):
    threading.Thread(target=serve, args=(s, fn), daemon=True).start()
open(sys.argv[1], "w").close()
udp(u)
'

if ! setup >"$tmp/setup.log" 2>&1; then
	bad "namespaces, TAP, bridge and veth set up" "$(tr '\n' ' ' <"$tmp/setup.log")"
	summary
fi
ok "namespaces $lns and $pns, TAP, bridge and veth set up"

ip netns exec "$pns" python3 -c "$SERVER" "$tmp/ready" >"$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
	[ -e "$tmp/ready" ] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
if [ ! -e "$tmp/ready" ]; then
	bad "native server listening" "$(tr '\n' ' ' <"$tmp/server.log")"
	summary
fi

# run_lkl OFFLOAD: one run of net-tap, its lines counted here.
run_lkl() {
	local peer_cmd="timeout 30 ip netns exec $pns ping -c 3 -i 0.2 -W 2 -q 10.77.0.1 >$tmp/ping.log 2>&1"
	local rc f0=$fail

	echo "# offload mask $1"
	timeout -k 10 $T ip netns exec "$lns" "$bindir/net-tap" tap lkltap0 "$1" \
		"$peer_cmd" >"$tmp/lkl.log" 2>&1
	rc=$?
	while IFS= read -r line; do
		case "$line" in
		"ok - "*) echo "ok - [offload $1] ${line#ok - }"; pass=$((pass + 1)) ;;
		"FAIL - "*) echo "FAIL - [offload $1] ${line#FAIL - }"; fail=$((fail + 1)) ;;
		"skip - "*) echo "$line"; skip=$((skip + 1)) ;;
		*" passed, "*" failed"*) ;;
		*) echo "$line" ;;
		esac
	done <"$tmp/lkl.log"
	if grep -q '^FAIL - native pings' "$tmp/lkl.log"; then
		sed 's/^/# ping: /' "$tmp/ping.log"
	fi
	if [ $rc -ne 0 ] && [ $fail -eq $f0 ]; then
		bad "net-tap exits cleanly (offload $1)" "status $rc"
	fi
}

for offload in $OFFLOADS; do
	run_lkl "$offload"
done

if kill -0 "$server_pid" 2>/dev/null; then
	ok "native server still serving"
else
	bad "native server still serving" "$(tr '\n' ' ' <"$tmp/server.log")"
fi
grep '^# ' "$tmp/server.log"
summary
