/* Random kernels (see random.h): TF's stateful random ops, draw for draw.
 *
 * An op's generator is TF's PhiloxRandom(seed, seed2): Philox4x32-10 under
 * the key `seed`, its 128-bit counter starting at seed2 << 64. A run of an op
 * with n outputs takes the counter as it stands and moves it on by 256 n
 * (TF's ReserveRandomOutputs(n, 256)); group g of the run's outputs (4 float
 * or int32 values, 2 double or int64 ones) comes from the output at counter
 * offset g, or, for the truncated normal, from the words starting at offset
 * 64 g PER, as TF's FillPhiloxRandom splits them. Shares split the groups.
 *
 * Per-session state (the op's fg_var, int64 words, zeroed at first compile):
 *   [W_CTR] the counter's low 64 bits, [W_DONE] shares of the current run
 *   done, [W_SEEDED] whether [W_SEED]/[W_SEED2] hold the session's seeds. An
 *   unseeded op's plan carries seeds picked when it was compiled; the first
 *   run of any plan fixes them for the session. A step in one share reserves
 *   its run with an atomic add; the shares of a split step read the counter
 *   and the last one to finish advances it, so every share of a run draws
 *   from the same run. The steps are exclusive (the executor holds the
 *   state's lock), so two split runs of one op never draw the same run. */
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

enum { W_CTR, W_DONE, W_SEEDED, W_SEED, W_SEED2, W_COUNT };

/* TF's PhiloxRandom(seed, seed2): the key is seed, the 128-bit counter
 * starts at seed2 << 64; a run of an op of n outputs takes the counter as it
 * is and moves it on by 256 n (GuardedPhiloxRandom::ReserveRandomOutputs(n,
 * 256)). The state keeps the counter's low 64 bits; a carry into seed2's
 * half would take 2^64 draws. */
typedef struct {
    uint32_t key[2];
    uint64_t lo, hi;
} gen;

typedef struct {
    int64_t seed, seed2;
} seeds;

/* Counter words a run reserves for each of its n outputs. */
#define RESERVED_PER_OUTPUT 256

static seeds stream_begin(const fg_step *s, int nparts, uint64_t reserve, gen *g)
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
    uint64_t *ctr = (uint64_t *)&w[W_CTR];
    g->lo = nparts == 1 ? __atomic_fetch_add(ctr, reserve, __ATOMIC_ACQ_REL)
                        : __atomic_load_n(ctr, __ATOMIC_ACQUIRE);
    g->hi = (uint64_t)sd.seed2;
    g->key[0] = (uint32_t)(uint64_t)sd.seed;
    g->key[1] = (uint32_t)((uint64_t)sd.seed >> 32);
    return sd;
}

/* Called by every share after its draws: the last one of a split step
 * advances the counter; the first run keeps the seeds it used. */
static void stream_end(const fg_step *s, int nparts, uint64_t reserve, seeds sd)
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
        __atomic_add_fetch((uint64_t *)&w[W_CTR], reserve, __ATOMIC_RELEASE);
    }
}

/* The output of the counter `off` past g's. */
static inline void draw(const gen *g, uint64_t off, uint32_t x[4])
{
    const uint64_t lo = g->lo + off, hi = g->hi + (lo < g->lo);
    const uint32_t ctr[4] = {(uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi, (uint32_t)(hi >> 32)};
    fg_philox4x32_10(ctr, g->key, x);
}

/* Outputs b .. b + LANES - 1, lane by lane in each round so that the
 * compiler runs the lanes side by side (SIMD 32x32->64 multiplies). */
#define LANES 8
static void draw_lanes(const gen *g, uint64_t b, uint32_t out[LANES][4])
{
    uint32_t c0[LANES], c1[LANES], c2[LANES], c3[LANES];
    for (int l = 0; l < LANES; l++) {
        const uint64_t lo = g->lo + b + (uint64_t)l, hi = g->hi + (lo < g->lo);
        c0[l] = (uint32_t)lo;
        c1[l] = (uint32_t)(lo >> 32);
        c2[l] = (uint32_t)hi;
        c3[l] = (uint32_t)(hi >> 32);
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

/* for (b in [b0, b1)) { const uint32_t *x = output b; BODY } */
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

/* TF's conversions (random_distributions.h): a float in [0, 1) from the low
 * 23 bits of a word, a double from the low 20 bits of one and all of the
 * next, as the mantissa of a number in [1, 2) less one. */
static inline float unit_f32(uint32_t x)
{
    union { uint32_t u; float f; } v = {0x3F800000u | (x & 0x7FFFFFu)};
    return v.f - 1.0f;
}
static inline double unit_f64(uint32_t x0, uint32_t x1)
{
    union { uint64_t u; double d; } v = {(1023ull << 52) | ((uint64_t)(x0 & 0xFFFFFu) << 32) | x1};
    return v.d - 1.0;
}

/* TF's Box-Muller: (sin, cos) of the angle times the radius; u1 is kept
 * above 1e-7. The float angle is computed in double and rounded, as TF's
 * `2.0f * M_PI * u` is. */
static inline void box_muller_f32(uint32_t x0, uint32_t x1, float *z0, float *z1)
{
    float u1 = unit_f32(x0);
    if (u1 < 1.0e-7f)
        u1 = 1.0e-7f;
    const float v1 = (float)(2.0 * M_PI * (double)unit_f32(x1));
    const float r = sqrtf(-2.0f * logf(u1));
    *z0 = sinf(v1) * r;
    *z1 = cosf(v1) * r;
}
static inline void box_muller_f64(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3, double *z0,
                                  double *z1)
{
    double u1 = unit_f64(x0, x1);
    if (u1 < 1.0e-7)
        u1 = 1.0e-7;
    const double v1 = 2.0 * M_PI * unit_f64(x2, x3);
    const double r = sqrt(-2.0 * log(u1));
    *z0 = sin(v1) * r;
    *z1 = cos(v1) * r;
}

/* One group of outputs (PER_<sfx> values) from one Philox output, as TF's
 * distributions give them. */
#define PER_f32 4
#define PER_f64 2
static inline void uniforms_f32(const uint32_t *x, float *z)
{
    for (int j = 0; j < 4; j++)
        z[j] = unit_f32(x[j]);
}
static inline void uniforms_f64(const uint32_t *x, double *z)
{
    z[0] = unit_f64(x[0], x[1]);
    z[1] = unit_f64(x[2], x[3]);
}
static inline void normals_f32(const uint32_t *x, float *z)
{
    box_muller_f32(x[0], x[1], &z[0], &z[1]);
    box_muller_f32(x[2], x[3], &z[2], &z[3]);
}
static inline void normals_f64(const uint32_t *x, double *z)
{
    box_muller_f64(x[0], x[1], x[2], x[3], &z[0], &z[1]);
}

/* Groups [b0, b1) of an n-element output. */
#define GROUP_FILL(kind, sfx, T)                                               \
    static void kind##_##sfx(void *out_, int64_t n, int64_t b0, int64_t b1, const gen *g) \
    {                                                                          \
        T *out = (T *)out_;                                                    \
        T z[PER_##sfx];                                                        \
        FOR_BLOCKS(g, b0, b1, b, x, {                                          \
            kind##s_##sfx(x, z);                                               \
            for (int j = 0; j < PER_##sfx && b * PER_##sfx + j < n; j++)       \
                out[b * PER_##sfx + j] = z[j];                                 \
        });                                                                    \
    }
#define UNIFORM_FILL(sfx, T, code) GROUP_FILL(uniform, sfx, T)
#define NORMAL_FILL(sfx, T, code) GROUP_FILL(normal, sfx, T)
FG_FOR_FLOATS(UNIFORM_FILL)
FG_FOR_FLOATS(NORMAL_FILL)

/* TF's SingleSampleAdapter: the words of consecutive outputs one at a time. */
typedef struct {
    const gen *g;
    uint64_t next;
    uint32_t x[4];
    int used;
} words;

static inline uint32_t next_word(words *w)
{
    if (w->used == 4) {
        draw(w->g, w->next++, w->x);
        w->used = 0;
    }
    return w->x[w->used++];
}

/* A truncated normal group draws normals until PER of them have |z| < 2,
 * from its own stretch of the counter: group b starts PER * 64 outputs in
 * (TF reserves 256 words per value). The stretch holds 128 or 256 pairs;
 * running past it (as TF would, into the next group's) takes on the order of
 * 100 rejections in a row, so the draw stops there with 0. */
#define TRUNCATED_FILL(sfx, T, code)                                           \
    static void truncated_##sfx(void *out_, int64_t n, int64_t b0, int64_t b1, const gen *g) \
    {                                                                          \
        T *out = (T *)out_;                                                    \
        for (int64_t b = b0; b < b1; b++) {                                    \
            words w = {g, (uint64_t)b * (PER_##sfx * 64), {0}, 4};             \
            T z[PER_##sfx] = {0};                                              \
            int got = 0;                                                       \
            for (int pair = 0; got < PER_##sfx && pair < PER_##sfx * 64; pair++) { \
                T v[2];                                                        \
                truncated_pair_##sfx(&w, v);                                   \
                for (int j = 0; j < 2 && got < PER_##sfx; j++)                 \
                    if (v[j] < 2 && v[j] > -2)                                 \
                        z[got++] = v[j];                                       \
            }                                                                  \
            for (int j = 0; j < PER_##sfx && b * PER_##sfx + j < n; j++)       \
                out[b * PER_##sfx + j] = z[j];                                 \
        }                                                                      \
    }
static inline void truncated_pair_f32(words *w, float v[2])
{
    const uint32_t x0 = next_word(w), x1 = next_word(w);
    box_muller_f32(x0, x1, &v[0], &v[1]);
}
static inline void truncated_pair_f64(words *w, double v[2])
{
    const uint32_t x0 = next_word(w), x1 = next_word(w), x2 = next_word(w), x3 = next_word(w);
    box_muller_f64(x0, x1, x2, x3, &v[0], &v[1]);
}
FG_FOR_FLOATS(TRUNCATED_FILL)

/* Integers: TF's minval + bits % (maxval - minval), four 32-bit values or
 * two 64-bit ones (low word first) per output: slightly biased unless the
 * range is a power of two, as TF's. */
static void uniform_int_i32(void *out_, int64_t n, int64_t b0, int64_t b1, const gen *g,
                            uint64_t lo, uint64_t range)
{
    int32_t *out = (int32_t *)out_;
    const uint32_t r = (uint32_t)range;
    FOR_BLOCKS(g, b0, b1, b, x, {
        for (int j = 0; j < 4 && b * 4 + j < n; j++)
            out[b * 4 + j] = (int32_t)((uint32_t)lo + x[j] % r);
    });
}
static void uniform_int_i64(void *out_, int64_t n, int64_t b0, int64_t b1, const gen *g,
                            uint64_t lo, uint64_t range)
{
    int64_t *out = (int64_t *)out_;
    FOR_BLOCKS(g, b0, b1, b, x, {
        for (int j = 0; j < 2 && b * 2 + j < n; j++) {
            uint64_t bits = x[2 * j] | ((uint64_t)x[2 * j + 1] << 32);
            out[b * 2 + j] = (int64_t)(lo + bits % range);
        }
    });
}

typedef void (*fill_fn)(void *out, int64_t n, int64_t b0, int64_t b1, const gen *g);

FG_DTYPE_TABLE(fill_fn, uniform, FG_FLOATS);
FG_DTYPE_TABLE(fill_fn, normal, FG_FLOATS);
FG_DTYPE_TABLE(fill_fn, truncated, FG_FLOATS);
static const int per_group[FG_DTYPE_COUNT] = {[FG_FLOAT32] = PER_f32, [FG_FLOAT64] = PER_f64,
                                              [FG_INT32] = 4, [FG_INT64] = 2};

/* This share's groups of out[0]. */
static void share(const fg_step *s, int part, int nparts, int64_t *b0, int64_t *b1)
{
    const fg_value *o = s->out[0];
    int per = per_group[o->dtype];
    fg_split((o->size + per - 1) / per, part, nparts, b0, b1);
}

static int fill_float(const fg_step *s, int part, int nparts, fg_status *st, const fill_fn *fns)
{
    const fg_value *o = s->out[0];
    fill_fn f = FG_LOOKUP(fns, o->dtype);
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: unsupported dtype %d", s->name, o->dtype);
    const uint64_t reserve = (uint64_t)o->size * RESERVED_PER_OUTPUT;
    gen g;
    seeds sd = stream_begin(s, nparts, reserve, &g);
    int64_t b0, b1;
    share(s, part, nparts, &b0, &b1);
    f(o->data, o->size, b0, b1, &g);
    stream_end(s, nparts, reserve, sd);
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
    const uint64_t reserve = (uint64_t)o->size * RESERVED_PER_OUTPUT;
    gen g;
    seeds sd = stream_begin(s, nparts, reserve, &g);
    int64_t b0, b1;
    share(s, part, nparts, &b0, &b1);
    uint64_t range = (uint64_t)hi - (uint64_t)lo;
    if (o->dtype == FG_INT32)
        uniform_int_i32(o->data, o->size, b0, b1, &g, (uint64_t)lo, range);
    else
        uniform_int_i64(o->data, o->size, b0, b1, &g, (uint64_t)lo, range);
    stream_end(s, nparts, reserve, sd);
    return FG_OK;
}

/* ---- candidate samplers (TF's range samplers) --------------------------------
 *
 * As TF's: a run reserves 2048 num_sampled words of the op's counter and
 * reads them in order (TF's SimplePhilox over ReserveSamples32), two per
 * draw. The uniform sampler takes the 64 bits (low word first) modulo
 * range_max; the log-uniform (Zipfian) one takes a double u in [0, 1) from
 * them (TF's Uint64ToDouble) and gives (floor(exp(u log1p(range_max))) - 1)
 * modulo range_max, whose probability is log((v + 2) / (v + 1)) /
 * log1p(range_max). A unique draw rejects values it already has (a hash set
 * in the step's scratch) and counts its tries: the expected count of a class
 * of probability p is then 1 - (1 - p)^tries, else p * num_sampled (TF's
 * ExpectedCountHelper, in float as TF computes it). */

/* A unique draw gives up after this many tries per sample (only a
 * log-uniform draw of nearly all of a large range comes near it). */
#define MAX_TRIES_PER_SAMPLE 100000

typedef struct {
    int log_uniform;
    int64_t range_max;
    double log_range;
} sampler;

static int64_t sampler_value(const sampler *sm, uint32_t x0, uint32_t x1)
{
    if (!sm->log_uniform)
        return (int64_t)((x0 | ((uint64_t)x1 << 32)) % (uint64_t)sm->range_max);
    const int64_t v = (int64_t)exp(unit_f64(x0, x1) * sm->log_range) - 1;
    return v % sm->range_max;
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
    sm.log_range = log1p((double)sm.range_max);
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
    const uint64_t reserve = ((uint64_t)num_sampled * 2048 + 3) / 4;
    gen g;
    seeds sd = stream_begin(s, 1, reserve, &g);
    words w = {&g, 0, {0}, 4};
    int64_t tries = 0, got = 0;
    const int64_t max_tries = num_sampled * MAX_TRIES_PER_SAMPLE;
    while (got < num_sampled) {
        if (tries >= max_tries) {
            stream_end(s, 1, reserve, sd);
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "%s: no %lld distinct candidates after %lld tries", s->name,
                           (long long)num_sampled, (long long)tries);
        }
        const uint32_t x0 = next_word(&w), x1 = next_word(&w);
        int64_t v = sampler_value(&sm, x0, x1);
        tries++;
        if (unique && !set_insert(set, slots, v))
            continue;
        out[got++] = v;
    }
    stream_end(s, 1, reserve, sd);
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
