/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * State files: round trips of every byte value, typed getters, and the parser refusing every
 * damaged file (each truncation, each flipped byte, each malformed line) as a whole; atomic
 * writes that leave no temporary file behind and the old file intact when they fail.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "siphash.h"
#include "state-file.h"

/* FNV-1a 64, written out here from its definition so the library is checked against it. */
static uint64_t fnv(const char *p, size_t n) {
        uint64_t h = UINT64_C(0xcbf29ce484222325);
        for (size_t i = 0; i < n; i++)
                h = (h ^ (uint8_t) p[i]) * UINT64_C(0x100000001b3);
        return h;
}

/* HEADER + BODY + a correct end line, in a malloc'ed buffer of *ret_size bytes. */
static char *build_raw(const char *header, const char *body, size_t body_len, size_t *ret_size) {
        size_t hn = strlen(header), n = hn + body_len;
        char *b = malloc(n + 22);
        assert_non_null(b);
        memcpy(b, header, hn);
        memcpy(b + hn, body, body_len);
        n += (size_t) sprintf(b + n, "end %016" PRIx64 "\n", fnv(b, n));
        *ret_size = n;
        return b;
}

static char *build(const char *body, size_t *ret_size) {
        return build_raw("syscage-state 1\n", body, strlen(body), ret_size);
}

/* Any refusal: the header's version digit may be what was damaged (-EPROTONOSUPPORT). */
#define REFUSED 1

/* Parses BUF, expecting R; on refusal the output must be untouched and a reason given. */
static void expect_parse(const char *buf, size_t size, int r, const char *reason_part) {
        StateFile s = { .n = 12345 };
        char reason[STATE_REASON_MAX] = "x";
        int q = state_file_parse(buf, size, &s, reason);
        if (r == REFUSED && (q == -EBADMSG || q == -EPROTONOSUPPORT))
                r = q;
        if (q != r)
                print_error("parse of %zu bytes: got %d (%s), want %d\n", size, q, reason, r);
        assert_int_equal(q, r);
        if (r >= 0) {
                state_file_done(&s);
                return;
        }
        assert_int_equal(s.n, 12345);
        assert_null(s.entries);
        assert_true(reason[0] != '\0');
        if (reason_part && !strstr(reason, reason_part))
                fail_msg("reason \"%s\" lacks \"%s\"", reason, reason_part);
}

static void expect_body(const char *body, int r, const char *reason_part) {
        size_t n;
        char *b = build(body, &n);
        expect_parse(b, n, r, reason_part);
        free(b);
}

static void assert_same(const StateFile *a, const StateFile *b) {
        assert_int_equal(a->n, b->n);
        for (size_t i = 0; i < a->n; i++) {
                assert_string_equal(a->entries[i].key, b->entries[i].key);
                assert_string_equal(a->entries[i].value, b->entries[i].value);
        }
}

/* A file with lists, escapes and an empty value, used by the damage tests. */
static void sample(StateFile *s) {
        char all[256];
        for (int i = 1; i < 256; i++)
                all[i - 1] = (char) i;
        all[255] = '\0';
        assert_int_equal(state_file_add(s, "unit", "a.service"), 0);
        assert_int_equal(state_file_add(s, "bytes", all), 0);
        assert_int_equal(state_file_add(s, "list", "one"), 0);
        assert_int_equal(state_file_add(s, "empty", ""), 0);
        assert_int_equal(state_file_add(s, "list", "two\\n\n\t"), 0);
        assert_int_equal(state_file_add(s, "list", "three"), 0);
        assert_int_equal(state_file_add_i64(s, "pid", -42), 0);
}

static void test_checksum_definition(void **state) {
        _cleanup_(state_file_done) StateFile s = {};
        _cleanup_free_ char *out = NULL;
        char want[64];
        size_t n;

        assert_true(fnv("", 0) == UINT64_C(0xcbf29ce484222325));
        assert_true(fnv("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
        assert_true(fnv("foobar", 6) == UINT64_C(0x85944171f73967e8));
        assert_int_equal(state_file_format(&s, &out, &n), 0);
        snprintf(want, sizeof want, "syscage-state 1\nend %016" PRIx64 "\n",
                 fnv("syscage-state 1\n", 16));
        assert_int_equal(n, strlen(want));
        assert_memory_equal(out, want, n);
        expect_parse(out, n, 0, NULL);
}

static void test_round_trip(void **state) {
        _cleanup_(state_file_done) StateFile s = {}, back = {};
        _cleanup_free_ char *out = NULL, *again = NULL;
        char one[2] = {}, reason[STATE_REASON_MAX];
        size_t n, n2;

        sample(&s);
        for (int c = 1; c < 256; c++) {
                one[0] = (char) c;
                assert_int_equal(state_file_add(&s, "one", one), 0);
        }
        assert_int_equal(state_file_format(&s, &out, &n), 0);
        assert_null(memchr(out, '\0', n));
        assert_int_equal(state_file_parse(out, n, &back, reason), 0);
        assert_string_equal(reason, "");
        assert_same(&s, &back);
        /* Order kept for a repeated key; get() is the first. */
        assert_string_equal(state_file_get(&back, "list"), "one");
        assert_string_equal(back.entries[4].value, "two\\n\n\t");
        assert_string_equal(back.entries[5].value, "three");
        assert_null(state_file_get(&back, "absent"));
        /* Only the writer's spelling is accepted, so formatting again gives the same bytes. */
        assert_int_equal(state_file_format(&back, &again, &n2), 0);
        assert_int_equal(n, n2);
        assert_memory_equal(out, again, n);
        /* The escapes as the header describes them. */
        expect_body("k=a\\\\b\\nc\\x01\\x1f\\x7f\x80\xff~\n", 0, NULL);
}

static void test_getters(void **state) {
        _cleanup_(state_file_done) StateFile s = {};
        uint64_t u = 7;
        int64_t i = 7;
        bool b = false;

        assert_int_equal(state_file_add_u64(&s, "umax", UINT64_MAX), 0);
        assert_int_equal(state_file_add_i64(&s, "imin", INT64_MIN), 0);
        assert_int_equal(state_file_add_i64(&s, "imax", INT64_MAX), 0);
        assert_int_equal(state_file_add_bool(&s, "yes", true), 0);
        assert_int_equal(state_file_add_bool(&s, "no", false), 0);
        assert_int_equal(state_file_addf(&s, "f", "%s-%d", "x", 5), 0);
        assert_string_equal(state_file_get(&s, "f"), "x-5");
        assert_int_equal(state_file_get_u64(&s, "umax", &u), 0);
        assert_true(u == UINT64_MAX);
        assert_int_equal(state_file_get_i64(&s, "imin", &i), 0);
        assert_true(i == INT64_MIN);
        assert_int_equal(state_file_get_i64(&s, "imax", &i), 0);
        assert_true(i == INT64_MAX);
        assert_int_equal(state_file_get_bool(&s, "yes", &b), 0);
        assert_true(b);
        assert_int_equal(state_file_get_bool(&s, "no", &b), 0);
        assert_false(b);

        static const char *const bad[] = {
                "", "-", "+1", " 1", "1 ", "1x", "0x10", "18446744073709551616",
                "9223372036854775808x", "99999999999999999999999",
        };
        for (size_t k = 0; k < ELEMENTSOF(bad); k++)
                assert_int_equal(state_file_add(&s, "bad", bad[k]), 0);
        for (size_t k = 0; k < s.n; k++) {
                if (!streq(s.entries[k].key, "bad"))
                        continue;
                StateFile one = {};
                assert_int_equal(state_file_add(&one, "v", s.entries[k].value), 0);
                u = 7, i = 7, b = true;
                assert_int_equal(state_file_get_u64(&one, "v", &u), -EINVAL);
                assert_int_equal(state_file_get_i64(&one, "v", &i), -EINVAL);
                assert_int_equal(state_file_get_bool(&one, "v", &b), -EINVAL);
                assert_true(u == 7 && i == 7 && b);
                state_file_done(&one);
        }
        /* Range edges: u64 refuses a sign, i64 one past either end. */
        StateFile r = {};
        assert_int_equal(state_file_add(&r, "neg", "-1"), 0);
        assert_int_equal(state_file_add(&r, "over", "9223372036854775808"), 0);
        assert_int_equal(state_file_add(&r, "under", "-9223372036854775809"), 0);
        assert_int_equal(state_file_add(&r, "yesx", "yesx"), 0);
        assert_int_equal(state_file_get_u64(&r, "neg", &u), -EINVAL);
        assert_int_equal(state_file_get_i64(&r, "neg", &i), 0);
        assert_true(i == -1);
        assert_int_equal(state_file_get_i64(&r, "over", &i), -EINVAL);
        assert_int_equal(state_file_get_i64(&r, "under", &i), -EINVAL);
        assert_int_equal(state_file_get_u64(&r, "over", &u), 0);
        assert_int_equal(state_file_get_bool(&r, "yesx", &b), -EINVAL);
        assert_int_equal(state_file_get_u64(&r, "absent", &u), -ENOENT);
        assert_int_equal(state_file_get_i64(&r, "absent", &i), -ENOENT);
        assert_int_equal(state_file_get_bool(&r, "absent", &b), -ENOENT);
        state_file_done(&r);
}

static void test_add_refusals(void **state) {
        _cleanup_(state_file_done) StateFile s = {};
        _cleanup_free_ char *big = malloc(STATE_VALUE_MAX + 2);
        char key[STATE_KEY_MAX + 2];

        assert_int_equal(state_file_add(&s, "", "v"), -EINVAL);
        assert_int_equal(state_file_add(&s, "Key", "v"), -EINVAL);
        assert_int_equal(state_file_add(&s, "a=b", "v"), -EINVAL);
        assert_int_equal(state_file_add(&s, "a b", "v"), -EINVAL);
        memset(key, 'k', sizeof key - 1);
        key[sizeof key - 1] = '\0';
        assert_int_equal(state_file_add(&s, key, "v"), -EINVAL);
        key[STATE_KEY_MAX] = '\0';
        assert_int_equal(state_file_add(&s, key, "v"), 0);
        assert_int_equal(state_file_add(&s, "a-z_0.9", "v"), 0);
        assert_non_null(big);
        memset(big, 'v', STATE_VALUE_MAX + 1);
        big[STATE_VALUE_MAX + 1] = '\0';
        assert_int_equal(state_file_add(&s, "big", big), -EINVAL);
        big[STATE_VALUE_MAX] = '\0';
        assert_int_equal(state_file_add(&s, "big", big), 0);
        while (s.n < STATE_ENTRIES_MAX)
                assert_int_equal(state_file_add(&s, "x", ""), 0);
        assert_int_equal(state_file_add(&s, "x", ""), -E2BIG);
        assert_int_equal(s.n, STATE_ENTRIES_MAX);
        /* Five values of 256 KiB are more than a file may hold: format refuses. */
        state_file_done(&s);
        for (int k = 0; k < 5; k++)
                assert_int_equal(state_file_add(&s, "big", big), 0);
        char *out = NULL;
        size_t n = 0;
        assert_int_equal(state_file_format(&s, &out, &n), -E2BIG);
        assert_null(out);
}

static void test_damage(void **state) {
        _cleanup_(state_file_done) StateFile s = {};
        _cleanup_free_ char *out = NULL;
        size_t n;

        sample(&s);
        assert_int_equal(state_file_format(&s, &out, &n), 0);
        expect_parse(out, n, 0, NULL);
        /* Every truncation, including the empty file and the file short of its last byte. */
        for (size_t k = 0; k < n; k++)
                expect_parse(out, k, REFUSED, NULL);
        /* Every single flipped byte, with several masks. */
        static const uint8_t masks[] = { 0x01, 0x20, 0x80, 0xff };
        for (size_t k = 0; k < n; k++)
                for (size_t m = 0; m < ELEMENTSOF(masks); m++) {
                        out[k] ^= (char) masks[m];
                        expect_parse(out, n, REFUSED, NULL);
                        out[k] ^= (char) masks[m];
                }
        /* A NUL in the middle (a byte after the end line: test_write_read). */
        out[n / 2] = '\0';
        expect_parse(out, n, -EBADMSG, "NUL");
}

static void test_refusals(void **state) {
        char *b;
        size_t n;

        expect_parse("", 0, -EBADMSG, "header");
        expect_parse("x", 1, -EBADMSG, "header");
        b = build_raw("", "k=v\n", 4, &n);
        expect_parse(b, n, -EBADMSG, "line 1: missing header");
        free(b);
        b = build_raw("syscage-state\n", "", 0, &n);
        expect_parse(b, n, -EBADMSG, "header");
        free(b);
        b = build_raw("syscage-state 2\n", "k=v\n", 4, &n);
        expect_parse(b, n, -EPROTONOSUPPORT, "version 2");
        free(b);
        b = build_raw("syscage-state 01\n", "", 0, &n);
        expect_parse(b, n, -EPROTONOSUPPORT, NULL);
        free(b);
        b = build_raw("syscage-state 1x\n", "", 0, &n);
        expect_parse(b, n, -EBADMSG, "bad header");
        free(b);
        b = build_raw("syscage-state 1 \n", "", 0, &n);
        expect_parse(b, n, -EBADMSG, "bad header");
        free(b);

        expect_body("", 0, NULL);
        expect_body("k\n", -EBADMSG, "line 2: bad line");
        expect_body("a=1\nKey=v\n", -EBADMSG, "line 3: bad key");
        expect_body("=v\n", -EBADMSG, "bad key");
        expect_body("a b=v\n", -EBADMSG, "bad key");
        expect_body("a\xc3\xa9=v\n", -EBADMSG, "bad key");
        expect_body("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk=v\n",
                    -EBADMSG, "bad key");
        expect_body("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk=v\n", 0, NULL);
        expect_body("k=a=b\n", 0, NULL);
        static const char *const bad_escapes[] = {
                "\\q", "\\", "a\\", "\\x", "\\x1", "\\x0g", "\\x1F", "\\X1f", "\\x00",
                "\\x41", "\\x0a", "\\x5c", "\\x80", "\\N",
        };
        for (size_t k = 0; k < ELEMENTSOF(bad_escapes); k++) {
                char body[64];
                snprintf(body, sizeof body, "a=1\nk=%s\n", bad_escapes[k]);
                expect_body(body, -EBADMSG, "line 3: bad escape");
        }
        expect_body("k=\t\n", -EBADMSG, "not escaped");
        expect_body("k=\r\n", -EBADMSG, "not escaped");
        expect_body("k=\x7f\n", -EBADMSG, "not escaped");

        /* The end line: absent, twice, malformed, wrong. */
        expect_parse("syscage-state 1\n", 16, -EBADMSG, "missing end line");
        expect_parse("syscage-state 1\nk=v\n", 20, -EBADMSG, "missing end line");
        expect_parse("syscage-state 1", 15, -EBADMSG, "missing end line");
        b = build("k=v\n", &n);
        char *twice = malloc(2 * n);
        assert_non_null(twice);
        memcpy(twice, b, n);
        memcpy(twice + n, b + n - 21, 21);
        expect_parse(twice, n + 21, -EBADMSG, NULL);
        /* The same, with the checksum of everything before the second end line. */
        free(twice);
        char body[64];
        snprintf(body, sizeof body, "k=v\n%.21s", b + n - 21);
        expect_body(body, -EBADMSG, "line 3: end line before the end");
        b[n - 2] = (char) (b[n - 2] == '0' ? '1' : '0');
        expect_parse(b, n, -EBADMSG, "checksum mismatch");
        b[n - 2] = 'A';
        expect_parse(b, n, -EBADMSG, "bad end line");
        free(b);
        expect_body("k=v\nend 0\n", -EBADMSG, "line 3");
}

static void test_limits(void **state) {
        const size_t line = 4, max = STATE_ENTRIES_MAX;
        char *body = malloc((max + 1) * line + 1), *b;

        /* STATE_ENTRIES_MAX entries are fine, one more is not. */
        assert_non_null(body);
        for (size_t k = 0; k <= max; k++)
                memcpy(body + k * line, "a=b\n", line);
        body[max * line] = '\0';
        expect_body(body, 0, NULL);
        body[max * line] = 'a';
        body[(max + 1) * line] = '\0';
        expect_body(body, -EBADMSG, "too many entries");
        free(body);

        /* A file larger than STATE_FILE_MAX, even if it were well-formed. */
        b = malloc(STATE_FILE_MAX + 1);
        assert_non_null(b);
        memset(b, 'a', STATE_FILE_MAX + 1);
        expect_parse(b, STATE_FILE_MAX + 1, -EBADMSG, "too large");
        free(b);

        /* A value longer than STATE_VALUE_MAX once unescaped. */
        size_t vn = STATE_VALUE_MAX + 1;
        body = malloc(vn + 4);
        assert_non_null(body);
        memcpy(body, "k=", 2);
        memset(body + 2, 'v', vn);
        memcpy(body + 2 + vn, "\n", 2);
        expect_body(body, -EBADMSG, "too long");
        body[2 + vn - 1] = '\n';
        body[2 + vn] = '\0';
        expect_body(body, 0, NULL);
        free(body);
}

/* How many names DIR_FD holds; the first one read goes to FIRST if given. */
static size_t count_entries(int dir_fd, char *first, size_t first_size) {
        int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fdopendir(fd);
        struct dirent *de;
        size_t n = 0;

        assert_non_null(d);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        if (n++ == 0 && first)
                                snprintf(first, first_size, "%s", de->d_name);
                }
        closedir(d);
        return n;
}

static int make_dir(char *path) {
        int fd;
        assert_non_null(mkdtemp(path));
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static void test_write_read(void **state) {
        _cleanup_(state_file_done) StateFile s = {}, back = {}, s2 = {};
        char dir[] = "/tmp/test-state-file.XXXXXX", name[256], reason[STATE_REASON_MAX];
        int fd = make_dir(dir);
        mode_t old_umask = umask(0);
        struct stat st;

        sample(&s);
        assert_int_equal(state_file_read_at(fd, "state", &back, reason), -ENOENT);
        assert_int_equal(state_file_write_at(fd, "state", &s), 0);
        umask(old_umask);
        assert_int_equal(fstatat(fd, "state", &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(count_entries(fd, name, sizeof name), 1);
        assert_string_equal(name, "state");
        assert_int_equal(state_file_read_at(fd, "state", &back, reason), 0);
        assert_same(&s, &back);
        state_file_done(&back);

        /* Replacing: the new content, still one file. */
        assert_int_equal(state_file_add(&s2, "new", "yes"), 0);
        assert_int_equal(state_file_write_at(fd, "state", &s2), 0);
        assert_int_equal(count_entries(fd, NULL, 0), 1);
        assert_int_equal(state_file_read_at(fd, "state", &back, reason), 0);
        assert_same(&s2, &back);
        state_file_done(&back);

        /* Names that are not one plain file name; a bad directory fd. */
        assert_int_equal(state_file_write_at(fd, "a/b", &s), -EINVAL);
        assert_int_equal(state_file_write_at(fd, "", &s), -EINVAL);
        assert_int_equal(state_file_write_at(fd, "..", &s), -EINVAL);
        assert_int_equal(state_file_read_at(fd, "../state", &back, reason), -EINVAL);
        assert_int_equal(state_file_write_at(-EBADF, "state", &s), -EBADF);
        assert_int_equal(count_entries(fd, NULL, 0), 1);

        /* The rename fails after the temporary file was written (NAME is a non-empty
         * directory): the temporary file is removed again. */
        assert_int_equal(mkdirat(fd, "dir", 0700), 0);
        int sub = openat(fd, "dir", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(sub >= 0);
        assert_int_equal(state_file_write_at(sub, "state", &s), 0);
        assert_int_equal(state_file_write_at(fd, "dir", &s), -EISDIR);
        assert_int_equal(count_entries(fd, NULL, 0), 2);
        assert_int_equal(state_file_read_at(fd, "dir", &back, reason), -EBADMSG);
        assert_int_equal(unlinkat(sub, "state", 0), 0);
        close(sub);
        assert_int_equal(unlinkat(fd, "dir", AT_REMOVEDIR), 0);

        /* A damaged file on disk is refused with a reason; so is one past the size limit. */
        int w = openat(fd, "state", O_WRONLY | O_APPEND | O_CLOEXEC);
        assert_true(w >= 0);
        assert_int_equal(write(w, "x", 1), 1);
        close(w);
        assert_int_equal(state_file_read_at(fd, "state", &back, reason), -EBADMSG);
        assert_non_null(strstr(reason, "end line"));
        w = openat(fd, "big", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(w >= 0);
        assert_int_equal(ftruncate(w, STATE_FILE_MAX + 1), 0);
        close(w);
        assert_int_equal(state_file_read_at(fd, "big", &back, reason), -EBADMSG);
        assert_non_null(strstr(reason, "too large"));
        assert_int_equal(unlinkat(fd, "big", 0), 0);
        assert_int_equal(unlinkat(fd, "state", 0), 0);
        close(fd);
        assert_int_equal(rmdir(dir), 0);
}

/* A write that fails for lack of room (root: a tiny tmpfs in a private mount namespace) or
 * permission (others: a read-only directory) leaves the old file as it was and no
 * temporary file. */
static void test_write_failure_keeps_old(void **state) {
        _cleanup_(state_file_done) StateFile old = {}, big = {}, back = {};
        char dir[] = "/tmp/test-state-file.XXXXXX", reason[STATE_REASON_MAX];
        int fd = make_dir(dir), want;
        char *v = malloc(STATE_VALUE_MAX + 1);

        assert_non_null(v);
        memset(v, 'v', STATE_VALUE_MAX);
        v[STATE_VALUE_MAX] = '\0';
        assert_int_equal(state_file_add(&big, "v", v), 0);
        assert_int_equal(state_file_add(&big, "w", v), 0);
        free(v);
        assert_int_equal(state_file_add(&old, "old", "1"), 0);

        if (geteuid() == 0) {
                /* This test process alone sees the tmpfs; the host's mounts are untouched. */
                assert_int_equal(unshare(CLONE_NEWNS), 0);
                assert_int_equal(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL), 0);
                assert_int_equal(mount("tmpfs", dir, "tmpfs", 0, "size=128k,mode=0700"), 0);
                close(fd);
                fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                assert_true(fd >= 0);
                assert_int_equal(state_file_write_at(fd, "state", &old), 0);
                want = -ENOSPC;
        } else {
                assert_int_equal(state_file_write_at(fd, "state", &old), 0);
                assert_int_equal(chmod(dir, 0500), 0);
                want = -EACCES;
        }
        assert_int_equal(state_file_write_at(fd, "state", &big), want);
        assert_int_equal(count_entries(fd, NULL, 0), 1);
        assert_int_equal(state_file_read_at(fd, "state", &back, reason), 0);
        assert_same(&old, &back);

        if (geteuid() == 0) {
                close(fd);
                assert_int_equal(umount(dir), 0);
        } else {
                assert_int_equal(chmod(dir, 0700), 0);
                assert_int_equal(unlinkat(fd, "state", 0), 0);
                close(fd);
        }
        assert_int_equal(rmdir(dir), 0);
}

/* SipHash-2-4 against the published test vectors (key 00..0f, message 00..len-1). */
static void test_siphash_vectors(void **state) {
        uint8_t key[SIPHASH_KEY_SIZE], msg[15];
        for (unsigned i = 0; i < sizeof key; i++)
                key[i] = (uint8_t) i;
        for (unsigned i = 0; i < sizeof msg; i++)
                msg[i] = (uint8_t) i;
        assert_true(siphash24(key, msg, 0) == UINT64_C(0x726fdb47dd0e0e31));
        assert_true(siphash24(key, msg, 15) == UINT64_C(0xa129ca6149be45e5));
}

/* A signed file reads back only under its key: not under another, not unsigned; and an
 * unsigned file (anyone can compute FNV-1a) is refused under a key. */
static void test_keyed(void **state) {
        StateKey a = { { 1, 2, 3 } }, b = { { 1, 2, 4 } };
        StateFile s = {}, got = {};
        char reason[STATE_REASON_MAX];
        char *buf = NULL;
        size_t n = 0;

        assert_int_equal(state_file_add(&s, "unit", "x.service"), 0);
        assert_int_equal(state_file_format_keyed(&s, &a, &buf, &n), 0);
        assert_int_equal(state_file_parse_keyed(buf, n, &a, &got, reason), 0);
        assert_string_equal(state_file_get(&got, "unit"), "x.service");
        state_file_done(&got);
        assert_int_equal(state_file_parse_keyed(buf, n, &b, &got, reason), -EBADMSG);
        assert_string_equal(reason, "checksum mismatch");
        assert_int_equal(state_file_parse(buf, n, &got, reason), -EBADMSG);
        free(buf);
        assert_int_equal(state_file_format(&s, &buf, &n), 0);
        assert_int_equal(state_file_parse_keyed(buf, n, &a, &got, reason), -EBADMSG);
        free(buf);
        state_file_done(&s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_checksum_definition),
                cmocka_unit_test(test_siphash_vectors),
                cmocka_unit_test(test_keyed),
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_getters),
                cmocka_unit_test(test_add_refusals),
                cmocka_unit_test(test_damage),
                cmocka_unit_test(test_refusals),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_write_read),
                cmocka_unit_test(test_write_failure_keeps_old),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
