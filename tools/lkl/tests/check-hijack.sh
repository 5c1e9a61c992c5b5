#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-hijack.sh [BINDIR] - unmodified programs on LKL's network stack
# through liblkl-hijack.so (the lkl-hijack wrapper), against native
# peers.
#
# Without root: the hijack-poll, hijack-signal and hijack-splice
# programs, natively (the host kernel's answers, which the checks
# expect) and then under the hijack on LKL's loopback; hijack-fork-share
# and hijack-fork (LKL_HIJACK_FORK=new) under the hijack; hijack-mptcp
# with and without LKL_HIJACK_MPTCP (and the JSON's "hijack_mptcp"); a
# bad configuration stops a program before main().  As root, in two
# private namespaces (netns-lib.sh):
# LKL's side has a TAP lkltap0 bridged to the veth lklv0; LKL is
# 10.77.0.1/24, the native peer 10.77.0.2/24 (ping checks the path),
# and the host's stack in
# LKL's namespace 10.77.0.3/24 on the bridge, for figures of the same
# path without LKL.  There: curl fetches a
# 64 MiB file from a native python3 http.server, content checked; a
# hijacked python3 http.server is fetched by a native curl; socat both
# ways; `ip addr`/`ip route` show LKL's interfaces; iperf3 -c against a
# native iperf3 -s; 16 threads x 500 connections of hijack-echo against
# a native echo server; the JSON configuration (lkl-hijack -c).  The
# TAP's host-side counters and LKL's own /proc/net/snmp (the JSON's
# "dump") prove the bytes went through LKL's stack.

set -u

bindir=${1:-${LKL_BINDIR:-}}
srcdir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/lkl/tests/harness.sh
. "$srcdir/harness.sh"
# shellcheck source=tools/lkl/tests/hijack-refusals.sh
. "$srcdir/hijack-refusals.sh"
# shellcheck source=tools/lkl/tests/netns-lib.sh
. "$srcdir/netns-lib.sh"

BIG=$((64 << 20))
NET_ENV="LKL_HIJACK_NET_IFTYPE=tap LKL_HIJACK_NET_IFPARAMS=lkltap0 \
LKL_HIJACK_NET_IP=10.77.0.1 LKL_HIJACK_NET_NETMASK_LEN=24"
hijack_built

# ---- Without a network: LKL's loopback ----

for prog in hijack-poll hijack-signal hijack-splice; do
	if [ ! -x "$bindir/$prog" ]; then
		bad "$prog built" "not in $bindir"
		continue
	fi
	run_c "native $prog" timeout -k 5 120 "$bindir/$prog"
	run_c "hijacked $prog" timeout -k 5 120 "$hijack" "$bindir/$prog"
done
# fork(), hijacked only: by default the child uses the parent's kernel
# (hijack-fork-share also checks that its sockets are not the host's);
# with LKL_HIJACK_FORK=new it boots one of its own (hijack-fork).
for prog in hijack-fork-share hijack-fork; do
	if [ ! -x "$bindir/$prog" ]; then
		bad "$prog built" "not in $bindir"
		continue
	fi
	mode=share
	[ "$prog" = hijack-fork ] && mode=new
	run_c "hijacked $prog (LKL_HIJACK_FORK=$mode)" env LKL_HIJACK_FORK=$mode \
		timeout -k 5 120 "$hijack" "$bindir/$prog"
done

# LKL_HIJACK_MPTCP / the JSON's "hijack_mptcp": TCP sockets become MPTCP
# ones (hijack-mptcp checks SO_PROTOCOL and MPTCP_INFO of three loopback
# connections); without it, or with MPTCP disabled in LKL, they stay TCP.
# The JSON's "dump" of LKL's /proc/net/netstat shows the MPTcpExt counts.

# mptcp_mib FILE NAME: MPTcpExt counter NAME in FILE (a netstat dump).
mptcp_mib() {
	awk -v n="$2" '/^MPTcpExt: [0-9]/ { for (i = 2; i <= NF; i++) if (h[i] == n) print $i }
		       /^MPTcpExt: [A-Z]/ { for (i = 2; i <= NF; i++) h[i] = $i }' "$1"
}

# err_to FILE CMD...: CMD with its standard error in FILE (run_c's).
# shellcheck disable=SC2317
err_to() {
	local f=$1

	shift
	"$@" 2>"$f"
}

# mptcp_counts FILE NAME WANT: MPCapable SYN sent, received, ACK received.
mptcp_counts() {
	local c got=

	for c in MPCapableSYNTX MPCapableSYNRX MPCapableACKRX; do
		got="$got $c=$(mptcp_mib "$1" $c)"
	done
	if [ "$got" = " MPCapableSYNTX=$3 MPCapableSYNRX=$3 MPCapableACKRX=$3" ]; then
		ok "$2: LKL's MPTcpExt counted $3 MPTCP connections"
	else
		bad "$2: LKL's MPTcpExt counted $3 MPTCP connections" "$got"
	fi
}

mprog=$bindir/hijack-mptcp
if [ -x "$mprog" ]; then
	run_c "LKL_HIJACK_MPTCP=1" env LKL_HIJACK_MPTCP=1 \
		timeout -k 5 120 "$hijack" "$mprog" mptcp
	run_c "no LKL_HIJACK_MPTCP" timeout -k 5 120 "$hijack" "$mprog" tcp
	run_c "LKL_HIJACK_MPTCP=1, net.mptcp.enabled=0" env LKL_HIJACK_MPTCP=1 \
		LKL_HIJACK_SYSCTL=net.mptcp.enabled=0 \
		timeout -k 5 120 "$hijack" "$mprog" tcp
	out=$(LKL_HIJACK_MPTCP=2 "$hijack" echo main-ran 2>&1)
	rc=$?
	if [ $rc -eq 78 ] &&
	   [ "$out" = 'lkl-hijack: LKL_HIJACK_MPTCP="2": expected a number from 0 to 1' ]; then
		ok "LKL_HIJACK_MPTCP=2 stops the program"
	else
		bad "LKL_HIJACK_MPTCP=2 stops the program" "status $rc: $out"
	fi
	mtmp=$(mktemp -d)
	echo '{ "hijack_mptcp": true, "dump": "/proc/net/netstat" }' >"$mtmp/on.json"
	echo '{ "dump": "/proc/net/netstat" }' >"$mtmp/off.json"
	if "$hijack" -c "$mtmp/off.json" true 2>&1 | grep -q 'has no JSON configuration'; then
		echo "skip - \"hijack_mptcp\" in the JSON configuration: liblkl-hijack.so was built without cJSON"
		skip=$((skip + 1))
	else
		run_c '"hijack_mptcp": true' err_to "$mtmp/err" \
			timeout -k 5 120 "$hijack" -c "$mtmp/on.json" "$mprog" mptcp
		mptcp_counts "$mtmp/err" '"hijack_mptcp": true' 3
		run_c "no hijack_mptcp" err_to "$mtmp/err" \
			timeout -k 5 120 "$hijack" -c "$mtmp/off.json" "$mprog" tcp
		mptcp_counts "$mtmp/err" "no hijack_mptcp" 0
		run_c "LKL_HIJACK_MPTCP=1 beside a JSON configuration" \
			err_to "$mtmp/err" env LKL_HIJACK_MPTCP=1 \
			timeout -k 5 120 "$hijack" -c "$mtmp/off.json" "$mprog" mptcp
		mptcp_counts "$mtmp/err" "LKL_HIJACK_MPTCP=1 beside a JSON configuration" 3
		run_c 'LKL_HIJACK_MPTCP=0 wins over "hijack_mptcp": true' \
			err_to "$mtmp/err" env LKL_HIJACK_MPTCP=0 \
			timeout -k 5 120 "$hijack" -c "$mtmp/on.json" "$mprog" tcp
	fi
	rm -rf "$mtmp"
else
	bad "hijack-mptcp built" "not in $bindir"
fi

# A bad configuration: refused before main() runs.
hijack_refusals "$hijack" main-ran echo main-ran

# ---- Through a TAP, against native peers ----

netns_init hijack "$bindir" curl socat sha256sum
netns_setup
netns_tap "$lns" lkltap0 lklbr0 lklv0 10.77.0.3

# hj CMD...: CMD hijacked, in LKL's namespace, on the TAP.
hj() {
	# shellcheck disable=SC2086  # NET_ENV is words on purpose
	timeout -k 5 300 ip netns exec "$lns" env $NET_ENV "$hijack" "$@"
}

mkdir -p "$tmp/www"
head -c $BIG /dev/urandom >"$tmp/www/big"
want=$(sha256sum <"$tmp/www/big")

# ip under the hijack: LKL's interfaces and routes, not the host's.
out=$(hj ip addr 2>&1)
if echo "$out" | grep -q 'inet 10.77.0.1/24' &&
   ! echo "$out" | grep -q lklv0; then
	ok "ip addr under the hijack shows LKL's eth0 10.77.0.1/24"
else
	bad "ip addr under the hijack shows LKL's eth0 10.77.0.1/24" "$(echo "$out" | tr '\n' ' ')"
fi
out=$(hj ip route 2>&1)
if echo "$out" | grep -q '10.77.0.0/24 dev eth0'; then
	ok "ip route under the hijack shows LKL's route"
else
	bad "ip route under the hijack shows LKL's route" "$(echo "$out" | tr '\n' ' ')"
fi

# ping hijacked: ICMP from LKL's stack, its timestamps on the host's
# clock (LKL's wall clock is set at boot).
out=$(hj ping -c 3 -i 0.2 -W 2 10.77.0.2 2>&1)
if echo "$out" | grep -q ' 0% packet loss' &&
   ! echo "$out" | grep -qi 'time of day goes back'; then
	ok "hijacked ping to the native peer: 3 of 3, sane times"
else
	bad "hijacked ping to the native peer" "$(echo "$out" | tail -3 | tr '\n' ' ')"
fi

# curl hijacked <- native python3 http.server.
ip netns exec "$pns" python3 -m http.server --bind 10.77.0.2 8000 \
	--directory "$tmp/www" >"$tmp/http.log" 2>&1 &
pids="$pids $!"
if wait_port "$pns" 8000; then
	tx0=$(tap_bytes "$lns" lkltap0 tx)
	hj curl -sS -o "$tmp/got" http://10.77.0.2:8000/big 2>"$tmp/curl.log"
	rc=$?
	tx1=$(tap_bytes "$lns" lkltap0 tx)
	if [ $rc -eq 0 ] && [ "$(sha256sum <"$tmp/got")" = "$want" ]; then
		ok "hijacked curl fetched 64 MiB from a native http.server, content identical"
	else
		bad "hijacked curl fetched 64 MiB from a native http.server" "status $rc $(head -c 300 "$tmp/curl.log")"
	fi
	if [ $((tx1 - tx0)) -ge $BIG ]; then
		ok "the 64 MiB went through the TAP to LKL ($((tx1 - tx0)) bytes)"
	else
		bad "the 64 MiB went through the TAP to LKL" "$((tx1 - tx0)) bytes"
	fi
else
	bad "native http.server listening" "$(tr '\n' ' ' <"$tmp/http.log")"
fi
rm -f "$tmp/got"

# The same with the JSON configuration (lkl-hijack -c), whose "dump"
# prints LKL's own /proc/net/netstat at exit: LKL's IP took the bytes.
cat >"$tmp/hijack.json" <<JSON
{
	"interfaces": [
		{ "type": "tap", "param": "lkltap0", "ip": "10.77.0.1", "masklen": "24" }
	],
	"sysctl": "net.ipv4.tcp_rmem=4096 131072 4194304",
	"dump": "/proc/net/netstat"
}
JSON
if [ -n "$(ip netns exec "$pns" ss -Hltn 'sport = :8000')" ]; then
	timeout -k 5 300 ip netns exec "$lns" "$hijack" -c "$tmp/hijack.json" \
		curl -sS -o "$tmp/got" http://10.77.0.2:8000/big 2>"$tmp/curl.log"
	rc=$?
	octets=$(awk '/^IpExt: [0-9]/ { for (i = 2; i <= NF; i++) if (h[i] == "InOctets") print $i }
		      /^IpExt: [A-Z]/ { for (i = 2; i <= NF; i++) h[i] = $i }' "$tmp/curl.log")
	if [ $rc -eq 0 ] && [ "$(sha256sum <"$tmp/got")" = "$want" ]; then
		ok "lkl-hijack -c config.json: curl fetched 64 MiB, content identical"
	else
		bad "lkl-hijack -c config.json: curl fetched 64 MiB" "status $rc $(head -c 300 "$tmp/curl.log")"
	fi
	if [ "${octets:-0}" -ge $BIG ]; then
		ok "LKL's /proc/net/netstat counted $octets bytes in"
	else
		bad "LKL's /proc/net/netstat counted the bytes in" "InOctets '${octets}' $(head -c 300 "$tmp/curl.log")"
	fi
	rm -f "$tmp/got"
fi

# python3 http.server hijacked -> native curl.
# shellcheck disable=SC2086  # NET_ENV is words on purpose
timeout -k 5 300 ip netns exec "$lns" env $NET_ENV "$hijack" \
	python3 -m http.server --bind 10.77.0.1 8001 --directory "$tmp/www" \
	>"$tmp/hjhttp.log" 2>&1 &
hjhttp=$!
pids="$pids $hjhttp"
up=
for _ in $(seq 100); do
	ip netns exec "$pns" curl -s -o /dev/null http://10.77.0.1:8001/ && { up=1; break; }
	sleep 0.1
done
if [ -n "$up" ]; then
	rx0=$(tap_bytes "$lns" lkltap0 rx)
	ip netns exec "$pns" timeout 120 curl -sS -o "$tmp/got" \
		http://10.77.0.1:8001/big 2>"$tmp/curl.log"
	rc=$?
	rx1=$(tap_bytes "$lns" lkltap0 rx)
	if [ $rc -eq 0 ] && [ "$(sha256sum <"$tmp/got")" = "$want" ] &&
	   [ $((rx1 - rx0)) -ge $BIG ]; then
		ok "native curl fetched 64 MiB from a hijacked http.server through the TAP ($((rx1 - rx0)) bytes)"
	else
		bad "native curl fetched 64 MiB from a hijacked http.server" "status $rc, $((rx1 - rx0)) TAP bytes $(head -c 300 "$tmp/curl.log")"
	fi
else
	bad "hijacked http.server answers" "$(tr '\n' ' ' <"$tmp/hjhttp.log")"
fi
rm -f "$tmp/got"
# It holds the TAP: the next hijacked program needs it.
kill $hjhttp
wait $hjhttp 2>/dev/null

# socat: hijacked sender -> native receiver, then native -> hijacked.
ip netns exec "$pns" timeout 120 socat -u TCP-LISTEN:9000,reuseaddr \
	"CREATE:$tmp/socat1" 2>"$tmp/socat-peer.log" &
peer=$!
wait_port "$pns" 9000
hj socat -u "OPEN:$tmp/www/big" TCP:10.77.0.2:9000 2>"$tmp/socat.log"
rc=$?
wait $peer
if [ $rc -eq 0 ] && [ "$(sha256sum <"$tmp/socat1")" = "$want" ]; then
	ok "hijacked socat sent 64 MiB to a native socat, content identical"
else
	bad "hijacked socat sent 64 MiB to a native socat" "status $rc $(cat "$tmp/socat.log" "$tmp/socat-peer.log" | head -c 300)"
fi
rm -f "$tmp/socat1"
# shellcheck disable=SC2086
timeout -k 5 300 ip netns exec "$lns" env $NET_ENV "$hijack" \
	socat -u TCP-LISTEN:9001,reuseaddr "CREATE:$tmp/socat2" \
	2>"$tmp/socat.log" &
peer=$!
sent=
for _ in $(seq 100); do
	if ip netns exec "$pns" socat -u "OPEN:$tmp/www/big" \
		TCP:10.77.0.1:9001 2>/dev/null; then
		sent=1
		break
	fi
	sleep 0.1
done
wait $peer
rc=$?
if [ -n "$sent" ] && [ $rc -eq 0 ] && [ "$(sha256sum <"$tmp/socat2")" = "$want" ]; then
	ok "a hijacked socat received 64 MiB from a native socat, content identical"
else
	bad "a hijacked socat received 64 MiB from a native socat" "status $rc $(head -c 300 "$tmp/socat.log")"
fi
rm -f "$tmp/socat2"

# iperf3 hijacked against a native iperf3 -s.
if command -v iperf3 >/dev/null; then
	ip netns exec "$pns" iperf3 -s -B 10.77.0.2 -p 5201 >"$tmp/iperf-s.log" 2>&1 &
	pids="$pids $!"
	if wait_port "$pns" 5201 &&
	   hj iperf3 -c 10.77.0.2 -p 5201 -t 3 -f m >"$tmp/iperf.log" 2>&1; then
		ok "hijacked iperf3 -c against a native iperf3 -s"
		grep -E 'sender|receiver' "$tmp/iperf.log" | sed 's/^/# iperf3 hijacked: /'
		# The same path natively: from the bridge's own address.
		ip netns exec "$lns" timeout 30 iperf3 -c 10.77.0.2 -p 5201 -t 3 \
			-f m 2>&1 | grep -E 'sender|receiver' | sed 's/^/# iperf3 native: /'
	else
		bad "hijacked iperf3 -c against a native iperf3 -s" "$(tail -c 300 "$tmp/iperf.log")"
	fi
else
	echo "skip - iperf3: not installed"
	skip=$((skip + 1))
fi

# 16 threads x 500 connections, hijacked, against a native echo server.
ip netns exec "$pns" "$bindir/hijack-echo" server 10.77.0.2 7000 \
	>"$tmp/echo.log" 2>&1 &
pids="$pids $!"
if wait_port "$pns" 7000; then
	run_c "hijacked hijack-echo" hj "$bindir/hijack-echo" client 10.77.0.2 7000 16 500
	run_c "hijacked hijack-echo rr" hj "$bindir/hijack-echo" rr 10.77.0.2 7000 20000
	run_c "native hijack-echo rr" ip netns exec "$lns" timeout 60 \
		"$bindir/hijack-echo" rr 10.77.0.2 7000 20000
else
	bad "native echo server listening" "$(tr '\n' ' ' <"$tmp/echo.log")"
fi

summary
