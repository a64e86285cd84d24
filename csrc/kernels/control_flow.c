/* while_loop and if_branch: steps that run sub-plans (see control_flow.h). */
#include <stdlib.h>
#include <string.h>

#include "../fg.h"
#include "control_flow.h"

int fg_subplan_init(fg_subplan *sp, int32_t n_feeds, int32_t n_feed_vals, int32_t n_outputs,
                    int32_t n_out_vals, int32_t n_results)
{
    int32_t n = (n_feeds + 1) + n_feed_vals + (n_outputs + 1) + n_out_vals + n_outputs + n_results;
    memset(sp, 0, sizeof *sp);
    sp->ints = calloc((size_t)n + 1, sizeof *sp->ints);
    if (!sp->ints)
        return -1;
    sp->n_feeds = n_feeds;
    sp->n_outputs = n_outputs;
    sp->n_results = n_results;
    sp->n_ints = n;
    sp->feed_start = sp->ints;
    sp->feed_vals = sp->feed_start + n_feeds + 1;
    sp->out_start = sp->feed_vals + n_feed_vals;
    sp->out_vals = sp->out_start + n_outputs + 1;
    sp->out_dest = sp->out_vals + n_out_vals;
    sp->result_copy = sp->out_dest + n_outputs;
    return 0;
}

static void subplan_release(fg_subplan *sp)
{
    fg_plan_free(sp->plan);
    free(sp->ints);
    sp->plan = NULL;
    sp->ints = NULL;
}

/* A copy with its own plan instance; -1 when out of memory (dst then holds nothing). */
static int subplan_clone(fg_subplan *dst, const fg_subplan *src)
{
    *dst = *src;
    dst->ints = malloc((size_t)src->n_ints * sizeof *dst->ints + 1);
    dst->plan = src->plan ? fg_plan_clone(src->plan) : NULL;
    if (!dst->ints || (src->plan && !dst->plan)) {
        free(dst->ints);
        fg_plan_free(dst->plan);
        memset(dst, 0, sizeof *dst);
        return -1;
    }
    memcpy(dst->ints, src->ints, (size_t)src->n_ints * sizeof *dst->ints);
    ptrdiff_t d = dst->ints - src->ints;
    dst->feed_start = src->feed_start + d;
    dst->feed_vals = src->feed_vals + d;
    dst->out_start = src->out_start + d;
    dst->out_vals = src->out_vals + d;
    dst->out_dest = src->out_dest + d;
    dst->result_copy = src->result_copy + d;
    return 0;
}

/* Points the sub-plan's feeds at `feeds` and its outputs at `results`,
 * runs it, and copies the results that are not written in place.
 * nbytes[r]: the bytes of result r. */
static int run_subplan(const fg_subplan *sp, void *const *feeds, void *const *results,
                       const int64_t *nbytes, fg_status *st)
{
    fg_plan *p = sp->plan;
    for (int32_t k = 0; k < sp->n_feeds; k++)
        for (int32_t j = sp->feed_start[k]; j < sp->feed_start[k + 1]; j++)
            p->values[sp->feed_vals[j]].data = feeds[k];
    for (int32_t k = 0; k < sp->n_outputs; k++)
        for (int32_t j = sp->out_start[k]; j < sp->out_start[k + 1]; j++)
            p->values[sp->out_vals[j]].data = results[sp->out_dest[k]];
    int rc = fg_plan_run(p, st);
    if (rc != FG_OK)
        return rc;
    for (int32_t r = 0; r < sp->n_results; r++) {
        int32_t c = sp->result_copy[r];
        if (c >= 0 && p->values[c].data != results[r])
            memmove(results[r], p->values[c].data, (size_t)nbytes[r]);
    }
    return FG_OK;
}

fg_loop *fg_loop_create(int32_t n_vars, int32_t n_caps)
{
    fg_loop *L = calloc(1, sizeof *L);
    if (!L)
        return NULL;
    L->n_vars = n_vars;
    L->n_caps = n_caps;
    L->feeds = calloc((size_t)(n_vars + n_caps) + 1, sizeof *L->feeds);
    L->next = calloc((size_t)n_vars + 1, sizeof *L->next);
    if (!L->feeds || !L->next) {
        fg_loop_free(L);
        return NULL;
    }
    return L;
}

void fg_loop_free(fg_loop *L)
{
    if (!L)
        return;
    subplan_release(&L->cond);
    subplan_release(&L->body);
    free(L->feeds);
    free(L->next);
    free(L);
}

fg_loop *fg_loop_clone(const fg_loop *L)
{
    fg_loop *c = fg_loop_create(L->n_vars, L->n_caps);
    if (!c)
        return NULL;
    if (subplan_clone(&c->cond, &L->cond) || subplan_clone(&c->body, &L->body)) {
        fg_loop_free(c);
        return NULL;
    }
    return c;
}

static int64_t value_bytes(const fg_value *v)
{
    return v->size * (int64_t)fg_dtype_size(v->dtype);
}

static int64_t aligned(int64_t n)
{
    return (n + FG_ALIGN - 1) / FG_ALIGN * FG_ALIGN;
}

/* The loop vars live in the step's scratch, in two sets that the body
 * alternates between: it reads one and writes the other. The first
 * iteration reads the step's inputs themselves. */
int fg_k_while_loop(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part;
    (void)nparts;
    fg_loop *L = s->ptr;
    const int32_t nv = L->n_vars, nc = L->n_caps;
    const int has_max = (int)s->iattr[2];
    int64_t half = 0, nbytes[FG_MAX_LOOP_VARS];
    if (nv > FG_MAX_LOOP_VARS)
        return fg_fail(st, FG_UNIMPLEMENTED, "while_loop: at most %d loop variables",
                       FG_MAX_LOOP_VARS);
    for (int32_t j = 0; j < nv; j++) {
        nbytes[j] = value_bytes(s->out[j]);
        half += aligned(nbytes[j]);
    }
    char *scratch = s->out[nv + 1]->data;
    int64_t iter = 0;
    void *flag = scratch + 2 * half;
    int64_t one = 1;
    int64_t max = has_max ? *(const int64_t *)s->in[nv + nc]->data : -1;
    for (int32_t j = 0; j < nv; j++)
        L->feeds[j] = s->in[j]->data;
    for (int32_t c = 0; c < nc; c++)
        L->feeds[nv + c] = s->in[nv + c]->data;
    int set = 0;
    for (; !has_max || iter < max; iter++) {
        int rc = run_subplan(&L->cond, L->feeds, &flag, &one, st);
        if (rc != FG_OK)
            return rc;
        if (!*(const uint8_t *)flag)
            break;
        int64_t off = (int64_t)set * half;
        for (int32_t j = 0; j < nv; j++) {
            L->next[j] = scratch + off;
            off += aligned(nbytes[j]);
        }
        rc = run_subplan(&L->body, L->feeds, L->next, nbytes, st);
        if (rc != FG_OK)
            return rc;
        for (int32_t j = 0; j < nv; j++)
            L->feeds[j] = L->next[j];
        set ^= 1;
    }
    for (int32_t j = 0; j < nv; j++)
        if (s->out[j]->data != L->feeds[j])
            memcpy(s->out[j]->data, L->feeds[j], (size_t)nbytes[j]);
    *(int32_t *)s->out[nv]->data = (int32_t)iter;
    return FG_OK;
}

fg_branch *fg_branch_create(int32_t n_branches, int32_t n_caps, int32_t n_results)
{
    fg_branch *B = calloc(1, sizeof *B);
    if (!B)
        return NULL;
    B->n_branches = n_branches;
    B->n_caps = n_caps;
    B->n_results = n_results;
    B->branches = calloc((size_t)n_branches + 1, sizeof *B->branches);
    B->feeds = calloc((size_t)n_caps + 1, sizeof *B->feeds);
    B->results = calloc((size_t)n_results + 1, sizeof *B->results);
    if (!B->branches || !B->feeds || !B->results) {
        fg_branch_free(B);
        return NULL;
    }
    return B;
}

void fg_branch_free(fg_branch *B)
{
    if (!B)
        return;
    if (B->branches)
        for (int32_t b = 0; b < B->n_branches; b++)
            subplan_release(&B->branches[b]);
    free(B->branches);
    free(B->feeds);
    free(B->results);
    free(B);
}

fg_branch *fg_branch_clone(const fg_branch *B)
{
    fg_branch *c = fg_branch_create(B->n_branches, B->n_caps, B->n_results);
    if (!c)
        return NULL;
    for (int32_t b = 0; b < B->n_branches; b++) {
        if (subplan_clone(&c->branches[b], &B->branches[b])) {
            fg_branch_free(c);
            return NULL;
        }
    }
    return c;
}

int fg_k_if_branch(const fg_step *s, int part, int nparts, fg_status *st)
{
    (void)part;
    (void)nparts;
    fg_branch *B = s->ptr;
    const int32_t nc = B->n_caps, nr = B->n_results;
    int64_t nbytes[FG_MAX_LOOP_VARS];
    if (nr > FG_MAX_LOOP_VARS)
        return fg_fail(st, FG_UNIMPLEMENTED, "cond: at most %d outputs", FG_MAX_LOOP_VARS);
    int64_t b;
    if (s->iattr[1]) {
        b = *(const int32_t *)s->in[0]->data;
        if (b < 0 || b >= B->n_branches)
            b = B->n_branches - 1;
    } else {
        b = *(const uint8_t *)s->in[0]->data ? 0 : 1;
    }
    for (int32_t c = 0; c < nc; c++)
        B->feeds[c] = s->in[1 + c]->data;
    for (int32_t r = 0; r < nr; r++) {
        B->results[r] = s->out[r]->data;
        nbytes[r] = value_bytes(s->out[r]);
    }
    return run_subplan(&B->branches[b], B->feeds, B->results, nbytes, st);
}
