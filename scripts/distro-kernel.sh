#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare Debian 12's own 6.12 kernel for the "distro" VM flavour: the
# kernel a storage admin runs, with our modules built against its headers.
#
#   scripts/distro-kernel.sh prepare   fetch and unpack the newest (if
#                                      needed), print the prepared dir
#   scripts/distro-kernel.sh path      print the prepared dir, fail if none
#   scripts/distro-kernel.sh version   print its kernel release
#   scripts/distro-kernel.sh newest    print what the archive offers:
#                                      kernel release and package version
#   scripts/distro-kernel.sh initrd [DIR]
#                                      print this checkout's initramfs for
#                                      the prepared kernel (or DIR), made
#                                      if missing
#
# The newest linux-image-6.12.N+deb12-amd64 that the archive offers with
# its linux-headers-*-amd64, linux-headers-*-common and linux-kbuild-*
# packages is fetched with apt-get download and unpacked with dpkg-deb
# (nothing is installed on the host) into
# ${XDG_CACHE_HOME:-$HOME/.cache}/sanguard/distro/<release>/:
#
#   root/        the four packages, unpacked side by side
#   vmlinuz      the kernel (signed, as booted by a real machine)
#   kdir         its headers: a KDIR for scripts/build-modules.sh
#   kmods        its module tree, decompressed, with modules.dep
#                (depmod run here; see plain_modules)
#   pkgversion   the Debian package version
#   initrd-*.img the initramfs (tools/testing/vm/initrd/init), one per
#                content hash, so that checkouts with different init
#                scripts do not overwrite each other's
#
# "current" points to the newest prepared release; the two newest are
# kept. Nothing is pinned: when Debian publishes a newer kernel, the next
# "prepare" takes it and "path" goes on printing the old one until then.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${SANGUARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sanguard}
DISTRO=$CACHE/distro
INITRD_SRC=$TOP/tools/testing/vm/initrd
# Modules the initramfs loads (with their dependencies) to mount the 9p
# root; tools/testing/vm/init needs overlay before it sees the real
# module tree.
INITRD_MODULES="9p 9pnet_virtio overlay"

die() { echo "distro-kernel.sh: $*" >&2; exit 1; }
log() { echo "distro-kernel.sh: $*" >&2; }

# candidates: "6.12.N+deb12" of every linux-image-6.12.N+deb12-amd64 in the
# apt lists, newest first.
candidates() {
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12\)-amd64$/\1/p' |
		sort -rV
}

pkgs_of() {
	local abi=$1
	echo "linux-image-$abi-amd64 linux-headers-$abi-amd64" \
	     "linux-headers-$abi-common linux-kbuild-$abi"
}

# pkg_versions PKG...: the candidate version of each, one a line, in the
# order given, "(none)" for one the lists do not have. One apt-cache
# call: each takes most of a second.
pkg_versions() {
	LC_ALL=C apt-cache policy "$@" 2>/dev/null |
		awk -v names="$*" '
		/^[^ ]/ {p = $1; sub(":$", "", p)}
		/^  Candidate:/ {v[p] = $2}
		END {
			n = split(names, a, " ")
			for (i = 1; i <= n; i++)
				print (a[i] in v) ? v[a[i]] : "(none)"
		}'
}

pkg_version() { pkg_versions "$1"; }

# newest_abi: the newest ABI for which all four packages are in the lists.
newest_abi() {
	local abi
	for abi in $(candidates); do
		# shellcheck disable=SC2046
		if ! pkg_versions $(pkgs_of "$abi") | grep -qx '(none)'; then
			echo "$abi"
			return 0
		fi
	done
	return 1
}

apt_update() {
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	log "refreshing the apt lists"
	$sudo apt-get update -q >&2
}

find_newest() {
	local abi
	# "Newest" means what the archive offers now, not what lists fetched
	# weeks ago say: refresh lists older than a day (setup.sh refreshes
	# them only when it installs something).
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' \
		-mmin -1440 2>/dev/null | head -n 1)" ]; then
		apt_update || log "apt-get update failed; going on with the lists there are"
	fi
	if ! abi=$(newest_abi); then
		# Lists never fetched (a fresh container) or too old.
		apt_update || die "apt-get update failed"
		abi=$(newest_abi) ||
			die "the archive offers no linux-image-6.12.*+deb12-amd64 with its" \
			    "headers and kbuild packages (apt-cache search linux-image-6.12)"
	fi
	echo "$abi"
}

# plain_modules DIR REL: decompress DIR's module tree in place and run depmod
# (the package leaves that to its postinst). depmod, which the runner
# runs per boot and dkms runs in the VM, reads compressed modules ten
# times slower (measured: 7.2 s against 0.8 s of CPU here, minutes under
# TCG). The signatures sit inside the compressed data, so the modules
# load as signed as before, and kmod loads either form.
plain_modules() {
	local dir=$1 rel=$2 mods n
	mods=$dir/root/lib/modules/$rel
	n=$(find "$mods/kernel" -name '*.ko.xz' | wc -l)
	log "decompressing $n modules of $rel"
	find "$mods/kernel" -name '*.ko.xz' -print0 |
		xargs -0 -r -n 100 -P "$(nproc)" xz -d ||
		die "decompressing the modules of $rel failed"
	log "depmod $rel"
	depmod -b "$dir/root" "$rel"
	date -u +%FT%TZ >"$dir/.sanguard-plain-modules"
}

fetch_unpack() {
	local abi=$1 rel=$1-amd64 tmp deb apt=(apt-get download -q)
	# As root apt drops to _apt to download, which cannot write here.
	[ "$(id -u)" -ne 0 ] || apt+=(-o APT::Sandbox::User=root)
	tmp=$DISTRO/fetch.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/debs" "$tmp/root"
	# shellcheck disable=SC2046
	if ! (cd "$tmp/debs" && "${apt[@]}" $(pkgs_of "$abi")) >&2 2>&1; then
		# The lists may name a version the mirror has already dropped.
		apt_update || die "apt-get update failed"
		# shellcheck disable=SC2046
		(cd "$tmp/debs" && "${apt[@]}" $(pkgs_of "$abi")) >&2 2>&1 ||
			die "apt-get download $(pkgs_of "$abi") failed"
	fi
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
	done
	rm -rf "$tmp/debs"

	local hdr=$tmp/root/usr/src/linux-headers-$rel
	local mods=$tmp/root/lib/modules/$rel
	[ -f "$tmp/root/boot/vmlinuz-$rel" ] || die "no boot/vmlinuz-$rel in linux-image-$rel"
	[ -f "$hdr/Makefile" ] || die "no $hdr/Makefile in linux-headers-$rel"
	[ -d "$mods/kernel" ] || die "no module tree in linux-image-$rel"

	# The headers' Makefile includes the -common one by its absolute
	# /usr/src path; point it at the unpacked sibling instead. Its
	# scripts and tools links to linux-kbuild are relative already.
	sed -i "s|^include /usr/src/|include \$(dir \$(lastword \$(MAKEFILE_LIST)))../|" \
		"$hdr/Makefile"
	grep -q '^include /' "$hdr/Makefile" &&
		die "unexpected absolute include left in $hdr/Makefile"
	[ -e "$hdr/scripts/Makefile.build" ] ||
		die "$hdr/scripts does not resolve (linux-kbuild-$abi layout changed?)"
	# The same for the module tree's build and source links.
	ln -sfn "../../../usr/src/linux-headers-$rel" "$mods/build"
	ln -sfn "../../../usr/src/linux-headers-$abi-common" "$mods/source"
	plain_modules "$tmp" "$rel"

	ln -sfn "root/boot/vmlinuz-$rel" "$tmp/vmlinuz"
	ln -sfn "root/usr/src/linux-headers-$rel" "$tmp/kdir"
	ln -sfn "root/lib/modules/$rel" "$tmp/kmods"
	pkg_version "linux-image-$rel" >"$tmp/pkgversion"
	echo "$rel" >"$tmp/release"
	date -u +%FT%TZ >"$tmp/.sanguard-ready"
	rm -rf "${DISTRO:?}/$rel"
	mv "$tmp" "$DISTRO/$rel"
}

prune() {
	local d n=0
	# shellcheck disable=SC2045
	for d in $(ls -dt "$DISTRO"/*/.sanguard-ready 2>/dev/null); do
		d=${d%/.sanguard-ready}
		n=$((n + 1))
		[ $n -le 2 ] && continue
		log "pruning old distro kernel $d"
		rm -rf "$d"
	done
	# Module trees that tools/testing/vm/run lays out per boot and
	# removes after it; one left by a killed run goes after a day.
	find "$DISTRO" -mindepth 1 -maxdepth 1 -name 'run.*' -mmin +1440 \
		-exec rm -rf {} + 2>/dev/null || true
}

lock() {
	mkdir -p "$DISTRO"
	exec 9>"$DISTRO/.lock"
	flock -n 9 || { log "waiting for another distro-kernel.sh"; flock 9; }
}

do_prepare() {
	local abi rel ver t0=$SECONDS
	lock
	abi=$(find_newest)
	rel=$abi-amd64
	ver=$(pkg_version "linux-image-$rel")
	log "newest in the archive: linux-image-$rel $ver"
	# A rebuild under the same ABI name has a new package version.
	if [ ! -f "$DISTRO/$rel/.sanguard-ready" ] ||
	   [ "$(cat "$DISTRO/$rel/pkgversion" 2>/dev/null)" != "$ver" ]; then
		log "fetching and unpacking $rel"
		fetch_unpack "$abi"
		log "$rel unpacked in $((SECONDS - t0)) s"
	elif [ ! -f "$DISTRO/$rel/.sanguard-plain-modules" ]; then
		# Prepared before the modules were kept decompressed.
		plain_modules "$DISTRO/$rel" "$rel"
	fi
	ln -sfn "$rel" "$DISTRO/current"
	prune
	make_initrd "$DISTRO/$rel" >/dev/null
	flock -u 9
	echo "$DISTRO/$rel"
}

prepared() {
	local d=$DISTRO/current
	[ -f "$d/.sanguard-ready" ] ||
		die "distro kernel not prepared: run '$0 prepare'"
	(cd "$d" && pwd -P)
}

# make_initrd DIR: print the initramfs for DIR and this checkout's
# initrd/init, building it if missing.
make_initrd() {
	local dir=$1 rel key img stage line ko deps
	rel=$(cat "$dir/release")
	key=$({
		echo "$rel $INITRD_MODULES"
		cat "$INITRD_SRC/init"
		sha256sum /bin/busybox
	} | sha256sum | cut -c1-12)
	img=$dir/initrd-$key.img
	if [ -f "$img" ]; then
		echo "$img"
		return
	fi
	[ -x /bin/busybox ] ||
		die "/bin/busybox missing: run scripts/setup.sh (busybox-static)"
	ldd /bin/busybox >/dev/null 2>&1 &&
		die "/bin/busybox is not static: install busybox-static"
	stage=$(mktemp -d "$dir/initrd.XXXXXX")
	mkdir -p "$stage/bin" "$stage/lib/modules" "$stage/dev" "$stage/proc" \
		"$stage/sys" "$stage/root"
	cp /bin/busybox "$stage/bin/busybox"
	for line in sh mount umount insmod mkdir cat sleep switch_root; do
		ln -s busybox "$stage/bin/$line"
	done
	cp "$INITRD_SRC/init" "$stage/init"
	chmod 755 "$stage/init"
	# The modules, decompressed (busybox insmod reads plain ELF; the
	# signature sits inside the compressed data, so it stays valid), in
	# the order modprobe would load them.
	: >"$stage/modules"
	# shellcheck disable=SC2086
	deps=$(modprobe -a --show-depends -d "$dir/root" -S "$rel" $INITRD_MODULES) ||
		die "modprobe --show-depends $INITRD_MODULES failed for $rel"
	while read -r line; do
		case "$line" in
		insmod\ *) ;;
		builtin\ *) continue ;;
		*) die "unexpected modprobe output: $line" ;;
		esac
		ko=${line#insmod }
		ko=${ko%% *}
		[ -e "$stage/lib/modules/$(basename "$ko" | sed 's/\.\(xz\|zst\|gz\)$//')" ] &&
			continue
		case "$ko" in
		*.xz) xz -dc "$ko" >"$stage/lib/modules/$(basename "$ko" .xz)" ;;
		*.zst) zstd -qdc "$ko" >"$stage/lib/modules/$(basename "$ko" .zst)" ;;
		*.gz) gzip -dc "$ko" >"$stage/lib/modules/$(basename "$ko" .gz)" ;;
		*) cp "$ko" "$stage/lib/modules/" ;;
		esac
		basename "$ko" | sed 's/\.\(xz\|zst\|gz\)$//' >>"$stage/modules"
	done <<<"$deps"
	[ -s "$stage/modules" ] || die "no modules for the initramfs"
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) | gzip -9 >"$stage.img"
	mv "$stage.img" "$img"
	log "initramfs $img ($(du -h "$img" | cut -f1)): $(tr '\n' ' ' <"$stage/modules")"
	rm -rf "$stage"
	# A few are kept, for checkouts whose init scripts differ.
	# shellcheck disable=SC2012
	for line in $(ls -t "$dir"/initrd-*.img | tail -n +5); do
		rm -f "$line"
	done
	echo "$img"
}

cmd=${1:-}
case "$cmd" in
prepare) [ $# -eq 1 ] || die "usage: $0 prepare"; do_prepare ;;
path) prepared ;;
version) d=$(prepared); cat "$d/release" ;;
newest)
	abi=$(newest_abi) || die "no 6.12 distro kernel in the apt lists (apt-get update?)"
	echo "$abi-amd64 $(pkg_version "linux-image-$abi-amd64")"
	;;
initrd)
	[ $# -le 2 ] || die "usage: $0 initrd [DIR]"
	if [ $# -eq 2 ]; then
		d=$(cd "$2" && pwd -P)
		[ -f "$d/.sanguard-ready" ] || die "$d is not a prepared distro kernel"
	else
		d=$(prepared)
	fi
	lock
	make_initrd "$d"
	;;
*) die "usage: $0 prepare|path|version|newest|initrd" ;;
esac
