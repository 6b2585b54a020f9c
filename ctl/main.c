/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscagectl: command line client. Verbs are a table; offline verbs need no daemon. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analyze.h"
#include "config.h"
#include "macro.h"

typedef struct Verb {
        const char *name;
        int (*run)(int argc, char **argv);
} Verb;

static int help(void) {
        printf("syscagectl [OPTIONS...] COMMAND ...\n\n"
               "Offline commands (no daemon needed):\n"
               "  verify FILE|NAME...              Check unit files\n"
               "  analyze syscall-filter [@GROUP...]  List syscall groups\n"
               "  analyze policy FILE|NAME         Explain a unit's seccomp policy\n"
               "  analyze resolve NAME|NUMBER      Syscall name <-> number\n");
        return 0;
}

static const Verb verbs[] = {
        { "analyze", verb_analyze },
};

int main(int argc, char **argv) {
        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h"))
                return help();
        if (streq(argv[1], "--version")) {
                printf("syscagectl %s\n", PACKAGE_VERSION);
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, argv[1]))
                        return verbs[i].run(argc - 1, argv + 1);
        fprintf(stderr, "Unknown command '%s'. See 'syscagectl --help'.\n", argv[1]);
        return 100;
}
