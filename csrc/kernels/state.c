/* Variable state kernels. s->ptr is the session's fg_var; out[0] aliases its
 * buffer, so an assign's result is the variable's value after the update. */
#include <string.h>

#include "types.h"

static int uninitialized(const fg_step *s, fg_status *st)
{
    const fg_var *v = (const fg_var *)s->ptr;
    return fg_fail(st, FG_FAILED_PRECONDITION, "Attempting to use uninitialized value %s", v->name);
}

int fg_k_var_check(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part;
    (void)nparts;
    return ((const fg_var *)s->ptr)->initialized ? FG_OK : uninitialized(s, st);
}

int fg_k_assign(const fg_step *s, int part, int nparts, fg_status *st)
{
    fg_var *v = (fg_var *)s->ptr;
    (void)st;
    if (part != 0)
        return FG_OK;
    (void)nparts;
    if (s->in[1]->data != v->data)
        memcpy(v->data, s->in[1]->data, (size_t)v->nbytes);
    v->initialized = 1;
    return FG_OK;
}

#define ACCUM_FN(sfx, T, code)                                         \
    static void accum_##sfx(void *dst_, const void *src_, int64_t n, int sign) \
    {                                                                  \
        T *dst = (T *)dst_;                                            \
        const T *src = (const T *)src_;                                \
        if (sign > 0)                                                  \
            for (int64_t i = 0; i < n; i++)                            \
                dst[i] += src[i];                                      \
        else                                                           \
            for (int64_t i = 0; i < n; i++)                            \
                dst[i] -= src[i];                                      \
    }
FG_FOR_NUMERIC(ACCUM_FN)

typedef void (*accum_fn)(void *dst, const void *src, int64_t n, int sign);
FG_DTYPE_TABLE(accum_fn, accum, FG_NUMERIC);

static int accumulate(const fg_step *s, int part, int nparts, fg_status *st, int sign)
{
    const fg_var *v = (const fg_var *)s->ptr;
    if (!v->initialized)
        return uninitialized(s, st);
    const fg_value *x = s->in[1];
    int64_t lo, hi;
    fg_split(x->size, part, nparts, &lo, &hi);
    const accum_fn f = FG_LOOKUP(accum_fns, x->dtype);
    if (!f)
        return fg_no_kernel(s, x->dtype, st);
    size_t e = fg_dtype_size(x->dtype);
    if (lo < hi)
        f((char *)v->data + lo * e, (const char *)x->data + lo * e, hi - lo, sign);
    return FG_OK;
}

int fg_k_assign_add(const fg_step *s, int part, int nparts, fg_status *st)
{
    return accumulate(s, part, nparts, st, 1);
}

int fg_k_assign_sub(const fg_step *s, int part, int nparts, fg_status *st)
{
    return accumulate(s, part, nparts, st, -1);
}

/* TF's CountUpTo: out[0] (a buffer of its own) gets the variable's value,
 * which then grows by one; at iattr[0] (the limit) it fails with
 * OUT_OF_RANGE and the variable stays. The step holds the variable's lock. */
int fg_k_count_up_to(const fg_step *s, int part, int nparts, fg_status *st)
{
    fg_var *v = (fg_var *)s->ptr;
    (void)nparts;
    if (part != 0)
        return FG_OK;
    if (!v->initialized)
        return uninitialized(s, st);
    const int64_t limit = s->iattr[0];
    if (v->dtype == FG_INT32) {
        int32_t *count = (int32_t *)v->data;
        if (*count >= limit)
            return fg_fail(st, FG_OUT_OF_RANGE, "Reached limit of %lld", (long long)limit);
        *(int32_t *)s->out[0]->data = *count;
        *count += 1;
        return FG_OK;
    }
    if (v->dtype == FG_INT64) {
        int64_t *count = (int64_t *)v->data;
        if (*count >= limit)
            return fg_fail(st, FG_OUT_OF_RANGE, "Reached limit of %lld", (long long)limit);
        *(int64_t *)s->out[0]->data = *count;
        *count += 1;
        return FG_OK;
    }
    return fg_no_kernel(s, v->dtype, st);
}
