"""The ops behind `tf.TensorArray` (fastgraph/api/tensor_array_ops.py).

fastgraph holds a TensorArray of `size` elements of one shape as a dense
buffer of shape [size] + element_shape and a bool vector of the rows
written so far. A write is `DenseArrayWrite` (a new buffer and mask, so
that every write returns a new TensorArray as in TF1, and a TensorArray
can be a while_loop variable like any tensor), a read or gather is
`DenseArrayRead`. Both check their indices with TF's TensorArray messages.
TF's TensorArrayV3 ops hold the elements in a resource instead; these ops
have no TF NodeDef.
"""

import numpy as np

from ..framework import dtypes, errors
from ..framework.dtype_sets import ALL
from ..framework.graphdef_mapping import NoGraphDef
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from . import samples
from .array_ops import concat, reshape, shape
from .arguments import graph_of, make_op, to_tensor
from .indexing_ops import unsorted_segment_sum, zeros_like

__all__ = ["dense_array_write", "dense_array_read"]

_INDICES = (dtypes.int32, dtypes.int64)
_NO_GRAPHDEF = NoGraphDef("fastgraph's TensorArray is a dense buffer; TF's TensorArrayV3 ops "
                          "keep theirs in a resource")


def _rows(index_shape):
    """The leading dims that the rows named by indices of this shape take."""
    return tuple(index_shape) if index_shape is not None else None


def _compatible(a, b):
    return a is None or b is None or (len(a) == len(b) and all(
        x is None or y is None or x == y for x, y in zip(a, b)))


def _write_shape(ctx):
    buf, written, index, vals = ctx.shapes
    if buf is not None and len(buf) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if index is not None and len(index) > 1:
        raise ValueError(f"Shape must be at most rank 1 but is rank {len(index)}")
    if buf is not None and index is not None and vals is not None:
        want = _rows(index) + tuple(buf[1:])
        if not _compatible(want, vals):
            raise ValueError(f"Inconsistent shapes: saw {tuple(vals)} but expected {want}")
    if buf is None and index is not None and vals is not None:
        # A buffer of unknown shape (a TensorArray entering a loop before its
        # element shape was known) takes the written element's.
        buf = (None,) + tuple(vals[len(index):])
    return [buf, written if written is not None else (None if buf is None else (buf[0],))]


def _row_elems(shape):
    return int(np.prod(shape[1:], dtype=np.int64))


def _write_reference(inputs, attrs):
    buf, written, index, vals = (np.asarray(x) for x in inputs)
    out, mark = buf.copy(), written.astype(bool).copy()
    rows = vals.reshape((-1,) + buf.shape[1:])
    for j, k in enumerate(index.reshape(-1).astype(np.int64)):
        if not 0 <= k < mark.size:
            raise errors.InvalidArgumentError(
                None, None, f"Tried to write to index {k} but array is not resizeable and size "
                f"is: {mark.size}")
        if mark[k]:
            raise errors.InvalidArgumentError(
                None, None, f"Could not write to TensorArray index {k} because it has already "
                "been written to.")
        mark[k] = True
        out[k] = rows[j]
    return [out, mark]


register(OpDef(
    "DenseArrayWrite", shape=_write_shape, dtype=lambda ctx: [ctx.dtypes[0], dtypes.bool],
    kernel="dense_array_write",
    lower=lambda ctx: ([_row_elems(ctx.shapes[0]), int(ctx.attrs.get("grow", False))], None),
    reference=_write_reference,
    dtypes=[Accepts("value", ALL, input=0), Accepts("index", _INDICES, input=2)],
    samples=samples.dense_array_write, graphdef=_NO_GRAPHDEF))


def _read_shape(ctx):
    buf, index = ctx.shapes
    if buf is not None and len(buf) == 0:
        raise ValueError("Shape must be at least rank 1 but is rank 0")
    if index is not None and len(index) > 1:
        raise ValueError(f"Shape must be at most rank 1 but is rank {len(index)}")
    if buf is None or index is None:
        return [None]
    return [_rows(index) + tuple(buf[1:])]


def _read_reference(inputs, attrs):
    buf, index = (np.asarray(x) for x in inputs)
    flat = index.reshape(-1).astype(np.int64)
    for k in flat:
        if not 0 <= k < buf.shape[0]:
            raise errors.InvalidArgumentError(
                None, None, f"Tried to read from index {k} but array size is: {buf.shape[0]}")
    return [buf[flat].reshape(index.shape + buf.shape[1:])]


register(OpDef(
    "DenseArrayRead", shape=_read_shape, dtype=lambda ctx: [ctx.dtypes[0]],
    kernel="dense_array_read", lower=lambda ctx: ([_row_elems(ctx.shapes[0]), 0], None),
    reference=_read_reference, parallel=True,
    dtypes=[Accepts("value", ALL, input=0), Accepts("index", _INDICES, input=1)],
    samples=samples.dense_array_read, graphdef=_NO_GRAPHDEF))


def dense_array_write(buffer, written, index, value, grow=False, name=None):
    """(buffer, written) with rows `index` (a scalar or a vector) set to
    `value`'s rows and marked written; an index out of range or written
    before raises InvalidArgumentError when the graph runs (with `grow`, a
    dynamic_size array's, UnimplementedError for an index past its size)."""
    graph = graph_of([buffer, written, index, value])
    inputs = [to_tensor(graph, x) for x in (buffer, written, index)]
    value = to_tensor(graph, value, dtype=inputs[0].dtype)
    op = make_op(graph, "DenseArrayWrite", inputs + [value], {"grow": bool(grow)},
                 name=name or "TensorArrayWrite")
    return op.outputs[0], op.outputs[1]


def dense_array_read(buffer, index, name=None):
    """The rows `index` (a scalar or a vector) of `buffer`; an index out of
    range raises InvalidArgumentError when the graph runs."""
    graph = graph_of([buffer, index])
    return make_op(graph, "DenseArrayRead", [to_tensor(graph, buffer), to_tensor(graph, index)],
                   {}, name=name or "TensorArrayRead").outputs[0]


@RegisterGradient("DenseArrayWrite")
def _dense_array_write_grad(op, grad, grad_written):
    """The buffer's gradient with the written rows cleared (their old values
    were overwritten), and the written rows' gradient for the value."""
    del grad_written
    if grad is None:
        return [None] * 4
    buffer, written, index, value = op.inputs
    cleared, _ = dense_array_write(grad, zeros_like(written), index, zeros_like(value))
    return [cleared, None, None, dense_array_read(grad, index)]


@RegisterGradient("DenseArrayRead")
def _dense_array_read_grad(op, grad):
    """The gradient's rows summed into the rows they were read from."""
    buffer, index = op.inputs
    dims = shape(buffer)
    rows = reshape(grad, concat([[-1], dims[1:]], 0))
    summed = unsorted_segment_sum(rows, reshape(index, [-1]), dims[0])
    summed.set_shape(buffer.shape)
    return [summed, None]


