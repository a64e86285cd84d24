"""Loops whose variables change shape across iterations (`shape_invariants`,
dynamic_size TensorArrays written in a loop: HostWhile), and the O(n)
gradient of a loop whose trip count is only known when it runs, against
NumPy and finite differences."""

import numpy as np
import pytest

import fastgraph as tf


def _fd(sess, loss, x, xv, feeds=None, eps=1e-6):
    feeds = dict(feeds or {})
    out = np.zeros_like(xv)
    for k in range(xv.size):
        e = np.zeros_like(xv)
        e.flat[k] = eps
        hi = sess.run(loss, {**feeds, x: xv + e})
        lo = sess.run(loss, {**feeds, x: xv - e})
        out.flat[k] = (hi - lo) / (2 * eps)
    return out


def test_dynamic_size_tensor_array_written_in_a_loop():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None, 3])
        n = tf.shape(x)[0]
        ta = tf.TensorArray(tf.float64, size=0, dynamic_size=True)
        _, ta = tf.while_loop(lambda i, t: i < n,
                              lambda i, t: (i + 1, t.write(i, tf.sin(tf.gather(x, i)) * 2.0)),
                              [0, ta])
        # The element shape is inferred from the body's first write.
        assert ta.element_shape.as_list() == [3]
        stacked, size, rows = ta.stack(), ta.size(), ta.gather([2, 0])
        assert stacked.shape.as_list() == [None, 3]
        loss = tf.reduce_sum(stacked * stacked)
        g = tf.gradients(loss, x)[0]
        xv = np.random.default_rng(0).normal(size=(5, 3))
        with tf.Session() as sess:
            s, sz, r, gv = sess.run([stacked, size, rows, g], {x: xv})
            np.testing.assert_allclose(s, 2 * np.sin(xv))
            assert sz == 5
            np.testing.assert_allclose(r, 2 * np.sin(xv[[2, 0]]))
            np.testing.assert_allclose(gv, 8 * np.sin(xv) * np.cos(xv), rtol=1e-10)
            np.testing.assert_allclose(gv, _fd(sess, loss, x, xv), rtol=1e-6)
            # Another trip count, in the same session.
            s2 = sess.run(stacked, {x: xv[:2]})
            np.testing.assert_allclose(s2, 2 * np.sin(xv[:2]))


def test_dynamic_size_concat_and_element_dims_unknown_until_run():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True, infer_shape=False)
        _, ta = tf.while_loop(lambda i, t: i < 3,
                              lambda i, t: (i + 1, t.write(i, x * tf.cast(i + 1, tf.float32))),
                              [0, ta])
        xv = np.arange(6, dtype=np.float32).reshape(2, 3)
        with tf.Session() as sess:
            c, s = sess.run([ta.concat(), ta.stack()], {x: xv})
        np.testing.assert_array_equal(c, np.concatenate([xv, 2 * xv, 3 * xv]))
        np.testing.assert_array_equal(s, np.stack([xv, 2 * xv, 3 * xv]))


def test_dynamic_size_keeps_its_initial_size_and_outside_loops_grows_at_run_time():
    with tf.Graph().as_default():
        k = tf.placeholder(tf.int32, [])
        ta = tf.TensorArray(tf.float32, size=2, dynamic_size=True, element_shape=[2])
        ta = ta.write(k, [1.0, 2.0])
        with tf.Session() as sess:
            s0, n0 = sess.run([ta.stack(), ta.size()], {k: 0})
            s5, n5 = sess.run([ta.stack(), ta.size()], {k: 5})
        np.testing.assert_array_equal(s0, [[1, 2], [0, 0]])
        assert n0 == 2 and n5 == 6
        want = np.zeros((6, 2), np.float32)
        want[5] = [1, 2]
        np.testing.assert_array_equal(s5, want)


def test_shape_invariants_rows_concatenated_and_their_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [1, 2])
        n = tf.placeholder(tf.int32, [])

        def body(i, rows):
            last = tf.slice(rows, tf.stack([tf.shape(rows)[0] - 1, 0]), [1, 2])
            return i + 1, tf.concat([rows, tf.tanh(last) * 1.5], 0)
        _, rows = tf.while_loop(lambda i, r: i < n, body, [0, x],
                                shape_invariants=[tf.TensorShape([]), tf.TensorShape([None, 2])])
        assert rows.shape.as_list() == [None, 2]
        w = np.array([[0.3, -1.0]])
        loss = tf.reduce_sum(rows * rows * tf.constant([[1.0, 0.5]], tf.float64))
        g = tf.gradients(loss, x)[0]
        xv = np.array([[0.4, -0.7]])
        want = [xv[0]]
        for _ in range(4):
            want.append(np.tanh(want[-1]) * 1.5)
        with tf.Session() as sess:
            r, gv = sess.run([rows, g], {x: xv, n: 4})
            np.testing.assert_allclose(r, np.array(want))
            np.testing.assert_allclose(gv, _fd(sess, loss, x, xv, {n: 4}), rtol=1e-6)
            assert sess.run(rows, {x: w, n: 0}).shape == (1, 2)


def test_a_shape_change_without_an_invariant_is_tf_s_error():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="enters the loop with shape \\(1, 2\\), but has "
                           "shape \\(2, 2\\) after one iteration. To allow the shape to vary"):
            tf.while_loop(lambda i, r: i < 3, lambda i, r: (i + 1, tf.concat([r, r], 0)),
                          [0, tf.zeros([1, 2])])


def test_loop_gradient_with_a_trip_count_known_at_run_time_is_linear():
    # 1000 iterations, the trip count fed: the gradient records the forward
    # values in one pass (RunTimeValue), not by recomputing.
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [3])
        n = tf.placeholder(tf.int32, [])
        w = tf.constant([0.9, 1.1, -0.7], tf.float64)
        _, y = tf.while_loop(lambda i, y: i < n,
                             lambda i, y: (i + 1, y + 0.001 * tf.sin(y * w)), [0, x])
        loss = tf.reduce_sum(y * y)
        g = tf.gradients(loss, x)[0]
        types = [o.type for o in tf.get_default_graph().get_operations()]
        assert "RunTimeValue" in types
        xv = np.array([0.1, -0.2, 0.3])
        with tf.Session() as sess:
            gv = sess.run(g, {x: xv, n: 1000})
            np.testing.assert_allclose(gv, _fd(sess, loss, x, xv, {n: 1000}), rtol=1e-6)
            # No iteration: the gradient of sum(x^2).
            np.testing.assert_allclose(sess.run(g, {x: xv, n: 0}), 2 * xv)


def test_a_body_with_a_host_op_runs_as_a_host_loop():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.int32, [None])

        def body(i, acc):
            u, _ = tf.unique(tf.concat([x, x + i], 0))
            return i + 1, acc + tf.size(u)
        _, acc = tf.while_loop(lambda i, a: i < 4, body, [0, 0])
        assert acc.op.type == "HostWhile"
        xv = np.array([1, 2, 2, 5], np.int32)
        want = sum(np.unique(np.concatenate([xv, xv + i])).size for i in range(4))
        with tf.Session() as sess:
            assert sess.run(acc, {x: xv}) == want


def test_host_loop_references_agree_with_the_session():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float64, [None])
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, tf.concat([y, y * 0.5], 0)),
                             [0, x], shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
        tf.gradients(tf.reduce_sum(tf.sin(y)), x)[0]
        grad_op, = [o for o in tf.get_default_graph().get_operations()
                    if o.type == "HostWhileGrad"]
        xv = np.array([0.5, -1.5])
        with tf.Session() as sess:
            inputs = sess.run(list(grad_op.inputs), {x: xv})
            got = sess.run(grad_op.outputs[0], {x: xv})
            out = sess.run(y, {x: xv})
        want = grad_op.opdef.reference(inputs, grad_op._attrs)[0]
        np.testing.assert_allclose(got, want)
        ref = y.op.opdef.reference([np.int32(0), xv], y.op._attrs)[1]
        np.testing.assert_allclose(out, ref)
        assert out.shape == (16,)
