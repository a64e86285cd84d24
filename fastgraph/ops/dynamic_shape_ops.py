"""Ops whose output shapes depend on their inputs' values: unique,
unique_with_counts, dynamic_partition, dynamic_stitch, setdiff1d and
unravel_index, and the functions TF builds from them and from Where
(boolean_mask, TF1's where).

They are host ops (`OpDef.host`, see staged_run.py): the session computes
them in NumPy between C plans, so their inputs may be fed and what follows
them is compiled for the shapes they gave. Static shapes have None where
TF's have None.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import ALL
from ..framework.graph import Tensor
from ..framework.graphdef_mapping import Attr, NodeMapping, NoGraphDef, TypeAttr
from ..framework.op_registry import Accepts, NoGradient, OpDef, RegisterGradient, register
from ..framework.static_values import constant_value
from ..framework.tensor_shape import TensorShape, debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, scope_of, to_tensor
from .array_ops import concat, reshape, shape, squeeze
from .indexing_ops import gather, where_coordinates
from .indexing_ops import range as range_
from .reduction_ops import reduce_prod

__all__ = ["unique", "unique_with_counts", "dynamic_partition", "dynamic_stitch", "setdiff1d",
           "unravel_index", "boolean_mask"]

_INDEX_TYPES = (dtypes.int32, dtypes.int64)


def _host_of(reference):
    """The host function of an op computed by its `reference`."""
    def host(ctx, op, values):
        return reference(values, op.attrs)
    return host


def _out_idx(ctx):
    return ctx.attrs.get("out_idx", dtypes.int32)


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


# ---- Unique, UniqueWithCounts ----------------------------------------------

def _unique_shape(ctx, counts):
    x = ctx.shapes[0]
    if x is not None and len(x) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(x)}")
    idx = x if x is not None else (None,)
    return [(None,), idx] + ([(None,)] if counts else [])


def _unique_values(x):
    if x.ndim != 1:
        raise _invalid("unique expects a 1D vector.")
    # First occurrences in order, as TF keeps them.
    _, first, inverse, counts = np.unique(x, return_index=True, return_inverse=True,
                                          return_counts=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return x[np.sort(first)], rank[inverse.reshape(-1)], counts[order]


def _unique_reference(inputs, attrs):
    y, idx, _ = _unique_values(inputs[0])
    return [y, idx.astype(attrs.get("out_idx", dtypes.int32).np_dtype)]


def _unique_with_counts_reference(inputs, attrs):
    y, idx, counts = _unique_values(inputs[0])
    out = attrs.get("out_idx", dtypes.int32).np_dtype
    return [y, idx.astype(out), counts.astype(out)]


def _unique_samples(dtype):
    for i, n in enumerate((7, 1, 0, 12)):
        for out in _INDEX_TYPES:
            # Small integers, so that values repeat.
            x = samples.values(dtypes.int32, (n,), i, 0, 3).astype(dtype.np_dtype)
            yield [x], {"out_idx": out}


register(OpDef("Unique", shape=lambda ctx: _unique_shape(ctx, False),
               dtype=lambda ctx: [ctx.dtypes[0], _out_idx(ctx)],
               reference=_unique_reference, host=_host_of(_unique_reference),
               dtypes=[Accepts("x", ALL), Accepts("out_idx", _INDEX_TYPES, attr="out_idx")],
               gradient=NoGradient("TensorFlow registers no gradient for Unique"),
               samples=_unique_samples,
               graphdef=NodeMapping(("x",), [TypeAttr("T", input=0), Attr("out_idx")])))
register(OpDef("UniqueWithCounts", shape=lambda ctx: _unique_shape(ctx, True),
               dtype=lambda ctx: [ctx.dtypes[0], _out_idx(ctx), _out_idx(ctx)],
               reference=_unique_with_counts_reference,
               host=_host_of(_unique_with_counts_reference),
               dtypes=[Accepts("x", ALL), Accepts("out_idx", _INDEX_TYPES, attr="out_idx")],
               gradient=NoGradient("TensorFlow registers no gradient for UniqueWithCounts"),
               samples=_unique_samples,
               graphdef=NodeMapping(("x",), [TypeAttr("T", input=0), Attr("out_idx")])))


def unique(x, out_idx=dtypes.int32, name=None):
    """Finds unique elements in a 1-D tensor.

    Returns a tensor `y` containing all of the unique elements of `x` in
    the order they first occur in `x`, and a tensor `idx` the size of `x`
    that holds the index of each value of `x` in `y`: `y[idx[i]] = x[i]`.
    """
    graph = graph_of([x])
    x = to_tensor(graph, x)
    op = make_op(graph, "Unique", [x], {"out_idx": dtypes.as_dtype(out_idx)},
                 name=name or "Unique")
    return _UniqueOutput(op.outputs[0], op.outputs[1])


def unique_with_counts(x, out_idx=dtypes.int32, name=None):
    """Finds unique elements in a 1-D tensor, and how often each occurs.

    Returns `y` (the unique elements of `x` in order of first occurrence),
    `idx` (the index of each element of `x` in `y`) and `count` (how many
    times each element of `y` occurs in `x`).
    """
    graph = graph_of([x])
    x = to_tensor(graph, x)
    op = make_op(graph, "UniqueWithCounts", [x], {"out_idx": dtypes.as_dtype(out_idx)},
                 name=name or "UniqueWithCounts")
    return _UniqueWithCountsOutput(*op.outputs)


class _UniqueOutput(tuple):
    """TF's namedtuple (y, idx)."""

    __slots__ = ()
    _fields = ("y", "idx")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    y = property(lambda self: self[0])
    idx = property(lambda self: self[1])


class _UniqueWithCountsOutput(tuple):
    """TF's namedtuple (y, idx, count)."""

    __slots__ = ()
    _fields = ("y", "idx", "count")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    y = property(lambda self: self[0])
    idx = property(lambda self: self[1])
    count = property(lambda self: self[2])


# ---- DynamicPartition --------------------------------------------------------

def _partition_shape(ctx):
    data, parts, n = ctx.shapes[0], ctx.shapes[1], ctx.attrs["num_partitions"]
    if n < 1:
        raise ValueError(f"Attr 'num_partitions' of 'DynamicPartition' Op passed {n} less than "
                         "minimum 1.")
    if data is None or parts is None:
        return [None] * n
    if len(parts) > len(data) or any(a is not None and b is not None and a != b
                                     for a, b in zip(data, parts)):
        raise ValueError(f"Shape must be at least rank {len(parts)} but is rank {len(data)}"
                         if len(parts) > len(data) else
                         f"Dimensions must be equal: data {_fmt(data)}, partitions {_fmt(parts)}")
    return [(None,) + tuple(data[len(parts):])] * n


def _partition_reference(inputs, attrs):
    data, parts = inputs
    n = attrs["num_partitions"]
    if data.shape[:parts.ndim] != parts.shape:
        raise _invalid(f"data.shape must start with partitions.shape, got data.shape = "
                       f"{_fmt(data.shape)}, partitions.shape = {_fmt(parts.shape)}")
    flat = parts.reshape(-1)
    bad = np.flatnonzero((flat < 0) | (flat >= n))
    if bad.size:
        i = int(bad[0])
        at = ",".join(str(int(j)) for j in np.unravel_index(i, parts.shape))
        raise _invalid(f"partitions[{at}] = {flat[i]} is not in [0, {n})")
    rows = data.reshape((flat.size,) + data.shape[parts.ndim:])
    return [rows[flat == k] for k in range(n)]


def _partition_samples(dtype):
    yield [samples.values(dtype, (6, 2), 1), samples.values(dtypes.int32, (6,), 2, 0, 2)], \
        {"num_partitions": 3}
    yield [samples.values(dtype, (2, 3), 3), samples.values(dtypes.int32, (2, 3), 4, 0, 1)], \
        {"num_partitions": 2}
    yield [samples.values(dtype, (0, 4), 5), np.zeros((0,), np.int32)], {"num_partitions": 1}


register(OpDef("DynamicPartition", shape=_partition_shape,
               dtype=lambda ctx: [ctx.dtypes[0]] * ctx.attrs["num_partitions"],
               reference=_partition_reference, host=_host_of(_partition_reference),
               dtypes=[Accepts("data", ALL), Accepts("partitions", (dtypes.int32,), input=1)],
               samples=_partition_samples,
               graphdef=NodeMapping(("data", "partitions"),
                                    [TypeAttr("T", input=0), Attr("num_partitions")])))


def dynamic_partition(data, partitions, num_partitions, name=None):
    """Partitions `data` into `num_partitions` tensors using indices from `partitions`.

    For each index tuple `js` of size `partitions.ndim`, the slice
    `data[js, ...]` becomes part of `outputs[partitions[js]]`, in order.
    `partitions.shape` must be a prefix of `data.shape`, and each value in
    [0, num_partitions) (InvalidArgumentError when run, otherwise).
    """
    graph = graph_of([data, partitions])
    data = to_tensor(graph, data, name="data")
    partitions = to_tensor(graph, partitions, name="partitions")
    op = make_op(graph, "DynamicPartition", [data, partitions],
                 {"num_partitions": int(num_partitions)}, name=name or "DynamicPartition")
    return list(op.outputs)


# ---- DynamicStitch -----------------------------------------------------------

def _stitch_shape(ctx):
    n = len(ctx.shapes) // 2
    idx_shapes, data_shapes = ctx.shapes[:n], ctx.shapes[n:]
    inner = None
    for ids, data in zip(idx_shapes, data_shapes):
        if ids is None or data is None:
            continue
        if len(data) < len(ids) or any(a is not None and b is not None and a != b
                                       for a, b in zip(data, ids)):
            raise ValueError(f"Dimensions must be equal: data {_fmt(data)} does not start with "
                             f"indices {_fmt(ids)}")
        tail = tuple(data[len(ids):])
        if inner is None:
            inner = tail
        elif len(inner) != len(tail):
            raise ValueError(f"Shapes must be equal rank, but are {len(inner)} and {len(tail)}")
        else:
            inner = tuple(a if a is not None else b for a, b in zip(inner, tail))
    values = ctx.values[:n]
    first = None
    if all(v is not None for v in values):
        # TF's shape function: the size is known from constant indices.
        first = max((int(np.max(v)) for v in values if np.size(v)), default=-1) + 1
    return [None if inner is None else (first,) + inner]


def _stitch_reference(inputs, attrs):
    n = len(inputs) // 2
    indices, data = inputs[:n], inputs[n:]
    size = max((int(np.max(i)) for i in indices if i.size), default=-1) + 1
    inner = None
    for k, (ids, d) in enumerate(zip(indices, data)):
        if d.shape[:ids.ndim] != ids.shape:
            raise _invalid(f"data[{k}].shape = {_fmt(d.shape)} does not start with "
                           f"indices[{k}].shape = {_fmt(ids.shape)}")
        inner = d.shape[ids.ndim:] if inner is None else inner
    out = np.zeros((size,) + tuple(inner), data[0].dtype)
    for ids, d in zip(indices, data):
        flat = ids.reshape(-1)
        if flat.size and flat.min() < 0:
            raise _invalid(f"indices[{int(np.flatnonzero(flat < 0)[0])}] = {int(flat.min())} is "
                           f"not in [0, {size})")
        # Later values win an index, as TF's stitch writes them in order.
        out[flat] = d.reshape((flat.size,) + tuple(inner))
    return [out]


def _stitch_samples(dtype):
    ids = [np.array([0, 4, 2], np.int32), np.array([[1, 3], [5, 6]], np.int32)]
    yield ids + [samples.values(dtype, (3, 2), 1), samples.values(dtype, (2, 2, 2), 2)], {}
    yield [np.array([2, 0, 1], np.int32), samples.values(dtype, (3,), 3)], {}


register(OpDef("DynamicStitch", shape=_stitch_shape, dtype=lambda ctx: [ctx.dtypes[-1]],
               reference=_stitch_reference, host=_host_of(_stitch_reference),
               dtypes=[Accepts("data", ALL, input=-1),
                       Accepts("indices", (dtypes.int32,), input=0)],
               samples=_stitch_samples,
               graphdef=NoGraphDef("DynamicStitch has two list inputs (indices and data), which "
                                   "fastgraph's NodeDef mapping does not express yet")))


def dynamic_stitch(indices, data, name=None):
    """Interleave the values from the `data` tensors into a single tensor.

    Builds `merged[indices[m][i, ..., j], ...] = data[m][i, ..., j, ...]`;
    `merged` has `max(indices) + 1` rows. An index given twice takes the
    value of the last `data` that names it.
    """
    if len(indices) != len(data) or not indices:
        raise ValueError("List argument 'data' to 'DynamicStitch' Op with length "
                         f"{len(data)} must match length {len(indices)} of argument 'indices'.")
    graph = graph_of(list(indices) + list(data))
    ids = [to_tensor(graph, i) for i in indices]
    first = to_tensor(graph, data[0])
    values = [first] + [to_tensor(graph, d, dtype=first.dtype) for d in data[1:]]
    return make_op(graph, "DynamicStitch", ids + values, name=name or "DynamicStitch").outputs[0]


@RegisterGradient("DynamicStitch")
def _stitch_grad(op, grad):
    """TF's: each data's gradient is the output's gradient gathered at its indices."""
    n = len(op.inputs) // 2
    return [None] * n + [gather(grad, op.inputs[i]) for i in range(n)]


@RegisterGradient("DynamicPartition")
def _partition_grad(op, *grads):
    """TF's: the positions of data's rows partitioned the same way, and the
    gradients stitched back into them."""
    data, partitions = op.inputs
    prefix = shape(partitions)
    positions = reshape(range_(reduce_prod(prefix)), prefix)
    parts = dynamic_partition(positions, partitions, op.get_attr("num_partitions"))
    return [reshape(dynamic_stitch(parts, list(grads)), shape(data)), None]


# ---- ListDiff (setdiff1d) -----------------------------------------------------

def _list_diff_shape(ctx):
    for s in ctx.shapes:
        if s is not None and len(s) != 1:
            raise ValueError(f"Shape must be rank 1 but is rank {len(s)}")
    return [(None,), (None,)]


def _list_diff_reference(inputs, attrs):
    x, y = inputs
    if x.ndim != 1 or y.ndim != 1:
        raise _invalid(f"x should be a 1D vector.  Got: {_fmt(x.shape)}" if x.ndim != 1 else
                       f"y should be a 1D vector.  Got: {_fmt(y.shape)}")
    keep = np.flatnonzero(~np.isin(x, y))
    return [x[keep], keep.astype(attrs.get("out_idx", dtypes.int32).np_dtype)]


def _list_diff_samples(dtype):
    for i, (n, m) in enumerate(((8, 3), (5, 0), (0, 2))):
        yield [samples.values(dtype, (n,), i), samples.values(dtype, (m,), i + 10)], \
            {"out_idx": _INDEX_TYPES[i % 2]}


register(OpDef("ListDiff", shape=_list_diff_shape,
               dtype=lambda ctx: [ctx.dtypes[0], _out_idx(ctx)],
               reference=_list_diff_reference, host=_host_of(_list_diff_reference),
               dtypes=[Accepts("x", ALL), Accepts("out_idx", _INDEX_TYPES, attr="out_idx")],
               gradient=NoGradient("TensorFlow registers no gradient for ListDiff"),
               samples=_list_diff_samples,
               graphdef=NodeMapping(("x", "y"), [TypeAttr("T", input=0), Attr("out_idx")])))


def setdiff1d(x, y, index_dtype=dtypes.int32, name=None):
    """Computes the difference between two lists of numbers or strings.

    Returns `out`, the values of `x` that are not in `y`, in the order of
    `x` (duplicates kept), and `idx`, their positions in `x`:
    `out[i] = x[idx[i]]`.
    """
    graph = graph_of([x, y])
    x = to_tensor(graph, x)
    y = to_tensor(graph, y, dtype=x.dtype)
    op = make_op(graph, "ListDiff", [x, y], {"out_idx": dtypes.as_dtype(index_dtype)},
                 name=name or "ListDiff")
    return _ListDiffOutput(op.outputs[0], op.outputs[1])


class _ListDiffOutput(tuple):
    """TF's namedtuple (out, idx)."""

    __slots__ = ()
    _fields = ("out", "idx")

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    out = property(lambda self: self[0])
    idx = property(lambda self: self[1])


# ---- UnravelIndex ---------------------------------------------------------------

def _unravel_shape(ctx):
    indices, dims = ctx.shapes
    if dims is not None and len(dims) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(dims)}")
    if indices is not None and len(indices) > 1:
        raise ValueError(f"Shape must be at most rank 1 but is rank {len(indices)}")
    n = None if dims is None else dims[0]
    if indices is None:
        return [None]
    return [(n,) + tuple(indices)]


def _unravel_reference(inputs, attrs):
    indices, dims = inputs
    if np.any(dims <= 0) if dims.size else False:
        raise _invalid("Input dims must be > 0")
    total = int(np.prod(dims, dtype=np.int64))
    if np.any((indices < 0) | (indices >= total)):
        raise _invalid(f"index out of bounds for shape {_fmt(tuple(dims))}")
    out = np.array(np.unravel_index(indices.astype(np.int64), tuple(int(d) for d in dims)))
    return [out.astype(indices.dtype)]


def _unravel_samples(dtype):
    yield [np.array([0, 5, 11, 7], dtype.np_dtype), np.array([3, 4], dtype.np_dtype)], {}
    yield [np.array(13, dtype.np_dtype), np.array([2, 3, 4], dtype.np_dtype)], {}


register(OpDef("UnravelIndex", shape=_unravel_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_unravel_reference, host=_host_of(_unravel_reference),
               dtypes=[Accepts("indices", _INDEX_TYPES)],
               gradient=NoGradient("TensorFlow registers no gradient for UnravelIndex"),
               samples=_unravel_samples,
               graphdef=NodeMapping(("indices", "dims"), [TypeAttr("Tidx", input=0)])))


def unravel_index(indices, dims, name=None):
    """Converts an array of flat indices into a tuple of coordinate arrays.

    For a scalar `indices` the output is a vector of `len(dims)`
    coordinates; for a vector, a matrix with one column per index.
    """
    graph = graph_of([indices, dims])
    indices = to_tensor(graph, indices)
    dims = to_tensor(graph, dims, dtype=indices.dtype)
    return make_op(graph, "UnravelIndex", [indices, dims], name=name or "UnravelIndex").outputs[0]


# ---- boolean_mask, where ---------------------------------------------------------

def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """Apply boolean mask to tensor. NumPy's equivalent is `tensor[mask]`.

    `mask` is a K-D boolean tensor whose static rank is known; its shape
    must match the K dims of `tensor` from `axis` (0 by default). The result
    has the elements of those dims where `mask` is True, flattened into one
    dim, with the other dims of `tensor` kept.
    """
    graph, scope = scope_of([tensor, mask], name, "boolean_mask")
    with scope:
        tensor = to_tensor(graph, tensor, name="tensor")
        mask = to_tensor(graph, mask, name="mask")
        ndims_mask = mask.shape.rank
        shape_tensor = tensor.shape
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError("Number of mask dimensions must be specified, even if some "
                             "dimensions are None.  E.g. shape=[None] is ok, but shape=None is "
                             "not.")
        axis = 0 if axis is None else axis
        axis_value = constant_value(axis) if isinstance(axis, Tensor) else axis
        if axis_value is not None:
            axis = int(axis_value)
            part = shape_tensor[axis:axis + ndims_mask] if shape_tensor.rank is not None \
                else TensorShape(None)
            part.assert_is_compatible_with(mask.shape)
        full = shape(tensor)
        leading = reduce_prod(full[axis:axis + ndims_mask], [0])
        tensor = reshape(tensor, concat([full[:axis], [leading], full[axis + ndims_mask:]], 0))
        if axis_value is not None and shape_tensor.rank is not None:
            first = shape_tensor[axis:axis + ndims_mask].num_elements()
            tensor.set_shape(list(shape_tensor[:axis]) + [first] +
                             list(shape_tensor[axis + ndims_mask:]))
        mask = reshape(mask, [-1])
        indices = squeeze(where_coordinates(mask), axis=[1])
        return gather(tensor, indices, axis=axis)
