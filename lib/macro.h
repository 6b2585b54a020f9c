/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers used everywhere: cleanup attributes, ownership transfer, array sizes, and a
 * wrapper that turns the libc "-1 and errno" convention into our "-errno" one.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)

#define ELEMENTSOF(a)                                                                     \
        (__builtin_choose_expr(                                                           \
                !__builtin_types_compatible_p(__typeof__(a), __typeof__(&*(a))),          \
                sizeof(a) / sizeof((a)[0]), (void) 0))

#define assert_cc(expr) _Static_assert(expr, #expr)

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)
#define isempty(s) (!(s) || (s)[0] == '\0')

/* Take ownership of a pointer or fd, leaving NULL or -EBADF behind. */
#define TAKE_PTR(p)                                                                       \
        ({                                                                                \
                __typeof__(p) _ptr_ = (p);                                                \
                (p) = NULL;                                                               \
                _ptr_;                                                                    \
        })
#define TAKE_FD(fd)                                                                       \
        ({                                                                                \
                int _fd_ = (fd);                                                          \
                (fd) = -EBADF;                                                            \
                _fd_;                                                                     \
        })

/* Turn "returns -1 and sets errno" into "returns -errno". */
#define RET_NERRNO(expr)                                                                  \
        ({                                                                                \
                __typeof__(expr) _r_ = (expr);                                            \
                _r_ < 0 ? -errno : _r_;                                                   \
        })

/* errno as a negative value, never 0 (some libc paths forget to set it). */
static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline int safe_close(int fd) {
        if (fd >= 0) {
                int saved = errno;
                (void) close(fd);
                errno = saved;
        }
        return -EBADF;
}
static inline void closep(int *fd) {
        safe_close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                (void) fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declare "static void name##p(type **p)" calling name(*p), for _cleanup_(). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                           \
        static inline void func##p(type *p) {                                             \
                if (*p)                                                                   \
                        func(*p);                                                         \
        }

/* Grow *array (of *allocated elements of size elsz) so it can hold need elements. */
static inline int greedy_realloc(void **array, size_t *allocated, size_t need, size_t elsz) {
        if (need <= *allocated)
                return 0;
        size_t n = MAX(need * 2, (size_t) 8);
        if (n > SIZE_MAX / elsz)
                return -ENOMEM;
        void *q = realloc(*array, n * elsz);
        if (!q)
                return -ENOMEM;
        *array = q;
        *allocated = n;
        return 0;
}
#define GREEDY_REALLOC(array, allocated, need)                                            \
        greedy_realloc((void **) &(array), &(allocated), (need), sizeof((array)[0]))
