"""Sparse ops that compute on a SparseTensor's values: SparseAdd (and
SparseAddGrad), SparseTensorDenseAdd, SparseTensorDenseMatMul, the
SparseDenseCwise products, SparseReduceSum/Max (and their Sparse forms),
SparseSoftmax and SparseSparseMaximum/Minimum, with `tf.sparse.add`,
`matmul`, `reduce_sum`, `reduce_max`, `softmax`, `maximum`, `minimum`,
TF1's `tf.sparse_*` spellings and a SparseTensor's `*` and `/` by a dense
tensor.

They are host ops computed in NumPy (their outputs' sizes, or the cells
they touch, follow from the indices' values). Ops that merge two
SparseTensors walk both in order, as TF's kernels do, so they expect
row-major inputs (`tf.sparse.reorder`).
"""

import numpy as np

from ..framework import dtypes
from ..framework.dtype_sets import FLOATS, NUMERIC
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, NOT_DIFFERENTIABLE, OpDef, RegisterGradient
from ..framework.op_registry import register
from ..framework.sparse_tensor import SparseTensor
from ..framework.graph import Tensor
from ..framework.tensor_shape import debug_string as shape_text
from . import samples
from .arguments import make_op, to_tensor
from .array_ops import concat, reshape, transpose
from .array_ops import shape as shape_of
from .elementwise import cast, equal, floordiv, floormod, negative, square
from .indexing_ops import gather, gather_nd, ones_like, size, where_v2, zeros_like
from .indexing_ops import range as range_
from .indexing_ops import ones as ones_
from .reduction_ops import reduce_any, reduce_sum as dense_reduce_sum
from .sparse_components import (
    as_sparse, check_components, dim0, host_of, invalid, lex_order, rows_of,
)
from .sparse_structure_ops import sparse_sample

__all__ = ["sparse_add", "sparse_tensor_dense_matmul", "sparse_reduce_sum",
           "sparse_reduce_sum_sparse", "sparse_reduce_max", "sparse_reduce_max_sparse",
           "sparse_softmax", "sparse_maximum", "sparse_minimum"]
SPARSE = ["add", "matmul", "sparse_dense_matmul", "reduce_sum", "reduce_sum_sparse",
          "reduce_max", "reduce_max_sparse", "softmax", "maximum", "minimum"]

_I64 = dtypes.int64
_INDEX = (dtypes.int32, dtypes.int64)


def _ints(a):
    return np.asarray(a).astype(np.int64)


def _merge(a_ind, b_ind):
    """TF's walk of two SparseTensors' indices in order: a list of (i, j),
    i an entry of a or None, j one of b or None, one per output entry."""
    out = []
    i = j = 0
    a_keys = [tuple(r) for r in a_ind.tolist()]
    b_keys = [tuple(r) for r in b_ind.tolist()]
    while i < len(a_keys) and j < len(b_keys):
        if a_keys[i] < b_keys[j]:
            out.append((i, None))
            i += 1
        elif a_keys[i] > b_keys[j]:
            out.append((None, j))
            j += 1
        else:
            out.append((i, j))
            i += 1
            j += 1
    out.extend((k, None) for k in range(i, len(a_keys)))
    out.extend((None, k) for k in range(j, len(b_keys)))
    return out


def _same_shapes(a_shape, b_shape):
    if a_shape.size != b_shape.size:
        raise invalid(f"Operands do not have the same ranks; got shapes: "
                      f"{shape_text(tuple(a_shape))} and {shape_text(tuple(b_shape))}")
    for d, (x, y) in enumerate(zip(a_shape, b_shape)):
        if x != y:
            raise invalid(f"Operands' shapes do not match: got {x} and {y} for dimension {d}")


def _pair_samples(dtype):
    a = sparse_sample(dtype, (3, 4), 6, 21)
    b = sparse_sample(dtype, (3, 4), 5, 22)
    yield list(a) + list(b), {}
    a = sparse_sample(dtype, (2, 2, 3), 4, 23)
    b = sparse_sample(dtype, (2, 2, 3), 0, 24)
    yield list(a) + list(b), {}


# ---- SparseAdd, SparseAddGrad ----------------------------------------------------

def _add_reference(inputs, attrs):
    a_ind, a_val, a_shape, b_ind, b_val, b_shape, thresh = inputs
    a_ind, a_shape, b_ind, b_shape = (_ints(x) for x in (a_ind, a_shape, b_ind, b_shape))
    check_components(a_ind, a_val, a_shape)
    check_components(b_ind, b_val, b_shape)
    if np.ndim(thresh) != 0:
        raise invalid(f"The magnitude threshold must be a scalar: got shape "
                      f"{shape_text(np.shape(thresh))}")
    _same_shapes(a_shape, b_shape)
    ind, val = [], []
    for i, j in _merge(a_ind, b_ind):
        if j is None:
            ind.append(a_ind[i])
            val.append(a_val[i])
        elif i is None:
            ind.append(b_ind[j])
            val.append(b_val[j])
        else:
            s = a_val[i] + b_val[j]
            # Only sums are thresholded, as TF's kernel does.
            if np.abs(s) >= thresh:
                ind.append(a_ind[i])
                val.append(s)
    return [np.array(ind, np.int64).reshape(len(ind), a_shape.size),
            np.array(val, a_val.dtype).reshape(len(val)), a_shape]


def _add_samples(dtype):
    for inputs, _ in _pair_samples(dtype):
        real = dtype if dtype in NUMERIC else dtypes.float32
        yield inputs + [np.zeros((), real.np_dtype)], {}
    a = (np.array([[0, 0], [0, 1]], np.int64), samples.values(dtype, (2,), 25),
         np.array([2, 2], np.int64))
    yield list(a) + list(a) + [np.array(3, dtype.np_dtype)], {}


register(OpDef("SparseAdd",
               shape=lambda ctx: [(None, rows_of(ctx, 0)[1]), (None,), (dim0(ctx, 2),)],
               dtype=lambda ctx: [_I64, ctx.dtypes[1], _I64],
               reference=_add_reference, host=host_of(_add_reference),
               dtypes=[Accepts("a_values", NUMERIC, input=1),
                       Accepts("thresh", NUMERIC, input=6)], samples=_add_samples,
               graphdef=NodeMapping(("a_indices", "a_values", "a_shape", "b_indices",
                                     "b_values", "b_shape", "thresh"),
                                    [TypeAttr("T", input=1), TypeAttr("Treal", input=6)])))


def _add_grad_reference(inputs, attrs):
    grad, a_ind, b_ind, sum_ind = inputs
    where = {tuple(r): k for k, r in enumerate(_ints(sum_ind).tolist())}
    out = []
    for ind in (a_ind, b_ind):
        g = np.zeros(len(ind), grad.dtype)
        for k, r in enumerate(_ints(ind).tolist()):
            at = where.get(tuple(r))
            if at is not None:
                g[k] = grad[at]
        out.append(g)
    return out


def _add_grad_samples(dtype):
    for inputs, _ in _pair_samples(dtypes.float64):
        sum_ind = _add_reference(inputs + [np.zeros(())], {})[0]
        yield [samples.values(dtype, (len(sum_ind),), 26), inputs[0], inputs[3], sum_ind], {}


register(OpDef("SparseAddGrad", shape=lambda ctx: [(dim0(ctx, 1),), (dim0(ctx, 2),)],
               dtype=lambda ctx: [ctx.dtypes[0]] * 2,
               reference=_add_grad_reference, host=host_of(_add_grad_reference),
               dtypes=[Accepts("backprop_val_grad", NUMERIC)], samples=_add_grad_samples,
               gradient=NOT_DIFFERENTIABLE,
               graphdef=NodeMapping(("backprop_val_grad", "a_indices", "b_indices",
                                     "sum_indices"), [TypeAttr("T", input=0)])))


@RegisterGradient("SparseAdd")
def _add_grad(op, *grads):
    """TF's: each operand's entries get the gradient of the sum's entry at
    their index (none where the sum dropped it)."""
    a_grad, b_grad = make_op(op.graph, "SparseAddGrad",
                             [grads[1], op.inputs[0], op.inputs[3], op.outputs[0]]).outputs
    a_grad.set_shape(op.inputs[1].shape)
    b_grad.set_shape(op.inputs[4].shape)
    return [None, a_grad, None, None, b_grad, None, None]


# ---- SparseTensorDenseAdd ---------------------------------------------------------

def _dense_add_reference(inputs, attrs):
    ind, val, shape, b = inputs
    ind, shape = _ints(ind), _ints(shape)
    check_components(ind, val, shape)
    if shape.size != b.ndim:
        raise invalid(f"Dimensions of the operands do not match: sparse rank {shape.size} vs "
                      f"dense rank {b.ndim}")
    for d in range(b.ndim):
        if shape[d] != b.shape[d]:
            raise invalid(f"Dimension {d} does not equal (no broadcasting is supported): "
                          f"sparse side {shape[d]} vs dense side {b.shape[d]}")
    out = np.array(b, copy=True)
    for k, r in enumerate(ind):
        if ((r < 0) | (r >= shape)).any():
            raise invalid(f"Index {k} is out of bounds of the dense shape")
        out[tuple(r)] += val[k]
    return [out]


def _dense_add_samples(dtype):
    a = sparse_sample(dtype, (3, 4), 6, 27)
    yield list(a) + [samples.values(dtype, (3, 4), 28)], {}
    ind, val, shape = sparse_sample(dtype, (2, 3, 2), 4, 29)
    yield [ind.astype(np.int32), val, shape.astype(np.int32),
           samples.values(dtype, (2, 3, 2), 30)], {}


register(OpDef("SparseTensorDenseAdd", shape=lambda ctx: [ctx.shapes[3]],
               dtype=lambda ctx: [ctx.dtypes[1]],
               reference=_dense_add_reference, host=host_of(_dense_add_reference),
               dtypes=[Accepts("a_values", NUMERIC, input=1),
                       Accepts("a_indices", _INDEX, input=0)], samples=_dense_add_samples,
               graphdef=NodeMapping(("a_indices", "a_values", "a_shape", "b"),
                                    [TypeAttr("T", input=1), TypeAttr("Tindices", input=0)])))


@RegisterGradient("SparseTensorDenseAdd")
def _dense_add_grad(op, grad):
    """TF's: the values get the gradient at their indices, the dense operand all of it."""
    return [None, gather_nd(grad, op.inputs[0]), None, grad]


def sparse_add(a, b, threshold=None, thresh=None):
    """Adds two tensors, at least one of each is a `SparseTensor`.

    Two SparseTensors give a SparseTensor (entries where both have one are
    summed, and dropped when the sum's magnitude is below `threshold`); a
    SparseTensor and a dense tensor give a dense tensor."""
    if threshold is None:
        threshold = 0 if thresh is None else thresh
    sparse = [isinstance(x, SparseTensor) for x in (a, b)]
    if not any(sparse):
        raise TypeError("At least one input should be SparseTensor; do you mean to use "
                        "tf.add()?")
    if all(sparse):
        a, b = as_sparse(a), as_sparse(b)
        if b.dtype != a.dtype:
            raise TypeError(f"Input a and b must have the same dtype: {a.dtype} vs {b.dtype}")
        a.shape.assert_is_compatible_with(b.shape)
        graph = a.graph
        real = a.dtype if a.dtype in NUMERIC else dtypes.float32
        thresh_t = to_tensor(graph, threshold, dtype=real, name="threshold")
        op = make_op(graph, "SparseAdd", [a.indices, a.values, a.dense_shape, b.indices,
                                          b.values, b.dense_shape, thresh_t], name="SparseAdd")
        return SparseTensor(*op.outputs)
    if sparse[1]:
        a, b = b, a
    graph = a.graph
    b = to_tensor(graph, b, dtype=a.dtype, name="b")
    return make_op(graph, "SparseTensorDenseAdd", [a.indices, a.values, a.dense_shape, b],
                   name="SparseTensorDenseAdd").outputs[0]


add = sparse_add


# ---- SparseTensorDenseMatMul --------------------------------------------------------

def _matmul_reference(inputs, attrs):
    ind, val, shape, b = inputs
    ind, shape = _ints(ind), _ints(shape)
    adj_a, adj_b = attrs.get("adjoint_a", False), attrs.get("adjoint_b", False)
    if shape.size != 2 or b.ndim != 2:
        raise invalid(f"Tensor 'a_shape' is not a vector of length 2: "
                      f"{shape_text(tuple(shape))}" if shape.size != 2 else
                      f"Tensor 'b' is not a matrix: {shape_text(b.shape)}")
    check_components(ind, val, shape, "Input")
    bm = b.T if adj_b else b
    rows, inner = (shape[1], shape[0]) if adj_a else (shape[0], shape[1])
    if bm.shape[0] != inner:
        raise invalid(f"Cannot multiply A and B because inner dimension does not match: "
                      f"{inner} vs. {bm.shape[0]}.  Did you forget a transpose?  Dimensions "
                      f"of A: [{shape[0]}, {shape[1]}).  Dimensions of B: "
                      f"{shape_text(b.shape)}")
    out = np.zeros((int(rows), bm.shape[1]), np.result_type(val.dtype, b.dtype))
    for k, (r, c) in enumerate(ind):
        m, kk = (c, r) if adj_a else (r, c)
        if not 0 <= m < rows:
            raise invalid(f"m ({m}) from index[{k},{1 if adj_a else 0}] out of bounds "
                          f"(>={rows})")
        if not 0 <= kk < inner:
            raise invalid(f"k ({kk}) from index[{k},{0 if adj_a else 1}] out of bounds "
                          f"(>={inner})")
        out[m] += val[k] * bm[kk]
    return [out.astype(b.dtype)]


def _matmul_shape(ctx):
    b = ctx.shapes[3]
    adj_a, adj_b = ctx.attrs.get("adjoint_a", False), ctx.attrs.get("adjoint_b", False)
    known = ctx.values[2]
    rows = None
    if known is not None and np.size(known) == 2:
        rows = int(np.asarray(known).reshape(-1)[1 if adj_a else 0])
    cols = None if b is None or len(b) != 2 else b[0 if adj_b else 1]
    return [(rows, cols)]


def _matmul_samples(dtype):
    for i, (adj_a, adj_b) in enumerate(((False, False), (True, False), (False, True),
                                        (True, True))):
        ind, val, shape = sparse_sample(dtype, (3, 4), 6, 31 + i)
        b_rows = 3 if adj_a else 4
        b = samples.values(dtype, (2, b_rows) if adj_b else (b_rows, 2), 35 + i)
        yield [ind, val, samples.known(shape), b], {"adjoint_a": adj_a, "adjoint_b": adj_b}


register(OpDef("SparseTensorDenseMatMul", shape=_matmul_shape,
               dtype=lambda ctx: [ctx.dtypes[1]],
               reference=_matmul_reference, host=host_of(_matmul_reference),
               dtypes=[Accepts("a_values", NUMERIC, input=1),
                       Accepts("a_indices", _INDEX, input=0)], samples=_matmul_samples,
               graphdef=NodeMapping(("a_indices", "a_values", "a_shape", "b"),
                                    [TypeAttr("T", input=1), TypeAttr("Tindices", input=0),
                                     Attr("adjoint_a", default=False),
                                     Attr("adjoint_b", default=False)])))


@RegisterGradient("SparseTensorDenseMatMul")
def _matmul_grad(op, grad):
    """TF's: b's gradient is op(A)' times the gradient; each value of A
    gets the dot product of the gradient's row and b's column it meets."""
    ind, val, shape, b = op.inputs
    adj_a, adj_b = op.get_attr("adjoint_a"), op.get_attr("adjoint_b")
    b_grad = make_op(op.graph, "SparseTensorDenseMatMul", [ind, val, shape, grad],
                     {"adjoint_a": not adj_a, "adjoint_b": False}).outputs[0]
    if adj_b:
        b_grad = transpose(b_grad)
    rows, cols = ind[:, 0], ind[:, 1]
    part_grad = gather(grad, cols if adj_a else rows)
    part_b = gather(transpose(b) if adj_b else b, rows if adj_a else cols)
    return [None, dense_reduce_sum(part_grad * part_b, axis=1), None, b_grad]


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """Multiply SparseTensor (or dense Matrix) (of rank 2) "A" by dense matrix
    (or SparseTensor) "B".

    Gives `op(A) op(B)` with `op` the (conjugate) transpose where
    `adjoint_a`/`adjoint_b` say so; when `b` is the SparseTensor, as
    `(op(B)' op(A)')'`."""
    if isinstance(b, SparseTensor) and not isinstance(sp_a, SparseTensor):
        graph = b.graph
        a = to_tensor(graph, sp_a, dtype=b.dtype, name="a")
        out = sparse_tensor_dense_matmul(b, a, adjoint_a=not adjoint_b,
                                         adjoint_b=not adjoint_a, name=name)
        return transpose(out)
    sp_a = as_sparse(sp_a)
    graph = sp_a.graph
    with graph.name_scope(name or "SparseTensorDenseMatMul"):
        b = to_tensor(graph, b, dtype=sp_a.dtype, name="b")
        return make_op(graph, "SparseTensorDenseMatMul",
                       [sp_a.indices, sp_a.values, sp_a.dense_shape, b],
                       {"adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)},
                       name="SparseTensorDenseMatMul").outputs[0]


matmul = sparse_tensor_dense_matmul
sparse_dense_matmul = sparse_tensor_dense_matmul


# ---- SparseDenseCwiseMul, Div, Add --------------------------------------------------

_CWISE = {"SparseDenseCwiseMul": np.multiply, "SparseDenseCwiseAdd": np.add,
          "SparseDenseCwiseDiv": None}


def _cwise_reference(op_type):
    def reference(inputs, attrs):
        ind, val, shape, dense = inputs
        ind, shape = _ints(ind), _ints(shape)
        check_components(ind, val, shape)
        if dense.ndim > shape.size or any(
                d != 1 and d != s for d, s in zip(dense.shape[::-1], shape[::-1])):
            raise invalid(f"SparseDenseBinaryOpShared broadcasts dense to sparse only; got "
                          f"incompatible shapes: [{','.join(str(d) for d in shape)}] vs. "
                          f"[{','.join(str(d) for d in dense.shape)}]")
        full = np.broadcast_to(dense, tuple(int(s) for s in shape))
        if len(ind) and (((ind < 0) | (ind >= shape)).any()):
            raise invalid("Provided indices are out-of-bounds w.r.t. dense side with "
                          f"broadcasted shape")
        picked = full[tuple(ind.T)] if shape.size else np.broadcast_to(full, (len(ind),))
        if op_type == "SparseDenseCwiseDiv":
            if val.dtype.kind in "iu":
                if (picked == 0).any():
                    raise invalid("Integer division by zero")
                return [(val // picked).astype(val.dtype)]
            with np.errstate(divide="ignore", invalid="ignore"):
                return [(val / picked).astype(val.dtype)]
        return [_CWISE[op_type](val, picked).astype(val.dtype)]
    return reference


def _cwise_samples(op_type):
    def generate(dtype):
        a = sparse_sample(dtype, (3, 4), 7, 41)
        for i, dense_shape in enumerate(((3, 4), (4,), (3, 1), ())):
            dense = samples.values(dtype, dense_shape, 42 + i)
            if op_type == "SparseDenseCwiseDiv":
                dense = np.where(dense == 0, np.ones_like(dense), dense)
                if dtype.is_floating:
                    dense = np.where(np.abs(dense) < 0.5, np.full_like(dense, 1.5), dense)
            yield list(a) + [dense], {}
    return generate


for _type in _CWISE:
    register(OpDef(_type, shape=lambda ctx: [(dim0(ctx, 1),)],
                   dtype=lambda ctx: [ctx.dtypes[1]],
                   reference=_cwise_reference(_type), host=host_of(_cwise_reference(_type)),
                   dtypes=[Accepts("sp_values", NUMERIC, input=1)],
                   samples=_cwise_samples(_type),
                   graphdef=NodeMapping(("sp_indices", "sp_values", "sp_shape", "dense"),
                                        [TypeAttr("T", input=1)])))


def _cwise_grad(op, grad, is_mul):
    """TF's: the values' gradient is the gradient times (or over) the dense
    values they met; the dense operand's, those products added up where
    broadcasting repeated a dense value."""
    x_ind, x_val, x_shape, y = op.inputs
    y_shape = cast(shape_of(y), _I64)
    added = size(x_shape) - size(y_shape)
    full_y_shape = concat([ones_(reshape(added, [1]), _I64), y_shape], 0)
    scaled = floordiv(x_ind, floordiv(x_shape, full_y_shape))
    scaled = scaled[:, added:]
    dense_vals = gather_nd(y, scaled)
    if is_mul:
        dx = grad * dense_vals
        dy_val = grad * x_val
    else:
        dx = grad / dense_vals
        dy_val = grad * (negative(x_val) / square(dense_vals))
    dy = make_op(op.graph, "SparseTensorDenseAdd",
                 [scaled, dy_val, y_shape, zeros_like(y)]).outputs[0]
    return [None, dx, None, dy]


RegisterGradient("SparseDenseCwiseMul")(lambda op, grad: _cwise_grad(op, grad, True))
RegisterGradient("SparseDenseCwiseDiv")(lambda op, grad: _cwise_grad(op, grad, False))


@RegisterGradient("SparseDenseCwiseAdd")
def _cwise_add_grad(op, grad):
    """TF's: not implemented."""
    raise NotImplementedError("Gradient for SparseDenseCwiseAdd is not implemented.")


def _cwise(op_type, sp, dense, name):
    graph = sp.graph
    dense = to_tensor(graph, dense, dtype=sp.dtype, name="dense")
    out = make_op(graph, op_type, [sp.indices, sp.values, sp.dense_shape, dense],
                  name=name or op_type).outputs[0]
    return SparseTensor(sp.indices, out, sp.dense_shape)


def sparse_dense_cwise_add(sp_t, dense_t):
    """A SparseTensor of `sp_t`'s entries plus `dense_t` (broadcast to its
    shape) at their indices: the implicit zeros stay zeros."""
    return _cwise("SparseDenseCwiseAdd", as_sparse(sp_t), dense_t, None)


def _sparse_mul(self, other):
    if isinstance(other, SparseTensor):
        raise TypeError("Multiplying two SparseTensors elementwise is not supported")
    return _cwise("SparseDenseCwiseMul", self, other, "mul")


def _sparse_div(self, other):
    if isinstance(other, SparseTensor):
        raise TypeError("Dividing two SparseTensors elementwise is not supported")
    return _cwise("SparseDenseCwiseDiv", self, other, "truediv")


# TF's operators of a SparseTensor with a dense tensor (sparse_ops.py's overrides).
SparseTensor.__mul__ = _sparse_mul
SparseTensor.__truediv__ = _sparse_div
SparseTensor.__div__ = _sparse_div


# ---- SparseReduceSum, SparseReduceMax (and Sparse outputs) ------------------------------

def _axes_of(axes, rank):
    axes = _ints(axes).reshape(-1)
    for a in axes:
        if not -rank <= a < rank:
            raise invalid(f"Invalid reduction dimension {a}, for input with {rank} dimensions.")
    return sorted(set(int(a) % rank for a in axes))


def _groups(inputs, attrs):
    """(kept index of each group, its entries, output dense shape) of a
    sparse reduction."""
    ind, val, shape, axes = inputs
    ind, shape = _ints(ind), _ints(shape)
    check_components(ind, val, shape)
    rank = shape.size
    axes = _axes_of(axes, rank)
    keep_dims = attrs.get("keep_dims", False)
    kept = [d for d in range(rank) if d not in axes]
    key = ind.copy()
    key[:, axes] = 0
    out_shape = shape.copy()
    out_shape[axes] = 1
    order = lex_order(key)
    groups = {}
    for k in order:
        groups.setdefault(tuple(key[k].tolist()), []).append(k)
    if not keep_dims:
        out_shape = out_shape[kept]
    return groups, kept, keep_dims, out_shape


def _reduce(values, entries, op_type):
    part = values[entries]
    return part.sum() if "Sum" in op_type else part.max()


def _reduce_reference(op_type):
    def reference(inputs, attrs):
        groups, kept, keep_dims, out_shape = _groups(inputs, attrs)
        values = inputs[1]
        if op_type.endswith("Sparse"):
            keys = list(groups)
            ind = np.array([k if keep_dims else [k[d] for d in kept] for k in keys],
                           np.int64).reshape(len(keys), out_shape.size)
            val = np.array([_reduce(values, groups[k], op_type) for k in keys],
                           values.dtype).reshape(len(keys))
            return [ind, val, out_shape]
        out = np.zeros(tuple(int(d) for d in out_shape), values.dtype)
        for k, entries in groups.items():
            at = k if keep_dims else tuple(k[d] for d in kept)
            out[at] = _reduce(values, entries, op_type)
        return [out]
    return reference


def _reduce_shape(ctx):
    shape, axes = ctx.values[2], ctx.values[3]
    keep = ctx.attrs.get("keep_dims", False)
    rank = dim0(ctx, 2)
    if shape is not None and axes is not None:
        shape = _ints(shape)
        try:
            drop = _axes_of(axes, shape.size)
        except Exception:  # noqa: BLE001 - the kernel raises TF's error when run
            return [None]
        dims = [1 if d in drop else int(shape[d]) for d in range(shape.size)] if keep else \
            [int(shape[d]) for d in range(shape.size) if d not in drop]
        return [tuple(dims)]
    if keep and rank is not None:
        return [(None,) * rank]
    return [None]


def _reduce_sparse_shape(ctx):
    out = _reduce_shape(ctx)[0]
    rank = None if out is None else len(out)
    return [(None, rank), (None,), (rank,)]


def _reduce_samples(dtype):
    ind, val, shape = sparse_sample(dtype, (3, 4, 2), 9, 51)
    for i, (axes, keep) in enumerate((([1], False), ([0, 2], True), ([-1], False),
                                      ([0, 1, 2], False), ([], True))):
        yield [ind, val, samples.known(shape), samples.known(np.array(axes, np.int32))], \
            {"keep_dims": keep}


_REDUCTIONS = {"SparseReduceSum": NUMERIC, "SparseReduceSumSparse": NUMERIC,
               "SparseReduceMax": NUMERIC, "SparseReduceMaxSparse": NUMERIC}
for _type, _allowed in _REDUCTIONS.items():
    _sparse_out = _type.endswith("Sparse")
    register(OpDef(_type, shape=_reduce_sparse_shape if _sparse_out else _reduce_shape,
                   dtype=(lambda ctx: [_I64, ctx.dtypes[1], _I64]) if _sparse_out else
                   (lambda ctx: [ctx.dtypes[1]]),
                   reference=_reduce_reference(_type), host=host_of(_reduce_reference(_type)),
                   dtypes=[Accepts("input_values", _allowed, input=1)],
                   samples=_reduce_samples,
                   gradient=None if _type == "SparseReduceSum" else NOT_DIFFERENTIABLE,
                   graphdef=NodeMapping(("input_indices", "input_values", "input_shape",
                                         "reduction_axes"),
                                        [Attr("keep_dims", default=False),
                                         TypeAttr("T", input=1)])))


@RegisterGradient("SparseReduceSum")
def _reduce_sum_grad(op, grad):
    """TF's: each value gets the gradient of the output cell it was added
    to (its index with the reduced dims at 0)."""
    ind, _, shape, axes = op.inputs
    rank = size(shape)
    axes = floormod(cast(axes, dtypes.int32) + rank, rank)
    reduced = reduce_any(equal(reshape(range_(rank), [-1, 1]), reshape(axes, [1, -1])), axis=1)
    kept_shape = where_v2(reduced, ones_like(shape), shape)
    scale = floordiv(shape, kept_shape)
    return [None, gather_nd(reshape(grad, kept_shape), floordiv(ind, scale)), None, None]


def _reduction_axes(sp, axis, reduction_axes):
    if axis is None:
        axis = reduction_axes
    if axis is None:
        rank = sp.shape.rank
        if rank is not None:
            return list(range(rank))
        return range_(size(sp.dense_shape))
    return axis


def _keep(keepdims, keep_dims):
    if keepdims is not None and keep_dims is not None:
        raise ValueError("Cannot specify both 'keep_dims' and 'keepdims'")
    return bool(keepdims if keepdims is not None else keep_dims)


def _reduction(op_type, sp_input, axis, keepdims, reduction_axes, keep_dims, name):
    sp = as_sparse(sp_input)
    graph = sp.graph
    axes = _reduction_axes(sp, axis, reduction_axes)
    axes = axes if isinstance(axes, Tensor) else to_tensor(
        graph, np.asarray(axes, np.int32).reshape(-1), dtype=dtypes.int32,
        name="reduction_axes")
    op = make_op(graph, op_type, [sp.indices, sp.values, sp.dense_shape, cast(axes, dtypes.int32)
                                  if axes.dtype != dtypes.int32 else axes],
                 {"keep_dims": _keep(keepdims, keep_dims)}, name=name or op_type)
    return SparseTensor(*op.outputs) if op_type.endswith("Sparse") else op.outputs[0]


def sparse_reduce_sum(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None,
                      name=None):
    """Computes `tf.sparse.add` of elements across dimensions of a SparseTensor.

    Reduces `sp_input` along the dimensions in `axis` (all when None),
    giving a dense tensor; the reduced dims are dropped unless `keepdims`."""
    return _reduction("SparseReduceSum", sp_input, axis, keepdims, reduction_axes, keep_dims,
                      name)


def sparse_reduce_sum_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None, name=None):
    """Computes the sum of elements across dimensions of a SparseTensor,
    as a SparseTensor with one entry per output cell that had an input."""
    return _reduction("SparseReduceSumSparse", sp_input, axis, keepdims, reduction_axes,
                      keep_dims, name)


def sparse_reduce_max(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None,
                      name=None):
    """Computes `tf.sparse.maximum` of elements across dimensions of a SparseTensor.

    The maximum of the values present (implicit zeros are not counted);
    output cells without any input value are 0."""
    return _reduction("SparseReduceMax", sp_input, axis, keepdims, reduction_axes, keep_dims,
                      name)


def sparse_reduce_max_sparse(sp_input, axis=None, keepdims=None, reduction_axes=None,
                             keep_dims=None, name=None):
    """Computes the max of elements across dimensions of a SparseTensor,
    as a SparseTensor with one entry per output cell that had an input."""
    return _reduction("SparseReduceMaxSparse", sp_input, axis, keepdims, reduction_axes,
                      keep_dims, name)


reduce_sum = sparse_reduce_sum
reduce_sum_sparse = sparse_reduce_sum_sparse
reduce_max = sparse_reduce_max
reduce_max_sparse = sparse_reduce_max_sparse


# ---- SparseSoftmax ------------------------------------------------------------------------

def _softmax_reference(inputs, attrs):
    ind, val, shape = inputs
    ind, shape = _ints(ind), _ints(shape)
    check_components(ind, val, shape)
    if shape.size < 2:
        raise invalid(f"Input should have rank >= 2, but received shape: "
                      f"{shape_text(tuple(shape))}")
    out = np.zeros_like(val)
    groups = {}
    for k, r in enumerate(ind[:, :-1].tolist()):
        groups.setdefault(tuple(r), []).append(k)
    for entries in groups.values():
        v = val[entries]
        e = np.exp(v - v.max())
        out[entries] = e / e.sum()
    return [out]


def _softmax_samples(dtype):
    yield list(sparse_sample(dtype, (3, 4), 7, 61)), {}
    yield list(sparse_sample(dtype, (2, 2, 3), 8, 62)), {}


register(OpDef("SparseSoftmax", shape=lambda ctx: [(dim0(ctx, 1),)],
               dtype=lambda ctx: [ctx.dtypes[1]],
               reference=_softmax_reference, host=host_of(_softmax_reference),
               dtypes=[Accepts("sp_values", FLOATS, input=1)], samples=_softmax_samples,
               graphdef=NodeMapping(("sp_indices", "sp_values", "sp_shape"),
                                    [TypeAttr("T", input=1)])))


@RegisterGradient("SparseSoftmax")
def _softmax_grad(op, grad):
    """TF's: SoftmaxGrad over the entries present, (g - sum(g y)) y, the
    sum taken over each row of the last dim."""
    ind, _, shape = op.inputs
    y = op.outputs[0]
    graph = op.graph
    summed = make_op(graph, "SparseReduceSum", [ind, grad * y, shape,
                                                to_tensor(graph, np.array([-1], np.int32))],
                     {"keep_dims": True}).outputs[0]
    shifted = make_op(graph, "SparseDenseCwiseAdd", [ind, grad, shape, negative(summed)]
                      ).outputs[0]
    return [None, shifted * y, None]


def sparse_softmax(sp_input, name=None):
    """Applies softmax to a batched N-D `SparseTensor`.

    The softmax of each row of the innermost dim, taken over the entries
    present only (implicit zeros take no part and stay zeros)."""
    sp = as_sparse(sp_input)
    out = make_op(sp.graph, "SparseSoftmax", [sp.indices, sp.values, sp.dense_shape],
                  name=name or "SparseSoftmax").outputs[0]
    return SparseTensor(sp.indices, out, sp.dense_shape)


softmax = sparse_softmax


# ---- SparseSparseMaximum, SparseSparseMinimum ---------------------------------------------

def _extremum_reference(pick):
    def reference(inputs, attrs):
        a_ind, a_val, a_shape, b_ind, b_val, b_shape = inputs
        a_ind, a_shape, b_ind, b_shape = (_ints(x) for x in (a_ind, a_shape, b_ind, b_shape))
        check_components(a_ind, a_val, a_shape)
        check_components(b_ind, b_val, b_shape)
        _same_shapes(a_shape, b_shape)
        zero = np.zeros((), a_val.dtype)
        ind, val = [], []
        for i, j in _merge(a_ind, b_ind):
            ind.append(a_ind[i] if i is not None else b_ind[j])
            # An entry missing from one operand is its implicit zero.
            val.append(pick(a_val[i] if i is not None else zero,
                            b_val[j] if j is not None else zero))
        return [np.array(ind, np.int64).reshape(len(ind), a_shape.size),
                np.array(val, a_val.dtype).reshape(len(val))]
    return reference


for _type, _pick in (("SparseSparseMaximum", np.maximum), ("SparseSparseMinimum", np.minimum)):
    register(OpDef(_type, shape=lambda ctx: [(None, rows_of(ctx, 0)[1]), (None,)],
                   dtype=lambda ctx: [_I64, ctx.dtypes[1]],
                   reference=_extremum_reference(_pick), host=host_of(_extremum_reference(_pick)),
                   dtypes=[Accepts("a_values", NUMERIC, input=1)], samples=_pair_samples,
                   gradient=NOT_DIFFERENTIABLE,
                   graphdef=NodeMapping(("a_indices", "a_values", "a_shape", "b_indices",
                                         "b_values", "b_shape"), [TypeAttr("T", input=1)])))


def _extremum(op_type, sp_a, sp_b, name):
    a, b = as_sparse(sp_a), as_sparse(sp_b)
    op = make_op(a.graph, op_type, [a.indices, a.values, a.dense_shape, b.indices, b.values,
                                    b.dense_shape], name=name or op_type)
    return SparseTensor(op.outputs[0], op.outputs[1], a.dense_shape)


def sparse_maximum(sp_a, sp_b, name=None):
    """Returns the element-wise max of two SparseTensors.

    Both must have the same shape and be in row-major order; the result
    has an entry wherever either has one (the other's implicit zero taking
    part)."""
    return _extremum("SparseSparseMaximum", sp_a, sp_b, name)


def sparse_minimum(sp_a, sp_b, name=None):
    """Returns the element-wise min of two SparseTensors (as `maximum`)."""
    return _extremum("SparseSparseMinimum", sp_a, sp_b, name)


maximum = sparse_maximum
minimum = sparse_minimum
