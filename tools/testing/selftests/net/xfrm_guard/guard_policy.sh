#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guard applies the namespace's profile and rules (set with xguard):
# confidentiality and IPsec-mode requirements, audit mode, the portal guard
# that protects a listener nobody attached (LIO's 3260, say), events on the
# netlink group, and the CRC decision for software and NIC-offloaded ESP
# (RFC 3723 2.3, 3.6.2).
# sanguard-flavours: debug
# sanguard-timeout: 900

. "$(dirname "$0")/../../sanguard/lib.sh"
. "$(dirname "$0")/guard_lib.sh"

XG=$SG_TOP/tools/xguard/xguard
xg() { local ns=$1; shift; "$XG" -n "$ns" "$@"; }
stat_of() { xg "$1" stats | awk -v k="$2" '$1 == k {print $2}'; }

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24 $A6/64 $B6/64

NULL_ENC=(enc 'ecb(cipher_null)' '' auth-trunc 'hmac(sha256)'
	0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 128)

# --- confidentiality required ---------------------------------------------
check "profile: confidentiality required" xg "$NS_a" profile set conf on
ipsec_up $A4 $B4 32 "${NULL_ENC[@]}"
server
check_fails "NULL encryption, confidentiality required: refused" owner connect $B4 $PORT
check_eq "NULL encryption: reason" confidentiality_required "$(field reason)"
check "profile: confidentiality not required" xg "$NS_a" profile set conf off
server
check "NULL encryption with HMAC, no confidentiality required: accepted" \
	owner connect $B4 $PORT
check_eq "NULL encryption accepted: not confidential" 0 "$(field confidential)"
ipsec_down

# --- IPsec mode --------------------------------------------------------------
check "profile: transport mode only" xg "$NS_a" profile set modes transport
for ns in "$NS_a" "$NS_b"; do
	ip -n "$ns" xfrm state add src $A4 dst $B4 proto esp spi 0x1000 reqid 1 \
		mode tunnel replay-window 32 aead 'rfc4106(gcm(aes))' $GCM_KEY_AB 128
	ip -n "$ns" xfrm state add src $B4 dst $A4 proto esp spi 0x2000 reqid 1 \
		mode tunnel replay-window 32 aead 'rfc4106(gcm(aes))' $GCM_KEY_BA 128
done
for dir in out in; do
	if [ $dir = out ]; then s=$A4 d=$B4; else s=$B4 d=$A4; fi
	ip -n "$NS_a" xfrm policy add src $s dst $d proto tcp dir $dir \
		tmpl src $s dst $d proto esp reqid 1 mode tunnel
	ip -n "$NS_b" xfrm policy add src $d dst $s proto tcp dir $dir \
		tmpl src $d dst $s proto esp reqid 1 mode tunnel
done
server
check_fails "tunnel mode, only transport allowed: refused" owner connect $B4 $PORT
check_eq "tunnel mode: reason" mode_not_allowed "$(field reason)"
check "profile: transport and tunnel" xg "$NS_a" profile set modes transport,tunnel
server
check "tunnel mode allowed: accepted" owner connect $B4 $PORT
check "tunnel mode: data flows" owner send 4096
check "tunnel mode: data arrives intact" rx_is 4096
ipsec_down

# --- events and audit mode ---------------------------------------------------
EV=/tmp/$SG_PREFIX.events
xg "$NS_a" monitor -c 1 >"$EV" 2>&1 &
MON=$!
at_exit "kill $MON"
sleep 1
TR=/sys/kernel/tracing
echo 1 >$TR/events/xfrm_guard/enable
echo >$TR/trace
at_exit "echo 0 >$TR/events/xfrm_guard/enable"
server
check_fails "no IPsec: refused" owner connect $B4 $PORT
check "the verdict is a tracepoint" \
	grep -q "xfrm_guard_verdict: iscsi \[::ffff:$A4\]:[0-9]* -> \[::ffff:$B4\]:$PORT reason=no_ipsec" $TR/trace
check "the refusal has an audit record" bash -c \
	"dmesg | grep 'type=1415' | grep -q 'op=xfrm-guard-refuse owner=iscsi reason=no_ipsec'"
wait_for() { local i; for i in {1..20}; do "$@" && return 0; sg_nap 0.5; done; return 1; }
check "the refusal is an event with its reason" \
	wait_for grep -q 'refused.*no_ipsec' "$EV"
kill "$MON" 2>/dev/null
diag "event: $(head -n 1 "$EV")"
audited=$(stat_of "$NS_a" audited)
check "profile: audit mode" xg "$NS_a" profile set mode audit
server
check "audit mode: unprotected connection attached" owner connect $B4 $PORT
check_eq "audit mode: reason still reported" no_ipsec "$(field reason)"
check_eq "audit mode: transmission allowed" 1 "$(field tx_ok)"
check "audit mode: data flows" owner send 1000
check "audit mode: data arrives" rx_is 1000
check_eq "audit mode: counted" $((audited + 1)) "$(stat_of "$NS_a" audited)"
check "profile: enforce again" xg "$NS_a" profile set mode enforce
ipsec_down

# --- portal guard ------------------------------------------------------------
check "portal rule on b's local port $PORT" \
	xg "$NS_b" rule add prio 10 owner any lport $PORT profile 0
dropped=$(stat_of "$NS_b" portal_dropped)
server
check_fails "portal: an unprotected client cannot connect" \
	ip netns exec "$NS_a" timeout 8 socat -u - "TCP:$B4:$PORT,connect-timeout=5" </dev/null
check "portal: its SYNs were dropped and counted" \
	test "$(stat_of "$NS_b" portal_dropped)" -gt "$dropped"
kill_server
ipsec_up $A4 $B4
server
check "portal: a protected client connects and sends" bash -c \
	"head -c 3000 /dev/zero | ip netns exec $NS_a socat -u - TCP:$B4:$PORT,connect-timeout=10"
check "portal: its data arrives" bash -c "sleep 1; test \$(stat -c %s $RX) = 3000"
check "portal rule removed" xg "$NS_b" rule del prio 10 owner any lport $PORT
ipsec_down

# --- CRC decision ------------------------------------------------------------
ipsec_up $A4 $B4
server
check "software ESP: attached" owner connect $B4 $PORT
check_eq "software ESP: CRC computed (3.6.2 [1])" software "$(field crc)"
owner close
check "profile: crc never" xg "$NS_a" profile set crc never
server
check "crc never: attached" owner connect $B4 $PORT
check_eq "crc never: CRC disabled" disabled "$(field crc)"
owner close
check "profile: crc always" xg "$NS_a" profile set crc always
server
check "crc always: attached" owner connect $B4 $PORT
check_eq "crc always: CRC forced" forced "$(field crc)"
check "profile: crc auto" xg "$NS_a" profile set crc auto
ipsec_down

if modprobe xg_offload_pair && modprobe esp4_offload; then
	SG_MODS+=(xg_offload_pair)
	# The owner module works in namespace a: give a and b an offloading
	# pair instead of the veth.
	ip -n "$NS_a" link del veth-b
	check "xgoff pair between a and b" xgoff_pair xg-b "$NS_a" xg-a "$NS_b"
	ip -n "$NS_a" addr add $A4/24 dev xg-b
	ip -n "$NS_b" addr add $B4/24 dev xg-a
	ip -n "$NS_a" link set xg-b up
	ip -n "$NS_b" link set xg-a up
	for ns in a b; do
		if [ $ns = a ]; then n=$NS_a dev=xg-b; else n=$NS_b dev=xg-a; fi
		if [ $ns = a ]; then o=out i=in; else o=in i=out; fi
		ip -n "$n" xfrm state add src $A4 dst $B4 proto esp spi 0x1000 reqid 1 \
			mode transport replay-window 32 \
			aead 'rfc4106(gcm(aes))' $GCM_KEY_AB 128 offload dev $dev dir $o
		ip -n "$n" xfrm state add src $B4 dst $A4 proto esp spi 0x2000 reqid 1 \
			mode transport replay-window 32 \
			aead 'rfc4106(gcm(aes))' $GCM_KEY_BA 128 offload dev $dev dir $i
	done
	policies_up $A4 $B4
	server
	check "offloaded ESP: attached" owner connect $B4 $PORT
	check_eq "offloaded ESP both ways: CRC skipped (3.6.2)" offloaded "$(field crc)"
	check "offloaded ESP: data flows" owner send 8192
	check "offloaded ESP: data arrives intact" rx_is 8192
	ipsec_down
else
	skip "offloaded ESP: CRC skipped" "xg_offload_pair or esp4_offload missing"
fi

done_testing
