#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark (base kernel only): NVMe over Fabrics RDMA over srnic against
# the in-tree siw, side by side in the same VM and run. nvmet-rdma serves
# one memory-backed null_blk namespace on two ports, one per provider:
# a srnic device (identity=srnic, so both modules are loaded) on one veth
# and a siw device on another, each with host and target on its own IP
# (the same-IP recipe of KERNEL-NOTES). Three configurations: srnic with
# MPA CRCs (the guard's decision with no IPsec), srnic without (xguard
# "crc never"), and siw, whose 6.12 MPA CRC choice is a constant (off)
# and not a module parameter. Each round connects every configuration in
# turn, in an order that rotates from round to round, and runs the same
# fio jobs: 4 KiB random read IOPS (iodepth 16), 128 KiB sequential read
# and write MB/s (iodepth 8). The table gives median and min-max per row
# and the ratio of medians to siw. Under TCG the figures vary from round
# to round; compare medians, not single rounds. The test fails only on
# functional errors: a connect that fails, a connection whose CRC choice
# is not the one asked for, an fio job with an error or no data.
#
# SR_ROUNDS is the number of rounds (default 5), SR_SECS each job's run
# time (default 3).
# sanguard-flavours: base
# sanguard-timeout: 1200

. "$(dirname "$0")/../../../sanguard/lib.sh"
. "$(dirname "$0")/srnic_nvme_lib.sh"

XG=$SG_TOP/tools/xguard/xguard
ROUNDS=${SR_ROUNDS:-5}
SECS=${SR_SECS:-3}
V=sb$$
IP_SRNIC=10.99.9.1
IP_SIW=10.99.10.1
PORT=4420
TMP=$(mktemp -d /tmp/bench_srnic.XXXXXX)
RES=$TMP/results
at_exit "rm -rf $TMP"

if [ ! -x "$XG" ]; then
	skip "srnic benchmark" "no $XG (make -C tools/xguard)"
	done_testing
fi

# provider_up NAME TYPE ADDR: a veth pair V-NAME-a/b, ADDR on the a side,
# an rdma device NAME of TYPE on it.
provider_up() {
	ip link add "$V-$1-a" type veth peer name "$V-$1-b" &&
		at_exit "ip link del $V-$1-a" &&
		ip addr add "$3/24" dev "$V-$1-a" &&
		ip link set "$V-$1-a" up && ip link set "$V-$1-b" up &&
		rdma link add "$1" type "$2" netdev "$V-$1-a" &&
		at_exit "rdma link delete $1"
}

# config_crc CONFIG: the QPs of CONFIG's device carry MPA CRCs as asked.
config_crc() {
	case $1 in
	srnic-crc) qp_drv_all sbsr0 crc on ;;
	srnic-nocrc) qp_drv_all sbsr0 crc off ;;
	siw) return 0 ;;
	esac
}
# qp_drv_all DEV KEY VALUE: every QP of DEV has the driver field KEY VALUE.
qp_drv_all() {
	local out n

	out=$(rdma -dd resource show qp link "$1" 2>&1)
	n=$(grep -c "state RTS" <<<"$out")
	[ "$n" -gt 0 ] && [ "$(grep -cw "drv_$2 $3" <<<"$out")" -eq "$n" ]
}

# job NAME FIO-ARGS...: one timed fio job on the namespace; prints the
# figure the row reports (IOPS for 4 KiB, MB/s otherwise).
job() {
	local name=$1
	shift
	fio --name="$name" --filename=/dev/"$disk" --direct=1 --ioengine=libaio \
		--time_based --runtime="$SECS" --ramp_time=1 --size=256M \
		--output-format=json --output="$TMP/$name.json" "$@" \
		>"$TMP/$name.out" 2>&1 || { cat "$TMP/$name.out"; return 1; }
	python3 - "$TMP/$name.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
d = j["read"] if j["read"]["io_bytes"] else j["write"]
if j["error"] or d["io_bytes"] == 0:
    sys.exit("error %d, %d bytes moved" % (j["error"], d["io_bytes"]))
bs = j["job options"].get("bs", "")
print(round(d["iops"]) if bs == "4k" else round(d["bw_bytes"] / 1e6, 1))
EOF
}

# run_config CONFIG ROUND: connect CONFIG, run the three jobs, disconnect;
# the figures go to RES.
run_config() {
	local c=$1 r=$2 out v row

	case $c in
	srnic-crc) IP=$IP_SRNIC; "$XG" profile set crc auto >/dev/null ;;
	srnic-nocrc) IP=$IP_SRNIC; "$XG" profile set crc never >/dev/null ;;
	siw) IP=$IP_SIW ;;
	esac
	if ! out=$(nv_connect); then
		not_ok "round $r: $c: nvme connect" "$out"
		return 1
	fi
	if ! wait_cond 60 nv_disk >/dev/null; then
		not_ok "round $r: $c: the namespace appears"
		nvme disconnect -n "$NQN" >/dev/null
		return 1
	fi
	disk=$(nv_disk)
	if [ "$r" = 1 ]; then
		check "$c: connected, MPA CRCs as asked" config_crc "$c"
	fi
	for row in randread-4k seqread-128k seqwrite-128k; do
		case $row in
		randread-4k) set -- --rw=randread --bs=4k --iodepth=16 ;;
		seqread-128k) set -- --rw=read --bs=128k --iodepth=8 ;;
		seqwrite-128k) set -- --rw=write --bs=128k --iodepth=8 ;;
		esac
		if v=$(job "$c-$row" "$@"); then
			echo "$row $c $v" >>"$RES"
		else
			not_ok "round $r: $c: fio $row" "$v"
		fi
	done
	nvme disconnect -n "$NQN" >/dev/null
	wait_cond 30 nv_gone || not_ok "round $r: $c: the controller goes"
}

# step DESC CMD...: CMD in this shell (what it registers with at_exit
# stays registered); records the result and fails with CMD.
step() {
	local desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
		return 1
	fi
}

modprobe -r srnic siw 2>/dev/null
step "null_blk loads" load_module null_blk nr_devices=1 memory_backed=1 gb=1 ||
	done_testing
step "nvmet, nvmet_rdma and nvme_rdma load" eval \
	"load_module nvmet && load_module nvmet_rdma && load_module nvme_rdma" ||
	done_testing
step "srnic (identity=srnic) and siw load side by side" eval \
	"load_module srnic identity=srnic && load_module siw" || done_testing
step "a srnic device on its own veth and IP" provider_up sbsr0 srnic $IP_SRNIC ||
	done_testing
step "a siw device on its own veth and IP" provider_up sbsw0 siw $IP_SIW ||
	done_testing
"$XG" profile set mode off >/dev/null
at_exit "'$XG' profile set mode off crc auto"
at_exit nv_target_down
step "nvmet-rdma serves a null_blk namespace on both" eval \
	"nv_subsys_up && nv_port_up 1 $IP_SRNIC $PORT && nv_port_up 2 $IP_SIW $PORT" ||
	done_testing
WARN0=$(dmesg | grep -c -E 'WARNING:|BUG:' || true)

CONFIGS=(srnic-crc srnic-nocrc siw)
for ((r = 1; r <= ROUNDS; r++)); do
	for ((i = 0; i < ${#CONFIGS[@]}; i++)); do
		run_config "${CONFIGS[(i + r - 1) % ${#CONFIGS[@]}]}" $r
	done
done
check_eq "every job of every round gave a figure" \
	$((ROUNDS * 3 * ${#CONFIGS[@]})) "$(wc -l <"$RES" 2>/dev/null || echo 0)"

python3 - "$RES" "$ROUNDS" "$SECS" <<'EOF' | while IFS= read -r l; do diag "$l"; done
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    row, cfg, v = line.split()
    rows.setdefault(row, {}).setdefault(cfg, []).append(float(v))
cfgs = ["srnic-crc", "srnic-nocrc", "siw"]
print("")
print("%-14s %-12s %9s %21s %9s" % ("row", "config", "median", "min-max", "vs siw"))
for row in ["randread-4k", "seqread-128k", "seqwrite-128k"]:
    base = statistics.median(rows.get(row, {}).get("siw", [0])) or None
    for c in cfgs:
        v = rows.get(row, {}).get(c)
        if not v:
            print("%-14s %-12s %9s" % (row, c, "-"))
            continue
        m = statistics.median(v)
        ratio = "%.2fx" % (m / base) if base and c != "siw" else ""
        print("%-14s %-12s %9g %10g-%-10g %9s" % (row, c, m, min(v), max(v), ratio))
print("(4 KiB rows in IOPS, 128 KiB rows in MB/s; %s rounds interleaved, %s s per job;"
      % (sys.argv[2], sys.argv[3]))
print(" same VM, same null_blk namespace; siw in 6.12 always runs without MPA CRCs)")
EOF

check "no kernel warning" test "$WARN0" = "$(dmesg | grep -c -E 'WARNING:|BUG:' || true)"
check "nvme_rdma unloads" modprobe -r nvme_rdma
nv_target_down
check "nvmet_rdma unloads" modprobe -r nvmet_rdma

done_testing
