/* The optimizers' update ops (TF's training_ops): each updates a variable
 * and its slots in place, one fused pass per variable. in[0] is the variable
 * (its fg_var is s->ptr) and out[0] aliases it; the slots are further ref
 * inputs whose values point at their variables' buffers. */
#ifndef FG_KERNELS_TRAINING_H
#define FG_KERNELS_TRAINING_H

#define FG_OPS_TRAINING(X)                                                                 \
    X(apply_gradient_descent) X(apply_proximal_gradient_descent) X(apply_momentum)         \
    X(apply_adam) X(apply_adagrad) X(apply_proximal_adagrad) X(apply_adadelta)             \
    X(apply_rms_prop) X(apply_centered_rms_prop) X(apply_ftrl) X(sparse_apply_adagrad)     \
    X(sparse_apply_momentum)

/* iattr positions. */
enum { APPLY_MOMENTUM_NESTEROV };
enum { APPLY_ADAM_NESTEROV };
enum { APPLY_ADAGRAD_UPDATE_SLOTS };
/* ApplyFtrl and ApplyFtrlV2 share a kernel; V2 has l2_shrinkage before lr_power. */
enum { APPLY_FTRL_MULTIPLY_LINEAR_BY_LR, APPLY_FTRL_SHRINKAGE };
/* The sparse ops update the rows of var named by `indices`: ROWS of ROW_SIZE elements. */
enum { SPARSE_APPLY_UPDATE_SLOTS, SPARSE_APPLY_ROWS, SPARSE_APPLY_ROW_SIZE };
enum { SPARSE_APPLY_NESTEROV = SPARSE_APPLY_UPDATE_SLOTS };

#endif
