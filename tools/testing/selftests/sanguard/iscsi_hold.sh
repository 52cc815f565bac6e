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
# sanguard-flavours: base
# sanguard-timeout: 900

. "$(dirname "$0")/lib.sh"
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
	for _ in $(seq 1 100); do
		[ "$(sectors "$disk")" -gt 2048 ] && break
		sleep 0.1
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
			bash -c "dmesg | tail -n +$((IX_DMESG_MARK + 1)) | grep -q 'protection lost, holding .*$IX_T4:$IX_PORT'"
		check "$how: and restored" \
			bash -c "dmesg | tail -n +$((IX_DMESG_MARK + 1)) | grep -q 'protection restored .*$IX_T4:$IX_PORT'"
	fi
}

SPI=0x4100
round sa
round policy
# A hold longer than the SCSI command timeout: the commands held must not
# be aborted by the SCSI error handler (iscsi_xfrm restarts their timers
# while it holds), or the abort and the recovery after it would end the
# session's continuity that the round checks.
TMO=/sys/block/$disk/device/timeout
tmo=$(cat "$TMO")
SCSI_TMO=$((HOLD / 3 > 1 ? HOLD / 3 : 2))
if echo "$SCSI_TMO" >"$TMO"; then
	at_exit "echo $tmo > $TMO"
	diag "scsi_timeout: SCSI command timeout $SCSI_TMO s, hold $HOLD s"
	round scsi_timeout
	check "scsi_timeout: no command was aborted by the SCSI error handler" \
		bash -c "! dmesg | tail -n +$((IX_DMESG_MARK + 1)) | grep -iE 'abort|timing out command|eh_'"
	echo "$tmo" >"$TMO"
else
	not_ok "scsi_timeout: the SCSI command timeout can be set to $SCSI_TMO s"
fi

check "logout" ix_logout
done_testing
