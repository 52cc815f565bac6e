#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each driver's .kunitconfig still resolves to the options it names, in a
# kernel tree with our modules laid in (scripts/intree.sh): what
# "kunit.py run --kunitconfig=DRIVER" starts with. The suites themselves
# run in the debug VM.
#
#   scripts/kunitconfig-check.sh WORKDIR
#
# The answer depends only on the kernel source, our Kconfig and
# .kunitconfig files and these two scripts; once it was yes for them, it
# is kept in the cache (keyed by their bytes) and not worked out again.
# SANGUARD_NO_CHECK_CACHE=1 works it out anyway.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=${1:?usage: $0 WORKDIR}
SRC=$("$TOP/scripts/kernel.sh" src)
CACHE=${SANGUARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sanguard}/kunitconfig
DRIVERS=(net/xfrm_guard drivers/scsi/iscsi_xfrm drivers/infiniband/sw/srnic)

cd "$TOP"
specs=(scripts/kunitconfig-check.sh scripts/intree.sh)
for k in "${DRIVERS[@]}"; do
	specs+=("$k/Kconfig" "$k/.kunitconfig")
done
mapfile -t inputs < <(git ls-files -co --exclude-standard -- "${specs[@]}" | sort)
key=$({ echo "$SRC"; cat "$SRC/Makefile"; for f in "${inputs[@]}"; do
	echo "$f"; cat "$f"; done; } | sha256sum | cut -c1-64)
if [ -z "${SANGUARD_NO_CHECK_CACHE:-}" ] && [ -f "$CACHE/$key" ]; then
	echo "kunitconfig: ${#DRIVERS[@]} drivers resolve (unchanged since $(cat "$CACHE/$key"))"
	exit 0
fi

ok=1
"$TOP/scripts/intree.sh" "$WORK/intree" >/dev/null
for k in "${DRIVERS[@]}"; do
	arch=um
	# ib_core needs I/O memory, which UML has not.
	[ "$k" = drivers/infiniband/sw/srnic ] && arch=x86_64
	if (cd "$WORK/intree" && python3 tools/testing/kunit/kunit.py config \
		--kunitconfig="$k" --arch=$arch --build_dir="$WORK/kunit-${k##*/}") \
		>"$WORK/kunit-${k##*/}.log" 2>&1; then
		echo "kunitconfig: $k ($arch) resolves"
	else
		tail -n 5 "$WORK/kunit-${k##*/}.log"
		ok=0
	fi
done
rm -rf "$WORK/intree" "$WORK"/kunit-*/
[ $ok -eq 1 ] || exit 1
mkdir -p "$CACHE"
date -u +'a run of %FT%TZ' >"$CACHE/$key"
