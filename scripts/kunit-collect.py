#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# kunit-collect.py SRC_TREE KTAP...: parse each KTAP file with the kernel's
# own KUnit parser (tools/testing/kunit, what "kunit.py parse" runs), in
# one process: make check used to start kunit.py and a counting script for
# each of ~45 suites, 12 s of CPU at the end of the run. For each file it
# writes NAME.json and NAME.parsed beside it (as "kunit.py parse --json"
# did), prints the parser's condensed results from its first divider on,
# without timestamps, and then one line "@counts FILE PASSED FAILED
# SKIPPED". A file that cannot be parsed counts as one failure.
"""Parse KUnit KTAP files with the kernel's parser, in one process."""

import io
import json
import os
import re
import sys


def counts(data):
    """Passed, failed and skipped test cases of a kunit_json result."""
    p = f = s = 0
    groups = [data]
    while groups:
        g = groups.pop()
        for c in g.get("test_cases", []):
            st = c.get("status")
            if st == "PASS":
                p += 1
            elif st == "SKIP":
                s += 1
            else:
                f += 1
        groups.extend(g.get("sub_groups", []))
    if p + f + s == 0:
        f = 1
    return p, f, s


def main(argv):
    if len(argv) < 2:
        print("usage: kunit-collect.py SRC_TREE KTAP...", file=sys.stderr)
        return 2
    sys.path.insert(0, os.path.join(argv[1], "tools", "testing", "kunit"))
    import kunit_json
    import kunit_parser
    import kunit_printer

    stamp = re.compile(r"^\[..:..:..\] ")
    for ktap in argv[2:]:
        base = ktap[:-len(".ktap")] if ktap.endswith(".ktap") else ktap
        buf = io.StringIO()
        kunit_printer.stdout._output = buf
        result = (0, 1, 0)
        try:
            with open(ktap, encoding="utf-8", errors="replace") as fh:
                test = kunit_parser.parse_run_tests(fh.readlines())
            js = kunit_json.get_json_result(test=test, metadata=kunit_json.Metadata())
            with open(base + ".json", "w", encoding="utf-8") as fh:
                fh.write(js)
            result = counts(json.loads(js))
        except Exception as e:  # pylint: disable=broad-except
            buf.write("kunit-collect: %s: %s\n" % (ktap, e))
        text = buf.getvalue()
        with open(base + ".parsed", "w", encoding="utf-8") as fh:
            fh.write(text)
        shown = False
        for line in text.splitlines():
            if not shown and "=====" not in line and not line.startswith("kunit-collect:"):
                continue
            shown = True
            if re.match(r"^\[..:..:..\] =+$", line):
                continue
            print(stamp.sub("", line))
        print("@counts %s %d %d %d" % (ktap, *result))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
