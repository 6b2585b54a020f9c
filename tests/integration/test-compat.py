#!/usr/bin/env python3
"""Integration tests for behaviour stock Debian unit files rely on, each checked against
systemd 252: Type=notify from a service that dropped privileges (User=, or setuid() in the
service) while a process outside the unit cannot speak for it; Limit*= above the permitted
hard limit lowered as systemd does; IgnoreSIGPIPE=; alias symlinks and [Install] Alias= as
names of one unit with the drop-ins of all names; enable of a unit without [Install];
specifiers in command lines expanded after unescaping.

The scenarios reuse the daemon driver of test-service.py.

Usage: test-compat.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root).
"""
import importlib.util
import os
import pwd
import re
import resource
import socket
import subprocess
import sys
import time

_spec = importlib.util.spec_from_file_location(
    'service_test', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
check, unit, ctl, Failure = st.check, st.unit, st.ctl, st.Failure

NOTIFY_PY = r'''
import os, socket, sys, time
if sys.argv[1] == 'setuid':
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b'READY=1\nSTATUS=uid %d' % os.getuid(), os.environ['NOTIFY_SOCKET'])
time.sleep(1000)
'''


def wait_for(pred, what, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.02)
    raise Failure('timed out waiting for ' + what)


def new_daemon(ctx, units, enabled):
    d = st.Daemon(ctx.syscaged, units, enabled, ctx.prefix)
    ctx.daemons.append(d)
    return d


def answering(ctx, d):
    """D, once its control socket answers."""
    wait_for(lambda: ctl(ctx, d, 'list-units').returncode == 0, 'the daemon to answer', timeout=15)
    return d


# ---- scenarios ----

def test_notify_dropped_privileges(ctx):
    script = os.path.join(ctx.tmp, 'notify.py')
    with open(script, 'w') as f:
        f.write(NOTIFY_PY)
    os.chmod(ctx.tmp, 0o755)
    os.chmod(script, 0o644)
    run = '/usr/bin/python3 %s ' % script
    units = {
        'user.service': unit('Type=notify\nUser=nobody\nExecStart=%s plain' % run),
        'setuid.service': unit('Type=notify\nExecStart=%s setuid' % run),
        'sandboxed.service': unit('Type=notify\nUser=nobody\nPrivateTmp=yes\nProtectSystem=strict\n'
                                  'SystemCallFilter=~execve\nExecStart=%s plain' % run),
        # Nobody in the unit sends anything: only a foreign READY=1 could make it active.
        'foreign.service': unit('Type=notify\nNotifyAccess=all\nTimeoutStartSec=2s\nExecStart=/bin/sleep 1000'),
    }
    d = new_daemon(ctx, units, list(units)).start()
    for name in ('user', 'setuid', 'sandboxed'):
        s = d.wait_state(name + '.service', 'active', 'running')
        check(s['StatusText'] == 'uid 65534', '%s: StatusText %r' % (name, s['StatusText']))
    s = d.wait_state('foreign.service', 'activating')
    sock = os.path.join(d.runtime_dir, 'notify')
    # A process outside the unit, as nobody and as root: refused, the unit stays activating.
    for uid in (65534, 0):
        p = subprocess.run([sys.executable, '-c', 'import os, socket, sys\n'
                            'os.setgid(%d); os.setuid(%d)\n'
                            's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n'
                            's.sendto(b"READY=1\\nMAINPID=%s", sys.argv[1])\n' % (uid, uid, s['MainPID']), sock],
                           capture_output=True, text=True, timeout=10)
        check(p.returncode == 0, 'the foreign sender could not send: %s' % p.stderr)
    wait_for(lambda: len(re.findall(r'Notification from pid \d+, which belongs to no unit', d.daemon_log())) >= 2,
             'the foreign notifications to be dropped')
    s = d.wait('foreign.service', lambda s: s.get('Result') == 'timeout', 'start timeout')
    check(s['ActiveState'] != 'active', 'a foreign READY=1 made the unit active')
    d.stop()


INF = 2 ** 64 - 1  # RLIM_INFINITY as the kernel has it (Python's resource module says -1)


def read_limits(d, name, key):
    line = [l for l in d.unit_log(name).split('\n') if 'stdout: ' + key in l]
    check(line, 'no %r in the log of %s' % (key, name))
    f = line[0].split('stdout: ', 1)[1].split()
    return [int(x) if x != 'unlimited' else INF for x in f[-3:-1]]


def test_limits_clamped(ctx):
    # systemd 252 with a hard limit of 20000 and no CAP_SYS_RESOURCE: LimitNOFILE=infinity ->
    # 20000:20000, 100:infinity -> 100:20000, 65535 -> 20000:20000; a limit above fs.nr_open
    # is refused by the kernel even with the capability, and lowered the same way.
    own_hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    own_hard = INF if own_hard == resource.RLIM_INFINITY else own_hard
    with open('/proc/sys/fs/nr_open') as f:
        nr_open = int(f.read())
    cap_eff = int([l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1], 16)
    may_raise = bool(cap_eff & (1 << 24))
    show = "ExecStart=/bin/sh -c 'grep \"open files\" /proc/self/limits; grep \"locked memory\" /proc/self/limits'"
    cases = {'inf': 'infinity', 'split': '100:infinity', 'big': '%d' % (nr_open + 1), 'low': '5000:6000'}
    units = {'lim-%s.service' % k: unit('Type=oneshot\nRemainAfterExit=yes\nLimitNOFILE=%s\n%s' % (v, show))
             for k, v in cases.items()}
    d = new_daemon(ctx, units, list(units)).start()

    def want(soft, hard):
        # What the kernel permits is kept; a refused hard limit becomes the daemon's own.
        if hard <= own_hard or (may_raise and hard <= nr_open):
            return [soft, hard]
        return [min(soft, own_hard), own_hard]

    inf = INF
    for k, (soft, hard) in {'inf': (inf, inf), 'split': (100, inf), 'big': (nr_open + 1, nr_open + 1),
                            'low': (5000, 6000)}.items():
        name = 'lim-%s.service' % k
        s = d.wait_state(name, 'active')
        check(s['Result'] == 'success', '%s did not start: %s' % (name, s))
        got = read_limits(d, name, 'Max open files')
        exp = want(soft, hard)
        check(got == exp, '%s: LimitNOFILE=%s gives %s, want %s (own hard %d)' % (name, cases[k], got, exp, own_hard))
    d.stop()


def test_ignore_sigpipe(ctx):
    body = "ExecStart=/bin/sh -c 'grep SigIgn /proc/self/status; kill -PIPE $$$$; echo survived'"
    units = {
        'pipe-default.service': unit('Type=oneshot\n' + body),
        'pipe-no.service': unit('Type=oneshot\nIgnoreSIGPIPE=no\n' + body),
        # A daemon killed by SIGPIPE exited cleanly (systemd's rule), as with SIGTERM.
        'pipe-daemon.service': unit("IgnoreSIGPIPE=no\nRestart=on-failure\nExecStart=/bin/sh -c 'kill -PIPE $$$$'"),
        'pipe-write.service': unit("Type=oneshot\nExecStart=/bin/sh -c 'yes | head -n 1; echo status $${PIPESTATUS:-done}'"),
    }
    d = new_daemon(ctx, units, list(units)).start()
    s = d.wait_state('pipe-default.service', 'inactive')
    check(s['Result'] == 'success', 'pipe-default: %s' % s)
    log = d.unit_log('pipe-default.service')
    check('stdout: survived' in log, 'SIGPIPE killed a service with IgnoreSIGPIPE= at its default')
    ign = int(re.search(r'SigIgn:\s+([0-9a-f]+)', log).group(1), 16)
    check(ign & (1 << 12), 'SIGPIPE is not ignored by default: SigIgn %x' % ign)
    s = d.wait_state('pipe-no.service', 'failed')
    check(s['Result'] == 'signal' and s['ExecMainStatus'] == '13', 'pipe-no: %s' % s)
    check('stdout: survived' not in d.unit_log('pipe-no.service'), 'IgnoreSIGPIPE=no did not keep SIG_DFL')
    s = d.wait_state('pipe-daemon.service', 'inactive')
    check(s['Result'] == 'success' and s['NRestarts'] == '0', 'SIGPIPE is not a clean exit for a daemon: %s' % s)
    d.wait_state('pipe-write.service', 'inactive')
    d.stop()


def test_alias(ctx):
    show = "ExecStart=/bin/sh -c 'echo env A=$A W=$W; exec sleep 1000'"
    units = {'redis-server.service': unit(show),
             'kv.service': unit('ExecStart=/bin/sleep 1000', install=False) +
             '[Install]\nAlias=%skv-alias.service\nWantedBy=multi-user.target\n' % ctx.prefix}
    d = new_daemon(ctx, units, [])
    p = d.prefix
    os.symlink(p + 'redis-server.service', os.path.join(d.units_dir, p + 'redis.service'))
    for n, env in ((p + 'redis.service', 'A=1'), (p + 'redis-server.service', 'W=1')):
        os.makedirs(os.path.join(d.units_dir, n + '.d'))
        with open(os.path.join(d.units_dir, n + '.d', 'x-%s.conf' % env[0]), 'w') as f:
            f.write('[Service]\nEnvironment=%s\n' % env)
    answering(ctx, d.start())
    r = ctl(ctx, d, 'start', 'redis.service')
    check(r.returncode == 0, 'start by the alias: %s' % r.stderr)
    d.wait_state('redis-server.service', 'active', 'running')
    d.wait_log('redis-server.service', 'stdout: env A=1 W=1')
    check(not d.status('redis.service'), 'the alias has a status file of its own: a second unit')
    lu = ctl(ctx, d, 'list-units')
    check(p + 'redis.service' not in lu.stdout, 'list-units shows the alias as a unit:\n' + lu.stdout)
    r = ctl(ctx, d, 'status', 'redis.service')
    check(p + 'redis-server.service' in r.stdout, 'status by the alias:\n' + r.stdout + r.stderr)
    r = ctl(ctx, d, 'stop', 'redis.service')
    check(r.returncode == 0, 'stop by the alias: %s' % r.stderr)
    d.wait_state('redis-server.service', 'inactive')
    # [Install] Alias=: enable makes the link, the alias then starts the unit; disable removes it.
    link = os.path.join(d.units_dir, p + 'kv-alias.service')
    r = ctl(ctx, d, 'enable', 'kv.service')
    check(r.returncode == 0, 'enable: %s' % r.stderr)
    check(os.path.islink(link) and os.path.realpath(link) == os.path.join(d.units_dir, p + 'kv.service'),
          'enable made no alias link')
    r = ctl(ctx, d, 'start', 'kv-alias.service')
    check(r.returncode == 0, 'start by the new alias: %s' % r.stderr)
    d.wait_state('kv.service', 'active', 'running')
    r = ctl(ctx, d, 'is-enabled', 'kv-alias.service')
    check(r.stdout.strip() == 'enabled', 'is-enabled by the alias: %r' % r.stdout)
    r = ctl(ctx, d, 'disable', 'kv.service')
    check(r.returncode == 0 and not os.path.lexists(link), 'disable left the alias link: %s' % r.stderr)
    d.stop()


def test_enable_without_install(ctx):
    units = {'noinst.service': unit('ExecStart=/bin/sleep 1000', install=False),
             'inst.service': unit('ExecStart=/bin/sleep 1000')}
    d = answering(ctx, new_daemon(ctx, units, []).start())
    r = ctl(ctx, d, 'enable', 'noinst.service')
    check(r.returncode == 0, 'enable without [Install] failed: %s' % r.stderr)
    check('no installation config' in r.stderr, 'no explanation: %r' % r.stderr)
    r = ctl(ctx, d, 'is-enabled', 'noinst.service')
    check(r.stdout.strip() == 'static', 'is-enabled after enable: %r' % r.stdout)
    with open(os.path.join(d.state_dir, 'enabled')) as f:
        check(d.prefix + 'noinst.service' not in f.read(), 'a unit without [Install] is in the enabled set')
    r = ctl(ctx, d, 'enable', 'inst.service')
    check(r.returncode == 0 and 'installation config' not in r.stderr, 'enable with [Install]: %s' % r.stderr)
    check(ctl(ctx, d, 'is-enabled', 'inst.service').stdout.strip() == 'enabled', 'inst.service not enabled')
    d.stop()


def test_specifier_unescape(ctx):
    # systemd 252: tpl@a-b\x2dc.service, ExecStart=/bin/echo i=[%i] I=[%I] x=\x25i prints
    # i=[a-b\x2dc] I=[a/b-c] x=a-b\x2dc.
    units = {'tpl@.service': unit("Type=oneshot\nExecStart=/bin/echo i=[%i] I=[%I] \"q=[%i]\" x=\\x25i",
                                  install=False)}
    d = answering(ctx, new_daemon(ctx, units, []).start())
    inst = 'tpl@a-b\\x2dc.service'
    r = ctl(ctx, d, 'start', inst)
    check(r.returncode == 0, 'start %s: %s' % (inst, r.stderr))
    d.wait_state(inst, 'inactive')
    d.wait_log(inst, 'stdout: i=[a-b\\x2dc] I=[a/b-c] q=[a-b\\x2dc] x=a-b\\x2dc')
    d.stop()


SCENARIOS = {
    'notify_dropped_privileges': test_notify_dropped_privileges,
    'limits_clamped': test_limits_clamped,
    'ignore_sigpipe': test_ignore_sigpipe,
    'alias': test_alias,
    'enable_without_install': test_enable_without_install,
    'specifier_unescape': test_specifier_unescape,
}


def main():
    return st.run_scenario(SCENARIOS, st.Context, outside_tmp=True)


if __name__ == '__main__':
    sys.exit(main())
