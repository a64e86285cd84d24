"""Scatter updates on variables and tensors against NumPy: every mode,
repeated indices in order, scalar updates, batch_scatter_update, bad
indices, and the tensor scatters' gradients."""

import numpy as np
import pytest

import fastgraph as tf

from ..gradient_check import check_gradient

BASE = np.array([[1., 2.], [3., 4.], [5., 6.], [7., 8.]], np.float32)


def _run(build):
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(BASE)
        out = build(v)
        with tf.Session() as sess:
            sess.run(v.initializer)
            return sess.run(out), sess.run(v)


@pytest.mark.parametrize("fn, combine", [
    ("scatter_update", lambda a, b: b), ("scatter_add", np.add), ("scatter_sub", np.subtract),
    ("scatter_mul", np.multiply), ("scatter_div", np.divide), ("scatter_min", np.minimum),
    ("scatter_max", np.maximum)])
def test_variable_scatters_combine_rows_in_index_order(fn, combine):
    idx = np.array([2, 0, 2])
    upd = np.array([[2., 9.], [4., 1.], [0.5, 7.]], np.float32)
    got, var = _run(lambda v: getattr(tf, fn)(v, idx, upd))
    want = BASE.copy()
    for i, r in zip(idx, upd):
        want[i] = combine(want[i], r)
    np.testing.assert_allclose(got, want)
    np.testing.assert_allclose(var, want)


def test_scatter_update_takes_a_scalar():
    got, _ = _run(lambda v: tf.compat.v1.scatter_update(v, [1, 3], 0.0))
    want = BASE.copy()
    want[[1, 3]] = 0
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("fn, combine", [("scatter_nd_update", lambda a, b: b),
                                         ("scatter_nd_add", np.add),
                                         ("scatter_nd_sub", np.subtract)])
def test_scatter_nd_on_a_variable(fn, combine):
    idx = np.array([[0, 1], [3, 0], [0, 1]])
    upd = np.array([10., 20., 30.], np.float32)
    got, _ = _run(lambda v: getattr(tf, fn)(v, idx, upd))
    want = BASE.copy()
    for (i, j), u in zip(idx, upd):
        want[i, j] = combine(want[i, j], u)
    np.testing.assert_array_equal(got, want)


def test_batch_scatter_update():
    got, _ = _run(lambda v: tf.compat.v1.batch_scatter_update(
        v, [[1], [0], [1], [0]], [[9.], [8.], [7.], [6.]]))
    np.testing.assert_array_equal(got, [[1, 9], [8, 4], [5, 7], [6, 8]])


def test_bad_index_fails_with_tf_message():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 9 is not in \[0, 4\)"):
        _run(lambda v: tf.scatter_add(v, [1, 9], np.ones((2, 2), np.float32)))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"indices\[0\] = \[4\] does not index into shape \[4,2\]"):
        with tf.Session() as s:
            s.run(tf.tensor_scatter_nd_add(BASE, [[4]], [[1., 1.]]))


def test_uninitialized_variable_fails():
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(BASE)
        with tf.Session() as s, pytest.raises(tf.errors.FailedPreconditionError):
            s.run(tf.scatter_add(v, [0], [[1., 1.]]))


@pytest.mark.parametrize("fn, combine", [
    ("tensor_scatter_nd_update", lambda a, b: b), ("tensor_scatter_nd_add", np.add),
    ("tensor_scatter_nd_sub", np.subtract), ("tensor_scatter_nd_min", np.minimum),
    ("tensor_scatter_nd_max", np.maximum)])
def test_tensor_scatters_leave_their_input(fn, combine):
    idx = np.array([[1], [3], [1]])
    upd = np.array([[0., 9.], [8., 0.], [5., 5.]], np.float32)
    x = tf.constant(BASE)
    with tf.Session() as s:
        got, before = s.run([getattr(tf, fn)(x, idx, upd), x])
    want = BASE.copy()
    for (i,), u in zip(idx, upd):
        want[i] = combine(want[i], u)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(before, BASE)


@pytest.mark.parametrize("op", ["TensorScatterUpdate", "TensorScatterAdd", "TensorScatterSub",
                                "TensorScatterMin", "TensorScatterMax"])
def test_tensor_scatter_gradients(op):
    rng = np.random.default_rng(0)
    check_gradient(op, [rng.normal(size=(4, 3)), np.array([[2], [0]], np.int32),
                        rng.normal(size=(2, 3))])
