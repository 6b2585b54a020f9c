/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsers for the value syntaxes unit files share with systemd: booleans, time spans, byte
 * sizes, file modes, nice levels, signals, exit statuses, resource limits, capability names,
 * environment names and unit names. Every parser is strict: the whole string must match,
 * leading and trailing garbage is -EINVAL (time spans alone allow surrounding whitespace),
 * out-of-range numbers are -ERANGE.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "macro.h"

typedef uint64_t usec_t;
#define USEC_INFINITY ((usec_t) UINT64_MAX)
#define USEC_PER_MSEC ((usec_t) 1000ULL)
#define USEC_PER_SEC ((usec_t) 1000000ULL)
#define USEC_PER_MINUTE (60ULL * USEC_PER_SEC)
#define USEC_PER_HOUR (60ULL * USEC_PER_MINUTE)
#define USEC_PER_DAY (24ULL * USEC_PER_HOUR)

/* The current time of CLOCK in microseconds. */
usec_t now_usec(clockid_t clock);

/* Returns 1 for yes/true/on/y/t/1, 0 for no/false/off/n/f/0 (case-insensitive), else -EINVAL. */
int parse_boolean(const char *v);

/* Unsigned decimal integers, no sign, no whitespace. */
int parse_uint64(const char *s, uint64_t *ret);
int parse_unsigned(const char *s, unsigned *ret);

/* A time span such as "5s", "1min 30s", "1.5h", "500ms" or "infinity" (USEC_INFINITY).
 * A bare number is taken in DEFAULT_UNIT microseconds (USEC_PER_SEC for most keys). */
int parse_time(const char *s, usec_t default_unit, usec_t *ret);
static inline int parse_sec(const char *s, usec_t *ret) {
        return parse_time(s, USEC_PER_SEC, ret);
}

/* Bytes with optional base-1024 suffix B, K, M, G, T, P, E (fractions allowed: "1.5G"), or
 * "infinity" which yields UINT64_MAX. */
int parse_size(const char *s, uint64_t *ret);

/* Octal file mode 0..07777 (or up to MAX when smaller, e.g. 0777 for UMask=). */
int parse_mode(const char *s, mode_t max, mode_t *ret);

/* Nice level -20..19. */
#define NICE_MIN (-20)
#define NICE_MAX 19
int parse_nice(const char *s, int *ret);

/* Signals: "SIGTERM", "TERM", "RTMIN+3" or a number 1..SIGNAL_MAX. */
#define SIGNAL_MAX 64
int signal_from_string(const char *s);
const char *signal_to_string(int sig);

/* Exit status 0..255 as a number, or one of the LSB (SUCCESS .. NOTRUNNING) and BSD
 * sysexits.h (USAGE .. CONFIG) names systemd.exec(5) lists. */
int parse_exit_status(const char *s, int *ret);

/* Resource limits. rlimit_from_string("NOFILE") == RLIMIT_NOFILE; the value syntax depends on
 * the resource (sizes for byte limits, time for CPU and RTTIME, plain numbers otherwise). */
int rlimit_from_string(const char *s);
const char *rlimit_to_string(int resource);
/* "VALUE" sets soft and hard, "SOFT:HARD" sets both separately; each may be "infinity". */
int rlimit_parse(int resource, const char *s, struct rlimit *ret);

/* Capability names ("CAP_NET_ADMIN" or "net_admin"), numbered as in linux/capability.h. */
#define CAPABILITY_LAST 40 /* CAP_CHECKPOINT_RESTORE */
#define CAPABILITY_MASK_ALL ((UINT64_C(1) << (CAPABILITY_LAST + 1)) - 1)
int capability_from_string(const char *s);
const char *capability_to_string(int cap);

/* Environment variable names: [A-Za-z_][A-Za-z0-9_]*, at most ENV_NAME_MAX bytes. */
#define ENV_NAME_MAX 256
bool env_name_is_valid(const char *s);
/* "NAME=VALUE" with a valid name; VALUE may be empty but must not contain control characters
 * other than tab. */
bool env_assignment_is_valid(const char *s);

/* User and group names as accepted for User=/Group=: a name of [a-zA-Z0-9_.-] not starting
 * with a digit or '-', at most 31 bytes, or a numeric id (not -1 or 65535 which mean "none"). */
bool user_group_name_is_valid(const char *s);

/* "foo.service", "foo@bar.target": [A-Za-z0-9:_.\\@-], a dot-separated suffix, at most
 * 255 bytes, with at most one '@' before the suffix. */
bool unit_reference_is_valid(const char *s);
/* The suffix after the last dot, e.g. ".service", or NULL. */
const char *unit_name_suffix(const char *s);

/* A relative path without "..", "." or empty components, not starting with '/'. */
bool path_is_safe_relative(const char *s);
/* An absolute path without "..", for values such as PIDFile= and file:PATH. */
bool path_is_absolute_normal(const char *s);
