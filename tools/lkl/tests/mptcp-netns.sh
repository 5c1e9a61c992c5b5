# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# mptcp-netns.sh - sourced by check-mptcp-native.sh and
# bench/mptcp-bench.sh, after harness.sh and netns-lib.sh: two paths
# from LKL, through TAPs, to the host kernel's own Multipath TCP.
#
# Namespace $lns (netns_init's): TAPs lklmt0 and lklmt1, each on a bridge
# of its own (lklmbr0, lklmbr1) with one end of a veth pair (lklma0,
# lklmb0); no address: LKL's eth0 10.78.1.2/24 and eth1 10.78.2.2/24 are
# in LKL's kernel.  Namespace $pns: the veths' other ends, lklma1
# 10.78.1.1/24 and lklmb1 10.78.2.1/24 (the paths' gateways), and the
# server's address 10.78.9.1 on lo, reached through either path; its
# MPTCP limits 2 subflows and 0 announcements taken (`ip mptcp limits`),
# no endpoint.
#
#   mptcp_netns_init NAME BINDIR  netns_init (ss, tc too), a skip without
#                          /dev/net/tun or a python3 with IPPROTO_MPTCP, a
#                          failure without BINDIR/mptcp-native
#   mptcp_netns_setup      the above; a skip when the host kernel has no
#                          MPTCP; fails and ends the test if it cannot
#   mptcp_rate RATE        tbf RATE (tc's units, e.g. 50mbit) on lklma0 and
#                          lklmb0: each path's limit from LKL to the server
#   mptcp_server           the native server (python3, netns_server) in
#                          $pns: port 5400
#                          MPTCP (socket(AF_INET, SOCK_STREAM, 262)), 5401
#                          TCP; it reads to EOF, checks the pieces (see
#                          mptcp-native.c) and answers "BYTES FIRST-BAD
#                          SUBFLOWS LONGEST-WAIT SECONDS"
#   mptcp_native ARGS...   BINDIR/mptcp-native TAP0 TAP1 in $lns with ARGS
#                          (options, then phases); output in $tmp/native.log
#   mptcp_iperf SECONDS    unmodified iperf3 -c under lkl-hijack -c JSON
#                          (mptcp_hijack_config: the TAPs as mptcp-native
#                          has them, "hijack_mptcp": 1) in $lns against
#                          `mptcpize run iperf3 -s` in $pns; sets
#                          $iperf_mbit (received, Mbit/s), $joins0 and
#                          $joins1 (the server's MPJoinAckRx before and
#                          after); iperf3's status.  Needs hijack_built
#   MPTCP_DOWN             a command that takes path B down (its veth in $lns)
#   MPTCP_UP               and one that brings it back
#   MPTCP_PROBE            a command checking, in $pns, that the server has
#                          one MPTCP connection of two subflows (ss -M, ss -t,
#                          MPTcpExt MPJoinAckRx); says what it saw
#
# lns, pns, tmp, bindir come from netns_init; skip and MPTCP_* are the
# sourcing script's.
# shellcheck disable=SC2154,SC2034

# netns_exit (netns-lib.sh) runs it: persistent TAPs go explicitly.
netns_cleanup() {
	ip -n "$lns" link del lklmt0 2>/dev/null
	ip -n "$lns" link del lklmt1 2>/dev/null
}

mptcp_netns_init() {
	local name=$1

	netns_init "$name" "$2" ss tc
	[ -c /dev/net/tun ] || { echo "skip - $name: no /dev/net/tun"; skip=1; summary; }
	if [ ! -x "$bindir/mptcp-native" ]; then
		bad "mptcp-native built" "not found in '$bindir'"
		summary
	fi
	python3 -c 'import socket; socket.IPPROTO_MPTCP' 2>/dev/null ||
		{ echo "skip - $name: python3 without socket.IPPROTO_MPTCP (3.10 or later)"; skip=1; summary; }
}

# The host kernel's MPTCP, as a new namespace has it.
mptcp_host_enabled() {
	local on

	on=$(ip netns exec "$pns" cat /proc/sys/net/mptcp/enabled 2>/dev/null)
	if [ -z "$on" ]; then
		echo "skip - the host kernel ($(uname -r)) has no MPTCP (no net.mptcp.enabled)"
		skip=1
		summary
	fi
	if [ "$on" != 1 ]; then
		echo "skip - net.mptcp.enabled is $on in a new namespace of the host kernel"
		skip=1
		summary
	fi
}

mptcp_path() {
	local i=$1 v=$2

	ip -n "$lns" tuntap add dev "lklmt$i" mode tap &&
	ip -n "$lns" link add "lklmbr$i" type bridge forward_delay 0 stp_state 0 &&
	ip -n "$lns" link add "${v}0" type veth peer name "${v}1" &&
	ip -n "$lns" link set "${v}1" netns "$pns" &&
	ip -n "$lns" link set "lklmt$i" master "lklmbr$i" &&
	ip -n "$lns" link set "${v}0" master "lklmbr$i" &&
	ip -n "$lns" link set "lklmt$i" up && ip -n "$lns" link set "${v}0" up &&
	ip -n "$lns" link set "lklmbr$i" up &&
	ip -n "$pns" addr add "10.78.$((i + 1)).1/24" dev "${v}1" &&
	ip -n "$pns" link set "${v}1" up
}

mptcp_netns_setup() {
	if ! {
		ip netns add "$lns" && ip netns add "$pns" &&
		ip -n "$lns" link set lo up && ip -n "$pns" link set lo up &&
		ip -n "$pns" addr add 10.78.9.1/32 dev lo &&
		mptcp_path 0 lklma && mptcp_path 1 lklmb
	} >"$tmp/setup.log" 2>&1; then
		bad "namespaces, TAPs, bridges and veths set up" "$(tr '\n' ' ' <"$tmp/setup.log")"
		summary
	fi
	mptcp_host_enabled
	# The limits of recent kernels at boot, set for older ones: the
	# server takes up to 2 joins and announces nothing.
	if ! ip -n "$pns" mptcp limits set subflows 2 add_addr_accepted 0 \
			>>"$tmp/setup.log" 2>&1; then
		bad "ip mptcp limits in the server's namespace" "$(tail -n 2 "$tmp/setup.log" | tr '\n' ' ')"
		summary
	fi
	ok "two paths: TAP lklmt0 to 10.78.1.1, TAP lklmt1 to 10.78.2.1, server 10.78.9.1 (namespaces $lns, $pns)"
	MPTCP_DOWN="ip -n $lns link set lklmb0 down"
	MPTCP_UP="ip -n $lns link set lklmb0 up"
	MPTCP_PROBE="bash $tmp/probe.sh"
	mptcp_probe_script >"$tmp/probe.sh"
}

mptcp_rate() {
	local v

	for v in lklma0 lklmb0; do
		tc -n "$lns" qdisc replace dev "$v" root tbf rate "$1" \
			burst 32kb latency 50ms >>"$tmp/setup.log" 2>&1 || return 1
	done
}

# The probe: ss lists the server's MPTCP socket (-M) and its subflows as
# TCP sockets (-t); the kernel counts the joins it acknowledged.
mptcp_probe_script() {
	echo "pns=$pns"
	declare -f mptcp_server_count
	cat <<'EOF'
msk=$(ip netns exec "$pns" ss -HMn state established | grep -c '10.78.9.1:5400')
tcp=$(ip netns exec "$pns" ss -Htn state established '( sport = :5400 )' | grep -c .)
joins=$(mptcp_server_count MPJoinAckRx)
echo "# server: ss -M: $msk MPTCP connection(s); ss -t: $tcp TCP subflow(s) on port 5400; MPJoinAckRx $joins"
ip netns exec "$pns" ss -Htn state established '( sport = :5400 )' | sed 's/^/# server: /'
[ "$msk" = 1 ] && [ "$tcp" = 2 ] && [ "${joins:-0}" -ge 1 ]
EOF
}

MPTCP_SERVER='
import socket, struct, sys, threading, time
P = 1 << 20
body = bytes((j * 2654435761 & 0xffffffff) >> 13 & 0xff for j in range(P))
def subflows(c):
    # MPTCP_INFO (SOL_MPTCP 284, 1): mptcpi_subflows, the joined ones
    try: return c.getsockopt(284, 1, 256)[0] + 1
    except OSError: return 0
def sink(c, port):
    buf = bytearray(1 << 20); n = 0; bad = -1; sf = 0; gap = 0.0
    t0 = last = None; cur = -1; exp = b""
    while True:
        k = c.recv_into(buf); now = time.monotonic()
        if not k: break
        if t0 is None: t0 = now
        else: gap = max(gap, now - last)
        last = now
        if port == 5400: sf = max(sf, subflows(c))
        i = 0
        while i < k and bad < 0:
            p, o = divmod(n + i, P); m = min(k - i, P - o)
            if p != cur: cur = p; exp = struct.pack(">Q", p) + body[8:]
            if buf[i:i + m] != exp[o:o + m]: bad = n + i
            i += m
        n += k
    secs = last - t0 if t0 is not None else 0.0
    c.sendall(b"%d %d %d %.6f %.6f\n" % (n, bad, sf, gap, secs))
    print("# native: port %d: %d bytes, first bad %d, %d subflows, longest wait %.3f s, %.2f s"
          % (port, n, bad, sf, gap, secs), flush=True)
def serve(s, port):
    while True:
        c, _ = s.accept()
        try: sink(c, port)
        except OSError as e: print("native: port %d: %s" % (port, e), flush=True)
        c.close()
for port, proto in ((5400, socket.IPPROTO_MPTCP), (5401, 0)):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.78.9.1", port)); s.listen(4)
    threading.Thread(target=serve, args=(s, port), daemon=True).start()
open(sys.argv[1], "w").close()
threading.Event().wait()
'

mptcp_server() {
	netns_server "$MPTCP_SERVER"
}

# The hijack's JSON configuration: LKL as mptcp-native sets itself up.
mptcp_hijack_config() {
	cat <<'EOF'
{
	"interfaces": [
		{
			"type": "tap", "param": "lklmt0", "offload": "0x9983",
			"mac": "02:00:00:78:01:02",
			"ip": "10.78.1.2", "masklen": 24, "ifgateway": "10.78.1.1"
		},
		{
			"type": "tap", "param": "lklmt1", "offload": "0x9983",
			"mac": "02:00:00:78:02:02",
			"ip": "10.78.2.2", "masklen": 24, "ifgateway": "10.78.2.1",
			"mptcp": "subflow"
		}
	],
	"gateway": "10.78.1.1",
	"mptcp_limits": { "subflows": 2, "add_addr_accepted": 0 },
	"hijack_mptcp": 1
}
EOF
}

# The server's MPTcpExt counter $1.
mptcp_server_count() {
	# shellcheck disable=SC2016 # awk's own $
	ip netns exec "$pns" awk -v k="$1" '/^MPTcpExt:/ {
		if (!seen++) { split($0, h); next }
		for (i = 2; i <= NF; i++) if (h[i] == k) print $i }' /proc/net/netstat
}

mptcp_iperf() {
	local st

	mptcp_hijack_config >"$tmp/hijack.json"
	ip netns exec "$pns" mptcpize run iperf3 -s -1 -B 10.78.9.1 -p 5201 \
		>"$tmp/iperf3-server.log" 2>&1 &
	pids="$pids $!"
	wait_port "$pns" 5201 || return 1
	joins0=$(mptcp_server_count MPJoinAckRx)
	timeout -k 10 120 ip netns exec "$lns" "$hijack" -c "$tmp/hijack.json" \
		iperf3 -c 10.78.9.1 -p 5201 -t "$1" -J >"$tmp/iperf3.json" \
		2>"$tmp/iperf3.err"
	st=$?
	joins1=$(mptcp_server_count MPJoinAckRx)
	iperf_mbit=$(python3 -c 'import json, sys
print("%.1f" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' \
		"$tmp/iperf3.json" 2>/dev/null)
	return $st
}

mptcp_native() {
	timeout -k 10 600 ip netns exec "$lns" "$bindir/mptcp-native" \
		lklmt0 lklmt1 "$@" >"$tmp/native.log" 2>&1
}
