/* reduction kernels: list each op here as X(name); define int fg_k_<name>(...) in reduction.c. */
#define FG_OPS_REDUCTION(X)
