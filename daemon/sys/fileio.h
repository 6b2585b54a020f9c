/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading and writing the small text files of /proc and cgroupfs. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "macro.h"

/* Reads all of path (relative to dirfd, or absolute) into a NUL-terminated buffer. Virtual
 * files report size 0, so this reads until EOF. Returns -EFBIG past max bytes. */
int read_virtual_file_at(int dirfd, const char *path, size_t max, char **ret_text);

/* Writes s to path (relative to dirfd) with one write(2), as cgroupfs wants. The file must
 * exist. Returns 0 or -errno. */
int write_string_file_at(int dirfd, const char *path, const char *s);

/* Creates path and any missing parents with mode (subject to umask). An existing directory is
 * fine; an existing non-directory is -ENOTDIR. */
int mkdir_p(const char *path, mode_t mode);
