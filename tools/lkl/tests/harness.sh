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

# count_c NAME LOG STATUS: a test.h program's output (in LOG) and exit
# status, its checks counted here, each line labelled with NAME; other
# lines are printed as they are.
count_c() {
	local name=$1 line f0=$fail

	while IFS= read -r line; do
		case "$line" in
		"ok - "*) ok "[$name] ${line#ok - }" ;;
		"FAIL - "*) bad "[$name] ${line#FAIL - }" "" ;;
		"skip - "*) echo "$line"; skip=$((skip + 1)) ;;
		*" passed, "*" failed"*) ;;
		*) echo "$line" ;;
		esac
	done <"$2"
	if [ "$3" -ne 0 ] && [ "$fail" -eq "$f0" ]; then
		bad "[$name] exits cleanly" "status $3"
	fi
}

# run_c NAME CMD...: CMD (a test.h program) run, and counted by count_c.
run_c() {
	local name=$1 log rc

	shift
	log=$(mktemp)
	"$@" >"$log" 2>&1
	rc=$?
	count_c "$name" "$log" $rc
	rm -f "$log"
}
