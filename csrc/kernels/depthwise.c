/* depthwise_conv2d (see conv.h).
 *
 * float32 with one filter per channel runs on AVX-512 (16 channels a
 * vector) or AVX2+FMA (8), chosen at run time: a share takes (output row,
 * channel block) units; along the row, strips of DW_STRIP output pixels
 * whose windows lie inside the image horizontally keep one accumulator per
 * pixel in registers over every tap (one filter load per tap for the whole
 * strip), the few pixels at the edges go one at a time with their own tap
 * range. The epilogue (bias, residual add, relu/relu6) is applied in
 * registers before the one store. Other dtypes and channel multipliers run
 * a portable loop over output pixels. */
#include <immintrin.h>
#include <stdint.h>

#include "conv.h"
#include "conv_geom.h"
#include "linalg.h"
#include "types.h"
#include "vmath.h"

#define DEPTHWISE_FN(sfx, T, code)                                                            \
    static void depthwise_##sfx(const geom *g, int64_t mult, const T *x, const T *f, T *y,    \
                                int64_t p0, int64_t p1)                                       \
    {                                                                                         \
        const int64_t co = g->c * mult;                                                       \
        for (int64_t p = p0; p < p1; p++) {                                                   \
            const int64_t n = p / (g->oh * g->ow), r = p % (g->oh * g->ow);                   \
            int64_t ys, ky0, ky1, xs, kx0, kx1;                                               \
            taps(r / g->ow, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);               \
            taps(r % g->ow, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);               \
            T *out = y + p * co;                                                              \
            for (int64_t j = 0; j < co; j++)                                                  \
                out[j] = 0;                                                                   \
            for (int64_t ky = ky0; ky < ky1; ky++)                                            \
                for (int64_t kx = kx0; kx < kx1; kx++) {                                      \
                    const T *in =                                                             \
                        x + ((n * g->h + ys + ky * g->dh) * g->w + xs + kx * g->dw) * g->c;   \
                    const T *w = f + (ky * g->kw + kx) * co;                                  \
                    if (mult == 1) {                                                          \
                        for (int64_t c = 0; c < g->c; c++)                                    \
                            out[c] += in[c] * w[c];                                           \
                    } else {                                                                  \
                        for (int64_t c = 0; c < g->c; c++)                                    \
                            for (int64_t m = 0; m < mult; m++)                                \
                                out[c * mult + m] += in[c] * w[c * mult + m];                 \
                    }                                                                         \
                }                                                                             \
        }                                                                                     \
    }
FG_FOR_FLOATS(DEPTHWISE_FN)

/* Output pixels of one strip: eight accumulators, a filter vector and an
 * input vector fit AVX2's 16 registers, and eight FMA chains hide the FMA
 * latency on both ISAs. */
#define DW_STRIP 8

/* The output columns [*lo, *hi) whose windows lie inside the image
 * horizontally (every tap kx in [0, KW) lands on a real pixel). */
static void interior_columns(const geom *g, int64_t *lo, int64_t *hi)
{
    const int64_t last = (g->kw - 1) * g->dw; /* the window's extent past its first tap */
    int64_t a = (g->pl + g->sw - 1) / g->sw;  /* first ox with ox*SW - PL >= 0 */
    int64_t b = g->w - 1 - last + g->pl;      /* ox*SW <= b keeps the last tap inside */
    b = b < 0 ? 0 : b / g->sw + 1;
    a = a > g->ow ? g->ow : a;
    b = b > g->ow ? g->ow : b;
    *lo = a;
    *hi = b < a ? a : b;
}

/* One ISA's build of the float32 kernel, from the vector type V, its mask
 * type M, lanes VL and the intrinsics below (LD/ST take `full`, a constant
 * at every call, so each block is built once unmasked and once masked). */
#define DW_F32_FNS(isa, ATTR, V, M, VL, LDU, LDM, STU, STM, FMA, ADD, MAX, MIN, SET1, ZERO)       \
    ATTR static inline __attribute__((always_inline)) V dw_ld_##isa(int full, M m,             \
                                                                     const float *p)           \
    {                                                                                          \
        return full ? LDU(p) : LDM(p, m);                                                      \
    }                                                                                          \
    ATTR static inline __attribute__((always_inline)) void dw_st_##isa(int full, M m,          \
                                                                        float *p, V v)         \
    {                                                                                          \
        if (full)                                                                              \
            STU(p, v);                                                                         \
        else                                                                                   \
            STM(p, m, v);                                                                      \
    }                                                                                          \
    ATTR static inline __attribute__((always_inline)) V dw_finish_##isa(                       \
        int full, M m, V a, int epi, const float *res)                                         \
    {                                                                                          \
        if (epi & FG_EPI_ADD)                                                                  \
            a = ADD(a, dw_ld_##isa(full, m, res));                                             \
        /* max(0, NaN) and min(6, NaN) keep the NaN, as fg_relu does. */                      \
        if (epi & FG_EPI_RELU)                                                                 \
            a = MAX(ZERO(), a);                                                                \
        else if (epi & FG_EPI_RELU6)                                                           \
            a = MIN(SET1(6.0f), MAX(ZERO(), a));                                               \
        return a;                                                                              \
    }                                                                                          \
    /* `np` output pixels from column ox of the row whose window rows are                     \
     * [ky0, ky1) from input row ys; x, f, y, res are offset to the block's                    \
     * first channel and to this image / output row. */                                        \
    ATTR static inline __attribute__((always_inline)) void dw_pixels_##isa(                    \
        const geom *g, int full, M m, int np, int64_t ox, int64_t ys, int64_t ky0,             \
        int64_t ky1, int64_t kx0, int64_t kx1, const float *x, const float *f, float *y,       \
        V init, int epi, const float *res)                                                     \
    {                                                                                          \
        const int64_t C = g->c, step = g->sw * C;                                              \
        V a[DW_STRIP];                                                                         \
        _Pragma("GCC unroll 8") for (int i = 0; i < np; i++) a[i] = init;                      \
        for (int64_t ky = ky0; ky < ky1; ky++) {                                               \
            /* Indices, not pointers, until the tap is known to be inside. */                 \
            const int64_t row = ((ys + ky * g->dh) * g->w + ox * g->sw - g->pl) * C;           \
            const float *wrow = f + ky * g->kw * C;                                            \
            for (int64_t kx = kx0; kx < kx1; kx++) {                                           \
                const V w = dw_ld_##isa(full, m, wrow + kx * C);                               \
                const float *in = x + (row + kx * g->dw * C);                                  \
                _Pragma("GCC unroll 8") for (int i = 0; i < np; i++)                           \
                    a[i] = FMA(dw_ld_##isa(full, m, in + i * step), w, a[i]);                  \
            }                                                                                  \
        }                                                                                      \
        _Pragma("GCC unroll 8") for (int i = 0; i < np; i++)                                   \
            dw_st_##isa(full, m, y + (ox + i) * C,                                             \
                        dw_finish_##isa(full, m, a[i], epi, res ? res + (ox + i) * C : NULL)); \
    }                                                                                          \
    /* Output row (n, oy), channels [c, c + VL) (`full`) or fewer (mask m). */                \
    ATTR static inline __attribute__((always_inline)) void dw_row_##isa(                       \
        const geom *g, int full, M m, int64_t n, int64_t oy, int64_t c, int64_t ilo,           \
        int64_t ihi, const float *x, const float *f, float *y, int epi, const float *bias,     \
        const float *res)                                                                      \
    {                                                                                          \
        const int64_t C = g->c, orow = (n * g->oh + oy) * g->ow * C + c;                       \
        int64_t ys, ky0, ky1;                                                                  \
        taps(oy, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);                           \
        const float *xi = x + n * g->h * g->w * C + c, *fc = f + c;                            \
        float *yr = y + orow;                                                                  \
        const float *rr = (epi & FG_EPI_ADD) ? res + orow : NULL;                              \
        const V init = (epi & FG_EPI_BIAS) ? dw_ld_##isa(full, m, bias + c) : ZERO();          \
        int64_t ox = 0;                                                                        \
        while (ox < g->ow) {                                                                   \
            if (ox >= ilo && ox + DW_STRIP <= ihi) {                                           \
                dw_pixels_##isa(g, full, m, DW_STRIP, ox, ys, ky0, ky1, 0, g->kw, xi, fc, yr,  \
                                init, epi, rr);                                                \
                ox += DW_STRIP;                                                                \
            } else if (ox >= ilo && ox + DW_STRIP / 2 <= ihi) {                                \
                dw_pixels_##isa(g, full, m, DW_STRIP / 2, ox, ys, ky0, ky1, 0, g->kw, xi, fc,  \
                                yr, init, epi, rr);                                            \
                ox += DW_STRIP / 2;                                                            \
            } else {                                                                           \
                int64_t xs, kx0, kx1;                                                          \
                taps(ox, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);                   \
                dw_pixels_##isa(g, full, m, 1, ox, ys, ky0, ky1, kx0, kx1, xi, fc, yr, init,   \
                                epi, rr);                                                      \
                ox += 1;                                                                       \
            }                                                                                  \
        }                                                                                      \
    }                                                                                          \
    /* Units [u0, u1) of (output row, channel block), blocks varying fastest. */              \
    ATTR static void depthwise_f32_##isa(const geom *g, const float *x, const float *f,        \
                                         float *y, int64_t u0, int64_t u1, int epi,            \
                                         const float *bias, const float *res)                  \
    {                                                                                          \
        const int64_t blocks = (g->c + VL - 1) / VL, tail = g->c - (blocks - 1) * VL;          \
        const M m = dw_mask_##isa(tail);                                                       \
        int64_t ilo, ihi;                                                                      \
        interior_columns(g, &ilo, &ihi);                                                       \
        for (int64_t u = u0; u < u1; u++) {                                                    \
            const int64_t r = u / blocks, b = u % blocks;                                      \
            const int64_t n = r / g->oh, oy = r % g->oh;                                       \
            if (b < blocks - 1 || tail == VL)                                                  \
                dw_row_##isa(g, 1, m, n, oy, b * VL, ilo, ihi, x, f, y, epi, bias, res);       \
            else                                                                               \
                dw_row_##isa(g, 0, m, n, oy, b * VL, ilo, ihi, x, f, y, epi, bias, res);       \
        }                                                                                      \
    }

FG_TARGET_AVX512 static inline __mmask16 dw_mask_avx512(int64_t n)
{
    return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
}
#define DW_LDM512(p, m) _mm512_maskz_loadu_ps(m, p)
DW_F32_FNS(avx512, FG_TARGET_AVX512, __m512, __mmask16, 16, _mm512_loadu_ps, DW_LDM512,
           _mm512_storeu_ps, _mm512_mask_storeu_ps, _mm512_fmadd_ps, _mm512_add_ps,
           _mm512_max_ps, _mm512_min_ps, _mm512_set1_ps, _mm512_setzero_ps)

FG_TARGET_AVX2 static inline __m256i dw_mask_avx2(int64_t n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n > 8 ? 8 : n)),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
DW_F32_FNS(avx2, FG_TARGET_AVX2, __m256, __m256i, 8, _mm256_loadu_ps, _mm256_maskload_ps,
           _mm256_storeu_ps, _mm256_maskstore_ps, _mm256_fmadd_ps, _mm256_add_ps, _mm256_max_ps,
           _mm256_min_ps, _mm256_set1_ps, _mm256_setzero_ps)

static int forced_level = -1;

int fg_depthwise_set_level(int level)
{
    const int have = fg_simd_level();
    forced_level = level < 0 ? -1 : level < have ? level : have;
    return forced_level >= 0 ? forced_level : have;
}

int fg_depthwise_level(void)
{
    return forced_level >= 0 ? forced_level : fg_simd_level();
}

int fg_k_depthwise_conv2d(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const int64_t mult = s->iattr[DEPTHWISE_M], co = g.c * mult;
    const fg_value *x = s->in[0], *f = s->in[1], *y = s->out[0];
    const int epi = FG_EPILOGUE_OF(s);
    const void *bias = (epi & FG_EPI_BIAS) ? s->in[2]->data : NULL;
    const void *res = (epi & FG_EPI_ADD) ? s->in[(epi & FG_EPI_BIAS) ? 3 : 2]->data : NULL;
    const size_t e = fg_dtype_size(x->dtype);
    int64_t lo, hi;
    const int level = fg_depthwise_level();
    if (x->dtype == FG_FLOAT32 && mult == 1 && level >= 1 && g.c > 0) {
        const int64_t vl = level >= 2 ? 16 : 8, blocks = (g.c + vl - 1) / vl;
        fg_split(g.n * g.oh * blocks, part, nparts, &lo, &hi);
        (level >= 2 ? depthwise_f32_avx512 : depthwise_f32_avx2)(&g, x->data, f->data, y->data,
                                                                 lo, hi, epi, bias, res);
        return FG_OK;
    }
    fg_split(g.n * g.oh * g.ow, part, nparts, &lo, &hi);
    /* A few pixels at a time, so that the epilogue finds them in cache. */
    for (int64_t p = lo; p < hi; p += 16) {
        const int64_t q = p + 16 < hi ? p + 16 : hi;
        switch (x->dtype) {
#define CASE(sfx, T, code)                                                                   \
    case code:                                                                               \
        depthwise_##sfx(&g, mult, x->data, f->data, y->data, p, q);                          \
        break;
            FG_FOR_FLOATS(CASE)
#undef CASE
        default:
            return fg_no_kernel(s, x->dtype, st);
        }
        fg_gemm_epilogue(x->dtype, epi, (char *)y->data + p * co * e, q - p, co, co, bias,
                         res ? (const char *)res + p * co * e : NULL);
    }
    return FG_OK;
}
