/* Plans, the executor loop, counted aligned memory and variable buffers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fg.h"
#include "kernels/control_flow.h"
#include "kernels/types.h"
#include "pool.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#endif

#define FG_MAX_PARTS 64

#define FG_TABLE_ENTRY(name) fg_k_##name,
const fg_kernel_fn fg_kernels[FG_OP_COUNT] = {FG_OPS(FG_TABLE_ENTRY)};
#undef FG_TABLE_ENTRY

#define FG_NAME_ENTRY(name) #name,
const char *const fg_op_names[FG_OP_COUNT] = {FG_OPS(FG_NAME_ENTRY)};
#undef FG_NAME_ENTRY

_Static_assert(sizeof(fg_kernels) / sizeof(fg_kernels[0]) == FG_OP_COUNT,
               "every op in FG_OPS needs exactly one kernel");
_Static_assert(sizeof(fg_op_names) / sizeof(fg_op_names[0]) == FG_OP_COUNT,
               "every op in FG_OPS needs exactly one name");

#define DTYPE_SIZE(sfx, T, code, unused) [code] = sizeof(T),
static const size_t dtype_sizes[FG_DTYPE_COUNT] = {FG_ALL(DTYPE_SIZE, _)};
#undef DTYPE_SIZE

size_t fg_dtype_size(int dtype)
{
    return (dtype >= 0 && dtype < FG_DTYPE_COUNT) ? dtype_sizes[dtype] : 0;
}

int fg_fail(fg_status *st, int code, const char *fmt, ...)
{
    va_list ap;
    st->code = code;
    va_start(ap, fmt);
    vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    va_end(ap);
    return code;
}

/* Atomic so that sessions in several threads keep an exact count. */
static int64_t live_bytes;

void *fg_alloc(int64_t nbytes)
{
    /* Round up: aligned_alloc wants a multiple of the alignment, and a
     * zero-byte request still gets a real, freeable pointer. */
    size_t rounded = (size_t)((nbytes + FG_ALIGN - 1) / FG_ALIGN * FG_ALIGN);
    if (rounded == 0)
        rounded = FG_ALIGN;
    void *p = aligned_alloc(FG_ALIGN, rounded);
    if (p)
        __atomic_add_fetch(&live_bytes, nbytes, __ATOMIC_RELAXED);
    return p;
}

void fg_free(void *ptr, int64_t nbytes)
{
    if (!ptr)
        return;
    free(ptr);
    __atomic_sub_fetch(&live_bytes, nbytes, __ATOMIC_RELAXED);
}

int64_t fg_live_bytes(void)
{
    return __atomic_load_n(&live_bytes, __ATOMIC_RELAXED);
}

fg_plan *fg_plan_create(int32_t n_values, int32_t n_steps, int64_t n_io, int64_t n_iattr,
                        int64_t n_fattr, int64_t names_bytes, int64_t arena_bytes)
{
    fg_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->n_values = n_values;
    p->n_steps = n_steps;
    /* +1 everywhere: calloc(0) may return NULL, which would read as failure. */
    p->values = calloc((size_t)n_values + 1, sizeof *p->values);
    p->steps = calloc((size_t)n_steps + 1, sizeof *p->steps);
    p->io = calloc((size_t)n_io + 1, sizeof *p->io);
    p->iattrs = calloc((size_t)n_iattr + 1, sizeof *p->iattrs);
    p->fattrs = calloc((size_t)n_fattr + 1, sizeof *p->fattrs);
    p->names = calloc((size_t)names_bytes + 1, 1);
    p->arena_bytes = arena_bytes;
    p->arena = fg_alloc(arena_bytes);
    if (!p->values || !p->steps || !p->io || !p->iattrs || !p->fattrs || !p->names || !p->arena) {
        fg_plan_free(p);
        return NULL;
    }
    return p;
}

/* Whether `data` lies in p's arena (other values are feeds, outputs,
 * constants and variables, which the plan does not own). */
static int in_arena(const fg_plan *p, const void *data)
{
    const char *d = data, *lo = p->arena;
    return d && d >= lo && d < lo + p->arena_bytes;
}

/* Under AddressSanitizer, every arena byte outside a value is poisoned: the
 * padding and red zones between buffers (see memory_plan.REDZONE), so that a
 * kernel's overflow into its neighbour is reported. Without ASan, nothing. */
void fg_plan_poison_arena(fg_plan *p)
{
    ASAN_POISON_MEMORY_REGION(p->arena, (size_t)p->arena_bytes);
    for (int32_t i = 0; i < p->n_values; i++) {
        const fg_value *v = &p->values[i];
        if (in_arena(p, v->data))
            ASAN_UNPOISON_MEMORY_REGION(v->data, (size_t)v->size * fg_dtype_size(v->dtype));
    }
}

/* A control-flow step owns its sub-plans; other steps' ptr is a session's fg_var. */
static void free_nested(fg_step *s)
{
    if (s->op == FG_OP_while_loop)
        fg_loop_free(s->ptr);
    else if (s->op == FG_OP_if_branch)
        fg_branch_free(s->ptr);
    else
        return;
    s->ptr = NULL;
}

static int is_nested(const fg_step *s)
{
    return s->op == FG_OP_while_loop || s->op == FG_OP_if_branch;
}

void fg_plan_free(fg_plan *p)
{
    if (!p)
        return;
    if (p->steps)
        for (int32_t i = 0; i < p->n_steps; i++)
            free_nested(&p->steps[i]);
    if (p->arena)
        ASAN_UNPOISON_MEMORY_REGION(p->arena, (size_t)p->arena_bytes);
    free(p->values);
    free(p->steps);
    free(p->io);
    free(p->iattrs);
    free(p->fattrs);
    free(p->names);
    fg_free(p->arena, p->arena_bytes);
    free(p);
}

/* A copy whose steps point into its own pools and whose arena values point
 * into its own arena: two runs of one plan at once each need one, since the
 * executor binds feeds and outputs into the values and kernels write the
 * arena. Constants and variables stay shared. */
fg_plan *fg_plan_clone(const fg_plan *src)
{
    int64_t n_io = 0, n_iattr = 0, n_fattr = 0, names_bytes = 0;
    for (int32_t i = 0; i < src->n_steps; i++) {
        const fg_step *s = &src->steps[i];
        n_io += s->n_in + s->n_out;
        n_iattr += s->n_iattr;
        n_fattr += s->n_fattr;
        names_bytes += (int64_t)strlen(s->name) + 1;
    }
    fg_plan *p = fg_plan_create(src->n_values, src->n_steps, n_io, n_iattr, n_fattr,
                                names_bytes, src->arena_bytes);
    if (!p)
        return NULL;
    for (int32_t i = 0; i < src->n_values; i++) {
        const char *d = src->values[i].data;
        p->values[i] = src->values[i];
        if (in_arena(src, d))
            p->values[i].data = (char *)p->arena + (d - (const char *)src->arena);
    }
    for (int64_t j = 0; j < n_io; j++)
        p->io[j] = p->values + (src->io[j] - src->values);
    memcpy(p->iattrs, src->iattrs, (size_t)n_iattr * sizeof *p->iattrs);
    memcpy(p->fattrs, src->fattrs, (size_t)n_fattr * sizeof *p->fattrs);
    memcpy(p->names, src->names, (size_t)names_bytes);
    for (int32_t i = 0; i < src->n_steps; i++) {
        const fg_step *s = &src->steps[i];
        fg_step *t = &p->steps[i];
        *t = *s;
        t->in = p->io + (s->in - src->io);
        t->out = p->io + (s->out - src->io);
        t->iattr = p->iattrs + (s->iattr - src->iattrs);
        t->fattr = p->fattrs + (s->fattr - src->fattrs);
        t->name = p->names + (s->name - src->names);
        if (is_nested(s))
            t->ptr = NULL; /* its own copy, made below */
    }
    for (int32_t i = 0; i < src->n_steps; i++) {
        const fg_step *s = &src->steps[i];
        if (!is_nested(s) || !s->ptr)
            continue;
        p->steps[i].ptr = s->op == FG_OP_while_loop ? (void *)fg_loop_clone(s->ptr)
                                                    : (void *)fg_branch_clone(s->ptr);
        if (!p->steps[i].ptr) {
            fg_plan_free(p);
            return NULL;
        }
    }
    fg_plan_poison_arena(p);
    return p;
}

typedef struct {
    const fg_step *step;
    int nparts;
    fg_status status[FG_MAX_PARTS];
} parallel_step;

static void run_part(void *ctx, int part)
{
    parallel_step *ps = ctx;
    ps->status[part].code = FG_OK;
    fg_kernels[ps->step->op](ps->step, part, ps->nparts, &ps->status[part]);
}

/* Runs one step, split into s->nparts shares on the pool when it asks for more than one. */
static int run_parts(const fg_step *s, fg_status *st)
{
    int nparts = s->nparts < FG_MAX_PARTS ? s->nparts : FG_MAX_PARTS;
    if (nparts <= 1)
        return fg_kernels[s->op](s, 0, 1, st);
    parallel_step ps;
    ps.step = s;
    ps.nparts = nparts;
    fg_pool_run(nparts, run_part, &ps);
    for (int part = 0; part < nparts; part++) {
        if (ps.status[part].code != FG_OK) {
            *st = ps.status[part];
            return st->code;
        }
    }
    return FG_OK;
}

/* An exclusive step's lock is held by the thread that runs the step, around
 * all its shares: a mutex must be unlocked by the thread that locked it. */
static int run_step(const fg_step *s, fg_status *st)
{
    if (!s->exclusive)
        return run_parts(s, st);
    fg_var *v = s->ptr;
    pthread_mutex_lock(&v->lock);
    int rc = run_parts(s, st);
    pthread_mutex_unlock(&v->lock);
    return rc;
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int32_t fg_plan_set_trace(fg_plan *p, fg_trace *t, int32_t *next_tag)
{
    if (!p)
        return 0;
    int32_t first = *next_tag;
    p->trace = t;
    p->trace_tag = (*next_tag)++;
    for (int32_t i = 0; i < p->n_steps; i++) {
        const fg_step *s = &p->steps[i];
        if (!is_nested(s) || !s->ptr)
            continue;
        if (s->op == FG_OP_while_loop) {
            const fg_loop *L = s->ptr;
            fg_plan_set_trace(L->cond.plan, t, next_tag);
            fg_plan_set_trace(L->body.plan, t, next_tag);
        } else {
            const fg_branch *B = s->ptr;
            for (int32_t b = 0; b < B->n_branches; b++)
                fg_plan_set_trace(B->branches[b].plan, t, next_tag);
        }
    }
    return *next_tag - first;
}

/* The record of a step of `p` starting now, or NULL when untraced or full.
 * Control-flow steps run their sub-plans on the thread that runs them (they
 * are never split), so one run's records are taken by one thread. */
static int64_t *trace_start(fg_plan *p, int32_t step)
{
    fg_trace *t = p->trace;
    if (t->n >= t->cap) {
        t->dropped++;
        return NULL;
    }
    int64_t *r = t->rec + FG_TRACE_WORDS * t->n++;
    r[0] = p->trace_tag;
    r[1] = step;
    r[3] = 0;
    r[2] = now_ns();
    return r;
}

int fg_plan_run(fg_plan *p, fg_status *st)
{
    const int traced = p->trace != NULL;
    st->code = FG_OK;
    st->step = -1;
    st->msg[0] = '\0';
    for (int32_t i = 0; i < p->n_steps; i++) {
        const fg_step *s = &p->steps[i];
        int64_t *rec = traced ? trace_start(p, i) : NULL;
        int rc = run_step(s, st);
        if (rec)
            rec[3] = now_ns();
        if (rc != FG_OK) {
            st->step = i;
            if (st->code == FG_OK)
                fg_fail(st, FG_INTERNAL, "kernel %s failed without a message", fg_op_names[s->op]);
            return st->code;
        }
    }
    return FG_OK;
}

fg_var *fg_var_create(int32_t dtype, int64_t nbytes, const char *name)
{
    fg_var *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->data = fg_alloc(nbytes);
    if (!v->data) {
        free(v);
        return NULL;
    }
    pthread_mutex_init(&v->lock, NULL);
    v->nbytes = nbytes;
    v->dtype = dtype;
    snprintf(v->name, sizeof v->name, "%s", name);
    return v;
}

void fg_var_free(fg_var *v)
{
    if (!v)
        return;
    pthread_mutex_destroy(&v->lock);
    fg_free(v->data, v->nbytes);
    free(v);
}
