/* Reduction kernels (see reduction.h).
 *
 * The common shapes take fast paths: one reduced group at the end (each
 * output is a contiguous row) or in the middle (each output row accumulates
 * rows of the input, vectorisable). Anything else walks the reduced index
 * space per output element. float32 sums accumulate in double, so results
 * are at least as accurate as TF's tree reduction.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "scalar.h"
#include "types.h"

typedef struct {
    int nd;
    const int64_t *shape;
    const int64_t *reduced;
    int64_t outer, n, inner; /* valid when `simple` */
    int simple;
    int64_t out_size;
    int64_t rcount; /* elements reduced into each output */
    int64_t strides[FG_MAX_DIMS];
} rshape;

static void rshape_init(rshape *r, const fg_step *s)
{
    r->nd = (int)s->iattr[REDUCE_NDIM];
    r->shape = s->iattr + REDUCE_SHAPE;
    r->reduced = s->iattr + REDUCE_SHAPE + r->nd;
    int groups = 0, first = -1;
    for (int d = 0; d < r->nd; d++)
        if (r->reduced[d]) {
            groups++;
            first = d;
        }
    /* Merged dims alternate kind, so one reduced dim means one group. */
    r->simple = groups <= 1;
    r->outer = 1;
    r->n = 1;
    r->inner = 1;
    r->out_size = 1;
    for (int d = 0; d < r->nd; d++) {
        if (!r->reduced[d])
            r->out_size *= r->shape[d];
        if (groups == 1) {
            if (d < first)
                r->outer *= r->shape[d];
            else if (d == first)
                r->n = r->shape[d];
            else
                r->inner *= r->shape[d];
        }
    }
    if (groups == 0)
        r->inner = r->out_size;
    int64_t st = 1;
    r->rcount = 1;
    for (int d = r->nd - 1; d >= 0; d--) {
        r->strides[d] = st;
        st *= r->shape[d];
        if (r->reduced[d])
            r->rcount *= r->shape[d];
    }
}

/* Offset of output element `o`'s first input element (the general walk). */
static int64_t general_base(const rshape *r, int64_t o)
{
    int64_t off = 0;
    for (int d = r->nd - 1; d >= 0; d--) {
        if (r->reduced[d])
            continue;
        off += (o % r->shape[d]) * r->strides[d];
        o /= r->shape[d];
    }
    return off;
}

/* Steps `off` to the next element of the reduced index space. */
static inline void general_next(const rshape *r, int64_t *idx, int64_t *off)
{
    for (int d = r->nd - 1; d >= 0; d--) {
        if (!r->reduced[d])
            continue;
        idx[d]++;
        *off += r->strides[d];
        if (idx[d] < r->shape[d])
            return;
        *off -= r->shape[d] * r->strides[d];
        idx[d] = 0;
    }
}

/* One reduction op for one dtype: ACC accumulator type, INIT identity,
 * STEP(acc, x) folds x in, FINISH(acc, count) gives the output. */
#define REDUCE_FN(name, sfx, T, ACC, INIT, STEP, FINISH)                                     \
    static void name##_##sfx(const fg_step *s, const rshape *r, int64_t lo, int64_t hi)      \
    {                                                                                        \
        const T *x = (const T *)s->in[0]->data;                                              \
        T *y = (T *)s->out[0]->data;                                                         \
        if (r->simple && r->inner == 1) {                                                    \
            for (int64_t o = lo; o < hi; o++) {                                              \
                const T *row = x + o * r->n;                                                 \
                ACC acc = INIT;                                                              \
                for (int64_t j = 0; j < r->n; j++)                                           \
                    acc = STEP(acc, (ACC)row[j]);                                            \
                y[o] = FINISH(acc, r->n);                                                    \
            }                                                                                \
        } else if (r->simple) {                                                              \
            ACC acc[256];                                                                    \
            for (int64_t o = lo; o < hi;) {                                                  \
                const int64_t b = o / r->inner, i0 = o % r->inner;                           \
                int64_t len = r->inner - i0;                                                 \
                if (len > hi - o)                                                            \
                    len = hi - o;                                                            \
                if (len > 256)                                                               \
                    len = 256;                                                               \
                for (int64_t i = 0; i < len; i++)                                            \
                    acc[i] = INIT;                                                           \
                const T *blk = x + b * r->n * r->inner + i0;                                 \
                for (int64_t j = 0; j < r->n; j++)                                           \
                    for (int64_t i = 0; i < len; i++)                                        \
                        acc[i] = STEP(acc[i], (ACC)blk[j * r->inner + i]);                   \
                for (int64_t i = 0; i < len; i++)                                            \
                    y[o + i] = FINISH(acc[i], r->n);                                         \
                o += len;                                                                    \
            }                                                                                \
        } else {                                                                             \
            for (int64_t o = lo; o < hi; o++) {                                              \
                ACC acc = INIT;                                                              \
                int64_t idx[FG_MAX_DIMS] = {0}, off = general_base(r, o);                    \
                for (int64_t k = 0; k < r->rcount; k++) {                                    \
                    acc = STEP(acc, (ACC)x[off]);                                            \
                    general_next(r, idx, &off);                                              \
                }                                                                            \
                y[o] = FINISH(acc, r->rcount);                                               \
            }                                                                                \
        }                                                                                    \
    }

#define R_SUM(a, x) ((a) + (x))
#define R_PROD(a, x) ((a) * (x))
/* NaN wins, as in NumPy and TF. */
#define R_MAX(a, x) fg_max(x, a)
#define R_MIN(a, x) fg_min(x, a)
#define R_AND(a, x) ((a) && (x))
#define R_OR(a, x) ((a) || (x))
#define F_SAME(a, n) (a)
#define F_MEAN_FLOAT(a, n) ((a) / (n))
#define F_MEAN_INT(a, n) ((n) ? (a) / (n) : 0)

/* IACC(T) is the integer accumulator: T itself (sums wrap as TF's do), or
 * int64_t for the mean (TF averages small ints without overflow). */
#define IACC_SAME(T) T
#define IACC_WIDE(T) int64_t
#define INIT_ZERO(t) 0
#define INIT_ONE(t) 1
#define INIT_LOWEST(t) fg_lowest_##t
#define INIT_HIGHEST(t) fg_highest_##t

/* REDUCE_FN for one list entry: ints accumulate in IACC(T), float32 in
 * FACC32 (double for sums, so they are at least as accurate as TF's tree
 * reduction), float64 in double. */
#define REDUCE_INT_FN(sfx, T, code, name, STEP, FINISH, INIT, IACC)                         \
    REDUCE_FN(name, sfx, T, IACC(T), INIT_##INIT(sfx), STEP, FINISH)
#define REDUCE_NUMERIC(name, STEP, FINISH_I, FINISH_F, INIT, FACC32, IACC)                   \
    FG_INTS(REDUCE_INT_FN, name, STEP, FINISH_I, INIT, IACC)                                \
    REDUCE_FN(name, f32, float, FACC32, INIT_##INIT(f32), STEP, FINISH_F)                   \
    REDUCE_FN(name, f64, double, double, INIT_##INIT(f64), STEP, FINISH_F)                  \
    FG_DTYPE_TABLE(reduce_fn, name, FG_NUMERIC);

typedef void (*reduce_fn)(const fg_step *s, const rshape *r, int64_t lo, int64_t hi);

REDUCE_NUMERIC(reduce_sum, R_SUM, F_SAME, F_SAME, ZERO, double, IACC_SAME)
REDUCE_NUMERIC(reduce_prod, R_PROD, F_SAME, F_SAME, ONE, double, IACC_SAME)
REDUCE_NUMERIC(reduce_max, R_MAX, F_SAME, F_SAME, LOWEST, float, IACC_SAME)
REDUCE_NUMERIC(reduce_min, R_MIN, F_SAME, F_SAME, HIGHEST, float, IACC_SAME)
REDUCE_NUMERIC(reduce_mean, R_SUM, F_MEAN_INT, F_MEAN_FLOAT, ZERO, double, IACC_WIDE)
REDUCE_FN(reduce_all, b, uint8_t, uint8_t, 1, R_AND, F_SAME)
REDUCE_FN(reduce_any, b, uint8_t, uint8_t, 0, R_OR, F_SAME)
FG_DTYPE_TABLE(reduce_fn, reduce_all, FG_BOOLS);
FG_DTYPE_TABLE(reduce_fn, reduce_any, FG_BOOLS);

static int reduce(const fg_step *s, int part, int nparts, fg_status *st, const reduce_fn *fns)
{
    reduce_fn f = FG_LOOKUP(fns, s->in[0]->dtype);
    if (!f)
        return fg_no_kernel(s, s->in[0]->dtype, st);
    rshape r;
    rshape_init(&r, s);
    int64_t lo, hi;
    fg_split(r.out_size, part, nparts, &lo, &hi);
    if (lo < hi)
        f(s, &r, lo, hi);
    return FG_OK;
}

#define REDUCE_KERNEL(name)                                                        \
    int fg_k_##name(const fg_step *s, int part, int nparts, fg_status *st)         \
    {                                                                              \
        return reduce(s, part, nparts, st, name##_fns);                           \
    }
REDUCE_KERNEL(reduce_sum)
REDUCE_KERNEL(reduce_prod)
REDUCE_KERNEL(reduce_max)
REDUCE_KERNEL(reduce_min)
REDUCE_KERNEL(reduce_mean)
REDUCE_KERNEL(reduce_all)
REDUCE_KERNEL(reduce_any)

/* ---- argmax / argmin: iattr = [outer, n, inner]. TF's rule (Eigen's tuple
 * reducer): the best starts as (index 0, lowest() for argmax / highest() for
 * argmin) and a value replaces it only when strictly better, so the first
 * index wins ties, NaN is never taken, and neither is a value no better than
 * that start (-inf for argmax, +inf for argmin): with none taken, 0. -------- */

#define ARG_FN(sfx, T, code, name, BETTER, START)                                            \
    static void name##_##sfx(const void *x_, void *y_, int out64, int64_t lo, int64_t hi, \
                             int64_t n, int64_t inner)                                   \
    {                                                                                    \
        const T *x = (const T *)x_;                                                      \
        for (int64_t o = lo; o < hi; o++) {                                              \
            const T *p = x + (o / inner) * n * inner + o % inner;                        \
            int64_t best = 0;                                                            \
            T bv = START(T);                                                             \
            for (int64_t j = 0; j < n; j++) {                                            \
                T v = p[j * inner];                                                      \
                if (BETTER(v, bv)) {                                                     \
                    bv = v;                                                              \
                    best = j;                                                            \
                }                                                                        \
            }                                                                            \
            if (out64)                                                                   \
                ((int64_t *)y_)[o] = best;                                               \
            else                                                                         \
                ((int32_t *)y_)[o] = (int32_t)best;                                      \
        }                                                                                \
    }
#define GT(a, b) ((a) > (b))
#define LT(a, b) ((a) < (b))
typedef void (*arg_fn)(const void *x, void *y, int out64, int64_t lo, int64_t hi, int64_t n,
                       int64_t inner);
/* argmax starts from the lowest finite value of T, argmin from the highest. */
FG_PER_DTYPE(arg_fn, argmax, FG_ALL, ARG_FN, GT, fg_lowest_finite)
FG_PER_DTYPE(arg_fn, argmin, FG_ALL, ARG_FN, LT, fg_highest_finite)

static int arg_reduce(const fg_step *s, int part, int nparts, fg_status *st, const arg_fn *fns)
{
    const int64_t outer = s->iattr[AXIS_OUTER], n = s->iattr[AXIS_N], inner = s->iattr[AXIS_INNER];
    if (n == 0)
        return fg_fail(st, FG_INVALID_ARGUMENT, "Reduction axis is empty in %s", s->name);
    const arg_fn f = FG_LOOKUP(fns, s->in[0]->dtype);
    if (!f)
        return fg_no_kernel(s, s->in[0]->dtype, st);
    int64_t lo, hi;
    fg_split(outer * inner, part, nparts, &lo, &hi);
    if (lo < hi)
        f(s->in[0]->data, s->out[0]->data, s->out[0]->dtype == FG_INT64, lo, hi, n, inner);
    return FG_OK;
}

int fg_k_argmax(const fg_step *s, int part, int nparts, fg_status *st)
{
    return arg_reduce(s, part, nparts, st, argmax_fns);
}

int fg_k_argmin(const fg_step *s, int part, int nparts, fg_status *st)
{
    return arg_reduce(s, part, nparts, st, argmin_fns);
}

/* ---- cumsum / cumprod: iattr = [outer, n, inner, exclusive, reverse] ------ */

#define SCAN_FN(sfx, T, code, name, OP, ID)                                                \
    static void name##_##sfx(const void *x_, void *y_, int64_t lo, int64_t hi, int64_t n, \
                             int64_t inner, int excl, int rev)                           \
    {                                                                                    \
        const T *x = (const T *)x_;                                                      \
        T *y = (T *)y_;                                                                  \
        for (int64_t o = lo; o < hi; o++) {                                              \
            const int64_t base = (o / inner) * n * inner + o % inner;                    \
            T acc = ID;                                                                  \
            for (int64_t k = 0; k < n; k++) {                                            \
                const int64_t j = rev ? n - 1 - k : k;                                   \
                const T v = x[base + j * inner];                                         \
                if (excl) {                                                              \
                    y[base + j * inner] = acc;                                           \
                    acc = OP(acc, v);                                                    \
                } else {                                                                 \
                    acc = OP(acc, v);                                                    \
                    y[base + j * inner] = acc;                                           \
                }                                                                        \
            }                                                                            \
        }                                                                                \
    }
typedef void (*scan_fn)(const void *x, void *y, int64_t lo, int64_t hi, int64_t n, int64_t inner,
                        int excl, int rev);
FG_PER_DTYPE(scan_fn, cumsum, FG_NUMERIC, SCAN_FN, R_SUM, 0)
FG_PER_DTYPE(scan_fn, cumprod, FG_NUMERIC, SCAN_FN, R_PROD, 1)

static int scan(const fg_step *s, int part, int nparts, fg_status *st, const scan_fn *fns)
{
    const int64_t *a = s->iattr;
    const scan_fn f = FG_LOOKUP(fns, s->in[0]->dtype);
    if (!f)
        return fg_no_kernel(s, s->in[0]->dtype, st);
    int64_t lo, hi;
    fg_split(a[AXIS_OUTER] * a[AXIS_INNER], part, nparts, &lo, &hi);
    if (lo < hi && a[AXIS_N] > 0)
        f(s->in[0]->data, s->out[0]->data, lo, hi, a[AXIS_N], a[AXIS_INNER],
          (int)a[SCAN_EXCLUSIVE], (int)a[SCAN_REVERSE]);
    return FG_OK;
}

int fg_k_cumsum(const fg_step *s, int part, int nparts, fg_status *st)
{
    return scan(s, part, nparts, st, cumsum_fns);
}

int fg_k_cumprod(const fg_step *s, int part, int nparts, fg_status *st)
{
    return scan(s, part, nparts, st, cumprod_fns);
}
