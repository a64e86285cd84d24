/* Array ops that move bytes. Views (reshape, expand_dims) need no kernel: the plan aliases them. */
#define FG_OPS_ARRAY(X) X(copy)
