#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-bionic.sh [OBJDIR] - the host library must keep to what Android's
# C library (bionic) provides: every C library symbol its objects
# (OBJDIR, default $LKL_BINDIR/../obj/lib, i.e. build/<target>/obj/lib)
# use must be listed in bionic-symbols.txt beside this script, where
# each name was checked against bionic.  No NDK is needed (Debian has
# none): this compares names, it does not build for Android.  Symbols of
# LKL itself (lkl_*) and of cJSON (cJSON_*: the JSON configuration,
# built from cJSON's own sources on Android) are left out.  One line per
# object, then "N passed, N failed".

set -u

. "$(dirname "$0")/harness.sh"
list="$(dirname "$0")/bionic-symbols.txt"
objdir=${1:-${LKL_BINDIR:+$LKL_BINDIR/../obj/lib}}
nm=${NM:-nm}

if [ -z "$objdir" ] || ! ls "$objdir"/*.o >/dev/null 2>&1; then
	bad "host library objects" "none in '${objdir}' (build first)"
	summary
fi
if [ ! -r "$list" ]; then
	bad "bionic symbol list" "$list not readable"
	summary
fi
known=$(grep -v '^#' "$list" | grep -v '^$' | sort -u)

# The portable name of a glibc symbol.
portable() {
	sed -e 's/^__isoc99_//' -e 's/^__errno_location$/errno/' \
		-e 's/^_setjmp$/setjmp/' -e 's/^__sigsetjmp$/setjmp/' \
		-e 's/^__\(.*\)_chk$/\1/'
}

for obj in "$objdir"/*.o; do
	name=$(basename "$obj")
	used=$("$nm" -u "$obj" | awk '{ print $NF }' |
		grep -v -e '^lkl_' -e '^_lkl_' -e '^cJSON_' | portable | sort -u)
	missing=$(comm -23 <(echo "$used" | grep -v '^$') <(echo "$known"))
	if [ -z "$missing" ]; then
		ok "$name uses only what bionic has"
	else
		bad "$name uses what bionic-symbols.txt does not list" \
			"$(echo $missing)"
	fi
done
summary
