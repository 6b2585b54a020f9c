/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * StartTransient: reads and bounds the properties, the command line and the options (fds
 * are duplicated close-on-exec at once, so they outlive the message), checks the caller's
 * rights, names the unit when the client did not, and hands the result to the unit
 * module. A client that asked for StopOnDisconnect gets the unit stopped when it goes away
 * (bus.c).
 */
#include <fcntl.h>
#include <dirent.h>
#include <string.h>

#include "bus/bus-manager-ops.h"
#include "bus/bus-manager.h"
#include "bus/bus-transient.h"
#include "core/manager.h"
#include "core/unit.h"
#include "sys/log.h"
#include "strv.h"
#include "unit-file.h"

typedef struct TransientArgs {
        char *name;
        char **keys, **values, **argv;
        int fds[3];               /* stdin, stdout, stderr; -EBADF when not passed */
        bool stop_on_disconnect;
        bool collect;
        bool learn;
        size_t bytes;             /* of all strings so far, against BUS_CALL_BYTES_MAX */
} TransientArgs;

static void transient_args_done(TransientArgs *a) {
        free(a->name);
        strv_free(a->keys);
        strv_free(a->values);
        strv_free(a->argv);
        for (size_t i = 0; i < ELEMENTSOF(a->fds); i++)
                safe_close(a->fds[i]);
}

static int transient_count(TransientArgs *a, const char *s, size_t max, sd_bus_error *error) {
        size_t n = strlen(s);

        if (n > max)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                         "An argument is longer than %zu bytes.", max);
        a->bytes += n;
        if (a->bytes > BUS_CALL_BYTES_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                         "The arguments exceed %u bytes in all.", BUS_CALL_BYTES_MAX);
        return 0;
}

static bool transient_key_is_valid(const char *key) {
        if (isempty(key))
                return false;
        for (const char *p = key; *p; p++)
                if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", *p))
                        return false;
        return true;
}

static int transient_read_properties(sd_bus_message *m, TransientArgs *a, sd_bus_error *error) {
        const char *key, *value;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "(ss)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "(ss)", &key, &value)) > 0) {
                if (++n > BUS_CALL_LIST_MAX)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                                 "At most %u properties are allowed.", BUS_CALL_LIST_MAX);
                if (strlen(key) > BUS_TRANSIENT_KEY_MAX || !transient_key_is_valid(key))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "Invalid property name '%.*s'.", 64, key);
                r = transient_count(a, value, BUS_CALL_STRING_MAX, error);
                if (r < 0)
                        return r;
                if (strv_extend(&a->keys, key) < 0 || strv_extend(&a->values, value) < 0)
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int transient_read_argv(sd_bus_message *m, TransientArgs *a, sd_bus_error *error) {
        const char *arg;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "s");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "s", &arg)) > 0) {
                if (++n > BUS_CALL_LIST_MAX)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED,
                                                 "At most %u command line arguments are allowed.",
                                                 BUS_CALL_LIST_MAX);
                r = transient_count(a, arg, BUS_CALL_STRING_MAX, error);
                if (r < 0)
                        return r;
                if (strv_extend(&a->argv, arg) < 0)
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        if (n == 0 || isempty(a->argv[0]))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No command given.");
        return sd_bus_message_exit_container(m);
}

static const char *const transient_fd_options[] = { "StandardInput", "StandardOutput", "StandardError" };

static int transient_read_option(sd_bus_message *m, TransientArgs *a, const char *key,
                                 sd_bus_error *error) {
        int fd, b, r;

        for (size_t i = 0; i < ELEMENTSOF(transient_fd_options); i++) {
                if (!streq(key, transient_fd_options[i]))
                        continue;
                r = sd_bus_message_read(m, "v", "h", &fd);
                if (r < 0)
                        return r;
                safe_close(a->fds[i]);
                /* Above 2, so the fd can never be mistaken for our own stdio. */
                a->fds[i] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                return a->fds[i] < 0 ? -errno : 0;
        }
        if (!streq(key, "StopOnDisconnect") && !streq(key, "Collect") && !streq(key, "Learn"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unknown option '%.*s'.", 64, key);
        r = sd_bus_message_read(m, "v", "b", &b);
        if (r < 0)
                return r;
        if (streq(key, "Collect"))
                a->collect = b;
        else if (streq(key, "Learn"))
                a->learn = b;
        else
                a->stop_on_disconnect = b;
        return 0;
}

static int transient_read_options(sd_bus_message *m, TransientArgs *a, sd_bus_error *error) {
        const char *key;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                if (++n > BUS_CALL_LIST_MAX)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "Too many options.");
                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                r = transient_read_option(m, a, key, error);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

/* N of "run-uN.service" at the start of S (a unit or log file name), else 0. */
static unsigned transient_number(const char *s) {
        unsigned n = 0;
        int k = 0;
        if (sscanf(s, "run-u%u.service%n", &n, &k) != 1 || k == 0 || (s[k] != '\0' && s[k] != '.'))
                return 0;
        return n;
}

void bus_transient_takeover(Bus *b) {
        Manager *m = b->manager;
        size_t cursor = 0;
        Unit *u;

        /* Transient units a previous daemon ran, taken over: unloaded when they end. */
        while (hashmap_iterate(m->units, &cursor, NULL, (void **) &u))
                if (unit_is_transient(u)) {
                        (void) bus_transient_register(b, u->name, false, false);
                        b->transient_counter = MAX(b->transient_counter, transient_number(u->name));
                }
        /* Names go on after the last one whose log is kept, so that a new unit never shows
         * an old one's lines, also after a restart of the daemon. */
        char path[4096];
        snprintf(path, sizeof path, "%s/logs", m->state_dir);
        DIR *d = opendir(path);
        if (!d)
                return;
        struct dirent *de;
        while ((de = readdir(d)))
                b->transient_counter = MAX(b->transient_counter, transient_number(de->d_name));
        closedir(d);
}

/* "run-uN.service", the first N not taken. */
static int transient_pick_name(Bus *b, char **ret) {
        for (unsigned attempt = 0; attempt < 1000; attempt++) {
                _cleanup_free_ char *name = NULL;
                BusUnitBrief u;

                if (asprintf(&name, "run-u%u.service", ++b->transient_counter) < 0)
                        return -ENOMEM;
                if (bus_ops_unit_brief(b->manager, name, &u) == -ENOENT) {
                        *ret = TAKE_PTR(name);
                        return 0;
                }
        }
        return -EBUSY;
}

static int transient_read(sd_bus_message *m, TransientArgs *a, sd_bus_error *error) {
        const char *name = NULL;
        int r;

        r = sd_bus_message_read(m, "s", &name);
        if (r < 0)
                return r;
        if (!isempty(name) && !bus_unit_name_is_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid unit name '%.*s' (expected NAME.service).", 64, name);
        if (!isempty(name) && !(a->name = strdup(name)))
                return -ENOMEM;
        r = transient_read_properties(m, a, error);
        if (r < 0)
                return r;
        r = transient_read_argv(m, a, error);
        if (r < 0)
                return r;
        return transient_read_options(m, a, error);
}

static int transient_start(BusConnection *c, TransientArgs *a, sd_bus_error *error) {
        _cleanup_free_ char *msg = NULL;
        int r;

        BusTransientSpec spec = {
                .name = a->name,
                .property_keys = a->keys,
                .property_values = a->values,
                .argv = a->argv,
                .stdin_fd = a->fds[0],
                .stdout_fd = a->fds[1],
                .stderr_fd = a->fds[2],
                .collect = a->collect,
                .learn = a->learn,
        };
        r = bus_ops_start_transient(c->bus->manager, &spec, &msg);
        if (r < 0)
                return bus_ops_error(error, r, msg, a->name);
        bool bound = a->stop_on_disconnect && strv_extend(&c->bound_units, a->name) >= 0;
        if (a->stop_on_disconnect && !bound)
                log_warning("Out of memory: %s will not be stopped when its client goes away.", a->name);
        if (bus_transient_register(c->bus, a->name, a->collect, bound) < 0)
                log_warning("Out of memory: %s will not be unloaded when it ends.", a->name);
        log_info("Started transient unit %s for pid %d, uid %u.", a->name, (int) c->cred.pid, c->cred.uid);
        return 0;
}

int bus_method_start_transient(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        BusConnection *c = userdata;
        TransientArgs a = { .fds = { -EBADF, -EBADF, -EBADF } };
        int r;

        r = transient_read(m, &a, error);
        if (r >= 0)
                r = bus_check_write(c, m, error);
        if (r >= 0 && !a.name)
                r = transient_pick_name(c->bus, &a.name);
        if (r >= 0)
                r = transient_start(c, &a, error);
        if (r >= 0)
                r = sd_bus_reply_method_return(m, "s", a.name);
        transient_args_done(&a);
        return r;
}
