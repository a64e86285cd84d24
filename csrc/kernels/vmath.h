/* Vectorisable float32 exp, tanh and sigmoid over arrays, accurate to a few
 * ulp, with a build for AVX2+FMA machines chosen at run time. libm's scalar
 * versions cannot be vectorised and cost ~10x more per element. */
#ifndef FG_VMATH_H
#define FG_VMATH_H
#include <stdint.h>

void fg_vexp_f32(const float *x, float *y, int64_t n);
void fg_vtanh_f32(const float *x, float *y, int64_t n);
void fg_vsigmoid_f32(const float *x, float *y, int64_t n);
/* 1 if the AVX2 build is in use (for benchmarks and tests). */
int fg_vmath_avx2(void);

#endif
