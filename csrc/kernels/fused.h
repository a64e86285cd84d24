/* Fused elementwise chains (see fused.c), and the opcodes of their programs:
 * `load`, then the others sorted by name, each named as the kernel it stands
 * in for. compiler/fuse.py builds the same list from the ops' registry
 * entries (OpDef.fused); tests/test_c_constants.py checks they agree. */
#ifndef FG_FUSED_H
#define FG_FUSED_H
#define FG_OPS_FUSED(X) X(fused)

#define FG_FUSED_OPCODES(X)                                                                \
    X(load) X(abs) X(add) X(ceil) X(div) X(exp) X(floor) X(log) X(maximum) X(minimum)       \
    X(mul) X(neg) X(reciprocal) X(relu) X(relu6) X(relu6_grad) X(relu_grad) X(rsqrt)        \
    X(sigmoid) X(sqrt) X(square) X(squared_difference) X(sub) X(tanh)

/* Registers of a fused program; compiler/fuse.py's MAX_REGS is the same. */
#define FG_FUSED_MAX_REGS 8

/* iattr = [n_regs, n_instr, instr...], each instruction FUSED_INSTR_WORDS
 * ints at the FUSED_* offsets (see fused.c). */
enum { FUSED_N_REGS, FUSED_N_INSTR, FUSED_CODE };
enum { FUSED_OPCODE, FUSED_DST, FUSED_A, FUSED_B, FUSED_OUT, FUSED_INSTR_WORDS };

#define FG_FUSED_ENUM(name) FG_FOP_##name,
enum { FG_FUSED_OPCODES(FG_FUSED_ENUM) FG_FOP_COUNT };
#undef FG_FUSED_ENUM

extern const char *const fg_fused_op_names[FG_FOP_COUNT];

#endif
