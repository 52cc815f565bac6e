#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The selftest world every end-to-end test builds on: two network
# namespaces joined by a veth pair carry IPv4 and IPv6 between them, are
# isolated from the initial namespace, and are gone after cleanup.
# sanguard-flavours: debug distro

. "$(dirname "$0")/../../sanguard/lib.sh"

ns_add a
ns_add b
check "veth pair between two fresh namespaces" \
	veth_link a 10.99.0.1/24 b 10.99.0.2/24 fd99::1/64 fd99::2/64
check "IPv4 crosses the veth" ip netns exec "$NS_a" ping -c 1 -W 5 10.99.0.2
check "IPv6 crosses the veth" ip netns exec "$NS_a" ping -6 -c 1 -W 5 fd99::2
check_fails "the initial namespace cannot reach them" ping -c 1 -W 1 10.99.0.2
check "TCP connects across the namespaces" bash -c "
	ip netns exec $NS_b socat -u TCP-LISTEN:5000,reuseaddr OPEN:/tmp/$SG_PREFIX.rx,creat &
	for i in {1..200}; do
		ip netns exec $NS_b ss -Htln 'sport = :5000' | grep -q . && break
		sleep 0.1
	done
	echo sanguard | ip netns exec $NS_a socat -u - TCP:10.99.0.2:5000,retry=5
	wait
	grep -qx sanguard /tmp/$SG_PREFIX.rx"
rm -f "/tmp/$SG_PREFIX.rx"

sg_cleanup
check_eq "cleanup leaves no namespace of this test" "" \
	"$(ip netns list | grep "^$SG_PREFIX-" || true)"

done_testing
