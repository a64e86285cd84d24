/* Elementwise kernels: broadcasting binary ops, unary ops, cast and where.
 *
 * Each op body is written once as a macro over (x, y, r) and expanded for
 * every dtype it supports; the per-dtype functions land in a table indexed by
 * fg_dtype, and the kernel picks from it by its input's dtype.
 */
#include <math.h>
#include <string.h>

#include "broadcast.h"
#include "scalar.h"
#include "types.h"
#include "vmath.h"

/* Inner loops return 0, or one of these for a data-dependent failure. */
enum { EW_OK = 0, EW_DIV_ZERO = 1, EW_NEG_POW = 2 };

typedef int (*bin_fn)(const char *a, int64_t sa, const char *b, int64_t sb, char *o, int64_t n);
typedef int (*un_fn)(const char *in, char *out, int64_t n);

/* ---- binary ---------------------------------------------------------------- */

#define BIN_FN(op, sfx, T, TO, BODY)                                                        \
    static int op##_##sfx(const char *a_, int64_t sa, const char *b_, int64_t sb, char *o_,  \
                          int64_t n)                                                        \
    {                                                                                       \
        const T *a = (const T *)a_;                                                         \
        const T *b = (const T *)b_;                                                         \
        TO *o = (TO *)o_;                                                                   \
        if (sa == 1 && sb == 1) {                                                           \
            for (int64_t i = 0; i < n; i++) {                                               \
                T x = a[i], y = b[i];                                                       \
                BODY(x, y, o[i]);                                                           \
            }                                                                               \
        } else if (sa == 0 && sb == 1) {                                                    \
            T x = a[0];                                                                     \
            for (int64_t i = 0; i < n; i++) {                                               \
                T y = b[i];                                                                 \
                BODY(x, y, o[i]);                                                           \
            }                                                                               \
        } else if (sa == 1 && sb == 0) {                                                    \
            T y = b[0];                                                                     \
            for (int64_t i = 0; i < n; i++) {                                               \
                T x = a[i];                                                                 \
                BODY(x, y, o[i]);                                                           \
            }                                                                               \
        } else {                                                                            \
            for (int64_t i = 0; i < n; i++) {                                               \
                T x = a[i * sa], y = b[i * sb];                                             \
                BODY(x, y, o[i]);                                                           \
            }                                                                               \
        }                                                                                   \
        return EW_OK;                                                                       \
    }

/* Op bodies. Signed overflow wraps (the build uses -fwrapv), as it does in TF. */
#define B_ADD(x, y, r) r = (x) + (y)
#define B_SUB(x, y, r) r = (x) - (y)
#define B_MUL(x, y, r) r = (x) * (y)
#define B_MAX(x, y, r) r = fg_max(x, y)
#define B_MIN(x, y, r) r = fg_min(x, y)
#define B_SQDIFF(x, y, r) r = fg_sqdiff(x, y)
#define B_EQ(x, y, r) r = (x) == (y)
#define B_NE(x, y, r) r = (x) != (y)
#define B_LT(x, y, r) r = (x) < (y)
#define B_LE(x, y, r) r = (x) <= (y)
#define B_GT(x, y, r) r = (x) > (y)
#define B_GE(x, y, r) r = (x) >= (y)
#define B_LAND(x, y, r) r = (x) && (y)
#define B_LOR(x, y, r) r = (x) || (y)
#define B_LXOR(x, y, r) r = (!(x)) != (!(y))
#define B_FDIV(x, y, r) r = (x) / (y)
#define B_FFLOORDIV(x, y, r) r = floor((double)(x) / (double)(y))
#define B_FFLOORMOD(x, y, r)                                   \
    do {                                                       \
        double m_ = fmod((double)(x), (double)(y));            \
        if (m_ != 0 && ((m_ < 0) != ((y) < 0)))                \
            m_ += (y);                                         \
        r = m_;                                                \
    } while (0)
#define B_FPOW(x, y, r) r = pow((x), (y))
/* Integer division truncates (TF's Div); x / -1 is spelled as a negation
 * because INT_MIN / -1 traps on x86. */
#define B_IDIV(x, y, r)                   \
    do {                                  \
        if ((y) == 0)                     \
            return EW_DIV_ZERO;           \
        r = ((y) == (__typeof__(y))-1) ? -(x) : (x) / (y); \
    } while (0)
#define B_IFLOORDIV(x, y, r)                                          \
    do {                                                              \
        if ((y) == 0)                                                 \
            return EW_DIV_ZERO;                                       \
        if ((y) == (__typeof__(y))-1) {                               \
            r = -(x);                                                 \
        } else {                                                      \
            __typeof__(x) q_ = (x) / (y);                             \
            if (((x) % (y) != 0) && (((x) < 0) != ((y) < 0)))        \
                q_ -= 1;                                              \
            r = q_;                                                   \
        }                                                             \
    } while (0)
#define B_IFLOORMOD(x, y, r)                                          \
    do {                                                              \
        if ((y) == 0)                                                 \
            return EW_DIV_ZERO;                                       \
        if ((y) == (__typeof__(y))-1) {                               \
            r = 0;                                                    \
        } else {                                                      \
            __typeof__(x) m_ = (x) % (y);                             \
            if (m_ != 0 && ((m_ < 0) != ((y) < 0)))                   \
                m_ += (y);                                            \
            r = m_;                                                   \
        }                                                             \
    } while (0)
#define B_IPOW(x, y, r)                       \
    do {                                      \
        if ((y) < 0)                          \
            return EW_NEG_POW;                \
        __typeof__(x) base_ = (x), acc_ = 1;  \
        int64_t e_ = (int64_t)(y);            \
        while (e_ > 0) {                      \
            if (e_ & 1)                       \
                acc_ *= base_;                \
            base_ *= base_;                   \
            e_ >>= 1;                         \
        }                                     \
        r = acc_;                             \
    } while (0)

#define B_ATAN2(x, y, r) r = _Generic((x), float: atan2f, default: atan2)((x), (y))
#define B_BAND(x, y, r) r = (x) & (y)
#define B_BOR(x, y, r) r = (x) | (y)
#define B_BXOR(x, y, r) r = (x) ^ (y)
/* TF's shifts clamp the shift to [0, bits - 1]; the left shift is done on
 * the unsigned type, where it is defined for every value. */
#define SHIFT_OF_(x, y) ((int64_t)(y) < 0 ? 0 : (int64_t)(y) >= (int64_t)(8 * sizeof(x)) ? \
                         (int)(8 * sizeof(x) - 1) : (int)(y))
#define B_LSHIFT(x, y, r) r = (__typeof__(x))((uint64_t)(x) << SHIFT_OF_(x, y))
#define B_RSHIFT(x, y, r) r = (x) >> SHIFT_OF_(x, y)

#define BIN_FN_SAME(sfx, T, code, op, BODY) BIN_FN(op, sfx, T, T, BODY)
#define BIN_FN_BOOL(sfx, T, code, op, BODY) BIN_FN(op, sfx, T, uint8_t, BODY)

/* Same body for ints and floats. */
#define BIN_NUMERIC(op, BODY) FG_PER_DTYPE(bin_fn, op, FG_NUMERIC, BIN_FN_SAME, BODY)
/* Different bodies for ints and floats. */
#define BIN_SPLIT(op, IBODY, FBODY)                \
    FG_INTS(BIN_FN_SAME, op, IBODY)                \
    FG_FLOATS(BIN_FN_SAME, op, FBODY)              \
    FG_DTYPE_TABLE(bin_fn, op, FG_NUMERIC);
/* Comparisons: every dtype in, bool out. */
#define BIN_COMPARE(op, BODY) FG_PER_DTYPE(bin_fn, op, FG_ALL, BIN_FN_BOOL, BODY)
#define BIN_LOGICAL(op, BODY) FG_PER_DTYPE(bin_fn, op, FG_BOOLS, BIN_FN_BOOL, BODY)

BIN_NUMERIC(add, B_ADD)
BIN_NUMERIC(sub, B_SUB)
BIN_NUMERIC(mul, B_MUL)
BIN_NUMERIC(maximum, B_MAX)
BIN_NUMERIC(minimum, B_MIN)
BIN_NUMERIC(squared_difference, B_SQDIFF)
BIN_SPLIT(div, B_IDIV, B_FDIV)
BIN_SPLIT(floordiv, B_IFLOORDIV, B_FFLOORDIV)
BIN_SPLIT(floormod, B_IFLOORMOD, B_FFLOORMOD)
BIN_SPLIT(pow, B_IPOW, B_FPOW)
BIN_COMPARE(equal, B_EQ)
BIN_COMPARE(not_equal, B_NE)
BIN_COMPARE(less, B_LT)
BIN_COMPARE(less_equal, B_LE)
BIN_COMPARE(greater, B_GT)
BIN_COMPARE(greater_equal, B_GE)
BIN_LOGICAL(logical_and, B_LAND)
BIN_LOGICAL(logical_or, B_LOR)
BIN_LOGICAL(logical_xor, B_LXOR)
FG_PER_DTYPE(bin_fn, atan2, FG_FLOATS, BIN_FN_SAME, B_ATAN2)
FG_PER_DTYPE(bin_fn, bitwise_and, FG_INTS, BIN_FN_SAME, B_BAND)
FG_PER_DTYPE(bin_fn, bitwise_or, FG_INTS, BIN_FN_SAME, B_BOR)
FG_PER_DTYPE(bin_fn, bitwise_xor, FG_INTS, BIN_FN_SAME, B_BXOR)
FG_PER_DTYPE(bin_fn, left_shift, FG_INTS, BIN_FN_SAME, B_LSHIFT)
FG_PER_DTYPE(bin_fn, right_shift, FG_INTS, BIN_FN_SAME, B_RSHIFT)

static int binary(const fg_step *s, int part, int nparts, fg_status *st, const bin_fn *fns)
{
    const fg_value *a = s->in[0], *b = s->in[1], *o = s->out[0];
    bin_fn f = FG_LOOKUP(fns, a->dtype);
    if (!f)
        return fg_no_kernel(s, a->dtype, st);
    if (o->size == 0)
        return FG_OK;
    fg_bcast w;
    fg_bcast_init(&w, s->iattr, 2);
    size_t ea = fg_dtype_size(a->dtype), eo = fg_dtype_size(o->dtype);
    int64_t lo, hi;
    fg_split(w.rows, part, nparts, &lo, &hi);
    if (lo >= hi)
        return FG_OK;
    fg_bcast_seek(&w, lo);
    const int64_t sa = w.strides[0][w.nd - 1], sb = w.strides[1][w.nd - 1];
    for (int64_t r = lo; r < hi; r++) {
        int rc = f((const char *)a->data + w.off[0] * ea, sa, (const char *)b->data + w.off[1] * ea,
                   sb, (char *)o->data + r * w.inner * eo, w.inner);
        if (rc == EW_DIV_ZERO)
            return fg_fail(st, FG_INVALID_ARGUMENT, "Integer division by zero");
        if (rc == EW_NEG_POW)
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "Integers to negative integer powers are not allowed");
        fg_bcast_next(&w);
    }
    return FG_OK;
}

#define BIN_KERNEL(op) \
    int fg_k_##op(const fg_step *s, int part, int nparts, fg_status *st) { return binary(s, part, nparts, st, op##_fns); }
FG_OPS_BINARY(BIN_KERNEL)

/* ---- unary ----------------------------------------------------------------- */

#define UN_FN(sfx, T, code, op, BODY)                                  \
    static int op##_##sfx(const char *in_, char *out_, int64_t n)      \
    {                                                                  \
        const T *in = (const T *)in_;                                  \
        T *out = (T *)out_;                                            \
        for (int64_t i = 0; i < n; i++) {                              \
            T x = in[i];                                               \
            BODY(x, out[i]);                                           \
        }                                                              \
        return EW_OK;                                                  \
    }
#define UN_FN_BOOL(sfx, T, code, op, BODY)                             \
    static int op##_##sfx(const char *in_, char *out_, int64_t n)      \
    {                                                                  \
        const T *in = (const T *)in_;                                  \
        uint8_t *out = (uint8_t *)out_;                                \
        for (int64_t i = 0; i < n; i++) {                              \
            T x = in[i];                                               \
            BODY(x, out[i]);                                           \
        }                                                              \
        return EW_OK;                                                  \
    }

/* Bodies are the scalar operations of scalar.h, whose float32 versions call
 * the float libm functions so float32 stays float32. */
#define U_NEG(x, r) r = fg_neg(x)
#define U_ABS(x, r) r = fg_abs(x)
#define U_SIGN(x, r) r = fg_sign(x)
#define U_SQUARE(x, r) r = fg_square(x)
#define U_SQRT(x, r) r = fg_sqrt(x)
#define U_RSQRT(x, r) r = fg_rsqrt(x)
#define U_EXP(x, r) r = fg_exp(x)
#define U_EXPM1(x, r) r = fg_expm1(x)
#define U_LOG(x, r) r = fg_log(x)
#define U_LOG1P(x, r) r = fg_log1p(x)
#define U_SIN(x, r) r = fg_sin(x)
#define U_COS(x, r) r = fg_cos(x)
#define U_TAN(x, r) r = fg_tan(x)
#define U_ATAN(x, r) r = fg_atan(x)
#define U_TANH(x, r) r = fg_tanh(x)
#define U_SIGMOID(x, r) r = fg_sigmoid(x)
#define U_ERF(x, r) r = fg_erf(x)
#define U_SINH(x, r) r = fg_sinh(x)
#define U_COSH(x, r) r = fg_cosh(x)
#define U_ASIN(x, r) r = fg_asin(x)
#define U_ACOS(x, r) r = fg_acos(x)
#define U_ASINH(x, r) r = fg_asinh(x)
#define U_ACOSH(x, r) r = fg_acosh(x)
#define U_ATANH(x, r) r = fg_atanh(x)
#define U_ERFC(x, r) r = fg_erfc(x)
#define U_LGAMMA(x, r) r = fg_lgamma(x)
#define U_DIGAMMA(x, r) r = fg_digamma(x)
#define U_FLOOR(x, r) r = fg_floor(x)
#define U_CEIL(x, r) r = fg_ceil(x)
#define U_ROUND(x, r) r = fg_round(x)
#define U_RECIP(x, r) r = fg_reciprocal(x)
#define U_LNOT(x, r) r = !(x)
#define U_ISNAN(x, r) r = isnan(x) != 0
#define U_ISFINITE(x, r) r = isfinite(x) != 0
#define U_ISINF(x, r) r = isinf(x) != 0

#define UN_FLOAT(op, BODY) FG_PER_DTYPE(un_fn, op, FG_FLOATS, UN_FN, BODY)
#define UN_SIGNED(op, BODY) FG_PER_DTYPE(un_fn, op, FG_SIGNED, UN_FN, BODY)
#define UN_NUMERIC(op, BODY) FG_PER_DTYPE(un_fn, op, FG_NUMERIC, UN_FN, BODY)
#define UN_FLOAT_TO_BOOL(op, BODY) FG_PER_DTYPE(un_fn, op, FG_FLOATS, UN_FN_BOOL, BODY)

UN_SIGNED(neg, U_NEG)
UN_SIGNED(abs, U_ABS)
UN_SIGNED(sign, U_SIGN)
UN_NUMERIC(square, U_SQUARE)
UN_FLOAT(sqrt, U_SQRT)
UN_FLOAT(rsqrt, U_RSQRT)
/* float32 exp, tanh and sigmoid go through the vectorised array versions. */
#define UN_FLOAT_VM(op, BODY, vfn)                                      \
    UN_FN(f64, double, FG_FLOAT64, op, BODY)                            \
    static int op##_f32(const char *in, char *out, int64_t n)           \
    {                                                                   \
        vfn((const float *)in, (float *)out, n);                        \
        return EW_OK;                                                   \
    }                                                                   \
    FG_DTYPE_TABLE(un_fn, op, FG_FLOATS);

UN_FLOAT_VM(exp, U_EXP, fg_vexp_f32)
UN_FLOAT(expm1, U_EXPM1)
UN_FLOAT(log, U_LOG)
UN_FLOAT(log1p, U_LOG1P)
UN_FLOAT(sin, U_SIN)
UN_FLOAT(cos, U_COS)
UN_FLOAT(tan, U_TAN)
UN_FLOAT(atan, U_ATAN)
UN_FLOAT_VM(tanh, U_TANH, fg_vtanh_f32)
UN_FLOAT_VM(sigmoid, U_SIGMOID, fg_vsigmoid_f32)
UN_FLOAT(erf, U_ERF)
UN_FLOAT(sinh, U_SINH)
UN_FLOAT(cosh, U_COSH)
UN_FLOAT(asin, U_ASIN)
UN_FLOAT(acos, U_ACOS)
UN_FLOAT(asinh, U_ASINH)
UN_FLOAT(acosh, U_ACOSH)
UN_FLOAT(atanh, U_ATANH)
UN_FLOAT(erfc, U_ERFC)
UN_FLOAT(lgamma, U_LGAMMA)
UN_FLOAT(digamma, U_DIGAMMA)
UN_FLOAT(floor, U_FLOOR)
UN_FLOAT(ceil, U_CEIL)
UN_FLOAT(round, U_ROUND)
UN_FLOAT(reciprocal, U_RECIP)
UN_FLOAT_TO_BOOL(is_nan, U_ISNAN)
UN_FLOAT_TO_BOOL(is_finite, U_ISFINITE)
UN_FLOAT_TO_BOOL(is_inf, U_ISINF)
FG_PER_DTYPE(un_fn, logical_not, FG_BOOLS, UN_FN, U_LNOT)
#define U_INVERT(x, r) r = (__typeof__(x))~(x)
FG_PER_DTYPE(un_fn, invert, FG_INTS, UN_FN, U_INVERT)

static int unary(const fg_step *s, int part, int nparts, fg_status *st, const un_fn *fns)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    un_fn f = FG_LOOKUP(fns, x->dtype);
    if (!f)
        return fg_no_kernel(s, x->dtype, st);
    int64_t lo, hi;
    fg_split(o->size, part, nparts, &lo, &hi);
    if (lo < hi)
        f((const char *)x->data + lo * fg_dtype_size(x->dtype),
          (char *)o->data + lo * fg_dtype_size(o->dtype), hi - lo);
    return FG_OK;
}

#define UN_KERNEL(op) \
    int fg_k_##op(const fg_step *s, int part, int nparts, fg_status *st) { return unary(s, part, nparts, st, op##_fns); }
FG_OPS_UNARY(UN_KERNEL)

/* ---- cast ------------------------------------------------------------------ */

/* Floats convert to ints as TF does on x86 (scalar.h's fg_float_to_i*). */
#define CAST_ANY(TO, v) _Generic((v), float: CAST_FLOAT(TO, v), double: CAST_FLOAT(TO, v), default: (TO)(v))
#define CAST_FLOAT(TO, v) \
    ((TO)0.5 != 0 ? (TO)(v) : sizeof(TO) == 8 ? (TO)fg_float_to_i64(v) : (TO)fg_float_to_i32(v))
#define CAST_ONE(TO, code_o, v) ((code_o) == FG_BOOL ? (TO)((v) != 0) : CAST_ANY(TO, v))

/* cast_<in>_<out> for every pair. The outer list runs over the input type
 * and hands it to CAST_FROM, which runs the list of output types; a macro
 * cannot expand inside itself, so the inner list is the outer one's twin. */
#define CAST_PAIR(sfx_o, TO, code_o, sfx_i, TI)                                \
    static void cast_##sfx_i##_##sfx_o(const char *in_, char *out_, int64_t n) \
    {                                                                          \
        const TI *in = (const TI *)in_;                                        \
        TO *out = (TO *)out_;                                                  \
        for (int64_t i = 0; i < n; i++)                                        \
            out[i] = CAST_ONE(TO, code_o, in[i]);                              \
    }
#define CAST_OUTPUTS(X, ...)                                                                   \
    X(b, uint8_t, FG_BOOL, __VA_ARGS__) X(u8, uint8_t, FG_UINT8, __VA_ARGS__)                 \
    X(i8, int8_t, FG_INT8, __VA_ARGS__) X(i16, int16_t, FG_INT16, __VA_ARGS__)                \
    X(i32, int32_t, FG_INT32, __VA_ARGS__) X(i64, int64_t, FG_INT64, __VA_ARGS__)             \
    X(f32, float, FG_FLOAT32, __VA_ARGS__) X(f64, double, FG_FLOAT64, __VA_ARGS__)
#define CAST_FROM(sfx_i, TI, code_i, unused) CAST_OUTPUTS(CAST_PAIR, sfx_i, TI)
FG_ALL(CAST_FROM, _)

typedef void (*cast_fn)(const char *in, char *out, int64_t n);
#define CAST_ROW(sfx_i, TI, code_i, unused) [code_i] = {CAST_OUTPUTS(FG_DTYPE_ENTRY_, cast_##sfx_i)},
static const cast_fn cast_fns[FG_DTYPE_COUNT][FG_DTYPE_COUNT] = {FG_ALL(CAST_ROW, _)};
/* The twin list must be FG_ALL: the same types, so every pair exists. */
#define CAST_COUNT_(sfx, T, code, unused) +1
_Static_assert(0 CAST_OUTPUTS(CAST_COUNT_, _) == 0 FG_ALL(CAST_COUNT_, _),
               "CAST_OUTPUTS lists the types of FG_ALL");

int fg_k_cast(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    (void)st;
    int64_t lo, hi;
    fg_split(o->size, part, nparts, &lo, &hi);
    if (lo < hi)
        cast_fns[x->dtype][o->dtype]((const char *)x->data + lo * fg_dtype_size(x->dtype),
                                     (char *)o->data + lo * fg_dtype_size(o->dtype), hi - lo);
    return FG_OK;
}

/* ---- where ----------------------------------------------------------------- */

/* where(cond, x, y) moves elements without looking at them, so one loop per
 * element size serves every dtype. */
#define WHERE_FN(W, T)                                                                       \
    static void where_##W(const uint8_t *c, int64_t sc, const T *x, int64_t sx, const T *y, \
                          int64_t sy, T *o, int64_t n)                                       \
    {                                                                                        \
        for (int64_t i = 0; i < n; i++)                                                      \
            o[i] = c[i * sc] ? x[i * sx] : y[i * sy];                                        \
    }
WHERE_FN(1, uint8_t)
WHERE_FN(2, uint16_t)
WHERE_FN(4, uint32_t)
WHERE_FN(8, uint64_t)

int fg_k_where(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *c = s->in[0], *x = s->in[1], *y = s->in[2], *o = s->out[0];
    (void)st;
    if (o->size == 0)
        return FG_OK;
    fg_bcast w;
    fg_bcast_init(&w, s->iattr, 3);
    size_t e = fg_dtype_size(o->dtype);
    int64_t lo, hi;
    fg_split(w.rows, part, nparts, &lo, &hi);
    if (lo >= hi)
        return FG_OK;
    fg_bcast_seek(&w, lo);
    const int nd = w.nd;
    const int64_t sc = w.strides[0][nd - 1], sx = w.strides[1][nd - 1], sy = w.strides[2][nd - 1];
    for (int64_t r = lo; r < hi; r++) {
        const uint8_t *cp = (const uint8_t *)c->data + w.off[0];
        const char *xp = (const char *)x->data + w.off[1] * e;
        const char *yp = (const char *)y->data + w.off[2] * e;
        char *op = (char *)o->data + r * w.inner * e;
        switch (e) {
        case 1: where_1(cp, sc, (const uint8_t *)xp, sx, (const uint8_t *)yp, sy, (uint8_t *)op, w.inner); break;
        case 2: where_2(cp, sc, (const uint16_t *)xp, sx, (const uint16_t *)yp, sy, (uint16_t *)op, w.inner); break;
        case 4: where_4(cp, sc, (const uint32_t *)xp, sx, (const uint32_t *)yp, sy, (uint32_t *)op, w.inner); break;
        default: where_8(cp, sc, (const uint64_t *)xp, sx, (const uint64_t *)yp, sy, (uint64_t *)op, w.inner); break;
        }
        fg_bcast_next(&w);
    }
    return FG_OK;
}
