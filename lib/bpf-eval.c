/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Classic BPF as seccomp accepts it: 32-bit A and X registers, 16 scratch words, absolute
 * 32-bit loads from struct seccomp_data, forward jumps only. The checks mirror the kernel's
 * (bpf_check_classic + seccomp_check_filter), so a program we accept is one it would load.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "bpf-eval.h"
#include "macro.h"

#define BPF_MEM_WORDS 16

static bool jmp_op_valid(uint16_t op) {
        return op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE || op == BPF_JSET;
}

static int insn_check(const struct sock_filter *p, size_t n, size_t pc) {
        const struct sock_filter *i = &p[pc];
        uint16_t code = i->code;

        switch (BPF_CLASS(code)) {
        case BPF_LD:
                if (code == (BPF_LD | BPF_W | BPF_ABS))
                        return i->k < sizeof(struct seccomp_data) && i->k % 4 == 0 ? 0 : -EINVAL;
                if (code == (BPF_LD | BPF_W | BPF_LEN) || code == (BPF_LD | BPF_IMM))
                        return 0;
                if (code == (BPF_LD | BPF_MEM))
                        return i->k < BPF_MEM_WORDS ? 0 : -EINVAL;
                return -EINVAL;
        case BPF_LDX:
                if (code == (BPF_LDX | BPF_W | BPF_LEN) || code == (BPF_LDX | BPF_IMM))
                        return 0;
                if (code == (BPF_LDX | BPF_MEM))
                        return i->k < BPF_MEM_WORDS ? 0 : -EINVAL;
                return -EINVAL;
        case BPF_ST:
        case BPF_STX:
                return code == BPF_CLASS(code) && i->k < BPF_MEM_WORDS ? 0 : -EINVAL;
        case BPF_ALU:
                switch (BPF_OP(code)) {
                case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
                case BPF_XOR: case BPF_NEG:
                        return 0;
                case BPF_DIV:
                        return BPF_SRC(code) == BPF_K && i->k == 0 ? -EINVAL : 0;
                case BPF_LSH: case BPF_RSH:
                        return BPF_SRC(code) == BPF_K && i->k >= 32 ? -EINVAL : 0;
                }
                return -EINVAL;
        case BPF_JMP:
                if (BPF_OP(code) == BPF_JA)
                        return i->k < n - pc - 1 ? 0 : -EINVAL;
                if (!jmp_op_valid(BPF_OP(code)))
                        return -EINVAL;
                return (size_t) i->jt < n - pc - 1 && (size_t) i->jf < n - pc - 1 ? 0 : -EINVAL;
        case BPF_RET:
                return BPF_RVAL(code) == BPF_K || BPF_RVAL(code) == BPF_A ? 0 : -EINVAL;
        case BPF_MISC:
                return BPF_MISCOP(code) == BPF_TAX || BPF_MISCOP(code) == BPF_TXA ? 0 : -EINVAL;
        }
        return -EINVAL;
}

static int prog_check(const struct sock_fprog *prog) {
        if (!prog || !prog->filter || prog->len == 0 || prog->len > BPF_EVAL_INSNS_MAX)
                return -EINVAL;
        for (size_t pc = 0; pc < prog->len; pc++)
                if (insn_check(prog->filter, prog->len, pc) < 0)
                        return -EINVAL;
        return BPF_CLASS(prog->filter[prog->len - 1].code) == BPF_RET ? 0 : -EINVAL;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v) {
        switch (op) {
        case BPF_ADD: return a + v;
        case BPF_SUB: return a - v;
        case BPF_MUL: return a * v;
        case BPF_DIV: return v == 0 ? 0 : a / v;
        case BPF_OR: return a | v;
        case BPF_AND: return a & v;
        case BPF_XOR: return a ^ v;
        case BPF_LSH: return v >= 32 ? 0 : a << v;
        case BPF_RSH: return v >= 32 ? 0 : a >> v;
        case BPF_NEG: return -a;
        }
        return a;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v) {
        switch (op) {
        case BPF_JEQ: return a == v;
        case BPF_JGT: return a > v;
        case BPF_JGE: return a >= v;
        case BPF_JSET: return (a & v) != 0;
        }
        return false;
}

static uint32_t load_word(const struct seccomp_data *d, uint32_t off) {
        uint32_t w;
        memcpy(&w, (const uint8_t *) d + off, sizeof w);
        return w;
}

/* The program has been checked: every access below is in range. */
static uint32_t run(const struct sock_filter *p, const struct seccomp_data *d) {
        uint32_t a = 0, x = 0, mem[BPF_MEM_WORDS] = {};

        for (size_t pc = 0;; pc++) {
                const struct sock_filter *i = &p[pc];
                uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;

                switch (BPF_CLASS(i->code)) {
                case BPF_LD:
                        a = BPF_MODE(i->code) == BPF_ABS ? load_word(d, i->k) :
                            BPF_MODE(i->code) == BPF_LEN ? (uint32_t) sizeof *d :
                            BPF_MODE(i->code) == BPF_MEM ? mem[i->k] : i->k;
                        break;
                case BPF_LDX:
                        x = BPF_MODE(i->code) == BPF_LEN ? (uint32_t) sizeof *d :
                            BPF_MODE(i->code) == BPF_MEM ? mem[i->k] : i->k;
                        break;
                case BPF_ST: mem[i->k] = a; break;
                case BPF_STX: mem[i->k] = x; break;
                case BPF_ALU: a = alu(BPF_OP(i->code), a, src); break;
                case BPF_JMP:
                        if (BPF_OP(i->code) == BPF_JA)
                                pc += i->k;
                        else
                                pc += jump_taken(BPF_OP(i->code), a, src) ? i->jt : i->jf;
                        break;
                case BPF_RET: return BPF_RVAL(i->code) == BPF_A ? a : i->k;
                case BPF_MISC:
                        if (BPF_MISCOP(i->code) == BPF_TAX)
                                x = a;
                        else
                                a = x;
                        break;
                }
        }
}

int bpf_eval(const struct sock_fprog *prog, const struct seccomp_data *d, uint32_t *ret) {
        if (prog_check(prog) < 0)
                return -EINVAL;
        *ret = run(prog->filter, d);
        return 0;
}

/* The kernel compares the action part as a signed number: KILL_PROCESS (0x80000000) is the
 * most restrictive, ALLOW (0x7fff0000) the least. */
int bpf_ret_compare(uint32_t a, uint32_t b) {
        int32_t x = (int32_t) (a & SECCOMP_RET_ACTION_FULL), y = (int32_t) (b & SECCOMP_RET_ACTION_FULL);
        return x < y ? 1 : x > y ? -1 : 0;
}

int bpf_eval_stack(const struct sock_fprog *progs, size_t n, const struct seccomp_data *d,
                   uint32_t *ret) {
        uint32_t result = SECCOMP_RET_ALLOW;

        if (n == 0)
                return -EINVAL;
        /* Newest first; an older program replaces the result only if strictly more restrictive. */
        for (size_t i = n; i > 0; i--) {
                uint32_t r;
                if (bpf_eval(&progs[i - 1], d, &r) < 0)
                        return -EINVAL;
                if (i == n || bpf_ret_compare(r, result) > 0)
                        result = r;
        }
        *ret = result;
        return 0;
}

const char *bpf_ret_to_string(uint32_t r, char *buf, size_t size) {
        uint32_t data = r & SECCOMP_RET_DATA;

        switch (r & SECCOMP_RET_ACTION_FULL) {
        case SECCOMP_RET_KILL_PROCESS: snprintf(buf, size, "KILL_PROCESS"); break;
        case SECCOMP_RET_KILL_THREAD: snprintf(buf, size, "KILL_THREAD"); break;
        case SECCOMP_RET_TRAP: snprintf(buf, size, "TRAP(%u)", data); break;
        case SECCOMP_RET_ERRNO: snprintf(buf, size, "ERRNO(%u)", data); break;
        case SECCOMP_RET_USER_NOTIF: snprintf(buf, size, "USER_NOTIF"); break;
        case SECCOMP_RET_TRACE: snprintf(buf, size, "TRACE(%u)", data); break;
        case SECCOMP_RET_LOG: snprintf(buf, size, "LOG"); break;
        case SECCOMP_RET_ALLOW: snprintf(buf, size, "ALLOW"); break;
        default: snprintf(buf, size, "0x%08x", r); break;
        }
        return buf;
}

static const char *const alu_names[16] = {
        [BPF_ADD >> 4] = "add", [BPF_SUB >> 4] = "sub", [BPF_MUL >> 4] = "mul",
        [BPF_DIV >> 4] = "div", [BPF_OR >> 4] = "or",   [BPF_AND >> 4] = "and",
        [BPF_LSH >> 4] = "lsh", [BPF_RSH >> 4] = "rsh", [BPF_NEG >> 4] = "neg",
        [BPF_XOR >> 4] = "xor",
};
static const char *const jmp_names[16] = {
        [BPF_JA >> 4] = "ja", [BPF_JEQ >> 4] = "jeq", [BPF_JGT >> 4] = "jgt",
        [BPF_JGE >> 4] = "jge", [BPF_JSET >> 4] = "jset",
};

/* Names the seccomp_data field at offset K, for readability. */
static const char *data_field(uint32_t k) {
        static const char *const args[] = {
                "args[0]", "args[0].hi", "args[1]", "args[1].hi", "args[2]", "args[2].hi",
                "args[3]", "args[3].hi", "args[4]", "args[4].hi", "args[5]", "args[5].hi",
        };
        if (k == offsetof(struct seccomp_data, nr))
                return "nr";
        if (k == offsetof(struct seccomp_data, arch))
                return "arch";
        if (k == offsetof(struct seccomp_data, instruction_pointer))
                return "ip";
        if (k == offsetof(struct seccomp_data, instruction_pointer) + 4)
                return "ip.hi";
        if (k >= offsetof(struct seccomp_data, args) && k < sizeof(struct seccomp_data)) {
                size_t o = k - offsetof(struct seccomp_data, args);
                /* Little-endian layout; other offsets are rejected by the checker. */
                return o % 4 == 0 ? args[o / 4] : "?";
        }
        return "?";
}

static void load_print(const struct sock_filter *i, FILE *f) {
        const char *op = BPF_CLASS(i->code) == BPF_LD ? "ld" : "ldx";

        switch (BPF_MODE(i->code)) {
        case BPF_ABS: fprintf(f, "%s [%u] ; %s\n", op, i->k, data_field(i->k)); break;
        case BPF_MEM: fprintf(f, "%s M[%u]\n", op, i->k); break;
        case BPF_LEN: fprintf(f, "%s #len\n", op); break;
        default: fprintf(f, "%s #0x%x\n", op, i->k); break;
        }
}

static void jump_print(const struct sock_filter *i, size_t pc, FILE *f) {
        const char *name = jmp_names[BPF_OP(i->code) >> 4] ?: "j?";

        if (BPF_OP(i->code) == BPF_JA)
                fprintf(f, "ja %zu\n", pc + 1 + i->k);
        else if (BPF_SRC(i->code) == BPF_X)
                fprintf(f, "%s x jt %zu jf %zu\n", name, pc + 1 + i->jt, pc + 1 + i->jf);
        else
                fprintf(f, "%s #0x%x jt %zu jf %zu\n", name, i->k, pc + 1 + i->jt, pc + 1 + i->jf);
}

static void insn_print(const struct sock_filter *i, size_t pc, FILE *f) {
        const char *alu = alu_names[BPF_OP(i->code) >> 4] ?: "alu?";
        char ret[32];

        fprintf(f, "%5zu: ", pc);
        switch (BPF_CLASS(i->code)) {
        case BPF_LD:
        case BPF_LDX: load_print(i, f); return;
        case BPF_ST: fprintf(f, "st M[%u]\n", i->k); return;
        case BPF_STX: fprintf(f, "stx M[%u]\n", i->k); return;
        case BPF_JMP: jump_print(i, pc, f); return;
        case BPF_ALU:
                if (BPF_OP(i->code) == BPF_NEG)
                        fprintf(f, "neg\n");
                else if (BPF_SRC(i->code) == BPF_X)
                        fprintf(f, "%s x\n", alu);
                else
                        fprintf(f, "%s #0x%x\n", alu, i->k);
                return;
        case BPF_RET:
                if (BPF_RVAL(i->code) == BPF_A)
                        fprintf(f, "ret a\n");
                else
                        fprintf(f, "ret %s\n", bpf_ret_to_string(i->k, ret, sizeof ret));
                return;
        case BPF_MISC:
                fprintf(f, BPF_MISCOP(i->code) == BPF_TAX ? "tax\n" : "txa\n");
                return;
        }
        fprintf(f, "unknown 0x%04x\n", i->code);
}

int bpf_disassemble(const struct sock_fprog *prog, FILE *f) {
        if (!prog || !prog->filter)
                return -EINVAL;
        for (size_t pc = 0; pc < prog->len; pc++)
                insn_print(&prog->filter[pc], pc, f);
        return ferror(f) ? -EIO : 0;
}
