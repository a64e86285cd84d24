/* Elementwise ops. Binary ops broadcast: iattr = [ndim, out_shape[ndim],
 * a_strides[ndim], b_strides[ndim]] in elements, 0 along broadcast dims, with
 * dims already collapsed by the compiler. Unary ops and cast are flat. */
#define FG_OPS_BINARY(X)                                                                   \
    X(add) X(sub) X(mul) X(div) X(floordiv) X(floormod) X(pow) X(maximum) X(minimum)       \
    X(squared_difference) X(equal) X(not_equal) X(less) X(less_equal) X(greater)           \
    X(greater_equal) X(logical_and) X(logical_or) X(logical_xor) X(atan2) X(bitwise_and)      \
    X(bitwise_or) X(bitwise_xor) X(left_shift) X(right_shift)
#define FG_OPS_UNARY(X)                                                                    \
    X(neg) X(abs) X(sign) X(square) X(sqrt) X(rsqrt) X(exp) X(expm1) X(log) X(log1p)       \
    X(sin) X(cos) X(tan) X(atan) X(tanh) X(sigmoid) X(erf) X(floor) X(ceil) X(round)               \
    X(reciprocal) X(logical_not) X(is_nan) X(is_finite) X(is_inf)                          \
    X(sinh) X(cosh) X(asin) X(acos) X(asinh) X(acosh) X(atanh) X(erfc) X(lgamma) X(digamma) \
    X(invert)
#define FG_OPS_ELEMENTWISE(X) FG_OPS_BINARY(X) FG_OPS_UNARY(X) X(cast) X(where)
