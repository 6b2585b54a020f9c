#!/usr/bin/env python3
"""Integration tests: attacks of a service on what the daemon does for its sandbox, through a
real syscaged with a temporary --directories-root. Each scenario shows the attack failing and
the allowed use working:

  capability_drops  PrivateDevices=, ProtectKernelModules= and ProtectKernelLogs= take
                    CAP_MKNOD and CAP_SYS_RAWIO, CAP_SYS_MODULE, CAP_SYSLOG out of a root
                    service's bounding set (a root service with PrivateDevices= could
                    otherwise make a node of any host device in its private /tmp); a unit
                    without them keeps them
  state_inner_link  StateDirectory=app app/c/t: the service replaces app/c (it owns app) with
                    a link to a directory of the host that has a "t"; the next start must
                    fail rather than take that directory over
  state_hardlink    DynamicUser=: a hard link left in the state directory to a file that is
                    not the unit's keeps its owner when the tree is given to the unit's uid
  mdwe_open         MemoryDenyWriteExecute=yes reads ExecStart='s program and the "#!"
                    interpreters as root: a script the service can write naming a FIFO (or a
                    device node: /dev/watchdog) as its interpreter must not make the daemon
                    open it (a writer waiting on the FIFO stays blocked); a program reached
                    through a link still starts
  fifo_paths        EnvironmentFile= and StandardInput=file: that the service made FIFOs: the
                    daemon must not block in open() (it answers for another unit at once);
                    the FIFO environment file is refused, the FIFO stdin works (EOF)
  remove_ipc_tree   DynamicUser= (so RemoveIPC=): a tree the service left in /dev/shm goes at
                    the stop, not only its empty directories, so the next holder of the uid
                    finds nothing; what is root's there stays

The daemon driver is the one of test-service.py.

Usage: test-sandbox-attacks.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root).
"""
import ctypes
import importlib.util
import os
import sys
import time

_spec = importlib.util.spec_from_file_location(
    'service_test', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
check, unit, ctl, Failure = st.check, st.unit, st.ctl, st.Failure

CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_MKNOD, CAP_SYSLOG = 16, 17, 27, 34


def wait_for(pred, what, timeout=10.0):
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise Failure('timed out waiting for ' + what)
        time.sleep(0.02)


def log_line(d, unit_name, prefix):
    def find():
        for line in d.unit_log(unit_name).split('\n'):
            i = line.find('stdout: ' + prefix)
            if i >= 0:
                return line[i + len('stdout: '):]
        return None
    return wait_for(find, '%r in the log of %s' % (prefix, unit_name))


def stop_unit(ctx, d, name):
    p = ctl(ctx, d, 'stop', name)
    check(p.returncode == 0, 'stop %s: %s' % (name, p.stderr))
    d.wait_state(name, 'inactive')


def test_capability_drops(ctx):
    show = "ExecStart=/bin/sh -c 'echo bnd $(grep CapBnd /proc/self/status | cut -f2); exec sleep 1000'"
    units = {
        'cap-dev.service': unit('PrivateDevices=yes\n' + show),
        'cap-kern.service': unit('ProtectKernelModules=yes\nProtectKernelLogs=yes\n' + show),
        'cap-plain.service': unit(show),
    }
    d = ctx.daemon(units, list(units))
    bnd = {}
    for name in units:
        d.wait_state(name, 'active', 'running')
        bnd[name] = int(log_line(d, name, 'bnd ').split()[1], 16)
    bit = lambda m, c: bool(m & (1 << c))
    check(all(bit(bnd['cap-plain.service'], c) for c in (CAP_MKNOD, CAP_SYS_RAWIO, CAP_SYS_MODULE, CAP_SYSLOG)),
          'a unit without the directives keeps the capabilities: %x' % bnd['cap-plain.service'])
    check(not bit(bnd['cap-dev.service'], CAP_MKNOD) and not bit(bnd['cap-dev.service'], CAP_SYS_RAWIO),
          'PrivateDevices= left CAP_MKNOD or CAP_SYS_RAWIO: %x' % bnd['cap-dev.service'])
    check(bit(bnd['cap-dev.service'], CAP_SYS_MODULE), 'PrivateDevices= took more than its share')
    check(not bit(bnd['cap-kern.service'], CAP_SYS_MODULE) and not bit(bnd['cap-kern.service'], CAP_SYSLOG),
          'ProtectKernelModules=/Logs= left CAP_SYS_MODULE or CAP_SYSLOG: %x' % bnd['cap-kern.service'])
    check(bit(bnd['cap-kern.service'], CAP_MKNOD), 'ProtectKernel*= took CAP_MKNOD')
    d.stop()


def test_state_inner_link(ctx):
    victim = os.path.join(ctx.tmp, 'host-dir')
    os.makedirs(os.path.join(victim, 't'))
    os.chmod(os.path.join(victim, 't'), 0o711)
    # The service owns app; app/c is root's, made as a parent; app/c/t is the service's.
    # It swaps once: after the repair below, the restarted service must leave app/c alone,
    # or the check of app/c/t races with its swap.
    swap = ('cd $STATE_DIRECTORY/../.. 2>/dev/null; cd "$(echo $STATE_DIRECTORY | cut -d: -f1)" && '
            'if [ -e .swapped ]; then echo kept; else '
            'mv c c.old && ln -s %s c && touch .swapped && echo swapped; fi' % victim)
    units = {'inner.service': unit('User=nobody\nStateDirectory=app app/c/t\n'
                                   "ExecStart=/bin/sh -c '%s; exec sleep 1000'" % swap)}
    d = ctx.daemon(units, list(units))
    d.wait_state('inner.service', 'active', 'running')
    check(log_line(d, 'inner.service', 'swap') == 'swapped', 'the service could not swap app/c: ' +
          d.unit_log('inner.service'))
    app_c = os.path.join(d.root_dir, 'var', 'lib', 'app', 'c')
    check(os.path.islink(app_c), 'app/c is not the planted link')
    stop_unit(ctx, d, 'inner.service')
    ctl(ctx, d, 'start', 'inner.service')
    d.wait_state('inner.service', 'failed')
    s = os.stat(os.path.join(victim, 't'))
    check(s.st_uid == 0 and s.st_mode & 0o7777 == 0o711,
          'the start followed app/c into the host: uid %d mode %o' % (s.st_uid, s.st_mode & 0o7777))
    # The allowed way: with the directory back, the unit starts and owns app/c/t.
    os.unlink(app_c)
    os.rename(app_c + '.old', app_c)
    p = ctl(ctx, d, 'start', 'inner.service')
    check(p.returncode == 0, 'start after the repair: %s' % p.stderr)
    d.wait_state('inner.service', 'active', 'running')
    check(os.stat(os.path.join(app_c, 't')).st_uid == 65534, 'app/c/t is not the service\'s')
    d.stop()


def test_state_hardlink(ctx):
    name = 'sct-hl-%d' % os.getpid()
    units = {'hl.service': unit('DynamicUser=yes\nUser=%s\nStateDirectory=hl\n' % name +
                                "ExecStart=/bin/sh -c 'echo ids $(id -u); exec sleep 1000'")}
    d = ctx.daemon(units, list(units))
    d.wait_state('hl.service', 'active', 'running')
    uid = int(log_line(d, 'hl.service', 'ids ').split()[1])
    stop_unit(ctx, d, 'hl.service')
    # What the previous holder of the directory left: a file of its own and a hard link to a
    # root file (root plants it here; a service can with fs.protected_hardlinks=0). The
    # directory then belongs to another uid, so the next start gives the tree away again.
    priv = os.path.join(d.root_dir, 'var', 'lib', 'private', 'hl')
    victim = os.path.join(ctx.tmp, 'shadow')
    with open(victim, 'w') as f:
        f.write('root:secret\n')
    os.chmod(victim, 0o600)
    os.link(victim, os.path.join(priv, 'shadow-link'))
    with open(os.path.join(priv, 'own'), 'w') as f:
        f.write('mine\n')
    for p in (priv, os.path.join(priv, 'own')):
        os.chown(p, uid + 1 if uid < 65519 else uid - 1, -1)
    p = ctl(ctx, d, 'start', 'hl.service')
    check(p.returncode == 0, 'start again: %s' % p.stderr)
    d.wait_state('hl.service', 'active', 'running')
    s = os.stat(victim)
    check(s.st_uid == 0 and s.st_gid == 0, 'the hard-linked root file was given away: uid %d' % s.st_uid)
    check(os.stat(os.path.join(priv, 'own')).st_uid == uid, 'the unit\'s own file was not given to it')
    check(os.stat(priv).st_uid == uid, 'the state directory was not given to the unit')
    d.stop()


def inotify_opens(path):
    """An inotify fd that records every open of PATH (IN_OPEN), non-blocking."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    check(fd >= 0, 'inotify_init1 failed')
    check(libc.inotify_add_watch(fd, path.encode(), 0x20) >= 0, 'inotify_add_watch failed')  # IN_OPEN
    return fd


def test_mdwe_open(ctx):
    fifo = os.path.join(ctx.tmp, 'app-interpreter')
    os.mkfifo(fifo, 0o755)
    script = os.path.join(ctx.tmp, 'app-script')
    with open(script, 'w') as f:
        f.write('#!%s\n' % fifo)
    os.chmod(script, 0o755)
    link = os.path.join(ctx.tmp, 'true-link')
    os.symlink('/bin/true', link)
    watch = inotify_opens(fifo)
    try:
        units = {
            'fifo.service': unit('Type=oneshot\nMemoryDenyWriteExecute=yes\nExecStart=%s' % script),
            'link.service': unit('Type=oneshot\nMemoryDenyWriteExecute=yes\nExecStart=%s' % link),
        }
        d = ctx.daemon(units, list(units))
        d.wait_state('fifo.service', 'failed')
        d.wait_state('link.service', 'inactive', 'dead')
        # The daemon checked (and failed) before it reported the start failed: any open of
        # the FIFO is in the queue by now.
        try:
            events = os.read(watch, 4096)
        except BlockingIOError:
            events = b''
        check(not events, 'the daemon opened the FIFO named by the script')
        check('cannot read %s: Permission denied' % fifo in d.unit_log('fifo.service') + d.daemon_log(),
              'not refused for its interpreter: ' + d.unit_log('fifo.service'))
        d.stop()
    finally:
        os.close(watch)


def test_fifo_paths(ctx):
    env_fifo = os.path.join(ctx.tmp, 'env')
    in_fifo = os.path.join(ctx.tmp, 'in')
    env_file = os.path.join(ctx.tmp, 'env-regular')
    os.mkfifo(env_fifo)
    os.mkfifo(in_fifo)
    with open(env_file, 'w') as f:
        f.write('GREETING=hello\n')
    units = {
        'envfifo.service': unit('EnvironmentFile=%s\nExecStart=/bin/sleep 1000' % env_fifo),
        'infifo.service': unit('StandardInput=file:%s\n' % in_fifo +
                               "ExecStart=/bin/sh -c 'cat; echo stdin-done; exec sleep 1000'"),
        'envok.service': unit('EnvironmentFile=%s\n' % env_file +
                              "ExecStart=/bin/sh -c 'echo env $GREETING; exec sleep 1000'"),
        'other.service': unit('ExecStart=/bin/sleep 1000'),
    }
    d = ctx.daemon(units, ['other.service', 'envok.service'])
    d.wait_state('other.service', 'active', 'running')
    check(log_line(d, 'envok.service', 'env ') == 'env hello', 'a regular EnvironmentFile= did not work')
    try:
        ctl(ctx, d, 'start', 'envfifo.service')
    except st.subprocess.TimeoutExpired:
        with open(env_fifo, 'w'):
            pass  # lets the daemon go on, so that it can be stopped
        raise Failure('the daemon blocked opening the FIFO EnvironmentFile=')
    d.wait_state('envfifo.service', 'failed')
    check('is not a regular file' in d.unit_log('envfifo.service'), 'no reason given: ' +
          d.unit_log('envfifo.service'))
    try:
        p = ctl(ctx, d, 'start', 'infifo.service')
    except st.subprocess.TimeoutExpired:
        with open(in_fifo, 'w'):
            pass
        raise Failure('the daemon blocked opening the FIFO StandardInput=file:')
    check(p.returncode == 0, 'start with a FIFO stdin: %s' % p.stderr)
    check(log_line(d, 'infifo.service', 'stdin-done') == 'stdin-done', 'the FIFO stdin did not end')
    p = ctl(ctx, d, 'status', 'other.service')
    check(p.returncode == 0, 'the daemon does not answer: %s' % p.stderr)
    d.stop()


def test_remove_ipc_tree(ctx):
    name = 'sct-ipc-%d' % os.getpid()
    tag = '/dev/shm/syscage-test-%d' % os.getpid()
    rootdir = tag + '-root'
    os.makedirs(rootdir)
    os.chmod(rootdir, 0o1777)
    with open(rootdir + '/keep', 'w') as f:
        f.write('root\n')
    try:
        units = {'ipc-tree.service': unit(
            'DynamicUser=yes\nUser=%s\n' % name +
            "ExecStart=/bin/sh -c 'mkdir -p %s/a/b && echo x > %s/a/b/f && echo y > %s-top && "
            "echo z > %s/mine && echo made; exec sleep 1000'" % (tag, tag, tag, rootdir))}
        d = ctx.daemon(units, list(units))
        d.wait_state('ipc-tree.service', 'active', 'running')
        check(log_line(d, 'ipc-tree.service', 'made') == 'made', 'the service made nothing: ' +
              d.unit_log('ipc-tree.service'))
        stop_unit(ctx, d, 'ipc-tree.service')
        left = [p for p in (tag, tag + '-top', rootdir + '/mine') if os.path.lexists(p)]
        check(not left, 'RemoveIPC= left what the dynamic user made: %s' % left)
        check(os.path.exists(rootdir + '/keep'), 'RemoveIPC= removed root\'s file')
        d.stop()
    finally:
        st.subprocess.run(['rm', '-rf', tag, tag + '-top', rootdir])


SCENARIOS = {name[5:]: fn for name, fn in globals().items() if name.startswith('test_')}


def main():
    # DynamicUser= implies PrivateTmp=: the directories root may not be in the host's /tmp.
    return st.run_scenario(SCENARIOS, st.Context, outside_tmp=True)

if __name__ == '__main__':
    sys.exit(main())
