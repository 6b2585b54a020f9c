/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names shared by the OCI profile import and export: actions, comparisons, architectures, and
 * the list of what a conversion could not carry across.
 */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch-util.h"
#include "oci-profile.h"
#include "string-table.h"
#include "strv.h"

static const char *const action_table[_OCI_ACTION_MAX] = {
        [OCI_ACTION_KILL] = "SCMP_ACT_KILL",
        [OCI_ACTION_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [OCI_ACTION_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
        [OCI_ACTION_TRAP] = "SCMP_ACT_TRAP",
        [OCI_ACTION_ERRNO] = "SCMP_ACT_ERRNO",
        [OCI_ACTION_TRACE] = "SCMP_ACT_TRACE",
        [OCI_ACTION_ALLOW] = "SCMP_ACT_ALLOW",
        [OCI_ACTION_LOG] = "SCMP_ACT_LOG",
        [OCI_ACTION_NOTIFY] = "SCMP_ACT_NOTIFY",
};

const char *oci_action_to_string(OciAction a) {
        return a >= 0 && a < _OCI_ACTION_MAX ? action_table[a] : NULL;
}

OciAction oci_action_from_string(const char *s) {
        int i = string_table_lookup(action_table, ELEMENTSOF(action_table), s);
        return i < 0 ? _OCI_ACTION_INVALID : (OciAction) i;
}

static const char *const cmp_table[_POLICY_CMP_MAX] = {
        [POLICY_CMP_NE] = "SCMP_CMP_NE",
        [POLICY_CMP_LT] = "SCMP_CMP_LT",
        [POLICY_CMP_LE] = "SCMP_CMP_LE",
        [POLICY_CMP_EQ] = "SCMP_CMP_EQ",
        [POLICY_CMP_GE] = "SCMP_CMP_GE",
        [POLICY_CMP_GT] = "SCMP_CMP_GT",
        [POLICY_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *oci_cmp_to_string(PolicyCmp c) {
        return c < _POLICY_CMP_MAX ? cmp_table[c] : NULL;
}

int oci_cmp_from_string(const char *s) {
        return string_table_lookup(cmp_table, ELEMENTSOF(cmp_table), s);
}

/* The runtime-spec's architecture names, the SCMP_ARCH_* constants of libseccomp 2.5. */
static const struct {
        const char *name;
        uint32_t arch;
} arch_table[] = {
        { "SCMP_ARCH_X86", SCMP_ARCH_X86 },
        { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
        { "SCMP_ARCH_X32", SCMP_ARCH_X32 },
        { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
        { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
        { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
        { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
        { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
        { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
        { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
        { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
        { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
        { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
        { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
        { "SCMP_ARCH_S390", SCMP_ARCH_S390 },
        { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
        { "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
        { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
        { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

/* Go's GOARCH names (moby's includes/excludes) that are not libseccomp's. */
static const struct {
        const char *alias, *name;
} arch_aliases[] = {
        { "amd64", "SCMP_ARCH_X86_64" },
        { "386", "SCMP_ARCH_X86" },
        { "i386", "SCMP_ARCH_X86" },
        { "i686", "SCMP_ARCH_X86" },
        { "arm64", "SCMP_ARCH_AARCH64" },
};

uint32_t oci_arch_from_string(const char *s) {
        char buf[64];
        size_t n;

        for (size_t i = 0; i < ELEMENTSOF(arch_aliases); i++)
                if (streq(arch_aliases[i].alias, s))
                        s = arch_aliases[i].name;
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                if (streq(arch_table[i].name, s))
                        return arch_table[i].arch;
        /* "x86_64", "aarch64": the table's names without the prefix, lower case. */
        n = strlen(s);
        if (n > 0 && n < 32 && !strchr(s, '-')) {
                int k = snprintf(buf, sizeof buf, "SCMP_ARCH_%s", s);
                for (int i = 10; i < k; i++)
                        buf[i] = (char) toupper((unsigned char) buf[i]);
                for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                        if (streq(arch_table[i].name, buf))
                                return arch_table[i].arch;
        }
        if (streq(s, "native"))
                return 0; /* a unit's word, not a profile's */
        return arch_from_name(s);
}

const char *oci_arch_to_string(uint32_t arch) {
        for (size_t i = 0; i < ELEMENTSOF(arch_table); i++)
                if (arch_table[i].arch == arch)
                        return arch_table[i].name;
        return NULL;
}

void oci_notes_done(OciNotes *n) {
        n->lines = strv_free(n->lines);
        n->n = n->n_dropped = 0;
}

int oci_notes_add(OciNotes *n, const char *fmt, ...) {
        char *s;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (strv_contains(n->lines, s)) {
                free(s);
                return 0;
        }
        if (n->n >= OCI_NOTES_MAX) {
                free(s);
                n->n_dropped++;
                return 0;
        }
        r = strv_consume(&n->lines, s);
        if (r < 0)
                return r;
        n->n++;
        return 0;
}
