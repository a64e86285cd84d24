/* Convolutions and pooling (see conv.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "conv.h"
#include "conv_geom.h"
#include "linalg.h"
#include "scalar.h"
#include "types.h"

/* One im2col row per output pixel in [p0, p1): [KH][KW][C] elements, zero
 * where the window hangs over the padding. */
static void im2col(const geom *g, const char *x, size_t e, int64_t p0, int64_t p1, char *rows)
{
    const int64_t crow = g->c * (int64_t)e, krow = g->kh * g->kw * crow;
    for (int64_t p = p0; p < p1; p++) {
        char *row = rows + (p - p0) * krow;
        const int64_t n = p / (g->oh * g->ow), r = p % (g->oh * g->ow);
        int64_t ys, ky0, ky1, xs, kx0, kx1;
        taps(r / g->ow, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);
        taps(r % g->ow, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);
        if (ky0 > 0 || ky1 < g->kh || kx0 > 0 || kx1 < g->kw)
            memset(row, 0, (size_t)krow);
        for (int64_t ky = ky0; ky < ky1; ky++) {
            const char *src = x + ((n * g->h + ys + ky * g->dh) * g->w) * crow;
            char *dst = row + ky * g->kw * crow;
            if (g->dw == 1) {
                /* Undilated taps of one image row are one contiguous run. */
                memcpy(dst + kx0 * crow, src + (xs + kx0) * crow, (size_t)((kx1 - kx0) * crow));
            } else {
                for (int64_t kx = kx0; kx < kx1; kx++)
                    memcpy(dst + kx * crow, src + (xs + kx * g->dw) * crow, (size_t)crow);
            }
        }
    }
}

/* c[m x n] = a[m x k] b[k x n] with b and c rows `ld` apart (a column block
 * of the filter and of the output). */
static int gemm(int dtype, int64_t m, int64_t n, int64_t k, const void *a, const void *b,
                void *c, int64_t ld)
{
    if (dtype == FG_FLOAT32)
        return fg_gemm_f32(0, 0, m, n, k, 1.0f, a, k, b, ld, 0.0f, c, ld);
    return fg_gemm_f64(0, 0, m, n, k, 1.0, a, k, b, ld, 0.0, c, ld);
}

/* Below this many output rows per share, shares split the output channels
 * instead: a 7x7 layer has 49 rows a image, too few to share out well,
 * but hundreds of channels. */
#define CONV_ROWS_PER_SHARE 96
#define CONV_COL_ALIGN 16

int fg_k_conv2d(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const int64_t co = s->iattr[CONV2D_CO], tile = s->iattr[CONV2D_TILE];
    const fg_value *x = s->in[0], *f = s->in[1], *y = s->out[0], *scratch = s->out[1];
    const size_t e = fg_dtype_size(x->dtype);
    const int64_t k = g.kh * g.kw * g.c, rows = g.n * g.oh * g.ow;
    if (!fg_have_gemm())
        return fg_fail(st, FG_FAILED_PRECONDITION, "%s: no BLAS was loaded for conv2d", s->name);
    int64_t lo = 0, hi = rows, c0 = 0, c1 = co;
    if (nparts > 1 && rows < CONV_ROWS_PER_SHARE * nparts &&
        co >= 2 * CONV_COL_ALIGN * nparts) {
        /* Whole column blocks per share, CONV_COL_ALIGN channels at a time. */
        int64_t blocks = (co + CONV_COL_ALIGN - 1) / CONV_COL_ALIGN;
        fg_split(blocks, part, nparts, &c0, &c1);
        c0 *= CONV_COL_ALIGN;
        c1 = c1 * CONV_COL_ALIGN < co ? c1 * CONV_COL_ALIGN : co;
    } else {
        fg_split(rows, part, nparts, &lo, &hi);
    }
    const int64_t nc = c1 - c0;
    if (hi <= lo || nc <= 0)
        return FG_OK;
    const int epi = FG_EPILOGUE_OF(s);
    const char *bias = (epi & FG_EPI_BIAS) ? (const char *)s->in[2]->data + c0 * e : NULL;
    const char *res = (epi & FG_EPI_ADD) ? s->in[(epi & FG_EPI_BIAS) ? 3 : 2]->data : NULL;
    const char *fcol = (const char *)f->data + c0 * e;
    if (tile == 0) {
        char *out = (char *)y->data + (lo * co + c0) * e;
        gemm(x->dtype, hi - lo, nc, k, (const char *)x->data + lo * k * e, fcol, out, co);
        fg_gemm_epilogue(x->dtype, epi, out, hi - lo, nc, co, bias,
                         res ? res + (lo * co + c0) * e : NULL);
        return FG_OK;
    }
    char *rows_buf = (char *)scratch->data + (scratch->size / s->nparts) * part;
    for (int64_t p = lo; p < hi; p += tile) {
        const int64_t q = p + tile < hi ? p + tile : hi;
        char *out = (char *)y->data + (p * co + c0) * e;
        im2col(&g, x->data, e, p, q, rows_buf);
        gemm(x->dtype, q - p, nc, k, rows_buf, fcol, out, co);
        fg_gemm_epilogue(x->dtype, epi, out, q - p, nc, co, bias,
                         res ? res + (p * co + c0) * e : NULL);
    }
    return FG_OK;
}

#define COL2IM_FN(sfx, T, code)                                                              \
    static void col2im_##sfx(const geom *g, const T *cols, int64_t p0, int64_t p1, T *out)     \
    {                                                                                         \
        const int64_t krow = g->kh * g->kw * g->c;                                            \
        for (int64_t p = p0; p < p1; p++) {                                                   \
            int64_t ys, ky0, ky1, xs, kx0, kx1;                                               \
            taps(p / g->ow, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);               \
            taps(p % g->ow, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);               \
            const T *row = cols + (p - p0) * krow;                                            \
            for (int64_t ky = ky0; ky < ky1; ky++)                                            \
                for (int64_t kx = kx0; kx < kx1; kx++) {                                      \
                    T *dst = out + ((ys + ky * g->dh) * g->w + xs + kx * g->dw) * g->c;       \
                    const T *src = row + (ky * g->kw + kx) * g->c;                            \
                    for (int64_t c = 0; c < g->c; c++)                                        \
                        dst[c] += src[c];                                                     \
                }                                                                             \
        }                                                                                     \
    }
FG_FOR_FLOATS(COL2IM_FN)

int fg_k_conv2d_transpose(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const int64_t tile = s->iattr[CONV_T_TILE];
    const fg_value *x = s->in[0], *f = s->in[1], *y = s->out[0], *scratch = s->out[1];
    const int64_t cin = x->shape[3], krow = g.kh * g.kw * g.c, in_pixels = g.oh * g.ow;
    const size_t e = fg_dtype_size(y->dtype);
    if (!fg_have_gemm())
        return fg_fail(st, FG_FAILED_PRECONDITION, "%s: no BLAS was loaded for conv2d_transpose",
                       s->name);
    int64_t lo, hi;
    fg_split(g.n, part, nparts, &lo, &hi);
    char *cols = (char *)scratch->data + (scratch->size / s->nparts) * part;
    for (int64_t img = lo; img < hi; img++) {
        char *out = (char *)y->data + img * g.h * g.w * g.c * e;
        memset(out, 0, (size_t)(g.h * g.w * g.c) * e);
        for (int64_t p = 0; p < in_pixels; p += tile) {
            const int64_t q = p + tile < in_pixels ? p + tile : in_pixels;
            const char *xin = (const char *)x->data + (img * in_pixels + p) * cin * e;
            /* cols[p, (ky, kx, c)] = sum_ci x[p, ci] filter[ky, kx, c, ci] */
            if (y->dtype == FG_FLOAT32) {
                fg_gemm_f32(0, 1, q - p, krow, cin, 1.0f, (const float *)xin, cin, f->data, cin,
                            0.0f, (float *)cols, krow);
                col2im_f32(&g, (const float *)cols, p, q, (float *)out);
            } else {
                fg_gemm_f64(0, 1, q - p, krow, cin, 1.0, (const double *)xin, cin, f->data, cin,
                            0.0, (double *)cols, krow);
                col2im_f64(&g, (const double *)cols, p, q, (double *)out);
            }
        }
    }
    return FG_OK;
}

/* Pooling: the window's real pixels only, reduced per channel. */
#define POOL_FN(name, sfx, T, INIT, ACC, FINISH)                                              \
    static void name##_##sfx(const geom *g, const void *x_, void *y_, int64_t p0, int64_t p1) \
    {                                                                                         \
        const T *x = x_;                                                                      \
        T *y = y_;                                                                            \
        for (int64_t p = p0; p < p1; p++) {                                                   \
            const int64_t n = p / (g->oh * g->ow), r = p % (g->oh * g->ow);                   \
            int64_t ys, ky0, ky1, xs, kx0, kx1;                                               \
            taps(r / g->ow, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);               \
            taps(r % g->ow, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);               \
            T *out = y + p * g->c;                                                            \
            for (int64_t c = 0; c < g->c; c++)                                                \
                out[c] = INIT;                                                                \
            for (int64_t ky = ky0; ky < ky1; ky++)                                            \
                for (int64_t kx = kx0; kx < kx1; kx++) {                                      \
                    const T *in =                                                             \
                        x + ((n * g->h + ys + ky * g->dh) * g->w + xs + kx * g->dw) * g->c;   \
                    for (int64_t c = 0; c < g->c; c++)                                        \
                        ACC(out[c], in[c]);                                                   \
                }                                                                             \
            const int64_t count = (ky1 - ky0) * (kx1 - kx0);                                  \
            (void)count;                                                                      \
            for (int64_t c = 0; c < g->c; c++)                                                \
                FINISH(out[c], count);                                                        \
        }                                                                                     \
    }
#define MAX_ACC(o, v) ((o) = (v) > (o) ? (v) : (o))
#define SUM_ACC(o, v) ((o) += (v))
#define NO_FINISH(o, count) ((void)0)
#define MEAN_FINISH(o, count) ((o) = (o) / (count))
/* max_pool starts from the lowest value of T: -inf for floats, the minimum for ints. */
#define MAX_POOL_FN(sfx, T, code, name, ...) POOL_FN(name, sfx, T, fg_lowest_##sfx, MAX_ACC, NO_FINISH)
#define AVG_POOL_FN(sfx, T, code, name, ...) POOL_FN(name, sfx, T, 0, SUM_ACC, MEAN_FINISH)
typedef void (*pool_fn)(const geom *g, const void *x, void *y, int64_t p0, int64_t p1);
FG_PER_DTYPE(pool_fn, max_pool, FG_NUMERIC, MAX_POOL_FN, _)
FG_PER_DTYPE(pool_fn, avg_pool, FG_FLOATS, AVG_POOL_FN, _)

static int pool(const fg_step *s, int part, int nparts, fg_status *st, const pool_fn *fns)
{
    const geom g = read_geom(s->iattr);
    const fg_value *x = s->in[0], *y = s->out[0];
    const pool_fn f = FG_LOOKUP(fns, x->dtype);
    if (!f)
        return fg_no_kernel(s, x->dtype, st);
    int64_t lo, hi;
    fg_split(g.n * g.oh * g.ow, part, nparts, &lo, &hi);
    f(&g, x->data, y->data, lo, hi);
    return FG_OK;
}

int fg_k_max_pool(const fg_step *s, int part, int nparts, fg_status *st)
{
    return pool(s, part, nparts, st, max_pool_fns);
}

int fg_k_avg_pool(const fg_step *s, int part, int nparts, fg_status *st)
{
    return pool(s, part, nparts, st, avg_pool_fns);
}
