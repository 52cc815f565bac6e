#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NVMe over Fabrics RDMA over srnic, in one VM: nvmet-rdma serves a
# memory-backed null_blk namespace and nvme-rdma connects to it through
# one srnic device, host and target on the same IP (kernel ULPs make their
# rdma_cm ids in the initial namespace only: the same-IP recipe of
# KERNEL-NOTES). fio writes a pattern over the namespace with --verify,
# a second job reads it all back and verifies it, the host disconnects,
# and everything unloads. Each queue's connection is attached to the xfrm
# guard as owner iwarp. With policy enforce and no SA the connect is
# refused: the reason in dmesg, no controller. With a transport-mode ESP
# SA (lo made to take IPsec) every connection is protected and the same
# I/O verifies. With srnic's peer-to-peer RTR on, every queue's
# connection sends or takes its RTR and I/O verifies. NV_MIB sets the
# data size:
# 64 MiB on the base kernel, 4 MiB on the debug kernel.
# sanguard-flavours: debug base
# sanguard-timeout: 600

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/srnic_nvme_lib.sh"

XG=$SG_TOP/tools/xguard/xguard
V=nv$$
D=srnv0
IP=10.99.8.1
PORT=4420
case "${SANGUARD_FLAVOUR:-}" in
base) MIB=64 ;;
*) MIB=4 ;;
esac
MIB=${NV_MIB:-$MIB}
HOLD=${NV_HOLD_SECS:-10}

if [ ! -x "$XG" ]; then
	skip "srnic NVMe tests" "no $XG (make -C tools/xguard)"
	done_testing
fi

# nv_iwarp_conns: connections xguard lists as owner iwarp to the port.
nv_iwarp_conns() {
	"$XG" conn show | grep -c "iwarp .* -> $IP:$PORT"
}
# nv_refusals: the sum of D's access refusal counters (RFC 5042 checks).
nv_refusals() {
	rdma statistic show link "$D/1" |
		grep -owE '(invalid_stag|stag_key_mismatch|pd_mismatch|rights_violation|bounds_violation|access_after_invalidate) [0-9]+' |
		awk '{s += $2} END {print s + 0}'
}
# nv_esp_packets: packets through the test's SA (either direction).
nv_esp_packets() {
	ip -s xfrm state get src "$IP" dst "$IP" proto esp spi 0x3001 2>/dev/null |
		awk '/lifetime current:/ { getline
			for (i = 1; i <= NF; i++)
				if ($i ~ /\(packets\)/) { sub(/\(.*/, "", $i); print $i; f = 1 } }
		     END { if (!f) print 0 }'
}
dmesg_mark() { DMESG_MARK=$(dmesg | wc -l); }
dmesg_since() { dmesg | tail -n +$((DMESG_MARK + 1)); }

modprobe -r srnic siw 2>/dev/null
load_module null_blk nr_devices=1 memory_backed=1 gb=1 ||
	{ not_ok "null_blk loads"; done_testing; }
load_module nvmet && load_module nvmet_rdma && load_module nvme_rdma ||
	{ not_ok "nvmet, nvmet_rdma and nvme_rdma load"; done_testing; }
ip link add "$V-a" type veth peer name "$V-b"
at_exit "ip link del $V-a"
ip addr add "$IP/24" dev "$V-a"
ip link set "$V-a" up && ip link set "$V-b" up
if ! rdma link add "$D" type srnic netdev "$V-a"; then
	not_ok "rdma link add $D on $V-a"
	done_testing
fi
ok "rdma link add $D on $V-a"
SG_MODS+=(srnic)
at_exit "rdma link delete $D"
"$XG" profile set mode off >/dev/null
at_exit "'$XG' profile set mode off"
WARN0=$(dmesg | grep -c -E 'WARNING:|BUG:' || true)

# --- the target: one subsystem, one namespace, one RDMA port -----------------
at_exit nv_target_down
if ! out=$(nv_target_up 2>&1); then
	not_ok "nvmet-rdma serves a null_blk namespace on $IP:$PORT over $D" "$out"
	done_testing
fi
ok "nvmet-rdma serves a null_blk namespace on $IP:$PORT over $D"

# --- connect, verified I/O, disconnect --------------------------------------
if ! out=$(nv_connect); then
	not_ok "nvme connect -t rdma succeeds" "$out"
	done_testing
fi
ok "nvme connect -t rdma succeeds"
at_exit "nvme disconnect -n '$NQN'"
ctrl=$(nv_ctrl)
check "a controller for the subsystem" test -n "$ctrl"
check_eq "over the rdma transport" rdma "$(cat /sys/class/nvme/"$ctrl"/transport 2>/dev/null)"
check "its namespace appears" wait_cond 60 nv_disk
disk=$(nv_disk)
diag "controller $ctrl, namespace $disk, $(cat /sys/class/nvme/"$ctrl"/queue_count 2>/dev/null) queues"
check "xguard lists the queues' connections as owner iwarp" \
	test "$(nv_iwarp_conns)" -ge 2
res=$(rdma resource show qp link "$D" 2>&1)
check_eq "host and target QPs of each queue are on $D, in RTS" \
	$((2 * $(cat /sys/class/nvme/"$ctrl"/queue_count 2>/dev/null || echo 0))) \
	"$(grep -c 'state RTS' <<<"$res")"
diag "$(grep -o 'comm [^ ]*' <<<"$res" | sort | uniq -c | tr '\n' ' ')"

REF0=$(nv_refusals)
# nv_fio DESC ARGS...: one fio job over the namespace that verifies what
# it wrote; its output is shown on failure.
nv_fio() {
	local desc=$1 out t0=$SECONDS
	shift
	if out=$(fio --name=nv --filename=/dev/"$disk" --direct=1 \
		--ioengine=libaio --size="${MIB}M" --verify=crc32c \
		--do_verify=1 --verify_fatal=1 "$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "$(echo "$out" | tail -n 15)"
	fi
	diag "$desc: $((SECONDS - t0)) s"
}
nv_fio "fio writes $MIB MiB in 128 KiB blocks and reads them back verified" \
	--rw=write --bs=128k --iodepth=8
nv_fio "fio writes $((MIB / 4)) MiB in 4 KiB blocks at random and reads them back verified" \
	--rw=randwrite --bs=4k --iodepth=16 --size=$((MIB / 4))M
check_eq "the I/O met no access refusal on $D" "$REF0" "$(nv_refusals)"

check "nvme disconnect" nvme disconnect -n "$NQN"
check "the controller is gone" wait_cond 30 nv_gone
check "its connections are gone from xguard" \
	wait_cond 30 bash -c "[ \$('$XG' conn show | grep -c 'iwarp .* -> $IP:$PORT') -eq 0 ]"

# --- peer-to-peer RTR under a kernel ULP ------------------------------------
# nvme-rdma and nvmet-rdma know nothing of RTR: srnic's mpa_p2p makes the
# host's side ask for it, the target's side picks the type (mpa_rtr any),
# and every queue's first message must wait for it on both sides.
PAR=/sys/module/srnic/parameters
echo 1 >$PAR/mpa_p2p
at_exit "echo 0 >$PAR/mpa_p2p"
if out=$(nv_connect); then
	ok "peer-to-peer RTR: nvme connect succeeds"
	ctrl=$(nv_ctrl)
	check "peer-to-peer RTR: its namespace appears" wait_cond 60 nv_disk
	disk=$(nv_disk)
	res=$(rdma -dd resource show qp link "$D" 2>&1)
	rts=$(grep -c 'state RTS' <<<"$res")
	check_eq "peer-to-peer RTR: each of the $rts QPs in RTS sent or took one" \
		"$rts" "$(grep 'state RTS' <<<"$res" | grep -cE 'drv_rtr (read|write|send)')"
	diag "RTR types: $(grep -oE 'drv_rtr [a-z]+' <<<"$res" | sort | uniq -c | tr '\n' ' ')"
	nv_fio "peer-to-peer RTR: fio writes $((MIB / 4)) MiB at random and reads them back verified" \
		--rw=randwrite --bs=4k --iodepth=16 --size=$((MIB / 4))M
	check "peer-to-peer RTR: nvme disconnect" nvme disconnect -n "$NQN"
	check "peer-to-peer RTR: the controller is gone" wait_cond 30 nv_gone
else
	not_ok "peer-to-peer RTR: nvme connect succeeds" "$out"
fi
echo 0 >$PAR/mpa_p2p

# --- enforce without an SA: refused ----------------------------------------
"$XG" profile set mode enforce >/dev/null
dmesg_mark
out=$(nv_connect)
rc=$?
check "enforce, no SA: nvme connect fails" test "$rc" -ne 0
diag "nvme connect: $(echo "$out" | tail -n 1)"
check "no controller was created" nv_gone
check "dmesg names the reason" \
	bash -c "dmesg | tail -n +$((DMESG_MARK + 1)) | grep -q 'connection to $IP:$PORT refused by the xfrm guard: no_ipsec'"
check "xguard conn show lists the refusal" \
	bash -c "'$XG' conn show | grep -A1 'iwarp .* -> $IP:$PORT' | grep -q 'refused no_ipsec'"

# nv_writes: write requests the namespace completed.
nv_writes() {
	local st
	read -r -a st </sys/block/"$disk"/stat
	echo "${st[4]}"
}
# nv_esp_add: the test's SA (again).
nv_esp_add() {
	ip xfrm state add src "$IP" dst "$IP" proto esp spi 0x3001 reqid 7 \
		mode transport replay-window 64 \
		aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
}
# nv_hold_round: the SA goes for HOLD seconds while fio writes and
# verifies (RFC 5042 5.4.5 with RFC 3723 3.5): the I/O stalls, nothing
# of port PORT is seen in the clear on lo, the controller and its
# connections survive (no reconnect), and every block verifies once the
# SA is back.
nv_hold_round() {
	local cap capf fio_pid fio_out w0 w1 rc i t0
	capf=$(mktemp /tmp/nvcap.XXXXXX)
	fio_out=$(mktemp /tmp/nvfio.XXXXXX)
	tcpdump -i lo -nn -U --immediate-mode -s 96 -w "$capf" \
		"tcp port $PORT" 2>"$capf.err" &
	cap=$!
	wait_cond 10 grep -q "listening on" "$capf.err" ||
		diag "tcpdump: $(cat "$capf.err")"
	dmesg_mark
	fio --name=nvhold --filename=/dev/"$disk" --direct=1 --ioengine=libaio \
		--size="${MIB}M" --verify=crc32c --do_verify=1 --verify_fatal=1 \
		--rw=write --bs=64k --iodepth=4 >"$fio_out" 2>&1 &
	fio_pid=$!
	w0=$(nv_writes)
	for ((i = 0; i < 100; i++)); do
		[ "$(nv_writes)" -gt "$w0" ] && break
		sg_nap 0.1
	done
	ip xfrm state delete src "$IP" dst "$IP" proto esp spi 0x3001
	t0=$SECONDS
	check "hold: the SA is deleted while fio writes; the guard holds the queues" \
		wait_cond 5 bash -c "dmesg | tail -n +$((DMESG_MARK + 1)) | grep -q 'protection lost, holding iwarp .* -> $IP:$PORT'"
	check "hold: xguard conn show counts the loss" \
		bash -c "'$XG' conn show | grep -q 'protection lost [1-9]'"
	sg_nap 1
	w0=$(nv_writes)
	# The hold lasts HOLD seconds, whatever the checks above took.
	sg_nap $((HOLD - (SECONDS - t0) > 1 ? HOLD - (SECONDS - t0) : 1))
	w1=$(nv_writes)
	check_eq "hold: no write completes without protection" "$w0" "$w1"
	check "hold: fio is still running" kill -0 "$fio_pid"
	nv_esp_add
	wait "$fio_pid"
	rc=$?
	check_eq "hold: once the SA is back, fio completes with every block verified" 0 "$rc"
	[ "$rc" -eq 0 ] || diag "$(tail -n 15 "$fio_out")"
	kill "$cap" 2>/dev/null
	wait "$cap" 2>/dev/null
	check_eq "hold: no NVMe/TCP segment in the clear on lo" 0 \
		"$(tcpdump -r "$capf" -nn 2>/dev/null | wc -l)"
	check_eq "hold: the same controller, no reconnect" "" \
		"$(dmesg_since | grep -E 'nvme nvme[0-9]+: (Reconnecting|starting error recovery|.*timeout)')"
	check_eq "hold: still connected to the subsystem" "$ctrl" "$(nv_ctrl)"
	rm -f "$capf" "$capf.err" "$fio_out"
}

# --- over ESP: protected, the same verified I/O ------------------------------
# Traffic to a local address leaves through lo, which skips IPsec unless
# told otherwise; one transport-mode SA serves both directions (same IP).
lo_conf() {
	echo "$1" >/proc/sys/net/ipv4/conf/lo/disable_xfrm &&
		echo "$1" >/proc/sys/net/ipv4/conf/lo/disable_policy
}
lo_conf 0
at_exit "lo_conf 1"
ip route flush cache
nv_esp_add
for dir in out in; do
	ip xfrm policy add src "$IP" dst "$IP" proto tcp dir "$dir" \
		tmpl src "$IP" dst "$IP" proto esp reqid 7 mode transport
done
at_exit "ip xfrm policy flush; ip xfrm state flush"
esp0=$(nv_esp_packets)
# A keep-alive timeout longer than the hold below: the controller must
# outlive the time without protection (the default, 5 s, would not).
if out=$(nv_connect --keep-alive-tmo=$((HOLD * 3))); then
	ok "enforce, over ESP: nvme connect succeeds"
	ctrl=$(nv_ctrl)
	check "its namespace appears" wait_cond 60 nv_disk
	disk=$(nv_disk)
	# The refusal above stays listed; the queues' connections are new.
	check_eq "xguard lists each queue's connection as protected" \
		"$(cat /sys/class/nvme/"$ctrl"/queue_count 2>/dev/null)" \
		"$("$XG" conn show | grep -A1 "iwarp .* -> $IP:$PORT" | grep -c 'verdict protected')"
	nv_fio "over ESP: fio writes $MIB MiB in 128 KiB blocks and reads them back verified" \
		--rw=write --bs=128k --iodepth=8
	check "the traffic went through the SA" test "$(nv_esp_packets)" -gt "$((esp0 + 100))"
	nv_hold_round
	check "nvme disconnect" nvme disconnect -n "$NQN"
	check "the controller is gone" wait_cond 30 nv_gone
else
	not_ok "enforce, over ESP: nvme connect succeeds" "$out"
fi
"$XG" profile set mode off >/dev/null
ip xfrm policy flush
ip xfrm state flush
lo_conf 1

# --- nothing left behind ---------------------------------------------------
nv_target_down
check "nvmet's port and subsystem are gone" test ! -e "$SUB"
check_eq "no QP left on $D" "" "$(rdma resource show qp link "$D" 2>&1)"
check_eq "no kernel warning" "$WARN0" "$(dmesg | grep -c -E 'WARNING:|BUG:' || true)"
check "nvme_rdma unloads" modprobe -r nvme_rdma
check "nvmet_rdma unloads" modprobe -r nvmet_rdma
check "rdma link delete $D" rdma link delete "$D"
check "srnic unloads" modprobe -r srnic

done_testing
