#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (tools/testing/vm/run ... guest-run.sh ...) and
# leaves raw results in the VM's result share for scripts/check.sh:
#
#   guest-run.sh --flavour F [--kunit] [--selftests] [--only NAME...]
#
#   kunit/<module>__<suite>.ktap   one KTAP document per suite (debugfs)
#   kunit/<module>.error           a suite module that failed to load/unload
#   kunit/<module>.secs            seconds from load to unload
#   selftests/<name>.tap, .rc      TAP output and exit status per script
#   selftests/<name>.secs          seconds the script ran (guest clock)
#
# KUnit suites are the *_kunit.ko modules among ours (SG_MODDIR); each is
# loaded alone, its results read from debugfs, then unloaded. Selftests are
# the scripts with a "# sanguard-flavours:" line naming this flavour in the
# directories tools/testing/selftests/sanguard/targets lists (the
# TEST_PROGS of their kselftest Makefiles; scripts/check.sh checks that the
# two agree), run from their directory.
set -u

OUT=/tmp/sgout
SELFTESTS=$SG_TOP/tools/testing/selftests
FLAVOUR=debug
DO_KUNIT=
DO_SELFTESTS=
ONLY=()
while [ $# -gt 0 ]; do
	case "$1" in
	--flavour) FLAVOUR=$2; shift 2 ;;
	--kunit) DO_KUNIT=1; shift ;;
	--selftests) DO_SELFTESTS=1; shift ;;
	--only) shift; ONLY=("$@"); break ;;
	*) echo "guest-run: unknown argument $1" >&2; exit 2 ;;
	esac
done

# The flavour, for a test that splits its work between kernels (an
# anchor's comparison run on the base kernel, for instance).
export SANGUARD_FLAVOUR=$FLAVOUR

selected() {
	local n
	[ ${#ONLY[@]} -eq 0 ] && return 0
	for n in "${ONLY[@]}"; do [ "$n" = "$1" ] && return 0; done
	return 1
}

run_kunit() {
	local ko mod before after suite rc=0 d t
	mkdir -p "$OUT/kunit"
	while IFS= read -r ko; do
		mod=$(basename "$ko" .ko)
		selected "$mod" || continue
		before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
		echo "guest-run: kunit $mod"
		t=$SECONDS
		if ! modprobe "$mod" >"$OUT/kunit/$mod.load" 2>&1; then
			echo "modprobe $mod failed: $(cat "$OUT/kunit/$mod.load")" >"$OUT/kunit/$mod.error"
			rc=1
			continue
		fi
		after=$(ls /sys/kernel/debug/kunit 2>/dev/null)
		for suite in $(comm -13 <(echo "$before") <(echo "$after")); do
			d=/sys/kernel/debug/kunit/$suite
			cat "$d/results" >"$OUT/kunit/${mod}__$suite.ktap"
			# The last line is the suite's own result.
			if ! tail -n 1 "$OUT/kunit/${mod}__$suite.ktap" | grep -q '^ok '; then
				echo "guest-run: kunit suite $suite failed"
				rc=1
			fi
		done
		if ! modprobe -r "$mod" >>"$OUT/kunit/$mod.load" 2>&1; then
			echo "modprobe -r $mod failed" >"$OUT/kunit/$mod.error"
			rc=1
		fi
		echo $((SECONDS - t)) >"$OUT/kunit/$mod.secs"
	done < <(find "${SG_MODDIR:?}" -name '*_kunit.ko' | sort)
	return $rc
}

# test_scripts: the path of every selftest, directory by directory.
test_scripts() {
	local d t
	for d in $(grep -v '^#' "$SELFTESTS/sanguard/targets"); do
		for t in "$SELFTESTS/$d"/*.sh; do
			grep -q '^# sanguard-flavours:' "$t" && echo "$t"
		done
	done
}

# xtrace_env NAME CMD...: run CMD; with SANGUARD_XTRACE=1, the test script
# it starts traces every command it runs (not the bash processes it
# starts) with a timestamp into selftests/NAME.xtrace, on a descriptor of
# its own so that no output a test captures changes, for
# scripts/xtrace-profile.sh to say where a slow test spends its time.
xtrace_env() {
	local name=$1

	shift
	[ "${SANGUARD_XTRACE:-}" = 1 ] || { "$@"; return; }
	printf '%s\n' 'unset BASH_ENV' \
		"exec 19>>$OUT/selftests/$name.xtrace" 'BASH_XTRACEFD=19' \
		'PS4='"'"'+ $EPOCHREALTIME ${BASH_SOURCE##*/}:$LINENO '"'" \
		'set -x' >/tmp/sg-xtrace.env
	BASH_ENV=/tmp/sg-xtrace.env "$@"
}

run_selftests() {
	local t name flav tmo rc=0 r t0
	mkdir -p "$OUT/selftests"
	for t in $(test_scripts); do
		name=$(basename "$t" .sh)
		selected "$name" || continue
		flav=$(sed -n 's/^# sanguard-flavours:[[:space:]]*//p' "$t")
		case " $flav " in *" $FLAVOUR "*) ;; *) continue ;; esac
		tmo=$(sed -n 's/^# sanguard-timeout:[[:space:]]*//p' "$t")
		echo "guest-run: selftest $name ($FLAVOUR)"
		t0=$SECONDS
		(cd "$(dirname "$t")" && xtrace_env "$name" timeout -k 5 "${tmo:-600}" bash "$t") \
			>"$OUT/selftests/$name.tap" 2>"$OUT/selftests/$name.err"
		r=$?
		echo $((SECONDS - t0)) >"$OUT/selftests/$name.secs"
		echo $r >"$OUT/selftests/$name.rc"
		cat "$OUT/selftests/$name.tap"
		[ $r -eq 0 ] || [ $r -eq 4 ] || rc=1
	done
	return $rc
}

# hold_netstamp: keep the kernel's packet timestamp static key on for the
# whole run. On a kernel built with CONFIG_JUMP_LABEL (Debian's; not ours,
# which set it off) every ping turns that key on and off again, and each
# turn rewrites __netif_receive_skb_core() with text_poke_bp()'s int3
# sequence. Under QEMU 7.2 TCG a vCPU once executed that int3 after the
# patch had completed: "Oops: int3" at __netif_receive_skb_core+0x3f, in
# the distro VM's netns test (make check of 2026-12-06). The key belongs to
# the kernel core, not to us; one socket with SO_TIMESTAMP open keeps it
# enabled, so the tests stop rewriting that code hundreds of times a run.
hold_netstamp() {
	grep -q ' arch_jump_label_transform_queue$' /proc/kallsyms || return 0
	python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_TIMESTAMP, 1)
time.sleep(1 << 30)
' </dev/null >/dev/null 2>&1 &
	NETSTAMP_PID=$!
}
NETSTAMP_PID=
hold_netstamp
trap '[ -z "$NETSTAMP_PID" ] || kill "$NETSTAMP_PID" 2>/dev/null' EXIT

status=0
if [ -n "$DO_KUNIT" ]; then run_kunit || status=1; fi
if [ -n "$DO_SELFTESTS" ]; then run_selftests || status=1; fi
exit $status
