#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Copy the module sources (tracked and untracked files, not ignored ones)
# into DIR, emptied first, for an out-of-tree build there. Kbuild writes
# its objects next to the sources, so each kernel flavour and each person
# building from one checkout gets its own copy.
#
#   scripts/copy-tree.sh DIR
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:?usage: $0 DIR}
rm -rf "$DIR"
mkdir -p "$DIR"
(cd "$TOP" && git ls-files -co --exclude-standard -z -- \
	Kbuild Kconfig include net drivers ':(glob)tools/testing/**/Kbuild' \
	':(glob)tools/testing/**/*.[ch]' |
	tar --null -T - -cf -) | tar -xf - -C "$DIR"
