/* The backprops of convolution and pooling (see conv_grad.h). */
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "conv_geom.h"
#include "conv_grad.h"
#include "linalg.h"
#include "types.h"
#include "vmath.h"

/* ---- conv2d_backprop_filter ---------------------------------------------- */

/* Columns [k0, k1) of the im2col rows of output pixels [p0, p1), rows `ld`
 * elements apart: column j is tap j / C, channel j % C; zero where the tap
 * hangs over the padding. */
static void im2col_columns(const geom *g, const char *x, size_t e, int64_t p0, int64_t p1,
                           int64_t k0, int64_t k1, int64_t ld, char *rows)
{
    const int64_t width = k1 - k0;
    /* The divisions that place column k0 are done once: every later run
     * starts at channel 0 of the next tap. */
    const int64_t t_first = k0 / g->c, c_first = k0 % g->c;
    for (int64_t p = p0; p < p1; p++) {
        char *dst = rows + (p - p0) * ld * (int64_t)e;
        const int64_t n = p / (g->oh * g->ow), r = p % (g->oh * g->ow);
        const int64_t ys = (r / g->ow) * g->sh - g->pt, xs = (r % g->ow) * g->sw - g->pl;
        const char *image = x + n * g->h * g->w * g->c * (int64_t)e;
        int64_t ky = t_first / g->kw, kx = t_first % g->kw, c0 = c_first;
        for (int64_t left = width; left > 0;) {
            const int64_t run = g->c - c0 < left ? g->c - c0 : left;
            const int64_t iy = ys + ky * g->dh, ix = xs + kx * g->dw;
            const int inside = iy >= 0 && iy < g->h && ix >= 0 && ix < g->w;
            const char *src = image + ((iy * g->w + ix) * g->c + c0) * (int64_t)e;
            /* Few-channel runs (the first layer's 3 colours) cost more in a
             * memcpy call than in the copy itself. */
            if (run > 16 || (e != 4 && e != 8)) {
                if (inside)
                    memcpy(dst, src, (size_t)run * e);
                else
                    memset(dst, 0, (size_t)run * e);
            } else if (e == 4) {
                for (int64_t i = 0; i < run; i++)
                    ((float *)dst)[i] = inside ? ((const float *)src)[i] : 0.0f;
            } else {
                for (int64_t i = 0; i < run; i++)
                    ((double *)dst)[i] = inside ? ((const double *)src)[i] : 0.0;
            }
            dst += run * (int64_t)e;
            left -= run;
            c0 = 0;
            if (++kx == g->kw) {
                kx = 0;
                ky++;
            }
        }
    }
}

/* The direct float32 filter backprop (AVX-512). A GEMM packs both of its
 * operands before it multiplies, and with a share's few filter rows (a
 * first layer has 27) the packing costs more than the products. Here BF_RB
 * filter rows times 32 output channels sit in 16 registers while the
 * pixels of one small im2col tile stream past, then are added to df: each
 * pixel is two loads of dy, BF_RB broadcasts and 2 BF_RB FMAs. */
#define BF_RB 8
#define BF_DIRECT_TILE 128

static inline int64_t round_up(int64_t n, int64_t m)
{
    return (n + m - 1) / m * m;
}

/* Accumulators are named, not an array: GCC stores an array of vectors
 * back to the stack on every pixel. */
#define BF_ROWS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#define BF_DECL(i) __m512 a##i = _mm512_setzero_ps(), b##i = _mm512_setzero_ps();
#define BF_FMA2(i)                                                                           \
    {                                                                                        \
        const __m512 v = _mm512_set1_ps(cr[i]);                                              \
        a##i = _mm512_fmadd_ps(v, d0, a##i);                                                 \
        b##i = _mm512_fmadd_ps(v, d1, b##i);                                                 \
    }
#define BF_FMA1(i) a##i = _mm512_fmadd_ps(_mm512_set1_ps(cr[i]), d0, a##i);
#define BF_STORE(i)                                                                          \
    if (i < nr) {                                                                            \
        float *o = df + (r + i) * co + c0;                                                   \
        if (!first) {                                                                        \
            a##i = _mm512_add_ps(a##i, _mm512_maskz_loadu_ps(m0, o));                        \
            b##i = _mm512_add_ps(b##i, _mm512_maskz_loadu_ps(m1, o + 16));                   \
        }                                                                                    \
        _mm512_mask_storeu_ps(o, m0, a##i);                                                  \
        _mm512_mask_storeu_ps(o + 16, m1, b##i);                                             \
    }

/* df[rows, co] (+)= cols[t, ld]^T dy[t, co]; cols has ld = rows rounded up
 * to BF_RB columns, the extra ones zero. */
FG_TARGET_AVX512 static void bf_direct_tile_avx512(const float *cols, int64_t ld, int64_t rows,
                                                   int64_t t, const float *dy, int64_t co,
                                                   float *df, int first)
{
    for (int64_t c0 = 0; c0 < co; c0 += 32) {
        const int64_t l0 = co - c0, l1 = co - c0 - 16;
        const __mmask16 m0 = l0 >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << l0) - 1);
        const __mmask16 m1 = l1 >= 16   ? (__mmask16)0xFFFF
                             : l1 <= 0 ? (__mmask16)0
                                       : (__mmask16)((1u << l1) - 1);
        for (int64_t r = 0; r < rows; r += BF_RB) {
            BF_ROWS(BF_DECL)
            if (m1) {
                for (int64_t p = 0; p < t; p++) {
                    const float *d = dy + p * co + c0, *cr = cols + p * ld + r;
                    const __m512 d0 = _mm512_maskz_loadu_ps(m0, d);
                    const __m512 d1 = _mm512_maskz_loadu_ps(m1, d + 16);
                    BF_ROWS(BF_FMA2)
                }
            } else {
                /* 16 channels or fewer left: one vector per row. */
                for (int64_t p = 0; p < t; p++) {
                    const float *cr = cols + p * ld + r;
                    const __m512 d0 = _mm512_maskz_loadu_ps(m0, dy + p * co + c0);
                    BF_ROWS(BF_FMA1)
                }
            }
            const int64_t nr = rows - r < BF_RB ? rows - r : BF_RB;
            BF_ROWS(BF_STORE)
        }
    }
}

/* dst[0, n) = src[0, n) (zeros when src is NULL), 16 floats a time. */
FG_TARGET_AVX512 static inline void copy_run_avx512(float *dst, const float *src, int64_t n)
{
    int64_t i = 0;
    if (!src) {
        for (; i + 16 <= n; i += 16)
            _mm512_storeu_ps(dst + i, _mm512_setzero_ps());
        if (i < n)
            _mm512_mask_storeu_ps(dst + i, (__mmask16)((1u << (n - i)) - 1), _mm512_setzero_ps());
        return;
    }
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(dst + i, m, _mm512_maskz_loadu_ps(m, src + i));
    }
}

/* im2col_columns for float32 rows `ld` apart, the columns past k1 - k0
 * zeroed. A pixel whose window row lies inside the image along x (and is
 * undilated there) takes each tap row's columns as one run of KW C floats
 * of x; others go tap by tap. */
FG_TARGET_AVX512 static void im2col_f32_avx512(const geom *g, const float *x, int64_t p0,
                                               int64_t p1, int64_t k0, int64_t k1, int64_t ld,
                                               float *rows)
{
    const int64_t width = k1 - k0, run = g->kw * g->c;
    const int64_t ky_first = k0 / run, ky_last = (k1 - 1) / run;
    /* The pixel's coordinates move along with p: no divisions per pixel. */
    int64_t n = p0 / (g->oh * g->ow), oy = p0 % (g->oh * g->ow) / g->ow, ox = p0 % g->ow;
    for (int64_t p = p0; p < p1; p++, ox++) {
        if (ox == g->ow) {
            ox = 0;
            if (++oy == g->oh) {
                oy = 0;
                n++;
            }
        }
        float *dst = rows + (p - p0) * ld;
        const int64_t ys = oy * g->sh - g->pt, xs = ox * g->sw - g->pl;
        if (g->dw != 1 || xs < 0 || xs + g->kw > g->w) {
            im2col_columns(g, (const char *)x, sizeof(float), p, p + 1, k0, k1, ld,
                           (char *)dst);
        } else {
            const float *image = x + n * g->h * g->w * g->c;
            for (int64_t ky = ky_first; ky <= ky_last; ky++) {
                const int64_t j0 = ky * run > k0 ? ky * run : k0;
                const int64_t j1 = (ky + 1) * run < k1 ? (ky + 1) * run : k1;
                const int64_t iy = ys + ky * g->dh;
                const float *src = iy >= 0 && iy < g->h
                                       ? image + (iy * g->w + xs) * g->c + (j0 - ky * run)
                                       : NULL;
                copy_run_avx512(dst + (j0 - k0), src, j1 - j0);
            }
        }
        if (ld > width)
            copy_run_avx512(dst + width, NULL, ld - width);
    }
}

/* Rows [k0, k1) of df through the direct path, im2col tiles of as many
 * pixels as `cols` holds, up to BF_DIRECT_TILE (at least one). */
static void bf_direct(const geom *g, const float *x, const float *dy, int64_t co, int64_t k0,
                      int64_t k1, float *df, char *cols, int64_t cols_bytes)
{
    const int64_t width = k1 - k0, ld = round_up(width, BF_RB);
    const int64_t pixels = g->n * g->oh * g->ow;
    int64_t tile = cols_bytes / (ld * (int64_t)sizeof(float));
    if (tile > BF_DIRECT_TILE)
        tile = BF_DIRECT_TILE;
    float *c = (float *)cols;
    for (int64_t p = 0; p < pixels; p += tile) {
        const int64_t q = p + tile < pixels ? p + tile : pixels;
        im2col_f32_avx512(g, x, p, q, k0, k1, ld, c);
        bf_direct_tile_avx512(c, ld, width, q - p, dy + p * co, co, df + k0 * co, p == 0);
    }
}

int fg_k_conv2d_backprop_filter(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const int64_t co = s->iattr[CONV_BF_CO], tile = s->iattr[CONV_BF_TILE];
    const fg_value *x = s->in[0], *dy = s->in[1], *df = s->out[0], *scratch = s->out[1];
    const size_t e = fg_dtype_size(x->dtype);
    const int64_t pixels = g.n * g.oh * g.ow, k = g.kh * g.kw * g.c;
    if (x->dtype != FG_FLOAT32 && x->dtype != FG_FLOAT64)
        return fg_no_kernel(s, x->dtype, st);
    const int64_t cols_bytes = scratch->size / s->nparts;
    char *cols = (char *)scratch->data + cols_bytes * part;
    int64_t k0, k1;
    /* Every share makes the same choice: one padded row of any share's
     * columns fits in its scratch. */
    if (x->dtype == FG_FLOAT32 && fg_simd_level() >= 2 && pixels > 0 &&
        cols_bytes >= round_up(k, BF_RB) * (int64_t)sizeof(float)) {
        /* Shares take whole register blocks of rows. */
        fg_split((k + BF_RB - 1) / BF_RB, part, nparts, &k0, &k1);
        k0 *= BF_RB;
        k1 = k1 * BF_RB < k ? k1 * BF_RB : k;
        if (k1 > k0)
            bf_direct(&g, x->data, dy->data, co, k0, k1, df->data, cols, cols_bytes);
        return FG_OK;
    }
    if (!fg_have_gemm())
        return fg_fail(st, FG_FAILED_PRECONDITION,
                       "%s: no BLAS was loaded for conv2d_backprop_filter", s->name);
    fg_split(k, part, nparts, &k0, &k1);
    if (k1 <= k0)
        return FG_OK;
    const int64_t width = k1 - k0;
    char *out = (char *)df->data + k0 * co * (int64_t)e;
    if (pixels == 0) {
        memset(out, 0, (size_t)(width * co) * e);
        return FG_OK;
    }
    for (int64_t p = 0; p < pixels; p += tile) {
        const int64_t q = p + tile < pixels ? p + tile : pixels;
        const char *d = (const char *)dy->data + p * co * (int64_t)e;
        im2col_columns(&g, x->data, e, p, q, k0, k1, width, cols);
        /* out[width, co] (+)= cols[q - p, width]^T dy[q - p, co] */
        if (x->dtype == FG_FLOAT32)
            fg_gemm_f32(1, 0, width, co, q - p, 1.0f, (const float *)cols, width,
                        (const float *)d, co, p == 0 ? 0.0f : 1.0f, (float *)out, co);
        else
            fg_gemm_f64(1, 0, width, co, q - p, 1.0, (const double *)cols, width,
                        (const double *)d, co, p == 0 ? 0.0 : 1.0, (double *)out, co);
    }
    return FG_OK;
}

/* ---- depthwise backprops --------------------------------------------------- */

/* Input pixel i of one axis is tap k of output o when o * stride - pad + k *
 * dil == i; the taps run down from the last output the window can reach. */
#define DEPTHWISE_BI_FN(sfx, T, code)                                                        \
    static void depthwise_bi_##sfx(const geom *g, int64_t mult, const T *restrict dy,         \
                                   const T *restrict f, T *restrict dx, int64_t p0,           \
                                   int64_t p1)                                                \
    {                                                                                         \
        const int64_t cm = g->c * mult;                                                       \
        for (int64_t p = p0; p < p1; p++) {                                                   \
            const int64_t n = p / (g->h * g->w), r = p % (g->h * g->w);                       \
            const int64_t iy = r / g->w, ix = r % g->w;                                       \
            T *restrict out = dx + p * g->c;                                                  \
            for (int64_t c = 0; c < g->c; c++)                                                \
                out[c] = 0;                                                                   \
            for (int64_t ky = 0; ky < g->kh; ky++) {                                          \
                const int64_t ty = iy + g->pt - ky * g->dh;                                   \
                if (ty < 0)                                                                   \
                    break;                                                                    \
                if (ty % g->sh != 0 || ty / g->sh >= g->oh)                                   \
                    continue;                                                                 \
                for (int64_t kx = 0; kx < g->kw; kx++) {                                      \
                    const int64_t tx = ix + g->pl - kx * g->dw;                               \
                    if (tx < 0)                                                               \
                        break;                                                                \
                    if (tx % g->sw != 0 || tx / g->sw >= g->ow)                               \
                        continue;                                                             \
                    const T *d = dy + ((n * g->oh + ty / g->sh) * g->ow + tx / g->sw) * cm;   \
                    const T *w = f + (ky * g->kw + kx) * cm;                                  \
                    if (mult == 1) {                                                          \
                        for (int64_t c = 0; c < g->c; c++)                                    \
                            out[c] += d[c] * w[c];                                            \
                        continue;                                                             \
                    }                                                                         \
                    for (int64_t c = 0; c < g->c; c++) {                                      \
                        T acc = 0;                                                            \
                        for (int64_t m = 0; m < mult; m++)                                    \
                            acc += d[c * mult + m] * w[c * mult + m];                         \
                        out[c] += acc;                                                        \
                    }                                                                         \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    }
FG_FOR_FLOATS(DEPTHWISE_BI_FN)

#define DEPTHWISE_BF_FN(sfx, T, code)                                                        \
    static void depthwise_bf_##sfx(const geom *g, int64_t mult, const T *restrict x,          \
                                   const T *restrict dy, T *restrict df, int64_t t0,          \
                                   int64_t t1)                                                \
    {                                                                                         \
        const int64_t cm = g->c * mult;                                                       \
        for (int64_t t = t0; t < t1; t++) {                                                   \
            const int64_t ky = t / g->kw, kx = t % g->kw;                                     \
            T *restrict out = df + t * cm;                                                    \
            for (int64_t j = 0; j < cm; j++)                                                  \
                out[j] = 0;                                                                   \
            for (int64_t n = 0; n < g->n; n++)                                                \
                for (int64_t oy = 0; oy < g->oh; oy++) {                                      \
                    const int64_t iy = oy * g->sh - g->pt + ky * g->dh;                       \
                    if (iy < 0 || iy >= g->h)                                                 \
                        continue;                                                             \
                    for (int64_t ox = 0; ox < g->ow; ox++) {                                  \
                        const int64_t ix = ox * g->sw - g->pl + kx * g->dw;                   \
                        if (ix < 0 || ix >= g->w)                                             \
                            continue;                                                         \
                        const T *in = x + ((n * g->h + iy) * g->w + ix) * g->c;               \
                        const T *d = dy + ((n * g->oh + oy) * g->ow + ox) * cm;               \
                        if (mult == 1) {                                                      \
                            for (int64_t c = 0; c < g->c; c++)                                \
                                out[c] += in[c] * d[c];                                       \
                            continue;                                                         \
                        }                                                                     \
                        for (int64_t c = 0; c < g->c; c++)                                    \
                            for (int64_t m = 0; m < mult; m++)                                \
                                out[c * mult + m] += in[c] * d[c * mult + m];                 \
                    }                                                                         \
                }                                                                             \
        }                                                                                     \
    }
FG_FOR_FLOATS(DEPTHWISE_BF_FN)

int fg_k_depthwise_conv2d_backprop_input(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const int64_t mult = s->iattr[DEPTHWISE_B_M];
    const fg_value *dy = s->in[0], *f = s->in[1], *dx = s->out[0];
    int64_t lo, hi;
    fg_split(g.n * g.h * g.w, part, nparts, &lo, &hi);
    switch (dx->dtype) {
#define CASE(sfx, T, code)                                                                   \
    case code:                                                                               \
        depthwise_bi_##sfx(&g, mult, dy->data, f->data, dx->data, lo, hi);                   \
        return FG_OK;
        FG_FOR_FLOATS(CASE)
#undef CASE
    default:
        return fg_no_kernel(s, dx->dtype, st);
    }
}

int fg_k_depthwise_conv2d_backprop_filter(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const int64_t mult = s->iattr[DEPTHWISE_B_M];
    const fg_value *x = s->in[0], *dy = s->in[1], *df = s->out[0];
    int64_t lo, hi;
    fg_split(g.kh * g.kw, part, nparts, &lo, &hi);
    switch (x->dtype) {
#define CASE(sfx, T, code)                                                                   \
    case code:                                                                               \
        depthwise_bf_##sfx(&g, mult, x->data, dy->data, df->data, lo, hi);                   \
        return FG_OK;
        FG_FOR_FLOATS(CASE)
#undef CASE
    default:
        return fg_no_kernel(s, x->dtype, st);
    }
}

/* ---- pooling backprops ------------------------------------------------------ */

/* The flat index in x of channel c's maximum under a window (its first
 * pixel `base`, its in-image taps [ky0, ky1) x [kx0, kx1)), as TF's CPU
 * kernel picks it: the first tap, replaced only by a strictly greater one;
 * -1 for a window with no pixel inside. */
#define ARGMAX_FN(sfx, T, code)                                                              \
    static inline int64_t window_argmax_##sfx(const geom *g, const T *x, int64_t base,        \
                                              int64_t ky0, int64_t ky1, int64_t kx0,          \
                                              int64_t kx1)                                    \
    {                                                                                         \
        int64_t best_at = -1;                                                                 \
        T best = 0;                                                                           \
        for (int64_t ky = ky0; ky < ky1; ky++)                                                \
            for (int64_t kx = kx0; kx < kx1; kx++) {                                          \
                const int64_t at = base + (ky * g->dh * g->w + kx * g->dw) * g->c;            \
                if (best_at < 0 || best < x[at]) {                                            \
                    best = x[at];                                                             \
                    best_at = at;                                                             \
                }                                                                             \
            }                                                                                 \
        return best_at;                                                                       \
    }
FG_FOR_FLOATS(ARGMAX_FN)

/* Taps outer, channels inner: `tap` and `best` (this share's scratch) hold
 * every channel's pick so far, so each tap is one branch-free pass over
 * contiguous channels; the tap index has T's width so that the compare and
 * the selects vectorize together. */
#define MPG_TAP_f32 int32_t
#define MPG_TAP_f64 int64_t
#define MAX_POOL_GRAD_FN(sfx, T, code)                                                       \
    static void max_pool_grad_##sfx(const geom *g, const T *restrict x, const T *restrict dy, \
                                    T *restrict dx, int64_t i0, int64_t i1,                   \
                                    int64_t *restrict offset, MPG_TAP_##sfx *restrict tap,    \
                                    T *restrict best)                                         \
    {                                                                                         \
        const int64_t image = g->h * g->w * g->c;                                             \
        for (int64_t ky = 0; ky < g->kh; ky++)                                                \
            for (int64_t kx = 0; kx < g->kw; kx++)                                            \
                offset[ky * g->kw + kx] = (ky * g->dh * g->w + kx * g->dw) * g->c;            \
        for (int64_t j = i0 * image; j < i1 * image; j++)                                     \
            dx[j] = 0;                                                                        \
        for (int64_t n = i0; n < i1; n++)                                                     \
            for (int64_t oy = 0; oy < g->oh; oy++)                                            \
                for (int64_t ox = 0; ox < g->ow; ox++) {                                      \
                    int64_t ys, ky0, ky1, xs, kx0, kx1;                                       \
                    taps(oy, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);              \
                    taps(ox, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);              \
                    if (ky1 <= ky0 || kx1 <= kx0)                                             \
                        continue;                                                             \
                    const int64_t base = ((n * g->h + ys) * g->w + xs) * g->c;                \
                    const T *first = x + base + (ky0 * g->dh * g->w + kx0 * g->dw) * g->c;    \
                    for (int64_t c = 0; c < g->c; c++) {                                      \
                        best[c] = first[c];                                                   \
                        tap[c] = (MPG_TAP_##sfx)(ky0 * g->kw + kx0);                          \
                    }                                                                         \
                    for (int64_t ky = ky0; ky < ky1; ky++)                                    \
                        for (int64_t kx = ky == ky0 ? kx0 + 1 : kx0; kx < kx1; kx++) {        \
                            const T *v = x + base + (ky * g->dh * g->w + kx * g->dw) * g->c;  \
                            const MPG_TAP_##sfx t = (MPG_TAP_##sfx)(ky * g->kw + kx);         \
                            for (int64_t c = 0; c < g->c; c++) {                              \
                                const T cur = best[c], val = v[c];                            \
                                const MPG_TAP_##sfx take = -(MPG_TAP_##sfx)(cur < val);       \
                                best[c] = cur < val ? val : cur;                              \
                                tap[c] = (tap[c] & ~take) | (t & take);                       \
                            }                                                                 \
                        }                                                                     \
                    const T *d = dy + ((n * g->oh + oy) * g->ow + ox) * g->c;                 \
                    for (int64_t c = 0; c < g->c; c++)                                        \
                        dx[base + offset[tap[c]] + c] += d[c];                                \
                }                                                                             \
    }
FG_FOR_FLOATS(MAX_POOL_GRAD_FN)

/* Windows that tile the image (stride = window, undilated, unpadded): each
 * input pixel lies in one window at most, so dx is written once, window by
 * window, with no zeroing pass and no scatter; the pixels no window covers
 * (VALID's remainder rows and columns) get zeros. */
#define MAX_POOL_GRAD_TILED_FN(sfx, T, code)                                                 \
    static void max_pool_grad_tiled_##sfx(const geom *g, const T *restrict x,                 \
                                          const T *restrict dy, T *restrict dx, int64_t i0,   \
                                          int64_t i1, MPG_TAP_##sfx *restrict tap,            \
                                          T *restrict best)                                   \
    {                                                                                         \
        const int64_t C = g->c, row = g->w * C;                                               \
        for (int64_t n = i0; n < i1; n++) {                                                   \
            const T *xi = x + n * g->h * row;                                                 \
            T *di = dx + n * g->h * row;                                                      \
            for (int64_t oy = 0; oy < g->oh; oy++) {                                          \
                const int64_t y0 = oy * g->kh;                                                \
                for (int64_t ox = 0; ox < g->ow; ox++) {                                      \
                    const int64_t base = y0 * row + ox * g->kw * C;                           \
                    for (int64_t c = 0; c < C; c++) {                                         \
                        best[c] = xi[base + c];                                               \
                        tap[c] = 0;                                                           \
                    }                                                                         \
                    for (int64_t ky = 0; ky < g->kh; ky++)                                    \
                        for (int64_t kx = ky == 0 ? 1 : 0; kx < g->kw; kx++) {                \
                            const T *v = xi + base + ky * row + kx * C;                       \
                            const MPG_TAP_##sfx t = (MPG_TAP_##sfx)(ky * g->kw + kx);         \
                            for (int64_t c = 0; c < C; c++) {                                 \
                                const T cur = best[c], val = v[c];                            \
                                const MPG_TAP_##sfx take = -(MPG_TAP_##sfx)(cur < val);       \
                                best[c] = cur < val ? val : cur;                              \
                                tap[c] = (tap[c] & ~take) | (t & take);                       \
                            }                                                                 \
                        }                                                                     \
                    const T *d = dy + ((n * g->oh + oy) * g->ow + ox) * C;                    \
                    for (int64_t ky = 0; ky < g->kh; ky++)                                    \
                        for (int64_t kx = 0; kx < g->kw; kx++) {                              \
                            T *o = di + base + ky * row + kx * C;                             \
                            const MPG_TAP_##sfx t = (MPG_TAP_##sfx)(ky * g->kw + kx);         \
                            for (int64_t c = 0; c < C; c++)                                   \
                                o[c] = tap[c] == t ? d[c] : (T)0;                             \
                        }                                                                     \
                }                                                                             \
                /* The columns right of the last window. */                                   \
                for (int64_t ky = 0; ky < g->kh; ky++)                                        \
                    for (int64_t j = g->ow * g->kw * C; j < row; j++)                         \
                        di[(y0 + ky) * row + j] = 0;                                          \
            }                                                                                 \
            for (int64_t j = g->oh * g->kh * row; j < g->h * row; j++)                        \
                di[j] = 0;                                                                    \
        }                                                                                     \
    }
FG_FOR_FLOATS(MAX_POOL_GRAD_TILED_FN)

/* TF's CPU MaxPoolGradGrad reads orig_output: each output pixel takes ddx at
 * the first tap equal to its orig_output value (0 when none is). */
#define MAX_POOL_GRAD_GRAD_FN(sfx, T, code)                                                  \
    static void max_pool_grad_grad_##sfx(const geom *g, const T *x, const T *y, const T *ddx, \
                                         T *ddy, int64_t p0, int64_t p1)                      \
    {                                                                                         \
        for (int64_t p = p0; p < p1; p++) {                                                   \
            const int64_t n = p / (g->oh * g->ow), r = p % (g->oh * g->ow);                   \
            int64_t ys, ky0, ky1, xs, kx0, kx1;                                               \
            taps(r / g->ow, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);               \
            taps(r % g->ow, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);               \
            for (int64_t c = 0; c < g->c; c++) {                                              \
                const T want = y[p * g->c + c];                                               \
                T got = 0;                                                                    \
                int found = 0;                                                                \
                for (int64_t ky = ky0; ky < ky1 && !found; ky++)                              \
                    for (int64_t kx = kx0; kx < kx1 && !found; kx++) {                        \
                        const int64_t at =                                                    \
                            ((n * g->h + ys + ky * g->dh) * g->w + xs + kx * g->dw) * g->c + c; \
                        if (x[at] == want) {                                                  \
                            got = ddx[at];                                                    \
                            found = 1;                                                        \
                        }                                                                     \
                    }                                                                         \
                ddy[p * g->c + c] = got;                                                      \
            }                                                                                 \
        }                                                                                     \
    }
FG_FOR_FLOATS(MAX_POOL_GRAD_GRAD_FN)

/* The output pixels whose windows (stride `stride`, `k` taps, undilated) cover
 * input pixel i of one axis: [*o0, *o1). */
static inline void covering(int64_t i, int64_t stride, int64_t pad, int64_t k, int64_t out,
                            int64_t *o0, int64_t *o1)
{
    const int64_t a = i + pad - k + 1, b = (i + pad) / stride + 1;
    *o0 = a <= 0 ? 0 : (a + stride - 1) / stride;
    *o1 = b < out ? b : out;
}

/* Each window's count of pixels inside the image is TF's divisor. */
#define AVG_POOL_GRAD_FN(sfx, T, code)                                                       \
    static void avg_pool_grad_##sfx(const geom *g, const T *dy, T *dx, int64_t p0, int64_t p1) \
    {                                                                                         \
        for (int64_t p = p0; p < p1; p++) {                                                   \
            const int64_t n = p / (g->h * g->w), r = p % (g->h * g->w);                       \
            int64_t oy0, oy1, ox0, ox1;                                                       \
            covering(r / g->w, g->sh, g->pt, g->kh, g->oh, &oy0, &oy1);                       \
            covering(r % g->w, g->sw, g->pl, g->kw, g->ow, &ox0, &ox1);                       \
            T *out = dx + p * g->c;                                                           \
            for (int64_t c = 0; c < g->c; c++)                                                \
                out[c] = 0;                                                                   \
            for (int64_t oy = oy0; oy < oy1; oy++) {                                          \
                int64_t ys, ky0, ky1;                                                         \
                taps(oy, g->sh, g->pt, 1, g->kh, g->h, &ys, &ky0, &ky1);                      \
                for (int64_t ox = ox0; ox < ox1; ox++) {                                      \
                    int64_t xs, kx0, kx1;                                                     \
                    taps(ox, g->sw, g->pl, 1, g->kw, g->w, &xs, &kx0, &kx1);                  \
                    const T coef = (T)(1.0 / (double)((ky1 - ky0) * (kx1 - kx0)));            \
                    const T *d = dy + ((n * g->oh + oy) * g->ow + ox) * g->c;                 \
                    for (int64_t c = 0; c < g->c; c++)                                        \
                        out[c] += d[c] * coef;                                                \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    }
FG_FOR_FLOATS(AVG_POOL_GRAD_FN)

int fg_k_max_pool_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const fg_value *x = s->in[0], *dy = s->in[2], *dx = s->out[0], *scratch = s->out[1];
    int64_t lo, hi;
    fg_split(g.n, part, nparts, &lo, &hi);
    char *mine = (char *)scratch->data + (scratch->size / s->nparts) * part;
    const int tiled = g.sh == g.kh && g.sw == g.kw && g.dh == 1 && g.dw == 1 && g.pt == 0 &&
                      g.pl == 0 && g.oh * g.kh <= g.h && g.ow * g.kw <= g.w;
    switch (x->dtype) {
#define CASE(sfx, T, code)                                                                   \
    case code:                                                                               \
        if (tiled)                                                                           \
            max_pool_grad_tiled_##sfx(&g, x->data, dy->data, dx->data, lo, hi,               \
                                      (MPG_TAP_##sfx *)(mine + g.kh * g.kw * 8),             \
                                      (T *)(mine + g.kh * g.kw * 8 +                         \
                                            g.c * (int64_t)sizeof(T)));                      \
        else                                                                                 \
            max_pool_grad_##sfx(&g, x->data, dy->data, dx->data, lo, hi, (int64_t *)mine,    \
                                (MPG_TAP_##sfx *)(mine + g.kh * g.kw * 8),                   \
                                (T *)(mine + g.kh * g.kw * 8 + g.c * (int64_t)sizeof(T)));   \
        return FG_OK;
        FG_FOR_FLOATS(CASE)
#undef CASE
    default:
        return fg_no_kernel(s, x->dtype, st);
    }
}

int fg_k_max_pool_grad_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const fg_value *x = s->in[0], *y = s->in[1], *ddx = s->in[2], *ddy = s->out[0];
    int64_t lo, hi;
    fg_split(g.n * g.oh * g.ow, part, nparts, &lo, &hi);
    switch (x->dtype) {
#define CASE(sfx, T, code)                                                                   \
    case code:                                                                               \
        max_pool_grad_grad_##sfx(&g, x->data, y->data, ddx->data, ddy->data, lo, hi);                 \
        return FG_OK;
        FG_FOR_FLOATS(CASE)
#undef CASE
    default:
        return fg_no_kernel(s, x->dtype, st);
    }
}

int fg_k_avg_pool_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const fg_value *dy = s->in[0], *dx = s->out[0];
    int64_t lo, hi;
    fg_split(g.n * g.h * g.w, part, nparts, &lo, &hi);
    switch (dx->dtype) {
#define CASE(sfx, T, code)                                                                   \
    case code:                                                                               \
        avg_pool_grad_##sfx(&g, dy->data, dx->data, lo, hi);                                 \
        return FG_OK;
        FG_FOR_FLOATS(CASE)
#undef CASE
    default:
        return fg_no_kernel(s, dx->dtype, st);
    }
}
