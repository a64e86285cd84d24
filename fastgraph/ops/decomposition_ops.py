"""Matrix decompositions and solvers over batches of matrices: determinants,
inverses, Cholesky, LU, QR, SVD, symmetric eigendecomposition, square roots,
linear solves (general, triangular, least squares) and the exponential.

They run on the host (`OpDef.host`) through NumPy's and SciPy's LAPACK, one
call per batch, in the input's precision; what follows them is compiled for
the shapes they gave. The gradients are TF's (linalg_grad.py) for the
determinants, the inverse, Cholesky and the solves.
"""

import numpy as np
import scipy.linalg

from ..framework import dtypes, errors
from ..framework.graphdef_mapping import Attr, NodeMapping, TypeAttr
from ..framework.op_registry import Accepts, OpDef, RegisterGradient, register
from ..framework.tensor_shape import debug_string as _fmt
from . import samples
from .arguments import graph_of, make_op, to_tensor
from .array_ops import expand_dims, transpose as _transpose
from .elementwise import multiply, negative
from .indexing_ops import ones_like
from .linalg_ops import matmul, matrix_band_part, matrix_diag, matrix_diag_part, matrix_set_diag

__all__ = ["matrix_determinant", "matrix_inverse", "cholesky", "matrix_solve",
           "matrix_triangular_solve", "matrix_solve_ls", "qr", "svd", "self_adjoint_eig",
           "self_adjoint_eigvals", "matrix_square_root"]
LINALG = ["det", "slogdet", "inv", "cholesky", "solve", "triangular_solve", "lstsq", "qr",
          "svd", "eigh", "eigvalsh", "sqrtm", "lu", "expm"]

_FLOATS = (dtypes.float32, dtypes.float64)


def _invalid(message):
    return errors.InvalidArgumentError(None, None, message)


def _square(op_type, s):
    if s is None:
        return None
    if len(s) < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {len(s)} for '{op_type}' "
                         f"with input shapes: {_fmt(s)}.")
    if s[-1] is not None and s[-2] is not None and s[-1] != s[-2]:
        raise ValueError(f"Dimensions must be equal, but are {s[-2]} and {s[-1]} for "
                         f"'{op_type}' with input shapes: {_fmt(s)}.")
    return tuple(s)


def _batched(fn, *arrays):
    """fn over each matrix of the batch (the arrays share their batch dims)."""
    batch = arrays[0].shape[:-2]
    flat = [a.reshape((-1,) + a.shape[-2:]) for a in arrays]
    n = int(np.prod(batch)) if batch else 1
    outs = [fn(*(f[i] for f in flat)) for i in range(n)]
    if not isinstance(outs[0] if outs else None, tuple):
        outs = [(o,) for o in outs] if outs else None
    return outs, batch


def _stack(outs, batch, empty_shapes, dtype):
    """The per-matrix results stacked back into the batch, one array per output."""
    if not outs:
        return [np.zeros(batch + s, dtype) for s in empty_shapes]
    return [np.stack([o[k] for o in outs]).reshape(batch + np.shape(outs[0][k]))
            .astype(dtype if np.asarray(outs[0][k]).dtype.kind == "f" else
                    np.asarray(outs[0][k]).dtype) for k in range(len(outs[0]))]


def _host(reference):
    return lambda ctx, op, values: reference(values, op.attrs)


def _square_samples(dtype, spd=False):
    rng = np.random.default_rng(5)
    for shape in ((3, 3), (2, 4, 4), (1, 1)):
        a = rng.normal(size=shape)
        if spd:
            a = a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])
        else:
            a = a + 2 * np.eye(shape[-1])
        yield [a.astype(dtype.np_dtype)], {}


def _register(op_type, shape, reference, inputs, attrs=(), n_out=1, spd=False, samples_fn=None,
              graphdef=None, type_attr="T"):
    register(OpDef(op_type, shape=shape,
                   dtype=lambda ctx: [ctx.dtypes[0]] * n_out,
                   host=_host(reference), reference=reference,
                   dtypes=[Accepts(inputs[0], _FLOATS)],
                   samples=samples_fn or (lambda dtype: _square_samples(dtype, spd)),
                   graphdef=graphdef or NodeMapping(
                       inputs, [TypeAttr(type_attr, input=0)] + list(attrs))))


# ---- determinants, inverse, Cholesky, square root, exponential --------------

def _det_reference(inputs, attrs):
    a = inputs[0]
    out = np.linalg.det(a.astype(np.float64)) if a.size else np.ones(a.shape[:-2])
    return [np.asarray(out, a.dtype)]


def _slogdet_reference(inputs, attrs):
    a = inputs[0]
    sign, logdet = np.linalg.slogdet(a.astype(np.float64)) if a.size else \
        (np.ones(a.shape[:-2]), np.zeros(a.shape[:-2]))
    return [np.asarray(sign, a.dtype), np.asarray(logdet, a.dtype)]


def _inverse_reference(inputs, attrs):
    a = inputs[0]
    if attrs.get("adjoint"):
        a = np.swapaxes(a, -1, -2)
    if not a.size:
        return [a.copy()]
    try:
        out = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        raise _invalid("Input is not invertible.") from None
    return [out.astype(a.dtype)]


def _cholesky_reference(inputs, attrs):
    a = inputs[0]
    if not a.size:
        return [a.copy()]
    try:
        # TF reads the lower triangle only.
        lower = np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2)
        return [np.linalg.cholesky(lower).astype(a.dtype)]
    except np.linalg.LinAlgError:
        raise _invalid("Cholesky decomposition was not successful. The input might not be "
                       "valid.") from None


def _sqrtm_reference(inputs, attrs):
    a = inputs[0]
    outs, batch = _batched(lambda m: np.real(scipy.linalg.sqrtm(m.astype(np.float64))), a)
    return _stack(outs, batch, [a.shape[-2:]], a.dtype)


def _expm_reference(inputs, attrs):
    a = inputs[0]
    outs, batch = _batched(lambda m: scipy.linalg.expm(m.astype(np.float64)), a)
    return _stack(outs, batch, [a.shape[-2:]], a.dtype)


def _same_shape(op_type):
    return lambda ctx: [_square(op_type, ctx.shapes[0])]


def _batch_shape(op_type):
    def shape(ctx):
        s = _square(op_type, ctx.shapes[0])
        return [None if s is None else s[:-2]]
    return shape


_register("MatrixDeterminant", _batch_shape("MatrixDeterminant"), _det_reference, ("input",))
register(OpDef("LogMatrixDeterminant",
               shape=lambda ctx: _batch_shape("LogMatrixDeterminant")(ctx) * 2,
               dtype=lambda ctx: [ctx.dtypes[0]] * 2, host=_host(_slogdet_reference),
               reference=_slogdet_reference, dtypes=[Accepts("input", _FLOATS)],
               samples=_square_samples,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)])))
_register("MatrixInverse", _same_shape("MatrixInverse"), _inverse_reference, ("input",),
          [Attr("adjoint", default=False)])
_register("Cholesky", _same_shape("Cholesky"), _cholesky_reference, ("input",), spd=True)
_register("MatrixSquareRoot", _same_shape("MatrixSquareRoot"), _sqrtm_reference, ("input",),
          spd=True)
_register("MatrixExponential", _same_shape("MatrixExponential"), _expm_reference, ("input",),
          graphdef=NodeMapping(("input",), [TypeAttr("T", input=0)]))


# ---- solves -----------------------------------------------------------------

def _solve_shape(op_type):
    def shape(ctx):
        a, b = ctx.shapes
        a = _square(op_type, a)
        if a is None or b is None:
            return [None if b is None else tuple(b)]
        if len(b) < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {len(b)} for "
                             f"'{op_type}' with input shapes: {_fmt(a)}, {_fmt(b)}.")
        if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
            raise ValueError(f"Dimensions must be equal, but are {a[-1]} and {b[-2]} for "
                             f"'{op_type}' with input shapes: {_fmt(a)}, {_fmt(b)}.")
        batch = _broadcast_batch(a[:-2], b[:-2]) if op_type == "MatrixTriangularSolve" \
            else tuple(b[:-2])
        return [tuple(batch) + (a[-1], b[-1])]
    return shape


def _broadcast_batch(x, y):
    """Broadcast batch dims, None where a dim is unknown and the other is not 1."""
    n = max(len(x), len(y))
    x, y = (1,) * (n - len(x)) + tuple(x), (1,) * (n - len(y)) + tuple(y)
    return tuple(b if a == 1 else a if b == 1 else (a if a == b else None) for a, b in zip(x, y))


def _solve_reference(inputs, attrs):
    a, b = inputs
    if attrs.get("adjoint"):
        a = np.swapaxes(a, -1, -2)
    if not a.size or not b.size:
        return [np.zeros(b.shape, b.dtype)]
    try:
        return [np.linalg.solve(a, b).astype(b.dtype)]
    except np.linalg.LinAlgError:
        raise _invalid("Input matrix is not invertible.") from None


def _triangular_reference(inputs, attrs):
    a, b = inputs
    lower, adjoint = attrs.get("lower", True), attrs.get("adjoint", False)
    batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = np.broadcast_to(a, batch + a.shape[-2:])
    b = np.broadcast_to(b, batch + b.shape[-2:])
    tri = np.tril(a) if lower else np.triu(a)
    outs, batch = _batched(lambda m, r: scipy.linalg.solve_triangular(
        m.astype(np.float64), r.astype(np.float64), lower=lower, trans=1 if adjoint else 0,
        check_finite=False), tri, b)
    return _stack(outs, batch, [b.shape[-2:]], b.dtype)


def _solve_samples(dtype, triangular=False):
    rng = np.random.default_rng(6)
    for shape, rhs in (((3, 3), (3, 2)), ((2, 4, 4), (2, 4, 1))):
        a = rng.normal(size=shape) + 3 * np.eye(shape[-1])
        for attrs in ([{"lower": True, "adjoint": False}, {"lower": False, "adjoint": True}]
                      if triangular else [{"adjoint": False}, {"adjoint": True}]):
            yield [a.astype(dtype.np_dtype), rng.normal(size=rhs).astype(dtype.np_dtype)], attrs


_register("MatrixSolve", _solve_shape("MatrixSolve"), _solve_reference, ("matrix", "rhs"),
          [Attr("adjoint", default=False)], samples_fn=_solve_samples)
_register("MatrixTriangularSolve", _solve_shape("MatrixTriangularSolve"), _triangular_reference,
          ("matrix", "rhs"), [Attr("lower", default=True), Attr("adjoint", default=False)],
          samples_fn=lambda dtype: _solve_samples(dtype, True))


def _lstsq_shape(ctx):
    a, b = ctx.shapes[0], ctx.shapes[1]
    if a is None or b is None:
        return [None]
    return [tuple(a[:-2]) + (a[-1], b[-1])]


def _lstsq_reference(inputs, attrs):
    a, b, l2 = inputs
    l2 = float(l2)

    def one(m, r):
        m, r = m.astype(np.float64), r.astype(np.float64)
        n = m.shape[1]
        if m.shape[0] >= n:
            return np.linalg.solve(m.T @ m + l2 * np.eye(n), m.T @ r)
        return m.T @ np.linalg.solve(m @ m.T + l2 * np.eye(m.shape[0]), r)
    outs, batch = _batched(one, a, b)
    return _stack(outs, batch, [(a.shape[-1], b.shape[-1])], b.dtype)


def _lstsq_samples(dtype):
    rng = np.random.default_rng(7)
    for shape, rhs, l2 in (((5, 3), (5, 2), 0.0), ((2, 3, 4), (2, 3, 1), 0.5)):
        yield [rng.normal(size=shape).astype(dtype.np_dtype),
               rng.normal(size=rhs).astype(dtype.np_dtype), samples.known(l2, np.float64)], \
            {"fast": True}


register(OpDef("MatrixSolveLs", shape=_lstsq_shape, dtype=lambda ctx: [ctx.dtypes[0]],
               host=_host(_lstsq_reference), reference=_lstsq_reference,
               dtypes=[Accepts("matrix", _FLOATS)], samples=_lstsq_samples,
               graphdef=NodeMapping(("matrix", "rhs", "l2_regularizer"),
                                    [TypeAttr("T", input=0), Attr("fast", default=True)])))


# ---- QR, SVD, eigendecomposition, LU ----------------------------------------

def _rect_samples(dtype):
    rng = np.random.default_rng(8)
    for shape in ((4, 3), (2, 3, 5)):
        for full in (False, True):
            yield [rng.normal(size=shape).astype(dtype.np_dtype)], {"full_matrices": full}


def _qr_shape(ctx):
    s = ctx.shapes[0]
    if s is None:
        return [None, None]
    m, n = s[-2], s[-1]
    k = None if m is None or n is None else min(m, n)
    full = ctx.attrs.get("full_matrices", False)
    batch = tuple(s[:-2])
    return [batch + (m, m if full else k), batch + (m if full else k, n)]


def _qr_reference(inputs, attrs):
    a = inputs[0]
    q, r = np.linalg.qr(a.astype(np.float64),
                        mode="complete" if attrs.get("full_matrices") else "reduced")
    return [q.astype(a.dtype), r.astype(a.dtype)]


register(OpDef("Qr", shape=_qr_shape, dtype=lambda ctx: [ctx.dtypes[0]] * 2,
               host=_host(_qr_reference), reference=_qr_reference,
               dtypes=[Accepts("input", _FLOATS)], samples=_rect_samples,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0),
                                                 Attr("full_matrices", default=False)])))


def _svd_shape(ctx):
    s = ctx.shapes[0]
    if s is None:
        return [None, None, None]
    m, n = s[-2], s[-1]
    k = None if m is None or n is None else min(m, n)
    full = ctx.attrs.get("full_matrices", False)
    batch = tuple(s[:-2])
    if not ctx.attrs.get("compute_uv", True):
        return [batch + (k,), (), ()]
    return [batch + (k,), batch + (m, m if full else k), batch + (n, n if full else k)]


def _svd_reference(inputs, attrs):
    a = inputs[0]
    if not attrs.get("compute_uv", True):
        s = np.linalg.svd(a.astype(np.float64), compute_uv=False)
        return [s.astype(a.dtype), np.zeros((), a.dtype), np.zeros((), a.dtype)]
    u, s, vh = np.linalg.svd(a.astype(np.float64), full_matrices=bool(attrs.get("full_matrices")))
    return [s.astype(a.dtype), u.astype(a.dtype), np.swapaxes(vh, -1, -2).astype(a.dtype)]


def _svd_samples(dtype):
    for inputs, attrs in _rect_samples(dtype):
        yield inputs, {**attrs, "compute_uv": True}
    yield inputs, {"full_matrices": False, "compute_uv": False}


register(OpDef("Svd", shape=_svd_shape, dtype=lambda ctx: [ctx.dtypes[0]] * 3,
               host=_host(_svd_reference), reference=_svd_reference,
               dtypes=[Accepts("input", _FLOATS)], samples=_svd_samples,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0),
                                                 Attr("compute_uv", default=True),
                                                 Attr("full_matrices", default=False)])))


def _eig_shape(ctx):
    s = _square("SelfAdjointEigV2", ctx.shapes[0])
    if s is None:
        return [None, None]
    return [s[:-1], s if ctx.attrs.get("compute_v", True) else ()]


def _eig_reference(inputs, attrs):
    a = inputs[0]
    # TF reads the lower triangle.
    if attrs.get("compute_v", True):
        e, v = np.linalg.eigh(a.astype(np.float64), UPLO="L")
        return [e.astype(a.dtype), v.astype(a.dtype)]
    return [np.linalg.eigvalsh(a.astype(np.float64), UPLO="L").astype(a.dtype),
            np.zeros((), a.dtype)]


def _eig_samples(dtype):
    for (inputs, _), compute_v in zip(_square_samples(dtype, True), (True, False, True)):
        yield inputs, {"compute_v": compute_v}


register(OpDef("SelfAdjointEigV2", shape=_eig_shape, dtype=lambda ctx: [ctx.dtypes[0]] * 2,
               host=_host(_eig_reference), reference=_eig_reference,
               dtypes=[Accepts("input", _FLOATS)], samples=_eig_samples,
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0),
                                                 Attr("compute_v", default=True)])))


def _lu_shape(ctx):
    s = _square("Lu", ctx.shapes[0])
    return [s, None if s is None else s[:-1]]


def _lu_reference(inputs, attrs):
    a = inputs[0]
    index = attrs.get("output_idx_type", dtypes.int32).np_dtype

    def one(m):
        lu_, piv = scipy.linalg.lu_factor(m.astype(np.float64), check_finite=False)
        perm = np.arange(m.shape[0])
        for i, p in enumerate(piv):
            perm[i], perm[p] = perm[p], perm[i]
        return lu_, perm
    outs, batch = _batched(one, a)
    lu_, perm = _stack(outs, batch, [a.shape[-2:], a.shape[-1:]], a.dtype)
    return [lu_.astype(a.dtype), perm.astype(index)]


register(OpDef("Lu", shape=_lu_shape,
               dtype=lambda ctx: [ctx.dtypes[0], ctx.attrs.get("output_idx_type", dtypes.int32)],
               host=_host(_lu_reference), reference=_lu_reference,
               dtypes=[Accepts("input", _FLOATS)],
               samples=lambda dtype: ((i, {"output_idx_type": dtypes.int32})
                                      for i, _ in _square_samples(dtype)),
               graphdef=NodeMapping(("input",), [TypeAttr("T", input=0),
                                                 Attr("output_idx_type", default=dtypes.int32)])))


# ---- the functions ----------------------------------------------------------

def _op(op_type, inputs, attrs=None, name=None):
    graph = graph_of(inputs)
    first = to_tensor(graph, inputs[0])
    ts = [first] + [to_tensor(graph, x, dtype=first.dtype) for x in inputs[1:]]
    return make_op(graph, op_type, ts, attrs or {}, name=name or op_type).outputs


def matrix_determinant(input, name=None):  # noqa: A002 - TF's name
    """Computes the determinant of one or more square matrices.

    The input is a tensor of shape `[..., M, M]` whose inner-most 2
    dimensions form square matrices; the output is a tensor of shape `[...]`
    of their determinants.
    """
    return _op("MatrixDeterminant", [input], name=name)[0]


def log_matrix_determinant(input, name=None):  # noqa: A002
    """Computes the sign and the log of the absolute value of the determinant
    of one or more square matrices: `(sign, log_abs_determinant)`."""
    return tuple(_op("LogMatrixDeterminant", [input], name=name))


def matrix_inverse(input, adjoint=False, name=None):  # noqa: A002
    """Computes the inverse of one or more square invertible matrices or
    their adjoints (conjugate transposes). A singular matrix raises
    InvalidArgumentError when the graph runs."""
    return _op("MatrixInverse", [input], {"adjoint": bool(adjoint)}, name)[0]


def cholesky(input, name=None):  # noqa: A002
    """Computes the Cholesky decomposition of one or more square matrices.

    Only the lower-triangular part of the input is read; the output is the
    lower-triangular `L` with `input = L L^T`.
    """
    return _op("Cholesky", [input], name=name)[0]


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """Solves systems of linear equations: `matrix[..., :, :] * output[..., :,
    :] = rhs[..., :, :]` (the adjoint of `matrix` if `adjoint`)."""
    return _op("MatrixSolve", [matrix, rhs], {"adjoint": bool(adjoint)}, name)[0]


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """Solves systems of linear equations with upper or lower triangular
    matrices by backsubstitution; only the triangle `lower` names is read."""
    return _op("MatrixTriangularSolve", [matrix, rhs],
               {"lower": bool(lower), "adjoint": bool(adjoint)}, name)[0]


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """Solves one or more linear least-squares problems:
    `argmin_X ||matrix X - rhs||^2 + l2_regularizer ||X||^2`."""
    graph = graph_of([matrix, rhs])
    m = to_tensor(graph, matrix)
    r = to_tensor(graph, rhs, dtype=m.dtype)
    l2 = to_tensor(graph, l2_regularizer, dtype=dtypes.float64)
    return make_op(graph, "MatrixSolveLs", [m, r, l2], {"fast": bool(fast)},
                   name=name or "MatrixSolveLs").outputs[0]


def qr(input, full_matrices=False, name=None):  # noqa: A002
    """Computes the QR decompositions of one or more matrices: `(q, r)` with
    `input = q r`, `q` orthonormal and `r` upper triangular."""
    return tuple(_op("Qr", [input], {"full_matrices": bool(full_matrices)}, name))


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """Computes the singular value decompositions of one or more matrices.

    Returns `(s, u, v)` with `tensor = u diag(s) v^T` when `compute_uv`, else
    `s` alone (the singular values, descending).
    """
    s, u, v = _op("Svd", [tensor], {"full_matrices": bool(full_matrices),
                                    "compute_uv": bool(compute_uv)}, name)
    return (s, u, v) if compute_uv else s


def self_adjoint_eig(tensor, name=None):
    """Computes the eigen decomposition of a batch of self-adjoint matrices:
    `(e, v)`, eigenvalues ascending and eigenvectors in the columns of `v`.
    Only the lower triangle is read."""
    return tuple(_op("SelfAdjointEigV2", [tensor], {"compute_v": True}, name))


def self_adjoint_eigvals(tensor, name=None):
    """Computes the eigenvalues of one or more self-adjoint matrices."""
    return _op("SelfAdjointEigV2", [tensor], {"compute_v": False}, name)[0]


def matrix_square_root(input, name=None):  # noqa: A002
    """Computes the matrix square root of one or more square matrices:
    `matmul(sqrtm(A), sqrtm(A)) = A`."""
    return _op("MatrixSquareRoot", [input], name=name)[0]


def lu(input, output_idx_type=dtypes.int32, name=None):  # noqa: A002
    """Computes the LU decomposition of one or more square matrices: `(lu, p)`,
    the packed unit-lower and upper factors and the row permutation, with
    `input = P^T L U` for the permutation matrix P of `p`."""
    return tuple(_op("Lu", [input], {"output_idx_type": dtypes.as_dtype(output_idx_type)},
                     name))


def matrix_exponential(input, name=None):  # noqa: A002
    """Computes the matrix exponential of one or more square matrices:
    `exp(A) = sum_n A^n / n!`."""
    return _op("MatrixExponential", [input], name=name)[0]


det = matrix_determinant
slogdet = log_matrix_determinant
inv = matrix_inverse
solve = matrix_solve
triangular_solve = matrix_triangular_solve
lstsq = matrix_solve_ls
eigh = self_adjoint_eig
eigvalsh = self_adjoint_eigvals
sqrtm = matrix_square_root
expm = matrix_exponential


# ---- gradients (TF's linalg_grad.py) ----------------------------------------

@RegisterGradient("MatrixInverse")
def _matrix_inverse_grad(op, grad):
    ainv = op.outputs[0]
    return [negative(matmul(ainv, matmul(grad, ainv, adjoint_b=True), adjoint_a=True))]


@RegisterGradient("MatrixDeterminant")
def _matrix_determinant_grad(op, grad):
    a, c = op.inputs[0], op.outputs[0]
    multipliers = expand_dims(expand_dims(multiply(grad, c), -1), -1)
    return [multiply(multipliers, matrix_inverse(a, adjoint=True))]


@RegisterGradient("LogMatrixDeterminant")
def _log_matrix_determinant_grad(op, _, grad_b):
    a = op.inputs[0]
    multipliers = expand_dims(expand_dims(grad_b, -1), -1)
    return [multiply(multipliers, matrix_inverse(a, adjoint=True))]


@RegisterGradient("Cholesky")
def _cholesky_grad(op, grad):
    """TF's: Iain Murray's formula through two triangular solves."""
    from_l = op.outputs[0]
    l_inverse = matrix_triangular_solve(from_l, _eye_like(from_l))
    middle = matmul(from_l, grad, adjoint_a=True)
    middle = matrix_set_diag(middle, multiply(0.5, matrix_diag_part(middle)))
    middle = matrix_band_part(middle, -1, 0)
    grad_a = matmul(matmul(l_inverse, middle, adjoint_a=True), l_inverse)
    grad_a = grad_a + _adjoint(grad_a)
    return [multiply(0.5, grad_a)]


@RegisterGradient("MatrixSolve")
def _matrix_solve_grad(op, grad):
    a, adjoint_a = op.inputs[0], op.get_attr("adjoint")
    c = op.outputs[0]
    grad_b = matrix_solve(a, grad, adjoint=not adjoint_a)
    grad_a = negative(matmul(c, grad_b, adjoint_b=True) if adjoint_a
                      else matmul(grad_b, c, adjoint_b=True))
    return [grad_a, grad_b]


@RegisterGradient("MatrixTriangularSolve")
def _matrix_triangular_solve_grad(op, grad):
    a = op.inputs[0]
    adjoint_a, lower_a = op.get_attr("adjoint"), op.get_attr("lower")
    c = op.outputs[0]
    grad_b = matrix_triangular_solve(a, grad, lower=lower_a, adjoint=not adjoint_a)
    grad_a = negative(matmul(c, grad_b, adjoint_b=True) if adjoint_a
                      else matmul(grad_b, c, adjoint_b=True))
    grad_a = matrix_band_part(grad_a, -1, 0) if lower_a else matrix_band_part(grad_a, 0, -1)
    return [grad_a, grad_b]


def _adjoint(x):
    rank = x.shape.rank
    perm = list(range(rank - 2)) + [rank - 1, rank - 2]
    return _transpose(x, perm)


def _eye_like(x):
    return matrix_diag(ones_like(matrix_diag_part(x)))

