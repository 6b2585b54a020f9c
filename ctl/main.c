/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl: command line client. Global options come before the verb; each verb parses
 * its own. Exit codes: 0 success, 1 the operation failed (or found errors), 100 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "config.h"
#include "ctl.h"
#include "macro.h"
#include "strv.h"
#include "verify.h"

char **arg_units_dirs = NULL;

typedef struct Verb {
        const char *name;
        int (*run)(int argc, char **argv);
} Verb;

static const Verb verbs[] = {
        { "analyze", verb_analyze },
        { "verify", verb_verify },
};

static int help(void) {
        printf("syscagectl [OPTIONS...] COMMAND ...\n\n"
               "Offline commands (no daemon needed):\n"
               "  verify FILE|NAME...                    Check unit files\n"
               "  analyze syscall-filter [@GROUP...]     List syscall groups and members\n"
               "  analyze policy FILE|NAME [--syscall NAME] [--bpf] [--pfc]\n"
               "                                         Explain a unit's seccomp policy\n"
               "  analyze resolve NAME|NUMBER [--arch ARCH]\n"
               "                                         Syscall name <-> number\n\n"
               "Options:\n"
               "  -h --help              Show this help\n"
               "     --version           Show the version\n"
               "     --units-dir DIR     Look for units in DIR (repeatable) instead of\n"
               "                         /etc/syscage/units, /run/syscage/units,\n"
               "                         /usr/lib/syscage/units\n");
        return 0;
}

static int parse_argv(int argc, char **argv) {
        enum { ARG_VERSION = 0x100, ARG_UNITS_DIR };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "units-dir", required_argument, NULL, ARG_UNITS_DIR },
                {}
        };
        int c;

        /* '+': stop at the verb, its options are its own. */
        while ((c = getopt_long(argc, argv, "+h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        return help();
                case ARG_VERSION:
                        printf("syscagectl %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_UNITS_DIR:
                        if (strv_extend(&arg_units_dirs, optarg) < 0) {
                                fprintf(stderr, "Out of memory.\n");
                                return -1;
                        }
                        break;
                default:
                        return -1;
                }
        return 1;
}

int main(int argc, char **argv) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0) {
                strv_free(arg_units_dirs);
                return r < 0 ? 100 : 0;
        }
        if (optind >= argc) {
                fprintf(stderr, "Expected a command. See 'syscagectl --help'.\n");
                r = 100;
                goto finish;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, argv[optind])) {
                        r = verbs[i].run(argc - optind, argv + optind);
                        goto finish;
                }
        fprintf(stderr, "Unknown command '%s'. See 'syscagectl --help'.\n", argv[optind]);
        r = 100;
finish:
        strv_free(arg_units_dirs);
        return r;
}
