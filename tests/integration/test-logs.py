#!/usr/bin/env python3
"""`syscagectl logs` against a real syscaged whose log files rotate at 32 KiB (10 kept):

- follow: `logs -f` is attached before a service prints 60,000 lines in one burst (about
  a hundred rotations, several between two reads of the follower); every line must reach it,
  in order, within a deadline;
- ExecStartPre= output carries the pid of the process that wrote it, as the main process's
  does;
- daemon-reload shows a running unit's new Description= (list-units, status) while it
  keeps running with the same main pid;
- the filters, on log files written before the daemon starts (so every timestamp is known):
  --since/--until in journalctl's forms, -p (with "<N>" prefixes and continued lines), -n,
  several units merged in time order, -o cat, -o json, --no-pager, and bad arguments.

Usage: test-logs.py SYSCAGED SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import json
import os
import re
import subprocess
import sys
import time

from harness import check, ctl_runner, wait_until, with_daemon

SYSCAGED, SYSCAGECTL = (os.path.abspath(a) for a in sys.argv[1:3])
ctl = ctl_runner(SYSCAGECTL, default_timeout=60)
BURST = 60000

NOW = time.time()
# Fixed points for the crafted logs: yesterday at noon (local), and 10 and 2 minutes ago.
_lt = time.localtime(NOW - 86400)
YESTERDAY_NOON = time.mktime((_lt.tm_year, _lt.tm_mon, _lt.tm_mday, 12, 0, 0, 0, 0, -1))
T_OLD = NOW - 600
T_NEW = NOW - 120


def stamp(t):
    """The record timestamp of time T (UTC, microseconds)."""
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(int(t))) + '.%06dZ' % int((t % 1) * 1e6)


def local(t):
    return time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(int(t)))


def write_unit(units, name, text):
    with open(os.path.join(units, name), 'w') as f:
        f.write(text)


def prepare(base):
    """Log files of two units that never run here: alpha has a rotated file."""
    logs = os.path.join(base, 'state', 'logs')
    os.makedirs(logs)
    a = [
        (YESTERDAY_NOON, 'alpha.service[10] stdout: a-yesterday'),
        (T_OLD, 'alpha.service[11] stdout: <3>a-old-err'),
        (T_OLD + 1, 'alpha.service[11] stderr: a-old-stderr'),
    ]
    a_new = [
        (T_NEW, 'alpha.service[12] stdout+: <4>a-new-warn-piece1'),
        (T_NEW, 'alpha.service[12] stdout: -piece2'),
        (T_NEW + 2, 'alpha.service[12] stdout: <7>a-new-debug'),
        (T_NEW + 4, 'alpha.service[12] syscaged: Stopped.'),
    ]
    b = [
        (T_OLD + 0.5, 'beta.service[20] stdout: b-old'),
        (T_NEW + 1, 'beta.service[21] stdout: <2>b-new-crit'),
        (T_NEW + 3, 'beta.service[21] stdout~: b-new-noeol'),
    ]
    for name, recs in (('alpha.service.log.1', a), ('alpha.service.log', a_new), ('beta.service.log', b)):
        with open(os.path.join(logs, name), 'w') as f:
            for t, rest in recs:
                f.write(f'{stamp(t)} {rest}\n')


def texts(out):
    """The texts of the records in OUT, in order."""
    return [m.group(1) for m in re.finditer(r'^\S+ \S+ \S+: (.*)$', out, re.M)]


def logs(sock, *args):
    p = ctl(sock, 'logs', *args)
    check(p.returncode == 0, f'logs {" ".join(args)} exits 0 (got {p.returncode}, {p.stderr.strip()!r})')
    return p.stdout


def test_filters(sock):
    all_a = ['a-yesterday', '<3>a-old-err', 'a-old-stderr', '<4>a-new-warn-piece1', '-piece2',
             '<7>a-new-debug', 'Stopped.']
    check(texts(logs(sock, 'alpha')) == all_a, 'logs reads the rotated file first, then the current one')
    check(texts(logs(sock, '-n', '2', 'alpha')) == all_a[-2:], '-n 2 gives the last two records')
    check(texts(logs(sock, '-n', '0', 'alpha')) == [], '-n 0 gives nothing')
    got = texts(logs(sock, '--since', local(T_OLD), '--until', local(T_NEW + 1), 'alpha'))
    check(got == all_a[1:5], f'--since/--until "YYYY-MM-DD HH:MM:SS" (got {got})')
    got = texts(logs(sock, '--since', '@%d' % int(T_NEW), 'alpha'))
    check(got == all_a[3:], f'--since @SECONDS (got {got})')
    got = texts(logs(sock, '--since', '-5min', 'alpha'))
    check(got == all_a[3:], f'--since -5min (got {got})')
    got = texts(logs(sock, '--since', '5 min ago', 'alpha'))
    check(got == all_a[3:], f'--since "5 min ago" (got {got})')
    got = texts(logs(sock, '--until', 'yesterday', 'alpha'))
    check(got == [], f'--until yesterday (midnight) leaves out yesterday noon (got {got})')
    got = texts(logs(sock, '--since', 'yesterday', '--until', 'today', 'alpha'))
    want = ['a-yesterday'] + [t for t, when in zip(all_a[1:], [T_OLD, T_OLD, T_NEW, T_NEW, T_NEW, T_NEW])
                              if time.localtime(when).tm_mday != time.localtime(NOW).tm_mday]
    check(got == want, f'--since yesterday --until today (got {got})')
    # Priorities: "<N>" prefixes, info otherwise, a continued line keeps its first piece's.
    got = texts(logs(sock, '-p', 'warning', 'alpha'))
    check(got == ['<3>a-old-err', '<4>a-new-warn-piece1', '-piece2'], f'-p warning (got {got})')
    got = texts(logs(sock, '--priority', '3', 'alpha'))
    check(got == ['<3>a-old-err'], f'--priority 3 (got {got})')
    got = texts(logs(sock, '-p', 'info..debug', 'alpha'))
    check(got == ['a-yesterday', 'a-old-stderr', '<7>a-new-debug', 'Stopped.'], f'-p info..debug (got {got})')
    # Several units: merged in time order, each record naming its unit.
    out = logs(sock, '--since', local(T_OLD), '-u', 'alpha', '-u', 'beta.service')
    got = texts(out)
    check(got == ['<3>a-old-err', 'b-old', 'a-old-stderr', '<4>a-new-warn-piece1', '-piece2', '<2>b-new-crit',
                  '<7>a-new-debug', 'b-new-noeol', 'Stopped.'], f'-u alpha -u beta merged by time (got {got})')
    check(re.search(r'^\S+ beta\.service\[20\] stdout: b-old$', out, re.M) is not None, 'merged records name their unit')
    got = texts(logs(sock, '-n', '3', 'alpha', 'beta'))
    check(got == ['<7>a-new-debug', 'b-new-noeol', 'Stopped.'], f'-n 3 over two units (got {got})')
    got = texts(logs(sock, '-p', 'crit', '-u', 'alpha', 'beta', '--no-pager'))
    check(got == ['<2>b-new-crit'], f'-p crit over two units, --no-pager accepted (got {got})')
    # -o cat: the text alone; a continued line is joined.
    out = logs(sock, '-o', 'cat', '--since', '@%d' % int(T_NEW), 'alpha')
    check(out == '<4>a-new-warn-piece1-piece2\n<7>a-new-debug\nStopped.\n', f'-o cat (got {out!r})')
    # -o json: one object a line.
    out = logs(sock, '-o', 'json', '-n', '3', 'beta')
    try:
        objs = [json.loads(line) for line in out.splitlines()]
    except ValueError:
        objs = []
    check(len(objs) == 3 and objs[1].get('MESSAGE') == '<2>b-new-crit' and objs[1].get('PRIORITY') == '2'
          and objs[1].get('_PID') == '21' and objs[1].get('_SYSTEMD_UNIT') == 'beta.service'
          and objs[1].get('__REALTIME_TIMESTAMP') == str(int(T_NEW + 1) * 1000000 + int(((T_NEW + 1) % 1) * 1e6))
          and objs[2].get('SYSCAGE_LINE_END') == 'eof' and objs[0].get('SYSCAGE_STREAM') == 'stdout',
          f'-o json fields (got {objs})')
    # Bad arguments name themselves.
    for args, word in ((['--since', 'soon', 'alpha'], 'soon'), (['-p', 'loud', 'alpha'], 'loud'),
                       (['-o', 'xml', 'alpha'], 'xml'), (['-n', 'x', 'alpha'], "'x'"), ([], 'unit'),
                       (['--since', 'today', '--until', 'yesterday', 'alpha'], 'later')):
        p = ctl(sock, 'logs', *args)
        check(p.returncode != 0 and word in p.stderr, f'logs {args} is refused naming {word} ({p.stderr.strip()!r})')


def test_follow_two(sock, base):
    """-f over two units: what is appended to either log is printed; -n 0 shows no history."""
    logs_dir = os.path.join(base, 'state', 'logs')
    out_path = os.path.join(base, 'follow-two.out')
    with open(out_path, 'w') as out:
        f = subprocess.Popen([SYSCAGECTL, 'logs', '-f', '-n', '0', '-o', 'cat', '-u', 'alpha', '-u', 'beta'],
                             stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                             env=dict(os.environ, SYSCAGE_SOCKET=sock))

    def read():
        with open(out_path) as fo:
            return fo.read()
    try:
        # Appended until seen: the follower may not have opened the files yet.
        def appended(unit, text):
            with open(os.path.join(logs_dir, unit + '.log'), 'a') as lf:
                lf.write(f'{stamp(time.time())} {unit}[30] stdout: {text}\n')
            return wait_until(lambda: text in read(), 2)
        check(wait_until(lambda: appended('beta.service', 'b-followed'), 20), '-f of two units prints beta\'s new line')
        check(wait_until(lambda: appended('alpha.service', 'a-followed'), 20), '-f of two units prints alpha\'s new line')
        got = read()
        check('a-new-debug' not in got and 'b-new-crit' not in got, f'-f -n 0 prints no history ({got!r})')
    finally:
        f.terminate()
        f.wait(timeout=10)


def test_burst(sock, units, base):
    go = os.path.join(base, 'go')
    write_unit(units, 'burst.service', f"""[Service]
Type=exec
ExecStart=/bin/sh -c 'echo ready; while [ ! -e {go} ]; do sleep 0.02; done; seq 1 {BURST}'
""")
    out_path = os.path.join(base, 'follow.out')
    with open(out_path, 'w') as out:
        env = dict(os.environ, SYSCAGE_SOCKET=sock)
        f = subprocess.Popen([SYSCAGECTL, 'logs', '-f', '-o', 'cat', 'burst'], stdout=out,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env, text=True)
    try:
        p = ctl(sock, 'start', 'burst')
        check(p.returncode == 0, f'burst starts ({p.stderr.strip()!r})')

        def read():
            with open(out_path) as fo:
                return fo.read()
        check(wait_until(lambda: 'ready\n' in read(), 30), 'the follower sees the first line')
        open(go, 'w').close()
        wait_until(lambda: f'\n{BURST}\n' in read(), 120, interval=0.2)
        # The daemon's own line about the exit may follow.
        lines = read().splitlines()[:BURST + 1]
        want = ['ready'] + [str(i) for i in range(1, BURST + 1)]
        if lines != want:
            nums = lines[1:]
            first_bad = next((i for i, (a, b) in enumerate(zip(nums, want[1:])) if a != b), min(len(nums), BURST))
            detail = f'{len(nums)} lines; first difference at line {first_bad + 1}: ' \
                     f'{nums[first_bad:first_bad + 2]!r}'
        else:
            detail = 'all of them'
        check(lines == want, f'logs -f got every one of {BURST} burst lines in order ({detail})')
        rotated = [n for n in os.listdir(os.path.join(base, 'state', 'logs')) if n.startswith('burst.service.log.')]
        check(len(rotated) == 9, f'the log rotated up to the cap of 10 files (rotated files: {len(rotated)})')
    finally:
        f.terminate()
        try:
            _, err = f.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            f.kill()
            _, err = f.communicate()
        check('missing' not in (err or ''), f'the follower reported no gap ({(err or "").strip()[:200]!r})')


def test_pre_pid(sock, units):
    write_unit(units, 'prepid.service', """[Service]
Type=oneshot
RemainAfterExit=yes
ExecStartPre=/bin/sh -c 'echo pre-pid $$$$'
ExecStartPre=/bin/sh -c 'echo pre2-pid $$$$ >&2'
ExecStart=/bin/sh -c 'echo main-pid $$$$'
ExecStopPost=/bin/sh -c 'echo post-pid $$$$'
""")
    p = ctl(sock, 'start', 'prepid')
    check(p.returncode == 0, f'prepid starts ({p.stderr.strip()!r})')
    check(wait_until(lambda: 'main-pid' in logs(sock, 'prepid'), 15), 'the main process ran')
    p = ctl(sock, 'stop', 'prepid')
    check(p.returncode == 0, f'prepid stops ({p.stderr.strip()!r})')
    out = ''

    def got_all():
        nonlocal out
        out = logs(sock, 'prepid')
        return 'post-pid' in out
    wait_until(got_all, 15)
    for what in ('pre', 'pre2', 'main', 'post'):
        m = re.search(r'^\S+ prepid\.service\[(\d+)\] std\w+: ' + what + r'-pid (\d+)$', out, re.M)
        check(m is not None and m.group(1) == m.group(2) and m.group(1) != '0',
              f'the {what} line carries the pid of its writer ({m.groups() if m else out!r})')


def test_reload_description(sock, units):
    write_unit(units, 'desc.service', '[Unit]\nDescription=First words\n[Service]\nExecStart=/bin/sleep 300\n')
    p = ctl(sock, 'daemon-reload')
    p = ctl(sock, 'start', 'desc')
    check(p.returncode == 0, f'desc starts ({p.stderr.strip()!r})')

    def main_pid():
        m = re.search(r'Main PID: (\d+)', ctl(sock, 'status', 'desc').stdout)
        return m.group(1) if m else None
    pid = wait_until(main_pid, 15)
    write_unit(units, 'desc.service', '[Unit]\nDescription=Second words\n[Service]\nExecStart=/bin/sleep 300\n')
    p = ctl(sock, 'daemon-reload')
    check(p.returncode == 0, f'daemon-reload works ({p.stderr.strip()!r})')
    lst = ctl(sock, 'list-units').stdout
    st = ctl(sock, 'status', 'desc').stdout
    check(re.search(r'desc\.service.*Second words', lst) is not None and 'First words' not in lst,
          f'list-units shows the new Description ({lst!r})')
    check('Second words' in st and 'First words' not in st, f'status shows the new Description ({st!r})')
    check(main_pid() == pid and 'active (running)' in st, 'the unit kept running with the same main pid')
    ctl(sock, 'stop', 'desc')


def cases(sock, base):
    units = os.path.join(base, 'units')
    test_filters(sock)
    test_follow_two(sock, base)
    test_pre_pid(sock, units)
    test_reload_description(sock, units)
    test_burst(sock, units, base)


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    return with_daemon(SYSCAGED, ctl, 'syscage-logs-', (prepare, cases),
                       daemon_args=('--log-max-file-size=32K', '--log-max-files=10'))


if __name__ == '__main__':
    sys.exit(main())
