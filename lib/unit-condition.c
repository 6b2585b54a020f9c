/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Condition*= and Assert*= (systemd.unit(5)): parsing of one value, the test of one condition,
 * the triggering rule over a list, and the snapshot of the system the tests read. Library
 * code: nothing here logs.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "arch-util.h"
#include "macro.h"
#include "parse-util.h"
#include "unit-condition.h"

static const char *const condition_type_table[_CONDITION_TYPE_MAX] = {
        [CONDITION_PATH_EXISTS] = "PathExists",
        [CONDITION_PATH_EXISTS_GLOB] = "PathExistsGlob",
        [CONDITION_PATH_IS_DIRECTORY] = "PathIsDirectory",
        [CONDITION_PATH_IS_SYMBOLIC_LINK] = "PathIsSymbolicLink",
        [CONDITION_PATH_IS_MOUNT_POINT] = "PathIsMountPoint",
        [CONDITION_PATH_IS_READ_WRITE] = "PathIsReadWrite",
        [CONDITION_DIRECTORY_NOT_EMPTY] = "DirectoryNotEmpty",
        [CONDITION_FILE_NOT_EMPTY] = "FileNotEmpty",
        [CONDITION_FILE_IS_EXECUTABLE] = "FileIsExecutable",
        [CONDITION_CAPABILITY] = "Capability",
        [CONDITION_KERNEL_COMMAND_LINE] = "KernelCommandLine",
        [CONDITION_VIRTUALIZATION] = "Virtualization",
        [CONDITION_USER] = "User",
        [CONDITION_GROUP] = "Group",
        [CONDITION_HOST] = "Host",
        [CONDITION_ARCHITECTURE] = "Architecture",
        [CONDITION_SECURITY] = "Security",
};

/* Each with the file that tells, as systemd looks: a mounted selinuxfs, AppArmor's module
 * parameter, smackfs, the securityfs entries of TOMOYO and IMA; audit is a NETLINK_AUDIT
 * socket that can be opened. */
const char *const condition_security_names[CONDITION_SECURITY_MAX] = {
        "selinux", "apparmor", "smack", "tomoyo", "ima", "audit",
};
/* What cannot be told reliably here (firmware and TPM state, confidential VMs). */
static const char *const security_unsupported[] = { "uefi-secureboot", "tpm2", "cvm", "measured-uki" };

const char *condition_type_to_string(ConditionType t) {
        return t >= 0 && t < _CONDITION_TYPE_MAX ? condition_type_table[t] : NULL;
}

ConditionType condition_type_from_string(const char *s) {
        for (int i = 0; s && i < _CONDITION_TYPE_MAX; i++)
                if (streq(condition_type_table[i], s))
                        return i;
        return _CONDITION_TYPE_INVALID;
}

ConditionType condition_type_from_key(const char *key, bool *ret_assert) {
        if (strneq(key, "Condition", 9)) {
                *ret_assert = false;
                return condition_type_from_string(key + 9);
        }
        if (strneq(key, "Assert", 6)) {
                *ret_assert = true;
                return condition_type_from_string(key + 6);
        }
        return _CONDITION_TYPE_INVALID;
}

static bool type_takes_path(ConditionType t) {
        return t <= CONDITION_FILE_IS_EXECUTABLE;
}

/* The names systemd's ConditionVirtualization= knows that we can tell apart reliably:
 * containers by their own announcement, machines by the hypervisor's cpuid signature or the
 * firmware's DMI strings. */
static const char *const virt_vm_names[] = { "qemu", "kvm", "amazon", "zvm", "vmware", "microsoft",
                                             "oracle", "xen", "bochs", "parallels", "bhyve", "qnx",
                                             "acrn", "google", "vm-other" };
static const char *const virt_container_names[] = { "systemd-nspawn", "lxc", "lxc-libvirt", "openvz",
                                                    "docker", "podman", "rkt", "wsl", "proot", "pouch",
                                                    "container-other" };
/* Those we cannot detect: refused at load rather than guessed. */
static const char *const virt_unsupported[] = { "private-users", "uml", "powervm", "apple", "sre" };

static bool name_in(const char *s, const char *const *names, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (streq(names[i], s))
                        return true;
        return false;
}

static int check_parameter(ConditionType t, const char *p, const char **ret_error) {
        if (type_takes_path(t)) {
                if (p[0] != '/') {
                        *ret_error = "Path is not absolute, refusing.";
                        return -EINVAL;
                }
                return 0;
        }
        switch (t) {
        case CONDITION_CAPABILITY:
                if (capability_from_string(p) < 0) {
                        *ret_error = "Unknown capability, refusing.";
                        return -EINVAL;
                }
                return 0;
        case CONDITION_VIRTUALIZATION:
                if (parse_boolean(p) >= 0 || streq(p, "vm") || streq(p, "container") ||
                    name_in(p, virt_vm_names, ELEMENTSOF(virt_vm_names)) ||
                    name_in(p, virt_container_names, ELEMENTSOF(virt_container_names)))
                        return 0;
                if (name_in(p, virt_unsupported, ELEMENTSOF(virt_unsupported))) {
                        *ret_error = "This virtualization cannot be detected: not supported yet, refusing.";
                        return -EOPNOTSUPP;
                }
                *ret_error = "Unknown virtualization, refusing.";
                return -EINVAL;
        case CONDITION_ARCHITECTURE:
                if (!arch_name_is_known(p) && !streq(p, "native")) {
                        *ret_error = "Unknown architecture, refusing.";
                        return -EINVAL;
                }
                return 0;
        case CONDITION_SECURITY:
                if (name_in(p, condition_security_names, CONDITION_SECURITY_MAX))
                        return 0;
                if (name_in(p, security_unsupported, ELEMENTSOF(security_unsupported))) {
                        *ret_error = "This security technology cannot be detected: not supported yet, refusing.";
                        return -EOPNOTSUPP;
                }
                *ret_error = "Unknown security technology, refusing.";
                return -EINVAL;
        case CONDITION_USER:
        case CONDITION_GROUP:
        case CONDITION_HOST:
        case CONDITION_KERNEL_COMMAND_LINE:
                return 0;
        default:
                *ret_error = "Unknown condition.";
                return -EINVAL;
        }
}

int condition_parse(ConditionType type, const char *value, Condition *ret, const char **ret_error) {
        Condition c = { .type = type };
        int r;

        if (type < 0 || type >= _CONDITION_TYPE_MAX) {
                *ret_error = "Unknown condition.";
                return -EINVAL;
        }
        if (*value == '|') {
                c.trigger = true;
                value++;
                value += strspn(value, " \t");
        }
        if (*value == '!') {
                c.negate = true;
                value++;
                value += strspn(value, " \t");
        }
        if (!*value) {
                *ret_error = "Empty condition parameter, refusing.";
                return -EINVAL;
        }
        r = check_parameter(type, value, ret_error);
        if (r < 0)
                return r;
        c.parameter = strdup(value);
        if (!c.parameter)
                return -ENOMEM;
        *ret = c;
        return 0;
}

/* ---- the file system tests ---- */

static int test_glob(const char *pattern) {
        glob_t g = {};
        int r = glob(pattern, GLOB_NOSORT, NULL, &g);

        globfree(&g);
        return r == 0;
}

static int test_mount_point(const char *path) {
        struct stat st, parent;
        char *up;
        int r;

        if (streq(path, "/"))
                return 1;
        if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        if (asprintf(&up, "%s/..", path) < 0)
                return -ENOMEM;
        r = stat(up, &parent);
        free(up);
        if (r < 0)
                return 0;
        /* A bind mount of a directory of the same file system keeps st_dev: also compare with
         * the mount table's mount points. */
        if (st.st_dev != parent.st_dev || (st.st_ino == parent.st_ino && st.st_dev == parent.st_dev))
                return 1;
        FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return 0;
        char line[4096], mp[4096];
        bool found = false;
        while (!found && fgets(line, sizeof(line), f))
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && streq(mp, path))
                        found = true;
        fclose(f);
        return found;
}

static int test_directory_not_empty(const char *path) {
        DIR *d = opendir(path);
        struct dirent *de;
        bool any = false;

        if (!d)
                return 0;
        /* As systemd's: hidden entries (and "." and "..") do not count. */
        while (!any && (de = readdir(d)))
                if (de->d_name[0] != '.')
                        any = true;
        closedir(d);
        return any;
}

static int test_path(const Condition *c) {
        struct stat st;
        struct statvfs sv;

        switch (c->type) {
        case CONDITION_PATH_EXISTS:
                return access(c->parameter, F_OK) == 0;
        case CONDITION_PATH_EXISTS_GLOB:
                return test_glob(c->parameter);
        case CONDITION_PATH_IS_DIRECTORY:
                return stat(c->parameter, &st) == 0 && S_ISDIR(st.st_mode);
        case CONDITION_PATH_IS_SYMBOLIC_LINK:
                return lstat(c->parameter, &st) == 0 && S_ISLNK(st.st_mode);
        case CONDITION_PATH_IS_MOUNT_POINT:
                return test_mount_point(c->parameter);
        case CONDITION_PATH_IS_READ_WRITE:
                return statvfs(c->parameter, &sv) == 0 && !(sv.f_flag & ST_RDONLY);
        case CONDITION_DIRECTORY_NOT_EMPTY:
                return test_directory_not_empty(c->parameter);
        case CONDITION_FILE_NOT_EMPTY:
                return stat(c->parameter, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
        case CONDITION_FILE_IS_EXECUTABLE:
                return stat(c->parameter, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
        default:
                return -EINVAL;
        }
}

/* ---- the tests of the system ---- */

/* systemd's rule: "A=B" must appear as a word; "A" matches the word "A" or any "A=...". */
static int test_cmdline(const char *cmdline, const char *p) {
        bool has_eq = strchr(p, '=');
        size_t lp = strlen(p);

        if (!cmdline)
                return 0;
        for (const char *w = cmdline; *w;) {
                w += strspn(w, " \t\n");
                size_t l = strcspn(w, " \t\n");
                if (l == 0)
                        break;
                if (l == lp && strneq(w, p, lp))
                        return 1;
                if (!has_eq && l > lp && strneq(w, p, lp) && w[lp] == '=')
                        return 1;
                w += l;
        }
        return 0;
}

static int test_virt(const ConditionVirt *v, const char *p) {
        int b = parse_boolean(p);

        if (b >= 0)
                return b == (v->vm || v->container);
        if (streq(p, "vm"))
                return v->vm && !v->container;
        if (streq(p, "container"))
                return !!v->container;
        /* systemd reports the container when there is one, else the machine. */
        if (v->container)
                return streq(v->container, p);
        return v->vm && streq(v->vm, p);
}

static int test_user(const ConditionEnv *env, const char *p) {
        unsigned id;

        if (streq(p, "@system"))
                return env->uid <= 999; /* SYSTEM_UID_MAX of Debian's login.defs */
        if (parse_unsigned(p, &id) >= 0)
                return (uid_t) id == env->uid;
        struct passwd *pw = getpwnam(p);
        return pw && pw->pw_uid == env->uid;
}

static int test_group(const ConditionEnv *env, const char *p) {
        unsigned id;
        gid_t gid;

        if (parse_unsigned(p, &id) >= 0)
                gid = id;
        else {
                struct group *gr = getgrnam(p);
                if (!gr)
                        return 0;
                gid = gr->gr_gid;
        }
        if (gid == env->gid)
                return 1;
        for (size_t i = 0; i < env->n_groups; i++)
                if (env->groups[i] == gid)
                        return 1;
        return 0;
}

static int test_host(const ConditionEnv *env, const char *p) {
        if (env->machine_id && strlen(p) == 32 && strcasecmp(p, env->machine_id) == 0)
                return 1;
        return env->hostname && fnmatch(p, env->hostname, FNM_CASEFOLD) == 0;
}

static int test_one(const Condition *c, const ConditionEnv *env) {
        int cap;

        if (type_takes_path(c->type))
                return test_path(c);
        switch (c->type) {
        case CONDITION_CAPABILITY:
                cap = capability_from_string(c->parameter);
                return cap >= 0 && (env->bounding_set >> cap) & 1;
        case CONDITION_KERNEL_COMMAND_LINE:
                return test_cmdline(env->cmdline, c->parameter);
        case CONDITION_VIRTUALIZATION:
                return test_virt(&env->virt, c->parameter);
        case CONDITION_USER:
                return test_user(env, c->parameter);
        case CONDITION_GROUP:
                return test_group(env, c->parameter);
        case CONDITION_HOST:
                return test_host(env, c->parameter);
        case CONDITION_SECURITY:
                for (unsigned i = 0; i < CONDITION_SECURITY_MAX; i++)
                        if (streq(condition_security_names[i], c->parameter))
                                return (env->security >> i) & 1;
                return 0;
        case CONDITION_ARCHITECTURE:
                return env->architecture &&
                       (streq(c->parameter, "native") || streq(c->parameter, env->architecture));
        default:
                return -EINVAL;
        }
}

int condition_test(const Condition *c, const ConditionEnv *env) {
        int r = test_one(c, env);

        if (r < 0)
                return r == -ENOMEM ? r : 0; /* an error is "not met", as in systemd */
        return (r > 0) != c->negate;
}

bool condition_list_test(const ConditionList *l, const ConditionEnv *env, const Condition **ret_failed) {
        const Condition *last_trigger = NULL;
        bool triggered = false;

        for (size_t i = 0; i < l->n; i++) {
                const Condition *c = &l->items[i];
                int r = condition_test(c, env);

                if (c->trigger) {
                        last_trigger = c;
                        triggered = triggered || r > 0;
                } else if (r <= 0) {
                        *ret_failed = c;
                        return false;
                }
        }
        if (last_trigger && !triggered) {
                *ret_failed = last_trigger;
                return false;
        }
        return true;
}

void condition_list_done(ConditionList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->items[i].parameter);
        free(l->items);
        *l = (ConditionList) {};
}

int condition_list_add(ConditionList *l, Condition *c) {
        Condition *n;

        if (l->n >= CONDITION_LIST_MAX)
                return -E2BIG;
        n = realloc(l->items, sizeof(*n) * (l->n + 1));
        if (!n)
                return -ENOMEM;
        l->items = n;
        l->items[l->n++] = *c;
        c->parameter = NULL;
        return 0;
}

/* ---- the snapshot of the system ---- */

static char *read_small_file(const char *path, size_t *ret_size) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        char *buf;
        ssize_t n;

        if (fd < 0)
                return NULL;
        buf = malloc(65536);
        if (!buf) {
                close(fd);
                return NULL;
        }
        n = read(fd, buf, 65535);
        close(fd);
        if (n < 0) {
                free(buf);
                return NULL;
        }
        buf[n] = 0;
        if (ret_size)
                *ret_size = n;
        return buf;
}

static void strip(char *s) {
        size_t l = strlen(s);

        while (l > 0 && isspace((unsigned char) s[l - 1]))
                s[--l] = 0;
}

const char *condition_virt_container_from_environ(const char *environ, size_t n) {
        for (size_t i = 0; i < n;) {
                const char *e = environ + i;
                size_t l = strnlen(e, n - i);
                if (l > 10 && strneq(e, "container=", 10))
                        return e + 10;
                i += l + 1;
        }
        return NULL;
}

static const char *container_name(const char *s) {
        if (!s || !*s)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(virt_container_names); i++)
                if (streq(virt_container_names[i], s))
                        return virt_container_names[i];
        return "container-other"; /* "oci" and names systemd does not know either */
}

static const char *detect_container(ConditionEnvBuf *buf) {
        _cleanup_free_ char *s = read_small_file("/run/systemd/container", NULL);
        size_t n;

        if (!s) {
                s = read_small_file("/proc/1/environ", &n);
                if (!s)
                        return NULL;
                const char *v = condition_virt_container_from_environ(s, n);
                if (!v)
                        return NULL;
                snprintf(buf->container, sizeof(buf->container), "%s", v);
        } else {
                strip(s);
                snprintf(buf->container, sizeof(buf->container), "%s", s);
        }
        return container_name(buf->container);
}

static const char *vm_from_cpuid(void) {
#if defined(__x86_64__) || defined(__i386__)
        static const struct {
                const char *sig, *name;
        } sigs[] = { { "KVMKVMKVM", "kvm" }, { "Linux KVM Hv", "kvm" }, { "TCGTCGTCGTCG", "qemu" },
                     { "VMwareVMware", "vmware" }, { "Microsoft Hv", "microsoft" },
                     { "XenVMMXenVMM", "xen" }, { "bhyve bhyve ", "bhyve" },
                     { "QNXQVMBSQG", "qnx" }, { "ACRNACRNACRN", "acrn" },
                     { "VBoxVBoxVBox", "oracle" } };
        unsigned eax, ebx, ecx, edx;
        char sig[13] = {};

        if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 31)))
                return NULL; /* no hypervisor bit */
        __cpuid(0x40000000, eax, ebx, ecx, edx);
        memcpy(sig, &ebx, 4);
        memcpy(sig + 4, &ecx, 4);
        memcpy(sig + 8, &edx, 4);
        for (size_t i = 0; i < ELEMENTSOF(sigs); i++)
                if (streq(sig, sigs[i].sig))
                        return sigs[i].name;
        return "vm-other";
#else
        return NULL;
#endif
}

static const char *vm_from_dmi(void) {
        static const struct {
                const char *prefix, *name;
        } vendors[] = { { "KVM", "kvm" }, { "Amazon EC2", "amazon" }, { "QEMU", "qemu" },
                        { "VMware", "vmware" }, { "VMW", "vmware" }, { "innotek GmbH", "oracle" },
                        { "VirtualBox", "oracle" }, { "Xen", "xen" }, { "Bochs", "bochs" },
                        { "Parallels", "parallels" }, { "BHYVE", "bhyve" }, { "Google", "google" } };
        static const char *const files[] = { "/sys/class/dmi/id/product_name", "/sys/class/dmi/id/sys_vendor",
                                             "/sys/class/dmi/id/board_vendor", "/sys/class/dmi/id/bios_vendor" };

        for (size_t f = 0; f < ELEMENTSOF(files); f++) {
                _cleanup_free_ char *s = read_small_file(files[f], NULL);
                if (!s)
                        continue;
                for (size_t i = 0; i < ELEMENTSOF(vendors); i++)
                        if (strneq(s, vendors[i].prefix, strlen(vendors[i].prefix)))
                                return vendors[i].name;
        }
        return NULL;
}

static const char *detect_vm(void) {
        const char *dmi = vm_from_dmi(), *cpu = vm_from_cpuid();

        /* Like systemd: Amazon, Oracle and Xen by their firmware; a named hypervisor from
         * cpuid over the firmware's word (QEMU firmware under KVM is "kvm"). */
        if (dmi && (streq(dmi, "amazon") || streq(dmi, "oracle") || streq(dmi, "xen") || streq(dmi, "google")))
                return dmi;
        if (cpu && !streq(cpu, "vm-other"))
                return cpu;
        return dmi ?: cpu;
}

static bool file_starts_with(const char *path, char c) {
        _cleanup_free_ char *s = read_small_file(path, NULL);
        return s && s[0] == c;
}

static unsigned detect_security(void) {
        struct statfs sf;
        unsigned r = 0;
        int fd;

        if (statfs("/sys/fs/selinux", &sf) == 0 && sf.f_type == SELINUX_MAGIC)
                r |= 1u << 0;
        if (file_starts_with("/sys/module/apparmor/parameters/enabled", 'Y'))
                r |= 1u << 1;
        if (statfs("/sys/fs/smackfs", &sf) == 0 && sf.f_type == SMACK_MAGIC)
                r |= 1u << 2;
        if (access("/sys/kernel/security/tomoyo/version", F_OK) == 0)
                r |= 1u << 3;
        if (access("/sys/kernel/security/ima", F_OK) == 0)
                r |= 1u << 4;
        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
        if (fd >= 0) {
                r |= 1u << 5;
                close(fd);
        }
        return r;
}

int condition_env_load(ConditionEnv *env, ConditionEnvBuf *buf) {
        /* Set by the caller's choice of pointers: ENV's strings live in BUF. */
        _cleanup_free_ char *status = read_small_file("/proc/self/status", NULL);
        char host[256] = {};
        const char *bnd;
        int n;

        *env = (ConditionEnv) { .uid = geteuid(), .gid = getegid() };
        *buf = (ConditionEnvBuf) {};
        env->bounding_set = CAPABILITY_MASK_ALL;
        if (status && (bnd = strstr(status, "\nCapBnd:")))
                env->bounding_set = strtoull(bnd + 8, NULL, 16);
        buf->cmdline = read_small_file("/proc/cmdline", NULL);
        env->cmdline = buf->cmdline;
        if (gethostname(host, sizeof(host) - 1) == 0 && (buf->hostname = strdup(host)))
                env->hostname = buf->hostname;
        buf->machine_id = read_small_file("/etc/machine-id", NULL);
        if (buf->machine_id) {
                strip(buf->machine_id);
                env->machine_id = buf->machine_id;
        }
        env->architecture = arch_to_name(arch_native());
        env->virt.container = detect_container(buf);
        env->virt.vm = detect_vm();
        env->security = detect_security();
        n = getgroups(0, NULL);
        if (n > 0 && (buf->groups = calloc(n, sizeof(gid_t)))) {
                n = getgroups(n, buf->groups);
                env->groups = buf->groups;
                env->n_groups = n > 0 ? (size_t) n : 0;
        }
        /* A file that cannot be read leaves its part empty: the conditions on it are not met. */
        return 0;
}

void condition_env_buf_done(ConditionEnvBuf *buf) {
        free(buf->cmdline);
        free(buf->hostname);
        free(buf->machine_id);
        free(buf->groups);
        *buf = (ConditionEnvBuf) {};
}
