"""tf.TensorArray: writes, reads, gathers, scatters, stack/unstack,
split/concat and size against NumPy, TF's errors for bad indices, as a
while_loop variable (with and without a known element shape), and
gradients through its reads and writes inside loops against finite
differences."""

import numpy as np
import pytest

import fastgraph as tf

from .gradient_check import numeric_gradient

RNG = np.random.default_rng(5)


def _run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds or {})


def test_write_read_stack_outside_loops():
    with tf.Graph().as_default():
        ta = tf.TensorArray(tf.float32, size=4)
        ta = ta.write(2, [1.0, 2.0]).write(0, [3.0, 4.0])
        read, stacked, size = _run([ta.read(2), ta.stack(), ta.size()])
        np.testing.assert_array_equal(read, [1.0, 2.0])
        # Elements never written are zeros, as TF's with a known element shape.
        np.testing.assert_array_equal(stacked, [[3, 4], [0, 0], [1, 2], [0, 0]])
        assert size == 4
        assert ta.element_shape.as_list() == [2]
        assert ta.dtype == tf.float32


def test_every_write_returns_a_new_tensor_array():
    with tf.Graph().as_default():
        ta0 = tf.TensorArray(tf.int32, size=2, element_shape=[])
        ta1 = ta0.write(0, 7)
        ta2 = ta1.write(1, 8)
        assert ta0 is not ta1 and ta1 is not ta2
        a, b, c = _run([ta0.stack(), ta1.stack(), ta2.stack()])
        np.testing.assert_array_equal(a, [0, 0])
        np.testing.assert_array_equal(b, [7, 0])
        np.testing.assert_array_equal(c, [7, 8])


def test_unstack_gather_scatter_concat_split():
    x = RNG.standard_normal((5, 2, 3)).astype(np.float32)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, [None, 2, 3])
        ta = tf.TensorArray(tf.float32, size=5).unstack(p)
        grown = tf.TensorArray(tf.float32, size=0, dynamic_size=True).unstack(p)
        scattered = tf.TensorArray(tf.float32, size=6).scatter([4, 1], p[:2])
        split = tf.TensorArray(tf.float32, size=3).split(tf.reshape(p[:3], [6, 3]), [2, 2, 2])
        out = _run([ta.gather([4, 0, 4]), ta.read(3), ta.concat(), grown.size(), grown.read(1),
                    scattered.stack(), split.read(1), split.concat()], {p: x})
    np.testing.assert_array_equal(out[0], x[[4, 0, 4]])
    np.testing.assert_array_equal(out[1], x[3])
    np.testing.assert_array_equal(out[2], x.reshape(10, 3))
    assert out[3] == 5
    np.testing.assert_array_equal(out[4], x[1])
    want = np.zeros((6, 2, 3), np.float32)
    want[4], want[1] = x[0], x[1]
    np.testing.assert_array_equal(out[5], want)
    np.testing.assert_array_equal(out[6], x[1])
    np.testing.assert_array_equal(out[7], x[:3].reshape(6, 3))


def test_dynamic_size_grows_with_constant_indices():
    with tf.Graph().as_default():
        ta = tf.TensorArray(tf.float32, size=1, dynamic_size=True)
        ta = ta.write(0, [1.0]).write(3, [2.0])
        stacked, size = _run([ta.stack(), ta.size()])
        np.testing.assert_array_equal(stacked, [[1], [0], [0], [2]])
        assert size == 4


def test_fed_size_and_element_shape():
    with tf.Graph().as_default():
        n = tf.placeholder(tf.int32, [])
        ta = tf.TensorArray(tf.float32, size=n, element_shape=[2])
        ta = ta.write(1, [5.0, 6.0])
        out = _run(ta.stack(), {n: 3})
        np.testing.assert_array_equal(out, [[0, 0], [5, 6], [0, 0]])


def test_inconsistent_shapes_raise_at_graph_construction():
    with tf.Graph().as_default():
        ta = tf.TensorArray(tf.float32, size=3).write(0, [1.0, 2.0])
        with pytest.raises(ValueError, match=r"Inconsistent shapes: saw \(3,\) but expected "
                                             r"\(2,\)"):
            ta.write(1, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("build, message", [
    (lambda: tf.TensorArray(tf.float32, 3).write(0, [1.0]).write(0, [2.0]).stack(),
     "Could not write to TensorArray index 0 because it has already been written to."),
    (lambda: tf.TensorArray(tf.float32, 3).write(5, [1.0]).stack(),
     "Tried to write to index 5 but array is not resizeable and size is: 3"),
    (lambda: tf.TensorArray(tf.float32, 3).write(-1, [1.0]).stack(),
     "Tried to write to index -1 but array is not resizeable and size is: 3"),
    (lambda: tf.TensorArray(tf.float32, 3).write(0, [1.0]).read(3),
     "Tried to read from index 3 but array size is: 3"),
    (lambda: tf.TensorArray(tf.float32, 3).write(0, [1.0]).gather([0, -1]),
     "Tried to read from index -1 but array size is: 3"),
    (lambda: tf.TensorArray(tf.float32, 4).scatter([1, 1], [[1.0], [2.0]]).stack(),
     "Could not write to TensorArray index 1 because it has already been written to."),
], ids=["write-twice", "write-past-size", "write-negative", "read-past-size",
        "gather-negative", "scatter-twice"])
def test_tfs_errors_and_the_session_survives(build, message):
    with tf.Graph().as_default():
        bad = build()
        good = tf.TensorArray(tf.float32, 2).write(1, [4.0]).stack()
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError) as info:
                sess.run(bad)
            assert message in str(info.value)
            np.testing.assert_array_equal(sess.run(good), [[0.0], [4.0]])


def test_fed_index_out_of_range_raises_at_run_time():
    with tf.Graph().as_default():
        i = tf.placeholder(tf.int32, [])
        ta = tf.TensorArray(tf.float32, 2, element_shape=[]).write(i, 1.0)
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(ta.stack(), {i: 1}), [0.0, 1.0])
            with pytest.raises(tf.errors.InvalidArgumentError, match="size is: 2"):
                sess.run(ta.stack(), {i: 2})


def _loop_program(known_shape, bounded=False):
    """out[i] = tanh(x[i] * w + out[i - 1]), accumulated in a TensorArray."""
    x = tf.placeholder(tf.float64, [4, 3])
    w = tf.placeholder(tf.float64, [3])
    ta = tf.TensorArray(tf.float64, size=4, element_shape=[3] if known_shape else None)
    inputs = tf.TensorArray(tf.float64, size=4).unstack(x)

    def body(i, prev, ta):
        cur = tf.tanh(inputs.read(i) * w + prev)
        return i + 1, cur, ta.write(i, cur)
    # With maximum_iterations known when the plan is compiled, the gradient
    # reads the loop variables from a recorded history; without, it
    # recomputes them.
    _, _, out = tf.while_loop(lambda i, p, t: i < 4, body,
                              [0, tf.zeros([3], tf.float64), ta],
                              maximum_iterations=tf.shape(x)[0] + 2 if bounded else None)
    return x, w, out.stack()


def _numpy_loop(x, w):
    prev, rows = np.zeros(3), []
    for i in range(4):
        prev = np.tanh(x[i] * w + prev)
        rows.append(prev)
    return np.stack(rows)


@pytest.mark.parametrize("bounded", [False, True], ids=["recomputed", "recorded"])
@pytest.mark.parametrize("known_shape", [True, False], ids=["element_shape", "inferred"])
def test_while_loop_with_tensor_array_and_gradients(known_shape, bounded):
    xv, wv = RNG.standard_normal((4, 3)), RNG.standard_normal(3)
    weights = RNG.standard_normal((4, 3))
    with tf.Graph().as_default():
        x, w, stacked = _loop_program(known_shape, bounded)
        loss = tf.reduce_sum(stacked * weights)
        gx, gw = tf.gradients(loss, [x, w])
        with tf.Session() as sess:
            out, dx, dw = sess.run([stacked, gx, gw], {x: xv, w: wv})
    np.testing.assert_allclose(out, _numpy_loop(xv, wv), rtol=1e-12)
    np.testing.assert_allclose(dx, numeric_gradient(
        lambda a: np.sum(_numpy_loop(a, wv) * weights), xv, 1e-6), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dw, numeric_gradient(
        lambda a: np.sum(_numpy_loop(xv, a) * weights), wv, 1e-6), rtol=1e-6, atol=1e-8)


def test_gradient_of_gather_and_scatter_against_finite_differences():
    xv = RNG.standard_normal((3, 2))
    weights = RNG.standard_normal((4, 2))
    idx = [2, 0, 2, 1]

    def f(a):
        stacked = np.zeros((5, 2))
        stacked[[4, 0, 2]] = a
        return np.sum(stacked[idx] ** 2 * weights)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3, 2])
        ta = tf.TensorArray(tf.float64, size=5).scatter([4, 0, 2], x)
        loss = tf.reduce_sum(ta.gather(idx) ** 2 * weights)
        dx = _run(tf.gradients(loss, x)[0], {x: xv})
    np.testing.assert_allclose(dx, numeric_gradient(f, xv, 1e-6), rtol=1e-6, atol=1e-8)


def test_overwritten_rows_get_no_gradient_from_the_buffer():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [2, 2])
        v = tf.placeholder(tf.float64, [2])
        ta = tf.TensorArray(tf.float64, size=3).scatter([0, 2], x).write(1, v)
        loss = tf.reduce_sum(ta.stack() * [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        dx, dv = _run(tf.gradients(loss, [x, v]), {x: np.ones((2, 2)), v: np.ones(2)})
    np.testing.assert_array_equal(dx, [[1, 2], [5, 6]])
    np.testing.assert_array_equal(dv, [3, 4])


def test_write_twice_inside_a_loop_raises():
    with tf.Graph().as_default():
        ta = tf.TensorArray(tf.float32, size=3, element_shape=[])
        _, out = tf.while_loop(lambda i, t: i < 2, lambda i, t: (i + 1, t.write(0, 1.0)),
                               [0, ta])
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match="index 0 because it has already been written to"):
                sess.run(out.stack())


def test_dynamic_size_past_its_size_inside_a_loop_grows():
    with tf.Graph().as_default():
        ta = tf.TensorArray(tf.float32, size=2, dynamic_size=True, element_shape=[])
        _, out = tf.while_loop(lambda i, t: i < 3, lambda i, t: (i + 1, t.write(i, tf.cast(i, tf.float32) + 1.0)),
                               [0, ta])
        with tf.Session() as sess:
            stacked, size = sess.run([out.stack(), out.size()])
        np.testing.assert_array_equal(stacked, [1.0, 2.0, 3.0])
        assert size == 3


def test_identity_close_flow_and_handle_round_trip():
    with tf.Graph().as_default():
        ta = tf.TensorArray(tf.float32, size=2, element_shape=[1]).write(0, [3.0])
        same = tf.TensorArray(tf.float32, handle=ta.handle, flow=ta.flow)
        copy = ta.identity()
        close = ta.close()
        with tf.Session() as sess:
            sess.run(close)
            a, b = sess.run([same.read(0), copy.stack()])
        np.testing.assert_array_equal(a, [3.0])
        np.testing.assert_array_equal(b, [[3.0], [0.0]])


def test_constructor_errors_are_tfs():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Size must be provided if handle is not provided"):
            tf.TensorArray(tf.float32)
        with pytest.raises(ValueError, match="Cannot provide both a handle and size"):
            tf.TensorArray(tf.float32, size=2, handle=tf.zeros([2], tf.bool))


def test_unknown_element_shape_the_body_does_not_fix_is_unimplemented():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        ta = tf.TensorArray(tf.float32, size=3)
        with pytest.raises(tf.errors.UnimplementedError, match="element_shape"):
            tf.while_loop(lambda i, t: i < 3, lambda i, t: (i + 1, t.write(i, tf.gather(x, i))),
                          [0, ta])


def test_tensor_array_through_cond():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [])
        ta = tf.TensorArray(tf.float32, size=2, element_shape=[])
        out = tf.cond(p, lambda: ta.write(0, 1.0), lambda: ta.write(1, 2.0))
        with tf.Session() as sess:
            np.testing.assert_array_equal(sess.run(out.stack(), {p: True}), [1.0, 0.0])
            np.testing.assert_array_equal(sess.run(out.stack(), {p: False}), [0.0, 2.0])
