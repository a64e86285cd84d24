"""tf.math's special functions against SciPy and hand-computed values, and
the gradients the gradient sweep leaves out (betainc's x, zeta's q,
polygamma's x: TF gives the other inputs none) against finite differences;
lbeta and erfcinv, built from other ops."""

import math

import numpy as np
import pytest
import scipy.special as sc

import fastgraph as tf

RNG = np.random.default_rng(4)


def _run(t, feeds=None):
    with tf.Session() as s:
        return s.run(t, feeds)


def test_values_against_scipy_and_known_points():
    a = RNG.uniform(0.5, 3, size=(3, 4))
    x = RNG.uniform(0.1, 4, size=(3, 4))
    u = RNG.uniform(0.05, 0.95, size=(3, 4))
    with tf.Graph().as_default():
        got = _run([tf.math.igamma(a, x), tf.math.igammac(a, x), tf.math.betainc(a, x, u),
                    tf.math.zeta(a + 1.5, x), tf.math.polygamma(np.floor(a), x),
                    tf.math.erfinv(2 * u - 1), tf.math.ndtri(u), tf.math.bessel_i0(x),
                    tf.math.bessel_i1e(-x)])
    want = [sc.gammainc(a, x), sc.gammaincc(a, x), sc.betainc(a, x, u), sc.zeta(a + 1.5, x),
            sc.polygamma(np.floor(a).astype(int), x), sc.erfinv(2 * u - 1), sc.ndtri(u),
            sc.i0(x), sc.i1e(-x)]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)
    with tf.Graph().as_default():
        # P(1, x) = 1 - e^-x; zeta(2, 1) = pi^2/6; psi(0, 1) = -gamma; ndtri(0.5) = 0.
        p1, z2, psi1, n0, nan = _run([tf.math.igamma(1.0, 2.0), tf.math.zeta(2.0, 1.0),
                                      tf.math.polygamma(0.0, 1.0), tf.math.ndtri(0.5),
                                      tf.math.polygamma(0.5, 1.0)])
    assert p1 == pytest.approx(1 - math.exp(-2.0), rel=1e-6)
    assert z2 == pytest.approx(math.pi ** 2 / 6, rel=1e-6)
    assert psi1 == pytest.approx(-0.5772156649, rel=1e-6)
    assert n0 == 0.0 and np.isnan(nan)


def test_float32_stays_float32_and_shapes_broadcast():
    a = np.float32(2.0)
    x = RNG.uniform(0.1, 4, size=(2, 3)).astype(np.float32)
    with tf.Graph().as_default():
        y = tf.math.igamma(a, x)
        assert y.dtype == tf.float32 and y.shape.as_list() == [2, 3]
        np.testing.assert_allclose(_run(y), sc.gammainc(2.0, x), rtol=1e-6)


def test_betainc_refuses_mismatched_shapes():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="inconsistent"):
            tf.math.betainc(np.ones((2, 3)), np.ones((3,)), np.ones((2, 3)))


def test_integer_inputs_are_refused():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="not in list of allowed values"):
            tf.math.igamma(np.int32(1), np.int32(2))


def _numeric(f, x, delta=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = delta
        g[i] = (f(x + e) - f(x - e)).sum() / (2 * delta)
    return g


@pytest.mark.parametrize("which", ["betainc", "zeta", "polygamma"])
def test_the_differentiable_input(which):
    a = RNG.uniform(1.5, 3, size=(2, 3))
    v = RNG.uniform(0.2, 0.8, size=(2, 3))
    fns = {"betainc": (lambda t: tf.math.betainc(a, a + 0.5, t), lambda z: sc.betainc(a, a + .5, z)),
           "zeta": (lambda t: tf.math.zeta(a, t), lambda z: sc.zeta(a, z)),
           "polygamma": (lambda t: tf.math.polygamma(np.floor(a), t),
                         lambda z: sc.polygamma(np.floor(a).astype(int), z))}
    build, ref = fns[which]
    with tf.Graph().as_default():
        p = tf.compat.v1.placeholder(tf.float64, v.shape)
        g = tf.gradients(tf.reduce_sum(build(p)), p)[0]
        got = _run(g, {p: v})
    np.testing.assert_allclose(got, _numeric(ref, v), rtol=1e-6, atol=1e-8)


def test_lbeta_and_erfcinv():
    x = RNG.uniform(0.5, 3, size=(3, 4))
    u = RNG.uniform(0.1, 1.9, size=(5,))
    with tf.Graph().as_default():
        lb, empty, ei = _run([tf.math.lbeta(x), tf.math.lbeta(np.zeros((2, 0))),
                              tf.math.erfcinv(u)])
    want = sc.gammaln(x).sum(-1) - sc.gammaln(x.sum(-1))
    np.testing.assert_allclose(lb, want, rtol=1e-12)
    assert empty.shape == (2,) and np.all(np.isneginf(empty))
    np.testing.assert_allclose(ei, sc.erfcinv(u), rtol=1e-12)
