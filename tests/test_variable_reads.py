"""When a variable is read: an op sees the value the variable holds when
it runs, so reads under `control_dependencies` on an update see the update,
through every kind of step the compiler makes (an identity, a view, a
fused elementwise chain, a GEMM, a reduction, a fetch), and reads that do
not come after an update run before it (a training step's forward and
backward reads of the weights)."""

import numpy as np
import pytest

import fastgraph as tf

READS = {
    "identity": lambda v: tf.identity(v),
    "read_value": lambda v: v.read_value(),
    "reshape view": lambda v: tf.reshape(v, [-1]),
    "expand_dims view": lambda v: tf.expand_dims(v, 0),
    "elementwise": lambda v: v + 0.0,
    "fused chain": lambda v: tf.tanh(v * 1.0 + 0.0) * 0 + v * 1.0,
    "matmul": lambda v: tf.matmul(v, tf.eye(2)),
    "reduction": lambda v: tf.reduce_sum(v, axis=0),
    "identity of identity": lambda v: tf.identity(tf.identity(v)) * 1.0,
}


@pytest.mark.parametrize("read", list(READS), ids=list(READS))
def test_reads_under_a_control_dependency_see_the_update(g, read):
    v = tf.Variable(np.zeros((2, 2), np.float32))
    inc = v.assign_add(np.ones((2, 2), np.float32))
    with tf.control_dependencies([inc]):
        r = READS[read](v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        for step in range(1, 4):
            got = sess.run(r)
            want = READS_NUMPY[read](np.full((2, 2), float(step), np.float32))
            np.testing.assert_allclose(got, want, rtol=1e-6)


READS_NUMPY = {
    "identity": lambda a: a,
    "read_value": lambda a: a,
    "reshape view": lambda a: a.reshape(-1),
    "expand_dims view": lambda a: a[None],
    "elementwise": lambda a: a,
    "fused chain": lambda a: a,
    "matmul": lambda a: a,
    "reduction": lambda a: a.sum(axis=0),
    "identity of identity": lambda a: a,
}


def test_a_read_through_an_identity_made_outside_sees_the_update(g):
    v = tf.Variable(0.0)
    read = tf.identity(v)  # outside: no ordering of its own
    inc = v.assign_add(1.0)
    with tf.control_dependencies([inc]):
        r = read * 2.0
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(r) == 2.0
        assert sess.run(r) == 4.0


def test_reads_not_after_an_update_run_before_it(g):
    # A gradient step written by hand: both reads of w (forward and the
    # gradient's) must see w before the update, whatever the creation order.
    w = tf.Variable(np.array([2.0, -1.0]))
    x = tf.placeholder(tf.float64, [2])
    y = w * x
    grad_w = x * 1.0
    update = w.assign_sub(0.5 * grad_w)
    late_read = w * 3.0  # created after the update, not ordered after it
    with tf.Session() as sess:
        sess.run(w.initializer)
        got_y, got_late, _ = sess.run([y, late_read, update], {x: np.array([1.0, 4.0])})
        np.testing.assert_allclose(got_y, [2.0, -4.0])
        np.testing.assert_allclose(got_late, [6.0, -3.0])
        np.testing.assert_allclose(sess.run(w), [1.5, -3.0])


def test_a_fetched_read_of_an_updated_variable_shows_the_update(g):
    v = tf.Variable(5.0)
    with tf.control_dependencies([v.assign(7.0)]):
        r = tf.identity(v)
    with tf.Session() as sess:
        sess.run(v.initializer)
        assert sess.run(r) == 7.0


def test_reads_that_no_order_satisfies_still_run(g):
    # a <- b and b <- a in one run: TF leaves the order open; the run must
    # not fail, and each variable ends with one of the two values.
    a = tf.Variable(1.0)
    b = tf.Variable(2.0)
    swap = [a.assign(b.value()), b.assign(a.value())]
    with tf.Session() as sess:
        sess.run([a.initializer, b.initializer])
        sess.run(swap)
        assert {float(x) for x in sess.run([a, b])} <= {1.0, 2.0}


def test_an_uninitialized_read_through_a_view_is_refused(g):
    v = tf.Variable(1.0)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(tf.identity(v))
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(v.value())
