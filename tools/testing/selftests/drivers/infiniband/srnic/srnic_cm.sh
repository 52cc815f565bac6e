#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# srnic's connection manager under the in-kernel rdma_cm, between two
# namespaces over veth, each with its own srnic device, driven through the
# test-only consumer srnic_cmulp: connect and accept with private data both
# ways (MPA revision 2, revision 1, and peer-to-peer RTR), a Send and an
# RDMA Write over the connection, disconnect seen once on each side; each
# peer-to-peer RTR type (zero-length Read, Send, Write) then data; a
# reject carries its private data to the peer; a listener that never
# answers gets the active side a timeout, and its pending requests go
# with it; a silent TCP peer, an MPA request in pieces, and a reset in
# the middle of the MPA exchange on the passive side; a reject with more
# private data than iw_cm carries; more raw connections than a listener's
# backlog, the excess refused and counted; an accept whose QP cannot go
# to RTS (no IRD left on the device) is a reject; the xfrm guard
# refusing the connection on either side (enforce, no SA), with the
# reason in dmesg and "xguard conn show"; both ends destroyed at once; over
# ESP, a lost SA holding a Send on the same connection until the SA is back.
# Nothing is left behind: no rdma resources, no kernel warning, and both
# modules unload.
# sanguard-flavours: debug
# sanguard-timeout: 600

. "$(dirname "$0")/../../../sanguard/lib.sh"

. "$(dirname "$0")/srnic_cm_lib.sh"
A=10.77.0.1
B=10.77.0.2

if [ ! -x "$XG" ]; then
	skip "srnic CM tests" "no $XG (make -C tools/xguard)"
	done_testing
fi

modprobe -r srnic siw 2>/dev/null
load_module rdma_cm || { not_ok "rdma_cm loads"; done_testing; }
load_module srnic || { not_ok "srnic loads"; done_testing; }
load_module srnic_cmulp || { not_ok "srnic_cmulp loads"; done_testing; }
at_exit "echo 2 >$PAR/mpa_rev; echo 0 >$PAR/mpa_p2p; echo any >$PAR/mpa_rtr"
# mpa_rev takes revision 1 or 2 and nothing else.
for v in 0 3 x; do
	check_fails "mpa_rev refuses $v" sh -c "echo $v >$PAR/mpa_rev"
done
check_eq "mpa_rev is still 2" 2 "$(cat $PAR/mpa_rev)"
cm_pair_up $A $B cma0 cmb0
WARN0=$(dmesg | grep -c -E 'WARNING:|BUG:' || true)

# --- connect, accept, data, disconnect (MPA revision 2) ----------------------
check "b listens and accepts with private data" ub listen L $B 4791 accept from-b
check "a connects with private data" ua connect c1 $B 4791 from-a
check "a: ESTABLISHED" wait_event c1 ESTABLISHED
check "b: ESTABLISHED" wait_event L.1 ESTABLISHED
check_eq "a saw resolve, route, established, each once" \
	"ADDR_RESOLVED,ROUTE_RESOLVED,ESTABLISHED" "$(field c1 events)"
check_eq "b saw the request and established, each once" \
	"CONNECT_REQUEST,ESTABLISHED" "$(field L.1 events)"
check_eq "b got a's private data" from-a "$(field L.1 peer_pd)"
check_eq "a got b's private data" from-b "$(field c1 peer_pd)"
check "xguard lists the connection in a as owner iwarp" \
	bash -c "'$XG' -n '$NS_a' conn show | grep -q 'iwarp $A:[0-9]* -> $B:4791'"
check "b registered its MR over the connection" \
	wait_cond 20 field_is L.1 mr_ok 1
check "a posts a Send" ua send c1 send-over-cm
check "b received it" wait_cond 20 field_is L.1 recvs 1
check_eq "with the bytes a sent" send-over-cm "$(field L.1 rx)"
check "a posts an RDMA Write into b's MR" ua write c1 written-by-a
check "both of a's WRs completed" wait_cond 20 field_is c1 wc_ok 2
check_eq "b's MR holds what a wrote" written-by-a "$(field L.1 mr)"
check_eq "no completion failed on a" 0 "$(field c1 wc_err)"
check "a disconnects" ua disconnect c1
check "a: DISCONNECTED" wait_event c1 DISCONNECTED
check "b: DISCONNECTED" wait_event L.1 DISCONNECTED
check_eq "once on a" 1 "$(count_event c1 DISCONNECTED)"
check_eq "once on b" 1 "$(count_event L.1 DISCONNECTED)"
check "a frees its connection" ua free c1
check "b frees its connection" ub free L.1

# --- MPA revision 1, then peer-to-peer RTR ---------------------------------
echo 1 >$PAR/mpa_rev
check "revision 1: a connects" ua connect c2 $B 4791 rev-one
check "revision 1: ESTABLISHED" wait_event c2 ESTABLISHED
check_eq "revision 1: b got the private data" rev-one "$(field L.2 peer_pd)"
check "revision 1: b's MR is registered" \
	wait_cond 20 field_is L.2 mr_ok 1
check "revision 1: a Send arrives" ua send c2 rev1-send
check "revision 1: received" wait_cond 20 field_is L.2 rx rev1-send
echo 2 >$PAR/mpa_rev
ua free c2
ub free L.2
echo 1 >$PAR/mpa_p2p
check "peer-to-peer: a connects" ua connect c3 $B 4791 p2p
check "peer-to-peer: ESTABLISHED on a" wait_event c3 ESTABLISHED
check "peer-to-peer: ESTABLISHED on b" wait_event L.3 ESTABLISHED
check "peer-to-peer: b's MR is registered after the RTR" \
	wait_cond 20 field_is L.3 mr_ok 1
check "peer-to-peer: a Write lands" ua write c3 p2p-write
check "peer-to-peer: b's MR holds it" \
	wait_cond 20 field_is L.3 mr p2p-write
check_eq "peer-to-peer: no receive was used by the RTR" 0 "$(field L.3 recvs)"
ua free c3
ub free L.3
# Each RTR type on the wire: a Read RTR waits in a's ORQ for its response
# (IRD and ORD are 1 here), a Send RTR takes none of b's receives.
for v in 0 both writes; do
	check_fails "mpa_rtr refuses $v" sh -c "echo $v >$PAR/mpa_rtr"
done
check_eq "mpa_rtr is still any" any "$(cat $PAR/mpa_rtr)"
n=3
for t in read send write; do
	n=$((n + 1))
	check "mpa_rtr takes $t" sh -c "echo $t >$PAR/mpa_rtr"
	check "RTR $t: a connects" ua connect r$n $B 4791 rtr-$t
	check "RTR $t: ESTABLISHED on a" wait_event r$n ESTABLISHED
	check "RTR $t: ESTABLISHED on b" wait_event L.$n ESTABLISHED
	check "RTR $t: b's MR is registered" wait_cond 20 field_is L.$n mr_ok 1
	# rdma resource shows the RTR each QP sent or took.
	check "RTR $t: a's QP says rtr $t" qp_rtr_is "$NS_a" cma0 $t
	check "RTR $t: b's QP says rtr $t" qp_rtr_is "$NS_b" cmb0 $t
	check "RTR $t: a Send arrives" ua send r$n send-after-$t
	check "RTR $t: in b's first receive" \
		wait_cond 20 field_is L.$n rx send-after-$t
	check_eq "RTR $t: one receive used" 1 "$(field L.$n recvs)"
	check "RTR $t: a Write lands" ua write r$n write-after-$t
	check "RTR $t: b's MR holds it" \
		wait_cond 20 field_is L.$n mr write-after-$t
	check "RTR $t: both of a's WRs completed" wait_cond 20 field_is r$n wc_ok 2
	check_eq "RTR $t: nothing failed on a" 0 "$(field r$n wc_err)"
	check_eq "RTR $t: no error event on a" 0 \
		"$(field r$n events | tr , '\n' | grep -cvx 'ADDR_RESOLVED\|ROUTE_RESOLVED\|ESTABLISHED')"
	ua free r$n
	ub free L.$n
done
echo any >$PAR/mpa_rtr
echo 0 >$PAR/mpa_p2p

# --- reject with private data ------------------------------------------------
check "b listens and rejects with private data" ub listen R $B 4792 reject go-away
check "a connects" ua connect c4 $B 4792 knock
check "a: REJECTED" wait_event c4 REJECTED
check_eq "a got the reject's private data" go-away "$(field c4 peer_pd)"
check_eq "a saw no ESTABLISHED" 0 "$(count_event c4 ESTABLISHED)"
check_eq "b saw only the request" CONNECT_REQUEST "$(field R.1 events)"
ua free c4
ub free R.1
ub free R

# A reject with more private data than iw_cm carries (255) is a reject.
echo 1 >$PAR/mpa_rev
ready=$(mktemp)
at_exit "rm -f $ready"
ip netns exec "$NS_b" python3 -c "
import socket, struct
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('$B', 4795)); l.listen(1); l.settimeout(30)
open('$ready', 'w').write('listening')
s, _ = l.accept()
h = b''
while len(h) < 20:
    h += s.recv(20 - len(h))
n = struct.unpack('>H', h[18:20])[0]
while n > 0:
    n -= len(s.recv(n))
pd = b'long-reject-' + b'x' * 288
s.sendall(b'MPA ID Rep Frame' + struct.pack('>BBH', 0x20, 1, len(pd)) + pd)
s.settimeout(10)
try:
    s.recv(1)
except OSError:
    pass" &
longrej=$!
check "a raw peer in b listens" wait_cond 20 test -s "$ready"
check "a connects to it" ua connect c4l $B 4795 knock
check "its reject with 300 bytes of private data: REJECTED" \
	wait_event c4l REJECTED
check_eq "with -ECONNREFUSED" -111 "$(field c4l status)"
check_eq "and the private data's start" \
	"long-reject-$(printf 'x%.0s' $(seq 52))" "$(field c4l peer_pd)"
echo 2 >$PAR/mpa_rev
ua free c4l
wait $longrej

# --- a listener that never answers; its pending requests ---------------------
check "b listens and holds requests" ub listen H $B 4793 hold -
for c in c5 c6 c7; do
	check "a connects ($c)" ua connect $c $B 4793 -
done
for c in c5 c6 c7; do
	check "a: the wait for the reply ends for $c (UNREACHABLE)" \
		wait_event $c UNREACHABLE 30
done
check_eq "a: with -ETIMEDOUT" -110 "$(field c5 status)"
check "b saw three requests" exists H.3
check "b destroys the listener with three requests pending" ub free H
for c in H.1 H.2 H.3; do
	check "and the request $c after it" ub free $c
done
check_eq "no TCP connection is left on b's port" 0 "$(established "$NS_b" 4793)"
ua free c5
ua free c6
ua free c7

# --- the passive side against a raw TCP peer -------------------------------
check "b listens (accept)" ub listen S $B 4794 accept from-s
# The peer says when it is connected and when b dropped it, so no check
# depends on how long a Python start takes on a loaded debug kernel.
said=$(mktemp)
at_exit "rm -f $said"
ip netns exec "$NS_a" python3 -c "
import socket
s = socket.create_connection(('$B', 4794))
open('$said', 'a').write('connected\n')
s.settimeout(120)
try:
    r = s.recv(1)
except OSError:
    r = b''
open('$said', 'a').write('dropped\n' if not r else 'data\n')" &
silent=$!
check "a silent peer connects" wait_cond 120 grep -q connected "$said"
check "a silent peer: b drops it after its MPA wait, sending nothing" \
	wait_cond 120 grep -q dropped "$said"
check_eq "no TCP connection is left on b's port" 0 "$(established "$NS_b" 4794)"
wait $silent
check "and iw_cm never heard of it" bash -c "! grep -q '^S\\.' $CTL"
out=$(ip netns exec "$NS_a" python3 -c "
import socket, struct, time
s = socket.create_connection(('$B', 4794))
f = b'MPA ID Req Frame' + struct.pack('>BBH', 0x40, 1, 4) + b'abcd'
for piece in (f[:5], f[5:19], f[19:22], f[22:]):
    s.sendall(piece); time.sleep(0.4)
r = b''
while len(r) < 20:
    d = s.recv(20 - len(r))
    if not d: break
    r += d
print(r[:16].decode(), r[16] & 0x60, r[17])
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()" 2>&1)
check_eq "an MPA request in four pieces gets a revision 1 reply with CRC" \
	"MPA ID Rep Frame 64 1" "$out"
check_eq "b took its private data" abcd "$(field S.1 peer_pd)"
check "the peer's reset after the reply: b sees DISCONNECTED" \
	wait_event S.1 DISCONNECTED
check_eq "once" 1 "$(count_event S.1 DISCONNECTED)"
ub free S.1
out=$(ip netns exec "$NS_a" python3 -c "
import socket, struct
s = socket.create_connection(('$B', 4794))
s.sendall(b'MPA ID Req Frame' + struct.pack('>BBH', 0xc0, 1, 0))
r = b''
while True:
    d = s.recv(64)
    if not d: break
    r += d
print(r[:16].decode(), r[16] & 0x20, r[20:].decode())" 2>&1)
check_eq "a request asking for markers gets a reject that says why" \
	"MPA ID Rep Frame 32 markers_unsupported" "$out"
check "and iw_cm never heard of it" bash -c "! grep -q '^S\\.2' $CTL"
ip netns exec "$NS_a" python3 -c "
import socket, struct
s = socket.create_connection(('$B', 4794))
s.sendall(b'MPA ID Req Fr')
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
s.close()"
check "a reset in the middle of the request: b drops it" \
	wait_cond 10 established_is "$NS_b" 4794 0
check "and iw_cm never heard of it" bash -c "! grep -q '^S\\.2' $CTL"
ub free S

# --- more connections than the listener's backlog (8) ---------------------
counter() {
	rdma statistic show link cmb0/1 | grep -ow "$1 [0-9]*" | awk '{print $2}'
}
refused0=$(counter cm_backlog_refused)
dmesg_mark
check "b listens and holds requests (backlog 8)" ub listen P $B 4796 hold -
out=$(ip netns exec "$NS_a" python3 -c "
import socket, struct, time
req = b'MPA ID Req Frame' + struct.pack('>BBH', 0x40, 1, 0)
ss = []
for i in range(12):
    s = socket.create_connection(('$B', 4796), timeout=30)
    s.sendall(req)
    ss.append(s)
def closed():
    n = 0
    for s in ss:
        s.setblocking(False)
        try:
            if s.recv(64) == b'':
                n += 1
        except BlockingIOError:
            pass
        except OSError:
            n += 1
    return n
end = time.time() + 30
while closed() < 4 and time.time() < end:
    time.sleep(0.2)
time.sleep(2)
print(closed())
for s in ss:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()" 2>&1)
check_eq "12 raw connections: the 4 beyond the backlog are closed" 4 "$out"
check "b saw eight requests" wait_cond 20 exists P.8
check "and not a ninth" bash -c "! grep -q '^P\\.9 ' $CTL"
check_eq "cm_backlog_refused counts the 4" $((refused0 + 4)) \
	"$(counter cm_backlog_refused)"
refusal_logged() { dmesg_since | grep -q 'connections unanswered, .* refused'; }
check "b's dmesg says so" refusal_logged
check "the peer's resets: b lets the held requests go" \
	wait_cond 20 established_is "$NS_b" 4796 0
check "the listener still takes a connection" ua connect c13 $B 4796 -
check "b: its request" wait_cond 20 exists P.9
# Freeing a held request resets its stream: a sees REJECTED, or
# UNREACHABLE when its 5 s wait for the MPA reply ran out first (a slow
# machine); either way its connect ends, once.
ub free P.9
c13_ended() { has_event c13 REJECTED || has_event c13 UNREACHABLE; }
check "a: its connect ends once b lets the request go" wait_cond 20 c13_ended
check_eq "a: with one event" 1 \
	"$(($(count_event c13 REJECTED) + $(count_event c13 UNREACHABLE)))"
for c in P.1 P.2 P.3 P.4 P.5 P.6 P.7 P.8; do
	ub free $c
done
ua free c13
ub free P

# --- an accept whose QP cannot go to RTS is a reject -------------------------
IRDLIM=/sys/class/infiniband/cmb0/limit_dev_ird
check "b's device allows no IRD" bash -c "echo 0 >$IRDLIM"
check "b listens and accepts (IRD 1)" ub listen Q $B 4797 accept from-q
check "a connects" ua connect c14 $B 4797 -
check "a: REJECTED, as b's QP could not go to RTS" wait_event c14 REJECTED
check_eq "a saw no ESTABLISHED" 0 "$(count_event c14 ESTABLISHED)"
echo unlimited >$IRDLIM
ua free c14
ub free Q.1
ub free Q

# --- the xfrm guard refuses: enforce, no SA --------------------------------
xg "$NS_b" profile set mode enforce >/dev/null
dmesg_mark
check "passive refusal: a connects to b" ua connect c8 $B 4791 -
check "a's connect fails (REJECTED)" wait_event c8 REJECTED
check "b never delivered a request" bash -c "! grep -q '^L\\.4' $CTL"
check "b's dmesg names the reason" \
	bash -c "dmesg | tail -n +$((DMESG_MARK + 1)) | grep -q 'passive connection from $A:[0-9]* refused by the xfrm guard: no_ipsec'"
check "xguard conn show in b lists the refusal" \
	bash -c "'$XG' -n '$NS_b' conn show | grep -A1 'iwarp $B:4791 -> $A:' | grep -q 'refused no_ipsec'"
ua free c8
xg "$NS_b" profile set mode off >/dev/null
xg "$NS_a" profile set mode enforce >/dev/null
check "active refusal: a connects to b" ua connect c9 $B 4791 -
check "a's connect fails (CONNECT_ERROR)" wait_event c9 CONNECT_ERROR
check_eq "with -EACCES" -13 "$(field c9 status)"
check "a's dmesg names the reason" \
	bash -c "dmesg | tail -n +$((DMESG_MARK + 1)) | grep -q 'active connection to $B:4791 refused by the xfrm guard: no_ipsec'"
check "xguard conn show in a lists the refusal" \
	bash -c "'$XG' -n '$NS_a' conn show | grep -A1 'iwarp $A:[0-9]* -> $B:4791' | grep -q 'refused no_ipsec'"
ua free c9
xg "$NS_a" profile set mode off >/dev/null

# --- both ends destroyed at once -----------------------------------------------
check "a connects once more" ua connect c10 $B 4791 -
check "ESTABLISHED" wait_event c10 ESTABLISHED
n=$(awk '$1 ~ /^L\./ {print $1}' "$CTL" | tail -n 1)
ua free c10 &
pa=$!
ub free "$n" &
wait $pa $!
check "both ends are gone" bash -c "! grep -qE '^(c10|$n) ' $CTL"

# --- over ESP: protection lost holds the stream, its return resumes it -------
for ns in "$NS_a" "$NS_b"; do
	esp_sa "$ns" $A $B 0x1000 $KAB
	esp_sa "$ns" $B $A 0x2000 $KBA
done
esp_pol "$NS_a" $A $B out
esp_pol "$NS_a" $B $A in
esp_pol "$NS_b" $B $A out
esp_pol "$NS_b" $A $B in
at_exit "ip -n $NS_a xfrm policy flush; ip -n $NS_b xfrm policy flush"
xg "$NS_a" profile set mode enforce >/dev/null
xg "$NS_b" profile set mode enforce >/dev/null
check "over ESP, enforced: a connects" ua connect c11 $B 4791 -
check "ESTABLISHED" wait_event c11 ESTABLISHED
n=$(awk '$1 ~ /^L\./ {print $1}' "$CTL" | tail -n 1)
check "xguard in a: the connection is protected" \
	bash -c "'$XG' -n '$NS_a' conn show | grep -A1 'iwarp $A:[0-9]* -> $B:4791' | grep -q 'verdict protected'"
check "b's MR is registered" wait_cond 30 field_is "$n" mr_ok 1
check "a Send over ESP arrives" ua send c11 before-loss
check "received" wait_cond 30 field_is "$n" rx before-loss
ip -n "$NS_a" xfrm state delete src $A dst $B proto esp spi 0x1000
check "a's outbound SA deleted: a's guard reports the loss" \
	wait_cond 20 bash -c "'$XG' -n '$NS_a' conn show | grep -q 'protection lost 1'"
check "a posts a Send while protection is lost" ua send c11 after-loss
sg_nap 3
check_eq "it is held: b has not received it" before-loss "$(field "$n" rx)"
esp_sa "$NS_a" $A $B 0x1000 $KAB
check "the SA is back: the held Send arrives" \
	wait_cond 60 field_is "$n" rx after-loss
check_eq "on the same connection: a saw no disconnect" 0 \
	"$(count_event c11 DISCONNECTED)"
check_eq "nor b" 0 "$(count_event "$n" DISCONNECTED)"
check_eq "and no completion failed" 0 "$(field c11 wc_err)"
ua free c11
ub free "$n"
xg "$NS_a" profile set mode off >/dev/null
xg "$NS_b" profile set mode off >/dev/null
for ns in "$NS_a" "$NS_b"; do
	ip -n "$ns" xfrm policy flush
	ip -n "$ns" xfrm state flush
done
ub free L

# --- nothing left behind ---------------------------------------------------
check_eq "no QP left" "" "$(rdma resource show qp 2>/dev/null | grep -E 'cma0|cmb0')"
check_eq "no CM id left" "" "$(rdma resource show cm_id 2>/dev/null | grep -E 'cma0|cmb0')"
check_eq "the consumer holds nothing" "" "$(cat "$CTL")"
check "the devices go" bash -c "rdma link delete cma0 && rdma link delete cmb0"
check "srnic_cmulp unloads" modprobe -r srnic_cmulp
check "srnic unloads" modprobe -r srnic
check_eq "no kernel warning" "$WARN0" "$(dmesg | grep -c -E 'WARNING:|BUG:' || true)"

done_testing
