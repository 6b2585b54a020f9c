#!/usr/bin/env python3
"""Integration tests for a unit's identity and directories, through a real syscaged with a
temporary --directories-root: RuntimeDirectory= at ROOT/run/NAME and removed on stop;
DynamicUser= (a uid from 61184-65519, its own group only, the private state layout, the uid
given back once the unit's processes are gone, different units get different uids);
RemoveIPC= (System V and POSIX objects of the user go at stop, only when no other unit runs
as that user; with RemoveIPC=no they stay); PrivateTmp= directories removed after the stop
without following the links left in them.

The scenarios reuse the daemon driver of test-service.py.

Usage: test-identity.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root).
"""
import glob
import importlib.util
import os
import pwd
import sys
import time

_spec = importlib.util.spec_from_file_location(
    'service_test', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
check, unit, ctl, Failure = st.check, st.unit, st.ctl, st.Failure

DYN_MIN, DYN_MAX = 61184, 65519


def wait_for(pred, what, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    raise Failure('timed out waiting for ' + what)


def log_line(d, unit_name, prefix):
    """The first stdout line of the unit starting with PREFIX, once it is there."""
    def find():
        for line in d.unit_log(unit_name).split('\n'):
            i = line.find('stdout: ' + prefix)
            if i >= 0:
                return line[i + len('stdout: '):]
        return None
    return wait_for(find, '%r in the log of %s' % (prefix, unit_name))


def pids_of_uid(uid):
    """Live processes of UID (a zombie has ended: its parent just did not reap it yet)."""
    found = []
    for p in glob.glob('/proc/[0-9]*/status'):
        try:
            with open(p) as f:
                fields = dict(l.rstrip('\n').split(':\t', 1) for l in f if ':\t' in l)
        except OSError:
            continue
        if int(fields.get('Uid', '-1\t').split()[0]) == uid and not fields.get('State', '').startswith('Z'):
            found.append(int(p.split('/')[2]))
    return found


def stop_unit(ctx, d, name):
    p = ctl(ctx, d, 'stop', name)
    check(p.returncode == 0, 'stop %s: %s' % (name, p.stderr))
    d.wait_state(name, 'inactive')


# ---- scenarios ----

def test_runtime_directory(ctx):
    units = {'rt.service': unit('RuntimeDirectory=rt-a rt-b/nested\n'
                                "ExecStart=/bin/sh -c 'echo rt $RUNTIME_DIRECTORY; touch $(echo $RUNTIME_DIRECTORY | cut -d: -f1)/x 2>&1; exec sleep 1000'")}
    d = st.Daemon(ctx.syscaged, units, list(units), ctx.prefix)
    ctx.daemons.append(d)
    # What a daemon that died while removing left behind is removed at start-up.
    stale = os.path.join(d.root_dir, 'run', '.syscage-removing-0123456789abcdef')
    os.makedirs(os.path.join(stale, 'sub'))
    d.start()
    d.wait_state('rt.service', 'active', 'running')
    wait_for(lambda: not os.path.exists(stale), 'the stale runtime directory to be removed')
    a = os.path.join(d.root_dir, 'run', 'rt-a')
    b = os.path.join(d.root_dir, 'run', 'rt-b', 'nested')
    check(log_line(d, 'rt.service', 'rt ') == 'rt %s:%s' % (a, b), 'RUNTIME_DIRECTORY:\n' + d.unit_log('rt.service'))
    wait_for(lambda: os.path.exists(os.path.join(a, 'x')), 'the service writing its RuntimeDirectory=')
    check(os.path.isdir(b), 'the nested RuntimeDirectory= exists')
    # Not in the daemon's own runtime directory any more.
    check(not os.path.exists(os.path.join(d.runtime_dir, 'rt-a')), 'RuntimeDirectory= under --runtime-dir')
    with open(os.path.join(a, 'planted'), 'w') as f:
        f.write('from the first run\n')
    stop_unit(ctx, d, 'rt.service')
    check(not os.path.exists(a) and not os.path.exists(b), 'RuntimeDirectory= left after stop')
    # The removal runs in a child: nothing of it stays behind for long.
    run = os.path.join(d.root_dir, 'run')
    wait_for(lambda: not [n for n in os.listdir(run) if n.startswith('.syscage-removing-')],
             'the moved-away RuntimeDirectory= to be removed')
    # A new start gets a fresh one.
    p = ctl(ctx, d, 'start', 'rt.service')
    check(p.returncode == 0, 'start again: %s' % p.stderr)
    d.wait_state('rt.service', 'active', 'running')
    check(os.path.isdir(a) and not os.path.exists(os.path.join(a, 'planted')), 'a fresh RuntimeDirectory= on restart')
    d.stop()


def test_dynamic_user(ctx):
    script = ("echo ids $(id -u) $(id -g) $(id -G) $USER $HOME; "
              "touch $RUNTIME_DIRECTORY/mine && echo wrote; exec sleep 1000")
    common = 'DynamicUser=yes\nStateDirectory=%s\nLogsDirectory=%s\nRuntimeDirectory=%s\nExecStart=/bin/sh -c "%s"'
    units = {
        'dyn-a.service': unit(common % ('dyn-a-state', 'dyn-a-logs', 'dyn-a-run', script)),
        'dyn-b.service': unit(common % ('dyn-b-state', 'dyn-b-logs', 'dyn-b-run', script)),
        # User= names the dynamic user; "daemon" exists, so it is used as is (systemd.exec(5)).
        'dyn-static.service': unit('DynamicUser=yes\nUser=daemon\nExecStart=/bin/sh -c "echo ids $(id -u); exec sleep 1000"'),
    }
    d = st.Daemon(ctx.syscaged, units, list(units), ctx.prefix)
    ctx.daemons.append(d)
    # A state directory left by an earlier run of another uid, with a link to a file that is
    # not the unit's: the new uid gets the directory tree, the link's target stays root's.
    lib = os.path.join(d.root_dir, 'var', 'lib')
    old = os.path.join(lib, 'private', 'dyn-a-state')
    os.makedirs(os.path.join(old, 'sub'))
    os.chmod(os.path.join(lib, 'private'), 0o700)
    victim = os.path.join(ctx.tmp, 'victim')
    with open(victim, 'w') as f:
        f.write('root only\n')
    for p in (old, os.path.join(old, 'sub'), os.path.join(old, 'sub', 'file')):
        if not os.path.exists(p):
            open(p, 'w').close()
        os.chown(p, 12345, 12345)
    os.symlink(victim, os.path.join(old, 'sub', 'link'))
    d.start()

    ids = {}
    for name in ('dyn-a.service', 'dyn-b.service'):
        d.wait_state(name, 'active', 'running')
        line = log_line(d, name, 'ids ').split()
        uid, gid, groups, user, home = int(line[1]), int(line[2]), line[3:-2], line[-2], line[-1]
        check(DYN_MIN <= uid <= DYN_MAX, '%s runs as uid %d, outside the dynamic range' % (name, uid))
        check(gid == uid and groups == [str(uid)], '%s: gid %d, groups %s' % (name, gid, groups))
        check(user == d._n(name)[:-len('.service')] and home == '/', '%s: USER=%s HOME=%s' % (name, user, home))
        log_line(d, name, 'wrote')
        ids[name] = uid
    check(ids['dyn-a.service'] != ids['dyn-b.service'], 'two dynamic units got the same uid %s' % ids)
    uid = ids['dyn-a.service']
    check(os.stat(os.path.join(d.root_dir, 'run', 'dyn-a-run', 'mine')).st_uid == uid, 'runtime file owner')

    # The layout: BASE/NAME -> private/NAME, private 0700 root, the directory the unit's.
    for base, name in ((lib, 'dyn-a-state'), (os.path.join(d.root_dir, 'var', 'log'), 'dyn-a-logs')):
        link = os.path.join(base, name)
        check(os.path.islink(link) and os.readlink(link) == 'private/' + name, '%s is no link to private/' % link)
        priv = os.stat(os.path.join(base, 'private'))
        check(priv.st_uid == 0 and priv.st_mode & 0o7777 == 0o700, '%s/private: uid %d mode %o'
              % (base, priv.st_uid, priv.st_mode & 0o7777))
        check(os.stat(os.path.join(base, 'private', name)).st_uid == uid, '%s not owned by uid %d' % (name, uid))
    for p in (os.path.join(old, 'sub'), os.path.join(old, 'sub', 'file')):
        check(os.lstat(p).st_uid == uid, '%s was not given to the new uid' % p)
    check(os.stat(victim).st_uid == 0, 'a link in the state directory made its target change owner')

    # The allocation, as `syscagectl status` shows it.
    name_a = d._n('dyn-a.service')[:-len('.service')]
    p = ctl(ctx, d, 'status', 'dyn-a.service')
    check('Dynamic user: %s (uid %d)' % (name_a, uid) in p.stdout, 'status without the dynamic user:\n' + p.stdout)

    d.wait_state('dyn-static.service', 'active', 'running')
    check(log_line(d, 'dyn-static.service', 'ids ') == 'ids %d' % pwd.getpwnam('daemon').pw_uid,
          'DynamicUser= with an existing User= uses it')

    # Stop: nothing of the uid runs any more, the uid is given back, the state stays.
    stop_unit(ctx, d, 'dyn-a.service')
    check(pids_of_uid(uid) == [], 'processes of uid %d left after stop: %s' % (uid, pids_of_uid(uid)))
    wait_for(lambda: 'Dynamic user %s (uid %d) released.' % (name_a, uid) in d.daemon_log(),
             'the uid to be released')
    check(os.path.isdir(os.path.join(lib, 'private', 'dyn-a-state')), 'StateDirectory= removed at stop')
    p = ctl(ctx, d, 'status', 'dyn-a.service')
    check('Dynamic user:' not in p.stdout, 'a stopped unit still holds a dynamic user:\n' + p.stdout)
    check(not os.path.exists(os.path.join(d.root_dir, 'run', 'dyn-a-run')), 'RuntimeDirectory= left at stop')
    # Started again: the same name hashes to the same free uid.
    p = ctl(ctx, d, 'start', 'dyn-a.service')
    check(p.returncode == 0, 'start again: %s' % p.stderr)
    d.wait_state('dyn-a.service', 'active', 'running')
    d.stop()
    # DynamicUser= implies PrivateTmp=: every unit's private directories went with it.
    wait_for(lambda: not glob.glob('/tmp/syscage-private-%s*' % ctx.prefix) and
             not glob.glob('/var/tmp/syscage-private-%s*' % ctx.prefix),
             'the private /tmp directories of the dynamic units to be removed')
    for name, u in ids.items():
        left = pids_of_uid(u)
        info = []
        for p in left:
            try:
                info.append(open('/proc/%d/status' % p).read()[:300])
            except OSError:
                pass
        check(left == [], 'processes of uid %d (%s) left after the daemon stopped: %s' % (u, name, info))


def test_dynamic_user_leftover(ctx):
    # KillMode=process: a process of the unit outlives the stop. Its uid must not be lent to
    # anyone else meanwhile: the unit keeps it until a later stop finds nothing left.
    flag = os.path.join(ctx.tmp, 'leave-one')
    open(flag, 'w').close()
    # The unit's name is too long for a user name: User= names the dynamic user.
    name = 'sct-left-%d' % os.getpid()
    units = {'dyn-left.service': unit(
        'DynamicUser=yes\nUser=%s\nKillMode=process\n' % name +
        'ExecStart=/bin/sh -c "if [ -e %s ]; then sleep 1000 & echo bg $!; fi; echo ids $(id -u); exec sleep 1000"'
        % flag)}
    d = ctx.daemon(units, list(units))
    d.wait_state('dyn-left.service', 'active', 'running')
    uid = int(log_line(d, 'dyn-left.service', 'ids ').split()[1])
    bg = int(log_line(d, 'dyn-left.service', 'bg ').split()[1])
    stop_unit(ctx, d, 'dyn-left.service')
    check(pids_of_uid(uid) == [bg], 'left over: %s, expected [%d]' % (pids_of_uid(uid), bg))
    wait_for(lambda: 'Processes of %s are left: keeping uid %d' % (d._n('dyn-left.service'), uid) in d.daemon_log(),
             'the daemon to keep the uid')
    p = ctl(ctx, d, 'status', 'dyn-left.service')
    check('Dynamic user: %s (uid %d)' % (name, uid) in p.stdout, 'the uid was not kept:\n' + p.stdout)
    check('Dynamic user %s (uid %d) released.' % (name, uid) not in d.daemon_log(), 'released with a process left')
    # The leftover goes; the next start keeps the same uid, and its stop gives it back.
    os.kill(bg, 9)
    os.unlink(flag)
    wait_for(lambda: pids_of_uid(uid) == [], 'the leftover process to die')
    p = ctl(ctx, d, 'start', 'dyn-left.service')
    check(p.returncode == 0, 'start again: %s' % p.stderr)
    d.wait_state('dyn-left.service', 'active', 'running')
    p = ctl(ctx, d, 'status', 'dyn-left.service')
    check('Dynamic user: %s (uid %d)' % (name, uid) in p.stdout, 'a new uid after the leftover went:\n' + p.stdout)
    stop_unit(ctx, d, 'dyn-left.service')
    wait_for(lambda: 'Dynamic user %s (uid %d) released.' % (name, uid) in d.daemon_log(), 'the uid to be released')
    d.stop()


def sysv_ids(kind):
    with open('/proc/sysvipc/' + kind) as f:
        lines = f.read().split('\n')[1:]
    return {int(l.split()[1]) for l in lines if l.strip()}


def ipc_present(objs):
    shm, msg, sem, name = objs
    return (shm in sysv_ids('shm'), msg in sysv_ids('msg'), sem in sysv_ids('sem'),
            os.path.exists('/dev/shm/' + name))


def ipc_objects(d, name):
    fields = dict(kv.split('=') for kv in log_line(d, name, 'ipc ').split()[1:])
    return int(fields['shm']), int(fields['msg']), int(fields['sem']), fields['posix']


def test_remove_ipc(ctx):
    try:
        other = pwd.getpwnam('daemon')
    except KeyError:
        print('skipped: no user "daemon" for the RemoveIPC=no unit')
        sys.exit(st.SKIP)
    hold = ctx.helper('ipc-hold')
    tag = 'syscage-test-%d' % os.getpid()
    units = {
        'ipc-yes.service': unit('User=nobody\nRemoveIPC=yes\nExecStart=%s create %s-yes' % (hold, tag)),
        # Runs as the same user: while it runs, RemoveIPC= of ipc-yes removes nothing.
        'ipc-yes2.service': unit('User=nobody\nRemoveIPC=yes\nExecStart=/bin/sleep 1000'),
        'ipc-no.service': unit('User=daemon\nRemoveIPC=no\nExecStart=%s create %s-no' % (hold, tag)),
        # RemoveIPC= of root removes nothing.
        'ipc-root.service': unit('RemoveIPC=yes\nExecStart=%s create %s-root' % (hold, tag)),
    }
    d = ctx.daemon(units, list(units))
    objs = {}
    for n in ('ipc-yes.service', 'ipc-no.service', 'ipc-root.service'):
        d.wait_state(n, 'active', 'running')
        objs[n] = ipc_objects(d, n)
        check(ipc_present(objs[n]) == (True,) * 4, '%s: objects not created: %s' % (n, ipc_present(objs[n])))
    d.wait_state('ipc-yes2.service', 'active', 'running')
    try:
        stop_unit(ctx, d, 'ipc-no.service')
        check(ipc_present(objs['ipc-no.service']) == (True,) * 4, 'RemoveIPC=no removed objects')
        stop_unit(ctx, d, 'ipc-root.service')
        check(ipc_present(objs['ipc-root.service']) == (True,) * 4, "RemoveIPC= removed root's objects")
        stop_unit(ctx, d, 'ipc-yes.service')
        check(ipc_present(objs['ipc-yes.service']) == (True,) * 4,
              'RemoveIPC= removed objects while another unit runs as the same user')
        stop_unit(ctx, d, 'ipc-yes2.service')
        check(ipc_present(objs['ipc-yes.service']) == (False,) * 4,
              'RemoveIPC=yes left objects: %s' % (ipc_present(objs['ipc-yes.service']),))
        d.stop()
    finally:
        for n in ('ipc-no.service', 'ipc-root.service', 'ipc-yes.service'):
            if n in objs and any(ipc_present(objs[n])):
                st.subprocess.run([hold, 'remove', *map(str, objs[n])], capture_output=True)


def test_private_tmp(ctx):
    units = {'ptmp.service': unit('PrivateTmp=yes\nExecStart=/bin/sleep 1000')}
    d = ctx.daemon(units, list(units))
    d.wait_state('ptmp.service', 'active', 'running')
    name = d._n('ptmp.service')
    tops = []
    for base in ('/tmp', '/var/tmp'):
        found = glob.glob('%s/syscage-private-%s-*' % (base, name))
        check(len(found) == 1, 'private directory in %s: %s' % (base, found))
        s = os.stat(found[0])
        check(s.st_uid == 0 and s.st_mode & 0o7777 == 0o700, '%s: uid %d mode %o' % (found[0], s.st_uid, s.st_mode & 0o7777))
        check(os.stat(found[0] + '/tmp').st_mode & 0o7777 == 0o1777, found[0] + '/tmp mode')
        tops.append(found[0])
    # What a service could leave in its /tmp: links to directories and files outside.
    victim = os.path.join(ctx.tmp, 'victim')
    os.makedirs(victim)
    with open(os.path.join(victim, 'keep'), 'w') as f:
        f.write('keep\n')
    os.symlink(victim, tops[0] + '/tmp/x')
    os.symlink('/etc', tops[0] + '/tmp/etc')
    os.makedirs(tops[1] + '/tmp/a/b')
    os.symlink(os.path.join(victim, 'keep'), tops[1] + '/tmp/a/b/keep')
    stop_unit(ctx, d, 'ptmp.service')
    wait_for(lambda: not any(os.path.exists(t) for t in tops), 'the private directories to be removed')
    check(os.path.exists(os.path.join(victim, 'keep')), 'removing the private /tmp followed a link')
    check(os.path.exists('/etc/passwd'), 'removing the private /tmp followed a link to /etc')
    d.stop()


SCENARIOS = {name[5:]: fn for name, fn in globals().items() if name.startswith('test_')}


def main():
    # DynamicUser= implies PrivateTmp=: what the services must reach (the directories root, the
    # flags) may not live in the host's /tmp.
    return st.run_scenario(SCENARIOS, st.Context, outside_tmp=True)

if __name__ == '__main__':
    sys.exit(main())
