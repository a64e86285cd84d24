/* Neural-network kernels (see nn.h). */
#include <math.h>

#include "scalar.h"
#include "types.h"

typedef void (*act_fn)(const void *in, void *out, int64_t n, double alpha);

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

#define A_RELU(x, a) fg_relu(x)
#define A_RELU6(x, a) fg_relu6(x)
#define A_LEAKY(x, a) ((x) > 0 ? (x) : (x) * (a))
#define A_ELU(x, a) ((x) > 0 ? (x) : expm1(x))
#define A_SELU(x, a) (SELU_SCALE * ((x) > 0 ? (x) : SELU_ALPHA * expm1(x)))
/* log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|). */
#define A_SOFTPLUS(x, a) (((x) > 0 ? (x) : 0) + log1p(exp(-fabs(x))))
#define A_SOFTSIGN(x, a) ((x) / (1 + fabs(x)))

#define ACT_FN(sfx, T, code, name, EXPR)                                               \
    static void name##_##sfx(const void *in_, void *out_, int64_t n, double alpha)     \
    {                                                                                  \
        const T *in = (const T *)in_;                                                  \
        T *out = (T *)out_;                                                            \
        const T a = (T)alpha;                                                          \
        (void)a;                                                                       \
        for (int64_t i = 0; i < n; i++) {                                              \
            T x = in[i];                                                               \
            out[i] = (T)(EXPR(x, a));                                                  \
        }                                                                              \
    }

FG_PER_DTYPE(act_fn, relu, FG_NUMERIC, ACT_FN, A_RELU)
FG_PER_DTYPE(act_fn, relu6, FG_NUMERIC, ACT_FN, A_RELU6)
FG_PER_DTYPE(act_fn, leaky_relu, FG_FLOATS, ACT_FN, A_LEAKY)
FG_PER_DTYPE(act_fn, elu, FG_FLOATS, ACT_FN, A_ELU)
FG_PER_DTYPE(act_fn, selu, FG_FLOATS, ACT_FN, A_SELU)
FG_PER_DTYPE(act_fn, softplus, FG_FLOATS, ACT_FN, A_SOFTPLUS)
FG_PER_DTYPE(act_fn, softsign, FG_FLOATS, ACT_FN, A_SOFTSIGN)

static int activation(const fg_step *s, int part, int nparts, fg_status *st, const act_fn *fns)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    act_fn f = FG_LOOKUP(fns, x->dtype);
    if (!f)
        return fg_no_kernel(s, x->dtype, st);
    int64_t lo, hi;
    fg_split(o->size, part, nparts, &lo, &hi);
    size_t e = fg_dtype_size(x->dtype);
    if (lo < hi)
        f((const char *)x->data + lo * e, (char *)o->data + lo * e, hi - lo,
          s->n_fattr ? s->fattr[ACT_ALPHA] : 0.0);
    return FG_OK;
}

#define ACT_KERNEL(name)                                                               \
    int fg_k_##name(const fg_step *s, int part, int nparts, fg_status *st)             \
    {                                                                                  \
        return activation(s, part, nparts, st, name##_fns);                            \
    }
ACT_KERNEL(relu)
ACT_KERNEL(relu6)
ACT_KERNEL(leaky_relu)
ACT_KERNEL(elu)
ACT_KERNEL(selu)
ACT_KERNEL(softplus)
ACT_KERNEL(softsign)

/* ---- softmax family ---------------------------------------------------------- */

/* Row r of an [outer, n, inner] view: element j is at base + j * inner, where
 * base = (r / inner) * n * inner + r % inner. Work is split over the
 * outer * inner rows. */
#define ROW_BASE(r, n, inner) (((r) / (inner)) * (n) * (inner) + (r) % (inner))

/* max and log(sum(exp(x - max))) of one row. */
#define ROW_LSE_FN(sfx, T, EXP, LOG)                                                   \
    static void row_lse_##sfx(const T *x, int64_t n, int64_t stride, T *max_out,       \
                              T *lse_out)                                              \
    {                                                                                  \
        T m = -INFINITY;                                                               \
        for (int64_t j = 0; j < n; j++)                                                \
            if (x[j * stride] > m || x[j * stride] != x[j * stride])                   \
                m = x[j * stride];                                                     \
        /* A NaN max, or all -inf, propagates NaN through x - m as TF does. */         \
        T sum = 0;                                                                     \
        for (int64_t j = 0; j < n; j++)                                                \
            sum += EXP(x[j * stride] - m);                                             \
        *max_out = m;                                                                  \
        *lse_out = LOG(sum);                                                           \
    }
ROW_LSE_FN(f32, float, expf, logf)
ROW_LSE_FN(f64, double, exp, log)

#define SOFTMAX_FN(sfx, T, EXP)                                                        \
    static void softmax_##sfx(const fg_step *s, int64_t lo, int64_t hi, int log_out)   \
    {                                                                                  \
        const int64_t n = s->iattr[AXIS_N], inner = s->iattr[AXIS_INNER];                            \
        const T *x = (const T *)s->in[0]->data;                                        \
        T *y = (T *)s->out[0]->data;                                                   \
        for (int64_t r = lo; r < hi; r++) {                                            \
            const int64_t base = ROW_BASE(r, n, inner);                                \
            T m, lse;                                                                  \
            row_lse_##sfx(x + base, n, inner, &m, &lse);                               \
            if (log_out) {                                                             \
                for (int64_t j = 0; j < n; j++)                                        \
                    y[base + j * inner] = x[base + j * inner] - m - lse;               \
            } else {                                                                   \
                for (int64_t j = 0; j < n; j++)                                        \
                    y[base + j * inner] = EXP(x[base + j * inner] - m - lse);          \
            }                                                                          \
        }                                                                              \
    }
SOFTMAX_FN(f32, float, expf)
SOFTMAX_FN(f64, double, exp)

static int softmax_any(const fg_step *s, int part, int nparts, int log_out)
{
    const int64_t rows = s->iattr[AXIS_OUTER] * s->iattr[AXIS_INNER];
    int64_t lo, hi;
    fg_split(rows, part, nparts, &lo, &hi);
    if (s->iattr[AXIS_N] == 0 || lo >= hi)
        return FG_OK;
    if (s->in[0]->dtype == FG_FLOAT32)
        softmax_f32(s, lo, hi, log_out);
    else
        softmax_f64(s, lo, hi, log_out);
    return FG_OK;
}

int fg_k_softmax(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    return softmax_any(s, part, nparts, 0);
}

int fg_k_log_softmax(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    return softmax_any(s, part, nparts, 1);
}

/* sparse_xent: in = (logits [rows, n], labels [rows] int32/int64); out =
 * loss [rows] = logsumexp(row) - row[label]. Labels are checked first, so a
 * bad one fails the step before anything is written. */
#define SPARSE_XENT_FN(sfx, T)                                                         \
    static void sparse_xent_##sfx(const fg_step *s, int64_t lo, int64_t hi,            \
                                  const int64_t *labels64, const int32_t *labels32)    \
    {                                                                                  \
        const int64_t n = s->iattr[AXIS_N];                                                 \
        const T *x = (const T *)s->in[0]->data;                                        \
        T *loss = (T *)s->out[0]->data;                                                \
        for (int64_t r = lo; r < hi; r++) {                                            \
            T m, lse;                                                                  \
            row_lse_##sfx(x + r * n, n, 1, &m, &lse);                                  \
            int64_t label = labels64 ? labels64[r] : labels32[r];                      \
            loss[r] = lse + m - x[r * n + label];                                      \
        }                                                                              \
    }
SPARSE_XENT_FN(f32, float)
SPARSE_XENT_FN(f64, double)

int fg_k_sparse_xent(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *labels = s->in[1];
    const int64_t n = s->iattr[AXIS_N];
    const int64_t *l64 = labels->dtype == FG_INT64 ? (const int64_t *)labels->data : NULL;
    const int32_t *l32 = labels->dtype == FG_INT32 ? (const int32_t *)labels->data : NULL;
    int64_t lo, hi;
    fg_split(labels->size, part, nparts, &lo, &hi);
    for (int64_t r = lo; r < hi; r++) {
        int64_t label = l64 ? l64[r] : l32[r];
        if (label < 0 || label >= n)
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "Received a label value of %lld which is outside the valid range of "
                           "[0, %lld).  Label values: %lld", (long long)label, (long long)n,
                           (long long)label);
    }
    if (n == 0 || lo >= hi)
        return FG_OK;
    if (s->in[0]->dtype == FG_FLOAT32)
        sparse_xent_f32(s, lo, hi, l64, l32);
    else
        sparse_xent_f64(s, lo, hi, l64, l32);
    return FG_OK;
}

/* xent: in = (logits, labels) both [rows, n]; out = -sum(labels * log_softmax). */
#define XENT_FN(sfx, T)                                                                \
    static void xent_##sfx(const fg_step *s, int64_t lo, int64_t hi)                   \
    {                                                                                  \
        const int64_t n = s->iattr[AXIS_N];                                                 \
        const T *x = (const T *)s->in[0]->data, *p = (const T *)s->in[1]->data;        \
        T *loss = (T *)s->out[0]->data;                                                \
        for (int64_t r = lo; r < hi; r++) {                                            \
            T m, lse, acc = 0;                                                         \
            row_lse_##sfx(x + r * n, n, 1, &m, &lse);                                  \
            for (int64_t j = 0; j < n; j++)                                            \
                acc -= p[r * n + j] * (x[r * n + j] - m - lse);                        \
            loss[r] = acc;                                                             \
        }                                                                              \
    }
XENT_FN(f32, float)
XENT_FN(f64, double)

int fg_k_xent(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    int64_t lo, hi;
    fg_split(s->iattr[AXIS_OUTER], part, nparts, &lo, &hi);
    if (lo >= hi)
        return FG_OK;
    if (s->in[0]->dtype == FG_FLOAT32)
        xent_f32(s, lo, hi);
    else
        xent_f64(s, lo, hi);
    return FG_OK;
}

/* l2_loss: sum(x^2) / 2 into a scalar; one share (the sum is a single value). */
int fg_k_l2_loss(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0];
    (void)st;
    (void)nparts;
    if (part != 0)
        return FG_OK;
    if (x->dtype == FG_FLOAT32) {
        const float *v = (const float *)x->data;
        double acc = 0;
        for (int64_t i = 0; i < x->size; i++)
            acc += (double)v[i] * v[i];
        *(float *)s->out[0]->data = (float)(acc / 2);
    } else {
        const double *v = (const double *)x->data;
        double acc = 0;
        for (int64_t i = 0; i < x->size; i++)
            acc += v[i] * v[i];
        *(double *)s->out[0]->data = acc / 2;
    }
    return FG_OK;
}
