#!/usr/bin/env python3
"""Runs `syscagectl verify` over every malformed unit file in tests/malformed/.

Each file's first line is `# expect: LINE: KEY: SUBSTRING`. verify must exit 1 (errors found,
not a crash or usage error) and print an error diagnostic `FILE:LINE: KEY: error: ...` whose
message contains SUBSTRING (KEY `-` means the diagnostic names no key).

A file whose first line is `# expect-warning: LINE: KEY: SUBSTRING` is valid but suspicious:
verify must exit 0, print no error, and print a warning `FILE:LINE: KEY: warning: ...` whose
message contains SUBSTRING; `verify --strict` must then exit 1.
"""
import os
import re
import subprocess
import sys

ctl, corpus = sys.argv[1], sys.argv[2]
failed = passed = 0
files = sorted(f for f in os.listdir(corpus) if f.endswith('.service'))
for name in files:
    path = os.path.join(corpus, name)
    with open(path, 'rb') as fh:
        first = fh.readline().decode('utf-8', 'replace')
    m = re.match(r'#\s*expect(-warning)?:\s*(\d+):\s*([^:]+):\s*(.*\S)\s*$', first)
    if not m:
        print(f'FAIL {name}: no "# expect: LINE: KEY: SUBSTRING" or "# expect-warning: ..." header')
        failed += 1
        continue
    warning = m.group(1) is not None
    line, key, sub = m.group(2), m.group(3).strip(), m.group(4)
    p = subprocess.run([ctl, 'verify', path], capture_output=True, text=True,
                       errors='replace', timeout=60)
    # Diagnostics without a line (e.g. a missing ExecStart=) print as "FILE: KEY: ...".
    where = f'{path}: ' if line == '0' else f'{path}:{line}: '
    level = 'warning: ' if warning else 'error: '
    prefix = where + ('' if key == '-' else f'{key}: ') + level
    hit = any(l.startswith(prefix) and sub in l for l in p.stderr.splitlines())
    if warning:
        errors = [l for l in p.stderr.splitlines() if ': error: ' in l]
        strict = subprocess.run([ctl, 'verify', '--strict', path], capture_output=True, text=True,
                                errors='replace', timeout=60)
        ok = p.returncode == 0 and hit and not errors and strict.returncode == 1
        want_rc = '0 (1 with --strict, got %d)' % strict.returncode
    else:
        ok = p.returncode == 1 and hit
        want_rc = '1'
    if not ok:
        print(f'FAIL {name}: exit {p.returncode} (want {want_rc}), expected a line starting '
              f'{prefix!r} containing {sub!r}' + (' and no error' if warning else '') +
              f'; got:\n{p.stderr}')
        failed += 1
    else:
        passed += 1
print(f'{passed} malformed files rejected or warned about as expected, {failed} not')
if len(files) < 40:
    print(f'FAIL: only {len(files)} malformed files, want at least 40')
    failed += 1
sys.exit(1 if failed else 0)
