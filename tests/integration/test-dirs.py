#!/usr/bin/env python3
"""RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and
ConfigurationDirectory= under a real syscaged, at systemd's places below a temporary
--directories-root: owner and mode of each, the NAME:LINK links, the five environment
variables, RuntimeDirectoryPreserve= (no, yes, restart) across stop and restart, the other
directories kept, a unit naming "../" or an absolute path refused with file, line and key,
ProtectSystem=strict leaving the unit's own directories writable but nothing next to them,
and DynamicUser= keeping StateDirectory= and CacheDirectory= behind BASE/private. Last, one unit of a second daemon with the default root "/" gets its
RuntimeDirectory= at the real /run, removed again when it stops.

Usage: test-dirs.py SYSCAGED SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile

from harness import check, ctl_runner, failures, wait_until, with_daemon

SYSCAGED, SYSCAGECTL = (os.path.abspath(a) for a in sys.argv[1:3])
ctl = ctl_runner(SYSCAGECTL, default_timeout=30)
TAG = 'sct%d' % os.getpid()  # names below the temporary root and the one under the real /run
NOBODY = pwd.getpwnam('nobody')

# "$$" is a "$" for the shell, "%%" a "%".
ENV_SCRIPT = ('env | grep _DIRECTORY= > $${STATE_DIRECTORY}/env; '
              'touch $${CACHE_DIRECTORY}/c $${LOGS_DIRECTORY}/l $${RUNTIME_DIRECTORY%%%%:*}/r')


def unit(body, extra=''):
    return '[Service]\nType=oneshot\nRemainAfterExit=yes\n%s\n%s\n' % (body, extra)


UNITS = {
    'all.service': unit(
        'User=nobody\n'
        f'RuntimeDirectory={TAG}-rt {TAG}-rt2/sub {TAG}-rt:{TAG}-rtlink {TAG}-rt:{TAG}-deep/link\n'
        f'StateDirectory={TAG}-st\nStateDirectoryMode=0700\n'
        f'CacheDirectory={TAG}-ca\nCacheDirectoryMode=0750\n'
        f'LogsDirectory={TAG}-lg\n'
        f'ConfigurationDirectory={TAG}-cf\nConfigurationDirectoryMode=0751\n'
        f"ExecStart=/bin/sh -c '{ENV_SCRIPT}'"),
    'keep-no.service': unit(f'RuntimeDirectory={TAG}-no', 'ExecStart=/bin/true'),
    'keep-yes.service': unit(f'RuntimeDirectory={TAG}-yes\nRuntimeDirectoryPreserve=yes', 'ExecStart=/bin/true'),
    'keep-restart.service': unit(f'RuntimeDirectory={TAG}-re\nRuntimeDirectoryPreserve=restart',
                                 'ExecStart=/bin/true'),
    # Its directories imply BindPaths= (systemd.exec(5)): writable, even /etc's.
    'strict.service': unit(f'ProtectSystem=strict\nStateDirectory={TAG}-strict\nConfigurationDirectory={TAG}-scf',
                           "ExecStart=/bin/sh -c 'touch $${STATE_DIRECTORY}/mine $${CONFIGURATION_DIRECTORY}/mine; "
                           f"touch $${{STATE_DIRECTORY}}/../{TAG}-beside $${{CONFIGURATION_DIRECTORY}}/../{TAG}-beside "
                           "2>/dev/null; true'"),
    # DynamicUser=: StateDirectory= and CacheDirectory= behind BASE/private, the runtime one not.
    'dyn.service': unit(f'DynamicUser=yes\nUser={TAG}dyn\nCacheDirectory={TAG}-dca\nStateDirectory={TAG}-dst\n'
                        f'RuntimeDirectory={TAG}-drt',
                        "ExecStart=/bin/sh -c 'id -u > $${CACHE_DIRECTORY}/uid; touch $${STATE_DIRECTORY}/s "
                        "$${RUNTIME_DIRECTORY}/r'"),
    # Line 3: the key named in the error.
    'bad-dotdot.service': f'[Service]\nExecStart=/bin/true\nStateDirectory={TAG}-ok ../{TAG}-escape\n',
    'bad-abs.service': f'[Service]\nExecStart=/bin/true\nRuntimeDirectory=/run/{TAG}-abs\n',
}


def state(sock, name):
    p = ctl(sock, 'show', name, '-p', 'ActiveState')
    return p.stdout.strip().split('=', 1)[-1] if p.returncode == 0 else None


def start(sock, name):
    p = ctl(sock, 'start', name)
    check(p.returncode == 0, f'start {name}: {p.stderr.strip()}')
    check(wait_until(lambda: state(sock, name) == 'active', 15), f'{name} active')


def stop(sock, name):
    p = ctl(sock, 'stop', name)
    check(p.returncode == 0, f'stop {name}: {p.stderr.strip()}')
    check(wait_until(lambda: state(sock, name) == 'inactive', 15), f'{name} inactive')


def owner_mode(path):
    st = os.lstat(path)
    return st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)


def test_all_kinds(sock, root):
    start(sock, 'all.service')
    want = {
        'RUNTIME_DIRECTORY': f'{root}/run/{TAG}-rt:{root}/run/{TAG}-rt2/sub',
        'STATE_DIRECTORY': f'{root}/var/lib/{TAG}-st',
        'CACHE_DIRECTORY': f'{root}/var/cache/{TAG}-ca',
        'LOGS_DIRECTORY': f'{root}/var/log/{TAG}-lg',
        'CONFIGURATION_DIRECTORY': f'{root}/etc/{TAG}-cf',
    }
    env_file = f'{root}/var/lib/{TAG}-st/env'
    check(wait_until(lambda: os.path.exists(env_file), 10), 'the service wrote its environment')
    with open(env_file) as f:
        got = dict(l.rstrip('\n').split('=', 1) for l in f if '=' in l)
    for k, v in want.items():
        check(got.get(k) == v, f'${k} is {v} (got {got.get(k)!r})')
    nb = (NOBODY.pw_uid, NOBODY.pw_gid)
    for path, mode in ((f'{root}/run/{TAG}-rt', 0o755), (f'{root}/run/{TAG}-rt2/sub', 0o755),
                       (f'{root}/var/lib/{TAG}-st', 0o700), (f'{root}/var/cache/{TAG}-ca', 0o750),
                       (f'{root}/var/log/{TAG}-lg', 0o755)):
        check(owner_mode(path) == nb + (mode,), f'{path}: nobody, {mode:04o} (got {owner_mode(path)})')
    check(owner_mode(f'{root}/run/{TAG}-rt2')[:2] == (0, 0), 'the parent of a nested directory stays root\'s')
    check(owner_mode(f'{root}/etc/{TAG}-cf') == (0, 0, 0o751), 'ConfigurationDirectory= root\'s, 0751 (got %s)'
          % (owner_mode(f'{root}/etc/{TAG}-cf'),))
    # The service wrote into each of its own (as nobody).
    for path in (f'{root}/var/cache/{TAG}-ca/c', f'{root}/var/log/{TAG}-lg/l', f'{root}/run/{TAG}-rt/r'):
        check(os.path.exists(path) and os.stat(path).st_uid == NOBODY.pw_uid, f'{path} written by the service')
    check(os.readlink(f'{root}/run/{TAG}-rtlink') == f'{TAG}-rt', 'NAME:LINK makes a relative link')
    check(os.readlink(f'{root}/run/{TAG}-deep/link') == f'../{TAG}-rt', 'NAME:a/LINK too, with its parent')
    stop(sock, 'all.service')
    check(wait_until(lambda: not os.path.exists(f'{root}/run/{TAG}-rt'), 10), 'RuntimeDirectory= removed at stop')
    check(not os.path.exists(f'{root}/run/{TAG}-rt2/sub'), 'the nested RuntimeDirectory= removed at stop')
    for path in (f'{root}/var/lib/{TAG}-st/env', f'{root}/var/cache/{TAG}-ca/c', f'{root}/var/log/{TAG}-lg/l',
                 f'{root}/etc/{TAG}-cf'):
        check(os.path.exists(path), f'{path} kept after the stop')


def test_preserve(sock, root):
    dirs = {n: f'{root}/run/{TAG}-{s}' for n, s in (('keep-no.service', 'no'), ('keep-yes.service', 'yes'),
                                                    ('keep-restart.service', 're'))}
    for name, d in dirs.items():
        start(sock, name)
        check(os.path.isdir(d), f'{name}: {d} exists')
        with open(os.path.join(d, 'marker'), 'w') as f:
            f.write('x\n')
    # A restart: "restart" and "yes" keep what is in it, "no" gives a fresh one.
    for name in dirs:
        p = ctl(sock, 'restart', name)
        check(p.returncode == 0, f'restart {name}: {p.stderr.strip()}')
        check(wait_until(lambda: state(sock, name) == 'active', 15), f'{name} active again')
    marker = {n: os.path.exists(os.path.join(d, 'marker')) for n, d in dirs.items()}
    check(marker == {'keep-no.service': False, 'keep-yes.service': True, 'keep-restart.service': True},
          f'the marker after a restart: {marker}')
    # A stop: only "yes" keeps it.
    for name in dirs:
        stop(sock, name)
    gone = {n: wait_until(lambda d=d: not os.path.exists(d), 5) for n, d in dirs.items() if n != 'keep-yes.service'}
    check(all(gone.values()), f'RuntimeDirectoryPreserve=no and restart remove at stop: {gone}')
    check(os.path.exists(os.path.join(dirs['keep-yes.service'], 'marker')), 'RuntimeDirectoryPreserve=yes keeps it')


def test_bad_paths(sock, root, units):
    for name, key, word in (('bad-dotdot.service', 'StateDirectory', f'../{TAG}-escape'),
                            ('bad-abs.service', 'RuntimeDirectory', f'/run/{TAG}-abs')):
        p = ctl(sock, 'start', name)
        check(p.returncode != 0, f'start {name} refused: {(p.stdout + p.stderr).strip()!r}')
        # The reason, located, is the unit's load error.
        p = ctl(sock, 'status', name)
        where = f'{os.path.join(units, name)}:3'
        check(f'{where}: {key}: ' in p.stdout and word in p.stdout,
              f'status {name} names {where}, {key} and {word}: {p.stdout.strip()!r}')
        v = subprocess.run([SYSCAGECTL, 'verify', os.path.join(units, name)], capture_output=True, text=True,
                           timeout=30)
        check(v.returncode != 0 and where in v.stdout + v.stderr, f'verify {name}: {(v.stdout + v.stderr).strip()!r}')
    check(not os.path.exists(f'{root}/var/lib/{TAG}-ok') and not os.path.exists(f'{root}/var/{TAG}-escape'),
          'nothing of a refused unit was created')


def test_strict(sock, root):
    start(sock, 'strict.service')
    check(wait_until(lambda: os.path.exists(f'{root}/var/lib/{TAG}-strict/mine'), 10),
          'ProtectSystem=strict: the unit writes its StateDirectory=')
    check(os.path.exists(f'{root}/etc/{TAG}-scf/mine'), 'ProtectSystem=strict: and its ConfigurationDirectory=')
    check(not os.path.exists(f'{root}/var/lib/{TAG}-beside') and not os.path.exists(f'{root}/etc/{TAG}-beside'),
          'ProtectSystem=strict: not next to them')
    stop(sock, 'strict.service')


def test_dynamic(sock, root):
    start(sock, 'dyn.service')
    uid_file = f'{root}/var/cache/private/{TAG}-dca/uid'
    check(wait_until(lambda: os.path.exists(uid_file), 10), 'DynamicUser=: the service wrote its CacheDirectory=')
    with open(uid_file) as f:
        uid = int(f.read().strip() or -1)
    check(61184 <= uid <= 65519, f'a dynamic uid ({uid})')
    for kind, base in (('dca', 'var/cache'), ('dst', 'var/lib')):
        link = f'{root}/{base}/{TAG}-{kind}'
        check(os.path.islink(link) and os.readlink(link) == f'private/{TAG}-{kind}', f'{link} links to private/')
        check(owner_mode(f'{root}/{base}/private')[::2] == (0, 0o700), f'{base}/private: root, 0700')
        check(os.stat(link).st_uid == uid, f'{link}: owned by the dynamic uid')
    check(os.path.exists(f'{root}/var/lib/private/{TAG}-dst/s'), 'and its StateDirectory=')
    rt = f'{root}/run/{TAG}-drt'
    check(os.path.isdir(rt) and not os.path.islink(rt) and os.stat(rt).st_uid == uid
          and os.path.exists(f'{rt}/r'), 'its RuntimeDirectory= is not private')
    stop(sock, 'dyn.service')


def test_transient(sock, root):
    # `syscagectl run -p` takes the same keys, and its unit gets the same directories.
    p = ctl(sock, 'run', '--pipe', '-q', '--unit', f'{TAG}-tr.service', '-p', f'CacheDirectory={TAG}-tr',
            '-p', 'CacheDirectoryMode=0700', '-p', f'RuntimeDirectory={TAG}-trr', '-p', 'RuntimeDirectoryPreserve=yes',
            '/usr/bin/env')
    env = dict(l.split('=', 1) for l in p.stdout.splitlines() if '=' in l)
    check(p.returncode == 0 and env.get('CACHE_DIRECTORY') == f'{root}/var/cache/{TAG}-tr'
          and env.get('RUNTIME_DIRECTORY') == f'{root}/run/{TAG}-trr',
          f'run -p: the variables ({p.returncode}, {p.stderr.strip()!r})')
    check(owner_mode(f'{root}/var/cache/{TAG}-tr')[2] == 0o700, 'run -p: CacheDirectoryMode=')
    check(wait_until(lambda: state(sock, f'{TAG}-tr.service') in (None, 'inactive', 'failed'), 15),
          'run -p: the unit ended')
    check(os.path.isdir(f'{root}/run/{TAG}-trr'), 'run -p: RuntimeDirectoryPreserve=yes kept it after the run')
    p = ctl(sock, 'run', '--pipe', '-q', '-p', f'RuntimeDirectory={TAG}-trn', '/bin/true')
    check(p.returncode == 0 and wait_until(lambda: not os.path.exists(f'{root}/run/{TAG}-trn'), 10),
          'run -p: without it the runtime directory goes')


def run_cases(sock, base):
    root, units = os.path.join(base, 'root'), os.path.join(base, 'units')
    os.makedirs(os.path.join(root, 'etc'), exist_ok=True)
    test_all_kinds(sock, root)
    test_preserve(sock, root)
    test_bad_paths(sock, root, units)
    test_strict(sock, root)
    test_dynamic(sock, root)
    test_transient(sock, root)


def prepare(base):
    for name, text in UNITS.items():
        with open(os.path.join(base, 'units', name), 'w') as f:
            f.write(text)


def real_run():
    """A second daemon with the default directories root: RuntimeDirectory= at /run itself."""
    name = f'syscage-test-{TAG}'
    path = os.path.join('/run', name)
    check(not os.path.exists(path), f'{path} is free')
    base = tempfile.mkdtemp(prefix='syscage-dirs-real-', dir='/run')
    os.chmod(base, 0o755)
    units, run = os.path.join(base, 'units'), os.path.join(base, 'run')
    os.makedirs(units)
    with open(os.path.join(units, 'real.service'), 'w') as f:
        f.write(unit(f'User=nobody\nRuntimeDirectory={name}\nRuntimeDirectoryMode=0710',
                     "ExecStart=/bin/sh -c 'echo $${RUNTIME_DIRECTORY} > $${RUNTIME_DIRECTORY}/where'"))
    sock = os.path.join(run, 'control.sock')
    log_path = os.path.join(base, 'daemon.log')
    with open(log_path, 'w') as log:
        d = subprocess.Popen([SYSCAGED, '--units-dir', units, '--state-dir', os.path.join(base, 'state'),
                              '--runtime-dir', run, '--log-level', 'debug'],
                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        if not wait_until(lambda: os.path.exists(sock) and ctl(sock, 'list-units').returncode == 0, 15):
            check(False, 'the second syscaged answers')
            return
        start(sock, 'real.service')
        where = os.path.join(path, 'where')
        check(wait_until(lambda: os.path.exists(where), 10), f'the service wrote into {path}')
        with open(where) as f:
            check(f.read().strip() == path, f'$RUNTIME_DIRECTORY is {path}')
        check(owner_mode(path) == (NOBODY.pw_uid, NOBODY.pw_gid, 0o710), f'{path}: nobody, 0710 ({owner_mode(path)})')
        stop(sock, 'real.service')
        check(wait_until(lambda: not os.path.exists(path), 10), f'{path} removed at stop')
        check(wait_until(lambda: not [n for n in os.listdir('/run') if n.startswith('.syscage-removing-')
                                      and os.path.exists(os.path.join('/run', n, 'where'))], 10),
              'nothing of it left under /run')
    finally:
        d.terminate()
        try:
            d.wait(timeout=20)
        except subprocess.TimeoutExpired:
            d.kill()
            d.wait()
        if failures:
            with open(log_path) as f:
                print(f.read()[-3000:])
        shutil.rmtree(path, ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    status = with_daemon(SYSCAGED, ctl, 'syscage-dirs-', (prepare, run_cases))
    real_run()
    return 1 if status or failures else 0


if __name__ == '__main__':
    sys.exit(main())
