/* Fused elementwise chains (see fused.c), and the opcodes of their programs.
 * compiler/fuse.py lists the same opcodes in the same order. */
#ifndef FG_FUSED_H
#define FG_FUSED_H
#define FG_OPS_FUSED(X) X(fused)

#define FG_FUSED_OPCODES(X)                                                         \
    X(load) X(add) X(sub) X(mul) X(div) X(maximum) X(minimum) X(squared_difference) \
    X(neg) X(abs) X(square) X(sqrt) X(rsqrt) X(exp) X(tanh) X(sigmoid) X(relu)      \
    X(relu6) X(reciprocal) X(log) X(floor) X(ceil)

#define FG_FUSED_ENUM(name) FG_FOP_##name,
enum { FG_FUSED_OPCODES(FG_FUSED_ENUM) FG_FOP_COUNT };
#undef FG_FUSED_ENUM

extern const char *const fg_fused_op_names[FG_FOP_COUNT];

#endif
