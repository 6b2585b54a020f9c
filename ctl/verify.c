/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl verify: loads each unit exactly as the daemon would (file, drop-ins, typed
 * model, seccomp policy, compiled filter) and prints every diagnostic plus the lints that
 * only make sense for a human reading them. Exit status: 0 no errors, 1 errors.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
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

static int verify_one(const char *arg) {
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
        if (policy_build(u, &diags, &p) >= 0) {
                policy_lint(p, &diags);
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
        int status = 0;

        if (argc < 2) {
                fprintf(stderr, "verify: expected at least one unit file or name.\n");
                return 100;
        }
        for (int i = 1; i < argc; i++)
                status |= verify_one(argv[i]);
        return status ? 1 : 0;
}
