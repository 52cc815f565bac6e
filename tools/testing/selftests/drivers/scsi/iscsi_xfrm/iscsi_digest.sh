#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The digest matrix with the real peers (RFC 3723 3.6.2): LIO in namespace
# t offers HeaderDigest and DataDigest "CRC32C,None", so does the initiator's
# node record, and what the session runs with follows the guard's CRC
# decision for the connection:
#
#   link, SAs                 crc      session digests  CRC decision
#   xgoff pair, offloaded     auto     None             offloaded
#   xgoff pair, offloaded     always   CRC32C           forced
#   veth, software ESP        auto     CRC32C           software
#   veth, software ESP        always   CRC32C           forced
#   veth, software ESP        never    None             disabled
#
# An offer is only ever narrowed (iscsid rejects an answer it did not
# offer): with crc=always a node that offers only None is refused
# (crc_required) before anything reaches the target; with crc=never a
# plain CRC32C offer is kept.
# Each session is read back through iscsiadm (session info and the
# transport's digest counters), dmesg ("full feature phase: ...") and
# xguard, and a few MiB written to the LUN come back identical. With
# crc=always a target that refuses digests gets no session. iscsi_xfrm
# only; with IX_MODULE=iscsi_tcp the anchor's negotiation over the offload
# pair is recorded as a diagnostic and the rest is skipped.
#
# The xgoff pair (selftests/net/xfrm_guard/xg_offload) is a veth-like
# pair whose ESP SAs are "offloaded"; one end is in the initial namespace,
# where iscsid lives, the other in t.
# sanguard-flavours: debug
# sanguard-timeout: 1800

# What is tested here is iscsi_xfrm's, so it is the default transport (make
# check sets no IX_MODULE); IX_MODULE=iscsi_tcp runs the anchor.
IX_MODULE=${IX_MODULE:-iscsi_xfrm}
. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

MIB=$(ix_data_mib 2 4)

DG_XI=${SG_PREFIX}x		# xgoff end in the initial namespace
DG_XT=${SG_PREFIX}y		# xgoff end in namespace t
DG_INIT=$SG_PREFIX-init		# a name for the initial namespace
DG_XDBG=/sys/kernel/debug/xg_offload
DG_PAT=$IX_TMP/pattern

# dg_xgoff_up: the xgoff pair between the initial namespace and t, no
# addresses yet.
dg_xgoff_up() {
	ip netns attach "$DG_INIT" 1 || return 1
	at_exit "ip netns del $DG_INIT"
	xgoff_pair "$DG_XI" "$DG_INIT" "$DG_XT" "$NS_t" || return 1
	at_exit "ip link del $DG_XI"
	ip link set "$DG_XI" up && ip -n "$NS_t" link set "$DG_XT" up
}

# dg_link xgoff|veth: move IX_I4 and IX_T4 to that link (the LIO portal
# stays bound to IX_T4 whichever device holds it).
dg_link() {
	local i t
	if [ "$1" = xgoff ]; then
		i=$DG_XI t=$DG_XT
	else
		i=$IX_IF t=$IX_TIF
	fi
	ip -4 addr flush dev "$IX_IF" && ip -4 addr flush dev "$DG_XI" &&
	ip -n "$NS_t" -4 addr flush dev "$IX_TIF" &&
	ip -n "$NS_t" -4 addr flush dev "$DG_XT" || return 1
	ip addr add $IX_I4/24 dev "$i" &&
	ip -n "$NS_t" addr add $IX_T4/24 dev "$t" || return 1
	ping -c1 -W5 $IX_T4 >/dev/null
}

# dg_sa_offload: AES-GCM SAs offloaded to the xgoff pair in both namespaces
# (same SPIs and reqid as ix_sa_pair, so ix_policies_up and ix_sa_down
# apply), and the policies.
dg_sa_offload() {
	ix_sa_alg gcm it &&
	ix_sa init $IX_I4 $IX_T4 0x4100 32 "${IX_ALG[@]}" offload dev "$DG_XI" dir out &&
	ix_sa t $IX_I4 $IX_T4 0x4100 32 "${IX_ALG[@]}" offload dev "$DG_XT" dir in &&
	ix_sa_alg gcm ti &&
	ix_sa init $IX_T4 $IX_I4 0x4200 32 "${IX_ALG[@]}" offload dev "$DG_XI" dir in &&
	ix_sa t $IX_T4 $IX_I4 0x4200 32 "${IX_ALG[@]}" offload dev "$DG_XT" dir out &&
	ix_policies_up
}

# dg_offloaded: every SA of ours in both namespaces is offloaded.
dg_offloaded() {
	[ "$(ip xfrm state | grep -c "crypto offload parameters: dev $DG_XI")" = 2 ] &&
	[ "$(ip -n "$NS_t" xfrm state | grep -c "crypto offload parameters: dev $DG_XT")" = 2 ]
}

# dg_xcnt DEV COUNTER: a debugfs counter of an xgoff end.
dg_xcnt() { cat "$DG_XDBG/$1/$2" 2>/dev/null || echo missing; }

# dg_crc auto|always|never: the initial namespace's default profile (the
# initiator's); put back as it was at exit.
DG_CRC_WAS=
dg_crc() {
	if [ -z "$DG_CRC_WAS" ]; then
		DG_CRC_WAS=$(ix_xguard -j profile show id 0 | sg_pyjson 'j[0]["crc"]') ||
			return 1
		at_exit "$XGUARD profile set id 0 crc $DG_CRC_WAS"
	fi
	ix_xguard profile set id 0 crc "$1"
}

# dg_conn_crc: the CRC decision xguard shows for our iSCSI connection.
dg_conn_crc() {
	ix_xguard -j conn show | sg_pyjson '" ".join(c["crc"] for c in j
	    if c.get("state", "attached") == "attached" and c["owner"] == "iscsi" and
	    c["remote"] == a[0] and c["remote_port"] == int(a[1]))' $IX_T4 $IX_PORT
}

# dg_snap: the transport's digest counters of our session, NAME=VALUE
# lines. The shell picks them out: a sed and a sort per snapshot cost a
# second on the debug kernel.
dg_snap() {
	local sid l re='^[[:space:]]*([a-z_]*_digest_[a-z_]*):[[:space:]]*([0-9]+)$'
	sid=$(ix_sid) || return 1
	while IFS= read -r l; do
		[[ "$l" =~ $re ]] && echo "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
	done < <(iscsiadm -m session -r "$sid" -s 2>/dev/null)
	return 0
}

# dg_log_errors: the first five kernel log lines since ix_dmesg_mark that
# tell of an I/O, connection or digest error (the digest lines every
# login prints excepted).
dg_log_errors() {
	local l n=0
	while IFS= read -r l; do
		[[ "$l" =~ I/O\ error|FAILED\ Result|conn\ error|digest ]] || continue
		[[ "$l" == *"full feature phase"* || "$l" == *"digest offer follows"* ]] && continue
		echo "$l"
		((++n < 5)) || break
	done < <(ix_dmesg_since)
}

# dg_val SNAP NAME: a counter's value in a snapshot, "missing" if absent.
dg_val() {
	local l

	while IFS= read -r l; do
		if [ "${l%%=*}" = "$2" ] && [ -n "${l#*=}" ]; then
			echo "${l#*=}"
			return
		fi
	done <<<"$1"
	echo missing
}

# dg_counted DESC BEFORE AFTER GREW... -- SAME...: between the snapshots,
# every counter in GREW went up and every counter in SAME stayed.
dg_counted() {
	local desc=$1 before=$2 after=$3 n a b bad=() got=() same=
	shift 3
	for n in "$@"; do
		if [ "$n" = -- ]; then
			same=1
			continue
		fi
		b=$(dg_val "$before" "$n")
		a=$(dg_val "$after" "$n")
		if [ "$a" = missing ] || [ "$b" = missing ]; then
			bad+=("$n missing")
		elif [ -z "$same" ]; then
			got+=("$n $b->$a")
			[ "$a" -gt "$b" ] || bad+=("$n did not grow: $b -> $a")
		else
			[ "$a" -eq "$b" ] || bad+=("$n changed: $b -> $a")
		fi
	done
	if [ ${#bad[@]} -eq 0 ]; then
		ok "$desc (${got[*]})"
	else
		not_ok "$desc" "${bad[@]}"
	fi
}

# dg_login DESC: log in; records the result, returns its status.
dg_login() {
	local out
	if out=$(ix_login); then
		ok "$1: login"
		return 0
	fi
	not_ok "$1: login" "$out" "$(ix_dmesg_since | tail -n 15)" "$(ix_iscsid_log 10)"
	return 1
}

# dg_io DESC MIB: MIB MiB of random data written to the LUN and read back
# identical (O_DIRECT both ways, so it crossed the wire).
dg_io() {
	local desc=$1 mib=$2 disk
	if ! disk=$(ix_disk); then
		not_ok "$desc: the LUN appears" "$(iscsiadm -m session -P 3 2>&1 | tail -n 15)"
		return 1
	fi
	head -c $((mib * 1024 * 1024)) /dev/urandom >"$DG_PAT"
	check "$desc: $mib MiB written and read back identical" bash -c "
		dd if=$DG_PAT of=/dev/$disk bs=256k oflag=direct conv=fsync status=none &&
		dd if=/dev/$disk bs=256k count=$((mib * 4)) iflag=direct status=none | cmp - $DG_PAT"
}

# dg_session DESC DIGEST DECISION MIB: log in with the node and target as
# they are; the session must run with HeaderDigest and DataDigest DIGEST
# (None or CRC32C) under the CRC decision DECISION and carry MIB MiB
# intact. Its I/O must be counted accordingly: with CRC32C every PDU has
# its digests computed and none skipped; with None each is skipped for the
# decision's reason and no CRC is computed at all. Logs out at the end.
dg_session() {
	local desc=$1 dg=$2 dec=$3 mib=$4 why w s0 s1 skips=()
	ix_dmesg_mark
	dg_login "$desc" || return 1
	check_eq "$desc: iscsiadm HeaderDigest" "$dg" "$(ix_session_field HeaderDigest)"
	check_eq "$desc: iscsiadm DataDigest" "$dg" "$(ix_session_field DataDigest)"
	check "$desc: dmesg: full feature phase with digests $dg, CRC decision $dec" \
		ix_dmesg_grep -F "full feature phase: header digest $dg, data digest $dg (CRC decision: $dec)"
	check_eq "$desc: xguard shows the CRC decision" "$dec" "$(dg_conn_crc)"
	s0=$(dg_snap)
	dg_io "$desc" "$mib"
	s1=$(dg_snap)
	case "$dec" in
	offloaded) why=offloaded ;;
	disabled) why=disabled_by_policy ;;
	*) why=negotiated_none ;;
	esac
	for w in negotiated_none offloaded disabled_by_policy; do
		[ "$dg" = None ] && [ "$w" = "$why" ] && continue
		skips+=("hdr_digest_skipped_$w" "data_digest_skipped_$w")
	done
	if [ "$dg" = CRC32C ]; then
		dg_counted "$desc: the I/O's digests computed, none skipped" "$s0" "$s1" \
			hdr_digest_computed data_digest_computed -- "${skips[@]}"
	else
		dg_counted "$desc: the I/O's digests skipped ($why), no other reason" "$s0" "$s1" \
			hdr_digest_skipped_$why data_digest_skipped_$why -- "${skips[@]}"
		check_eq "$desc: no CRC computed in the session" "0 0" \
			"$(dg_val "$s1" hdr_digest_computed) $(dg_val "$s1" data_digest_computed)"
	fi
	check_eq "$desc: no digest failed" "0 0" \
		"$(dg_val "$s1" hdr_digest_failed) $(dg_val "$s1" data_digest_failed)"
	check_eq "$desc: no I/O or connection error in the kernel log" "" \
		"$(dg_log_errors)"
	check "$desc: logout" ix_logout
}

ix_transport_up || done_testing
sg_pyjson_start
for m in esp4_offload xg_offload_pair; do
	if ! load_module "$m"; then
		skip "digest matrix" "cannot load $m"
		done_testing
	fi
done
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "xgoff pair between the initial namespace and t" dg_xgoff_up || done_testing
step "LIO target with a $MIB MiB RAM LUN" ix_target_up "$MIB" rd || done_testing
step "LUN 0 mapped for the initiator's ACL" ix_target_acl || done_testing
step "target offers HeaderDigest and DataDigest CRC32C,None" bash -c \
	"echo CRC32C,None >$IX_TPG/param/HeaderDigest && echo CRC32C,None >$IX_TPG/param/DataDigest"
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
step "node offers HeaderDigest and DataDigest CRC32C,None" ix_node_digests CRC32C,None CRC32C,None

# --- (a) offloaded ESP ------------------------------------------------------------
step "addresses on the xgoff pair" dg_link xgoff || done_testing
step "AES-GCM SAs offloaded to the xgoff pair, TCP policies" dg_sa_offload || done_testing
check "all four SAs are crypto-offloaded" dg_offloaded

if ! ix_is_xfrm; then
	ix_dmesg_mark
	if out=$(ix_login); then
		diag "anchor $IX_MODULE over offloaded ESP, node and target CRC32C,None:" \
			"HeaderDigest $(ix_session_field HeaderDigest)," \
			"DataDigest $(ix_session_field DataDigest) (no CRC decision: it has no guard)"
		ix_logout >/dev/null
	else
		diag "anchor $IX_MODULE over offloaded ESP: login failed: $out"
	fi
	skip "digest matrix" "the CRC decision is iscsi_xfrm's; IX_MODULE=$IX_MODULE"
	done_testing
fi

step "profile: crc auto" dg_crc auto
tx0=$(dg_xcnt "$DG_XI" tx_esp)
rx0=$(dg_xcnt "$DG_XT" rx_esp_ok)
dg_session "offload, crc auto" None offloaded "$MIB"
check "offload, crc auto: the login offer followed the CRC decision (dmesg)" \
	ix_dmesg_grep -F "digest offer follows the CRC decision (offloaded)"
tx1=$(dg_xcnt "$DG_XI" tx_esp)
rx1=$(dg_xcnt "$DG_XT" rx_esp_ok)
check "offload, crc auto: the iSCSI traffic went through the offloaded SAs ($tx0 -> $tx1 sent, $rx0 -> $rx1 received)" \
	test "$tx1" -gt "$tx0" -a "$rx1" -gt "$rx0"

# --- (c) crc=always over offloaded ESP --------------------------------------------
step "profile: crc always" dg_crc always
dg_session "offload, crc always" CRC32C forced "$MIB"

# --- (b) software ESP ---------------------------------------------------------------
ix_sa_down
step "addresses on the veth" dg_link veth || done_testing
step "software AES-GCM SAs and policies" ix_sa_up gcm || done_testing
check "no SA is offloaded" bash -c "! ip xfrm state | grep -q 'crypto offload'"
step "profile: crc auto" dg_crc auto
dg_session "software ESP, crc auto" CRC32C software "$MIB"

# --- (c) crc=always over software ESP -----------------------------------------------
step "profile: crc always" dg_crc always
dg_session "software ESP, crc always" CRC32C forced 1

step "node offers HeaderDigest and DataDigest None" ix_node_digests None None
ix_dmesg_mark
accepts=$(ix_login_accepts)
check "crc always, node None: login refused at once (iscsiadm error 24)" \
	ix_login_refused_at_once
check_fails "crc always, node None: no session" ix_sid
check_eq "crc always, node None: no login reached LIO" "$accepts" "$(ix_login_accepts)"
check "crc always, node None: dmesg: login refused: crc_required" \
	ix_dmesg_grep -F "login refused: crc_required"
check "crc always, node None: dmesg: the guard reports the owner's refusal" \
	ix_dmesg_grep -E "xfrm_guard: refused by owner iscsi .*: crc_required"
ix_logout_all

# A target that refuses digests: LIO answers "CRC32C" offers it cannot
# accept by failing the login, so no session may come of it.
step "node offers CRC32C,None again" ix_node_digests CRC32C,None CRC32C,None
step "target offers HeaderDigest and DataDigest None only" bash -c \
	"echo None >$IX_TPG/param/HeaderDigest && echo None >$IX_TPG/param/DataDigest"
ix_dmesg_mark
accepts=$(ix_login_accepts)
check_fails "crc always, target refuses digests: login fails" ix_login 90
check_fails "crc always, target refuses digests: no session" ix_sid
check_eq "crc always, target refuses digests: LIO accepted no login" "$accepts" \
	"$(ix_login_accepts)"
check "crc always, target refuses digests: what reached LIO offered CRC32C only (LIO's log)" \
	ix_dmesg_grep -F "value list \"CRC32C\" contains no valid values from Acceptor's value list \"None\""
if ix_dmesg_since | grep -q crc_required; then
	diag "crc always, target refuses digests: dmesg names crc_required"
else
	diag "crc always, target refuses digests: the target ends the login before" \
		"the transport sees a negotiated None; no crc_required in dmesg"
fi
ix_logout_all
step "target offers CRC32C,None again" bash -c \
	"echo CRC32C,None >$IX_TPG/param/HeaderDigest && echo CRC32C,None >$IX_TPG/param/DataDigest"

# --- (d) crc=never over software ESP ----------------------------------------------
step "profile: crc never" dg_crc never
step "node offers HeaderDigest and DataDigest None" ix_node_digests None None
dg_session "software ESP, crc never, node None" None disabled 1
step "node offers HeaderDigest and DataDigest CRC32C" ix_node_digests CRC32C CRC32C
dg_session "software ESP, crc never, node CRC32C (never weakened)" CRC32C disabled 1
step "node offers HeaderDigest and DataDigest CRC32C,None" ix_node_digests CRC32C,None CRC32C,None
dg_session "software ESP, crc never, node CRC32C,None" None disabled 1
check "crc never, node CRC32C,None: the offer was narrowed to None (dmesg)" \
	ix_dmesg_grep -F "digest offer follows the CRC decision (disabled)"

step "profile: crc auto" dg_crc auto

done_testing
