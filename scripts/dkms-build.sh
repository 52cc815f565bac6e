#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the sanguard modules with dkms, as a user of a distribution kernel
# does, for the "distro" VM flavour:
#
#   scripts/dkms-build.sh KDIR OUT
#
# KDIR is the distribution kernel's headers (scripts/distro-kernel.sh
# path)/kdir). In OUT, which is emptied first, and nowhere else (the
# host's /usr/src, /var/lib/dkms and /lib/modules are not touched):
#
#   src/sanguard-VERSION/   the checkout's tracked files, as a source
#                           package would place them in /usr/src
#   tree/                   the dkms tree: "dkms add", then "dkms build"
#                           for the kernel release of KDIR
#   sanguard-VERSION.tar.gz the build, "dkms mktarball --binaries-only"
#   dkms-build.log          the transcript
#
# The VM then installs that build with dkms and removes it again
# (tools/testing/selftests/sanguard/dkms.sh): "dkms ldtarball" there
# loads what was built here, so that compiling under TCG does not cost
# minutes of every make check.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "dkms-build: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: $0 KDIR OUT"
KDIR=$(cd "$1" && pwd) || die "no such directory: $1"
OUT=$2
command -v dkms >/dev/null || die "dkms is not installed: run scripts/setup.sh"
krel=$(cat "$KDIR/include/config/kernel.release" 2>/dev/null) ||
	die "$KDIR is not a kernel headers tree (no include/config/kernel.release)"

conf=$TOP/dkms.conf
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$conf")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$conf")
[ -n "$name" ] && [ -n "$version" ] || die "no PACKAGE_NAME/PACKAGE_VERSION in $conf"

rm -rf "$OUT"
mkdir -p "$OUT/src/$name-$version" "$OUT/tree"
OUT=$(cd "$OUT" && pwd)
log=$OUT/dkms-build.log
: >"$log"

# The source package: what git tracks (a copy of the working tree where
# this is no git checkout, less the build directories).
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$TOP" ls-files -z | (cd "$TOP" && tar --null -T - -cf -) |
		tar -xf - -C "$OUT/src/$name-$version"
else
	tar -C "$TOP" --exclude=./.build --exclude=./.git -cf - . |
		tar -xf - -C "$OUT/src/$name-$version"
fi

trees=(--dkmstree "$OUT/tree" --sourcetree "$OUT/src")
# run CMD...: one dkms step, its command and output in the transcript.
run() {
	echo "\$ $*" >>"$log"
	if ! "$@" >>"$log" 2>&1; then
		echo "dkms-build: failed: $*" >&2
		tail -n 20 "$log" >&2
		# The build's own log, where dkms kept it.
		find "$OUT/tree" -name make.log -exec tail -n 30 {} + >&2 2>/dev/null
		exit 1
	fi
}
run dkms add -m "$name" -v "$version" "${trees[@]}"
run dkms build -m "$name" -v "$version" -k "$krel" --kernelsourcedir "$KDIR" \
	"${trees[@]}"
run dkms mktarball -m "$name" -v "$version" -k "$krel" --binaries-only \
	--archive "$OUT/$name-$version.tar.gz" "${trees[@]}"
run dkms status -m "$name" -v "$version" "${trees[@]}"
grep -q "^$name/$version, $krel, [^:]*: built$" "$log" ||
	die "dkms status does not say built for $krel (see $log)"
echo "dkms-build: $name/$version built for $krel: $OUT/$name-$version.tar.gz"
