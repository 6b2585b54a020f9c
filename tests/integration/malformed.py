#!/usr/bin/env python3
"""Runs `syscagectl verify` over every malformed unit file in tests/malformed/.

Each file's first line is `# expect: LINE: KEY: SUBSTRING`. verify must exit 1 (errors found,
not a crash or usage error) and print an error diagnostic `FILE:LINE: KEY: error: ...` whose
message contains SUBSTRING (KEY `-` means the diagnostic names no key).
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
    m = re.match(r'#\s*expect:\s*(\d+):\s*([^:]+):\s*(.*\S)\s*$', first)
    if not m:
        print(f'FAIL {name}: no "# expect: LINE: KEY: SUBSTRING" header')
        failed += 1
        continue
    line, key, sub = m.group(1), m.group(2).strip(), m.group(3)
    p = subprocess.run([ctl, 'verify', path], capture_output=True, text=True,
                       errors='replace', timeout=60)
    # Diagnostics without a line (e.g. a missing ExecStart=) print as "FILE: KEY: ...".
    where = f'{path}: ' if line == '0' else f'{path}:{line}: '
    prefix = where + ('' if key == '-' else f'{key}: ') + 'error: '
    hit = any(l.startswith(prefix) and sub in l for l in p.stderr.splitlines())
    if p.returncode != 1 or not hit:
        print(f'FAIL {name}: exit {p.returncode}, expected a line starting {prefix!r} '
              f'containing {sub!r}; got:\n{p.stderr}')
        failed += 1
    else:
        passed += 1
print(f'{passed} malformed files rejected as expected, {failed} not')
if len(files) < 40:
    print(f'FAIL: only {len(files)} malformed files, want at least 40')
    failed += 1
sys.exit(1 if failed else 0)
