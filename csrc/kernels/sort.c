/* Sort kernels (see sort.h).
 *
 * Each row (an [n] strip of stride `inner`) keeps its k best elements in a
 * binary heap built in the output buffers themselves, worst at the root,
 * then heap-sorts them in place: O(n log k), no scratch memory, and the
 * order (value, then lower index first) is total, so the result does not
 * depend on the algorithm. A full sort is k = n.
 */
#include <math.h>

#include "sort.h"
#include "types.h"

/* -1, 0, 1 comparison of two keys; NaN is greater than any number and
 * equal to another NaN (integers never take the NaN branches). */
#define KEY_CMP(a, b) \
    (((a) != (a) || (b) != (b)) ? ((a) != (a)) - ((b) != (b)) : ((a) > (b)) - ((a) < (b)))

#define SORT_FN(sfx, T, ISFX, IT)                                                              \
    /* Whether (av, ai) comes before (bv, bi) in the output. */                                \
    static inline int before_##sfx##_##ISFX(T av, int64_t ai, T bv, int64_t bi, int desc)     \
    {                                                                                          \
        int c = KEY_CMP(av, bv);                                                               \
        if (desc)                                                                              \
            c = -c;                                                                            \
        return c < 0 || (c == 0 && ai < bi);                                                   \
    }                                                                                          \
    /* Restores the heap (worst element at the root) below position `at`. */                   \
    static void sift_##sfx##_##ISFX(T *v, IT *ix, int64_t st, int64_t at, int64_t len,       \
                                     int desc)                                                 \
    {                                                                                          \
        T tv = v[at * st];                                                                     \
        IT ti = ix[at * st];                                                                   \
        for (;;) {                                                                             \
            int64_t c = 2 * at + 1;                                                            \
            if (c >= len)                                                                      \
                break;                                                                         \
            if (c + 1 < len &&                                                                 \
                before_##sfx##_##ISFX(v[c * st], ix[c * st], v[(c + 1) * st],                  \
                                      ix[(c + 1) * st], desc))                                 \
                c++; /* the worse child */                                                     \
            if (!before_##sfx##_##ISFX(tv, ti, v[c * st], ix[c * st], desc))                   \
                break;                                                                         \
            v[at * st] = v[c * st];                                                            \
            ix[at * st] = ix[c * st];                                                          \
            at = c;                                                                            \
        }                                                                                      \
        v[at * st] = tv;                                                                       \
        ix[at * st] = ti;                                                                      \
    }                                                                                          \
    static void rows_##sfx##_##ISFX(const fg_step *s, int64_t lo, int64_t hi)                 \
    {                                                                                          \
        const int64_t n = s->iattr[AXIS_N], inner = s->iattr[AXIS_INNER];                      \
        const int64_t k = s->iattr[SORT_K];                                                    \
        const int desc = (int)s->iattr[SORT_DESCENDING];                                       \
        const T *x = (const T *)s->in[0]->data;                                                \
        T *vals = (T *)s->out[0]->data;                                                        \
        IT *idx = (IT *)s->out[1]->data;                                                       \
        for (int64_t r = lo; r < hi; r++) {                                                    \
            const int64_t o = r / inner, i = r % inner;                                        \
            const T *xr = x + o * n * inner + i;                                               \
            T *v = vals + o * k * inner + i;                                                   \
            IT *ix = idx + o * k * inner + i;                                                  \
            for (int64_t m = 0; m < k; m++) {                                                  \
                v[m * inner] = xr[m * inner];                                                  \
                ix[m * inner] = (IT)m;                                                         \
            }                                                                                  \
            for (int64_t m = k / 2; m-- > 0;)                                                  \
                sift_##sfx##_##ISFX(v, ix, inner, m, k, desc);                                 \
            for (int64_t j = k; j < n; j++) {                                                  \
                const T xv = xr[j * inner];                                                    \
                if (before_##sfx##_##ISFX(xv, j, v[0], ix[0], desc)) {                         \
                    v[0] = xv;                                                                 \
                    ix[0] = (IT)j;                                                             \
                    sift_##sfx##_##ISFX(v, ix, inner, 0, k, desc);                             \
                }                                                                              \
            }                                                                                  \
            for (int64_t end = k - 1; end > 0; end--) {                                        \
                const T tv = v[0];                                                             \
                const IT ti = ix[0];                                                           \
                v[0] = v[end * inner];                                                         \
                ix[0] = ix[end * inner];                                                       \
                v[end * inner] = tv;                                                           \
                ix[end * inner] = ti;                                                          \
                sift_##sfx##_##ISFX(v, ix, inner, 0, end, desc);                               \
            }                                                                                  \
        }                                                                                      \
    }

#define SORT_BOTH_INDEX_TYPES(sfx, T, code) SORT_FN(sfx, T, i32, int32_t) SORT_FN(sfx, T, i64, int64_t)
FG_FOR_NUMERIC(SORT_BOTH_INDEX_TYPES)

typedef void (*rows_fn)(const fg_step *s, int64_t lo, int64_t hi);
#define ROWS_ENTRY(sfx, T, code) [code] = {rows_##sfx##_i32, rows_##sfx##_i64},
static const rows_fn rows_fns[FG_DTYPE_COUNT][2] = {FG_FOR_NUMERIC(ROWS_ENTRY)};

static int run_sort(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int dtype = s->in[0]->dtype;
    const rows_fn fn = dtype >= 0 && dtype < FG_DTYPE_COUNT
                           ? rows_fns[dtype][s->out[1]->dtype == FG_INT64]
                           : NULL;
    if (fn == NULL)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no sort kernel for this dtype", s->name);
    int64_t lo, hi;
    fg_split(s->iattr[AXIS_OUTER] * s->iattr[AXIS_INNER], part, nparts, &lo, &hi);
    if (s->iattr[SORT_K] > 0 && lo < hi)
        fn(s, lo, hi);
    return FG_OK;
}

int fg_k_top_k(const fg_step *s, int part, int nparts, fg_status *st)
{
    return run_sort(s, part, nparts, st);
}

int fg_k_sort(const fg_step *s, int part, int nparts, fg_status *st)
{
    return run_sort(s, part, nparts, st);
}

static int64_t index_at(const fg_value *v, int64_t i)
{
    return v->dtype == FG_INT64 ? ((const int64_t *)v->data)[i] : ((const int32_t *)v->data)[i];
}

int fg_k_in_top_k(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    const int64_t batch = s->iattr[IN_TOP_K_BATCH], classes = s->iattr[IN_TOP_K_CLASSES];
    const float *pred = (const float *)s->in[0]->data;
    const int64_t k = index_at(s->in[2], 0);
    uint8_t *out = (uint8_t *)s->out[0]->data;
    int64_t lo, hi;
    fg_split(batch, part, nparts, &lo, &hi);
    for (int64_t b = lo; b < hi; b++) {
        const float *row = pred + b * classes;
        const int64_t target = index_at(s->in[1], b);
        int cannot_say = target < 0 || target >= classes || !isfinite(row[target]);
        int64_t more = 0;
        for (int64_t i = 0; !cannot_say && i < classes; i++) {
            if (!isfinite(row[i]))
                cannot_say = 1;
            else if (row[i] > row[target])
                more++;
        }
        out[b] = (uint8_t)(!cannot_say && more < k);
    }
    return FG_OK;
}
