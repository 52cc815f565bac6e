#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# CHAP reflection across connections (RFC 3723 2.4.1, the Alice/Storage
# example). The initiator is set up for mutual CHAP. A rogue target
# (fake_target.py --scenario reflect) that knows no secret gets two
# logins, to two portals: on connection 1 it takes the challenge the
# initiator sends (CHAP_C with CHAP_I) and holds; on connection 2 it
# issues exactly that CHAP_I/CHAP_C as its own challenge. An initiator
# that answers there hands the rogue a response to its own challenge,
# which it replays on connection 1; with one secret for both directions
# that authenticates the rogue as the target. iscsid refuses one secret
# for both directions ("Local password same as remote"), so the secrets
# here differ, as they must (RFC 3723 2.4.1): the replay then fails, but
# an initiator that answers the reflected challenge still did not notice.
#
# iscsi_xfrm remembers the challenges it sent (ix_chap_note, IX_CHAP_SENT)
# and must refuse the login on connection 2 when the same challenge comes
# back (IX_CHAP_RECEIVED), naming "chap_reflection" in dmesg; the rogue
# must never get its answer. The check runs before the Login Response is
# completed to iscsid: a listener on the iSCSI netlink group (the one
# iscsid reads Login Responses from) must never see the reflected
# challenge, while it does see the rogue's own challenge on connection 1.
# The refusal is the guard's too: "refused by owner ... chap_reflection"
# in dmesg, an audit record, an owner_refused event in "xguard monitor"
# and the owner_refused counter. iscsi_tcp (the anchor) does not look across
# connections; what happens with it is recorded as diagnostics. Before
# that, a genuine mutual CHAP login against a target that knows the
# secrets must succeed, and one that answers with a wrong secret must fail,
# so neither a broken CHAP path nor a blind initiator can pass for a
# detection.
#
# Runs with both transports (IX_MODULE= one of them to run one).
# Topology from iscsi_lib.sh: iscsid in the initial namespace, the fake
# target in namespace t listening on two portals, veth, ESP (AES-GCM,
# transport mode) since iscsi_xfrm refuses anything unprotected.
# Under make check the debug kernel runs iscsi_xfrm and the base kernel the
# anchor (IX_FLAVOUR_MODULES, iscsi_lib.sh).
# sanguard-flavours: debug base
# sanguard-timeout: 900

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

IX_FLAVOUR_MODULES=${IX_FLAVOUR_MODULES:-"debug:iscsi_xfrm base:iscsi_tcp"}
ix_each_transport iscsi_tcp iscsi_xfrm

HERE=$(cd "$(dirname "$0")" && pwd)
M=$IX_MODULE
FT_PID=
FT_LOG=/dev/null
FT_RUN=0
P1=$IX_T4:$IX_PORT
P2=$IX_T4:$((IX_PORT + 1))
# CHAP identities: Alice proves SECRET_OUT, Storage proves SECRET_IN.
INI_USER=alice
TGT_USER=storage
SECRET_OUT=alice-secret-0001
SECRET_IN=storage-secret-02

# --- two node records, one per portal ---------------------------------------------

# ft_node PORTAL ARGS...: iscsiadm on the node record of PORTAL, bounded
# in time.
ft_node() { timeout 150 iscsiadm -m node -T "$IX_TGT_IQN" -p "$1" "${@:2}"; }

ft_node_set() {
	local p=$1
	shift
	while [ $# -ge 2 ]; do
		ft_node "$p" -o update -n "$1" -v "$2" >/dev/null || return 1
		shift 2
	done
}

# ft_nodes_up: node records for both portals with mutual CHAP.
# Connection 1 waits while connection 2 logs in: a long login timeout,
# and no retries that would muddle the two connections.
ft_nodes_up() {
	local p
	ix_node_new || return 1
	ft_node "$P2" -o new >/dev/null || return 1
	at_exit "iscsiadm -m node -T $IX_TGT_IQN -p $P2 -o delete"
	at_exit "timeout 60 iscsiadm -m node -T $IX_TGT_IQN -p $P2 --logout"
	for p in "$P1" "$P2"; do
		ft_node_set "$p" node.session.initial_login_retry_max 0 \
			node.conn[0].timeo.login_timeout 60 \
			node.session.auth.authmethod CHAP \
			node.session.auth.username $INI_USER \
			node.session.auth.password $SECRET_OUT \
			node.session.auth.username_in $TGT_USER \
			node.session.auth.password_in $SECRET_IN || return 1
	done
}

ft_logout_all() {
	local p
	for p in "$P1" "$P2"; do
		ft_node "$p" --logout >/dev/null 2>&1
	done
	return 0
}

# --- the fake target, in namespace t ---------------------------------------------

# ft_start SCENARIO ARGS...: a fresh fake target on both portals.
ft_start() {
	local sc=$1
	shift
	ft_stop
	FT_LOG=$IX_TMP/ft-$sc.$((++FT_RUN)).log
	: >"$FT_LOG"
	# nsenter execs python, so $! is the target's own pid
	nsenter --net=/run/netns/"$NS_t" /usr/bin/python3 "$HERE/fake_target.py" \
		--addr $IX_T4 --port ${P1##*:} --port ${P2##*:} --scenario "$sc" \
		--log "$FT_LOG" "$@" 2>>"$FT_LOG" &
	FT_PID=$!
	for _ in {1..100}; do
		[ "$(grep -c 'event listening' "$FT_LOG")" -eq 2 ] && return 0
		kill -0 $FT_PID 2>/dev/null || break
		sg_nap 0.1
	done
	return 1
}

ft_stop() {
	[ -n "$FT_PID" ] || return 0
	kill "$FT_PID" 2>/dev/null
	wait "$FT_PID" 2>/dev/null
	FT_PID=
}
at_exit ft_stop

ft_event() { ix_file_has_re "$FT_LOG" "event $1( .*)?${2:+ .*$2}"; }

ft_wait_event() {
	local i
	for ((i = 0; i < $1 * 5; i++)); do
		ft_event "$2" "${3:-}" && return 0
		sg_nap 0.2
	done
	return 1
}

# dmesg_has PATTERN: the kernel logged it since ix_dmesg_mark.
dmesg_has() { ix_dmesg_since | grep -q -- "$1"; }
dmesg_has_re() { ix_dmesg_since | grep -qE -- "$1"; }

# ft_wait SECONDS CMD...: until CMD succeeds, for at most SECONDS.
ft_wait() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sg_nap 0.5
	done
}

# --- what iscsid is told: a listener on the iSCSI netlink group --------------------

# The kernel multicasts every PDU it completes to iscsid (ISCSI_KEVENT_RECV_PDU,
# Login Responses among them) to group ISCSI_NL_GRP_ISCSID of NETLINK_ISCSI.
# This listener joins the group and writes one line per message: the event
# type and the payload with unprintable bytes as '.', so the login text of
# a Login Response reads "...CHAP_A=5.CHAP_I=7.CHAP_C=0x...".
NLW_PID=
NLW_LOG=$IX_TMP/nlwatch.log

nlw_start() {
	nlw_stop
	: >"$NLW_LOG"
	/usr/bin/python3 - "$NLW_LOG" <<-'EOF' &
	import errno, socket, struct, sys
	NETLINK_ISCSI, ISCSI_NL_GRP_ISCSID = 8, 1
	out = open(sys.argv[1], "w", buffering=1)
	s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ISCSI)
	s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
	s.bind((0, 1 << (ISCSI_NL_GRP_ISCSID - 1)))
	out.write("ready\n")
	while True:
	    try:
	        buf = s.recv(1 << 17)
	    except OSError as e:
	        if e.errno != errno.ENOBUFS:
	            raise
	        out.write("overrun\n")
	        continue
	    off = 0
	    while off + 16 <= len(buf):
	        ln = struct.unpack_from("=I", buf, off)[0]
	        if ln < 16 or off + ln > len(buf):
	            break
	        msg = buf[off + 16:off + ln]
	        ev = struct.unpack_from("=I", msg)[0] if len(msg) >= 4 else -1
	        text = "".join(chr(b) if 32 <= b < 127 else "." for b in msg)
	        out.write("ev=%d len=%d %s\n" % (ev, len(msg), text))
	        off += (ln + 3) & ~3
	EOF
	NLW_PID=$!
	ft_wait 30 grep -q '^ready' "$NLW_LOG"
}

nlw_stop() {
	[ -n "$NLW_PID" ] || return 0
	kill "$NLW_PID" 2>/dev/null
	wait "$NLW_PID" 2>/dev/null
	NLW_PID=
}
at_exit nlw_stop

# nlw_chap_c: the CHAP_C values of the PDUs iscsid was handed, one a line.
# ISCSI_KEVENT_RECV_PDU is 101.
nlw_chap_c() {
	grep '^ev=101 ' "$NLW_LOG" | grep -o 'CHAP_C=[0-9A-Za-z+/=]*' |
		sed 's/^CHAP_C=//'
}

# nlw_saw CHALLENGE: iscsid was handed a PDU with CHAP_C=CHALLENGE.
nlw_saw() { nlw_chap_c | grep -qixF -- "$1"; }

# nlw_saw_other CHALLENGE: ... and with some other CHAP_C.
nlw_saw_other() { nlw_chap_c | grep -qvixF -- "$1"; }

# ft_stat NAME: an "xguard stats" counter of the initial namespace.
ft_stat() { ix_xguard stats | awk -v k="$1" '$1 == k {print $2}'; }

ft_show_log() {
	diag "fake target log:"
	sed 's/^/#   /' "$FT_LOG" | tail -n 30
	ix_iscsid_log 15
	diag "kernel:"
	ix_dmesg_since | tail -n 15 | sed 's/^/#   /'
}

# --- setup ----------------------------------------------------------------------

for tool in iscsid iscsiadm nsenter setsid /usr/bin/python3; do
	if ! command -v $tool >/dev/null; then
		skip "CHAP reflection tests" "$tool is not installed"
		done_testing
	fi
done
ix_transport_up || done_testing
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "ESP (AES-GCM) SAs and policies" ix_sa_up gcm || done_testing
step "iscsid started" ix_iscsid_up || done_testing
step "node records for two portals, mutual CHAP" ft_nodes_up || done_testing

# --- controls: genuine mutual CHAP works, a wrong answer is refused -------------

failed_before=$SG_FAILED
ft_start normal --chap "$INI_USER:$SECRET_OUT" --mutual "$TGT_USER:$SECRET_IN" ||
	{ not_ok "fake target listens"; done_testing; }
ix_dmesg_mark
out=$(ft_node "$P1" --login 2>&1)
check_eq "genuine mutual CHAP: login succeeds" 0 "$?"
check "genuine mutual CHAP: the target checked our response" ft_event chap-ok
check "genuine mutual CHAP: we checked the target's" ft_event chap-mutual-answered
check "genuine mutual CHAP: login complete" ft_event login-complete
check_fails "genuine mutual CHAP: no chap_reflection false alarm" \
	dmesg_has chap_reflection
out=$(ft_node "$P1" --logout 2>&1)
check_eq "genuine mutual CHAP: logout" 0 "$?"
check "genuine mutual CHAP: no session left" ix_sessions_gone
[ $SG_FAILED -eq $failed_before ] || { diag "$out"; ft_show_log; }

failed_before=$SG_FAILED
ft_start normal --chap "$INI_USER:$SECRET_OUT" --mutual "$TGT_USER:wrong-secret-123" ||
	{ not_ok "fake target listens"; done_testing; }
out=$(ft_node "$P1" --login 2>&1)
rc=$?
check_fails "target answers with a wrong secret: login refused" test $rc -eq 0
check "wrong secret: the target did answer our challenge" ft_event chap-mutual-answered
check "wrong secret: no session left" ix_sessions_gone
[ $SG_FAILED -eq $failed_before ] || { diag "$out"; ft_show_log; }

# --- the reflection -------------------------------------------------------------

failed_before=$SG_FAILED
# With iscsi_xfrm the rogue also puts an Async Message behind the
# reflected one, in the same segment: nothing after a refusal may reach
# iscsid. The anchor gets the plain reflection, for the diagnostics.
variant=plain
[ "$M" = iscsi_xfrm ] && variant=trailing
ft_start reflect --variant $variant --peer-name $TGT_USER --hold 60 ||
	{ not_ok "fake target listens"; done_testing; }
step "reflect: a listener on iscsid's netlink group" nlw_start || done_testing
MON_LOG=$IX_TMP/monitor.log
MON=
refused0=
if [ "$M" = iscsi_xfrm ]; then
	refused0=$(ft_stat owner_refused)
	"$XGUARD" monitor >"$MON_LOG" 2>&1 &
	MON=$!
	at_exit "kill $MON"
	wait_monitor $MON
fi
iscsid_lines=$(wc -l <"$IX_TMP/iscsid.log")
ix_dmesg_mark
timeout 150 iscsiadm -m node -T "$IX_TGT_IQN" -p "$P1" --login >"$IX_TMP/login1.out" 2>&1 &
login1=$!
if ft_wait_event 60 reflect-conn1-challenge; then
	ok "reflect: connection 1 carried the initiator's challenge (mutual CHAP)"
else
	not_ok "reflect: connection 1 carried the initiator's challenge (mutual CHAP)"
fi
out=$(ft_node "$P2" --login 2>&1)
rc2=$?
wait $login1
rc1=$?
diag "reflect: login 1 exit $rc1: $(tail -n 1 "$IX_TMP/login1.out")"
diag "reflect: login 2 exit $rc2: $(echo "$out" | tail -n 1)"
check "reflect: the rogue sent connection 1's CHAP_I/CHAP_C as its challenge on connection 2" \
	ft_event reflect-sent
answered=no
ft_event reflect-answered && answered=yes
# In this scenario a login completes only on the rogue's replayed response.
impersonated=no
ft_event login-complete && impersonated=yes
# The challenge iscsid sent on connection 1, which the rogue reflected.
chal=$(sed -n 's/.*event reflect-conn1-challenge .*chap-c=\([^ ]*\).*/\1/p' "$FT_LOG" |
	head -n 1)
# Give a late netlink message time to arrive before judging its absence.
sleep 2
nlw_stop
check "reflect: the netlink listener saw the rogue's own challenge reach iscsid (it can see a Login Response)" \
	nlw_saw_other "${chal:-none}"
check_fails "reflect: the netlink listener kept up" grep -q '^overrun' "$NLW_LOG"
reflected=no
[ -n "$chal" ] && nlw_saw "$chal" && reflected=yes
trailing=no
grep '^ev=101 ' "$NLW_LOG" | grep -qF trailing-after-reflection && trailing=yes
P2RE="$IX_LOG_I:[0-9]+ -> $IX_LOG_T:${P2##*:}"

if [ "$M" = iscsi_xfrm ]; then
	check_fails "reflect: the second login is refused" test $rc2 -eq 0
	check "reflect: dmesg names chap_reflection" dmesg_has chap_reflection
	check_eq "reflect: the initiator never answered the reflected challenge" \
		no $answered
	check_fails "reflect: the rogue never authenticated as the target" \
		test $rc1 -eq 0
	check_eq "reflect: connection 1 never completed its login" no $impersonated
	check "reflect: the reflected challenge is known ($chal)" test -n "$chal"
	check_eq "reflect: iscsid was never handed the Login Response with the reflected challenge" \
		no $reflected
	check "reflect: the rogue sent an Async Message behind it, in the same write" \
		ft_event reflect-sent trailing=1
	check_eq "reflect: iscsid was never handed the PDU behind the refused one" \
		no $trailing
	# Handed it, iscsid computes the answer and tries to send it, which
	# the refused connection turns down: "Login I/O error, failed to
	# send a PDU".
	check_fails "reflect: iscsid never tried to answer it" bash -c \
		"tail -n +$((iscsid_lines + 1)) '$IX_TMP/iscsid.log' | grep -q 'failed to send a PDU'"
	check "reflect: dmesg: login refused: chap_reflection" \
		dmesg_has_re "connection[0-9]+:[0-9]+: login refused: chap_reflection"
	check "reflect: dmesg: the guard reports the owner's refusal" \
		ft_wait 20 dmesg_has_re "xfrm_guard: refused by owner iscsi $P2RE: chap_reflection"
	check "reflect: audit: op=xfrm-guard-owner-refuse reason=chap_reflection" \
		ft_wait 20 dmesg_has_re "type=1415 .*op=xfrm-guard-owner-refuse owner=iscsi reason=chap_reflection .*dport=${P2##*:} "
	check "reflect: xguard monitor shows an owner_refused event" \
		ft_wait 20 grep -qE "owner_refused owner iscsi $P2RE reason protected owner_reason chap_reflection" "$MON_LOG"
	kill "$MON" 2>/dev/null
	wait "$MON" 2>/dev/null
	n=$(ix_dmesg_since | grep -cE "refused by owner iscsi $P2RE: chap_reflection")
	now=$(ft_stat owner_refused)
	check "reflect: xguard stats counts each refusal (${refused0:-?} -> ${now:-?}, $n in dmesg)" \
		test "$n" -gt 0 -a "${now:-0}" -eq $((${refused0:-0} + n))
else
	diag "reflect: anchor handed iscsid the reflected challenge: $reflected"
	diag "reflect: anchor answered the reflected challenge on connection 2: $answered"
	diag "reflect: anchor accepted the replayed response on connection 1" \
		"(only possible with one secret both ways): $impersonated"
	diag "reflect: anchor dmesg mentions chap_reflection:" \
		"$(ix_dmesg_since | grep -c chap_reflection)"
fi
ft_logout_all
check "reflect: no session left" ix_sessions_gone
check_fails "reflect: fake target had no internal error" ft_event internal-error
[ $SG_FAILED -eq $failed_before ] || ft_show_log
[ "$M" = iscsi_tcp ] && [ $SG_FAILED -eq $failed_before ] && {
	diag "reflect: fake target's view:"
	grep -E 'event (reflect|login-complete|login-refused|peer-closed)' "$FT_LOG" |
		sed 's/^/#   /'
}
ft_stop

# --- the module goes away -------------------------------------------------------

ft_logout_all
ix_iscsid_down
check "no session left at the end" ix_sessions_gone
check "modprobe -r $M unloads it" modprobe -r "$M"
check_fails "$M gone from /sys/module" test -e "/sys/module/$M"

done_testing
