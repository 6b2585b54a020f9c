/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A unit's directories below --directories-root: their places, the environment, the
 * DynamicUser= layout (link to private/NAME, moving a directory in and out of private/),
 * giving a tree to a new owner without following links, and the MountPlanContext filled
 * for the mount plan. Ownership checks need root and are skipped without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/manager.h"
#include "core/unit-dirs.h"
#include "core/unit-runtime.h"
#include "core/unit-sandbox-context.h"
#include "exec/exec-plan.h"
#include "mount-plan.h"
#include "strv.h"
#include "unit-config.h"
#include "unit-file.h"

typedef struct Fixture {
        char dir[64];
        char root[96], run[96], state[96], sock[128], units[96];
        char *units_dirs[2];
        Manager manager;
        Unit *unit;
} Fixture;

static const char unit_text[] =
        "[Service]\n"
        "ExecStart=/bin/true\n"
        "RuntimeDirectory=rt a/b\n"
        "StateDirectory=st\n"
        "LogsDirectory=lg\n"
        "StateDirectoryMode=0700\n";

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        DiagList diags = {};
        assert_non_null(f);
        strcpy(f->dir, "/tmp/test-unit-dirs-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        snprintf(f->root, sizeof f->root, "%s/root", f->dir);
        snprintf(f->run, sizeof f->run, "%s/run", f->dir);
        snprintf(f->state, sizeof f->state, "%s/state", f->dir);
        snprintf(f->sock, sizeof f->sock, "%s/run/control.sock", f->dir);
        snprintf(f->units, sizeof f->units, "%s/units", f->dir);
        f->units_dirs[0] = f->units;
        f->manager.directories_root = f->root;
        f->manager.runtime_dir = f->run;
        f->manager.state_files_fd = -EBADF;
        f->manager.state_dir = f->state;
        f->manager.socket_path = f->sock;
        f->manager.units_dirs = f->units_dirs;
        assert_int_equal(unit_new(&f->manager, "demo.service", &f->unit), 0);
        assert_int_equal(unit_file_load_string("demo.service", "demo.service", unit_text, &diags, &f->unit->file), 0);
        assert_int_equal(unit_config_parse(f->unit->file, &diags, &f->unit->config), 0);
        diag_list_done(&diags);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        char cmd[128];
        unit_free(f->unit);
        if (f->manager.state_files_fd >= 0)
                close(f->manager.state_files_fd);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
        assert_int_equal(system(cmd), 0);
        free(f);
        return 0;
}

static void at(const Fixture *f, const char *rel, char *buf, size_t size) {
        snprintf(buf, size, "%s/%s", f->root, rel);
}

static void test_bases(void **state) {
        Fixture *f = *state;
        const char *want[] = { "run", "var/lib", "var/cache", "var/log", "etc" };
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++) {
                char *b, exp[160];
                assert_int_equal(unit_dirs_base(&f->manager, k, &b), 0);
                at(f, want[k], exp, sizeof exp);
                assert_string_equal(b, exp);
                free(b);
        }
        /* The default root gives systemd's places. */
        f->manager.directories_root = (char *) "/";
        char *b;
        assert_int_equal(unit_dirs_base(&f->manager, UNIT_DIR_STATE, &b), 0);
        assert_string_equal(b, "/var/lib");
        free(b);
        f->manager.directories_root = f->root;
        assert_string_equal(unit_dir_kind_to_string(UNIT_DIR_LOGS), "LogsDirectory");
}

/* A per-user manager: the XDG variables, their defaults below $HOME, and no base at all
 * without $XDG_RUNTIME_DIR. */
static void test_user_bases(void **state) {
        char *env[] = { (char *) "HOME=/home/u", (char *) "XDG_RUNTIME_DIR=/run/user/1000",
                        (char *) "XDG_CACHE_HOME=/c", (char *) "XDG_CONFIG_HOME=relative", NULL };
        const char *want[] = { "/run/user/1000", "/home/u/.local/state", "/c", "/home/u/.local/state/log",
                               "/home/u/.config" };
        char *b;
        for (UnitDirKind k = 0; k < _UNIT_DIR_KIND_MAX; k++) {
                assert_int_equal(unit_dirs_base_for(k, true, "/ignored", env, &b), 0);
                assert_string_equal(b, want[k]);
                free(b);
        }
        char *env2[] = { (char *) "XDG_STATE_HOME=/s", NULL };
        assert_int_equal(unit_dirs_base_for(UNIT_DIR_LOGS, true, NULL, env2, &b), 0);
        assert_string_equal(b, "/s/log");
        free(b);
        assert_int_equal(unit_dirs_base_for(UNIT_DIR_RUNTIME, true, NULL, env2, &b), -ENXIO);
        assert_int_equal(unit_dirs_base_for(UNIT_DIR_CACHE, true, NULL, env2, &b), -ENXIO);
        /* The system manager ignores the environment. */
        assert_int_equal(unit_dirs_base_for(UNIT_DIR_CONFIGURATION, false, NULL, env, &b), 0);
        assert_string_equal(b, "/etc");
        free(b);
}

static void reparse(Fixture *f, const char *text) {
        DiagList diags = {};
        unit_config_free(f->unit->config);
        f->unit->config = NULL;
        unit_file_free(f->unit->file);
        f->unit->file = NULL;
        assert_int_equal(unit_file_load_string("demo.service", "demo.service", text, &diags, &f->unit->file), 0);
        assert_int_equal(unit_config_parse(f->unit->file, &diags, &f->unit->config), 0);
        diag_list_done(&diags);
}

/* CacheDirectory=, ConfigurationDirectory= (root's, an existing one keeps its mode), the
 * "NAME:LINK" links, the environment of all five, and owners: root without User=, and a
 * directory that had another owner given back with what is in it. */
static void test_all_kinds(void **state) {
        Fixture *f = *state;
        char p[256], link[256];
        struct stat st;
        reparse(f, "[Service]\nExecStart=/bin/true\nRuntimeDirectory=r:l1 r:x/l2\nCacheDirectory=c\n"
                   "CacheDirectoryMode=0750\nConfigurationDirectory=cf cf2\nConfigurationDirectoryMode=0700\n");
        at(f, "etc/cf2", p, sizeof p);
        assert_int_equal(mkdir(f->root, 0755), 0);
        at(f, "etc", p, sizeof p);
        assert_int_equal(mkdir(p, 0755), 0);
        at(f, "etc/cf2", p, sizeof p);
        assert_int_equal(mkdir(p, 0755), 0);
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, false, NULL), 0);
        at(f, "var/cache/c", p, sizeof p);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        at(f, "etc/cf", p, sizeof p);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        at(f, "etc/cf2", p, sizeof p);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0755); /* existed: left as it was */
        at(f, "run/l1", p, sizeof p);
        ssize_t n = readlink(p, link, sizeof link - 1);
        assert_true(n > 0);
        link[n] = '\0';
        assert_string_equal(link, "r");
        at(f, "run/x/l2", p, sizeof p);
        n = readlink(p, link, sizeof link - 1);
        assert_true(n > 0);
        link[n] = '\0';
        assert_string_equal(link, "../r");
        /* Again: the links are there already. */
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, false, NULL), 0);

        _cleanup_strv_free_ char **env = NULL;
        char exp[512];
        assert_int_equal(unit_dirs_env(f->unit, &env), 0);
        assert_int_equal(strv_length(env), 3);
        snprintf(exp, sizeof exp, "CACHE_DIRECTORY=%s/var/cache/c", f->root);
        assert_string_equal(env[1], exp);
        snprintf(exp, sizeof exp, "CONFIGURATION_DIRECTORY=%s/etc/cf:%s/etc/cf2", f->root, f->root);
        assert_string_equal(env[2], exp);
        _cleanup_strv_free_ char **w = NULL, **parents = NULL, **dirs = NULL;
        assert_int_equal(unit_dirs_paths(f->unit, true, &w, &parents, &dirs), 0);
        assert_int_equal(strv_length(w), 4);
        assert_int_equal(strv_length(dirs), 1); /* only CacheDirectory= is private */
        at(f, "var/cache/private/c", p, sizeof p);
        assert_string_equal(dirs[0], p);

        /* Something else where a link goes: an error that names it. */
        at(f, "run/l1", p, sizeof p);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(mkdir(p, 0755), 0);
        _cleanup_free_ char *msg = NULL;
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, false, &msg), -EEXIST);
        assert_non_null(strstr(msg, "l1"));

        if (geteuid() != 0)
                return;
        assert_int_equal(rmdir(p), 0);
        /* Owned by someone else, with a file in it: root's again, file included. */
        char file[300];
        at(f, "var/cache/c", p, sizeof p);
        snprintf(file, sizeof file, "%s/f", p);
        int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(chown(file, 61990, 61990), 0);
        assert_int_equal(chown(p, 61990, 61990), 0);
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, false, NULL), 0);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_uid, 0);
        assert_int_equal(stat(file, &st), 0);
        assert_int_equal(st.st_uid, 0);
        /* ConfigurationDirectory= is never given to the unit's user. */
        assert_int_equal(unit_dirs_setup(f->unit, 61990, 61990, false, NULL), 0);
        at(f, "etc/cf", p, sizeof p);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_uid, 0);
        at(f, "var/cache/c", p, sizeof p);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_uid, 61990);
}

static void test_env(void **state) {
        Fixture *f = *state;
        _cleanup_strv_free_ char **env = NULL;
        char exp[512];
        assert_int_equal(unit_dirs_env(f->unit, &env), 0);
        assert_int_equal(strv_length(env), 3);
        snprintf(exp, sizeof exp, "RUNTIME_DIRECTORY=%s/run/rt:%s/run/a/b", f->root, f->root);
        assert_string_equal(env[0], exp);
        snprintf(exp, sizeof exp, "STATE_DIRECTORY=%s/var/lib/st", f->root);
        assert_string_equal(env[1], exp);
        snprintf(exp, sizeof exp, "LOGS_DIRECTORY=%s/var/log/lg", f->root);
        assert_string_equal(env[2], exp);
}

static void test_setup_plain(void **state) {
        Fixture *f = *state;
        char p[256];
        struct stat st;
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, false, NULL), 0);
        at(f, "run/a/b", p, sizeof p);
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        at(f, "var/lib/st", p, sizeof p);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0700);
        /* Stopping removes the runtime directories (moved away at once; no remover here). */
        unit_dirs_remove_runtime(f->unit);
        at(f, "run/rt", p, sizeof p);
        assert_int_equal(access(p, F_OK), -1);
        at(f, "var/lib/st", p, sizeof p);
        assert_int_equal(access(p, F_OK), 0);
}

static void test_private_layout(void **state) {
        Fixture *f = *state;
        char p[256], link[256], file[300];
        struct stat st;
        ssize_t n;

        /* A directory of an earlier, non-dynamic run, with something in it. */
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, false, NULL), 0);
        at(f, "var/lib/st/data", file, sizeof file);
        int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        close(fd);

        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, true, NULL), 0);
        at(f, "var/lib/st", p, sizeof p);
        n = readlink(p, link, sizeof link - 1);
        assert_true(n > 0);
        link[n] = '\0';
        assert_string_equal(link, "private/st");
        at(f, "var/lib/private/st/data", file, sizeof file);
        assert_int_equal(access(file, F_OK), 0);
        at(f, "var/lib/private", p, sizeof p);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);
        at(f, "var/log/lg", p, sizeof p);
        n = readlink(p, link, sizeof link - 1);
        assert_true(n > 0);
        /* The runtime directory is never private. */
        at(f, "run/rt", p, sizeof p);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        /* Again: nothing changes. */
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, true, NULL), 0);

        /* The mount plan's view. */
        _cleanup_strv_free_ char **w = NULL, **parents = NULL, **dirs = NULL;
        assert_int_equal(unit_dirs_paths(f->unit, true, &w, &parents, &dirs), 0);
        assert_int_equal(strv_length(w), 4);
        at(f, "var/lib/private/st", p, sizeof p);
        assert_string_equal(w[2], p);
        assert_string_equal(dirs[0], p);
        at(f, "var/lib/private", p, sizeof p);
        assert_string_equal(parents[0], p);
        assert_int_equal(strv_length(parents), 2);
        assert_int_equal(strv_length(dirs), 2);

        /* Not dynamic any more: the directory comes back to its place. */
        assert_int_equal(unit_dirs_setup(f->unit, EXEC_UID_UNSET, EXEC_GID_UNSET, false, NULL), 0);
        at(f, "var/lib/st", p, sizeof p);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        at(f, "var/lib/st/data", file, sizeof file);
        assert_int_equal(access(file, F_OK), 0);
}

static void test_context(void **state) {
        Fixture *f = *state;
        _cleanup_(unit_sandbox_context_freep) UnitSandboxContext *c = NULL;
        char p[256];

        assert_int_equal(mkdir(f->run, 0755), 0);
        assert_int_equal(unit_sandbox_inaccessible_setup(f->run, &f->manager.inaccessible_file), 0);
        struct stat st;
        assert_int_equal(stat(f->manager.inaccessible_file, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0);
        assert_int_equal(st.st_size, 0);
        snprintf(p, sizeof p, "%s/inaccessible/dir", f->run);
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0);
        /* Twice is fine (a restarted daemon). */
        free(f->manager.inaccessible_file);
        assert_int_equal(unit_sandbox_inaccessible_setup(f->run, &f->manager.inaccessible_file), 0);

        assert_int_equal(unit_sandbox_context_build(f->unit, &c), 0);
        assert_null(c->ctx.private_tmp); /* no PrivateTmp= */
        assert_string_equal(c->ctx.inaccessible_file, f->manager.inaccessible_file);
        assert_int_equal(strv_length((char **) c->ctx.writable), 4);
        at(f, "run/rt", p, sizeof p);
        assert_string_equal(c->ctx.writable[0], p);
        /* Not dynamic: no private parents. */
        assert_null(c->ctx.private_parents[0]);
        assert_string_equal(c->ctx.hidden[0], f->units);
        assert_string_equal(c->ctx.hidden[1], f->state);
        assert_string_equal(c->ctx.hidden[2], f->run);
        assert_string_equal(c->ctx.hidden[3], f->sock);
        assert_null(c->ctx.hidden[4]);
        free(f->manager.inaccessible_file);
        f->manager.inaccessible_file = NULL;
}

/* The context of a DynamicUser= unit with a private /tmp makes a plan: the private parents
 * covered, the unit's own directories bound back, /tmp and /var/tmp from the context. */
static void test_context_plans(void **state) {
        Fixture *f = *state;
        _cleanup_(unit_sandbox_context_freep) UnitSandboxContext *c = NULL;
        DiagList diags = {};
        MountPlan *plan = NULL;
        char p[256];
        bool parent_tmpfs = false, dir_bind = false, tmp_bind = false;

        assert_int_equal(mkdir(f->run, 0755), 0);
        assert_int_equal(unit_sandbox_inaccessible_setup(f->run, &f->manager.inaccessible_file), 0);
        f->unit->config->sandbox.dynamic_user = true;
        f->unit->config->sandbox.private_tmp = true;
        UnitRuntime rt = { .dynamic = true, .started = true, .uid = 61999, .gid = 61999,
                           .private_tmp = { .tmp = (char *) "/tmp/syscage-private-x/tmp",
                                            .var_tmp = (char *) "/var/tmp/syscage-private-x/tmp" } };
        f->unit->runtime = &rt;
        assert_int_equal(unit_sandbox_context_build(f->unit, &c), 0);
        f->unit->runtime = NULL;
        assert_int_equal(mount_plan_build(&f->unit->config->sandbox, &c->ctx, &diags, &plan), 0);
        at(f, "var/lib/private", p, sizeof p);
        for (size_t i = 0; i < plan->n_ops; i++) {
                const MountOp *op = &plan->ops[i];
                if (op->kind == MOUNT_OP_TMPFS && streq(op->target, p))
                        parent_tmpfs = true;
                if (op->kind == MOUNT_OP_BIND && op->source && strneq(op->target, p, strlen(p)) &&
                    streq(op->source, op->target))
                        dir_bind = true;
                if (op->kind == MOUNT_OP_BIND && op->source && streq(op->target, "/tmp") &&
                    streq(op->source, "/tmp/syscage-private-x/tmp"))
                        tmp_bind = true;
        }
        assert_true(parent_tmpfs);
        assert_true(dir_bind);
        assert_true(tmp_bind);
        mount_plan_free(plan);
        diag_list_done(&diags);
        free(f->manager.inaccessible_file);
        f->manager.inaccessible_file = NULL;
}

static void test_chown_tree(void **state) {
        Fixture *f = *state;
        char p[128], victim[128], cmd[2048];
        if (geteuid() != 0) {
                print_message("skipped: changing owners needs root\n");
                return;
        }
        snprintf(victim, sizeof victim, "%s/victim", f->dir);
        int fd = open(victim, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        at(f, "tree", p, sizeof p);
        snprintf(cmd, sizeof cmd, "mkdir -p %s/a/b && touch %s/a/f %s/a/b/g && ln -s %s %s/a/link && ln -s %s/a %s/dirlink",
                 p, p, p, victim, p, f->dir, p);
        assert_int_equal(system(cmd), 0);
        int tfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(tfd >= 0);
        size_t budget = 100;
        assert_int_equal(unit_dirs_chown_tree(tfd, 61999, 61999, &budget), 0);
        struct stat st;
        snprintf(cmd, sizeof cmd, "%s/a/b/g", p);
        assert_int_equal(lstat(cmd, &st), 0);
        assert_int_equal(st.st_uid, 61999);
        snprintf(cmd, sizeof cmd, "%s/a/link", p);
        assert_int_equal(lstat(cmd, &st), 0);
        assert_int_equal(st.st_uid, 61999); /* the link itself */
        assert_int_equal(stat(victim, &st), 0);
        assert_int_equal(st.st_uid, 0);    /* never its target */
        /* The budget bounds the walk. */
        budget = 2;
        assert_int_equal(unit_dirs_chown_tree(tfd, 62000, 62000, &budget), -E2BIG);
        close(tfd);
}

/* A hard link that the tree's previous owner made to a file that is not its own (possible
 * with fs.protected_hardlinks=0, the kernel's default): the walk must not give that file to
 * the new owner. The plain file next to it still changes owner. */
static void test_chown_tree_hardlink(void **state) {
        Fixture *f = *state;
        char p[128], victim[128], cmd[1024];
        struct stat st;
        if (geteuid() != 0) {
                print_message("skipped: changing owners needs root\n");
                return;
        }
        snprintf(victim, sizeof victim, "%s/shadow", f->dir);
        int fd = open(victim, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        close(fd);
        at(f, "tree", p, sizeof p);
        snprintf(cmd, sizeof cmd, "mkdir -p %s/sub && touch %s/own && ln %s %s/sub/shadow-link", p, p, victim, p);
        assert_int_equal(system(cmd), 0);
        int tfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(tfd >= 0);
        size_t budget = 100;
        assert_int_equal(unit_dirs_chown_tree(tfd, 61999, 61999, &budget), 0);
        close(tfd);
        assert_int_equal(stat(victim, &st), 0);
        assert_int_equal(st.st_uid, 0); /* the linked file keeps its owner */
        assert_int_equal(st.st_gid, 0);
        snprintf(cmd, sizeof cmd, "%s/own", p);
        assert_int_equal(stat(cmd, &st), 0);
        assert_int_equal(st.st_uid, 61999); /* a file with one name changes owner */
        snprintf(cmd, sizeof cmd, "%s/sub", p);
        assert_int_equal(stat(cmd, &st), 0);
        assert_int_equal(st.st_uid, 61999);
}

/* A component of a directory's path that is a link (here run/a, planted as a link to a
 * directory outside the base that has a "b"): the setup must fail rather than take that
 * directory, change its mode and, for a dynamic user, give it away with all it holds. */
static void test_setup_link_in_path(void **state) {
        Fixture *f = *state;
        char p[160], victim[128], cmd[2048];
        struct stat st;
        if (geteuid() != 0) {
                print_message("skipped: changing owners needs root\n");
                return;
        }
        snprintf(victim, sizeof victim, "%s/elsewhere", f->dir);
        at(f, "run", p, sizeof p);
        snprintf(cmd, sizeof cmd, "mkdir -p %s/b %s && touch %s/b/precious && chmod 0711 %s/b && ln -s %s %s/a",
                 victim, p, victim, victim, victim, p);
        assert_int_equal(system(cmd), 0);
        int r = unit_dirs_setup(f->unit, 61999, 61999, true, NULL);
        assert_true(r == -ELOOP || r == -ENOTDIR);
        snprintf(cmd, sizeof cmd, "%s/b", victim);
        assert_int_equal(stat(cmd, &st), 0);
        assert_int_equal(st.st_uid, 0);
        assert_int_equal(st.st_mode & 07777, 0711);
        snprintf(cmd, sizeof cmd, "%s/b/precious", victim);
        assert_int_equal(stat(cmd, &st), 0);
        assert_int_equal(st.st_uid, 0);
        /* Without the link the same setup works, and the directory is the service's. */
        at(f, "run/a", p, sizeof p);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(unit_dirs_setup(f->unit, 61999, 61999, true, NULL), 0);
        at(f, "run/a/b", p, sizeof p);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_uid, 61999);
        at(f, "run/a", p, sizeof p);
        assert_int_equal(lstat(p, &st), 0);
        assert_int_equal(st.st_uid, 0); /* the parent stays root's */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_bases, setup, teardown),
                cmocka_unit_test_setup_teardown(test_env, setup, teardown),
                cmocka_unit_test(test_user_bases),
                cmocka_unit_test_setup_teardown(test_all_kinds, setup, teardown),
                cmocka_unit_test_setup_teardown(test_setup_plain, setup, teardown),
                cmocka_unit_test_setup_teardown(test_private_layout, setup, teardown),
                cmocka_unit_test_setup_teardown(test_context, setup, teardown),
                cmocka_unit_test_setup_teardown(test_context_plans, setup, teardown),
                cmocka_unit_test_setup_teardown(test_chown_tree, setup, teardown),
                cmocka_unit_test_setup_teardown(test_chown_tree_hardlink, setup, teardown),
                cmocka_unit_test_setup_teardown(test_setup_link_in_path, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
