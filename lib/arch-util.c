/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SystemCallArchitectures= names, libseccomp ABI tokens, and which ABIs are local. */
#include <linux/audit.h>
#include <seccomp.h>
#include <string.h>

#include "arch-util.h"
#include "macro.h"

typedef struct ArchName {
        const char *name;
        uint32_t arch; /* 0: known name, not supported by this libseccomp */
} ArchName;

static const ArchName arch_names[] = {
        { "x86", SCMP_ARCH_X86 },
        { "x86-64", SCMP_ARCH_X86_64 },
        { "x32", SCMP_ARCH_X32 },
        { "arm", SCMP_ARCH_ARM },
        { "arm64", SCMP_ARCH_AARCH64 },
        { "mips", SCMP_ARCH_MIPS },
        { "mips-le", SCMP_ARCH_MIPSEL },
        { "mips64", SCMP_ARCH_MIPS64 },
        { "mips64-le", SCMP_ARCH_MIPSEL64 },
        { "mips64-n32", SCMP_ARCH_MIPS64N32 },
        { "mips64-le-n32", SCMP_ARCH_MIPSEL64N32 },
        { "ppc", SCMP_ARCH_PPC },
        { "ppc64", SCMP_ARCH_PPC64 },
        { "ppc64-le", SCMP_ARCH_PPC64LE },
        { "s390", SCMP_ARCH_S390 },
        { "s390x", SCMP_ARCH_S390X },
        { "parisc", SCMP_ARCH_PARISC },
        { "parisc64", SCMP_ARCH_PARISC64 },
        { "riscv64", SCMP_ARCH_RISCV64 },
#ifdef SCMP_ARCH_LOONGARCH64
        { "loongarch64", SCMP_ARCH_LOONGARCH64 },
#else
        { "loongarch64", 0 },
#endif
};

/* For each native ABI, the ABIs its kernel can also run. The native one comes first. */
static const uint32_t local_abis[][3] = {
        { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 },
        { SCMP_ARCH_X32, SCMP_ARCH_X86_64, SCMP_ARCH_X86 },
        { SCMP_ARCH_X86 },
        { SCMP_ARCH_AARCH64, SCMP_ARCH_ARM },
        { SCMP_ARCH_ARM },
        { SCMP_ARCH_S390X, SCMP_ARCH_S390 },
        { SCMP_ARCH_S390 },
        { SCMP_ARCH_PPC64LE },
        { SCMP_ARCH_PPC64, SCMP_ARCH_PPC },
        { SCMP_ARCH_RISCV64 },
        { SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, SCMP_ARCH_MIPSEL },
        { SCMP_ARCH_MIPS64, SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPS },
};

bool arch_name_is_known(const char *name) {
        if (streq(name, "native"))
                return true;
        for (size_t i = 0; i < ELEMENTSOF(arch_names); i++)
                if (streq(arch_names[i].name, name))
                        return true;
        return false;
}

uint32_t arch_from_name(const char *name) {
        if (streq(name, "native"))
                return arch_native();
        for (size_t i = 0; i < ELEMENTSOF(arch_names); i++)
                if (streq(arch_names[i].name, name))
                        return arch_names[i].arch;
        return 0;
}

const char *arch_to_name(uint32_t arch) {
        for (size_t i = 0; i < ELEMENTSOF(arch_names); i++)
                if (arch != 0 && arch_names[i].arch == arch)
                        return arch_names[i].name;
        return NULL;
}

uint32_t arch_native(void) {
        return seccomp_arch_native();
}

bool arch_is_local(uint32_t arch) {
        uint32_t native = arch_native();

        for (size_t i = 0; i < ELEMENTSOF(local_abis); i++) {
                if (local_abis[i][0] != native)
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(local_abis[i]); j++)
                        if (local_abis[i][j] != 0 && local_abis[i][j] == arch)
                                return true;
                return false;
        }
        return arch == native;
}

uint32_t arch_to_audit(uint32_t arch) {
        return arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : arch;
}
