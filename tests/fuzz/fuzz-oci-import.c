/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the OCI profile import. Whatever imports must be a drop-in that parses and builds;
 * its policy is exported again and compiled. Nothing may crash or leak. The corpus holds a
 * profile for every variation the runtime-spec and Docker's profile format allow.
 */
#include <stdint.h>
#include <stdlib.h>

#include "filter.h"
#include "oci-profile-export.h"
#include "oci-profile-import.h"
#include "policy-build.h"
#include "unit-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const char *dropin) {
        _cleanup_(unit_file_freep) UnitFile *u = NULL;
        _cleanup_(policy_freep) Policy *p = NULL;
        _cleanup_(filter_set_freep) FilterSet *fs = NULL;
        _cleanup_free_ char *json = NULL;
        OciNotes notes = {};
        DiagList diags = {};

        if (unit_file_load_string("fuzz.service", "fuzz.service", dropin, &diags, &u) >= 0 &&
            policy_build(u, &diags, &p) >= 0) {
                (void) oci_export(p, &json, &notes);
                (void) filter_compile(p, &fs);
        } else if (!u)
                abort(); /* the import must print what the unit parser reads */
        oci_notes_done(&notes);
        diag_list_done(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char *caps[] = { (char *) "CAP_SYS_ADMIN", (char *) "CAP_NET_ADMIN", NULL };
        _cleanup_free_ char *dropin = NULL, *error = NULL;
        OciImportOptions o = {};
        OciNotes notes = {};

        /* The first byte picks the capability set: none, or two. */
        if (size > 0 && data[0] == '#') {
                o.caps = caps;
                data++;
                size--;
        }
        if (oci_import((const char *) data, size, &o, &dropin, &notes, &error) >= 0)
                exercise(dropin);
        oci_notes_done(&notes);
        return 0;
}
