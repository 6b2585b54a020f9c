/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "exec-command.h"
#include "strv.h"
#include "unit-file.h"

/* ---- helpers ---- */

static const Diag *find_diag(const DiagList *l, DiagLevel level, unsigned line, const char *key,
                             const char *substring) {
        for (size_t i = 0; i < l->n; i++) {
                const Diag *d = &l->items[i];
                if (d->level != level || d->line != line)
                        continue;
                if (key ? !d->key || !streq(d->key, key) : d->key != NULL)
                        continue;
                if (substring && !strstr(d->message, substring))
                        continue;
                return d;
        }
        return NULL;
}

static void dump_diags(const DiagList *l) {
        for (size_t i = 0; i < l->n; i++)
                diag_print(&l->items[i], stderr);
}

#define assert_diag(l, level, line, key, sub)                                             \
        do {                                                                              \
                if (!find_diag((l), (level), (line), (key), (sub))) {                     \
                        dump_diags(l);                                                    \
                        fail_msg("no diagnostic at line %u key %s containing '%s'",       \
                                 (unsigned) (line), (key) ?: "-", (sub) ?: "");           \
                }                                                                         \
        } while (0)

static void assert_assignment(const UnitFile *u, size_t i, const char *section, const char *key,
                              const char *value, unsigned line) {
        assert_true(i < u->n_assignments);
        assert_string_equal(u->assignments[i].section, section);
        assert_string_equal(u->assignments[i].key, key);
        assert_string_equal(u->assignments[i].value, value);
        assert_int_equal(u->assignments[i].line, line);
}

/* Parses TEXT as foo.service; returns the result code. */
static int parse(const char *name, const char *text, DiagList *d, UnitFile **ret) {
        return unit_file_load_string(name, "test.service", text, d, ret);
}

static void write_file(const char *dir, const char *rel, const char *content) {
        char path[4096];
        int fd;

        snprintf(path, sizeof path, "%s/%s", dir, rel);
        /* Create the parent directory (one level is all the tests need). */
        char *slash = strrchr(path, '/');
        *slash = '\0';
        (void) mkdir(path, 0755);
        *slash = '/';
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        close(fd);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) {
        return remove(p);
}

static void rm_rf(const char *dir) {
        (void) nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Three temporary search-path directories, highest priority first. */
typedef struct Dirs {
        char base[64];
        char *path[4];
} Dirs;

static void dirs_make(Dirs *d) {
        strcpy(d->base, "/tmp/test-unit-file-XXXXXX");
        assert_non_null(mkdtemp(d->base));
        for (int i = 0; i < 3; i++) {
                assert_true(asprintf(&d->path[i], "%s/%c", d->base, 'a' + i) > 0);
                assert_int_equal(mkdir(d->path[i], 0755), 0);
        }
        d->path[3] = NULL;
}

static void dirs_free(Dirs *d) {
        rm_rf(d->base);
        for (int i = 0; i < 3; i++)
                free(d->path[i]);
}

/* ---- syntax ---- */

static void test_sections_and_comments(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service",
                               "# comment\n"
                               "; another comment\n"
                               "   # indented comment\n"
                               "[Unit]\n"
                               "Description = Hello ; world # not a comment\n"
                               "\n"
                               "[Service]\n"
                               "ExecStart=/bin/true\n"
                               "[X-Vendor]\n"
                               "Anything=goes\n"
                               "[Install]\n"
                               "WantedBy=multi-user.target\n",
                               &d, &u),
                         0);
        assert_int_equal(u->n_assignments, 3);
        assert_assignment(u, 0, "Unit", "Description", "Hello ; world # not a comment", 5);
        assert_assignment(u, 1, "Service", "ExecStart", "/bin/true", 8);
        assert_assignment(u, 2, "Install", "WantedBy", "multi-user.target", 12);
        assert_string_equal(u->assignments[0].file, "test.service");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        assert_int_equal(diag_list_count(&d, DIAG_WARNING), 0); /* X- is silent */
        assert_string_equal(u->name, "foo.service");
        diag_list_done(&d);
}

static void test_unknown_section(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service", "[Service]\nA=1\n[Socket]\nB=2\n[Service]\nC=3\n", &d, &u), 0);
        assert_int_equal(u->n_assignments, 2);
        assert_assignment(u, 0, "Service", "A", "1", 2);
        assert_assignment(u, 1, "Service", "C", "3", 6);
        assert_diag(&d, DIAG_WARNING, 3, "[Socket]", "Unknown section");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        diag_list_done(&d);
}

static void test_empty_and_repeated(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service",
                               "[Service]\nExecStart=/a\nExecStart=\n  ExecStart =   /b  \nEnvironment=A=1 B=2\n",
                               &d, &u),
                         0);
        assert_int_equal(u->n_assignments, 4);
        assert_assignment(u, 0, "Service", "ExecStart", "/a", 2);
        assert_assignment(u, 1, "Service", "ExecStart", "", 3);
        assert_assignment(u, 2, "Service", "ExecStart", "/b", 4);
        assert_assignment(u, 3, "Service", "Environment", "A=1 B=2", 5);
        diag_list_done(&d);
}

static void test_continuation(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service",
                               "[Service]\n"
                               "ExecStart=/bin/echo a \\\n"  /* 2 */
                               "  b \\\n"                    /* 3 */
                               "# dropped comment\n"         /* 4 */
                               "; dropped too \\\n"          /* 5 */
                               "c\n"                         /* 6 */
                               "Literal=x\\\\\n"             /* 7: escaped backslash */
                               "Next=y\r\n"                  /* 8: CRLF */
                               "# comment \\\n"              /* 9: comments never continue */
                               "Last=z \\\n",                /* 10: continuation at EOF */
                               &d, &u),
                         0);
        assert_int_equal(u->n_assignments, 4);
        assert_assignment(u, 0, "Service", "ExecStart", "/bin/echo a    b  c", 2);
        assert_assignment(u, 1, "Service", "Literal", "x\\\\", 7);
        assert_assignment(u, 2, "Service", "Next", "y", 8);
        assert_assignment(u, 3, "Service", "Last", "z", 10);
        assert_diag(&d, DIAG_WARNING, 10, NULL, "continuation");
        diag_list_done(&d);
}

static void test_bom(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service", "\xef\xbb\xbf[Service]\nA=\xc3\xa4\n", &d, &u), 0);
        assert_assignment(u, 0, "Service", "A", "\xc3\xa4", 2);
        diag_list_done(&d);
}

/* ---- errors carry the right location ---- */

static void test_errors_located(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service",
                               "Early=1\n"                       /* 1 */
                               "[Service]\n"                     /* 2 */
                               "NoEquals\n"                      /* 3 */
                               "Colon: value\n"                  /* 4 */
                               "=value\n"                        /* 5 */
                               "Good=1\n"                        /* 6 */
                               "Bad=%z \\\n"                     /* 7 */
                               "  still bad\n"                   /* 8 */
                               "[Service\n"                      /* 9 */
                               "Skipped=1\n"                     /* 10 */
                               "[]\n"                            /* 11 */
                               "[Service]\n"                     /* 12 */
                               "Utf=\xff\n"                      /* 13 */
                               "Ok=2\n",                         /* 14 */
                               &d, &u),
                         -EBADMSG);
        assert_non_null(u);
        assert_diag(&d, DIAG_ERROR, 1, "Early", "outside of any section");
        assert_diag(&d, DIAG_ERROR, 3, NULL, "Missing '='");
        assert_diag(&d, DIAG_ERROR, 4, "Colon", "found ':'");
        assert_diag(&d, DIAG_ERROR, 5, NULL, "Missing key");
        assert_diag(&d, DIAG_ERROR, 7, "Bad", "Unknown specifier '%z'");
        assert_diag(&d, DIAG_ERROR, 9, "[Service", "missing ']'");
        assert_diag(&d, DIAG_ERROR, 11, "[]", "Invalid section name");
        assert_diag(&d, DIAG_ERROR, 13, NULL, "UTF-8");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 8);
        /* Only the good lines made it. */
        assert_int_equal(u->n_assignments, 2);
        assert_assignment(u, 0, "Service", "Good", "1", 6);
        assert_assignment(u, 1, "Service", "Ok", "2", 14);
        diag_list_done(&d);
}

static void test_nul_byte(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        static const char text[] = "[Service]\nA=1\nB=x\0y\nC=3\n";
        DiagList d = {};

        assert_int_equal(unit_file_load_buffer("foo.service", "f", text, sizeof text - 1, &d, &u),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 3, NULL, "NUL");
        assert_int_equal(u->n_assignments, 2);
        assert_assignment(u, 1, "Service", "C", "3", 4);
        diag_list_done(&d);
}

static void test_bad_name(void **state) {
        UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo", "[Service]\n", &d, &u), -EINVAL);
        assert_null(u);
        assert_int_equal(parse("foo.socket", "[Service]\n", &d, &u), -EINVAL);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 2);
        diag_list_done(&d);
}

/* ---- limits ---- */

static void test_line_too_long(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_free_ char *text = NULL;
        size_t n = UNIT_LINE_MAX + 100;
        DiagList d = {};
        char *p;

        /* Line 3 is split by continuations; only the joined length exceeds the limit. */
        text = malloc(n + 200);
        p = stpcpy(text, "[Service]\nA=1\nLong=");
        memset(p, 'x', UNIT_LINE_MAX / 2);
        p += UNIT_LINE_MAX / 2;
        p = stpcpy(p, "\\\n");
        memset(p, 'y', UNIT_LINE_MAX / 2);
        p += UNIT_LINE_MAX / 2;
        strcpy(p, "\nB=2\n");
        assert_int_equal(parse("foo.service", text, &d, &u), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 3, NULL, "Line too long");
        assert_int_equal(u->n_assignments, 2);
        assert_assignment(u, 1, "Service", "B", "2", 5);
        diag_list_done(&d);

        /* Exactly at the limit is accepted. */
        unit_file_free(TAKE_PTR(u));
        p = stpcpy(text, "[Service]\nL=");
        memset(p, 'z', UNIT_LINE_MAX - 2);
        strcpy(p + UNIT_LINE_MAX - 2, "\n");
        assert_int_equal(parse("foo.service", text, &d, &u), 0);
        assert_int_equal(strlen(u->assignments[0].value), UNIT_LINE_MAX - 2);
        diag_list_done(&d);
}

static void test_too_many_assignments(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_free_ char *text = NULL;
        size_t n = UNIT_ASSIGNMENTS_MAX + 5;
        DiagList d = {};
        char *p;

        text = malloc(16 + n * 4);
        p = stpcpy(text, "[Service]\n");
        for (size_t i = 0; i < n; i++)
                p = stpcpy(p, "A=\n");
        assert_int_equal(parse("foo.service", text, &d, &u), -EBADMSG);
        assert_int_equal(u->n_assignments, UNIT_ASSIGNMENTS_MAX);
        assert_diag(&d, DIAG_ERROR, UNIT_ASSIGNMENTS_MAX + 2, "A", "Too many assignments");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 1);
        assert_int_equal(unit_file_add(u, "Service", "X", "y", NULL, 0), -E2BIG);
        diag_list_done(&d);
}

static void test_file_too_big(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_free_ char *text = NULL, *path = NULL;
        Dirs dirs;
        DiagList d = {};
        char *const none[] = { NULL };

        text = malloc(UNIT_FILE_SIZE_MAX + 2);
        memset(text, '#', UNIT_FILE_SIZE_MAX + 1);
        text[UNIT_FILE_SIZE_MAX + 1] = '\0';
        assert_int_equal(parse("foo.service", text, &d, &u), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 0, NULL, "too big");
        unit_file_free(TAKE_PTR(u));
        diag_list_done(&d);

        dirs_make(&dirs);
        write_file(dirs.path[0], "big.service", text);
        assert_true(asprintf(&path, "%s/big.service", dirs.path[0]) > 0);
        assert_int_equal(unit_file_load_path(path, none, &d, &u), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 0, NULL, "too big");
        assert_string_equal(d.items[0].file, path);
        assert_int_equal(u->n_assignments, 0);
        diag_list_done(&d);
        dirs_free(&dirs);
}

/* ---- specifiers and templates ---- */

static void test_specifiers_names(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("my-app-web@dev-sda\\x2d1.service",
                               "[Service]\n"
                               "n=%n\nN=%N\np=%p\nP=%P\ni=%i\nI=%I\nj=%j\nJ=%J\nf=%f\npct=100%%\n"
                               "y=%y\nY=%Y\n",
                               &d, &u),
                         0);
        assert_string_equal(u->assignments[0].value, "my-app-web@dev-sda\\x2d1.service");
        assert_string_equal(u->assignments[1].value, "my-app-web@dev-sda\\x2d1");
        assert_string_equal(u->assignments[2].value, "my-app-web");
        assert_string_equal(u->assignments[3].value, "my/app/web");
        assert_string_equal(u->assignments[4].value, "dev-sda\\x2d1");
        assert_string_equal(u->assignments[5].value, "dev/sda-1");
        assert_string_equal(u->assignments[6].value, "web");
        assert_string_equal(u->assignments[7].value, "web");
        assert_string_equal(u->assignments[8].value, "/dev/sda-1");
        assert_string_equal(u->assignments[9].value, "100%");
        assert_string_equal(u->assignments[10].value, "test.service");
        assert_string_equal(u->assignments[11].value, ".");
        diag_list_done(&d);
}

static void test_specifiers_template(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL, *v = NULL;
        DiagList d = {};

        /* An uninstantiated template: empty instance, %f falls back to the prefix. */
        assert_int_equal(parse("foo-bar@.service", "[Service]\ni=[%i]\nI=[%I]\nf=%f\n", &d, &u), 0);
        assert_string_equal(u->assignments[0].value, "[]");
        assert_string_equal(u->assignments[1].value, "[]");
        assert_string_equal(u->assignments[2].value, "/foo/bar");
        /* A plain unit. */
        assert_int_equal(parse("plain.service", "[Service]\np=%p\ni=[%i]\nj=%j\n", &d, &v), 0);
        assert_string_equal(v->assignments[0].value, "plain");
        assert_string_equal(v->assignments[1].value, "[]");
        assert_string_equal(v->assignments[2].value, "plain");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        diag_list_done(&d);
}

static void assert_exec_words(const char *value, const char *const *want) {
        ExecCommand c = {};
        size_t i;

        assert_int_equal(exec_command_parse(value, &c, NULL), 0);
        for (i = 0; want[i]; i++) {
                assert_non_null(c.argv[i]);
                assert_string_equal(c.argv[i], want[i]);
        }
        assert_null(c.argv[i]);
        exec_command_done(&c);
}

/* systemd expands specifiers in a command line after splitting it into words and decoding
 * their escapes: the instance "a-b\x2dc" stays a-b\x2dc in %i (its escape is not decoded a
 * second time), %I is its unescaped form a/b-c, and a specifier's value is one word even with
 * spaces or quotes in it. Other directives expand the value as written. */
static void test_specifiers_exec_words(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL, *v = NULL;
        DiagList d = {};

        assert_int_equal(parse("tpl@a-b\\x2dc.service",
                               "[Service]\n"
                               "ExecStart=-/bin/echo %i %I \"[%i]\" \\x25i 100%% $X\n"
                               "ExecStartPre=/bin/true\n"
                               "Environment=I=%i\n",
                               &d, &u), 0);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        assert_string_equal(u->assignments[0].key, "ExecStart");
        assert_exec_words(u->assignments[0].value,
                          (const char *const[]) { "/bin/echo", "a-b\\x2dc", "a/b-c", "[a-b\\x2dc]",
                                                  "a-b\\x2dc", "100%", "$X", NULL });
        /* The "-" prefix stays in front. */
        assert_true(u->assignments[0].value[0] == '-');
        /* Nothing to expand: kept as written. */
        assert_string_equal(u->assignments[1].value, "/bin/true");
        assert_string_equal(u->assignments[2].value, "I=a-b\\x2dc");
        diag_list_done(&d);

        /* Spaces, quotes and backslashes in a value stay inside one word. */
        assert_int_equal(parse("q@x.service", "[Service]\nExecStart=/bin/echo \"%i\" '%i'\n", &d, &v), 0);
        assert_exec_words(v->assignments[0].value, (const char *const[]) { "/bin/echo", "x", "x", NULL });
        diag_list_done(&d);
}

static void test_specifiers_host(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};
        struct utsname un;
        char machine_id[40] = "", expected_l[sizeof un.nodename];
        FILE *f;

        assert_int_equal(uname(&un), 0);
        f = fopen("/etc/machine-id", "re");
        if (f) {
                assert_non_null(fgets(machine_id, sizeof machine_id, f));
                machine_id[strcspn(machine_id, "\n")] = '\0';
                fclose(f);
        }
        snprintf(expected_l, sizeof expected_l, "%.*s", (int) strcspn(un.nodename, "."), un.nodename);

        assert_int_equal(parse("foo.service",
                               "[Service]\n"
                               "H=%H\nl=%l\nv=%v\nu=%u\nU=%U\ng=%g\nG=%G\nh=%h\ns=%s\n"
                               "t=%t\nS=%S\nC=%C\nL=%L\nE=%E\nb=%b\no=%o\na=%a\n"
                               "w=%w\nA=%A\nB=%B\nM=%M\nW=%W\nq=%q\n",
                               &d, &u),
                         0);
        assert_string_equal(u->assignments[0].value, un.nodename);
        assert_string_equal(u->assignments[1].value, expected_l);
        assert_string_equal(u->assignments[2].value, un.release);
        assert_string_equal(u->assignments[3].value, "root");
        assert_string_equal(u->assignments[4].value, "0");
        assert_string_equal(u->assignments[5].value, "root");
        assert_string_equal(u->assignments[6].value, "0");
        assert_string_equal(u->assignments[7].value, "/root");
        assert_string_equal(u->assignments[8].value, "/bin/sh");
        assert_string_equal(u->assignments[9].value, "/run");
        assert_string_equal(u->assignments[10].value, "/var/lib");
        assert_string_equal(u->assignments[11].value, "/var/cache");
        assert_string_equal(u->assignments[12].value, "/var/log");
        assert_string_equal(u->assignments[13].value, "/etc");
        /* Boot id: 32 hex digits without dashes. */
        assert_int_equal(strlen(u->assignments[14].value), 32);
        assert_int_equal(strspn(u->assignments[14].value, "0123456789abcdef"), 32);
        assert_false(isempty(u->assignments[15].value)); /* os-release ID= */
        if (streq(un.machine, "x86_64"))
                assert_string_equal(u->assignments[16].value, "x86-64");
        assert_int_equal(u->n_assignments, 23);
        diag_list_done(&d);

        if (machine_id[0]) {
                unit_file_free(TAKE_PTR(u));
                assert_int_equal(parse("foo.service", "[Service]\nm=%m\n", &d, &u), 0);
                assert_string_equal(u->assignments[0].value, machine_id);
                diag_list_done(&d);
        }
}

static void test_specifiers_tmp(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL, *v = NULL;
        DiagList d = {};
        char *saved[3];
        static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };

        for (int i = 0; i < 3; i++) {
                saved[i] = getenv(vars[i]) ? strdup(getenv(vars[i])) : NULL;
                unsetenv(vars[i]);
        }
        assert_int_equal(parse("foo.service", "[Service]\nT=%T\nV=%V\n", &d, &u), 0);
        assert_string_equal(u->assignments[0].value, "/tmp");
        assert_string_equal(u->assignments[1].value, "/var/tmp");
        setenv("TMPDIR", "/scratch", 1);
        assert_int_equal(parse("foo.service", "[Service]\nT=%T\n", &d, &v), 0);
        assert_string_equal(v->assignments[0].value, "/scratch");
        for (int i = 0; i < 3; i++) {
                if (saved[i])
                        setenv(vars[i], saved[i], 1);
                else
                        unsetenv(vars[i]);
                free(saved[i]);
        }
        diag_list_done(&d);
}

static void test_specifier_errors(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service", "[Service]\nA=%q%z\nB=%d\nC=50%\nD=%\xc3\xa4\n", &d, &u),
                         -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "A", "Unknown specifier '%z'");
        assert_diag(&d, DIAG_ERROR, 3, "B", "not supported");
        assert_diag(&d, DIAG_WARNING, 4, "C", "lone '%'");
        assert_diag(&d, DIAG_ERROR, 5, "D", "Unknown specifier");
        assert_int_equal(u->n_assignments, 1);
        assert_assignment(u, 0, "Service", "C", "50%", 4);
        diag_list_done(&d);
}

static void test_specifier_expansion_limit(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_free_ char *text = malloc(UNIT_LINE_MAX);
        DiagList d = {};
        char *p = stpcpy(text, "[Service]\nA=");

        /* 20000 x "%h" = 100000 bytes expanded, over the limit. */
        for (int i = 0; i < 20000; i++)
                p = stpcpy(p, "%h");
        strcpy(p, "\n");
        assert_int_equal(parse("foo.service", text, &d, &u), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 2, "A", "longer than");
        diag_list_done(&d);
}

/* ---- files, search path, drop-ins ---- */

static void test_search_path_default(void **state) {
        _cleanup_strv_free_ char **l = unit_search_path_default();

        assert_int_equal(strv_length(l), 3);
        assert_string_equal(l[0], "/etc/syscage/units");
        assert_string_equal(l[1], "/run/syscage/units");
        assert_string_equal(l[2], "/usr/lib/syscage/units");
}

static void test_load_search_path(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        Dirs dirs;
        DiagList d = {};

        dirs_make(&dirs);
        write_file(dirs.path[1], "foo.service", "[Service]\nFrom=b\n");
        write_file(dirs.path[2], "foo.service", "[Service]\nFrom=c\n");
        assert_int_equal(unit_file_load("foo.service", dirs.path, &d, &u), 0);
        assert_int_equal(u->n_assignments, 1);
        assert_string_equal(u->assignments[0].value, "b");
        assert_true(strstr(u->fragment, "/b/foo.service") != NULL);
        assert_string_equal(u->assignments[0].file, u->fragment);
        unit_file_free(TAKE_PTR(u));

        assert_int_equal(unit_file_load("missing.service", dirs.path, &d, &u), -ENOENT);
        assert_null(u);
        assert_diag(&d, DIAG_ERROR, 0, NULL, "No unit file found");
        assert_int_equal(unit_file_load("bad name.service", dirs.path, &d, &u), -EINVAL);
        diag_list_done(&d);
        dirs_free(&dirs);
}

static void test_dropins(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        char *null_link;
        Dirs dirs;
        DiagList d = {};

        dirs_make(&dirs);
        write_file(dirs.path[2], "foo.service", "[Service]\nOrder=fragment\n");
        write_file(dirs.path[2], "foo.service.d/10-a.conf", "[Service]\nOrder=c/10-a\n");
        write_file(dirs.path[0], "foo.service.d/10-a.conf", "[Service]\nOrder=a/10-a\n");
        write_file(dirs.path[1], "foo.service.d/05-b.conf", "[Service]\nOrder=b/05-b\n");
        write_file(dirs.path[2], "foo.service.d/20-c.conf", "[Service]\nOrder=c/20-c\n");
        write_file(dirs.path[2], "foo.service.d/30-masked.conf", "[Service]\nOrder=never\n");
        write_file(dirs.path[2], "foo.service.d/not-conf.txt", "[Service]\nOrder=never\n");
        write_file(dirs.path[2], "foo.service.d/99-empty.conf", "");
        assert_true(asprintf(&null_link, "%s/foo.service.d/30-masked.conf", dirs.path[1]) > 0);
        assert_int_equal(symlink("/dev/null", null_link), 0);
        free(null_link);

        assert_int_equal(unit_file_load("foo.service", dirs.path, &d, &u), 0);
        assert_int_equal(u->n_assignments, 4);
        assert_string_equal(u->assignments[0].value, "fragment");
        assert_string_equal(u->assignments[1].value, "b/05-b");
        assert_string_equal(u->assignments[2].value, "a/10-a");
        assert_string_equal(u->assignments[3].value, "c/20-c");
        assert_int_equal(u->assignments[2].line, 2);
        assert_true(strstr(u->assignments[2].file, "/a/foo.service.d/10-a.conf") != NULL);
        assert_int_equal(strv_length(u->dropins), 4); /* the empty one counts as applied */
        assert_true(strstr(u->dropins[3], "99-empty.conf") != NULL);
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        diag_list_done(&d);
        dirs_free(&dirs);
}

static void test_dropin_errors(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        char *conf;
        Dirs dirs;
        DiagList d = {};

        dirs_make(&dirs);
        write_file(dirs.path[0], "foo.service", "[Service]\nA=1\n");
        write_file(dirs.path[0], "foo.service.d/x.conf", "[Service]\n\nBroken\n");
        assert_int_equal(unit_file_load("foo.service", dirs.path, &d, &u), -EBADMSG);
        assert_non_null(u);
        assert_true(asprintf(&conf, "%s/foo.service.d/x.conf", dirs.path[0]) > 0);
        assert_diag(&d, DIAG_ERROR, 3, NULL, "Missing '='");
        assert_string_equal(d.items[0].file, conf);
        free(conf);
        diag_list_done(&d);
        unit_file_free(TAKE_PTR(u));

        /* Too many drop-ins. */
        for (unsigned i = 0; i <= UNIT_DROPINS_MAX; i++) {
                char rel[64];
                snprintf(rel, sizeof rel, "foo.service.d/%04u.conf", i);
                write_file(dirs.path[1], rel, "[Service]\nB=1\n");
        }
        assert_int_equal(unit_file_load("foo.service", dirs.path, &d, &u), -EBADMSG);
        assert_diag(&d, DIAG_ERROR, 0, NULL, "Too many drop-in files");
        diag_list_done(&d);
        dirs_free(&dirs);
}

static void test_template_instance(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        Dirs dirs;
        DiagList d = {};

        dirs_make(&dirs);
        write_file(dirs.path[2], "getty@.service", "[Service]\nExecStart=/sbin/agetty %I\n");
        write_file(dirs.path[2], "getty@.service.d/10-tpl.conf", "[Service]\nX=tpl-10 %i\n");
        write_file(dirs.path[2], "getty@.service.d/30-shared.conf", "[Service]\nX=tpl-30\n");
        write_file(dirs.path[1], "getty@tty1.service.d/20-inst.conf", "[Service]\nX=inst-20\n");
        write_file(dirs.path[1], "getty@tty1.service.d/30-shared.conf", "[Service]\nX=inst-30\n");
        /* Same name in a higher-priority directory's template dir wins over the instance dir
         * of a lower one. */
        write_file(dirs.path[0], "getty@.service.d/20-inst.conf", "[Service]\nX=a-tpl-20\n");

        assert_int_equal(unit_file_load("getty@tty1.service", dirs.path, &d, &u), 0);
        assert_string_equal(u->name, "getty@tty1.service");
        assert_true(strstr(u->fragment, "/c/getty@.service") != NULL);
        assert_int_equal(u->n_assignments, 4);
        /* A command line is split first, then each word expanded and quoted again. */
        assert_string_equal(u->assignments[0].value, "\"/sbin/agetty\" \"tty1\"");
        assert_string_equal(u->assignments[1].value, "tpl-10 tty1");
        assert_string_equal(u->assignments[2].value, "a-tpl-20");
        assert_string_equal(u->assignments[3].value, "inst-30");
        unit_file_free(TAKE_PTR(u));

        /* An instance file of its own wins over the template. */
        write_file(dirs.path[2], "getty@tty2.service", "[Service]\nOwn=yes\n");
        assert_int_equal(unit_file_load("getty@tty2.service", dirs.path, &d, &u), 0);
        assert_string_equal(u->assignments[0].key, "Own");
        unit_file_free(TAKE_PTR(u));

        /* The template itself loads, with an empty instance. */
        assert_int_equal(unit_file_load("getty@.service", dirs.path, &d, &u), 0);
        /* %I is one word, empty here (systemd passes the empty argument too). */
        assert_string_equal(u->assignments[0].value, "\"/sbin/agetty\" \"\"");
        assert_int_equal(diag_list_count(&d, DIAG_ERROR), 0);
        diag_list_done(&d);
        dirs_free(&dirs);
}

static void make_link(const char *dir, const char *name, const char *target) {
        char path[4096];

        snprintf(path, sizeof path, "%s/%s", dir, name);
        assert_int_equal(symlink(target, path), 0);
}

/* A symlink in a units directory to a unit file of another name is an alias: loading either
 * name gives one unit under the file's name, with the drop-ins of all its names applied in
 * file-name order (systemd 252: Names=withinst.service ali.service, DropInPaths= the alias's
 * a.conf before the unit's w.conf). */
static void test_aliases(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        char target[4096];
        Dirs dirs;
        DiagList d = {};

        dirs_make(&dirs);
        write_file(dirs.path[2], "redis-server.service", "[Service]\nExecStart=/bin/true\nX=file\n");
        write_file(dirs.path[2], "redis-server.service.d/20-own.conf", "[Service]\nX=own\n");
        write_file(dirs.path[1], "redis.service.d/10-alias.conf", "[Service]\nX=alias\n");
        write_file(dirs.path[1], "redis.service.d/30-alias.conf", "[Service]\nX=alias-last %n\n");
        /* A relative link in another directory, and an absolute one through a second link. */
        snprintf(target, sizeof target, "%s/redis-server.service", dirs.path[2]);
        make_link(dirs.path[0], "redis.service", target);
        make_link(dirs.path[1], "kv.service", "../a/redis.service");
        make_link(dirs.path[0], "masked-alias.service", "/dev/null");
        for (int i = 0; i < 3; i++) {
                const char *name = i == 0 ? "redis.service" : i == 1 ? "redis-server.service" : "kv.service";
                assert_int_equal(unit_file_load(name, dirs.path, &d, &u), 0);
                assert_string_equal(u->name, "redis-server.service");
                assert_string_equal(u->fragment, target);
                assert_int_equal(strv_length(u->aliases), 2);
                assert_string_equal(u->aliases[0], "kv.service");
                assert_string_equal(u->aliases[1], "redis.service");
                assert_int_equal(strv_length(u->dropins), 3);
                assert_int_equal(u->n_assignments, 5);
                assert_string_equal(u->assignments[2].value, "alias");
                assert_string_equal(u->assignments[3].value, "own");
                /* %n is the unit's name, whichever name it was loaded by. */
                assert_string_equal(u->assignments[4].value, "alias-last redis-server.service");
                unit_file_free(TAKE_PTR(u));
        }
        /* A link to /dev/null masks; it is nobody's alias. */
        assert_int_equal(unit_file_load("masked-alias.service", dirs.path, &d, &u), -ERFKILL);
        assert_null(u);
        /* A template's alias, instantiated. */
        write_file(dirs.path[2], "getty@.service", "[Service]\nExecStart=/sbin/agetty %i\n");
        make_link(dirs.path[2], "tty@.service", "getty@.service");
        write_file(dirs.path[2], "tty@tty1.service.d/10-inst.conf", "[Service]\nX=inst\n");
        assert_int_equal(unit_file_load("tty@tty1.service", dirs.path, &d, &u), 0);
        assert_string_equal(u->name, "getty@tty1.service");
        assert_int_equal(strv_length(u->aliases), 1);
        assert_string_equal(u->aliases[0], "tty@tty1.service");
        assert_int_equal(u->n_assignments, 2);
        assert_string_equal(u->assignments[1].value, "inst");
        unit_file_free(TAKE_PTR(u));
        diag_list_done(&d);
        dirs_free(&dirs);
}

static void test_masked(void **state) {
        UnitFile *u = NULL;
        char *p;
        Dirs dirs;
        DiagList d = {};

        dirs_make(&dirs);
        write_file(dirs.path[2], "foo.service", "[Service]\nA=1\n");
        assert_true(asprintf(&p, "%s/foo.service", dirs.path[0]) > 0);
        assert_int_equal(symlink("/dev/null", p), 0);
        assert_int_equal(unit_file_load("foo.service", dirs.path, &d, &u), -ERFKILL);
        assert_null(u);
        assert_diag(&d, DIAG_ERROR, 0, NULL, "unit is masked");
        assert_int_equal(unit_file_load_path(p, dirs.path, &d, &u), -ERFKILL);
        free(p);

        write_file(dirs.path[0], "empty.service", "");
        assert_int_equal(unit_file_load("empty.service", dirs.path, &d, &u), -ERFKILL);
        assert_null(u);
        diag_list_done(&d);
        dirs_free(&dirs);
}

static void test_load_path(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        char *p, *missing;
        Dirs dirs;
        DiagList d = {};

        dirs_make(&dirs);
        /* The file sits outside the search path; drop-ins come from next to it and from the
         * search path, the neighbour winning for the same file name. */
        write_file(dirs.base, "local/bar.service", "[Service]\nA=file\n");
        write_file(dirs.base, "local/bar.service.d/10.conf", "[Service]\nA=local-10\n");
        write_file(dirs.path[0], "bar.service.d/10.conf", "[Service]\nA=a-10\n");
        write_file(dirs.path[2], "bar.service.d/20.conf", "[Service]\nA=c-20\n");
        assert_true(asprintf(&p, "%s/local/bar.service", dirs.base) > 0);
        assert_int_equal(unit_file_load_path(p, dirs.path, &d, &u), 0);
        assert_string_equal(u->name, "bar.service");
        assert_string_equal(u->fragment, p);
        assert_int_equal(u->n_assignments, 3);
        assert_string_equal(u->assignments[1].value, "local-10");
        assert_string_equal(u->assignments[2].value, "c-20");
        free(p);

        assert_true(asprintf(&missing, "%s/nope.service", dirs.base) > 0);
        assert_int_equal(unit_file_load_path(missing, dirs.path, &d, &u), -ENOENT);
        assert_diag(&d, DIAG_ERROR, 0, NULL, "Failed to open unit file: No such file");
        free(missing);
        assert_int_equal(unit_file_load_path(dirs.base, dirs.path, &d, &u), -EINVAL);
        diag_list_done(&d);
        dirs_free(&dirs);
}

static void test_add(void **state) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        DiagList d = {};

        assert_int_equal(parse("foo.service", "[Service]\n", &d, &u), 0);
        assert_int_equal(unit_file_add(u, "Service", "ExecStart", "/bin/x", NULL, 0), 0);
        assert_string_equal(u->assignments[0].file, "(command line)");
        assert_int_equal(unit_file_add(u, NULL, "K", "v", NULL, 0), -EINVAL);
        diag_list_done(&d);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sections_and_comments),
                cmocka_unit_test(test_unknown_section),
                cmocka_unit_test(test_empty_and_repeated),
                cmocka_unit_test(test_continuation),
                cmocka_unit_test(test_bom),
                cmocka_unit_test(test_errors_located),
                cmocka_unit_test(test_nul_byte),
                cmocka_unit_test(test_bad_name),
                cmocka_unit_test(test_line_too_long),
                cmocka_unit_test(test_too_many_assignments),
                cmocka_unit_test(test_file_too_big),
                cmocka_unit_test(test_specifiers_names),
                cmocka_unit_test(test_specifiers_template),
                cmocka_unit_test(test_specifiers_exec_words),
                cmocka_unit_test(test_specifiers_host),
                cmocka_unit_test(test_specifiers_tmp),
                cmocka_unit_test(test_specifier_errors),
                cmocka_unit_test(test_specifier_expansion_limit),
                cmocka_unit_test(test_search_path_default),
                cmocka_unit_test(test_load_search_path),
                cmocka_unit_test(test_dropins),
                cmocka_unit_test(test_dropin_errors),
                cmocka_unit_test(test_template_instance),
                cmocka_unit_test(test_aliases),
                cmocka_unit_test(test_masked),
                cmocka_unit_test(test_load_path),
                cmocka_unit_test(test_add),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
