#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# hijack-bench.sh [BINDIR] - what running a program under the hijack
# (liblkl-hijack.so, lkl-hijack) costs against the same program on the
# host's stack.  Prints figures; never passes or fails.
#
# 1. send() of one byte (BINDIR/lkl-hijack-bench send, no root needed):
#    natively on the host's loopback; hijacked, on LKL's loopback through
#    the hijack's send(); and lkl_sys_sendto() called directly on LKL's
#    loopback (send-lkl): hijacked minus direct is what the hijack adds.
#    Three processes each way, in turn, the best of them: a slow moment
#    of a busy machine then spoils no figure.  Also hijacked, the sends
#    of a fork()ed child on its parent's sockets (send-child), whose
#    calls the parent's kernel makes (the hijack's proxy).
# 2. As root, in the three private network namespaces of bench-netns.sh,
#    for each offload mask: Debian's `iperf3 -c` hijacked (LKL
#    10.77.0.1/24 on the TAP lklbtap0) and native (the host's stack in
#    the control namespace, 10.77.0.3/24, through a veth on the same
#    bridge), each way, against the same `iperf3 -s` in the peer's
#    namespace: the receiver's throughput, ratio hijacked / native; then
#    1-byte round trips (lkl-hijack-bench rr) hijacked and native against
#    BINDIR/lkl-net-echo there: median and 99th percentile, ratio of the
#    medians.
# Environment:
#   HIJACK_BENCH_OFFLOADS    LKL_HIJACK_OFFLOAD masks, default "0 0x9983"
#   HIJACK_BENCH_SECONDS     seconds per throughput figure, default 5
#   HIJACK_BENCH_ROUNDTRIPS  round trips per latency figure, default 20000
#   HIJACK_BENCH_SENDS       sends per round of the send() figure,
#                            default 200000
# Without root, /dev/net/tun, ip, iperf3 or python3 it says why it skips
# part 2.

set -u

bindir=${1:-${LKL_BINDIR:-build/x86_64/bin}}
offloads=${HIJACK_BENCH_OFFLOADS:-0 0x9983}
secs=${HIJACK_BENCH_SECONDS:-5}
trips=${HIJACK_BENCH_ROUNDTRIPS:-20000}
sends=${HIJACK_BENCH_SENDS:-200000}
hb=$bindir/lkl-hijack-bench
hijack=$bindir/lkl-hijack

for prog in lkl-hijack-bench lkl-hijack lkl-net-echo ../lib/liblkl-hijack.so; do
	if [ ! -e "$bindir/$prog" ]; then
		echo "hijack-bench.sh: $bindir/$prog not found (run make first)" >&2
		exit 1
	fi
done

# figure WHAT CMD...: the number after WHAT in CMD's output, or the end
# of the output on standard error and nothing.
figure() {
	local what=$1 out

	shift
	if out=$("$@" 2>&1) && [ "${out#*"$what" }" != "$out" ]; then
		out=${out#*"$what" }
		echo "${out%% *}"
	else
		echo "hijack-bench.sh: $*: $(echo "$out" | tail -n 3 | tr '\n' ' ')" >&2
	fi
}

# ratio A B: A / B with two decimals, or "-" without both.
ratio() {
	if [ -n "$1" ] && [ -n "$2" ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
	else
		echo -
	fi
}

status=0
echo "Hijack benchmark: liblkl-hijack.so against the host's own calls"
echo
# least A B: the smaller number, or the one given.
least() {
	awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || (b != "" && b + 0 < a + 0)) ? b : a }'
}

echo "send() of 1 byte on a connected UDP socket to 127.0.0.1, best of 3 processes"
echo "each making 5 rounds of $sends, the four ways in turn:"
# A child's calls take a round trip to its parent: a tenth of the sends.
csends=$((sends / 10 < 64 ? 64 : sends / 10))
nat='' hj='' child='' direct=''
for _ in 1 2 3; do
	nat=$(least "$nat" "$(figure ns_per_call "$hb" send "$sends")")
	hj=$(least "$hj" "$(figure ns_per_call "$hijack" "$hb" send "$sends")")
	child=$(least "$child" "$(figure ns_per_call "$hijack" "$hb" send-child "$csends")")
	direct=$(least "$direct" "$(figure ns_per_call "$hb" send-lkl "$sends")")
done
printf '  %-44s %8s ns\n' "native send() (host loopback)" "${nat:--}" \
	"hijacked send() (LKL loopback)" "${hj:--}" \
	"hijacked, in a fork() child ($csends a round)" "${child:--}" \
	"lkl_sys_sendto() direct (LKL loopback)" "${direct:--}"
[ -n "$nat" ] && [ -n "$hj" ] && [ -n "$child" ] && [ -n "$direct" ] ||
	status=1
if [ -n "$hj" ] && [ -n "$direct" ]; then
	printf '  %-44s %8s ns (hijacked / direct %s)\n' "the hijack's share" \
		"$(awk -v a="$hj" -v b="$direct" 'BEGIN { printf "%.1f", a - b }')" \
		"$(ratio "$hj" "$direct")"
fi

# shellcheck source=tools/lkl/bench/bench-netns.sh
. "$(dirname "$0")/bench-netns.sh"
bench_need "hijack-bench (iperf3 and round trips)" iperf3 python3
bench_netns lkl-hijack-bench
serve echo.log listening "$bindir/lkl-net-echo" 10.77.0.2 5300

# gbits NS ARGS...: the receiver's Gbit/s of iperf3 -c ARGS in NS,
# hijacked when $offload is set (LKL's offload mask).
gbits() {
	local ns=$1 run=()

	shift
	[ -n "${offload:-}" ] && run=(env LKL_HIJACK_NET_IFTYPE=tap
		LKL_HIJACK_NET_IFPARAMS=lklbtap0 LKL_HIJACK_NET_IP=10.77.0.1
		LKL_HIJACK_NET_NETMASK_LEN=24 LKL_HIJACK_OFFLOAD="$offload"
		"$hijack")
	timeout -k 5 $((secs + 60)) ip netns exec "$ns" "${run[@]}" \
		iperf3 -J -c 10.77.0.2 -p 5201 -t "$secs" "$@" >"$tmp/iperf3.json" 2>&1
	figure Gbit/s python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
if "error" in r:
    sys.exit(r["error"])
print("Gbit/s %.2f" % (r["end"]["sum_received"]["bits_per_second"] / 1e9))' \
		"$tmp/iperf3.json"
}

# rtt NS: "MEDIAN P99" (us) of lkl-hijack-bench rr in NS, hijacked when
# $offload is set.
rtt() {
	local run=() out

	[ -n "${offload:-}" ] && run=(env LKL_HIJACK_NET_IFTYPE=tap
		LKL_HIJACK_NET_IFPARAMS=lklbtap0 LKL_HIJACK_NET_IP=10.77.0.1
		LKL_HIJACK_NET_NETMASK_LEN=24 LKL_HIJACK_OFFLOAD="$offload"
		"$hijack")
	out=$(timeout -k 5 $((60 + trips / 100)) ip netns exec "$1" "${run[@]}" \
		"$hb" rr 10.77.0.2 5300 "$trips" 2>&1)
	case "$out" in
	"median_us "*" p99_us "*)
		out=${out#median_us }
		echo "${out%% *} ${out##* }"
		;;
	*)
		echo "hijack-bench.sh: round trips from $1: $(echo "$out" | tail -n 3 | tr '\n' ' ')" >&2
		;;
	esac
}

echo
echo "TCP over TAP + bridge + veth: iperf3 -c for $secs s each way (the receiver's"
echo "Gbit/s), and $trips round trips of 1 byte each way; hijacked: LKL on the TAP"
echo "lklbtap0; native: the host's TCP from another namespace through a veth on the"
echo "same bridge; both against iperf3 -s and lkl-net-echo in a third"
for mask in $offloads; do
	echo
	echo "LKL_HIJACK_OFFLOAD=$mask"
	# A fresh iperf3 -s each time: one left waiting for a client that
	# failed would refuse the next ones.
	serve iperf3.log listening iperf3 -s -B 10.77.0.2 -p 5201 --forceflush
	offload=
	nat_tx=$(gbits "$cns")
	nat_rx=$(gbits "$cns" -R)
	read -r nat_med nat_p99 <<<"$(rtt "$cns")"
	offload=$mask
	hj_tx=$(gbits "$lns")
	hj_rx=$(gbits "$lns" -R)
	read -r hj_med hj_p99 <<<"$(rtt "$lns")"
	printf '  %-26s hijacked %6s Gbit/s  native %6s Gbit/s  ratio %s\n' \
		"iperf3 -c (to the peer)" "${hj_tx:--}" "${nat_tx:--}" \
		"$(ratio "$hj_tx" "$nat_tx")" \
		"iperf3 -c -R (from it)" "${hj_rx:--}" "${nat_rx:--}" \
		"$(ratio "$hj_rx" "$nat_rx")"
	printf '  %-26s hijacked median %6s us p99 %6s us  native median %6s us p99 %6s us  ratio %s\n' \
		"round trip" "${hj_med:--}" "${hj_p99:--}" "${nat_med:--}" \
		"${nat_p99:--}" "$(ratio "${hj_med:-}" "${nat_med:-}")"
	[ -n "$hj_tx" ] && [ -n "$hj_rx" ] && [ -n "${hj_med:-}" ] &&
		[ -n "$nat_tx" ] && [ -n "$nat_rx" ] && [ -n "${nat_med:-}" ] ||
		status=1
	kill "$served"
	wait "$served" 2>/dev/null
	pids=${pids/ $served/}
done
exit $status
