"""Indexing and filling ops: gather, gather_nd, one_hot, fill, zeros, ones,
zeros_like, ones_like, range, size, rank, and TF2's where (with a condition
only, the coordinates of true elements; with x and y, elementwise.select_v2).

fastgraph plans every shape before it runs, so an argument that decides an
output's shape (fill's dims, range's bounds, one_hot's depth, gather's axis,
and all of where's condition) must be known when the plan is compiled: a
constant, a fed integer tensor of at most 64 elements (the plan is then
compiled for its value), or computed from those. Everything else may be fed.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.constant_op import to_numpy
from ..framework.dtype_sets import ALL, NUMERIC, WITH_STRING
from ..framework.graph import Tensor
from ..framework.static_values import constant_value
from ..framework.graphdef_mapping import Attr, AttrInput, AttrRule, NodeMapping, TypeAttr, \
    int_scalar
from ..framework.op_registry import NOT_DIFFERENTIABLE, Accepts, NotDifferentiable, OpDef, \
    RegisterGradient, dtype_not_allowed, register, register_graphdef_translation
from ..framework.tensor_shape import TensorShape, debug_string as _fmt
from . import samples
from .array_ops import _ints_attr, _shape_arg, reshape, shape, stack, transpose
from .arguments import graph_of, make_op, to_tensor
from .elementwise import cast, greater_equal, maximum, multiply, select_v2
from .reduction_ops import reduce_sum

__all__ = ["gather", "gather_nd", "one_hot", "fill", "zeros", "ones", "zeros_like", "ones_like",
           "range", "size", "rank", "where", "where_v2", "unsorted_segment_sum", "scatter_nd"]
MATH = ["unsorted_segment_sum"]

_builtin_range = range

_GATHER_INDICES = (dtypes.int16, dtypes.int32, dtypes.int64)
_ONE_HOT_INDICES = (dtypes.uint8, dtypes.int8, dtypes.int32, dtypes.int64)
_SHAPE_INTS = (dtypes.int32, dtypes.int64)
_RANGE_TYPES = (dtypes.float32, dtypes.float64, dtypes.int8, dtypes.int16, dtypes.int32,
                dtypes.int64)
# TF's range: without a dtype, the widest of the arguments' types.
_RANGE_HIERARCHY = (dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)


def _prod(dims):
    return int(np.prod(dims, dtype=np.int64))


def _static(ctx, i, what):
    """Input i's value, or None at build time when it is not a constant.

    At compile time (ctx.op is set) an unknown value is an error: the output
    shape depends on it, and fastgraph plans shapes before running.
    """
    value = ctx.values[i]
    if value is None and ctx.op is not None:
        raise ValueError(f"{what} of '{ctx.op.name}' must be known when the plan is compiled "
                         "(a constant, a fed integer tensor of at most 64 elements, or computed "
                         "from those): fastgraph plans output shapes before it runs")
    return value


def _require_rank(shape, rank):
    if shape is not None and len(shape) != rank:
        raise ValueError(f"Shape must be rank {rank} but is rank {len(shape)}")


def _scalar(value):
    return np.asarray(value).reshape(-1)[0].item()


# ---- gather -----------------------------------------------------------------

def _gather_axis(ctx):
    """The normalised axis, or None while params' rank is unknown."""
    params = ctx.shapes[0]
    if params is None:
        return None
    rank, axis = len(params), ctx.attrs["axis"]
    if rank == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if not -rank <= axis < rank:
        raise ValueError(f"Shape must be at least rank {axis + 1 if axis >= 0 else -axis} but "
                         f"is rank {rank}")
    return axis % rank


def _gather_shape(ctx):
    axis = _gather_axis(ctx)
    params, indices = ctx.shapes[0], ctx.shapes[1]
    if axis is None or indices is None:
        return [None]
    return [params[:axis] + tuple(indices) + params[axis + 1:]]


def _gather_lower(ctx):
    params, axis = ctx.shapes[0], _gather_axis(ctx)
    return [_prod(params[:axis]), params[axis], _prod(params[axis + 1:])], None


def _check_index(indices, limit):
    bad = np.flatnonzero((indices < 0) | (indices >= limit))
    if bad.size:
        raise IndexError(f"index {indices.reshape(-1)[bad[0]]} is not in [0, {limit})")


def _gather_reference(inputs, attrs):
    params, indices = inputs
    axis = attrs["axis"] % params.ndim
    out_shape = params.shape[:axis] + indices.shape + params.shape[axis + 1:]
    if not (indices.size and _prod(params.shape[:axis]) and _prod(params.shape[axis + 1:])):
        return [np.zeros(out_shape, params.dtype)]  # nothing to copy: TF checks nothing
    _check_index(indices, params.shape[axis])
    return [np.take(params, indices.astype(np.int64), axis=axis)]


register(OpDef("GatherV2", shape=_gather_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="gather", lower=_gather_lower,
               reference=_gather_reference, parallel=True,
               # Strings are gathered on the host, by the reference.
               dtypes=[Accepts("params", ALL + (dtypes.string,)),
                       Accepts("indices", _GATHER_INDICES, input=1)],
               samples=samples.gather,
               graphdef=NodeMapping(
                   ("params", "indices", AttrInput("axis", "axis", type_attr="Taxis",
                                                   decode=int_scalar)),
                   [TypeAttr("Tparams", input=0), TypeAttr("Tindices", input=1),
                    Attr("batch_dims", default=0)])))


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Gather slices from params axis `axis` according to indices.

    The output has shape `params.shape[:axis] + indices.shape +
    params.shape[axis + 1:]`. An index outside `[0, params.shape[axis])`
    raises InvalidArgumentError when the graph runs. `axis` may be negative
    and must be known when the plan is compiled; only `batch_dims=0` is
    supported. `validate_indices` is deprecated and ignored (indices are
    always validated).
    """
    del validate_indices
    if batch_dims != 0:
        raise NotImplementedError("fastgraph's gather supports batch_dims=0 only, got "
                                  f"batch_dims={batch_dims}")
    graph = graph_of([params, indices, axis])
    params = to_tensor(graph, params)
    indices = to_tensor(graph, indices)
    axis = 0 if axis is None else _build_time_int(axis, "axis")
    if params.shape.rank is not None:
        _gather_axis(_Ctx([params.shape.as_tuple()], {"axis": axis}))
    return make_op(graph, "GatherV2", [params, indices], {"axis": axis, "batch_dims": 0},
                   name=name or "GatherV2").outputs[0]


class _Ctx:
    def __init__(self, shapes, attrs):
        self.shapes = shapes
        self.attrs = attrs


def _build_time_int(value, what):
    """A Python int for `value` (constant tensors are read)."""
    if isinstance(value, Tensor):
        known = constant_value(value)
        if known is None:
            raise NotImplementedError(f"{what} must be known when the graph is built (a Python "
                                      "int or a constant)")
        value = known
    return int(_scalar(value))


# ---- gather_nd --------------------------------------------------------------

def _gather_nd_shape(ctx):
    params, indices = ctx.shapes
    if indices is not None and len(indices) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if params is None or indices is None or indices[-1] is None:
        return [None]
    depth = indices[-1]
    if depth > len(params):
        raise ValueError(f"indices.shape[-1] must be <= params.rank, but saw indices shape: "
                         f"{_fmt(indices)} and params shape: {_fmt(params)}")
    return [tuple(indices[:-1]) + tuple(params[depth:])]


def _gather_nd_reference(inputs, attrs):
    params, indices = inputs
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth).astype(np.int64)
    out_shape = indices.shape[:-1] + params.shape[depth:]
    if not flat.shape[0]:
        return [np.zeros(out_shape, params.dtype)]
    if params.size == 0:
        raise IndexError("params is empty")
    for j in _builtin_range(depth):
        _check_index(flat[:, j], params.shape[j])
    return [params[tuple(flat.T)].reshape(out_shape)]


register(OpDef("GatherNd", shape=_gather_nd_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="gather_nd", reference=_gather_nd_reference, parallel=True,
               dtypes=[Accepts("params", WITH_STRING), Accepts("indices", _GATHER_INDICES, input=1)],
               samples=samples.gather_nd,
               graphdef=NodeMapping(("params", "indices"), [TypeAttr("Tparams", input=0),
                                                            TypeAttr("Tindices", input=1)])))


def gather_nd(params, indices, batch_dims=0, name=None):
    """Gather slices from `params` into a Tensor with shape specified by `indices`.

    `indices` is a K-dimensional integer tensor whose last dimension indexes
    into the first `indices.shape[-1]` dimensions of `params`; the result has
    shape `indices.shape[:-1] + params.shape[indices.shape[-1]:]`. An index
    that does not index into params raises InvalidArgumentError when the
    graph runs. Only `batch_dims=0` is supported.
    """
    if batch_dims != 0:
        raise NotImplementedError("fastgraph's gather_nd supports batch_dims=0 only, got "
                                  f"batch_dims={batch_dims}")
    graph = graph_of([params, indices])
    params = to_tensor(graph, params)
    indices = to_tensor(graph, indices)
    return make_op(graph, "GatherNd", [params, indices], name=name or "GatherNd").outputs[0]


# ---- one_hot ----------------------------------------------------------------

def _one_hot_axis(ctx):
    axis, indices = ctx.attrs["axis"], ctx.shapes[0]
    if axis < -1:
        raise ValueError("axis must be >= -1")
    if indices is None:
        return None
    rank = len(indices)
    if axis > rank:
        raise ValueError(f"Expected axis to be -1 or between [0, {rank + 1}).  But received: "
                         f"{axis}")
    return rank if axis == -1 else axis


def _one_hot_depth(ctx):
    _require_rank(ctx.shapes[1], 0)
    depth = _static(ctx, 1, "The depth")
    if depth is None:
        return None
    depth = int(_scalar(depth))
    if depth < 0:
        # A constant fails when the graph is built, a fed value in the run:
        # TF words the two differently.
        if ctx.op is not None:
            raise ValueError(f"depth must be non-negative, got: {depth}")
        raise ValueError("Dimension size, given by scalar input 1, must be non-negative but is "
                         f"{depth}")
    return depth


def _one_hot_shape(ctx):
    _require_rank(ctx.shapes[2], 0)
    _require_rank(ctx.shapes[3], 0)
    axis = _one_hot_axis(ctx)
    depth = _one_hot_depth(ctx)
    if axis is None:
        return [None]
    indices = ctx.shapes[0]
    return [indices[:axis] + (depth,) + indices[axis:]]


def _one_hot_lower(ctx):
    axis, indices = _one_hot_axis(ctx), ctx.shapes[0]
    return [_prod(indices[:axis]), ctx.out_shapes[0][axis], _prod(indices[axis:])], None


def _one_hot_reference(inputs, attrs):
    indices, depth, on, off = inputs
    depth = int(_scalar(depth))
    axis = indices.ndim if attrs["axis"] == -1 else attrs["axis"]
    hot = indices.astype(np.int64)[..., None] == np.arange(depth, dtype=np.int64)
    out = np.where(hot, on.reshape(()), off.reshape(()))
    return [np.ascontiguousarray(np.moveaxis(out, -1, axis)).astype(on.dtype)]


register(OpDef("OneHot", shape=_one_hot_shape, dtype=lambda ctx: [ctx.dtypes[2]],
               kernel="one_hot", lower=_one_hot_lower, reference=_one_hot_reference,
               parallel=True,
               dtypes=[Accepts("indices", _ONE_HOT_INDICES),
                       Accepts("depth", (dtypes.int32,), input=1)],
               samples=samples.one_hot,
               graphdef=NodeMapping(("indices", "depth", "on_value", "off_value"),
                                    [Attr("axis", default=-1), Attr("T"),
                                     TypeAttr("TI", input=0)])))


def _convert_hinted(graph, value, dtype):
    """TF's convert_to_tensor(value, dtype_hint=dtype): the hint is tried
    first for Python values; tensors keep their dtype."""
    if isinstance(value, Tensor) or dtype is None:
        return to_tensor(graph, value)
    try:
        return to_tensor(graph, value, dtype=dtype)
    except TypeError:
        return to_tensor(graph, value)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """Returns a one-hot tensor.

    The locations represented by indices in `indices` take value `on_value`
    (default 1), while all other locations take value `off_value` (default
    0); indices outside `[0, depth)` give a row of `off_value` only. The new
    axis of size `depth` is added at `axis` (default -1, the last). The
    output dtype is `dtype`, else that of `on_value` or `off_value`, else
    float32. `depth` must be known when the plan is compiled.
    """
    graph = graph_of([indices, depth, on_value, off_value])
    dtype = None if dtype is None else dtypes.as_dtype(dtype)
    indices = to_tensor(graph, indices)
    on = None if on_value is None else _convert_hinted(graph, on_value, dtype)
    off = None if off_value is None else _convert_hinted(graph, off_value, dtype)
    if on is not None or off is not None:
        if dtype is not None:
            for t, what in ((on, "on_value"), (off, "off_value")):
                if t is not None and t.dtype != dtype:
                    raise TypeError(f"dtype {t.dtype} of {what} does not match dtype parameter "
                                    f"{dtype}")
        else:
            dtype = on.dtype if on is not None else off.dtype
    elif dtype is None:
        dtype = dtypes.float32
    if on is not None and off is not None and on.dtype != off.dtype:
        raise TypeError(f"dtype {on.dtype} of on_value does not match dtype {off.dtype} of "
                        "off_value")
    if on is None:
        on = to_tensor(graph, True if dtype is dtypes.bool else 1, dtype=dtype)
    if off is None:
        off = to_tensor(graph, False if dtype is dtypes.bool else 0, dtype=dtype)
    depth = to_tensor(graph, depth, dtype=None if isinstance(depth, Tensor) else dtypes.int32)
    axis = -1 if axis is None else int(axis)
    return make_op(graph, "OneHot", [indices, depth, on, off], {"axis": axis, "T": dtype},
                   name=name or "one_hot").outputs[0]


# ---- fill, zeros, ones ------------------------------------------------------

def _fill_shape(ctx):
    _require_rank(ctx.shapes[0], 1)
    _require_rank(ctx.shapes[1], 0)
    dims = _static(ctx, 0, "The dims")
    if dims is None:
        n = ctx.shapes[0][0] if ctx.shapes[0] is not None else None
        return [None if n is None else (None,) * n]
    dims = [int(d) for d in np.asarray(dims).reshape(-1)]
    if any(d < 0 for d in dims):
        # A constant fails when the graph is built, a fed value in the run:
        # TF words the two differently.
        if ctx.op is not None:
            raise ValueError(f"Dimension {next(d for d in dims if d < 0)} must be >= 0")
        raise ValueError("Fill dimensions must be >= 0")
    return [tuple(dims)]


register(OpDef(
    "Fill", shape=_fill_shape, dtype=lambda ctx: [ctx.dtypes[1]], kernel="fill",
    reference=lambda inputs, attrs: [np.full(tuple(int(d) for d in inputs[0]), inputs[1],
                                             dtype=inputs[1].dtype)],
    parallel=True,
    dtypes=[Accepts("value", WITH_STRING, input=1), Accepts("dims", _SHAPE_INTS)],
    samples=samples.fill,
    graphdef=NodeMapping(("dims", "value"), [TypeAttr("T", input=1),
                                             TypeAttr("index_type", input=0)])))


def fill(dims, value, name=None):
    """Creates a tensor of shape `dims` filled with the scalar `value`.

    `dims` (a 1-D int32 or int64 tensor, list or tuple) must be known when
    the plan is compiled; `value` may be fed.
    """
    graph = graph_of([dims, value])
    dims = _dims_tensor(graph, dims)
    value = to_tensor(graph, value)
    return make_op(graph, "Fill", [dims, value], name=name or "Fill").outputs[0]


def _dims_tensor(graph, shape):
    if isinstance(shape, TensorShape):
        if not shape.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a Tensor")
        shape = shape.as_list()
    if isinstance(shape, (Tensor, np.ndarray, np.generic)):
        dims = to_tensor(graph, shape)  # keeps its dtype
    else:
        arr = np.asarray(shape)
        big = arr.size and arr.dtype.kind in "iu" and int(np.abs(arr).max()) >= 2**31
        dims = to_tensor(graph, shape, dtype=None if big else dtypes.int32)
    return dims


def _filled(shape, dtype, one, name):
    dtype = dtypes.as_dtype(dtype)
    if (dtype.code < 0 and not dtype.on_host) or (dtype == dtypes.string and one):
        raise TypeError(f"fastgraph has no kernels for dtype {dtype.name}.")
    graph = graph_of([shape])
    dims = _dims_tensor(graph, shape)
    if dtype == dtypes.string:  # TF's zero string is the empty one
        value = to_tensor(graph, b"")
    else:
        value = to_tensor(graph, np.ones((), dtype.np_dtype) if one else
                          np.zeros((), dtype.np_dtype))
    return make_op(graph, "Fill", [dims, value], name=name).outputs[0]


def zeros(shape, dtype=dtypes.float32, name=None):
    """Creates a tensor with all elements set to zero (False for bool).

    `shape` is a list or tuple of ints, a TensorShape, or a 1-D int32/int64
    tensor known when the plan is compiled.
    """
    return _filled(shape, dtype, False, name or "zeros")


def ones(shape, dtype=dtypes.float32, name=None):
    """Creates a tensor with all elements set to one (True for bool)."""
    return _filled(shape, dtype, True, name or "ones")


def _like_reference(one):
    def reference(inputs, attrs):
        if attrs["dtype"] == dtypes.string:  # TF's zero string is the empty one
            return [np.full(inputs[0].shape, b"", dtype=object)]
        make = np.ones if one else np.zeros
        return [make(inputs[0].shape, dtype=attrs["dtype"].np_dtype)]
    return reference


class _LikeDtype(AttrRule):
    """ZerosLike's output dtype: TF's is its input's (T); fastgraph's `dtype`
    attr may differ, and such an op has no TF NodeDef."""

    def write(self, op, tf_attrs):
        if op.get_attr("dtype") != op.get_attr("T"):
            raise ValueError(f"{op.type} op {op.name} changes the dtype, which TF's "
                             f"{op.type} cannot express")

    def read(self, tf_attrs, attrs, where):
        attrs["dtype"] = tf_attrs["T"]


for _type, _kernel, _one in (("ZerosLike", "zeros_like", False), ("OnesLike", "ones_like", True)):
    register(OpDef(_type, shape=lambda ctx: [ctx.shapes[0]],
                   dtype=lambda ctx: [ctx.attrs["dtype"]], kernel=_kernel,
                   reference=_like_reference(_one), parallel=True, inplace=True,
                   dtypes=[Accepts("x", ALL if _one else WITH_STRING)],
                   samples=samples.like, gradient=NOT_DIFFERENTIABLE,
                   graphdef=NodeMapping(("x",), [Attr("T"), _LikeDtype()])))


def _like(op_type, tensor, dtype, name):
    graph = graph_of([tensor])
    x = to_tensor(graph, tensor)
    dtype = x.dtype if dtype is None else dtypes.as_dtype(dtype)
    if (dtype.code < 0 and not dtype.on_host) or (dtype == dtypes.string and op_type != "ZerosLike"):
        raise TypeError(f"fastgraph has no kernels for dtype {dtype.name}.")
    return make_op(graph, op_type, [x], {"T": x.dtype, "dtype": dtype}, name=name).outputs[0]


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """Creates a tensor with all elements set to zero, with the shape of
    `tensor` and its dtype unless `dtype` is given. `optimize` is accepted
    for TF's signature and has no effect."""
    del optimize
    return _like("ZerosLike", tensor, dtype, name or "zeros_like")


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """Creates a tensor with all elements set to one, with the shape of
    `tensor` and its dtype unless `dtype` is given."""
    del optimize
    return _like("OnesLike", tensor, dtype, name or "ones_like")


# ---- range ------------------------------------------------------------------

def _cxx(v):
    """A number as C++'s ostream writes it (TF's messages)."""
    return f"{v:g}" if isinstance(v, float) else str(v)


def _range_size(start, limit, delta, dtype):
    """TF's number of elements of range(start, limit, delta) in `dtype`;
    ValueError in TF's words for a zero delta or a wrong-way range."""
    if delta == 0:
        raise ValueError("Requires delta != 0")
    if delta > 0 and start > limit:
        raise ValueError(f"Requires start <= limit when delta > 0: {_cxx(start)}/{_cxx(limit)}")
    if delta < 0 and start < limit:
        raise ValueError(f"Requires start >= limit when delta < 0: {_cxx(start)}/{_cxx(limit)}")
    if dtype.is_integer:
        return (abs(limit - start) + abs(delta) - 1) // abs(delta)
    t = dtype.np_dtype.type
    with np.errstate(all="ignore"):
        return int(np.ceil(np.abs((t(limit) - t(start)) / t(delta))))


def _range_shape(ctx):
    for s in ctx.shapes:
        _require_rank(s, 0)
    bounds = [_static(ctx, i, "The " + w) for i, w in enumerate(("start", "limit", "delta"))]
    if any(b is None for b in bounds):
        return [(None,)]
    return [(_range_size(*(_scalar(b) for b in bounds), ctx.dtypes[0]),)]


def _range_reference(inputs, attrs):
    start, limit, delta = (np.asarray(v).reshape(()) for v in inputs)
    dtype = dtypes.as_dtype(start.dtype)
    n = _range_size(start.item(), limit.item(), delta.item(), dtype)
    with np.errstate(all="ignore"):
        return [(start + np.arange(n).astype(start.dtype) * delta).astype(start.dtype)]


register(OpDef("Range", shape=_range_shape, dtype=lambda ctx: [ctx.dtypes[0]], kernel="range",
               reference=_range_reference, parallel=True,
               dtypes=[Accepts("start", _RANGE_TYPES)],
               samples=samples.range_,
               graphdef=NodeMapping(("start", "limit", "delta"), [Attr("Tidx")])))


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF's name
    """Creates a sequence of numbers that begins at `start` and extends by
    increments of `delta` up to but not including `limit`.

    With one argument it is the limit and the sequence starts at 0. Without
    `dtype`, the result has the widest type of the arguments (Python ints
    are int32, Python floats float32). `start`, `limit` and `delta` must be
    known when the plan is compiled, since they decide the output's length.
    """
    if limit is None:
        start, limit = 0, start
    args = (("start", start), ("limit", limit), ("delta", delta))
    graph = graph_of([start, limit, delta])
    if dtype is None:
        kinds = []
        for arg, v in args:
            d = v.dtype if isinstance(v, Tensor) else to_numpy(v)[1]
            if d not in _RANGE_HIERARCHY:
                raise dtype_not_allowed(arg, d, _RANGE_HIERARCHY)
            kinds.append(d)
        dtype = max(kinds, key=_RANGE_HIERARCHY.index)
    else:
        dtype = dtypes.as_dtype(dtype)
        if dtype not in _RANGE_TYPES:
            raise dtype_not_allowed("start", dtype, _RANGE_TYPES)
    tensors = []
    for arg, v in args:
        if isinstance(v, Tensor):
            tensors.append(cast(v, dtype))
        else:
            tensors.append(to_tensor(graph, v, dtype=dtype))  # named range/start, ...
    return make_op(graph, "Range", tensors, {"Tidx": dtype}, name=name).outputs[0]


# ---- size, rank -------------------------------------------------------------

def _size_fold(ctx):
    shape = ctx.shapes[0]
    if shape is None or any(d is None for d in shape):
        return None
    return [np.array(_prod(shape), dtype=ctx.attrs["out_type"].np_dtype)]


register(OpDef(
    "Size", shape=lambda ctx: [()], dtype=lambda ctx: [ctx.attrs["out_type"]], fold=_size_fold,
    reference=lambda inputs, attrs: [np.array(inputs[0].size,
                                              dtype=attrs["out_type"].np_dtype)],
    samples=samples.shape_of,
    graphdef=NodeMapping(("input",), [TypeAttr("T", input=0),
                                      Attr("out_type", default=dtypes.int32)])))


def size(input, name=None, out_type=dtypes.int32):  # noqa: A002 - TF's argument name
    """Returns the size of a tensor: the number of elements, as a scalar of
    `out_type` (int32 or int64). Folded into a constant when the plan is
    compiled, since every shape is known then."""
    out_type = dtypes.as_dtype(out_type)
    if out_type not in _SHAPE_INTS:
        raise dtype_not_allowed("out_type", out_type, _SHAPE_INTS)
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "Size", [x], {"out_type": out_type}, name=name or "Size").outputs[0]


def _rank_fold(ctx):
    shape = ctx.shapes[0]
    return None if shape is None else [np.array(len(shape), dtype=np.int32)]


register(OpDef(
    "Rank", shape=lambda ctx: [()], dtype=lambda ctx: [dtypes.int32], fold=_rank_fold,
    reference=lambda inputs, attrs: [np.array(inputs[0].ndim, dtype=np.int32)],
    samples=samples.shape_of,
    graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)])))


def rank(input, name=None):  # noqa: A002
    """Returns the rank of a tensor (its number of dimensions) as an int32
    scalar. Folded into a constant when the plan is compiled."""
    graph = graph_of([input])
    x = to_tensor(graph, input)
    return make_op(graph, "Rank", [x], name=name or "Rank").outputs[0]


# ---- where(condition) -------------------------------------------------------

def _where_shape(ctx):
    shape = ctx.shapes[0]
    value = _static(ctx, 0, "The condition of where(condition) (whose output shape is the "
                            "number of true elements)")
    if shape is None:
        return [(None, None)]
    if value is None or ctx.op is None:
        return [(None, len(shape))]  # TF's static shape, even for a constant
    if len(shape) == 0:
        raise ValueError("WhereOp : Unhandled input dimensions: 0")
    return [(int(np.count_nonzero(value)), len(shape))]


def _where_reference(inputs, attrs):
    if inputs[0].ndim == 0:
        raise errors.InvalidArgumentError(None, None, "WhereOp : Unhandled input dimensions: 0")
    return [np.argwhere(inputs[0]).astype(np.int64)]


register(OpDef(
    "Where", shape=_where_shape, dtype=lambda ctx: [dtypes.int64],
    fold=lambda ctx: None if ctx.values[0] is None else _where_reference(ctx.values, ctx.attrs),
    reference=_where_reference,
    # On the host: the number of true elements is known once the condition is.
    host=lambda ctx, op, values: _where_reference(values, op.attrs),
    dtypes=[Accepts("input", ALL)],
    samples=samples.where_coordinates,
    graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)])))


def where_coordinates(condition, name=None):
    """tf.where(condition) with x and y None: the coordinates of the true
    (non-zero) elements of `condition`, as an int64 tensor of shape
    [num_true, rank], in row-major order.

    A host op (staged_run.py): `condition` may be fed, and what uses the
    coordinates is compiled for their number.
    """
    graph = graph_of([condition])
    condition = to_tensor(graph, condition)
    return make_op(graph, "Where", [condition], name=name or "Where").outputs[0]


def where(condition, x=None, y=None, name=None):
    """Return the elements, either from `x` or `y`, depending on the `condition`
    (TF1's `where`).

    With `x` and `y` both None, returns the coordinates of the true elements
    of `condition` (see where_coordinates). Otherwise `x` and `y` have one
    shape, and `condition` is that shape, a scalar, or a vector whose
    elements choose whole rows of `x` and `y` (TF's Select).
    """
    if x is None and y is None:
        return where_coordinates(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    graph = graph_of([condition, x, y])
    condition = to_tensor(graph, condition)
    x = to_tensor(graph, x)
    rank, c_rank = x.shape.rank, condition.shape.rank
    if c_rank == 1 and rank is not None and rank > 1:
        condition = reshape(condition, [-1] + [1] * (rank - 1))
    return select_v2(condition, x, y, name=name)


def where_v2(condition, x=None, y=None, name=None):
    """Returns the indices of non-zero elements, or multiplexes `x` and `y`,
    with broadcasting among condition, x and y (TF2's `where`)."""
    if x is None and y is None:
        return where_coordinates(condition, name=name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    return select_v2(condition, x, y, name=name)


def _select_from_node(inputs, attrs, name):
    """TF1's Select: a vector condition picks rows of higher-rank t and e."""
    condition, t, e = inputs
    return where(condition, t, e, name=name)


register_graphdef_translation("Select", _select_from_node)


# ---- unsorted_segment_sum and scatter_nd ------------------------------------

def _scalar_attr(arr):
    return int(np.asarray(arr).reshape(-1)[0])


def _segment_sum_shape(ctx):
    data, ids, num = ctx.shapes[0], ctx.shapes[1], ctx.attrs["num_segments"]
    if num < 0:
        raise ValueError(f"num_segments must be non-negative, got {num}")
    if data is None or ids is None:
        return [None]
    if len(ids) > len(data) or any(a is not None and b is not None and a != b
                                   for a, b in zip(data, ids)):
        raise ValueError(f"data.shape = {_fmt(data)} does not start with segment_ids.shape = "
                         f"{_fmt(ids)}")
    return [(num,) + tuple(data[len(ids):])]


def _segment_sum_reference(inputs, attrs):
    data, ids = inputs
    num = attrs["num_segments"]
    flat = ids.reshape(-1).astype(np.int64)
    bad = np.flatnonzero(flat >= num)
    if bad.size:
        raise IndexError(f"segment_ids {flat[bad[0]]} is out of range [0, {num})")
    rows = data.reshape((flat.size,) + data.shape[ids.ndim:])
    out = np.zeros((num,) + data.shape[ids.ndim:], data.dtype)
    keep = flat >= 0
    np.add.at(out, flat[keep], rows[keep])
    return [out]


register(OpDef("UnsortedSegmentSum", shape=_segment_sum_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               kernel="unsorted_segment_sum", reference=_segment_sum_reference, parallel=True,
               dtypes=[Accepts("data", NUMERIC), Accepts("segment_ids", _GATHER_INDICES, input=1)],
               samples=samples.unsorted_segment_sum,
               graphdef=NodeMapping(
                   ("data", "segment_ids",
                    AttrInput("num_segments", "num_segments", type_attr="Tnumsegments",
                              decode=int_scalar, deferred=True)),
                   [TypeAttr("T", input=0), TypeAttr("Tindices", input=1)])))


def unsorted_segment_sum(data, segment_ids, num_segments, name=None):
    """Computes the sum along segments of a tensor.

    Computes a tensor such that `output[i, ...] = sum_j data[j, ...]` over
    the `j` (tuples of the leading dims of `data`) with `segment_ids[j] ==
    i`; segments that no id names are 0. `segment_ids.shape` must be a prefix
    of `data.shape`. Negative ids are dropped; an id `>= num_segments` raises
    InvalidArgumentError when the graph runs. `num_segments` must be known
    when the plan is compiled.
    """
    graph = graph_of([data, segment_ids, num_segments])
    data = to_tensor(graph, data)
    ids = to_tensor(graph, segment_ids)
    inputs = [data, ids]
    num = _ints_attr(graph, num_segments, "num_segments", "unsorted_segment_sum", inputs,
                     _scalar_attr)
    return make_op(graph, "UnsortedSegmentSum", inputs, {"num_segments": num},
                   name=name or "UnsortedSegmentSum").outputs[0]


def _scatter_nd_shape(ctx):
    indices, updates, shape = ctx.shapes[0], ctx.shapes[1], tuple(ctx.attrs["shape"])
    if indices is not None and len(indices) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if any(d < 0 for d in shape):
        raise ValueError(f"Dimension {min(shape)} must be >= 0")
    if indices is None or updates is None or indices[-1] is None:
        return [shape]
    depth = indices[-1]
    want = tuple(indices[:-1]) + shape[depth:]
    if depth > len(shape) or len(updates) != len(want) or any(
            a is not None and b is not None and a != b for a, b in zip(updates, want)):
        raise ValueError(f"Dimensions [0,{len(indices) - 1}) of indices[shape={_fmt(indices)}] "
                         f"= {_fmt(indices[:-1])} must match dimensions of updates"
                         f"[shape={_fmt(updates)}] and shape {_fmt(shape)}")
    return [shape]


def _scatter_nd_reference(inputs, attrs):
    indices, updates = inputs
    shape = tuple(attrs["shape"])
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth).astype(np.int64)
    for j in _builtin_range(depth):
        _check_index(flat[:, j], shape[j])
    out = np.zeros(shape, updates.dtype)
    rows = updates.reshape((flat.shape[0],) + shape[depth:])
    np.add.at(out, tuple(flat.T), rows)
    return [out]


register(OpDef("ScatterNd", shape=_scatter_nd_shape, dtype=lambda ctx: [ctx.dtypes[1]],
               kernel="scatter_nd", reference=_scatter_nd_reference, parallel=True,
               dtypes=[Accepts("updates", NUMERIC, input=1),
                       Accepts("indices", _GATHER_INDICES)],
               samples=samples.scatter_nd,
               graphdef=NodeMapping(
                   ("indices", "updates",
                    AttrInput("shape", "shape", type_attr="Tindices", deferred=True)),
                   # The shape constant takes the indices' type (Tindices).
                   [TypeAttr("T", input=1), TypeAttr("Tindices", input=0)])))


def scatter_nd(indices, updates, shape, name=None):
    """Scatters `updates` into a tensor of shape `shape` according to `indices`.

    Creates a zero tensor of `shape` and adds each slice `updates[i...]` at
    the position `indices[i...]` names in its first `indices.shape[-1]`
    dims: repeated indices add up. An index that does not index into
    `shape` raises InvalidArgumentError when the graph runs. `shape` must be
    known when the plan is compiled.
    """
    graph = graph_of([indices, updates, shape])
    indices = to_tensor(graph, indices)
    updates = to_tensor(graph, updates)
    inputs = [indices, updates]
    attrs = {"shape": _ints_attr(graph, shape, "shape", "scatter_nd", inputs)}
    return make_op(graph, "ScatterNd", inputs, attrs, name=name or "ScatterNd").outputs[0]


# ---- gradients (TF's array_grad.py, math_grad.py) ---------------------------

def _dims_of(t):
    """`t`'s dims, each an int when static, else a scalar tensor (folded per plan)."""
    dims = t.shape.as_tuple()
    if dims is None:
        raise NotImplementedError(f"this gradient needs the rank of {t.name} at graph "
                                  "construction")
    dynamic = shape(t) if None in dims else None
    return [d if d is not None else dynamic[i] for i, d in enumerate(dims)]


def _shape_from(dims):
    """A shape argument from ints and scalar int32 tensors."""
    if all(isinstance(d, int) for d in dims):
        return list(dims)
    return stack(list(dims))


@RegisterGradient("GatherV2")
def _gather_grad(op, grad):
    """The dense form of TF's IndexedSlices gradient: the gradient's rows
    summed into params' rows by index (UnsortedSegmentSum)."""
    params, indices = op.inputs[0], op.inputs[1]
    dims = _dims_of(params)
    rank, axis = len(dims), op.get_attr("axis") % len(dims)
    values = reshape(grad, _shape_from(dims[:axis] + [-1] + dims[axis + 1:]))
    ids = reshape(indices, [-1])
    if axis == 0:
        return [reshape(unsorted_segment_sum(values, ids, dims[0]), _shape_from(dims)), None] + \
            [None] * (len(op.inputs) - 2)
    front = [axis] + list(_builtin_range(axis)) + list(_builtin_range(axis + 1, rank))
    summed = unsorted_segment_sum(transpose(values, front), ids, dims[axis])
    back = list(np.argsort(front))
    return [transpose(summed, back), None] + [None] * (len(op.inputs) - 2)


@RegisterGradient("GatherNd")
def _gather_nd_grad(op, grad):
    params, indices = op.inputs
    return [scatter_nd(indices, grad, _shape_arg(params)), None]


@RegisterGradient("ScatterNd")
def _scatter_nd_grad(op, grad):
    return [None, gather_nd(grad, op.inputs[0])] + [None] * (len(op.inputs) - 2)


@RegisterGradient("UnsortedSegmentSum")
def _unsorted_segment_sum_grad(op, grad):
    """The gradient's rows gathered back by id; rows of dropped (negative)
    ids get 0, as TF's _GatherDropNegatives."""
    data, ids = op.inputs[0], op.inputs[1]
    gathered = gather(grad, maximum(ids, 0))
    inner = data.shape.rank - ids.shape.rank if None not in (data.shape.rank, ids.shape.rank) \
        else None
    if inner is None:
        raise NotImplementedError("the gradient of UnsortedSegmentSum needs the ranks of its "
                                  "data and segment_ids at graph construction")
    keep = cast(greater_equal(ids, 0), grad.dtype)
    keep = reshape(keep, _shape_from(_dims_of(ids) + [1] * inner))
    return [multiply(gathered, keep), None] + [None] * (len(op.inputs) - 2)


@RegisterGradient("Fill")
def _fill_grad(op, grad):
    return [None, reduce_sum(grad)]


for _t in ("OneHot", "Range", "Size", "Rank", "Where"):
    NotDifferentiable(_t)
# A TF2 variable's gather (an embedding lookup): its handle reads as the
# variable (state_ops.py).
register_graphdef_translation("ResourceGather", lambda inputs, attrs, name: gather(
    inputs[0], inputs[1], batch_dims=int(attrs.get("batch_dims") or 0), name=name))
