#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the sanguard selftests of every subsystem
# (net/xfrm_guard, drivers/scsi/iscsi_xfrm, drivers/infiniband/srnic and
# this directory): TAP output, network namespaces and veth links that each
# test creates for itself and removes on exit, and modules loaded for the
# test's lifetime. Source it first thing, by its path from the test:
#
#   . "$(dirname "$0")/../../sanguard/lib.sh"
#   ns_add a; ns_add b; veth_link a 10.0.0.1/24 b 10.0.0.2/24
#   check "b answers a ping" ip netns exec "$NS_a" ping -c1 -W2 10.0.0.2
#   done_testing
#
# Namespaces get a per-run prefix, so a test never touches a namespace it
# did not make. Exit status: 0 all passed, 1 something failed, 4 all
# skipped (kselftest's KSFT_SKIP).

set -u
export LC_ALL=C

# The repository (the VM runner passes it; otherwise found from here).
SG_TOP=${SG_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)}
export SG_TOP

SG_N=0
SG_FAILED=0
SG_SKIPPED=0
SG_NS=()
SG_MODS=()
SG_CLEANUPS=()
SG_PREFIX=sg$$

echo "TAP version 13"

diag() { printf '# %s\n' "$*"; }

# ok DESC: record a pass; not_ok DESC [DETAIL...]: record a failure.
ok() {
	SG_N=$((SG_N + 1))
	echo "ok $SG_N - $1"
}

not_ok() {
	local desc=$1
	shift
	SG_N=$((SG_N + 1))
	SG_FAILED=$((SG_FAILED + 1))
	echo "not ok $SG_N - $desc"
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'
	return 0
}

skip() {
	SG_N=$((SG_N + 1))
	SG_SKIPPED=$((SG_SKIPPED + 1))
	echo "ok $SG_N - $1 # SKIP $2"
}

# check DESC CMD...: pass when CMD exits 0; its output is shown on failure.
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "exit status: $rc" "$out"
	fi
}

# check_fails DESC CMD...: pass when CMD exits non-zero.
check_fails() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		ok "$desc"
	else
		not_ok "$desc" "command unexpectedly succeeded: $*" "$out"
	fi
}

# check_eq DESC WANT GOT
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "want: $2" "got:  $3"
	fi
}

# ns_add NAME: create namespace $SG_PREFIX-NAME, loopback up, and set
# $NS_NAME to its name.
ns_add() {
	local ns=$SG_PREFIX-$1
	ip netns add "$ns" || return 1
	SG_NS+=("$ns")
	ip -n "$ns" link set lo up
	printf -v "NS_$1" '%s' "$ns"
}

# veth_link A ADDR_A B ADDR_B [ADDR6_A ADDR6_B]: a veth pair between
# namespaces A and B (short names as given to ns_add), interfaces named
# "veth-B" in A and "veth-A" in B.
veth_link() {
	local a=$SG_PREFIX-$1 aa=$2 b=$SG_PREFIX-$3 ba=$4
	ip link add "veth-$3" netns "$a" type veth peer name "veth-$1" netns "$b" || return 1
	ip -n "$a" addr add "$aa" dev "veth-$3"
	ip -n "$b" addr add "$ba" dev "veth-$1"
	if [ $# -ge 6 ]; then
		ip -n "$a" addr add "$5" dev "veth-$3" nodad
		ip -n "$b" addr add "$6" dev "veth-$1" nodad
	fi
	ip -n "$a" link set "veth-$3" up
	ip -n "$b" link set "veth-$1" up
}

# xgoff_pair NAME_A NS_A NAME_B NS_B: a test-only xgoff device pair (IPsec
# crypto offload simulated, net/xfrm_guard/xg_offload/ next to the guard's
# selftests), created with one request, each end in its namespace (full
# names). iproute2 has no "peer" parser for kind xgoff, so this speaks
# rtnetlink itself; the layout is veth's (XGOFF_INFO_PEER = 1).
xgoff_pair() {
	python3 - "$@" <<'EOF'
import os, socket, struct, sys

def attr(kind, payload):
    a = struct.pack("=HH", 4 + len(payload), kind) + payload
    return a + b"\0" * (-len(a) & 3)

def ifinfo():
    return struct.pack("=BxHiII", 0, 0, 0, 0, 0)

IFLA_IFNAME, IFLA_LINKINFO, IFLA_NET_NS_FD = 3, 18, 28
INFO_KIND, INFO_DATA, XGOFF_INFO_PEER = 1, 2, 1

name_a, ns_a, name_b, ns_b = sys.argv[1:5]
fd_a = os.open("/run/netns/" + ns_a, os.O_RDONLY)
fd_b = os.open("/run/netns/" + ns_b, os.O_RDONLY)
peer = ifinfo() + attr(IFLA_IFNAME, name_b.encode() + b"\0") + \
    attr(IFLA_NET_NS_FD, struct.pack("=I", fd_b))
info = attr(INFO_KIND, b"xgoff") + attr(INFO_DATA, attr(XGOFF_INFO_PEER, peer))
body = ifinfo() + attr(IFLA_IFNAME, name_a.encode() + b"\0") + \
    attr(IFLA_NET_NS_FD, struct.pack("=I", fd_a)) + attr(IFLA_LINKINFO, info)
# RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL | NLM_F_CREATE
msg = struct.pack("=IHHII", 16 + len(body), 16, 0x1 | 0x4 | 0x200 | 0x400, 1, 0) + body
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.send(msg)
reply = s.recv(65536)
err = struct.unpack_from("=i", reply, 16)[0]
if err:
    sys.exit("xgoff_pair: RTM_NEWLINK: " + os.strerror(-err))
EOF
}

# sg_nap SECS: wait SECS (fractions allowed) without starting a process:
# a read that times out on a pipe only this shell holds. Polling loops use
# it, because under the debug kernel starting "sleep" costs more than the
# tenth of a second it waits.
exec {SG_NAP_FD}<> <(:)
sg_nap() { read -r -t "$1" -u "$SG_NAP_FD" _ || :; }

# ipb ARGS...: add "ip ARGS" to the batch being gathered; ipb_run [NS]: run
# the batch in one ip process (ip -batch), in namespace NS if given, and
# start a new one. Each ip process costs more than half a second on the
# debug kernel, and SA and policy set-up takes eight. ip stops at the first
# command that fails and names it (-force cannot go past a failed xfrm
# command: ip exits there), so a batch holds what must all succeed, or
# commands that cannot fail (flush, deleteall). Words are quoted for ip's
# tokenizer, which knows quotes but no escapes: a word with a quote in it
# is refused.
SG_IPB=
ipb() {
	local a l=
	for a in "$@"; do
		case "$a" in *"'"*) echo "ipb: a quote in '$a'" >&2; return 1 ;; esac
		l+=" '$a'"
	done
	SG_IPB+="${l# }"$'\n'
}
ipb_run() {
	local lines=$SG_IPB
	SG_IPB=
	[ -n "$lines" ] || return 0
	ip ${1:+-n "$1"} -batch - <<<"$lines"
}

# ns_writer NAME NS FILE: start a long-lived writer of FILE in namespace
# NS; ns_write NAME LINE then does what "echo LINE > FILE" run in NS
# would: LINE reaches FILE in one write, the write's error goes to
# standard error and the status is the write's. For the control files of
# test modules, whose commands act in the writer's namespace: nsenter and
# a shell for each command cost a second on the debug kernel. The writer
# ends with the test (at_exit) or with ns_writer_stop NAME; ns_writing
# NAME says whether it runs. It is a job of the test's shell: a "wait"
# must name the processes it waits for.
declare -A SG_NSW_IN SG_NSW_OUT SG_NSW_PID
ns_writing() { [ -n "${SG_NSW_PID[$1]:-}" ]; }
ns_writer_stop() {
	ns_writing "$1" || return 0
	local in=${SG_NSW_IN[$1]} out=${SG_NSW_OUT[$1]}
	kill "${SG_NSW_PID[$1]}" 2>/dev/null
	wait "${SG_NSW_PID[$1]}" 2>/dev/null
	exec {in}>&- {out}<&-
	unset "SG_NSW_PID[$1]" "SG_NSW_IN[$1]" "SG_NSW_OUT[$1]"
	rm -f "/tmp/$SG_PREFIX.nsw-$1.in" "/tmp/$SG_PREFIX.nsw-$1.out"
}
ns_writer() {
	local name=$1 ns=$2 file=$3 d=/tmp/$SG_PREFIX.nsw-$1 in out
	rm -f "$d.in" "$d.out"
	mkfifo "$d.in" "$d.out" || return 1
	nsenter --net="/run/netns/$ns" bash -c '
		exec 3<>"$1" 4<>"$2"
		while IFS= read -r line <&3; do
			if err=$( { echo "$line" >"$3"; } 2>&1); then
				echo 0 >&4
			else
				printf "1 %s\n" "${err//$'"'"'\n'"'"'/ }" >&4
			fi
		done' nsw "$d.in" "$d.out" "$file" &
	SG_NSW_PID[$name]=$!
	at_exit "ns_writer_stop $name"
	exec {in}<>"$d.in" {out}<>"$d.out"
	SG_NSW_IN[$name]=$in
	SG_NSW_OUT[$name]=$out
}
ns_write() {
	local r
	ns_writing "$1" || { echo "ns_write: no writer $1" >&2; return 1; }
	kill -0 "${SG_NSW_PID[$1]}" 2>/dev/null || { echo "ns_write: writer $1 is gone" >&2; return 1; }
	printf '%s\n' "$2" >&"${SG_NSW_IN[$1]}" || return 1
	IFS= read -r -t 300 -u "${SG_NSW_OUT[$1]}" r || { echo "ns_write: writer $1 is gone" >&2; return 1; }
	[ "$r" = 0 ] && return 0
	echo "${r#1 }" >&2
	return 1
}

# sg_pyjson EXPR [ARG...]: print python EXPR, evaluated with the JSON
# document on standard input bound to j and the ARGs to the list a; fails
# (the error on standard error) if the document or EXPR does. After
# sg_pyjson_start (in the test's own shell, not a subshell) one long-lived
# python3 evaluates them all: a Python start costs a second on the debug
# kernel. Without it, each call starts its own. (The evaluator is a job of
# the test's shell: a "wait" must name the processes it waits for.)
SG_PYJ_PY='
import json, sys
inp, out = open(sys.argv[1]), open(sys.argv[2], "w")
def run(d):
    with open(d + ".expr") as f:
        expr = f.read()
    with open(d + ".args") as f:
        args = f.read().split("\0")[:-1]
    with open(d + ".json") as f:
        j = json.load(f)
    return str(eval(expr, {"j": j, "a": args, "json": json}))
for line in inp:
    try:
        r = "0 " + run(line.rstrip("\n"))
    except Exception as e:
        r = "1 %s: %s" % (type(e).__name__, e)
    out.write(r.replace("\\", "\\\\").replace("\n", "\\n") + "\n")
    out.flush()
'
SG_PYJ_PID=
sg_pyjson_start() {
	local d=/tmp/$SG_PREFIX.pyj
	[ -z "$SG_PYJ_PID" ] || return 0
	rm -f "$d.in" "$d.out"
	mkfifo "$d.in" "$d.out" || return 1
	exec {SG_PYJ_IN}<>"$d.in" {SG_PYJ_OUT}<>"$d.out"
	python3 -c "$SG_PYJ_PY" "$d.in" "$d.out" &
	SG_PYJ_PID=$!
	at_exit "kill $SG_PYJ_PID 2>/dev/null; rm -f $d.in $d.out $d.expr $d.args $d.json"
}
sg_pyjson() {
	local d=/tmp/$SG_PREFIX.pyj expr=$1 doc r
	shift
	if [ -z "$SG_PYJ_PID" ]; then
		python3 -c 'import json, sys
j = json.load(sys.stdin)
a = sys.argv[2:]
print(eval(sys.argv[1]))' "$expr" "$@"
		return
	fi
	kill -0 "$SG_PYJ_PID" 2>/dev/null || { echo "sg_pyjson: the evaluator is gone" >&2; return 1; }
	IFS= read -r -d '' doc || :
	printf '%s' "$doc" >"$d.json"
	printf '%s' "$expr" >"$d.expr"
	printf '%s\0' "$@" >"$d.args"
	[ $# -gt 0 ] || : >"$d.args"
	echo "$d" >&"$SG_PYJ_IN"
	IFS= read -r -t 120 -u "$SG_PYJ_OUT" r || { echo "sg_pyjson: no answer" >&2; return 1; }
	if [ "${r:0:2}" = "0 " ]; then
		printf '%b\n' "${r:2}"
	else
		printf '%b\n' "${r:2}" >&2
		return 1
	fi
}

# wait_cond SECS CMD...: poll CMD every 0.1 s until it succeeds; fail if
# SECS pass first. For waits on a state, in place of fixed sleeps.
wait_cond() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sg_nap 0.1
	done
}

# sg_pids_below PID: PID and every process it started, recursively, read
# from /proc by the shell itself (monitor_ready polls it).
sg_pids_below() {
	local -A kids=()
	local f line pid ppid

	for f in /proc/[0-9]*/stat; do
		read -r line <"$f" 2>/dev/null || continue
		pid=${line%% *}
		line=${line##*) }	# after "(comm) ", which may hold spaces
		ppid=${line#* }
		kids[${ppid%% *}]+=" $pid"
	done
	sg_pids_tree "$1"
}

# sg_pids_tree PID: PID and its descendants in sg_pids_below's kids map.
sg_pids_tree() {
	local c

	echo "$1"
	for c in ${kids[$1]:-}; do sg_pids_tree "$c"; done
}

# monitor_ready PID: an "xguard monitor" started as PID (directly, through
# ip netns exec, or in a function run with &) listens: it makes its
# signalfd only once it has joined the events group.
monitor_ready() {
	local p fd
	for p in $(sg_pids_below "$1"); do
		for fd in /proc/"$p"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:[signalfd]" ] &&
				return 0
		done
	done
	return 1
}

# wait_monitor PID: wait (up to 20 s) until monitor_ready PID.
wait_monitor() {
	wait_cond 20 monitor_ready "$1" ||
		diag "xguard monitor (pid $1) not listening after 20 s"
}

# tcp_listening NS PORT: a TCP socket listens on PORT in namespace NS
# (full name, or "" for the initial namespace).
tcp_listening() {
	if [ -n "$1" ]; then
		[ -n "$(ss -N "$1" -Htln "sport = :$2")" ]
	else
		[ -n "$(ss -Htln "sport = :$2")" ]
	fi
}

# wait_listen NS PORT: wait (up to 20 s) until tcp_listening NS PORT.
# sg_proc_listening PID PORT: a TCP socket listens on PORT in the network
# namespace of process PID: /proc/PID/net/tcp and tcp6, read by bash (ss
# costs half a second on the debug kernel, and waits poll this).
sg_proc_listening() {
	local hex f _sl loc _rem st _
	printf -v hex ':%04X' "$2"
	for f in "/proc/$1/net/tcp" "/proc/$1/net/tcp6"; do
		[ -r "$f" ] || continue
		while read -r _sl loc _rem st _; do
			[ "$st" = 0A ] && [ "${loc: -5}" = "$hex" ] && return 0
		done <"$f"
	done
	return 1
}
wait_listen() {
	wait_cond 20 tcp_listening "$1" "$2" ||
		diag "nothing listens on TCP port $2 in ${1:-the initial namespace} after 20 s"
}

# load_module NAME [PARAMS...]: modprobe, and remove again at exit.
load_module() {
	modprobe "$@" || return 1
	SG_MODS+=("$1")
}

# at_exit CMD...: run CMD (a single string, eval'd) during cleanup, first
# registered last run.
at_exit() { SG_CLEANUPS+=("$1"); }

sg_cleanup() {
	local i
	for ((i = ${#SG_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${SG_CLEANUPS[$i]}" >/dev/null 2>&1
	done
	for ns in "${SG_NS[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	SG_NS=()
	for ((i = ${#SG_MODS[@]} - 1; i >= 0; i--)); do
		modprobe -r "${SG_MODS[$i]}" 2>/dev/null
	done
	SG_MODS=()
}
trap sg_cleanup EXIT

# done_testing: print the plan and leave with the kselftest exit status.
done_testing() {
	echo "1..$SG_N"
	sg_cleanup
	if [ $SG_FAILED -gt 0 ]; then
		diag "$SG_FAILED of $SG_N failed"
		exit 1
	fi
	if [ $SG_N -gt 0 ] && [ $SG_SKIPPED -eq $SG_N ]; then
		exit 4
	fi
	exit 0
}
