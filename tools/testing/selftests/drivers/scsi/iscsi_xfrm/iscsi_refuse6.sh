#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iscsi_refuse.sh over IPv6: with no SA, a replay window of 0, a weak
# cipher or NULL encryption where confidentiality is required, between
# IPv6 addresses, iscsi_xfrm refuses the login before any PDU and LIO sees
# no Login request; iscsi_tcp, the anchor, is watched.
# Under make check the debug kernel runs iscsi_xfrm and the base kernel the
# anchor (IX_FLAVOUR_MODULES, iscsi_lib.sh).
# sanguard-flavours: debug base
# sanguard-timeout: 900

IX_FAMILY=6 exec bash "$(dirname "$0")/iscsi_refuse.sh" "$@"
