"""String tensors and string ops against hand-computed values: constants,
feeds and fetches as TF's (object arrays of bytes, scalars as bytes), the
layout ops on strings, and tf.strings' functions and their errors."""

import numpy as np
import pytest

import fastgraph as tf


def _run(fetches, feed_dict=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed_dict)


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def _objects(*values):
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


# ---- constants, feeds and fetches ------------------------------------------------

def test_string_constant_scalar_is_bytes():
    got = _run(tf.constant("Hello"))
    assert got == b"Hello" and isinstance(got, bytes)
    assert tf.constant(b"x").dtype == tf.string


def test_string_constant_list_is_object_array_of_bytes():
    got = _run(tf.constant([["a", b"bc"], ["\u00e9", ""]]))
    assert got.dtype == object and got.shape == (2, 2)
    assert got.tolist() == [[b"a", b"bc"], ["\u00e9".encode(), b""]]
    got = _run(tf.constant(np.array(["x", "yz"])))
    assert got.tolist() == [b"x", b"yz"]


def test_string_constant_broadcast_to_shape():
    assert _run(tf.constant("a", shape=[2])).tolist() == [b"a", b"a"]


def test_string_constant_errors_as_tf():
    with pytest.raises(TypeError, match="Failed to convert elements of"):
        tf.constant(["a", 1])
    with pytest.raises(TypeError, match=r"Expected string, but got 1 of type 'int'\."):
        tf.constant(1, dtype=tf.string)
    with pytest.raises(TypeError, match=r"Expected int32, but got a of type 'str'\."):
        tf.constant("a", dtype=tf.int32)


def test_string_feed_and_fetch():
    p = tf.placeholder(tf.string, [None])
    got = _run(tf.identity(p), {p: ["x", b"yy"]})
    assert got.dtype == object and got.tolist() == [b"x", b"yy"]
    q = tf.placeholder(tf.string)
    assert _run(q, {q: "s"}) == b"s"


def test_layout_ops_move_strings():
    p = tf.placeholder(tf.string, [3])
    feed = {p: ["a", "b", "c"]}
    got = _run([tf.gather(p, [2, 0]), tf.concat([p, p[:1]], 0), tf.stack([p, p]),
                tf.reshape(p, [3, 1]), tf.fill([2], "z"), tf.tile(p, [2]),
                tf.reverse(p, [0]), tf.zeros_like(p)], feed)
    assert got[0].tolist() == [b"c", b"a"]
    assert got[1].tolist() == [b"a", b"b", b"c", b"a"]
    assert got[2].shape == (2, 3)
    assert got[3].tolist() == [[b"a"], [b"b"], [b"c"]]
    assert got[4].tolist() == [b"z", b"z"]
    assert got[5].tolist() == [b"a", b"b", b"c"] * 2
    assert got[6].tolist() == [b"c", b"b", b"a"]
    assert got[7].tolist() == [b"", b"", b""]


def test_equal_on_strings():
    p = tf.placeholder(tf.string, [3])
    got = _run([tf.equal(p, "b"), tf.not_equal(p, tf.constant(["a", "x", "c"]))],
               {p: ["a", "b", "c"]})
    assert got[0].tolist() == [False, True, False]
    assert got[1].tolist() == [False, True, False]
