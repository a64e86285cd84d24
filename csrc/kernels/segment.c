/* Unsorted segment max/min/prod (see segment.h). A share owns a range of
 * output rows and walks every id once, as unsorted_segment_sum does, so each
 * row combines its data rows in id order whatever the number of shares. */
#include <float.h>
#include <stdint.h>
#include <stdio.h>

#include "scalar.h"
#include "segment.h"
#include "types.h"

#define LIMITS_u8 0, UINT8_MAX
#define LIMITS_i8 INT8_MIN, INT8_MAX
#define LIMITS_i16 INT16_MIN, INT16_MAX
#define LIMITS_i32 INT32_MIN, INT32_MAX
#define LIMITS_i64 INT64_MIN, INT64_MAX
#define LIMITS_f32 -FLT_MAX, FLT_MAX
#define LIMITS_f64 -DBL_MAX, DBL_MAX
#define LOWEST_(lo, hi) (lo)
#define HIGHEST_(lo, hi) (hi)
#define LOWEST(...) LOWEST_(__VA_ARGS__)
#define HIGHEST(...) HIGHEST_(__VA_ARGS__)

#define SEGMENT_FN(sfx, T, code, name, ...)                                                 \
    static void name##_##sfx(void *out_, const void *data_, const fg_value *ids, int64_t m,  \
                             int64_t inner, int64_t lo, int64_t hi, int mode)               \
    {                                                                                       \
        T *out = (T *)out_;                                                                 \
        const T *data = (const T *)data_;                                                   \
        const T init = mode == SEGMENT_MAX ? (T)LOWEST(LIMITS_##sfx)                        \
                       : mode == SEGMENT_MIN ? (T)HIGHEST(LIMITS_##sfx) : (T)1;             \
        for (int64_t k = lo * inner; k < hi * inner; k++)                                   \
            out[k] = init;                                                                  \
        for (int64_t i = 0; i < m; i++) {                                                   \
            const int64_t s = fg_int_at(ids, i);                                                \
            if (s < lo || s >= hi)                                                          \
                continue;                                                                   \
            T *d = out + s * inner;                                                         \
            const T *x = data + i * inner;                                                  \
            if (mode == SEGMENT_MAX)                                                        \
                for (int64_t k = 0; k < inner; k++)                                         \
                    d[k] = fg_max(d[k], x[k]);                                              \
            else if (mode == SEGMENT_MIN)                                                   \
                for (int64_t k = 0; k < inner; k++)                                         \
                    d[k] = fg_min(d[k], x[k]);                                              \
            else                                                                            \
                for (int64_t k = 0; k < inner; k++)                                         \
                    d[k] = (T)(d[k] * x[k]);                                                \
        }                                                                                   \
    }
typedef void (*segment_fn)(void *out, const void *data, const fg_value *ids, int64_t m,
                           int64_t inner, int64_t lo, int64_t hi, int mode);
FG_PER_DTYPE(segment_fn, segment, FG_NUMERIC, SEGMENT_FN, _)

int fg_k_unsorted_segment_reduce(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *data = s->in[0], *ids = s->in[1], *out = s->out[0];
    const segment_fn f = FG_LOOKUP(segment_fns, out->dtype);
    if (!f)
        return fg_no_kernel(s, out->dtype, st);
    const int64_t m = ids->size, nseg = out->ndim ? out->shape[0] : 1;
    const int64_t inner = nseg ? out->size / nseg : 0;
    for (int64_t i = 0; i < m; i++) {
        const int64_t k = fg_int_at(ids, i);
        if (k >= nseg)
            return fg_fail(st, FG_INVALID_ARGUMENT, "segment_ids[%lld] = %lld is out of range "
                           "[0, %lld)", (long long)i, (long long)k, (long long)nseg);
    }
    int64_t lo, hi;
    fg_split(nseg, part, nparts, &lo, &hi);
    if (lo < hi)
        f(out->data, data->data, ids, m, inner, lo, hi, (int)s->iattr[SEGMENT_MODE]);
    return FG_OK;
}
