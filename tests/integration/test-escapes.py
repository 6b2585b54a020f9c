#!/usr/bin/env python3
"""Integration tests: a service must not get around its own filter through the daemon that
supervises it. Each scenario runs a real syscaged in a temporary directory with a service
that is gated (root, no capabilities, NoNewPrivileges=yes, a filter that denies execve) and
whose ExecStart= is the `escape` helper itself, which tries one way out:

  control_root    it asks the control socket to start an unfiltered transient unit
  control_setuid  the same from User=nobody with CAP_SETUID, after setresuid(0)
  control_moved   the same after moving itself out of its cgroup, to the hierarchy's root
  control_full    a unit with [X-Syscage] ControlAccess=full may (not wired yet: skips)
  signals         it rewrites its unit file and sends SIGHUP to the daemon, then fails so
                  that Restart=on-failure starts the new command; and it sends SIGTERM
  proc            it reads the daemon's /proc files

and shows both that the attempt fails and that the allowed way (an operator outside, the
service's own files) still works. The daemon helpers come from test-service.py.

Usage: test-escapes.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root, or the feature is not there).
"""
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time

_spec = importlib.util.spec_from_file_location(
    'service_test', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
check, Failure, unit = st.check, st.Failure, st.unit

# What makes a service "gated": uid 0 without any capability, no way to gain one, and an
# execve that goes through the daemon's gate once and is denied after.
GATED = 'CapabilityBoundingSet=\nNoNewPrivileges=yes\nSystemCallFilter=~execve\n'
GATED_KILL = 'CapabilityBoundingSet=CAP_KILL\nNoNewPrivileges=yes\nSystemCallFilter=~execve\n'


Skip = st.Skip


def sock(d):
    return os.path.join(d.runtime_dir, 'control.sock')


def ctl(ctx, d, *args):
    env = dict(os.environ, SYSCAGE_SOCKET=sock(d))
    return subprocess.run([ctx.syscagectl, *args], env=env, capture_output=True, text=True, timeout=20)


def wait_for(cond, what, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.02)
    raise Failure('timed out waiting for ' + what)


def wait_daemon_log(d, text, timeout=10.0):
    wait_for(lambda: text in d.daemon_log(), '%r in the daemon log' % text, timeout)


def ended(d, name):
    return d.wait(name, lambda s: s.get('ExecMainCode') not in (None, '') and
                  s.get('ActiveState') in ('inactive', 'failed'), 'the service ended')


def operator_can_run(ctx, d, marker):
    """The allowed way: an operator outside every unit starts a transient unit."""
    p = ctl(ctx, d, 'run', '--wait', '/bin/sh', '-c', 'echo operator > %s' % marker)
    check(p.returncode == 0, 'the operator could not run a unit: %s %s' % (p.stdout, p.stderr))
    check(os.path.exists(marker), 'the operator\'s unit did not run')


def attacker_unit(ctx, d_sock, target, marker, extra='', options=''):
    args = '%s run %s %s%s /bin/sh -c "echo escaped > %s"' % (
        ctx.helper('escape'), d_sock, options, target, marker)
    # A read-only call first, which stays allowed.
    return unit('Type=oneshot\nExecStart=%s list %s\nExecStart=%s\n%s' % (
        ctx.helper('escape'), d_sock, args, extra), install=False)


def control_attempt(ctx, extra, options='', unit_named=True):
    marker = os.path.join(ctx.tmp, 'escaped')
    d = ctx.daemon({}, [])
    target = d.prefix + 'pwn.service'
    # A gated service does not even see the control socket by default (ProtectSupervisor=,
    # test-sandbox.py shows it): here it may, so that the control plane's own refusal is tested.
    with open(os.path.join(d.units_dir, d.prefix + 'attacker.service'), 'w') as f:
        f.write(attacker_unit(ctx, sock(d), target, marker, extra, options) +
                '\n[X-Syscage]\nProtectSupervisor=no\n')
    wait_for(lambda: os.path.exists(sock(d)), 'the control socket')
    # --no-block: the attacker is a oneshot that fails (exit 3); its end is awaited below.
    p = ctl(ctx, d, 'start', '--no-block', d.prefix + 'attacker.service')
    check(p.returncode == 0, 'start attacker: %s' % p.stderr)
    s = ended(d, 'attacker.service')
    log = d.unit_log('attacker.service')
    check('called ListUnits' in log, 'the read-only call was refused too:\n' + log)
    check(not os.path.exists(marker), 'the service escaped: a unit it started ran unfiltered')
    check(s['ExecMainCode'] == 'exited' and s['ExecMainStatus'] == '3',
          'StartTransient was not refused with AccessDenied: %s\n%s' % (s, log))
    check(ctl(ctx, d, 'status', target).returncode != 0, 'the refused unit was created')
    if unit_named:
        check('the caller runs inside unit %s (ControlAccess=read-only)' % (d.prefix + 'attacker.service') in log,
              'the refusal does not name the unit:\n' + log)
        wait_daemon_log(d, 'belongs to unit %s: read-only' % (d.prefix + 'attacker.service'))
    else:
        check('the caller runs under the supervisor' in log, 'the refusal does not say why:\n' + log)
        wait_daemon_log(d, 'runs under the supervisor: read-only')
    operator_can_run(ctx, d, os.path.join(ctx.tmp, 'operator'))
    d.stop()


def test_control_root(ctx):
    control_attempt(ctx, GATED)


def test_control_setuid(ctx):
    control_attempt(ctx, 'User=nobody\nAmbientCapabilities=CAP_SETUID\nCapabilityBoundingSet=CAP_SETUID\n'
                    'NoNewPrivileges=yes\nSystemCallFilter=~execve\n', '--setuid0 ')


def test_control_moved(ctx):
    """A child of the service (a pid the daemon does not know) moves out of the unit's cgroup:
    it is still the daemon's descendant."""
    mount = None
    with open('/proc/self/mountinfo') as f:
        for line in f:
            fields = line.split()
            if fields[fields.index('-') + 1] == 'cgroup2' and fields[3] == '/':
                mount = fields[4]
                break
    if not mount:
        raise Skip('no cgroup2 hierarchy')
    control_attempt(ctx, GATED, '--fork --move-cgroup %s ' % mount, unit_named=False)


def test_control_full(ctx):
    """A unit that says ControlAccess=full may change state from inside."""
    marker = os.path.join(ctx.tmp, 'full')
    d = ctx.daemon({}, [])
    target = d.prefix + 'child.service'
    text = attacker_unit(ctx, sock(d), target, marker, GATED) + '\n[X-Syscage]\nControlAccess=full\n'
    with open(os.path.join(d.units_dir, d.prefix + 'admin.service'), 'w') as f:
        f.write(text)
    wait_for(lambda: os.path.exists(sock(d)), 'the control socket')
    p = ctl(ctx, d, 'start', d.prefix + 'admin.service')
    check(p.returncode == 0, 'start admin: %s' % p.stderr)
    s = ended(d, 'admin.service')
    check(s['ExecMainStatus'] == '0', 'a ControlAccess=full unit was refused: %s\n%s'
          % (s, d.unit_log('admin.service')))
    wait_for(lambda: os.path.exists(marker), 'the unit started by a ControlAccess=full unit')
    d.stop()


GUARD_UID = 4294967293


def test_guard_uid(ctx):
    # A root service without CAP_KILL cannot signal the daemon (or its fd holder): their real
    # and saved uid is the guard uid. With CAP_SETUID a gated service cannot take that uid
    # (with or without garbage in the upper half of the registers), while another uid works.
    d = ctx.daemon({}, [])
    wait_for(lambda: os.path.exists(sock(d)), 'the control socket')
    with open('/proc/%d/status' % d.daemon_pid()) as f:
        uids = [l.split()[1:] for l in f if l.startswith('Uid:')][0]
    check(uids == [str(GUARD_UID), '0', str(GUARD_UID), '0'], 'daemon uids: %s' % uids)
    with open('/proc/%d/status' % d.proc.pid) as f:
        uids = [l.split()[1:] for l in f if l.startswith('Uid:')][0]
    check(uids[0] == str(GUARD_UID) and uids[1] == '0', 'holder uids: %s' % uids)
    units = {
        'nocap.service': 'ExecStart=%s signal ppid 0\n%s' % (ctx.helper('escape'), GATED),
        'holder.service': 'ExecStart=%s signal %d 0\n%s' % (ctx.helper('escape'), d.proc.pid, GATED),
        'take.service': 'ExecStart=%s setuid %d ppid\nCapabilityBoundingSet=CAP_SETUID\n'
                        'NoNewPrivileges=yes\nSystemCallFilter=~execve\n' % (ctx.helper('escape'), GUARD_UID),
        'take-high.service': 'ExecStart=%s setuid %d ppid high\nCapabilityBoundingSet=CAP_SETUID\n'
                             'NoNewPrivileges=yes\nSystemCallFilter=~execve\n' % (ctx.helper('escape'), GUARD_UID),
        'other.service': 'ExecStart=%s setuid 12345 ppid\nCapabilityBoundingSet=CAP_SETUID\n'
                         'NoNewPrivileges=yes\nSystemCallFilter=~execve\n' % ctx.helper('escape'),
        # Through a user namespace whose uid_map it writes: with CAP_SETUID the namespace is
        # refused; without it, the namespace is there but the map to the guard uid is not.
        'userns.service': 'ExecStart=%s userns-uid %d ppid\nCapabilityBoundingSet=CAP_SETUID\n'
                          'NoNewPrivileges=yes\nSystemCallFilter=~execve\n' % (ctx.helper('escape'), GUARD_UID),
        'userns-nocap.service': 'ExecStart=%s userns-uid %d ppid\n%s' % (ctx.helper('escape'), GUARD_UID, GATED),
        # cgroupfs checks owner and mode only: a capless root service must not be able to pull
        # the daemon into its own cgroup (whose stop would kill it); it may still read it.
        'pull.service': "CapabilityBoundingSet=\nExecStart=/bin/sh -c '"
                        "m=$(grep \" - cgroup2 \" /proc/self/mountinfo | head -1 | cut -d\" \" -f5); "
                        "f=$m$(sed -n \"s/^0:://p\" /proc/self/cgroup)/cgroup.procs; "
                        "test -r $f && echo pull readable; "
                        "if echo $PPID > $f; then echo pull moved; else echo pull denied; fi'\n",
    }
    for n, text in units.items():
        with open(os.path.join(d.units_dir, d.prefix + n), 'w') as f:
            f.write(unit('Type=oneshot\nSuccessExitStatus=1 2\n' + text, install=False))
    check(ctl(ctx, d, 'daemon-reload').returncode == 0, 'daemon-reload')
    for n in units:
        p = ctl(ctx, d, 'start', d.prefix + n)
        check(p.returncode == 0, 'start %s: %s' % (n, p.stderr))
        ended(d, d.prefix + n)
    for n in ('nocap.service', 'holder.service'):
        log = d.unit_log(d.prefix + n)
        check('Operation not permitted' in log and 'sent signal' not in log,
              '%s signalled the supervisor:\n%s' % (n, log))
    for n in ('take.service', 'take-high.service'):
        log = d.unit_log(d.prefix + n)
        check('setresuid(%d): Operation not permitted' % GUARD_UID in log,
              '%s took the guard uid:\n%s' % (n, log))
    log = d.unit_log(d.prefix + 'pull.service')
    check('pull readable' in log and 'pull denied' in log and 'pull moved' not in log,
          'a capless root service moved the daemon into its cgroup:\n' + log)
    log = d.unit_log(d.prefix + 'userns.service')
    check('unshare(CLONE_NEWUSER): Operation not permitted' in log and 'from the namespace: ok' not in log,
          'a gated service with CAP_SETUID made a user namespace:\n' + log)
    log = d.unit_log(d.prefix + 'userns-nocap.service')
    check('unshare(CLONE_NEWUSER): ok' in log and 'uid_map 0 %d 1: Operation not permitted' % GUARD_UID in log
          and 'from the namespace: ok' not in log,
          'without CAP_SETUID the namespace should work and the map to the guard uid fail:\n' + log)
    log = d.unit_log(d.prefix + 'other.service')
    check('setresuid(12345): ok' in log and 'kill(%d, 0): Operation not permitted' % d.daemon_pid() in log,
          'another uid is not allowed, or it could signal the daemon:\n' + log)
    d.stop()


def test_signals(ctx):
    # A service that can signal the daemon (it keeps CAP_KILL; without it the kernel refuses,
    # see test_guard_uid) is still not obeyed.
    marker = os.path.join(ctx.tmp, 'escaped')
    d = ctx.daemon({}, [])
    name = d.prefix + 'hup.service'
    path = os.path.join(d.units_dir, name)
    evil = os.path.join(ctx.tmp, 'evil.service')
    with open(evil, 'w') as f:
        f.write(unit('ExecStart=/bin/sh -c "echo escaped > %s"\n' % marker, install=False))
    with open(path, 'w') as f:
        f.write(unit('ExecStart=%s signal ppid %d %s %s\nRestart=on-failure\nRestartSec=100ms\n'
                     'StartLimitBurst=3\n%s' % (ctx.helper('escape'), signal.SIGHUP, path, evil, GATED_KILL),
                     install=False))
    wait_for(lambda: os.path.exists(sock(d)), 'the control socket')
    p = ctl(ctx, d, 'start', name)
    check(p.returncode == 0, 'start: %s' % p.stderr)
    # The signal arrives, is ignored, and the restarted service runs the command the daemon
    # loaded (the unit file on disk is the rewritten one by now).
    wait_daemon_log(d, 'Ignoring SIGHUP from pid')
    d.wait(name, lambda s: int(s.get('NRestarts', '0')) >= 1, 'a restart')
    wait_for(lambda: d.unit_log(name).count('sent signal') >= 2, 'the restarted service running the old command')
    check(not os.path.exists(marker), 'the restarted service ran the rewritten, unfiltered command')
    check('Reloading.' not in d.daemon_log(), 'the daemon reloaded on the service\'s SIGHUP')
    check(ctl(ctx, d, 'stop', name).returncode == 0, 'stop')
    d.wait(name, lambda s: s.get('ActiveState') in ('inactive', 'failed'), 'stopped')

    # SIGTERM from a service: ignored too, the daemon lives on.
    term = d.prefix + 'term.service'
    with open(os.path.join(d.units_dir, term), 'w') as f:
        f.write(unit('Type=oneshot\nExecStart=%s signal ppid %d\nSuccessExitStatus=1\n%s'
                     % (ctx.helper('escape'), signal.SIGTERM, GATED_KILL), install=False))
    # The operator's SIGHUP from outside (this process) still reloads, and picks up term.service.
    os.kill(d.proc.pid, signal.SIGHUP)
    wait_daemon_log(d, 'Reloading.')
    p = ctl(ctx, d, 'start', term)
    check(p.returncode == 0, 'start term: %s' % p.stderr)
    ended(d, term)
    wait_daemon_log(d, 'Ignoring SIGTERM from pid')
    check('Shutting down' not in d.daemon_log(), 'a service\'s SIGTERM shut the daemon down')
    check(d.proc.poll() is None, 'the daemon died')
    operator_can_run(ctx, d, os.path.join(ctx.tmp, 'operator'))
    d.stop()  # the operator's SIGTERM still stops it


def proc_probe(ctx, d, name):
    # Launch a few units first, as another user: a launch must leave the daemon as closed as
    # before.
    for i in range(3):
        check(ctl(ctx, d, 'run', '--wait', '-p', 'User=nobody', '/bin/true').returncode == 0, 'run as nobody')
    runs = d.unit_log(name).count('pid self')
    p = ctl(ctx, d, 'start', name)
    check(p.returncode == 0, 'start: %s' % p.stderr)
    wait_for(lambda: d.unit_log(name).count('pid self') > runs, 'the probe')
    s = ended(d, name)
    check(s['Result'] == 'success', 'proc.service: %s' % s)
    log = d.unit_log(name).split('syscaged: Main process exited')
    log = '\n'.join(log[-3:])
    parts = log.split('pid self')
    check(len(parts) == 2, 'both runs logged:\n' + log)
    # Everything that exposes the daemon's memory, files or descriptors needs ptrace access,
    # which a non-dumpable process grants only to CAP_SYS_PTRACE. (The names in /proc/PID/fd
    # are listed for the process's owner, uid 0; their targets are not: see syscaged(8).)
    own = parts[0].split('\n')
    files = ('environ', 'maps', 'mem', 'auxv', 'syscall', 'stack', 'pagemap', 'personality', 'io',
             'timers', 'cwd', 'root', 'exe', 'ns/mnt', 'fd/N', 'fdinfo/N')
    fdn = [l.split('(fd/N is ')[1].rstrip(')') for l in own if '(fd/N is ' in l][0]
    fdinfo = [l.split('(fdinfo/N is ')[1].rstrip(')') for l in own if '(fdinfo/N is ' in l][0]
    for f in files:
        f = fdn if f == 'fd/N' else fdinfo if f == 'fdinfo/N' else f
        check(' %s: denied' % f in parts[0], 'a gated root service reads the daemon\'s /proc/PID/%s:\n%s'
              % (f, log))
    for f in ('environ', 'maps', 'auxv', 'cwd', 'exe'):
        check(' %s: readable' % f in parts[1], 'the service cannot read its own /proc/self/%s:\n%s' % (f, log))


def proc_race(ctx, d):
    """A service reads the daemon's environ in a loop while the daemon launches units as another
    user, each of which changes credentials in a child that may share the daemon's memory."""
    name = d.prefix + 'proc-loop.service'
    with open(os.path.join(d.units_dir, name), 'w') as f:
        f.write(unit('Type=oneshot\nExecStart=%s proc-loop ppid 3\n%s' % (ctx.helper('escape'), GATED),
                     install=False))
    os.kill(d.proc.pid, signal.SIGHUP)  # the operator's reload picks the unit up
    wait_daemon_log(d, 'Reloading.')
    # --no-block: the launches below race the oneshot while it is still activating.
    p = subprocess.Popen([ctx.syscagectl, 'start', '--no-block', name], env=dict(os.environ, SYSCAGE_SOCKET=sock(d)))
    check(p.wait(20) == 0, 'start proc-loop')
    launches = 0
    while d.status(name).get('ActiveState') in ('activating', 'active') and launches < 200:
        check(ctl(ctx, d, 'run', '--wait', '-p', 'User=nobody', '-p', 'Group=nogroup', '/bin/true').returncode
              == 0, 'run as nobody')
        launches += 1
    s = ended(d, name)
    log = d.unit_log(name)
    m = re.search(r'environ readable (\d+) times in (\d+) tries', log)
    check(m and int(m.group(2)) > 100, 'the probe did not run:\n' + log)
    check(m.group(1) == '0', 'the daemon\'s environ was readable during launches:\n' + log)
    check(launches >= 3, 'only %d launches during the probe' % launches)


def test_proc(ctx):
    d = ctx.daemon({}, [])
    name = d.prefix + 'proc.service'
    with open(os.path.join(d.units_dir, name), 'w') as f:
        f.write(unit('Type=oneshot\nExecStart=%s proc ppid\nExecStart=%s proc self\n%s'
                     % (ctx.helper('escape'), ctx.helper('escape'), GATED), install=False))
    wait_for(lambda: os.path.exists(sock(d)), 'the control socket')
    # With fs.suid_dumpable 0 the launches share the daemon's memory (clone3 CLONE_VM), and
    # with 1 they must not: a credential change in the child would make the shared address
    # space dumpable. Both ways, the daemon stays closed.
    with open('/proc/sys/fs/suid_dumpable') as f:
        saved = f.read().strip()
    try:
        for value in ('0', '1'):
            with open('/proc/sys/fs/suid_dumpable', 'w') as f:
                f.write(value)
            proc_probe(ctx, d, name)
            if value == '0':
                proc_race(ctx, d)
    finally:
        with open('/proc/sys/fs/suid_dumpable', 'w') as f:
            f.write(saved)
    # The operator (root with every capability) still can.
    with open('/proc/%d/environ' % d.proc.pid, 'rb') as f:
        f.read(1)
    d.stop()


SCENARIOS = {name[5:]: fn for name, fn in globals().items() if name.startswith('test_')}


def main():
    return st.run_scenario(SCENARIOS, lambda syscaged, helpers, ctl, scenario:
                           st.Context(syscaged, helpers, ctl, 'esc-' + scenario))

if __name__ == '__main__':
    sys.exit(main())
