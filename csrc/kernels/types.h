/* Per-dtype kernel variants come from these lists, never from copies by hand:
 * X(suffix, C type, fg_dtype code). */
#ifndef FG_TYPES_H
#define FG_TYPES_H
#include "../fg.h"

#define FG_FOR_INTS(X) \
    X(u8, uint8_t, FG_UINT8) X(i8, int8_t, FG_INT8) X(i16, int16_t, FG_INT16) \
    X(i32, int32_t, FG_INT32) X(i64, int64_t, FG_INT64)
#define FG_FOR_FLOATS(X) X(f32, float, FG_FLOAT32) X(f64, double, FG_FLOAT64)
#define FG_FOR_NUMERIC(X) FG_FOR_INTS(X) FG_FOR_FLOATS(X)
#define FG_FOR_ALL(X) X(b, uint8_t, FG_BOOL) FG_FOR_NUMERIC(X)

#endif
