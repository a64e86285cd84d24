"""Matrix decompositions, solvers and tf.linalg's composites against TensorFlow
(values; QR/SVD/eigenvectors compared through sign-free quantities)."""

import numpy as np
import pytest

from .parity import assert_same, run_both

tf = pytest.importorskip("tensorflow")

RNG = np.random.default_rng(3)
A = (RNG.normal(size=(2, 4, 4)) + 3 * np.eye(4)).astype(np.float64)
SPD = A @ np.swapaxes(A, -1, -2)
B = RNG.normal(size=(2, 4, 2))


@pytest.mark.parametrize("fn", [
    lambda api, x: api.linalg.det(x), lambda api, x: api.linalg.inv(x),
    lambda api, x: api.linalg.slogdet(x), lambda api, x: api.linalg.cholesky(x @ api.linalg.adjoint(x)),
    lambda api, x: api.linalg.solve(x, B), lambda api, x: api.linalg.triangular_solve(x, B),
    lambda api, x: api.linalg.triangular_solve(x, B, lower=False, adjoint=True),
    lambda api, x: api.linalg.logdet(x @ api.linalg.adjoint(x)),
    lambda api, x: api.linalg.cholesky_solve(api.linalg.cholesky(x @ api.linalg.adjoint(x)), B),
    lambda api, x: api.linalg.pinv(x), lambda api, x: api.linalg.eigvalsh(x @ api.linalg.adjoint(x)),
    lambda api, x: api.linalg.svd(x, compute_uv=False), lambda api, x: api.linalg.lstsq(x, B),
    lambda api, x: api.norm(x), lambda api, x: api.norm(x, ord=1, axis=[-2, -1]),
    lambda api, x: api.norm(x, ord=np.inf, axis=[-2, -1], keepdims=True),
    lambda api, x: api.linalg.matvec(x, B[..., 0]), lambda api, x: api.linalg.expm(x / 4),
    lambda api, x: api.linalg.sqrtm(x @ api.linalg.adjoint(x)),
    lambda api, x: api.linalg.matrix_rank(x),
    lambda api, x: api.linalg.lu_reconstruct(*api.linalg.lu(x)),
    lambda api, x: api.linalg.lu_solve(*api.linalg.lu(x), B),
    lambda api, x: api.linalg.cross(x[..., :3], x[..., 1:]),
])
def test_values(fn):
    ours, theirs = run_both(lambda api, p: fn(api, api.constant(A)))
    assert_same(ours, theirs, rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize("fn", [
    lambda api, x: api.linalg.det(x), lambda api, x: api.linalg.inv(x),
    lambda api, x: api.linalg.slogdet(x)[1], lambda api, x: api.linalg.solve(x, B),
    lambda api, x: api.linalg.triangular_solve(x, B),
    lambda api, x: api.linalg.cholesky((x + api.linalg.adjoint(x)) / 2 + 8 * np.eye(4)),
])
def test_gradients(fn):
    def build(api, p):
        x = api.constant(A)
        return api.compat.v1.gradients(api.reduce_sum(fn(api, x)), [x])
    ours, theirs = run_both(build)
    assert_same(ours, theirs, rtol=1e-7, atol=1e-8)
