#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the sanguard modules out of tree against a configured 6.12 kernel.
#
#   scripts/build-modules.sh [--src DIR] [--harness] KDIR [make args...]
#
# KDIR is a kernel build directory (a /lib/modules/$(uname -r)/build, or the
# pinned test kernel from scripts/kernel.sh). Each module is enabled only if
# the kernel has what it needs; what is left out, and why, is printed. DIR
# (default: the repository) is the tree kbuild compiles in, so that the same
# sources can be built for two kernels side by side. Make variables such as
# W=1 or C=2 are passed through.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
SRC=$TOP
HARNESS=
while [ $# -gt 0 ]; do
	case "$1" in
	--src) SRC=$(cd "$2" && pwd); shift 2 ;;
	--harness) HARNESS=1; shift ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--src DIR] [--harness] KDIR [make args...]" >&2; exit 2; }
KDIR=$1
shift

conf=$KDIR/include/config/auto.conf
if [ ! -f "$conf" ] || [ ! -f "$KDIR/Module.symvers" ]; then
	echo "build-modules: $KDIR is not a prepared kernel build tree" \
	     "(no include/config/auto.conf or Module.symvers)" >&2
	exit 1
fi
krel=$(cat "$KDIR/include/config/kernel.release" 2>/dev/null || echo unknown)
case "$krel" in
6.12.*) ;;
*) echo "build-modules: $KDIR is $krel; sanguard targets 6.12" >&2; exit 1 ;;
esac

has() { grep -Eq "^CONFIG_$1=(y|m)$" "$conf"; }

syms=()
skipped=0
want() {
	# want SYMBOL module-name required-kernel-symbols...
	local sym=$1 name=$2 dep missing=()
	shift 2
	for dep in "$@"; do
		has "$dep" || missing+=("CONFIG_$dep")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		syms+=("CONFIG_$sym=m")
		return 0
	fi
	echo "build-modules: not building $name: kernel lacks ${missing[*]}" >&2
	skipped=1
	return 1
}

# Each module's KUnit suites come with it (its *_KUNIT_TEST symbol).
if want XFRM_GUARD xfrm_guard INET XFRM NETFILTER; then
	want XFRM_GUARD_KUNIT_TEST "xfrm_guard's KUnit suites" KUNIT || true
	if want ISCSI_XFRM iscsi_xfrm SCSI_ISCSI_ATTRS ISCSI_TCP LIBCRC32C; then
		want ISCSI_XFRM_KUNIT_TEST "iscsi_xfrm's KUnit suites" KUNIT || true
	fi
	if want RDMA_SRNIC srnic INFINIBAND LIBCRC32C INFINIBAND_VIRT_DMA; then
		want RDMA_SRNIC_KUNIT_TEST "srnic's KUnit suites" KUNIT || true
	fi
fi
want SANGUARD_TESTDRV "the test drivers" XFRM_OFFLOAD INET_ESP_OFFLOAD INET6_ESP_OFFLOAD || true
want SANGUARD_TESTDRV_RDMA "the RDMA test ULP" INFINIBAND || true
if [ -n "$HARNESS" ]; then
	want SANGUARD_HARNESS "the harness-check modules" KUNIT KASAN ||
		{ echo "build-modules: --harness needs a KUnit+KASAN kernel" >&2; exit 1; }
fi

if [ -n "${SANGUARD_STRICT_BUILD:-}" ] && [ $skipped -ne 0 ]; then
	echo "build-modules: strict build: every module must be built" >&2
	exit 1
fi

# With SANGUARD_CCACHE=DIR (make check sets it), compile through ccache
# with its cache in DIR: sources that did not change since the last build
# are not compiled again, and their warnings come back from the cache as
# the compiler printed them. Kbuild compiles with absolute paths, so only
# a tree at the same path as last time hits (make check compiles in one
# place in the cache for that). The compiler is the one the kernel was
# built with (CONFIG_CC_VERSION_TEXT: "x86_64-linux-gnu-gcc-12 (...)" on
# Debian's, "gcc (...)" on ours).
cc=()
if [ -n "${SANGUARD_CCACHE:-}" ] && command -v ccache >/dev/null; then
	kcc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\{0,1\}\([^ ]*\) .*/\1/p' "$conf")
	case "$kcc" in gcc | gcc-[0-9]* | *-gcc | *-gcc-[0-9]*) ;; *) kcc= ;; esac
	if [ -n "$kcc" ] && command -v "$kcc" >/dev/null; then
		export CCACHE_DIR=$SANGUARD_CCACHE CCACHE_NOHASHDIR=1
		cc=(CC="ccache $kcc")
	fi
fi

exec make -C "$KDIR" M="$SRC" "${cc[@]}" "${syms[@]}" "$@" modules
