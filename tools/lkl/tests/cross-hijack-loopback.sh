#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cross-hijack-loopback.sh [BINDIR] - the hijack (liblkl-hijack.so)
# tests that need no network, for a cross build: each program talks to
# itself on LKL's loopback.  hijack-poll, -signal and -splice run without
# the hijack (the host kernel's answers, through the emulator, which
# their checks expect) and then under it; hijack-echo runs its server
# and 16 client threads in one hijacked process; hijack-fork-share and
# hijack-fork run hijacked only (they check the hijack's rules for
# fork()); a bad configuration stops a program before main().
#
# The programs run under $LKL_RUN (make test sets it for a cross
# target): qemu-user gets the preload with -E (LD_PRELOAD in its own
# environment would be for the x86_64 qemu); the i386 dynamic loader
# reads LD_PRELOAD, set by env just before it (not --preload: the
# programs the test starts need it too).  It is named cross-*, not
# check-*, so that a native make test does not pick it up: natively
# check-hijack.sh runs the same programs, and tests through a TAP (run
# by hand without LKL_RUN, this says so in one skip).

set -u

bindir=${1:-${LKL_BINDIR:-}}
srcdir=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/lkl/tests/harness.sh
. "$srcdir/harness.sh"
# shellcheck source=tools/lkl/tests/hijack-refusals.sh
. "$srcdir/hijack-refusals.sh"

LKL_RUN=${LKL_RUN:-}
hijack=$bindir/lkl-hijack
lib=$bindir/../lib/liblkl-hijack.so

if [ -z "$bindir" ] || [ ! -x "$hijack" ] || [ ! -r "$lib" ]; then
	bad "lkl-hijack and liblkl-hijack.so built" "not found from '${bindir}'"
	summary
fi
lib=$(cd "$(dirname "$lib")" && pwd)/liblkl-hijack.so

if [ -z "$LKL_RUN" ]; then
	echo "skip - natively check-hijack.sh runs these programs, with more checks"
	skip=1
	summary
fi

# Seconds allowed to each program.
limit=120

# hijacked [-c FILE] PROG ARGS: PROG with liblkl-hijack.so preloaded,
# under $LKL_RUN.
hijacked() {
	if [ "$1" = -c ]; then
		local LKL_HIJACK_CONFIG_FILE=$2
		export LKL_HIJACK_CONFIG_FILE
		shift 2
	fi
	# shellcheck disable=SC2086  # LKL_RUN is a command and its arguments
	case "${LKL_RUN%% *}" in
	qemu-*) timeout -k 5 $limit $LKL_RUN -E "LD_PRELOAD=$lib" "$@" ;;
	*/ld-linux*) timeout -k 5 $limit env "LD_PRELOAD=$lib" $LKL_RUN "$@" ;;
	*)
		echo "no way known to preload under LKL_RUN='$LKL_RUN'" >&2
		return 125 ;;
	esac
}

# native PROG ARGS: PROG without the hijack, under $LKL_RUN.
# shellcheck disable=SC2317  # called through run_c
native() {
	# shellcheck disable=SC2086  # LKL_RUN is a command and its arguments
	timeout -k 5 $limit $LKL_RUN "$@"
}

for prog in hijack-poll hijack-signal hijack-splice hijack-echo hijack-fork-share hijack-fork; do
	[ -x "$bindir/$prog" ] || bad "$prog built" "not in $bindir"
done

for prog in hijack-poll hijack-signal hijack-splice; do
	[ -x "$bindir/$prog" ] || continue
	run_c "native $prog" native "$bindir/$prog"
	run_c "hijacked $prog" hijacked "$bindir/$prog"
done

# Threads: 16 clients of 100 connections each and the server's thread
# per connection, all on LKL's loopback in one kernel.
if [ -x "$bindir/hijack-echo" ]; then
	limit=300
	run_c "hijacked hijack-echo local" \
		hijacked "$bindir/hijack-echo" local 16 100
	limit=120
fi

# fork(), hijacked only: by default the child uses the parent's kernel,
# which reads and writes the child's memory with process_vm_readv/writev;
# with LKL_HIJACK_FORK=new it boots one of its own.  qemu-user (Debian
# 12's 7.2) has no process_vm_readv (ENOSYS), so there the hijack gives
# the child a kernel of its own too; and qemu aborts the forked child of
# a process with threads when that child starts a thread (a ten-line
# program does the same), which booting a kernel does.  A run that
# shows qemu's assertion is a skip that quotes it; such a run hangs in
# a parent waiting for its dead child, hence 60 s, not 120.
for prog in hijack-fork-share hijack-fork; do
	[ -x "$bindir/$prog" ] || continue
	mode=share
	[ "$prog" = hijack-fork ] && mode=new
	# hijack-fork-share starts itself again with posix_spawn() and
	# execv(): the host must run it without LKL_RUN (its loader there;
	# qemu through binfmt_misc).
	interp=$(readelf -l "$bindir/$prog" 2>/dev/null |
		sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
	if [ $mode = share ] && [ -n "$interp" ] && [ ! -e "$interp" ]; then
		echo "skip - hijacked $prog: it executes itself, which needs its loader $interp (Debian's multiarch libc6 of the target), not installed"
		skip=$((skip + 1))
		continue
	fi
	log=$(mktemp)
	limit=60
	LKL_HIJACK_FORK=$mode hijacked "$bindir/$prog" >"$log" 2>&1
	rc=$?
	limit=120
	abort=$(grep -m1 'qemu_plugin_vcpu_init_hook: assertion failed' "$log")
	if [ -n "$abort" ]; then
		why="aborted the forked child when it started a thread"
		[ $mode = share ] && why="has no process_vm_readv, so the child got a kernel of its own, and it $why"
		echo "skip - hijacked $prog (LKL_HIJACK_FORK=$mode): ${LKL_RUN%% *} $why (${abort#Bail out! })"
		skip=$((skip + 1))
	else
		count_c "hijacked $prog (LKL_HIJACK_FORK=$mode)" "$log" $rc
	fi
	rm -f "$log"
done

# A bad configuration: refused before main() runs.
hijack_refusals hijacked "# poll" "$bindir/hijack-poll"

summary
