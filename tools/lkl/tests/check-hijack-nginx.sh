#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-hijack-nginx.sh [BINDIR] - Debian's nginx and curl on LKL's
# network stack through liblkl-hijack.so (the lkl-hijack wrapper): curl
# fetches a 64 MiB file from nginx, content checked, with nginx hijacked
# and curl native, curl hijacked and nginx native, then both hijacked,
# each with a kernel and a TAP of its own; last, a hijacked nginx with a
# master process and two workers serves four native curls at once.
#
# As root, in two private namespaces (netns-lib.sh) joined by the veth
# lklv0/lklv1: in the first, TAP lkltap0 bridged to lklv0, where the
# hijacked program is 10.77.0.1/24; in the second, TAP lkltap1 bridged
# to lklv1, where the host's stack is 10.77.0.2/24 on the bridge (the
# native peer) and a hijacked program 10.77.0.4/24.  The TAPs' host-side
# byte counters prove that the bytes went through LKL's stack.
#
# nginx runs in the foreground with a configuration of its own in the
# test's directory (nothing of /etc/nginx, no service), as one process
# (master_process off) but in the last case, where its workers are
# fork()ed children that make their LKL calls through the master's
# kernel (hijack.rst, "fork and exec"); its access log names the
# process that served each request.  It serves with sendfile on, so the
# hijack's sendfile() from a host file to an LKL socket carries the file.

set -u

bindir=${1:-${LKL_BINDIR:-}}
srcdir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/lkl/tests/harness.sh
. "$srcdir/harness.sh"
# shellcheck source=tools/lkl/tests/netns-lib.sh
. "$srcdir/netns-lib.sh"

BIG=$((64 << 20))
PORT=8080
hijack_built

netns_init hijack-nginx "$bindir" curl nginx sha256sum ss
netns_setup
# The peer's address moves from its veth to the bridge its TAP joins.
ip -n "$pns" addr flush dev lklv1
netns_tap "$lns" lkltap0 lklbr0 lklv0
netns_tap "$pns" lkltap1 lklbr1 lklv1 10.77.0.2

# hj_cmd NS TAP ADDR: in $hj, the command that runs a program under the
# hijack in NS, LKL being ADDR/24 on TAP (a command, not a function, so
# that $! of one started in the background is the process to signal).
hj_cmd() {
	hj=(timeout -k 5 300 ip netns exec "$1" env LKL_HIJACK_NET_IFTYPE=tap
	    LKL_HIJACK_NET_IFPARAMS="$2" LKL_HIJACK_NET_IP="$3"
	    LKL_HIJACK_NET_NETMASK_LEN=24 "$hijack")
}

mkdir -p "$tmp/www"
head -c $BIG /dev/urandom >"$tmp/www/big"
echo up >"$tmp/www/up"
want=$(sha256sum <"$tmp/www/big")

# nginx_start NAME ADDR [hijacked NS TAP]: nginx in the foreground,
# its processes as $procs says, listening on ADDR:PORT, its files (the
# access log: the serving process, status, bytes, path) in $tmp/NAME;
# natively in the
# peer's namespace, or hijacked in NS on TAP.  Its pid in $nginx_pid;
# fails (a FAIL line) unless it serves $tmp/www/up to a native curl in
# the peer's namespace within 10 s.
nginx_start() {
	local addr=$2 dir=$tmp/$1

	mkdir -p "$dir"
	cat >"$dir/nginx.conf" <<-CONF
	daemon off;
	$procs
	user root;
	pid $dir/nginx.pid;
	error_log $dir/error.log info;
	events { worker_connections 64; }
	http {
		log_format bypid '\$pid \$status \$body_bytes_sent \$uri';
		access_log $dir/access.log bypid;
		client_body_temp_path $dir/body;
		proxy_temp_path $dir/proxy;
		fastcgi_temp_path $dir/fastcgi;
		uwsgi_temp_path $dir/uwsgi;
		scgi_temp_path $dir/scgi;
		sendfile on;
		server { listen $addr:$PORT; root $tmp/www; }
	}
	CONF
	if [ "${3:-}" = hijacked ]; then
		hj_cmd "$4" "$5" "$addr"
		"${hj[@]}" nginx -p "$dir" -e "$dir/error.log" \
			-c "$dir/nginx.conf" >"$dir/out.log" 2>&1 &
	else
		timeout -k 5 300 ip netns exec "$pns" nginx -p "$dir" \
			-e "$dir/error.log" -c "$dir/nginx.conf" \
			>"$dir/out.log" 2>&1 &
	fi
	nginx_pid=$!
	pids="$pids $nginx_pid"
	for _ in $(seq 100); do
		ip netns exec "$pns" curl -s -o /dev/null --max-time 2 \
			"http://$addr:$PORT/up" && return 0
		kill -0 $nginx_pid 2>/dev/null || break
		sleep 0.1
	done
	bad "$name: nginx serves http://$addr:$PORT/" \
		"$(cat "$dir/out.log" "$dir/error.log" 2>/dev/null | tail -5 | tr '\n' ' ')"
	return 1
}

# nginx_stop NAME: SIGTERM to the nginx of $tmp/NAME, which must exit 0
# without an alert or worse in its log (checks labelled with $name).
nginx_stop() {
	local dir=$tmp/$1 rc

	kill -TERM "$nginx_pid"
	wait "$nginx_pid"
	rc=$?
	pids=${pids/ $nginx_pid/}
	if [ $rc -eq 0 ] && ! grep -Eq '\[(alert|crit|emerg)\]' "$dir/error.log"; then
		ok "$name: nginx exits 0 on SIGTERM, no alert in its log"
	else
		bad "$name: nginx exits 0 on SIGTERM, no alert in its log" \
			"status $rc $(grep -E '\[(alert|crit|emerg|error)\]' "$dir/error.log" | head -3 | tr '\n' ' ')"
	fi
}

# fetch NAME CURL...: CURL (a command ending in the URL) gets the big
# file; the content must be the file's.
fetch() {
	local name=$1 rc

	shift
	"$@" -sS --max-time 240 -o "$tmp/got" 2>"$tmp/curl.log"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(sha256sum <"$tmp/got")" = "$want" ]; then
		ok "$name: curl fetched 64 MiB from nginx, content identical"
	else
		bad "$name: curl fetched 64 MiB from nginx" \
			"status $rc $(head -c 300 "$tmp/curl.log")"
	fi
	rm -f "$tmp/got"
}

# through NAME WHAT BEFORE AFTER [N]: at least N (1) times 64 MiB counted
# on a TAP.
through() {
	if [ $(($4 - $3)) -ge $((${5:-1} * BIG)) ]; then
		ok "$1: $2 ($(($4 - $3)) bytes)"
	else
		bad "$1: $2" "$(($4 - $3)) bytes"
	fi
}

procs="master_process off;"

# nginx hijacked, curl native.
name="nginx hijacked, curl native"
if nginx_start hj-nginx 10.77.0.1 hijacked "$lns" lkltap0; then
	rx0=$(tap_bytes "$lns" lkltap0 rx)
	fetch "$name" ip netns exec "$pns" curl "http://10.77.0.1:$PORT/big"
	rx1=$(tap_bytes "$lns" lkltap0 rx)
	through "$name" "the file left LKL through lkltap0" "$rx0" "$rx1"
	nginx_stop hj-nginx
fi

# curl hijacked, nginx native.
name="curl hijacked, nginx native"
if nginx_start nginx 10.77.0.2; then
	tx0=$(tap_bytes "$lns" lkltap0 tx)
	hj_cmd "$lns" lkltap0 10.77.0.1
	fetch "$name" "${hj[@]}" curl \
		"http://10.77.0.2:$PORT/big"
	tx1=$(tap_bytes "$lns" lkltap0 tx)
	through "$name" "the file reached LKL through lkltap0" "$tx0" "$tx1"
	nginx_stop nginx
fi

# Both hijacked: nginx 10.77.0.4 on lkltap1, curl 10.77.0.1 on lkltap0.
name="both hijacked"
if nginx_start hj-both 10.77.0.4 hijacked "$pns" lkltap1; then
	rx0=$(tap_bytes "$pns" lkltap1 rx)
	tx0=$(tap_bytes "$lns" lkltap0 tx)
	hj_cmd "$lns" lkltap0 10.77.0.1
	fetch "$name" "${hj[@]}" curl \
		"http://10.77.0.4:$PORT/big"
	rx1=$(tap_bytes "$pns" lkltap1 rx)
	tx1=$(tap_bytes "$lns" lkltap0 tx)
	through "$name" "the file left nginx's LKL through lkltap1" "$rx0" "$rx1"
	through "$name" "the file reached curl's LKL through lkltap0" "$tx0" "$tx1"
	nginx_stop hj-both
fi

# nginx hijacked with a master process and two workers: the workers are
# fork()ed children, whose LKL calls go to the master's kernel.  Four
# native curls at once; the access log says which process served each.
name="nginx hijacked, master and 2 workers"
procs="master_process on; worker_processes 2;"
if nginx_start hj-workers 10.77.0.1 hijacked "$lns" lkltap0; then
	rx0=$(tap_bytes "$lns" lkltap0 rx)
	curls=()
	for i in 1 2 3 4; do
		ip netns exec "$pns" curl -sS --max-time 240 -o "$tmp/got$i" \
			"http://10.77.0.1:$PORT/big" 2>"$tmp/curl$i.log" &
		curls[i]=$!
	done
	good=0
	for i in 1 2 3 4; do
		wait "${curls[i]}" &&
			[ "$(sha256sum <"$tmp/got$i")" = "$want" ] &&
			good=$((good + 1))
	done
	rx1=$(tap_bytes "$lns" lkltap0 rx)
	if [ $good -eq 4 ]; then
		ok "$name: 4 curls at once fetched 64 MiB each, content identical"
	else
		bad "$name: 4 curls at once fetched 64 MiB each" \
			"$good good $(cat "$tmp"/curl?.log | head -c 300)"
	fi
	through "$name" "the files left LKL through lkltap0" "$rx0" "$rx1" 4
	master=$(cat "$tmp/hj-workers/nginx.pid")
	served=$(awk -v m="$master" '$4 == "/big" && $2 == 200 && $1 != m' \
		"$tmp/hj-workers/access.log" | wc -l)
	if [ "$served" -eq 4 ]; then
		ok "$name: the workers served them (pids $(awk '$4 == "/big" { print $1 }' \
			"$tmp/hj-workers/access.log" | sort -u | tr '\n' ' ')- the master is $master)"
	else
		bad "$name: the workers served them" \
			"$served of 4; log: $(tr '\n' ' ' <"$tmp/hj-workers/access.log")"
	fi
	nginx_stop hj-workers
	rm -f "$tmp"/got?
fi

summary
