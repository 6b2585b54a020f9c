/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading an executable's stack request the way the kernel's ELF loader does
 * (fs/binfmt_elf.c, as of Linux 6.x): a PT_GNU_STACK program header with PF_X maps the
 * initial stack read-write-execute; one without PF_X maps it without execute; with none, the
 * architecture decides. On x86_64 and arm64 a 64-bit program without the header gets a
 * non-executable stack; a 32-bit one (i386, and arm, a compat ABI) gets an executable stack
 * and the READ_IMPLIES_EXEC personality, which makes every readable mapping executable. The
 * loader honours the last PT_GNU_STACK; here any one with PF_X counts, so a file cannot
 * hide its request from this check behind an earlier header. Only the host's byte order is
 * read: the kernel runs nothing else. The dynamic loader's own headers play no part in the
 * stack the kernel sets up.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf-stack.h"
#include "macro.h"

static const char *const elf_stack_table[_ELF_STACK_MAX] = {
        [ELF_STACK_NOT_ELF] = "not-elf",
        [ELF_STACK_NOT_EXEC] = "not-executable",
        [ELF_STACK_EXEC_HEADER] = "executable (PT_GNU_STACK RWX)",
        [ELF_STACK_EXEC_DEFAULT] = "executable (32-bit, no PT_GNU_STACK)",
};

const char *elf_stack_to_string(ElfStack s) {
        return s >= 0 && s < _ELF_STACK_MAX ? elf_stack_table[s] : NULL;
}

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ELF_STACK_HOST_DATA ELFDATA2LSB
#else
#define ELF_STACK_HOST_DATA ELFDATA2MSB
#endif

/* The fields of the ELF header and of a program header this check needs, for either class. */
typedef struct ElfLayout {
        size_t ehdr_size, phdr_size;
        uint64_t phoff;
        size_t phentsize, phnum;
} ElfLayout;

static int read_layout(const uint8_t *b, size_t size, size_t *ret_need, ElfLayout *ret) {
        ElfLayout l = {};

        l.ehdr_size = b[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
        l.phdr_size = b[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
        if (size < l.ehdr_size) {
                *ret_need = l.ehdr_size;
                return -ENOBUFS;
        }
        if (b[EI_CLASS] == ELFCLASS64) {
                Elf64_Ehdr h;
                memcpy(&h, b, sizeof h);
                l.phoff = h.e_phoff;
                l.phentsize = h.e_phentsize;
                l.phnum = h.e_phnum;
        } else {
                Elf32_Ehdr h;
                memcpy(&h, b, sizeof h);
                l.phoff = h.e_phoff;
                l.phentsize = h.e_phentsize;
                l.phnum = h.e_phnum;
        }
        /* The loader's own limits: exact entry size, at most 64 KiB of headers. */
        if (l.phentsize != l.phdr_size || l.phnum > 65536u / l.phdr_size)
                return -EBADMSG;
        *ret = l;
        return 0;
}

/* The type and flags of program header I. */
static void read_phdr(const uint8_t *b, const ElfLayout *l, size_t i, uint32_t *ret_type,
                      uint32_t *ret_flags) {
        const uint8_t *p = b + l->phoff + i * l->phdr_size;

        if (l->phdr_size == sizeof(Elf64_Phdr)) {
                Elf64_Phdr h;
                memcpy(&h, p, sizeof h);
                *ret_type = h.p_type;
                *ret_flags = h.p_flags;
        } else {
                Elf32_Phdr h;
                memcpy(&h, p, sizeof h);
                *ret_type = h.p_type;
                *ret_flags = h.p_flags;
        }
}

int elf_stack_inspect(const void *buf, size_t size, size_t *ret_need, ElfStack *ret) {
        const uint8_t *b = buf;
        bool seen = false, exec = false;
        ElfLayout l;
        size_t need = 0;
        int r;

        if (size < SELFMAG || memcmp(b, ELFMAG, SELFMAG) != 0) {
                *ret = ELF_STACK_NOT_ELF;
                return 0;
        }
        if (size < EI_NIDENT) {
                *ret_need = EI_NIDENT;
                return -ENOBUFS;
        }
        if ((b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64) ||
            b[EI_DATA] != ELF_STACK_HOST_DATA)
                return -EBADMSG;
        r = read_layout(b, size, &need, &l);
        if (r == -ENOBUFS)
                *ret_need = need;
        if (r < 0)
                return r;
        if (l.phoff > ELF_STACK_HEADERS_MAX ||
            l.phoff + l.phnum * l.phdr_size > ELF_STACK_HEADERS_MAX)
                return -EBADMSG;
        if (l.phoff + l.phnum * l.phdr_size > size) {
                *ret_need = (size_t) (l.phoff + l.phnum * l.phdr_size);
                return -ENOBUFS;
        }
        for (size_t i = 0; i < l.phnum; i++) {
                uint32_t type, flags;
                read_phdr(b, &l, i, &type, &flags);
                if (type != PT_GNU_STACK)
                        continue;
                seen = true;
                exec = exec || (flags & PF_X);
        }
        if (exec)
                *ret = ELF_STACK_EXEC_HEADER;
        else if (!seen && b[EI_CLASS] == ELFCLASS32)
                *ret = ELF_STACK_EXEC_DEFAULT;
        else
                *ret = ELF_STACK_NOT_EXEC;
        return 0;
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

/* As the kernel parses the line (fs/binfmt_script.c): "#!", optional blanks, the interpreter
 * up to a blank or the end of the line. A line longer than the buffer is fine as long as the
 * interpreter's name ends within it. */
int elf_stack_shebang(const void *buf, size_t size, char **ret_interpreter) {
        const char *s = buf;
        size_t n = MIN(size, (size_t) ELF_STACK_SHEBANG_MAX), i = 2, start;
        char *path;

        if (n < 2 || s[0] != '#' || s[1] != '!')
                return 0;
        while (i < n && is_blank(s[i]))
                i++;
        start = i;
        while (i < n && !is_blank(s[i]) && s[i] != '\n' && s[i] != '\0')
                i++;
        if (i == start)
                return -ENOEXEC;
        if (i == n && size >= ELF_STACK_SHEBANG_MAX)
                return -ENOEXEC; /* the name may go on past what the kernel reads */
        path = strndup(s + start, i - start);
        if (!path)
                return -ENOMEM;
        *ret_interpreter = path;
        return 1;
}
