/* Indexing and filling kernels (see indexing.h).
 *
 * Gathers move whole rows with memcpy, so one kernel serves every dtype;
 * one_hot and fill move elements through an unsigned type of the element's
 * size; ones_like and range are typed per dtype. Every index is checked
 * against its bound before it is used: an index out of range fails the step
 * with TF's message and nothing is read outside the params.
 */
#include <stdio.h>
#include <string.h>

#include "types.h"

/* Element types by size: one_hot and fill copy bit patterns. */
#define FOR_SIZES(X) X(1, uint8_t) X(2, uint16_t) X(4, uint32_t) X(8, uint64_t)

/* Index i of an integer tensor (any of FG_FOR_INTS), widened to int64. */
/* TF's SliceDebugString: the position of flat element `i` in `shape`
 * ("[1,2]"), or "" for a scalar shape. */
static void position(char *buf, size_t cap, const int64_t *shape, int ndim, int64_t i)
{
    int64_t idx[FG_MAX_DIMS];
    buf[0] = '\0';
    if (ndim == 0)
        return;
    for (int d = ndim - 1; d >= 0; d--) {
        idx[d] = shape[d] ? i % shape[d] : 0;
        i = shape[d] ? i / shape[d] : 0;
    }
    size_t len = 0;
    for (int d = 0; d < ndim && len < cap; d++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%lld", d ? "," : "[", (long long)idx[d]);
    if (len < cap)
        snprintf(buf + len, cap - len, "]");
}

/* TensorShape::DebugString: "[2,3]", "[]" for a scalar. */
static void shape_string(char *buf, size_t cap, const fg_value *v)
{
    size_t len = (size_t)snprintf(buf, cap, "[");
    for (int d = 0; d < v->ndim && len < cap; d++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%lld", d ? "," : "",
                                (long long)v->shape[d]);
    if (len < cap)
        snprintf(buf + len, cap - len, "]");
}

/* ---- gather --------------------------------------------------------------- */

int fg_k_gather(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *params = s->in[0], *indices = s->in[1], *out = s->out[0];
    const int64_t outer = s->iattr[AXIS_OUTER], n = s->iattr[AXIS_N], inner = s->iattr[AXIS_INNER];
    const int64_t m = indices->size;
    /* TF checks nothing when there is nothing to copy. */
    if (m == 0 || inner == 0 || outer == 0)
        return FG_OK;
    const size_t row = (size_t)inner * fg_dtype_size(out->dtype);
    const char *src = (const char *)params->data;
    char *dst = (char *)out->data;
    int64_t lo, hi;
    fg_split(outer * m, part, nparts, &lo, &hi);
    for (int64_t r = lo; r < hi; r++) {
        const int64_t o = r / m, j = r % m;
        const int64_t k = fg_int_at(indices, j);
        if (k < 0 || k >= n) {
            char pos[160];
            position(pos, sizeof pos, indices->shape, indices->ndim, j);
            return fg_fail(st, FG_INVALID_ARGUMENT, "indices%s = %lld is not in [0, %lld)", pos,
                           (long long)k, (long long)n);
        }
        memcpy(dst + (size_t)r * row, src + (size_t)(o * n + k) * row, row);
    }
    return FG_OK;
}

/* ---- gather_nd ------------------------------------------------------------ */

static int gather_nd_fail(const fg_step *s, int64_t r, int64_t depth, fg_status *st)
{
    const fg_value *params = s->in[0], *indices = s->in[1];
    char pos[160], tuple[192], pshape[160];
    position(pos, sizeof pos, indices->shape, indices->ndim - 1, r);
    size_t len = 0;
    tuple[0] = '\0';
    for (int64_t j = 0; j < depth && len < sizeof tuple; j++)
        len += (size_t)snprintf(tuple + len, sizeof tuple - len, "%s%lld", j ? ", " : "",
                                (long long)fg_int_at(indices, r * depth + j));
    shape_string(pshape, sizeof pshape, params);
    return fg_fail(st, FG_INVALID_ARGUMENT,
                   "indices%s = [%s] does not index into param shape %s, node name: %s", pos, tuple,
                   pshape, s->name);
}

int fg_k_gather_nd(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *params = s->in[0], *indices = s->in[1], *out = s->out[0];
    const int64_t depth = indices->shape[indices->ndim - 1];
    int64_t nslices = 1, slice = 1;
    for (int d = 0; d < indices->ndim - 1; d++)
        nslices *= indices->shape[d];
    for (int d = (int)depth; d < params->ndim; d++)
        slice *= params->shape[d];
    if (nslices == 0)
        return FG_OK;
    if (params->size == 0) {
        char pshape[160];
        shape_string(pshape, sizeof pshape, params);
        return fg_fail(st, FG_INVALID_ARGUMENT,
                       "Requested more than 0 entries, but params is empty.  Params shape: %s",
                       pshape);
    }
    const size_t row = (size_t)slice * fg_dtype_size(out->dtype);
    const char *src = (const char *)params->data;
    char *dst = (char *)out->data;
    int64_t lo, hi;
    fg_split(nslices, part, nparts, &lo, &hi);
    for (int64_t r = lo; r < hi; r++) {
        int64_t off = 0;
        for (int64_t j = 0; j < depth; j++) {
            const int64_t k = fg_int_at(indices, r * depth + j), dim = params->shape[j];
            if (k < 0 || k >= dim)
                return gather_nd_fail(s, r, depth, st);
            off = off * dim + k;
        }
        memcpy(dst + (size_t)r * row, src + (size_t)off * row, row);
    }
    return FG_OK;
}

/* ---- one_hot -------------------------------------------------------------- */

typedef void (*one_hot_fn)(const fg_value *indices, const void *on, const void *off, void *out,
                           int64_t lo, int64_t hi, int64_t depth, int64_t inner);

/* Output rows [lo, hi) of the [outer, depth, inner] view; row r = (o, d)
 * holds on where indices[o, i] == d. An index outside [0, depth) matches no
 * row, so its column is all off (TF's rule). */
#define ONE_HOT_FN(sz, T)                                                                    \
    static void one_hot_##sz(const fg_value *indices, const void *on_, const void *off_,     \
                             void *out_, int64_t lo, int64_t hi, int64_t depth, int64_t inner) \
    {                                                                                        \
        T on, off;                                                                           \
        memcpy(&on, on_, sizeof on);                                                         \
        memcpy(&off, off_, sizeof off);                                                      \
        T *out = (T *)out_;                                                                  \
        for (int64_t r = lo; r < hi; r++) {                                                  \
            const int64_t base = (r / depth) * inner, d = r % depth;                         \
            T *y = out + r * inner;                                                          \
            for (int64_t i = 0; i < inner; i++)                                              \
                y[i] = fg_int_at(indices, base + i) == d ? on : off;                        \
        }                                                                                    \
    }
FOR_SIZES(ONE_HOT_FN)

static one_hot_fn one_hot_for(size_t size)
{
#define ONE_HOT_CASE(sz, T) \
    case sz:                \
        return one_hot_##sz;
    switch (size) {
        FOR_SIZES(ONE_HOT_CASE)
    default:
        return NULL;
    }
#undef ONE_HOT_CASE
}

int fg_k_one_hot(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *out = s->out[0];
    const int64_t outer = s->iattr[AXIS_OUTER], depth = s->iattr[ONE_HOT_DEPTH];
    const int64_t inner = s->iattr[AXIS_INNER];
    one_hot_fn f = one_hot_for(fg_dtype_size(out->dtype));
    if (!f)
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no kernel for dtype code %d", s->name,
                       out->dtype);
    int64_t lo, hi;
    fg_split(outer * depth, part, nparts, &lo, &hi);
    if (lo < hi && inner > 0)
        f(s->in[0], s->in[2]->data, s->in[3]->data, out->data, lo, hi, depth, inner);
    return FG_OK;
}

/* ---- fill, zeros_like, ones_like ------------------------------------------ */

#define FILL_FN(sz, T)                                                                  \
    static void fill_##sz(void *out_, const void *value, int64_t lo, int64_t hi)        \
    {                                                                                   \
        T v, *out = (T *)out_;                                                          \
        memcpy(&v, value, sizeof v);                                                    \
        for (int64_t i = lo; i < hi; i++)                                               \
            out[i] = v;                                                                 \
    }
FOR_SIZES(FILL_FN)

int fg_k_fill(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *out = s->out[0];
    const void *value = s->in[1]->data;
    int64_t lo, hi;
    fg_split(out->size, part, nparts, &lo, &hi);
    if (lo >= hi)
        return FG_OK;
    switch (fg_dtype_size(out->dtype)) {
#define FILL_CASE(sz, T)                       \
    case sz:                                   \
        fill_##sz(out->data, value, lo, hi); \
        return FG_OK;
        FOR_SIZES(FILL_CASE)
#undef FILL_CASE
    default:
        return fg_fail(st, FG_UNIMPLEMENTED, "%s: no kernel for dtype code %d", s->name,
                       out->dtype);
    }
}

int fg_k_zeros_like(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *out = s->out[0];
    const size_t e = fg_dtype_size(out->dtype);
    (void)st;
    int64_t lo, hi;
    fg_split(out->size, part, nparts, &lo, &hi);
    if (lo < hi)
        memset((char *)out->data + (size_t)lo * e, 0, (size_t)(hi - lo) * e);
    return FG_OK;
}

typedef void (*ones_fn)(void *out, int64_t lo, int64_t hi);
#define ONES_FN(sfx, T, code)                                  \
    static void ones_##sfx(void *out_, int64_t lo, int64_t hi) \
    {                                                          \
        T *out = (T *)out_;                                    \
        for (int64_t i = lo; i < hi; i++)                      \
            out[i] = (T)1;                                     \
    }
FG_FOR_ALL(ONES_FN)
FG_DTYPE_TABLE(ones_fn, ones, FG_ALL);

int fg_k_ones_like(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *out = s->out[0];
    ones_fn f = FG_LOOKUP(ones_fns, out->dtype);
    if (!f)
        return fg_no_kernel(s, out->dtype, st);
    int64_t lo, hi;
    fg_split(out->size, part, nparts, &lo, &hi);
    if (lo < hi)
        f(out->data, lo, hi);
    return FG_OK;
}

/* ---- range ---------------------------------------------------------------- */

/* out[i] = start + i * delta in T (TF's CPU kernel); the compiler sized the
 * output from start, limit and delta, which it knew. Integer arithmetic
 * wraps (-fwrapv) instead of trapping. */
typedef void (*range_fn)(const void *start, const void *delta, void *out, int64_t lo, int64_t hi);
#define RANGE_FN(sfx, T, code)                                                              \
    static void range_##sfx(const void *start_, const void *delta_, void *out_, int64_t lo, \
                            int64_t hi)                                                     \
    {                                                                                       \
        const T start = *(const T *)start_, delta = *(const T *)delta_;                     \
        T *out = (T *)out_;                                                                 \
        for (int64_t i = lo; i < hi; i++)                                                   \
            out[i] = (T)(start + (T)i * delta);                                             \
    }
FG_FOR_NUMERIC(RANGE_FN)
FG_DTYPE_TABLE(range_fn, range, FG_NUMERIC);

int fg_k_range(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *out = s->out[0];
    range_fn f = FG_LOOKUP(range_fns, out->dtype);
    if (!f)
        return fg_no_kernel(s, out->dtype, st);
    int64_t lo, hi;
    fg_split(out->size, part, nparts, &lo, &hi);
    if (lo < hi)
        f(s->in[0]->data, s->in[2]->data, out->data, lo, hi);
    return FG_OK;
}

/* ---- unsorted_segment_sum and scatter_nd ----------------------------------- */

/* dst[0, n) += src[0, n), typed. */
#define ADD_ROW_FN(sfx, T, code, name, ...)                                   \
    static void name##_##sfx(void *dst, const void *src, int64_t n)           \
    {                                                                         \
        T *d = (T *)dst;                                                      \
        const T *x = (const T *)src;                                          \
        for (int64_t k = 0; k < n; k++)                                       \
            d[k] += x[k];                                                     \
    }
typedef void (*add_row_fn)(void *dst, const void *src, int64_t n);
FG_PER_DTYPE(add_row_fn, add_row, FG_NUMERIC, ADD_ROW_FN, _)

/* A share owns the output rows [lo, hi): it zeroes them, then walks every id
 * once and adds the data rows that land there. The work is linear in the
 * data (plus one pass over the ids per share) and each output row sums its
 * rows in id order, whatever the number of shares. */
int fg_k_unsorted_segment_sum(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *data = s->in[0], *ids = s->in[1], *out = s->out[0];
    const add_row_fn add = FG_LOOKUP(add_row_fns, out->dtype);
    if (!add)
        return fg_no_kernel(s, out->dtype, st);
    const int64_t m = ids->size, nseg = out->ndim ? out->shape[0] : 1;
    const int64_t inner = nseg ? out->size / nseg : 0;
    const size_t es = fg_dtype_size(out->dtype), row = (size_t)inner * es;
    int64_t lo, hi;
    fg_split(nseg, part, nparts, &lo, &hi);
    char *dst = (char *)out->data;
    const char *src = (const char *)data->data;
    if (lo < hi)
        memset(dst + (size_t)lo * row, 0, (size_t)(hi - lo) * row);
    for (int64_t i = 0; i < m; i++) {
        const int64_t k = fg_int_at(ids, i);
        if (k >= nseg) {
            char pos[160];
            position(pos, sizeof pos, ids->shape, ids->ndim, i);
            return fg_fail(st, FG_INVALID_ARGUMENT, "segment_ids%s = %lld is out of range [0, %lld)",
                           pos, (long long)k, (long long)nseg);
        }
        if (k >= lo && k < hi && inner)
            add(dst + (size_t)k * row, src + (size_t)i * row, inner);
    }
    return FG_OK;
}

static int scatter_nd_fail(const fg_step *s, int64_t r, int64_t depth, fg_status *st)
{
    const fg_value *indices = s->in[0];
    char pos[160], tuple[192], oshape[160];
    position(pos, sizeof pos, indices->shape, indices->ndim - 1, r);
    size_t len = 0;
    tuple[0] = '\0';
    for (int64_t j = 0; j < depth && len < sizeof tuple; j++)
        len += (size_t)snprintf(tuple + len, sizeof tuple - len, "%s%lld", j ? ", " : "",
                                (long long)fg_int_at(indices, r * depth + j));
    shape_string(oshape, sizeof oshape, s->out[0]);
    return fg_fail(st, FG_INVALID_ARGUMENT, "indices%s = [%s] does not index into shape %s", pos,
                   tuple, oshape);
}

/* Shares own ranges of the output's [prod(shape[:K]), slice] rows, as in
 * unsorted_segment_sum; every share checks every index tuple. */
int fg_k_scatter_nd(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *indices = s->in[0], *updates = s->in[1], *out = s->out[0];
    const add_row_fn add = FG_LOOKUP(add_row_fns, out->dtype);
    if (!add)
        return fg_no_kernel(s, out->dtype, st);
    const int64_t depth = indices->ndim ? indices->shape[indices->ndim - 1] : 0;
    int64_t nslices = 1, rows = 1;
    for (int d = 0; d < indices->ndim - 1; d++)
        nslices *= indices->shape[d];
    for (int d = 0; d < depth && d < out->ndim; d++)
        rows *= out->shape[d];
    const int64_t slice = rows ? out->size / rows : 0;
    const size_t es = fg_dtype_size(out->dtype), row = (size_t)slice * es;
    int64_t lo, hi;
    fg_split(rows, part, nparts, &lo, &hi);
    char *dst = (char *)out->data;
    const char *src = (const char *)updates->data;
    if (lo < hi)
        memset(dst + (size_t)lo * row, 0, (size_t)(hi - lo) * row);
    for (int64_t r = 0; r < nslices; r++) {
        int64_t off = 0;
        for (int64_t j = 0; j < depth; j++) {
            const int64_t k = fg_int_at(indices, r * depth + j), dim = out->shape[j];
            if (k < 0 || k >= dim)
                return scatter_nd_fail(s, r, depth, st);
            off = off * dim + k;
        }
        if (off >= lo && off < hi && slice)
            add(dst + (size_t)off * row, src + (size_t)r * row, slice);
    }
    return FG_OK;
}

/* ---- dense TensorArrays ---------------------------------------------------- */

int fg_k_dense_array_write(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)nparts;
    if (part != 0)
        return FG_OK;
    const fg_value *buf = s->in[0], *written = s->in[1], *indices = s->in[2], *vals = s->in[3];
    fg_value *out = s->out[0], *out_written = s->out[1];
    const int64_t n = written->size;
    const size_t row = (size_t)s->iattr[DENSE_ARRAY_ROW] * fg_dtype_size(buf->dtype);
    if (out->data != buf->data)
        memcpy(out->data, buf->data, (size_t)buf->size * fg_dtype_size(buf->dtype));
    if (out_written->data != written->data)
        memcpy(out_written->data, written->data, (size_t)n);
    uint8_t *mark = (uint8_t *)out_written->data;
    const char *src = (const char *)vals->data;
    char *dst = (char *)out->data;
    for (int64_t j = 0; j < indices->size; j++) {
        const int64_t k = fg_int_at(indices, j);
        if (k < 0 || k >= n) {
            if (s->iattr[DENSE_ARRAY_GROW])
                return fg_fail(st, FG_UNIMPLEMENTED,
                               "Tried to write to index %lld of a dynamic_size TensorArray of "
                               "size %lld inside a while_loop; fastgraph keeps a TensorArray's "
                               "size in a loop (give it a size covering every write)",
                               (long long)k, (long long)n);
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "Tried to write to index %lld but array is not resizeable and size "
                           "is: %lld", (long long)k, (long long)n);
        }
        if (mark[k])
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "Could not write to TensorArray index %lld because it has already "
                           "been written to.", (long long)k);
        mark[k] = 1;
        memcpy(dst + (size_t)k * row, src + (size_t)j * row, row);
    }
    return FG_OK;
}

int fg_k_dense_array_read(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *buf = s->in[0], *indices = s->in[1], *out = s->out[0];
    const int64_t n = buf->ndim ? buf->shape[0] : 0;
    const size_t row = (size_t)s->iattr[DENSE_ARRAY_ROW] * fg_dtype_size(buf->dtype);
    const char *src = (const char *)buf->data;
    char *dst = (char *)out->data;
    int64_t lo, hi;
    fg_split(indices->size, part, nparts, &lo, &hi);
    for (int64_t j = lo; j < hi; j++) {
        const int64_t k = fg_int_at(indices, j);
        if (k < 0 || k >= n)
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "Tried to read from index %lld but array size is: %lld", (long long)k,
                           (long long)n);
        memcpy(dst + (size_t)j * row, src + (size_t)k * row, row);
    }
    return FG_OK;
}
