/* nn kernels: list each op here as X(name); define int fg_k_<name>(...) in nn.c. */
#define FG_OPS_NN(X)
