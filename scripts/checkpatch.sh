#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch --strict on every C source and header of ours, with the
# checkpatch.pl of the cached 6.12 tree. Prints checkpatch's findings and a
# one-line total; exits non-zero if there is any ERROR, WARNING or CHECK.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=$("$TOP/scripts/kernel.sh" src)
cd "$TOP"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | sort)
[ ${#files[@]} -gt 0 ] || { echo "checkpatch: no C files"; exit 0; }
set +e
out=$(perl "$SRC/scripts/checkpatch.pl" --strict --no-tree --terse \
	--show-types --no-summary -f "${files[@]}" 2>&1)
set -e
if [ -n "$out" ]; then
	echo "$out"
	echo "checkpatch: $(echo "$out" | grep -cE ': (ERROR|WARNING|CHECK):') findings in ${#files[@]} files"
	exit 1
fi
echo "checkpatch: ${#files[@]} files clean"
