/* Array math for float32 (see vmath.h).
 *
 * exp: x = n ln2 + r with n = round(x / ln2) (Cody-Waite, two-part ln2),
 * e^r by its degree-6 Taylor polynomial on |r| <= ln2/2 (error < 2e-7), and
 * 2^n built in the exponent bits (of two factors, for the subnormal range).
 * tanh: one rational function on [0, 9] (see tanh_one), 1 past 9. Branch-free so that gcc
 * vectorises each loop; the same source is built twice, the second for
 * AVX2+FMA, and the first call picks by CPU.
 */
#include <math.h>
#include <string.h>

#include "vmath.h"

/* Past these e^x is inf or 0 in float32; inside, 2^n is applied as two
 * factors so that results down into the subnormals come out right. */
#define EXP_HI 88.8f
#define EXP_LO -104.0f

static inline __attribute__((always_inline)) float exp_one(float x)
{
    /* NaN goes through as 0 and is put back at the end, so that the float
     * to int conversion below never sees it. */
    float xc = x > EXP_HI ? EXP_HI : (x < EXP_LO ? EXP_LO : x);
    xc = x != x ? 0.0f : xc;
    /* Adding and removing 1.5 * 2^23 rounds to nearest without a call. */
    float t = xc * 1.44269504088896341f + 12582912.0f;
    float n = t - 12582912.0f;
    float r = xc - n * 0.693145751953125f;
    r = r - n * 1.428606765330187e-06f;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    int32_t ni = (int32_t)n, n1 = ni / 2, n2 = ni - n1;
    int32_t b1 = (n1 + 127) << 23, b2 = (n2 + 127) << 23;
    float s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    float y = p * s1 * s2;
    return x != x ? x : y;
}

static inline __attribute__((always_inline)) float tanh_one(float x)
{
    /* tanh(a) = a P(a^2) / Q(a^2) on [0, 9], fitted by iterated weighted
     * least squares for relative error (max 4.2e-7 in float32); tanh(9)
     * rounds to 1 in float32, so the clamp is exact. */
    float a = fabsf(x);
    a = a > 9.0f ? 9.0f : a;
    float t = a * a;
    float p = 1.8634271e-11f;
    p = p * t - 1.29532e-08f;
    p = p * t + 9.333497e-06f;
    p = p * t + 0.0029287403f;
    p = p * t + 0.12926961f;
    p = p * t + 1.0f;
    float q = 0.00022915755f;
    q = q * t + 0.023796745f;
    q = q * t + 0.46260273f;
    q = q * t + 1.0f;
    float y = a * p / q;
    /* Selects, not ||: gcc vectorises a chain of ?: but not a short circuit. */
    y = y > 1.0f ? 1.0f : y;
    y = a >= 9.0f ? 1.0f : y;
    y = copysignf(y, x);
    return x != x ? x : y;
}

static inline __attribute__((always_inline)) float sigmoid_one(float x)
{
    return 1.0f / (1.0f + exp_one(-x));
}

#define VM_LOOP(name, fn, attr)                                       \
    attr static void name(const float *x, float *y, int64_t n)       \
    {                                                                 \
        for (int64_t i = 0; i < n; i++)                               \
            y[i] = fn(x[i]);                                          \
    }

#define VM_TARGET __attribute__((target("avx2,fma")))
VM_LOOP(exp_base, exp_one, )
VM_LOOP(exp_avx2, exp_one, VM_TARGET)
VM_LOOP(tanh_base, tanh_one, )
VM_LOOP(tanh_avx2, tanh_one, VM_TARGET)
VM_LOOP(sigmoid_base, sigmoid_one, )
VM_LOOP(sigmoid_avx2, sigmoid_one, VM_TARGET)

static int use_avx2 = -1;

int fg_vmath_avx2(void)
{
    if (use_avx2 < 0) {
        __builtin_cpu_init();
        use_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return use_avx2;
}

void fg_vexp_f32(const float *x, float *y, int64_t n)
{
    (fg_vmath_avx2() ? exp_avx2 : exp_base)(x, y, n);
}

void fg_vtanh_f32(const float *x, float *y, int64_t n)
{
    (fg_vmath_avx2() ? tanh_avx2 : tanh_base)(x, y, n);
}

void fg_vsigmoid_f32(const float *x, float *y, int64_t n)
{
    (fg_vmath_avx2() ? sigmoid_avx2 : sigmoid_base)(x, y, n);
}
