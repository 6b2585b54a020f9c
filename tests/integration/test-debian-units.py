#!/usr/bin/env python3
"""Stock Debian services, run unchanged under a real syscaged with their declared sandbox.

Thirteen daemons, each from the unit file its package installs in /lib/systemd/system,
copied byte for byte into the units directory of a syscaged started in a temporary
directory, started with syscagectl and used as a client would use it:

  memcached "stats", redis PING, nginx HTTP 200, the SSH banner, `chronyc tracking`, the
  haproxy admin socket ("show info"), a DNS answer from unbound and from dnsmasq, an MQTT
  CONNACK from mosquitto, node-exporter metrics over HTTP, a `logger` line reaching
  rsyslog's /var/log/syslog, a cron job run, `psql -c 'select 1'`.

postgresql@15-main.service is not started by name: postgresql.service is, and pulls it in
through the postgresql.service.wants/ link that the package's own generator makes (run
here with the units directory as its output), as under systemd.

Then, from the service's own view (/proc/MAINPID and a probe process that joins the
service's mount namespace with setns(2) and takes its uid), every sandbox directive the unit
declares is checked: the mount it implies in /proc/MAINPID/mountinfo, the Seccomp,
NoNewPrivs and CapBnd lines of /proc/MAINPID/status, a write the unit forbids failing (and
one it allows working). A unit with ExecReload= is reloaded and must still serve. Finally the
unit is stopped: its processes must be gone and the host's mount table unchanged.

The evidence (mountinfo and status lines, the failing writes) is printed. A directive that
syscaged itself reports as not enforced (`syscagectl verify`) is printed as such and not
checked: the daemon must never claim more than it does, so every other directive must hold.

No unit file is changed and no drop-in is used. What this host lacks compared to a booted
Debian system is provided by the test and said so where it is done: the tmpfiles.d
directories of haproxy and dnsmasq (systemd-tmpfiles --create, as the boot does), a
stand-in /dev/log socket for haproxy's BindReadOnlyPaths=/dev/log when there is none (on a
booted host systemd-journald provides it), a /etc/cron.d file for the cron job. The cases
run one after another, each with a syscaged of its own (a start costs milliseconds), so
unbound and dnsmasq both have port 53 in turn. A case whose package is not installed or whose
port is taken on this host is skipped with the reason.

Usage: test-debian-units.py SYSCAGED SYSCAGECTL [UNIT...]
Exit status: 0 pass, 1 fail, 77 all skipped (not root, or none of the packages installed).
"""
import importlib.util
import os
import re
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree for the import below
from sandbox_probe import (covering, inside, mountinfo, read_status,  # noqa: E402
                           status_lines, visible)

_spec = importlib.util.spec_from_file_location(
    'service_test', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-service.py'))
svc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(svc)

SKIP = 77
VENDOR_DIR = '/lib/systemd/system'
SYSCAGED = SYSCAGECTL = None
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0

# Linux capability numbers (capability.h), for CapabilityBoundingSet=.
CAPS = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID',
        'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE',
        'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
        'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
        'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE',
        'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
        'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE',
        'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
        'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE']

# systemd.exec(5): capabilities a directive takes out of the bounding set.
IMPLIED_CAP_DROPS = {
    'PrivateDevices': ['CAP_MKNOD', 'CAP_SYS_RAWIO'],
    'ProtectKernelModules': ['CAP_SYS_MODULE'],
    'ProtectKernelLogs': ['CAP_SYSLOG'],
    'ProtectClock': ['CAP_SYS_TIME', 'CAP_WAKE_ALARM'],
}

# Directives backed by a seccomp filter (any of them on: "Seccomp: 2").
SECCOMP_DIRECTIVES = ['SystemCallFilter', 'SystemCallArchitectures', 'RestrictAddressFamilies',
                      'RestrictNamespaces', 'LockPersonality', 'MemoryDenyWriteExecute',
                      'RestrictRealtime', 'RestrictSUIDSGID', 'ProtectClock',
                      'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectKernelTunables',
                      'ProtectHostname', 'PrivateDevices']

# The API devices systemd puts in a PrivateDevices= /dev (systemd.exec(5)); nothing else may
# be a device node there.
PRIVATE_DEV_NODES = {'null', 'zero', 'full', 'random', 'urandom', 'tty', 'ptmx'}


# Directives with a mount part: any of them on needs a mount namespace of the service's own.
MOUNT_DIRECTIVES = ['PrivateTmp', 'PrivateDevices', 'ProtectSystem', 'ProtectHome',
                    'ProtectKernelTunables', 'ProtectKernelModules', 'ProtectKernelLogs',
                    'ProtectControlGroups', 'ProtectProc', 'ProcSubset', 'PrivateMounts',
                    'ReadWritePaths', 'ReadOnlyPaths', 'InaccessiblePaths', 'ExecPaths',
                    'NoExecPaths', 'TemporaryFileSystem', 'BindPaths', 'BindReadOnlyPaths',
                    'RootDirectory', 'DynamicUser']


def is_true(v):
    return v.strip().lower() in ('1', 'yes', 'true', 'on')


def active(declared, key):
    """Whether KEY is set to something that does anything: not absent, empty, a false
    boolean, or the default of an enum (ProtectProc=default, ProcSubset=all)."""
    v = declared.get(key)
    if not v:
        return False
    return v[-1].strip().lower() not in ('', '0', 'no', 'false', 'off', 'default', 'all')


def parse_unit(path):
    """KEY -> [values] over all sections, in order; an empty assignment resets the list."""
    keys = {}
    with open(path) as f:
        text = f.read().replace('\\\n', ' ')
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in '#;[' or '=' not in line:
            continue
        k, v = (s.strip() for s in line.split('=', 1))
        if v == '' and k != 'CapabilityBoundingSet':
            keys[k] = []
        else:
            keys.setdefault(k, []).append(v)
    return keys


def cap_mask(values):
    """CapabilityBoundingSet= lines to a mask, by systemd's rule (systemd.exec(5) and its
    parser): the set starts as all capabilities; an assignment replaces it while it is still
    that (or when it is empty, "" or "~"); after that a plain list adds its capabilities and
    a "~" list takes its capabilities away (chrony's unit has five "~" lines)."""
    all_caps = (1 << len(CAPS)) - 1
    mask, seen = all_caps, False
    for v in values:
        invert = v.startswith('~')
        m = 0
        for name in v.lstrip('~').split():
            m |= 1 << CAPS.index(name.upper())
        if m == 0 or mask == all_caps:
            mask = (all_caps & ~m) if invert else m
        else:
            mask = (mask & ~m) if invert else (mask | m)
        seen = True
    return mask if seen else None


def port_busy(port):
    for fam, addr in ((socket.AF_INET, '127.0.0.1'), (socket.AF_INET6, '::1')):
        try:
            with socket.socket(fam, socket.SOCK_STREAM) as s:
                s.settimeout(1.0)
                if s.connect_ex((addr, port)) == 0:
                    return True
        except OSError:
            pass
    return False


def talk(port, send, until, timeout=2.0):
    """Connects to 127.0.0.1:PORT, sends SEND (if any), reads until UNTIL is in the reply."""
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
        if send:
            s.sendall(send)
        data = b''
        end = time.monotonic() + timeout
        while until not in data and time.monotonic() < end:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.decode(errors='replace')


class Daemon:
    """A syscaged in a temporary directory; units copied in unchanged."""

    def __init__(self, unit_name, directories_root, relax):
        self.unit = unit_name
        self.relax = relax
        # Not under /tmp: PrivateTmp= would hide the daemon's notify socket from the service,
        # as it would hide /tmp/anything under systemd. Production has it in /run too.
        self.dir = tempfile.mkdtemp(prefix='syscage-debian-', dir='/run')
        os.chmod(self.dir, 0o755)
        self.units_dir = os.path.join(self.dir, 'units')
        self.state_dir = os.path.join(self.dir, 'state')
        self.runtime_dir = os.path.join(self.dir, 'run')
        for d in (self.units_dir, self.state_dir, self.runtime_dir):
            os.makedirs(d)
        if directories_root is None:
            directories_root = os.path.join(self.dir, 'root')
            os.makedirs(directories_root)
        self.directories_root = directories_root
        self.socket = os.path.join(self.runtime_dir, 'control.sock')
        self.log_path = os.path.join(self.dir, 'daemon.log')
        self.proc = None

    def install(self, vendor_path):
        dest = os.path.join(self.units_dir, os.path.basename(vendor_path))
        shutil.copyfile(vendor_path, dest)
        return dest

    def start(self):
        args = [SYSCAGED, '--units-dir', self.units_dir, '--state-dir', self.state_dir,
                '--runtime-dir', self.runtime_dir, '--log-level', 'debug']
        args += ['--directories-root', self.directories_root]
        args += [a for k in self.relax for a in ('--relax', k)]
        log = open(self.log_path, 'w')
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        log.close()
        end = time.monotonic() + 15
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.monotonic() > end:
                raise AssertionError('syscaged did not come up:\n' + self.daemon_log())
            time.sleep(0.02)

    def ctl(self, *args, timeout=60):
        env = dict(os.environ, SYSCAGE_SOCKET=self.socket)
        return subprocess.run([SYSCAGECTL, *args], env=env, capture_output=True, text=True,
                              timeout=timeout)

    def status(self, unit=None):
        try:
            with open(os.path.join(self.runtime_dir, 'units', (unit or self.unit) + '.status')) as f:
                return dict(l.rstrip('\n').split('=', 1) for l in f if '=' in l)
        except FileNotFoundError:
            return {}

    def unit_log(self):
        try:
            with open(os.path.join(self.state_dir, 'logs', self.unit + '.log'),
                      errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def daemon_log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def diagnostics(self):
        return '\nstatus: %s\n--- unit log\n%s\n--- daemon log\n%s' % (
            self.status(), self.unit_log()[-4000:], self.daemon_log()[-4000:])

    def stop_daemon(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError('syscaged did not exit after SIGTERM')

    def cleanup(self):
        # The daemon first: killed alone, the fd holder would leave it running without one.
        svc.kill_daemon_of(self.runtime_dir)
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        # After a failure the service may have outlived the daemon: its cgroup names it all.
        svc.kill_cgroup(self.status().get('CGroup'))
        shutil.rmtree(self.dir, ignore_errors=True)


def wait_for(pred, what, timeout, daemon):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            v = pred()
            if v:
                return v
        except OSError as e:
            last = e
        time.sleep(0.05)
    raise AssertionError('timed out waiting for %s (last error: %s)%s'
                         % (what, last, daemon.diagnostics()))


def dns_answer(port, qname):
    """dig's answer section for QNAME from 127.0.0.1:PORT (empty if none)."""
    p = subprocess.run(['dig', '+short', '+time=1', '+tries=1', '-p', str(port), '@127.0.0.1',
                        qname], capture_output=True, text=True, timeout=10)
    return p.stdout.strip() if p.returncode == 0 else ''


def http_get(port, path):
    """The whole reply (HTTP/1.0: the server closes when done)."""
    return talk(port, ('GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' % path).encode(),
                b'\0', timeout=5)


def run_tool(args, timeout=15, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    return p.returncode, p.stdout + p.stderr


def tmpfiles(conf):
    """What the host's boot does for a package (systemd-tmpfiles-setup.service): its
    tmpfiles.d directories, such as /run/haproxy. This host was not booted by systemd."""
    path = os.path.join('/usr/lib/tmpfiles.d', conf)
    if os.path.exists(path) and shutil.which('systemd-tmpfiles'):
        subprocess.run(['systemd-tmpfiles', '--create', path], capture_output=True, timeout=20)


class DebianUnit:
    """One case: package, unit file, port, and how to tell that it serves.

    NAME is the unit whose main process serves; START the unit started, stopped and reloaded
    (NAME unless it comes in through a dependency); FILES every vendor unit file copied
    (NAME's own, or its template, by default)."""
    name = package = port = None
    start = None
    files = None
    ports = ()  # more ports (TCP) that must be free
    serve_timeout = START_TIMEOUT
    reload_ends_service = False  # the vendor's ExecReload= ends the service (see the case)
    directories_root = None  # None: a temporary root; "/" where the program hardcodes paths

    def serves(self, pid):
        raise NotImplementedError

    def prepare(self, test, daemon):
        """Host set-up that the unit file assumes, before syscaged starts."""

    def vendor_files(self):
        if self.files:
            return list(self.files)
        n = self.name
        if '@' in n:
            n = n.split('@', 1)[0] + '@.service'
        return [n]


class Memcached(DebianUnit):
    name, package, port = 'memcached.service', 'memcached', 11211

    def serves(self, pid):
        reply = talk(self.port, b'stats\r\n', b'END\r\n')
        m = re.search(r'^STAT pid (\d+)', reply, re.M)
        return m and 'STAT pid %s' % m.group(1)


class Redis(DebianUnit):
    name, package, port = 'redis-server.service', 'redis-server', 6379
    # redis.conf names /run/redis, /var/lib/redis and /var/log/redis; the package made the
    # last two, and RuntimeDirectory=redis must be /run/redis.
    directories_root = '/'

    def serves(self, pid):
        reply = talk(self.port, b'PING\r\n', b'\r\n')
        return reply.startswith('+PONG') and reply.strip()


class Nginx(DebianUnit):
    name, package, port = 'nginx.service', 'nginx', 80

    def serves(self, pid):
        reply = talk(self.port, b'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n', b'\r\n')
        return reply.startswith('HTTP/') and reply.splitlines()[0]


class Ssh(DebianUnit):
    name, package, port = 'ssh.service', 'openssh-server', 22
    # sshd's privilege separation directory is /run/sshd (RuntimeDirectory=sshd).
    directories_root = '/'

    def serves(self, pid):
        reply = talk(self.port, None, b'\r\n')
        return reply.startswith('SSH-2.0-') and reply.strip()


class Chrony(DebianUnit):
    name, package = 'chrony.service', 'chrony'
    # /run/chrony (RuntimeDirectory=chrony) is where chronyc finds chronyd's socket.
    directories_root = '/'

    def serves(self, pid):
        rc, out = run_tool(['chronyc', '-n', 'tracking'])
        return rc == 0 and 'Reference ID' in out and out.splitlines()[0].strip()


class Haproxy(DebianUnit):
    name, package = 'haproxy.service', 'haproxy'
    directories_root = '/'
    SOCK = '/run/haproxy/admin.sock'

    def prepare(self, test, daemon):
        tmpfiles('haproxy.conf')  # /run/haproxy, for the admin socket of haproxy.cfg
        # BindReadOnlyPaths=/dev/log:...: systemd-journald provides /dev/log on a booted
        # host. This one has none; a socket of the test's own stands in for it (and is
        # removed afterwards). The unit file is unchanged.
        if not os.path.exists('/dev/log'):
            log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            log.bind('/dev/log')
            test.addCleanup(os.unlink, '/dev/log')
            test.addCleanup(log.close)
            test.evidence('host', '/dev/log missing: a datagram socket of the test stands in')

    def serves(self, pid):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(3)
            c.connect(self.SOCK)
            c.sendall(b'show info\n')
            data = b''
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
        m = re.search(r'^Pid: (\d+)', data.decode(errors='replace'), re.M)
        return m and 'admin socket: show info -> Name: HAProxy, Pid: %s' % m.group(1)


class Unbound(DebianUnit):
    name, package, port = 'unbound.service', 'unbound', 53
    directories_root = '/'

    def serves(self, pid):
        a = dns_answer(53, 'localhost.')
        return a == '127.0.0.1' and 'dig @127.0.0.1 localhost. -> %s' % a


class Dnsmasq(DebianUnit):
    name, package, port = 'dnsmasq.service', 'dnsmasq', 53
    directories_root = '/'

    def prepare(self, test, daemon):
        tmpfiles('dnsmasq.conf')

    def serves(self, pid):
        a = dns_answer(53, 'localhost')
        return a in ('127.0.0.1', '::1') and 'dig @127.0.0.1 localhost -> %s' % a


class Mosquitto(DebianUnit):
    name, package, port = 'mosquitto.service', 'mosquitto', 1883
    directories_root = '/'
    # MQTT 3.1.1 CONNECT: protocol "MQTT" level 4, clean session, keep-alive 60, empty
    # client id. The broker answers CONNACK (0x20 0x02), return code 0: accepted.
    CONNECT = b'\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00'

    def serves(self, pid):
        with socket.create_connection(('127.0.0.1', self.port), timeout=3) as c:
            c.sendall(self.CONNECT)
            reply = c.recv(4)
        return reply == b'\x20\x02\x00\x00' and 'CONNACK %s' % reply.hex()


class NodeExporter(DebianUnit):
    name, package, port = 'prometheus-node-exporter.service', 'prometheus-node-exporter', 9100
    # ExecReload=/bin/kill -HUP $MAINPID, but the program does not handle SIGHUP: it dies of
    # it. SIGHUP is a clean exit for a service (systemd.service(5), SuccessExitStatus=), so
    # Restart=on-failure does not restart it and the unit ends inactive, as under systemd.
    reload_ends_service = True

    def serves(self, pid):
        reply = http_get(self.port, '/metrics')
        m = re.search(r'^node_exporter_build_info\{[^\n]*', reply, re.M)
        return reply.startswith('HTTP/1.0 200') and m and m.group(0)


class Rsyslog(DebianUnit):
    name, package = 'rsyslog.service', 'rsyslog'
    directories_root = '/'

    def prepare(self, test, daemon):
        if os.path.exists('/dev/log'):
            test.skipTest('/dev/log exists: another syslog daemon owns it on this host')
        self.token = 'syscage-test-%d-%d' % (os.getpid(), time.monotonic_ns())
        test.addCleanup(lambda: os.path.exists('/dev/log') and os.unlink('/dev/log'))

    def serves(self, pid):
        # imuxsock makes /dev/log (on a host not booted by systemd, as here).
        if not os.path.exists('/dev/log'):
            return False
        subprocess.run(['logger', '-t', 'syscage', self.token], timeout=10)
        for f in ('/var/log/syslog', '/var/log/messages', '/var/log/user.log'):
            try:
                with open(f, errors='replace') as fh:
                    line = [l for l in fh if self.token in l]
            except FileNotFoundError:
                continue
            if line:
                return '%s: %s' % (f, line[-1].strip())
        return False


class Cron(DebianUnit):
    name, package = 'cron.service', 'cron'
    CRON_D = '/etc/cron.d/syscage-test'
    serve_timeout = 65.0  # the next minute, when @reboot does not run

    def prepare(self, test, daemon):
        self.mark = os.path.join(daemon.dir, 'cron-ran')
        # A job each minute; @reboot as well, which runs at once when this host's cron has
        # not run before (/run/crond.reboot). Each writes the mark.
        with open(self.CRON_D, 'w') as f:
            f.write('@reboot root date > %s\n* * * * * root date > %s\n' % (self.mark, self.mark))
        os.chmod(self.CRON_D, 0o644)
        test.addCleanup(os.unlink, self.CRON_D)

    def serves(self, pid):
        return os.path.exists(self.mark) and 'cron job ran (%s)' % self.mark


class Postgresql(DebianUnit):
    # The package's generator links the clusters from postgresql.service.wants/; starting
    # postgresql.service pulls postgresql@15-main.service in, which orders itself Before=.
    name, package, port = 'postgresql@15-main.service', 'postgresql', 5432
    start = 'postgresql.service'
    files = ['postgresql.service', 'postgresql@.service']
    GENERATOR = '/lib/systemd/system-generators/postgresql-generator'

    def prepare(self, test, daemon):
        if not os.path.exists('/etc/postgresql/15/main/postgresql.conf'):
            test.skipTest('no cluster 15-main (the package creates it at installation)')
        rc, out = run_tool([self.GENERATOR, daemon.units_dir])
        test.assertEqual(rc, 0, 'postgresql-generator: %s' % out)
        wants = os.listdir(os.path.join(daemon.units_dir, 'postgresql.service.wants'))
        test.evidence('generator', 'postgresql.service.wants/: %s' % ' '.join(wants))

    def serves(self, pid):
        rc, out = run_tool(['runuser', '-u', 'postgres', '--', 'psql', '-Atc', 'select 1'],
                           cwd='/')
        return rc == 0 and out.strip() == '1' and "psql -c 'select 1' -> 1"


def package_installed(pkg):
    try:
        out = subprocess.run(['dpkg-query', '-W', '-f=${Status}', pkg], capture_output=True,
                             text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return 'ok installed' in out


def not_enforced_by_syscaged(path):
    """What `syscagectl verify` says syscaged will not enforce in PATH: {directive: why} for
    those it ignores (not enforced at all, or unknown; those of which it enforces only a part
    are checked in full), and the directives it refuses the unit for and names a --relax
    for (those are then relaxed, and listed in the result too)."""
    def verify(args):
        p = subprocess.run([SYSCAGECTL, 'verify', *args, path], capture_output=True, text=True,
                           timeout=30)
        return p.returncode, (p.stdout + p.stderr).splitlines()

    _, lines = verify([])
    relax = sorted({m.group(1) for l in lines for m in [re.search(r"--relax (\w+)'", l)]
                    if m and ': error: ' in l})
    if relax:
        rc, lines = verify([a for k in relax for a in ('--relax', k)])
        if rc != 0:
            raise AssertionError('syscagectl verify refuses %s even with --relax %s:\n%s'
                                 % (path, ' '.join(relax), '\n'.join(lines)))
    gaps = {}
    for line in lines:
        m = re.match(r'^[^:]+:\d+: (\w+): warning: (.*)$', line)
        if m and ('not enforced' in m.group(2) or m.group(2).startswith('Unknown key name') or
                  m.group(1) in relax):
            gaps[m.group(1)] = m.group(2)
    return gaps, relax


class SandboxCheck:
    """Every sandbox directive a unit declares, checked on its running main process PID from
    the service's side. A check reads /proc/PID, and queues operations for the probe that
    joins the service's mount namespace (as root, and as the service's uid), each with the
    result the unit implies. Directives in GAPS are skipped (reported not enforced)."""

    def __init__(self, test, pid, declared, gaps, host_probe):
        self.t, self.pid, self.declared, self.gaps = test, pid, declared, gaps
        self.host_probe = host_probe
        self.mounts = mountinfo(pid)
        self.st = read_status(pid)
        self.uid = int(self.st['Uid'].split()[0])
        self.gid = int(self.st['Gid'].split()[0])
        self.ops_root, self.ops_user = [], []  # (op, arg, wanted result(s), why)
        self.shown = set()

    def on(self, key):
        v = self.declared.get(key)
        return bool(v) and is_true(v[-1]) and key not in self.gaps

    def value(self, key):
        v = self.declared.get(key)
        return v[-1] if v and key not in self.gaps else None

    def proc_subset_pid(self):
        return (self.value('ProcSubset') or '').strip() == 'pid'

    def mount_at(self, path, what, point=None, has=None):
        """The mount PATH is on, printed; it must be at POINT and carry option HAS."""
        m = covering(self.mounts, path)
        if m.line not in self.shown:
            self.shown.add(m.line)
            self.t.evidence('mountinfo', m.line)
        if point is not None:
            self.t.assertEqual(m.point, point, '%s: no mount of its own at %s' % (what, point))
        if has is not None:
            self.t.assertIn(has, m.opts | m.super_opts, '%s: %s is not %s' % (what, path, has))
        return m

    def run(self):
        for line in status_lines(self.pid, ('Uid', 'Gid', 'NoNewPrivs', 'Seccomp',
                                            'Seccomp_filters', 'CapBnd', 'CapEff')):
            self.t.evidence('status', line)
        for check in (self.namespaces, self.seccomp_and_caps, self.protect_system,
                      self.read_write_paths, self.private_tmp, self.private_devices,
                      self.protect_home, self.kernel_tunables, self.control_groups,
                      self.hidden_paths, self.protect_proc, self.exec_paths):
            check()
        if self.ops_root:
            self.t.run_ops(self.pid, self.ops_root, None, None, 'root')
            self.t.nsenter_evidence(self.pid, [a for o, a, w, _ in self.ops_root
                                               if o == 'create' and w == 'EROFS'][:1])
        if self.ops_user:
            self.t.run_ops(self.pid, self.ops_user, self.uid, self.gid, 'uid %d' % self.uid)
        if not self.ops_root and not self.ops_user:
            declared = [k for k in MOUNT_DIRECTIVES if active(self.declared, k)]
            self.t.evidence('writes', 'none checked: %s' % (
                'the unit forbids none' if not declared else
                'what the unit forbids (%s) is not enforced by this syscaged'
                % ', '.join(declared)))

    def namespaces(self):
        own, svc = (os.readlink('/proc/%s/ns/mnt' % p) for p in ('self', self.pid))
        self.t.evidence('mount namespace', '%s (host %s)' % (svc, own))
        declared = [k for k in MOUNT_DIRECTIVES if active(self.declared, k)]
        if [k for k in declared if k not in self.gaps]:
            self.t.assertNotEqual(svc, own, '%s need a mount namespace' % ', '.join(declared))
        elif not declared:
            # Nothing declared: systemd leaves the service in the host's namespace.
            self.t.assertEqual(svc, own, 'a mount namespace the unit did not ask for')
            self.t.evidence('mountinfo', 'none declared: the host\'s mount namespace, %d mounts'
                            % len(self.mounts))
        for key, ns in (('PrivateUsers', 'user'), ('ProtectHostname', 'uts')):
            if self.on(key):
                mine, theirs = (os.readlink('/proc/%s/ns/%s' % (p, ns)) for p in ('self', self.pid))
                self.t.evidence('%s namespace' % ns, '%s (host %s)' % (theirs, mine))
                self.t.assertNotEqual(theirs, mine, '%s=: no %s namespace' % (key, ns))
        if self.on('PrivateUsers'):
            # Only root and the service's own user and group, each mapped to itself.
            for name, own in (('uid_map', self.uid), ('gid_map', self.gid)):
                with open('/proc/%d/%s' % (self.pid, name)) as f:
                    got = [' '.join(l.split()) for l in f if l.strip()]
                self.t.evidence(name, ' | '.join(got))
                want = ['0 0 1'] + (['%d %d 1' % (own, own)] if own != 0 else [])
                self.t.assertEqual(got, want, 'PrivateUsers=: %s' % name)

    def seccomp_and_caps(self):
        st = self.st
        seccomp = [k for k in SECCOMP_DIRECTIVES if active(self.declared, k)]
        self.t.assertEqual(st['Seccomp'], '2' if seccomp else '0',
                           'Seccomp: with %s declared' % (seccomp or 'nothing'))
        if self.on('NoNewPrivileges'):
            self.t.assertEqual(st['NoNewPrivs'], '1', 'NoNewPrivileges=yes')
        elif not seccomp:
            self.t.assertEqual(st['NoNewPrivs'], '0', 'no_new_privs the unit did not ask for')
        own_bnd = int(read_status(os.getpid())['CapBnd'], 16)
        declared_caps = cap_mask(self.declared.get('CapabilityBoundingSet', []))
        want = own_bnd if declared_caps is None else declared_caps & own_bnd
        for key, caps in IMPLIED_CAP_DROPS.items():
            if self.on(key):
                for c in caps:
                    want &= ~(1 << CAPS.index(c))
        self.t.assertEqual(int(st['CapBnd'], 16), want,
                           'CapBnd %s, want %016x' % (st['CapBnd'], want))

    def protect_system(self):
        # /usr (and /boot, /efi) read-only; full adds /etc; strict all of / but the API trees.
        ps = self.value('ProtectSystem')
        if not ps or ps.lower() in ('no', 'false', '0', 'off'):
            return
        paths = ['/usr'] + (['/etc'] if ps in ('full', 'strict') else []) + \
                (['/var', '/'] if ps == 'strict' else [])
        for path in paths:
            self.mount_at(path, 'ProtectSystem=%s' % ps, has='ro')
            probe = os.path.join(path, 'syscage-forbidden-%d' % os.getpid())
            self.ops_root.append(('create', probe, 'EROFS', 'ProtectSystem=%s' % ps))

    def read_write_paths(self):
        # Writable, with the host's access modes, through a read-only system.
        if 'ReadWritePaths' in self.gaps:
            return
        # ReadWriteDirectories= is the old spelling (systemd.exec(5)).
        for v in (self.declared.get('ReadWritePaths', []) +
                  self.declared.get('ReadWriteDirectories', [])):
            for path in v.split():
                path = path.lstrip('-+')
                real = os.path.realpath(path)
                if not os.path.isdir(real):
                    continue
                m = self.mount_at(real, 'ReadWritePaths=%s' % path)
                self.t.assertNotIn('ro', m.opts, 'ReadWritePaths=%s is read-only' % path)
                if os.stat(real).st_uid == self.uid:
                    self.ops_user.append(('create', os.path.join(real, 'syscage-allowed-%d'
                                                                 % os.getpid()),
                                          'ok', 'ReadWritePaths=%s' % path))

    def private_tmp(self):
        if not self.on('PrivateTmp'):
            return
        host = {m.point: m for m in visible(mountinfo())}
        for path in ('/tmp', '/var/tmp'):
            m = self.mount_at(path, 'PrivateTmp=', point=path)
            h = host.get(path)
            self.t.assertFalse(h is not None and (h.source, h.root) == (m.source, m.root),
                               'PrivateTmp=: %s is the host\'s' % path)
        self.ops_root.append(('exists', self.host_probe, 'ENOENT', 'PrivateTmp= (a host file)'))
        self.ops_root.append(('create', '/tmp/syscage-private-%d' % os.getpid(), 'ok',
                              'PrivateTmp= (its own /tmp is writable)'))

    def private_devices(self):
        # A /dev of API pseudo devices only.
        if not self.on('PrivateDevices'):
            return
        m = self.mount_at('/dev', 'PrivateDevices=', point='/dev')
        self.t.assertEqual(m.fstype, 'tmpfs', 'PrivateDevices=: /dev is %s' % m.fstype)
        for path in ('/dev/null', '/dev/urandom'):
            self.ops_user.append(('exists', path, 'ok', 'PrivateDevices= (API device)'))
        host_dev = []
        for e in sorted(os.listdir('/dev')):
            try:
                mode = os.lstat('/dev/' + e).st_mode
            except OSError:
                continue
            if e not in PRIVATE_DEV_NODES and (stat.S_ISBLK(mode) or e in ('mem', 'kmsg')):
                host_dev.append(e)
        for e in host_dev[:3]:
            self.ops_root.append(('exists', '/dev/' + e, 'ENOENT', 'PrivateDevices= (host device)'))

    def protect_home(self):
        # /home, /root (and /run/user) out of reach: empty, and read-only.
        ph = self.value('ProtectHome')
        if not ph or ph.lower() in ('no', 'false', '0', 'off'):
            return
        for path in ('/home', '/root'):
            if not os.path.isdir(path):
                continue
            self.mount_at(path, 'ProtectHome=%s' % ph, point=path)
            if is_true(ph):
                self.ops_user.append(('listdir', path, 'EACCES', 'ProtectHome=%s' % ph))
            self.ops_root.append(('create', os.path.join(path, 'syscage-forbidden'),
                                  ('EROFS', 'EACCES'), 'ProtectHome=%s' % ph))

    def kernel_tunables(self):
        if not self.on('ProtectKernelTunables'):
            return
        if self.proc_subset_pid():
            # The service's /proc shows processes only: /proc/sys is not there to write.
            self.ops_root.append(('rewrite', '/proc/sys/kernel/domainname', 'ENOENT',
                                  'ProtectKernelTunables= with ProcSubset=pid'))
            return
        self.mount_at('/proc/sys', 'ProtectKernelTunables=', has='ro')
        # Writes back the value it reads: harmless should the write ever work.
        self.ops_root.append(('rewrite', '/proc/sys/kernel/domainname', 'EROFS',
                              'ProtectKernelTunables='))

    def control_groups(self):
        if not self.on('ProtectControlGroups'):
            return
        self.mount_at('/sys/fs/cgroup', 'ProtectControlGroups=', has='ro')
        below = [m for m in visible(self.mounts) if m.point.startswith('/sys/fs/cgroup/')]
        for m in below:
            self.t.assertIn('ro', m.opts, 'ProtectControlGroups=: %s writable' % m.point)
        if below:
            self.ops_root.append(('mkdir', below[-1].point + '/syscage-forbidden', 'EROFS',
                                  'ProtectControlGroups='))

    def hidden_paths(self):
        # ProtectKernelLogs=: /proc/kmsg and /dev/kmsg; ProtectKernelModules=: the modules.
        hidden = []
        if self.on('ProtectKernelLogs'):
            hidden += [('ProtectKernelLogs', '/proc/kmsg')]
            if not self.on('PrivateDevices'):
                hidden += [('ProtectKernelLogs', '/dev/kmsg')]
        if self.on('ProtectKernelModules'):
            hidden += [('ProtectKernelModules', '/usr/lib/modules')]
        for key, path in hidden:
            if not os.path.exists(path):
                continue
            if path.startswith('/proc/') and self.proc_subset_pid():
                # Not in a /proc that shows processes only.
                self.ops_root.append(('exists', path, 'ENOENT', '%s= with ProcSubset=pid' % key))
                continue
            self.mount_at(path, '%s=' % key, point=path)
            if os.path.isdir(path):
                self.ops_user.append(('listdir', path, ('EACCES', 'ENOENT'), '%s=' % key))

    def protect_proc(self):
        pp = self.value('ProtectProc')
        if not pp or pp == 'default':
            return
        self.mount_at('/proc', 'ProtectProc=%s' % pp, has='hidepid=' + pp)
        self.ops_user.append(('exists', '/proc/1', 'ENOENT', 'ProtectProc=%s' % pp))

    def exec_paths(self):
        # NoExecPaths=: nothing runs from there; ExecPaths=: these still do.
        if not self.declared.get('NoExecPaths') or 'NoExecPaths' in self.gaps:
            return
        for v in self.declared['NoExecPaths']:
            for path in v.split():
                self.mount_at(path.lstrip('-+'), 'NoExecPaths=%s' % path, has='noexec')
        self.ops_root.append(('exec', ['/bin/true'], 'EACCES', 'NoExecPaths='))
        if 'ExecPaths' in self.gaps:
            return
        for v in self.declared.get('ExecPaths', []):
            for path in v.split():
                if os.path.isfile(path) and os.access(path, os.X_OK):
                    self.ops_root.append(('exec', [path, '--version'], 'ok', 'ExecPaths=%s' % path))


class DebianUnitsTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest('needs root (namespaces, cgroups, the services\' users)')

    def evidence(self, what, line):
        print('  [%s] %s: %s' % (self.case.name, what, line))

    def run_case(self, case):
        self.case = case
        files = [os.path.join(VENDOR_DIR, f) for f in case.vendor_files()]
        vendor = files[-1] if '@' in case.name else os.path.join(VENDOR_DIR, case.name)
        if not package_installed(case.package) or not all(os.path.exists(f) for f in files):
            self.skipTest('package %s is not installed (contrib/deps.sh installs it)'
                          % case.package)
        for port in [case.port, *case.ports]:
            if port and port_busy(port):
                self.skipTest('port %d is already in use on this machine; %s is left unchanged, '
                              'so it cannot listen there' % (port, case.name))
        start_name = case.start or case.name
        print('\n== %s (%s)' % (case.name, vendor))
        declared = parse_unit(vendor)
        gaps, relax = not_enforced_by_syscaged(vendor)
        # PrivateUsers= is enforced (redis-server declares it): never relaxed, never a gap.
        self.assertNotIn('PrivateUsers', list(gaps) + relax, 'PrivateUsers= is not enforced')
        for key in sorted(gaps):
            self.evidence('RELAXED' if key in relax else 'NOT ENFORCED',
                          '%s= (syscagectl verify: %s)' % (key, gaps[key]))
        host_mounts = {m.key() for m in mountinfo()}
        # RuntimeDirectory= lives at /run/NAME when the directories root is "/"; one that is
        # not there before must come with the service and go with it.
        runtime_dirs = [os.path.join('/run', n) for v in declared.get('RuntimeDirectory', [])
                        for n in v.split() if case.directories_root == '/']
        runtime_dirs = [r for r in runtime_dirs if not os.path.exists(r)]
        tmp_before = {t: set(os.listdir(t)) for t in ('/tmp', '/var/tmp')}
        probe = tempfile.NamedTemporaryFile(prefix='syscage-host-probe-', dir='/tmp')

        d = Daemon(case.name, case.directories_root, relax)
        for r in runtime_dirs:  # not there before: ours to remove should the test fail
            self.addCleanup(shutil.rmtree, r, ignore_errors=True)
        self.addCleanup(d.cleanup)
        self.addCleanup(probe.close)
        for f in files:
            unit_path = d.install(f)
            with open(f, 'rb') as a, open(unit_path, 'rb') as b:
                self.assertEqual(a.read(), b.read(), 'the unit file is not the vendor\'s, unchanged')
        case.prepare(self, d)
        d.start()

        p = d.ctl('start', start_name)
        self.assertEqual(p.returncode, 0, 'syscagectl start %s: %s%s%s'
                         % (start_name, p.stdout, p.stderr, d.diagnostics()))
        def started():
            s = d.status()
            if s.get('ActiveState') == 'failed':
                why = [l for l in d.unit_log().splitlines() if 'Failed at step' in l]
                raise AssertionError('%s failed to start: %s%s' % (
                    case.name, why[-1] if why else s.get('Result'), d.diagnostics()))
            return s.get('ActiveState') == 'active' and int(s.get('MainPID', '0')) > 0 and s
        st = wait_for(started, '%s active with a main pid' % case.name, START_TIMEOUT, d)
        pid = int(st['MainPID'])
        served = wait_for(lambda: case.serves(pid),
                          '%s serving' % case.name, case.serve_timeout, d)
        self.evidence('serves', served)
        self.check_nofile(pid, declared)
        for r in runtime_dirs:
            st_r = os.stat(r)
            self.evidence('RuntimeDirectory', '%s mode %o owner %d:%d'
                          % (r, stat.S_IMODE(st_r.st_mode), st_r.st_uid, st_r.st_gid))
        if case.name == 'memcached.service':
            self.assertEqual(served, 'STAT pid %d' % pid, 'memcached is not the main process')
        cgroup = st['CGroup']
        with open(os.path.join(cgroup, 'cgroup.procs')) as f:
            pids = [int(x) for x in f.read().split()]
        self.assertIn(pid, pids)

        self.check_sandbox(case, pid, declared, gaps, probe.name)
        if case.start:
            wait_for(lambda: d.status(case.start).get('ActiveState') == 'active',
                     '%s active after %s' % (case.start, case.name), START_TIMEOUT, d)
            self.evidence('pulled in', '%s active, started through %s'
                          % (case.name, case.start))
        if declared.get('ExecReload'):
            p = d.ctl('reload', start_name)
            self.assertEqual(p.returncode, 0, 'syscagectl reload: %s%s%s'
                             % (p.stdout, p.stderr, d.diagnostics()))
            if case.reload_ends_service:
                st = wait_for(lambda: d.status().get('ActiveState') in ('inactive', 'failed')
                              and d.status(), '%s ended by its reload' % case.name,
                              START_TIMEOUT, d)
                self.assertEqual((st['ActiveState'], st['Result']), ('inactive', 'success'),
                                 'a service that dies of the SIGHUP of its ExecReload=')
                self.evidence('reload', 'ExecReload= ended it (%s, %s, %s): started again'
                              % (st['ActiveState'], st['ExecMainCode'], st['ExecMainStatus']))
                p = d.ctl('start', start_name)
                self.assertEqual(p.returncode, 0, 'start after the reload: %s' % p.stderr)
                pid = int(wait_for(started, '%s active again' % case.name, START_TIMEOUT,
                                   d)['MainPID'])
            wait_for(lambda: d.status().get('SubState') == 'running' and case.serves(pid),
                     '%s serving after a reload' % case.name, START_TIMEOUT, d)
            self.evidence('reload', 'ExecReload= done, still serving, main pid %s'
                          % d.status().get('MainPID'))
            if case.start:
                # ReloadPropagatedFrom=: the reload of START reached NAME.
                want = '%s: Reloading with %s.' % (case.name, case.start)
                wait_for(lambda: want in d.daemon_log(), want, START_TIMEOUT, d)
                self.evidence('reload', want)
            with open(os.path.join(cgroup, 'cgroup.procs')) as f:
                pids += [int(x) for x in f.read().split()]

        p = d.ctl('stop', start_name)
        self.assertEqual(p.returncode, 0, 'syscagectl stop: %s%s' % (p.stdout, p.stderr))
        wait_for(lambda: d.status().get('ActiveState') in ('inactive', 'failed'),
                 '%s stopped' % case.name, STOP_TIMEOUT, d)
        self.assertEqual(d.status().get('ActiveState'), 'inactive',
                         'stopping %s failed it%s' % (case.name, d.diagnostics()))
        wait_for(lambda: not any(os.path.exists('/proc/%d' % x) for x in pids),
                 'every process of %s gone' % case.name, STOP_TIMEOUT, d)
        self.evidence('stopped', 'inactive; pids %s gone' % ' '.join(map(str, sorted(set(pids)))))
        d.stop_daemon()
        self.check_host_mounts(host_mounts, d.dir)
        for r in runtime_dirs:
            self.assertFalse(os.path.exists(r), '%s is left behind after the stop' % r)
        base = case.name.rsplit('.', 1)[0]
        for t, before in tmp_before.items():
            left = sorted(e for e in set(os.listdir(t)) - before if base in e)
            self.assertEqual(left, [], 'left behind in %s' % t)

    def check_nofile(self, pid, declared):
        """LimitNOFILE=, as close as the kernel permits (systemd's rule): a hard limit above
        ours needs CAP_SYS_RESOURCE, and stops at fs.nr_open even with it."""
        if not declared.get('LimitNOFILE'):
            return
        want = int(declared['LimitNOFILE'][-1].split(':')[-1])
        own = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        with open('/proc/sys/fs/nr_open') as f:
            nr_open = int(f.read())
        cap_eff = int(read_status(os.getpid())['CapEff'], 16)
        may_raise = cap_eff & (1 << CAPS.index('CAP_SYS_RESOURCE'))
        if want > own and (not may_raise or want > nr_open):
            want = own
        with open('/proc/%d/limits' % pid) as f:
            line = [l for l in f if l.startswith('Max open files')][0]
        self.evidence('limits', ' '.join(line.split()))
        self.assertEqual(int(line.split()[4]), want, 'LimitNOFILE=: the hard limit')

    def check_host_mounts(self, before, own_dir):
        after = {m.key() for m in mountinfo()}
        tmp = tempfile.gettempdir().rstrip('/') + '/'
        # Other programs' temporary mounts come and go; ours live under own_dir.
        def relevant(k):
            return not k[0].startswith(tmp) or k[0].startswith(own_dir)
        added = sorted(k for k in after - before if relevant(k))
        removed = sorted(k for k in before - after if relevant(k))
        self.assertEqual((added, removed), ([], []), 'the host\'s mount table changed')
        self.evidence('host', 'mount table unchanged (%d distinct mounts)' % len(after))

    def check_sandbox(self, case, pid, declared, gaps, host_probe):
        SandboxCheck(self, pid, declared, gaps, host_probe).run()

    def run_ops(self, pid, ops, uid, gid, who):
        got = inside(pid, [(o, a) for o, a, _, _ in ops], uid, gid)
        for (op, arg, want, what), g in zip(ops, got):
            wants = want if isinstance(want, tuple) else (want,)
            self.evidence('inside as %s' % who, '%s %s -> %s (%s)' % (op, arg, g, what))
            self.assertIn(g, wants, '%s: %s %s inside the service gave %s, want %s'
                          % (what, op, arg, g, '/'.join(wants)))

    def nsenter_evidence(self, pid, paths):
        """The same forbidden write with the stock tools, for the record."""
        for path in paths:
            p = subprocess.run(['nsenter', '-t', str(pid), '-m', '--', 'touch', path],
                               capture_output=True, text=True, timeout=20)
            self.evidence('nsenter -t %d -m -- touch %s' % (pid, path),
                          'exit %d: %s' % (p.returncode, p.stderr.strip()))
            self.assertNotEqual(p.returncode, 0, 'touch %s worked inside the service' % path)
            if os.path.exists(path):
                os.unlink(path)

    def test_memcached(self):
        self.run_case(Memcached())

    def test_redis_server(self):
        self.run_case(Redis())

    def test_nginx(self):
        self.run_case(Nginx())

    def test_ssh(self):
        self.run_case(Ssh())

    def test_chrony(self):
        self.run_case(Chrony())

    def test_haproxy(self):
        self.run_case(Haproxy())

    def test_unbound(self):
        self.run_case(Unbound())

    def test_dnsmasq(self):
        self.run_case(Dnsmasq())

    def test_mosquitto(self):
        self.run_case(Mosquitto())

    def test_prometheus_node_exporter(self):
        self.run_case(NodeExporter())

    def test_rsyslog(self):
        self.run_case(Rsyslog())

    def test_cron(self):
        self.run_case(Cron())

    def test_postgresql(self):
        self.run_case(Postgresql())


def main():
    global SYSCAGED, SYSCAGECTL
    if len(sys.argv) < 3:
        print('usage: %s SYSCAGED SYSCAGECTL [TEST...]' % sys.argv[0])
        return 2
    SYSCAGED, SYSCAGECTL = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if os.geteuid() != 0:
        print('skipped: running services under syscaged needs root')
        return SKIP
    loader = unittest.TestLoader()
    names = sys.argv[3:]
    suite = (loader.loadTestsFromNames(['DebianUnitsTest.' + n for n in names],
                                       sys.modules[__name__]) if names
             else loader.loadTestsFromTestCase(DebianUnitsTest))
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    if not result.wasSuccessful():
        return 1
    return SKIP if result.testsRun and len(result.skipped) == result.testsRun else 0


if __name__ == '__main__':
    sys.exit(main())
