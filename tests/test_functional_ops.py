"""map_fn, scan, foldl and foldr (one while_loop each) against NumPy, and
their gradients against finite differences."""

import numpy as np
import pytest

import fastgraph as tf

X = np.arange(12.0).reshape(4, 3) / 10 - 0.4


def _run(build, xv=X):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, 3])
        out = build(x)
        with tf.Session() as sess:
            return sess.run(out, {x: xv})


def test_map_fn():
    got = _run(lambda x: [tf.map_fn(lambda r: tf.reduce_sum(r * r), x),
                          tf.map_fn(lambda r: r * 2.0 + 1.0, x)])
    np.testing.assert_allclose(got[0], (X * X).sum(1), rtol=1e-12)
    np.testing.assert_allclose(got[1], X * 2 + 1, rtol=1e-12)


def test_map_fn_of_no_rows():
    got = _run(lambda x: tf.map_fn(lambda r: r * 2.0, x), np.zeros((0, 3)))
    assert got.shape == (0, 3)


@pytest.mark.parametrize("reverse", [False, True])
def test_scan(reverse):
    got = _run(lambda x: [tf.scan(lambda a, r: a * 0.5 + r, x, reverse=reverse),
                          tf.scan(lambda a, r: a + tf.reduce_sum(r), x,
                                  initializer=tf.constant(1.0, tf.float64), reverse=reverse)])
    rows = X[::-1] if reverse else X
    want0, want1 = [rows[0]], []
    for r in rows[1:]:
        want0.append(want0[-1] * 0.5 + r)
    a = 1.0
    for r in rows:
        a = a + r.sum()
        want1.append(a)
    want0, want1 = np.array(want0), np.array(want1)
    if reverse:
        want0, want1 = want0[::-1], want1[::-1]
    np.testing.assert_allclose(got[0], want0, rtol=1e-12)
    np.testing.assert_allclose(got[1], want1, rtol=1e-12)


def test_foldl_and_foldr():
    got = _run(lambda x: [tf.foldl(lambda a, r: a * 2.0 + r, x),
                          tf.foldr(lambda a, r: a * 2.0 + r, x,
                                   initializer=tf.zeros([3], tf.float64))])
    a = X[0]
    for r in X[1:]:
        a = a * 2 + r
    b = np.zeros(3)
    for r in X[::-1]:
        b = b * 2 + r
    np.testing.assert_allclose(got[0], a, rtol=1e-12)
    np.testing.assert_allclose(got[1], b, rtol=1e-12)


def test_gradients_through_map_fn_and_foldl():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [4, 3])
        loss = (tf.reduce_sum(tf.map_fn(lambda r: tf.sin(r) * r, x) ** 2) +
                tf.reduce_sum(tf.foldl(lambda a, r: a * r + 1.0, x)))
        g = tf.gradients(loss, x)[0]
        with tf.Session() as sess:
            got = sess.run(g, {x: X})
            fd = np.zeros_like(X)
            for k in np.ndindex(X.shape):
                e = np.zeros_like(X)
                e[k] = 1e-6
                fd[k] = (sess.run(loss, {x: X + e}) - sess.run(loss, {x: X - e})) / 2e-6
    np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-8)


def test_nested_structures_are_refused():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, 3])
        with pytest.raises(NotImplementedError, match="single tensor"):
            tf.map_fn(lambda r: r, (x, x))
