#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""One PASS:/FAIL: line per KUnit test case of the series, counted once.

    kunit-report.py LABEL TREE LOG

TREE is the kernel tree the tested kernel was built from: the suites and
cases it must have run are read from its drivers/iommu/intel/*_kunit.c
(each `struct kunit_suite` with its .name and .test_cases array, each
KUNIT_CASE / KUNIT_CASE_PARAM of that array).  LOG is the console (or
kunit.py's raw log) holding the KTAP output.

A case passes when its own KTAP result is "ok" and, for a parameterised
case, at least one parameter ran and every one passed (the parameters are
table rows: they are shown as a number, not counted as checks).  A case of
the source that the log does not have fails ("not run"), so a suite that
stops being compiled is a FAIL, never a smaller count.  A skipped case
fails too: nothing here may be skipped.
"""
import glob
import os
import re
import sys

# "[   12.345678] " console timestamps, and the KTAP lines under it
TS = re.compile(r'^\[ *[0-9]+\.[0-9]+\] ?')
RESULT = re.compile(r'^( *)(not ok|ok) [0-9]+ (.*?)(?: # (SKIP|TODO)\b.*)?$')


def expected_cases(tree):
    """[(suite, [case, ...]), ...] from the tree's *_kunit.c files"""
    out = []
    for path in sorted(glob.glob(os.path.join(tree, 'drivers/iommu/intel/*_kunit.c'))):
        src = open(path, encoding='utf-8', errors='replace').read()
        arrays = {}
        for m in re.finditer(r'struct\s+kunit_case\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\};', src, re.S):
            arrays[m.group(1)] = re.findall(r'KUNIT_CASE(?:_PARAM)?\s*\(\s*(\w+)', m.group(2))
        for m in re.finditer(r'struct\s+kunit_suite\s+\w+\s*=\s*\{(.*?)\};', src, re.S):
            body = m.group(1)
            name = re.search(r'\.name\s*=\s*"([^"]+)"', body)
            cases = re.search(r'\.test_cases\s*=\s*(\w+)', body)
            if not name or not cases or cases.group(1) not in arrays:
                sys.exit('kunit-report: cannot read the suite in %s' % path)
            out.append((name.group(1), arrays[cases.group(1)]))
    return out


def parse_ktap(lines):
    """{suite: {case: (status, nparams, [failed params])}}"""
    suites = {}
    pending = {}		# case results since the last suite result
    params = []			# (status, name) since the last case result
    for raw in lines:
        line = TS.sub('', raw.rstrip('\r\n'))
        m = RESULT.match(line)
        if not m:
            continue
        depth = len(m.group(1)) // 4
        ok = m.group(2) == 'ok' and m.group(4) is None
        status = 'ok' if ok else ('skip' if m.group(4) == 'SKIP' else 'fail')
        name = m.group(3).strip()
        if depth >= 2:
            params.append((status, name))
        elif depth == 1:
            pending[name] = (status, len(params), [n for s, n in params if s != 'ok'])
            params = []
        else:
            suites[name] = pending
            pending, params = {}, []
    return suites


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    label, tree, log = sys.argv[1:]
    want = expected_cases(tree)
    if not want:
        print('FAIL: kunit(%s): no KUnit suite in %s/drivers/iommu/intel' % (label, tree))
        return 1
    try:
        got = parse_ktap(open(log, encoding='utf-8', errors='replace'))
    except OSError as e:
        got = {}
        print('FAIL: kunit(%s): cannot read %s: %s' % (label, log, e))
    fails = 0
    for suite, cases in want:
        for case in cases:
            what = 'kunit(%s): %s: %s' % (label, suite, case)
            res = got.get(suite, {}).get(case)
            if res is None:
                why = 'suite not in the log' if suite not in got else 'case not in the log'
                print('FAIL: %s: not run (%s)' % (what, why))
                fails += 1
                continue
            status, nparams, bad = res
            rows = ' (%d table rows)' % nparams if nparams else ''
            if status == 'ok' and not bad:
                print('PASS: %s%s' % (what, rows))
                continue
            fails += 1
            if bad:
                print('FAIL: %s: %d of %d rows failed: %s' %
                      (what, len(bad), nparams, '; '.join(bad[:5])))
            else:
                print('FAIL: %s: %s' % (what, 'skipped' if status == 'skip' else 'failed'))
    return 1 if fails else 0


if __name__ == '__main__':
    sys.exit(main())
