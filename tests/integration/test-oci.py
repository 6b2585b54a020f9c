#!/usr/bin/env python3
"""OCI seccomp profiles, for real (see tests/unit/test-oci.c for the conversions themselves).

import_engine: a profile with the structure of a container engine's default (an allow list
with defaultErrnoRet, includes/excludes by capability and architecture, clone flags by mask)
is imported with `syscagectl import-oci` and used as the drop-in of units run by a real
syscaged: `/bin/bash -c 'echo ok'` runs, `unshare -n true` fails without CAP_SYS_ADMIN in
the imported capability set, and works when the profile is imported for CAP_SYS_ADMIN.

The imported drop-ins' [X-Syscage] part (argument filters) is always applied: a build whose
verify refuses SystemCallArgumentFilter= fails here.

export_crun, export_runc: a unit with SystemCallFilter=~uname and SystemCallErrorNumber=ENETDOWN
is exported with `syscagectl export-oci` and given to crun (runc) as the container's
linux.seccomp: in the container `uname` fails with "Network is down" while the rest runs, and
without the profile it works. Skipped (77) when the runtime is missing or cannot run containers
here. export_podman: the same with podman, rootful, without network and from a rootfs
directory (no image), its state under the test's temporary directory.

import_corpus: every profile of tests/fuzz/fuzz-oci-import not named bad-* imports (exit 0,
a drop-in `verify` accepts), except the deliberate refusals in DELIBERATE_REFUSALS, each
refused with its reason; every bad-* file is refused with an error that says where.

export_strict: export-oci of SystemCallFilter=~execve notes "not carried: the exec gate" on
stderr and exits 0, and 1 with --strict.

Usage: test-oci.py SYSCAGED HELPERS_DIR SCENARIO SYSCAGECTL
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

_spec = importlib.util.spec_from_file_location(
    'test_service', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'test-service.py'))
st = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(st)
check, Failure, Skip = st.check, st.Failure, st.Skip

SOURCE = os.environ.get('SYSCAGE_TEST_SOURCE_DIR',
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
PROFILE = os.path.join(SOURCE, 'fuzz', 'fuzz-oci-import', 'engine-default.json')


def ctl(ctx, *args, input=None):
    return subprocess.run([ctx.syscagectl] + list(args), input=input, capture_output=True,
                          text=True, timeout=60)


def import_profile(ctx, *options):
    r = ctl(ctx, 'import-oci', PROFILE, *options)
    check(r.returncode == 0, 'import-oci %s exited %d: %s' % (' '.join(options), r.returncode, r.stderr))
    check('[Service]' in r.stdout and 'SystemCallFilter=' in r.stdout, 'no drop-in:\n' + r.stdout)
    return r.stdout


def check_argument_filters_verify(ctx, units_dir):
    """The imported drop-ins carry [X-Syscage] SystemCallArgumentFilter= lines: a daemon that
    did not apply them would run the units under a wider policy than the profile's, so a
    verify that refuses the key is a failure, not a reason to drop that part."""
    path = os.path.join(units_dir, 'argfilter-probe.service')
    with open(path, 'w') as f:
        f.write(st.unit('ExecStart=/bin/true', install=False) +
                '\n[X-Syscage]\nSystemCallArgumentFilter=write: arg0 == 1\n')
    r = ctl(ctx, 'verify', path)
    os.unlink(path)
    check(r.returncode == 0, 'verify refuses SystemCallArgumentFilter= (exit %d): %s%s'
          % (r.returncode, r.stdout, r.stderr))


def test_import_engine(ctx):
    plain = import_profile(ctx)
    admin = import_profile(ctx, '--caps=CAP_SYS_ADMIN')
    check('unshare' not in plain and 'unshare' in admin, 'CAP_SYS_ADMIN does not decide unshare')
    # --strict: the profile's minKernel cannot be carried, so strict import fails, exit 1.
    r = ctl(ctx, 'import-oci', '--strict', PROFILE)
    check(r.returncode == 1 and 'minKernel' in r.stderr, 'strict import: %d %s' % (r.returncode, r.stderr))
    r = ctl(ctx, 'import-oci')
    check(r.returncode == 100, 'usage error exited %d' % r.returncode)

    units = {
        'ok.service': st.unit("Type=oneshot\nExecStart=/bin/bash -c 'echo ok'"),
        'unshare.service': st.unit('Type=oneshot\nExecStart=/usr/bin/unshare -n true'),
        'unshare-admin.service': st.unit('Type=oneshot\nExecStart=/usr/bin/unshare -n true'),
    }
    d = st.Daemon(ctx.syscaged, units, list(units), ctx.prefix)
    ctx.daemons.append(d)
    open(d.log_path, 'w').close()
    check_argument_filters_verify(ctx, d.units_dir)
    check('\n[X-Syscage]\n' in plain and 'SystemCallArgumentFilter=' in plain,
          'the imported drop-in has no argument filters (clone flags by mask):\n' + plain)
    for name, dropin in (('ok.service', plain), ('unshare.service', plain),
                         ('unshare-admin.service', admin)):
        ddir = os.path.join(d.units_dir, ctx.prefix + name + '.d')
        os.makedirs(ddir)
        with open(os.path.join(ddir, 'oci.conf'), 'w') as f:
            f.write(dropin)
    # What `verify` says about the imported unit is what the daemon will do with it.
    r = ctl(ctx, '--units-dir', d.units_dir, 'verify', ctx.prefix + 'ok.service')
    check(r.returncode == 0, 'verify of the imported unit failed: %s%s' % (r.stdout, r.stderr))
    d.start()
    s = d.wait('ok.service', lambda s: s.get('ExecMainCode', '') != '', 'bash ended')
    check(s['ExecMainCode'] == 'exited' and s['ExecMainStatus'] == '0', 'bash failed: %s' % s)
    d.wait_log('ok.service', 'ok')
    s = d.wait('unshare.service', lambda s: s.get('ExecMainCode', '') != '', 'unshare ended')
    check(s['ExecMainCode'] == 'exited' and s['ExecMainStatus'] != '0',
          'unshare -n worked without CAP_SYS_ADMIN in the profile: %s' % s)
    d.wait_log('unshare.service', 'Operation not permitted')
    s = d.wait('unshare-admin.service', lambda s: s.get('ExecMainCode', '') != '', 'unshare ended')
    check(s['ExecMainCode'] == 'exited' and s['ExecMainStatus'] == '0',
          'unshare -n failed with CAP_SYS_ADMIN in the profile: %s\n%s' % (s, d.unit_log('unshare-admin.service')))
    d.stop()


def runtime_run(runtime, bundle, name):
    """Runs the bundle with RUNTIME (crun or runc); on a host with hybrid cgroups (crun refuses
    them) it runs the runtime in a mount namespace of its own with cgroup2 at /sys/fs/cgroup.
    Returns (rc, output)."""
    cmd = [runtime, 'run', '--bundle', bundle, name]
    if runtime == 'crun':
        cmd[1:1] = ['--cgroup-manager=disabled']
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if r.returncode != 0 and 'hybrid' in r.stderr:
        r = subprocess.run(['unshare', '-m', 'sh', '-c',
                            'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && '
                            'exec "$@"', 'sh'] + cmd,
                           capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    if runtime == 'runc':
        # runc keeps a stopped container's state until it is deleted.
        subprocess.run(['runc', 'delete', '--force', name], capture_output=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def make_rootfs(rootfs):
    """The host's /usr, read-only, is the whole image; the rest are the merged-/usr links."""
    for d in ('usr', 'proc', 'dev', 'sys', 'tmp'):
        os.makedirs(os.path.join(rootfs, d), exist_ok=True)
    for link in ('bin', 'sbin', 'lib', 'lib64'):
        if os.path.islink('/' + link):
            os.symlink(os.readlink('/' + link).lstrip('/'), os.path.join(rootfs, link))


def podman_run(ctx, name, profile, script):
    """Runs SCRIPT with podman, rootful and without network, from a rootfs directory (no image,
    no registry) with the host's /usr bound read-only and PROFILE (None: unconfined) as its
    seccomp profile. Storage, run and temporary state live under ctx.tmp, and it runs in a
    mount namespace of its own, with cgroup2 at /sys/fs/cgroup when the host has not; the
    rlimits podman would copy are set low, as raising them needs CAP_SYS_RESOURCE.
    Returns (rc, output)."""
    state = os.path.join(ctx.tmp, 'podman')
    rootfs = os.path.join(ctx.tmp, 'podman-' + name)
    os.makedirs(rootfs)
    make_rootfs(rootfs)
    seccomp = 'unconfined'
    if profile is not None:
        seccomp = os.path.join(ctx.tmp, 'podman-%s.json' % name)
        with open(seccomp, 'w') as f:
            json.dump(profile, f)
    cmd = ['podman', '--root', os.path.join(state, 'root'), '--runroot', os.path.join(state, 'run'),
           '--tmpdir', os.path.join(state, 'tmp'), '--events-backend=none', '--cgroup-manager=cgroupfs',
           'run', '--rm', '--network=none', '--cgroups=disabled',
           '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024',
           '-v', '/usr:/usr:ro', '--security-opt', 'seccomp=' + seccomp,
           '--rootfs', rootfs + ':O', '/bin/sh', '-c', script]
    # Always in a mount namespace of its own: the storage's mounts end with it.
    r = subprocess.run(['unshare', '-m', 'sh', '-c',
                        'mount --make-rprivate / && '
                        '{ [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || '
                        'mount -t cgroup2 none /sys/fs/cgroup; } && exec "$@"', 'sh'] + cmd,
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return r.returncode, r.stdout + r.stderr


def make_bundle(ctx, runtime, name, profile, script):
    bundle = os.path.join(ctx.tmp, runtime + '-' + name)
    rootfs = os.path.join(bundle, 'rootfs')
    os.makedirs(rootfs)
    r = subprocess.run([runtime, 'spec'], cwd=bundle, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise Skip('%s spec failed: %s' % (runtime, r.stderr.strip()))
    make_rootfs(rootfs)
    with open(os.path.join(bundle, 'config.json')) as f:
        config = json.load(f)
    config['process']['terminal'] = False
    config['process']['args'] = ['/bin/sh', '-c', script]
    config['mounts'].append({'destination': '/usr', 'type': 'bind', 'source': '/usr',
                             'options': ['rbind', 'ro']})
    if profile is None:
        config['linux'].pop('seccomp', None)
    else:
        config['linux']['seccomp'] = profile
    with open(os.path.join(bundle, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
    return bundle


def export_to(ctx, runtime):
    """The export_crun/export_runc scenario with RUNTIME."""
    if not shutil.which(runtime):
        raise Skip('%s is not installed' % runtime)
    if not os.path.islink('/bin'):
        raise Skip('the minimal image needs a merged-/usr host')
    unit_path = os.path.join(ctx.tmp, 'uname.service')
    with open(unit_path, 'w') as f:
        f.write(st.unit('ExecStart=/usr/bin/uname\nSystemCallFilter=~uname\n'
                        'SystemCallErrorNumber=ENETDOWN'))
    r = ctl(ctx, 'export-oci', '--strict', unit_path)
    check(r.returncode == 0, 'export-oci exited %d: %s' % (r.returncode, r.stderr))
    profile = json.loads(r.stdout)
    check(profile['defaultAction'] == 'SCMP_ACT_ALLOW', 'default action %s' % profile['defaultAction'])

    # The same profile, a container that does not call uname: it runs, so the profile is
    # accepted and allows what it should.
    name = 'syscage-oci-%s-%d' % (runtime, os.getpid())

    def run(suffix, prof, script):
        if runtime == 'podman':
            return podman_run(ctx, suffix, prof, script)
        return runtime_run(runtime, make_bundle(ctx, runtime, suffix, prof, script), name + '-' + suffix)

    rc, out = run('allowed', profile, 'echo container-ok')
    if rc != 0 and 'container-ok' not in out:
        raise Skip('%s cannot run a container here (exit %d): %s' % (runtime, rc, out.strip()[-300:]))
    check('container-ok' in out, 'the container did not run: %s' % out)
    rc, out = run('denied', profile, 'uname; echo uname-status=$?')
    check('Network is down' in out and 'uname-status=1' in out,
          '%s: uname did not fail with ENETDOWN in the container (exit %d): %s' % (runtime, rc, out))
    check('Linux' not in out, 'uname printed the system name: %s' % out)
    # Without the profile the same container prints the system name: the profile decides.
    rc, out = run('unfiltered', None, 'uname; echo uname-status=$?')
    check('Linux' in out and 'uname-status=0' in out,
          '%s: without the profile uname did not work (exit %d): %s' % (runtime, rc, out))


def test_export_crun(ctx):
    export_to(ctx, 'crun')


def test_export_runc(ctx):
    export_to(ctx, 'runc')


def test_export_podman(ctx):
    export_to(ctx, 'podman')


def test_export_strict(ctx):
    """SystemCallFilter=~execve cannot be carried: execve is the container's own start, and
    the exec gate that refuses later execs has no OCI form. Without --strict that is a note
    on stderr and exit 0; with --strict the same note and exit 1. A policy the profile
    carries whole exits 0 with --strict, so the exit status is about the gate."""
    gate = os.path.join(ctx.tmp, 'noexec.service')
    with open(gate, 'w') as f:
        f.write(st.unit('ExecStart=/usr/bin/true\nSystemCallFilter=~execve', install=False))
    note = 'export-oci: not carried: the exec gate'
    r = ctl(ctx, 'export-oci', gate)
    check(r.returncode == 0 and note in r.stderr,
          'export-oci without --strict: exit %d, stderr %r' % (r.returncode, r.stderr))
    check(json.loads(r.stdout)['defaultAction'] == 'SCMP_ACT_ALLOW', 'no profile: %r' % r.stdout)
    r = ctl(ctx, 'export-oci', '--strict', gate)
    check(r.returncode == 1 and note in r.stderr,
          'export-oci --strict: exit %d (want 1), stderr %r' % (r.returncode, r.stderr))
    whole = os.path.join(ctx.tmp, 'nouname.service')
    with open(whole, 'w') as f:
        f.write(st.unit('ExecStart=/usr/bin/true\nSystemCallFilter=~uname', install=False))
    r = ctl(ctx, 'export-oci', '--strict', whole)
    check(r.returncode == 0 and 'not carried' not in r.stderr,
          'export-oci --strict of a policy carried whole: exit %d, stderr %r' % (r.returncode, r.stderr))


CORPUS = os.path.join(SOURCE, 'fuzz', 'fuzz-oci-import')
# The corpus files not named bad-* that are refused on purpose, and what the refusal says.
DELIBERATE_REFUSALS = {
    # seccomp cannot allow nothing: a unit has no way to say it (an empty allow list means
    # "no filter"), and the process could not even exit.
    'allow-nothing.json': 'allow-nothing.json: the profile allows no system call; a unit cannot say that',
    # The fuzz harness reads a leading '#' as "import for CAP_SYS_ADMIN and CAP_NET_ADMIN";
    # the file is not JSON as it stands. Without the marker it imports (checked below).
    'caps-marker.json': 'caps-marker.json: not JSON: unexpected character at byte 0',
    # A container's config.json without linux.seccomp: there is no profile to import.
    'config-json-no-seccomp.json':
        'config-json-no-seccomp.json: linux.seccomp: missing (the container has no seccomp profile)',
    # A syscall name with a NUL character inside, which runc's decoder refuses too.
    'unicode-names.json': 'unicode-names.json: syscalls[0].names[2]: contains a NUL character',
}
# Every bad-* file and where its error points: a JSON member, or a byte offset for text
# that is not JSON (the top level for a document that is not an object).
BAD_LOCATIONS = {
    'bad-action.json': "defaultAction: unknown action 'SCMP_ACT_KILL_EVERYTHING'",
    'bad-arch.json': "architectures[0]: unknown architecture 'SCMP_ARCH_PDP11'",
    'bad-array.json': 'expected a JSON object, got an array',
    'bad-deep.json': 'not JSON: nesting too deep at byte 32',
    'bad-errno-range.json': 'defaultErrnoRet: 4096 is not an error number',
    'bad-float.json': 'defaultErrnoRet: expected an integer, got a number',
    'bad-huge-number.json': 'not JSON runc accepts: an integer out of range at byte 55',
    'bad-index.json': 'syscalls[0].args[0].index: 7 is not an argument index (0..5)',
    'bad-negative.json': 'syscalls[0].args[0].value: -1 is negative',
    'bad-nul.json': 'not JSON: a NUL byte at byte 34',
    'bad-op.json': "syscalls[0].args[0].op: unknown operator 'SCMP_CMP_ABOUT'",
    'bad-trailing.json': 'not JSON: unexpected character at byte 36',
    'bad-truncated.json': 'not JSON: unexpected end at byte 49',
    'bad-types.json': 'defaultErrnoRet: expected an integer, got a string',
}


def verify_dropin(ctx, name, dropin):
    """`verify` of a unit whose drop-in is DROPIN, as the daemon would load it."""
    units = os.path.join(ctx.tmp, 'corpus-units')
    ddir = os.path.join(units, name + '.service.d')
    os.makedirs(ddir, exist_ok=True)
    with open(os.path.join(units, name + '.service'), 'w') as f:
        f.write(st.unit('ExecStart=/usr/bin/true', install=False))
    with open(os.path.join(ddir, 'oci.conf'), 'w') as f:
        f.write(dropin)
    return ctl(ctx, '--units-dir', units, 'verify', name + '.service')


def import_and_verify(ctx, path, label, *options):
    r = ctl(ctx, 'import-oci', path, *options)
    # (A profile whose every action is allow imports as an empty [Service] part.)
    check(r.returncode == 0 and '\n[Service]\n' in r.stdout,
          '%s: import-oci exited %d: %s%s' % (label, r.returncode, r.stderr, r.stdout[:500]))
    v = verify_dropin(ctx, 'c-' + label.replace('.json', '').replace('.', '-'), r.stdout)
    check(v.returncode == 0, '%s: verify refuses the imported drop-in (exit %d): %s%s\n%s'
          % (label, v.returncode, v.stdout, v.stderr, r.stdout))


def test_import_corpus(ctx):
    """Every profile of the import corpus (tests/fuzz/fuzz-oci-import) not named bad-*
    imports: exit 0 and a drop-in `verify` accepts; the deliberate refusals above are refused
    with their reason, and each bad-* file with an error that says where."""
    names = sorted(os.listdir(CORPUS))
    check(len(names) >= 60, 'only %d corpus files' % len(names))
    bad = [n for n in names if n.startswith('bad-')]
    check(sorted(bad) == sorted(BAD_LOCATIONS), 'bad-* files without an expected location: %s'
          % sorted(set(bad) ^ set(BAD_LOCATIONS)))
    for n in DELIBERATE_REFUSALS:
        check(n in names, '%s is not in the corpus any more' % n)
    imported = 0
    for n in names:
        path = os.path.join(CORPUS, n)
        if n in DELIBERATE_REFUSALS or n in BAD_LOCATIONS:
            r = ctl(ctx, 'import-oci', path)
            want = path + ': ' + (BAD_LOCATIONS[n] if n in BAD_LOCATIONS
                                  else DELIBERATE_REFUSALS[n].split(': ', 1)[1])
            check(r.returncode == 1 and r.stdout == '' and want in r.stderr.splitlines(),
                  '%s: want exit 1 and %r, got exit %d: %r' % (n, want, r.returncode, r.stderr))
            continue
        import_and_verify(ctx, path, n)
        imported += 1
    # caps-marker.json without the harness's marker, for the two capabilities it stands for.
    with open(os.path.join(CORPUS, 'caps-marker.json'), 'rb') as f:
        data = f.read()
    check(data[:1] == b'#', 'caps-marker.json lost its marker')
    stripped = os.path.join(ctx.tmp, 'caps-marker-stripped.json')
    with open(stripped, 'wb') as f:
        f.write(data[1:])
    import_and_verify(ctx, stripped, 'caps-marker-stripped', '--caps=CAP_SYS_ADMIN,CAP_NET_ADMIN')
    print('%d corpus profiles imported and verified, %d refused as expected'
          % (imported, len(DELIBERATE_REFUSALS) + len(BAD_LOCATIONS)))


SCENARIOS = {
    'import_engine': test_import_engine,
    'export_crun': test_export_crun,
    'export_runc': test_export_runc,
    'export_podman': test_export_podman,
    'export_strict': test_export_strict,
    'import_corpus': test_import_corpus,
}


class Context(st.Context):
    pass


def main():
    return st.run_scenario(SCENARIOS, Context)


if __name__ == '__main__':
    sys.exit(main())
