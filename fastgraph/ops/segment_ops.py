"""Segment reductions: the sorted ones (SegmentSum, SegmentMean, SegmentMax,
SegmentMin, SegmentProd, whose row count is the last id plus one: host ops
computed in NumPy, as their shapes depend on the data) and the unsorted
max/min/prod (UnsortedSegmentMax/Min/Prod, one C kernel,
csrc/kernels/segment.c; UnsortedSegmentSum is in indexing_ops). Empty
segments hold what TF's do: 0 for the sorted sum, mean, max and min, 1 for
products, the dtype's lowest/highest value for the unsorted max/min."""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import NUMERIC
from ..framework.graphdef_mapping import AttrInput, NodeMapping, TypeAttr, int_scalar
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from . import samples
from .array_ops import _ints_attr, concat, reshape, shape
from .arguments import graph_of, make_op, to_tensor
from .elementwise import cast, equal, greater, greater_equal, maximum, multiply, realdiv, \
    select_v2
from .indexing_ops import _scalar_attr, _segment_sum_shape, gather, ones_like, \
    unsorted_segment_sum, zeros_like

__all__ = ["segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod",
           "unsorted_segment_max", "unsorted_segment_min", "unsorted_segment_prod"]
MATH = list(__all__)

_INDICES = (dtypes.int32, dtypes.int64)
_MODES = {"Max": 0, "Min": 1, "Prod": 2}  # SEGMENT_* in csrc/kernels/segment.h


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _unsorted_reference(mode):
    def reference(inputs, attrs):
        data, ids = inputs
        num = attrs["num_segments"]
        flat = ids.reshape(-1).astype(np.int64)
        bad = np.flatnonzero(flat >= num)
        if bad.size:
            raise _invalid(f"segment_ids[{bad[0]}] = {flat[bad[0]]} is out of range [0, {num})")
        rows = data.reshape((flat.size,) + data.shape[ids.ndim:])
        info = np.finfo(data.dtype) if data.dtype.kind == "f" else np.iinfo(data.dtype)
        init = {"Max": info.min, "Min": info.max, "Prod": 1}[mode]
        out = np.full((num,) + data.shape[ids.ndim:], init, data.dtype)
        ufunc = {"Max": np.maximum, "Min": np.minimum, "Prod": np.multiply}[mode]
        keep = flat >= 0
        ufunc.at(out, flat[keep], rows[keep])
        return [out]
    return reference


def _unsorted_samples(dtype):
    small = dtype in (dtypes.uint8, dtypes.int8, dtypes.int16)
    lo, hi = (1, 3) if small else (None, None)
    # No empty segment in the small ones (the gradient sweep's): an empty max
    # is the dtype's lowest value, which finite differences overflow on.
    yield [samples.values(dtype, (5, 3), 0, lo, hi), np.array([2, 0, 1, 2, 3], np.int32)], \
        {"num_segments": 4}
    yield [samples.values(dtype, (2, 3, 2), 1, lo, hi), np.array([[1, -1, 0], [1, 1, 0]],
                                                                 np.int64)], {"num_segments": 2}
    yield [samples.values(dtype, (3000, 12), 3, lo, hi),
           np.random.default_rng(3).integers(-1, 3000, 3000).astype(np.int32)], \
        {"num_segments": 3000}


for _mode in _MODES:
    register(OpDef(f"UnsortedSegment{_mode}", shape=_segment_sum_shape,
                   dtype=lambda ctx: [ctx.dtypes[0]], kernel="unsorted_segment_reduce",
                   lower=(lambda m: lambda ctx: ([_MODES[m]], None))(_mode),
                   reference=_unsorted_reference(_mode), parallel=True,
                   dtypes=[Accepts("data", NUMERIC), Accepts("segment_ids", _INDICES, input=1)],
                   samples=_unsorted_samples,
                   graphdef=NodeMapping(
                       ("data", "segment_ids",
                        AttrInput("num_segments", "num_segments", type_attr="Tnumsegments",
                                  decode=int_scalar, deferred=True)),
                       [TypeAttr("T", input=0), TypeAttr("Tindices", input=1)])))


def _sorted_reference(mode):
    def reference(inputs, attrs):
        data, ids = inputs
        if ids.ndim != 1 or (data.ndim == 0 or data.shape[0] != ids.shape[0]):
            raise _invalid("segment_ids should be the same size as dimension 0 of input.")
        flat = ids.astype(np.int64)
        num = int(flat[-1]) + 1 if flat.size else 0
        if flat.size and (np.diff(flat) < 0).any():
            raise _invalid("segment ids are not increasing")
        if flat.size and flat[0] < 0:
            raise _invalid(f"Segment id {flat[0]} out of range [0, {num}), possibly because "
                           "'segment_ids' input is not sorted.")
        inner = data.shape[1:]
        init = 1 if mode == "Prod" else 0
        out = np.full((num,) + inner, init, data.dtype)
        if mode in ("Sum", "Mean"):
            acc = np.zeros((num,) + inner, np.float64 if data.dtype.kind == "f" else data.dtype)
            np.add.at(acc, flat, data)
            if mode == "Mean":
                counts = np.bincount(flat, minlength=num).reshape((num,) + (1,) * len(inner))
                acc = acc / np.maximum(counts, 1) if data.dtype.kind == "f" else \
                    acc // np.maximum(counts, 1)
            out[...] = acc.astype(data.dtype)
        else:
            ufunc = {"Max": np.maximum, "Min": np.minimum, "Prod": np.multiply}[mode]
            present = np.unique(flat)
            if mode != "Prod":
                first = np.searchsorted(flat, present)
                out[present] = data[first]
            ufunc.at(out, flat, data)
        return [out]
    return reference


def _sorted_shape(ctx):
    data, ids = ctx.shapes
    if ids is not None and len(ids) != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {len(ids)}")
    if data is None:
        return [None]
    if len(data) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    known = ctx.values[1]
    rows = int(np.asarray(known).reshape(-1)[-1]) + 1 if known is not None and \
        np.asarray(known).size else None
    return [(rows,) + tuple(data[1:])]


def _sorted_samples(dtype):
    small = dtype in (dtypes.uint8, dtypes.int8, dtypes.int16)
    lo, hi = (1, 3) if small else (None, None)
    yield [samples.values(dtype, (5, 3), 0, lo, hi), np.array([0, 0, 2, 2, 3], np.int32)], {}
    yield [samples.values(dtype, (4,), 1, lo, hi), np.array([1, 1, 1, 4], np.int64)], {}


for _mode in ("Sum", "Mean", "Max", "Min", "Prod"):
    _ref = _sorted_reference(_mode)
    register(OpDef(f"Segment{_mode}", shape=_sorted_shape, dtype=lambda ctx: [ctx.dtypes[0]],
                   host=(lambda r: lambda ctx, op, values: r(values, op.attrs))(_ref),
                   reference=_ref,
                   dtypes=[Accepts("data", NUMERIC), Accepts("segment_ids", _INDICES, input=1)],
                   samples=_sorted_samples,
                   graphdef=NodeMapping(("data", "segment_ids"),
                                        [TypeAttr("T", input=0), TypeAttr("Tindices", input=1)])))


def _sorted(op_type, data, segment_ids, name):
    graph = graph_of([data, segment_ids])
    data = to_tensor(graph, data)
    ids = to_tensor(graph, segment_ids)
    return make_op(graph, op_type, [data, ids], name=name or op_type).outputs[0]


def segment_sum(data, segment_ids, name=None):
    """Computes the sum along segments of a tensor.

    `output[i] = sum_j data[j, ...]` over the `j` with `segment_ids[j] == i`;
    `segment_ids` is a sorted 1-D tensor the size of `data`'s first
    dimension, and the output has `segment_ids[-1] + 1` rows (empty ones 0).
    """
    return _sorted("SegmentSum", data, segment_ids, name)


def segment_mean(data, segment_ids, name=None):
    """Computes the mean along segments of a tensor (sorted `segment_ids`;
    empty segments are 0)."""
    return _sorted("SegmentMean", data, segment_ids, name)


def segment_max(data, segment_ids, name=None):
    """Computes the maximum along segments of a tensor (sorted `segment_ids`;
    empty segments are 0)."""
    return _sorted("SegmentMax", data, segment_ids, name)


def segment_min(data, segment_ids, name=None):
    """Computes the minimum along segments of a tensor (sorted `segment_ids`;
    empty segments are 0)."""
    return _sorted("SegmentMin", data, segment_ids, name)


def segment_prod(data, segment_ids, name=None):
    """Computes the product along segments of a tensor (sorted `segment_ids`;
    empty segments are 1)."""
    return _sorted("SegmentProd", data, segment_ids, name)


def _unsorted(op_type, data, segment_ids, num_segments, name):
    graph = graph_of([data, segment_ids, num_segments])
    data = to_tensor(graph, data)
    ids = to_tensor(graph, segment_ids)
    inputs = [data, ids]
    num = _ints_attr(graph, num_segments, "num_segments", op_type, inputs, _scalar_attr)
    return make_op(graph, op_type, inputs, {"num_segments": num},
                   name=name or op_type).outputs[0]


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    """Computes the maximum along segments of a tensor.

    `output[i] = max_j data[j...]` over the `j` with `segment_ids[j] == i`;
    an empty segment is the lowest value of the dtype. Negative ids are
    dropped.
    """
    return _unsorted("UnsortedSegmentMax", data, segment_ids, num_segments, name)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    """Computes the minimum along segments of a tensor (an empty segment is
    the highest value of the dtype)."""
    return _unsorted("UnsortedSegmentMin", data, segment_ids, num_segments, name)


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    """Computes the product along segments of a tensor (an empty segment is 1)."""
    return _unsorted("UnsortedSegmentProd", data, segment_ids, num_segments, name)


# ---- gradients (TF's math_grad.py) ------------------------------------------

def _expand_to(t, ids, data):
    """`t` (one value per id, or per segment) with data's inner dims as 1s."""
    rank, id_rank = data.shape.rank, ids.shape.rank
    if rank is None or id_rank is None:
        raise NotImplementedError("this segment gradient needs the ranks of data and "
                                  "segment_ids at graph construction")
    if rank == id_rank:
        return t
    return reshape(t, concat([shape(t), np.ones(rank - id_rank, np.int32)], 0))


@RegisterGradient("SegmentSum")
def _segment_sum_grad(op, grad):
    return [gather(grad, op.inputs[1]), None]


@RegisterGradient("SegmentMean")
def _segment_mean_grad(op, grad):
    data, ids = op.inputs
    counts = segment_sum(ones_like(ids, dtype=grad.dtype), ids)
    counts = _expand_to(counts, ids, data)
    return [gather(realdiv(grad, maximum(counts, 1.0)), ids), None]


def _min_max_grad(op, grad, segment_sum_fn):
    """TF's _SegmentMinOrMaxGrad: the gradient split among the elements
    equal to their segment's result."""
    data, ids = op.inputs[0], op.inputs[1]
    safe = maximum(ids, 0)
    gathered_out = gather(op.outputs[0], safe)
    selected = equal(data, gathered_out)
    keep = _expand_to(greater_equal(ids, 0), ids, data) if op.type.startswith("Unsorted") \
        else None
    if keep is not None:
        selected = select_v2(keep, selected, zeros_like(selected))
    num = segment_sum_fn(cast(selected, grad.dtype), ids)
    weighted = realdiv(grad, maximum(num, 1.0))
    return [select_v2(selected, gather(weighted, safe), zeros_like(data)), None]


@RegisterGradient("SegmentMax")
def _segment_max_grad(op, grad):
    return _min_max_grad(op, grad, segment_sum)


RegisterGradient("SegmentMin")(_segment_max_grad)


@RegisterGradient("UnsortedSegmentMax")
def _unsorted_segment_max_grad(op, grad):
    n = op.get_attr("num_segments")
    return _min_max_grad(op, grad, lambda x, ids: unsorted_segment_sum(x, ids, n)) + \
        [None] * (len(op.inputs) - 2)


RegisterGradient("UnsortedSegmentMin")(_unsorted_segment_max_grad)


def _prod_grad(op, grad, reduce_sum_fn, reduce_prod_fn):
    """TF's _UnsortedSegmentProdGrad: the product of the others, with zeros
    counted apart (one zero: the product of the rest; two or more: 0)."""
    data, ids = op.inputs[0], op.inputs[1]
    is_zero = equal(data, zeros_like(data))
    num_zeros = reduce_sum_fn(cast(is_zero, dtypes.int32), ids)
    grad = select_v2(greater(num_zeros, 1), zeros_like(grad), grad)
    non_zero = select_v2(is_zero, ones_like(data), data)
    non_zero_prod = reduce_prod_fn(non_zero, ids)
    safe = maximum(ids, 0)
    gathered_prod = gather(op.outputs[0], safe)
    gathered_nz = gather(non_zero_prod, safe)
    divided = select_v2(is_zero, gathered_nz, realdiv(gathered_prod, non_zero))
    out = multiply(gather(grad, safe), divided)
    keep = _expand_to(greater_equal(ids, 0), ids, data)
    return [select_v2(keep, out, zeros_like(out)), None]


@RegisterGradient("UnsortedSegmentProd")
def _unsorted_segment_prod_grad(op, grad):
    n = op.get_attr("num_segments")
    return _prod_grad(op, grad, lambda x, i: unsorted_segment_sum(x, i, n),
                      lambda x, i: unsorted_segment_prod(x, i, n)) + [None] * (len(op.inputs) - 2)


@RegisterGradient("SegmentProd")
def _segment_prod_grad(op, grad):
    return _prod_grad(op, grad, segment_sum, segment_prod)
