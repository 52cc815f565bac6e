#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every sanguard module loads with modprobe, comes up live, taints the
# kernel with nothing but "out-of-tree" (and "unsigned" where the kernel
# checks module signatures without enforcing them, as Debian's does), and
# unloads cleanly.
# sanguard-flavours: debug base distro
# sanguard-timeout: 300

. "$(dirname "$0")/lib.sh"

# O (4096): out-of-tree, always. E (8192): unsigned, only on a kernel that
# checks signatures but lets an unsigned module load (sig_enforce N); one
# that enforces would have refused it, one without module signing has no
# such taint to give. Anything else is a failure.
ALLOWED=O
ALLOWED_BITS=4096
SIG=/sys/module/module/parameters/sig_enforce
if [ -r "$SIG" ] && [ "$(cat "$SIG")" = N ]; then
	ALLOWED=OE
	ALLOWED_BITS=$((4096 | 8192))
	diag "the kernel checks module signatures, not enforced: unsigned (E) is expected"
fi

for mod in xfrm_guard iscsi_xfrm srnic; do
	before=$(cat /proc/sys/kernel/tainted)
	if ! modinfo "$mod" >/dev/null 2>&1; then
		not_ok "$mod: installed in the module tree" "modinfo $mod failed"
		continue
	fi
	check_eq "$mod: licence is GPL" "GPL" "$(modinfo -F license "$mod")"
	check "$mod: modprobe loads it" modprobe "$mod"
	check_eq "$mod: module is live" "live" \
		"$(cat "/sys/module/$mod/initstate" 2>/dev/null)"
	after=$(cat /proc/sys/kernel/tainted)
	check_eq "$mod: adds no kernel taint but $ALLOWED" 0 \
		$(((after & ~before) & ~ALLOWED_BITS))
	mt=$(cat "/sys/module/$mod/taint" 2>/dev/null)
	check_eq "$mod: its own taint flags ($mt) are $ALLOWED at most" "" \
		"$(echo "$mt" | tr -d "$ALLOWED")"
	check "$mod: marked out-of-tree (O)" grep -q O "/sys/module/$mod/taint"
	check "$mod: modprobe -r unloads it" modprobe -r "$mod"
	check_fails "$mod: gone from /sys/module" test -e "/sys/module/$mod"
done

done_testing
