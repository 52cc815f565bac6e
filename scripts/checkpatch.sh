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
# checkpatch cannot see the kernel's own headers from here (--no-tree), so
# it calls their CamelCase names ours. Drop exactly those.
KERNEL_CAMELCASE='Scsi_Host'
out=$(printf '%s\n' "$out" | grep -vE "CAMELCASE: Avoid CamelCase: <($KERNEL_CAMELCASE)>" || true)
if [ -n "$out" ]; then
	echo "$out"
	echo "checkpatch: $(echo "$out" | grep -cE ': (ERROR|WARNING|CHECK):') findings in ${#files[@]} files"
	exit 1
fi
echo "checkpatch: ${#files[@]} files clean"
