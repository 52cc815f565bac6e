#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every sanguard module loads with modprobe, comes up live, taints the
# kernel with nothing but "out-of-tree", and unloads cleanly.
# sanguard-flavours: debug base
# sanguard-timeout: 300

. "$(dirname "$0")/lib.sh"

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
	# O (4096) is expected for an out-of-tree module, nothing else.
	check_eq "$mod: adds no taint but out-of-tree" 0 \
		$(((after & ~before) & ~4096))
	check "$mod: modprobe -r unloads it" modprobe -r "$mod"
	check_fails "$mod: gone from /sys/module" test -e "/sys/module/$mod"
done

done_testing
