/* The geometry prefix of conv.h as a struct, and the taps of one output
 * pixel: shared by conv.c and conv_grad.c only (fg_ops.h does not include
 * it, so these names stay out of the other kernels). */
#ifndef FG_CONV_GEOM_H
#define FG_CONV_GEOM_H

#include <stdint.h>

#include "conv.h"

typedef struct geom {
    int64_t n, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl;
} geom;

static inline geom read_geom(const int64_t *a)
{
    geom g = {a[CONV_N],  a[CONV_H],  a[CONV_W],  a[CONV_C],  a[CONV_OH], a[CONV_OW], a[CONV_KH],
              a[CONV_KW], a[CONV_SH], a[CONV_SW], a[CONV_DH], a[CONV_DW], a[CONV_PT], a[CONV_PL]};
    return g;
}

/* The window of output pixel (oy, ox) along one axis: the first input
 * coordinate, and the range [k0, k1) of taps that land inside the image. */
static inline void taps(int64_t o, int64_t stride, int64_t pad, int64_t dil, int64_t k,
                        int64_t size, int64_t *start, int64_t *k0, int64_t *k1)
{
    int64_t s = o * stride - pad;
    int64_t lo = s < 0 ? (-s + dil - 1) / dil : 0;
    int64_t hi = size - s <= 0 ? 0 : (size - s + dil - 1) / dil;
    *start = s;
    *k0 = lo;
    *k1 = hi < k ? hi : k;
    if (*k1 < *k0)
        *k1 = *k0;
}

#endif
