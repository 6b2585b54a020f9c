/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * analyze security (see analyze-security.h). The seccomp part never looks at which directives
 * a unit names: it compiles the policy exactly as the daemon would (the gate variant when the
 * exec gate is on) and runs the programs in the BPF interpreter for every syscall of interest,
 * so SystemCallFilter=@system-service with ~@privileged, a RestrictAddressFamilies= line or a
 * complain-mode policy all count for what they let through.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>

#include "analyze-security.h"
#include "arch-util.h"
#include "bpf-eval.h"
#include "ctl.h"
#include "filter.h"
#include "json-out.h"
#include "policy-build.h"
#include "syscall-groups.h"

/* The groups scored, with their weights: what an attacker gains with them. */
static const struct {
        const char *group;
        unsigned weight;
} security_groups[] = {
        { "@privileged", 8 }, { "@module", 8 },   { "@mount", 6 },  { "@raw-io", 6 },
        { "@debug", 6 },      { "@reboot", 5 },   { "@swap", 4 },   { "@clock", 4 },
        { "@cpu-emulation", 3 }, { "@keyring", 3 }, { "@obsolete", 2 },
};

typedef struct Eval {
        const Policy *p;
        FilterSet *fs; /* NULL: no filter, everything runs */
} Eval;

static bool ret_reachable(uint32_t ret) {
        uint32_t a = ret & SECCOMP_RET_ACTION_FULL;
        return a == SECCOMP_RET_ALLOW || a == SECCOMP_RET_LOG;
}

/* -ENOENT when ARCH has no syscall NAME. */
static int eval_call(const Eval *e, uint32_t arch, const char *name, const uint64_t args[6], bool *ret) {
        struct seccomp_data d = { .arch = arch_to_audit(arch) };
        uint32_t out;
        int nr = seccomp_syscall_resolve_name_arch(arch, name);

        if (nr < 0)
                return -ENOENT;
        if (!e->fs) {
                *ret = true;
                return 0;
        }
        d.nr = nr;
        if (args)
                memcpy(d.args, args, sizeof d.args);
        if (bpf_eval_stack(e->fs->progs, e->fs->n, &d, &out) < 0)
                return -EINVAL;
        *ret = ret_reachable(out);
        return 0;
}

/* Whether NAME runs on any enabled ABI (args zero, or ARGS); -ENOENT if no enabled ABI has it. */
static int eval_any(const Eval *e, const char *name, const uint64_t args[6], bool *ret) {
        bool known = false, any = false;

        for (size_t i = 0; i < e->p->n_arches; i++) {
                bool ok;
                if (eval_call(e, e->p->arches[i], name, args, &ok) < 0)
                        continue;
                known = true;
                any = any || ok;
        }
        if (!known)
                return -ENOENT;
        *ret = any;
        return 0;
}

static SecurityItem *item_add(SecurityReport *r, const char *id, const char *what, unsigned weight,
                              double exposure) {
        SecurityItem *it;

        if (r->n_items >= SECURITY_ITEMS_MAX)
                abort(); /* the table below has a fixed number of items */
        it = &r->items[r->n_items++];
        *it = (SecurityItem) { .id = id, .what = what, .weight = weight, .exposure = exposure };
        return it;
}

typedef struct GroupCount {
        const Eval *e;
        unsigned known, reachable;
        char example[64];
} GroupCount;

static int group_count_one(const char *name, void *userdata) {
        GroupCount *g = userdata;
        bool ok;

        if (policy_is_exec_call(name) || eval_any(g->e, name, NULL, &ok) < 0)
                return 0;
        g->known++;
        if (ok && g->reachable++ == 0)
                snprintf(g->example, sizeof g->example, "%s", name);
        return 0;
}

static int analyze_groups(const Eval *e, SecurityReport *r) {
        for (size_t i = 0; i < ELEMENTSOF(security_groups); i++) {
                const SyscallGroup *grp = syscall_group_find(security_groups[i].group);
                GroupCount g = { .e = e };
                if (!grp)
                        continue;
                int k = syscall_group_foreach(grp, group_count_one, &g);
                if (k < 0)
                        return k;
                if (g.known == 0)
                        continue;
                SecurityItem *it = item_add(r, grp->name, grp->name, security_groups[i].weight,
                                            (double) g.reachable / g.known);
                if (g.reachable > 0)
                        snprintf(it->detail, sizeof it->detail, "%u of %u calls reachable (e.g. %s)",
                                 g.reachable, g.known, g.example);
                else
                        snprintf(it->detail, sizeof it->detail, "closed (%u calls)", g.known);
        }
        return 0;
}

typedef struct AbiCount {
        const Eval *e;
        SecurityAbi abi;
} AbiCount;

static int abi_count_one(const char *name, void *userdata) {
        AbiCount *a = userdata;
        bool ok;

        if (eval_call(a->e, a->abi.arch, name, NULL, &ok) < 0)
                return 0;
        a->abi.known++;
        a->abi.reachable += ok;
        return 0;
}

/* An ABI the policy leaves out, to check that the filter kills it. */
static uint32_t foreign_arch(const Policy *p) {
        static const uint32_t candidates[] = { SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_X86_64,
                                               SCMP_ARCH_ARM, SCMP_ARCH_AARCH64 };
        for (size_t i = 0; i < ELEMENTSOF(candidates); i++)
                if (!policy_has_arch(p, candidates[i]) && arch_to_name(candidates[i]))
                        return candidates[i];
        return 0;
}

static int analyze_abis(const Eval *e, SecurityReport *r) {
        const SyscallGroup *known = syscall_group_find("@known");
        double extra;

        for (size_t i = 0; known && i < e->p->n_arches && i < ARCH_SET_MAX; i++) {
                AbiCount a = { .e = e, .abi = { .arch = e->p->arches[i] } };
                int k = syscall_group_foreach(known, abi_count_one, &a);
                if (k < 0)
                        return k;
                r->abis[r->n_abis++] = a.abi;
        }
        r->foreign_arch = foreign_arch(e->p);
        r->foreign_killed = true;
        if (r->foreign_arch) {
                bool ok = false;
                /* getpid exists on every ABI. */
                if (eval_call(e, r->foreign_arch, "getpid", NULL, &ok) >= 0)
                        r->foreign_killed = !ok;
        }
        extra = e->p->n_arches > 1 ? 0.5 : 0;
        SecurityItem *it = item_add(r, "abis", "other ABIs", 4, r->foreign_killed ? extra : 1.0);
        snprintf(it->detail, sizeof it->detail, "%zu enabled; %s %s", e->p->n_arches,
                 r->foreign_arch ? arch_to_name(r->foreign_arch) : "foreign ABI",
                 r->foreign_killed ? "killed" : "runs unfiltered");
        return 0;
}

/* Calls whose danger is in their arguments: what MemoryDenyWriteExecute=, RestrictRealtime=
 * and LockPersonality= refuse, measured on the filter whatever directive (if any) does it. */
static void analyze_arg_calls(const Eval *e, SecurityReport *r) {
        static const struct {
                const char *id, *what, *syscall;
                uint64_t args[6];
        } calls[] = {
                { "write-exec-memory", "mmap(PROT_WRITE|PROT_EXEC)", "mmap",
                  { 0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS } },
                { "realtime", "sched_setscheduler(SCHED_FIFO)", "sched_setscheduler", { 0, SCHED_FIFO } },
                { "personality", "personality(PER_LINUX32)", "personality", { PER_LINUX32 } },
        };

        for (size_t i = 0; i < ELEMENTSOF(calls); i++) {
                bool ok = false;
                if (eval_any(e, calls[i].syscall, calls[i].args, &ok) < 0)
                        continue;
                SecurityItem *it = item_add(r, calls[i].id, calls[i].what, 2, ok);
                snprintf(it->detail, sizeof it->detail, "%s", ok ? "reachable" : "refused by the filter");
        }
}

static void analyze_calls(const Eval *e, const UnitConfig *c, SecurityReport *r) {
        const uint64_t userns[6] = { CLONE_NEWUSER }, packet[6] = { AF_PACKET, SOCK_RAW },
                       inet[6] = { AF_INET, SOCK_STREAM };
        bool ok = false;
        SecurityItem *it;

        it = item_add(r, "exec-after-launch", "execve after the launch", 4,
                      policy_denies_exec(e->p) && !e->p->complain ? 0 : 1);
        snprintf(it->detail, sizeof it->detail, "exec gate %s", r->gate);
        (void) eval_any(e, "unshare", userns, &ok);
        it = item_add(r, "user-namespaces", "unshare(CLONE_NEWUSER)", 4, ok);
        snprintf(it->detail, sizeof it->detail, "%s", ok ? "reachable" : "refused by the filter");
        ok = false;
        (void) eval_any(e, "socket", packet, &ok);
        it = item_add(r, "packet-sockets", "socket(AF_PACKET)", 3, ok && !(c && c->sandbox.private_network));
        snprintf(it->detail, sizeof it->detail, "%s", !ok ? "refused by the filter" :
                 c && c->sandbox.private_network ? "only in a private network namespace" : "reachable");
        analyze_arg_calls(e, r);
        ok = false;
        (void) eval_any(e, "socket", inet, &ok);
        it = item_add(r, "ip-sockets", "socket(AF_INET)", 2, ok && !(c && c->sandbox.private_network));
        snprintf(it->detail, sizeof it->detail, "%s", !ok ? "refused by the filter" :
                 c && c->sandbox.private_network ? "PrivateNetwork=yes (loopback only)" : "host network");
}

static bool runs_as_root(const UnitConfig *c) {
        return !c->sandbox.dynamic_user && (!c->user || streq(c->user, "root") || streq(c->user, "0"));
}

/* Capabilities that turn a process into the host's administrator. */
static const int dangerous_caps[] = {
        CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_NET_ADMIN,
        CAP_DAC_OVERRIDE, CAP_SETUID, CAP_BPF,
};

static void analyze_sandbox(const UnitConfig *c, SecurityReport *r) {
        static const double system[] = { [PROTECT_SYSTEM_NO] = 1, [PROTECT_SYSTEM_YES] = 0.5,
                                         [PROTECT_SYSTEM_FULL] = 0.25, [PROTECT_SYSTEM_STRICT] = 0 };
        static const double home[] = { [PROTECT_HOME_NO] = 1, [PROTECT_HOME_YES] = 0,
                                       [PROTECT_HOME_READ_ONLY] = 0.5, [PROTECT_HOME_TMPFS] = 0 };
        const UnitSandbox *s = &c->sandbox;
        bool root = runs_as_root(c);
        unsigned n_caps = 0;
        SecurityItem *it;

        it = item_add(r, "user", "runs as root", 6, root);
        snprintf(it->detail, sizeof it->detail, "%s", s->dynamic_user ? "DynamicUser=yes" :
                 root ? "no User=" : c->user);
        /* A service that is not root holds no capabilities unless it is given ambient ones. */
        for (size_t i = 0; i < ELEMENTSOF(dangerous_caps); i++)
                if ((root ? c->capability_bounding_set : c->ambient_capabilities) &
                    (UINT64_C(1) << dangerous_caps[i]))
                        n_caps++;
        it = item_add(r, "capabilities", "dangerous capabilities", 5,
                      (double) n_caps / ELEMENTSOF(dangerous_caps));
        snprintf(it->detail, sizeof it->detail, "%u of %zu held (CAP_SYS_ADMIN, CAP_SYS_PTRACE, ...)",
                 n_caps, ELEMENTSOF(dangerous_caps));
        it = item_add(r, "no-new-privileges", "NoNewPrivileges=", 3, !c->no_new_privileges);
        snprintf(it->detail, sizeof it->detail, "%s", c->no_new_privileges ? "yes" : "no: setuid binaries work");
        it = item_add(r, "protect-system", "ProtectSystem=", 4, system[s->protect_system]);
        it = item_add(r, "protect-home", "ProtectHome=", 3, home[s->protect_home]);
        it = item_add(r, "private-tmp", "PrivateTmp=", 2, !s->private_tmp);
        it = item_add(r, "private-devices", "PrivateDevices=", 3, !s->private_devices);
        it = item_add(r, "protect-kernel-tunables", "ProtectKernelTunables=", 2, !s->protect_kernel_tunables);
        it = item_add(r, "protect-control-groups", "ProtectControlGroups=", 1, !s->protect_control_groups);
        (void) it;
}

static const char *gate_text(const Policy *p) {
        if (!policy_denies_exec(p))
                return "off";
        if (p->complain)
                return "on (complain: reports only)";
        return policy_exec_gate_action(p).type == POLICY_ACTION_KILL ? "on (kill)" : "on (errno)";
}

int security_analyze(const Policy *p, const UnitConfig *c, SecurityReport *ret) {
        _cleanup_(filter_set_freep) FilterSet *notify = NULL;
        Eval e = { .p = p };
        double sum = 0, total = 0;
        int r;

        *ret = (SecurityReport) { .filtered = !policy_is_empty(p), .complain = p->complain,
                                  .gate = gate_text(p) };
        if (ret->filtered) {
                r = policy_denies_exec(p) ? filter_compile_gate(p, &notify, &e.fs) : filter_compile(p, &e.fs);
                if (r < 0)
                        return r;
        }
        r = analyze_groups(&e, ret);
        if (r >= 0)
                r = analyze_abis(&e, ret);
        if (r >= 0) {
                analyze_calls(&e, c, ret);
                if (c)
                        analyze_sandbox(c, ret);
        }
        filter_set_free(e.fs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ret->n_items; i++) {
                sum += ret->items[i].weight * ret->items[i].exposure;
                total += ret->items[i].weight;
        }
        ret->score = total > 0 ? (double) (long) (100.0 * sum / total + 0.5) / 10.0 : 0;
        return 0;
}

const char *security_rating(double score) {
        return score <= 2.0 ? "low" : score <= 5.0 ? "medium" : score <= 8.0 ? "high" : "very high";
}

void security_print_table(const SecurityReport *r, const char *unit, FILE *f) {
        fprintf(f, "Unit:         %s\n", unit);
        fprintf(f, "Filter:       %s%s\n", r->filtered ? "yes" : "none (nothing is filtered)",
                r->complain ? ", PolicyMode=complain: nothing is enforced" : "");
        fprintf(f, "Exec gate:    %s\n", r->gate);
        for (size_t i = 0; i < r->n_abis; i++)
                fprintf(f, "ABI %-9s %u of %u known system calls reachable\n", arch_to_name(r->abis[i].arch),
                        r->abis[i].reachable, r->abis[i].known);
        fprintf(f, "\n%-8s %-6s %-30s %s\n", "EXPOSURE", "WEIGHT", "ITEM", "DETAIL");
        for (size_t i = 0; i < r->n_items; i++) {
                const SecurityItem *it = &r->items[i];
                fprintf(f, "%-8.2f %-6u %-30s %s\n", it->exposure, it->weight, it->what,
                        it->detail[0] ? it->detail : it->exposure > 0 ? "not set" : "set");
        }
        fprintf(f, "\nOverall exposure: %.1f / 10 (%s)\n", r->score, security_rating(r->score));
}

void security_print_json(const SecurityReport *r, const char *unit, FILE *f) {
        fprintf(f, "{\"unit\":");
        json_print_string_or_null(f, unit);
        fprintf(f, ",\"filtered\":%s,\"policy_mode\":\"%s\",\"exec_gate\":", r->filtered ? "true" : "false",
                r->complain ? "complain" : "enforce");
        json_print_string_or_null(f, r->gate);
        fprintf(f, ",\"abis\":[");
        for (size_t i = 0; i < r->n_abis; i++)
                fprintf(f, "%s{\"abi\":\"%s\",\"known\":%u,\"reachable\":%u}", i ? "," : "",
                        arch_to_name(r->abis[i].arch), r->abis[i].known, r->abis[i].reachable);
        fprintf(f, "],\"foreign_abi\":");
        json_print_string_or_null(f, r->foreign_arch ? arch_to_name(r->foreign_arch) : NULL);
        fprintf(f, ",\"foreign_abi_killed\":%s,\"items\":[", r->foreign_killed ? "true" : "false");
        for (size_t i = 0; i < r->n_items; i++) {
                const SecurityItem *it = &r->items[i];
                fprintf(f, "%s{\"id\":", i ? "," : "");
                json_print_string_or_null(f, it->id);
                fprintf(f, ",\"weight\":%u,\"exposure\":%.2f,\"detail\":", it->weight, it->exposure);
                json_print_string_or_null(f, it->detail);
                fputc('}', f);
        }
        fprintf(f, "],\"score\":%.1f,\"rating\":\"%s\"}\n", r->score, security_rating(r->score));
}

int analyze_security(int argc, char **argv) {
        static const struct option options[] = {
                { "json", no_argument, NULL, 'j' },
                {}
        };
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(unit_config_freep) UnitConfig *c = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        SecurityReport *rep = NULL;
        DiagList diags = {};
        bool json = false;
        int ch, r;

        optind = 0; /* 0, not 1: re-initialises glibc's getopt (main parsed with "+") */
        while ((ch = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (ch) {
                case 'j':
                        json = true;
                        break;
                default:
                        return 100;
                }
        if (optind != argc - 1) {
                fprintf(stderr, "analyze security: expected exactly one unit file or name.\n");
                return 100;
        }
        if (ctl_load_policy(argv[optind], &u, &p) < 0)
                return 1;
        r = unit_config_parse(u, &diags, &c);
        for (size_t i = 0; i < diags.n; i++)
                if (diags.items[i].level == DIAG_ERROR)
                        diag_print(&diags.items[i], stderr);
        if (r < 0 || !c) {
                if (diags.n == 0)
                        fprintf(stderr, "%s: %s\n", argv[optind], strerror(r < 0 ? -r : EINVAL));
                diag_list_done(&diags);
                return 1;
        }
        diag_list_done(&diags);
        rep = malloc(sizeof *rep);
        if (!rep)
                return 1;
        r = security_analyze(p, c, rep);
        if (r < 0)
                fprintf(stderr, "Failed to analyze %s: %s\n", u->name, strerror(-r));
        else if (json)
                security_print_json(rep, u->name, stdout);
        else
                security_print_table(rep, u->name, stdout);
        free(rep);
        return r < 0 ? 1 : 0;
}
