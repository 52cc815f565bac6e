#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check": everything CI runs.
#
#   1. the pinned test kernels, debug and base (cached; built when missing)
#   2. our modules against each, W=1, warnings are failures
#   3. sparse (C=2, base kernel), checkpatch --strict, kernel-doc -Wall,
#      ynl-check, selftests-check and xguard-man-check on our sources
#   4. debug kernel in the VM: every KUnit suite, every functional selftest
#   5. base kernel in the VM: the selftests tagged for it (data volume,
#      faults during I/O, demo, benchmarks)
#
# What depends only on inputs that did not change since an earlier run on
# this machine comes from the cache, as the kernels do: compiled objects
# (ccache, warnings included), checkpatch's findings per file, and the
# kunitconfig check. The host work beside the VM boots is what slows them.
#
# The two cores are kept busy: the debug boots start as soon as the debug
# modules are built, while the base kernel, its modules and the static
# checks (3) run beside them. The VM work is split into boots over
# SANGUARD_VM_LANES lanes (two boots at a time), balanced by how long each
# suite took last time (a durations file in the kernel cache, else the
# committed tools/testing/vm/durations.tsv; the "# sanguard-timeout:"
# lines stand in for suites never measured). The
# base kernel's functional selftests are one boot in a lane too; its
# benchmarks (bench_*.sh, or "# sanguard-alone: yes") boot last, alone.
#
# Prints one table row per suite, a table of phases (start, end, seconds
# since the start) and ends with "N passed, N failed, N skipped"; exits
# non-zero if anything failed. Options (environment):
#   SANGUARD_FLAVOURS="debug base distro"
#                                    which kernels to run the VM part on
#   SANGUARD_ONLY="name ..."         only these selftests/KUnit modules
#   SANGUARD_VM_TIMEOUT=seconds      per VM boot (default 3000, or three times
#                                    the boot's planned seconds if more)
#   SANGUARD_VM_LANES=n              VM boots at a time (default 2)
#   SANGUARD_BUILD=dir               work directory (default .build), so
#                                    two runs can share a checkout
#   SANGUARD_PLAN_ONLY=1             print how the VM work would be split,
#                                    run nothing
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SANGUARD_BUILD:-$TOP/.build}
FLAVOURS=${SANGUARD_FLAVOURS:-debug base distro}
VM_TIMEOUT=${SANGUARD_VM_TIMEOUT:-3000}
LANES=${SANGUARD_VM_LANES:-2}
CACHE=${SANGUARD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sanguard}
DURATIONS=$CACHE/durations.tsv
SELFTESTS=$TOP/tools/testing/selftests
RESULTS=$BUILD/results.tsv
PHASES=$BUILD/phases.tsv
T0=$SECONDS

mkdir -p "$BUILD" "$CACHE"
# Every module build here (W=1, sparse, dkms) compiles through ccache
# (scripts/build-modules.sh): what did not change is not compiled again.
# The same compiler command everywhere, or kbuild would rebuild the tree
# for sparse.
export SANGUARD_CCACHE=$CACHE/ccache
: >"$RESULTS"
: >"$PHASES"
rm -f "$BUILD"/*.built "$BUILD"/*.boot "$BUILD"/*.secs

say() { printf '\n== %s\n' "$*"; }

# phase NAME START: NAME ran from START (a $SECONDS value) until now.
phase() {
	printf '%s\t%s\t%s\n' "$1" $(($2 - T0)) $((SECONDS - T0)) >>"$PHASES"
}

# record SUITE FLAVOUR PASSED FAILED SKIPPED SECONDS
# A row for a build or a static check is a phase as well, that just ended.
record() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
	case "$1" in
	selftest:* | kunit:* | "vm health"*) ;;
	*) phase "$1${2:+ $2}" $((SECONDS - $6)) ;;
	esac
}

in_flavours() { [[ " $FLAVOURS " == *" $1 "* ]]; }
only() { [ -z "${SANGUARD_ONLY:-}" ] || [[ " $SANGUARD_ONLY " == *" $1 "* ]]; }

# --- 1/2. kernel and modules, W=1 ----------------------------------------
# Each kernel gets its own copy of the sources to compile in (kbuild writes
# objects next to them, and the two flavours must not share objects):
# TREES/F. ccache hits only where the paths it hashes are the same as
# last time, so TREES is one place in the cache for every make check of
# this machine, whatever the checkout's path; a lock keeps it to one run
# at a time, and a run that finds it taken compiles in its own BUILD
# (correct, just without the hits). The VMs load the .ko files from
# BUILD/F/mods, copied out of the tree once it is built, so that sparse
# and a later run may rebuild the tree while they run.
TREES=$CACHE/trees
exec 8>"$CACHE/trees.lock"
if ! flock -n 8; then
	echo "check: another make check compiles in $TREES; compiling in $BUILD/trees (no ccache hits)"
	TREES=$BUILD/trees
fi
mkdir -p "$TREES"

declare -A KDIR MODDIR TREE
# BESIDE: the prefix of the host's work that runs beside the VM boots
# (module builds, sparse, dkms, the static checks). Empty until the boots
# start; then "nice -n 10": the boots are the critical path and each keeps
# one core busy, so the host's work fills their idle time instead of
# slowing them (ci8: the debug boots got 45-60 % of a core while the
# builds ran, 95 % after). Kernel builds (a cold cache) are not niced:
# the base boots wait for them.
BESIDE=()

# run_sparse F: sparse (C=2) in F's compile tree.
run_sparse() {
	local f=$1 t log rc
	say "sparse (C=2, $f kernel)"
	t=$SECONDS
	log=$BUILD/$f/sparse.log
	# W=1 as in the build, so that kbuild sees the same flags and only
	# runs the checker instead of compiling everything again.
	"${BESIDE[@]}" "$TOP/scripts/build-modules.sh" --src "${TREE[$f]}" "${KDIR[$f]}" \
		C=2 W=1 -j"$(nproc)" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -E 'warning:|error:' "$log"; then
		echo "sparse: $(grep -c '  CHECK ' "$log") files checked, nothing reported"
		record "sparse" "$f" 1 0 0 $((SECONDS - t))
	else
		[ $rc -eq 0 ] || tail -n 20 "$log"
		record "sparse" "$f" 0 1 0 $((SECONDS - t))
	fi
}

# sparse runs on the base kernel's tree, so that it delays no debug boot;
# on the debug tree if there is no base.
SPARSE_FLAVOUR=${FLAVOURS%% *}
[[ " $FLAVOURS " == *" base "* ]] && SPARSE_FLAVOUR=base

# build_flavour F: the kernel, then our modules against it. Leaves
# $BUILD/F.built ("ok" or "failed") for the VM lanes that wait for it.
build_flavour() {
	local f=$1 t k src log missing m strict=1 kcmd
	say "kernel: $f"
	t=$SECONDS
	kcmd=("$TOP/scripts/kernel.sh" build "$f")
	# The distro kernel is Debian's newest 6.12 package, fetched and
	# unpacked, not built; the modules build against its headers as dkms
	# would. It has no KUnit, so the suites are left out there.
	if [ "$f" = distro ]; then
		kcmd=("${BESIDE[@]}" "$TOP/scripts/distro-kernel.sh" prepare)
		strict=
	fi
	if k=$("${kcmd[@]}"); then
		[ "$f" != distro ] || k=$k/kdir
		KDIR[$f]=$k
		echo "$k"
		record "kernel" "$f" 1 0 0 $((SECONDS - t))
	else
		record "kernel" "$f" 0 1 0 $((SECONDS - t))
		echo failed >"$BUILD/$f.built"
		return
	fi

	say "modules: $f (W=1)"
	t=$SECONDS
	src=$TREES/$f
	TREE[$f]=$src
	mkdir -p "$BUILD/$f"
	"$TOP/scripts/copy-tree.sh" "$src"
	log=$BUILD/$f/build.log
	if SANGUARD_STRICT_BUILD=$strict "${BESIDE[@]}" "$TOP/scripts/build-modules.sh" --src "$src" \
		"${KDIR[$f]}" W=1 -j"$(nproc)" >"$log" 2>&1 &&
		! grep -E 'warning:|error:' "$log"; then
		missing=
		for m in xfrm_guard iscsi_xfrm srnic; do
			[ -n "$(find "$src" -name "$m.ko")" ] || missing+=" $m"
		done
		if [ -z "$missing" ]; then
			echo "built: $(find "$src" -name '*.ko' -printf '%f ')"
			record "build W=1" "$f" 1 0 0 $((SECONDS - t))
			MODDIR[$f]=$BUILD/$f/mods
			rm -rf "${MODDIR[$f]}"
			mkdir -p "${MODDIR[$f]}"
			find "$src" -name '*.ko' -exec cp -t "${MODDIR[$f]}/" {} +
			[ "$f" != distro ] || build_dkms
			echo ok >"$BUILD/$f.built"
			# In the tree, not in mods: the boots need not wait.
			[ "$f" != "$SPARSE_FLAVOUR" ] || run_sparse "$f"
			return
		fi
		echo "missing modules:$missing"
	else
		tail -n 40 "$log"
	fi
	record "build W=1" "$f" 0 1 0 $((SECONDS - t))
	echo failed >"$BUILD/$f.built"
}

# build_dkms: the distro flavour's dkms build (add, build, binaries
# tarball) into TREES/dkms, copied to $BUILD/distro/dkms, which
# selftests/sanguard/dkms.sh installs and removes in the VM.
build_dkms() {
	local t=$SECONDS
	say "dkms: build for the distro kernel"
	if "${BESIDE[@]}" "$TOP/scripts/dkms-build.sh" "${KDIR[distro]}" "$TREES/dkms" &&
		rm -rf "$BUILD/distro/dkms" && cp -a "$TREES/dkms" "$BUILD/distro/dkms"; then
		record "dkms build" distro 1 0 0 $((SECONDS - t))
	else
		record "dkms build" distro 0 1 0 $((SECONDS - t))
	fi
}

build_tools() {
	local tool name t log d
	# The VM tests run these host binaries (9p root): built before any
	# boot starts, never while one runs. The selftests' helper programs
	# (TEST_GEN_PROGS_EXTENDED) are built by their kselftest Makefiles.
	say "selftests: build"
	t=$SECONDS
	log=$BUILD/selftests-build.log
	: >"$log"
	for d in $(selftest_dirs); do
		make -C "$SELFTESTS/$d" KSFT_DIR="$SRC_TREE/tools/testing/selftests" \
			>>"$log" 2>&1 || echo "make -C $d failed" >>"$log"
		# make succeeding is not enough: a nested make once built
		# them in "/" (lib.mk's OUTPUT); each must be where the
		# tests look for it.
		for p in $(sed -n 's/^TEST_GEN_PROGS\(_EXTENDED\)\? *[:+]\?= *//p' \
				"$SELFTESTS/$d/Makefile"); do
			[ -x "$SELFTESTS/$d/$p" ] ||
				echo "$d/$p: not built there (failed)" >>"$log"
		done
	done
	if grep -E 'warning:|error:|failed' "$log"; then
		tail -n 20 "$log"
		record "selftests:build" "-" 0 1 0 $((SECONDS - t))
	else
		record "selftests:build" "-" 1 0 0 $((SECONDS - t))
	fi
	for tool in "$TOP"/tools/*/Makefile; do
		tool=${tool%/Makefile}
		name=${tool##*/}
		say "tools: $name"
		t=$SECONDS
		log=$BUILD/tool-$name.log
		if make -C "$tool" clean >/dev/null 2>&1 && make -C "$tool" >"$log" 2>&1 &&
			! grep -E 'warning:|error:' "$log"; then
			record "tool:$name" "-" 1 0 0 $((SECONDS - t))
		else
			tail -n 20 "$log"
			record "tool:$name" "-" 0 1 0 $((SECONDS - t))
		fi
	done
}
# --- 4/5. the VM ---------------------------------------------------------
# A boot is a file $BUILD/NAME.boot: its flavour, whether it runs KUnit,
# and the names it runs (guest-run.sh --only). Its results land in
# $BUILD/vm-NAME, its wall time in $BUILD/NAME.secs.

# selftest_dirs: the selftest directories, relative to $SELFTESTS.
selftest_dirs() { grep -v '^#' "$SELFTESTS/sanguard/targets"; }

# selftest_path NAME: the script of selftest NAME.
declare -A SELFTEST_PATH=()
selftest_path() {
	local d t
	if [ ${#SELFTEST_PATH[@]} -eq 0 ]; then
		for d in $(selftest_dirs); do
			for t in "$SELFTESTS/$d"/*.sh; do
				grep -q '^# sanguard-flavours:' "$t" &&
					SELFTEST_PATH[$(basename "$t" .sh)]=$t
			done
		done
	fi
	echo "${SELFTEST_PATH[$1]:-}"
}

# selftests_for FLAVOUR: "TIMEOUT ALONE NAME" for each selftest that runs
# on FLAVOUR (ALONE is 1 for a benchmark that needs the machine alone). A
# selftest is a script with a "# sanguard-flavours:" line in one of the
# directories; selftests-check.sh keeps those and TEST_PROGS the same.
selftests_for() {
	local f=$1 t d name flav tmo alone
	for t in $(for d in $(selftest_dirs); do
		grep -l '^# sanguard-flavours:' "$SELFTESTS/$d"/*.sh; done); do
		name=$(basename "$t" .sh)
		only "$name" || continue
		flav=$(sed -n 's/^# sanguard-flavours:[[:space:]]*//p' "$t")
		[[ " $flav " == *" $f "* ]] || continue
		tmo=$(sed -n 's/^# sanguard-timeout:[[:space:]]*//p' "$t")
		alone=0
		case "$name" in bench_*) alone=1 ;; esac
		grep -qE '^# sanguard-alone:[[:space:]]*(yes|1)' "$t" && alone=1
		echo "${tmo:-600} $alone $name"
	done
}

# Durations of the last runs: "FLAVOUR NAME SECONDS", NAME a selftest,
# kunit:MODULE or @boot (a boot's own cost: boot, module loads, shutdown).
# A machine that never ran the suites (an empty cache) plans with the
# durations committed in tools/testing/vm/durations.tsv, measured on a
# two-core TCG machine; this machine's own measurements override them.
# Without either, the time limits (scaled) stand in, which balances the
# lanes badly: on a machine with an empty cache one debug lane took
# 1,575 s and the other 2,908 s.
DURATIONS_SEED=$TOP/tools/testing/vm/durations.tsv
declare -A DUR
load_durations() {
	local f n s file
	for file in "$DURATIONS_SEED" "$DURATIONS"; do
		[ -f "$file" ] || continue
		while read -r f n s; do
			[[ "$s" =~ ^[0-9]+$ ]] && DUR[$f/$n]=$s
		done <"$file"
	done
}

# SCALE: measured seconds per second of time limit, over the selftests
# measured before, in percent; stands in for what was never measured.
SCALE=100
compute_scale() {
	local f tmo alone name sd=0 st=0
	for f in debug base; do
		while read -r tmo alone name; do
			[ -n "${DUR[$f/$name]:-}" ] || continue
			sd=$((sd + DUR[$f/$name]))
			st=$((st + tmo))
		done < <(selftests_for "$f")
	done
	[ $st -gt 0 ] && [ $sd -gt 0 ] && SCALE=$((sd * 100 / st))
}

# weight FLAVOUR NAME TIMEOUT
weight() {
	local d=${DUR[$1/$2]:-}
	if [ -n "$d" ]; then
		echo "$d"
	else
		echo $(($3 * SCALE / 100))
	fi
}

# boot_desc NAME: what a boot runs, in words.
boot_desc() {
	local f kunit names
	read -r f kunit names <"$BUILD/$1.boot"
	# shellcheck disable=SC2086
	[ "$kunit" = 1 ] && printf 'KUnit (%s modules), ' "$(printf '%s\n' $names | grep -c '_kunit$')"
	# shellcheck disable=SC2086
	printf '%s\n' $names | grep -v '_kunit$' | tr '\n' ' '
	echo
}

declare -a LANE_LOAD LANE_BOOTS
LETTERS=abcdefghijklmnopqrstuvwxyz
declare -A BOOT_LOAD

# plan_vm: write the .boot files and fill LANE_BOOTS (space-separated boot
# names per lane, run in order). Greedy: heaviest item first, onto the
# least loaded lane; an item is a debug selftest, the debug KUnit suites
# (together), or the base kernel's functional selftests (one boot).
#
# As many boots at a time as lanes, no more: the base and distro boots run
# as a third VM beside the two debug lanes (make check of 2026-12-07)
# took 1,260 s instead of 885 and slowed each debug lane by 460 s; the
# whole run took 2,080 s against 2,015 with them in the lanes. The base boot
# waits on timers for much of its time, but a slowed guest polls for
# longer, and the distro kernel brings up two vCPUs.
plan_vm() {
	local items=() tmo alone name w f i best kunits=() m base=() bench=() kw=0 bw=0 boot
	local distro=() dw=0
	for ((i = 0; i < LANES; i++)); do
		LANE_LOAD[i]=0
		LANE_BOOTS[i]=
	done
	if in_flavours debug && [ "$(cat "$BUILD/debug.built" 2>/dev/null)" = ok ]; then
		for m in $(find "${MODDIR[debug]}/" -name '*_kunit.ko' -printf '%f\n' |
			sed 's/\.ko$//' | sort); do
			only "$m" || continue
			kunits+=("$m")
			kw=$((kw + ${DUR[debug/kunit:$m]:-$((120 * SCALE / 100))}))
		done
		[ ${#kunits[@]} -eq 0 ] || items+=("$kw debug @kunit")
		while read -r tmo alone name; do
			items+=("$(weight debug "$name" "$tmo") debug $name")
		done < <(selftests_for debug)
	fi
	if in_flavours base; then
		while read -r tmo alone name; do
			if [ "$alone" = 1 ]; then
				bench+=("$name")
			else
				base+=("$name")
				bw=$((bw + $(weight base "$name" "$tmo")))
			fi
		done < <(selftests_for base)
		[ ${#base[@]} -eq 0 ] ||
			items+=("$((bw + ${DUR[base/@boot]:-60})) base @base")
	fi
	if in_flavours distro; then
		# One boot, no benchmarks: what users run, not how fast.
		while read -r tmo alone name; do
			[ "$alone" = 1 ] && continue
			distro+=("$name")
			dw=$((dw + $(weight distro "$name" "$tmo")))
		done < <(selftests_for distro)
		[ ${#distro[@]} -eq 0 ] ||
			items+=("$((dw + ${DUR[distro/@boot]:-60})) distro @distro")
	fi

	rm -f "$BUILD"/*.boot
	while read -r w f name; do
		[ -n "$name" ] || continue
		best=0
		for ((i = 1; i < LANES; i++)); do
			[ "${LANE_LOAD[i]}" -lt "${LANE_LOAD[best]}" ] && best=$i
		done
		LANE_LOAD[best]=$((LANE_LOAD[best] + w))
		case "$name" in
		@base)
			boot=base
			printf 'base 0 %s\n' "${base[*]}" >"$BUILD/$boot.boot"
			;;
		@distro)
			boot=distro
			printf 'distro 0 %s\n' "${distro[*]}" >"$BUILD/$boot.boot"
			;;
		*)
			boot=debug-${LETTERS:best:1}
			if [ ! -f "$BUILD/$boot.boot" ]; then
				echo "debug 0" >"$BUILD/$boot.boot"
				LANE_BOOTS[best]="$boot ${LANE_BOOTS[best]}"
			fi
			if [ "$name" = @kunit ]; then
				sed -i "1s/^debug 0/debug 1 ${kunits[*]}/" "$BUILD/$boot.boot"
			else
				sed -i "1s/\$/ $name/" "$BUILD/$boot.boot"
			fi
			;;
		esac
		case "$boot" in
		base | distro) LANE_BOOTS[best]="${LANE_BOOTS[best]} $boot" ;;
		esac
		BOOT_LOAD[$boot]=$((${BOOT_LOAD[$boot]:-0} + w))
	done < <(printf '%s\n' "${items[@]}" | sort -k1,1nr -k3)
	if [ ${#bench[@]} -gt 0 ]; then
		printf 'base 0 %s\n' "${bench[*]}" >"$BUILD/base-alone.boot"
		bw=0
		for name in "${bench[@]}"; do
			bw=$((bw + $(weight base "$name" "$(sed -n 's/^# sanguard-timeout:[[:space:]]*//p' "$(selftest_path "$name")")")))
		done
		BOOT_LOAD[base-alone]=$bw
	fi
	local from=$DURATIONS
	[ -f "$DURATIONS" ] || from=$DURATIONS_SEED
	echo "VM plan ($LANES lanes; estimated seconds from $from," \
		"time limits x $SCALE% where never measured):"
	for ((i = 0; i < LANES; i++)); do
		[ -n "${LANE_BOOTS[i]}" ] || continue
		echo "  lane $((i + 1)) (~${LANE_LOAD[i]} s):"
		for boot in ${LANE_BOOTS[i]}; do
			echo "    $boot (~${BOOT_LOAD[$boot]} s): $(boot_desc "$boot")"
		done
	done
	[ ! -f "$BUILD/base-alone.boot" ] ||
		echo "  then alone: base-alone (~${BOOT_LOAD[base-alone]} s): ${bench[*]}"
}

# run_boot NAME: one boot as its .boot file says; its log in vm-NAME.log.
# A base boot first waits for the base kernel and modules.
run_boot() {
	local boot=$1 f kunit names t args tmo
	read -r f kunit names <"$BUILD/$boot.boot"
	while [ ! -f "$BUILD/$f.built" ]; do sleep 5; done
	if [ "$(cat "$BUILD/$f.built")" != ok ]; then
		echo "VM $boot: not booted, the $f build failed"
		return
	fi
	args=(--selftests)
	[ "$kunit" = 1 ] && args=(--kunit --selftests)
	# A limit for a hang, not for a slow machine: a boot planned long
	# gets three times its plan, unless the limit was set. Twice was
	# not enough on a machine half as fast as the one the committed
	# durations come from, with module builds beside the boot
	# (2026-12-08: a debug boot planned at 1,603 s needed over 3,206).
	tmo=$VM_TIMEOUT
	if [ -z "${SANGUARD_VM_TIMEOUT:-}" ] &&
		[ $((3 * ${BOOT_LOAD[$boot]:-0})) -gt "$tmo" ]; then
		tmo=$((3 * BOOT_LOAD[$boot]))
	fi
	echo "VM $boot: started at $((SECONDS - T0)) s"
	t=$SECONDS
	# shellcheck disable=SC2086
	"$TOP/tools/testing/vm/run" --flavour "$f" --moddir "$BUILD/$f/mods" \
		--timeout "$tmo" --out "$BUILD/vm-$boot" -- \
		env SANGUARD_DKMS="$BUILD/distro/dkms" \
		tools/testing/vm/guest-run.sh --flavour "$f" "${args[@]}" --only $names \
		>"$BUILD/vm-$boot.log" 2>&1
	echo $((SECONDS - t)) >"$BUILD/$boot.secs"
	phase "vm $boot" "$t"
	echo "VM $boot: done at $((SECONDS - T0)) s ($((SECONDS - t)) s)"
}

# run_lane BOOT...: the boots one after the other.
run_lane() {
	local boot
	for boot in "$@"; do
		run_boot "$boot"
	done
}

collect_kunit() {
	local f=$1 dir=$2 ktap name counts mod secs n line ktaps
	# Every suite module the boot ran must have left results or an error.
	for mod in $3; do
		if ! ls "$dir/kunit/${mod}__"*.ktap >/dev/null 2>&1 &&
			[ ! -e "$dir/kunit/$mod.error" ]; then
			echo "kunit: $mod left no results"
			record "kunit:$mod" "$f" 0 1 0 0
		fi
	done
	for e in "$dir"/kunit/*.error; do
		[ -e "$e" ] || continue
		echo "kunit: $(cat "$e")"
		record "kunit:$(basename "$e" .error)" "$f" 0 1 0 0
	done
	# One parser process for every suite of the boot.
	ktaps=("$dir"/kunit/*.ktap)
	[ -e "${ktaps[0]}" ] || return 0
	python3 "$TOP/scripts/kunit-collect.py" "$SRC_TREE" "${ktaps[@]}" |
		while IFS= read -r line; do
			if [[ "$line" != "@counts "* ]]; then
				printf '%s\n' "$line"
				continue
			fi
			read -r _ ktap counts <<<"$line"
			name=${ktap##*/}
			name=${name%.ktap}
			mod=${name%%__*}
			name=${name#*__}
			# A module's seconds, shared among its suites.
			n=$(find "$dir/kunit" -name "${mod}__*.ktap" | wc -l)
			secs=$(($(cat "$dir/kunit/$mod.secs" 2>/dev/null || echo 0) / n))
			# shellcheck disable=SC2086
			record "kunit:$name" "$f" $counts "$secs"
		done
	if [ "${PIPESTATUS[0]}" -ne 0 ]; then
		echo "kunit-collect.py failed on ${dir##*/}"
		record "kunit:collect ${dir##*/}" "$f" 0 1 0 0
	fi
}

collect_selftests() {
	local f=$1 dir=$2 tap name rc p fl s
	for tap in "$dir"/selftests/*.tap; do
		[ -e "$tap" ] || continue
		name=$(basename "$tap" .tap)
		rc=$(cat "$dir/selftests/$name.rc" 2>/dev/null || echo 255)
		p=$(grep -cE '^ok [0-9]+' "$tap" | tr -d ' ')
		s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$tap" | tr -d ' ')
		fl=$(grep -cE '^not ok [0-9]+' "$tap" | tr -d ' ')
		p=$((p - s))
		if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$fl" -eq 0 ]; then
			# Died before reporting a failure (timeout, crash).
			echo "selftest $name ($f): exit status $rc without a failing test"
			[ -s "$dir/selftests/$name.err" ] && tail -n 10 "$dir/selftests/$name.err"
			fl=1
		fi
		if [ "$fl" -gt 0 ]; then
			grep -E '^not ok|^#' "$tap" | head -n 40
		fi
		record "selftest:$name" "$f" "$p" "$fl" "$s" \
			"$(cat "$dir/selftests/$name.secs" 2>/dev/null || echo 0)"
	done
}

# collect_boot NAME: health and results of one boot.
collect_boot() {
	local boot=$1 out=$BUILD/vm-$1 f kunit names secs
	read -r f kunit names <"$BUILD/$boot.boot"
	[ -f "$BUILD/$boot.secs" ] || return 0
	secs=$(cat "$BUILD/$boot.secs")
	grep -E '^vm/run:' "$out.log"
	# The guest's timeline: where a boot's own time (@boot) goes.
	grep -aE '^sanguard-vm: (command starts|kmemleak scans|done)' "$out/console.log" 2>/dev/null |
		sed 's/^/  /'
	if [ -s "$out/health" ] || [ ! -f "$out/health" ]; then
		echo "VM health ($f, ${out##*/}):"
		sed 's/^/  /' "$out/health" 2>/dev/null
		record "vm health ${out##*/}" "$f" 0 1 0 "$secs"
	else
		record "vm health ${out##*/}" "$f" 1 0 0 "$secs"
	fi
	if [ "$kunit" = 1 ]; then
		# shellcheck disable=SC2086
		collect_kunit "$f" "$out" "$(printf '%s\n' $names | grep '_kunit$')"
	fi
	collect_selftests "$f" "$out"
}

# save_durations: this run's measurements replace the old ones in the
# durations file (shared by every run on this machine). The guest times
# its suites by its own clock; each boot's are scaled by the host's wall
# time over the guest's ("sanguard-vm: done, ... at X s"), so that a guest
# clock that falls behind (it did, by 45 %, before tsc=reliable) cannot
# plan the lanes wrong.
save_durations() {
	local boot out f kunit names s n host guest
	{
		for boot in "$BUILD"/*.boot; do
			[ -e "$boot" ] || continue
			boot=$(basename "$boot" .boot)
			out=$BUILD/vm-$boot
			[ -f "$BUILD/$boot.secs" ] || continue
			read -r f kunit names <"$BUILD/$boot.boot"
			host=$(cat "$BUILD/$boot.secs")
			guest=$(grep -a '^sanguard-vm: done, ' "$out/console.log" 2>/dev/null |
				sed -n 's/.* at \([0-9.]*\) s.*/\1/p' | tail -n 1)
			for s in "$out"/selftests/*.secs "$out"/kunit/*.secs; do
				[ -e "$s" ] || continue
				n=$(basename "$s" .secs)
				case "$s" in */kunit/*) n=kunit:$n ;; esac
				printf '%s %s\n' "$n" "$(cat "$s")"
			done | awk -v f="$f" -v host="$host" -v guest="${guest:-0}" '
				{ s = (guest > 0) ? int($2 * host / guest + 0.5) : $2
				  printf "%s %s %d\n", f, $1, s; sum += s }
				END { b = host - sum; printf "%s @boot %d\n", f, b < 0 ? 0 : b }'
		done
	} >"$BUILD/durations.new"
	(
		flock 9
		cat "$DURATIONS" 2>/dev/null >>"$BUILD/durations.new"
		# First line per key wins: this run's, then the older ones.
		awk '!seen[$1 " " $2]++' "$BUILD/durations.new" | sort >"$DURATIONS.tmp" &&
			mv "$DURATIONS.tmp" "$DURATIONS"
	) 9>"$CACHE/.lock-durations"
	rm -f "$BUILD/durations.new"
}

# --- the run -------------------------------------------------------------
SRC_TREE=$("$TOP/scripts/kernel.sh" src)
load_durations
compute_scale

# The debug kernel and its modules first: its boots are the longest part.
if [ -n "${SANGUARD_PLAN_ONLY:-}" ]; then
	# What the last run built stands in for the KUnit module list.
	MODDIR[debug]=$BUILD/debug/mods
	echo ok >"$BUILD/debug.built"
else
	in_flavours debug && build_flavour debug
	build_tools
fi

say "VM: plan"
if in_flavours debug && [ "$(cat "$BUILD/debug.built")" != ok ]; then
	echo "the debug build failed: no debug boots"
fi
plan_vm
[ -z "${SANGUARD_PLAN_ONLY:-}" ] || exit 0
lane_pids=()
for ((i = 0; i < LANES; i++)); do
	[ -n "${LANE_BOOTS[i]}" ] || continue
	# shellcheck disable=SC2086
	run_lane ${LANE_BOOTS[i]} 8>&- &
	lane_pids+=($!)
done
[ ${#lane_pids[@]} -eq 0 ] || BESIDE=(nice -n 10)

# Beside the VMs: the base kernel and modules, then the static checks.
in_flavours base && build_flavour base
in_flavours distro && build_flavour distro
# Every compile in TREES is done: another make check may use them.
exec 8>&-
# --- 3. checkpatch, kernel-doc, ynl-check, selftests-check, xguard-man-check (sparse ran in
# build_flavour) ---
say "checkpatch --strict"
t=$SECONDS
if "${BESIDE[@]}" "$TOP/scripts/checkpatch.sh"; then
	record "checkpatch" "-" 1 0 0 $((SECONDS - t))
else
	record "checkpatch" "-" 0 1 0 $((SECONDS - t))
fi

say "kernel-doc -Wall"
t=$SECONDS
if "${BESIDE[@]}" "$TOP/scripts/kernel-doc-check.sh"; then
	record "kernel-doc" "-" 1 0 0 $((SECONDS - t))
else
	record "kernel-doc" "-" 0 1 0 $((SECONDS - t))
fi

say "ynl-check (xfrm_guard YNL spec vs UAPI header and nla_policy)"
t=$SECONDS
schema=$("$TOP/scripts/kernel.sh" src)/Documentation/netlink/genetlink-legacy.yaml
if "${BESIDE[@]}" "$TOP/scripts/ynl-check.py" --schema "$schema" &&
	"${BESIDE[@]}" "$TOP/scripts/ynl-check.py" --self-test --schema "$schema" | grep -v '^ok - '; then
	record "ynl-check" "-" 1 0 0 $((SECONDS - t))
else
	record "ynl-check" "-" 0 1 0 $((SECONDS - t))
fi

say "selftests-check (Makefile, settings and config of each directory)"
t=$SECONDS
kdirs=()
for f in $FLAVOURS; do
	# The config files name what our test kernels must have; the distro
	# kernel is what Debian ships.
	[ "$f" = distro ] && continue
	[ -n "${KDIR[$f]:-}" ] && kdirs+=("${KDIR[$f]}")
done
if "${BESIDE[@]}" "$TOP/scripts/selftests-check.sh" "${kdirs[@]}"; then
	record "selftests-check" "-" 1 0 0 $((SECONDS - t))
else
	record "selftests-check" "-" 0 1 0 $((SECONDS - t))
fi

say "xguard-man-check (xguard(8) vs xguard help)"
t=$SECONDS
if "${BESIDE[@]}" "$TOP/scripts/xguard-man-check.sh" "$TOP/tools/xguard/xguard"; then
	record "xguard-man-check" "-" 1 0 0 $((SECONDS - t))
else
	record "xguard-man-check" "-" 0 1 0 $((SECONDS - t))
fi

# Each driver's .kunitconfig still resolves to the options it names, in a
# kernel tree with our modules laid in (what kunit.py run starts with; the
# suites themselves run in the debug VM).
say "kunitconfig (kunit.py config, each driver, in a kernel tree)"
t=$SECONDS
if "${BESIDE[@]}" "$TOP/scripts/kunitconfig-check.sh" "$BUILD"; then
	record "kunitconfig" "-" 1 0 0 $((SECONDS - t))
else
	record "kunitconfig" "-" 0 1 0 $((SECONDS - t))
fi

# --- the VM boots: wait for the lanes, then the benchmarks alone ----------
if [ ${#lane_pids[@]} -gt 0 ]; then
	say "VM: waiting for the boots"
	wait "${lane_pids[@]}"
fi
if [ -f "$BUILD/base-alone.boot" ]; then
	say "VM: base kernel, benchmarks alone"
	run_boot base-alone
fi

say "VM results"
for boot in "$BUILD"/*.boot; do
	[ -e "$boot" ] || continue
	collect_boot "$(basename "$boot" .boot)"
done
save_durations

# --- summary -------------------------------------------------------------
say "phases (seconds since the start; VM boots overlap the builds)"
sort -t$'\t' -k2,2n -k3,3n "$PHASES" | awk -F'\t' '
	BEGIN { printf "%-40s %6s %6s %6s\n", "phase", "start", "end", "secs" }
	{ printf "%-40s %6d %6d %6d\n", $1, $2, $3, $3 - $2 }'
say "summary ($((SECONDS - T0)) s)"
awk -F'\t' '
	BEGIN { printf "%-40s %-7s %6s %6s %7s %6s\n", "suite", "kernel", "passed", "failed", "skipped", "secs" }
	{ printf "%-40s %-7s %6d %6d %7d %6s\n", $1, $2, $3, $4, $5, $6;
	  p += $3; f += $4; s += $5 }
	END { printf "\n%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0) }
' "$RESULTS"
