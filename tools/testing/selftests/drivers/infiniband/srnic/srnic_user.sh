#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An unprivileged application reaches srnic through stock rdma-core
# (libibverbs + libsiw, bound by the siw identity) and meets the resource
# manager (RFC 5042 3, 6.4.1, 7.2): a user at its per-uid PD, MR or
# registered-bytes limit gets EDQUOT while another uid is unaffected, the
# per-device limit gives ENOMEM, refusals are counted, what a user holds is
# listed by "rdma resource" with its process, freed objects are uncharged,
# "rdma link delete" does not wait for a process that holds objects, and
# the rdma cgroup's limits apply as with any RDMA device.
# srnic does not yet map user queues: a user CQ, QP or SRQ is refused
# with EOPNOTSUPP.
# sanguard-flavours: debug distro
# sanguard-timeout: 600

. "$(dirname "$0")/../../../sanguard/lib.sh"

V=su$$
D=srnicu0
S=/sys/class/infiniband/$D
T=$(mktemp -d /tmp/srnic_user.XXXXXX)
at_exit "rm -rf $T"
EDQUOT=122
ENOMEM=12
EOPNOTSUPP=95

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
nobody() { "${NOBODY[@]}" "$@"; }
other() { setpriv --reuid=65533 --regid=65533 --clear-groups "$@"; }

counter() {
	rdma statistic show link "$D/1" | grep -ow "$1 [0-9]*" | awk '{print $2}'
}

# start_holder NAME CMD...: run CMD (a srnic_uverbs ... hold, an
# executable, not a function, so that $! is its pid) in the background
# until release_holder NAME; wait until it holds its objects.
start_holder() {
	local name=$1 i
	shift
	mkfifo "$T/$name.fifo"
	"$@" <"$T/$name.fifo" >"$T/$name.out" 2>&1 &
	printf -v "PID_$name" '%s' $!
	exec {fd}>"$T/$name.fifo"
	printf -v "FD_$name" '%s' "$fd"
	for i in {1..300}; do
		grep -q '^holding' "$T/$name.out" && return 0
		kill -0 "$!" 2>/dev/null || return 1
		sg_nap 0.1
	done
	return 1
}

release_holder() {
	local fdv=FD_$1 pidv=PID_$1
	eval "exec ${!fdv}>&-"
	wait "${!pidv}"
}

modprobe -r srnic siw 2>/dev/null
load_module ib_core || { not_ok "ib_core loads"; done_testing; }
load_module ib_uverbs || { not_ok "ib_uverbs loads"; done_testing; }
if ! command -v setpriv >/dev/null; then
	skip "user verbs" "no setpriv"
	done_testing
fi
# Built on the host by this directory's Makefile (TEST_GEN_PROGS_EXTENDED);
# copied where the unprivileged user can run it whatever the checkout's
# permissions.
if ! install -m 755 "$(dirname "$0")/srnic_uverbs" "$T/srnic_uverbs" 2>"$T/cp.log"; then
	not_ok "srnic_uverbs is built (make -C $(dirname "$0"))" "$(cat "$T/cp.log")"
	done_testing
fi
chmod 755 "$T"
U=$T/srnic_uverbs

ip link add "$V-a" type veth peer name "$V-b"
at_exit "ip link del $V-a"
ip link set "$V-a" up && ip link set "$V-b" up
check "rdma link add $D" rdma link add "$D" type srnic netdev "$V-a"
SG_MODS+=(srnic)
at_exit "rdma link delete $D"

# --- the device through stock rdma-core, as an unprivileged user ----------
check "libibverbs lists $D (libsiw binds to the siw identity)" \
	bash -c "ibv_devices | grep -qw $D"
check "an unprivileged user opens it: ibv_devinfo shows an iWARP port" \
	bash -c "setpriv --reuid=65534 --regid=65534 --clear-groups ibv_devinfo -d $D | grep -q 'transport:.*iWARP'"
out=$(nobody "$U" "$D" pd 8)
check_eq "with no limit the user allocates 8 PDs" "pd ok 8" "$out"

# --- per-user PD limit ---------------------------------------------------
echo 3 >"$S/limit_user_pd"
before=$(counter limit_refused)
out=$(nobody "$U" "$D" pd 8)
check_eq "limit_user_pd=3: the user gets 3 PDs" "pd ok 3" "$(echo "$out" | head -n1)"
check_eq "and the 4th fails with EDQUOT" "pd failed $EDQUOT" \
	"$(echo "$out" | sed -n 2p | cut -d' ' -f1-3)"
check_eq "the refusal is counted in limit_refused" $((before + 1)) \
	"$(counter limit_refused)"

if start_holder a "${NOBODY[@]}" "$U" "$D" pd 3 hold; then
	ok "user 65534 holds its 3 PDs"
	out=$(other "$U" "$D" pd 5)
	check_eq "another user still gets its own 3 PDs" "pd ok 3" \
		"$(echo "$out" | head -n1)"
	out=$(nobody "$U" "$D" pd 1)
	check_eq "user 65534 at its limit gets EDQUOT for one more" \
		"pd failed $EDQUOT" "$(echo "$out" | sed -n 2p | cut -d' ' -f1-3)"
	res=$(rdma resource show pd dev "$D" 2>&1)
	n=$(echo "$res" | grep -c "pid $PID_a .*comm srnic_uverbs")
	if [ "$n" = 3 ]; then
		ok "rdma resource lists the 3 PDs of the holder, with its pid"
	else
		not_ok "rdma resource lists the 3 PDs of the holder, with its pid" \
			"pid $PID_a, found $n" "$res"
	fi
	check_eq "rdma resource counts exactly those 3 PDs on $D" "pd 3" \
		"$(rdma resource show "$D" 2>&1 | grep -oE 'pd [0-9]+')"
	release_holder a
else
	not_ok "user 65534 holds its 3 PDs" "$(cat "$T/a.out")"
fi
out=$(nobody "$U" "$D" pd 3)
check_eq "freed PDs are uncharged: 3 again after the holder exits" \
	"pd ok 3" "$out"
echo unlimited >"$S/limit_user_pd"

# --- per-device PD limit -------------------------------------------------
echo 2 >"$S/limit_dev_pd"
out=$(nobody "$U" "$D" pd 4)
check_eq "limit_dev_pd=2: the device hands out 2 PDs" "pd ok 2" \
	"$(echo "$out" | head -n1)"
check_eq "and the 3rd fails with ENOMEM" "pd failed $ENOMEM" \
	"$(echo "$out" | sed -n 2p | cut -d' ' -f1-3)"
echo unlimited >"$S/limit_dev_pd"

# --- MRs: count and registered bytes ----------------------------------------
out=$(nobody "$U" "$D" mr 2 65536)
check_eq "a user registers remotely accessible MRs" "mr ok 2" \
	"$(echo "$out" | head -n1)"
keys=$(echo "$out" | sed -n 's/^mr keys //p')
if [ -n "$keys" ] && [ "${keys% *}" != "${keys#* }" ]; then
	ok "lkey and rkey of a remote MR differ ($keys)"
else
	not_ok "lkey and rkey of a remote MR differ" "$out"
fi
echo 2 >"$S/limit_user_mr"
out=$(nobody "$U" "$D" mr 5 4096)
check_eq "limit_user_mr=2: 2 MRs, then EDQUOT" "mr ok 2|mr failed $EDQUOT" \
	"$(echo "$out" | grep -v keys | cut -d' ' -f1-3 | paste -sd'|')"
echo unlimited >"$S/limit_user_mr"
echo $((3 * 65536)) >"$S/limit_user_mr_bytes"
before=$(counter limit_refused)
out=$(nobody "$U" "$D" mr 8 65536)
check_eq "limit_user_mr_bytes=192 KiB: 3 MRs of 64 KiB, then EDQUOT" \
	"mr ok 3|mr failed $EDQUOT" \
	"$(echo "$out" | grep -v keys | cut -d' ' -f1-3 | paste -sd'|')"
check_eq "the refusal is counted" $((before + 1)) "$(counter limit_refused)"
if start_holder m "${NOBODY[@]}" "$U" "$D" mr 3 65536 hold; then
	check_eq "rdma resource lists the holder's 3 MRs" 3 \
		"$(rdma resource show mr dev "$D" 2>&1 | grep -c "pid $PID_m ")"
	out=$(other "$U" "$D" mr 3 65536)
	check_eq "another user registers its own 192 KiB meanwhile" "mr ok 3" \
		"$(echo "$out" | head -n1)"
	release_holder m
else
	not_ok "user 65534 holds 3 MRs" "$(cat "$T/m.out")"
fi
echo unlimited >"$S/limit_user_mr_bytes"

# --- the rdma cgroup still applies ----------------------------------------------
CG=/sys/fs/cgroup
if ! grep -q cgroup2 /proc/mounts; then
	mount -t cgroup2 none "$CG" 2>/dev/null && at_exit "umount $CG"
fi
if grep -qw rdma "$CG/cgroup.controllers" 2>/dev/null; then
	G=$CG/srnic_user$$
	echo +rdma >"$CG/cgroup.subtree_control" 2>/dev/null
	mkdir "$G" && at_exit "rmdir $G"
	echo "$D hca_handle=max hca_object=2" >"$G/rdma.max"
	before=$(counter limit_refused)
	out=$(sh -c "echo \$\$ > $G/cgroup.procs && exec ${NOBODY[*]} $U $D pd 4")
	check_eq "rdma cgroup hca_object=2: 2 PDs, then EAGAIN from the cgroup" \
		"pd ok 2|pd failed 11" \
		"$(echo "$out" | cut -d' ' -f1-3 | paste -sd'|')"
	check_eq "that refusal is the cgroup's, not srnic's limits" "$before" \
		"$(counter limit_refused)"
else
	skip "rdma cgroup hca_object limit" "no rdma controller in cgroup2"
fi

# --- srnic has no user queues: EOPNOTSUPP --------------------------------------
dmesg -c >/dev/null
out=$(nobody "$U" "$D" cq)
check_eq "a user CQ is refused with EOPNOTSUPP" "cq failed $EOPNOTSUPP" \
	"$(echo "$out" | cut -d' ' -f1-3)"
check "and dmesg says why" bash -c "dmesg | grep -q 'user CQ refused'"

# --- removal does not wait for the user ---------------------------------------
if start_holder z "${NOBODY[@]}" "$U" "$D" pd 2 hold; then
	check "rdma link delete completes while a process holds PDs" \
		timeout 60 rdma link delete "$D"
	check_fails "$D is gone" rdma dev show "$D"
	release_holder z
	check_eq "the holder then exits normally (its calls fail, it does not crash)" \
		0 $?
else
	not_ok "rdma link delete completes while a process holds PDs" \
		"$(cat "$T/z.out")"
fi
check "srnic unloads afterwards" modprobe -r srnic

done_testing
