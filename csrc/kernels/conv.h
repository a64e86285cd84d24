/* Convolutions and pooling over NHWC images.
 *
 * Every kernel here shares one geometry prefix of iattrs:
 *   [N, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, PT, PL]
 * (input dims, output size, window, strides, dilations, top/left padding;
 * the bottom/right padding follows from OH/OW). Work is split over output
 * pixels (N * OH * OW), so every share writes its own rows.
 *
 * conv2d: in = [x, filter HWIO(, bias)], out = [y, scratch]; iattr adds [CO, TILE]:
 *   im2col of TILE pixels at a time into this share's slice of scratch, then
 *   one GEMM per tile. TILE = 0 marks a 1x1/stride-1 unpadded conv, which is
 *   a GEMM on the input itself. fattr[0] is the GEMM epilogue (linalg.h).
 * depthwise_conv2d: in = [x, filter [KH, KW, C, M]], out = [y]; iattr adds [M].
 * max_pool, avg_pool: in = [x], out = [y]; padding never counts (avg divides
 *   by the number of real pixels under the window, as TF does).
 * conv2d_transpose: in = [x, filter [KH, KW, C_out, C_in]], out = [y, scratch];
 *   the geometry is that of the forward conv from y to x (N, H, W, C are y's),
 *   iattr adds [TILE]. Each input pixel's GEMM row of KH KW C_out values is
 *   added into the output pixels under its window (col2im); shares split
 *   the images, whose outputs are disjoint.
 */
#define FG_OPS_CONV(X) X(conv2d) X(depthwise_conv2d) X(max_pool) X(avg_pool) X(conv2d_transpose)
