/* Indexing and filling kernels.
 *   gather:     in = [params, indices, axis], iattr = [outer, n, inner]: params viewed as
 *               [outer, n, inner], the output as [outer, indices.size, inner].
 *   gather_nd:  in = [params, indices]; shapes come from the values themselves.
 *   one_hot:    in = [indices, depth, on_value, off_value], iattr = [outer, depth, inner]:
 *               the output viewed as [outer, depth, inner], indices as [outer, inner].
 *   fill:       in = [dims, value]; every output element is the scalar `value`.
 *   zeros_like, ones_like: in = [x]; the output (of any dtype) is all 0 or all 1.
 *   range:      in = [start, limit, delta]; out[i] = start + i * delta.
 *   unsorted_segment_sum: in = [data, segment_ids]; data viewed as [ids.size, inner], the
 *               output as [num_segments, inner]; row i of data is added to row ids[i]
 *               (negative ids are dropped, as TF's CPU kernel).
 *   scatter_nd: in = [indices, updates]; the output (its shape from the op) viewed as
 *               [prod(shape[:K]), slice], K = indices.shape[-1]; each update slice is added
 *               at the position its index tuple names.
 *   dense_array_write: in = [buffer, written, indices, values], out = [buffer', written'],
 *               iattr = [row, grow]: a TensorArray held as a dense [size, ...] buffer and a
 *               bool mask of the rows written; each of indices (a scalar or a vector) names
 *               a row that takes the next `row` elements of values. A row out of range or
 *               written before fails (grow: the array was made with dynamic_size).
 *   dense_array_read: in = [buffer, indices], iattr = [row]: the rows `indices` names. */
#ifndef FG_INDEXING_H
#define FG_INDEXING_H
#include "axis.h"

/* one_hot's axis prefix: the depth is the axis. */
enum { ONE_HOT_DEPTH = AXIS_N };

/* dense_array_write's and dense_array_read's iattrs. */
enum { DENSE_ARRAY_ROW, DENSE_ARRAY_GROW, DENSE_ARRAY_WORDS };

#define FG_OPS_INDEXING(X) \
    X(gather) X(gather_nd) X(one_hot) X(fill) X(zeros_like) X(ones_like) X(range) \
    X(unsorted_segment_sum) X(scatter_nd) X(dense_array_write) X(dense_array_read)

#endif
