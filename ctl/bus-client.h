/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl's side of the control plane: connecting to syscaged, calling the manager
 * object, turning errors into messages and exit codes, and reading a unit's properties.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "bus-api.h"
#include "macro.h"

/* syscagectl's exit codes (an interface: documented in main.c and the README). */
enum {
        CTL_EXIT_SUCCESS = 0,
        CTL_EXIT_FAILURE = 1,        /* the operation failed */
        CTL_EXIT_NOT_ACTIVE = 3,     /* is-active, status: a unit is not active */
        CTL_EXIT_NOT_IMPLEMENTED = 3, /* reload, ...: not applicable to the unit (as systemctl) */
        CTL_EXIT_NO_SUCH_UNIT = 4,   /* the daemon knows no such unit */
        CTL_EXIT_ACCESS_DENIED = 5,  /* the caller may not change state */
        CTL_EXIT_NOT_INSTALLED = 5,  /* start, stop, ...: no such unit (as systemctl) */
        CTL_EXIT_NO_DAEMON = 6,      /* no daemon answers on the socket */
        CTL_EXIT_USAGE = 100,        /* bad command line */
};

/* --socket, else $SYSCAGE_SOCKET, else SYSCAGE_CONTROL_SOCKET. */
extern const char *arg_socket;
const char *bus_client_socket_path(void);

/* Connects (peer to peer) and returns the bus. On failure prints "Failed to connect to
 * syscaged at PATH: ... (is the daemon running?)" and returns -errno. */
int bus_client_connect(sd_bus **ret);
/* The same, without the message on failure (for retries). */
int bus_client_connect_quiet(sd_bus **ret);

/* Prints "Failed to VERB UNIT: message" for a failed call and returns the exit code that
 * goes with the error. unit may be NULL. */
int bus_client_report(const char *verb, const char *unit, const sd_bus_error *error, int r);

/* "foo" -> "foo.service"; rejects names with '/' and names too long. Prints the error. */
int bus_client_unit_name(const char *arg, char **ret);

/* A property from GetUnitStatus. type is the D-Bus type character; arrays of strings are
 * 'a' with strv set. */
typedef struct UnitProperty {
        char *key;
        char type;
        char *str;          /* 's' */
        uint64_t u;         /* 'u', 't', 'b' */
        int64_t i;          /* 'i' */
        char **strv;        /* 'a' (as); 'x': an Exec*= list, one formatted line per command */
} UnitProperty;

typedef struct UnitProperties {
        UnitProperty *items;
        size_t n, allocated;
} UnitProperties;

void unit_properties_done(UnitProperties *p);
/* Calls GetUnitStatus. Returns 0, or -errno with error set. */
int bus_client_get_status(sd_bus *bus, const char *unit, UnitProperties *ret, sd_bus_error *error);
const UnitProperty *unit_properties_get(const UnitProperties *p, const char *key);
/* The string, or "" when absent or not a string. */
const char *unit_properties_str(const UnitProperties *p, const char *key);
uint64_t unit_properties_u(const UnitProperties *p, const char *key);
int64_t unit_properties_i(const UnitProperties *p, const char *key);
char **unit_properties_strv(const UnitProperties *p, const char *key);

/* Calls METHOD on the manager object with one string argument and no reply body. */
int bus_client_call_unit(sd_bus *bus, const char *method, const char *unit, sd_bus_error *error);
