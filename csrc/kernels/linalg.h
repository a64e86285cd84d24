/* linalg kernels: list each op here as X(name); define int fg_k_<name>(...) in linalg.c. */
#define FG_OPS_LINALG(X)
