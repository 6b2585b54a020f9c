#!/usr/bin/env python3
"""systemctl's unit-file verbs and `show` under a real syscaged.

- show: systemd's property names and formats (what systemd 252 prints for the same unit
  files: Type, Restart, RestartUSec=1.500000s, TimeoutStopUSec=infinity, ExecStart={ path=...
  ; argv[]=... }, Environment with quoting, WorkingDirectory=!/tmp, UMask=0022, ...), -p A,B,
  -p A -p B, --property=, --value, --all, several units, empty values left out without -p or
  --all; ExecMainStatus/ExecMainCode after a start whose main process exited 1, for each
  service type.
- mask/unmask: a symlink to /dev/null in the configuration directory (the first of the search
  path), --runtime in the runtime one; a masked unit refuses start with systemctl's message and
  says "masked" in is-enabled, show and list-unit-files; a unit file that is no mask is not
  replaced; unmask removes only masks.
- list-unit-files: UNIT FILE / STATE / PRESET, patterns, --state=.
- list-dependencies: the Wants=/Requires= tree, targets that have no unit listed, --reverse.
- edit: a drop-in through $SYSTEMD_EDITOR/$EDITOR, --full, --runtime; an empty or unchanged
  edit creates nothing; a broken edit is refused, nothing is installed and the daemon keeps
  the old unit.
- status -l / --full are accepted.

Usage: test-unit-verbs.py SYSCAGED SYSCAGECTL
Exit status: 0 pass, 1 fail, 77 skipped (not root). Every wait is bounded.
"""
import os
import re
import shutil
import stat
import sys
import tempfile

from harness import check, ctl_runner, wait_until, with_daemon

SYSCAGED, SYSCAGECTL = (os.path.abspath(a) for a in sys.argv[1:3])
ctl = ctl_runner(SYSCAGECTL, default_timeout=30, NO_COLOR='1')
RUNTIME = '{base}/run/syscage/units'

FAIL = """[Unit]
Description=fails
Wants=network.target two.service
After=network.target
[Service]
ExecStart=/bin/sh -c "exit 1"
RestartSec=1500ms
Environment=A=1 "B=two words"
WorkingDirectory=-/tmp
User=nobody
LimitNOFILE=4096
TimeoutStopSec=infinity
[Install]
WantedBy=multi-user.target
"""

TWO = """[Service]
Type=oneshot
ExecStart=-/bin/echo hi there
ExecStart=/bin/true
"""


def show(sock, unit, *props):
    p = ctl(sock, 'show', unit, *(['-p', ','.join(props)] if props else []))
    return dict(l.split('=', 1) for l in p.stdout.splitlines() if '=' in l)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def is_active(sock, unit, state):
    return ctl(sock, 'is-active', unit).stdout.strip() == state


def check_show(sock, units):
    ctl(sock, 'start', 'fail')
    check(wait_until(lambda: is_active(sock, 'fail', 'failed'), 10), 'fail.service failed')
    ctl(sock, 'start', 'two')
    check(wait_until(lambda: is_active(sock, 'two', 'inactive') and
                     show(sock, 'two', 'ExecMainCode').get('ExecMainCode') == '1', 10), 'two.service ran')
    s = show(sock, 'fail')
    # What systemd 252 prints for the same file (systemctl show orc-fail.service).
    want = {'Id': 'fail.service', 'Names': 'fail.service', 'Description': 'fails', 'LoadState': 'loaded',
            'ActiveState': 'failed', 'SubState': 'failed', 'Result': 'exit-code', 'Type': 'simple',
            'Restart': 'no', 'RestartUSec': '1.500000s', 'TimeoutStartUSec': '1min 30s',
            'TimeoutStopUSec': 'infinity', 'WatchdogUSec': '0', 'RemainAfterExit': 'no', 'NotifyAccess': 'none',
            'KillMode': 'control-group', 'KillSignal': '15', 'User': 'nobody', 'DynamicUser': 'no',
            'Environment': 'A=1 "B=two words"', 'WorkingDirectory': '!/tmp', 'UMask': '0022',
            'LimitNOFILE': '4096', 'LimitNOFILESoft': '4096', 'MainPID': '0', 'ControlPID': '0',
            'ExecMainCode': '1', 'ExecMainStatus': '1', 'NRestarts': '0', 'UnitFileState': 'disabled',
            'MemoryCurrent': s.get('MemoryCurrent') if s.get('MemoryCurrent', '').isdigit() else '[not set]',
            'After': 'network.target', 'FragmentPath': os.path.join(units, 'fail.service')}
    bad = {k: (s.get(k), v) for k, v in want.items() if s.get(k) != v}
    check(not bad, f'show: properties as systemd prints them (differences: {bad})')
    check(set(s.get('Wants', '').split()) == {'network.target', 'two.service'},
          f'show Wants= lists what the file says, targets too ({s.get("Wants")!r})')
    pid = s.get('ExecMainPID')
    ts = s.get('ExecMainStartTimestamp', '')
    check(s.get('ExecStart') == '{ path=/bin/sh ; argv[]=/bin/sh -c exit 1 ; ignore_errors=no ; start_time=[%s] ; '
          'stop_time=[%s] ; pid=%s ; code=exited ; status=1 }' % (ts, s.get('ExecMainExitTimestamp'), pid),
          f'show ExecStart= in systemd\'s format ({s.get("ExecStart")!r})')
    for key in ('ActiveEnterTimestamp', 'InactiveEnterTimestamp', 'StateChangeTimestamp'):
        check(len(s.get(key, '').split()) == 4 and s[key].endswith(('UTC', 'GMT')) or
              len(s.get(key, '').split()) == 4, f'show {key} as "Day YYYY-MM-DD HH:MM:SS TZ" ({s.get(key)!r})')
    check('PIDFile' not in s and 'DropInPaths' not in s and 'Group' not in s,
          'show without -p or --all leaves empty values out, as systemctl')
    p = ctl(sock, 'show', 'fail', '--all')
    check('PIDFile=' in p.stdout.splitlines() and 'Group=' in p.stdout.splitlines(), 'show --all prints empty values')

    # Two ExecStart= lines: one line each, the "-" prefix as ignore_errors=yes.
    p = ctl(sock, 'show', 'two', '-p', 'ExecStart', '--value')
    lines = p.stdout.splitlines()
    check(len(lines) == 2 and lines[0].startswith('{ path=/bin/echo ; argv[]=/bin/echo hi there ; ignore_errors=yes ;')
          and lines[1].startswith('{ path=/bin/true ; argv[]=/bin/true ; ignore_errors=no ;'),
          f'show -p ExecStart --value: one line per command ({lines})')
    s = show(sock, 'two', 'Type', 'TimeoutStartUSec', 'UnitFileState', 'WantedBy')
    check(s == {'Type': 'oneshot', 'TimeoutStartUSec': 'infinity', 'UnitFileState': 'static',
                'WantedBy': 'fail.service'}, f'show a oneshot: infinity, static, the reverse of Wants= ({s})')

    # The -p forms, --value, several units (a blank line between them), empty values named.
    p = ctl(sock, 'show', '-p', 'Id,User', '-p', 'PIDFile', 'fail', 'two')
    # In the daemon's order, as systemctl prints in the order of the unit's properties.
    check(p.returncode == 0 and [sorted(u.splitlines()) for u in p.stdout.split('\n\n')] ==
          [['Id=fail.service', 'PIDFile=', 'User=nobody'], ['Id=two.service', 'PIDFile=', 'User=']],
          f'show -p A,B -p C of two units ({p.stdout!r})')
    p = ctl(sock, 'show', '--property=Type', '--property', 'Restart', '--value', 'fail')
    check(p.stdout == 'simple\nno\n', f'show --property= --value ({p.stdout!r})')
    p = ctl(sock, 'show', '-P', 'ExecMainStatus', 'fail')
    check(p.stdout == '1\n', f'show -P ExecMainStatus ({p.stdout!r})')
    # A unit without a file: systemctl answers not-found, exit 0 (scripts test LoadState).
    p = ctl(sock, 'show', '-p', 'Id,LoadState,ActiveState,UnitFileState,Description', 'nosuch')
    check(p.returncode == 0 and sorted(p.stdout.splitlines()) ==
          ['ActiveState=inactive', 'Description=nosuch.service', 'Id=nosuch.service', 'LoadState=not-found',
           'UnitFileState='], f'show of an unknown unit: not-found, as systemctl ({p.stdout!r} {p.stderr!r})')
    p = ctl(sock, 'show', '-P', 'LoadState', 'nosuch', 'fail')
    check(p.returncode == 0 and p.stdout == 'not-found\n\nloaded\n', f'show -P LoadState of two units ({p.stdout!r})')


def check_exec_main_status(sock, units):
    """ExecMainStatus/ExecMainCode after a start whose main process exited 1 (the bug: 0)."""
    kinds = {'st-simple': 'Type=simple', 'st-exec': 'Type=exec', 'st-oneshot': 'Type=oneshot',
             'st-notify': 'Type=notify', 'st-gate': 'SystemCallFilter=~execve',
             'st-restart': 'Restart=on-failure\nRestartSec=50ms\nStartLimitBurst=2'}
    for name, body in kinds.items():
        write(os.path.join(units, name + '.service'),
              '[Unit]\nStartLimitBurst=2\n[Service]\n%s\nExecStart=/bin/sh -c "exit 1"\n' % body)
    ctl(sock, 'daemon-reload')
    for name in kinds:
        ctl(sock, 'start', name)
        ok = wait_until(lambda: is_active(sock, name, 'failed'), 15)
        s = show(sock, name, 'ExecMainCode', 'ExecMainStatus', 'Result')
        check(ok and s.get('ExecMainCode') == '1' and s.get('ExecMainStatus') == '1',
              f'{name}: ExecMainCode=1 ExecMainStatus=1 after exit 1 ({s})')
        st = ctl(sock, 'status', name).stdout
        check('(code=exited, status=1' in st, f'{name}: status says code=exited, status=1')


def check_mask(sock, units, base):
    runtime = RUNTIME.replace('{base}', base)
    p = ctl(sock, 'mask', 'fail')
    check(p.returncode == 1 and 'already exists' in p.stderr and
          stat.S_ISREG(os.lstat(os.path.join(units, 'fail.service')).st_mode),
          f'mask does not replace a unit file in the configuration directory ({p.stderr.strip()!r})')
    p = ctl(sock, 'mask', '--runtime', 'fail')
    link = os.path.join(runtime, 'fail.service')
    check(p.returncode == 0 and os.readlink(link) == '/dev/null' and
          f'Created symlink {link} \u2192 /dev/null.' in p.stderr, f'mask --runtime: a link to /dev/null ({p.stderr!r})')
    # The configuration directory comes first: the runtime mask does not hide the unit file.
    check(ctl(sock, 'is-enabled', 'fail').stdout.strip() == 'disabled',
          'a mask in a lower-priority directory does not hide the unit file')
    ctl(sock, 'unmask', 'fail')
    check(not os.path.lexists(link), 'unmask removes the runtime mask')

    p = ctl(sock, 'mask', 'two')
    link = os.path.join(units, 'two.service')
    check(p.returncode == 1 and not os.path.islink(link), 'mask of a unit whose file is in the same directory fails')
    # A unit whose file lives in the runtime directory: masked from the configuration one.
    write(os.path.join(runtime, 'lower.service'), '[Service]\nExecStart=/bin/sleep 1000\n')
    ctl(sock, 'daemon-reload')
    p = ctl(sock, 'mask', 'lower')
    link = os.path.join(units, 'lower.service')
    check(p.returncode == 0 and os.readlink(link) == '/dev/null', f'mask: /dev/null link ({p.stderr!r})')
    p = ctl(sock, 'start', 'lower')
    check(p.returncode != 0 and 'Unit lower.service is masked.' in p.stderr,
          f'a masked unit refuses start with systemctl\'s message ({p.stderr.strip()!r})')
    p = ctl(sock, 'is-enabled', 'lower')
    check(p.returncode == 1 and p.stdout.strip() == 'masked', f'is-enabled: masked, exit 1 ({p.stdout!r})')
    s = show(sock, 'lower', 'LoadState', 'UnitFileState', 'ActiveState')
    check(s == {'LoadState': 'masked', 'UnitFileState': 'masked', 'ActiveState': 'inactive'}, f'show of a masked unit ({s})')
    p = ctl(sock, 'list-unit-files', 'lower*')
    check(p.stdout.splitlines()[1].split() == ['lower.service', 'masked', 'enabled'],
          f'list-unit-files: masked ({p.stdout!r})')
    p = ctl(sock, 'mask', 'nosuch')
    check(p.returncode == 0 and 'Unit nosuch.service does not exist, proceeding anyway.' in p.stderr,
          f'mask of an unknown unit goes ahead, as systemctl ({p.stderr!r})')
    p = ctl(sock, 'unmask', 'lower', 'nosuch')
    check(p.returncode == 0 and not os.path.lexists(link) and f'Removed "{link}".' in p.stderr,
          f'unmask removes the links ({p.stderr!r})')
    p = ctl(sock, 'start', 'lower')
    check(p.returncode == 0 and wait_until(lambda: is_active(sock, 'lower', 'active'), 10),
          f'an unmasked unit starts ({p.stderr.strip()!r})')
    ctl(sock, 'stop', 'lower')
    p = ctl(sock, 'unmask', 'two')
    check(p.returncode == 0 and os.path.isfile(os.path.join(units, 'two.service')), 'unmask leaves unit files alone')


def check_list_unit_files(sock):
    p = ctl(sock, 'list-unit-files')
    lines = p.stdout.splitlines()
    check(p.returncode == 0 and lines[0].split() == ['UNIT', 'FILE', 'STATE', 'PRESET'] and
          lines[-1] == '%d unit files listed.' % (len(lines) - 3), f'list-unit-files: header and footer ({lines})')
    rows = {l.split()[0]: l.split()[1:] for l in lines[1:-2]}
    check(rows.get('fail.service') == ['disabled', 'enabled'] and rows.get('two.service') == ['static', '-'],
          f'list-unit-files: disabled/static with their presets ({rows})')
    ctl(sock, 'enable', 'fail')
    p = ctl(sock, 'list-unit-files', '--state=enabled,static', 'fail*', 'two.service')
    check([l.split() for l in p.stdout.splitlines()[1:-2]] == [['fail.service', 'enabled', 'enabled'],
                                                               ['two.service', 'static', '-']],
          f'list-unit-files PATTERN... --state=enabled,static ({p.stdout!r})')
    ctl(sock, 'disable', 'fail')
    p = ctl(sock, 'list-unit-files', '--state=masked')
    check(p.stdout.splitlines()[-1] == '0 unit files listed.', f'list-unit-files --state=masked: none ({p.stdout!r})')


def check_list_dependencies(sock, units):
    write(os.path.join(units, 'top.service'),
          '[Unit]\nWants=fail.service zz.target\nRequires=mid.service\nWants=\nWants=two.service\n'
          '[Service]\nExecStart=/bin/sleep 1000\n')
    write(os.path.join(units, 'mid.service'), '[Unit]\nWants=two.service\n[Service]\nExecStart=/bin/sleep 1000\n')
    ctl(sock, 'daemon-reload')
    p = ctl(sock, 'list-dependencies', 'top')
    want = ('top.service\n'
            '\u25cb \u251c\u2500mid.service\n'
            '\u25cb \u2514\u2500two.service\n')
    check(p.returncode == 0 and p.stdout == want, f'list-dependencies: Requires= and Wants= after the reset ({p.stdout!r})')
    p = ctl(sock, 'list-dependencies', '--all', 'top')
    want = ('top.service\n'
            '\u25cb \u251c\u2500mid.service\n'
            '\u25cb \u2502 \u2514\u2500two.service\n'
            '\u25cb \u2514\u2500two.service\n')
    check(p.stdout == want, f'list-dependencies --all expands every unit ({p.stdout!r})')
    p = ctl(sock, 'list-dependencies', 'fail')
    want = ('fail.service\n'
            '\u25cb \u251c\u2500two.service\n'
            '\u25cb \u2514\u2500network.target\n')
    check(p.stdout == want, f'list-dependencies: targets last, listed though no unit exists ({p.stdout!r})')
    p = ctl(sock, 'list-dependencies', '--reverse', 'two')
    want = ('two.service\n'
            '\u00d7 \u251c\u2500fail.service\n'
            '\u25cb \u251c\u2500mid.service\n'
            '\u25cb \u2514\u2500top.service\n')
    check(p.stdout == want, f'list-dependencies --reverse, failed units as \u00d7 ({p.stdout!r})')
    p = ctl(sock, 'list-dependencies', 'nosuch')
    check(p.returncode == 4, 'list-dependencies of an unknown unit: exit 4')


def editor(tmp, body):
    """An $EDITOR that writes BODY (None: leaves the file as it is) and saves what it saw."""
    script = os.path.join(tmp, 'ed.sh')
    with open(script, 'w') as f:
        f.write('#!/bin/sh\ncp "$1" %s/seen\n' % tmp)
        if body is not None:
            with open(os.path.join(tmp, 'body'), 'w') as b:
                b.write(body)
            f.write('cp %s/body "$1"\n' % tmp)
    os.chmod(script, 0o755)
    return script


def edit(sock, tmp, body, *args, var='EDITOR'):
    env = {'EDITOR': '', 'SYSTEMD_EDITOR': '', 'VISUAL': ''}
    env[var] = editor(tmp, body)
    run = ctl_runner(SYSCAGECTL, default_timeout=30, NO_COLOR='1', **env)
    p = run(sock, 'edit', *args)
    # A refused edit keeps the text in a file it names: that file holds what was written.
    for kept in re.findall(r'(/tmp/syscagectl-edit-\w+\.conf)', p.stderr):
        with open(kept) as f:
            check(f.read() == body, f'the refused edit is kept in {kept}')
        os.unlink(kept)
    return p


def check_edit(sock, units, base):
    tmp = tempfile.mkdtemp(prefix='syscage-edit-')
    dropin = os.path.join(units, 'fail.service.d', 'override.conf')
    p = edit(sock, tmp, None, 'fail')
    seen = open(os.path.join(tmp, 'seen')).read()
    check(p.returncode == 0 and 'canceled: temporary file is empty' in p.stderr and
          not os.path.exists(os.path.dirname(dropin)), f'an untouched edit creates nothing ({p.stderr!r})')
    check(seen.startswith('### Editing ' + dropin) and '# Description=fails' in seen,
          'the editor sees the markers and the unit as comments')
    p = edit(sock, tmp, '[Service]\nEnvironment=C=3\n', 'fail', var='SYSTEMD_EDITOR')
    check(p.returncode == 0 and open(dropin).read() == '[Service]\nEnvironment=C=3\n',
          f'edit: $SYSTEMD_EDITOR writes the drop-in ({p.stderr!r})')
    s = show(sock, 'fail', 'DropInPaths', 'Environment')
    check(s == {'DropInPaths': dropin, 'Environment': 'A=1 "B=two words" C=3'},
          f'edit reloads the daemon: the drop-in applies ({s})')
    p = edit(sock, tmp, None, 'fail')
    check(p.returncode == 0 and 'no changes' in p.stderr and open(dropin).read() == '[Service]\nEnvironment=C=3\n',
          f'an unchanged edit changes nothing ({p.stderr!r})')
    # A broken edit: refused, the old drop-in stays, the daemon keeps the unit as it was.
    p = edit(sock, tmp, '[Service]\nEnvironment=C=4\nRestart=sometimes\n', 'fail')
    check(p.returncode == 1 and 'Restart' in p.stderr and 'nothing changed' in p.stderr and
          open(dropin).read() == '[Service]\nEnvironment=C=3\n', f'a broken edit is refused ({p.stderr!r})')
    check(show(sock, 'fail', 'Environment', 'LoadState') == {'Environment': 'A=1 "B=two words" C=3',
                                                              'LoadState': 'loaded'}, 'the daemon kept the unit')
    # A broken edit of a unit with no drop-in yet leaves no directory behind.
    p = edit(sock, tmp, '[Service]\nUser=\nSystemCallFilter=~no_such_syscall_at_all\n', 'two')
    check(p.returncode == 1 and not os.path.exists(os.path.join(units, 'two.service.d')),
          f'a broken first edit leaves nothing ({p.stderr!r})')
    # An unknown user is the daemon's to find: the edit is taken back.
    p = edit(sock, tmp, '[Service]\nUser=no-such-user-here\n', 'two')
    check(p.returncode == 1 and not os.path.exists(os.path.join(units, 'two.service.d', 'override.conf')) and
          show(sock, 'two', 'LoadState') == {'LoadState': 'loaded'},
          f'an edit the daemon cannot load is taken back ({p.stderr!r})')

    # --full: a copy of the whole unit in the configuration directory.
    runtime = RUNTIME.replace('{base}', base)
    p = edit(sock, tmp, None, '--full', 'lower')
    check(p.returncode == 0 and 'no changes' in p.stderr and not os.path.lexists(os.path.join(units, 'lower.service')),
          f'an unchanged edit --full creates nothing ({p.stderr!r})')
    check(open(os.path.join(tmp, 'seen')).read() == '[Service]\nExecStart=/bin/sleep 1000\n',
          'edit --full shows the unit file as it is')
    p = edit(sock, tmp, '[Service]\nExecStart=/bin/sleep 1001\n', '--full', 'lower')
    check(p.returncode == 0 and open(os.path.join(units, 'lower.service')).read() ==
          '[Service]\nExecStart=/bin/sleep 1001\n', f'edit --full writes a copy ({p.stderr!r})')
    s = show(sock, 'lower', 'FragmentPath')
    check(s == {'FragmentPath': os.path.join(units, 'lower.service')}, f'the copy is the unit now ({s})')
    p = edit(sock, tmp, '[Service]\nExecStart=/bin/sleep 1002\n', '--full', '--runtime', 'lower')
    check(p.returncode == 1 and 'takes precedence' in p.stderr and
          open(os.path.join(runtime, 'lower.service')).read() == '[Service]\nExecStart=/bin/sleep 1000\n',
          f'edit --full --runtime below a copy of higher priority is refused ({p.stderr!r})')
    # --runtime: the drop-in goes to the runtime directory.
    p = edit(sock, tmp, '[Unit]\nDescription=runtime edit\n', '--runtime', 'lower')
    rt = os.path.join(runtime, 'lower.service.d', 'override.conf')
    check(p.returncode == 0 and os.path.isfile(rt) and show(sock, 'lower', 'Description') ==
          {'Description': 'runtime edit'}, f'edit --runtime ({p.stderr!r})')
    p = edit(sock, tmp, '', 'nosuch')
    check(p.returncode == 4 and 'No files found for nosuch.service' in p.stderr, f'edit of an unknown unit ({p.stderr!r})')
    p = ctl_runner(SYSCAGECTL, EDITOR='', SYSTEMD_EDITOR='', VISUAL='', PATH='/nonexistent')(sock, 'edit', 'fail')
    check(p.returncode == 1 and 'no editor available' in p.stderr, f'no editor: a clear error ({p.stderr!r})')
    shutil.rmtree(tmp, ignore_errors=True)


def cases(sock, base):
    units = os.path.join(base, 'units')
    write(os.path.join(units, 'fail.service'), FAIL)
    write(os.path.join(units, 'two.service'), TWO)
    ctl(sock, 'daemon-reload')
    check_show(sock, units)
    check_exec_main_status(sock, units)
    check_list_unit_files(sock)
    check_mask(sock, units, base)
    check_list_dependencies(sock, units)
    check_edit(sock, units, base)
    for opt in ('-l', '--full'):
        p = ctl(sock, 'status', opt, 'fail')
        check(p.returncode == 3 and p.stdout.startswith('\u00d7 fail.service - fails') and
              '(code=exited, status=1/FAILURE)' in p.stdout,
              f'status {opt}: a failed unit as systemctl shows it ({p.stdout!r})')


def main():
    if os.geteuid() != 0:
        print('skip: needs root')
        return 77
    return with_daemon(SYSCAGED, ctl, 'syscage-unit-verbs-', cases, extra_args=('--units-dir', RUNTIME))


if __name__ == '__main__':
    sys.exit(main())
