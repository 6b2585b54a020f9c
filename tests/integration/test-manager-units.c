/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The operations the control plane will call (manager_start_unit() and friends), driven
 * in-process on a real Manager with its event loop: start, restart, reload, kill,
 * reset-failed, stop, enable/disable (the enabled file), errors with messages, and the
 * shutdown that stops everything. Needs root (cgroups, services); exits 77 otherwise.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys/cgroup.h"
#include "sys/log.h"
#include "core/manager-units.h"
#include "core/manager.h"
#include "core/service.h"
#include "strv.h"
#include "core/unit-load.h"
#include "core/unit.h"
#include "unit-file.h"

static char dir[64];
static Manager *m;

static void write_file(const char *name, const char *text) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "we");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static char *read_file(const char *name) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "re");
        if (!f)
                return strdup("");
        char *buf = calloc(1, 65536);
        assert_non_null(buf);
        buf[fread(buf, 1, 65535, f)] = '\0';
        fclose(f);
        return buf;
}

typedef bool (*Pred)(Unit *u, const void *arg);

static bool in_state(Unit *u, const void *arg) {
        return u->state == *(const ServiceState *) arg;
}

/* Runs the loop until PRED holds for NAME, at most 10 s. */
static Unit *run_until(const char *name, Pred pred, const void *arg) {
        for (int i = 0; i < 1000; i++) {
                Unit *u = manager_get_unit(m, name);
                if (u && pred(u, arg))
                        return u;
                assert_true(sd_event_run(m->event, 10 * 1000) >= 0);
        }
        Unit *u = manager_get_unit(m, name);
        fail_msg("%s never reached the expected state (it is %s)", name,
                 u ? service_state_to_string(u->state) : "not loaded");
        return NULL;
}

static Unit *run_until_state(const char *name, ServiceState s) {
        return run_until(name, in_state, &s);
}

static bool log_has(Unit *u, const void *arg) {
        char name[300];
        snprintf(name, sizeof name, "state/logs/%s.log", u->name);
        _cleanup_free_ char *text = read_file(name);
        return strstr(text, arg) != NULL;
}

static int setup(void **state) {
        char units[128], st[128], rt[128];
        if (geteuid() != 0) {
                print_message("skipped: needs root\n");
                exit(77);
        }
        strcpy(dir, "/tmp/test-manager-units-XXXXXX");
        assert_non_null(mkdtemp(dir));
        snprintf(units, sizeof units, "%s/units", dir);
        snprintf(st, sizeof st, "%s/state", dir);
        snprintf(rt, sizeof rt, "%s/run", dir);
        assert_int_equal(mkdir(units, 0755), 0);
        write_file("units/mu-sleep.service",
                   "[Service]\nExecStart=/bin/sleep 1000\n[Install]\nWantedBy=multi-user.target\n");
        write_file("units/mu-reload.service",
                   "[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/echo reloaded $MAINPID\n");
        write_file("units/mu-bad.service", "[Service]\nExecStart=relative/path\n");
        write_file("units/mu-tmpl@.service", "[Service]\nExecStart=/bin/echo instance %i\n");

        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGCHLD);
        assert_int_equal(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        char *dirs[] = { units, NULL };
        char root[128];
        snprintf(root, sizeof root, "%s/root", dir);
        ManagerConfig cfg = { .units_dirs = dirs, .state_dir = st, .runtime_dir = rt, .directories_root = root };
        /* As the daemon: orphans of services are ours to reap, which is how a stop in
         * process-group mode learns that the group is empty. */
        assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        if (getenv("SYSCAGE_TEST_DEBUG"))
                log_set_max_level(LOG_DEBUG);
        assert_int_equal(manager_new(&cfg, &m), 0);
        assert_int_equal(manager_startup(m), 0);
        return 0;
}

static int teardown(void **state) {
        char cmd[128];
        manager_shutdown(m);
        while (m->n_active > 0)
                assert_true(sd_event_run(m->event, 10 * 1000) >= 0);
        m = manager_free(m);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        assert_int_equal(system(cmd), 0);
        return 0;
}

static void test_errors(void **state) {
        _cleanup_free_ char *msg = NULL;
        assert_int_equal(manager_start_unit(m, "mu-nope.service", &msg), -ENOENT);
        assert_non_null(msg);
        assert_non_null(strstr(msg, "mu-nope.service"));
        free(TAKE_PTR(msg));
        assert_int_equal(manager_start_unit(m, "mu-bad.service", &msg), -ENOEXEC);
        assert_non_null(strstr(msg, "not loaded properly"));
        free(TAKE_PTR(msg));
        assert_int_equal(manager_start_unit(m, "../etc/passwd", &msg), -EINVAL);
        free(TAKE_PTR(msg));
        assert_int_equal(manager_stop_unit(m, "mu-nope.service", &msg), -ENOENT);
        free(TAKE_PTR(msg));
        /* As systemd: whether it can reload at all comes before whether it runs. */
        assert_int_equal(manager_reload_unit(m, "mu-sleep.service", &msg), -EOPNOTSUPP);
        assert_non_null(strstr(msg, "Job type reload is not applicable"));
        free(TAKE_PTR(msg));
        assert_int_equal(manager_reload_unit(m, "mu-reload.service", &msg), -ENOTCONN);
        free(TAKE_PTR(msg));
        assert_int_equal(manager_get_unit(m, "mu-bad.service")->load_state, UNIT_ERROR);
}

static void test_start_restart_kill(void **state) {
        _cleanup_free_ char *msg = NULL;
        assert_int_equal(manager_start_unit(m, "mu-sleep.service", &msg), 0);
        Unit *u = run_until_state("mu-sleep.service", SERVICE_RUNNING);
        pid_t first = u->main_pid;
        assert_true(first > 0);
        /* Starting an active unit is not an error. */
        assert_int_equal(manager_start_unit(m, "mu-sleep.service", &msg), 0);

        assert_int_equal(manager_restart_unit(m, "mu-sleep.service", &msg), 0);
        for (int i = 0; i < 1000 && !(u->state == SERVICE_RUNNING && u->main_pid != first); i++)
                assert_true(sd_event_run(m->event, 10 * 1000) >= 0);
        assert_int_equal(u->state, SERVICE_RUNNING);
        assert_int_not_equal(u->main_pid, first);

        assert_int_equal(manager_kill_unit(m, "mu-sleep.service", SIGKILL, &msg), 0);
        run_until_state("mu-sleep.service", SERVICE_FAILED);
        assert_int_equal(u->result, SERVICE_FAILURE_SIGNAL);
        assert_int_equal(manager_kill_unit(m, "mu-sleep.service", SIGTERM, &msg), -ESRCH);
        free(TAKE_PTR(msg));
        assert_int_equal(manager_reset_failed(m, "mu-sleep.service", &msg), 0);
        assert_int_equal(u->state, SERVICE_DEAD);
        assert_int_equal(u->result, SERVICE_SUCCESS);
}

static void test_reload_stop(void **state) {
        _cleanup_free_ char *msg = NULL;
        assert_int_equal(manager_start_unit(m, "mu-reload.service", &msg), 0);
        Unit *u = run_until_state("mu-reload.service", SERVICE_RUNNING);
        char want[64];
        snprintf(want, sizeof want, "stdout: reloaded %d\n", (int) u->main_pid);
        assert_int_equal(manager_reload_unit(m, "mu-reload.service", &msg), 0);
        assert_int_equal(u->state, SERVICE_RELOAD);
        run_until("mu-reload.service", log_has, want);
        run_until_state("mu-reload.service", SERVICE_RUNNING);
        assert_int_equal(u->reload_result, SERVICE_SUCCESS);

        assert_int_equal(manager_stop_unit(m, "mu-reload.service", &msg), 0);
        run_until_state("mu-reload.service", SERVICE_DEAD);
        /* Stopping an inactive unit is not an error either. */
        assert_int_equal(manager_stop_unit(m, "mu-reload.service", &msg), 0);
}

static void test_template_instance(void **state) {
        _cleanup_free_ char *msg = NULL;
        /* Templates are loaded only when an instance is asked for by name. */
        assert_null(manager_get_unit(m, "mu-tmpl@.service"));
        assert_int_equal(manager_start_unit(m, "mu-tmpl@.service", &msg), -EINVAL);
        free(TAKE_PTR(msg));
        assert_int_equal(manager_start_unit(m, "mu-tmpl@one.service", &msg), 0);
        Unit *u = run_until("mu-tmpl@one.service", log_has, "stdout: instance one\n");
        assert_int_equal(u->load_state, UNIT_LOADED);
}

static void test_enable_disable(void **state) {
        _cleanup_free_ char *msg = NULL;
        assert_false(manager_unit_is_enabled(m, "mu-sleep.service"));
        assert_int_equal(manager_enable_unit(m, "mu-sleep.service", &msg), 0);
        /* As systemctl: a unit without [Install] settings is left as it is (success). */
        assert_int_equal(manager_enable_unit(m, "mu-reload.service", &msg), 0);
        assert_false(manager_unit_is_enabled(m, "mu-reload.service"));
        assert_true(manager_unit_is_enabled(m, "mu-sleep.service"));
        _cleanup_free_ char *text = read_file("state/enabled");
        assert_string_equal(text, "mu-sleep.service\n");
        assert_int_equal(manager_disable_unit(m, "mu-sleep.service", &msg), 0);
        free(text);
        text = read_file("state/enabled");
        assert_string_equal(text, "");
        assert_false(manager_unit_is_enabled(m, "mu-sleep.service"));
        assert_int_equal(manager_enable_unit(m, "mu-nope.service", &msg), -ENOENT);
}

static bool pid_gone(pid_t pid) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d", (int) pid);
        return access(path, F_OK) < 0;
}

/* Without cgroups, a service is its process group: stop signals the group, and waits until
 * none of it is left. Forking without PIDFile= cannot guess the main pid there. */
/* A pid belongs to a unit by its cgroup only when that is exactly the unit's cgroup: a
 * process in another cgroup whose last component carries the unit's name (here one at the
 * hierarchy's root) is not the unit's. */
static void test_pid_by_cgroup(void **state) {
        _cleanup_free_ char *msg = NULL, *decoy = NULL, *procs = NULL;
        char pidtext[32];

        if (!m->cgroup->available) {
                print_message("skipping: no cgroup v2 here\n");
                return;
        }
        assert_int_equal(manager_start_unit(m, "mu-sleep.service", &msg), 0);
        Unit *u = run_until_state("mu-sleep.service", SERVICE_RUNNING);
        assert_ptr_equal(manager_find_unit_by_pid(m, u->main_pid), u);

        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
                pause();
                _exit(0);
        }
        /* Not a process of the unit's: no unit, wherever it is found by name. */
        assert_null(manager_find_unit_by_pid(m, child));
        assert_true(asprintf(&decoy, "%s/mu-sleep.service", m->cgroup->mount_path) > 0);
        assert_true(mkdir(decoy, 0755) == 0 || errno == EEXIST);
        assert_true(asprintf(&procs, "%s/cgroup.procs", decoy) > 0);
        snprintf(pidtext, sizeof pidtext, "%d", (int) child);
        int fd = open(procs, O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, pidtext, strlen(pidtext)), (ssize_t) strlen(pidtext));
        close(fd);
        assert_null(manager_find_unit_by_pid(m, child));
        assert_false(unit_owns_pid(u, child));

        assert_int_equal(kill(child, SIGKILL), 0);
        assert_int_equal(waitpid(child, NULL, 0), child);
        assert_int_equal(rmdir(decoy), 0);
        assert_int_equal(manager_stop_unit(m, "mu-sleep.service", &msg), 0);
        run_until_state("mu-sleep.service", SERVICE_DEAD);
}

/* A transient unit built from TEXT, loaded and added (not started). */
static Unit *transient(const char *name, const char *text) {
        UnitFile *file = NULL;
        DiagList diags = {};
        _cleanup_free_ char *msg = NULL;
        Unit *u = NULL;

        assert_int_equal(unit_file_load_string(name, "(test)", text, &diags, &file), 0);
        diag_list_done(&diags);
        assert_int_equal(unit_load_transient(m, name, file, &u, &msg), 0);
        assert_int_equal(u->load_state, UNIT_LOADED);
        return u;
}

static void drop(Unit *u) {
        assert_ptr_equal(manager_remove_unit(m, u->name), u);
        unit_free(u);
}

/* One `run` after another with the same policy compiles it once: the filter outlives the
 * unit that used it, and a unit differing in anything but the policy shares it. */
static void test_recent_filters(void **state) {
        static const char policy[] = "[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service uname\n";
        Unit *a = transient("mu-run1.service", policy);
        FilterEntry *compiled = a->filters;
        size_t n = hashmap_size(m->filters);

        assert_non_null(compiled);
        drop(a);
        assert_int_equal(hashmap_size(m->filters), n); /* kept, though no unit holds it */
        Unit *b = transient("mu-run2.service",
                            "[Service]\nExecStart=/bin/echo hi\nEnvironment=A=1\nSystemCallFilter=@system-service uname\n");
        assert_ptr_equal(b->filters, compiled);
        drop(b);

        /* The ring is bounded: MANAGER_RECENT_FILTERS other policies push it out. */
        for (unsigned i = 0; i < MANAGER_RECENT_FILTERS; i++) {
                char name[64], text[160];
                snprintf(name, sizeof name, "mu-other%u.service", i);
                snprintf(text, sizeof text, "[Service]\nExecStart=/bin/true\nSystemCallFilter=~uname:%u\n", i + 1);
                drop(transient(name, text));
        }
        for (unsigned i = 0; i < MANAGER_RECENT_FILTERS; i++)
                assert_ptr_not_equal(m->recent_filters[i], compiled);
        assert_int_equal(hashmap_size(m->filters), MANAGER_RECENT_FILTERS);
}

static void test_process_group_mode(void **state) {
        _cleanup_free_ char *msg = NULL;
        CgroupContext *saved = m->cgroup;
        assert_int_equal(cgroup_context_new_process_group(&m->cgroup), 0);

        write_file("units/mu-pg.service",
                   "[Service]\nExecStart=/bin/bash -c '(sleep 1000; :) & exec sleep 1000'\n");
        write_file("units/mu-pgfork.service", "[Service]\nType=forking\nExecStart=/bin/sh -c 'sleep 1000 &'\n");
        assert_int_equal(manager_start_unit(m, "mu-pg.service", &msg), 0);
        Unit *u = run_until_state("mu-pg.service", SERVICE_RUNNING);
        assert_null(u->cgroup_path);
        pid_t main_pid = u->main_pid;
        /* The background subshell is in the service's process group. */
        pid_t child = 0;
        for (int i = 0; i < 500 && child == 0; i++) {
                char cmd[128], buf[32] = "";
                snprintf(cmd, sizeof cmd, "pgrep -g %d -x bash", (int) main_pid);
                FILE *p = popen(cmd, "re");
                if (p && fgets(buf, sizeof buf, p))
                        child = atoi(buf);
                if (p)
                        pclose(p);
                if (child == 0)
                        assert_true(sd_event_run(m->event, 10 * 1000) >= 0);
        }
        assert_true(child > 0);
        assert_int_equal(manager_stop_unit(m, "mu-pg.service", &msg), 0);
        run_until_state("mu-pg.service", SERVICE_DEAD);
        for (int i = 0; i < 200 && !pid_gone(child); i++)
                assert_true(sd_event_run(m->event, 10 * 1000) >= 0);
        assert_true(pid_gone(child));

        assert_int_equal(manager_start_unit(m, "mu-pgfork.service", &msg), 0);
        u = run_until_state("mu-pgfork.service", SERVICE_FAILED);
        assert_int_equal(u->result, SERVICE_FAILURE_PROTOCOL);

        cgroup_context_free(m->cgroup);
        m->cgroup = saved;
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_start_restart_kill),
                cmocka_unit_test(test_reload_stop),
                cmocka_unit_test(test_template_instance),
                cmocka_unit_test(test_enable_disable),
                cmocka_unit_test(test_recent_filters),
                cmocka_unit_test(test_pid_by_cgroup),
                cmocka_unit_test(test_process_group_mode),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
