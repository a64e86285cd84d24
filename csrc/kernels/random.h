/* random kernels: list each op here as X(name); define int fg_k_<name>(...) in random.c. */
#define FG_OPS_RANDOM(X)
