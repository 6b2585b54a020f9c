/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A cube: one conjunct of masked-equality tests on a system call's six arguments,
 * (arg[i] & mask[i]) == value[i] for every i, where mask 0 leaves the argument free. Unions
 * of cubes are how both the argument-filter compiler (argfilter-dnf.c) and the OCI export
 * (oci-profile-cond.c) say sets of argument values; this file holds what they share. How a
 * union is kept (subsumption only, or also merging neighbours) stays with each of them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define CUBE_ARGS 6

typedef struct Cube {
        uint64_t mask[CUBE_ARGS], value[CUBE_ARGS]; /* value never has bits outside mask */
} Cube;

/* The cube testing one argument. */
static inline Cube cube_one(unsigned arg, uint64_t mask, uint64_t value) {
        Cube c = {};

        c.mask[arg] = mask;
        c.value[arg] = value & mask;
        return c;
}

/* Whether every argument vector in B is also in A (A's constraints are a subset of B's). */
static inline bool cube_subsumes(const Cube *a, const Cube *b) {
        for (unsigned i = 0; i < CUBE_ARGS; i++)
                if ((a->mask[i] & ~b->mask[i]) || ((a->value[i] ^ b->value[i]) & a->mask[i]))
                        return false;
        return true;
}

/* A AND B as one cube; false when they contradict (no vector is in both). */
static inline bool cube_and(const Cube *a, const Cube *b, Cube *ret) {
        for (unsigned i = 0; i < CUBE_ARGS; i++) {
                if ((a->value[i] ^ b->value[i]) & a->mask[i] & b->mask[i])
                        return false;
                ret->mask[i] = a->mask[i] | b->mask[i];
                ret->value[i] = a->value[i] | b->value[i];
        }
        return true;
}

/* Calls ADD(SET, cube) for each cube of LO <= key(x) <= HI, where key(x) = x ^ SIGN within
 * the width mask W (SIGN flips the sign bit of a signed type, which maps signed order onto
 * unsigned order; 0 for unsigned): aligned blocks of 2^k keys share all but their low k bits,
 * so each is one cube, at most 2 * width of them, in increasing order. Stops at ADD's first
 * negative return and returns it. */
int cube_interval(unsigned arg, uint64_t w, uint64_t sign, uint64_t lo, uint64_t hi,
                  int (*add)(void *set, const Cube *c), void *set);
