/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl analyze: offline explanations that need no daemon. Every subcommand links lib/
 * only and reads nothing but the files named on the command line.
 */
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze-baseline.h"
#include "analyze-security.h"
#include "analyze.h"
#include "arch-util.h"
#include "bpf-eval.h"
#include "ctl.h"
#include "filter.h"
#include "policy-build.h"
#include "policy-phase.h"
#include "policy.h"
#include "macro.h"
#include "strv.h"
#include "syscall-groups.h"

/* Parses a decimal syscall number; false if S is not a plain number. */
static bool parse_syscall_number(const char *s, int *ret) {
        char *end;
        long v;

        if (!s[0] || s[0] == '-' || s[0] == '+')
                return false;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || v < 0 || v > 0x7fffffff)
                return false;
        *ret = (int) v;
        return true;
}

/* systemd's spelling ("x86-64", "native") as SystemCallArchitectures= takes it, and
 * libseccomp's ("x86_64") as scmp_sys_resolver does. */
static uint32_t arch_from_string(const char *s) {
        uint32_t a = arch_from_name(s);
        return a != 0 ? a : seccomp_arch_resolve_name(s);
}

/* analyze resolve NAME|NUMBER [--arch ARCH]: like libseccomp's scmp_sys_resolver. */
static int analyze_resolve(int argc, char **argv) {
        static const struct option options[] = {
                { "arch", required_argument, NULL, 'a' },
                {}
        };
        uint32_t arch = seccomp_arch_native();
        int c, nr, status = 0;

        optind = 0; /* 0, not 1: re-initialises glibc's getopt (main parsed with "+") */
        while ((c = getopt_long(argc, argv, "a:", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        arch = arch_from_string(optarg);
                        if (arch == 0) {
                                fprintf(stderr, "Unknown architecture '%s'.\n", optarg);
                                return 100;
                        }
                        break;
                default:
                        return 100;
                }
        if (optind >= argc) {
                fprintf(stderr, "analyze resolve: expected a syscall name or number.\n");
                return 100;
        }
        for (int i = optind; i < argc; i++) {
                if (parse_syscall_number(argv[i], &nr)) {
                        _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(arch, nr);
                        if (!name) {
                                fprintf(stderr, "No syscall with number %d on this architecture.\n", nr);
                                status = 1;
                                continue;
                        }
                        printf("%s\n", name);
                } else {
                        nr = seccomp_syscall_resolve_name_arch(arch, argv[i]);
                        if (nr == __NR_SCMP_ERROR || nr < 0) {
                                fprintf(stderr, "Unknown syscall '%s' on this architecture.\n", argv[i]);
                                status = 1;
                                continue;
                        }
                        printf("%d\n", nr);
                }
        }
        return status;
}

/* analyze syscall-filter [@GROUP...]: groups in systemd-analyze's layout. */
static int analyze_syscall_filter(int argc, char **argv) {
        int r;

        if (argc < 2) {
                r = syscall_group_dump(stdout, NULL);
                return r < 0 ? 1 : 0;
        }
        /* Check every name first, so a typo prints nothing but the error. */
        for (int i = 1; i < argc; i++)
                if (!syscall_group_find(argv[i])) {
                        fprintf(stderr, "Unknown syscall group '%s'%s.\n", argv[i],
                                argv[i][0] == '@' ? "" : " (group names start with '@')");
                        return 1;
                }
        for (int i = 1; i < argc; i++) {
                if (i > 1)
                        fputc('\n', stdout);
                r = syscall_group_dump(stdout, syscall_group_find(argv[i]));
                if (r < 0)
                        return 1;
        }
        return 0;
}

/* The header of "analyze policy": what kind of policy this is, in one screen. */
static void policy_print_summary(const Policy *p, const char *unit) {
        size_t n_cond = 0;

        for (size_t i = 0; i < p->n_rules; i++)
                n_cond += p->rules[i].n_conds > 0;
        printf("Unit:            %s\n", unit);
        printf("Mode:            %s\n", p->allow_list ? "allow list"
                                        : p->deny_list ? "deny list" : "no SystemCallFilter=");
        printf("Rules:           %zu (%zu with argument checks)\n", p->n_rules, n_cond);
        if (p->complain)
                printf("Policy mode:     complain (every refusal below is log; nothing is enforced)\n");
        printf("Exec gate:       %s\n\n", !policy_denies_exec(p) ? "off (the policy allows execve and execveat)"
                : p->complain ? "on (every later execve runs and is reported)"
                : "on (the launch execve is let through once; later ones are denied)");
}

static int print_programs(const char *what, const FilterSet *fs) {
        for (size_t i = 0; i < fs->n; i++) {
                printf("# %s program %zu of %zu (%u instructions)\n", what, i + 1, fs->n,
                       (unsigned) fs->progs[i].len);
                if (bpf_disassemble(&fs->progs[i], stdout) < 0)
                        return -EIO;
                fputc('\n', stdout);
        }
        return 0;
}

/* The compiled programs, exactly as the daemon would load them, in load order. */
static int policy_print_bpf(const Policy *p) {
        _cleanup_(filter_set_freep) FilterSet *fs = NULL, *notify = NULL;
        int r;

        if (policy_denies_exec(p)) {
                r = filter_compile_gate(p, &notify, &fs);
                if (r >= 0)
                        r = print_programs("exec gate (F_notify)", notify);
        } else
                r = filter_compile(p, &fs);
        if (r >= 0)
                r = print_programs("policy", fs);
        if (r < 0)
                fprintf(stderr, "Failed to compile the policy: %s\n", strerror(-r));
        return r;
}

/* Every --syscall, in the order given; an unknown name is reported and the others still
 * printed (exit status 1). */
static int dump_syscalls(const UnitFile *u, const Policy *p, const Baseline *baseline, char **names) {
        int ret = 0, r;

        STRV_FOREACH(n, names) {
                r = policy_dump(p, *n, stdout);
                if (r == -ENOENT) {
                        fprintf(stderr, "Unknown syscall '%s' on this architecture.\n", *n);
                        ret = -ENOENT;
                        continue;
                }
                if (r >= 0 && baseline)
                        r = analyze_baseline_print(p, baseline, *n, stdout);
                if (r >= 0)
                        r = policy_phase_print(u, p, *n, stdout);
                if (r < 0)
                        return r;
        }
        return ret;
}

/* analyze policy FILE|NAME [--syscall NAME]... [--bpf] [--pfc] [--baseline=FILE] */
static int analyze_policy(int argc, char **argv) {
        enum { ARG_BPF = 0x100, ARG_PFC, ARG_BASELINE };
        static const struct option options[] = {
                { "syscall", required_argument, NULL, 's' },
                { "bpf", no_argument, NULL, ARG_BPF },
                { "pfc", no_argument, NULL, ARG_PFC },
                { "baseline", required_argument, NULL, ARG_BASELINE },
                {}
        };
        _cleanup_(baseline_freep) Baseline *baseline = NULL;
        const char *baseline_path = BASELINE_PATH_DEFAULT;
        bool baseline_explicit = false;
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_strv_free_ char **only = NULL;
        bool bpf = false, pfc = false;
        int c, r;

        optind = 0; /* 0, not 1: re-initialises glibc's getopt (main parsed with "+") */
        while ((c = getopt_long(argc, argv, "s:", options, NULL)) >= 0)
                switch (c) {
                case 's':
                        if (strv_extend(&only, optarg) < 0) {
                                fprintf(stderr, "Out of memory.\n");
                                return 1;
                        }
                        break;
                case ARG_BPF:
                        bpf = true;
                        break;
                case ARG_PFC:
                        pfc = true;
                        break;
                case ARG_BASELINE:
                        baseline_path = optarg[0] ? optarg : NULL;
                        baseline_explicit = true;
                        break;
                default:
                        return 100;
                }
        if (optind != argc - 1) {
                fprintf(stderr, "analyze policy: expected exactly one unit file or name.\n");
                return 100;
        }
        if (ctl_load_policy(argv[optind], &u, &p) < 0)
                return 1;
        /* The node baseline the daemon would stack beneath this policy (analyze-baseline.h). */
        if (analyze_baseline_load(baseline_path, baseline_explicit, &baseline) < 0)
                return 1;

        if (!only) {
                policy_print_summary(p, u->name);
                r = policy_dump(p, NULL, stdout);
                if (r >= 0 && baseline)
                        r = analyze_baseline_print(p, baseline, NULL, stdout);
                if (r >= 0)
                        r = policy_phase_print(u, p, NULL, stdout);
        } else
                r = dump_syscalls(u, p, baseline, only);
        if (r >= 0 && bpf)
                r = policy_print_bpf(p);
        if (r >= 0 && pfc) {
                fputc('\n', stdout);
                r = filter_dump_pfc(p, stdout);
        }
        return r < 0 ? 1 : 0;
}

typedef struct AnalyzeVerb {
        const char *name;
        int (*run)(int argc, char **argv);
} AnalyzeVerb;

static const AnalyzeVerb analyze_verbs[] = {
        { "policy", analyze_policy },
        { "resolve", analyze_resolve },
        { "security", analyze_security },
        { "syscall-filter", analyze_syscall_filter },
};

int verb_analyze(int argc, char **argv) {
        if (argc < 2) {
                fprintf(stderr, "analyze: expected a subcommand (syscall-filter, policy, resolve, security).\n");
                return 100;
        }
        for (size_t i = 0; i < ELEMENTSOF(analyze_verbs); i++)
                if (streq(analyze_verbs[i].name, argv[1]))
                        return analyze_verbs[i].run(argc - 1, argv + 1);
        fprintf(stderr, "analyze: unknown subcommand '%s'.\n", argv[1]);
        return 100;
}
