#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lay the sanguard modules into a 6.12 kernel source tree, the way they
# would sit upstream: net/xfrm_guard, drivers/scsi/iscsi_xfrm,
# drivers/infiniband/sw/srnic and our headers in include/, each directory
# sourced by its parent's Kconfig and built by its parent's Makefile. Then
# the kernel's own tools work on them, kunit.py first:
#
#   scripts/intree.sh DIR
#   cd DIR && tools/testing/kunit/kunit.py run --kunitconfig=net/xfrm_guard
#   cd DIR && tools/testing/kunit/kunit.py run \
#	--kunitconfig=drivers/infiniband/sw/srnic --arch=x86_64
#
# DIR (made anew) is a copy of the 6.12 source scripts/kernel.sh unpacks,
# hard-linked file by file so that it costs seconds and little disk;
# every file this script changes or adds is written as a new file, so the
# cached source is never touched. Prints DIR.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: $0 DIR}
SRC=$("$TOP/scripts/kernel.sh" src)

rm -rf "$DIR"
mkdir -p "$(dirname "$DIR")"
# Hard links need one file system; elsewhere a plain copy (1.7 GB).
cp -al "$SRC" "$DIR" 2>/dev/null || { rm -rf "$DIR" && cp -a "$SRC" "$DIR"; }
rm -f "$DIR/.sanguard-unpacked"

# Our sources and headers: new files in the copy (none of our paths
# exists in the kernel).
(cd "$TOP" && git ls-files -co --exclude-standard -z -- \
	net/xfrm_guard drivers/scsi/iscsi_xfrm drivers/infiniband/sw/srnic \
	include Documentation/netlink/specs) |
	while IFS= read -r -d '' f; do
		if [ -e "$DIR/$f" ]; then
			echo "intree: $f exists in the kernel tree" >&2
			exit 1
		fi
		mkdir -p "$DIR/$(dirname "$f")"
		cp "$TOP/$f" "$DIR/$f"
	done

# append FILE LINE: FILE gets LINE at its end, as a new file.
append() {
	local f=$DIR/$1 tmp
	tmp=$(mktemp "$f.XXXXXX")
	cat "$f" >"$tmp"
	printf '%s\n' "$2" >>"$tmp"
	rm -f "$f"
	mv "$tmp" "$f"
}

append net/Kconfig 'source "net/xfrm_guard/Kconfig"'
append net/Makefile 'obj-$(CONFIG_XFRM_GUARD)		+= xfrm_guard/'
append drivers/scsi/Kconfig 'source "drivers/scsi/iscsi_xfrm/Kconfig"'
append drivers/scsi/Makefile 'obj-$(CONFIG_ISCSI_XFRM)	+= iscsi_xfrm/'
append drivers/infiniband/Kconfig 'source "drivers/infiniband/sw/srnic/Kconfig"'
append drivers/infiniband/sw/Makefile 'obj-$(CONFIG_RDMA_SRNIC)		+= srnic/'
echo "$DIR"
