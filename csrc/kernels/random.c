/* Random kernels (see random.h).
 *
 * The stream of one op in one session run:
 *   run key  = Philox_{seed}(run, seed2)            (128 bits: a 64-bit key k
 *                                                     and two counter words c)
 *   block b  = Philox_{k}(b_lo, b_hi, c2 ^ attempt, c3)   (4 x 32 random bits)
 * Output element i takes its bits from block i / PER (PER elements per block),
 * attempt 0; the truncated normal redraws a rejected element from attempts
 * 1, 2, ... of its own block and position. Shares split the blocks.
 *
 * Per-session state (the op's fg_var, int64 words, zeroed at first compile):
 *   [W_RUN] runs done, [W_DONE] shares of the current run done, [W_SEEDED]
 *   whether [W_SEED]/[W_SEED2] hold the session's seeds. An unseeded op's plan
 *   carries seeds picked when it was compiled; the first run of any plan fixes
 *   them for the session. A step in one share reserves its run with an atomic
 *   add; the shares of a split step read the counter and the last one to
 *   finish advances it, so every share of a run draws from the same run.
 *   The steps are exclusive (the executor holds the state's lock), so two
 *   split runs of one op from two threads never draw the same run. */
#include <math.h>

#include "random.h"
#include "types.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* golden ratio */
#define PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

void fg_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c0 = n0;
        c1 = (uint32_t)p1;
        c2 = n2;
        c3 = (uint32_t)p0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

enum { W_RUN, W_DONE, W_SEEDED, W_SEED, W_SEED2, W_COUNT };

/* A redrawn truncated-normal element gives up (and is 0) after this many
 * attempts; each is rejected with probability 0.0455, so this never happens. */
#define MAX_ATTEMPTS 64

typedef struct {
    uint32_t key[2];
    uint32_t c2, c3;
} stream;

typedef struct {
    int64_t seed, seed2;
} seeds;

static seeds stream_begin(const fg_step *s, int nparts, stream *g)
{
    int64_t *w = (int64_t *)((fg_var *)s->ptr)->data;
    seeds sd;
    if (__atomic_load_n(&w[W_SEEDED], __ATOMIC_ACQUIRE)) {
        sd.seed = __atomic_load_n(&w[W_SEED], __ATOMIC_RELAXED);
        sd.seed2 = __atomic_load_n(&w[W_SEED2], __ATOMIC_RELAXED);
    } else {
        sd.seed = s->iattr[RANDOM_SEED];
        sd.seed2 = s->iattr[RANDOM_SEED2];
    }
    /* One share reserves its run outright (plans of one session may run at
     * once in several threads); the shares of a split step all read the
     * counter, and the last to finish advances it (stream_end). */
    uint64_t run = nparts == 1 ? (uint64_t)__atomic_fetch_add(&w[W_RUN], 1, __ATOMIC_ACQ_REL)
                               : (uint64_t)__atomic_load_n(&w[W_RUN], __ATOMIC_ACQUIRE);
    uint64_t k = (uint64_t)sd.seed, c = (uint64_t)sd.seed2;
    const uint32_t ctr[4] = {(uint32_t)run, (uint32_t)(run >> 32), (uint32_t)c, (uint32_t)(c >> 32)};
    const uint32_t key[2] = {(uint32_t)k, (uint32_t)(k >> 32)};
    uint32_t x[4];
    fg_philox4x32_10(ctr, key, x);
    g->key[0] = x[0];
    g->key[1] = x[1];
    g->c2 = x[2];
    g->c3 = x[3];
    return sd;
}

/* Called by every share after its draws: the last one of a split step
 * advances the run counter; the first run keeps the seeds it used. */
static void stream_end(const fg_step *s, int nparts, seeds sd)
{
    int64_t *w = (int64_t *)((fg_var *)s->ptr)->data;
    if (nparts > 1 && __atomic_add_fetch(&w[W_DONE], 1, __ATOMIC_ACQ_REL) < nparts)
        return;
    if (!__atomic_load_n(&w[W_SEEDED], __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&w[W_SEED], sd.seed, __ATOMIC_RELAXED);
        __atomic_store_n(&w[W_SEED2], sd.seed2, __ATOMIC_RELAXED);
        __atomic_store_n(&w[W_SEEDED], 1, __ATOMIC_RELEASE);
    }
    if (nparts > 1) {
        __atomic_store_n(&w[W_DONE], 0, __ATOMIC_RELAXED);
        __atomic_add_fetch(&w[W_RUN], 1, __ATOMIC_RELEASE);
    }
}

static inline void draw(const stream *g, uint64_t block, uint32_t attempt, uint32_t x[4])
{
    const uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), g->c2 ^ attempt, g->c3};
    fg_philox4x32_10(ctr, g->key, x);
}

/* Blocks b .. b + LANES - 1 at attempt 0, lane by lane in each round so that
 * the compiler runs the lanes side by side (SIMD 32x32->64 multiplies). */
#define LANES 8
static void draw_lanes(const stream *g, uint64_t b, uint32_t out[LANES][4])
{
    uint32_t c0[LANES], c1[LANES], c2[LANES], c3[LANES];
    for (int l = 0; l < LANES; l++) {
        c0[l] = (uint32_t)(b + (uint64_t)l);
        c1[l] = (uint32_t)((b + (uint64_t)l) >> 32);
        c2[l] = g->c2;
        c3[l] = g->c3;
    }
    uint32_t k0 = g->key[0], k1 = g->key[1];
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        for (int l = 0; l < LANES; l++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * c0[l];
            uint64_t p1 = (uint64_t)PHILOX_M1 * c2[l];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[l] ^ k0;
            uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[l] ^ k1;
            c0[l] = n0;
            c1[l] = (uint32_t)p1;
            c2[l] = n2;
            c3[l] = (uint32_t)p0;
        }
    }
    for (int l = 0; l < LANES; l++) {
        out[l][0] = c0[l];
        out[l][1] = c1[l];
        out[l][2] = c2[l];
        out[l][3] = c3[l];
    }
}

/* for (b in [b0, b1)) { const uint32_t *x = block b, attempt 0; BODY } */
#define FOR_BLOCKS(g, b0, b1, b, x, ...)                                        \
    do {                                                                       \
        uint32_t xs_[LANES][4];                                                \
        for (int64_t c_ = (b0); c_ < (b1); c_ += LANES) {                      \
            draw_lanes((g), (uint64_t)c_, xs_);                                \
            for (int l_ = 0; l_ < LANES && c_ + l_ < (b1); l_++) {             \
                const int64_t b = c_ + l_;                                     \
                const uint32_t *x = xs_[l_];                                   \
                __VA_ARGS__                                                    \
            }                                                                  \
        }                                                                      \
    } while (0)

/* Per element type: PER_<sfx> elements per block; unit_<sfx>(x, j) the j-th
 * uniform in [0, 1); open_<sfx>(x, j) the j-th uniform in (0, 1]. */
#define PER_f32 4
#define PER_f64 2
#define BITS24(x) ((double)((x) >> 8) * 0x1p-24)
#define BITS53(x, y) ((double)((((uint64_t)(x) << 32) | (y)) >> 11) * 0x1p-53)
static inline double unit_f32(const uint32_t *x, int j) { return BITS24(x[j]); }
static inline double unit_f64(const uint32_t *x, int j) { return BITS53(x[2 * j], x[2 * j + 1]); }
static inline double open_f32(const uint32_t *x, int j) { return unit_f32(x, j) + 0x1p-24; }
static inline double open_f64(const uint32_t *x, int j) { return unit_f64(x, j) + 0x1p-53; }

#define TWO_PI 6.283185307179586476925286766559

/* Box-Muller: PER normals from one block, each pair from two uniforms, in
 * the output type's precision. */
static inline void box_muller_f32(const uint32_t *x, int p, float *z0, float *z1)
{
    float r = sqrtf(-2.0f * logf((float)open_f32(x, p)));
    float theta = (float)TWO_PI * (float)unit_f32(x, p + 1);
    *z0 = r * cosf(theta);
    *z1 = r * sinf(theta);
}
static inline void box_muller_f64(const uint32_t *x, int p, double *z0, double *z1)
{
    double r = sqrt(-2.0 * log(open_f64(x, p)));
    double theta = TWO_PI * unit_f64(x, p + 1);
    *z0 = r * cos(theta);
    *z1 = r * sin(theta);
}
#define NORMALS_FN(sfx, T, code)                                                \
    static inline void normals_##sfx(const uint32_t *x, T *z)                  \
    {                                                                          \
        for (int p = 0; p < PER_##sfx; p += 2)                                 \
            box_muller_##sfx(x, p, &z[p], &z[p + 1]);                          \
    }
FG_FOR_FLOATS(NORMALS_FN)

/* The blocks [b0, b1) of an n-element output. */
#define UNIFORM_FILL(sfx, T, code)                                             \
    static void uniform_##sfx(void *out_, int64_t n, int64_t b0, int64_t b1,   \
                              const stream *g)                                 \
    {                                                                          \
        T *out = (T *)out_;                                                    \
        FOR_BLOCKS(g, b0, b1, b, x, {                                          \
            for (int j = 0; j < PER_##sfx && b * PER_##sfx + j < n; j++)       \
                out[b * PER_##sfx + j] = (T)unit_##sfx(x, j);                  \
        });                                                                    \
    }
FG_FOR_FLOATS(UNIFORM_FILL)

#define NORMAL_FILL(sfx, T, code)                                              \
    static void normal_##sfx(void *out_, int64_t n, int64_t b0, int64_t b1,    \
                             const stream *g)                                  \
    {                                                                          \
        T *out = (T *)out_;                                                    \
        T z[PER_##sfx];                                                        \
        FOR_BLOCKS(g, b0, b1, b, x, {                                          \
            normals_##sfx(x, z);                                               \
            for (int j = 0; j < PER_##sfx && b * PER_##sfx + j < n; j++)       \
                out[b * PER_##sfx + j] = z[j];                                 \
        });                                                                    \
    }
FG_FOR_FLOATS(NORMAL_FILL)

/* |z| < 2 in the output type, as TF checks it. */
#define TRUNCATED_FILL(sfx, T, code)                                           \
    static void truncated_##sfx(void *out_, int64_t n, int64_t b0, int64_t b1, \
                                const stream *g)                               \
    {                                                                          \
        T *out = (T *)out_;                                                    \
        uint32_t again[4];                                                     \
        T z[PER_##sfx], retry[PER_##sfx];                                      \
        FOR_BLOCKS(g, b0, b1, b, x, {                                          \
            normals_##sfx(x, z);                                               \
            for (int j = 0; j < PER_##sfx && b * PER_##sfx + j < n; j++) {     \
                T v = z[j];                                                    \
                for (uint32_t a = 1; !(v < 2 && v > -2); a++) {                \
                    if (a == MAX_ATTEMPTS) {                                   \
                        v = 0;                                                 \
                        break;                                                 \
                    }                                                          \
                    draw(g, (uint64_t)b, a, again);                            \
                    normals_##sfx(again, retry);                               \
                    v = retry[j];                                              \
                }                                                              \
                out[b * PER_##sfx + j] = v;                                    \
            }                                                                  \
        });                                                                    \
    }
FG_FOR_FLOATS(TRUNCATED_FILL)

/* Integers: minval + floor(64 random bits * (maxval - minval) / 2^64), two
 * per block (a multiply, not a division; as TF's modulo, slightly biased
 * unless the range is a power of two). */

#define UNIFORM_INT_FILL(sfx, T, code, _)                                       \
    static void uniform_int_##sfx(void *out_, int64_t n, int64_t b0, int64_t b1, \
                                  const stream *g, uint64_t lo, uint64_t range) \
    {                                                                          \
        T *out = (T *)out_;                                                    \
        FOR_BLOCKS(g, b0, b1, b, x, {                                          \
            for (int j = 0; j < 2 && b * 2 + j < n; j++) {                     \
                uint64_t bits = ((uint64_t)x[2 * j] << 32) | x[2 * j + 1];      \
                out[b * 2 + j] = (T)(lo + (uint64_t)(((unsigned __int128)bits * range) >> 64)); \
            }                                                                  \
        });                                                                    \
    }
FG_WIDE_INTS(UNIFORM_INT_FILL, _)

typedef void (*fill_fn)(void *out, int64_t n, int64_t b0, int64_t b1, const stream *g);

FG_DTYPE_TABLE(fill_fn, uniform, FG_FLOATS);
FG_DTYPE_TABLE(fill_fn, normal, FG_FLOATS);
FG_DTYPE_TABLE(fill_fn, truncated, FG_FLOATS);
static const int per_block[FG_DTYPE_COUNT] = {[FG_FLOAT32] = PER_f32, [FG_FLOAT64] = PER_f64,
                                              [FG_INT32] = 2, [FG_INT64] = 2};

/* This share's blocks of out[0]. */
static void share(const fg_step *s, int part, int nparts, int64_t *b0, int64_t *b1)
{
    const fg_value *o = s->out[0];
    int per = per_block[o->dtype];
    fg_split((o->size + per - 1) / per, part, nparts, b0, b1);
}

static int fill_float(const fg_step *s, int part, int nparts, fg_status *st, const fill_fn *fns)
{
    const fg_value *o = s->out[0];
    fill_fn f = FG_LOOKUP(fns, o->dtype);
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: unsupported dtype %d", s->name, o->dtype);
    stream g;
    seeds sd = stream_begin(s, nparts, &g);
    int64_t b0, b1;
    share(s, part, nparts, &b0, &b1);
    f(o->data, o->size, b0, b1, &g);
    stream_end(s, nparts, sd);
    return FG_OK;
}

int fg_k_random_uniform(const fg_step *s, int part, int nparts, fg_status *st)
{
    return fill_float(s, part, nparts, st, uniform_fns);
}

int fg_k_random_normal(const fg_step *s, int part, int nparts, fg_status *st)
{
    return fill_float(s, part, nparts, st, normal_fns);
}

int fg_k_truncated_normal(const fg_step *s, int part, int nparts, fg_status *st)
{
    return fill_float(s, part, nparts, st, truncated_fns);
}

/* in[1], in[2]: the scalar minval and maxval, of the output's type. */
int fg_k_random_uniform_int(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *o = s->out[0];
    int64_t lo, hi;
    if (o->dtype == FG_INT32) {
        lo = *(const int32_t *)s->in[1]->data;
        hi = *(const int32_t *)s->in[2]->data;
    } else if (o->dtype == FG_INT64) {
        lo = *(const int64_t *)s->in[1]->data;
        hi = *(const int64_t *)s->in[2]->data;
    } else {
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: unsupported dtype %d", s->name, o->dtype);
    }
    /* An empty output draws nothing, so TF checks the bounds only when there are values. */
    if (o->size > 0 && lo >= hi)
        return fg_fail(st, FG_INVALID_ARGUMENT, "Need minval < maxval, got %lld >= %lld",
                       (long long)lo, (long long)hi);
    stream g;
    seeds sd = stream_begin(s, nparts, &g);
    int64_t b0, b1;
    share(s, part, nparts, &b0, &b1);
    uint64_t range = (uint64_t)hi - (uint64_t)lo;
    if (o->dtype == FG_INT32)
        uniform_int_i32(o->data, o->size, b0, b1, &g, (uint64_t)lo, range);
    else
        uniform_int_i64(o->data, o->size, b0, b1, &g, (uint64_t)lo, range);
    stream_end(s, nparts, sd);
    return FG_OK;
}

/* ---- candidate samplers (TF's range samplers) --------------------------------
 *
 * Draw t of a run takes the 64 bits of position t % 2 of block t / 2. The
 * uniform sampler maps them to [0, range_max) as RandomUniformInt does; the
 * log-uniform (Zipfian) one takes a double u in [0, 1) from their top 53
 * bits and gives floor(exp(u * log(range_max + 1))) - 1, whose probability
 * is log((v + 2) / (v + 1)) / log(range_max + 1). A unique draw rejects
 * values it already has (a hash set in the step's scratch) and counts its
 * tries: the expected count of a class of probability p is then
 * 1 - (1 - p)^tries, else p * num_sampled (TF's ExpectedCountHelper, in
 * float as TF computes it). */

/* A unique draw gives up after this many tries per sample (only a
 * log-uniform draw of nearly all of a large range comes near it). */
#define MAX_TRIES_PER_SAMPLE 100000

typedef struct {
    int log_uniform;
    int64_t range_max;
    double log_range;
} sampler;

static int64_t sampler_value(const sampler *sm, uint64_t bits)
{
    if (!sm->log_uniform)
        return (int64_t)(((unsigned __int128)bits * (uint64_t)sm->range_max) >> 64);
    double u = (double)(bits >> 11) * 0x1p-53;
    int64_t v = (int64_t)exp(u * sm->log_range) - 1;
    /* exp may round up to range_max + 1 itself. */
    return v < 0 ? 0 : v >= sm->range_max ? sm->range_max - 1 : v;
}

static float sampler_probability(const sampler *sm, int64_t v)
{
    if (!sm->log_uniform)
        return (float)(1.0 / (double)sm->range_max);
    return (float)(log(((double)v + 2.0) / ((double)v + 1.0)) / sm->log_range);
}

static float expected_count(float p, int64_t num_sampled, int64_t tries)
{
    if (tries == num_sampled)
        return p * (float)num_sampled;
    return -expm1f((float)tries * log1pf(-p));
}

/* Inserts v into the open-addressing set of `slots` (a power of two) slots
 * holding value + 1 (0 is empty); returns 1 if it was new. */
static int set_insert(int64_t *set, int64_t slots, int64_t v)
{
    uint64_t h = (uint64_t)v * 0x9E3779B97F4A7C15ull;
    for (int64_t i = (int64_t)(h >> 11) & (slots - 1);; i = (i + 1) & (slots - 1)) {
        if (set[i] == v + 1)
            return 0;
        if (set[i] == 0) {
            set[i] = v + 1;
            return 1;
        }
    }
}

static int candidate_sampler(const fg_step *s, fg_status *st, int log_uniform)
{
    const fg_value *true_classes = s->in[0];
    const fg_value *sampled = s->out[0], *true_expected = s->out[1], *sampled_expected = s->out[2];
    const int64_t num_sampled = s->iattr[SAMPLER_NUM_SAMPLED];
    const int unique = s->iattr[SAMPLER_UNIQUE] != 0;
    sampler sm = {log_uniform, s->iattr[SAMPLER_RANGE_MAX], 0.0};
    if (sm.range_max <= 0)
        return fg_fail(st, FG_INVALID_ARGUMENT, "%s: range_max must be positive", s->name);
    if (unique && num_sampled > sm.range_max)
        return fg_fail(st, FG_INVALID_ARGUMENT,
                       "Sampler's range is too small: num_sampled %lld > range_max %lld",
                       (long long)num_sampled, (long long)sm.range_max);
    sm.log_range = log((double)sm.range_max + 1.0);
    int64_t *out = (int64_t *)sampled->data;
    int64_t *set = NULL, slots = 0;
    if (unique) {
        const fg_value *scratch = s->out[3];
        slots = scratch->size / (int64_t)sizeof(int64_t);
        while (slots & (slots - 1)) /* the largest power of two that fits */
            slots &= slots - 1;
        if (slots < num_sampled + 1)
            return fg_fail(st, FG_INTERNAL, "%s: scratch of %lld slots for %lld samples", s->name,
                           (long long)slots, (long long)num_sampled);
        set = (int64_t *)scratch->data;
        for (int64_t i = 0; i < slots; i++)
            set[i] = 0;
    }
    stream g;
    seeds sd = stream_begin(s, 1, &g);
    int64_t tries = 0, got = 0;
    const int64_t max_tries = num_sampled * MAX_TRIES_PER_SAMPLE;
    uint32_t x[4];
    while (got < num_sampled) {
        if (tries >= max_tries) {
            stream_end(s, 1, sd);
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "%s: no %lld distinct candidates after %lld tries", s->name,
                           (long long)num_sampled, (long long)tries);
        }
        if ((tries & 1) == 0)
            draw(&g, (uint64_t)(tries >> 1), 0, x);
        int j = (int)(tries & 1);
        uint64_t bits = ((uint64_t)x[2 * j] << 32) | x[2 * j + 1];
        int64_t v = sampler_value(&sm, bits);
        tries++;
        if (unique && !set_insert(set, slots, v))
            continue;
        out[got++] = v;
    }
    stream_end(s, 1, sd);
    const int64_t *classes = (const int64_t *)true_classes->data;
    float *te = (float *)true_expected->data, *se = (float *)sampled_expected->data;
    for (int64_t i = 0; i < true_expected->size; i++)
        te[i] = expected_count(sampler_probability(&sm, classes[i]), num_sampled, tries);
    for (int64_t i = 0; i < num_sampled; i++)
        se[i] = expected_count(sampler_probability(&sm, out[i]), num_sampled, tries);
    return FG_OK;
}

int fg_k_uniform_candidate_sampler(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part;
    (void)nparts;
    return candidate_sampler(s, st, 0);
}

int fg_k_log_uniform_candidate_sampler(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part;
    (void)nparts;
    return candidate_sampler(s, st, 1);
}
