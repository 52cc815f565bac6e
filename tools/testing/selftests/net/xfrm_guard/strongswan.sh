#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real IKEv2 run: one strongSwan charon daemon in each of namespaces a and
# b, configured with swanctl over its own vici socket, authenticates with a
# pre-shared key and brings up a transport-mode ESP CHILD_SA (AES-GCM, each
# inbound SA with strongSwan's default replay window of 32; charon gives
# outbound SAs none, anti-replay being the receiver's check); the test owner
# connection from a to b over it is accepted by the guard and its data
# arrives intact. Two more CHILD_SAs that strongSwan negotiates without
# complaint are refused by the guard: one without anti-replay
# (replay_window = 0, RFC 3723 2.3.1) and one with single DES (RFC 8221).
#
# Each charon runs with its own strongswan.conf (STRONGSWAN_CONF), loads
# only the plugins IKEv2 with a PSK needs, and gets a private /run (charon
# writes a fixed /var/run/charon.pid) from a mount namespace of its own.
# sanguard-flavours: debug
# sanguard-timeout: 900

. "$(dirname "$0")/../../sanguard/lib.sh"

. "$(dirname "$0")/guard_lib.sh"

# Plugins for IKEv2 with a PSK: MODP groups from gmp, AES-CBC, HMAC-SHA2
# and the prf+ of kdf for the IKE_SA; the ESP algorithms are the kernel's.
PLUGINS="random nonce aes sha1 sha2 hmac kdf gmp kernel-netlink socket-default vici"
PSK=0x73616e67756172642d73656c66746573742d70736b2d31323334
SW=/tmp/$SG_PREFIX.sw

CHARON=
for c in /usr/lib/ipsec/charon /usr/libexec/ipsec/charon \
	 /usr/lib/strongswan/charon /usr/libexec/strongswan/charon; do
	[ -x "$c" ] && { CHARON=$c; break; }
done
why=
if [ -z "$CHARON" ]; then
	why="no charon binary (install strongswan-charon)"
elif ! command -v swanctl >/dev/null; then
	why="no swanctl (install strongswan-swanctl)"
else
	for p in $PLUGINS; do
		[ -e "$(dirname "$CHARON")/plugins/libstrongswan-$p.so" ] ||
			why="${why:+$why, }no strongSwan plugin $p"
	done
fi
for t in socat unshare nsenter; do
	command -v $t >/dev/null || why="${why:+$why, }no $t"
done
if [ -n "$why" ]; then
	skip "strongSwan IKEv2 run" "$why"
	done_testing
fi

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24

# Connections, one per case; the initiator's and the responder's identities
# name the case, so the responder picks the matching peer config.
CASES="gcm norp des"
case_esp() {
	case $1 in
	gcm|norp) echo aes128gcm16 ;;
	des) echo des-sha1 ;;
	esac
}
case_replay() { [ "$1" = norp ] && echo 0 || echo 32; }

# swconf NAME LOCAL REMOTE: strongswan.conf and swanctl.conf of one side.
swconf() {
	local n=$1 me=$2 peer=$3 c d=$SW/$1
	mkdir -p "$d/run" "$d/swanctl"
	cat >"$d/strongswan.conf" <<EOF
charon {
	load = $PLUGINS
	install_routes = no
	retransmit_timeout = 3
	retransmit_tries = 6
	filelog {
		log {
			path = $d/charon.log
			time_format = %T
			flush_line = yes
			default = 1
			ike = 2
			cfg = 2
			knl = 2
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
}
swanctl {
	load = random nonce
}
EOF
	{
		echo "connections {"
		for c in $CASES; do
			cat <<EOF
	$c {
		version = 2
		local_addrs = $me
		remote_addrs = $peer
		proposals = aes128-sha256-modp2048
		local {
			auth = psk
			id = $n-$c@sanguard.test
		}
		remote {
			auth = psk
			id = $([ "$n" = a ] && echo b || echo a)-$c@sanguard.test
		}
		children {
			$c {
				mode = transport
				esp_proposals = $(case_esp $c)
				replay_window = $(case_replay $c)
				start_action = none
			}
		}
	}
EOF
		done
		echo "}"
		cat <<EOF
secrets {
	ike-sanguard {
		secret = $PSK
	}
}
EOF
	} >"$d/swanctl/swanctl.conf"
}

# charon_start NAME: charon in namespace NAME with a private /run.
charon_start() {
	local n=$1 d=$SW/$1 ns i
	ns=$SG_PREFIX-$n
	STRONGSWAN_CONF=$d/strongswan.conf \
		nsenter --net=/run/netns/"$ns" unshare -m --propagation private \
		sh -c 'mount --bind "$1" /run && exec "$2"' sh "$d/run" "$CHARON" \
		>"$d/charon.out" 2>&1 &
	printf -v "CHARON_$n" '%s' $!
	at_exit "charon_stop $n"
	for i in {1..300}; do
		[ -S "$d/charon.vici" ] && sw "$n" --stats >/dev/null 2>&1 && return 0
		kill -0 $! 2>/dev/null || break
		sg_nap 0.2
	done
	return 1
}

charon_stop() {
	local pid_var=CHARON_$1
	local pid=${!pid_var:-}
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	printf -v "$pid_var" '%s' ''
}

# sw NAME ARGS...: swanctl against NAME's charon.
sw() {
	local n=$1
	shift
	STRONGSWAN_CONF=$SW/$n/strongswan.conf swanctl "$@" -u "unix://$SW/$n/charon.vici"
}

diag_lines() { printf '%s\n' "$*" | sed 's/^/# /'; }

# xfrm_show NS: the namespace's SAs, keys left out.
xfrm_show() { ip -n "$1" xfrm state | sed 's/ 0x[0-9a-f]\{16,\}/ [key]/'; }

charon_diag() {
	local n
	for n in a b; do
		diag "--- charon $n log (last 40 lines)"
		tail -n 40 "$SW/$n/charon.log" "$SW/$n/charon.out" 2>/dev/null | sed 's/^/#   /'
	done
}

at_exit "rm -rf $SW"
swconf a $A4 $B4
swconf b $B4 $A4

started=1
for n in a b; do
	if ! charon_start $n; then
		started=0
		not_ok "charon $n starts and answers on its vici socket" \
			"$(tail -n 20 "$SW/$n/charon.out" "$SW/$n/charon.log" 2>/dev/null)"
		break
	fi
	ok "charon $n starts and answers on its vici socket"
done
[ $started = 1 ] || done_testing

for n in a b; do
	check "swanctl --load-all into charon $n" \
		sw $n --load-all --noprompt --file "$SW/$n/swanctl/swanctl.conf"
done

# esp_sas NS: number of ESP SAs in namespace NS.
esp_sas() { ip -n "$1" xfrm state | grep -c '^src .*' ; }

# replay_window NS SRC DST SPI: the SA's replay window (legacy or ESN).
replay_window() {
	ip -n "$1" xfrm state get src "$2" dst "$3" proto esp spi "$4" |
		sed -n 's/.*replay[-_]window \([0-9]*\).*/\1/p' | sort -n | tail -n1
}

# spi NS SRC DST: SPI of the ESP SA from SRC to DST.
spi() {
	ip -n "$1" xfrm state list src "$2" dst "$3" proto esp |
		sed -n 's/.*proto esp spi \(0x[0-9a-f]*\).*/\1/p' | head -n1
}

# up CASE: initiate the case's CHILD_SA from a and wait until the kernel in
# both namespaces has both SAs.
up() {
	local i
	sw a --initiate --ike "$1" --child "$1" --timeout 120 || return 1
	for i in {1..150}; do
		[ "$(esp_sas "$NS_a")" = 2 ] && [ "$(esp_sas "$NS_b")" = 2 ] && return 0
		sg_nap 0.2
	done
	return 1
}

# down CASE: close the owner connection, delete the IKE_SA (and with it the
# CHILD_SA on both sides).
down() {
	local i
	owner close
	kill_server
	sw a --terminate --ike "$1" --timeout 60 >/dev/null 2>&1
	for i in {1..150}; do
		[ "$(esp_sas "$NS_a")" = 0 ] && [ "$(esp_sas "$NS_b")" = 0 ] && return 0
		sg_nap 0.2
	done
	return 1
}

# --- IKEv2 + PSK, ESP AES-GCM, replay window 32: protected ------------------
if check "IKEv2 PSK: CHILD_SA gcm established" up gcm; then
	diag_lines "$(sw a --list-sas 2>&1)"
	diag_lines "$(xfrm_show "$NS_a")"
	check_eq "IKEv2: two ESP SAs in a" 2 "$(esp_sas "$NS_a")"
	# Anti-replay is the receiver's check: charon gives each inbound SA
	# the configured window and outbound SAs none.
	for ns in "$NS_a" "$NS_b"; do
		if [ "$ns" = "$NS_a" ]; then src=$B4 dst=$A4; else src=$A4 dst=$B4; fi
		rw=$(replay_window "$ns" $src $dst "$(spi "$ns" $src $dst)")
		check_eq "IKEv2: inbound SA in ${ns#$SG_PREFIX-} has replay window 32" 32 "${rw:-none}"
	done
	check "IKEv2: ESP AES-GCM negotiated" sh -c \
		"ip -n $NS_a xfrm state | grep -q 'aead rfc4106(gcm(aes))'"
	check "IKEv2: transport mode" sh -c \
		"ip -n $NS_a xfrm state | grep -q 'mode transport'"
	server
	check "IKEv2 SA: attach accepted" owner connect $B4 $PORT
	check_eq "IKEv2 SA: reason" protected "$(field reason)"
	check_eq "IKEv2 SA: CRC kept for software IPsec" software "$(field crc)"
	check_eq "IKEv2 SA: confidential" 1 "$(field confidential)"
	check "IKEv2 SA: 64 KiB sent" owner send 65536
	check "IKEv2 SA: 64 KiB arrive intact" rx_is 65536
	check "IKEv2 SA: IKE_SA and CHILD_SA torn down" down gcm
else
	charon_diag
fi

# --- negotiated by strongSwan, refused by the guard: no anti-replay ---------
if check "IKEv2 PSK: CHILD_SA norp (replay_window = 0) established" up norp; then
	diag_lines "$(ip -n "$NS_a" xfrm state | grep -E '^src|replay')"
	server
	check_fails "replay_window = 0: attach refused" owner connect $B4 $PORT
	check_eq "replay_window = 0: reason" no_anti_replay "$(field reason)"
	check "replay_window = 0: IKE_SA and CHILD_SA torn down" down norp
else
	charon_diag
fi

# --- negotiated by strongSwan, refused by the guard: DES --------------------
if check "IKEv2 PSK: CHILD_SA des (des-sha1) established" up des; then
	diag_lines "$(xfrm_show "$NS_a" | grep -E '^src|enc|auth')"
	server
	check_fails "ESP DES: attach refused" owner connect $B4 $PORT
	check_eq "ESP DES: reason" weak_algorithm "$(field reason)"
	check_eq "ESP DES: algorithm named" "cbc(des)" "$(field alg)"
	check "ESP DES: IKE_SA and CHILD_SA torn down" down des
else
	charon_diag
fi

for n in a b; do
	check "charon $n still running" kill -0 "$(eval echo \$CHARON_$n)"
done

done_testing
