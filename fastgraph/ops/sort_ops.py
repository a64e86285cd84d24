"""Sorting: top_k (TopKV2), sort and argsort, and in_top_k (InTopKV2), run
by csrc/kernels/sort.c.

The order is total: values first, then the lower index first on ties
(TF's rule for top_k, and a stable sort), with NaN counted as greater than
every number (TF leaves NaN's place unspecified). `k` decides the output's
shape, so it must be known when the plan is compiled.
"""

import collections

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import NUMERIC
from ..framework.graph import Tensor
from ..framework.static_values import constant_value
from ..framework.graphdef_mapping import Attr, NodeMapping, NoGraphDef, TypeAttr
from ..framework.op_registry import Accepts, NotDifferentiable, OpDef, RegisterGradient, \
    register
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .array_ops import _shape_arg, expand_dims, reshape, transpose
from .elementwise import add, cast
from .indexing_ops import _dims_of, range as range_, size, unsorted_segment_sum

__all__ = ["sort", "argsort"]
MATH = ["top_k", "in_top_k"]
NN = ["top_k", "in_top_k"]

_INDEX_TYPES = (dtypes.int32, dtypes.int64)

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def sorted_indices(x, axis, descending):
    """The NumPy order of the kernels: stable, NaN greatest, along `axis`."""
    x = np.moveaxis(x, axis, -1)
    if descending:
        # A stable ascending sort of the reversed row, read backwards, puts
        # the lower index first among equal values.
        n = x.shape[-1]
        idx = n - 1 - np.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1]
    else:
        idx = np.argsort(x, axis=-1, kind="stable")
    return np.moveaxis(idx, -1, axis)


# ---- TopKV2 ---------------------------------------------------------------------

def _k_value(ctx):
    value = ctx.values[1]
    if value is None:
        if ctx.op is not None:
            raise ValueError(f"k of '{ctx.op.name}' must be known when the plan is compiled (a "
                             "constant, a fed integer tensor of at most 64 elements, or computed "
                             "from those): fastgraph plans output shapes before it runs")
        return None
    return int(np.asarray(value).reshape(-1)[0])


def _top_k_shape(ctx):
    shape, kshape = ctx.shapes
    if kshape is not None and len(kshape) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {len(kshape)}")
    k = _k_value(ctx)
    if k is not None and k < 0:
        raise ValueError(f"Dimension size, given by scalar input 1, must be non-negative but is "
                         f"{k}")
    if shape is None:
        return [None, None]
    if len(shape) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if k is not None and shape[-1] is not None and shape[-1] < k:
        raise ValueError(f"input must have last dimension >= k = {k} but is {shape[-1]}")
    out = tuple(shape[:-1]) + (k,)
    return [out, out]


def _top_k_reference(inputs, attrs):
    x, k = inputs[0], int(np.asarray(inputs[1]).reshape(-1)[0])
    idx = sorted_indices(x, -1, True)[..., :k]
    return [np.take_along_axis(x, idx, -1), idx.astype(attrs["index_type"].np_dtype)]


register(OpDef(
    "TopKV2", shape=_top_k_shape, dtype=lambda ctx: [ctx.dtypes[0], ctx.attrs["index_type"]],
    kernel="top_k",
    lower=lambda ctx: ([int(np.prod(ctx.shapes[0][:-1], dtype=np.int64)), ctx.shapes[0][-1], 1,
                        ctx.out_shapes[0][-1], 1], None),
    reference=_top_k_reference, parallel=True,
    dtypes=[Accepts("input", NUMERIC),
            Accepts("k", (dtypes.int16, dtypes.int32, dtypes.int64), input=1),
            Accepts("index_type", _INDEX_TYPES, attr="index_type")],
    samples=samples.top_k,
    graphdef=NodeMapping(("input", "k"), [
        TypeAttr("T", input=0), TypeAttr("Tk", input=1), Attr("sorted", default=True),
        Attr("index_type", default=dtypes.int32)])))


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):  # noqa: A002
    """Finds values and indices of the `k` largest entries for the last dimension.

    If the input is a vector (rank=1), finds the `k` largest entries in the vector
    and outputs their values and indices as vectors.  Thus `values[j]` is the
    `j`-th largest entry in `input`, and its index is `indices[j]`.

    For matrices (resp. higher rank input), computes the top `k` entries in each
    row (resp. vector along the last dimension).  Thus,

        values.shape = indices.shape = input.shape[:-1] + [k]

    If two elements are equal, the lower-index element appears first.

    Args:
      input: 1-D or higher `Tensor` with last dimension at least `k`.
      k: 0-D `Tensor` of type `int16`, `int32` or `int64`.  Number of top element
        to look for along the last dimension (along each row for matrices).
        Known when the plan is compiled in fastgraph.
      sorted: If true the resulting `k` elements will be sorted by the values in
        descending order (fastgraph always sorts them).
      index_type: Optional dtype for output indices (int32 or int64).
      name: Optional name for the operation.

    Returns:
      A tuple with two named fields:
      values: The `k` largest elements along each last dimensional slice.
      indices: The indices of `values` within the last dimension of `input`.
    """
    graph = graph_of([input, k])
    x = to_tensor(graph, input)
    index_type = dtypes.as_dtype(index_type)
    with graph.as_default():
        kt = k if isinstance(k, Tensor) else to_tensor(graph, k, dtype=dtypes.int32, name="k")
    op = make_op(graph, "TopKV2", [x, kt], {"sorted": bool(sorted), "index_type": index_type},
                 name=name or "TopKV2")
    return TopKV2(*op.outputs)


# ---- Sort (values and indices along any axis) -----------------------------------

def _sort_axis(ctx):
    shape = ctx.shapes[0]
    if shape is None:
        return None
    rank, axis = len(shape), ctx.attrs["axis"]
    if rank == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if not -rank <= axis < rank:
        raise ValueError(f"axis {axis} is out of range for a tensor of rank {rank}")
    return axis % rank


def _sort_shape(ctx):
    _sort_axis(ctx)
    return [ctx.shapes[0], ctx.shapes[0]]


def _sort_lower(ctx):
    shape, a = ctx.shapes[0], _sort_axis(ctx)
    outer = int(np.prod(shape[:a], dtype=np.int64))
    inner = int(np.prod(shape[a + 1:], dtype=np.int64))
    return [outer, shape[a], inner, shape[a], int(ctx.attrs["descending"])], None


def _sort_reference(inputs, attrs):
    x, axis = inputs[0], attrs["axis"]
    idx = sorted_indices(x, axis, attrs["descending"])
    return [np.take_along_axis(x, idx, axis), idx.astype(attrs["index_type"].np_dtype)]


register(OpDef(
    "Sort", shape=_sort_shape, dtype=lambda ctx: [ctx.dtypes[0], ctx.attrs["index_type"]],
    kernel="sort", lower=_sort_lower, reference=_sort_reference, parallel=True,
    dtypes=[Accepts("values", NUMERIC)],
    samples=samples.sort,
    graphdef=NoGraphDef("TF has no Sort op: tf.sort and tf.argsort are built from TopKV2 "
                        "(with Neg and Transpose for ascending order and other axes)")))


_DIRECTIONS = ("ASCENDING", "DESCENDING")


def _sort(values, axis, direction, name, want_indices):
    if direction not in _DIRECTIONS:
        raise ValueError(f"Argument `direction` should be one of {', '.join(_DIRECTIONS)}. "
                         f"Received: direction={direction}")
    axis_value = constant_value(axis) if isinstance(axis, Tensor) else np.asarray(axis)
    if axis_value is None or np.asarray(axis_value).ndim != 0:
        raise ValueError(f"`axis` must be a constant scalar. Received: axis={axis}.")
    graph = graph_of([values])
    with graph.as_default(), graph.name_scope(name or ("argsort" if want_indices else "sort")):
        x = to_tensor(graph, values, name="values")
        op = make_op(graph, "Sort", [x], {"axis": int(axis_value),
                                          "descending": direction == "DESCENDING",
                                          "index_type": dtypes.int32}, name="Sort")
    return op.outputs[1] if want_indices else op.outputs[0]


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorts a tensor.

    Usage:

    >>> a = [1, 10, 26.9, 2.8, 166.32, 62.3]
    >>> tf.sort(a).numpy()
    array([  1.  ,   2.8 ,  10.  ,  26.9 ,  62.3 , 166.32], dtype=float32)

    >>> tf.sort(a, direction='DESCENDING').numpy()
    array([166.32,  62.3 ,  26.9 ,  10.  ,   2.8 ,   1.  ], dtype=float32)

    For multidimensional inputs you can control which axis the sort is applied
    along. The default `axis=-1` sorts the innermost axis.

    Args:
      values: 1-D or higher **numeric** `Tensor`.
      axis: The axis along which to sort. The default is -1, which sorts the last
        axis.
      direction: The direction in which to sort the values (`'ASCENDING'` or
        `'DESCENDING'`).
      name: Optional name for the operation.

    Returns:
      A `Tensor` with the same dtype and shape as `values`, with the elements
          sorted along the given `axis`.

    Raises:
      ValueError: If axis is not a constant scalar, or the direction is invalid.
    """
    return _sort(values, axis, direction, name, False)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Returns the indices of a tensor that give its sorted order along an axis.

    >>> values = [1, 10, 26.9, 2.8, 166.32, 62.3]
    >>> sort_order = tf.argsort(values)
    >>> sort_order.numpy()
    array([0, 3, 1, 2, 5, 4], dtype=int32)

    For a 1-D tensor, `tf.gather(values, tf.argsort(values))` is equivalent to
    `tf.sort(values)`. For higher dimensions, the output has the same shape as
    `values`, but along the given axis, values represent the index of the sorted
    element in that slice of the tensor at the given position.

    Args:
      values: 1-D or higher **numeric** `Tensor`.
      axis: The axis along which to sort. The default is -1, which sorts the last
        axis.
      direction: The direction in which to sort the values (`'ASCENDING'` or
        `'DESCENDING'`).
      stable: If True, equal elements in the original tensor will not be
        re-ordered in the returned order. fastgraph's sort is always stable.
      name: Optional name for the operation.

    Returns:
      An int32 `Tensor` with the same shape as `values`. The indices that would
          sort each slice of the given `values` along the given `axis`.

    Raises:
      ValueError: If axis is not a constant scalar, or the direction is invalid.
    """
    del stable  # always stable
    return _sort(values, axis, direction, name, True)


# ---- gradients (TF's nn_grad.py _TopKGrad; tf.sort is TopKV2 there) --------------

def _scatter_last(grad, indices, x):
    """Zeros shaped as `x` with `grad[..., j]` added at `[..., indices[..., j]]`:
    each row's values offset by the row's start in the flattened input and
    summed there (UnsortedSegmentSum), linear in the input."""
    dims = _dims_of(x)
    n = dims[-1]
    k_dims = _dims_of(indices)
    rows = None if not all(isinstance(d, int) for d in dims) else \
        int(np.prod(dims[:-1], dtype=np.int64))
    if rows is not None:
        starts = (np.arange(rows, dtype=np.int64) * n).astype(indices.dtype.np_dtype)[:, None]
        total = rows * n
    else:
        total = size(x, out_type=indices.dtype)
        starts = expand_dims(range_(0, total, cast(n, indices.dtype) if not isinstance(n, int)
                                    else n, dtype=indices.dtype), 1)
    flat_idx = add(reshape(indices, [-1, k_dims[-1]]), starts)
    summed = unsorted_segment_sum(reshape(grad, [-1]), reshape(flat_idx, [-1]), total)
    return reshape(summed, _shape_arg(x))


@RegisterGradient("TopKV2")
def _top_k_grad(op, grad, _):
    """The values' gradient scattered back to the positions they were taken from."""
    x = op.inputs[0]
    if not x.dtype.is_floating:
        return [None, None]
    return [_scatter_last(grad, op.outputs[1], x), None]


@RegisterGradient("Sort")
def _sort_grad(op, grad, _):
    """As TopKV2's (TF sorts with TopKV2), along the sorted axis."""
    x = op.inputs[0]
    if not x.dtype.is_floating:
        return [None]
    rank = x.shape.rank
    if rank is None:
        raise NotImplementedError(f"the gradient of Sort {op.name!r} needs the rank of "
                                  f"{x.name} at graph construction")
    axis = op.get_attr("axis") % rank
    if axis == rank - 1:
        return [_scatter_last(grad, op.outputs[1], x)]
    perm = [d for d in range(rank) if d != axis] + [axis]
    back = list(np.argsort(perm))
    moved = _scatter_last(transpose(grad, perm), transpose(op.outputs[1], perm),
                          transpose(x, perm))
    return [transpose(moved, back)]



# ---- in_top_k -----------------------------------------------------------------

def _in_top_k_shape(ctx):
    p, t, k = ctx.shapes
    if p is not None and len(p) != 2:
        raise ValueError(f"Shape must be rank 2 but is rank {len(p)} for 'InTopKV2'.")
    if t is not None and len(t) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(t)} for 'InTopKV2'.")
    if k is not None and len(k) != 0:
        raise ValueError(f"Shape must be rank 0 but is rank {len(k)} for 'InTopKV2'.")
    if p is not None and t is not None and None not in (p[0], t[0]) and p[0] != t[0]:
        raise ValueError(f"Dimensions must be equal, but are {p[0]} and {t[0]} for "
                         "'InTopKV2'.")
    batch = t[0] if t is not None else (p[0] if p is not None else None)
    if batch is None and p is not None:
        batch = p[0]
    return [(batch,)]


def _in_top_k_reference(inputs, attrs):
    pred, targets, k = inputs
    k = int(np.asarray(k).reshape(()))
    out = np.zeros(targets.shape, bool)
    for b, t in enumerate(targets):
        row = pred[b]
        if 0 <= t < row.size and np.all(np.isfinite(row)):
            out[b] = np.count_nonzero(row > row[t]) < k
    return [out]


register(OpDef("InTopKV2", shape=_in_top_k_shape, dtype=lambda ctx: [dtypes.bool],
               kernel="in_top_k",
               lower=lambda ctx: ([ctx.shapes[0][0], ctx.shapes[0][1]], None),
               reference=_in_top_k_reference, parallel=True,
               dtypes=[Accepts("predictions", (dtypes.float32,)),
                       Accepts("targets", (dtypes.int32, dtypes.int64), input=slice(1, 3))],
               samples=samples.in_top_k,
               graphdef=NodeMapping(("predictions", "targets", "k"), [TypeAttr("T", input=1)])))
NotDifferentiable("InTopKV2")


def in_top_k(predictions, targets, k, name=None):
    """Says whether the targets are in the top `K` predictions.

    `out[i]` is true when the prediction for the target class
    `targets[i]` is among the top `k` of row i of `predictions` (a
    [batch, classes] float32 tensor). Predictions equal to the target's all
    count for it, so ties may put more than `k` classes in the top `k`; a
    target out of range, or a row holding a non-finite prediction, gives
    false.
    """
    graph = graph_of([predictions, targets, k])
    p = to_tensor(graph, predictions, dtype=dtypes.float32) \
        if not isinstance(predictions, Tensor) else predictions
    t = to_tensor(graph, targets) if isinstance(targets, Tensor) else \
        to_tensor(graph, targets, dtype=dtypes.int32)
    kt = k if isinstance(k, Tensor) else to_tensor(graph, k, dtype=t.dtype, name="k")
    return make_op(graph, "InTopKV2", [p, t, kt], {},
                   name=name or "in_top_k").outputs[0]
