/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The records of a unit's log for `logs`: parsing, levels, the time and priority filters, and
 * the short, cat and json output. A record's level is the syslog level of a "<N>" prefix of
 * its text (N 0-7, as SyslogLevelPrefix= reads it), else info; the pieces of a line split at
 * the line cap take the level of its first piece. stdout and stderr lines are alike, as in
 * systemd (SyslogLevel= applies to both).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl-output.h"
#include "logs-record.h"
#include "macro.h"
#include "parse-util.h"

static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };

static int level_from_string(const char *s, size_t n) {
        if (n == 1 && *s >= '0' && *s <= '7')
                return *s - '0';
        for (int i = 0; i < 8; i++)
                if (strlen(levels[i]) == n && strncmp(levels[i], s, n) == 0)
                        return i;
        return -EINVAL;
}

/* "err", "3", "warning..err" (a range, either order) -> prio_min..prio_max. */
int logs_parse_priority(const char *s, LogsFilter *f) {
        const char *dots = strstr(s, "..");
        int a, b;

        if (!dots) {
                a = level_from_string(s, strlen(s));
                if (a < 0)
                        return a;
                f->prio_min = 0;
                f->prio_max = a;
                return 0;
        }
        a = dots == s ? 0 : level_from_string(s, (size_t) (dots - s));
        b = dots[2] ? level_from_string(dots + 2, strlen(dots + 2)) : 7;
        if (a < 0 || b < 0)
                return -EINVAL;
        f->prio_min = MIN(a, b);
        f->prio_max = MAX(a, b);
        return 0;
}

static uint64_t tm_to_usec(struct tm *tm) {
        time_t t;

        tm->tm_isdst = -1;
        t = mktime(tm);
        return t < 0 ? 0 : (uint64_t) t * 1000000;
}

/* journalctl's forms: "YYYY-MM-DD[ HH:MM[:SS]]", "HH:MM[:SS]" (today), "now", "today",
 * "yesterday", "tomorrow", "@SECONDS[.FRACTION]", "-SPAN", "+SPAN", "SPAN ago" (SPAN as for
 * time keys: "5min", "1h 30min"). Local time, as journalctl. */
int logs_parse_timestamp(const char *s, uint64_t *ret) {
        uint64_t now = now_usec(CLOCK_REALTIME), span;
        time_t t = (time_t) (now / 1000000);
        size_t len = strlen(s);
        struct tm tm;
        char *end;

        if (!localtime_r(&t, &tm))
                return -EINVAL;
        if (streq(s, "now")) {
                *ret = now;
                return 0;
        }
        if (streq(s, "today") || streq(s, "yesterday") || streq(s, "tomorrow")) {
                tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
                tm.tm_mday += streq(s, "yesterday") ? -1 : streq(s, "tomorrow") ? 1 : 0;
                *ret = tm_to_usec(&tm);
                return 0;
        }
        if (s[0] == '@') {
                double v;
                errno = 0;
                v = strtod(s + 1, &end);
                if (errno != 0 || end == s + 1 || *end || v < 0 || v > 1e11)
                        return -EINVAL;
                *ret = (uint64_t) (v * 1e6);
                return 0;
        }
        if ((s[0] == '-' || s[0] == '+') && parse_sec(s + 1, &span) >= 0 && span != USEC_INFINITY) {
                *ret = s[0] == '-' ? (span > now ? 0 : now - span) : now + span;
                return 0;
        }
        if (len > 4 && streq(s + len - 4, " ago")) {
                _cleanup_free_ char *copy = strndup(s, len - 4);
                if (!copy)
                        return -ENOMEM;
                if (parse_sec(copy, &span) < 0 || span == USEC_INFINITY)
                        return -EINVAL;
                *ret = span > now ? 0 : now - span;
                return 0;
        }
        struct tm parsed = tm;
        const char *fmts[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%H:%M:%S", "%H:%M" };
        for (size_t i = 0; i < ELEMENTSOF(fmts); i++) {
                parsed = tm;
                parsed.tm_hour = parsed.tm_min = parsed.tm_sec = 0;
                end = strptime(s, fmts[i], &parsed);
                if (end && *end == '\0') {
                        *ret = tm_to_usec(&parsed);
                        return 0;
                }
        }
        return -EINVAL;
}

/* ---- records ---- */


void log_record_parse(const char *line, LogRecord *r) {
        const char *sp, *br, *colon;
        struct tm tm = {};
        char *end;

        *r = (LogRecord) { .text = line, .stream_index = -1 };
        end = strptime(line, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!end || *end != '.' || strlen(end) < 9 || end[7] != 'Z' || end[8] != ' ')
                return;
        r->usec = (uint64_t) timegm(&tm) * 1000000 + strtoull(end + 1, NULL, 10);
        r->unit = end + 9;
        br = strchr(r->unit, '[');
        sp = strchr(r->unit, ' ');
        if (!br || !sp || br > sp || sp[-1] != ']')
                return;
        r->unit_len = (size_t) (br - r->unit);
        r->pid = br + 1;
        r->pid_len = (size_t) (sp - 1 - r->pid);
        r->stream = sp + 1;
        colon = strstr(r->stream, ": ");
        if (!colon)
                return;
        r->marker = ':';
        if (colon > r->stream && (colon[-1] == '+' || colon[-1] == '~'))
                r->marker = colon[-1];
        r->stream_len = (size_t) (colon - r->stream) - (r->marker != ':');
        if (r->stream_len == 6 && strneq(r->stream, "stdout", 6))
                r->stream_index = 0;
        else if (r->stream_len == 6 && strneq(r->stream, "stderr", 6))
                r->stream_index = 1;
        r->text = colon + 2;
}

/* The level of a record, and what it means for the next record of its stream. */
int log_record_level(int cont_level[2], const LogRecord *r) {
        int level = LOGS_LEVEL_DEFAULT;

        if (r->stream_index >= 0 && cont_level[r->stream_index] >= 0)
                level = cont_level[r->stream_index];
        else if (r->marker && r->text[0] == '<' && r->text[1] >= '0' && r->text[1] <= '7' && r->text[2] == '>')
                level = r->text[1] - '0';
        if (r->stream_index >= 0)
                cont_level[r->stream_index] = r->marker == '+' ? level : -1;
        return level;
}

bool log_record_wanted(const LogsFilter *f, const LogRecord *r, int level) {
        if (r->marker && (r->usec < f->since || r->usec > f->until))
                return false;
        if (!r->marker && (f->since > 0 || f->until < UINT64_MAX))
                return false; /* no time: cannot be in a time window */
        return level >= f->prio_min && level <= f->prio_max;
}

static void print_json_field(const char *key, const char *v, size_t n, bool *first) {
        _cleanup_free_ char *copy = strndup(v, n);

        if (!copy)
                return;
        printf("%s\"%s\":", *first ? "{" : ",", key);
        json_print_string(stdout, copy);
        *first = false;
}

void log_record_print(const LogsFilter *f, const char *line, int level) {
        LogRecord r;

        if (f->output == LOGS_OUTPUT_SHORT) {
                output_print_line(stdout, line);
                fputc('\n', stdout);
                return;
        }
        log_record_parse(line, &r);
        if (f->output == LOGS_OUTPUT_CAT) {
                output_print_line(stdout, r.text);
                if (r.marker != '+')
                        fputc('\n', stdout);
                return;
        }
        /* JSON, with journald's field names where there is one. */
        char num[32];
        bool first = true;
        if (r.marker) {
                snprintf(num, sizeof num, "%" PRIu64, r.usec);
                print_json_field("__REALTIME_TIMESTAMP", num, strlen(num), &first);
                print_json_field("_SYSTEMD_UNIT", r.unit, r.unit_len, &first);
                print_json_field("_PID", r.pid, r.pid_len, &first);
                print_json_field("_TRANSPORT", r.stream_index >= 0 ? "stdout" : "driver", 6, &first);
                print_json_field("SYSCAGE_STREAM", r.stream, r.stream_len, &first);
                if (r.marker != ':')
                        print_json_field("SYSCAGE_LINE_END", r.marker == '+' ? "continued" : "eof",
                                         r.marker == '+' ? 9 : 3, &first);
        }
        snprintf(num, sizeof num, "%d", level);
        print_json_field("PRIORITY", num, strlen(num), &first);
        print_json_field("MESSAGE", r.text, strlen(r.text), &first);
        fputs("}\n", stdout);
}
