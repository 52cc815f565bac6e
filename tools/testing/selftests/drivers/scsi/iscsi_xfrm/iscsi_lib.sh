#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the end-to-end iSCSI selftests, sourced after lib.sh. The
# peers are the real ones: stock open-iscsi (iscsid, iscsiadm) in the VM's
# initial network namespace, where its netlink socket to the kernel lives,
# and the in-kernel LIO target, configured through configfs, listening in a
# namespace of its own ("t"); a veth pair joins them and ESP transport-mode
# SAs protect the TCP connection between them.
#
#   IX_MODULE   the initiator transport under test, iscsi_tcp (the in-tree
#               anchor, default) or iscsi_xfrm; both register the transport
#               "tcp" and only one of them can be loaded.
#
#   ix_each_transport iscsi_tcp iscsi_xfrm  run the test once per transport
#   ix_transport_up || done_testing     load IX_MODULE (skips when
#                                       iscsi_xfrm registers no transport)
#   step DESC ix_net_up                 namespace t and the veth link
#   step DESC ix_target_up MIB [rd|fileio]  LIO target with one LUN
#   step DESC ix_target_acl [CHAP...]   or ix_target_demo
#   step DESC ix_sa_up gcm              SAs and policies on both sides
#   step DESC ix_iscsid_up              iscsid for this run
#   step DESC ix_node_new               static node record
#   ix_login; disk=$(ix_disk)           login, its sdX
#
# Set-up helpers record what they make (namespaces, cleanups, variables),
# so they must run in the test's shell: through step, not check (which
# runs its command in a subshell). Everything is undone at exit, in
# reverse order (lib.sh's at_exit).

# ix_each_transport [MODULE...]: when IX_MODULE is not set, run this test
# once per transport (default: both), each run in its own process with its
# own namespaces and cleanup, and relay its results here prefixed with the
# transport's name; then end. With IX_MODULE set, return and run as is.
# IX_MODULES overrides the list. A run's "# RESULT ..." lines are kept in
# IX_RESULTS ("MODULE ..."), for a function ix_each_done, if the test has
# one, to sum up before the end.
#
# IX_FLAVOUR_MODULES ("FLAVOUR:MODULE[,MODULE] ...", set by the test)
# narrows the list on a VM flavour of make check (guest-run exports
# SANGUARD_FLAVOUR): the debug kernel's sanitizers are there for our code,
# so the anchor's comparison run can go to the base kernel, where it costs
# a fraction. By hand, or with IX_MODULES, every transport runs.
# ix_data_mib SMALL LARGE: the data size for a volume test, IX_MIB if set.
# LARGE only where volume is the point: the base kernel of make check, or a
# kernel without sanitizers run by hand. The debug kernel (15-20 times
# slower under TCG) and Debian's kernel (there for coverage, not volume)
# get SMALL.
ix_data_mib() {
	if [ -n "${IX_MIB:-}" ]; then
		echo "$IX_MIB"
	elif [ "${SANGUARD_FLAVOUR:-}" = base ]; then
		echo "$2"
	elif [ -n "${SANGUARD_FLAVOUR:-}" ] || [ -e /sys/kernel/debug/kmemleak ] ||
	     [ -e /proc/lockdep ]; then
		echo "$1"
	else
		echo "$2"
	fi
}

IX_RESULTS=()
ix_each_transport() {
	local m line rc pid failed e list xenv
	[ -n "$IX_MODULE_GIVEN" ] && return 0
	[ $# -gt 0 ] || set -- iscsi_tcp iscsi_xfrm
	list=${IX_MODULES:-$*}
	if [ -z "${IX_MODULES:-}" ] && [ -n "${SANGUARD_FLAVOUR:-}" ]; then
		for e in ${IX_FLAVOUR_MODULES:-}; do
			[ "${e%%:*}" = "$SANGUARD_FLAVOUR" ] || continue
			list=${e#*:}
			list=${list//,/ }
		done
	fi
	xenv=
	[ "${SANGUARD_XTRACE:-}" = 1 ] && [ -r /tmp/sg-xtrace.env ] &&
		xenv=/tmp/sg-xtrace.env
	for m in $list; do
		diag "--- $m ---"
		failed=$SG_FAILED
		# BASH_ENV: under SANGUARD_XTRACE=1 (vm/guest-run.sh) the run
		# per transport is traced too, into the same file.
		exec {ix_fd}< <(IX_MODULE=$m BASH_ENV=$xenv bash "$0")
		pid=$!
		while IFS= read -r line <&$ix_fd; do
			case "$line" in
			"TAP version"* | 1..*) ;;
			"ok "*"# SKIP "*)
				line=${line#ok * - }
				skip "$m: ${line% \# SKIP *}" "${line##* \# SKIP }"
				;;
			"ok "*) ok "$m: ${line#ok * - }" ;;
			"not ok "*) not_ok "$m: ${line#not ok * - }" ;;
			"# RESULT "*)
				IX_RESULTS+=("$m ${line#\# RESULT }")
				echo "# [$m]${line#\#}"
				;;
			"#"*) echo "# [$m]${line#\#}" ;;
			*) echo "# [$m] $line" ;;
			esac
		done
		exec {ix_fd}<&-
		wait "$pid"
		rc=$?
		case $rc in
		0 | 4) ;;
		1) [ "$SG_FAILED" -gt "$failed" ] || not_ok "$m: the run exited with status 1" ;;
		*) not_ok "$m: the run ended with status $rc" ;;
		esac
	done
	if declare -F ix_each_done >/dev/null; then
		ix_each_done
	fi
	done_testing
}

TOP=$SG_TOP
XGUARD=$TOP/tools/xguard/xguard

IX_MODULE_GIVEN=${IX_MODULE:-}
IX_MODULE=${IX_MODULE:-iscsi_tcp}
IX_PORT=3260
# IX_FAMILY=6 runs a test over IPv6 (the names say 4 for history's sake).
IX_FAMILY=${IX_FAMILY:-4}
if [ "$IX_FAMILY" = 6 ]; then
	IX_I4=fd00:99:4::1		# initiator, initial namespace
	IX_T4=fd00:99:4::2		# target, namespace t
	IX_PLEN=64
	IX_PORTAL="[$IX_T4]:$IX_PORT"	# how LIO, iscsiadm and ss write it
	IX_NODAD=nodad
	IX_LOG_I="\\[$IX_I4\\]"		# the guard's log, as a regex
	IX_LOG_T="\\[$IX_T4\\]"
else
	IX_I4=10.99.4.1
	IX_T4=10.99.4.2
	IX_PLEN=24
	IX_PORTAL=$IX_T4:$IX_PORT
	IX_LOG_I=$IX_I4
	IX_LOG_T=$IX_T4
fi
IX_IF=$SG_PREFIX-i		# the veth end in the initial namespace
IX_TIF=veth-i			# the veth end in namespace t
IX_TGT_IQN=iqn.2003-01.org.sanguard.test:tgt-$SG_PREFIX
IX_INI_IQN=iqn.2003-01.org.sanguard.test:ini-$SG_PREFIX
IX_TMP=/tmp/$SG_PREFIX.iscsi
IX_CFS=/sys/kernel/config/target
IX_TPG=$IX_CFS/iscsi/$IX_TGT_IQN/tpgt_1
IX_LOGIN_STATS=$IX_CFS/iscsi/$IX_TGT_IQN/fabric_statistics/iscsi_login_stats
IX_LOGOUT_STATS=$IX_CFS/iscsi/$IX_TGT_IQN/fabric_statistics/iscsi_logout_stats
IX_ISCSID=
IX_CAP=
IX_BACKSTORE=
GCM_KEY_IT=0x2102030405060708090a0b0c0d0e0f1011121314
GCM_KEY_TI=0x3112131415161718191a1b1c1d1e1f2021222324

mkdir -p "$IX_TMP"
at_exit "rm -rf $IX_TMP"

# step DESC CMD...: like check, but CMD runs in this shell, so the
# namespaces, variables and cleanups it sets up stay (check runs it in a
# subshell). Returns CMD's status.
step() {
	local desc=$1 rc
	shift
	"$@" >"$IX_TMP/step.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "exit status: $rc" "$(cat "$IX_TMP/step.out")"
	fi
	return $rc
}

# tnet CMD...: run CMD in namespace t but keep the mounts (configfs and
# debugfs stay visible; "ip netns exec" would remount /sys).
tnet() { nsenter --net=/run/netns/"$NS_t" "$@"; }

# --- the transport ----------------------------------------------------------

ix_other_module() {
	case "$IX_MODULE" in
	iscsi_xfrm) echo iscsi_tcp ;;
	*) echo iscsi_xfrm ;;
	esac
}

# ix_transport_up: load IX_MODULE for the test's lifetime, with the other
# "tcp" transport out of the way. Returns 1 after recording a failure or a
# skip when there is nothing to test; the caller then ends the test.
ix_transport_up() {
	local other m ix_unload_at_exit=()
	other=$(ix_other_module)
	case "$IX_MODULE" in
	iscsi_tcp | iscsi_xfrm) ;;
	*)
		not_ok "IX_MODULE is iscsi_tcp or iscsi_xfrm" "IX_MODULE=$IX_MODULE"
		return 1
		;;
	esac
	if [ -d "/sys/module/$other" ] && ! modprobe -r "$other" 2>/dev/null; then
		not_ok "$other unloaded to make room for $IX_MODULE" \
			"$(lsmod | grep -E "^($other|libiscsi)")"
		return 1
	fi
	if [ "$IX_MODULE" = iscsi_xfrm ]; then
		if ! modinfo iscsi_xfrm >/dev/null 2>&1; then
			skip "iscsi_xfrm transport" "iscsi_xfrm.ko is not built"
			return 1
		fi
		load_module xfrm_guard || { not_ok "load xfrm_guard"; return 1; }
	fi
	# What the transport pulls in goes again at exit, unless it was there.
	for m in scsi_transport_iscsi libiscsi libiscsi_tcp; do
		[ -d "/sys/module/$m" ] || ix_unload_at_exit+=("$m")
	done
	if ! load_module "$IX_MODULE"; then
		not_ok "load $IX_MODULE"
		return 1
	fi
	ix_mods_after "$IX_MODULE" "${ix_unload_at_exit[@]}"
	if [ ! -d /sys/class/iscsi_transport/tcp ]; then
		if [ "$IX_MODULE" = iscsi_xfrm ]; then
			skip "iscsi_xfrm transport" \
				"iscsi_xfrm.ko loads but registers no iSCSI transport yet"
		else
			not_ok "$IX_MODULE registers the iSCSI transport \"tcp\""
		fi
		return 1
	fi
	if [ -d "/sys/module/$other" ]; then
		not_ok "only $IX_MODULE provides the transport \"tcp\"" \
			"$other is loaded too (a modprobe.d install rule?)"
		return 1
	fi
	diag "transport \"tcp\" from $IX_MODULE"
	return 0
}

# ix_mods_after MOD DEP...: the DEPs that are loaded now are unloaded at
# exit right after MOD (lib.sh unloads its list in reverse), so that the
# modules MOD depends on and pulled in do not stay behind.
ix_mods_after() {
	local mod=$1 i d mods=()
	shift
	for ((i = 0; i < ${#SG_MODS[@]}; i++)); do
		if [ "${SG_MODS[$i]}" = "$mod" ]; then
			for d in "$@"; do
				[ -d "/sys/module/$d" ] && mods+=("$d")
			done
		fi
		mods+=("${SG_MODS[$i]}")
	done
	SG_MODS=("${mods[@]}")
}

ix_is_xfrm() { [ "$IX_MODULE" = iscsi_xfrm ]; }

# --- the network --------------------------------------------------------------

# ix_net_up: namespace t, a veth pair from the initial namespace into it.
ix_net_up() {
	ns_add t || return 1
	ip link add "$IX_IF" type veth peer name "$IX_TIF" netns "$NS_t" || return 1
	at_exit "ip link del $IX_IF"
	# nodad: an IPv6 address is usable at once
	ip addr add $IX_I4/$IX_PLEN dev "$IX_IF" ${IX_NODAD:-} &&
	ip -n "$NS_t" addr add $IX_T4/$IX_PLEN dev "$IX_TIF" ${IX_NODAD:-} &&
	ip link set "$IX_IF" up &&
	ip -n "$NS_t" link set "$IX_TIF" up || return 1
	at_exit ix_sa_down
	# the first packets should not wait for neighbour discovery
	ping -c1 -W5 $IX_T4 >/dev/null
}

# ixip WHERE ARGS...: "ip ARGS" in the initial namespace (WHERE=init) or in
# namespace t (WHERE=t).
ixip() {
	local where=$1
	shift
	if [ "$where" = init ]; then
		ip "$@"
	else
		ip -n "$NS_t" "$@"
	fi
}

# ixip_batch WHERE: run the batch gathered with ipb (lib.sh) in one ip
# process, in the initial namespace (WHERE=init) or in namespace t.
ixip_batch() {
	if [ "$1" = init ]; then
		ipb_run
	else
		ipb_run "$NS_t"
	fi
}

# ix_sa WHERE SRC DST SPI REPLAY ALG...: one transport-mode ESP SA;
# ix_sa_batch SRC DST SPI REPLAY ALG... adds it to the ipb batch instead.
ix_sa() {
	local where=$1
	shift
	ix_sa_batch "$@" && ixip_batch "$where"
}
ix_sa_batch() {
	local src=$1 dst=$2 spi=$3 replay=$4
	shift 4
	ipb xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		reqid 4 mode transport replay-window "$replay" "$@"
}

# ix_sa_alg KIND DIR: set IX_ALG to the algorithm arguments of an SA of
# KIND for direction DIR ("it" initiator to target, "ti" back).
#   gcm      AES-GCM-128 (RFC 4106), the protected case
#   replay0  the same (the caller takes the anti-replay window away)
#   des      cbc(des) with hmac(sha1), denied by the guard's default profile
#   null     NULL encryption with hmac(sha256): integrity, no confidentiality
IX_ALG=()
ix_sa_alg() {
	local b
	[ "$2" = it ] && b=0 || b=1
	case "$1" in
	gcm | replay0)
		[ "$2" = it ] && IX_ALG=(aead 'rfc4106(gcm(aes))' $GCM_KEY_IT 128) ||
			IX_ALG=(aead 'rfc4106(gcm(aes))' $GCM_KEY_TI 128)
		;;
	des)
		IX_ALG=(enc 'cbc(des)' 0x${b}102030405060708
			auth-trunc 'hmac(sha1)' 0x${b}102030405060708090a0b0c0d0e0f1011121314 96)
		;;
	null)
		IX_ALG=(enc 'ecb(cipher_null)' ''
			auth-trunc 'hmac(sha256)' 0x${b}102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20 128)
		;;
	*) return 1 ;;
	esac
}

# ix_sa_pair KIND: the two SAs (initiator to target SPI 0x4100, back 0x4200)
# in both namespaces. KIND replay0 is gcm whose SA into the initiator has no
# anti-replay window (RFC 3723 2.3.1 wants one).
ix_sa_pair() {
	local kind=$1 where replay_ti=32
	[ "$kind" = replay0 ] && replay_ti=0
	for where in init t; do
		ix_sa_alg "$kind" it || return 1
		ix_sa_batch $IX_I4 $IX_T4 0x4100 32 "${IX_ALG[@]}" || return 1
		ix_sa_alg "$kind" ti || return 1
		ix_sa_batch $IX_T4 $IX_I4 0x4200 $replay_ti "${IX_ALG[@]}" || return 1
		ixip_batch $where || return 1
	done
}

# ix_sa_rekey SPI: a new AES-GCM SA from the initiator to the target, with
# SPI, in both namespaces, as a key exchange would make after the old one
# went. (Adding the old SPI back would not do: the target's copy of it has
# seen the sequence numbers a fresh SA starts again from, and drops them
# as replays.)
ix_sa_rekey() {
	local where
	ix_sa_alg gcm it
	for where in init t; do
		ix_sa $where $IX_I4 $IX_T4 "$1" 32 "${IX_ALG[@]}" || return 1
	done
}

# ix_policies_batch WHERE: the two policies of namespace WHERE (init or t)
# that make TCP between the two addresses use ESP, into the ipb batch.
# (Removal is not batched: ip keeps a "deleteall" filter for the next
# command of a batch, and stops at a "delete" that fails.)
ix_policies_batch() {
	local out=out in=in
	[ "$1" = init ] || { out=in; in=out; }
	ipb xfrm policy add src $IX_I4 dst $IX_T4 proto tcp dir $out \
		tmpl src $IX_I4 dst $IX_T4 proto esp reqid 4 mode transport &&
	ipb xfrm policy add src $IX_T4 dst $IX_I4 proto tcp dir $in \
		tmpl src $IX_T4 dst $IX_I4 proto esp reqid 4 mode transport
}

# ix_policies_up [WHERE...]: TCP between the two addresses must use ESP, in
# the given namespaces (default both).
ix_policies_up() {
	local where
	[ $# -gt 0 ] || set -- init t
	for where in "$@"; do
		ix_policies_batch "$where" && ixip_batch "$where" || return 1
	done
}

# ix_sa_up KIND: SAs of KIND and the policies that require them.
ix_sa_up() {
	ix_sa_pair "$1" && ix_policies_up
}

# ix_policies_down [WHERE...], ix_sa_down: remove only what these helpers
# made (the initial namespace is shared with everything else in the VM).
# ix_policies_down fails if a policy was not there.
ix_policies_down() {
	local where rc=0 out in
	[ $# -gt 0 ] || set -- init t
	for where in "$@"; do
		out=out in=in
		[ "$where" = init ] || { out=in; in=out; }
		ixip "$where" xfrm policy delete src $IX_I4 dst $IX_T4 proto tcp dir $out || rc=1
		ixip "$where" xfrm policy delete src $IX_T4 dst $IX_I4 proto tcp dir $in || rc=1
	done
	return $rc
}

ix_sa_del() {
	local where=$1 src=$2 dst=$3 spi=$4
	ixip "$where" xfrm state delete src "$src" dst "$dst" proto esp spi "$spi"
}

# Namespace t is the test's own: flushed in one batch. In the initial
# namespace the SAs go by their reqid (4, the helpers' own).
ix_sa_down() {
	ix_policies_down init 2>/dev/null
	ip xfrm state deleteall proto esp reqid 4 2>/dev/null
	ipb xfrm policy flush
	ipb xfrm state flush
	ixip_batch t 2>/dev/null
	return 0
}

# --- capture in namespace t -----------------------------------------------

# ix_capture_start: record every TCP segment of port 3260 that crosses the
# target's veth in the clear, and the ESP packets (IP protocol 50, their
# TCP segments cannot be seen).
ix_capture_start() {
	ix_capture_stop
	rm -f "$IX_TMP/cap.pcap" "$IX_TMP/cap.err"
	ip netns exec "$NS_t" tcpdump -i "$IX_TIF" -nn -U --immediate-mode -s 128 \
		-w "$IX_TMP/cap.pcap" "tcp port $IX_PORT or esp" 2>"$IX_TMP/cap.err" &
	IX_CAP=$!
	local i
	for i in {1..50}; do
		grep -q "listening on" "$IX_TMP/cap.err" 2>/dev/null && return 0
		sg_nap 0.1
	done
	return 1
}

ix_capture_stop() {
	[ -n "$IX_CAP" ] || return 0
	sg_nap 0.5
	kill "$IX_CAP" 2>/dev/null
	wait "$IX_CAP" 2>/dev/null
	IX_CAP=
}
at_exit ix_capture_stop

# ix_capture_complete: the stopped capture wrote every packet the filter
# took (else a count of zero would prove nothing), but for the one or two
# the stop may catch on their way.
ix_capture_complete() {
	local got took
	got=$(sed -n 's/^\([0-9]*\) packets\? captured$/\1/p' "$IX_TMP/cap.err")
	took=$(sed -n 's/^\([0-9]*\) packets\? received by filter$/\1/p' "$IX_TMP/cap.err")
	[ -n "$got" ] && [ -n "$took" ] && [ $((took - got)) -le 2 ] && return 0
	cat "$IX_TMP/cap.err"
	return 1
}

# ix_cap_count [FILTER]: cleartext TCP segments of port 3260 in the
# capture (or the packets matching FILTER).
ix_cap_count() {
	tcpdump -r "$IX_TMP/cap.pcap" -nn "${1:-tcp port $IX_PORT}" 2>/dev/null | wc -l
}

# ix_cap_syns: connection attempts toward the portal seen in the clear.
ix_cap_syns() {
	ix_cap_count "tcp dst port $IX_PORT and $IX_SYN"
}

# ix_cap_esp [to|from]: ESP packets toward the target, from it, or both.
ix_cap_esp() {
	case "${1:-}" in
	to) ix_cap_count "esp and dst host $IX_T4" ;;
	from) ix_cap_count "esp and src host $IX_T4" ;;
	*) ix_cap_count esp ;;
	esac
}

# BPF: TCP segments that carry payload (IPv4 total length minus both
# headers; IPv6 payload length minus the TCP header). libpcap's tcp[] does
# not reach behind IPv6, so the IPv6 form reads the TCP header at offset 40
# (our veth traffic has no extension headers; next header must be TCP).
if [ "$IX_FAMILY" = 6 ]; then
	IX_PAYLOAD='(ip6[6] == 6 and (ip6[4:2] - ((ip6[52] & 0xf0) >> 2)) > 0)'
	IX_SYN='(ip6[6] == 6 and ip6[53] & 0x02 != 0)'
else
	IX_PAYLOAD='(ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2)) > 0'
	IX_SYN='tcp[tcpflags] & tcp-syn != 0'
fi

# ix_cap_payload [to|from]: cleartext segments with iSCSI bytes in them,
# toward the target, from it, or both.
ix_cap_payload() {
	case "${1:-}" in
	to) ix_cap_count "tcp dst port $IX_PORT and $IX_PAYLOAD" ;;
	from) ix_cap_count "tcp src port $IX_PORT and $IX_PAYLOAD" ;;
	*) ix_cap_count "tcp port $IX_PORT and $IX_PAYLOAD" ;;
	esac
}

# --- the LIO target -------------------------------------------------------------

# ix_target_up SIZE_MIB [rd|fileio]: an iSCSI target IX_TGT_IQN, portal
# IX_T4:3260 listening in namespace t, one LUN of SIZE_MIB backed by RAM
# (rd_mcp) or by a file in /tmp (fileio). No ACL and no authentication
# until ix_target_acl or ix_target_demo says otherwise.
ix_target_up() {
	local mib=$1 kind=${2:-rd} dev
	local m
	# target_core_mod loads backends on its own; they pin it, so the ones
	# that were not there before go in ix_target_down
	IX_BACKENDS=()
	for m in target_core_file target_core_iblock target_core_pscsi target_core_user; do
		[ -d "/sys/module/$m" ] || IX_BACKENDS+=("$m")
	done
	load_module target_core_mod || return 1
	at_exit ix_backends_down
	load_module iscsi_target_mod || return 1
	[ -d $IX_CFS/iscsi ] || mkdir $IX_CFS/iscsi || return 1
	at_exit ix_target_down
	case "$kind" in
	rd)
		IX_BACKSTORE=$IX_CFS/core/rd_mcp_$$
		dev=$IX_BACKSTORE/lun$$
		mkdir -p "$dev" &&
		echo "rd_pages=$((mib * 1024 * 1024 / $(getconf PAGESIZE)))" >"$dev/control" ||
			return 1
		;;
	fileio)
		IX_BACKSTORE=$IX_CFS/core/fileio_$$
		dev=$IX_BACKSTORE/lun$$
		truncate -s "${mib}M" "$IX_TMP/lun.img" &&
		mkdir -p "$dev" &&
		echo "fd_dev_name=$IX_TMP/lun.img,fd_dev_size=$((mib * 1024 * 1024))" \
			>"$dev/control" || return 1
		;;
	*) return 1 ;;
	esac
	echo 1 >"$dev/enable" || return 1
	mkdir -p "$IX_TPG/lun/lun_0" &&
	ln -s "$dev" "$IX_TPG/lun/lun_0/disk" || return 1
	# The portal's listening socket is made in the namespace of the
	# process that writes the configfs entry: namespace t.
	tnet mkdir "$IX_TPG/np/$IX_PORTAL" || return 1
	echo 0 >"$IX_TPG/attrib/authentication" &&
	echo 1 >"$IX_TPG/enable"
}

# ix_target_listens: the portal listens in namespace t, and not in the
# initial namespace.
ix_target_listens() {
	ip netns exec "$NS_t" ss -Htln "sport = :$IX_PORT" | grep -qF "$IX_PORTAL" &&
		! ss -Htln "sport = :$IX_PORT" | grep -q .
}

# ix_target_demo: any initiator, read-write, no authentication.
ix_target_demo() {
	echo 1 >"$IX_TPG/attrib/generate_node_acls" &&
	echo 1 >"$IX_TPG/attrib/cache_dynamic_acls" &&
	echo 0 >"$IX_TPG/attrib/demo_mode_write_protect"
}

# ix_target_acl [USER PASS [MUSER MPASS]]: only IX_INI_IQN, LUN 0 mapped;
# with USER and PASS the initiator must answer CHAP, with MUSER and MPASS
# the target answers the initiator's challenge too (mutual CHAP).
ix_target_acl() {
	local acl=$IX_TPG/acls/$IX_INI_IQN
	echo 0 >"$IX_TPG/attrib/generate_node_acls" || return 1
	mkdir -p "$acl/lun_0" || return 1
	[ -e "$acl/lun_0/disk" ] || ln -s "$IX_TPG/lun/lun_0" "$acl/lun_0/disk" || return 1
	if [ $# -ge 2 ]; then
		# LIO keeps these verbatim, a trailing newline included;
		# "NULL" clears one
		printf '%s' "$1" >"$acl/auth/userid" &&
		printf '%s' "$2" >"$acl/auth/password" &&
		printf '%s' "${3:-NULL}" >"$acl/auth/userid_mutual" &&
		printf '%s' "${4:-NULL}" >"$acl/auth/password_mutual" &&
		echo 1 >"$IX_TPG/attrib/authentication"
	else
		echo 0 >"$IX_TPG/attrib/authentication"
	fi
}

# ix_target_param NAME VALUE: a negotiation key's offer (HeaderDigest ...).
ix_target_param() { echo "$2" >"$IX_TPG/param/$1"; }

IX_BACKENDS=()
ix_target_down() {
	local d l
	[ -d "$IX_CFS/iscsi/$IX_TGT_IQN" ] || { ix_backstore_down; return 0; }
	echo 0 >"$IX_TPG/enable" 2>/dev/null
	for d in "$IX_TPG"/acls/*/; do
		[ -d "$d" ] || continue
		for l in "$d"lun_*/; do
			[ -d "$l" ] || continue
			find "$l" -maxdepth 1 -type l -delete
			rmdir "$l"
		done
		rmdir "$d"
	done
	for l in "$IX_TPG"/lun/lun_*/; do
		[ -d "$l" ] || continue
		find "$l" -maxdepth 1 -type l -delete
		rmdir "$l"
	done
	for d in "$IX_TPG"/np/*/; do
		[ -d "$d" ] && rmdir "$d"
	done
	rmdir "$IX_TPG" "$IX_CFS/iscsi/$IX_TGT_IQN"
	ix_backstore_down
	# the fabric directory pins iscsi_target_mod
	rmdir $IX_CFS/iscsi 2>/dev/null
	return 0
}

ix_backends_down() {
	local m
	for m in "${IX_BACKENDS[@]}"; do
		[ -d "/sys/module/$m" ] && modprobe -r "$m"
	done
	return 0
}

ix_backstore_down() {
	[ -n "$IX_BACKSTORE" ] && [ -d "$IX_BACKSTORE" ] || return 0
	rmdir "$IX_BACKSTORE"/lun* 2>/dev/null
	rmdir "$IX_BACKSTORE"
	rm -f "$IX_TMP/lun.img"
}

# ix_logins: every login LIO finished for the target, successful or not
# (RFC 4544's counters; a login counts only once LIO has read a Login
# request naming the target).
# (Read by bash: tests poll these, and a process costs a third of a second
# on the debug kernel.)
ix_logins() {
	local f n=0 v
	for f in accepts other_fails redirects authorize_fails authenticate_fails \
		negotiate_fails; do
		read -r v <"$IX_LOGIN_STATS/$f" || return 1
		n=$((n + v))
	done
	echo $n
}
ix_login_accepts() { local v; read -r v <"$IX_LOGIN_STATS/accepts" && echo "$v"; }
ix_normal_logouts() { local v; read -r v <"$IX_LOGOUT_STATS/normal_logouts" && echo "$v"; }

# --- iscsid ---------------------------------------------------------------------

# ix_iscsid_up: an iscsid of our own, in the foreground (no systemd in the
# VM), with the initiator name IX_INI_IQN. It reads /etc/iscsi (a writable
# copy in the VM) and locks /run/lock/iscsi.
ix_iscsid_up() {
	local i
	if pgrep -x iscsid >/dev/null; then
		not_ok "no other iscsid is running" "$(pgrep -ax iscsid)"
		return 1
	fi
	mkdir -p /run/lock/iscsi /etc/iscsi/nodes /etc/iscsi/send_targets \
		/etc/iscsi/ifaces || return 1
	echo "InitiatorName=$IX_INI_IQN" >"$IX_TMP/initiatorname.iscsi"
	# its own session: on SIGTERM iscsid signals its whole process group
	setsid iscsid -f -i "$IX_TMP/initiatorname.iscsi" >>"$IX_TMP/iscsid.log" 2>&1 &
	IX_ISCSID=$!
	at_exit ix_iscsid_down
	# iscsiadm talks to it over an abstract unix socket
	for i in {1..100}; do
		ss -Hxl | grep -q ISCSIADM_ABSTRACT_NAMESPACE && return 0
		kill -0 "$IX_ISCSID" 2>/dev/null || break
		sg_nap 0.1
	done
	diag "iscsid did not come up:"
	sed 's/^/#   /' "$IX_TMP/iscsid.log"
	return 1
}

ix_iscsid_down() {
	[ -n "$IX_ISCSID" ] || return 0
	ix_logout_all
	kill "$IX_ISCSID" 2>/dev/null
	wait "$IX_ISCSID" 2>/dev/null
	IX_ISCSID=
}

# ix_iscsid_log: iscsid's messages so far, as TAP diagnostics.
ix_iscsid_log() { sed 's/^/#   iscsid: /' "$IX_TMP/iscsid.log" | tail -n "${1:-20}"; }

# --- the node (initiator side) -------------------------------------------------

IX_NODE=(-m node -T "$IX_TGT_IQN" -p "$IX_PORTAL")

# ix_node_new: a static node record for the target, no discovery.
ix_node_new() {
	iscsiadm "${IX_NODE[@]}" -o new >/dev/null || return 1
	at_exit ix_node_delete
	# a login that cannot succeed fails within a minute
	ix_node_set node.session.initial_login_retry_max 2 \
		node.conn[0].timeo.login_timeout 15
}

ix_node_delete() {
	ix_logout_all
	iscsiadm "${IX_NODE[@]}" -o delete >/dev/null 2>&1
}

# ix_node_set NAME VALUE...: update node settings, name value pairs, in
# one iscsiadm run (it takes any number of -n/-v pairs; a process start
# costs half a second on the debug kernel).
ix_node_set() {
	local args=()
	while [ $# -ge 2 ]; do
		args+=(-n "$1" -v "$2")
		shift 2
	done
	[ $# -eq 0 ] || return 1
	iscsiadm "${IX_NODE[@]}" -o update "${args[@]}" >/dev/null
}

# ix_node_digests HDR DATA: the initiator's HeaderDigest/DataDigest offers.
ix_node_digests() {
	ix_node_set node.conn[0].iscsi.HeaderDigest "$1" \
		node.conn[0].iscsi.DataDigest "$2"
}

# ix_node_chap [USER PASS [MUSER MPASS]]: CHAP (mutual with four), or none.
# Every credential is written, the unused ones emptied: iscsid offers CHAP
# whenever a secret is stored, and expects the target's answer whenever an
# incoming one is, whatever authmethod says.
ix_node_chap() {
	local m=None
	[ $# -ge 2 ] && m=CHAP
	ix_node_set node.session.auth.authmethod $m \
		node.session.auth.username "${1:-}" node.session.auth.password "${2:-}" \
		node.session.auth.username_in "${3:-}" node.session.auth.password_in "${4:-}"
}

# ix_login [SECONDS]: log in to the node, bounded in time.
ix_login() {
	timeout "${1:-120}" iscsiadm "${IX_NODE[@]}" --login 2>&1
}

# ix_login_refused_at_once: a login that must be refused ends with the
# final answer iscsi_xfrm gives a refused login (iscsiadm error 24), not
# with iscsid's retries running into a timeout.
ix_login_refused_at_once() {
	local out
	if out=$(ix_login 90); then
		echo "login succeeded: $out"
		return 1
	fi
	echo "$out" | grep -q "(24 - iSCSI login failed due to authorization failure)" && return 0
	echo "iscsiadm: $out"
	return 1
}

ix_logout() {
	timeout 60 iscsiadm "${IX_NODE[@]}" --logout 2>&1
}

ix_logout_all() {
	local i
	for i in 1 2 3; do
		ix_sid >/dev/null || return 0
		timeout 60 iscsiadm "${IX_NODE[@]}" --logout >/dev/null 2>&1 && return 0
		sleep 1
	done
	return 1
}

# ix_dir_empty DIR: DIR has no entries (a glob, not an ls per poll).
ix_dir_empty() {
	local e
	for e in "$1"/*; do
		[ -e "$e" ] || [ -L "$e" ] && return 1
	done
	return 0
}

# ix_sessions_gone: within 20 s, no session, connection or iSCSI host is
# left anywhere (iscsiadm and sysfs agree).
ix_sessions_gone() {
	local out rc
	for _ in {1..100}; do
		out=$(iscsiadm -m session 2>&1)
		rc=$?
		if [ $rc -eq 21 ] && ix_dir_empty /sys/class/iscsi_session &&
			ix_dir_empty /sys/class/iscsi_connection &&
			ix_dir_empty /sys/class/iscsi_host; then
			return 0
		fi
		sg_nap 0.2
	done
	echo "iscsiadm -m session: rc $rc: $out"
	ls /sys/class/iscsi_session /sys/class/iscsi_connection /sys/class/iscsi_host
	return 1
}

# ix_sid: the number of our session (sessionN in sysfs), if there is one.
ix_sid() {
	local s
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s/targetname" ] || continue
		if [ "$(cat "$s/targetname")" = "$IX_TGT_IQN" ]; then
			echo "${s##*session}"
			return 0
		fi
	done
	return 1
}

# ix_disk [SECONDS]: the block device (sdX) of LUN 0 of our session, once
# the SCSI scan has made it.
ix_disk() {
	local sid d i
	for ((i = 0; i < ${1:-30} * 5; i++)); do
		if sid=$(ix_sid); then
			for d in /sys/class/iscsi_session/session$sid/device/target*/*:*:*:0/block/*; do
				[ -e "$d" ] || continue
				echo "${d##*/}"
				return 0
			done
		fi
		sg_nap 0.2
	done
	return 1
}

# ix_conn_param NAME: a parameter of our session's connection (sysfs).
ix_conn_param() {
	local sid
	sid=$(ix_sid) || return 1
	cat /sys/class/iscsi_connection/connection"$sid":0/"$1" 2>/dev/null
}

# ix_local_port: the initiator's TCP port of the session's connection, as
# the socket table has it (a reinstated connection gets a new one).
ix_local_port() {
	ss -Htn state established "dst $IX_PORTAL" | awk '{print $3}' | sed 's/.*://' | sort -u
}

# ix_value_of NAME: from "NAME: VALUE" lines on standard input (leading
# blanks allowed, as iscsiadm indents them), the first VALUE. The shell
# reads the lines, not a sed process: the tests call this over and over,
# and each process costs a third of a second on the debug kernel.
ix_value_of() {
	local l
	while IFS= read -r l; do
		l=${l#"${l%%[![:space:]]*}"}
		[[ $l == "$1:"* ]] || continue
		l=${l#"$1:"}
		printf '%s\n' "${l#"${l%%[![:space:]]*}"}"
		return 0
	done
}

# ix_session_field NAME: a line of "iscsiadm -m session -P 3" for our
# session, e.g. "HeaderDigest", "iSCSI Connection State".
ix_session_field() {
	local sid
	sid=$(ix_sid) || return 1
	ix_value_of "$1" < <(iscsiadm -m session -r "$sid" -P 3 2>/dev/null)
}

# ix_session_stat NAME: a counter of "iscsiadm -m session -s" (txdata_octets,
# scsicmd_pdus, ...).
ix_session_stat() {
	local sid
	sid=$(ix_sid) || return 1
	ix_value_of "$1" < <(iscsiadm -m session -r "$sid" -s 2>/dev/null)
}

# --- the guard's policy ---------------------------------------------------------

# ix_xguard ARGS...: xguard in the initial namespace (the initiator's).
ix_xguard() { "$XGUARD" "$@"; }

# ix_profile_conf on|off: the initial namespace's default profile requires
# confidentiality or not; put back as it was at exit.
ix_profile_conf() {
	local was
	[ -x "$XGUARD" ] || return 1
	was=$("$XGUARD" -j profile show id 0 |
		python3 -c 'import json,sys; print("on" if json.load(sys.stdin)[0]["confidentiality"] else "off")') ||
		return 1
	at_exit "$XGUARD profile set id 0 conf $was"
	"$XGUARD" profile set id 0 conf "$1"
}

# --- kernel log -----------------------------------------------------------------

# ix_dmesg_mark; ix_dmesg_since: the kernel messages since the mark.
# One dmesg process each, the lines counted and cut by the shell.
ix_dmesg_mark() {
	local -a l
	mapfile -t l < <(dmesg)
	IX_DMESG_MARK=${#l[@]}
}
ix_dmesg_since() {
	local -a l
	mapfile -t l < <(dmesg)
	[ ${#l[@]} -le "$IX_DMESG_MARK" ] || printf '%s\n' "${l[@]:IX_DMESG_MARK}"
}
# ix_dmesg_grep GREP-ARGS...: grep -q over the kernel messages since the
# mark (two processes, where "bash -c 'dmesg | tail | grep'" took four).
ix_dmesg_grep() { grep -q "$@" < <(ix_dmesg_since); }

# ix_file_has_re FILE ERE: a line of FILE matches the extended regular
# expression ERE (grep -E -q, read by the shell: the fake targets' logs
# are polled a few hundred times a run).
ix_file_has_re() {
	local l
	while IFS= read -r l || [ -n "$l" ]; do
		[[ "$l" =~ $2 ]] && return 0
	done <"$1"
	return 1
}

# --- data -----------------------------------------------------------------------

# ix_secs_since T0 (from "date +%s.%N"): seconds, three decimals.
ix_secs_since() { echo "$(date +%s.%N) $1" | awk '{printf "%.3f", $1 - $2}'; }
# ix_rate MIB SECS: MiB/s, one decimal.
ix_rate() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.1f", $1 / $2; else print "inf" }'; }
