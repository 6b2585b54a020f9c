#!/usr/bin/env python3
"""Job semantics of syscagectl under a real syscaged: start, stop, restart and reload wait
until the unit got where it was sent and fail with systemctl's message and exit code when
it did not; --no-block returns at once; is-system-running, list-units --failed, enable
--now and disable --now.

Usage: test-jobs.py SYSCAGED SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import subprocess
import sys
import time

from harness import check, ctl_runner, wait_until, with_daemon

SYSCAGED, SYSCAGECTL = (os.path.abspath(a) for a in sys.argv[1:3])
ctl = ctl_runner(SYSCAGECTL, default_timeout=60, NO_COLOR='1')
PY = '/usr/bin/python3'

# A Type=notify service: sleeps DELAY seconds, touches FILE.PID, sends READY=1 (or exits
# with status EXIT instead when EXIT is not empty), then runs until stopped.
NOTIFY = r'''import os, socket, sys, time
delay, path, code = float(sys.argv[1]), sys.argv[2], sys.argv[3]
time.sleep(delay)
if code:
    sys.exit(int(code))
open('%s.%d' % (path, os.getpid()), 'w').close()
addr = os.environ['NOTIFY_SOCKET']
if addr.startswith('@'):
    addr = '\0' + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(addr)
s.send(b'READY=1')
while True:
    time.sleep(60)
'''


def write_units(base):
    units = os.path.join(base, 'units')
    notify = os.path.join(base, 'notify.py')
    with open(notify, 'w') as f:
        f.write(NOTIFY)
    mark = os.path.join(base, 'mark')

    def unit(name, text):
        with open(os.path.join(units, name), 'w') as f:
            f.write(text)

    unit('fail-pre.service', '[Service]\nExecStartPre=/bin/false\nExecStart=/bin/sleep 100\n')
    unit('slow-notify.service', f'[Service]\nType=notify\nExecStart={PY} {notify} 1 {mark}-notify ""\n')
    unit('late-fail.service', f'[Service]\nType=notify\nExecStart={PY} {notify} 0.5 {mark}-late 3\n')
    unit('restart-fail.service', f'[Service]\nType=notify\nExecStart={PY} {notify} 0.2 {mark}-rf 3\n'
         'Restart=on-failure\nRestartSec=30\n')
    unit('never-ready.service', f'[Service]\nType=notify\nExecStart={PY} {notify} 1000 {mark}-nr ""\n')
    unit('web.service', f'[Service]\nType=notify\nExecStart={PY} {notify} 0.5 {mark}-web ""\n')
    unit('oneshot.service', '[Service]\nType=oneshot\nExecStart=/bin/sleep 1\n')
    unit('oneshot-remain.service', '[Service]\nType=oneshot\nRemainAfterExit=yes\n'
         'ExecStart=/bin/sleep 1\n')
    unit('slow-oneshot.service', '[Service]\nType=oneshot\nExecStart=/bin/sleep 3\n')
    # Takes a second to go on SIGTERM.
    unit('slow-stop.service', '[Service]\nExecStart=/bin/sh -c \'trap "sleep 1; exit 0" TERM; '
         'while :; do sleep 0.1; done\'\n')
    unit('reload-bad.service', '[Service]\nExecStart=/bin/sleep 100\nExecReload=/bin/false\n')
    unit('reload-slow.service', '[Service]\nExecStart=/bin/sleep 100\n'
         f'ExecReload=/bin/sh -c "sleep 0.5; touch {mark}-reloaded"\n')
    unit('simple-a.service', '[Service]\nExecStart=/bin/sleep 100\n')
    unit('restarts.service', '[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/sleep 100\n')
    unit('simple-b.service', '[Service]\nExecStart=/bin/sleep 100\n')
    # Ordered requirements: a start that waits in the queue for the unit it is ordered after.
    unit('dep-slow.service', '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 1\n')
    unit('after-slow.service', '[Unit]\nRequires=dep-slow.service\nAfter=dep-slow.service\n'
         '[Service]\nExecStart=/bin/sleep 100\n')
    unit('dep-slower.service', '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 3\n')
    unit('after-slower.service', '[Unit]\nRequires=dep-slower.service\nAfter=dep-slower.service\n'
         '[Service]\nExecStart=/bin/sleep 100\n')
    unit('dep-bad.service', '[Service]\nType=oneshot\nExecStart=/bin/sh -c "sleep 0.5; exit 1"\n')
    unit('after-bad.service', '[Unit]\nRequires=dep-bad.service\nAfter=dep-bad.service\n'
         '[Service]\nExecStart=/bin/sleep 100\n')
    # Requirements that cannot start: masked, or a unit file with errors.
    os.symlink('/dev/null', os.path.join(units, 'masked-dep.service'))
    unit('broken-dep.service', '[Service]\nType=bogus\nExecStart=/bin/true\n')
    unit('needs-masked.service', '[Unit]\nRequires=masked-dep.service\n[Service]\nExecStart=/bin/sleep 100\n')
    unit('binds-broken.service', '[Unit]\nBindsTo=broken-dep.service\n[Service]\nExecStart=/bin/sleep 100\n')
    unit('wants-masked.service', '[Unit]\nWants=masked-dep.service broken-dep.service\n'
         '[Service]\nExecStart=/bin/sleep 100\n')
    # An alias symlink, a unit that takes a second to be up, and units that name it by the alias.
    unit('aliased-slow.service', '[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sleep 1\n')
    os.symlink('aliased-slow.service', os.path.join(units, 'the-alias.service'))
    unit('via-alias.service', '[Unit]\nRequires=the-alias.service\nAfter=the-alias.service\n'
         '[Service]\nExecStart=/bin/sleep 100\n')
    unit('installed.service', '[Service]\nExecStart=/bin/sleep 100\n\n[Install]\n'
         'WantedBy=multi-user.target\n')


def timed(sock, *args, timeout=60):
    t0 = time.monotonic()
    r = ctl(sock, *args, timeout=timeout)
    return r, time.monotonic() - t0


def active(sock, unit):
    return ctl(sock, 'is-active', unit).stdout.strip()


def main_pid(sock, unit):
    v = ctl(sock, 'show', unit, '-P', 'MainPID').stdout.strip()
    return int(v) if v.isdigit() else 0


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def case_failures(sock, base):
    r = ctl(sock, 'start', 'fail-pre')
    check(r.returncode == 1, f'start of a unit whose ExecStartPre= fails exits 1 (got {r.returncode})')
    check('Job for fail-pre.service failed because the control process exited with error code.\n'
          'See "syscagectl status fail-pre.service" and "syscagectl logs fail-pre.service" for details.'
          in r.stderr, f"... with systemctl's message: {r.stderr!r}")
    check(active(sock, 'fail-pre') == 'failed', '... and the unit is failed')

    # The main process fails after a while, before READY=1: the start waits and fails.
    r, dt = timed(sock, 'start', 'late-fail')
    check(r.returncode == 1 and 'Job for late-fail.service failed because the control process exited '
          'with error code.' in r.stderr, f'a start that fails 0.5 s later fails: {r.returncode} {r.stderr!r}')
    check(dt >= 0.4, f'... after waiting for it ({dt:.2f} s)')

    # Restart= takes over: this start failed; the restart is the daemon's.
    r, dt = timed(sock, 'start', 'restart-fail')
    check(r.returncode == 1 and 'Job for restart-fail.service failed because' in r.stderr,
          f'a start that ends in auto-restart fails: {r.returncode} {r.stderr!r}')
    check(dt < 20, f'... without waiting for RestartSec= ({dt:.2f} s)')
    sub = ctl(sock, 'show', 'restart-fail', '-P', 'SubState').stdout.strip()
    check(sub == 'auto-restart', f'... and the unit waits to restart ({sub})')
    ctl(sock, 'stop', 'restart-fail')

    r = ctl(sock, 'start', 'nope')
    check(r.returncode == 5 and 'Failed to start nope.service: Unit nope.service not found.' in r.stderr,
          f'start of a missing unit: exit 5 and the message ({r.returncode} {r.stderr!r})')
    r = ctl(sock, 'start', '--no-block', 'nope')
    check(r.returncode == 5 and 'Unit nope.service not found.' in r.stderr,
          f'... also with --no-block ({r.returncode} {r.stderr!r})')

    # Several units: each is waited for, the exit code is the worst.
    r = ctl(sock, 'start', 'simple-a', 'fail-pre', 'simple-b')
    check(r.returncode == 1 and 'Job for fail-pre.service failed' in r.stderr,
          f'start a failing b: exit 1 and the failure named ({r.returncode})')
    check(active(sock, 'simple-a') == 'active' and active(sock, 'simple-b') == 'active',
          '... and the others are active')
    r = ctl(sock, 'stop', 'simple-a', 'simple-b')
    check(r.returncode == 0 and active(sock, 'simple-a') == 'inactive' and active(sock, 'simple-b') == 'inactive',
          f'stop of two units ({r.returncode} {r.stderr!r})')


def case_waits(sock, base):
    mark = os.path.join(base, 'mark')
    r, dt = timed(sock, 'start', 'slow-notify')
    pid = main_pid(sock, 'slow-notify')
    check(r.returncode == 0 and dt >= 0.9, f'start of Type=notify waits for READY=1 ({r.returncode}, {dt:.2f} s)')
    check(active(sock, 'slow-notify') == 'active' and os.path.exists(f'{mark}-notify.{pid}'),
          '... and is active the moment it returns')

    r, dt = timed(sock, 'start', 'oneshot')
    check(r.returncode == 0 and dt >= 0.9, f'start of Type=oneshot waits for the process ({dt:.2f} s)')
    check(active(sock, 'oneshot') == 'inactive', '... which is inactive again (no RemainAfterExit=)')
    r, dt = timed(sock, 'start', 'oneshot-remain')
    check(r.returncode == 0 and dt >= 0.9 and active(sock, 'oneshot-remain') == 'active',
          f'... and active with RemainAfterExit=yes ({dt:.2f} s)')

    # stop waits until every process is gone.
    r = ctl(sock, 'start', 'slow-stop')
    pid = main_pid(sock, 'slow-stop')
    check(r.returncode == 0 and pid > 0, f'slow-stop runs (pid {pid})')
    time.sleep(0.3)  # let the shell set up its trap
    r, dt = timed(sock, 'stop', 'slow-stop')
    check(r.returncode == 0 and dt >= 0.9, f'stop waits for the service to go ({dt:.2f} s)')
    check(active(sock, 'slow-stop') == 'inactive' and not pid_alive(pid),
          '... and when it returns, the unit is inactive and its process gone')
    r = ctl(sock, 'stop', 'slow-stop')
    check(r.returncode == 0, 'stop of an inactive unit succeeds')

    # restart, then a request at once: the new process is up and ready.
    ctl(sock, 'start', 'web')
    old = main_pid(sock, 'web')
    r = ctl(sock, 'restart', 'web')
    new = main_pid(sock, 'web')
    check(r.returncode == 0 and new > 0 and new != old, f'restart gives a new main process ({old} -> {new})')
    check(active(sock, 'web') == 'active' and os.path.exists(f'{mark}-web.{new}'),
          '... which is ready the moment restart returns')
    ctl(sock, 'stop', 'web', 'slow-notify', 'oneshot-remain')


def case_reload(sock, base):
    ctl(sock, 'start', 'reload-bad', 'reload-slow')
    r = ctl(sock, 'reload', 'reload-bad')
    check(r.returncode == 1 and 'Job for reload-bad.service failed because the control process exited '
          'with error code.' in r.stderr, f'a failing ExecReload= fails the reload ({r.returncode} {r.stderr!r})')
    check(active(sock, 'reload-bad') == 'active', '... and the unit keeps running')
    r, dt = timed(sock, 'reload', 'reload-slow')
    check(r.returncode == 0 and dt >= 0.4 and os.path.exists(os.path.join(base, 'mark-reloaded')),
          f'reload waits for ExecReload= ({r.returncode}, {dt:.2f} s)')
    # systemctl: "Job type reload is not applicable for unit X.", exit 3, running or not.
    for verb in (('reload',), ('reload', '--no-block')):
        r = ctl(sock, *verb, 'simple-a')
        check(r.returncode == 3 and 'Failed to reload simple-a.service: Job type reload is not applicable for '
              'unit simple-a.service.' in r.stderr,
              f'{" ".join(verb)} of a unit without ExecReload=: systemctl\'s message, exit 3 ({r.returncode} {r.stderr!r})')
    ctl(sock, 'start', 'simple-a')
    r = ctl(sock, 'reload', 'simple-a')
    check(r.returncode == 3 and 'Job type reload is not applicable' in r.stderr and
          active(sock, 'simple-a') == 'active', f'... also when it runs, which goes on ({r.returncode} {r.stderr!r})')
    # What invoke-rc.d's force-reload asks before it picks reload or restart.
    for unit, want in (('simple-a', 'CanStart=yes\nCanStop=yes\nCanReload=no\n'),
                       ('reload-slow', 'CanStart=yes\nCanStop=yes\nCanReload=yes\n'),
                       ('masked-dep', 'CanStart=no\nCanStop=yes\nCanReload=no\n')):
        r = ctl(sock, 'show', '-p', 'CanStart,CanStop,CanReload', unit)
        check(r.returncode == 0 and r.stdout == want, f'show -p CanStart,CanStop,CanReload {unit} ({r.stdout!r})')
    # try-reload-or-restart and systemctl's other names: stopped units are left alone; a
    # unit that can reload reloads (same main process), one that cannot restarts.
    ctl(sock, 'stop', 'restarts', 'reload-slow')
    for verb in ('try-reload-or-restart', 'force-reload', 'reload-or-try-restart', 'condreload', 'condrestart'):
        r = ctl(sock, verb, 'restarts', 'reload-slow')
        check(r.returncode == 0 and active(sock, 'restarts') == 'inactive' and active(sock, 'reload-slow') == 'inactive',
              f'{verb} leaves stopped units stopped ({r.returncode} {r.stderr!r})')
    ctl(sock, 'start', 'restarts', 'reload-slow')
    os.unlink(os.path.join(base, 'mark-reloaded'))
    for verb in ('try-reload-or-restart', 'force-reload', 'reload-or-try-restart', 'condreload'):
        a, s = main_pid(sock, 'restarts'), main_pid(sock, 'reload-slow')
        r, dt = timed(sock, verb, 'restarts', 'reload-slow')
        check(r.returncode == 0 and main_pid(sock, 'restarts') not in (0, a) and main_pid(sock, 'reload-slow') == s
              and dt >= 0.4 and os.path.exists(os.path.join(base, 'mark-reloaded')),
              f'{verb}: restart without ExecReload=, reload with it, waited for ({r.returncode} {dt:.2f} s {r.stderr!r})')
        os.unlink(os.path.join(base, 'mark-reloaded'))
    a = main_pid(sock, 'restarts')
    r = ctl(sock, 'condrestart', 'restarts')
    check(r.returncode == 0 and main_pid(sock, 'restarts') not in (0, a), f'condrestart restarts ({r.stderr!r})')
    r = ctl(sock, 'force-reload', '--no-block', 'nope')
    check(r.returncode == 5 and 'nope.service' in r.stderr, f'force-reload of a missing unit ({r.returncode} {r.stderr!r})')
    ctl(sock, 'stop', 'restarts', 'reload-slow')
    r = ctl(sock, 'reload', 'masked-dep')
    check(r.returncode == 1 and 'Unit masked-dep.service is masked.' in r.stderr,
          f'reload of a masked unit: "is masked" ({r.returncode} {r.stderr!r})')
    ctl(sock, 'stop', 'reload-bad', 'reload-slow', 'simple-a')


def case_no_block_and_cancel(sock, base):
    r, dt = timed(sock, 'start', '--no-block', 'slow-oneshot')
    check(r.returncode == 0 and dt < 1.5, f'start --no-block returns at once ({dt:.2f} s)')
    check(active(sock, 'slow-oneshot') == 'activating', '... with the unit still activating')
    check(wait_until(lambda: active(sock, 'slow-oneshot') == 'inactive', 10), '... which ends on its own')

    # A stop while a start waits: the start is canceled.
    env = dict(os.environ, SYSCAGE_SOCKET=sock)
    p = subprocess.Popen([SYSCAGECTL, 'start', 'never-ready'], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(wait_until(lambda: active(sock, 'never-ready') == 'activating', 10), 'never-ready is activating')
    check(p.poll() is None, '... and its start waits')
    r = ctl(sock, 'stop', 'never-ready')
    out, err = p.communicate(timeout=20)
    check(r.returncode == 0 and p.returncode == 1 and 'Job for never-ready.service canceled.' in err,
          f'a stop cancels the waiting start ({r.returncode}, {p.returncode}, {err!r})')

    # A client that goes away while its start waits: the start goes on, the daemon too.
    p = subprocess.Popen([SYSCAGECTL, 'start', 'never-ready'], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(wait_until(lambda: active(sock, 'never-ready') == 'activating', 10), 'never-ready is activating')
    p.kill()
    p.wait()
    r = ctl(sock, 'start', 'simple-a')
    check(r.returncode == 0 and active(sock, 'never-ready') == 'activating',
          'a waiting client killed: its start goes on, and the daemon answers others')
    r = ctl(sock, 'stop', 'never-ready', 'simple-a')
    check(r.returncode == 0 and active(sock, 'never-ready') == 'inactive', '... and it can be stopped')

    # A daemon that goes away while a start waits: a clear error, not a hang.
    p = subprocess.Popen([SYSCAGECTL, 'start', 'never-ready'], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(wait_until(lambda: active(sock, 'never-ready') == 'activating', 10), 'never-ready is activating again')
    r = ctl(sock, 'daemon-reexec')
    check(r.returncode == 0, f'daemon-reexec ({r.returncode} {r.stderr!r})')
    if r.returncode != 0:
        ctl(sock, 'stop', 'never-ready')  # so that the waiting start ends
    out, err = p.communicate(timeout=20)
    check(r.returncode == 0 and p.returncode == 1 and 'Failed to start never-ready.service' in err
          and 're-executes' in err, f'a re-exec answers the waiting start ({p.returncode}, {err!r})')
    ctl(sock, 'stop', 'never-ready')


def case_ordered(sock, base):
    r, dt = timed(sock, 'start', 'after-slow')
    check(r.returncode == 0 and dt >= 0.9, f'a start queued behind the unit it is ordered after waits for it '
          f'({r.returncode}, {dt:.2f} s, {r.stderr!r})')
    check(active(sock, 'after-slow') == 'active' and main_pid(sock, 'after-slow') > 0,
          '... and the unit is active the moment it returns')
    r, dt = timed(sock, 'start', 'after-bad')
    check(r.returncode == 1 and dt >= 0.4 and
          'A dependency job for after-bad.service failed.' in r.stderr,
          f"a required unit it is ordered after fails: systemctl's dependency message, exit 1 "
          f"({r.returncode}, {dt:.2f} s, {r.stderr!r})")
    check(active(sock, 'after-bad') == 'inactive' and active(sock, 'dep-bad') == 'failed',
          '... the unit stays inactive, the requirement is failed')
    ctl(sock, 'stop', 'after-slow', 'dep-slow')
    ctl(sock, 'reset-failed')

    # A stop of the requirement while the start waits for it: the start is canceled (systemd's
    # stop job replaces it), not run once the requirement is down.
    env = dict(os.environ, SYSCAGE_SOCKET=sock)
    p = subprocess.Popen([SYSCAGECTL, 'start', 'after-slower'], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(wait_until(lambda: active(sock, 'dep-slower') == 'activating', 10), 'dep-slower is activating')
    r = ctl(sock, 'stop', 'dep-slower')
    out, err = p.communicate(timeout=20)
    check(r.returncode == 0 and p.returncode == 1 and 'Job for after-slower.service canceled.' in err,
          f'a stop of the requirement cancels the waiting start ({r.returncode}, {p.returncode}, {err!r})')
    check(active(sock, 'after-slower') == 'inactive', '... and the unit is not started after all')
    time.sleep(0.5)  # a start that would still come would come at once
    check(active(sock, 'after-slower') == 'inactive', '... nor a moment later')
    ctl(sock, 'reset-failed')

    # A start queued behind its requirement survives daemon-reexec.
    r = ctl(sock, 'start', '--no-block', 'after-slower')
    check(r.returncode == 0 and active(sock, 'dep-slower') == 'activating', f'start --no-block ({r.stderr!r})')
    r = ctl(sock, 'daemon-reexec')
    check(r.returncode == 0 and active(sock, 'after-slower') == 'inactive',
          f'daemon-reexec with the start still queued ({r.returncode} {r.stderr!r})')
    check(wait_until(lambda: active(sock, 'after-slower') == 'active', 15),
          f'... which the new daemon carries out ({active(sock, "dep-slower")}, {active(sock, "after-slower")})')
    ctl(sock, 'stop', 'after-slower', 'dep-slower')

    # systemd refuses the whole transaction: "Unit masked-dep.service is masked."
    for verb in (('start',), ('start', '--no-block')):
        r = ctl(sock, *verb, 'needs-masked')
        check(r.returncode == 1 and 'Failed to start needs-masked.service:' in r.stderr and
              'Unit masked-dep.service is masked.' in r.stderr,
              f'{" ".join(verb)} of a unit that Requires= a masked one is refused ({r.returncode} {r.stderr!r})')
        check(active(sock, 'needs-masked') == 'inactive', '... and it does not run')
    r = ctl(sock, 'start', 'binds-broken')
    check(r.returncode == 1 and 'broken-dep.service is not loaded properly' in r.stderr,
          f'BindsTo= a unit file with errors: refused ({r.returncode} {r.stderr!r})')
    check(active(sock, 'binds-broken') == 'inactive', '... and it does not run')
    r = ctl(sock, 'start', 'wants-masked')
    check(r.returncode == 0 and active(sock, 'wants-masked') == 'active',
          f'Wants= of those is no obstacle ({r.returncode} {r.stderr!r})')
    ctl(sock, 'stop', 'wants-masked')


def case_alias(sock, base):
    # A start by the alias waits for the unit, and a stop by either name cancels it.
    r, dt = timed(sock, 'start', 'the-alias', timeout=20)
    check(r.returncode == 0 and dt >= 0.9 and active(sock, 'aliased-slow') == 'active',
          f'start by an alias waits for the unit ({r.returncode}, {dt:.2f} s, {r.stderr!r})')
    r = ctl(sock, 'stop', 'the-alias')
    check(r.returncode == 0 and active(sock, 'aliased-slow') == 'inactive', f'stop by the alias ({r.stderr!r})')
    env = dict(os.environ, SYSCAGE_SOCKET=sock)
    p = subprocess.Popen([SYSCAGECTL, 'start', 'the-alias'], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(wait_until(lambda: active(sock, 'aliased-slow') == 'activating', 10), 'aliased-slow is activating')
    r = ctl(sock, 'stop', 'aliased-slow')
    out, err = p.communicate(timeout=20)
    check(p.returncode == 1 and 'Job for the-alias.service canceled.' in err,
          f'a stop by the own name cancels the start by the alias ({p.returncode}, {err!r})')

    # Requires=/After= by the alias: the unit is pulled in and waited for.
    r, dt = timed(sock, 'start', 'via-alias', timeout=20)
    check(r.returncode == 0 and dt >= 0.9, f'Requires=/After= an alias: waited for ({r.returncode}, {dt:.2f} s, {r.stderr!r})')
    check(active(sock, 'aliased-slow') == 'active' and active(sock, 'via-alias') == 'active',
          '... and both are up')
    r = ctl(sock, 'stop', 'aliased-slow')
    check(r.returncode == 0 and active(sock, 'via-alias') == 'inactive',
          f'a stop of the unit stops what requires it by its alias ({r.stderr!r})')


def case_system_state(sock, base):
    ctl(sock, 'reset-failed')
    r = ctl(sock, 'is-system-running')
    check(r.returncode == 0 and r.stdout.strip() == 'running', f'is-system-running: running ({r.stdout!r})')
    ctl(sock, 'start', 'fail-pre')
    r = ctl(sock, 'is-system-running')
    check(r.returncode == 1 and r.stdout.strip() == 'degraded',
          f'... degraded with exit 1 once a unit failed ({r.returncode} {r.stdout!r})')
    r = ctl(sock, 'is-system-running', '-q')
    check(r.returncode == 1 and r.stdout == '', '... -q prints nothing')
    r = ctl(sock, 'list-units', '--failed')
    check(r.returncode == 0 and 'fail-pre.service' in r.stdout and 'simple-a.service' not in r.stdout
          and '1 unit listed.' in r.stdout, f'list-units --failed lists the failed unit only: {r.stdout!r}')
    r = ctl(sock, 'list-units', '--state=failed')
    check('fail-pre.service' in r.stdout and '1 unit listed.' in r.stdout, '... as --state=failed does')
    ctl(sock, 'reset-failed')
    r = ctl(sock, 'is-system-running')
    check(r.returncode == 0 and r.stdout.strip() == 'running', 'running again after reset-failed')
    r = ctl(os.path.join(base, 'nosuch.sock'), 'is-system-running')
    check(r.returncode == 1 and r.stdout.strip() == 'offline', f'offline without a daemon ({r.stdout!r})')


def case_enable_now(sock, base):
    r = ctl(sock, 'enable', '--now', 'installed')
    check(r.returncode == 0, f'enable --now ({r.returncode} {r.stderr!r})')
    check(ctl(sock, 'is-enabled', 'installed').stdout.strip() == 'enabled' and active(sock, 'installed') == 'active',
          '... enables and starts the unit')
    pid = main_pid(sock, 'installed')
    r = ctl(sock, 'disable', '--now', 'installed')
    check(r.returncode == 0 and ctl(sock, 'is-enabled', 'installed').stdout.strip() == 'disabled'
          and active(sock, 'installed') == 'inactive' and not pid_alive(pid),
          f'disable --now disables and stops it ({r.returncode} {r.stderr!r})')
    r = ctl(sock, 'start', '--now', 'installed')
    check(r.returncode == 100, '--now is refused for start')


def cases(sock, base):
    case_failures(sock, base)
    case_waits(sock, base)
    case_reload(sock, base)
    case_ordered(sock, base)
    case_alias(sock, base)
    case_system_state(sock, base)
    case_enable_now(sock, base)
    case_no_block_and_cancel(sock, base)


if __name__ == '__main__':
    if os.geteuid() != 0:
        print('test-jobs: needs root (skipped)')
        sys.exit(77)
    sys.exit(with_daemon(SYSCAGED, ctl, 'syscage-jobs-', (write_units, cases)))
