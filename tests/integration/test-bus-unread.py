#!/usr/bin/env python3
"""A client that does not read what the daemon sends it must not be able to stall the daemon
or fill its memory.

An unprivileged client (uid nobody) asks for a log bigger than the socket's buffer and never
reads the answer, so the rest of it waits in the daemon. The daemon must still stop on
SIGTERM, and still come back from daemon-reexec, in bounded time; a client that reads gets
the whole log. One that calls on and on without reading is disconnected.

Usage: test-bus-unread.py SYSCAGED SYSCAGECTL
"""
import fcntl
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time

from harness import check, ctl_runner, failures, wait_until

SYSCAGED, SYSCAGECTL = sys.argv[1], sys.argv[2]
PATH, IFACE = '/org/syscage/manager', 'org.syscage.Manager1'
NOBODY = 65534
LINES, WIDTH = 2000, 500     # about 1 MB of log
CALLS = 24
ctl = ctl_runner(SYSCAGECTL)


def _pad(buf, n):
    return buf + b'\0' * ((-len(buf)) % n)


def _string(buf, s, code='s'):
    s = s.encode()
    if code == 'g':
        return buf + bytes([len(s)]) + s + b'\0'
    buf = _pad(buf, 4)
    return buf + struct.pack('<I', len(s)) + s + b'\0'


def marshal_call(serial, member, sig='', body=b''):
    fields = b''
    for code, typ, val in ((1, 'o', PATH), (2, 's', IFACE), (3, 's', member)) + \
            (((8, 'g', sig),) if sig else ()):
        fields = _pad(fields, 8) + bytes([code]) + _string(b'', typ, 'g')
        fields = _string(fields, val, typ)
    head = struct.pack('<cBBBIII', b'l', 1, 0, 1, len(body), serial, len(fields)) + fields
    return _pad(head, 8) + body


def lazy_client(sock):
    """Forks a process that, as uid nobody, asks for the log of "big" CALLS times and never
    reads the answers. Returns its pid once part of them has reached its socket (the rest
    then waits in the daemon), or None."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock)
            s.sendall(b'\0AUTH EXTERNAL ' + str(NOBODY).encode().hex().encode() + b'\r\n')
            line = b''
            while not line.endswith(b'\r\n'):
                line += s.recv(1)
            body = _pad(_string(b'', 'big.service'), 4) + struct.pack('<I', 10000)
            # About 24 MB of answers: more than the kernel keeps for the socket (sd-bus asks for 8 MB).
            s.sendall(b'BEGIN\r\n' + b''.join(marshal_call(i + 1, 'GetLogs', 'su', body)
                                                for i in range(CALLS)))
            last, stable = -1, 0
            for _ in range(400):
                time.sleep(0.05)
                queued = struct.unpack('i', fcntl.ioctl(s.fileno(), termios.FIONREAD, b'\0' * 4))[0]
                stable = stable + 1 if queued == last else 0
                last = queued
                if stable >= 10:
                    break
            # Some of the answers arrived, not all: the rest waits in the daemon.
            if 64 * 1024 < last < CALLS * LINES * WIDTH:
                os.write(w, b'y')
            else:
                print(f'the client that does not read has {last} bytes waiting', flush=True)
                os.write(w, b'n')
            signal.pause()     # holds the socket open, never reading it
        except Exception as e:
            print(f'the lazy client failed: {e!r}', flush=True)
        finally:
            os._exit(0)
    os.close(w)
    ok = os.read(r, 1) == b'y'
    os.close(r)
    if not ok:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return None
    return pid


def start_daemon(base):
    units = os.path.join(base, 'units')
    os.makedirs(units, exist_ok=True)
    write_unit(base)
    sock = os.path.join(base, 'run', 'control.sock')
    log = open(os.path.join(base, 'daemon.log'), 'a')
    d = subprocess.Popen([SYSCAGED, '--units-dir', units, '--state-dir', os.path.join(base, 'state'),
                          '--runtime-dir', os.path.join(base, 'run'),
                          '--directories-root', os.path.join(base, 'root'), '--log-level', 'debug'],
                         stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    up = wait_until(lambda: os.path.exists(sock) and ctl(sock, 'list-units').returncode == 0, 15)
    check(up, 'syscaged answers')
    return d, sock


def write_unit(base):
    script = os.path.join(base, 'big.sh')
    with open(script, 'w') as f:
        f.write(f'i=0; while [ $i -lt {LINES} ]; do printf "%0{WIDTH}d\\n" $i; i=$((i+1)); done\n')
    with open(os.path.join(base, 'units', 'big.service'), 'w') as f:
        f.write(f"[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/sh {script}\n")


def make_big_log(sock):
    p = ctl(sock, 'start', 'big', timeout=60)
    check(p.returncode == 0, f'a unit writes about 1 MB of log ({p.stderr.strip()!r})')
    out = ctl(sock, 'logs', '-n', str(LINES + 10), 'big', timeout=60).stdout
    n = sum(1 for line in out.splitlines() if len(line) >= WIDTH)
    check(n == LINES, f'a client that reads gets the whole log ({n} of {LINES} lines)')


def reap(pid):
    if pid:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def check_stop(base):
    d, sock = start_daemon(base)
    lazy = None
    try:
        make_big_log(sock)
        lazy = lazy_client(sock)
        check(lazy is not None, 'an unprivileged client asks for the log and does not read the answer')
        d.send_signal(signal.SIGTERM)
        try:
            d.wait(timeout=15)
            stopped = True
        except subprocess.TimeoutExpired:
            stopped = False
        check(stopped, 'SIGTERM stops the daemon although a client does not read')
    finally:
        if d.poll() is None:
            d.kill()
            d.wait()
        reap(lazy)


def check_reexec(base):
    d, sock = start_daemon(base)
    lazy = None
    try:
        make_big_log(sock)
        lazy = lazy_client(sock)
        check(lazy is not None, 'an unprivileged client asks for the log and does not read the answer')
        try:
            p = ctl(sock, 'daemon-reexec', timeout=20)
            check(p.returncode == 0, f'daemon-reexec answers ({p.stderr.strip()!r})')
        except subprocess.TimeoutExpired:
            check(False, 'daemon-reexec answers')
        back = wait_until(lambda: ctl(sock, 'list-units', timeout=5).returncode == 0, 20)
        check(back, 'the daemon answers again after daemon-reexec although a client does not read')
    except subprocess.TimeoutExpired:
        check(False, 'the daemon answers again after daemon-reexec although a client does not read')
    finally:
        reap(lazy)
        d.terminate()
        try:
            d.wait(timeout=20)
        except subprocess.TimeoutExpired:
            d.kill()
            d.wait()


def daemon_pid(holder):
    """The daemon: the holder's child."""
    kids = open(f'/proc/{holder}/task/{holder}/children').read().split()
    return int(kids[0]) if kids else None


def daemon_rss_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def under_asan(pid):
    with open(f'/proc/{pid}/maps') as f:
        return 'libasan' in f.read()


def check_pipelining(base):
    """A client that calls on and on without reading the answers is dropped before the
    answers it leaves take the daemon's memory."""
    d, sock = start_daemon(base)
    r, w = os.pipe()
    pid = None
    try:
        make_big_log(sock)
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sock)
                s.sendall(b'\0AUTH EXTERNAL ' + str(NOBODY).encode().hex().encode() + b'\r\n')
                line = b''
                while not line.endswith(b'\r\n'):
                    line += s.recv(1)
                s.sendall(b'BEGIN\r\n')
                body = _pad(_string(b'', 'big.service'), 4) + struct.pack('<I', 10000)
                closed = False
                s.settimeout(30)
                try:
                    for i in range(300):     # some 300 MB of answers, if they were all kept
                        s.sendall(marshal_call(i + 1, 'GetLogs', 'su', body))
                except OSError:
                    closed = True
                if not closed:
                    import select
                    p = select.poll()
                    p.register(s, select.POLLRDHUP)
                    closed = any(ev & (select.POLLRDHUP | select.POLLHUP) for _, ev in p.poll(30000))
                os.write(w, b'y' if closed else b'n')
            except Exception as e:
                print(f'the client that does not read failed: {e!r}', flush=True)
            finally:
                os._exit(0)
        os.close(w)
        w = None
        dropped = os.read(r, 1) == b'y'
        check(dropped, 'a client that calls on without reading its answers is disconnected')
        dpid = daemon_pid(d.pid)
        if dpid and under_asan(dpid):
            print('note: the daemon runs under ASan, whose quarantine keeps freed memory: size not checked')
        else:
            rss = daemon_rss_kib(dpid) if dpid else 0
            check(0 < rss < 100 * 1024, f'the daemon did not keep the unread answers ({rss} KiB resident)')
        check(ctl(sock, 'list-units').returncode == 0, 'the daemon answers others afterwards')
    finally:
        os.close(r)
        if w is not None:
            os.close(w)
        if pid:
            os.waitpid(pid, 0)
        d.terminate()
        try:
            d.wait(timeout=20)
        except subprocess.TimeoutExpired:
            d.kill()
            d.wait()


def main():
    if os.geteuid() != 0:
        print('skip: needs root (runs a client as uid nobody)')
        return 77
    tmp = tempfile.mkdtemp(prefix='syscage-unread-', dir='/run')
    os.chmod(tmp, 0o755)
    try:
        for name, case in (('stop', check_stop), ('reexec', check_reexec), ('pipelining', check_pipelining)):
            base = os.path.join(tmp, name)
            os.makedirs(base)
            os.chmod(base, 0o755)
            before = len(failures)
            case(base)
            if len(failures) > before:
                with open(os.path.join(base, 'daemon.log')) as f:
                    print(f.read()[-3000:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
