/* The attribute prefix of kernels that work along one axis: the input viewed
 * as [outer, n, inner], n the axis (softmax and the cross-entropies,
 * argmax/argmin, the scans, top_k and sort, gather, one_hot). */
#ifndef FG_AXIS_H
#define FG_AXIS_H

enum { AXIS_OUTER, AXIS_N, AXIS_INNER, AXIS_WORDS };

#endif
