#!/usr/bin/env python3
"""Integration test of the per-user daemon (syscaged --user, syscagectl --user), as its
acceptance asks: run as root, it starts the daemon as an unprivileged user (nobody, without
any capability), with HOME and XDG_RUNTIME_DIR in a temporary directory of that user's, and
checks that

  - the daemon finds its units, state and socket in the XDG directories, and the socket is
    the owner's alone (0600);
  - `syscagectl --user start` of a gated unit works: the launch execve goes through, a later
    execve is denied, and `status` shows the denial;
  - a unit with User=root is refused at load, with file, line and key;
  - another uid is refused, even when the socket's mode lets it connect;
  - scenario process_groups (no writable cgroup): `status` says stop cannot catch a process
    that setsid()s, and indeed such a process survives stop (the statement is true);
    scenario delegated (a cgroup made and given to the user, as systemd's user@UID.service
    delegates one): the unit gets its own cgroup and stop leaves nothing behind.

Usage: test-user-mode.py SYSCAGED SYSCAGECTL SCENARIO
Exit status: 0 pass, 1 fail, 77 skipped (not root, no setpriv, no such user, no cgroup2).
"""
import os
import pwd
import grp
import shutil
import signal
import stat
import subprocess
import sys
import tempfile

from harness import check, failures, wait_until

SYSCAGED, SYSCAGECTL, SCENARIO = sys.argv[1:4]
OTHER_UID = 65533  # a uid that is neither the owner nor root

PROG = r'''
import os, sys, time
out = sys.argv[1]
print("launched", flush=True)
pid = os.fork()
if pid == 0:
    try:
        os.execv("/bin/true", ["/bin/true"])
    except OSError as e:
        open(out + "/second-execve", "w").write(e.strerror)
    os._exit(3)
os.waitpid(pid, 0)
if os.fork() == 0:
    os.setsid()
    open(out + "/escaper.tmp", "w").write(str(os.getpid()))
    os.rename(out + "/escaper.tmp", out + "/escaper")
    while True:
        time.sleep(1)
while True:
    time.sleep(1)
'''


def skip(why):
    print('SKIP: ' + why)
    sys.exit(77)


def cgroup2_mount():
    with open('/proc/self/mountinfo') as f:
        for line in f:
            fields = line.split()
            sep = fields.index('-')
            if fields[sep + 1] == 'cgroup2':
                return fields[4]
    return None


def alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(') ')[1][0] != 'Z'
    except FileNotFoundError:
        return False


class User:
    def __init__(self, base, uid, gid):
        self.base, self.uid, self.gid = base, uid, gid
        self.home, self.run = os.path.join(base, 'home'), os.path.join(base, 'run')
        self.units = os.path.join(self.home, '.config', 'syscage', 'user')
        self.env = {'PATH': '/usr/bin:/bin', 'HOME': self.home, 'XDG_RUNTIME_DIR': self.run}

    def as_user(self, uid=None, gid=None):
        uid = self.uid if uid is None else uid
        gid = self.gid if gid is None else gid
        return ['setpriv', '--reuid=%d' % uid, '--regid=%d' % gid, '--clear-groups', '--inh-caps=-all']

    def ctl(self, *args, uid=None, gid=None):
        return subprocess.run(self.as_user(uid, gid) + [SYSCAGECTL, '--user', *args], env=self.env,
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)


def write_units(u):
    os.makedirs(u.units)
    with open(os.path.join(u.home, 'prog.py'), 'w') as f:
        f.write(PROG)
    with open(os.path.join(u.units, 'gated.service'), 'w') as f:
        f.write('[Service]\nExecStart=/usr/bin/python3 %s/prog.py %s\n'
                'SystemCallFilter=~execve\nSystemCallErrorNumber=EPERM\nRuntimeDirectory=gated\n' % (u.home, u.home))
    with open(os.path.join(u.units, 'root.service'), 'w') as f:
        f.write('[Service]\nUser=root\nExecStart=/bin/true\n')
    # The owner as User= is fine: it changes nothing.
    with open(os.path.join(u.units, 'self.service'), 'w') as f:
        f.write('[Service]\nType=oneshot\nUser=%d\nExecStart=/bin/true\n' % u.uid)
    os.makedirs(u.run, mode=0o700)
    for root, dirs, files in os.walk(u.base):
        for n in [root] + [os.path.join(root, x) for x in dirs + files]:
            os.chown(n, u.uid, u.gid)


def cases(u, delegated):
    sock = os.path.join(u.run, 'syscage', 'control.sock')
    mode = stat.S_IMODE(os.stat(sock).st_mode)
    check(mode == 0o600, 'the socket is 0600 (is %o)' % mode)
    check(os.path.isdir(os.path.join(u.home, '.local', 'state', 'syscage')),
          'the state directory is $HOME/.local/state/syscage')
    # The offline verbs read the per-user search path.
    p = u.ctl('verify', 'root.service')
    check(p.returncode == 0 and 'not found' not in p.stderr,
          'syscagectl --user verify finds a unit by name in ~/.config/syscage/user: %s%s' % (p.stdout, p.stderr))
    # Without $XDG_RUNTIME_DIR, --user says what is missing (no made-up fallback).
    env = dict(u.env)
    del env['XDG_RUNTIME_DIR']
    for cmd in ([SYSCAGED, '--user'], [SYSCAGECTL, '--user', 'list-units']):
        p = subprocess.run(u.as_user() + cmd, env=env, capture_output=True, text=True, timeout=30)
        check(p.returncode == 1 and 'XDG_RUNTIME_DIR' in p.stderr,
              '%s --user without $XDG_RUNTIME_DIR fails naming it: %s' % (os.path.basename(cmd[0]), p.stderr))

    # The gate without capabilities.
    p = u.ctl('start', 'gated.service')
    check(p.returncode == 0, 'the owner starts a gated unit: %s%s' % (p.stdout, p.stderr))
    denied = os.path.join(u.home, 'second-execve')
    check(wait_until(lambda: os.path.exists(denied) and os.path.getsize(denied) > 0, 15),
          'the service ran (its launch execve went through) and tried a second execve')
    if os.path.exists(denied):
        with open(denied) as f:
            check(f.read() == 'Operation not permitted', 'the second execve failed with EPERM')
    st = wait_until(lambda: (lambda s: s if 'Denied: execve (1)' in s else None)(
        u.ctl('status', 'gated.service').stdout), 15) or u.ctl('status', 'gated.service').stdout
    check('Active: active (running)' in st, 'the service runs on after the denial')
    check('Denied: execve (1)' in st, 'status shows the denied execve')
    check('execve /bin/true: EPERM' in st, 'status names the denied call')
    # RuntimeDirectory= in the XDG place, the owner's.
    rd = os.path.join(u.run, 'gated')
    check(os.path.isdir(rd) and os.stat(rd).st_uid == u.uid, 'RuntimeDirectory= is $XDG_RUNTIME_DIR/gated')

    # ProtectSupervisor= (on with the gate) through a user namespace of the launch's own.
    pid = next((int(l.split()[2]) for l in st.splitlines() if l.strip().startswith('Main PID:')), 0)
    try:
        mounts = open('/proc/%d/mountinfo' % pid).read() if pid else ''
        uid_map = open('/proc/%d/uid_map' % pid).read().split() if pid else []
    except FileNotFoundError:
        mounts, uid_map = '', []
    check(' %s ' % os.path.join(u.run, 'syscage') in mounts,
          'the daemon\'s runtime directory is hidden from the service (ProtectSupervisor=)')
    check(uid_map == [str(u.uid), str(u.uid), '1'], 'the service\'s user namespace maps only its owner: %s' % uid_map)
    tracking = 'Tracking: process groups; a process that leaves its group with setsid() survives stop'
    if delegated:
        check('CGroup: ' in st and tracking not in st, 'the unit has a cgroup of its own')
    else:
        check(tracking in st, 'status says what process groups cannot promise')

    # stop: the setsid()ed process is killed with the cgroup, and survives without one.
    escaper_file = os.path.join(u.home, 'escaper')
    check(wait_until(lambda: os.path.exists(escaper_file), 15), 'the service forked its escaper')
    escaper = int(open(escaper_file).read())
    p = u.ctl('stop', 'gated.service')
    check(p.returncode == 0, 'the owner stops the unit: %s%s' % (p.stdout, p.stderr))
    st = u.ctl('status', 'gated.service').stdout
    check(wait_until(lambda: 'inactive' in u.ctl('status', 'gated.service').stdout, 15), 'the unit is inactive')
    check(not os.path.exists(rd), 'the runtime directory went with the unit')
    if delegated:
        check(wait_until(lambda: not alive(escaper), 10), 'stop left nothing behind, not even a setsid() process')
    else:
        check(alive(escaper), 'as status says, the setsid() process survived stop')
        if alive(escaper):
            os.kill(escaper, signal.SIGKILL)

    # Credentials: only the owner's.
    st = u.ctl('status', 'root.service').stdout
    check('root.service:2: User: names another user' in st, 'User=root is refused at load with file, line, key')
    p = u.ctl('start', 'root.service')
    check(p.returncode != 0, 'a unit with User=root does not start')
    p = u.ctl('start', 'self.service')
    check(p.returncode == 0, 'a unit with User= naming the owner starts: %s%s' % (p.stdout, p.stderr))

    # Another uid: the socket's mode keeps it out, and the daemon too when the mode is loose.
    p = u.ctl('list-units', uid=OTHER_UID, gid=OTHER_UID)
    check(p.returncode != 0, 'another uid cannot reach the socket')
    os.chmod(u.run, 0o755)
    os.chmod(os.path.join(u.run, 'syscage'), 0o755)
    os.chmod(sock, 0o666)
    p = u.ctl('start', 'self.service', uid=OTHER_UID, gid=OTHER_UID)
    check(p.returncode != 0, 'another uid is refused by the daemon, not only by the socket\'s mode')
    p = u.ctl('list-units', uid=OTHER_UID, gid=OTHER_UID)
    check(p.returncode != 0 and 'root.service' not in p.stdout, 'another uid may not even read')
    p = u.ctl('list-units')
    check(p.returncode == 0 and 'root.service' in p.stdout, 'the owner still may')


def main():
    if os.geteuid() != 0:
        skip('needs root to start the daemon as another user')
    if not shutil.which('setpriv'):
        skip('setpriv is missing')
    try:
        pw = pwd.getpwnam('nobody')
    except KeyError:
        skip('no user nobody')
    uid, gid = pw.pw_uid, pw.pw_gid
    delegated = SCENARIO == 'delegated'
    mount = cgroup2_mount()
    if delegated and not mount:
        skip('no cgroup2 file system')
    base = tempfile.mkdtemp(prefix='syscage-user-')
    os.chmod(base, 0o755)
    u = User(base, uid, gid)
    write_units(u)
    cg = None
    if delegated:
        # What systemd's Delegate=yes does: the directory and its writable files go to the user.
        cg = os.path.join(mount, os.path.basename(base))
        os.mkdir(cg)
        for n in ['', 'cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads']:
            os.chown(os.path.join(cg, n), uid, -1)
    prefix = ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cg] if cg else []
    log = open(os.path.join(base, 'daemon.log'), 'w')
    d = subprocess.Popen(prefix + u.as_user() + [SYSCAGED, '--user', '--log-level', 'debug'],
                         env=u.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        sock = os.path.join(u.run, 'syscage', 'control.sock')
        if not wait_until(lambda: os.path.exists(sock) and u.ctl('list-units').returncode == 0, 15):
            check(False, 'syscaged --user answers')
        else:
            text = open(os.path.join(base, 'daemon.log')).read()
            if delegated:
                check('Process tracking: cgroup under %s' % cg in text, 'the daemon uses the delegated cgroup')
            else:
                check('Process tracking: process groups; a process that leaves its group with setsid() '
                      'survives stop' in text, 'the daemon says at start-up that it falls back to process groups')
            cases(u, delegated)
    finally:
        d.terminate()
        try:
            d.wait(timeout=20)
        except subprocess.TimeoutExpired:
            d.kill()
            d.wait()
        log.close()
        if failures:
            print(open(os.path.join(base, 'daemon.log')).read()[-4000:])
        if cg:
            for sub in sorted((os.path.join(r, x) for r, ds, _ in os.walk(cg) for x in ds), reverse=True):
                try:
                    os.rmdir(sub)
                except OSError:
                    pass
            try:
                os.rmdir(cg)
            except OSError as e:
                check(False, 'the delegated cgroup is left empty: %s' % e)
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(1 if failures else 0)


main()
