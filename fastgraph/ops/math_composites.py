"""Composite math and nn ops, built from existing ops as TensorFlow builds
them (no kernels of their own): clip_by_value, clip_by_norm,
clip_by_global_norm, add_n, accumulate_n, reduce_variance, reduce_std,
count_nonzero, log_sigmoid, truncatediv, truncatemod, sequence_mask,
linspace, eye, and tf.nn's sigmoid / weighted cross-entropies,
embedding_lookup, swish (silu) and gelu; plus the tf.math aliases of nn
activations (softplus, softsign, softmax, log_softmax, l2_normalize).

Ops whose output shape depends on an argument (linspace's `num`,
sequence_mask's `maxlen`, eye's sizes) need it when the plan is compiled,
as every shape in fastgraph.
"""

import numbers
from collections.abc import Sequence

import numpy as np

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, constant_value
from ..framework.op_registry import register_graphdef_translation
from ..framework.tensor_shape import TensorShape
from .array_ops import broadcast_to, concat, expand_dims, identity, stack
from .common import FLOATS, INTS, check_dtype, graph_of, to_tensor, to_tensors_like
from .elementwise import (
    abs as _abs, add, cast, equal, erf, exp, floordiv, floormod, greater, greater_equal, less,
    log1p, logical_and, maximum, minimum, multiply, negative, not_equal, realdiv, sigmoid, sqrt,
    square, subtract, tanh, truediv, where, ceil, floor,
)
from .indexing_ops import gather, ones_like, range as _range, zeros, zeros_like
from .nn_ops import l2_loss, log_softmax, relu, softmax, softplus, softsign
from .reduction_ops import l2_normalize, reduce_max, reduce_mean, reduce_sum

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm", "add_n",
           "accumulate_n", "count_nonzero", "log_sigmoid", "truncatediv", "truncatemod",
           "sequence_mask", "linspace", "lin_space", "eye", "div_no_nan", "scalar_mul",
           "to_float", "to_double", "to_int32", "to_int64"]
MATH = ["add_n", "accumulate_n", "reduce_variance", "reduce_std", "count_nonzero",
        "log_sigmoid", "softplus", "softsign", "softmax", "log_softmax", "l2_normalize",
        "divide_no_nan", "multiply_no_nan", "xlogy", "xdivy", "scalar_mul", "zero_fraction"]
NN = ["sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits",
      "embedding_lookup", "swish", "silu", "gelu", "zero_fraction"]
LINALG = ["eye", "global_norm", "l2_normalize"]


def _scope(values, name, default):
    graph = graph_of(values)
    return graph, graph.name_scope(name or default)


def _as_tensor(graph, value, name=None, dtype=None):
    if isinstance(value, Tensor):
        return value
    return to_tensor(graph, value, dtype=dtype, name=name)


# ---- clipping -----------------------------------------------------------------

def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clips tensor values to a specified min and max.

    Given a tensor `t`, this operation returns a tensor of the same type and
    shape as `t` with its values clipped to `clip_value_min` and `clip_value_max`.
    Any values less than `clip_value_min` are set to `clip_value_min`. Any values
    greater than `clip_value_max` are set to `clip_value_max`.

    Args:
      t: A `Tensor`.
      clip_value_min: The minimum value to clip to. A scalar `Tensor` or one that
        is broadcastable to the shape of `t`.
      clip_value_max: The maximum value to clip to. A scalar `Tensor` or one that
        is broadcastable to the shape of `t`.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor`.

    Raises:
      ValueError: If the clip tensors would trigger array broadcasting that would
        make the returned tensor larger than the input.
    """
    graph, scope = _scope([t, clip_value_min, clip_value_max], name, "clip_by_value")
    with graph.as_default(), scope as scope_name:
        values = _as_tensor(graph, t, name="t")
        t_min = minimum(values, clip_value_max)
        values.shape.assert_is_compatible_with(t_min.shape)
        t_max = maximum(t_min, clip_value_min, name=scope_name)
        values.shape.assert_is_compatible_with(t_max.shape)
        return t_max


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Clips tensor values to a maximum L2-norm.

    Given a tensor `t`, and a maximum clip value `clip_norm`, this operation
    normalizes `t` so that its L2-norm is less than or equal to `clip_norm`,
    along the dimensions given in `axes`. Specifically, in the default case
    where all dimensions are used for calculation, if the L2-norm of `t` is
    already less than or equal to `clip_norm`, then `t` is not modified. If
    the L2-norm is greater than `clip_norm`, then this operation returns a
    tensor of the same type and shape as `t` with its values set to:

    `t * clip_norm / l2norm(t)`

    Args:
      t: A `Tensor`.
      clip_norm: A 0-D (scalar) `Tensor` > 0. A maximum clipping value.
      axes: A 1-D (vector) `Tensor` of type int32 containing the dimensions to use
        for computing the L2-norm. If `None` (the default), uses all dimensions.
      name: A name for the operation (optional).

    Returns:
      A clipped `Tensor`.
    """
    graph, scope = _scope([t, clip_norm], name, "clip_by_norm")
    with graph.as_default(), scope as scope_name:
        values = _as_tensor(graph, t, name="t")
        if np.isscalar(clip_norm):
            clip_norm = max(clip_norm, 0)
        else:
            clip_norm = cast(maximum(clip_norm, 0), values.dtype)
        l2sum = reduce_sum(multiply(values, values), axes, keepdims=True)
        pred = greater(l2sum, 0)
        l2sum_safe = where(pred, l2sum, ones_like(l2sum))
        l2norm = where(pred, sqrt(l2sum_safe), l2sum)
        intermediate = multiply(values, clip_norm)
        values.shape.assert_is_compatible_with(intermediate.shape)
        return identity(truediv(intermediate, maximum(l2norm, clip_norm)), name=scope_name)


def _check_sequence(t_list):
    if not isinstance(t_list, Sequence) or isinstance(t_list, str):
        raise TypeError(f"`t_list` should be a sequence of tensors. Received {type(t_list)}.")
    return list(t_list)


def global_norm(t_list, name=None):
    """Computes the global norm of multiple tensors.

    Given a tuple or list of tensors `t_list`, this operation returns the
    global norm of the elements in all tensors in `t_list`. The global norm is
    computed as:

    `global_norm = sqrt(sum([l2norm(t)**2 for t in t_list]))`

    Any entries in `t_list` that are of type None are ignored.
    """
    t_list = _check_sequence(t_list)
    graph, scope = _scope(t_list, name, "global_norm")
    with graph.as_default(), scope:
        values = [None if t is None else _as_tensor(graph, t, name=f"t_{i}")
                  for i, t in enumerate(t_list)]
        half_squared = reduce_sum(stack([l2_loss(v) for v in values if v is not None]))
        return sqrt(multiply(half_squared, to_tensor(graph, 2.0, dtype=half_squared.dtype)),
                    name="global_norm")


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Clips values of multiple tensors by the ratio of the sum of their norms.

    Given a tuple or list of tensors `t_list`, and a clipping ratio `clip_norm`,
    this operation returns a list of clipped tensors `list_clipped`
    and the global norm (`global_norm`) of all tensors in `t_list`. Optionally,
    if you've already computed the global norm for `t_list`, you can specify
    the global norm with `use_norm`.

    To perform the clipping, the values `t_list[i]` are set to:

        t_list[i] * clip_norm / max(global_norm, clip_norm)

    where:

        global_norm = sqrt(sum([l2norm(t)**2 for t in t_list]))

    If `clip_norm > global_norm` then the entries in `t_list` remain as they are,
    otherwise they're all shrunk by the global ratio. If `global_norm == infinity`
    then the entries in `t_list` are all set to `NaN` to signal that an error
    occurred.

    Returns:
      list_clipped: A list of `Tensors` of the same type as `list_t`.
      global_norm: A 0-D (scalar) `Tensor` representing the global norm.
    """
    t_list = _check_sequence(t_list)
    if use_norm is None:
        use_norm = global_norm(t_list, name)
    graph, scope = _scope(t_list + [clip_norm], name, "clip_by_global_norm")
    with graph.as_default(), scope as scope_name:
        one = to_tensor(graph, 1.0, dtype=use_norm.dtype)
        scale_for_finite = multiply(clip_norm, minimum(truediv(1.0, use_norm),
                                                       truediv(one, clip_norm)))
        # A no-op for a finite norm; NaN for inf, -inf or NaN.
        scale = add(scale_for_finite, subtract(use_norm, use_norm))
        values = [None if t is None else _as_tensor(graph, t, name=f"t_{i}")
                  for i, t in enumerate(t_list)]
        clipped = [None if v is None else
                   identity(multiply(v, cast(scale, v.dtype)), name=f"{scope_name[:-1]}_{i}")
                   for i, v in enumerate(values)]
    return clipped, use_norm


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
    tensors = [_as_tensor(graph, x) if isinstance(x, Tensor) or hasattr(x, "_as_graph_element")
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
               hasattr(x, "_as_graph_element") else _as_tensor(graph, x) for x in inputs]
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
    graph, scope = _scope([input_tensor], name, "reduce_variance")
    with graph.as_default(), scope:
        x = _as_tensor(graph, input_tensor)
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
    graph, scope = _scope([input_tensor], name, "reduce_std")
    with graph.as_default(), scope:
        x = _as_tensor(graph, input_tensor)
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
    graph, scope = _scope([input_tensor], name, "count_nonzero")
    with graph.as_default(), scope:
        x = _as_tensor(graph, input_tensor, name="input")
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
    graph, scope = _scope([x], name, "LogSigmoid")
    with graph.as_default(), scope as scope_name:
        x = _as_tensor(graph, x, name="x")
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
    graph, scope = _scope([x, y], name, "div_no_nan")
    with graph.as_default(), scope as scope_name:
        if not isinstance(x, Tensor) and isinstance(y, Tensor):
            x = _as_tensor(graph, x, name="x", dtype=y.dtype)
        else:
            x = _as_tensor(graph, x, name="x")
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
    graph, scope = _scope([x, y], name, "multiply_no_nan")
    with graph.as_default(), scope as scope_name:
        x = _as_tensor(graph, x, name="x")
        y = _as_tensor(graph, y, name="y", dtype=x.dtype)
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
    from .elementwise import log
    return _zero_if_x_zero("Xlogy", lambda a, b: multiply(a, log(b)), x, y, name)


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
    x = _as_tensor(graph, x)
    scalar = _as_tensor(graph, scalar, name="scalar", dtype=x.dtype)
    if scalar.shape.rank == 0:
        return multiply(scalar, x, name=name)
    raise ValueError(f"The input scalar must be a 0-D value. Received shape {scalar.shape}.")


def zero_fraction(value, name=None):
    """Returns the fraction of zeros in `value`.

    If `value` is empty, the result is `nan`.

    This is useful in summaries to measure and report sparsity.

    Args:
      value: A tensor of numeric type.
      name: A name for the operation (optional).

    Returns:
      The fraction of zeros in `value`, with type `float32`.
    """
    graph, scope = _scope([value], name, "zero_fraction")
    with graph.as_default(), scope:
        value = _as_tensor(graph, value, name="value")
        from .indexing_ops import size as _size
        size = _size(value, out_type=dtypes.int64)
        num_nonzero = count_nonzero(value, dtype=dtypes.int64)
        with graph.name_scope("counts_to_fraction"):
            num_zero = subtract(size, num_nonzero)
            fraction = truediv(cast(num_zero, dtypes.float32), cast(size, dtypes.float32))
        return identity(fraction, name="fraction")


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


# ---- nn -------------------------------------------------------------------------

def _xent_tensors(graph, labels, logits):
    logits = _as_tensor(graph, logits, name="logits")
    labels = _as_tensor(graph, labels, name="labels")
    if not labels.shape.is_compatible_with(logits.shape):
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({logits.shape} vs {labels.shape}).")
    return labels, logits


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Computes sigmoid cross entropy given `logits`.

    Measures the probability error in tasks with two outcomes in which each
    outcome is independent and need not have a fully certain label. For instance,
    one could perform a regression where the probability of an event happening is
    known and used as a label. This loss may also be used for binary
    classification, where labels are either zero or one.

    For brevity, let `x = logits`, `z = labels`.  The logistic loss is

          z * -log(sigmoid(x)) + (1 - z) * -log(1 - sigmoid(x))
        = x - x * z + log(1 + exp(-x))

    For x < 0, to avoid overflow in exp(-x), we reformulate the above

          x - x * z + log(1 + exp(-x))
        = - x * z + log(1 + exp(x))

    Hence, to ensure stability and avoid overflow, the implementation uses this
    equivalent formulation

        max(x, 0) - x * z + log(1 + exp(-abs(x)))

    `logits` and `labels` must have the same type and shape.

    Args:
      labels: A `Tensor` of the same type and shape as `logits`. Between 0 and 1,
        inclusive.
      logits: A `Tensor` of type `float32` or `float64`. Any real number.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` of the same shape as `logits` with the componentwise
      logistic losses.

    Raises:
      ValueError: If `logits` and `labels` do not have the same shape.
    """
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for "
                         f"sigmoid_cross_entropy_with_logitsReceived: labels={labels} and "
                         f"logits={logits}")
    graph, scope = _scope([logits, labels], name, "logistic_loss")
    with graph.as_default(), scope as scope_name:
        labels, logits = _xent_tensors(graph, labels, logits)
        zeros_ = zeros_like(logits, dtype=logits.dtype)
        cond = greater_equal(logits, zeros_)
        relu_logits = where(cond, logits, zeros_)
        neg_abs_logits = where(cond, negative(logits), logits)
        return add(subtract(relu_logits, multiply(logits, labels)),
                   log1p(exp(neg_abs_logits)), name=scope_name)


def weighted_cross_entropy_with_logits(labels=None, logits=None, pos_weight=None, name=None,
                                       targets=None):
    """Computes a weighted cross entropy.

    This is like `sigmoid_cross_entropy_with_logits()` except that `pos_weight`,
    allows one to trade off recall and precision by up- or down-weighting the
    cost of a positive error relative to a negative error.

    The usual cross-entropy cost is defined as:

        labels * -log(sigmoid(logits)) +
            (1 - labels) * -log(1 - sigmoid(logits))

    A value `pos_weight > 1` decreases the false negative count, hence increasing
    the recall. Conversely setting `pos_weight < 1` decreases the false positive
    count and increases the precision. The argument `pos_weight` is used as a
    multiplier for the positive targets:

        labels * -log(sigmoid(logits)) * pos_weight +
            (1 - labels) * -log(1 - sigmoid(logits))

    For brevity, let `x = logits`, `z = labels`, `q = pos_weight`. Setting
    `l = (1 + (q - 1) * z)`, to ensure stability and avoid overflow, the
    implementation uses

        (1 - z) * x + l * (log(1 + exp(-abs(x))) + max(-x, 0))

    `logits` and `labels` must have the same type and shape.

    Raises:
      ValueError: If `logits` and `labels` do not have the same shape.
    """
    if targets is not None:
        labels = targets
    graph, scope = _scope([logits, labels], name, "logistic_loss")
    with graph.as_default(), scope as scope_name:
        labels, logits = _xent_tensors(graph, labels, logits)
        # Python arithmetic for a Python pos_weight, as TF's `pos_weight - 1`.
        weight_m1 = pos_weight - 1 if isinstance(pos_weight, numbers.Number) else \
            subtract(pos_weight, 1)
        log_weight = add(1, multiply(weight_m1, labels))
        return add(multiply(subtract(1, labels), logits),
                   multiply(log_weight, add(log1p(exp(negative(_abs(logits)))),
                                            relu(negative(logits)))), name=scope_name)


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True,
                     max_norm=None):
    """Looks up embeddings for the given `ids` from a list of tensors.

    This function is used to perform parallel lookups on the list of tensors in
    `params`. It is a generalization of `tf.gather`, where `params` is
    interpreted as a partitioning of a large embedding tensor. `params` may be
    a single tensor (or Variable), or a list of one: partitioned lists of
    several tensors raise NotImplementedError in fastgraph.

    Args:
      params: A single tensor representing the complete embedding tensor, or a
        list of one such tensor.
      ids: A `Tensor` with type `int32` or `int64` containing the ids to be looked
        up in `params`.
      partition_strategy: A string specifying the partitioning strategy, relevant
        if `len(params) > 1`. Currently `"div"` and `"mod"` are supported. Default
        is `"mod"`.
      name: A name for the operation (optional).
      validate_indices: DEPRECATED. If this operation is assigned to CPU, values
        in `indices` are always validated to be within range.
      max_norm: If not `None`, each embedding is clipped if its l2-norm is larger
        than this value.

    Returns:
      A `Tensor` with the same type as the tensors in `params`.

    Raises:
      ValueError: If `params` is empty.
    """
    if params is None:
        raise ValueError("params must be specified")
    if isinstance(params, (list, tuple)) and not params:
        raise ValueError("Length of params is currently 0. Need at least one param.")
    if isinstance(params, (list, tuple)):
        params = list(params)
    else:
        params = [params]
    if len(params) > 1:
        raise NotImplementedError(
            f"fastgraph's embedding_lookup takes one params tensor, not a partitioned list of "
            f"{len(params)} (partition_strategy={partition_strategy!r})")
    graph, scope = _scope(params + [ids], name, "embedding_lookup")
    with graph.as_default(), scope as scope_name:
        p = params[0]
        p = convert_to_tensor(p) if not isinstance(p, Tensor) and \
            hasattr(p, "_as_graph_element") else _as_tensor(graph, p, name="params")
        ids = _as_tensor(graph, ids, name="ids")
        result = gather(p, ids, name=scope_name)
        if max_norm is not None:
            # Each embedding: the result's dims after those of `ids`.
            ids_rank, result_rank = ids.shape.rank, result.shape.rank
            if ids_rank is None or result_rank is None:
                raise NotImplementedError("embedding_lookup's max_norm needs the ranks of "
                                          "params and ids")
            result = clip_by_norm(result, max_norm, axes=list(range(ids_rank, result_rank)))
        return identity(result)


def swish(features, beta=1.0):
    """Computes the SiLU or Swish activation function: `x * sigmoid(beta * x)`.

    beta : Hyperparameter for Swish activation function. Default value 1.0.

    The SiLU activation function was introduced in "Gaussian Error Linear Units
    (GELUs)" [Hendrycks et al. 2016](https://arxiv.org/abs/1606.08415) and
    "Sigmoid-Weighted Linear Units for Neural Network Function Approximation in
    Reinforcement Learning"
    [Elfwing et al. 2017](https://arxiv.org/abs/1702.03118) and was independently
    discovered (and called swish) in "Searching for Activation Functions"
    [Ramachandran et al. 2017](https://arxiv.org/abs/1710.05941)

    Args:
      features: A `Tensor` representing preactivation values.
      beta: A 'Tensor' representing value of beta hyperparameter.

    Returns:
      The activation value.
    """
    graph = graph_of([features, beta])
    with graph.as_default():
        features = _as_tensor(graph, features, name="features")
        beta = cast(_as_tensor(graph, beta, name="beta"), features.dtype)
        return multiply(features, sigmoid(multiply(beta, features)))


silu = swish


def gelu(features, approximate=False, name=None):
    """Compute the Gaussian Error Linear Unit (GELU) activation function.

    Gaussian error linear unit (GELU) computes
    `x * P(X <= x)`, where `P(X) ~ N(0, 1)`.
    The (GELU) nonlinearity weights inputs by their value, rather than gates
    inputs by their sign as in ReLU.

    Args:
      features: A `float Tensor` representing preactivation values.
      approximate: An optional `bool`. Defaults to `False`. Whether to enable
        approximation (the tanh form,
        `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`); else
        `0.5 * x * (1 + erf(x / sqrt(2)))`.
      name: A name for the operation (optional).

    Returns:
      A `Tensor` with the same type as `features`.

    Raises:
      ValueError: if `features` is not a floating point `Tensor`.
    """
    graph, scope = _scope([features], name, "Gelu")
    with graph.as_default(), scope:
        features = _as_tensor(graph, features, name="features")
        if not features.dtype.is_floating:
            raise ValueError("`features.dtype` must be a floating point tensor."
                             f"Received:features.dtype={features.dtype}")
        half_x = multiply(0.5, features)
        # TF's math_ops.cast(0.044715, dtype): a float32 constant cast to the dtype.
        if approximate:
            coeff = cast(to_tensor(graph, 0.044715), features.dtype)
            cube = multiply(multiply(features, features), features)
            inner = multiply(0.7978845608028654, add(features, multiply(coeff, cube)))
            return multiply(half_x, add(1.0, tanh(inner)))
        # TF's erfc(-x / sqrt(2)) as 1 - erf(-x / sqrt(2)).
        z = multiply(negative(features), cast(to_tensor(graph, 0.7071067811865476),
                                              features.dtype))
        return multiply(half_x, subtract(1.0, erf(z)))


# ---- shapes from values -------------------------------------------------------

def sequence_mask(lengths, maxlen=None, dtype=dtypes.bool, name=None):
    """Returns a mask tensor representing the first N positions of each cell.

    If `lengths` has shape `[d_1, d_2, ..., d_n]` the resulting tensor `mask` has
    dtype `dtype` and shape `[d_1, d_2, ..., d_n, maxlen]`, with

    ```
    mask[i_1, i_2, ..., i_n, j] = (j < lengths[i_1, i_2, ..., i_n])
    ```

    Args:
      lengths: integer tensor, all its values <= maxlen.
      maxlen: scalar integer tensor, size of last dimension of returned tensor.
        Default is the maximum value in `lengths` (then `lengths` must be known
        when the plan is compiled, as `maxlen` decides the output's shape).
      dtype: output type of the resulting tensor.
      name: name of the op.

    Returns:
      A mask tensor of shape `lengths.shape + (maxlen,)`, cast to specified dtype.
    Raises:
      ValueError: if `maxlen` is not a scalar.
    """
    graph, scope = _scope([lengths, maxlen], name, "SequenceMask")
    with graph.as_default(), scope:
        lengths = _as_tensor(graph, lengths)
        if maxlen is None:
            maxlen = reduce_max(lengths, list(range(lengths.shape.rank))
                                if lengths.shape.rank is not None else None)
            maxlen = maximum(to_tensor(graph, 0, dtype=maxlen.dtype), maxlen)
        else:
            maxlen = _as_tensor(graph, maxlen)
        if maxlen.shape.rank is not None and maxlen.shape.rank != 0:
            raise ValueError("Argument `maxlen` must be scalar for sequence_mask, received "
                             f"`maxlen` = {maxlen} with shape '{maxlen.shape}' instead")
        row_vector = _range(0, maxlen, 1, dtype=maxlen.dtype)
        matrix = cast(expand_dims(lengths, -1), maxlen.dtype)
        result = less(row_vector, matrix)
        if dtype is None or dtypes.as_dtype(dtype) == dtypes.bool:
            return result
        return cast(result, dtype)


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
    graph, scope = _scope([start, stop], name, "linspace")
    with graph.as_default(), scope:
        start = _as_tensor(graph, start, name="start")
        stop = _as_tensor(graph, stop, name="stop", dtype=start.dtype)
        if stop.dtype != start.dtype:
            raise TypeError(f"Input 'stop' of 'LinSpace' Op has type {stop.dtype.name} that "
                            f"does not match type {start.dtype.name} of argument 'start'.")
        n = _static_int(num, "linspace's `num`")
        from .broadcast import broadcast_shapes
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
        from .array_ops import reshape
        steps = reshape(cast(_range(1, n - 1, dtype=dtypes.int64), delta.dtype), steps_shape)
        res = add(e_start, multiply(delta, steps))
        return concat([e_start, res, e_stop], axis=ax)


lin_space = linspace


def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Construct an identity matrix, or a batch of matrices.

    ```python
    # Construct one identity matrix.
    tf.eye(2)
    ==> [[1., 0.],
         [0., 1.]]

    # Construct a batch of 3 identity matrices, each 2 x 2.
    # batch_identity[i, :, :] is a 2 x 2 identity matrix, i = 0, 1, 2.
    batch_identity = tf.eye(2, batch_shape=[3])

    # Construct one 2 x 3 "identity" matrix
    tf.eye(2, num_columns=3)
    ==> [[ 1.,  0.,  0.],
         [ 0.,  1.,  0.]]
    ```

    Args:
      num_rows: Non-negative `int32` scalar `Tensor` giving the number of rows
        in each batch matrix.
      num_columns: Optional non-negative `int32` scalar `Tensor` giving the number
        of columns in each batch matrix.  Defaults to `num_rows`.
      batch_shape:  A list or tuple of Python integers or a 1-D `int32` `Tensor`.
        If provided, the returned `Tensor` will have leading batch dimensions of
        this shape.
      dtype:  The type of an element in the resulting `Tensor`
      name:  A name for this `Op`.  Defaults to "eye".

    Returns:
      A `Tensor` of shape `batch_shape + [num_rows, num_columns]`
    """
    graph, scope = _scope([num_rows, num_columns, batch_shape], name, "eye")
    with graph.as_default(), scope:
        num_columns = num_rows if num_columns is None else num_columns
        if not isinstance(num_rows, Tensor) and not isinstance(num_columns, Tensor):
            if not isinstance(num_rows, numbers.Integral) or \
                    not isinstance(num_columns, numbers.Integral):
                raise TypeError("Arguments `num_rows` and `num_columns` must be positive "
                                f"integer values. Received: num_rows={num_rows}, "
                                f"num_columns={num_columns}")
        rows = _range(0, num_rows, 1, dtype=dtypes.int32)
        cols = _range(0, num_columns, 1, dtype=dtypes.int32)
        matrix = cast(equal(expand_dims(rows, 1), cols), dtype)
        if batch_shape is None:
            return matrix
        if isinstance(batch_shape, Tensor):
            from .array_ops import shape as _shape
            full = concat([cast(batch_shape, dtypes.int32), _shape(matrix)], 0)
        else:
            full = list(batch_shape) + matrix.shape.as_list()
        return broadcast_to(matrix, full)


# TF ops that fastgraph builds as these composites, read from GraphDefs.
register_graphdef_translation("AddN", lambda inputs, attrs, name: add_n(inputs, name=name))
register_graphdef_translation("ClipByValue", lambda inputs, attrs, name: clip_by_value(
    inputs[0], inputs[1], inputs[2], name=name))
