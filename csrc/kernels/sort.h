/* Sorting: top_k (TopKV2) and sort (values and indices along one axis).
 * iattr = [outer, n, inner, k, descending] over an [outer, n, inner] view of
 * the input; out[0] (values) and out[1] (indices, int32 or int64) are
 * [outer, k, inner]. Ties go to the lower index; NaN counts as greater than
 * every number. */
#ifndef FG_SORT_H
#define FG_SORT_H
#include "axis.h"

#define FG_OPS_SORT(X) X(top_k) X(sort)

enum { SORT_K = AXIS_WORDS, SORT_DESCENDING, SORT_N_IATTRS };

#endif
