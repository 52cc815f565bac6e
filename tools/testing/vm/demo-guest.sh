#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM (see scripts/demo.sh). Each step prints what it
# does and what came out, for someone who has never seen the project.
set -euo pipefail

step() { printf '\n---- %s\n' "$*"; }

step "kernel"
echo "$(uname -sr) under QEMU, $(nproc) cpus, $(awk '/MemTotal/ {print int($2/1024)}' /proc/meminfo) MiB"

step "loading the sanguard modules"
for m in xfrm_guard iscsi_xfrm srnic; do
	modprobe "$m"
	printf '%-11s %s\n' "$m" "$(modinfo -F description "$m")"
done

step "what is loaded (lsmod)"
lsmod | awk 'NR == 1 || /^(xfrm_guard|iscsi_xfrm|srnic) /'

step "module state (/sys/module/*/initstate)"
for m in xfrm_guard iscsi_xfrm srnic; do
	printf '%-11s %s\n' "$m" "$(cat "/sys/module/$m/initstate")"
done

step "unloading"
for m in srnic iscsi_xfrm xfrm_guard; do
	modprobe -r "$m" && echo "$m unloaded"
done
