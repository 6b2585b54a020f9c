#!/usr/bin/env python3
"""syscagectl's offline verbs (verify, analyze) driven as a user would, no daemon needed."""
import os
import subprocess
import sys
import tempfile

ctl, srcdir = sys.argv[1], sys.argv[2]
failures = []


def run(*args, expect):
    p = subprocess.run([ctl, *args], capture_output=True, text=True, timeout=60)
    if p.returncode != expect:
        failures.append(f'{args}: exit {p.returncode}, want {expect}\n{p.stdout}{p.stderr}')
    return p


def check(cond, what):
    if not cond:
        failures.append(what)


tmp = tempfile.mkdtemp()


def unit(name, text):
    path = os.path.join(tmp, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


# The bundled examples verify cleanly (this is what contrib/quickstart runs).
units = sorted(os.path.join(srcdir, 'units', f)
               for f in os.listdir(os.path.join(srcdir, 'units')) if f.endswith('.service'))
check(len(units) >= 4, 'expected the bundled example units')
p = run('verify', *units, expect=0)
check('error' not in p.stderr, f'bundled units have errors:\n{p.stderr}')

# Lint: an allow list without exit_group / rt_sigreturn warns, but is not an error.
a = unit('allow.service', '[Service]\nExecStart=/bin/true\nSystemCallFilter=read write\n')
p = run('verify', a, expect=0)
check(f'{a}:3: SystemCallFilter: warning: The allow list does not contain exit_group' in p.stderr,
      f'no exit_group lint:\n{p.stderr}')
check('rt_sigreturn' in p.stderr, 'no rt_sigreturn lint')

# Lint: a script as ExecStart= while execve is denied.
script = unit('s.sh', '#!/bin/sh\necho hi\n')
os.chmod(script, 0o755)
b = unit('script.service', f'[Service]\nExecStart={script}\nSystemCallFilter=~execve\n')
p = run('verify', b, expect=0)
check(f'{b}:2: ExecStart: warning:' in p.stderr and 'is a script' in p.stderr,
      f'no script lint:\n{p.stderr}')

# The exec gate and capabilities: CAP_SYS_PTRACE is refused outright; a root service that
# can reconfigure the kernel is warned about; a service with User= and no such ambient set is not.
d = unit('ptrace.service', '[Service]\nExecStart=/bin/true\nUser=nobody\n'
         'AmbientCapabilities=CAP_SYS_PTRACE\nSystemCallFilter=~execve\n')
p = run('verify', d, expect=1)
check(f'{d}:4: AmbientCapabilities: error: CAP_SYS_PTRACE' in p.stderr, f'no ptrace error:\n{p.stderr}')
e = unit('rootgate.service', '[Service]\nExecStart=/bin/true\nSystemCallFilter=~execve\n')
p = run('verify', e, expect=0)
check(f'{e}:3: SystemCallFilter: warning: The policy denies execve, but the service runs as root'
      in p.stderr, f'no root-capabilities lint:\n{p.stderr}')
f = unit('usergate.service', '[Service]\nExecStart=/bin/true\nUser=nobody\nSystemCallFilter=~execve\n')
p = run('verify', f, expect=0)
check('runs as root' not in p.stderr and 'CAP_SYS_PTRACE' not in p.stderr,
      f'unexpected capability lint:\n{p.stderr}')

# Lint: deny list with non-native ABIs widened.
c = unit('abi.service', '[Service]\nExecStart=/bin/true\nSystemCallFilter=~uname\n'
         'SystemCallArchitectures=x86\n')
p = run('verify', c, expect=0)
check(f'{c}:4: SystemCallArchitectures: warning:' in p.stderr, f'no ABI lint:\n{p.stderr}')

# Errors: exit 1 with file:line:key; an unknown unit name is an error too.
d = unit('bad.service', '[Service]\nExecStart=/bin/true\nSystemCallFilter=~nosuchcall\n')
p = run('verify', d, expect=1)
check(f'{d}:3: SystemCallFilter: error:' in p.stderr, f'no located error:\n{p.stderr}')
p = run('--units-dir', tmp, 'verify', 'nosuch.service', expect=1)
check('nosuch.service' in p.stderr, 'unknown unit not named')
# Lookup by name through --units-dir works.
run('--units-dir', tmp, 'verify', 'allow.service', expect=0)
# Usage errors are 100.
run('verify', expect=100)
run('frobnicate', expect=100)

# analyze syscall-filter: layout and members; unknown group is an error.
p = run('analyze', 'syscall-filter', '@reboot', expect=0)
lines = p.stdout.splitlines()
check(lines[0] == '@reboot' and lines[1].startswith('    # '), f'layout: {lines[:2]}')
check({'    reboot', '    kexec_load'} <= set(lines), f'members: {lines}')
run('analyze', 'syscall-filter', '@nonesuch', expect=1)

# analyze resolve: both directions, per ABI.
check(run('analyze', 'resolve', 'uname', expect=0).stdout.strip() == '63', 'uname != 63')
check(run('analyze', 'resolve', '63', expect=0).stdout.strip() == 'uname', '63 != uname')
check(run('analyze', 'resolve', '--arch', 'x86', 'uname', expect=0).stdout.strip() == '122',
      'i386 uname != 122')
run('analyze', 'resolve', 'nosuchcall', expect=1)

# analyze policy: the effective action and the line that decided it.
e = os.path.join(srcdir, 'units', 'uname-errno.service')
p = run('analyze', 'policy', e, '--syscall', 'uname', expect=0)
check('errno ENETDOWN' in p.stdout and 'uname-errno.service:' in p.stdout,
      f'analyze policy uname:\n{p.stdout}')
p = run('analyze', 'policy', e, '--syscall', 'getpid', expect=0)
check(p.stdout.split()[1] == 'allow', f'getpid not allowed:\n{p.stdout}')
p = run('analyze', 'policy', os.path.join(srcdir, 'units', 'no-exec.service'), '--bpf', expect=0)
check('Exec gate:       on' in p.stdout and 'USER_NOTIF' in p.stdout, 'gate not shown in --bpf')
run('analyze', 'policy', d, expect=1)

for f in failures:
    print('FAIL:', f)
print(f'{"ok" if not failures else "FAILED"}: {len(failures)} failures')
sys.exit(1 if failures else 0)
