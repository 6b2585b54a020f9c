#!/usr/bin/env python3
"""Integration tests for the node baseline (syscaged --baseline=FILE): a policy file every
service gets as a filter of its own, which no unit can loosen.

Scenarios:
  enforced      baseline SystemCallFilter=~uname with EPERM: a unit without a policy fails
                uname with EPERM and does its other work; units that allow uname, or deny
                seccomp() to themselves, still get EPERM; so do ExecStartPre= commands, "+"
                commands, a User=nobody service (which keeps no_new_privs off) and a transient
                `syscagectl run`; a gated unit (~execve) still launches and its gate works;
                status, show and --json report the baseline; without a baseline uname works.
  bad_startup   a bad baseline, a named missing one, and baselines restricting execve,
                execveat or seccomp: syscaged exits non-zero with FILE:LINE errors.
  reexec        a unit keeps its baseline across daemon-reexec and status still says which;
                a re-exec while the file is bad is refused and the daemon runs on.
  analyze       `syscagectl analyze policy UNIT --baseline=FILE` (offline) shows the baseline
                as a layer and the effective decision per syscall; a bad baseline fails it.
  reload        daemon-reload with a bad file keeps the old baseline (the daemon runs on,
                reload reports the error); with a good one, new starts get the new baseline
                and a unit started before is reported as not current.

The scenarios reuse the daemon driver of test-service.py.

Usage: test-baseline.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root).
"""
import importlib.util
import json
import os
import subprocess
import sys

_spec = importlib.util.spec_from_file_location(
    'service_test', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
check, unit, ctl, Failure = st.check, st.unit, st.ctl, st.Failure

DENY_UNAME = '[Service]\n# the fleet owner\'s floor\nSystemCallFilter=~uname\nSystemCallErrorNumber=EPERM\n'
EPERM_TEXT = 'Operation not permitted'


class BaselineDaemon(st.Daemon):
    """The driver of test-service.py with --baseline= (None: the option is left out)."""
    def __init__(self, syscaged, units, enabled, prefix, baseline_arg):
        super().__init__(syscaged, units, enabled, prefix)
        self.baseline_arg = baseline_arg

    def argv(self):
        a = [self.syscaged, '--units-dir', self.units_dir, '--state-dir', self.state_dir,
             '--runtime-dir', self.runtime_dir, '--directories-root', self.root_dir,
             '--log-level', 'debug']
        if self.baseline_arg is not None:
            a.append('--baseline=' + self.baseline_arg)
        return a

    def start(self):
        log = open(self.log_path, 'w')
        self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        log.close()
        return self


class Context(st.Context):
    def baseline_file(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def daemon_with(self, baseline_arg, units, enabled=()):
        d = BaselineDaemon(self.syscaged, units, list(enabled), self.prefix, baseline_arg)
        self.daemons.append(d)
        return d.start()


def wait_ready(ctx, d):
    """The control socket answers (the daemon has loaded its baseline and units)."""
    end = st.time.monotonic() + 15
    while st.time.monotonic() < end:
        check(d.proc.poll() is None, 'daemon exited early (%s):\n%s' % (d.proc.returncode, d.daemon_log()[-3000:]))
        if ctl(ctx, d, 'list-units', '--all').returncode == 0:
            return
        st.time.sleep(0.02)
    raise Failure('the daemon did not answer within 15s')


def start(ctx, d, name):
    r = ctl(ctx, d, 'start', name)
    check(r.returncode == 0, 'start %s: %s' % (name, r.stderr))


def test_enforced(ctx):
    uname = ctx.helper('uname-sysname')
    path = ctx.baseline_file('baseline.conf', DENY_UNAME)
    units = {
        # No policy at all: uname fails, the rest of its work is done.
        'plain.service': unit("ExecStart=/bin/sh -c 'echo work-done; exec %s'" % uname, install=False),
        # Trying to loosen it: an allow list naming uname. (/bin/uname, not the helper: a
        # sanitizer build's helper would need ptrace, which the allow list refuses.)
        'loosen.service': unit('ExecStart=/bin/uname -s\nSystemCallFilter=@system-service uname', install=False),
        # A unit policy that denies seccomp() loads after the baseline, so cannot keep it out.
        'noseccomp.service': unit('ExecStart=%s\nSystemCallFilter=~seccomp\nSystemCallErrorNumber=EACCES'
                                  % uname, install=False),
        # Both deny: the unit's filter is the newer one, and the kernel answers with its errno
        # (what analyze says too).
        'both.service': unit('ExecStart=%s\nSystemCallFilter=~uname\nSystemCallErrorNumber=ENETDOWN' % uname,
                             install=False),
        # Every command: ExecStartPre= ("-": its failure is ignored) and "+".
        'pre.service': unit('ExecStartPre=-%s\nExecStartPre=-+%s\nExecStart=/bin/echo main-ran' % (uname, uname),
                            install=False),
        # A non-root service that did not ask for no_new_privs: it gets the baseline loaded
        # while still root, and keeps no_new_privs off (setuid programs keep working).
        'nobody.service': unit("User=nobody\nExecStart=/bin/sh -c 'grep NoNewPrivs /proc/self/status; exec %s'"
                               % uname, install=False),
        # A non-root service with a policy of its own: no_new_privs (as without a baseline),
        # and the baseline goes in just before the unit's filters.
        'nobodyfilter.service': unit("User=nobody\nSystemCallFilter=~bpf\n"
                                     "ExecStart=/bin/sh -c 'grep NoNewPrivs /proc/self/status; exec %s'" % uname,
                                     install=False),
        # The exec gate: the service still launches, and later execve calls are refused.
        'gate.service': unit("ExecStart=/bin/bash -c 'echo launched; /bin/true; echo rc=$?'\n"
                             'SystemCallFilter=~execve\nSystemCallErrorNumber=EACCES', install=False),
    }
    d = ctx.daemon_with(path, units)
    wait_ready(ctx, d)
    for name in units:
        start(ctx, d, name)

    d.wait_state('plain.service', 'failed')
    d.wait_log('plain.service', 'stdout: work-done')
    d.wait_log('plain.service', 'stderr: ' + EPERM_TEXT)
    for name in ('loosen.service', 'noseccomp.service'):
        d.wait_state(name, 'failed')
        d.wait_log(name, EPERM_TEXT)
    d.wait_state('both.service', 'failed')
    d.wait_log('both.service', 'stderr: Network is down')
    d.wait_state('pre.service', 'inactive')
    d.wait_log('pre.service', 'stdout: main-ran')
    check(d.unit_log('pre.service').count('stderr: ' + EPERM_TEXT) == 2,
          'both ExecStartPre= commands should fail uname:\n' + d.unit_log('pre.service'))
    d.wait_state('nobody.service', 'failed')
    d.wait_log('nobody.service', 'stderr: ' + EPERM_TEXT)
    d.wait_log('nobody.service', 'NoNewPrivs:\t0')
    d.wait_state('nobodyfilter.service', 'failed')
    d.wait_log('nobodyfilter.service', 'stderr: ' + EPERM_TEXT)
    d.wait_log('nobodyfilter.service', 'NoNewPrivs:\t1')
    d.wait_state('gate.service', 'inactive')
    d.wait_log('gate.service', 'stdout: launched')
    d.wait_log('gate.service', 'stdout: rc=126')
    d.wait_log('gate.service', 'Denied execve("/bin/true")')

    # A transient unit gets it too; one that does not call uname runs fine.
    r = ctl(ctx, d, 'run', '--wait', uname)
    check(r.returncode != 0, 'run %s should fail under the baseline: %s' % (uname, r.stdout))
    r = ctl(ctx, d, 'run', '--wait', '/bin/true')
    check(r.returncode == 0, 'run /bin/true: %s %s' % (r.stdout, r.stderr))

    # What status, show and --json say.
    r = ctl(ctx, d, 'status', 'plain.service')
    line = [l for l in r.stdout.split('\n') if 'Baseline:' in l]
    check(line and path in line[0] and '1 call denied' in line[0] and '(current)' in line[0],
          'status lacks the Baseline line: %s' % r.stdout)
    r = ctl(ctx, d, 'show', '-p', 'Baseline', 'nobody.service')
    check(r.stdout.startswith('Baseline=' + path + ' (hash '), 'show -p Baseline: %r' % r.stdout)
    r = ctl(ctx, d, 'show', '--json', 'gate.service')
    check(r.returncode == 0 and path in json.loads(r.stdout).get('Baseline', ''), 'show --json: %s' % r.stdout)
    r = ctl(ctx, d, 'status', '--json', 'plain.service')
    check(r.returncode in (0, 3) and '1 call denied' in json.loads(r.stdout).get('Baseline', ''),
          'status --json: %s' % r.stdout)
    d.stop()

    # The allowed side: the same unit without a baseline (--baseline= empty) calls uname.
    d = ctx.daemon_with('', {'free.service': unit('ExecStart=' + uname, install=False)})
    wait_ready(ctx, d)
    start(ctx, d, 'free.service')
    d.wait_state('free.service', 'inactive')
    d.wait_log('free.service', 'stdout: Linux')
    r = ctl(ctx, d, 'status', 'free.service')
    check('Baseline:' not in r.stdout, 'a Baseline line without a baseline: %s' % r.stdout)
    d.stop()


def refused_start(ctx, baseline_arg, expect):
    """syscaged must exit non-zero, saying EXPECT (a regular expression)."""
    d = ctx.daemon_with(baseline_arg, {'x.service': unit('ExecStart=/bin/true')}, ['x.service'])
    try:
        rc = d.proc.wait(15)
    except subprocess.TimeoutExpired:
        raise Failure('syscaged started with the baseline %s' % baseline_arg)
    log = d.daemon_log()
    check(rc != 0, 'syscaged exited 0 with the baseline %s' % baseline_arg)
    check(st.re.search(expect, log), 'expected %r in:\n%s' % (expect, log))
    check(not os.path.exists(os.path.join(d.state_dir, 'logs', d._n('x.service') + '.log')),
          'a unit ran although the baseline was refused')


def test_bad_startup(ctx):
    bad = ctx.baseline_file('bad.conf', '[Service]\nSystemCallFilter=~bpf\nExecStart=/bin/true\n')
    refused_start(ctx, bad, r'bad\.conf:3: ExecStart: .*not allowed in a baseline')
    typo = ctx.baseline_file('typo.conf', '[Service]\n\nSystemCallFilter=~no_such_call_anywhere\n')
    refused_start(ctx, typo, r'typo\.conf:3: SystemCallFilter: ')
    refused_start(ctx, os.path.join(ctx.tmp, 'missing.conf'), r'missing\.conf: .*does not exist')
    for call in ('execve', 'execveat', 'seccomp'):
        f = ctx.baseline_file(call + '.conf', '[Service]\nSystemCallFilter=~kexec_load bpf %s\n' % call)
        refused_start(ctx, f, r'%s\.conf:2: SystemCallFilter: .*may not restrict %s\b' % (call, call))


def test_reload(ctx):
    uname = ctx.helper('uname-sysname')
    path = ctx.baseline_file('baseline.conf', DENY_UNAME)
    units = {
        'long.service': unit('ExecStart=/bin/sleep 300', install=False),
        'probe.service': unit('ExecStart=' + uname, install=False),
    }
    d = ctx.daemon_with(path, units)
    wait_ready(ctx, d)
    start(ctx, d, 'long.service')
    d.wait_state('long.service', 'active')

    # A bad file: the reload says so, the daemon runs on, the old baseline stays in force.
    with open(path, 'w') as f:
        f.write('[Service]\nSystemCallFilter=~uname\nUser=nobody\n')
    r = ctl(ctx, d, 'daemon-reload')
    check(r.returncode != 0 and 'baseline.conf:3: User' in r.stderr, 'daemon-reload: %s' % r.stderr)
    check(st.re.search(r'baseline\.conf:3: User: not allowed in a baseline', d.daemon_log()), 'not logged')
    start(ctx, d, 'probe.service')
    d.wait_state('probe.service', 'failed')
    d.wait_log('probe.service', 'stderr: ' + EPERM_TEXT)
    check(d.proc.poll() is None, 'the daemon exited after a bad reload')

    # A good one: new starts get it, the running unit is reported as started under the old.
    with open(path, 'w') as f:
        f.write('[Service]\nSystemCallFilter=~uname\nSystemCallErrorNumber=ENETDOWN\n')
    r = ctl(ctx, d, 'daemon-reload')
    check(r.returncode == 0, 'daemon-reload: %s' % r.stderr)
    start(ctx, d, 'probe.service')
    d.wait_log('probe.service', 'stderr: Network is down')
    r = ctl(ctx, d, 'show', '-p', 'Baseline', 'long.service')
    check('(not current; now ' in r.stdout and 'errno EPERM' in r.stdout, 'show long: %r' % r.stdout)
    r = ctl(ctx, d, 'show', '-p', 'Baseline', 'probe.service')
    check('ENETDOWN' in r.stdout and '(current)' in r.stdout, 'show probe: %r' % r.stdout)
    d.stop()


def test_reexec(ctx):
    uname = ctx.helper('uname-sysname')
    path = ctx.baseline_file('baseline.conf', DENY_UNAME)
    units = {
        'long.service': unit('ExecStart=/bin/sleep 300', install=False),
        'probe.service': unit('ExecStart=' + uname, install=False),
    }
    d = ctx.daemon_with(path, units)
    wait_ready(ctx, d)
    start(ctx, d, 'long.service')
    d.wait_state('long.service', 'active')
    before = ctl(ctx, d, 'show', '-p', 'Baseline', 'long.service').stdout
    check(before.startswith('Baseline=' + path) and '(current)' in before, 'show: %r' % before)
    r = ctl(ctx, d, 'daemon-reexec')
    check(r.returncode == 0, 'daemon-reexec: %s' % r.stderr)
    wait_ready(ctx, d)
    after = ctl(ctx, d, 'show', '-p', 'Baseline', 'long.service').stdout
    check(after == before, 'after the re-exec: %r, before: %r' % (after, before))
    d.wait_state('long.service', 'active')
    start(ctx, d, 'probe.service')
    d.wait_state('probe.service', 'failed')
    d.wait_log('probe.service', 'stderr: ' + EPERM_TEXT)

    # A bad file: the re-exec is refused, the daemon and its baseline stay.
    with open(path, 'w') as f:
        f.write('[Service]\nSystemCallFilter=~seccomp\n')
    r = ctl(ctx, d, 'daemon-reexec')
    check(r.returncode != 0 and 'baseline.conf:2: SystemCallFilter' in r.stderr, 'daemon-reexec: %s' % r.stderr)
    wait_ready(ctx, d)
    check(ctl(ctx, d, 'show', '-p', 'Baseline', 'long.service').stdout == before, 'baseline changed')
    check(ctl(ctx, d, 'stop', 'long.service').returncode == 0, 'stop')
    d.stop()


def analyze(ctx, *args):
    return subprocess.run([ctx.syscagectl, 'analyze', 'policy', *args], capture_output=True, text=True,
                          timeout=30)


def test_analyze(ctx):
    path = ctx.baseline_file('baseline.conf', DENY_UNAME)
    u = ctx.baseline_file('svc.service', unit('ExecStart=/bin/true\nSystemCallFilter=~bpf\nSystemCallErrorNumber=EACCES'))
    r = analyze(ctx, u, '--baseline=' + path, '--syscall', 'uname')
    check(r.returncode == 0, 'analyze: %s' % r.stderr)
    lines = r.stdout.split('\n')
    check(any(l.startswith('# Node baseline: ' + path) for l in lines), 'no baseline header:\n' + r.stdout)
    eff = [l.split() for l in lines if l.startswith('uname ') and 'SystemCallFilter=' in l and 'baseline.conf:3' in l]
    check(eff and eff[-1][1] == 'allow' and eff[-1][2:4] == ['errno', 'EPERM'] and eff[-1][4:6] == ['errno', 'EPERM'],
          'uname: the unit allows, the baseline and the result deny:\n' + r.stdout)
    # A syscall both deny: the unit's filter is the newer one, its errno is the answer.
    both = ctx.baseline_file('both.conf', '[Service]\nSystemCallFilter=~bpf\nSystemCallErrorNumber=EPERM\n')
    r = analyze(ctx, u, '--baseline=' + both, '--syscall', 'bpf')
    eff = [l.split() for l in r.stdout.split('\n') if l.startswith('bpf ') and '(unit)' in l]
    check(eff and eff[-1][1:7] == ['errno', 'EACCES', 'errno', 'EPERM', 'errno', 'EACCES'], 'bpf:\n' + r.stdout)
    # The full listing names only what the baseline decides.
    r = analyze(ctx, u, '--baseline=' + path)
    table = r.stdout.split('# effective where the baseline decides')[-1]
    check('\nuname ' in table and '\nread ' not in table and '\nbpf ' not in table, 'table:\n' + table)
    # Without a baseline: no layer. A bad one: refused with its location.
    r = analyze(ctx, u, '--baseline=', '--syscall', 'uname')
    check(r.returncode == 0 and 'Node baseline' not in r.stdout, 'no baseline:\n' + r.stdout)
    bad = ctx.baseline_file('bad.conf', '[Service]\nSystemCallFilter=~execve\n')
    r = analyze(ctx, u, '--baseline=' + bad)
    check(r.returncode != 0 and 'bad.conf:2: SystemCallFilter' in r.stderr and 'restrict execve' in r.stderr,
          'bad baseline: %s' % r.stderr)


SCENARIOS = {name[5:]: fn for name, fn in globals().items() if name.startswith('test_')}

if __name__ == '__main__':
    sys.exit(st.run_scenario(SCENARIOS, Context))
