/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* syscagectl verify --json: string escaping, diagnostic objects, and the diagnostic codes
 * (every code named once, documented, and given by the call sites that own it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ctl-output.h"
#include "diag.h"
#include "json-out.h"
#include "policy-build.h"
#include "policy.h"
#include "unit-config.h"
#include "unit-file.h"

/* What json_print_string() writes for S. The caller frees it. */
static char *json_of(const char *s) {
        char *buf = NULL;
        size_t sz = 0;
        FILE *f = open_memstream(&buf, &sz);

        assert_non_null(f);
        json_print_string_or_null(f, s);
        fclose(f);
        return buf;
}

static void check_json(const char *in, const char *want) {
        char *got = json_of(in);
        assert_string_equal(got, want);
        free(got);
}

static void test_escaping(void **state) {
        check_json(NULL, "null");
        check_json("", "\"\"");
        check_json("plain text", "\"plain text\"");
        check_json("a\"b\\c", "\"a\\\"b\\\\c\"");
        check_json("tab\there\nnl", "\"tab\\there\\nnl\"");
        check_json("\x01\x1f\x7f\r\b", "\"\\u0001\\u001f\\u007f\\u000d\\u0008\"");
        /* Well-formed UTF-8 passes unchanged. */
        check_json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
        /* Every byte that is not part of well-formed UTF-8 becomes U+FFFD. */
        check_json("\xff", "\"\\ufffd\"");
        check_json("a\xc3", "\"a\\ufffd\"");            /* truncated sequence at the end */
        check_json("\xc3(", "\"\\ufffd(\"");            /* bad continuation byte */
        check_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");   /* overlong "/" */
        check_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");   /* a UTF-16 surrogate */
        check_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
}

static void test_diag_object(void **state) {
        DiagList l = {};
        char *buf = NULL;
        size_t sz = 0;
        FILE *f;

        assert_int_equal(diag_add_code(&l, DIAG_CODE_UNKNOWN_KEY, DIAG_WARNING, "/u/a\".service", 7,
                                       "Bogus", "Unknown key \"%s\"\n", "Bogus"), 0);
        assert_int_equal(diag_add(&l, DIAG_ERROR, NULL, 0, NULL, "x"), 0);
        f = open_memstream(&buf, &sz);
        assert_non_null(f);
        json_print_diag(f, "a.service", &l.items[0]);
        json_print_diag(f, NULL, &l.items[1]);
        fclose(f);
        assert_string_equal(buf,
                "{\"type\":\"diagnostic\",\"unit\":\"a.service\",\"file\":\"/u/a\\\".service\","
                "\"line\":7,\"key\":\"Bogus\",\"severity\":\"warning\",\"code\":\"unknown-key\","
                "\"message\":\"Unknown key \\\"Bogus\\\"\\n\"}\n"
                "{\"type\":\"diagnostic\",\"unit\":null,\"file\":null,\"line\":null,\"key\":null,"
                "\"severity\":\"error\",\"code\":\"generic\",\"message\":\"x\"}\n");
        free(buf);
        diag_list_done(&l);
}

/* Every code has one name, distinct from the others, and it reads back. */
static void test_code_table(void **state) {
        for (int i = 0; i < _DIAG_CODE_MAX; i++) {
                const char *s = diag_code_to_string((DiagCode) i);
                assert_non_null(s);
                assert_int_equal(diag_code_from_string(s), i);
                for (const char *p = s; *p; p++)
                        assert_true((*p >= 'a' && *p <= 'z') || *p == '-');
        }
        assert_null(diag_code_to_string(_DIAG_CODE_MAX));
        assert_int_equal(diag_code_from_string("no-such-code"), -EINVAL);
}

/* syscagectl(1) lists every code, as `name`. */
static void test_codes_documented(void **state) {
        const char *src = getenv("SYSCAGE_SOURCE_DIR");
        char path[4096], *doc = NULL;
        size_t sz = 0;
        FILE *f;

        if (!src)
                skip();
        snprintf(path, sizeof path, "%s/contrib/docs/syscagectl.1.md", src);
        f = fopen(path, "re");
        assert_non_null(f);
        assert_true(getdelim(&doc, &sz, '\0', f) > 0);
        fclose(f);
        for (int i = 0; i < _DIAG_CODE_MAX; i++) {
                char want[64];
                snprintf(want, sizeof want, "| `%s` |", diag_code_to_string((DiagCode) i));
                if (!strstr(doc, want))
                        fail_msg("%s is not in syscagectl.1.md's table of codes", want);
        }
        free(doc);
}

static DiagCode code_of(const DiagList *l, const char *key) {
        for (size_t i = 0; i < l->n; i++)
                if (l->items[i].key && streq(l->items[i].key, key))
                        return l->items[i].code;
        fail_msg("no diagnostic for %s", key);
        return _DIAG_CODE_MAX;
}

/* Call sites give their codes: the parser, the typed model, the policy builder. */
static void test_call_site_codes(void **state) {
        UnitFile *u = NULL;
        UnitConfig *c = NULL;
        Policy *p = NULL;
        DiagList l = {};

        (void) unit_file_load_string("t.service", "t.service",
                                     "[Service]\n"
                                     "ExecStart=/bin/true\n"
                                     "Bogus=1\n"
                                     "Nice=99\n"
                                     "MountAPIVFS=yes\n"
                                     "Type=dbus\n"
                                     "SystemCallFilter=@no-such-group\n"
                                     "SystemCallErrorNumber=NOSUCHERRNO\n"
                                     "WantedBy=x.target\n"
                                     "[Frob]\n", &l, &u);
        assert_non_null(u);
        (void) unit_config_parse(u, &l, &c);
        (void) policy_build(u, &l, &p);
        assert_int_equal(code_of(&l, "Bogus"), DIAG_CODE_UNKNOWN_KEY);
        assert_int_equal(code_of(&l, "Nice"), DIAG_CODE_BAD_VALUE);
        assert_int_equal(code_of(&l, "Type"), DIAG_CODE_UNSUPPORTED_VALUE);
        assert_int_equal(code_of(&l, "WantedBy"), DIAG_CODE_WRONG_SECTION);
        assert_int_equal(code_of(&l, "SystemCallFilter"), DIAG_CODE_IGNORED_VALUE);
        assert_int_equal(code_of(&l, "SystemCallErrorNumber"), DIAG_CODE_BAD_VALUE);
        assert_int_equal(code_of(&l, "[Frob]"), DIAG_CODE_UNKNOWN_SECTION);
        unit_config_free(c);
        policy_free(p);
        unit_file_free(u);
        diag_list_done(&l);

        /* Lines that are not assignments, and no ExecStart=. */
        u = NULL;
        c = NULL;
        (void) unit_file_load_string("t.service", "t.service", "[Service]\nnot an assignment\n"
                                     "Description=\xff\n", &l, &u);
        assert_non_null(u);
        (void) unit_config_parse(u, &l, &c);
        assert_true(l.n >= 3);
        assert_int_equal(l.items[0].code, DIAG_CODE_SYNTAX);
        assert_int_equal(l.items[1].code, DIAG_CODE_ENCODING);
        assert_int_equal(code_of(&l, "ExecStart"), DIAG_CODE_MISSING_DIRECTIVE);
        unit_config_free(c);
        unit_file_free(u);
        diag_list_done(&l);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escaping),
                cmocka_unit_test(test_diag_object),
                cmocka_unit_test(test_code_table),
                cmocka_unit_test(test_codes_documented),
                cmocka_unit_test(test_call_site_codes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
