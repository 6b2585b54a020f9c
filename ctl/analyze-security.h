/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `syscagectl analyze security UNIT [--json]`: an exposure table computed from what the unit's
 * compiled filter really lets through (every member of the dangerous syscall groups evaluated
 * on every enabled ABI, a foreign ABI, execve after the launch, a few calls with telling
 * arguments) and from its sandbox, with an overall score. The formula is in
 * contrib/docs/syscagectl.1.md.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "policy.h"
#include "unit-config.h"

#define SECURITY_ITEMS_MAX 48

typedef struct SecurityItem {
        const char *id;     /* stable, for --json: "group:@mount", "exec-after-launch", ... */
        const char *what;   /* one line for the table */
        unsigned weight;
        double exposure;    /* 0 (closed) .. 1 (open) */
        char detail[160];
} SecurityItem;

typedef struct SecurityAbi {
        uint32_t arch;
        unsigned known, reachable; /* members of @known this ABI has, and those the filter lets through */
} SecurityAbi;

typedef struct SecurityReport {
        SecurityItem items[SECURITY_ITEMS_MAX];
        size_t n_items;
        SecurityAbi abis[ARCH_SET_MAX];
        size_t n_abis;
        uint32_t foreign_arch;  /* an ABI the filter does not cover; 0 if none could be found */
        bool foreign_killed;
        bool filtered;          /* a filter is loaded at all */
        bool complain;
        const char *gate;       /* "off", "on (errno EPERM)", "on (kill)", "on (complain: reports only)" */
        double score;           /* 0.0 .. 10.0, higher is more exposed */
} SecurityReport;

/* Computes the report for policy P and configuration C (C may be NULL: no sandbox). */
int security_analyze(const Policy *p, const UnitConfig *c, SecurityReport *ret);

/* A word for SCORE: "low", "medium", "high", "very high". */
const char *security_rating(double score);

void security_print_table(const SecurityReport *r, const char *unit, FILE *f);
void security_print_json(const SecurityReport *r, const char *unit, FILE *f);

/* analyze security FILE|NAME [--json] */
int analyze_security(int argc, char **argv);
