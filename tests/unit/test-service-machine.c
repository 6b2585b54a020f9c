/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service state machine in-process, against a fake process layer (ServiceProcessOps):
 * nothing forks, nothing is killed. Each row of the table below puts a unit with a given
 * configuration into a state, delivers one event, and checks the state, the result, the
 * request's return value and what the machine asked of the process layer (which command it
 * spawned, which signal it sent, whether it killed the control process, whether a timer is
 * armed). A last test checks that every entry of service.c's table has a row here, and
 * that events the table ignores leave the state alone.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/manager.h"
#include "core/service-process.h"
#include "core/service.h"
#include "core/unit.h"
#include "unit-config.h"
#include "unit-file.h"

/* ---- the fake process layer ---- */

#define FAKE_CALLS_MAX 16

typedef struct FakeSpawn {
        ServiceExecCommand id;
        size_t index;
        bool is_main;
} FakeSpawn;

/* What the machine asked for during one event, and what the fake answers. */
typedef struct Fake {
        pid_t next_pid;
        bool populated;                  /* the answer to cgroup_populated */
        int adopt_main_result;           /* 0: a daemon is found (Type=forking) */
        FakeSpawn spawns[FAKE_CALLS_MAX];
        size_t n_spawns;
        int kills[FAKE_CALLS_MAX];
        size_t n_kills;
        unsigned n_kill_control;
        ServiceState changes[FAKE_CALLS_MAX]; /* seen by the Manager's on_unit_changed */
        size_t n_changes;
} Fake;

static Fake fake;

static UnitProcess *fake_process(Unit *u, bool is_main) {
        UnitProcess *p = calloc(1, sizeof(UnitProcess));
        assert_non_null(p);
        p->pid = fake.next_pid++;
        p->pidfd = -EBADF;
        p->is_main = is_main;
        assert_int_equal(unit_add_process(u, p), 0);
        if (is_main) {
                u->main = p;
                u->main_pid = p->pid;
        } else
                u->control = p;
        return p;
}

static int fake_prepare(Unit *u, char **ret_message) {
        return 0;
}

static int fake_spawn(Unit *u, const ExecCommand *cmd, bool is_main, pid_t mainpid, char **ret_message) {
        for (ServiceExecCommand id = 0; id < _SERVICE_EXEC_COMMAND_MAX; id++) {
                const ExecCommandList *l = &u->config->exec[id];
                if (cmd < l->commands || cmd >= l->commands + l->n)
                        continue;
                if (fake.n_spawns < FAKE_CALLS_MAX)
                        fake.spawns[fake.n_spawns++] = (FakeSpawn) {
                                .id = id,
                                .index = (size_t) (cmd - l->commands),
                                .is_main = is_main,
                        };
        }
        (void) fake_process(u, is_main);
        return 0;
}

static void fake_kill(Unit *u, int sig, bool sigkill) {
        if (fake.n_kills < FAKE_CALLS_MAX)
                fake.kills[fake.n_kills++] = sig;
}

static void fake_kill_control(Unit *u) {
        fake.n_kill_control++;
}

static bool fake_cgroup_populated(Unit *u) {
        return fake.populated;
}

static void fake_release(Unit *u) {
        for (size_t i = u->n_procs; i > 0; i--)
                if (u->procs[i - 1]->exited)
                        unit_drop_process(u, u->procs[i - 1]);
        service_check_release(u);
}

static int fake_adopt_main(Unit *u) {
        if (fake.adopt_main_result < 0)
                return fake.adopt_main_result;
        (void) fake_process(u, true);
        return 0;
}

static int fake_adopt_pid(Unit *u, pid_t pid) {
        return -ESRCH;
}

static const ServiceProcessOps fake_ops = {
        .prepare = fake_prepare,
        .spawn = fake_spawn,
        .kill = fake_kill,
        .kill_control = fake_kill_control,
        .cgroup_populated = fake_cgroup_populated,
        .release = fake_release,
        .adopt_main = fake_adopt_main,
        .adopt_pid = fake_adopt_pid,
};

static void on_unit_changed(Manager *m, Unit *u, void *userdata) {
        assert_ptr_equal(userdata, &fake);
        if (fake.n_changes < FAKE_CALLS_MAX)
                fake.changes[fake.n_changes++] = u->state;
}

/* ---- the unit under test ---- */

typedef struct Fixture {
        Manager manager;
        Unit *unit;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        assert_non_null(f);
        assert_int_equal(sd_event_new(&f->manager.event), 0);
        f->manager.process_ops = &fake_ops;
        f->manager.on_unit_changed = on_unit_changed;
        f->manager.on_unit_changed_userdata = &fake;
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        unit_free(f->unit);
        sd_event_unref(f->manager.event);
        free(f);
        return 0;
}

static Unit *unit_with(Fixture *f, const char *service_lines) {
        _cleanup_free_ char *text = NULL;
        UnitFile *file = NULL;

        f->unit = unit_free(f->unit);
        f->manager.n_active = 0;
        fake = (Fake) { .next_pid = 1000 };
        assert_true(asprintf(&text, "[Service]\n%s", service_lines) > 0);
        assert_int_equal(unit_new(&f->manager, "machine.service", &f->unit), 0);
        assert_int_equal(unit_file_load_string("machine.service", "machine.service", text, NULL, &file), 0);
        f->unit->file = file;
        assert_int_equal(unit_config_parse(file, NULL, &f->unit->config), 0);
        f->unit->load_state = UNIT_LOADED;
        return f->unit;
}

/* What runs in the row's initial state, beyond the state's usual processes. */
enum {
        F_NO_MAIN = 1 << 0,       /* the main process is gone (or never was) */
        F_NO_CONTROL = 1 << 1,    /* no control process runs */
        F_POPULATED = 1 << 2,     /* something else of the unit still runs */
        F_FAILED = 1 << 3,        /* the cycle has failed already (result exit-code) */
        F_RELOAD_READY = 1 << 4,  /* RELOADING=1 was seen, READY=1 is awaited */
        F_FORKING_LOST = 1 << 5,  /* Type=forking: no daemon is found after the parent */
        F_MAIN = 1 << 6,          /* a main process runs, in a state that usually has none */
        F_CONTROL = 1 << 7,       /* an ExecStop= runs, in a state that usually has none */
};

static bool state_has_main(ServiceState s) {
        return s == SERVICE_START || s == SERVICE_START_POST || s == SERVICE_RUNNING ||
               s == SERVICE_RELOAD || s == SERVICE_STOP || s == SERVICE_STOP_SIGTERM ||
               s == SERVICE_STOP_SIGKILL;
}

/* The command list a state's control process runs, or -1. */
static int state_control(ServiceState s) {
        switch (s) {
        case SERVICE_START_PRE:
                return SERVICE_EXEC_START_PRE;
        case SERVICE_START_POST:
                return SERVICE_EXEC_START_POST;
        case SERVICE_RELOAD:
                return SERVICE_EXEC_RELOAD;
        case SERVICE_STOP:
                return SERVICE_EXEC_STOP;
        case SERVICE_STOP_POST:
                return SERVICE_EXEC_STOP_POST;
        default:
                return -1;
        }
}

/* Puts U into STATE as the machine would have left it: its processes, its activity count,
 * its timer. Then forgets what the fake saw on the way. */
static void place(Unit *u, ServiceState state, unsigned flags) {
        int control = state_control(state);

        u->state = state;
        u->forbid_restart = false;
        u->result = flags & F_FAILED ? SERVICE_FAILURE_EXIT_CODE : SERVICE_SUCCESS;
        if (state != SERVICE_DEAD && state != SERVICE_FAILED) {
                u->holds_activity = true;
                u->manager->n_active = 1;
        }
        if ((state_has_main(state) && !(flags & F_NO_MAIN)) || (flags & F_MAIN))
                (void) fake_process(u, true);
        if (control < 0 && (flags & F_CONTROL))
                control = SERVICE_EXEC_STOP;
        if (control >= 0 && !(flags & F_NO_CONTROL)) {
                u->control_command_id = (ServiceExecCommand) control;
                u->command_index = 0;
                (void) fake_process(u, false);
        }
        if (state == SERVICE_START)
                u->control_command_id = SERVICE_EXEC_START;
        u->reload_pending_ready = flags & F_RELOAD_READY;
        fake.populated = flags & F_POPULATED;
        fake.adopt_main_result = flags & F_FORKING_LOST ? -ESRCH : 0;
        fake.n_spawns = fake.n_kills = fake.n_kill_control = fake.n_changes = 0;
}

/* ---- events ---- */

typedef enum Ev {
        EV_START,
        EV_STOP,
        EV_RELOAD,
        EV_EXECED,
        EV_READY,
        EV_RELOADING,
        EV_STOPPING,
        EV_MAIN_OK,      /* the main process exits with 0 */
        EV_MAIN_FAIL,    /* ... with 1 */
        EV_MAIN_SIGTERM, /* ... killed by SIGTERM */
        EV_CONTROL_OK,
        EV_CONTROL_FAIL,
        EV_ALL_GONE,
        EV_TIMER,
        EV_WATCHDOG,
        EV_WATCHDOG_TRIGGER, /* WATCHDOG=trigger */
} Ev;

/* The column of service.c's table each test event stands for. */
static ServiceEvent ev_column(Ev e) {
        static const ServiceEvent map[] = {
                [EV_START] = SERVICE_EVENT_START,
                [EV_STOP] = SERVICE_EVENT_STOP,
                [EV_RELOAD] = SERVICE_EVENT_RELOAD,
                [EV_EXECED] = SERVICE_EVENT_MAIN_EXECED,
                [EV_READY] = SERVICE_EVENT_READY,
                [EV_RELOADING] = SERVICE_EVENT_RELOADING,
                [EV_STOPPING] = SERVICE_EVENT_STOPPING,
                [EV_MAIN_OK] = SERVICE_EVENT_MAIN_EXITED,
                [EV_MAIN_FAIL] = SERVICE_EVENT_MAIN_EXITED,
                [EV_MAIN_SIGTERM] = SERVICE_EVENT_MAIN_EXITED,
                [EV_CONTROL_OK] = SERVICE_EVENT_CONTROL_EXITED,
                [EV_CONTROL_FAIL] = SERVICE_EVENT_CONTROL_EXITED,
                [EV_ALL_GONE] = SERVICE_EVENT_ALL_GONE,
                [EV_TIMER] = SERVICE_EVENT_TIMER,
                [EV_WATCHDOG] = SERVICE_EVENT_WATCHDOG,
                [EV_WATCHDOG_TRIGGER] = SERVICE_EVENT_WATCHDOG,
        };
        return map[e];
}

static void main_exits(Unit *u, int code, int status) {
        assert_non_null(u->main);
        u->main->exited = true;
        u->main->code = code;
        u->main->status = status;
        service_on_main_exited(u, code, status);
}

static void control_exits(Unit *u, int status) {
        assert_non_null(u->control);
        u->control->exited = true;
        u->control = NULL;
        service_on_control_exited(u, CLD_EXITED, status);
}

static void notify(Unit *u, NotifyMessage n) {
        service_notify(u, u->main ? u->main->pid : 1, &n);
}

/* Delivers E as the process layer, the notify socket or a client would. */
static int deliver(Unit *u, Ev e) {
        _cleanup_free_ char *msg = NULL;
        int r = 0;

        switch (e) {
        case EV_START:
                return service_start(u, &msg);
        case EV_STOP:
                return service_stop(u, &msg);
        case EV_RELOAD:
                return service_reload(u, &msg);
        case EV_EXECED:
                service_on_main_execed(u);
                break;
        case EV_READY:
                notify(u, (NotifyMessage) { .ready = true, .errno_value = -1 });
                break;
        case EV_RELOADING:
                notify(u, (NotifyMessage) { .reloading = true, .errno_value = -1 });
                break;
        case EV_STOPPING:
                notify(u, (NotifyMessage) { .stopping = true, .errno_value = -1 });
                break;
        case EV_MAIN_OK:
                main_exits(u, CLD_EXITED, 0);
                break;
        case EV_MAIN_FAIL:
                main_exits(u, CLD_EXITED, 1);
                break;
        case EV_MAIN_SIGTERM:
                main_exits(u, CLD_KILLED, SIGTERM);
                break;
        case EV_CONTROL_OK:
                control_exits(u, 0);
                break;
        case EV_CONTROL_FAIL:
                control_exits(u, 1);
                break;
        case EV_ALL_GONE:
                if (u->main)
                        u->main->exited = true;
                u->control = NULL;
                fake.populated = false;
                service_check_empty(u);
                break;
        case EV_TIMER:
                service_on_timer(u);
                break;
        case EV_WATCHDOG:
                service_on_watchdog(u);
                break;
        case EV_WATCHDOG_TRIGGER:
                notify(u, (NotifyMessage) { .watchdog = NOTIFY_WATCHDOG_TRIGGER, .errno_value = -1 });
                break;
        }
        return r;
}

/* ---- the table ---- */

#define SPAWN_NONE (-1)

typedef struct Row {
        const char *config;     /* [Service] lines; ExecStart=/bin/main comes first */
        ServiceState from;
        unsigned flags;
        Ev event;
        ServiceState to;
        ServiceResult result;
        int ret;                /* requests */
        int spawn;              /* the first command list spawned, or SPAWN_NONE */
        int kill;               /* the first signal sent by KillMode=, or 0 */
        bool kill_control;      /* the control process got SIGKILL */
        bool timer;             /* u->timer is armed afterwards */
} Row;

#define MAIN "ExecStart=/bin/main\n"
#define PRE "ExecStartPre=/bin/pre\n"
#define POST "ExecStartPost=/bin/post\n"
#define RELOAD "ExecReload=/bin/reload\n"
#define STOP "ExecStop=/bin/stop\n"
#define STOP_POST "ExecStopPost=/bin/stoppost\n"
#define ALL PRE POST RELOAD STOP STOP_POST

static const Row rows[] = {
        /* start */
        { MAIN, SERVICE_DEAD, 0, EV_START, SERVICE_RUNNING, .spawn = SERVICE_EXEC_START },
        { MAIN PRE, SERVICE_DEAD, 0, EV_START, SERVICE_START_PRE, .spawn = SERVICE_EXEC_START_PRE, .timer = true },
        { MAIN PRE, SERVICE_FAILED, F_FAILED, EV_START, SERVICE_START_PRE, .spawn = SERVICE_EXEC_START_PRE,
          .timer = true },
        { MAIN "Type=notify\n", SERVICE_AUTO_RESTART, 0, EV_START, SERVICE_START, .spawn = SERVICE_EXEC_START,
          .timer = true },
        { MAIN ALL, SERVICE_START_PRE, 0, EV_START, SERVICE_START_PRE, .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_START, 0, EV_START, SERVICE_START, .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_START_POST, 0, EV_START, SERVICE_START_POST, .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_RUNNING, 0, EV_START, SERVICE_RUNNING, .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_EXITED, 0, EV_START, SERVICE_EXITED, .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_RELOAD, 0, EV_START, SERVICE_RELOAD, .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_STOP, 0, EV_START, SERVICE_STOP, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_STOP_SIGTERM, 0, EV_START, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_STOP_SIGKILL, 0, EV_START, SERVICE_STOP_SIGKILL, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_STOP_POST, 0, EV_START, SERVICE_STOP_POST, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_FINAL_SIGTERM, F_POPULATED, EV_START, SERVICE_FINAL_SIGTERM, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_FINAL_SIGKILL, F_POPULATED, EV_START, SERVICE_FINAL_SIGKILL, .spawn = SPAWN_NONE },

        /* stop */
        { MAIN ALL, SERVICE_DEAD, 0, EV_STOP, SERVICE_DEAD, .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_FAILED, F_FAILED, EV_STOP, SERVICE_FAILED, SERVICE_FAILURE_EXIT_CODE,
          .ret = -EALREADY, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_START_PRE, 0, EV_STOP, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE, .kill = SIGTERM,
          .timer = true },
        { MAIN ALL, SERVICE_START, 0, EV_STOP, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE, .kill = SIGTERM,
          .timer = true },
        { MAIN ALL, SERVICE_START_POST, 0, EV_STOP, SERVICE_STOP, .spawn = SERVICE_EXEC_STOP,
          .kill_control = true, .timer = true },
        { MAIN ALL, SERVICE_RUNNING, 0, EV_STOP, SERVICE_STOP, .spawn = SERVICE_EXEC_STOP, .kill_control = true,
          .timer = true },
        { MAIN, SERVICE_RUNNING, 0, EV_STOP, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE, .kill = SIGTERM,
          .kill_control = true, .timer = true },
        { MAIN ALL, SERVICE_EXITED, 0, EV_STOP, SERVICE_STOP, .spawn = SERVICE_EXEC_STOP, .kill_control = true,
          .timer = true },
        { MAIN ALL, SERVICE_RELOAD, 0, EV_STOP, SERVICE_STOP, .spawn = SERVICE_EXEC_STOP, .kill_control = true,
          .timer = true },
        { MAIN ALL, SERVICE_AUTO_RESTART, 0, EV_STOP, SERVICE_DEAD, .spawn = SPAWN_NONE },
        /* As systemd: a stop ends the failed cycle as stopped, with the result reset. */
        { MAIN ALL, SERVICE_AUTO_RESTART, F_FAILED, EV_STOP, SERVICE_DEAD, SERVICE_SUCCESS, .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_STOP_SIGTERM, 0, EV_STOP, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE },

        /* reload */
        { MAIN RELOAD, SERVICE_RUNNING, 0, EV_RELOAD, SERVICE_RELOAD, .spawn = SERVICE_EXEC_RELOAD, .timer = true },
        { MAIN RELOAD, SERVICE_EXITED, 0, EV_RELOAD, SERVICE_RELOAD, .spawn = SERVICE_EXEC_RELOAD, .timer = true },
        { MAIN, SERVICE_RUNNING, 0, EV_RELOAD, SERVICE_RUNNING, .ret = -ENOTSUP, .spawn = SPAWN_NONE },
        { MAIN RELOAD, SERVICE_DEAD, 0, EV_RELOAD, SERVICE_DEAD, .ret = -ENOTCONN, .spawn = SPAWN_NONE },
        { MAIN RELOAD, SERVICE_START, 0, EV_RELOAD, SERVICE_START, .ret = -ENOTCONN, .spawn = SPAWN_NONE },
        { MAIN RELOAD, SERVICE_RELOAD, 0, EV_RELOAD, SERVICE_RELOAD, .ret = -ENOTCONN, .spawn = SPAWN_NONE },

        /* the launch's execve */
        { MAIN "Type=exec\n", SERVICE_START, 0, EV_EXECED, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN "Type=exec\n" POST, SERVICE_START, 0, EV_EXECED, SERVICE_START_POST,
          .spawn = SERVICE_EXEC_START_POST, .timer = true },
        { MAIN "Type=notify\n", SERVICE_START, 0, EV_EXECED, SERVICE_START, .spawn = SPAWN_NONE },

        /* READY=1, RELOADING=1, STOPPING=1 */
        { MAIN "Type=notify\n", SERVICE_START, 0, EV_READY, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN "Type=exec\n", SERVICE_START, 0, EV_READY, SERVICE_START, .spawn = SPAWN_NONE },
        { MAIN "Type=notify\n", SERVICE_RELOAD, F_NO_CONTROL | F_RELOAD_READY, EV_READY, SERVICE_RUNNING,
          .spawn = SPAWN_NONE },
        { MAIN "Type=notify\n" RELOAD, SERVICE_RELOAD, F_RELOAD_READY, EV_READY, SERVICE_RELOAD,
          .spawn = SPAWN_NONE },
        { MAIN "Type=notify\n", SERVICE_RUNNING, 0, EV_READY, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN "Type=notify\n", SERVICE_RUNNING, 0, EV_RELOADING, SERVICE_RELOAD, .spawn = SPAWN_NONE,
          .timer = true },
        { MAIN "Type=notify\n", SERVICE_EXITED, 0, EV_RELOADING, SERVICE_EXITED, .spawn = SPAWN_NONE },
        { MAIN "Type=notify\n" ALL, SERVICE_RUNNING, 0, EV_STOPPING, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE,
          .timer = true },
        { MAIN "Type=notify\n", SERVICE_EXITED, 0, EV_STOPPING, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE,
          .timer = true },
        { MAIN "Type=notify\n", SERVICE_START, 0, EV_STOPPING, SERVICE_START, .spawn = SPAWN_NONE },

        /* the main process exits in start */
        { MAIN "Type=oneshot\n", SERVICE_START, 0, EV_MAIN_OK, SERVICE_DEAD, .spawn = SPAWN_NONE,
          .kill = SIGTERM },
        { MAIN "Type=oneshot\nRemainAfterExit=yes\n", SERVICE_START, 0, EV_MAIN_OK, SERVICE_EXITED,
          .spawn = SPAWN_NONE },
        { MAIN MAIN "Type=oneshot\n", SERVICE_START, 0, EV_MAIN_OK, SERVICE_START, .spawn = SERVICE_EXEC_START },
        /* A oneshot has no TimeoutStartSec= by default: no timer. */
        { MAIN "Type=oneshot\n" POST, SERVICE_START, 0, EV_MAIN_OK, SERVICE_START_POST,
          .spawn = SERVICE_EXEC_START_POST },
        { MAIN "Type=oneshot\n", SERVICE_START, 0, EV_MAIN_FAIL, SERVICE_FAILED, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN "Type=forking\n", SERVICE_START, 0, EV_MAIN_OK, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN "Type=forking\n", SERVICE_START, F_FORKING_LOST, EV_MAIN_OK, SERVICE_FAILED,
          SERVICE_FAILURE_PROTOCOL, .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN "Type=notify\n", SERVICE_START, 0, EV_MAIN_OK, SERVICE_FAILED, SERVICE_FAILURE_PROTOCOL,
          .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN "Type=exec\n" STOP_POST, SERVICE_START, 0, EV_MAIN_FAIL, SERVICE_STOP_POST,
          SERVICE_FAILURE_EXIT_CODE, .spawn = SERVICE_EXEC_STOP_POST, .kill = SIGTERM, .timer = true },
        { MAIN "Type=exec\nRestart=on-failure\n", SERVICE_START, 0, EV_MAIN_FAIL, SERVICE_AUTO_RESTART,
          SERVICE_FAILURE_EXIT_CODE, .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },

        /* the main process exits later */
        { MAIN ALL, SERVICE_START_POST, 0, EV_MAIN_FAIL, SERVICE_START_POST, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_RELOAD, 0, EV_MAIN_FAIL, SERVICE_RELOAD, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE },
        { MAIN ALL, SERVICE_STOP, 0, EV_MAIN_SIGTERM, SERVICE_STOP, .spawn = SPAWN_NONE },
        { MAIN, SERVICE_RUNNING, 0, EV_MAIN_OK, SERVICE_DEAD, .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN, SERVICE_RUNNING, 0, EV_MAIN_FAIL, SERVICE_FAILED, SERVICE_FAILURE_EXIT_CODE, .spawn = SPAWN_NONE,
          .kill = SIGTERM },
        { MAIN "RemainAfterExit=yes\n", SERVICE_RUNNING, 0, EV_MAIN_OK, SERVICE_EXITED, .spawn = SPAWN_NONE },
        { MAIN STOP, SERVICE_RUNNING, 0, EV_MAIN_OK, SERVICE_STOP, .spawn = SERVICE_EXEC_STOP, .timer = true },
        { MAIN "Restart=always\n", SERVICE_RUNNING, 0, EV_MAIN_OK, SERVICE_AUTO_RESTART, .spawn = SPAWN_NONE,
          .kill = SIGTERM, .timer = true },
        { MAIN "Restart=on-failure\n", SERVICE_RUNNING, 0, EV_MAIN_FAIL, SERVICE_AUTO_RESTART,
          SERVICE_FAILURE_EXIT_CODE, .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN, SERVICE_STOP_SIGTERM, 0, EV_MAIN_SIGTERM, SERVICE_DEAD, .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN STOP_POST, SERVICE_STOP_SIGTERM, 0, EV_MAIN_SIGTERM, SERVICE_STOP_POST,
          .spawn = SERVICE_EXEC_STOP_POST, .timer = true },
        { MAIN, SERVICE_STOP_SIGTERM, F_POPULATED, EV_MAIN_SIGTERM, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE },
        { MAIN, SERVICE_STOP_SIGKILL, 0, EV_MAIN_FAIL, SERVICE_FAILED, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN, SERVICE_FINAL_SIGTERM, F_MAIN | F_POPULATED, EV_MAIN_SIGTERM, SERVICE_FINAL_SIGTERM,
          .spawn = SPAWN_NONE },
        { MAIN, SERVICE_FINAL_SIGKILL, F_MAIN, EV_MAIN_SIGTERM, SERVICE_DEAD, .spawn = SPAWN_NONE },
        { MAIN STOP, SERVICE_STOP_SIGTERM, F_CONTROL, EV_CONTROL_FAIL, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE },
        { MAIN STOP, SERVICE_STOP_SIGKILL, F_CONTROL | F_NO_MAIN, EV_CONTROL_FAIL, SERVICE_DEAD,
          .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN STOP, SERVICE_FINAL_SIGTERM, F_CONTROL | F_POPULATED, EV_CONTROL_FAIL, SERVICE_FINAL_SIGTERM,
          .spawn = SPAWN_NONE },
        { MAIN STOP, SERVICE_FINAL_SIGKILL, F_CONTROL, EV_CONTROL_FAIL, SERVICE_DEAD, .spawn = SPAWN_NONE },
        { MAIN, SERVICE_EXITED, 0, EV_ALL_GONE, SERVICE_EXITED, .spawn = SPAWN_NONE },

        /* the control process exits */
        { MAIN "Type=notify\n" PRE, SERVICE_START_PRE, 0, EV_CONTROL_OK, SERVICE_START,
          .spawn = SERVICE_EXEC_START, .timer = true },
        { MAIN PRE PRE, SERVICE_START_PRE, 0, EV_CONTROL_OK, SERVICE_START_PRE, .spawn = SERVICE_EXEC_START_PRE,
          .timer = true },
        { MAIN PRE, SERVICE_START_PRE, 0, EV_CONTROL_FAIL, SERVICE_FAILED, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN "ExecStartPre=-/bin/pre\n", SERVICE_START_PRE, 0, EV_CONTROL_FAIL, SERVICE_RUNNING,
          .spawn = SERVICE_EXEC_START },
        { MAIN POST, SERVICE_START_POST, 0, EV_CONTROL_OK, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN POST STOP, SERVICE_START_POST, 0, EV_CONTROL_FAIL, SERVICE_STOP, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SERVICE_EXEC_STOP, .timer = true },
        { MAIN POST, SERVICE_START_POST, 0, EV_CONTROL_FAIL, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN RELOAD, SERVICE_RELOAD, 0, EV_CONTROL_OK, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN RELOAD, SERVICE_RELOAD, 0, EV_CONTROL_FAIL, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN STOP, SERVICE_STOP, 0, EV_CONTROL_OK, SERVICE_STOP_SIGTERM, .spawn = SPAWN_NONE, .kill = SIGTERM,
          .timer = true },
        { MAIN STOP, SERVICE_STOP, 0, EV_CONTROL_FAIL, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN STOP_POST, SERVICE_STOP_POST, 0, EV_CONTROL_OK, SERVICE_DEAD, .spawn = SPAWN_NONE,
          .kill = SIGTERM },
        { MAIN STOP_POST, SERVICE_STOP_POST, F_POPULATED, EV_CONTROL_OK, SERVICE_FINAL_SIGTERM,
          .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN STOP_POST, SERVICE_STOP_POST, 0, EV_CONTROL_FAIL, SERVICE_FAILED, SERVICE_FAILURE_EXIT_CODE,
          .spawn = SPAWN_NONE, .kill = SIGTERM },

        /* everything is gone */
        { MAIN, SERVICE_STOP_SIGTERM, 0, EV_ALL_GONE, SERVICE_DEAD, .spawn = SPAWN_NONE, .kill = SIGTERM },
        { MAIN STOP_POST, SERVICE_STOP_SIGKILL, 0, EV_ALL_GONE, SERVICE_STOP_POST,
          .spawn = SERVICE_EXEC_STOP_POST, .timer = true },
        { MAIN, SERVICE_FINAL_SIGTERM, F_POPULATED, EV_ALL_GONE, SERVICE_DEAD, .spawn = SPAWN_NONE },
        { MAIN "Restart=on-failure\n", SERVICE_FINAL_SIGKILL, F_POPULATED | F_FAILED, EV_ALL_GONE,
          SERVICE_AUTO_RESTART, SERVICE_FAILURE_EXIT_CODE, .spawn = SPAWN_NONE, .timer = true },

        /* timers */
        { MAIN PRE, SERVICE_START_PRE, 0, EV_TIMER, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT,
          .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN "Type=notify\n", SERVICE_START, 0, EV_TIMER, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT,
          .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN POST STOP, SERVICE_START_POST, 0, EV_TIMER, SERVICE_STOP, SERVICE_FAILURE_TIMEOUT,
          .spawn = SERVICE_EXEC_STOP, .kill_control = true, .timer = true },
        { MAIN RELOAD, SERVICE_RELOAD, 0, EV_TIMER, SERVICE_RUNNING, .spawn = SPAWN_NONE, .kill_control = true },
        { MAIN STOP, SERVICE_STOP, 0, EV_TIMER, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT,
          .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN, SERVICE_STOP_SIGTERM, 0, EV_TIMER, SERVICE_STOP_SIGKILL, SERVICE_FAILURE_TIMEOUT,
          .spawn = SPAWN_NONE, .kill = SIGKILL, .timer = true },
        { MAIN, SERVICE_STOP_SIGKILL, F_POPULATED, EV_TIMER, SERVICE_FINAL_SIGTERM, SERVICE_FAILURE_TIMEOUT,
          .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN STOP_POST, SERVICE_STOP_POST, F_NO_CONTROL | F_POPULATED, EV_TIMER, SERVICE_FINAL_SIGTERM,
          SERVICE_FAILURE_TIMEOUT, .spawn = SPAWN_NONE, .kill = SIGTERM, .timer = true },
        { MAIN, SERVICE_FINAL_SIGTERM, F_POPULATED, EV_TIMER, SERVICE_FINAL_SIGKILL, SERVICE_FAILURE_TIMEOUT,
          .spawn = SPAWN_NONE, .kill = SIGKILL, .timer = true },
        { MAIN, SERVICE_FINAL_SIGKILL, F_POPULATED, EV_TIMER, SERVICE_FAILED, SERVICE_FAILURE_TIMEOUT,
          .spawn = SPAWN_NONE },
        { MAIN PRE, SERVICE_AUTO_RESTART, 0, EV_TIMER, SERVICE_START_PRE, .spawn = SERVICE_EXEC_START_PRE,
          .timer = true },
        { MAIN, SERVICE_RUNNING, 0, EV_TIMER, SERVICE_RUNNING, .spawn = SPAWN_NONE },
        { MAIN, SERVICE_DEAD, 0, EV_TIMER, SERVICE_DEAD, .spawn = SPAWN_NONE },

        /* the watchdog */
        { MAIN "WatchdogSec=1\n", SERVICE_RUNNING, 0, EV_WATCHDOG, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG,
          .spawn = SPAWN_NONE, .kill = SIGABRT, .kill_control = true, .timer = true },
        { MAIN POST, SERVICE_START_POST, 0, EV_WATCHDOG_TRIGGER, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG,
          .spawn = SPAWN_NONE, .kill = SIGABRT, .kill_control = true, .timer = true },
        { MAIN RELOAD, SERVICE_RELOAD, 0, EV_WATCHDOG, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG,
          .spawn = SPAWN_NONE, .kill = SIGABRT, .kill_control = true, .timer = true },
        { MAIN "WatchdogSec=1\n", SERVICE_START, 0, EV_WATCHDOG, SERVICE_START, .spawn = SPAWN_NONE },
        { MAIN "RemainAfterExit=yes\n", SERVICE_EXITED, 0, EV_WATCHDOG_TRIGGER, SERVICE_EXITED,
          .spawn = SPAWN_NONE },
};

/* Fails naming the row, its state and its event. */
#define row_check(cond, fmt, ...)                                                                   \
        do {                                                                                        \
                if (!(cond))                                                                        \
                        fail_msg("row %zu (%s, %s): " fmt, i, service_state_to_string(row->from),   \
                                 service_event_to_string(ev_column(row->event)), __VA_ARGS__);      \
        } while (0)

static const char *spawn_name(int id) {
        return id == SPAWN_NONE ? "nothing" : service_exec_command_to_string((ServiceExecCommand) id);
}

static void check_row(Fixture *f, size_t i) {
        const Row *row = &rows[i];
        Unit *u = unit_with(f, row->config);

        place(u, row->from, row->flags);
        int r = deliver(u, row->event);

        row_check(u->state == row->to, "state %s, expected %s", service_state_to_string(u->state),
                  service_state_to_string(row->to));
        row_check(u->result == row->result, "result %s, expected %s", service_result_to_string(u->result),
                  service_result_to_string(row->result));
        row_check(r == row->ret, "returned %d, expected %d", r, row->ret);
        int spawned = fake.n_spawns > 0 ? (int) fake.spawns[0].id : SPAWN_NONE;
        row_check(spawned == row->spawn, "spawned %s, expected %s", spawn_name(spawned), spawn_name(row->spawn));
        int sig = fake.n_kills > 0 ? fake.kills[0] : 0;
        row_check(sig == row->kill, "sent signal %d, expected %d", sig, row->kill);
        row_check((fake.n_kill_control > 0) == row->kill_control, "control process %skilled",
                  row->kill_control ? "not " : "");
        row_check((u->timer != NULL) == row->timer, "timer %sarmed", row->timer ? "not " : "");

        /* One announcement per change of state, the last one for the state reached; and the
         * activity count follows the state. */
        if (row->to != row->from)
                row_check(fake.n_changes > 0 && fake.changes[fake.n_changes - 1] == row->to,
                          "%zu announcements, the last not of %s", fake.n_changes,
                          service_state_to_string(row->to));
        else
                row_check(fake.n_changes == 0, "%zu announcements without a change", fake.n_changes);
        bool inactive = u->state == SERVICE_DEAD || u->state == SERVICE_FAILED;
        row_check(f->manager.n_active == (inactive ? 0u : 1u), "%u active units", f->manager.n_active);
}

static void test_rows(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(rows); i++)
                check_row(*state, i);
}

/* Every entry of service.c's table is exercised by a row; every row whose event the table
 * ignores in its state expects the state to stay. */
static void test_table_covered(void **state) {
        for (ServiceState s = 0; s < _SERVICE_STATE_MAX; s++)
                for (ServiceEvent e = 0; e < _SERVICE_EVENT_MAX; e++) {
                        bool handled = service_event_handled(s, e), seen = false;
                        for (size_t i = 0; i < ELEMENTSOF(rows); i++)
                                if (rows[i].from == s && ev_column(rows[i].event) == e)
                                        seen = true;
                        if (handled && !seen)
                                fail_msg("No row for event %s in state %s.", service_event_to_string(e),
                                         service_state_to_string(s));
                }
        for (size_t i = 0; i < ELEMENTSOF(rows); i++)
                if (!service_event_handled(rows[i].from, ev_column(rows[i].event)) && rows[i].to != rows[i].from)
                        fail_msg("Row %zu changes state on an event the table ignores.", i);
}

/* A whole cycle, announcement by announcement: start, READY=1, stop, and the processes go. */
static void test_lifecycle_announced_once_per_change(void **state) {
        Fixture *f = *state;
        Unit *u = unit_with(f, MAIN "Type=notify\n" STOP_POST);
        static const ServiceState want[] = {
                SERVICE_START, SERVICE_RUNNING, SERVICE_STOP_SIGTERM, SERVICE_STOP_POST,
                SERVICE_DEAD,
        };

        assert_int_equal(deliver(u, EV_START), 0);
        assert_int_equal(u->state, SERVICE_START);
        deliver(u, EV_READY);
        assert_int_equal(u->state, SERVICE_RUNNING);
        assert_int_equal(deliver(u, EV_STOP), 0);
        assert_int_equal(u->state, SERVICE_STOP_SIGTERM);
        deliver(u, EV_MAIN_SIGTERM);
        assert_int_equal(u->state, SERVICE_STOP_POST);
        deliver(u, EV_CONTROL_OK);
        assert_int_equal(u->state, SERVICE_DEAD);
        assert_int_equal(u->result, SERVICE_SUCCESS);
        assert_int_equal(fake.n_changes, ELEMENTSOF(want));
        for (size_t i = 0; i < ELEMENTSOF(want); i++)
                assert_int_equal(fake.changes[i], want[i]);
        assert_int_equal(f->manager.n_active, 0);
}

/* A start while the unit stops is remembered and done once it is dead. */
static void test_start_while_stopping(void **state) {
        Fixture *f = *state;
        Unit *u = unit_with(f, MAIN);

        place(u, SERVICE_STOP_SIGTERM, 0);
        assert_int_equal(deliver(u, EV_START), 0);
        assert_true(u->restart_requested);
        deliver(u, EV_MAIN_SIGTERM);
        assert_int_equal(u->state, SERVICE_RUNNING);
        assert_int_equal(fake.n_spawns, 1);
        assert_int_equal(fake.spawns[0].id, SERVICE_EXEC_START);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
                cmocka_unit_test(test_table_covered),
                cmocka_unit_test_setup_teardown(test_lifecycle_announced_once_per_change, setup, teardown),
                cmocka_unit_test_setup_teardown(test_start_while_stopping, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
