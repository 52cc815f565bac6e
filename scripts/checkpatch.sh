#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch --strict on every C source and header of ours, with the
# checkpatch.pl of the cached 6.12 tree. Prints checkpatch's findings and a
# one-line total; exits non-zero if there is any ERROR, WARNING or CHECK.
#
# What checkpatch says of a file depends only on checkpatch itself, the
# file's path and its bytes, so each file's findings are kept in the cache
# (keyed by those three) and checkpatch runs only on the files it has not
# seen like this, two at a time; SANGUARD_NO_CHECK_CACHE=1 runs it on
# every file.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=$("$TOP/scripts/kernel.sh" src)
CACHE=${SANGUARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sanguard}/checkpatch
CP=$SRC/scripts/checkpatch.pl
cd "$TOP"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | sort)
[ ${#files[@]} -gt 0 ] || { echo "checkpatch: no C files"; exit 0; }

# The checker: the script and the data files it reads.
tool=$(cat "$CP" "$SRC/scripts/spelling.txt" "$SRC/scripts/const_structs.checkpatch" \
	2>/dev/null | sha256sum | cut -c1-64)
key() { { printf '%s\n%s\n' "$tool" "$1"; cat "$1"; } | sha256sum | cut -c1-64; }

declare -A KEY
todo=()
mkdir -p "$CACHE"
for f in "${files[@]}"; do
	KEY[$f]=$(key "$f")
	if [ -n "${SANGUARD_NO_CHECK_CACHE:-}" ] || [ ! -f "$CACHE/${KEY[$f]}" ]; then
		todo+=("$f")
	fi
done

# One checkpatch per file: a run over many files reports a CamelCase name
# only in the first file that has it, so a file's findings would depend
# on the files checked with it.
# checkpatch exits 1 on findings; anything else (perl died) is not kept.
check_one() {
	local rc=0
	perl "$CP" --strict --no-tree --terse --show-types --no-summary -f "$1" \
		>"$2.tmp" 2>&1 || rc=$?
	if [ $rc -le 1 ]; then
		mv "$2.tmp" "$2"
	else
		echo "checkpatch: exit status $rc on $1:"
		cat "$2.tmp"
		rm -f "$2.tmp"
	fi
}
export -f check_one
export CP
# shellcheck disable=SC2016 # expanded by the inner bash
for f in "${todo[@]}"; do
	printf '%s\0%s\0' "$f" "$CACHE/${KEY[$f]}"
done | xargs -0 -r -n 2 -P "$(nproc)" bash -c 'check_one "$1" "$2"' _
for f in "${files[@]}"; do
	[ -f "$CACHE/${KEY[$f]}" ] || { echo "checkpatch: no result for $f"; exit 1; }
done
out=$(for f in "${files[@]}"; do cat "$CACHE/${KEY[$f]}"; done)
# checkpatch cannot see the kernel's own headers from here (--no-tree), so
# it calls their CamelCase names ours. Drop exactly those.
KERNEL_CAMELCASE='Scsi_Host'
out=$(printf '%s\n' "$out" | grep -vE "CAMELCASE: Avoid CamelCase: <($KERNEL_CAMELCASE)>" || true)
checked="${#todo[@]} checked, $((${#files[@]} - ${#todo[@]})) unchanged since checked"
if [ -n "$out" ]; then
	echo "$out"
	echo "checkpatch: $(echo "$out" | grep -cE ': (ERROR|WARNING|CHECK):') findings in ${#files[@]} files ($checked)"
	exit 1
fi
echo "checkpatch: ${#files[@]} files clean ($checked)"
