# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# netns-lib.sh - sourced by the check-net-*.sh tests, after harness.sh:
# LKL (BINDIR/net-tap) in a private network namespace against the host's
# own stack in another, the two joined by a veth pair.  Nothing is sent
# outside the two namespaces, which a trap deletes whatever happens.
#
#   netns_init NAME BINDIR TOOLS...  skip (naming NAME) unless root with
#                            ip, ping, python3, timeout and TOOLS; fail
#                            without BINDIR/net-tap; sets $lns and $pns
#                            (the namespaces' names), $tmp (a directory)
#   netns_setup              both namespaces, the veth pair lklv0 (LKL's
#                            side, up, no address: 10.77.0.1/24 and
#                            fd77::1/64 are LKL's) and lklv1 (the peer's,
#                            10.77.0.2/24 and fd77::2/64); fails and
#                            ends the test if it cannot
#   netns_server [CODE]      the native server (python3) in the peer
#                            namespace: TCP 5000 and 5003 (IPv6) receive
#                            and answer length and CRC-32, TCP 5001 sends
#                            CRC-32 then 256 MiB, UDP 5002 echoes with
#                            "native:"; any number of runs.  Or python3
#                            CODE, which creates the file argv[1] once
#                            it listens
#   count_checks FILE [TAG]  the "ok"/"FAIL"/"skip" lines of a program's
#                            output FILE counted here (labelled with
#                            TAG), its other lines passed on
#   run_lkl TYPE PARAM OFFLOAD  one run of net-tap (net-tap.c), in $lns,
#                            its checks counted here, labelled with
#                            "[TYPE offload OFFLOAD]"
#   hijack_built             sets $hijack (BINDIR's lkl-hijack); fails and
#                            ends the test unless it and
#                            liblkl-hijack.so are built
#   netns_tap NS TAP BRIDGE PORT [ADDR]  a TAP for a hijacked program in
#                            NS, on a new bridge with the device PORT;
#                            ADDR/24 on the bridge (the host's stack on
#                            the same path); fails and ends the test if
#                            it cannot
#   tap_bytes NS TAP rx|tx   the host's byte count of TAP (tx: towards LKL)
#   wait_port NS PORT        until something (of the host's) listens on
#                            TCP PORT in NS, up to 10 s
#   netns_done               the server must still serve; then summary
# A test may define netns_cleanup, run first by the trap; the processes
# whose pids it adds to $pids are killed next.

PATH=$PATH:/sbin:/usr/sbin
T=300			# seconds for each run of the LKL program
server_pid=
tmp=
pids=

netns_exit() {
	local p

	[ "$(type -t netns_cleanup)" = function ] && netns_cleanup
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	ip netns del "$lns" 2>/dev/null
	ip netns del "$pns" 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}

netns_init() {
	local name=$1 tool

	bindir=$2
	shift 2
	[ "$(id -u)" = 0 ] ||
		{ echo "skip - $name: not root (needs network namespaces)"; skip=1; summary; }
	for tool in ip ping python3 timeout "$@"; do
		command -v "$tool" >/dev/null ||
			{ echo "skip - $name: no $tool"; skip=1; summary; }
	done
	if [ -z "$bindir" ] || [ ! -x "$bindir/net-tap" ]; then
		bad "net-tap built" "not found in '${bindir}'"
		summary
	fi
	lns=lkltest-lkl-$$
	pns=lkltest-peer-$$
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-$name-XXXXXX")
	trap netns_exit EXIT
	trap 'exit 1' INT TERM HUP
}

netns_setup() {
	if ! {
		ip netns add "$lns" && ip netns add "$pns" &&
		ip -n "$lns" link set lo up && ip -n "$pns" link set lo up &&
		ip -n "$lns" link add lklv0 type veth peer name lklv1 &&
		ip -n "$lns" link set lklv1 netns "$pns" &&
		ip -n "$lns" link set lklv0 up &&
		ip -n "$pns" addr add 10.77.0.2/24 dev lklv1 &&
		ip -n "$pns" addr add fd77::2/64 dev lklv1 nodad &&
		ip -n "$pns" link set lklv1 up
	} >"$tmp/setup.log" 2>&1; then
		bad "namespaces and veth set up" "$(tr '\n' ' ' <"$tmp/setup.log")"
		summary
	fi
	ok "namespaces $lns and $pns, veth lklv0/lklv1 set up"
}

NETNS_SERVER='
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

netns_server() {
	ip netns exec "$pns" python3 -c "${1:-$NETNS_SERVER}" "$tmp/ready" \
		>"$tmp/server.log" 2>&1 &
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
}

hijack_built() {
	hijack=$bindir/lkl-hijack
	if [ -z "$bindir" ] || [ ! -x "$hijack" ] ||
	   [ ! -r "$bindir/../lib/liblkl-hijack.so" ]; then
		bad "lkl-hijack and liblkl-hijack.so built" "not found from '${bindir}'"
		summary
	fi
}

netns_tap() {
	local ns=$1 tap=$2 br=$3 port=$4 addr=${5:-}

	if ! {
		ip -n "$ns" tuntap add dev "$tap" mode tap &&
		ip -n "$ns" link add "$br" type bridge forward_delay 0 stp_state 0 &&
		ip -n "$ns" link set "$tap" master "$br" &&
		ip -n "$ns" link set "$port" master "$br" &&
		ip -n "$ns" link set "$tap" up && ip -n "$ns" link set "$br" up &&
		{ [ -z "$addr" ] || ip -n "$ns" addr add "$addr/24" dev "$br"; }
	} >"$tmp/tap.log" 2>&1; then
		bad "TAP $tap bridged to $port" "$(tr '\n' ' ' <"$tmp/tap.log")"
		summary
	fi
	ok "TAP $tap bridged to $port"
}

tap_bytes() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/${3}_bytes"
}

wait_port() {
	for _ in $(seq 100); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

count_checks() {
	local line tag=${2:+$2 }

	while IFS= read -r line; do
		case "$line" in
		"ok - "*) echo "ok - $tag${line#ok - }"; pass=$((pass + 1)) ;;
		"FAIL - "*) echo "FAIL - $tag${line#FAIL - }"; fail=$((fail + 1)) ;;
		"skip - "*) echo "$line"; skip=$((skip + 1)) ;;
		*" passed, "*" failed"*) ;;
		*) echo "$line" ;;
		esac
	done <"$1"
}

run_lkl() {
	local peer_cmd="timeout 30 ip netns exec $pns ping -c 3 -i 0.2 -W 2 -q 10.77.0.1 >$tmp/ping.log 2>&1"
	local tag="[$1 offload $3]" rc f0=$fail

	echo "# $1 $2, offload mask $3"
	timeout -k 10 $T ip netns exec "$lns" "$bindir/net-tap" "$1" "$2" "$3" \
		"$peer_cmd" >"$tmp/lkl.log" 2>&1
	rc=$?
	count_checks "$tmp/lkl.log" "$tag"
	if grep -q '^FAIL - native pings' "$tmp/lkl.log"; then
		sed 's/^/# ping: /' "$tmp/ping.log"
	fi
	if [ "$rc" -ne 0 ] && [ "$fail" -eq "$f0" ]; then
		bad "net-tap exits cleanly $tag" "status $rc"
	fi
}

netns_done() {
	if kill -0 "$server_pid" 2>/dev/null; then
		ok "native server still serving"
	else
		bad "native server still serving" "$(tr '\n' ' ' <"$tmp/server.log")"
	fi
	grep '^# ' "$tmp/server.log"
	summary
}
