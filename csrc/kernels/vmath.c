/* Array math for float32 (see vmath.h).
 *
 * exp: x = n ln2 + r with n = round(x / ln2) (Cody-Waite, two-part ln2),
 * e^r by its degree-6 Taylor polynomial on |r| <= ln2/2 (error < 2e-7), and
 * 2^n built in the exponent bits (of two factors, for the subnormal range).
 * tanh: one rational function on [0, 9] (see tanh_one), 1 past 9. Branch-free so that gcc
 * vectorises each loop; the same source is built three times, for
 * baseline x86-64, AVX2+FMA and AVX-512, and the first call picks by CPU.
 */
#include <math.h>
#include <string.h>

#include "vmath.h"

/* Polynomials here are approximations already: let gcc fuse a*b+c into FMA
 * (ISO C mode turns contraction off). */
#pragma GCC optimize("fp-contract=fast")

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

#define VM_LOOPS(name, fn)                                                                   \
    VM_LOOP(name##_base, fn, )                                                               \
    VM_LOOP(name##_avx2, fn, FG_TARGET_AVX2)                                                 \
    VM_LOOP(name##_avx512, fn, FG_TARGET_AVX512)                                             \
    void fg_v##name##_f32(const float *x, float *y, int64_t n)                               \
    {                                                                                        \
        const int level = fg_simd_level();                                                   \
        (level >= 2 ? name##_avx512 : level == 1 ? name##_avx2 : name##_base)(x, y, n);      \
    }
VM_LOOPS(exp, exp_one)
VM_LOOPS(tanh, tanh_one)
VM_LOOPS(sigmoid, sigmoid_one)

static int simd_level = -1;
static int simd_cap = 2;

static int detected_level(void)
{
    if (simd_level < 0) {
        __builtin_cpu_init();
        int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        int avx512 = avx2 && __builtin_cpu_supports("avx512f") &&
                     __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
        simd_level = avx512 ? 2 : avx2 ? 1 : 0;
    }
    return simd_level;
}

int fg_simd_level(void)
{
    const int have = detected_level();
    return have < simd_cap ? have : simd_cap;
}

int fg_simd_set_cap(int level)
{
    simd_cap = level < 0 || level > 2 ? 2 : level;
    return fg_simd_level();
}
