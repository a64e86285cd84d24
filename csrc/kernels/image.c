/* Image resizing, NHWC, with TensorFlow's sampling rules.
 *
 * iattr = [align_corners, half_pixel_centers]. The input is [B, H, W, C] of any
 * numeric dtype; bilinear writes float32, nearest keeps the input dtype.
 * Work is split over the B * out_height output rows.
 */
#include <math.h>
#include <string.h>

#include "scalar.h"
#include "types.h"

/* TF's CalculateResizeScale, in float as TF computes it. */
static float resize_scale(int64_t in, int64_t out, int align_corners)
{
    return (align_corners && out > 1) ? (float)(in - 1) / (float)(out - 1) : (float)in / (float)out;
}

typedef struct {
    int64_t lo, hi;
    float lerp;
} interp;

/* Source coordinates and weight for output index i (TF's compute_interpolation_weights). */
static inline interp bilinear_at(int64_t i, float scale, int64_t in_size, int half_pixel)
{
    float in = half_pixel ? ((float)i + 0.5f) * scale - 0.5f : (float)i * scale;
    float fl = floorf(in);
    interp r;
    r.lo = (int64_t)fl > 0 ? (int64_t)fl : 0;
    r.hi = (int64_t)ceilf(in) < in_size - 1 ? (int64_t)ceilf(in) : in_size - 1;
    r.lerp = in - fl;
    return r;
}

#define LOAD_FN(sfx, T, code) \
    static inline float load_##sfx(const void *p, int64_t i) { return (float)((const T *)p)[i]; }
FG_FOR_NUMERIC(LOAD_FN)

/* Column sampling is the same for every output row: it is computed once per
 * chunk of FG_RESIZE_CHUNK output columns into a table on the stack. */
#define FG_RESIZE_CHUNK 1024

#define BILINEAR_FN(sfx, T, code)                                                            \
    static void bilinear_##sfx(const T *src, float *dst, int64_t row_lo, int64_t row_hi,     \
                               int64_t H, int64_t W, int64_t C, int64_t OH, int64_t OW,      \
                               float hs, float ws, int half_pixel)                           \
    {                                                                                        \
        int64_t xlo[FG_RESIZE_CHUNK], xhi[FG_RESIZE_CHUNK];                                  \
        float xl[FG_RESIZE_CHUNK];                                                           \
        for (int64_t x0 = 0; x0 < OW; x0 += FG_RESIZE_CHUNK) {                               \
            const int64_t nx = OW - x0 < FG_RESIZE_CHUNK ? OW - x0 : FG_RESIZE_CHUNK;        \
            for (int64_t j = 0; j < nx; j++) {                                               \
                interp ix = bilinear_at(x0 + j, ws, W, half_pixel);                          \
                xlo[j] = ix.lo * C;                                                          \
                xhi[j] = ix.hi * C;                                                          \
                xl[j] = ix.lerp;                                                             \
            }                                                                                \
            for (int64_t row = row_lo; row < row_hi; row++) {                                \
                int64_t b = row / OH, y = row % OH;                                          \
                interp iy = bilinear_at(y, hs, H, half_pixel);                               \
                const T *top = src + (b * H + iy.lo) * W * C;                                \
                const T *bot = src + (b * H + iy.hi) * W * C;                                \
                float *out = dst + (row * OW + x0) * C;                                      \
                const float yl = iy.lerp;                                                    \
                if (C == 3) {                                                                \
                    for (int64_t j = 0; j < nx; j++) {                                       \
                        const T *tl = top + xlo[j], *tr = top + xhi[j];                      \
                        const T *bl = bot + xlo[j], *br = bot + xhi[j];                      \
                        const float l = xl[j];                                               \
                        for (int c = 0; c < 3; c++) {                                        \
                            float t = (float)tl[c] + ((float)tr[c] - (float)tl[c]) * l;      \
                            float u = (float)bl[c] + ((float)br[c] - (float)bl[c]) * l;      \
                            out[3 * j + c] = t + (u - t) * yl;                               \
                        }                                                                    \
                    }                                                                        \
                    continue;                                                                \
                }                                                                            \
                for (int64_t j = 0; j < nx; j++) {                                           \
                    const T *tl = top + xlo[j], *tr = top + xhi[j];                          \
                    const T *bl = bot + xlo[j], *br = bot + xhi[j];                          \
                    const float l = xl[j];                                                   \
                    for (int64_t c = 0; c < C; c++) {                                        \
                        float t = (float)tl[c] + ((float)tr[c] - (float)tl[c]) * l;          \
                        float u = (float)bl[c] + ((float)br[c] - (float)bl[c]) * l;          \
                        out[j * C + c] = t + (u - t) * yl;                                   \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }
FG_FOR_NUMERIC(BILINEAR_FN)

typedef void (*bilinear_fn)(const void *src, float *dst, int64_t row_lo, int64_t row_hi, int64_t H,
                            int64_t W, int64_t C, int64_t OH, int64_t OW, float hs, float ws,
                            int half_pixel);
FG_DTYPE_CAST_TABLE(bilinear_fn, bilinear, FG_NUMERIC);

/* ---- bilinear fast path: uint8, 3 channels -----------------------------------
 *
 * Every output pixel reads an adjacent pair of input pixels (x, x + 1) in
 * each of its two rows, so one 8-byte load at byte 3x brings both. TF's
 * clamped pairs (x, x) are remapped: (x, x + 1) with weight 0 in the
 * interior and (W - 2, W - 1) with weight 1 at the right edge. For integers
 * below 2^24 both give exactly TF's value (a + 0 = a; a + (b - a) * 1 = b),
 * and every other pixel is computed with TF's operations in TF's order
 * (t = a + (b - a) * xl per row, then t + (u - t) * yl), unfused, so the
 * result is bit for bit the generic kernel's. SSE2 is the x86-64 baseline;
 * an AVX2 build doing two pixels per register (16-byte loads, b - a taken
 * in int32 where it is exact) is picked at run time. A vector pixel stores
 * 4 floats, the 4th overwritten by the next pixel, so the last pixel of a
 * row and those whose 16-byte load would pass the end of the row
 * (x > W - 6) take the scalar loop. */
#if defined(__x86_64__)
#include <immintrin.h>

#include "vmath.h"
#define FG_RESIZE_SIMD 1
#endif

typedef struct {
    const uint8_t *top, *bot;
    float *out;
    const int32_t *off; /* byte offset of the pair's left pixel */
    const float *w4;    /* its weight, 4 times */
    float yl;
} rgb8_row;

static void rgb8_scalar(const rgb8_row *r, int64_t j0, int64_t j1)
{
    for (int64_t j = j0; j < j1; j++) {
        const uint8_t *t = r->top + r->off[j], *b = r->bot + r->off[j];
        const float l = r->w4[4 * j];
        for (int c = 0; c < 3; c++) {
            float u = (float)t[c] + ((float)t[c + 3] - (float)t[c]) * l;
            float v = (float)b[c] + ((float)b[c + 3] - (float)b[c]) * l;
            r->out[3 * j + c] = u + (v - u) * r->yl;
        }
    }
}

#ifdef FG_RESIZE_SIMD
static inline __m128 rgb8_lerp_sse2(const uint8_t *p, __m128 l)
{
    const __m128i z = _mm_setzero_si128();
    const __m128i w = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)p), z);
    const __m128 a = _mm_cvtepi32_ps(_mm_unpacklo_epi16(w, z));
    const __m128 b = _mm_cvtepi32_ps(_mm_unpacklo_epi16(_mm_srli_si128(w, 6), z));
    return _mm_add_ps(a, _mm_mul_ps(_mm_sub_ps(b, a), l));
}

static void rgb8_sse2(const rgb8_row *r, int64_t j0, int64_t j1)
{
    /* Locals: the unaligned stores may alias anything, *r included. */
    const __m128 yl = _mm_set1_ps(r->yl);
    const uint8_t *top = r->top, *bot = r->bot;
    const int32_t *off = r->off;
    const float *w4 = r->w4;
    float *out = r->out;
    for (int64_t j = j0; j < j1; j++) {
        const __m128 l = _mm_loadu_ps(w4 + 4 * j);
        const __m128 t = rgb8_lerp_sse2(top + off[j], l);
        const __m128 b = rgb8_lerp_sse2(bot + off[j], l);
        _mm_storeu_ps(out + 3 * j, _mm_add_ps(t, _mm_mul_ps(_mm_sub_ps(b, t), yl)));
    }
}

#define RS_AVX2 __attribute__((target("avx2")))
RS_AVX2 static inline __m256 rgb8_lerp_avx2(const uint8_t *p0, const uint8_t *p1, __m256 l)
{
    /* Per 128-bit lane, from the pair's bytes a0 a1 a2 b0 b1 b2: a and b as
     * 32-bit ints (the 4th lane 0). */
    /* (-1: zero the byte.) */
    const __m256i sa = _mm256_setr_epi8(0, -1, -1, -1, 1, -1, -1, -1, 2, -1, -1, -1, -1, -1, -1,
                                        -1, 0, -1, -1, -1, 1, -1, -1, -1, 2, -1, -1, -1, -1, -1,
                                        -1, -1);
    const __m256i sb = _mm256_setr_epi8(3, -1, -1, -1, 4, -1, -1, -1, 5, -1, -1, -1, -1, -1, -1,
                                        -1, 3, -1, -1, -1, 4, -1, -1, -1, 5, -1, -1, -1, -1, -1,
                                        -1, -1);
    const __m256i q = _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)p0)),
        _mm_loadu_si128((const __m128i *)p1), 1);
    /* b - a is exact in int32 and in float, so it is taken in int32. */
    const __m256i ai = _mm256_shuffle_epi8(q, sa);
    const __m256 a = _mm256_cvtepi32_ps(ai);
    const __m256 d = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_shuffle_epi8(q, sb), ai));
    return _mm256_add_ps(a, _mm256_mul_ps(d, l));
}

RS_AVX2 static void rgb8_avx2(const rgb8_row *r, int64_t j0, int64_t j1)
{
    /* Locals: the unaligned stores may alias anything, *r included. */
    const __m256 yl = _mm256_set1_ps(r->yl);
    const uint8_t *top = r->top, *bot = r->bot;
    const int32_t *off = r->off;
    const float *w4 = r->w4;
    float *out = r->out;
    int64_t j = j0;
    for (; j + 4 <= j1; j += 4) {
        const int64_t o0 = off[j], o1 = off[j + 1], o2 = off[j + 2], o3 = off[j + 3];
        const __m256 l01 = _mm256_loadu_ps(w4 + 4 * j), l23 = _mm256_loadu_ps(w4 + 4 * j + 8);
        const __m256 t01 = rgb8_lerp_avx2(top + o0, top + o1, l01);
        const __m256 b01 = rgb8_lerp_avx2(bot + o0, bot + o1, l01);
        const __m256 t23 = rgb8_lerp_avx2(top + o2, top + o3, l23);
        const __m256 b23 = rgb8_lerp_avx2(bot + o2, bot + o3, l23);
        const __m256 v01 = _mm256_add_ps(t01, _mm256_mul_ps(_mm256_sub_ps(b01, t01), yl));
        const __m256 v23 = _mm256_add_ps(t23, _mm256_mul_ps(_mm256_sub_ps(b23, t23), yl));
        _mm_storeu_ps(out + 3 * j, _mm256_castps256_ps128(v01));
        _mm_storeu_ps(out + 3 * j + 3, _mm256_extractf128_ps(v01, 1));
        _mm_storeu_ps(out + 3 * j + 6, _mm256_castps256_ps128(v23));
        _mm_storeu_ps(out + 3 * j + 9, _mm256_extractf128_ps(v23, 1));
    }
    rgb8_sse2(r, j, j1);
}
#endif

/* The uint8 3-channel kernel; returns 0 (nothing written) where it does not
 * apply, for the generic kernel to run. */
static int bilinear_rgb8(const uint8_t *src, float *dst, int64_t row_lo, int64_t row_hi,
                         int64_t H, int64_t W, int64_t OH, int64_t OW, float hs, float ws,
                         int half_pixel)
{
    int32_t off[FG_RESIZE_CHUNK];
    float w4[4 * FG_RESIZE_CHUNK];
    if (W < 2 || 3 * W + 8 > INT32_MAX)
        return 0;
#ifdef FG_RESIZE_SIMD
    void (*simd)(const rgb8_row *, int64_t, int64_t) =
        fg_simd_level() >= 1 ? rgb8_avx2 : rgb8_sse2;
#endif
    for (int64_t x0 = 0; x0 < OW; x0 += FG_RESIZE_CHUNK) {
        const int64_t nx = OW - x0 < FG_RESIZE_CHUNK ? OW - x0 : FG_RESIZE_CHUNK;
        int64_t nvec = 0; /* pixels [0, nvec) of the chunk may use the vector loop */
        for (int64_t j = 0; j < nx; j++) {
            interp ix = bilinear_at(x0 + j, ws, W, half_pixel);
            int64_t x = ix.lo;
            float l = ix.lerp;
            if (ix.hi == ix.lo) {
                l = ix.lo == W - 1 ? 1.0f : 0.0f;
                x = ix.lo == W - 1 ? W - 2 : ix.lo;
            } else if (ix.hi != ix.lo + 1) {
                return 0;
            }
            off[j] = (int32_t)(3 * x);
            w4[4 * j] = w4[4 * j + 1] = w4[4 * j + 2] = w4[4 * j + 3] = l;
            if (x <= W - 6 && x0 + j < OW - 1)
                nvec = j + 1;
        }
        for (int64_t row = row_lo; row < row_hi; row++) {
            const int64_t b = row / OH, y = row % OH;
            const interp iy = bilinear_at(y, hs, H, half_pixel);
            const rgb8_row r = {src + (b * H + iy.lo) * W * 3, src + (b * H + iy.hi) * W * 3,
                                dst + (row * OW + x0) * 3, off, w4, iy.lerp};
#ifdef FG_RESIZE_SIMD
            simd(&r, 0, nvec);
            rgb8_scalar(&r, nvec, nx);
#else
            rgb8_scalar(&r, 0, nx);
#endif
        }
    }
    return 1;
}

int fg_k_resize_bilinear(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    const int64_t B = x->shape[0], H = x->shape[1], W = x->shape[2], C = x->shape[3];
    const int64_t OH = o->shape[1], OW = o->shape[2];
    const int align = (int)s->iattr[RESIZE_ALIGN_CORNERS], half = (int)s->iattr[RESIZE_HALF_PIXEL];
    bilinear_fn f = FG_LOOKUP(bilinear_fns, x->dtype);
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no bilinear kernel for dtype code %d", s->name, x->dtype);
    if (o->size == 0)
        return FG_OK;
    int64_t lo, hi;
    fg_split(B * OH, part, nparts, &lo, &hi);
    const float hs = resize_scale(H, OH, align), ws = resize_scale(W, OW, align);
    if (x->dtype == FG_UINT8 && C == 3 &&
        bilinear_rgb8(x->data, (float *)o->data, lo, hi, H, W, OH, OW, hs, ws, half))
        return FG_OK;
    f(x->data, (float *)o->data, lo, hi, H, W, C, OH, OW, hs, ws, half);
    return FG_OK;
}

/* TF's nearest-neighbour source index: floor (or round with align_corners) of
 * the scaled coordinate, clamped into the image. */
static inline int64_t nearest_at(int64_t i, float scale, int64_t in_size, int align, int half_pixel)
{
    float in = half_pixel ? ((float)i + 0.5f) * scale : (float)i * scale;
    int64_t j = align ? (int64_t)roundf(in) : (int64_t)floorf(in);
    if (j > in_size - 1)
        j = in_size - 1;
    if (half_pixel && j < 0)
        j = 0;
    return j;
}

int fg_k_resize_nearest(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    const int64_t H = x->shape[1], W = x->shape[2], C = x->shape[3];
    const int64_t OH = o->shape[1], OW = o->shape[2];
    const int align = (int)s->iattr[RESIZE_ALIGN_CORNERS], half = (int)s->iattr[RESIZE_HALF_PIXEL];
    const size_t px = (size_t)C * fg_dtype_size(x->dtype);
    const float hs = resize_scale(H, OH, align), ws = resize_scale(W, OW, align);
    (void)st;
    if (o->size == 0)
        return FG_OK;
    int64_t lo, hi;
    fg_split(x->shape[0] * OH, part, nparts, &lo, &hi);
    for (int64_t row = lo; row < hi; row++) {
        int64_t b = row / OH, y = row % OH;
        const char *srow = (const char *)x->data + (b * H + nearest_at(y, hs, H, align, half)) * W * px;
        char *drow = (char *)o->data + row * OW * px;
        for (int64_t xo = 0; xo < OW; xo++)
            memcpy(drow + xo * px, srow + nearest_at(xo, ws, W, align, half) * px, px);
    }
    return FG_OK;
}

/* ---- area resize --------------------------------------------------------------
 *
 * TF's ResizeArea: output pixel (y, x) is the average of the input cells that
 * the box [y*hs, (y+1)*hs) x [x*ws, (x+1)*ws) covers, each weighted by the
 * part of it inside the box. Every float operation is TF's, in its order:
 * per input row, a float sum along x (first and last cells scaled, the inner
 * ones whole), times the row's weight, added up over rows, times
 * 1 / (hs * ws). Indices past the edge are clamped as TF's Bound does. */

typedef struct {
    int64_t start, end; /* input cells [start, end) */
    float start_scale, end_scale; /* weights of cells start and end - 1 */
} area_span;

/* TF's weight of input cell v in the box [in0, in1). */
static inline float area_weight(int64_t v, float in0, float in1, float scale)
{
    if ((float)v < in0)
        return (float)(v + 1) > in1 ? scale : (float)(v + 1) - in0;
    return (float)(v + 1) > in1 ? in1 - (float)v : 1.0f;
}

static inline area_span area_at(int64_t i, float scale)
{
    const float in0 = (float)i * scale, in1 = (float)(i + 1) * scale;
    area_span r;
    r.start = (int64_t)floorf(in0);
    r.end = (int64_t)ceilf(in1);
    r.start_scale = area_weight(r.start, in0, in1, scale);
    r.end_scale = area_weight(r.end - 1, in0, in1, scale);
    return r;
}

/* Aligned corners of a one-pixel axis give scale 0, where TF's area kernel
 * (as measured against TF 2.21) samples with in / out instead. */
static inline float area_scale(int64_t in, int64_t out, int align)
{
    const float scale = resize_scale(in, out, align);
    return scale == 0.0f && in > 0 ? (float)in / (float)out : scale;
}

static inline int64_t bound(int64_t v, int64_t n) { return v < 0 ? 0 : (v > n - 1 ? n - 1 : v); }

#define AREA_FN(sfx, T, code)                                                                   \
    static void area_##sfx(const T *src, float *dst, int64_t row_lo, int64_t row_hi, int64_t H, \
                           int64_t W, int64_t C, int64_t OH, int64_t OW, float hs, float ws)    \
    {                                                                                           \
        int64_t xs[FG_RESIZE_CHUNK], xe[FG_RESIZE_CHUNK];                                       \
        float xss[FG_RESIZE_CHUNK], xes[FG_RESIZE_CHUNK];                                       \
        const float scale = (float)(1.0 / (double)(hs * ws));                                   \
        for (int64_t x0 = 0; x0 < OW; x0 += FG_RESIZE_CHUNK) {                                  \
            const int64_t nx = OW - x0 < FG_RESIZE_CHUNK ? OW - x0 : FG_RESIZE_CHUNK;           \
            for (int64_t j = 0; j < nx; j++) {                                                  \
                area_span a = area_at(x0 + j, ws);                                              \
                xs[j] = a.start, xe[j] = a.end, xss[j] = a.start_scale, xes[j] = a.end_scale;   \
            }                                                                                   \
            for (int64_t row = row_lo; row < row_hi; row++) {                                   \
                const int64_t b = row / OH, y = row % OH;                                       \
                float *out = dst + (row * OW + x0) * C;                                         \
                memset(out, 0, (size_t)(nx * C) * sizeof(float));                               \
                const float in0 = (float)y * hs, in1 = (float)(y + 1) * hs;                     \
                const int64_t y_start = (int64_t)floorf(in0), y_end = (int64_t)ceilf(in1);      \
                for (int64_t i = y_start; i < y_end; i++) {                                     \
                    const float wy = area_weight(i, in0, in1, hs);                              \
                    const T *p = src + (b * H + bound(i, H)) * W * C;                           \
                    for (int64_t j = 0; j < nx; j++) {                                          \
                        const int64_t s0 = xs[j], s1 = xe[j];                                   \
                        const T *first = p + bound(s0, W) * C, *last = p + bound(s1 - 1, W) * C; \
                        float *o = out + j * C;                                                 \
                        for (int64_t c = 0; c < C; c++) {                                       \
                            float sum = (float)first[c] * xss[j];                               \
                            if (s0 + 1 != s1) {                                                 \
                                for (int64_t v = s0 + 1; v < s1 - 1; v++)                       \
                                    sum += (float)p[bound(v, W) * C + c];                       \
                                sum += (float)last[c] * xes[j];                                 \
                            }                                                                   \
                            o[c] += sum * wy;                                                   \
                        }                                                                       \
                    }                                                                           \
                }                                                                               \
                for (int64_t k = 0; k < nx * C; k++)                                            \
                    out[k] *= scale;                                                            \
            }                                                                                   \
        }                                                                                       \
    }
FG_FOR_NUMERIC(AREA_FN)

typedef void (*area_fn)(const void *src, float *dst, int64_t row_lo, int64_t row_hi, int64_t H,
                        int64_t W, int64_t C, int64_t OH, int64_t OW, float hs, float ws);
FG_DTYPE_CAST_TABLE(area_fn, area, FG_NUMERIC);

/* iattr = [align_corners]. */
int fg_k_resize_area(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    const int64_t H = x->shape[1], W = x->shape[2], C = x->shape[3];
    const int64_t OH = o->shape[1], OW = o->shape[2];
    const int align = (int)s->iattr[RESIZE_ALIGN_CORNERS];
    area_fn f = FG_LOOKUP(area_fns, x->dtype);
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no area kernel for dtype code %d", s->name, x->dtype);
    if (o->size == 0)
        return FG_OK;
    int64_t lo, hi;
    fg_split(x->shape[0] * OH, part, nparts, &lo, &hi);
    f(x->data, (float *)o->data, lo, hi, H, W, C, OH, OW, area_scale(H, OH, align),
      area_scale(W, OW, align));
    return FG_OK;
}

/* ---- convert_image_dtype ------------------------------------------------------
 *
 * TF's convert_image_dtype, which TF builds from floordiv, multiply, clip and
 * cast, here in one pass over blocks of elements held as int64 (integer
 * inputs) or double (float inputs; exact for both float types).
 *
 * iattr = [mode, saturate, k, lo, hi]; fattr = [scale, flo, fhi].
 *   mode 0, int -> narrower int: floordiv by k, clip to [lo, hi] if saturate, cast.
 *   mode 1, int -> wider int: clip to [lo, hi] if saturate, cast, times k (wrapping).
 *   mode 2, float -> float: cast.
 *   mode 3, int -> float: cast, times scale in the output type.
 *   mode 4, float -> int: times scale in the input type, clip to [flo, fhi] if
 *           saturate, cast.
 * Casts from float to int are TF's (x86's): NaN and out-of-range values give
 * the minimum of int32 (int64 for int64), narrower types keep the low bits of
 * that int32. (TF's vectorised cast path saturates instead, so TF itself is
 * not consistent there; `saturate` is the defined way.) */
#define CID_BLOCK 256

/* A float value (held in a double) cast to integer type T (scalar.h). */
#define F_TO_INT(T, v) (sizeof(T) == 8 ? (T)fg_float_to_i64(v) : (T)fg_float_to_i32(v))

#define LOAD_I_FN(sfx, T, code)                                                      \
    static void load_i_##sfx(const void *src, int64_t n, int64_t *buf)               \
    {                                                                                \
        for (int64_t i = 0; i < n; i++)                                              \
            buf[i] = (int64_t)((const T *)src)[i];                                   \
    }                                                                                \
    static void store_i_##sfx(const int64_t *buf, int64_t n, void *dst)              \
    {                                                                                \
        for (int64_t i = 0; i < n; i++)                                              \
            ((T *)dst)[i] = (T)buf[i];                                               \
    }                                                                                \
    static void store_f_##sfx(const double *buf, int64_t n, void *dst)               \
    {                                                                                \
        for (int64_t i = 0; i < n; i++)                                              \
            ((T *)dst)[i] = F_TO_INT(T, buf[i]);                                     \
    }
FG_FOR_INTS(LOAD_I_FN)

#define LOAD_F_FN(sfx, T, code)                                                      \
    static void load_f_##sfx(const void *src, int64_t n, double *buf)                \
    {                                                                                \
        for (int64_t i = 0; i < n; i++)                                              \
            buf[i] = (double)((const T *)src)[i];                                    \
    }                                                                                \
    static void store_f_##sfx(const double *buf, int64_t n, void *dst)               \
    {                                                                                \
        for (int64_t i = 0; i < n; i++)                                              \
            ((T *)dst)[i] = (T)buf[i];                                               \
    }                                                                                \
    /* x * scale, rounded as T multiplies. */                                        \
    static void scale_f_##sfx(double *buf, int64_t n, double scale)                  \
    {                                                                                \
        for (int64_t i = 0; i < n; i++)                                              \
            buf[i] = (double)((T)buf[i] * (T)scale);                                 \
    }                                                                                \
    /* cast(int) * scale, in T. */                                                   \
    static void store_scaled_##sfx(const int64_t *buf, int64_t n, void *dst, double scale) \
    {                                                                                \
        for (int64_t i = 0; i < n; i++)                                              \
            ((T *)dst)[i] = (T)buf[i] * (T)scale;                                    \
    }
FG_FOR_FLOATS(LOAD_F_FN)

typedef void (*load_i_fn)(const void *, int64_t, int64_t *);
typedef void (*store_i_fn)(const int64_t *, int64_t, void *);
typedef void (*load_f_fn)(const void *, int64_t, double *);
typedef void (*store_f_fn)(const double *, int64_t, void *);
typedef void (*scale_f_fn)(double *, int64_t, double);
typedef void (*store_scaled_fn)(const int64_t *, int64_t, void *, double);
#define INT_ENTRIES(sfx, T, code) [code] = {load_i_##sfx, store_i_##sfx},
#define FLOAT_ENTRIES(sfx, T, code) [code] = {load_f_##sfx, scale_f_##sfx, store_scaled_##sfx},
static const struct { load_i_fn load; store_i_fn store; } int_io[FG_DTYPE_COUNT] = {FG_FOR_INTS(INT_ENTRIES)};
static const struct { load_f_fn load; scale_f_fn scale; store_scaled_fn store_scaled; }
    float_io[FG_DTYPE_COUNT] = {FG_FOR_FLOATS(FLOAT_ENTRIES)};
FG_DTYPE_TABLE(store_f_fn, store_f, FG_NUMERIC);

int fg_k_convert_image_dtype(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    const int mode = (int)s->iattr[CID_MODE], sat = (int)s->iattr[CID_SATURATE];
    const int64_t k = s->iattr[CID_K], ilo = s->iattr[CID_INT_LO], ihi = s->iattr[CID_INT_HI];
    const double scale = s->fattr[CID_SCALE], flo = s->fattr[CID_FLOAT_LO];
    const double fhi = s->fattr[CID_FLOAT_HI];
    const size_t ein = fg_dtype_size(x->dtype), eout = fg_dtype_size(o->dtype);
    const int in_int = mode == CID_INT_DOWN || mode == CID_INT_UP || mode == CID_INT_TO_FLOAT;
    if (in_int ? !int_io[x->dtype].load : !float_io[x->dtype].load)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no kernel for dtype code %d", s->name, x->dtype);
    int64_t ib[CID_BLOCK];
    double fb[CID_BLOCK];
    int64_t lo, hi;
    fg_split(o->size, part, nparts, &lo, &hi);
    for (int64_t i0 = lo; i0 < hi; i0 += CID_BLOCK) {
        const int64_t n = hi - i0 < CID_BLOCK ? hi - i0 : CID_BLOCK;
        const char *src = (const char *)x->data + i0 * ein;
        char *dst = (char *)o->data + i0 * eout;
        if (in_int) {
            int_io[x->dtype].load(src, n, ib);
            for (int64_t i = 0; i < n; i++) {
                int64_t v = ib[i];
                if (mode == CID_INT_DOWN) {
                    int64_t q = v / k;
                    v = (v % k != 0 && v < 0) ? q - 1 : q;
                }
                if (sat && mode != CID_INT_TO_FLOAT)
                    v = v < ilo ? ilo : (v > ihi ? ihi : v);
                if (mode == CID_INT_UP)
                    v = (int64_t)((uint64_t)v * (uint64_t)k);
                ib[i] = v;
            }
            if (mode == CID_INT_TO_FLOAT)
                float_io[o->dtype].store_scaled(ib, n, dst, scale);
            else
                int_io[o->dtype].store(ib, n, dst);
        } else {
            float_io[x->dtype].load(src, n, fb);
            if (mode == CID_FLOAT_TO_INT) {
                float_io[x->dtype].scale(fb, n, scale);
                if (sat)
                    for (int64_t i = 0; i < n; i++)
                        fb[i] = fb[i] < flo ? flo : (fb[i] > fhi ? fhi : fb[i]);
            }
            store_f_fns[o->dtype](fb, n, dst);
        }
    }
    return FG_OK;
}

/* ---- rgb_to_grayscale ---------------------------------------------------------
 *
 * TF converts to float32 (convert_image_dtype), takes the dot product with
 * the weights [0.2989, 0.5870, 0.1140] and converts back. fattr = [in_scale,
 * out_scale]: 1/max and max + 0.5 as float32 for integer images, 1 for floats.
 * TF's matmul sums r*w0 + g*w1 + b*w2 in that order, except that its oneDNN
 * MatMul (on by default on CPUs with VNNI/BF16/AMX) takes a dot-product path
 * of fused multiply-adds for a single pixel: iattr[GRAY_FUSED] says whether
 * TF would, decided at compile time. */
#define GRAY_FN(sfx, T, code)                                                               \
    static void gray_##sfx(const T *in, T *out, int64_t lo, int64_t hi, float sin, float sout, \
                           int fused)                                                       \
    {                                                                                       \
        const float w0 = 0.2989f, w1 = 0.5870f, w2 = 0.1140f;                               \
        for (int64_t i = lo; i < hi; i++) {                                                 \
            const float r = (float)in[3 * i] * sin, g = (float)in[3 * i + 1] * sin;         \
            const float b = (float)in[3 * i + 2] * sin;                                     \
            float y;                                                                        \
            if (fused) {                                                                    \
                y = fmaf(b, w2, fmaf(g, w1, r * w0));                                       \
            } else {                                                                        \
                y = r * w0 + g * w1;                                                        \
                y += b * w2;                                                                \
            }                                                                               \
            y *= sout;                                                                      \
            out[i] = ((T)0.5 != 0) ? (T)y : F_TO_INT(T, (double)y);                         \
        }                                                                                   \
    }
FG_FOR_NUMERIC(GRAY_FN)
typedef void (*gray_fn)(const void *, void *, int64_t, int64_t, float, float, int);
FG_DTYPE_CAST_TABLE(gray_fn, gray, FG_NUMERIC);

int fg_k_rgb_to_grayscale(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    gray_fn f = FG_LOOKUP(gray_fns, x->dtype);
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no kernel for dtype code %d", s->name, x->dtype);
    int64_t lo, hi;
    fg_split(o->size, part, nparts, &lo, &hi);
    f(x->data, o->data, lo, hi, (float)s->fattr[GRAY_IN_SCALE], (float)s->fattr[GRAY_OUT_SCALE],
      o->size == 1 && s->iattr[GRAY_FUSED]);
    return FG_OK;
}

/* ---- per_image_standardization ------------------------------------------------
 *
 * Each image (the last three dims, n elements) becomes (x - mean) /
 * max(stddev, 1/sqrt(n)) in float32, the input first cast to float32 as TF
 * does. Mean and variance are summed in double, over STD_LANES independent
 * sums so the loops pipeline. Work is split over images. */
#define STD_LANES 8
#define STD_FN(sfx, T, code)                                                                \
    static void standardize_##sfx(const T *in, float *out, int64_t img_lo, int64_t img_hi,  \
                                  int64_t n)                                                \
    {                                                                                       \
        const float min_std = 1.0f / sqrtf((float)n);                                       \
        for (int64_t b = img_lo; b < img_hi; b++) {                                         \
            const T *x = in + b * n;                                                        \
            float *y = out + b * n;                                                         \
            double acc[STD_LANES] = {0}, sum = 0, ss = 0;                                   \
            int64_t i = 0;                                                                  \
            for (; i + STD_LANES <= n; i += STD_LANES)                                      \
                for (int l = 0; l < STD_LANES; l++)                                         \
                    acc[l] += (double)(float)x[i + l];                                      \
            for (; i < n; i++)                                                              \
                sum += (double)(float)x[i];                                                 \
            for (int l = 0; l < STD_LANES; l++)                                             \
                sum += acc[l], acc[l] = 0;                                                  \
            const float mean = (float)(sum / (double)n);                                    \
            for (i = 0; i + STD_LANES <= n; i += STD_LANES)                                 \
                for (int l = 0; l < STD_LANES; l++) {                                       \
                    const double d = (double)(float)x[i + l] - (double)mean;                \
                    acc[l] += d * d;                                                        \
                }                                                                           \
            for (; i < n; i++) {                                                            \
                const double d = (double)(float)x[i] - (double)mean;                        \
                ss += d * d;                                                                \
            }                                                                               \
            for (int l = 0; l < STD_LANES; l++)                                             \
                ss += acc[l];                                                               \
            float sd = (float)sqrt(ss / (double)n);                                         \
            if (!(sd >= min_std) && sd == sd)                                               \
                sd = min_std;                                                               \
            for (i = 0; i < n; i++)                                                         \
                y[i] = ((float)x[i] - mean) / sd;                                           \
        }                                                                                   \
    }
FG_FOR_NUMERIC(STD_FN)
typedef void (*std_fn)(const void *, float *, int64_t, int64_t, int64_t);
FG_DTYPE_CAST_TABLE(std_fn, standardize, FG_NUMERIC);

/* iattr = [images, pixels per image]. */
int fg_k_per_image_standardization(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    std_fn f = FG_LOOKUP(standardize_fns, x->dtype);
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no kernel for dtype code %d", s->name, x->dtype);
    int64_t lo, hi;
    fg_split(s->iattr[STD_IMAGES], part, nparts, &lo, &hi);
    f(x->data, (float *)o->data, lo, hi, s->iattr[STD_PIXELS]);
    return FG_OK;
}

/* ---- image_window: flips, crops and pads ----------------------------------------
 *
 * out[b, y, x] = in[b, y', x'] with y' = y + dy (then H - 1 - y' if flip_y)
 * and likewise x'; zero where (y', x') falls outside the input. Pixels are
 * C elements, copied as bytes. iattr = [B, H, W, OH, OW, pixel bytes, dy, dx,
 * flip_y, flip_x]. Work is split over the B * OH output rows. */
/* n pixels of px bytes, written forward from d while read backward from s;
 * common pixel sizes get a fixed-size copy the compiler inlines. */
#define FLIP_CASE(N)                                                  \
    case N:                                                           \
        for (int64_t x = 0; x < n; x++)                               \
            memcpy(d + x * N, s - x * N, N);                          \
        return;
static void flip_row(char *d, const char *s, int64_t n, int64_t px)
{
    switch (px) {
        FLIP_CASE(1) FLIP_CASE(2) FLIP_CASE(3) FLIP_CASE(4) FLIP_CASE(6) FLIP_CASE(8)
        FLIP_CASE(12) FLIP_CASE(16) FLIP_CASE(24)
    default:
        for (int64_t x = 0; x < n; x++)
            memcpy(d + x * px, s - x * px, (size_t)px);
    }
}

int fg_k_image_window(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int64_t *a = s->iattr;
    const int64_t B = a[WIN_B], H = a[WIN_H], W = a[WIN_W], OH = a[WIN_OH], OW = a[WIN_OW];
    const int64_t px = a[WIN_PIXEL_BYTES], dy = a[WIN_DY], dx = a[WIN_DX];
    const int flip_y = (int)a[WIN_FLIP_Y], flip_x = (int)a[WIN_FLIP_X];
    const char *in = (const char *)s->in[0]->data;
    char *out = (char *)s->out[0]->data;
    (void)st;
    /* Output columns [x_lo, x_hi) read the input; the rest are zero. */
    int64_t x_lo = -dx < 0 ? 0 : -dx, x_hi = W - dx < OW ? W - dx : OW;
    if (x_hi < x_lo)
        x_hi = x_lo = 0;
    int64_t lo, hi;
    fg_split(B * OH, part, nparts, &lo, &hi);
    for (int64_t row = lo; row < hi; row++) {
        const int64_t b = row / OH, y = row % OH;
        int64_t sy = y + dy;
        char *d = out + row * OW * px;
        if (sy < 0 || sy >= H) {
            memset(d, 0, (size_t)(OW * px));
            continue;
        }
        if (flip_y)
            sy = H - 1 - sy;
        const char *srow = in + (b * H + sy) * W * px;
        memset(d, 0, (size_t)(x_lo * px));
        if (flip_x) {
            flip_row(d + x_lo * px, srow + (W - 1 - (x_lo + dx)) * px, x_hi - x_lo, px);
        } else if (x_hi > x_lo) {
            memcpy(d + x_lo * px, srow + (x_lo + dx) * px, (size_t)((x_hi - x_lo) * px));
        }
        memset(d + x_hi * px, 0, (size_t)((OW - x_hi) * px));
    }
    return FG_OK;
}

/* ---- the gradients of the bilinear and nearest resizes -------------------------
 *
 * Each resized pixel's gradient is added to the pixels it was sampled from,
 * with the forward weights (TF's ResizeBilinearGrad and
 * ResizeNearestNeighborGrad): the weight products are float, as TF's, and
 * the sums are in the output's type. A share owns whole images of the
 * batch, so the sums into one image run in one order. */

#define BILINEAR_GRAD_FN(sfx, T, code)                                                        \
    static void bilinear_grad_##sfx(const float *g, T *dst, int64_t b, int64_t H, int64_t W,   \
                                    int64_t C, int64_t OH, int64_t OW, float hs, float ws,     \
                                    int half_pixel)                                            \
    {                                                                                          \
        T *img = dst + b * H * W * C;                                                          \
        for (int64_t y = 0; y < OH; y++) {                                                     \
            const interp iy = bilinear_at(y, hs, H, half_pixel);                               \
            const float yl = iy.lerp, iyl = 1.0f - iy.lerp;                                    \
            for (int64_t x = 0; x < OW; x++) {                                                 \
                const interp ix = bilinear_at(x, ws, W, half_pixel);                           \
                const float xl = ix.lerp, ixl = 1.0f - ix.lerp;                                \
                const float *gp = g + ((b * OH + y) * OW + x) * C;                             \
                T *tl = img + (iy.lo * W + ix.lo) * C, *tr = img + (iy.lo * W + ix.hi) * C;    \
                T *bl = img + (iy.hi * W + ix.lo) * C, *br = img + (iy.hi * W + ix.hi) * C;    \
                for (int64_t c = 0; c < C; c++) {                                              \
                    tl[c] += (T)(gp[c] * iyl * ixl);                                           \
                    tr[c] += (T)(gp[c] * iyl * xl);                                            \
                    bl[c] += (T)(gp[c] * yl * ixl);                                            \
                    br[c] += (T)(gp[c] * yl * xl);                                             \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }
FG_FOR_FLOATS(BILINEAR_GRAD_FN)

int fg_k_resize_bilinear_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *g = s->in[0], *o = s->out[0];
    const int64_t B = o->shape[0], H = o->shape[1], W = o->shape[2], C = o->shape[3];
    const int64_t OH = g->shape[1], OW = g->shape[2];
    const int align = (int)s->iattr[RESIZE_ALIGN_CORNERS], half = (int)s->iattr[RESIZE_HALF_PIXEL];
    if (o->dtype != FG_FLOAT32 && o->dtype != FG_FLOAT64)
        return fg_no_kernel(s, o->dtype, st);
    int64_t lo, hi;
    fg_split(B, part, nparts, &lo, &hi);
    if (lo >= hi)
        return FG_OK;
    const size_t image = (size_t)(H * W * C) * fg_dtype_size(o->dtype);
    memset((char *)o->data + (size_t)lo * image, 0, (size_t)(hi - lo) * image);
    if (H == 0 || W == 0 || OH == 0 || OW == 0)
        return FG_OK;
    const float hs = resize_scale(H, OH, align), ws = resize_scale(W, OW, align);
    for (int64_t b = lo; b < hi; b++) {
        if (o->dtype == FG_FLOAT32)
            bilinear_grad_f32((const float *)g->data, (float *)o->data, b, H, W, C, OH, OW, hs,
                              ws, half);
        else
            bilinear_grad_f64((const float *)g->data, (double *)o->data, b, H, W, C, OH, OW, hs,
                              ws, half);
    }
    return FG_OK;
}

#define NEAREST_GRAD_FN(sfx, T, code, name, ...)                                                      \
    static void nearest_grad_##sfx(const void *src, void *dst, int64_t b, int64_t H,          \
                                   int64_t W, int64_t C, int64_t OH, int64_t OW, float hs,    \
                                   float ws, int align, int half)                             \
    {                                                                                         \
        const T *g = (const T *)src;                                                          \
        T *img = (T *)dst + b * H * W * C;                                                    \
        for (int64_t y = 0; y < OH; y++) {                                                    \
            const int64_t sy = nearest_at(y, hs, H, align, half);                             \
            for (int64_t x = 0; x < OW; x++) {                                                \
                const T *gp = g + ((b * OH + y) * OW + x) * C;                                \
                T *p = img + (sy * W + nearest_at(x, ws, W, align, half)) * C;                \
                for (int64_t c = 0; c < C; c++)                                               \
                    p[c] += gp[c];                                                            \
            }                                                                                 \
        }                                                                                     \
    }
typedef void (*nearest_grad_fn)(const void *src, void *dst, int64_t b, int64_t H, int64_t W,
                                int64_t C, int64_t OH, int64_t OW, float hs, float ws, int align,
                                int half);
FG_PER_DTYPE(nearest_grad_fn, nearest_grad, FG_NUMERIC, NEAREST_GRAD_FN, _)

int fg_k_resize_nearest_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *g = s->in[0], *o = s->out[0];
    const int64_t B = o->shape[0], H = o->shape[1], W = o->shape[2], C = o->shape[3];
    const int64_t OH = g->shape[1], OW = g->shape[2];
    const int align = (int)s->iattr[RESIZE_ALIGN_CORNERS], half = (int)s->iattr[RESIZE_HALF_PIXEL];
    const nearest_grad_fn f = FG_LOOKUP(nearest_grad_fns, o->dtype);
    if (!f)
        return fg_no_kernel(s, o->dtype, st);
    int64_t lo, hi;
    fg_split(B, part, nparts, &lo, &hi);
    if (lo >= hi)
        return FG_OK;
    const size_t image = (size_t)(H * W * C) * fg_dtype_size(o->dtype);
    memset((char *)o->data + (size_t)lo * image, 0, (size_t)(hi - lo) * image);
    if (H == 0 || W == 0 || OH == 0 || OW == 0)
        return FG_OK;
    /* TF's scales run from the resized size back to the original. */
    const float hs = resize_scale(H, OH, align), ws = resize_scale(W, OW, align);
    for (int64_t b = lo; b < hi; b++)
        f(g->data, o->data, b, H, W, C, OH, OW, hs, ws, align, half);
    return FG_OK;
}
