"""`tf.math`: elementwise math, comparisons and logic."""

from .ops.elementwise import (  # noqa: F401
    abs, add, ceil, cos, divide, equal, erf, exp, expm1, floor, floordiv, floormod, greater,
    greater_equal, is_finite, is_inf, is_nan, less, less_equal, log, log1p, logical_and,
    logical_not, logical_or, logical_xor, maximum, minimum, mod, multiply, negative, not_equal,
    pow, reciprocal, round, rsqrt, sigmoid, sign, sin, sqrt, square, squared_difference,
    subtract, tan, tanh, truediv,
)

floor_div = floordiv
real_div = truediv
