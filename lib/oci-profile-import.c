/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OCI profile -> unit drop-in. The profile is parsed with json-c into a flat list of rules
 * (syscall, action, argument conditions), one per name of every entry that applies;
 * oci-profile-dropin.c then combines the rules of each syscall and writes the unit directives.
 * See the header for how runc's reading of a profile is followed.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch-util.h"
#include "argfilter-table.h"
#include "argfilter.h"
#include "errno-util.h"
#include "oci-profile-dropin.h"
#include "oci-profile-import.h"
#include "strv.h"

#define JSON_DEPTH_MAX 32

typedef struct Importer {
        const OciImportOptions *o;
        uint32_t arches[ARCH_SET_MAX];
        size_t n_arches;
        PolicyAction def;
        int default_errno;
        OciRule *rules;
        size_t n_rules, allocated_rules, n_names;
        PolicyCond **blocks;
        size_t n_blocks, allocated_blocks;
        OciNotes *notes;
        char *error;
} Importer;

static void importer_done(Importer *imp) {
        free(imp->rules);
        for (size_t i = 0; i < imp->n_blocks; i++)
                free(imp->blocks[i]);
        free(imp->blocks);
        free(imp->error);
}

static int fail(Importer *imp, const char *fmt, ...) _printf_(2, 3);
static int fail(Importer *imp, const char *fmt, ...) {
        va_list ap;

        if (imp->error)
                return -EINVAL;
        va_start(ap, fmt);
        if (vasprintf(&imp->error, fmt, ap) < 0)
                imp->error = NULL;
        va_end(ap);
        return imp->error ? -EINVAL : -ENOMEM;
}

/* ---- JSON access with type checks ---- */

static const char *json_type_word(json_type t) {
        switch (t) {
        case json_type_object: return "an object";
        case json_type_array: return "an array";
        case json_type_string: return "a string";
        case json_type_int: return "an integer";
        case json_type_boolean: return "a boolean";
        case json_type_double: return "a number";
        default: return "null";
        }
}

/* A string with a NUL inside: C sees only what comes before it. */
static bool has_nul(json_object *v) {
        return strlen(json_object_get_string(v)) != (size_t) json_object_get_string_len(v);
}

/* *RET is NULL when KEY is absent or null (the Go decoders treat both alike). */
static int member(Importer *imp, json_object *obj, const char *key, json_type t,
                  const char *where, json_object **ret) {
        json_object *v = NULL;

        if (!json_object_object_get_ex(obj, key, &v) || json_object_get_type(v) == json_type_null) {
                *ret = NULL;
                return 0;
        }
        if (json_object_get_type(v) != t)
                return fail(imp, "%s%s: expected %s, got %s", where, key, json_type_word(t),
                            json_type_word(json_object_get_type(v)));
        /* "SCMP_ACT_ALLOW\u0000x" would read as an action runc does not know. */
        if (t == json_type_string && has_nul(v))
                return fail(imp, "%s%s: contains a NUL character", where, key);
        *ret = v;
        return 0;
}

static int array_len(Importer *imp, json_object *a, size_t max, const char *what, size_t *ret) {
        size_t n = a ? json_object_array_length(a) : 0;
        if (n > max)
                return fail(imp, "%s: more than %zu entries", what, max) == -EINVAL ? -E2BIG : -ENOMEM;
        *ret = n;
        return 0;
}

/* A uint64 as Go would decode it: a non-negative integer. */
static int get_u64(Importer *imp, json_object *v, const char *what, uint64_t *ret) {
        if (json_object_get_type(v) != json_type_int)
                return fail(imp, "%s: expected an integer, got %s", what,
                            json_type_word(json_object_get_type(v)));
        if (json_object_get_int64(v) < 0 && json_object_get_uint64(v) == 0)
                return fail(imp, "%s: %" PRId64 " is negative", what, json_object_get_int64(v));
        errno = 0;
        *ret = json_object_get_uint64(v);
        if (errno != 0)
                return fail(imp, "%s: out of range", what);
        return 0;
}

static int string_list(Importer *imp, json_object *a, const char *what, size_t max, size_t i,
                       const char **ret) {
        json_object *v = json_object_array_get_idx(a, i);
        (void) max;
        if (json_object_get_type(v) != json_type_string)
                return fail(imp, "%s[%zu]: expected a string", what, i);
        if (has_nul(v))
                return fail(imp, "%s[%zu]: contains a NUL character", what, i);
        *ret = json_object_get_string(v);
        return 0;
}

/* ---- actions ---- */

/* The unit's action for an OCI action; TRAP, TRACE and NOTIFY have no unit equivalent and
 * become what the kernel does without a handler, tracer or listener. */
static int map_action(Importer *imp, OciAction a, int err, const char *where, PolicyAction *ret) {
        int r = 0;

        switch (a) {
        case OCI_ACTION_ALLOW:
                *ret = POLICY_ACTION(POLICY_ACTION_ALLOW);
                break;
        case OCI_ACTION_LOG:
                *ret = POLICY_ACTION(POLICY_ACTION_LOG);
                break;
        case OCI_ACTION_ERRNO:
                *ret = POLICY_ERRNO((uint16_t) err);
                break;
        case OCI_ACTION_KILL:
        case OCI_ACTION_KILL_THREAD:
                r = oci_notes_add(imp->notes, "%s: %s kills only the calling thread; the unit kills "
                                  "the whole process", where, oci_action_to_string(a));
                *ret = POLICY_ACTION(POLICY_ACTION_KILL);
                break;
        case OCI_ACTION_KILL_PROCESS:
                *ret = POLICY_ACTION(POLICY_ACTION_KILL);
                break;
        case OCI_ACTION_TRAP:
                r = oci_notes_add(imp->notes, "%s: SCMP_ACT_TRAP (SIGSYS): the unit kills the "
                                  "process instead", where);
                *ret = POLICY_ACTION(POLICY_ACTION_KILL);
                break;
        case OCI_ACTION_TRACE:
                r = oci_notes_add(imp->notes, "%s: SCMP_ACT_TRACE: the call fails with ENOSYS, "
                                  "as it does without a tracer", where);
                *ret = POLICY_ERRNO(ENOSYS);
                break;
        case OCI_ACTION_NOTIFY:
                r = oci_notes_add(imp->notes, "%s: SCMP_ACT_NOTIFY (no listener): the call "
                                  "fails with ENOSYS", where);
                *ret = POLICY_ERRNO(ENOSYS);
                break;
        default:
                return -EINVAL;
        }
        return r;
}

static int parse_action(Importer *imp, json_object *obj, const char *key, const char *errno_key,
                        const char *where, PolicyAction *ret) {
        json_object *v, *e;
        OciAction a;
        uint64_t err = imp->default_errno;
        char what[128];
        int r;

        if ((r = member(imp, obj, key, json_type_string, where, &v)) < 0 ||
            (r = member(imp, obj, errno_key, json_type_int, where, &e)) < 0)
                return r;
        if (!v)
                return fail(imp, "%s%s: missing", where, key);
        a = oci_action_from_string(json_object_get_string(v));
        if (a == _OCI_ACTION_INVALID)
                return fail(imp, "%s%s: unknown action '%s'", where, key, json_object_get_string(v));
        if (e) {
                snprintf(what, sizeof what, "%s%s", where, errno_key);
                if ((r = get_u64(imp, e, what, &err)) < 0)
                        return r;
                if (err > ERRNO_MAX)
                        return fail(imp, "%s: %" PRIu64 " is not an error number (0..%d)", what, err,
                                    ERRNO_MAX);
        }
        return map_action(imp, a, (int) err, where[0] ? where : "defaultAction", ret);
}

/* ---- architectures ---- */

static int add_arch(Importer *imp, uint32_t a) {
        for (size_t i = 0; i < imp->n_arches; i++)
                if (imp->arches[i] == a)
                        return 0;
        if (imp->n_arches >= ARCH_SET_MAX)
                return fail(imp, "more than %d architectures", ARCH_SET_MAX);
        imp->arches[imp->n_arches++] = a;
        return 0;
}

static int arch_list(Importer *imp, json_object *a, const char *what, bool native_only) {
        size_t n;
        int r;

        if ((r = array_len(imp, a, OCI_LIST_MAX, what, &n)) < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const char *s = NULL;
                uint32_t arch;

                if ((r = string_list(imp, a, what, OCI_LIST_MAX, i, &s)) < 0)
                        return r;
                arch = oci_arch_from_string(s);
                if (arch == 0)
                        return fail(imp, "%s[%zu]: unknown architecture '%s'", what, i, s);
                if (native_only && arch != imp->arches[0])
                        continue;
                if (!arch_is_local(arch)) {
                        r = oci_notes_add(imp->notes, "%s: %s is not an ABI of this machine; not "
                                          "carried", what, s);
                        if (r < 0)
                                return r;
                        continue;
                }
                if ((r = add_arch(imp, arch)) < 0)
                        return r;
        }
        return 0;
}

/* architectures (the runtime-spec) and archMap (moby: the entry for the native ABI adds its
 * subArchitectures). The native ABI is always in. */
static int parse_arches(Importer *imp, json_object *root) {
        json_object *list, *map;
        size_t n;
        int r;

        imp->arches[0] = imp->o->n_arches > 0 ? imp->o->arches[0] : arch_native();
        imp->n_arches = 1;
        for (size_t i = 1; i < imp->o->n_arches; i++)
                if ((r = add_arch(imp, imp->o->arches[i])) < 0)
                        return r;
        if ((r = member(imp, root, "architectures", json_type_array, "", &list)) < 0 ||
            (r = member(imp, root, "archMap", json_type_array, "", &map)) < 0 ||
            (r = arch_list(imp, list, "architectures", false)) < 0 ||
            (r = array_len(imp, map, OCI_LIST_MAX, "archMap", &n)) < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(map, i), *arch, *subs;
                char where[64];
                uint32_t a;

                snprintf(where, sizeof where, "archMap[%zu].", i);
                if (json_object_get_type(e) != json_type_object)
                        return fail(imp, "archMap[%zu]: expected an object", i);
                if ((r = member(imp, e, "architecture", json_type_string, where, &arch)) < 0 ||
                    (r = member(imp, e, "subArchitectures", json_type_array, where, &subs)) < 0)
                        return r;
                if (!arch)
                        return fail(imp, "%sarchitecture: missing", where);
                a = oci_arch_from_string(json_object_get_string(arch));
                if (a == 0)
                        return fail(imp, "%sarchitecture: unknown architecture '%s'", where,
                                    json_object_get_string(arch));
                if (a != imp->arches[0])
                        continue;
                strcat(where, "subArchitectures");
                if ((r = arch_list(imp, subs, where, false)) < 0)
                        return r;
        }
        return 0;
}

/* ---- includes / excludes ---- */

static bool cap_given(const Importer *imp, const char *cap) {
        STRV_FOREACH(c, imp->o->caps)
                if (strcasecmp(*c, cap) == 0 ||
                    (strncasecmp(cap, "CAP_", 4) == 0 && strcasecmp(*c, cap + 4) == 0))
                        return true;
        return false;
}

/* Counts how many of FILTER's caps (or arches) the options have; *RET_N is the list's size. */
static int filter_matches(Importer *imp, json_object *filter, const char *key, const char *where,
                          size_t *ret_hits, size_t *ret_n) {
        json_object *list;
        size_t n, hits = 0;
        char what[96];
        int r;

        snprintf(what, sizeof what, "%s%s", where, key);
        if ((r = member(imp, filter, key, json_type_array, where, &list)) < 0 ||
            (r = array_len(imp, list, OCI_LIST_MAX, what, &n)) < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const char *s = NULL;
                if ((r = string_list(imp, list, what, OCI_LIST_MAX, i, &s)) < 0)
                        return r;
                if (streq(key, "caps"))
                        hits += cap_given(imp, s);
                else {
                        uint32_t a = oci_arch_from_string(s);
                        if (a == 0)
                                return fail(imp, "%s[%zu]: unknown architecture '%s'", what, i, s);
                        hits += a == imp->arches[0];
                }
        }
        *ret_hits = hits;
        *ret_n = n;
        return 0;
}

/* Moby's rules: an entry is skipped when the native ABI or any given capability is excluded,
 * or when includes lists ABIs without the native one, or capabilities not all given. */
static int entry_applies(Importer *imp, json_object *e, const char *where, bool *ret) {
        json_object *inc, *exc, *k;
        size_t hits, n;
        char w[96];
        int r;

        *ret = false;
        if ((r = member(imp, e, "includes", json_type_object, where, &inc)) < 0 ||
            (r = member(imp, e, "excludes", json_type_object, where, &exc)) < 0)
                return r;
        if (exc) {
                snprintf(w, sizeof w, "%sexcludes.", where);
                if ((r = filter_matches(imp, exc, "arches", w, &hits, &n)) < 0)
                        return r;
                if (hits > 0)
                        return 0;
                if ((r = filter_matches(imp, exc, "caps", w, &hits, &n)) < 0)
                        return r;
                if (hits > 0)
                        return 0;
                if ((r = member(imp, exc, "minKernel", json_type_string, w, &k)) < 0)
                        return r;
                if (k) {
                        r = oci_notes_add(imp->notes, "%sminKernel %s: assumed met, so the entry "
                                          "is left out", w, json_object_get_string(k));
                        return r;
                }
        }
        if (inc) {
                snprintf(w, sizeof w, "%sincludes.", where);
                if ((r = filter_matches(imp, inc, "arches", w, &hits, &n)) < 0)
                        return r;
                if (n > 0 && hits == 0)
                        return 0;
                if ((r = filter_matches(imp, inc, "caps", w, &hits, &n)) < 0)
                        return r;
                if (hits < n)
                        return 0;
                if ((r = member(imp, inc, "minKernel", json_type_string, w, &k)) < 0)
                        return r;
                if (k && (r = oci_notes_add(imp->notes, "%sminKernel %s: assumed met",
                                            w, json_object_get_string(k))) < 0)
                        return r;
        }
        *ret = true;
        return 0;
}

/* ---- syscalls[] ---- */

static int parse_args(Importer *imp, json_object *e, const char *where, PolicyCond **ret,
                      unsigned *ret_n, bool *ret_ored) {
        _cleanup_free_ PolicyCond *conds = NULL;
        json_object *args;
        unsigned seen = 0;
        bool ored = false;
        size_t n;
        char what[96];
        int r;

        snprintf(what, sizeof what, "%sargs", where);
        if ((r = member(imp, e, "args", json_type_array, where, &args)) < 0 ||
            (r = array_len(imp, args, OCI_ARGS_MAX, what, &n)) < 0)
                return r;
        if (n > 0 && !(conds = calloc(n, sizeof *conds)))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *a = json_object_array_get_idx(args, i), *idx, *val, *val2, *op;
                uint64_t index, v = 0, v2 = 0;
                char w[128], w2[160];
                int c;

                snprintf(w, sizeof w, "%s[%zu].", what, i);
                if (json_object_get_type(a) != json_type_object)
                        return fail(imp, "%s[%zu]: expected an object", what, i);
                if ((r = member(imp, a, "index", json_type_int, w, &idx)) < 0 ||
                    (r = member(imp, a, "op", json_type_string, w, &op)) < 0)
                        return r;
                if (!idx || !op)
                        return fail(imp, "%s%s: missing", w, idx ? "op" : "index");
                snprintf(w2, sizeof w2, "%sindex", w);
                if ((r = get_u64(imp, idx, w2, &index)) < 0)
                        return r;
                if (index > 5)
                        return fail(imp, "%s: %" PRIu64 " is not an argument index (0..5)", w2, index);
                c = oci_cmp_from_string(json_object_get_string(op));
                if (c < 0)
                        return fail(imp, "%sop: unknown operator '%s'", w, json_object_get_string(op));
                if (json_object_object_get_ex(a, "value", &val) && val) {
                        snprintf(w2, sizeof w2, "%svalue", w);
                        if ((r = get_u64(imp, val, w2, &v)) < 0)
                                return r;
                }
                if (json_object_object_get_ex(a, "valueTwo", &val2) && val2) {
                        snprintf(w2, sizeof w2, "%svalueTwo", w);
                        if ((r = get_u64(imp, val2, w2, &v2)) < 0)
                                return r;
                }
                ored = ored || (seen & (1u << index));
                seen |= 1u << index;
                conds[i] = (PolicyCond) { .arg = (unsigned) index, .op = (PolicyCmp) c, .a = v, .b = v2 };
        }
        *ret = TAKE_PTR(conds);
        *ret_n = (unsigned) n;
        *ret_ored = ored;
        return 0;
}

static bool action_permits(PolicyAction a) {
        return a.type == POLICY_ACTION_ALLOW || a.type == POLICY_ACTION_LOG;
}

static bool name_known(const Importer *imp, const char *name) {
        for (size_t i = 0; i < imp->n_arches; i++)
                if (seccomp_syscall_resolve_name_arch(imp->arches[i], name) >= 0)
                        return true;
        return false;
}

static int add_rule(Importer *imp, const char *name, PolicyAction action, const PolicyCond *conds,
                    unsigned n, bool ored, const char *where) {
        if (!name_known(imp, name))
                return oci_notes_add(imp->notes, "%s: unknown system call '%s' skipped (runc "
                                     "skips it too)", where, name);
        if (++imp->n_names > OCI_NAMES_MAX) {
                (void) fail(imp, "more than %u syscall names", OCI_NAMES_MAX);
                return -E2BIG;
        }
        if (GREEDY_REALLOC(imp->rules, imp->allocated_rules, imp->n_rules + 1) < 0)
                return -ENOMEM;
        imp->rules[imp->n_rules] = (OciRule) {
                .name = name, .action = action, .conds = conds, .n_conds = n, .ored = ored,
                .order = imp->n_rules,
        };
        imp->n_rules++;
        return 0;
}

static int parse_entry(Importer *imp, json_object *e, size_t i) {
        _cleanup_free_ PolicyCond *conds = NULL;
        json_object *names, *name;
        PolicyAction action;
        unsigned n_conds = 0;
        bool applies, ored = false;
        char where[64], what[96];
        size_t n;
        int r;

        snprintf(where, sizeof where, "syscalls[%zu].", i);
        if (json_object_get_type(e) != json_type_object)
                return fail(imp, "syscalls[%zu]: expected an object", i);
        if ((r = entry_applies(imp, e, where, &applies)) < 0)
                return r;
        if (!applies)
                return 0;
        if ((r = parse_action(imp, e, "action", "errnoRet", where, &action)) < 0 ||
            (r = parse_args(imp, e, where, &conds, &n_conds, &ored)) < 0 ||
            (r = member(imp, e, "names", json_type_array, where, &names)) < 0 ||
            (r = member(imp, e, "name", json_type_string, where, &name)) < 0)
                return r;
        snprintf(what, sizeof what, "%snames", where);
        if ((r = array_len(imp, names, OCI_NAMES_MAX, what, &n)) < 0)
                return r;
        if (n_conds > 0) {
                if (GREEDY_REALLOC(imp->blocks, imp->allocated_blocks, imp->n_blocks + 1) < 0)
                        return -ENOMEM;
                imp->blocks[imp->n_blocks++] = conds;
        }
        for (size_t k = 0; k < n; k++) {
                const char *s = NULL;
                if ((r = string_list(imp, names, what, OCI_NAMES_MAX, k, &s)) < 0 ||
                    (r = add_rule(imp, s, action, conds, n_conds, ored, where)) < 0)
                        break;
        }
        if (r >= 0 && name)
                r = add_rule(imp, json_object_get_string(name), action, conds, n_conds, ored, where);
        if (n_conds > 0)
                TAKE_PTR(conds); /* owned by imp->blocks now */
        return r;
}

/* The byte offset of the first integer literal of DATA (outside strings) that Go's decoder
 * refuses for any integer field: above 2^64-1, or below -2^63. json-c clamps such a number
 * without saying so; -1 when there is none. STRICT parsing has already refused leading zeros. */
static ssize_t integer_overflow(const char *data, size_t size) {
        bool in_string = false;

        for (size_t i = 0; i < size; i++) {
                char c = data[i];
                size_t start = i, digits = 0;
                uint64_t v = 0;
                bool over = false, minus = false;

                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                        continue;
                }
                if (c == '"') {
                        in_string = true;
                        continue;
                }
                if (c != '-' && (c < '0' || c > '9'))
                        continue;
                minus = c == '-';
                if (minus)
                        i++;
                for (; i < size && data[i] >= '0' && data[i] <= '9'; i++, digits++) {
                        unsigned d = (unsigned) (data[i] - '0');
                        over = over || v > (UINT64_MAX - d) / 10;
                        v = v * 10 + d;
                }
                if (i < size && (data[i] == '.' || data[i] == 'e' || data[i] == 'E'))
                        over = false; /* a float: not an integer field's value anyway */
                else if (minus && v > (UINT64_C(1) << 63))
                        over = true;
                if (over && digits > 0)
                        return (ssize_t) start;
                /* Skip the rest of a float; the loop's i++ steps past the last byte read. */
                while (i < size && strchr("0123456789.eE+-", data[i]))
                        i++;
                i--;
        }
        return -1;
}

static int parse_top(Importer *imp, json_object *root) {
        json_object *v, *syscalls;
        size_t n;
        int r;

        if (json_object_get_type(root) != json_type_object)
                return fail(imp, "expected a JSON object, got %s", json_type_word(json_object_get_type(root)));
        /* A whole config.json: its linux.seccomp object. */
        if (!json_object_object_get_ex(root, "defaultAction", NULL) &&
            json_object_object_get_ex(root, "linux", &v)) {
                if (json_object_get_type(v) != json_type_object)
                        return fail(imp, "linux: expected an object");
                if ((r = member(imp, v, "seccomp", json_type_object, "linux.", &root)) < 0)
                        return r;
                if (!root)
                        return fail(imp, "linux.seccomp: missing (the container has no seccomp profile)");
        }
        if ((r = parse_arches(imp, root)) < 0)
                return r;
        imp->default_errno = EPERM;
        if ((r = member(imp, root, "defaultErrnoRet", json_type_int, "", &v)) < 0)
                return r;
        if (v) {
                uint64_t e;
                if ((r = get_u64(imp, v, "defaultErrnoRet", &e)) < 0)
                        return r;
                if (e > ERRNO_MAX)
                        return fail(imp, "defaultErrnoRet: %" PRIu64 " is not an error number", e);
                imp->default_errno = (int) e;
        }
        if ((r = parse_action(imp, root, "defaultAction", "defaultErrnoRet", "", &imp->def)) < 0)
                return r;
        if (imp->def.type == POLICY_ACTION_ERRNO && imp->def.errno_value == 0)
                return fail(imp, "defaultErrnoRet: 0 would make every call a fake success");
        if (imp->def.type == POLICY_ACTION_LOG) {
                imp->def = POLICY_ACTION(POLICY_ACTION_ALLOW);
                if ((r = oci_notes_add(imp->notes, "defaultAction: SCMP_ACT_LOG: carried as allow, "
                                       "without the logging")) < 0)
                        return r;
        }
        if ((r = member(imp, root, "flags", json_type_array, "", &v)) < 0 ||
            (r = array_len(imp, v, OCI_LIST_MAX, "flags", &n)) < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const char *s = NULL;
                if ((r = string_list(imp, v, "flags", OCI_LIST_MAX, i, &s)) < 0)
                        return r;
                /* TSYNC: a service is one thread when its filter is loaded; nothing to carry. */
                if (!streq(s, "SECCOMP_FILTER_FLAG_TSYNC") &&
                    (r = oci_notes_add(imp->notes, "flags: %s", s)) < 0)
                        return r;
        }
        if ((r = member(imp, root, "listenerPath", json_type_string, "", &v)) < 0)
                return r;
        if (v && (r = oci_notes_add(imp->notes, "listenerPath: %s (no seccomp agent)",
                                    json_object_get_string(v))) < 0)
                return r;
        if ((r = member(imp, root, "listenerMetadata", json_type_string, "", &v)) < 0)
                return r;
        if (v && (r = oci_notes_add(imp->notes, "listenerMetadata")) < 0)
                return r;
        if ((r = member(imp, root, "syscalls", json_type_array, "", &syscalls)) < 0 ||
            (r = array_len(imp, syscalls, OCI_ENTRIES_MAX, "syscalls", &n)) < 0)
                return r;
        for (size_t i = 0; i < n; i++)
                if ((r = parse_entry(imp, json_object_array_get_idx(syscalls, i), i)) < 0)
                        return r;
        return 0;
}

int oci_import(const char *data, size_t size, const OciImportOptions *o, char **ret_dropin,
               OciNotes *notes, char **ret_error) {
        Importer imp = { .o = o, .notes = notes };
        const char *nul;
        OciRuleSet set;
        json_tokener *tok = NULL;
        json_object *root = NULL;
        char *text = NULL;
        int r;

        if (size > OCI_PROFILE_SIZE_MAX) {
                r = fail(&imp, "profile larger than %u bytes", OCI_PROFILE_SIZE_MAX);
                r = r == -EINVAL ? -E2BIG : r;
                goto finish;
        }
        nul = memchr(data, '\0', size);
        if (nul) {
                r = fail(&imp, "not JSON: a NUL byte at byte %zu", (size_t) (nul - data));
                goto finish;
        }
        tok = json_tokener_new_ex(JSON_DEPTH_MAX);
        if (!tok) {
                r = -ENOMEM;
                goto finish;
        }
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        root = json_tokener_parse_ex(tok, data, (int) size);
        if (!root || json_tokener_get_error(tok) != json_tokener_success ||
            json_tokener_get_parse_end(tok) != size) {
                enum json_tokener_error e = json_tokener_get_error(tok);
                r = fail(&imp, "not JSON: %s at byte %zu",
                         e == json_tokener_continue ? "unexpected end"
                         : e == json_tokener_success ? "trailing data" : json_tokener_error_desc(e),
                         json_tokener_get_parse_end(tok));
                goto finish;
        }
        if (integer_overflow(data, size) >= 0) {
                r = fail(&imp, "not JSON runc accepts: an integer out of range at byte %zd",
                         integer_overflow(data, size));
                goto finish;
        }
        if ((r = parse_top(&imp, root)) < 0)
                goto finish;
        set = (OciRuleSet) {
                .rules = imp.rules, .n_rules = imp.n_rules, .arches = imp.arches,
                .n_arches = imp.n_arches, .def = imp.def,
        };
        if (!action_permits(imp.def) && !oci_rules_allow_any(&set)) {
                /* A unit without SystemCallFilter= allows everything: refuse, fail closed. */
                r = fail(&imp, "the profile allows no system call; a unit cannot say that");
                goto finish;
        }
        r = oci_dropin_write(&set, notes, &text);
finish:
        if (r < 0 && ret_error)
                *ret_error = TAKE_PTR(imp.error);
        if (r >= 0)
                *ret_dropin = text;
        json_object_put(root);
        if (tok)
                json_tokener_free(tok);
        importer_done(&imp);
        return r;
}
