/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl verify: loads each unit exactly as the daemon would (file, drop-ins, typed
 * model, seccomp policy, compiled filter) and prints every diagnostic plus the lints that
 * only make sense for a human reading them. Exit status: 0 no errors, 1 errors.
 */
#include <fcntl.h>
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
                if (c)
                        lint_script_exec_start(u, c, p, &diags);
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
