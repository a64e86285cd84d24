/* Scalar operations shared by every kernel that computes element by element:
 * the elementwise kernels, the fused-chain interpreter, the activations, the
 * reductions and the GEMM epilogue, so that each op's arithmetic (its NaN
 * rule, its float32 libm call, its float-to-int conversion) is written once.
 *
 * Each operation is a static inline function per type, fg_<op>_<suffix>,
 * and a type-generic fg_<op>(x) that picks it by the argument's type, so a
 * kernel body written once over T calls fg_max(x, y) for every T. Inlined,
 * they cost what the expressions written in place did.
 */
#ifndef FG_SCALAR_H
#define FG_SCALAR_H
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "types.h"

/* ---- every numeric type ---------------------------------------------------- */

/* max/min let NaN win, as NumPy and TF do; relu keeps NaN. */
#define FG_SCALAR_NUMERIC_(sfx, T, code, unused)                                            \
    static inline T fg_max_##sfx(T x, T y) { return (x > y || x != x) ? x : y; }            \
    static inline T fg_min_##sfx(T x, T y) { return (x < y || x != x) ? x : y; }            \
    static inline T fg_sqdiff_##sfx(T x, T y) { return (T)((x - y) * (x - y)); }            \
    static inline T fg_square_##sfx(T x) { return (T)(x * x); }                             \
    static inline T fg_relu_##sfx(T x) { return x < 0 ? (T)0 : x; }                        \
    static inline T fg_relu6_##sfx(T x) { return x < 0 ? (T)0 : (x > 6 ? (T)6 : x); }
FG_NUMERIC(FG_SCALAR_NUMERIC_, _)

/* Negation wraps for the most negative int (the build uses -fwrapv), as in TF. */
#define FG_SCALAR_SIGNED_INT_(sfx, T, code, unused)                                         \
    static inline T fg_neg_##sfx(T x) { return (T)-x; }                                     \
    static inline T fg_abs_##sfx(T x) { return x < 0 ? (T)-x : x; }                         \
    static inline T fg_sign_##sfx(T x) { return (T)((x > 0) - (x < 0)); }
FG_SIGNED_INTS(FG_SCALAR_SIGNED_INT_, _)

/* The lowest and highest value of each type: the identities of max and min. */
#define fg_lowest_u8 0
#define fg_lowest_i8 INT8_MIN
#define fg_lowest_i16 INT16_MIN
#define fg_lowest_i32 INT32_MIN
#define fg_lowest_i64 INT64_MIN
#define fg_lowest_f32 (-INFINITY)
#define fg_lowest_f64 (-INFINITY)
#define fg_highest_u8 UINT8_MAX
#define fg_highest_i8 INT8_MAX
#define fg_highest_i16 INT16_MAX
#define fg_highest_i32 INT32_MAX
#define fg_highest_i64 INT64_MAX
#define fg_highest_f32 INFINITY
#define fg_highest_f64 INFINITY
/* The lowest and highest finite values of type T (bool as uint8_t). */
#define fg_lowest_finite(T)                                                                 \
    _Generic((T)0, uint8_t: (T)0, int8_t: (T)INT8_MIN, int16_t: (T)INT16_MIN,               \
             int32_t: (T)INT32_MIN, int64_t: (T)INT64_MIN, float: (T)-FLT_MAX,              \
             double: (T)-DBL_MAX)
#define fg_highest_finite(T)                                                                \
    _Generic((T)0, uint8_t: (T)UINT8_MAX, int8_t: (T)INT8_MAX, int16_t: (T)INT16_MAX,       \
             int32_t: (T)INT32_MAX, int64_t: (T)INT64_MAX, float: (T)FLT_MAX,               \
             double: (T)DBL_MAX)

/* ---- floats ---------------------------------------------------------------- */

/* float32 calls the float libm function, so float32 math stays float32. */
#define FG_LIBM_(name, fn)                                                                  \
    static inline float fg_##name##_f32(float x) { return fn##f(x); }                       \
    static inline double fg_##name##_f64(double x) { return fn(x); }
FG_LIBM_(sqrt, sqrt)
FG_LIBM_(exp, exp)
FG_LIBM_(expm1, expm1)
FG_LIBM_(log, log)
FG_LIBM_(log1p, log1p)
FG_LIBM_(sin, sin)
FG_LIBM_(cos, cos)
FG_LIBM_(tan, tan)
FG_LIBM_(atan, atan)
FG_LIBM_(tanh, tanh)
FG_LIBM_(erf, erf)
FG_LIBM_(sinh, sinh)
FG_LIBM_(cosh, cosh)
FG_LIBM_(asin, asin)
FG_LIBM_(acos, acos)
FG_LIBM_(asinh, asinh)
FG_LIBM_(acosh, acosh)
FG_LIBM_(atanh, atanh)
FG_LIBM_(erfc, erfc)
FG_LIBM_(floor, floor)
FG_LIBM_(ceil, ceil)
/* Banker's rounding, as TF's Round: nearbyint under the default rounding mode. */
FG_LIBM_(round, nearbyint)
FG_LIBM_(abs, fabs)
#undef FG_LIBM_

/* lgamma_r: lgamma sets the global signgam, which the shares of one step
 * would write together. */
static inline float fg_lgamma_f32(float x)
{
    int sign;
    return lgammaf_r(x, &sign);
}
static inline double fg_lgamma_f64(double x)
{
    int sign;
    return lgamma_r(x, &sign);
}

/* The digamma function (d/dx lgamma): the reflection formula below 0 (NaN at
 * the poles, as TF), the recurrence up to 10, then the asymptotic series.
 * float32 is computed in double. */
static inline double fg_digamma_f64(double x)
{
    double r = 0.0;
    if (x != x || x == -INFINITY)
        return NAN;
    if (x == INFINITY)
        return INFINITY;
    if (x <= 0.0) {
        if (x == floor(x))
            return NAN;
        r = -M_PI / tan(M_PI * x);
        x = 1.0 - x;
    }
    while (x < 10.0) {
        r -= 1.0 / x;
        x += 1.0;
    }
    double z = 1.0 / (x * x);
    double tail = z * (1.0 / 12 - z * (1.0 / 120 - z * (1.0 / 252 - z * (1.0 / 240 -
                                                                           z * (1.0 / 132)))));
    return r + log(x) - 0.5 / x - tail;
}
static inline float fg_digamma_f32(float x) { return (float)fg_digamma_f64((double)x); }

#define FG_SCALAR_FLOAT_(sfx, T, code, unused)                                              \
    static inline T fg_neg_##sfx(T x) { return -x; }                                        \
    static inline T fg_sign_##sfx(T x) { return x != x ? x : (T)((x > 0) - (x < 0)); }      \
    static inline T fg_reciprocal_##sfx(T x) { return 1 / x; }                              \
    static inline T fg_rsqrt_##sfx(T x) { return 1 / fg_sqrt_##sfx(x); }                    \
    static inline T fg_sigmoid_##sfx(T x) { return 1 / (1 + fg_exp_##sfx(-x)); }
FG_FLOATS(FG_SCALAR_FLOAT_, _)

/* Float to int conversion as TF does it on x86, without C's undefined
 * behaviour: NaN and values out of range are tested before converting. To
 * int64 they give INT64_MIN (cvttsd2si's "integer indefinite"), to int32
 * INT32_MIN; the narrower types take the low bits of the int32 conversion
 * (TF converts through int32 and truncates). */
static inline int64_t fg_float_to_i64(double v)
{
    return v != v || v >= 9223372036854775808.0 || v < -9223372036854775808.0 ? INT64_MIN
                                                                               : (int64_t)v;
}
static inline int32_t fg_float_to_i32(double v)
{
    return v != v || v >= 2147483648.0 || v < -2147483648.0 ? INT32_MIN : (int32_t)v;
}

/* ---- type-generic names ---------------------------------------------------- */

#define FG_NUMERIC_GENERIC_(f, x)                                                           \
    _Generic((x), uint8_t: f##_u8, int8_t: f##_i8, int16_t: f##_i16, int32_t: f##_i32,      \
             int64_t: f##_i64, float: f##_f32, double: f##_f64)
#define FG_SIGNED_GENERIC_(f, x)                                                            \
    _Generic((x), int8_t: f##_i8, int16_t: f##_i16, int32_t: f##_i32, int64_t: f##_i64,     \
             float: f##_f32, double: f##_f64)
#define FG_FLOAT_GENERIC_(f, x) _Generic((x), float: f##_f32, double: f##_f64)

#define fg_max(x, y) FG_NUMERIC_GENERIC_(fg_max, x)((x), (y))
#define fg_min(x, y) FG_NUMERIC_GENERIC_(fg_min, x)((x), (y))
#define fg_sqdiff(x, y) FG_NUMERIC_GENERIC_(fg_sqdiff, x)((x), (y))
#define fg_square(x) FG_NUMERIC_GENERIC_(fg_square, x)(x)
#define fg_relu(x) FG_NUMERIC_GENERIC_(fg_relu, x)(x)
#define fg_relu6(x) FG_NUMERIC_GENERIC_(fg_relu6, x)(x)
#define fg_neg(x) FG_SIGNED_GENERIC_(fg_neg, x)(x)
#define fg_abs(x) FG_SIGNED_GENERIC_(fg_abs, x)(x)
#define fg_sign(x) FG_SIGNED_GENERIC_(fg_sign, x)(x)
#define fg_sqrt(x) FG_FLOAT_GENERIC_(fg_sqrt, x)(x)
#define fg_rsqrt(x) FG_FLOAT_GENERIC_(fg_rsqrt, x)(x)
#define fg_exp(x) FG_FLOAT_GENERIC_(fg_exp, x)(x)
#define fg_expm1(x) FG_FLOAT_GENERIC_(fg_expm1, x)(x)
#define fg_log(x) FG_FLOAT_GENERIC_(fg_log, x)(x)
#define fg_log1p(x) FG_FLOAT_GENERIC_(fg_log1p, x)(x)
#define fg_sin(x) FG_FLOAT_GENERIC_(fg_sin, x)(x)
#define fg_cos(x) FG_FLOAT_GENERIC_(fg_cos, x)(x)
#define fg_tan(x) FG_FLOAT_GENERIC_(fg_tan, x)(x)
#define fg_atan(x) FG_FLOAT_GENERIC_(fg_atan, x)(x)
#define fg_tanh(x) FG_FLOAT_GENERIC_(fg_tanh, x)(x)
#define fg_sigmoid(x) FG_FLOAT_GENERIC_(fg_sigmoid, x)(x)
#define fg_erf(x) FG_FLOAT_GENERIC_(fg_erf, x)(x)
#define fg_sinh(x) FG_FLOAT_GENERIC_(fg_sinh, x)(x)
#define fg_cosh(x) FG_FLOAT_GENERIC_(fg_cosh, x)(x)
#define fg_asin(x) FG_FLOAT_GENERIC_(fg_asin, x)(x)
#define fg_acos(x) FG_FLOAT_GENERIC_(fg_acos, x)(x)
#define fg_asinh(x) FG_FLOAT_GENERIC_(fg_asinh, x)(x)
#define fg_acosh(x) FG_FLOAT_GENERIC_(fg_acosh, x)(x)
#define fg_atanh(x) FG_FLOAT_GENERIC_(fg_atanh, x)(x)
#define fg_erfc(x) FG_FLOAT_GENERIC_(fg_erfc, x)(x)
#define fg_lgamma(x) FG_FLOAT_GENERIC_(fg_lgamma, x)(x)
#define fg_digamma(x) FG_FLOAT_GENERIC_(fg_digamma, x)(x)
#define fg_floor(x) FG_FLOAT_GENERIC_(fg_floor, x)(x)
#define fg_ceil(x) FG_FLOAT_GENERIC_(fg_ceil, x)(x)
#define fg_round(x) FG_FLOAT_GENERIC_(fg_round, x)(x)
#define fg_reciprocal(x) FG_FLOAT_GENERIC_(fg_reciprocal, x)(x)

#endif
