#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces die while xfrm's SA and policy timers still fire in them.
# Each round makes a namespace (xfrm_guard loaded, so it has the guard's
# state), fills it with ESP SAs and policies whose soft and hard
# lifetimes end within one or two seconds, waits a random part of that and
# deletes the namespace. xfrm_guard's pernet exit runs before xfrm's, so
# expiries reach xfrm_guard (xg_km_changed()) after its exit: they must
# not queue the namespace's re-evaluation then. The debug kernel (KASAN,
# DEBUG_OBJECTS, lockdep) and the VM runner watch for what a late queue
# does: a work item freed while queued, or run on a freed namespace.
# sanguard-flavours: debug
# sanguard-timeout: 600

. "$(dirname "$0")/../../sanguard/lib.sh"

ROUNDS=${CHURN_ROUNDS:-30}
SAS=${CHURN_SAS:-40}
POLICIES=${CHURN_POLICIES:-8}
BUDGET=${CHURN_SECONDS:-80}	# stop starting rounds after this long,
MIN_ROUNDS=5			# once this many have run, however slow
KEY=0x0102030405060708090a0b0c0d0e0f1011121314

log0=$(dmesg | wc -l)
check "xfrm_guard loads" load_module xfrm_guard

# batch NS: the SAs and policies of one round, as "ip -batch" input. A
# third expire soft and hard within a second, a third hard-only after one
# second, a third soft after one and hard after two; policies likewise.
batch() {
	local i life
	for ((i = 0; i < SAS; i++)); do
		case $((i % 3)) in
		0) life="limit time-soft 1 limit time-hard 1" ;;
		1) life="limit time-hard 1" ;;
		*) life="limit time-soft 1 limit time-hard 2" ;;
		esac
		echo "xfrm state add src 10.98.$((i / 250)).$((i % 250 + 1))" \
			"dst 10.97.0.1 proto esp spi $((0x1000 + i)) reqid $((i + 1))" \
			"mode transport aead rfc4106(gcm(aes)) $KEY 128 $life"
	done
	for ((i = 0; i < POLICIES; i++)); do
		case $((i % 2)) in
		0) life="limit time-hard 1" ;;
		*) life="limit time-soft 1 limit time-hard 2" ;;
		esac
		echo "xfrm policy add src 10.98.0.$((i + 1)) dst 10.97.0.1" \
			"proto tcp dir out $life tmpl src 10.98.0.$((i + 1))" \
			"dst 10.97.0.1 proto esp reqid $((i + 1)) mode transport"
	done
}

rounds=0 filled=0 deleted=0 err=
start=$SECONDS
for ((r = 0; r < ROUNDS && (r < MIN_ROUNDS || SECONDS - start < BUDGET); r++)); do
	ns=$SG_PREFIX-churn$r
	ip netns add "$ns" || break
	SG_NS+=("$ns")
	# The first SAs may expire before the last are in: no count check.
	if out=$(batch | ip -n "$ns" -batch - 2>&1); then
		filled=$((filled + 1))
	elif [ -z "$err" ]; then
		err="round $r: $out"
	fi
	# 0 to 1.5 s: before, between or after the expiries.
	wait=$((RANDOM % 150))
	sleep "$((wait / 100)).$((wait % 100 / 10))$((wait % 10))"
	ip netns del "$ns" && deleted=$((deleted + 1))
	rounds=$((rounds + 1))
done
diag "$rounds rounds in $((SECONDS - start)) s, $SAS SAs and $POLICIES policies each"
if [ "$filled" = "$rounds" ]; then
	ok "every round's SAs and policies were added"
else
	not_ok "every round's SAs and policies were added" \
		"$filled of $rounds rounds" "$err"
fi
check_eq "every round's namespace was deleted" "$rounds" "$deleted"
check "at least $MIN_ROUNDS rounds ran" test "$rounds" -ge $MIN_ROUNDS

# Namespaces are cleaned up asynchronously: let the last exits and any
# late expiry run before looking, and before the module goes.
sleep 3
check_eq "no namespace of this test is left" "" \
	"$(ip netns list | grep "^$SG_PREFIX-" || true)"
check_fails "the kernel log shows no KASAN, ODEBUG, lockdep or WARNING report" \
	bash -c "dmesg | tail -n +$((log0 + 1)) |
		grep -E 'KASAN|ODEBUG|possible circular|inconsistent lock|WARNING:|BUG:'"
check "xfrm_guard unloads after the churn" modprobe -r xfrm_guard
SG_MODS=()

done_testing
