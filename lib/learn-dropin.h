/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The drop-in learn mode writes (from a LearnRecord), and reading it back for --learn-merge.
 *
 *   [Service]
 *   SystemCallFilter=            reset, then the calls seen (both phases), one line
 *   SystemCallArchitectures=     "native" when only the native ABI was seen
 *   RestrictAddressFamilies=     "none", or the families seen; left out when unknown
 *   RestrictNamespaces=          "yes", or the kinds seen; left out when unknown
 *   MemoryDenyWriteExecute=yes   when no W+X mapping was seen
 *   LockPersonality=yes          when no personality change was seen
 *   [X-Syscage]                  only when the switch point was seen
 *   MainSystemCallFilter=        the calls made after it
 *   MainPhaseStarts=             after-loader or after-ready
 */
#pragma once

#include <stdbool.h>

#include "learn-record.h"

/* NATIVE is the SystemCallArchitectures= name of the native ABI; GROUPS picks the readable
 * form (a cover of @groups plus single calls, with coverage counts in comments); HEADER is a
 * comment (without "# ") or NULL. */
int learn_dropin_render(const LearnRecord *r, const char *native, bool groups, const char *header,
                        char **ret);

/* Reads back what learn_dropin_render() wrote (either form; "@group" names are expanded). A
 * restriction that is missing counts as "not restricted". -EBADMSG on anything else. */
int learn_dropin_parse(const char *text, const char *native, LearnRecord *ret);

/* S sorted, as a new NULL-terminated list. */
int learn_dropin_sorted(const StringSet *s, char ***ret);
