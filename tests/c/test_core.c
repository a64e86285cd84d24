/* The C core on its own: plans built by hand, run by the executor, with no
 * Python in the process. Each test builds a small fg_plan the way the
 * Cython lowering does (values, steps, their attrs in the plan's pools),
 * runs it and checks the values, the status and that the plan's memory
 * comes back (fg_live_bytes).
 *
 * Built and run by tests/test_c_core.py, and under ASan/UBSan by
 * scripts/sanitize.sh:
 *   gcc -std=c11 -D_GNU_SOURCE -fwrapv -Icsrc tests/c/test_core.c csrc/plan.c \
 *       csrc/pool.c csrc/kernels/(*).c -lm -pthread && ./a.out
 * Exit status 0 when every check passes; each failure is printed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fg.h"
#include "kernels/fused.h"
#include "kernels/linalg.h"
#include "pool.h"

static int failures, checks;

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        checks++;                                                                           \
        if (!(cond)) {                                                                      \
            failures++;                                                                     \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__,  \
                    #cond);                                                                 \
        }                                                                                   \
    } while (0)

/* ---- building plans ---------------------------------------------------------- */

/* Room in the pools of every test plan; each test stays well inside it. */
enum { MAX_IO = 64, MAX_IATTR = 256, MAX_FATTR = 16, MAX_NAMES = 512 };

typedef struct builder {
    fg_plan *p;
    int32_t steps;
    int64_t io, iattr, fattr, names, arena_used;
} builder;

static int builder_init(builder *b, int32_t n_values, int32_t n_steps, int64_t arena_bytes)
{
    memset(b, 0, sizeof *b);
    b->p = fg_plan_create(n_values, n_steps, MAX_IO, MAX_IATTR, MAX_FATTR, MAX_NAMES,
                          arena_bytes);
    return b->p != NULL;
}

/* Value `i`: `dtype` of `shape`, its data at `data` (NULL: the next free
 * 64-byte aligned slot of the arena). */
static fg_value *value(builder *b, int i, int dtype, int ndim, const int64_t *shape, void *data)
{
    fg_value *v = &b->p->values[i];
    v->dtype = dtype;
    v->ndim = ndim;
    v->size = 1;
    for (int d = 0; d < ndim; d++) {
        v->shape[d] = shape[d];
        v->size *= shape[d];
    }
    if (!data) {
        data = (char *)b->p->arena + b->arena_used;
        int64_t bytes = v->size * (int64_t)fg_dtype_size(dtype);
        b->arena_used += (bytes + FG_ALIGN - 1) / FG_ALIGN * FG_ALIGN;
    }
    v->data = data;
    return v;
}

/* The next step: kernel `op` from values in[n_in] to out[n_out]. */
static fg_step *step(builder *b, int op, const char *name, int n_in, const int *in, int n_out,
                     const int *out, int n_iattr, const int64_t *iattr, int n_fattr,
                     const double *fattr, int nparts)
{
    fg_plan *p = b->p;
    fg_step *s = &p->steps[b->steps++];
    s->op = op;
    s->n_in = n_in;
    s->n_out = n_out;
    s->n_iattr = n_iattr;
    s->n_fattr = n_fattr;
    s->nparts = nparts;
    s->in = p->io + b->io;
    for (int k = 0; k < n_in; k++)
        p->io[b->io++] = &p->values[in[k]];
    s->out = p->io + b->io;
    for (int k = 0; k < n_out; k++)
        p->io[b->io++] = &p->values[out[k]];
    s->iattr = p->iattrs + b->iattr;
    if (n_iattr)
        memcpy(p->iattrs + b->iattr, iattr, (size_t)n_iattr * sizeof *iattr);
    b->iattr += n_iattr;
    s->fattr = p->fattrs + b->fattr;
    if (n_fattr)
        memcpy(p->fattrs + b->fattr, fattr, (size_t)n_fattr * sizeof *fattr);
    b->fattr += n_fattr;
    s->name = p->names + b->names;
    strcpy(p->names + b->names, name);
    b->names += (int64_t)strlen(name) + 1;
    return s;
}

/* A flat broadcast walker over n elements with every operand full size
 * (broadcast.h): [ndim 1, shape n, stride 1 per operand]. */
static int flat_walker(int64_t *attr, int64_t n, int operands)
{
    attr[0] = 1;
    attr[1] = n;
    for (int k = 0; k < operands; k++)
        attr[2 + k] = 1;
    return 2 + operands;
}

/* ---- tests ------------------------------------------------------------------- */

/* add -> relu -> a fused chain (r * r + 1, and tanh of it), float32, the chain
 * split into shares on the thread pool, its two results written to buffers
 * outside the arena as fetched values are. */
static void test_add_relu_fused(void)
{
    enum { N = 1500 }; /* three fused blocks, so both shares get work */
    static float a[N], bv[N], sq[N], th[N];
    for (int i = 0; i < N; i++) {
        a[i] = (float)(i % 7) - 3.0f;
        bv[i] = 0.5f;
    }
    const int64_t shape[] = {3, N / 3};
    builder b;
    CHECK(builder_init(&b, 7, 3, 4 * N * 4));
    if (!b.p)
        return;
    value(&b, 0, FG_FLOAT32, 2, shape, a);
    value(&b, 1, FG_FLOAT32, 2, shape, bv);
    value(&b, 2, FG_FLOAT32, 2, shape, NULL); /* a + b */
    value(&b, 3, FG_FLOAT32, 2, shape, NULL); /* relu */
    value(&b, 4, FG_FLOAT32, 2, shape, sq);   /* relu^2 + 1 */
    value(&b, 5, FG_FLOAT32, 2, shape, th);   /* tanh of that */
    static float one = 1.0f;
    value(&b, 6, FG_FLOAT32, 1, (int64_t[]){1}, &one); /* the chain's scalar operand */
    fg_plan_poison_arena(b.p);

    int64_t walker[8];
    int nw = flat_walker(walker, N, 2);
    step(&b, FG_OP_add, "add", 2, (int[]){0, 1}, 1, (int[]){2}, nw, walker, 0, NULL, 2);
    step(&b, FG_OP_relu, "relu", 1, (int[]){2}, 1, (int[]){3}, 0, NULL, 1, (double[]){0}, 1);
    /* The chain's program (fused.h): load r0 <- in0, load r1 <- in1 (a
     * one-element operand), r2 = r0 * r0, r3 = r2 + r1 -> out0, r0 = tanh(r3) -> out1. */
    int64_t prog[2 + 5 * FUSED_INSTR_WORDS] = {FG_FUSED_MAX_REGS, 5};
    const int64_t code[5][FUSED_INSTR_WORDS] = {
        {FG_FOP_load, 0, 0, 0, -1},
        {FG_FOP_load, 1, 1, 1, -1},
        {FG_FOP_mul, 2, 0, 0, -1},
        {FG_FOP_add, 3, 2, 1, 0},
        {FG_FOP_tanh, 0, 3, -1, 1},
    };
    memcpy(prog + FUSED_CODE, code, sizeof code);
    fg_plan *p = b.p;
    step(&b, FG_OP_fused, "chain", 2, (int[]){3, 6}, 2, (int[]){4, 5}, 2 + 5 * FUSED_INSTR_WORDS,
         prog, 0, NULL, 2);

    fg_status st;
    CHECK(fg_plan_run(p, &st) == FG_OK);
    CHECK(st.code == FG_OK && st.step == -1);
    int ok = 1;
    for (int i = 0; i < N; i++) {
        float r = a[i] + bv[i] > 0 ? a[i] + bv[i] : 0;
        float want = r * r + 1;
        ok &= fabsf(sq[i] - want) <= 1e-6f * want;
        ok &= fabsf(th[i] - tanhf(want)) <= 1e-6f;
    }
    CHECK(ok);

    /* A clone runs alone on its own arena, with the same results. */
    memset(sq, 0, sizeof sq);
    fg_plan *c = fg_plan_clone(p);
    CHECK(c != NULL);
    if (c) {
        CHECK(c->arena != p->arena);
        CHECK(fg_plan_run(c, &st) == FG_OK);
        ok = 1;
        for (int i = 0; i < N; i++) {
            float r = a[i] + bv[i] > 0 ? a[i] + bv[i] : 0;
            ok &= fabsf(sq[i] - (r * r + 1)) <= 1e-6f * (r * r + 1);
        }
        CHECK(ok);
        fg_plan_free(c);
    }
    fg_plan_free(p);
}

/* An int32 matmul needs no BLAS: [2, 3] x [3, 2], with its epilogue word 0. */
static void test_int_matmul(void)
{
    int32_t a[6] = {1, 2, 3, 4, 5, 6}, w[6] = {7, 8, 9, 10, 11, 12}, c[4] = {0};
    builder b;
    CHECK(builder_init(&b, 3, 1, 64));
    if (!b.p)
        return;
    value(&b, 0, FG_INT32, 2, (int64_t[]){2, 3}, a);
    value(&b, 1, FG_INT32, 2, (int64_t[]){3, 2}, w);
    value(&b, 2, FG_INT32, 2, (int64_t[]){2, 2}, c);
    /* [m, n, k, ta, tb, split_cols, walker over no batch dims, epilogue] */
    const int64_t attr[] = {[MATMUL_M] = 2, [MATMUL_N] = 2, [MATMUL_K] = 3, [MATMUL_TA] = 0,
                            [MATMUL_TB] = 0, [MATMUL_SPLIT_COLS] = 0,
                            [MATMUL_BATCH] = 1, 1, 0, 0, 0};
    step(&b, FG_OP_matmul, "matmul", 2, (int[]){0, 1}, 1, (int[]){2},
         (int)(sizeof attr / sizeof attr[0]), attr, 0, NULL, 1);
    fg_status st;
    CHECK(fg_plan_run(b.p, &st) == FG_OK);
    CHECK(c[0] == 58 && c[1] == 64 && c[2] == 139 && c[3] == 154);
    fg_plan_free(b.p);
}

/* A data-dependent failure stops the run at its step with TF's status and
 * message; the steps after it do not run. */
static void test_error_status(void)
{
    int32_t x[4] = {1, 2, 3, 4}, y[4] = {1, 0, 1, 1}, q[4] = {0}, after[4] = {-7, -7, -7, -7};
    builder b;
    CHECK(builder_init(&b, 4, 2, 64));
    if (!b.p)
        return;
    const int64_t shape[] = {4};
    value(&b, 0, FG_INT32, 1, shape, x);
    value(&b, 1, FG_INT32, 1, shape, y);
    value(&b, 2, FG_INT32, 1, shape, q);
    value(&b, 3, FG_INT32, 1, shape, after);
    int64_t walker[8];
    int nw = flat_walker(walker, 4, 2);
    step(&b, FG_OP_div, "truediv", 2, (int[]){0, 1}, 1, (int[]){2}, nw, walker, 0, NULL, 1);
    step(&b, FG_OP_neg, "neg", 1, (int[]){0}, 1, (int[]){3}, 0, NULL, 0, NULL, 1);
    fg_status st;
    CHECK(fg_plan_run(b.p, &st) == FG_INVALID_ARGUMENT);
    CHECK(st.code == FG_INVALID_ARGUMENT && st.step == 0);
    CHECK(strcmp(st.msg, "Integer division by zero") == 0);
    CHECK(after[0] == -7); /* neg never ran */

    /* A dtype the kernel has no variant for is reported, not run. */
    fg_value *v = &b.p->values[0];
    v->dtype = FG_BOOL;
    b.p->values[1].dtype = FG_BOOL;
    CHECK(fg_plan_run(b.p, &st) == FG_UNIMPLEMENTED);
    CHECK(strstr(st.msg, "truediv: no kernel for dtype code 0") != NULL);
    fg_plan_free(b.p);
}

/* A variable: reading it uninitialized fails (FG_FAILED_PRECONDITION),
 * assign then assign_add (holding its lock) update it. */
static void test_variable(void)
{
    fg_var *var = fg_var_create(FG_FLOAT64, 3 * sizeof(double), "v");
    CHECK(var != NULL);
    if (!var)
        return;
    double init[3] = {1, 2, 3}, delta[3] = {0.5, 0.5, 0.5};
    builder b;
    CHECK(builder_init(&b, 3, 3, 64));
    if (!b.p) {
        fg_var_free(var);
        return;
    }
    const int64_t shape[] = {3};
    value(&b, 0, FG_FLOAT64, 1, shape, var->data);
    value(&b, 1, FG_FLOAT64, 1, shape, init);
    value(&b, 2, FG_FLOAT64, 1, shape, delta);
    fg_step *chk = step(&b, FG_OP_var_check, "v/read", 1, (int[]){0}, 0, NULL, 0, NULL, 0, NULL, 1);
    chk->ptr = var;
    fg_status st;
    b.p->n_steps = 1;
    CHECK(fg_plan_run(b.p, &st) == FG_FAILED_PRECONDITION);
    CHECK(strcmp(st.msg, "Attempting to use uninitialized value v") == 0);

    fg_step *as = step(&b, FG_OP_assign, "v/Assign", 2, (int[]){0, 1}, 1, (int[]){0}, 0, NULL, 0,
                       NULL, 1);
    as->ptr = var;
    fg_step *add = step(&b, FG_OP_assign_add, "v/AssignAdd", 2, (int[]){0, 2}, 1, (int[]){0}, 0,
                        NULL, 0, NULL, 2);
    add->ptr = var;
    add->exclusive = 1;
    /* Skip the check step: assign first, then add. */
    b.p->steps[0] = *as;
    b.p->steps[1] = *add;
    b.p->n_steps = 2;
    CHECK(fg_plan_run(b.p, &st) == FG_OK);
    const double *d = var->data;
    CHECK(var->initialized && d[0] == 1.5 && d[1] == 2.5 && d[2] == 3.5);
    fg_plan_free(b.p);
    fg_var_free(var);
}

/* Casting NaN and out-of-range floats to int32 gives INT32_MIN, as TF on x86. */
static void test_cast(void)
{
    float x[4] = {NAN, 3e9f, -1.5f, 7.9f};
    int32_t y[4] = {0};
    builder b;
    CHECK(builder_init(&b, 2, 1, 64));
    if (!b.p)
        return;
    value(&b, 0, FG_FLOAT32, 1, (int64_t[]){4}, x);
    value(&b, 1, FG_INT32, 1, (int64_t[]){4}, y);
    step(&b, FG_OP_cast, "Cast", 1, (int[]){0}, 1, (int[]){1}, 0, NULL, 0, NULL, 1);
    fg_status st;
    CHECK(fg_plan_run(b.p, &st) == FG_OK);
    CHECK(y[0] == INT32_MIN && y[1] == INT32_MIN && y[2] == -1 && y[3] == 7);
    fg_plan_free(b.p);
}

/* Every kernel has a name, and the named tables agree in size. */
static void test_tables(void)
{
    for (int i = 0; i < FG_OP_COUNT; i++)
        CHECK(fg_kernels[i] != NULL && fg_op_names[i] != NULL && fg_op_names[i][0]);
    CHECK(strcmp(fg_fused_op_names[FG_FOP_load], "load") == 0);
    CHECK(FG_EPI_BIAS == 1 && FG_EPI_RELU == 2);
}

int main(void)
{
    fg_pool_set_threads(2);
    test_tables();
    test_add_relu_fused();
    test_int_matmul();
    test_error_status();
    test_variable();
    test_cast();
    /* Every plan, arena and variable buffer came back. */
    CHECK(fg_live_bytes() == 0);
    printf("%d checks, %d failed\n", checks, failures);
    return failures != 0;
}
