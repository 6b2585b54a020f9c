/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading unit files. inih splits sections, keys and values; in front of it sits our own
 * line reader, which turns the raw bytes into systemd's logical lines (backslash
 * continuation joined with a space, comment lines inside a continuation dropped), counts
 * physical lines so every diagnostic names the first line of its logical line, and rejects
 * what inih would accept but systemd does not (NUL bytes, bad UTF-8, over-long lines,
 * malformed section headers, lines without '='). The inih handler then checks the
 * assignment, expands specifiers, and records it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "config.h"
#include "strv.h"
#include "unit-dropin.h"
#include "unit-file.h"
#include "unit-name.h"
#include "unit-specifier.h"
#include "exec-command.h"
#include "utf8.h"

#define WHITESPACE " \t"
#define COMMENT_CHARS "#;"
#define UTF8_BOM "\xef\xbb\xbf"

/* Sections that carry assignments for us. Others are ignored with a warning, except "X-"
 * sections, which systemd reserves for extensions and ignores silently; "X-Syscage" is our
 * own extension section (lib/unit-directives-sandbox.c). */
static const char *const known_sections[] = { "Unit", "Service", "Install", "X-Syscage" };

typedef struct ParseContext {
        UnitFile *unit;
        DiagList *diags;
        UnitSpecifierContext *specifiers;
        const char *file;

        const char *data; /* the whole file */
        size_t size, pos;
        unsigned physical_line; /* physical lines consumed so far */
        unsigned line;          /* first physical line of the current logical line */
        char *logical;          /* current logical line, at most UNIT_LINE_MAX bytes */
        size_t logical_len;

        char *section;         /* current section, NULL before the first header */
        bool section_used;     /* assignments in it are recorded */
        bool section_broken;   /* its header was malformed: skip its assignments quietly */
        bool too_many_reported;
        unsigned n_errors;
} ParseContext;

static void parse_diag(ParseContext *c, DiagCode code, DiagLevel level, unsigned line,
                       const char *key, const char *fmt, ...) _printf_(6, 7);
static void parse_diag(ParseContext *c, DiagCode code, DiagLevel level, unsigned line,
                       const char *key, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        if (level == DIAG_ERROR)
                c->n_errors++;
        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        (void) diag_add_code(c->diags, code, level, c->file, line, key, "%s", r < 0 ? fmt : msg);
}

/* Takes the next physical line: *ret_start and *ret_len without the line break. Returns false
 * at the end of the data. Checks the line for NUL bytes and bad UTF-8. */
static bool next_physical_line(ParseContext *c, const char **ret_start, size_t *ret_len,
                               bool *ret_bad) {
        const char *start = c->data + c->pos, *nl;
        size_t len;

        if (c->pos >= c->size)
                return false;
        nl = memchr(start, '\n', c->size - c->pos);
        len = nl ? (size_t) (nl - start) : c->size - c->pos;
        c->pos += len + (nl ? 1 : 0);
        c->physical_line++;
        if (c->physical_line == 1 && len >= 3 && memcmp(start, UTF8_BOM, 3) == 0) {
                start += 3;
                len -= 3;
        }
        if (len > 0 && start[len - 1] == '\r')
                len--;

        *ret_bad = false;
        if (memchr(start, '\0', len)) {
                parse_diag(c, DIAG_CODE_ENCODING, DIAG_ERROR, c->physical_line, NULL, "NUL byte in line");
                *ret_bad = true;
        } else if (!utf8_is_valid_n(start, len)) {
                parse_diag(c, DIAG_CODE_ENCODING, DIAG_ERROR, c->physical_line, NULL, "Line is not valid UTF-8");
                *ret_bad = true;
        }
        *ret_start = start;
        *ret_len = len;
        return true;
}

static bool is_comment(const char *s, size_t len) {
        size_t skip = 0;

        while (skip < len && strchr(WHITESPACE, s[skip]))
                skip++;
        return skip < len && strchr(COMMENT_CHARS, s[skip]);
}

/* A line continues when it ends in a backslash that is not itself escaped. */
static bool ends_in_continuation(const char *s, size_t len) {
        size_t n = 0;

        while (n < len && s[len - 1 - n] == '\\')
                n++;
        return n % 2 == 1;
}

/* Assembles the next logical line into c->logical. Returns false at the end of the data,
 * and sets *ret_bad when the line must not be parsed (its error is already reported). */
static bool next_logical_line(ParseContext *c, bool *ret_bad) {
        bool bad = false, first = true, too_long = false;
        const char *s;
        size_t len;

        c->logical_len = 0;
        for (;;) {
                bool line_bad, more;

                if (!next_physical_line(c, &s, &len, &line_bad)) {
                        if (first)
                                return false;
                        parse_diag(c, DIAG_CODE_SYNTAX, DIAG_WARNING, c->line, NULL,
                                   "File ends in a line continuation");
                        break;
                }
                if (first)
                        c->line = c->physical_line;
                else if (is_comment(s, len))
                        continue; /* as systemd: comments inside a continuation vanish */
                bad |= line_bad;
                /* Comment lines never continue (systemd drops them before looking). */
                more = !is_comment(s, len) && ends_in_continuation(s, len);
                first = false;
                if (c->logical_len + len > UNIT_LINE_MAX)
                        too_long = true;
                else {
                        memcpy(c->logical + c->logical_len, s, len);
                        c->logical_len += len;
                }
                if (!more)
                        break;
                if (!too_long)
                        c->logical[c->logical_len - 1] = ' ';
        }
        c->logical[c->logical_len] = '\0';
        if (too_long && !bad)
                parse_diag(c, DIAG_CODE_LIMIT, DIAG_ERROR, c->line, NULL, "Line too long (more than %u bytes)",
                           UNIT_LINE_MAX);
        *ret_bad = bad || too_long;
        return true;
}

static bool section_is_known(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(known_sections); i++)
                if (streq(name, known_sections[i]))
                        return true;
        return false;
}

/* Cuts trailing whitespace in place and returns the first non-whitespace character. */
static char *strip(char *s) {
        size_t n = strlen(s);

        while (n > 0 && strchr(WHITESPACE, s[n - 1]))
                s[--n] = '\0';
        return s + strspn(s, WHITESPACE);
}

/* Checks a "[Name]" line and makes Name the current section. Returns false when the header
 * is malformed (reported). */
static bool section_header_check(ParseContext *c, char *l) {
        size_t n = strlen(l);
        char *name;

        free(c->section);
        c->section = NULL;
        c->section_used = false;
        c->section_broken = true;
        if (n < 2 || l[n - 1] != ']') {
                parse_diag(c, DIAG_CODE_SYNTAX, DIAG_ERROR, c->line, l,
                           strchr(l, ']') ? "Invalid section header: text after ']'"
                                          : "Invalid section header: missing ']'");
                return false;
        }
        name = strndup(l + 1, n - 2);
        if (!name) {
                parse_diag(c, DIAG_CODE_GENERIC, DIAG_ERROR, c->line, l, "Out of memory");
                return false;
        }
        if (isempty(name) || strpbrk(name, "[]") || !utf8_is_valid_n(name, strlen(name)) ||
            strpbrk(name, "\t\r\v\f")) {
                parse_diag(c, DIAG_CODE_SYNTAX, DIAG_ERROR, c->line, l, "Invalid section name");
                free(name);
                return false;
        }
        c->section = name;
        c->section_broken = false;
        c->section_used = section_is_known(name);
        if (!c->section_used && !strneq(name, "X-", 2))
                parse_diag(c, DIAG_CODE_UNKNOWN_SECTION, DIAG_WARNING, c->line, l, "Unknown section '%s', ignoring", name);
        return true;
}

/* Classifies the logical line before inih sees it (trimming it in place). Returns true
 * when inih should get it. */
static bool logical_line_check(ParseContext *c) {
        char *l = strip(c->logical);

        c->logical_len = strlen(c->logical);
        if (*l == '\0' || strchr(COMMENT_CHARS, *l))
                return true;
        if (*l == '[')
                return section_header_check(c, l);
        if (!strpbrk(l, "=:")) {
                parse_diag(c, DIAG_CODE_SYNTAX, DIAG_ERROR, c->line, NULL,
                           "Missing '=' in assignment: '%.40s%s'", l, strlen(l) > 40 ? "..." : "");
                return false;
        }
        return true;
}

/* inih's reader callback: hands out one checked logical line at a time. */
static char *reader_cb(char *str, int num, void *stream) {
        ParseContext *c = stream;
        bool bad;

        for (;;) {
                if (!next_logical_line(c, &bad))
                        return NULL;
                if (bad || !logical_line_check(c))
                        continue;
                /* ini_configure() gives inih room for the line, "\n" and NUL; never drop a
                 * line silently should that ever not hold. */
                if (c->logical_len + 2 > (size_t) num) {
                        parse_diag(c, DIAG_CODE_LIMIT, DIAG_ERROR, c->line, NULL,
                                   "Line too long for the parser (%zu bytes)", c->logical_len);
                        continue;
                }
                memcpy(str, c->logical, c->logical_len);
                str[c->logical_len] = '\n';
                str[c->logical_len + 1] = '\0';
                return str;
        }
}

typedef struct WordExpansion {
        UnitSpecifierContext *specifiers;
        char *error;
        bool trailing;
} WordExpansion;

static int expand_word(const char *word, char **ret, void *userdata) {
        WordExpansion *x = userdata;
        bool trailing = false;
        int r = unit_specifier_expand(x->specifiers, word, ret, &trailing, x->error ? NULL : &x->error);

        x->trailing = x->trailing || trailing;
        return r;
}

/* Specifiers in a value. In a command line (ExecStart= and friends) they are expanded in
 * each word after it has been unquoted and unescaped, as systemd does: "%i" of the instance
 * "a\x2db" is the four characters a\x2db (escapes in the instance are not decoded again).
 * A line that cannot be split is expanded whole, and its directive reports the quoting. */
static int expand_value(ParseContext *c, const char *key, const char *value, char **ret, bool *ret_trailing,
                        char **ret_error) {
        if (exec_command_is_directive(c->section, key)) {
                WordExpansion x = { .specifiers = c->specifiers };
                int r = exec_command_map_words(value, expand_word, &x, ret);
                if (r != -EINVAL || x.error) {
                        *ret_trailing = x.trailing;
                        *ret_error = x.error;
                        return r;
                }
        }
        return unit_specifier_expand(c->specifiers, value, ret, ret_trailing, ret_error);
}

static void record_assignment(ParseContext *c, const char *key, const char *value) {
        _cleanup_free_ char *expanded = NULL, *error = NULL;
        bool trailing = false;
        int r;

        r = expand_value(c, key, value, &expanded, &trailing, &error);
        if (r == -ENOMEM || (r < 0 && !error)) {
                parse_diag(c, DIAG_CODE_SPECIFIER, DIAG_ERROR, c->line, key, "Failed to expand specifiers: %s",
                           strerror(-r));
                return;
        }
        if (r < 0) {
                parse_diag(c, DIAG_CODE_SPECIFIER, DIAG_ERROR, c->line, key, "%s", error);
                return;
        }
        if (trailing)
                parse_diag(c, DIAG_CODE_SPECIFIER, DIAG_WARNING, c->line, key,
                           "Value ends in a lone '%%', kept as is; write '%%%%' for a literal '%%'");
        r = unit_file_add(c->unit, c->section, key, expanded, c->file, c->line);
        if (r == -E2BIG && !c->too_many_reported) {
                c->too_many_reported = true;
                parse_diag(c, DIAG_CODE_LIMIT, DIAG_ERROR, c->line, key, "Too many assignments (more than %u)",
                           UNIT_ASSIGNMENTS_MAX);
        } else if (r < 0 && r != -E2BIG)
                parse_diag(c, DIAG_CODE_GENERIC, DIAG_ERROR, c->line, key, "Failed to record assignment: %s",
                           strerror(-r));
}

/* inih's handler: one assignment from the current logical line. Always returns 1 (we keep
 * our own error count; inih would only remember the first one). */
static int handler_cb(void *user, const char *section, const char *name, const char *value) {
        ParseContext *c = user;
        const char *l = c->logical + strspn(c->logical, WHITESPACE);

        /* inih also splits at ':'; systemd only knows '='. */
        if (l[strcspn(l, "=:")] == ':') {
                parse_diag(c, DIAG_CODE_SYNTAX, DIAG_ERROR, c->line, isempty(name) ? NULL : name,
                           "Expected '=' between key and value, found ':'");
                return 1;
        }
        if (isempty(name)) {
                parse_diag(c, DIAG_CODE_SYNTAX, DIAG_ERROR, c->line, NULL, "Missing key name before '='");
                return 1;
        }
        if (c->section_broken)
                return 1;
        if (!c->section) {
                parse_diag(c, DIAG_CODE_SYNTAX, DIAG_ERROR, c->line, name,
                           "Assignment outside of any section; a [Unit] or [Service] header must come first");
                return 1;
        }
        if (c->section_used)
                record_assignment(c, name, value);
        return 1;
}

/* inih's options are process globals: set all that matter before every parse. */
static void ini_configure(void) {
        ini_allow_multiline = false;
        ini_allow_inline_comments = false;
        ini_allow_bom = false; /* the reader strips it */
        ini_allow_no_value = false;
        ini_stop_on_first_error = false;
        /* A heap buffer of the full size from the start: inih's buffer starts at
         * ini_initial_alloc and only grows with ini_allow_realloc. */
        ini_use_stack = false;
        ini_allow_realloc = false;
        ini_max_line = (int) UNIT_LINE_MAX + 3;
        ini_initial_alloc = (int) UNIT_LINE_MAX + 3;
        ini_start_comment_prefixes = (char *) COMMENT_CHARS;
}

static int parse_buffer(UnitFile *u, UnitSpecifierContext *specifiers, const char *file,
                           const char *data, size_t size, DiagList *diags) {
        ParseContext c = {
                .unit = u,
                .diags = diags,
                .specifiers = specifiers,
                .file = file,
                .data = data,
                .size = size,
        };
        int r;

        c.logical = malloc(UNIT_LINE_MAX + 1);
        if (!c.logical)
                return -ENOMEM;
        ini_configure();
        r = ini_parse_stream(reader_cb, &c, handler_cb, &c);
        free(c.logical);
        free(c.section);
        if (r == -2)
                return -ENOMEM;
        if (r != 0 && c.n_errors == 0)
                parse_diag(&c, DIAG_CODE_SYNTAX, DIAG_ERROR, 0, NULL, "Syntax error in logical line %d", r);
        return c.n_errors > 0 ? -EBADMSG : 0;
}

int unit_file_add(UnitFile *u, const char *section, const char *key, const char *value,
                  const char *file, unsigned line) {
        UnitAssignment a = { .line = line };

        if (!u || !section || !key || !value)
                return -EINVAL;
        if (u->n_assignments >= UNIT_ASSIGNMENTS_MAX)
                return -E2BIG;
        if (GREEDY_REALLOC(u->assignments, u->allocated_assignments, u->n_assignments + 1) < 0)
                return -ENOMEM;
        a.section = strdup(section);
        a.key = strdup(key);
        a.value = strdup(value);
        a.file = strdup(file ?: "(command line)");
        if (!a.section || !a.key || !a.value || !a.file) {
                free(a.section);
                free(a.key);
                free(a.value);
                free(a.file);
                return -ENOMEM;
        }
        u->assignments[u->n_assignments++] = a;
        return 0;
}

UnitFile *unit_file_free(UnitFile *u) {
        if (!u)
                return NULL;
        for (size_t i = 0; i < u->n_assignments; i++) {
                free(u->assignments[i].section);
                free(u->assignments[i].key);
                free(u->assignments[i].value);
                free(u->assignments[i].file);
        }
        free(u->assignments);
        free(u->name);
        free(u->fragment);
        strv_free(u->dropins);
        strv_free(u->aliases);
        free(u);
        return NULL;
}

char **unit_search_path_default(void) {
        static const char *const dirs[] = { SYSCAGE_UNITS_PATH };
        _cleanup_strv_free_ char **l = NULL;

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                if (strv_extend(&l, dirs[i]) < 0)
                        return NULL;
        return TAKE_PTR(l);
}

static int unit_file_new(const char *name, const char *fragment, UnitFile **ret) {
        _cleanup_(unit_file_freep) UnitFile *u = calloc(1, sizeof(UnitFile));

        if (!u)
                return -ENOMEM;
        u->name = strdup(name);
        u->fragment = strdup(fragment);
        if (!u->name || !u->fragment)
                return -ENOMEM;
        *ret = TAKE_PTR(u);
        return 0;
}

static int check_name(const char *name, DiagList *diags) {
        if (!name || !unit_name_is_valid(name, UNIT_NAME_ANY)) {
                (void) diag_add_code(diags, DIAG_CODE_BAD_UNIT_NAME, DIAG_ERROR, name, 0, NULL,
                                "Invalid unit name: expected NAME.service, NAME@.service or "
                                "NAME@INSTANCE.service (at most %u characters from "
                                "[a-zA-Z0-9:_.\\-\\\\@])", UNIT_NAME_MAX);
                return -EINVAL;
        }
        return 0;
}

/* Reads a whole file of at most UNIT_FILE_SIZE_MAX bytes. Returns -ERFKILL (not reported)
 * for /dev/null, and for an empty file when EMPTY_IS_MASKED; -EBADMSG for a file we refuse
 * to parse (reported); another -errno when it cannot be opened or read (reported). */
static int read_unit_file(const char *path, bool empty_is_masked, DiagList *diags,
                          char **ret_data, size_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t n = 0;

        if (fd < 0 || fstat(fd, &st) < 0) {
                int r = -errno;
                (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, path, 0, NULL, "Failed to open unit file: %s",
                                strerror(-r));
                return r;
        }
        if (unit_stat_is_null_device(&st) || (empty_is_masked && S_ISREG(st.st_mode) && st.st_size == 0))
                return -ERFKILL;
        if (!S_ISREG(st.st_mode)) {
                (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, path, 0, NULL, "Not a regular file");
                return -EBADMSG;
        }
        if ((uint64_t) st.st_size > UNIT_FILE_SIZE_MAX)
                goto too_big;
        buf = malloc(UNIT_FILE_SIZE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k = read(fd, buf + n, UNIT_FILE_SIZE_MAX + 1 - n);
                if (k < 0) {
                        int r = -errno;
                        (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, path, 0, NULL,
                                        "Failed to read unit file: %s", strerror(-r));
                        return r;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > UNIT_FILE_SIZE_MAX)
                        goto too_big; /* it grew while we read */
        }
        buf[n] = '\0';
        *ret_data = TAKE_PTR(buf);
        *ret_size = n;
        return 0;

too_big:
        (void) diag_add_code(diags, DIAG_CODE_LIMIT, DIAG_ERROR, path, 0, NULL, "File too big (more than %u bytes)",
                        UNIT_FILE_SIZE_MAX);
        return -EBADMSG;
}

/* Parses one file into U. Returns 0, -EBADMSG (reported), or -ENOMEM. */
static int parse_file(UnitFile *u, UnitSpecifierContext *spec, const char *path,
                      DiagList *diags) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r = read_unit_file(path, false, diags, &data, &size);

        if (r == -ERFKILL)
                return 0; /* a drop-in masked after we listed it */
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return -EBADMSG;
        return parse_buffer(u, spec, path, data, size, diags);
}

static int dropin_names_add(char ***names, const char *name) {
        char *template_name = NULL;

        if (strv_extend(names, name) < 0)
                return -ENOMEM;
        if (unit_name_is_valid(name, UNIT_NAME_INSTANCE)) {
                if (unit_name_template(name, &template_name) < 0 ||
                    strv_consume(names, template_name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The names whose drop-ins apply: the unit's own (and its template's), then those of each
 * of its aliases, as systemd applies the drop-ins of every name of a unit. */
static int unit_dropin_names(const UnitFile *u, char ***ret) {
        _cleanup_strv_free_ char **names = NULL;

        if (dropin_names_add(&names, u->name) < 0)
                return -ENOMEM;
        STRV_FOREACH(a, u->aliases)
                if (dropin_names_add(&names, *a) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(names);
        return 0;
}

/* Applies the drop-ins of U->name found in DIRS. Returns 0, -EBADMSG, -ENOMEM. */
static int load_dropins(UnitFile *u, UnitSpecifierContext *spec, char * const *dirs,
                        DiagList *diags) {
        _cleanup_strv_free_ char **names = NULL, **paths = NULL;
        bool failed = false;
        int r;

        r = unit_dropin_names(u, &names);
        if (r < 0)
                return r;
        r = unit_dropins_find(names, dirs, diags, &paths);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return -EBADMSG;
        STRV_FOREACH(p, paths) {
                r = parse_file(u, spec, *p, diags);
                if (r == -ENOMEM)
                        return r;
                failed |= r < 0;
        }
        u->dropins = TAKE_PTR(paths);
        return failed ? -EBADMSG : 0;
}

/* Loads the unit NAME from the file FRAGMENT plus drop-ins from DROPIN_DIRS (those of
 * ALIASES too, which the UnitFile takes). */
static int load_unit(const char *name, const char *fragment, char * const *dropin_dirs, char **aliases,
                     DiagList *diags, UnitFile **ret) {
        _cleanup_strv_free_ char **aliases_owned = aliases;
        _cleanup_(unit_specifier_context_done) UnitSpecifierContext spec = {};
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_free_ char *data = NULL;
        size_t size = 0;
        int r, result = 0;

        r = read_unit_file(fragment, true, diags, &data, &size);
        if (r == -ERFKILL) {
                (void) diag_add_code(diags, DIAG_CODE_MASKED, DIAG_ERROR, fragment, 0, NULL,
                                "unit is masked (the file is empty or a symlink to /dev/null)");
                return r;
        }
        if (r < 0 && r != -EBADMSG)
                return r;
        result = r;
        r = unit_file_new(name, fragment, &u);
        if (r < 0)
                return r;
        u->aliases = TAKE_PTR(aliases_owned);
        spec.name = u->name;
        spec.fragment = u->fragment;
        if (data) {
                r = parse_buffer(u, &spec, fragment, data, size, diags);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        result = r;
        }
        r = load_dropins(u, &spec, dropin_dirs, diags);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                result = r;
        *ret = TAKE_PTR(u);
        return result;
}

int unit_file_load(const char *name, char * const *search_path, DiagList *diags,
                   UnitFile **ret) {
        _cleanup_strv_free_ char **default_path = NULL, **aliases = NULL;
        _cleanup_free_ char *fragment = NULL, *canonical = NULL;
        int r = check_name(name, diags);

        if (r < 0)
                return r;
        if (!search_path) {
                search_path = default_path = unit_search_path_default();
                if (!default_path)
                        return -ENOMEM;
        }
        /* An alias loads its unit, under the unit's name, with every name's drop-ins. */
        r = unit_alias_resolve(name, search_path, &canonical);
        if (r == -ENOMEM)
                return r;
        if (r >= 0 && !streq(canonical, name)) {
                /* The unit's own file, or (its target outside the search path) the link. */
                r = unit_fragment_find(canonical, search_path, &fragment);
                if (r == -ENOENT)
                        r = unit_fragment_find(name, search_path, &fragment);
                name = canonical;
        } else
                r = unit_fragment_find(name, search_path, &fragment);
        if (r >= 0 && (r = unit_aliases_find(name, search_path, &aliases)) < 0 && r != -ENOMEM) {
                (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, name, 0, NULL,
                                     "Failed to look for aliases: %s", strerror(-r));
                return r;
        }
        if (r == -ENOENT)
                (void) diag_add_code(diags, DIAG_CODE_NOT_FOUND, DIAG_ERROR, name, 0, NULL,
                                "No unit file found in the search path");
        else if (r < 0)
                (void) diag_add_code(diags, DIAG_CODE_IO, DIAG_ERROR, name, 0, NULL,
                                "Failed to look up unit file: %s", strerror(-r));
        if (r < 0)
                return r;
        return load_unit(name, fragment, search_path, TAKE_PTR(aliases), diags, ret);
}

int unit_file_load_path(const char *path, char * const *search_path, DiagList *diags,
                        UnitFile **ret) {
        return unit_file_load_path_as(path, NULL, search_path, diags, ret);
}

int unit_file_load_path_as(const char *path, const char *name, char * const *search_path,
                           DiagList *diags, UnitFile **ret) {
        _cleanup_strv_free_ char **dirs = NULL, **default_path = NULL;
        const char *slash = strrchr(path, '/');
        char *dir;

        if (!name && !unit_name_is_valid(slash ? slash + 1 : path, UNIT_NAME_ANY)) {
                (void) diag_add_code(diags, DIAG_CODE_BAD_UNIT_NAME, DIAG_ERROR, path, 0, NULL,
                                "File name is not a valid unit name (NAME.service, "
                                "NAME@.service or NAME@INSTANCE.service)");
                return -EINVAL;
        }
        if (!name)
                name = slash ? slash + 1 : path;
        else if (check_name(name, diags) < 0)
                return -EINVAL;
        if (!search_path) {
                search_path = default_path = unit_search_path_default();
                if (!default_path)
                        return -ENOMEM;
        }
        /* Drop-ins next to the file first, then the search path. */
        dir = !slash ? strdup(".") : slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        if (!dir || strv_consume(&dirs, dir) < 0)
                return -ENOMEM;
        STRV_FOREACH(d, search_path)
                if (!strv_contains(dirs, *d) && strv_extend(&dirs, *d) < 0)
                        return -ENOMEM;
        return load_unit(name, path, dirs, NULL, diags, ret);
}

int unit_file_load_buffer(const char *name, const char *filename, const char *data,
                          size_t size, DiagList *diags, UnitFile **ret) {
        _cleanup_(unit_specifier_context_done) UnitSpecifierContext spec = {};
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        int r = check_name(name, diags);

        if (r < 0)
                return r;
        filename = filename ?: name;
        r = unit_file_new(name, filename, &u);
        if (r < 0)
                return r;
        spec.name = u->name;
        spec.fragment = u->fragment;
        if (size > UNIT_FILE_SIZE_MAX) {
                (void) diag_add_code(diags, DIAG_CODE_LIMIT, DIAG_ERROR, filename, 0, NULL,
                                "File too big (more than %u bytes)", UNIT_FILE_SIZE_MAX);
                r = -EBADMSG;
        } else
                r = parse_buffer(u, &spec, filename, data, size, diags);
        if (r == -ENOMEM)
                return r;
        *ret = TAKE_PTR(u);
        return r;
}

int unit_file_load_string(const char *name, const char *filename, const char *text,
                          DiagList *diags, UnitFile **ret) {
        return unit_file_load_buffer(name, filename, text, strlen(text), diags, ret);
}
