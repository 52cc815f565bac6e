#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo": build the base test kernel and our modules (cached), boot the
# VM and walk through what sanguard does, step by step, on the console.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
FLAVOUR=${SANGUARD_DEMO_FLAVOUR:-base}
BUILD=$TOP/.build/demo

echo "demo: preparing the $FLAVOUR test kernel (the first run builds it: ~7 min)"
KDIR=$("$TOP/scripts/kernel.sh" build "$FLAVOUR")
rm -rf "$BUILD"
"$TOP/scripts/copy-tree.sh" "$BUILD/src"
echo "demo: building the modules"
if ! "$TOP/scripts/build-modules.sh" --src "$BUILD/src" "$KDIR" -j"$(nproc)" \
	>"$BUILD/build.log" 2>&1; then
	tail -n 30 "$BUILD/build.log"
	exit 1
fi
echo "demo: building xguard"
if ! make -C "$TOP/tools/xguard" >"$BUILD/xguard.log" 2>&1; then
	tail -n 20 "$BUILD/xguard.log"
	exit 1
fi
echo "demo: building the user verbs program srnic's part runs"
if ! make -C "$TOP/tools/testing/selftests/drivers/infiniband/srnic" \
	KSFT_DIR="$("$TOP/scripts/kernel.sh" src)/tools/testing/selftests" \
	>"$BUILD/uverbs.log" 2>&1; then
	tail -n 20 "$BUILD/uverbs.log"
	exit 1
fi
echo "demo: booting the VM"
exec "$TOP/tools/testing/vm/run" --flavour "$FLAVOUR" --moddir "$BUILD/src" \
	--out "$BUILD/vm" --timeout 900 -- tools/demo/demo-guest.sh
