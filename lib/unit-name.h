/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit names: validation, the template/instance split ("foo@bar.service" is an instance of
 * the template "foo@.service"), and the escaping rules of systemd.unit(5) that map arbitrary
 * strings and paths into the unit name alphabet and back (used by %I, %P, %J, %f).
 */
#pragma once

#include <stdbool.h>

/* The only unit type syscage runs. */
#define UNIT_NAME_SUFFIX ".service"

typedef enum UnitNameFlags {
        UNIT_NAME_PLAIN = 1u << 0,    /* foo.service */
        UNIT_NAME_TEMPLATE = 1u << 1, /* foo@.service */
        UNIT_NAME_INSTANCE = 1u << 2, /* foo@bar.service */
        UNIT_NAME_ANY = UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE,
} UnitNameFlags;

/* "plain", "template", "instance" for a single flag, NULL otherwise. */
const char *unit_name_flags_to_string(UnitNameFlags f);

/* True when N is a valid service name of one of the kinds in FLAGS: characters from
 * [a-zA-Z0-9:_.\-\\@], at most UNIT_NAME_MAX bytes, ending in ".service" with a non-empty
 * prefix before the first '@'. The instance may itself contain '@', as in systemd. */
bool unit_name_is_valid(const char *n, UnitNameFlags flags);

/* The kind of a valid name (one flag), or -EINVAL. */
int unit_name_classify(const char *n);

/* "foo@bar.service" -> "foo" ; "foo.service" -> "foo". */
int unit_name_to_prefix(const char *n, char **ret);
/* "foo@bar.service" -> "bar" ; "foo@.service" -> "" ; "foo.service" -> -EINVAL. */
int unit_name_to_instance(const char *n, char **ret);
/* Name without the suffix: "foo@bar.service" -> "foo@bar". */
int unit_name_to_stem(const char *n, char **ret);
/* "foo@bar.service" -> "foo@.service" ; -EINVAL for anything but an instance. */
int unit_name_template(const char *n, char **ret);
/* "foo@.service" + "bar" -> "foo@bar.service" (result validated). */
int unit_name_build_instance(const char *template_name, const char *instance, char **ret);

/* Escaping as systemd-escape does: '/' -> '-', and '-', '\\', a leading '.', and every byte
 * outside [a-zA-Z0-9:_.] -> \xNN. */
int unit_name_escape(const char *s, char **ret);
/* The reverse: '-' -> '/', \xNN -> byte. -EINVAL for a malformed \x escape or NUL. */
int unit_name_unescape(const char *s, char **ret);
/* Path escaping (systemd-escape --path): slashes squeezed and stripped, "/" -> "-". */
int unit_name_path_escape(const char *path, char **ret);
/* Path unescaping, used by %f: "-" -> "/", otherwise unescape and make absolute. */
int unit_name_path_unescape(const char *s, char **ret);
