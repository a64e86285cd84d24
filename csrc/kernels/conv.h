/* Convolutions and pooling over NHWC images.
 *
 * Every kernel here shares one geometry prefix of iattrs:
 *   [N, H, W, C, OH, OW, KH, KW, SH, SW, DH, DW, PT, PL]
 * (input dims, output size, window, strides, dilations, top/left padding;
 * the bottom/right padding follows from OH/OW), named by the CONV_* indices
 * below. Work is split over output
 * pixels (N * OH * OW), so every share writes its own rows.
 *
 * conv2d: in = [x, filter HWIO(, bias)], out = [y, scratch]; iattr adds [CO,
 *   TILE, EPILOGUE]: im2col of TILE pixels at a time into this share's slice
 *   of scratch, then one GEMM per tile. TILE = 0 marks a 1x1/stride-1
 *   unpadded conv, which is a GEMM on the input itself. EPILOGUE is the GEMM
 *   epilogue (FG_EPI_* of linalg.h), the step's last iattr.
 * depthwise_conv2d (depthwise.c): in = [x, filter [KH, KW, C, M](, bias)(, residual)],
 *   out = [y]; iattr adds [M, EPILOGUE] (as conv2d's). float32 with M = 1
 *   runs on AVX-512 or AVX2+FMA when the CPU has them (chosen at run time),
 *   its shares split (output row, channel block) units.
 * max_pool, avg_pool: in = [x], out = [y]; padding never counts (avg divides
 *   by the number of real pixels under the window, as TF does).
 * conv2d_transpose: in = [x, filter [KH, KW, C_out, C_in]], out = [y, scratch];
 *   the geometry is that of the forward conv from y to x (N, H, W, C are y's),
 *   iattr adds [TILE]. Each input pixel's GEMM row of KH KW C_out values is
 *   added into the output pixels under its window (col2im); shares split
 *   the images, whose outputs are disjoint.
 */
#ifndef FG_CONV_H
#define FG_CONV_H

/* The geometry prefix of every kernel here. */
enum {
    CONV_N, CONV_H, CONV_W, CONV_C, CONV_OH, CONV_OW, CONV_KH, CONV_KW,
    CONV_SH, CONV_SW, CONV_DH, CONV_DW, CONV_PT, CONV_PL,
    CONV_GEOM_WORDS
};
/* What each kernel adds after the geometry. */
enum { CONV2D_CO = CONV_GEOM_WORDS, CONV2D_TILE, CONV2D_EPILOGUE, CONV2D_N_IATTRS };
enum { DEPTHWISE_M = CONV_GEOM_WORDS, DEPTHWISE_EPILOGUE, DEPTHWISE_N_IATTRS };
enum { CONV_T_TILE = CONV_GEOM_WORDS, CONV_T_N_IATTRS };
enum { POOL_N_IATTRS = CONV_GEOM_WORDS };

/* Forces depthwise_conv2d's float32 ISA (0 portable, 1 AVX2+FMA, 2 AVX-512;
 * capped at what the CPU runs; -1 chooses by cpuid again), so that tests
 * reach every path on one machine; returns the level in force. */
int fg_depthwise_set_level(int level);
/* The level in force. */
int fg_depthwise_level(void);

#define FG_OPS_CONV(X) X(conv2d) X(depthwise_conv2d) X(max_pool) X(avg_pool) X(conv2d_transpose)

#endif
