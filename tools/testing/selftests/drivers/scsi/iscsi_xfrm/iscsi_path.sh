#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protected path end to end with the real peers: stock open-iscsi in
# the initial namespace logs in over ESP (AES-GCM) to the LIO target in its
# own namespace through a static node record, the LUN appears as a SCSI
# disk, a random pattern written to it is read back identical after a
# logout and a fresh login (so it came from the target, not a cache), and
# every logout is a clean one on both sides. Nothing crosses the wire in
# the clear. Runs once with the in-tree iscsi_tcp (the anchor) and once
# with iscsi_xfrm, so the two can be compared; IX_MODULE=iscsi_tcp or
# IX_MODULE=iscsi_xfrm runs one of them only.
#
# IX_MIB overrides the data size: 64 MiB on the base kernel, 4 MiB on the
# debug and distro kernels (ix_data_mib, iscsi_lib.sh).
# Under make check the debug and distro kernels run iscsi_xfrm only, the
# base kernel both (IX_FLAVOUR_MODULES, iscsi_lib.sh).
# sanguard-flavours: debug base distro
# sanguard-timeout: 900

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

IX_FLAVOUR_MODULES=${IX_FLAVOUR_MODULES:-"debug:iscsi_xfrm distro:iscsi_xfrm"}
ix_each_transport iscsi_tcp iscsi_xfrm

MIB=$(ix_data_mib 4 64)

ix_transport_up || done_testing
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "LIO target with a $MIB MiB RAM LUN" ix_target_up "$MIB" rd || done_testing
check "the portal listens in namespace t only" ix_target_listens
step "LUN 0 mapped for the initiator's ACL" ix_target_acl
step "ESP AES-GCM SAs and policies on both sides" ix_sa_up gcm
step "iscsid started" ix_iscsid_up || done_testing
step "static node record created" ix_node_new
step "node without digests" ix_node_digests None None

ix_capture_start || not_ok "tcpdump started in namespace t"
accepts=$(ix_login_accepts)

# --- log in, write ---------------------------------------------------------------
t0=$(date +%s.%N)
out=$(ix_login)
rc=$?
diag "login took $(ix_secs_since "$t0") s"
if [ $rc -ne 0 ]; then
	not_ok "login over ESP" "$out"
	ix_iscsid_log
	done_testing
fi
ok "login over ESP"
check_eq "LIO accepted one login" $((accepts + 1)) "$(ix_login_accepts)"
check_eq "session logged in" "LOGGED IN" "$(ix_session_field "iSCSI Connection State")"
diag "session $(ix_sid), HeaderDigest $(ix_session_field HeaderDigest)," \
	"DataDigest $(ix_session_field DataDigest)," \
	"SCSI host $(cat /sys/class/scsi_host/host*/proc_name 2>/dev/null | sort -u | tr '\n' ' ')"

if ! disk=$(ix_disk); then
	not_ok "the LUN appears as a SCSI disk" "$(iscsiadm -m session -P 3 2>&1 | tail -n 20)"
	done_testing
fi
ok "the LUN appears as /dev/$disk"
check_eq "/dev/$disk has the LUN's size" $((MIB * 1024 * 1024)) \
	"$(blockdev --getsize64 /dev/"$disk" 2>&1)"

PAT=$IX_TMP/pattern
ix_dmesg_mark
head -c $((MIB * 1024 * 1024)) /dev/urandom >"$PAT"
t0=$(date +%s.%N)
check "$MIB MiB pattern written (O_DIRECT)" \
	dd if="$PAT" of=/dev/"$disk" bs=1M oflag=direct conv=fsync status=none
secs=$(ix_secs_since "$t0")
diag "write: $MIB MiB in $secs s, $(ix_rate "$MIB" "$secs") MiB/s"

# --- log out, log in again, read ---------------------------------------------
logouts=$(ix_normal_logouts)
check "logout" ix_logout
check_fails "no session left" ix_sid
check_fails "/dev/$disk is gone" test -e /dev/"$disk"
check_eq "LIO saw a normal logout" $((logouts + 1)) "$(ix_normal_logouts)"

out=$(ix_login)
rc=$?
if [ $rc -ne 0 ]; then
	not_ok "second login" "$out"
	ix_iscsid_log
	done_testing
fi
ok "second login"
if ! disk=$(ix_disk); then
	not_ok "the LUN appears again"
	done_testing
fi
ok "the LUN appears again as /dev/$disk"
t0=$(date +%s.%N)
check "$MIB MiB read back (O_DIRECT) identical to the pattern" \
	bash -c "dd if=/dev/$disk bs=1M count=$MIB iflag=direct status=none | cmp - $PAT"
secs=$(ix_secs_since "$t0")
diag "read: $MIB MiB in $secs s, $(ix_rate "$MIB" "$secs") MiB/s"
check_eq "no I/O or connection errors in the kernel log" "" \
	"$(ix_dmesg_since | grep -E 'I/O error|FAILED Result|conn error|reset' | head -n 5)"

logouts=$(ix_normal_logouts)
check "logout" ix_logout
check_fails "no session left" ix_sid
check_eq "LIO saw a normal logout" $((logouts + 1)) "$(ix_normal_logouts)"

ix_capture_stop
check "capture complete" ix_capture_complete
segs=$(ix_cap_count)
check_eq "no TCP segment of the iSCSI connection crossed in the clear" 0 "$segs"
esp=$(ix_cap_esp)
check "the traffic was there, as ESP" test "$esp" -gt 0
diag "namespace t saw $esp ESP packets and $segs cleartext TCP segments"

done_testing
