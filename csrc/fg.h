/* fastgraph C core: values, steps, plans, the kernel table and status codes.
 *
 * Plain C, no Python.h: the Cython layer lowers a compiled Plan into an
 * fg_plan and calls fg_plan_run() with the GIL released. Everything a kernel
 * touches was sized and shape-checked at compile time; kernels only report
 * data-dependent failures (an index out of range, an integer division by zero).
 */
#ifndef FG_H
#define FG_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define FG_MAX_DIMS 8
#define FG_ALIGN 64
#define FG_MSG_LEN 512

/* Element types. The Python DType table (framework/dtypes.py) carries the same codes. */
typedef enum {
    FG_BOOL = 0,
    FG_UINT8 = 1,
    FG_INT32 = 2,
    FG_INT64 = 3,
    FG_FLOAT32 = 4,
    FG_FLOAT64 = 5,
    FG_INT8 = 6,
    FG_INT16 = 7,
    FG_DTYPE_COUNT
} fg_dtype;

size_t fg_dtype_size(int dtype);

/* Status codes are TensorFlow's (error_codes.proto), so Python maps them 1:1 to tf.errors. */
enum {
    FG_OK = 0,
    FG_CANCELLED = 1,
    FG_UNKNOWN = 2,
    FG_INVALID_ARGUMENT = 3,
    FG_NOT_FOUND = 5,
    FG_RESOURCE_EXHAUSTED = 8,
    FG_FAILED_PRECONDITION = 9,
    FG_OUT_OF_RANGE = 11,
    FG_UNIMPLEMENTED = 12,
    FG_INTERNAL = 13
};

typedef struct fg_status {
    int code;
    int step; /* index of the failing step, -1 when none */
    char msg[FG_MSG_LEN];
} fg_status;

/* Sets st->code and st->msg; returns code so kernels can `return fg_fail(...)`. */
int fg_fail(fg_status *st, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A dense, C-contiguous tensor value. `data` points into the arena, a fed
 * array, a constant or a variable buffer; the plan decides which. */
typedef struct fg_value {
    void *data;
    int32_t dtype;
    int32_t ndim;
    int64_t size; /* number of elements */
    int64_t shape[FG_MAX_DIMS];
} fg_value;

/* A variable's storage, owned by a session. Runs of one session in several
 * threads share it: updates are unlocked unless the op asks for `lock`
 * (TF's use_locking), and reads never lock, as in TF. */
typedef struct fg_var {
    void *data;
    int64_t nbytes;
    int32_t dtype;
    int32_t initialized;
    char name[128];
    pthread_mutex_t lock;
} fg_var;

struct fg_step;

/* Every kernel: read s->in, write s->out, and do the part `part` of `nparts`
 * equal shares of the work. Returns FG_OK or an error code set through fg_fail. */
typedef int (*fg_kernel_fn)(const struct fg_step *s, int part, int nparts, fg_status *st);

typedef struct fg_step {
    int32_t op; /* index into fg_kernels */
    int32_t n_in;
    int32_t n_out;
    int32_t n_iattr;
    int32_t n_fattr;
    int32_t nparts; /* how many shares the executor splits this step into */
    int32_t exclusive; /* run holding ((fg_var *)ptr)->lock: TF's use_locking */
    fg_value **in;
    fg_value **out;
    const int64_t *iattr;
    const double *fattr;
    void *ptr; /* op-specific handle, e.g. the fg_var of a state op */
    const char *name; /* the graph op's name, for error messages */
} fg_step;

typedef struct fg_plan {
    int32_t n_values;
    int32_t n_steps;
    fg_value *values;
    fg_step *steps;
    fg_value **io;    /* pool behind every step's in/out arrays */
    int64_t *iattrs;  /* pool behind every step's iattr */
    double *fattrs;   /* pool behind every step's fattr */
    char *names;      /* pool behind every step's name */
    void *arena;
    int64_t arena_bytes;
    /* Run traces (RunOptions.trace_level): NULL, or the trace that
     * fg_plan_run appends a record to for each step it starts. Set on an
     * instance and its sub-plans for one run only (fg_plan_set_trace);
     * clones start with NULL, so an untraced run pays one predictable
     * branch per step. */
    struct fg_trace *trace;
    int32_t trace_tag; /* this plan's number in its run's trace records */
} fg_plan;

/* The step records of one traced run, FG_TRACE_WORDS int64 each: the plan's
 * trace_tag, the step's index in it, its start and its end (CLOCK_REALTIME
 * ns; 0 while it runs). A record is taken when
 * the step starts, so a control-flow step's record comes before those of
 * the sub-plan steps it ran, in the run's order. A full trace takes no
 * more records and counts them in `dropped`. */
#define FG_TRACE_WORDS 4
typedef struct fg_trace {
    int64_t *rec;
    int64_t cap; /* records that fit in rec */
    int64_t n;
    int64_t dropped;
} fg_trace;

/* One allocation per pool; NULL when out of memory. */
fg_plan *fg_plan_create(int32_t n_values, int32_t n_steps, int64_t n_io, int64_t n_iattr,
                        int64_t n_fattr, int64_t names_bytes, int64_t arena_bytes);
void fg_plan_free(fg_plan *p);
/* Marks the arena bytes outside every value as off limits to AddressSanitizer
 * (a no-op in other builds); call once the values point into the arena. */
void fg_plan_poison_arena(fg_plan *p);
/* A copy with its own values, steps and arena (NULL when out of memory). */
fg_plan *fg_plan_clone(const fg_plan *src);
/* Runs every step in order; stops at the first failure. */
int fg_plan_run(fg_plan *p, fg_status *st);
/* Points `p` and every sub-plan of its control-flow steps at trace `t` (or
 * NULL), numbering them in pre-order from *next_tag: the plan itself, then
 * for each control-flow step in step order its sub-plans (a loop's
 * condition, then its body; a cond's branches in order), each followed by
 * its own. Returns the number of plans tagged. */
int32_t fg_plan_set_trace(fg_plan *p, fg_trace *t, int32_t *next_tag);

/* 64-byte aligned memory, counted so that a session can show what it holds. */
void *fg_alloc(int64_t nbytes);
void fg_free(void *ptr, int64_t nbytes);
int64_t fg_live_bytes(void);

fg_var *fg_var_create(int32_t dtype, int64_t nbytes, const char *name);
void fg_var_free(fg_var *v);

/* The op table. Each family lists its ops in its own header; the X-macro
 * below builds the enum, the kernel table and the names from those lists. */
#include "fg_ops.h"

#define FG_OP_ENUM(name) FG_OP_##name,
typedef enum { FG_OPS(FG_OP_ENUM) FG_OP_COUNT } fg_op;
#undef FG_OP_ENUM

#define FG_OP_DECL(name) int fg_k_##name(const fg_step *s, int part, int nparts, fg_status *st);
FG_OPS(FG_OP_DECL)
#undef FG_OP_DECL

extern const fg_kernel_fn fg_kernels[FG_OP_COUNT];
extern const char *const fg_op_names[FG_OP_COUNT];

/* Splits [0, n) into nparts nearly equal ranges; writes part `part`'s bounds. */
static inline void fg_split(int64_t n, int part, int nparts, int64_t *lo, int64_t *hi)
{
    int64_t q = n / nparts, r = n % nparts;
    *lo = part * q + (part < r ? part : r);
    *hi = *lo + q + (part < r ? 1 : 0);
}

#endif
