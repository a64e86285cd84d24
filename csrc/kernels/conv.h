/* conv kernels: list each op here as X(name); define int fg_k_<name>(...) in conv.c. */
#define FG_OPS_CONV(X)
