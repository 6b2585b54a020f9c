/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The directory part of the directive table: RuntimeDirectory=, StateDirectory=,
 * CacheDirectory=, LogsDirectory=, ConfigurationDirectory=, their *Mode= and
 * RuntimeDirectoryPreserve= (systemd.exec(5)). Where the directories live is the daemon's
 * business (daemon/core/unit-dirs.c); here they are names relative to a base.
 *
 * systemd ignores a bad entry with a warning; we refuse it (an error at its line), like every
 * other bad value: a unit must not start without the directory it asked for.
 */
#include <stdlib.h>
#include <string.h>

#include "exec-command.h"
#include "parse-util.h"
#include "string-table.h"
#include "strv.h"
#include "unit-directives-dirs.h"

DEFINE_STRING_TABLE(unit_dir_kind, UnitDirKind, _UNIT_DIR_KIND_MAX,
                    [UNIT_DIR_RUNTIME] = "RuntimeDirectory",
                    [UNIT_DIR_STATE] = "StateDirectory",
                    [UNIT_DIR_CACHE] = "CacheDirectory",
                    [UNIT_DIR_LOGS] = "LogsDirectory",
                    [UNIT_DIR_CONFIGURATION] = "ConfigurationDirectory");

DEFINE_STRING_TABLE(runtime_directory_preserve, RuntimeDirectoryPreserve, _RUNTIME_DIRECTORY_PRESERVE_MAX,
                    [RUNTIME_DIRECTORY_PRESERVE_NO] = "no",
                    [RUNTIME_DIRECTORY_PRESERVE_YES] = "yes",
                    [RUNTIME_DIRECTORY_PRESERVE_RESTART] = "restart");

/* W with "//", "/./" and a trailing "/" dropped, as systemd simplifies it before its checks
 * ("a//b/" is "a/b"); newly allocated. */
static char *dir_word_simplify(const char *w, size_t n) {
        char *s = malloc(n + 1), *o = s;
        if (!s)
                return NULL;
        for (size_t i = 0; i < n;) {
                size_t k = strcspn(w + i, "/");
                k = k > n - i ? n - i : k;
                if (k > 0 && !(k == 1 && w[i] == '.')) {
                        if (o > s || w[0] == '/')
                                *o++ = '/';
                        memcpy(o, w + i, k);
                        o += k;
                }
                i += k + 1;
        }
        if (o == s && n > 0 && w[0] == '/')
                *o++ = '/';
        *o = '\0';
        return s;
}

/* Why W (one side of "NAME:LINK", simplified) is refused, or NULL when it is fine. */
static const char *dir_word_problem(const char *w) {
        if (isempty(w))
                return "must not be empty or \".\"";
        if (w[0] == '/')
                return "must be relative to the directory base, not absolute";
        if (!path_is_safe_relative(w))
                return "must be a relative path without \"..\"";
        return NULL;
}

/* Splits one word into NAME and LINK (NULL without ":"); a located error for a bad part. */
static int dir_word_split(ConfigContext *ctx, const UnitAssignment *a, UnitDirKind k, const char *w,
                          char **ret_name, char **ret_link) {
        const char *colon = strchr(w, ':');
        _cleanup_free_ char *name = dir_word_simplify(w, colon ? (size_t) (colon - w) : strlen(w));
        const char *problem;

        if (!name)
                return -ENOMEM;
        if (colon && k == UNIT_DIR_CONFIGURATION)
                return config_diag(ctx, DIAG_ERROR, a, "%s= takes no link destination (\"NAME:LINK\"): %s",
                                   a->key, w) ?: -EINVAL;
        if ((problem = dir_word_problem(name)))
                return config_diag(ctx, DIAG_ERROR, a, "Directory %s: %s", problem, w) ?: -EINVAL;
        _cleanup_free_ char *link = colon ? dir_word_simplify(colon + 1, strlen(colon + 1)) : NULL;
        if (colon && !link)
                return -ENOMEM;
        if (colon && (problem = dir_word_problem(link)))
                return config_diag(ctx, DIAG_ERROR, a, "Link destination %s: %s", problem, w) ?: -EINVAL;
        *ret_name = TAKE_PTR(name);
        *ret_link = TAKE_PTR(link);
        return 0;
}

static int dir_list_add(ConfigContext *ctx, const UnitAssignment *a, UnitDirList *l, const char *name,
                        const char *link) {
        if (!strv_contains(l->names, name)) {
                if (strv_length(l->names) >= UNIT_CONFIG_LIST_MAX)
                        return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a, "Too many entries (at most %u).",
                                                UNIT_CONFIG_LIST_MAX);
                if (strv_extend(&l->names, name) < 0)
                        return -ENOMEM;
        }
        if (!link)
                return 0;
        for (char **p = l->links; p && p[0] && p[1]; p += 2)
                if (streq(p[0], name) && streq(p[1], link))
                        return 0;
        if (strv_length(l->links) >= 2 * UNIT_CONFIG_LIST_MAX)
                return config_diag_code(ctx, DIAG_CODE_LIMIT, DIAG_ERROR, a, "Too many links (at most %u).",
                                        UNIT_CONFIG_LIST_MAX);
        return strv_extend(&l->links, name) < 0 || strv_extend(&l->links, link) < 0 ? -ENOMEM : 0;
}

/* "NAME NAME:LINK ...": the names are added once each, in order; an empty value resets the
 * list. A line adds all its words or none. */
static int parse_dirs(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        UnitDirList *l = &ctx->config->directories[ltype];
        _cleanup_strv_free_ char **words = NULL, **pairs = NULL;
        int r;

        if (isempty(a->value)) {
                l->names = strv_free(l->names);
                l->links = strv_free(l->links);
                return 0;
        }
        r = exec_split_words(a->value, &words);
        if (r == -EINVAL || r == -E2BIG)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid quoting or too many words: %s", a->value);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                char *name = NULL, *link = NULL;
                r = dir_word_split(ctx, a, (UnitDirKind) ltype, *w, &name, &link);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return 0;
                /* Kept as pairs (NAME, LINK or "") until the whole line is known to be good. */
                r = strv_consume(&pairs, name);
                if (r < 0) {
                        free(link);
                        return r;
                }
                r = strv_consume(&pairs, link ?: strdup(""));
                if (r < 0)
                        return r;
        }
        for (char **p = pairs; p && p[0] && p[1]; p += 2) {
                r = dir_list_add(ctx, a, l, p[0], isempty(p[1]) ? NULL : p[1]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int parse_dir_mode(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        if (parse_mode(a->value, 07777, &ctx->config->directories[ltype].mode) < 0)
                return config_diag(ctx, DIAG_ERROR, a, "Invalid octal mode (0..7777): %s", a->value);
        return 0;
}

/* A boolean or "restart". */
static int parse_preserve(ConfigContext *ctx, const UnitAssignment *a, void *data, int ltype) {
        int b = parse_boolean(a->value);

        if (b >= 0)
                ctx->config->runtime_directory_preserve = b ? RUNTIME_DIRECTORY_PRESERVE_YES
                                                            : RUNTIME_DIRECTORY_PRESERVE_NO;
        else if (streq(a->value, "restart"))
                ctx->config->runtime_directory_preserve = RUNTIME_DIRECTORY_PRESERVE_RESTART;
        else
                return config_diag(ctx, DIAG_ERROR, a, "Expected a boolean or \"restart\": %s", a->value);
        return 0;
}

#define DIR_ROWS(key, kind)                                                        \
        { "Service", key, parse_dirs, 0, kind },                                   \
        { "Service", key "Mode", parse_dir_mode, 0, kind }

static const ConfigDirective dirs_directives[] = {
        DIR_ROWS("RuntimeDirectory", UNIT_DIR_RUNTIME),
        DIR_ROWS("StateDirectory", UNIT_DIR_STATE),
        DIR_ROWS("CacheDirectory", UNIT_DIR_CACHE),
        DIR_ROWS("LogsDirectory", UNIT_DIR_LOGS),
        DIR_ROWS("ConfigurationDirectory", UNIT_DIR_CONFIGURATION),
        { "Service", "RuntimeDirectoryPreserve", parse_preserve, 0, 0 },
};

const ConfigDirective *dirs_directive_lookup(const char *section, const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(dirs_directives); i++)
                if (streq(dirs_directives[i].section, section) && streq(dirs_directives[i].key, key))
                        return &dirs_directives[i];
        return NULL;
}

const char *dirs_directive_section(const char *key) {
        for (size_t i = 0; i < ELEMENTSOF(dirs_directives); i++)
                if (streq(dirs_directives[i].key, key))
                        return dirs_directives[i].section;
        return NULL;
}

void unit_dir_lists_init(UnitDirList *l) {
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++)
                l[k] = (UnitDirList) { .mode = 0755 };
}

void unit_dir_lists_done(UnitDirList *l) {
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++) {
                strv_free(l[k].names);
                strv_free(l[k].links);
                l[k] = (UnitDirList) {};
        }
}
