/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The parsed form of one SystemCallArgumentFilter= line, shared by the parser (argfilter.c)
 * and the normal form (argfilter-dnf.c). Values are kept as bit patterns in the argument's
 * width: what the kernel sees after truncating the register.
 */
#pragma once

#include <stdint.h>

#include "argfilter-table.h"
#include "argfilter.h"

typedef enum AfNodeType {
        AF_NODE_OR,
        AF_NODE_AND,
        AF_NODE_NOT,
        AF_NODE_TEST,
} AfNodeType;

typedef enum AfOp {
        AF_OP_EQ,
        AF_OP_NE,
        AF_OP_LT,
        AF_OP_LE,
        AF_OP_GT,
        AF_OP_GE,
        AF_OP_IN,
        AF_OP_NOT_IN,
        _AF_OP_MAX,
} AfOp;

typedef struct AfValue {
        char *text;    /* as written, atoms joined by '|' without spaces */
        uint64_t bits; /* the pattern, within the argument's width */
} AfValue;

typedef struct AfNode AfNode;
struct AfNode {
        AfNodeType type;
        AfNode **children; /* OR, AND: two or more; NOT: one */
        size_t n_children;
        /* TEST */
        char *arg_text; /* the argument as written ("fd", "arg0") */
        unsigned arg;
        bool masked;
        AfValue mask;
        AfOp op;
        AfValue *values; /* one, or the set of in/not in */
        size_t n_values;
};

struct ArgFilter {
        char *syscall;
        bool has_action;
        PolicyAction action;
        ArgType types[ARGFILTER_ARGS_MAX];
        AfNode *root;
};

static inline uint64_t af_width_mask(ArgType t) {
        unsigned w = arg_type_width(t);
        return w >= 64 ? UINT64_MAX : (UINT64_C(1) << w) - 1;
}

/* The sign bit of T within its width, or 0 for unsigned types. */
static inline uint64_t af_sign_bit(ArgType t) {
        return arg_type_signed(t) ? UINT64_C(1) << (arg_type_width(t) - 1) : 0;
}

AfOp af_op_negate(AfOp op);
const char *af_op_to_string(AfOp op);
