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
# must never get its answer. iscsi_tcp (the anchor) does not look across
# connections; what happens with it is recorded as diagnostics. Before
# that, a genuine mutual CHAP login against a target that knows the
# secrets must succeed, and one that answers with a wrong secret must fail,
# so neither a broken CHAP path nor a blind initiator can pass for a
# detection.
#
# Topology as in iscsi_badpeer.sh: iscsid in the initial namespace, the
# fake target in namespace t, veth, ESP (AES-GCM, transport mode).
# sanguard-flavours: debug base
# sanguard-timeout: 900

. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
IX_MODULE=${IX_MODULE:-iscsi_tcp}
M=$IX_MODULE
FT_I4=10.77.2.1
FT_T4=10.77.2.2
FT_IF=fr$$
FT_IQN=iqn.2003-01.org.sanguard.test:storage-$SG_PREFIX
FT_INI=iqn.2003-01.org.sanguard.test:alice-$SG_PREFIX
FT_TMP=/tmp/$SG_PREFIX.fr
FT_PID=
FT_ISCSID=
FT_KEY_IT=0x6102030405060708090a0b0c0d0e0f1011121314
FT_KEY_TI=0x7112131415161718191a1b1c1d1e1f2021222324
P1=$FT_T4:3260
P2=$FT_T4:3261
# CHAP identities: Alice proves SECRET_OUT, Storage proves SECRET_IN.
INI_USER=alice
TGT_USER=storage
SECRET_OUT=alice-secret-0001
SECRET_IN=storage-secret-02
mkdir -p "$FT_TMP"
at_exit "rm -rf $FT_TMP"

# --- helpers (as in iscsi_badpeer.sh) -------------------------------------------

ft_transport_up() {
	local other=iscsi_xfrm
	[ "$M" = iscsi_xfrm ] && other=iscsi_tcp
	case "$M" in
	iscsi_tcp | iscsi_xfrm) ;;
	*) not_ok "IX_MODULE is iscsi_tcp or iscsi_xfrm" "IX_MODULE=$M"; return 1 ;;
	esac
	if [ -d "/sys/module/$other" ] && ! modprobe -r "$other"; then
		not_ok "$other unloaded to make room for $M"
		return 1
	fi
	if ! load_module "$M"; then
		not_ok "$M: modprobe loads it"
		return 1
	fi
	if [ ! -d /sys/class/iscsi_transport/tcp ]; then
		if [ "$M" = iscsi_xfrm ]; then
			skip "$M: CHAP reflection tests" \
				"iscsi_xfrm loads but registers no iSCSI transport \"tcp\" yet"
		else
			not_ok "$M registers the iSCSI transport \"tcp\""
		fi
		return 1
	fi
	return 0
}

ft_net_up() {
	ns_add t || return 1
	ip link add "$FT_IF" type veth peer name veth-i netns "$NS_t" || return 1
	at_exit "ip link del $FT_IF"
	ip addr add $FT_I4/24 dev "$FT_IF" &&
	ip -n "$NS_t" addr add $FT_T4/24 dev veth-i &&
	ip link set "$FT_IF" up &&
	ip -n "$NS_t" link set veth-i up || return 1
	ping -c1 -W5 $FT_T4 >/dev/null
}

ftip() {
	local where=$1
	shift
	if [ "$where" = init ]; then ip "$@"; else ip -n "$NS_t" "$@"; fi
}

# ft_esp_up: AES-GCM SAs (SPI 0x7801 towards the target, 0x7802 back) and
# policies that require them for TCP, on both sides.
ft_esp_up() {
	local w in out
	at_exit ft_esp_down
	for w in init t; do
		ftip $w xfrm state add src $FT_I4 dst $FT_T4 proto esp spi 0x7801 \
			reqid 78 mode transport replay-window 32 \
			aead 'rfc4106(gcm(aes))' $FT_KEY_IT 128 || return 1
		ftip $w xfrm state add src $FT_T4 dst $FT_I4 proto esp spi 0x7802 \
			reqid 78 mode transport replay-window 32 \
			aead 'rfc4106(gcm(aes))' $FT_KEY_TI 128 || return 1
		if [ $w = init ]; then out=out in=in; else out=in in=out; fi
		ftip $w xfrm policy add src $FT_I4 dst $FT_T4 proto tcp dir $out \
			tmpl src $FT_I4 dst $FT_T4 proto esp reqid 78 mode transport &&
		ftip $w xfrm policy add src $FT_T4 dst $FT_I4 proto tcp dir $in \
			tmpl src $FT_T4 dst $FT_I4 proto esp reqid 78 mode transport ||
			return 1
	done
}

ft_esp_down() {
	local w out in
	for w in init t; do
		if [ $w = init ]; then out=out in=in; else out=in in=out; fi
		ftip $w xfrm policy delete src $FT_I4 dst $FT_T4 proto tcp dir $out
		ftip $w xfrm policy delete src $FT_T4 dst $FT_I4 proto tcp dir $in
		ftip $w xfrm state delete src $FT_I4 dst $FT_T4 proto esp spi 0x7801
		ftip $w xfrm state delete src $FT_T4 dst $FT_I4 proto esp spi 0x7802
	done 2>/dev/null
	return 0
}

ft_iscsid_up() {
	local _
	if pgrep -x iscsid >/dev/null; then
		not_ok "no other iscsid is running" "$(pgrep -ax iscsid)"
		return 1
	fi
	mkdir -p /run/lock/iscsi /etc/iscsi/nodes /etc/iscsi/send_targets \
		/etc/iscsi/ifaces || return 1
	echo "InitiatorName=$FT_INI" >"$FT_TMP/initiatorname.iscsi"
	# Its own process group: on SIGTERM iscsid signals its whole group,
	# which would otherwise include this script.
	setsid iscsid -f -i "$FT_TMP/initiatorname.iscsi" >>"$FT_TMP/iscsid.log" 2>&1 &
	FT_ISCSID=$!
	at_exit ft_iscsid_down
	for _ in $(seq 1 100); do
		ss -Hxl | grep -q ISCSIADM_ABSTRACT_NAMESPACE && return 0
		kill -0 "$FT_ISCSID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}

ft_iscsid_down() {
	[ -n "$FT_ISCSID" ] || return 0
	ft_logout_all
	kill "$FT_ISCSID" 2>/dev/null
	wait "$FT_ISCSID" 2>/dev/null
	FT_ISCSID=
}

# ft_node PORTAL ARGS...: iscsiadm on the node record of PORTAL,
# bounded in time.
ft_node() { timeout 150 iscsiadm -m node -T "$FT_IQN" -p "$1" "${@:2}"; }

node_set() {
	local p=$1
	shift
	while [ $# -ge 2 ]; do
		ft_node "$p" -o update -n "$1" -v "$2" >/dev/null || return 1
		shift 2
	done
}

# node_new PORTAL: a static node with mutual CHAP.
node_new() {
	ft_node "$1" -o new >/dev/null || return 1
	at_exit "iscsiadm -m node -T $FT_IQN -p $1 -o delete"
	# Connection 1 waits while connection 2 logs in: a long login
	# timeout, and no retries that would muddle the two connections.
	node_set "$1" node.session.initial_login_retry_max 0 \
		node.conn[0].timeo.login_timeout 60 \
		node.session.auth.authmethod CHAP \
		node.session.auth.username $INI_USER \
		node.session.auth.password $SECRET_OUT \
		node.session.auth.username_in $TGT_USER \
		node.session.auth.password_in $SECRET_IN
}

ft_logout_all() {
	local p
	for p in "$P1" "$P2"; do
		timeout 60 iscsiadm -m node -T "$FT_IQN" -p "$p" --logout >/dev/null 2>&1
	done
	return 0
}

# ft_start SCENARIO ARGS...: a fresh fake target in t on both portals.
ft_start() {
	local sc=$1
	shift
	ft_stop
	FT_LOG=$FT_TMP/$sc.$((++FT_RUN)).log
	: >"$FT_LOG"
	nsenter --net=/run/netns/"$NS_t" /usr/bin/python3 "$HERE/fake_target.py" \
		--addr $FT_T4 --port 3260 --port 3261 --scenario "$sc" \
		--log "$FT_LOG" "$@" 2>>"$FT_LOG" &
	FT_PID=$!
	for _ in $(seq 1 100); do
		[ "$(grep -c 'event listening' "$FT_LOG")" -eq 2 ] && return 0
		kill -0 $FT_PID 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
FT_RUN=0

ft_stop() {
	[ -n "$FT_PID" ] || return 0
	kill "$FT_PID" 2>/dev/null
	wait "$FT_PID" 2>/dev/null
	FT_PID=
}
at_exit ft_stop

ft_event() { grep -E -q "event $1( .*)?${2:+ .*$2}" "$FT_LOG"; }

ft_wait_event() {
	local _
	for _ in $(seq 1 $(($1 * 5))); do
		ft_event "$2" "${3:-}" && return 0
		sleep 0.2
	done
	return 1
}

ft_sessions_gone() {
	local out rc
	for _ in $(seq 1 100); do
		out=$(iscsiadm -m session 2>&1)
		rc=$?
		if [ $rc -eq 21 ] && [ -z "$(ls /sys/class/iscsi_session)" ] &&
			[ -z "$(ls /sys/class/iscsi_connection)" ] &&
			[ -z "$(ls /sys/class/iscsi_host)" ]; then
			return 0
		fi
		sleep 0.2
	done
	echo "iscsiadm -m session: rc $rc: $out"
	ls /sys/class/iscsi_session /sys/class/iscsi_connection /sys/class/iscsi_host
	return 1
}

ft_dmesg_mark() { FT_MARK=$(dmesg | wc -l); }
ft_dmesg_since() { dmesg | tail -n +$((FT_MARK + 1)); }

ft_show_log() {
	diag "fake target log:"
	sed 's/^/#   /' "$FT_LOG" | tail -n 30
	diag "iscsid, last lines:"
	tail -n 15 "$FT_TMP/iscsid.log" | sed 's/^/#   /'
	diag "kernel:"
	ft_dmesg_since | tail -n 15 | sed 's/^/#   /'
}

# --- setup ----------------------------------------------------------------------

for tool in iscsid iscsiadm nsenter setsid /usr/bin/python3; do
	if ! command -v $tool >/dev/null; then
		skip "$M: CHAP reflection tests" "$tool is not installed"
		done_testing
	fi
done
ft_transport_up || done_testing
ft_net_up || { not_ok "veth between the initial namespace and t"; done_testing; }
ft_esp_up || { not_ok "ESP SAs and policies"; done_testing; }
ft_iscsid_up || { not_ok "iscsid starts"; done_testing; }
node_new "$P1" && node_new "$P2" || { not_ok "node records for two portals"; done_testing; }

# --- controls: genuine mutual CHAP works, a wrong answer is refused -------------

failed_before=$SG_FAILED
ft_start normal --chap "$INI_USER:$SECRET_OUT" --mutual "$TGT_USER:$SECRET_IN" ||
	{ not_ok "fake target listens"; done_testing; }
ft_dmesg_mark
out=$(ft_node "$P1" --login 2>&1)
check_eq "$M: genuine mutual CHAP: login succeeds" 0 "$?"
check "$M: genuine mutual CHAP: the target checked our response" ft_event chap-ok
check "$M: genuine mutual CHAP: we checked the target's" ft_event chap-mutual-answered
check "$M: genuine mutual CHAP: login complete" ft_event login-complete
check_fails "$M: genuine mutual CHAP: no chap_reflection false alarm" \
	bash -c "dmesg | tail -n +$((FT_MARK + 1)) | grep -q chap_reflection"
out=$(ft_node "$P1" --logout 2>&1)
check_eq "$M: genuine mutual CHAP: logout" 0 "$?"
check "$M: genuine mutual CHAP: no session left" ft_sessions_gone
[ $SG_FAILED -eq $failed_before ] || { diag "$out"; ft_show_log; }

failed_before=$SG_FAILED
ft_start normal --chap "$INI_USER:$SECRET_OUT" --mutual "$TGT_USER:wrong-secret-123" ||
	{ not_ok "fake target listens"; done_testing; }
out=$(ft_node "$P1" --login 2>&1)
rc=$?
check_fails "$M: target answers with a wrong secret: login refused" test $rc -eq 0
check "$M: wrong secret: the target did answer our challenge" ft_event chap-mutual-answered
check "$M: wrong secret: no session left" ft_sessions_gone
[ $SG_FAILED -eq $failed_before ] || { diag "$out"; ft_show_log; }

# --- the reflection -------------------------------------------------------------

failed_before=$SG_FAILED
ft_start reflect --peer-name $TGT_USER --hold 60 ||
	{ not_ok "fake target listens"; done_testing; }
ft_dmesg_mark
timeout 150 iscsiadm -m node -T "$FT_IQN" -p "$P1" --login >"$FT_TMP/login1.out" 2>&1 &
login1=$!
if ft_wait_event 60 reflect-conn1-challenge; then
	ok "$M: reflect: connection 1 carried the initiator's challenge (mutual CHAP)"
else
	not_ok "$M: reflect: connection 1 carried the initiator's challenge (mutual CHAP)"
fi
out=$(ft_node "$P2" --login 2>&1)
rc2=$?
wait $login1
rc1=$?
diag "reflect: login 1 exit $rc1: $(tail -n 1 "$FT_TMP/login1.out")"
diag "reflect: login 2 exit $rc2: $(echo "$out" | tail -n 1)"
check "$M: reflect: the rogue sent connection 1's CHAP_I/CHAP_C as its challenge on connection 2" \
	ft_event reflect-sent
answered=no
ft_event reflect-answered && answered=yes
# In this scenario a login completes only on the rogue's replayed response.
impersonated=no
ft_event login-complete && impersonated=yes

if [ "$M" = iscsi_xfrm ]; then
	check_fails "$M: reflect: the second login is refused" test $rc2 -eq 0
	check "$M: reflect: dmesg names chap_reflection" \
		bash -c "dmesg | tail -n +$((FT_MARK + 1)) | grep -q chap_reflection"
	check_eq "$M: reflect: the initiator never answered the reflected challenge" \
		no $answered
	check_fails "$M: reflect: the rogue never authenticated as the target" \
		test $rc1 -eq 0
	check_eq "$M: reflect: connection 1 never completed its login" no $impersonated
else
	diag "reflect: anchor answered the reflected challenge on connection 2: $answered"
	diag "reflect: anchor accepted the replayed response on connection 1" \
		"(only possible with one secret both ways): $impersonated"
	diag "reflect: anchor dmesg mentions chap_reflection:" \
		"$(ft_dmesg_since | grep -c chap_reflection)"
fi
ft_logout_all
check "$M: reflect: no session left" ft_sessions_gone
check_fails "$M: reflect: fake target had no internal error" ft_event internal-error
[ $SG_FAILED -eq $failed_before ] || ft_show_log
[ "$M" = iscsi_tcp ] && [ $SG_FAILED -eq $failed_before ] && {
	diag "reflect: fake target's view:"
	grep -E 'event (reflect|login-complete|login-refused|peer-closed)' "$FT_LOG" |
		sed 's/^/#   /'
}
ft_stop

# --- the module goes away -------------------------------------------------------

ft_iscsid_down
check "$M: no session left at the end" ft_sessions_gone
check "$M: modprobe -r unloads it" modprobe -r "$M"
check_fails "$M: gone from /sys/module" test -e "/sys/module/$M"

done_testing
