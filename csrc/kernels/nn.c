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
        /* Summed in double: a float32 sum of many classes drifts. */               \
        double sum = 0;                                                                \
        for (int64_t j = 0; j < n; j++)                                                \
            sum += EXP(x[j * stride] - m);                                             \
        *max_out = m;                                                                  \
        *lse_out = LOG((T)sum);                                                        \
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
 * (loss [rows] = logsumexp(row) - row[label], backprop [rows, n] =
 * softmax(row) - one_hot(label)). Labels are checked first, so a
 * bad one fails the step before anything is written. */
#define SPARSE_XENT_FN(sfx, T, EXP)                                                       \
    static void sparse_xent_##sfx(const fg_step *s, int64_t lo, int64_t hi,            \
                                  const int64_t *labels64, const int32_t *labels32)    \
    {                                                                                  \
        const int64_t n = s->iattr[AXIS_N];                                                 \
        const T *x = (const T *)s->in[0]->data;                                        \
        T *loss = (T *)s->out[0]->data, *back = (T *)s->out[1]->data;                  \
        for (int64_t r = lo; r < hi; r++) {                                            \
            T m, lse;                                                                  \
            row_lse_##sfx(x + r * n, n, 1, &m, &lse);                                  \
            int64_t label = labels64 ? labels64[r] : labels32[r];                      \
            loss[r] = lse + m - x[r * n + label];                                      \
            for (int64_t j = 0; j < n; j++)                                            \
                back[r * n + j] = EXP(x[r * n + j] - m - lse) - (T)(j == label);       \
        }                                                                              \
    }
SPARSE_XENT_FN(f32, float, expf)
SPARSE_XENT_FN(f64, double, exp)

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

/* xent: in = (logits, labels) both [rows, n]; out = (loss = -sum(labels *
 * log_softmax), backprop = softmax - labels), TF's two outputs. */
#define XENT_FN(sfx, T, EXP)                                                           \
    static void xent_##sfx(const fg_step *s, int64_t lo, int64_t hi)                   \
    {                                                                                  \
        const int64_t n = s->iattr[AXIS_N];                                                 \
        const T *x = (const T *)s->in[0]->data, *p = (const T *)s->in[1]->data;        \
        T *loss = (T *)s->out[0]->data, *back = (T *)s->out[1]->data;                  \
        for (int64_t r = lo; r < hi; r++) {                                            \
            T m, lse, acc = 0;                                                         \
            row_lse_##sfx(x + r * n, n, 1, &m, &lse);                                  \
            for (int64_t j = 0; j < n; j++) {                                          \
                const T ls = x[r * n + j] - m - lse;                                   \
                acc -= p[r * n + j] * ls;                                              \
                back[r * n + j] = EXP(ls) - p[r * n + j];                              \
            }                                                                          \
            loss[r] = acc;                                                             \
        }                                                                              \
    }
XENT_FN(f32, float, expf)
XENT_FN(f64, double, exp)

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

/* ---- gradients ---------------------------------------------------------------- */

typedef void (*act_grad_fn)(const void *g, const void *x, void *out, int64_t n, double alpha);

/* TF's functors: ReluGrad and Relu6Grad multiply by the mask (a NaN gradient
 * stays NaN), the others select. Elu and Selu take their outputs. */
#define G_RELU(g, x, a, T) ((g) * (T)((x) > 0))
#define G_RELU6(g, x, a, T) ((g) * (T)((x) > 0 && (x) < 6))
#define G_LEAKY(g, x, a, T) ((x) > 0 ? (g) : (g) * (a))
#define G_ELU(g, y, a, T) ((y) < 0 ? (g) * ((y) + 1) : (g))
#define G_SELU(g, y, a, T) \
    ((y) < 0 ? (g) * ((y) + (T)(SELU_SCALE * SELU_ALPHA)) : (g) * (T)SELU_SCALE)
#define G_SOFTPLUS(g, x, a, T) ((g) / (fg_exp(-(x)) + 1))
#define G_SOFTSIGN(g, x, a, T) ((g) / ((fg_abs(x) + 1) * (fg_abs(x) + 1)))

#define ACT_GRAD_FN(sfx, T, code, name, EXPR)                                          \
    static void name##_##sfx(const void *g_, const void *x_, void *out_, int64_t n,    \
                             double alpha)                                             \
    {                                                                                  \
        const T *g = (const T *)g_, *x = (const T *)x_;                                \
        T *out = (T *)out_;                                                            \
        const T a = (T)alpha;                                                          \
        (void)a;                                                                       \
        for (int64_t i = 0; i < n; i++)                                                \
            out[i] = (T)(EXPR(g[i], x[i], a, T));                                      \
    }

FG_PER_DTYPE(act_grad_fn, relu_grad, FG_NUMERIC, ACT_GRAD_FN, G_RELU)
FG_PER_DTYPE(act_grad_fn, relu6_grad, FG_NUMERIC, ACT_GRAD_FN, G_RELU6)
FG_PER_DTYPE(act_grad_fn, leaky_relu_grad, FG_FLOATS, ACT_GRAD_FN, G_LEAKY)
FG_PER_DTYPE(act_grad_fn, elu_grad, FG_FLOATS, ACT_GRAD_FN, G_ELU)
FG_PER_DTYPE(act_grad_fn, selu_grad, FG_FLOATS, ACT_GRAD_FN, G_SELU)
FG_PER_DTYPE(act_grad_fn, softplus_grad, FG_FLOATS, ACT_GRAD_FN, G_SOFTPLUS)
FG_PER_DTYPE(act_grad_fn, softsign_grad, FG_FLOATS, ACT_GRAD_FN, G_SOFTSIGN)

static int activation_grad(const fg_step *s, int part, int nparts, fg_status *st,
                           const act_grad_fn *fns)
{
    const fg_value *g = s->in[0], *o = s->out[0];
    act_grad_fn f = FG_LOOKUP(fns, g->dtype);
    if (!f)
        return fg_no_kernel(s, g->dtype, st);
    int64_t lo, hi;
    fg_split(o->size, part, nparts, &lo, &hi);
    size_t e = fg_dtype_size(g->dtype);
    if (lo < hi)
        f((const char *)g->data + lo * e, (const char *)s->in[1]->data + lo * e,
          (char *)o->data + lo * e, hi - lo, s->n_fattr ? s->fattr[ACT_ALPHA] : 0.0);
    return FG_OK;
}

#define ACT_GRAD_KERNEL(name)                                                          \
    int fg_k_##name(const fg_step *s, int part, int nparts, fg_status *st)             \
    {                                                                                  \
        return activation_grad(s, part, nparts, st, name##_fns);                       \
    }
ACT_GRAD_KERNEL(relu_grad)
ACT_GRAD_KERNEL(relu6_grad)
ACT_GRAD_KERNEL(leaky_relu_grad)
ACT_GRAD_KERNEL(elu_grad)
ACT_GRAD_KERNEL(selu_grad)
ACT_GRAD_KERNEL(softplus_grad)
ACT_GRAD_KERNEL(softsign_grad)

/* Per-channel sums over an [outer, C, inner] view go a chunk of channels at
 * a time, accumulating in double: with inner = 1 (NHWC) each row's chunk is
 * contiguous, with inner > 1 (NCHW) each channel's run is. Shares split the
 * channels. */
#define CHANNEL_CHUNK 64

/* Runs the statement for every element of channels [c0, c0 + k), with j
 * the channel's place in the chunk and `at` the element's index; channels
 * last (inner = 1) gets a loop of its own, over j, that the compiler
 * vectorises. */
#define FOR_CHUNK(...)                                                                 \
    do {                                                                               \
        if (inner == 1) {                                                              \
            for (int64_t o = 0; o < outer; o++)                                        \
                for (int64_t j = 0; j < k; j++) {                                      \
                    const int64_t at = o * C + c0 + j;                                 \
                    __VA_ARGS__;                                                       \
                }                                                                      \
        } else {                                                                       \
            for (int64_t o = 0; o < outer; o++)                                        \
                for (int64_t j = 0; j < k; j++)                                        \
                    for (int64_t i = 0; i < inner; i++) {                              \
                        const int64_t at = (o * C + c0 + j) * inner + i;               \
                        __VA_ARGS__;                                                   \
                    }                                                                  \
        }                                                                              \
    } while (0)

/* bias_add_grad: in = out_backprop; out = [C], its sum over all but the
 * channel dimension. */
#define BIAS_GRAD_FN(sfx, T)                                                           \
    static void bias_add_grad_##sfx(const fg_step *s, int64_t lo, int64_t hi)          \
    {                                                                                  \
        const int64_t outer = s->iattr[AXIS_OUTER], C = s->iattr[AXIS_N];              \
        const int64_t inner = s->iattr[AXIS_INNER];                                    \
        const T *g = (const T *)s->in[0]->data;                                        \
        T *out = (T *)s->out[0]->data;                                                 \
        for (int64_t c0 = lo; c0 < hi; c0 += CHANNEL_CHUNK) {                          \
            const int64_t k = hi - c0 < CHANNEL_CHUNK ? hi - c0 : CHANNEL_CHUNK;        \
            double acc[CHANNEL_CHUNK] = {0};                                           \
            FOR_CHUNK(acc[j] += g[at]);                                                \
            for (int64_t j = 0; j < k; j++)                                            \
                out[c0 + j] = (T)acc[j];                                               \
        }                                                                              \
    }
BIAS_GRAD_FN(f32, float)
BIAS_GRAD_FN(f64, double)

int fg_k_bias_add_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    int64_t lo, hi;
    fg_split(s->iattr[AXIS_N], part, nparts, &lo, &hi);
    if (lo >= hi)
        return FG_OK;
    if (s->in[0]->dtype == FG_FLOAT32)
        bias_add_grad_f32(s, lo, hi);
    else
        bias_add_grad_f64(s, lo, hi);
    return FG_OK;
}

/* fused_batch_norm (float32): in = (x, scale, offset, mean, variance); out =
 * (y, batch_mean, batch_variance, reserve_space_1, reserve_space_2,
 * reserve_space_3). Training: the batch's mean and biased variance
 * normalise x and are the reserve spaces; batch_variance has Bessel's
 * correction, and with exponential_avg_factor f != 1 both statistics are
 * (1 - f) * running + f * batch. Inference: the given mean and variance. */
int fg_k_fused_batch_norm(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    const int64_t outer = s->iattr[AXIS_OUTER], C = s->iattr[AXIS_N];
    const int64_t inner = s->iattr[AXIS_INNER];
    const int training = (int)s->iattr[BN_TRAINING];
    const double eps = s->fattr[BN_EPSILON], f = s->fattr[BN_AVG_FACTOR];
    const float *x = (const float *)s->in[0]->data, *scale = (const float *)s->in[1]->data;
    const float *offset = (const float *)s->in[2]->data;
    const float *mean_in = (const float *)s->in[3]->data;
    const float *var_in = (const float *)s->in[4]->data;
    float *y = (float *)s->out[0]->data, *batch_mean = (float *)s->out[1]->data;
    float *batch_var = (float *)s->out[2]->data, *saved_mean = (float *)s->out[3]->data;
    float *saved_var = (float *)s->out[4]->data;
    const double m = (double)outer * (double)inner;
    const double adjust = m > 1 ? m / (m - 1) : 1.0;
    int64_t lo, hi;
    fg_split(C, part, nparts, &lo, &hi);
    for (int64_t c0 = lo; c0 < hi; c0 += CHANNEL_CHUNK) {
        const int64_t k = hi - c0 < CHANNEL_CHUNK ? hi - c0 : CHANNEL_CHUNK;
        double mean[CHANNEL_CHUNK], var[CHANNEL_CHUNK];
        float mul[CHANNEL_CHUNK], mu[CHANNEL_CHUNK], off[CHANNEL_CHUNK];
        if (training) {
            double acc[CHANNEL_CHUNK] = {0};
            FOR_CHUNK(acc[j] += x[at]);
            for (int64_t j = 0; j < k; j++) {
                mean[j] = acc[j] / m;
                acc[j] = 0;
            }
            /* Two passes: the squares of deviations, not of values, so a
             * large mean does not cancel the variance away. */
            FOR_CHUNK(const double d = x[at] - mean[j]; acc[j] += d * d);
            for (int64_t j = 0; j < k; j++) {
                const int64_t c = c0 + j;
                var[j] = acc[j] / m;
                saved_mean[c] = (float)mean[j];
                saved_var[c] = (float)var[j];
                if (f == 1.0) {
                    batch_mean[c] = (float)mean[j];
                    batch_var[c] = (float)(var[j] * adjust);
                } else {
                    batch_mean[c] = (float)((1 - f) * mean_in[c] + f * mean[j]);
                    batch_var[c] = (float)((1 - f) * var_in[c] + f * var[j] * adjust);
                }
            }
        } else {
            for (int64_t j = 0; j < k; j++) {
                const int64_t c = c0 + j;
                mean[j] = mean_in[c];
                var[j] = var_in[c];
                batch_mean[c] = saved_mean[c] = mean_in[c];
                batch_var[c] = saved_var[c] = var_in[c];
            }
        }
        for (int64_t j = 0; j < k; j++) {
            mu[j] = (float)mean[j];
            mul[j] = (float)(1.0 / sqrt(var[j] + eps)) * scale[c0 + j];
        }
        for (int64_t j = 0; j < k; j++)
            off[j] = offset[c0 + j];
        FOR_CHUNK(y[at] = (x[at] - mu[j]) * mul[j] + off[j]);
    }
    return FG_OK;
}

/* fused_batch_norm_grad (float32): in = (y_backprop, x, scale,
 * reserve_space_1, reserve_space_2, reserve_space_3), the reserve spaces the
 * mean and (biased) variance that normalised x; out = (x_backprop,
 * scale_backprop, offset_backprop, reserve_space_4, reserve_space_5). In
 * training the statistics depend on x, which adds the terms of the batch's
 * sums to x_backprop. */
int fg_k_fused_batch_norm_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    const int64_t outer = s->iattr[AXIS_OUTER], C = s->iattr[AXIS_N];
    const int64_t inner = s->iattr[AXIS_INNER];
    const int training = (int)s->iattr[BN_TRAINING];
    const double eps = s->fattr[BN_EPSILON];
    const float *dy = (const float *)s->in[0]->data, *x = (const float *)s->in[1]->data;
    const float *scale = (const float *)s->in[2]->data;
    const float *mean = (const float *)s->in[3]->data, *var = (const float *)s->in[4]->data;
    float *dx = (float *)s->out[0]->data, *dscale = (float *)s->out[1]->data;
    float *doffset = (float *)s->out[2]->data;
    const double m = (double)outer * (double)inner;
    int64_t lo, hi;
    fg_split(C, part, nparts, &lo, &hi);
    for (int64_t c0 = lo; c0 < hi; c0 += CHANNEL_CHUNK) {
        const int64_t k = hi - c0 < CHANNEL_CHUNK ? hi - c0 : CHANNEL_CHUNK;
        double sum_dy[CHANNEL_CHUNK] = {0}, sum_dy_xc[CHANNEL_CHUNK] = {0};
        double inv[CHANNEL_CHUNK];
        double mu[CHANNEL_CHUNK], a[CHANNEL_CHUNK], mdy[CHANNEL_CHUNK], mxc[CHANNEL_CHUNK];
        for (int64_t j = 0; j < k; j++)
            mu[j] = mean[c0 + j];
        FOR_CHUNK(sum_dy[j] += dy[at]; sum_dy_xc[j] += dy[at] * (x[at] - mu[j]));
        for (int64_t j = 0; j < k; j++) {
            inv[j] = 1.0 / sqrt((double)var[c0 + j] + eps);
            dscale[c0 + j] = (float)(sum_dy_xc[j] * inv[j]);
            doffset[c0 + j] = (float)sum_dy[j];
        }
        /* dx = a (dy - mean(dy) - xc inv^2 mean(dy xc)) in training, a dy in
         * inference, a = scale inv. */
        for (int64_t j = 0; j < k; j++) {
            a[j] = scale[c0 + j] * inv[j];
            mdy[j] = training ? sum_dy[j] / m : 0.0;
            mxc[j] = training ? inv[j] * inv[j] * sum_dy_xc[j] / m : 0.0;
        }
        FOR_CHUNK(dx[at] = (float)(a[j] * (dy[at] - mdy[j] - (x[at] - mu[j]) * mxc[j])));
    }
    return FG_OK;
}
#undef FOR_CHUNK
