/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgroup v2 service tracking and its process-group fallback. The layout and the reasons for
 * it are in cgroup.h. Parsers take text, so they are tested without a live system.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "sys/cgroup.h"
#include "policy.h"
#include "sys/fileio.h"
#include "sys/log.h"
#include "parse-util.h"
#include "string-table.h"
#include "strv.h"

static const char *const cgroup_mode_table[_CGROUP_MODE_MAX] = {
        [CGROUP_MODE_CGROUP] = "cgroup",
        [CGROUP_MODE_PROCESS_GROUP] = "process-group",
};

DEFINE_STRING_TABLE_LOOKUP(cgroup_mode, CgroupMode, cgroup_mode_table, _CGROUP_MODE_MAX)

CgroupContext *cgroup_context_free(CgroupContext *c) {
        if (!c)
                return NULL;
        safe_close(c->base_fd);
        free(c->mount_path);
        free(c->own_path);
        free(c->base_path);
        free(c);
        return NULL;
}

int cgroup_context_new_process_group(CgroupContext **ret) {
        CgroupContext *c = calloc(1, sizeof(CgroupContext));

        if (!c)
                return -ENOMEM;
        c->mode = CGROUP_MODE_PROCESS_GROUP;
        c->base_fd = -EBADF;
        *ret = c;
        return 0;
}

/* ---- parsers ---- */

/* Copies the next space-separated field of *p (advancing it) into a new string with the
 * kernel's octal escapes (\040 for space, ...) undone. NULL at the end of the line. */
static char *next_field(const char **p, bool *oom) {
        const char *s = *p, *e;
        char *out, *o;

        while (*s == ' ')
                s++;
        if (*s == '\0' || *s == '\n')
                return NULL;
        e = s + strcspn(s, " \n");
        out = o = malloc((size_t) (e - s) + 1);
        if (!out) {
                *oom = true;
                return NULL;
        }
        for (const char *q = s; q < e; q++) {
                if (q[0] == '\\' && e - q >= 4 && q[1] >= '0' && q[1] <= '3' &&
                    q[2] >= '0' && q[2] <= '7' && q[3] >= '0' && q[3] <= '7') {
                        *o++ = (char) ((q[1] - '0') * 64 + (q[2] - '0') * 8 + (q[3] - '0'));
                        q += 3;
                } else
                        *o++ = *q;
        }
        *o = '\0';
        *p = e;
        return out;
}

/* Parses one mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE
 * SOURCE SUPEROPTS". Returns 1 and the mount point when it is a cgroup2 mount of root "/". */
static int mountinfo_line_cgroup2(const char *line, char **ret_mount) {
        _cleanup_free_ char *root = NULL, *mnt = NULL, *fstype = NULL;
        const char *p = line;
        bool oom = false;

        for (int i = 0; i < 6; i++) {
                _cleanup_free_ char *f = next_field(&p, &oom);
                if (!f)
                        return oom ? -ENOMEM : 0;
                if (i == 3)
                        root = TAKE_PTR(f);
                else if (i == 4)
                        mnt = TAKE_PTR(f);
        }
        for (;;) {
                _cleanup_free_ char *f = next_field(&p, &oom);
                if (!f)
                        return oom ? -ENOMEM : 0;
                if (streq(f, "-"))
                        break;
        }
        fstype = next_field(&p, &oom);
        if (!fstype)
                return oom ? -ENOMEM : 0;
        if (!streq(fstype, "cgroup2") || !streq(root, "/") || mnt[0] != '/')
                return 0;
        *ret_mount = TAKE_PTR(mnt);
        return 1;
}

int cgroup_parse_mountinfo(const char *text, char **ret_mount) {
        for (const char *line = text; line && *line;) {
                char *mnt = NULL;
                int r = mountinfo_line_cgroup2(line, &mnt);
                if (r < 0)
                        return r;
                if (r > 0) {
                        *ret_mount = mnt;
                        return 0;
                }
                line = strchr(line, '\n');
                if (line)
                        line++;
        }
        return -ENOENT;
}

int cgroup_parse_proc_cgroup(const char *text, char **ret_path) {
        for (const char *line = text; line && *line;) {
                size_t len = strcspn(line, "\n");
                if (len >= 4 && strneq(line, "0::/", 4)) {
                        char *p = strndup(line + 3, len - 3);
                        if (!p)
                                return -ENOMEM;
                        *ret_path = p;
                        return 0;
                }
                line = line[len] ? line + len + 1 : NULL;
        }
        return -ENOENT;
}

int cgroup_pid_path(const CgroupContext *c, pid_t pid, char **ret) {
        _cleanup_free_ char *text = NULL, *rel = NULL;
        char path[64];
        int r;

        if (!c || !c->available || !c->mount_path)
                return -ENOENT;
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int) pid);
        r = read_virtual_file_at(AT_FDCWD, path, 64 * 1024, &text);
        if (r < 0)
                return r == -ENOENT ? -ESRCH : r;
        r = cgroup_parse_proc_cgroup(text, &rel);
        if (r < 0)
                return r;
        char *abs;
        if (asprintf(&abs, "%s%s", c->mount_path, rel) < 0)
                return -ENOMEM;
        *ret = abs;
        return 0;
}

int cgroup_plan_layout(const char *own, const char *instance, char **ret_base, bool *ret_move_self) {
        _cleanup_free_ char *o = NULL;
        char *base, *slash;
        bool move = true;

        if (isempty(own) || own[0] != '/')
                return -EINVAL;
        o = strdup(own);
        if (!o)
                return -ENOMEM;
        /* Drop trailing slashes, but keep "/" itself. */
        for (size_t n = strlen(o); n > 1 && o[n - 1] == '/'; n--)
                o[n - 1] = '\0';
        slash = strrchr(o, '/');
        if (slash != o && streq(slash + 1, CGROUP_SUPERVISOR_LEAF)) {
                /* We are in BASE/supervisor already (a re-executed daemon). */
                *slash = '\0';
                move = false;
                base = strdup(o);
        } else if (streq(o, "/") || streq(o, "/" CGROUP_SUPERVISOR_LEAF)) {
                /* Daemons started from the root share it: each instance (runtime directory)
                 * gets a subtree of its own, so one never touches another's services. */
                if (isempty(instance))
                        base = strdup("/" CGROUP_ROOT_SUBTREE);
                else if (asprintf(&base, "/" CGROUP_ROOT_SUBTREE "-%s", instance) < 0)
                        base = NULL;
        } else
                base = strdup(o);
        if (!base)
                return -ENOMEM;
        *ret_base = base;
        *ret_move_self = move;
        return 0;
}

bool cgroup_unit_name_valid(const char *name) {
        if (isempty(name) || strlen(name) > NAME_MAX)
                return false;
        if (streq(name, ".") || streq(name, "..") || streq(name, CGROUP_SUPERVISOR_LEAF))
                return false;
        if (strneq(name, "cgroup.", 7))
                return false;
        for (const char *p = name; *p; p++)
                if (*p == '/' || (unsigned char) *p < ' ' || *p == 0x7f)
                        return false;
        return true;
}

int cgroup_path_service(const CgroupContext *c, const char *path, char **ret_unit) {
        const char *rest, *end, *suffix;
        size_t n;
        char *unit;

        if (!c || !c->available || !c->base_path || !path)
                return 0;
        n = strlen(c->base_path);
        if (!strneq(path, c->base_path, n) || path[n] != '/')
                return 0;
        rest = path + n + 1;
        end = rest + strcspn(rest, "/");
        unit = strndup(rest, (size_t) (end - rest));
        if (!unit)
                return -ENOMEM;
        suffix = strrchr(unit, '.');
        if (!cgroup_unit_name_valid(unit) || !suffix || !streq(suffix, ".service")) {
                free(unit);
                return 0;
        }
        *ret_unit = unit;
        return 1;
}

/* ---- set-up ---- */

static int cgroup_locate(char **ret_mount, char **ret_own) {
        _cleanup_free_ char *mountinfo = NULL, *self = NULL, *mnt = NULL, *own = NULL;
        int r;

        r = read_virtual_file_at(AT_FDCWD, "/proc/self/mountinfo", CGROUP_PROC_FILE_MAX, &mountinfo);
        if (r < 0)
                return log_warning_errno(r, "Failed to read /proc/self/mountinfo: %m");
        r = cgroup_parse_mountinfo(mountinfo, &mnt);
        if (r < 0)
                return log_notice_errno(r, "No cgroup2 file system is mounted.");
        r = read_virtual_file_at(AT_FDCWD, "/proc/self/cgroup", CGROUP_PROC_FILE_MAX, &self);
        if (r < 0)
                return log_warning_errno(r, "Failed to read /proc/self/cgroup: %m");
        r = cgroup_parse_proc_cgroup(self, &own);
        if (r < 0)
                return log_notice_errno(r, "We are in no cgroup2 hierarchy.");
        *ret_mount = TAKE_PTR(mnt);
        *ret_own = TAKE_PTR(own);
        return 0;
}

/* cgroupfs files are checked by owner and mode only: a service running as root without a
 * single capability may write any root-owned cgroup.procs or cgroup.kill, and so pull the
 * daemon into its own cgroup and have it killed there, or move its processes into another
 * unit's to speak for it. Ours belong to the guard uid instead (see policy.h), which no
 * service has; the daemon writes them with CAP_DAC_OVERRIDE. Only when we run as the guard
 * uid (the daemon's real uid); a failure is logged and the cgroup used anyway. */
static void cgroup_guard_dir(int dir_fd, const char *what) {
        if (getuid() != POLICY_GUARD_UID || dir_fd < 0)
                return;
        int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
        if (!d) {
                safe_close(fd);
                log_warning_errno(errno, "Failed to give cgroup %s to the guard uid: %m", what);
                return;
        }
        if (fchown(dirfd(d), POLICY_GUARD_UID, (gid_t) -1) < 0)
                log_warning_errno(errno, "Failed to give cgroup %s to the guard uid: %m", what);
        for (struct dirent *de; (de = readdir(d));)
                if (de->d_type == DT_REG &&
                    fchownat(dirfd(d), de->d_name, POLICY_GUARD_UID, (gid_t) -1, AT_SYMLINK_NOFOLLOW) < 0 &&
                    errno != ENOENT)
                        log_debug_errno(errno, "Failed to give %s/%s to the guard uid: %m", what, de->d_name);
        closedir(d);
}

static int mkdir_cgroup(const char *path) {
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        cgroup_guard_dir(fd, path);
        return 0;
}

/* Creates BASE (and BASE/supervisor, moving us there when asked) and opens BASE. */
static int cgroup_make_base(CgroupContext *c, bool move_self) {
        _cleanup_free_ char *leaf = NULL, *procs = NULL;
        int r;

        r = mkdir_cgroup(c->base_path);
        if (r < 0)
                return log_notice_errno(r, "Cannot create cgroup %s: %m", c->base_path);
        if (move_self) {
                if (asprintf(&leaf, "%s/%s", c->base_path, CGROUP_SUPERVISOR_LEAF) < 0)
                        return -ENOMEM;
                r = mkdir_cgroup(leaf);
                if (r < 0)
                        return log_notice_errno(r, "Cannot create cgroup %s: %m", leaf);
                if (asprintf(&procs, "%s/cgroup.procs", leaf) < 0)
                        return -ENOMEM;
                /* "0" moves the writing process, with all its threads. */
                r = write_string_file_at(AT_FDCWD, procs, "0");
                if (r < 0)
                        return log_notice_errno(r, "Cannot move ourselves into %s: %m", leaf);
                c->moved_self = true;
        }
        c->base_fd = open(c->base_path, O_DIRECTORY | O_CLOEXEC);
        if (c->base_fd < 0)
                return log_notice_errno(errno, "Cannot open %s: %m", c->base_path);
        if (faccessat(c->base_fd, "cgroup.procs", W_OK, AT_EACCESS) < 0)
                return log_notice_errno(errno, "Cannot write to cgroup %s: %m", c->base_path);
        return 0;
}

/* systemd marks the cgroups it delegates (Delegate=yes) with this extended attribute; without
 * it, systemd considers the subtree its own and may reorganise it. Only a hint, so a warning. */
static void cgroup_check_delegation(const CgroupContext *c) {
        char v[8] = {};

        if (streq(c->own_path, "/") || !getenv("INVOCATION_ID"))
                return; /* not a systemd service */
        if (getxattr(c->base_path, "trusted.delegate", v, sizeof(v) - 1) > 0 && v[0] == '1')
                return;
        log_warning("Our cgroup %s is not delegated to us (missing Delegate=yes?); "
                    "systemd may move service processes behind our back.", c->base_path);
}

int cgroup_list_services(CgroupContext *c, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct dirent *de;
        DIR *d;

        if (!c || !c->available) {
                *ret = NULL;
                return 0;
        }
        fd = openat(c->base_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd)))
                return -errno;
        TAKE_FD(fd);
        while ((de = readdir(d))) {
                /* Only what could be a unit's: never the supervisor leaf or foreign entries. */
                const char *suffix = unit_name_suffix(de->d_name);
                if (de->d_type != DT_DIR || !cgroup_unit_name_valid(de->d_name) || !suffix ||
                    !streq(suffix, ".service"))
                        continue;
                if (strv_extend(&l, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        *ret = TAKE_PTR(l);
        return 0;
}

int cgroup_remove_stale(CgroupContext *c) {
        _cleanup_strv_free_ char **names = NULL;
        int n = 0, r;

        r = cgroup_list_services(c, &names);
        if (r < 0)
                return r;
        STRV_FOREACH(name, names)
                /* rmdir refuses a cgroup that still has processes (or children). */
                if (unlinkat(c->base_fd, *name, AT_REMOVEDIR) >= 0)
                        n++;
        if (n > 0)
                log_debug("Removed %d empty service cgroup(s) left from an earlier run.", n);
        return n;
}

int cgroup_add_supervisor(CgroupContext *c, pid_t pid) {
        char path[64], buf[32];
        if (!c || !c->available || !c->moved_self || pid <= 1)
                return 0;
        snprintf(path, sizeof path, CGROUP_SUPERVISOR_LEAF "/cgroup.procs");
        snprintf(buf, sizeof buf, "%d", (int) pid);
        int r = write_string_file_at(c->base_fd, path, buf);
        if (r >= 0)
                c->companion = pid;
        return r;
}

void cgroup_teardown(CgroupContext *c) {
        _cleanup_free_ char *procs = NULL;

        if (!c || !c->available)
                return;
        (void) cgroup_remove_stale(c);
        if (!c->moved_self)
                return;
        if (asprintf(&procs, "%s%s/cgroup.procs", c->mount_path,
                     streq(c->own_path, "/") ? "" : c->own_path) < 0 ||
            write_string_file_at(AT_FDCWD, procs, "0") < 0)
                return; /* we stay where we are; so do the leaf and BASE */
        if (c->companion > 0) {
                char buf[32];
                snprintf(buf, sizeof buf, "%d", (int) c->companion);
                (void) write_string_file_at(AT_FDCWD, procs, buf);
        }
        (void) unlinkat(c->base_fd, CGROUP_SUPERVISOR_LEAF, AT_REMOVEDIR);
        if (rmdir(c->base_path) >= 0)
                log_debug("Removed %s.", c->base_path);
}

int cgroup_setup(const char *instance, CgroupContext **ret) {
        _cleanup_(cgroup_context_freep) CgroupContext *c = NULL;
        _cleanup_free_ char *mnt = NULL, *own = NULL, *base = NULL;
        bool move_self;
        int r;

        r = cgroup_locate(&mnt, &own);
        if (r == -ENOMEM)
                return r;
        if (r >= 0) {
                r = cgroup_plan_layout(own, instance, &base, &move_self);
                if (r == -ENOMEM)
                        return r;
        }
        if (r >= 0) {
                c = calloc(1, sizeof(CgroupContext));
                if (!c)
                        return -ENOMEM;
                c->base_fd = -EBADF;
                c->mount_path = TAKE_PTR(mnt);
                c->own_path = TAKE_PTR(own);
                if (asprintf(&c->base_path, "%s%s", c->mount_path, streq(base, "/") ? "" : base) < 0) {
                        c->base_path = NULL;
                        return -ENOMEM;
                }
                r = cgroup_make_base(c, move_self);
                if (r == -ENOMEM)
                        return r;
        }
        if (r < 0) {
                log_notice("cgroup v2 is not usable, tracking services by process group.");
                c = cgroup_context_free(c);
                return cgroup_context_new_process_group(ret);
        }
        c->mode = CGROUP_MODE_CGROUP;
        c->available = true;
        c->has_kill = faccessat(c->base_fd, "cgroup.kill", F_OK, AT_EACCESS) >= 0;
        cgroup_check_delegation(c);
        log_debug("Service cgroups live in %s (cgroup.kill %s).", c->base_path,
                  c->has_kill ? "available" : "missing");
        *ret = TAKE_PTR(c);
        return 0;
}

/* ---- per-service operations ---- */

int cgroup_service_path(CgroupContext *c, const char *unit_name, char **ret_path) {
        char *p;

        if (c->mode != CGROUP_MODE_CGROUP)
                return -EOPNOTSUPP;
        if (!cgroup_unit_name_valid(unit_name))
                return -EINVAL;
        if (asprintf(&p, "%s/%s", c->base_path, unit_name) < 0)
                return -ENOMEM;
        *ret_path = p;
        return 0;
}

/* Reads "populated N" from cgroup.events of the directory dirfd. */
static int cgroup_events_populated(int dirfd) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = read_virtual_file_at(dirfd, "cgroup.events", CGROUP_PROC_FILE_MAX, &text);
        if (r < 0)
                return r;
        for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                if (strneq(l, "populated ", 10))
                        return l[10] == '1';
        }
        return -EBADMSG;
}

static int cgroup_service_open(CgroupContext *c, const char *unit_name, int *ret_fd) {
        int fd;

        if (c->mode != CGROUP_MODE_CGROUP)
                return -EOPNOTSUPP;
        if (!cgroup_unit_name_valid(unit_name))
                return -EINVAL;
        fd = openat(c->base_fd, unit_name, O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        *ret_fd = fd;
        return 0;
}

int cgroup_service_create(CgroupContext *c, const char *unit_name, int *ret_dirfd) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (c->mode != CGROUP_MODE_CGROUP)
                return -EOPNOTSUPP;
        if (!cgroup_unit_name_valid(unit_name))
                return -EINVAL;
        if (mkdirat(c->base_fd, unit_name, 0755) < 0 && errno != EEXIST)
                return negative_errno();
        r = cgroup_service_open(c, unit_name, &fd);
        if (r < 0)
                return r;
        cgroup_guard_dir(fd, unit_name);
        /* An old cgroup of the same name is reused only when nothing runs in it. */
        r = cgroup_events_populated(fd);
        if (r < 0)
                return r;
        if (r > 0)
                return -EBUSY;
        *ret_dirfd = TAKE_FD(fd);
        return 0;
}

int cgroup_service_is_empty(CgroupContext *c, const char *unit_name, pid_t pgid) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (c->mode == CGROUP_MODE_PROCESS_GROUP) {
                if (pgid <= 1)
                        return -EINVAL;
                if (kill(-pgid, 0) < 0)
                        return errno == ESRCH ? 1 : negative_errno();
                return 0;
        }
        r = cgroup_service_open(c, unit_name, &fd);
        if (r == -ENOENT)
                return 1;
        if (r < 0)
                return r;
        r = cgroup_events_populated(fd);
        if (r < 0)
                return r;
        return !r;
}

typedef struct PidSet {
        pid_t *pids; /* sorted */
        size_t n, allocated;
} PidSet;

/* Adds pid; returns 1 when it was new, 0 when present, -ENOMEM. */
static int pid_set_add(PidSet *s, pid_t pid) {
        size_t lo = 0, hi = s->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (s->pids[mid] == pid)
                        return 0;
                if (s->pids[mid] < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (GREEDY_REALLOC(s->pids, s->allocated, s->n + 1) < 0)
                return -ENOMEM;
        memmove(s->pids + lo + 1, s->pids + lo, (s->n - lo) * sizeof(pid_t));
        s->pids[lo] = pid;
        s->n++;
        return 1;
}

/* Signals every pid listed in cgroup.procs that is not in done yet, and adds it there.
 * Returns how many were new. Pids can be recycled between reading and signalling; this path
 * only runs for signals other than SIGKILL or on kernels before 5.14, where nothing better
 * exists. */
static int cgroup_signal_procs(int dirfd, int sig, PidSet *done) {
        _cleanup_free_ char *text = NULL;
        int r, n = 0;

        r = read_virtual_file_at(dirfd, "cgroup.procs", CGROUP_PROC_FILE_MAX, &text);
        if (r < 0)
                return r;
        for (char *p = text, *end; *p; p = end) {
                long pid = strtol(p, &end, 10);
                if (end == p || pid <= 0 || pid > INT_MAX)
                        return -EBADMSG;
                while (*end == '\n')
                        end++;
                r = pid_set_add(done, (pid_t) pid);
                if (r <= 0) {
                        if (r < 0)
                                return r;
                        continue;
                }
                n++;
                if (kill((pid_t) pid, sig) < 0 && errno != ESRCH)
                        log_debug_errno(errno, "Failed to signal pid %ld, ignoring: %m", pid);
        }
        return n;
}

/* Signals each process once. A process may fork between our read and our signal, so read
 * again until a round finds no process we have not signalled yet. For SIGKILL that is the
 * end: every process left has a fatal signal pending, which also makes its fork() fail, and
 * the cgroup empties by itself (cgroup_service_watch() tells when). Bounded by
 * CGROUP_KILL_ROUNDS_MAX against a fork storm outrunning us: then -EBUSY, try again later. */
static int cgroup_kill_by_procs(int dirfd, int sig) {
        PidSet done = {};
        int r = -EBUSY;

        for (unsigned i = 0; i < CGROUP_KILL_ROUNDS_MAX; i++) {
                r = cgroup_signal_procs(dirfd, sig, &done);
                if (r <= 0)
                        break;
                r = -EBUSY;
        }
        free(done.pids);
        return r;
}

int cgroup_service_kill(CgroupContext *c, const char *unit_name, pid_t pgid, int sig) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (c->mode == CGROUP_MODE_PROCESS_GROUP) {
                if (pgid <= 1)
                        return -EINVAL;
                if (kill(-pgid, sig) < 0 && errno != ESRCH)
                        return negative_errno();
                return 0;
        }
        r = cgroup_service_open(c, unit_name, &fd);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        if (sig == SIGKILL && c->has_kill) {
                r = write_string_file_at(fd, "cgroup.kill", "1");
                if (r != -ENOENT)
                        return r;
        }
        return cgroup_kill_by_procs(fd, sig);
}

int cgroup_service_remove(CgroupContext *c, const char *unit_name) {
        if (c->mode == CGROUP_MODE_PROCESS_GROUP)
                return 0;
        if (!cgroup_unit_name_valid(unit_name))
                return -EINVAL;
        if (unlinkat(c->base_fd, unit_name, AT_REMOVEDIR) < 0)
                return errno == ENOENT ? 0 : negative_errno();
        return 0;
}

typedef struct CgroupWatch {
        CgroupContext *context;
        char *unit_name;
        CgroupEmptyHandler handler;
        void *userdata;
} CgroupWatch;

static void cgroup_watch_free(void *userdata) {
        CgroupWatch *w = userdata;

        free(w->unit_name);
        free(w);
}

static int cgroup_watch_dispatch(sd_event_source *s, const struct inotify_event *ev, void *userdata) {
        CgroupWatch *w = userdata;
        int r;

        r = cgroup_service_is_empty(w->context, w->unit_name, 0);
        if (r < 0) {
                log_unit_debug_errno(w->unit_name, r, "Failed to read cgroup.events, ignoring: %m");
                return 0;
        }
        if (r > 0)
                w->handler(w->context, w->unit_name, w->userdata);
        return 0;
}

int cgroup_service_watch(CgroupContext *c, sd_event *e, const char *unit_name,
                         CgroupEmptyHandler handler, void *userdata, sd_event_source **ret_source) {
        _cleanup_free_ char *path = NULL, *events = NULL;
        sd_event_source *s = NULL;
        CgroupWatch *w;
        int r;

        r = cgroup_service_path(c, unit_name, &path);
        if (r < 0)
                return r;
        if (asprintf(&events, "%s/cgroup.events", path) < 0)
                return -ENOMEM;
        w = calloc(1, sizeof(CgroupWatch));
        if (!w)
                return -ENOMEM;
        *w = (CgroupWatch) { .context = c, .unit_name = strdup(unit_name), .handler = handler,
                             .userdata = userdata };
        if (!w->unit_name) {
                cgroup_watch_free(w);
                return -ENOMEM;
        }
        r = sd_event_add_inotify(e, &s, events, IN_MODIFY, cgroup_watch_dispatch, w);
        if (r < 0) {
                cgroup_watch_free(w);
                return r;
        }
        r = sd_event_source_set_destroy_callback(s, cgroup_watch_free);
        if (r < 0) {
                sd_event_source_unref(s);
                cgroup_watch_free(w);
                return r;
        }
        (void) sd_event_source_set_description(s, "cgroup-empty");
        *ret_source = s;
        return 0;
}
