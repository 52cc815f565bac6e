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

# kunit_suites: the suites in debugfs, into the array SUITES (a glob, not
# a process).
kunit_suites() {
	local d
	SUITES=()
	for d in /sys/kernel/debug/kunit/*/; do
		[ -d "$d" ] && d=${d%/} && SUITES+=("${d##*/}")
	done
}

run_kunit() {
	local ko mod suite rc=0 d t last l
	local -A before
	mkdir -p "$OUT/kunit"
	while IFS= read -r ko; do
		mod=${ko##*/}
		mod=${mod%.ko}
		selected "$mod" || continue
		kunit_suites
		before=()
		for suite in "${SUITES[@]}"; do before[$suite]=1; done
		echo "guest-run: kunit $mod"
		t=$SECONDS
		if ! modprobe "$mod" >"$OUT/kunit/$mod.load" 2>&1; then
			echo "modprobe $mod failed: $(cat "$OUT/kunit/$mod.load")" >"$OUT/kunit/$mod.error"
			rc=1
			continue
		fi
		kunit_suites
		for suite in "${SUITES[@]}"; do
			[ -z "${before[$suite]:-}" ] || continue
			d=/sys/kernel/debug/kunit/$suite
			last=
			# The last line is the suite's own result.
			while IFS= read -r l || [ -n "$l" ]; do
				printf '%s\n' "$l"
				last=$l
			done <"$d/results" >"$OUT/kunit/${mod}__$suite.ktap"
			if [ "${last#ok }" = "$last" ]; then
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

# test_scripts: the path of every selftest, directory by directory, into
# the array SCRIPTS. Bash reads the files itself: a process costs a third of
# a second on the debug kernel, and this looks at every script.
test_scripts() {
	local d t
	SCRIPTS=()
	while read -r d; do
		case "$d" in '#'* | '') continue ;; esac
		for t in "$SELFTESTS/$d"/*.sh; do
			header "$t" && SCRIPTS+=("$t")
		done
	done <"$SELFTESTS/sanguard/targets"
}

# header SCRIPT: the "# sanguard-flavours:" and "# sanguard-timeout:" lines
# of SCRIPT's leading comment block (scripts/selftests-check.sh keeps them
# there) into H_FLAV and H_TMO; fails without a flavours line.
header() {
	local l
	H_FLAV='' H_TMO=''
	while IFS= read -r l; do
		case "$l" in
		'# sanguard-flavours:'*) H_FLAV=${l#*:} ;;
		'# sanguard-timeout:'*) H_TMO=${l#*:} ;;
		'#'* | '') ;;
		*) break ;;
		esac
	done <"$1"
	H_TMO=${H_TMO//[[:space:]]/}
	[ -n "$H_FLAV" ]
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
	local t name rc=0 r t0
	mkdir -p "$OUT/selftests"
	test_scripts
	for t in "${SCRIPTS[@]}"; do
		name=${t##*/}
		name=${name%.sh}
		selected "$name" || continue
		header "$t"
		case " $H_FLAV " in *[[:space:]]"$FLAVOUR"[[:space:]]*) ;; *) continue ;; esac
		echo "guest-run: selftest $name ($FLAVOUR)"
		t0=$SECONDS
		(cd "${t%/*}" && xtrace_env "$name" timeout -k 5 "${H_TMO:-600}" bash "$t") \
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
