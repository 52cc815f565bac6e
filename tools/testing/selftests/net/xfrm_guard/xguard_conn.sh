#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "xguard conn show" tells the truth about a guarded connection: the test
# owner (standing in for iscsi_xfrm) attaches a kernel TCP connection in
# namespace a over an AES-GCM SA pair, and xguard, in text and JSON, shows
# its owner, 4-tuple, verdict, CRC decision, SAs and counters as they
# change; the list is per namespace, readable without privilege, and the
# connection leaves it when it closes. The owner's own refusals
# (xfrm_guard_owner_refused()) show in dmesg, audit, "xguard monitor",
# "xguard stats" and "xguard conn show", and the profile's CHAP rule in the
# owner's status. Attaches the guard refused, which leave no connection
# behind, are listed after the attached connections: the latest 16 of each
# namespace, with their reason, profile and age. Events name the profile
# the rules selected.
# sanguard-flavours: debug
# sanguard-timeout: 600

. "$(dirname "$0")/../../sanguard/lib.sh"

. "$(dirname "$0")/guard_lib.sh"

TOP=$SG_TOP
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
owner_writer || { not_ok "a writer of the test owner's control file in a"; done_testing; }
sg_pyjson_start
veth_link a $A4/24 b $B4/24

# xg NS ARGS...: xguard in namespace NS.
xg() {
	local ns=$1
	shift
	"$XG" -n "$ns" "$@"
}

# conn_json NS EXPR: python EXPR on "xguard -j conn show" in NS, bound to j.
conn_json() {
	xg "$1" -j conn show | sg_pyjson "$2"
}

# has TEXT NEEDLE: TEXT contains the line fragment NEEDLE.
has() { grep -qF -- "$2" <<<"$1"; }

# stat_of NS NAME: the counter NAME of "xguard stats" in NS.
stat_of() { xg "$1" stats | awk -v k="$2" '$1 == k {print $2}'; }

# wait_for CMD...: CMD succeeds within 10 s.
wait_for() {
	local i
	for i in {1..20}; do "$@" && return 0; sg_nap 0.5; done
	return 1
}

# field_is NAME VALUE: the test owner shows NAME: VALUE.
field_is() { [ "$(field "$1")" = "$2" ]; }

# dmesg_mark; dmesg_since: the kernel messages since the mark.
dmesg_mark() { DMESG_MARK=$(dmesg | wc -l); }
dmesg_since() { dmesg | tail -n +$((DMESG_MARK + 1)); }

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
check_eq "JSON: state attached" attached "$(conn_json "$NS_a" "j[0]['state']")"
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

# --- the profile's CHAP rule in the owner's status ------------------------
check_eq "status: chap-conf on by default" 1 \
	"$(field chap_requires_confidentiality)"
check "profile: chap-conf off" xg "$NS_a" profile set chap-conf off
check "status: the connection sees chap-conf off" \
	wait_for field_is chap_requires_confidentiality 0
check "profile: chap-conf on again" xg "$NS_a" profile set chap-conf on
check "status: the connection sees chap-conf on" \
	wait_for field_is chap_requires_confidentiality 1

# --- the owner refuses the connection itself --------------------------------
EV=/tmp/$SG_PREFIX.events
refused=$(stat_of "$NS_a" owner_refused)
check_eq "stats: owner_refused counter starts at 0" 0 "$refused"
xg "$NS_a" monitor -c 1 >"$EV" 2>&1 &
MON=$!
at_exit "kill $MON"
wait_monitor $MON
dmesg_mark
check "owner refuses: chap_reflection" owner owner-refuse chap_reflection
check "monitor: owner_refused event with the owner's reason" \
	wait_for grep -qF "owner_refused owner iscsi $A4:$lport -> $B4:$PORT reason protected owner_reason chap_reflection profile 0" "$EV"
diag "event: $(head -n 1 "$EV")"
wait "$MON" 2>/dev/null
check_eq "monitor -c 1 ends after the event" 1 "$(wc -l <"$EV")"
check_eq "stats: owner_refused counted" $((refused + 1)) \
	"$(stat_of "$NS_a" owner_refused)"
check "stats -j: owner_refused counted" bash -c \
	"ip netns exec $NS_a $XG -j stats | $PY -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"owner_refused\"] != $((refused + 1)))'"
out=$(xg "$NS_a" conn show)
diag "after the owner's refusal:"
while IFS= read -r line; do diag "  $line"; done <<<"$out"
check "text: owner refused chap_reflection" \
	has "$out" "owner refused chap_reflection"
check "text: still attached, protected and open" \
	has "$out" "verdict protected tx open"
check_eq "JSON: owner_refused" chap_reflection \
	"$(conn_json "$NS_a" "j[0]['owner_refused']")"
check "dmesg: the refusal, with the owner's reason" bash -c \
	"dmesg | tail -n +$((DMESG_MARK + 1)) | grep -qF 'xfrm_guard: refused by owner iscsi $A4:$lport -> $B4:$PORT: chap_reflection'"
check "audit: op=xfrm-guard-owner-refuse with the reason" bash -c \
	"dmesg | tail -n +$((DMESG_MARK + 1)) | grep 'type=1415' | grep -q 'op=xfrm-guard-owner-refuse owner=iscsi reason=chap_reflection src=$A4 dst=$B4 sport=$lport dport=$PORT res=0'"

# An overlong, empty or odd reason is reported as "owner_refused", never cut
# or passed on as it came.
LONG=chap_requires_confidentiality_and_then_some_more
xg "$NS_a" -j monitor -c 3 >"$EV" 2>&1 &
MON=$!
at_exit "kill $MON"
wait_monitor $MON
dmesg_mark
check "owner refuses: a ${#LONG}-character reason" owner owner-refuse $LONG
check "owner refuses: an empty reason" owner owner-refuse
check "owner refuses: a reason with a space" owner owner-refuse chap reflection
check "monitor -j: three owner_refused events" \
	wait_for test "$(wc -l <"$EV")" -ge 3
wait "$MON" 2>/dev/null
while IFS= read -r line; do diag "event: $line"; done <"$EV"
check_eq "monitor -j: each an owner_refused event, reason owner_refused" \
	"owner_refused=owner_refused owner_refused=owner_refused owner_refused=owner_refused" \
	"$("$PY" -c 'import json,sys
print(" ".join(e["event"] + "=" + e["owner_reason"] for e in map(json.loads, open(sys.argv[1]))))' "$EV")"
check_eq "stats: each counted" $((refused + 4)) \
	"$(stat_of "$NS_a" owner_refused)"
check_eq "JSON: the latest refusal shown, as owner_refused" owner_refused \
	"$(conn_json "$NS_a" "j[0]['owner_refused']")"
check_eq "dmesg: three refusals, as owner_refused" 3 \
	"$(dmesg_since | grep -cF "refused by owner iscsi $A4:$lport -> $B4:$PORT: owner_refused")"
check_eq "dmesg and audit: the overlong reason appears nowhere" "" \
	"$(dmesg_since | grep -F "$LONG")"

# --- gone when closed --------------------------------------------------------
owner close
check_fails "owner-refuse without a connection fails" owner owner-refuse chap_reflection
check_eq "after close: conn show lists nothing" "" "$(xg "$NS_a" conn show)"
check_eq "after close: JSON is an empty list" "[]" "$(xg "$NS_a" -j conn show)"
ipsec_down

# --- refused attaches stay visible -------------------------------------------
# A server in b for any number of connections: a refused attach closes
# its connection at once.
many_server() {
	kill_server
	ip netns exec "$NS_b" socat -u "TCP-LISTEN:$PORT,reuseaddr,fork" \
		OPEN:/dev/null &
	SERVER=$!
	wait_listen "$NS_b" "$PORT"
}

# owner_in NS CMD: a test owner command in namespace NS (full name).
owner_in() {
	local ns=$1
	shift
	nsenter --net=/run/netns/"$ns" sh -c "echo '$*' > $CTL"
}

# has_re TEXT REGEX: a line of TEXT matches the extended REGEX.
has_re() { grep -qE -- "$2" <<<"$1"; }

# refused_json NS EXPR: python EXPR on NS's refused entries, bound to r.
refused_json() {
	conn_json "$1" "(lambda r: $2)([e for e in j if e['state'] == 'refused'])"
}

# refused_tuples TEXT: the header lines of the refused entries of a
# "conn show" TEXT, one per line.
refused_tuples() { awk '/^\trefused / {print prev} {prev = $0}' <<<"$1"; }

many_server
refused_before=$(stat_of "$NS_a" refused)
dmesg_mark
check_fails "no IPsec: the attach is refused" owner connect $B4 $PORT
check_eq "the test owner says refused" refused "$(field state)"
lport=$(field local_port)
ports=("$lport")
out=$(xg "$NS_a" conn show)
diag "after a refused attach:"
while IFS= read -r line; do diag "  $line"; done <<<"$out"
check "text: the refused attach, owner and 4-tuple" \
	has "$out" "iscsi $A4:$lport -> $B4:$PORT"
check "text: refused no_ipsec, seconds ago, by profile 0" \
	has_re "$out" "^	refused no_ipsec [0-9]+s ago profile 0\$"
check_eq "text: two lines, no verdict, SA or counters" 2 "$(wc -l <<<"$out")"
check_eq "JSON: one refused entry, with its 4-tuple" \
	"refused iscsi inet $A4 $lport $B4 $PORT" \
	"$(conn_json "$NS_a" "' '.join(str(j[0][k]) for k in ('state', 'owner', 'family', 'local', 'local_port', 'remote', 'remote_port'))")"
check_eq "JSON: reason no_ipsec (1), no algorithm, profile 0" \
	"no_ipsec 1 None 0" \
	"$(conn_json "$NS_a" "' '.join(str(j[0][k]) for k in ('reason', 'reason_code', 'alg', 'profile'))")"
check_eq "JSON: refused_age in seconds, just now" True \
	"$(conn_json "$NS_a" "type(j[0]['refused_age']) is int and 0 <= j[0]['refused_age'] <= 30")"
check_eq "JSON: nothing a connection that never was cannot have" \
	"False False False" \
	"$(conn_json "$NS_a" "'crc' in j[0], 'out_spi' in j[0], 'tx_dropped' in j[0]" | tr -d "(),")"
check "dmesg: the refusal" bash -c \
	"dmesg | tail -n +$((DMESG_MARK + 1)) | grep -qF 'xfrm_guard: refused iscsi $A4:$lport -> $B4:$PORT: no_ipsec'"
check_eq "stats: counted as refused" $((refused_before + 1)) \
	"$(stat_of "$NS_a" refused)"
sleep 2
check_eq "JSON: the age grows" True \
	"$(conn_json "$NS_a" "j[0]['refused_age'] >= 2")"

# The algorithm at fault is remembered too.
ipsec_up $A4 $B4 32 enc 'cbc(des)' 0x0102030405060708 auth-trunc 'hmac(sha1)' \
	0x0102030405060708090a0b0c0d0e0f1011121314 96
many_server
check_fails "cbc(des): the attach is refused" owner connect $B4 $PORT
lport=$(field local_port)
ports+=("$lport")
out=$(xg "$NS_a" conn show)
check "text: refused weak_algorithm, the algorithm named" \
	has_re "$out" "^	refused weak_algorithm alg cbc\(des\) [0-9]+s ago profile 0\$"
check_eq "JSON: weak_algorithm, cbc(des)" "$lport weak_algorithm cbc(des)" \
	"$(refused_json "$NS_a" "' '.join(str(r[-1][k]) for k in ('local_port', 'reason', 'alg'))")"
ipsec_down

# Attached connections come first, refusals after them, oldest first.
ipsec_up $A4 $B4
many_server
check "a protected connection attaches" owner connect $B4 $PORT
live=$(field local_port)
check_eq "JSON: attached first, then the refusals, oldest first" \
	"attached:$live refused:${ports[0]} refused:${ports[1]}" \
	"$(conn_json "$NS_a" "' '.join(e['state'] + ':' + str(e['local_port']) for e in j)")"
out=$(xg "$NS_a" conn show)
diag "an attached connection and two refusals:"
while IFS= read -r line; do diag "  $line"; done <<<"$out"
check_eq "text: the attached connection first" \
	"iscsi $A4:$live -> $B4:$PORT" "$(head -n 1 <<<"$out")"
check "text: its verdict line as before" \
	has "$out" "verdict protected tx open enforced yes confidential yes crc software"
check_eq "text: then the refusals, oldest first" \
	"iscsi $A4:${ports[0]} -> $B4:$PORT|iscsi $A4:${ports[1]} -> $B4:$PORT" \
	"$(refused_tuples "$out" | paste -sd '|')"
check_eq "text: the refusals are the last four lines" 2 \
	"$(tail -n 4 <<<"$out" | grep -c '^iscsi ')"
ipsec_down

# More than 16 refusals: the 16 newest are kept.
many_server
n_refused=0
for i in {1..18}; do
	if ! owner connect $B4 $PORT 2>/dev/null &&
	   [ "$(field state)" = refused ]; then
		n_refused=$((n_refused + 1))
		ports+=("$(field local_port)")
	fi
done
check_eq "18 more attaches refused" 18 "$n_refused"
diag "refused local ports, oldest first: ${ports[*]}"
newest=${ports[*]: -16}
check_eq "JSON: 16 refusals kept" 16 "$(refused_json "$NS_a" "len(r)")"
check_eq "JSON: the 16 newest, oldest first" "$newest" \
	"$(refused_json "$NS_a" "' '.join(str(e['local_port']) for e in r)")"
out=$(xg "$NS_a" conn show)
check_eq "text: 16 refusals shown" 16 "$(refused_tuples "$out" | wc -l)"
check_eq "text: the newest last" "iscsi $A4:${ports[-1]} -> $B4:$PORT" \
	"$(refused_tuples "$out" | tail -n 1)"
check_eq "stats: every refusal counted all the same" \
	$((refused_before + 20)) "$(stat_of "$NS_a" refused)"

# Per namespace: a refusal in b shows in b only.
check_fails "namespace b: an attach there is refused" \
	owner_in "$NS_b" connect $B4 $PORT
blport=$(field local_port)
check_eq "b lists its own refusal only" "refused $B4:$blport -> $B4:$PORT" \
	"$(conn_json "$NS_b" "' '.join('%s %s:%s -> %s:%s' % (e['state'], e['local'], e['local_port'], e['remote'], e['remote_port']) for e in j)")"
check_eq "a does not list b's refusal" "$newest" \
	"$(refused_json "$NS_a" "' '.join(str(e['local_port']) for e in r)")"
ns_add c
check_eq "a new namespace lists nothing" "[]" "$(xg "$NS_c" -j conn show)"

# --- the profile the rules selected, in events and refusals ------------------
check "profile 3, enforcing" xg "$NS_a" profile set id 3 mode enforce
check "rule: iscsi to $B4 port $PORT selects profile 3" \
	xg "$NS_a" rule add prio 10 owner iscsi remote $B4 rport $PORT profile 3
xg "$NS_a" monitor -c 1 >"$EV" 2>&1 &
MON=$!
at_exit "kill $MON"
wait_monitor $MON
check_fails "profile 3: the attach is refused" owner connect $B4 $PORT
lport=$(field local_port)
check "monitor: the refused event names profile 3" \
	wait_for grep -qF "refused owner iscsi $A4:$lport -> $B4:$PORT reason no_ipsec profile 3" "$EV"
diag "event: $(head -n 1 "$EV")"
wait "$MON" 2>/dev/null
check_eq "JSON: the refusal remembers profile 3" "$lport 3" \
	"$(refused_json "$NS_a" "' '.join(str(r[-1][k]) for k in ('local_port', 'profile'))")"
check "text: refused by profile 3" \
	has_re "$(xg "$NS_a" conn show)" "^	refused no_ipsec [0-9]+s ago profile 3\$"

# A connection judged by profile 3 says so in its own events.
ipsec_up $A4 $B4
many_server
check "profile 3: a protected connection attaches" owner connect $B4 $PORT
lport=$(field local_port)
xg "$NS_a" -j monitor -c 1 >"$EV" 2>&1 &
MON=$!
at_exit "kill $MON"
wait_monitor $MON
check "the owner refuses it" owner owner-refuse chap_reflection
check "monitor -j: an event" wait_for test -s "$EV"
wait "$MON" 2>/dev/null
diag "event: $(head -n 1 "$EV")"
check_eq "monitor -j: owner_refused, profile 3" "owner_refused $lport 3" \
	"$("$PY" -c 'import json,sys
e = json.loads(open(sys.argv[1]).readline())
print(e["event"], e["sport"], e["profile"])' "$EV")"
xg "$NS_a" monitor -c 1 >"$EV" 2>&1 &
MON=$!
at_exit "kill $MON"
wait_monitor $MON
ip -n "$NS_a" xfrm policy flush
check "policy flush: the lost event names profile 3" \
	wait_for grep -qF "lost owner iscsi $A4:$lport -> $B4:$PORT reason no_ipsec profile 3" "$EV"
wait "$MON" 2>/dev/null
ipsec_down
check "rule deleted" \
	xg "$NS_a" rule del prio 10 owner iscsi remote $B4 rport $PORT

done_testing
