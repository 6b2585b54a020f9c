/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reads the kernel log for seccomp audit records (type 1326) and reports them, with the
 * syscall number turned into a name, so the daemon can say which call killed a service.
 * The record format and which actions produce records are described in kmsg.h.
 */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#include "hex-util.h"
#include "sys/io-log.h"
#include "sys/kmsg.h"

struct KmsgReader {
        sd_event_source *source;
        int fd;
        KmsgCallback callback;
        void *userdata;
        uint64_t overruns;
        uint64_t suppressed;
        bool has_audit_lost;
        uint64_t audit_lost;
};

/* ---- parsing ---- */

static bool parse_uint(const char *s, size_t len, unsigned base, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;

        if (len == 0 || len > 20)
                return false;
        for (size_t i = 0; i < len; i++) {
                int x = unhexchar(s[i]);
                if (x < 0 || (unsigned) x >= base)
                        return false;
                unsigned d = (unsigned) x;
                if (v > (max - d) / base)
                        return false;
                v = v * base + d;
        }
        *ret = v;
        return true;
}

/* An audit string value: "quoted" as is, or hex-encoded bytes without quotes. Control
 * characters are replaced by '?' so the result is safe to log. */
static bool decode_audit_string(const char *v, size_t len, char *buf, size_t size) {
        size_t n = 0;

        if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
                if (len - 2 >= size)
                        return false;
                memcpy(buf, v + 1, len - 2);
                n = len - 2;
        } else if (len == 6 && memcmp(v, "(null)", 6) == 0) {
                n = 0;
        } else {
                if (len % 2 != 0 || len / 2 >= size)
                        return false;
                for (size_t i = 0; i < len; i += 2) {
                        int hi = unhexchar(v[i]), lo = unhexchar(v[i + 1]);
                        if (hi < 0 || lo < 0)
                                return false;
                        buf[n++] = (char) (hi << 4 | lo);
                }
        }
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) buf[i] < 0x20 || buf[i] == 0x7f)
                        buf[i] = '?';
        buf[n] = '\0';
        return true;
}

/* Finds where the record's fields start: after "type=1326 audit(...): " (kernel log) or
 * "type=SECCOMP msg=audit(...): " (auditd). NULL for other lines; sets *ret_bad when the
 * header is there but broken. */
static const char *find_seccomp_fields(const char *line, size_t len, bool *ret_bad, uint64_t *ret_serial) {
        static const char *const types[] = { "type=1326 ", "type=SECCOMP " };
        const char *end = line + len;

        *ret_bad = false;
        for (size_t t = 0; t < ELEMENTSOF(types); t++) {
                size_t tl = strlen(types[t]);
                for (const char *p = line; p + tl <= end; p++) {
                        const char *q, *close;
                        if (memcmp(p, types[t], tl) != 0 || (p > line && p[-1] != ' '))
                                continue;
                        q = p + tl;
                        if ((size_t) (end - q) >= 4 && memcmp(q, "msg=", 4) == 0)
                                q += 4;
                        if ((size_t) (end - q) < 6 || memcmp(q, "audit(", 6) != 0) {
                                *ret_bad = true;
                                return NULL;
                        }
                        close = memchr(q, ')', (size_t) (end - q));
                        if (!close || end - close < 3 || close[1] != ':' || close[2] != ' ') {
                                *ret_bad = true;
                                return NULL;
                        }
                        /* audit(SECONDS.MILLISECONDS:SERIAL) */
                        const char *colon = memchr(q, ':', (size_t) (close - q));
                        uint64_t serial;
                        if (colon && parse_uint(colon + 1, (size_t) (close - colon - 1), 10, UINT64_MAX, &serial))
                                *ret_serial = serial;
                        return close + 3;
                }
        }
        return NULL;
}

/* Lines from /dev/kmsg start with "PRIO,SEQ,TS,FLAGS;". Facility 0 is the kernel; user
 * space cannot write with it, so anything else is not a kernel audit record. */
static bool kmsg_prefix_is_user(const char *line, size_t len) {
        const char *semi = memchr(line, ';', len), *comma = memchr(line, ',', len);
        uint64_t prio;

        if (!semi || !comma || comma > semi)
                return false;
        for (const char *p = line; p < semi; p++)
                if (!((*p >= '0' && *p <= '9') || *p == ',' || *p == '-' || *p == '+' || *p == 'c'))
                        return false; /* not a kmsg prefix */
        return parse_uint(line, (size_t) (comma - line), 10, UINT32_MAX, &prio) && (prio >> 3) != 0;
}

/* pid, arch and syscall are what we report. compat comes right after syscall in every
 * kernel since 3.x; requiring it catches a line cut inside the syscall number. */
typedef struct AuditFields {
        bool has_pid, has_arch, has_syscall, has_compat;
} AuditFields;

/* Stores one key=value; false if a known key has a malformed value. */
static bool audit_apply(SeccompAudit *a, AuditFields *f, const char *key, size_t klen, const char *v, size_t vlen) {
        uint64_t u;

#define KEY_IS(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
        if (KEY_IS("pid")) {
                if (!parse_uint(v, vlen, 10, INT32_MAX, &u) || u == 0)
                        return false;
                a->pid = (pid_t) u, f->has_pid = true;
        } else if (KEY_IS("uid")) {
                if (!parse_uint(v, vlen, 10, UINT32_MAX, &u))
                        return false;
                a->uid = (uid_t) u;
        } else if (KEY_IS("sig")) {
                if (!parse_uint(v, vlen, 10, 128, &u))
                        return false;
                a->sig = (int) u;
        } else if (KEY_IS("arch")) {
                if (!parse_uint(v, vlen, 16, UINT32_MAX, &u))
                        return false;
                a->arch = (uint32_t) u, f->has_arch = true;
        } else if (KEY_IS("syscall")) {
                if (!parse_uint(v, vlen, 10, INT32_MAX, &u))
                        return false;
                a->syscall = (int) u, f->has_syscall = true;
        } else if (KEY_IS("compat")) {
                if (!parse_uint(v, vlen, 10, 1, &u))
                        return false;
                f->has_compat = true;
        } else if (KEY_IS("code")) {
                if (vlen < 3 || memcmp(v, "0x", 2) != 0 || !parse_uint(v + 2, vlen - 2, 16, UINT32_MAX, &u))
                        return false;
                a->code = (uint32_t) u, a->has_code = true;
        } else if (KEY_IS("comm"))
                return decode_audit_string(v, vlen, a->comm, sizeof a->comm);
        else if (KEY_IS("exe"))
                return decode_audit_string(v, vlen, a->exe, sizeof a->exe);
#undef KEY_IS
        return true;
}

static void audit_resolve_name(SeccompAudit *a) {
        uint32_t arch = a->arch;
        int nr = a->syscall;
        char *name;

        /* x32 calls are reported with the x86-64 audit arch and the x32 bit in the number. */
        if (arch == SCMP_ARCH_X86_64 && (nr & 0x40000000))
                arch = SCMP_ARCH_X32;
        name = seccomp_syscall_resolve_num_arch(arch, nr);
        if (!name && arch == SCMP_ARCH_X32)
                name = seccomp_syscall_resolve_num_arch(arch, nr & ~0x40000000);
        if (name && strlen(name) < sizeof a->syscall_name)
                strcpy(a->syscall_name, name);
        free(name);
}

int kmsg_parse_seccomp(const char *line, SeccompAudit *ret) {
        SeccompAudit a = { .uid = UINT32_MAX, .sig = -1 };
        AuditFields f = {};
        const char *nl = strchr(line, '\n'), *p, *end;
        size_t len = nl ? (size_t) (nl - line) : strlen(line);
        bool bad;

        if (kmsg_prefix_is_user(line, len))
                return -ENOMSG;
        p = find_seccomp_fields(line, len, &bad, &a.serial);
        if (!p)
                return bad ? -EBADMSG : -ENOMSG;
        end = line + len;
        while (p < end) {
                const char *key = p, *eq, *v, *vend;
                while (p < end && *p != '=' && *p != ' ')
                        p++;
                if (p >= end || *p != '=')
                        return -EBADMSG; /* a word without value: truncated or garbage */
                eq = p;
                v = eq + 1;
                if (v < end && *v == '"') {
                        vend = memchr(v + 1, '"', (size_t) (end - v - 1));
                        if (!vend)
                                return -EBADMSG; /* cut inside a quoted value */
                        vend++;
                } else
                        for (vend = v; vend < end && *vend != ' '; vend++)
                                ;
                if (vend < end && *vend != ' ')
                        return -EBADMSG;
                if (!audit_apply(&a, &f, key, (size_t) (eq - key), v, (size_t) (vend - v)))
                        return -EBADMSG;
                p = vend;
                while (p < end && *p == ' ')
                        p++;
        }
        if (!f.has_pid || !f.has_arch || !f.has_syscall || !f.has_compat)
                return -EBADMSG;
        audit_resolve_name(&a);
        *ret = a;
        return 0;
}

/* The message of a line: after the "PRIO,SEQ,TS,FLAGS;" of a /dev/kmsg record or the
 * "[  397.03] " of a dmesg line, else the line itself. */
static const char *kmsg_message(const char *line, size_t len) {
        const char *semi = memchr(line, ';', len);

        if (semi && line[0] >= '0' && line[0] <= '9') {
                for (const char *p = line; p < semi; p++)
                        if (!((*p >= '0' && *p <= '9') || *p == ',' || *p == '-' || *p == '+' || *p == 'c'))
                                return line;
                return semi + 1;
        }
        if (line[0] == '[') {
                const char *close = memchr(line, ']', len);
                if (close && close + 1 < line + len && close[1] == ' ')
                        return close + 2;
        }
        return line;
}

/* A decimal number at *p, up to a space or the end; advances *p. */
static bool take_number(const char **p, const char *end, uint64_t *ret) {
        const char *s = *p, *e = s;

        while (e < end && *e >= '0' && *e <= '9')
                e++;
        if (e == s || (e < end && *e != ' ') || !parse_uint(s, (size_t) (e - s), 10, UINT64_MAX, ret))
                return false;
        *p = e;
        return true;
}

int kmsg_parse_loss(const char *line, KmsgLoss *ret) {
        static const char lost_key[] = "audit: audit_lost=", suppressed[] = " callbacks suppressed";
        const char *nl = strchr(line, '\n'), *msg, *end, *p;
        size_t len = nl ? (size_t) (nl - line) : strlen(line);
        KmsgLoss l = {};
        uint64_t n;

        if (kmsg_prefix_is_user(line, len))
                return -ENOMSG;
        msg = kmsg_message(line, len);
        end = line + len;
        if ((size_t) (end - msg) > strlen(lost_key) && memcmp(msg, lost_key, strlen(lost_key)) == 0) {
                p = msg + strlen(lost_key);
                if (!take_number(&p, end, &n))
                        return -ENOMSG;
                l.has_audit_lost = true, l.audit_lost = n;
                *ret = l;
                return 0;
        }
        /* "audit_printk_skb: 12 callbacks suppressed" */
        if ((size_t) (end - msg) < 6 || memcmp(msg, "audit", 5) != 0)
                return -ENOMSG;
        p = memchr(msg, ':', (size_t) (end - msg));
        if (!p || end - p < 3 || p[1] != ' ')
                return -ENOMSG;
        for (const char *q = msg; q < p; q++)
                if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_'))
                        return -ENOMSG;
        p += 2;
        if (!take_number(&p, end, &n) || (size_t) (end - p) != strlen(suppressed) ||
            memcmp(p, suppressed, strlen(suppressed)) != 0)
                return -ENOMSG;
        l.suppressed = n;
        *ret = l;
        return 0;
}

const char *seccomp_audit_action_to_string(const SeccompAudit *a) {
        if (!a->has_code)
                return NULL;
        switch (a->code & SECCOMP_RET_ACTION_FULL) {
        case SECCOMP_RET_KILL_PROCESS:
                return "kill_process";
        case SECCOMP_RET_KILL_THREAD:
                return "kill_thread";
        case SECCOMP_RET_TRAP:
                return "trap";
        case SECCOMP_RET_ERRNO:
                return "errno";
        case SECCOMP_RET_USER_NOTIF:
                return "user_notif";
        case SECCOMP_RET_TRACE:
                return "trace";
        case SECCOMP_RET_LOG:
                return "log";
        case SECCOMP_RET_ALLOW:
                return "allow";
        default:
                return NULL;
        }
}

/* ---- the reader ---- */

static void kmsg_note_loss(KmsgReader *r, const char *line) {
        KmsgLoss l;

        if (kmsg_parse_loss(line, &l) < 0)
                return;
        r->suppressed += l.suppressed;
        if (l.has_audit_lost && (!r->has_audit_lost || l.audit_lost > r->audit_lost)) {
                r->has_audit_lost = true;
                r->audit_lost = l.audit_lost;
        }
        io_logf(LOG_DEBUG, "The kernel reports lost audit records: %s", line);
}

/* Reads what the kernel log has now, at most KMSG_BURST_MAX records, without blocking. */
static void kmsg_read_pending(KmsgReader *r) {
        char buf[KMSG_RECORD_MAX];
        int fd = r->fd;
        sd_event_source *src = r->source;

        for (unsigned i = 0; i < KMSG_BURST_MAX; i++) {
                SeccompAudit a;
                ssize_t n = read(fd, buf, sizeof buf - 1);

                if (n < 0 && errno == EPIPE) {
                        /* We fell behind and the ring buffer overwrote records; the next
                         * read continues with the oldest record still there. */
                        r->overruns++;
                        io_logf(LOG_DEBUG, "Kernel log overrun, some records were lost.");
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n <= 0) {
                        io_logf_errno(LOG_WARNING, n < 0 ? errno : EIO,
                                      "Failed to read the kernel log, no longer watching it for seccomp kills: %m");
                        (void) sd_event_source_set_enabled(src, SD_EVENT_OFF);
                        break;
                }
                buf[n] = '\0';
                if (kmsg_parse_seccomp(buf, &a) < 0) {
                        kmsg_note_loss(r, buf);
                        continue;
                }
                if (r->callback)
                        r->callback(r, &a, r->userdata);
        }
}

static int kmsg_on_io(sd_event_source *src, int fd, uint32_t revents, void *userdata) {
        kmsg_read_pending(userdata);
        return 0;
}

void kmsg_reader_flush(KmsgReader *r) {
        int enabled = SD_EVENT_OFF;

        if (!r || r->fd < 0 || sd_event_source_get_enabled(r->source, &enabled) < 0 ||
            enabled == SD_EVENT_OFF)
                return;
        kmsg_read_pending(r);
}

int kmsg_open(sd_event *event, KmsgCallback cb, void *userdata, KmsgReader **ret) {
        _cleanup_(kmsg_reader_freep) KmsgReader *r = NULL;
        int k;

        if (!event)
                return -EINVAL;
        r = calloc(1, sizeof *r);
        if (!r)
                return -ENOMEM;
        r->fd = -EBADF;
        r->callback = cb;
        r->userdata = userdata;
        r->fd = open(KMSG_PATH, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (r->fd < 0)
                return -errno;
        /* Records from before we started are not ours to report. */
        if (lseek(r->fd, 0, SEEK_END) < 0)
                return -errno;
        k = sd_event_add_io(event, &r->source, r->fd, EPOLLIN, kmsg_on_io, r);
        if (k < 0)
                return k;
        (void) sd_event_source_set_description(r->source, "kmsg");
        *ret = TAKE_PTR(r);
        return 0;
}

KmsgReader *kmsg_reader_free(KmsgReader *r) {
        if (!r)
                return NULL;
        sd_event_source_disable_unref(r->source);
        safe_close(r->fd);
        free(r);
        return NULL;
}

uint64_t kmsg_reader_overruns(const KmsgReader *r) {
        return r ? r->overruns : 0;
}

uint64_t kmsg_reader_suppressed(const KmsgReader *r) {
        return r ? r->suppressed : 0;
}

bool kmsg_reader_audit_lost(const KmsgReader *r, uint64_t *ret) {
        if (!r || !r->has_audit_lost)
                return false;
        *ret = r->audit_lost;
        return true;
}
