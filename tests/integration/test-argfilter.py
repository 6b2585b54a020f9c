#!/usr/bin/env python3
"""SystemCallArgumentFilter= under a real syscaged: services started with `syscagectl run -p`
(and one from a unit file whose filter lines come from a drop-in) run argfilter-probe, which
makes the forbidden and the allowed call in one process and prints one "R STEP RESULT" line
per call. Each case checks both: the call the filter refuses fails with the policy's action,
the one it allows works. A unit naming a pointer argument does not load, and says why.

Usage: test-argfilter.py SYSCAGED SYSCAGECTL HELPERS_DIR
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import re
import sys

from harness import check, ctl_runner, wait_until, with_daemon

SYSCAGED, SYSCAGECTL, HELPERS = (os.path.abspath(a) for a in sys.argv[1:4])
PROBE = os.path.join(HELPERS, 'argfilter-probe')
ctl = ctl_runner(SYSCAGECTL, default_timeout=30)


def results(text):
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'R (\S+) ?(.*)$', text, re.M)}


def run_probe(sock, props, steps):
    args = ['run', '--pipe', '-q']
    for p in props:
        args += ['-p', p]
    return ctl(sock, *args, PROBE, *steps)


def case(sock, name, props, steps, expect):
    p = run_probe(sock, props, steps)
    got = results(p.stdout)
    for step, want in expect.items():
        check(got.get(step) == want, f'{name}: {step} -> {want} (got {got.get(step)!r}; stderr {p.stderr.strip()!r})')


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77

    def prepare(base):
        with open(os.path.join(base, 'data'), 'w') as f:
            f.write('x\n')
    return with_daemon(SYSCAGED, ctl, 'syscage-argfilter-',
                       (prepare, lambda sock, base: cases(sock, os.path.join(base, 'units'),
                                                          os.path.join(base, 'data'))))


def cases(sock, units, data):
    # Without a filter every probe succeeds, and the packet socket with upper-bit garbage in
    # its domain is a real packet socket: the filter below is what stops it.
    case(sock, 'baseline', [], ['write-fd:1', 'write-fd:3', f'open-rw:{data}', 'socket-packet-hi'],
         {'write-fd:1': 'ok', 'write-fd:3': 'ok', f'open-rw:{data}': 'ok', 'socket-packet-hi': 'ok AF_PACKET'})
    # (1) write to fd 1 only.
    case(sock, 'write fd == 1', ['SystemCallArgumentFilter=write: fd == 1', 'SystemCallErrorNumber=EPERM'],
         ['write-fd:1', 'write-fd:3'], {'write-fd:1': 'ok', 'write-fd:3': 'errno EPERM'})
    # (2) read-only opens.
    case(sock, 'openat read-only',
         ['SystemCallArgumentFilter=openat: (flags & O_ACCMODE) == O_RDONLY', 'SystemCallErrorNumber=EACCES'],
         [f'open-ro:{data}', f'open-rw:{data}'], {f'open-ro:{data}': 'ok', f'open-rw:{data}': 'errno EACCES'})
    # (3) the kernel reads socket()'s domain as an int: upper bits cannot get AF_PACKET past.
    case(sock, 'socket domain != AF_PACKET',
         ['SystemCallArgumentFilter=socket: domain != AF_PACKET', 'SystemCallErrorNumber=EPERM'],
         ['socket-packet-hi', 'socket-inet'], {'socket-packet-hi': 'errno EPERM', 'socket-inet': 'ok'})
    # (4) a per-line action, and two lines ANDed: fd 3 breaks only the first line (its own
    # action), fd 5 only the second (the unit's action).
    case(sock, 'per-line EBADF',
         ['SystemCallArgumentFilter=write:EBADF: fd <= 1 || fd == 5', 'SystemCallArgumentFilter=write: fd != 5',
          'SystemCallErrorNumber=EACCES'],
         ['write-fd:1', 'write-fd:3', 'write-fd:5'],
         {'write-fd:1': 'ok', 'write-fd:3': 'errno EBADF', 'write-fd:5': 'errno EACCES'})
    # With the exec gate on (execve denied), the argument filter holds all the same.
    case(sock, 'exec gate',
         ['SystemCallFilter=~execve', 'SystemCallErrorNumber=EPERM', 'SystemCallArgumentFilter=write: fd == 1'],
         ['write-fd:1', 'write-fd:3'], {'write-fd:1': 'ok', 'write-fd:3': 'errno EPERM'})
    # Without SystemCallErrorNumber= the refusal kills.
    p = run_probe(sock, ['SystemCallArgumentFilter=write: fd == 1'], ['write-fd:1', 'write-fd:3'])
    got = results(p.stdout)
    check(got.get('write-fd:1') == 'ok' and 'write-fd:3' not in got and p.returncode != 0,
          f'no error number: the refused write kills the service (exit {p.returncode}, {got})')
    # (5) a pointer argument: the unit does not load, and the message says why.
    p = run_probe(sock, ['SystemCallArgumentFilter=write: buf == 0'], ['write-fd:1'])
    check(p.returncode != 0 and 'is a pointer: seccomp cannot see what it points to' in p.stderr,
          f'a pointer argument is refused at load ({p.returncode}, {p.stderr.strip()!r})')

    # Lines from a drop-in, on a unit started from its file.
    with open(os.path.join(units, 'afdrop.service'), 'w') as f:
        f.write(f'[Service]\nType=oneshot\nExecStart={PROBE} write-fd:1 write-fd:3\n'
                'SystemCallErrorNumber=EPERM\n')
    os.makedirs(os.path.join(units, 'afdrop.service.d'))
    with open(os.path.join(units, 'afdrop.service.d', 'filter.conf'), 'w') as f:
        f.write('[X-Syscage]\nSystemCallArgumentFilter=write: fd == 1\n')
    check(ctl(sock, 'daemon-reload').returncode == 0, 'daemon-reload sees afdrop.service')
    p = ctl(sock, 'start', 'afdrop')
    check(p.returncode == 0, f'the drop-in unit starts ({p.stderr.strip()!r})')
    check(wait_until(lambda: 'R write-fd:3' in ctl(sock, 'logs', 'afdrop').stdout, 15), 'the drop-in unit ran')
    got = results(ctl(sock, 'logs', 'afdrop').stdout)
    check(got.get('write-fd:1') == 'ok' and got.get('write-fd:3') == 'errno EPERM',
          f'a filter from a drop-in applies ({got})')
    p = ctl(sock, 'analyze', 'policy', '-s', 'write', os.path.join(units, 'afdrop.service'))
    check('argument filter: write: fd == 1' in p.stdout and 'filter.conf:2' in p.stdout,
          f'analyze policy shows the drop-in line ({p.stdout.strip()!r}, {p.stderr.strip()!r})')


if __name__ == '__main__':
    sys.exit(main())
