/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the sd_notify() datagram parser with arbitrary bytes, and checks what the daemon
 * relies on when it takes the parsed message as it is (core/service.c does not parse again):
 * every number is in its range, STATUS= is one line without NUL bytes, and parsing the same
 * bytes twice gives the same message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok) {
        if (!ok)
                abort();
}

static void check_message(const NotifyMessage *m, size_t size) {
        check(m->main_pid >= 0);
        check(m->errno_value >= -1 && m->errno_value <= 4095);
        check(m->watchdog == NOTIFY_WATCHDOG_UNSET || m->watchdog == NOTIFY_WATCHDOG_PING ||
              m->watchdog == NOTIFY_WATCHDOG_TRIGGER);
        check(m->has_watchdog_usec || m->watchdog_usec == 0);
        check(m->has_extend_timeout || m->extend_timeout_usec == 0);
        check(m->n_ignored <= size);
        if (m->status) {
                size_t n = strlen(m->status);
                check(n < size);
                check(!memchr(m->status, '\n', n));
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        NotifyMessage m, again;

        if (notify_message_parse((const char *) data, size, &m) < 0)
                return 0;
        check_message(&m, size);
        if (notify_message_parse((const char *) data, size, &again) >= 0) {
                check(m.ready == again.ready && m.stopping == again.stopping && m.reloading == again.reloading);
                check(m.watchdog == again.watchdog && m.main_pid == again.main_pid);
                check(m.errno_value == again.errno_value && m.n_ignored == again.n_ignored);
                check(!m.status == !again.status && (!m.status || strcmp(m.status, again.status) == 0));
                notify_message_done(&again);
        }
        notify_message_done(&m);
        return 0;
}
