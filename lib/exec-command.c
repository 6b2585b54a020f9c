/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Command lines of Exec*= directives: word splitting with systemd's quoting rules, prefix
 * flags, and the checks on the executable. Expansion of $VAR happens at exec time, not here.
 */
#include <ctype.h>
#include <string.h>

#include "exec-command.h"
#include "hex-util.h"
#include "parse-util.h"
#include "strv.h"

#define WHITESPACE " \t\n\r"

void exec_command_done(ExecCommand *c) {
        if (!c)
                return;
        free(c->path);
        strv_free(c->argv);
        *c = (ExecCommand) {};
}

/* Decodes the escape after a backslash at *p (pointing past the backslash) into *ret. */
static int unescape_one(const char **p, char *ret) {
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\vs \\\\\"\"''  ";
        const char *s = *p;
        int v;

        if (*s == '\0')
                return -EINVAL;
        for (size_t i = 0; simple[i]; i += 2)
                if (*s == simple[i]) {
                        *ret = simple[i + 1];
                        *p = s + 1;
                        return 0;
                }
        if (*s == 'x') {
                int a = unhexchar(s[1]), b = a >= 0 ? unhexchar(s[2]) : -1;
                if (b < 0 || (v = a * 16 + b) == 0)
                        return -EINVAL;
                *p = s + 3;
        } else if (s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
                   s[2] <= '7') {
                v = (s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0');
                if (v == 0)
                        return -EINVAL;
                *p = s + 3;
        } else
                return -EINVAL;
        *ret = (char) v;
        return 0;
}

/* Reads one word starting at *p (not at whitespace) into BUF, advancing *p past it. */
static int read_word(const char **p, char *buf) {
        const char *s = *p;
        char quote = 0;
        size_t n = 0;
        int r;

        for (; *s; ) {
                if (!quote && strchr(WHITESPACE, *s))
                        break;
                if (*s == quote) {
                        quote = 0;
                        s++;
                } else if (!quote && (*s == '"' || *s == '\'')) {
                        quote = *s++;
                } else if (*s == '\\') {
                        s++;
                        r = unescape_one(&s, &buf[n]);
                        if (r < 0)
                                return r;
                        n++;
                } else
                        buf[n++] = *s++;
        }
        if (quote)
                return -EINVAL;
        buf[n] = '\0';
        *p = s;
        return 0;
}

int exec_split_words(const char *value, char ***ret) {
        _cleanup_strv_free_ char **words = calloc(1, sizeof(char *));
        _cleanup_free_ char *buf = NULL;
        size_t n = 0;
        int r;

        if (!words || !(buf = malloc(strlen(value) + 1)))
                return -ENOMEM;
        for (const char *p = value;;) {
                p += strspn(p, WHITESPACE);
                if (*p == '\0')
                        break;
                if (++n > EXEC_COMMAND_ARGS_MAX)
                        return -E2BIG;
                r = read_word(&p, buf);
                if (r < 0)
                        return r;
                r = strv_extend(&words, buf);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(words);
        return 0;
}

static const struct {
        const char *prefix;
        ExecCommandFlags flag;
} exec_prefixes[] = {
        { "!!", EXEC_COMMAND_AMBIENT_MAGIC }, /* before "!" so the longer one wins */
        { "-", EXEC_COMMAND_IGNORE_FAILURE },
        { "@", EXEC_COMMAND_ARGV0 },
        { ":", EXEC_COMMAND_NO_ENV_EXPAND },
        { "+", EXEC_COMMAND_FULLY_PRIVILEGED },
        { "!", EXEC_COMMAND_NO_SETUID },
};

#define EXEC_COMMAND_PRIVILEGE_MASK                                                       \
        (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID | EXEC_COMMAND_AMBIENT_MAGIC)

/* Strips the prefix characters from *p, collecting flags. */
static int parse_prefixes(const char **p, ExecCommandFlags *ret, const char **why) {
        ExecCommandFlags flags = 0;
        const char *s = *p;

        for (;;) {
                size_t i;
                for (i = 0; i < ELEMENTSOF(exec_prefixes); i++)
                        if (strneq(s, exec_prefixes[i].prefix, strlen(exec_prefixes[i].prefix)))
                                break;
                if (i >= ELEMENTSOF(exec_prefixes))
                        break;
                if (flags & exec_prefixes[i].flag) {
                        *why = "duplicate prefix character";
                        return -EINVAL;
                }
                flags |= exec_prefixes[i].flag;
                s += strlen(exec_prefixes[i].prefix);
        }
        /* As in systemd, at most one of the privilege prefixes ("!!!" is "!!" and "!"). */
        if (__builtin_popcount(flags & EXEC_COMMAND_PRIVILEGE_MASK) > 1) {
                *why = "at most one of the prefixes \"+\", \"!\" and \"!!\" may be used";
                return -EINVAL;
        }
        *p = s;
        *ret = flags;
        return 0;
}

/* An executable is an absolute normalized path, or a bare file name without any slash. */
static bool executable_is_valid(const char *path) {
        if (path[0] == '/')
                return path_is_absolute_normal(path) && path[strlen(path) - 1] != '/';
        return !strchr(path, '/') && !streq(path, ".") && !streq(path, "..");
}

static int exec_command_check_words(char **words, ExecCommandFlags flags, const char **why) {
        size_t n = strv_length(words);

        STRV_FOREACH(w, words)
                if (streq(*w, ";")) {
                        *why = "several commands on one line (\";\") are not supported";
                        return -EOPNOTSUPP;
                }
        if (n == 0 || isempty(words[0])) {
                *why = "empty executable path";
                return -EINVAL;
        }
        if ((flags & EXEC_COMMAND_ARGV0) && n < 2) {
                *why = "prefix \"@\" needs argv[0] after the executable";
                return -EINVAL;
        }
        if (!executable_is_valid(words[0])) {
                *why = "executable must be an absolute path or a plain file name";
                return -EINVAL;
        }
        return 0;
}

int exec_command_parse(const char *value, ExecCommand *ret, const char **why) {
        _cleanup_strv_free_ char **words = NULL;
        const char *dummy, *p;
        ExecCommandFlags flags;
        char *path;
        int r;

        why = why ?: &dummy;
        p = value + strspn(value, WHITESPACE);
        r = parse_prefixes(&p, &flags, why);
        if (r < 0)
                return r;
        r = exec_split_words(p, &words);
        if (r == -E2BIG)
                *why = "too many arguments";
        else if (r == -EINVAL)
                *why = "invalid quoting or escape sequence";
        if (r < 0)
                return r;
        r = exec_command_check_words(words, flags, why);
        if (r < 0)
                return r;
        /* The executable is words[0]; argv starts after it with "@", at it otherwise. */
        path = words[0];
        if (flags & EXEC_COMMAND_ARGV0)
                memmove(words, words + 1, sizeof(char *) * strv_length(words));
        else if (!(path = strdup(path)))
                return -ENOMEM;
        *ret = (ExecCommand) { .path = path, .argv = TAKE_PTR(words), .flags = flags };
        return 0;
}

bool exec_command_is_directive(const char *section, const char *key) {
        static const char *const keys[] = {
                "ExecStartPre", "ExecStart", "ExecStartPost", "ExecReload", "ExecStop", "ExecStopPost",
        };

        if (!section || !key || !streq(section, "Service"))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                if (streq(key, keys[i]))
                        return true;
        return false;
}

/* Appends W to BUF (room for it is the caller's) in double quotes: a backslash and a double
 * quote are escaped, control characters written as \xHH, so that read_word() gives W back. */
static size_t quote_word(const char *w, char *buf) {
        static const char hex[] = "0123456789abcdef";
        size_t n = 0;

        buf[n++] = '"';
        for (const unsigned char *s = (const unsigned char *) w; *s; s++) {
                if (*s == '\\' || *s == '"') {
                        buf[n++] = '\\';
                        buf[n++] = (char) *s;
                } else if (*s < 0x20 || *s == 0x7f) {
                        buf[n++] = '\\';
                        buf[n++] = 'x';
                        buf[n++] = hex[*s >> 4];
                        buf[n++] = hex[*s & 15];
                } else
                        buf[n++] = (char) *s;
        }
        buf[n++] = '"';
        return n;
}

int exec_command_map_words(const char *value, ExecWordMap map, void *userdata, char **ret) {
        _cleanup_strv_free_ char **words = NULL;
        _cleanup_free_ char *out = NULL;
        ExecCommandFlags flags;
        const char *why, *p;
        bool changed = false;
        size_t n, size;
        int r;

        p = value + strspn(value, WHITESPACE);
        if (parse_prefixes(&p, &flags, &why) < 0)
                return -EINVAL;
        r = exec_split_words(p, &words);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return -EINVAL;
        for (char **w = words; *w; w++) {
                char *mapped = NULL;
                r = map(*w, &mapped, userdata);
                if (r < 0)
                        return r;
                changed = changed || !streq(mapped, *w);
                free(*w);
                *w = mapped;
        }
        if (!changed) { /* as written, for whoever shows the value */
                out = strdup(value);
                if (!out)
                        return -ENOMEM;
                *ret = TAKE_PTR(out);
                return 0;
        }
        /* Worst case: every byte as \xHH, two quotes and a space per word. */
        size = (size_t) (p - value) + 1;
        STRV_FOREACH(w, words)
                size += 4 * strlen(*w) + 3;
        out = malloc(size);
        if (!out)
                return -ENOMEM;
        n = (size_t) (p - value);
        memcpy(out, value, n);
        STRV_FOREACH(w, words) {
                if (w != words)
                        out[n++] = ' ';
                n += quote_word(*w, out + n);
        }
        out[n] = '\0';
        *ret = TAKE_PTR(out);
        return 0;
}
