#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (base kernel only): iscsi_xfrm against the in-tree iscsi_tcp,
# side by side in the same VM and run, over the same AES-GCM SA to the same
# LIO RAM LUN: fio 4 KiB random read IOPS and 1 MiB sequential read MB/s,
# with header and data digests off and on. The figures are printed as a
# table, not judged (under TCG absolute numbers mean little; compare the
# rows); the test fails only on functional errors: a login that fails, a
# digest that is not the one asked for, an fio job that reports an error
# or moves no data.
#
# IX_BENCH_SECS is each job's run time (default 10); IX_MODULES the
# transports (default both; iscsi_xfrm is skipped while it registers no
# transport).
# sanguard-flavours: base
# sanguard-timeout: 900

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/iscsi_lib.sh"

ix_each_done() {
	local r
	diag ""
	diag "$(printf '%-11s %-8s %16s %16s' transport digests '4k randread IOPS' '1M seqread MB/s')"
	for r in "${IX_RESULTS[@]}"; do
		# shellcheck disable=SC2086
		set -- $r
		diag "$(printf '%-11s %-8s %16s %16s' "$1" "$2" "$3" "$4")"
	done
	diag "(same VM, same SA: rfc4106(gcm(aes)) 128 bit, LIO rd_mcp LUN," \
		"${IX_BENCH_SECS:-10} s per job, TCG: compare rows, not absolute figures)"
}

ix_each_transport iscsi_tcp iscsi_xfrm

SECS=${IX_BENCH_SECS:-10}
MIB=64

ix_transport_up || done_testing
step "namespace t joined to the initial namespace by veth" ix_net_up || done_testing
step "LIO target with a $MIB MiB RAM LUN" ix_target_up $MIB rd || done_testing
step "LUN 0 mapped for the initiator's ACL" ix_target_acl
step "ESP AES-GCM SAs and policies on both sides" ix_sa_up gcm
step "iscsid started" ix_iscsid_up || done_testing
step "static node record created" ix_node_new

# job NAME FIO-ARGS...: run one read job on the disk; prints "IOPS MB/s".
job() {
	local name=$1
	shift
	fio --name="$name" --filename=/dev/"$disk" --direct=1 --ioengine=libaio \
		--readonly --rw=randread --time_based --runtime="$SECS" --ramp_time=1 \
		--output-format=json --output="$IX_TMP/$name.json" "$@" \
		>"$IX_TMP/$name.out" 2>&1 || return 1
	python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))["jobs"][0]
r = j["read"]
if j["error"] or r["io_bytes"] == 0:
    sys.exit("error %d, %d bytes read" % (j["error"], r["io_bytes"]))
print("%.0f %.1f" % (r["iops"], r["bw_bytes"] / 1e6))' "$IX_TMP/$name.json"
}

for dig in None CRC32C; do
	step "digests $dig: node" ix_node_digests $dig $dig
	out=$(ix_login)
	if [ $? -ne 0 ]; then
		not_ok "digests $dig: login" "$out"
		ix_iscsid_log
		continue
	fi
	ok "digests $dig: login"
	check_eq "digests $dig: header digest negotiated" "$dig" "$(ix_session_field HeaderDigest)"
	check_eq "digests $dig: data digest negotiated" "$dig" "$(ix_session_field DataDigest)"
	if ! disk=$(ix_disk); then
		not_ok "digests $dig: the LUN appears"
		ix_logout >/dev/null
		continue
	fi
	rand=$(job "rand-$dig" --rw=randread --bs=4k --iodepth=16)
	check "digests $dig: 4 KiB random read job ran without error" test -n "$rand"
	seq=$(job "seq-$dig" --rw=read --bs=1M --iodepth=4)
	check "digests $dig: 1 MiB sequential read job ran without error" test -n "$seq"
	[ -n "$rand" ] || sed 's/^/#   /' "$IX_TMP/rand-$dig.out" | tail -n 5
	[ -n "$seq" ] || sed 's/^/#   /' "$IX_TMP/seq-$dig.out" | tail -n 5
	# shellcheck disable=SC2086
	set -- $rand
	iops=${1:--}
	# shellcheck disable=SC2086
	set -- $seq
	mbps=${2:--}
	diag "RESULT $dig $iops $mbps"
	check "digests $dig: logout" ix_logout
done

done_testing
