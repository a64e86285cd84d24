/* The op list: one X(name) per kernel, grouped by family. fg.h turns it into
 * the fg_op enum, the kernel table (fg_k_<name>) and the op names, so an op
 * listed here without its kernel fails the link, and the Python registry
 * refers to kernels by these names. */
#ifndef FG_OPS_H
#define FG_OPS_H

#include "kernels/state.h"
#include "kernels/elementwise.h"
#include "kernels/array.h"
#include "kernels/image.h"

#define FG_OPS(X)                 \
    FG_OPS_STATE(X)               \
    FG_OPS_ELEMENTWISE(X)         \
    FG_OPS_ARRAY(X)               \
    FG_OPS_IMAGE(X)

#endif
