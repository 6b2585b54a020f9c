"""What the integration test scripts share: checks that print and record their outcome,
bounded waits on a condition, and running syscagectl against a daemon's control socket.

A script imports it from its own directory (Python puts a script's directory first on the
module path): `from harness import check, failures, wait_until, ctl_runner`. `failures` is
one list for the whole script; never rebind it.
"""
import os
import shutil
import subprocess
import tempfile
import time

failures = []


def check(cond, what):
    """Prints `ok` or `FAIL` and WHAT; a failure is remembered in `failures`."""
    print(('ok   ' if cond else 'FAIL ') + what, flush=True)
    if not cond:
        failures.append(what)


def wait_until(pred, timeout, interval=0.05):
    """Polls PRED until it returns something true or TIMEOUT seconds pass; returns its last
    value (checked once more at the deadline)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(interval)
    return pred()


def ctl_runner(syscagectl, default_timeout=30, **extra_env):
    """A function ctl(sock, *args, timeout=...) that runs SYSCAGECTL against the daemon
    listening on SOCK, with no stdin, and returns the CompletedProcess (text output)."""
    def ctl(sock, *args, timeout=default_timeout):
        env = dict(os.environ, SYSCAGE_SOCKET=sock, **extra_env)
        return subprocess.run([syscagectl, *args], capture_output=True, text=True, timeout=timeout,
                              env=env, stdin=subprocess.DEVNULL)
    return ctl


def with_daemon(syscaged, ctl, prefix, cases, extra_args=(), daemon_args=()):
    """Runs a real syscaged in a fresh directory BASE under /run (BASE/units, BASE/state,
    BASE/run holding the control socket, BASE/root, BASE/daemon.log), calls CASES(sock, base)
    once it answers, then stops it, prints the end of its log when a check failed, and removes
    BASE. CASES may be a pair (PREPARE, CASES): PREPARE(base) runs before the daemon starts.
    EXTRA_ARGS are more daemon options; "{base}" in them becomes BASE. DAEMON_ARGS are
    added to syscaged's command line as they are.
    Returns the script's exit status (1 when a check failed)."""
    prepare, run_cases = cases if isinstance(cases, tuple) else (None, cases)
    base = tempfile.mkdtemp(prefix=prefix, dir='/run')
    os.chmod(base, 0o755)
    units, run = os.path.join(base, 'units'), os.path.join(base, 'run')
    os.makedirs(units)
    if prepare:
        prepare(base)
    sock = os.path.join(run, 'control.sock')
    with open(os.path.join(base, 'daemon.log'), 'w') as log:
        d = subprocess.Popen([syscaged, '--units-dir', units, '--state-dir', os.path.join(base, 'state'),
                              '--runtime-dir', run, '--directories-root', os.path.join(base, 'root'),
                              '--log-level', 'debug', *[a.replace('{base}', base) for a in extra_args],
                              *daemon_args],
                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        if not wait_until(lambda: os.path.exists(sock) and ctl(sock, 'list-units').returncode == 0, 15):
            check(False, 'syscaged answers')
            return 1
        run_cases(sock, base)
    finally:
        d.terminate()
        try:
            d.wait(timeout=20)
        except subprocess.TimeoutExpired:
            d.kill()
            d.wait()
        if failures:
            with open(os.path.join(base, 'daemon.log')) as f:
                print(f.read()[-4000:])
        shutil.rmtree(base, ignore_errors=True)
    return 1 if failures else 0
