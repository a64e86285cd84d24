/* fastgraph's float32 GEMM micro-kernels and the packed convolution (see gemm.h). */
#include <immintrin.h>
#include <string.h>

#include "conv_geom.h"
#include "gemm.h"
#include "linalg.h"
#include "scalar.h"
#include "types.h"
#include "vmath.h"

#define NR FG_GEMM_NR

int64_t fg_gemm_packed_floats(int64_t k, int64_t n)
{
    return (n + NR - 1) / NR * (k + 1) * NR;
}

void fg_gemm_pack_f32(int64_t k, int64_t n, const float *b, int64_t ldb, const float *bias,
                      float *packed)
{
    for (int64_t j0 = 0; j0 < n; j0 += NR, packed += (k + 1) * NR) {
        const int64_t w = n - j0 < NR ? n - j0 : NR;
        for (int64_t j = 0; j < NR; j++)
            packed[j] = (j < w && bias) ? bias[j0 + j] : 0.0f;
        for (int64_t q = 0; q < k; q++)
            for (int64_t j = 0; j < NR; j++)
                packed[(1 + q) * NR + j] = j < w ? b[q * ldb + j0 + j] : 0.0f;
    }
}

/* One MR x nr tile: a holds ntaps groups of MR row pointers, w one panel
 * (its bias row first), c and res the tile's first output. */
typedef void (*ukernel_fn)(int64_t mr, int64_t nr, int64_t ntaps, int64_t kc,
                           const float *const *a, const float *w, float *c, int64_t ldc,
                           const float *res, int epi);

/* ---- AVX-512: 12 rows x 2 vectors --------------------------------------- */

/* 24 accumulators, 2 panel vectors and a broadcast in 32 registers, and 12
 * row pointers that fit the general registers beside w and the counters
 * (14 rows spill pointers and do not run faster). */
#define MR512 12
#define ROWS12(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

FG_TARGET_AVX512 static void uk_avx512(int64_t mr, int64_t nr, int64_t ntaps, int64_t kc,
                                       const float *const *a, const float *w, float *c,
                                       int64_t ldc, const float *res, int epi)
{
    const __m512 bias0 = _mm512_loadu_ps(w), bias1 = _mm512_loadu_ps(w + 16);
#define DECL(i) __m512 x##i = bias0, y##i = bias1;
    ROWS12(DECL)
#undef DECL
    w += NR;
    for (int64_t t = 0; t < ntaps; t++, a += MR512) {
#define PTR(i) const float *p##i = a[i];
        ROWS12(PTR)
#undef PTR
        for (int64_t q = 0; q < kc; q++, w += NR) {
            const __m512 b0 = _mm512_loadu_ps(w), b1 = _mm512_loadu_ps(w + 16);
#define FMA(i)                                                                                \
    {                                                                                         \
        const __m512 s = _mm512_set1_ps(p##i[q]);                                             \
        x##i = _mm512_fmadd_ps(s, b0, x##i);                                                  \
        y##i = _mm512_fmadd_ps(s, b1, y##i);                                                  \
    }
            ROWS12(FMA)
#undef FMA
        }
    }
    const __mmask16 m0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
    const __mmask16 m1 = nr >= 32   ? (__mmask16)0xFFFF
                         : nr <= 16 ? (__mmask16)0
                                    : (__mmask16)((1u << (nr - 16)) - 1);
    const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.0f);
    /* max(0, v) keeps a NaN v, as fg_relu does. */
#define STORE(i)                                                                              \
    if (i < mr) {                                                                             \
        if (epi & FG_EPI_ADD) {                                                               \
            x##i = _mm512_add_ps(x##i, _mm512_maskz_loadu_ps(m0, res + i * ldc));             \
            y##i = _mm512_add_ps(y##i, _mm512_maskz_loadu_ps(m1, res + i * ldc + 16));        \
        }                                                                                     \
        if (epi & FG_EPI_RELU) {                                                              \
            x##i = _mm512_max_ps(zero, x##i);                                                 \
            y##i = _mm512_max_ps(zero, y##i);                                                 \
        } else if (epi & FG_EPI_RELU6) {                                                      \
            x##i = _mm512_min_ps(six, _mm512_max_ps(zero, x##i));                             \
            y##i = _mm512_min_ps(six, _mm512_max_ps(zero, y##i));                             \
        }                                                                                     \
        _mm512_mask_storeu_ps(c + i * ldc, m0, x##i);                                         \
        _mm512_mask_storeu_ps(c + i * ldc + 16, m1, y##i);                                    \
    }
    ROWS12(STORE)
#undef STORE
}

/* ---- AVX2+FMA: 6 rows x 2 vectors, each half of a panel in turn ------------ */

#define MR256 6
#define ROWS6(X) X(0) X(1) X(2) X(3) X(4) X(5)

FG_TARGET_AVX2 static void uk_avx2_half(int64_t mr, int64_t nr, int64_t ntaps, int64_t kc,
                                        const float *const *a, const float *w, float *c,
                                        int64_t ldc, const float *res, int epi)
{
    const __m256 bias0 = _mm256_loadu_ps(w), bias1 = _mm256_loadu_ps(w + 8);
#define DECL(i) __m256 x##i = bias0, y##i = bias1;
    ROWS6(DECL)
#undef DECL
    w += NR;
    for (int64_t t = 0; t < ntaps; t++, a += MR256) {
#define PTR(i) const float *p##i = a[i];
        ROWS6(PTR)
#undef PTR
        for (int64_t q = 0; q < kc; q++, w += NR) {
            const __m256 b0 = _mm256_loadu_ps(w), b1 = _mm256_loadu_ps(w + 8);
#define FMA(i)                                                                                \
    {                                                                                         \
        const __m256 s = _mm256_broadcast_ss(p##i + q);                                       \
        x##i = _mm256_fmadd_ps(s, b0, x##i);                                                  \
        y##i = _mm256_fmadd_ps(s, b1, y##i);                                                  \
    }
            ROWS6(FMA)
#undef FMA
        }
    }
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr), lane);
    const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr - 8), lane);
    const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.0f);
#define STORE(i)                                                                              \
    if (i < mr) {                                                                             \
        if (epi & FG_EPI_ADD) {                                                               \
            x##i = _mm256_add_ps(x##i, _mm256_maskload_ps(res + i * ldc, m0));                \
            y##i = _mm256_add_ps(y##i, _mm256_maskload_ps(res + i * ldc + 8, m1));            \
        }                                                                                     \
        if (epi & FG_EPI_RELU) {                                                              \
            x##i = _mm256_max_ps(zero, x##i);                                                 \
            y##i = _mm256_max_ps(zero, y##i);                                                 \
        } else if (epi & FG_EPI_RELU6) {                                                      \
            x##i = _mm256_min_ps(six, _mm256_max_ps(zero, x##i));                             \
            y##i = _mm256_min_ps(six, _mm256_max_ps(zero, y##i));                             \
        }                                                                                     \
        if (nr >= 16) {                                                                       \
            _mm256_storeu_ps(c + i * ldc, x##i);                                              \
            _mm256_storeu_ps(c + i * ldc + 8, y##i);                                          \
        } else {                                                                              \
            _mm256_maskstore_ps(c + i * ldc, m0, x##i);                                       \
            _mm256_maskstore_ps(c + i * ldc + 8, m1, y##i);                                   \
        }                                                                                     \
    }
    ROWS6(STORE)
#undef STORE
}

static void uk_avx2(int64_t mr, int64_t nr, int64_t ntaps, int64_t kc, const float *const *a,
                    const float *w, float *c, int64_t ldc, const float *res, int epi)
{
    uk_avx2_half(mr, nr < 16 ? nr : 16, ntaps, kc, a, w, c, ldc, res, epi);
    if (nr > 16)
        uk_avx2_half(mr, nr - 16, ntaps, kc, a, w + 16, c + 16, ldc, res ? res + 16 : NULL, epi);
}

/* ---- portable C: 4 rows x a panel ----------------------------------------- */

#define MRC 4

static void uk_portable(int64_t mr, int64_t nr, int64_t ntaps, int64_t kc, const float *const *a,
                        const float *w, float *c, int64_t ldc, const float *res, int epi)
{
    float acc[MRC][NR];
    for (int i = 0; i < MRC; i++)
        for (int j = 0; j < NR; j++)
            acc[i][j] = w[j];
    w += NR;
    for (int64_t t = 0; t < ntaps; t++, a += MRC)
        for (int64_t q = 0; q < kc; q++, w += NR)
            for (int i = 0; i < MRC; i++) {
                const float s = a[i][q];
                for (int j = 0; j < NR; j++)
                    acc[i][j] += s * w[j];
            }
    for (int64_t i = 0; i < mr; i++)
        for (int64_t j = 0; j < nr; j++) {
            float v = acc[i][j];
            if (epi & FG_EPI_ADD)
                v += res[i * ldc + j];
            if (epi & FG_EPI_RELU)
                v = fg_relu_f32(v);
            else if (epi & FG_EPI_RELU6)
                v = fg_relu6_f32(v);
            c[i * ldc + j] = v;
        }
}

/* ---- dispatch ------------------------------------------------------------ */

typedef struct {
    int mr;
    ukernel_fn fn;
} micro_kernel;

static const micro_kernel kernels[3] = {
    {MRC, uk_portable}, {MR256, uk_avx2}, {MR512, uk_avx512}};
_Static_assert(MR512 <= FG_GEMM_MR_MAX && MR256 <= FG_GEMM_MR_MAX && MRC <= FG_GEMM_MR_MAX,
               "FG_GEMM_MR_MAX bounds every micro-kernel's rows");

static int forced_level = -1;

static const micro_kernel *chosen(void)
{
    const int level = forced_level >= 0 ? forced_level : fg_simd_level();
    return &kernels[level > 2 ? 2 : level];
}

int fg_gemm_set_level(int level)
{
    const int have = fg_simd_level();
    forced_level = level < 0 ? -1 : level < have ? level : have;
    return forced_level >= 0 ? forced_level : have;
}

int fg_gemm_mr(void)
{
    return chosen()->mr;
}

void fg_gemm_indirect_f32(int64_t m, int64_t ntaps, int64_t kc, const float *const *rows,
                          const float *packed, int64_t n, int64_t p0, int64_t p1, float *c,
                          int64_t ldc, const float *res, int epi)
{
    const micro_kernel *uk = chosen();
    const int64_t mr = uk->mr, panel = (ntaps * kc + 1) * NR, tiles = (m + mr - 1) / mr;
    /* A panel (its K x NR floats) stays in cache while every tile's rows
     * stream past it. */
    for (int64_t p = p0; p < p1; p++) {
        const float *w = packed + p * panel;
        const int64_t j0 = p * NR, nr = n - j0 < NR ? n - j0 : NR;
        for (int64_t tl = 0; tl < tiles; tl++) {
            const int64_t i0 = tl * mr, rows_here = m - i0 < mr ? m - i0 : mr;
            uk->fn(rows_here, nr, ntaps, kc, rows + tl * ntaps * mr, w, c + i0 * ldc + j0, ldc,
                   res ? res + i0 * ldc + j0 : NULL, epi);
        }
    }
}

/* ---- conv2d_packed --------------------------------------------------------- */

/* Row pointers of tiles [t0, t1) (mr rows each, rows past `rows` repeat the
 * tile's first) in fg_gemm_indirect_f32's layout: padded taps read `zero`. */
static void tap_pointers(const geom *g, const float *x, const float *zero, int64_t rows,
                         int64_t mr, int64_t t0, int64_t t1, const float **out)
{
    const int64_t ntaps = g->kh * g->kw, pixels = g->oh * g->ow;
    for (int64_t tl = t0; tl < t1; tl++) {
        const float **tile = out + (tl - t0) * ntaps * mr;
        for (int64_t i = 0; i < mr; i++) {
            int64_t r = tl * mr + i;
            if (r >= rows)
                r = tl * mr;
            const int64_t img = r / pixels, oy = (r % pixels) / g->ow, ox = r % g->ow;
            const int64_t y0 = oy * g->sh - g->pt, x0 = ox * g->sw - g->pl;
            for (int64_t ky = 0; ky < g->kh; ky++) {
                const int64_t iy = y0 + ky * g->dh;
                for (int64_t kx = 0; kx < g->kw; kx++) {
                    const int64_t ix = x0 + kx * g->dw;
                    const int inside = iy >= 0 && iy < g->h && ix >= 0 && ix < g->w;
                    tile[(ky * g->kw + kx) * mr + i] =
                        inside ? x + ((img * g->h + iy) * g->w + ix) * g->c : zero;
                }
            }
        }
    }
}

/* Rows [t0 * mr, t1 * mr) copied out whole into `buf` (K floats each, zero
 * over the padding), and one pointer per row to them (rows past `rows` get
 * their tile's first). */
static void im2col_rows(const geom *g, const float *x, int64_t rows, int64_t mr, int64_t t0,
                        int64_t t1, float *buf, const float **out)
{
    const int64_t pixels = g->oh * g->ow, k = g->kh * g->kw * g->c;
    for (int64_t r = t0 * mr; r < t1 * mr; r++) {
        float *row = buf + (r - t0 * mr) * k;
        out[r - t0 * mr] = r < rows ? row : buf + ((r / mr) * mr - t0 * mr) * k;
        if (r >= rows)
            continue;
        const int64_t img = r / pixels, rest = r % pixels, crow = g->c;
        int64_t ys, ky0, ky1, xs, kx0, kx1;
        taps(rest / g->ow, g->sh, g->pt, g->dh, g->kh, g->h, &ys, &ky0, &ky1);
        taps(rest % g->ow, g->sw, g->pl, g->dw, g->kw, g->w, &xs, &kx0, &kx1);
        if (ky0 > 0 || ky1 < g->kh || kx0 > 0 || kx1 < g->kw)
            memset(row, 0, (size_t)k * sizeof(float));
        for (int64_t ky = ky0; ky < ky1; ky++) {
            const float *src = x + ((img * g->h + ys + ky * g->dh) * g->w) * crow;
            float *dst = row + ky * g->kw * crow;
            if (g->dw == 1) {
                /* Undilated taps of one image row are one contiguous run. */
                memcpy(dst + kx0 * crow, src + (xs + kx0) * crow,
                       (size_t)((kx1 - kx0) * crow) * sizeof(float));
            } else {
                for (int64_t kx = kx0; kx < kx1; kx++)
                    for (int64_t q = 0; q < crow; q++)
                        dst[kx * crow + q] = src[(xs + kx * g->dw) * crow + q];
            }
        }
    }
}

/* The 2-D split: gm row blocks by gn panel blocks, gm * gn = nparts, with
 * the fewest tiles in the biggest share (rows first on a tie: each share
 * then reads the whole filter but only its own rows). */
static void split_grid(int64_t tiles, int64_t panels, int nparts, int *gm, int *gn)
{
    int64_t best = -1;
    for (int m = nparts; m >= 1; m--) {
        if (nparts % m)
            continue;
        const int n = nparts / m;
        const int64_t cost = ((tiles + m - 1) / m) * ((panels + n - 1) / n);
        if (best < 0 || cost < best) {
            best = cost;
            *gm = m;
            *gn = n;
        }
    }
}

int fg_k_conv2d_packed(const fg_step *s, int part, int nparts, fg_status *st)
{
    const geom g = read_geom(s->iattr);
    const int64_t co = s->iattr[GEMM_CO];
    const int epi = (int)s->iattr[GEMM_EPILOGUE];
    const fg_value *x = s->in[0], *packed = s->in[1], *y = s->out[0], *scratch = s->out[1];
    const float *res = (epi & FG_EPI_ADD) ? s->in[2]->data : NULL;
    const int64_t rows = g.n * g.oh * g.ow, ntaps = g.kh * g.kw, panels = (co + NR - 1) / NR;
    const int64_t mr = fg_gemm_mr(), tiles = (rows + mr - 1) / mr;
    int gm = 1, gn = 1;
    split_grid(tiles, panels, nparts, &gm, &gn);
    int64_t t0, t1, q0, q1;
    fg_split(tiles, part / gn, gm, &t0, &t1);
    fg_split(panels, part % gn, gn, &q0, &q1);
    if (t0 >= t1 || q0 >= q1)
        return FG_OK;
    /* This share's scratch: a zero row for the padding, then row pointers. */
    const int64_t share = scratch->size / s->nparts;
    char *mine = (char *)scratch->data + share * part;
    const int im2col = (int)s->iattr[GEMM_IM2COL];
    const int64_t k = ntaps * g.c, zbytes = (g.c * (int64_t)sizeof(float) + 63) / 64 * 64;
    /* Bytes per tile of a chunk: its pointers, and its rows when copied. */
    const int64_t per_tile = im2col ? mr * ((int64_t)sizeof(float *) + k * (int64_t)sizeof(float))
                                    : mr * ntaps * (int64_t)sizeof(float *);
    const int64_t chunk = (share - zbytes) / per_tile;
    if (chunk < 1)
        return fg_fail(st, FG_INTERNAL, "%s: conv2d_packed scratch too small", s->name);
    float *zero = (float *)mine;
    memset(zero, 0, (size_t)g.c * sizeof(float));
    const float **ptrs = (const float **)(mine + zbytes);
    float *cols = (float *)(mine + zbytes + chunk * mr * (int64_t)sizeof(float *));
    for (int64_t c0 = t0; c0 < t1; c0 += chunk) {
        const int64_t c1 = c0 + chunk < t1 ? c0 + chunk : t1;
        const int64_t i0 = c0 * mr, i1 = c1 * mr < rows ? c1 * mr : rows;
        float *out = (float *)y->data + i0 * co;
        if (im2col) {
            im2col_rows(&g, x->data, rows, mr, c0, c1, cols, ptrs);
            fg_gemm_indirect_f32(i1 - i0, 1, k, ptrs, packed->data, co, q0, q1, out, co,
                                 res ? res + i0 * co : NULL, epi);
        } else {
            tap_pointers(&g, x->data, zero, rows, mr, c0, c1, ptrs);
            fg_gemm_indirect_f32(i1 - i0, ntaps, g.c, ptrs, packed->data, co, q0, q1, out, co,
                                 res ? res + i0 * co : NULL, epi);
        }
    }
    return FG_OK;
}
