/* Neural-network kernels: activations (flat, per dtype), and row-wise
 * softmax, log-softmax and cross-entropies over an [outer, classes, inner]
 * view of the input (iattr = [outer, classes, inner], axis.h's prefix);
 * fattr[ACT_ALPHA] is the activation's alpha where it has one. */
#ifndef FG_NN_H
#define FG_NN_H
#include "axis.h"

enum { ACT_ALPHA, ACT_N_FATTRS };

#define FG_OPS_NN(X)                                                                 \
    X(relu) X(relu6) X(leaky_relu) X(elu) X(selu) X(softplus) X(softsign)            \
    X(softmax) X(log_softmax) X(sparse_xent) X(xent) X(l2_loss)

#endif
