#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# srnic devices come and go the way an administrator expects: "rdma link
# add NAME type srnic netdev DEV" makes an iWARP RNIC bound to DEV, whose
# GID is DEV's MAC and whose port follows DEV's state; "rdma link delete",
# DEV's removal and the module's removal each take devices away. The siw
# identity and siw itself never exist together, and the srnic identity runs
# beside siw. Every device shows the security counters and is visible to
# "rdma resource".
# sanguard-flavours: debug base distro
# sanguard-timeout: 600

. "$(dirname "$0")/../../../sanguard/lib.sh"

V=sg$$
COUNTERS="invalid_stag stag_key_mismatch pd_mismatch rights_violation
bounds_violation access_after_invalidate cq_overflow cq_admission_refused
limit_refused cq_admission_overcommit cm_backlog_refused terminate_sent
terminate_received crc_errors ird_exceeded crc_skipped mpa_refused"
# What srnic cannot do has no counter and no knob: no QP-scoped STags, no
# memory windows, no user queues.
ABSENT_COUNTERS="scope_violation"
LIMITS="dev_pd user_pd dev_qp dev_cq dev_mr user_mr dev_srq dev_mr_bytes
user_mr_bytes dev_ird"
ABSENT_KNOBS="cq_admission limit_dev_mw limit_user_mw limit_user_qp
limit_user_cq limit_user_srq limit_user_ird"

# veth_pair NAME: NAME-a <-> NAME-b in the initial namespace, both up.
veth_pair() {
	ip link add "$1-a" type veth peer name "$1-b" || return 1
	at_exit "ip link del $1-a"
	ip link set "$1-a" up && ip link set "$1-b" up
}

dev_exists() { rdma dev show "$1" >/dev/null 2>&1; }

# wait_gone DEV: ib_core unregisters a device of a removed netdev from a
# work item, so give it a moment.
wait_gone() {
	local i
	for i in {1..50}; do
		dev_exists "$1" || return 0
		sg_nap 0.1
	done
	return 1
}

port_state() { rdma link show "$1/1" | sed -n 's/.* state \([A-Z_]*\) .*/\1/p'; }

# gid0 DEV: the first six bytes of GID 0 as a MAC address.
gid0_mac() {
	sed 's/://g; s/^\(..\)\(..\)\(..\)\(..\)\(..\)\(..\).*/\1:\2:\3:\4:\5:\6/' \
		"/sys/class/infiniband/$1/ports/1/gids/0"
}

wait_state() {
	local i
	for i in {1..30}; do
		[ "$(port_state "$1")" = "$2" ] && return 0
		sg_nap 0.1
	done
	return 1
}

modprobe -r srnic siw 2>/dev/null
load_module ib_core || { not_ok "ib_core loads"; done_testing; }
veth_pair "$V"0
veth_pair "$V"1
veth_pair "$V"2

# --- a device on a veth ---------------------------------------------------
check "rdma link add loads srnic on demand and creates srnic0" \
	rdma link add srnic0 type srnic netdev "$V"0-a
SG_MODS+=(srnic)
check_eq "srnic0 is an iWARP RNIC" rnic \
	"$(cat /sys/class/infiniband/srnic0/node_type 2>/dev/null | awk '{print tolower($2)}')"
check "srnic0 port 1 is bound to $V""0-a" \
	bash -c "rdma link show srnic0/1 | grep -q 'netdev $V""0-a'"
check_eq "GID 0 is the MAC of the netdev" \
	"$(cat /sys/class/net/"$V"0-a/address)" "$(gid0_mac srnic0)"
check_eq "srnic has the siw user ABI identity by default" siw \
	"$(cat /sys/module/srnic/parameters/identity)"
check_eq "port is ACTIVE while the veth is up" ACTIVE "$(port_state srnic0)"
check_fails "a second device on the same netdev is refused" \
	rdma link add srnic9 type srnic netdev "$V"0-a
check_fails "a device on a netdev that does not exist is refused" \
	rdma link add srnic9 type srnic netdev "$V"nonexistent

ip link set "$V"0-a down
check "port goes DOWN with the netdev" wait_state srnic0 DOWN
ip link set "$V"0-a up
check "port is ACTIVE again when the netdev comes up" wait_state srnic0 ACTIVE
ip link set "$V"0-b down
check "port goes DOWN when the peer loses carrier" wait_state srnic0 DOWN
ip link set "$V"0-b up
wait_state srnic0 ACTIVE
check "MTU change on the netdev is accepted" ip link set "$V"0-a mtu 1400

# --- counters and resources -------------------------------------------
stats=$(rdma statistic show link srnic0/1 2>&1)
missing=
for c in $COUNTERS; do
	echo "$stats" | grep -qw "$c" || missing="$missing $c"
done
check_eq "rdma statistic shows every security counter" "" "$missing"
check_eq "every counter starts at 0" "" \
	"$(for c in $COUNTERS; do echo "$stats" | grep -ow "$c [0-9]*" | grep -v " 0$"; done)"
present=
for c in $ABSENT_COUNTERS; do
	echo "$stats" | grep -qw "$c" && present="$present $c"
done
check_eq "no counter for what srnic cannot do" "" "$present"
check "rdma resource lists srnic0" \
	bash -c "rdma resource show | grep -qw srnic0"

# --- the resource manager's knobs ------------------------------------------
S=/sys/class/infiniband/srnic0
check_eq "kernel consumers' CQ admission is account by default" account \
	"$(cat $S/cq_admission_kernel)"
for p in strict trusted account; do
	check "kernel CQ admission can be set to $p" \
		bash -c "echo $p > $S/cq_admission_kernel && [ \$(cat $S/cq_admission_kernel) = $p ]"
done
check_fails "an unknown kernel admission policy is refused" \
	bash -c "echo lenient > $S/cq_admission_kernel"
check_eq "STag quarantine defaults to 4096 allocations" 4096 \
	"$(cat $S/stag_quarantine_allocs)"
check_eq "STag quarantine defaults to 1000 ms" 1000 "$(cat $S/stag_quarantine_ms)"
check_fails "an STag recycle minimum of 0 is refused" \
	bash -c "echo 0 > $S/stag_recycle_min"
missing=
for l in $LIMITS; do
	[ "$(cat $S/limit_$l 2>/dev/null)" = unlimited ] ||
		missing="$missing limit_$l"
done
check_eq "every per-device and per-user limit exists, unlimited" "" "$missing"
present=
for k in $ABSENT_KNOBS; do
	[ -e "$S/$k" ] && present="$present $k"
done
check_eq "no knob for what srnic cannot do" "" "$present"
check "a per-user MR limit can be set" bash -c "echo 5 > $S/limit_user_mr"
check_eq "and reads back" 5 "$(cat $S/limit_user_mr)"
check "and can be lifted" bash -c "echo unlimited > $S/limit_user_mr"
check_fails "a limit that is not a number is refused" \
	bash -c "echo many > $S/limit_dev_mr"
if command -v setpriv >/dev/null; then
	check_fails "an unprivileged user cannot change a limit" \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		sh -c "echo 1000 > $S/limit_user_mr"
	check_eq "the limit is unchanged" unlimited "$(cat $S/limit_user_mr)"
else
	skip "an unprivileged user cannot change a limit" "no setpriv"
fi

# --- delete, netdev removal, module removal ------------------------------
check "rdma link delete removes srnic0" rdma link delete srnic0
check_fails "srnic0 is gone" dev_exists srnic0
check "srnic0 can be made again on the same netdev" \
	rdma link add srnic0 type srnic netdev "$V"0-a
check "srnic1 on a second netdev" rdma link add srnic1 type srnic netdev "$V"1-a
ip link del "$V"1-a
check "removing the netdev removes its device" wait_gone srnic1
check "srnic0 is untouched by another netdev's removal" dev_exists srnic0

check "srnic1 on a third netdev" rdma link add srnic1 type srnic netdev "$V"2-a
check "module unloads with two devices present" modprobe -r srnic
check_fails "srnic0 went with the module" dev_exists srnic0
check_fails "srnic1 went with the module" dev_exists srnic1

# --- identity: siw and the siw identity exclude each other ---------------
if modinfo siw >/dev/null 2>&1; then
	load_module srnic
	check "srnic0 with the siw identity" \
		rdma link add srnic0 type srnic netdev "$V"0-a
	check_fails "siw cannot load while a siw-identity device exists" \
		modprobe siw
	check_fails "siw is not loaded" test -e /sys/module/siw
	check "srnic0 deleted" rdma link delete srnic0
	check "siw loads once no siw-identity device exists" modprobe siw
	SG_MODS+=(siw)
	dmesg -c >/dev/null
	check_fails "a siw-identity device is refused while siw is loaded" \
		rdma link add srnic0 type srnic netdev "$V"0-a
	check "the refusal says why in dmesg" \
		bash -c "dmesg | grep -q 'module siw is loaded and srnic has the siw identity'"
	check "srnic unloads" modprobe -r srnic
	check "srnic loads with identity=srnic beside siw" \
		modprobe srnic identity=srnic
	check "srnic0 with the srnic identity while siw is loaded" \
		rdma link add srnic0 type srnic netdev "$V"0-a
	check "a siw device runs beside it" \
		rdma link add siw0 type siw netdev "$V"2-a
	ip link set "$V"0-a down
	ip link set "$V"2-a down
	check "netdev events reach each driver's own device" wait_state srnic0 DOWN
	check "siw0 saw its own netdev go down" wait_state siw0 DOWN
	check "siw0 deleted" rdma link delete siw0
	check "srnic unloads with its device beside siw" modprobe -r srnic
	check "siw unloads" modprobe -r siw
else
	skip "identity exclusion with siw" "siw is not in this kernel"
fi

check_fails "identity=bogus is refused at load" modprobe srnic identity=bogus

done_testing
