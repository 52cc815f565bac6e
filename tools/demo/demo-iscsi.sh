#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo's iSCSI part, inside the VM (run by demo-guest.sh): stock
# open-iscsi logs in through iscsi_xfrm to the in-kernel LIO target over
# ESP, writes and reads back a disk, and the same login is refused once the
# SA is gone.
set -euo pipefail

TOP=${SG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=$TOP/tools/xguard:$PATH
TGT=demo-lio
I4=10.0.1.1
T4=10.0.1.2
TIQN=iqn.2003-01.org.sanguard.demo:disk
IIQN=iqn.2003-01.org.sanguard.demo:initiator
CFS=/sys/kernel/config/target
TPG=$CFS/iscsi/$TIQN/tpgt_1
BS=$CFS/core/rd_mcp_77/disk
TMP=/tmp/demo-iscsi
NODE=(-m node -T "$TIQN" -p "$T4:3260")
ISCSID=

. "$TOP/tools/demo/demo-lib.sh"

DMESG_SEEN=$(dmesg | wc -l)
dmesg_new() {
	dmesg | tail -n +$((DMESG_SEEN + 1)) |
		grep -E 'iscsi_xfrm|xfrm_guard|connection[0-9]+:|scsi host|Attached SCSI disk' |
		sed 's/^\[[ 0-9.]*\] /  dmesg: /' || true
	DMESG_SEEN=$(dmesg | wc -l)
}
accepts() { cat "$CFS/iscsi/$TIQN/fabric_statistics/iscsi_login_stats/accepts"; }
disk() {
	local d i
	for i in $(seq 1 100); do
		for d in /sys/class/iscsi_session/session*/device/target*/*:*:*:0/block/*; do
			[ -e "$d" ] && { basename "$d"; return 0; }
		done
		sleep 0.1
	done
	return 1
}
# ipx WHERE ARGS: "ip ARGS" on the initiator (init) or the target (t).
ipx() {
	local where=$1
	shift
	if [ "$where" = t ]; then ip -n "$TGT" "$@"; else ip "$@"; fi
}
sas() {
	ipx "$1" xfrm state add src $I4 dst $T4 proto esp spi 0x3100 reqid 3 \
		mode transport replay-window 32 aead 'rfc4106(gcm(aes))' \
		0x4102030405060708090a0b0c0d0e0f1011121314 128
	ipx "$1" xfrm state add src $T4 dst $I4 proto esp spi 0x3200 reqid 3 \
		mode transport replay-window 32 aead 'rfc4106(gcm(aes))' \
		0x5112131415161718191a1b1c1d1e1f2021222324 128
}
policies() {
	local o=out i=in
	[ "$1" = init ] || { o=in; i=out; }
	ipx "$1" xfrm policy add src $I4 dst $T4 proto tcp dir $o \
		tmpl src $I4 dst $T4 proto esp reqid 3 mode transport
	ipx "$1" xfrm policy add src $T4 dst $I4 proto tcp dir $i \
		tmpl src $T4 dst $I4 proto esp reqid 3 mode transport
}
# nsenter, not "ip netns exec", which remounts /sys without configfs.
tnet() { nsenter --net=/run/netns/"$TGT" "$@"; }

cleanup() {
	set +e
	iscsiadm -m node -u >/dev/null 2>&1
	iscsiadm "${NODE[@]}" -o delete >/dev/null 2>&1
	if [ -n "$ISCSID" ]; then
		kill "$ISCSID" 2>/dev/null
		wait "$ISCSID" 2>/dev/null
	fi
	if [ -d "$TPG" ]; then
		echo 0 >"$TPG/enable"
		rm -f "$TPG/acls/$IIQN/lun_0/disk"
		rmdir "$TPG/acls/$IIQN/lun_0" "$TPG/acls/$IIQN"
		rm -f "$TPG/lun/lun_0/disk"
		rmdir "$TPG/lun/lun_0" "$TPG/np/$T4:3260" "$TPG" "$CFS/iscsi/$TIQN"
	fi
	rmdir "$BS" "$CFS/core/rd_mcp_77" "$CFS/iscsi" 2>/dev/null
	ip xfrm policy flush
	ip xfrm state flush
	ip link del demo-i 2>/dev/null
	ip netns del "$TGT" 2>/dev/null
	rm -rf "$TMP"
	for m in iscsi_target_mod target_core_mod; do
		modprobe -r "$m" 2>/dev/null
	done
}
trap cleanup EXIT

step "6. iSCSI for real: the setting"
say "Now the real thing. The in-kernel LIO iSCSI target serves a 32 MiB \
RAM disk from namespace $TGT ($T4); stock open-iscsi (iscsid, iscsiadm) \
logs in from the initial namespace ($I4) through iscsi_xfrm, which \
registers the same \"tcp\" transport as iscsi_tcp."
mkdir -p "$TMP" /run/lock/iscsi /etc/iscsi/nodes /etc/iscsi/send_targets \
	/etc/iscsi/ifaces
ip netns add "$TGT"
ip -n "$TGT" link set lo up
ip link add demo-i type veth peer name veth-lio netns "$TGT"
ip addr add $I4/24 dev demo-i
ip -n "$TGT" addr add $T4/24 dev veth-lio
ip link set demo-i up
ip -n "$TGT" link set veth-lio up
modprobe target_core_mod
modprobe iscsi_target_mod
mkdir -p "$CFS/iscsi" "$BS"
echo "rd_pages=$((32 * 256))" >"$BS/control"
echo 1 >"$BS/enable"
mkdir -p "$TPG/lun/lun_0"
ln -s "$BS" "$TPG/lun/lun_0/disk"
# LIO opens the portal's socket in the namespace of whoever writes this.
tnet mkdir "$TPG/np/$T4:3260"
mkdir -p "$TPG/acls/$IIQN/lun_0"
ln -s "$TPG/lun/lun_0" "$TPG/acls/$IIQN/lun_0/disk"
echo 0 >"$TPG/attrib/authentication"
echo 1 >"$TPG/enable"
echo "InitiatorName=$IIQN" >"$TMP/initiatorname.iscsi"
setsid iscsid -f -i "$TMP/initiatorname.iscsi" >"$TMP/iscsid.log" 2>&1 &
ISCSID=$!
for _ in $(seq 1 100); do
	ss -Hxl | grep -q ISCSIADM_ABSTRACT_NAMESPACE && break
	sleep 0.1
done
echo "target $TIQN at $T4:3260, LUN 0 = 32 MiB RAM disk, ACL for $IIQN"
show iscsiadm "${NODE[@]}" -o new
iscsiadm "${NODE[@]}" -o update -n node.session.initial_login_retry_max -v 1
iscsiadm "${NODE[@]}" -o update -n node.conn[0].timeo.login_timeout -v 10
dmesg_new >/dev/null

step "7. login over an ESP SA pair"
sas init
sas t
policies init
policies t
echo "# (both hosts: the AES-GCM SA pair and policies for TCP between them)"
show iscsiadm "${NODE[@]}" --login
d=$(disk)
dmesg_new
echo "# the LUN is /dev/$d ($(($(blockdev --getsize64 /dev/"$d") / 1048576)) MiB); the target accepted $(accepts) login(s)"
show iscsiadm -m session -P 3 | grep -E 'Transport|Digest|State:' | sort -u
show xguard conn show

step "8. data written and read back"
head -c 8M /dev/urandom >"$TMP/pattern"
show dd if="$TMP/pattern" of=/dev/"$d" bs=1M oflag=direct conv=fsync status=none
printf '# dd if=/dev/%s bs=1M count=8 iflag=direct | cmp - pattern\n' "$d"
if dd if=/dev/"$d" bs=1M count=8 iflag=direct status=none | cmp - "$TMP/pattern"; then
	echo "  identical: 8 MiB went to the target and came back over ESP"
else
	echo "  DIFFERENT"
	exit 1
fi
iscsiadm -m session -s | grep -E 'txdata_octets|rxdata_octets' | sed 's/^\s*/  /'
show iscsiadm "${NODE[@]}" --logout

step "9. the SAs go away: the same login is refused"
say "Someone flushes the SAs and policies on both hosts, so TCP between \
them now runs in the clear and the target would accept it. iscsid connects \
and hands the socket over; iscsi_xfrm asks the guard, which refuses it \
before a single iSCSI byte is sent: the target never sees a Login PDU."
before=$(accepts)
show ip xfrm state flush
show ip xfrm policy flush
ipx t xfrm state flush
ipx t xfrm policy flush
echo "# (target: the same)"
if iscsiadm "${NODE[@]}" --login >"$TMP/login.out" 2>&1; then
	echo "  unexpectedly logged in"
	exit 1
fi
grep iscsiadm: "$TMP/login.out" | sed "s/^/  /"
dmesg_new
echo "# the target's accepted logins: $before before, $(accepts) after"
show xguard stats
