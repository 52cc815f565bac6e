#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the xfrm_guard YNL spec says what the kernel does.

    scripts/ynl-check.py [--schema FILE] [--self-test]

Compares Documentation/netlink/specs/xfrm_guard.yaml with
include/uapi/linux/xfrm_guard.h (every define and enum: names, values,
the __*_MAX counts) and with net/xfrm_guard/netlink.c and nlattr.c (the nla_policy
tables: type, ranges, masks, lengths, nests; the attribute types the
nla_put_*() calls send; the genl_ops: do, dump, flags and the top-level
attributes each handler touches; the multicast groups; the family). With
--schema, also validates the spec against that YNL schema (the kernel's
Documentation/netlink/genetlink-legacy.yaml). Prints one line per
mismatch and exits 1 if there is any.

--self-test checks the real files first, then changes one thing at a time
in memory (a header value, a spec type, a policy range, ...) and expects
each change to be caught.
"""
import argparse
import ast
import os
import re
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = 'Documentation/netlink/specs/xfrm_guard.yaml'
UAPI = 'include/uapi/linux/xfrm_guard.h'
# The family and its handlers, and the policies and attribute nests.
NETLINK_FILES = ['net/xfrm_guard/netlink.c', 'net/xfrm_guard/nlattr.c']
NETLINK = ' + '.join(NETLINK_FILES)
# Where netlink.c's own constants (XG_*) are defined.
KHEADERS = ['include/net/xfrm_guard.h', 'net/xfrm_guard/policy.h',
            'net/xfrm_guard/rules.h', 'net/xfrm_guard/netns.h',
            'net/xfrm_guard/verdict.h', 'net/xfrm_guard/conn.h',
            'net/xfrm_guard/netlink.h']

SIZEOF = {'struct in_addr': 4, 'struct in6_addr': 16, 'u8': 1, 'u16': 2,
          'u32': 4, 'u64': 8, '__be32': 4}
LIMITS = {'U8_MAX': 0xff, 'U16_MAX': 0xffff, 'U32_MAX': 0xffffffff,
          'S32_MAX': 0x7fffffff}
SCALARS = ('u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64')
OP_FLAGS = {'GENL_ADMIN_PERM': 'admin-perm',
            'GENL_UNS_ADMIN_PERM': 'uns-admin-perm'}
# GENL_MCAST_CAP_NET_ADMIN asks for CAP_NET_ADMIN over the namespace's
# user namespace: what uns-admin-perm asks of an operation.
MCGRP_FLAGS = {'GENL_MCAST_CAP_NET_ADMIN': 'uns-admin-perm'}


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


class Symbols:
    """Integer names known so far, and a small C expression evaluator."""

    def __init__(self):
        self.vals = {}
        self.exprs = {}

    def value(self, expr):
        expr = expr.strip()
        expr = re.sub(r'\(\s*(?:int|unsigned int|u8|u16|u32)\s*\)', '', expr)
        expr = re.sub(r'sizeof\s*\(\s*([\w ]+?)\s*\)',
                      lambda m: str(SIZEOF[m.group(1)]), expr)
        expr = re.sub(r'\bBIT\(', '(1 << ', expr)
        expr = re.sub(r'(\d+)[uUlL]+\b', r'\1', expr)
        return self._eval(ast.parse(expr, mode='eval').body, set())

    def _name(self, name, seen):
        if name in self.vals:
            return self.vals[name]
        if name in LIMITS:
            return LIMITS[name]
        if name in self.exprs and name not in seen:
            seen = seen | {name}
            v = self._eval(ast.parse(self.exprs[name], mode='eval').body, seen)
            self.vals[name] = v
            return v
        raise KeyError(name)

    def _eval(self, node, seen):
        ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
               ast.Mult: lambda a, b: a * b, ast.LShift: lambda a, b: a << b,
               ast.BitOr: lambda a, b: a | b, ast.RShift: lambda a, b: a >> b}
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            return self._name(node.id, seen)
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](self._eval(node.left, seen),
                                      self._eval(node.right, seen))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self._eval(node.operand, seen)
        raise ValueError('cannot evaluate ' + ast.dump(node))


# --- the UAPI header -------------------------------------------------------

def parse_header(text, syms):
    """Defines and enums of a C header: ({name: value}, {enum: [(n, v)]})."""
    text = strip_comments(text)
    defines = {}
    for m in re.finditer(r'^#define\s+(\w+)\s+(.+?)\s*$', text, re.M):
        name, val = m.group(1), m.group(2)
        if name.startswith('_UAPI_'):
            continue
        if val.startswith('"'):
            defines[name] = val.strip('"')
        else:
            syms.exprs[name] = val
            defines[name] = val
    enums = {}
    for m in re.finditer(r'\benum\s+(\w+)\s*\{(.*?)\}\s*;', text, re.S):
        entries, nxt = [], 0
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                name, expr = (s.strip() for s in item.split('=', 1))
                nxt = syms.value(expr)
            else:
                name = item
            syms.vals[name] = nxt
            entries.append((name, nxt))
            nxt += 1
        enums[m.group(1)] = entries
    for name, val in list(defines.items()):
        if name in syms.exprs:
            defines[name] = syms.value(val)
    return defines, enums


# --- the spec, as C names and values ----------------------------------------

class Spec:
    def __init__(self, doc):
        self.doc = doc
        self.ident = doc['name'].replace('-', '_')
        self.consts = {}        # spec const name -> value
        self.enums = {}         # spec enum name -> dict
        self.sets = {}          # spec set name -> dict
        self.by_cname = {}      # C attribute name -> (set, attr)
        self.set_by_enum = {}   # C enum name -> spec set name
        for d in doc.get('definitions', []):
            if d['type'] == 'const':
                self.consts[d['name']] = d['value']
            elif d['type'] in ('enum', 'flags'):
                self.enums[d['name']] = self._enum(d)
        for s in doc['attribute-sets']:
            self.sets[s['name']] = self._set(s)
        self.ops = self._ops(doc['operations'])

    def c_enum_name(self, obj, default):
        name = obj.get('enum-name', default)
        return c_lower(name) if name else None

    def _enum(self, d):
        pfx = d.get('name-prefix', f"{self.ident}-{d['name']}-")
        val = d.get('value-start', 0)
        entries = []
        for e in d['entries']:
            e = {'name': e} if isinstance(e, str) else e
            val = e.get('value', val)
            shown = 1 << val if d['type'] == 'flags' else val
            entries.append((c_upper(pfx + e['name']), shown, e['name']))
            val += 1
        return {'c': self.c_enum_name(d, f"{self.ident}-{d['name']}"),
                'type': d['type'], 'entries': entries,
                'values': [v for _, v, _ in entries], 'header': d.get('header')}

    def _set(self, s):
        pfx = s.get('name-prefix', f"{self.ident}-{s['name']}-a-")
        attrs, val = [], 1
        for a in s['attributes']:
            val = a.get('value', val)
            c = c_upper(a.get('name-prefix', pfx) + a['name'])
            attrs.append(dict(a, c=c, value=val))
            self.by_cname[c] = (s['name'], a['name'])
            val += 1
        cnt = c_upper(s.get('attr-cnt-name', '__' + pfx + 'max'))
        mx = c_upper(s.get('attr-max-name', pfx + 'max'))
        cname = self.c_enum_name(s, f"{self.ident}-{s['name']}-attrs")
        self.set_by_enum[cname] = s['name']
        return {'c': cname, 'attrs': attrs, 'cnt': cnt, 'max': mx,
                'by_name': {a['name']: a for a in attrs}, 'yaml': s}

    def _ops(self, o):
        pfx = o.get('name-prefix', self.ident + '-cmd-')
        ops, val = [], 1
        for op in o['list']:
            val = op.get('value', val)
            ops.append(dict(op, c=c_upper(pfx + op['name']), value=val))
            val += 1
        return ops

    def attr(self, cname):
        s, a = self.by_cname[cname]
        return s, self.sets[s]['by_name'][a]

    def limit(self, v):
        if isinstance(v, int):
            return v
        if v in self.consts:
            return self.consts[v]
        m = re.fullmatch(r'([us])(8|16|32|64)-(min|max)', v)
        if m:
            bits = int(m.group(2)) - (m.group(1) == 's')
            if m.group(3) == 'max':
                return (1 << bits) - 1
            return 0 if m.group(1) == 'u' else -(1 << bits)
        m = re.fullmatch(r'([\w-]+) - 1', v)
        if m and m.group(1) in self.consts:
            return self.consts[m.group(1)] - 1
        raise ValueError(f'unknown limit {v!r}')

    def policy_of(self, a):
        """What nla_policy entry the spec asks for: a normalised dict."""
        t, checks = a['type'], a.get('checks', {})
        p = {}
        if t in SCALARS:
            p['type'] = t
            if 'enum' in a:
                e = self.enums[a['enum']]
                if e['type'] == 'flags' or a.get('enum-as-flags'):
                    mask = 0
                    for v in e['values']:
                        mask |= v if e['type'] == 'flags' else 1 << v
                    p['mask'] = mask
                else:
                    if min(e['values']) != 0:
                        p['min'] = min(e['values'])
                    p['max'] = max(e['values'])
            if 'flags-mask' in checks:
                p['mask'] = sum(self.enums[checks['flags-mask']]['values'])
            for k in ('min', 'max'):
                if k in checks:
                    p[k] = self.limit(checks[k])
        elif t == 'string':
            p['type'] = 'string' if checks.get('unterminated-ok') else 'nul-string'
            if 'exact-len' in checks:
                p = {'type': 'binary', 'exact-len': self.limit(checks['exact-len'])}
            elif 'max-len' in checks:
                p['max-len'] = self.limit(checks['max-len'])
        elif t == 'binary':
            p['type'] = 'binary'
            for k in ('exact-len', 'min-len', 'max-len'):
                if k in checks:
                    p[k] = self.limit(checks[k])
        elif t == 'nest':
            p = {'type': 'nest', 'nested': a['nested-attributes']}
        else:
            p['type'] = t
        return p


# --- netlink.c ---------------------------------------------------------------

def split_top(text, sep=','):
    """Split at SEP outside brackets."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


NLA_TYPES = {'NLA_U8': 'u8', 'NLA_U16': 'u16', 'NLA_U32': 'u32',
             'NLA_U64': 'u64', 'NLA_S8': 's8', 'NLA_S16': 's16',
             'NLA_S32': 's32', 'NLA_S64': 's64', 'NLA_FLAG': 'flag',
             'NLA_NUL_STRING': 'nul-string', 'NLA_STRING': 'string',
             'NLA_BINARY': 'binary', 'NLA_REJECT': 'reject',
             'NLA_NESTED': 'nest', 'NLA_UINT': 'uint', 'NLA_SINT': 'sint'}


def parse_policy_entry(expr, syms):
    expr = ' '.join(expr.split())
    m = re.fullmatch(r'(NLA_POLICY_\w+)\((.*)\)', expr)
    if m:
        macro, args = m.group(1), split_top(m.group(2))
        if macro == 'NLA_POLICY_NESTED':
            return {'type': 'nest', 'table': args[0]}
        if macro == 'NLA_POLICY_EXACT_LEN':
            return {'type': 'binary', 'exact-len': syms.value(args[0])}
        if macro == 'NLA_POLICY_MIN_LEN':
            return {'type': 'binary', 'min-len': syms.value(args[0])}
        p = {'type': NLA_TYPES[args[0]]}
        if macro == 'NLA_POLICY_MAX':
            p['max'] = syms.value(args[1])
        elif macro == 'NLA_POLICY_MIN':
            p['min'] = syms.value(args[1])
        elif macro == 'NLA_POLICY_RANGE':
            p['min'] = syms.value(args[1])
            p['max'] = syms.value(args[2])
        elif macro == 'NLA_POLICY_MASK':
            p['mask'] = syms.value(args[1])
        else:
            raise ValueError('unknown policy macro ' + macro)
        if p.get('min') == 0 and p['type'].startswith('u'):
            del p['min']
        return p
    m = re.fullmatch(r'\{(.*)\}', expr)
    if not m:
        raise ValueError('unknown policy entry ' + expr)
    fields = {}
    for f in split_top(m.group(1)):
        k, v = (s.strip() for s in f.split('=', 1))
        fields[k.lstrip('.')] = v
    p = {'type': NLA_TYPES[fields['type']]}
    if 'len' in fields:
        if p['type'] in ('nul-string', 'string', 'binary'):
            p['max-len'] = syms.value(fields['len'])
        else:
            raise ValueError('.len on ' + fields['type'])
    return p


def parse_netlink(text, syms):
    text = strip_comments(text)
    nl = {'tables': {}, 'ops': [], 'mcgrps': [], 'family': {}, 'funcs': {},
          'puts': []}
    # Aliases the file proves equal: static_assert(A == B).
    for m in re.finditer(r'static_assert\(\s*(\w+)\s*==\s*\(int\)\s*(\w+)\s*\)|'
                         r'static_assert\(\s*(\w+)\s*==\s*(\w+)\s*\)', text):
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        for x, y in ((a, b), (b, a)):
            if x not in syms.vals and x not in syms.exprs:
                syms.exprs[x] = y
    for m in re.finditer(r'(?:static\s+)?const\s+struct\s+nla_policy\s+(\w+)\s*'
                         r'\[[^\]]*\]\s*=\s*\{(.*?)\n\}\s*;', text, re.S):
        entries = {}
        for e in split_top(m.group(2)):
            em = re.fullmatch(r'\[\s*(\w+)\s*\]\s*=\s*(.*)', e, re.S)
            entries[em.group(1)] = parse_policy_entry(em.group(2), syms)
        nl['tables'][m.group(1)] = entries
    m = re.search(r'struct\s+genl_ops\s+\w+\[\]\s*=\s*\{(.*?)\n\}\s*;', text, re.S)
    for e in split_top(m.group(1)):
        fields = {}
        for f in split_top(e.strip()[1:-1]):
            k, v = (s.strip() for s in f.split('=', 1))
            fields[k.lstrip('.')] = v
        nl['ops'].append(fields)
    m = re.search(r'struct\s+genl_multicast_group\s+\w+\[\]\s*=\s*\{(.*?)\}\s*;',
                  text, re.S)
    if m:
        for e in split_top(m.group(1)):
            fields = {}
            for f in split_top(e.strip()[1:-1]):
                k, v = (s.strip() for s in f.split('=', 1))
                fields[k.lstrip('.')] = v
            nl['mcgrps'].append(fields)
    m = re.search(r'struct\s+genl_family\s+\w+[^=;]*=\s*\{(.*?)\}\s*;', text, re.S)
    for f in split_top(m.group(1)):
        k, v = (s.strip() for s in f.split('=', 1))
        nl['family'][k.lstrip('.')] = v
    # Function bodies, for what each handler reaches.
    for m in re.finditer(r'^[\w][\w \*]*?\b(\w+)\(([^;{]*?)\)\s*\{(.*?)^\}',
                         text, re.S | re.M):
        nl['funcs'][m.group(1)] = m.group(3)
    # What replies and events put: nla_put_TYPE(skb, ATTR[ + i], ...).
    for m in re.finditer(r'\b(nla_put(?:_\w+)?|nla_nest_start)\(\s*\w+(?:->\w+)?\s*,'
                         r'\s*(XFRM_GUARD_\w+)(\s*\+\s*\w+)?\s*,?([^;]*?)\)\s*(?:\|\||;|\))',
                         text):
        nl['puts'].append((m.group(1), m.group(2), bool(m.group(3)),
                           split_top(m.group(4))))
    return nl


def reach(funcs, start):
    """Names of the functions START leads to (calls or passes on)."""
    seen, todo = set(), [start]
    while todo:
        f = todo.pop()
        if f in seen or f not in funcs:
            continue
        seen.add(f)
        todo.extend(set(re.findall(r'\b\w+\b', funcs[f])) & funcs.keys())
    return seen


# --- the comparison ---------------------------------------------------------

def check(texts, schema=None):
    errs = []
    err = errs.append
    doc = yaml.safe_load(texts['spec'])
    if schema is not None:
        import jsonschema
        try:
            jsonschema.validate(doc, schema)
        except jsonschema.ValidationError as e:
            path = '/'.join(str(p) for p in e.absolute_path)
            err(f'spec: schema: {path}: {e.message}')
    if not texts['spec'].startswith('# SPDX-License-Identifier: '):
        err('spec: first line must be the SPDX tag (YNL refuses the spec)')
    spec = Spec(doc)
    syms = Symbols()
    for t in texts['kheaders']:
        for m in re.finditer(r'^#define\s+(XG_\w+)\s+([^\n]+?)\s*$',
                             strip_comments(t), re.M):
            syms.exprs.setdefault(m.group(1), m.group(2))
    defines, enums = parse_header(texts['uapi'], syms)
    nl = parse_netlink(texts['netlink'], syms)

    # 1. Defines: family, version, constants, groups, *_MAX of sets/cmds.
    want = {c_upper(doc.get('c-family-name', spec.ident + '-family-name')): doc['name'],
            c_upper(doc.get('c-version-name', spec.ident + '-family-version')):
                doc.get('version', 1)}
    for name, val in spec.consts.items():
        want[c_upper(f'{spec.ident}-{name}')] = val
    for g in doc.get('mcast-groups', {}).get('list', []):
        want[c_upper(g.get('c-define-name', f"{spec.ident}-mcgrp-{g['name']}"))] = g['name']
    by_define = doc.get('max-by-define', False)
    counts = {}
    for s in spec.sets.values():
        if s['yaml'].get('subset-of'):
            continue
        counts[s['c']] = (s['cnt'], s['attrs'][-1]['value'] + 1)
        if by_define:
            want[s['max']] = s['attrs'][-1]['value']
    o = doc['operations']
    op_pfx = c_upper(o.get('name-prefix', spec.ident + '-cmd-'))
    op_cnt = c_upper(doc.get('cmd-cnt-name', '__' + op_pfx + 'MAX'))
    op_c = c_lower(o['enum-name']) if o.get('enum-name') else None
    counts[op_c] = (op_cnt, spec.ops[-1]['value'] + 1)
    if by_define:
        want[c_upper(doc.get('cmd-max-name', op_pfx + 'MAX'))] = spec.ops[-1]['value']
    for name, val in want.items():
        if name not in defines:
            err(f'header: no #define {name} (spec: {val!r})')
        elif defines[name] != val:
            err(f'header: {name} is {defines[name]!r}, spec says {val!r}')
    for name in defines:
        if name not in want:
            err(f'spec: nothing for the header\'s #define {name}')

    # 2. Enums: every entry, in order, with its value.
    want_enums = {}
    for e in spec.enums.values():
        if not e['header']:
            want_enums[e['c']] = ([(c, v) for c, v, _ in e['entries']], None)
    for s in spec.sets.values():
        if not s['yaml'].get('subset-of'):
            want_enums[s['c']] = ([(a['c'], a['value']) for a in s['attrs']],
                                  counts[s['c']])
    want_enums[op_c] = ([(op['c'], op['value']) for op in spec.ops], counts[op_c])
    for cname, (entries, cnt) in want_enums.items():
        if cname not in enums:
            err(f'header: no enum {cname}')
            continue
        got = list(enums[cname])
        # A trailing __*_MAX is the number of values: checked, not listed.
        if got and got[-1][0].startswith('__') and got[-1][0].endswith('_MAX'):
            last = got.pop()
            if cnt is None:
                want_cnt = entries[-1][1] + 1 if entries else 0
                if last[1] != want_cnt:
                    err(f'header: {last[0]} is {last[1]}, the spec\'s enum has {want_cnt} values')
        else:
            last = None
        if cnt is not None:
            if last is None or last[0] != cnt[0]:
                err(f'header: enum {cname} should end with {cnt[0]}')
            elif last[1] != cnt[1]:
                err(f'header: {cnt[0]} is {last[1]}, spec says {cnt[1]}')
        gd, wd = dict(got), dict(entries)
        for n, v in entries:
            if n not in gd:
                err(f'header: enum {cname} has no {n} (spec: {v})')
            elif gd[n] != v:
                err(f'header: {n} is {gd[n]}, spec says {v}')
        for n, v in got:
            if n not in wd:
                err(f'spec: no entry for the header\'s {n} = {v} (enum {cname})')
    for cname in enums:
        if cname not in want_enums:
            err(f'spec: nothing for the header\'s enum {cname}')

    # 3. Family and policies.
    fam = nl['family']
    if fam.get('name') and defines.get(fam['name']) != doc['name']:
        err(f"netlink.c: family .name {fam.get('name')} is not {doc['name']!r}")
    if 'version' in fam and syms.value(fam['version']) != doc.get('version', 1):
        err(f"netlink.c: family .version is {fam['version']}, spec says {doc.get('version', 1)}")
    kp = doc.get('kernel-policy', 'split')
    top = next(op['attribute-set'] for op in spec.ops if 'attribute-set' in op)
    if 'policy' in fam and kp != 'global':
        err(f'spec: the family has one .policy; kernel-policy should be global, not {kp}')
    table_set = {}
    if 'policy' in fam:
        table_set[fam['policy']] = top
        if 'maxattr' in fam and syms.value(fam['maxattr']) != \
                spec.sets[top]['attrs'][-1]['value']:
            err(f"netlink.c: .maxattr {fam['maxattr']} is not the last attribute of set {top}")

    requested = set()
    for op in spec.ops:
        for mode in ('do', 'dump'):
            requested |= set(op.get(mode, {}).get('request', {}).get('attributes', []))
    # Sets a request can reach, and the tables that validate them.
    req_sets, todo = set(), [top]
    while todo:
        s = todo.pop()
        if s in req_sets:
            continue
        req_sets.add(s)
        for a in spec.sets[s]['attrs']:
            if a['type'] == 'nest' and (s != top or a['name'] in requested):
                todo.append(a['nested-attributes'])

    seen_tables = set()
    todo = list(table_set.items())
    while todo:
        table, sname = todo.pop()
        if table in seen_tables:
            continue
        seen_tables.add(table)
        if table not in nl['tables']:
            err(f'netlink.c: no nla_policy table {table}')
            continue
        s = spec.sets[sname]
        for cattr, pol in nl['tables'][table].items():
            if cattr not in spec.by_cname or spec.by_cname[cattr][0] != sname:
                err(f'{table}[{cattr}]: not an attribute of spec set {sname}')
                continue
            a = s['by_name'][spec.by_cname[cattr][1]]
            where = f"{table}[{cattr}] vs spec {sname}.{a['name']}"
            if pol['type'] == 'reject':
                if sname == top and a['name'] in requested:
                    err(f'{where}: rejected by the kernel, listed in a request by the spec')
                elif sname != top and not re.search(r'(replies|events) only',
                                                    a.get('doc', '')):
                    err(f'{where}: rejected by the kernel; the spec\'s doc must say "replies only"')
                continue
            if sname == top and a['name'] not in requested:
                err(f'{where}: accepted by the kernel, in no request of the spec')
            want_pol = spec.policy_of(a)
            if pol['type'] == 'nest':
                if want_pol['type'] != 'nest':
                    err(f"{where}: kernel nest, spec {a['type']}")
                    continue
                table_set[pol['table']] = want_pol['nested']
                todo.append((pol['table'], want_pol['nested']))
                continue
            if pol != want_pol:
                err(f'{where}: kernel {fmt_pol(pol)}, spec {fmt_pol(want_pol)}')
        # What the spec lets a request carry must be in the policy.
        if sname in req_sets:
            for a in s['attrs']:
                if a['type'] in ('unused', 'pad') or a['c'] in nl['tables'][table]:
                    continue
                if sname == top and a['name'] not in requested:
                    continue
                err(f"spec {sname}.{a['name']}: in requests, but {table} has no entry "
                    f'for {a["c"]} (strict validation refuses it)')
    for sname in req_sets:
        if sname not in table_set.values():
            err(f'spec: set {sname} is reachable from a request, no nla_policy validates it')

    # 4. What replies and events carry: the nla_put_*() types.
    put_types = {'nla_put_u8': 'u8', 'nla_put_u16': 'u16', 'nla_put_u32': 'u32',
                 'nla_put_u64_64bit': 'u64', 'nla_put_string': 'string',
                 'nla_put_in_addr': 'binary', 'nla_put_in6_addr': 'binary',
                 'nla_put': 'binary', 'nla_nest_start': 'nest',
                 'nla_put_flag': 'flag', 'nla_put_be32': 'u32',
                 'nla_put_s32': 's32', 'nla_put_uint': 'uint'}
    for fn, cattr, plus_i, rest in nl['puts']:
        if cattr not in spec.by_cname:
            err(f'netlink.c: {fn}() of {cattr}, which the spec does not have')
            continue
        sname, aname = spec.by_cname[cattr]
        want_t = put_types.get(fn)
        if want_t is None:
            err(f'netlink.c: {fn}() of {cattr}: unknown put function')
            continue
        targets = [spec.sets[sname]['by_name'][aname]]
        if plus_i:
            v0 = targets[0]['value']
            targets = [a for a in spec.sets[sname]['attrs']
                       if a['value'] >= v0 and a['type'] not in ('pad', 'unused')]
        for a in targets:
            if a['type'] != want_t:
                err(f"netlink.c: {cattr}{' + i' if plus_i else ''} is sent with {fn}(), "
                    f"spec {sname}.{a['name']} is {a['type']}")
        if fn == 'nla_put_u64_64bit' and rest:
            pad = rest[-1]
            if pad not in spec.by_cname or spec.attr(pad)[1]['type'] != 'pad':
                err(f'netlink.c: {pad} pads a u64, the spec does not call it type pad')

    # 5. Operations: do/dump/flags, and the top-level attributes they touch.
    funcs = nl['funcs']
    kops = {o['cmd']: o for o in nl['ops']}
    top_attrs = {a['c']: a['name'] for a in spec.sets[top]['attrs']}
    for op in spec.ops:
        if op['value'] == 0 or ('do' not in op and 'dump' not in op and 'event' not in op):
            continue
        if 'event' in op:
            if op['c'] in kops:
                err(f"spec: {op['name']} is an event, netlink.c has it in its genl_ops")
            senders = [f for f, body in funcs.items() if re.search(r'\b' + op['c'] + r'\b', body)]
            if not senders:
                err(f"netlink.c: nothing sends {op['c']}")
            got = set()
            for f in senders:
                got |= touched(funcs, f, top_attrs)
            want = set(op['event'].get('attributes', []))
            if got != want:
                err(f"spec: event {op['name']} carries {sorted(want)}, netlink.c sends {sorted(got)}")
            groups = [g['name'] for g in doc.get('mcast-groups', {}).get('list', [])]
            if op.get('mcgrp') not in groups:
                err(f"spec: event {op['name']}: no multicast group {op.get('mcgrp')}")
            continue
        k = kops.pop(op['c'], None)
        if k is None:
            err(f"netlink.c: no genl_ops entry for {op['c']} (spec {op['name']})")
            continue
        for mode, hook in (('do', 'doit'), ('dump', 'dumpit')):
            if (mode in op) != (hook in k):
                err(f"{op['c']}: kernel {'has' if hook in k else 'has no'} .{hook}, "
                    f"spec {'has' if mode in op else 'has no'} {mode}")
            if mode in op and hook in k:
                got = touched(funcs, k[hook], top_attrs)
                want = set(op[mode].get('request', {}).get('attributes', [])) | \
                    set(op[mode].get('reply', {}).get('attributes', []))
                if got != want:
                    err(f"{op['c']} {mode}: spec lists {sorted(want)}, "
                        f"{k[hook]}() uses {sorted(got)}")
        kflags = set(f.strip() for f in k.get('flags', '').split('|') if f.strip())
        unknown = kflags - OP_FLAGS.keys()
        if unknown:
            err(f"{op['c']}: unknown flags {sorted(unknown)}")
        if {OP_FLAGS[f] for f in kflags & OP_FLAGS.keys()} != set(op.get('flags', [])):
            err(f"{op['c']}: kernel flags {sorted(kflags) or 'none'}, "
                f"spec {op.get('flags', 'none')}")
        if 'validate' in k or op.get('dont-validate'):
            kv = {f.strip() for f in k.get('validate', '').split('|') if f.strip()}
            sv = {c_upper('genl-dont-validate-' + x) for x in op.get('dont-validate', [])}
            if kv != sv:
                err(f"{op['c']}: kernel .validate {sorted(kv)}, spec dont-validate {sorted(sv)}")
    for c in kops:
        err(f'spec: no operation for genl_ops {c}')

    # 6. Multicast groups.
    sgroups = {g['name']: g for g in doc.get('mcast-groups', {}).get('list', [])}
    for g in nl['mcgrps']:
        name = defines.get(g.get('name', ''), g.get('name', '').strip('"'))
        if name not in sgroups:
            err(f'spec: no multicast group {name!r}')
            continue
        kflags = {f.strip() for f in g.get('flags', '').split('|') if f.strip()}
        if kflags - MCGRP_FLAGS.keys():
            err(f'group {name}: unknown flags {sorted(kflags - MCGRP_FLAGS.keys())}')
        want = {MCGRP_FLAGS[f] for f in kflags & MCGRP_FLAGS.keys()}
        sflags = sorted(sgroups.pop(name).get('flags', []))
        if want != set(sflags):
            err(f'group {name}: kernel flags {sorted(kflags) or "none"}, '
                f'spec {sflags or "none"}')
    for name in sgroups:
        err(f'netlink.c: no multicast group {name!r}')
    return errs


def touched(funcs, start, top_attrs):
    got = set()
    for f in reach(funcs, start):
        for name in re.findall(r'\bXFRM_GUARD_A_\w+', funcs[f]):
            if name in top_attrs:
                got.add(top_attrs[name])
    return got


def fmt_pol(p):
    return ' '.join(f'{k}={v}' if k == 'type' else f'{k}={v:#x}' if k == 'mask'
                    else f'{k}={v}' for k, v in p.items())


# --- driver -------------------------------------------------------------------

def load(top):
    def rd(p):
        return open(os.path.join(top, p)).read()
    return {'spec': rd(SPEC), 'uapi': rd(UAPI), 'netlink': '\n'.join(rd(p) for p in NETLINK_FILES),
            'kheaders': [rd(p) for p in KHEADERS if os.path.exists(os.path.join(top, p))]}


def sub(text, old, new, count=1):
    if old not in text:
        raise ValueError(f'{old!r} not found')
    return text.replace(old, new, count)


# Each mutation: (description, file key, old text, new text).
MUTATIONS = [
    ('header: an attribute value shifts',
     'uapi', '\tXFRM_GUARD_RULE_A_PRIORITY,', '\tXFRM_GUARD_RULE_A_PRIORITY = 2,'),
    ('header: an enum entry is renamed',
     'uapi', 'XFRM_GUARD_CRC_POLICY_NEVER,', 'XFRM_GUARD_CRC_POLICY_OFF,'),
    ('header: a new attribute is added',
     'uapi', '\tXFRM_GUARD_CONN_A_REFUSED_AGE,\n',
     '\tXFRM_GUARD_CONN_A_REFUSED_AGE,\n\tXFRM_GUARD_CONN_A_NEW,\n'),
    ('header: a flag value changes',
     'uapi', 'XFRM_GUARD_IPSEC_TUNNEL\t\t= 1 << 1', 'XFRM_GUARD_IPSEC_TUNNEL\t\t= 1 << 2'),
    ('header: a constant changes',
     'uapi', 'XFRM_GUARD_REPLAY_WINDOW_MAX\t4096', 'XFRM_GUARD_REPLAY_WINDOW_MAX\t8192'),
    ('header: the multicast group is renamed',
     'uapi', '"events"', '"notify"'),
    ('header: a command is inserted',
     'uapi', '\tXFRM_GUARD_CMD_EVENT,', '\tXFRM_GUARD_CMD_FLUSH,\n\tXFRM_GUARD_CMD_EVENT,'),
    ('spec: an attribute type changes',
     'spec', '        name: priority\n        type: u32', '        name: priority\n        type: u16'),
    ('spec: a range changes',
     'spec', '          min: 1\n          max: replay-window-max',
     '          min: 0\n          max: replay-window-max'),
    ('spec: a string length changes',
     'spec', 'max-len: 63', 'max-len: 64'),
    ('spec: an address length changes',
     'spec', 'exact-len: 16', 'exact-len: 8'),
    ('spec: a check disappears',
     'spec', '        checks:\n          max: 128\n', ''),
    ('spec: an enum loses its last entry',
     'spec', '      -\n        name: other\n        doc: Any other xfrm mode.\n', ''),
    ('spec: a reply-only counter becomes u32',
     'spec', '        name: hold-expired\n        type: u64', '        name: hold-expired\n        type: u32'),
    ('spec: a dump is dropped',
     'spec', '      dump:\n        reply: *profile-reply\n', ''),
    ('spec: an operation loses its permission flag',
     'spec', '      name: rule-add\n      doc: Add a rule.\n      attribute-set: xfrm-guard\n'
     '      flags: [ uns-admin-perm ]\n',
     '      name: rule-add\n      doc: Add a rule.\n      attribute-set: xfrm-guard\n'),
    ('spec: a request names the wrong nest',
     'spec', '      name: profile-del\n      doc: Delete a profile other than 0; -EBUSY while a rule selects it.\n'
     '      attribute-set: xfrm-guard\n      flags: [ uns-admin-perm ]\n      do:\n        request:\n'
     '          attributes:\n            - profile',
     '      name: profile-del\n      doc: Delete a profile other than 0; -EBUSY while a rule selects it.\n'
     '      attribute-set: xfrm-guard\n      flags: [ uns-admin-perm ]\n      do:\n        request:\n'
     '          attributes:\n            - rule'),
    ('spec: the multicast group is renamed',
     'spec', '      name: events\n', '      name: notify\n'),
    ('spec: the family version changes',
     'spec', 'version: 1\n', 'version: 2\n'),
    ('spec: a reply-only attribute stops saying so',
     'spec', 'doc: The resulting judgement; replies only, refused in requests.',
     'doc: The resulting judgement.'),
    ('netlink.c: a policy range changes',
     'netlink', 'NLA_POLICY_MAX(NLA_U8, 128)', 'NLA_POLICY_MAX(NLA_U8, 127)'),
    ('netlink.c: a policy type changes',
     'netlink', '[XFRM_GUARD_RULE_A_FAMILY] = { .type = NLA_U16 }',
     '[XFRM_GUARD_RULE_A_FAMILY] = { .type = NLA_U32 }'),
    ('netlink.c: a mask loses a bit',
     'netlink', 'NLA_POLICY_MASK(NLA_U32, XFRM_GUARD_IPSEC_TRANSPORT |\n\t\t\t\t\t XFRM_GUARD_IPSEC_TUNNEL)',
     'NLA_POLICY_MASK(NLA_U32, XFRM_GUARD_IPSEC_TRANSPORT)'),
    ('netlink.c: a reply attribute is sent as u32',
     'netlink', 'nla_put_u8(skb, XFRM_GUARD_CONN_A_TX_OPEN', 'nla_put_u32(skb, XFRM_GUARD_CONN_A_TX_OPEN'),
    ('netlink.c: an operation gains a dump',
     'netlink', '.doit = xg_nl_stats_get_doit,',
     '.doit = xg_nl_stats_get_doit,\n\t\t.dumpit = xg_nl_rule_get_dumpit,'),
    ('netlink.c: an operation loses its flag',
     'netlink', '.doit = xg_nl_rule_del_doit,\n\t\t.flags = GENL_UNS_ADMIN_PERM,',
     '.doit = xg_nl_rule_del_doit,'),
    ('netlink.c: a reply-only attribute becomes acceptable',
     'netlink', '[XFRM_GUARD_A_STATS] = { .type = NLA_REJECT },',
     '[XFRM_GUARD_A_STATS] = { .type = NLA_U32 },'),
    ('netlink.c: the group loses its permission',
     'netlink', ', .flags = GENL_MCAST_CAP_NET_ADMIN', ''),
    ('netlink.c: a string policy gets shorter',
     'netlink', 'ALG_NAME_MAX - 1 }', 'ALG_NAME_MAX - 2 }'),
]


def self_test(texts, schema):
    base = check(texts, schema)
    if base:
        print('ynl-check: self-test: the real files disagree already:')
        for e in base:
            print('  ' + e)
        return 1
    failed = 0
    for desc, key, old, new in MUTATIONS:
        t = dict(texts)
        try:
            if key == 'kheaders':
                hit = [i for i, h in enumerate(t[key]) if old in h]
                if not hit:
                    raise ValueError(f'{old!r} not found')
                t[key] = list(t[key])
                t[key][hit[0]] = sub(t[key][hit[0]], old, new)
            else:
                t[key] = sub(t[key], old, new)
        except ValueError as e:
            print(f'not ok - {desc}: the text to change is gone, update MUTATIONS: {e}')
            failed += 1
            continue
        try:
            errs = check(t, schema)
        except Exception as e:  # a crash is not a diagnosis
            errs = []
            print(f'not ok - {desc}: checker crashed: {type(e).__name__}: {e}')
            failed += 1
            continue
        if errs:
            print(f'ok - {desc}: {errs[0]}')
        else:
            print(f'not ok - {desc}: not caught')
            failed += 1
    n = len(MUTATIONS)
    print(f'ynl-check: self-test: {n - failed} of {n} mutations caught')
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--top', default=TOP, help='repository (default: this one)')
    ap.add_argument('--schema', help='YNL schema to validate the spec against')
    ap.add_argument('--self-test', action='store_true',
                    help='prove that changed copies of the files are caught')
    args = ap.parse_args()
    texts = load(args.top)
    schema = None
    if args.schema:
        with open(args.schema) as f:
            schema = yaml.safe_load(f)
    if args.self_test:
        return self_test(texts, schema)
    errs = check(texts, schema)
    for e in errs:
        print('ynl-check: ' + e)
    if errs:
        print(f'ynl-check: {len(errs)} mismatches between {SPEC}, {UAPI} and {NETLINK}')
        return 1
    print(f'ynl-check: {SPEC} agrees with {UAPI} and {NETLINK}'
          + (' (schema valid)' if schema else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
