/* Matrix products (see linalg.h).
 *
 * A row-major matrix is its transpose in column-major order, so row-major
 * C = op(A) op(B) is computed as column-major C^T = op(B)^T op(A)^T: the
 * same buffers, operands swapped, no copies.
 */
#include <stdint.h>
#include <string.h>

#include "broadcast.h"
#include "linalg.h"
#include "scalar.h"
#include "types.h"

static fg_blas blas;

void fg_set_blas(const fg_blas *b)
{
    blas = *b;
}

int fg_have_gemm(void)
{
    return blas.sgemm && blas.dgemm && blas.sgemv && blas.dgemv;
}

#define GEMM_FN(sfx, T, GEMM, GEMV)                                                          \
    int fg_gemm_##sfx(int ta, int tb, int64_t m, int64_t n, int64_t k, T alpha, const T *a,  \
                      int64_t lda, const T *b, int64_t ldb, T beta, T *c, int64_t ldc)       \
    {                                                                                        \
        if (!fg_have_gemm())                                                                 \
            return 0;                                                                        \
        if (m == 0 || n == 0)                                                                \
            return 1;                                                                        \
        if (k == 0) {                                                                        \
            /* BLAS leaves C alone when k = 0 and beta = 1; scale it as asked. */           \
            for (int64_t i = 0; i < m; i++)                                                  \
                for (int64_t j = 0; j < n; j++)                                              \
                    c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];                  \
            return 1;                                                                        \
        }                                                                                    \
        /* BLAS threads would fight the executor's for the same cores. */                 \
        int old = blas.threads_local ? blas.threads_local(1) : 0;                            \
        int one = 1, ik = (int)k;                                                            \
        if (m == 1) {                                                                        \
            /* c[j] = sum_p opA[0, p] opB[p, j]: B is column-major n x k (or its             \
             * transpose), the row of A a strided vector. */                                 \
            char tr = tb ? 'T' : 'N';                                                        \
            int rows = tb ? ik : (int)n, cols = tb ? (int)n : ik, ld = (int)ldb;             \
            int incx = ta ? (int)lda : 1;                                                    \
            GEMV(&tr, &rows, &cols, &alpha, (T *)b, &ld, (T *)a, &incx, &beta, c, &one);     \
        } else if (n == 1) {                                                                 \
            /* c[i] = sum_p opA[i, p] opB[p, 0]: the column of B a strided vector. */       \
            char tr = ta ? 'N' : 'T';                                                        \
            int rows = ta ? (int)m : ik, cols = ta ? ik : (int)m, ld = (int)lda;             \
            int incx = tb ? 1 : (int)ldb, incy = (int)ldc;                                   \
            GEMV(&tr, &rows, &cols, &alpha, (T *)a, &ld, (T *)b, &incx, &beta, c, &incy);    \
        } else {                                                                             \
            /* Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T. */          \
            char tra = tb ? 'T' : 'N', trb = ta ? 'T' : 'N';                                 \
            int im = (int)n, in = (int)m, ilda = (int)ldb, ildb = (int)lda, ildc = (int)ldc; \
            GEMM(&tra, &trb, &im, &in, &ik, &alpha, (T *)b, &ilda, (T *)a, &ildb, &beta, c,  \
                 &ildc);                                                                     \
        }                                                                                    \
        if (blas.threads_local)                                                              \
            blas.threads_local(old);                                                         \
        return 1;                                                                            \
    }
GEMM_FN(f32, float, blas.sgemm, blas.sgemv)
GEMM_FN(f64, double, blas.dgemm, blas.dgemv)

#define GEMM_NAME(name) #name,
const char *const fg_gemm_kernel_names[FG_GEMM_KERNEL_COUNT] = {FG_GEMM_KERNELS(GEMM_NAME)};
#undef GEMM_NAME
/* A name in FG_GEMM_KERNELS that is not in the op table fails the build. */
#define GEMM_IS_OP(name) _Static_assert(FG_OP_##name < FG_OP_COUNT, #name " is a kernel");
FG_GEMM_KERNELS(GEMM_IS_OP)
#undef GEMM_IS_OP

#define EPI_NAME(name, bit) #name,
#define EPI_BIT(name, bit) bit,
const char *const fg_epilogue_flag_names[FG_EPILOGUE_FLAG_COUNT] = {FG_EPILOGUE_FLAGS(EPI_NAME)};
const int fg_epilogue_flag_bits[FG_EPILOGUE_FLAG_COUNT] = {FG_EPILOGUE_FLAGS(EPI_BIT)};
#undef EPI_NAME
#undef EPI_BIT

#define EPILOGUE_FN(sfx, T, code)                                                            \
    static void epilogue_##sfx(int epi, T *c, int64_t rows, int64_t n, int64_t ldc,          \
                               const T *bias, const T *res)                                   \
    {                                                                                         \
        for (int64_t i = 0; i < rows; i++, c += ldc) {                                        \
            if (epi & FG_EPI_BIAS)                                                            \
                for (int64_t j = 0; j < n; j++)                                               \
                    c[j] += bias[j];                                                          \
            if (epi & FG_EPI_ADD) {                                                           \
                for (int64_t j = 0; j < n; j++)                                               \
                    c[j] += res[j];                                                           \
                res += ldc;                                                                   \
            }                                                                                 \
            if (epi & FG_EPI_RELU)                                                            \
                for (int64_t j = 0; j < n; j++)                                               \
                    c[j] = fg_relu(c[j]);                                                     \
            else if (epi & FG_EPI_RELU6)                                                      \
                for (int64_t j = 0; j < n; j++)                                               \
                    c[j] = fg_relu6(c[j]);                                                    \
        }                                                                                     \
    }
FG_FOR_FLOATS(EPILOGUE_FN)

void fg_gemm_epilogue(int dtype, int epilogue, void *c, int64_t rows, int64_t n, int64_t ldc,
                      const void *bias, const void *res)
{
    if (!epilogue)
        return;
    if (dtype == FG_FLOAT32)
        epilogue_f32(epilogue, c, rows, n, ldc, bias, res);
    else if (dtype == FG_FLOAT64)
        epilogue_f64(epilogue, c, rows, n, ldc, bias, res);
}

/* Integer products have no BLAS: a plain triple loop (i, p, j order, so the
 * inner loop runs along rows of B and C). */
#define IMATMUL_FN(sfx, T)                                                                   \
    static void imatmul_##sfx(int ta, int tb, int64_t m, int64_t n, int64_t k, const T *a,   \
                              int64_t lda, const T *b, int64_t ldb, T *c, int64_t ldc)       \
    {                                                                                        \
        for (int64_t i = 0; i < m; i++)                                                      \
            for (int64_t j = 0; j < n; j++)                                                  \
                c[i * ldc + j] = 0;                                                          \
        for (int64_t i = 0; i < m; i++)                                                      \
            for (int64_t p = 0; p < k; p++) {                                                \
                T av = ta ? a[p * lda + i] : a[i * lda + p];                                 \
                for (int64_t j = 0; j < n; j++)                                              \
                    c[i * ldc + j] += av * (tb ? b[j * ldb + p] : b[p * ldb + j]);           \
            }                                                                                \
    }
IMATMUL_FN(i32, int32_t)
IMATMUL_FN(i64, int64_t)

/* Rows [r0, r1) and columns [c0, c1) of product `bi` of the batch. */
static void matmul_block(const fg_step *s, fg_bcast *w, int64_t bi, int64_t r0, int64_t r1,
                         int64_t c0, int64_t c1)
{
    const int64_t m = s->iattr[MATMUL_M], n = s->iattr[MATMUL_N], k = s->iattr[MATMUL_K];
    const int ta = (int)s->iattr[MATMUL_TA], tb = (int)s->iattr[MATMUL_TB];
    const fg_value *a = s->in[0], *b = s->in[1], *c = s->out[0];
    const size_t e = fg_dtype_size(c->dtype);
    const int epi = FG_EPILOGUE_OF(s);
    /* The batch walker's rows are all batch dims but the last. */
    fg_bcast_seek(w, bi / w->inner);
    const int64_t j = bi % w->inner;
    const int64_t ia = w->off[0] + j * w->strides[0][w->nd - 1];
    const int64_t ib = w->off[1] + j * w->strides[1][w->nd - 1];
    /* Rows r0.. of op(A): row offset r0 * k, or column offset r0 when A is
     * stored [k, m]; columns c0.. of op(B) likewise. */
    const char *pa = (const char *)a->data + (ia * m * k + (ta ? r0 : r0 * k)) * e;
    const char *pb = (const char *)b->data + (ib * k * n + (tb ? c0 * k : c0)) * e;
    char *pc = (char *)c->data + ((bi * m + r0) * n + c0) * e;
    const int64_t rows = r1 - r0, cols = c1 - c0, lda = ta ? m : k, ldb = tb ? k : n;
    switch (c->dtype) {
    case FG_FLOAT32:
        fg_gemm_f32(ta, tb, rows, cols, k, 1.0f, (const float *)pa, lda, (const float *)pb, ldb,
                    0.0f, (float *)pc, n);
        break;
    case FG_FLOAT64:
        fg_gemm_f64(ta, tb, rows, cols, k, 1.0, (const double *)pa, lda, (const double *)pb, ldb,
                    0.0, (double *)pc, n);
        break;
    case FG_INT32:
        imatmul_i32(ta, tb, rows, cols, k, (const int32_t *)pa, lda, (const int32_t *)pb, ldb,
                    (int32_t *)pc, n);
        break;
    default:
        imatmul_i64(ta, tb, rows, cols, k, (const int64_t *)pa, lda, (const int64_t *)pb, ldb,
                    (int64_t *)pc, n);
        break;
    }
    if (epi) {
        const char *bias = (epi & FG_EPI_BIAS) ? (const char *)s->in[2]->data + c0 * e : NULL;
        fg_gemm_epilogue(c->dtype, epi, pc, rows, cols, n, bias, NULL);
    }
}

/* Columns per unit of a column split: whole cache lines of C per share. */
#define COL_UNIT 16

int fg_k_matmul(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int64_t m = s->iattr[MATMUL_M], n = s->iattr[MATMUL_N];
    const int split_cols = (int)s->iattr[MATMUL_SPLIT_COLS];
    const fg_value *c = s->out[0];
    if ((c->dtype == FG_FLOAT32 || c->dtype == FG_FLOAT64) && !fg_have_gemm())
        return fg_fail(st, FG_FAILED_PRECONDITION, "%s: no BLAS was loaded for matmul", s->name);
    fg_bcast w;
    fg_bcast_init(&w, s->iattr + MATMUL_BATCH, 2);
    const int64_t batch = w.rows * w.inner;
    int64_t lo, hi;
    if (split_cols) {
        /* Each share multiplies by its own columns of B: B, the big operand
         * here, is read (and packed by BLAS) once in all instead of once per share. */
        fg_split((n + COL_UNIT - 1) / COL_UNIT, part, nparts, &lo, &hi);
        const int64_t c0 = lo * COL_UNIT, c1 = hi * COL_UNIT < n ? hi * COL_UNIT : n;
        for (int64_t bi = 0; c0 < c1 && bi < batch; bi++)
            matmul_block(s, &w, bi, 0, m, c0, c1);
        return FG_OK;
    }
    fg_split(batch * m, part, nparts, &lo, &hi);
    while (lo < hi) {
        /* This share's rows [r0, r1) of product bi. */
        const int64_t bi = lo / m, r0 = lo % m;
        const int64_t r1 = (hi - bi * m) < m ? hi - bi * m : m;
        matmul_block(s, &w, bi, r0, r1, 0, n);
        lo = bi * m + r1;
    }
    return FG_OK;
}

/* ---- diagonals and bands (k = 0) --------------------------------------- */

int fg_k_matrix_diag(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part, (void)nparts, (void)st;
    const int64_t batch = s->iattr[DIAG_BATCH], m = s->iattr[DIAG_M], n = s->iattr[DIAG_N];
    const int64_t d = m < n ? m : n;
    const size_t e = fg_dtype_size(s->out[0]->dtype);
    const char *diag = (const char *)s->in[0]->data, *pad = (const char *)s->in[4]->data;
    char *out = (char *)s->out[0]->data;
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                const char *src = i == j ? diag + (b * d + i) * e : pad;
                memcpy(out + ((b * m + i) * n + j) * e, src, e);
            }
    return FG_OK;
}

int fg_k_matrix_diag_part(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part, (void)nparts, (void)st;
    const int64_t batch = s->iattr[DIAG_BATCH], m = s->iattr[DIAG_M], n = s->iattr[DIAG_N];
    const int64_t d = m < n ? m : n;
    const size_t e = fg_dtype_size(s->out[0]->dtype);
    const char *in = (const char *)s->in[0]->data;
    char *out = (char *)s->out[0]->data;
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < d; i++)
            memcpy(out + (b * d + i) * e, in + ((b * m + i) * n + i) * e, e);
    return FG_OK;
}

int fg_k_matrix_set_diag(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part, (void)nparts, (void)st;
    const int64_t batch = s->iattr[DIAG_BATCH], m = s->iattr[DIAG_M], n = s->iattr[DIAG_N];
    const int64_t d = m < n ? m : n;
    const size_t e = fg_dtype_size(s->out[0]->dtype);
    const char *in = (const char *)s->in[0]->data, *diag = (const char *)s->in[1]->data;
    char *out = (char *)s->out[0]->data;
    if (out != in)
        memmove(out, in, (size_t)(batch * m * n) * e);
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < d; i++)
            memcpy(out + ((b * m + i) * n + i) * e, diag + (b * d + i) * e, e);
    return FG_OK;
}

static int64_t scalar_index(const fg_value *v)
{
    return v->dtype == FG_INT64 ? *(const int64_t *)v->data : *(const int32_t *)v->data;
}

int fg_k_matrix_band_part(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part, (void)nparts;
    const int64_t batch = s->iattr[DIAG_BATCH], m = s->iattr[DIAG_M], n = s->iattr[DIAG_N];
    const int64_t lower = scalar_index(s->in[1]), upper = scalar_index(s->in[2]);
    if (lower > m)
        return fg_fail(st, FG_INVALID_ARGUMENT,
                       "num_lower must be negative or less or equal to number of rows (%lld) "
                       "got: %lld", (long long)m, (long long)lower);
    if (upper > n)
        return fg_fail(st, FG_INVALID_ARGUMENT,
                       "num_upper must be negative or less or equal to number of columns (%lld) "
                       "got: %lld", (long long)n, (long long)upper);
    const size_t e = fg_dtype_size(s->out[0]->dtype);
    const char *in = (const char *)s->in[0]->data;
    char *out = (char *)s->out[0]->data;
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                const size_t at = (size_t)((b * m + i) * n + j) * e;
                /* All-zero bytes are zero in every dtype fastgraph has. */
                if ((lower < 0 || i - j <= lower) && (upper < 0 || j - i <= upper))
                    memmove(out + at, in + at, e);
                else
                    memset(out + at, 0, e);
            }
    return FG_OK;
}
