/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Acceptance test against the systemd installed on the build machine: for every group that
 * `systemd-analyze syscall-filter` prints, our expansion must contain all of systemd's
 * expansion. Skips (exit 77) when systemd-analyze is not installed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "strv.h"
#include "syscall-groups.h"

#define SD_GROUPS_MAX 128
#define SD_LINE_MAX 256

typedef struct SdGroup {
        char *name;
        char **members; /* as printed: syscall names and unexpanded "@group" names */
} SdGroup;

typedef struct SdGroups {
        SdGroup items[SD_GROUPS_MAX];
        size_t n;
} SdGroups;

/* Runs before cmocka is set up, so plain checks rather than assertions. */
static bool find_in_path(const char *prog) {
        const char *path = getenv("PATH");
        _cleanup_free_ char *copy = strdup(path ? path : "/usr/bin:/bin");

        if (!copy)
                return false;
        for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir;
             dir = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dir, prog) >= 0 && access(p, X_OK) == 0)
                        return true;
        }
        return false;
}

/* Lines are "@name" (a new group), "    # help", "    member", blank, or a "#" comment that
 * ends the group list. */
static void parse_line(SdGroups *sd, char *line, bool *done) {
        line[strcspn(line, "\n")] = '\0';
        if (*done || line[0] == '\0')
                return;
        if (line[0] == '#') {
                *done = true;
                return;
        }
        if (line[0] == '@') {
                assert_true(sd->n < SD_GROUPS_MAX);
                sd->items[sd->n].name = strdup(line);
                assert_non_null(sd->items[sd->n].name);
                sd->n++;
                return;
        }
        assert_true(strncmp(line, "    ", 4) == 0);
        assert_true(sd->n > 0);
        if (line[4] == '#')
                return;
        assert_int_equal(strv_extend(&sd->items[sd->n - 1].members, line + 4), 0);
}

static int setup(void **state) {
        SdGroups *sd = calloc(1, sizeof(SdGroups));
        char line[SD_LINE_MAX];
        bool done = false;

        assert_non_null(sd);
        FILE *p = popen("systemd-analyze syscall-filter --no-pager --quiet 2>/dev/null", "re");
        assert_non_null(p);
        while (fgets(line, sizeof(line), p))
                parse_line(sd, line, &done);
        assert_int_equal(pclose(p), 0);
        *state = sd;
        return 0;
}

static int teardown(void **state) {
        SdGroups *sd = *state;

        for (size_t i = 0; i < sd->n; i++) {
                free(sd->items[i].name);
                strv_free(sd->items[i].members);
        }
        free(sd);
        return 0;
}

static const SdGroup *sd_find(const SdGroups *sd, const char *name) {
        for (size_t i = 0; i < sd->n; i++)
                if (strcmp(sd->items[i].name, name) == 0)
                        return &sd->items[i];
        return NULL;
}

static void sd_expand(const SdGroups *sd, const SdGroup *g, unsigned depth, char ***l) {
        assert_true(depth < SYSCALL_GROUP_DEPTH_MAX);
        STRV_FOREACH(m, g->members) {
                if ((*m)[0] == '@') {
                        const SdGroup *sub = sd_find(sd, *m);
                        if (!sub)
                                fail_msg("systemd's %s names %s, which it does not print", g->name,
                                         *m);
                        sd_expand(sd, sub, depth + 1, l);
                } else if (!strv_contains(*l, *m))
                        assert_int_equal(strv_extend(l, *m), 0);
        }
}

static int collect_cb(const char *syscall, void *userdata) {
        char ***l = userdata;

        return strv_contains(*l, syscall) ? 0 : strv_extend(l, syscall);
}

/* Returns the number of names systemd has in G that our group lacks, printing them. */
static unsigned check_group(const SdGroups *sd, const SdGroup *g) {
        _cleanup_strv_free_ char **theirs = NULL, **ours = NULL;
        const SyscallGroup *our = syscall_group_find(g->name);
        unsigned missing = 0;

        if (!our) {
                print_error("systemd group %s has no counterpart\n", g->name);
                return 1;
        }
        sd_expand(sd, g, 0, &theirs);
        assert_int_equal(syscall_group_foreach(our, collect_cb, &ours), 0);
        STRV_FOREACH(s, theirs)
                if (!strv_contains(ours, *s)) {
                        print_error("%s lacks %s\n", g->name, *s);
                        missing++;
                }
        print_message("%-16s systemd %3zu, ours %3zu\n", g->name, strv_length(theirs),
                      strv_length(ours));
        return missing;
}

static void test_superset_of_systemd(void **state) {
        const SdGroups *sd = *state;
        unsigned missing = 0;

        /* Guard against a parse that found nothing, which would pass vacuously. */
        assert_true(sd->n >= 20);
        assert_non_null(sd_find(sd, "@system-service"));
        assert_non_null(sd_find(sd, "@known"));

        for (size_t i = 0; i < sd->n; i++)
                missing += check_group(sd, &sd->items[i]);
        assert_int_equal(missing, 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_superset_of_systemd),
        };

        if (!find_in_path("systemd-analyze")) {
                printf("systemd-analyze not found in PATH, skipping\n");
                return 77;
        }
        return cmocka_run_group_tests(tests, setup, teardown);
}
