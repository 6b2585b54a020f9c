/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RemoveIPC=: parsing /proc/sysvipc/{shm,msg,sem} (as the kernel formats them) and the
 * ownership rule. No root needed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/remove-ipc.h"

typedef struct Collected {
        SysvIpcEntry e[8];
        size_t n;
} Collected;

static void collect(const SysvIpcEntry *e, void *userdata) {
        Collected *c = userdata;
        if (c->n < 8)
                c->e[c->n++] = *e;
}

static const char shm_text[] =
        "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
        "         0          5  1600                  4096  1234  1234      0 61200 61200 61200 61200          0          0 1700000000                     0                     0\n"
        "1234567890        131   600                 65536  1300     0      1     0     0  1000  1000          0          0 1700000001                  4096                     0\n";

static const char msg_text[] =
        "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n"
        "         0          2   600           0          0     0     0  1000  1000  1000  1000          0          0 1700000000\n";

static const char sem_text[] =
        "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
        "         0          7   600          1     0  2000     0     0          0 1700000000\n"
        "garbage line\n";

static void test_parse(void **state) {
        Collected c = {};
        assert_int_equal(sysv_ipc_parse(SYSV_IPC_SHM, shm_text, collect, &c), 2);
        assert_int_equal(c.e[0].id, 5);
        assert_int_equal(c.e[0].uid, 61200);
        assert_int_equal(c.e[1].id, 131);
        assert_int_equal(c.e[1].uid, 0);
        assert_int_equal(c.e[1].cuid, 1000);
        assert_int_equal(c.e[1].cgid, 1000);

        c = (Collected) {};
        assert_int_equal(sysv_ipc_parse(SYSV_IPC_MSG, msg_text, collect, &c), 1);
        assert_int_equal(c.e[0].id, 2);

        c = (Collected) {};
        assert_int_equal(sysv_ipc_parse(SYSV_IPC_SEM, sem_text, collect, &c), 1);
        assert_int_equal(c.e[0].id, 7);
        assert_int_equal(c.e[0].gid, 2000);

        /* Only a header: no objects. A header without the id column: refused. */
        c = (Collected) {};
        assert_int_equal(sysv_ipc_parse(SYSV_IPC_SEM, "key semid perms nsems uid gid cuid cgid\n", collect, &c), 0);
        assert_int_equal(sysv_ipc_parse(SYSV_IPC_SHM, msg_text, collect, &c), -EBADMSG);
        assert_int_equal(sysv_ipc_parse(SYSV_IPC_SHM, "", collect, &c), -EBADMSG);
}

static void test_matches(void **state) {
        SysvIpcEntry owned = { .id = 1, .uid = 1000, .gid = 1000, .cuid = 0, .cgid = 0 };
        SysvIpcEntry created = { .id = 2, .uid = 0, .gid = 0, .cuid = 1000, .cgid = 5 };
        SysvIpcEntry root = { .id = 3 };

        assert_true(sysv_ipc_entry_matches(&owned, 1000, (gid_t) -1));
        assert_true(sysv_ipc_entry_matches(&created, 1000, (gid_t) -1));
        assert_true(sysv_ipc_entry_matches(&created, (uid_t) -1, 5));
        assert_false(sysv_ipc_entry_matches(&owned, 1001, 1001));
        /* Root's objects never match, even when asked for uid 0. */
        assert_false(sysv_ipc_entry_matches(&root, 0, 0));
        assert_false(sysv_ipc_entry_matches(&root, (uid_t) -1, (gid_t) -1));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_matches),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
