"""What the integration test scripts share: checks that print and record their outcome,
bounded waits on a condition, and running syscagectl against a daemon's control socket.

A script imports it from its own directory (Python puts a script's directory first on the
module path): `from harness import check, failures, wait_until, ctl_runner`. `failures` is
one list for the whole script; never rebind it.
"""
import os
import subprocess
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
