#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the xfrm_guard selftests, sourced after lib.sh: the test owner
# module (a kernel TCP connection attached to the guard, made in namespace
# a), ESP SA pairs and policies between namespaces a and b, and a server in
# b that stores what it receives.

CTL=/sys/kernel/debug/xg_testowner/ctl
PORT=5000
A4=10.99.1.1
B4=10.99.1.2
A6=fd99:1::1
B6=fd99:1::2
GCM_KEY_AB=0x0102030405060708090a0b0c0d0e0f1011121314
GCM_KEY_BA=0x1112131415161718191a1b1c1d1e1f2021222324
RX=/tmp/$SG_PREFIX.rx

# owner CMD: run a test owner command in namespace a (nsenter keeps the
# mounts, so debugfs stays visible; "ip netns exec" would remount /sys),
# through the long-lived writer owner_writer starts if it runs.
owner() {
	if ns_writing owner; then
		ns_write owner "$*"
	else
		nsenter --net=/run/netns/"$NS_a" sh -c "echo '$*' > $CTL"
	fi
}
# owner_writer: once namespace a exists, for a test that sends many
# commands (ns_writer, lib.sh).
owner_writer() { ns_writer owner "$NS_a" "$CTL"; }
field() {
	local l

	while IFS= read -r l; do
		[[ $l != "$1: "* ]] || printf '%s\n' "${l#"$1: "}"
	done <"$CTL"
}
# field_is NAME VALUE: for wait loops, which must read the field each time.
field_is() { [ "$(field "$1")" = "$2" ]; }

# sa NS SRC DST SPI REPLAY ALG...: one transport-mode ESP SA.
sa() {
	local ns=$1 src=$2 dst=$3 spi=$4 replay=$5
	shift 5
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		reqid 1 mode transport replay-window "$replay" "$@"
}

# ipsec_up A B [REPLAY_INTO_A] [ALG...]: SAs and policies on both sides;
# the default is AES-GCM with a replay window of 32. One ip process per
# namespace (ipb, lib.sh).
ipsec_up() {
	local a=$1 b=$2 replay_a=${3:-32} ns
	shift 3 2>/dev/null || shift $#
	local alg_ab=(aead 'rfc4106(gcm(aes))' $GCM_KEY_AB 128)
	local alg_ba=(aead 'rfc4106(gcm(aes))' $GCM_KEY_BA 128)
	if [ $# -gt 0 ]; then
		alg_ab=("$@")
		alg_ba=("$@")
	fi
	for ns in "$NS_a" "$NS_b"; do
		ipb xfrm state add src "$a" dst "$b" proto esp spi 0x1000 \
			reqid 1 mode transport replay-window 32 "${alg_ab[@]}" &&
		ipb xfrm state add src "$b" dst "$a" proto esp spi 0x2000 \
			reqid 1 mode transport replay-window "$replay_a" "${alg_ba[@]}" &&
		policies_batch "$ns" "$a" "$b" &&
		ipb_run "$ns" || return 1
	done
}

# policies_batch NS A B: add to the batch the two policies of namespace NS
# (NS_a holds A, NS_b holds B) that make TCP between A and B use ESP.
policies_batch() {
	local ns=$1 a=$2 b=$3 out=out in=in
	[ "$ns" = "$NS_a" ] || { out=in; in=out; }
	ipb xfrm policy add src "$a" dst "$b" proto tcp dir $out \
		tmpl src "$a" dst "$b" proto esp reqid 1 mode transport &&
	ipb xfrm policy add src "$b" dst "$a" proto tcp dir $in \
		tmpl src "$b" dst "$a" proto esp reqid 1 mode transport
}

policies_up() {
	local a=$1 b=$2 ns
	for ns in "$NS_a" "$NS_b"; do
		policies_batch "$ns" "$a" "$b" && ipb_run "$ns" || return 1
	done
}

ipsec_down() {
	local ns
	owner close
	for ns in "$NS_a" "$NS_b"; do
		ipb xfrm policy flush
		ipb xfrm state flush
		ipb_run "$ns"
	done
	kill_server
}

SERVER=
# server: (re)start a one-connection server in b that stores what it gets.
server() {
	kill_server
	rm -f "$RX"
	ip netns exec "$NS_b" socat -u "TCP6-LISTEN:$PORT,reuseaddr,ipv6only=0" \
		"OPEN:$RX,creat,trunc" &
	SERVER=$!
	# Listening before anyone dials, however slow the machine is. ip
	# netns exec became socat: $SERVER's /proc/net is namespace b's.
	local i
	for i in {1..100}; do
		sg_proc_listening "$SERVER" "$PORT" && return
		sg_nap 0.2
	done
}
kill_server() {
	[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
	SERVER=
}
at_exit kill_server
at_exit "owner close"

# pcap_ready FILE: tcpdump -w writes the file header (24 bytes, in one
# write) once it captures; wait for it (an old file is removed first by the
# caller). A test of the shell's, not a stat process per poll.
pcap_ready() {
	local i
	for i in {1..100}; do
		[ -s "$1" ] && return 0
		sg_nap 0.2
	done
	return 1
}

# rx_is N: the server received exactly the first N bytes of the pattern
# the test owner sends (byte i is i % 251). The pattern is written once,
# then each check is a cmp: a Python start costs a second on the debug
# kernel.
PATTERN=/tmp/$SG_PREFIX.pattern
PATTERN_MAX=262144
at_exit "rm -f $PATTERN"
rx_is() {
	local n=$1 i sz
	[ "$n" -le $PATTERN_MAX ] || { echo "rx_is: $n is over $PATTERN_MAX"; return 1; }
	[ -s "$PATTERN" ] || python3 -c '
import sys
n = int(sys.argv[2])
open(sys.argv[1], "wb").write((bytes(range(251)) * (n // 251 + 1))[:n])' \
		"$PATTERN" $PATTERN_MAX || return 1
	for i in {1..150}; do
		sz=$(stat -c %s "$RX" 2>/dev/null)
		[ "$sz" = "$n" ] && break
		sg_nap 0.2
	done
	[ "$sz" = "$n" ] && cmp -s -n "$n" "$PATTERN" "$RX"
}


# inject_tcp NS SRC DST SPORT DPORT PAYLOAD: three PSH/ACK segments carrying
# PAYLOAD, IPv4 header and all written by hand (a raw socket in NS), so
# they go out whatever SRC says; sequence numbers are arbitrary.
inject_tcp() {
	ip netns exec "$1" python3 -c '
import socket, struct, sys
src, dst, sport, dport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
payload = sys.argv[5].encode()
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 1, 5 << 4, 0x18, 65535, 0, 0) + payload
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
c = csum(pseudo + tcp)
tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for _ in range(3):
    s.sendto(ip + tcp, (dst, 0))
' "${@:2}"
}
