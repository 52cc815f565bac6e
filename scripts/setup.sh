#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything sanguard needs on a Debian 12 machine, from Debian's
# archive only. Idempotent: packages already present are not touched and
# "apt-get update" runs at most once per invocation (and not at all when
# nothing is missing).
set -euo pipefail

PKGS=(
	# kernel and module build
	build-essential bc bison flex libelf-dev libssl-dev dwarves ccache cpio
	kmod sparse xz-utils python3 perl git
	linux-source-6.12
	# test VM
	qemu-system-x86 busybox-static
	# userland exercised inside the VM
	iproute2 iputils-ping socat tcpdump nftables open-iscsi fio sg3-utils nvme-cli iperf3
	rdma-core ibverbs-utils rdmacm-utils perftest libibverbs-dev
	strongswan-charon strongswan-swanctl
	# xguard CLI
	libmnl-dev pkg-config
	# xguard(8) against "xguard help" (scripts/xguard-man-check.sh)
	groff-base
	# the distro flavour's modules built and installed as a user does
	# (scripts/dkms-build.sh, selftests/sanguard/dkms.sh)
	dkms
	# YNL spec check (scripts/ynl-check.py) and the kernel's YNL cli.py
	python3-yaml python3-jsonschema
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# The test VM mounts its module tree over /lib/modules, which a container
# or a fresh minimal install may not have.
[ -d /lib/modules ] || $SUDO mkdir -p /lib/modules

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all ${#PKGS[@]} packages present"
	exit 0
fi

echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "setup: done"
