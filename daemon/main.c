/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscaged: the service supervisor. Parses options, hardens the process, and hands over to
 * the Manager. Exit codes: 0 clean shutdown, 1 start-up failure, 2 usage error.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "baseline.h"
#include "bus/bus.h"
#include "config.h"
#include "sys/log.h"
#include "sys/holder-client.h"
#include "core/manager-baseline.h"
#include "core/manager.h"
#include "core/manager-takeover.h"
#include "io/output.h"
#include "parse-util.h"
#include "policy.h"
#include "sandbox-check.h"
#include "strv.h"
#include "user-dirs.h"

#define EXIT_USAGE 2


static char **arg_units_dirs = NULL;
static const char *arg_state_dir = SYSCAGE_STATE_DIR;
static const char *arg_runtime_dir = SYSCAGE_RUNTIME_DIR;
static const char *arg_socket = NULL;
static const char *arg_directories_root = "/";
static const char *arg_control_group = NULL;
static char **arg_relax = NULL;
static bool arg_holder = true;
/* The node baseline: the default path unless --baseline= says otherwise (empty: none). */
static const char *arg_baseline = BASELINE_PATH_DEFAULT;
static bool arg_baseline_explicit = false;
static unsigned arg_denial_sources = DENIAL_SOURCE_AUDIT | DENIAL_SOURCE_KMSG;
/* --user: a per-user daemon; the directories not given explicitly come from XDG. */
static bool arg_user = false;
static bool arg_state_dir_set = false, arg_runtime_dir_set = false;
static UserDirs arg_user_dirs = {};
static uint64_t arg_log_max_file_bytes = 0;
static unsigned arg_log_max_files = 0;

static void help(void) {
        printf("syscaged [OPTIONS...]\n\n"
               "Runs services described by unit files under their seccomp policy.\n\n"
               "  -h --help              Show this help\n"
               "     --version           Show the version\n"
               "     --units-dir DIR     Load units from DIR (repeatable, first wins) instead\n"
               "                         of " SYSCAGE_UNITS_PATH_HELP "\n"
               "     --state-dir DIR     Persistent state (default %s)\n"
               "     --runtime-dir DIR   Runtime state (default %s)\n"
               "     --socket PATH       Control socket (default RUNTIME_DIR/control.sock)\n"
               "     --directories-root DIR\n"
               "                         RuntimeDirectory= and friends below DIR/run,\n"
               "                         DIR/var/lib, DIR/var/cache, DIR/var/log, DIR/etc\n"
               "                         (default /)\n"
               "     --control-group GROUP\n"
               "                         Members of GROUP may change state over the control\n"
               "                         socket (uid 0 always may; everyone may read)\n"
               "     --relax DIRECTIVE   Where this host cannot enforce the sandbox directive\n"
               "                         DIRECTIVE (e.g. PrivateNetwork, PrivateUsers), run\n"
               "                         units without it, with a warning, instead of refusing\n"
               "                         them (repeatable)\n"
               "     --baseline=FILE     The node baseline: a policy every service gets as a\n"
               "                         filter of its own (default %s; empty: none)\n"
               "     --denial-records=SOURCE\n"
               "                         Where seccomp records are read: both (default), audit\n"
               "                         (the audit multicast group only) or kmsg (the kernel\n"
               "                         log only)\n"
               "     --user              A per-user daemon: units, state and socket in the XDG\n"
               "                         directories ($XDG_CONFIG_HOME/syscage/user, ...,\n"
               "                         $XDG_STATE_HOME/syscage, $XDG_RUNTIME_DIR/syscage);\n"
               "                         only its own user may use the socket\n"
               "     --no-holder         Run without the fd holder: a crash of the daemon then\n"
               "                         loses its services' output and exec gates (see\n"
               "                         syscaged(8), \"Surviving a crash\")\n"
               "     --log-level LEVEL   debug, info, notice, warning, err, crit, alert,\n"
               "                         emerg, or 0-7 (default info)\n"
               "     --log-max-file-size=BYTES\n"
               "                         Rotate a unit's log file before it grows past this\n"
               "                         (K, M, G suffixes; default 1M, at least 4K)\n"
               "     --log-max-files=N   Log files kept per unit, the current one included\n"
               "                         (default 5, 1-1000)\n",
               SYSCAGE_STATE_DIR, SYSCAGE_RUNTIME_DIR, BASELINE_PATH_DEFAULT);
}

enum {
        ARG_VERSION = 0x100,
        ARG_UNITS_DIR,
        ARG_STATE_DIR,
        ARG_RUNTIME_DIR,
        ARG_SOCKET,
        ARG_DIRECTORIES_ROOT,
        ARG_CONTROL_GROUP,
        ARG_LOG_LEVEL,
        ARG_RELAX,
        ARG_NO_HOLDER,
        ARG_BASELINE,
        ARG_DENIAL_RECORDS,
        ARG_USER,
        ARG_LOG_MAX_FILE_SIZE,
        ARG_LOG_MAX_FILES,
};

/* Returns 1 to go on, 0 to exit successfully (help, version), or -errno (usage error,
 * already logged). */
static int parse_argv(int argc, char **argv) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "units-dir", required_argument, NULL, ARG_UNITS_DIR },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "runtime-dir", required_argument, NULL, ARG_RUNTIME_DIR },
                { "socket", required_argument, NULL, ARG_SOCKET },
                { "directories-root", required_argument, NULL, ARG_DIRECTORIES_ROOT },
                { "control-group", required_argument, NULL, ARG_CONTROL_GROUP },
                { "log-level", required_argument, NULL, ARG_LOG_LEVEL },
                { "relax", required_argument, NULL, ARG_RELAX },
                { "no-holder", no_argument, NULL, ARG_NO_HOLDER },
                { "baseline", required_argument, NULL, ARG_BASELINE },
                { "denial-records", required_argument, NULL, ARG_DENIAL_RECORDS },
                { "user", no_argument, NULL, ARG_USER },
                { "log-max-file-size", required_argument, NULL, ARG_LOG_MAX_FILE_SIZE },
                { "log-max-files", required_argument, NULL, ARG_LOG_MAX_FILES },
                {}
        };
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("syscaged %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_UNITS_DIR:
                        if (isempty(optarg))
                                return log_error_errno(EINVAL, "--units-dir needs a directory.");
                        if (strv_extend(&arg_units_dirs, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_STATE_DIR:
                case ARG_RUNTIME_DIR:
                case ARG_SOCKET:
                case ARG_DIRECTORIES_ROOT:
                        if (isempty(optarg) || optarg[0] != '/')
                                return log_error_errno(EINVAL, "--%s needs an absolute path, got '%s'.",
                                                       c == ARG_STATE_DIR ? "state-dir"
                                                       : c == ARG_RUNTIME_DIR ? "runtime-dir"
                                                       : c == ARG_SOCKET ? "socket"
                                                                         : "directories-root",
                                                       optarg);
                        if (c == ARG_STATE_DIR)
                                arg_state_dir = optarg, arg_state_dir_set = true;
                        else if (c == ARG_RUNTIME_DIR)
                                arg_runtime_dir = optarg, arg_runtime_dir_set = true;
                        else if (c == ARG_SOCKET)
                                arg_socket = optarg;
                        else
                                arg_directories_root = optarg;
                        break;
                case ARG_CONTROL_GROUP:
                        if (isempty(optarg))
                                return log_error_errno(EINVAL, "--control-group needs a group name.");
                        arg_control_group = optarg;
                        break;
                case ARG_LOG_LEVEL:
                        r = log_level_from_string(optarg);
                        if (r < 0)
                                return log_error_errno(r, "Unknown log level '%s'.", optarg);
                        log_set_max_level(r);
                        break;
                case ARG_RELAX:
                        if (!sandbox_directive_is_relaxable(optarg))
                                return log_error_errno(EINVAL, "--relax: '%s' is not a sandbox directive "
                                                       "that can be relaxed (those that need a namespace "
                                                       "of any kind, PrivateUsers= included).", optarg);
                        if (!strv_contains(arg_relax, optarg) && strv_extend(&arg_relax, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_NO_HOLDER:
                        arg_holder = false;
                        break;
                case ARG_BASELINE:
                        if (!isempty(optarg) && optarg[0] != '/')
                                return log_error_errno(EINVAL, "--baseline needs an absolute path or nothing, got '%s'.",
                                                       optarg);
                        arg_baseline = isempty(optarg) ? NULL : optarg;
                        arg_baseline_explicit = true;
                        break;
                case ARG_DENIAL_RECORDS:
                        if (streq(optarg, "both"))
                                arg_denial_sources = DENIAL_SOURCE_AUDIT | DENIAL_SOURCE_KMSG;
                        else if (streq(optarg, "audit"))
                                arg_denial_sources = DENIAL_SOURCE_AUDIT;
                        else if (streq(optarg, "kmsg"))
                                arg_denial_sources = DENIAL_SOURCE_KMSG;
                        else
                                return log_error_errno(EINVAL, "--denial-records takes both, audit or kmsg, got '%s'.",
                                                       optarg);
                        break;
                case ARG_USER:
                        arg_user = true;
                        break;
                case ARG_LOG_MAX_FILE_SIZE:
                        if (parse_size(optarg, &arg_log_max_file_bytes) < 0 || arg_log_max_file_bytes < 4096 ||
                            arg_log_max_file_bytes == UINT64_MAX)
                                return log_error_errno(EINVAL, "--log-max-file-size needs a size of at least 4K, "
                                                       "got '%s'.", optarg);
                        break;
                case ARG_LOG_MAX_FILES:
                        if (parse_unsigned(optarg, &arg_log_max_files) < 0 || arg_log_max_files < 1 ||
                            arg_log_max_files > OUTPUT_FILES_KEPT_MAX)
                                return log_error_errno(EINVAL, "--log-max-files needs a number from 1 to %u, "
                                                       "got '%s'.", OUTPUT_FILES_KEPT_MAX, optarg);
                        break;
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'.", argv[optind]);
        return 1;
}

/* --user: the XDG directories for whatever --units-dir, --state-dir and --runtime-dir did not
 * give (lib/user-dirs.h says why there is no fallback for XDG_RUNTIME_DIR). */
static int apply_user_mode(void) {
        const char *missing = NULL;
        int r;

        if (!arg_user)
                return 0;
        r = user_dirs_from_environment(&arg_user_dirs, &missing);
        if (r == -ENXIO)
                return log_error_errno(r, "--user needs $%s (an absolute path) to find its directories%s.",
                                       missing, streq(missing, "XDG_RUNTIME_DIR")
                                       ? "; it is set by pam_systemd at login, or pass --runtime-dir "
                                         "with a directory only this user can reach" : "");
        if (r < 0)
                return log_oom();
        if (!arg_units_dirs && !(arg_units_dirs = strv_copy(arg_user_dirs.units_path)))
                return log_oom();
        if (!arg_state_dir_set)
                arg_state_dir = arg_user_dirs.state_dir;
        if (!arg_runtime_dir_set)
                arg_runtime_dir = arg_user_dirs.runtime_dir;
        return 0;
}

/* Process-wide settings made once, before anything else runs. */
static int harden_process(void) {
        sigset_t mask;

        /* No core dumps, no ptrace by same-uid processes, /proc/self owned by root: the
         * daemon holds seccomp listener fds that must not be stolen. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return log_error_errno(errno, "Failed to make the process non-dumpable: %m");
        /* Orphans of services become our children, not init's, so we reap them. */
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
                return log_error_errno(errno, "Failed to become a child subreaper: %m");
        umask(022);
        /* These arrive through the event loop's signalfd. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGUSR2);
        sigaddset(&mask, SIGCHLD);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "Failed to block signals: %m");
        /* A client that goes away mid-write must not kill us. */
        signal(SIGPIPE, SIG_IGN);

        /* Every client connection and every service holds fds: take all we are allowed. */
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) >= 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                        log_warning_errno(errno, "Failed to raise the fd limit, ignoring: %m");
        }

        /* Out of the services' reach: the kernel lets a sender without CAP_KILL signal a
         * process only if its real or effective uid is the target's real or saved uid. A root
         * service shares uid 0 with us; the guard uid it does not have (and a gated service
         * cannot take it: the filter denies set*uid to it). The effective uid stays 0, so we
         * keep every capability and create files as root. */
        if (geteuid() == 0 && getuid() == 0 &&
            setresuid(POLICY_GUARD_UID, 0, POLICY_GUARD_UID) < 0)
                log_warning_errno(errno, "Failed to take the guard uid %u, so processes running as root "
                                  "can signal the daemon: %m", (unsigned) POLICY_GUARD_UID);
        int subreaper = 0;
        (void) prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0);
        log_debug("Hardened: dumpable=%d, child subreaper=%d.", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0),
                  subreaper);
        return 0;
}

/* Without a holder above us (none in the environment), become one: the holder binary
 * replaces this process (same pid, so whoever started us still has the right one) and starts
 * the daemon again as its child. Returns only when that is not possible, after logging why. */
static void become_holder(const char *self, char **argv) {
        _cleanup_free_ char *holder = NULL;

        if (!arg_holder || holder_client_env_present())
                return;
        if (takeover_holder_path(self, &holder) < 0) {
                log_warning("The fd holder (syscage-holder) was not found next to %s; running without "
                            "it: a crash of syscaged would lose its services' output and exec gates.", self);
                return;
        }
        size_t n = strv_length(argv);
        _cleanup_free_ char **args = calloc(n + 2, sizeof(char *));
        if (!args) {
                log_oom();
                return;
        }
        args[0] = holder;
        args[1] = (char *) self;
        for (size_t i = 1; i < n; i++)
                args[i + 1] = argv[i];
        execv(holder, args);
        log_warning_errno(errno, "Failed to execute the fd holder %s, running without it: %m", holder);
}

static int run(int argc, char **argv) {
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(bus_freep) Bus *bus = NULL; /* freed before the manager */
        _cleanup_(holder_client_freep) HolderClient *holder = NULL;
        _cleanup_free_ char *self = NULL;
        int r;

        log_setup();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : 0;
        if (apply_user_mode() < 0)
                return 1;
        /* Our own binary, as it is now: after an upgrade, re-exec runs the new one at the
         * same path, which /proc/self/exe would no longer name. */
        r = takeover_self_path(&self);
        if (r < 0)
                return log_error_errno(r, "Failed to find our own executable: %m"), 1;
        /* A bad baseline fails the start here, before the holder, so that whoever started us
         * sees the errors and the exit status (a daemon under a holder checks it again). */
        if (!holder_client_env_present() && manager_baseline_precheck(arg_baseline, arg_baseline_explicit) < 0)
                return 1;
        become_holder(self, argv);
        r = holder_client_from_env(&holder);
        if (r < 0)
                log_error_errno(r, "The fd holder's socket is not usable, running without it: %m");
        r = harden_process();
        if (r < 0)
                return 1;
        ManagerConfig cfg = {
                .units_dirs = arg_units_dirs,
                .state_dir = arg_state_dir,
                .runtime_dir = arg_runtime_dir,
                .socket_path = arg_socket,
                .relax = arg_relax,
                .directories_root = arg_directories_root,
                .baseline_path = arg_baseline,
                .baseline_explicit = arg_baseline_explicit,
                .denial_sources = arg_denial_sources,
                .user_mode = arg_user,
                .log_max_file_bytes = arg_log_max_file_bytes,
                .log_max_files = arg_log_max_files,
        };
        r = manager_new(&cfg, &m);
        if (r < 0)
                return 1;
        m->holder = TAKE_PTR(holder);
        m->self_path = TAKE_PTR(self);
        m->argv = argv;
        r = manager_startup(m);
        if (r < 0) {
                (void) sd_notifyf(false, "STATUS=Failed to start: %s\nERRNO=%d", strerror(-r), -r);
                return 1;
        }
        BusConfig bus_cfg = {
                .socket_path = m->socket_path,
                .control_group = arg_control_group,
                .listen_fd = TAKE_FD(m->adopted_control_fd),
                .user_mode = arg_user,
        };
        r = bus_new(m, &bus_cfg, &bus);
        if (r < 0) {
                (void) sd_notifyf(false, "STATUS=Failed to open the control socket: %s\nERRNO=%d",
                                  strerror(-r), -r);
                return 1;
        }
        takeover_hold(m, "control", bus->listen_fd);
        takeover_ready(m);
        manager_start_enabled(m);
        r = manager_run(m);
        if (m->reexec_requested) {
                bus_flush(bus); /* the answer to daemon-reexec goes out first */
                manager_reexec_now(m); /* does not return */
        }
        if (r == 0 && m->shutdown_requested)
                takeover_forget_all(m);
        return r;
}

int main(int argc, char **argv) {
        int r = run(argc, argv);
        strv_free(arg_units_dirs);
        strv_free(arg_relax);
        user_dirs_done(&arg_user_dirs);
        return r;
}
