#!/usr/bin/env python3
"""Measures how long a crash of syscaged interrupts supervision.

Starts syscaged (with its fd holder) in a directory on tmpfs with N sleeping units and one
gated unit whose program calls execve in a loop (denied by its policy with EPERM) and
writes the time each call returned to a file. Then, ROUNDS times: SIGKILL the daemon and
measure
  - gate pause: the longest time between two returns of the looping execve around the
    event, that is how long no daemon answered the gate (the holder restarts the daemon,
    which takes every unit back);
  - control: from the kill until `syscagectl list` answers again.
and the same for `syscagectl daemon-reexec` (from the request). Prints medians and maxima.

Usage (root): contrib/bench-takeover.py [-n UNITS] [-r ROUNDS] [--build DIR]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

GATED = r'''
import os, sys, time
out = open(sys.argv[1], 'a', buffering=1)
while True:
    try:
        os.execv('/bin/true', ['/bin/true'])
    except OSError as e:
        out.write('%d %d\n' % (time.time_ns(), e.errno))
    time.sleep(0.001)
'''


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.002)
    sys.exit('timed out waiting for ' + what)


def read_pid(run):
    try:
        with open(os.path.join(run, 'syscaged.pid')) as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


def answers_after(record, t0_ns):
    """The first execve return after t0: (time in ns, errno), or None."""
    try:
        with open(record) as f:
            lines = f.read().split('\n')
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) == 2 and int(parts[0]) > t0_ns:
            return int(parts[0]), int(parts[1])
    return None


def longest_gap(record, start_ns, end_ns):
    """The longest time between two execve returns in [start, end], in ms: how long the gate
    did not answer."""
    with open(record) as f:
        times = [int(l.split()[0]) for l in f.read().split('\n') if len(l.split()) == 2]
    times = [t for t in times if start_ns <= t <= end_ns]
    return max((b - a for a, b in zip(times, times[1:])), default=0) / 1e6


def ctl_ok(ctl, sock):
    return subprocess.run([ctl, '--socket', sock, 'list'], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-n', type=int, default=100, help='sleeping units besides the gated one')
    ap.add_argument('-r', type=int, default=10, help='rounds of each kind')
    ap.add_argument('--build', default='build-bench')
    a = ap.parse_args()
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.join(top, a.build)
    if not os.path.isdir(build):
        subprocess.run(['meson', 'setup', build, '--buildtype=release'], cwd=top, check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run(['ninja', '-C', build, 'daemon/syscaged', 'daemon/syscage-holder', 'ctl/syscagectl'],
                   check=True, stdout=subprocess.DEVNULL)
    syscaged = os.path.join(build, 'daemon', 'syscaged')
    ctl = os.path.join(build, 'ctl', 'syscagectl')
    tmp = tempfile.mkdtemp(prefix='syscage-bench-takeover.', dir='/dev/shm')
    units, state, run = (os.path.join(tmp, d) for d in ('units', 'state', 'run'))
    os.makedirs(units)
    os.makedirs(state)
    record = os.path.join(tmp, 'execs')
    script = os.path.join(tmp, 'gated.py')
    with open(script, 'w') as f:
        f.write(GATED)
    names = []
    for i in range(a.n):
        names.append('sleep%d.service' % i)
        with open(os.path.join(units, names[-1]), 'w') as f:
            f.write('[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n')
    names.append('gated.service')
    with open(os.path.join(units, 'gated.service'), 'w') as f:
        f.write('[Service]\nExecStart=/usr/bin/python3 %s %s\nSystemCallFilter=~execve\n'
                'SystemCallErrorNumber=EPERM\n[Install]\nWantedBy=multi-user.target\n' % (script, record))
    with open(os.path.join(state, 'enabled'), 'w') as f:
        f.write(''.join(n + '\n' for n in names))
    sock = os.path.join(run, 'control.sock')
    log = open(os.path.join(tmp, 'daemon.log'), 'w')
    holder = subprocess.Popen([syscaged, '--units-dir', units, '--state-dir', state, '--runtime-dir', run,
                               '--directories-root', os.path.join(tmp, 'root'), '--log-level', 'warning'],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: answers_after(record, 0), 30, 'the gated unit')
        results = {'kill': ([], []), 'reexec': ([], [])}
        for kind in ('kill', 'reexec'):
            for _ in range(a.r):
                pid = wait_for(lambda: read_pid(run), 10, 'the daemon pid')
                wait_for(lambda: ctl_ok(ctl, sock), 10, 'the daemon')
                time.sleep(0.05)  # the gated loop is running steadily
                t0 = time.time_ns()
                if kind == 'kill':
                    os.kill(pid, signal.SIGKILL)
                else:
                    subprocess.Popen([ctl, '--socket', sock, 'daemon-reexec'], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
                answer = wait_for(lambda: answers_after(record, t0), 30, 'an execve answer')
                if answer[1] != 1:
                    sys.exit('an execve got errno %d, not EPERM' % answer[1])
                wait_for(lambda: ctl_ok(ctl, sock), 30, 'the control socket')
                t2 = time.time_ns()
                time.sleep(0.1)
                # The longest pause in the gate's answers around the event.
                results[kind][0].append(longest_gap(record, t0 - 20 * 10**6, time.time_ns()))
                results[kind][1].append((t2 - t0) / 1e6)
        print('%d sleeping units + 1 gated unit, %d rounds each, in ms (gate: the longest pause between '
              'two answers to the looping execve; control: from the kill or the re-exec request until '
              '`list` answers):' % (a.n, a.r))
        for kind, (answer, control) in results.items():
            print('  %-7s gate pause: median %7.1f  max %7.1f   control: median %7.1f  max %7.1f'
                  % (kind, statistics.median(answer), max(answer), statistics.median(control), max(control)))
    finally:
        holder.send_signal(signal.SIGTERM)
        try:
            holder.wait(60)
        except subprocess.TimeoutExpired:
            holder.kill()
        subprocess.run(['rm', '-rf', tmp])


if __name__ == '__main__':
    main()
