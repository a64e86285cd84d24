/* Random kernels: TF's Philox4x32-10 uniform, normal, truncated normal and
 * integer uniform draws, the same numbers as TF's kernels for the same seeds
 * and runs. Every output element follows from (seed, seed2, the op's counter
 * in the session, the element's index), so any split into shares gives the
 * same values. */
#ifndef FG_KERNELS_RANDOM_H
#define FG_KERNELS_RANDOM_H

#include <stdint.h>

#define FG_OPS_RANDOM(X) X(random_uniform) X(random_normal) X(truncated_normal) X(random_uniform_int) \
    X(uniform_candidate_sampler) X(log_uniform_candidate_sampler)

/* iattr = [seed, seed2], the op's seeds as TF derives them. */
enum { RANDOM_SEED, RANDOM_SEED2, RANDOM_N_IATTRS };

/* Candidate samplers' iattr: the seeds first (as the other random ops), then
 * TF's num_sampled, unique and range_max. in[0] is true_classes (int64);
 * out[0] sampled_candidates (int64), out[1] true_expected_count and out[2]
 * sampled_expected_count (float32), out[3] the scratch of a unique draw (a
 * hash set of SAMPLER_SET_SLOTS(num_sampled) int64 slots). */
enum { SAMPLER_SEED, SAMPLER_SEED2, SAMPLER_NUM_SAMPLED, SAMPLER_UNIQUE, SAMPLER_RANGE_MAX,
       SAMPLER_N_IATTRS };

/* Philox4x32 with 10 rounds (Salmon et al., "Parallel random numbers: as easy
 * as 1, 2, 3", SC 2011): the 128-bit counter ctr under the 64-bit key key. */
void fg_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

#endif
