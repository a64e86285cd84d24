"""Sparse ops that move a SparseTensor's entries without computing on its
values: SparseReorder, SparseReshape, SparseSlice (and SparseSliceGrad),
SparseSplit, SparseConcat and SparseFillEmptyRows (and its Grad), with
`tf.sparse.reorder`, `reshape`, `slice`, `split`, `concat`,
`fill_empty_rows` and TF1's `tf.sparse_*` spellings.

They are host ops: how many entries they give depends on the indices'
values, so the session computes them in NumPy between C plans.
"""

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import ALL
from ..framework.graphdef_mapping import Attr, NodeMapping, NoGraphDef, TypeAttr
from ..framework.op_registry import Accepts, NOT_DIFFERENTIABLE, RegisterGradient, register
from ..framework.op_registry import OpDef
from ..framework.sparse_tensor import SparseTensor
from ..framework.static_values import constant_value
from ..framework.tensor_shape import debug_string as shape_text
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .indexing_ops import range as range_
from .indexing_ops import unsorted_segment_sum
from .array_ops import concat as concat_dense
from .array_ops import shape as shape_of
from .array_ops import stack
from .reduction_ops import reduce_max
from .sparse_components import (
    as_sparse, check_components, dim0, host_of, invalid, lex_order, rows_of, row_keys,
)

__all__ = ["sparse_reorder", "sparse_reshape", "sparse_slice", "sparse_split", "sparse_concat",
           "sparse_fill_empty_rows"]
SPARSE = ["reorder", "reshape", "slice", "split", "concat", "fill_empty_rows"]

_I64 = dtypes.int64


def _ints(a):
    return np.asarray(a).astype(np.int64)


def sparse_sample(dtype, shape, n, seed, unsorted=False):
    """(indices, values, dense_shape) of a seeded SparseTensor of `shape`
    with `n` distinct entries, in row-major order unless `unsorted`."""
    rng = np.random.default_rng(seed)
    total = int(np.prod(shape))
    flat = np.sort(rng.choice(total, size=min(n, total), replace=False))
    if unsorted:
        flat = rng.permutation(flat)
    indices = np.array(np.unravel_index(flat, shape), np.int64).T.reshape(-1, len(shape))
    return indices, samples.values(dtype, (len(flat),), seed), np.array(shape, np.int64)


# ---- SparseReorder -----------------------------------------------------------

def _reorder_reference(inputs, attrs):
    indices, values, shape = inputs
    check_components(indices, values, shape)
    order = lex_order(indices)
    return [indices[order], values[order]]


def _reorder_samples(dtype):
    for i, (shape, n) in enumerate((((3, 4), 6), ((2, 3, 2), 5), ((5,), 0))):
        yield list(sparse_sample(dtype, shape, n, i, unsorted=True)), {}


register(OpDef("SparseReorder",
               shape=lambda ctx: [rows_of(ctx, 0), (dim0(ctx, 1),)],
               dtype=lambda ctx: [_I64, ctx.dtypes[1]],
               reference=_reorder_reference, host=host_of(_reorder_reference),
               dtypes=[Accepts("input_values", ALL, input=1)], samples=_reorder_samples,
               graphdef=NodeMapping(("input_indices", "input_values", "input_shape"),
                                    [TypeAttr("T", input=1)])))


@RegisterGradient("SparseReorder")
def _reorder_grad(op, unused_indices_grad, values_grad):
    """TF's: each output value's gradient goes back to the entry it came
    from (the reordering of the entries' positions)."""
    indices, _, shape = op.inputs
    n = shape_of(indices, out_type=_I64)[0]
    where = make_op(op.graph, "SparseReorder", [indices, range_(n), shape]).outputs[1]
    return [None, unsorted_segment_sum(values_grad, where, n), None]


def sparse_reorder(sp_input, name=None):
    """Reorders a `SparseTensor` into the canonical, row-major ordering.

    The result has the same indices and values, reordered so that the
    indices are in lexicographic order."""
    sp = as_sparse(sp_input)
    op = make_op(sp.graph, "SparseReorder", [sp.indices, sp.values, sp.dense_shape],
                 name=name or "SparseReorder")
    return SparseTensor(op.outputs[0], op.outputs[1], sp.dense_shape)


reorder = sparse_reorder


# ---- SparseReshape -----------------------------------------------------------

def _new_shape(old, new):
    """TF's SparseReshape target shape: one -1 inferred, the sizes checked."""
    new = _ints(new)
    total = int(np.prod(old)) if old.size else 1
    unknown = np.flatnonzero(new == -1)
    if unknown.size > 1:
        raise invalid(f"only one output dimension may be -1, not both {unknown[0]} and "
                      f"{unknown[1]}")
    bad = np.flatnonzero(new < -1)
    if bad.size:
        raise invalid(f"size {bad[0]} must be non-negative, not {new[bad[0]]}")
    known = int(np.prod(np.where(new == -1, 1, new))) if new.size else 1
    out = new.copy()
    if unknown.size:
        if known == 0 or total % known:
            raise invalid(f"Input to reshape is a SparseTensor with {total} dense values, but "
                          f"the requested shape requires a multiple of {known}. "
                          f"input_shape={shape_text(tuple(old))} "
                          f"output_shape={shape_text(tuple(new))}")
        out[unknown[0]] = total // known
    elif known != total:
        raise invalid(f"Input to reshape is a tensor with {total} dense values, but the "
                      f"requested shape has {known}. input_shape={shape_text(tuple(old))} "
                      f"output_shape={shape_text(tuple(new))}")
    return out


def _reshape_reference(inputs, attrs):
    indices, old, new = (_ints(a) for a in inputs)
    if indices.ndim != 2:
        raise invalid(f"Input indices should be a matrix but received shape "
                      f"{shape_text(indices.shape)}")
    if old.ndim != 1 or new.ndim != 1:
        raise invalid("Input shape should be a vector but received shape "
                      f"{shape_text(old.shape if old.ndim != 1 else new.shape)}")
    if indices.shape[1] != old.size:
        raise invalid(f"Input tensor rank must match input shape length, got rank "
                      f"{indices.shape[1]} vs. {old.size}")
    out = _new_shape(old, new)
    keys = row_keys(indices, old)
    if out.size == 0:
        return [np.zeros((len(indices), 0), np.int64), out]
    result = np.array(np.unravel_index(keys, tuple(int(d) for d in out)), np.int64).T
    return [result.reshape(len(indices), out.size), out]


def _reshape_shape(ctx):
    new = ctx.shapes[2]
    rank = new[0] if new is not None else None
    return [(dim0(ctx, 0), rank), (rank,)]


def _reshape_samples(dtype):
    ind, _, shape = sparse_sample(dtypes.int64, (4, 6), 7, 1)
    yield [ind, shape, np.array([3, -1, 2], np.int64)], {}
    ind, _, shape = sparse_sample(dtypes.int64, (2, 3, 2), 5, 2)
    yield [ind, shape, np.array([12], np.int64)], {}


register(OpDef("SparseReshape", shape=_reshape_shape, dtype=lambda ctx: [_I64, _I64],
               reference=_reshape_reference, host=host_of(_reshape_reference),
               samples=_reshape_samples, gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("input_indices", "input_shape", "new_shape"), [])))


def sparse_reshape(sp_input, shape, name=None):
    """Reshapes a `SparseTensor` to represent values in a new dense shape.

    The same entries, in the same order, at the indices of the new shape
    that have their row-major positions; one dim of `shape` may be -1 (it
    is inferred)."""
    sp = as_sparse(sp_input)
    graph = sp.graph
    with graph.name_scope(name or "SparseReshape"):
        new = to_tensor(graph, shape, dtype=_I64, name="shape")
        old = sp.shape
        wanted = constant_value(new)
        if old.is_fully_defined() and wanted is not None:
            wanted = _ints(wanted)
            total = int(np.prod(old.as_list()))
            if (wanted == -1).sum() > 1:
                raise ValueError(f"At most one dimension can be inferred (-1). Found: {wanted}")
            known = int(np.prod(np.where(wanted == -1, 1, wanted)))
            if (wanted == -1).any() and known and total % known == 0:
                pass
            elif known != total:
                dims = ", ".join("None" if d == -1 else str(d) for d in wanted)
                raise ValueError(f"Cannot reshape a tensor with {total} elements to shape "
                                 f"[{dims}] ({known} elements).")
        op = make_op(graph, "SparseReshape", [sp.indices, sp.dense_shape, new],
                     name="SparseReshape")
    return SparseTensor(op.outputs[0], sp.values, op.outputs[1])


reshape = sparse_reshape


# ---- SparseSlice, SparseSliceGrad ---------------------------------------------

def _slice_keep(indices, start, size):
    lo, hi = start, start + size
    return np.all((indices >= lo) & (indices < hi), axis=1) if indices.shape[1] else \
        np.ones(len(indices), bool)


def _slice_reference(inputs, attrs):
    indices, values, shape, start, size = inputs
    indices, shape, start, size = (_ints(a) for a in (indices, shape, start, size))
    check_components(indices, values, shape)
    if start.shape != shape.shape or size.shape != shape.shape:
        raise invalid(f"Expected start and size to have the shape of the input's dense "
                      f"shape {shape_text(shape.shape)}, got {shape_text(start.shape)} and "
                      f"{shape_text(size.shape)}")
    keep = _slice_keep(indices, start, size)
    out_shape = np.maximum(np.minimum(start + size, shape) - start, 0)
    out_shape = np.where(start > shape, 0, out_shape)
    return [indices[keep] - start, values[keep], out_shape.astype(np.int64)]


def _slice_samples(dtype):
    ind, val, shape = sparse_sample(dtype, (4, 5), 9, 3)
    yield [ind, val, shape, np.array([1, 1], np.int64), np.array([2, 9], np.int64)], {}
    ind, val, shape = sparse_sample(dtype, (3, 2, 4), 8, 4)
    yield [ind, val, shape, np.array([0, 1, 2], np.int64), np.array([3, 1, 2], np.int64)], {}


register(OpDef("SparseSlice",
               shape=lambda ctx: [(None, dim0(ctx, 2)), (None,), (dim0(ctx, 2),)],
               dtype=lambda ctx: [_I64, ctx.dtypes[1], _I64],
               reference=_slice_reference, host=host_of(_slice_reference),
               dtypes=[Accepts("values", ALL, input=1)], samples=_slice_samples,
               graphdef=NodeMapping(("indices", "values", "shape", "start", "size"),
                                    [TypeAttr("T", input=1)])))


def _slice_grad_reference(inputs, attrs):
    grad, in_indices, start, out_indices = inputs
    in_indices, start, out_indices = (_ints(a) for a in (in_indices, start, out_indices))
    out = np.zeros(len(in_indices), grad.dtype)
    # Slicing keeps the entries' order: walk the two lists together.
    k = 0
    for i in range(len(in_indices)):
        if k < len(out_indices) and np.array_equal(in_indices[i] - start, out_indices[k]):
            out[i] = grad[k]
            k += 1
    if k != len(out_indices):
        raise invalid("Elements of backprop_val_grad aren't all propagated. Num elements: "
                      f"{len(out_indices)}, used: {k}")
    return [out]


def _slice_grad_samples(dtype):
    for inputs, _ in _slice_samples(dtypes.float64):
        out_ind = _slice_reference(inputs, {})[0]
        yield [samples.values(dtype, (len(out_ind),), 5), inputs[0], inputs[3], out_ind], {}


register(OpDef("SparseSliceGrad", shape=lambda ctx: [(dim0(ctx, 1),)],
               dtype=lambda ctx: [ctx.dtypes[0]],
               reference=_slice_grad_reference, host=host_of(_slice_grad_reference),
               dtypes=[Accepts("backprop_val_grad", ALL[1:])], samples=_slice_grad_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("backprop_val_grad", "input_indices", "input_start",
                                     "output_indices"), [TypeAttr("T", input=0)])))


@RegisterGradient("SparseSlice")
def _slice_grad(op, *grads):
    """TF's: the sliced values' gradients back at the entries they came from."""
    got = make_op(op.graph, "SparseSliceGrad",
                  [grads[1], op.inputs[0], op.inputs[3], op.outputs[0]]).outputs[0]
    return [None, got, None, None, None]


def sparse_slice(sp_input, start, size, name=None):
    """Slice a `SparseTensor` based on the `start` and `size`.

    The entries with `start <= index < start + size` in every dim, their
    indices shifted by `start`; the dense shape is `size` clipped to the
    input's."""
    sp = as_sparse(sp_input)
    graph = sp.graph
    with graph.name_scope(name or "SparseSlice"):
        start = to_tensor(graph, start, dtype=_I64, name="start")
        size = to_tensor(graph, size, dtype=_I64, name="size")
        op = make_op(graph, "SparseSlice", [sp.indices, sp.values, sp.dense_shape, start, size],
                     name="SparseSlice")
    return SparseTensor(*op.outputs)


slice = sparse_slice  # noqa: A001 - TF's name


# ---- SparseSplit ---------------------------------------------------------------

def _split_reference(inputs, attrs):
    axis, indices, values, shape = inputs
    indices, shape = _ints(indices), _ints(shape)
    check_components(indices, values, shape)
    n = attrs["num_split"]
    axis = int(np.asarray(axis).reshape(-1)[0])
    rank = shape.size
    if not -rank <= axis < rank:
        raise invalid(f"Input split_dim should be between -{rank} and {rank}, got {axis}")
    axis %= rank
    size = int(shape[axis])
    if not 1 <= n <= size:
        raise invalid(f"Input num_split should be between 1 and the splitting dimension "
                      f"size ({size}), got {n}")
    base, extra = divmod(size, n)
    bounds = np.cumsum([0] + [base + (k < extra) for k in range(n)])
    parts_i, parts_v, parts_s = [], [], []
    col = indices[:, axis]
    for k in range(n):
        keep = (col >= bounds[k]) & (col < bounds[k + 1])
        ind = indices[keep].copy()
        ind[:, axis] -= bounds[k]
        s = shape.copy()
        s[axis] = bounds[k + 1] - bounds[k]
        parts_i.append(ind)
        parts_v.append(values[keep])
        parts_s.append(s)
    return parts_i + parts_v + parts_s


def _split_shape(ctx):
    n = ctx.attrs["num_split"]
    rank = dim0(ctx, 3)
    return [(None, rank)] * n + [(None,)] * n + [(rank,)] * n


def _split_samples(dtype):
    ind, val, shape = sparse_sample(dtype, (5, 4), 9, 6)
    yield [np.array(0, np.int64), ind, val, shape], {"num_split": 2}
    ind, val, shape = sparse_sample(dtype, (2, 7, 3), 10, 7)
    yield [np.array(-2, np.int64), ind, val, shape], {"num_split": 3}


register(OpDef("SparseSplit", shape=_split_shape,
               dtype=lambda ctx: [_I64] * ctx.attrs["num_split"] +
               [ctx.dtypes[2]] * ctx.attrs["num_split"] + [_I64] * ctx.attrs["num_split"],
               reference=_split_reference, host=host_of(_split_reference),
               dtypes=[Accepts("values", ALL, input=2)], samples=_split_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("split_dim", "indices", "values", "shape"),
                                    [Attr("num_split"), TypeAttr("T", input=2)])))


def sparse_split(keyword_required=None, sp_input=None, num_split=None, axis=None, name=None,
                 split_dim=None):
    """Split a `SparseTensor` into `num_split` tensors along `axis`.

    The first `size % num_split` pieces are one larger than the others
    (`size // num_split`). Arguments must be given by keyword."""
    if keyword_required is not None:
        raise ValueError("Keyword arguments are required for this function.")
    if sp_input is None:
        raise ValueError("sp_input is required")
    if num_split is None:
        raise ValueError("num_split is required")
    if axis is None:
        axis = split_dim
    if axis is None:
        raise ValueError("axis is required")
    sp = as_sparse(sp_input)
    graph = sp.graph
    with graph.name_scope(name or "SparseSplit"):
        axis = to_tensor(graph, axis, dtype=_I64, name="split_dim")
        op = make_op(graph, "SparseSplit", [axis, sp.indices, sp.values, sp.dense_shape],
                     {"num_split": int(num_split)}, name="SparseSplit")
    n = int(num_split)
    outs = op.outputs
    return [SparseTensor(outs[k], outs[n + k], outs[2 * n + k]) for k in range(n)]


split = sparse_split


# ---- SparseConcat ----------------------------------------------------------------

def _concat_reference(inputs, attrs):
    n = len(inputs) // 3
    indices = [_ints(a) for a in inputs[:n]]
    values = inputs[n:2 * n]
    shapes = [_ints(a) for a in inputs[2 * n:]]
    for i, v, s in zip(indices, values, shapes):
        check_components(i, v, s)
    rank = shapes[0].size
    axis = attrs["concat_dim"]
    if not -rank <= axis < rank:
        raise invalid(f"Concat dimension must be in range [{-rank}, {rank}), got {axis}")
    axis %= rank
    for k, s in enumerate(shapes[1:], 1):
        if s.size != rank:
            raise invalid(f"Ranks of all input tensors must match: expected {rank} but got "
                          f"{s.size} at position {k}")
        for d in range(rank):
            if d != axis and s[d] != shapes[0][d]:
                raise invalid(f"Input shapes must match: expected {shapes[0][d]} for dimension "
                              f"{d} but got {s[d]} at position {k}")
    offset = 0
    parts = []
    for ind, s in zip(indices, shapes):
        ind = ind.copy()
        ind[:, axis] += offset
        offset += int(s[axis])
        parts.append(ind)
    out_ind = np.concatenate(parts).reshape(-1, rank)
    out_val = np.concatenate(values)
    out_shape = shapes[0].copy()
    out_shape[axis] = offset
    # TF's result is in row-major order: concatenating along dim 0 keeps
    # it, along another dim the entries are sorted.
    order = lex_order(out_ind) if axis else np.arange(len(out_ind))
    return [out_ind[order], out_val[order], out_shape]


def _concat_shape(ctx):
    n = len(ctx.shapes) // 3
    rank = next((s[0] for s in ctx.shapes[2 * n:] if s is not None), None)
    rows = [s[0] if s is not None else None for s in ctx.shapes[:n]]
    total = None if any(r is None for r in rows) else sum(rows)
    return [(total, rank), (total,), (rank,)]


def _concat_samples(dtype):
    a = sparse_sample(dtype, (3, 4), 5, 8)
    b = sparse_sample(dtype, (3, 2), 3, 9)
    c = sparse_sample(dtype, (3, 1), 2, 10)
    yield [a[0], b[0], c[0], a[1], b[1], c[1], a[2], b[2], c[2]], {"concat_dim": 1}
    a = sparse_sample(dtype, (2, 3), 3, 11)
    b = sparse_sample(dtype, (4, 3), 6, 12)
    yield [a[0], b[0], a[1], b[1], a[2], b[2]], {"concat_dim": -2}


register(OpDef("SparseConcat", shape=_concat_shape,
               dtype=lambda ctx: [_I64, ctx.dtypes[len(ctx.dtypes) // 3], _I64],
               reference=_concat_reference, host=host_of(_concat_reference),
               dtypes=[Accepts("values", ALL, input=1)], samples=_concat_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NoGraphDef("SparseConcat has three list inputs (indices, values, "
                                   "shapes), which fastgraph's NodeDef mapping does not "
                                   "express yet")))


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
                  expand_nonconcat_dims=None):
    """Concatenates a list of `SparseTensor` along the specified dimension.

    All inputs must have the same rank and, unless `expand_nonconcat_dim`,
    the same dense shape except along `axis`; with it, each other dim is
    the largest of the inputs'. The result is in row-major order."""
    if concat_dim is not None:
        axis = concat_dim
    expand = expand_nonconcat_dims if expand_nonconcat_dims is not None else \
        expand_nonconcat_dim
    if not isinstance(sp_inputs, (list, tuple)):
        raise TypeError("Inputs must be a list")
    sps = [as_sparse(s) for s in sp_inputs]
    if not sps:
        raise ValueError("sp_inputs must be a non-empty list")
    graph = graph_of([s.indices for s in sps])
    with graph.name_scope(name or "SparseConcat"):
        shapes = [s.dense_shape for s in sps]
        if expand:
            dim = int(axis)
            stacked = stack(shapes)
            biggest = reduce_max(stacked, axis=0)
            shapes = []
            for s in sps:
                rank = s.shape.rank
                if rank is None:
                    raise ValueError("expand_nonconcat_dim needs inputs of known rank")
                d = dim % rank
                shapes.append(concat_dense([biggest[:d], s.dense_shape[d:d + 1], biggest[d + 1:]], 0))
        op = make_op(graph, "SparseConcat", [s.indices for s in sps] + [s.values for s in sps] +
                     shapes, {"concat_dim": int(axis), "N": len(sps)}, name="SparseConcat")
    return SparseTensor(*op.outputs)


def concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
           expand_nonconcat_dims=None):
    """Concatenates a list of `SparseTensor` along the specified dimension
    (TF1's `tf.sparse.concat`, as `sparse_concat`)."""
    return sparse_concat(axis, sp_inputs, name, expand_nonconcat_dim, concat_dim,
                         expand_nonconcat_dims)


# ---- SparseFillEmptyRows, SparseFillEmptyRowsGrad -----------------------------------

def _fill_reference(inputs, attrs):
    indices, values, shape, default = inputs
    indices, shape = _ints(indices), _ints(shape)
    check_components(indices, values, shape)
    if np.ndim(default) != 0:
        raise invalid(f"default_value must be a scalar, saw: {shape_text(np.shape(default))}")
    if shape.size == 0:
        raise invalid("Dense shape cannot be empty.")
    rows = int(shape[0])
    n = len(indices)
    row = indices[:, 0]
    bad = np.flatnonzero((row < 0) | (row >= rows))
    if bad.size:
        raise invalid(f"indices({bad[0]}, 0) is invalid: {row[bad[0]]} >= {rows}")
    empty = np.ones(rows, bool)
    empty[row] = False
    filler = np.zeros((int(empty.sum()), shape.size), np.int64)
    filler[:, 0] = np.flatnonzero(empty)
    all_ind = np.concatenate([indices, filler]).reshape(-1, shape.size)
    all_val = np.concatenate([values, np.full(len(filler), default, values.dtype)])
    # Rows in order, each row's entries in their input order.
    order = np.argsort(all_ind[:, 0], kind="stable")
    reverse = np.empty(len(order), np.int64)
    reverse[order] = np.arange(len(order))
    return [all_ind[order], all_val[order], empty, reverse[:n]]


def _fill_samples(dtype):
    ind, val, shape = sparse_sample(dtype, (6, 3), 5, 13, unsorted=True)
    yield [ind, val, shape, samples.values(dtype, (), 14)], {}
    ind, val, shape = sparse_sample(dtype, (3, 2, 2), 0, 15)
    yield [ind, val, shape, samples.values(dtype, (), 16)], {}


register(OpDef("SparseFillEmptyRows",
               shape=lambda ctx: [(None, rows_of(ctx, 0)[1]), (None,), (None,),
                                  (dim0(ctx, 0),)],
               dtype=lambda ctx: [_I64, ctx.dtypes[1], dtypes.bool, _I64],
               reference=_fill_reference, host=host_of(_fill_reference),
               dtypes=[Accepts("values", ALL, input=1)], samples=_fill_samples,
               graphdef=NodeMapping(("indices", "values", "dense_shape", "default_value"),
                                    [TypeAttr("T", input=1)])))


def _fill_grad_reference(inputs, attrs):
    reverse, grad = inputs
    reverse = _ints(reverse)
    d_values = grad[reverse]
    used = np.zeros(len(grad), bool)
    used[reverse] = True
    return [d_values, np.asarray(grad[~used].sum(), grad.dtype)]


def _fill_grad_samples(dtype):
    yield [np.array([3, 0, 4, 1], np.int64), samples.values(dtype, (6,), 17)], {}
    yield [np.zeros((0,), np.int64), samples.values(dtype, (3,), 18)], {}


register(OpDef("SparseFillEmptyRowsGrad", shape=lambda ctx: [(dim0(ctx, 0),), ()],
               dtype=lambda ctx: [ctx.dtypes[1], ctx.dtypes[1]],
               reference=_fill_grad_reference, host=host_of(_fill_grad_reference),
               dtypes=[Accepts("grad_values", ALL[1:], input=1)], samples=_fill_grad_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("reverse_index_map", "grad_values"),
                                    [TypeAttr("T", input=1)])))


@RegisterGradient("SparseFillEmptyRows")
def _fill_grad(op, unused_indices_grad, values_grad, unused_empty_grad, unused_map_grad):
    """TF's: each input value's gradient is its output's; the default's is
    the sum of the filled entries'."""
    d_values, d_default = make_op(op.graph, "SparseFillEmptyRowsGrad",
                                  [op.outputs[3], values_grad]).outputs
    return [None, d_values, None, d_default]


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """Fills empty rows in the input 2-D (or more) `SparseTensor` with a default value.

    Returns the filled SparseTensor (rows in order, each row's entries in
    input order, an entry `[row, 0, ..., 0]` of `default_value` in each
    empty row) and `empty_row_indicator`, a bool vector saying which rows
    were empty."""
    sp = as_sparse(sp_input)
    graph = sp.graph
    with graph.name_scope(name or "SparseFillEmptyRows"):
        default = to_tensor(graph, default_value, dtype=sp.dtype, name="default_value")
        op = make_op(graph, "SparseFillEmptyRows", [sp.indices, sp.values, sp.dense_shape,
                                                   default], name="SparseFillEmptyRows")
    return SparseTensor(op.outputs[0], op.outputs[1], sp.dense_shape), op.outputs[2]


fill_empty_rows = sparse_fill_empty_rows
