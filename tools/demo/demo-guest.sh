#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM (see scripts/demo.sh). Each step prints what it
# does and what came out, for someone who has never seen the project.
set -euo pipefail

TOP=${SG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
XG=$TOP/tools/xguard/xguard
PATH=$TOP/tools/xguard:$PATH
CTL=/sys/kernel/debug/xg_testowner/ctl
INI=demo-initiator
TGT=demo-target
I4=10.0.0.1
T4=10.0.0.2
RX=/tmp/demo-target.rx

. "$TOP/tools/demo/demo-lib.sh"

# owner CMD: tell the stand-in owner, in the initiator's namespace, to act
# (nsenter keeps debugfs mounted; "ip netns exec" remounts /sys).
owner() { nsenter --net=/run/netns/"$INI" sh -c "echo '$*' > $CTL"; }
field() { sed -n "s/^$1: //p" "$CTL"; }
received() { stat -c %s "$RX" 2>/dev/null || echo 0; }
# dmesg_new: the kernel log lines of the guard since the last call.
DMESG_SEEN=0
dmesg_new() {
	local all
	all=$(dmesg | grep 'xfrm_guard: ' || true)
	[ -n "$all" ] || return 0
	tail -n +$((DMESG_SEEN + 1)) <<<"$all" | sed 's/^\[[ 0-9.]*\] /  dmesg: /'
	DMESG_SEEN=$(grep -c . <<<"$all" || true)
}
SERVER=
target_listen() {
	rm -f "$RX"
	ip netns exec "$TGT" socat -u TCP-LISTEN:3260,reuseaddr \
		"OPEN:$RX,creat,trunc" &
	SERVER=$!
	sleep 0.3
}
target_stop() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	SERVER=
	return 0
}
# wait_received N: up to 10 s for the target to have N bytes.
wait_received() {
	local i
	for i in $(seq 1 50); do
		[ "$(received)" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
cleanup() {
	owner close 2>/dev/null || true
	target_stop
	ip netns del "$INI" 2>/dev/null || true
	ip netns del "$TGT" 2>/dev/null || true
}
trap cleanup EXIT

step "kernel"
echo "$(uname -sr) under QEMU, $(nproc) cpus, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB"

step "loading the sanguard modules"
for m in xfrm_guard iscsi_xfrm srnic; do
	modprobe "$m"
	printf '%-11s %s\n' "$m" "$(modinfo -F description "$m")"
done

step "what is loaded (lsmod)"
lsmod | awk 'NR == 1 || /^(xfrm_guard|iscsi_xfrm|srnic) /'

step "module state (/sys/module/*/initstate)"
for m in xfrm_guard iscsi_xfrm srnic; do
	printf '%-11s %s\n' "$m" "$(cat "/sys/module/$m/initstate")"
done

if [ ! -x "$XG" ]; then
	step "xfrm_guard at work: skipped"
	say "The xguard tool is not built (make -C tools/xguard on the host)."
	exit 0
fi

step "xfrm_guard: the setting"
say "xfrm_guard makes sure a storage connection (iSCSI, iWARP) only runs \
over IPsec ESP that is good enough (RFC 3723): it refuses a connection \
without it, and if protection goes away mid-stream it holds the \
connection instead of letting it continue in the clear."
say "Two network namespaces stand in for two hosts: $INI ($I4) and \
$TGT ($T4), joined by a veth pair. On the target, a plain TCP listener \
on the iSCSI port 3260 stores whatever arrives."
ip netns add "$INI"
ip netns add "$TGT"
ip -n "$INI" link set lo up
ip -n "$TGT" link set lo up
ip link add veth-t netns "$INI" type veth peer name veth-i netns "$TGT"
ip -n "$INI" addr add $I4/24 dev veth-t
ip -n "$TGT" addr add $T4/24 dev veth-i
ip -n "$INI" link set veth-t up
ip -n "$TGT" link set veth-i up
say "The initiator would be iscsi_xfrm; its kernel connection needs a real \
iSCSI target and login. Instead, the test-only module xg_testowner makes \
a kernel TCP connection and attaches it to the guard as an iSCSI \
connection, through the same in-kernel API iscsi_xfrm uses."
modprobe xg_testowner
dmesg_new >/dev/null

step "1. a connection without IPsec is refused"
target_listen
printf '# (initiator) connect %s:3260 and attach to the guard\n' $T4
if owner connect $T4 3260 2>/dev/null; then
	echo "  unexpectedly accepted"
else
	echo "  refused: the owner gets -EACCES, reason $(field reason)"
fi
dmesg_new
show xguard -n "$INI" stats
target_stop

step "2. the same connection over an ESP SA pair is accepted"
say "Each host gets an SA per direction (AES-GCM, anti-replay window of \
32 packets, as RFC 3723 2.3.1 requires) and policies that send TCP \
between them through ESP. The target's side is the mirror image."
k1=0x0102030405060708090a0b0c0d0e0f1011121314
k2=0x1112131415161718191a1b1c1d1e1f2021222324
sas() {
	local ns=$1 out=${2:-}
	$out ip -n "$ns" xfrm state add src $I4 dst $T4 proto esp spi 0x1000 \
		reqid 1 mode transport replay-window 32 \
		aead 'rfc4106(gcm(aes))' $k1 128
	$out ip -n "$ns" xfrm state add src $T4 dst $I4 proto esp spi 0x2000 \
		reqid 1 mode transport replay-window 32 \
		aead 'rfc4106(gcm(aes))' $k2 128
}
sas "$INI" show
sas "$TGT"
echo "# (target: the same two SAs)"
# policies NS A B [show]: TCP from A to B and back through ESP, seen from NS
# (whose address is A).
policies() {
	local ns=$1 a=$2 b=$3 out=${4:-}
	$out ip -n "$ns" xfrm policy add src $a dst $b proto tcp dir out \
		tmpl src $a dst $b proto esp reqid 1 mode transport
	$out ip -n "$ns" xfrm policy add src $b dst $a proto tcp dir in \
		tmpl src $b dst $a proto esp reqid 1 mode transport
}
policies "$INI" $I4 $T4 show
policies "$TGT" $T4 $I4
echo "# (target: the mirrored policies)"
target_listen
printf '# (initiator) connect %s:3260 and attach to the guard\n' $T4
owner connect $T4 3260
echo "  accepted: reason $(field reason)"
dmesg_new
say "xguard conn show lists what the guard watches: owner, addresses, the \
verdict, the SAs behind it, and whether the iSCSI digest (CRC) is still \
needed (yes for software IPsec, RFC 3723 3.6.2)."
show xguard -n "$INI" conn show
owner send 65536
wait_received 65536
echo "# (initiator) send 64 KiB: the target has $(received) bytes"

step "3. ip xfrm policy flush mid-stream: the connection holds"
say "Without the guard, flushing the policies makes TCP carry on in \
cleartext. With it, the owner is told to hold, anything TCP still sends \
is dropped before it leaves, and the connection is not torn down \
(RFC 3723 3.5)."
show ip -n "$INI" xfrm policy flush
sleep 0.5
echo "# (initiator) the owner asks to send: $(owner send 4000 2>/dev/null && echo allowed || echo 'held (EAGAIN)')"
owner send-force 4000
echo "# (initiator) 4000 bytes already queued in the socket: TCP tries to send them"
sleep 2
dmesg_new
show xguard -n "$INI" conn show
show ip netns exec "$INI" ss -tn "( dport = :3260 )"
echo "  still ESTAB, with the 4000 bytes waiting in Send-Q; the target still"
echo "  has $(received) bytes: what TCP tried to send was dropped (tx above)"

step "4. the policies come back: the same connection resumes"
policies "$INI" $I4 $T4 show
if wait_received 69536; then
	echo "  the queued 4000 bytes arrived over ESP: the target has $(received) bytes"
else
	echo "  the target has $(received) bytes (expected 69536)"
fi
sleep 0.5
dmesg_new
show xguard -n "$INI" conn show
owner send 4000
wait_received 73536 || true
echo "# (initiator) the owner may send again: the target has $(received) bytes, same connection (local port $(field local_port))"

step "5. closing"
owner close
echo "# (initiator) close: the guard forgets the connection"
show xguard -n "$INI" conn show
[ -n "$(xguard -n "$INI" conn show)" ] || echo "  (no connections)"
show xguard -n "$INI" stats
cleanup
trap - EXIT

modprobe -r xg_testowner
"$TOP/tools/demo/demo-iscsi.sh"
"$TOP/tools/demo/demo-srnic.sh"

step "unloading"
for m in srnic iscsi_xfrm xfrm_guard; do
	modprobe -r "$m" && echo "$m unloaded"
done
