/* fastgraph's own float32 GEMM over a B operand packed once.
 *
 * B (a filter reshaped to [K, N], or a constant matmul operand) is packed in
 * panels of FG_GEMM_NR columns, each [1 + K][FG_GEMM_NR] floats: the bias of
 * its columns (zeros without one), then B's rows; columns past N are zero.
 * The compiler packs constant weights when a plan is compiled
 * (compiler/pack_weights.py lays them out the same way, tests check the two
 * agree); fg_gemm_pack_f32 does it in C for operands known only at run time.
 *
 * A is read through row pointers, so one micro-kernel serves plain GEMM (one
 * pointer per row of A) and indirect convolution (one pointer per row and
 * tap, KC channels each; padded taps point at a row of zeros). Micro-kernels
 * of MR x NR outputs, the epilogue applied in registers before the store:
 * AVX-512 (12 x 32), AVX2+FMA (6 x 16, twice per panel) and portable C
 * (4 x 32), chosen at run time by cpuid.
 *
 * conv2d_packed: in = [x, packed filter(, residual)], out = [y, scratch];
 *   iattr = conv.h's geometry + [CO, IM2COL, EPILOGUE] (FG_EPI_* of
 *   linalg.h; the bias is inside the packed filter). A matmul by a constant
 *   is one with the geometry of a 1x1 conv over an [1, M, 1, K] image. Each
 *   share takes a block of rows x panels of the output (2-D, so that a small
 *   image keeps every thread busy); its slice of scratch holds a zero row of
 *   C floats and the row pointers of a chunk of rows. With IM2COL (few
 *   channels, where a pointer per tap would cost as much as its few
 *   multiply-adds), the chunk's rows are first copied out whole, K floats
 *   each, after the pointers, and read as one tap.
 */
#ifndef FG_GEMM_H
#define FG_GEMM_H

#include <stdint.h>

#include "conv.h"

#define FG_GEMM_NR 32
/* The most rows a micro-kernel takes: scratch sized for it fits every ISA. */
#define FG_GEMM_MR_MAX 12

enum { GEMM_CO = CONV_GEOM_WORDS, GEMM_IM2COL, GEMM_EPILOGUE, GEMM_N_IATTRS };

#define FG_OPS_GEMM(X) X(conv2d_packed)

/* Floats of B [k, n] packed (bias row included). */
int64_t fg_gemm_packed_floats(int64_t k, int64_t n);

/* Packs b [k, n] (row stride ldb) and bias [n] (NULL: zeros) into `packed`
 * (fg_gemm_packed_floats(k, n) floats). */
void fg_gemm_pack_f32(int64_t k, int64_t n, const float *b, int64_t ldb, const float *bias,
                      float *packed);

/* The micro-kernel's rows on this CPU (the ISA in force). */
int fg_gemm_mr(void);

/* Forces the micro-kernels of one ISA: 0 portable C, 1 AVX2+FMA, 2 AVX-512
 * (capped at what the CPU has); -1 chooses by cpuid again. Returns the
 * level in force. For tests: every path on one machine. */
int fg_gemm_set_level(int level);

/* c[i, j] = act(sum_t sum_q rows[i][t][q] packed_t[q, j] + bias[j] + res[i, j])
 * for i in [0, m) and the columns of panels [p0, p1) below n, where
 * rows[(i / MR) * ntaps * MR + t * MR + i % MR] points at row i's kc values
 * of tap t (pointers of rows past m in the last tile must be readable: any
 * row's will do). `epi` is FG_EPI_* (BIAS is already in the packing; ADD
 * reads res with row stride ldc). */
void fg_gemm_indirect_f32(int64_t m, int64_t ntaps, int64_t kc, const float *const *rows,
                          const float *packed, int64_t n, int64_t p0, int64_t p1, float *c,
                          int64_t ldc, const float *res, int epi);

#endif
