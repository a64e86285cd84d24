/* The backprops of the convolutions and poolings of conv.h, NHWC.
 *
 * Every kernel here takes the geometry prefix of conv.h (CONV_*) of the
 * forward op it differentiates: N, H, W, C are the forward input's dims, OH,
 * OW the forward output's, KH, KW its window.
 *
 * conv2d_backprop_filter: in = [x, dy], out = [dfilter HWIO, scratch]; iattr
 *   adds [CO, TILE]. Shares split the KH KW C rows of the filter; each
 *   im2cols TILE output pixels at a time (its columns only) into its slice
 *   of scratch and adds cols^T dy to its rows with one GEMM per tile.
 * depthwise_conv2d_backprop_input: in = [dy, filter [KH, KW, C, M]], out =
 *   [dx]; iattr adds [M]. Each input pixel gathers the output pixels whose
 *   windows cover it; shares split the input pixels.
 * depthwise_conv2d_backprop_filter: in = [x, dy], out = [dfilter]; iattr adds
 *   [M]. Shares split the taps.
 * max_pool_grad: in = [x, y, dy], out = [dx, scratch]. The gradient of each
 *   window goes to its first maximum in row-major tap order (a later tap
 *   wins only when strictly greater, so a NaN never takes over), as TF's CPU
 *   kernel picks it; y is not read. Shares split the images; each keeps,
 *   in its slice of scratch, KH KW int64 tap offsets, then C tap numbers
 *   (int32 for float32, int64 for float64) and C maxima so far.
 * max_pool_grad_grad: in = [x, y, ddx], out = [ddy]: each output pixel
 *   reads ddx at the first tap of its window equal to its y (0 if none), as
 *   TF's CPU kernel does; shares split the output pixels.
 * avg_pool_grad: in = [dy], out = [dx]: each window's gradient is spread
 *   evenly over its pixels inside the image; shares split the input pixels.
 */
#ifndef FG_CONV_GRAD_H
#define FG_CONV_GRAD_H

#include "conv.h"

enum { CONV_BF_CO = CONV_GEOM_WORDS, CONV_BF_TILE, CONV_BF_N_IATTRS };
enum { DEPTHWISE_B_M = CONV_GEOM_WORDS, DEPTHWISE_B_N_IATTRS };

#define FG_OPS_CONV_GRAD(X)                                                                  \
    X(conv2d_backprop_filter) X(depthwise_conv2d_backprop_input)                              \
    X(depthwise_conv2d_backprop_filter) X(max_pool_grad) X(max_pool_grad_grad) X(avg_pool_grad)

#endif
