/* The op list: one X(name) per kernel, grouped by family. fg.h turns it into
 * the fg_op enum, the kernel table (fg_k_<name>) and the op names, so an op
 * listed here without its kernel fails the link, and the Python registry
 * refers to kernels by these names. */
#ifndef FG_OPS_H
#define FG_OPS_H

#include "kernels/array.h"
#include "kernels/control_flow.h"
#include "kernels/conv.h"
#include "kernels/conv_grad.h"
#include "kernels/elementwise.h"
#include "kernels/fused.h"
#include "kernels/gemm.h"
#include "kernels/image.h"
#include "kernels/indexing.h"
#include "kernels/linalg.h"
#include "kernels/nn.h"
#include "kernels/random.h"
#include "kernels/reduction.h"
#include "kernels/scatter.h"
#include "kernels/segment.h"
#include "kernels/sort.h"
#include "kernels/state.h"
#include "kernels/training.h"

#define FG_OPS(X)                 \
    FG_OPS_STATE(X)               \
    FG_OPS_ELEMENTWISE(X)         \
    FG_OPS_FUSED(X)               \
    FG_OPS_ARRAY(X)               \
    FG_OPS_IMAGE(X)               \
    FG_OPS_REDUCTION(X)           \
    FG_OPS_LINALG(X)              \
    FG_OPS_CONV(X)                \
    FG_OPS_GEMM(X)                \
    FG_OPS_CONV_GRAD(X)           \
    FG_OPS_NN(X)                  \
    FG_OPS_RANDOM(X)              \
    FG_OPS_INDEXING(X)            \
    FG_OPS_SCATTER(X)             \
    FG_OPS_SEGMENT(X)             \
    FG_OPS_SORT(X)                \
    FG_OPS_TRAINING(X)            \
    FG_OPS_CONTROL_FLOW(X)

#endif
