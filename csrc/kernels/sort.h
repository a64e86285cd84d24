/* Sorting: top_k (TopKV2) and sort (values and indices along one axis).
 * iattr = [outer, n, inner, k, descending] over an [outer, n, inner] view of
 * the input; out[0] (values) and out[1] (indices, int32 or int64) are
 * [outer, k, inner]. Ties go to the lower index; NaN counts as greater than
 * every number. */
#ifndef FG_SORT_H
#define FG_SORT_H
#include "axis.h"

#define FG_OPS_SORT(X) X(top_k) X(sort) X(in_top_k)

/* in_top_k (InTopKV2): iattr = [batch, classes]; float32 predictions
 * [batch, classes], targets [batch] and k (a scalar read at run time) int32
 * or int64; out[0] bool [batch]. As TF: a target out of range, or any
 * non-finite prediction in its row, gives false; ties with the target's
 * prediction count for it. */
enum { IN_TOP_K_BATCH, IN_TOP_K_CLASSES };

enum { SORT_K = AXIS_WORDS, SORT_DESCENDING, SORT_N_IATTRS };

#endif
