#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xfrm_guard decides, enforces and holds: a kernel TCP connection attached
# by an owner (the test owner module, standing in for iscsi_xfrm) is
# accepted only over ESP that meets the default profile, every segment is
# checked both ways, and when protection goes the connection holds without
# sending in the clear or being torn down, then resumes on the same
# connection when an SA is back (RFC 3723 2.3, 3.5).
# sanguard-flavours: debug
# sanguard-timeout: 900

. "$(dirname "$0")/lib.sh"

CTL=/sys/kernel/debug/xg_testowner/ctl
PORT=5000
A4=10.99.1.1
B4=10.99.1.2
A6=fd99:1::1
B6=fd99:1::2
GCM_KEY_AB=0x0102030405060708090a0b0c0d0e0f1011121314
GCM_KEY_BA=0x1112131415161718191a1b1c1d1e1f2021222324
RX=/tmp/$SG_PREFIX.rx

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24 $A6/64 $B6/64

# owner CMD: run a test owner command in namespace a (nsenter keeps the
# mounts, so debugfs stays visible; "ip netns exec" would remount /sys).
owner() { nsenter --net=/run/netns/"$NS_a" sh -c "echo '$*' > $CTL"; }
field() { sed -n "s/^$1: //p" "$CTL"; }

# sa NS SRC DST SPI REPLAY ALG...: one transport-mode ESP SA.
sa() {
	local ns=$1 src=$2 dst=$3 spi=$4 replay=$5
	shift 5
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		reqid 1 mode transport replay-window "$replay" "$@"
}

# ipsec_up A B [REPLAY_INTO_A] [ALG...]: SAs and policies on both sides;
# the default is AES-GCM with a replay window of 32.
ipsec_up() {
	local a=$1 b=$2 replay_a=${3:-32} ns
	shift 3 2>/dev/null || shift $#
	local alg_ab=(aead 'rfc4106(gcm(aes))' $GCM_KEY_AB 128)
	local alg_ba=(aead 'rfc4106(gcm(aes))' $GCM_KEY_BA 128)
	if [ $# -gt 0 ]; then
		alg_ab=("$@")
		alg_ba=("$@")
	fi
	for ns in "$NS_a" "$NS_b"; do
		sa "$ns" "$a" "$b" 0x1000 32 "${alg_ab[@]}" || return 1
		sa "$ns" "$b" "$a" 0x2000 "$replay_a" "${alg_ba[@]}" || return 1
	done
	policies_up "$a" "$b"
}

policies_up() {
	local a=$1 b=$2
	ip -n "$NS_a" xfrm policy add src "$a" dst "$b" proto tcp dir out \
		tmpl src "$a" dst "$b" proto esp reqid 1 mode transport &&
	ip -n "$NS_a" xfrm policy add src "$b" dst "$a" proto tcp dir in \
		tmpl src "$b" dst "$a" proto esp reqid 1 mode transport &&
	ip -n "$NS_b" xfrm policy add src "$b" dst "$a" proto tcp dir out \
		tmpl src "$b" dst "$a" proto esp reqid 1 mode transport &&
	ip -n "$NS_b" xfrm policy add src "$a" dst "$b" proto tcp dir in \
		tmpl src "$a" dst "$b" proto esp reqid 1 mode transport
}

ipsec_down() {
	local ns
	owner close
	for ns in "$NS_a" "$NS_b"; do
		ip -n "$ns" xfrm policy flush
		ip -n "$ns" xfrm state flush
	done
	kill_server
}

SERVER=
server() {
	rm -f "$RX"
	ip netns exec "$NS_b" socat -u "TCP6-LISTEN:$PORT,reuseaddr,ipv6only=0" \
		"OPEN:$RX,creat,trunc" &
	SERVER=$!
	sleep 1
}
kill_server() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	SERVER=
}
at_exit kill_server
at_exit "owner close"

# rx_is N: the server received exactly the first N bytes of the pattern.
rx_is() {
	local n=$1 i
	for i in $(seq 1 30); do
		[ "$(stat -c %s "$RX" 2>/dev/null)" = "$n" ] && break
		sleep 1
	done
	python3 -c '
import sys
n = int(sys.argv[2])
d = open(sys.argv[1], "rb").read()
want = bytes(i % 251 for i in range(n))
sys.exit(0 if d == want else 1)' "$RX" "$n"
}

# --- refused without IPsec ---------------------------------------------
server
check_fails "no IPsec: attach refused" owner connect $B4 $PORT
check_eq "no IPsec: state" refused "$(field state)"
check_eq "no IPsec: reason" no_ipsec "$(field reason)"
kill_server

# --- protected -------------------------------------------------------------
ipsec_up $A4 $B4
server
check "ESP AES-GCM, replay window 32: attach accepted" owner connect $B4 $PORT
check_eq "protected: reason" protected "$(field reason)"
check_eq "protected: CRC kept for software IPsec" software "$(field crc)"
check "protected: 64 KiB sent" owner send 65536
check "protected: 64 KiB arrive intact" rx_is 65536
ipsec_down

# --- refused: no anti-replay (RFC 3723 2.3.1) -----------------------------
ipsec_up $A4 $B4 0
server
check_fails "inbound replay window 0: attach refused" owner connect $B4 $PORT
check_eq "replay window 0: reason" no_anti_replay "$(field reason)"
ipsec_down

# --- refused: DES (RFC 8221) ---------------------------------------------
ipsec_up $A4 $B4 32 enc 'cbc(des)' 0x0102030405060708 auth-trunc 'hmac(sha1)' \
	0x0102030405060708090a0b0c0d0e0f1011121314 96
server
check_fails "cbc(des): attach refused" owner connect $B4 $PORT
check_eq "cbc(des): reason" weak_algorithm "$(field reason)"
check_eq "cbc(des): algorithm named" "cbc(des)" "$(field alg)"
ipsec_down

# --- protection lost and restored mid-stream ------------------------------
cleartext_capture() {
	ip netns exec "$NS_b" tcpdump -i veth-a -nn -U -w "/tmp/$SG_PREFIX.pcap" \
		"tcp port $PORT" 2>/dev/null &
	CAP=$!
	sleep 1
}
cleartext_count() {
	sleep 1
	kill "$CAP" 2>/dev/null
	wait "$CAP" 2>/dev/null
	tcpdump -r "/tmp/$SG_PREFIX.pcap" -nn 2>/dev/null | wc -l
}

for how in "policy flush" "SA delete"; do
	ipsec_up $A4 $B4
	server
	check "$how: attach accepted" owner connect $B4 $PORT
	lport=$(field local_port)
	check "$how: 8 KiB before" owner send 8192
	check "$how: 8 KiB arrive" rx_is 8192
	cleartext_capture
	if [ "$how" = "policy flush" ]; then
		ip -n "$NS_a" xfrm policy flush
	else
		ip -n "$NS_a" xfrm state delete src $A4 dst $B4 proto esp spi 0x1000
	fi
	check_fails "$how: owner is held" owner send 1000
	# Data an owner had already queued must not leave in the clear.
	check "$how: queued data accepted by the socket" owner send-force 8000
	sleep 3
	check_eq "$how: owner told protection is lost" 1 "$(field lost_cb)"
	check "$how: outgoing segments dropped" test "$(field tx_dropped)" -gt 0
	check_eq "$how: connection not torn down (ESTABLISHED)" 1 "$(field tcp_state)"
	if [ "$how" = "policy flush" ]; then
		policies_up $A4 $B4
	else
		sa "$NS_a" $A4 $B4 0x1000 32 aead 'rfc4106(gcm(aes))' $GCM_KEY_AB 128
	fi
	check "$how: queued data arrives over ESP after restore" rx_is 16192
	check_eq "$how: nothing left in the clear" 0 "$(cleartext_count)"
	check_eq "$how: owner told protection is back" 1 "$(field restored_cb)"
	check "$how: owner may send again" owner send 4000
	check "$how: same connection, all bytes intact" rx_is 20192
	check_eq "$how: same local port" "$lport" "$(field local_port)"
	ipsec_down
done

# --- cleartext injected for a guarded connection --------------------------
ipsec_up $A4 $B4
server
check "inject: attach accepted" owner connect $B4 $PORT
lport=$(field local_port)
before=$(field rx_dropped)
check "inject: three cleartext segments sent from b" \
	ip netns exec "$NS_b" python3 -c '
import socket, struct, sys
src, dst, sport, dport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
payload = b"cleartext!"
tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, 0x18, 65535, 0, 0) + payload
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
c = csum(pseudo + tcp)
tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for _ in range(3):
    s.sendto(ip + tcp, (dst, 0))
' $B4 $A4 $PORT "$lport"
sleep 1
check_eq "inject: all three dropped and counted" $((before + 3)) "$(field rx_dropped)"
check "inject: the connection still works" owner send 1000
check "inject: protected data arrives" rx_is 1000
ipsec_down

# --- IPv6 -------------------------------------------------------------------
server
check_fails "IPv6, no IPsec: attach refused" owner connect $B6 $PORT
check_eq "IPv6, no IPsec: reason" no_ipsec "$(field reason)"
kill_server
ipsec_up $A6 $B6
server
check "IPv6, ESP AES-GCM: attach accepted" owner connect $B6 $PORT
check_eq "IPv6: reason" protected "$(field reason)"
check "IPv6: 32 KiB sent" owner send 32768
check "IPv6: 32 KiB arrive intact" rx_is 32768
ipsec_down

done_testing
