#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The YNL spec of the xfrm_guard family (Documentation/netlink/specs/
# xfrm_guard.yaml) drives the real family: the kernel's own YNL client,
# tools/net/ynl/cli.py of the booted kernel's source tree, sets and gets
# profiles, adds and dumps rules, reads the counters, dumps a guarded
# connection and hears a refusal on the "events" group, and every answer
# agrees with what xguard, which speaks the UAPI header, shows. cli.py
# validates the spec against the kernel's YNL schema first.
# cli.py parses the YAML spec in pure Python each time it starts, 4 s on the
# debug kernel under TCG; so cli.py itself runs for the schema check,
# profile set and get, a refused set and the conn dump, and the other
# requests go through one long-lived client on the library cli.py is built
# on (tools/net/ynl/lib), which also evaluates the agreement checks.
# sanguard-flavours: debug
# sanguard-timeout: 900

. "$(dirname "$0")/../../sanguard/lib.sh"

. "$(dirname "$0")/guard_lib.sh"

TOP=$SG_TOP
XG=$TOP/tools/xguard/xguard
PY=/usr/bin/python3
SPEC=$TOP/Documentation/netlink/specs/xfrm_guard.yaml
# The booted kernel's build directory links to its source tree, which has
# the YNL client and schemas; SANGUARD_KSRC names another tree.
KSRC=${SANGUARD_KSRC:-$(readlink -f "${SG_KDIR:-}/source" 2>/dev/null)}
CLI=$KSRC/tools/net/ynl/cli.py
SCHEMA=$KSRC/Documentation/netlink/genetlink-legacy.yaml

if [ ! -x "$XG" ]; then
	skip "YNL tests" "no $XG (make -C tools/xguard)"
	done_testing
fi
if [ ! -f "$CLI" ] || [ ! -f "$SCHEMA" ]; then
	skip "YNL tests" "no YNL client at $CLI (set SANGUARD_KSRC)"
	done_testing
fi
# find_spec looks the modules up without importing them (seconds on TCG).
if ! "$PY" -c 'import importlib.util as u, sys
sys.exit(not all(u.find_spec(m) for m in ("yaml", "jsonschema")))' 2>/dev/null; then
	skip "YNL tests" "$PY lacks yaml or jsonschema (scripts/setup.sh)"
	done_testing
fi

load_module xfrm_guard || { not_ok "load xfrm_guard"; done_testing; }
load_module xg_testowner || { not_ok "load xg_testowner"; done_testing; }

ns_add a
ns_add b
veth_link a $A4/24 b $B4/24

# ynl ARGS...: cli.py with our spec, in namespace a, JSON out. cli.py is
# read from the read-only tree: no byte code is written. The spec is
# validated against the schema once, below: under TCG that takes seconds.
ynl() {
	ip netns exec "$NS_a" env PYTHONDONTWRITEBYTECODE=1 "$PY" "$CLI" \
		--spec "$SPEC" "${YNL_SCHEMA[@]}" --output-json "$@"
}
YNL_SCHEMA=(--no-schema)
xg() { "$XG" -n "$NS_a" "$@"; }

# The long-lived helper, in namespace a: one request per line on its
# standard input, one answer line each.
#   do|dump TAB OP TAB JSON   a YNL request as cli.py --do/--dump makes it;
#                             answer "R JSON" (cli.py's --output-json
#                             encoding) or "E ERROR"
#   agree TAB DIR             DIR/y and DIR/x hold a YNL reply and xguard -j
#                             output, DIR/code python whose last expression
#                             must be true with them bound to y and x;
#                             answer "ok" or "fail WHY"
HELPER_PY='
import ast, json, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[1]))
from lib import YnlFamily, NlError

def enc(o):
    if isinstance(o, bytes):
        return o.hex()
    if isinstance(o, set):
        return list(o)
    raise TypeError(type(o).__name__)

def agree(d):
    env = {}
    for k in ("y", "x"):
        with open(os.path.join(d, k)) as f:
            env[k] = json.loads(f.read())
    with open(os.path.join(d, "code")) as f:
        code = ast.parse(f.read())
    last = code.body.pop()
    exec(compile(code, "check", "exec"), env)
    if eval(compile(ast.Expression(last.value), "check", "eval"), env):
        return "ok"
    return "fail the expression is false"

ynl = YnlFamily(sys.argv[2], "")
print("ready", flush=True)
for line in sys.stdin:
    kind, _, rest = line.rstrip("\n").partition("\t")
    try:
        if kind == "agree":
            out = agree(rest)
        else:
            op, _, js = rest.partition("\t")
            attrs = json.loads(js) if js.strip() else {}
            if kind == "do":
                r = ynl.do(op, attrs)
            else:
                r = ynl.dump(op, attrs)
            out = "R " + json.dumps(r, default=enc)
    except NlError as e:
        out = "E Netlink error: %s" % e
    except Exception as e:
        out = ("fail " if kind == "agree" else "E ") + "%s: %s" % (type(e).__name__, e)
    print(out.replace("\n", " "), flush=True)
'
HELPER=/tmp/$SG_PREFIX.ynl-helper
mkdir -p "$HELPER"
at_exit "rm -rf $HELPER"
coproc YNLH {
	exec ip netns exec "$NS_a" env PYTHONDONTWRITEBYTECODE=1 "$PY" -c "$HELPER_PY" \
		"$CLI" "$SPEC" 2>"$HELPER/err"
}
HELPER_PID=$YNLH_PID
HELPER_IN=${YNLH[1]}
HELPER_OUT=${YNLH[0]}
at_exit 'kill $HELPER_PID 2>/dev/null'

# helper LINE: send one request, print the answer; fails when the helper
# is gone or silent for two minutes.
helper() {
	local a
	printf '%s\n' "$1" >&"$HELPER_IN" 2>/dev/null || return 1
	IFS= read -r -t 120 -u "$HELPER_OUT" a || return 1
	printf '%s\n' "$a"
}

# yl do|dump OP [JSON]: a request through the helper's YNL library; the
# reply (JSON) on stdout, or the error and a failure.
yl() {
	local a

	a=$(helper "$1"$'\t'"$2"$'\t'"$(tr '\n\t' '  ' <<<"${3:-}")") ||
		{ echo "YNL helper gone: $(cat "$HELPER/err")"; return 1; }
	case "$a" in
	"R "*) printf '%s\n' "${a#R }" ;;
	*) printf '%s\n' "${a#E }"; return 1 ;;
	esac
}

# agree DESC YNL_JSON XG_JSON CODE: the last expression of python CODE,
# with the YNL reply bound to "y" and the xguard -j output to "x", is
# true; both are shown if not.
agree() {
	local a

	printf '%s' "$2" >"$HELPER/y"
	printf '%s' "$3" >"$HELPER/x"
	printf '%s' "$4" >"$HELPER/code"
	a=$(helper "agree"$'\t'"$HELPER") || a="fail YNL helper gone: $(cat "$HELPER/err")"
	if [ "$a" = ok ]; then
		ok "$1"
	else
		not_ok "$1" "check: $4" "ynl:    $2" "xguard: $3" "${a#fail }"
	fi
}

# It says "ready" once it has loaded the spec.
if ! IFS= read -r -t 300 -u "$HELPER_OUT" a || [ "$a" != ready ]; then
	not_ok "the YNL helper starts" "$(cat "$HELPER/err")"
	done_testing
fi

# --- the spec loads, and names what the kernel has ----------------------------
YNL_SCHEMA=(--schema "$SCHEMA")
ops=$(ynl --list-ops 2>&1)
YNL_SCHEMA=(--no-schema)
check_eq "cli.py loads the spec (schema-valid) and lists its operations" \
	"conn-get profile-del profile-get profile-set rule-add rule-del rule-get stats-get" \
	"$(awk '{print $1}' <<<"$ops" | sort | tr '\n' ' ' | sed 's/ $//')"

# --- profile get --------------------------------------------------------------
y=$(ynl --do profile-get --json '{"profile": {"id": 0}}' 2>&1)
x=$(xg -j profile show id 0)
diag "ynl profile-get id 0: ${y:0:200}..."
agree "profile-get 0: mode, confidentiality, CHAP rule, CRC and replay window as xguard shows" \
	"$y" "$x" "
p = y['profile']; q = x[0]
(p['id'], p['mode'], bool(p['confidentiality']), bool(p['chap-confidentiality']),
 p['crc'], p['min-replay-window']) == (q['id'], q['mode'], q['confidentiality'],
 q['chap_requires_confidentiality'], q['crc'], q['min_replay_window'])"
agree "profile-get 0: accepted IPsec modes as xguard shows" "$y" "$x" \
	"sorted(y['profile']['ipsec-modes']) == sorted(x[0]['ipsec_modes'])"
agree "profile-get 0: every algorithm's override and disposition as xguard shows" \
	"$y" "$x" "
got = {a['name']: (a['action'], a['disposition'])
       for l in y['profile']['algs'] for a in l['alg']}
want = {a['name']: (a['override'], a['disposition']) for a in x[0]['algorithms']}
got == want and len(got) > 3"

# --- profile set through YNL, seen by xguard ----------------------------------
check "profile-set creates profile 2 (audit, conf, tunnel, crc never, replay 128, deny cbc(aes))" \
	ynl --do profile-set --json '{"profile": {"id": 2, "mode": "audit",
		"confidentiality": 1, "ipsec-modes": ["tunnel"], "crc": "never",
		"min-replay-window": 128,
		"algs": [{"alg": [{"name": "cbc(aes)", "action": "deny"}]}]}}'
x=$(xg -j profile show id 2)
agree "xguard shows profile 2 as YNL set it" "{}" "$x" "
q = x[0]; d = {a['name']: a['disposition'] for a in q['algorithms']}
(q['mode'], q['confidentiality'], q['ipsec_modes'], q['crc'], q['min_replay_window'],
 d['cbc(aes)']) == ('audit', True, ['tunnel'], 'never', 128, 'deny')"
check "xguard changes profile 2 (mode enforce, replay 64)" \
	xg profile set id 2 mode enforce replay 64
y=$(yl do profile-get '{"profile": {"id": 2}}')
agree "profile-get shows xguard's change and keeps the rest" "$y" "{}" "
p = y['profile']
(p['mode'], p['min-replay-window'], p['crc'], p['confidentiality']) == ('enforce', 64, 'never', 1)"
y=$(yl dump profile-get)
x=$(xg -j profile show)
agree "profile-get dump: the same profiles as xguard, in order" "$y" "$x" \
	"[m['profile']['id'] for m in y] == [p['id'] for p in x] == [0, 2]"

# Refusals come back as netlink errors with the kernel's reason.
out=$(ynl --do profile-set --json '{"profile": {"id": 2, "min-replay-window": 0}}' 2>&1)
rc=$?
if [ $rc -ne 0 ] && [[ "$out" == *"Netlink error"* ]]; then
	ok "profile-set with replay window 0 is refused by the policy"
else
	not_ok "profile-set with replay window 0 is refused by the policy" "exit $rc: $out"
fi
agree "and profile 2 kept its replay window" "{}" "$(xg -j profile show id 2)" \
	"x[0]['min_replay_window'] == 64"

# --- rules ---------------------------------------------------------------------
check "rule-add: priority 10, iscsi, 10.0.0.0/8, remote port 3260, profile 2" \
	yl do rule-add '{"rule": {"priority": 10, "owner": "iscsi",
		"remote-ip4": "0a000000", "prefix-len": 8, "rport-lo": 3260, "profile": 2}}'
check "rule-add: priority 20, 2001:db8::/32, local ports 1000-2000, profile 0" \
	yl do rule-add '{"rule": {"priority": 20,
		"remote-ip6": "20010db8000000000000000000000000", "prefix-len": 32,
		"lport-lo": 1000, "lport-hi": 2000, "profile": 0}}'
y=$(yl dump rule-get)
x=$(xg -j rule show)
diag "ynl rule-get: $y"
agree "rule-get dump: both rules as xguard shows them" "$y" "$x" "
def addr(r):
    a = r.get('remote-ip4') or r.get('remote-ip6')
    return None if a is None else '%s/%d' % (a, r['prefix-len'])
got = [(r['priority'], r['owner'], addr(r), [r['rport-lo'], r['rport-hi']],
        [r['lport-lo'], r['lport-hi']], r['profile']) for r in (m['rule'] for m in y)]
want = [(r['priority'], r['owner'], r['remote'], r['rport'], r['lport'], r['profile'])
        for r in x]
got == want and len(got) == 2"
check "rule-del through YNL" \
	yl do rule-del '{"rule": {"priority": 20,
		"remote-ip6": "20010db8000000000000000000000000", "prefix-len": 32,
		"lport-lo": 1000, "lport-hi": 2000}}'
agree "xguard sees one rule left" "{}" "$(xg -j rule show)" \
	"[r['priority'] for r in x] == [10]"
check "xguard deletes it" xg rule del prio 10 owner iscsi remote 10.0.0.0/8 rport 3260
check_eq "rule-get dump is empty" "[]" "$(yl dump rule-get)"

# --- a guarded connection ------------------------------------------------------
ipsec_up $A4 $B4
server
check "the test owner attaches over ESP" owner connect $B4 $PORT
check "and sends 4 KiB" owner send 4096
rx_is 4096 >/dev/null
y=$(ynl --dump conn-get)
x=$(xg -j conn show)
diag "ynl conn-get: $y"
agree "conn-get dump: owner, family, addresses and ports as xguard shows" "$y" "$x" "
c = y[0]['conn']; q = x[0]
len(y) == len(x) == 1 and (c['owner'], c['family'], c['laddr'], c['lport'], c['raddr'], c['rport']) == \
 (q['owner'], {'inet': 2, 'inet6': 10}[q['family']], q['local'], q['local_port'], q['remote'], q['remote_port'])"
agree "conn-get dump: verdict, state, CRC decision, profile as xguard shows" "$y" "$x" "
c = y[0]['conn']; q = x[0]
(c['reason-name'], c['reason'], c['state'], c['crc'], bool(c['tx-open']), bool(c['enforced']),
 bool(c['confidential']), bool(c['warn'])) == (q['reason'], q['reason_code'], q['state'], q['crc'],
 q['tx_open'], q['enforced'], q['confidential'], q['warn'])"
agree "conn-get dump: SAs (SPIs, mode, replay window, offload, AEAD) as xguard shows" "$y" "$x" "
c = y[0]['conn']; q = x[0]
(int(c['out-spi'], 16), int(c['in-spi'], 16), c['mode'], c['in-replay-window'],
 bool(c['out-offloaded']), bool(c['in-offloaded']), c.get('aead'), c.get('enc'), c.get('auth')) == \
 (q['out_spi'], q['in_spi'], q['mode'], q['in_replay_window'],
  q['out_offloaded'], q['in_offloaded'], q['aead'], q['enc'], q['auth']) and q['out_spi'] == 0x1000"
agree "conn-get dump: one state in the output bundle, as xguard shows" "$y" "$x" \
	"y[0]['conn']['out-sas'] == x[0]['out_sas'] == 1"
agree "conn-get dump: counters as xguard shows" "$y" "$x" "
c = y[0]['conn']; q = x[0]
[c[k] for k in ('rx-dropped', 'tx-dropped', 'lost', 'restored')] == \
 [q[k] for k in ('rx_dropped', 'tx_dropped', 'lost', 'restored')]"

# --- counters ------------------------------------------------------------------
y=$(yl do stats-get)
x=$(xg -j stats)
agree "stats-get: every counter as xguard shows, attached counted" "$y" "$x" "
s = {k.replace('-', '_'): v for k, v in y['stats'].items() if k != 'pad'}
s == x and s['attached'] >= 1"

# --- events ------------------------------------------------------------------------
ipsec_down
server
EV=/tmp/$SG_PREFIX.ynl-events
at_exit "rm -f $EV"
# cli.py --subscribe listens for a fixed time, which under TCG may end
# before it even joined; this listener, on the same YNL library, says when
# it has joined and stops at the first refusal (or after 60 s).
ip netns exec "$NS_a" env PYTHONDONTWRITEBYTECODE=1 "$PY" - "$CLI" "$SPEC" "$SCHEMA" \
	>"$EV" 2>&1 <<'EOF' &
import json, os, select, sys, time
sys.path.insert(0, os.path.dirname(sys.argv[1]))
from lib import YnlFamily
ynl = YnlFamily(sys.argv[2], "")
ynl.ntf_subscribe("events")
print("joined", flush=True)
end = time.time() + 60
while time.time() < end:
    select.select([ynl.sock], [], [], 1)
    ynl.check_ntf()
    if any(m["msg"]["event"]["type"] == "refused" for m in ynl.async_msg_queue):
        break
print(json.dumps(ynl.async_msg_queue, default=lambda o: sorted(o) if isinstance(o, set) else o.hex()))
EOF
sub=$!
for i in {1..120}; do
	grep -q '^joined$' "$EV" && break
	kill -0 $sub 2>/dev/null || break
	sg_nap 0.5
done
check "the YNL listener joined the events group" grep -q '^joined$' "$EV"
check_fails "without IPsec the attach is refused" owner connect $B4 $PORT
wait $sub
y=$(sed -n '$p' "$EV")
x=$(xg -j conn show)
diag "ynl events: $y"
agree "events: the refusal arrives on the events group, as conn show records it" "$y" "$x" "
e = [m['msg']['event'] for m in y if m['name'] == 'event' and m['msg']['event']['type'] == 'refused']
r = [q for q in x if q['state'] == 'refused']
len(e) == 1 and len(r) == 1 and (e[0]['owner'], e[0]['saddr'], e[0]['sport'], e[0]['daddr'],
 e[0]['dport'], e[0]['reason-name'], e[0]['profile']) == (r[0]['owner'], r[0]['local'],
 r[0]['local_port'], r[0]['remote'], r[0]['remote_port'], r[0]['reason'], r[0]['profile'])"
y=$(yl dump conn-get)
agree "conn-get dump: the refused attach, as xguard shows it" "$y" "$x" "
c = [m['conn'] for m in y if m['conn']['state'] == 'refused']
r = [q for q in x if q['state'] == 'refused']
len(c) == len(r) == 1 and (c[0]['reason-name'], c[0]['lport'], c[0]['profile']) == \
 (r[0]['reason'], r[0]['local_port'], r[0]['profile'])"

done_testing
