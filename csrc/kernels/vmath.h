/* Vectorisable float32 exp, tanh and sigmoid over arrays, accurate to a few
 * ulp, with builds for AVX2+FMA and AVX-512 machines chosen at run time. libm's scalar
 * versions cannot be vectorised and cost ~10x more per element. */
#ifndef FG_VMATH_H
#define FG_VMATH_H
#include <stdint.h>

void fg_vexp_f32(const float *x, float *y, int64_t n);
void fg_vtanh_f32(const float *x, float *y, int64_t n);
void fg_vsigmoid_f32(const float *x, float *y, int64_t n);
/* The widest build this CPU runs: 0 baseline x86-64, 1 AVX2+FMA, 2 AVX-512. */
int fg_simd_level(void);
/* Caps the level every kernel dispatches on (-1 lifts the cap), so the
 * AVX2 and baseline paths run and are tested on an AVX-512 machine; call it
 * only between runs. Returns the level now in force. */
int fg_simd_set_cap(int level);

/* Function attributes for the per-CPU builds of a kernel. */
#define FG_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define FG_TARGET_AVX512                                                                    \
    __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma,prefer-vector-width=512")))

#endif
