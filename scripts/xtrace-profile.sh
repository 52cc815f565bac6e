#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where a selftest spends its time, from the trace that guest-run.sh
# writes with SANGUARD_XTRACE=1:
#
#   tools/testing/vm/run ... -- env SANGUARD_XTRACE=1 \
#	tools/testing/vm/guest-run.sh --flavour debug --selftests --only NAME
#   scripts/xtrace-profile.sh [-n TOP] OUT/selftests/NAME.xtrace
#
# Each traced command is charged the time until the next traced command
# starts; the lines of the script that cost most, summed over all their
# runs, come first, with the number of runs and the command last seen.
set -eu

top=25
if [ "${1:-}" = -n ]; then top=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [-n TOP] NAME.xtrace..." >&2; exit 2; }

for f in "$@"; do
	echo "== $f"
	awk -v top="$top" '
	/^\++ [0-9]+\.[0-9]+ [^ ]+:[0-9]+ / {
		t = $2 + 0
		if (have) {
			cost[where] += t - prev
			runs[where]++
		}
		where = $3
		cmd[where] = substr($0, index($0, $3) + length($3) + 1, 70)
		if (!have)
			first = t
		prev = t
		have = 1
	}
	END {
		if (!have) {
			print "no trace lines (was SANGUARD_XTRACE=1 set?)"
			exit
		}
		printf "traced %.1f s\n", prev - first
		n = 0
		for (w in cost)
			order[++n] = w
		# insertion sort by cost, descending; traces are small
		for (i = 2; i <= n; i++) {
			w = order[i]
			for (j = i - 1; j >= 1 && cost[order[j]] < cost[w]; j--)
				order[j + 1] = order[j]
			order[j + 1] = w
		}
		printf "%8s %6s  %-28s %s\n", "secs", "runs", "where", "command"
		for (i = 1; i <= n && i <= top; i++) {
			w = order[i]
			printf "%8.2f %6d  %-28s %s\n", cost[w], runs[w], w, cmd[w]
		}
	}' "$f"
done
