# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# bench-netns.sh - sourced by the network benchmarks (net-bench.sh,
# hijack-bench.sh): three private network namespaces, removed on exit
# whatever happens; nothing is sent outside them:
#   lklbench-lkl-PID   TAP lklbtap0, veths lklbv0 and lklbc0, all on
#                      bridge lklbbr0; LKL runs here and is
#                      10.77.0.1/24 in its own kernel
#   lklbench-peer-PID  lklbv1, 10.77.0.2/24: the servers
#   lklbench-ctl-PID   lklbc1, 10.77.0.3/24: the native control's clients
#
#   bench_skipped NAME REASON  "NAME: skipped: REASON", exit $status (0
#                           if unset: what ran before went well)
#   bench_need NAME TOOLS...  skipped (naming NAME) unless root with
#                           /dev/net/tun, ip, timeout and TOOLS
#   bench_netns NAME        the namespaces ($lns, $pns, $cns), $tmp (a
#                           directory), or exit 1 saying why not
#   serve LOG WORD CMD...   CMD in the peer namespace, until $tmp/LOG has
#                           WORD; its pid in $served (killed on exit)

PATH=$PATH:/sbin:/usr/sbin
pids=

bench_skipped() { echo "$1: skipped: $2"; exit "${status:-0}"; }

bench_cleanup() {
	local pid

	for pid in $pids; do
		kill "$pid" 2>/dev/null
	done
	ip netns del "$lns" 2>/dev/null
	ip netns del "$pns" 2>/dev/null
	ip netns del "$cns" 2>/dev/null
	rm -rf "$tmp"
}

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

bench_setup() {
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

bench_need() {
	local name=$1 tool

	shift
	[ "$(id -u)" = 0 ] ||
		bench_skipped "$name" "not root (needs network namespaces and a TAP)"
	[ -c /dev/net/tun ] || bench_skipped "$name" "no /dev/net/tun"
	for tool in ip timeout "$@"; do
		command -v "$tool" >/dev/null || bench_skipped "$name" "no $tool"
	done
}

bench_netns() {
	local name=$1

	lns=lklbench-lkl-$$
	pns=lklbench-peer-$$
	cns=lklbench-ctl-$$
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/$name-XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	if ! bench_setup >"$tmp/setup.log" 2>&1; then
		echo "$name: setting up namespaces, TAP, bridge and veths: $(tr '\n' ' ' <"$tmp/setup.log")" >&2
		exit 1
	fi
}

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
	echo "$*: did not start: $(tr '\n' ' ' <"$log")" >&2
	exit 1
}
