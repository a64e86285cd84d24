"""The SIMD cap: every kernel's ISA choice follows runtime.simd_level, so the
AVX2 and baseline paths of an AVX-512 machine give the same answers."""

import numpy as np
import pytest

import fastgraph as tf
from fastgraph._native import runtime


@pytest.fixture
def each_level():
    before = runtime.simd_level()
    top = runtime.simd_level(-1)
    yield list(range(top + 1))
    runtime.simd_level(before)


def test_cap_bounds_the_level_and_lifts(each_level):
    top = each_level[-1]
    for level in each_level:
        assert runtime.simd_level(level) == level
        assert runtime.simd_level() == level
        assert runtime.gemm_isa() <= level
    assert runtime.simd_level(-1) == top


def test_every_level_gives_numpys_values(each_level):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 9, 9, 3)).astype(np.float32)
    w = rng.standard_normal((3, 3, 3, 5)).astype(np.float32)
    a = tf.placeholder(tf.float32, x.shape)
    y = tf.exp(tf.nn.conv2d(a, w, [1, 1, 1, 1], "VALID") * 0.1)
    g = tf.gradients(tf.reduce_sum(tf.tanh(y)), a)[0]
    cols = np.stack([x[:, i:i + 7, j:j + 7, :] for i in range(3) for j in range(3)], 3)
    ref = np.exp(np.einsum("nhwtc,tco->nhwo", cols, w.reshape(9, 3, 5)) * 0.1)
    results = []
    for level in each_level:
        runtime.simd_level(level)
        with tf.Session() as sess:
            results.append(sess.run([y, g], {a: x}))
    for yv, gv in results:
        np.testing.assert_allclose(yv, ref, rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(gv, results[0][1], rtol=1e-4, atol=1e-5)
