#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "xguard conn show" tells the truth about a guarded connection: the test
# owner (standing in for iscsi_xfrm) attaches a kernel TCP connection in
# namespace a over an AES-GCM SA pair, and xguard, in text and JSON, shows
# its owner, 4-tuple, verdict, CRC decision, SAs and counters as they
# change; the list is per namespace, readable without privilege, and the
# connection leaves it when it closes.
# sanguard-flavours: debug
# sanguard-timeout: 600

. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/guard_lib.sh"

TOP=${SG_TOP:-$(cd "$(dirname "$0")/../../../.." && pwd)}
XG=$TOP/tools/xguard/xguard
PY=/usr/bin/python3
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

if [ ! -x "$XG" ]; then
	skip "xguard conn tests" "no $XG (make -C tools/xguard)"
	done_testing
fi

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24

# xg NS ARGS...: xguard in namespace NS.
xg() {
	local ns=$1
	shift
	ip netns exec "$ns" "$XG" "$@"
}

# conn_json NS EXPR: python EXPR on "xguard -j conn show" in NS, bound to j.
conn_json() {
	xg "$1" -j conn show |
		"$PY" -c "import json,sys; j=json.load(sys.stdin); print($2)"
}

# has TEXT NEEDLE: TEXT contains the line fragment NEEDLE.
has() { grep -qF -- "$2" <<<"$1"; }

# --- nothing guarded yet -------------------------------------------------
check_eq "before any attach: conn show lists nothing" "" "$(xg "$NS_a" conn show)"
check_eq "before any attach: JSON is an empty list" "[]" \
	"$(xg "$NS_a" -j conn show)"

# --- one protected connection ------------------------------------------------
ipsec_up $A4 $B4
server
check "ESP AES-GCM: the owner attaches" owner connect $B4 $PORT
lport=$(field local_port)
out=$(xg "$NS_a" conn show)
diag "xguard conn show:"
while IFS= read -r line; do diag "  $line"; done <<<"$out"

check "text: owner iscsi and the 4-tuple" \
	has "$out" "iscsi $A4:$lport -> $B4:$PORT"
check "text: verdict protected, transmission open, enforced" \
	has "$out" "verdict protected tx open enforced yes confidential yes crc software"
check "text: outbound SA 0x1000, transport mode, not offloaded" \
	has "$out" "out esp spi 0x00001000 mode transport offload no"
check "text: inbound SA 0x2000 with its replay window" \
	has "$out" "in esp spi 0x00002000 replay-window 32 offload no"
check "text: the AEAD algorithm" has "$out" "aead rfc4106(gcm(aes))"
check "text: no drops yet" \
	has "$out" "dropped rx 0 tx 0 protection lost 0 restored 0"

check "JSON parses" conn_json "$NS_a" "len(j)"
check_eq "JSON: one connection" 1 "$(conn_json "$NS_a" "len(j)")"
check_eq "JSON: owner, family and 4-tuple" \
	"iscsi inet $A4 $lport $B4 $PORT" \
	"$(conn_json "$NS_a" "' '.join(str(j[0][k]) for k in ('owner', 'family', 'local', 'local_port', 'remote', 'remote_port'))")"
check_eq "JSON: verdict and CRC decision" "protected 0 None software" \
	"$(conn_json "$NS_a" "j[0]['reason'], j[0]['reason_code'], j[0]['alg'], j[0]['crc']" | tr -d "(),'")"
check_eq "JSON: tx open, enforced, confidential, no warning" \
	"True True True False" \
	"$(conn_json "$NS_a" "j[0]['tx_open'], j[0]['enforced'], j[0]['confidential'], j[0]['warn']" | tr -d "(),")"
check_eq "JSON: SPIs 0x1000/0x2000, replay window 32, transport" \
	"0x1000 0x2000 32 transport" \
	"$(conn_json "$NS_a" "hex(j[0]['out_spi']), hex(j[0]['in_spi']), j[0]['in_replay_window'], j[0]['mode']" | tr -d "(),'")"
check_eq "JSON: algorithms" "rfc4106(gcm(aes)) None None" \
	"$(conn_json "$NS_a" "' '.join(str(j[0][k]) for k in ('aead', 'enc', 'auth'))")"
check_eq "JSON: software IPsec both ways" "False False" \
	"$(conn_json "$NS_a" "j[0]['out_offloaded'], j[0]['in_offloaded']" | tr -d "(),")"

# --- counters move: policies flushed mid-stream, then back ----------------
check "8 KiB sent over ESP" owner send 8192
check "8 KiB arrive" rx_is 8192
ip -n "$NS_a" xfrm policy flush
check "policy flush: queued data accepted by the socket" owner send-force 4000
sleep 3
out=$(xg "$NS_a" conn show)
diag "after ip xfrm policy flush:"
while IFS= read -r line; do diag "  $line"; done <<<"$out"
check "policy flush: shown held, no IPsec" has "$out" "verdict no_ipsec tx held"
check_eq "policy flush: lost once, tx dropped counted" "1 True" \
	"$(conn_json "$NS_a" "j[0]['lost'], j[0]['tx_dropped'] > 0" | tr -d "(),")"
policies_up $A4 $B4
check "policies back: the queued data arrives" rx_is 12192
check_eq "policies back: protected and open again, restored once" \
	"protected True 1" \
	"$(conn_json "$NS_a" "j[0]['reason'], j[0]['tx_open'], j[0]['restored']" | tr -d "(),'")"

# --- per namespace, and for anyone in it ---------------------------------
check_eq "namespace b sees none of a's connections" "[]" \
	"$(xg "$NS_b" -j conn show)"
check_eq "an unprivileged user in a sees the connection" \
	"iscsi $A4:$lport -> $B4:$PORT" \
	"$(ip netns exec "$NS_a" "${NOBODY[@]}" "$XG" conn show | head -n 1)"

# --- gone when closed --------------------------------------------------------
owner close
check_eq "after close: conn show lists nothing" "" "$(xg "$NS_a" conn show)"
check_eq "after close: JSON is an empty list" "[]" "$(xg "$NS_a" -j conn show)"
ipsec_down

done_testing
