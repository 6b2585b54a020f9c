/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The specifier table and its resolvers. Each resolver returns a newly allocated string or
 * -errno; unit_specifier_expand() caches results per context and assembles the output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "extract-word.h"
#include "unit-file.h"
#include "unit-name.h"
#include "unit-specifier.h"

/* Host files are small; anything bigger is not what we expect. */
#define HOST_FILE_MAX (64u * 1024u)

typedef int (*SpecifierResolver)(UnitSpecifierContext *c, char specifier, char **ret);

typedef struct Specifier {
        char specifier;
        SpecifierResolver resolve;
        const char *value; /* for constant specifiers */
} Specifier;

static int dup_ret(const char *s, char **ret) {
        char *d = strdup(s);
        if (!d)
                return -ENOMEM;
        *ret = d;
        return 0;
}

/* Reads a small text file completely. */
static int read_small_file(const char *path, char **ret) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        _cleanup_free_ char *buf = NULL;
        size_t n = 0;

        if (fd < 0)
                return -errno;
        buf = malloc(HOST_FILE_MAX + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k = read(fd, buf + n, HOST_FILE_MAX - n);
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n == HOST_FILE_MAX)
                        return -EFBIG;
        }
        buf[n] = '\0';
        *ret = TAKE_PTR(buf);
        return 0;
}

/* Reads a 128-bit id (32 hex digits, dashes allowed as in boot_id) and returns it in the
 * plain 32-digit form. */
static int read_id128(const char *path, char **ret) {
        _cleanup_free_ char *text = NULL;
        char id[33];
        size_t n = 0;
        int r = read_small_file(path, &text);

        if (r < 0)
                return r;
        for (const char *p = text; *p && *p != '\n'; p++) {
                if (*p == '-')
                        continue;
                if (n >= 32 || !strchr("0123456789abcdefABCDEF", *p))
                        return -EBADMSG;
                id[n++] = *p;
        }
        if (n != 32)
                return -EBADMSG;
        id[32] = '\0';
        return dup_ret(id, ret);
}

/* Looks KEY up in an os-release style file (KEY=VALUE lines, shell quoting). A missing
 * key gives "". */
static int read_env_file_key(const char *path, const char *key, char **ret) {
        _cleanup_free_ char *text = NULL;
        size_t kl = strlen(key);
        int r = read_small_file(path, &text);

        if (r < 0)
                return r;
        for (char *line = text, *next; line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                line += strspn(line, " \t");
                if (strneq(line, key, kl) && line[kl] == '=') {
                        const char *p = line + kl + 1;
                        char *w = NULL;
                        r = extract_first_word(&p, &w, "", EXTRACT_QUOTES | EXTRACT_RELAX);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                return dup_ret("", ret);
                        *ret = w;
                        return 0;
                }
        }
        return dup_ret("", ret);
}

static int resolve_os_release(UnitSpecifierContext *c, char specifier, char **ret) {
        static const struct {
                char specifier;
                const char *key;
        } fields[] = {
                { 'o', "ID" },       { 'w', "VERSION_ID" }, { 'W', "VARIANT_ID" },
                { 'A', "IMAGE_VERSION" }, { 'B', "BUILD_ID" }, { 'M', "IMAGE_ID" },
        };
        for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
                if (fields[i].specifier != specifier)
                        continue;
                int r = read_env_file_key("/etc/os-release", fields[i].key, ret);
                if (r == -ENOENT)
                        r = read_env_file_key("/usr/lib/os-release", fields[i].key, ret);
                return r;
        }
        return -EBADSLT;
}

static int resolve_machine_id(UnitSpecifierContext *c, char specifier, char **ret) {
        return read_id128("/etc/machine-id", ret);
}

static int resolve_boot_id(UnitSpecifierContext *c, char specifier, char **ret) {
        return read_id128("/proc/sys/kernel/random/boot_id", ret);
}

static int resolve_hostname(UnitSpecifierContext *c, char specifier, char **ret) {
        struct utsname u;
        char *h;

        if (uname(&u) < 0)
                return -errno;
        h = specifier == 'l' ? strndup(u.nodename, strcspn(u.nodename, "."))
                             : strdup(u.nodename);
        if (!h)
                return -ENOMEM;
        *ret = h;
        return 0;
}

static int resolve_pretty_hostname(UnitSpecifierContext *c, char specifier, char **ret) {
        _cleanup_free_ char *p = NULL;
        int r = read_env_file_key("/etc/machine-info", "PRETTY_HOSTNAME", &p);

        if (r < 0 && r != -ENOENT)
                return r;
        if (r >= 0 && !isempty(p)) {
                *ret = TAKE_PTR(p);
                return 0;
        }
        return resolve_hostname(c, 'l', ret);
}

static int resolve_kernel_release(UnitSpecifierContext *c, char specifier, char **ret) {
        struct utsname u;

        if (uname(&u) < 0)
                return -errno;
        return dup_ret(u.release, ret);
}

static int resolve_architecture(UnitSpecifierContext *c, char specifier, char **ret) {
        /* uname machine -> the short names of ConditionArchitecture=. */
        static const struct {
                const char *machine, *name;
        } arches[] = {
                { "x86_64", "x86-64" }, { "i686", "x86" },         { "i586", "x86" },
                { "i486", "x86" },      { "i386", "x86" },         { "aarch64", "arm64" },
                { "aarch64_be", "arm64-be" }, { "armv7l", "arm" }, { "armv8l", "arm" },
                { "ppc64le", "ppc64-le" }, { "ppc64", "ppc64" },   { "s390x", "s390x" },
                { "riscv64", "riscv64" }, { "loongarch64", "loongarch64" },
                { "mips64", "mips64" },   { "sparc64", "sparc64" },
        };
        struct utsname u;

        if (uname(&u) < 0)
                return -errno;
        for (size_t i = 0; i < ELEMENTSOF(arches); i++)
                if (streq(u.machine, arches[i].machine))
                        return dup_ret(arches[i].name, ret);
        return dup_ret(u.machine, ret);
}

/* $TMPDIR, $TEMP, $TMP when absolute, else the default. */
static int resolve_tmp_dir(UnitSpecifierContext *c, char specifier, char **ret) {
        static const char *const vars[] = { "TMPDIR", "TEMP", "TMP" };

        for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                const char *e = secure_getenv(vars[i]);
                if (e && e[0] == '/')
                        return dup_ret(e, ret);
        }
        return dup_ret(specifier == 'T' ? "/tmp" : "/var/tmp", ret);
}

static int resolve_name_part(UnitSpecifierContext *c, char specifier, char **ret) {
        switch (specifier) {
        case 'n':
                return dup_ret(c->name, ret);
        case 'N':
                return unit_name_to_stem(c->name, ret);
        case 'p':
                return unit_name_to_prefix(c->name, ret);
        case 'i':
                /* Plain units and uninstantiated templates have an empty instance. */
                if (!strchr(c->name, '@'))
                        return dup_ret("", ret);
                return unit_name_to_instance(c->name, ret);
        default:
                return -EBADSLT;
        }
}

static int resolve_final_component(UnitSpecifierContext *c, char specifier, char **ret) {
        _cleanup_free_ char *prefix = NULL;
        const char *dash;
        int r = unit_name_to_prefix(c->name, &prefix);

        if (r < 0)
                return r;
        dash = strrchr(prefix, '-');
        return dup_ret(dash ? dash + 1 : prefix, ret);
}

/* %P, %I, %J: the unescaped forms of %p, %i, %j. */
static int resolve_unescaped(UnitSpecifierContext *c, char specifier, char **ret) {
        _cleanup_free_ char *raw = NULL;
        int r;

        switch (specifier) {
        case 'P':
                r = resolve_name_part(c, 'p', &raw);
                break;
        case 'I':
                r = resolve_name_part(c, 'i', &raw);
                break;
        default:
                r = resolve_final_component(c, 'j', &raw);
                break;
        }
        if (r < 0)
                return r;
        return unit_name_unescape(raw, ret);
}

static int resolve_file_name(UnitSpecifierContext *c, char specifier, char **ret) {
        _cleanup_free_ char *part = NULL;
        int r = resolve_name_part(c, 'i', &part);

        if (r >= 0 && isempty(part)) {
                free(part);
                part = NULL;
                r = resolve_name_part(c, 'p', &part);
        }
        if (r < 0)
                return r;
        return unit_name_path_unescape(part, ret);
}

static int resolve_fragment(UnitSpecifierContext *c, char specifier, char **ret) {
        const char *slash;

        if (!c->fragment)
                return -ENOENT;
        if (specifier == 'y')
                return dup_ret(c->fragment, ret);
        slash = strrchr(c->fragment, '/');
        if (!slash)
                return dup_ret(".", ret);
        if (slash == c->fragment)
                return dup_ret("/", ret);
        char *d = strndup(c->fragment, (size_t) (slash - c->fragment));
        if (!d)
                return -ENOMEM;
        *ret = d;
        return 0;
}

static int resolve_unsupported(UnitSpecifierContext *c, char specifier, char **ret) {
        return -EOPNOTSUPP;
}

static int resolve_constant(UnitSpecifierContext *c, char specifier, char **ret);

static const Specifier specifier_table[] = {
        { 'a', resolve_architecture, NULL },
        { 'A', resolve_os_release, NULL },
        { 'b', resolve_boot_id, NULL },
        { 'B', resolve_os_release, NULL },
        { 'C', resolve_constant, "/var/cache" },
        { 'd', resolve_unsupported, NULL },
        { 'E', resolve_constant, "/etc" },
        { 'f', resolve_file_name, NULL },
        /* The manager's user: root, for a system manager (systemd.unit(5)). */
        { 'g', resolve_constant, "root" },
        { 'G', resolve_constant, "0" },
        { 'h', resolve_constant, "/root" },
        { 'H', resolve_hostname, NULL },
        { 'i', resolve_name_part, NULL },
        { 'I', resolve_unescaped, NULL },
        { 'j', resolve_final_component, NULL },
        { 'J', resolve_unescaped, NULL },
        { 'l', resolve_hostname, NULL },
        { 'L', resolve_constant, "/var/log" },
        { 'm', resolve_machine_id, NULL },
        { 'M', resolve_os_release, NULL },
        { 'n', resolve_name_part, NULL },
        { 'N', resolve_name_part, NULL },
        { 'o', resolve_os_release, NULL },
        { 'p', resolve_name_part, NULL },
        { 'P', resolve_unescaped, NULL },
        { 'q', resolve_pretty_hostname, NULL },
        { 's', resolve_constant, "/bin/sh" },
        { 'S', resolve_constant, "/var/lib" },
        { 't', resolve_constant, "/run" },
        { 'T', resolve_tmp_dir, NULL },
        { 'u', resolve_constant, "root" },
        { 'U', resolve_constant, "0" },
        { 'v', resolve_kernel_release, NULL },
        { 'V', resolve_tmp_dir, NULL },
        { 'w', resolve_os_release, NULL },
        { 'W', resolve_os_release, NULL },
        { 'y', resolve_fragment, NULL },
        { 'Y', resolve_fragment, NULL },
        { '%', resolve_constant, "%" },
};

static const Specifier *specifier_find(char c) {
        for (size_t i = 0; i < ELEMENTSOF(specifier_table); i++)
                if (specifier_table[i].specifier == c)
                        return &specifier_table[i];
        return NULL;
}

static int resolve_constant(UnitSpecifierContext *c, char specifier, char **ret) {
        return dup_ret(specifier_find(specifier)->value, ret);
}

bool unit_specifier_is_known(char c) {
        return specifier_find(c) != NULL;
}

void unit_specifier_context_done(UnitSpecifierContext *c) {
        for (size_t i = 0; i < ELEMENTSOF(c->cache); i++)
                free(c->cache[i]);
        memset(c->cache, 0, sizeof c->cache);
}

static void set_error(char **ret_error, const char *fmt, ...) _printf_(2, 3);
static void set_error(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (!ret_error)
                return;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
}

/* The value of specifier S, from the cache or resolved now. */
static int specifier_lookup(UnitSpecifierContext *c, char s, const char **ret,
                            char **ret_error) {
        unsigned char i = (unsigned char) s;
        const Specifier *sp = i < ELEMENTSOF(c->cache) ? specifier_find(s) : NULL;
        int r;

        if (!sp) {
                if (i >= 0x20 && i < 0x7f)
                        set_error(ret_error, "Unknown specifier '%%%c'; write '%%%%' for a literal '%%'", s);
                else
                        set_error(ret_error, "Unknown specifier '%%\\x%02x'; write '%%%%' for a literal '%%'", i);
                return -EBADSLT;
        }
        if (!c->cache[i]) {
                r = sp->resolve(c, s, &c->cache[i]);
                if (r == -EOPNOTSUPP) {
                        set_error(ret_error, "Specifier '%%%c' is not supported by syscage", s);
                        return r;
                }
                if (r < 0) {
                        set_error(ret_error, "Failed to resolve specifier '%%%c': %s", s, strerror(-r));
                        return r;
                }
        }
        *ret = c->cache[i];
        return 0;
}

int unit_specifier_expand(UnitSpecifierContext *c, const char *s, char **ret,
                          bool *ret_trailing_percent, char **ret_error) {
        _cleanup_free_ char *out = NULL;
        size_t n = 0, allocated = 0;
        bool trailing = false;
        int r;

        for (const char *p = s; *p; p++) {
                const char *piece = p;
                size_t len = 1;

                if (*p == '%' && p[1] == '\0')
                        trailing = true;
                else if (*p == '%') {
                        r = specifier_lookup(c, *++p, &piece, ret_error);
                        if (r < 0)
                                return r;
                        len = strlen(piece);
                }
                if (n + len > UNIT_LINE_MAX) {
                        set_error(ret_error, "Value is longer than %u bytes after specifier expansion", UNIT_LINE_MAX);
                        return -E2BIG;
                }
                if (GREEDY_REALLOC(out, allocated, n + len + 1) < 0)
                        return -ENOMEM;
                memcpy(out + n, piece, len);
                n += len;
        }
        if (GREEDY_REALLOC(out, allocated, n + 1) < 0)
                return -ENOMEM;
        out[n] = '\0';
        *ret = TAKE_PTR(out);
        if (ret_trailing_percent)
                *ret_trailing_percent = trailing;
        return 0;
}
