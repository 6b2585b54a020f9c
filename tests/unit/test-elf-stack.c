/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The executable-stack reader on crafted headers: PT_GNU_STACK with and without PF_X, none
 * (64-bit: not executable; 32-bit: executable), a later header with PF_X, headers past the
 * buffer (asks for more), malformed sizes, other byte orders, non-ELF input; and "#!" lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "elf-stack.h"
#include "macro.h"

#define PHOFF64 sizeof(Elf64_Ehdr)
#define PHOFF32 sizeof(Elf32_Ehdr)

typedef struct Phdr {
        uint32_t type, flags;
} Phdr;

/* A 64-bit little-endian executable header followed by N program headers. */
static size_t craft64(uint8_t *buf, size_t size, const Phdr *ph, size_t n) {
        Elf64_Ehdr h = {
                .e_type = ET_DYN, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
                .e_phoff = PHOFF64, .e_ehsize = sizeof(Elf64_Ehdr),
                .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = (uint16_t) n,
        };
        size_t len = PHOFF64 + n * sizeof(Elf64_Phdr);

        assert_true(len <= size);
        memcpy(h.e_ident, ELFMAG, SELFMAG);
        h.e_ident[EI_CLASS] = ELFCLASS64;
        h.e_ident[EI_DATA] = ELFDATA2LSB;
        h.e_ident[EI_VERSION] = EV_CURRENT;
        memset(buf, 0, len);
        memcpy(buf, &h, sizeof h);
        for (size_t i = 0; i < n; i++) {
                Elf64_Phdr p = { .p_type = ph[i].type, .p_flags = ph[i].flags };
                memcpy(buf + PHOFF64 + i * sizeof p, &p, sizeof p);
        }
        return len;
}

static size_t craft32(uint8_t *buf, size_t size, const Phdr *ph, size_t n) {
        Elf32_Ehdr h = {
                .e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
                .e_phoff = PHOFF32, .e_ehsize = sizeof(Elf32_Ehdr),
                .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = (uint16_t) n,
        };
        size_t len = PHOFF32 + n * sizeof(Elf32_Phdr);

        assert_true(len <= size);
        memcpy(h.e_ident, ELFMAG, SELFMAG);
        h.e_ident[EI_CLASS] = ELFCLASS32;
        h.e_ident[EI_DATA] = ELFDATA2LSB;
        memset(buf, 0, len);
        memcpy(buf, &h, sizeof h);
        for (size_t i = 0; i < n; i++) {
                Elf32_Phdr p = { .p_type = ph[i].type, .p_flags = ph[i].flags };
                memcpy(buf + PHOFF32 + i * sizeof p, &p, sizeof p);
        }
        return len;
}

static ElfStack inspect(const uint8_t *buf, size_t len) {
        ElfStack s = _ELF_STACK_MAX;
        size_t need = 0;

        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), 0);
        return s;
}

static void test_stack_flags(void **state) {
        static const Phdr rw[] = { { PT_LOAD, PF_R | PF_X }, { PT_GNU_STACK, PF_R | PF_W } };
        static const Phdr rwx[] = { { PT_LOAD, PF_R }, { PT_GNU_STACK, PF_R | PF_W | PF_X } };
        static const Phdr none[] = { { PT_LOAD, PF_R | PF_X }, { PT_DYNAMIC, PF_R | PF_W } };
        /* The kernel honours the last header; a PF_X one anywhere is refused all the same. */
        static const Phdr twice[] = { { PT_GNU_STACK, PF_R | PF_W | PF_X }, { PT_GNU_STACK, PF_R | PF_W } };
        uint8_t buf[1024];

        assert_int_equal(inspect(buf, craft64(buf, sizeof buf, rw, ELEMENTSOF(rw))), ELF_STACK_NOT_EXEC);
        assert_int_equal(inspect(buf, craft64(buf, sizeof buf, rwx, ELEMENTSOF(rwx))), ELF_STACK_EXEC_HEADER);
        assert_int_equal(inspect(buf, craft64(buf, sizeof buf, none, ELEMENTSOF(none))), ELF_STACK_NOT_EXEC);
        assert_int_equal(inspect(buf, craft64(buf, sizeof buf, twice, ELEMENTSOF(twice))), ELF_STACK_EXEC_HEADER);
        assert_int_equal(inspect(buf, craft64(buf, sizeof buf, NULL, 0)), ELF_STACK_NOT_EXEC);

        assert_int_equal(inspect(buf, craft32(buf, sizeof buf, rw, ELEMENTSOF(rw))), ELF_STACK_NOT_EXEC);
        assert_int_equal(inspect(buf, craft32(buf, sizeof buf, rwx, ELEMENTSOF(rwx))), ELF_STACK_EXEC_HEADER);
        /* 32-bit without the header: executable stack and READ_IMPLIES_EXEC. */
        assert_int_equal(inspect(buf, craft32(buf, sizeof buf, none, ELEMENTSOF(none))), ELF_STACK_EXEC_DEFAULT);
        assert_string_equal(elf_stack_to_string(ELF_STACK_EXEC_HEADER), "executable (PT_GNU_STACK RWX)");
}

static void test_short_buffer(void **state) {
        static const Phdr rwx[] = { { PT_LOAD, PF_R }, { PT_GNU_STACK, PF_R | PF_W | PF_X } };
        uint8_t buf[1024];
        size_t len = craft64(buf, sizeof buf, rwx, ELEMENTSOF(rwx)), need = 0;
        ElfStack s;

        assert_int_equal(elf_stack_inspect(buf, 10, &need, &s), -ENOBUFS);
        assert_int_equal(need, EI_NIDENT);
        assert_int_equal(elf_stack_inspect(buf, 20, &need, &s), -ENOBUFS);
        assert_int_equal(need, sizeof(Elf64_Ehdr));
        assert_int_equal(elf_stack_inspect(buf, len - 1, &need, &s), -ENOBUFS);
        assert_int_equal(need, len);
        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), 0);
        assert_int_equal(s, ELF_STACK_EXEC_HEADER);
}

static void test_malformed(void **state) {
        static const Phdr one[] = { { PT_GNU_STACK, PF_R | PF_W } };
        uint8_t buf[1024];
        size_t len, need;
        Elf64_Ehdr h;
        ElfStack s;

        /* Wrong entry size. */
        len = craft64(buf, sizeof buf, one, 1);
        memcpy(&h, buf, sizeof h);
        h.e_phentsize = sizeof(Elf32_Phdr);
        memcpy(buf, &h, sizeof h);
        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), -EBADMSG);
        /* Headers far away. */
        len = craft64(buf, sizeof buf, one, 1);
        memcpy(&h, buf, sizeof h);
        h.e_phoff = UINT64_MAX - 8;
        memcpy(buf, &h, sizeof h);
        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), -EBADMSG);
        h.e_phoff = ELF_STACK_HEADERS_MAX;
        memcpy(buf, &h, sizeof h);
        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), -EBADMSG);
        /* Too many. */
        h.e_phoff = PHOFF64;
        h.e_phnum = 0xffff;
        memcpy(buf, &h, sizeof h);
        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), -EBADMSG);
        /* Big-endian, and an unknown class. */
        len = craft64(buf, sizeof buf, one, 1);
        buf[EI_DATA] = ELFDATA2MSB;
        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), -EBADMSG);
        buf[EI_DATA] = ELFDATA2LSB;
        buf[EI_CLASS] = 3;
        assert_int_equal(elf_stack_inspect(buf, len, &need, &s), -EBADMSG);
}

static void test_not_elf(void **state) {
        static const char script[] = "#!/bin/sh\necho hi\n";
        ElfStack s = _ELF_STACK_MAX;
        size_t need;

        assert_int_equal(elf_stack_inspect(script, sizeof script - 1, &need, &s), 0);
        assert_int_equal(s, ELF_STACK_NOT_ELF);
        assert_int_equal(elf_stack_inspect("\177EL", 3, &need, &s), 0);
        assert_int_equal(s, ELF_STACK_NOT_ELF);
        assert_int_equal(elf_stack_inspect("", 0, &need, &s), 0);
        assert_int_equal(s, ELF_STACK_NOT_ELF);
}

static void expect_shebang(const char *text, int want, const char *want_path) {
        char *path = NULL;

        assert_int_equal(elf_stack_shebang(text, strlen(text), &path), want);
        if (want_path)
                assert_string_equal(path, want_path);
        else
                assert_null(path);
        free(path);
}

static void test_shebang(void **state) {
        char long_line[ELF_STACK_SHEBANG_MAX + 16];

        expect_shebang("#!/bin/sh\necho\n", 1, "/bin/sh");
        expect_shebang("#! \t/usr/bin/env python3 -u\n", 1, "/usr/bin/env");
        expect_shebang("#!/bin/bash", 1, "/bin/bash"); /* the file ends the line */
        expect_shebang("#!relative/interp\n", 1, "relative/interp");
        expect_shebang("#!\n", -ENOEXEC, NULL);
        expect_shebang("#!   \n", -ENOEXEC, NULL);
        expect_shebang("echo hi\n", 0, NULL);
        expect_shebang("#", 0, NULL);
        expect_shebang("\177ELF", 0, NULL);
        /* A name that runs past what the kernel reads. */
        memset(long_line, 'a', sizeof long_line);
        memcpy(long_line, "#!/", 3);
        long_line[sizeof long_line - 1] = '\0';
        expect_shebang(long_line, -ENOEXEC, NULL);
        /* A long line is fine when the name ends early. */
        memcpy(long_line, "#!/bin/sh ", 10);
        expect_shebang(long_line, 1, "/bin/sh");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stack_flags),
                cmocka_unit_test(test_short_buffer),
                cmocka_unit_test(test_malformed),
                cmocka_unit_test(test_not_elf),
                cmocka_unit_test(test_shebang),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
