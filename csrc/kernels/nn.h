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
    X(softmax) X(log_softmax) X(sparse_xent) X(xent) X(l2_loss)                     \
    FG_OPS_NN_GRAD(X)

/* The gradients: activation gradients over (gradients, features or outputs)
 * flat; bias_add_grad and the batch norms over an [outer, channels, inner]
 * view of x (axis.h's prefix); fattr[BN_EPSILON], fattr[BN_AVG_FACTOR] and
 * iattr[BN_TRAINING] the batch norms' epsilon, exponential_avg_factor and
 * is_training. */
enum { BN_TRAINING = AXIS_WORDS, BN_N_IATTRS };
enum { BN_EPSILON, BN_AVG_FACTOR, BN_N_FATTRS };

#define FG_OPS_NN_GRAD(X)                                                            \
    X(relu_grad) X(relu6_grad) X(leaky_relu_grad) X(elu_grad) X(selu_grad)           \
    X(softplus_grad) X(softsign_grad) X(bias_add_grad) X(fused_batch_norm)           \
    X(fused_batch_norm_grad)

#endif
