/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the kernel log parsers (seccomp records, lost-record lines) with arbitrary lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sys/kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        SeccompAudit a;
        char *line;

        if (size > KMSG_RECORD_MAX)
                return 0;
        line = malloc(size + 1);
        if (!line)
                return 0;
        memcpy(line, data, size);
        line[size] = '\0';
        if (kmsg_parse_seccomp(line, &a) == 0) {
                /* Every string field must be terminated within its array. */
                if (!memchr(a.comm, '\0', sizeof a.comm) || !memchr(a.exe, '\0', sizeof a.exe) ||
                    !memchr(a.syscall_name, '\0', sizeof a.syscall_name))
                        abort();
                (void) seccomp_audit_action_to_string(&a);
        }
        KmsgLoss l;
        if (kmsg_parse_loss(line, &l) == 0 && l.suppressed > 0 && l.has_audit_lost)
                abort(); /* one line says one or the other */
        free(line);
        return 0;
}
