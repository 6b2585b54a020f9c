#!/usr/bin/env python3
"""The sandbox a unit declares, end to end: each scenario starts a real syscaged in a
temporary directory, runs a real service under one directive (a /bin/sh script that tries the
forbidden action and the allowed one and prints "R NAME RESULT" lines to its log), and checks
the results, the host afterwards (its mount table has as many lines after the daemon stopped
as before it started; files the service should not reach are untouched), and, where the brief
asks for it, a control unit without the directive. Waits are bounded polls, never fixed
sleeps. The daemon harness is test-service.py's.

Usage: test-sandbox.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root).
"""
import glob
import importlib.util
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('service_harness', os.path.join(_here, 'test-service.py'))
svc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(svc)
check, Failure, unit = svc.check, svc.Failure, svc.unit

# Shell functions every script sources: r NAME VALUE prints a result; t NAME CMD... runs CMD
# and prints ok or fail; st FIELD prints a field of /proc/self/status with builtins only (for
# services whose exec gate denies every command after the first).
PRELUDE = r'''
r() { echo "R $1 $2"; }
t() { n=$1; shift; if "$@" >/dev/null 2>&1; then r "$n" ok; else r "$n" fail; fi; }
st() { while read -r k v rest; do [ "$k" = "$1:" ] && { echo "$v"; return; }; done < /proc/self/status; }
'''


def mountinfo_lines():
    with open('/proc/self/mountinfo') as f:
        return sum(1 for _ in f)


def cgroup2_mount():
    with open('/proc/self/mountinfo') as f:
        for line in f:
            pre, _, post = line.partition(' - ')
            if post.split()[0] == 'cgroup2':
                return pre.split()[4]
    return None


def host_block_device():
    for name in sorted(os.listdir('/dev')):
        try:
            if stat.S_ISBLK(os.stat('/dev/' + name).st_mode):
                return '/dev/' + name
        except OSError:
            pass
    return None


def cap_bit(hexmask, cap):
    return (int(hexmask, 16) >> cap) & 1


# A sysfs file root may write on every host with transparent huge pages.
SYS_TUNABLE = '/sys/kernel/mm/transparent_hugepage/enabled'

CAP_SYS_RAWIO, CAP_SYS_MODULE, CAP_SYS_TIME, CAP_MKNOD, CAP_SYSLOG, CAP_WAKE_ALARM = 17, 16, 25, 27, 34, 35


class SandboxDaemon(svc.Daemon):
    """test-service.py's daemon, with extra options (--relax) and an optional wrapper command
    (setpriv, to start it without a capability)."""

    def __init__(self, syscaged, units, enabled, prefix, args=(), wrapper=()):
        super().__init__(syscaged, units, enabled, prefix)
        self.args, self.wrapper = list(args), list(wrapper)

    def start(self):
        log = open(self.log_path, 'w')
        root = getattr(self, 'root_dir', None)  # --directories-root, when the harness has one
        self.proc = subprocess.Popen(
            self.wrapper + [self.syscaged, '--units-dir', self.units_dir, '--state-dir', self.state_dir,
                            '--runtime-dir', self.runtime_dir, '--log-level', 'debug'] +
            (['--directories-root', root] if root else []) + self.args,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        return self

    def results(self, unit):
        """The R lines of UNIT's log: {name: value}, the last value of each name."""
        res = {}
        for m in re.finditer(r'stdout: R (\S+) ?(.*)$', self.unit_log(unit), re.M):
            res[m.group(1)] = m.group(2).strip()
        return res

    def socket(self):
        return os.path.join(self.runtime_dir, 'control.sock')


class Context:
    def __init__(self, syscaged, helpers, syscagectl, scenario):
        self.syscaged, self.syscagectl = os.path.abspath(syscaged), os.path.abspath(syscagectl)
        self.helpers = os.path.abspath(helpers)
        self.prefix = 't%d-%s-' % (os.getpid(), scenario.replace('_', '-'))
        self.daemons = []
        self.cleanups = []
        # Not under /tmp: PrivateTmp= would hide the scripts and the daemon's directories.
        self.base = tempfile.mkdtemp(prefix='syscage-sandbox-', dir='/run')
        os.chmod(self.base, 0o755)
        tempfile.tempdir = self.base  # the Daemon's own directory goes here too
        self.mountinfo_before = mountinfo_lines()

    def helper(self, name):
        return os.path.join(self.helpers, name)

    def path(self, *parts):
        return os.path.join(self.base, *parts)

    def mkdir(self, *parts, mode=0o755):
        p = self.path(*parts)
        os.makedirs(p, exist_ok=True)
        os.chmod(p, mode)
        return p

    def write(self, rel, text, mode=0o644):
        p = self.path(rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def script(self, name, body):
        """A /bin/sh script with the prelude; it ends by printing "R done 1"."""
        return self.write('scripts/%s.sh' % name, PRELUDE + body.strip() + '\nr done 1\n', 0o755)

    def daemon(self, units, enabled=None, args=(), wrapper=()):
        d = SandboxDaemon(self.syscaged, units, list(units) if enabled is None else enabled,
                          self.prefix, args, wrapper)
        self.daemons.append(d)
        return d.start()

    def finish(self, unit_name, d, timeout=20.0):
        """Waits until UNIT printed its last result and its main process ended."""
        d.wait_log(unit_name, 'stdout: R done 1', timeout=timeout)
        return d.wait(unit_name, lambda s: s.get('ExecMainCode', '') != '' and
                      s.get('ActiveState') in ('inactive', 'failed'), 'the service finished', timeout)

    def ctl(self, d, *args):
        return subprocess.run([self.syscagectl, '--socket', d.socket()] + list(args),
                              capture_output=True, text=True, timeout=60)

    def stop(self, d):
        """Stops the daemon, then checks that the host's mount table is as it was."""
        d.stop()
        after = mountinfo_lines()
        check(after == self.mountinfo_before, 'host mount table changed: %d lines before, %d after'
              % (self.mountinfo_before, after))

    def cleanup(self, failed):
        for d in self.daemons:
            d.cleanup(failed)
        # What a service that was not confined as expected may have left on the host.
        pid = os.getpid()
        for pattern in ('/usr/syscage-test-*%d', '/etc/syscage-test-*%d', '/var/syscage-test-*%d',
                        '/tmp/syscage-*-%d', '/var/tmp/syscage-*-%d', '/root/syscage-test-write-%d'):
            for p in glob.glob(pattern % pid):
                os.unlink(p)
        for fn in reversed(self.cleanups):
            try:
                fn()
            except Exception as e:
                print('cleanup: %s' % e)
        shutil.rmtree(self.base, ignore_errors=True)


def expect(d, unit_name, want):
    got = d.results(unit_name)
    bad = ['%s=%r (want %r)' % (k, got.get(k), v) for k, v in want.items() if got.get(k) != v]
    check(not bad, '%s: %s\nlog:\n%s' % (unit_name, ', '.join(bad), d.unit_log(unit_name)[-3000:]))
    return got


def oneshot(ctx, script, directives, name=None, extra=''):
    return unit('Type=oneshot\nExecStart=/bin/sh %s\n%s\n%s' % (script, directives.strip(), extra))


# ---- file system ----

def test_protect_system_strict(ctx):
    rw = ctx.mkdir('rw')
    marker = '/usr/syscage-test-%d' % os.getpid()
    s = ctx.script('strict', '''
t usr_write touch %s
t etc_write touch /etc/syscage-test-%d
t var_write touch /var/syscage-test-%d
t tmp_write touch /tmp/syscage-test-%d
t rw_write touch %s/written
t usr_read test -r /usr/bin/env
t dev_null sh -c 'echo x > /dev/null'
''' % (marker, os.getpid(), os.getpid(), os.getpid(), rw))
    d = ctx.daemon({'strict.service': oneshot(ctx, s, 'ProtectSystem=strict\nReadWritePaths=%s' % rw)})
    ctx.finish('strict.service', d)
    expect(d, 'strict.service', {'usr_write': 'fail', 'etc_write': 'fail', 'var_write': 'fail',
                                 'tmp_write': 'fail', 'rw_write': 'ok', 'usr_read': 'ok', 'dev_null': 'ok'})
    check(os.path.exists(os.path.join(rw, 'written')), 'the ReadWritePaths= write did not reach the host')
    check(not os.path.exists(marker), '%s exists on the host' % marker)
    ctx.stop(d)


def test_protect_system_full(ctx):
    rw = ctx.mkdir('rw')
    s = ctx.script('full', '''
t etc_write touch /etc/syscage-test-%d
t usr_write touch /usr/syscage-test-%d
t other_write touch %s/written
t etc_read test -r /etc/passwd
''' % (os.getpid(), os.getpid(), rw))
    d = ctx.daemon({'full.service': oneshot(ctx, s, 'ProtectSystem=full')})
    ctx.finish('full.service', d)
    expect(d, 'full.service', {'etc_write': 'fail', 'usr_write': 'fail', 'other_write': 'ok', 'etc_read': 'ok'})
    ctx.stop(d)


def test_protect_system_yes(ctx):
    etc_marker = '/etc/syscage-test-yes-%d' % os.getpid()
    ctx.cleanups.append(lambda: os.path.exists(etc_marker) and os.unlink(etc_marker))
    s = ctx.script('yes', '''
t usr_write touch /usr/syscage-test-%d
t etc_write touch %s
''' % (os.getpid(), etc_marker))
    d = ctx.daemon({'yes.service': oneshot(ctx, s, 'ProtectSystem=yes')})
    ctx.finish('yes.service', d)
    expect(d, 'yes.service', {'usr_write': 'fail', 'etc_write': 'ok'})
    check(os.path.exists(etc_marker), '/etc was not writable with ProtectSystem=yes')
    ctx.stop(d)


def test_protect_home(ctx):
    marker = '/root/syscage-test-home-%d' % os.getpid()
    with open(marker, 'w') as f:
        f.write('x')
    ctx.cleanups.append(lambda: os.unlink(marker))
    body = '''
t see_marker test -e %s
t list_root ls /root
t write_root touch /root/syscage-test-write-%d
r n_entries "$(ls -A /root 2>/dev/null | wc -l)"
''' % (marker, os.getpid())
    units = {
        'home-yes.service': oneshot(ctx, ctx.script('home-yes', body), 'ProtectHome=yes'),
        'home-ro.service': oneshot(ctx, ctx.script('home-ro', body), 'ProtectHome=read-only'),
        'home-tmpfs.service': oneshot(ctx, ctx.script('home-tmpfs', body), 'ProtectHome=tmpfs'),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    # The hidden /root is an empty mode-0000 directory: root lists it (CAP_DAC_OVERRIDE), as
    # under systemd, and finds nothing.
    expect(d, 'home-yes.service', {'see_marker': 'fail', 'write_root': 'fail', 'n_entries': '0'})
    expect(d, 'home-ro.service', {'see_marker': 'ok', 'list_root': 'ok', 'write_root': 'fail'})
    expect(d, 'home-tmpfs.service', {'see_marker': 'fail', 'list_root': 'ok', 'write_root': 'fail',
                                     'n_entries': '0'})
    check(not os.path.exists('/root/syscage-test-write-%d' % os.getpid()), 'a write reached /root')
    ctx.stop(d)


def test_private_tmp(ctx):
    pid = os.getpid()
    host_marker = '/tmp/syscage-host-marker-%d' % pid
    with open(host_marker, 'w') as f:
        f.write('host')
    ctx.cleanups.append(lambda: os.unlink(host_marker))
    pre = ctx.script('tmp-pre', '''
t pre_write sh -c 'echo pre > /tmp/syscage-pre-%d'
t pre_var_write sh -c 'echo pre > /var/tmp/syscage-pre-%d'
''' % (pid, pid))
    main = ctx.script('tmp-main', '''
t host_marker_visible test -e %s
t pre_file_visible test -e /tmp/syscage-pre-%d
t pre_var_file_visible test -e /var/tmp/syscage-pre-%d
t own_write sh -c 'echo svc > /tmp/syscage-svc-%d'
r tmp_mode "$(stat -c %%a /tmp)"
''' % (host_marker, pid, pid, pid))
    # memcached-style: the commands of one start share the private /tmp.
    d = ctx.daemon({'tmp.service': unit('Type=oneshot\nPrivateTmp=yes\nExecStartPre=/bin/sh %s\n'
                                        'ExecStart=/bin/sh %s' % (pre, main))})
    ctx.finish('tmp.service', d)
    expect(d, 'tmp.service', {'pre_write': 'ok', 'pre_var_write': 'ok', 'host_marker_visible': 'fail',
                              'pre_file_visible': 'ok', 'pre_var_file_visible': 'ok', 'own_write': 'ok',
                              'tmp_mode': '1777'})
    for p in ('/tmp/syscage-svc-%d' % pid, '/tmp/syscage-pre-%d' % pid, '/var/tmp/syscage-pre-%d' % pid):
        check(not os.path.exists(p), '%s is visible on the host' % p)
    ctx.stop(d)


def test_private_devices(ctx):
    blk = host_block_device()
    check(blk is not None, 'this host has no block device in /dev to hide')
    body = '''
t block_device test -b %s
t dev_null sh -c 'echo x > /dev/null'
t dev_zero head -c 1 /dev/zero
r n_dev "$(ls -A /dev | wc -l)"
r capbnd "$(st CapBnd)"
''' % blk
    units = {
        'devices.service': oneshot(ctx, ctx.script('devices', body), 'PrivateDevices=yes'),
        'host-devices.service': oneshot(ctx, ctx.script('host-devices', body), ''),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    got = expect(d, 'devices.service', {'block_device': 'fail', 'dev_null': 'ok', 'dev_zero': 'ok'})
    host = expect(d, 'host-devices.service', {'block_device': 'ok'})
    check(int(got['n_dev']) < 30 and int(got['n_dev']) < int(host['n_dev']),
          'the private /dev has %s entries (host: %s)' % (got['n_dev'], host['n_dev']))
    check(not cap_bit(got['capbnd'], CAP_MKNOD) and not cap_bit(got['capbnd'], CAP_SYS_RAWIO),
          'CAP_MKNOD or CAP_SYS_RAWIO kept: %s' % got['capbnd'])
    check(cap_bit(host['capbnd'], CAP_MKNOD), 'the control unit lacks CAP_MKNOD')
    ctx.stop(d)


def test_protect_kernel_tunables(ctx):
    # "ro NAME CMD" passes only when CMD fails with EROFS ("Read-only file system"): a write
    # that fails for another reason (a missing file, a permission) proves nothing. Opening a
    # sysfs file for appending writes nothing, so the host is unchanged when it succeeds.
    body = '''
ro() { n=$1; shift; if "$@" 2>&1 | grep -q 'Read-only file system'; then r "$n" erofs; else r "$n" other; fi; }
t read_core_pattern cat /proc/sys/kernel/core_pattern
t open_core_pattern sh -c 'exec 3>>/proc/sys/kernel/core_pattern'
ro core_pattern_errno sh -c 'exec 3>>/proc/sys/kernel/core_pattern'
t read_sys cat %(sys)s
t write_sys sh -c 'exec 3>>%(sys)s'
ro sys_errno sh -c 'exec 3>>%(sys)s'
''' % dict(sys=SYS_TUNABLE)
    # Only the confined service tries a real write (of the current value, in case it works).
    confined = body + '''
v=$(cat /proc/sys/kernel/core_pattern)
t write_core_pattern sh -c 'printf "%s\\n" "$1" > /proc/sys/kernel/core_pattern' - "$v"
'''
    before = open('/proc/sys/kernel/core_pattern').read()
    units = {
        'tunables.service': oneshot(ctx, ctx.script('tunables', confined), 'ProtectKernelTunables=yes'),
        'host-tunables.service': oneshot(ctx, ctx.script('host-tunables', body), ''),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    expect(d, 'tunables.service', {'read_core_pattern': 'ok', 'open_core_pattern': 'fail',
                                   'core_pattern_errno': 'erofs', 'write_core_pattern': 'fail',
                                   'read_sys': 'ok', 'write_sys': 'fail', 'sys_errno': 'erofs'})
    # The control: the same opens succeed without the directive.
    expect(d, 'host-tunables.service', {'read_core_pattern': 'ok', 'open_core_pattern': 'ok',
                                        'core_pattern_errno': 'other',
                                        'read_sys': 'ok', 'write_sys': 'ok', 'sys_errno': 'other'})
    check(open('/proc/sys/kernel/core_pattern').read() == before, 'core_pattern changed')
    ctx.stop(d)


def test_protect_kernel_modules(ctx):
    body = '''
r capbnd "$(st CapBnd)"
t list_modules ls /usr/lib/modules
'''
    units = {
        'modules.service': oneshot(ctx, ctx.script('modules', body), 'ProtectKernelModules=yes'),
        'host-modules.service': oneshot(ctx, ctx.script('host-modules', body), ''),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    got = d.results('modules.service')
    host = d.results('host-modules.service')
    check(not cap_bit(got['capbnd'], CAP_SYS_MODULE), 'CAP_SYS_MODULE kept: %s' % got['capbnd'])
    check(cap_bit(host['capbnd'], CAP_SYS_MODULE), 'the control unit lacks CAP_SYS_MODULE')
    check(got['list_modules'] == 'fail', '/usr/lib/modules is readable')
    ctx.stop(d)


def test_protect_kernel_logs(ctx):
    body = '''
r kmsg_bytes "$(dd if=/dev/kmsg bs=8192 count=1 iflag=nonblock 2>/dev/null | wc -c)"
t dev_null sh -c 'echo x > /dev/null'
r capbnd "$(st CapBnd)"
'''
    units = {
        'logs.service': oneshot(ctx, ctx.script('logs', body), 'ProtectKernelLogs=yes'),
        'host-logs.service': oneshot(ctx, ctx.script('host-logs', body), ''),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    # /dev/kmsg is covered by the inaccessible node: root may open it, and reads nothing.
    got = expect(d, 'logs.service', {'kmsg_bytes': '0', 'dev_null': 'ok'})
    host = d.results('host-logs.service')
    check(int(host['kmsg_bytes']) > 0, 'the control unit read no kernel record')
    check(not cap_bit(got['capbnd'], CAP_SYSLOG), 'CAP_SYSLOG kept: %s' % got['capbnd'])
    ctx.stop(d)


def test_protect_clock(ctx):
    body = '''
r capbnd "$(st CapBnd)"
t read_clock date
'''
    units = {
        'clock.service': oneshot(ctx, ctx.script('clock', body), 'ProtectClock=yes'),
        'host-clock.service': oneshot(ctx, ctx.script('host-clock', body), ''),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    got = expect(d, 'clock.service', {'read_clock': 'ok'})
    host = d.results('host-clock.service')
    check(not cap_bit(got['capbnd'], CAP_SYS_TIME) and not cap_bit(got['capbnd'], CAP_WAKE_ALARM),
          'CAP_SYS_TIME or CAP_WAKE_ALARM kept: %s' % got['capbnd'])
    check(cap_bit(host['capbnd'], CAP_SYS_TIME), 'the control unit lacks CAP_SYS_TIME')
    ctx.stop(d)


def test_protect_control_groups(ctx):
    cg = cgroup2_mount()
    check(cg is not None, 'no cgroup2 mount on this host')
    probe = os.path.join(cg, 'syscage-probe-%d' % os.getpid())
    ctx.cleanups.append(lambda: os.path.isdir(probe) and os.rmdir(probe))
    s = ctx.script('cgroups', '''
t list_cgroups ls %s
t mkdir_cgroup mkdir %s
''' % (cg, probe))
    d = ctx.daemon({'cgroups.service': oneshot(ctx, s, 'ProtectControlGroups=yes')})
    ctx.finish('cgroups.service', d)
    expect(d, 'cgroups.service', {'list_cgroups': 'ok', 'mkdir_cgroup': 'fail'})
    check(not os.path.exists(probe), 'a cgroup was created on the host')
    ctx.stop(d)


def test_protect_proc(ctx):
    # As in systemd: "noaccess" lists other users' processes but refuses their files,
    # "invisible" and "ptraceable" hide them; the service's own child (same uid, ptraceable)
    # stays visible under each. pid 1 is root's.
    body = '''
sleep 30 &
kid=$!
t pid1 ls /proc/1/
t pid1_exists test -e /proc/1
t pid1_listed sh -c 'ls /proc | grep -qx 1'
t kid_status cat /proc/$kid/status
t self cat /proc/self/status
t meminfo cat /proc/meminfo
t proc_sys ls /proc/sys
kill $kid
'''
    units = {
        'noaccess.service': oneshot(ctx, ctx.script('noaccess', body), 'User=nobody\nProtectProc=noaccess'),
        'invisible.service': oneshot(ctx, ctx.script('invisible', body), 'User=nobody\nProtectProc=invisible'),
        'ptraceable.service': oneshot(ctx, ctx.script('ptraceable', body), 'User=nobody\nProtectProc=ptraceable'),
        'subset.service': oneshot(ctx, ctx.script('subset', body), 'ProcSubset=pid'),
        'plain.service': oneshot(ctx, ctx.script('plain', body), 'User=nobody'),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    own = {'self': 'ok', 'meminfo': 'ok', 'kid_status': 'ok'}
    expect(d, 'noaccess.service', dict(own, pid1='fail', pid1_exists='ok', pid1_listed='ok'))
    for u in ('invisible.service', 'ptraceable.service'):
        expect(d, u, dict(own, pid1='fail', pid1_exists='fail', pid1_listed='fail'))
    expect(d, 'subset.service', {'pid1': 'ok', 'self': 'ok', 'meminfo': 'fail', 'proc_sys': 'fail'})
    expect(d, 'plain.service', dict(own, pid1='ok', pid1_exists='ok', pid1_listed='ok'))
    ctx.stop(d)


def test_paths(ctx):
    ro = ctx.mkdir('ro')
    ro2 = ctx.mkdir('ro2')
    secret = ctx.mkdir('secret')
    noexec = ctx.mkdir('noexec')
    execsub = ctx.mkdir('noexec', 'sub')
    rw = ctx.mkdir('rw')
    ctx.write('ro/file', 'ro')
    ctx.write('secret/file', 'secret')
    for dst in (noexec, execsub):
        shutil.copy('/bin/true', os.path.join(dst, 'true'))
    s = ctx.script('paths', '''
t ro_read cat %(ro)s/file
t ro_write touch %(ro)s/new
t ro2_write touch %(ro2)s/new
t secret_read cat %(secret)s/file
t rw_write touch %(rw)s/new
t noexec_run %(noexec)s/true
t execsub_run %(execsub)s/true
t bin_true /bin/true
''' % dict(ro=ro, ro2=ro2, secret=secret, rw=rw, noexec=noexec, execsub=execsub))
    directives = '''
ReadOnlyPaths=%s -/nonexistent/syscage-test
ReadOnlyPaths=+%s
ReadWritePaths=%s
InaccessiblePaths=%s -/nonexistent/syscage-test-2
NoExecPaths=%s
ExecPaths=%s
''' % (ro, ro2, rw, secret, noexec, execsub)
    d = ctx.daemon({'paths.service': oneshot(ctx, s, directives)})
    ctx.finish('paths.service', d)
    expect(d, 'paths.service', {'ro_read': 'ok', 'ro_write': 'fail', 'ro2_write': 'fail', 'secret_read': 'fail',
                                'rw_write': 'ok', 'noexec_run': 'fail', 'execsub_run': 'ok', 'bin_true': 'ok'})
    check(not os.path.exists(os.path.join(ro, 'new')), 'a write reached the read-only directory')
    ctx.stop(d)


def test_temporary_file_system(ctx):
    tro = ctx.mkdir('tmpfs-ro')
    trw = ctx.mkdir('tmpfs-rw')
    ctx.write('tmpfs-ro/hostfile', 'x')
    ctx.write('tmpfs-rw/hostfile', 'x')
    s = ctx.script('tmpfs', '''
t ro_hostfile test -e %(tro)s/hostfile
t ro_write touch %(tro)s/new
t rw_hostfile test -e %(trw)s/hostfile
t rw_write touch %(trw)s/new
''' % dict(tro=tro, trw=trw))
    d = ctx.daemon({'tmpfs.service': oneshot(ctx, s, 'TemporaryFileSystem=%s:ro %s' % (tro, trw))})
    ctx.finish('tmpfs.service', d)
    expect(d, 'tmpfs.service', {'ro_hostfile': 'fail', 'ro_write': 'fail', 'rw_hostfile': 'fail', 'rw_write': 'ok'})
    check(not os.path.exists(os.path.join(trw, 'new')), 'a tmpfs write reached the host')
    ctx.stop(d)


def test_bind_paths(ctx):
    src, dst = ctx.mkdir('bsrc'), ctx.mkdir('bdst')
    src2, dst2 = ctx.mkdir('bsrc2'), ctx.mkdir('bdst2')
    ctx.write('bsrc/a', 'a')
    ctx.write('bsrc2/b', 'b')
    s = ctx.script('binds', '''
t rw_read cat %(dst)s/a
t rw_write touch %(dst)s/new
t ro_read cat %(dst2)s/b
t ro_write touch %(dst2)s/new
''' % dict(dst=dst, dst2=dst2))
    d = ctx.daemon({'binds.service': oneshot(ctx, s, 'BindPaths=%s:%s\nBindReadOnlyPaths=%s:%s\n'
                                             'BindPaths=-/nonexistent/syscage-src:%s'
                                             % (src, dst, src2, dst2, dst))})
    ctx.finish('binds.service', d)
    expect(d, 'binds.service', {'rw_read': 'ok', 'rw_write': 'ok', 'ro_read': 'ok', 'ro_write': 'fail'})
    check(os.path.exists(os.path.join(src, 'new')), 'the write through BindPaths= did not reach the source')
    check(not os.path.exists(os.path.join(src2, 'new')), 'a write reached the read-only bind source')
    check(not os.path.exists(os.path.join(dst, 'a')), 'the bind is visible on the host')
    ctx.stop(d)


def test_private_mounts(ctx):
    mnt = ctx.mkdir('mnt')
    flag = ctx.path('flag')
    s = ctx.script('mounts', '''
t mount mount -t tmpfs syscage-test-tmpfs %(mnt)s
t write_inside touch %(mnt)s/inside
r mounted 1
while [ ! -e %(flag)s ]; do sleep 0.05; done
''' % dict(mnt=mnt, flag=flag))
    d = ctx.daemon({'mounts.service': unit('ExecStart=/bin/sh %s\nPrivateMounts=yes' % s)})
    d.wait_log('mounts.service', 'stdout: R mounted 1')
    expect(d, 'mounts.service', {'mount': 'ok', 'write_inside': 'ok'})
    with open('/proc/self/mountinfo') as f:
        check(mnt not in f.read(), 'the service\'s mount appears on the host')
    check(not os.path.exists(os.path.join(mnt, 'inside')), 'the file in the service\'s mount is on the host')
    open(flag, 'w').close()
    ctx.finish('mounts.service', d)
    ctx.stop(d)


def make_root(ctx):
    root = ctx.mkdir('root')
    for sub in ('bin', 'proc', 'dev', 'sys', 'tmp', 'run'):
        ctx.mkdir('root', sub)
    shutil.copy(ctx.helper('static-probe'), os.path.join(root, 'bin', 'static-probe'))
    ctx.write('root/marker', 'inside the root')
    return root


def test_root_directory(ctx):
    root = make_root(ctx)
    args = '/proc/self/status /dev/null /sys/kernel /marker %s' % ctx.base
    units = {
        'api.service': unit('Type=oneshot\nRootDirectory=%s\nMountAPIVFS=yes\nExecStart=/bin/static-probe %s'
                            % (root, args)),
        # MountAPIVFS= is on by default with a root (as in systemd): turn it off explicitly.
        'noapi.service': unit('Type=oneshot\nRootDirectory=%s\nMountAPIVFS=no\nExecStart=/bin/static-probe %s'
                              % (root, args)),
    }
    d = ctx.daemon(units)
    for u in units:
        d.wait_log(u, 'stdout: done')
        d.wait(u, lambda s: s.get('ExecMainCode', '') != '' and s.get('ActiveState') != 'activating', 'finished')
    log = d.unit_log('api.service')
    for line in ('/proc/self/status yes', '/dev/null yes', '/sys/kernel yes', '/marker yes', ctx.base + ' no'):
        check('stdout: ' + line in log, 'api.service: %r missing:\n%s' % (line, log))
    log = d.unit_log('noapi.service')
    for line in ('/proc/self/status no', '/marker yes', ctx.base + ' no'):
        check('stdout: ' + line in log, 'noapi.service: %r missing:\n%s' % (line, log))
    ctx.stop(d)


def test_root_directory_paths(ctx):
    """With RootDirectory=, "+" makes a path the root's: ReadOnlyPaths=+/data-plus is ROOT/data-plus
    and read-only inside; the same path without "+" is the host's (/data-plain, missing there,
    hence "-") and leaves the root's /data-plain writable. ReadWritePaths=+ and
    InaccessiblePaths=+ act inside the root too, under ProtectSystem=strict. The probe's
    "+PATH" makes a directory PATH (yes) or is refused (no)."""
    root = make_root(ctx)
    for sub in ('data-plus', 'data-plain', 'data-rw', 'data-secret'):
        ctx.mkdir('root', sub)
    ctx.write('root/data-secret/file', 'secret')
    probes = '+/data-plus/new +/data-plain/new +/data-rw/new /data-secret/file'
    units = {
        'plus.service': unit('Type=oneshot\nRootDirectory=%s\nReadOnlyPaths=+/data-plus -/data-plain\n'
                             'ExecStart=/bin/static-probe %s' % (root, probes)),
        'strict.service': unit('Type=oneshot\nRootDirectory=%s\nProtectSystem=strict\nReadWritePaths=+/data-rw\n'
                               'InaccessiblePaths=+/data-secret\nExecStart=/bin/static-probe %s' % (root, probes)),
        # The control: the same root without the path directives.
        'noplus.service': unit('Type=oneshot\nRootDirectory=%s\nExecStart=/bin/static-probe %s' % (root, probes)),
    }
    d = ctx.daemon(units)
    for u in units:
        d.wait_log(u, 'stdout: done')
        d.wait(u, lambda s: s.get('ExecMainCode', '') != '' and s.get('ActiveState') != 'activating', 'finished')
    want = {
        'plus.service': ('+/data-plus/new no', '+/data-plain/new yes', '+/data-rw/new yes', '/data-secret/file yes'),
        'strict.service': ('+/data-plus/new no', '+/data-plain/new no', '+/data-rw/new yes', '/data-secret/file no'),
        'noplus.service': ('+/data-plus/new yes', '+/data-plain/new yes', '+/data-rw/new yes', '/data-secret/file yes'),
    }
    for u, lines in want.items():
        log = d.unit_log(u)
        for line in lines:
            check('stdout: ' + line in log, '%s: %r missing:\n%s' % (u, line, log))
    ctx.stop(d)


def test_root_directory_missing(ctx):
    ran = ctx.path('ran')
    d = ctx.daemon({'noroot.service': unit('Type=oneshot\nRootDirectory=/nonexistent/syscage-root\n'
                                           'ExecStart=/bin/touch %s' % ran)})
    s = d.wait('noroot.service', lambda s: s.get('ActiveState') == 'failed' or s.get('LoadState') == 'error',
               'refused')
    check(not os.path.exists(ran), 'the command ran on the host\'s root')
    text = d.daemon_log() + d.unit_log('noroot.service')
    check('/nonexistent/syscage-root' in text, 'no error names the missing root:\n%s' % text[-3000:])
    ctx.stop(d)


# ---- namespaces ----

NET_BODY = r'''
r ifaces "$(awk 'NR>2 { sub(":", "", $1); printf "%s,", $1 }' /proc/net/dev)"
'''


def test_private_network(ctx):
    inside = ctx.script('net', NET_BODY + '''
t unreach sh -c "bash -c 'exec 3<>/dev/tcp/192.0.2.1/80' 2>&1 | grep -q 'Network is unreachable'"
t lo_refused sh -c "bash -c 'exec 3<>/dev/tcp/127.0.0.1/9' 2>&1 | grep -q 'Connection refused'"
''')
    outside = ctx.script('hostnet', NET_BODY)
    units = {
        'net.service': oneshot(ctx, inside, 'PrivateNetwork=yes'),
        'hostnet.service': oneshot(ctx, outside, ''),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    expect(d, 'net.service', {'ifaces': 'lo,', 'unreach': 'ok', 'lo_refused': 'ok'})
    host = d.results('hostnet.service')
    check(host['ifaces'] != 'lo,' and 'lo,' in host['ifaces'], 'host interfaces: %r' % host['ifaces'])
    ctx.stop(d)


def test_private_ipc(ctx):
    out = subprocess.run(['ipcmk', '-M', '4096'], capture_output=True, text=True, check=True).stdout
    shmid = re.search(r'(\d+)', out).group(1)
    ctx.cleanups.append(lambda: subprocess.run(['ipcrm', '-m', shmid], capture_output=True))
    body = '''
r host_segment "$(awk -v id=%s '$2 == id' /proc/sysvipc/shm | wc -l)"
t create ipcmk -M 4096
r own_segments "$(($(wc -l < /proc/sysvipc/shm) - 1))"
''' % shmid
    with open('/proc/sysvipc/shm') as f:
        host_before = len(f.readlines())
    d = ctx.daemon({'ipc.service': oneshot(ctx, ctx.script('ipc', body), 'PrivateIPC=yes')})
    ctx.finish('ipc.service', d)
    expect(d, 'ipc.service', {'host_segment': '0', 'create': 'ok', 'own_segments': '1'})
    with open('/proc/sysvipc/shm') as f:
        check(len(f.readlines()) == host_before, 'a segment made inside appeared on the host')
    ctx.stop(d)


def test_protect_hostname(ctx):
    host = subprocess.run(['hostname'], capture_output=True, text=True).stdout.strip()
    s = ctx.script('hostname', '''
r name "$(hostname)"
t set_name hostname syscage-test-%d
r name_after "$(hostname)"
''' % os.getpid())
    d = ctx.daemon({'hostname.service': oneshot(ctx, s, 'ProtectHostname=yes')})
    ctx.finish('hostname.service', d)
    expect(d, 'hostname.service', {'name': host, 'set_name': 'fail', 'name_after': host})
    check(subprocess.run(['hostname'], capture_output=True, text=True).stdout.strip() == host,
          'the host name changed')
    ctx.stop(d)


def test_dynamic_user(ctx):
    s = ctx.script('dynamic', '''
r uid "$(id -u)"
t etc_write touch /etc/syscage-test-%d
t state_write touch "$STATE_DIRECTORY/written"
''' % os.getpid())
    d = ctx.daemon({'dynamic.service': oneshot(ctx, s, 'DynamicUser=yes\nStateDirectory=%sdyn' % ctx.prefix)})
    ctx.finish('dynamic.service', d)
    got = expect(d, 'dynamic.service', {'etc_write': 'fail', 'state_write': 'ok'})
    check(got['uid'] not in ('', '0'), 'DynamicUser= ran as uid %r' % got['uid'])
    ctx.stop(d)


def test_private_users(ctx):
    """PrivateUsers=yes: only 0 and the service's uid/gid are mapped; every other owner reads
    as the overflow id, and root inside has no privilege over files of unmapped owners."""
    maps = "$(awk '{printf \"%%s:%%s:%%s,\", $1, $2, $3}' /proc/self/%s)"
    own = ctx.write('files/own', 'own\n', 0o600)        # the service's (daemon, uid 1)
    other = ctx.write('files/other', 'other\n', 0o644)  # bin's (uid 2): not mapped
    secret = ctx.write('files/secret', 'secret\n', 0o600)
    rootfile = ctx.write('files/rootfile', 'root\n', 0o600)
    os.chown(own, 1, 1)
    os.chown(other, 2, 2)
    os.chown(secret, 2, 2)
    mnt = ctx.mkdir('mnt')
    ctx.cleanups.append(lambda: subprocess.run(['umount', mnt], capture_output=True))
    body = '''
r uid_map "%(umap)s"
r gid_map "%(gmap)s"
r ids "$(id -u):$(id -g)"
r other_owner "$(stat -c %%u:%%g %(other)s)"
r own_owner "$(stat -c %%u:%%g %(own)s)"
t own_read cat %(own)s
t secret_read cat %(secret)s
t rootfile_read cat %(rootfile)s
t chown_other chown 0 %(other)s
t mount_tmpfs mount -t tmpfs none %(mnt)s
''' % dict(umap=maps % 'uid_map', gmap=maps % 'gid_map', own=own, other=other, secret=secret,
           rootfile=rootfile, mnt=mnt)
    s = ctx.script('users', body)
    units = {
        'user.service': oneshot(ctx, s, 'User=daemon\nGroup=daemon\nPrivateUsers=yes'),
        'root.service': oneshot(ctx, s, 'PrivateUsers=yes'),
    }
    d = ctx.daemon(units)
    for u in units:
        ctx.finish(u, d)
    expect(d, 'user.service', {'uid_map': '0:0:1,1:1:1,', 'gid_map': '0:0:1,1:1:1,', 'ids': '1:1',
                               'other_owner': '65534:65534', 'own_owner': '1:1', 'own_read': 'ok',
                               'secret_read': 'fail', 'rootfile_read': 'fail', 'chown_other': 'fail',
                               'mount_tmpfs': 'fail'})
    # Root inside: its own (uid 0) file is readable, but its capabilities count only in the
    # new namespace: no reading, no chown of a file whose owner is not mapped, no mount.
    expect(d, 'root.service', {'uid_map': '0:0:1,', 'gid_map': '0:0:1,', 'ids': '0:0',
                               'other_owner': '65534:65534', 'own_owner': '65534:65534',
                               'rootfile_read': 'ok', 'secret_read': 'fail', 'own_read': 'fail',
                               'chown_other': 'fail', 'mount_tmpfs': 'fail'})
    check(os.stat(other).st_uid == 2, 'the unmapped file changed owner')
    ctx.stop(d)
    # With RootDirectory= the user namespace is entered after the switch to the root (the
    # kernel refuses one to a chrooted process; ours is not one).
    root = make_root(ctx)
    d = ctx.daemon({'rooted.service': unit('Type=oneshot\nRootDirectory=%s\nPrivateUsers=yes\n'
                                           'ExecStart=/bin/static-probe /marker %s' % (root, ctx.base))})
    d.wait('rooted.service', lambda s: s.get('ExecMainCode', '') != '' and s.get('ActiveState') != 'activating',
           'finished')
    log = d.unit_log('rooted.service')
    for line in ('/marker yes', ctx.base + ' no'):
        check('stdout: ' + line in log, 'rooted.service: %r missing:\n%s' % (line, log))
    ctx.stop(d)
    # The control: the same script as root without the directive does all of it.
    d = ctx.daemon({'hostroot.service': oneshot(ctx, s, '')})
    ctx.finish('hostroot.service', d)
    expect(d, 'hostroot.service', {'uid_map': '0:0:4294967295,', 'other_owner': '2:2', 'secret_read': 'ok',
                                   'own_read': 'ok', 'chown_other': 'ok', 'mount_tmpfs': 'ok'})
    subprocess.run(['umount', mnt], capture_output=True)
    ctx.stop(d)


# ---- exec prefixes ----

def test_exec_prefixes(ctx):
    pid = os.getpid()
    host_marker = '/tmp/syscage-prefix-marker-%d' % pid
    open(host_marker, 'w').close()
    ctx.cleanups.append(lambda: os.unlink(host_marker))
    # "+" may run anything: no gate. Its results come from real commands.
    plus = ctx.script('plus', '''
r plus_uid "$(id -u)"
r plus_seccomp "$(grep '^Seccomp:' /proc/self/status | cut -f2)"
t plus_host_tmp test -e %s
t plus_exec /bin/true
''' % host_marker)
    # "!" and the main command have the gate: builtins only, and one denied command.
    gated = '''
r %(p)s_uid "$(st Uid)"
r %(p)s_seccomp "$(st Seccomp)"
r %(p)s_amb "$(st CapAmb)"
if [ -e %(m)s ]; then r %(p)s_host_tmp ok; else r %(p)s_host_tmp fail; fi
t %(p)s_exec /bin/true
'''
    bang = ctx.script('bang', gated % dict(p='bang', m=host_marker))
    main = ctx.script('main', gated % dict(p='main', m=host_marker))
    # "!!" is "!" only where the kernel lacks ambient capabilities; here it is no prefix at
    # all (as systemd 252 does on such a kernel): User= and AmbientCapabilities= apply, and
    # the sandbox, the filter and the gate.
    bangbang = ctx.script('bangbang', gated % dict(p='bb', m=host_marker))
    d = ctx.daemon({'prefix.service': unit(
        'Type=oneshot\nUser=nobody\nPrivateTmp=yes\nSystemCallFilter=~execve\nSystemCallErrorNumber=EPERM\n'
        'AmbientCapabilities=CAP_NET_BIND_SERVICE\n'
        'ExecStartPre=+/bin/sh %s\nExecStartPre=!/bin/sh %s\nExecStartPre=!!/bin/sh %s\nExecStart=/bin/sh %s'
        % (plus, bang, bangbang, main))})
    ctx.finish('prefix.service', d)
    got = expect(d, 'prefix.service', {'plus_uid': '0', 'plus_seccomp': '0', 'plus_host_tmp': 'ok', 'plus_exec': 'ok',
                                       'bang_seccomp': '2', 'bang_host_tmp': 'fail', 'bang_exec': 'fail',
                                       'bb_seccomp': '2', 'bb_host_tmp': 'fail', 'bb_exec': 'fail',
                                       'bb_amb': '0000000000000400', 'main_amb': '0000000000000400',
                                       'main_seccomp': '2', 'main_host_tmp': 'fail', 'main_exec': 'fail'})
    nobody = str(__import__('pwd').getpwnam('nobody').pw_uid)
    check(got['bang_uid'].split()[0] == '0', '"!" did not run as root: %r' % got['bang_uid'])
    check(got['bb_uid'].split()[0] == nobody, '"!!" did not run as nobody: %r' % got['bb_uid'])
    check(got['main_uid'].split()[0] == nobody, 'ExecStart= did not run as nobody: %r' % got['main_uid'])
    ctx.stop(d)
    p = subprocess.run([ctx.syscagectl, 'verify', os.path.join(d.units_dir, d.prefix + 'prefix.service')],
                       capture_output=True, text=True, timeout=60)
    out = p.stdout + p.stderr
    check(re.search(r':\d+: ExecStartPre: note: ExecStartPre=\+/bin/sh .*without the sandbox, the filter '
                    r'and the exec gate', out), 'verify does not explain "+":\n' + out)
    check(re.search(r':\d+: ExecStartPre: note: ExecStartPre=!/bin/sh .*as root', out),
          'verify does not explain "!":\n' + out)
    check(re.search(r':\d+: ExecStartPre: note: ExecStartPre=!!/bin/sh .*as with no prefix', out),
          'verify does not explain "!!":\n' + out)


# ---- the supervisor's own files ----

def supervisor_script(ctx, name, unit_name, d_paths):
    units_dir, state_dir, runtime_dir, sock, unit_file = d_paths
    return ctx.script(name, '''
if [ -e %s ]; then r unit_file visible; else r unit_file hidden; fi
if [ -e %s/enabled ]; then r state visible; else r state hidden; fi
if [ -e %s/units/%s.status ]; then r runtime visible; else r runtime hidden; fi
if [ -S %s ]; then r socket visible; else r socket hidden; fi
''' % (unit_file, state_dir, runtime_dir, unit_name, sock))


NOTIFY_PROBE = r'''
import os, socket, stat, time
def r(k, v):
    print('R %%s %%s' %% (k, v), flush=True)
r('unit_file', 'visible' if os.path.exists(%(unit_file)r) else 'hidden')
r('state', 'visible' if os.path.exists(%(enabled)r) else 'hidden')
r('runtime', 'visible' if os.path.exists(%(status)r) else 'hidden')
try:
    r('socket', 'visible' if stat.S_ISSOCK(os.stat(%(sock)r).st_mode) else 'hidden')
except OSError:
    r('socket', 'hidden')
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(os.environ['NOTIFY_SOCKET'])
s.send(b'READY=1')
r('done', 1)
time.sleep(1000)
'''


def test_protect_supervisor(ctx):
    # The daemon's directories are known only once it exists: write the scripts first with
    # the paths the Daemon will use (its directory is made in the constructor).
    units = {'gated.service': '', 'open.service': ''}
    d = SandboxDaemon(ctx.syscaged, {}, [], ctx.prefix)
    ctx.daemons.append(d)
    for name, extra in (('gated', ''), ('open', '\n[X-Syscage]\nProtectSupervisor=no\n')):
        unit_path = os.path.join(d.units_dir, ctx.prefix + name + '.service')
        s = supervisor_script(ctx, name, ctx.prefix + name + '.service', (d.units_dir, d.state_dir, d.runtime_dir, d.socket(), unit_path))
        units[name + '.service'] = unit('Type=oneshot\nExecStart=/bin/sh %s\nSystemCallFilter=~execve\n'
                                        'SystemCallErrorNumber=EPERM' % s) + extra
        with open(unit_path, 'w') as f:
            f.write(units[name + '.service'])
    # A gated Type=notify unit: the supervisor is hidden from it, its notify socket is not.
    notify_unit = os.path.join(d.units_dir, ctx.prefix + 'notify.service')
    helper = ctx.write('scripts/notify.py', NOTIFY_PROBE % dict(
        unit_file=notify_unit, enabled=os.path.join(d.state_dir, 'enabled'),
        status=os.path.join(d.runtime_dir, 'units', ctx.prefix + 'notify.service.status'), sock=d.socket()))
    units['notify.service'] = unit('Type=notify\nExecStart=/usr/bin/python3 %s\nSystemCallFilter=~execve\n'
                                   'SystemCallErrorNumber=EPERM' % helper)
    with open(notify_unit, 'w') as f:
        f.write(units['notify.service'])
    with open(os.path.join(d.state_dir, 'enabled'), 'w') as f:
        f.write(''.join(ctx.prefix + n + '\n' for n in units))
    d.start()
    for u in ('gated.service', 'open.service'):
        ctx.finish(u, d)
    d.wait_state('notify.service', 'active', 'running')
    expect(d, 'notify.service', {'unit_file': 'hidden', 'state': 'hidden', 'runtime': 'hidden', 'socket': 'hidden'})
    expect(d, 'gated.service', {'unit_file': 'hidden', 'state': 'hidden', 'runtime': 'hidden', 'socket': 'hidden'})
    expect(d, 'open.service', {'unit_file': 'visible', 'state': 'visible', 'runtime': 'visible', 'socket': 'visible'})
    ctx.stop(d)


def test_rewrite_own_unit(ctx):
    d = SandboxDaemon(ctx.syscaged, {}, [], ctx.prefix)
    ctx.daemons.append(d)
    unit_path = os.path.join(d.units_dir, ctx.prefix + 'escape.service')
    s = ctx.script('escape', '''
if printf '[Service]\\nExecStart=/bin/sh -c "echo ESCAPED"\\n' > %(u)s 2>/dev/null; then r rewrite ok; else r rewrite fail; fi
if printf 'x' > %(dir)s/%(p)sinjected.service 2>/dev/null; then r inject ok; else r inject fail; fi
if printf '%(p)sinjected.service\\n' >> %(state)s/enabled 2>/dev/null; then r enable ok; else r enable fail; fi
''' % dict(u=unit_path, dir=d.units_dir, p=ctx.prefix, state=d.state_dir))
    text = unit('ExecStart=/bin/sh %s\nSystemCallFilter=~execve\nSystemCallErrorNumber=EPERM\n'
                'CapabilityBoundingSet=\nNoNewPrivileges=yes\nRestrictAddressFamilies=none\n'
                'Restart=on-failure' % s)
    with open(unit_path, 'w') as f:
        f.write(text)
    with open(os.path.join(d.state_dir, 'enabled'), 'w') as f:
        f.write(ctx.prefix + 'escape.service\n')
    d.start()
    d.wait_log('escape.service', 'stdout: R done 1')
    expect(d, 'escape.service', {'rewrite': 'fail', 'inject': 'fail', 'enable': 'fail'})
    with open(unit_path) as f:
        check(f.read() == text, 'the unit file was rewritten')
    check(not os.path.exists(os.path.join(d.units_dir, ctx.prefix + 'injected.service')), 'a unit was injected')
    r = ctx.ctl(d, 'daemon-reload')
    check(r.returncode == 0, 'daemon-reload failed: %s' % r.stderr)
    check('ESCAPED' not in d.unit_log('escape.service'), 'the rewritten unit ran')
    ctx.stop(d)


# ---- fail closed at load ----

def test_load_refusal(ctx):
    """Bad sandbox input refuses that unit, located at FILE:LINE: KEY, in the daemon's log,
    `status` and `verify`: a missing ReadWritePaths= entry, a path both writable and
    inaccessible, an unknown ProtectSystem= value. The daemon keeps running, and the other
    units (a running one, one whose missing path is allowed by "-") are unaffected, also when
    a bad unit appears at a reload."""
    pid = os.getpid()
    both = ctx.mkdir('both')
    units = {
        'good.service': unit('ExecStart=/bin/sleep 1000\nProtectSystem=strict'),
        'bad-rw.service': unit('ExecStart=/bin/true\nReadWritePaths=/nonexistent/syscage-%d' % pid),
        'bad-conflict.service': unit('ExecStart=/bin/true\nProtectSystem=strict\nReadWritePaths=%s\n'
                                     'InaccessiblePaths=%s/' % (both, both)),
        'bad-protect.service': unit('ExecStart=/bin/true\nProtectSystem=strcit'),
        'ok-missing.service': unit('Type=oneshot\nExecStart=/bin/true\nReadWritePaths=-/nonexistent/syscage-%d' % pid),
    }
    located = {
        'bad-rw.service': r'bad-rw\.service:6: ReadWritePaths: .*/nonexistent/syscage-%d does not exist' % pid,
        'bad-conflict.service': r'bad-conflict\.service:8: InaccessiblePaths: .*%s is listed in both '
                                r'InaccessiblePaths= and ReadWritePaths=' % re.escape(both),
        'bad-protect.service': r'bad-protect\.service:6: ProtectSystem: .*Invalid ProtectSystem= value.*strcit',
    }
    d = ctx.daemon(units)
    d.wait_state('good.service', 'active', 'running')
    d.wait_state('ok-missing.service', 'inactive')
    main_pid = d.status('good.service').get('MainPID')
    check(main_pid not in (None, '0'), 'good.service has no main process: %s' % d.status('good.service'))
    for u, pattern in located.items():
        s = d.wait(u, lambda s: s.get('LoadState') == 'error', 'LoadState=error')
        check(s['ActiveState'] == 'inactive', '%s: %s' % (u, s))
        check(re.search(pattern, d.daemon_log()), '%s: not reported at its line:\n%s' % (u, d.daemon_log()[-3000:]))
        st = ctx.ctl(d, 'status', ctx.prefix + u)
        check(re.search(r'Load error:.*' + pattern, st.stdout), '%s: status does not show the located error:\n%s'
              % (u, st.stdout + st.stderr))
        r = ctx.ctl(d, 'start', ctx.prefix + u)
        check(r.returncode != 0, '%s: start of a refused unit succeeded' % u)
    # verify says the same, and --relax does not apply to a missing path.
    for name, args, pattern in (
            ('bad-rw.service', [], r'bad-rw\.service:6: ReadWritePaths: error: /nonexistent/syscage-%d does not exist' % pid),
            ('bad-rw.service', ['--relax', 'ReadWritePaths'], r'ReadWritePaths: error: .*does not exist'),
            ('bad-conflict.service', [], r'bad-conflict\.service:8: InaccessiblePaths: error: .*listed in both'),
            ('bad-protect.service', [], r'bad-protect\.service:6: ProtectSystem: error: Invalid ProtectSystem= value'),
    ):
        p = subprocess.run([ctx.syscagectl, 'verify'] + args + [os.path.join(d.units_dir, d.prefix + name)],
                           capture_output=True, text=True, timeout=60)
        check(p.returncode == 1 and re.search(pattern, p.stderr), 'verify %s %s: %d\n%s'
              % (args, name, p.returncode, p.stderr))
    # A bad unit that appears at a reload is refused the same way; the running unit stays.
    with open(os.path.join(d.units_dir, ctx.prefix + 'late.service'), 'w') as f:
        f.write(unit('ExecStart=/bin/true\nProtectSystem=strcit'))
    r = ctx.ctl(d, 'daemon-reload')
    check(r.returncode == 0, 'daemon-reload failed: %s' % r.stderr)
    d.wait('late.service', lambda s: s.get('LoadState') == 'error', 'LoadState=error')
    check(re.search(r'late\.service:6: ProtectSystem: .*Invalid ProtectSystem= value', d.daemon_log()),
          'the unit added at the reload is not reported at its line:\n' + d.daemon_log()[-3000:])
    s = d.status('good.service')
    check(s.get('ActiveState') == 'active' and s.get('MainPID') == main_pid,
          'the running unit was affected: %s (MainPID was %s)' % (s, main_pid))
    check(d.proc.poll() is None, 'the daemon died')
    ctx.stop(d)


def test_no_namespaces(ctx):
    """A daemon without CAP_SYS_ADMIN cannot make namespaces: units that need one are refused,
    unless relaxed; a unit that needs none runs."""
    if not shutil.which('setpriv'):
        raise svc.Skip('no setpriv')
    wrapper = ['setpriv', '--bounding-set', '-sys_admin', '--inh-caps', '-sys_admin']
    units = {
        'needs-ns.service': unit('Type=oneshot\nExecStart=/bin/true\nPrivateTmp=yes'),
        'needs-net.service': unit('Type=oneshot\nExecStart=/bin/true\nPrivateNetwork=yes'),
        'plain.service': unit('Type=oneshot\nExecStart=/bin/sh -c "echo plain ran"'),
    }
    d = ctx.daemon(units, wrapper=wrapper)
    d.wait_log('plain.service', 'plain ran')
    for u, key in (('needs-ns.service', 'PrivateTmp'), ('needs-net.service', 'PrivateNetwork')):
        d.wait(u, lambda s: s.get('LoadState') == 'error', 'LoadState=error')
        check(re.search(r'%s:7: %s: needs an? \S+ namespace' % (re.escape(u), key), d.daemon_log()),
              '%s not refused at its line:\n%s' % (u, d.daemon_log()[-3000:]))
    ctx.stop(d)
    d = ctx.daemon({'needs-ns.service': units['needs-ns.service']}, wrapper=wrapper, args=['--relax', 'PrivateTmp'])
    d.wait('needs-ns.service', lambda s: s.get('ExecMainCode') == 'exited' and s.get('ActiveState') == 'inactive',
           'ran without the relaxed directive')
    check(re.search(r'needs-ns\.service:7: PrivateTmp: needs a mount namespace.*skipped.*--relax PrivateTmp',
                    d.daemon_log()), 'no warning:\n' + d.daemon_log()[-3000:])
    ctx.stop(d)


SCENARIOS = {name[5:]: fn for name, fn in globals().items() if name.startswith('test_')}


def main():
    return svc.run_scenario(SCENARIOS, Context, root_why='the sandbox tests need root')

if __name__ == '__main__':
    sys.exit(main())
