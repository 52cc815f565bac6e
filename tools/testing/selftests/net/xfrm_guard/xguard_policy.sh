#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guard's policy knobs, seen from the outside: xguard talks to the
# xfrm_guard netlink family, every namespace has its own policy that starts
# at the RFC defaults, /sys/kernel/xfrm_guard shows the initial namespace's,
# bad requests are refused with a reason and change nothing, and only the
# namespace's administrator may change it.
# sanguard-flavours: debug
# sanguard-timeout: 600

. "$(dirname "$0")/../../sanguard/lib.sh"

TOP=$SG_TOP
XG=$TOP/tools/xguard/xguard
PY=/usr/bin/python3
SYS=/sys/kernel/xfrm_guard
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

if [ ! -x "$XG" ]; then
	skip "xguard policy tests" "no $XG (make -C tools/xguard)"
	done_testing
fi

# A fresh module: the initial namespace's policy is the default again.
modprobe -r xfrm_guard 2>/dev/null
check "xfrm_guard loads" load_module xfrm_guard

# xg NS ARGS...: xguard in namespace NS ("init" for the initial one).
xg() {
	local ns=$1
	shift
	if [ "$ns" = init ]; then
		"$XG" "$@"
	else
		"$XG" -n "$ns" "$@"
	fi
}

# jq_py NS EXPR ARGS...: evaluate python EXPR on the JSON of "xguard -j ARGS"
# (bound to "j"), print the result.
jq_py() {
	local ns=$1 expr=$2
	shift 2
	xg "$ns" -j "$@" | sg_pyjson "$expr"
}

# Shorthand for the fields of profile ID in NS.
pfield() { jq_py "$1" "j[0]['$3']" profile show id "$2"; }
pdisp() {
	jq_py "$1" "[a['disposition'] for a in j[0]['algorithms'] if a['name'] == '$3'][0]" \
		profile show id "$2"
}

# state NS: everything configurable, for before/after comparisons.
state() { xg "$1" -j profile show; xg "$1" -j rule show; }

ns_add a
ns_add b
sg_pyjson_start

# --- defaults ---------------------------------------------------------------

DEFAULT_LINE="profile 0: mode enforce conf off chap-conf on modes transport,tunnel crc auto replay 32"
check_eq "default profile: enforce, no confidentiality, CHAP needs it, both modes, crc auto, replay 32" \
	"$DEFAULT_LINE" "$(xg init profile show id 0 | head -n 1)"
check_eq "default profile denies DES and HMAC-MD5 (RFC 8221 MUST NOT)" \
	"deny cbc(des) hmac(md5)" "$(xg init profile show id 0 | sed -n 's/^\t//; 2p')"
check_eq "default profile warns on 3DES (RFC 8221 SHOULD NOT)" \
	"warn cbc(des3_ede)" "$(xg init profile show id 0 | sed -n 's/^\t//; 3p')"
check_eq "a new namespace starts with the same default" \
	"$(xg init profile show)" "$(xg "$NS_a" profile show)"
check_eq "only profile 0 exists at first" "[0]" \
	"$(jq_py "$NS_a" "[p['id'] for p in j]" profile show)"

# --- set/show round trip ----------------------------------------------------

roundtrip() {
	local desc=$1 field=$2 want=$3
	shift 3
	if ! out=$(xg "$NS_a" profile set "$@" 2>&1); then
		not_ok "$desc" "xguard profile set $*: $out"
		return
	fi
	check_eq "$desc" "$want" "$(pfield "$NS_a" 0 "$field")"
}

roundtrip "mode audit"	mode audit	mode audit
roundtrip "mode off"	mode off	mode off
roundtrip "mode enforce"	mode enforce	mode enforce
roundtrip "conf on"	confidentiality True	conf on
roundtrip "conf off"	confidentiality False	conf off
roundtrip "chap-conf off"	chap_requires_confidentiality False	chap-conf off
roundtrip "chap-conf on"	chap_requires_confidentiality True	chap-conf on
roundtrip "modes transport"	ipsec_modes "['transport']"	modes transport
roundtrip "modes tunnel"	ipsec_modes "['tunnel']"	modes tunnel
roundtrip "modes transport,tunnel"	ipsec_modes "['transport', 'tunnel']" \
	modes transport,tunnel
roundtrip "crc always"	crc always	crc always
roundtrip "crc never"	crc never	crc never
roundtrip "crc auto"	crc auto	crc auto
roundtrip "replay 1 (smallest)"	min_replay_window 1	replay 1
roundtrip "replay 4096 (largest)"	min_replay_window 4096	replay 4096
roundtrip "replay 64"	min_replay_window 64	replay 64

check "allow cbc(des3_ede) and deny cbc(aes) in one request" \
	xg "$NS_a" profile set allow 'cbc(des3_ede)' deny 'cbc(aes)'
check_eq "3DES is allowed by override" allow "$(pdisp "$NS_a" 0 'cbc(des3_ede)')"
check_eq "AES-CBC is denied by override" deny "$(pdisp "$NS_a" 0 'cbc(aes)')"
check "default cbc(des3_ede) drops the override" \
	xg "$NS_a" profile set default 'cbc(des3_ede)'
check_eq "3DES is back to a warning" warn "$(pdisp "$NS_a" 0 'cbc(des3_ede)')"
check_eq "other fields kept across changes" "64 True" \
	"$(jq_py "$NS_a" "j[0]['min_replay_window'], j[0]['chap_requires_confidentiality']" \
		profile show id 0 | tr -d '(),')"

check "profile 3 created with one field" xg "$NS_a" profile set id 3 conf on
check_eq "profile 3 starts from the RFC defaults" \
	"enforce 32 True" \
	"$(jq_py "$NS_a" "j[0]['mode'], j[0]['min_replay_window'], j[0]['confidentiality']" \
		profile show id 3 | tr -d "(),'")"
check_eq "profiles listed in order" "[0, 3]" \
	"$(jq_py "$NS_a" "[p['id'] for p in j]" profile show)"
check "profile 3 deleted" xg "$NS_a" profile del id 3
check_fails "profile 3 is gone" xg "$NS_a" profile show id 3

# --- namespaces are isolated ------------------------------------------------

xg "$NS_a" profile set mode audit crc never >/dev/null
check_eq "a change in namespace a is not seen in b" \
	"$DEFAULT_LINE" "$(xg "$NS_b" profile show id 0 | head -n 1)"
check_eq "nor in the initial namespace" \
	"$DEFAULT_LINE" "$(xg init profile show id 0 | head -n 1)"
xg "$NS_a" profile set id 5 >/dev/null
check_fails "a profile made in a does not exist in b" xg "$NS_b" profile show id 5

# --- sysfs shows the initial namespace --------------------------------------

sysfs_is() { check_eq "sysfs $1 is $2" "$2" "$(cat "$SYS/$1" 2>&1)"; }
sysfs_is mode enforce
sysfs_is confidentiality 0
sysfs_is chap_requires_confidentiality 1
sysfs_is ipsec_modes transport,tunnel
sysfs_is crc auto
sysfs_is min_replay_window 32
sysfs_is denied_algorithms "cbc(des) hmac(md5)"
sysfs_is warned_algorithms "cbc(des3_ede)"
check_eq "sysfs did not follow namespace a" enforce "$(cat $SYS/mode)"
check "change the initial namespace's default profile" \
	xg init profile set mode audit conf on chap-conf off modes tunnel crc always \
	replay 128 deny 'cbc(aes)' allow 'hmac(md5)'
sysfs_is mode audit
sysfs_is confidentiality 1
sysfs_is chap_requires_confidentiality 0
sysfs_is ipsec_modes tunnel
sysfs_is crc always
sysfs_is min_replay_window 128
sysfs_is denied_algorithms "cbc(des) cbc(aes)"
check_fails "sysfs is read-only" bash -c "echo off > $SYS/mode"
xg init profile set mode enforce conf off chap-conf on modes transport,tunnel crc auto \
	replay 32 default 'cbc(aes)' default 'hmac(md5)' >/dev/null
check_eq "initial namespace restored" "$DEFAULT_LINE" "$(xg init profile show id 0 | head -n 1)"
want=$(xg init stats | awk '{print $1 "=" $2}' | sort)
got=$(for f in "$SYS"/stats/*; do echo "$(basename "$f")=$(cat "$f")"; done | sort)
check_eq "sysfs stats/ has one file per counter, equal to xguard stats" "$want" "$got"

# --- rules ------------------------------------------------------------------

xg "$NS_a" profile set id 1 conf on >/dev/null
check "rule prio 20 remote 10.0.0.0/8" \
	xg "$NS_a" rule add prio 20 remote 10.0.0.0/8 profile 1
check "rule prio 10 owner iscsi rport 3260" \
	xg "$NS_a" rule add prio 10 owner iscsi rport 3260 profile 1
check "rule prio 30 IPv6 remote and local port range" \
	xg "$NS_a" rule add prio 30 remote 2001:db8::/32 lport 1000-2000 profile 0
check "same priority, disjoint match is fine" \
	xg "$NS_a" rule add prio 10 owner iwarp rport 3260 profile 5
check_eq "rules listed by priority" "10 10 20 30" \
	"$(xg "$NS_a" rule show | awk '{printf "%s%s", sep, $2; sep=" "}')"
check_eq "rule text shows every field" \
	"prio 30 owner any remote 2001:db8::/32 rport any lport 1000-2000 profile 0" \
	"$(xg "$NS_a" rule show | tail -n 1)"
check_eq "rule JSON shows every field" \
	"10 iscsi None [3260, 3260] [0, 65535] 1" \
	"$(jq_py "$NS_a" "' '.join(str(x) for x in (j[0]['priority'], j[0]['owner'], j[0]['remote'], j[0]['rport'], j[0]['lport'], j[0]['profile']))" rule show)"
check_eq "rules are per namespace" "" "$(xg "$NS_b" rule show)"

# -n NETNS works where "ip netns exec" does, by name or namespace file.
check_eq "xguard -n NS: the same rules as inside NS" \
	"$(ip netns exec "$NS_a" "$XG" rule show)" "$("$XG" -n "$NS_a" rule show)"
check_eq "xguard -n /run/netns/NS: the same rules" \
	"$(ip netns exec "$NS_a" "$XG" rule show)" \
	"$("$XG" -netns "/run/netns/$NS_a" rule show)"
check_eq "xguard -n NS changes NS, not the caller's namespace" "" \
	"$("$XG" rule show)"
check_eq "xguard -n with no such namespace: a clear error" \
	"xguard: network namespace \"$SG_PREFIX-none\": No such file or directory" \
	"$("$XG" -n "$SG_PREFIX-none" rule show 2>&1)"
check_fails "... and exit status 1" "$XG" -n "$SG_PREFIX-none" rule show
check_eq "xguard -n without a name: a clear error" \
	"xguard: \"-n\" needs a network namespace name" "$("$XG" -n 2>&1)"
check "rule del prio 20 remote 10.0.0.0/8" \
	xg "$NS_a" rule del prio 20 remote 10.0.0.0/8
check_eq "the rule is gone, the others stay" "10 10 30" \
	"$(xg "$NS_a" rule show | awk '{printf "%s%s", sep, $2; sep=" "}')"
check_fails "deleting it again fails" xg "$NS_a" rule del prio 20 remote 10.0.0.0/8

# --- JSON parses -------------------------------------------------------------

for cmd in "profile show" "profile show id 0" "rule show" "stats"; do
	# shellcheck disable=SC2086
	check "JSON of \"xguard -j $cmd\" parses" \
		bash -c "$XG -n $NS_a -j $cmd | $PY -c 'import json,sys; json.load(sys.stdin)'"
done
check "JSON of an empty rule list parses" \
	bash -c "$XG -n $NS_b -j rule show | $PY -c 'import json,sys; assert json.load(sys.stdin) == []'"

# --- bad input: a clear error and no change ---------------------------------

# refused DESC WANT_TEXT ARGS...: xguard ARGS in namespace a fails, says
# WANT_TEXT on one line, and leaves the configuration as it was.
refused() {
	local desc=$1 want=$2 before after out rc
	shift 2
	before=$(state "$NS_a")
	out=$(xg "$NS_a" "$@" 2>&1)
	rc=$?
	after=$(state "$NS_a")
	if [ $rc -eq 0 ]; then
		not_ok "$desc" "xguard $* succeeded: $out"
	elif [[ "$out" != *"$want"* ]] || [ "$(echo "$out" | wc -l)" -ne 1 ]; then
		not_ok "$desc" "want one line with: $want" "got: $out"
	elif [ "$before" != "$after" ]; then
		not_ok "$desc" "the configuration changed" "before: $before" "after: $after"
	else
		ok "$desc: $out"
	fi
}

refused "replay 0 refused" "out of range" profile set replay 0
refused "replay 4097 refused" "out of range" profile set replay 4097
refused "mode value outside the enum refused by the tool" "not one of" profile set mode strict
refused "profile id 16 refused" "out of range" profile set id 16 mode off
refused "empty mode set refused" "no IPsec mode accepted" profile set modes ,
refused "unknown algorithm refused" "unknown algorithm" profile set deny 'cbc(rot13)'
refused "non-canonical algorithm name refused" "unknown algorithm" profile set allow aes
refused "a valid field does not go through with a bad one" "unknown algorithm" \
	profile set mode off deny 'cbc(rot13)'
refused "overlapping rule of the same priority refused" "same priority" \
	rule add prio 10 rport 3260 profile 1
refused "rule selecting a missing profile refused" "does not exist" \
	rule add prio 40 profile 7
refused "host bits beyond the prefix refused" "beyond the prefix length" \
	rule add prio 40 remote 10.1.2.3/8 profile 1
refused "prefix length /33 refused" "longer than the address" \
	rule add prio 40 remote 10.0.0.0/33 profile 1
refused "IPv6 prefix length /129 refused" "out of range" \
	rule add prio 40 remote 2001:db8::/129 profile 1
refused "empty port range refused" "low above high" \
	rule add prio 40 rport 20-10 profile 1
refused "deleting a profile a rule uses refused" "used by the rule of priority 10" \
	profile del id 1
refused "deleting a profile a rule uses is EBUSY" "Device or resource busy" \
	profile del id 1
refused "the default profile cannot be deleted" "cannot be deleted" profile del id 0
refused "deleting a missing profile refused" "no such profile" profile del id 9
refused "deleting a missing rule refused" "no such rule" rule del prio 99

# Malformed requests that xguard never sends, written by hand.
RAW=$(mktemp)
at_exit "rm -f $RAW"
cat >"$RAW" <<'EOF'
import socket, struct, sys

SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
NLM_F_REQUEST, NLM_F_ACK, NLA_F_NESTED = 1, 4, 0x8000

def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, t) + payload + b"\0" * (-n % 4)

def msg(family, cmd, body, flags=NLM_F_REQUEST | NLM_F_ACK):
    body = struct.pack("BBH", cmd, 1, 0) + body
    return struct.pack("IHHII", 16 + len(body), family, flags, 1, 0) + body

def talk(s, m):
    s.send(m)
    r = s.recv(65536)
    n, t, flags = struct.unpack_from("IHH", r)
    if t != 2:
        return r, 0, ""
    err = struct.unpack_from("i", r, 16)[0]
    text = ""
    if flags & 0x200:
        off = 20 + struct.unpack_from("I", r, 20)[0]
        while off + 4 <= n:
            alen, atype = struct.unpack_from("HH", r, off)
            if atype == 1:
                text = r[off + 4:off + alen].split(b"\0")[0].decode()
            off += (alen + 3) & ~3
    return r, err, text

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
s.bind((0, 0))
# no ACK asked: the reply is the only message to read
r, err, _ = talk(s, msg(0x10, 3, attr(2, b"xfrm_guard\0"), NLM_F_REQUEST))
off, fam = 20, None
while off + 4 <= len(r):
    alen, atype = struct.unpack_from("HH", r, off)
    if atype == 1:
        fam = struct.unpack_from("H", r, off + 4)[0]
    off += (alen + 3) & ~3
if fam is None:
    sys.exit("no xfrm_guard family")

PROFILE_SET, RULE_ADD, STATS_GET = 2, 4, 7
A_PROFILE, A_RULE, A_STATS = 1, 2, 3
case = sys.argv[1]
nest = lambda t, body: attr(t | NLA_F_NESTED, body)
if case == "short-id":      # u8 where the policy says u32
    m = msg(fam, PROFILE_SET, nest(A_PROFILE, attr(1, b"\1")))
elif case == "not-nested":  # a nest without NLA_F_NESTED
    m = msg(fam, PROFILE_SET, attr(A_PROFILE, attr(1, struct.pack("I", 0)) + attr(2, b"\0")))
elif case == "unknown-attr":
    m = msg(fam, PROFILE_SET, attr(42, struct.pack("I", 0)))
elif case == "truncated":   # an attribute longer than the message
    m = msg(fam, PROFILE_SET, struct.pack("HH", 64, A_PROFILE | NLA_F_NESTED) + b"\0" * 4)
elif case == "reply-attr":  # counters are for replies only
    m = msg(fam, STATS_GET, attr(A_STATS, struct.pack("Q", 1)))
elif case == "addr-5-bytes":
    m = msg(fam, RULE_ADD, nest(A_RULE, attr(1, struct.pack("I", 50)) +
                                attr(4, b"\x0a\0\0\0\0") + attr(11, struct.pack("I", 0))))
elif case == "no-attrs":
    m = msg(fam, PROFILE_SET, b"")
elif case == "unknown-cmd":
    m = msg(fam, 99, b"")
else:
    sys.exit("unknown case " + case)
_, err, text = talk(s, m)
print("error %d: %s" % (err, text or "(no message)"))
sys.exit(0 if err < 0 else 1)
EOF

malformed() {
	local desc=$1 case=$2 want=$3 before after out
	before=$(state "$NS_a")
	out=$(ip netns exec "$NS_a" "$PY" "$RAW" "$case" 2>&1)
	rc=$?
	after=$(state "$NS_a")
	if [ $rc -ne 0 ]; then
		not_ok "$desc" "$out"
	elif [[ "$out" != *"$want"* ]]; then
		not_ok "$desc" "want: $want" "got: $out"
	elif [ "$before" != "$after" ]; then
		not_ok "$desc" "the configuration changed"
	else
		ok "$desc: $out"
	fi
}

malformed "malformed: u8 for a u32 attribute" short-id "invalid attribute length"
malformed "malformed: nest without NLA_F_NESTED" not-nested "NLA_F_NESTED is missing"
malformed "malformed: unknown attribute type" unknown-attr "error -22"
malformed "malformed: attribute longer than the message" truncated "error -22"
malformed "malformed: reply-only attribute in a request" reply-attr "failed policy validation"
malformed "malformed: 5-byte IPv4 address" addr-5-bytes "size out of range"
malformed "malformed: request without its nest" no-attrs "profile attribute missing"
malformed "malformed: unknown command" unknown-cmd "error -95"

# --- privileges -------------------------------------------------------------

before=$(state init)
out=$("${NOBODY[@]}" "$XG" profile set mode off 2>&1)
rc=$?
if [ $rc -ne 0 ] && [[ "$out" == *"Operation not permitted"* ]] &&
   [ "$before" = "$(state init)" ]; then
	ok "uid 65534 cannot change the initial namespace: $out"
else
	not_ok "uid 65534 cannot change the initial namespace" "exit $rc: $out"
fi
check_fails "uid 65534 cannot add a rule" "${NOBODY[@]}" "$XG" rule add prio 1 profile 0
check "uid 65534 may read the policy" "${NOBODY[@]}" "$XG" profile show
check "uid 65534 may read the counters" "${NOBODY[@]}" "$XG" stats
out=$("${NOBODY[@]}" unshare -Ur "$XG" profile set mode off 2>&1)
rc=$?
if [ $rc -ne 0 ] && [[ "$out" == *"Operation not permitted"* ]] &&
   [ "$before" = "$(state init)" ]; then
	ok "root of a user namespace cannot change the initial netns: $out"
else
	not_ok "root of a user namespace cannot change the initial netns" "exit $rc: $out"
fi
# CAP_NET_ADMIN over its own network namespace is what the guard asks for:
# the namespace's owner may set its policy, and only its policy.
check_eq "root of a user namespace sets the policy of its own netns" "off" \
	"$("${NOBODY[@]}" unshare -Urn bash -c "$XG profile set mode off && $XG -j profile show id 0" |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["mode"])' 2>&1)"
check_eq "which leaves the initial namespace alone" "$before" "$(state init)"
out=$("${NOBODY[@]}" "$XG" monitor -c 1 2>&1)
rc=$?
if [ $rc -ne 0 ] && [[ "$out" == *"Operation not permitted"* ]]; then
	ok "uid 65534 cannot listen to events: $out"
else
	not_ok "uid 65534 cannot listen to events" "exit $rc: $out"
fi

# --- monitor ----------------------------------------------------------------

ip netns exec "$NS_a" "$XG" monitor >/dev/null 2>&1 &
mon=$!
wait_monitor $mon
if kill -0 $mon 2>/dev/null; then
	kill -TERM $mon
	wait $mon
	check_eq "monitor runs until SIGTERM and exits 0" 0 $?
else
	wait $mon
	not_ok "monitor runs until SIGTERM and exits 0" "it exited by itself: $?"
fi
check_fails "xguard help for an unknown object" "$XG" bogus
check "xguard help" "$XG" help

# --- unload -----------------------------------------------------------------

check "xfrm_guard unloads" modprobe -r xfrm_guard
SG_MODS=()
check_fails "its sysfs directory is gone" test -e "$SYS"
out=$("$XG" stats 2>&1)
if [[ "$out" == *"is the xfrm_guard module loaded"* ]]; then
	ok "its netlink family is gone: $out"
else
	not_ok "its netlink family is gone" "$out"
fi

done_testing
