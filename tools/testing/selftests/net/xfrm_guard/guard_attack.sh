#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Attacks on the guard's promises, each one a way past it that once worked:
# - other rules switching a portal's guard off (a subnet rule of higher
#   priority, a rule keyed on the client's source port, an IPv6-only /0
#   exception widened to IPv4), IPv4 and IPv6;
# - source NAT sending a guarded connection's segments in the clear;
# - a third IPsec peer, with a valid SA of its own to the victim, putting
#   the peer's address on segments inside that SA.
# sanguard-flavours: debug
# sanguard-timeout: 900

. "$(dirname "$0")/../../sanguard/lib.sh"
. "$(dirname "$0")/guard_lib.sh"

XG=$SG_TOP/tools/xguard/xguard
xg() { local ns=$1; shift; "$XG" -n "$ns" "$@"; }
stat_of() { xg "$1" stats | awk -v k="$2" '$1 == k {print $2}'; }
wait_for() { local i; for ((i = 1; i <= $1; i++)); do "${@:2}" && return 0; sleep 1; done; return 1; }

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24 $A6/64 $B6/64

# --- a portal stays guarded whatever other rules exist --------------------
# b listens on $PORT behind a portal rule; a connects without IPsec.

# connects_clear ADDR [SPORT]: a reaches b's portal at ADDR in the clear.
connects_clear() {
	local dst=$1 sport=${2:+,sourceport=$2}
	case $dst in *:*) dst="[$dst]" ;; esac
	ip netns exec "$NS_a" timeout 8 socat -u - \
		"TCP:$dst:$PORT,connect-timeout=4$sport" </dev/null
}

# refused_portal DESC ADDR [SPORT]: the connect fails and b counts drops.
refused_portal() {
	local desc=$1 before
	before=$(stat_of "$NS_b" portal_dropped)
	server
	check_fails "$desc: a cleartext client cannot connect" connects_clear "${@:2}"
	check "$desc: its segments were dropped and counted" \
		test "$(stat_of "$NS_b" portal_dropped)" -gt "$before"
	kill_server
}

xg "$NS_b" profile set id 1 mode enforce >/dev/null
xg "$NS_b" profile set id 2 mode off >/dev/null
check "portal rule: prio 10 owner any lport $PORT profile 0" \
	xg "$NS_b" rule add prio 10 owner any lport $PORT profile 0
check "an enforcing subnet rule above it: prio 5 remote 10.99.0.0/16 profile 1" \
	xg "$NS_b" rule add prio 5 remote 10.99.0.0/16 profile 1
check "and one for IPv6: prio 6 remote fd99::/16 profile 1" \
	xg "$NS_b" rule add prio 6 remote fd99::/16 profile 1
refused_portal "IPv4 under a subnet rule" $B4
refused_portal "IPv6 under a subnet rule" $B6
check "a rule keyed on the client's port: prio 7 owner any rport 1000-2000 profile 2 (off)" \
	xg "$NS_b" rule add prio 7 owner any rport 1000-2000 profile 2
refused_portal "IPv4 from source port 1500" $B4 1500
refused_portal "IPv6 from source port 1500" $B6 1500
check_fails "a portal rule keyed on remote port is refused" \
	xg "$NS_b" rule add prio 8 owner any lport $PORT rport 1000-2000 profile 2
check_eq "and says why" \
	"xguard: rule add: a portal rule (owner any with a local port) cannot select by remote port: the client chooses it (Invalid argument)" \
	"$(xg "$NS_b" rule add prio 8 owner any lport $PORT rport 1000-2000 profile 2 2>&1)"

# An exception for the portal names the portal's port, and keeps its family.
check "an IPv6-only exception: prio 4 owner any remote ::/0 lport $PORT profile 2 (off)" \
	xg "$NS_b" rule add prio 4 owner any remote ::/0 lport $PORT profile 2
check_eq "::/0 is shown as IPv6, not as any" \
	"prio 4 owner any remote ::/0 rport any lport $PORT profile 2" \
	"$(xg "$NS_b" rule show | head -n 1)"
refused_portal "IPv4 beside an IPv6 /0 exception" $B4
server
check "IPv6 client: the exception applies" connects_clear $B6
kill_server
check "the exception removed" xg "$NS_b" rule del prio 4 owner any remote ::/0 lport $PORT
check "an IPv4-only exception: prio 4 owner any remote 0.0.0.0/0 lport $PORT profile 2" \
	xg "$NS_b" rule add prio 4 owner any remote 0.0.0.0/0 lport $PORT profile 2
refused_portal "IPv6 beside an IPv4 /0 exception" $B6
server
check "IPv4 client: the exception applies" connects_clear $B4
kill_server
check "a /0 of each family may share a priority" \
	xg "$NS_b" rule add prio 4 owner any remote ::/0 lport $PORT profile 2
check_fails "but not with a rule for both families" \
	xg "$NS_b" rule add prio 4 owner any lport $PORT profile 2
for r in "4 owner any remote 0.0.0.0/0 lport $PORT" "4 owner any remote ::/0 lport $PORT" \
	"5 remote 10.99.0.0/16" "6 remote fd99::/16" "7 owner any rport 1000-2000" \
	"10 owner any lport $PORT"; do
	# shellcheck disable=SC2086
	xg "$NS_b" rule del prio $r
done
check_eq "rules cleaned up" "" "$(xg "$NS_b" rule show)"

# --- source NAT cannot send a guarded connection in the clear -------------
A4N=10.99.1.3
ip -n "$NS_a" addr add $A4N/24 dev veth-b
CAP=
capture() {
	rm -f "/tmp/$SG_PREFIX.pcap"
	ip netns exec "$NS_b" tcpdump -i veth-a -nn -U --immediate-mode \
		-w "/tmp/$SG_PREFIX.pcap" "tcp port $PORT or esp" 2>/dev/null &
	CAP=$!
	pcap_ready "/tmp/$SG_PREFIX.pcap"
}
# clear_payload: segments of the connection that carried data in the clear.
clear_payload() {
	sleep 1
	kill "$CAP" 2>/dev/null
	wait "$CAP" 2>/dev/null
	tcpdump -r "/tmp/$SG_PREFIX.pcap" -nn \
		"tcp port $PORT and (((ip[2:2] - ((ip[0] & 0xf) << 2)) - ((tcp[12] & 0xf0) >> 2)) != 0)" \
		2>/dev/null | wc -l
}
nat_up() {
	ip netns exec "$NS_a" nft -f - <<EOF
table ip sgnat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip daddr $B4 tcp dport $PORT snat to $A4N
	}
}
EOF
}
nat_down() { ip netns exec "$NS_a" nft delete table ip sgnat; }
at_exit "ip netns exec $NS_a nft delete table ip sgnat 2>/dev/null"

ipsec_up $A4 $B4
server
check "SNAT: a guarded connection over ESP" owner connect $B4 $PORT
check "SNAT: 1000 bytes sent" owner send 1000
check "SNAT: they arrive" rx_is 1000
capture
check "SNAT: a rule rewrites the source to $A4N, which no policy covers" nat_up
lost=$(stat_of "$NS_a" lost)
check "SNAT: 2000 more bytes queued" owner send-force 2000
sleep 3
check_eq "SNAT: nothing left in the clear" 0 "$(clear_payload)"
check "SNAT: the segments were dropped" test "$(field tx_dropped)" -gt 0
check "SNAT: the owner is told protection is lost" \
	wait_for 10 field_is lost_cb 1
check_eq "SNAT: the guard reports the hold with its reason" no_ipsec "$(field reason)"
check "SNAT: counted as lost" test "$(stat_of "$NS_a" lost)" -gt "$lost"
check "SNAT: dmesg says it holds" bash -c \
	"dmesg | grep -q 'protection lost, holding iscsi $A4:[0-9]* -> $B4:$PORT: no_ipsec'"
check_eq "SNAT: the connection is kept (ESTABLISHED)" 1 "$(field tcp_state)"
check "SNAT: the rule removed" nat_down
check "SNAT: the owner is told protection is back" \
	wait_for 60 field_is restored_cb 1
check "SNAT: the held bytes arrive, over ESP" wait_for 30 rx_is 3000
ipsec_down

# --- a third IPsec peer cannot speak for the peer -------------------------
# c holds a valid SA to a (SPI 0x3000, AES-GCM, replay window). It puts b's
# address on TCP segments for a's guarded connection to b and sends them
# inside its own SA; a's xfrm finds that SA by destination and SPI alone.
ns_add c
C4=10.99.2.3
AC4=10.99.2.1
KEY_C=0x2122232425262728292a2b2c2d2e2f3031323334
veth_link a $AC4/24 c $C4/24
ip netns exec "$NS_a" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.veth-c.rp_filter=0
ip -n "$NS_a" xfrm state add src $C4 dst $A4 proto esp spi 0x3000 reqid 1 \
	mode transport replay-window 32 aead 'rfc4106(gcm(aes))' $KEY_C 128
# c's side: b's address, and an SA that takes it to a (c's own key).
ip -n "$NS_c" addr add $B4/32 dev veth-a
ip -n "$NS_c" route add $A4/32 dev veth-a src $B4
ip -n "$NS_c" xfrm state add src $B4 dst $A4 proto esp spi 0x3000 reqid 1 \
	mode transport replay-window 32 aead 'rfc4106(gcm(aes))' $KEY_C 128
ip -n "$NS_c" xfrm policy add src $B4 dst $A4 dir out \
	tmpl src $B4 dst $A4 proto esp reqid 1 mode transport

ipsec_up $A4 $B4
server
check "3rd peer: a guarded connection a -> b" owner connect $B4 $PORT
lport=$(field local_port)
before=$(field rx_dropped)
wrong=$(dmesg | grep -c 'dropped segment iscsi .*sa_wrong_peer')
capture_c() {
	rm -f "/tmp/$SG_PREFIX.c.pcap"
	ip netns exec "$NS_a" tcpdump -i veth-c -nn -U --immediate-mode \
		-w "/tmp/$SG_PREFIX.c.pcap" esp 2>/dev/null &
	CAP=$!
	pcap_ready "/tmp/$SG_PREFIX.c.pcap"
}
capture_c
check "3rd peer: c sends three segments as b, inside its SA" \
	inject_tcp "$NS_c" $B4 $A4 $PORT "$lport" "injected by c"
sleep 1
kill "$CAP" 2>/dev/null
wait "$CAP" 2>/dev/null
check "3rd peer: they reached a as ESP from b's address" \
	test "$(tcpdump -r "/tmp/$SG_PREFIX.c.pcap" -nn "esp and src $B4" 2>/dev/null | wc -l)" -ge 3
check_eq "3rd peer: all three dropped and counted" $((before + 3)) "$(field rx_dropped)"
check "3rd peer: the drops name the reason" bash -c \
	"test \$(dmesg | grep -c 'dropped segment iscsi .*sa_wrong_peer') -gt $wrong"
check "3rd peer: the connection still works" owner send 1000
check "3rd peer: b's data still arrives" rx_is 1000
ipsec_down

done_testing
