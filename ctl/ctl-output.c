/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Colours, JSON strings and timestamps for syscagectl's online verbs. */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <time.h>
#include <unistd.h>

#include "ctl-output.h"
#include "macro.h"
#include "parse-util.h"
#include "utf8.h"

/* As systemd: $SYSTEMD_COLORS, when set, decides (a boolean, or 16, 256, 24bit for yes), even
 * when stdout is not a terminal; else colour on a terminal unless $NO_COLOR is set or
 * TERM=dumb. */
bool output_colors(void) {
        static int cached = -1;

        if (cached < 0) {
                const char *sc = getenv("SYSTEMD_COLORS"), *term = getenv("TERM");
                int b = sc ? parse_boolean(sc) : -EINVAL;

                if (sc && b < 0 && (streq(sc, "16") || streq(sc, "256") || streq(sc, "24bit")))
                        b = 1;
                if (b >= 0)
                        cached = b;
                else
                        cached = isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && streq(term, "dumb"));
        }
        return cached;
}

void output_print_text(FILE *f, const char *s, size_t n) {
        static int tty = -1;
        const unsigned char *p = (const unsigned char *) s;

        if (tty < 0)
                tty = isatty(fileno(f));
        if (!tty) {
                fwrite(s, 1, n, f);
                return;
        }
        for (size_t i = 0; i < n; i++) {
                bool c1 = p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f;
                if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') || p[i] == 0x7f)
                        fprintf(f, "\\x%02x", p[i]);
                else if (c1) /* U+0080..U+009F: C1 controls, CSI among them */
                        fprintf(f, "\\u%04x", p[++i]);
                else
                        fputc(p[i], f);
        }
}

void output_print_line(FILE *f, const char *s) {
        output_print_text(f, s, strlen(s));
}

const char *ansi_red(void) {
        return output_colors() ? "\033[0;1;31m" : "";
}
const char *ansi_green(void) {
        return output_colors() ? "\033[0;1;32m" : "";
}
const char *ansi_highlight(void) {
        return output_colors() ? "\033[0;1;39m" : "";
}
const char *ansi_grey(void) {
        return output_colors() ? "\033[0;38;5;245m" : "";
}
const char *ansi_normal(void) {
        return output_colors() ? "\033[0m" : "";
}

const char *ansi_for_active_state(const char *state) {
        if (streq(state, "active") || streq(state, "reloading"))
                return ansi_green();
        if (streq(state, "failed"))
                return ansi_red();
        return "";
}

/* A JSON string: '"', '\\' and control characters escaped, and every byte that is not part
 * of well-formed UTF-8 replaced by U+FFFD, so that the output is always valid JSON. */
void json_print_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p;) {
                size_t n = utf8_sequence_length((const char *) p, strnlen((const char *) p, 4));

                if (n == 0) {
                        fputs("\\ufffd", f);
                        p++;
                        continue;
                }
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p == '\n')
                        fputs("\\n", f);
                else if (*p == '\t')
                        fputs("\\t", f);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\u%04x", *p);
                else
                        fwrite(p, 1, n, f);
                p += n;
        }
        fputc('"', f);
}

const char *format_timestamp(char *buf, size_t size, uint64_t usec) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;

        if (usec == 0 || !localtime_r(&t, &tm) || strftime(buf, size, "%a %Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                snprintf(buf, size, "n/a");
        return buf;
}

const char *format_ago(char *buf, size_t size, uint64_t usec) {
        struct timespec ts;
        uint64_t now, d;

        clock_gettime(CLOCK_REALTIME, &ts);
        now = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
        d = now > usec ? (now - usec) / 1000000 : 0;
        if (d >= 86400)
                snprintf(buf, size, "%" PRIu64 "d %" PRIu64 "h ago", d / 86400, d % 86400 / 3600);
        else if (d >= 3600)
                snprintf(buf, size, "%" PRIu64 "h %" PRIu64 "min ago", d / 3600, d % 3600 / 60);
        else if (d >= 60)
                snprintf(buf, size, "%" PRIu64 "min %" PRIu64 "s ago", d / 60, d % 60);
        else
                snprintf(buf, size, "%" PRIu64 "s ago", d);
        return buf;
}

const char *format_timespan(char *buf, size_t size, uint64_t usec) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } table[] = {
                { "y", UINT64_C(31557600000000) }, { "month", UINT64_C(2629800000000) },
                { "w", UINT64_C(604800000000) },   { "d", UINT64_C(86400000000) },
                { "h", UINT64_C(3600000000) },     { "min", UINT64_C(60000000) },
                { "s", UINT64_C(1000000) },        { "ms", UINT64_C(1000) },
                { "us", 1 },
        };
        size_t used = 0;

        if (usec == UINT64_MAX) {
                snprintf(buf, size, "infinity");
                return buf;
        }
        if (usec == 0) {
                snprintf(buf, size, "0");
                return buf;
        }
        buf[0] = '\0';
        for (size_t i = 0; i < sizeof table / sizeof table[0] && usec > 0 && used < size; i++) {
                uint64_t a, b;
                int n;

                if (usec < table[i].usec)
                        continue;
                a = usec / table[i].usec;
                b = usec % table[i].usec;
                /* As systemd: below a minute, a remainder makes a decimal fraction of this unit. */
                if (usec < UINT64_C(60000000) && b > 0) {
                        int digits = 0;
                        for (uint64_t c = table[i].usec; c > 1; c /= 10)
                                digits++;
                        char frac[24];
                        snprintf(frac, sizeof frac, "%020" PRIu64, b); /* b < 10^digits, digits <= 15 */
                        n = snprintf(buf + used, size - used, "%s%" PRIu64 ".%s%s", used ? " " : "", a,
                                     frac + 20 - digits, table[i].suffix);
                        used += n > 0 ? (size_t) n : 0;
                        break;
                }
                n = snprintf(buf + used, size - used, "%s%" PRIu64 "%s", used ? " " : "", a, table[i].suffix);
                used += n > 0 ? (size_t) n : 0;
                usec = b;
        }
        return buf;
}
