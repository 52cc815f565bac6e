#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Protection lost during I/O (RFC 3723 3.5): while an fio job writes and
# verifies a pattern on the iSCSI disk, the initiator's outgoing SA, and
# in a second round its policies, are deleted (an SA comes back as a new
# one, the way a key exchange would put it back). iscsi_xfrm must hold: the
# I/O stalls, nothing of the connection crosses the wire in the clear, and
# the session is neither failed nor reinstated. When the SA (the policies)
# come back, the job completes with every block verified, on the same
# session, connection and TCP port, without a new login at the target.
#
# iscsi_xfrm only (IX_MODULES=iscsi_tcp runs the same rounds with the
# anchor, for comparison; it is expected to fail them). IX_HOLD_SECS is
# the time without protection (default 10), IX_MIB the data size,
# IX_NOOP=INTERVAL/TIMEOUT the node's noop-out settings (default: those of
# iscsid.conf, 5/5 s: the hold outlasts them). A third round holds
# longer than the SCSI command timeout (lowered to a third of the hold).
#
# Then protection that does not come back: a hold must end after the
# guard's hold_timeout whatever TCP is doing, or a multipath device never
# fails over. With hold_timeout lowered to IX_HOLD_TIMEOUT (default 5 s)
# and the session's replacement_timeout to IX_REPLACEMENT_TIMEOUT (10 s),
# the SAs and policies go on both sides, for good: in round "idle" while
# nothing is in flight (a read is issued afterwards: held by iscsi_xfrm,
# TCP has nothing unacknowledged, so no TCP timer would ever end it), in
# round "inflight" while a write runs. The guard must abort the connection
# after the hold timeout (dmesg, xguard monitor, audit), libiscsi fail it,
# iscsid's new logins be refused before any iSCSI byte, the I/O end in an
# error after the replacement timeout, the disk be left transport-offline
# (what dm-multipath fails a path on), and nothing go out in the clear.
# With the SAs back, the session logs in again. IX_ROUNDS picks rounds
# (default: "sa policy scsi_timeout idle inflight").
# sanguard-flavours: base
# sanguard-timeout: 1200

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

ix_each_transport iscsi_xfrm

HOLD=${IX_HOLD_SECS:-10}
MIB=${IX_MIB:-32}

ix_transport_up || done_testing
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "LIO target with a $MIB MiB RAM LUN" ix_target_up "$MIB" rd || done_testing
step "LUN 0 mapped for the initiator's ACL" ix_target_acl
step "ESP AES-GCM SAs and policies on both sides" ix_sa_up gcm
step "iscsid started" ix_iscsid_up || done_testing
step "static node record created" ix_node_new
if [ -n "${IX_NOOP:-}" ]; then
	step "node noop-out interval/timeout ${IX_NOOP}" ix_node_set \
		node.conn[0].timeo.noop_out_interval "${IX_NOOP%/*}" \
		node.conn[0].timeo.noop_out_timeout "${IX_NOOP#*/}"
fi
out=$(ix_login)
if [ $? -ne 0 ]; then
	not_ok "login over ESP" "$out"
	ix_iscsid_log
	done_testing
fi
ok "login over ESP"
if ! disk=$(ix_disk); then
	not_ok "the LUN appears"
	done_testing
fi
ok "the LUN appears as /dev/$disk"
diag "noop-out interval and timeout:" \
	"$(iscsiadm "${IX_NODE[@]}" 2>/dev/null | sed -n 's/^node.conn\[0\].timeo.noop_out_\(interval\|timeout\) = //p' | tr '\n' ' ')" \
	"s; protection away for $HOLD s"

# sectors DISK: sectors read plus sectors written so far.
sectors() { awk '{print $3 + $7}' /sys/block/"$1"/stat; }
inflight() { awk '{print $9}' /sys/block/"$1"/stat; }

# fio_start NAME: a write job over the whole disk, verified afterwards
# (crc32c per 64 KiB block), writes paced so that it is still running when
# protection goes away.
FIO=
fio_start() {
	rm -f "$IX_TMP/$1.json"
	fio --name="$1" --filename=/dev/"$disk" --direct=1 --ioengine=libaio \
		--iodepth=4 --rw=write --bs=64k --size="${MIB}M" --rate=,2m \
		--verify=crc32c --do_verify=1 --verify_fatal=1 \
		--output-format=json --output="$IX_TMP/$1.json" \
		>"$IX_TMP/$1.out" 2>&1 &
	FIO=$!
	at_exit "kill $FIO"
}

# fio_field NAME EXPR: a python expression over job 0 of the JSON ("j").
fio_field() {
	python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))["jobs"][0]
print(eval(sys.argv[2]))' "$IX_TMP/$1.json" "$2" 2>/dev/null
}

round() {
	local how=$1 sid lport accepts cmds t0 s1 s2 rc secs held
	sid=$(ix_sid)
	lport=$(ix_local_port)
	accepts=$(ix_login_accepts)
	ix_dmesg_mark
	fio_start "$how"
	# some I/O first
	for _ in {1..100}; do
		[ "$(sectors "$disk")" -gt 2048 ] && break
		sg_nap 0.1
	done
	cmds=$(ix_session_stat scsicmd_pdus)
	ix_capture_start
	case "$how" in
	sa) step "$how: the initiator's outgoing SA (SPI $SPI) deleted" \
		ix_sa_del init $IX_I4 $IX_T4 $SPI
		SPI=$(printf '0x%x' $((SPI + 1))) ;;
	policy | scsi_timeout)
		step "$how: the initiator's policies deleted" ix_policies_down init ;;
	esac
	t0=$(date +%s.%N)
	sleep 2
	s1=$(sectors "$disk")
	sleep $((HOLD - 2))
	s2=$(sectors "$disk")
	held=$(ix_secs_since "$t0")
	check "$how: fio still running $held s after protection went" kill -0 "$FIO"
	check_eq "$how: the I/O stalls (sectors done over the last $((HOLD - 2)) s)" \
		"$s1" "$s2"
	diag "$how: $(inflight "$disk") requests in flight while held"
	check_eq "$how: the session is still logged in" "LOGGED IN" \
		"$(ix_session_field "iSCSI Connection State")"
	case "$how" in
	sa) step "$how: a new SA (SPI $SPI) from the initiator" ix_sa_rekey $SPI ;;
	policy | scsi_timeout) step "$how: the policies back" ix_policies_up init ;;
	esac
	t0=$(date +%s.%N)
	timeout 300 tail --pid="$FIO" -f /dev/null
	wait "$FIO"
	rc=$?
	secs=$(ix_secs_since "$t0")
	ix_capture_stop
	check_eq "$how: fio finished without error after protection came back" 0 "$rc"
	[ $rc -eq 0 ] || sed 's/^/#   /' "$IX_TMP/$how.out" | tail -n 10
	check_eq "$how: fio reports no error (verification included)" 0 \
		"$(fio_field "$how" 'j["error"]')"
	check_eq "$how: every block written was read back and verified" \
		$((MIB * 1024)) "$(fio_field "$how" 'j["read"]["io_kbytes"]')"
	diag "$how: job completed $secs s after protection came back"
	check "$how: capture complete" ix_capture_complete
	check_eq "$how: no iSCSI payload crossed in the clear" 0 "$(ix_cap_payload)"
	diag "$how: $(ix_cap_count) cleartext TCP segment(s), $(ix_cap_esp) ESP packet(s)" \
		"in namespace t from the fault on"
	check_eq "$how: same session" "$sid" "$(ix_sid)"
	check_eq "$how: same TCP connection (local port)" "$lport" "$(ix_local_port)"
	check_eq "$how: no new login at the target" "$accepts" "$(ix_login_accepts)"
	check_eq "$how: no connection error or recovery in the kernel log" "" \
		"$(ix_dmesg_since | grep -E 'conn error|detected conn|session recovery|reset' | head -n 5)"
	check "$how: SCSI command counter went on (no new connection)" \
		test "$(ix_session_stat scsicmd_pdus)" -gt "$cmds"
	if ix_is_xfrm; then
		check "$how: the kernel log says protection was lost and held" \
			ix_dmesg_grep "protection lost, holding .*$IX_T4:$IX_PORT"
		check "$how: and restored" \
			ix_dmesg_grep "protection restored .*$IX_T4:$IX_PORT"
	fi
}

ROUNDS=" ${IX_ROUNDS:-sa policy scsi_timeout idle inflight} "
want() { [[ "$ROUNDS" == *" $1 "* ]]; }

SPI=0x4100
want sa && round sa
want policy && round policy
# A hold longer than the SCSI command timeout: the commands held must not
# be aborted by the SCSI error handler (iscsi_xfrm restarts their timers
# while it holds), or the abort and the recovery after it would end the
# session's continuity that the round checks.
TMO=/sys/block/$disk/device/timeout
tmo=$(cat "$TMO")
SCSI_TMO=$((HOLD / 3 > 1 ? HOLD / 3 : 2))
if ! want scsi_timeout; then
	:
elif echo "$SCSI_TMO" >"$TMO"; then
	at_exit "echo $tmo > $TMO"
	diag "scsi_timeout: SCSI command timeout $SCSI_TMO s, hold $HOLD s"
	round scsi_timeout
	check "scsi_timeout: no command was aborted by the SCSI error handler" \
		bash -c "! dmesg | tail -n +$((IX_DMESG_MARK + 1)) | grep -iE 'abort|timing out command|eh_'"
	echo "$tmo" >"$TMO"
else
	not_ok "scsi_timeout: the SCSI command timeout can be set to $SCSI_TMO s"
fi

# --- protection that does not come back -----------------------------------------
#
# The hold must end after hold_timeout whatever TCP is doing. iscsi_tcp has
# no guard: without SAs and policies it carries on in the clear and nothing
# holds, so there is no hold to end and these rounds run for iscsi_xfrm
# only (skipped with the anchor).

HT=${IX_HOLD_TIMEOUT:-5}
RT=${IX_REPLACEMENT_TIMEOUT:-10}
# the longest a step may take: generous, the guest runs under TCG
BOUND=${IX_BOUND:-90}
HT_PARAM=/sys/module/xfrm_guard/parameters/hold_timeout
MON_LOG=$IX_TMP/monitor.log

# wait_until SECONDS CMD...: until CMD succeeds, polled twice a second.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sg_nap 0.5
	done
}

dmesg_has_re() { ix_dmesg_since | grep -qE -- "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# the session as the kernel has it: LOGGED_IN, FAILED (in recovery), FREE
sess_is() { [ "$(cat /sys/class/iscsi_session/session"$1"/state 2>/dev/null)" = "$2" ]; }
dev_state() { cat /sys/block/"$disk"/device/state 2>/dev/null; }
dev_is() { [ "$(dev_state)" = "$1" ]; }
busy() { [ "$(inflight "$disk")" -gt 0 ]; }
progressed() { [ "$(sectors "$disk")" -gt "$1" ]; }
# bytes TCP holds unacknowledged (or unsent) on the session's connection
send_q() { ss -Htn state established "dst $IX_PORTAL" | awk '{n += $2} END {print n + 0}'; }
idle_now() { [ "$(inflight "$disk")" -eq 0 ] && [ "$(send_q)" -eq 0 ]; }
no_xfrm_left() {
	local where
	for where in init t; do
		[ -z "$(ixip $where xfrm state list src $IX_I4 dst $IX_T4)" ] &&
		[ -z "$(ixip $where xfrm state list src $IX_T4 dst $IX_I4)" ] &&
		[ -z "$(ixip $where xfrm policy list src $IX_I4 dst $IX_T4)" ] &&
		[ -z "$(ixip $where xfrm policy list src $IX_T4 dst $IX_I4)" ] ||
			return 1
	done
}
# read_block: one block read past the page cache, bounded; dd's status
# (124 when it did not end). Not through timeout(1): a read the transport
# holds waits uninterruptibly, no signal ends it, and timeout would wait
# for it; it is left behind, and ends when protection comes back.
read_block() {
	local pid
	dd if=/dev/"$disk" of=/dev/null bs=4096 count=1 iflag=direct \
		>/dev/null 2>"$IX_TMP/read.err" &
	pid=$!
	wait_until 60 gone "$pid" || return 124
	wait "$pid"
}

# hold_round idle|inflight
hold_round() {
	local how=$1 sid lport accepts logins t0 io rc secs state cstate
	sid=$(ix_sid)
	lport=$(ix_local_port)
	accepts=$(ix_login_accepts)
	logins=$(ix_logins)
	ix_dmesg_mark
	"$XGUARD" monitor >"$MON_LOG" 2>&1 &
	MON=$!
	at_exit "kill $MON"
	if [ "$how" = inflight ]; then
		# a write job paced so that it runs when protection goes
		fio --name="$how" --filename=/dev/"$disk" --direct=1 \
			--ioengine=libaio --iodepth=4 --rw=write --bs=64k \
			--size="${MIB}M" --rate=,1m >"$IX_TMP/io.out" 2>&1 &
		io=$!
		at_exit "kill $io"
		check "$how: a write job runs" wait_until 30 progressed \
			$(($(sectors "$disk") + 1024))
	else
		# a NOP-Out answered, the previous round's I/O done: TCP idle
		check "$how: nothing in flight (no request, TCP send queue empty)" \
			wait_until 20 idle_now
	fi
	sleep 1
	ix_capture_start
	t0=$(date +%s.%N)
	step "$how: SAs and policies removed on both sides, for good" ix_sa_down
	check "$how: no SA or policy left between initiator and target" no_xfrm_left
	check "$how: the guard holds the connection" wait_until $BOUND \
		dmesg_has_re "protection lost, holding iscsi $IX_LOG_I:$lport -> $IX_LOG_T:$IX_PORT"
	if [ "$how" = idle ]; then
		# the read is held by iscsi_xfrm: TCP gets nothing to send
		timeout 300 dd if=/dev/"$disk" of=/dev/null bs=4096 count=1 \
			skip=7 iflag=direct >"$IX_TMP/io.out" 2>&1 &
		io=$!
		at_exit "kill $io"
	fi
	check "$how: the I/O waits while held" wait_until 20 busy
	diag "$how: $(inflight "$disk") request(s) in flight, TCP send queue $(send_q) bytes"
	if wait_until $BOUND dmesg_has_re "hold expired, connection aborted iscsi $IX_LOG_I:$lport -> $IX_LOG_T:$IX_PORT: "; then
		secs=$(ix_secs_since "$t0")
		ok "$how: the guard ends the hold (dmesg: hold expired, connection aborted)"
		check "$how: not before hold_timeout ($secs s after the SAs went, hold_timeout $HT s)" \
			awk -v s="$secs" -v h="$HT" 'BEGIN { exit !(s >= h) }'
		check "$how: the I/O is still waiting when the hold ends" kill -0 "$io"
	else
		not_ok "$how: the guard ends the hold (dmesg: hold expired, connection aborted)" \
			"nothing within $BOUND s; guard's messages:" \
			"$(ix_dmesg_since | grep xfrm_guard | tail -n 5)"
	fi
	diag "$(ix_dmesg_since | grep -m 1 'hold expired')"
	check "$how: audit record op=xfrm-guard-hold-expired" \
		dmesg_has_re "type=1415 .*op=xfrm-guard-hold-expired owner=iscsi reason=[a-z_]+ .*sport=$lport dport=$IX_PORT "
	check "$how: xguard monitor shows a hold_expired event" wait_until 10 \
		grep -qE "^hold_expired owner iscsi $IX_LOG_I:$lport -> $IX_LOG_T:$IX_PORT " "$MON_LOG"
	kill "$MON" 2>/dev/null
	wait "$MON" 2>/dev/null
	check "$how: libiscsi fails the connection" wait_until $BOUND \
		dmesg_has_re "connection$sid:0: detected conn error"
	diag "$(ix_dmesg_since | grep -m 1 "connection$sid:0: detected conn error")"
	# iscsiadm -P 3: the session in recovery (FAILED), or given up after
	# the replacement timeout (FREE); iscsid's connection not logged in
	state=$(ix_session_field "iSCSI Session State")
	cstate=$(ix_session_field "iSCSI Connection State")
	check "$how: iscsiadm: session state FAILED or FREE (got $state), connection not logged in (got $cstate)" \
		test \( "$state" = FAILED -o "$state" = FREE \) -a "$cstate" != "LOGGED IN"
	check "$how: iscsid logs in again and iscsi_xfrm refuses it" wait_until $BOUND \
		dmesg_has_re "connection$sid:0: refusing connection to $IX_LOG_T:$IX_PORT: [a-z_]+"
	# the replacement timeout fails the I/O: dm-multipath's cue
	wait_until $BOUND gone "$io"
	secs=$(ix_secs_since "$t0")
	if gone "$io"; then
		wait "$io"
		rc=$?
		check "$how: the I/O ends in an error ($secs s after the SAs went; status $rc)" \
			test $rc -ne 0 -a $rc -ne 124
		check "$how: an I/O error" grep -q "Input/output error" "$IX_TMP/io.out"
		[ $rc -eq 0 ] || diag "$(grep -m 1 -i error "$IX_TMP/io.out")"
	else
		not_ok "$how: the I/O ends in an error" "still waiting $secs s after the SAs went"
	fi
	check "$how: session recovery timed out after replacement_timeout ($RT s)" \
		dmesg_has_re "session$sid: session recovery timed out after $RT secs"
	check_eq "$how: the disk is transport-offline" transport-offline "$(dev_state)"
	read_block
	rc=$?
	check "$how: a new read fails at once (status $rc)" test $rc -ne 0 -a $rc -ne 124
	check_eq "$how: no login reached the target" "$logins" "$(ix_logins)"
	ix_capture_stop
	check "$how: capture complete" ix_capture_complete
	check_eq "$how: no iSCSI byte from the initiator in the clear" 0 "$(ix_cap_payload to)"
	diag "$how: $(ix_cap_count) cleartext TCP segment(s) ($(ix_cap_syns) SYN(s)," \
		"$(ix_cap_payload from) with iSCSI bytes from the target)," \
		"$(ix_cap_esp) ESP packet(s)"

	step "$how: SAs and policies back" ix_sa_up gcm
	check "$how: the session logs in again" wait_until $BOUND sess_is "$sid" LOGGED_IN
	# In recovery iscsid reconnects at once after a failed login; a
	# refused one is not answered, so its login timeout (15 s) paces it.
	secs=$(ix_secs_since "$t0")
	refusals=$(ix_dmesg_since | grep -c "connection$sid:0: refusing connection to")
	check "$how: paced reconnects, no storm ($refusals refused in $secs s, login_timeout 15 s)" \
		awk -v n="$refusals" -v s="$secs" 'BEGIN { exit !(n >= 1 && n <= s / 10 + 3) }'
	check "$how: with a new login at the target" \
		test "$(ix_login_accepts)" -gt "$accepts"
	check "$how: the disk is back (running)" wait_until 30 dev_is running
	check "$how: a read works" read_block
}

if ! want idle && ! want inflight; then
	:
elif ! ix_is_xfrm; then
	skip "idle, inflight: hold timeout" "$IX_MODULE has no guard, nothing holds"
else
	ht0=$(cat $HT_PARAM)
	check_fails "hold_timeout 0 is refused" bash -c "echo 0 >$HT_PARAM"
	check_eq "hold_timeout unchanged" "$ht0" "$(cat $HT_PARAM)"
	at_exit "echo 60 >$HT_PARAM"
	step "hold_timeout $HT s" bash -c "echo $HT >$HT_PARAM"
	check_eq "hold_timeout reads $HT" "$HT" "$(cat $HT_PARAM)"
	sid=$(ix_sid)
	step "replacement_timeout $RT s (node record and session)" ix_node_set \
		node.session.timeo.replacement_timeout "$RT"
	step "session $sid: recovery_tmo $RT s" bash -c \
		"echo $RT >/sys/class/iscsi_session/session$sid/recovery_tmo"
	check_eq "iscsiadm -P 3: Recovery Timeout" "$RT" "$(ix_session_field "Recovery Timeout")"
	want idle && hold_round idle
	want inflight && hold_round inflight
	step "hold_timeout back to 60 s" bash -c "echo 60 >$HT_PARAM"
fi

check "logout" ix_logout
done_testing
