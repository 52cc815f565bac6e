#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iscsi_path.sh over IPv6: the same protected path end to end (open-iscsi,
# ESP AES-GCM between IPv6 addresses, LIO portal on an IPv6 address, data
# written and read back, nothing in the clear), once with iscsi_tcp and
# once with iscsi_xfrm, so that the guard's and the transport's IPv6 paths
# run under the debug kernel.
# Under make check the debug kernel runs iscsi_xfrm and the base kernel the
# anchor (IX_FLAVOUR_MODULES, iscsi_lib.sh).
# sanguard-flavours: debug base
# sanguard-timeout: 900

IX_FLAVOUR_MODULES="debug:iscsi_xfrm base:iscsi_tcp" IX_FAMILY=6 exec bash "$(dirname "$0")/iscsi_path.sh" "$@"
