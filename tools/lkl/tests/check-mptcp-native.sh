#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-mptcp-native.sh [BINDIR] - LKL's Multipath TCP against the host
# kernel's own, over two paths, all inside two private network
# namespaces (mptcp-netns.sh says how they are built).  LKL
# (BINDIR/mptcp-native, default $LKL_BINDIR) has two TAPs, each bridged
# to a veth into the server's namespace, each in its own subnet with its
# own gateway; the server is python3 with IPPROTO_MPTCP.  Each path is
# limited to 50 Mbit/s from LKL to the server (tbf).  One run of
# mptcp-native, phases in turn (mptcp-native.c):
#   join       two subflows, seen by LKL and by the server's namespace
#              (ss -M, ss -t, MPJoinAckRx)
#   aggregate  64 MiB over MPTCP reach >= 1.7 x the rate of 64 MiB of
#              plain TCP over path A
#   handover   path B goes down half-way through 256 MiB: all arrives,
#              intact, and the receiver never waits 3 s
#   bbr        bbr, fq, SO_MAX_PACING_RATE 20 Mbit/s: within 5 %
# Then, path B up again, unmodified iperf3 -c under lkl-hijack (a JSON
# configuration: both TAPs, eth1's address a `subflow` endpoint,
# "hijack_mptcp": 1) against `mptcpize run iperf3 -s`: it completes, the
# server acknowledges joins, and its rate is >= 1.7 x plain TCP's
# (skipped without iperf3, mptcpize or cJSON).
# MPTCP_NATIVE_PHASES="bbr ..." runs only those.
# Skipped, with the reason, when not root, without /dev/net/tun, ip, ss,
# tc or python3 (3.10+), or when the host kernel has no MPTCP.  One
# "ok"/"FAIL"/"skip" line per check, then "N passed, N failed[, N
# skipped]".

set -u

. "$(dirname "$0")/harness.sh"
. "$(dirname "$0")/netns-lib.sh"
. "$(dirname "$0")/mptcp-netns.sh"

mptcp_netns_init mptcp-native "${1:-${LKL_BINDIR:-}}"
mptcp_netns_setup
if mptcp_rate 50mbit; then
	ok "tbf 50mbit on both paths, LKL to server"
else
	bad "tbf 50mbit on both paths" "$(tail -n 3 "$tmp/setup.log" | tr '\n' ' ')"
	summary
fi
mptcp_server

# shellcheck disable=SC2086 # a list of phases
mptcp_native --probe "$MPTCP_PROBE" --down "$MPTCP_DOWN" \
	${MPTCP_NATIVE_PHASES:-join aggregate handover bbr}
rc=$?
f0=$fail
count_checks "$tmp/native.log"
[ "$rc" -ne 0 ] && [ "$fail" -eq "$f0" ] &&
	bad "mptcp-native exits cleanly" "status $rc"

# Unmodified iperf3 under the hijack, its sockets made MPTCP ones.
iperf_test() {
	local tcp need

	command -v mptcpize >/dev/null ||
		{ echo "skip - iperf3 under lkl-hijack: no mptcpize (Debian's mptcpd)"; skip=$((skip + 1)); return; }
	command -v iperf3 >/dev/null ||
		{ echo "skip - iperf3 under lkl-hijack: no iperf3"; skip=$((skip + 1)); return; }
	[ -x "$bindir/config-json" ] ||
		{ echo "skip - iperf3 under lkl-hijack: a build without cJSON has no JSON configuration"; skip=$((skip + 1)); return; }
	hijack_built
	$MPTCP_UP
	echo "# iperf3 -c under lkl-hijack (hijack_mptcp, two TAPs) to mptcpize run iperf3 -s"
	if ! mptcp_iperf 8; then
		bad "iperf3 -c under lkl-hijack with MPTCP" "$(tail -n 3 "$tmp/iperf3.err" | tr '\n' ' ')"
		return
	fi
	ok "iperf3 -c under lkl-hijack with MPTCP"
	if [ "$joins1" -gt "$joins0" ]; then
		ok "iperf3: the server acknowledged $((joins1 - joins0)) MPTCP joins"
	else
		bad "iperf3: the server acknowledged MPTCP joins" "MPJoinAckRx $joins0 before, $joins1 after"
	fi
	tcp=$(sed -n 's|^# TCP, path A: .* \([0-9.]*\) Mbit/s at the receiver.*|\1|p' "$tmp/native.log")
	echo "# iperf3 under lkl-hijack, MPTCP over both paths: ${iperf_mbit:-?} Mbit/s received${tcp:+ (plain TCP on path A: $tcp Mbit/s)}"
	[ -n "$tcp" ] || return
	need=$(awk -v t="$tcp" 'BEGIN { printf "%.1f", 1.7 * t }')
	if awk -v r="${iperf_mbit:-0}" -v n="$need" 'BEGIN { exit !(r >= n) }'; then
		ok "iperf3: MPTCP over two paths >= 1.7 x TCP over one"
	else
		bad "iperf3: MPTCP over two paths >= 1.7 x TCP over one" "${iperf_mbit:-no rate} Mbit/s, want $need"
	fi
}
iperf_test
netns_done
