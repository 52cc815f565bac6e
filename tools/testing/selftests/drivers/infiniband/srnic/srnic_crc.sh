#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The MPA CRC decision on the wire (RFC 3723 3.6.2, RFC 5044 7.1), between
# two namespaces, each with its own srnic device, driven through
# srnic_cmulp. With no IPsec and crc=auto the stream carries CRCs; with
# crc=never at both ends it does not, the QPs say so and crc_skipped
# counts them; crc=always against crc=never is refused whichever end asks
# (a reject naming the reason from the responder, a refused reply on the
# initiator), counted in mpa_refused and logged. Over the test-only xgoff
# pair with ESP offloaded both ways, crc=auto drops the CRCs; over the
# same pair with software ESP it keeps them. Data is sent and written over
# every connection that is made.
# sanguard-flavours: debug
# sanguard-timeout: 600

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/srnic_cm_lib.sh"

A=10.78.0.1
B=10.78.0.2
A1=10.78.1.1
B1=10.78.1.2

if [ ! -x "$XG" ]; then
	skip "srnic CRC tests" "no $XG (make -C tools/xguard)"
	done_testing
fi

# data NAME PEER WHAT: NAME (on a) and its peer PEER (on b) are connected:
# a Send and an RDMA Write from a land in b.
data() {
	local c=$1 l=$2 what=$3

	check "$what: ESTABLISHED on a" wait_event "$c" ESTABLISHED
	check "$what: ESTABLISHED on b" wait_event "$l" ESTABLISHED
	check "$what: b's MR is registered" wait_cond 20 field_is "$l" mr_ok 1
	check "$what: a Send arrives" ua send "$c" "send-$c"
	check "$what: received" wait_cond 20 field_is "$l" rx "send-$c"
	check "$what: a Write lands" ua write "$c" "write-$c"
	check "$what: b's MR holds it" wait_cond 20 field_is "$l" mr "write-$c"
	check "$what: both of a's WRs completed" wait_cond 20 field_is "$c" wc_ok 2
	check_eq "$what: no completion failed" 0 "$(field "$c" wc_err)"
}
# ended NAME: the connection NAME is over (disconnected, or never made).
ended() { has_event "$1" DISCONNECTED || has_event "$1" CONNECT_ERROR; }
# logged PATTERN: the kernel said PATTERN since dmesg_mark.
logged() { dmesg_since | grep -q "$1"; }
# skipped_is DEV_A DEV_B N_A N_B: crc_skipped of a's and b's device.
skipped_is() {
	[ "$(counter_of "$NS_a" "$1" crc_skipped)" = "$3" ] &&
		[ "$(counter_of "$NS_b" "$2" crc_skipped)" = "$4" ]
}

modprobe -r srnic siw 2>/dev/null
load_module rdma_cm || { not_ok "rdma_cm loads"; done_testing; }
load_module srnic || { not_ok "srnic loads"; done_testing; }
load_module srnic_cmulp || { not_ok "srnic_cmulp loads"; done_testing; }
cm_pair_up $A $B cra0 crb0
WARN0=$(dmesg | grep -c -E 'WARNING:|BUG:' || true)
check "b listens" ub listen L $B 4791 accept from-b

# --- no IPsec, crc=auto: CRCs kept -----------------------------------------
sa=$(counter_of "$NS_a" cra0 crc_skipped)
sb=$(counter_of "$NS_b" crb0 crc_skipped)
check "rdma statistic has crc_skipped on both devices" \
	test -n "$sa" -a -n "$sb"
check "auto, no IPsec: a connects" ua connect c1 $B 4791 c1
n=1
data c1 L.$n "auto, no IPsec"
check "auto, no IPsec: a's QP has CRCs" qp_crc_is "$NS_a" cra0 on
check "auto, no IPsec: b's QP has CRCs" qp_crc_is "$NS_b" crb0 on
check "auto, no IPsec: crc_skipped unchanged on both" skipped_is cra0 crb0 "$sa" "$sb"
ua free c1
ub free L.$n

# --- crc=never at both ends: no CRCs ----------------------------------------
xg "$NS_a" profile set crc never >/dev/null
xg "$NS_b" profile set crc never >/dev/null
check "never/never: a connects" ua connect c2 $B 4791 c2
n=2
data c2 L.$n "never/never"
check "never/never: a's QP has no CRCs" qp_crc_is "$NS_a" cra0 off
check "never/never: b's QP has no CRCs" qp_crc_is "$NS_b" crb0 off
check "never/never: crc_skipped counted once on each device" \
	skipped_is cra0 crb0 $((sa + 1)) $((sb + 1))
ua free c2
ub free L.$n

# --- crc=always on a, never on b: b refuses the request ---------------------
xg "$NS_a" profile set crc always >/dev/null
ra=$(counter_of "$NS_a" cra0 mpa_refused)
rb=$(counter_of "$NS_b" crb0 mpa_refused)
check "rdma statistic has mpa_refused on both devices" \
	test -n "$ra" -a -n "$rb"
dmesg_mark
check "always/never: a connects" ua connect c3 $B 4791 c3
check "always/never: a is REJECTED" wait_event c3 REJECTED
check_eq "always/never: the reject names the reason" crc_unwanted \
	"$(field c3 peer_pd)"
if exists L.3; then
	not_ok "always/never: b's consumer never saw the request"
else
	ok "always/never: b's consumer never saw the request"
fi
check_eq "always/never: counted in b's mpa_refused" $((rb + 1)) \
	"$(counter_of "$NS_b" crb0 mpa_refused)"
check "always/never: b's kernel log says why" \
	logged "MPA request from $A:[0-9]* refused: crc_unwanted"
ua free c3

# --- crc=never on a, always on b: a refuses the reply -----------------------
xg "$NS_a" profile set crc never >/dev/null
xg "$NS_b" profile set crc always >/dev/null
dmesg_mark
check "never/always: a connects" ua connect c4 $B 4791 c4
check "never/always: a refuses the reply with CRCs: CONNECT_ERROR" \
	wait_event c4 CONNECT_ERROR
check_eq "never/always: a saw no ESTABLISHED" 0 "$(count_event c4 ESTABLISHED)"
check_eq "never/always: counted in a's mpa_refused" $((ra + 1)) \
	"$(counter_of "$NS_a" cra0 mpa_refused)"
check "never/always: a's kernel log says why" \
	logged "MPA reply from $B:4791 refused: crc_unwanted"
check "never/always: b accepted it (its policy allows CRCs)" wait_cond 20 exists L.3
check "never/always: b's side of it ends" wait_cond 30 ended L.3
ua free c4
ub free L.3
ub free L
xg "$NS_a" profile set crc auto >/dev/null
xg "$NS_b" profile set crc auto >/dev/null

# --- NIC-offloaded ESP both ways, crc=auto: CRCs dropped --------------------
if load_module esp4_offload && load_module xg_offload_pair; then
	check "xgoff pair between a and b" xgoff_pair xg-b "$NS_a" xg-a "$NS_b"
	ip -n "$NS_a" addr add $A1/24 dev xg-b
	ip -n "$NS_b" addr add $B1/24 dev xg-a
	ip -n "$NS_a" link set xg-b up
	ip -n "$NS_b" link set xg-a up
	check "a srnic device on the pair in a" \
		nsenter --net="/run/netns/$NS_a" rdma link add cra1 type srnic netdev xg-b
	at_exit "rdma link delete cra1"
	check "and in b" \
		nsenter --net="/run/netns/$NS_b" rdma link add crb1 type srnic netdev xg-a
	at_exit "rdma link delete crb1"
	at_exit "ip -n $NS_a xfrm policy flush; ip -n $NS_b xfrm policy flush"
	# esp_up offload|software: both SAs in both namespaces, and policies.
	esp_up() {
		local oa=() ia=() ob=() ib=()

		if [ "$1" = offload ]; then
			oa=(offload dev xg-b dir out)
			ia=(offload dev xg-b dir in)
			ob=(offload dev xg-a dir out)
			ib=(offload dev xg-a dir in)
		fi
		esp_sa "$NS_a" $A1 $B1 0x1000 $KAB "${oa[@]}" &&
			esp_sa "$NS_a" $B1 $A1 0x2000 $KBA "${ia[@]}" &&
			esp_sa "$NS_b" $B1 $A1 0x2000 $KBA "${ob[@]}" &&
			esp_sa "$NS_b" $A1 $B1 0x1000 $KAB "${ib[@]}" &&
			esp_pol "$NS_a" $A1 $B1 out && esp_pol "$NS_a" $B1 $A1 in &&
			esp_pol "$NS_b" $B1 $A1 out && esp_pol "$NS_b" $A1 $B1 in
	}
	esp_down() {
		local ns

		for ns in "$NS_a" "$NS_b"; do
			ip -n "$ns" xfrm policy flush
			ip -n "$ns" xfrm state flush
		done
	}
	xg "$NS_a" profile set mode enforce >/dev/null
	xg "$NS_b" profile set mode enforce >/dev/null
	check "ESP offloaded to the pair both ways" esp_up offload
	check "b listens on the pair" ub listen O $B1 4791 accept from-b
	sa=$(counter_of "$NS_a" cra1 crc_skipped)
	sb=$(counter_of "$NS_b" crb1 crc_skipped)
	check "the pair's devices count crc_skipped" test -n "$sa" -a -n "$sb"
	check "offloaded ESP: a connects" ua connect c5 $B1 4791 c5
	data c5 O.1 "offloaded ESP"
	check "offloaded ESP: the guard skips the CRC (3.6.2)" \
		bash -c "'$XG' -n '$NS_a' conn show | grep -A1 'iwarp $A1:[0-9]* -> $B1:4791' | grep -q 'verdict protected.* crc offloaded'"
	check "offloaded ESP: a's QP has no CRCs" qp_crc_is "$NS_a" cra1 off
	check "offloaded ESP: b's QP has no CRCs" qp_crc_is "$NS_b" crb1 off
	check "offloaded ESP: crc_skipped counted on both" \
		skipped_is cra1 crb1 $((sa + 1)) $((sb + 1))
	ua free c5
	ub free O.1
	esp_down
	check "software ESP on the same pair" esp_up software
	check "software ESP: a connects" ua connect c6 $B1 4791 c6
	data c6 O.2 "software ESP"
	check "software ESP: the guard computes the CRC" \
		bash -c "'$XG' -n '$NS_a' conn show | grep -A1 'iwarp $A1:[0-9]* -> $B1:4791' | grep -q 'verdict protected.* crc software'"
	check "software ESP: a's QP has CRCs" qp_crc_is "$NS_a" cra1 on
	check "software ESP: b's QP has CRCs" qp_crc_is "$NS_b" crb1 on
	check "software ESP: crc_skipped unchanged" \
		skipped_is cra1 crb1 $((sa + 1)) $((sb + 1))
	ua free c6
	ub free O.2
	ub free O
	esp_down
	xg "$NS_a" profile set mode off >/dev/null
	xg "$NS_b" profile set mode off >/dev/null
	check "the pair's devices go" \
		bash -c "rdma link delete cra1 && rdma link delete crb1"
else
	skip "offloaded ESP: MPA CRC skipped" "xg_offload_pair or esp4_offload missing"
fi

# --- nothing left behind ---------------------------------------------------
check_eq "no QP left" "" "$(rdma resource show qp 2>/dev/null | grep -E 'cr[ab][01]')"
check_eq "the consumer holds nothing" "" "$(cat "$CTL")"
check "the devices go" bash -c "rdma link delete cra0 && rdma link delete crb0"
check "srnic_cmulp unloads" modprobe -r srnic_cmulp
check "srnic unloads" modprobe -r srnic
check_eq "no kernel warning" "$WARN0" "$(dmesg | grep -c -E 'WARNING:|BUG:' || true)"

done_testing
