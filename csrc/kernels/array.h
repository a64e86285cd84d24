/* Array ops that move bytes. Views (reshape, expand_dims) need no kernel: the plan aliases them.
 *
 * strided_copy: out[i] = in[offset + sum_d idx_d * stride_d] (transpose, slice, strided_slice,
 *     reverse, tile, broadcast_to); iattr = [nd, elem bytes, offset, shape[nd], stride[nd]].
 * concat: each output row is the inputs' rows side by side (concat, stack);
 *     iattr = [n inputs, rows, row bytes of each input...].
 * split: the inverse of concat (split, unstack); iattr = [n outputs, rows, row bytes of each...].
 * pad: constant (in[1] is the scalar fill), reflect or symmetric padding;
 *     iattr = [nd, elem bytes, mode, in shape[nd], before[nd], after[nd]].
 * strided_scatter: the inverse of strided_copy (StridedSliceGrad): the output is zeroed, then
 *     out[offset + sum_d idx_d * stride_d] = in[i]; the iattrs are strided_copy's.
 * mirror_pad_grad: the adjoint of reflect/symmetric pad (MirrorPadGrad): each element of the
 *     padded in[0] is added to the output element it was copied from; pad's iattrs, with the
 *     output's (unpadded) shape. */
#ifndef FG_ARRAY_H
#define FG_ARRAY_H

#define FG_OPS_ARRAY(X) X(copy) X(strided_copy) X(concat) X(split) X(pad) X(strided_scatter) \
    X(mirror_pad_grad) X(check_numerics) X(copy_n)

/* copy_n (IdentityN): out[i] = in[i] for each of the step's n_out values;
 * the shares split the bytes of all of them, taken as one run. */

/* check_numerics (CheckNumerics): out = in (float32 or float64), or TF's
 * InvalidArgumentError when in holds NaN or Inf; iattr = [message length,
 * then one message byte per word] (kernels see no strings). */
enum { CN_MSG_LEN, CN_MSG };

/* strided_copy: [SC_NDIM, SC_ELEM_BYTES, SC_OFFSET, then shape and strides]. */
enum { SC_NDIM, SC_ELEM_BYTES, SC_OFFSET, SC_SHAPE };
/* concat and split: [ROWS_PARTS, ROWS_COUNT, then the row bytes of each part]. */
enum { ROWS_PARTS, ROWS_COUNT, ROWS_BYTES };
/* pad: [PAD_NDIM, PAD_ELEM_BYTES, PAD_MODE, then in shape, before and after]. */
enum { PAD_NDIM, PAD_ELEM_BYTES, PAD_MODE, PAD_SHAPE };

/* pad modes (iattr[PAD_MODE]) */
#define FG_PAD_CONSTANT 0
#define FG_PAD_REFLECT 1
#define FG_PAD_SYMMETRIC 2

#endif
