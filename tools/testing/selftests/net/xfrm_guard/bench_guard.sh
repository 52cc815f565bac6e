#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (base kernel only): the cost of xfrm_guard_tx_ok(), the check
# an owner makes before every transmission, on a protected connection,
# measured side by side with a no-op function call in the same run. The
# figures are printed, not judged: under TCG absolute times mean little;
# the ratio to the no-op call is the figure to compare.
# sanguard-flavours: base
# sanguard-timeout: 600

. "$(dirname "$0")/../../sanguard/lib.sh"
. "$(dirname "$0")/guard_lib.sh"

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24 $A6/64 $B6/64
ipsec_up $A4 $B4
server
check "protected connection attached" owner connect $B4 $PORT
check "10 million calls of each timed" owner bench 10000000
calls=$(field bench_calls)
ok_ps=$(field bench_tx_ok_ps_per_call)
noop_ps=$(field bench_noop_ps_per_call)
check "the benchmark reported both figures" test -n "$ok_ps" -a -n "$noop_ps"
diag "bench: xfrm_guard_tx_ok() $((ok_ps / 1000)).$(printf %03d $((ok_ps % 1000))) ns/call," \
	"no-op call $((noop_ps / 1000)).$(printf %03d $((noop_ps % 1000))) ns/call ($calls calls each)"
check_eq "the connection is still allowed to send" 1 "$(field tx_ok)"
ipsec_down

done_testing
