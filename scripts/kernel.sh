#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the pinned sanguard test kernel.
#
#   scripts/kernel.sh build FLAVOUR   build (if needed) and print the build dir
#   scripts/kernel.sh path FLAVOUR    print the build dir, fail if not built
#   scripts/kernel.sh src             unpack (if needed) and print the source dir
#   scripts/kernel.sh key FLAVOUR     print the cache key
#
# FLAVOUR is "base" or "debug" (tools/testing/vm/configs/FLAVOUR.config on
# top of base.config on top of x86_64 allnoconfig). The kernel source is
# Debian's linux-source-6.12. Everything lives in a cache outside the repo,
# ${XDG_CACHE_HOME:-$HOME/.cache}/sanguard, keyed by kernel version, the
# config fragments and the compiler, so a build happens only when one of
# those changes. A lock per flavour keeps two runs from building into the
# same tree; the source unpack has its own lock.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SANGUARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sanguard}
TARBALL=${SANGUARD_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
CONFIGS=$TOP/tools/testing/vm/configs
JOBS=${SANGUARD_JOBS:-$(($(nproc) + 1))}

die() { echo "kernel.sh: $*" >&2; exit 1; }
log() { echo "kernel.sh: $*" >&2; }

fragments() {
	local flavour=$1
	case "$flavour" in
	base) echo "$CONFIGS/base.config" ;;
	debug) echo "$CONFIGS/base.config $CONFIGS/debug.config" ;;
	*) die "unknown flavour '$flavour' (base, debug)" ;;
	esac
}

kver() {
	awk '/^VERSION =/ {v=$3} /^PATCHLEVEL =/ {p=$3} /^SUBLEVEL =/ {s=$3}
	     END {if (v != "" && p != "" && s != "") print v "." p "." s}' "$1/Makefile"
}

src_dir() {
	# The unpacked tree is named after the version in its top Makefile
	# and re-made whenever the tarball changes (a new Debian upload).
	[ -r "$TARBALL" ] || die "$TARBALL missing: run scripts/setup.sh"
	local id stamp=$CACHE/.tarball dir
	id=$(stat -c '%s %Y' "$TARBALL")
	mkdir -p "$CACHE"
	if [ "$(head -n 1 "$stamp" 2>/dev/null)" != "$id" ] ||
	   [ ! -f "$CACHE/linux-$(tail -n 1 "$stamp")/.sanguard-unpacked" ]; then
		exec 8>"$CACHE/.lock-src"
		flock 8
		if [ "$(head -n 1 "$stamp" 2>/dev/null)" != "$id" ] ||
		   [ ! -f "$CACHE/linux-$(tail -n 1 "$stamp")/.sanguard-unpacked" ]; then
			log "unpacking $TARBALL"
			rm -rf "$CACHE/unpack.tmp"
			mkdir -p "$CACHE/unpack.tmp"
			tar xJf "$TARBALL" -C "$CACHE/unpack.tmp" --strip-components=1
			local ver
			ver=$(kver "$CACHE/unpack.tmp")
			[ -n "$ver" ] || die "cannot read the kernel version from $TARBALL"
			touch "$CACHE/unpack.tmp/.sanguard-unpacked"
			rm -rf "$CACHE/linux-$ver"
			mv "$CACHE/unpack.tmp" "$CACHE/linux-$ver"
			printf '%s\n%s\n' "$id" "$ver" >"$stamp"
		fi
		flock -u 8
	fi
	dir=$CACHE/linux-$(tail -n 1 "$stamp")
	echo "$dir"
}

cache_key() {
	local flavour=$1 src ver
	src=$(src_dir)
	ver=${src##*/linux-}
	# shellcheck disable=SC2046
	{
		echo "$ver"
		gcc --version | head -n 1
		cat $(fragments "$flavour")
	} | sha256sum | cut -c1-12 | sed "s/^/$ver-$flavour-/"
}

build_dir() { echo "$CACHE/build/$(cache_key "$1")"; }

verify_config() {
	local obj=$1 flavour=$2 bad=0 line sym want have
	# Every symbol a fragment names must carry the value the fragment asks
	# for; otherwise a dependency is missing and the kernel would silently
	# lack something the tests need.
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) ;;
		*) continue ;;
		esac
		sym=${line%%=*}
		want=${line#*=}
		have=$(grep -E "^($sym=|# $sym is not set)" "$obj/.config" || true)
		if [ "$want" = n ]; then
			case "$have" in "" | "# $sym is not set") continue ;; esac
		elif [ "$have" = "$sym=$want" ]; then
			continue
		fi
		echo "kernel.sh: $sym: fragment wants '$want', .config has '${have:-nothing}'" >&2
		bad=1
	done < <(cat $(fragments "$flavour"))
	[ $bad -eq 0 ] || die "config for '$flavour' does not honour its fragments (see above)"
}

do_build() {
	local flavour=$1 src obj
	src=$(src_dir)
	obj=$(build_dir "$flavour")
	[ -f "$obj/.sanguard-ready" ] && { echo "$obj"; return; }

	mkdir -p "$CACHE/build"
	exec 9>"$obj.lock"
	flock -n 9 || { log "waiting for another build of the $flavour kernel"; flock 9; }
	if [ -f "$obj/.sanguard-ready" ]; then
		echo "$obj"
		return
	fi

	local t0=$SECONDS
	log "configuring $flavour kernel in $obj"
	mkdir -p "$obj"
	cat $(fragments "$flavour") >"$obj/sanguard.fragment"
	make -s -C "$src" O="$obj" ARCH=x86_64 \
		KCONFIG_ALLCONFIG="$obj/sanguard.fragment" allnoconfig >&2
	verify_config "$obj" "$flavour"

	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
	export CCACHE_BASEDIR=$CACHE
	ccache -M 8G >/dev/null 2>&1 || true
	log "building $flavour kernel with -j$JOBS (ccache in $CCACHE_DIR)"
	make -s -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		bzImage modules >&2
	rm -rf "$obj/mods"
	make -s -C "$src" O="$obj" ARCH=x86_64 INSTALL_MOD_PATH="$obj/mods" \
		modules_install >&2
	cp "$src/scripts/checkpatch.pl" "$obj/" 2>/dev/null || true
	date -u +%FT%TZ >"$obj/.sanguard-ready"
	log "$flavour kernel ready in $((SECONDS - t0)) s: $obj"
	ln -sfn "$obj" "$CACHE/$flavour"
	flock -u 9
	prune "$flavour"
	echo "$obj"
}

prune() {
	# Keep the two newest builds of a flavour (about 0.5 GiB each): enough
	# for two checkouts with different fragments to alternate without
	# rebuilding, without letting old keys fill the disk.
	local flavour=$1 d n=0
	for d in $(ls -dt "$CACHE"/build/*-"$flavour"-*/.sanguard-ready 2>/dev/null); do
		d=${d%/.sanguard-ready}
		n=$((n + 1))
		[ $n -le 2 ] && continue
		# Only a build nobody holds the lock of.
		if flock -n "$d.lock" true; then
			log "pruning old $flavour build $d"
			rm -rf "$d" "$d.lock"
		fi
	done
}

cmd=${1:-}
case "$cmd" in
build) [ $# -eq 2 ] || die "usage: $0 build base|debug"; do_build "$2" ;;
path)
	[ $# -eq 2 ] || die "usage: $0 path base|debug"
	d=$(build_dir "$2")
	[ -f "$d/.sanguard-ready" ] || die "$2 kernel not built: run '$0 build $2'"
	echo "$d"
	;;
key) [ $# -eq 2 ] || die "usage: $0 key base|debug"; cache_key "$2" ;;
src) src_dir ;;
*) die "usage: $0 build|path|key FLAVOUR, or $0 src" ;;
esac
