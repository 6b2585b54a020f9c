/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers on a unit's log files shared by the output modules (see output-log.c); the public
 * ones (output_log_open(), output_log_tail(), ...) are declared in output.h.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Unit names become file names and appear in every record: no '/', no spaces, no control
 * characters, not "." or "..", at most OUTPUT_UNIT_NAME_MAX bytes. */
bool output_unit_name_valid(const char *unit);
/* STATE_DIR/logs/UNIT.log for index 0, else UNIT.log.INDEX. -ENAMETOOLONG if it does not fit. */
int output_log_path(const char *state_dir, const char *unit, unsigned index, char *buf, size_t size);
/* Finds the log file with inode ino among UNIT.log, UNIT.log.1, ... and cuts it back to size
 * (never makes it longer: a file shorter than size is left alone with a warning). Returns 1
 * when the file was found, 0 when no log file has that inode, or -errno. */
int output_log_cut(const char *state_dir, const char *unit, uint64_t ino, uint64_t size);
