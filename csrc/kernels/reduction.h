/* Reductions. iattr = [ndim, shape[ndim], reduced[ndim]] after the compiler
 * merged neighbouring dims of the same kind; the output holds the kept dims
 * in order. argmax/argmin and the scans use [outer, n, inner] instead. */
#ifndef FG_REDUCTION_H
#define FG_REDUCTION_H
#include "axis.h"

#define FG_OPS_REDUCTION(X)                                                          \
    X(reduce_sum) X(reduce_prod) X(reduce_max) X(reduce_min) X(reduce_mean)          \
    X(reduce_all) X(reduce_any) X(argmax) X(argmin) X(cumsum) X(cumprod)

/* The reductions: [REDUCE_NDIM, then the shape, then the reduced flags]. */
enum { REDUCE_NDIM, REDUCE_SHAPE };
/* cumsum, cumprod: the axis prefix, then [exclusive, reverse]. */
enum { SCAN_EXCLUSIVE = AXIS_WORDS, SCAN_REVERSE, SCAN_N_IATTRS };

#endif
