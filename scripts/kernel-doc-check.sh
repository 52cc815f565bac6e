#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-doc -Wall on every C source and header of our kernel code (net/,
# drivers/, include/, the test-only modules under tools/testing/), with
# the scripts/kernel-doc of the cached 6.12 tree. Prints kernel-doc's
# warnings and a one-line total; exits non-zero if there is any warning
# or error.
#
#   scripts/kernel-doc-check.sh [FILE|DIR...]   (default: all of the above)
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=$("$TOP/scripts/kernel.sh" src)
KDOC=$SRC/scripts/kernel-doc
[ -f "$KDOC" ] || { echo "kernel-doc-check: no $KDOC" >&2; exit 2; }
cd "$TOP"
if [ $# -gt 0 ]; then
	dirs=("$@")
else
	dirs=(net drivers include tools/testing/vm/harness
		tools/testing/selftests/net/xfrm_guard/xg_offload
		tools/testing/selftests/net/xfrm_guard/xg_testowner
		tools/testing/selftests/drivers/infiniband/srnic/srnic_testulp)
fi
pathspecs=()
for d in "${dirs[@]}"; do
	d=${d%/}
	case "$d" in
	*.c | *.h) pathspecs+=("$d") ;;
	*) pathspecs+=("$d/*.c" "$d/*.h") ;;
	esac
done
mapfile -t files < <(git ls-files -co --exclude-standard -- "${pathspecs[@]}" | sort)
[ ${#files[@]} -gt 0 ] || { echo "kernel-doc-check: no C files"; exit 0; }
set +e
out=$(perl "$KDOC" -Wall -none "${files[@]}" 2>&1)
rc=$?
set -e
n=$(printf '%s\n' "$out" | grep -cE '(warning|error|Error):' || true)
if [ -n "$out" ] || [ $rc -ne 0 ]; then
	[ -z "$out" ] || echo "$out"
	echo "kernel-doc-check: $n warnings in ${#files[@]} files (kernel-doc exit status $rc)"
	exit 1
fi
echo "kernel-doc-check: ${#files[@]} files clean"
