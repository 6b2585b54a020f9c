/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One command line of ExecStart= and friends: the prefix flags, the executable and its argv.
 * Words are split the way systemd splits them: whitespace separates, double and single quotes
 * group, backslash escapes (C-style, \xHH and octal \NNN) are decoded. "$VAR" and "${VAR}"
 * are kept as written and expanded at exec time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* Named limits for one command line. */
#define EXEC_COMMAND_ARGS_MAX 4096u

typedef enum ExecCommandFlags {
        EXEC_COMMAND_IGNORE_FAILURE = 1u << 0,  /* "-": a failing exit status is not an error */
        EXEC_COMMAND_ARGV0 = 1u << 1,           /* "@": the second word is argv[0] */
        EXEC_COMMAND_NO_ENV_EXPAND = 1u << 2,   /* ":": no $VAR expansion */
        /* The privilege prefixes are only recorded here; the daemon applies them when it
         * builds the launch (systemd.service(5), "Command lines"). At most one of them. */
        EXEC_COMMAND_FULLY_PRIVILEGED = 1u << 3, /* "+": no sandbox, no filter, no exec gate,
                                                  * no User=/Group= switch */
        EXEC_COMMAND_NO_SETUID = 1u << 4,       /* "!": no User=/Group= switch, the sandbox and
                                                 * the filter still apply */
        EXEC_COMMAND_AMBIENT_MAGIC = 1u << 5,   /* "!!": like no prefix where the kernel has
                                                 * ambient capabilities (all supported ones) */
} ExecCommandFlags;

typedef struct ExecCommand {
        char *path;  /* absolute path, or a plain file name to be looked up at start */
        char **argv; /* argv[0] is the path, or the word after it with "@"; never empty */
        ExecCommandFlags flags;
} ExecCommand;

void exec_command_done(ExecCommand *c);

/* Splits VALUE into words. -EINVAL on an unterminated quote, a trailing backslash or an escape
 * that decodes to NUL; -E2BIG beyond EXEC_COMMAND_ARGS_MAX words. An empty value gives an
 * empty (non-NULL) vector. */
int exec_split_words(const char *value, char ***ret);

/* Parses one command line. On failure returns -errno and, when WHY is not NULL, points it at a
 * static sentence saying what is wrong:
 *   -EINVAL      bad quoting, empty command, relative path with a slash, duplicate prefix,
 *                "+" combined with "!" or "!!"
 *   -EOPNOTSUPP  a lone ";" (several commands on one line) */
int exec_command_parse(const char *value, ExecCommand *ret, const char **why);

/* True for the directives whose value is a command line (ExecStart= and friends). */
bool exec_command_is_directive(const char *section, const char *key);

/* Maps one word of a command line, already unquoted and unescaped; returns -errno. */
typedef int (*ExecWordMap)(const char *word, char **ret, void *userdata);

/* Rewrites the command line VALUE word by word, as systemd expands specifiers in command
 * lines: the prefix characters are kept, every word is split and unescaped first and then
 * given to MAP, and the result is a command line (each word quoted and escaped again) that
 * exec_command_parse() splits into exactly the mapped words. -EINVAL when VALUE cannot be
 * split (the caller keeps it for exec_command_parse() to report); MAP's errors are returned
 * as they are. When MAP changes no word, the result is VALUE as written. */
int exec_command_map_words(const char *value, ExecWordMap map, void *userdata, char **ret);
