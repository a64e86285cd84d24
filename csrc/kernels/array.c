/* Kernels that move bytes without looking at them (see array.h).
 *
 * None of them but mirror_pad_grad (which adds, per dtype) does arithmetic:
 * elements are opaque runs of 1, 2, 4 or 8 bytes. Contiguous runs go through
 * memcpy; strided runs through a loop over an unsigned integer type of the
 * element's width.
 */
#include <string.h>

#include "../fg.h"
#include "types.h"

/* The Python lowering merges dims; a tile doubles them, so allow twice FG_MAX_DIMS. */
#define SC_MAX_DIMS (2 * FG_MAX_DIMS)

int fg_k_copy(const fg_step *s, int part, int nparts, fg_status *st)
{
    const fg_value *x = s->in[0], *o = s->out[0];
    (void)st;
    int64_t nbytes = o->size * (int64_t)fg_dtype_size(o->dtype);
    int64_t lo, hi;
    fg_split(nbytes, part, nparts, &lo, &hi);
    if (lo < hi && x->data != o->data)
        memcpy((char *)o->data + lo, (const char *)x->data + lo, (size_t)(hi - lo));
    return FG_OK;
}

int fg_k_copy_n(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)st;
    int64_t total = 0;
    for (int32_t i = 0; i < s->n_out; i++)
        total += s->out[i]->size * (int64_t)fg_dtype_size(s->out[i]->dtype);
    int64_t lo, hi, at = 0;
    fg_split(total, part, nparts, &lo, &hi);
    for (int32_t i = 0; i < s->n_out && at < hi; i++) {
        const fg_value *x = s->in[i], *o = s->out[i];
        int64_t n = o->size * (int64_t)fg_dtype_size(o->dtype);
        int64_t a = lo > at ? lo - at : 0, b = hi - at < n ? hi - at : n;
        if (a < b && x->data != o->data)
            memcpy((char *)o->data + a, (const char *)x->data + a, (size_t)(b - a));
        at += n;
    }
    return FG_OK;
}

/* ---- strided copy ------------------------------------------------------------ */

#define STRIDED_RUN(T)                                       \
    do {                                                     \
        T *d_ = (T *)dst;                                    \
        const T *s_ = (const T *)src;                        \
        if (stride == 0) {                                   \
            const T v_ = *s_;                                \
            for (int64_t k_ = 0; k_ < n; k_++)               \
                d_[k_] = v_;                                 \
        } else {                                             \
            for (int64_t k_ = 0; k_ < n; k_++)               \
                d_[k_] = s_[k_ * stride];                    \
        }                                                    \
    } while (0)

/* n elements of es bytes from src (stepping `stride` elements) to dense dst. */
static void copy_run(char *dst, const char *src, int64_t n, int64_t stride, size_t es)
{
    if (stride == 1) {
        memcpy(dst, src, (size_t)n * es);
        return;
    }
    switch (es) {
    case 1: STRIDED_RUN(uint8_t); break;
    case 2: STRIDED_RUN(uint16_t); break;
    case 4: STRIDED_RUN(uint32_t); break;
    case 8: STRIDED_RUN(uint64_t); break;
    default:
        for (int64_t k = 0; k < n; k++)
            memcpy(dst + k * (int64_t)es, src + k * stride * (int64_t)es, es);
    }
}

/* Output [batch..., A, B] where A reads the input contiguously and B strides
 * by sB: a transpose. Copied in TILE x TILE blocks so that both the reads and
 * the writes of a block stay in cache. Shares split the batch*A output rows. */
#define TILE 32
#define TRANSPOSE_TILE(T)                                                           \
    do {                                                                            \
        const T *xs_ = (const T *)x + base + a0;                                    \
        T *ys_ = (T *)y + r * B;                                                    \
        for (int64_t b0 = 0; b0 < B; b0 += TILE) {                                  \
            const int64_t b1 = b0 + TILE < B ? b0 + TILE : B;                       \
            for (int64_t i = 0; i < rows; i++)                                      \
                for (int64_t b = b0; b < b1; b++)                                   \
                    ys_[i * B + b] = xs_[i + b * sB];                               \
        }                                                                           \
    } while (0)

static void transpose_tiles(const int64_t *a, const char *x, char *y, int64_t size, int part,
                            int nparts)
{
    const int nd = (int)a[SC_NDIM];
    const size_t es = (size_t)a[SC_ELEM_BYTES];
    const int64_t *shape = a + SC_SHAPE, *stride = a + SC_SHAPE + nd;
    const int64_t A = shape[nd - 2], B = shape[nd - 1], sB = stride[nd - 1];
    int64_t lo, hi;
    fg_split(size / B, part, nparts, &lo, &hi);
    for (int64_t r = lo; r < hi;) {
        const int64_t a0 = r % A;
        int64_t rows = A - a0;
        if (rows > TILE)
            rows = TILE;
        if (rows > hi - r)
            rows = hi - r;
        int64_t rest = r / A, base = a[SC_OFFSET];
        for (int d = nd - 3; d >= 0; d--) {
            base += (rest % shape[d]) * stride[d];
            rest /= shape[d];
        }
        switch (es) {
        case 1: TRANSPOSE_TILE(uint8_t); break;
        case 2: TRANSPOSE_TILE(uint16_t); break;
        case 4: TRANSPOSE_TILE(uint32_t); break;
        default: TRANSPOSE_TILE(uint64_t); break;
        }
        r += rows;
    }
}

/* The input offset of the next row of a strided walk: idx, the multi-index
 * over the outer nd - 1 dims, counts on like an odometer. */
static int64_t next_row(int64_t *idx, int64_t off, const int64_t *shape, const int64_t *stride,
                        int nd)
{
    for (int d = nd - 2; d >= 0; d--) {
        off += stride[d];
        if (++idx[d] < shape[d])
            break;
        off -= shape[d] * stride[d];
        idx[d] = 0;
    }
    return off;
}

int fg_k_strided_copy(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int64_t *a = s->iattr;
    const int nd = (int)a[SC_NDIM];
    const size_t es = (size_t)a[SC_ELEM_BYTES];
    const int64_t *shape = a + SC_SHAPE, *stride = a + SC_SHAPE + nd;
    const char *x = (const char *)s->in[0]->data;
    char *y = (char *)s->out[0]->data;
    int64_t lo, hi;
    fg_split(s->out[0]->size, part, nparts, &lo, &hi);
    if (lo >= hi || nd < 1 || nd > SC_MAX_DIMS)
        return FG_OK;
    (void)st;
    if (nd >= 2 && stride[nd - 2] == 1 && stride[nd - 1] != 1 && stride[nd - 1] != 0 &&
        shape[nd - 1] >= 8 && shape[nd - 2] >= 8 && (es == 1 || es == 2 || es == 4 || es == 8)) {
        transpose_tiles(a, x, y, s->out[0]->size, part, nparts);
        return FG_OK;
    }
    const int64_t inner = shape[nd - 1], istride = stride[nd - 1];
    /* Multi-index of element lo over the outer dims, and its input offset. */
    int64_t idx[SC_MAX_DIMS];
    int64_t rest = lo / inner, j = lo % inner, off = a[SC_OFFSET];
    for (int d = nd - 2; d >= 0; d--) {
        idx[d] = rest % shape[d];
        rest /= shape[d];
        off += idx[d] * stride[d];
    }
    for (int64_t o = lo; o < hi;) {
        int64_t len = inner - j;
        if (len > hi - o)
            len = hi - o;
        copy_run(y + o * (int64_t)es, x + (off + j * istride) * (int64_t)es, len, istride, es);
        o += len;
        j = 0;
        off = next_row(idx, off, shape, stride, nd);
    }
    return FG_OK;
}

/* ---- concat / split ---------------------------------------------------------- */

/* Bytes [lo, hi) of `whole`, whose rows are the n parts' rows side by side
 * (part k contributing row_bytes[k] per row). gather: whole <- parts (concat);
 * else parts <- whole (split). */
static void walk_rows(char *whole, fg_value *const *parts, int n, const int64_t *row_bytes,
                      int64_t lo, int64_t hi, int gather)
{
    int64_t row = 0;
    for (int k = 0; k < n; k++)
        row += row_bytes[k];
    if (row == 0)
        return;
    int64_t r = lo / row, within = lo % row;
    int64_t pos = lo;
    while (pos < hi) {
        int64_t start = 0; /* start of part k's bytes within the row */
        for (int k = 0; k < n && pos < hi; k++) {
            int64_t w = row_bytes[k];
            if (within < start + w) {
                int64_t from = within - start, len = w - from;
                if (len > hi - pos)
                    len = hi - pos;
                char *p = (char *)parts[k]->data + r * w + from;
                if (gather)
                    memcpy(whole + pos, p, (size_t)len);
                else
                    memcpy(p, whole + pos, (size_t)len);
                pos += len;
                within += len;
            }
            start += w;
        }
        r++;
        within = 0;
    }
}

int fg_k_concat(const fg_step *s, int part, int nparts, fg_status *st)
{
    int64_t lo, hi;
    (void)st;
    fg_split(s->out[0]->size * (int64_t)fg_dtype_size(s->out[0]->dtype), part, nparts, &lo, &hi);
    walk_rows((char *)s->out[0]->data, s->in, (int)s->iattr[ROWS_PARTS], s->iattr + ROWS_BYTES, lo, hi, 1);
    return FG_OK;
}

int fg_k_split(const fg_step *s, int part, int nparts, fg_status *st)
{
    int64_t lo, hi;
    (void)st;
    fg_split(s->in[0]->size * (int64_t)fg_dtype_size(s->in[0]->dtype), part, nparts, &lo, &hi);
    walk_rows((char *)s->in[0]->data, s->out, (int)s->iattr[ROWS_PARTS], s->iattr + ROWS_BYTES, lo, hi, 0);
    return FG_OK;
}

/* ---- pad --------------------------------------------------------------------- */

/* count copies of the element at `val` into dst, doubling what is written. */
static void fill_elems(char *dst, const char *val, int64_t count, size_t es)
{
    if (count <= 0)
        return;
    memcpy(dst, val, es);
    int64_t done = 1;
    while (done < count) {
        int64_t k = done < count - done ? done : count - done;
        memcpy(dst + done * (int64_t)es, dst, (size_t)k * es);
        done += k;
    }
}

/* Input index of padded index i (i - before) for a mirror mode; n > 0. */
static inline int64_t mirror(int64_t i, int64_t n, int mode)
{
    if (i < 0)
        return mode == FG_PAD_REFLECT ? -i : -i - 1;
    if (i >= n)
        return mode == FG_PAD_REFLECT ? 2 * n - 2 - i : 2 * n - 1 - i;
    return i;
}

int fg_k_pad(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int64_t *a = s->iattr;
    const int nd = (int)a[PAD_NDIM];
    const size_t es = (size_t)a[PAD_ELEM_BYTES];
    const int mode = (int)a[PAD_MODE];
    const int64_t *in_shape = a + PAD_SHAPE, *before = a + PAD_SHAPE + nd;
    const int64_t *after = a + PAD_SHAPE + 2 * nd;
    const char *x = (const char *)s->in[0]->data;
    const char *fill = mode == FG_PAD_CONSTANT ? (const char *)s->in[1]->data : NULL;
    char *y = (char *)s->out[0]->data;
    (void)st;
    if (nd < 1 || nd > FG_MAX_DIMS || s->out[0]->size == 0)
        return FG_OK;
    int64_t out_shape[FG_MAX_DIMS], in_strides[FG_MAX_DIMS];
    int64_t acc = 1;
    for (int d = nd - 1; d >= 0; d--) {
        out_shape[d] = before[d] + in_shape[d] + after[d];
        in_strides[d] = acc;
        acc *= in_shape[d];
    }
    const int64_t n = in_shape[nd - 1], w = out_shape[nd - 1];
    const int64_t lb = before[nd - 1], la = after[nd - 1];
    const int64_t rows = s->out[0]->size / w;
    int64_t lo, hi;
    fg_split(rows, part, nparts, &lo, &hi);
    for (int64_t r = lo; r < hi; r++) {
        char *out = y + r * w * (int64_t)es;
        /* The input row this output row reads, or none (constant padding). */
        int64_t rest = r, in_off = 0;
        int outside = 0;
        for (int d = nd - 2; d >= 0; d--) {
            int64_t i = rest % out_shape[d] - before[d];
            rest /= out_shape[d];
            if (i < 0 || i >= in_shape[d]) {
                if (mode == FG_PAD_CONSTANT) {
                    outside = 1;
                    break;
                }
                i = mirror(i, in_shape[d], mode);
            }
            in_off += i * in_strides[d];
        }
        if (outside || (mode == FG_PAD_CONSTANT && n == 0)) {
            fill_elems(out, fill, w, es);
            continue;
        }
        const char *row = x + in_off * (int64_t)es;
        if (mode == FG_PAD_CONSTANT) {
            fill_elems(out, fill, lb, es);
            fill_elems(out + (lb + n) * (int64_t)es, fill, la, es);
        } else {
            for (int64_t j = 0; j < lb; j++)
                memcpy(out + j * (int64_t)es, row + mirror(j - lb, n, mode) * (int64_t)es, es);
            for (int64_t j = lb + n; j < w; j++)
                memcpy(out + j * (int64_t)es, row + mirror(j - lb, n, mode) * (int64_t)es, es);
        }
        memcpy(out + lb * (int64_t)es, row, (size_t)n * es);
    }
    return FG_OK;
}

/* ---- the adjoints of strided_copy and mirror padding --------------------------- */

/* Zeroes the output, then writes each input element where strided_copy would
 * have read it. Writes of one share could land in another share's zeroed
 * range, so the step runs as one share (the op is not parallel). The
 * positions are distinct (strides are non-zero), so writing is scattering. */
int fg_k_strided_scatter(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int64_t *a = s->iattr;
    const int nd = (int)a[SC_NDIM];
    const size_t es = (size_t)a[SC_ELEM_BYTES];
    const int64_t *shape = a + SC_SHAPE, *stride = a + SC_SHAPE + nd;
    const char *x = (const char *)s->in[0]->data;
    char *y = (char *)s->out[0]->data;
    (void)st;
    if (part != 0 || nparts < 1)
        return FG_OK;
    memset(y, 0, (size_t)s->out[0]->size * es);
    const int64_t n = s->in[0]->size;
    if (n == 0 || nd < 1 || nd > SC_MAX_DIMS)
        return FG_OK;
    int64_t idx[SC_MAX_DIMS] = {0};
    int64_t off = a[SC_OFFSET];
    const int64_t inner = shape[nd - 1], istride = stride[nd - 1];
    for (int64_t i = 0; i < n; i += inner) {
        for (int64_t j = 0; j < inner; j++)
            memcpy(y + (off + j * istride) * (int64_t)es, x + (i + j) * (int64_t)es, es);
        off = next_row(idx, off, shape, stride, nd);
    }
    return FG_OK;
}

/* One row of the padded gradient added into the output row it came from. */
#define MIRROR_GRAD_FN(sfx, T, code, name, ...)                                            \
    static void name##_##sfx(const void *src, void *dst, int64_t w, int64_t n, int64_t lb, \
                             int mode)                                                     \
    {                                                                                      \
        const T *g = (const T *)src;                                                       \
        T *o = (T *)dst;                                                                   \
        for (int64_t j = 0; j < w; j++)                                                    \
            o[mirror(j - lb, n, mode)] += g[j];                                            \
    }
typedef void (*mirror_grad_fn)(const void *src, void *dst, int64_t w, int64_t n, int64_t lb,
                               int mode);
FG_PER_DTYPE(mirror_grad_fn, mirror_grad, FG_NUMERIC, MIRROR_GRAD_FN, _)

/* Rows of the padded gradient that fold onto one output row are added in
 * order, so the sums do not depend on threads; the step is one share. */
int fg_k_mirror_pad_grad(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int64_t *a = s->iattr;
    const int nd = (int)a[PAD_NDIM];
    const size_t es = (size_t)a[PAD_ELEM_BYTES];
    const int mode = (int)a[PAD_MODE];
    const int64_t *out_shape = a + PAD_SHAPE, *before = a + PAD_SHAPE + nd;
    const int64_t *after = a + PAD_SHAPE + 2 * nd;
    const mirror_grad_fn fn = FG_LOOKUP(mirror_grad_fns, s->out[0]->dtype);
    if (!fn)
        return fg_no_kernel(s, s->out[0]->dtype, st);
    if (part != 0 || nparts < 1)
        return FG_OK;
    char *y = (char *)s->out[0]->data;
    const char *g = (const char *)s->in[0]->data;
    memset(y, 0, (size_t)s->out[0]->size * es);
    if (nd < 1 || nd > FG_MAX_DIMS || s->in[0]->size == 0 || s->out[0]->size == 0)
        return FG_OK;
    int64_t in_shape[FG_MAX_DIMS], out_strides[FG_MAX_DIMS];
    int64_t acc = 1;
    for (int d = nd - 1; d >= 0; d--) {
        in_shape[d] = before[d] + out_shape[d] + after[d];
        out_strides[d] = acc;
        acc *= out_shape[d];
    }
    const int64_t w = in_shape[nd - 1], n = out_shape[nd - 1], lb = before[nd - 1];
    const int64_t rows = s->in[0]->size / w;
    for (int64_t r = 0; r < rows; r++) {
        int64_t rest = r, out_off = 0;
        for (int d = nd - 2; d >= 0; d--) {
            out_off += mirror(rest % in_shape[d] - before[d], out_shape[d], mode) * out_strides[d];
            rest /= in_shape[d];
        }
        fn(g + r * w * (int64_t)es, y + out_off * (int64_t)es, w, n, lb, mode);
    }
    return FG_OK;
}

#define CHECK_NUMERICS_FN(sfx, T, code)                                                      \
    static void scan_numerics_##sfx(const T *x, int64_t n, int *nan, int *inf)               \
    {                                                                                         \
        for (int64_t i = 0; i < n; i++) {                                                     \
            if (x[i] != x[i])                                                                 \
                *nan = 1;                                                                     \
            else if (x[i] - x[i] != 0)                                                        \
                *inf = 1;                                                                     \
        }                                                                                     \
    }
FG_FOR_FLOATS(CHECK_NUMERICS_FN)

int fg_k_check_numerics(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part, (void)nparts;
    const fg_value *x = s->in[0], *y = s->out[0];
    const int64_t n = x->size;
    int nan = 0, inf = 0;
    if (x->dtype == FG_FLOAT32)
        scan_numerics_f32((const float *)x->data, n, &nan, &inf);
    else
        scan_numerics_f64((const double *)x->data, n, &nan, &inf);
    if (nan || inf) {
        char msg[FG_MSG_LEN / 2];
        int64_t len = s->iattr[CN_MSG_LEN];
        if (len > (int64_t)sizeof msg - 1)
            len = (int64_t)sizeof msg - 1;
        for (int64_t i = 0; i < len; i++)
            msg[i] = (char)s->iattr[CN_MSG + i];
        msg[len] = 0;
        return fg_fail(st, FG_INVALID_ARGUMENT, "%s : Tensor had %s values", msg,
                       nan && inf ? "Inf and NaN" : nan ? "NaN" : "Inf");
    }
    if (y->data != x->data)
        memmove(y->data, x->data, (size_t)n * fg_dtype_size(x->dtype));
    return FG_OK;
}
