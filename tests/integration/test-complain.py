#!/usr/bin/env python3
"""[X-Syscage] PolicyMode=complain under a real syscaged.

One unit, run twice: enforced, the probe's calls are refused (uname by ~uname, an AF_INET
socket by RestrictAddressFamilies=, write(5) by SystemCallArgumentFilter=, the later execve
by the exec gate) and the service fails; in complain mode every one of them runs, the
service exits 0, the kernel writes a SECCOMP_RET_LOG audit record for each of the first
three (read here from /dev/kmsg), and the exec gate reports the execve as a would-be denial
(status file, `syscagectl status`). `status` and `show` name the mode.

Usage: test-complain.py SYSCAGED SYSCAGECTL PROBE
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import re
import sys

from harness import check, ctl_runner, wait_until, with_daemon

SYSCAGED, SYSCAGECTL, PROBE = (os.path.abspath(a) for a in sys.argv[1:4])
SECCOMP_RET_LOG = 0x7ffc0000
ctl = ctl_runner(SYSCAGECTL, default_timeout=30, NO_COLOR='1')


def status_file(run, unit):
    try:
        with open(os.path.join(run, 'units', unit + '.status')) as f:
            return dict(l.rstrip('\n').split('=', 1) for l in f if '=' in l)
    except FileNotFoundError:
        return {}


UNIT = """[Service]
Type=oneshot
ExecStart={probe}
SystemCallFilter=~uname execve
RestrictAddressFamilies=AF_UNIX
SystemCallErrorNumber=EPERM

[X-Syscage]
SystemCallArgumentFilter=write: fd <= 2
{mode}
"""


def results(text):
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'R (\S+) ?(.*)$', text, re.M)}


def kmsg_open():
    fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    os.lseek(fd, 0, os.SEEK_END)
    return fd


def kmsg_log_records(fd, pid):
    """(syscall number, code) of the seccomp audit records of PID read so far."""
    got = []
    while True:
        try:
            rec = os.read(fd, 8192).decode(errors='replace')
        except BlockingIOError:
            return got
        except OSError:  # EPIPE: records were overwritten; keep reading
            continue
        if 'type=1326' not in rec or f' pid={pid} ' not in rec:
            continue
        m = re.search(r' syscall=(\d+) .*code=(0x[0-9a-f]+)', rec)
        if m:
            got.append((int(m.group(1)), int(m.group(2), 16)))


def run_unit(sock, run, units, name, mode, timeout=20):
    with open(os.path.join(units, name), 'w') as f:
        f.write(UNIT.format(probe=PROBE, mode=mode))
    ctl(sock, 'daemon-reload')
    p = ctl(sock, 'start', name)
    s = wait_until(lambda: (lambda s: s if s.get('ActiveState') in ('inactive', 'failed') and
                            s.get('ExecMainCode') else None)(status_file(run, name)), timeout)
    logs = ctl(sock, 'logs', '-n', '100', name).stdout
    return p, s or status_file(run, name), logs


def cases(sock, run, units):
    # Enforced: each call is refused, and the service fails.
    _, s, logs = run_unit(sock, run, units, 'enforce.service', '')
    got = results(logs)
    check(got.get('uname') == 'errno EPERM', f'enforce: uname refused (got {got.get("uname")!r})')
    check(got.get('socket-inet') == 'errno EAFNOSUPPORT', f'enforce: AF_INET refused (got {got.get("socket-inet")!r})')
    check(got.get('write-fd5') == 'errno EPERM', f'enforce: write(5) refused (got {got.get("write-fd5")!r})')
    check(got.get('exec') == 'errno EPERM', f'enforce: later execve refused (got {got.get("exec")!r})')
    check(s.get('ActiveState') == 'failed', f'enforce: the service failed ({s})')
    st = ctl(sock, 'show', 'enforce.service', '-p', 'PolicyMode', '--value').stdout.strip()
    check(st == 'enforce', f'enforce: show PolicyMode=enforce (got {st!r})')

    # Complain: everything runs, the service succeeds, every would-be denial is on record.
    kfd = kmsg_open()
    try:
        _, s, logs = run_unit(sock, run, units, 'complain.service', 'PolicyMode=complain')
        got = results(logs)
        for step in ('uname', 'socket-inet', 'write-fd5', 'exec'):
            check(got.get(step) == 'ok', f'complain: {step} ran (got {got.get(step)!r})')
        check(s.get('ActiveState') == 'inactive' and s.get('Result') == 'success' and
              s.get('ExecMainStatus') == '0', f'complain: the service exited 0 ({s})')
        check('execve:1' in s.get('DeniedSyscalls', ''), f'complain: execve reported by the gate ({s.get("DeniedSyscalls")!r})')
        check('(complain)' in s.get('LastDenial', ''), f'complain: the last record says complain ({s.get("LastDenial")!r})')
        pid = got.get('pid')
        # uname 63, socket 41, write 1 on x86-64: each a LOG record of this pid.
        want = {63: 'uname', 41: 'socket', 1: 'write'}
        seen = set()
        wait_until(lambda: seen.update(n for n, c in kmsg_log_records(kfd, pid)
                                       if c == SECCOMP_RET_LOG and n in want) or seen >= set(want), 10)
        for n, name in want.items():
            check(n in seen, f'complain: a SECCOMP_RET_LOG audit record for {name} of pid {pid}')
    finally:
        os.close(kfd)
    # The daemon lists each would-be denial itself (kernel records attributed to the unit).
    def denied():
        return status_file(run, 'complain.service').get('DeniedSyscalls', '')
    wait_until(lambda: all(f'{n}:' in denied() for n in ('uname', 'socket', 'write', 'execve')), 10)
    for n in ('uname', 'socket', 'write', 'execve'):
        check(f'{n}:' in denied(), f'complain: {n} listed among the would-be denials ({denied()!r})')
    st = ctl(sock, 'status', 'complain.service').stdout
    check('would deny (complain)' in st or 'allowed (complain)' in st, 'complain: status shows would-be denials')
    check('complain (nothing is enforced)' in st, 'complain: status names the mode')
    check('allowed (complain)' in st, 'complain: status lists the would-be denial of execve')
    st = ctl(sock, 'show', 'complain.service', '-p', 'PolicyMode', '--value').stdout.strip()
    check(st == 'complain', f'complain: show PolicyMode=complain (got {st!r})')

    # The same through `run -p`: the key goes to [X-Syscage] of the transient unit.
    p = ctl(sock, 'run', '--pipe', '-q', '-p', 'PolicyMode=complain', '-p', 'SystemCallFilter=~uname execve',
            '-p', 'SystemCallErrorNumber=EPERM', PROBE)
    got = results(p.stdout)
    check(got.get('uname') == 'ok' and got.get('exec') == 'ok' and p.returncode == 0,
          f'run -p PolicyMode=complain: uname and exec ran (got {got}, exit {p.returncode}, {p.stderr.strip()!r})')
    p = ctl(sock, 'run', '--pipe', '-q', '-p', 'PolicyMode=bogus', PROBE)
    check(p.returncode != 0 and 'PolicyMode' in p.stderr, f'run -p PolicyMode=bogus refused ({p.stderr.strip()!r})')


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    if os.uname().machine != 'x86_64':
        print('skip: the syscall numbers checked are x86-64 ones')
        return 77
    return with_daemon(SYSCAGED, ctl, 'syscage-complain-',
                       lambda sock, base: cases(sock, os.path.join(base, 'run'), os.path.join(base, 'units')))


if __name__ == '__main__':
    sys.exit(main())
