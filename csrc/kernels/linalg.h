/* Matrix products through BLAS. The BLAS functions come from SciPy's
 * cython_blas at run time (fg_set_gemm), so the C core links no BLAS itself.
 * matmul iattr = [m, n, k, transpose_a, transpose_b, split_cols, batch
 * walker..., epilogue] (the MATMUL_* indices; the walker is broadcast.h's
 * over the batch dims); its shares split the batch * m output rows, or with
 * split_cols the n columns of every product. */
#ifndef FG_LINALG_H
#define FG_LINALG_H

#define FG_OPS_LINALG(X) X(matmul) X(matrix_diag) X(matrix_diag_part) X(matrix_set_diag) \
    X(matrix_band_part)

/* The main diagonal ops (k = 0) over batch x m x n matrices: iattr =
 * [batch, m, n]. They move whole elements, so one kernel serves every dtype.
 * matrix_diag reads its padding value from input 4, matrix_band_part its
 * num_lower and num_upper from inputs 1 and 2 (int32 or int64) at run time. */
enum { DIAG_BATCH, DIAG_M, DIAG_N };

enum { MATMUL_M, MATMUL_N, MATMUL_K, MATMUL_TA, MATMUL_TB, MATMUL_SPLIT_COLS, MATMUL_BATCH };

/* The kernels that call BLAS (the Python runtime loads SciPy's BLAS before a
 * plan holding one runs). */
#define FG_GEMM_KERNELS(X) X(matmul) X(conv2d) X(conv2d_transpose) X(conv2d_backprop_filter)
#define FG_GEMM_COUNT_(name) +1
enum { FG_GEMM_KERNEL_COUNT = 0 FG_GEMM_KERNELS(FG_GEMM_COUNT_) };
#undef FG_GEMM_COUNT_
extern const char *const fg_gemm_kernel_names[FG_GEMM_KERNEL_COUNT];

/* Fortran BLAS ?gemm and ?gemv: column-major, arguments by pointer. */
typedef void (*fg_sgemm_fn)(char *transa, char *transb, int *m, int *n, int *k, float *alpha,
                            float *a, int *lda, float *b, int *ldb, float *beta, float *c,
                            int *ldc);
typedef void (*fg_dgemm_fn)(char *transa, char *transb, int *m, int *n, int *k, double *alpha,
                            double *a, int *lda, double *b, int *ldb, double *beta, double *c,
                            int *ldc);
typedef void (*fg_sgemv_fn)(char *trans, int *m, int *n, float *alpha, float *a, int *lda,
                            float *x, int *incx, float *beta, float *y, int *incy);
typedef void (*fg_dgemv_fn)(char *trans, int *m, int *n, double *alpha, double *a, int *lda,
                            double *x, int *incx, double *beta, double *y, int *incy);
/* OpenBLAS's openblas_set_num_threads_local: sets the calling thread's BLAS
 * thread count, returns the old one. */
typedef int (*fg_blas_threads_fn)(int n);

typedef struct fg_blas {
    fg_sgemm_fn sgemm;
    fg_dgemm_fn dgemm;
    fg_sgemv_fn sgemv;
    fg_dgemv_fn dgemv;
    /* The executor splits products across its own threads, so each call
     * runs single-threaded when this is given (it may be NULL). */
    fg_blas_threads_fn threads_local;
} fg_blas;

void fg_set_blas(const fg_blas *blas);
int fg_have_gemm(void);

/* Row-major C[m, n] = alpha op(A) op(B) + beta C, with op(A) [m, k] and
 * op(B) [k, n]; ta/tb say A is stored [k, m] / B [n, k]. A single row or
 * column of C goes through ?gemv (OpenBLAS's ?gemm is several times slower
 * there). Returns 0 when no BLAS was installed. */
int fg_gemm_f32(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);
int fg_gemm_f64(int ta, int tb, int64_t m, int64_t n, int64_t k, double alpha, const double *a,
                int64_t lda, const double *b, int64_t ldb, double beta, double *c, int64_t ldc);

/* Epilogues fused into a GEMM's output pass: flags in the last iattr of
 * matmul, conv2d and depthwise_conv2d (0: none), applied as
 * c = act(c + bias + residual). The bias is the step's third input, added
 * along the last dim; the residual (convolutions only) the next input, of
 * c's shape; act is relu or relu6. compiler/epilogue.py's EPI_* carry the
 * same values. */
#define FG_EPILOGUE_FLAGS(X) X(BIAS, 1) X(RELU, 2) X(RELU6, 4) X(ADD, 8)
#define FG_EPI_ENUM_(name, bit) FG_EPI_##name = bit,
enum { FG_EPILOGUE_FLAGS(FG_EPI_ENUM_) };
#undef FG_EPI_ENUM_
#define FG_EPI_COUNT_(name, bit) +1
enum { FG_EPILOGUE_FLAG_COUNT = 0 FG_EPILOGUE_FLAGS(FG_EPI_COUNT_) };
#undef FG_EPI_COUNT_
/* The flags' names and values, for the Python side's check. */
extern const char *const fg_epilogue_flag_names[FG_EPILOGUE_FLAG_COUNT];
extern const int fg_epilogue_flag_bits[FG_EPILOGUE_FLAG_COUNT];

/* Applies `epilogue` to rows x n of c (row stride ldc) while they are in
 * cache; res (NULL without FG_EPI_ADD) has c's layout. */
void fg_gemm_epilogue(int dtype, int epilogue, void *c, int64_t rows, int64_t n, int64_t ldc,
                      const void *bias, const void *res);

/* The epilogue of GEMM step `s`: its last iattr. */
#define FG_EPILOGUE_OF(s) ((int)(s)->iattr[(s)->n_iattr - 1])

#endif
