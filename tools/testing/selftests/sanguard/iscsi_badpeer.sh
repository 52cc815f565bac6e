#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile iSCSI target (fake_target.py) against the initiator transport
# IX_MODULE (iscsi_tcp, the in-tree anchor, by default; or iscsi_xfrm):
# login responses and PDUs with lying lengths, wrong CRC32C digests,
# truncated headers, malformed text keys and an unassigned opcode. Each
# must end the login, or the session's connection, cleanly: the initiator
# drops the TCP connection, no session is left behind, no kernel report
# (the VM runner fails the run on any), and the module unloads at the end.
# A clean login against the same fake target comes first, so a failure to
# log in at all cannot pass for a refusal.
#
# Topology: iscsid and the initiator in the VM's initial namespace (its
# netlink socket lives there), the fake target in namespace t, veth between
# them, ESP (AES-GCM, transport mode) on the TCP connection since
# iscsi_xfrm refuses anything unprotected.
# sanguard-flavours: debug base
# sanguard-timeout: 1500

. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
IX_MODULE=${IX_MODULE:-iscsi_tcp}
M=$IX_MODULE
FT_I4=10.77.1.1
FT_T4=10.77.1.2
FT_PORT=3260
FT_IF=ft$$
FT_IQN=iqn.2003-01.org.sanguard.test:fake-$SG_PREFIX
FT_INI=iqn.2003-01.org.sanguard.test:ini-$SG_PREFIX
FT_TMP=/tmp/$SG_PREFIX.ft
FT_PID=
FT_ISCSID=
FT_KEY_IT=0x4102030405060708090a0b0c0d0e0f1011121314
FT_KEY_TI=0x5112131415161718191a1b1c1d1e1f2021222324
mkdir -p "$FT_TMP"
at_exit "rm -rf $FT_TMP"

# --- helpers ------------------------------------------------------------------

# ft_transport_up: IX_MODULE loaded, the other "tcp" transport gone.
# Returns 1 after recording a failure or a skip.
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
			skip "$M: hostile target tests" \
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

# ftip WHERE ARGS...: ip in the initial namespace (init) or in t.
ftip() {
	local where=$1
	shift
	if [ "$where" = init ]; then ip "$@"; else ip -n "$NS_t" "$@"; fi
}

# ft_esp_up: AES-GCM SAs (SPI 0x7701 towards the target, 0x7702 back) and
# policies that require them for TCP, on both sides.
ft_esp_up() {
	local w in out
	at_exit ft_esp_down
	for w in init t; do
		ftip $w xfrm state add src $FT_I4 dst $FT_T4 proto esp spi 0x7701 \
			reqid 77 mode transport replay-window 32 \
			aead 'rfc4106(gcm(aes))' $FT_KEY_IT 128 || return 1
		ftip $w xfrm state add src $FT_T4 dst $FT_I4 proto esp spi 0x7702 \
			reqid 77 mode transport replay-window 32 \
			aead 'rfc4106(gcm(aes))' $FT_KEY_TI 128 || return 1
		[ $w = init ] && { out=out; in=in; } || { out=in; in=out; }
		ftip $w xfrm policy add src $FT_I4 dst $FT_T4 proto tcp dir $out \
			tmpl src $FT_I4 dst $FT_T4 proto esp reqid 77 mode transport &&
		ftip $w xfrm policy add src $FT_T4 dst $FT_I4 proto tcp dir $in \
			tmpl src $FT_T4 dst $FT_I4 proto esp reqid 77 mode transport ||
			return 1
	done
}

ft_esp_down() {
	local w
	for w in init t; do
		ftip $w xfrm policy delete src $FT_I4 dst $FT_T4 proto tcp \
			dir "$([ $w = init ] && echo out || echo in)"
		ftip $w xfrm policy delete src $FT_T4 dst $FT_I4 proto tcp \
			dir "$([ $w = init ] && echo in || echo out)"
		ftip $w xfrm state delete src $FT_I4 dst $FT_T4 proto esp spi 0x7701
		ftip $w xfrm state delete src $FT_T4 dst $FT_I4 proto esp spi 0x7702
	done 2>/dev/null
	return 0
}

# ft_esp_packets: packets the initiator's inbound SA has decrypted.
ft_esp_packets() {
	ip -s xfrm state get src $FT_T4 dst $FT_I4 proto esp spi 0x7702 |
		awk '/lifetime current:/ { getline; print $2; exit }' | sed 's/(packets)//'
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
	timeout 60 iscsiadm -m node -T "$FT_IQN" --logout >/dev/null 2>&1
	kill "$FT_ISCSID" 2>/dev/null
	wait "$FT_ISCSID" 2>/dev/null
	FT_ISCSID=
}

FT_NODE=(-m node -T "$FT_IQN" -p "$FT_T4:$FT_PORT")

ft_node_set() {
	while [ $# -ge 2 ]; do
		iscsiadm "${FT_NODE[@]}" -o update -n "$1" -v "$2" >/dev/null || return 1
		shift 2
	done
}

# ft_node_new: a static node; a login that cannot succeed is tried once.
ft_node_new() {
	iscsiadm "${FT_NODE[@]}" -o new >/dev/null || return 1
	at_exit "iscsiadm ${FT_NODE[*]} -o delete"
	ft_node_set node.session.initial_login_retry_max 0 \
		node.conn[0].timeo.login_timeout 15 \
		node.session.timeo.replacement_timeout 10
}

# ft_start SCENARIO [VARIANT] [ARGS...]: a fresh fake target in t.
ft_start() {
	local sc=$1 var=${2:-}
	shift 2 2>/dev/null || shift $#
	ft_stop
	FT_LOG=$FT_TMP/$sc${var:+-$var}.log
	: >"$FT_LOG"
	nsenter --net=/run/netns/"$NS_t" /usr/bin/python3 "$HERE/fake_target.py" \
		--addr $FT_T4 --port $FT_PORT --scenario "$sc" ${var:+--variant "$var"} \
		--hold 20 --log "$FT_LOG" "$@" 2>>"$FT_LOG" &
	FT_PID=$!
	for _ in $(seq 1 100); do
		grep -q "event listening" "$FT_LOG" && return 0
		kill -0 $FT_PID 2>/dev/null || break
		sleep 0.1
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

# ft_event NAME [PATTERN]: the fake target logged this event.
ft_event() { grep -E -q "event $1( .*)?${2:+ .*$2}" "$FT_LOG"; }

# ft_wait_event SECONDS NAME [PATTERN]
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
# ft_conn_error: the codes of "detected conn error (N)" since the mark.
ft_conn_errors() {
	ft_dmesg_since | sed -n 's/.*detected conn error (\([0-9]*\)).*/\1/p' |
		sort -u | tr '\n' ' ' | sed 's/ $//'
}

ft_show_log() {
	diag "fake target log:"
	sed 's/^/#   /' "$FT_LOG" | tail -n 25
	diag "iscsid, last lines:"
	tail -n 10 "$FT_TMP/iscsid.log" | sed 's/^/#   /'
}

# --- setup --------------------------------------------------------------------

for tool in iscsid iscsiadm nsenter /usr/bin/python3; do
	if ! command -v $tool >/dev/null; then
		skip "$M: hostile target tests" "$tool is not installed"
		done_testing
	fi
done
ft_transport_up || done_testing
check "fake_target.py: CRC32C matches RFC 3720's examples, text keys parse" \
	/usr/bin/python3 "$HERE/fake_target.py" --selftest
ft_net_up || { not_ok "veth between the initial namespace and t"; done_testing; }
ft_esp_up || { not_ok "ESP SAs and policies"; done_testing; }
ft_iscsid_up || { not_ok "iscsid starts"; ft_show_log; done_testing; }
ft_node_new || { not_ok "static node record"; done_testing; }

# --- a clean login first --------------------------------------------------------

ft_start normal || { not_ok "fake target listens"; done_testing; }
esp0=$(ft_esp_packets)
out=$(timeout 120 iscsiadm "${FT_NODE[@]}" --login 2>&1)
rc=$?
check_eq "$M: normal: login succeeds" 0 "$rc"
[ $rc -eq 0 ] || { diag "$out"; ft_show_log; }
check "$M: normal: the fake target saw the login complete" ft_event login-complete
check "$M: normal: session listed" bash -c "iscsiadm -m session | grep -q '$FT_IQN'"
check "$M: normal: the login travelled over ESP" \
	test "$(ft_esp_packets)" -gt "${esp0:-0}"
out=$(timeout 60 iscsiadm "${FT_NODE[@]}" --logout 2>&1)
check_eq "$M: normal: logout succeeds" 0 "$?"
check "$M: normal: logout reached the target" ft_wait_event 10 logout
check "$M: normal: no session left" ft_sessions_gone
check_fails "$M: normal: fake target had no internal error" ft_event internal-error

# --- hostile targets ----------------------------------------------------------------

# bad_case NAME SCENARIO VARIANT PHASE WANT_ERR [DIGESTS] [AUTH]
#   PHASE login: the login must fail.
#         text:  malformed login text; iscsi_xfrm's login shim must refuse
#                it, what iscsid alone makes of it (the anchor) is recorded.
#         ffp:   the login completes, then the connection must fail.
#   WANT_ERR: the "detected conn error" code iscsi_tcp gives (libiscsi_tcp's
#   checks), "-" when the kernel passes the PDU on to iscsid. DIGESTS: the
#   initiator's HeaderDigest,DataDigest offers; AUTH chap: one-way CHAP.
bad_case() {
	local name=$1 sc=$2 var=$3 phase=$4 want=$5 dg=${6:-None,None} auth=${7:-}
	local t0 what got out rc failed_before=$SG_FAILED
	[ "$var" = - ] && var=
	if ! ft_start "$sc" "$var"; then
		not_ok "$M: $name: fake target listens"
		return
	fi
	ft_node_set node.conn[0].iscsi.HeaderDigest "${dg%,*}" \
		node.conn[0].iscsi.DataDigest "${dg#*,}"
	if [ "$auth" = chap ]; then
		ft_node_set node.session.auth.authmethod CHAP \
			node.session.auth.username ini-user \
			node.session.auth.password ini-secret-0123
	else
		ft_node_set node.session.auth.authmethod None
	fi
	ft_dmesg_mark
	t0=$SECONDS
	out=$(timeout 120 iscsiadm "${FT_NODE[@]}" --login 2>&1)
	rc=$?
	diag "$name: iscsiadm exit $rc after $((SECONDS - t0)) s: $(echo "$out" | tail -n 1)"
	case "$phase" in
	login)
		[ $rc -ne 0 ] && ok "$M: $name: login fails" ||
			not_ok "$M: $name: login fails" "iscsiadm: $out"
		;;
	text)
		if [ "$M" = iscsi_xfrm ]; then
			[ $rc -ne 0 ] && ok "$M: $name: login refused" ||
				not_ok "$M: $name: login refused" "iscsiadm: $out"
			diag "$name: kernel: $(ft_dmesg_since | grep -m1 -E 'malformed|refus' || echo 'no refusal message')"
		elif [ $rc -eq 0 ]; then
			diag "$name: iscsid accepted the malformed login response (anchor)"
		else
			diag "$name: iscsid refused the malformed login response (anchor)"
		fi
		;;
	ffp)
		check_eq "$M: $name: login completes" 0 "$rc"
		;;
	esac
	check "$M: $name: the fake target got a Login PDU" ft_event login
	if ft_wait_event 30 bad-sent; then
		what=$(grep -m1 'event bad-sent' "$FT_LOG" | sed 's/.* what=\([^ ]*\).*/\1/')
		ok "$M: $name: the fake target sent $what"
	else
		not_ok "$M: $name: the fake target sent the malformed PDU"
	fi
	if ! grep -q 'event we-closed' "$FT_LOG"; then
		check "$M: $name: the initiator dropped the connection" \
			ft_wait_event 40 peer-closed
		if grep -q 'event peer-continued' "$FT_LOG"; then
			diag "$name: the initiator went on after it:" \
				"$(grep -m1 'event peer-continued' "$FT_LOG" | cut -d' ' -f4-)"
		fi
	fi
	if [ "$want" != - ]; then
		# the error is reported once the kernel has seen the bad bytes
		for _ in $(seq 1 50); do
			[ -n "$(ft_conn_errors)" ] && break
			sleep 0.2
		done
		got=$(ft_conn_errors)
		if [ "$M" = iscsi_tcp ]; then
			check_eq "$M: $name: kernel reports conn error $want" "$want" "$got"
		else
			check "$M: $name: kernel reports a conn error" test -n "$got"
			diag "$name: conn error codes: ${got:-none}"
		fi
	fi
	# A session that came up (as it must in phase ffp) is logged out;
	# in the other phases only an unexpected one exists.
	if [ "$phase" = ffp ] || iscsiadm -m session >/dev/null 2>&1; then
		out=$(timeout 60 iscsiadm "${FT_NODE[@]}" --logout 2>&1)
		rc=$?
		if [ "$phase" = login ] || { [ "$phase" = text ] && [ "$M" = iscsi_xfrm ]; }; then
			diag "$name: a session existed after the failed login"
		fi
		check_eq "$M: $name: logout of the session" 0 "$rc"
	fi
	check "$M: $name: no session left" ft_sessions_gone
	check_fails "$M: $name: fake target had no internal error" \
		ft_event internal-error
	[ $SG_FAILED -eq "$failed_before" ] || ft_show_log
}

#        name                    scenario        variant  phase want digests       auth
bad_case "bad-length/login"      bad-length      login    login 1006
bad_case "bad-length/short"      bad-length      short    login 1020
bad_case "truncated/login"       truncated       login    login 1020
bad_case "bad-opcode/login"      bad-opcode      login    login 1005
bad_case "garbage-keys/no-nul"   garbage-keys    no-nul   text  -
bad_case "garbage-keys/long-key" garbage-keys    long-key text  -
bad_case "garbage-keys/chap-c"   garbage-keys    chap-c   text  -    None,None     chap
bad_case "bad-hdr-digest"        bad-hdr-digest  -        ffp   1014 CRC32C,CRC32C
bad_case "bad-data-digest"       bad-data-digest -        ffp   1015 CRC32C,CRC32C
bad_case "bad-length/ffp"        bad-length      ffp      ffp   1006
bad_case "truncated/ffp"         truncated       ffp      ffp   1020
bad_case "bad-opcode/ffp"        bad-opcode      ffp      ffp   1005
ft_stop

# --- the module goes away -------------------------------------------------------

ft_iscsid_down
check "$M: no session left at the end" ft_sessions_gone
check "$M: modprobe -r unloads it" modprobe -r "$M"
check_fails "$M: gone from /sys/module" test -e "/sys/module/$M"

done_testing
