/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Learn mode on the client side: `learn UNIT --output=FILE`, and the part of
 * `run --learn=FILE` that fetches the record and writes the drop-in.
 */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

typedef struct LearnOutput {
        const char *path;    /* the drop-in to write */
        const char *merge;   /* a drop-in of an earlier run to merge with, or NULL */
        bool groups;         /* the readable form */
        bool diff;           /* print the result against the unit's current policy */
} LearnOutput;

/* Fetches UNIT's record (GetLearned), merges, writes o->path (replaced atomically) and, with
 * o->diff, prints the difference. Returns a CTL_EXIT_* code. */
int learn_write_output(sd_bus *bus, const char *unit, const LearnOutput *o);

int verb_learn(int argc, char **argv);
