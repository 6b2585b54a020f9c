/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Condition*= and Assert*= of [Unit] (systemd.unit(5)): the parsed form and the tests. Each
 * test is a pure function of the condition and a ConditionEnv (what the daemon knows of the
 * system: its bounding set, the kernel command line, the virtualization, host and user), so
 * that the file system checks are the only ones that look at the machine.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum ConditionType {
        CONDITION_PATH_EXISTS,
        CONDITION_PATH_EXISTS_GLOB,
        CONDITION_PATH_IS_DIRECTORY,
        CONDITION_PATH_IS_SYMBOLIC_LINK,
        CONDITION_PATH_IS_MOUNT_POINT,
        CONDITION_PATH_IS_READ_WRITE,
        CONDITION_DIRECTORY_NOT_EMPTY,
        CONDITION_FILE_NOT_EMPTY,
        CONDITION_FILE_IS_EXECUTABLE,
        CONDITION_CAPABILITY,
        CONDITION_KERNEL_COMMAND_LINE,
        CONDITION_VIRTUALIZATION,
        CONDITION_USER,
        CONDITION_GROUP,
        CONDITION_HOST,
        CONDITION_ARCHITECTURE,
        CONDITION_SECURITY,
        _CONDITION_TYPE_MAX,
        _CONDITION_TYPE_INVALID = -1,
} ConditionType;

/* "PathExists" for CONDITION_PATH_EXISTS: the key is "Condition" or "Assert" and this. */
const char *condition_type_to_string(ConditionType t);
ConditionType condition_type_from_string(const char *s);
/* The type of a key "ConditionX"/"AssertX"; *ret_assert tells which. */
ConditionType condition_type_from_key(const char *key, bool *ret_assert);

typedef struct Condition {
        ConditionType type;
        bool trigger; /* "|": at least one triggering condition must hold */
        bool negate;  /* "!" */
        char *parameter;
} Condition;

typedef struct ConditionList {
        Condition *items;
        size_t n;
} ConditionList;

#define CONDITION_LIST_MAX 256u /* conditions (or asserts) per unit */

/* Virtualization as far as it can be told reliably. */
typedef struct ConditionVirt {
        const char *vm;        /* "qemu", "kvm", ..., "vm-other" or NULL for none */
        const char *container; /* "docker", "lxc", ..., "container-other" or NULL for none */
} ConditionVirt;

typedef struct ConditionEnv {
        uint64_t bounding_set;     /* the daemon's own capability bounding set */
        const char *cmdline;       /* /proc/cmdline */
        ConditionVirt virt;
        const char *hostname;
        const char *machine_id;    /* 32 hex digits or NULL */
        const char *architecture;  /* systemd's name of the native architecture */
        uid_t uid;                 /* user and group names are looked up when tested */
        gid_t gid;
        const gid_t *groups;       /* supplementary groups */
        size_t n_groups;
        unsigned security;         /* bit i: condition_security_names[i] is active */
} ConditionEnv;

/* The ConditionSecurity= names this version tests, in the order of ConditionEnv.security. */
extern const char *const condition_security_names[];
#define CONDITION_SECURITY_MAX 6u

/* Parses VALUE (after specifiers) for TYPE: leading "|" then "!" (systemd's order), the
 * parameter checked (absolute path, known capability or virtualization...). On a bad value
 * returns -EINVAL and sets *ret_error to a static sentence; -EOPNOTSUPP for a value this
 * version cannot test. */
int condition_parse(ConditionType type, const char *value, Condition *ret, const char **ret_error);

/* 1 met, 0 not met (after negation). */
int condition_test(const Condition *c, const ConditionEnv *env);

/* systemd's rule: every non-triggering condition holds, and when there are triggering ones at
 * least one of them does. Returns true when met; else *ret_failed names the one to report (a
 * failed non-triggering one, or the last triggering one). */
bool condition_list_test(const ConditionList *l, const ConditionEnv *env, const Condition **ret_failed);

void condition_list_done(ConditionList *l);
int condition_list_add(ConditionList *l, Condition *c); /* takes c->parameter */

/* Fills ENV from this machine; BUF keeps its strings. */
typedef struct ConditionEnvBuf {
        char *cmdline, *hostname, *machine_id;
        gid_t *groups;
        char container[64];
} ConditionEnvBuf;
int condition_env_load(ConditionEnv *env, ConditionEnvBuf *buf);
void condition_env_buf_done(ConditionEnvBuf *buf);

/* Virtualization from files (the container= of /proc/1/environ, /run/systemd/container,
 * /sys/class/dmi/id) and cpuid: exposed for the test of the file parsing. */
const char *condition_virt_container_from_environ(const char *environ, size_t n);
