/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Durable state files (format in state-file.h). The parser accepts exactly what the writer
 * produces: one spelling per set of entries (escapes only where the writer puts them,
 * lower-case hex), so format(parse(file)) gives the file back byte for byte. The checksum is
 * checked before any entry is looked at, so a damaged file yields nothing.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "parse-util.h"
#include "siphash.h"
#include "state-file.h"

#define STATE_HEADER "syscage-state "
#define STATE_END "end "
#define STATE_CHECKSUM_DIGITS 16u
#define STATE_TMP_TRIES 16u

static const char hexdigits[] = "0123456789abcdef";

void state_file_done(StateFile *s) {
        for (size_t i = 0; i < s->n; i++) {
                free(s->entries[i].key);
                free(s->entries[i].value);
        }
        free(s->entries);
        *s = (StateFile) {};
}

static uint64_t fnv1a64(const char *p, size_t n);

/* The end line's value: SipHash-2-4 under KEY (a file only the key's holders can make), or
 * without a key FNV-1a (a check against damage only). */
static uint64_t checksum(const StateKey *key, const char *p, size_t n) {
        return key ? siphash24(key->bytes, p, n) : fnv1a64(p, n);
}

static uint64_t fnv1a64(const char *p, size_t n) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);
        for (size_t i = 0; i < n; i++) {
                h ^= (uint8_t) p[i];
                h *= UINT64_C(0x100000001b3);
        }
        return h;
}

static bool key_is_valid(const char *k, size_t n) {
        if (n < 1 || n > STATE_KEY_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
                      k[i] == '_' || k[i] == '.' || k[i] == '-'))
                        return false;
        return true;
}

/* Bytes written as \xHH: control characters other than '\n' (which is \n), and DEL. */
static bool byte_needs_hex(uint8_t c) {
        return (c < 0x20 && c != '\n') || c == 0x7f;
}

/* Appends key[0..key_len) with VALUE, which it takes over (and frees on failure). */
static int append(StateFile *s, const char *key, size_t key_len, char *value) {
        _cleanup_free_ char *v = value;
        char *k;

        if (s->n >= STATE_ENTRIES_MAX)
                return -E2BIG;
        if (!v || GREEDY_REALLOC(s->entries, s->allocated, s->n + 1) < 0 ||
            !(k = strndup(key, key_len)))
                return -ENOMEM;
        s->entries[s->n++] = (StateEntry) { .key = k, .value = TAKE_PTR(v) };
        return 0;
}

int state_file_add(StateFile *s, const char *key, const char *value) {
        if (!key || !value || !key_is_valid(key, strlen(key)) || strlen(value) > STATE_VALUE_MAX)
                return -EINVAL;
        return append(s, key, strlen(key), strdup(value));
}

int state_file_addf(StateFile *s, const char *key, const char *fmt, ...) {
        _cleanup_free_ char *v = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&v, fmt, ap);
        va_end(ap);
        if (r < 0) {
                v = NULL;
                return -ENOMEM;
        }
        return state_file_add(s, key, v);
}

int state_file_add_u64(StateFile *s, const char *key, uint64_t v) {
        return state_file_addf(s, key, "%" PRIu64, v);
}

int state_file_add_i64(StateFile *s, const char *key, int64_t v) {
        return state_file_addf(s, key, "%" PRIi64, v);
}

int state_file_add_bool(StateFile *s, const char *key, bool v) {
        return state_file_add(s, key, v ? "yes" : "no");
}

const char *state_file_get(const StateFile *s, const char *key) {
        for (size_t i = 0; i < s->n; i++)
                if (streq(s->entries[i].key, key))
                        return s->entries[i].value;
        return NULL;
}

int state_file_get_u64(const StateFile *s, const char *key, uint64_t *ret) {
        const char *v = state_file_get(s, key);
        uint64_t u;

        if (!v)
                return -ENOENT;
        if (parse_uint64(v, &u) < 0)
                return -EINVAL;
        *ret = u;
        return 0;
}

int state_file_get_i64(const StateFile *s, const char *key, int64_t *ret) {
        const char *v = state_file_get(s, key);
        bool neg;
        uint64_t u;

        if (!v)
                return -ENOENT;
        neg = v[0] == '-';
        if (parse_uint64(v + neg, &u) < 0)
                return -EINVAL;
        if (u > (uint64_t) INT64_MAX + neg)
                return -EINVAL;
        /* -(INT64_MIN) does not exist as int64_t: negate in unsigned arithmetic. */
        *ret = neg ? (int64_t) (0 - u) : (int64_t) u;
        return 0;
}

int state_file_get_bool(const StateFile *s, const char *key, bool *ret) {
        const char *v = state_file_get(s, key);
        int r;

        if (!v)
                return -ENOENT;
        r = parse_boolean(v);
        if (r < 0)
                return -EINVAL;
        *ret = r;
        return 0;
}

/* Writes V escaped to O unless O is NULL; returns the escaped length either way. */
static size_t escape(char *o, const char *v) {
        size_t n = 0;

        for (const uint8_t *p = (const uint8_t *) v; *p; p++) {
                char e[4] = { '\\', *p == '\n' ? 'n' : (char) *p };
                size_t k = 2;

                if (byte_needs_hex(*p)) {
                        e[1] = 'x', e[2] = hexdigits[*p >> 4], e[3] = hexdigits[*p & 15];
                        k = 4;
                } else if (*p != '\\' && *p != '\n')
                        e[0] = (char) *p, k = 1;
                if (o)
                        memcpy(o + n, e, k);
                n += k;
        }
        return n;
}

int state_file_format(const StateFile *s, char **ret, size_t *ret_size) {
        return state_file_format_keyed(s, NULL, ret, ret_size);
}

int state_file_format_keyed(const StateFile *s, const StateKey *key, char **ret, size_t *ret_size) {
        char head[32], *buf, *o;
        size_t size;
        int hn = snprintf(head, sizeof head, STATE_HEADER "%u\n", STATE_FILE_VERSION);

        /* Header, entries, and "end " + digits + "\n". Each entry is bounded by the limits
         * checked when it was added, so the sum cannot overflow. */
        size = (size_t) hn + strlen(STATE_END) + STATE_CHECKSUM_DIGITS + 1;
        for (size_t i = 0; i < s->n; i++)
                size += strlen(s->entries[i].key) + 1 + escape(NULL, s->entries[i].value) + 1;
        if (size > STATE_FILE_MAX)
                return -E2BIG;
        buf = malloc(size + 1);
        if (!buf)
                return -ENOMEM;
        o = mempcpy(buf, head, (size_t) hn);
        for (size_t i = 0; i < s->n; i++) {
                o = stpcpy(o, s->entries[i].key);
                *o++ = '=';
                o += escape(o, s->entries[i].value);
                *o++ = '\n';
        }
        snprintf(o, size + 1 - (size_t) (o - buf), STATE_END "%016" PRIx64 "\n",
                 checksum(key, buf, (size_t) (o - buf)));
        *ret = buf;
        *ret_size = size;
        return 0;
}

_printf_(4, 5)
static int fail(char *reason, unsigned line, int r, const char *fmt, ...) {
        va_list ap;
        int n = 0;

        if (!reason)
                return r;
        if (line > 0)
                n = snprintf(reason, STATE_REASON_MAX, "line %u: ", line);
        va_start(ap, fmt);
        vsnprintf(reason + n, STATE_REASON_MAX - (size_t) n, fmt, ap);
        va_end(ap);
        return r;
}

/* A lower-case hex digit's value, else -1: only the writer's spelling is accepted. */
static int lower_hex(char c) {
        const char *d = c ? strchr(hexdigits, c) : NULL;
        return d ? (int) (d - hexdigits) : -1;
}

/* Decodes the escaped value p[0..n) into a new string; on -EBADMSG, *ret_why says why. */
static int unescape(const char *p, size_t n, char **ret, const char **ret_why) {
        _cleanup_free_ char *v = malloc(n + 1);
        char *o = v;

        if (!v)
                return -ENOMEM;
        *ret_why = "bad escape";
        for (size_t i = 0; i < n; i++) {
                uint8_t c = (uint8_t) p[i];
                int hi, lo;

                if (byte_needs_hex(c)) {
                        *ret_why = "control byte not escaped";
                        return -EBADMSG;
                }
                if (c != '\\') {
                        *o++ = (char) c;
                        continue;
                }
                if (i + 1 < n && (p[i + 1] == '\\' || p[i + 1] == 'n')) {
                        *o++ = p[++i] == 'n' ? '\n' : '\\';
                        continue;
                }
                if (i + 3 >= n || p[i + 1] != 'x')
                        return -EBADMSG;
                /* Again only the writer's spelling: \xHH for a byte that needs it, never NUL. */
                hi = lower_hex(p[i + 2]);
                lo = lower_hex(p[i + 3]);
                if (hi < 0 || lo < 0 || (hi << 4 | lo) == 0 || !byte_needs_hex((uint8_t) (hi << 4 | lo)))
                        return -EBADMSG;
                *o++ = (char) (hi << 4 | lo);
                i += 3;
        }
        if ((size_t) (o - v) > STATE_VALUE_MAX) {
                *ret_why = "value too long";
                return -EBADMSG;
        }
        *o = '\0';
        *ret = TAKE_PTR(v);
        return 0;
}

static int parse_entry(StateFile *s, const char *p, size_t n, unsigned line, char *reason) {
        const char *eq = memchr(p, '=', n), *why;
        char *v;
        int r;

        if (n >= strlen(STATE_END) && strneq(p, STATE_END, strlen(STATE_END)))
                return fail(reason, line, -EBADMSG, "end line before the end of the file");
        if (!eq)
                return fail(reason, line, -EBADMSG, "bad line");
        if (!key_is_valid(p, (size_t) (eq - p)))
                return fail(reason, line, -EBADMSG, "bad key");
        if (s->n >= STATE_ENTRIES_MAX)
                return fail(reason, line, -EBADMSG, "too many entries (at most %u)",
                            STATE_ENTRIES_MAX);
        r = unescape(eq + 1, n - (size_t) (eq - p) - 1, &v, &why);
        if (r < 0)
                return r == -EBADMSG ? fail(reason, line, r, "%s", why) : r;
        return append(s, p, (size_t) (eq - p), v);
}

/* The header line p[0..n): -EPROTONOSUPPORT for another version, -EBADMSG if not one. */
static int check_header(const char *p, size_t n, char *reason) {
        size_t h = strlen(STATE_HEADER), d;
        char want[16];

        if (n <= h || !strneq(p, STATE_HEADER, h))
                return fail(reason, 1, -EBADMSG, "missing header");
        d = n - h;
        snprintf(want, sizeof want, "%u", STATE_FILE_VERSION);
        if (d == strlen(want) && memcmp(p + h, want, d) == 0)
                return 0;
        for (size_t i = h; i < n; i++)
                if (d > 9 || p[i] < '0' || p[i] > '9')
                        return fail(reason, 1, -EBADMSG, "bad header");
        return fail(reason, 1, -EPROTONOSUPPORT, "unsupported version %.*s", (int) d, p + h);
}

/* The "end CHECKSUM" line p[0..n), after the bytes buf[0..covered). */
static int check_end(const char *p, size_t n, const char *buf, size_t covered, const StateKey *key,
                     char *reason) {
        char want[STATE_CHECKSUM_DIGITS + 1];
        size_t e = strlen(STATE_END);

        if (n < e || !strneq(p, STATE_END, e))
                return fail(reason, 0, -EBADMSG, "missing end line");
        snprintf(want, sizeof want, "%016" PRIx64, checksum(key, buf, covered));
        if (n != e + STATE_CHECKSUM_DIGITS)
                return fail(reason, 0, -EBADMSG, "bad end line");
        for (size_t i = e; i < n; i++)
                if (lower_hex(p[i]) < 0)
                        return fail(reason, 0, -EBADMSG, "bad end line");
        if (memcmp(p + e, want, STATE_CHECKSUM_DIGITS) != 0)
                return fail(reason, 0, -EBADMSG, "checksum mismatch");
        return 0;
}

int state_file_parse(const char *buf, size_t size, StateFile *ret, char reason[STATE_REASON_MAX]) {
        return state_file_parse_keyed(buf, size, NULL, ret, reason);
}

int state_file_parse_keyed(const char *buf, size_t size, const StateKey *key, StateFile *ret,
                           char reason[STATE_REASON_MAX]) {
        _cleanup_(state_file_done) StateFile s = {};
        const char *nul, *nl, *last, *p;
        unsigned line = 2;
        int r;

        if (reason)
                reason[0] = '\0';
        if (size > STATE_FILE_MAX)
                return fail(reason, 0, -EBADMSG, "file too large (%zu bytes, at most %u)",
                            size, STATE_FILE_MAX);
        nul = memchr(buf, '\0', size);
        if (nul)
                return fail(reason, 0, -EBADMSG, "NUL byte at offset %zu", (size_t) (nul - buf));
        nl = memchr(buf, '\n', size);
        r = check_header(buf, nl ? (size_t) (nl - buf) : size, reason);
        if (r < 0)
                return r;
        /* A file cut short loses its final newline or its end line; either way it stops here. */
        if (!nl || buf[size - 1] != '\n' || nl == buf + size - 1)
                return fail(reason, 0, -EBADMSG, "missing end line");
        last = (const char *) memrchr(buf, '\n', size - 1) + 1;
        r = check_end(last, (size_t) (buf + size - 1 - last), buf, (size_t) (last - buf), key, reason);
        if (r < 0)
                return r;
        for (p = nl + 1; p < last; line++) {
                const char *e = memchr(p, '\n', (size_t) (last - p));
                r = parse_entry(&s, p, (size_t) (e - p), line, reason);
                if (r < 0)
                        return r;
                p = e + 1;
        }
        *ret = s;
        s = (StateFile) {};
        return 0;
}

static bool name_is_valid(const char *name) {
        return !isempty(name) && !strchr(name, '/') && !streq(name, ".") && !streq(name, "..") &&
               strlen(name) <= NAME_MAX - strlen(".#.XXXXXX");
}

static int write_all(int fd, const char *p, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

/* Creates ".#NAME.XXXXXX" exclusively in dir_fd; its name goes to tmp. The suffix need only
 * be unlikely to exist: O_EXCL and O_NOFOLLOW make a guessed one harmless. */
static int open_temp(int dir_fd, const char *name, char *tmp, size_t tmp_size) {
        static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        struct timespec ts = {};

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        for (unsigned t = 0; t < STATE_TMP_TRIES; t++) {
                uint64_t x = fnv1a64((const char *) &ts, sizeof ts) ^ (uint64_t) getpid() << 32 ^ t;
                char suffix[7] = {};
                int fd;

                for (size_t i = 0; i < sizeof suffix - 1; i++, x /= sizeof chars - 1)
                        suffix[i] = chars[x % (sizeof chars - 1)];
                snprintf(tmp, tmp_size, ".#%s.%s", name, suffix);
                fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW |
                            O_NOCTTY, 0600);
                if (fd >= 0 || errno != EEXIST)
                        return fd >= 0 ? fd : -errno;
        }
        return -EEXIST;
}

int state_file_write_at(int dir_fd, const char *name, const StateFile *s) {
        return state_file_write_at_keyed(dir_fd, name, s, NULL);
}

int state_file_write_at_keyed(int dir_fd, const char *name, const StateFile *s, const StateKey *key) {
        _cleanup_free_ char *buf = NULL;
        _cleanup_close_ int fd = -EBADF;
        char tmp[NAME_MAX + 1];
        size_t size;
        int r;

        if (!name_is_valid(name))
                return -EINVAL;
        r = state_file_format_keyed(s, key, &buf, &size);
        if (r < 0)
                return r;
        fd = open_temp(dir_fd, name, tmp, sizeof tmp);
        if (fd < 0)
                return fd;
        /* The umask may have taken bits away; 0600 exactly, whatever it was. */
        r = RET_NERRNO(fchmod(fd, 0600));
        if (r >= 0)
                r = write_all(fd, buf, size);
        /* No fsync: these files must outlive the process that writes them (a crash, a
         * SIGKILL), which the page cache does; not the machine (they describe processes,
         * which a reboot ends anyway). A write and a rename are atomic for other processes
         * whatever happens to the writer. An fsync per state change made every start of a
         * unit cost milliseconds on a disk. */
        if (r >= 0)
                r = RET_NERRNO(renameat(dir_fd, tmp, dir_fd, name));
        if (r < 0) {
                (void) unlinkat(dir_fd, tmp, 0);
                return r;
        }
        return 0;
}

int state_file_read_at(int dir_fd, const char *name, StateFile *ret, char reason[STATE_REASON_MAX]) {
        return state_file_read_at_keyed(dir_fd, name, NULL, ret, reason);
}

int state_file_read_at_keyed(int dir_fd, const char *name, const StateKey *key, StateFile *ret,
                             char reason[STATE_REASON_MAX]) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        struct stat st;

        if (reason)
                reason[0] = '\0';
        if (!name_is_valid(name))
                return -EINVAL;
        fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return fail(reason, 0, -EBADMSG, "not a regular file");
        /* One byte more than allowed, so that a file which grew past the limit is noticed. */
        buf = malloc(STATE_FILE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        while (size <= STATE_FILE_MAX) {
                ssize_t k = read(fd, buf + size, STATE_FILE_MAX + 1 - size);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                size += (size_t) k;
        }
        return state_file_parse_keyed(buf, size, key, ret, reason);
}
