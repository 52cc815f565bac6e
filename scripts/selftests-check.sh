#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The selftest directories keep their kselftest promises: for each
# directory tools/testing/selftests/sanguard/targets lists,
#   - the Makefile's TEST_PROGS are exactly the scripts the VM runs (those
#     with a "# sanguard-flavours:" line), each executable;
#   - "settings" gives each test at least the time its
#     "# sanguard-timeout:" line asks for, and both lines sit in the
#     script's leading comment block, where guest-run.sh reads them;
#   - every kernel option "config" asks for is set so in each KDIR given
#     (options of our own Kconfig are ours to build, not the kernel's).
# Prints one line per problem and a total; exits non-zero on any problem.
#
#   scripts/selftests-check.sh [KDIR...]
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
ST=$TOP/tools/testing/selftests
bad=0
n=0
problem() {
	echo "selftests-check: $*"
	bad=$((bad + 1))
}

ours=$(cd "$TOP" && git ls-files -co --exclude-standard -z -- Kconfig '*/Kconfig' |
	xargs -0 sed -n 's/^config[[:space:]]\+//p' | tr '\n' ' ')

for d in $(grep -v '^#' "$ST/sanguard/targets"); do
	dir=$ST/$d
	n=$((n + 1))
	for f in Makefile config settings; do
		[ -f "$dir/$f" ] || problem "$d: no $f"
	done
	[ -f "$dir/Makefile" ] || continue
	progs=$(make -s --no-print-directory -C "$dir" emit_tests COLLECTION=x 2>&1 |
		sed -n 's/^x://p' | sort)
	scripts=$(cd "$dir" && grep -l '^# sanguard-flavours:' -- *.sh 2>/dev/null | sort)
	while read -r t; do
		[ -n "$t" ] || continue
		problem "$d: $t has a \"# sanguard-flavours:\" line but is not in TEST_PROGS"
	done < <(comm -13 <(echo "$progs") <(echo "$scripts"))
	while read -r t; do
		[ -n "$t" ] || continue
		problem "$d: TEST_PROGS names $t, which is missing or has no \"# sanguard-flavours:\" line"
	done < <(comm -23 <(echo "$progs") <(echo "$scripts"))
	limit=$(sed -n 's/^timeout=//p' "$dir/settings" 2>/dev/null)
	for t in $progs; do
		[ -x "$dir/$t" ] || problem "$d: $t is not executable"
		# guest-run.sh reads these lines from the leading comment block
		# only.
		awk '/^# sanguard-(flavours|timeout):/ && past { bad = 1 }
		     !/^#/ && !/^[[:space:]]*$/ { past = 1 }
		     END { exit bad }' "$dir/$t" 2>/dev/null ||
			problem "$d: $t has a \"# sanguard-\" line after its leading comment block"
		tmo=$(sed -n 's/^# sanguard-timeout:[[:space:]]*//p' "$dir/$t" 2>/dev/null)
		if [ -n "$limit" ] && [ "${tmo:-600}" -gt "$limit" ]; then
			problem "$d: $t asks for ${tmo:-600} s, settings gives $limit"
		fi
	done
	for kdir in "$@"; do
		while IFS='=' read -r sym want; do
			case "$sym" in CONFIG_*) ;; *) continue ;; esac
			[[ " $ours " == *" ${sym#CONFIG_} "* ]] && continue
			have=$(sed -n "s/^$sym=//p" "$kdir/.config")
			case "$want/$have" in
			y/y | m/y | m/m) ;;
			*) problem "$d: config wants $sym=$want, $kdir has ${have:-it unset}" ;;
			esac
		done <"$dir/config"
	done
done
if [ $bad -gt 0 ]; then
	echo "selftests-check: $bad problems in $n directories"
	exit 1
fi
echo "selftests-check: $n directories agree with their Makefile, settings and config"
