#!/usr/bin/env python3
"""Integration tests for the service runtime: each scenario starts a real syscaged in a
temporary directory (units in --units-dir, the enabled set in --state-dir), waits for the
per-unit status file RUNTIME_DIR/units/UNIT.status to reach a state (bounded polls, never
sleep-and-assert), checks the unit's log STATE_DIR/logs/UNIT.log and the daemon's log, and
stops the daemon with SIGTERM (which must stop every service) at the end.

Usage: test-service.py SYSCAGED HELPERS_DIR SCENARIO [SYSCAGECTL]
Exit status: 0 pass, 1 fail, 77 skipped (not root, or no seccomp user notification).
"""
import os
import pwd
import re
import errno
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
MARKER = 'syscage-test-marker-%d' % os.getpid()


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)


def kill_daemon_of(runtime_dir):
    """SIGKILLs the syscaged whose RUNTIME_DIR/syscaged.pid names it, if it is still the one
    started with that runtime directory (not a stranger that got the pid)."""
    try:
        with open(os.path.join(runtime_dir, 'syscaged.pid')) as f:
            pid = int(f.read().strip())
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            mine = runtime_dir.encode() in f.read()
        if mine:
            os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError):
        pass


def kill_cgroup(cg):
    """Kills what is left in a unit's cgroup CG (after a failure a service may outlive its
    daemon) and removes it, its sibling 'supervisor' and their parent, as far as they are
    empty: what the daemon could not remove is ours to clean."""
    if not cg or not os.path.exists(os.path.join(cg, 'cgroup.kill')):
        return
    with open(os.path.join(cg, 'cgroup.kill'), 'w') as f:
        f.write('1')
    base = os.path.dirname(cg)
    for path in (cg, os.path.join(base, 'supervisor'), base):
        end = time.monotonic() + 2
        while os.path.isdir(path) and time.monotonic() < end:
            try:
                os.rmdir(path)
            except OSError:
                time.sleep(0.02)


class Daemon:
    """Unit names get a per-scenario prefix, since service cgroups are named after units and
    scenarios may run in parallel."""
    def __init__(self, syscaged, units, enabled, prefix, extra_args=()):
        self.syscaged = syscaged
        self.extra_args = list(extra_args)
        self.prefix = prefix
        units = {prefix + k: v for k, v in units.items()}
        enabled = [prefix + n for n in enabled]
        self.dir = tempfile.mkdtemp(prefix='syscage-test-')
        os.chmod(self.dir, 0o755)  # services running as nobody reach their directories
        self.units_dir = os.path.join(self.dir, 'units')
        self.state_dir = os.path.join(self.dir, 'state')
        self.runtime_dir = os.path.join(self.dir, 'run')
        # RuntimeDirectory= and friends: ROOT/run, ROOT/var/lib, ROOT/var/log.
        self.root_dir = os.path.join(self.dir, 'root')
        for d in (self.units_dir, self.state_dir, self.runtime_dir):
            os.makedirs(d)
        for name, text in units.items():
            with open(os.path.join(self.units_dir, name), 'w') as f:
                f.write(text)
        with open(os.path.join(self.state_dir, 'enabled'), 'w') as f:
            f.write(''.join(n + '\n' for n in enabled))
        self.log_path = os.path.join(self.dir, 'daemon.log')
        self.proc = None

    def start(self):
        log = open(self.log_path, 'w')
        self.proc = subprocess.Popen(
            [self.syscaged, '--units-dir', self.units_dir, '--state-dir', self.state_dir,
             '--runtime-dir', self.runtime_dir, '--directories-root', self.root_dir,
             '--log-level', 'debug', *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        return self

    def daemon_pid(self, timeout=15.0):
        """The daemon's pid: the process started here is its fd holder, the daemon its child."""
        path = os.path.join(self.runtime_dir, 'syscaged.pid')
        deadline = time.monotonic() + timeout
        while True:
            try:
                with open(path) as f:
                    pid = int(f.read().strip())
                if pid != self.proc.pid and os.path.exists('/proc/%d' % pid):
                    return pid
            except (FileNotFoundError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise Failure('no daemon pid in %s within %ss' % (path, timeout))
            time.sleep(0.02)

    def _n(self, unit):
        return unit if unit.startswith(self.prefix) else self.prefix + unit

    def status(self, unit):
        unit = self._n(unit)
        try:
            with open(os.path.join(self.runtime_dir, 'units', unit + '.status')) as f:
                return dict(l.rstrip('\n').split('=', 1) for l in f if '=' in l)
        except FileNotFoundError:
            return {}

    def wait(self, unit, pred, what, timeout=15.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = self.status(unit)
            if s and pred(s):
                return s
            check(self.proc.poll() is None, 'daemon exited early (%s)' % self.proc.returncode)
            time.sleep(0.02)
        raise Failure('timed out waiting for %s: %s; status %s' % (unit, what, self.status(unit)))

    def wait_state(self, unit, active, sub=None, timeout=15.0):
        return self.wait(unit, lambda s: s.get('ActiveState') == active and
                         (sub is None or s.get('SubState') == sub),
                         'ActiveState=%s SubState=%s' % (active, sub), timeout)

    def wait_log(self, unit, text, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in self.unit_log(unit):
                return
            time.sleep(0.02)
        raise Failure('%r never appeared in the log of %s:\n%s' % (text, unit, self.unit_log(unit)))

    def unit_log(self, unit):
        unit = self._n(unit)
        try:
            with open(os.path.join(self.state_dir, 'logs', unit + '.log'), errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def daemon_log(self):
        with open(self.log_path, errors='replace') as f:
            return f.read()

    def stop(self, timeout=20.0):
        """SIGTERM: the daemon stops every service and exits 0."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise Failure('daemon did not exit within %ss after SIGTERM' % timeout)
        check(rc == 0, 'daemon exited %d after SIGTERM' % rc)

    def cleanup(self, keep):
        # The daemon first: killed alone, the holder would leave it running without one.
        kill_daemon_of(self.runtime_dir)
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        # A failed test may leave services behind: their cgroups name them all.
        units = os.path.join(self.runtime_dir, 'units')
        for name in os.listdir(units) if os.path.isdir(units) else []:
            cg = self.status(name[:-len('.status')]).get('CGroup') if name.endswith('.status') else None
            kill_cgroup(cg)
        if keep:
            print('--- daemon log (%s)' % self.dir)
            print(self.daemon_log()[-6000:])
            logs = os.path.join(self.state_dir, 'logs')
            for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
                print('--- %s' % name)
                with open(os.path.join(logs, name), errors='replace') as f:
                    print(f.read()[-3000:])
        shutil.rmtree(self.dir, ignore_errors=True)


def unit(service, install=True):
    text = '[Unit]\nDescription=test\n\n[Service]\n' + service.strip() + '\n'
    if install:
        text += '\n[Install]\nWantedBy=multi-user.target\n'
    return text


def proc_status(pid):
    with open('/proc/%d/status' % pid) as f:
        return dict(l.rstrip('\n').split(':\t', 1) for l in f if ':\t' in l)


def marker_pids():
    """The processes whose argv[0] was set to a MARKER name (exec -a). Only argv[0] counts: a
    shell on its way to such an exec has the marker in its command line too, for a moment."""
    pids = []
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % d, 'rb') as f:
                if f.read().split(b'\0')[0].startswith(MARKER.encode()):
                    pids.append(int(d))
        except OSError:
            pass
    return pids


# ---- scenarios ----

def test_uname_killed(ctx):
    # The kernel prints its audit records through printk's rate limit (10 per 5 s by
    # default), so under a burst of kills from other tests one record can be lost. The unit
    # restarts after 6 s, and the next kill's record names the call then.
    d = ctx.daemon({'uname.service': unit('ExecStart=%s\nSystemCallFilter=~uname\nRestart=on-failure\n'
                                          'RestartSec=6s\nStartLimitBurst=10'
                                          % ctx.helper('uname-sysname'))}, ['uname.service'])
    s = d.wait('uname.service', lambda s: s['ExecMainCode'] != '', 'the main process ended')
    check(s['ExecMainCode'] == 'killed' and s['ExecMainStatus'] == '31', 'not killed by SIGSYS: %s' % s)
    s = d.wait('uname.service', lambda s: 'uname:' in s.get('DeniedSyscalls', ''),
               'uname named as the denied syscall', timeout=30)
    check(s['LastDenial'].startswith('uname '), 'LastDenial %r' % s['LastDenial'])
    d.wait_log('uname.service', 'Killed by seccomp: uname')
    check(re.search(r'uname\.service: Killed by seccomp: uname \(pid \d+\)', d.daemon_log()),
          'daemon log does not name uname')
    check('stdout: Linux' not in d.unit_log('uname.service'), 'the program printed the OS name')
    d.stop()


def test_uname_errno(ctx):
    d = ctx.daemon({'uname.service': unit('ExecStart=%s\nSystemCallFilter=~uname\nSystemCallErrorNumber=ENETDOWN'
                                          % ctx.helper('uname-sysname'))}, ['uname.service'])
    s = d.wait_state('uname.service', 'failed')
    check(s['Result'] == 'exit-code' and s['ExecMainCode'] == 'exited' and s['ExecMainStatus'] == '1',
          'expected exit status 1: %s' % s)
    d.wait_log('uname.service', 'Network is down')
    d.stop()


def gate_units(action, more=''):
    extra = ('SystemCallErrorNumber=EPERM\n' if action == 'errno' else '') + more
    return {'gate.service': unit("ExecStart=/bin/bash -c 'echo before; exec /usr/bin/echo after'\n"
                                 'SystemCallFilter=~execve\n' + extra)}


def test_gate_errno(ctx):
    d = ctx.daemon(gate_units('errno'), ['gate.service'])
    s = d.wait_state('gate.service', 'failed')
    d.wait_log('gate.service', 'stdout: before')
    check('after' not in d.unit_log('gate.service').replace('Denied', ''), '"after" was printed')
    check(s['DeniedSyscalls'] == 'execve:1', 'DeniedSyscalls %r' % s['DeniedSyscalls'])
    check('path=/usr/bin/echo' in s['LastDenial'] and 'action=EPERM' in s['LastDenial'],
          'LastDenial %r' % s['LastDenial'])
    d.wait_log('gate.service', 'Denied execve("/usr/bin/echo") from pid')
    check(re.search(r'gate\.service: Denied execve\("/usr/bin/echo"\) from pid \d+ \(bash\): EPERM',
                    d.daemon_log()), 'daemon log lacks the denial')
    d.stop()


def test_gate_kill(ctx):
    # A kill action is enforced by the kernel (the launch key, filter-cache.c): SIGSYS, and
    # the audit record names the call. As in test_uname_killed, a restart covers a record
    # lost to printk's rate limit.
    d = ctx.daemon(gate_units('kill', 'Restart=on-failure\nRestartSec=6s\nStartLimitBurst=10\n'),
                   ['gate.service'])
    s = d.wait('gate.service', lambda s: s['ExecMainCode'] != '', 'the main process ended')
    check(s['ExecMainCode'] == 'killed' and s['ExecMainStatus'] == '31', 'shell not killed: %s' % s)
    d.wait_log('gate.service', 'stdout: before')
    check('stdout: after' not in d.unit_log('gate.service'), '"after" was printed')
    s = d.wait('gate.service', lambda s: 'execve:' in s.get('DeniedSyscalls', ''),
               'execve named as the denied syscall', timeout=30)
    check(s['LastDenial'].startswith('execve ') and 'action=kill' in s['LastDenial'],
          'LastDenial %r' % s['LastDenial'])
    d.stop()


def test_gate_own_filter(ctx):
    # The service adds a filter that fails execve with ENOTBLK, which outranks the gate's
    # user notification: the kernel-side kill must still end it, and name the call.
    d = ctx.daemon({'own.service': unit('ExecStart=%s own-filter\nSystemCallFilter=~execve\n'
                                        'Restart=on-failure\nRestartSec=6s\nStartLimitBurst=10'
                                        % ctx.helper('bypass'))}, ['own.service'])
    s = d.wait('own.service', lambda s: s['ExecMainCode'] != '', 'the main process ended')
    check(s['ExecMainCode'] == 'killed' and s['ExecMainStatus'] == '31', 'not killed by SIGSYS: %s' % s)
    check('own-filter: errno' not in d.unit_log('own.service'), 'the service survived its execve')
    s = d.wait('own.service', lambda s: 'execve:' in s.get('DeniedSyscalls', ''),
               'execve named as the denied syscall', timeout=30)
    d.stop()


def test_memory_deny_write_execute(ctx):
    # A program linked with -z execstack gets a read-write-execute stack from the kernel at
    # execve, which no seccomp rule sees: without the directive it runs code there; with it
    # the start is refused, by name, and so is a script whose interpreter is such a program.
    # A normal program starts under the directive, with PR_SET_MDWE set, and cannot make
    # written memory executable.
    execstack, probe = ctx.helper('execstack'), ctx.helper('mdwe-probe')
    script = os.path.join(ctx.tmp, 'execstack-script')
    with open(script, 'w') as f:
        f.write('#!%s stack\n' % execstack)
    os.chmod(script, 0o755)
    mdwe = '\nMemoryDenyWriteExecute=yes'
    units = {
        'plain.service': unit('Type=oneshot\nExecStart=%s stack' % execstack),
        'stack.service': unit('Type=oneshot\nExecStart=%s stack%s' % (execstack, mdwe)),
        'script.service': unit('Type=oneshot\nExecStart=%s%s' % (script, mdwe)),
        'probe.service': unit('Type=oneshot\nExecStart=%s stack\nExecStart=%s mprotect\n'
                              'ExecStart=%s mdwe%s' % (probe, probe, probe, mdwe)),
        'after.service': unit('Type=oneshot\nExecStart=%s mdwe' % probe),
    }
    d = ctx.daemon(units, list(units))
    d.wait_log('plain.service', 'stdout: stack: ran 42')
    s = d.wait_state('stack.service', 'failed')
    check(s['Result'] == 'resources', 'stack.service result %s' % s['Result'])
    want = 'MemoryDenyWriteExecute=yes: %s requests an executable stack (PT_GNU_STACK RWX)' % execstack
    d.wait_log('stack.service', want)
    check(want in d.daemon_log(), 'the daemon log does not give the reason')
    check('stack: ran' not in d.unit_log('stack.service'), 'the stack code ran')
    d.wait_state('script.service', 'failed')
    d.wait_log('script.service', '%s, the interpreter of %s requests an executable stack' % (execstack, script))
    d.wait_state('probe.service', 'inactive', 'dead')
    d.wait_log('probe.service', 'stdout: stack: not executable')
    d.wait_log('probe.service', 'stdout: mprotect: errno=%d' % errno.EPERM)
    d.wait_log('probe.service', 'stdout: mdwe: 1')
    # The flag is the service's alone: a later unit without the directive does not have it.
    d.wait_state('after.service', 'inactive', 'dead')
    d.wait_log('after.service', 'stdout: mdwe: 0')
    d.stop()


def test_static_allow_list(ctx):
    hello = ctx.helper('static-hello')
    units = {
        'static.service': unit('ExecStart=%s exec\nSystemCallFilter=write exit_group\n'
                               'SystemCallErrorNumber=EPERM' % hello),
        'no-exit.service': unit('ExecStart=%s\nSystemCallFilter=write' % hello),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait('static.service', lambda s: s['ExecMainCode'] != '' and s['ActiveState'] != 'active',
               'main process exited')
    check(s['ActiveState'] == 'inactive' and s['SubState'] == 'dead', 'static.service: %s' % s)
    check(s['Result'] == 'success', 'static.service result %s' % s['Result'])
    d.wait_log('static.service', 'hello from a static binary')
    d.wait_log('static.service', 'stdout: execve=-1\n')
    check('BYPASS' not in d.unit_log('static.service'), 'the later execve ran')
    check(s['DeniedSyscalls'] == 'execve:1', 'DeniedSyscalls %r' % s['DeniedSyscalls'])
    s = d.wait_state('no-exit.service', 'failed')
    check(s['ExecMainCode'] == 'killed' and s['ExecMainStatus'] == '31', 'no-exit: %s' % s)
    d.wait_log('no-exit.service', 'hello from a static binary')
    d.stop()
    # `verify` warned about this unit: an allow list without exit_group.
    p = subprocess.run([ctx.syscagectl, 'verify', os.path.join(d.units_dir, d.prefix + 'no-exit.service')],
                       capture_output=True, text=True, timeout=60)
    out = p.stdout + p.stderr
    check(p.returncode == 0 and re.search(r'SystemCallFilter: warning: .*exit_group', out),
          'verify does not warn about exit_group:\n' + out)


def test_restart_and_start_limit(ctx):
    d = ctx.daemon({'crash.service': unit(
        "ExecStart=/bin/sh -c 'echo crashing; exit 3'\nRestart=on-failure\nRestartSec=300ms\n"
        'StartLimitIntervalSec=30s\nStartLimitBurst=3')}, ['crash.service'])
    s = d.wait('crash.service', lambda s: s.get('Result') == 'start-limit-hit', 'start-limit-hit')
    check(s['ActiveState'] == 'failed' and s['SubState'] == 'failed', 'not failed: %s' % s)
    check(s['NRestarts'] == '3', 'NRestarts %s' % s['NRestarts'])
    stamps = [l.split()[0] for l in d.unit_log('crash.service').splitlines() if 'stdout: crashing' in l]
    check(len(stamps) == 3, 'expected 3 runs, log shows %d' % len(stamps))
    t = [time.mktime(time.strptime(x[:19], '%Y-%m-%dT%H:%M:%S')) + float('0.' + x[20:26]) for x in stamps]
    for a, b in zip(t, t[1:]):
        check(b - a >= 0.3, 'restarted after %.3fs, faster than RestartSec=300ms' % (b - a))
    d.stop()


def test_stop_kills_everything(ctx):
    # A child, a grandchild whose parent exited, and a double-forked daemon in its own
    # session: none may survive the stop.
    script = os.path.join(ctx.tmp, 'tree.sh')
    with open(script, 'w') as f:
        f.write('(exec -a M-child sleep 1000) &\n'
                '( (exec -a M-grandchild sleep 1000) & )\n'
                'setsid bash -c "( (setsid bash -c \'exec -a M-daemon sleep 1000\') & )"\n'
                'exec -a M-main sleep 1000\n'.replace('M-', MARKER + '-'))
    d = ctx.daemon({'tree.service': unit('ExecStart=/bin/bash %s' % script)}, ['tree.service'])
    d.wait_state('tree.service', 'active', 'running')
    end = time.monotonic() + 10
    while len(marker_pids()) < 4 and time.monotonic() < end:
        time.sleep(0.02)
    found = marker_pids()
    check(len(found) == 4, 'expected 4 marker processes, found %d' % len(found))
    d.stop()
    left = marker_pids()
    check(not left, 'processes left after stop: %s' % left)
    s = d.status('tree.service')
    check(s['ActiveState'] == 'inactive', 'state after stop: %s' % s)


NOTIFY_HELPER = r'''
import os, socket, sys, time
time.sleep(float(sys.argv[1]))
addr = os.environ['NOTIFY_SOCKET']
if addr.startswith('@'):
    addr = '\0' + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(addr)
s.send(b'READY=1\nSTATUS=serving')
for _ in range(int(sys.argv[2])):
    time.sleep(0.2)
    s.send(b'WATCHDOG=1')
time.sleep(1000)
'''


def test_notify_and_watchdog(ctx):
    helper = os.path.join(ctx.tmp, 'notify-helper.py')
    with open(helper, 'w') as f:
        f.write(NOTIFY_HELPER)
    units = {
        'notify.service': unit('Type=notify\nExecStart=/usr/bin/python3 %s 1.0 1000' % helper),
        'silent.service': unit('Type=notify\nExecStart=/usr/bin/python3 %s 0 3\nWatchdogSec=1s' % helper),
        # systemd-notify is a child of the main process: only NotifyAccess=all lets it speak.
        'child.service': unit("Type=notify\nNotifyAccess=all\nExecStart=/bin/bash -c "
                              "'systemd-notify --ready --status=via-child; exec sleep 1000'"),
        # A child sending READY=1 from its own pid is refused under NotifyAccess=main. (Not
        # systemd-notify: run as root it sends with its parent's pid, as systemd's does.)
        'refused.service': unit("Type=notify\nTimeoutStartSec=1500ms\nExecStart=/bin/bash -c "
                                "'/usr/bin/python3 %s 0 0 & exec sleep 1000'" % helper),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait_state('notify.service', 'activating', 'start')
    t0 = time.monotonic()
    s = d.wait_state('notify.service', 'active', 'running')
    check(time.monotonic() - t0 > 0.5, 'active before READY=1 could have been sent')
    check(s['StatusText'] == 'serving', 'StatusText %r' % s['StatusText'])
    d.wait_state('silent.service', 'active', 'running')
    s = d.wait('silent.service', lambda s: s.get('Result') == 'watchdog', 'result watchdog')
    s = d.wait_state('silent.service', 'failed')
    check(s['ExecMainCode'] in ('killed', 'dumped') and s['ExecMainStatus'] == '6',
          'not killed with SIGABRT: %s' % s)
    check(d.status('notify.service')['ActiveState'] == 'active', 'notify.service did not stay up')
    s = d.wait('refused.service', lambda s: s.get('Result') == 'timeout', 'start timeout')
    check(re.search(r'refused\.service: Notification from pid \d+ refused by NotifyAccess=main',
                    d.daemon_log()), 'the refused notification was not logged')
    if shutil.which('systemd-notify'):
        s = d.wait_state('child.service', 'active', 'running')
        check(s['StatusText'] == 'via-child', 'child.service StatusText %r' % s['StatusText'])
    d.stop()


def test_user_nobody_nnp(ctx):
    nobody = pwd.getpwnam('nobody')
    units = {
        'nobody.service': unit('Type=exec\nExecStart=/bin/sleep 1000\nUser=nobody\nSystemCallFilter=~uname'),
        'filtered.service': unit('Type=exec\nExecStart=/bin/sleep 1000\nSystemCallFilter=~uname'),
        'plain.service': unit('Type=exec\nExecStart=/bin/sleep 1000'),
    }
    d = ctx.daemon(units, list(units))
    for name in units:
        d.wait_state(name, 'active', 'running')
    st = proc_status(int(d.status('nobody.service')['MainPID']))
    check(st['Uid'].split()[0] == str(nobody.pw_uid), 'uid %s' % st['Uid'])
    check(st['NoNewPrivs'] == '1', 'User=nobody without NoNewPrivs')
    st = proc_status(int(d.status('filtered.service')['MainPID']))
    check(st['Seccomp'] == '2', 'filtered service Seccomp: %s' % st['Seccomp'])
    check(st['NoNewPrivs'] == '0', 'root service with CAP_SYS_ADMIN got NNP without asking')
    st = proc_status(int(d.status('plain.service')['MainPID']))
    check(st['Seccomp'] == '0', 'unfiltered service Seccomp: %s' % st['Seccomp'])
    d.stop()


def test_bad_unit_isolated(ctx):
    units = {
        'bad.service': unit('ExecStart=/bin/true\nSystemCallFilter=~no_such_syscall_at_all'),
        'badexec.service': unit('ExecStart=/nonexistent/program'),
        'baduser.service': unit('ExecStart=/bin/true\nUser=no-such-user-here'),
        'good.service': unit('ExecStart=/bin/sleep 1000\nKeyringMode=private'),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait_state('good.service', 'active', 'running')
    check(s['NotEnforced'] == 'KeyringMode', 'NotEnforced %r' % s['NotEnforced'])
    s = d.wait('bad.service', lambda s: s.get('LoadState') == 'error', 'LoadState=error')
    check(s['ActiveState'] == 'inactive', 'bad unit state %s' % s)
    s = d.wait_state('badexec.service', 'failed')
    check('no_such_syscall_at_all' in d.daemon_log(), 'the diagnostic was not logged')
    s = d.wait('baduser.service', lambda s: s.get('LoadState') == 'error', 'unknown user is a load error')
    check(re.search(r'baduser\.service:6: User: Unknown user .no-such-user-here', d.daemon_log()),
          'the unknown user is not reported at its line')
    d.stop()


def test_lifecycle_types(ctx):
    pidfile = os.path.join(ctx.tmp, 'forking.pid')
    latepid = os.path.join(ctx.tmp, 'latepid.sh')
    with open(latepid, 'w') as f:
        f.write("(sleep 0.5; exec sh -c 'echo $$ > %s.late; exec sleep 1000') &\n" % pidfile)
    units = {
        'oneshot.service': unit("Type=oneshot\nRemainAfterExit=yes\nExecStartPre=/bin/echo pre\n"
                                "ExecStart=/bin/echo one\nExecStart=/bin/echo two\n"
                                "ExecStartPost=/bin/echo post\nExecStop=/bin/echo stopping\n"
                                "ExecStopPost=/bin/echo stopped"),
        'exec.service': unit('Type=exec\nExecStart=/bin/sleep 1000'),
        'forking.service': unit("Type=forking\nPIDFile=%s\n"
                                "ExecStart=/bin/sh -c 'sleep 1000 & echo $! > %s'" % (pidfile, pidfile)),
        'guess.service': unit("Type=forking\nExecStart=/bin/sh -c 'sleep 1000 &'"),
        # The PID file appears a while after the parent exited.
        'latepid.service': unit("Type=forking\nPIDFile=%s.late\nTimeoutStartSec=10s\n"
                                "ExecStart=/bin/sh %s" % (pidfile, latepid)),
        'failpre.service': unit('ExecStartPre=/bin/false\nExecStart=/bin/sleep 1000'),
        'ignorepre.service': unit('ExecStartPre=-/bin/false\nExecStart=/bin/sleep 1000\n'
                                  'Environment=A=1 "B=two words"\nExecStartPost=/bin/echo $A ${B} $B'),
    }
    d = ctx.daemon(units, list(units))
    d.wait_state('oneshot.service', 'active', 'exited')
    log = d.unit_log('oneshot.service')
    order = [l.split(': ', 1)[1] for l in log.splitlines() if 'stdout: ' in l]
    check(order == ['pre', 'one', 'two', 'post'], 'oneshot ran %s' % order)
    d.wait_state('exec.service', 'active', 'running')
    s = d.wait_state('forking.service', 'active', 'running')
    with open(pidfile) as f:
        check(s['MainPID'] == f.read().strip(), 'forking MainPID %s is not the PIDFile' % s['MainPID'])
    s = d.wait_state('latepid.service', 'active', 'running')
    with open(pidfile + '.late') as f:
        check(s['MainPID'] == f.read().strip(), 'latepid MainPID %s is not the PIDFile' % s['MainPID'])
    # Without PIDFile=, the one process left in the cgroup becomes the main process.
    s = d.wait_state('guess.service', 'active', 'running')
    with open('/proc/%s/cmdline' % s['MainPID'], 'rb') as f:
        check(f.read().split(b'\0')[:2] == [b'sleep', b'1000'], 'guessed MainPID %s' % s['MainPID'])
    s = d.wait_state('failpre.service', 'failed')
    check(s['Result'] == 'exit-code', 'failpre result %s' % s['Result'])
    d.wait_state('ignorepre.service', 'active', 'running')
    d.wait_log('ignorepre.service', 'stdout: 1 two words two words')
    d.stop()
    log = d.unit_log('oneshot.service')
    check('stdout: stopping' in log and 'stdout: stopped' in log, 'ExecStop/ExecStopPost did not run')


def test_timeouts_and_kill_modes(ctx):
    stubborn = os.path.join(ctx.tmp, 'stubborn.sh')
    with open(stubborn, 'w') as f:
        f.write("trap '' TERM\n(trap '' TERM; exec -a %s-stubborn-child sleep 1000) &\n"
                "while :; do sleep 0.1; done\n" % MARKER)
    mixed = os.path.join(ctx.tmp, 'mixed.sh')
    with open(mixed, 'w') as f:
        f.write("(trap '' TERM; exec -a %s-mixed-child sleep 1000) &\nexec sleep 1000\n" % MARKER)
    units = {
        'stubborn.service': unit('ExecStart=/bin/bash %s\nTimeoutStopSec=1s' % stubborn),
        'slowstart.service': unit('Type=notify\nExecStart=/bin/sleep 1000\nTimeoutStartSec=1s'),
        'mixed.service': unit('ExecStart=/bin/bash %s\nKillMode=mixed\nTimeoutStopSec=1s' % mixed),
        'process.service': unit("ExecStart=/bin/bash -c '(exec -a %s-process-child sleep 1000) & "
                                "exec sleep 1000'\nKillMode=process" % MARKER),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait('slowstart.service', lambda s: s.get('Result') == 'timeout', 'start timeout', timeout=10)
    s = d.wait_state('slowstart.service', 'failed')
    for n in ('stubborn.service', 'mixed.service', 'process.service'):
        d.wait_state(n, 'active', 'running')
    end = time.monotonic() + 10
    while len(marker_pids()) < 3 and time.monotonic() < end:
        time.sleep(0.02)
    check(len(marker_pids()) == 3, 'expected 3 marker processes, found %d' % len(marker_pids()))
    t0 = time.monotonic()
    d.stop()
    elapsed = time.monotonic() - t0
    check(elapsed >= 0.9, 'stubborn services stopped after %.2fs, before TimeoutStopSec=1s' % elapsed)
    left = [open('/proc/%d/cmdline' % p, 'rb').read().split(b'\0')[0].decode() for p in marker_pids()]
    check(left == ['%s-process-child' % MARKER], 'left after stop: %s (KillMode=process leaves '
          'only its child)' % left)
    s = d.status('stubborn.service')
    check(s['Result'] == 'timeout', 'stubborn result %s' % s['Result'])
    # A new daemon starts the unit again next to what KillMode=process left behind.
    d2 = ctx.daemon({'process.service': units['process.service']}, ['process.service'])
    d2.wait_state('process.service', 'active', 'running')
    end = time.monotonic() + 10
    while len(marker_pids()) < 2 and time.monotonic() < end:
        time.sleep(0.02)
    check(len(marker_pids()) == 2, 'expected the left-over child and a new one: %s' % marker_pids())
    d2.stop()


def test_daemon_reload(ctx):
    d = ctx.daemon({'a.service': unit('ExecStart=/bin/sleep 1000\nEnvironment=V=old\n'
                                      'ExecStartPost=/bin/echo started $V\nRestart=always'),
                    'gone.service': unit('ExecStart=/bin/sleep 1000')},
                   ['a.service', 'gone.service'])
    s = d.wait_state('a.service', 'active', 'running')
    pid = s['MainPID']
    d.wait_state('gone.service', 'active', 'running')
    d.wait_log('a.service', 'stdout: started old')
    with open(os.path.join(d.units_dir, d.prefix + 'a.service'), 'w') as f:
        f.write(unit('ExecStart=/bin/sleep 1000\nEnvironment=V=new\nExecStartPost=/bin/echo started $V\n'
                     'Restart=always'))
    os.unlink(os.path.join(d.units_dir, d.prefix + 'gone.service'))
    with open(os.path.join(d.units_dir, d.prefix + 'new.service'), 'w') as f:
        f.write(unit('ExecStart=/bin/true'))
    d.proc.send_signal(signal.SIGHUP)
    d.wait('new.service', lambda s: s.get('LoadState') == 'loaded', 'new unit loaded after SIGHUP')
    s = d.status('a.service')
    check(s['MainPID'] == pid and s['ActiveState'] == 'active', 'a.service was disturbed: %s' % s)
    check(d.status('gone.service').get('ActiveState') == 'active', 'removed running unit was stopped')
    check('stdout: started new' not in d.unit_log('a.service'), 'new config used before a restart')
    # The next start (here an automatic restart) uses the new configuration.
    os.kill(int(pid), signal.SIGKILL)
    d.wait_log('a.service', 'stdout: started new')
    s = d.wait_state('a.service', 'active', 'running')
    check(s['NRestarts'] == '1', 'NRestarts %s' % s['NRestarts'])
    # A configuration that no longer loads stops the automatic restarts: the unit fails.
    with open(os.path.join(d.units_dir, d.prefix + 'a.service'), 'w') as f:
        f.write(unit('ExecStart=/bin/sleep 1000\nRestart=always\nSystemCallFilter=~no_such_call'))
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log('a.service', 'stdout: started new')
    end = time.monotonic() + 10
    while 'no_such_call' not in d.daemon_log() and time.monotonic() < end:
        time.sleep(0.02)
    os.kill(int(s['MainPID']), signal.SIGKILL)
    s = d.wait('a.service', lambda s: s.get('LoadState') == 'error', 'the new configuration applied')
    s = d.wait_state('a.service', 'failed')
    check(s['Result'] == 'resources', 'result %s' % s['Result'])
    d.stop()


def test_environment_and_directories(ctx):
    nobody = pwd.getpwnam('nobody')
    envfile = os.path.join(ctx.tmp, 'env')
    with open(envfile, 'w') as f:
        f.write('# comment\nFROMFILE="file value"\nSHARED=file\n')
    script = ('echo dirs $RUNTIME_DIRECTORY $STATE_DIRECTORY $LOGS_DIRECTORY; '
              'echo ids $USER $HOME $INVOCATION_ID; echo env $FROMFILE/$SHARED/$PLAIN; '
              'echo cwd $(pwd) umask $(umask); echo nofile $(ulimit -Sn); '
              'touch $STATE_DIRECTORY/written')
    with open(os.path.join(ctx.tmp, 'env.sh'), 'w') as f:
        f.write(script + '\n')
    units = {
        # RemainAfterExit=: the unit stays active, and so does its RuntimeDirectory=.
        'env.service': unit('Type=oneshot\nRemainAfterExit=yes\nUser=nobody\nRuntimeDirectory=rt-x\nStateDirectory=st-x\n'
                            'LogsDirectory=lg-x\nStateDirectoryMode=0700\nEnvironment=PLAIN=p SHARED=unit\n'
                            'EnvironmentFile=%s\nEnvironmentFile=-/nonexistent/env\nUMask=0027\n'
                            'WorkingDirectory=-/nonexistent/dir\nExecStart=/bin/sh %s'
                            % (envfile, os.path.join(ctx.tmp, 'env.sh'))),
        'noenv.service': unit('Type=oneshot\nEnvironmentFile=/nonexistent/env\nExecStart=/bin/true'),
        'nofile.service': unit("Type=oneshot\nLimitNOFILE=2048:4096\n"
                               "ExecStart=/bin/sh -c 'echo nofile $(ulimit -Sn) $(ulimit -Hn)'"),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait('env.service', lambda s: s['ExecMainCode'] != '' and s['ActiveState'] != 'activating',
               'oneshot finished')
    check(s['Result'] == 'success', 'env.service: %s' % s)
    log = d.unit_log('env.service')
    rt = os.path.join(d.root_dir, 'run', 'rt-x')
    st = os.path.join(d.root_dir, 'var', 'lib', 'st-x')
    lg = os.path.join(d.root_dir, 'var', 'log', 'lg-x')
    check('stdout: dirs %s %s %s\n' % (rt, st, lg) in log, 'directory variables:\n' + log)
    check('stdout: ids nobody %s %s\n' % (nobody.pw_dir, s['InvocationID']) in log, 'USER/HOME/INVOCATION_ID:\n' + log)
    check(re.fullmatch('[0-9a-f]{32}', s['InvocationID']), 'InvocationID %r' % s['InvocationID'])
    check('stdout: env file value/file/p\n' in log, 'EnvironmentFile= must override Environment=:\n' + log)
    check('stdout: cwd / umask 0027\n' in log, 'WorkingDirectory=-/missing or UMask=:\n' + log)
    # The daemon raises its own soft fd limit; a service without LimitNOFILE= starts with 1024.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    want = min(1024, hard) if hard != resource.RLIM_INFINITY else 1024
    check('stdout: nofile %d\n' % want in log, 'default soft RLIMIT_NOFILE is not %d:\n%s' % (want, log))
    d.wait('nofile.service', lambda s: s['ExecMainCode'] != '' and s['ActiveState'] != 'activating',
           'oneshot finished')
    d.wait_log('nofile.service', 'stdout: nofile 2048 4096')
    for path, mode in ((rt, 0o755), (st, 0o700), (lg, 0o755)):
        stt = os.stat(path)
        check(stt.st_uid == nobody.pw_uid, '%s owned by uid %d' % (path, stt.st_uid))
        check(stt.st_mode & 0o7777 == mode, '%s mode %o' % (path, stt.st_mode & 0o7777))
    check(os.path.exists(os.path.join(st, 'written')), 'the service could not write its StateDirectory')
    s = d.wait_state('noenv.service', 'failed')
    check(s['Result'] == 'resources', 'missing EnvironmentFile= result %s' % s['Result'])
    d.stop()
    # Stopped: RuntimeDirectory= is gone, StateDirectory= and LogsDirectory= stay.
    check(not os.path.exists(rt), 'RuntimeDirectory= left after the unit stopped')
    check(os.path.exists(os.path.join(st, 'written')) and os.path.isdir(lg), 'state or logs directory removed')


def test_stop_post_after_failed_start(ctx):
    # ExecStopPost= runs even when the main process could not be spawned at all
    # (systemd.service(5): clean-up that runs "even when the service failed to start up").
    units = {
        'nobinary.service': unit('ExecStart=/nonexistent/syscage-test-binary\n'
                                 'ExecStopPost=/bin/echo cleaned up'),
        # ExecStop= and ExecStopPost= see how the cycle went (systemd.exec(5)).
        'result.service': unit("ExecStart=/bin/sh -c 'sleep 0.2; exit 7'\n"
                               "ExecStopPost=/bin/echo post $SERVICE_RESULT $EXIT_CODE $EXIT_STATUS"),
        'killed.service': unit("ExecStart=/bin/sleep 1000\nKillSignal=SIGUSR1\n"
                               "ExecStop=/bin/echo stop ${SERVICE_RESULT}/${EXIT_CODE}/${EXIT_STATUS}.\n"
                               "ExecStopPost=/bin/echo post $SERVICE_RESULT $EXIT_CODE $EXIT_STATUS"),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait_state('nobinary.service', 'failed')
    check(s['Result'] == 'resources', 'nobinary result %s' % s['Result'])
    d.wait_log('nobinary.service', 'stdout: cleaned up')
    d.wait_state('result.service', 'failed')
    d.wait_log('result.service', 'stdout: post exit-code exited 7')
    d.wait_state('killed.service', 'active', 'running')
    d.stop()
    log = d.unit_log('killed.service')
    check('stdout: stop success//.' in log, 'ExecStop= environment:\n%s' % log)
    check('stdout: post signal killed USR1' in log, 'ExecStopPost= environment:\n%s' % log)


def ordered_unit(order, service):
    return unit(service).replace('[Unit]\n', '[Unit]\n' + order + '\n', 1)


def test_ordering(ctx):
    # After=/Before= order the start of the enabled units and the shutdown. The enabled file
    # lists the later unit first, so the daemon's own order would be wrong.
    p = ctx.prefix
    db_up, web_up = os.path.join(ctx.tmp, 'db-up'), os.path.join(ctx.tmp, 'web-up')
    app_down = os.path.join(ctx.tmp, 'app-down')
    units = {
        # app is ordered after db (After= on its side) and after web (Before= on web's side);
        # its ExecStartPre= fails if either is not up yet.
        'app.service': ordered_unit(
            'After=%sdb.service' % p,
            "ExecStartPre=/bin/test -e %s -a -e %s\nExecStart=/bin/sleep 1000\n"
            "ExecStopPost=/bin/sh -c 'sleep 0.3; touch %s'" % (db_up, web_up, app_down)),
        # Slow oneshots: up once ExecStart= has finished.
        'db.service': unit(
            "Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'sleep 0.5; touch %s'\n"
            "ExecStop=/bin/sh -c 'test -e %s && echo stopped after app || echo stopped too early'"
            % (db_up, app_down)),
        'web.service': ordered_unit(
            'Before=%sapp.service' % p,
            "Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh -c 'sleep 0.2; touch %s'" % web_up),
        # late is ordered after broken, which fails to load: late must start all the same.
        'late.service': ordered_unit('After=%sbroken.service' % p, 'ExecStart=/bin/sleep 1000'),
        'broken.service': unit('ExecStart=relative/path'),
    }
    d = ctx.daemon(units, ['late.service', 'app.service', 'web.service', 'db.service', 'broken.service'])
    d.wait_state('late.service', 'active', 'running', timeout=10)
    d.wait_state('app.service', 'active', 'running', timeout=10)
    d.wait_state('db.service', 'active', 'exited')
    d.wait_state('web.service', 'active', 'exited')
    d.stop()
    log = d.unit_log('db.service')
    check('stopped after app' in log, 'db stopped before app was down:\n%s' % log)


def poll(pred, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end and not pred():
        time.sleep(0.05)
    return pred()


def test_dependencies(ctx):
    # Wants=/Requires=/BindsTo= and NAME.wants/ pull units in on a client's start, ordered by
    # After=/Before=; an explicit stop takes Requires=/PartOf= dependents along (they first);
    # a reload propagates along ReloadPropagatedFrom=; a failed requirement keeps its
    # dependent down; a unit that goes down stops the units BindsTo= it. The shape of the
    # first group is postgresql's: a do-nothing oneshot grouping template instances that
    # order themselves Before= it and are linked from its .wants/ directory.
    p, t = ctx.prefix, ctx.tmp
    units = {
        'grp.service': unit("Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/test -e %s/up-main\n"
                            "ExecReload=/bin/true" % t, install=False),
        'inst@.service': ordered_unit(
            'PartOf=%sgrp.service\nReloadPropagatedFrom=%sgrp.service\nBefore=%sgrp.service\n'
            'After=network.target\nWants=network-online.target' % (p, p, p),
            "ExecStartPre=/bin/sh -c 'sleep 0.3; touch %s/up-%%i'\nExecStart=/bin/sleep 1000\n"
            "ExecReload=/bin/sh -c 'echo reloaded >> %s/reload-%%i'" % (t, t)),
        'db.service': unit("ExecStartPre=/bin/sh -c 'sleep 0.3; touch %s/db-up'\n"
                           "ExecStart=/bin/sleep 1000\n"
                           "ExecStop=/bin/sh -c 'test -e %s/web-down && echo stopped after web || "
                           "echo stopped too early'" % (t, t), install=False),
        'web.service': ordered_unit(
            'Requires=%sdb.service\nAfter=%sdb.service' % (p, p),
            "ExecStartPre=/bin/test -e %s/db-up\nExecStart=/bin/sleep 1000\n"
            "ExecStopPost=/bin/sh -c 'sleep 0.3; touch %s/web-down'" % (t, t)),
        'bad.service': unit('Type=oneshot\nExecStart=/bin/false', install=False),
        'needbad.service': ordered_unit('Requires=%sbad.service\nAfter=%sbad.service' % (p, p),
                                        'ExecStart=/bin/sleep 1000'),
        'needmissing.service': ordered_unit('Requires=%snope.service' % p, 'ExecStart=/bin/sleep 1000'),
        'carrier.service': unit('ExecStart=/bin/sleep 1000', install=False),
        'cyca.service': ordered_unit('PartOf=%scycb.service' % p,
                                     'Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true'),
        'cycb.service': ordered_unit('PartOf=%scyca.service' % p,
                                     'Type=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true'),
        'bound.service': ordered_unit('BindsTo=%scarrier.service\nAfter=%scarrier.service' % (p, p),
                                      'ExecStart=/bin/sleep 1000'),
    }
    d = ctx.daemon(units, [])
    d.daemon_pid()
    wants = os.path.join(d.units_dir, p + 'grp.service.wants')
    os.makedirs(wants)
    os.symlink('../%sinst@.service' % p, os.path.join(wants, p + 'inst@main.service'))

    r = ctl(ctx, d, 'start', 'grp.service')
    check(r.returncode == 0, 'start grp: %s' % r.stderr)
    d.wait_state('inst@main.service', 'active', 'running')
    s = d.wait_state('grp.service', 'active', 'exited')
    check(s.get('Result') == 'success', 'grp started before its instance was up: %s' % s)

    r = ctl(ctx, d, 'reload', 'grp.service')
    check(r.returncode == 0, 'reload grp: %s' % r.stderr)
    check(poll(lambda: os.path.exists('%s/reload-main' % t), 10),
          'the reload of grp did not reach inst@main (ReloadPropagatedFrom=)')

    before = d.status('inst@main.service')['InvocationID']
    r = ctl(ctx, d, 'restart', 'grp.service')
    check(r.returncode == 0, 'restart grp: %s' % r.stderr)
    d.wait(p + 'inst@main.service', lambda s: s.get('InvocationID') != before and
           s.get('SubState') == 'running', 'inst@main restarted with grp (PartOf=)')
    d.wait_state('grp.service', 'active', 'exited')

    # A PartOf= cycle of units that stop at once: one restart each, and the restart returns.
    for n in ('cyca', 'cycb'):
        r = ctl(ctx, d, 'start', n + '.service')
        check(r.returncode == 0, 'start %s: %s' % (n, r.stderr))
        d.wait_state(n + '.service', 'active', 'exited')
    r = ctl(ctx, d, 'restart', 'cyca.service')
    check(r.returncode == 0, 'restart of a PartOf= cycle: %s' % r.stderr)
    for n in ('cyca', 'cycb'):
        d.wait_state(n + '.service', 'active', 'exited')

    r = ctl(ctx, d, 'stop', 'grp.service')
    check(r.returncode == 0, 'stop grp: %s' % r.stderr)
    d.wait_state('inst@main.service', 'inactive', timeout=10)
    d.wait_state('grp.service', 'inactive', timeout=10)

    r = ctl(ctx, d, 'start', 'web.service')
    check(r.returncode == 0, 'start web: %s' % r.stderr)
    d.wait_state('db.service', 'active', 'running')
    s = d.wait_state('web.service', 'active', 'running')
    r = ctl(ctx, d, 'stop', 'db.service')
    check(r.returncode == 0, 'stop db: %s' % r.stderr)
    d.wait_state('web.service', 'inactive', timeout=10)
    d.wait_state('db.service', 'inactive', timeout=10)
    log = d.unit_log('db.service')
    check('stopped after web' in log, 'db stopped before web, which Requires= it, was down:\n%s' % log)

    r = ctl(ctx, d, 'start', 'needbad.service')
    d.wait_state('bad.service', 'failed')
    check(poll(lambda: 'Dependency failed' in d.daemon_log(), 10),
          'no "Dependency failed" for needbad')
    check(d.status('needbad.service').get('ActiveState') == 'inactive',
          'needbad started although the unit it requires failed: %s' % d.status('needbad.service'))

    r = ctl(ctx, d, 'start', 'needmissing.service')
    check(r.returncode != 0 and 'nope.service' in r.stderr + r.stdout,
          'start of a unit whose Requires= is missing: exit %d, %s' % (r.returncode, r.stderr))
    check(d.status('needmissing.service').get('ActiveState') != 'active', 'needmissing started')

    r = ctl(ctx, d, 'start', 'bound.service')
    check(r.returncode == 0, 'start bound: %s' % r.stderr)
    d.wait_state('carrier.service', 'active', 'running')
    d.wait_state('bound.service', 'active', 'running')
    r = ctl(ctx, d, 'kill', 'carrier.service')
    check(r.returncode == 0, 'kill carrier: %s' % r.stderr)
    d.wait(d.prefix + 'carrier.service', lambda s: s.get('ActiveState') in ('inactive', 'failed'),
           'carrier down')
    d.wait_state('bound.service', 'inactive', timeout=10)
    d.stop()


def daemon_fds(pid):
    return len(os.listdir('/proc/%d/fd' % pid))


def daemon_rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        return int(next(l for l in f if l.startswith('VmRSS:')).split()[1])


def test_restart_cycles_leak_nothing(ctx):
    # 120 start/stop cycles through every kind of command (pre, main, post, stop with
    # $MAINPID, stop-post, output): the daemon's fds and memory stay where they were.
    units = {'cycle.service': unit(
        "ExecStartPre=/bin/true\nExecStart=/bin/sh -c 'echo up; exec sleep 1000'\n"
        "ExecStartPost=/bin/echo post\nExecStop=/bin/kill $MAINPID\nExecStopPost=/bin/true\n"
        "StartLimitIntervalSec=0")}
    d = ctx.daemon(units, list(units))
    sock = os.path.join(d.runtime_dir, 'control.sock')
    env = dict(os.environ, SYSCAGE_SOCKET=sock)
    name = d.prefix + 'cycle.service'

    def cycle():
        before = d.wait_state('cycle.service', 'active', 'running')['InvocationID']
        p = subprocess.run([ctx.syscagectl, 'restart', name], env=env, capture_output=True,
                           text=True, timeout=20)
        check(p.returncode == 0, 'restart failed: %s' % p.stderr)
        d.wait(name, lambda s: s.get('InvocationID') != before and s.get('SubState') == 'running',
               'a new running cycle')

    for _ in range(20):
        cycle()
    pid = d.daemon_pid()
    fds, rss = daemon_fds(pid), daemon_rss_kib(pid)
    holder_fds = daemon_fds(d.proc.pid)  # the fd holder keeps copies of pipes and gates
    for _ in range(100):
        cycle()
    # The last cycle's pipes and pidfds close once its processes are reaped: wait for that.
    end = time.monotonic() + 10
    while (daemon_fds(pid) > fds or daemon_fds(d.proc.pid) > holder_fds) and time.monotonic() < end:
        time.sleep(0.02)
    fds2, rss2 = daemon_fds(pid), daemon_rss_kib(pid)
    check(fds2 <= fds, 'daemon fds grew over 100 restarts: %d -> %d' % (fds, fds2))
    check(daemon_fds(d.proc.pid) <= holder_fds, 'fd holder fds grew over 100 restarts: %d -> %d'
          % (holder_fds, daemon_fds(d.proc.pid)))
    with open('/proc/%d/maps' % pid) as f:
        asan = 'libasan' in f.read()
    if asan:
        print('skip RSS check under ASan (VmRSS %d -> %d KiB); LeakSanitizer checks at exit' % (rss, rss2))
    else:
        check(rss2 <= rss + 1024, 'daemon RSS grew over 100 restarts: %d -> %d KiB' % (rss, rss2))
    # The last run's line is read from its pipe in the daemon's own time: wait for it.
    end = time.monotonic() + 10
    while d.unit_log('cycle.service').count('stdout: up') < 121 and time.monotonic() < end:
        time.sleep(0.02)
    log = d.unit_log('cycle.service')
    check(log.count('stdout: up') == 121, 'expected 121 runs, log shows %d' % log.count('stdout: up'))
    d.stop()


EXTEND_HELPER = r"""
import os, socket, sys, time
def notify(msg):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(msg.encode(), os.environ['NOTIFY_SOCKET'])
    s.close()
for _ in range(int(sys.argv[1])):
    notify('EXTEND_TIMEOUT_USEC=1500000')
    time.sleep(1.0)
notify('READY=1')
time.sleep(1000)
"""


def test_extend_timeout(ctx):
    # EXTEND_TIMEOUT_USEC= keeps a slow start alive past TimeoutStartSec=, one period at a
    # time; a service that stops sending it times out one period after its last message.
    helper = os.path.join(ctx.tmp, 'extend-helper.py')
    with open(helper, 'w') as f:
        f.write(EXTEND_HELPER)
    units = {
        # Ready after 3 s, extending by 1.5 s every second: within every extension.
        'slow.service': unit('Type=notify\nTimeoutStartSec=1s\nExecStart=/usr/bin/python3 %s 3' % helper),
        # One extension, then silence: times out 1.5 s after it, not at 1 s.
        'once.service': unit('Type=notify\nTimeoutStartSec=1s\nExecStart=/usr/bin/python3 -c '
                             '"import os, socket, time; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); '
                             's.sendto(b\'EXTEND_TIMEOUT_USEC=1500000\', os.environ[\'NOTIFY_SOCKET\']); '
                             'time.sleep(1000)"'),
    }
    t0 = time.monotonic()
    d = ctx.daemon(units, list(units))
    s = d.wait('once.service', lambda s: s.get('Result') == 'timeout', 'start timeout', timeout=10)
    check(time.monotonic() - t0 >= 1.4, 'once.service timed out before its extension ended')
    s = d.wait_state('slow.service', 'active', 'running', timeout=10)
    check(time.monotonic() - t0 >= 2.9, 'slow.service active before READY=1')
    d.stop()


def test_timeout_per_command(ctx):
    # TimeoutStartSec= and TimeoutStopSec= apply to each command on its own, as in systemd:
    # two ExecStartPre= of 0.6 s each fit a 1 s TimeoutStartSec=, two ExecStop= of 0.6 s each
    # fit a 1 s TimeoutStopSec=. One command that outlives it fails the start with result
    # timeout, and ExecStopPost= still runs.
    units = {
        'twopre.service': unit("TimeoutStartSec=1s\nTimeoutStopSec=1s\n"
                               "ExecStartPre=/bin/sleep 0.6\nExecStartPre=/bin/sleep 0.6\n"
                               "ExecStart=/bin/sleep 1000\n"
                               "ExecStop=/bin/sleep 0.6\nExecStop=/bin/sh -c 'sleep 0.6; echo second stop done'"),
        'longpre.service': unit("TimeoutStartSec=1s\nExecStartPre=/bin/sleep 1000\n"
                                "ExecStart=/bin/sleep 1000\nExecStopPost=/bin/echo cleaned up"),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait('longpre.service', lambda s: s.get('ActiveState') == 'failed', 'failed', timeout=10)
    check(s['Result'] == 'timeout', 'longpre result %s' % s['Result'])
    d.wait_log('longpre.service', 'stdout: cleaned up')
    s = d.wait_state('twopre.service', 'active', 'running', timeout=10)
    d.stop()
    s = d.status('twopre.service')
    check(s['Result'] == 'success', 'twopre stop result %s' % s['Result'])
    check('stdout: second stop done' in d.unit_log('twopre.service'), 'the second ExecStop= was cut short')


def ctl(ctx, d, *args):
    env = dict(os.environ, SYSCAGE_SOCKET=os.path.join(d.runtime_dir, 'control.sock'))
    args = [a if not a.endswith('.service') else d._n(a) for a in args]
    return subprocess.run([ctx.syscagectl, *args], env=env, capture_output=True, text=True, timeout=20)


def test_exit_semantics(ctx):
    # systemd.service(5)'s reading of exits: SIGTERM/SIGHUP/SIGINT/SIGPIPE are clean for a
    # daemon but not for a oneshot, SuccessExitStatus= adds clean exits, Type=exec fails when
    # execve fails (exit status 203), on-abnormal ignores exit codes, a stop during the
    # restart delay cancels the restart, and reset-failed resets the start limit.
    garbage = os.path.join(ctx.tmp, 'not-a-program')
    with open(garbage, 'w') as f:
        f.write('\x7fELF garbage\n')
    os.chmod(garbage, 0o755)
    units = {
        'sigterm.service': unit("Restart=on-failure\nExecStart=/bin/sh -c 'kill -TERM $$$$'"),
        'oneshot-sigterm.service': unit("Type=oneshot\nExecStart=/bin/sh -c 'kill -TERM $$$$'"),
        'status3.service': unit("Restart=on-failure\nSuccessExitStatus=3\nExecStart=/bin/sh -c 'exit 3'"),
        'execfail.service': unit('Type=exec\nExecStart=%s\nExecStopPost=/bin/echo cleaned up' % garbage),
        'abnormal.service': unit("Restart=on-abnormal\nExecStart=/bin/sh -c 'exit 1'"),
        'delay.service': unit("Restart=always\nRestartSec=3s\nExecStart=/bin/sh -c 'echo run; exit 1'"),
        'limit.service': unit("Restart=on-failure\nRestartSec=100ms\nStartLimitIntervalSec=60s\n"
                              "StartLimitBurst=2\nExecStart=/bin/sh -c 'echo run; exit 1'"),
    }
    d = ctx.daemon(units, list(units))
    for name, active, result in (('sigterm', 'inactive', 'success'), ('oneshot-sigterm', 'failed', 'signal'),
                                 ('status3', 'inactive', 'success'), ('execfail', 'failed', 'exit-code'),
                                 ('abnormal', 'failed', 'exit-code')):
        s = d.wait_state(name + '.service', active)
        check(s['Result'] == result and s['NRestarts'] == '0', '%s: %s' % (name, s))
    check(d.status('execfail.service')['ExecMainStatus'] == '203', 'Type=exec exec failure is not 203')
    d.wait_log('execfail.service', 'stdout: cleaned up')
    d.wait_state('delay.service', 'activating', 'auto-restart')
    p = ctl(ctx, d, 'stop', 'delay.service')
    check(p.returncode == 0, 'stop in auto-restart: %s' % p.stderr)
    # As systemd: stopped, not failed, with the result reset.
    s = d.wait_state('delay.service', 'inactive', 'dead')
    check(s.get('Result') == 'success', 'stop in auto-restart: result %s' % s.get('Result'))
    time.sleep(3.5)
    check(d.unit_log('delay.service').count('stdout: run') == 1, 'restarted after an explicit stop')
    s = d.wait('limit.service', lambda s: s.get('Result') == 'start-limit-hit', 'start-limit-hit')
    runs = d.unit_log('limit.service').count('stdout: run')
    p = ctl(ctx, d, 'start', 'limit.service')
    check(p.returncode != 0, 'start past the start limit succeeded')
    check(ctl(ctx, d, 'reset-failed', 'limit.service').returncode == 0, 'reset-failed failed')
    # --no-block: every run of limit.service fails (its start job would too); the burst is
    # what is checked.
    p = ctl(ctx, d, 'start', '--no-block', 'limit.service')
    check(p.returncode == 0, 'start after reset-failed: %s' % p.stderr)
    d.wait('limit.service', lambda s: s.get('Result') == 'start-limit-hit', 'start-limit-hit again')
    check(d.unit_log('limit.service').count('stdout: run') == runs + 2,
          'after reset-failed the unit should run a full burst again')
    d.stop()


def test_watchdog_trigger(ctx):
    # WATCHDOG=trigger acts like a missed watchdog ping, with or without WatchdogSec=.
    code = ('"import os, socket, time; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); '
            'a = os.environ[\'NOTIFY_SOCKET\']; s.sendto(b\'READY=1\', a); time.sleep(0.3); '
            's.sendto(b\'WATCHDOG=trigger\', a); time.sleep(1000)"')
    units = {
        'nowd.service': unit('Type=notify\nExecStart=/usr/bin/python3 -c %s' % code),
        'wd.service': unit('Type=notify\nWatchdogSec=1h\nExecStart=/usr/bin/python3 -c %s' % code),
    }
    d = ctx.daemon(units, list(units))
    for n in units:
        s = d.wait(n, lambda s: s.get('ActiveState') == 'failed', 'failed', timeout=10)
        check(s['Result'] == 'watchdog', '%s result %s' % (n, s['Result']))
        check(s['ExecMainCode'] in ('killed', 'dumped') and s['ExecMainStatus'] == '6',
              '%s not killed with SIGABRT: %s' % (n, s))
    d.stop()


def test_missing_commands(ctx):
    # A command that cannot be spawned fails the cycle like a failed exit, also when it is
    # not the first of its list; with the "-" prefix it is skipped, as systemd skips its
    # exit status 203.
    units = {
        'optional.service': unit('ExecStartPre=-/nonexistent/syscage-optional\nExecStart=/bin/sleep 1000\n'
                                 'ExecStartPost=-/nonexistent/syscage-optional\nExecStartPost=/bin/echo post'),
        'second.service': unit('ExecStartPre=/bin/true\nExecStartPre=/nonexistent/syscage-required\n'
                               'ExecStart=/bin/sh -c "echo main ran; exec sleep 1000"'),
        'firstpre.service': unit('ExecStartPre=/nonexistent/syscage-required\nExecStart=/bin/sleep 1000\n'
                                 'ExecStopPost=/bin/echo cleaned up'),
    }
    d = ctx.daemon(units, list(units))
    d.wait_state('optional.service', 'active', 'running')
    d.wait_log('optional.service', 'stdout: post')
    s = d.wait_state('second.service', 'failed')
    check(s['Result'] == 'resources', 'second result %s' % s['Result'])
    check('main ran' not in d.unit_log('second.service'), 'the main process ran after a failed ExecStartPre=')
    s = d.wait_state('firstpre.service', 'failed')
    d.wait_log('firstpre.service', 'stdout: cleaned up')
    d.stop()


def test_pid_file_outside_unit(ctx):
    # A Type=forking service running as nobody writes a PID file naming a process that is not
    # its own: the start fails with result protocol and the other process is left alone.
    nobody = pwd.getpwnam('nobody')
    piddir = os.path.join(ctx.tmp, 'piddir')
    os.mkdir(piddir)
    os.chown(piddir, nobody.pw_uid, nobody.pw_gid)
    victim = subprocess.Popen(['/bin/bash', '-c', 'exec -a %s-victim sleep 1000' % MARKER])
    try:
        units = {'liar.service': unit(
            "Type=forking\nUser=nobody\nPIDFile=%s/liar.pid\n"
            "ExecStart=/bin/sh -c 'echo %d > %s/liar.pid; sleep 1000 &'" % (piddir, victim.pid, piddir))}
        d = ctx.daemon(units, list(units))
        s = d.wait_state('liar.service', 'failed')
        check(s['Result'] == 'protocol', 'liar result %s' % s['Result'])
        check(victim.poll() is None, 'the process named by an untrusted PID file was killed')
        d.stop()
    finally:
        victim.kill()
        victim.wait()


def test_restart_exit_status(ctx):
    # RestartPreventExitStatus= overrides Restart=always; RestartForceExitStatus= restarts a
    # Restart=no unit (here once: the second run exits 0).
    flag = os.path.join(ctx.tmp, 'forced-once')
    units = {
        'prevent.service': unit("Restart=always\nRestartSec=100ms\nRestartPreventExitStatus=3 SIGUSR2\n"
                                "ExecStart=/bin/sh -c 'echo run; exit 3'"),
        'force.service': unit("RestartSec=100ms\nRestartForceExitStatus=4\n"
                              "ExecStart=/bin/sh -c 'echo run; test -e %s && exit 0; touch %s; exit 4'"
                              % (flag, flag)),
    }
    d = ctx.daemon(units, list(units))
    s = d.wait_state('prevent.service', 'failed')
    check(s['NRestarts'] == '0' and s['Result'] == 'exit-code', 'prevent: %s' % s)
    s = d.wait('force.service', lambda s: s.get('NRestarts') == '1' and s.get('ActiveState') == 'inactive',
               'one forced restart, then inactive')
    time.sleep(0.3)
    check(d.unit_log('prevent.service').count('stdout: run') == 1, 'prevent.service ran more than once')
    check(d.unit_log('force.service').count('stdout: run') == 2, 'force.service did not run twice')
    d.stop()


def test_last_lines_before_exit(ctx):
    # What a process wrote before it exited is in the log once its exit shows in the
    # unit's state (status shows the last lines of a failed start). A burst makes the
    # pipe still hold data when the exit is seen.
    units = {'burst.service': unit("Type=oneshot\nStartLimitIntervalSec=0\nExecStart=/bin/sh -c 'echo first-line; echo last-line'")}
    d = ctx.daemon(units, list(units))  # the first run: enabled
    last = None
    for i in range(30):
        if i > 0:
            p = ctl(ctx, d, 'start', 'burst.service')
            check(p.returncode == 0, 'start: %s' % p.stderr)
        s = d.wait('burst.service', lambda s: s.get('ActiveState') == 'inactive' and
                   s.get('InvocationID') not in ('', None, last), 'run %d finished' % i)
        last = s['InvocationID']
        out = re.findall(r'stdout: (.*)', d.unit_log('burst.service'))  # the newest file, if rotated
        check(out and out[-1] == 'last-line',
              'run %d: the exit was seen before its last line was logged (last: %r)' % (i, out[-1:]))
    d.stop()


def test_kept_gates_bounded(ctx):
    # A gated unit whose every run leaves a child behind (KillMode=process) keeps each run's
    # exec gate for those children; a restart loop must not use up the daemon's descriptors:
    # past UNIT_KEPT_GATES_MAX (128) the oldest gate is closed, with a warning.
    fifo = os.path.join(ctx.tmp, 'never-written')
    os.mkfifo(fifo)
    # The child waits in a shell builtin (the gate denies it any program): it reads a FIFO
    # that it opened for writing too, so the open does not block and the read never ends.
    units = {'leaky.service': unit(
        "KillMode=process\nRestart=always\nRestartSec=0\nStartLimitIntervalSec=0\n"
        "SystemCallFilter=~execve\nSystemCallErrorNumber=EPERM\n"
        "ExecStart=/bin/sh -c '(read x <> %s) & exit 1'" % fifo)}
    d = ctx.daemon(units, list(units))
    d.wait('leaky.service', lambda s: int(s.get('NRestarts', '0')) >= 150, '150 restarts', timeout=120)
    check('exited processes leave their exec gate in use; closing' in d.daemon_log(),
          'no gate was closed past the limit')
    pid = d.daemon_pid()
    fds = daemon_fds(pid)
    check(fds < 128 * 2 + 100, 'the daemon holds %d fds after 150 leaky runs' % fds)
    check(daemon_fds(d.proc.pid) < 128 * 2 + 100, 'the holder holds %d fds' % daemon_fds(d.proc.pid))
    check(ctl(ctx, d, 'stop', 'leaky.service').returncode == 0, 'stop')
    d.stop()


SCENARIOS = {name[5:]: fn for name, fn in globals().items() if name.startswith('test_')}


def temp_outside_tmp():
    """Moves Python's temporary directories (and so every daemon's directories root) out of
    the host's /tmp, into a new directory under /run that the caller removes. For scenarios
    whose units have PrivateTmp= (DynamicUser= implies it): their services must reach
    what the test gives them."""
    base = tempfile.mkdtemp(prefix='syscage-test-', dir='/run')
    os.chmod(base, 0o755)
    tempfile.tempdir = base
    return base


class Context:
    def __init__(self, syscaged, helpers, syscagectl, scenario):
        self.syscaged, self.syscagectl = os.path.abspath(syscaged), syscagectl
        self.helpers = os.path.abspath(helpers)
        self.prefix = 't%d-%s-' % (os.getpid(), scenario.replace('_', '-'))
        self.daemons = []
        self.tmp = tempfile.mkdtemp(prefix='syscage-test-')
        os.chmod(self.tmp, 0o755)

    def helper(self, name):
        return os.path.join(self.helpers, name)

    def daemon(self, units, enabled, extra_args=()):
        d = Daemon(self.syscaged, units, enabled, self.prefix, extra_args)
        self.daemons.append(d)
        return d.start()

    def cleanup(self, failed):
        for d in self.daemons:
            d.cleanup(failed)
        for pid in marker_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)



class Skip(Exception):
    """A scenario that cannot run on this host: it says why, and the test is skipped (77)."""


def run_scenario(scenarios, make_context, ctl_optional=False,
                 root_why='syscaged integration tests need root', outside_tmp=False):
    """The main() of every scenario script. Its arguments are SYSCAGED HELPERS_DIR SCENARIO
    SYSCAGECTL (the last optional with CTL_OPTIONAL); it runs that one scenario with the
    context make_context(syscaged, helpers, syscagectl, scenario) gives, and returns the exit
    status: 0, 1 on failure, 2 on a usage error, SKIP. OUTSIDE_TMP moves the scenario's
    directories out of the host's /tmp first (temp_outside_tmp())."""
    argv = sys.argv
    if len(argv) < (4 if ctl_optional else 5) or argv[3] not in scenarios:
        print('usage: %s SYSCAGED HELPERS_DIR {%s} %s' % (argv[0], ','.join(scenarios),
              '[SYSCAGECTL]' if ctl_optional else 'SYSCAGECTL'))
        return 2
    if os.geteuid() != 0:
        print('skipped: ' + root_why)
        return SKIP
    base = temp_outside_tmp() if outside_tmp else None
    ctx = make_context(argv[1], argv[2], argv[4] if len(argv) > 4 else None, argv[3])
    failed, skipped = True, False
    try:
        scenarios[argv[3]](ctx)
        failed = False
        print('ok %s' % argv[3])
    except Skip as e:
        failed, skipped = False, True
        print('skipped %s: %s' % (argv[3], e))
    except Failure as e:
        print('FAIL %s: %s' % (argv[3], e))
    finally:
        ctx.cleanup(failed)
        if base:
            shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else SKIP if skipped else 0


def main():
    return run_scenario(SCENARIOS, Context, ctl_optional=True)

if __name__ == '__main__':
    sys.exit(main())
