#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A developer's quick build: copy the work tree (tracked and untracked,
# not ignored) to DIR/src and build it there against the pinned FLAVOUR
# kernel with W=1 and sparse, so several people can build from one
# checkout without sharing objects. Prints warnings; exits non-zero on any.
#
#   scripts/dev-build.sh DIR [debug|base]
#
# Then run something in the VM with the result:
#   tools/testing/vm/run --moddir DIR/src --out DIR/vm -- CMD...
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: $0 DIR [debug|base]}
FLAVOUR=${2:-debug}
KDIR=$("$TOP/scripts/kernel.sh" build "$FLAVOUR")
mkdir -p "$DIR"
"$TOP/scripts/copy-tree.sh" "$DIR/src"
"$TOP/scripts/build-modules.sh" --src "$DIR/src" "$KDIR" W=1 C=1 -j"$(nproc)" >"$DIR/build.log" 2>&1 || {
	tail -n 40 "$DIR/build.log"
	exit 1
}
if grep -E 'warning:|error:' "$DIR/build.log"; then
	exit 1
fi
echo "dev-build: $(find "$DIR/src" -name '*.ko' | wc -l) modules in $DIR/src, no warnings"
