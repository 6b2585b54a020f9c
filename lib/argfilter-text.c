/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Argument filters back to text, and evaluated directly: the canonical form that analyze shows
 * and that parses back to the same filter, and the reference answer the normal form and the
 * compiled filter are tested against. Both walk the parsed tree (argfilter-ast.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "argfilter-ast.h"
#include "errno-util.h"

/* ---- canonical text ---- */

static int fmt_node(FILE *out, const AfNode *n, int parent);

static void fmt_test(FILE *out, const AfNode *n) {
        if (n->masked)
                fprintf(out, "(%s & %s)", n->arg_text, n->mask.text);
        else
                fputs(n->arg_text, out);
        fprintf(out, " %s ", af_op_to_string(n->op));
        if (n->op != AF_OP_IN && n->op != AF_OP_NOT_IN) {
                fputs(n->values[0].text, out);
                return;
        }
        fputc('{', out);
        for (size_t i = 0; i < n->n_values; i++)
                fprintf(out, "%s%s", i ? ", " : "", n->values[i].text);
        fputc('}', out);
}

/* Precedence: OR 1, AND 2, unary 3. A list inside a list of the same or a tighter kind
 * keeps its parentheses, so the text parses back to the same tree. */
static int fmt_node(FILE *out, const AfNode *n, int parent) {
        int prec = n->type == AF_NODE_OR ? 1 : n->type == AF_NODE_AND ? 2 : 3;
        bool paren = (n->type == AF_NODE_OR || n->type == AF_NODE_AND) && prec <= parent;

        if (n->type == AF_NODE_TEST) {
                if (parent >= 3)
                        fputc('(', out);
                fmt_test(out, n);
                if (parent >= 3)
                        fputc(')', out);
                return 0;
        }
        if (n->type == AF_NODE_NOT) {
                fputc('!', out);
                return fmt_node(out, n->children[0], 3);
        }
        if (paren)
                fputc('(', out);
        for (size_t i = 0; i < n->n_children; i++) {
                if (i > 0)
                        fputs(n->type == AF_NODE_OR ? " || " : " && ", out);
                fmt_node(out, n->children[i], prec);
        }
        if (paren)
                fputc(')', out);
        return 0;
}

int argfilter_format(const ArgFilter *f, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);

        if (!out)
                return -ENOMEM;
        fputs(f->syscall, out);
        if (f->has_action) {
                if (f->action.type == POLICY_ACTION_KILL)
                        fputs(":kill", out);
                else if (errno_to_name(f->action.errno_value))
                        fprintf(out, ":%s", errno_to_name(f->action.errno_value));
                else
                        fprintf(out, ":%u", (unsigned) f->action.errno_value);
        }
        fputs(": ", out);
        fmt_node(out, f->root, 0);
        if (fclose(out) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* ---- direct evaluation ---- */

/* Compares with plain C integers of the argument's type, independently of the normal form. */
static bool eval_order(ArgType t, uint64_t x, uint64_t v, AfOp op) {
        int c;

        if (arg_type_signed(t)) {
                int64_t a = arg_type_width(t) == 32 ? (int32_t) (uint32_t) x : (int64_t) x;
                int64_t b = arg_type_width(t) == 32 ? (int32_t) (uint32_t) v : (int64_t) v;
                c = a < b ? -1 : a > b;
        } else
                c = x < v ? -1 : x > v;
        switch (op) {
        case AF_OP_LT: return c < 0;
        case AF_OP_LE: return c <= 0;
        case AF_OP_GT: return c > 0;
        default: return c >= 0;
        }
}

static bool eval_node(const ArgFilter *f, const AfNode *n, const uint64_t args[static 6]) {
        uint64_t x;
        bool in = false;

        switch (n->type) {
        case AF_NODE_OR:
                for (size_t i = 0; i < n->n_children; i++)
                        if (eval_node(f, n->children[i], args))
                                return true;
                return false;
        case AF_NODE_AND:
                for (size_t i = 0; i < n->n_children; i++)
                        if (!eval_node(f, n->children[i], args))
                                return false;
                return true;
        case AF_NODE_NOT:
                return !eval_node(f, n->children[0], args);
        default:
                break;
        }
        x = args[n->arg] & af_width_mask(f->types[n->arg]); /* what the kernel reads */
        if (n->masked)
                x &= n->mask.bits;
        if (n->op != AF_OP_EQ && n->op != AF_OP_NE && n->op != AF_OP_IN && n->op != AF_OP_NOT_IN)
                return eval_order(f->types[n->arg], x, n->values[0].bits, n->op);
        for (size_t i = 0; i < n->n_values; i++)
                in = in || x == n->values[i].bits;
        return n->op == AF_OP_EQ || n->op == AF_OP_IN ? in : !in;
}

bool argfilter_eval(const ArgFilter *f, const uint64_t args[static 6]) {
        return eval_node(f, f->root, args);
}
