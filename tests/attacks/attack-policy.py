#!/usr/bin/env python3
"""Attacks on the argument filters, OCI import and verify, with syscagectl only (no daemon).

Usage: attack-policy.py SYSCAGECTL [NAME...]
Prints `HELD name`, `BROKEN name: what happened` or `OPEN name: what` (a known limit that is
documented, not fixed) per attack; exit status 1 when anything broke. Every command runs
under a timeout, so a hang shows as BROKEN rather than as a stuck run.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

CTL = os.path.abspath(sys.argv[1])
ONLY = set(sys.argv[2:])
TIMEOUT = 60
broken = []


def run(*args, timeout=TIMEOUT):
    try:
        return subprocess.run([CTL, *args], capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None


def report(name, ok, what=''):
    if ok is None:
        print(f'OPEN {name}: {what}')
    elif ok:
        print(f'HELD {name}')
    else:
        print(f'BROKEN {name}: {what}')
        broken.append(name)


def unit(d, name, body):
    path = os.path.join(d, name)
    with open(path, 'wb') as f:
        f.write(body if isinstance(body, bytes) else body.encode())
    return path


def attack_too_many_rules(d):
    # 128 lines of 96 rules each: past POLICY_RULES_MAX. The daemon refuses the unit, so
    # verify (and verify --strict) must not pass it.
    lines = ''.join('SystemCallArgumentFilter=write: count == %d && fd == %d\n' % (0x55555555 ^ i, i)
                    for i in range(128))
    p = unit(d, 'many.service', '[Service]\nExecStart=/bin/true\n[X-Syscage]\n' + lines)
    r = run('verify', p)
    ok = r is not None and r.returncode != 0 and b'seccomp rules' in r.stderr
    report('too_many_rules', ok, 'verify passed a unit the daemon cannot build: %r' % (r and r.stderr[-200:]))


def attack_sibling_calls(d):
    # openat filtered to read-only while open/creat/openat2 stay allowed: the filter restricts
    # nothing. The user's to fix; verify must say so.
    p = unit(d, 'ro.service', '[Service]\nExecStart=/bin/true\n[X-Syscage]\n'
             'SystemCallArgumentFilter=openat: (flags & O_ACCMODE) == O_RDONLY\n')
    r = run('verify', '--strict', p)
    ok = r is not None and r.returncode != 0 and b'openat2' in r.stderr
    report('sibling_calls', ok, 'verify --strict passed openat filtered with open/openat2 allowed')


def attack_verify_fifo(d):
    # A FIFO as a unit file, as a drop-in, and inside a --root tree: verify must not block.
    os.makedirs(os.path.join(d, 'f', 'a.service.d'))
    os.mkfifo(os.path.join(d, 'f', 'fifo.service'))
    unit(d, 'f/a.service', '[Service]\nExecStart=/bin/true\n')
    os.mkfifo(os.path.join(d, 'f', 'a.service.d', 'x.conf'))
    root = os.path.join(d, 'root')
    units = os.path.join(root, 'etc', 'syscage', 'units')
    os.makedirs(os.path.join(units, 'b.service.d'))
    unit(d, 'root/etc/syscage/units/b.service', '[Service]\nExecStart=/bin/true\n')
    os.mkfifo(os.path.join(units, 'b.service.d', 'x.conf'))
    os.mkfifo(os.path.join(units, 'c.service'))
    rs = [run('verify', os.path.join(d, 'f', 'fifo.service'), timeout=10),
          run('verify', os.path.join(d, 'f', 'a.service'), timeout=10),
          run('verify', '--root', root, 'b.service', 'c.service', timeout=10)]
    report('verify_fifo', all(r is not None for r in rs), 'verify hung on a FIFO')


def attack_verify_root_escape(d):
    # Absolute and relative links out of the tree must resolve inside it.
    root = os.path.join(d, 'esc')
    units = os.path.join(root, 'etc', 'syscage', 'units')
    os.makedirs(units)
    outside = unit(d, 'outside.service', '[Service]\nExecStart=/bin/outside-marker\n')
    os.symlink(outside, os.path.join(units, 'abs.service'))
    os.symlink('../../../../outside.service', os.path.join(units, 'rel.service'))
    os.symlink('/proc/self/root' + outside, os.path.join(units, 'proc.service'))
    r = run('verify', '--json', '--root', root, 'abs.service', 'rel.service', 'proc.service')
    ok = r is not None and b'outside-marker' not in r.stdout + r.stderr
    report('verify_root_escape', ok, 'a unit outside the tree was read')


def attack_verify_json_names(d):
    # A file name with a quote, a newline, a control byte and invalid UTF-8; a bad line.
    p = unit(d, 'q"\n\xff\x01.service'.encode('latin-1').decode('latin-1'),
             b'[Service]\nExecStart=/bin/true\nFoo\xff"\n=x\n')
    r = run('verify', '--json', '--name', 'x.service', p)
    ok = r is not None
    try:
        for line in r.stdout.decode().splitlines():
            json.loads(line)
    except (ValueError, AttributeError):
        ok = False
    report('verify_json_names', ok, 'verify --json printed something that is not JSON')


def profile(d, name, text):
    return unit(d, name, text.encode() if isinstance(text, str) else text)


def attack_oci_hostile_json(d):
    cases = {
        'deep': '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":' + '[' * 100000 + ']' * 100000 + '}',
        'dupkey': '{"defaultAction":"SCMP_ACT_ERRNO","defaultAction":"SCMP_ACT_ALLOW"}',
        'nonutf8': b'{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace\xff"],'
                   b'"action":"SCMP_ACT_ERRNO"}]}',
        'float': '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":'
                 '"SCMP_ACT_ERRNO","args":[{"index":1,"value":1e400,"op":"SCMP_CMP_EQ"}]}]}',
        'many': '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[' +
                ','.join('{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":%d,'
                         '"op":"SCMP_CMP_NE"}]}' % i for i in range(2000)) + ']}',
    }
    bad = []
    for name, text in cases.items():
        r = run('import-oci', profile(d, name + '.json', text), timeout=20)
        if r is None or r.returncode < 0 or r.returncode > 1:
            bad.append('%s: %s' % (name, 'hung' if r is None else r.returncode))
    report('oci_hostile_json', not bad, ', '.join(bad))


def attack_oci_nul(d):
    # "SCMP_ACT_ERRNO\u0000x" is no action runc knows; C sees "SCMP_ACT_ERRNO".
    text = ('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read","ptrace\\u0000x"],'
            '"action":"SCMP_ACT_ALLOW"}]}')
    r = run('import-oci', profile(d, 'nul.json', text))
    ok = r is not None and r.returncode == 1 and b'NUL' in r.stderr
    report('oci_nul', ok, 'a NUL inside a name was cut: %r' % (r and r.stdout))


def attack_oci_signed_compare(d):
    # OCI compares 64-bit unsigned: "pid >= 5" (ERRNO) also refuses negative pids, which an
    # import as a signed int test would let through.
    text = ('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":'
            '"SCMP_ACT_ERRNO","args":[{"index":0,"value":5,"op":"SCMP_CMP_GE"}]}]}')
    r = run('import-oci', profile(d, 'ge.json', text))
    ok = r is not None and r.returncode == 0 and b'arg0 < 0' in r.stdout
    report('oci_signed_compare', ok, 'negative pids not refused: %r' % (r and r.stdout))


def attack_oci_overflow(d):
    # A number past 2^64: Go's decoder (runc) refuses the profile; json-c clamps it.
    text = ('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["ioctl"],"action":'
            '"SCMP_ACT_ALLOW","args":[{"index":2,"value":99999999999999999999999,'
            '"op":"SCMP_CMP_EQ"}]}]}')
    r = run('import-oci', profile(d, 'big.json', text))
    ok = r is not None and r.returncode == 1 and b'out of range' in r.stderr
    report('oci_overflow', ok, 'imported as the clamped value 2^64-1 (runc refuses the profile)')


def attack_compile_time(d):
    # 85 lines of 96 rules over 20 calls: under POLICY_RULES_MAX, but the BPF does not fit;
    # the daemon's load path compiles it (and fails) on its event loop.
    calls = ['lseek', 'ioctl', 'fcntl', 'mmap', 'mprotect', 'kill', 'socket', 'setsockopt',
             'getsockopt', 'dup3', 'flock', 'dup2', 'tgkill', 'setpgid', 'fchmod', 'fchown',
             'ftruncate', 'fallocate', 'madvise', 'msync']
    lines = ''.join('SystemCallArgumentFilter=%s: arg0 == %d && arg1 == %d\n'
                    % (calls[i % len(calls)], 0x55555555 ^ i, i) for i in range(85))
    p = unit(d, 'slow.service', '[Service]\nExecStart=/bin/true\n[X-Syscage]\n' + lines)
    t = time.monotonic()
    r = run('verify', p)
    dt = time.monotonic() - t
    if r is None or r.returncode == 0:
        report('compile_time', False, 'verify passed a filter that does not fit')
    else:
        report('compile_time', None if dt > 1 else True,
               'the compile takes %.1f s before it fails (one unit; the daemon blocks as long)' % dt)


ATTACKS = [attack_too_many_rules, attack_sibling_calls, attack_verify_fifo,
           attack_verify_root_escape, attack_verify_json_names, attack_oci_hostile_json,
           attack_oci_nul, attack_oci_signed_compare, attack_oci_overflow, attack_compile_time]

with tempfile.TemporaryDirectory() as tmp:
    for a in ATTACKS:
        name = a.__name__[len('attack_'):]
        if ONLY and name not in ONLY:
            continue
        d = os.path.join(tmp, name)
        os.makedirs(d)
        a(d)
sys.exit(1 if broken else 0)
