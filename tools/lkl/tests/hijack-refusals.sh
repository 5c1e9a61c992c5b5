# SPDX-License-Identifier: GPL-2.0
#
# hijack-refusals.sh - sourced by check-hijack.sh and
# cross-hijack-loopback.sh (after harness.sh): the hijack refuses a bad
# configuration before the program's main() runs.
#
#   hijack_refusals RUN MARK PROG...
#	RUN [-c FILE] PROG... runs PROG under the hijack (the lkl-hijack
#	wrapper, or a function that does the same under an emulator);
#	MARK is what PROG prints once main() runs.  Each refusal must
#	exit 78 with a message naming the bad input, MARK never printed.

hijack_refusals() {
	local run=$1 mark=$2 out rc jtmp

	shift 2
	out=$(LKL_HIJACK_NET_IFTYPE=tap LKL_HIJACK_NET_IFPARAMS=x \
		LKL_HIJACK_NET_IP=10.77.0.300 LKL_HIJACK_NET_NETMASK_LEN=24 \
		"$run" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 78 ] && [ "${out#*"$mark"}" = "$out" ] &&
	   [ "${out#*LKL_HIJACK_NET_IP=\"10.77.0.300\"}" != "$out" ]; then
		ok "a bad LKL_HIJACK_NET_IP stops the program before main()"
	else
		bad "a bad LKL_HIJACK_NET_IP stops the program before main()" "status $rc: $out"
	fi
	out=$(LKL_HIJACK_NET_IPADDR=1 "$run" "$@" 2>&1)
	rc=$?
	if [ $rc -eq 78 ] && [ "${out#*LKL_HIJACK_NET_IPADDR}" != "$out" ]; then
		ok "an unknown LKL_HIJACK_ variable stops the program"
	else
		bad "an unknown LKL_HIJACK_ variable stops the program" "status $rc: $out"
	fi

	# The JSON file: a bad one is named with the key; the variables
	# that would say the same are refused beside it.
	jtmp=$(mktemp -d)
	printf '{ "interfaces": [ { "type": "tap", "param": "t0", "masklen": "99", "ip": "10.0.0.1" } ] }\n' \
		>"$jtmp/bad.json"
	out=$("$run" -c "$jtmp/bad.json" "$@" 2>&1)
	rc=$?
	if [ "${out#*has no JSON configuration}" != "$out" ]; then
		echo "skip - the JSON configuration: liblkl-hijack.so was built without cJSON"
		skip=$((skip + 1))
	elif [ $rc -eq 78 ] && [ "${out#*masklen}" != "$out" ] &&
	     [ "${out#*"$mark"}" = "$out" ]; then
		ok "a bad JSON configuration stops the program, naming the key"
	else
		bad "a bad JSON configuration stops the program, naming the key" "status $rc: $out"
	fi
	echo '{}' >"$jtmp/empty.json"
	out=$(LKL_HIJACK_NET_IP=10.0.0.1 "$run" -c "$jtmp/empty.json" "$@" 2>&1)
	rc=$?
	if [ "${out#*has no JSON configuration}" != "$out" ]; then
		:
	elif [ $rc -eq 78 ] && [ "${out#*LKL_HIJACK_NET_IP}" != "$out" ]; then
		ok "LKL_HIJACK_NET_IP beside a JSON configuration is refused"
	else
		bad "LKL_HIJACK_NET_IP beside a JSON configuration is refused" "status $rc: $out"
	fi
	rm -rf "$jtmp"
}
