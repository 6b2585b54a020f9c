/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SystemCallArgumentFilter= parser (the grammar is in argfilter.h): a recursive descent
 * over a hand-written tokenizer. Nesting through '(' and '!' is bounded by ARGFILTER_DEPTH_MAX
 * and the tree's size by ARGFILTER_NODES_MAX, so a hostile line can neither exhaust the stack
 * nor make the normal form's work unbounded. Text and evaluation are in argfilter-text.c,
 * the normal form in argfilter-dnf.c.
 */
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "argfilter-ast.h"
#include "errno-util.h"

/* Nesting of '(' and '!': far above any readable expression, well below the stack's limits. */
#define ARGFILTER_DEPTH_MAX 64u
/* libseccomp accepts SCMP_ACT_ERRNO(n) only below 4095. */
#define ARGFILTER_ERRNO_MAX (ERRNO_MAX - 1)

static const char *const op_table[_AF_OP_MAX] = {
        [AF_OP_EQ] = "==", [AF_OP_NE] = "!=", [AF_OP_LT] = "<",     [AF_OP_LE] = "<=",
        [AF_OP_GT] = ">",  [AF_OP_GE] = ">=", [AF_OP_IN] = "in", [AF_OP_NOT_IN] = "not in",
};

const char *af_op_to_string(AfOp op) {
        return op < _AF_OP_MAX ? op_table[op] : NULL;
}

AfOp af_op_negate(AfOp op) {
        static const AfOp table[_AF_OP_MAX] = {
                [AF_OP_EQ] = AF_OP_NE, [AF_OP_NE] = AF_OP_EQ, [AF_OP_LT] = AF_OP_GE,
                [AF_OP_LE] = AF_OP_GT, [AF_OP_GT] = AF_OP_LE, [AF_OP_GE] = AF_OP_LT,
                [AF_OP_IN] = AF_OP_NOT_IN, [AF_OP_NOT_IN] = AF_OP_IN,
        };
        return table[op];
}

static AfNode *node_free(AfNode *n) {
        if (!n)
                return NULL;
        for (size_t i = 0; i < n->n_children; i++)
                node_free(n->children[i]);
        free(n->children);
        free(n->arg_text);
        free(n->mask.text);
        for (size_t i = 0; i < n->n_values; i++)
                free(n->values[i].text);
        free(n->values);
        free(n);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(AfNode *, node_free);

ArgFilter *argfilter_free(ArgFilter *f) {
        if (!f)
                return NULL;
        free(f->syscall);
        node_free(f->root);
        free(f);
        return NULL;
}

const char *argfilter_syscall(const ArgFilter *f) {
        return f->syscall;
}

bool argfilter_action(const ArgFilter *f, PolicyAction *ret) {
        if (!f->has_action)
                return false;
        if (ret)
                *ret = f->action;
        return true;
}

/* ---- tokens ---- */

typedef struct Parser {
        const ArgFilter *f;
        const ArgFilterSyscall *info; /* NULL: not in the table */
        const char *p;
        unsigned n_nodes, depth;
        char *error; /* the first error */
        bool oom;
} Parser;

_printf_(2, 3) static int fail(Parser *ps, const char *fmt, ...) {
        va_list ap;

        if (ps->error || ps->oom)
                return -EINVAL;
        va_start(ap, fmt);
        if (vasprintf(&ps->error, fmt, ap) < 0) {
                ps->error = NULL;
                ps->oom = true;
        }
        va_end(ap);
        return -EINVAL;
}

static void skip_space(Parser *ps) {
        while (isspace((unsigned char) *ps->p))
                ps->p++;
}

/* Consumes the punctuation TOK if it is next (and, for '&', '|' and '!', is not the start
 * of "&&", "||" or "!="). */
static bool accept_punct(Parser *ps, const char *tok) {
        size_t n = strlen(tok);

        skip_space(ps);
        if (!strneq(ps->p, tok, n))
                return false;
        if (n == 1 && strchr("&|", tok[0]) && ps->p[1] == tok[0])
                return false;
        if (n == 1 && tok[0] == '!' && ps->p[1] == '=')
                return false;
        if (n == 1 && strchr("<>", tok[0]) && ps->p[1] == '=')
                return false;
        ps->p += n;
        return true;
}

static bool is_word_char(char c) {
        return isalnum((unsigned char) c) || c == '_';
}

/* The next word (identifier or number) without consuming it; its length, 0 when none. */
static size_t peek_word(Parser *ps) {
        size_t n = 0;

        skip_space(ps);
        while (is_word_char(ps->p[n]))
                n++;
        return n;
}

static bool accept_keyword(Parser *ps, const char *kw) {
        size_t n = peek_word(ps);

        if (n != strlen(kw) || !strneq(ps->p, kw, n))
                return false;
        ps->p += n;
        return true;
}

/* A short quote of what comes next, for messages. */
static const char *here(Parser *ps, char buf[static 24]) {
        skip_space(ps);
        if (*ps->p == '\0')
                return "end of line";
        snprintf(buf, 24, "'%.16s%s'", ps->p, strlen(ps->p) > 16 ? "..." : "");
        return buf;
}

static int expect_punct(Parser *ps, const char *tok) {
        char buf[24];

        if (accept_punct(ps, tok))
                return 0;
        return fail(ps, "expected '%s' at %s", tok, here(ps, buf));
}

static int count_node(Parser *ps) {
        if (++ps->n_nodes > ARGFILTER_NODES_MAX)
                return fail(ps, "expression too long (more than %u tests, operators and values)",
                            ARGFILTER_NODES_MAX);
        return 0;
}

/* ---- values ---- */

typedef enum ValueUse {
        VALUE_PATTERN, /* ==, !=, in, masks: a bit pattern; negative numbers are two's complement */
        VALUE_ORDER,   /* <, <=, >, >=: a number of the argument's type */
} ValueUse;

/* One atom: NUMBER, '-' NUMBER or CONSTANT, as a 64-bit two's complement value; appends its
 * text to *TEXT. */
static int parse_atom(Parser *ps, uint64_t *ret, bool *negative, char **text) {
        bool minus = accept_punct(ps, "-");
        size_t n = peek_word(ps);
        _cleanup_free_ char *word = NULL;
        char buf[24], *joined;
        uint64_t v;

        if (n == 0)
                return fail(ps, "expected a number or constant at %s", here(ps, buf));
        word = strndup(ps->p, n);
        if (!word)
                return -ENOMEM;
        ps->p += n;
        if (isdigit((unsigned char) word[0])) {
                char *end;
                errno = 0;
                v = strtoull(word, &end, 0);
                if (errno != 0 || *end != '\0')
                        return fail(ps, "invalid number '%s'", word);
        } else {
                int64_t c;
                if (argfilter_table_constant(word, &c) < 0)
                        return fail(ps, "unknown constant '%s'", word);
                if (c < 0 && minus)
                        return fail(ps, "cannot negate the negative constant '%s'", word);
                v = (uint64_t) c;
                *negative = *negative || c < 0;
        }
        if (minus) {
                if (v > (UINT64_C(1) << 63))
                        return fail(ps, "number -%s is out of range", word);
                v = -v;
                *negative = true;
        }
        if (asprintf(&joined, "%s%s%s%s", *text ?: "", *text ? "|" : "", minus ? "-" : "",
                     word) < 0)
                return -ENOMEM;
        free(*text);
        *text = joined;
        *ret = v;
        return 0;
}

/* Whether the 64-bit value V (NEGATIVE: written with a minus) fits type T for USE, and its
 * pattern in T's width. */
static bool value_fits(uint64_t v, bool negative, ArgType t, ValueUse use, uint64_t *ret) {
        unsigned w = arg_type_width(t);
        bool order_signed = use == VALUE_ORDER && arg_type_signed(t);
        int64_t s = (int64_t) v;

        if (negative) {
                if (use == VALUE_ORDER && !arg_type_signed(t))
                        return false;
                if (w < 64 && s < -(INT64_C(1) << (w - 1)))
                        return false;
        } else if (w < 64) {
                if (v > (order_signed ? (UINT64_C(1) << (w - 1)) - 1 : (UINT64_C(1) << w) - 1))
                        return false;
        } else if (order_signed && v > (uint64_t) INT64_MAX)
                return false;
        *ret = v & af_width_mask(t);
        return true;
}

static const char *arg_label(const ArgFilter *f, const AfNode *n, char *buf, size_t size) {
        snprintf(buf, size, "'%s' (%s)", n->arg_text, arg_type_to_string(f->types[n->arg]));
        return buf;
}

/* value := atom ('|' atom)* */
static int parse_value(Parser *ps, const AfNode *test, ValueUse use, AfValue *ret) {
        _cleanup_free_ char *text = NULL;
        uint64_t v = 0;
        bool negative = false;
        char label[128];
        int r;

        do {
                uint64_t a = 0;
                if ((r = count_node(ps)) < 0 || (r = parse_atom(ps, &a, &negative, &text)) < 0)
                        return r;
                v |= a;
        } while (accept_punct(ps, "|"));
        if (!value_fits(v, negative, ps->f->types[test->arg], use, &ret->bits))
                return fail(ps, "value %s does not fit argument %s%s", text,
                            arg_label(ps->f, test, label, sizeof label),
                            use == VALUE_ORDER ? " in an ordered comparison" : "");
        ret->text = TAKE_PTR(text);
        return 0;
}

/* ---- arguments ---- */

static int known_args(const ArgFilterSyscall *info, char **ret) {
        _cleanup_free_ char *s = strdup("");

        for (unsigned i = 0; s && info && info->args[i]; i++) {
                char *t;
                if (asprintf(&t, "%s%s%s", s, i ? ", " : "", info->args[i]) < 0)
                        return -ENOMEM;
                free(s);
                s = t;
        }
        if (!s)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

static int parse_arg(Parser *ps, AfNode *test) {
        const ArgFilterSyscall *info = ps->info;
        unsigned n_args = info ? argfilter_table_n_args(info) : ARGFILTER_ARGS_MAX;
        size_t n = peek_word(ps);
        char buf[24];
        int r;

        if (n == 0)
                return fail(ps, "expected an argument name at %s", here(ps, buf));
        test->arg_text = strndup(ps->p, n);
        if (!test->arg_text)
                return -ENOMEM;
        ps->p += n;
        test->arg = ARGFILTER_ARGS_MAX;
        if (strlen(test->arg_text) == 4 && strneq(test->arg_text, "arg", 3) &&
            test->arg_text[3] >= '0' && test->arg_text[3] <= '5')
                test->arg = (unsigned) (test->arg_text[3] - '0');
        for (unsigned i = 0; info && i < n_args && test->arg == ARGFILTER_ARGS_MAX; i++)
                if (streq(info->args[i], test->arg_text))
                        test->arg = i;
        if (test->arg == ARGFILTER_ARGS_MAX) {
                _cleanup_free_ char *list = NULL;
                if ((r = known_args(info, &list)) < 0)
                        return r;
                if (!info)
                        return fail(ps, "unknown argument '%s' of %s; use arg0..arg5 (its "
                                    "argument names are not known)", test->arg_text,
                                    ps->f->syscall);
                if (n_args <= 1)
                        return fail(ps, "unknown argument '%s' of %s; known: %s%sarg0",
                                    test->arg_text, ps->f->syscall, list, n_args ? ", or " : "");
                return fail(ps, "unknown argument '%s' of %s; known: %s, or arg0..arg%u",
                            test->arg_text, ps->f->syscall, list, n_args - 1);
        }
        if (test->arg >= n_args)
                return fail(ps, "%s takes %u argument%s: there is no %s", ps->f->syscall, n_args,
                            n_args == 1 ? "" : "s", test->arg_text);
        if (ps->f->types[test->arg] == ARG_TYPE_PTR)
                return fail(ps, "argument '%s' of %s is a pointer: seccomp cannot see what it "
                            "points to", test->arg_text, ps->f->syscall);
        return 0;
}

/* ---- expressions ---- */

static int parse_or(Parser *ps, AfNode **ret);

static int node_new(Parser *ps, AfNodeType type, AfNode **ret) {
        int r = count_node(ps);

        if (r < 0)
                return r;
        *ret = calloc(1, sizeof **ret);
        if (!*ret)
                return -ENOMEM;
        (*ret)->type = type;
        return 0;
}

static int node_add_child(AfNode *n, AfNode *child) {
        AfNode **c = reallocarray(n->children, n->n_children + 1, sizeof *c);

        if (!c)
                return -ENOMEM;
        n->children = c;
        n->children[n->n_children++] = child;
        return 0;
}

static int parse_set(Parser *ps, AfNode *test) {
        int r;

        if ((r = expect_punct(ps, "{")) < 0)
                return r;
        do {
                AfValue *v = reallocarray(test->values, test->n_values + 1, sizeof *v);
                if (!v)
                        return -ENOMEM;
                test->values = v;
                v[test->n_values] = (AfValue) {};
                if ((r = parse_value(ps, test, VALUE_PATTERN, &v[test->n_values])) < 0)
                        return r;
                test->n_values++;
        } while (accept_punct(ps, ","));
        return expect_punct(ps, "}");
}

/* The comparison after a term; ORDERED is false for a masked term. */
static int parse_comparison(Parser *ps, AfNode *test) {
        static const AfOp ops[] = { AF_OP_EQ, AF_OP_NE, AF_OP_LE, AF_OP_GE, AF_OP_LT, AF_OP_GT };
        char buf[24], label[128];

        if (accept_keyword(ps, "in")) {
                test->op = AF_OP_IN;
                return parse_set(ps, test);
        }
        if (accept_keyword(ps, "not")) {
                if (!accept_keyword(ps, "in"))
                        return fail(ps, "expected 'in' after 'not' at %s", here(ps, buf));
                test->op = AF_OP_NOT_IN;
                return parse_set(ps, test);
        }
        for (size_t i = 0; i < ELEMENTSOF(ops); i++)
                if (accept_punct(ps, af_op_to_string(ops[i]))) {
                        bool ordered = ops[i] != AF_OP_EQ && ops[i] != AF_OP_NE;
                        if (ordered && test->masked)
                                return fail(ps, "a masked term can only be compared with ==, != "
                                            "or in: (%s & %s) %s", test->arg_text,
                                            test->mask.text, af_op_to_string(ops[i]));
                        test->op = ops[i];
                        test->values = calloc(1, sizeof *test->values);
                        if (!test->values)
                                return -ENOMEM;
                        test->n_values = 1;
                        return parse_value(ps, test, ordered ? VALUE_ORDER : VALUE_PATTERN,
                                           &test->values[0]);
                }
        return fail(ps, "expected a comparison (==, !=, <, <=, >, >=, in, not in) after "
                    "argument %s at %s", arg_label(ps->f, test, label, sizeof label),
                    here(ps, buf));
}

/* Values a masked test compares with must lie within the mask, or the test is constant; so is
 * every test under a mask of 0 ("(flags & O_RDONLY) == O_RDONLY" holds for any flags, since
 * O_RDONLY is 0). */
static int check_masked(Parser *ps, const AfNode *test) {
        if (test->masked && test->mask.bits == 0)
                return fail(ps, "the mask %s is 0 for argument '%s': (%s & %s) is always 0, so the "
                            "test does not depend on the argument%s", test->mask.text,
                            test->arg_text, test->arg_text, test->mask.text,
                            strstr(test->mask.text, "O_") ? " (an access mode is tested as "
                            "(flags & O_ACCMODE) == O_RDONLY)" : "");
        for (size_t i = 0; test->masked && i < test->n_values; i++)
                if (test->values[i].bits & ~test->mask.bits)
                        return fail(ps, "value %s has bits outside the mask %s: (%s & %s) can "
                                    "never equal it", test->values[i].text, test->mask.text,
                                    test->arg_text, test->mask.text);
        return 0;
}

/* test := term OP value | term ['not'] 'in' '{' ... '}'; MASKED: the '(' was consumed. */
static int parse_test(Parser *ps, bool masked, AfNode **ret) {
        _cleanup_(node_freep) AfNode *n = NULL;
        int r;

        if ((r = node_new(ps, AF_NODE_TEST, &n)) < 0 || (r = parse_arg(ps, n)) < 0)
                return r;
        if (masked) {
                n->masked = true;
                if ((r = expect_punct(ps, "&")) < 0 ||
                    (r = parse_value(ps, n, VALUE_PATTERN, &n->mask)) < 0 ||
                    (r = expect_punct(ps, ")")) < 0)
                        return r;
        }
        if ((r = parse_comparison(ps, n)) < 0 || (r = check_masked(ps, n)) < 0)
                return r;
        *ret = TAKE_PTR(n);
        return 0;
}

/* After '(': a masked term is an argument name followed by a single '&'. */
static bool masked_term_ahead(Parser *ps) {
        const char *save = ps->p;
        size_t n = peek_word(ps);
        bool yes;

        if (n == 0 || isdigit((unsigned char) ps->p[0]))
                return false;
        ps->p += n;
        yes = accept_punct(ps, "&");
        ps->p = save;
        return yes;
}

static int parse_unary(Parser *ps, AfNode **ret) {
        int r;

        if (ps->depth >= ARGFILTER_DEPTH_MAX)
                return fail(ps, "expression nested too deeply (more than %u levels)",
                            ARGFILTER_DEPTH_MAX);
        if (accept_punct(ps, "!")) {
                _cleanup_(node_freep) AfNode *n = NULL;
                AfNode *child = NULL;
                if ((r = node_new(ps, AF_NODE_NOT, &n)) < 0)
                        return r;
                ps->depth++;
                r = parse_unary(ps, &child);
                ps->depth--;
                if (r < 0)
                        return r;
                if ((r = node_add_child(n, child)) < 0) {
                        node_free(child);
                        return r;
                }
                *ret = TAKE_PTR(n);
                return 0;
        }
        if (!accept_punct(ps, "("))
                return parse_test(ps, false, ret);
        if (masked_term_ahead(ps))
                return parse_test(ps, true, ret);
        ps->depth++;
        r = parse_or(ps, ret);
        ps->depth--;
        if (r < 0)
                return r;
        if ((r = expect_punct(ps, ")")) < 0) {
                *ret = node_free(*ret);
                return r;
        }
        return 0;
}

/* and := unary ('&&' unary)*; or := and ('||' and)* */
static int parse_list(Parser *ps, AfNodeType type, AfNode **ret) {
        _cleanup_(node_freep) AfNode *first = NULL, *list = NULL;
        const char *sep = type == AF_NODE_OR ? "||" : "&&";
        int r;

        r = type == AF_NODE_OR ? parse_list(ps, AF_NODE_AND, &first) : parse_unary(ps, &first);
        if (r < 0)
                return r;
        while (accept_punct(ps, sep)) {
                AfNode *next = NULL;
                if (!list) {
                        if ((r = node_new(ps, type, &list)) < 0 ||
                            (r = node_add_child(list, first)) < 0)
                                return r;
                        first = NULL;
                }
                r = type == AF_NODE_OR ? parse_list(ps, AF_NODE_AND, &next) :
                                         parse_unary(ps, &next);
                if (r < 0)
                        return r;
                if ((r = node_add_child(list, next)) < 0) {
                        node_free(next);
                        return r;
                }
        }
        *ret = list ? TAKE_PTR(list) : TAKE_PTR(first);
        return 0;
}

static int parse_or(Parser *ps, AfNode **ret) {
        return parse_list(ps, AF_NODE_OR, ret);
}

/* ---- the header: SYSCALL[:ACTION]: ---- */

static int parse_action(const char *s, PolicyAction *ret) {
        int e;

        if (streq(s, "kill")) {
                *ret = POLICY_ACTION(POLICY_ACTION_KILL);
                return 0;
        }
        e = errno_parse(s, 0);
        if (e < 0 || e > ARGFILTER_ERRNO_MAX)
                return -EINVAL;
        *ret = POLICY_ERRNO(e);
        return 0;
}

static char *strip(char *s) {
        char *e;

        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = '\0';
        return s;
}

static bool valid_syscall_name(const char *s) {
        if (isempty(s) || strlen(s) > 64)
                return false;
        for (; *s; s++)
                if (!is_word_char(*s))
                        return false;
        return true;
}

static int parse_header(ArgFilter *f, char *head, char *action, char **ret_error) {
        const ArgFilterSyscall *info;
        char *name = strip(head);

        if (!valid_syscall_name(name))
                return asprintf(ret_error, "invalid system call name '%s'", name) < 0 ? -ENOMEM :
                                                                                    -EINVAL;
        if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR)
                return asprintf(ret_error, "unknown system call '%s'", name) < 0 ? -ENOMEM :
                                                                                 -EINVAL;
        /* The exec gate decides these; their arguments are pointers anyway, but execveat's
         * dirfd and flags are not, and a rule here would sit beside the gate's own. */
        if (streq(name, "execve") || streq(name, "execveat"))
                return asprintf(ret_error, "%s cannot take an argument filter: the exec gate "
                                "decides it (deny it with SystemCallFilter= instead)", name) < 0 ?
                               -ENOMEM : -EINVAL;
        f->syscall = strdup(name);
        if (!f->syscall)
                return -ENOMEM;
        if (action) {
                action = strip(action);
                if (parse_action(action, &f->action) < 0)
                        return asprintf(ret_error, "invalid action '%s': expected an errno name "
                                        "or number 0..%d, or kill", action,
                                        ARGFILTER_ERRNO_MAX) < 0 ? -ENOMEM : -EINVAL;
                f->has_action = true;
        }
        info = argfilter_table_syscall(name);
        for (unsigned i = 0; i < ARGFILTER_ARGS_MAX; i++)
                f->types[i] = info && info->args[i] ? info->types[i] : ARG_TYPE_ULONG;
        return 0;
}

int argfilter_parse(const char *value, ArgFilter **ret, char **ret_error) {
        _cleanup_(argfilter_freep) ArgFilter *f = NULL;
        _cleanup_free_ char *copy = NULL;
        char *colon, *second, *expr, *error = NULL;
        Parser ps = {};
        int r;

        if (!value || strlen(value) > ARGFILTER_TEXT_MAX) {
                if (ret_error)
                        *ret_error = strdup(value ? "value too long" : "empty value");
                return -EINVAL;
        }
        copy = strdup(value);
        f = calloc(1, sizeof *f);
        if (!copy || !f)
                return -ENOMEM;
        colon = strchr(copy, ':');
        if (!colon) {
                if (ret_error)
                        *ret_error = strdup("expected SYSCALL[:ACTION]: EXPRESSION");
                return -EINVAL;
        }
        *colon = '\0';
        second = strchr(colon + 1, ':');
        if (second)
                *second = '\0';
        expr = second ? second + 1 : colon + 1;
        r = parse_header(f, copy, second ? colon + 1 : NULL, &error);
        if (r < 0) {
                if (ret_error)
                        *ret_error = error;
                else
                        free(error);
                return r;
        }
        ps = (Parser) { .f = f, .info = argfilter_table_syscall(f->syscall), .p = expr };
        skip_space(&ps);
        if (*ps.p == '\0')
                r = fail(&ps, "expected an expression after '%s:'", f->syscall);
        else if ((r = parse_or(&ps, &f->root)) >= 0) {
                char buf[24];
                skip_space(&ps);
                if (*ps.p != '\0')
                        r = fail(&ps, "unexpected %s", here(&ps, buf));
        }
        if (ps.oom)
                r = -ENOMEM;
        if (r < 0) {
                if (ret_error && r == -EINVAL)
                        *ret_error = TAKE_PTR(ps.error);
                free(ps.error);
                return r;
        }
        *ret = TAKE_PTR(f);
        return 0;
}

static bool node_tests_64bit(const ArgFilter *f, const AfNode *n, bool only_signed) {
        for (size_t i = 0; i < n->n_children; i++)
                if (node_tests_64bit(f, n->children[i], only_signed))
                        return true;
        return n->type == AF_NODE_TEST && (f->types[n->arg] == ARG_TYPE_LONG ||
                                           (!only_signed && f->types[n->arg] == ARG_TYPE_ULONG));
}

bool argfilter_tests_64bit(const ArgFilter *f, bool only_signed) {
        return node_tests_64bit(f, f->root, only_signed);
}

const char *const *argfilter_constant_names(void) {
        return argfilter_table_constant_names();
}

const char *const *argfilter_syscall_args(const char *syscall) {
        const ArgFilterSyscall *s = argfilter_table_syscall(syscall);

        return s ? s->args : NULL;
}
