/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the sd_notify() datagram parser with arbitrary bytes. */
#include <stdint.h>
#include <string.h>

#include "io/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        NotifyMessage m;

        if (notify_message_parse((const char *) data, size, &m) < 0)
                return 0;
        /* Touch what the daemon would use. */
        if (m.status)
                (void) strlen(m.status);
        notify_message_done(&m);
        return 0;
}
