#!/usr/bin/env python3
"""contrib/ansible's syscage_unit role, run by ansible-playbook against this host (connection
local) and a real syscaged in a temporary directory: a good unit is deployed, the daemon
reloaded and the unit started; a bad unit is refused at the validate step and never reaches
the units directory; a second run changes nothing. Skips (77) without ansible-playbook."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SYSCAGED, SYSCAGECTL, SRCDIR = sys.argv[1], sys.argv[2], sys.argv[3]
ROLES = os.path.join(SRCDIR, 'contrib', 'ansible', 'roles')


def skip(why):
    print(f'SKIP: {why}')
    sys.exit(77)


if os.geteuid() != 0:
    skip('needs root (syscaged, and the role installs root-owned unit files)')
playbook_bin = shutil.which('ansible-playbook')
if not playbook_bin:
    skip('ansible-playbook is not installed (Debian: apt-get install ansible-core)')

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


GOOD = '''[Unit]
Description=deployed by the syscage_unit role

[Service]
ExecStart=/bin/sleep 300
SystemCallFilter=~@mount
'''
# Only a warning (an unknown key is ignored): --strict is what refuses it.
BAD_WARNING = '[Service]\nExecStart=/bin/sleep 300\nExecStartt=/bin/true\n'
# An error.
BAD_ERROR = '[Service]\nExecStart=/bin/sleep 300\nNice=99\n'


class Daemon:
    """A syscaged with its units, state and runtime directories under one temporary one."""

    def __init__(self, top):
        self.dir = top
        self.units_dir = os.path.join(top, 'units')
        self.state_dir = os.path.join(top, 'state')
        self.runtime_dir = os.path.join(top, 'run')
        self.root_dir = os.path.join(top, 'root')
        for d in (self.units_dir, self.state_dir, self.runtime_dir, self.root_dir):
            os.makedirs(d)
        self.socket = os.path.join(self.runtime_dir, 'control.sock')
        self.log_path = os.path.join(top, 'daemon.log')
        self.proc = None

    def start(self):
        with open(self.log_path, 'w') as log:
            self.proc = subprocess.Popen(
                [SYSCAGED, '--units-dir', self.units_dir, '--state-dir', self.state_dir,
                 '--runtime-dir', self.runtime_dir, '--directories-root', self.root_dir,
                 '--log-level', 'debug'],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        end = time.monotonic() + 15
        while not os.path.exists(self.socket):
            if self.proc.poll() is not None or time.monotonic() > end:
                raise AssertionError('syscaged did not come up:\n' + self.log())
            time.sleep(0.02)

    def ctl(self, *args):
        env = dict(os.environ, SYSCAGE_SOCKET=self.socket)
        return subprocess.run([SYSCAGECTL, *args], env=env, capture_output=True, text=True,
                              timeout=60)

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()[-4000:]
        except FileNotFoundError:
            return ''

    def stop(self):
        """SIGTERM: the daemon stops its services and exits."""
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        try:
            with open(os.path.join(self.runtime_dir, 'syscaged.pid')) as f:
                pid = int(f.read().strip())
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                if self.runtime_dir.encode() in f.read():
                    os.kill(pid, signal.SIGKILL)
        except (OSError, ValueError):
            pass
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def playbook(tmp, daemon, units):
    """Runs the role for UNITS ({name: text}); returns the CompletedProcess."""
    files = os.path.join(tmp, 'files')
    os.makedirs(files, exist_ok=True)
    items = []
    for name, text in units.items():
        with open(os.path.join(files, name), 'w') as f:
            f.write(text)
        items.append(f'          - name: {name}\n'
                     f'            src: {os.path.join(files, name)}\n'
                     f'            enabled: true\n')
    path = os.path.join(tmp, 'play.yml')
    cfg = os.path.join(tmp, 'ansible.cfg')   # not one of this host's
    with open(cfg, 'w') as f:
        f.write('[defaults]\n')
    with open(path, 'w') as f:
        f.write(f'''---
- hosts: localhost
  gather_facts: false
  roles:
    - role: syscage_unit
      vars:
        syscage_ctl: {SYSCAGECTL}
        syscage_socket: {daemon.socket}
        syscage_search_path: [{daemon.units_dir}]
        syscage_units:
{''.join(items)}''')
    env = dict(os.environ,
               ANSIBLE_ROLES_PATH=ROLES,
               ANSIBLE_LOCAL_TEMP=os.path.join(tmp, 'ansible-local'),
               ANSIBLE_REMOTE_TMP=os.path.join(tmp, 'ansible-remote'),
               ANSIBLE_HOME=os.path.join(tmp, 'ansible-home'),
               ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='0',
               ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_CONFIG=cfg)
    return subprocess.run([playbook_bin, '-i', 'localhost,', '-c', 'local', path],
                          env=env, capture_output=True, text=True, timeout=240)


def recap(p):
    """changed=N and failed=N of the play recap line for localhost."""
    for line in p.stdout.splitlines():
        if line.startswith('localhost') and 'changed=' in line:
            fields = dict(w.split('=') for w in line.split() if '=' in w)
            return int(fields['changed']), int(fields['failed'])
    return None, None


def wait_active(daemon, name, timeout=15):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if daemon.ctl('is-active', name).returncode == 0:
            return True
        time.sleep(0.05)
    return False


tmp = tempfile.mkdtemp(prefix='syscage-ansible-', dir='/run')
os.chmod(tmp, 0o755)
daemon = Daemon(os.path.join(tmp, 'daemon'))
try:
    daemon.start()

    # The good unit: deployed, reloaded, started, enabled.
    p = playbook(tmp, daemon, {'ans-good.service': GOOD})
    check(p.returncode == 0, f'good playbook failed ({p.returncode}):\n{p.stdout}{p.stderr}')
    check(os.path.exists(os.path.join(daemon.units_dir, 'ans-good.service')),
          'ans-good.service not in the units directory')
    check(wait_active(daemon, 'ans-good.service'),
          f'ans-good.service not active: {daemon.ctl("status", "ans-good.service").stdout}')
    check(daemon.ctl('is-enabled', 'ans-good.service').returncode == 0, 'not enabled')

    # The same again: nothing to do.
    p = playbook(tmp, daemon, {'ans-good.service': GOOD})
    check(p.returncode == 0 and recap(p) == (0, 0),
          f'second run not idempotent {recap(p)}:\n{p.stdout}{p.stderr}')

    # Bad units: refused by validate (the warning one only because of --strict); they never
    # reach the units directory, and the running unit is untouched.
    for name, text in (('ans-warn.service', BAD_WARNING), ('ans-error.service', BAD_ERROR)):
        p = playbook(tmp, daemon, {name: text})
        check(p.returncode != 0, f'{name}: playbook succeeded:\n{p.stdout}')
        check('failed to validate' in p.stdout, f'{name}: not refused by validate:\n{p.stdout}')
        check(not os.path.exists(os.path.join(daemon.units_dir, name)),
              f'{name} reached the units directory')
        check(daemon.ctl('status', name).returncode == 4, f'{name}: the daemon knows it')
    check(daemon.ctl('is-active', 'ans-good.service').returncode == 0,
          'ans-good.service stopped by the failed runs')

    # A changed good unit is restarted: its main process changes.
    before = daemon.ctl('show', 'ans-good.service', '-P', 'MainPID').stdout.strip()
    p = playbook(tmp, daemon, {'ans-good.service': GOOD.replace('300', '301')})
    check(p.returncode == 0, f'changed unit: playbook failed:\n{p.stdout}{p.stderr}')
    check(wait_active(daemon, 'ans-good.service'), 'changed unit not active')
    after = daemon.ctl('show', 'ans-good.service', '-P', 'MainPID').stdout.strip()
    check(before and after and before != after, f'not restarted: MainPID {before} -> {after}')
finally:
    daemon.stop()
    daemon.kill()
    if failures:
        print('--- daemon log\n' + daemon.log())
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    print('\n\n'.join(failures))
    sys.exit(1)
print('ok')
