/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Learn mode's filter and answers (see exec-learn.h for what is recorded and from when).
 */
#include <errno.h>
#include <linux/audit.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "exec/exec-learn.h"

#if defined(__x86_64__)
#define LEARN_NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define LEARN_NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "learn mode knows no audit arch for this architecture"
#endif

#define LEARN_ARG_LO(i) ((uint32_t) offsetof(struct seccomp_data, args[i]))
#define LEARN_ARG_HI(i) ((uint32_t) offsetof(struct seccomp_data, args[i]) + 4U)

void exec_learn_filter(const uint64_t key[EXEC_KEY_WORDS], struct sock_filter buf[EXEC_LEARN_FILTER_LEN],
                       struct sock_fprog *ret) {
        /* Every jump that fails goes to the last instruction, USER_NOTIF. A failed jump at
         * index I skips (EXEC_LEARN_FILTER_LEN - 2 - I) instructions to get there. */
#define TO_NOTIFY(i) ((uint8_t) (EXEC_LEARN_FILTER_LEN - 2U - (i)))
        size_t i = 0;

        buf[i] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
        i++;
        buf[i] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LEARN_NATIVE_AUDIT_ARCH, 0, TO_NOTIFY(i));
        i++;
        buf[i] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
        i++;
        buf[i] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmsg, 0, TO_NOTIFY(i));
        i++;
        /* Two words of the key (args 3 and 4) are 128 random bits: enough. */
        for (unsigned w = 0; w < 2; w++) {
                buf[i] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, LEARN_ARG_LO(3 + w));
                i++;
                buf[i] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) key[w], 0, TO_NOTIFY(i));
                i++;
        }
        buf[i] = (struct sock_filter) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, LEARN_ARG_HI(3));
        i++;
        buf[i] = (struct sock_filter) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) (key[0] >> 32), 0, TO_NOTIFY(i));
        i++;
        buf[i++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        buf[i++] = (struct sock_filter) BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
#undef TO_NOTIFY
        *ret = (struct sock_fprog) { .len = (unsigned short) i, .filter = buf };
}

static const struct sock_filter learn_allow_all_insns[] = {
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static const struct sock_fprog learn_allow_all = {
        .len = 1,
        .filter = (struct sock_filter *) learn_allow_all_insns,
};

const struct sock_fprog *exec_learn_allow_all(void) {
        return &learn_allow_all;
}

int exec_learn_answer(ExecProcess *p, const struct seccomp_notif *n) {
        /* Before the launch only the child runs under the filter: its own set-up calls. */
        if (p->launched && p->learn_cb)
                p->learn_cb(n, p->learn_userdata);
        memset(p->resp, 0, p->resp_size);
        p->resp->id = n->id;
        p->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        if (ioctl(p->listener_fd, SECCOMP_IOCTL_NOTIF_SEND, p->resp) < 0)
                /* ENOENT: the caller was interrupted or died; nothing to answer. */
                return errno == ENOENT ? 0 : -errno;
        return 0;
}
