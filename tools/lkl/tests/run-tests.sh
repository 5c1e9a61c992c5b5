#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh BINDIR - run every LKL test program and add up their results.
#
# Each program ends with "N passed, N failed[, N skipped]"; this script
# prints each program's output indented, then one total line in the same
# format, last.  It exits non-zero when anything failed, or when a
# program crashed, timed out or exited non-zero (each such counts as a
# failure).  A program that is absent is a skip, with its reason.
#
# Programs, looked up in BINDIR and then beside this script:
#   boot, host-ops-test, header-conflicts, disk, large-file, net-pipe,
#   net-config,
#   net-gso, config-json, mptcp-pipe
#                                compiled tests (BINDIR)
#   check-exports.sh             argument: $LKL_LIBDIR
#   check-headers.sh             arguments: $LKL_INCDIR [$LKL_CC]
#   any other check-*.sh         no argument
# A script whose variable is not set is skipped, with that reason.
# LKL_TEST_ARGS_<name> (name with '-' and '.' as '_', e.g.
# LKL_TEST_ARGS_check_exports_sh) overrides a program's arguments.
# LKL_TEST_TIMEOUT: seconds allowed per program (default 600).
# LKL_RUN: a command that compiled tests run under, e.g. "qemu-aarch64 -L
# /usr/aarch64-linux-gnu" for a cross build (make test sets it).
# LKL_LIBDIR, LKL_INCDIR, LKL_BINDIR and LKL_RUN are exported to every
# program (a test that runs itself again does so under LKL_RUN).

set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 BINDIR" >&2
	exit 2
fi

BINDIR=$(cd "$1" && pwd)
SRCDIR=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${LKL_TEST_TIMEOUT:-600}
export LKL_BINDIR="$BINDIR"
export LKL_LIBDIR="${LKL_LIBDIR:-}"
export LKL_INCDIR="${LKL_INCDIR:-}"
export LKL_RUN="${LKL_RUN:-}"

PROGRAMS="boot host-ops-test header-conflicts disk large-file net-pipe net-config net-gso config-json mptcp-pipe check-exports.sh check-headers.sh"
# LKL_TESTS="prog ..." runs just these (make test-musl does).
[ -n "${LKL_TESTS:-}" ] && PROGRAMS=$LKL_TESTS
for extra in "$BINDIR"/check-*.sh "$SRCDIR"/check-*.sh; do
	[ -n "${LKL_TESTS:-}" ] && break
	[ -f "$extra" ] || continue
	case " $PROGRAMS " in
	*" $(basename "$extra") "*) ;;
	*) PROGRAMS="$PROGRAMS $(basename "$extra")" ;;
	esac
done

total_pass=0
total_fail=0
total_skip=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

find_prog() {
	local p
	for p in "$BINDIR/$1" "$SRCDIR/$1"; do
		if [ -f "$p" ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# "N passed, N failed", with ", N skipped" only when something was skipped.
summary_line() {
	if [ "$3" -gt 0 ]; then
		echo "$1 passed, $2 failed, $3 skipped"
	else
		echo "$1 passed, $2 failed"
	fi
}

# The arguments a program takes from the environment; fails (and names
# the variable) when the one it needs is not set.
default_args() {
	case "$1" in
	check-exports.sh)
		[ -n "$LKL_LIBDIR" ] || { echo "LKL_LIBDIR"; return 1; }
		echo "$LKL_LIBDIR" ;;
	check-headers.sh)
		[ -n "$LKL_INCDIR" ] || { echo "LKL_INCDIR"; return 1; }
		echo "$LKL_INCDIR ${LKL_CC:-}" ;;
	esac
}

for name in $PROGRAMS; do
	echo "== $name"
	if ! path=$(find_prog "$name"); then
		echo "skip - $name: not found in $BINDIR or $SRCDIR"
		total_skip=$((total_skip + 1))
		continue
	fi

	var="LKL_TEST_ARGS_$(echo "$name" | tr -- '-.' '__')"
	if [ -n "${!var+set}" ]; then
		args=${!var}
	elif ! args=$(default_args "$name"); then
		echo "skip - $name: $args is not set"
		total_skip=$((total_skip + 1))
		continue
	fi

	case "$name" in
	*.sh) cmd=(bash "$path") ;;
	# shellcheck disable=SC2206  # LKL_RUN is words on purpose
	*) cmd=($LKL_RUN "$path") ;;
	esac

	# shellcheck disable=SC2086  # args are words on purpose
	timeout -k 10 "$TIMEOUT" "${cmd[@]}" $args </dev/null >"$log" 2>&1
	rc=$?
	sed 's/^/    /' "$log"

	# The program's own closing line (an optional "word: " before it).
	summary=$(grep -E '^([A-Za-z0-9_-]+: )?[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
	p=0 f=0 s=0
	if [ -n "$summary" ]; then
		nums=$(echo "$summary" | sed -E 's/^([A-Za-z0-9_-]+: )?//')
		p=$(echo "$nums" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$nums" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		case "$nums" in
		*skipped) s=$(echo "$nums" | sed -E 's/.*, ([0-9]+) skipped$/\1/') ;;
		esac
	fi

	if [ $rc -eq 124 ]; then
		echo "FAIL - $name: timed out after $TIMEOUT s"
		f=$((f + 1))
	elif [ $rc -eq 137 ]; then
		echo "FAIL - $name: killed (SIGKILL: timed out or out of memory)"
		f=$((f + 1))
	elif [ $rc -gt 128 ]; then
		echo "FAIL - $name: crashed (signal $((rc - 128)))"
		f=$((f + 1))
	elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL - $name: exited with status $rc"
		f=$((f + 1))
	elif [ -z "$summary" ]; then
		# A program that has no summary line of its own: its exit
		# status is its one result.
		if [ $rc -eq 0 ]; then
			echo "ok - $name (no summary line; exit status 0)"
			p=1
		fi
	fi
	echo "$name: $(summary_line "$p" "$f" "$s")"

	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
done

summary_line "$total_pass" "$total_fail" "$total_skip"
[ $total_fail -eq 0 ]
