/* Control flow: steps that run sub-plans. A while_loop step's `ptr` is an
 * fg_loop (a condition and a body plan, iterated in C until the condition is
 * false); an if_branch step's `ptr` is an fg_branch (one plan per branch,
 * only the taken one runs). The owning plan frees them (fg_plan_free) and
 * clones them with itself (fg_plan_clone), so every plan instance iterates
 * its own sub-plans and arenas.
 *
 * while_loop: in = loop vars (n_vars), captures (n_caps), then the maximum
 *   iteration count (int64 scalar) when iattr[2]; out = final loop vars,
 *   the number of iterations run (int32 scalar), then a scratch buffer of two sets of loop vars (each var 64-byte
 *   aligned) and one 64-byte word for the condition's value.
 *   iattr = {n_vars, n_caps, has_max}.
 * if_branch: in = the predicate (bool: branch 0 is the true one) or branch
 *   index (int32, out of range: the last branch, as TF's switch_case's
 *   default), then captures (n_caps); out = the results.
 *   iattr = {n_caps, pred_is_index}.
 */
#ifndef FG_CONTROL_FLOW_H
#define FG_CONTROL_FLOW_H

#include <stdint.h>

#define FG_OPS_CONTROL_FLOW(X) X(while_loop) X(if_branch)

/* The most loop variables (and cond outputs) one step carries. */
#define FG_MAX_LOOP_VARS 256

struct fg_plan;

/* One sub-plan with where its inputs come from and its results go.
 * Feed slot k points values feed_vals[feed_start[k]..feed_start[k+1]) at
 * the k-th input pointer; output k (a result written in place) points
 * values out_vals[out_start[k]..out_start[k+1]) at result out_dest[k];
 * result r is copied afterwards from value result_copy[r] unless that is -1. */
typedef struct fg_subplan {
    struct fg_plan *plan;
    int32_t n_feeds;
    int32_t n_outputs;
    int32_t n_results;
    int32_t n_ints;   /* length of `ints`, which holds every array below */
    int32_t *ints;
    int32_t *feed_start;
    int32_t *feed_vals;
    int32_t *out_start;
    int32_t *out_vals;
    int32_t *out_dest;
    int32_t *result_copy;
} fg_subplan;

/* Allocates sp's index arrays for the given counts (sp->plan is left NULL);
 * -1 when out of memory. The caller fills the arrays. */
int fg_subplan_init(fg_subplan *sp, int32_t n_feeds, int32_t n_feed_vals, int32_t n_outputs,
                    int32_t n_out_vals, int32_t n_results);

typedef struct fg_loop {
    fg_subplan cond, body;
    int32_t n_vars, n_caps;
    void **feeds;   /* n_vars + n_caps: the current loop vars, then captures */
    void **next;    /* n_vars: where the body writes the next loop vars */
} fg_loop;

typedef struct fg_branch {
    int32_t n_branches, n_caps, n_results;
    fg_subplan *branches;
    void **feeds;   /* n_caps */
    void **results; /* n_results */
} fg_branch;

/* NULL when out of memory; the sub-plans are set up by the caller. */
fg_loop *fg_loop_create(int32_t n_vars, int32_t n_caps);
void fg_loop_free(fg_loop *L);
fg_loop *fg_loop_clone(const fg_loop *L);
fg_branch *fg_branch_create(int32_t n_branches, int32_t n_caps, int32_t n_results);
void fg_branch_free(fg_branch *B);
fg_branch *fg_branch_clone(const fg_branch *B);

#endif
