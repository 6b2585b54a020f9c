#!/usr/bin/env python3
"""Drives the real syscaged: start-up, readiness, hardening, reload, shutdown, option errors.

Usage: test-daemon.py SYSCAGED SYSCAGECTL. Needs root (exit 77 otherwise). Readiness is learnt
the way systemd learns it: over a NOTIFY_SOCKET datagram socket. The daemon runs in a cgroup
made for the test (when cgroup v2 is writable), so its layout can be checked and removed.
"""
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SYSCAGED, SYSCAGECTL = sys.argv[1], sys.argv[2]
MANY_UNITS = 10001    # more than the 4,096 the daemon once held, and than any array argument
failures = []


def check(cond, what):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        failures.append(what)


def cgroup2_mount():
    with open('/proc/self/mountinfo') as f:
        for line in f:
            pre, _, post = line.partition(' - ')
            fields = pre.split()
            if post.split()[0] == 'cgroup2' and fields[3] == '/':
                return fields[4]
    return None


def own_cgroup(pid='self'):
    with open(f'/proc/{pid}/cgroup') as f:
        for line in f:
            if line.startswith('0::'):
                return line[3:].strip()
    return None


class Notify:
    """A NOTIFY_SOCKET receiver collecting every message the daemon sends."""

    def __init__(self, directory, name):
        self.path = os.path.join(directory, name + '.notify')
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self.sock.bind(self.path)
        self.messages = []

    def wait_for(self, needle, timeout=10.0):
        """Waits until some message contains the line `needle`; returns that message."""
        for m in self.messages:
            if needle in m.split('\n'):
                self.messages.remove(m)
                return m
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.sock], [], [], deadline - time.monotonic())
            if not r:
                break
            m = self.sock.recv(4096).decode()
            if needle in m.split('\n'):
                return m
            self.messages.append(m)
        return None

    def pending(self):
        """Every message already sent (no waiting): for a daemon that has exited."""
        while True:
            try:
                self.messages.append(self.sock.recv(4096, socket.MSG_DONTWAIT).decode())
            except BlockingIOError:
                return self.messages


def run_option_checks(tmp):
    p = subprocess.run([SYSCAGED, '--version'], capture_output=True, text=True, timeout=10)
    check(p.returncode == 0 and p.stdout.startswith('syscaged '), '--version prints the version')
    p = subprocess.run([SYSCAGED, '--help'], capture_output=True, text=True, timeout=10)
    check(p.returncode == 0 and '--units-dir' in p.stdout and '--log-level' in p.stdout,
          '--help lists the options')
    for bad in (['--log-level', 'loud'], ['--bogus'], ['--state-dir', 'relative'], ['extra']):
        p = subprocess.run([SYSCAGED] + bad, capture_output=True, text=True, timeout=10)
        check(p.returncode == 2 and p.stderr.strip() != '', f'usage error for {bad} exits 2')
    # A state directory that cannot be created is a start-up failure: exit 1, clear message.
    blocker = os.path.join(tmp, 'file')
    open(blocker, 'w').close()
    p = subprocess.run([SYSCAGED, '--state-dir', blocker + '/state', '--runtime-dir',
                        os.path.join(tmp, 'run-fail')], capture_output=True, text=True, timeout=10)
    check(p.returncode == 1 and 'Failed to create state directory' in p.stderr,
          'an uncreatable state directory fails start-up with exit 1')


def ctl(sock, *args):
    return subprocess.run([SYSCAGECTL, '--socket', sock, *args], capture_output=True, text=True, timeout=60)


def run_many_units_check(tmp):
    """MANY_UNITS units load and are all listed; a reload that cannot list the directory
    fails and keeps them."""
    units = os.path.join(tmp, 'many-units')
    os.mkdir(units)
    for i in range(MANY_UNITS):
        with open(os.path.join(units, f'many-{i}.service'), 'w') as f:
            f.write('[Service]\nExecStart=/bin/true\n')
    notify = Notify(tmp, 'many')
    run = os.path.join(tmp, 'many-run')
    sock = os.path.join(run, 'control.sock')
    env = dict(os.environ, NOTIFY_SOCKET=notify.path)
    env.pop('JOURNAL_STREAM', None)
    log_path = os.path.join(tmp, 'many.log')
    with open(log_path, 'w') as log:
        d = subprocess.Popen([SYSCAGED, '--units-dir', units, '--state-dir', os.path.join(tmp, 'many-state'),
                              '--runtime-dir', run, '--directories-root', os.path.join(tmp, 'many-root'),
                              '--log-level', 'info'], env=env, stderr=log)
    try:
        check(notify.wait_for('READY=1', timeout=120) is not None, f'{MANY_UNITS} units: daemon ready')
        p = ctl(sock, 'list', '--all')
        listed = sum(1 for l in p.stdout.split('\n') if l.startswith('many-'))
        check(p.returncode == 0 and listed == MANY_UNITS and f'{MANY_UNITS} units listed.' in p.stdout,
              f'list --all shows all {MANY_UNITS} units ({listed}, {p.stderr.strip()!r})')
        # The directory becomes a file: listing it fails with ENOTDIR.
        os.rename(units, units + '.away')
        open(units, 'w').close()
        try:
            p = ctl(sock, 'daemon-reload')
            check(p.returncode == 1 and 'Failed to list the units' in p.stderr,
                  f'daemon-reload with an unlistable units directory fails ({p.returncode}, {p.stderr.strip()!r})')
        finally:
            os.unlink(units)
            os.rename(units + '.away', units)
        p = ctl(sock, 'list', '--all')
        check(p.returncode == 0 and f'{MANY_UNITS} units listed.' in p.stdout, 'the failed reload kept every unit')
        d.terminate()
        d.wait(timeout=60)
        with open(log_path) as f:
            err = f.read()
        check(d.returncode == 0, f'{MANY_UNITS} units: exits 0 on SIGTERM ({d.returncode})')
        check(f'Failed to open units directory {units}: Not a directory' in err,
              'the failed reload names the directory')
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()
    shutil.rmtree(units, ignore_errors=True)


def run_unlistable_dir_check(tmp):
    """A units directory that exists but cannot be listed stops start-up: exit 1, no READY=1,
    no control socket. One that does not exist is fine (the other checks use the defaults)."""
    blocker = os.path.join(tmp, 'units-is-a-file')
    open(blocker, 'w').close()
    notify = Notify(tmp, 'unlistable')
    run = os.path.join(tmp, 'unlistable-run')
    env = dict(os.environ, NOTIFY_SOCKET=notify.path)
    env.pop('JOURNAL_STREAM', None)
    p = subprocess.run([SYSCAGED, '--units-dir', os.path.join(tmp, 'no-such-dir'), '--units-dir', blocker,
                        '--state-dir', os.path.join(tmp, 'unlistable-state'), '--runtime-dir', run],
                       env=env, capture_output=True, text=True, timeout=30)
    check(p.returncode == 1 and f'Failed to open units directory {blocker}: Not a directory' in p.stderr,
          f'an unlistable units directory fails start-up with exit 1 ({p.returncode}, {p.stderr.strip()!r})')
    check(not any('READY=1' in m.split('\n') for m in notify.pending()), 'and READY=1 is never sent')
    check(not os.path.exists(os.path.join(run, 'control.sock')), 'and the control socket is never opened')


def run_daemon_checks(tmp, cgroup_dir):
    notify = Notify(tmp, 'daemon')
    state = os.path.join(tmp, 'state', 'nested')
    runtime = os.path.join(tmp, 'run')
    units = os.path.join(tmp, 'units')
    os.mkdir(units)
    env = dict(os.environ, NOTIFY_SOCKET=notify.path)
    env.pop('JOURNAL_STREAM', None)
    # stderr goes to a pipe whose dev:ino we announce as JOURNAL_STREAM: lines must carry
    # "<N>" priorities then.
    rfd, wfd = os.pipe()
    st = os.fstat(wfd)
    env['JOURNAL_STREAM'] = f'{st.st_dev}:{st.st_ino}'

    def enter_cgroup():
        if cgroup_dir:
            with open(os.path.join(cgroup_dir, 'cgroup.procs'), 'w') as f:
                f.write('0')

    d = subprocess.Popen([SYSCAGED, '--units-dir', units, '--state-dir', state,
                          '--runtime-dir', runtime, '--directories-root', os.path.join(tmp, 'root'),
                          '--log-level', 'debug'],
                         env=env, stderr=wfd, preexec_fn=enter_cgroup)
    os.close(wfd)
    try:
        ready = notify.wait_for('READY=1')
        check(ready is not None, 'daemon sends READY=1 over NOTIFY_SOCKET')
        check(ready is not None and any(l.startswith('STATUS=') for l in ready.split('\n')),
              'READY=1 comes with a STATUS= line')
        check(d.poll() is None, 'daemon is running')
        for path in (state, runtime):
            ok = os.path.isdir(path) and (os.stat(path).st_mode & 0o777) == 0o755
            check(ok, f'{os.path.basename(path)} directory created with mode 0755')
        sock = os.path.join(runtime, 'control.sock')
        check(os.path.exists(sock) and (os.stat(sock).st_mode & 0o777) == 0o666,
              'control socket is open, mode 0666')

        # A second daemon given the same socket fails, and before starting any unit.
        units2, state2 = os.path.join(tmp, 'units2'), os.path.join(tmp, 'state2')
        os.makedirs(units2)
        os.makedirs(state2)
        marker = os.path.join(tmp, 'second-daemon-started-a-unit')
        with open(os.path.join(units2, 'marker.service'), 'w') as f:
            f.write(f'[Service]\nType=oneshot\nExecStart=/bin/touch {marker}\n'
                    '[Install]\nWantedBy=multi-user.target\n')
        with open(os.path.join(state2, 'enabled'), 'w') as f:
            f.write('marker.service\n')
        second = subprocess.run([SYSCAGED, '--units-dir', units2, '--state-dir', state2,
                                 '--runtime-dir', os.path.join(tmp, 'run2'), '--socket', sock,
                                 '--directories-root', os.path.join(tmp, 'root2')],
                                capture_output=True, text=True, timeout=30)
        check(second.returncode == 1, f'a second daemon on the same socket exits 1 ({second.returncode})')
        time.sleep(0.3)
        check(not os.path.exists(marker), 'the second daemon started an enabled unit before failing')
        check(d.poll() is None, 'the first daemon keeps running')

        if cgroup_dir:
            mount = cgroup2_mount()
            want = cgroup_dir[len(mount):] + '/supervisor'
            check(own_cgroup(d.pid) == want, f'daemon moved itself into {want}')

        d.send_signal(signal.SIGHUP)
        check(notify.wait_for('RELOADING=1') is not None, 'SIGHUP reloads (RELOADING=1)')
        check(notify.wait_for('READY=1') is not None, 'READY=1 after reload')
        time.sleep(0.2)
        check(d.poll() is None, 'daemon survives SIGHUP')

        t0 = time.monotonic()
        d.send_signal(signal.SIGTERM)
        check(notify.wait_for('STOPPING=1') is not None, 'SIGTERM announces STOPPING=1')
        try:
            rc = d.wait(timeout=5)
        except subprocess.TimeoutExpired:
            rc = None
        check(rc == 0, f'SIGTERM makes it exit 0 (got {rc})')
        check(time.monotonic() - t0 < 3, 'exit is prompt with no units')
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()
    with os.fdopen(rfd, 'r', errors='replace') as f:
        log = f.read()
    lines = [l for l in log.split('\n') if l]
    check(bool(lines) and all(l.startswith('<') and l[1].isdigit() and l[2] == '>' for l in lines),
          'with JOURNAL_STREAM every line carries a <N> priority')
    check(any(l.startswith('<6>') and 'Reloading' in l for l in lines), 'reload logged at info')
    check(any(l.startswith('<7>') for l in lines), '--log-level debug shows debug lines')
    # The kernel's own answer, read back by the daemon with PR_GET_DUMPABLE and
    # PR_GET_CHILD_SUBREAPER. (Probing from outside through /proc or ptrace is not reliable
    # across kernels and LSMs.)
    check(any('dumpable=0, child subreaper=1' in l for l in lines),
          'daemon is non-dumpable and a child subreaper')


def run_fallback_check(tmp):
    """With cgroupfs read-only (in a private mount namespace), the daemon still starts, in
    process-group mode, and says so."""
    mount = cgroup2_mount()
    if not mount or not shutil.which('unshare'):
        print('note: no cgroup2 mount or no unshare(1); fallback not checked')
        return
    notify = Notify(tmp, 'fallback')
    env = dict(os.environ, NOTIFY_SOCKET=notify.path)
    env.pop('JOURNAL_STREAM', None)
    d = subprocess.Popen(['unshare', '--mount', '--propagation', 'private', 'sh', '-c',
                          'mount -o bind,remount,ro "$0" && exec "$@"', mount, SYSCAGED,
                          '--state-dir', os.path.join(tmp, 'fb-state'),
                          '--runtime-dir', os.path.join(tmp, 'fb-run'),
                          '--directories-root', os.path.join(tmp, 'fb-root')],
                         env=env, stderr=subprocess.PIPE, text=True)
    try:
        check(notify.wait_for('READY=1') is not None, 'fallback: ready with cgroupfs read-only')
        d.send_signal(signal.SIGTERM)
        _, err = d.communicate(timeout=10)
        check(d.returncode == 0, f'fallback: exits 0 on SIGTERM (got {d.returncode})')
        check('Process tracking: process groups; a process that leaves its group' in err,
              'fallback: process-group mode reported:\n' + err[-2000:])
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()


def main():
    if os.geteuid() != 0:
        print('Skipping: needs root (cgroups, capabilities).')
        return 77
    with tempfile.TemporaryDirectory(prefix='syscaged-test-') as tmp:
        run_option_checks(tmp)
        run_unlistable_dir_check(tmp)
        run_many_units_check(tmp)
        cgroup_dir = None
        mount = cgroup2_mount()
        own = own_cgroup()
        if mount and own:
            cgroup_dir = os.path.join(mount + own.rstrip('/'), f'syscage-test-daemon-{os.getpid()}')
            try:
                os.mkdir(cgroup_dir)
            except OSError as e:
                print(f'note: cannot create a test cgroup ({e}); cgroup layout not checked')
                cgroup_dir = None
        run_fallback_check(tmp)
        try:
            run_daemon_checks(tmp, cgroup_dir)
        finally:
            if cgroup_dir:
                for d in (os.path.join(cgroup_dir, 'supervisor'), cgroup_dir):
                    try:
                        os.rmdir(d)
                    except OSError as e:
                        print(f'note: cannot remove {d}: {e}')
    print(f'{len(failures)} failure(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
