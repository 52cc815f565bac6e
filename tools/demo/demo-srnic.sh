#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo's srnic part, inside the VM (run by demo-guest.sh): an iWARP
# RNIC is added on a veth with "rdma link add", stock rdma-core sees it,
# an unprivileged program runs into its per-user limit, and the security
# counters show the refusal.
set -euo pipefail

TOP=${SG_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
TMP=/tmp/demo-srnic
D=srnic0
S=/sys/class/infiniband/$D
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

. "$TOP/tools/demo/demo-lib.sh"

cleanup() {
	rdma link delete "$D" 2>/dev/null || true
	ip link del demo-rn-a 2>/dev/null || true
	modprobe -r srnic 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$TMP"
chmod 755 "$TMP"
# The selftests' user-verbs program, built on the host (scripts/demo.sh).
install -m 755 "$TOP/tools/testing/selftests/drivers/infiniband/srnic/srnic_uverbs" \
	"$TMP/srnic_uverbs"

step "srnic 1. an iWARP RNIC on a network device"
say "srnic is a software iWARP RNIC that replaces siw. It is created like" \
	"siw, on any Ethernet device; here a veth pair stands in for the NIC."
ip link add demo-rn-a type veth peer name demo-rn-b
ip link set demo-rn-a up
ip link set demo-rn-b up
modprobe ib_uverbs
show rdma link add "$D" type srnic netdev demo-rn-a
show rdma link show "$D/1"
say "Stock rdma-core binds its siw provider to it, so every user can open" \
	"it, as with any RDMA device:"
show "${NOBODY[@]}" ibv_devinfo -d "$D"

step "srnic 2. the resource manager: per-user limits (RFC 5042 6.4.1)"
say "The administrator caps how many protection domains one user may hold." \
	"User nobody asks for 4 and gets 2; the third is refused with EDQUOT," \
	"and the refusal is counted."
show sh -c "echo 2 > $S/limit_user_pd"
show "${NOBODY[@]}" "$TMP/srnic_uverbs" "$D" pd 4
say "Registered memory is capped the same way, in bytes (here 128 KiB):"
show sh -c "echo 131072 > $S/limit_user_mr_bytes"
show "${NOBODY[@]}" "$TMP/srnic_uverbs" "$D" mr 4 65536
say "The MR's lkey and rkey differ: an lkey is never valid on the wire" \
	"(RFC 5042 6.1.1). Every refusal and security event has a counter:"
show rdma statistic show link "$D/1"
echo unlimited >"$S/limit_user_pd"
echo unlimited >"$S/limit_user_mr_bytes"

step "srnic 3. removing the device"
show rdma link delete "$D"
show rdma dev show
rdma dev show | grep -qw "$D" || echo "  ($D is gone)"
