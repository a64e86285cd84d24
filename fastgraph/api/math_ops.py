"""tf.math's functions built from existing ops as TensorFlow builds them
(TF's math_ops; no kernels of their own): add_n, accumulate_n,
reduce_variance, reduce_std, count_nonzero, log_sigmoid, truncatediv,
truncatemod, the no-nan divisions, xlogy, xdivy, scalar_mul, zero_fraction,
the to_* casts and linspace; plus the tf.math aliases of nn activations
(softplus, softsign, softmax, log_softmax, l2_normalize).

linspace's `num` decides the output's shape, so it must be known when the
plan is compiled, as every shape in fastgraph.
"""

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.dtype_sets import FLOATS, INTS, check_dtype
from ..framework.graph import Tensor
from ..framework.static_values import constant_value
from ..framework.op_registry import register_graphdef_translation
from ..framework.tensor_shape import TensorShape
from ..ops.arguments import graph_of, scope_of, tensor_or_constant, to_tensor, to_tensors_like
from ..ops.array_ops import broadcast_to, concat, expand_dims, identity, reshape, squeeze, stack
from ..ops.broadcast import broadcast_shapes
from ..ops.elementwise import (
    add, cast, ceil, equal, maximum, select_v2, exp, floor, floordiv, floormod, is_finite, less, log, log1p,
    logical_and, multiply, negative, not_equal, realdiv, sqrt, square, subtract, truediv,
)
from ..ops.array_ops import transpose
from ..ops.indexing_ops import (
    ones_like, range as _range, unsorted_segment_sum, where, zeros, zeros_like,
)
from ..ops.nn_ops import log_softmax, softmax, softplus, softsign  # noqa: F401 - tf.math's aliases
from ..ops.reduction_ops import reduce_max, reduce_mean, reduce_sum, reduction_axes

__all__ = ["add_n", "accumulate_n", "reduce_logsumexp", "count_nonzero", "log_sigmoid", "truncatediv",
           "truncatemod", "linspace", "lin_space", "div_no_nan", "scalar_mul", "to_float",
           "to_double", "to_int32", "to_int64", "unsorted_segment_mean", "unsorted_segment_sqrt_n"]
MATH = ["add_n", "accumulate_n", "reduce_variance", "reduce_std", "count_nonzero",
        "log_sigmoid", "softplus", "softsign", "softmax", "log_softmax", "reduce_logsumexp",
        "divide_no_nan", "multiply_no_nan", "xlogy", "xdivy", "scalar_mul",
        "xlog1py", "reciprocal_no_nan", "polyval", "cumulative_logsumexp",
        "reduce_euclidean_norm", "unsorted_segment_mean", "unsorted_segment_sqrt_n"]


# ---- sums and moments -------------------------------------------------------------

_ADD_N_INPUTS = ("Inputs must be an iterable of at least one Tensor/IndexedSlices with the "
                 "same dtype and shape.")


def _merge_shapes(tensors):
    """The shapes of `tensors` merged, with a ValueError in the words of TF's shape functions."""
    merged = tensors[0].shape
    for t in tensors[1:]:
        s = t.shape
        if merged.rank is not None and s.rank is not None:
            if merged.rank != s.rank:
                raise ValueError(f"Shapes must be equal rank, but are {merged.rank} and {s.rank}")
            for i, (a, b) in enumerate(zip(merged.as_tuple(), s.as_tuple())):
                if a is not None and b is not None and a != b:
                    raise ValueError(f"Dimension {i} in both shapes must be equal, but are "
                                     f"{a} and {b}")
        merged = merged.merge_with(s)
    return merged


def add_n(inputs, name=None):
    """Returns the element-wise sum of a list of tensors.

    All inputs in the list must have the same shape. This op does not
    [broadcast](https://docs.scipy.org/doc/numpy-1.13.0/user/basics.broadcasting.html)
    its inputs.

    Args:
      inputs: A list of `tf.Tensor`, each with the same shape and type.
      name: A name for the operation (optional).

    Returns:
      A `tf.Tensor` of the same shape and type as the elements of `inputs`.

    Raises:
      ValueError: If `inputs` don't all have same shape and dtype or the shape
      cannot be inferred.
    """
    if not inputs or isinstance(inputs, (str, Tensor)) or not hasattr(inputs, "__iter__"):
        raise ValueError(_ADD_N_INPUTS)
    inputs = list(inputs)
    graph = graph_of(inputs)
    tensors = [tensor_or_constant(graph, x)
               if isinstance(x, Tensor) or hasattr(x, "_as_graph_element")
               else to_tensor(graph, x) for x in inputs]
    if len(tensors) == 1:
        return identity(tensors[0], name=name) if name else tensors[0]
    if len({t.dtype for t in tensors}) > 1:
        names = ", ".join(t.dtype.name for t in tensors)
        raise TypeError(f"Tensors in list passed to 'inputs' of 'AddN' Op have types "
                        f"[{names}] that don't all match.")
    check_dtype(tensors[0], INTS + FLOATS, "AddN", "inputs")
    shape = _merge_shapes(tensors)
    with graph.as_default():
        if shape.is_fully_defined() and all(t.shape.is_fully_defined() for t in tensors):
            # Equal static shapes: nothing can broadcast, a chain of adds is AddN.
            total = tensors[0]
            for t in tensors[1:-1]:
                total = add(total, t, name="AddN_partial")
            return add(total, tensors[-1], name=name or "AddN")
        # Some dims known only when the plan is compiled: Pack checks they agree.
        return reduce_sum(stack(tensors, axis=0, name=(name or "AddN") + "_inputs"), 0,
                          name=name or "AddN")


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """Returns the element-wise sum of a list of tensors.

    Optionally, pass `shape` and `tensor_dtype` for shape and type checking,
    otherwise, these are inferred.

    Args:
      inputs: A list of `Tensor` objects, each with same shape and type.
      shape: Expected shape of elements of `inputs` (optional). Also controls the
        output shape of this op, which may affect type inference in other ops. A
        value of `None` means "infer the input shape from the shapes in `inputs`".
      tensor_dtype: Expected data type of `inputs` (optional). A value of `None`
        means "infer the input dtype from `inputs[0]`".
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of same shape and type as the elements of `inputs`.

    Raises:
      ValueError: If `inputs` don't all have same shape and dtype or the shape
      cannot be inferred.
    """
    error = ValueError("inputs must be a list of at least one Tensor with the same dtype and "
                       "shape")
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise error
    graph = graph_of(inputs)
    tensors = [convert_to_tensor(x) if not isinstance(x, Tensor) and
               hasattr(x, "_as_graph_element") else tensor_or_constant(graph, x) for x in inputs]
    if not all(t.dtype == tensors[0].dtype for t in tensors):
        raise error
    merged = TensorShape(None) if shape is None else TensorShape(shape)
    for t in tensors:
        merged = merged.merge_with(t.shape)
    if tensor_dtype is not None and tensor_dtype != tensors[0].dtype:
        raise TypeError(f"The `tensor_dtype` argument is {tensor_dtype}, but `input` is of type "
                        f"{tensors[0].dtype}. These must be equal. Try casting the input to "
                        "the desired type.")
    if len(tensors) == 1:
        return identity(tensors[0], name=name) if name is not None else tensors[0]
    return add_n(tensors, name=name)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Computes the variance of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`.
    Unless `keepdims` is true, the rank of the tensor is reduced by 1 for each
    of the entries in `axis`, which must be unique. If `keepdims` is true, the
    reduced dimensions are retained with length 1.

    If `axis` is None, all dimensions are reduced, and a
    tensor with a single element is returned.

    Args:
      input_tensor: The tensor to reduce. Should have real type.
      axis: The dimensions to reduce. If `None` (the default), reduces all
        dimensions. Must be in the range `[-rank(input_tensor),
        rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      name: A name scope for the associated operations (optional).

    Returns:
      The reduced tensor, of the same dtype as the input_tensor.
    """
    graph, scope = scope_of([input_tensor], name, "reduce_variance")
    with graph.as_default(), scope:
        x = tensor_or_constant(graph, input_tensor)
        means = reduce_mean(x, axis=axis, keepdims=True)
        if means.dtype.is_integer:
            raise TypeError(f"Input must be either real or complex. Received integer type "
                            f"{means.dtype}.")
        squared_deviations = square(subtract(x, means))
        return reduce_mean(squared_deviations, axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Computes the standard deviation of elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`.
    Unless `keepdims` is true, the rank of the tensor is reduced by 1 for each
    of the entries in `axis`, which must be unique. If `keepdims` is true, the
    reduced dimensions are retained with length 1.

    If `axis` is None, all dimensions are reduced, and a
    tensor with a single element is returned.

    Args:
      input_tensor: The tensor to reduce. Should have real type.
      axis: The dimensions to reduce. If `None` (the default), reduces all
        dimensions. Must be in the range `[-rank(input_tensor),
        rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      name: A name scope for the associated operations (optional).

    Returns:
      The reduced tensor, of the same dtype as the input_tensor.
    """
    graph, scope = scope_of([input_tensor], name, "reduce_std")
    with graph.as_default(), scope:
        x = tensor_or_constant(graph, input_tensor)
        return sqrt(reduce_variance(x, axis=axis, keepdims=keepdims))


def count_nonzero(input_tensor=None, axis=None, keepdims=None, dtype=dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None, input=None):  # noqa: A002
    """Computes number of nonzero elements across dimensions of a tensor.

    Reduces `input_tensor` along the dimensions given in `axis`.
    Unless `keepdims` is true, the rank of the tensor is reduced by 1 for each
    entry in `axis`. If `keepdims` is true, the reduced dimensions
    are retained with length 1.

    If `axis` has no entries, all dimensions are reduced, and a
    tensor with a single element is returned.

    **NOTE** Floating point comparison to zero is done by exact floating point
    equality check.  Small values are **not** rounded to zero for purposes of
    the nonzero check.

    Args:
      input_tensor: The tensor to reduce. Should be of numeric type, or `bool`.
      axis: The dimensions to reduce. If `None` (the default), reduces all
        dimensions. Must be in the range `[-rank(input_tensor),
        rank(input_tensor))`.
      keepdims: If true, retains reduced dimensions with length 1.
      dtype: The output dtype; defaults to `tf.int64`.
      name: A name for the operation (optional).
      reduction_indices: The old (deprecated) name for axis.
      keep_dims: Deprecated alias for `keepdims`.
      input: Overrides input_tensor. For compatibility.

    Returns:
      The reduced tensor (number of nonzero values).
    """
    if keep_dims is not None:
        keepdims = keep_dims
    if input is not None:
        input_tensor = input
    if reduction_indices is not None:
        axis = reduction_indices
    keepdims = bool(keepdims)
    graph, scope = scope_of([input_tensor], name, "count_nonzero")
    with graph.as_default(), scope:
        x = tensor_or_constant(graph, input_tensor, name="input")
        if x.dtype == dtypes.bool:
            predicate = x
        else:
            predicate = not_equal(x, zeros([], dtype=x.dtype))
        return cast(reduce_sum(cast(predicate, dtypes.int64), axis=axis, keepdims=keepdims),
                    dtype=dtype)

# ---- elementwise --------------------------------------------------------------

def log_sigmoid(x, name=None):
    """Computes log sigmoid of `x` element-wise.

    Specifically, `y = log(1 / (1 + exp(-x)))`.  For numerical stability,
    we use `y = -tf.nn.softplus(-x)`.

    Args:
      x: A Tensor with type `float32` or `float64`.
      name: A name for the operation (optional).

    Returns:
      A Tensor with the same type as `x`.
    """
    graph, scope = scope_of([x], name, "LogSigmoid")
    with graph.as_default(), scope as scope_name:
        x = tensor_or_constant(graph, x, name="x")
        return negative(softplus(negative(x)), name=scope_name)


def _trunc(v, name=None):
    return where(less(v, 0), ceil(v), floor(v), name=name)


def _division_operands(x, y, op_type):
    graph, (x, y) = to_tensors_like([x, y], op_type)
    check_dtype(x, INTS + FLOATS, op_type, "x")
    return graph, x, y


def _truncatediv(x, y, name=None):
    if x.dtype.is_floating:
        return _trunc(realdiv(x, y), name=name)
    q = floordiv(x, y)
    if x.dtype.is_unsigned:
        return identity(q, name=name)
    # Floor and truncation differ by one where the division is inexact and
    # the operands' signs differ.
    fix = logical_and(not_equal(floormod(x, y), 0), not_equal(less(x, 0), less(y, 0)))
    return add(q, cast(fix, q.dtype), name=name)


def truncatediv(x, y, name=None):
    """Returns x / y element-wise, rounded towards zero.

    Truncation designates that negative numbers will round fractional quantities
    toward zero. I.e. -7 / 5 = -1. This matches C semantics but it is different
    than Python semantics. See `FloorDiv` for a division function that matches
    Python Semantics.

    *NOTE*: `truncatediv` supports broadcasting. Integer division by zero raises
    InvalidArgumentError.
    """
    graph, x, y = _division_operands(x, y, "TruncateDiv")
    with graph.as_default(), graph.name_scope(name or "TruncateDiv") as scope_name:
        return _truncatediv(x, y, name=scope_name)


def truncatemod(x, y, name=None):
    """Returns element-wise remainder of division. This emulates C semantics in that

    the result here is consistent with a truncating divide. E.g. `truncate(x / y) *
    y + truncate_mod(x, y) = x`.

    *NOTE*: `truncatemod` supports broadcasting. Floats are computed as
    `x - trunc(x / y) * y`, which can differ from C's fmod in the last bits
    when the quotient is large.
    """
    graph, x, y = _division_operands(x, y, "TruncateMod")
    check_dtype(x, (dtypes.int32, dtypes.int64) + FLOATS, "TruncateMod", "x")
    with graph.as_default(), graph.name_scope(name or "TruncateMod") as scope_name:
        return subtract(x, multiply(_truncatediv(x, y), y), name=scope_name)


# TF's _TRUEDIV_TABLE: the float type that integer operands become (None: as is).
_TRUEDIV = {dtypes.uint8: dtypes.float32, dtypes.int8: dtypes.float32,
            dtypes.int16: dtypes.float32, dtypes.int32: dtypes.float64,
            dtypes.int64: dtypes.float64, dtypes.float32: None, dtypes.float64: None}


def divide_no_nan(x, y, name=None):
    """Computes a safe divide which returns 0 if `y` (denominator) is zero.

    For example:

    >>> tf.constant(3.0) / 0.0
    <tf.Tensor: shape=(), dtype=float32, numpy=inf>
    >>> tf.math.divide_no_nan(3.0, 0.0)
    <tf.Tensor: shape=(), dtype=float32, numpy=0.0>

    Note that 0 is returned if `y` is 0 even if `x` is nonfinite:

    >>> tf.math.divide_no_nan(np.nan, 0.0)
    <tf.Tensor: shape=(), dtype=float32, numpy=0.0>

    Args:
      x: A `Tensor` of a floating or integer dtype.
      y: A `Tensor` with the same dtype as `x` and a compatible shape.
      name: A name for the operation (optional).

    Returns:
      The element-wise quotient as in `tf.math.divide(x, y)`,
      except that division by zero produces `0.0`, not `nan`.
    """
    graph, scope = scope_of([x, y], name, "div_no_nan")
    with graph.as_default(), scope as scope_name:
        if not isinstance(x, Tensor) and isinstance(y, Tensor):
            x = tensor_or_constant(graph, x, name="x", dtype=y.dtype)
        else:
            x = tensor_or_constant(graph, x, name="x")
            if not isinstance(y, Tensor):
                try:
                    y = to_tensor(graph, y, dtype=x.dtype, name="y")
                except TypeError:
                    y = to_tensor(graph, y, name="y")
        if x.dtype != y.dtype:
            raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != "
                            f"{y.dtype!r}.")
        if x.dtype not in _TRUEDIV:
            raise TypeError(f"Invalid dtype {x.dtype!r} in tf.math.divide_no_nan.")
        target = _TRUEDIV[x.dtype]
        if target is not None:
            x, y = cast(x, target), cast(y, target)
        return where(equal(y, 0), zeros([], x.dtype), realdiv(x, y), name=scope_name)


div_no_nan = divide_no_nan


def multiply_no_nan(x, y, name=None):
    """Computes the product of x and y and returns 0 if the y is zero, even if x is NaN or infinite.

    Args:
      x: A `Tensor`. Must be one of the following types: `float32`, `float64`.
      y: A `Tensor` whose dtype is compatible with `x`.
      name: A name for the operation (optional).

    Returns:
      The element-wise value of the x times y.
    """
    graph, scope = scope_of([x, y], name, "multiply_no_nan")
    with graph.as_default(), scope as scope_name:
        x = tensor_or_constant(graph, x, name="x")
        y = tensor_or_constant(graph, y, name="y", dtype=x.dtype)
        if x.dtype != y.dtype:
            raise TypeError(f"`x` and `y` must have the same dtype, got {x.dtype!r} != "
                            f"{y.dtype!r}")
        check_dtype(x, FLOATS, "MulNoNan", "x")
        return where(equal(y, 0), zeros([], x.dtype), multiply(x, y), name=scope_name)


def _zero_if_x_zero(op_type, fn, x, y, name):
    graph, (x, y) = to_tensors_like([x, y], op_type)
    check_dtype(x, FLOATS, op_type, "x")
    with graph.as_default():
        return where(equal(x, 0), zeros([], x.dtype), fn(x, y), name=name or op_type)


def xlogy(x, y, name=None):
    """Returns 0 if x == 0, and x * log(y) otherwise, elementwise.

    Args:
      x: A `Tensor`. Must be one of the following types: `float32`, `float64`.
      y: A `Tensor`. Must have the same type as `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.
    """
    return _zero_if_x_zero("Xlogy", lambda a, b: multiply(a, log(b)), x, y, name)


def xlog1py(x, y, name=None):
    """Compute x * log1p(y): 0 if x == 0, and x * log1p(y) otherwise, elementwise."""
    return _zero_if_x_zero("Xlog1py", lambda a, b: multiply(a, log1p(b)), x, y, name)


def reciprocal_no_nan(x, name=None):
    """Performs a safe reciprocal operation, element wise: 1 / x, and 0
    where x is 0."""
    graph, scope = scope_of([x], name, "reciprocal_no_nan")
    with scope:
        x = to_tensor(graph, x, name="x")
        return divide_no_nan(tensor_or_constant(graph, 1, dtype=x.dtype), x)


def polyval(coeffs, x, name=None):
    """Computes the elementwise value of a polynomial:
    `coeffs[0] * x**(n-1) + ... + coeffs[n-1]`, by Horner's rule (a list
    of coefficients, highest degree first; an empty list gives 0)."""
    if isinstance(coeffs, Tensor) or not isinstance(coeffs, (list, tuple)):
        raise ValueError("Argument coeffs must be list type found {}.".format(type(coeffs)))
    graph, scope = scope_of(list(coeffs) + [x], name, "polyval")
    with scope:
        x = to_tensor(graph, x, name="x")
        if not coeffs:
            return zeros_like(x, name=name)
        coeffs = [to_tensor(graph, c, dtype=x.dtype, name=f"coeff_{i}")
                  for i, c in enumerate(coeffs)]
        p = coeffs[0]
        for c in coeffs[1:]:
            p = add(c, multiply(p, x))
        return p


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """Compute the cumulative log-sum-exp of the tensor `x` along `axis`:
    `log(cumsum(exp(x)))` without overflow or underflow; `exclusive` and
    `reverse` as in tf.cumsum (an empty sum is -inf).

    Built from reduce_logsumexp over a triangular mask of the positions, so
    `x`'s size along `axis` must be known at graph construction."""
    graph, scope = scope_of([x], name, "CumulativeLogsumexp")
    with scope:
        x = to_tensor(graph, x, name="x")
        check_dtype(x, FLOATS, "CumulativeLogsumexp")
        rank = x.shape.rank
        axis = int(axis) % rank
        n = x.shape.as_tuple()[axis]
        if n is None:
            raise NotImplementedError("cumulative_logsumexp needs the size of its axis at "
                                      "graph construction")
        perm = [d for d in range(rank) if d != axis] + [axis]
        moved = transpose(x, perm) if axis != rank - 1 else x
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        keep = (j > i if exclusive else j >= i) if reverse else (j < i if exclusive else j <= i)
        empty = ~keep.any(axis=1)  # rows of an empty sum: -inf, with a finite gradient
        values = select_v2(keep | empty[:, None], expand_dims(moved, -2),
                           tensor_or_constant(graph, -np.inf, dtype=x.dtype))
        out = select_v2(empty, tensor_or_constant(graph, -np.inf, dtype=x.dtype),
                        reduce_logsumexp(values, axis=-1))
        return transpose(out, list(np.argsort(perm))) if axis != rank - 1 else out


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """Computes the Euclidean norm of elements across dimensions of a tensor:
    the square root of the sum of squares over `axis` (all axes when None)."""
    graph, scope = scope_of([input_tensor], name, "EuclideanNorm")
    with scope:
        x = to_tensor(graph, input_tensor, name="input_tensor")
        check_dtype(x, FLOATS, "EuclideanNorm", "input")
        return sqrt(reduce_sum(square(x), axis=axis, keepdims=keepdims))


def _segment_counts(data, ids, num_segments):
    # TF's _unsorted_segment_N: the rows of each segment, at least 1, shaped
    # to broadcast against the summed rows.
    counts = unsorted_segment_sum(ones_like(ids, dtype=data.dtype), ids, num_segments)
    counts = maximum(counts, tensor_or_constant(data.graph, 1, dtype=data.dtype))
    extra = data.shape.rank - ids.shape.rank
    return reshape(counts, [-1] + [1] * extra)


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """Computes the mean along segments of a tensor: the sum of each
    segment's rows divided by their number (0 for empty segments)."""
    graph, scope = scope_of([data, segment_ids], name, "UnsortedSegmentMean")
    with scope:
        data = to_tensor(graph, data, name="data")
        ids = to_tensor(graph, segment_ids, name="segment_ids")
        check_dtype(data, FLOATS, "UnsortedSegmentMean", "data")
        summed = unsorted_segment_sum(data, ids, num_segments)
        return truediv(summed, _segment_counts(data, ids, num_segments))


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """Computes the sum along segments of a tensor divided by the sqrt(N)
    of each segment's number of rows N (0 for empty segments)."""
    graph, scope = scope_of([data, segment_ids], name, "UnsortedSegmentSqrtN")
    with scope:
        data = to_tensor(graph, data, name="data")
        ids = to_tensor(graph, segment_ids, name="segment_ids")
        check_dtype(data, FLOATS, "UnsortedSegmentSqrtN", "data")
        summed = unsorted_segment_sum(data, ids, num_segments)
        return truediv(summed, sqrt(_segment_counts(data, ids, num_segments)))


def xdivy(x, y, name=None):
    """Returns 0 if x == 0, and x / y otherwise, elementwise.

    Args:
      x: A `Tensor`. Must be one of the following types: `float32`, `float64`.
      y: A `Tensor`. Must have the same type as `x`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor`. Has the same type as `x`.
    """
    return _zero_if_x_zero("Xdivy", realdiv, x, y, name)


def scalar_mul(scalar, x, name=None):
    """Multiplies a scalar times a `Tensor`.

    This is a special case of `tf.math.multiply`, where the first value must be a
    `scalar`. Unlike the general form of `tf.math.multiply`, this is operation is
    guaranteed to be efficient for `tf.IndexedSlices`.

    Args:
      scalar: A 0-D scalar `Tensor`. Must have known shape.
      x: A `Tensor` to be scaled.
      name: A name for the operation (optional).

    Returns:
      `scalar * x` of the same type as `x`.

    Raises:
      ValueError: if scalar is not a 0-D `scalar`.
    """
    graph = graph_of([scalar, x])
    x = tensor_or_constant(graph, x)
    scalar = tensor_or_constant(graph, scalar, name="scalar", dtype=x.dtype)
    if scalar.shape.rank == 0:
        return multiply(scalar, x, name=name)
    raise ValueError(f"The input scalar must be a 0-D value. Received shape {scalar.shape}.")


def _cast_fn(dtype, default_name):
    def fn(x, name=default_name):
        return cast(x, dtype, name=name)
    fn.__doc__ = f"""Casts a tensor to type `{dtype.name}`.

    Args:
      x: A `Tensor`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with same shape as `x`, with type `{dtype.name}`.
    """
    return fn


to_float = _cast_fn(dtypes.float32, "ToFloat")
to_double = _cast_fn(dtypes.float64, "ToDouble")
to_int32 = _cast_fn(dtypes.int32, "ToInt32")
to_int64 = _cast_fn(dtypes.int64, "ToInt64")


# ---- linspace ---------------------------------------------------------------

def _static_int(value, what):
    if isinstance(value, Tensor):
        v = constant_value(value)
        if v is None:
            raise ValueError(f"{what} must be known when the graph is built (a Python int or "
                             "a constant) in fastgraph")
        return int(np.asarray(v).reshape(()))
    return int(value)

def linspace(start, stop, num, name=None, axis=0):
    """Generates evenly-spaced values in an interval along a given axis.

    A sequence of `num` evenly-spaced values are generated beginning at `start`
    along a given `axis`.
    If `num > 1`, the values in the sequence increase by
    `(stop - start) / (num - 1)`, so that the last one is exactly `stop`.
    If `num <= 0`, `ValueError` is raised.

    Matches
    [np.linspace](https://docs.scipy.org/doc/numpy/reference/generated/numpy.linspace.html)'s
    behaviour except when `num == 0`.

    `Start` and `stop` can be tensors of arbitrary size:

    >>> tf.linspace([0., 5.], [10., 40.], 5, axis=0)
    <tf.Tensor: shape=(5, 2), dtype=float32, numpy=
    array([[ 0.  ,  5.  ],
           [ 2.5 , 13.75],
           [ 5.  , 22.5 ],
           [ 7.5 , 31.25],
           [10.  , 40.  ]], dtype=float32)>

    Args:
      start: A `Tensor`. Must be one of the following types: `float32`,
        `float64`. N-D tensor. First entry in the range.
      stop: A `Tensor`. Must have the same type and shape as `start`. N-D tensor.
        Last entry in the range.
      num: A `Tensor` of type `int32` or `int64`, or a Python int: 0-D, the
        number of values to generate (known when the graph is built in
        fastgraph).
      name: A name for the operation (optional).
      axis: Axis along which the operation is performed (can be specified to
        non-zero only when N-D tensors are provided).

    Returns:
      A `Tensor`. Has the same type as `start`.
    """
    graph, scope = scope_of([start, stop], name, "linspace")
    with graph.as_default(), scope:
        start = tensor_or_constant(graph, start, name="start")
        stop = tensor_or_constant(graph, stop, name="stop", dtype=start.dtype)
        if stop.dtype != start.dtype:
            raise TypeError(f"Input 'stop' of 'LinSpace' Op has type {stop.dtype.name} that "
                            f"does not match type {start.dtype.name} of argument 'start'.")
        n = _static_int(num, "linspace's `num`")
        shape = broadcast_shapes([start.shape.as_tuple(), stop.shape.as_tuple()], "'linspace'")
        if shape is None or any(d is None for d in shape):
            raise NotImplementedError("linspace needs the shapes of start and stop when the "
                                      "graph is built")
        start = broadcast_to(start, list(shape))
        stop = broadcast_to(stop, list(shape))
        rank = len(shape) + 1
        if not -rank <= axis < rank:
            raise ValueError(f"axis {axis} out of range for linspace of rank {rank}")
        ax = axis % rank
        e_start = expand_dims(start, ax)
        e_stop = expand_dims(stop, ax)
        n_steps = max(n - 1, 1)
        delta = truediv(subtract(e_stop, e_start), cast(n_steps, e_stop.dtype))
        e_start = cast(e_start, delta.dtype)
        e_stop = cast(e_stop, delta.dtype)
        if n <= 0:
            out_shape = list(shape)
            out_shape.insert(ax, 0)
            return zeros(out_shape, dtype=delta.dtype)
        if n == 1:
            return identity(e_start)
        steps_shape = [1] * rank
        steps_shape[ax] = n - 2
        steps = reshape(cast(_range(1, n - 1, dtype=dtypes.int64), delta.dtype), steps_shape)
        res = add(e_start, multiply(delta, steps))
        return concat([e_start, res, e_stop], axis=ax)


lin_space = linspace


# TF's AddN op, read from GraphDefs as this composite.
register_graphdef_translation("AddN", lambda inputs, attrs, name: add_n(inputs, name=name))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """Computes log(sum(exp(elements across dimensions of a tensor))),
    stably: the maximum is taken out first (infinite maxima count as 0)."""
    graph = graph_of([input_tensor])
    with graph.as_default(), graph.name_scope(name or "ReduceLogSumExp"):
        x = to_tensor(graph, input_tensor)
        check_dtype(x, FLOATS, "ReduceLogSumExp", "input_tensor")
        if x.shape.rank is None:
            raise NotImplementedError("reduce_logsumexp needs the input's rank")
        raw_max = reduce_max(x, axis, keepdims=True)
        my_max = where(is_finite(raw_max), raw_max, 0.0)
        total = reduce_sum(exp(subtract(x, my_max)), axis, keepdims=keepdims)
        axes = list(reduction_axes(axis, x.shape.rank))
        if not keepdims and axes:  # squeeze([]) would drop every size-1 dim
            my_max = squeeze(my_max, axes)
        return add(log(total), my_max)
