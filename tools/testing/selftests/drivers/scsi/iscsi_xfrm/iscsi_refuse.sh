#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Logins that RFC 3723 says must not happen, tried with stock open-iscsi
# against the LIO target: no SA at all, an SA into the initiator without
# an anti-replay window (2.3.1), DES (RFC 8221 MUST NOT), and NULL
# encryption while the guard's profile requires confidentiality. With
# iscsi_xfrm each is refused before anything is sent: the target's login
# counters do not move, no iSCSI byte crosses the wire in the clear (the
# TCP handshake iscsid makes itself is all the target sees), the login
# fails at once (one connection, iscsiadm error 24: authorization
# failure) instead of being retried into a timeout, and the kernel log
# names the reason. A login over AES-GCM is the positive
# control, before and after, for both transports.
#
# Runs with both transports (IX_MODULE= one of them to run one). With the
# anchor, iscsi_tcp, the same attempts succeed; that is what iscsi_xfrm is
# for, so they are reported as TAP diagnostics rather than judged.
# Under make check the debug and distro kernels run iscsi_xfrm and the base
# kernel the anchor (IX_FLAVOUR_MODULES, iscsi_lib.sh).
# sanguard-flavours: debug base distro
# sanguard-timeout: 900

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

IX_FLAVOUR_MODULES=${IX_FLAVOUR_MODULES:-"debug:iscsi_xfrm base:iscsi_tcp distro:iscsi_xfrm"}
ix_each_transport iscsi_tcp iscsi_xfrm

ix_transport_up || done_testing
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "LIO target with a 4 MiB RAM LUN" ix_target_up 4 rd || done_testing
check "the portal listens in namespace t only" ix_target_listens
step "LUN 0 mapped for the initiator's ACL" ix_target_acl
step "iscsid started" ix_iscsid_up || done_testing
step "static node record created" ix_node_new

# control DESC: a login over AES-GCM works and is seen by the target.
control() {
	local desc=$1 before out
	ix_sa_up gcm || { not_ok "$desc: SAs" ; return; }
	before=$(ix_login_accepts)
	ix_capture_start
	if out=$(ix_login 90); then
		ok "$desc: login over AES-GCM"
		check_eq "$desc: LIO accepted it" $((before + 1)) "$(ix_login_accepts)"
		check "$desc: the LUN appears" ix_disk
		check "$desc: logout" ix_logout
	else
		not_ok "$desc: login over AES-GCM" "$out"
		ix_iscsid_log
	fi
	ix_capture_stop
	check "$desc: capture complete" ix_capture_complete
	check_eq "$desc: no cleartext iSCSI segment" 0 "$(ix_cap_count)"
	ix_sa_down
}

# attempt NAME REASON: log in with whatever protection is in place now.
# iscsi_xfrm must refuse with the guard's REASON; iscsi_tcp is watched.
attempt() {
	local name=$1 reason=$2 before out rc to syns esp line tries
	before=$(ix_logins)
	ix_dmesg_mark
	ix_capture_start
	out=$(ix_login 90)
	rc=$?
	ix_capture_stop
	to=$(ix_cap_payload to)
	syns=$(ix_cap_syns)
	esp=$(ix_cap_esp to)
	tries=$(ix_dmesg_since | grep -c "refusing connection to $IX_LOG_T:$IX_PORT: $reason")
	line=$(ix_dmesg_since | grep -E "refused [a-z_]+ $IX_LOG_I:[0-9]+ -> $IX_LOG_T:$IX_PORT: $reason" | head -n 1)
	if ! ix_is_xfrm; then
		diag "$name with $IX_MODULE: login $([ $rc -eq 0 ] && echo succeeded || echo "failed ($rc)"):" \
			"LIO finished $(($(ix_logins) - before)) login(s)," \
			"$to cleartext iSCSI segment(s) to the target, $esp ESP packet(s)"
		[ $rc -eq 0 ] && ix_logout >/dev/null
		return
	fi
	if [ $rc -ne 0 ]; then
		ok "$name: login refused"
		diag "$name: iscsiadm: $(echo "$out" | grep -v '^Logging in' | tail -n 2 | tr '\n' ' ')"
	else
		not_ok "$name: login refused" "$out"
		ix_logout >/dev/null
	fi
	# iscsid gives up at once only on a final Login Response; anything
	# else it retries for initial_login_retry_max x login_timeout
	# (2 x 15 s here) and then reports a timeout (error 8).
	if echo "$out" | grep -q "(24 - iSCSI login failed due to authorization failure)"; then
		ok "$name: iscsiadm reports an authorization failure (error 24)"
	else
		not_ok "$name: iscsiadm reports an authorization failure (error 24)" "$out"
	fi
	check_eq "$name: one connection refused, no retry" 1 "$tries"
	check_fails "$name: no session left" ix_sid
	check_eq "$name: LIO saw no Login request" "$before" "$(ix_logins)"
	check "$name: capture complete" ix_capture_complete
	check_eq "$name: no iSCSI byte reached the target in the clear" 0 "$to"
	if [ -n "$line" ]; then
		ok "$name: the kernel log names the reason: ${line#*] }"
	else
		not_ok "$name: the kernel log names the reason ($reason)" \
			"$(ix_dmesg_since | tail -n 10)"
	fi
	diag "$name: $syns cleartext SYN(s) and $esp ESP packet(s) toward the target"
	return 0
}

control "before"

# --- no SA, no policy: the TCP connection itself is in the clear ------------
attempt "no SA" no_ipsec
if ix_is_xfrm; then
	check "no SA: iscsid's TCP connection did reach the portal" \
		test "$(ix_cap_syns)" -gt 0
fi

# --- weak SAs -----------------------------------------------------------------
step "ESP AES-GCM, no anti-replay window into the initiator" ix_sa_up replay0
attempt "replay window 0" no_anti_replay
ix_sa_down

step "ESP cbc(des) with hmac(sha1)" ix_sa_up des
attempt "DES" weak_algorithm
ix_sa_down

step "ESP NULL encryption with hmac(sha256)" ix_sa_up null
if ix_is_xfrm; then
	# the default profile asks for integrity only: NULL encryption passes
	out=$(ix_login 90)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "NULL encryption, confidentiality not required: login accepted"
		ix_logout >/dev/null
	else
		not_ok "NULL encryption, confidentiality not required: login accepted" "$out"
	fi
	step "the guard's profile requires confidentiality" ix_profile_conf on
fi
attempt "NULL encryption, confidentiality required" confidentiality_required
ix_sa_down

control "after"

done_testing
