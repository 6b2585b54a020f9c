/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl verify: loads each unit exactly as the daemon would (file, drop-ins, typed
 * model, seccomp policy, compiled filter) and prints every diagnostic plus the lints that
 * only make sense for a human reading them. Exit status: 0 no errors, 1 errors.
 */
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "exec-command.h"
#include "sandbox-check.h"
#include "sandbox-probe.h"
#include "strv.h"
#include "filter.h"
#include "policy-build.h"
#include "policy.h"
#include "unit-config.h"
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
                                   DiagList *diags) {
        const UnitAssignment *a = find_exec_start(u);
        const ExecCommand *cmd;
        char magic[2];
        int fd;

        if (!a || c->exec[SERVICE_EXEC_START].n == 0 || !policy_denies_exec(p))
                return;
        cmd = &c->exec[SERVICE_EXEC_START].commands[0];
        if (cmd->path[0] != '/')
                return;
        fd = open(cmd->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return;
        if (read(fd, magic, sizeof magic) == (ssize_t) sizeof magic && magic[0] == '#' &&
            magic[1] == '!')
                (void) diag_add(diags, DIAG_WARNING, a->file, a->line, "ExecStart",
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
                (void) diag_add(diags, DIAG_ERROR, a->file, a->line, a->key,
                                "CAP_SYS_PTRACE cannot be given to a service whose policy denies "
                                "execve: with it the service could take over the exec gate");
        if (!c->user && (c->capability_bounding_set & kernel_exec_caps))
                (void) diag_add(diags, DIAG_WARNING, p->filter_origin.file, p->filter_origin.line,
                                "SystemCallFilter", "The policy denies execve, but the service "
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
                        (void) diag_add(diags, DIAG_NOTE, a->file, a->line, a->key, "%s=%s: %s",
                                        a->key, a->value, what);
                exec_command_done(&cmd);
        }
}

/* --relax DIRECTIVE, as syscaged's. */
static char **arg_relax = NULL;

/* The daemon's enforceability check (sandbox-check.h), against this host. */
static void check_sandbox(const UnitFile *u, const UnitConfig *c, const Policy *p,
                          const SandboxHostFacts *host, DiagList *diags) {
        const SandboxCheckInput in = {
                .file = u,
                .sandbox = &c->sandbox,
                .exec_gate = p && policy_denies_exec(p),
                .host = host,
                .relax = arg_relax,
                .relax_option = "syscagectl verify --relax",
                .path_exists = sandbox_path_exists,
        };
        (void) sandbox_check(&in, diags, NULL);
}

static int verify_one(const char *arg, const SandboxHostFacts *host) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(unit_config_freep) UnitConfig *c = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        DiagList diags = {};
        int r, errors;

        r = ctl_load_unit(arg, &diags, &u);
        if (r < 0 && !u) {
                if (diags.n == 0)
                        fprintf(stderr, "%s: %s\n", arg, strerror(-r));
                ctl_print_diags(&diags);
                diag_list_done(&diags);
                return 1;
        }
        (void) unit_config_parse(u, &diags, &c);
        if (policy_build(u, &diags, &p) < 0)
                p = policy_free(p);
        if (c)
                check_sandbox(u, c, p, host, &diags);
        if (p) {
                policy_lint(p, &diags);
                note_exec_prefixes(u, &diags);
                if (c) {
                        lint_script_exec_start(u, c, p, &diags);
                        lint_gate_capabilities(u, c, p, &diags);
                }
                if (diag_list_count(&diags, DIAG_ERROR) == 0) {
                        /* Compile exactly what the daemon would load. */
                        _cleanup_(filter_set_freep) FilterSet *fs = NULL, *notify = NULL;
                        r = policy_denies_exec(p) ? filter_compile_gate(p, &notify, &fs)
                                                  : filter_compile(p, &fs);
                        if (r < 0)
                                (void) diag_add(&diags, DIAG_ERROR, u->fragment, 0, NULL,
                                                "Failed to compile the seccomp filter: %s",
                                                strerror(-r));
                }
        }
        ctl_print_diags(&diags);
        errors = diag_list_count(&diags, DIAG_ERROR) > 0 || r < 0;
        diag_list_done(&diags);
        return errors;
}

int verb_verify(int argc, char **argv) {
        static const struct option options[] = {
                { "relax", required_argument, NULL, 'R' },
                {}
        };
        int status = 0, c;

        optind = 0; /* 0, not 1: re-initialises glibc's getopt (main parsed with "+") */
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0) {
                if (c != 'R')
                        return 100;
                if (!sandbox_directive_is_relaxable(optarg)) {
                        fprintf(stderr, "verify: --relax: '%s' is not a sandbox directive that can be "
                                "relaxed (those that need a namespace of any kind, PrivateUsers= included).\n", optarg);
                        status = 100;
                        goto out;
                }
                if (strv_extend(&arg_relax, optarg) < 0) {
                        fprintf(stderr, "verify: out of memory.\n");
                        status = 1;
                        goto out;
                }
        }
        if (optind >= argc) {
                fprintf(stderr, "verify: expected at least one unit file or name.\n");
                status = 100;
                goto out;
        }
        SandboxHostFacts host;
        sandbox_host_probe(true, &host); /* once: the same host for every unit */
        for (int i = optind; i < argc; i++)
                status |= verify_one(argv[i], &host);
        status = status ? 1 : 0;
out:
        arg_relax = strv_free(arg_relax);
        return status;
}
