#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# CHAP against the LIO target over ESP (RFC 3723 2.4.1): one-way and mutual
# CHAP logins succeed over an AES-GCM SA, and a wrong secret on either side
# fails (so CHAP really ran). With the profile's chap_requires_confidentiality
# on and an SA that authenticates but does not encrypt (ecb(cipher_null) +
# hmac(sha256); the profile does not require confidentiality for the
# connection itself, so the guard accepts the SA), iscsi_xfrm refuses to send
# a CHAP login: nothing reaches LIO, dmesg names
# chap_requires_confidentiality, "xguard monitor" shows an owner_refused
# event and "xguard stats" counts it; the same SA without CHAP logs in, and
# so does CHAP once the profile lets it. With IX_MODULE=iscsi_tcp (the
# anchor) the CHAP logins run too and the NULL-encryption case is recorded
# as a diagnostic.
# sanguard-flavours: debug
# sanguard-timeout: 1200

# What is tested here is iscsi_xfrm's, so it is the default transport (make
# check sets no IX_MODULE); IX_MODULE=iscsi_tcp runs the anchor.
IX_MODULE=${IX_MODULE:-iscsi_xfrm}
. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

CH_USER=sg-initiator
CH_PASS=sanguard-secret-1
CH_MUSER=sg-target
CH_MPASS=sanguard-secret-2
CH_EV=$IX_TMP/events

# ch_target_auth [USER PASS [MUSER MPASS]]: the ACL's CHAP credentials and
# the TPG's authentication switch. LIO keeps what is written verbatim, a
# trailing newline included, hence printf '%s'. "NULL" clears a credential.
ch_target_auth() {
	local acl=$IX_TPG/acls/$IX_INI_IQN/auth
	if [ $# -lt 2 ]; then
		echo 0 >"$IX_TPG/attrib/authentication"
		return
	fi
	printf '%s' "$1" >"$acl/userid" &&
	printf '%s' "$2" >"$acl/password" &&
	printf '%s' "${3:-NULL}" >"$acl/userid_mutual" &&
	printf '%s' "${4:-NULL}" >"$acl/password_mutual" &&
	echo 1 >"$IX_TPG/attrib/authentication"
}

# ch_node_auth [USER PASS [MUSER MPASS]]: the node's CHAP settings, every
# credential written, the unused ones emptied (iscsid offers CHAP whenever
# a secret is stored and expects the target to answer when an incoming
# one is, whatever authmethod says).
ch_node_auth() {
	local m=None
	[ $# -ge 2 ] && m=CHAP
	ix_node_set node.session.auth.authmethod $m \
		node.session.auth.username "${1:-}" node.session.auth.password "${2:-}" \
		node.session.auth.username_in "${3:-}" node.session.auth.password_in "${4:-}"
}

# ch_out_says DESC PATTERN: the last failed login's iscsiadm output
# (CH_OUT) matches PATTERN.
ch_out_says() {
	if grep -qE "$2" <<<"$CH_OUT"; then
		ok "$1"
	else
		not_ok "$1" "want: $2" "got: $CH_OUT" "$(ix_iscsid_log 6)"
	fi
}

# ch_auth_fails: LIO's count of failed authentications for the target.
ch_auth_fails() { cat "$IX_LOGIN_STATS/authenticate_fails"; }

# ch_login_ok DESC: log in, see the LUN, log out.
ch_login_ok() {
	local desc=$1 out accepts disk
	accepts=$(ix_login_accepts)
	ix_dmesg_mark
	if ! out=$(ix_login); then
		not_ok "$desc: login" "$out" "$(ix_dmesg_since | tail -n 10)" "$(ix_iscsid_log 10)"
		return 1
	fi
	ok "$desc: login"
	check_eq "$desc: LIO accepted one login" $((accepts + 1)) "$(ix_login_accepts)"
	if disk=$(ix_disk); then
		check "$desc: the LUN reads" \
			dd if=/dev/"$disk" of=/dev/null bs=64k count=4 iflag=direct status=none
	else
		not_ok "$desc: the LUN appears"
	fi
	check "$desc: logout" ix_logout
}

ix_transport_up || done_testing
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "LIO target with a 1 MiB RAM LUN" ix_target_up 1 rd || done_testing
step "LUN 0 mapped for the initiator's ACL" ix_target_acl || done_testing
step "ESP AES-GCM SAs and policies on both sides" ix_sa_up gcm || done_testing
# Under TCG on a loaded host the debug kernel can stall for seconds: give
# LIO's wait for Data-Out (3 s, and ERL 0 closes the connection when it
# expires) and the initiator's NOP-Out ping (5 s) room, so that a
# connection error in dmesg means something.
step "LIO waits 60 s for Data-Out" bash -c \
	"echo 60 >$IX_TPG/acls/$IX_INI_IQN/attrib/dataout_timeout"
step "iscsid started" ix_iscsid_up || done_testing
step "static node record created" ix_node_new || done_testing
step "node: NOP-Out every 15 s, 30 s to answer" ix_node_set \
	node.conn[0].timeo.noop_out_interval 15 node.conn[0].timeo.noop_out_timeout 30
step "node without digests" ix_node_digests None None

# ch_login_fails DESC: the login fails and leaves no session; iscsiadm's
# words are left in CH_OUT.
CH_OUT=
ch_login_fails() {
	local desc=$1 accepts
	accepts=$(ix_login_accepts)
	if CH_OUT=$(ix_login 90); then
		not_ok "$desc: login fails" "it succeeded: $CH_OUT"
	else
		ok "$desc: login fails"
	fi
	check_fails "$desc: no session" ix_sid
	check_eq "$desc: LIO accepted no login" "$accepts" "$(ix_login_accepts)"
	ix_logout_all
}

# --- one-way CHAP --------------------------------------------------------------
step "target: one-way CHAP for the initiator" ch_target_auth $CH_USER $CH_PASS
step "node: one-way CHAP" ch_node_auth $CH_USER $CH_PASS
ch_login_ok "one-way CHAP over AES-GCM"

step "node: one-way CHAP, wrong secret" ch_node_auth $CH_USER wrong-$CH_PASS
fails=$(ch_auth_fails)
ch_login_fails "one-way CHAP, wrong secret"
ch_out_says "one-way CHAP, wrong secret: iscsiadm reports an authorization failure" \
	"authorization failure"
check "one-way CHAP, wrong secret: LIO counted an authentication failure" \
	test "$(ch_auth_fails)" -gt "$fails"

# --- mutual CHAP ------------------------------------------------------------------
step "target: mutual CHAP" ch_target_auth $CH_USER $CH_PASS $CH_MUSER $CH_MPASS
step "node: mutual CHAP" ch_node_auth $CH_USER $CH_PASS $CH_MUSER $CH_MPASS
ch_login_ok "mutual CHAP over AES-GCM"

# The initiator checks the target's answer: with a wrong secret for the
# target, iscsid gives up after LIO has authenticated the initiator.
step "node: mutual CHAP, wrong secret for the target" \
	ch_node_auth $CH_USER $CH_PASS $CH_MUSER wrong-$CH_MPASS
lines=$(wc -l <"$IX_TMP/iscsid.log")
ch_login_fails "mutual CHAP, target's answer wrong"
check "mutual CHAP, target's answer wrong: iscsid found the target's CHAP answer wrong" \
	bash -c "tail -n +$((lines + 1)) $IX_TMP/iscsid.log | grep -q 'Login authentication failed'"
step "node: mutual CHAP again" ch_node_auth $CH_USER $CH_PASS $CH_MUSER $CH_MPASS
step "target: one-way CHAP" ch_target_auth $CH_USER $CH_PASS
step "node: one-way CHAP" ch_node_auth $CH_USER $CH_PASS

# --- NULL encryption: integrity without confidentiality ---------------------------
ix_sa_down
step "SAs with NULL encryption and HMAC-SHA256, policies" ix_sa_up null || done_testing

if ! ix_is_xfrm; then
	ix_dmesg_mark
	if out=$(ix_login); then
		diag "anchor $IX_MODULE: one-way CHAP over a NULL-encryption SA logs in (no guard)"
		ix_logout >/dev/null
	else
		diag "anchor $IX_MODULE: one-way CHAP over a NULL-encryption SA: login failed: $out"
	fi
	step "target: no authentication" ch_target_auth
	step "node: no CHAP" ch_node_auth
	ix_login >/dev/null && diag "anchor $IX_MODULE: no CHAP over the NULL-encryption SA logs in" &&
		ix_logout >/dev/null
	skip "chap_requires_confidentiality" "a rule of iscsi_xfrm; IX_MODULE=$IX_MODULE"
	done_testing
fi

# ch_profile FIELD VALUE: set a field of the initial namespace's default
# profile; back as it was at exit.
ch_profile() {
	local key=$1 val=$2 was
	was=$(ix_xguard -j profile show id 0 | python3 -c "
import json, sys
v = json.load(sys.stdin)[0]['$key']
print('on' if v is True else 'off' if v is False else v)") || return 1
	case "$key" in
	confidentiality) at_exit "$XGUARD profile set id 0 conf $was"
		ix_xguard profile set id 0 conf "$val" ;;
	chap_requires_confidentiality) at_exit "$XGUARD profile set id 0 chap-conf $was"
		ix_xguard profile set id 0 chap-conf "$val" ;;
	*) return 1 ;;
	esac
}

# ch_stat NAME: an "xguard stats" counter of the initial namespace.
ch_stat() { ix_xguard stats | awk -v k="$1" '$1 == k {print $2}'; }

step "profile: confidentiality not required for the connection" ch_profile confidentiality off
step "profile: CHAP requires confidentiality" ch_profile chap_requires_confidentiality on

refused=$(ch_stat owner_refused)
logins=$(ix_logins)
"$XGUARD" monitor -c 1 >"$CH_EV" 2>&1 &
MON=$!
at_exit "kill $MON"
wait_monitor $MON
ix_dmesg_mark
check "CHAP over NULL encryption, chap-conf on: login refused at once (iscsiadm error 24)" \
	ix_login_refused_at_once
check_fails "CHAP over NULL encryption: no session" ix_sid
check_eq "CHAP over NULL encryption: no Login PDU reached LIO" "$logins" "$(ix_logins)"
check "CHAP over NULL encryption: dmesg: login refused: chap_requires_confidentiality" \
	ix_dmesg_grep -E "connection[0-9]+:[0-9]+: login refused: chap_requires_confidentiality"
check "CHAP over NULL encryption: dmesg: the guard reports the owner's refusal" \
	ix_dmesg_grep -E "xfrm_guard: refused by owner iscsi $IX_I4:[0-9]+ -> $IX_T4:$IX_PORT: chap_requires_confidentiality"
ch_wait_ev() {
	local _
	for _ in {1..20}; do
		grep -qE "$1" "$CH_EV" && return 0
		sg_nap 0.5
	done
	return 1
}
check "CHAP over NULL encryption: xguard monitor shows an owner_refused event" \
	ch_wait_ev "owner_refused owner iscsi $IX_I4:[0-9]+ -> $IX_T4:$IX_PORT reason protected owner_reason chap_requires_confidentiality"
diag "event: $(head -n 1 "$CH_EV")"
kill "$MON" 2>/dev/null
wait "$MON" 2>/dev/null
now=$(ch_stat owner_refused)
n=$(ix_dmesg_since | grep -cE "refused by owner iscsi $IX_I4:[0-9]+ -> $IX_T4:$IX_PORT: chap_requires_confidentiality")
check "CHAP over NULL encryption: xguard stats counts each refusal ($refused -> $now, $n in dmesg)" \
	test "$n" -gt 0 -a "${now:-0}" -eq $((${refused:-0} + n))
ix_logout_all

step "target: no authentication" ch_target_auth
step "node: no CHAP" ch_node_auth
ch_login_ok "no CHAP over NULL encryption"

step "profile: CHAP does not require confidentiality" \
	ix_xguard profile set id 0 chap-conf off
step "target: one-way CHAP" ch_target_auth $CH_USER $CH_PASS
step "node: one-way CHAP" ch_node_auth $CH_USER $CH_PASS
ch_login_ok "CHAP over NULL encryption, chap-conf off"

done_testing
