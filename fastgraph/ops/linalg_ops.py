"""Matrix products: matmul (MatMul for two matrices, BatchMatMulV2 for
batches with broadcast batch dims), run through BLAS sgemm/dgemm."""

import numpy as np

from ..framework import dtypes
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import make_op, to_tensors_like
from .broadcast import broadcast_shapes, lower_broadcast
from .elementwise import sum_to_input

__all__ = ["matmul"]

MATH = ["matmul"]
LINALG = ["matmul"]

_MATMUL_DTYPES = (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64)
_COL_UNIT = 16  # COL_UNIT in csrc/kernels/linalg.c


def _matrix_dims(shape, transpose):
    """(rows, cols) of op(matrix) for a [..., r, c] shape."""
    r, c = shape[-2], shape[-1]
    return (c, r) if transpose else (r, c)


def _matmul_shape(op_type, ctx):
    a, b = ctx.shapes
    ta, tb = ctx.attrs["transpose_a"], ctx.attrs["transpose_b"]
    if a is None or b is None:
        return [None]
    for s in (a, b):
        if op_type == "MatMul" and len(s) != 2:
            raise ValueError(f"Shape must be rank 2 but is rank {len(s)} for '{op_type}' with "
                             f"input shapes: {_fmt(a)}, {_fmt(b)}.")
        if len(s) < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {len(s)} for "
                             f"'{op_type}' with input shapes: {_fmt(a)}, {_fmt(b)}.")
    m, ka = _matrix_dims(a, ta)
    kb, n = _matrix_dims(b, tb)
    if ka is not None and kb is not None and ka != kb:
        raise ValueError(f"Dimensions must be equal, but are {ka} and {kb} for '{op_type}' "
                         f"with input shapes: {_fmt(a)}, {_fmt(b)}.")
    batch = broadcast_shapes([tuple(a[:-2]), tuple(b[:-2])], f"'{op_type}'")
    return [tuple(batch) + (m, n)]


def _matmul_lower(ctx):
    a, b = ctx.shapes
    ta, tb = ctx.attrs["transpose_a"], ctx.attrs["transpose_b"]
    m, k = _matrix_dims(a, ta)
    n = _matrix_dims(b, tb)[1]
    batch = tuple(ctx.out_shapes[0][:-2])
    walker = lower_broadcast(batch, [tuple(a[:-2]), tuple(b[:-2])])
    # Shares split the bigger side: columns when op(B) is the bigger operand
    # (a small batch through a wide layer), so each share packs only its part.
    split_cols = int(n > m and n >= 2 * _COL_UNIT)
    # The last word is the GEMM epilogue (compiler/epilogue.py sets it).
    return [m, n, k, int(ta), int(tb), split_cols] + walker + [0], None


def _np_matmul(inputs, attrs):
    a, b = inputs
    if attrs["transpose_a"]:
        a = np.swapaxes(a, -1, -2)
    if attrs["transpose_b"]:
        b = np.swapaxes(b, -1, -2)
    if a.dtype.kind == "f":
        out = np.matmul(a.astype(np.float64), b.astype(np.float64))
    else:
        out = np.matmul(a, b)
    return [np.asarray(out).astype(a.dtype)]


# BLAS does ~16 multiply-adds in the time an elementwise kernel writes one
# output: shares are sized by m n k / 16 element-equivalents.
_MACS_PER_ELEMENT = 16


def _matmul_work(ctx):
    m, k = _matrix_dims(ctx.shapes[0], ctx.attrs["transpose_a"])
    return int(np.prod(ctx.out_shapes[0], dtype=np.int64)) * k // _MACS_PER_ELEMENT


# TF's BatchMatMul (before V2) does not broadcast batch dims: the same NodeDef
# reads as V2, which agrees wherever V1 is defined.
_MATMUL_NODES = {
    "MatMul": NodeMapping(("a", "b"), [TypeAttr("T", input=0),
                                       Attr("transpose_a", default=False),
                                       Attr("transpose_b", default=False)]),
    "BatchMatMulV2": NodeMapping(("x", "y"), [TypeAttr("T", input=0),
                                              Attr("adj_x", "transpose_a", default=False),
                                              Attr("adj_y", "transpose_b", default=False)],
                                 aliases=("BatchMatMul",)),
}

for _type in ("MatMul", "BatchMatMulV2"):
    register(OpDef(_type, shape=lambda ctx, t=_type: _matmul_shape(t, ctx), dtype=lambda ctx: [ctx.dtypes[0]],
                   kernel="matmul", lower=_matmul_lower, reference=_np_matmul,
                   parallel=True, work=_matmul_work,
                   dtypes=[Accepts("a" if _type == "MatMul" else "x", _MATMUL_DTYPES)],
                   samples=samples.matmul if _type == "MatMul" else samples.batch_matmul,
                   graphdef=_MATMUL_NODES[_type]))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Multiplies matrix `a` by matrix `b`, producing `a` * `b`.

    The inputs must, following any transpositions, be tensors of rank >= 2
    where the inner 2 dimensions specify valid matrix multiplication
    dimensions, and any further outer dimensions specify matching batch
    size (broadcast as in NumPy). Both matrices must be of the same type:
    float32, float64, int32 or int64. `adjoint_a`/`adjoint_b` are
    `transpose_a`/`transpose_b` for real types.
    """
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if transpose_b and adjoint_b:
        raise ValueError("Only one of transpose_b and adjoint_b can be True.")
    if output_type is not None:
        raise NotImplementedError("matmul output_type is only for int8 inputs, which "
                                  "fastgraph does not multiply")
    graph, (x, y) = to_tensors_like([a, b], "MatMul", ("a", "b"))
    ranks = (x.shape.rank, y.shape.rank)
    op_type = "MatMul" if ranks == (2, 2) else "BatchMatMulV2"
    attrs = {"transpose_a": bool(transpose_a or adjoint_a),
             "transpose_b": bool(transpose_b or adjoint_b)}
    return make_op(graph, op_type, [x, y], attrs, name=name or op_type).outputs[0]



# ---- gradients ----------------------------------------------------------------
# TF's _MatMulGrad and _BatchMatMulV2 (math_grad.py): for each combination of
# transposes, the two products that give d(op(a) op(b)) / da and / db.

def _matmul_grads(op, grad):
    a, b = op.inputs
    ta, tb = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    if not ta and not tb:
        return matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)
    if not ta and tb:
        return matmul(grad, b), matmul(grad, a, transpose_a=True)
    if ta and not tb:
        return matmul(b, grad, transpose_b=True), matmul(a, grad)
    return (matmul(b, grad, transpose_a=True, transpose_b=True),
            matmul(grad, a, transpose_a=True, transpose_b=True))


@RegisterGradient("MatMul")
def _matmul_grad(op, grad):
    return list(_matmul_grads(op, grad))


@RegisterGradient("BatchMatMulV2")
def _batch_matmul_grad(op, grad):
    """As MatMul's, each summed over the batch dims its input was broadcast
    along (BroadcastGradientArgs on the batch shapes when they are known only
    at run time; the matrix dims of each gradient are its input's)."""
    a, b = op.inputs
    grad_a, grad_b = _matmul_grads(op, grad)
    return [sum_to_input(grad_a, a, [_batch_only(b)]), sum_to_input(grad_b, b, [_batch_only(a)])]


def _batch_only(x):
    """x's shape with its matrix dims as 1s: what it broadcasts the other
    operand's batch dims with."""
    dims = x.shape.as_tuple()
    return None if dims is None else tuple(dims[:-2]) + (1, 1)
