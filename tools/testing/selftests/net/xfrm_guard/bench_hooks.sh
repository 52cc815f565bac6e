#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (base kernel only): what the guard's netfilter hooks cost a
# TCP stream nobody guards. An iperf3 stream from namespace a to b over
# veth, in three states taken in turn, round after round (A B C A B C ...),
# so that load from elsewhere on the machine hits them alike:
#   A  xfrm_guard not loaded;
#   B  loaded, nothing guarded (the namespaces must not even be hooked);
#   C  loaded, with 1,000 connections from a to b on another port attached
#      by the test owner (profile mode off), so a is hooked and every
#      segment of the stream goes through the hooks; unless its ephemeral
#      port happens to be one of theirs, the port filter lets it go there
#      without a lookup.
# Then, timed in the kernel by the test owner, one unguarded segment (ports
# 9 to 9) passed through the hooks of namespace a as netfilter runs them
# (nf_hook()), out (LOCAL_OUT and POST_ROUTING) and in (LOCAL_IN), against a
# no-op call, in states B and C: in C, what netfilter's own call of a hook
# costs plus the port filter's test. The figures are printed, not judged:
# under TCG absolute times mean little; the ratios to state A are the
# figures to compare.
# sanguard-flavours: base
# sanguard-timeout: 1200

. "$(dirname "$0")/../../sanguard/lib.sh"
. "$(dirname "$0")/guard_lib.sh"

TOP=$SG_TOP
XG=$TOP/tools/xguard/xguard
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECS:-4}
CONNS=${BENCH_CONNS:-1000}
IPERF_PORT=5201
MANY_PORT=6000

if ! command -v iperf3 >/dev/null; then
	skip "hook benchmark" "no iperf3 (scripts/setup.sh installs it)"
	done_testing
fi
if [ ! -x "$XG" ]; then
	skip "hook benchmark" "no $XG (make -C tools/xguard)"
	done_testing
fi

# A state is modules loaded or not; the test owner goes first on unload.
unload() {
	[ -e "$CTL" ] && owner close-many
	modprobe -r xg_testowner 2>/dev/null
	modprobe -r xfrm_guard 2>/dev/null
	! [ -d /sys/module/xfrm_guard ]
}
at_exit unload

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24

ip netns exec "$NS_b" sysctl -qw net.core.somaxconn=$((CONNS + 16))
ip netns exec "$NS_b" sysctl -qw net.ipv4.tcp_max_syn_backlog=$((CONNS + 16))
ip netns exec "$NS_b" iperf3 -s -p $IPERF_PORT >/dev/null 2>&1 &
IPERF_PID=$!
at_exit "kill $IPERF_PID"
# Accepts and holds $CONNS connections, each ESTABLISHED until the test
# owner closes its end; then closes its own.
ip netns exec "$NS_b" python3 -c '
import resource, selectors, socket, sys
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(int(sys.argv[2]) + 16)
sel = selectors.DefaultSelector()
sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        if key.fileobj is s:
            c, _ = s.accept()
            sel.register(c, selectors.EVENT_READ)
        elif not key.fileobj.recv(4096):
            sel.unregister(key.fileobj)
            key.fileobj.close()' $MANY_PORT "$CONNS" &
MANY_PID=$!
at_exit "kill $MANY_PID"
wait_listen "$NS_b" $IPERF_PORT
wait_listen "$NS_b" $MANY_PORT

# stream: bits per second of one iperf3 run from a to b, or nothing.
stream() {
	ip netns exec "$NS_a" iperf3 -c $B4 -p $IPERF_PORT -t "$SECS" -J 2>/dev/null |
		python3 -c '
import json, sys
try:
    print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))
except Exception:
    pass'
}

state_a() { unload; }
state_b() {
	unload && modprobe xfrm_guard && modprobe xg_testowner
}
state_c() {
	state_b || return
	"$XG" -n "$NS_a" profile set mode off || return
	owner connect-many $B4 $MANY_PORT "$CONNS" ||
		diag "connect-many: $(field many) of $CONNS attached"
	[ "$(field many)" = "$CONNS" ]
}

# hookbench STATE: the in-kernel figures of one state, as diagnostics.
HOOK_STATES=
hookbench() {
	local out in noop n
	owner hookbench 1000000 || return
	n=$(field hook_entries_post_routing)
	out=$(field hook_out_ps_per_segment)
	in=$(field hook_in_ps_per_segment)
	noop=$(field hook_noop_ps_per_call)
	[ -n "$out" ] && [ -n "$in" ] && [ -n "$noop" ] || return
	HOOK_STATES+=$1
	diag "hooks $1: $(ps_ns "$out") ns out, $(ps_ns "$in") ns in per unguarded" \
		"segment; no-op call $(ps_ns "$noop") ns ($n POST_ROUTING hook(s) in a)"
}
ps_ns() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

declare -A RES
STATES_OK=1
for r in $(seq 1 "$ROUNDS"); do
	for s in a b c; do
		if ! "state_$s"; then
			STATES_OK=0
			diag "round $r: could not set up state ${s^^}"
			continue
		fi
		bps=$(stream)
		[ -n "$bps" ] && RES[$s]+="$bps "
		[ "$r" = "$ROUNDS" ] && [ "$s" != a ] && hookbench "${s^^}"
	done
done
unload

check_eq "every state could be set up, every round" 1 $STATES_OK

# summary A|B|C: "median spread%" of a state's rounds, spread = (max-min)/median.
summary() {
	python3 -c '
import statistics, sys
v = sorted(int(x) for x in sys.argv[1:])
m = statistics.median(v)
print("%d %.1f %d" % (m, 100 * (v[-1] - v[0]) / m, len(v)))' ${RES[$1]}
}

ok_figs=1
declare -A MED
for s in a b c; do
	set -- $(summary $s 2>/dev/null)
	if [ $# -ne 3 ] || [ "$3" -lt "$ROUNDS" ]; then
		ok_figs=0
		continue
	fi
	MED[$s]=$1
	diag "state ${s^^}: median $(($1 / 1000000)) Mbit/s, spread $2% over $3 rounds"
done
if [ $ok_figs = 1 ]; then
	for s in b c; do
		diag "state ${s^^} / state A: $(python3 -c "print('%.3f' % ($((MED[$s])) / $((MED[a]))))")x"
	done
fi
check_eq "the stream was measured in every round of every state" 1 $ok_figs
check_eq "the hooks' own cost was measured in states B and C" BC "$HOOK_STATES"

done_testing
