#!/usr/bin/env python3
"""syscagectl verify as a fleet tool: --json, --strict, --root (never out of the tree),
--name, options and exit codes. Offline: no daemon."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ctl, srcdir = sys.argv[1], sys.argv[2]
failures = []
tmp = tempfile.mkdtemp(prefix='verify-test-')
# The staging directory of --root goes here, so that the test can see it is removed.
env = dict(os.environ, TMPDIR=os.path.join(tmp, 'tmpdir'))
os.makedirs(env['TMPDIR'])


def run(*args, expect, cwd=None):
    p = subprocess.run([ctl, *args], capture_output=True, text=True, timeout=60, env=env,
                       cwd=cwd)
    if p.returncode != expect:
        failures.append(f'{args}: exit {p.returncode}, want {expect}\n{p.stdout}{p.stderr}')
    return p


def check(cond, what):
    if not cond:
        failures.append(what)


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def records(p):
    """The JSON Lines of a --json run; every line must parse."""
    out = []
    for line in p.stdout.splitlines():
        try:
            out.append(json.loads(line))
        except ValueError as e:
            failures.append(f'not JSON: {line!r}: {e}')
    return out


GOOD = '[Service]\nExecStart=/bin/true\n'

# The acceptance case: a tree with one bad and one good unit, checked with --root.
root = os.path.join(tmp, 'root')
etc = os.path.join(root, 'etc/syscage/units')
lib = os.path.join(root, 'usr/lib/syscage/units')
write(f'{etc}/good.service', GOOD)
write(f'{etc}/good.service.d/10-nice.conf', '[Service]\nNice=5\n')
write(f'{etc}/bad.service', '[Service]\nExecStart=/bin/true\nNice=5\nBogus=yes\n')
p = run('verify', '--json', '--strict', '--root', root, 'good.service', 'bad.service', expect=1)
check(p.stderr == '', f'--json wrote to stderr:\n{p.stderr}')
recs = records(p)
diags = [r for r in recs if r['type'] == 'diagnostic']
units = {r['unit']: r for r in recs if r['type'] == 'unit'}
check(len(diags) == 1, f'want one diagnostic, got {diags}')
if diags:
    d = diags[0]
    check(d['file'] == f'{etc}/bad.service' and d['line'] == 4 and d['key'] == 'Bogus' and
          d['severity'] == 'warning' and d['code'] == 'unknown-key' and d['unit'] == 'bad.service',
          f'bad diagnostic: {d}')
check(units.get('good.service', {}).get('result') == 'pass', f'good.service: {units}')
check(units.get('bad.service', {}).get('result') == 'fail', f'bad.service: {units}')
check(units.get('good.service', {}).get('read') ==
      [f'{etc}/good.service', f'{etc}/good.service.d/10-nice.conf'],
      f'good.service read list: {units.get("good.service")}')
# Without --strict the warning does not fail; the good unit alone passes with --strict; text
# mode names the files read.
run('verify', '--root', root, 'good.service', 'bad.service', expect=0)
p = run('verify', '--strict', '--root', root, 'good', expect=0)
check(f'good.service: read {etc}/good.service\n' in p.stdout, f'no read list:\n{p.stdout}')
p = run('verify', '--root', root, 'bad', expect=0)
check(f'{etc}/bad.service:4: Bogus: warning:' in p.stderr, f'text diagnostic:\n{p.stderr}')
check(os.listdir(env['TMPDIR']) == [], f'staging left behind: {os.listdir(env["TMPDIR"])}')

# --root never reads the host through the tree: absolute symlinks (to the unit, to a drop-in
# directory, to the units directory itself) and ".." resolve inside the tree.
host = os.path.join(tmp, 'host')
secret = write(f'{host}/secret.service', GOOD)
os.makedirs(lib)
os.symlink(secret, f'{lib}/abs.service')
os.symlink('../../../../../../../../' + secret.lstrip('/'), f'{lib}/dotdot.service')
write(f'{host}/evil.service.d/x.conf', '[Service]\nBogusFromHost=1\n')
write(f'{lib}/evil.service', GOOD)
os.symlink(f'{host}/evil.service.d', f'{lib}/evil.service.d')
os.symlink('/dev/null', f'{etc}/masked.service')
root2 = os.path.join(tmp, 'root2')
write(f'{root2}/srv/units/linked.service', GOOD)
os.makedirs(f'{root2}/etc/syscage')
os.symlink('/srv/units', f'{root2}/etc/syscage/units')
inside = os.path.join(root, secret.lstrip('/'))


def check_tree_boundary(wrap):
    """WRAP: a command prefix (valgrind, whose openat2 is ENOSYS, makes verify resolve the
    tree one component at a time instead of with RESOLVE_IN_ROOT)."""
    global ctl
    saved, ctl = ctl, None
    try:
        ctl = saved if not wrap else wrap[-1]
        p = run('verify', '--json', '--root', root, 'abs', 'dotdot', 'evil', expect=1)
        recs = records(p)
        for r in recs:
            check(host not in json.dumps(r), f'{wrap}: a host path was read through the tree: {r}')
        for name in ('abs.service', 'dotdot.service'):
            mine = [r for r in recs if r.get('unit') == name and r['type'] == 'diagnostic']
            check(any(r['code'] == 'io' and r['file'] == f'{lib}/{name}' for r in mine),
                  f'{wrap}: {name}: expected a not-found-in-tree error: {mine}')
        evil = [r for r in recs if r.get('unit') == 'evil.service']
        check(not any('BogusFromHost' in json.dumps(r) for r in evil),
              f'{wrap}: host drop-in applied: {evil}')
        # The same symlinks, resolved inside the tree, are followed when the target is there.
        write(inside, GOOD)
        run('verify', '--strict', '--root', root, 'abs', 'dotdot', expect=0)
        os.unlink(inside)
        # A symlink to /dev/null masks, as on the target, though the tree has no /dev/null.
        p = run('verify', '--json', '--root', root, 'masked', expect=1)
        check(any(r.get('code') == 'masked' for r in records(p)), f'{wrap}: not masked:\n{p.stdout}')
        # A units directory that is an absolute symlink resolves inside the tree too.
        run('verify', '--root', root2, 'linked', expect=0)
    finally:
        ctl = saved


check_tree_boundary(None)
valgrind = shutil.which('valgrind')
# Not with a sanitizer build, which valgrind cannot run.
if valgrind and subprocess.run([valgrind, '-q', '--log-file=/dev/null', ctl, '--version'],
                               capture_output=True, timeout=60).returncode == 0:
    wrapper = os.path.join(tmp, 'ctl-under-valgrind')
    write(wrapper, f'#!/bin/sh\nexec {valgrind} -q --log-file=/dev/null --error-exitcode=66 {ctl} "$@"\n', 0o755)
    check_tree_boundary([wrapper])
run('verify', '--root', os.path.join(tmp, 'no-such-root'), 'x', expect=1)
# With --root a name is the tree's unit, even when the current directory has such a file.
write(f'{tmp}/cwd2/good.service', '[Service]\nBogusInCwd=1\n')
p = run('verify', '--strict', '--root', root, 'good.service', expect=0, cwd=f'{tmp}/cwd2')
check('BogusInCwd' not in p.stderr, f'--root read the current directory:\n{p.stderr}')

# FILE arguments: taken as given; --name says what a temporary copy will be called, and that
# name's drop-ins (in --root or the search path) apply.
tmpfile = write(f'{tmp}/ansible-tmp-XYZ', '[Service]\nExecStart=/bin/true\n')
p = run('verify', tmpfile, expect=1)
check('--name' in p.stderr, f'no hint about --name:\n{p.stderr}')
p = run('verify', '--json', '--root', root, '--name', 'good.service', tmpfile, expect=0)
u = [r for r in records(p) if r['type'] == 'unit']
check(u and u[0]['unit'] == 'good.service' and
      u[0]['read'] == [tmpfile, f'{etc}/good.service.d/10-nice.conf'], f'--name: {u}')
write(f'{etc}/good.service.d/20-bad.conf', '[Service]\nNice=99\n')
p = run('verify', '--json', '--root', root, '--name', 'good.service', tmpfile, expect=1)
check(any(r.get('code') == 'bad-value' and r.get('file') == f'{etc}/good.service.d/20-bad.conf'
          for r in records(p)), f'drop-in not checked with --name:\n{p.stdout}')
os.unlink(f'{etc}/good.service.d/20-bad.conf')
run('verify', '--name', 'not a name', tmpfile, expect=100)
run('verify', '--name', 'a.service', tmpfile, tmpfile, expect=100)
# --units-dir gives the search path (here for a name without the suffix).
p = run('--units-dir', etc, 'verify', 'good', expect=0)

# Options: never unit names; --help; usage errors are 100.
p = run('verify', '--help', expect=0)
check('--json' in p.stdout and '--root' in p.stdout and 'Exit status' in p.stdout,
      f'verify --help:\n{p.stdout}')
run('verify', '--bogus', expect=100)
run('verify', '--json', expect=100)
run('verify', expect=100)
run('verify', '--relax', 'NoSuchDirective', tmpfile, expect=100)
p = run('verify', f'{etc}/good.service', '--json', expect=0)   # options after arguments
check(p.stdout.startswith('{'), f'--json after the file was not an option:\n{p.stdout}')
# "--" ends the options: a file really called "--json" can be checked.
write(f'{tmp}/cwd/--json', GOOD)
p = run('verify', '--name', 'x.service', '--', '--json', expect=0, cwd=f'{tmp}/cwd')

# JSON escaping of what a unit file contains: quotes, backslashes, control characters and
# bytes that are not UTF-8 all come out as valid JSON.
weird = os.path.join(tmp, 'weird.service')
with open(weird, 'wb') as f:
    f.write(b'[Service]\nExecStart=/bin/true\nBo"g\\us\x01=1\nDescription=\xff\xfe\n')
p = subprocess.run([ctl, 'verify', '--json', weird], capture_output=True, timeout=60)
for line in p.stdout.decode('utf-8').splitlines():   # must be UTF-8 ...
    r = json.loads(line)                              # ... and JSON
check(b'\\u0001' in p.stdout and b'\\"' in p.stdout and b'\\\\' in p.stdout,
      f'escapes missing: {p.stdout!r}')
check(p.returncode == 1, f'weird.service: exit {p.returncode}')

# The offline verbs add .service to a name without a suffix (analyze policy too).
p = run('--units-dir', etc, 'analyze', 'policy', 'good', expect=0)

shutil.rmtree(tmp)
if failures:
    print('\n\n'.join(failures))
    sys.exit(1)
print('ok')
