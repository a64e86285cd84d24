/* Array ops that move bytes. Views (reshape, expand_dims) need no kernel: the plan aliases them.
 *
 * strided_copy: out[i] = in[offset + sum_d idx_d * stride_d] (transpose, slice, strided_slice,
 *     reverse, tile, broadcast_to); iattr = [nd, elem bytes, offset, shape[nd], stride[nd]].
 * concat: each output row is the inputs' rows side by side (concat, stack);
 *     iattr = [n inputs, rows, row bytes of each input...].
 * split: the inverse of concat (split, unstack); iattr = [n outputs, rows, row bytes of each...].
 * pad: constant (in[1] is the scalar fill), reflect or symmetric padding;
 *     iattr = [nd, elem bytes, mode, in shape[nd], before[nd], after[nd]]. */
#define FG_OPS_ARRAY(X) X(copy) X(strided_copy) X(concat) X(split) X(pad)

/* pad modes (iattr[2]) */
#define FG_PAD_CONSTANT 0
#define FG_PAD_REFLECT 1
#define FG_PAD_SYMMETRIC 2
