/* One pass over a chain of elementwise ops: numexpr's idea. The output is
 * computed block by block; each block's intermediates live in small
 * stack buffers (registers) that stay in L1, so x is read once and the
 * results written once however long the chain.
 *
 * iattr = [n_regs, n_instr, instr...], each instruction five ints
 * (opcode, dst, a, b, out): `load` points register dst at input a (b = 1:
 * a one-element input, kept as a scalar operand); other opcodes compute
 * register dst from registers a (and b, or -1 for unary ops); out >= 0
 * makes the result land in output `out` directly, register dst then
 * pointing there.
 */
#include <math.h>
#include <string.h>

#include "fused.h"
#include "scalar.h"
#include "types.h"
#include "vmath.h"

#define FUSED_BLOCK 512

#define FUSED_NAME(name) #name,
const char *const fg_fused_op_names[FG_FOP_COUNT] = {FG_FUSED_OPCODES(FUSED_NAME)};
#undef FUSED_NAME

#define F_LOOP1(expr)                              \
    for (int64_t i = 0; i < n; i++) {              \
        __typeof__(d[0]) x = a[i];                 \
        d[i] = (expr);                             \
    }
/* A one-element operand stays a scalar instead of a filled block. */
#define F_LOOP2(expr)                                      \
    if (sb) {                                              \
        const __typeof__(d[0]) y = b[0];                   \
        for (int64_t i = 0; i < n; i++) {                  \
            __typeof__(d[0]) x = a[i];                     \
            d[i] = (expr);                                 \
        }                                                  \
    } else if (sa) {                                       \
        const __typeof__(d[0]) x = a[0];                   \
        for (int64_t i = 0; i < n; i++) {                  \
            __typeof__(d[0]) y = b[i];                     \
            d[i] = (expr);                                 \
        }                                                  \
    } else {                                               \
        for (int64_t i = 0; i < n; i++) {                  \
            __typeof__(d[0]) x = a[i], y = b[i];           \
            d[i] = (expr);                                 \
        }                                                  \
    }

/* exp, tanh and sigmoid: the vectorised array versions for float32, libm
 * for float64. */
static inline void f_exp(const float *a, float *d, int64_t n) { fg_vexp_f32(a, d, n); }
static inline void f_tanh(const float *a, float *d, int64_t n) { fg_vtanh_f32(a, d, n); }
static inline void f_sigmoid(const float *a, float *d, int64_t n) { fg_vsigmoid_f32(a, d, n); }
#define D_ARRAY(name)                                                                       \
    static inline void d_##name(const double *a, double *d, int64_t n)                      \
    {                                                                                       \
        for (int64_t i = 0; i < n; i++)                                                     \
            d[i] = fg_##name##_f64(a[i]);                                                   \
    }
D_ARRAY(exp)
D_ARRAY(tanh)
D_ARRAY(sigmoid)

#define FUSED_FN(sfx, T, VM, ATTR)                                                           \
    ATTR static void fused_##sfx(const fg_step *s, int64_t lo, int64_t hi)                  \
    {                                                                                        \
        T scratch[FG_FUSED_MAX_REGS][FUSED_BLOCK];                                              \
        T *reg[FG_FUSED_MAX_REGS];                                                              \
        int scalar[FG_FUSED_MAX_REGS] = {0};                                                    \
        const int64_t n_instr = s->iattr[FUSED_N_INSTR];                                     \
        const int64_t *code = s->iattr + FUSED_CODE;                                         \
        for (int64_t start = lo; start < hi; start += FUSED_BLOCK) {                         \
            const int64_t n = hi - start < FUSED_BLOCK ? hi - start : FUSED_BLOCK;           \
            for (int64_t k = 0; k < n_instr; k++) {                                          \
                const int64_t *ins = code + FUSED_INSTR_WORDS * k;                           \
                const int64_t op = ins[FUSED_OPCODE], dst = ins[FUSED_DST];                  \
                const int64_t out = ins[FUSED_OUT], ia = ins[FUSED_A], ib = ins[FUSED_B];    \
                if (op == FG_FOP_load) {                                                     \
                    /* ia: the input; ib = 1: a one-element input. */                        \
                    const T *src = (const T *)s->in[ia]->data;                               \
                    scalar[dst] = (int)ib;                                                   \
                    reg[dst] = (T *)src + (ib ? 0 : start);                                  \
                    continue;                                                                \
                }                                                                            \
                const T *a = reg[ia];                                                        \
                const T *b = ib >= 0 ? reg[ib] : a;                                          \
                const int sa = scalar[ia], sb = ib >= 0 && scalar[ib];                       \
                T *d = out >= 0 ? (T *)s->out[out]->data + start : scratch[dst];             \
                if (sa && ib < 0) {                                                          \
                    /* A unary op of a broadcast operand: fill, then as usual. */            \
                    for (int64_t i = 0; i < n; i++)                                          \
                        d[i] = a[0];                                                         \
                    a = d;                                                                   \
                }                                                                            \
                switch (op) {                                                                \
                case FG_FOP_add: F_LOOP2(x + y) break;                                       \
                case FG_FOP_sub: F_LOOP2(x - y) break;                                       \
                case FG_FOP_mul: F_LOOP2(x * y) break;                                       \
                case FG_FOP_div: F_LOOP2(x / y) break;                                       \
                case FG_FOP_maximum: F_LOOP2(fg_max(x, y)) break;                            \
                case FG_FOP_minimum: F_LOOP2(fg_min(x, y)) break;                            \
                case FG_FOP_squared_difference: F_LOOP2(fg_sqdiff(x, y)) break;              \
                case FG_FOP_neg: F_LOOP1(fg_neg(x)) break;                                          \
                case FG_FOP_abs: F_LOOP1(fg_abs(x)) break;                                   \
                case FG_FOP_square: F_LOOP1(fg_square(x)) break;                                    \
                case FG_FOP_sqrt: F_LOOP1(fg_sqrt(x)) break;                                    \
                case FG_FOP_rsqrt: F_LOOP1(fg_rsqrt(x)) break;                               \
                case FG_FOP_exp: VM##_exp(a, d, n); break;                                   \
                case FG_FOP_tanh: VM##_tanh(a, d, n); break;                                 \
                case FG_FOP_sigmoid: VM##_sigmoid(a, d, n); break;                           \
                case FG_FOP_relu: F_LOOP1(fg_relu(x)) break;                                 \
                case FG_FOP_relu6: F_LOOP1(fg_relu6(x)) break;                               \
                /* ReluGrad(g, features): g times the mask, as TF (NaN g stays NaN). */     \
                case FG_FOP_relu_grad: F_LOOP2(x * (T)(y > 0)) break;                        \
                case FG_FOP_relu6_grad: F_LOOP2(x * (T)(y > 0 && y < 6)) break;              \
                case FG_FOP_reciprocal: F_LOOP1(fg_reciprocal(x)) break;                                \
                case FG_FOP_log: F_LOOP1(fg_log(x)) break;                                      \
                case FG_FOP_floor: F_LOOP1(fg_floor(x)) break;                                  \
                case FG_FOP_ceil: F_LOOP1(fg_ceil(x)) break;                                    \
                default: break;                                                              \
                }                                                                            \
                reg[dst] = d;                                                                \
                scalar[dst] = 0;                                                             \
            }                                                                                \
        }                                                                                    \
    }
/* The same interpreter built for AVX2 and AVX-512 machines, picked at run time. */
FUSED_FN(f32, float, f, )
FUSED_FN(f64, double, d, )
FUSED_FN(f32_avx2, float, f, FG_TARGET_AVX2)
FUSED_FN(f64_avx2, double, d, FG_TARGET_AVX2)
FUSED_FN(f32_avx512, float, f, FG_TARGET_AVX512)
FUSED_FN(f64_avx512, double, d, FG_TARGET_AVX512)

int fg_k_fused(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *o = s->out[0];
    (void)st;
    /* Shares are whole blocks, so no two threads write one cache line. */
    int64_t blocks = (o->size + FUSED_BLOCK - 1) / FUSED_BLOCK, lo, hi;
    fg_split(blocks, part, nparts, &lo, &hi);
    lo *= FUSED_BLOCK;
    hi = hi * FUSED_BLOCK < o->size ? hi * FUSED_BLOCK : o->size;
    if (lo >= hi)
        return FG_OK;
    const int level = fg_simd_level();
    if (o->dtype == FG_FLOAT32)
        (level >= 2 ? fused_f32_avx512 : level == 1 ? fused_f32_avx2 : fused_f32)(s, lo, hi);
    else
        (level >= 2 ? fused_f64_avx512 : level == 1 ? fused_f64_avx2 : fused_f64)(s, lo, hi);
    return FG_OK;
}
