#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the NVMe over Fabrics RDMA tests over srnic (srnic_nvme.sh,
# bench_srnic.sh), sourced after lib.sh: an nvmet-rdma target serving
# /dev/nullb0 as namespace 1 of one subsystem on one port, the host's
# connection to it, and its controller and namespace. The caller sets IP
# and PORT (the port's address) before using them.
# shellcheck disable=SC2034,SC2154 # set and used by the tests that source it

NQN=nqn.2026-12.org.sanguard.test:srnic-nvme
HOSTID=5a1e0000-0000-4000-8000-00000000a001
HOSTNQN=nqn.2014-08.org.nvmexpress:uuid:$HOSTID
CFS=/sys/kernel/config/nvmet
SUB=$CFS/subsystems/$NQN

# nv_ctrl: the nvme controller connected to our subsystem (nvmeN), if any.
nv_ctrl() {
	local c n
	for c in /sys/class/nvme/nvme*; do
		[ -r "$c/subsysnqn" ] || continue
		read -r n <"$c/subsysnqn"
		[ "$n" = "$NQN" ] && { echo "${c##*/}"; return 0; }
	done
	return 1
}
# nv_disk: its namespace's block device (nvmeXnY; our kernels have no
# NVMe multipath), once it exists.
nv_disk() {
	local c b
	c=$(nv_ctrl) || return 1
	for b in /sys/class/nvme/"$c"/"$c"n*; do
		b=${b##*/}
		[ -b "/dev/$b" ] && { echo "$b"; return 0; }
	done
	return 1
}
# nv_connect [OPTS...]: nvme connect to our subsystem.
nv_connect() {
	timeout 120 nvme connect -t rdma -a "$IP" -s "$PORT" -n "$NQN" \
		--hostnqn="$HOSTNQN" --hostid="$HOSTID" "$@" 2>&1
}
nv_gone() { ! nv_ctrl >/dev/null; }
# nv_subsys_up: the subsystem, open to any host, with /dev/nullb0 as its
# namespace 1, enabled.
nv_subsys_up() {
	mkdir "$SUB" && echo 1 >"$SUB/attr_allow_any_host" &&
		mkdir "$SUB/namespaces/1" &&
		echo /dev/nullb0 >"$SUB/namespaces/1/device_path" &&
		echo 1 >"$SUB/namespaces/1/enable"
}
# nv_port_up ID ADDR SVC: RDMA port ID on ADDR:SVC, serving the subsystem.
nv_port_up() {
	local p=$CFS/ports/$1

	mkdir "$p" && echo rdma >"$p/addr_trtype" &&
		echo ipv4 >"$p/addr_adrfam" && echo "$2" >"$p/addr_traddr" &&
		echo "$3" >"$p/addr_trsvcid" &&
		ln -s "$SUB" "$p/subsystems/$NQN"
}
# nv_target_up: the subsystem on port 1 at $IP:$PORT.
nv_target_up() { nv_subsys_up && nv_port_up 1 "$IP" "$PORT"; }
# nv_target_down: every port serving the subsystem, its namespace and the
# subsystem gone (what exists).
nv_target_down() {
	local p

	for p in "$CFS"/ports/*; do
		[ -L "$p/subsystems/$NQN" ] || continue
		rm -f "$p/subsystems/$NQN"
		rmdir "$p" 2>/dev/null
	done
	[ -d "$SUB/namespaces/1" ] && echo 0 >"$SUB/namespaces/1/enable"
	rmdir "$SUB/namespaces/1" 2>/dev/null
	rmdir "$SUB" 2>/dev/null
}
