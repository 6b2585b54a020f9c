/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether an executable asks the kernel for an executable stack, read from the start of the
 * file: the ELF program headers (PT_GNU_STACK), or the interpreter line of a "#!" script,
 * whose interpreter the caller then checks in turn. Pure: it reads a buffer the caller
 * filled, so that MemoryDenyWriteExecute=yes can refuse such a program before it starts.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The most header bytes elf_stack_inspect() asks for: program headers past this are not
 * read (no real executable has them there). */
#define ELF_STACK_HEADERS_MAX (256u * 1024u)
/* The kernel reads this much of a script for its "#!" line (BINPRM_BUF_SIZE). */
#define ELF_STACK_SHEBANG_MAX 256u
/* Interpreters of interpreters the kernel follows (BINPRM_MAX_RECURSION). */
#define ELF_STACK_INTERP_DEPTH_MAX 4u

typedef enum ElfStack {
        ELF_STACK_NOT_ELF,       /* no ELF magic: a script, or a format for binfmt_misc */
        ELF_STACK_NOT_EXEC,      /* the stack is not executable */
        ELF_STACK_EXEC_HEADER,   /* PT_GNU_STACK with PF_X: the stack is mapped RWX */
        ELF_STACK_EXEC_DEFAULT,  /* a 32-bit ELF without PT_GNU_STACK: the kernel gives it an
                                  * executable stack and READ_IMPLIES_EXEC */
        _ELF_STACK_MAX,
} ElfStack;

const char *elf_stack_to_string(ElfStack s);

/* Inspects the first SIZE bytes of a file. Returns 0 and the verdict; -ENOBUFS with
 * *RET_NEED set when the headers extend past SIZE (read that many bytes and call again);
 * -EBADMSG for an ELF file whose headers are malformed (truncated, bad sizes) or lie past
 * ELF_STACK_HEADERS_MAX. */
int elf_stack_inspect(const void *buf, size_t size, size_t *ret_need, ElfStack *ret);

/* The interpreter of a "#!" script in BUF (the file's first bytes, at most
 * ELF_STACK_SHEBANG_MAX of them count): 1 and a copy of its path, 0 when BUF does not start
 * with "#!", -ENOEXEC when the line names no interpreter or does not end within the limit,
 * -ENOMEM. */
int elf_stack_shebang(const void *buf, size_t size, char **ret_interpreter);
