#!/usr/bin/env python3
"""Reproducers of attacks through a real syscaged that are NOT fixed (the fixed ones are
tests in tests/integration/test-sandbox-attacks.py). Prints "HELD name" or "BROKEN name:
what happened" per attack; exits 1 if any broke. See README.md in this folder.

Usage: attack-daemon.py SYSCAGED HELPERS_DIR SYSCAGECTL
"""
import importlib.util
import os
import signal
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('service_test',
                                               os.path.join(_here, '..', 'integration', 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
unit = st.unit

broken = False


def verdict(name, held, what):
    global broken
    print(('HELD   %s' % name) if held else ('BROKEN %s: %s' % (name, what)))
    broken = broken or not held


def mdwe_exec_later(ctx):
    """MemoryDenyWriteExecute=yes checks ExecStart='s program for an executable stack; a
    program the service runs later is not checked, and PR_SET_MDWE does not stop the
    kernel from mapping that program's stack RWX at execve."""
    execstack = ctx.helper('execstack')
    units = {'later.service': unit('Type=oneshot\nMemoryDenyWriteExecute=yes\n'
                                   "ExecStart=/bin/sh -c '%s stack'" % execstack)}
    d = ctx.daemon(units, list(units))
    d.wait_state('later.service', 'inactive', 'dead')
    log = d.unit_log('later.service')
    verdict('MemoryDenyWriteExecute=yes: an executable-stack program run by the service',
            'stack: ran' not in log, 'the exec-stack program ran its stack code: ' +
            ' '.join(l for l in log.split('\n') if 'stack' in l))
    d.stop()


EXECVEAT_PY = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
mode = sys.argv[1]
argv = (ctypes.c_char_p * 3)(b"/bin/echo", b"EXECUTED-" + mode.encode(), None)
envp = (ctypes.c_char_p * 1)(None)
if mode == "execveat":
    r = libc.syscall(322, -100, b"/bin/echo", argv, envp, 0)
elif mode == "emptypath":
    fd = os.open("/bin/echo", os.O_RDONLY)
    r = libc.syscall(322, fd, b"", argv, envp, 0x1000)
else:
    r = libc.syscall(59, b"/bin/echo", argv, envp)
print("returned", r, ctypes.get_errno(), flush=True)
"""


def exec_gate_execveat(ctx):
    """A gated service (its filter denies execve, with an errno or with kill) tries execveat,
    with a path and with AT_EMPTY_PATH on an fd, and a plain execve after its launch. The
    denial of execve must hold for execveat too when the unit denies both."""
    script = os.path.join(ctx.tmp, 'execveat.py')
    with open(script, 'w') as f:
        f.write(EXECVEAT_PY)
    units = {}
    for pol, filt in (('errno', 'SystemCallFilter=~execve execveat\nSystemCallErrorNumber=EPERM'),
                      ('kill', 'SystemCallFilter=~execve execveat')):
        for mode in ('execve', 'execveat', 'emptypath'):
            units['gate-%s-%s.service' % (pol, mode)] = unit(
                'Type=oneshot\nNoNewPrivileges=yes\n%s\nExecStart=/usr/bin/python3 %s %s' % (filt, script, mode))
    d = ctx.daemon(units, list(units))
    for name in units:
        d.wait(name, lambda s: s.get('ActiveState') in ('inactive', 'failed'), 'the unit ended')
        log = d.unit_log(name)
        if os.environ.get('ATTACK_VERBOSE'):
            print(d.status(name) if hasattr(d, 'status') else '', log)
        verdict('exec gate: %s' % name[:-8], 'EXECUTED-' not in log,
                'ran a program after the launch: ' + ' '.join(l for l in log.split('\n') if 'EXECUTED' in l))
    d.stop()


def env_file_fifo(ctx):
    """EnvironmentFile= in a directory the service writes (it made the file a FIFO): the
    daemon, single-threaded, opens it for reading as root and blocks."""
    fifo = os.path.join(ctx.tmp, 'env')
    os.mkfifo(fifo)
    units = {'envfifo.service': unit('EnvironmentFile=%s\nExecStart=/bin/sleep 1000' % fifo),
             'other.service': unit('ExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, ['other.service'])
    d.wait_state('other.service', 'active', 'running')
    try:
        st.ctl(ctx, d, 'start', 'envfifo.service')
    except st.subprocess.TimeoutExpired:
        pass
    try:
        p = st.ctl(ctx, d, 'status', 'other.service')
        held = p.returncode == 0
    except st.subprocess.TimeoutExpired:
        held = False
    verdict('EnvironmentFile= that the service made a FIFO', held,
            'the daemon blocks in open() and answers nobody (service-exec.c read_env_file)')
    with open(fifo, 'w'):
        pass  # lets the daemon go on, so it can be stopped
    d.stop()


def fnv_uid(name, lo=61184, hi=65519):
    x = 2166136261
    for c in name.encode():
        x = ((x ^ c) * 16777619) & 0xffffffff
    return lo + x % (hi - lo + 1)


def colliding_names(prefix):
    seen = {}
    for i in range(100000):
        n = '%s%d' % (prefix, i)
        u = fnv_uid(n)
        if u in seen:
            return seen[u], n
        seen[u] = n
    raise st.Failure('no colliding names')


def dynamic_uid_leftovers(ctx):
    """Two DynamicUser= units whose names hash to the same uid, one after the other: what the
    first left in /tmp (and /var/tmp) is the second's. DynamicUser= implies PrivateTmp= and
    ProtectSystem=strict, which the daemon applies: each unit has a /tmp of its own."""
    a, b = colliding_names('sctc%d-' % os.getpid())
    marker = '/tmp/syscage-attack-leftover-%d' % os.getpid()
    units = {
        'dyn-a.service': unit('Type=oneshot\nDynamicUser=yes\nUser=%s\n' % a +
                              "ExecStart=/bin/sh -c 'echo from-a > %s; chmod 600 %s; id -u'" % (marker, marker)),
        'dyn-b.service': unit('Type=oneshot\nDynamicUser=yes\nUser=%s\n' % b +
                              "ExecStart=/bin/sh -c 'id -u; cat %s'" % marker),
    }
    d = ctx.daemon(units, [])
    try:
        d.wait('dyn-a.service', lambda s: True, 'the control socket')
        st.ctl(ctx, d, 'start', 'dyn-a.service')
        d.wait('dyn-a.service', lambda s: s.get('ExecMainCode') not in (None, '') and
               s.get('ActiveState') in ('inactive', 'failed'), 'dyn-a ended')
        st.ctl(ctx, d, 'start', 'dyn-b.service')
        d.wait('dyn-b.service', lambda s: s.get('ExecMainCode') not in (None, '') and
               s.get('ActiveState') in ('inactive', 'failed'), 'dyn-b ended')
        log = d.unit_log('dyn-b.service')
        if os.environ.get('ATTACK_VERBOSE'):
            print(d.unit_log('dyn-a.service'), log)
        verdict('DynamicUser=: a recycled uid reads what the previous holder left in /tmp',
                'from-a' not in log, 'unit %s read the file of unit %s (uid %d) in /tmp' % (b, a, fnv_uid(a)))
        d.stop()
    finally:
        if os.path.exists(marker):
            os.unlink(marker)


def signal_stop_daemon(ctx):
    """A root service without any capability (CapabilityBoundingSet=, NoNewPrivileges=) sends
    SIGSTOP to its parent, the daemon. Signals the daemon reads (signalfd) from services are
    ignored, but SIGSTOP and SIGKILL are not for a process to ignore, and kill() between two
    processes of uid 0 needs no capability."""
    units = {'stopper.service': unit('CapabilityBoundingSet=\nNoNewPrivileges=yes\n'
                                     "ExecStart=/bin/sh -c 'kill -STOP $PPID; exec sleep 1000'"),
             'other.service': unit('ExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, ['other.service'])
    d.wait_state('other.service', 'active', 'running')
    try:
        st.ctl(ctx, d, 'start', 'stopper.service')
        p = st.ctl(ctx, d, 'status', 'other.service')
        held = p.returncode == 0
    except st.subprocess.TimeoutExpired:
        held = False
    verdict('a capless root service stops the daemon with SIGSTOP', held,
            'the daemon is stopped and answers nobody (kill() from uid 0 to uid 0 needs no capability)')
    os.kill(d.proc.pid, signal.SIGCONT)
    d.stop()


def prlimit_daemon(ctx):
    """The same class through another uid-based check: prlimit() on another process of the same
    uids needs no CAP_SYS_RESOURCE. A capless root service drops its parent's fd limit."""
    code = 'import os, resource; resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (8, 8)); print("lowered")'
    units = {'limiter.service': unit('CapabilityBoundingSet=\nNoNewPrivileges=yes\n'
                                     "ExecStart=/usr/bin/python3 -c '%s'" % code),
             'other.service': unit('ExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, ['other.service'])
    d.wait_state('other.service', 'active', 'running')
    try:
        st.ctl(ctx, d, 'start', 'limiter.service')
        d.wait('limiter.service', lambda s: s.get('ExecMainCode') not in (None, ''), 'the limiter ran')
        with open('/proc/%d/limits' % d.proc.pid) as f:
            line = [l for l in f if l.startswith('Max open files')][0]
        held = line.split()[3] != '8'
    except (st.subprocess.TimeoutExpired, st.Failure):
        held = False
    verdict('a capless root service lowers the daemon\'s limits with prlimit()', held,
            'RLIMIT_NOFILE of the daemon is now 8: %s' % (d.unit_log('limiter.service').strip()[-80:]))
    d.stop()


def main():
    if os.geteuid() != 0:
        print('skipped: needs root')
        return 77
    only = sys.argv[4:]
    for fn in (mdwe_exec_later, exec_gate_execveat, env_file_fifo, dynamic_uid_leftovers, signal_stop_daemon, prlimit_daemon):
        if only and fn.__name__ not in only:
            continue
        ctx = st.Context(sys.argv[1], sys.argv[2], sys.argv[3], fn.__name__)
        try:
            fn(ctx)
        except st.Failure as e:
            print('ERROR  %s: %s' % (fn.__name__, e))
        finally:
            ctx.cleanup(False)
    return 1 if broken else 0


if __name__ == '__main__':
    sys.exit(main())
