/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The control plane in one process: a Bus on the test's event loop, clients on socketpairs
 * with chosen credentials, calls made asynchronously and the loop run until they are
 * answered. Checks names, the privilege rule, access denied, limits, the bus driver's
 * Hello, and that a connection is freed when its client goes.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "bus/bus-manager.h"
#include "bus/bus.h"
#include "sys/log.h"
#include "core/manager.h"
#include "core/unit.h"
#include "strv.h"

typedef struct Fixture {
        char dir[64];
        Manager *m;
        Bus *bus;
} Fixture;

typedef struct Reply {
        bool done;
        char error_name[128];
        char error_message[256];
        char text[128];
} Reply;

static int setup(void **state) {
        static Fixture f;
        char run[96], sock[128];
        sigset_t mask;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGCHLD);
        assert_int_equal(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        log_set_max_level(LOG_WARNING);
        snprintf(f.dir, sizeof(f.dir), "/tmp/test-bus-XXXXXX");
        assert_non_null(mkdtemp(f.dir));
        snprintf(run, sizeof(run), "%s/run", f.dir);
        snprintf(sock, sizeof(sock), "%s/control.sock", run);
        ManagerConfig cfg = { .state_dir = f.dir, .runtime_dir = run, .socket_path = sock };
        assert_int_equal(manager_new(&cfg, &f.m), 0);
        BusConfig bcfg = { .socket_path = sock };
        assert_int_equal(bus_new(f.m, &bcfg, &f.bus), 0);
        *state = &f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        char run[96];

        f->bus = bus_free(f->bus);
        f->m = manager_free(f->m);
        snprintf(run, sizeof(run), "%s/run", f->dir);
        (void) rmdir(run);
        (void) rmdir(f->dir);
        return 0;
}

/* A client connection on the test's loop, served by the Bus with the given credentials. */
static sd_bus *client_new(Fixture *f, uid_t uid, bool privileged) {
        struct ucred cred = { .pid = getpid(), .uid = uid, .gid = uid };
        sd_bus *c = NULL;
        int fds[2];

        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds), 0);
        assert_int_equal(bus_connection_add(f->bus, fds[0], &cred, privileged, NULL), 0);
        assert_int_equal(sd_bus_new(&c), 0);
        assert_int_equal(sd_bus_set_fd(c, fds[1], fds[1]), 0);
        assert_int_equal(sd_bus_start(c), 0);
        assert_int_equal(sd_bus_attach_event(c, f->m->event, 0), 0);
        return c;
}

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Reply *r = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);
        const char *s;

        r->done = true;
        if (e) {
                snprintf(r->error_name, sizeof(r->error_name), "%s", e->name);
                snprintf(r->error_message, sizeof(r->error_message), "%s", e->message ? e->message : "");
        } else if (sd_bus_message_peek_type(m, NULL, NULL) > 0 && sd_bus_message_read(m, "s", &s) > 0)
                snprintf(r->text, sizeof(r->text), "%s", s);
        return 0;
}

static void run_until(Fixture *f, const bool *done) {
        for (unsigned i = 0; i < 10000 && !*done; i++)
                assert_true(sd_event_run(f->m->event, 100 * 1000) >= 0);
        assert_true(*done);
}

static void call(Fixture *f, sd_bus *c, sd_bus_message *m, Reply *r) {
        *r = (Reply) {};
        assert_true(sd_bus_call_async(c, NULL, m, on_reply, r, 0) >= 0);
        run_until(f, &r->done);
}

static void call_unit(Fixture *f, sd_bus *c, const char *member, const char *unit, Reply *r) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;

        assert_true(sd_bus_message_new_method_call(c, &m, NULL, BUS_PATH, BUS_INTERFACE, member) >= 0);
        if (unit)
                assert_true(sd_bus_message_append(m, "s", unit) >= 0);
        call(f, c, m, r);
}

static void test_unit_names(void **state) {
        static const struct {
                const char *name;
                bool valid;
        } table[] = {
                { "foo.service", true },         { "foo@bar.service", true },
                { "a-b_c:d\\x2d.service", true }, { "foo", false },
                { ".service", false },           { ".foo.service", false },
                { "foo.socket", false },         { "../foo.service", false },
                { "foo bar.service", false },    { "", false },
                { "f\no.service", false },
        };
        char longname[300];

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                assert_int_equal(bus_unit_name_is_valid(table[i].name), table[i].valid);
        memset(longname, 'a', sizeof(longname));
        strcpy(longname + 247, ".service");  /* 255 bytes: the most allowed */
        assert_true(bus_unit_name_is_valid(longname));
        strcpy(longname + 248, ".service");
        assert_false(bus_unit_name_is_valid(longname));
}

static void test_privilege_rule(void **state) {
        Fixture *f = *state;
        gid_t groups[] = { 10, 20, 4242 };
        struct ucred root = { .uid = 0, .gid = 1 }, user = { .uid = 1000, .gid = 1000 },
                     in_group = { .uid = 1000, .gid = 4242 };

        f->bus->have_control_gid = false;
        assert_true(bus_peer_is_privileged(f->bus, &root, NULL, 0));
        assert_false(bus_peer_is_privileged(f->bus, &user, groups, ELEMENTSOF(groups)));
        f->bus->have_control_gid = true;
        f->bus->control_gid = 4242;
        assert_true(bus_peer_is_privileged(f->bus, &in_group, NULL, 0));         /* effective gid */
        assert_true(bus_peer_is_privileged(f->bus, &user, groups, ELEMENTSOF(groups))); /* supplementary */
        assert_false(bus_peer_is_privileged(f->bus, &user, groups, 2));
        assert_false(bus_peer_is_privileged(f->bus, &user, NULL, 0));
        f->bus->have_control_gid = false;

        /* A per-user daemon: its owner writes, root too, anyone else does not. */
        struct ucred other = { .uid = 1001, .gid = 1000 };
        f->bus->user_mode = true;
        f->bus->owner_uid = 1000;
        assert_true(bus_peer_is_privileged(f->bus, &user, NULL, 0));
        assert_true(bus_peer_is_privileged(f->bus, &root, NULL, 0));
        assert_false(bus_peer_is_privileged(f->bus, &other, groups, ELEMENTSOF(groups)));
        f->bus->user_mode = false;
        assert_false(bus_peer_is_privileged(f->bus, &user, NULL, 0));
}

static void test_access(void **state) {
        Fixture *f = *state;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *nobody = client_new(f, 65534, false);
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *root = client_new(f, 0, true);
        static const char *const writers[] = { "StartUnit", "StopUnit", "RestartUnit", "TryRestartUnit",
                                               "ReloadUnit", "ReloadOrRestartUnit", "TryReloadOrRestartUnit", "EnableUnit",
                                               "DisableUnit", "ResetFailedUnit" };
        Reply r;

        for (size_t i = 0; i < ELEMENTSOF(writers); i++) {
                char want[128];
                call_unit(f, nobody, writers[i], "foo.service", &r);
                assert_string_equal(r.error_name, BUS_ERROR_ACCESS_DENIED);
                snprintf(want, sizeof(want), "Access denied: uid 65534 may not call %s.", writers[i]);
                assert_string_equal(r.error_message, want);
                call_unit(f, root, writers[i], "foo.service", &r);
                assert_string_not_equal(r.error_name, BUS_ERROR_ACCESS_DENIED);
        }
        call_unit(f, nobody, "DaemonReload", NULL, &r);
        assert_string_equal(r.error_name, BUS_ERROR_ACCESS_DENIED);
        /* Reading is for everyone. */
        call_unit(f, nobody, "ListUnits", NULL, &r);
        assert_string_equal(r.error_name, "");
        call_unit(f, nobody, "GetUnitStatus", "foo.service", &r);
        assert_string_equal(r.error_name, BUS_ERROR_NO_SUCH_UNIT);
        /* Arguments are checked before rights: a bad name is a bad name for anyone. */
        call_unit(f, nobody, "StartUnit", "foo/bar", &r);
        assert_string_equal(r.error_name, SD_BUS_ERROR_INVALID_ARGS);
}

static void job_call(Fixture *f, sd_bus *c, const char *job, const char *unit, Reply *r) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;

        assert_true(sd_bus_message_new_method_call(c, &m, NULL, BUS_PATH, BUS_INTERFACE, "RunUnitJob") >= 0);
        assert_true(sd_bus_message_append(m, "ss", job, unit) >= 0);
        call(f, c, m, r);
}

/* RunUnitJob changes state: refused to others than root and the control group, after its
 * arguments were checked; GetSystemState is for everyone. */
static void test_job_access(void **state) {
        Fixture *f = *state;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *nobody = client_new(f, 65534, false);
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *root = client_new(f, 0, true);
        static const char *const jobs[] = { "start", "stop", "restart", "try-restart", "reload",
                                            "reload-or-restart" };
        Reply r;

        for (size_t i = 0; i < ELEMENTSOF(jobs); i++) {
                job_call(f, nobody, jobs[i], "foo.service", &r);
                assert_string_equal(r.error_name, BUS_ERROR_ACCESS_DENIED);
                assert_string_equal(r.error_message, "Access denied: uid 65534 may not call RunUnitJob.");
                /* Root gets past the rights; this Manager has no unit runtime. */
                job_call(f, root, jobs[i], "foo.service", &r);
                assert_string_equal(r.error_name, BUS_ERROR_NOT_SUPPORTED);
        }
        job_call(f, root, "enable", "foo.service", &r);
        assert_string_equal(r.error_name, SD_BUS_ERROR_INVALID_ARGS);
        job_call(f, nobody, "start", "foo/bar", &r);
        assert_string_equal(r.error_name, SD_BUS_ERROR_INVALID_ARGS);
        call_unit(f, nobody, "GetSystemState", NULL, &r);
        assert_string_equal(r.error_name, "");
        assert_string_equal(r.text, "starting"); /* no unit runtime: not started */
}

static void transient_call(Fixture *f, sd_bus *c, size_t n_argv, size_t arg_len, Reply *r) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_free_ char *arg = malloc(arg_len + 1);

        assert_non_null(arg);
        memset(arg, 'x', arg_len);
        arg[0] = '/';
        arg[arg_len] = '\0';
        assert_true(sd_bus_message_new_method_call(c, &m, NULL, BUS_PATH, BUS_INTERFACE, "StartTransient") >= 0);
        assert_true(sd_bus_message_append(m, "sa(ss)", "", 0) >= 0);
        assert_true(sd_bus_message_open_container(m, 'a', "s") >= 0);
        for (size_t i = 0; i < n_argv; i++)
                assert_true(sd_bus_message_append(m, "s", arg) >= 0);
        assert_true(sd_bus_message_close_container(m) >= 0);
        assert_true(sd_bus_message_append(m, "a{sv}", 0) >= 0);
        call(f, c, m, r);
}

static void test_limits(void **state) {
        Fixture *f = *state;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *root = client_new(f, 0, true);
        Reply r;

        transient_call(f, root, BUS_CALL_LIST_MAX + 1, 8, &r);
        assert_string_equal(r.error_name, SD_BUS_ERROR_LIMITS_EXCEEDED);
        transient_call(f, root, 1, BUS_CALL_STRING_MAX + 1, &r);
        assert_string_equal(r.error_name, SD_BUS_ERROR_LIMITS_EXCEEDED);
        /* 20 strings of 60 KiB: each is allowed, together they pass 1 MiB. */
        transient_call(f, root, 20, 60 * 1024, &r);
        assert_string_equal(r.error_name, SD_BUS_ERROR_LIMITS_EXCEEDED);
        transient_call(f, root, 0, 8, &r);
        assert_string_equal(r.error_name, SD_BUS_ERROR_INVALID_ARGS);
        /* Within every limit: whatever the runtime says, it is not a limit. */
        transient_call(f, root, 3, 8, &r);
        assert_string_not_equal(r.error_name, SD_BUS_ERROR_LIMITS_EXCEEDED);
        assert_string_not_equal(r.error_name, SD_BUS_ERROR_INVALID_ARGS);
}

static void test_hello_and_disconnect(void **state) {
        Fixture *f = *state;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        unsigned before = f->bus->n_connections;
        sd_bus *c = client_new(f, 0, true);
        Reply r;

        assert_int_equal(f->bus->n_connections, before + 1);
        assert_int_equal(sd_bus_message_new_method_call(c, &m, NULL, "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                                        "Hello"), 0);
        call(f, c, m, &r);
        assert_string_equal(r.error_name, "");
        assert_true(strneq(r.text, ":1.", 3));
        sd_bus_flush_close_unref(c);
        for (unsigned i = 0; i < 1000 && f->bus->n_connections > before; i++)
                assert_true(sd_event_run(f->m->event, 100 * 1000) >= 0);
        assert_int_equal(f->bus->n_connections, before);
}

/* Signals received by a client, in order. */
typedef struct Signals {
        char items[8][160];
        size_t n;
} Signals;

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Signals *l = userdata;
        const char *name = NULL, *active = "", *sub = "", *result = "";
        int32_t code, status;

        if (l->n >= ELEMENTSOF(l->items))
                return 0;
        if (sd_bus_message_is_signal(m, BUS_INTERFACE, "UnitRemoved"))
                assert_true(sd_bus_message_read(m, "s", &name) >= 0);
        else
                assert_true(sd_bus_message_read(m, "ssssii", &name, &active, &sub, &result, &code, &status) >= 0);
        snprintf(l->items[l->n++], sizeof(l->items[0]), "%s %s %s %s %s", sd_bus_message_get_member(m),
                 name, active, sub, result);
        return 0;
}

static void run_until_signals(Fixture *f, const Signals *l, size_t n) {
        for (unsigned i = 0; i < 10000 && l->n < n; i++)
                assert_true(sd_event_run(f->m->event, 100 * 1000) >= 0);
        assert_int_equal(l->n, n);
}

/* A state change is announced by looking at that unit only, however many are loaded; a
 * unit that leaves the table is announced as removed. */
static void test_announce_per_unit(void **state) {
        enum { N_UNITS = 2000 };
        Fixture *f = *state;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *c = client_new(f, 0, true);
        Signals l = {};
        Unit *u;
        char name[64];

        for (unsigned i = 0; i < N_UNITS; i++) {
                snprintf(name, sizeof(name), "a-%u.service", i);
                assert_int_equal(unit_new(f->m, name, &u), 0);
                assert_int_equal(manager_add_unit(f->m, u->name, u), 0);
        }
        f->m->started = true;  /* the unit table is in use, as after manager_startup() */
        assert_non_null(f->m->on_unit_changed);
        assert_true(sd_bus_match_signal(c, NULL, NULL, BUS_PATH, BUS_INTERFACE, NULL, on_signal, &l) >= 0);
        /* A call, so that the connection is up and the loop has run its post sources. */
        Reply r;
        call_unit(f, c, "IsEnabled", "a-1.service", &r);
        uint64_t before = f->bus->n_units_examined;

        u = manager_get_unit(f->m, "a-7.service");
        u->state = SERVICE_RUNNING;
        f->m->on_unit_changed(f->m, u, f->m->on_unit_changed_userdata);
        f->m->on_unit_changed(f->m, u, f->m->on_unit_changed_userdata); /* noted once */
        run_until_signals(f, &l, 1);
        assert_string_equal(l.items[0], "UnitStateChanged a-7.service active running success");
        assert_int_equal(f->bus->n_units_examined - before, 1);

        /* The same state again is not announced twice. */
        f->m->on_unit_changed(f->m, u, f->m->on_unit_changed_userdata);
        u = manager_get_unit(f->m, "a-8.service");
        u->state = SERVICE_FAILED;
        u->result = SERVICE_FAILURE_EXIT_CODE;
        f->m->on_unit_changed(f->m, u, f->m->on_unit_changed_userdata);
        run_until_signals(f, &l, 2);
        assert_string_equal(l.items[1], "UnitStateChanged a-8.service failed failed exit-code");
        assert_int_equal(f->bus->n_units_examined - before, 3);

        /* Unloaded: out of the table first, then the hook, then freed. */
        u = manager_remove_unit(f->m, "a-7.service");
        f->m->on_unit_changed(f->m, u, f->m->on_unit_changed_userdata);
        unit_free(u);
        run_until_signals(f, &l, 3);
        assert_string_equal(l.items[2], "UnitRemoved a-7.service   ");
        assert_int_equal(f->bus->n_units_examined - before, 4);

        /* Calls that change nothing look at no unit. */
        for (unsigned i = 0; i < 20; i++)
                call_unit(f, c, "IsEnabled", "a-1.service", &r);
        assert_int_equal(f->bus->n_units_examined - before, 4);

        f->m->started = false;
        while ((u = hashmap_steal_first(f->m->units)))
                unit_free(u);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_unit_names),
                cmocka_unit_test(test_privilege_rule),
                cmocka_unit_test(test_access),
                cmocka_unit_test(test_job_access),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_hello_and_disconnect),
                cmocka_unit_test(test_announce_per_unit),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
