#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms end to end on a distribution kernel, as an administrator installs
# sanguard: the build dkms made against this kernel's headers
# (scripts/dkms-build.sh: "dkms add", "dkms build", "dkms mktarball
# --binaries-only", on the host, since compiling under TCG would take
# minutes) is loaded with "dkms ldtarball" and installed with "dkms
# install" into /lib/modules/$(uname -r)/updates/dkms. From there, and not
# from any build directory, "modprobe xfrm_guard" loads the guard,
# "modprobe iscsi_tcp" loads iscsi_xfrm through the shipped modprobe.d
# snippet, and "rdma link add ... type srnic" loads srnic on demand. Then
# "dkms remove" must leave nothing: no module file, no modules.dep line,
# no dkms state.
#
# The test installs into a module tree of its own (see mini_up), without
# the copies of our modules that the VM runner put in extra/, so that
# nothing but dkms's install can satisfy modprobe.
#
# SANGUARD_DKMS names scripts/dkms-build.sh's output directory (default
# .build/distro/dkms, where make check puts it).
# sanguard-flavours: distro
# sanguard-timeout: 600

. "$(dirname "$0")/lib.sh"

DK_OUT=${SANGUARD_DKMS:-$SG_TOP/.build/distro/dkms}
MODS=(xfrm_guard iscsi_xfrm srnic)
SNIPPET=$SG_TOP/Documentation/admin-guide/sanguard/modprobe.d/iscsi_xfrm.conf
MD_CONF=/etc/modprobe.d/iscsi_xfrm.conf
rel=$(uname -r)
KMOD=/lib/modules/$rel
NAME=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$SG_TOP/dkms.conf")
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$SG_TOP/dkms.conf")
TARBALL=$DK_OUT/$NAME-$VER.tar.gz
LINK=sgdk$$

# Under make check's distro flavour the build must be there; elsewhere
# (a hand run on another kernel) there is nothing to test.
missing() {
	if [ "${SANGUARD_FLAVOUR:-}" = distro ]; then
		not_ok "dkms: $1" "$2"
	else
		skip "dkms end to end" "$2"
	fi
	done_testing
}
command -v dkms >/dev/null || missing "dkms installed" "dkms is not installed"
[ -f "$TARBALL" ] || missing "the dkms build is there" "no $TARBALL (scripts/dkms-build.sh)"
tar -tzf "$TARBALL" | grep -q "dkms_main_tree/$rel/" ||
	missing "the dkms build is for $rel" "$TARBALL holds no build for $rel"

T=$(mktemp -d /tmp/sg-dkms.XXXXXX)
at_exit "rm -rf $T"
# The source package's place: /usr/src is the host's, read-only, here.
SRCT=$T/src
mkdir -p "$SRCT" /var/lib/dkms
# dk ARGS...: dkms with our source tree; output to $T/dkms.log.
dk() {
	echo "\$ dkms $*" >>"$T/dkms.log"
	dkms "$@" --sourcetree "$SRCT" >>"$T/dkms.log" 2>&1
}
dk_status() { dkms status -m "$NAME" -v "$VER" --sourcetree "$SRCT" 2>&1; }

# unload_all: no srnic link, none of ours loaded.
unload_all() {
	local l m
	for l in $(rdma link show 2>/dev/null | awk '/link srnic|link sgdk/ {split($2, a, "/"); print a[1]}'); do
		rdma link delete "$l" 2>/dev/null
	done
	for m in iscsi_xfrm srnic xfrm_guard; do
		[ -d "/sys/module/$m" ] && modprobe -r "$m"
	done
	for m in "${MODS[@]}"; do
		[ -d "/sys/module/$m" ] && return 1
	done
	return 0
}

# The machine dkms installs on: a module tree of its own, mounted over
# /lib/modules/$(uname -r) for the test, with the kernel's index files
# and the kernel modules ours and the test need (their dependencies,
# iscsi_tcp, veth), without the runner's copies of ours. depmod, which
# dkms runs on install and on remove, then takes seconds, not the
# minutes the 4,000 modules of the whole tree cost under TCG; unmounting
# it gives the runner's tree back untouched.
MINI=$T/mini
MINI_MARK=.sanguard-dkms-test
mini_up() {
	local line ko rel_ko
	mkdir -p "$MINI"
	: >"$MINI/$MINI_MARK"
	cp -a "$KMOD"/modules.builtin* "$KMOD"/modules.order "$MINI/" || return 1
	while read -r line; do
		case "$line" in
		insmod\ *) ;;
		*) continue ;;
		esac
		ko=${line#insmod }
		ko=${ko%% *}
		rel_ko=${ko#"$KMOD"/}
		# Ours, wherever the runner put them, stay out.
		case "$(basename "$rel_ko")" in
		xfrm_guard.ko* | iscsi_xfrm.ko* | srnic.ko*) continue ;;
		esac
		mkdir -p "$MINI/$(dirname "$rel_ko")"
		cp "$ko" "$MINI/$rel_ko" || return 1
	done < <(modprobe -a --ignore-install --show-depends "${MODS[@]}" \
			iscsi_tcp veth 2>&1)
	mount --bind "$MINI" "$KMOD" || return 1
	depmod -a "$rel" || return 1
	find "$KMOD" -name '*.ko*' | wc -l >"$T/mini.count"
}
# mini_down: unmount the test's tree, and only that: what is mounted
# below it is the runner's tree, which the tests after this one need.
mini_down() {
	[ -e "$KMOD/$MINI_MARK" ] || return 0
	umount "$KMOD" || return 1
	[ ! -e "$KMOD/$MINI_MARK" ]
}
at_exit mini_down
at_exit "rm -f $MD_CONF"
at_exit unload_all
at_exit "ip link del $LINK-a"
at_exit "dkms remove -m $NAME -v $VER --all --sourcetree $SRCT"

# in_updates M: modprobe resolves M to dkms's install directory.
in_updates() {
	local f
	f=$(modinfo -n "$1" 2>/dev/null) || return 1
	case "$f" in "$KMOD/updates/dkms/$1.ko"*) return 0 ;; esac
	echo "$1 resolves to $f"
	return 1
}

# leftovers: what of ours is still in the module tree or dkms's state.
leftovers() {
	find "$KMOD" \( -name 'xfrm_guard.ko*' -o -name 'iscsi_xfrm.ko*' \
		-o -name 'srnic.ko*' \) -print
	grep -E '(^|/)(xfrm_guard|iscsi_xfrm|srnic)\.ko' "$KMOD/modules.dep"
	[ -e "/var/lib/dkms/$NAME" ] && echo "/var/lib/dkms/$NAME"
	dk_status | grep .
	return 0
}

step() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc" "dkms said:" "$(tail -n 15 "$T/dkms.log")"
		return 1
	fi
}

step "none of ours loaded at the start" unload_all || done_testing
if [ -e "$MD_CONF" ]; then
	not_ok "no $MD_CONF before the test" "$(cat "$MD_CONF")"
	done_testing
fi
step "a module tree of the test's own over $KMOD" mini_up || done_testing
diag "its kernel modules: $(cat "$T/mini.count")"
for m in "${MODS[@]}"; do
	check_fails "$m: not in it before dkms install" modinfo -n "$m"
done
check_eq "no dkms state for $NAME before the test" "" "$(dk_status)"

# --- install ----------------------------------------------------------------
t0=$SECONDS
cp -a "$DK_OUT/src/$NAME-$VER" "$SRCT/"
step "dkms ldtarball: the source added, the host's build loaded" \
	dk ldtarball "$TARBALL" || done_testing
check "dkms status: built for $rel" bash -c \
	"dkms status -m $NAME -v $VER --sourcetree $SRCT | grep -qx '$NAME/$VER, $rel, [^:]*: built'"
step "dkms install for $rel" dk install -m "$NAME" -v "$VER" -k "$rel" || done_testing
check "dkms status: installed" bash -c \
	"dkms status -m $NAME -v $VER --sourcetree $SRCT | grep -qx '$NAME/$VER, $rel, [^:]*: installed'"
diag "ldtarball and install (with depmod): $((SECONDS - t0)) s"
for m in "${MODS[@]}"; do
	check "$m: modprobe finds it in updates/dkms" in_updates "$m"
done

# --- use ---------------------------------------------------------------------
check "modprobe xfrm_guard" modprobe xfrm_guard
check "xfrm_guard is live" test "$(cat /sys/module/xfrm_guard/initstate 2>/dev/null)" = live
check "the modprobe.d snippet installed" install -m 0644 "$SNIPPET" "$MD_CONF"
check "modprobe iscsi_tcp" modprobe iscsi_tcp
check "... loads iscsi_xfrm" test -d /sys/module/iscsi_xfrm
check_fails "... and not iscsi_tcp" test -d /sys/module/iscsi_tcp
check "iscsi_xfrm provides the transport \"tcp\"" test -d /sys/class/iscsi_transport/tcp
check_fails "srnic not loaded before rdma link add" test -d /sys/module/srnic
if ip link add "$LINK-a" type veth peer name "$LINK-b"; then
	ip link set "$LINK-a" up
	check "rdma link add $LINK type srnic loads srnic on demand" \
		rdma link add "$LINK" type srnic netdev "$LINK-a"
	check "srnic is loaded" test -d /sys/module/srnic
	check "the link is there" bash -c "rdma link show $LINK/1 | grep -q 'netdev $LINK-a'"
	check "rdma link delete $LINK" rdma link delete "$LINK"
	ip link del "$LINK-a"
else
	not_ok "a veth pair for the srnic link"
fi
check "all unload" unload_all
rm -f "$MD_CONF"

# --- remove ------------------------------------------------------------------
t0=$SECONDS
step "dkms remove --all" dk remove -m "$NAME" -v "$VER" --all
diag "remove (with depmod): $((SECONDS - t0)) s"
check_eq "nothing of ours left in $KMOD, modules.dep or dkms" "" "$(leftovers)"
for m in "${MODS[@]}"; do
	check_fails "$m: modprobe finds it no more" modinfo -n "$m"
done
diag "dkms transcript:"
sed 's/^/#   /' "$T/dkms.log"

check "the runner's module tree back" mini_down
for m in "${MODS[@]}"; do
	check "$m: found where the runner put it" modinfo -n "$m"
done
# The cleanup runs once more at exit; it must leave that tree mounted.
mini_down
check "the runner's module tree stays mounted after a second mini_down" \
	modinfo -n ib_core

done_testing
