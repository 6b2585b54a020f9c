#!/usr/bin/env python3
"""Learn mode under a real syscaged: `run --learn=FILE` and `learn UNIT --output=FILE`.

For the uname helper, dynamically linked and built with glibc's static libc: the drop-in is
written; running the program under its settings (each line passed as `run -p`) works; removing
any one call from its list makes the program fail (the deny action is kill, as no
SystemCallErrorNumber= is set); the dynamic build's main phase holds at most 6 calls; the static
build has no main phase and no execve. Also: descendants are recorded (a later execve too),
socket families become RestrictAddressFamilies=, runs merge, the readable form names groups,
READY=1 is the switch point of a Type=notify service, and `learn UNIT` with --diff. The main
phase comes from syscage-preload.so, which the daemon preloads in learn mode ("mark").

Usage: test-learn.py SYSCAGED SYSCAGECTL HELPERS_DIR
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import shutil
import subprocess
import sys

from harness import check, ctl_runner, wait_until, with_daemon

SYSCAGED, SYSCAGECTL, HELPERS = (os.path.abspath(a) for a in sys.argv[1:4])
UNAME = os.path.join(HELPERS, 'uname-sysname')
UNAME_STATIC = os.path.join(HELPERS, 'uname-sysname-static')
ctl = ctl_runner(SYSCAGECTL, default_timeout=60)


def dropin(path):
    """The drop-in as (section, key, value) lines, comments left out."""
    out, section = [], None
    with open(path) as f:
        for line in f:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            if line.startswith('['):
                section = line
                continue
            key, _, value = line.partition('=')
            out.append((section, key, value))
    return out


def values(lines, key):
    return [v for s, k, v in lines if k == key and v]


def learn(sock, path, cmd, extra=()):
    return ctl(sock, 'run', '--pipe', '-q', f'--learn={path}', *extra, *cmd)


def enforce(sock, lines, cmd, drop=None, drop_key='SystemCallFilter'):
    """Runs CMD under the drop-in's lines, each as one -p; DROP leaves that call out of the
    DROP_KEY list."""
    args = ['run', '--pipe', '-q']
    for section, key, value in lines:
        if key == drop_key and drop is not None and value:
            value = ' '.join(w for w in value.split() if w != drop)
        args += ['-p', f'{key}={value}']
    return ctl(sock, *args, *cmd)


def case_program(sock, base, name, cmd, static):
    path = os.path.join(base, f'{name}.conf')
    p = learn(sock, path, cmd)
    check(p.returncode == 0 and p.stdout.strip() == 'Linux' and os.path.exists(path),
          f'{name}: run --learn writes the drop-in ({p.returncode}, {p.stderr.strip()!r})')
    if not os.path.exists(path):
        return
    lines = dropin(path)
    calls = values(lines, 'SystemCallFilter')[0].split()
    check('uname' in calls and 'write' in calls and 'exit_group' in calls, f'{name}: the calls it made are listed')
    check('execve' not in calls, f'{name}: the launch execve is not listed')
    check(values(lines, 'SystemCallArchitectures') == ['native'], f'{name}: one ABI seen: native')
    check(values(lines, 'RestrictAddressFamilies') == ['none'], f'{name}: no socket: RestrictAddressFamilies=none')
    check(values(lines, 'RestrictNamespaces') == ['yes'], f'{name}: no namespace: RestrictNamespaces=yes')
    check(values(lines, 'MemoryDenyWriteExecute') == ['yes'], f'{name}: no W+X: MemoryDenyWriteExecute=yes')
    check(values(lines, 'LockPersonality') == ['yes'], f'{name}: no personality change: LockPersonality=yes')
    main = values(lines, 'MainSystemCallFilter')
    if static:
        check(not main and not values(lines, 'MainPhaseStarts'), f'{name}: a static program has no main phase')
    else:
        check(values(lines, 'MainPhaseStarts') == ['after-loader'], f'{name}: the switch point was seen')
        mains = main[0].split() if main else []
        check(0 < len(mains) <= 6 and 'uname' in mains and set(mains) <= set(calls),
              f'{name}: main phase has at most 6 calls, all in the start-up list: {mains}')
    # Under a drop-in written for the build without the marker too: the same list works.
    p = enforce(sock, lines, cmd)
    check(p.returncode == 0 and p.stdout.strip() == 'Linux',
          f'{name}: runs under the learned settings ({p.returncode}, {p.stderr.strip()!r})')
    for call in calls:
        p = enforce(sock, lines, cmd, drop=call)
        check(p.returncode != 0, f'{name}: without {call} it fails (exit {p.returncode})')
    for call in (main[0].split() if main else []):
        p = enforce(sock, lines, cmd, drop=call, drop_key='MainSystemCallFilter')
        check(p.returncode != 0, f'{name}: without {call} in the main phase it fails (exit {p.returncode})')


def case_descendants(sock, base):
    path = os.path.join(base, 'sh.conf')
    p = learn(sock, path, ['/bin/sh', '-c', f'{UNAME} && exit 0'])
    check(p.returncode == 0 and 'Linux' in p.stdout, f'descendants: shell ran ({p.stderr.strip()!r})')
    calls = values(dropin(path), 'SystemCallFilter')[0].split()
    # The shell forks (clone) and the child execs the helper, which calls uname.
    check('execve' in calls and 'uname' in calls and ('clone' in calls or 'vfork' in calls or 'fork' in calls),
          f'descendants: a later execve and the child\'s calls are recorded: {calls}')


def case_sockets_and_merge(sock, base):
    a, b = os.path.join(base, 'a.conf'), os.path.join(base, 'b.conf')
    py = shutil.which('python3')
    p = learn(sock, a, [py, '-c', 'import socket; socket.socket(socket.AF_INET6).close()'])
    fams = values(dropin(a), 'RestrictAddressFamilies')
    # The interpreter may open an AF_UNIX socket of its own; the one the program asked for is there.
    check(p.returncode == 0 and fams and 'AF_INET6' in fams[0].split(),
          f'sockets: the family becomes RestrictAddressFamilies= ({values(dropin(a), "RestrictAddressFamilies")})')
    p = learn(sock, b, [UNAME_STATIC], ['--learn-merge', a])
    lines = dropin(b)
    calls = set(values(lines, 'SystemCallFilter')[0].split())
    check(p.returncode == 0 and 'uname' in calls and 'socket' in calls and
          values(lines, 'RestrictAddressFamilies') == fams,
          'merge: both runs\' calls and families are in the result')
    g = os.path.join(base, 'groups.conf')
    p = ctl(sock, 'run', '-q', f'--learn={g}', '--learn-groups', '/bin/ls', '-la', '/etc')
    text = open(g).read() if os.path.exists(g) else ''
    check(p.returncode == 0 and '=@' in text and ' used\n' in text, f'groups: a @group cover with counts:\n{text}')


def case_notify_and_verb(sock, base, units):
    unit = os.path.join(units, 'learnme.service')
    with open(unit, 'w') as f:
        f.write('[Service]\nType=notify\nNotifyAccess=all\n'
                'ExecStart=/bin/sh -c "systemd-notify --ready; exec sleep 60"\n'
                'SystemCallFilter=@default @basic-io\n')
    check(ctl(sock, 'daemon-reload').returncode == 0, 'verb: daemon-reload')
    out = os.path.join(base, 'verb.conf')
    env = dict(os.environ, SYSCAGE_SOCKET=sock)
    v = subprocess.Popen([SYSCAGECTL, '--units-dir', units, 'learn', 'learnme', f'--output={out}', '--diff'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    active = wait_until(lambda: ctl(sock, 'is-active', 'learnme').stdout.strip() == 'active', 20)
    check(active, 'verb: the unit runs in learn mode and reports READY=1')
    # Stopped once sleep waits in the kernel: its clock_nanosleep was recorded and let through.
    def sleeping():
        pid = ctl(sock, 'show', 'learnme', '-P', 'MainPID').stdout.strip()
        try:
            with open(f'/proc/{pid}/comm') as f:
                comm = f.read().strip()
            with open(f'/proc/{pid}/syscall') as f:
                nr = f.read().split()[0]
        except (OSError, IndexError):
            return False
        return comm == 'sleep' and nr == '230'  # clock_nanosleep on x86-64
    check(wait_until(sleeping, 20), 'verb: the service reached its sleep')
    ctl(sock, 'stop', 'learnme')
    try:
        o, e = v.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        v.kill()
        o, e = v.communicate()
    lines = dropin(out) if os.path.exists(out) else []
    check(v.returncode == 0 and lines, f'verb: learn writes the drop-in ({v.returncode}, {e.strip()!r})')
    check(values(lines, 'MainPhaseStarts') == ['after-ready'], 'verb: READY=1 is the switch point of Type=notify')
    main = values(lines, 'MainSystemCallFilter')
    check(bool(main) and ('clock_nanosleep' in main[0] or 'nanosleep' in main[0]),
          f'verb: sleep\'s calls are in the main phase: {main}')
    check('+' in o and '--- ' in o, f'verb: --diff prints what the learned list adds:\n{o}')
    # Learn mode is off again: the next start runs under the unit's policy, which this shell
    # does not fit (@default @basic-io): start waits for the job, which fails with a kill,
    # and the denial is on record.
    p = ctl(sock, 'start', 'learnme')
    denied = ctl(sock, 'show', 'learnme', '-P', 'DeniedSyscalls').stdout.strip()
    check(p.returncode == 1 and 'fatal signal' in p.stderr and denied,
          f'verb: the unit starts again under its policy ({p.returncode}, {p.stderr.strip()!r}, denied {denied!r})')
    ctl(sock, 'stop', 'learnme')


def case_planted_tmp(sock, base):
    # A service that controls the output's directory plants FILE.tmp before the client writes:
    # a FIFO (the client's open would block for ever) and a hard link to a file of the host
    # (the client would truncate and overwrite it). The client must use a name of its own.
    victim = os.path.join(base, 'victim')
    with open(victim, 'w') as f:
        f.write('keep\n')
    fifo_out, link_out = os.path.join(base, 'fifo.conf'), os.path.join(base, 'link.conf')
    os.mkfifo(fifo_out + '.tmp')
    os.link(victim, link_out + '.tmp')
    for out in (fifo_out, link_out):
        try:
            p = learn(sock, out, [UNAME_STATIC])
            rc, err = p.returncode, p.stderr.strip()
        except subprocess.TimeoutExpired:
            rc, err = None, 'timed out'
        check(rc == 0 and os.path.isfile(out) and not os.path.islink(out) and
              'SystemCallFilter' in open(out).read(),
              f'planted {os.path.basename(out)}.tmp: the drop-in is written ({rc}, {err!r})')
    with open(victim) as f:
        check(f.read() == 'keep\n', 'planted hard link: the linked file is untouched')
    # The same service makes the file to merge a FIFO: refused, no hang.
    merge = os.path.join(base, 'merge.conf')
    os.mkfifo(merge)
    try:
        p = learn(sock, os.path.join(base, 'merged.conf'), [UNAME_STATIC], ['--learn-merge', merge])
        rc, err = p.returncode, p.stderr.strip()
    except subprocess.TimeoutExpired:
        rc, err = None, 'timed out'
    check(rc not in (0, None), f'--learn-merge from a FIFO is refused without a hang ({rc}, {err!r})')


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77

    def run_cases(sock, base):
        case_program(sock, base, 'dynamic', [UNAME], static=False)
        case_program(sock, base, 'static', [UNAME_STATIC], static=True)
        case_descendants(sock, base)
        case_sockets_and_merge(sock, base)
        case_notify_and_verb(sock, base, os.path.join(base, 'units'))
        case_planted_tmp(sock, base)
    return with_daemon(SYSCAGED, ctl, 'syscage-learn-', run_cases)


if __name__ == '__main__':
    sys.exit(main())
