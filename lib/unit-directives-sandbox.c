/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsers for the sandbox directives (systemd.exec(5), "Sandboxing" and "Credentials") and
 * for our [X-Syscage] section, filling UnitConfig.sandbox. The error policy is the one at the
 * top of unit-config.c: every value that would change what the service can see or touch is
 * checked, and a bad one is a located error, never a silent default.
 *
 * ProtectKernelTunables=, ProtectKernelModules=, ProtectKernelLogs=, ProtectHostname=,
 * PrivateDevices= and ProtectClock= are read twice: the policy module parses their system call
 * filter part from the same UnitFile, and we record the boolean for their namespace, mount
 * and capability part.
 */
#include <limits.h>
#include <string.h>

#include "strv.h"
#include "unit-directives-sandbox.h"

#define SFIELD(f) offsetof(UnitConfig, sandbox.f)

/* ---- paths ---- */

/* Normalises an absolute path: no empty or "." components, no trailing "/". Refuses relative
 * paths, "..", control characters and paths of PATH_MAX bytes or more; *WHY then says why. */
static int sandbox_path_normalize(const char *in, char **ret, const char **why) {
        _cleanup_free_ char *out = NULL;
        size_t o = 0;

        if (in[0] != '/') {
                *why = "must be an absolute path";
                return -EINVAL;
        }
        if (strlen(in) >= PATH_MAX) {
                *why = "is too long";
                return -EINVAL;
        }
        for (const char *p = in; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f) {
                        *why = "contains a control character";
                        return -EINVAL;
                }
        if (!(out = malloc(strlen(in) + 2)))
                return -ENOMEM;
        for (const char *p = in; *p; ) {
                size_t n;
                p += strspn(p, "/");
                n = strcspn(p, "/");
                if (n == 2 && strneq(p, "..", 2)) {
                        *why = "must not contain \"..\"";
                        return -EINVAL;
                }
                if (n > 0 && !(n == 1 && p[0] == '.')) {
                        out[o++] = '/';
                        memcpy(out + o, p, n);
                        o += n;
                }
                p += n;
        }
        if (o == 0)
                out[o++] = '/';
        out[o] = '\0';
        *ret = TAKE_PTR(out);
        return 0;
}

/* Normalises PATH for A, reporting a bad one as a located error (then returns -EINVAL). */
static int sandbox_path_checked(ConfigContext *ctx, const UnitAssignment *a, const char *path,
                                char **ret) {
        const char *why = NULL;
        int r = sandbox_path_normalize(path, ret, &why);

        if (r == -EINVAL)
                return config_diag(ctx, DIAG_ERROR, a, "Path %s: \"%s\"", why, path) ?: -EINVAL;
        return r;
}

static int strdup_or_null(const char *s, char **ret) {
        *ret = NULL;
        return s && !(*ret = strdup(s)) ? -ENOMEM : 0;
}

/* The words of A's value, or an error for bad quoting or too many entries beyond HAVE. */
static int sandbox_words(ConfigContext *ctx, const UnitAssignment *a, size_t have,
                         char ***ret) {
        _cleanup_strv_free_ char **words = NULL;
        int r = exec_split_words(a->value, &words);

        if (r == -EINVAL || r == -E2BIG)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid quoting or too many words: %s",
                                   a->value) ?: -EINVAL;
        if (r < 0)
                return r;
        if (have + strv_length(words) > UNIT_SANDBOX_PATHS_MAX)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a, "Too many entries (at most %u).",
                                   UNIT_SANDBOX_PATHS_MAX) ?: -EINVAL;
        *ret = TAKE_PTR(words);
        return 0;
}

static void sandbox_path_list_reset(SandboxPathList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].path);
                free(l->items[i].file);
        }
        free(l->items);
        *l = (SandboxPathList) {};
}

/* One entry: "-" (ignore a missing path) and "+" (relative to RootDirectory=), each at most
 * once and in either order, then an absolute path. */
static int sandbox_path_entry(ConfigContext *ctx, const UnitAssignment *a, const char *word,
                              SandboxPath *ret) {
        SandboxPath p = { .line = a->line };
        const char *s = word;
        int r;

        for (;; s++)
                if (*s == '-' && !p.ignore_missing)
                        p.ignore_missing = true;
                else if (*s == '+' && !p.root_relative)
                        p.root_relative = true;
                else
                        break;
        r = sandbox_path_checked(ctx, a, s, &p.path);
        if (r < 0)
                return r;
        if (strdup_or_null(a->file, &p.file) < 0) {
                free(p.path);
                return -ENOMEM;
        }
        *ret = p;
        return 0;
}

/* ReadWritePaths=, ReadOnlyPaths=, InaccessiblePaths=, ExecPaths=, NoExecPaths=; LTYPE 1 for
 * the old spellings (ReadWriteDirectories= ...), which mean the same. The empty value resets
 * the list; a line adds all its entries or, on any error, none. */
static int parse_sandbox_paths(ConfigContext *ctx, const UnitAssignment *a, void *data,
                               int ltype) {
        SandboxPathList *l = data;
        _cleanup_strv_free_ char **words = NULL;
        SandboxPath *n;
        size_t k = 0;
        int r;

        if (ltype == 1) {
                const char *suffix = strstr(a->key, "Directories");
                r = config_diag_code(ctx, DIAG_CODE_DEPRECATED, DIAG_WARNING, a,
                                "%s= is a deprecated spelling of %.*sPaths=, treated the same.",
                                a->key, suffix ? (int) (suffix - a->key) : 0, a->key);
                if (r < 0)
                        return r;
        }
        if (isempty(a->value)) {
                sandbox_path_list_reset(l);
                return 0;
        }
        r = sandbox_words(ctx, a, l->n, &words);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        if (!(n = realloc(l->items, sizeof(SandboxPath) * (l->n + strv_length(words) + 1))))
                return -ENOMEM;
        l->items = n;
        STRV_FOREACH(w, words) {
                r = sandbox_path_entry(ctx, a, *w, &l->items[l->n + k]);
                if (r < 0)
                        break;
                k++;
        }
        if (r < 0) {
                for (size_t i = 0; i < k; i++) {
                        free(l->items[l->n + i].path);
                        free(l->items[l->n + i].file);
                }
                return r == -ENOMEM ? r : 0;
        }
        l->n += k;
        return 0;
}

static void sandbox_bind_free_fields(SandboxBind *b) {
        free(b->source);
        free(b->destination);
        free(b->file);
}

/* One bind: "[-]SOURCE[:DESTINATION[:rbind|norbind]]". */
static int sandbox_bind_entry(ConfigContext *ctx, const UnitAssignment *a, const char *word,
                              bool read_only, SandboxBind *ret) {
        SandboxBind b = { .read_only = read_only, .recursive = true, .line = a->line };
        const char *s = word, *colon, *colon2;
        _cleanup_free_ char *src = NULL, *dst = NULL;
        int r;

        if (*s == '-') {
                b.ignore_missing = true;
                s++;
        }
        colon = strchr(s, ':');
        colon2 = colon ? strchr(colon + 1, ':') : NULL;
        if (!(src = colon ? strndup(s, (size_t) (colon - s)) : strdup(s)))
                return -ENOMEM;
        if (colon && !(dst = colon2 ? strndup(colon + 1, (size_t) (colon2 - colon - 1))
                                    : strdup(colon + 1)))
                return -ENOMEM;
        if (colon2 && !streq(colon2 + 1, "rbind") && !streq(colon2 + 1, "norbind"))
                return config_diag(ctx, DIAG_ERROR, a,
                                   "Invalid bind option \"%s\" (expected rbind or norbind): %s",
                                   colon2 + 1, word) ?: -EINVAL;
        if (dst && isempty(dst))
                return config_diag(ctx, DIAG_ERROR, a, "Empty bind destination: %s", word)
                               ?: -EINVAL;
        b.recursive = !colon2 || streq(colon2 + 1, "rbind");
        r = sandbox_path_checked(ctx, a, src, &b.source);
        if (r >= 0)
                r = sandbox_path_checked(ctx, a, dst ?: src, &b.destination);
        if (r >= 0)
                r = strdup_or_null(a->file, &b.file);
        if (r < 0) {
                sandbox_bind_free_fields(&b);
                return r;
        }
        *ret = b;
        return 0;
}

/* BindPaths= (LTYPE 0) and BindReadOnlyPaths= (1) share one list. As in systemd, whose two
 * directives fill one array too, an empty assignment of either resets the whole list. */
static int parse_bind_paths(ConfigContext *ctx, const UnitAssignment *a, void *data,
                            int ltype) {
        UnitSandbox *s = &ctx->config->sandbox;
        _cleanup_strv_free_ char **words = NULL;
        SandboxBind *n;
        size_t k = 0;
        int r;

        if (isempty(a->value)) {
                for (size_t i = 0; i < s->n_binds; i++)
                        sandbox_bind_free_fields(&s->binds[i]);
                free(s->binds);
                s->binds = NULL;
                s->n_binds = 0;
                return 0;
        }
        r = sandbox_words(ctx, a, s->n_binds, &words);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        if (!(n = realloc(s->binds, sizeof(SandboxBind) * (s->n_binds + strv_length(words) + 1))))
                return -ENOMEM;
        s->binds = n;
        STRV_FOREACH(w, words) {
                r = sandbox_bind_entry(ctx, a, *w, ltype, &s->binds[s->n_binds + k]);
                if (r < 0)
                        break;
                k++;
        }
        if (r < 0) {
                for (size_t i = 0; i < k; i++)
                        sandbox_bind_free_fields(&s->binds[s->n_binds + i]);
                return r == -ENOMEM ? r : 0;
        }
        s->n_binds += k;
        return 0;
}

static void sandbox_tmpfs_free_fields(SandboxTmpfs *t) {
        free(t->path);
        free(t->options);
        free(t->file);
}

/* One TemporaryFileSystem= entry: "PATH[:OPTIONS]"; the options are kept as written. */
static int sandbox_tmpfs_entry(ConfigContext *ctx, const UnitAssignment *a, const char *word,
                               SandboxTmpfs *ret) {
        SandboxTmpfs t = { .line = a->line };
        const char *colon = strchr(word, ':');
        _cleanup_free_ char *path = colon ? strndup(word, (size_t) (colon - word)) : strdup(word);
        int r;

        if (!path)
                return -ENOMEM;
        if (colon && strlen(colon + 1) > UNIT_SANDBOX_TMPFS_OPTIONS_MAX)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a, "Mount options too long (at most %u "
                                   "bytes): %s", UNIT_SANDBOX_TMPFS_OPTIONS_MAX, word) ?: -EINVAL;
        r = sandbox_path_checked(ctx, a, path, &t.path);
        if (r >= 0)
                r = strdup_or_null(colon && colon[1] ? colon + 1 : NULL, &t.options);
        if (r >= 0)
                r = strdup_or_null(a->file, &t.file);
        if (r < 0) {
                sandbox_tmpfs_free_fields(&t);
                return r;
        }
        *ret = t;
        return 0;
}

static int parse_tmpfs(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        UnitSandbox *s = &ctx->config->sandbox;
        _cleanup_strv_free_ char **words = NULL;
        SandboxTmpfs *n;
        size_t k = 0;
        int r;

        if (isempty(a->value)) {
                for (size_t i = 0; i < s->n_tmpfs; i++)
                        sandbox_tmpfs_free_fields(&s->tmpfs[i]);
                free(s->tmpfs);
                s->tmpfs = NULL;
                s->n_tmpfs = 0;
                return 0;
        }
        r = sandbox_words(ctx, a, s->n_tmpfs, &words);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        if (!(n = realloc(s->tmpfs, sizeof(SandboxTmpfs) * (s->n_tmpfs + strv_length(words) + 1))))
                return -ENOMEM;
        s->tmpfs = n;
        STRV_FOREACH(w, words) {
                r = sandbox_tmpfs_entry(ctx, a, *w, &s->tmpfs[s->n_tmpfs + k]);
                if (r < 0)
                        break;
                k++;
        }
        if (r < 0) {
                for (size_t i = 0; i < k; i++)
                        sandbox_tmpfs_free_fields(&s->tmpfs[s->n_tmpfs + i]);
                return r == -ENOMEM ? r : 0;
        }
        s->n_tmpfs += k;
        return 0;
}

static int parse_root_directory(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                int ltype) {
        char **root = data, *p = NULL;
        int r;

        if (!isempty(a->value)) {
                r = sandbox_path_checked(ctx, a, a->value, &p);
                if (r < 0)
                        return r == -ENOMEM ? r : 0;
        }
        free(*root);
        *root = p;
        return 0;
}

/* ---- booleans and enums ---- */

/* A boolean; the empty value resets it to "no" (as the policy module does for the keys it
 * shares with us). LTYPE > 0 is the offset in UnitConfig of a bool that records an explicit
 * assignment (PrivateMounts=, MountAPIVFS=). */
static int parse_sandbox_bool(ConfigContext *ctx, const UnitAssignment *a, void *data,
                              int ltype) {
        bool *set = ltype > 0 ? (bool *) ((uint8_t *) ctx->config + ltype) : NULL;
        int v = isempty(a->value) ? 0 : parse_boolean(a->value);

        if (v < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Failed to parse boolean value: %s",
                                   a->value);
        *(bool *) data = v;
        if (set)
                *set = !isempty(a->value);
        return 0;
}

/* ProtectHostname= also takes "private" (systemd 257): a UTS namespace of its own in which
 * the hostname may be changed; the policy module then adds no filter for it. */
static int parse_protect_hostname(ConfigContext *ctx, const UnitAssignment *a, void *data,
                                  int ltype) {
        if (streq(a->value, "private")) {
                *(bool *) data = true;
                return 0;
        }
        return parse_sandbox_bool(ctx, a, data, ltype);
}

/* A key whose value the policy module parses and reports on. */
static int parse_policy_owned(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        return 0;
}

/* [X-Syscage] ProtectSupervisor=: yes, no, or empty for the default (-1). */
static int parse_tristate(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        int v = isempty(a->value) ? -1 : parse_boolean(a->value);

        if (v < 0 && !isempty(a->value))
                return config_diag(ctx, DIAG_ERROR, a, "Failed to parse boolean value: %s",
                                   a->value);
        *(int *) data = v;
        return 0;
}

typedef int (*SandboxEnumFromString)(const char *s);

/* The enum directives; BOOLEANS: a boolean is accepted too, "yes" meaning the table's 1. */
static const struct {
        SandboxEnumFromString from_string;
        const char *what;
        bool booleans;
} sandbox_enums[] = {
        { protect_system_from_string, "ProtectSystem= value (yes, full, strict or no)", true },
        { protect_home_from_string, "ProtectHome= value (yes, read-only, tmpfs or no)", true },
        { protect_proc_from_string,
          "ProtectProc= value (default, noaccess, invisible or ptraceable)", false },
        { proc_subset_from_string, "ProcSubset= value (all or pid)", false },
        { control_access_from_string, "ControlAccess= value (read-only or full)", false },
};
enum { SENUM_PROTECT_SYSTEM, SENUM_PROTECT_HOME, SENUM_PROTECT_PROC, SENUM_PROC_SUBSET,
       SENUM_CONTROL_ACCESS };

/* The empty value resets to the default (index 0 of every table). */
static int parse_sandbox_enum(ConfigContext *ctx, const UnitAssignment *a, void *data,
                              int ltype) {
        int v = isempty(a->value) ? 0 : sandbox_enums[ltype].from_string(a->value);

        if (v < 0 && sandbox_enums[ltype].booleans)
                v = parse_boolean(a->value);
        if (v < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid %s: %s", sandbox_enums[ltype].what,
                                   a->value);
        if (ltype == SENUM_CONTROL_ACCESS)
                *(bool *) data = v == CONTROL_ACCESS_FULL;
        else
                *(int *) data = v;
        return 0;
}

/* ---- the table ---- */

#define SBOOL(key, f) { "Service", key, parse_sandbox_bool, SFIELD(f), 0 }
#define SPATHS(key, f, old) { "Service", key, parse_sandbox_paths, SFIELD(f), old }
#define SENUM(key, f, e) { "Service", key, parse_sandbox_enum, SFIELD(f), e }

static const ConfigDirective sandbox_directives[] = {
        SENUM("ProtectSystem", protect_system, SENUM_PROTECT_SYSTEM),
        SENUM("ProtectHome", protect_home, SENUM_PROTECT_HOME),
        SENUM("ProtectProc", protect_proc, SENUM_PROTECT_PROC),
        SENUM("ProcSubset", proc_subset, SENUM_PROC_SUBSET),
        SBOOL("PrivateTmp", private_tmp),
        SBOOL("PrivateNetwork", private_network),
        SBOOL("PrivateIPC", private_ipc),
        SBOOL("PrivateUsers", private_users),
        { "Service", "PrivateMounts", parse_sandbox_bool, SFIELD(private_mounts),
          SFIELD(private_mounts_set) },
        SBOOL("ProtectControlGroups", protect_control_groups),
        { "Service", "MountAPIVFS", parse_sandbox_bool, SFIELD(mount_api_vfs),
          SFIELD(mount_api_vfs_set) },
        SBOOL("DynamicUser", dynamic_user),
        SBOOL("RemoveIPC", remove_ipc),
        { "Service", "RootDirectory", parse_root_directory, SFIELD(root_directory), 0 },
        SPATHS("ReadWritePaths", read_write_paths, 0),
        SPATHS("ReadOnlyPaths", read_only_paths, 0),
        SPATHS("InaccessiblePaths", inaccessible_paths, 0),
        SPATHS("ExecPaths", exec_paths, 0),
        SPATHS("NoExecPaths", no_exec_paths, 0),
        SPATHS("ReadWriteDirectories", read_write_paths, 1),
        SPATHS("ReadOnlyDirectories", read_only_paths, 1),
        SPATHS("InaccessibleDirectories", inaccessible_paths, 1),
        { "Service", "BindPaths", parse_bind_paths, 0, 0 },
        { "Service", "BindReadOnlyPaths", parse_bind_paths, 0, 1 },
        { "Service", "TemporaryFileSystem", parse_tmpfs, 0, 0 },

        /* Also policy directives (their system call filter part, see the top of this file). */
        SBOOL("ProtectKernelTunables", protect_kernel_tunables),
        SBOOL("ProtectKernelModules", protect_kernel_modules),
        SBOOL("ProtectKernelLogs", protect_kernel_logs),
        SBOOL("PrivateDevices", private_devices),
        SBOOL("ProtectClock", protect_clock),
        { "Service", "ProtectHostname", parse_protect_hostname, SFIELD(protect_hostname), 0 },

        /* [X-Syscage]: every key of our own section. Add new ones here; any other key in the
         * section is an error (unit-config.c). */
        { UNIT_SECTION_SYSCAGE, "ProtectSupervisor", parse_tristate, SFIELD(protect_supervisor),
          0 },
        { UNIT_SECTION_SYSCAGE, "ControlAccess", parse_sandbox_enum, SFIELD(control_access_full),
          SENUM_CONTROL_ACCESS },
        /* Parsed by the policy module (policy_build()) from the same UnitFile; here it is only
         * known, so that the section's unknown-key check lets it through. */
        { UNIT_SECTION_SYSCAGE, "SystemCallArgumentFilter", parse_policy_owned, 0, 0 },
        /* The main phase (lib/policy-phase.h builds it from the same UnitFile). */
        { UNIT_SECTION_SYSCAGE, "MainSystemCallFilter", parse_policy_owned, 0, 0 },
        { UNIT_SECTION_SYSCAGE, "MainSystemCallErrorNumber", parse_policy_owned, 0, 0 },
        { UNIT_SECTION_SYSCAGE, "MainPhaseStarts", parse_policy_owned, 0, 0 },
        { UNIT_SECTION_SYSCAGE, "PolicyMode", parse_policy_owned, 0, 0 },
};

const ConfigDirective *sandbox_directive_lookup(const char *section, const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(sandbox_directives); i++)
                if (streq(sandbox_directives[i].section, section) &&
                    streq(sandbox_directives[i].key, key))
                        return &sandbox_directives[i];
        return NULL;
}

const char *sandbox_directive_section(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(sandbox_directives); i++)
                if (streq(sandbox_directives[i].key, key))
                        return sandbox_directives[i].section;
        return NULL;
}

/* ---- the whole unit ---- */

static const UnitAssignment *find_last(const UnitFile *u, const char *section,
                                       const char *key) {
        for (size_t i = u->n_assignments; i > 0; i--) {
                const UnitAssignment *a = &u->assignments[i - 1];
                if (streq(a->section, section) && streq(a->key, key))
                        return a;
        }
        return NULL;
}

/* systemd.exec(5): DynamicUser=yes implies ProtectSystem=strict, ProtectHome=read-only,
 * PrivateTmp=yes, RemoveIPC=yes, NoNewPrivileges=yes and RestrictSUIDSGID=yes. A stronger
 * explicit ProtectSystem=/ProtectHome= is kept. */
static void sandbox_dynamic_user_implies(UnitConfig *c) {
        UnitSandbox *s = &c->sandbox;

        if (!s->dynamic_user)
                return;
        s->protect_system = MAX(s->protect_system, PROTECT_SYSTEM_STRICT);
        if (s->protect_home == PROTECT_HOME_NO)
                s->protect_home = PROTECT_HOME_READ_ONLY;
        s->private_tmp = true;
        s->remove_ipc = true;
        c->no_new_privileges = true;
        /* TODO: RestrictSUIDSGID=yes is implied as well. It is a policy directive: the policy
         * module (policy_build() in lib/policy-build.c) must add its rules when the unit sets
         * DynamicUser=yes; nothing here does. */
}

static int sandbox_check_dynamic_user(ConfigContext *ctx, const UnitFile *u) {
        const UnitConfig *c = ctx->config;
        const UnitAssignment *d, *user;

        if (!c->sandbox.dynamic_user || !c->user ||
            !(streq(c->user, "root") || streq(c->user, "0")))
                return 0;
        d = find_last(u, "Service", "DynamicUser");
        user = find_last(u, "Service", "User");
        if (!d || !user)
                return 0;
        return config_diag_code(ctx, DIAG_CODE_CONFLICT, DIAG_ERROR, d,
                           "DynamicUser=yes conflicts with User=%s (%s:%u): a dynamic user is "
                           "never root", c->user, user->file ?: "?", user->line);
}

/* A path cannot be both writable and inaccessible. Errors are placed at the
 * InaccessiblePaths= entry and name the ReadWritePaths= one. */
static int sandbox_check_path_conflicts(ConfigContext *ctx) {
        const UnitSandbox *s = &ctx->config->sandbox;
        int r;

        for (size_t i = 0; i < s->inaccessible_paths.n; i++) {
                const SandboxPath *ia = &s->inaccessible_paths.items[i];
                for (size_t j = 0; j < s->read_write_paths.n; j++) {
                        const SandboxPath *rw = &s->read_write_paths.items[j];
                        if (!streq(ia->path, rw->path) || ia->root_relative != rw->root_relative)
                                continue;
                        ctx->n_errors++;
                        r = diag_add_code(ctx->diags, DIAG_CODE_CONFLICT, DIAG_ERROR, ia->file, ia->line,
                                     "InaccessiblePaths",
                                     "%s is listed in both InaccessiblePaths= and ReadWritePaths= "
                                     "(%s:%u); a path cannot be both inaccessible and writable",
                                     ia->path, rw->file ?: "?", rw->line);
                        if (r < 0)
                                return r;
                        break;
                }
        }
        return 0;
}

int sandbox_finish(ConfigContext *ctx, const UnitFile *u) {
        int r;

        sandbox_dynamic_user_implies(ctx->config);
        r = sandbox_check_dynamic_user(ctx, u);
        if (r < 0)
                return r;
        return sandbox_check_path_conflicts(ctx);
}
