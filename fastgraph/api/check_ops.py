"""`tf.debugging`'s asserts (TF1's, `tf.compat.v1.assert_*`): each builds an
Assert op that raises InvalidArgumentError with TF's message when run, and
raises at build time where TF does (InvalidArgumentError when both operands
are constants and the condition fails; ValueError for a static rank that
fails; TypeError for a dtype)."""

import numpy as np

from ..framework import dtypes, errors
from ..framework.graph import Tensor
from ..framework.static_values import constant_value
from ..ops.array_ops import no_op, reshape, shape
from ..ops.arguments import scope_of, to_tensor
from ..ops.elementwise import abs as _abs
from ..ops.array_ops import check_numerics
from ..ops.elementwise import is_finite, is_inf, is_nan  # noqa: F401 - tf.debugging's
from ..ops.elementwise import equal, greater, greater_equal, less, less_equal, logical_or, \
    not_equal, subtract
from ..ops.indexing_ops import rank as _rank
from ..ops.logging_ops import Assert
from ..ops.reduction_ops import reduce_all

__all__ = ["assert_equal", "assert_none_equal", "assert_less", "assert_less_equal",
           "assert_greater", "assert_greater_equal", "assert_positive", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_near", "assert_rank",
           "assert_rank_at_least", "assert_rank_in", "assert_integer", "assert_type",
           "assert_scalar", "assert_proper_iterable", "assert_same_float_dtype",
           "is_numeric_tensor", "is_non_decreasing", "is_strictly_increasing",
           "verify_tensor_all_finite"]
DEBUGGING = [n for n in __all__ if n != "verify_tensor_all_finite"] + [
    "assert_all_finite", "is_finite", "is_inf", "is_nan", "get_log_device_placement",
    "set_log_device_placement"]
MATH = ["is_non_decreasing", "is_strictly_increasing"]


def _message_prefix(message):
    return f"{message}.  " if message else ""


def _static_text(t):
    if not isinstance(t, Tensor):
        return str(t)
    value = constant_value(t)
    return str(value) if value is not None else t


def _assert_static(condition, data):
    if not condition:
        raise errors.InvalidArgumentError(None, None, "\n".join(str(_static_text(x))
                                                               for x in data))


def _binary_assert(sym, opname, op_func, static_func, x, y, data, summarize, message, name):
    graph, scope = scope_of([x, y] + list(data or []), name, opname)
    with scope:
        x = to_tensor(graph, x, name="x")
        y = to_tensor(graph, y, name="y", dtype=x.dtype if not isinstance(y, Tensor) else None)
        if data is None:
            data = [f"Condition x {sym} y did not hold element-wise:",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        if message is not None:
            data = [message] + list(data)
        condition = reduce_all(op_func(x, y))
        xs, ys = constant_value(x), constant_value(y)
        if xs is not None and ys is not None:
            _assert_static(bool(np.all(static_func(xs, ys))), data)
        return Assert(condition, data, summarize=summarize)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x == y` holds element-wise.

    Returns an op that raises InvalidArgumentError if `x == y` is False
    when run; raises it at once when both are constants and differ.
    """
    graph, scope = scope_of([x, y], name, "assert_equal")
    with scope:  # TF opens this scope once for the check below, then again
        if x is y:
            return no_op()
    return _binary_assert("==", "assert_equal", equal, np.equal, x, y, data, summarize,
                          message, name)


def assert_none_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x != y` holds element-wise."""
    return _binary_assert("!=", "assert_none_equal", not_equal, np.not_equal, x, y, data,
                          summarize, message, name)


def assert_less(x, y, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x < y` holds element-wise."""
    return _binary_assert("<", "assert_less", less, np.less, x, y, data, summarize, message,
                          name)


def assert_less_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x <= y` holds element-wise."""
    return _binary_assert("<=", "assert_less_equal", less_equal, np.less_equal, x, y, data,
                          summarize, message, name)


def assert_greater(x, y, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x > y` holds element-wise."""
    return _binary_assert(">", "assert_greater", greater, np.greater, x, y, data, summarize,
                          message, name)


def assert_greater_equal(x, y, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x >= y` holds element-wise."""
    return _binary_assert(">=", "assert_greater_equal", greater_equal, np.greater_equal, x, y,
                          data, summarize, message, name)


def _unary_assert(opname, sym, x, data, summarize, message, name, check):
    message = _message_prefix(message)
    graph, scope = scope_of([x] + list(data or []), name, opname)
    with scope:
        x = to_tensor(graph, x, name="x")
        if data is None:
            data = [message, f"Condition x {sym} did not hold element-wise:", f"x ({x.name}) = ",
                    x]
            if sym == "<= 0":
                # TF's assert_non_positive joins these two (a comma missing in TF).
                data[1:3] = [data[1] + data[2]]
        zero = to_tensor(graph, 0, dtype=x.dtype)
        return check(x, zero, data=data, summarize=summarize)


def assert_negative(x, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x < 0` holds element-wise."""
    return _unary_assert("assert_negative", "< 0", x, data, summarize, message, name,
                         lambda x, zero, **kw: assert_less(x, zero, **kw))


def assert_positive(x, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x > 0` holds element-wise."""
    return _unary_assert("assert_positive", "> 0", x, data, summarize, message, name,
                         lambda x, zero, **kw: assert_less(zero, x, **kw))


def assert_non_negative(x, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x >= 0` holds element-wise."""
    return _unary_assert("assert_non_negative", ">= 0", x, data, summarize, message, name,
                         lambda x, zero, **kw: assert_less_equal(zero, x, **kw))


def assert_non_positive(x, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x <= 0` holds element-wise."""
    return _unary_assert("assert_non_positive", "<= 0", x, data, summarize, message, name,
                         lambda x, zero, **kw: assert_less_equal(x, zero, **kw))


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None):
    """Assert the condition `x` and `y` are close element-wise:
    `abs(x - y) <= atol + rtol * abs(y)`, with `10 * eps` of the dtype as the
    default tolerances."""
    message = _message_prefix(message)
    graph, scope = scope_of([x, y, rtol, atol] + list(data or []), name, "assert_near")
    with scope:
        x = to_tensor(graph, x, name="x")
        y = to_tensor(graph, y, name="y", dtype=x.dtype)
        eps = np.finfo(x.dtype.np_dtype).eps
        rtol = to_tensor(graph, 10 * eps if rtol is None else rtol, name="rtol", dtype=x.dtype)
        atol = to_tensor(graph, 10 * eps if atol is None else atol, name="atol", dtype=x.dtype)
        if data is None:
            data = [message, f"x and y not equal to tolerance rtol = {rtol}, atol = {atol}",
                    f"x ({x.name}) = ", x, f"y ({y.name}) = ", y]
        tol = atol + rtol * _abs(y)
        diff = _abs(subtract(x, y))
        return Assert(reduce_all(less(diff, tol)), data, summarize=summarize)


def _assert_rank_condition(graph, x, ranks, static_condition, dynamic_condition, data,
                           summarize):
    for r in ranks:
        assert_type(r, dtypes.int32)
    statics = [constant_value(r) for r in ranks]
    if all(s is not None for s in statics):
        if any(np.ndim(s) != 0 for s in statics):
            raise ValueError("Rank must be a scalar.")
        if x.shape.rank is not None:
            if not static_condition(x.shape.rank, statics):
                raise _StaticRankFailed(x.shape.rank, statics)
            return no_op(name="static_checks_determined_all_ok")
    condition = dynamic_condition(_rank(x), ranks)
    return Assert(condition, data, summarize=summarize)


class _StaticRankFailed(ValueError):
    def __init__(self, actual, given):
        super().__init__("Static rank condition failed", actual, given)
        self.actual, self.given = actual, given


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """Assert `x` has rank equal to `rank`.

    Raises ValueError at once when the static rank of `x` is known and is
    not `rank`; otherwise returns an op that raises InvalidArgumentError
    when run (or a no-op when the static check settled it).
    """
    graph, scope = scope_of([x, rank] + list(data or []), name, "assert_rank")
    with scope:
        x = to_tensor(graph, x, name="x")
        rank = to_tensor(graph, rank, name="rank")
        message = _message_prefix(message)
        if data is None:
            data = [message, f"Tensor {x.name} must have rank", rank, "Received shape: ",
                    shape(x)]
        try:
            return _assert_rank_condition(graph, x, [rank], lambda a, g: a == g[0],
                                          lambda a, g: equal(a, g[0]), data, summarize)
        except _StaticRankFailed as e:
            raise ValueError(f"{message}Tensor {x.name} must have rank {int(e.given[0])}.  "
                             f"Received rank {e.actual}, shape {x.shape}") from None


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    """Assert `x` has rank equal to `rank` or higher."""
    graph, scope = scope_of([x, rank] + list(data or []), name, "assert_rank_at_least")
    with scope:
        x = to_tensor(graph, x, name="x")
        rank = to_tensor(graph, rank, name="rank")
        message = _message_prefix(message)
        if data is None:
            data = [message, f"Tensor {x.name} must have rank at least", rank,
                    "Received shape: ", shape(x)]
        try:
            return _assert_rank_condition(graph, x, [rank], lambda a, g: a >= g[0],
                                          lambda a, g: greater_equal(a, g[0]), data, summarize)
        except _StaticRankFailed as e:
            raise ValueError(f"{message}Tensor {x.name} must have rank at least "
                             f"{int(e.given[0])}.  Received rank {e.actual}, shape {x.shape}") \
                from None


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """Assert `x` has rank in `ranks`."""
    graph, scope = scope_of([x] + list(ranks) + list(data or []), name, "assert_rank_in")
    with scope:
        x = to_tensor(graph, x, name="x")
        ranks = [to_tensor(graph, r, name="rank") for r in ranks]
        message = _message_prefix(message)
        if data is None:
            data = [message, f"Tensor {x.name} must have rank in"] + ranks + \
                ["Received shape: ", shape(x)]

        def dynamic(actual, given):
            result = equal(given[0], actual)
            for g in given[1:]:
                result = logical_or(result, equal(g, actual))
            return result
        try:
            return _assert_rank_condition(graph, x, ranks,
                                          lambda a, g: a in [int(v) for v in g], dynamic, data,
                                          summarize)
        except _StaticRankFailed as e:
            given = tuple(int(v) for v in e.given)
            raise ValueError(f"{message}Tensor {x.name} must have rank in {given}.  Received "
                             f"rank {e.actual}, shape {x.shape}") from None


def assert_integer(x, message=None, name=None):
    """Assert that `x` is of integer dtype (raises TypeError at once if not)."""
    graph, scope = scope_of([x], name, "assert_integer")
    with scope:
        x = to_tensor(graph, x, name="x")
        if not x.dtype.is_integer:
            raise TypeError(f'{_message_prefix(message)}Expected "x" to be integer type.  '
                            f"Found: {x.name} of dtype {x.dtype}")
        return no_op("statically_determined_was_integer")


def assert_type(tensor, tf_type, message=None, name=None):
    """Statically asserts that the given `Tensor` is of the specified type."""
    tf_type = dtypes.as_dtype(tf_type)
    graph, scope = scope_of([tensor], name, "assert_type")
    with scope:
        tensor = to_tensor(graph, tensor, name="tensor")
        if tensor.dtype != tf_type:
            raise TypeError(f"{_message_prefix(message)}{tensor.name} must be of type "
                            f"{tf_type!r}; got {tensor.dtype!r}")
        return no_op("statically_determined_correct_type")


def assert_scalar(tensor, name=None, message=None):
    """Asserts that the given `tensor` is a scalar (ValueError unless its
    static shape is known to be `[]`); returns the tensor."""
    graph, scope = scope_of([tensor], name, "assert_scalar")
    with scope as scope_name:
        tensor = to_tensor(graph, tensor, name=scope_name)
        if tensor.shape.rank != 0:
            raise ValueError(f"{_message_prefix(message)}Expected scalar shape for "
                             f"{tensor.name}, saw shape: {tensor.shape}.")
        return tensor


def assert_proper_iterable(values):
    """Static assert that values is a "proper" iterable (not a Tensor,
    ndarray, bytes or str); raises TypeError otherwise."""
    if isinstance(values, (Tensor, np.ndarray, bytes, str)):
        raise TypeError(f'Expected argument "values" to be a "proper" iterable.  Found: '
                        f"{type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


def assert_same_float_dtype(tensors=None, dtype=None):
    """Validate and return float type based on `tensors` and `dtype`: all
    of one floating dtype (float32 when there is none); ValueError otherwise."""
    if tensors:
        found = {t.dtype for t in tensors}
        if dtype is not None:
            found.add(dtypes.as_dtype(dtype))
        if len(found) > 1:
            first = tensors[0]
            for t in tensors[1:]:
                if t.dtype != first.dtype:
                    raise ValueError(f"{t.name}, type={t.dtype}: expected type "
                                     f"{first.dtype}.")
            raise ValueError(f"{first.name}, type={first.dtype}: expected type {dtype}.")
        dtype = found.pop()
    if dtype is None:
        return dtypes.float32
    dtype = dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError("Expected floating point type, got %s." % dtype)
    return dtype


def is_numeric_tensor(tensor):
    """Returns True if the elements of `tensor` are numbers."""
    return isinstance(tensor, Tensor) and tensor.dtype != dtypes.string and \
        tensor.dtype != dtypes.bool


def _monotonic(x, name, opname, compare):
    graph, scope = scope_of([x], name, opname)
    with scope:
        x = to_tensor(graph, x)
        if not is_numeric_tensor(x):
            raise TypeError("Expected x to be numeric, but it was %s" % x.dtype.name)
        flat = reshape(x, [-1])
        return reduce_all(compare(flat[:-1], flat[1:]))


def is_non_decreasing(x, name=None):
    """Returns True if `x` is non-decreasing (`x[i] <= x[i + 1]`, flattened)."""
    return _monotonic(x, name, "is_non_decreasing", less_equal)


def is_strictly_increasing(x, name=None):
    """Returns True if `x` is strictly increasing (`x[i] < x[i + 1]`, flattened)."""
    return _monotonic(x, name, "is_strictly_increasing", less)


def verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None):
    """Assert that the tensor does not contain any NaN's or Inf's: returns
    `t` (or `x`), checked by check_numerics with `msg` (or `message`)."""
    x = t if x is None else x
    message = msg if message is None else message
    graph, scope = scope_of([x], name, "VerifyFinite")
    with scope:
        x = to_tensor(graph, x, name="x")
        return check_numerics(x, message=message)


assert_all_finite = verify_tensor_all_finite

_LOG_DEVICE_PLACEMENT = [False]


def set_log_device_placement(enabled):
    """Turns logging for device placement decisions on or off (fastgraph
    places everything on its one CPU device, and logs nothing)."""
    _LOG_DEVICE_PLACEMENT[0] = bool(enabled)


def get_log_device_placement():
    """Get if device placements are logged."""
    return _LOG_DEVICE_PLACEMENT[0]
