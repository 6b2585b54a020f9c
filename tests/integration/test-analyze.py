#!/usr/bin/env python3
"""syscagectl analyze policy (the decisive line, several --syscall, complain mode) and
analyze security (the table, --json, what the compiled filter lets through), offline, with
unit files written here. Also: `systemd-analyze verify` says nothing about
[X-Syscage] PolicyMode= (skipped when systemd-analyze is missing).

Usage: test-analyze.py SYSCAGECTL
Exit status: 0 pass, 1 fail.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import check, failures

SYSCAGECTL = os.path.abspath(sys.argv[1])


def run(*args, expect=None):
    p = subprocess.run([SYSCAGECTL, *args], capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL, env=dict(os.environ, NO_COLOR='1'))
    if expect is not None:
        check(p.returncode == expect, f'{" ".join(args[:2])}: exit {p.returncode}, expected {expect}: {p.stderr.strip()}')
    return p


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def line_of(out, syscall):
    for l in out.splitlines():
        if l.split()[:1] == [syscall]:
            return l
    return ''


def test_policy(d):
    a = os.path.join(d, 'a.service')
    write(a, '[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\nSystemCallFilter=~uname\n')
    write(os.path.join(d, 'a.service.d', 'x.conf'), '[Service]\nSystemCallFilter=~getpid\n')
    p = run('analyze', 'policy', a, '--syscall', 'uname', '--syscall', 'getpid', '--syscall', 'read', expect=0)
    check('kill' in line_of(p.stdout, 'uname') and 'a.service:4)' in line_of(p.stdout, 'uname'),
          f'uname credited to the removing line 4:\n{p.stdout}')
    check('x.conf:2)' in line_of(p.stdout, 'getpid'), f'getpid credited to the drop-in:\n{p.stdout}')
    check('allow' in line_of(p.stdout, 'read') and 'a.service:3)' in line_of(p.stdout, 'read'),
          f'read credited to line 3:\n{p.stdout}')
    # Without --syscall the full dump uses the same attribution.
    p = run('analyze', 'policy', a, expect=0)
    check('a.service:4)' in line_of(p.stdout, 'uname'), 'full dump: uname credited to line 4')
    # An unknown name is an error but the others are still printed.
    p = run('analyze', 'policy', a, '--syscall', 'nosuchcall', '--syscall', 'uname', expect=1)
    check(line_of(p.stdout, 'uname') != '' and 'nosuchcall' in p.stderr, 'unknown --syscall reported, others printed')
    # A deny list's allow line takes a name back out: that line decides it.
    b = os.path.join(d, 'b.service')
    write(b, '[Service]\nExecStart=/bin/true\nSystemCallFilter=~@clock uname\nSystemCallFilter=uname\n')
    p = run('analyze', 'policy', b, '--syscall', 'uname', '--syscall', 'clock_settime', expect=0)
    check('allow' in line_of(p.stdout, 'uname') and 'b.service:4)' in line_of(p.stdout, 'uname'),
          f'deny-list removal credited to line 4:\n{p.stdout}')
    check('b.service:3)' in line_of(p.stdout, 'clock_settime'), 'clock_settime credited to line 3')
    # Complain mode: said in the header, refusals show as log.
    c = os.path.join(d, 'c.service')
    write(c, '[Service]\nExecStart=/bin/true\nSystemCallFilter=~uname execve\n\n[X-Syscage]\nPolicyMode=complain\n')
    p = run('analyze', 'policy', c, expect=0)
    check('Policy mode:     complain' in p.stdout, 'complain mode in the header')
    check(line_of(p.stdout, 'uname').split()[1:2] == ['log'], f'uname is log:\n{line_of(p.stdout, "uname")}')
    check('exec gate lets it run' in p.stdout, 'execve: the gate lets it run')
    p = run('verify', c, expect=0)
    check('PolicyMode: note: Complain mode' in p.stdout + p.stderr, 'verify notes complain mode')


def security(path):
    p = run('analyze', 'security', path, '--json', expect=0)
    try:
        return json.loads(p.stdout)
    except ValueError:
        check(False, f'--json output is JSON: {p.stdout!r}')
        return {'items': [], 'score': -1}


def item(rep, ident):
    return next((i for i in rep['items'] if i['id'] == ident), {})


def test_security(d):
    bare = os.path.join(d, 'bare.service')
    write(bare, '[Service]\nExecStart=/bin/true\n')
    hard = os.path.join(d, 'hard.service')
    write(hard, '[Service]\nExecStart=/bin/true\nDynamicUser=yes\nNoNewPrivileges=yes\nPrivateDevices=yes\n'
                'PrivateNetwork=yes\nProtectHome=yes\nProtectKernelTunables=yes\nProtectControlGroups=yes\n'
                'SystemCallFilter=@system-service\nSystemCallFilter=~@privileged @keyring execve\n'
                'RestrictNamespaces=yes\n')
    trial = os.path.join(d, 'trial.service')
    with open(hard) as f:
        write(trial, f.read() + '\n[X-Syscage]\nPolicyMode=complain\n')
    rb, rh, rt = security(bare), security(hard), security(trial)
    check(rb['filtered'] is False and item(rb, '@mount').get('exposure') == 1.0, 'no filter: @mount open')
    check(item(rh, '@privileged').get('exposure') == 0.0, f'hardened: @privileged closed ({item(rh, "@privileged")})')
    check(item(rh, '@mount').get('exposure') == 0.0, 'hardened: @mount closed')
    check(item(rh, 'exec-after-launch').get('exposure') == 0.0, 'hardened: the gate refuses execve')
    check(item(rh, 'user-namespaces').get('exposure') == 0.0, 'hardened: CLONE_NEWUSER refused')
    check(rh['foreign_abi_killed'] is True, 'hardened: the foreign ABI is killed')
    check(item(rh, 'user').get('exposure') == 0.0, 'hardened: not root')
    # Partly open: @system-service alone leaves some of @privileged reachable.
    part = os.path.join(d, 'part.service')
    write(part, '[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\n')
    e = item(security(part), '@privileged').get('exposure', -1)
    check(0 < e < 1, f'@system-service: @privileged partly reachable ({e})')
    # Complain mode: the same directives, nothing enforced.
    check(rt['policy_mode'] == 'complain' and item(rt, '@privileged').get('exposure') == 1.0 and
          item(rt, 'exec-after-launch').get('exposure') == 1.0, 'complain: everything reachable')
    check(rb['score'] > rt['score'] > rh['score'], f'scores ordered: {rb["score"]} > {rt["score"]} > {rh["score"]}')
    check(0 <= rh['score'] <= 10 and rb['score'] <= 10, 'scores within 0..10')
    # Argument-level refusals count whichever directive makes them.
    w = os.path.join(d, 'wx.service')
    write(w, '[Service]\nExecStart=/bin/true\nMemoryDenyWriteExecute=yes\nRestrictRealtime=yes\n')
    rw = security(w)
    check(item(rw, 'write-exec-memory').get('exposure') == 0.0 and item(rw, 'realtime').get('exposure') == 0.0 and
          item(rw, 'personality').get('exposure') == 1.0, 'MemoryDenyWriteExecute=, RestrictRealtime= measured')
    check(item(rb, 'write-exec-memory').get('exposure') == 1.0, 'no filter: W+X memory reachable')
    p = run('analyze', 'security', hard, expect=0)
    check('Overall exposure:' in p.stdout and 'EXPOSURE' in p.stdout, 'the table is printed')
    run('analyze', 'security', os.path.join(d, 'missing.service'), expect=1)
    run('analyze', 'security', expect=100)


def test_systemd_verify(d):
    sa = shutil.which('systemd-analyze')
    if not sa:
        print('skip: systemd-analyze not installed')
        return
    c = os.path.join(d, 'c.service')
    p = subprocess.run([sa, 'verify', '--man=no', c], capture_output=True, text=True, timeout=60)
    check('PolicyMode' not in p.stdout + p.stderr and 'X-Syscage' not in p.stdout + p.stderr,
          f'systemd-analyze verify is silent about [X-Syscage] PolicyMode=: {p.stderr.strip()!r}')


def main():
    d = tempfile.mkdtemp(prefix='syscage-analyze-')
    try:
        test_policy(d)
        test_security(d)
        test_systemd_verify(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f'{"ok" if not failures else "FAILED"}: {len(failures)} failures')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
