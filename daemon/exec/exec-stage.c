/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Names and exit codes of the launch stages; the table is documented in exec-stage.h. */
#include <string.h>

#include "exec/exec-stage.h"
#include "macro.h"

static const struct {
        const char *name;
        int exit_code;
} exec_stage_table[_EXEC_STAGE_MAX] = {
        [EXEC_STAGE_SIGNALS] = { "signals", 207 },
        [EXEC_STAGE_CGROUP] = { "cgroup", 219 },
        [EXEC_STAGE_SETSID] = { "setsid", 220 },
        [EXEC_STAGE_STDIN] = { "stdin", 208 },
        [EXEC_STAGE_STDOUT] = { "stdout", 209 },
        [EXEC_STAGE_STDERR] = { "stderr", 222 },
        [EXEC_STAGE_FDS] = { "fds", 202 },
        [EXEC_STAGE_NAMESPACE] = { "namespace", 252 },
        [EXEC_STAGE_NETWORK] = { "network", 225 },
        [EXEC_STAGE_MOUNTS] = { "mounts", 226 },
        [EXEC_STAGE_LIMITS] = { "limits", 205 },
        [EXEC_STAGE_NICE] = { "nice", 201 },
        [EXEC_STAGE_CHDIR] = { "chdir", 200 },
        [EXEC_STAGE_GROUP] = { "group", 216 },
        [EXEC_STAGE_USERNS] = { "userns", 253 },
        [EXEC_STAGE_CAPABILITIES] = { "capabilities", 218 },
        [EXEC_STAGE_USER] = { "user", 217 },
        [EXEC_STAGE_PDEATHSIG] = { "pdeathsig", 250 },
        [EXEC_STAGE_NO_NEW_PRIVS] = { "no-new-privileges", 227 },
        [EXEC_STAGE_ACCESS] = { "access", 203 },
        [EXEC_STAGE_SECCOMP] = { "seccomp", 228 },
        [EXEC_STAGE_LISTENER] = { "listener", 251 },
        [EXEC_STAGE_EXEC] = { "exec", 203 },
};

const char *exec_stage_to_string(ExecStage s) {
        return s >= 0 && s < _EXEC_STAGE_MAX ? exec_stage_table[s].name : NULL;
}

ExecStage exec_stage_from_string(const char *s) {
        if (!s)
                return _EXEC_STAGE_INVALID;
        for (int i = 0; i < _EXEC_STAGE_MAX; i++)
                if (streq(exec_stage_table[i].name, s))
                        return (ExecStage) i;
        return _EXEC_STAGE_INVALID;
}

int exec_stage_exit_code(ExecStage s) {
        return s >= 0 && s < _EXEC_STAGE_MAX ? exec_stage_table[s].exit_code : -1;
}
