#!/usr/bin/env python3
"""The daemon survives its own death: what this tests.

syscaged started as usual becomes a small fd holder (the pid the test started, P) whose child
is the real daemon; the daemon writes its pid to RUNTIME_DIR/syscaged.pid. When the daemon is
SIGKILLed, P starts a new one at once, which takes over every unit: same main process, same
cgroup, the exec gate answering again (a gated execve waits for the answer instead of failing
with ENOSYS), and the service logs going on with no line lost or written twice.
`syscagectl daemon-reexec` and SIGUSR2 to P make the daemon re-execute itself in place (same
pid) with the same guarantees. Durable state lives in RUNTIME_DIR/state/.

Scenarios (each runs its own syscaged; waits are bounded polls, never fixed sleeps):
  kill_loop     20 SIGKILLs of the daemon at random moments (seeded; the seed is printed, and
                SYSCAGE_TEST_SEED=N repeats a run) under five units: 10,000 numbered lines a
                second, Type=notify with a watchdog, Type=forking with PIDFile=, and two gated
                units (errno and kill action). After each kill: same main pids, no second
                copy of any process, the gate answers EPERM (never ENOSYS) within 1 s of the
                new daemon answering. At the end: every line number once and in order across
                the rotated logs, the watchdog and the kill action still work.
  reexec_loop   the same with 10 re-execs (daemon-reexec, and SIGUSR2 to P); the pid stays.
  holder_killed P is SIGKILLed: the daemon says so and goes on; then the daemon is killed too
                and a fresh syscaged on the same directories runs no unit twice.
  bad_state     gate-errno's state file truncated, garbage, or of another version while the
                daemon is down: the new daemon names the file and why, and ends with one copy
                of the unit's process.

Usage: test-survive.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root, or cgroup v2 not writable).
"""
import importlib.util
import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('service_harness', os.path.join(_here, 'test-service.py'))
svc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(svc)
check, Failure, Skip, unit = svc.check, svc.Failure, svc.Skip, svc.unit

KILLS = 20
REEXECS = 10
KILL_DELAY = (0.2, 2.0)          # seconds between two kills (or re-execs), drawn at random
TAKEOVER_TIMEOUT = 15.0          # a new daemon answers, with every unit, within this
GATE_ANSWER_WINDOW = 1.0         # a fresh EPERM line after the new daemon answers, within this
LINES_RATE = 10000
POLL = 0.02
AT_RANDOM = 25                   # auxv entry: differs after each execve while ASLR is on

NOTIFY_PY = r'''
import os, socket, sys, time
flag = sys.argv[1]
addr = os.environ['NOTIFY_SOCKET']
if addr.startswith('@'):
    addr = '\0' + addr[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
def send(msg):
    try:
        s.sendto(msg, addr)   # each time by address: a daemon that comes back binds it anew
    except OSError:
        pass
send(b'READY=1')
while True:
    time.sleep(0.3)
    if not os.path.exists(flag):
        send(b'WATCHDOG=1')
'''

GATE_ERRNO_PY = r'''
import errno, os, sys, time
while True:
    try:
        os.execv('/bin/true', ['/bin/true'])
        name = 'EXECUTED'
    except OSError as e:
        name = errno.errorcode.get(e.errno, str(e.errno))
    t = time.clock_gettime_ns(time.CLOCK_REALTIME)
    print('exec %s %d.%09d' % (name, t // 10**9, t % 10**9), flush=True)
    time.sleep(0.05)
'''

GATE_KILL_PY = r'''
import os, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
print('triggered', flush=True)
os.execv('/bin/true', ['/bin/true'])
print('survived execve', flush=True)
'''


# ---- processes ----

def read_file(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def ppid_of(pid):
    m = re.search(r'^PPid:\s+(\d+)$', read_file('/proc/%d/status' % pid, ''), re.M)
    return int(m.group(1)) if m else None


def proc_state(pid):
    """'R', 'S', 'Z', ... or None when the process is gone."""
    stat = read_file('/proc/%d/stat' % pid)
    return stat.rsplit(')', 1)[1].split()[0] if stat else None


def alive(pid):
    return pid is not None and proc_state(pid) not in (None, 'Z', 'X')


def pids_with_arg(pred):
    """Live processes with an argument (argv[0] included) for which PRED is true."""
    pids = []
    for d in os.listdir('/proc'):
        if d.isdigit():
            try:
                with open('/proc/%s/cmdline' % d, 'rb') as f:
                    if any(pred(a) for a in f.read().split(b'\0')):
                        pids.append(int(d))
            except OSError:
                pass
    return sorted(p for p in pids if alive(p))


def tagged_pids(tag):
    return pids_with_arg(lambda a: a == tag.encode())


def cgroup_pids(cg):
    """Every process in cgroup CG and below it."""
    pids = set()
    for root, _, files in os.walk(cg) if cg else ():
        if 'cgroup.procs' in files:
            pids.update(int(x) for x in read_file(os.path.join(root, 'cgroup.procs'), '').split())
    return pids


def at_random(pid):
    """The AT_RANDOM address of pid's current image, None when unreadable."""
    try:
        with open('/proc/%d/auxv' % pid, 'rb') as f:
            data = f.read()
    except OSError:
        return None
    for key, val in struct.iter_unpack('@QQ', data[:len(data) // 16 * 16]):
        if key == AT_RANDOM:
            return val
    return None


def aslr_on():
    return read_file('/proc/sys/kernel/randomize_va_space', '0').strip() != '0'


def wait_for(cond, what, timeout, on_fail=lambda: ''):
    end = time.monotonic() + timeout
    while True:
        r = cond()
        if r:
            return r
        if time.monotonic() > end:
            raise Failure('timed out after %.1fs waiting for %s%s' % (timeout, what, on_fail()))
        time.sleep(POLL)


def cgroup2_writable():
    with open('/proc/self/mountinfo') as f:
        for line in f:
            pre, _, post = line.partition(' - ')
            if post.split()[0] == 'cgroup2' and os.access(pre.split()[4], os.W_OK):
                return True
    return False


# ---- logs ----

def log_files(d, name):
    """NAME.log.N ... NAME.log.1, NAME.log: every kept file of a unit's log, oldest first."""
    logs = os.path.join(d.state_dir, 'logs')
    base = d._n(name) + '.log'
    rotated = []
    for f in os.listdir(logs) if os.path.isdir(logs) else []:
        m = re.fullmatch(re.escape(base) + r'\.(\d+)', f)
        if m:
            rotated.append((int(m.group(1)), f))
    return [os.path.join(logs, f) for _, f in sorted(rotated, reverse=True)] + [os.path.join(logs, base)]


def inode(path):
    try:
        return os.stat(path).st_ino
    except OSError:
        return None


def read_log(d, name):
    """The whole log of a unit across rotation, up to its last complete record. The files are
    opened first and read afterwards, again if a rotation came in between."""
    for _ in range(50):
        paths = log_files(d, name)
        fds = []
        try:
            for p in paths:
                try:
                    fds.append(os.open(p, os.O_RDONLY | os.O_CLOEXEC))
                except FileNotFoundError:
                    fds.append(None)
            if paths != log_files(d, name) or any(
                    (os.fstat(fd).st_ino if fd is not None else None) != inode(p) for p, fd in zip(paths, fds)):
                continue
            parts = []
            for fd in fds:
                if fd is not None:
                    with os.fdopen(os.dup(fd), 'rb') as f:
                        parts.append(f.read())
            data = b''.join(parts)
            return data[:data.rfind(b'\n') + 1]
        finally:
            for fd in fds:
                if fd is not None:
                    os.close(fd)
    raise Failure('the log of %s rotated under every read' % name)


class LineCoverage:
    """Checks lines.service's numbered output: each read of its log must hold consecutive
    numbers, each once; and consecutive reads must overlap, so that the whole run is covered
    although rotation drops old files. The first read must start at n=0."""
    RECORD = re.compile(rb'^\S+ (\S+)\[(\d+)\] (std(?:out|err)[+~]?): (.*)$', re.M)

    def __init__(self, d, name):
        self.d, self.name = d, name
        self.first = self.last = None
        self.reads = 0

    def snapshot(self, when):
        data = read_log(self.d, self.name)
        nums = []
        for m in self.RECORD.finditer(data):
            stream, text = m.group(3), m.group(4)
            if stream != b'stdout' or not text.startswith(b'n='):
                raise Failure('%s (%s): unexpected record %r' % (self.name, when, m.group(0)[:200]))
            nums.append(int(text[2:]))
        check(nums, '%s (%s): no numbered line in the log' % (self.name, when))
        for i in range(1, len(nums)):
            if nums[i] != nums[i - 1] + 1:
                what = ('logged twice or out of order' if nums[i] <= nums[i - 1] else
                        'missing: n=%d..%d' % (nums[i - 1] + 1, nums[i] - 1))
                raise Failure('%s (%s): n=%d follows n=%d (%s); around it: %s' % (
                    self.name, when, nums[i], nums[i - 1], what, nums[max(0, i - 5):i + 5]))
        if self.first is None:
            check(nums[0] == 0, '%s: the first read starts at n=%d, not n=0' % (self.name, nums[0]))
            self.first = nums[0]
        elif nums[0] > self.last + 1:
            raise Failure('%s (%s): n=%d..%d were never seen (rotated away between two reads?)'
                          % (self.name, when, self.last + 1, nums[0] - 1))
        if self.last is not None and nums[-1] < self.last:
            raise Failure('%s (%s): the log went back from n=%d to n=%d' % (self.name, when, self.last, nums[-1]))
        self.last = nums[-1]
        self.reads += 1
        return nums[-1]


class GateWatch:
    """gate-errno.service's lines "exec ERRNO SECONDS": all must be EPERM."""
    LINE = re.compile(rb'\[(\d+)\] stdout: exec (\S+) (\d+)\.(\d{9})$', re.M)

    def __init__(self, d, name='gate-errno.service'):
        self.d, self.name = d, name

    def attempts(self, pid=None):
        """[(errno name, time, pid)], of PID's lines only if given."""
        found = [(m.group(2).decode(), int(m.group(3)) + int(m.group(4)) / 1e9, int(m.group(1)))
                 for m in self.LINE.finditer(read_log(self.d, self.name))]
        return [a for a in found if pid is None or a[2] == pid]

    def check_all_eperm(self, when, pid=None):
        bad = [a for a in self.attempts(pid) if a[0] != 'EPERM']
        check(not bad, '%s (%s): execve answered %s, not EPERM (at %s)' % (
            self.name, when, bad[0][0] if bad else '', bad[:3]))

    def wait_fresh_eperm(self, since, answered_at, when, pid=None):
        """Two EPERM lines stamped after SINCE (CLOCK_REALTIME, when the old daemon was gone)
        are logged within GATE_ANSWER_WINDOW of ANSWERED_AT (monotonic); of PID's lines only
        if given. The first may answer an execve made before SINCE; the second was made after
        the first line was printed, so only the new daemon can have answered it."""
        while True:
            fresh = [a for a in self.attempts(pid) if a[1] > since]
            if len(fresh) >= 2:
                check(fresh[0][0] == 'EPERM' and fresh[1][0] == 'EPERM',
                      '%s (%s): first attempts after the restart: %s' % (self.name, when, fresh[:2]))
                return
            if time.monotonic() > answered_at + GATE_ANSWER_WINDOW:
                raise Failure('%s (%s): no execve answered within %.1fs of the new daemon answering; '
                              'last attempts: %s' % (self.name, when, GATE_ANSWER_WINDOW, self.attempts()[-3:]))
            time.sleep(POLL)


# ---- the daemon, as holder P and daemon child ----

class SurviveDaemon(svc.Daemon):
    def __init__(self, *args):
        super().__init__(*args)
        self.pid_file = os.path.join(self.runtime_dir, 'syscaged.pid')
        self.exe = os.path.realpath(self.syscaged)
        self.holder_dead = False
        self.daemons_seen = set()
        self.old_holders = []

    def start(self):
        self.log_mark = os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0
        log = open(self.log_path, 'a')
        self.proc = subprocess.Popen(
            [self.syscaged, '--units-dir', self.units_dir, '--state-dir', self.state_dir,
             '--runtime-dir', self.runtime_dir, '--directories-root', self.root_dir,
             '--log-level', 'debug'],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self.holder_dead = False
        return self

    def start_fresh(self):
        """A new syscaged on the same directories (after the old one is gone)."""
        self.old_holders.append(self.proc)
        with open(self.log_path, 'a') as f:
            f.write('---- a fresh syscaged starts here ----\n')
        return self.start()

    def log_since(self, mark):
        with open(self.log_path, 'rb') as f:
            f.seek(mark)
            return f.read().decode(errors='replace')

    def log_size(self):
        return os.path.getsize(self.log_path)

    def holder(self):
        return self.proc.pid

    def daemon_pid(self):
        try:
            pid = int(read_file(self.pid_file, '').strip())
        except ValueError:
            return None
        self.daemons_seen.add(pid)
        return pid

    def wait(self, unit, pred, what, timeout=15.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            s = self.status(unit)
            if s and pred(s):
                return s
            if not self.holder_dead:
                check(self.proc.poll() is None, 'syscaged (P) exited early (%s)' % self.proc.returncode)
            time.sleep(POLL)
        raise Failure('timed out waiting for %s: %s; status %s' % (unit, what, self.status(unit)))

    def cleanup(self, keep):
        if keep:
            self.report()
        for p in [self.proc] + self.old_holders:
            if p and p.poll() is None:
                p.kill()
                p.wait()
        self.daemon_pid()
        for pid in self.daemons_seen:
            try:
                if os.readlink('/proc/%d/exe' % pid) == self.exe:
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        # A daemon the test never saw (started by P, killed before it wrote its pid) lives in
        # the supervisor leaf next to the unit cgroups. Only a per-instance base (syscage-NAME,
        # named after the runtime directory) is this test's alone: a base shared with other
        # daemons (the test's own cgroup) is left alone.
        units = os.path.join(self.runtime_dir, 'units')
        for name in os.listdir(units) if os.path.isdir(units) else []:
            cg = self.status(name[:-len('.status')]).get('CGroup') if name.endswith('.status') else None
            sup = os.path.join(os.path.dirname(cg), 'supervisor') if cg else None
            if (sup and os.path.basename(os.path.dirname(cg)).startswith('syscage-') and
                    os.path.exists(os.path.join(sup, 'cgroup.kill')) and os.getpid() not in cgroup_pids(sup)):
                with open(os.path.join(sup, 'cgroup.kill'), 'w') as f:
                    f.write('1')
        super().cleanup(False)

    def report(self):
        print('--- daemon log, tail, without client connections (%s)' % self.dir)
        log = read_file(self.log_path, '').splitlines(keepends=True)
        print(''.join(l for l in log if not re.search(r'debug: Client (pid|connected|\()', l))[-8000:])
        print('--- P=%s (%s), %s: %r' % (self.proc.pid if self.proc else None,
                                         'dead' if self.holder_dead or not self.proc or self.proc.poll() is not None
                                         else 'alive', self.pid_file, read_file(self.pid_file)))
        state = os.path.join(self.runtime_dir, 'state')
        print('--- %s: %s' % (state, sorted(os.listdir(state)) if os.path.isdir(state) else 'absent'))
        logs = os.path.join(self.state_dir, 'logs')
        for name in sorted(os.listdir(logs)) if os.path.isdir(logs) else []:
            if name.endswith('.log'):
                tail = 600 if 'lines' in name else 2500
                print('--- %s, tail' % name)
                print(read_file(os.path.join(logs, name), '')[-tail:])


class Context(svc.Context):
    def daemon(self, units, enabled):
        if not cgroup2_writable():
            raise Skip('cgroup v2 is not mounted writable: units cannot be tracked across a restart')
        d = SurviveDaemon(self.syscaged, units, enabled, self.prefix)
        self.daemons.append(d)
        return d.start()

    def cleanup(self, failed):
        super().cleanup(failed)
        for pid in pids_with_arg(lambda a: a.startswith(svc.MARKER.encode())):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def ctl(ctx, d, *args, timeout=20):
    env = dict(os.environ, SYSCAGE_SOCKET=os.path.join(d.runtime_dir, 'control.sock'))
    args = [a if not a.endswith('.service') else d._n(a) for a in args]
    try:
        return subprocess.run([ctx.syscagectl, *args], env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, 124, '', 'timed out after %ss' % timeout)


def list_units(ctx, d):
    """{unit: entry} from `syscagectl list --json`, None when the daemon does not answer."""
    p = ctl(ctx, d, 'list', '--all', '--json', timeout=5)
    if p.returncode != 0:
        return None
    try:
        return {e['unit']: e for e in json.loads(p.stdout)}
    except (ValueError, KeyError, TypeError):
        return None


# ---- the units ----

def tag(name):
    return '%s-%s' % (svc.MARKER, name.replace('.service', ''))


def survive_units(ctx, with_lines=True, extra=()):
    """The units of the loops; names without the scenario prefix. Each main process carries
    tag(unit) as an argument (the forking one as its argv[0])."""
    files = {}
    for fname, text in (('notify.py', NOTIFY_PY), ('gate-errno.py', GATE_ERRNO_PY),
                        ('gate-kill.py', GATE_KILL_PY)):
        files[fname] = os.path.join(ctx.tmp, fname)
        with open(files[fname], 'w') as f:
            f.write(text)
    ctx.notify_flag = os.path.join(ctx.tmp, 'stop-watchdog')
    ctx.kill_trigger = os.path.join(ctx.tmp, 'exec-now')
    ctx.pidfile = os.path.join(ctx.tmp, 'forking.pid')
    forking = os.path.join(ctx.tmp, 'forking.sh')
    with open(forking, 'w') as f:
        f.write('(exec -a %s sleep 100000) &\necho $! > %s\n' % (tag('forking'), ctx.pidfile))
    units = {
        'notify.service': unit('Type=notify\nWatchdogSec=2s\nExecStart=/usr/bin/python3 %s %s %s'
                               % (files['notify.py'], ctx.notify_flag, tag('notify'))),
        'forking.service': unit('Type=forking\nPIDFile=%s\nExecStart=/bin/bash %s' % (ctx.pidfile, forking)),
        'gate-errno.service': unit('ExecStart=/usr/bin/python3 %s %s\nSystemCallFilter=~execve\n'
                                   'SystemCallErrorNumber=EPERM' % (files['gate-errno.py'], tag('gate-errno'))),
        'gate-kill.service': unit('ExecStart=/usr/bin/python3 %s %s %s\nSystemCallFilter=~execve'
                                  % (files['gate-kill.py'], ctx.kill_trigger, tag('gate-kill'))),
    }
    if with_lines:
        units['lines.service'] = unit('ExecStart=%s %d %s' % (ctx.helper('lines'), LINES_RATE, tag('lines')))
    units.update(extra)
    return units


def start_units(ctx, units):
    """Starts the daemon and waits until every unit runs; returns (daemon, {unit: MainPID})."""
    d = ctx.daemon(units, list(units))
    base = {}
    for name in units:
        s = d.wait_state(name, 'active', 'running', timeout=20)
        check(s.get('CGroup'), '%s has no cgroup (process-group mode?)' % name)
        base[name] = int(s['MainPID'])
    if 'forking.service' in units:
        check(str(base['forking.service']) == read_file(ctx.pidfile, '').strip(),
              'forking MainPID %d is not the PIDFile' % base['forking.service'])
    check_units(d, base, 'at start')
    return d, base


def check_units(d, base, when, entries=None):
    """Every unit of BASE runs with its old MainPID, alone in its cgroup, and its tagged
    process exists exactly once on the host."""
    for name, pid in base.items():
        s = d.status(name)
        main = int(entries[d._n(name)]['main_pid']) if entries else int(s.get('MainPID', 0))
        check(s.get('ActiveState') == 'active' and main == pid,
              '%s (%s): expected active with MainPID %d, got %s / list %s'
              % (name, when, pid, s, entries and entries.get(d._n(name))))
        procs = cgroup_pids(s.get('CGroup'))
        check(procs == {pid}, '%s (%s): cgroup %s holds %s, expected only %d'
              % (name, when, s.get('CGroup'), sorted(procs), pid))
        copies = tagged_pids(tag(name))
        check(copies == [pid], '%s (%s): processes tagged %s: %s, expected [%d]'
              % (name, when, tag(name), copies, pid))


def daemon_child(d, when):
    """The daemon's pid, checked to be P's child and not P."""
    pid = d.daemon_pid()
    check(pid is not None, '%s: %s names no pid (no fd holder yet?)' % (when, d.pid_file))
    check(pid != d.holder(), '%s: the daemon pid %d is the holder P itself' % (when, pid))
    check(alive(pid) and ppid_of(pid) == d.holder(),
          '%s: daemon %d is not a live child of P=%d (parent %s)' % (when, pid, d.holder(), ppid_of(pid)))
    return pid


def wait_takeover(ctx, d, base, old_pid, when, timeout=TAKEOVER_TIMEOUT, same_pid=False):
    """Waits until a daemon (another pid than OLD_PID, or the same with SAME_PID) answers and
    lists every unit of BASE running with its old MainPID. Returns (pid, monotonic time)."""
    last = {}

    def ready():
        check(d.proc.poll() is None, 'P exited (%s) %s' % (d.proc.returncode, when))
        pid = d.daemon_pid()
        if pid is None or (pid == old_pid and not same_pid) or not alive(pid):
            return None
        entries = list_units(ctx, d)
        last['entries'] = entries
        if entries is None or any(entries.get(d._n(n), {}).get('main_pid') != p or
                                  entries.get(d._n(n), {}).get('active') != 'active'
                                  for n, p in base.items()):
            return None
        return pid, time.monotonic(), entries

    pid, t, entries = wait_for(ready, 'a daemon that answers with every unit (%s)' % when, timeout,
                               lambda: '; pid file %r, last list %s' % (read_file(d.pid_file), last.get('entries')))
    daemon_child(d, when)
    return pid, t, entries


def final_checks(ctx, d, base, cov, gate):
    """After the loop: the whole numbered log, the watchdog, the kill action, a clean stop."""
    if cov:
        cov.snapshot('at the end')
        print('lines: n=%d..%d checked in %d reads' % (cov.first, cov.last, cov.reads))
    gate.check_all_eperm('at the end')
    open(ctx.notify_flag, 'w').close()
    s = d.wait('notify.service', lambda s: s.get('Result') == 'watchdog', 'Result=watchdog', timeout=15)
    open(ctx.kill_trigger, 'w').close()
    d.wait_log('gate-kill.service', 'stdout: triggered', timeout=10)
    s = d.wait('gate-kill.service', lambda s: s.get('ExecMainCode') not in ('', None) and
               s.get('ActiveState') != 'active', 'the main process ended', timeout=15)
    check(s['ExecMainCode'] in ('killed', 'dumped') and s['ExecMainStatus'] == '31',
          'gate-kill not killed by SIGSYS: %s' % s)
    check('survived execve' not in d.unit_log('gate-kill.service'), 'gate-kill survived its execve')
    d.wait_log('gate-kill.service', 'Killed by seccomp: execve', timeout=30)
    holder = d.holder()
    d.stop()
    for name in base:
        check(not tagged_pids(tag(name)), '%s left processes behind after SIGTERM to P' % name)
    check(not alive(d.daemon_pid()), 'the daemon %s outlived P' % d.daemon_pid())
    print('stopped cleanly (P=%d)' % holder)


def seeded_rng():
    seed = int(os.environ.get('SYSCAGE_TEST_SEED') or time.time_ns() % 1000000007)
    print('seed %d (SYSCAGE_TEST_SEED=%d repeats this run)' % (seed, seed))
    return random.Random(seed)


def pause(rng, cov, when):
    """Waits a random time, reading the numbered log meanwhile (the read counts toward it)."""
    end = time.monotonic() + rng.uniform(*KILL_DELAY)
    if cov:
        cov.snapshot(when)
    time.sleep(max(0.0, end - time.monotonic()))


# ---- scenarios ----

def test_kill_loop(ctx):
    rng = seeded_rng()
    d, base = start_units(ctx, survive_units(ctx))
    cov, gate = LineCoverage(d, 'lines.service'), GateWatch(d)
    cov.snapshot('at start')
    gate.check_all_eperm('at start')
    for i in range(1, KILLS + 1):
        when = 'kill %d/%d' % (i, KILLS)
        pause(rng, cov, 'before ' + when)
        old = daemon_child(d, when)
        t0 = time.monotonic()
        os.kill(old, signal.SIGKILL)
        wait_for(lambda: not alive(old), 'the killed daemon %d to die' % old, 5)
        t_dead = time.time()
        pid, answered, entries = wait_takeover(ctx, d, base, old, when)
        check_units(d, base, when, entries)
        gate.wait_fresh_eperm(t_dead, answered, when)
        gate.check_all_eperm(when)
        cov.snapshot('after ' + when)
        print('%s: daemon %d -> %d, answering after %.2fs' % (when, old, pid, answered - t0))
    final_checks(ctx, d, base, cov, gate)


def test_reexec_loop(ctx):
    rng = seeded_rng()
    d, base = start_units(ctx, survive_units(ctx))
    cov, gate = LineCoverage(d, 'lines.service'), GateWatch(d)
    cov.snapshot('at start')
    pid = daemon_child(d, 'at start')
    check_image = aslr_on() and at_random(pid) is not None
    if not check_image:
        print('note: cannot tell one image of the daemon from the next (ASLR off or auxv unreadable)')
    for i in range(1, REEXECS + 1):
        by_signal = i % 4 == 0   # rounds 4 and 8: SIGUSR2 to P
        when = 're-exec %d/%d (%s)' % (i, REEXECS, 'SIGUSR2 to P' if by_signal else 'daemon-reexec')
        pause(rng, cov, 'before ' + when)
        image = at_random(pid)
        t0 = time.monotonic()
        if by_signal:
            os.kill(d.holder(), signal.SIGUSR2)
            if check_image:
                wait_for(lambda: at_random(pid) not in (image, None), 'a new image in pid %d (%s)' % (pid, when),
                         TAKEOVER_TIMEOUT)
        else:
            p = ctl(ctx, d, 'daemon-reexec', timeout=30)
            check(p.returncode == 0, '%s: syscagectl failed (%d): %s' % (when, p.returncode, p.stderr.strip()))
            # It returns once the new image answers: one request, no retry.
            check(list_units(ctx, d) is not None, '%s: the daemon does not answer right after daemon-reexec' % when)
        t_new = time.time()   # the new image runs (unknowable without ASLR for SIGUSR2)
        now, answered, entries = wait_takeover(ctx, d, base, pid, when, same_pid=True)
        check(now == pid, '%s: the daemon pid changed from %d to %d' % (when, pid, now))
        if check_image:
            check(at_random(pid) != image, '%s: pid %d still runs the same image' % (when, pid))
        check_units(d, base, when, entries)
        gate.wait_fresh_eperm(t_new, answered, when)
        gate.check_all_eperm(when)
        cov.snapshot('after ' + when)
        print('%s: pid %d, answering after %.2fs' % (when, pid, answered - t0))
    final_checks(ctx, d, base, cov, gate)


def test_holder_killed(ctx):
    sleeper = {'sleeper.service': unit('ExecStart=/bin/bash -c "exec -a %s sleep 100000"' % tag('sleeper'))}
    units = survive_units(ctx, with_lines=False, extra=sleeper)
    del units['gate-kill.service']
    d, base = start_units(ctx, units)
    gate = GateWatch(d)
    dpid = daemon_child(d, 'at start')
    mark = d.log_size()
    os.kill(d.holder(), signal.SIGKILL)
    d.proc.wait()
    d.holder_dead = True
    lost = re.compile(r'holder.*\b(lost|gone|died|dead|exited|closed|EOF|hung up|disconnected|without)\b|'
                      r'\b(lost|gone|without)\b.*holder', re.I)
    line = wait_for(lambda: next((l for l in d.log_since(mark).splitlines() if lost.search(l)), None),
                    'a daemon log line about the lost holder', 10)
    print('daemon says: %s' % line)
    check(alive(dpid), 'the daemon %d died with its holder' % dpid)
    # It goes on supervising: a restart, a stop, the gate.
    t = time.time()
    p = ctl(ctx, d, 'restart', 'sleeper.service')
    check(p.returncode == 0, 'restart without a holder failed: %s' % p.stderr)
    s = d.wait('sleeper.service', lambda s: s.get('SubState') == 'running' and
               s.get('MainPID') not in ('0', str(base['sleeper.service'])), 'a new sleeper')
    base['sleeper.service'] = int(s['MainPID'])
    wait_for(lambda: tagged_pids(tag('sleeper')) == [base['sleeper.service']], 'the new sleeper to exec', 10)
    p = ctl(ctx, d, 'stop', 'forking.service')
    check(p.returncode == 0, 'stop without a holder failed: %s' % p.stderr)
    d.wait_state('forking.service', 'inactive')
    check(not tagged_pids(tag('forking')), 'forking.service stopped, but its process runs')
    del base['forking.service']
    check_units(d, base, 'without a holder')
    gate.wait_fresh_eperm(t, time.monotonic(), 'without a holder')
    # Now the daemon dies too, with nothing holding its descriptors, and a fresh one starts.
    os.kill(dpid, signal.SIGKILL)
    wait_for(lambda: not alive(dpid), 'the daemon %d to die' % dpid, 10)
    # gate-errno's pending execve now fails (nobody holds its listener) and its next line
    # meets a closed pipe: it ends, most likely. Whoever is left, the fresh daemon must see.
    try:
        wait_for(lambda: not tagged_pids(tag('gate-errno')), 'gate-errno to end', 5)
    except Failure:
        pass
    left = {n: tagged_pids(tag(n)) for n in units}
    print('left running after both died: %s' % left)
    d.start_fresh()
    mark = d.log_mark
    names = list(units)

    def settled():
        entries = list_units(ctx, d)
        if entries is None:
            return None
        states = {n: entries.get(d._n(n), {}) for n in names}
        if any(e.get('active') not in ('active', 'inactive', 'failed') or
               (e.get('active') == 'active' and not e.get('main_pid')) for e in states.values()):
            return None
        return states
    wait_for(settled, 'the fresh daemon to answer with settled units', 30)
    for n in names:
        seen = {}

        def once():
            # Each unit's processes: its new ones or the adopted old ones, never both.
            e = (list_units(ctx, d) or {}).get(d._n(n), {})
            procs, copies = cgroup_pids(d.status(n).get('CGroup')), tagged_pids(tag(n))
            seen.update(entry=e, procs=sorted(procs), copies=copies)
            if e.get('active') == 'active':
                return procs == {e.get('main_pid')} and copies == [e.get('main_pid')]
            return e.get('active') in ('inactive', 'failed') and not procs and not copies
        wait_for(once, '%s to run at most once, alone in its cgroup' % n, 10, lambda: ': %s' % seen)
        print('%s after the fresh start: %s' % (n, seen))
    # The new daemon says what it did with each process it found.
    log = d.log_since(mark)
    for n, pids in left.items():
        for pid in pids:
            said = [l for l in log.splitlines()
                    if (re.search(r'\b%d\b' % pid, l) or d._n(n) in l) and
                    re.search(r'adopt|leftover|stale|old|orphan|kill|remain|previous|surviv|found', l, re.I)]
            check(said, 'the fresh daemon does not say what it did with %s pid %d' % (n, pid))
    d.stop()
    for n in names:
        check(not tagged_pids(tag(n)), '%s left processes after the stop' % n)


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return h


def read_bytes(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return b''


def state_valid(data):
    """Whether DATA is a whole state file as lib/state-file.h describes it (header, entries,
    end line). The end line is the daemon's keyed hash (SipHash-2-4 under a key only it and
    its holder know), which a test cannot check."""
    end = data.rfind(b'\nend ')
    if not data.startswith(b'syscage-state ') or end < 0:
        return False
    return re.fullmatch(rb'end ([0-9a-f]{16})\n', data[end + 1:]) is not None


def corrupt(data, kind, rng):
    if kind == 'truncated':
        return data[:len(data) // 2]
    if kind == 'garbage':
        return bytes(rng.randrange(256) for _ in range(len(data))).replace(b'syscage', b'SYSCAGE')
    # Another version (and, since the test has no key, an end line the daemon refuses too: the
    # version is checked first, and named).
    head, nl, rest = data.partition(b'\n')
    body = b'syscage-state 999' + nl + rest[:rest.rfind(b'end ')]
    return body + b'end %016x\n' % fnv1a64(body)


def state_file(d, name):
    path = os.path.join(d.runtime_dir, 'state', d._n(name) + '.state')
    if os.path.exists(path):
        return path
    sdir = os.path.join(d.runtime_dir, 'state')
    found = [f for f in os.listdir(sdir) if d._n(name).replace('.service', '') in f and
             f.endswith('.state') and not f.startswith('.#')] if os.path.isdir(sdir) else []
    return os.path.join(sdir, found[0]) if len(found) == 1 else None


def test_bad_state(ctx):
    rng = random.Random(1)
    gate_unit = 'gate-errno.service'
    for kind in ('truncated', 'garbage', 'version'):
        units = survive_units(ctx, with_lines=False)
        del units['gate-kill.service']
        d, base = start_units(ctx, units)
        old = daemon_child(d, kind)
        path = wait_for(lambda: (lambda p: p if p and state_valid(read_bytes(p)) else None)(state_file(d, gate_unit)),
                        'a valid state file for %s in %s/state' % (gate_unit, d.runtime_dir), 10,
                        lambda: ' (found %s: %r)' % (state_file(d, gate_unit),
                                                    read_bytes(state_file(d, gate_unit) or '/')[:300]))
        bad = corrupt(read_bytes(path), kind, rng)
        mark = d.log_size()
        os.kill(d.holder(), signal.SIGSTOP)
        try:
            os.kill(old, signal.SIGKILL)
            wait_for(lambda: not alive(old), 'the daemon %d to die' % old, 10)
            with open(path, 'wb') as f:
                f.write(bad)
            t = time.time()
        finally:
            os.kill(d.holder(), signal.SIGCONT)
        others = {n: p for n, p in base.items() if n != gate_unit}
        pid, answered, _ = wait_takeover(ctx, d, others, old, kind)
        lines = wait_for(lambda: [l for l in d.log_since(mark).splitlines() if os.path.basename(path) in l],
                         'the new daemon to name %s in its log (%s state)' % (path, kind), 5)
        why = r'version' if kind == 'version' else \
            r'header|line|escape|end|checksum|truncat|corrupt|malformed|invalid|bad|version'
        check(any(re.search(why, l, re.I) for l in lines),
              '%s state: no reason given for not using it: %s' % (kind, lines))
        print('%s: %s' % (kind, lines[0]))
        s = d.wait_state(gate_unit, 'active', 'running', timeout=20)
        one = wait_for(lambda: (lambda s: s if cgroup_pids(s.get('CGroup')) == {int(s['MainPID'])} and
                                tagged_pids(tag(gate_unit)) == [int(s['MainPID'])] else None)(d.status(gate_unit)),
                       '%s to run exactly once' % gate_unit, 15,
                       lambda: ': cgroup %s, tagged %s' % (sorted(cgroup_pids(s.get('CGroup'))), tagged_pids(tag(gate_unit))))
        print('%s: %s %s (old %d)' % (kind, gate_unit, 'adopted' if int(one['MainPID']) == base[gate_unit]
                                     else 'started anew as %s' % one['MainPID'], base[gate_unit]))
        check_units(d, others, kind + ' (the other units)')
        # A process that was stopped may have seen its pending execve fail as it went: only
        # the one running now must get EPERM, every time.
        gate = GateWatch(d)
        gate.wait_fresh_eperm(t, time.monotonic(), kind, pid=int(one['MainPID']))
        gate.check_all_eperm(kind, pid=int(one['MainPID']))
        check(d.daemon_pid() == pid and alive(pid), '%s: the new daemon %d did not stay up' % (kind, pid))
        d.stop()


def test_second_daemon(ctx):
    # A second syscaged started by mistake on the same runtime directory (another socket, so
    # the socket check would not stop it) refuses to start before it looks at anything of
    # the first: the first one's services run on, untouched, and nothing is taken over twice.
    units = survive_units(ctx, with_lines=False)
    d, base = start_units(ctx, units)
    p = subprocess.run([d.syscaged, '--units-dir', d.units_dir, '--state-dir', d.state_dir,
                        '--runtime-dir', d.runtime_dir, '--directories-root', d.root_dir,
                        '--socket', os.path.join(ctx.tmp, 'second.sock')],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 1 and 'Another syscaged runs with the runtime directory' in p.stderr,
          'the second daemon did not refuse: exit %d\n%s' % (p.returncode, p.stderr[-2000:]))
    check('Stopping the processes' not in p.stderr and 'Taken over' not in p.stderr,
          'the second daemon touched the first one\'s units:\n' + p.stderr[-2000:])
    check_units(d, base, 'after a second daemon tried to start')
    # The first one still takes over after a crash: the holder kept its lock.
    old = daemon_child(d, 'before the kill')
    os.kill(old, signal.SIGKILL)
    wait_takeover(ctx, d, base, old, 'after the kill')
    d.stop()


def test_forged_state(ctx):
    # A state file the daemon did not sign (here one with a valid FNV-1a end line, as anyone
    # can compute it) for a transient unit with its own ExecStart=, in auto-restart with its
    # timer due: after a re-exec it must be refused, and its command never run.
    units = survive_units(ctx, with_lines=False)
    d, base = start_units(ctx, units)
    marker = os.path.join(ctx.tmp, 'forged-ran')
    name = d.prefix + 'forged.service'
    body = ('syscage-state 1\nunit=%s\nstate=auto-restart\nresult=exit-code\nreload_result=success\n'
            'invocation=0123456789abcdef0123456789abcdef\ntimer=1\n'
            'transient=Service\tExecStart\t1\t(command line)\t/bin/touch %s\n' % (name, marker))
    data = body.encode() + b'end %016x\n' % fnv1a64(body.encode())
    path = os.path.join(d.runtime_dir, 'state', name + '.state')
    with open(path, 'wb') as f:
        f.write(data)
    p = ctl(ctx, d, 'daemon-reexec', timeout=30)
    check(p.returncode == 0, 'daemon-reexec: %s' % p.stderr)
    wait_for(lambda: 'forged.service' in d.daemon_log() and 'checksum mismatch' in d.daemon_log(),
             'the forged file refused', 10, lambda: d.daemon_log()[-3000:])
    time.sleep(0.5)  # the forged timer was due at once: give it the chance to misfire
    check(not os.path.exists(marker), 'the forged unit ran its command')
    check_units(d, base, 'after the forged file')
    d.stop()


SCENARIOS = {name[5:]: fn for name, fn in globals().items() if name.startswith('test_')}


def main():
    return svc.run_scenario(SCENARIOS, Context, root_why='the survival tests need root')


if __name__ == '__main__':
    sys.exit(main())
