"""Matrix decompositions and solvers against NumPy/SciPy: values over
batches, the factorizations' identities, TF's errors for singular or
non-positive-definite input and non-square shapes, and the gradients of
Cholesky (through a symmetric input, as TF's is) and of the inverse."""

import numpy as np
import pytest
import scipy.linalg

import fastgraph as tf

from ..gradient_check import check_gradient, numeric_gradient

RNG = np.random.default_rng(11)
A = RNG.normal(size=(3, 4, 4)) + 3 * np.eye(4)
SPD = A @ np.swapaxes(A, -1, -2) + np.eye(4)
B = RNG.normal(size=(3, 4, 2))


def _run(t):
    with tf.Session() as s:
        return s.run(t)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_numpy(dtype):
    a, spd, b = A.astype(dtype), SPD.astype(dtype), B.astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    det, inv, chol, sol, (sign, logdet), ls = _run([
        tf.linalg.det(a), tf.linalg.inv(a), tf.linalg.cholesky(spd), tf.linalg.solve(a, b),
        tf.linalg.slogdet(a), tf.linalg.lstsq(a, b)])
    np.testing.assert_allclose(det, np.linalg.det(a), rtol=tol)
    np.testing.assert_allclose(inv, np.linalg.inv(a), rtol=tol, atol=tol)
    np.testing.assert_allclose(chol, np.linalg.cholesky(spd), rtol=tol, atol=tol)
    np.testing.assert_allclose(sol, np.linalg.solve(a, b), rtol=tol, atol=tol)
    np.testing.assert_allclose(sign * np.exp(logdet), np.linalg.det(a), rtol=tol)
    np.testing.assert_allclose(ls, np.linalg.solve(a, b), rtol=10 * tol, atol=10 * tol)
    for t in (inv, chol, sol):
        assert t.dtype == dtype


def test_triangular_solve_reads_one_triangle():
    lower = tf.linalg.triangular_solve(A, B, lower=True)
    upper_adj = tf.linalg.triangular_solve(A, B, lower=False, adjoint=True)
    got_l, got_u = _run([lower, upper_adj])
    np.testing.assert_allclose(got_l, np.linalg.solve(np.tril(A), B), rtol=1e-10)
    np.testing.assert_allclose(got_u, np.linalg.solve(np.swapaxes(np.triu(A), -1, -2), B),
                               rtol=1e-10)


def test_factorizations_reconstruct():
    x = RNG.normal(size=(2, 5, 3))
    (q, r), (s, u, v), (e, w), (lu_, p) = _run([
        tf.linalg.qr(x), tf.linalg.svd(x), tf.linalg.eigh(SPD), tf.linalg.lu(A)])
    np.testing.assert_allclose(q @ r, x, atol=1e-12)
    np.testing.assert_allclose(u @ (s[..., None] * np.swapaxes(v, -1, -2)), x, atol=1e-12)
    np.testing.assert_allclose(w @ (e[..., None] * np.swapaxes(w, -1, -2)), SPD, atol=1e-10)
    for k in range(3):
        L = np.tril(lu_[k], -1) + np.eye(4)
        U = np.triu(lu_[k])
        np.testing.assert_allclose((L @ U), A[k][p[k]], atol=1e-12)
    assert _run(tf.linalg.svd(x, compute_uv=False)).shape == (2, 3)
    np.testing.assert_allclose(_run(tf.linalg.eigvalsh(SPD)), np.linalg.eigvalsh(SPD))


def test_sqrtm_and_expm():
    s, e = _run([tf.linalg.sqrtm(SPD), tf.linalg.expm(A / 4)])
    np.testing.assert_allclose(s @ s, SPD, rtol=1e-9)
    np.testing.assert_allclose(e, np.stack([scipy.linalg.expm(m / 4) for m in A]), rtol=1e-10)


def test_errors_are_tfs():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input is not invertible"):
        _run(tf.linalg.inv(np.zeros((2, 2))))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Cholesky decomposition was not"):
        _run(tf.linalg.cholesky(-np.eye(2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input matrix is not invertible"):
        _run(tf.linalg.solve(np.zeros((2, 2)), np.ones((2, 1))))
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
        tf.linalg.det(np.zeros((2, 3)))


def test_cholesky_gradient_through_a_symmetric_input():
    x0 = SPD[0]
    w = RNG.normal(size=(4, 4))
    ph = tf.placeholder(tf.float64, (4, 4))
    loss = tf.reduce_sum(tf.linalg.cholesky((ph + tf.transpose(ph)) / 2) * w)
    grad = tf.gradients(loss, ph)[0]
    with tf.Session() as s:
        got = s.run(grad, {ph: x0})
    want = numeric_gradient(lambda x: float(np.sum(np.linalg.cholesky((x + x.T) / 2) * w)), x0,
                            1e-6)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("op", ["MatrixInverse", "MatrixDeterminant", "LogMatrixDeterminant"])
def test_gradients(op):
    check_gradient(op, [A[:2]])
