#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iscsi_xfrm as a module beside iscsi_tcp: both register the iSCSI
# transport "tcp", so only one may be loaded. iscsi_xfrm refuses to load
# while iscsi_tcp is there (modprobe fails, dmesg says why); loading
# iscsi_tcp while iscsi_xfrm is registered fails too, and must not make the
# kernel report anything. The modprobe.d snippet shipped in
# Documentation/admin-guide/sanguard/modprobe.d/, copied into /etc/modprobe.d,
# makes "modprobe iscsi_tcp" load iscsi_xfrm, and iscsid's own request for
# the transport as well: with nothing loaded, a login through iscsid ends
# up on iscsi_xfrm. The module cannot go while a session holds it and
# unloads cleanly, with what it pulled in, once the session is gone.
# sanguard-flavours: debug
# sanguard-timeout: 900

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

MD_SNIPPET=$TOP/Documentation/admin-guide/sanguard/modprobe.d/iscsi_xfrm.conf
MD_CONF=/etc/modprobe.d/iscsi_xfrm.conf
MD_DEPS=(libiscsi_tcp libiscsi scsi_transport_iscsi)
MD_REPORT='WARNING:|BUG:|Call Trace:|sysfs: cannot create duplicate|kobject_add_internal failed|Oops|KASAN|UBSAN'

# md_loaded MOD: MOD is in the kernel.
md_loaded() { [ -d "/sys/module/$1" ]; }

# md_unload_all: neither transport nor what they pull in stays loaded.
md_unload_all() {
	local m
	for m in iscsi_xfrm iscsi_tcp "${MD_DEPS[@]}"; do
		md_loaded "$m" && modprobe -r "$m" 2>/dev/null
	done
	! md_loaded iscsi_xfrm && ! md_loaded iscsi_tcp
}
at_exit md_unload_all

# md_reports: kernel reports since the mark (none wanted).
md_reports() { ix_dmesg_since | grep -E "$MD_REPORT" | head -n 20; }

# md_refcnt MOD: the module's reference count.
md_refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null || echo missing; }

if ! modinfo iscsi_xfrm >/dev/null 2>&1 || ! modinfo iscsi_tcp >/dev/null 2>&1; then
	skip "iscsi_xfrm beside iscsi_tcp" "iscsi_xfrm.ko or iscsi_tcp.ko is not there"
	done_testing
fi
if [ -e "$MD_CONF" ]; then
	not_ok "no $MD_CONF before the test" "$(cat "$MD_CONF")"
	done_testing
fi
check "neither transport loaded at the start" md_unload_all
# xfrm_guard stays for the whole test, so the unload checks below see
# only what the transports pulled in.
load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }

# --- iscsi_tcp first: iscsi_xfrm refuses ------------------------------------------
ix_dmesg_mark
check "modprobe iscsi_tcp" modprobe iscsi_tcp
check_fails "modprobe iscsi_xfrm beside iscsi_tcp fails" modprobe iscsi_xfrm
check_fails "iscsi_xfrm is not loaded" md_loaded iscsi_xfrm
check "dmesg says why: transport \"tcp\" already registered, unload iscsi_tcp" \
	ix_dmesg_grep -F "iscsi_xfrm: the iSCSI transport \"tcp\" is already registered (iscsi_tcp loaded?): unload it first, iscsi_xfrm replaces it"
check "iscsi_tcp still provides the transport \"tcp\"" bash -c \
	"[ -d /sys/class/iscsi_transport/tcp ] && [ -d /sys/module/iscsi_tcp ]"
check_eq "no kernel report" "" "$(md_reports)"
check "modprobe -r iscsi_tcp" modprobe -r iscsi_tcp
check_fails "no transport \"tcp\" left" test -e /sys/class/iscsi_transport/tcp

# --- iscsi_xfrm first: iscsi_tcp fails ---------------------------------------------
ix_dmesg_mark
check "modprobe iscsi_xfrm" modprobe iscsi_xfrm
check "iscsi_xfrm registers the transport \"tcp\"" test -d /sys/class/iscsi_transport/tcp
check_fails "modprobe --ignore-install iscsi_tcp beside iscsi_xfrm fails" \
	modprobe --ignore-install iscsi_tcp
check_fails "iscsi_tcp is not loaded" md_loaded iscsi_tcp
reports=$(md_reports)
check_eq "no kernel report from the refused iscsi_tcp" "" "$reports"
if [ -n "$reports" ]; then
	diag "the kernel said, loading iscsi_tcp beside iscsi_xfrm:"
	ix_dmesg_since | grep -vE 'audit' | head -n 40 | sed 's/^/#   /'
fi
check "dmesg says why iscsi_tcp was refused" \
	ix_dmesg_grep -F "iscsi_tcp cannot load while iscsi_xfrm provides"
check "iscsi_xfrm still provides the transport \"tcp\"" bash -c \
	"[ -d /sys/class/iscsi_transport/tcp ] && [ -d /sys/module/iscsi_xfrm ]"
check "modprobe -r iscsi_xfrm, no session" modprobe -r iscsi_xfrm
check_fails "unloading iscsi_xfrm removes the transport \"tcp\"" \
	test -e /sys/class/iscsi_transport/tcp

# --- the shipped modprobe.d snippet ---------------------------------------------------
if [ -f "$MD_SNIPPET" ]; then
	diag "modprobe.d snippet: $MD_SNIPPET"
	cp "$MD_SNIPPET" "$MD_CONF"
else
	# Not shipped yet: what it is to say.
	diag "no $MD_SNIPPET: testing the rule it is to carry"
	echo 'install iscsi_tcp /sbin/modprobe --ignore-install iscsi_xfrm $CMDLINE_OPTS' >"$MD_CONF"
fi
at_exit "rm -f $MD_CONF"
check "the snippet has an install rule for iscsi_tcp that loads iscsi_xfrm" \
	grep -qE '^install[[:space:]]+iscsi_tcp[[:space:]].*modprobe.*--ignore-install.*iscsi_xfrm' "$MD_CONF"
rule=$(modprobe -c | grep -E '^install iscsi_tcp ')
diag "modprobe -c: $rule"
check "modprobe sees the rule" grep -q iscsi_xfrm <<<"$rule"

ix_dmesg_mark
check "modprobe iscsi_tcp with the snippet" modprobe iscsi_tcp
check "... loads iscsi_xfrm" md_loaded iscsi_xfrm
check_fails "... and not iscsi_tcp" md_loaded iscsi_tcp
check "... which registers the transport \"tcp\"" test -d /sys/class/iscsi_transport/tcp
check "modprobe iscsi_tcp again: nothing to do" modprobe iscsi_tcp
check_fails "iscsi_tcp is still not loaded" md_loaded iscsi_tcp
check_eq "no kernel report" "" "$(md_reports)"
check "modprobe -r iscsi_xfrm" modprobe -r iscsi_xfrm
check_fails "no transport \"tcp\" left" test -e /sys/class/iscsi_transport/tcp

# --- iscsid's own request ---------------------------------------------------------------
check "nothing of iSCSI loaded before iscsid starts" bash -c \
	"! [ -d /sys/module/iscsi_xfrm ] && ! [ -d /sys/module/iscsi_tcp ] && ! [ -d /sys/module/libiscsi_tcp ]"
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "LIO target with a 1 MiB RAM LUN" ix_target_up 1 rd || done_testing
step "LUN 0 mapped for the initiator's ACL" ix_target_acl || done_testing
step "ESP AES-GCM SAs and policies on both sides" ix_sa_up gcm || done_testing
step "iscsid started" ix_iscsid_up || done_testing
step "static node record created" ix_node_new || done_testing
step "node without digests" ix_node_digests None None
ix_dmesg_mark
if out=$(ix_login); then
	ok "login through iscsid, no transport loaded beforehand"
else
	not_ok "login through iscsid, no transport loaded beforehand" "$out" \
		"$(ix_dmesg_since | tail -n 10)" "$(ix_iscsid_log 10)"
fi
check "iscsid's request loaded iscsi_xfrm" md_loaded iscsi_xfrm
check_fails "iscsid's request did not load iscsi_tcp" md_loaded iscsi_tcp
check "the session's SCSI host is iscsi_xfrm's" \
	ix_dmesg_grep -E "scsi host[0-9]+: iSCSI Initiator over TCP/IP, IPsec enforced"
check_eq "the guard has the session's connection (owner iscsi)" "iscsi $IX_T4:$IX_PORT" \
	"$(ix_xguard -j conn show | python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c.get("state", "attached") == "attached" and c["owner"] == "iscsi":
        print(c["owner"], "%s:%d" % (c["remote"], c["remote_port"]))')"
refs=$(md_refcnt iscsi_xfrm)
check "the session holds iscsi_xfrm (refcnt $refs)" test "$refs" != missing -a "$refs" -gt 0
check_fails "rmmod iscsi_xfrm with a session fails" rmmod iscsi_xfrm
check "... and the session is still there" ix_sid

# --- unload ------------------------------------------------------------------------------
check "logout" ix_logout
ix_iscsid_down
check_eq "no session holds iscsi_xfrm" 0 "$(md_refcnt iscsi_xfrm)"
check_fails "rmmod xfrm_guard while iscsi_xfrm uses it fails" rmmod xfrm_guard
check "modprobe -r iscsi_xfrm" modprobe -r iscsi_xfrm
check_fails "iscsi_xfrm is gone" md_loaded iscsi_xfrm
check_fails "the transport \"tcp\" is gone" test -e /sys/class/iscsi_transport/tcp
left=$(for m in "${MD_DEPS[@]}"; do md_loaded "$m" && echo "$m"; done | xargs)
# modprobe -r leaves libiscsi and scsi_transport_iscsi behind after
# iscsi_tcp too (kmod tries them before libiscsi_tcp is gone); what
# matters is that nothing holds them.
[ -n "$left" ] && diag "left by modprobe -r iscsi_xfrm: $left"
check "what it pulled in is unused and unloads" bash -c \
	"for m in $left; do [ ! -d /sys/module/\$m ] || modprobe -r \$m || exit 1; done"
check_eq "no iSCSI module left" "" \
	"$(for m in "${MD_DEPS[@]}"; do md_loaded "$m" && echo "$m"; done)"
check_eq "no kernel report" "" "$(md_reports)"

done_testing
