/* Scatter updates (see scatter.h). Every share checks every index tuple
 * before it touches its rows, so a bad index fails the step in every share
 * alike and nothing is written outside the target. */
#include <stdio.h>
#include <string.h>

#include "scalar.h"
#include "scatter.h"
#include "types.h"

/* dst[k] = combine(dst[k], src[k * step]) for k in [0, n); step is 0 for a
 * scalar update. Returns nonzero on an integer division by zero. */
#define COMBINE_FN(sfx, T, code, name, ...)                                               \
    static int name##_##sfx(void *dst_, const void *src_, int64_t n, int64_t step, int mode) \
    {                                                                                     \
        T *d = (T *)dst_;                                                                 \
        const T *x = (const T *)src_;                                                     \
        switch (mode) {                                                                   \
        case SCATTER_UPDATE:                                                              \
            for (int64_t k = 0; k < n; k++)                                               \
                d[k] = x[k * step];                                                       \
            break;                                                                        \
        case SCATTER_ADD:                                                                 \
            for (int64_t k = 0; k < n; k++)                                               \
                d[k] = (T)(d[k] + x[k * step]);                                           \
            break;                                                                        \
        case SCATTER_SUB:                                                                 \
            for (int64_t k = 0; k < n; k++)                                               \
                d[k] = (T)(d[k] - x[k * step]);                                           \
            break;                                                                        \
        case SCATTER_MUL:                                                                 \
            for (int64_t k = 0; k < n; k++)                                               \
                d[k] = (T)(d[k] * x[k * step]);                                           \
            break;                                                                        \
        case SCATTER_DIV:                                                                 \
            for (int64_t k = 0; k < n; k++) {                                             \
                if ((T)0.5 == 0 && x[k * step] == 0)                                      \
                    return 1;                                                             \
                d[k] = (T)(d[k] / x[k * step]);                                           \
            }                                                                             \
            break;                                                                        \
        case SCATTER_MIN:                                                                 \
            for (int64_t k = 0; k < n; k++)                                               \
                d[k] = fg_min(d[k], x[k * step]);                                         \
            break;                                                                        \
        default:                                                                          \
            for (int64_t k = 0; k < n; k++)                                               \
                d[k] = fg_max(d[k], x[k * step]);                                         \
        }                                                                                 \
        return 0;                                                                         \
    }
typedef int (*combine_fn)(void *dst, const void *src, int64_t n, int64_t step, int mode);
FG_PER_DTYPE(combine_fn, combine, FG_NUMERIC, COMBINE_FN, _)

static int bad_index(const fg_step *s, const fg_value *target, int64_t r, int64_t depth,
                     fg_status *st)
{
    const fg_value *indices = s->in[1];
    if (s->iattr[SCATTER_FIRST_DIM]) {
        char pos[160] = "";
        size_t len = 0;
        int64_t rest = r;
        int64_t idx[FG_MAX_DIMS];
        for (int d = indices->ndim - 1; d >= 0; d--) {
            idx[d] = indices->shape[d] ? rest % indices->shape[d] : 0;
            rest = indices->shape[d] ? rest / indices->shape[d] : 0;
        }
        for (int d = 0; d < indices->ndim && len < sizeof pos; d++)
            len += (size_t)snprintf(pos + len, sizeof pos - len, "%s%lld", d ? "," : "",
                                    (long long)idx[d]);
        return fg_fail(st, FG_INVALID_ARGUMENT, "indices[%s] = %lld is not in [0, %lld)", pos,
                       (long long)fg_int_at(indices, r),
                       (long long)(target->ndim ? target->shape[0] : 0));
    }
    char tuple[192], oshape[160];
    size_t len = 0;
    tuple[0] = '\0';
    for (int64_t j = 0; j < depth && len < sizeof tuple; j++)
        len += (size_t)snprintf(tuple + len, sizeof tuple - len, "%s%lld", j ? ", " : "",
                                (long long)fg_int_at(indices, r * depth + j));
    len = (size_t)snprintf(oshape, sizeof oshape, "[");
    for (int d = 0; d < target->ndim && len < sizeof oshape; d++)
        len += (size_t)snprintf(oshape + len, sizeof oshape - len, "%s%lld", d ? "," : "",
                                (long long)target->shape[d]);
    if (len < sizeof oshape)
        snprintf(oshape + len, sizeof oshape - len, "]");
    return fg_fail(st, FG_INVALID_ARGUMENT, "indices[%lld] = [%s] does not index into shape %s",
                   (long long)r, tuple, oshape);
}

int fg_k_scatter_apply(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *src = s->in[0], *indices = s->in[1], *updates = s->in[2];
    const fg_value *out = s->out[0];
    const int mode = (int)s->iattr[SCATTER_MODE];
    const int64_t depth = s->iattr[SCATTER_DEPTH];
    if (s->iattr[SCATTER_VAR] && !((const fg_var *)s->ptr)->initialized)
        return fg_fail(st, FG_FAILED_PRECONDITION, "Attempting to use uninitialized value %s",
                       ((const fg_var *)s->ptr)->name);
    const combine_fn f = FG_LOOKUP(combine_fns, out->dtype);
    if (!f)
        return fg_no_kernel(s, out->dtype, st);
    int64_t rows = 1;
    for (int d = 0; d < depth && d < out->ndim; d++)
        rows *= out->shape[d];
    const int64_t slice = rows ? out->size / rows : 0;
    const int64_t nslices = depth ? indices->size / depth : 0;
    const size_t es = fg_dtype_size(out->dtype), row = (size_t)slice * es;
    int64_t lo, hi;
    fg_split(rows, part, nparts, &lo, &hi);
    char *dst = (char *)out->data;
    if (lo < hi && dst != (const char *)src->data)
        memcpy(dst + (size_t)lo * row, (const char *)src->data + (size_t)lo * row,
               (size_t)(hi - lo) * row);
    for (int64_t r = 0; r < nslices; r++)
        for (int64_t j = 0; j < depth; j++) {
            const int64_t k = fg_int_at(indices, r * depth + j);
            if (k < 0 || k >= out->shape[j])
                return bad_index(s, out, r, depth, st);
        }
    const int scalar = (int)s->iattr[SCATTER_SCALAR];
    const char *up = (const char *)updates->data;
    for (int64_t r = 0; r < nslices; r++) {
        int64_t off = 0;
        for (int64_t j = 0; j < depth; j++)
            off = off * out->shape[j] + fg_int_at(indices, r * depth + j);
        if (off < lo || off >= hi || !slice)
            continue;
        if (f(dst + (size_t)off * row, scalar ? up : up + (size_t)r * row, slice, scalar ? 0 : 1,
              mode))
            return fg_fail(st, FG_INVALID_ARGUMENT, "Integer division by zero");
    }
    return FG_OK;
}
