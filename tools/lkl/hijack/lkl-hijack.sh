#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkl-hijack [-c config.json] program [args...] - run an unmodified
# program on LKL's network stack: its sockets are LKL's (see
# Documentation/lkl/hijack.rst).  liblkl-hijack.so is looked for in
# ../lib beside this script, or where LKL_HIJACK_LIB says.

usage() {
	echo "usage: lkl-hijack [-c config.json] program [args...]" >&2
	echo "  the LKL_HIJACK_* environment variables configure LKL's stack" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	-c)
		[ $# -ge 2 ] || usage
		if [ ! -r "$2" ]; then
			echo "lkl-hijack: $2: cannot read the configuration file" >&2
			exit 78
		fi
		LKL_HIJACK_CONFIG_FILE=$2
		export LKL_HIJACK_CONFIG_FILE
		shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "lkl-hijack: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage

lib=${LKL_HIJACK_LIB:-$(cd "$(dirname "$0")/../lib" 2>/dev/null && pwd)/liblkl-hijack.so}
if [ ! -r "$lib" ]; then
	echo "lkl-hijack: $lib: not found (set LKL_HIJACK_LIB)" >&2
	exit 127
fi
LD_PRELOAD="$lib${LD_PRELOAD:+ $LD_PRELOAD}"
export LD_PRELOAD
exec "$@"
