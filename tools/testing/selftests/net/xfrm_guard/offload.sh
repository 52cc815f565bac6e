#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPsec crypto offload end to end, on the test-only xgoff device pair
# (xg_offload/ in this directory): two namespaces joined by the pair carry
# TCP over an ESP SA pair offloaded to the devices, IPv4 and IPv6,
# transport and tunnel mode; the devices refuse what a NIC would refuse;
# a frame for a deleted inbound SA is dropped and counted; software ESP
# still works on the same pair; unloading the driver removes the devices
# and the states offloaded to them.
# sanguard-flavours: debug
# sanguard-timeout: 900

# shellcheck source=lib.sh
. "$(dirname "$0")/../../sanguard/lib.sh"

A4=10.77.0.1
B4=10.77.0.2
A6=fd77::1
B6=fd77::2
# rfc4106(gcm(aes)): 128-bit key + 32-bit salt
KEY_AB=0x0123456789abcdef0123456789abcdef01234567
KEY_BA=0x89abcdef0123456789abcdef0123456789abcdef
DBG=/sys/kernel/debug/xg_offload
DATA=/tmp/$SG_PREFIX.data
RECV=/tmp/$SG_PREFIX.recv
PORT=5100

at_exit "rm -f $DATA $RECV"

# cnt NS DEV COUNTER: a debugfs counter of the device DEV (named in NS).
cnt() { cat "$DBG/$2/$3" 2>/dev/null || echo missing; }

# sa NS SRC DST SPI REQID MODE [ip xfrm state args...]
sa() {
	local ns=$1 src=$2 dst=$3 spi=$4 reqid=$5 mode=$6
	shift 6
	ip -n "$ns" xfrm state add src "$src" dst "$dst" proto esp spi "$spi" \
		reqid "$reqid" mode "$mode" replay-window 32 "$@"
}

# gcm KEY: the AEAD arguments of a state with KEY.
gcm() { echo "aead rfc4106(gcm(aes)) $1 128"; }

# policies SRC DST MODE: TCP between the two hosts goes through reqid 1
# (from a) and 2 (from b), in both namespaces.
policies() {
	local a=$1 b=$2 mode=$3
	ip -n "$NS_a" xfrm policy add src "$a" dst "$b" proto tcp dir out \
		tmpl src "$a" dst "$b" proto esp reqid 1 mode "$mode" &&
	ip -n "$NS_a" xfrm policy add src "$b" dst "$a" proto tcp dir in \
		tmpl src "$b" dst "$a" proto esp reqid 2 mode "$mode" &&
	ip -n "$NS_b" xfrm policy add src "$b" dst "$a" proto tcp dir out \
		tmpl src "$b" dst "$a" proto esp reqid 2 mode "$mode" &&
	ip -n "$NS_b" xfrm policy add src "$a" dst "$b" proto tcp dir in \
		tmpl src "$a" dst "$b" proto esp reqid 1 mode "$mode"
}

# sa_pair SRC DST MODE SPI_AB SPI_BA offload|software: the two SAs, in both
# namespaces, offloaded to the pair or not.
sa_pair() {
	local a=$1 b=$2 mode=$3 ab=$4 ba=$5 off_a=() off_b=() in_a=() in_b=()
	if [ "$6" = offload ]; then
		off_a=(offload dev xg-b dir out)
		in_a=(offload dev xg-b dir in)
		off_b=(offload dev xg-a dir out)
		in_b=(offload dev xg-a dir in)
	fi
	# shellcheck disable=SC2046
	sa "$NS_a" "$a" "$b" "$ab" 1 "$mode" $(gcm $KEY_AB) "${off_a[@]}" &&
	sa "$NS_a" "$b" "$a" "$ba" 2 "$mode" $(gcm $KEY_BA) "${in_a[@]}" &&
	sa "$NS_b" "$b" "$a" "$ba" 2 "$mode" $(gcm $KEY_BA) "${off_b[@]}" &&
	sa "$NS_b" "$a" "$b" "$ab" 1 "$mode" $(gcm $KEY_AB) "${in_b[@]}"
}

# xfrm_setup SRC DST MODE SPI_AB SPI_BA offload|software: SAs and policies.
xfrm_setup() {
	sa_pair "$@" && policies "$1" "$2" "$3"
}

flush_xfrm() {
	local ns
	for ns in "$NS_a" "$NS_b"; do
		ip -n "$ns" xfrm policy flush
		ip -n "$ns" xfrm state flush
	done
}

# transfer DESC KIB LISTEN CONNECT: KIB KiB of random data from a to b over
# TCP; passes when b received exactly what a sent (sha256).
transfer() {
	local desc=$1 kib=$2 listen=$3 connect=$4 lpid want got
	PORT=$((PORT + 1))
	head -c $((kib * 1024)) /dev/urandom >"$DATA"
	rm -f "$RECV"
	timeout 300 ip netns exec "$NS_b" socat -u \
		"$listen:$PORT,reuseaddr" "OPEN:$RECV,creat,trunc" &
	lpid=$!
	timeout 300 ip netns exec "$NS_a" socat -u "OPEN:$DATA" \
		"$connect:$PORT,retry=40,interval=0.5"
	wait $lpid
	want=$(sha256sum <"$DATA" | cut -d' ' -f1)
	got=$(sha256sum <"$RECV" 2>/dev/null | cut -d' ' -f1)
	check_eq "$desc" "$want" "$got"
}

# grew DESC BEFORE AFTER: a counter went up.
grew() {
	if [ "$3" != missing ] && [ "$3" -gt "$2" ] 2>/dev/null; then
		ok "$1 ($2 -> $3)"
	else
		not_ok "$1" "before: $2" "after: $3"
	fi
}

mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
for m in esp4_offload esp6_offload xg_offload_pair; do
	if ! load_module "$m"; then
		skip "modules for the offload test" "cannot load $m"
		done_testing
	fi
done

ns_add a
ns_add b
check "xgoff pair between two namespaces" xgoff_pair xg-b "$NS_a" xg-a "$NS_b"
ip -n "$NS_a" addr add $A4/24 dev xg-b
ip -n "$NS_b" addr add $B4/24 dev xg-a
ip -n "$NS_a" addr add $A6/64 dev xg-b nodad
ip -n "$NS_b" addr add $B6/64 dev xg-a nodad
ip -n "$NS_a" link set xg-b up
ip -n "$NS_b" link set xg-a up
check "IPv4 crosses the pair" ip netns exec "$NS_a" ping -c 1 -W 5 $B4
check "IPv6 crosses the pair" ip netns exec "$NS_a" ping -6 -c 1 -W 5 $B6
check "debugfs shows each end under its name" \
	test -r $DBG/xg-a/rx_esp_ok -a -r $DBG/xg-b/tx_esp

diag "--- ESP transport, IPv4, rfc4106(gcm(aes)) offloaded to both ends"
check "offloaded SA pair and TCP policies in both namespaces" \
	xfrm_setup $A4 $B4 transport 0x1001 0x1002 offload
check_eq "a: both states are crypto-offloaded to xg-b (out, in)" \
	"out in" "$(ip -n "$NS_a" xfrm state | sed -n 's/.*crypto offload parameters: dev xg-b dir \([a-z]*\).*/\1/p' | sort -r | xargs)"
check_eq "b: both states are crypto-offloaded to xg-a (out, in)" \
	"out in" "$(ip -n "$NS_b" xfrm state | sed -n 's/.*crypto offload parameters: dev xg-a dir \([a-z]*\).*/\1/p' | sort -r | xargs)"
check_eq "the devices hold two SAs each" "2 2" \
	"$(cnt a xg-b sa_count) $(cnt b xg-a sa_count)"

tx0=$(cnt a xg-b tx_esp)
rx0=$(cnt b xg-a rx_esp_ok)
ack0=$(cnt a xg-b rx_esp_ok)
transfer "1 MiB over offloaded ESP (IPv4) arrives intact" 1024 TCP4-LISTEN "TCP4:$B4"
grew "a's device sent the ESP frames for the hardware to encrypt" "$tx0" "$(cnt a xg-b tx_esp)"
grew "b's device matched them to its inbound SA" "$rx0" "$(cnt b xg-a rx_esp_ok)"
grew "the ACKs came back offloaded too" "$ack0" "$(cnt a xg-b rx_esp_ok)"
check_eq "no offloaded frame missed an SA" "0 0" \
	"$(cnt a xg-b rx_esp_no_sa) $(cnt b xg-a rx_esp_no_sa)"
check_eq "no frame took the software path" "0 0" \
	"$(cnt a xg-b rx_esp_sw) $(cnt b xg-a rx_esp_sw)"
check "xfrm counted no input errors in b" bash -c \
	"! ip netns exec $NS_b awk '\$2 != 0 && \$1 ~ /^XfrmIn/' /proc/net/xfrm_stat | grep ."

diag "--- the device refuses what it cannot offload; the add fails, nothing is left"
# refused DESC MESSAGE ALG-ARGS...: adding an SA with ALG-ARGS offloaded to
# xg-b fails with MESSAGE (the driver's extack) and leaves no state behind.
refused() {
	local desc=$1 want=$2 out
	shift 2
	if out=$(sa "$NS_a" $A4 $B4 0x1fff 9 transport "$@" offload dev xg-b dir out 2>&1); then
		not_ok "$desc" "the add succeeded: $out"
		ip -n "$NS_a" xfrm state del src $A4 dst $B4 proto esp spi 0x1fff
	elif ! grep -q "$want" <<<"$out"; then
		not_ok "$desc" "want a failure saying: $want" "got: $out"
	elif ip -n "$NS_a" xfrm state get src $A4 dst $B4 proto esp spi 0x1fff >/dev/null 2>&1; then
		not_ok "$desc" "the state exists after the failed add"
	else
		ok "$desc"
	fi
}
refused "cbc(des3_ede) with hmac(sha1) is refused" "cipher not offloaded" \
	enc 'cbc(des3_ede)' 0x0123456789abcdef0123456789abcdef0123456789abcdef \
	auth-trunc 'hmac(sha1)' 0x0123456789abcdef0123456789abcdef01234567 96
refused "rfc7539esp(chacha20,poly1305) is refused" "only rfc4106(gcm(aes))" \
	aead 'rfc7539esp(chacha20,poly1305)' \
	0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567 128
refused "rfc4106(gcm(aes)) with a 64-bit ICV is refused" "128 bit ICV" \
	aead 'rfc4106(gcm(aes))' $KEY_AB 64
refused "rfc4106(gcm(aes)) with a 192-bit key is refused" "128 or 256 bit key" \
	aead 'rfc4106(gcm(aes))' 0x0123456789abcdef0123456789abcdef0123456789abcdef01234567 128
check "cbc(aes) with hmac(sha256) is accepted" \
	sa "$NS_a" $A4 $B4 0x1ffe 9 transport \
	enc 'cbc(aes)' 0x0123456789abcdef0123456789abcdef \
	auth-trunc 'hmac(sha256)' 0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef 128 \
	offload dev xg-b dir out
check_eq "... and offloaded (3 SAs on xg-b)" 3 "$(cnt a xg-b sa_count)"
ip -n "$NS_a" xfrm state del src $A4 dst $B4 proto esp spi 0x1ffe
check_eq "deleting it frees its slot" 2 "$(cnt a xg-b sa_count)"

diag "--- inbound SA deleted: offloaded frames for it are dropped at the device"
check "b's inbound SA deleted" \
	ip -n "$NS_b" xfrm state del src $A4 dst $B4 proto esp spi 0x1001
check_eq "b's device holds one SA" 1 "$(cnt b xg-a sa_count)"
tx0=$(cnt a xg-b tx_esp)
nosa0=$(cnt b xg-a rx_esp_no_sa)
PORT=$((PORT + 1))
check_fails "a cannot connect to b" timeout 20 ip netns exec "$NS_a" \
	socat -u /dev/null "TCP4:$B4:$PORT,connect-timeout=4"
grew "a still sent offloaded ESP (its outbound SA is there)" "$tx0" "$(cnt a xg-b tx_esp)"
grew "b's device dropped them as rx_esp_no_sa" "$nosa0" "$(cnt b xg-a rx_esp_no_sa)"
flush_xfrm
check_eq "flushing the states empties the devices' tables" "0 0" \
	"$(cnt a xg-b sa_count) $(cnt b xg-a sa_count)"

diag "--- software ESP on the same pair: it is a plain veth for that"
tx0=$(cnt a xg-b tx_esp)
sw0=$(cnt b xg-a rx_esp_sw)
check "software SA pair (no offload) and policies" xfrm_setup $A4 $B4 transport 0x3001 0x3002 software
check "no state is offloaded" bash -c \
	"! ip -n $NS_a xfrm state | grep -q 'crypto offload'"
transfer "256 KiB over software ESP arrive intact" 256 TCP4-LISTEN "TCP4:$B4"
check_eq "the device offloaded nothing" "$tx0" "$(cnt a xg-b tx_esp)"
grew "b's device passed the ciphertext up for software ESP" "$sw0" "$(cnt b xg-a rx_esp_sw)"
flush_xfrm

diag "--- ESP transport, IPv6, offloaded"
check "offloaded IPv6 SA pair and policies" xfrm_setup $A6 $B6 transport 0x6001 0x6002 offload
rx0=$(cnt b xg-a rx_esp_ok)
nosa0=$(cnt b xg-a rx_esp_no_sa)
transfer "1 MiB over offloaded ESP (IPv6) arrives intact" 1024 TCP6-LISTEN "TCP6:[$B6]"
grew "b's device matched IPv6 ESP to its inbound SA" "$rx0" "$(cnt b xg-a rx_esp_ok)"
check_eq "no IPv6 frame missed an SA" "$nosa0" "$(cnt b xg-a rx_esp_no_sa)"
flush_xfrm

diag "--- ESP tunnel mode, IPv4, offloaded"
check "offloaded tunnel-mode SA pair and policies" xfrm_setup $A4 $B4 tunnel 0x4001 0x4002 offload
rx0=$(cnt b xg-a rx_esp_ok)
transfer "256 KiB over offloaded tunnel-mode ESP arrive intact" 256 TCP4-LISTEN "TCP4:$B4"
grew "b's device matched tunnel-mode ESP" "$rx0" "$(cnt b xg-a rx_esp_ok)"

diag "--- unloading the driver with devices and offloaded states present"
check "modprobe -r xg_offload_pair" modprobe -r xg_offload_pair
check_eq "no xgoff device is left" "" \
	"$(ip -n "$NS_a" -o link show type xgoff; ip -n "$NS_b" -o link show type xgoff)"
check_eq "the states offloaded to them went with them" "" \
	"$(ip -n "$NS_a" xfrm state; ip -n "$NS_b" xfrm state)"
check_fails "the debugfs directory is gone" test -e $DBG

done_testing
