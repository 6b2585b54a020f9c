/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The per-user directories from the XDG variables (lib/user-dirs.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "strv.h"
#include "user-dirs.h"

static void test_user_dirs_defaults(void **state) {
        const UserEnv e = { .home = "/home/u", .runtime_dir = "/run/user/1000" };
        UserDirs d = {};
        const char *missing = NULL;

        assert_int_equal(user_dirs_build(&e, &d, &missing), 0);
        assert_null(missing);
        assert_string_equal(d.runtime_dir, "/run/user/1000/syscage");
        assert_string_equal(d.socket_path, "/run/user/1000/syscage/control.sock");
        assert_string_equal(d.state_dir, "/home/u/.local/state/syscage");
        assert_int_equal(strv_length(d.units_path), 5);
        assert_string_equal(d.units_path[0], "/home/u/.config/syscage/user");
        assert_string_equal(d.units_path[1], SYSCAGE_SYSCONF_DIR "/user");
        assert_string_equal(d.units_path[2], "/run/user/1000/syscage/user");
        assert_string_equal(d.units_path[3], "/home/u/.local/share/syscage/user");
        assert_string_equal(d.units_path[4], SYSCAGE_USER_UNITS_DIR_VENDOR);
        user_dirs_done(&d);
        assert_null(d.units_path);
}

static void test_user_dirs_xdg(void **state) {
        /* A relative XDG value is ignored, as the specification says. */
        const UserEnv e = { .home = "/h", .config_home = "/c", .state_home = "s", .data_home = "/d",
                            .runtime_dir = "/r" };
        UserDirs d = {};
        const char *missing = NULL;

        assert_int_equal(user_dirs_build(&e, &d, &missing), 0);
        assert_string_equal(d.units_path[0], "/c/syscage/user");
        assert_string_equal(d.units_path[3], "/d/syscage/user");
        assert_string_equal(d.state_dir, "/h/.local/state/syscage");
        user_dirs_done(&d);
}

static void test_user_dirs_missing(void **state) {
        const UserEnv no_runtime = { .home = "/h" };
        const UserEnv relative_runtime = { .home = "/h", .runtime_dir = "run" };
        const UserEnv no_home = { .runtime_dir = "/r", .config_home = "/c" };
        const UserEnv all_xdg = { .runtime_dir = "/r", .config_home = "/c", .state_home = "/s",
                                  .data_home = "/d" };
        UserDirs d = {};
        const char *missing = NULL;

        assert_int_equal(user_dirs_build(&no_runtime, &d, &missing), -ENXIO);
        assert_string_equal(missing, "XDG_RUNTIME_DIR");
        missing = NULL;
        assert_int_equal(user_dirs_build(&relative_runtime, &d, &missing), -ENXIO);
        assert_string_equal(missing, "XDG_RUNTIME_DIR");
        missing = NULL;
        assert_int_equal(user_dirs_build(&no_home, &d, &missing), -ENXIO);
        assert_string_equal(missing, "HOME");
        assert_null(d.units_path);
        /* Every XDG variable set: no home needed. */
        assert_int_equal(user_dirs_build(&all_xdg, &d, &missing), 0);
        assert_string_equal(d.state_dir, "/s/syscage");
        user_dirs_done(&d);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_user_dirs_defaults),
                cmocka_unit_test(test_user_dirs_xdg),
                cmocka_unit_test(test_user_dirs_missing),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
