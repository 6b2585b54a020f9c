/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SIGCHLD handling that reaps orphans and leaves tracked children to their owners. See
 * reaper.h for the reasoning. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "sys/fileio.h"
#include "sys/log.h"
#include "sys/reaper.h"

/* Upper bound on the size of a children list we read. */
#define REAPER_CHILDREN_FILE_MAX (4U * 1024 * 1024)

struct Reaper {
        sd_event_source *sigchld;
        pid_t *tracked; /* sorted ascending */
        size_t n_tracked, allocated;
        ReaperHandler handler;
        void *userdata;
        bool proc_children_missing;
};

/* Index of pid in the sorted array, or of where it would go. */
static size_t reaper_find(const Reaper *r, pid_t pid) {
        size_t lo = 0, hi = r->n_tracked;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (r->tracked[mid] < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

bool reaper_is_tracked(const Reaper *r, pid_t pid) {
        size_t i = reaper_find(r, pid);
        return i < r->n_tracked && r->tracked[i] == pid;
}

size_t reaper_n_tracked(const Reaper *r) {
        return r->n_tracked;
}

int reaper_track(Reaper *r, pid_t pid) {
        size_t i;

        if (pid <= 0)
                return -EINVAL;
        i = reaper_find(r, pid);
        if (i < r->n_tracked && r->tracked[i] == pid)
                return -EEXIST;
        if (r->n_tracked >= REAPER_TRACKED_MAX)
                return -E2BIG;
        if (GREEDY_REALLOC(r->tracked, r->allocated, r->n_tracked + 1) < 0)
                return -ENOMEM;
        memmove(r->tracked + i + 1, r->tracked + i, (r->n_tracked - i) * sizeof(pid_t));
        r->tracked[i] = pid;
        r->n_tracked++;
        return 0;
}

int reaper_untrack(Reaper *r, pid_t pid) {
        size_t i = reaper_find(r, pid);

        if (i >= r->n_tracked || r->tracked[i] != pid)
                return -ENOENT;
        memmove(r->tracked + i, r->tracked + i + 1, (r->n_tracked - i - 1) * sizeof(pid_t));
        r->n_tracked--;
        return 0;
}

/* Reaps pid if it is an exited child. Returns 1 when reaped. */
static int reaper_try(Reaper *r, pid_t pid) {
        siginfo_t si = {};

        if (reaper_is_tracked(r, pid))
                return 0;
        if (waitid(P_PID, (id_t) pid, &si, WEXITED | WNOHANG) < 0)
                return errno == ECHILD ? 0 : negative_errno();
        if (si.si_pid == 0)
                return 0;
        log_debug("Reaped orphan %d (%s %d).", (int) si.si_pid,
                  si.si_code == CLD_EXITED ? "status" : "signal", si.si_status);
        if (r->handler)
                r->handler(r, &si, r->userdata);
        return 1;
}

/* The children list: "PID PID PID ". */
static int reaper_sweep_children_file(Reaper *r, const char *text) {
        int n = 0, k;

        for (const char *p = text; *p;) {
                char *end;
                long pid = strtol(p, &end, 10);
                if (end == p || pid <= 0 || pid > INT_MAX)
                        return -EBADMSG;
                k = reaper_try(r, (pid_t) pid);
                if (k < 0)
                        return k;
                n += k;
                p = end + strspn(end, " \n");
        }
        return n;
}

/* Without /proc/.../children (CONFIG_PROC_CHILDREN off): find processes whose parent is us. */
static int reaper_sweep_proc_scan(Reaper *r) {
        DIR *d = opendir("/proc");
        struct dirent *de;
        int n = 0, k = 0;

        if (!d)
                return negative_errno();
        while (k >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *stat = NULL;
                char path[64], *end;
                long pid = strtol(de->d_name, &end, 10), ppid;
                if (*end != '\0' || pid <= 0 || pid > INT_MAX)
                        continue;
                snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
                if (read_virtual_file_at(AT_FDCWD, path, 4096, &stat) < 0)
                        continue;
                /* "PID (COMM) STATE PPID ...": COMM may contain anything, so parse from the
                 * last ')'. */
                const char *p = strrchr(stat, ')');
                if (!p || sscanf(p, ") %*c %ld", &ppid) != 1 || ppid != getpid())
                        continue;
                k = reaper_try(r, (pid_t) pid);
                if (k > 0)
                        n += k;
        }
        closedir(d);
        return k < 0 ? k : n;
}

static int reaper_sweep_once(Reaper *r) {
        _cleanup_free_ char *text = NULL;
        char path[64];
        int k;

        if (!r->proc_children_missing) {
                snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int) getpid());
                k = read_virtual_file_at(AT_FDCWD, path, REAPER_CHILDREN_FILE_MAX, &text);
                if (k >= 0)
                        return reaper_sweep_children_file(r, text);
                if (k != -ENOENT)
                        return k;
                log_debug("%s does not exist, scanning /proc for our children instead.", path);
                r->proc_children_missing = true;
        }
        return reaper_sweep_proc_scan(r);
}

int reaper_sweep(Reaper *r) {
        int n = 0, k;

        /* Bounded: each pass reaps at least one process or ends the loop. */
        for (unsigned pass = 0; pass < 1024; pass++) {
                k = reaper_sweep_once(r);
                if (k < 0)
                        return k;
                if (k == 0)
                        break;
                n += k;
        }
        return n;
}

static int reaper_on_sigchld(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Reaper *r = userdata;
        int k;

        k = reaper_sweep(r);
        if (k < 0)
                log_warning_errno(k, "Failed to reap orphaned processes, ignoring: %m");
        return 0;
}

int reaper_new(sd_event *e, ReaperHandler handler, void *userdata, Reaper **ret) {
        _cleanup_(reaper_freep) Reaper *r = NULL;
        int k;

        r = calloc(1, sizeof(Reaper));
        if (!r)
                return -ENOMEM;
        r->handler = handler;
        r->userdata = userdata;
        k = sd_event_add_signal(e, &r->sigchld, SIGCHLD, reaper_on_sigchld, r);
        if (k < 0)
                return k;
        /* After I/O sources, so owners see their pidfds' POLLIN first (not needed for
         * correctness, which rests on the tracked set; it just keeps logs in order). */
        (void) sd_event_source_set_priority(r->sigchld, SD_EVENT_PRIORITY_NORMAL + 10);
        (void) sd_event_source_set_description(r->sigchld, "reaper-sigchld");
        *ret = TAKE_PTR(r);
        return 0;
}

Reaper *reaper_free(Reaper *r) {
        if (!r)
                return NULL;
        sd_event_source_disable_unref(r->sigchld);
        free(r->tracked);
        free(r);
        return NULL;
}
