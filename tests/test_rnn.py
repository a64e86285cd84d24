"""fastgraph's RNNs beyond TF parity: dropout inside dynamic_rnn (its
masks drawn before the loop, so the loop's gradient sees the forward
pass's masks), a fed keep probability, and the while gradient's refusal of
a body that draws random numbers itself."""

import numpy as np
import pytest

import fastgraph as tf


class ScaleCell(tf.nn.rnn_cell.RNNCell):
    """output = input * w (a variable), the state passed through."""

    state_size = property(lambda self: 3)
    output_size = property(lambda self: 3)

    def build(self, input_shape):
        self.w = self.add_weight("w", [3], initializer=tf.constant_initializer([1.5, -2.0, 0.5]))
        self.built = True

    def call(self, inputs, state):
        return inputs * self.w, state


def test_dropout_in_dynamic_rnn_has_the_forward_masks_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 6, 3])
        keep = tf.placeholder_with_default(0.5, [])
        cell = tf.nn.rnn_cell.DropoutWrapper(ScaleCell(), output_keep_prob=keep, seed=2)
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        w = tf.trainable_variables()[0]
        grad = tf.gradients(tf.reduce_sum(outputs), w)[0]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out, g = sess.run([outputs, grad], {x: np.ones((40, 6, 3))})
            kept_all = sess.run(outputs, {x: np.ones((2, 6, 3)), keep: 1.0})
    # Half the outputs dropped, the others scaled by 2; d sum / d w is the
    # kept outputs' sum over w, with the very masks of this run.
    assert 0.4 < np.mean(out == 0) < 0.6
    assert set(np.unique(np.abs(out))) <= {0.0, 1.0, 3.0, 4.0}
    np.testing.assert_allclose(g, out.sum(axis=(0, 1)) / [1.5, -2.0, 0.5], rtol=1e-6)
    np.testing.assert_allclose(kept_all, np.broadcast_to([1.5, -2.0, 0.5], (2, 6, 3)))


def test_gradient_through_random_numbers_drawn_in_a_loop_body_is_refused():
    """The while gradient runs the body again; a random op there would draw
    other numbers, so fastgraph refuses rather than give a wrong gradient."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [4, 5])
        _, out = tf.while_loop(lambda i, h: i < 3,
                               lambda i, h: (i + 1, tf.nn.dropout(h * 2.0, rate=0.5)), [0, x])
        with pytest.raises(tf.errors.UnimplementedError, match="draws random numbers"):
            tf.gradients(tf.reduce_sum(out), x)


def test_placeholder_with_default_fed_inside_a_loop_is_the_feed():
    with tf.Graph().as_default():
        k = tf.placeholder_with_default(0.5, [])
        _, out = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * k), [0, 1.0])
        with tf.Session() as sess:
            assert sess.run(out) == 0.25
            assert sess.run(out, {k: 3.0}) == 9.0
