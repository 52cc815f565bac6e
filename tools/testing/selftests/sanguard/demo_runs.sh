#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo" keeps working: run the demo's guest part (what make demo
# boots the VM with) and check that it got to the end and that each of its
# parts showed what it claims: the guard's refusal and hold/resume, the
# iSCSI disk over ESP and its refusal without SAs, srnic's per-user limit.
# sanguard-flavours: base
# sanguard-timeout: 600

. "$(dirname "$0")/lib.sh"

TOP=$SG_TOP
out=$(SG_TOP=$TOP "$TOP/tools/demo/demo-guest.sh" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	ok "the demo runs to the end"
else
	not_ok "the demo runs to the end" "exit status $rc" "$(tail -n 30 <<<"$out")"
fi

expect() {
	if grep -qE -- "$2" <<<"$out"; then
		ok "$1"
	else
		not_ok "$1" "no line matching: $2"
	fi
}
expect "guard: a connection without IPsec is refused" \
	'refused: the owner gets -EACCES, reason no_ipsec'
expect "guard: the held bytes arrive over ESP after the policies return" \
	'the queued 4000 bytes arrived over ESP'
expect "iscsi_xfrm: 8 MiB written and read back identical over ESP" \
	'identical: 8 MiB went to the target and came back over ESP'
expect "iscsi_xfrm: the login without SAs is refused" \
	'xfrm_guard: refused iscsi .*: no_ipsec'
expect "iscsi_xfrm: the refused login never reached the target" \
	"the target's accepted logins: ([0-9]+) before, \\1 after"
expect "srnic: the unprivileged user's third PD is refused with EDQUOT" \
	'pd failed 122'
expect "srnic: the device is removed" '\(srnic0 is gone\)'
expect "every module unloads at the end" 'srnic unloaded'

done_testing
