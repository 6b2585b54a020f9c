/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The runtime Unit: everything the daemon knows about one service. The parsed pieces
 * (UnitFile, UnitConfig, Policy) are immutable and replaced as a whole on daemon-reload; the
 * runtime part (state, processes, timers, counters, denials) lives as long as the daemon.
 *
 * Users and groups are resolved to numbers when the unit loads, never at start: a start must
 * not block on NSS. The state machine that moves a Unit is in service.c; this file owns the
 * data, its string tables, denial records and the machine-readable status file.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "diag.h"
#include "exec/exec-gate.h"
#include "io/output.h"
#include "macro.h"
#include "parse-util.h"
#include "unit-config.h"
#include "unit-file.h"

typedef struct Manager Manager;
typedef struct Policy Policy;
typedef struct FilterEntry FilterEntry;
typedef struct OutputStream OutputStream;
typedef struct UnitRuntime UnitRuntime;

/* Named limits (STYLE.md #10). */
#define UNIT_DENIALS_KEPT 16u            /* last N denial records per unit */
#define UNIT_DENIAL_COUNTERS_MAX 64u     /* distinct syscall names counted per unit */
#define UNIT_STATUS_TEXT_MAX 1024u       /* bytes of STATUS= kept */
#define UNIT_DENIAL_PATH_MAX 512u        /* bytes of a denied path kept in a record */
#define UNIT_DENIAL_EXE_MAX 256u         /* bytes of the caller's executable kept in a record */
#define UNIT_DENIAL_LOG_EACH 8u          /* log lines per syscall and kind; then at powers of 2 */
#define UNIT_SUPPLEMENTARY_GROUPS_MAX 64u
#define UNIT_RECENT_PIDS 8u              /* exited pids remembered for late kill records */
#define UNIT_OUTPUT_GRACE_USEC (1000u * 1000u) /* wait for output after the end, at most */
#define UNIT_KEPT_GATES_MAX 128u         /* gates of exited processes kept for their descendants */

typedef enum UnitLoadState {
        UNIT_LOADED,
        UNIT_ERROR,
        UNIT_NOT_FOUND,
        UNIT_MASKED,
        _UNIT_LOAD_STATE_MAX,
        _UNIT_LOAD_STATE_INVALID = -EINVAL,
} UnitLoadState;

typedef enum UnitActiveState {
        UNIT_ACTIVE,
        UNIT_RELOADING,
        UNIT_INACTIVE,
        UNIT_FAILED,
        UNIT_ACTIVATING,
        UNIT_DEACTIVATING,
        _UNIT_ACTIVE_STATE_MAX,
        _UNIT_ACTIVE_STATE_INVALID = -EINVAL,
} UnitActiveState;

/* Sub-states, named as systemd names a service's. See service.h for what each means. */
typedef enum ServiceState {
        SERVICE_DEAD,
        SERVICE_START_PRE,
        SERVICE_START,
        SERVICE_START_POST,
        SERVICE_RUNNING,
        SERVICE_EXITED,
        SERVICE_RELOAD,
        SERVICE_STOP,
        SERVICE_STOP_SIGTERM,
        SERVICE_STOP_SIGKILL,
        SERVICE_STOP_POST,
        SERVICE_FINAL_SIGTERM,
        SERVICE_FINAL_SIGKILL,
        SERVICE_FAILED,
        SERVICE_AUTO_RESTART,
        _SERVICE_STATE_MAX,
        _SERVICE_STATE_INVALID = -EINVAL,
} ServiceState;

/* Nothing runs and nothing is on its way (dead or failed). */
static inline bool service_state_is_inactive(ServiceState s) {
        return s == SERVICE_DEAD || s == SERVICE_FAILED;
}

typedef enum ServiceResult {
        SERVICE_SUCCESS,
        SERVICE_FAILURE_RESOURCES,
        SERVICE_FAILURE_PROTOCOL,
        SERVICE_FAILURE_TIMEOUT,
        SERVICE_FAILURE_EXIT_CODE,
        SERVICE_FAILURE_SIGNAL,
        SERVICE_FAILURE_CORE_DUMP,
        SERVICE_FAILURE_WATCHDOG,
        SERVICE_FAILURE_START_LIMIT_HIT,
        _SERVICE_RESULT_MAX,
        _SERVICE_RESULT_INVALID = -EINVAL,
} ServiceResult;

/* Credentials resolved at load time. */
typedef struct UnitCreds {
        uid_t uid;            /* EXEC_UID_UNSET without User= */
        gid_t gid;            /* EXEC_GID_UNSET without User=/Group= */
        char *user;           /* the name as resolved, for $USER/$LOGNAME */
        char *home, *shell;   /* from the passwd entry, for $HOME/$SHELL and "~" */
        gid_t *groups;        /* SupplementaryGroups= */
        size_t n_groups;
        bool set_groups;      /* true when User= is set: setgroups() to exactly these */
} UnitCreds;

/* One process the unit started, with the fds the daemon watches for it. The ExecProcess
 * carries the gate's listener; it is kept after the process exits for as long as some
 * descendant still uses the filter. A main pid that is not our child (PIDFile=) has no
 * ExecProcess, only a pidfd. */
typedef struct UnitProcess {
        struct Unit *unit;
        ExecProcess *exec;       /* NULL for an adopted pid */
        pid_t pid;
        int pidfd;               /* owned (for adopted pids; else exec->pidfd) */
        sd_event_source *pidfd_source, *socket_source, *listener_source;
        bool exited;
        bool is_main;
        bool adopted_orphan;     /* taken over from a previous daemon, not our child: its exit
                                  * status comes from the fd holder, which reaped it */
        int code, status;        /* from waitid once exited */
        uint64_t start_time;     /* /proc/PID/stat starttime: with pid, this one process */
        char holder_name[80];    /* the gate's listener as the fd holder keeps it, or "" */
        sd_event_source *phase_timer; /* the after-loader marker's deadline (service-phase.h) */
} UnitProcess;

/* A process of the unit that has not exited yet. */
static inline bool unit_process_alive(const UnitProcess *p) {
        return p && !p->exited;
}

/* A denied (or, with LOGGED, only logged) system call. From the exec gate (GATE), or from
 * the kernel's audit record (sys/kmsg.h): a kill, an errno denial (seen because the filters
 * are loaded with SECCOMP_FILTER_FLAG_LOG), or a SystemCallLog= hit. */
typedef struct UnitDenial {
        usec_t timestamp;        /* CLOCK_REALTIME */
        pid_t pid;
        char comm[17];
        char syscall[32];
        char path[UNIT_DENIAL_PATH_MAX]; /* exec gate only; may be empty */
        char exe[UNIT_DENIAL_EXE_MAX];   /* kernel records only; may be empty */
        char action[24];         /* "EPERM" (errno name), "kill", "killed" (gate), "trap" */
        bool gate;               /* from the exec gate (else from the kernel's audit record) */
        bool logged;             /* a SystemCallLog= hit: allowed, counted apart */
} UnitDenial;

typedef struct UnitDenialCounter {
        char syscall[32];
        uint64_t count;          /* denials */
        uint64_t logged;         /* SystemCallLog= hits */
} UnitDenialCounter;

/* A unit's denial records and counters: some 12 KB, so allocated with the first denial
 * rather than carried by every unit. */
typedef struct UnitDenials {
        UnitDenial records[UNIT_DENIALS_KEPT];
        size_t n_records;        /* written since this daemon has the unit; next slot = n % KEPT */
        UnitDenialCounter counters[UNIT_DENIAL_COUNTERS_MAX];
        size_t n_counters;
} UnitDenials;

typedef struct Unit {
        Manager *manager;
        char *name;

        UnitLoadState load_state;
        DiagList load_diags;
        int load_error;          /* -errno behind UNIT_ERROR/UNIT_NOT_FOUND */
        UnitFile *file;
        UnitConfig *config;
        Policy *policy;
        FilterEntry *filters;    /* reference into the manager's cache; NULL when unfiltered */
        /* Learn mode (core/unit-learn.h): its processes run under the learn filter and their
         * calls go into LEARNED, which outlives the mode for the client to fetch. */
        bool learn;
        struct LearnRecord *learned;
        unsigned learn_dropped;  /* calls that could not be recorded */
        struct UnitPhase *phase; /* the main phase (core/service-phase.h); NULL: none */
        uint64_t sandbox_skip;   /* the sandbox directives --relax skips on this host
                                  * (SANDBOX_DIRECTIVE_BIT()s), decided at load */
        UnitCreds creds;
        UnitRuntime *runtime;    /* the activation's identity and directories (unit-runtime.h) */
        bool removed;            /* gone from disk at the last reload; unload once inactive */

        /* Replacement from daemon-reload while the unit was active, applied when it next
         * starts. Owned; NULL when there is none. */
        struct Unit *pending;

        ServiceState state;
        ServiceResult result;        /* of the last start/stop cycle */
        ServiceResult reload_result;
        usec_t state_change_timestamp; /* CLOCK_REALTIME */
        usec_t active_enter_timestamp, active_exit_timestamp, inactive_enter_timestamp;
        usec_t exec_main_start_timestamp, exec_main_exit_timestamp; /* the last main process */

        UnitProcess *main;
        UnitProcess *control;
        UnitProcess **procs;     /* all processes still holding fds (main, control, old) */
        size_t n_procs, allocated_procs;
        pid_t main_pid;          /* for status; kept after exit */
        int exec_main_code;      /* CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0 before any exit */
        int exec_main_status;
        bool main_pid_known;
        pid_t recent_pids[UNIT_RECENT_PIDS]; /* the kernel's kill record comes after the exit */
        size_t n_recent_pids;
        bool main_execed;        /* EXEC_REPORT_EXECED arrived for the main process */

        ServiceExecCommand control_command_id;
        size_t command_index;    /* position inside the running Exec*= list */

        /* Output of the current start cycle: one stream shared by the main and control
         * processes, so the log keeps their order. The previous cycle's stream stays until
         * it is drained. */
        OutputStream *output, *output_prev;

        sd_event_source *timer;          /* state timeout or restart delay */
        sd_event_source *release_timer;  /* bounds the wait for output after the end */
        bool holds_activity;             /* counted in the Manager's active units */
        sd_event_source *watchdog_timer;
        sd_event_source *pid_file_timer; /* looking for PIDFile= again (Type=forking) */
        sd_event_source *cgroup_source;  /* inotify on cgroup.events */
        char *cgroup_path;               /* absolute, NULL without cgroups */
        bool cgroup_created;             /* this cycle's cgroup exists (opened for each spawn) */
        /* Transient units started with "run --pipe": the client's stdin, stdout and stderr,
         * handed to every process of the unit as they are (same open file, same offset, a
         * socket works too). -EBADF where the unit's StandardInput=/Output=/Error= apply. */
        int stdio_fds[3];

        unsigned n_restarts;
        usec_t start_limit_begin;        /* CLOCK_MONOTONIC */
        unsigned start_limit_count;
        usec_t last_start_monotonic;     /* for the RestartSec= floor */
        bool forbid_restart;             /* an explicit stop: no auto-restart */
        bool restart_requested;          /* manager_restart_unit: start again when dead */
        bool start_queued;               /* in the Manager's start queue (manager-order.c) */
        bool dependency_failed;          /* its queued start was dropped: a requirement failed */
        bool start_canceled;             /* its queued start was dropped: a requirement stops */
        bool notify_ready;               /* READY=1 seen during this start */
        bool notify_stopping;
        bool reload_pending_ready;       /* RELOADING=1 seen; waiting for READY=1 */
        bool kill_with_watchdog;         /* the next stop signal is SIGABRT (watchdog) */
        usec_t watchdog_last;            /* CLOCK_MONOTONIC of the last WATCHDOG=1/READY=1 */
        uint64_t start_seq;              /* order of starts, for reverse-order stop */
        /* Condition*=/Assert*= of the last start request (service-condition.c): a start
         * skipped by a condition or refused by an assert still takes a start_seq, and
         * skipped_seq names it so that its job ends (done, or "assert"). */
        bool condition_result, assert_result; /* false before the first check, as systemd's */
        usec_t condition_timestamp, assert_timestamp; /* CLOCK_REALTIME, 0 before any check */
        char *condition_unmet;           /* "ConditionPathExists=!/x" that failed, or NULL */
        uint64_t skipped_seq;

        char invocation_id[33];
        char *status_text;
        /* The node baseline its most recent process was started under, as
         * manager_baseline_description() said then; "none" for none; NULL: nothing started
         * yet. Kept in the state file, so a daemon that takes over knows it. */
        char *baseline;

        UnitDenials *denials;            /* NULL until the first denial */
        size_t n_denials_total;          /* denials counted (kept across a takeover) */
        size_t n_logged_total;           /* SystemCallLog= hits (not in the records) */
} Unit;

const char *unit_load_state_to_string(UnitLoadState s);
int unit_load_state_from_string(const char *s);
const char *unit_active_state_to_string(UnitActiveState s);
int unit_active_state_from_string(const char *s);
const char *service_state_to_string(ServiceState s);
int service_state_from_string(const char *s);
const char *service_result_to_string(ServiceResult r);
int service_result_from_string(const char *s);

/* Creates an empty unit in state dead, load state not-found. */
int unit_new(Manager *m, const char *name, Unit **ret);
/* Frees everything, the processes' fds included. Does not kill or reap. */
Unit *unit_free(Unit *u);
DEFINE_TRIVIAL_CLEANUP_FUNC(Unit *, unit_free);

/* Moves the load result (file, config, policy, filters, creds, diagnostics) of SRC into DST
 * and frees SRC. Used when a reloaded unit takes effect. */
void unit_take_load(Unit *dst, Unit *src);

/* Resolves User=/Group=/SupplementaryGroups= with NSS. Called at load time only. Returns
 * -ESRCH (with a diagnostic in u->load_diags) for an unknown user or group. */
int unit_resolve_creds(Unit *u);
void unit_creds_done(UnitCreds *c);

/* NotifyAccess= in effect: as systemd, "none" becomes "main" for Type=notify and with
 * WatchdogSec= (the parser cannot tell an explicit "none" from the default either). */
NotifyAccess unit_notify_access(const Unit *u);

/* Where systemd puts a service in its active states. */
UnitActiveState unit_active_state(const Unit *u);
bool unit_is_active_or_transitioning(const Unit *u);
/* Whether L names U, by its own name or one of its aliases (Alias= symlinks). */
bool unit_named_in(const Unit *u, char *const *l);

/* Adds a denial record: keeps the last UNIT_DENIALS_KEPT and a counter per syscall name,
 * writes a line to the unit's log and to the daemon's log (the first UNIT_DENIAL_LOG_EACH
 * per syscall, then at each power of two: a service that loops on a denied call does not
 * flood either), and refreshes the status file. A LOGGED record only counts, apart. */
void unit_add_denial(Unit *u, const UnitDenial *d);
/* Comma list "name:count,..." of the denial counters, into a newly allocated string. */
int unit_format_denied_syscalls(const Unit *u, char **ret);
/* The same for SystemCallLog= hits. */
int unit_format_logged_syscalls(const Unit *u, char **ret);
/* Sets a counter (restoring a state file). */
int unit_restore_denial_counter(Unit *u, const char *syscall, uint64_t count, uint64_t logged);
/* The most recent record, or NULL. */
const UnitDenial *unit_last_denial(const Unit *u);
/* The records kept (at most UNIT_DENIALS_KEPT), and the I-th of them, oldest first. */
size_t unit_n_denial_records(const Unit *u);
const UnitDenial *unit_denial_record(const Unit *u, size_t i);

/* Sets STATUS= text (truncated to UNIT_STATUS_TEXT_MAX). */
int unit_set_status_text(Unit *u, const char *text);

/* Writes the status as KEY=VALUE lines (the status file's format, see
 * contrib/docs/service-runtime.md) to F. -EIO on a write error, -ENOMEM. */
int unit_status_dump(Unit *u, FILE *f);

/* Writes RUNTIME_DIR/units/UNIT.status atomically (tmp + rename), at the end of the current
 * event-loop iteration: however often it is called for a unit in one iteration, the file is
 * written once. Failure is logged and otherwise ignored: the status file is for observation,
 * it never stops a service. */
void unit_write_status_file(Unit *u);
/* Writes every queued status file now (at exit). */
void unit_flush_status_files(Manager *m);
/* Drops the unit from the queue (it is being freed). */
void unit_forget_status_file(Unit *u);
void unit_remove_status_file(Unit *u);

/* Appends a line of the daemon's own to the unit's log (STATE_DIR/logs/UNIT.log). */
void unit_log_line(Unit *u, const char *fmt, ...) _printf_(2, 3);

/* A new random $INVOCATION_ID (32 hex digits) into u->invocation_id. */
int unit_new_invocation_id(Unit *u);

/* The fragment name of a transient unit's UnitFile (made from a client's properties). */
#define UNIT_TRANSIENT_FILE "(transient)"
/* Where a directive the daemon adds for its own protection comes from (unit-load.c). */
#define UNIT_GUARD_FILE "(syscaged: guard uid)"
bool unit_is_transient(const Unit *u);

/* A start cycle's output stream: hands its pipes to the fd holder, or takes them back from
 * it and frees the stream (returns NULL). */
void unit_output_hold(Unit *u, OutputStream *s);
/* The name the fd holder keeps the pipe T of the stream STREAM_ID under: "out:ID:stdout". */
void unit_output_holder_name(const char *stream_id, OutputStreamType t, char *buf, size_t size);
/* Takes the pipes back from the holder (once the stream is drained, nothing needs them). */
void unit_output_release(Unit *u, OutputStream *s);
OutputStream *unit_output_free(Unit *u, OutputStream *s);

/* Process bookkeeping. unit_process_free() closes the fds and event sources. */
UnitProcess *unit_process_free(UnitProcess *p);
int unit_add_process(Unit *u, UnitProcess *p);
void unit_drop_process(Unit *u, UnitProcess *p);
/* Remembers an exited pid of the unit, so a kill record arriving later finds the unit. */
void unit_remember_pid(Unit *u, pid_t pid);
/* True when pid is one of the unit's processes now: one not yet reaped, or (with cgroups)
 * one in its cgroup. A pid the unit had once is not enough: another process may have it by
 * now (in process-group mode there is nothing better to go by, and it is). */
bool unit_owns_pid(const Unit *u, pid_t pid);
