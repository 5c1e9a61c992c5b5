# SPDX-License-Identifier: GPL-2.0
#
# harness.sh - sourced by the check-*.sh tests: one "ok"/"FAIL" line per
# check, then the closing "N passed, N failed[, N skipped]" (test.h's
# format).  summary() prints it and exits, non-zero if anything failed.

pass=0
fail=0
skip=0

summary() {
	if [ $skip -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ $fail -eq 0 ]
	exit
}

ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1: $2"; fail=$((fail + 1)); }
