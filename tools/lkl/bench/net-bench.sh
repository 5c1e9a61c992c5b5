#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net-bench.sh [BINDIR] - the network benchmark: LKL's TCP through a TAP
# against the host's own TCP through the same bridge, for each offload
# mask.  Prints figures; never passes or fails.
#
# As root, makes three private network namespaces (removed on exit,
# whatever happens; nothing is sent outside them):
#   lklbench-lkl-PID   TAP lklbtap0, veths lklbv0 and lklbc0, all on
#                      bridge lklbbr0; LKL (BINDIR/lkl-net-bench) runs
#                      here and is 10.77.0.1/24 in its own kernel
#   lklbench-peer-PID  lklbv1, 10.77.0.2/24: `iperf3 -s` (port 5201) and
#                      BINDIR/lkl-net-echo (port 5300)
#   lklbench-ctl-PID   lklbc1, 10.77.0.3/24: the native control's clients
# and runs lkl-net-bench once per offload mask.  Environment:
#   NET_BENCH_OFFLOADS   masks (hex), default "0 0x3 0x1983 0x9983"
#   NET_BENCH_SECONDS    seconds per throughput figure, default 5
#   NET_BENCH_ROUNDTRIPS round trips per latency figure, default 20000
# Without root, /dev/net/tun, ip or iperf3 it says why it does nothing.

set -u

bindir=${1:-${LKL_BINDIR:-build/x86_64/bin}}
offloads=${NET_BENCH_OFFLOADS:-0 0x3 0x1983 0x9983}
secs=${NET_BENCH_SECONDS:-5}
trips=${NET_BENCH_ROUNDTRIPS:-20000}

skipped() { echo "lkl-net-bench: skipped: $1"; exit 0; }

PATH=$PATH:/sbin:/usr/sbin
[ "$(id -u)" = 0 ] || skipped "not root (needs network namespaces and a TAP)"
[ -c /dev/net/tun ] || skipped "no /dev/net/tun"
for tool in ip iperf3 timeout; do
	command -v $tool >/dev/null || skipped "no $tool"
done
for prog in lkl-net-bench lkl-net-echo; do
	if [ ! -x "$bindir/$prog" ]; then
		[ $prog = lkl-net-bench ] && [ -x "$bindir/lkl-bench" ] &&
			skipped "lkl-net-bench not built: it needs cJSON (libcjson-dev)"
		echo "net-bench.sh: $bindir/$prog not found (run make first)" >&2
		exit 1
	fi
done

lns=lklbench-lkl-$$
pns=lklbench-peer-$$
cns=lklbench-ctl-$$
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-net-bench-XXXXXX")
pids=

cleanup() {
	local pid

	for pid in $pids; do
		kill "$pid" 2>/dev/null
	done
	ip netns del "$lns" 2>/dev/null
	ip netns del "$pns" 2>/dev/null
	ip netns del "$cns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# veth_to NS ADDR NEAR FAR: a veth pair, NEAR on LKL's bridge, FAR in
# namespace NS with address ADDR/24.
veth_to() {
	local near=$3 far=$4

	ip -n "$lns" link add "$near" type veth peer name "$far" &&
	ip -n "$lns" link set "$far" netns "$1" &&
	ip -n "$lns" link set "$near" master lklbbr0 &&
	ip -n "$lns" link set "$near" up &&
	ip -n "$1" addr add "$2/24" dev "$far" &&
	ip -n "$1" link set "$far" up
}

setup() {
	ip netns add "$lns" && ip netns add "$pns" && ip netns add "$cns" &&
	ip -n "$lns" link set lo up && ip -n "$pns" link set lo up &&
	ip -n "$cns" link set lo up &&
	ip -n "$lns" tuntap add dev lklbtap0 mode tap &&
	ip -n "$lns" link add lklbbr0 type bridge forward_delay 0 stp_state 0 &&
	ip -n "$lns" link set lklbtap0 master lklbbr0 &&
	ip -n "$lns" link set lklbtap0 up &&
	ip -n "$lns" link set lklbbr0 up &&
	veth_to "$pns" 10.77.0.2 lklbv0 lklbv1 &&
	veth_to "$cns" 10.77.0.3 lklbc0 lklbc1
}

# serve LOG WORD CMD...: CMD in the peer namespace, until LOG has WORD;
# its pid in $served.
serve() {
	local log=$tmp/$1 word=$2

	shift 2
	: >"$log"
	ip netns exec "$pns" "$@" >"$log" 2>&1 &
	served=$!
	pids="$pids $served"
	for _ in $(seq 100); do
		grep -q "$word" "$log" && return 0
		sleep 0.1
	done
	echo "net-bench.sh: $* did not start: $(tr '\n' ' ' <"$log")" >&2
	exit 1
}

if ! setup >"$tmp/setup.log" 2>&1; then
	echo "net-bench.sh: setting up namespaces, TAP, bridge and veths: $(tr '\n' ' ' <"$tmp/setup.log")" >&2
	exit 1
fi
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
