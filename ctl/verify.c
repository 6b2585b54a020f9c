/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl verify: loads each unit exactly as the daemon would (file, drop-ins, typed
 * model, seccomp policy, compiled filter) and prints every diagnostic plus the lints that
 * only make sense for a human reading them, as text (FILE:LINE: KEY: severity: message) or
 * as JSON Lines (--json). Exit status: 0 no errors (with --strict: no warnings either),
 * 1 errors (or warnings with --strict), 100 usage error.
 */
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl-output.h"
#include "ctl.h"
#include "exec-command.h"
#include "sandbox-check.h"
#include "sandbox-probe.h"
#include "strv.h"
#include "filter.h"
#include "json-out.h"
#include "policy-build.h"
#include "policy-phase.h"
#include "policy.h"
#include "unit-config.h"
#include "unit-name.h"
#include "verify-root.h"
#include "verify.h"

/* The assignment that set the first ExecStart= command, for locating the lint below. */
static const UnitAssignment *find_exec_start(const UnitFile *u) {
        const UnitAssignment *found = NULL;

        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                if (!streq(a->section, "Service") || !streq(a->key, "ExecStart"))
                        continue;
                if (isempty(a->value))
                        found = NULL; /* an empty assignment resets the list */
                else if (!found)
                        found = a;
        }
        return found;
}

/* A script as ExecStart= starts fine (the interpreter is loaded by the launch execve), but
 * every command it runs afterwards is denied when the policy denies execve. */
static void lint_script_exec_start(const UnitFile *u, const UnitConfig *c, const Policy *p,
                                   const VerifyRoot *root, DiagList *diags) {
        const UnitAssignment *a = find_exec_start(u);
        const ExecCommand *cmd;
        char magic[2];
        int fd;

        if (!a || c->exec[SERVICE_EXEC_START].n == 0 || !policy_denies_exec(p))
                return;
        cmd = &c->exec[SERVICE_EXEC_START].commands[0];
        if (cmd->path[0] != '/')
                return;
        fd = root ? verify_root_open_file(root, cmd->path)
                  : open(cmd->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return;
        if (read(fd, magic, sizeof magic) == (ssize_t) sizeof magic && magic[0] == '#' &&
            magic[1] == '!')
                (void) diag_add_code(diags, DIAG_CODE_EXEC_GATE, DIAG_WARNING, a->file, a->line, "ExecStart",
                                "'%s' is a script and the policy denies execve: the script "
                                "starts, but every command it runs will be denied",
                                cmd->path);
        close(fd);
}

/* The last non-empty assignment of KEY in [Service], for locating a lint. */
static const UnitAssignment *find_last(const UnitFile *u, const char *key) {
        const UnitAssignment *found = NULL;

        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                if (streq(a->section, "Service") && streq(a->key, key) && !isempty(a->value))
                        found = a;
        }
        return found;
}

#define CAP_BIT(c) (UINT64_C(1) << (c))

/* With the exec gate, CAP_SYS_PTRACE would let the service take the gate's listener from
 * the daemon, so the launch refuses to raise it (an error here, as the start would fail).
 * And a root service that keeps the capabilities to reconfigure the kernel can have the
 * kernel start programs for it, which no filter on its own execve stops. */
static void lint_gate_capabilities(const UnitFile *u, const UnitConfig *c, const Policy *p,
                                   DiagList *diags) {
        static const uint64_t kernel_exec_caps = CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SYS_MODULE) |
                                                 CAP_BIT(CAP_DAC_OVERRIDE);
        const UnitAssignment *a;

        if (!policy_denies_exec(p))
                return;
        if ((c->ambient_capabilities & CAP_BIT(CAP_SYS_PTRACE)) &&
            (a = find_last(u, "AmbientCapabilities")))
                (void) diag_add_code(diags, DIAG_CODE_EXEC_GATE, DIAG_ERROR, a->file, a->line, a->key,
                                "CAP_SYS_PTRACE cannot be given to a service whose policy denies "
                                "execve: with it the service could take over the exec gate");
        if (!c->user && !c->sandbox.dynamic_user && (c->capability_bounding_set & kernel_exec_caps))
                (void) diag_add_code(diags, DIAG_CODE_EXEC_GATE, DIAG_WARNING, p->filter_origin.file,
                                p->filter_origin.line, "SystemCallFilter", "The policy denies execve, but the service "
                                "runs as root with CAP_SYS_ADMIN, CAP_SYS_MODULE or "
                                "CAP_DAC_OVERRIDE: it can make the kernel start programs for it "
                                "(core_pattern, the modprobe path, binfmt_misc); set User= or "
                                "CapabilityBoundingSet=");
}

static const char *const exec_keys[] = {
        "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost",
};

static bool is_exec_key(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(exec_keys); i++)
                if (streq(key, exec_keys[i]))
                        return true;
        return false;
}

/* What each privilege prefix ("+", "!", "!!") does to its command, said where it is written. */
static void note_exec_prefixes(const UnitFile *u, DiagList *diags) {
        for (size_t i = 0; i < u->n_assignments; i++) {
                const UnitAssignment *a = &u->assignments[i];
                ExecCommand cmd = {};
                const char *what = NULL;

                if (!streq(a->section, "Service") || !is_exec_key(a->key) || isempty(a->value))
                        continue;
                if (exec_command_parse(a->value, &cmd, NULL) < 0)
                        continue; /* reported by the parser already */
                if (cmd.flags & EXEC_COMMAND_FULLY_PRIVILEGED)
                        what = "runs without the sandbox, the filter and the exec gate, as root with "
                               "full capabilities (\"+\")";
                else if (cmd.flags & EXEC_COMMAND_NO_SETUID)
                        what = "runs as root, without the User=/Group= switch, but with the sandbox, "
                               "the filter and the exec gate (\"!\")";
                else if (cmd.flags & EXEC_COMMAND_AMBIENT_MAGIC)
                        what = "runs as with no prefix: this system has ambient capabilities (\"!!\")";
                if (what)
                        (void) diag_add_code(diags, DIAG_CODE_EXEC_PREFIX, DIAG_NOTE, a->file, a->line, a->key, "%s=%s: %s",
                                        a->key, a->value, what);
                exec_command_done(&cmd);
        }
}


/* What the command line asked for, shared by every unit checked. */
typedef struct VerifyArgs {
        char **relax;       /* --relax DIRECTIVE, as syscaged's */
        bool json;          /* --json: JSON Lines on stdout instead of text on stderr */
        bool strict;        /* --strict: warnings fail too */
        const char *root;   /* --root DIR */
        const char *name;   /* --name NAME: the one FILE argument is the unit NAME */
} VerifyArgs;

/* The daemon's enforceability check (sandbox-check.h), against this host; with --root, the
 * paths a unit names are looked up in the tree. */
static void check_sandbox(const UnitFile *u, const UnitConfig *c, const Policy *p,
                          const SandboxHostFacts *host, const VerifyArgs *args,
                          VerifyRoot *root, DiagList *diags) {
        const SandboxCheckInput in = {
                .file = u,
                .sandbox = &c->sandbox,
                .exec_gate = p && policy_denies_exec(p),
                .host = host,
                .relax = args->relax,
                .relax_option = "syscagectl verify --relax",
                .path_exists = root ? verify_root_path_exists : sandbox_path_exists,
                .userdata = root,
        };
        (void) sandbox_check(&in, diags, NULL);
}

/* Every check on one loaded unit, diagnostics into DIAGS. */
static void check_unit(const UnitFile *u, const SandboxHostFacts *host, const VerifyArgs *args,
                       VerifyRoot *root, DiagList *diags) {
        _cleanup_(unit_config_freep) UnitConfig *c = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        int r;

        (void) unit_config_parse(u, diags, &c);
        if (policy_build(u, diags, &p) < 0)
                p = policy_free(p);
        if (c)
                check_sandbox(u, c, p, host, args, root, diags);
        if (!p)
                return;
        policy_lint(p, diags);
        (void) policy_phase_verify(u, p, c && c->exec[SERVICE_EXEC_START].n > 0 ?
                                   c->exec[SERVICE_EXEC_START].commands[0].path : NULL, diags);
        note_exec_prefixes(u, diags);
        if (c) {
                lint_script_exec_start(u, c, p, root, diags);
                lint_gate_capabilities(u, c, p, diags);
        }
        if (diag_list_count(diags, DIAG_ERROR) == 0) {
                /* Compile exactly what the daemon would load. */
                _cleanup_(filter_set_freep) FilterSet *fs = NULL, *notify = NULL;
                r = policy_denies_exec(p) ? filter_compile_gate(p, &notify, &fs)
                                          : filter_compile(p, &fs);
                if (r < 0)
                        (void) diag_add_code(diags, DIAG_CODE_FILTER_COMPILE, DIAG_ERROR,
                                             u->fragment, 0, NULL,
                                             "Failed to compile the seccomp filter: %s",
                                             strerror(-r));
        }
}

/* The files a unit was read from, as the user knows them. */
static char **unit_paths_read(const UnitFile *u, const VerifyRoot *root) {
        _cleanup_strv_free_ char **l = NULL;

        if (u->fragment && strv_extend(&l, u->fragment) < 0)
                return NULL;
        STRV_FOREACH(d, u->dropins)
                if (strv_extend(&l, *d) < 0)
                        return NULL;
        for (size_t i = 0; root && l && l[i]; i++)
                if (verify_root_unstage(root, &l[i]) < 0)
                        return NULL;
        return l ? TAKE_PTR(l) : strv_copy((char *[]) { NULL });
}

/* {"type":"unit",...}: the summary that follows a unit's diagnostics. */
static void print_json_unit(const char *arg, const char *name, char **read,
                            const DiagList *diags, bool failed) {
        fputs("{\"type\":\"unit\",\"argument\":", stdout);
        json_print_string(stdout, arg);
        fputs(",\"unit\":", stdout);
        json_print_string_or_null(stdout, name);
        fputs(",\"read\":[", stdout);
        for (size_t i = 0; read && read[i]; i++) {
                if (i > 0)
                        fputc(',', stdout);
                json_print_string(stdout, read[i]);
        }
        printf("],\"errors\":%zu,\"warnings\":%zu,\"notes\":%zu,\"not_shown\":%zu,"
               "\"result\":\"%s\"}\n",
               diag_list_count(diags, DIAG_ERROR), diag_list_count(diags, DIAG_WARNING),
               diag_list_count(diags, DIAG_NOTE), diags->n_dropped, failed ? "fail" : "pass");
}

static void print_results(const char *arg, const char *name, const UnitFile *u,
                          const VerifyArgs *args, const VerifyRoot *root, const DiagList *diags,
                          bool failed) {
        _cleanup_strv_free_ char **read = u ? unit_paths_read(u, root) : NULL;

        if (args->json) {
                for (size_t i = 0; i < diags->n; i++)
                        json_print_diag(stdout, name, &diags->items[i]);
                print_json_unit(arg, name, read, diags, failed);
                return;
        }
        ctl_print_diags(diags);
        /* Which files of the tree were read is not obvious with --root: say it. */
        if (args->root)
                STRV_FOREACH(p, read)
                        printf("%s: read %s\n", u->name, *p);
}

/* Whether ARG is a FILE rather than a NAME. With --root, a name is always the tree's unit:
 * only an argument with a '/' is a file. */
static bool arg_is_path(const char *arg, const VerifyArgs *args) {
        return args->root ? strchr(arg, '/') != NULL : ctl_arg_is_path(arg);
}

/* The unit an argument names, also when it cannot be loaded (NULL: it names none). */
static char *unit_name_of(const char *arg, const VerifyArgs *args) {
        const char *base = strrchr(arg, '/');
        char *s = NULL;

        if (args->name)
                return strdup(args->name);
        if (!arg_is_path(arg, args)) {
                if (ctl_unit_name_mangle(arg, &s) < 0 || unit_name_is_valid(s, UNIT_NAME_ANY))
                        return s;
                free(s);
                return NULL;
        }
        base = base ? base + 1 : arg;
        return unit_name_is_valid(base, UNIT_NAME_ANY) ? strdup(base) : NULL;
}

static int verify_one(const char *arg, const SandboxHostFacts *host, const VerifyArgs *args,
                      char * const *search_path, VerifyRoot *root) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_free_ char *name = unit_name_of(arg, args);
        DiagList diags = {};
        bool failed;
        int r;

        r = ctl_load_unit_full(arg, arg_is_path(arg, args), search_path, args->name, &diags, &u);
        if (r == -EINVAL && !args->name && arg_is_path(arg, args))
                (void) diag_add_code(&diags, DIAG_CODE_BAD_UNIT_NAME, DIAG_NOTE, arg, 0, NULL,
                                     "To check a file that will be installed under another "
                                     "name, give that name with --name NAME");
        if (r < 0 && diags.n == 0)
                (void) diag_add_code(&diags, r == -ENOMEM ? DIAG_CODE_GENERIC : DIAG_CODE_IO,
                                     DIAG_ERROR, arg, 0, NULL, "%s", strerror(-r));
        if (u)
                check_unit(u, host, args, root, &diags);
        for (size_t i = 0; root && i < diags.n; i++)
                if (verify_root_unstage(root, &diags.items[i].file) < 0 ||
                    verify_root_unstage(root, &diags.items[i].message) < 0)
                        break; /* out of memory: shown as the staging paths */
        failed = !u || diag_list_count(&diags, DIAG_ERROR) > 0 ||
                 (args->strict && diag_list_count(&diags, DIAG_WARNING) > 0);
        print_results(arg, u ? u->name : name, u, args, root, &diags, failed);
        diag_list_done(&diags);
        return failed;
}

static void help(void) {
        printf("syscagectl verify [OPTIONS...] FILE|NAME...\n\n"
               "Check unit files as syscaged would load them (fragment, drop-ins, settings,\n"
               "seccomp policy and filter, sandbox on this host), without a daemon.\n"
               "A NAME is looked up in the units search path (NAME without a suffix means\n"
               "NAME.service); a FILE (an argument with a '/', or an existing file) is read\n"
               "as given, with drop-ins next to it and then along the search path.\n\n"
               "Options:\n"
               "  -h --help              Show this help\n"
               "     --json              One JSON object per line on stdout: each diagnostic,\n"
               "                         then a summary per unit (see syscagectl(1))\n"
               "     --strict            Warnings fail too (exit status 1)\n"
               "     --root DIR          Check the tree DIR: the search path and drop-ins are\n"
               "                         read inside DIR (symlinks resolved with DIR as /)\n"
               "     --name NAME         The one FILE is the unit NAME (e.g. a temporary copy\n"
               "                         about to be installed as NAME): NAME's drop-ins apply\n"
               "     --relax DIRECTIVE   A sandbox directive this host cannot enforce is a\n"
               "                         warning instead of an error (as syscaged --relax)\n\n"
               "Exit status: 0 no errors (with --strict: no warnings either), 1 errors found\n"
               "(or warnings with --strict) or a check could not run, 100 usage error.\n");
}

/* Returns 1 to go on, 0 after --help, 100 on a usage error, -ENOMEM. */
static int parse_args(int argc, char **argv, VerifyArgs *args) {
        enum { ARG_RELAX = 0x100, ARG_JSON, ARG_STRICT, ARG_ROOT, ARG_NAME };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "relax", required_argument, NULL, ARG_RELAX },
                { "json", no_argument, NULL, ARG_JSON },
                { "strict", no_argument, NULL, ARG_STRICT },
                { "root", required_argument, NULL, ARG_ROOT },
                { "name", required_argument, NULL, ARG_NAME },
                {}
        };
        int c;

        optind = 0; /* 0, not 1: re-initialises glibc's getopt (main parsed with "+") */
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_RELAX:
                        if (!sandbox_directive_is_relaxable(optarg)) {
                                fprintf(stderr, "verify: --relax: '%s' is not a sandbox directive "
                                        "that can be relaxed (those that need a namespace of any "
                                        "kind, PrivateUsers= included).\n", optarg);
                                return 100;
                        }
                        if (strv_extend(&args->relax, optarg) < 0) {
                                fprintf(stderr, "verify: out of memory.\n");
                                return -ENOMEM;
                        }
                        break;
                case ARG_JSON:
                        args->json = true;
                        break;
                case ARG_STRICT:
                        args->strict = true;
                        break;
                case ARG_ROOT:
                        args->root = optarg;
                        break;
                case ARG_NAME:
                        if (!unit_name_is_valid(optarg, UNIT_NAME_ANY)) {
                                fprintf(stderr, "verify: --name: '%s' is not a unit name "
                                        "(NAME.service, NAME@.service, NAME@INSTANCE.service).\n",
                                        optarg);
                                return 100;
                        }
                        args->name = optarg;
                        break;
                default:
                        fprintf(stderr, "See 'syscagectl verify --help'.\n");
                        return 100;
                }
        if (optind >= argc) {
                fprintf(stderr, "verify: expected at least one unit file or name. "
                        "See 'syscagectl verify --help'.\n");
                return 100;
        }
        if (args->name && argc - optind != 1) {
                fprintf(stderr, "verify: --name applies to exactly one FILE argument.\n");
                return 100;
        }
        return 1;
}

int verb_verify(int argc, char **argv) {
        _cleanup_(verify_root_freep) VerifyRoot *root = NULL;
        _cleanup_strv_free_ char **search_path = ctl_search_path();
        VerifyArgs args = {};
        int status = 0, r;

        r = parse_args(argc, argv, &args);
        if (r <= 0 || r == 100) {
                status = r < 0 ? 1 : r;
                goto out;
        }
        if (!search_path) {
                fprintf(stderr, "verify: out of memory.\n");
                status = 1;
                goto out;
        }
        if (args.root) {
                DiagList diags = {};
                r = verify_root_open(args.root, search_path, &diags, &root);
                if (r < 0) {
                        fprintf(stderr, "verify: --root %s: %s\n", args.root, strerror(-r));
                        status = 1;
                }
                /* Entries of the tree that could not be read: not any one unit's. */
                for (size_t i = 0; i < diags.n; i++)
                        if (args.json)
                                json_print_diag(stdout, NULL, &diags.items[i]);
                        else
                                diag_print(&diags.items[i], stderr);
                status |= diag_list_count(&diags, DIAG_ERROR) > 0;
                diag_list_done(&diags);
                if (r < 0)
                        goto out;
                search_path = strv_free(search_path);
                search_path = strv_copy(root->staged);
                if (!search_path) {
                        status = 1;
                        goto out;
                }
        }
        SandboxHostFacts host;
        sandbox_host_probe(true, &host); /* once: the same host for every unit */
        for (int i = optind; i < argc; i++)
                status |= verify_one(argv[i], &host, &args, search_path, root);
        status = status ? 1 : 0;
out:
        strv_free(args.relax);
        return status;
}
