#!/usr/bin/env python3
"""Condition*= and Assert*= of [Unit] under a real syscaged: a start whose condition fails
leaves the unit inactive, `start` exits 0 and status names the condition; the negation starts;
a triggering pair starts when one of them holds; a failed Assert*= makes `start` fail with
systemctl's message; a relative path is refused at load with file, line and key; a unit
that requires a skipped one starts; PathIsReadWrite= and PathIsMountPoint= against a read-only
bind mount.

Usage: test-conditions.py SYSCAGED SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import subprocess
import sys

from harness import check, ctl_runner, wait_until, with_daemon

SYSCAGED, SYSCAGECTL = (os.path.abspath(a) for a in sys.argv[1:3])
ctl = ctl_runner(SYSCAGECTL, default_timeout=60, NO_COLOR='1')


def prepare(base):
    units = os.path.join(base, 'units')
    missing = os.path.join(base, 'missing')
    present = os.path.join(base, 'present')
    open(present, 'w').close()

    def unit(name, unit_lines):
        with open(os.path.join(units, name), 'w') as f:
            f.write('[Unit]\n' + unit_lines + '[Service]\nExecStart=/bin/sleep 100\n')

    unit('cond-fail.service', f'ConditionPathExists={missing}\n')
    unit('cond-negated.service', f'ConditionPathExists=!{missing}\n')
    unit('cond-trigger.service', f'ConditionPathExists=|{missing}\nConditionPathExists=|{present}\n')
    unit('cond-trigger-none.service', f'ConditionPathExists=|{missing}\nConditionPathIsDirectory=|{present}\n')
    unit('cond-reset.service', f'ConditionPathExists={missing}\nConditionPathExists=\n')
    unit('cond-kind.service', f'ConditionDirectoryNotEmpty={base}\nConditionFileNotEmpty=!{present}\n'
         'ConditionCapability=CAP_SYS_ADMIN\nConditionKernelCommandLine=!syscage.no.such.word\n')
    unit('assert-fail.service', f'AssertPathExists={missing}\n')
    unit('assert-ok.service', f'AssertPathExists={present}\n')
    unit('relative.service', 'ConditionPathExists=etc/x\n')
    os.makedirs(os.path.join(base, 'ro'))
    unit('cond-rw.service', f'ConditionPathIsReadWrite={base}/ro\n')
    unit('cond-ro-mount.service', f'ConditionPathIsReadWrite=!{base}/ro\nConditionPathIsMountPoint={base}/ro\n')
    unit('needs-skipped.service', 'Requires=cond-fail.service\nAfter=cond-fail.service\n')


def show(sock, unit, prop):
    r = ctl(sock, 'show', '-p', prop, '--value', unit)
    return r.stdout.strip()


def read_only_cases(sock, base):
    """ConditionPathIsReadWrite= and ConditionPathIsMountPoint= on a read-only bind mount."""
    ro = os.path.join(base, 'ro')
    r = ctl(sock, 'start', 'cond-rw.service')
    check(r.returncode == 0 and show(sock, 'cond-rw.service', 'ActiveState') == 'active',
          'PathIsReadWrite= on a writable directory starts')
    ctl(sock, 'stop', 'cond-rw.service')
    r = ctl(sock, 'start', 'cond-ro-mount.service')
    check(show(sock, 'cond-ro-mount.service', 'ActiveState') == 'inactive',
          '!PathIsReadWrite= with PathIsMountPoint= before the mount is skipped')
    subprocess.run(['mount', '--bind', ro, ro], check=True)
    try:
        subprocess.run(['mount', '-o', 'remount,ro,bind', ro], check=True)
        r = ctl(sock, 'start', 'cond-rw.service')
        check(r.returncode == 0 and show(sock, 'cond-rw.service', 'ActiveState') == 'inactive',
              'PathIsReadWrite= on a read-only mount skips the start')
        r = ctl(sock, 'start', 'cond-ro-mount.service')
        check(r.returncode == 0 and show(sock, 'cond-ro-mount.service', 'ActiveState') == 'active',
              '!PathIsReadWrite= and PathIsMountPoint= on the read-only mount start')
        ctl(sock, 'stop', 'cond-ro-mount.service')
    finally:
        subprocess.run(['umount', ro])


def cases(sock, base):
    read_only_cases(sock, base)
    check(show(sock, 'cond-fail.service', 'ConditionResult') == 'no', 'ConditionResult=no before any start')
    check('Condition:' not in ctl(sock, 'status', 'cond-fail.service').stdout, 'status has no Condition: line before')
    r = ctl(sock, 'start', 'cond-fail.service')
    check(r.returncode == 0, f'start with an unmet condition exits 0 ({r.returncode}: {r.stderr.strip()})')
    check(show(sock, 'cond-fail.service', 'ActiveState') == 'inactive', 'the unit stays inactive')
    check(show(sock, 'cond-fail.service', 'ConditionResult') == 'no', 'ConditionResult=no')
    check(show(sock, 'cond-fail.service', 'ConditionTimestamp') not in ('', '0', 'n/a'),
          'ConditionTimestamp is set')
    st = ctl(sock, 'status', 'cond-fail.service').stdout
    check('Condition: start condition failed at' in st, 'status says the start condition failed')
    check(f'ConditionPathExists={base}/missing was not met' in st, 'status names the condition')
    check('cond-fail.service was skipped because of an unmet condition check' in st, 'the log line, as systemd\'s')

    for name, what in (('cond-negated', 'a negated condition that holds'),
                       ('cond-trigger', 'a triggering pair with one that holds'),
                       ('cond-reset', 'a condition list reset by an empty value'),
                       ('cond-kind', 'DirectoryNotEmpty, !FileNotEmpty, Capability, !KernelCommandLine'),
                       ('assert-ok', 'an assert that holds')):
        r = ctl(sock, 'start', f'{name}.service')
        check(r.returncode == 0 and show(sock, f'{name}.service', 'ActiveState') == 'active',
              f'{what} starts ({r.returncode}: {r.stderr.strip()})')
        check(show(sock, f'{name}.service', 'ConditionResult') == 'yes', f'{name}: ConditionResult=yes')
        ctl(sock, 'stop', f'{name}.service')

    r = ctl(sock, 'start', 'cond-trigger-none.service')
    check(r.returncode == 0 and show(sock, 'cond-trigger-none.service', 'ActiveState') == 'inactive',
          'a triggering pair where none holds skips the start')

    # As in systemd, a skipped start counts as done for the units that require it.
    r = ctl(sock, 'start', 'needs-skipped.service')
    check(r.returncode == 0 and show(sock, 'needs-skipped.service', 'ActiveState') == 'active',
          f'a unit that requires a skipped one starts ({r.returncode}: {r.stderr.strip()})')
    check(show(sock, 'cond-fail.service', 'ActiveState') == 'inactive', 'the skipped one stays inactive')
    ctl(sock, 'stop', 'needs-skipped.service')

    r = ctl(sock, 'start', 'assert-fail.service')
    check(r.returncode != 0, f'start with an unmet assert fails ({r.returncode})')
    check('Assertion failed on job for assert-fail.service.' in r.stderr, f'systemctl\'s message ({r.stderr.strip()})')
    check(show(sock, 'assert-fail.service', 'ActiveState') == 'inactive', 'the unit stays inactive (not failed)')
    check(show(sock, 'assert-fail.service', 'AssertResult') == 'no', 'AssertResult=no')
    check(show(sock, 'assert-fail.service', 'ConditionResult') == 'yes', 'ConditionResult=yes (no conditions)')
    check(show(sock, 'assert-fail.service', 'Result') == 'success', 'Result=success, as systemd\'s')
    st = ctl(sock, 'status', 'assert-fail.service').stdout
    check('Assert: start assertion failed at' in st, 'status says the assertion failed')

    r = ctl(sock, 'start', 'relative.service')
    check(r.returncode != 0, 'a relative path refuses the unit')
    path = os.path.join(base, 'units', 'relative.service')
    r = ctl(sock, 'verify', path)
    out = r.stdout + r.stderr
    check(r.returncode != 0 and f'{path}:2' in out and 'ConditionPathExists' in out and 'not absolute' in out,
          f'verify names file, line and key ({out.strip()})')


if __name__ == '__main__':
    if os.geteuid() != 0:
        print('skipped: needs root')
        sys.exit(77)
    sys.exit(with_daemon(SYSCAGED, ctl, 'syscage-cond-', (prepare, cases)))
