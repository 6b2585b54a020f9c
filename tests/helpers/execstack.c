/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Tries to run code from writable memory and prints one line per attempt, for the
 * MemoryDenyWriteExecute= tests. Built twice: "execstack" linked with -z execstack (the
 * kernel maps its stack read-write-execute), "mdwe-probe" normally.
 *
 *   stack     if the stack is executable (/proc/self/maps), copy a tiny function onto it
 *             and call it: "stack: ran 42"; else "stack: not executable"
 *   mprotect  write that function into an anonymous read-write page, mprotect() it to
 *             read+exec and call it: "mprotect: ran 42", or "mprotect: errno=N"
 *   mdwe      prctl(PR_GET_MDWE): "mdwe: N" (-1 and errno on older kernels)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66
#endif

/* return 42 */
#if defined(__x86_64__)
static const uint8_t code[] = { 0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3 }; /* mov $42, %eax; ret */
#elif defined(__aarch64__)
static const uint8_t code[] = { 0x40, 0x05, 0x80, 0x52, 0xc0, 0x03, 0x5f, 0xd6 }; /* mov w0, #42; ret */
#else
#error "no test code for this architecture"
#endif

/* Calls the copy of CODE at AT. */
static int call(uint8_t *at) {
        int (*fn)(void);

        __builtin___clear_cache((char *) at, (char *) at + sizeof code);
        memcpy(&fn, &at, sizeof fn);
        return fn();
}

static int stack_executable(void) {
        char line[512];
        FILE *f = fopen("/proc/self/maps", "re");
        int x = 0;

        if (!f)
                return -1;
        while (fgets(line, sizeof line, f))
                if (strstr(line, "[stack]")) {
                        char perms[8] = "";
                        if (sscanf(line, "%*s %7s", perms) == 1)
                                x = strchr(perms, 'x') != NULL;
                }
        fclose(f);
        return x;
}

static int do_stack(void) {
        uint8_t buf[64] __attribute__((aligned(16)));

        if (stack_executable() <= 0) {
                printf("stack: not executable\n");
                return 0;
        }
        memcpy(buf, code, sizeof code);
        printf("stack: ran %d\n", call(buf));
        return 0;
}

static int do_mprotect(void) {
        uint8_t *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (p == MAP_FAILED) {
                printf("mprotect: mmap errno=%d\n", errno);
                return 1;
        }
        memcpy(p, code, sizeof code);
        if (mprotect(p, 4096, PROT_READ | PROT_EXEC) < 0) {
                printf("mprotect: errno=%d\n", errno);
                return 0;
        }
        printf("mprotect: ran %d\n", call(p));
        return 0;
}

int main(int argc, char **argv) {
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc == 2 && strcmp(argv[1], "stack") == 0)
                return do_stack();
        if (argc == 2 && strcmp(argv[1], "mprotect") == 0)
                return do_mprotect();
        if (argc == 2 && strcmp(argv[1], "mdwe") == 0) {
                int r = prctl(PR_GET_MDWE, 0, 0, 0, 0);
                printf("mdwe: %d\n", r < 0 ? -errno : r);
                return 0;
        }
        fprintf(stderr, "usage: execstack stack|mprotect|mdwe\n");
        return 2;
}
