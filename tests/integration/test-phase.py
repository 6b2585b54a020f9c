#!/usr/bin/env python3
"""The main phase ([X-Syscage] MainSystemCallFilter=, MainPhaseStarts=) under a real syscaged.

after-loader: a dynamic program that prints uname()'s sysname runs under a main filter that
allows only what it needs after main(), and fails when uname is left out. The main phase is
enforced or the service is killed: a static executable is refused at load (FILE:LINE), a
setuid one and a missing syscage-preload.so refuse the start, and a program whose "loader"
ignores LD_PRELOAD is killed with "main-phase filter not installed".
after-ready: a Type=notify service binds and drops privileges before READY=1; after it the
same calls fail with the main phase's errno, and the denials are in the unit's log.
Learned after-ready: the policy learned from the same service making bind and setresuid
only before READY=1 (`run --learn`), installed as the drop-in of a unit running the full
service: those calls after READY=1 are killed (the drop-in as written) or fail with EPERM
(with MainSystemCallErrorNumber= in a second drop-in) while the service ends successfully,
and are counted in show's DeniedSyscalls, status's Denied: and the log.
Offline: verify's warning for a main filter wider than the start-up one, and systemd-analyze
verify accepting the keys.

Usage: test-phase.py SYSCAGED SYSCAGECTL HELPERS_DIR
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from harness import check, ctl_runner, failures, wait_until

SYSCAGED, SYSCAGECTL, HELPERS = (os.path.abspath(a) for a in sys.argv[1:4])
UNAME = os.path.join(HELPERS, 'uname-sysname')
NOTIFY = os.path.join(HELPERS, 'phase-notify')
IGNORED = os.path.join(HELPERS, 'phase-ignored')
FORGED = os.path.join(HELPERS, 'phase-forged')
STATIC = os.path.join(HELPERS, 'static-hello')
NOT_INSTALLED = 'main-phase filter not installed'
# What uname-sysname needs after main(), and the loader before it.
MAIN_CALLS = 'uname write exit_group fstat newfstatat brk'
# The marker deadline (SERVICE_PHASE_MARKER_TIMEOUT_USEC) and a margin.
MARKER_WAIT = 25
ctl = ctl_runner(SYSCAGECTL, default_timeout=60)


def run(sock, props, *cmd, unit=None):
    args = ['run', '--pipe', '-q']
    if unit:
        args += ['--unit', unit]
    for p in props:
        args += ['-p', p]
    return ctl(sock, *args, *cmd)


def results(text):
    return {m.group(1): m.group(2).strip() for m in re.finditer(r'^R (\S+) ?(.*)$', text, re.M)}


class Daemon:
    def __init__(self, base, binary):
        self.base = base
        self.units = os.path.join(base, 'units')
        os.makedirs(self.units)
        self.sock = os.path.join(base, 'run', 'control.sock')
        self.log_path = os.path.join(base, 'daemon.log')
        log = open(self.log_path, 'w')
        self.proc = subprocess.Popen(
            [binary, '--units-dir', self.units, '--state-dir', os.path.join(base, 'state'),
             '--runtime-dir', os.path.join(base, 'run'), '--directories-root', os.path.join(base, 'root'),
             '--log-level', 'debug'],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()

    def up(self):
        return wait_until(lambda: os.path.exists(self.sock) and ctl(self.sock, 'list-units').returncode == 0, 15)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def after_loader(d):
    sock = d.sock
    p = run(sock, [f'MainSystemCallFilter={MAIN_CALLS}', 'MainPhaseStarts=after-loader'], UNAME)
    check(p.returncode == 0 and p.stdout.strip() == 'Linux',
          f'after-loader: uname allowed in the main phase works (rc {p.returncode}, out {p.stdout!r}, '
          f'err {p.stderr!r})')
    # The start-up filter allows what the loader needs; the main one leaves uname out.
    p = run(sock, ['SystemCallFilter=@default @basic-io @file-system @io-event @process @signal '
                   'mmap mprotect munmap brk arch_prctl set_tid_address set_robust_list rseq '
                   'prlimit64 getrandom uname seccomp prctl',
                   'SystemCallErrorNumber=EPERM',
                   'MainSystemCallFilter=write exit_group fstat newfstatat brk',
                   'MainSystemCallErrorNumber=EACCES', 'MainPhaseStarts=after-loader'], UNAME)
    check(p.returncode == 1 and 'Permission denied' in p.stderr,
          f'after-loader: uname outside the main filter fails with its errno (rc {p.returncode}, '
          f'err {p.stderr!r})')
    # Same start-up filter, uname in the main one: the start-up filter is enough for the loader.
    p = run(sock, ['SystemCallFilter=@default @basic-io @file-system @io-event @process @signal '
                   'mmap mprotect munmap brk arch_prctl set_tid_address set_robust_list rseq '
                   'prlimit64 getrandom uname seccomp prctl',
                   'SystemCallErrorNumber=EPERM',
                   f'MainSystemCallFilter={MAIN_CALLS}', 'MainPhaseStarts=after-loader'], UNAME)
    check(p.returncode == 0 and p.stdout.strip() == 'Linux',
          f'after-loader: two filters stacked, the program runs (rc {p.returncode}, err {p.stderr!r})')


def refusals(d, base):
    sock = d.sock
    # A static executable: refused when the unit loads, located.
    p = run(sock, ['MainSystemCallFilter=write exit_group', 'MainPhaseStarts=after-loader'], STATIC)
    check(p.returncode != 0 and re.search(r'-p:2: MainPhaseStarts: .*statically linked', p.stderr),
          f'static executable refused at load with its location (rc {p.returncode}, err {p.stderr!r})')
    unit = os.path.join(d.units, 'static-phase.service')
    with open(unit, 'w') as f:
        f.write(f'[Service]\nExecStart={STATIC}\n\n[X-Syscage]\nMainSystemCallFilter=write exit_group\n'
                'MainPhaseStarts=after-loader\n')
    v = ctl(sock, 'verify', unit)
    check(v.returncode == 1 and f'{unit}:6: MainPhaseStarts: error:' in v.stderr,
          f'verify: static executable at FILE:LINE ({v.stderr!r})')
    # setuid: the loader would ignore LD_PRELOAD; refused before exec.
    suid = os.path.join(base, 'suid-uname')
    shutil.copy(UNAME, suid)
    os.chmod(suid, 0o4755)
    p = run(sock, ['MainSystemCallFilter=write exit_group', 'MainPhaseStarts=after-loader'], suid,
            unit='suid-phase')
    check(p.returncode != 0 and p.stdout == '', f'setuid executable does not run (rc {p.returncode})')
    check(f'{NOT_INSTALLED}: {suid} (the executable is setuid or setgid)' in d.log(),
          'setuid executable: the start fails with a clear message')
    # A "loader" that ignores LD_PRELOAD: killed at the marker's deadline, never left running.
    r = ctl(sock, 'run', '--unit', 'ignored', '-p', 'MainSystemCallFilter=write exit_group',
            '-p', 'MainPhaseStarts=after-loader', IGNORED)
    check(r.returncode == 0, f'ignored: started ({r.stderr!r})')
    killed = wait_until(lambda: 'ignored.service: Killed: ' + NOT_INSTALLED in d.log(), MARKER_WAIT)
    check(killed, 'preload ignored: the service is killed with "main-phase filter not installed"')
    st = ctl(sock, 'status', 'ignored')
    check(NOT_INSTALLED in st.stdout and 'failed' in st.stdout,
          f'preload ignored: status shows the failure ({st.stdout!r})')
    # A marker from a process without the main filter: Seccomp_filters is short, killed at once
    # (well before the deadline), nothing after the marker runs.
    start = time.monotonic()
    r = ctl(sock, 'run', '--unit', 'forged', '-p', 'MainSystemCallFilter=write exit_group',
            '-p', 'MainPhaseStarts=after-loader', FORGED)
    check(r.returncode == 0, f'forged: started ({r.stderr!r})')
    killed = wait_until(lambda: 'forged.service: Killed: ' + NOT_INSTALLED in d.log(), MARKER_WAIT)
    check(killed and time.monotonic() - start < 8, 'forged marker: killed by the filter count check, '
          'before the deadline')
    out = ctl(sock, 'logs', 'forged').stdout
    check('forging the marker' in out and 'survived' not in out,
          f'forged marker: nothing ran after the marker ({out!r})')


def missing_preload(base):
    # syscaged installed without syscage-preload.so next to it.
    bindir = os.path.join(base, 'bin')
    os.makedirs(bindir)
    for name in ('syscaged', 'syscage-holder'):
        shutil.copy(os.path.join(os.path.dirname(SYSCAGED), name), bindir)
    d = Daemon(os.path.join(base, 'nopreload'), os.path.join(bindir, 'syscaged'))
    try:
        if not d.up():
            check(False, 'second syscaged answers')
            return
        p = run(d.sock, [f'MainSystemCallFilter={MAIN_CALLS}', 'MainPhaseStarts=after-loader'], UNAME,
                unit='nopreload')
        check(p.returncode != 0 and p.stdout == '', f'missing preload: the program does not run (rc {p.returncode})')
        check(wait_until(lambda: 'the preloaded object is missing' in d.log(), 5),
              'missing preload: the start fails with a clear message')
    finally:
        d.stop()


def after_ready(d):
    sock = d.sock
    props = ['Type=notify', 'MainSystemCallFilter=~bind setresuid', 'MainSystemCallErrorNumber=EPERM',
             'MainPhaseStarts=after-ready']
    for i in range(3):
        p = run(sock, props, NOTIFY, unit=f'ready-{i}')
        got = results(p.stdout)
        want = {'bind-startup': 'ok', 'setresgid-startup': 'ok', 'setresuid-startup': 'ok', 'ready': 'ok',
                'bind-main': 'errno EPERM', 'setresuid-main': 'errno EPERM', 'getpid-main': 'ok'}
        check(got == want, f'after-ready run {i}: start-up calls work, main-phase calls fail ({got}, '
                           f'err {p.stderr!r})')
    log = d.log()
    check(re.search(r'ready-0\.service: Denied bind.*EPERM', log) is not None and
          re.search(r'ready-0\.service: Denied setresuid.*EPERM', log) is not None,
          'after-ready: the denials are reported')
    # Without the main phase the same service binds after READY=1 (the phase is what refuses).
    p = run(sock, ['Type=notify'], NOTIFY, unit='ready-none')
    got = results(p.stdout)
    check(got.get('bind-main') == 'ok', f'no main phase: bind after READY=1 works ({got})')
    # A kill action: the process dies at its first main-phase bind.
    p = run(sock, ['Type=notify', 'MainSystemCallFilter=~bind', 'MainPhaseStarts=after-ready'], NOTIFY,
            unit='ready-kill')
    got = results(p.stdout)
    check(got.get('ready') == 'ok' and 'bind-main' not in got,
          f'after-ready kill action: nothing runs past the refused call ({got})')


def learned_values(path, key):
    """The values KEY has in the drop-in at PATH (comments and empty values left out)."""
    out = []
    with open(path) as f:
        for line in f:
            k, sep, v = line.rstrip('\n').partition('=')
            if sep and not k.startswith('#') and k == key and v:
                out.append(v)
    return out


def denied_counts(sock, unit):
    """DeniedSyscalls of `show` as {name: count}."""
    text = ctl(sock, 'show', unit, '-P', 'DeniedSyscalls').stdout.strip()
    counts = {}
    for item in filter(None, text.split(',')):
        name, _, n = item.partition(':')
        counts[name] = int(n) if n.isdigit() else -1
    return counts


def learned_after_ready(d, base):
    """The policy learned from the notify service's start-up (bind, setresuid before READY=1
    only), installed as the unit's drop-in: the same calls after READY=1 are refused and
    reported, and the service runs."""
    sock = d.sock
    learned = os.path.join(base, 'notify-learned.conf')
    p = ctl(sock, 'run', '--pipe', '-q', f'--learn={learned}', '-p', 'Type=notify', NOTIFY, '--startup-only')
    got = results(p.stdout)
    check(p.returncode == 0 and os.path.exists(learned) and
          got == {'bind-startup': 'ok', 'setresgid-startup': 'ok', 'setresuid-startup': 'ok', 'ready': 'ok',
                  'getpid-main': 'ok'},
          f'learn: the notify service runs and the drop-in is written ({p.returncode}, {got}, {p.stderr!r})')
    if not os.path.exists(learned):
        return
    startup = ' '.join(learned_values(learned, 'SystemCallFilter')).split()
    main = ' '.join(learned_values(learned, 'MainSystemCallFilter')).split()
    check(learned_values(learned, 'MainPhaseStarts') == ['after-ready'],
          'learn: READY=1 is the switch point')
    check({'bind', 'setresuid', 'setresgid'} <= set(startup) and 'getpid' in main and
          not {'bind', 'setresuid', 'setresgid'} & set(main),
          f'learn: bind and setresuid are start-up only (start-up {startup}, main {main})')
    # The learned drop-in as it was written, under a unit that runs the full service (bind
    # and setresuid after READY=1 too). No errno in it: the first refused call kills.
    name = 'learned-notify'
    unit = os.path.join(d.units, name + '.service')
    with open(unit, 'w') as f:
        f.write(f'[Unit]\nDescription=notify service under its learned policy\n\n'
                f'[Service]\nType=notify\nExecStart={NOTIFY}\n')
    os.makedirs(unit + '.d')
    shutil.copy(learned, os.path.join(unit + '.d', 'learned.conf'))
    v = ctl(sock, '--units-dir', d.units, 'verify', name)
    check(v.returncode == 0, f'verify accepts the learned drop-in ({v.stdout}{v.stderr})')

    def run_unit(last):
        check(ctl(sock, 'daemon-reload').returncode == 0, 'daemon-reload')
        r = ctl(sock, 'start', name)
        check(r.returncode == 0, f'{name}: starts under the learned drop-in ({r.stderr!r})')
        done = wait_until(lambda: ctl(sock, 'show', name, '-P', 'ActiveState').stdout.strip()
                          in ('inactive', 'failed'), 20)
        check(done, f'{name}: ran to its end')
        # The log lines carry a prefix; the last step's line ends the run's output.
        check(wait_until(lambda: f'R {last}' in ctl(sock, 'logs', name).stdout, 10), f'{name}: logged {last}')
        out = ctl(sock, 'logs', name).stdout
        return {m.group(1): m.group(2).strip() for m in re.finditer(r'(?:^|\s)R (\S+) ?(.*)$', out, re.M)}

    got = run_unit('ready')
    check(got.get('ready') == 'ok' and got.get('bind-startup') == 'ok' and 'bind-main' not in got,
          f'learned, kill: start-up works, nothing runs past the bind after READY=1 ({got})')
    check(denied_counts(sock, name).get('bind', 0) >= 1,
          f'learned, kill: the bind is counted ({denied_counts(sock, name)})')
    # The same drop-in and a second one with the main phase's errno: the service goes on.
    with open(os.path.join(unit + '.d', 'zz-errno.conf'), 'w') as f:
        f.write('[X-Syscage]\nMainSystemCallErrorNumber=EPERM\n')
    ctl(sock, 'reset-failed', name)
    # The first run's lines stay in the log; it has no line after 'ready', this one does.
    got = run_unit('getpid-main')
    want = {'bind-startup': 'ok', 'setresgid-startup': 'ok', 'setresuid-startup': 'ok', 'ready': 'ok',
            'bind-main': 'errno EPERM', 'setresuid-main': 'errno EPERM', 'getpid-main': 'ok'}
    check(got == want, f'learned, EPERM: start-up calls work, bind and setresuid after READY=1 fail ({got})')
    check(ctl(sock, 'show', name, '-P', 'Result').stdout.strip() == 'success',
          'learned, EPERM: the service ends successfully')
    counts = denied_counts(sock, name)
    check(counts.get('setresuid', 0) >= 1 and counts.get('bind', 0) >= 2,
          f'learned: show DeniedSyscalls counts both runs\' denials ({counts})')
    st = ctl(sock, 'status', name).stdout
    check(re.search(r'Denied: .*\bbind \(\d+\)', st) is not None and
          re.search(r'Denied: .*\bsetresuid \(\d+\)', st) is not None,
          f'learned: status shows the denials ({st!r})')
    log = d.log()
    check(re.search(rf'{name}\.service: Denied bind.*EPERM', log) is not None and
          re.search(rf'{name}\.service: Denied setresuid.*EPERM', log) is not None,
          'learned: the denials are in the log with their errno')


def offline(base):
    unit = os.path.join(base, 'wider.service')
    with open(unit, 'w') as f:
        f.write('[Unit]\nDescription=phase\n\n[Service]\nType=notify\nExecStart=/usr/bin/true\n'
                'SystemCallFilter=~@mount\n\n[X-Syscage]\nMainSystemCallFilter=@default mount\n'
                'MainPhaseStarts=after-ready\n')
    v = subprocess.run([SYSCAGECTL, 'verify', unit], capture_output=True, text=True, timeout=60)
    check(v.returncode == 0 and f'{unit}:10: MainSystemCallFilter: warning: allows 1 call(s) the start-up '
          'policy refuses (mount)' in v.stderr, f'verify warns about a wider main filter ({v.stderr!r})')
    if shutil.which('systemd-analyze'):
        s = subprocess.run(['systemd-analyze', 'verify', unit], capture_output=True, text=True, timeout=60)
        check('Main' not in s.stdout + s.stderr and 'X-Syscage' not in s.stdout + s.stderr,
              f'systemd-analyze verify accepts the keys ({s.stdout + s.stderr!r})')
    else:
        print('skip systemd-analyze verify: not installed')


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    base = tempfile.mkdtemp(prefix='syscage-phase-', dir='/run')
    os.chmod(base, 0o755)
    d = Daemon(os.path.join(base, 'main'), SYSCAGED)
    try:
        if not d.up():
            check(False, 'syscaged answers')
            return 1
        after_loader(d)
        refusals(d, base)
        after_ready(d)
        learned_after_ready(d, base)
        missing_preload(base)
        offline(base)
    finally:
        d.stop()
        if failures:
            print(d.log()[-6000:])
        shutil.rmtree(base, ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
