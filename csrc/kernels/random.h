/* Random kernels: counter-based (Philox4x32-10) uniform, normal, truncated
 * normal and integer uniform draws. Every output element follows from
 * (seed, seed2, the session's run counter of the op, the element's index),
 * never from sequential state, so any split into shares gives the same values. */
#ifndef FG_KERNELS_RANDOM_H
#define FG_KERNELS_RANDOM_H

#include <stdint.h>

#define FG_OPS_RANDOM(X) X(random_uniform) X(random_normal) X(truncated_normal) X(random_uniform_int)

/* iattr = [seed, seed2], the op's seeds as TF derives them. */
enum { RANDOM_SEED, RANDOM_SEED2, RANDOM_N_IATTRS };

/* Philox4x32 with 10 rounds (Salmon et al., "Parallel random numbers: as easy
 * as 1, 2, 3", SC 2011): the 128-bit counter ctr under the 64-bit key key. */
void fg_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#endif
