#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net-bench.sh [BINDIR] - the network benchmark: LKL's TCP through a TAP
# against the host's own TCP through the same bridge, for each offload
# mask.  Prints figures; never passes or fails.
#
# As root, in the three private network namespaces of bench-netns.sh
# (LKL, BINDIR/lkl-net-bench, on the TAP; `iperf3 -s` on port 5201 and
# BINDIR/lkl-net-echo on port 5300 in the peer's; the native control's
# clients in the third), runs lkl-net-bench once per offload mask.
# Environment:
#   NET_BENCH_OFFLOADS   masks (hex), default "0 0x3 0x1983 0x9983"
#   NET_BENCH_SECONDS    seconds per throughput figure, default 5
#   NET_BENCH_ROUNDTRIPS round trips per latency figure, default 20000
# Without root, /dev/net/tun, ip or iperf3 it says why it does nothing.

set -u

bindir=${1:-${LKL_BINDIR:-build/x86_64/bin}}
offloads=${NET_BENCH_OFFLOADS:-0 0x3 0x1983 0x9983}
secs=${NET_BENCH_SECONDS:-5}
trips=${NET_BENCH_ROUNDTRIPS:-20000}

# shellcheck source=tools/lkl/bench/bench-netns.sh
. "$(dirname "$0")/bench-netns.sh"
bench_need lkl-net-bench iperf3
for prog in lkl-net-bench lkl-net-echo; do
	if [ ! -x "$bindir/$prog" ]; then
		[ $prog = lkl-net-bench ] && [ -x "$bindir/lkl-bench" ] &&
			bench_skipped lkl-net-bench "not built: it needs cJSON (libcjson-dev)"
		echo "net-bench.sh: $bindir/$prog not found (run make first)" >&2
		exit 1
	fi
done

bench_netns lkl-net-bench
serve echo.log listening "$bindir/lkl-net-echo" 10.77.0.2 5300

echo "LKL network benchmark: TCP over TAP + bridge + veth, $secs s per throughput figure, $trips round trips"
echo "(LKL: lkl-net-bench on TAP lklbtap0; native: the host's TCP from another namespace"
echo " through a veth on the same bridge; peer: iperf3 -s and lkl-net-echo.  Throughput"
echo " is the receiver's; ratio = LKL / native, target >= 0.80 with full offload; CPU s/GB:"
echo " the client process's CPU time per 10^9 bytes; round trip: 1 byte each way,"
echo " ratio = LKL median / native median, target <= 1.50)"
status=0
# A bound on each run: 4 transfers, boot, 2 x 20000 round trips.
limit=$((120 + 4 * secs + trips / 100))
for offload in $offloads; do
	echo
	# A fresh iperf3 -s each time: one left waiting for a client that
	# failed would refuse the next ones.
	serve iperf3.log listening iperf3 -s -B 10.77.0.2 -p 5201 --forceflush
	if ! timeout -k 5 $limit ip netns exec "$lns" \
			"$bindir/lkl-net-bench" lklbtap0 "$offload" "$cns" \
			"$secs" "$trips"; then
		status=1
		echo "net-bench.sh: lkl-net-bench failed (or ran over $limit s); the end of iperf3 -s's log:" >&2
		tail -n 5 "$tmp/iperf3.log" >&2
	fi
	kill "$served"
	wait "$served" 2>/dev/null
	pids=${pids/ $served/}
done
exit $status
