#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A hostile iSCSI target (fake_target.py) against the initiator transport:
# login responses and PDUs with lying lengths, wrong CRC32C digests,
# truncated headers, malformed text keys and an unassigned opcode. Each
# must end the login, or the session's connection, cleanly: the initiator
# drops the TCP connection, no session is left behind, no kernel report
# (the VM runner fails the run on any), and the module unloads at the end.
# A clean login against the same fake target comes first, so a failure to
# log in at all cannot pass for a refusal.
#
# Runs with both transports, iscsi_tcp (the in-tree anchor) and iscsi_xfrm
# (IX_MODULE= one of them to run one). Topology from iscsi_lib.sh: iscsid
# in the initial namespace, the fake target in namespace t, veth, ESP
# (AES-GCM, transport mode) since iscsi_xfrm refuses anything unprotected.
# Under make check the debug kernel runs iscsi_xfrm and the base kernel the
# anchor (IX_FLAVOUR_MODULES, iscsi_lib.sh).
# sanguard-flavours: debug base
# sanguard-timeout: 1800

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

IX_FLAVOUR_MODULES=${IX_FLAVOUR_MODULES:-"debug:iscsi_xfrm base:iscsi_tcp"}
ix_each_transport iscsi_tcp iscsi_xfrm

HERE=$(cd "$(dirname "$0")" && pwd)
M=$IX_MODULE
FT_PID=
FT_LOG=/dev/null

# --- the fake target, in namespace t ---------------------------------------------

# One fake target process serves every scenario in turn (its --control
# mode): a Python start costs seconds on the debug kernel.
FT_CTL=$IX_TMP/ft.ctl
FT_CTL_LOG=$IX_TMP/ft-control.log
FT_ON=

# ft_start SCENARIO [VARIANT] [ARGS...]: a fresh fake target on the portal.
ft_start() {
	local sc=$1 var=${2:-} line
	shift 2 2>/dev/null || shift $#
	ft_stop
	if [ -z "$FT_PID" ] || ! kill -0 "$FT_PID" 2>/dev/null; then
		rm -f "$FT_CTL"
		mkfifo "$FT_CTL" || return 1
		# nsenter execs python, so $! is the target's own pid
		nsenter --net=/run/netns/"$NS_t" /usr/bin/python3 "$HERE/fake_target.py" \
			--addr $IX_T4 --port $IX_PORT --hold 20 --control "$FT_CTL" \
			--log "$FT_CTL_LOG" 2>>"$FT_CTL_LOG" &
		FT_PID=$!
	fi
	FT_LOG=$IX_TMP/ft-$sc${var:+-$var}.log
	: >"$FT_LOG"
	printf -v line ' %q' --scenario "$sc" ${var:+--variant "$var"} --log "$FT_LOG" "$@"
	echo "start$line" >"$FT_CTL"
	FT_ON=1
	for _ in {1..150}; do
		grep -q "event listening" "$FT_LOG" && return 0
		kill -0 $FT_PID 2>/dev/null || break
		grep -q "event control-error" "$FT_CTL_LOG" && break
		sg_nap 0.1
	done
	sed 's/^/#   /' "$FT_CTL_LOG"
	return 1
}

# ft_stop: the scenario ends; its listening socket and connections close.
ft_stop() {
	[ -n "$FT_ON" ] || return 0
	FT_ON=
	echo stop >"$FT_CTL"
	for _ in {1..100}; do
		grep -q "event stopped" "$FT_LOG" && return 0
		kill -0 $FT_PID 2>/dev/null || return 1
		sg_nap 0.1
	done
	return 1
}

ft_quit() {
	[ -n "$FT_PID" ] || return 0
	kill "$FT_PID" 2>/dev/null
	wait "$FT_PID" 2>/dev/null
	FT_PID=
}
at_exit ft_quit

# ft_event NAME [PATTERN]: the fake target logged this event.
ft_event() { ix_file_has_re "$FT_LOG" "event $1( .*)?${2:+ .*$2}"; }

# ft_wait_event SECONDS NAME [PATTERN]
ft_wait_event() {
	local i
	for ((i = 0; i < $1 * 5; i++)); do
		ft_event "$2" "${3:-}" && return 0
		sg_nap 0.2
	done
	return 1
}

# ft_ended_for_good: the session is gone and iscsid never came back to the
# target for another login.
ft_ended_for_good() {
	ix_sessions_gone || return 1
	sleep 3
	! grep 'event accept conn=2' "$FT_LOG"
}

# ft_conn_errors: the codes of "detected conn error (N)" since the mark,
# each once, in ascending order (one dmesg: it runs in a loop).
ft_conn_errors() {
	local l c i v=() re='detected conn error \(([0-9]+)\)'
	local -A seen=()
	while IFS= read -r l; do
		[[ "$l" =~ $re ]] && seen[$((10#${BASH_REMATCH[1]}))]=1
	done < <(ix_dmesg_since)
	for c in "${!seen[@]}"; do
		# insertion into v, kept ascending
		for ((i = ${#v[@]}; i > 0 && v[i - 1] > c; i--)); do
			v[i]=${v[i - 1]}
		done
		v[i]=$c
	done
	echo "${v[*]}"
}

# ft_esp_in: packets the initiator's inbound SA has taken.
ft_esp_in() {
	ip -s xfrm state get src $IX_T4 dst $IX_I4 proto esp spi 0x4200 |
		awk '/lifetime current:/ { getline; sub(/\(packets\)/, "", $2); print $2; exit }'
}

ft_show_log() {
	diag "fake target log:"
	sed 's/^/#   /' "$FT_LOG" | tail -n 25
	ix_iscsid_log 10
	diag "kernel:"
	ix_dmesg_since | tail -n 10 | sed 's/^/#   /'
}

# --- setup --------------------------------------------------------------------

for tool in iscsid iscsiadm nsenter setsid /usr/bin/python3; do
	if ! command -v $tool >/dev/null; then
		skip "hostile target tests" "$tool is not installed"
		done_testing
	fi
done
ix_transport_up || done_testing
check "fake_target.py: CRC32C matches RFC 3720's examples, text keys parse" \
	/usr/bin/python3 "$HERE/fake_target.py" --selftest
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "ESP (AES-GCM) SAs and policies" ix_sa_up gcm || done_testing
step "iscsid started" ix_iscsid_up || done_testing
step "static node record created" ix_node_new || done_testing
# A login that cannot succeed is tried once; a failed session is given up
# quickly so that its SCSI commands end.
ix_node_set node.session.initial_login_retry_max 0 \
	node.session.timeo.replacement_timeout 10

# --- a clean login first --------------------------------------------------------

failed_before=$SG_FAILED
ft_start normal || { not_ok "fake target listens"; done_testing; }
esp0=$(ft_esp_in)
out=$(ix_login 120)
check_eq "normal: login succeeds" 0 "$?"
check "normal: the fake target saw the login complete" ft_event login-complete
check "normal: session listed" ix_sid
check "normal: the login travelled over ESP" test "$(ft_esp_in)" -gt "${esp0:-0}"
check "normal: logout" ix_logout
check "normal: logout reached the target" ft_wait_event 10 logout
check "normal: no session left" ix_sessions_gone
check_fails "normal: fake target had no internal error" ft_event internal-error
[ $SG_FAILED -eq $failed_before ] || { diag "$out"; ft_show_log; }

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
	local t0 what got out rc failed_before=$SG_FAILED dg_fatal= login_tmo
	[ "$var" = - ] && var=
	case "$sc" in *digest) dg_fatal=1 ;; esac
	if ! ft_start "$sc" "$var"; then
		not_ok "$name: fake target listens"
		return
	fi
	# A login the target breaks is given up by iscsid only when its login
	# timer runs out (iscsiadm error 11), whatever the kernel reported:
	# 6 s instead of the default 15 there, which the first Login PDU's
	# round trip fits in many times over even on the debug kernel.
	login_tmo=15
	[ "$phase" = login ] && login_tmo=6
	ix_node_set node.conn[0].iscsi.HeaderDigest "${dg%,*}" \
		node.conn[0].iscsi.DataDigest "${dg#*,}" \
		node.conn[0].timeo.login_timeout $login_tmo
	if [ "$auth" = chap ]; then
		ix_node_chap ini-user ini-secret-0123
	else
		ix_node_chap
	fi
	ix_dmesg_mark
	t0=$SECONDS
	out=$(ix_login 120)
	rc=$?
	diag "$name: iscsiadm exit $rc after $((SECONDS - t0)) s: $(echo "$out" | tail -n 1)"
	case "$phase" in
	login)
		[ $rc -ne 0 ] && ok "$name: login fails" ||
			not_ok "$name: login fails" "iscsiadm: $out"
		;;
	text)
		if [ "$M" = iscsi_xfrm ]; then
			[ $rc -ne 0 ] && ok "$name: login refused" ||
				not_ok "$name: login refused" "iscsiadm: $out"
			diag "$name: kernel: $(ix_dmesg_since | grep -m1 -E 'malformed|refus' || echo 'no refusal message')"
		elif [ $rc -eq 0 ]; then
			diag "$name: iscsid accepted the malformed login response (anchor)"
		else
			diag "$name: iscsid refused the malformed login response (anchor)"
		fi
		;;
	ffp)
		check_eq "$name: login completes" 0 "$rc"
		;;
	esac
	check "$name: the fake target got a Login PDU" ft_event login
	if ft_wait_event 30 bad-sent; then
		what=$(grep -m1 'event bad-sent' "$FT_LOG" | sed 's/.* what=\([^ ]*\).*/\1/')
		ok "$name: the fake target sent $what"
	else
		not_ok "$name: the fake target sent the malformed PDU"
	fi
	if ! grep -q 'event we-closed' "$FT_LOG"; then
		check "$name: the initiator dropped the connection" \
			ft_wait_event 40 peer-closed
		if grep -q 'event peer-continued' "$FT_LOG"; then
			diag "$name: the initiator went on after it:" \
				"$(grep -m1 'event peer-continued' "$FT_LOG" | cut -d' ' -f4-)"
		fi
	fi
	if [ "$want" != - ]; then
		# the error is reported once the kernel has seen the bad bytes
		for _ in {1..50}; do
			[ -n "$(ft_conn_errors)" ] && break
			sg_nap 0.2
		done
		got=$(ft_conn_errors)
		if [ "$M" = iscsi_tcp ]; then
			check_eq "$name: kernel reports conn error $want" "$want" "$got"
		else
			check "$name: kernel reports a conn error" test -n "$got"
			diag "$name: conn error codes: ${got:-none}"
		fi
	fi
	# With IPsec integrity in place a digest failure is not a transmission
	# error: iscsi_xfrm ends the session instead of recovering it.
	if [ "$M" = iscsi_xfrm ] && [ -n "$dg_fatal" ]; then
		check "$name: the session ends, no reconnection (RFC 3723 3.6.1)" \
			ft_ended_for_good
	fi
	# A session that came up is logged out; in phase ffp it must have
	# come up, in the others it should not have.
	if ix_sid >/dev/null; then
		out=$(ix_logout)
		rc=$?
		if [ "$phase" = login ] || { [ "$phase" = text ] && [ "$M" = iscsi_xfrm ]; }; then
			diag "$name: a session existed after the failed login"
		fi
		check_eq "$name: logout of the session" 0 "$rc"
	elif [ "$phase" = ffp ]; then
		diag "$name: the session had ended by itself"
	fi
	check "$name: no session left" ix_sessions_gone
	check_fails "$name: fake target had no internal error" \
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
ft_quit
check_fails "the fake target logged no control error" grep -q "event control-error" "$FT_CTL_LOG"

# --- the module goes away -------------------------------------------------------

ix_iscsid_down
check "no session left at the end" ix_sessions_gone
check "modprobe -r $M unloads it" modprobe -r "$M"
check_fails "$M gone from /sys/module" test -e "/sys/module/$M"

done_testing
