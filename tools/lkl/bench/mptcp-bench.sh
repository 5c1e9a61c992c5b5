#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mptcp-bench.sh [BINDIR] - the Multipath TCP benchmark: LKL's MPTCP over
# two TAP paths against the host kernel's own, on the paths of
# check-mptcp-native.sh (tools/lkl/tests/mptcp-netns.sh, in private
# network namespaces removed on exit).  Prints figures; never passes or
# fails on them.
#
# Runs of BINDIR/mptcp-native --bench, then iperf3:
#   paths not limited:  MPTCP_BENCH_MIB (default 1024) MiB of plain TCP
#                       over path A, then as much MPTCP over both (rates,
#                       CPU per GB: the per-byte cost)
#   pacing:             bbr and fq in LKL, a TCP socket's
#                       SO_MAX_PACING_RATE at each of MPTCP_BENCH_PACE
#                       (Mbit/s, default "20 100 1000"), paths not
#                       limited: the rate the receiver got against it
#   paths at MPTCP_BENCH_RATE each (tbf, default 50mbit): 64 MiB each
#                       way, the ratio MPTCP / TCP, then 256 MiB of MPTCP
#                       during which path B goes down half-way: the
#                       receiver's longest wait for data (the hand-over
#                       gap)
#   iperf3 -c under lkl-hijack, MPTCP, on the limited paths, to
#                       `mptcpize run iperf3 -s` (needs iperf3, mptcpize)
# Rates are the receiver's (first byte to last); CPU s/GB is the LKL
# process's CPU time (getrusage) per 10^9 bytes sent.  Without root,
# /dev/net/tun, ip, ss, tc, python3 3.10+ or the host's MPTCP it says why
# it does nothing.

set -u

tests=$(dirname "$0")/../tests
. "$tests/harness.sh"
. "$tests/netns-lib.sh"
. "$tests/mptcp-netns.sh"

rate=${MPTCP_BENCH_RATE:-50mbit}
mib=${MPTCP_BENCH_MIB:-1024}
paces=${MPTCP_BENCH_PACE:-20 100 1000}
status=0

# run TITLE ARGS...: one run of mptcp-native, its figures printed.
run() {
	echo
	echo "$1:"
	shift
	mptcp_native --bench "$@" || status=1
	sed -n 's/^# \(TCP\|MPTCP\|aggregation\|hand-over\)/  \1/p' \
		"$tmp/native.log"
	if grep -q '^FAIL' "$tmp/native.log"; then
		status=1
		grep '^FAIL' "$tmp/native.log" >&2
	fi
}

mptcp_netns_init mptcp-bench "${1:-${LKL_BINDIR:-build/x86_64/bin}}"
mptcp_netns_setup >/dev/null
mptcp_server
echo "LKL MPTCP benchmark: LKL (2 TAPs, a bridge and a veth each) to the host kernel's MPTCP"
echo "(python3 server in another namespace); rate: the receiver's; CPU s/GB: LKL's process"
run "paths not limited ($mib MiB each)" --mib "$mib" aggregate
echo
echo "pacing: bbr, fq, SO_MAX_PACING_RATE; TCP on path A, not limited; some 6.7 s each:"
for pace in $paces; do
	mptcp_native --bench --pace "$pace" bbr || status=1
	sed -n 's/^# bbr: \(.* of data at the receiver\)/  \1/p' "$tmp/native.log"
	grep '^FAIL' "$tmp/native.log" >&2
done
if ! mptcp_rate "$rate"; then
	echo "mptcp-bench.sh: tc tbf $rate: $(tail -n 3 "$tmp/setup.log")" >&2
	exit 1
fi
run "paths limited to $rate each (tbf, LKL to server)" --down "$MPTCP_DOWN" \
	aggregate handover
$MPTCP_UP
if ! command -v mptcpize >/dev/null || ! command -v iperf3 >/dev/null; then
	echo "  iperf3 under lkl-hijack: skipped: needs iperf3 and mptcpize (mptcpd)"
elif [ ! -x "$bindir/config-json" ]; then
	echo "  iperf3 under lkl-hijack: skipped: a build without cJSON"
else
	hijack_built
	if mptcp_iperf 10; then
		echo "  iperf3 -c under lkl-hijack (MPTCP, 10 s) to mptcpize run iperf3 -s: $iperf_mbit Mbit/s received, $((joins1 - joins0)) joins"
	else
		status=1
		echo "mptcp-bench.sh: iperf3 under lkl-hijack failed: $(tail -n 3 "$tmp/iperf3.err")" >&2
	fi
fi
exit $status
