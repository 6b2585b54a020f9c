/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl: command line client. Global options come before the verb; each verb parses
 * its own. Offline verbs (verify, analyze) need no daemon; the others talk to syscaged over
 * its control socket (--socket, else $SYSCAGE_SOCKET, else /run/syscage/control.sock).
 *
 * Exit codes (an interface; see bus-client.h; import-oci/export-oci: ctl/oci.c):
 *   0    success; for is-active/is-failed/is-enabled: at least one unit is in that state
 *   1    the operation failed (or found errors; start, stop, ...: the job failed or was
 *        canceled); is-failed/is-enabled: no unit in that state; is-system-running: not running
 *   3    is-active, status: no unit named is active; reload, ...: the unit cannot do that
 *        (no ExecReload=), as systemctl
 *   4    no such unit
 *   5    access denied (only uid 0 and the daemon's --control-group may change state);
 *        start, stop, restart, reload, ...: no such unit (systemctl's code)
 *   6    the daemon cannot be reached
 *   100  usage error
 * run --wait ends with the unit's outcome instead: 0 for result success, the main process's
 * exit status for exit-code, 255 for signal, 1 for any other result.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "bus-client.h"
#include "config.h"
#include "ctl.h"
#include "macro.h"
#include "oci.h"
#include "strv.h"
#include "user-dirs.h"
#include "verbs-learn.h"
#include "verbs-online.h"
#include "verbs-units.h"
#include "verify.h"

char **arg_units_dirs = NULL;
/* --user: the per-user daemon's socket and search path (lib/user-dirs.h). */
static bool arg_user = false;
static UserDirs arg_user_dirs = {};

typedef struct Verb {
        const char *name;
        int (*run)(int argc, char **argv);
} Verb;

static const Verb verbs[] = {
        { "analyze", verb_analyze },
        { "verify", verb_verify },
        { "list", verb_list },
        { "list-units", verb_list },
        { "status", verb_status },
        { "show", verb_show },
        { "cat", verb_cat },
        { "logs", verb_logs },
        { "start", verb_unit_op },
        { "stop", verb_unit_op },
        { "restart", verb_unit_op },
        { "try-restart", verb_unit_op },
        { "reload", verb_unit_op },
        { "reload-or-restart", verb_unit_op },
        { "try-reload-or-restart", verb_unit_op },
        { "reload-or-try-restart", verb_unit_op },
        { "force-reload", verb_unit_op },
        { "condrestart", verb_unit_op },
        { "condreload", verb_unit_op },
        { "enable", verb_unit_op },
        { "disable", verb_unit_op },
        { "kill", verb_kill },
        { "reset-failed", verb_reset_failed },
        { "is-active", verb_is },
        { "is-failed", verb_is },
        { "is-enabled", verb_is },
        { "is-system-running", verb_is_system_running },
        { "daemon-reload", verb_daemon_reload },
        { "daemon-reexec", verb_daemon_reexec },
        { "run", verb_run },
        { "import-oci", verb_import_oci },
        { "export-oci", verb_export_oci },
        { "learn", verb_learn },
        { "mask", verb_mask },
        { "unmask", verb_mask },
        { "edit", verb_edit },
        { "list-unit-files", verb_list_unit_files },
        { "list-dependencies", verb_list_dependencies },
};

static int help(void) {
        printf("syscagectl [OPTIONS...] COMMAND ...\n\n"
               "Unit commands (talk to syscaged):\n"
               "  list [--all] [--state=STATE,...] [--failed] [--json]\n"
               "                                         List units (alias list-units)\n"
               "  status [UNIT...] [-l] [--json]         Show the state of units\n"
               "  show UNIT... [-p PROP,...] [-P PROP] [--value] [--all] [--json]\n"
               "                                         Show properties\n"
               "  cat UNIT...                            Show unit files\n"
               "  logs [-u] UNIT... [-f] [-n N] [--since=T] [--until=T] [-p LEVEL] [-o short|cat|json]\n"
               "                                         Show (and follow) units' logs\n"
               "  start|stop|restart|try-restart|reload|reload-or-restart [--no-block] UNIT...\n"
               "  try-reload-or-restart|force-reload|condrestart [--no-block] UNIT...\n"
               "                                         Change state, waiting until done\n"
               "  kill [--signal=SIG] UNIT...            Send a signal to a unit's processes\n"
               "  reset-failed [UNIT...]                 Clear the failed state\n"
               "  is-active|is-failed|is-enabled [-q] UNIT...\n"
               "  enable|disable [--now [--no-block]] UNIT...\n"
               "                                         Start at boot, or not (--now: and now)\n"
               "  is-system-running [-q]                 running, degraded, starting, stopping\n"
               "  daemon-reload                          Reload unit files\n"
               "  daemon-reexec                          Re-execute the daemon (after an upgrade),\n"
               "                                         keeping every service\n"
               "  run [-p KEY=VALUE]... [--unit NAME] [--wait] [--pipe] [--collect] [-q]\n"
               "      [--setenv K=V] [--working-directory DIR] CMD [ARG...]\n"
               "                                         Run a command as a transient unit\n"
               "      [--learn=FILE [--learn-groups] [--learn-merge=FILE]]\n"
               "                                         ... and write the policy it needs\n"
               "  list-unit-files [PATTERN...] [--state=STATE,...]\n"
               "                                         List unit files and their states\n"
               "  list-dependencies UNIT [--reverse] [--all]\n"
               "                                         Show a unit's Wants=/Requires= as a tree\n"
               "  mask|unmask [--runtime] UNIT...        Make a unit impossible to start, or undo it\n"
               "  edit [--full] [--runtime] UNIT...      Edit a drop-in (or, --full, the whole unit)\n"
               "  learn UNIT --output=FILE [--learn-groups] [--learn-merge=FILE] [--diff]\n"
               "                                         Restart UNIT in learn mode until it\n"
               "                                         stops, then write the policy it needs\n\n"
               "Offline commands (no daemon needed):\n"
               "  verify [--relax DIRECTIVE]... FILE|NAME...\n"
               "                                         Check unit files\n"
               "  analyze syscall-filter [@GROUP...]     List syscall groups and members\n"
               "  analyze policy FILE|NAME [--syscall NAME] [--bpf] [--pfc] [--baseline=FILE]\n"
               "                                         Explain a unit's seccomp policy\n"
               "  analyze resolve NAME|NUMBER [--arch ARCH]\n"
               "                                         Syscall name <-> number\n"
               "  analyze security FILE|NAME [--json]   Exposure from the compiled filter and sandbox\n"
               "  import-oci FILE [--caps=CAP,...] [--arch=ARCH,...] [--strict]\n"
               "                                         An OCI seccomp profile as a unit drop-in\n"
               "  export-oci UNIT|FILE [--strict]        A unit's seccomp policy as an OCI profile\n\n"
               "Options:\n"
               "  -h --help              Show this help\n"
               "     --version           Show the version\n"
               "     --no-pager          Accepted for systemctl's sake; we never page\n"
               "     --user              Talk to the per-user daemon (syscaged --user) at\n"
               "                         $XDG_RUNTIME_DIR/syscage/control.sock; offline verbs\n"
               "                         use the per-user search path ($XDG_CONFIG_HOME/syscage/user, ...)\n"
               "     --socket PATH       The daemon's control socket (default $SYSCAGE_SOCKET,\n"
               "                         else %s)\n"
               "     --units-dir DIR     Look for units in DIR (repeatable) instead of\n"
               "                         " SYSCAGE_UNITS_PATH_HELP "\n", SYSCAGE_CONTROL_SOCKET);
        return 0;
}

static int parse_argv(int argc, char **argv) {
        enum { ARG_VERSION = 0x100, ARG_UNITS_DIR, ARG_SOCKET, ARG_NO_PAGER, ARG_USER };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "units-dir", required_argument, NULL, ARG_UNITS_DIR },
                { "socket", required_argument, NULL, ARG_SOCKET },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                { "user", no_argument, NULL, ARG_USER },
                {}
        };
        int c;

        /* '+': stop at the verb, its options are its own. */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        return help();
                case ARG_VERSION:
                        printf("syscagectl %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_UNITS_DIR:
                        if (strv_extend(&arg_units_dirs, optarg) < 0) {
                                fprintf(stderr, "Out of memory.\n");
                                return -1;
                        }
                        break;
                case ARG_SOCKET:
                        arg_socket = optarg;
                        break;
                case ARG_NO_PAGER:
                        break; /* we never page */
                case ARG_USER:
                        arg_user = true;
                        break;
                default:
                        return -1;
                }
        return 1;
}

/* --user: what --socket and --units-dir did not give comes from XDG. */
static int apply_user_mode(void) {
        const char *missing = NULL;
        int r;

        if (!arg_user)
                return 0;
        r = user_dirs_from_environment(&arg_user_dirs, &missing);
        if (r == -ENXIO) {
                fprintf(stderr, "--user needs $%s (an absolute path) to find the per-user daemon.\n", missing);
                return -1;
        }
        if (r < 0 || (!arg_units_dirs && !(arg_units_dirs = strv_copy(arg_user_dirs.units_path)))) {
                fprintf(stderr, "Out of memory.\n");
                return -1;
        }
        if (!arg_socket)
                arg_socket = arg_user_dirs.socket_path;
        return 0;
}

int main(int argc, char **argv) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0) {
                strv_free(arg_units_dirs);
                return r < 0 ? 100 : 0;
        }
        if (apply_user_mode() < 0) {
                r = 1;
                goto finish;
        }
        if (optind >= argc) {
                fprintf(stderr, "Expected a command. See 'syscagectl --help'.\n");
                r = 100;
                goto finish;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, argv[optind])) {
                        r = verbs[i].run(argc - optind, argv + optind);
                        goto finish;
                }
        fprintf(stderr, "Unknown command '%s'. See 'syscagectl --help'.\n", argv[optind]);
        r = 100;
finish:
        strv_free(arg_units_dirs);
        user_dirs_done(&arg_user_dirs);
        return r;
}
