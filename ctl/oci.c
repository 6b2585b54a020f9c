/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * syscagectl import-oci / export-oci: OCI (runc, crun, podman, Docker, Kubernetes) seccomp
 * profiles to unit drop-ins and back. Offline: the conversions are lib/oci-profile-*.c; this
 * file reads the input, prints the result on stdout and what was not carried on stderr.
 *
 * Exit codes: 0 done; 1 the input is not a profile / the unit does not build, or --strict and
 * something was not carried; 100 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch-util.h"
#include "ctl.h"
#include "oci-profile-export.h"
#include "oci-profile-import.h"
#include "oci.h"
#include "policy-build.h"
#include "strv.h"

/* Reads all of PATH ("-": stdin) up to OCI_PROFILE_SIZE_MAX bytes. */
static int read_all(const char *path, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, allocated = 0;
        int fd = STDIN_FILENO;

        if (!streq(path, "-")) {
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (fd < 0)
                        return -errno;
        }
        for (;;) {
                ssize_t n;
                if (size + 1 >= allocated) {
                        if (allocated > OCI_PROFILE_SIZE_MAX) {
                                if (fd != STDIN_FILENO)
                                        close(fd);
                                return -EFBIG;
                        }
                        if (GREEDY_REALLOC(buf, allocated, allocated ? allocated * 2 : 65536) < 0) {
                                if (fd != STDIN_FILENO)
                                        close(fd);
                                return -ENOMEM;
                        }
                }
                n = read(fd, buf + size, allocated - size - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        int r = n < 0 ? -errno : 0;
                        if (fd != STDIN_FILENO)
                                close(fd);
                        if (r < 0)
                                return r;
                        break;
                }
                size += (size_t) n;
        }
        buf[size] = '\0';
        *ret = TAKE_PTR(buf);
        *ret_size = size;
        return 0;
}

static void print_notes(const char *verb, const OciNotes *notes) {
        STRV_FOREACH(l, notes->lines)
                fprintf(stderr, "%s: not carried: %s\n", verb, *l);
        if (notes->n_dropped > 0)
                fprintf(stderr, "%s: (%zu more not shown)\n", verb, notes->n_dropped);
}

/* "A,B,C" -> strv. */
static int split_commas(const char *s, char ***l) {
        _cleanup_free_ char *copy = strdup(s);
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
                if (strv_extend(l, w) < 0)
                        return -ENOMEM;
        return 0;
}

/* Builds the drop-in as the daemon would, so that what we print is known to load. */
static int check_dropin(const char *dropin) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        DiagList diags = {};
        int r;

        r = unit_file_load_string("imported.service", "(imported drop-in)", dropin, &diags, &u);
        if (r >= 0)
                r = policy_build(u, &diags, &p);
        for (size_t i = 0; i < diags.n; i++)
                if (diags.items[i].level == DIAG_ERROR)
                        diag_print(&diags.items[i], stderr);
        diag_list_done(&diags);
        return r;
}

int verb_import_oci(int argc, char **argv) {
        enum { ARG_CAPS = 0x100, ARG_ARCH, ARG_STRICT };
        static const struct option options[] = {
                { "caps", required_argument, NULL, ARG_CAPS },
                { "arch", required_argument, NULL, ARG_ARCH },
                { "strict", no_argument, NULL, ARG_STRICT },
                {}
        };
        _cleanup_strv_free_ char **caps = NULL, **arch_names = NULL;
        _cleanup_free_ char *data = NULL, *dropin = NULL, *error = NULL;
        uint32_t arches[ARCH_SET_MAX];
        OciImportOptions o = {};
        OciNotes notes = {};
        bool strict = false;
        size_t size = 0;
        int c, r;

        optind = 0; /* re-initialises getopt (main parsed with "+") */
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case ARG_CAPS:
                        if (split_commas(optarg, &caps) < 0)
                                return 1;
                        break;
                case ARG_ARCH:
                        if (split_commas(optarg, &arch_names) < 0)
                                return 1;
                        break;
                case ARG_STRICT:
                        strict = true;
                        break;
                default:
                        return 100;
                }
        if (optind != argc - 1) {
                fprintf(stderr, "import-oci: expected exactly one profile file (- for stdin).\n");
                return 100;
        }
        STRV_FOREACH(a, arch_names) {
                uint32_t v = streq(*a, "native") ? arch_native() : oci_arch_from_string(*a);
                if (v == 0) {
                        fprintf(stderr, "import-oci: unknown architecture '%s'.\n", *a);
                        return 100;
                }
                if (o.n_arches >= ARCH_SET_MAX) {
                        fprintf(stderr, "import-oci: more than %d architectures.\n", ARCH_SET_MAX);
                        return 100;
                }
                arches[o.n_arches++] = v;
        }
        o.arches = arches;
        o.caps = caps;

        r = read_all(argv[optind], &data, &size);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", argv[optind], r == -EFBIG ? "larger than a profile may be"
                                                                         : strerror(-r));
                return 1;
        }
        r = oci_import(data, size, &o, &dropin, &notes, &error);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", argv[optind], error ? error : strerror(-r));
                oci_notes_done(&notes);
                return 1;
        }
        print_notes("import-oci", &notes);
        if (check_dropin(dropin) < 0) {
                fprintf(stderr, "import-oci: the drop-in does not build (see above); not printed.\n");
                oci_notes_done(&notes);
                return 1;
        }
        printf("# Imported from the OCI seccomp profile %s by syscagectl import-oci.\n",
               argv[optind]);
        STRV_FOREACH(l, notes.lines)
                printf("# Not carried: %s\n", *l);
        fputs(dropin, stdout);
        r = strict && notes.n > 0 ? 1 : 0;
        oci_notes_done(&notes);
        if (fflush(stdout) != 0)
                return 1;
        return r;
}

int verb_export_oci(int argc, char **argv) {
        enum { ARG_STRICT = 0x100 };
        static const struct option options[] = {
                { "strict", no_argument, NULL, ARG_STRICT },
                {}
        };
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_free_ char *json = NULL;
        OciNotes notes = {};
        bool strict = false;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case ARG_STRICT:
                        strict = true;
                        break;
                default:
                        return 100;
                }
        if (optind != argc - 1) {
                fprintf(stderr, "export-oci: expected exactly one unit file or name.\n");
                return 100;
        }
        /* The policy exactly as `analyze policy` builds it. */
        if (ctl_load_policy(argv[optind], &u, &p) < 0)
                return 1;
        r = oci_export(p, &json, &notes);
        if (r < 0) {
                fprintf(stderr, "export-oci: %s\n", r == -E2BIG
                        ? "an argument check is too complex for one libseccomp filter" : strerror(-r));
                oci_notes_done(&notes);
                return 1;
        }
        print_notes("export-oci", &notes);
        fputs(json, stdout);
        r = strict && notes.n > 0 ? 1 : 0;
        oci_notes_done(&notes);
        if (fflush(stdout) != 0)
                return 1;
        return r;
}
