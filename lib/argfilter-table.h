/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The facts argument filters are written in: each common system call's arguments with the
 * type the kernel reads them as, and the named constants (their values come from the system
 * headers at build time).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* How the kernel reads one argument register. The width is what it looks at: an int
 * argument is truncated to its low 32 bits, a umode_t to 16, whatever the register holds. */
typedef enum ArgType {
        ARG_TYPE_INT,    /* int, pid_t, ...: 32 bits, signed */
        ARG_TYPE_UINT,   /* unsigned int, uid_t, u32: 32 bits */
        ARG_TYPE_USHORT, /* umode_t: 16 bits */
        ARG_TYPE_LONG,   /* long, loff_t: 64 bits, signed */
        ARG_TYPE_ULONG,  /* unsigned long, size_t: 64 bits */
        ARG_TYPE_PTR,    /* a pointer the kernel reads through: not filterable */
        _ARG_TYPE_MAX,
} ArgType;

#define ARGFILTER_ARGS_MAX 6

typedef struct ArgFilterSyscall {
        const char *name;
        const char *args[ARGFILTER_ARGS_MAX + 1]; /* NULL-terminated */
        uint8_t types[ARGFILTER_ARGS_MAX];        /* ArgType */
} ArgFilterSyscall;

/* The table entry for SYSCALL, or NULL. */
const ArgFilterSyscall *argfilter_table_syscall(const char *syscall);
unsigned argfilter_table_n_args(const ArgFilterSyscall *s);

unsigned arg_type_width(ArgType t); /* 16, 32 or 64 */
bool arg_type_signed(ArgType t);
const char *arg_type_to_string(ArgType t);

/* The value of the named constant NAME: 0, or -ENOENT. */
int argfilter_table_constant(const char *name, int64_t *ret);
/* NULL-terminated list of every constant name. */
const char *const *argfilter_table_constant_names(void);
