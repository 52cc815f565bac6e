#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# srnic as a kernel ULP meets it, through the test-only consumer
# srnic_testulp: a queue sized the way nvme-rdma sizes its own (CQ smaller
# than send + receive queues) is admitted under cq_admission_kernel=account
# and counted as an overcommit, and refused under strict; "rdma resource"
# lists the kernel consumer's QPs, CQs and PDs; a CQ that overflows goes to
# error and takes exactly the QPs on it to ERR (RFC 5042 6.4.3.2, 6.4.6),
# with the counter, the event and the log line, while a QP on another CQ
# sees nothing; deleting the device with the ULP's objects on it works.
# sanguard-flavours: debug
# sanguard-timeout: 300

. "$(dirname "$0")/../../../sanguard/lib.sh"

V=sk$$
D=srnick0
S=/sys/class/infiniband/$D
CTL=/sys/kernel/debug/srnic_testulp/ctl

counter() {
	rdma statistic show link "$D/1" | grep -ow "$1 [0-9]*" | awk '{print $2}'
}
ulp() { echo "$*" >"$CTL"; }
# field NAME KEY: a value from NAME's line in the ULP's state.
field() { awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' "$CTL"; }

modprobe -r srnic siw 2>/dev/null
load_module ib_core || { not_ok "ib_core loads"; done_testing; }
ip link add "$V-a" type veth peer name "$V-b"
at_exit "ip link del $V-a"
ip link set "$V-a" up && ip link set "$V-b" up
check "rdma link add $D" rdma link add "$D" type srnic netdev "$V-a"
SG_MODS+=(srnic)
load_module srnic_testulp || { not_ok "srnic_testulp loads"; done_testing; }
at_exit "rdma link delete $D"

# --- CQ admission for kernel consumers -----------------------------------
over=$(counter cq_admission_overcommit)
check "account: an nvme-rdma-shaped queue (CQ 385, SQ 385, RQ 129) is admitted" \
	ulp make nvme "$D" 385 385 129
check_eq "and counted as an overcommit" $((over + 1)) \
	"$(counter cq_admission_overcommit)"
check_eq "its QP is in RTS" RTS "$(field nvme state)"
echo strict >"$S/cq_admission_kernel"
refused=$(counter cq_admission_refused)
dmesg -c >/dev/null
out=$(ulp make nvme2 "$D" 385 385 129 2>&1)
if [ $? -ne 0 ] && grep -q "No space left" <<<"$out"; then
	ok "strict: the same queue is refused with ENOSPC"
else
	not_ok "strict: the same queue is refused with ENOSPC" "$out"
fi
check_eq "and counted as an admission refusal" $((refused + 1)) \
	"$(counter cq_admission_refused)"
check "and the kernel log says so" \
	bash -c "dmesg | grep -q 'QP refused by CQ admission (-28)'"
check "strict: a queue that fits (CQ 514) is admitted" \
	ulp make fits "$D" 514 385 129
echo account >"$S/cq_admission_kernel"

# --- rdma resource lists kernel objects ---------------------------------
qpn=$(field nvme qp)
res=$(rdma resource show qp link "$D" 2>&1)
check "rdma resource lists the ULP's QP $qpn in RTS with its module name" \
	bash -c "grep -E 'lqpn $qpn .*state RTS.*comm \\[srnic_testulp\\]' <<<'$res'"
check_eq "rdma resource lists its 2 CQs" 2 \
	"$(rdma resource show cq dev "$D" 2>&1 | grep -c 'comm \[srnic_testulp\]')"
check_eq "and its 2 PDs" 2 \
	"$(rdma resource show pd dev "$D" 2>&1 | grep -c 'comm \[srnic_testulp\]')"
ulp free fits

# --- CQ overflow isolation -------------------------------------------------
check "a QP (SQ 1, RQ 8) on a CQ of 4" ulp make a "$D" 4 1 8
check "another QP on a CQ of its own" ulp make b "$D" 4 1 2
overflows=$(counter cq_overflow)
dmesg -c >/dev/null
check "a's QP to ERR and 5 receives posted: 5 flush completions for 4 CQEs" \
	ulp flush a 5
check_eq "a's CQ reported IB_EVENT_CQ_ERR to the ULP" 1 "$(field a cq_err)"
check_eq "cq_overflow counted" $((overflows + 1)) "$(counter cq_overflow)"
check "the kernel log names the CQ and the QPs taken down" \
	bash -c "dmesg | grep -q 'overflowed (depth 4): CQ in error, 1 QP(s) using it to error'"
check_eq "a's QP is in ERR" ERR "$(field a state)"
check_fails "a's CQ hands out what it holds, then fails (EIO)" ulp poll a
check_eq "4 completions were reaped from it" 4 "$(field a polled)"
check_eq "b's QP is still in RTS" RTS "$(field b state)"
check_eq "b's CQ saw no error" 0 "$(field b cq_err)"
check_eq "b's QP saw no fatal event" 0 "$(field b qp_fatal)"
check_eq "the nvme-shaped QP is still in RTS" RTS "$(field nvme state)"
check "b's own flush of 2 receives completes" ulp flush b 2
check "and its CQ is reaped" ulp poll b
check_eq "2 completions on b's CQ" 2 "$(field b polled)"
check_eq "b's CQ still saw no error" 0 "$(field b cq_err)"

# --- removal with a kernel consumer's objects on the device ---------------
check "rdma link delete with the ULP's objects on the device" \
	timeout 60 rdma link delete "$D"
check_eq "the ULP let go of every set" "" "$(cat "$CTL")"
check "srnic_testulp unloads" modprobe -r srnic_testulp
check "srnic unloads" modprobe -r srnic

done_testing
