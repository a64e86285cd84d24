"""tf.linalg's functions built from existing ops (TF's math_ops,
special_math_ops and linalg_ops): tensordot, einsum and eye, and the
tf.linalg alias of l2_normalize; trace and matrix_transpose, and TF1's
tensor-rank diag and diag_part, from the matrix diagonal ops.

tensordot and einsum are rewritten, as TF's Python does, into transposes,
reshapes and one (batched) matmul, so the product runs through BLAS. Dims
unknown at build time are read with tf.shape, which the compiler knows
once the feeds' shapes are. eye's sizes decide its output's shape, so they
must be known when the plan is compiled, as every shape in fastgraph.
"""

import numbers
import string

import numpy as np

from ..framework import dtypes
from ..framework.graph import Tensor
from ..framework.op_registry import register_graphdef_translation
from ..ops.arguments import graph_of, scope_of, to_tensor
from ..ops.array_ops import broadcast_to, concat, expand_dims, reshape, shape, transpose
from ..ops.elementwise import cast, equal
from ..ops.indexing_ops import range as _range
from ..ops.linalg_ops import matmul, matrix_diag, matrix_diag_part
from ..ops.reduction_ops import reduce_prod, reduce_sum

__all__ = ["tensordot", "einsum", "eye", "trace", "matrix_transpose", "diag", "diag_part"]

LINALG = ["tensordot", "einsum", "eye", "trace", "matrix_transpose"]


def _dims(x, axes):
    """The sizes of `axes` of x: Python ints when known, else tensors."""
    static = x.shape.as_tuple()
    dyn = None
    out = []
    for a in axes:
        if static[a] is not None:
            out.append(static[a])
        else:
            dyn = shape(x) if dyn is None else dyn
            out.append(dyn[a])
    return out


def _product(dims):
    """The product of `dims` (ints or scalar tensors) as an int or a tensor."""
    if all(isinstance(d, int) for d in dims):
        return int(np.prod(dims, dtype=np.int64))
    return reduce_prod(list(dims))


def _rank(x, what):
    rank = x.shape.rank
    if rank is None:
        raise ValueError(f"{what} needs a tensor of known rank, got {x}")
    return rank


def _norm_axes(axes, rank, what):
    out = []
    for a in axes:
        a = int(a)
        if not -rank <= a < rank:
            raise ValueError(f"{what} axis {a} is out of range for a tensor of rank {rank}")
        out.append(a % rank)
    return out


def tensordot(a, b, axes, name=None):
    """Tensor contraction of a and b along specified axes and outer product.

    `axes` is a scalar N (the last N axes of `a` against the first N of
    `b`) or a pair of lists `[a_axes, b_axes]` of equal length. The result
    has the free axes of `a`, then those of `b`.
    """
    graph = graph_of([a, b])
    with graph.as_default():
        a, b = to_tensor(graph, a), to_tensor(graph, b)
        ra, rb = _rank(a, "tensordot"), _rank(b, "tensordot")
        if isinstance(axes, (int, np.integer)):
            n = int(axes)
            if n < 0 or n > min(ra, rb):
                raise ValueError(f"'axes' must be at most the rank of a and b, got {n}")
            a_axes, b_axes = list(range(ra - n, ra)), list(range(n))
        else:
            a_axes, b_axes = axes
            a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
            b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
            if len(a_axes) != len(b_axes):
                raise ValueError(f"Different number of contraction axes 'a' and 'b', "
                                 f"{len(a_axes)} != {len(b_axes)}.")
            a_axes = _norm_axes(a_axes, ra, "tensordot")
            b_axes = _norm_axes(b_axes, rb, "tensordot")
        free_a = [i for i in range(ra) if i not in a_axes]
        free_b = [i for i in range(rb) if i not in b_axes]
        free_a_dims, free_b_dims = _dims(a, free_a), _dims(b, free_b)
        a2 = reshape(_maybe_transpose(a, free_a + a_axes),
                     [_product(free_a_dims), _product(_dims(a, a_axes))])
        b2 = reshape(_maybe_transpose(b, b_axes + free_b),
                     [_product(_dims(b, b_axes)), _product(free_b_dims)])
        return reshape(matmul(a2, b2), free_a_dims + free_b_dims, name=name or "Tensordot")


def _maybe_transpose(x, perm):
    return x if list(perm) == list(range(len(perm))) else transpose(x, perm)


# ---- einsum ------------------------------------------------------------------------

def _parse(equation, n_inputs):
    eq = equation.replace(" ", "")
    if "." in eq:
        raise NotImplementedError("einsum with an ellipsis ('...') is not supported")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs = eq
        counts = {}
        for c in lhs.replace(",", ""):
            counts[c] = counts.get(c, 0) + 1
        out = "".join(sorted(c for c, k in counts.items() if k == 1))
    ins = lhs.split(",")
    if len(ins) != n_inputs:
        raise ValueError(f"Expected {len(ins)} inputs for equation {equation!r}, "
                         f"got {n_inputs}")
    for term in ins + [out]:
        if any(c not in string.ascii_letters for c in term):
            raise ValueError(f"Invalid einsum equation {equation!r}")
        if len(set(term)) != len(term):
            raise NotImplementedError(f"einsum with a repeated index within one operand "
                                      f"({term!r}) is not supported")
    for c in out:
        if not any(c in t for t in ins):
            raise ValueError(f"Output index {c!r} of {equation!r} appears in no input")
    return ins, out


def _sum_out(x, labels, keep):
    """x with the axes whose labels are not in `keep` summed away."""
    drop = [i for i, c in enumerate(labels) if c not in keep]
    if not drop:
        return x, labels
    return reduce_sum(x, axis=drop), "".join(c for c in labels if c in keep)


def einsum(equation, *inputs, **kwargs):
    """Tensor contraction over specified indices and outer product.

    Supports one or two operands with explicit subscripts (and the implicit
    output of NumPy's rules): transposes, sums over indices that leave,
    batch indices shared by both operands and the output, and contractions,
    which run as one batched matmul. Ellipses and repeated indices within
    an operand (diagonals) raise NotImplementedError.
    """
    kwargs.pop("name", None)  # TF's name scope: the ops keep their own names here
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for einsum: {', '.join(kwargs)}")
    if len(inputs) not in (1, 2):
        raise NotImplementedError("einsum takes one or two operands here")
    graph = graph_of(inputs)
    with graph.as_default():
        xs = [to_tensor(graph, x) for x in inputs]
        ins, out = _parse(equation, len(xs))
        for x, term in zip(xs, ins):
            if _rank(x, "einsum") != len(term):
                raise ValueError(f"Input {x.name} has rank {x.shape.rank} but subscripts "
                                 f"{term!r} name {len(term)} axes")
        if len(xs) == 1:
            x, labels = _sum_out(xs[0], ins[0], out)
            return _maybe_transpose(x, [labels.index(c) for c in out])
        a, la, b, lb = xs[0], ins[0], xs[1], ins[1]
        # Indices in one operand only and not in the output are summed first.
        a, la = _sum_out(a, la, set(out) | set(lb))
        b, lb = _sum_out(b, lb, set(out) | set(la))
        batch = [c for c in la if c in lb and c in out]
        contract = [c for c in la if c in lb and c not in out]
        free_a = [c for c in la if c not in lb]
        free_b = [c for c in lb if c not in la]
        dims = dict(zip(la, _dims(a, range(len(la)))))
        dims.update(zip(lb, _dims(b, range(len(lb)))))
        a3 = reshape(_maybe_transpose(a, [la.index(c) for c in batch + free_a + contract]),
                     [_product([dims[c] for c in batch]), _product([dims[c] for c in free_a]),
                      _product([dims[c] for c in contract])])
        b3 = reshape(_maybe_transpose(b, [lb.index(c) for c in batch + contract + free_b]),
                     [_product([dims[c] for c in batch]), _product([dims[c] for c in contract]),
                      _product([dims[c] for c in free_b])])
        labels = batch + free_a + free_b
        y = reshape(matmul(a3, b3), [dims[c] for c in labels])
        return _maybe_transpose(y, [labels.index(c) for c in out])


# ---- eye ---------------------------------------------------------------------------

def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32, name=None):
    """Construct an identity matrix, or a batch of matrices.

    ```python
    # Construct one identity matrix.
    tf.eye(2)
    ==> [[1., 0.],
         [0., 1.]]

    # Construct a batch of 3 identity matrices, each 2 x 2.
    # batch_identity[i, :, :] is a 2 x 2 identity matrix, i = 0, 1, 2.
    batch_identity = tf.eye(2, batch_shape=[3])

    # Construct one 2 x 3 "identity" matrix
    tf.eye(2, num_columns=3)
    ==> [[ 1.,  0.,  0.],
         [ 0.,  1.,  0.]]
    ```

    Args:
      num_rows: Non-negative `int32` scalar `Tensor` giving the number of rows
        in each batch matrix.
      num_columns: Optional non-negative `int32` scalar `Tensor` giving the number
        of columns in each batch matrix.  Defaults to `num_rows`.
      batch_shape:  A list or tuple of Python integers or a 1-D `int32` `Tensor`.
        If provided, the returned `Tensor` will have leading batch dimensions of
        this shape.
      dtype:  The type of an element in the resulting `Tensor`
      name:  A name for this `Op`.  Defaults to "eye".

    Returns:
      A `Tensor` of shape `batch_shape + [num_rows, num_columns]`
    """
    graph, scope = scope_of([num_rows, num_columns, batch_shape], name, "eye")
    with graph.as_default(), scope:
        num_columns = num_rows if num_columns is None else num_columns
        if not isinstance(num_rows, Tensor) and not isinstance(num_columns, Tensor):
            if not isinstance(num_rows, numbers.Integral) or \
                    not isinstance(num_columns, numbers.Integral):
                raise TypeError("Arguments `num_rows` and `num_columns` must be positive "
                                f"integer values. Received: num_rows={num_rows}, "
                                f"num_columns={num_columns}")
        rows = _range(0, num_rows, 1, dtype=dtypes.int32)
        cols = _range(0, num_columns, 1, dtype=dtypes.int32)
        matrix = cast(equal(expand_dims(rows, 1), cols), dtype)
        if batch_shape is None:
            return matrix
        if isinstance(batch_shape, Tensor):
            full = concat([cast(batch_shape, dtypes.int32), shape(matrix)], 0)
        else:
            full = list(batch_shape) + matrix.shape.as_list()
        return broadcast_to(matrix, full)


# TF's Einsum op, read from GraphDefs as this composite.
register_graphdef_translation("Einsum", lambda inputs, attrs, name: einsum(
    attrs["equation"], *inputs, name=name))


def trace(x, name=None):
    """Compute the trace of a tensor `x`.

    `trace(x)` returns the sum along the main diagonal of each inner-most
    matrix in x: for x of shape [..., M, N] the output has shape [...].
    """
    graph, scope = scope_of([x], name, "Trace")
    with graph.as_default(), scope:
        return reduce_sum(matrix_diag_part(to_tensor(graph, x)), axis=-1)


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Transposes last two dimensions of tensor `a`.

    For `a` of shape [..., M, N] the result has shape [..., N, M];
    `conjugate` changes nothing for the real types fastgraph has.
    """
    graph = graph_of([a])
    x = to_tensor(graph, a)
    rank = _rank(x, "matrix_transpose")
    if rank < 2:
        raise ValueError(f"Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: "
                         f"{x.shape}")
    return transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2], name=name)


def _flat_size(x, what):
    dims = x.shape.as_tuple()
    if dims is None:
        raise ValueError(f"{what} needs a tensor of known rank, got {x}")
    return dims


def diag(diagonal, name=None):
    """Returns a diagonal tensor with a given diagonal values (TF1's tf.diag).

    For `diagonal` of shape [D1, ..., Dk] the output has shape
    [D1, ..., Dk, D1, ..., Dk], with output[i1, ..., ik, i1, ..., ik] =
    diagonal[i1, ..., ik] and zeros elsewhere.
    """
    graph, scope = scope_of([diagonal], name, "Diag")
    with graph.as_default(), scope:
        d = to_tensor(graph, diagonal)
        _flat_size(d, "diag")
        s = shape(d)
        square = matrix_diag(reshape(d, [-1]))
        return reshape(square, concat([s, s], 0))


def diag_part(input, name=None):  # noqa: A002 - TF's name
    """Returns the diagonal part of the tensor (TF1's tf.diag_part).

    For `input` of shape [D1, ..., Dk, D1, ..., Dk] the output has shape
    [D1, ..., Dk] with output[i1, ..., ik] = input[i1, ..., ik, i1, ..., ik].
    """
    graph, scope = scope_of([input], name, "DiagPart")
    with graph.as_default(), scope:
        x = to_tensor(graph, input)
        dims = _flat_size(x, "diag_part")
        if len(dims) % 2:
            raise ValueError(f"Input must have even rank, got rank {len(dims)} for "
                             f"'DiagPart' with input shape {x.shape}")
        half = len(dims) // 2
        s = shape(x)[:half] if half else []
        square = reshape(x, [reduce_prod(shape(x)[:half]) if half else 1, -1])
        return reshape(matrix_diag_part(square), s if half else [])
