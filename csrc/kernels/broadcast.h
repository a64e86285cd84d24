/* Walking a broadcast output row by row.
 *
 * The compiler collapses dims and hands the kernel iattr = [ndim,
 * shape[ndim], strides of input 0[ndim], strides of input 1[ndim], ...], in
 * elements with 0 along broadcast dims. The walker visits the output's rows
 * (all dims but the last) in [lo, hi) and keeps each input's element offset.
 */
#ifndef FG_BROADCAST_H
#define FG_BROADCAST_H
#include "../fg.h"

#define FG_BCAST_MAX_IN 3

/* [BCAST_NDIM, then the shape, then each input's strides]. */
enum { BCAST_NDIM, BCAST_SHAPE };

typedef struct fg_bcast {
    int nd;
    int nin;
    const int64_t *shape;
    const int64_t *strides[FG_BCAST_MAX_IN];
    int64_t idx[FG_MAX_DIMS];
    int64_t off[FG_BCAST_MAX_IN];
    int64_t inner; /* length of the last dim */
    int64_t rows;  /* product of the other dims */
} fg_bcast;

static inline void fg_bcast_init(fg_bcast *b, const int64_t *iattr, int nin)
{
    b->nd = (int)iattr[BCAST_NDIM];
    b->nin = nin;
    b->shape = iattr + BCAST_SHAPE;
    for (int k = 0; k < nin; k++)
        b->strides[k] = iattr + BCAST_SHAPE + (int64_t)(k + 1) * b->nd;
    b->inner = b->shape[b->nd - 1];
    b->rows = 1;
    for (int d = 0; d < b->nd - 1; d++)
        b->rows *= b->shape[d];
}

/* Positions the walker at row `row`. */
static inline void fg_bcast_seek(fg_bcast *b, int64_t row)
{
    for (int k = 0; k < b->nin; k++)
        b->off[k] = 0;
    for (int d = b->nd - 2; d >= 0; d--) {
        b->idx[d] = row % b->shape[d];
        row /= b->shape[d];
        for (int k = 0; k < b->nin; k++)
            b->off[k] += b->idx[d] * b->strides[k][d];
    }
}

static inline void fg_bcast_next(fg_bcast *b)
{
    for (int d = b->nd - 2; d >= 0; d--) {
        b->idx[d]++;
        for (int k = 0; k < b->nin; k++)
            b->off[k] += b->strides[k][d];
        if (b->idx[d] < b->shape[d])
            return;
        for (int k = 0; k < b->nin; k++)
            b->off[k] -= b->shape[d] * b->strides[k][d];
        b->idx[d] = 0;
    }
}

#endif
