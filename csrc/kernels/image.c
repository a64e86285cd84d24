/* Image resizing, NHWC, with TensorFlow's sampling rules.
 *
 * iattr = [align_corners, half_pixel_centers]. The input is [B, H, W, C] of any
 * numeric dtype; bilinear writes float32, nearest keeps the input dtype.
 * Work is split over the B * out_height output rows.
 */
#include <math.h>
#include <string.h>

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
#define BILINEAR_ENTRY(sfx, T, code) [code] = (bilinear_fn)bilinear_##sfx,
static const bilinear_fn bilinear_fns[FG_DTYPE_COUNT] = {FG_FOR_NUMERIC(BILINEAR_ENTRY)};

int fg_k_resize_bilinear(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    const int64_t B = x->shape[0], H = x->shape[1], W = x->shape[2], C = x->shape[3];
    const int64_t OH = o->shape[1], OW = o->shape[2];
    const int align = (int)s->iattr[0], half = (int)s->iattr[1];
    bilinear_fn f = bilinear_fns[x->dtype];
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no bilinear kernel for dtype code %d", s->name, x->dtype);
    if (o->size == 0)
        return FG_OK;
    int64_t lo, hi;
    fg_split(B * OH, part, nparts, &lo, &hi);
    f(x->data, (float *)o->data, lo, hi, H, W, C, OH, OW, resize_scale(H, OH, align),
      resize_scale(W, OW, align), half);
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
    const int align = (int)s->iattr[0], half = (int)s->iattr[1];
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
