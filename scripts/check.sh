#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check": everything CI runs, in order.
#
#   1. the pinned test kernels, debug and base (cached; built when missing)
#   2. our modules against each, W=1, warnings are failures
#   3. sparse (C=2), checkpatch --strict and kernel-doc -Wall on our sources
#   4. debug kernel in the VM: every KUnit suite, every functional selftest
#      (two boots side by side, the work split between them)
#   5. base kernel in the VM: the selftests tagged for it (data volume,
#      faults during I/O, demo, benchmarks)
#
# Prints one table row per suite and ends with "N passed, N failed,
# N skipped"; exits non-zero if anything failed. Options (environment):
#   SANGUARD_FLAVOURS="debug base"   which kernels to run the VM part on
#   SANGUARD_ONLY="name ..."         only these selftests/KUnit modules
#   SANGUARD_VM_TIMEOUT=seconds      per VM boot (default 3000)
#   SANGUARD_BUILD=dir               work directory (default .build), so
#                                    two runs can share a checkout
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${SANGUARD_BUILD:-$TOP/.build}
FLAVOURS=${SANGUARD_FLAVOURS:-debug base}
VM_TIMEOUT=${SANGUARD_VM_TIMEOUT:-3000}
RESULTS=$BUILD/results.tsv
T0=$SECONDS

mkdir -p "$BUILD"
: >"$RESULTS"

say() { printf '\n== %s\n' "$*"; }

# record SUITE FLAVOUR PASSED FAILED SKIPPED SECONDS
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"; }

# --- 1. kernels --------------------------------------------------------
declare -A KDIR
for f in $FLAVOURS; do
	say "kernel: $f"
	t=$SECONDS
	if k=$("$TOP/scripts/kernel.sh" build "$f"); then
		KDIR[$f]=$k
		echo "$k"
		record "kernel" "$f" 1 0 0 $((SECONDS - t))
	else
		record "kernel" "$f" 0 1 0 $((SECONDS - t))
	fi
done

# --- 2. modules, W=1 ---------------------------------------------------
copy_tree() {
	# Each kernel gets its own copy of the sources: kbuild writes objects
	# next to them, and the two flavours must not share objects.
	local dst=$1
	rm -rf "$dst"
	mkdir -p "$dst"
	(cd "$TOP" && git ls-files -co --exclude-standard -z -- Kbuild Kconfig include net drivers tools/testing/drivers |
		tar --null -T - -cf -) | tar -xf - -C "$dst"
}

declare -A MODDIR
for f in $FLAVOURS; do
	[ -n "${KDIR[$f]:-}" ] || continue
	say "modules: $f (W=1)"
	t=$SECONDS
	src=$BUILD/$f/src
	copy_tree "$src"
	log=$BUILD/$f/build.log
	if SANGUARD_STRICT_BUILD=1 "$TOP/scripts/build-modules.sh" --src "$src" \
		"${KDIR[$f]}" W=1 -j"$(nproc)" >"$log" 2>&1 &&
		! grep -E 'warning:|error:' "$log"; then
		missing=
		for m in xfrm_guard iscsi_xfrm srnic; do
			[ -n "$(find "$src" -name "$m.ko")" ] || missing+=" $m"
		done
		if [ -z "$missing" ]; then
			echo "built: $(find "$src" -name '*.ko' -printf '%f ')"
			record "build W=1" "$f" 1 0 0 $((SECONDS - t))
			MODDIR[$f]=$src
		else
			echo "missing modules:$missing"
			record "build W=1" "$f" 0 1 0 $((SECONDS - t))
		fi
	else
		tail -n 40 "$log"
		record "build W=1" "$f" 0 1 0 $((SECONDS - t))
	fi
done

# --- 2b. user-space tools the VM tests run (host binaries, 9p root) --------
for tool in "$TOP"/tools/xguard; do
	[ -f "$tool/Makefile" ] || continue
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

# --- 3. sparse and checkpatch -------------------------------------------
first=${FLAVOURS%% *}
if [ -n "${MODDIR[$first]:-}" ]; then
	say "sparse (C=2, $first kernel)"
	t=$SECONDS
	log=$BUILD/$first/sparse.log
	"$TOP/scripts/build-modules.sh" --src "${MODDIR[$first]}" "${KDIR[$first]}" \
		C=2 >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && ! grep -E 'warning:|error:' "$log"; then
		echo "sparse: $(grep -c '  CHECK ' "$log") files checked, nothing reported"
		record "sparse" "$first" 1 0 0 $((SECONDS - t))
	else
		[ $rc -eq 0 ] || tail -n 20 "$log"
		record "sparse" "$first" 0 1 0 $((SECONDS - t))
	fi
fi

say "checkpatch --strict"
t=$SECONDS
if "$TOP/scripts/checkpatch.sh"; then
	record "checkpatch" "-" 1 0 0 $((SECONDS - t))
else
	record "checkpatch" "-" 0 1 0 $((SECONDS - t))
fi

say "kernel-doc -Wall"
t=$SECONDS
if "$TOP/scripts/kernel-doc-check.sh"; then
	record "kernel-doc" "-" 1 0 0 $((SECONDS - t))
else
	record "kernel-doc" "-" 0 1 0 $((SECONDS - t))
fi

say "ynl-check (xfrm_guard YNL spec vs UAPI header and nla_policy)"
t=$SECONDS
schema=$("$TOP/scripts/kernel.sh" src)/Documentation/netlink/genetlink-legacy.yaml
if "$TOP/scripts/ynl-check.py" --schema "$schema" &&
	"$TOP/scripts/ynl-check.py" --self-test --schema "$schema" | grep -v '^ok - '; then
	record "ynl-check" "-" 1 0 0 $((SECONDS - t))
else
	record "ynl-check" "-" 0 1 0 $((SECONDS - t))
fi

# --- 4/5. the VM ---------------------------------------------------------
collect_kunit() {
	local f=$1 dir=$2 ktap name js counts ko mod
	# Every suite module we built must have left results or an error.
	for ko in $(find "${MODDIR[$f]}" -name '*_kunit.ko' | sort); do
		mod=$(basename "$ko" .ko)
		if [ -n "${SANGUARD_ONLY:-}" ] &&
			[[ " $SANGUARD_ONLY " != *" $mod "* ]]; then
			continue
		fi
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
	for ktap in "$dir"/kunit/*.ktap; do
		[ -e "$ktap" ] || continue
		name=${ktap##*/}
		name=${name%.ktap}
		name=${name#*__}
		js=$dir/kunit/$name.json
		python3 "${SRC_TREE}/tools/testing/kunit/kunit.py" parse \
			--json="$js" "$ktap" >"$dir/kunit/$name.parsed" 2>&1
		sed -n '/=====/,$p' "$dir/kunit/$name.parsed" | grep -vE '^\[..:..:..\] =+$' | sed 's/^\[..:..:..\] //'
		counts=$(python3 - "$js" <<'PY'
import json, sys
try:
    data = json.load(open(sys.argv[1]))
except Exception:
    print("0 1 0")
    sys.exit()
p = f = s = 0
def walk(g):
    global p, f, s
    for c in g.get("test_cases", []):
        st = c.get("status")
        if st == "PASS":
            p += 1
        elif st == "SKIP":
            s += 1
        else:
            f += 1
    for sub in g.get("sub_groups", []):
        walk(sub)
walk(data)
if p + f + s == 0:
    f = 1
print(p, f, s)
PY
)
		# shellcheck disable=SC2086
		record "kunit:$name" "$f" $counts 0
	done
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
		record "selftest:$name" "$f" "$p" "$fl" "$s" 0
	done
}

# selftest_weights FLAVOUR: "WEIGHT NAME" for each selftest that runs on
# FLAVOUR; its time limit (# sanguard-timeout:) stands in for its cost.
selftest_weights() {
	local f=$1 t name flav tmo
	for t in "$TOP"/tools/testing/selftests/sanguard/*.sh; do
		name=$(basename "$t" .sh)
		case "$name" in lib | *_lib) continue ;; esac
		flav=$(sed -n 's/^# sanguard-flavours:[[:space:]]*//p' "$t")
		[[ " ${flav:-debug} " == *" $f "* ]] || continue
		tmo=$(sed -n 's/^# sanguard-timeout:[[:space:]]*//p' "$t")
		echo "${tmo:-600} $name"
	done
}

# run_vm FLAVOUR OUT GUEST-ARGS...: one boot; its log in OUT.log.
run_vm() {
	local f=$1 out=$2
	shift 2
	"$TOP/tools/testing/vm/run" --flavour "$f" --moddir "${MODDIR[$f]}" \
		--timeout "$VM_TIMEOUT" --out "$out" -- \
		tools/testing/vm/guest-run.sh --flavour "$f" "$@" >"$out.log" 2>&1
}

# collect_vm FLAVOUR OUT SECONDS KUNIT: health and results of one boot;
# KUNIT is 1 if it ran the KUnit suites.
collect_vm() {
	local f=$1 out=$2 secs=$3 kunit=$4
	grep -E '^vm/run:' "$out.log"
	if [ -s "$out/health" ] || [ ! -f "$out/health" ]; then
		echo "VM health ($f, ${out##*/}):"
		sed 's/^/  /' "$out/health" 2>/dev/null
		record "vm health ${out##*/}" "$f" 0 1 0 "$secs"
	else
		record "vm health ${out##*/}" "$f" 1 0 0 "$secs"
	fi
	[ "$kunit" = 1 ] && collect_kunit "$f" "$out"
	collect_selftests "$f" "$out"
}

SRC_TREE=$("$TOP/scripts/kernel.sh" src)

# The debug kernel runs everything functional and is slow under TCG. The
# guest uses one CPU, so two boots side by side, each with half of the
# work, take about half the time on a two-core machine: KUnit and the
# lighter selftests in one, the heavier ones in the other, balanced by
# their time limits. The base kernel boots alone afterwards so that its
# benchmarks have the machine to themselves.
if [ -n "${MODDIR[debug]:-}" ]; then
	t=$SECONDS
	if [ -n "${SANGUARD_ONLY:-}" ]; then
		say "VM: debug kernel (--kunit --selftests, only $SANGUARD_ONLY)"
		# shellcheck disable=SC2086
		run_vm debug "$BUILD/vm-debug" --kunit --selftests --only $SANGUARD_ONLY
		collect_vm debug "$BUILD/vm-debug" $((SECONDS - t)) 1
	else
		kunits=$(find "${MODDIR[debug]}" -name '*_kunit.ko' -printf '%f\n' |
			sed 's/\.ko$//' | sort)
		# KUnit counts as much as the heaviest selftest.
		shard_a=() shard_b=()
		wa=1800 wb=0
		while read -r w name; do
			if [ "$wa" -le "$wb" ]; then
				shard_a+=("$name")
				wa=$((wa + w))
			else
				shard_b+=("$name")
				wb=$((wb + w))
			fi
		done < <(selftest_weights debug | sort -rn)
		say "VM: debug kernel, two boots side by side"
		echo "boot a: KUnit, ${shard_a[*]}"
		echo "boot b: ${shard_b[*]}"
		# shellcheck disable=SC2086
		run_vm debug "$BUILD/vm-debug-a" --kunit --selftests \
			--only $kunits "${shard_a[@]}" &
		pid_a=$!
		pid_b=
		if [ ${#shard_b[@]} -gt 0 ]; then
			run_vm debug "$BUILD/vm-debug-b" --selftests --only "${shard_b[@]}" &
			pid_b=$!
		fi
		wait $pid_a
		secs_a=$((SECONDS - t))
		[ -z "$pid_b" ] || wait $pid_b
		secs_b=$((SECONDS - t))
		collect_vm debug "$BUILD/vm-debug-a" $secs_a 1
		[ -z "$pid_b" ] || collect_vm debug "$BUILD/vm-debug-b" $secs_b 0
	fi
fi
if [ -n "${MODDIR[base]:-}" ]; then
	say "VM: base kernel (--selftests)"
	t=$SECONDS
	# shellcheck disable=SC2086
	run_vm base "$BUILD/vm-base" --selftests ${SANGUARD_ONLY:+--only $SANGUARD_ONLY}
	collect_vm base "$BUILD/vm-base" $((SECONDS - t)) 0
fi

# --- summary -------------------------------------------------------------
say "summary ($((SECONDS - T0)) s)"
awk -F'\t' '
	BEGIN { printf "%-40s %-7s %6s %6s %7s %6s\n", "suite", "kernel", "passed", "failed", "skipped", "secs" }
	{ printf "%-40s %-7s %6d %6d %7d %6s\n", $1, $2, $3, $4, $5, $6;
	  p += $3; f += $4; s += $5 }
	END { printf "\n%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0) }
' "$RESULTS"
