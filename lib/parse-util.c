/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Value parsers shared by the unit model: the same spellings systemd accepts, checked strictly.
 * The name tables (signals, capabilities, resource limits) are facts about Linux and are kept
 * here as data.
 */
#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "parse-util.h"

#define DIGITS "0123456789"
#define WHITESPACE " \t\n\r"

static const char *const boolean_true[] = { "1", "yes", "y", "true", "t", "on" };
static const char *const boolean_false[] = { "0", "no", "n", "false", "f", "off" };

int parse_boolean(const char *v) {
        if (!v)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(boolean_true); i++)
                if (strcasecmp(v, boolean_true[i]) == 0)
                        return 1;
        for (size_t i = 0; i < ELEMENTSOF(boolean_false); i++)
                if (strcasecmp(v, boolean_false[i]) == 0)
                        return 0;
        return -EINVAL;
}

/* Reads the digits at *p into *ret, advancing *p. -EINVAL without digits, -ERANGE on overflow. */
static int read_digits(const char **p, uint64_t *ret) {
        uint64_t v = 0;
        const char *s = *p;

        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        for (; isdigit((unsigned char) *s); s++) {
                unsigned d = (unsigned) (*s - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *p = s;
        *ret = v;
        return 0;
}

int parse_uint64(const char *s, uint64_t *ret) {
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        r = read_digits(&s, &v);
        if (r < 0)
                return r;
        if (*s != '\0')
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_unsigned(const char *s, unsigned *ret) {
        uint64_t v;
        int r = parse_uint64(s, &v);

        if (r < 0)
                return r;
        if (v > UINT_MAX)
                return -ERANGE;
        *ret = (unsigned) v;
        return 0;
}

/* A number with an optional fraction, scaled by UNIT: "1.5" with unit 1000 is 1500. The
 * fraction is truncated below one unit of the result. */
static int read_scaled(const char **p, uint64_t unit, uint64_t *ret) {
        const char *s = *p;
        uint64_t whole, v, frac = 0, div = 1;
        int r;

        r = read_digits(&s, &whole);
        if (r < 0)
                return r;
        if (whole > UINT64_MAX / unit)
                return -ERANGE;
        v = whole * unit;
        if (*s == '.') {
                s++;
                if (!isdigit((unsigned char) *s))
                        return -EINVAL;
                for (; isdigit((unsigned char) *s); s++) {
                        if (div < UINT64_C(1000000000000000000)) {
                                div *= 10;
                                frac = frac * 10 + (uint64_t) (*s - '0');
                        }
                }
                /* frac / div < 1, so frac * (unit / div) stays below unit. */
                uint64_t add = (unit / div) * frac + ((unit % div) * frac) / div;
                if (v > UINT64_MAX - add)
                        return -ERANGE;
                v += add;
        }
        *p = s;
        *ret = v;
        return 0;
}

#define USEC_PER_WEEK (7ULL * USEC_PER_DAY)
#define USEC_PER_MONTH (2629800ULL * USEC_PER_SEC) /* 30.44 days, as systemd */
#define USEC_PER_YEAR (31557600ULL * USEC_PER_SEC) /* 365.25 days */

static const struct {
        const char *suffix;
        usec_t usec;
} time_units[] = {
        { "seconds", USEC_PER_SEC },   { "second", USEC_PER_SEC },  { "sec", USEC_PER_SEC },
        { "s", USEC_PER_SEC },         { "minutes", USEC_PER_MINUTE }, { "minute", USEC_PER_MINUTE },
        { "min", USEC_PER_MINUTE },    { "m", USEC_PER_MINUTE },    { "msec", USEC_PER_MSEC },
        { "ms", USEC_PER_MSEC },       { "usec", 1 },               { "us", 1 },
        { "\xc2\xb5s", 1 },            { "\xce\xbcs", 1 },          { "hours", USEC_PER_HOUR },
        { "hour", USEC_PER_HOUR },     { "hr", USEC_PER_HOUR },     { "h", USEC_PER_HOUR },
        { "days", USEC_PER_DAY },      { "day", USEC_PER_DAY },     { "d", USEC_PER_DAY },
        { "weeks", USEC_PER_WEEK },    { "week", USEC_PER_WEEK },   { "w", USEC_PER_WEEK },
        { "months", USEC_PER_MONTH },  { "month", USEC_PER_MONTH }, { "M", USEC_PER_MONTH },
        { "years", USEC_PER_YEAR },    { "year", USEC_PER_YEAR },   { "y", USEC_PER_YEAR },
};

/* The unit word at P (length N); an empty word means DEFAULT_UNIT. Returns 0 when unknown. */
static usec_t time_unit_lookup(const char *p, size_t n, usec_t default_unit) {
        if (n == 0)
                return default_unit;
        for (size_t i = 0; i < ELEMENTSOF(time_units); i++)
                if (strlen(time_units[i].suffix) == n && strneq(p, time_units[i].suffix, n))
                        return time_units[i].usec;
        return 0;
}

int parse_time(const char *s, usec_t default_unit, usec_t *ret) {
        usec_t total = 0;
        bool any = false;
        int r;

        if (!s || default_unit == 0)
                return -EINVAL;
        s += strspn(s, WHITESPACE);
        if (strneq(s, "infinity", 8) && s[8 + strspn(s + 8, WHITESPACE)] == '\0') {
                *ret = USEC_INFINITY;
                return 0;
        }
        for (;;) {
                uint64_t v;
                usec_t unit;
                size_t n;
                const char *num;

                s += strspn(s, WHITESPACE);
                if (*s == '\0')
                        break;
                num = s;
                if (read_scaled(&s, 1, &v) < 0) /* syntax check only */
                        return -EINVAL;
                s += strspn(s, WHITESPACE);
                n = strcspn(s, DIGITS "." WHITESPACE);
                unit = time_unit_lookup(s, n, default_unit);
                if (unit == 0)
                        return -EINVAL;
                s += n;
                r = read_scaled(&num, unit, &v);
                if (r < 0)
                        return r;
                if (total > UINT64_MAX - 1 - v)
                        return -ERANGE;
                total += v;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = total;
        return 0;
}

static const struct {
        char suffix;
        uint64_t factor;
} size_units[] = {
        { 'B', 1 },
        { 'K', UINT64_C(1) << 10 },
        { 'M', UINT64_C(1) << 20 },
        { 'G', UINT64_C(1) << 30 },
        { 'T', UINT64_C(1) << 40 },
        { 'P', UINT64_C(1) << 50 },
        { 'E', UINT64_C(1) << 60 },
};

int parse_size(const char *s, uint64_t *ret) {
        uint64_t factor = 1, v;
        const char *num;
        int r;

        if (!s)
                return -EINVAL;
        if (streq(s, "infinity")) {
                *ret = UINT64_MAX;
                return 0;
        }
        num = s;
        if (read_scaled(&s, 1, &v) < 0)
                return -EINVAL;
        if (*s != '\0') {
                size_t i;
                for (i = 0; i < ELEMENTSOF(size_units); i++)
                        if (*s == size_units[i].suffix)
                                break;
                if (i >= ELEMENTSOF(size_units) || s[1] != '\0')
                        return -EINVAL;
                factor = size_units[i].factor;
        }
        r = read_scaled(&num, factor, &v);
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

int parse_mode(const char *s, mode_t max, mode_t *ret) {
        unsigned long v = 0;

        if (isempty(s) || strlen(s) > 5)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '7')
                        return -EINVAL;
                v = v * 8 + (unsigned long) (*p - '0');
        }
        if (v > max || v > 07777)
                return -ERANGE;
        *ret = (mode_t) v;
        return 0;
}

int parse_nice(const char *s, int *ret) {
        bool neg = false;
        uint64_t v;
        int r;

        if (!s)
                return -EINVAL;
        if (*s == '-' || *s == '+') {
                neg = *s == '-';
                s++;
        }
        r = parse_uint64(s, &v);
        if (r < 0)
                return r;
        if ((neg && v > (uint64_t) -NICE_MIN) || (!neg && v > NICE_MAX))
                return -ERANGE;
        *ret = neg ? -(int) v : (int) v;
        return 0;
}

static const char *const signal_table[] = {
        [SIGHUP] = "HUP",       [SIGINT] = "INT",       [SIGQUIT] = "QUIT",
        [SIGILL] = "ILL",       [SIGTRAP] = "TRAP",     [SIGABRT] = "ABRT",
        [SIGBUS] = "BUS",       [SIGFPE] = "FPE",       [SIGKILL] = "KILL",
        [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV",     [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE",     [SIGALRM] = "ALRM",     [SIGTERM] = "TERM",
        [SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD",     [SIGCONT] = "CONT",
        [SIGSTOP] = "STOP",     [SIGTSTP] = "TSTP",     [SIGTTIN] = "TTIN",
        [SIGTTOU] = "TTOU",     [SIGURG] = "URG",       [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ",     [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",
        [SIGWINCH] = "WINCH",   [SIGIO] = "IO",         [SIGPWR] = "PWR",
        [SIGSYS] = "SYS",
};

const char *signal_to_string(int sig) {
        if (sig <= 0 || (size_t) sig >= ELEMENTSOF(signal_table))
                return NULL;
        return signal_table[sig];
}

/* "RTMIN+N" and "RTMAX-N", N counted from the realtime range glibc leaves to applications. */
static int signal_rt_from_string(const char *s) {
        unsigned n = 0;
        int base, sign;

        if (strneq(s, "RTMIN", 5))
                base = SIGRTMIN, sign = 1;
        else if (strneq(s, "RTMAX", 5))
                base = SIGRTMAX, sign = -1;
        else
                return -EINVAL;
        s += 5;
        if (*s != '\0') {
                if (*s != (sign > 0 ? '+' : '-') || parse_unsigned(s + 1, &n) < 0)
                        return -EINVAL;
        }
        if (n > (unsigned) (SIGRTMAX - SIGRTMIN))
                return -ERANGE;
        return base + sign * (int) n;
}

int signal_from_string(const char *s) {
        unsigned n;

        if (isempty(s))
                return -EINVAL;
        if (parse_unsigned(s, &n) >= 0)
                return n >= 1 && n <= SIGNAL_MAX ? (int) n : -ERANGE;
        if (strneq(s, "SIG", 3))
                s += 3;
        for (size_t i = 1; i < ELEMENTSOF(signal_table); i++)
                if (signal_table[i] && streq(s, signal_table[i]))
                        return (int) i;
        return signal_rt_from_string(s);
}

/* The exit status names systemd.exec(5) lists that are not systemd's own: the LSB ones
 * (0-7) and those of BSD's sysexits.h (64-78). */
static const struct {
        const char *name;
        int status;
} exit_status_names[] = {
        { "SUCCESS", 0 },       { "FAILURE", 1 },       { "INVALIDARGUMENT", 2 },
        { "NOTIMPLEMENTED", 3 }, { "NOPERMISSION", 4 },  { "NOTINSTALLED", 5 },
        { "NOTCONFIGURED", 6 }, { "NOTRUNNING", 7 },    { "USAGE", 64 },
        { "DATAERR", 65 },      { "NOINPUT", 66 },      { "NOUSER", 67 },
        { "NOHOST", 68 },       { "UNAVAILABLE", 69 },  { "SOFTWARE", 70 },
        { "OSERR", 71 },        { "OSFILE", 72 },       { "CANTCREAT", 73 },
        { "IOERR", 74 },        { "TEMPFAIL", 75 },     { "PROTOCOL", 76 },
        { "NOPERM", 77 },       { "CONFIG", 78 },
};

int parse_exit_status(const char *s, int *ret) {
        unsigned v;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(exit_status_names); i++)
                if (streq(s, exit_status_names[i].name)) {
                        *ret = exit_status_names[i].status;
                        return 0;
                }
        r = parse_unsigned(s, &v);
        if (r < 0)
                return r;
        if (v > 255)
                return -ERANGE;
        *ret = (int) v;
        return 0;
}

typedef enum RlimitValueKind {
        RLIMIT_KIND_NUMBER,
        RLIMIT_KIND_SIZE,
        RLIMIT_KIND_SECONDS,   /* time span, stored rounded up to seconds (CPU) */
        RLIMIT_KIND_USEC,      /* time span, bare numbers are microseconds (RTTIME) */
        RLIMIT_KIND_NICE,      /* 0..40, or a signed nice level "+N"/"-N" */
} RlimitValueKind;

static const struct {
        const char *name;
        RlimitValueKind kind;
} rlimit_table[RLIM_NLIMITS] = {
        [RLIMIT_CPU] = { "CPU", RLIMIT_KIND_SECONDS },
        [RLIMIT_FSIZE] = { "FSIZE", RLIMIT_KIND_SIZE },
        [RLIMIT_DATA] = { "DATA", RLIMIT_KIND_SIZE },
        [RLIMIT_STACK] = { "STACK", RLIMIT_KIND_SIZE },
        [RLIMIT_CORE] = { "CORE", RLIMIT_KIND_SIZE },
        [RLIMIT_RSS] = { "RSS", RLIMIT_KIND_SIZE },
        [RLIMIT_NPROC] = { "NPROC", RLIMIT_KIND_NUMBER },
        [RLIMIT_NOFILE] = { "NOFILE", RLIMIT_KIND_NUMBER },
        [RLIMIT_MEMLOCK] = { "MEMLOCK", RLIMIT_KIND_SIZE },
        [RLIMIT_AS] = { "AS", RLIMIT_KIND_SIZE },
        [RLIMIT_LOCKS] = { "LOCKS", RLIMIT_KIND_NUMBER },
        [RLIMIT_SIGPENDING] = { "SIGPENDING", RLIMIT_KIND_NUMBER },
        [RLIMIT_MSGQUEUE] = { "MSGQUEUE", RLIMIT_KIND_SIZE },
        [RLIMIT_NICE] = { "NICE", RLIMIT_KIND_NICE },
        [RLIMIT_RTPRIO] = { "RTPRIO", RLIMIT_KIND_NUMBER },
        [RLIMIT_RTTIME] = { "RTTIME", RLIMIT_KIND_USEC },
};

int rlimit_from_string(const char *s) {
        for (int i = 0; i < RLIM_NLIMITS; i++)
                if (rlimit_table[i].name && s && streq(s, rlimit_table[i].name))
                        return i;
        return -EINVAL;
}

const char *rlimit_to_string(int resource) {
        return resource >= 0 && resource < RLIM_NLIMITS ? rlimit_table[resource].name : NULL;
}

static int rlimit_parse_nice(const char *s, rlim_t *ret) {
        uint64_t v;
        int nice, r;

        if (*s == '+' || *s == '-') {
                r = parse_nice(s, &nice);
                if (r < 0)
                        return r;
                *ret = (rlim_t) (20 - nice);
                return 0;
        }
        r = parse_uint64(s, &v);
        if (r < 0)
                return r;
        if (v > 40)
                return -ERANGE;
        *ret = v;
        return 0;
}

static int rlimit_parse_one(RlimitValueKind kind, const char *s, rlim_t *ret) {
        uint64_t v;
        int r;

        if (streq(s, "infinity")) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        switch (kind) {
        case RLIMIT_KIND_SIZE:
                r = parse_size(s, &v);
                break;
        case RLIMIT_KIND_SECONDS:
                r = parse_sec(s, &v);
                if (r >= 0)
                        v = v / USEC_PER_SEC + (v % USEC_PER_SEC != 0);
                break;
        case RLIMIT_KIND_USEC:
                r = parse_time(s, 1, &v);
                break;
        case RLIMIT_KIND_NICE:
                return rlimit_parse_nice(s, ret);
        default:
                r = parse_uint64(s, &v);
        }
        if (r < 0)
                return r;
        if (v == RLIM_INFINITY)
                return -ERANGE;
        *ret = v;
        return 0;
}

int rlimit_parse(int resource, const char *s, struct rlimit *ret) {
        _cleanup_free_ char *soft = NULL;
        const char *colon, *hard;
        struct rlimit rl;
        int r;

        if (resource < 0 || resource >= RLIM_NLIMITS || !s)
                return -EINVAL;
        colon = strchr(s, ':');
        soft = colon ? strndup(s, (size_t) (colon - s)) : strdup(s);
        if (!soft)
                return -ENOMEM;
        hard = colon ? colon + 1 : s;
        r = rlimit_parse_one(rlimit_table[resource].kind, soft, &rl.rlim_cur);
        if (r < 0)
                return r;
        r = rlimit_parse_one(rlimit_table[resource].kind, hard, &rl.rlim_max);
        if (r < 0)
                return r;
        if (rl.rlim_cur > rl.rlim_max)
                return -EILSEQ; /* soft above hard */
        *ret = rl;
        return 0;
}

static const char *const capability_table[CAPABILITY_LAST + 1] = {
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
        "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
        "net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
        "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
        "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
        "audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
        "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};
assert_cc(ELEMENTSOF(capability_table) == CAPABILITY_LAST + 1);

int capability_from_string(const char *s) {
        if (!s)
                return -EINVAL;
        if (strncasecmp(s, "cap_", 4) == 0)
                s += 4;
        for (int i = 0; i <= CAPABILITY_LAST; i++)
                if (strcasecmp(s, capability_table[i]) == 0)
                        return i;
        return -EINVAL;
}

/* Upper-case "CAP_..." names, as systemd prints them. */
static const char *const capability_names[CAPABILITY_LAST + 1] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};
assert_cc(ELEMENTSOF(capability_names) == CAPABILITY_LAST + 1);

const char *capability_to_string(int cap) {
        return cap >= 0 && cap <= CAPABILITY_LAST ? capability_names[cap] : NULL;
}

bool env_name_is_valid(const char *s) {
        size_t n;

        if (isempty(s) || isdigit((unsigned char) s[0]))
                return false;
        n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
        return s[n] == '\0' && n <= ENV_NAME_MAX;
}

bool env_assignment_is_valid(const char *s) {
        const char *eq = s ? strchr(s, '=') : NULL;
        char name[ENV_NAME_MAX + 1];

        if (!eq || (size_t) (eq - s) > ENV_NAME_MAX)
                return false;
        memcpy(name, s, (size_t) (eq - s));
        name[eq - s] = '\0';
        if (!env_name_is_valid(name))
                return false;
        for (const unsigned char *p = (const unsigned char *) eq + 1; *p; p++)
                if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
                        return false;
        return true;
}

bool user_group_name_is_valid(const char *s) {
        uint64_t id;
        size_t n;

        if (isempty(s))
                return false;
        if (parse_uint64(s, &id) >= 0)
                return id < UINT32_MAX && id != 65535;
        if (isdigit((unsigned char) s[0]) || s[0] == '-' || strlen(s) > 31)
                return false;
        n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");
        return s[n] == '\0';
}

static const char *const unit_suffixes[] = {
        ".service", ".socket", ".target", ".device", ".mount", ".automount",
        ".swap", ".timer", ".path", ".slice", ".scope",
};

const char *unit_name_suffix(const char *s) {
        return s ? strrchr(s, '.') : NULL;
}

bool unit_reference_is_valid(const char *s) {
        const char *suffix = unit_name_suffix(s), *at;
        size_t n;
        bool known = false;

        if (!suffix || suffix == s || strlen(s) > 255)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(unit_suffixes); i++)
                known = known || streq(suffix, unit_suffixes[i]);
        if (!known)
                return false;
        n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:-_.\\@");
        if (s[n] != '\0' || s[0] == '@')
                return false;
        at = strchr(s, '@');
        return !at || !strchr(at + 1, '@');
}

/* Checks every '/'-separated component of S: none empty (unless ALLOW_EMPTY), none "." or "..". */
static bool path_components_ok(const char *s, bool allow_empty) {
        while (*s) {
                size_t n = strcspn(s, "/");
                if ((n == 0 && !allow_empty) || (n == 1 && s[0] == '.') ||
                    (n == 2 && strneq(s, "..", 2)))
                        return false;
                s += n;
                if (*s == '/')
                        s++;
        }
        return true;
}

bool path_is_safe_relative(const char *s) {
        if (isempty(s) || s[0] == '/' || strlen(s) >= PATH_MAX || s[strlen(s) - 1] == '/')
                return false;
        return path_components_ok(s, false);
}

bool path_is_absolute_normal(const char *s) {
        if (!s || s[0] != '/' || strlen(s) >= PATH_MAX)
                return false;
        return path_components_ok(s + 1, true);
}

usec_t now_usec(clockid_t clock) {
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}
