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
#include "types.h"

static fg_sgemm_fn sgemm_ptr;
static fg_dgemm_fn dgemm_ptr;
static fg_blas_threads_fn threads_local_ptr;

void fg_set_gemm(fg_sgemm_fn sgemm, fg_dgemm_fn dgemm, fg_blas_threads_fn threads_local)
{
    sgemm_ptr = sgemm;
    dgemm_ptr = dgemm;
    threads_local_ptr = threads_local;
}

int fg_have_gemm(void)
{
    return sgemm_ptr != NULL && dgemm_ptr != NULL;
}

#define GEMM_FN(sfx, T, PTR)                                                                 \
    int fg_gemm_##sfx(int ta, int tb, int64_t m, int64_t n, int64_t k, T alpha, const T *a,  \
                      int64_t lda, const T *b, int64_t ldb, T beta, T *c, int64_t ldc)       \
    {                                                                                        \
        if (!PTR)                                                                            \
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
        char tra = tb ? 'T' : 'N', trb = ta ? 'T' : 'N';                                     \
        int im = (int)n, in = (int)m, ik = (int)k, ilda = (int)ldb, ildb = (int)lda,         \
            ildc = (int)ldc;                                                                 \
        /* BLAS threads would fight the executor's for the same cores. */                 \
        int old = threads_local_ptr ? threads_local_ptr(1) : 0;                              \
        PTR(&tra, &trb, &im, &in, &ik, &alpha, (T *)b, &ilda, (T *)a, &ildb, &beta, c,       \
            &ildc);                                                                          \
        if (threads_local_ptr)                                                               \
            threads_local_ptr(old);                                                          \
        return 1;                                                                            \
    }
GEMM_FN(f32, float, sgemm_ptr)
GEMM_FN(f64, double, dgemm_ptr)

#define EPILOGUE_FN(sfx, T, code)                                                            \
    static void epilogue_##sfx(int epi, T *c, int64_t rows, int64_t n, const T *bias)         \
    {                                                                                         \
        for (int64_t i = 0; i < rows; i++, c += n) {                                          \
            if (epi == (FG_EPI_BIAS | FG_EPI_RELU)) {                                         \
                for (int64_t j = 0; j < n; j++) {                                             \
                    T v = c[j] + bias[j];                                                     \
                    c[j] = v < 0 ? 0 : v;                                                     \
                }                                                                             \
            } else if (epi == FG_EPI_BIAS) {                                                  \
                for (int64_t j = 0; j < n; j++)                                               \
                    c[j] += bias[j];                                                          \
            } else {                                                                          \
                for (int64_t j = 0; j < n; j++)                                               \
                    c[j] = c[j] < 0 ? 0 : c[j];                                               \
            }                                                                                 \
        }                                                                                     \
    }
FG_FOR_FLOATS(EPILOGUE_FN)

void fg_gemm_epilogue(int dtype, int epilogue, void *c, int64_t rows, int64_t n,
                      const void *bias)
{
    if (!epilogue)
        return;
    if (dtype == FG_FLOAT32)
        epilogue_f32(epilogue, c, rows, n, bias);
    else if (dtype == FG_FLOAT64)
        epilogue_f64(epilogue, c, rows, n, bias);
}

/* Integer products have no BLAS: a plain triple loop (i, p, j order, so the
 * inner loop runs along rows of B and C). */
#define IMATMUL_FN(sfx, T)                                                                   \
    static void imatmul_##sfx(int ta, int tb, int64_t m, int64_t n, int64_t k, int64_t lda,  \
                              const T *a, const T *b, T *c)                                  \
    {                                                                                        \
        for (int64_t i = 0; i < m * n; i++)                                                  \
            c[i] = 0;                                                                        \
        for (int64_t i = 0; i < m; i++)                                                      \
            for (int64_t p = 0; p < k; p++) {                                                \
                T av = ta ? a[p * lda + i] : a[i * lda + p];                                 \
                for (int64_t j = 0; j < n; j++)                                              \
                    c[i * n + j] += av * (tb ? b[j * k + p] : b[p * n + j]);                 \
            }                                                                                \
    }
IMATMUL_FN(i32, int32_t)
IMATMUL_FN(i64, int64_t)

int fg_k_matmul(const fg_step *s, int part, int nparts, fg_status *st)
{
    const int64_t m = s->iattr[0], n = s->iattr[1], k = s->iattr[2];
    const int ta = (int)s->iattr[3], tb = (int)s->iattr[4];
    const fg_value *a = s->in[0], *b = s->in[1], *c = s->out[0];
    const size_t e = fg_dtype_size(c->dtype);
    const int epi = FG_EPILOGUE_OF(s);
    const void *bias = (epi & FG_EPI_BIAS) ? s->in[2]->data : NULL;
    if ((c->dtype == FG_FLOAT32 || c->dtype == FG_FLOAT64) && !fg_have_gemm())
        return fg_fail(st, FG_FAILED_PRECONDITION, "%s: no BLAS was loaded for matmul", s->name);
    fg_bcast w;
    fg_bcast_init(&w, s->iattr + 5, 2);
    int64_t lo, hi;
    fg_split(w.rows * w.inner * m, part, nparts, &lo, &hi);
    while (lo < hi) {
        /* This share's rows [r0, r1) of matrix bi. */
        const int64_t bi = lo / m, r0 = lo % m;
        const int64_t r1 = (hi - bi * m) < m ? hi - bi * m : m;
        /* The batch walker's rows are all batch dims but the last. */
        fg_bcast_seek(&w, bi / w.inner);
        const int64_t j = bi % w.inner;
        const int64_t ia = w.off[0] + j * w.strides[0][w.nd - 1];
        const int64_t ib = w.off[1] + j * w.strides[1][w.nd - 1];
        /* Rows r0.. of op(A): row offset r0 * k, or column offset r0 when A is stored [k, m]. */
        const char *pa = (const char *)a->data + (ia * m * k + (ta ? r0 : r0 * k)) * e;
        const char *pb = (const char *)b->data + ib * k * n * e;
        char *pc = (char *)c->data + (bi * m + r0) * n * e;
        const int64_t rows = r1 - r0, lda = ta ? m : k, ldb = tb ? k : n;
        switch (c->dtype) {
        case FG_FLOAT32:
            fg_gemm_f32(ta, tb, rows, n, k, 1.0f, (const float *)pa, lda, (const float *)pb, ldb,
                        0.0f, (float *)pc, n);
            break;
        case FG_FLOAT64:
            fg_gemm_f64(ta, tb, rows, n, k, 1.0, (const double *)pa, lda, (const double *)pb,
                        ldb, 0.0, (double *)pc, n);
            break;
        case FG_INT32:
            imatmul_i32(ta, tb, rows, n, k, lda, (const int32_t *)pa, (const int32_t *)pb,
                        (int32_t *)pc);
            break;
        default:
            imatmul_i64(ta, tb, rows, n, k, lda, (const int64_t *)pa, (const int64_t *)pb,
                        (int64_t *)pc);
            break;
        }
        fg_gemm_epilogue(c->dtype, epi, pc, rows, n, bias);
        lo = bi * m + r1;
    }
    return FG_OK;
}
