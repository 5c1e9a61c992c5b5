#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-net-selftests.sh [BINDIR] - the network selftests of the Linux
# tree the build uses (tools/testing/selftests/net), each run natively
# and under the hijack (BINDIR/lkl-hijack), each run in a network
# namespace of its own with only lo, up (deleted after the run).
#
# The programs are compiled here, with gcc, from the tree (its
# kselftest.h and kselftest_harness.h, the host's uapi headers) into
# BINDIR/../net-selftests; nothing of them is copied into this
# repository.  The tree: $KERNEL_SRC if set, else the one the kernel
# was built from (BINDIR/../kernel/source), else
# build/src/linux-source-6.12.  A program that does not build is a skip,
# with the compiler's message.
#
# The runs are listed below (run ...): the program, its arguments, the
# sysctls its own .sh wrapper sets (set in both namespaces, and in LKL
# through LKL_HIJACK_SYSCTL, so that what the program reads in the
# host's /proc agrees with LKL), and the hijacked result expected.  A
# run passes when its hijacked result is the expected one; the native
# result is printed beside it, for comparison, but not checked, as it
# is the host kernel's (another version on another machine).
#
# Results: a kselftest_harness program (its output has a TAP plan
# "1..N") is judged test by test: "N" expects all N "ok", "N fail=GLOB
# ..." expects exactly the tests whose names match a GLOB "not ok".
# Any other program is judged by its exit status: PASS (0), SKIP (4,
# KSFT_SKIP), FAIL (other); "FAIL~TEXT" also wants TEXT in its output.
# "native" expects the native result (for programs whose sockets stay
# the host's).  An expected result other than the native one on this
# machine has its reason beside it.

set -u

bindir=${1:-${LKL_BINDIR:-}}
srcdir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/lkl/tests/harness.sh
. "$srcdir/harness.sh"

PATH=$PATH:/sbin:/usr/sbin
T=30			# seconds allowed to each run, unless -t says
hijack=$bindir/lkl-hijack

[ "$(id -u)" = 0 ] ||
	{ echo "skip - net selftests: not root (needs network namespaces)"; skip=1; summary; }
for tool in ip gcc timeout; do
	command -v "$tool" >/dev/null ||
		{ echo "skip - net selftests: no $tool"; skip=1; summary; }
done
if [ -z "$bindir" ] || [ ! -x "$hijack" ] ||
   [ ! -r "$bindir/../lib/liblkl-hijack.so" ]; then
	bad "lkl-hijack and liblkl-hijack.so built" "not found from '${bindir}'"
	summary
fi

ktree=
trees=("$bindir/../kernel/source" "$srcdir/../../../build/src/linux-source-6.12")
[ -n "${KERNEL_SRC:-}" ] && trees=("$KERNEL_SRC")
for t in "${trees[@]}"; do
	if [ -f "$t/tools/testing/selftests/kselftest.h" ]; then
		ktree=$(cd "$t" && pwd)
		break
	fi
done
if [ -z "$ktree" ]; then
	echo "skip - net selftests: no tools/testing/selftests/kselftest.h in ${trees[*]}"
	skip=1
	summary
fi
sel=$ktree/tools/testing/selftests
out=$(cd "$bindir/.." && pwd)/net-selftests
mkdir -p "$out" || { bad "$out made" "cannot"; summary; }

ns=
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-net-selftests-XXXXXX")
# shellcheck disable=SC2317  # the trap runs it
cleanup() {
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- The runs -------------------------------------------------------------
#
# run ID EXPECTED [-s KEY=VALUE]... [-e VAR=VALUE]... [-h VAR=VALUE]...
#     [-n PATH] [-t SECONDS] [-r REASON] [-- ARGS...]
# ID is the program (net/ID.c, or net/af_unix/ID.c), with ":variant"
# when it runs more than once.  -s: a sysctl; -e: environment of both
# runs; -h: of the hijacked run only; -n: a file it needs (a skip
# without); -r: why the hijacked result is not the native one.
ids=() expects=() sysctls=() envs=() henvs=() needs=() timeouts=() reasons=()
argss=()
run() {
	local id=$1 expect=${2//$'\n'/ } s='' e='' h='' n='' t=$T r='' a=''

	shift 2
	while [ $# -gt 0 ]; do
		case "$1" in
		-s) s="$s${s:+;}$2"; shift 2 ;;
		-e) e="$e $2"; shift 2 ;;
		-h) h="$h $2"; shift 2 ;;
		-n) n=$2; shift 2 ;;
		-t) t=$2; shift 2 ;;
		-r) r=$2; shift 2 ;;
		--) shift; a="$*"; break ;;
		*) echo "check-net-selftests.sh: run $id: bad option '$1'" >&2; exit 2 ;;
		esac
	done
	ids+=("$id") expects+=("$expect") sysctls+=("$s") envs+=("$e")
	henvs+=("$h") needs+=("$n") timeouts+=("$t") reasons+=("$r")
	argss+=("$a")
}

# Single-process, on loopback.
run socket PASS
run reuseaddr_conflict PASS
run reuseport_dualstack PASS
run reuseport_addr_any PASS
run sk_bind_sendto_listen PASS
run sk_connect_zero_addr PASS
run sk_so_peek_off PASS
run tcp_inq PASS
run so_netns_cookie 'FAIL~identical cookies for distinct ns' \
	-r "unshare(CLONE_NEWNET) makes a host namespace; LKL's sockets stay in LKL's one"
run ipv6_flowlabel_mgr 'FAIL~wait: unexpected child result' \
	-r "its fork() child shares the socket, but its setuid(nobody) changes the host's credentials, not those of LKL's tasks (root)"
run ipv6_flowlabel:no-auto PASS -s net.ipv6.auto_flowlabels=0 -- -l 1
run ipv6_flowlabel:auto PASS -s net.ipv6.auto_flowlabels=1 -- -l 1
run ipv6_flowlabel:ping PASS -s net.ipv6.flowlabel_reflect=4 \
	-s 'net.ipv4.ping_group_range=0 2147483647' -- -l 1 -p
run ipv6_flowlabel:flowinfo PASS -- -l 1 -s
run ipv6_flowlabel:ping-flowinfo PASS -s net.ipv6.flowlabel_reflect=4 \
	-s 'net.ipv4.ping_group_range=0 2147483647' -- -l 1 -p -s
for a in 4 6 4s 6s 4r 6r 4sr 6sr; do
	run tcp_fastopen_backup_key:-$a PASS -s net.ipv4.tcp_fastopen=3 -- -$a
done
FRAG="-s net.ipv4.ipfrag_high_thresh=9000000 -s net.ipv4.ipfrag_low_thresh=7000000
-s net.ipv4.ipfrag_time=1 -s net.ipv6.ip6frag_high_thresh=9000000
-s net.ipv6.ip6frag_low_thresh=7000000 -s net.ipv6.ip6frag_time=1"
# shellcheck disable=SC2086  # FRAG is words on purpose
{
	run ip_defrag:-4 PASS $FRAG -- -4
	run ip_defrag:-4o PASS $FRAG -- -4o
	run ip_defrag:-6 PASS $FRAG -- -6
}
# The delay bounds (500 us from the send) are off in both runs: on two
# busy cores they measure the machine's load.
run txtimestamp:tcp4 PASS -e KSFT_MACHINE_SLOW=yes -- -4 -L 127.0.0.1
run txtimestamp:udp6 PASS -e KSFT_MACHINE_SLOW=yes -- -6 -L ::1 -u
# AF_PACKET on LKL too (by default it stays the host's).
run psock_tpacket 'FAIL~mmap: No such device' -h LKL_HIJACK_HOST_FAMILIES=unix \
	-r "mmap() of an LKL socket's ring is the placeholder's, a host AF_UNIX socket (ENODEV)"
run txring_overwrite 'FAIL~mmap: No such device' -h LKL_HIJACK_HOST_FAMILIES=unix \
	-r "mmap() of an LKL socket's ring is the placeholder's, a host AF_UNIX socket (ENODEV)"

# kselftest_harness: each TEST in a fork()ed child, on the parent's
# kernel (started by the first child's first socket).
run bind_wildcard 132
run bind_timewait 2
run netlink-dumps 3
# Its SCTP late_bind is expected to fail without SCTP (XPASS).
run ip_local_port_range '48 fail=*_stcp.invalid_option_value
*_stcp.port_range_out_of_netns_range *_stcp.single_port_range
*_stcp.exhaust_8_port_range *_stcp.get_port_range' \
	-s 'net.ipv4.ip_local_port_range=40000 49999' \
	-r "no SCTP in LKL (CONFIG_IP_SCTP); nor here in the host (no sctp module), so natively the same"
run reuseaddr_ports_exhausted '3 fail=*_different_euid' \
	-s 'net.ipv4.ip_local_port_range=32768 32768' -s net.ipv4.ip_autobind_reuse=1 \
	-r "seteuid() changes the host's credentials, not those of LKL's tasks (root): one euid"
run so_incoming_cpu '12 fail=*' \
	-r "LKL has one CPU (CONFIG_NR_CPUS=1): every SYN is handled on CPU 0"
run tun '5 fail=*.delete_detach_close' -n /dev/net/tun \
	-r "the TUN device is the host's (/dev/net/tun), the RTM_DELLINK goes to LKL's netlink"
# MPTCP: the server is a fork() child, on the parent's kernel.
run mptcp_inq 'PASS'
run mptcp_sockopt 'PASS'
# AF_UNIX stays the host's.
run unix_connect native
run scm_pidfd native
run msg_oob '40 fail=*' \
	-r "FIOSETOWN (SIGURG to a host pid) on the LKL TCP socket fails: LKL knows no host pid"
run diag_uid '2 fail=*' \
	-r "the sock_diag netlink socket is LKL's, the AF_UNIX sockets the host's; no CONFIG_UNIX_DIAG"

# ---- Building ------------------------------------------------------------

# The source of program ID ("" if none).
source_of() {
	local d

	for d in net net/af_unix net/mptcp; do
		[ -f "$sel/$d/$1.c" ] && { echo "$sel/$d/$1.c"; return; }
	done
}

# compile SRC: BIN, unless up to date; the compiler's errors in BIN.log.
compile() {
	local src=$1 bin h

	bin=$out/$(basename "$1" .c)
	if [ -x "$bin" ] && [ "$bin" -nt "$src" ]; then
		for h in "$sel"/kselftest*.h; do
			[ "$h" -nt "$bin" ] && break
		done
		[ "$h" -nt "$bin" ] || return 0
	fi
	rm -f "$bin"
	# Under another name first: another run may be using the folder.
	gcc -O2 -I"$sel" -o "$bin.$$" "$src" -lpthread >"$bin.log.$$" 2>&1 &&
		mv -f "$bin.$$" "$bin"
	mv -f "$bin.log.$$" "$bin.log"
}

declare -A built=()
jobs=0
for id in "${ids[@]}"; do
	prog=${id%%:*}
	[ -n "${built[$prog]+set}" ] && continue
	built[$prog]=1
	src=$(source_of "$prog")
	[ -n "$src" ] || continue
	compile "$src" &
	jobs=$((jobs + 1))
	if [ $jobs -ge 2 ]; then
		wait -n
		jobs=$((jobs - 1))
	fi
done
wait

# ---- Running -------------------------------------------------------------

# netns_run LOG SECONDS SYSCTLS CMD...: CMD in a new namespace with lo
# up and SYSCTLS (KEY=VALUE;...) set; its exit status (125: not run).
netns_run() {
	local log=$1 t=$2 kv rc k v

	ns=lkltest-sel-$$
	if ! ip netns add "$ns" >"$log" 2>&1 ||
	   ! ip -n "$ns" link set lo up >>"$log" 2>&1; then
		ns=
		return 125
	fi
	IFS=';' read -ra kv <<<"$3"
	for k in "${kv[@]}"; do
		v=${k#*=}
		k=${k%%=*}
		# shellcheck disable=SC2016  # sh expands them
		if ! ip netns exec "$ns" sh -c 'echo "$2" >"/proc/sys/$1"' \
			sh "${k//.//}" "$v" >>"$log" 2>&1; then
			echo "sysctl $k=$v not set" >>"$log"
			ip netns del "$ns"
			ns=
			return 125
		fi
	done
	shift 3
	timeout -k 5 "$t" ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	ip netns del "$ns"
	ns=
	return $rc
}

# result KIND LOG STATUS: the run's result, one line.  KIND tap: "N/M
# ok" (tap_check names the tests); else PASS, SKIP or FAIL.
result() {
	local n

	case "$3" in
	124|137) echo "TIMEOUT"; return ;;
	125) echo "NOT RUN ($(tail -n 1 "$2"))"; return ;;
	esac
	if [ "$3" -gt 128 ]; then
		echo "SIGNAL $(($3 - 128))"
		return
	fi
	if [ "$1" = tap ]; then
		n=$(grep -cE '^(not )?ok [0-9]+ ' "$2")
		echo "$((n - $(grep -cE '^not ok [0-9]+ ' "$2")))/$n ok"
		return
	fi
	case "$3" in
	0) echo PASS ;;
	4) echo SKIP ;;
	*) echo "FAIL ($3)" ;;
	esac
}

# tap_results LOG: "ok|NAME" or "not ok|NAME", a line per test.
tap_results() {
	sed -nE 's/^(ok|not ok) [0-9]+ ([^ ]+).*/\1|\2/p' "$1"
}

# tap_check LOG EXPECTED: "" if the TAP in LOG is as EXPECTED ("N
# [fail=GLOB...]"), else what differs.
tap_check() {
	local n=${2%% *} g st name want diff='' plan
	local -a globs=()

	[ "$n" != "$2" ] && read -ra globs <<<"${2#* fail=}"
	plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$1" | head -n 1)
	[ "$plan" = "$n" ] || diff="plan 1..${plan:-none}, want 1..$n; "
	[ "$(grep -cE '^(not )?ok [0-9]+ ' "$1")" = "$n" ] ||
		diff="$diff$(grep -cE '^(not )?ok [0-9]+ ' "$1") results, want $n; "
	while IFS='|' read -r st name; do
		want=ok
		for g in "${globs[@]}"; do
			# shellcheck disable=SC2053  # a glob on purpose
			[[ $name == $g ]] && want="not ok"
		done
		[ "$st" = "$want" ] || diff="$diff$name: $st, want $want; "
	done < <(tap_results "$1")
	echo "${diff%; }"
}

# check_one I: run I natively and hijacked, and judge the hijacked run.
check_one() {
	local i=$1 id=${ids[$1]} prog=${ids[$1]%%:*} want=${expects[$1]}
	local src bin kind=exit nrc hrc nres hres diff=''
	local -a nenv henv args
	local nlog=$tmp/$i.native hlog=$tmp/$i.hijack

	src=$(source_of "$prog")
	bin=$out/$prog
	if [ -z "$src" ]; then
		echo "skip - $id: no $prog.c in $sel/net"
		skip=$((skip + 1))
		return
	fi
	if [ ! -x "$bin" ]; then
		echo "skip - $id: does not build here: $(grep -m1 'error' "$bin.log")"
		skip=$((skip + 1))
		return
	fi
	if [ -n "${needs[$i]}" ] && [ ! -e "${needs[$i]}" ]; then
		echo "skip - $id: no ${needs[$i]}"
		skip=$((skip + 1))
		return
	fi
	grep -q 'kselftest_harness\.h' "$src" && kind=tap
	# The words of -e and -h have no spaces; the arguments are words.
	read -ra nenv <<<"${envs[$i]}"
	read -ra henv <<<"${envs[$i]} ${henvs[$i]}"
	read -ra args <<<"${argss[$i]}"
	[ -n "${sysctls[$i]}" ] && henv+=("LKL_HIJACK_SYSCTL=${sysctls[$i]}")
	netns_run "$nlog" "${timeouts[$i]}" "${sysctls[$i]}" \
		env "${nenv[@]}" "$bin" "${args[@]}"
	nrc=$?
	netns_run "$hlog" "${timeouts[$i]}" "${sysctls[$i]}" \
		env "${henv[@]}" "$hijack" "$bin" "${args[@]}"
	hrc=$?
	nres=$(result $kind "$nlog" $nrc)
	hres=$(result $kind "$hlog" $hrc)

	if [ "$want" = native ]; then
		[ "$hres" = "$nres" ] || diff="want the native result"
		# Test by test, too.
		[ $kind = tap ] && [ -z "$diff" ] &&
			! cmp -s <(tap_results "$nlog") <(tap_results "$hlog") &&
			diff="not the native tests: $(diff <(tap_results "$nlog") \
				<(tap_results "$hlog") | grep '^[<>]' | tr '\n' ' ')"
	elif [ $kind = tap ]; then
		diff=$(tap_check "$hlog" "$want")
		case "$hres" in
		TIMEOUT|SIGNAL*|NOT*) diff="$hres; $diff" ;;
		esac
	else
		case "$want" in
		"FAIL~"*)
			[ "${hres%% *}" = FAIL ] || diff="want FAIL"
			grep -qF -- "${want#FAIL~}" "$hlog" ||
				diff="${diff:+$diff, }no '${want#FAIL~}' in the output"
			;;
		*) [ "${hres%% *}" = "$want" ] || diff="want $want" ;;
		esac
	fi
	if [ -z "$diff" ]; then
		ok "$id: native $nres, hijack $hres"
	else
		bad "$id: native $nres, hijack $hres" "$diff"
		sed 's/^/# hijack: /' "$hlog" | tail -n 8
	fi
	[ -n "${reasons[$i]}" ] && echo "# $id, expected: ${reasons[$i]}"
}

echo "# the tree: $ktree; host kernel $(uname -r)"
for i in "${!ids[@]}"; do
	check_one "$i"
done
summary
