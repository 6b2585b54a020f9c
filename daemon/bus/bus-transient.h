/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * StartTransient: a unit made from properties and a command line, as `syscagectl run`
 * sends them. See bus-manager.h for the signature and the options.
 */
#pragma once

#include <systemd/sd-bus.h>

#define BUS_TRANSIENT_KEY_MAX 64u   /* bytes of a property name */

int bus_method_start_transient(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* At start-up: registers the transient units taken over from a previous daemon, and sets the
 * name counter past every run-uN.service that has a unit or a log. */
void bus_transient_takeover(Bus *b);
