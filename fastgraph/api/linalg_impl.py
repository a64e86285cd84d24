"""tf.linalg's functions that TF builds in Python from the decomposition
ops (TF's linalg_impl.py and linalg_ops.py): norm, cross, cholesky_solve,
logdet, pinv, matrix_rank, matvec, normalize, adjoint and the LU helpers
(lu_solve, lu_reconstruct, lu_matrix_inverse)."""

import numpy as np

from ..framework import dtypes
from ..ops.arguments import scope_of, to_tensor
from ..ops.array_ops import expand_dims, shape, squeeze, stack, transpose as _transpose, unstack
from ..ops.decomposition_ops import cholesky, matrix_triangular_solve, svd
from ..ops.elementwise import abs as _abs, cast, greater, log, multiply, pow as _pow, \
    realdiv, reciprocal, select_v2, sqrt, square, subtract
from ..ops.indexing_ops import one_hot, ones_like, zeros_like
from ..ops.linalg_ops import matmul, matrix_band_part, matrix_diag, matrix_diag_part, \
    matrix_set_diag
from ..ops.reduction_ops import reduce_max, reduce_sum
from .linalg_ops import diag, diag_part, matrix_transpose

__all__ = ["norm", "cross", "cholesky_solve"]
LINALG = ["norm", "cross", "cholesky_solve", "logdet", "pinv", "matrix_rank", "matvec",
          "normalize", "adjoint", "lu_solve", "lu_reconstruct", "lu_matrix_inverse",
          "tensor_diag", "tensor_diag_part", "transpose"]
MATH = ["cross"]


def _is_matrix_axis(axis):
    return isinstance(axis, (tuple, list)) and len(axis) == 2


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None,  # noqa: A002
         keep_dims=None):
    """Computes the norm of vectors, matrices, and tensors.

    `ord` is 'euclidean' (the default), 'fro', 1, 2, np.inf or any p >= 1
    for vectors; 'fro', 'euclidean', 1, 2 or np.inf for matrices (`axis` a
    pair). With `axis=None` the tensor is a vector. `keepdims` keeps the
    reduced dims as 1s.
    """
    keepdims = bool(keep_dims if keepdims is None else keepdims)
    graph, scope = scope_of([tensor], name, "norm")
    with graph.as_default(), scope:
        x = to_tensor(graph, tensor)
        if _is_matrix_axis(axis):
            rank = x.shape.rank
            rows, cols = (a % rank for a in axis)
            if rows == cols:
                raise ValueError(f"'axis' must be a list of two distinct ints, got {axis}")
            if ord in ("euclidean", "fro"):
                return sqrt(reduce_sum(square(x), axis=[rows, cols], keepdims=keepdims))
            if ord == 1 or ord == np.inf:
                summed_axis, max_axis = (rows, cols) if ord == 1 else (cols, rows)
                s = reduce_sum(_abs(x), axis=summed_axis, keepdims=True)
                out = reduce_max(s, axis=max_axis, keepdims=True)
                return out if keepdims else squeeze(out, [rows, cols])
            if ord == 2:
                perm = [d for d in range(rank) if d not in (rows, cols)] + [rows, cols]
                from_t = _transpose(x, perm)
                out = reduce_max(svd(from_t, compute_uv=False), axis=-1)
                if keepdims:
                    out = expand_dims(expand_dims(out, min(rows, cols)), max(rows, cols))
                return out
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, "
                             f"2, inf], got {ord}")
        if axis is not None and not isinstance(axis, int) and len(axis) == 1:
            axis = axis[0]
        if ord in ("euclidean", 2, 2.0):
            return sqrt(reduce_sum(square(x), axis=axis, keepdims=keepdims))
        if ord == "fro":
            raise ValueError("'ord' must be a supported vector norm, got fro")
        if ord == 1:
            return reduce_sum(_abs(x), axis=axis, keepdims=keepdims)
        if ord == np.inf:
            return reduce_max(_abs(x), axis=axis, keepdims=keepdims)
        if not isinstance(ord, (int, float)) or ord < 1:
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        p = float(ord)
        return _pow(reduce_sum(_pow(_abs(x), p), axis=axis, keepdims=keepdims), 1.0 / p)


def cross(a, b, name=None):
    """Compute the pairwise cross product of `a` and `b`, vectors of 3
    elements along their last dimension."""
    graph, scope = scope_of([a, b], name, "Cross")
    with graph.as_default(), scope:
        a = to_tensor(graph, a)
        b = to_tensor(graph, b, dtype=a.dtype)
        for t in (a, b):
            if t.shape.rank is not None and t.shape.as_tuple()[-1] not in (None, 3):
                raise ValueError(f"Dimension must be 3 but is {t.shape.as_tuple()[-1]} for "
                                 f"'Cross' with input shapes: {a.shape}, {b.shape}.")
        a1, a2, a3 = unstack(a, 3, axis=-1)
        b1, b2, b3 = unstack(b, 3, axis=-1)
        return stack([subtract(multiply(a2, b3), multiply(a3, b2)),
                      subtract(multiply(a3, b1), multiply(a1, b3)),
                      subtract(multiply(a1, b2), multiply(a2, b1))], axis=-1)


def cholesky_solve(chol, rhs, name=None):
    """Solves systems of linear eqns `A X = RHS`, given Cholesky factorizations.

    `chol` is `cholesky(A)`, lower triangular; two triangular solves.
    """
    graph, scope = scope_of([chol, rhs], name, "cholesky_solve")
    with graph.as_default(), scope:
        y = matrix_triangular_solve(chol, rhs, lower=True, adjoint=False)
        return matrix_triangular_solve(chol, y, lower=True, adjoint=True)


def logdet(matrix, name=None):
    """Computes log of the determinant of a hermitian positive definite
    matrix: `2 * sum(log(diag(cholesky(matrix))))`."""
    graph, scope = scope_of([matrix], name, "logdet")
    with graph.as_default(), scope:
        chol = cholesky(matrix)
        return multiply(2.0, reduce_sum(log(matrix_diag_part(chol)), axis=-1))


def _eps_times_dims(x):
    dims = x.shape.as_tuple()
    eps = np.finfo(x.dtype.np_dtype).eps
    return 10.0 * max(dims[-2], dims[-1]) * eps if None not in dims[-2:] else None


def pinv(a, rcond=None, validate_args=False, name=None):
    """Computes the Moore-Penrose pseudo-inverse of one or more matrices,
    through their SVD; singular values at most `rcond` times the largest
    are taken as zero (`rcond` defaults to `10 * max(rows, cols) * eps`)."""
    graph, scope = scope_of([a], name, "pinv")
    with graph.as_default(), scope:
        x = to_tensor(graph, a)
        s, u, v = svd(x, full_matrices=False, compute_uv=True)
        if rcond is None:
            rcond = _eps_times_dims(x)
            if rcond is None:
                raise ValueError("pinv needs the matrix dims at graph construction when "
                                 "rcond is not given")
        cutoff = multiply(rcond, reduce_max(s, axis=-1, keepdims=True))
        s_inv = select_v2(greater(s, cutoff), reciprocal(select_v2(greater(s, cutoff), s,
                                                                   ones_like(s))),
                          zeros_like(s))
        return matmul(multiply(v, expand_dims(s_inv, -2)), u, adjoint_b=True)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """Compute the matrix rank of one or more matrices: the number of
    singular values above `tol` (default `max(s) * max(rows, cols) * eps`)."""
    graph, scope = scope_of([a], name, "matrix_rank")
    with graph.as_default(), scope:
        x = to_tensor(graph, a)
        s = svd(x, compute_uv=False)
        if tol is None:
            dims = x.shape.as_tuple()
            eps = np.finfo(x.dtype.np_dtype).eps
            tol = multiply(reduce_max(s, axis=-1, keepdims=True),
                           float(max(dims[-2], dims[-1]) * eps))
        return reduce_sum(cast(greater(s, tol), dtypes.int32), axis=-1)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """Multiplies matrix `a` by vector `b`, producing `a` * `b`."""
    graph, scope = scope_of([a, b], name, "MatVec")
    with graph.as_default(), scope:
        b = expand_dims(to_tensor(graph, b), -1)
        return squeeze(matmul(a, b, transpose_a=transpose_a or adjoint_a), axis=-1)


def normalize(tensor, ord="euclidean", axis=None, name=None):  # noqa: A002
    """Normalizes `tensor` along dimension `axis` using specified norm:
    `(tensor / norm, norm)`."""
    graph, scope = scope_of([tensor], name, "normalize")
    with graph.as_default(), scope:
        x = to_tensor(graph, tensor)
        n = norm(x, ord=ord, axis=axis, keepdims=True)
        return realdiv(x, n), n


def adjoint(matrix, name=None):
    """Transposes the last two dimensions of and conjugates tensor `matrix`."""
    return matrix_transpose(matrix, name=name or "adjoint")


def _unit_lower(lower_upper):
    lower = matrix_band_part(lower_upper, -1, 0)
    return matrix_set_diag(lower, ones_like(matrix_diag_part(lower_upper)))


def _permutation_matrix(perm, dtype):
    """P with P[..., i, j] = 1 where perm[..., i] == j: P @ x is x[perm]."""
    n = perm.shape.as_tuple()[-1] if perm.shape.rank else None
    if n is None:
        n = shape(perm)[-1]
    return one_hot(perm, n, dtype=dtype)


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """Solves systems of linear eqns `A X = RHS`, given LU factorizations
    (`lower_upper, perm = tf.linalg.lu(A)`)."""
    graph, scope = scope_of([lower_upper, perm, rhs], name, "lu_solve")
    with graph.as_default(), scope:
        lu_ = to_tensor(graph, lower_upper)
        rhs = to_tensor(graph, rhs, dtype=lu_.dtype)
        permuted = matmul(_permutation_matrix(to_tensor(graph, perm), lu_.dtype), rhs)
        y = matrix_triangular_solve(_unit_lower(lu_), permuted, lower=True)
        return matrix_triangular_solve(matrix_band_part(lu_, 0, -1), y, lower=False)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """The reconstruct one or more matrices from their LU decomposition(s)."""
    graph, scope = scope_of([lower_upper, perm], name, "lu_reconstruct")
    with graph.as_default(), scope:
        lu_ = to_tensor(graph, lower_upper)
        x = matmul(_unit_lower(lu_), matrix_band_part(lu_, 0, -1))
        # L U = P A: A = P^T (L U).
        return matmul(_permutation_matrix(to_tensor(graph, perm), lu_.dtype), x,
                      transpose_a=True)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """Computes the inverse given the LU decomposition(s) of one or more
    matrices."""
    graph, scope = scope_of([lower_upper, perm], name, "lu_matrix_inverse")
    with graph.as_default(), scope:
        lu_ = to_tensor(graph, lower_upper)
        eye = matrix_diag(ones_like(matrix_diag_part(lu_)))
        return lu_solve(lu_, perm, eye)


tensor_diag = diag
tensor_diag_part = diag_part
transpose = matrix_transpose
