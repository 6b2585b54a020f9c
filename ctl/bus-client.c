/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Connecting to syscaged and the helpers every online verb uses. See bus-client.h.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bus-client.h"
#include "ctl-output.h"
#include "config.h"
#include "strv.h"
#include "unit-file.h"

const char *arg_socket = NULL;

const char *bus_client_socket_path(void) {
        const char *e;

        if (arg_socket)
                return arg_socket;
        e = getenv("SYSCAGE_SOCKET");
        if (!isempty(e))
                return e;
        return SYSCAGE_CONTROL_SOCKET;
}

/* D-Bus addresses escape everything but a few safe characters as %XX. */
static int bus_client_address(const char *path, char **ret) {
        static const char hex[] = "0123456789abcdef";
        size_t n = strlen(path);
        char *a = malloc(strlen("unix:path=") + 3 * n + 1), *p;

        if (!a)
                return -ENOMEM;
        p = stpcpy(a, "unix:path=");
        for (const char *s = path; *s; s++) {
                if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/.\\", *s))
                        *p++ = *s;
                else {
                        *p++ = '%';
                        *p++ = hex[(unsigned char) *s >> 4];
                        *p++ = hex[(unsigned char) *s & 15];
                }
        }
        *p = '\0';
        *ret = a;
        return 0;
}

static int bus_client_connect_full(sd_bus **ret, bool quiet);

int bus_client_connect(sd_bus **ret) {
        return bus_client_connect_full(ret, false);
}

int bus_client_connect_quiet(sd_bus **ret) {
        return bus_client_connect_full(ret, true);
}

static int bus_client_connect_full(sd_bus **ret, bool quiet) {
        _cleanup_(sd_bus_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *address = NULL;
        const char *path = bus_client_socket_path();
        int r;

        r = bus_client_address(path, &address);
        if (r >= 0)
                r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_negotiate_fds(bus, true);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                if (!quiet)
                        fprintf(stderr, "Failed to connect to syscaged at %s: %s (is the daemon running?)\n",
                                path, strerror(-r));
                return r;
        }
        *ret = TAKE_PTR(bus);
        return 0;
}

int bus_client_report(const char *verb, const char *unit, const sd_bus_error *error, int r) {
        const char *msg = error && error->message ? error->message : strerror(r < 0 ? -r : EIO);

        fprintf(stderr, "Failed to %s%s%s: %s\n", verb, unit ? " " : "", unit ? unit : "", msg);
        if (sd_bus_error_has_name(error, BUS_ERROR_NO_SUCH_UNIT))
                return CTL_EXIT_NO_SUCH_UNIT;
        if (sd_bus_error_has_name(error, BUS_ERROR_ACCESS_DENIED) ||
            sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED))
                return CTL_EXIT_ACCESS_DENIED;
        if (sd_bus_error_has_name(error, SD_BUS_ERROR_NO_REPLY) ||
            sd_bus_error_has_name(error, SD_BUS_ERROR_DISCONNECTED) || r == -ECONNRESET ||
            r == -ENOTCONN)
                return CTL_EXIT_NO_DAEMON;
        return CTL_EXIT_FAILURE;
}

int bus_client_unit_name(const char *arg, char **ret) {
        const char *dot = strrchr(arg, '.');
        char *name;

        if (isempty(arg) || strchr(arg, '/')) {
                fprintf(stderr, "Invalid unit name '%s'.\n", arg);
                return -EINVAL;
        }
        if (dot && streq(dot, ".service"))
                name = strdup(arg);
        else if (asprintf(&name, "%s.service", arg) < 0)
                name = NULL;
        if (!name)
                return -ENOMEM;
        if (strlen(name) > UNIT_NAME_MAX) {
                fprintf(stderr, "Unit name '%s' is longer than %u bytes.\n", arg, UNIT_NAME_MAX);
                free(name);
                return -ENAMETOOLONG;
        }
        *ret = name;
        return 0;
}

int bus_client_call_unit(sd_bus *bus, const char *method, const char *unit, sd_bus_error *error) {
        return sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, method, error, NULL, "s", unit);
}

/* ---- properties ---- */

void unit_properties_done(UnitProperties *p) {
        for (size_t i = 0; i < p->n; i++) {
                free(p->items[i].key);
                free(p->items[i].str);
                strv_free(p->items[i].strv);
        }
        free(p->items);
        *p = (UnitProperties) {};
}

static char *words_join(char **l) {
        size_t n = 1;
        char *s, *p;

        STRV_FOREACH(w, l)
                n += strlen(*w) + 1;
        p = s = malloc(n);
        if (!s)
                return NULL;
        *s = '\0';
        STRV_FOREACH(w, l)
                p = stpcpy(stpcpy(p, w == l ? "" : " "), *w);
        return s;
}

/* One entry of an Exec*= list, in systemctl show's words. */
static int exec_entry_format(const char *path, char **argv, int ignore, uint64_t start, uint64_t stop,
                             uint32_t pid, int32_t code, int32_t status, char **ret) {
        _cleanup_free_ char *args = words_join(argv);
        char t1[64], t2[64], num[16];
        const char *codes[] = { [CLD_EXITED] = "exited", [CLD_KILLED] = "killed", [CLD_DUMPED] = "dumped" };
        const char *sig = NULL;

        if (!args)
                return -ENOMEM;
        if (code != CLD_EXITED) {
                sig = status > 0 ? sigabbrev_np(status) : NULL;
                if (!sig) {
                        snprintf(num, sizeof num, "%" PRIi32, status);
                        sig = num;
                }
        }
        if (asprintf(ret, "{ path=%s ; argv[]=%s ; ignore_errors=%s ; start_time=[%s] ; stop_time=[%s] ; pid=%" PRIu32
                          " ; code=%s ; status=%" PRIi32 "%s%s }",
                     path, args, ignore ? "yes" : "no", format_timestamp(t1, sizeof t1, start),
                     format_timestamp(t2, sizeof t2, stop), pid,
                     code >= CLD_EXITED && code <= CLD_DUMPED ? codes[code] : "(null)", status,
                     code == CLD_EXITED ? "" : "/", sig ? sig : "") < 0)
                return -ENOMEM;
        return 0;
}

/* An Exec*= list (systemd's a(sasbttttuii)) as formatted lines, type 'x'. */
static int property_read_exec(sd_bus_message *m, UnitProperty *p) {
        int r;

        p->type = 'x';
        r = sd_bus_message_enter_container(m, 'v', "a(sasbttttuii)");
        if (r >= 0)
                r = sd_bus_message_enter_container(m, 'a', "(sasbttttuii)");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sasbttttuii")) > 0) {
                _cleanup_strv_free_ char **argv = NULL;
                const char *path;
                uint64_t start, start_mono, stop, stop_mono;
                uint32_t pid;
                int32_t code, status;
                int ignore;
                char *line = NULL;

                r = sd_bus_message_read(m, "s", &path);
                if (r >= 0)
                        r = sd_bus_message_read_strv(m, &argv);
                if (r >= 0)
                        r = sd_bus_message_read(m, "bttttuii", &ignore, &start, &start_mono, &stop, &stop_mono,
                                                &pid, &code, &status);
                if (r >= 0)
                        r = exec_entry_format(path, argv, ignore, start, stop, pid, code, status, &line);
                if (r >= 0)
                        r = strv_consume(&p->strv, line);
                if (r >= 0)
                        r = sd_bus_message_exit_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        if (r >= 0)
                r = sd_bus_message_exit_container(m);
        return r;
}

static int property_read_value(sd_bus_message *m, UnitProperty *p, const char *contents) {
        uint32_t u32;
        int32_t i32;
        int b, r;

        p->type = contents[0];
        switch (contents[0]) {
        case 's': {
                const char *s;
                r = sd_bus_message_read(m, "v", "s", &s);
                if (r >= 0 && !(p->str = strdup(s)))
                        r = -ENOMEM;
                return r;
        }
        case 'u':
                r = sd_bus_message_read(m, "v", "u", &u32);
                p->u = u32;
                return r;
        case 't':
                return sd_bus_message_read(m, "v", "t", &p->u);
        case 'i':
                r = sd_bus_message_read(m, "v", "i", &i32);
                p->i = i32;
                return r;
        case 'b':
                r = sd_bus_message_read(m, "v", "b", &b);
                p->u = b;
                return r;
        default:
                if (streq(contents, "as")) {
                        r = sd_bus_message_enter_container(m, 'v', "as");
                        if (r >= 0)
                                r = sd_bus_message_read_strv(m, &p->strv);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(m);
                        return r;
                }
                if (streq(contents, "a(sasbttttuii)"))
                        return property_read_exec(m, p);
                p->type = 0; /* a type this client does not know: skipped */
                return sd_bus_message_skip(m, "v");
        }
}

static int property_read(sd_bus_message *m, UnitProperties *ret) {
        const char *key, *contents;
        UnitProperty p = {};
        int r;

        r = sd_bus_message_read(m, "s", &key);
        if (r < 0)
                return r;
        r = sd_bus_message_peek_type(m, NULL, &contents);
        if (r < 0)
                return r;
        r = property_read_value(m, &p, contents);
        if (r >= 0 && p.type && !(p.key = strdup(key)))
                r = -ENOMEM;
        if (r < 0 || !p.type) {
                free(p.str);
                strv_free(p.strv);
                return r;
        }
        if (GREEDY_REALLOC(ret->items, ret->allocated, ret->n + 1) < 0) {
                free(p.key);
                free(p.str);
                strv_free(p.strv);
                return -ENOMEM;
        }
        ret->items[ret->n++] = p;
        return 0;
}

int bus_client_get_status(sd_bus *bus, const char *unit, UnitProperties *ret, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        UnitProperties props = {};
        int r;

        r = sd_bus_call_method(bus, NULL, BUS_PATH, BUS_INTERFACE, "GetUnitStatus", error, &reply, "s", unit);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
                r = property_read(reply, &props);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
        }
        if (r < 0) {
                unit_properties_done(&props);
                return sd_bus_error_set_errno(error, r);
        }
        *ret = props;
        return 0;
}

const UnitProperty *unit_properties_get(const UnitProperties *p, const char *key) {
        for (size_t i = 0; i < p->n; i++)
                if (streq(p->items[i].key, key))
                        return &p->items[i];
        return NULL;
}

const char *unit_properties_str(const UnitProperties *p, const char *key) {
        const UnitProperty *x = unit_properties_get(p, key);
        return x && x->type == 's' ? x->str : "";
}

uint64_t unit_properties_u(const UnitProperties *p, const char *key) {
        const UnitProperty *x = unit_properties_get(p, key);
        return x && strchr("utb", x->type) ? x->u : 0;
}

int64_t unit_properties_i(const UnitProperties *p, const char *key) {
        const UnitProperty *x = unit_properties_get(p, key);
        return x && x->type == 'i' ? x->i : 0;
}

char **unit_properties_strv(const UnitProperties *p, const char *key) {
        const UnitProperty *x = unit_properties_get(p, key);
        return x && x->type == 'a' ? x->strv : NULL;
}
