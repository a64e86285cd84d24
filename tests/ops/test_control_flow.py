"""cond: a predicate known at build time picks its branch; with a fed one
only the branch taken runs, side effects included."""

import collections

import numpy as np
import pytest

import fastgraph as tf


def test_fed_predicate_selects_between_branches():
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.bool, [])
        x = tf.placeholder(tf.float32, [None, 3])
        y = tf.cond(p, lambda: tf.nn.relu(x) * 2.0, lambda: tf.tanh(x))
        with tf.Session() as sess:
            v = np.linspace(-2, 2, 12, dtype=np.float32).reshape(4, 3)
            np.testing.assert_allclose(sess.run(y, {p: True, x: v}), np.maximum(v, 0) * 2)
            np.testing.assert_allclose(sess.run(y, {p: False, x: v}), np.tanh(v), rtol=1e-6)


def test_nested_outputs_keep_their_structure():
    Pair = collections.namedtuple("Pair", "a b")
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.bool, [])
        out = tf.cond(p, lambda: {"k": Pair(tf.constant(1), tf.constant([1.0, 2.0]))},
                      lambda: {"k": Pair(tf.constant(2), tf.constant([3.0, 4.0]))})
        assert isinstance(out["k"], Pair)
        with tf.Session() as sess:
            got = sess.run(out, {p: False})
    assert got["k"].a == 2 and got["k"].b.tolist() == [3.0, 4.0]


@pytest.mark.parametrize("pred", [True, False])
def test_known_predicate_builds_one_branch(pred):
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(1.0)
        # A side effect is fine when only one branch is built.
        y = tf.cond(tf.constant(pred), lambda: v.assign_add(1.0), lambda: v.assign_sub(1.0))
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert sess.run(y) == (2.0 if pred else 0.0)


def test_errors():
    g = tf.Graph()
    with g.as_default():
        p = tf.placeholder(tf.bool, [])
        v = tf.Variable(1.0)
        y = tf.cond(p, lambda: v.assign_add(1.0), lambda: v.read_value())
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert [sess.run(y, {p: False}), sess.run(y, {p: True}), sess.run(y, {p: False})] \
                == [1.0, 2.0, 2.0]
        with pytest.raises(TypeError):
            tf.cond(p, lambda: tf.constant(1), lambda: tf.constant(1.0))
        with pytest.raises(ValueError):
            tf.cond(p, lambda: [tf.constant(1)], lambda: [tf.constant(1), tf.constant(2)])
        with pytest.raises(TypeError):
            tf.cond(tf.placeholder(tf.int32, []), lambda: 1, lambda: 2)
        with pytest.raises(ValueError):
            tf.cond(tf.placeholder(tf.bool, [2]), lambda: tf.constant(1), lambda: tf.constant(2))
