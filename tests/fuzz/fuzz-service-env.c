/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target for what a start reads from user-controlled text: an EnvironmentFile= body,
 * and then $VAR/${VAR} expansion of a command line (the input's last line, split at spaces)
 * against the environment the file produced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/service-exec.h"
#include "strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char **env = NULL, **argv = NULL, **out = NULL;

        if (size > SERVICE_ENV_FILE_MAX)
                return 0;
        char *text = strndup((const char *) data, size);
        if (!text)
                return 0;
        if (service_exec_parse_env_file(text, &env) >= 0) {
                /* Every assignment that came out is NAME=VALUE with a valid name. */
                STRV_FOREACH(e, env)
                        if (!strchr(*e, '='))
                                abort();
        }
        const char *last = strrchr(text, '\n');
        last = last ? last + 1 : text;
        for (const char *p = last; *p;) {
                size_t n = strcspn(p, " ");
                if (n > 0 && strv_consume(&argv, strndup(p, n)) < 0)
                        break;
                p += n + (p[n] == ' ');
        }
        if (argv && service_exec_expand_argv(argv, env, &out) >= 0)
                STRV_FOREACH(w, out)
                        (void) strlen(*w);
        strv_free(out);
        strv_free(argv);
        strv_free(env);
        free(text);
        return 0;
}
