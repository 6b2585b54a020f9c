/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verbs that work on unit files as systemctl's do: mask, unmask, edit, list-unit-files,
 * list-dependencies. They write in the daemon's unit search path (asked over the control
 * socket, or --units-dir) and have the daemon reload; each returns syscagectl's exit code.
 */
#pragma once

int verb_mask(int argc, char **argv);   /* mask, unmask */
int verb_edit(int argc, char **argv);
int verb_list_unit_files(int argc, char **argv);
int verb_list_dependencies(int argc, char **argv);
