/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mask, unmask, edit, list-unit-files and list-dependencies (see verbs-units.h).
 *
 * Where files go: the "config directory" is the first directory of the daemon's unit search
 * path that is not a runtime one, the "runtime directory" (--runtime) the first whose path
 * ends in /run/syscage/units. With the default path these are /etc/syscage/units and
 * /run/syscage/units, as /etc/systemd/system and /run/systemd/system are for systemctl.
 *
 * edit never installs a file that does not load: the new file is put in place, the unit is
 * loaded and its policy built as the daemon would; on an error the previous state comes back,
 * the edited text is kept for another try, and the daemon is not reloaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus-client.h"
#include "ctl-output.h"
#include "ctl.h"
#include "exec-command.h"
#include "policy-build.h"
#include "policy.h"
#include "strv.h"
#include "unit-config.h"
#include "unit-file.h"
#include "verbs-units.h"

#define OPT_RUNTIME 0x7f10
#define OPT_FULL 0x7f11
#define OPT_STATE 0x7f12
#define OPT_NO_PAGER 0x7f13
#define OPT_NO_RELOAD 0x7f14
#define OPT_REVERSE 0x7f15
#define OPT_NO_LEGEND 0x7f16

#define RUNTIME_DIR_SUFFIX "/run/syscage/units"
/* The biggest file edit reads back from the editor (as a unit file may be). */
#define EDIT_TEXT_MAX UNIT_FILE_SIZE_MAX
/* list-dependencies: how deep --all goes (a cycle is cut anyway). */
#define DEPENDENCY_DEPTH_MAX 32u

static const char edit_header_1[] = "### Editing ";
static const char edit_header_2[] =
        "### Anything between here and the comment below will become the new contents of the file\n";
static const char edit_footer[] = "### Lines below this comment will be discarded\n";

static bool str_endswith(const char *s, const char *suffix) {
        size_t n = strlen(s), m = strlen(suffix);
        return n >= m && streq(s + n - m, suffix);
}

/* The search path: --units-dir, else the daemon's (when it answers), else the default. */
static char **units_search_path(sd_bus *bus) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        char **l = NULL;

        if (arg_units_dirs)
                return strv_copy(arg_units_dirs);
        if (bus && sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "GetUnitPaths", NULL, &reply, NULL) >= 0 &&
            sd_bus_message_read_strv(reply, &l) >= 0 && l && l[0])
                return l;
        strv_free(l);
        return unit_search_path_default();
}

/* The directory mask and edit write to (see the top of this file); NULL with a message. */
static const char *units_target_dir(char **path, bool runtime) {
        STRV_FOREACH(d, path)
                if (str_endswith(*d, RUNTIME_DIR_SUFFIX) == runtime)
                        return *d;
        if (runtime)
                fprintf(stderr, "The unit search path has no runtime directory (one ending in %s).\n",
                        RUNTIME_DIR_SUFFIX);
        else
                fprintf(stderr, "The unit search path has no configuration directory.\n");
        return NULL;
}

static int mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = '\0';
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        return 0;
}

static bool is_null_link(const char *path) {
        char target[16];
        ssize_t n = readlink(path, target, sizeof target - 1);

        if (n < 0)
                return false;
        target[n] = '\0';
        return streq(target, "/dev/null");
}

/* Asks the daemon to reload; a daemon that is not running is fine (it reads the files when it
 * starts). Returns an exit code. */
static int units_reload(sd_bus *bus) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (!bus)
                return CTL_EXIT_SUCCESS;
        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "DaemonReload", &error, NULL, NULL);
        if (r < 0)
                return bus_client_report("reload the daemon", NULL, &error, r);
        return CTL_EXIT_SUCCESS;
}

/* ---- mask, unmask ---- */

static int mask_one(sd_bus *bus, const char *dir, const char *unit) {
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (asprintf(&path, "%s/%s", dir, unit) < 0)
                return -ENOMEM;
        if (lstat(path, &st) >= 0) {
                if (is_null_link(path))
                        return 0;
                fprintf(stderr, "Failed to mask unit: File %s already exists.\n", path);
                return -EEXIST;
        }
        if (bus) {
                __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
                if (bus_client_call_unit(bus, "IsEnabled", unit, &error) < 0 &&
                    sd_bus_error_has_name(&error, BUS_ERROR_NO_SUCH_UNIT))
                        fprintf(stderr, "Unit %s does not exist, proceeding anyway.\n", unit);
        }
        if (mkdir_parents(path, 0755) < 0 || symlink("/dev/null", path) < 0) {
                int e = errno;
                fprintf(stderr, "Failed to mask unit: cannot create %s: %s\n", path, strerror(e));
                return -e;
        }
        fprintf(stderr, "Created symlink %s \u2192 /dev/null.\n", path);
        return 0;
}

static int unmask_one(char **search_path, const char *unit) {
        STRV_FOREACH(d, search_path) {
                _cleanup_free_ char *path = NULL;

                if (asprintf(&path, "%s/%s", *d, unit) < 0)
                        return -ENOMEM;
                if (!is_null_link(path))
                        continue;
                if (unlink(path) < 0) {
                        int e = errno;
                        fprintf(stderr, "Failed to unmask unit: cannot remove %s: %s\n", path, strerror(e));
                        return -e;
                }
                fprintf(stderr, "Removed \"%s\".\n", path);
        }
        return 0;
}

int verb_mask(int argc, char **argv) {
        static const struct option options[] = {
                { "runtime", no_argument, NULL, OPT_RUNTIME },
                { "no-reload", no_argument, NULL, OPT_NO_RELOAD },
                { "no-pager", no_argument, NULL, OPT_NO_PAGER },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **path = NULL;
        bool mask = streq(argv[0], "mask"), runtime = false, reload = true;
        const char *dir = NULL;
        int c, ret = CTL_EXIT_SUCCESS;

        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case OPT_RUNTIME:
                        runtime = true;
                        break;
                case OPT_NO_RELOAD:
                        reload = false;
                        break;
                case OPT_NO_PAGER:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (optind >= argc) {
                fprintf(stderr, "%s: expected at least one unit name.\n", argv[0]);
                return CTL_EXIT_USAGE;
        }
        (void) bus_client_connect_quiet(&bus);
        path = units_search_path(bus);
        if (!path)
                return CTL_EXIT_FAILURE;
        if (mask && !(dir = units_target_dir(path, runtime)))
                return CTL_EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_free_ char *unit = NULL;

                if (bus_client_unit_name(argv[i], &unit) < 0) {
                        ret = CTL_EXIT_USAGE;
                        continue;
                }
                if ((mask ? mask_one(bus, dir, unit) : unmask_one(path, unit)) < 0)
                        ret = CTL_EXIT_FAILURE;
        }
        if (reload && units_reload(bus) != CTL_EXIT_SUCCESS)
                ret = CTL_EXIT_FAILURE;
        return ret;
}

/* ---- list-unit-files ---- */

typedef struct UnitFileRow {
        const char *path, *state;
        char *name;
} UnitFileRow;

static int row_compare(const void *a, const void *b) {
        return strcmp(((const UnitFileRow *) a)->name, ((const UnitFileRow *) b)->name);
}

static bool name_matches(char **patterns, const char *name) {
        if (!patterns)
                return true;
        STRV_FOREACH(p, patterns)
                if (fnmatch(*p, name, FNM_NOESCAPE) == 0)
                        return true;
        return false;
}

static int split_commas(const char *s, char ***l) {
        _cleanup_free_ char *copy = strdup(s);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
                if (strv_extend(l, w) < 0)
                        return -ENOMEM;
        return 0;
}

/* systemd without preset files: every unit with an [Install] section is preset "enabled",
 * one without has no preset. We have no preset files (not supported yet). */
static const char *row_preset(const char *state) {
        return streq(state, "static") ? "-" : "enabled";
}

int verb_list_unit_files(int argc, char **argv) {
        static const struct option options[] = {
                { "state", required_argument, NULL, OPT_STATE },
                { "type", required_argument, NULL, 't' },
                { "all", no_argument, NULL, 'a' },
                { "no-legend", no_argument, NULL, OPT_NO_LEGEND },
                { "no-pager", no_argument, NULL, OPT_NO_PAGER },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **states = NULL;
        _cleanup_free_ UnitFileRow *rows = NULL;
        size_t n = 0, allocated = 0;
        bool legend = true;
        int c, r, w_name = 9, w_state = 5;
        const char *path, *state;

        optind = 0;
        while ((c = getopt_long(argc, argv, "at:", options, NULL)) >= 0)
                switch (c) {
                case OPT_STATE:
                        if (split_commas(optarg, &states) < 0)
                                return CTL_EXIT_FAILURE;
                        break;
                case 't':
                        if (!streq(optarg, "service")) {
                                fprintf(stderr, "list-unit-files: only --type=service is supported.\n");
                                return CTL_EXIT_USAGE;
                        }
                        break;
                case OPT_NO_LEGEND:
                        legend = false;
                        break;
                case 'a':
                case OPT_NO_PAGER:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "ListUnitFiles", &error, &reply, NULL);
        if (r < 0)
                return bus_client_report("list unit files", NULL, &error, r);
        r = sd_bus_message_enter_container(reply, 'a', "(ss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(ss)", &path, &state)) > 0) {
                const char *slash = strrchr(path, '/');
                const char *name = slash ? slash + 1 : path;

                if (!name_matches(argv + optind < argv + argc ? argv + optind : NULL, name) ||
                    (states && !strv_contains(states, state)))
                        continue;
                if (GREEDY_REALLOC(rows, allocated, n + 1) < 0 || !(rows[n].name = strdup(name))) {
                        r = -ENOMEM;
                        break;
                }
                rows[n].path = path;
                rows[n++].state = state;
                w_name = MAX(w_name, (int) strlen(name));
                w_state = MAX(w_state, (int) strlen(state));
        }
        if (r < 0) {
                fprintf(stderr, "Failed to read the unit file list: %s\n", strerror(-r));
                for (size_t i = 0; i < n; i++)
                        free(rows[i].name);
                return CTL_EXIT_FAILURE;
        }
        if (n > 0)
                qsort(rows, n, sizeof rows[0], row_compare);
        if (legend)
                printf("%s%-*s %-*s %s%s\n", ansi_highlight(), w_name, "UNIT FILE", w_state, "STATE", "PRESET",
                       ansi_normal());
        for (size_t i = 0; i < n; i++) {
                const char *on = streq(rows[i].state, "enabled") ? ansi_green()
                                 : streq(rows[i].state, "masked") || streq(rows[i].state, "disabled") ? ansi_red()
                                                                                                   : "";
                printf("%-*s %s%-*s%s %s\n", w_name, rows[i].name, on, w_state, rows[i].state, *on ? ansi_normal() : "",
                       row_preset(rows[i].state));
                free(rows[i].name);
        }
        if (legend)
                printf("\n%zu unit files listed.\n", n);
        return CTL_EXIT_SUCCESS;
}

/* ---- list-dependencies ---- */

typedef struct DepsArgs {
        sd_bus *bus;
        bool reverse, all;
        char *branches; /* per level: whether more siblings follow ('|') or not (' ') */
        char **path;    /* the units from the root down to here, to cut cycles */
} DepsArgs;

static bool is_target(const char *name) {
        return str_endswith(name, ".target");
}

/* As systemctl: other units first, targets last, each alphabetically. */
static int dep_compare(const void *a, const void *b) {
        const char *x = *(char * const *) a, *y = *(char * const *) b;

        if (is_target(x) != is_target(y))
                return is_target(x) ? 1 : -1;
        return strcasecmp(x, y);
}

/* The unit's dependencies (or reverse ones) and its active state; a unit the daemon does not
 * know has none and is inactive. */
static int deps_get(DepsArgs *a, const char *unit, char ***ret_deps, char **ret_state) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        UnitProperties p = {};
        char **deps = NULL;
        int r;

        *ret_deps = NULL;
        *ret_state = NULL;
        if (!str_endswith(unit, ".service"))
                return 0; /* no such unit type here: named in a file, nothing more known */
        r = bus_client_get_status(a->bus, unit, &p, &error);
        if (r < 0)
                return sd_bus_error_has_name(&error, BUS_ERROR_NO_SUCH_UNIT) ? 0 : r;
        const char *keys[2] = { a->reverse ? "WantedBy" : "Wants", a->reverse ? "RequiredBy" : "Requires" };
        for (size_t k = 0; k < 2; k++)
                STRV_FOREACH(d, unit_properties_strv(&p, keys[k]))
                        if (!strv_contains(deps, *d) && strv_extend(&deps, *d) < 0) {
                                strv_free(deps);
                                unit_properties_done(&p);
                                return -ENOMEM;
                        }
        *ret_state = strdup(unit_properties_str(&p, "ActiveState"));
        unit_properties_done(&p);
        if (deps)
                qsort(deps, strv_length(deps), sizeof(char *), dep_compare);
        *ret_deps = deps;
        return 0;
}

static const char *state_glyph(const char *state, const char **ret_color) {
        *ret_color = "";
        if (state && streq(state, "failed")) {
                *ret_color = ansi_red();
                return "\u00d7";
        }
        if (state && !streq(state, "inactive")) {
                *ret_color = streq(state, "active") ? ansi_green() : "";
                return "\u25cf";
        }
        return "\u25cb";
}

static int deps_walk(DepsArgs *a, const char *unit, unsigned level) {
        _cleanup_strv_free_ char **deps = NULL;
        _cleanup_free_ char *state = NULL;
        int r;

        r = deps_get(a, unit, &deps, &state);
        if (r < 0)
                return r;
        if (strv_extend(&a->path, unit) < 0)
                return -ENOMEM;
        STRV_FOREACH(d, deps) {
                _cleanup_strv_free_ char **ignored = NULL;
                _cleanup_free_ char *child_state = NULL;
                const char *color, *glyph;
                bool last = !d[1];

                r = deps_get(a, *d, &ignored, &child_state);
                if (r < 0)
                        return r;
                glyph = state_glyph(child_state, &color);
                printf("%s%s%s ", color, glyph, *color ? ansi_normal() : "");
                for (unsigned i = 0; i < level; i++)
                        printf("%s", a->branches[i] == '|' ? "\u2502 " : "  ");
                printf("%s", last ? "\u2514\u2500" : "\u251c\u2500");
                output_print_line(stdout, *d);
                printf("\n");
                /* As systemctl: only targets are expanded, everything with --all; never a unit
                 * already on the way down (a cycle). */
                if ((a->all || is_target(*d)) && !strv_contains(a->path, *d) && level + 1 < DEPENDENCY_DEPTH_MAX) {
                        a->branches[level] = last ? ' ' : '|';
                        r = deps_walk(a, *d, level + 1);
                        if (r < 0)
                                return r;
                }
        }
        free(a->path[strv_length(a->path) - 1]);
        a->path[strv_length(a->path) - 1] = NULL;
        return 0;
}

int verb_list_dependencies(int argc, char **argv) {
        static const struct option options[] = {
                { "reverse", no_argument, NULL, OPT_REVERSE },
                { "all", no_argument, NULL, 'a' },
                { "no-pager", no_argument, NULL, OPT_NO_PAGER },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        char branches[DEPENDENCY_DEPTH_MAX];
        DepsArgs a = { .branches = branches };
        int c, ret = CTL_EXIT_SUCCESS;

        optind = 0;
        while ((c = getopt_long(argc, argv, "a", options, NULL)) >= 0)
                switch (c) {
                case OPT_REVERSE:
                        a.reverse = true;
                        break;
                case 'a':
                        a.all = true;
                        break;
                case OPT_NO_PAGER:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (optind >= argc) {
                fprintf(stderr, "list-dependencies: expected a unit name (there is no default target).\n");
                return CTL_EXIT_USAGE;
        }
        if (bus_client_connect(&bus) < 0)
                return CTL_EXIT_NO_DAEMON;
        a.bus = bus;
        for (int i = optind; i < argc; i++) {
                __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *unit = NULL;
                UnitProperties p = {};
                int r;

                if (bus_client_unit_name(argv[i], &unit) < 0) {
                        ret = CTL_EXIT_USAGE;
                        continue;
                }
                r = bus_client_get_status(bus, unit, &p, &error);
                unit_properties_done(&p);
                if (r < 0) {
                        ret = bus_client_report("list the dependencies of", unit, &error, r);
                        continue;
                }
                printf("%s\n", unit);
                r = deps_walk(&a, unit, 0);
                a.path = strv_free(a.path);
                if (r < 0) {
                        fprintf(stderr, "Failed to list the dependencies of %s: %s\n", unit, strerror(-r));
                        ret = CTL_EXIT_FAILURE;
                }
        }
        return ret;
}

/* ---- edit ---- */

static int read_file(const char *path, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t n = 0;
        FILE *f = fopen(path, "re");
        int r = 0;

        if (!f)
                return -errno;
        buf = malloc(EDIT_TEXT_MAX + 1);
        if (!buf)
                r = -ENOMEM;
        else {
                n = fread(buf, 1, EDIT_TEXT_MAX + 1, f);
                if (ferror(f))
                        r = -EIO;
                else if (n > EDIT_TEXT_MAX)
                        r = -EFBIG;
        }
        fclose(f);
        if (r < 0)
                return r;
        buf[n] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}

/* Writes TEXT to PATH through a temporary file in the same directory and a rename, creating
 * the directories on the way. */
static int write_file_atomic(const char *path, const char *text) {
        _cleanup_free_ char *tmp = NULL;
        int fd;
        FILE *f;

        int r = mkdir_parents(path, 0755);

        if (r < 0)
                return r;
        if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        f = fdopen(fd, "w");
        if (!f) {
                close(fd);
                unlink(tmp);
                return -ENOMEM;
        }
        fputs(text, f);
        if (fchmod(fd, 0644) < 0 || fflush(f) != 0 || ferror(f) || fclose(f) != 0) {
                unlink(tmp);
                return -EIO;
        }
        if (rename(tmp, path) < 0) {
                int e = -errno;
                unlink(tmp);
                return e;
        }
        return 0;
}

/* $SYSTEMD_EDITOR, $EDITOR, $VISUAL (each split into words), then editor, nano, vim, vi, as
 * systemctl. Returns an exit code. */
static int run_editor(const char *file) {
        static const char *const envs[] = { "SYSTEMD_EDITOR", "EDITOR", "VISUAL" };
        static const char *const fallbacks[] = { "editor", "nano", "vim", "vi" };
        _cleanup_strv_free_ char **args = NULL;
        int status;
        pid_t pid;

        for (size_t i = 0; i < ELEMENTSOF(envs) && !args; i++) {
                const char *e = getenv(envs[i]);
                if (!isempty(e) && exec_split_words(e, &args) < 0)
                        args = strv_free(args);
                if (args && !args[0])
                        args = strv_free(args);
        }
        fflush(stdout);
        pid = fork();
        if (pid < 0) {
                fprintf(stderr, "Failed to fork the editor: %m\n");
                return CTL_EXIT_FAILURE;
        }
        if (pid == 0) {
                if (args) {
                        if (strv_extend(&args, file) >= 0)
                                execvp(args[0], args);
                } else
                        for (size_t i = 0; i < ELEMENTSOF(fallbacks); i++)
                                execlp(fallbacks[i], fallbacks[i], file, (char *) NULL);
                fprintf(stderr, "Cannot edit files, no editor available. Please set either $SYSTEMD_EDITOR, "
                                "$EDITOR or $VISUAL.\n");
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return CTL_EXIT_FAILURE;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 127)
                        fprintf(stderr, "The editor failed (%s %d); nothing changed.\n",
                                WIFEXITED(status) ? "exit status" : "signal",
                                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
                return CTL_EXIT_FAILURE;
        }
        return CTL_EXIT_SUCCESS;
}

/* What the user wrote between the markers of a drop-in's temporary file (all of it when the
 * markers are gone), without the blank lines around it. */
static char *edit_extract(char *text) {
        char *start = strstr(text, edit_header_2), *end;

        start = start ? start + strlen(edit_header_2) : text;
        end = strstr(start, edit_footer);
        if (end)
                *end = '\0';
        start += strspn(start, " \t\n");
        end = start + strlen(start);
        while (end > start && strchr(" \t\n", end[-1]))
                end--;
        *end = '\0';
        return start;
}

static bool is_blank(const char *s) {
        return s[strspn(s, " \t\n")] == '\0';
}

/* Whether A and B are the same text but for whitespace around it. */
static bool trimmed_equal(const char *a, const char *b) {
        size_t na, nb;

        a += strspn(a, " \t\n");
        b += strspn(b, " \t\n");
        na = strlen(a);
        nb = strlen(b);
        while (na > 0 && strchr(" \t\n", a[na - 1]))
                na--;
        while (nb > 0 && strchr(" \t\n", b[nb - 1]))
                nb--;
        return na == nb && memcmp(a, b, na) == 0;
}

/* The temporary file for a drop-in: the markers, the current override, and the unit's files
 * as comments for reference. */
static int edit_dropin_template(const char *target, const char *current, const UnitFile *u, FILE *f) {
        fprintf(f, "%s%s\n%s\n%s%s\n\n%s\n", edit_header_1, target, edit_header_2, current,
                *current && current[strlen(current) - 1] != '\n' ? "\n" : "", edit_footer);
        for (size_t i = 0; i <= strv_length(u->dropins); i++) {
                const char *p = i == 0 ? u->fragment : u->dropins[i - 1];
                _cleanup_free_ char *body = NULL;

                if (!p || streq(p, target) || read_file(p, &body) < 0)
                        continue;
                fprintf(f, "### %s\n", p);
                for (char *l = body, *nl; *l; l = nl) {
                        nl = strchrnul(l, '\n');
                        fprintf(f, "%s%.*s\n", nl > l ? "# " : "#", (int) (nl - l), l);
                        if (*nl)
                                nl++;
                }
                fprintf(f, "\n");
        }
        return ferror(f) ? -EIO : 0;
}

/* Loads the unit as the daemon would (file, drop-ins, typed model, policy); prints the errors.
 * Returns 0 when it loads. */
static int edit_verify(const char *unit, char **search_path) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(unit_config_freep) UnitConfig *c = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        bool failed;
        int r;

        r = unit_file_load(unit, search_path, &diags, &u);
        if (u) {
                if (unit_config_parse(u, &diags, &c) < 0)
                        r = r < 0 ? r : -EBADMSG;
                if (policy_build(u, &diags, &p) < 0)
                        r = r < 0 ? r : -EBADMSG;
        }
        failed = r < 0 || !u;
        for (size_t i = 0; i < diags.n; i++)
                if (diags.items[i].level == DIAG_ERROR) {
                        diag_print(&diags.items[i], stderr);
                        failed = true;
                }
        if (failed && diags.n == 0)
                fprintf(stderr, "%s: %s\n", unit, strerror(r < 0 ? -r : EINVAL));
        return failed ? -EBADMSG : 0;
}

/* Puts the previous state back: the old text, or no file (and no directory we made). */
static void edit_restore(const char *target, const char *old, bool existed, bool made_dir) {
        if (existed)
                (void) write_file_atomic(target, old);
        else {
                (void) unlink(target);
                if (made_dir) {
                        _cleanup_free_ char *dir = strdup(target);
                        char *slash = dir ? strrchr(dir, '/') : NULL;
                        if (slash) {
                                *slash = '\0';
                                (void) rmdir(dir);
                        }
                }
        }
}

/* After the daemon reloaded: it must have loaded the unit too (it also resolves User= and
 * Group=, which the client does not). */
static int edit_check_daemon(sd_bus *bus, const char *unit) {
        __attribute__((cleanup(sd_bus_error_free))) sd_bus_error error = SD_BUS_ERROR_NULL;
        UnitProperties p = {};
        int r = bus_client_get_status(bus, unit, &p, &error);

        if (r >= 0 && !streq(unit_properties_str(&p, "LoadState"), "loaded")) {
                fprintf(stderr, "syscaged could not load %s after the edit:\n", unit);
                STRV_FOREACH(e, unit_properties_strv(&p, "LoadErrors"))
                        fprintf(stderr, "  %s\n", *e);
                r = -EBADMSG;
        } else if (r < 0 && sd_bus_error_has_name(&error, BUS_ERROR_NO_SUCH_UNIT))
                r = 0; /* not loaded yet: it will be on start, from a file that verified */
        unit_properties_done(&p);
        return r;
}

static int edit_one(sd_bus *bus, char **search_path, const char *unit, bool full, bool runtime) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(diag_list_done) DiagList diags = {};
        _cleanup_free_ char *target = NULL, *old = NULL, *edited = NULL, *fresh = NULL;
        char tmp[] = "/tmp/syscagectl-edit-XXXXXX.conf";
        const char *dir, *text;
        bool existed, made_dir = false;
        struct stat st;
        FILE *f;
        int fd, r;

        r = unit_file_load(unit, search_path, &diags, &u);
        if (r == -ERFKILL) {
                fprintf(stderr, "Cannot edit %s: unit is masked.\n", unit);
                return CTL_EXIT_FAILURE;
        }
        if (!u) {
                fprintf(stderr, "No files found for %s.\n", unit);
                return r == -ENOENT ? CTL_EXIT_NO_SUCH_UNIT : CTL_EXIT_FAILURE;
        }
        dir = units_target_dir(search_path, runtime);
        if (!dir)
                return CTL_EXIT_FAILURE;
        if (asprintf(&target, full ? "%s/%s" : "%s/%s.d/override.conf", dir, unit) < 0)
                return CTL_EXIT_FAILURE;
        /* A copy below a fragment of higher priority would change nothing. */
        if (full && !streq(u->fragment, target)) {
                STRV_FOREACH(d, search_path) {
                        if (streq(*d, dir))
                                break;
                        if (strncmp(u->fragment, *d, strlen(*d)) == 0 && u->fragment[strlen(*d)] == '/') {
                                fprintf(stderr, "Cannot edit a copy of %s in %s: %s takes precedence.\n", unit, dir,
                                        u->fragment);
                                return CTL_EXIT_FAILURE;
                        }
                }
        }
        existed = read_file(target, &old) >= 0;
        if (!existed && full && (r = read_file(u->fragment, &old)) < 0) {
                fprintf(stderr, "Failed to read %s: %s\n", u->fragment, strerror(-r));
                return CTL_EXIT_FAILURE;
        }
        if (!old && !(old = strdup("")))
                return CTL_EXIT_FAILURE;

        fd = mkostemps(tmp, 5, O_CLOEXEC);
        if (fd < 0 || !(f = fdopen(fd, "w"))) {
                fprintf(stderr, "Failed to create a temporary file: %m\n");
                if (fd >= 0)
                        close(fd);
                return CTL_EXIT_FAILURE;
        }
        r = full ? (fputs(old, f) < 0 ? -EIO : 0) : edit_dropin_template(target, old, u, f);
        if (fclose(f) != 0 || r < 0) {
                fprintf(stderr, "Failed to write %s.\n", tmp);
                unlink(tmp);
                return CTL_EXIT_FAILURE;
        }
        r = run_editor(tmp);
        if (r != CTL_EXIT_SUCCESS || read_file(tmp, &edited) < 0) {
                unlink(tmp);
                return CTL_EXIT_FAILURE;
        }
        text = full ? edited : edit_extract(edited);
        if (is_blank(text)) {
                fprintf(stderr, "Editing \"%s\" canceled: temporary file is empty.\n", target);
                unlink(tmp);
                return CTL_EXIT_SUCCESS;
        }
        if (full ? streq(text, old) : trimmed_equal(text, old)) {
                fprintf(stderr, "Editing \"%s\" canceled: no changes.\n", target);
                unlink(tmp);
                return CTL_EXIT_SUCCESS;
        }
        if (!full) {
                if (asprintf(&fresh, "%s\n", text) < 0)
                        return CTL_EXIT_FAILURE;
                text = fresh;
        }
        if (!full) {
                _cleanup_free_ char *d = strdup(target);
                if (d) {
                        *strrchr(d, '/') = '\0';
                        made_dir = stat(d, &st) < 0;
                }
        }
        r = write_file_atomic(target, text);
        if (r < 0) {
                fprintf(stderr, "Failed to write %s: %s (your text is in %s)\n", target, strerror(-r), tmp);
                return CTL_EXIT_FAILURE;
        }
        if (edit_verify(unit, search_path) < 0) {
                edit_restore(target, old, existed, made_dir);
                fprintf(stderr, "%s does not load with this edit; nothing changed. Your text is in %s.\n", unit, tmp);
                return CTL_EXIT_FAILURE;
        }
        if (bus) {
                r = units_reload(bus);
                if (r != CTL_EXIT_SUCCESS)
                        return r;
                if (edit_check_daemon(bus, unit) < 0) {
                        edit_restore(target, old, existed, made_dir);
                        (void) units_reload(bus);
                        fprintf(stderr, "The edit of %s was taken back; your text is in %s.\n", unit, tmp);
                        return CTL_EXIT_FAILURE;
                }
        }
        unlink(tmp);
        fprintf(stderr, "Successfully installed edited file '%s'.\n", target);
        return CTL_EXIT_SUCCESS;
}

int verb_edit(int argc, char **argv) {
        static const struct option options[] = {
                { "full", no_argument, NULL, OPT_FULL },
                { "runtime", no_argument, NULL, OPT_RUNTIME },
                { "no-pager", no_argument, NULL, OPT_NO_PAGER },
                {}
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **path = NULL;
        bool full = false, runtime = false;
        int c, ret = CTL_EXIT_SUCCESS;

        optind = 0;
        while ((c = getopt_long(argc, argv, "l", options, NULL)) >= 0)
                switch (c) {
                case OPT_FULL:
                case 'l':
                        full = true;
                        break;
                case OPT_RUNTIME:
                        runtime = true;
                        break;
                case OPT_NO_PAGER:
                        break;
                default:
                        return CTL_EXIT_USAGE;
                }
        if (optind >= argc) {
                fprintf(stderr, "edit: expected at least one unit name.\n");
                return CTL_EXIT_USAGE;
        }
        (void) bus_client_connect_quiet(&bus);
        path = units_search_path(bus);
        if (!path)
                return CTL_EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_free_ char *unit = NULL;
                int r;

                if (bus_client_unit_name(argv[i], &unit) < 0) {
                        ret = CTL_EXIT_USAGE;
                        continue;
                }
                r = edit_one(bus, path, unit, full, runtime);
                if (r != CTL_EXIT_SUCCESS)
                        ret = r;
        }
        return ret;
}
