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

#include "bus/bus.h"
#include "config.h"
#include "sys/log.h"
#include "core/manager.h"
#include "sandbox-check.h"
#include "strv.h"

#define EXIT_USAGE 2

static char **arg_units_dirs = NULL;
static const char *arg_state_dir = SYSCAGE_STATE_DIR;
static const char *arg_runtime_dir = SYSCAGE_RUNTIME_DIR;
static const char *arg_socket = NULL;
static const char *arg_directories_root = "/";
static const char *arg_control_group = NULL;
static char **arg_relax = NULL;

static void help(void) {
        printf("syscaged [OPTIONS...]\n\n"
               "Runs services described by unit files under their seccomp policy.\n\n"
               "  -h --help              Show this help\n"
               "     --version           Show the version\n"
               "     --units-dir DIR     Load units from DIR (repeatable, first wins) instead\n"
               "                         of /etc/syscage/units, /run/syscage/units,\n"
               "                         /usr/lib/syscage/units\n"
               "     --state-dir DIR     Persistent state (default %s)\n"
               "     --runtime-dir DIR   Runtime state (default %s)\n"
               "     --socket PATH       Control socket (default RUNTIME_DIR/control.sock)\n"
               "     --directories-root DIR\n"
               "                         RuntimeDirectory=, StateDirectory=, LogsDirectory=\n"
               "                         below DIR/run, DIR/var/lib, DIR/var/log (default /)\n"
               "     --control-group GROUP\n"
               "                         Members of GROUP may change state over the control\n"
               "                         socket (uid 0 always may; everyone may read)\n"
               "     --relax DIRECTIVE   Where this host cannot enforce the sandbox directive\n"
               "                         DIRECTIVE (e.g. PrivateNetwork, PrivateUsers), run\n"
               "                         units without it, with a warning, instead of refusing\n"
               "                         them (repeatable)\n"
               "     --log-level LEVEL   debug, info, notice, warning, err, crit, alert,\n"
               "                         emerg, or 0-7 (default info)\n",
               SYSCAGE_STATE_DIR, SYSCAGE_RUNTIME_DIR);
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
                                arg_state_dir = optarg;
                        else if (c == ARG_RUNTIME_DIR)
                                arg_runtime_dir = optarg;
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
                default:
                        return -EINVAL;
                }
        }
        if (optind < argc)
                return log_error_errno(EINVAL, "Unexpected argument '%s'.", argv[optind]);
        return 1;
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

        int subreaper = 0;
        (void) prctl(PR_GET_CHILD_SUBREAPER, &subreaper, 0, 0, 0);
        log_debug("Hardened: dumpable=%d, child subreaper=%d.", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0),
                  subreaper);
        return 0;
}

static int run(int argc, char **argv) {
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(bus_freep) Bus *bus = NULL; /* freed before the manager */
        int r;

        log_setup();
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : 0;
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
        };
        r = manager_new(&cfg, &m);
        if (r < 0)
                return 1;
        r = manager_startup(m);
        if (r < 0) {
                (void) sd_notifyf(false, "STATUS=Failed to start: %s\nERRNO=%d", strerror(-r), -r);
                return 1;
        }
        BusConfig bus_cfg = {
                .socket_path = m->socket_path,
                .control_group = arg_control_group,
        };
        r = bus_new(m, &bus_cfg, &bus);
        if (r < 0) {
                (void) sd_notifyf(false, "STATUS=Failed to open the control socket: %s\nERRNO=%d",
                                  strerror(-r), -r);
                return 1;
        }
        manager_start_enabled(m);
        return manager_run(m);
}

int main(int argc, char **argv) {
        int r = run(argc, argv);
        strv_free(arg_units_dirs);
        strv_free(arg_relax);
        return r;
}
