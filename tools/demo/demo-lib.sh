#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print helpers shared by the demo's parts (demo-guest.sh, demo-iscsi.sh,
# demo-srnic.sh). Sourced, not run.

# step TEXT: a numbered heading; say TEXT: a paragraph folded to 76 columns.
step() { printf '\n---- %s\n' "$*"; }
say() { fold -s -w 76 <<<"$*"; }

# show CMD...: print a command the way one would type it, then run it with
# its output indented.
show() {
	local a line=
	for a in "$@"; do
		case "$a" in
		*[!A-Za-z0-9_./:=,+-]*) line+=" '$a'" ;;
		*) line+=" $a" ;;
		esac
	done
	printf '#%s\n' "$line"
	"$@" 2>&1 | sed 's/^/  /'
}
