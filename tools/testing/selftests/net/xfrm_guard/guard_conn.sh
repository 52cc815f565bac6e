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

. "$(dirname "$0")/../../sanguard/lib.sh"

. "$(dirname "$0")/guard_lib.sh"

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
owner_writer || { not_ok "a writer of the test owner's control file in a"; done_testing; }
veth_link a $A4/24 b $B4/24 $A6/64 $B6/64

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
# The capture takes ESP too, so a test can show it saw the traffic at all;
# --immediate-mode, or packets still in the ring when it is killed are lost.
cleartext_capture() {
	rm -f "/tmp/$SG_PREFIX.pcap"
	ip netns exec "$NS_b" tcpdump -i veth-a -nn -U --immediate-mode \
		-w "/tmp/$SG_PREFIX.pcap" "tcp port $PORT or esp" 2>/dev/null &
	CAP=$!
	pcap_ready "/tmp/$SG_PREFIX.pcap"
}
# A second's grace for a late cleartext segment, then the count.
cleartext_count() {
	sg_nap 1
	kill "$CAP" 2>/dev/null
	wait "$CAP" 2>/dev/null
	tcpdump -r "/tmp/$SG_PREFIX.pcap" -nn "tcp port $PORT" 2>/dev/null | wc -l
}
esp_count() {
	tcpdump -r "/tmp/$SG_PREFIX.pcap" -nn esp 2>/dev/null | wc -l
}

# lost_and_dropped: the owner was told protection is lost and an outgoing
# segment was dropped since.
lost_and_dropped() {
	[ "$(field lost_cb)" -ge 1 ] && [ "$(field tx_dropped)" -gt 0 ]
}

for how in "policy flush" "SA delete" "IPv6 policy flush" "IPv6 SA delete"; do
	case "$how" in
	IPv6*) a=$A6 b=$B6 ;;
	*) a=$A4 b=$B4 ;;
	esac
	ipsec_up $a $b
	server
	check "$how: attach accepted" owner connect $b $PORT
	lport=$(field local_port)
	check "$how: 8 KiB before" owner send 8192
	check "$how: 8 KiB arrive" rx_is 8192
	cleartext_capture
	case "$how" in
	*flush) ip -n "$NS_a" xfrm policy flush ;;
	*) ip -n "$NS_a" xfrm state delete src $a dst $b proto esp spi 0x1000 ;;
	esac
	check_fails "$how: owner is held" owner send 1000
	# Data an owner had already queued must not leave in the clear.
	check "$how: queued data accepted by the socket" owner send-force 8000
	# Until the owner has heard and TCP's retransmission was dropped.
	wait_cond 30 lost_and_dropped
	check_eq "$how: owner told protection is lost" 1 "$(field lost_cb)"
	check "$how: outgoing segments dropped" test "$(field tx_dropped)" -gt 0
	check_eq "$how: connection not torn down (ESTABLISHED)" 1 "$(field tcp_state)"
	case "$how" in
	*flush) policies_up $a $b ;;
	*) sa "$NS_a" $a $b 0x1000 32 aead 'rfc4106(gcm(aes))' $GCM_KEY_AB 128 ;;
	esac
	check "$how: queued data arrives over ESP after restore" rx_is 16192
	check_eq "$how: nothing left in the clear" 0 "$(cleartext_count)"
	check "$how: the capture saw the data go over ESP" test "$(esp_count)" -gt 0
	check_eq "$how: owner told protection is back" 1 "$(field restored_cb)"
	check "$how: owner may send again" owner send 4000
	check "$how: same connection, all bytes intact" rx_is 20192
	check_eq "$how: same local port" "$lport" "$(field local_port)"
	ipsec_down
done

# --- the hold timeout ends a connection that stays unprotected ------------
HT=/sys/module/xfrm_guard/parameters/hold_timeout
check_eq "hold timeout: bounded by default (60 s)" 60 "$(cat $HT)"
check_fails "hold timeout: 0 (a hold that never ends) is refused" \
	bash -c "echo 0 >$HT"
check_fails "hold timeout: above a day is refused" bash -c "echo 86401 >$HT"
check_eq "hold timeout: unchanged by the refused writes" 60 "$(cat $HT)"
echo 4 >$HT
at_exit "echo 60 >$HT"

# Idle: nothing in flight, so no TCP timer runs, and both sides lose their
# SAs and policies, so b's cleartext FIN or RST would be dropped too.
ipsec_up $A4 $B4
server
check "idle hold: attach accepted" owner connect $B4 $PORT
check "idle hold: 1000 bytes sent" owner send 1000
check "idle hold: they arrive" rx_is 1000
cleartext_capture
expired=$(dmesg | grep -c 'hold expired, connection aborted iscsi')
for ns in "$NS_a" "$NS_b"; do
	ip -n "$ns" xfrm policy flush
	ip -n "$ns" xfrm state flush
done
check_fails "idle hold: owner is held" owner send 1000
check "idle hold: the guard aborts the idle connection after the timeout" \
	wait_cond 40 field_is tcp_state 7
check "idle hold: counted (hold_expired)" test "$("$SG_TOP/tools/xguard/xguard" -n "$NS_a" stats | awk '$1 == "hold_expired" {print $2}')" -ge 1
check "idle hold: dmesg says the hold expired" \
	test "$(dmesg | grep -c 'hold expired, connection aborted iscsi')" -gt "$expired"
check "idle hold: with an audit record" bash -c \
	"dmesg | grep 'type=1415' | grep -q 'op=xfrm-guard-hold-expired owner=iscsi reason=no_ipsec'"
check_eq "idle hold: nothing left in the clear" 0 "$(cleartext_count)"
owner close
kill_server

# With data in flight.
ipsec_up $A4 $B4
server
check "hold timeout 4 s: attach accepted" owner connect $B4 $PORT
check "hold timeout: 1000 bytes sent" owner send 1000
check "hold timeout: they arrive" rx_is 1000
cleartext_capture
ip -n "$NS_a" xfrm policy flush
check "hold timeout: queued data accepted by the socket" owner send-force 2000
check "hold timeout: with data in flight it ends after the timeout too" \
	wait_cond 60 field_is tcp_state 7
check_eq "hold timeout: nothing left in the clear" 0 "$(cleartext_count)"
echo 60 >$HT
ipsec_down

# --- cleartext injected for a guarded connection --------------------------
ipsec_up $A4 $B4
server
check "inject: attach accepted" owner connect $B4 $PORT
lport=$(field local_port)
before=$(field rx_dropped)
check "inject: three cleartext segments sent from b" \
	inject_tcp "$NS_b" $B4 $A4 $PORT "$lport" "cleartext!"
wait_cond 10 field_is rx_dropped $((before + 3))
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
