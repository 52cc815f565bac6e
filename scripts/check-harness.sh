#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check-harness": proves the VM runner can fail. Two test-only modules
# (tools/testing/vm/harness/) are built against the debug kernel:
#   harness_fail_kunit  a KUnit suite with a failing case
#   harness_kasan       makes KASAN report an out-of-bounds read
# Each is loaded in its own VM boot; the runner must exit non-zero and say
# why. Exits 0 only when both failures are caught.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/.build/harness
KDIR=$("$TOP/scripts/kernel.sh" build debug) || exit 1
SRC_TREE=$("$TOP/scripts/kernel.sh" src)

rm -rf "$BUILD"
"$TOP/scripts/copy-tree.sh" "$BUILD/src"
if ! "$TOP/scripts/build-modules.sh" --harness --src "$BUILD/src" "$KDIR" \
	>"$BUILD/build.log" 2>&1; then
	tail -n 30 "$BUILD/build.log"
	echo "check-harness: cannot build the harness modules"
	exit 1
fi

caught=0

echo "== harness 1: a failing KUnit case"
"$TOP/tools/testing/vm/run" --flavour debug --moddir "$BUILD/src" --out "$BUILD/kunit" -- \
	tools/testing/vm/guest-run.sh --kunit --only harness_fail_kunit
rc=$?
ktap=$(ls "$BUILD"/kunit/kunit/*.ktap 2>/dev/null | head -n 1)
if [ $rc -ne 0 ] && [ -n "$ktap" ] &&
	! python3 "$SRC_TREE/tools/testing/kunit/kunit.py" parse "$ktap" >"$BUILD/kunit.parsed" 2>&1; then
	grep -E 'FAILED|Expected|deliberate' "$BUILD/kunit.parsed" | sed 's/^/  /'
	echo "check-harness: caught: runner exit $rc, kunit.py parse reports the failing case"
	caught=$((caught + 1))
else
	echo "check-harness: NOT caught: runner exit $rc; a failing KUnit case went unnoticed"
fi

echo "== harness 2: a KASAN report"
"$TOP/tools/testing/vm/run" --flavour debug --moddir "$BUILD/src" --out "$BUILD/kasan" -- \
	modprobe harness_kasan
rc=$?
if [ $rc -ne 0 ] && grep -q 'BUG: KASAN' "$BUILD/kasan/health"; then
	echo "check-harness: caught: runner exit $rc, reason: $(grep -m1 'BUG: KASAN' "$BUILD/kasan/health")"
	caught=$((caught + 1))
else
	echo "check-harness: NOT caught: runner exit $rc; a KASAN report went unnoticed"
fi

echo
echo "check-harness: $caught of 2 deliberate failures caught"
[ $caught -eq 2 ]
