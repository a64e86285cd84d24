/* The optimizers' update ops, TF's training_ops formulas element by element.
 *
 * Each kernel reads its hyperparameters (scalars of the variable's type) and
 * updates var and its slots in one pass over the share [lo, hi) of the
 * elements; shares touch disjoint elements, so big variables split across
 * threads. Where TF checks a hyperparameter's value (ProximalAdagrad's), every
 * share checks it the same way, so all of them fail together or none does. */
#include <math.h>
#include <stdint.h>

#include "scalar.h"
#include "training.h"
#include "types.h"
#include "vmath.h"

/* The one C-contiguous update a typed kernel does for elements [lo, hi). */
typedef int (*update_fn)(const fg_step *s, int64_t lo, int64_t hi, fg_status *st);

#define REF(i, T) ((T *)s->in[i]->data)
#define IN(i, T) ((const T *)s->in[i]->data)
#define SCALAR(i, T) (*(const T *)s->in[i]->data)
#define POW(x, y) _Generic((x), float: powf, double: pow)((x), (y))

static int run_update(const fg_step *s, int part, int nparts, fg_status *st,
                      const update_fn *fns, update_fn avx512_f32)
{
    const fg_var *v = (const fg_var *)s->ptr;
    if (!v->initialized)
        return fg_fail(st, FG_FAILED_PRECONDITION,
                       "Attempting to use uninitialized variables: %s", v->name);
    update_fn f = FG_LOOKUP(fns, s->in[0]->dtype);
    /* The float32 updates with a square root and a division are compute
     * bound in baseline SSE: the same loops built for AVX-512 (the same
     * IEEE operations in the same order, so the same results). */
    if (avx512_f32 && s->in[0]->dtype == FG_FLOAT32 && fg_simd_level() >= 2)
        f = avx512_f32;
    if (!f)
        return fg_no_kernel(s, s->in[0]->dtype, st);
    int64_t lo, hi;
    fg_split(s->in[0]->size, part, nparts, &lo, &hi);
    return f(s, lo, hi, st);
}

static int not_scalar(fg_status *st, const char *what)
{
    return fg_fail(st, FG_INVALID_ARGUMENT, "%s scalar: []", what);
}

#define KERNEL(name)                                                                       \
    int fg_k_##name(const fg_step *s, int part, int nparts, fg_status *st)                 \
    {                                                                                      \
        return run_update(s, part, nparts, st, name##_fns, NULL);                          \
    }

/* The same, with a float32 update built for AVX-512. */
#define KERNEL_AVX512(name)                                                                \
    int fg_k_##name(const fg_step *s, int part, int nparts, fg_status *st)                 \
    {                                                                                      \
        return run_update(s, part, nparts, st, name##_fns, name##_avx512_f32);             \
    }

/* var -= alpha * delta */
#define GD_FN(sfx, T, code, name, ...)                                                          \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T);                                                                \
        const T alpha = SCALAR(1, T), *delta = IN(2, T);                                   \
        (void)st;                                                                          \
        for (int64_t i = lo; i < hi; i++)                                                  \
            var[i] -= alpha * delta[i];                                                    \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_gradient_descent, FG_FLOATS, GD_FN, _)
KERNEL(apply_gradient_descent)

/* prox = var - alpha * delta; var = sign(prox) max(|prox| - alpha l1, 0) / (1 + alpha l2) */
#define PROX_GD_FN(sfx, T, code, name, ...)                                                     \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T);                                                                \
        const T alpha = SCALAR(1, T), l1 = SCALAR(2, T), l2 = SCALAR(3, T);                \
        const T *delta = IN(4, T);                                                         \
        (void)st;                                                                          \
        const T shrink = 1 + l2 * alpha;                                                   \
        for (int64_t i = lo; i < hi; i++) {                                                \
            T prox = var[i] - delta[i] * alpha;                                            \
            var[i] = l1 > 0 ? fg_sign(prox) * fg_max(fg_abs(prox) - alpha * l1, (T)0) / shrink \
                            : prox / shrink;                                               \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_proximal_gradient_descent, FG_FLOATS, PROX_GD_FN, _)
KERNEL(apply_proximal_gradient_descent)

/* accum = accum momentum + grad; var -= lr accum (Nesterov: lr (grad + momentum accum)) */
#define MOMENTUM_FN(sfx, T, code, name, ...)                                                    \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *accum = REF(1, T);                                            \
        const T lr = SCALAR(2, T), *grad = IN(3, T), momentum = SCALAR(4, T);              \
        const int nesterov = (int)s->iattr[APPLY_MOMENTUM_NESTEROV];                       \
        (void)st;                                                                          \
        for (int64_t i = lo; i < hi; i++) {                                                \
            accum[i] = accum[i] * momentum + grad[i];                                      \
            if (nesterov)                                                                  \
                var[i] -= grad[i] * lr + accum[i] * momentum * lr;                         \
            else                                                                           \
                var[i] -= accum[i] * lr;                                                   \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_momentum, FG_FLOATS, MOMENTUM_FN, _)
KERNEL(apply_momentum)

/* alpha = lr sqrt(1 - beta2^t) / (1 - beta1^t); m, v move towards grad, grad^2;
 * var -= alpha m / (sqrt(v) + epsilon) (Nesterov: m looked ahead one step) */
#define ADAM_FN(sfx, T, code, name, ...)                                                        \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *m = REF(1, T), *v = REF(2, T);                                \
        const T beta1_power = SCALAR(3, T), beta2_power = SCALAR(4, T), lr = SCALAR(5, T); \
        const T beta1 = SCALAR(6, T), beta2 = SCALAR(7, T), epsilon = SCALAR(8, T);        \
        const T *grad = IN(9, T);                                                          \
        const int nesterov = (int)s->iattr[APPLY_ADAM_NESTEROV];                           \
        const T alpha = lr * fg_sqrt((T)1 - beta2_power) / ((T)1 - beta1_power);           \
        (void)st;                                                                          \
        for (int64_t i = lo; i < hi; i++) {                                                \
            const T g = grad[i];                                                           \
            m[i] += (g - m[i]) * ((T)1 - beta1);                                           \
            v[i] += (g * g - v[i]) * ((T)1 - beta2);                                       \
            const T step = nesterov ? (g * ((T)1 - beta1) + beta1 * m[i]) * alpha          \
                                    : m[i] * alpha;                                        \
            var[i] -= step / (fg_sqrt(v[i]) + epsilon);                                    \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_adam, FG_FLOATS, ADAM_FN, _)
FG_TARGET_AVX512 ADAM_FN(f32, float, FG_FLOAT32, apply_adam_avx512)
KERNEL_AVX512(apply_adam)

/* accum += grad^2 (when update_slots); var -= lr grad / sqrt(accum) */
#define ADAGRAD_FN(sfx, T, code, name, ...)                                                     \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *accum = REF(1, T);                                            \
        const T lr = SCALAR(2, T), *grad = IN(3, T);                                       \
        const int update_slots = (int)s->iattr[APPLY_ADAGRAD_UPDATE_SLOTS];                \
        (void)st;                                                                          \
        for (int64_t i = lo; i < hi; i++) {                                                \
            if (update_slots)                                                              \
                accum[i] += grad[i] * grad[i];                                             \
            var[i] -= grad[i] * lr * fg_rsqrt(accum[i]);                                   \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_adagrad, FG_FLOATS, ADAGRAD_FN, _)
FG_TARGET_AVX512 ADAGRAD_FN(f32, float, FG_FLOAT32, apply_adagrad_avx512)
KERNEL_AVX512(apply_adagrad)

/* accum += grad^2; rate = lr / sqrt(accum); the proximal step of
 * ApplyProximalGradientDescent at that rate */
#define PROX_ADAGRAD_FN(sfx, T, code, name, ...)                                                \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *accum = REF(1, T);                                            \
        const T lr = SCALAR(2, T), l1 = SCALAR(3, T), l2 = SCALAR(4, T);                   \
        const T *grad = IN(5, T);                                                          \
        if (!(lr > 0))                                                                     \
            return not_scalar(st, "lr is not a positive");                                 \
        if (!(l1 >= 0))                                                                    \
            return not_scalar(st, "l1 regularization strength is not a non-negative");     \
        if (!(l2 >= 0))                                                                    \
            return not_scalar(st, "l2 regularization strength is not a non-negative");     \
        for (int64_t i = lo; i < hi; i++) {                                                \
            accum[i] += grad[i] * grad[i];                                                 \
            const T rate = lr * fg_rsqrt(accum[i]);                                        \
            const T prox = var[i] - grad[i] * rate;                                        \
            var[i] = l1 > 0                                                                \
                         ? fg_sign(prox) * fg_max(fg_abs(prox) - rate * l1, (T)0) / (rate * l2 + 1) \
                         : prox / (1 + l2 * rate);                                         \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_proximal_adagrad, FG_FLOATS, PROX_ADAGRAD_FN, _)
KERNEL(apply_proximal_adagrad)

/* accum, accum_update: running means of grad^2 and update^2 */
#define ADADELTA_FN(sfx, T, code, name, ...)                                                    \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *accum = REF(1, T), *accum_update = REF(2, T);                 \
        const T lr = SCALAR(3, T), rho = SCALAR(4, T), epsilon = SCALAR(5, T);             \
        const T *grad = IN(6, T);                                                          \
        (void)st;                                                                          \
        for (int64_t i = lo; i < hi; i++) {                                                \
            const T g = grad[i];                                                           \
            accum[i] = accum[i] * rho + g * g * ((T)1 - rho);                              \
            const T update =                                                               \
                fg_sqrt(accum_update[i] + epsilon) * fg_rsqrt(accum[i] + epsilon) * g;     \
            var[i] -= update * lr;                                                         \
            accum_update[i] = accum_update[i] * rho + update * update * ((T)1 - rho);      \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_adadelta, FG_FLOATS, ADADELTA_FN, _)
KERNEL(apply_adadelta)

/* ms: running mean of grad^2; mom = mom momentum + lr grad / sqrt(ms + epsilon) */
#define RMS_PROP_FN(sfx, T, code, name, ...)                                                    \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *ms = REF(1, T), *mom = REF(2, T);                             \
        const T lr = SCALAR(3, T), rho = SCALAR(4, T), momentum = SCALAR(5, T);            \
        const T epsilon = SCALAR(6, T), *grad = IN(7, T);                                  \
        (void)st;                                                                          \
        for (int64_t i = lo; i < hi; i++) {                                                \
            const T g = grad[i];                                                           \
            ms[i] += (g * g - ms[i]) * ((T)1 - rho);                                       \
            mom[i] = mom[i] * momentum + (g * lr) / fg_sqrt(ms[i] + epsilon);              \
            var[i] -= mom[i];                                                              \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_rms_prop, FG_FLOATS, RMS_PROP_FN, _)
KERNEL(apply_rms_prop)

/* RMSProp with the variance estimate centred by mg, the running mean of grad */
#define CENTERED_RMS_PROP_FN(sfx, T, code, name, ...)                                           \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *mg = REF(1, T), *ms = REF(2, T), *mom = REF(3, T);            \
        const T lr = SCALAR(4, T), rho = SCALAR(5, T), momentum = SCALAR(6, T);            \
        const T epsilon = SCALAR(7, T), *grad = IN(8, T);                                  \
        (void)st;                                                                          \
        for (int64_t i = lo; i < hi; i++) {                                                \
            const T g = grad[i];                                                           \
            ms[i] += (g * g - ms[i]) * ((T)1 - rho);                                       \
            mg[i] += (g - mg[i]) * ((T)1 - rho);                                           \
            const T denom = (ms[i] - mg[i] * mg[i]) + epsilon;                             \
            mom[i] = mom[i] * momentum + (g * lr) / fg_sqrt(denom);                        \
            var[i] -= mom[i];                                                              \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_centered_rms_prop, FG_FLOATS, CENTERED_RMS_PROP_FN, _)
KERNEL(apply_centered_rms_prop)

/* FTRL-proximal (TF's dense kernel checks no hyperparameter's value): accum_new = accum + grad^2;
 * linear += grad - (accum_new^-p - accum^-p) / lr var;
 * var = (sign(linear) l1 - linear) / (accum_new^-p / lr + 2 l2) where |linear| > l1, else 0.
 * V2 adds 2 l2_shrinkage var to the grad that enters linear; multiply_linear_by_lr
 * keeps linear scaled by lr. p = lr_power; -0.5 takes square roots. */
#define FTRL_FN(sfx, T, code, name, ...)                                                        \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *accum = REF(1, T), *linear = REF(2, T);                       \
        const T *grad = IN(3, T);                                                          \
        const int shrinkage = (int)s->iattr[APPLY_FTRL_SHRINKAGE];                         \
        const int by_lr = (int)s->iattr[APPLY_FTRL_MULTIPLY_LINEAR_BY_LR];                 \
        const T lr = SCALAR(4, T), l1 = SCALAR(5, T), l2 = SCALAR(6, T);                   \
        const T l2_shrinkage = shrinkage ? SCALAR(7, T) : (T)0;                            \
        const T lr_power = SCALAR(shrinkage ? 8 : 7, T);                                   \
        (void)st;                                                                          \
        const int root = lr_power == (T)-0.5;                                              \
        for (int64_t i = lo; i < hi; i++) {                                                \
            const T g = grad[i];                                                           \
            const T g_shrunk = shrinkage ? g + (T)2 * l2_shrinkage * var[i] : g;           \
            const T new_accum = accum[i] + g * g;                                          \
            const T p_new = root ? fg_sqrt(new_accum) : POW(new_accum, -lr_power);         \
            const T p_old = root ? fg_sqrt(accum[i]) : POW(accum[i], -lr_power);           \
            T x, y, bound;                                                                 \
            if (by_lr) {                                                                   \
                linear[i] += g_shrunk * lr - (p_new - p_old) * var[i];                     \
                x = l1 * lr * fg_sign(linear[i]) - linear[i];                              \
                y = p_new + (T)2 * l2 * lr;                                                \
                bound = l1 * lr;                                                           \
            } else {                                                                       \
                linear[i] += g_shrunk - (p_new - p_old) / lr * var[i];                     \
                x = l1 * fg_sign(linear[i]) - linear[i];                                   \
                y = p_new / lr + (T)2 * l2;                                                \
                bound = l1;                                                                \
            }                                                                              \
            var[i] = fg_abs(linear[i]) > bound ? x / y : (T)0;                             \
            accum[i] = new_accum;                                                          \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, apply_ftrl, FG_FLOATS, FTRL_FN, _)
KERNEL(apply_ftrl)

/* ---- sparse: the rows of var named by indices ------------------------------ */

/* Reads index k of an int32 or int64 `indices`. */
static int64_t index_at(const fg_value *indices, int64_t k)
{
    return indices->dtype == FG_INT64 ? ((const int64_t *)indices->data)[k]
                                      : ((const int32_t *)indices->data)[k];
}

/* Rows repeat in `indices`, and TF applies them one after the other: one share. */
static int check_indices(const fg_step *s, const fg_value *indices, fg_status *st)
{
    const fg_var *v = (const fg_var *)s->ptr;
    if (!v->initialized)
        return fg_fail(st, FG_FAILED_PRECONDITION,
                       "Attempting to use uninitialized variables: %s", v->name);
    const int64_t rows = s->iattr[SPARSE_APPLY_ROWS];
    for (int64_t k = 0; k < indices->size; k++) {
        const int64_t r = index_at(indices, k);
        if (r < 0 || r >= rows)
            return fg_fail(st, FG_INVALID_ARGUMENT,
                           "Index %lld at offset %lld in indices is out of range",
                           (long long)r, (long long)k);
    }
    return FG_OK;
}

#define SPARSE_ADAGRAD_FN(sfx, T, code, name, ...)                                              \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *accum = REF(1, T);                                            \
        const T lr = SCALAR(2, T), *grad = IN(3, T);                                       \
        const fg_value *indices = s->in[4];                                                \
        const int64_t n = s->iattr[SPARSE_APPLY_ROW_SIZE];                                 \
        const int update_slots = (int)s->iattr[SPARSE_APPLY_UPDATE_SLOTS];                 \
        (void)lo;                                                                          \
        (void)hi;                                                                          \
        (void)st;                                                                          \
        for (int64_t k = 0; k < indices->size; k++) {                                      \
            T *vr = var + index_at(indices, k) * n, *ar = accum + index_at(indices, k) * n; \
            const T *gr = grad + k * n;                                                    \
            for (int64_t j = 0; j < n; j++) {                                              \
                if (update_slots)                                                          \
                    ar[j] += gr[j] * gr[j];                                                \
                vr[j] -= lr * gr[j] * fg_rsqrt(ar[j]);                                     \
            }                                                                              \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, sparse_apply_adagrad, FG_FLOATS, SPARSE_ADAGRAD_FN, _)

#define SPARSE_MOMENTUM_FN(sfx, T, code, name, ...)                                             \
    static int name##_##sfx(const fg_step *s, int64_t lo, int64_t hi, fg_status *st)       \
    {                                                                                      \
        T *var = REF(0, T), *accum = REF(1, T);                                            \
        const T lr = SCALAR(2, T), *grad = IN(3, T), momentum = SCALAR(5, T);              \
        const fg_value *indices = s->in[4];                                                \
        const int64_t n = s->iattr[SPARSE_APPLY_ROW_SIZE];                                 \
        const int nesterov = (int)s->iattr[SPARSE_APPLY_NESTEROV];                         \
        (void)lo;                                                                          \
        (void)hi;                                                                          \
        (void)st;                                                                          \
        for (int64_t k = 0; k < indices->size; k++) {                                      \
            T *vr = var + index_at(indices, k) * n, *ar = accum + index_at(indices, k) * n; \
            const T *gr = grad + k * n;                                                    \
            for (int64_t j = 0; j < n; j++) {                                              \
                ar[j] = ar[j] * momentum + gr[j];                                          \
                if (nesterov)                                                              \
                    vr[j] -= gr[j] * lr + ar[j] * momentum * lr;                           \
                else                                                                       \
                    vr[j] -= ar[j] * lr;                                                   \
            }                                                                              \
        }                                                                                  \
        return FG_OK;                                                                      \
    }
FG_PER_DTYPE(update_fn, sparse_apply_momentum, FG_FLOATS, SPARSE_MOMENTUM_FN, _)

static int run_sparse(const fg_step *s, int part, fg_status *st, const update_fn *fns)
{
    if (part != 0)
        return FG_OK;
    const update_fn f = FG_LOOKUP(fns, s->in[0]->dtype);
    if (!f)
        return fg_no_kernel(s, s->in[0]->dtype, st);
    const int rc = check_indices(s, s->in[4], st);
    return rc != FG_OK ? rc : f(s, 0, 0, st);
}

int fg_k_sparse_apply_adagrad(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)nparts;
    return run_sparse(s, part, st, sparse_apply_adagrad_fns);
}

int fg_k_sparse_apply_momentum(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)nparts;
    return run_sparse(s, part, st, sparse_apply_momentum_fns);
}
