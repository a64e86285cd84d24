"""Segment reductions over selected rows: SparseSegmentSum, Mean and SqrtN
(and their WithNumSegments forms), with their gradient ops
SparseSegmentSumGrad, MeanGrad and SqrtNGrad; `tf.sparse.segment_sum`,
`segment_mean`, `segment_sqrt_n` and TF1's `tf.sparse_segment_*`.

`output[segment_ids[i]]` gathers `data[indices[i]]`: summed, averaged, or
summed and divided by the square root of the segment's size. They are host
ops (without num_segments the output's rows follow from the last id).
"""

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import FLOATS, NUMERIC
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NoGradient, OpDef, RegisterGradient, register
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .array_ops import shape as shape_of
from .sparse_components import host_of, invalid

__all__ = ["sparse_segment_sum", "sparse_segment_mean", "sparse_segment_sqrt_n"]
SPARSE = ["segment_sum", "segment_mean", "segment_sqrt_n"]

_INDEX = (dtypes.int32, dtypes.int64)
_KINDS = {"Sum": NUMERIC, "Mean": FLOATS, "SqrtN": FLOATS}


def _scale(kind, counts, dtype):
    if kind == "Sum":
        return np.ones(len(counts), dtype)
    c = np.maximum(counts, 1).astype(dtype)
    return 1 / c if kind == "Mean" else 1 / np.sqrt(c)


def _segment_reference(kind, with_num):
    def reference(inputs, attrs):
        data, indices, ids = inputs[:3]
        indices, ids = np.asarray(indices).astype(np.int64), np.asarray(ids).astype(np.int64)
        if indices.ndim != 1:
            raise invalid("indices should be a vector.")
        if ids.ndim != 1:
            raise invalid("segment_ids should be a vector.")
        if indices.size != ids.size:
            raise invalid("segment_ids and indices should have same size.")
        if data.ndim < 1:
            raise invalid("Shape must be at least rank 1 but is rank 0")
        if with_num:
            n = int(np.asarray(inputs[3]).reshape(-1)[0])
        else:
            n = int(ids[-1]) + 1 if ids.size else 0
        if ids.size and np.any(np.diff(ids) < 0):
            raise invalid("segment ids are not increasing")
        if ids.size and ids[0] < 0:
            raise invalid("segment ids must be >= 0")
        if ids.size and ids[-1] >= n:
            raise invalid("segment ids must be < num_segments")
        bad = np.flatnonzero((indices < 0) | (indices >= data.shape[0]))
        if bad.size:
            raise invalid(f"Bad: indices[{bad[0]}] == {indices[bad[0]]} out of range "
                          f"[0, {data.shape[0]})")
        out = np.zeros((n,) + data.shape[1:], data.dtype)
        np.add.at(out, ids, data[indices])
        if kind != "Sum":
            counts = np.bincount(ids, minlength=n)[:n]
            out = (out * _scale(kind, counts, data.dtype).reshape((-1,) + (1,) * (data.ndim - 1))
                   ).astype(data.dtype)
        return [out]
    return reference


def _segment_shape(with_num):
    def shape(ctx):
        data = ctx.shapes[0]
        if data is None:
            return [None]
        rows = None
        if with_num and ctx.values[3] is not None:
            rows = int(np.asarray(ctx.values[3]).reshape(-1)[0])
        return [(rows,) + tuple(data[1:])]
    return shape


def _segment_samples(with_num):
    def generate(dtype):
        data = samples.values(dtype, (5, 3), 71)
        yield [data, np.array([0, 4, 1, 1, 3], np.int32), np.array([0, 0, 1, 3, 3], np.int32)] + \
            ([np.array(6, np.int32)] if with_num else []), {}
        data = samples.values(dtype, (4,), 72)
        yield [data, np.array([3, 3, 0], np.int64), np.array([1, 1, 2], np.int64)] + \
            ([np.array(3, np.int64)] if with_num else []), {}
    return generate


def _segment_mapping(with_num):
    inputs = ("data", "indices", "segment_ids") + (("num_segments",) if with_num else ())
    attrs = [TypeAttr("T", input=0), TypeAttr("Tidx", input=1),
             TypeAttr("Tsegmentids", input=2), Attr("sparse_gradient", default=False)]
    if with_num:
        attrs.append(TypeAttr("Tnumsegments", input=3))
    return NodeMapping(inputs, attrs)


for _kind, _allowed in _KINDS.items():
    for _with_num in (False, True):
        _type = f"SparseSegment{_kind}" + ("WithNumSegments" if _with_num else "")
        register(OpDef(_type, shape=_segment_shape(_with_num), dtype=lambda ctx: [ctx.dtypes[0]],
                       reference=_segment_reference(_kind, _with_num),
                       host=host_of(_segment_reference(_kind, _with_num)),
                       dtypes=[Accepts("data", _allowed), Accepts("indices", _INDEX, input=1),
                               Accepts("segment_ids", _INDEX, input=2)],
                       samples=_segment_samples(_with_num),
                       graphdef=_segment_mapping(_with_num)))


# ---- the gradient ops ---------------------------------------------------------------

def _grad_reference(kind):
    def reference(inputs, attrs):
        grad, indices, ids, dim0 = inputs
        indices, ids = np.asarray(indices).astype(np.int64), np.asarray(ids).astype(np.int64)
        n = int(np.asarray(dim0).reshape(-1)[0])
        if indices.size != ids.size:
            raise invalid("segment_ids and indices should have same size.")
        bad = np.flatnonzero((ids < 0) | (ids >= grad.shape[0]))
        if bad.size:
            raise invalid(f"Segment id {ids[bad[0]]} out of range [0, {grad.shape[0]}).")
        bad = np.flatnonzero((indices < 0) | (indices >= n))
        if bad.size:
            raise invalid(f"Index {indices[bad[0]]} out of range [0, {n}).")
        counts = np.bincount(ids, minlength=grad.shape[0])
        scale = _scale(kind, counts, grad.dtype)[ids].reshape((-1,) + (1,) * (grad.ndim - 1))
        out = np.zeros((n,) + grad.shape[1:], grad.dtype)
        np.add.at(out, indices, (grad[ids] * scale).astype(grad.dtype))
        return [out]
    return reference


def _grad_shape(ctx):
    g = ctx.shapes[0]
    n = None if ctx.values[3] is None else int(np.asarray(ctx.values[3]).reshape(-1)[0])
    return [None if g is None else (n,) + tuple(g[1:])]


def _grad_samples(dtype):
    yield [samples.values(dtype, (4, 3), 73), np.array([0, 4, 1, 1, 3], np.int32),
           np.array([0, 0, 1, 3, 3], np.int32), np.array(5, np.int32)], {}


# TF declares its gradient ops for float types only, SparseSegmentSumGrad too.
for _kind in _KINDS:
    _allowed = FLOATS
    _type = f"SparseSegment{_kind}Grad"
    register(OpDef(_type, shape=_grad_shape, dtype=lambda ctx: [ctx.dtypes[0]],
                   reference=_grad_reference(_kind), host=host_of(_grad_reference(_kind)),
                   dtypes=[Accepts("grad", _allowed), Accepts("indices", _INDEX, input=1),
                           Accepts("segment_ids", _INDEX, input=2)],
                   samples=_grad_samples,
                   gradient=NoGradient(f"TF registers no gradient for {_type}"),
                   graphdef=NodeMapping(("grad", "indices", "segment_ids", "output_dim0"),
                                        [TypeAttr("T", input=0), TypeAttr("Tidx", input=1),
                                         TypeAttr("Tsegmentids", input=2)])))


def _segment_grad(kind, with_num):
    def gradient(op, grad):
        """TF's: each selected row of data gets its segment's gradient (over
        the segment's size, or its square root)."""
        data, indices, ids = op.inputs[:3]
        dim0 = shape_of(data, out_type=dtypes.int32)[0]
        got = make_op(op.graph, f"SparseSegment{kind}Grad", [grad, indices, ids, dim0]
                      ).outputs[0]
        return [got, None, None] + ([None] if with_num else [])
    return gradient


for _kind in _KINDS:
    for _with_num in (False, True):
        RegisterGradient(f"SparseSegment{_kind}" + ("WithNumSegments" if _with_num else ""))(
            _segment_grad(_kind, _with_num))


def _segment(kind, data, indices, segment_ids, name, num_segments, sparse_gradient):
    graph = graph_of([data, indices, segment_ids, num_segments])
    data = to_tensor(graph, data, name="data")
    indices = to_tensor(graph, indices, name="indices")
    ids = to_tensor(graph, segment_ids, name="segment_ids")
    inputs = [data, indices, ids]
    op_type = f"SparseSegment{kind}"
    if num_segments is not None:
        inputs.append(to_tensor(graph, num_segments, name="num_segments"))
        op_type += "WithNumSegments"
    return make_op(graph, op_type, inputs, {"sparse_gradient": bool(sparse_gradient)},
                   name=name or op_type).outputs[0]


def sparse_segment_sum(data, indices, segment_ids, name=None, num_segments=None,
                       sparse_gradient=False):
    """Computes the sum along sparse segments of a tensor.

    Like `tf.math.segment_sum`, over the rows `data[indices]`:
    `output[segment_ids[i]] += data[indices[i]]`. Without `num_segments` the
    ids must be sorted, and the output has `segment_ids[-1] + 1` rows."""
    return _segment("Sum", data, indices, segment_ids, name, num_segments, sparse_gradient)


def sparse_segment_mean(data, indices, segment_ids, name=None, num_segments=None,
                        sparse_gradient=False):
    """Computes the mean along sparse segments of a tensor (as
    `sparse_segment_sum`, divided by each segment's size; empty ones are 0)."""
    return _segment("Mean", data, indices, segment_ids, name, num_segments, sparse_gradient)


def sparse_segment_sqrt_n(data, indices, segment_ids, name=None, num_segments=None,
                          sparse_gradient=False):
    """Computes the sum along sparse segments of a tensor divided by the sqrt of N
    (N the size of the segment)."""
    return _segment("SqrtN", data, indices, segment_ids, name, num_segments, sparse_gradient)


segment_sum = sparse_segment_sum
segment_mean = sparse_segment_mean
segment_sqrt_n = sparse_segment_sqrt_n
