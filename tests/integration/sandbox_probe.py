"""Looking at a process's sandbox from outside, and trying things from inside it.

mountinfo(PID) parses /proc/PID/mountinfo; visible() and covering() tell which mount a path
lookup in that namespace ends on; inside(PID, OPS) runs file operations in a child that
joined PID's mount namespace with setns(2), optionally as another uid, and reports each
result as "ok" or an errno name. Root only (setns into another mount namespace).
"""
import ctypes
import errno
import json
import os

CLONE_NEWNS = 0x00020000


def read_status(pid):
    with open('/proc/%d/status' % pid) as f:
        return {l.split(':', 1)[0]: l.split(':', 1)[1].strip() for l in f if ':' in l}


def status_lines(pid, keys):
    with open('/proc/%d/status' % pid) as f:
        return [l.rstrip('\n') for l in f if l.split(':', 1)[0] in keys]


class Mount:
    def __init__(self, line):
        self.line = line.rstrip('\n')
        pre, _, post = self.line.partition(' - ')
        f = pre.split()
        self.id, self.parent, self.root = f[0], f[1], f[3]
        self.point = f[4].replace('\\040', ' ')
        self.opts = set(f[5].split(','))
        p = post.split()
        self.fstype, self.source = p[0], p[1]
        self.super_opts = set(p[2].split(',')) if len(p) > 2 else set()

    def key(self):
        return (self.point, self.fstype, self.source, self.root)


def mountinfo(pid='self'):
    with open('/proc/%s/mountinfo' % pid) as f:
        return [Mount(l) for l in f]


def visible(mounts):
    """The mounts a path lookup can reach: the top one at each mount point, whose parents
    are all reachable too (a mount over a directory hides what was mounted below it)."""
    top = {m.point: m for m in mounts}
    by_id = {m.id: m for m in mounts}
    def reachable(m, depth=0):
        if top.get(m.point) is not m or depth > len(mounts):
            return False
        parent = by_id.get(m.parent)
        while parent is not None and parent is not m and parent.point == m.point:
            parent = by_id.get(parent.parent)  # stacked at the same point: below m
        return parent is None or parent is m or reachable(parent, depth + 1)
    return [m for m in mounts if reachable(m)]


def covering(mounts, path):
    """The mount that PATH is on: the last one (top of the stack) at the longest mount point
    that is a prefix of PATH."""
    best = None
    for m in visible(mounts):
        p = m.point
        if path == p or p == '/' or path.startswith(p.rstrip('/') + '/'):
            if best is None or len(p) >= len(best.point):
                best = m
    return best


_libc = ctypes.CDLL(None, use_errno=True)


def inside(pid, ops, uid=None, gid=None):
    """Runs OPS in a child that joined PID's mount namespace (and, with UID, took that uid
    and GID with no supplementary groups): each op gives "ok" or the errno's name.
    ops: ('create', path) creates and removes a file; ('mkdir', path) makes and removes a
    directory; ('exists', path); ('listdir', path); ('rewrite', path) writes back what it
    reads; ('exec', argv) execve()s and waits."""
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(r)
            res = []
            fd = os.open('/proc/%d/ns/mnt' % pid, os.O_RDONLY | os.O_CLOEXEC)
            if _libc.setns(fd, CLONE_NEWNS) != 0:
                raise OSError(ctypes.get_errno(), 'setns')
            os.close(fd)
            os.chdir('/')
            if uid is not None:
                os.setgroups([])
                os.setgid(gid)
                os.setuid(uid)
            for op, arg in ops:
                try:
                    if op == 'create':
                        os.close(os.open(arg, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                        os.unlink(arg)
                    elif op == 'mkdir':
                        os.mkdir(arg)
                        os.rmdir(arg)
                    elif op == 'exists':
                        os.stat(arg)
                    elif op == 'listdir':
                        os.listdir(arg)
                    elif op == 'rewrite':
                        with open(arg) as f:
                            v = f.read()
                        with open(arg, 'w') as f:
                            f.write(v)
                    elif op == 'exec':
                        er, ew = os.pipe()
                        g = os.fork()
                        if g == 0:
                            os.close(er)
                            nul = os.open('/dev/null', os.O_RDWR)
                            os.dup2(nul, 1)
                            os.dup2(nul, 2)
                            try:
                                os.execv(arg[0], arg)
                            except OSError as e:
                                os.write(ew, str(e.errno).encode())
                            os._exit(127)
                        os.close(ew)
                        e = os.read(er, 16)
                        os.close(er)
                        _, st = os.waitpid(g, 0)
                        if e:
                            raise OSError(int(e), os.strerror(int(e)))
                        if os.waitstatus_to_exitcode(st) != 0:
                            raise OSError(errno.EIO, 'exit %d' % os.waitstatus_to_exitcode(st))
                    res.append('ok')
                except OSError as e:
                    res.append(errno.errorcode.get(e.errno, str(e.errno)))
            os.write(w, json.dumps(res).encode())
            os._exit(0)
        except BaseException as e:  # never return into the test runner from the fork
            os.write(w, json.dumps({'error': repr(e)}).encode())
            os._exit(1)
    os.close(w)
    data = b''
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(child, 0)
    res = json.loads(data.decode() or '{"error": "no answer"}')
    if isinstance(res, dict):
        raise AssertionError('probe in the mount namespace of %d failed: %s' % (pid, res['error']))
    return res
