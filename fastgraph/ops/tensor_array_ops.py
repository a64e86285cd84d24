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
from .indexing_ops import range as range_, unsorted_segment_sum, zeros_like

__all__ = ["dense_array_write", "dense_array_read", "dense_array_grow", "dense_array_trim"]

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




# ---- dynamic_size arrays --------------------------------------------------------
# A dynamic_size TensorArray written at indices known only when the graph
# runs keeps a capacity: DenseArrayGrow (computed by the session between C
# plans, as the new shape depends on the index's value) doubles the buffer
# when a write would fall past it, so that a loop of n writes changes the
# buffer's shape, and compiles the plans after it, about log2(n) times.
# DenseArrayTrim cuts the buffer back to the array's size (TF's: past the
# last element written, or the initial size) where it is read as a whole.

def _grow_shape(ctx):
    buf, written, index, vals = ctx.shapes
    from_value = None if vals is None or index is None else tuple(vals[len(index):])
    if buf is None:
        element = from_value
    elif buf[0] != 0:
        element = tuple(buf[1:])
    else:
        # An empty buffer takes the dims of the value written.
        element = from_value if from_value is not None and len(from_value) == len(buf) - 1 \
            else (None,) * (len(buf) - 1)
    return [None if element is None else (None,) + element, (None,)]


def _needed_rows(index):
    flat = np.asarray(index).reshape(-1).astype(np.int64)
    return int(flat.max()) + 1 if flat.size else 0


def _grow_reference(inputs, attrs):
    buf, written, index, vals = (np.asarray(x) for x in inputs)
    need = _needed_rows(index)
    rows = buf.shape[0]
    if need <= rows:
        return [buf, written]
    capacity = max(need, 2 * rows)
    element = buf.shape[1:]
    if rows == 0 and np.ndim(index) < vals.ndim:
        # An empty buffer takes its element dims from the first write (TF
        # infers the element shape there).
        element = vals.shape[np.ndim(index):]
    out = np.zeros((capacity,) + tuple(element), buf.dtype)
    mark = np.zeros(capacity, bool)
    if rows:
        out[:rows] = buf
        mark[:rows] = written
    return [out, mark]


register(OpDef(
    "DenseArrayGrow", shape=_grow_shape, dtype=lambda ctx: [ctx.dtypes[0], dtypes.bool],
    reference=_grow_reference, host=lambda ctx, op, values: _grow_reference(values, op.attrs),
    dtypes=[Accepts("value", ALL, input=0), Accepts("index", _INDICES, input=2)],
    samples=samples.dense_array_grow, graphdef=_NO_GRAPHDEF))


def _trim_reference(inputs, attrs):
    buf, written, size = (np.asarray(x) for x in inputs)
    marked = np.flatnonzero(written)
    rows = max(int(size), int(marked[-1]) + 1 if marked.size else 0)
    if rows > buf.shape[0]:
        pad = np.zeros((rows - buf.shape[0],) + buf.shape[1:], buf.dtype)
        return [np.concatenate([buf, pad]), np.concatenate([written, np.zeros(len(pad), bool)])]
    return [buf[:rows], written[:rows]]


register(OpDef(
    "DenseArrayTrim",
    shape=lambda ctx: [None if ctx.shapes[0] is None else (None,) + tuple(ctx.shapes[0][1:]),
                       (None,)],
    dtype=lambda ctx: [ctx.dtypes[0], dtypes.bool],
    reference=_trim_reference, host=lambda ctx, op, values: _trim_reference(values, op.attrs),
    dtypes=[Accepts("value", ALL, input=0), Accepts("size", (dtypes.int32,), input=2)],
    samples=samples.dense_array_trim, graphdef=_NO_GRAPHDEF))


def dense_array_grow(buffer, written, index, value, name=None):
    """(buffer, written) with room for rows `index` (doubled when a row is
    past the buffer's end): a dynamic_size TensorArray's, before a write."""
    graph = graph_of([buffer, written, index, value])
    inputs = [to_tensor(graph, x) for x in (buffer, written, index)]
    value = to_tensor(graph, value, dtype=inputs[0].dtype)
    op = make_op(graph, "DenseArrayGrow", inputs + [value], {}, name=name or "TensorArrayGrow")
    return op.outputs[0], op.outputs[1]


def dense_array_trim(buffer, written, size, name=None):
    """(buffer, written) holding the array's elements only: rows up to the
    last one written, and at least `size` (the array's initial size)."""
    graph = graph_of([buffer, written, size])
    inputs = [to_tensor(graph, x) for x in (buffer, written)]
    size = to_tensor(graph, size, dtype=dtypes.int32)
    op = make_op(graph, "DenseArrayTrim", inputs + [size], {}, name=name or "TensorArrayTrim")
    return op.outputs[0], op.outputs[1]


@RegisterGradient("DenseArrayGrow")
def _dense_array_grow_grad(op, grad, grad_written):
    """The rows the buffer had before it grew."""
    del grad_written
    if grad is None:
        return [None] * 4
    rows = shape(op.inputs[0])[0]
    # (An empty buffer's dims may differ from the grown one's: no rows.)
    back = reshape(dense_array_read(grad, range_(0, rows)), shape(op.inputs[0]))
    back.set_shape(op.inputs[0].shape)
    # The value only names the element dims of an empty buffer.
    return [back, None, None, zeros_like(op.inputs[3])]


@RegisterGradient("DenseArrayTrim")
def _dense_array_trim_grad(op, grad, grad_written):
    """The gradient's rows back in a buffer of the untrimmed size (zeros
    past the array's size)."""
    del grad_written
    if grad is None:
        return [None] * 3
    buffer = op.inputs[0]
    full = unsorted_segment_sum(grad, range_(0, shape(grad)[0]), shape(buffer)[0])
    full.set_shape(buffer.shape)
    return [full, None, None]
