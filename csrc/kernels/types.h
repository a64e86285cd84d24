/* Per-dtype kernel variants come from these lists, never from copies by hand.
 *
 * A list LIST(X, args...) calls X(suffix, C type, fg_dtype code, args...) for
 * each of its types, so a generator macro can carry an op name and a body
 * through it. FG_PER_DTYPE builds every variant of a function and the table
 * that a kernel indexes by dtype, in one line per op:
 *
 *   #define NEG_FN(sfx, T, code, name) static void name##_##sfx(...) {...}
 *   FG_PER_DTYPE(un_fn, neg, FG_SIGNED, NEG_FN)   // neg_i8 ... neg_f64, neg_fns[]
 *
 * A table has NULL for the dtypes outside its list; FG_LOOKUP reads it with
 * the dtype checked, and fg_no_kernel() is the one error for a NULL.
 */
#ifndef FG_TYPES_H
#define FG_TYPES_H
#include "../fg.h"

#define FG_INTS(X, ...)                                                                    \
    X(u8, uint8_t, FG_UINT8, __VA_ARGS__) X(i8, int8_t, FG_INT8, __VA_ARGS__)             \
    X(i16, int16_t, FG_INT16, __VA_ARGS__) X(i32, int32_t, FG_INT32, __VA_ARGS__)         \
    X(i64, int64_t, FG_INT64, __VA_ARGS__)
#define FG_SIGNED_INTS(X, ...)                                                             \
    X(i8, int8_t, FG_INT8, __VA_ARGS__) X(i16, int16_t, FG_INT16, __VA_ARGS__)            \
    X(i32, int32_t, FG_INT32, __VA_ARGS__) X(i64, int64_t, FG_INT64, __VA_ARGS__)
#define FG_FLOATS(X, ...) X(f32, float, FG_FLOAT32, __VA_ARGS__) X(f64, double, FG_FLOAT64, __VA_ARGS__)
#define FG_BOOLS(X, ...) X(b, uint8_t, FG_BOOL, __VA_ARGS__)
/* Signed ints and floats: the types with a negation (TF's Neg, Abs, Sign). */
#define FG_SIGNED(X, ...) FG_SIGNED_INTS(X, __VA_ARGS__) FG_FLOATS(X, __VA_ARGS__)
#define FG_NUMERIC(X, ...) FG_INTS(X, __VA_ARGS__) FG_FLOATS(X, __VA_ARGS__)
#define FG_ALL(X, ...) FG_BOOLS(X, __VA_ARGS__) FG_NUMERIC(X, __VA_ARGS__)
/* The 32- and 64-bit ints and floats (integer matmul, random ints). */
#define FG_WIDE_INTS(X, ...) X(i32, int32_t, FG_INT32, __VA_ARGS__) X(i64, int64_t, FG_INT64, __VA_ARGS__)

/* The lists for X(suffix, C type, code) generators that carry nothing. */
#define FG_CALL3_(sfx, T, code, X) X(sfx, T, code)
#define FG_FOR_INTS(X) FG_INTS(FG_CALL3_, X)
#define FG_FOR_FLOATS(X) FG_FLOATS(FG_CALL3_, X)
#define FG_FOR_NUMERIC(X) FG_NUMERIC(FG_CALL3_, X)
#define FG_FOR_ALL(X) FG_ALL(FG_CALL3_, X)

/* Element i of integer tensor `v` (indices, segment ids, shapes) as int64;
 * 0 for a dtype that is no integer, which the op's dtype check rules out. */
static inline int64_t fg_int_at(const fg_value *v, int64_t i)
{
#define FG_INT_AT_CASE_(sfx, T, code) \
    case code:                        \
        return (int64_t)((const T *)v->data)[i];
    switch (v->dtype) {
        FG_FOR_INTS(FG_INT_AT_CASE_)
    default:
        return 0;
    }
#undef FG_INT_AT_CASE_
}

/* `static const fn_t name_fns[]`: name_<suffix> at each of LIST's dtype codes. */
#define FG_DTYPE_ENTRY_(sfx, T, code, name) [code] = name##_##sfx,
#define FG_DTYPE_TABLE(fn_t, name, LIST)                                                   \
    static const fn_t name##_fns[FG_DTYPE_COUNT] = {LIST(FG_DTYPE_ENTRY_, name)}
/* The same for functions of typed pointers, cast to the table's fn_t. */
#define FG_DTYPE_CAST_ENTRY_(sfx, T, code, name, fn_t) [code] = (fn_t)name##_##sfx,
#define FG_DTYPE_CAST_TABLE(fn_t, name, LIST)                                              \
    static const fn_t name##_fns[FG_DTYPE_COUNT] = {LIST(FG_DTYPE_CAST_ENTRY_, name, fn_t)}
/* GEN(suffix, T, code, name, args...) for every type of LIST, then their table. */
#define FG_PER_DTYPE(fn_t, name, LIST, GEN, ...)                                           \
    LIST(GEN, name, __VA_ARGS__)                                                           \
    FG_DTYPE_TABLE(fn_t, name, LIST);

/* table[dtype], or NULL for a dtype outside the table (or no dtype at all). */
#define FG_LOOKUP(table, dtype)                                                            \
    ((unsigned)(dtype) < (unsigned)FG_DTYPE_COUNT ? (table)[(dtype)] : NULL)

/* The failure of a kernel that has no variant for `dtype`. */
static inline int fg_no_kernel(const fg_step *s, int dtype, fg_status *st)
{
    return fg_fail(st, FG_UNIMPLEMENTED, "%s: no kernel for dtype code %d", s->name, dtype);
}

#endif
