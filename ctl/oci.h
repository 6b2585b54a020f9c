/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* "syscagectl import-oci FILE ...": an OCI seccomp profile as a unit drop-in, on stdout. */
int verb_import_oci(int argc, char **argv);
/* "syscagectl export-oci UNIT|FILE ...": a unit's seccomp policy as an OCI profile. */
int verb_export_oci(int argc, char **argv);
