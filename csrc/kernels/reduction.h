/* Reductions. iattr = [ndim, shape[ndim], reduced[ndim]] after the compiler
 * merged neighbouring dims of the same kind; the output holds the kept dims
 * in order. argmax/argmin and the scans use [outer, n, inner] instead. */
#define FG_OPS_REDUCTION(X)                                                          \
    X(reduce_sum) X(reduce_prod) X(reduce_max) X(reduce_min) X(reduce_mean)          \
    X(reduce_all) X(reduce_any) X(argmax) X(argmin) X(cumsum) X(cumprod)
