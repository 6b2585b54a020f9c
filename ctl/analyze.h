/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* "syscagectl analyze SUBCOMMAND ...": offline inspection of groups, policies and numbers. */
int verb_analyze(int argc, char **argv);
