#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the srnic connection-manager tests (srnic_cm.sh, srnic_crc.sh):
# the test-only consumer srnic_cmulp driven from namespaces a and b, its
# state file read back, and what "rdma resource" says of a QP. Sourced
# after lib.sh, once NS_a and NS_b exist.
# shellcheck disable=SC2034,SC2154 # set and used by the tests that source it

XG=$SG_TOP/tools/xguard/xguard
CTL=/sys/kernel/debug/srnic_cmulp/ctl
PAR=/sys/module/srnic/parameters

# ua/ub CMD: a command to the consumer from namespace a or b, through a
# long-lived writer in each (ns_writer, lib.sh) once both exist.
ua() {
	if ns_writing a; then
		ns_write a "$*"
	else
		nsenter --net="/run/netns/$NS_a" bash -c "echo '$*' >$CTL"
	fi
}
ub() {
	if ns_writing b; then
		ns_write b "$*"
	else
		nsenter --net="/run/netns/$NS_b" bash -c "echo '$*' >$CTL"
	fi
}
# The state file is read by bash itself: the waits below poll it, and a
# process costs a third of a second on the debug kernel.
# field NAME KEY: a value of NAME's line (the word after KEY), quotes
# stripped.
field() {
	local w i
	while read -r -a w; do
		[ "${w[0]:-}" = "$1" ] || continue
		for ((i = 1; i < ${#w[@]} - 1; i++)); do
			[ "${w[i]}" != "$2" ] || printf '%s\n' "${w[i + 1]//\"/}"
		done
	done <"$CTL"
}
# field_is NAME KEY VALUE: for waits, which must read the field each time.
field_is() { [ "$(field "$1" "$2")" = "$3" ]; }
# count_event NAME EVENT: how often NAME's events include EVENT.
count_event() {
	local e n=0 all
	local -a evs
	all=$(field "$1" events)
	IFS=, read -r -a evs <<<"${all//$'\n'/,}"
	for e in "${evs[@]}"; do [ "$e" != "$2" ] || n=$((n + 1)); done
	echo $n
	[ $n -gt 0 ]
}
# has_event NAME EVENT: NAME's events include EVENT.
has_event() { count_event "$1" "$2" >/dev/null; }
wait_event() { wait_cond "${3:-20}" has_event "$1" "$2"; }
# exists NAME: the consumer has a connection NAME.
exists() {
	local n _
	while read -r n _; do [ "$n" != "$1" ] || return 0; done <"$CTL"
	return 1
}
xg() { "$XG" -n "$1" "${@:2}"; }
dmesg_mark() { DMESG_MARK=$(dmesg | wc -l); }
dmesg_since() { dmesg | tail -n +$((DMESG_MARK + 1)); }
# qp_drv_is NS DEV KEY VALUE: a QP of DEV, seen from NS, has the driver
# field "KEY VALUE" (rdma resource -dd prints it as drv_KEY); prints what
# rdma said if not.
qp_drv_is() {
	local out

	out=$(nsenter --net="/run/netns/$1" rdma -dd resource show qp link "$2" 2>&1)
	grep -qw "drv_$3 $4" <<<"$out" && return 0
	printf '%s\n' "$out"
	return 1
}
# qp_rtr_is NS DEV RTR: the RTR a QP sent or took (read, send, write, none).
qp_rtr_is() { qp_drv_is "$1" "$2" rtr "$3"; }
# qp_crc_is NS DEV CRC: whether a QP's stream has MPA CRCs (on, off).
qp_crc_is() { qp_drv_is "$1" "$2" crc "$3"; }
# established NS PORT: TCP connections on local port PORT in NS.
established() {
	ip netns exec "$1" ss -Htn state established "( sport = :$2 )" | wc -l
}
# established_is NS PORT N: for waits.
established_is() { [ "$(established "$1" "$2")" = "$3" ]; }
# counter_of NS DEV COUNTER: one of DEV's counters, seen from NS.
counter_of() {
	local -a w
	local i

	read -r -a w < <(nsenter --net="/run/netns/$1" rdma statistic show link "$2/1")
	for ((i = 0; i < ${#w[@]} - 1; i++)); do
		[ "${w[i]}" != "$3" ] || { echo "${w[i + 1]}"; return 0; }
	done
}
# Transport-mode AES-GCM keys, one per direction.
KAB=0x0102030405060708090a0b0c0d0e0f1011121314
KBA=0x1112131415161718191a1b1c1d1e1f2021222324
# esp_sa NS SRC DST SPI KEY [ARGS...]: one transport-mode AES-GCM SA; ARGS
# go to "ip xfrm state add" (offload dev DEV dir in|out).
esp_sa() {
	ip -n "$1" xfrm state add src "$2" dst "$3" proto esp spi "$4" reqid 1 \
		mode transport replay-window 32 aead 'rfc4106(gcm(aes))' "$5" 128 \
		"${@:6}"
}
# esp_pol NS SRC DST DIR: traffic SRC -> DST goes through ESP.
esp_pol() {
	ip -n "$1" xfrm policy add src "$2" dst "$3" proto tcp dir "$4" \
		tmpl src "$2" dst "$3" proto esp reqid 1 mode transport
}
# cm_pair_up ADDR_A ADDR_B DEV_A DEV_B: namespaces a and b (NS_a, NS_b), a
# writer of the consumer's control file in each, a veth between them with
# ADDR_A and ADDR_B, an srnic device on each end (DEV_A in a, DEV_B in b),
# the guard off in both; records each step, and ends the test if one
# fails.
cm_pair_up() {
	ns_add a && ns_add b && ns_writer a "$NS_a" "$CTL" &&
		ns_writer b "$NS_b" "$CTL" ||
		{ not_ok "namespaces a and b, a writer of the consumer's control file in each"; done_testing; }
	veth_link a "$1/24" b "$2/24"
	check "a srnic device in each namespace" \
		nsenter --net="/run/netns/$NS_a" rdma link add "$3" type srnic netdev veth-b
	at_exit "rdma link delete $3"
	check "and in b" \
		nsenter --net="/run/netns/$NS_b" rdma link add "$4" type srnic netdev veth-a
	at_exit "rdma link delete $4"
	xg "$NS_a" profile set mode off >/dev/null
	xg "$NS_b" profile set mode off >/dev/null
}
